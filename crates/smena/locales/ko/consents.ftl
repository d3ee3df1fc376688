consent-withdrawals-heading = 철회된 동의
consent-withdrawals-explain = 신청서를 제출한 뒤 동의를 철회한 가족입니다. 모든 동의가 없으면 배정에서 제외됩니다. 이미 자리를 받았다면 아이가 계속 참가할지 가족과 함께 결정하세요(참가하지 않으면 신청서 페이지에서 신청을 철회하세요).
consent-withdrawals-child = 아이
consent-withdrawals-consent = 동의
consent-withdrawals-none = 제출 후 철회된 동의가 없습니다.
consent-history-heading = 주어지고 철회된 동의
consent-history-given = { $when } { $who } 동의
consent-history-withdrawn = { $when } { $who } 철회
consent-withdraw = 이 동의 철회하기
consent-withdraw-explain = 여기서 동의를 철회하면 되돌릴 수 없습니다. 동의가 없으면 아이는 자리를 받지 못하며, 이미 받은 자리는 코디네이터가 결정합니다.
consent-withdraw-draft = 초안의 동의는 신청서 양식에서 바꿉니다.
email-consent-withdrawn-subject = 동의 철회: 신청서 { $reference }
email-consent-withdrawn-body =
    { $child }의 가족이 신청서 { $reference }에 대한 { $consent } 동의를 철회했습니다. 동의가 없으면 배정에서 제외됩니다. 이미 자리를 받았다면 가족과 함께 결정해 주세요.

    철회된 동의: { $link }

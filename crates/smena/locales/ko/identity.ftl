identity-heading = 신원 정보 변경
identity-explain = 신청 접수가 끝난 뒤 가족이 어린이의 이름, 생년월일 또는 여권을 바꾸었습니다. 결정하기 전까지 어린이의 자리, 여행 증서와 여행자 명단은 기존 정보를 유지합니다. 변경을 수락하면 정보가 바뀌고 어린이의 서류는 다시 검토 대상이 됩니다. 어느 경우든 가족에게 알립니다.
identity-now = 현재
identity-asked-for = 요청
identity-passport-number = 여권 번호
identity-accept = 변경 수락
identity-reject = 변경 거절
identity-none = 결정을 기다리는 신원 정보 변경이 없습니다.
identity-back-to-review = 저장되었습니다. 신청서를 제출한 뒤 어린이의 이름, 생년월일 또는 여권이 바뀌었으므로 코디네이터가 서류를 다시 확인합니다. 서류가 승인되면 어린이가 배정될 수 있습니다.
identity-asked = 다른 정보는 저장되었습니다. 신청 접수가 끝났으므로 이름, 생년월일 또는 여권 변경은 코디네이터의 결정을 기다립니다. 그때까지 신청서는 기존 정보를 유지합니다. 결과는 이메일로 알려 드립니다.
identity-waiting = 코디네이터의 결정을 기다리는 변경이 있습니다: { $name }, 생년월일 { $date }.
identity-already-decided = 이 변경은 이미 결정되었습니다.
child-changed-meanwhile = 그 사이에 어린이 정보가 바뀌었습니다(다른 창에서?). 아무것도 저장되지 않았습니다. 기록을 다시 열어 변경하세요.
email-identity-accepted-subject = { $child }의 정보가 변경되었습니다
email-identity-accepted-body =
    코디네이터가 { $child }의 이름, 생년월일 또는 여권 변경을 수락했습니다. 새 정보로 서류를 다시 확인합니다.

    어린이 기록: { $link }
email-identity-rejected-subject = { $child }의 정보가 변경되지 않았습니다
email-identity-rejected-body =
    코디네이터가 { $child }의 이름, 생년월일 또는 여권 변경을 수락하지 않았습니다. 기록은 기존 정보를 유지합니다. 정보가 틀렸다면 코디네이터에게 연락하세요.

    어린이 기록: { $link }

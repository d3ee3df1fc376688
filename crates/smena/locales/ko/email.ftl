# 가족과 직원에게 보내는 이메일: 제목과 본문 (HTML 부분은 본문으로 만듭니다).
email-greeting = { $name }님, 안녕하세요.

email-account-exists-subject = 누군가 귀하의 이메일 주소로 가입하려고 했습니다
email-account-exists-body =
    누군가(귀하일 수도 있습니다) 이미 계정이 있는 이 이메일 주소로 새 Smena 계정을 만들려고 했습니다.

    로그인: { $login }
    비밀번호를 잊으셨나요? { $forgot }

email-verification-subject = Smena 이메일 주소를 확인해 주세요
email-verification-body =
    48시간 안에 이 링크를 열어 본인의 이메일 주소임을 확인해 주세요:
    { $link }

    가입하지 않으셨다면 이 메시지를 무시하세요.

email-reset-subject = Smena 비밀번호 재설정
email-reset-body =
    새 비밀번호를 정하려면 한 시간 안에 이 링크를 여세요:
    { $link }

    요청하지 않으셨다면 이 메시지를 무시하세요. 비밀번호는 그대로 유지됩니다.

email-received-subject = 신청서가 접수되었습니다
email-received-body =
    "{ $programme }"에 대한 { $child }의 신청서가 접수되었습니다. 신청 번호는 { $reference }입니다. 동점일 때 순서를 정하는 추첨 번호가 이 번호로 뽑히므로, 발표된 결과를 확인할 수 있도록 보관하세요.

    신청서 보기: { $link }

    결과는 배정 후 발표되며, 설명과 함께 이메일로 받게 됩니다.

email-rejected-subject = 서류를 다시 보내야 합니다
email-rejected-body =
    { $child }의 서류 "{ $document }"가 승인되지 않았습니다. 사유:

    { $reason }

    새 사본을 올려 주세요: { $link }

email-result-subject = 배정 결과
email-result-placed = { $child }은(는) { $session } 기수에 자리를 받았습니다. { $deadline }까지 신청 페이지에서 수락하거나 거절해 주세요.
email-result-unplaced = 이번에는 { $child }에게 자리를 드리지 못했습니다. 대기자 명단에 남아 자리가 나면 순서가 올라갑니다.
email-result-body =
    { $headline }

    이유 (신청 번호 { $reference }):
    { $why }

    { $link }

email-reminder-subject = 제안된 자리에 답해 주세요
email-reminder-body =
    { $child }에게 제안된 { $session } 기수의 자리가 { $deadline }까지 답변을 기다리고 있습니다. 그때까지 수락하거나 거절하지 않으면 자리는 대기자 명단의 다음 어린이에게 넘어갑니다.

    { $link }

email-backfill-subject = 자녀를 위한 자리가 생겼습니다
email-backfill-accepted = 이미 자리를 수락하셨으므로 더 원하시던 이 자리가 자동으로 수락되었습니다.
email-backfill-offered = { $deadline }까지 신청 페이지에서 수락하거나 거절해 주세요.
email-backfill-body =
    자리가 생겨 { $child }이(가) { $session } 기수(지망 순위 { $rank })로 올라갑니다. { $answer }

    { $link }

email-documents-reminder-subject = 서류 제출 기한이 다가옵니다
email-documents-reminder-body =
    { $child }의 신청서에 아직 필요한 서류: { $documents }. 기한은 { $deadline }이며, 그 이후에는 서류를 받지 않습니다. 어린이 페이지에서 올려 주세요:

    { $link }

email-message-family-subject = 신청서 { $reference }에 관한 가족의 질문
email-message-family-body =
    { $child }의 가족(신청서 { $reference })이 씁니다:

    { $message }

    신청서 페이지에서 답하세요: { $link }
email-message-answer-subject = 신청서 { $reference }에 관한 코디네이터의 답변
email-message-answer-body =
    프로그램 코디네이터가 { $child }의 신청서({ $reference })에 대해 답합니다:

    { $message }

    전체 대화: { $link }
email-condition-missed-subject = { $child }의 자리가 취소되었습니다: 서류 누락
email-condition-missed-body =
    { $session }의 { $child } 자리는 { $deadline }까지 제출해야 하는 서류에 달려 있었습니다: { $documents }. 서류가 업로드되지 않아 자리는 대기자 명단의 다음 어린이에게 넘어갔습니다.
    잘못되었다고 생각되면 신청서 페이지에서 코디네이터에게 글을 남기십시오: { $link }

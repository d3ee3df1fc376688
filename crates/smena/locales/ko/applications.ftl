# 어린이, 어린이 정보와 신청서 (가족의 페이지).
children-title = 자녀
children-none = 아직 추가한 자녀가 없습니다.
children-add = 자녀 추가
child-born = 생년월일 { $date }
child-form-title = 자녀 정보
child-form-not-saved = 아직 아무것도 저장되지 않았습니다. 다음을 고쳐 주세요:
child-given-name = 이름
child-family-name = 성
child-choose-school = 학교를 고르세요
child-category = 우대 대상 (해당하는 경우)
child-category-none = 없음
child-passport-expires = 여권 유효 기간 (여권이 있는 경우)
child-passport-number = 여권 번호 (국경에서 쓰는 여행자 명단에 인쇄됩니다)
child-emergency-contact = 여행 중 비상 연락처 (이름과 전화번호)
child-sex = 성별
sex-female = 여
sex-male = 남
child-sex-why = 여행 단체를 구성하고 캠프 방을 배정하는 데 필요합니다.
child-invalid-sex = 성별을 선택하십시오: 여 또는 남.
child-passport-valid = 여권 유효 기간 { $date }
child-edit = 정보 수정
child-score-for = { $programme } 점수
child-category-tier = 우대 대상: 우선 { $tier }등급 (모든 점수보다 우선)
score-cap = { $level } 실적 상한
score-rural = 농촌 계수 ×{ $coefficient }
score-nomination = 학교 추천
achievement-title = 실적 (대회, 올림피아드 등)
achievement-place = 순위
achievement-add = 실적 추가
document-status-pending = 확인 대기 중
document-status-accepted = 승인됨
document-status-rejected = 반려됨
documents-none = 아직 올린 서류가 없습니다.
documents-required = 필요한 서류
documents-which = 어떤 서류
documents-file = 파일 (PDF, JPEG 또는 PNG, 10MB 이하)
documents-upload = 올리기
documents-missing = 다음 서류를 올려 주세요: { $document }.
application-open = 신청서 열기
application-start = 신청 시작
application-none = 신청서가 없습니다.
application-no-programme = 지금 신청을 받는 프로그램이 없습니다.

application-title = 신청서 — { $child }
application-heading = { $child }의 신청서
application-status-draft = 작성 중
application-status-submitted = 제출됨
application-status-withdrawn = 취소됨
application-child-page = 자녀 페이지
application-consent-form = 서명할 동의서 (PDF)
application-not-submitted = 아직 제출되지 않았습니다. 다음을 고쳐 주세요:
application-still-to-upload = 아직 올려야 할 서류가 있습니다.
application-save = 임시 저장
application-submit = 신청서 제출
application-received = 신청서를 받았습니다. 확인 이메일을 보내 드렸습니다.
application-saved = 임시 저장되었습니다.
application-unchangeable = 이 신청서는 더 이상 바꿀 수 없습니다.
application-closed = 이 프로그램의 신청이 마감되었습니다.
offer-line = 제안된 자리: { $session } ({ $rank }지망)
offer-status-offered = 제안됨
offer-status-accepted = 수락함
offer-status-declined = 거절함
offer-status-expired = 기한 지남
offer-status-withdrawn = 취소됨
offer-answer-by = , { $deadline }까지 답해 주세요
offer-accept = 자리 수락
offer-decline = 자리 거절
offer-none = 이번에는 자리가 없습니다. 자녀는 대기 명단에 남고, 자리가 나면 순서가 올라갑니다.
voucher-download = 여행 바우처 내려받기 (PDF)
voucher-bring = 인쇄해서 출발 장소에 가져오세요.
voucher-later = 프로그램 사무실에서 여행 바우처를 발급하면 여기에 나타나고 이메일로 알려 드립니다.
explanation-why = 이유
choices-heading = 원하는 순서대로 고른 세션
choices-truthful = 진짜 원하는 순서대로 적는 것이 언제나 가장 좋습니다. 낮은 순위의 선택 때문에 높은 순위를 잃는 일은 없습니다.
choices-chosen = 고른 세션
choice-label = { $rank }지망
choice-not-available = 이 자녀는 고를 수 없음: { $session } ({ $why }).
choice-unknown = { $rank }지망은 이 프로그램의 세션이 아닙니다.
choice-gap = { $empty }지망이 비어 있는데 { $rank }지망이 채워져 있습니다. 순서대로 채워 주세요.
choice-twice = { $session }을(를) 두 번 골랐습니다. 세션은 한 번씩만 고르세요.
choice-ineligible = { $session }은(는) 고를 수 없습니다: { $why }.
choice-none = 세션을 하나 이상 고르세요.
ineligible-age = 나이 { $min }–{ $max }세, 자녀는 { $n }세가 됩니다
ineligible-no-passport = 적어도 { $date }까지 유효한 여권이 필요합니다. 여권 유효 기간을 입력하세요
ineligible-passport = 여권이 { $expires }에 만료됩니다. 적어도 { $date }까지 유효해야 합니다
consents-heading = 동의
consents-given = 동의한 항목
consents-needed = 제출하려면 모든 항목에 동의해야 합니다. 각 동의는 이름과 시간과 함께 기록됩니다.
consent-kind-participation = 여행 참가
consent-kind-personal_data = 개인정보 처리
confirm-email-first = 먼저 이메일 주소를 확인해 주세요 (보내 드린 링크를 여세요).
together-heading = 함께 배정
together-explain = 형제자매는 함께 배정될 수 있습니다. 모두 같은 세션에 배정되거나, 모두를 위한 자리가 없으면 아무도 배정되지 않습니다. 같은 세션을 같은 순서로 골라야 하며 최대 { $n }명까지입니다. 먼저 자녀마다 신청을 시작하세요.
together-with = { $name }와(과) 함께 ({ $status })
together-block = 함께 배정: 블록 { $block }. 추첨 번호는 블록 단위로 뽑습니다.
together-block-with = { $names }와(과) 함께 배정: 블록 { $block }. 추첨 번호는 블록 단위로 뽑습니다.
together-only-family = 이 프로그램에 낸 같은 가족의 다른 신청서만 이 신청서와 함께 배정될 수 있습니다.
together-at-most = 함께 배정될 수 있는 어린이는 최대 { $n }명입니다.
together-no-sessions = 세션 없음
together-same-choices = { $name }의 신청서는 { $theirs }(으)로 제출되었습니다. 함께 배정되는 어린이는 같은 세션을 같은 순서로 골라야 합니다 (이 신청서: { $ours }).
withdraw-explain = 취소하면 신청을 포기하게 되며, 자리는 대기 명단의 다음 어린이에게 돌아갑니다.
withdraw-explain-place = 취소하면 신청과 자리를 모두 포기하게 되며, 자리는 대기 명단의 다음 어린이에게 돌아갑니다.
withdraw-submit = 신청 취소

# 자녀 정보의 문제.
child-invalid-given-empty = 자녀의 이름을 입력하세요.
child-invalid-given-long = 이름이 너무 길거나 쓸 수 없는 문자가 있습니다.
child-invalid-family-empty = 자녀의 성을 입력하세요.
child-invalid-family-long = 성이 너무 길거나 쓸 수 없는 문자가 있습니다.
child-invalid-birth-date = 생년월일: "{ $value }"은(는) 날짜가 아닙니다 (YYYY-MM-DD로 쓰세요).
child-invalid-birth-future = 생년월일이 미래입니다.
child-invalid-age = 5세에서 19세 어린이가 신청할 수 있습니다. 생년월일을 확인하세요.
child-invalid-school = 목록에서 자녀의 학교를 고르세요.
child-invalid-category = 목록에서 우대 대상을 고르세요.
child-invalid-passport-expiry = 여권 만료일: "{ $value }"은(는) 날짜가 아닙니다 (YYYY-MM-DD로 쓰세요).
child-invalid-passport-number = 여권 번호는 여권에 인쇄된 대로 5~20자의 문자와 숫자여야 합니다.
child-invalid-emergency-contact = 비상 연락처가 너무 길거나 쓸 수 없는 문자가 있습니다.
achievement-no-programme = 실적은 신청을 받는 프로그램에서 점수를 매기는데, 지금 열린 프로그램이 없습니다.
achievement-choose-level = 목록에서 실적 수준을 고르세요.
achievement-choose-place = 목록에서 순위를 고르세요.
achievement-describe = 실적을 200자 이내로 적어 주세요.
application-form-reused = 이 양식은 이미 다른 신청서 제출에 쓰였습니다. 페이지를 새로 고친 뒤 다시 제출하세요.

# 가족이 올리고 프로그램 사무실이 확인하는 서류.
upload-too-large = 파일이 { $n }MB보다 큽니다. 더 작은 스캔을 보내 주세요.
upload-incomplete = 업로드가 끝나지 않았습니다. 다시 시도하세요.
upload-no-programme = 지금 서류를 받는 프로그램이 없습니다.
upload-which = 어떤 서류인지 고르세요.
upload-past-deadline = "{ $document }"의 기한은 { $deadline }였습니다. 프로그램이 더 이상 받지 않습니다.
upload-choose-file = 올릴 파일을 고르세요.
upload-not-a-scan = 이 파일은 (이름과 상관없이) PDF, JPEG, PNG가 아닙니다. 서류를 스캔하거나 사진으로 찍어 주세요.
review-reason-needed = 서류를 반려하는 이유를 적어 주세요. 가족이 읽게 됩니다.
review-reason-long = 이유는 500자 이내로 적어 주세요.

# 자리 제안과 배정.
offer-no-offer = 답할 제안이 없습니다.
offer-already-answered = 이 제안에는 이미 답했습니다 ({ $status ->
    [accepted] 수락함
    [declined] 거절함
    [expired] 기한 지남
   *[withdrawn] 취소됨
}).
offer-deadline-passed = 이 제안의 답변 기한이 지났습니다.
offer-choose = 수락 또는 거절을 고르세요.
publish-only-final = 최종 실행만 발표할 수 있습니다. 모의 실행은 비교용입니다.
publish-already = 이 프로그램의 결과는 이미 발표되었습니다.
run-after-publication = 결과가 이미 발표되었습니다. 거절된 자리는 자동으로 다시 배정됩니다.
run-no-seed = 이 프로그램에는 추첨 시드가 없습니다. 먼저 약속값을 공개하세요.
dry-run-bad-places = "{ $value }"은(는) 자리 수가 아닙니다 (0 이상의 정수).
dry-run-bad-school-cap = "{ $value }"은(는) 학교 상한이 아닙니다. 정수나 none을 쓰세요.
dry-run-bad-points = "{ $value }"은(는) { $level } 점수가 아닙니다 (예: 3 또는 2.5).
dry-run-bad-rural = "{ $value }"은(는) 0에서 10 사이의 계수가 아닙니다 (예: 1.2).
export-nothing = 내보낼 것이 없습니다: { $what }.

# 페이지에 닿기 전에 거부된 양식.
form-too-large = 양식이 너무 큽니다. 아무것도 저장되지 않았습니다.
form-incomplete = 양식이 다 도착하지 않았습니다. 다시 시도하세요.
form-nul = 요청에 쓸 수 없는 문자(NUL 바이트)가 있습니다. 아무것도 저장되지 않았습니다.
form-foreign = 다른 사이트에서 보낸 양식이라 거부되었습니다.
form-expired = 양식이 만료되었거나 이 사이트에서 온 것이 아닙니다. 돌아가서 페이지를 새로 고친 뒤 다시 시도하세요.
language-choose = Русский, English, 한국어 중에서 고르세요.

review-choose = 수락 또는 거절을 선택하세요.
review-already = 이 서류는 이미 검토되었습니다: { $status ->
    [accepted] 승인됨
   *[rejected] 반려됨
}. 변경된 것은 없습니다.
document-upload-again = { $deadline }까지 새 사본을 올리세요
offer-depends-on = 이 자리는 아직 승인되지 않은 서류에 달려 있습니다 (기한까지 업로드하지 않으면 자리는 대기자 명단의 다음 어린이에게 넘어갑니다):
result-documents-now-accepted = 이제 서류가 승인되었습니다. 자녀는 대기자 명단에 있으며 자리가 나면 배정됩니다.
consent-abroad-heading = 해외 출국을 위한 공증 동의서
consent-abroad-guidance = 부모 없이 해외로 가는 어린이에게는 나라, 여행 기간, 동행하는 어른(그룹 인솔자)을 적고 공증인이 인증한 부모 한 명의 출국 동의서가 필요합니다. 미리 준비하여 출발할 때 어린이의 여권과 함께 원본을 인솔자에게 주세요. 사본은 보관하세요.
summary-title = 신청서 요약
summary-back = 신청서로 돌아가기
summary-print = 브라우저 메뉴에서 이 페이지를 인쇄하세요 (또는 PDF로 저장)
summary-choices = 선택한 기수 순위
summary-consents = 동의
summary-made = 작성 { $when }
application-summary-link = 인쇄용 요약
application-change-heading = 기수 순서 바꾸기
application-change-explain = 신청 접수가 열려 있는 동안 기수와 순서를 바꿀 수 있습니다. 추첨은 접수 마감 시점의 순서를 따릅니다.
application-change = 새 순서 저장
application-changed = 새 기수 순서가 저장되었습니다.
application-change-block = 함께 배정되는 어린이들은 같은 기수를 고릅니다. 한 어린이만 순서를 바꿀 수 없습니다.
thread-heading = 이 신청서에 관한 메시지
thread-none = 아직 메시지가 없습니다. 여기에서 프로그램 코디네이터에게 쓸 수 있으며, 답변은 이메일로 오고 여기에도 표시됩니다.
thread-family = 가족
thread-coordinator = 코디네이터
thread-write = 메시지
thread-send = 보내기
thread-waiting-title = 답변을 기다리는 가족의 질문
thread-waiting-none = 답변을 기다리는 질문이 없습니다.
message-empty = 메시지를 써 주세요.
message-long = 메시지는 { $n }자 이내로 써 주세요.
message-characters = 메시지에 저장할 수 없는 제어 문자가 있습니다.
email-nominated-subject = 학교가 { $child }을(를) 「{ $programme }」에 추천했습니다
email-nomination-withdrawn-subject = 학교가 { $child }의 추천을 철회했습니다
email-nominated-body =
    { $school }이(가) { $child }을(를) 프로그램 「{ $programme }」에 추천합니다.
    { $meaning }
    신청서: { $link }
email-nomination-withdrawn-body =
    { $school }이(가) 프로그램 「{ $programme }」에 대한 { $child }의 추천을 철회했습니다.
    { $meaning }
    잘못된 경우 학교에 문의하십시오. 신청서: { $link }
nomination-means-required = 프로그램 규칙에 따라 학교가 추천한 어린이만 배정에 참여합니다: 이제 이 조건이 충족되었습니다.
nomination-means-required-lost = 프로그램 규칙에 따라 학교가 추천한 어린이만 배정에 참여합니다: 추천이 없으면 신청서는 배정에 참여하지 않습니다.
nomination-means-points = 프로그램 규칙에 따라 추천은 신청서 점수에 { $points }점을 더합니다.
nomination-means-points-lost = 추천으로 신청서 점수에 { $points }점이 더해졌으나 이제 없어졌습니다.
nomination-means-nothing = 이 프로그램의 규칙은 추천에 점수를 주지도, 추천을 요구하지도 않습니다.
nomination-required-met = 학교가 어린이를 추천했습니다: 배정 참여 조건이 충족되었습니다.
nomination-required-missing = 이 프로그램은 학교가 추천한 어린이만 받습니다. 어린이의 학교는 아직 추천하지 않았습니다. 추천이 없으면 신청서는 배정에 참여하지 않습니다: 학교에 문의하십시오.
nomination-points-possible = 학교가 어린이를 추천하면 점수에 { $points }점이 더해집니다.
entry-needed = 캠프가 있는 나라에 입국하려면 아이에게 “{ $document }”이(가) 필요합니다. { $deadline }까지 올려 주십시오. 없으면 출발할 수 없습니다.

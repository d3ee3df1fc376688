# 인쇄 문서: PDF 서식의 항목 이름 (crates/pdf).
voucher-title = 여행 바우처
voucher-code = 바우처 코드
voucher-verify = 바우처가 유효한지 확인하려면 코드를 스캔하거나 이 주소를 여세요:
field-child = 어린이
field-birth-date = 생년월일
field-guardian = 부모 또는 보호자
field-programme = 프로그램
field-session = 캠프 기수
field-sessions = 캠프 기수
field-camp = 캠프
field-dates = 기간
field-departure = 출발 장소
field-reference = 신청 번호
field-school = 학교
field-email = 이메일
field-chaperones = 인솔자
field-camp-contact = 캠프 연락처
field-status = 상태
issued-on = 발급일
confidential = 기밀: 어린이 개인정보입니다. 안전하게 보관하고 여행 후 폐기하세요.

consent-title = 보호자 동의서
consent-sign-place-date = 장소 및 날짜
consent-signature = 부모 또는 보호자 서명
consent-text-version = 동의서 문안 버전
consent-participation = 나는 이 어린이의 부모 또는 법정 보호자입니다. 어린이가 배정된 기수에 프로그램 단체 및 인솔자와 함께 해외로 여행하는 것에 동의하며, 기한 내에 배정을 수락하거나 거절하겠습니다.
consent-personal-data = 프로그램이 이 신청을 위해 어린이의 개인정보를 처리하고, 캠프에는 필요한 정보만 제공하며, { $until } 이후(프로그램의 보존 기한) 삭제하는 것에 동의합니다.
consent-rules = 캠프 규칙을 읽었으며 자녀에게 설명하겠습니다.

manifest-title = 출국자 명단
manifest-count = 여행하는 어린이 수:
roster-title = 오프라인 명단
roster-checkpoints = 어린이가 단체와 함께 있으면 칸에 표시하세요: 출발, 환승할 때마다, 캠프 도착.
checkpoint-departure = 출발
checkpoint-transfer = 환승
checkpoint-arrival = 도착

report-title = 프로그램 보고서
report-sessions = 캠프 기수
report-districts = 지역
column-number = 번호
column-name = 이름
column-birth-date = 생년월일
column-passport = 여권 번호
column-passport-expires = 여권 만료일
column-guardian = 보호자
column-emergency = 비상 연락처
column-session = 기수
column-camp = 캠프
column-places = 정원
column-first-choices = 1지망
column-placed = 배정
column-cutoff = 합격선 점수
column-district = 지역
column-applicants = 신청자
column-share-applicants = 신청자 비율
column-share-places = 배정 비율

report-figure-applications = 제출된 신청서
report-figure-placed = 배정된 어린이
report-figure-unplaced = 대기자 명단
report-figure-rating = 가족 평점(5점 만점, 응답 { $n }건)
report-feedback = 가족의 의견
report-figure-places = 전체 기수 정원
report-chart-demand = 기수별 정원과 수요
report-chart-districts = 지역별 신청과 배정
report-chart-timeline = 날짜별 제출된 신청서
report-chart-shares = 지역별 신청자 비율과 배정 비율
report-chart-scores = 각 기수를 지망한 어린이의 점수와 합격선
report-no-run = 아직 최종 배정이 없습니다
not-assigned = 아직 배정되지 않음
not-given = 입력되지 않음

status-draft = 초안
status-open = 신청 접수 중
status-closed = 신청 마감
status-allocated = 배정 완료
status-purged = 정보 삭제됨 (보존 기한 지남)
status-published = 결과 발표

voucher-check-title = 바우처 확인
voucher-check-valid = 유효한 바우처입니다.
voucher-check-unknown = 이 코드의 유효한 바우처가 없습니다. 코드를 확인하거나 프로그램 사무실에 전화하세요.
voucher-check-withdrawn = 이 바우처는 더 이상 유효하지 않습니다: 자리를 포기했습니다.
voucher-check-code = 코드

email-voucher-subject = { $child }의 여행 바우처가 준비되었습니다
email-voucher-body =
    { $child }의 여행 바우처({ $session }, { $dates })가 준비되었습니다.
    인쇄하여 출발 장소에 가져오세요: { $departure }.
    신청 페이지에서 내려받으세요: { $link }
field-departs = 출발
field-meeting-point = 집합 장소
field-office-phone = 프로그램 사무실 전화
voucher-what-to-bring = 준비물
status-travelling = 단체 여행 중
status-completed = 프로그램 완료
journey-travelling-title = 단체 출발
journey-travelling-what = 자리가 확정됩니다: 포기된 자리는 더 이상 대기자 명단의 다음 어린이에게 제안되지 않고, 답변 없는 제안은 대체 없이 만료됩니다. 발표된 결과 상태로 되돌릴 수 없습니다.
journey-travelling-button = 단체가 출발했습니다
journey-travelling-explain = 단체가 출발하면 여기에 표시하십시오: 자리가 확정됩니다.
journey-completed-title = 모두 귀가
journey-completed-what = 프로그램이 완료됩니다: 모든 단체가 귀가했습니다. 어린이 정보는 보존 기한까지 보관된 후 삭제됩니다.
journey-completed-button = 모두 귀가했습니다
journey-completed-explain = 모든 단체가 돌아오면 프로그램을 완료하십시오.
journey-no-voucher = 수락된 자리 { $n }개에 바우처가 없습니다: 먼저 바우처를 발급하십시오
journey-unanswered = 답변 없는 제안 { $n }개: 대체 없이 만료됩니다
voucher-itinerary = 일정 (현지 시간)

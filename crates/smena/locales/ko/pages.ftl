# 모든 페이지 공통 (templates/base.html).
nav-log-in = 로그인
nav-register = 가입
nav-log-out = 로그아웃
nav-language = 언어

role-coordinator = 코디네이터
role-school = 학교 담당자
role-parent = 부모 또는 보호자
role-camp = 캠프 담당자
role-chaperone = 인솔자

home-title = 시작
home-hello = { $name }님, 안녕하세요
home-unverified = 이메일 주소가 아직 확인되지 않았습니다. 보내 드린 링크를 여세요. 확인된 주소가 있어야 신청할 수 있습니다.
home-logged-in-as = 로그인한 역할:
home-programmes = 프로그램과 기수
home-dashboard = 대시보드: 신청, 수요, 지역, 점수
home-setup = 프로그램 설정
home-applications = 신청서
home-documents = 확인할 서류
home-achievements = 스프레드시트에서 실적 가져오기
home-allocation = 배정
home-audit = 감사 기록
home-travel-papers = 여행 서류: 출국자 명단과 오프라인 명단
home-outbox = 보내는 이메일
home-children = 자녀와 신청서
home-pupils = 학교 학생 명단
home-placements = 캠프에 배정된 어린이
home-password = 비밀번호 변경

# 여러 페이지에서 함께 쓰는 말.
save = 저장
remove = 삭제
none-yet = 아직 없습니다.
score = 점수
achievements = 수상 실적
documents = 서류
application = 신청서
count-children = 어린이 { $n }명
error-back = 첫 페이지로 돌아가기
error-not-found = 이 페이지는 없거나 볼 수 있는 권한이 없습니다.
error-log-in = 로그인해 주세요.
error-too-many = 시도가 너무 많습니다. { $n }분 후에 다시 시도해 주세요.
error-internal = 저희 쪽에서 문제가 생겼습니다. 이 요청으로 입력하신 내용은 저장되지 않았습니다. 다시 시도해 주세요.
error-status-400 = 요청에 문제가 있습니다
error-status-403 = 허용되지 않음
error-status-404 = 찾을 수 없음
error-status-413 = 너무 큽니다
error-status-429 = 시도가 너무 많습니다
error-status-500 = 문제가 생겼습니다

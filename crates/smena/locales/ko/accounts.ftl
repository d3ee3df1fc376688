# 로그인, 가입, 비밀번호 (templates/accounts, src/accounts).
login-title = 로그인
login-email = 이메일 주소
login-password = 비밀번호
login-submit = 로그인
login-forgot = 비밀번호를 잊으셨나요?
login-register = 부모 또는 보호자로 가입
login-wrong = 이메일 주소 또는 비밀번호가 올바르지 않습니다.

register-title = 부모 또는 보호자로 가입
register-short-title = 가입
register-correct = 다음을 고쳐 주세요:
register-name = 성명
register-password = 비밀번호 ({ $min }자 이상)
register-password-again = 비밀번호 다시 입력
register-submit = 가입하기
register-mismatch = 두 비밀번호가 같지 않습니다.
register-check-title = 이메일을 확인하세요
register-check-message = { $email }(으)로 메시지를 보냈습니다. 메시지의 링크를 열어 주소를 확인한 뒤 로그인하세요. 확인된 주소가 있어야 신청할 수 있습니다.

forgot-title = 비밀번호를 잊으셨나요?
forgot-short-title = 비밀번호 찾기
forgot-explain = 새 비밀번호를 정할 수 있는 링크를 보내 드립니다.
forgot-submit = 링크 보내기

reset-title = 새 비밀번호 정하기
reset-password = 새 비밀번호 ({ $min }자 이상)
reset-submit = 새 비밀번호 저장

invalid-email-empty = 이메일 주소를 입력하세요.
invalid-email = "{ $input }"은(는) 이메일 주소가 아닙니다.
invalid-name-empty = 성명을 입력하세요.
invalid-name-long = 이름은 200자까지 쓸 수 있습니다.
invalid-name-characters = 이름에 사용할 수 없는 문자가 있습니다.
invalid-password-short = 비밀번호는 { $min }자 이상이어야 합니다.
invalid-password-long = 비밀번호는 { $max }자까지 쓸 수 있습니다.
invalid-password-email = 비밀번호는 이메일 주소와 같으면 안 됩니다.

reset-link-invalid = 이 링크는 더 이상 유효하지 않습니다(링크는 한 시간 안에 한 번만 쓸 수 있습니다). 새 링크를 요청하세요.
reset-done-title = 비밀번호가 변경되었습니다
reset-done-message = 비밀번호가 변경되었고 이전 비밀번호로 한 모든 로그인이 종료되었습니다. 이제 로그인할 수 있습니다.
change-current-wrong = 현재 비밀번호가 올바르지 않습니다.
change-mismatch = 두 새 비밀번호가 같지 않습니다.

change-title = 비밀번호 변경
change-current = 현재 비밀번호
change-password-again = 새 비밀번호 다시 입력
change-submit = 비밀번호 변경
change-done-message = 비밀번호가 바뀌었습니다. 다른 모든 곳에서는 로그아웃되었습니다.
verify-link-invalid = 이 확인 링크는 더 이상 유효하지 않습니다. 로그인한 뒤 시작 페이지에서 새 링크를 요청하세요.
verified-title = 이메일 주소가 확인되었습니다
verified-message = 감사합니다. 이메일 주소가 확인되었습니다. 이제 로그인할 수 있습니다.
forgot-sent = { $email }이(가) 계정에 등록된 주소라면 새 비밀번호를 정할 수 있는 링크를 보냈습니다.
phone-title = 전화번호
phone-explain = 인솔자가 인쇄한 그룹 명단에 적어 갑니다. 연결이 없을 때 자녀에 대해 연락할 번호입니다. 다른 사람은 볼 수 없습니다.
phone-label = 전화번호 (국가 번호 포함, 예: +7 914 123-45-67)
phone-save = 저장
phone-saved = 전화번호가 저장되었습니다.
phone-characters = 전화번호에는 숫자, 공백, 하이픈, 괄호만 쓰며 + 로 시작할 수 있습니다.
phone-length = 전화번호는 7~15자리입니다.
phone-missing = 인솔자가 연락할 수 있는 전화번호를 알려 주세요:

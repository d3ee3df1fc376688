# 모든 페이지 공통 (templates/base.html).
nav-log-in = 로그인
nav-register = 가입
nav-log-out = 로그아웃
nav-language = 언어

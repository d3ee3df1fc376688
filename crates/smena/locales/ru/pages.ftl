# Общее для всех страниц (templates/base.html).
nav-log-in = Войти
nav-register = Регистрация
nav-log-out = Выйти
nav-language = Язык

# Вход, регистрация, пароли (templates/accounts, src/accounts).
login-title = Вход
login-email = Адрес электронной почты
login-password = Пароль
login-submit = Войти
login-forgot = Забыли пароль?
login-register = Регистрация для родителей и законных представителей
login-wrong = Неверный адрес электронной почты или пароль.

register-title = Регистрация родителя или законного представителя
register-short-title = Регистрация
register-correct = Пожалуйста, исправьте:
register-name = Ваши фамилия, имя и отчество
register-password = Пароль (не менее { $min } символов)
register-password-again = Пароль ещё раз
register-submit = Зарегистрироваться
register-mismatch = Пароли не совпадают.
register-check-title = Проверьте почту
register-check-message = Мы отправили письмо на { $email }. Откройте ссылку в нём, чтобы подтвердить адрес, и войдите: без подтверждённого адреса подать заявку нельзя.

forgot-title = Забыли пароль?
forgot-short-title = Забыли пароль
forgot-explain = Мы пришлём ссылку, чтобы выбрать новый.
forgot-submit = Отправить ссылку

reset-title = Выберите новый пароль
reset-password = Новый пароль (не менее { $min } символов)
reset-submit = Сохранить новый пароль

invalid-email-empty = Пожалуйста, введите адрес электронной почты.
invalid-email = «{ $input }» — не адрес электронной почты.
invalid-name-empty = Пожалуйста, введите фамилию, имя и отчество.
invalid-name-long = Имя может содержать не более 200 символов.
invalid-name-characters = В имени есть символы, которые нельзя использовать.
invalid-password-short = Пароль должен содержать не менее { $min } символов.
invalid-password-long = Пароль может содержать не более { $max } символов.
invalid-password-email = Пароль не должен совпадать с адресом электронной почты.

reset-link-invalid = Ссылка больше не действует (ссылка работает один раз в течение часа). Запросите новую.
reset-done-title = Пароль изменён
reset-done-message = Пароль изменён, все входы со старым паролем завершены. Теперь можно войти.
change-current-wrong = Текущий пароль неверен.
change-mismatch = Новые пароли не совпадают.

change-title = Смена пароля
change-current = Текущий пароль
change-password-again = Новый пароль ещё раз
change-submit = Сменить пароль
change-done-message = Пароль изменён. На всех остальных устройствах выполнен выход.
verify-link-invalid = Эта ссылка для подтверждения больше не действует. Войдите и запросите новую на своей начальной странице.
verified-title = Адрес электронной почты подтверждён
verified-message = Спасибо: ваш адрес электронной почты подтверждён. Теперь можно войти.
forgot-sent = Если адрес { $email } принадлежит учётной записи, мы отправили на него ссылку для выбора нового пароля.

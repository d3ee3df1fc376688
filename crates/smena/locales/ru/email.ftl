# Письма семьям и сотрудникам: тема и текст (HTML-часть делается из текста).
email-greeting = Здравствуйте, { $name }!

email-account-exists-subject = Кто-то пытался зарегистрироваться с вашим адресом
email-account-exists-body =
    Кто-то (возможно, вы) пытался создать новую учётную запись Smena с этим адресом электронной почты, но для него учётная запись уже есть.

    Войти: { $login }
    Забыли пароль? { $forgot }

email-verification-subject = Подтвердите адрес электронной почты для Smena
email-verification-body =
    Подтвердите, что это ваш адрес: откройте эту ссылку в течение 48 часов:
    { $link }

    Если вы не регистрировались, просто не отвечайте на это письмо.

email-reset-subject = Смена пароля Smena
email-reset-body =
    Чтобы выбрать новый пароль, откройте эту ссылку в течение часа:
    { $link }

    Если вы этого не просили, не обращайте внимания на письмо: пароль останется прежним.

email-received-subject = Ваша заявка получена
email-received-body =
    Заявка на { $child } в программу «{ $programme }» получена. Её номер { $reference }: номер жеребьёвки, который решает при равенстве баллов, вытягивается для этого номера, поэтому сохраните его, чтобы проверить опубликованный итог.

    Заявка: { $link }

    Итоги опубликуют после распределения; вы получите их письмом с объяснением.

email-rejected-subject = Документ нужно прислать заново
email-rejected-body =
    Документ «{ $document }» для { $child } не принят. Причина:

    { $reason }

    Пожалуйста, загрузите новую копию: { $link }

email-result-subject = Итоги распределения
email-result-placed = { $child } получает место в смене { $session }. Пожалуйста, примите или отклоните его на странице заявки до { $deadline }.
email-result-unplaced = В этот раз { $child } не получает места; ребёнок остаётся в листе ожидания и поднимается, если места освободятся.
email-result-body =
    { $headline }

    Почему (заявка { $reference }):
    { $why }

    { $link }

email-reminder-subject = Пожалуйста, ответьте на предложенное место
email-reminder-body =
    Место для { $child } в смене { $session } ждёт вашего ответа до { $deadline }. Если вы не примете и не отклоните его до этого времени, место перейдёт следующему ребёнку из листа ожидания.

    { $link }

email-backfill-subject = Для вашего ребёнка освободилось место
email-backfill-accepted = Вы уже приняли место, поэтому это более желанное место принято за вас.
email-backfill-offered = Пожалуйста, примите или отклоните его на странице заявки до { $deadline }.
email-backfill-body =
    Освободилось место, и { $child } переходит в смену { $session } (ваш выбор № { $rank }). { $answer }

    { $link }

email-documents-reminder-subject = Скоро срок сдачи документов
email-documents-reminder-body =
    Для заявки { $child } ещё нужны документы: { $documents }. Срок — { $deadline }; после него документы не принимаются. Пожалуйста, загрузите их на странице ребёнка:

    { $link }

email-message-family-subject = Вопрос семьи по заявке { $reference }
email-message-family-body =
    Семья ребёнка { $child } (заявка { $reference }) пишет:

    { $message }

    Ответить можно на странице заявки: { $link }
email-message-answer-subject = Ответ координатора по заявке { $reference }
email-message-answer-body =
    Координатор программы отвечает по заявке { $child } ({ $reference }):

    { $message }

    Вся переписка: { $link }

home-heading = Возвращение домой
home-explain = Передайте каждого ребёнка родителю или законному представителю и запишите, кому и когда. Семье сразу придёт письмо. Программа завершится, когда дома будут все.
home-handed-to = Кому передан(а)
home-hand-over = Передан(а)
home-handed = передан(а): { $guardian }, { $when }
home-name-needed = Напишите, кому передан ребёнок (имя, не более 200 символов).
journey-not-home = { $n ->
    [one] { $n } ребёнок ещё не передан родителям
    [few] { $n } ребёнка ещё не переданы родителям
   *[other] { $n } детей ещё не переданы родителям
}
email-home-subject = { $child } дома
email-home-body =
    { $child } передан(а): { $guardian }, { $when }. Спасибо, что были с нами!
    Расскажите, как прошла поездка (это займёт минуту): { $link }
feedback-heading = Как прошла поездка
feedback-question = Как { $child } съездил(а)?
feedback-comment = Что понравилось, что можно сделать лучше
feedback-send = Отправить
feedback-problem = Выберите оценку от 1 до 5; отзыв — не более 2000 символов.
feedback-rating-5 = отлично
feedback-rating-4 = хорошо
feedback-rating-3 = нормально
feedback-rating-2 = плохо
feedback-rating-1 = очень плохо
feedback-summary-heading = Отзывы семей
feedback-answers = ответов: { $n }
feedback-average = средняя оценка { $average } из 5
home-feedback = Отзывы семей
uncollected-heading = { $n ->
    [one] { $n } ребёнка не забрали после возвращения
    [few] { $n } детей не забрали после возвращения
   *[other] { $n } детей не забрали после возвращения
}
uncollected-explain = Обратный рейс группы прибыл больше двух часов назад, а передача родителям не записана. Позвоните родителю; передачу запишите на странице группы.
uncollected-line = { $child } (родитель: { $guardian }) — { $group }, смена { $session }, прибыли { $when }
email-uncollected-subject = Не забрали после возвращения: { $n } — { $group }, смена { $session }
email-uncollected-body =
    { $group }, смена { $session }: обратный рейс прибыл { $when }; прошло больше двух часов, а этих детей никто не забрал:
    { $children }
    Позвоните их родителям. Страница группы: { $link }

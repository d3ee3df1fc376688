# Месяцы в родительном падеже, как в датах («1 июля 2027 г.»).
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
deadline-days-left = { $n ->
    [0] сегодня
    [one] остался { $n } день
    [few] осталось { $n } дня
   *[other] осталось { $n } дней
}
deadline-passed = срок прошёл
deadline-heading = Сроки
deadline-zone = Часовой пояс программы (имя IANA)
deadline-closes = Приём заявлений заканчивается
deadline-closes-time = в (время программы)
deadline-documents = Документы проверяются до
deadline-explain = В этот момент приём закрывается сам; семьи видят все даты в этом часовом поясе и сколько дней осталось.
deadline-save = Сохранить сроки
deadline-bad-zone = «{ $zone }» — не часовой пояс: напишите его так, как в базе tz, например Asia/Yakutsk.
deadline-bad-day = { $field }: «{ $value }» — не дата; напишите как 31.12.2026.
deadline-bad-time = «{ $value }» — не время; напишите как 18:00.
deadline-past = { $field }: { $value } уже прошло.
deadline-after-close = После закрытия приёма сроки не меняются.
deadline-applications-close = Приём заявлений до { $when }.

# Печатные документы: подписи для шаблонов PDF (crates/pdf).
voucher-title = Путёвка
voucher-code = Код путёвки
voucher-verify = Отсканируйте код или откройте этот адрес, чтобы проверить путёвку:
field-child = Ребёнок
field-birth-date = Дата рождения
field-guardian = Родитель или законный представитель
field-programme = Программа
field-session = Смена
field-sessions = Смены
field-camp = Лагерь
field-dates = Даты
field-departure = Место отправления
field-reference = Номер заявки
field-school = Школа
field-email = Электронная почта
field-chaperones = Сопровождающие
field-camp-contact = Контакт лагеря
field-status = Состояние
issued-on = Выдано
confidential = Конфиденциально: персональные данные детей. Храните бережно и уничтожьте после поездки.

consent-title = Согласие родителя
consent-sign-place-date = Место и дата
consent-signature = Подпись родителя или законного представителя
consent-text-version = Редакция текста согласия
consent-participation = Я являюсь родителем или законным представителем этого ребёнка. Я согласен(на), чтобы ребёнок выехал за границу с группой программы и её сопровождающими на ту смену, в которую он распределён, и я приму или отклоню место до установленного срока.
consent-personal-data = Я согласен(на) на обработку персональных данных ребёнка для этой заявки, на передачу принимающему лагерю только необходимых сведений и на удаление данных после { $until } (срок хранения данных программы).
consent-rules = Я ознакомился(ась) с правилами лагеря и объясню их ребёнку.

manifest-title = Список выезжающих
manifest-count = Выезжает детей:
roster-title = Список группы (без связи)
roster-checkpoints = Отмечайте, когда ребёнок в группе: отправление, каждая пересадка, прибытие в лагерь.
checkpoint-departure = Отправление
checkpoint-transfer = Пересадка
checkpoint-arrival = Прибытие

report-title = Отчёт по программе
report-sessions = Смены
report-districts = Районы
column-number = №
column-name = ФИО
column-birth-date = Дата рождения
column-passport = Номер паспорта
column-passport-expires = Паспорт действителен до
column-guardian = Родитель
column-emergency = Экстренный контакт
column-session = Смена
column-camp = Лагерь
column-places = Мест
column-first-choices = Первый выбор
column-placed = Распределено
column-cutoff = Проходной балл
column-district = Район
column-applicants = Заявителей
column-share-applicants = Доля заявителей
column-share-places = Доля мест

report-figure-applications = Подано заявок
report-figure-placed = Распределено детей
report-figure-unplaced = В листе ожидания
report-figure-rating = { $n ->
    [one] Оценка семей из 5 ({ $n } отзыв)
    [few] Оценка семей из 5 ({ $n } отзыва)
   *[other] Оценка семей из 5 ({ $n } отзывов)
}
report-feedback = Отзывы семей
report-figure-places = Мест во всех сменах
report-chart-demand = Места и спрос по сменам
report-chart-districts = Заявки и распределённые по районам
report-chart-timeline = Поданные заявки по дням
report-chart-shares = Доля мест и доля заявителей по районам
report-chart-scores = Баллы детей, выбравших смену, и проходной балл
report-no-run = Окончательного распределения ещё нет
not-assigned = пока не назначены
not-given = не указан

status-draft = Черновик
status-open = Приём заявок
status-closed = Приём заявок закрыт
status-allocated = Распределено
status-purged = Данные удалены (срок хранения истёк)
status-published = Итоги опубликованы

voucher-check-title = Проверка путёвки
voucher-check-valid = Путёвка действительна.
voucher-check-unknown = Действующей путёвки с таким кодом нет. Проверьте код или позвоните в офис программы.
voucher-check-withdrawn = Путёвка больше не действительна: от места отказались.
voucher-check-code = Код

email-voucher-subject = Путёвка для { $child } готова
email-voucher-body =
    Путёвка для { $child } ({ $session }, { $dates }) готова.
    Распечатайте её и возьмите с собой к месту отправления: { $departure }.
    Скачать её можно на странице заявки: { $link }
field-departs = Отправление
field-meeting-point = Место встречи
field-office-phone = Телефон офиса программы
voucher-what-to-bring = Что взять с собой
status-travelling = Группы в пути
status-completed = Программа завершена
journey-travelling-title = Группы выезжают
journey-travelling-what = Места станут окончательными: освободившиеся места больше не предлагаются следующим в списке ожидания, а неотвеченные предложения истекают без замены. Вернуть программу к опубликованным итогам нельзя.
journey-travelling-button = Группы выехали
journey-travelling-explain = Когда группы выезжают, отметьте это: места станут окончательными.
journey-completed-title = Все вернулись
journey-completed-what = Программа завершится: все группы вернулись домой. Данные детей хранятся до даты хранения и затем удаляются.
journey-completed-button = Все вернулись домой
journey-completed-explain = Когда все группы вернутся, завершите программу.
journey-no-voucher = { $n ->
    [one] у { $n } принятого места нет путёвки: сначала выпишите путёвки
    [few] у { $n } принятых мест нет путёвки: сначала выпишите путёвки
   *[other] у { $n } принятых мест нет путёвки: сначала выпишите путёвки
}
journey-unanswered = { $n ->
    [one] { $n } предложение ещё без ответа: оно истечёт без замены
    [few] { $n } предложения ещё без ответа: они истекут без замены
   *[other] { $n } предложений ещё без ответа: они истекут без замены
}
voucher-itinerary = Маршрут (время местное)

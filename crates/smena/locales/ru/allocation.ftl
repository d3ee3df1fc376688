# Почему ребёнок получил или не получил место в смене (объяснения).
explain-placed = Место в смене { $session } — ваш выбор номер { $rank }.
explain-ineligible = Смена { $session } недоступна: { $why }.
explain-below-cutoff = Нет места в смене { $session }: её места получили дети, стоящие выше. У последнего принятого ребёнка: { $cutoff }; у вашего ребёнка: { $own }.
explain-tier-decided = Другой ребёнок относился к более высокому уровню приоритета (льготной категории), который важнее баллов.
explain-lottery-decided = Баллы были равны, поэтому решил жребий: первым идёт меньший номер жребия.
explain-reserve = Места, отведённые для квоты «{ $group }», получили дети этой квоты, стоящие выше (у последнего: { $cutoff }).
explain-school-cap = { $n ->
    [one] Нет места в смене { $session }: на её общие места принимается не более { $n } ребёнка из одной школы, и их заняли дети школы «{ $school }», стоящие выше (у последнего: { $cutoff }; у вашего ребёнка: { $own }).
   *[other] Нет места в смене { $session }: на её общие места принимается не более { $n } детей из одной школы, и их заняли дети школы «{ $school }», стоящие выше (у последнего: { $cutoff }; у вашего ребёнка: { $own }).
}
explain-school-none = Нет места в смене { $session }: на её общие места не принимаются дети школы «{ $school }».
explain-school-cap-block = Нет места в смене { $session }: на её общие места принимается не больше { $n } детей одной школы, а ваших детей из школы «{ $school }», подающих заявку вместе, больше.
explain-block = Нет места в смене { $session }: ваши дети ({ $children }) подают заявки вместе, и им нужно { $children } мест(а) в одной смене; { $left } после детей, стоящих выше (у ваших детей: { $own }).
explain-block-left = { $n ->
    [0] мест не осталось
    [one] осталось только { $n } место
    [few] осталось только { $n } места
   *[many] осталось только { $n } мест
}
explain-all-reserved = Нет места в смене { $session }: все её места отведены для квот, в которые ваш ребёнок не входит, и эти квоты заполнены.
explain-reserve-filled = Нет места в смене { $session }: все её места отведены квотам, и места квоты «{ $group }» получили дети этой квоты, стоящие выше. У последнего из них: { $cutoff }; у вашего ребёнка: { $own }.
explain-no-places = Нет места в смене { $session }: в смене нет мест.
explain-held = Нет места в смене { $session }: её места остаются за детьми, которым их предложили до отзыва заявки (у последнего: { $cutoff }; у вашего ребёнка: { $own }).
explain-unresolved = Нет места в смене { $session }, хотя она приняла бы вашего ребёнка ({ $own }): из-за детей, подающих заявки вместе, этот случай нельзя решить автоматически. Координатор уведомлён и рассмотрит его.
priority-with-tier = уровень приоритета { $tier }, баллы { $score }, номер жребия { $lottery }
priority = баллы { $score }, номер жребия { $lottery }
ineligible-too-young = { $n ->
    [one] в первый день смены ({ $on }) ребёнку будет { $n } год, а смена принимает детей с { $min }
    [few] в первый день смены ({ $on }) ребёнку будет { $n } года, а смена принимает детей с { $min }
   *[many] в первый день смены ({ $on }) ребёнку будет { $n } лет, а смена принимает детей с { $min }
}
ineligible-too-old = { $n ->
    [one] в первый день смены ({ $on }) ребёнку будет { $n } год, а смена принимает детей не старше { $max }
    [few] в первый день смены ({ $on }) ребёнку будет { $n } года, а смена принимает детей не старше { $max }
   *[many] в первый день смены ({ $on }) ребёнку будет { $n } лет, а смена принимает детей не старше { $max }
}
ineligible-birth-date = у смены есть возрастное ограничение, а дата рождения не указана
ineligible-passport-expires = паспорт истекает { $expires }, а должен быть действителен как минимум до { $date }
ineligible-passport-missing = для смены нужен паспорт, а срок его действия не указан
ineligible-documents = документы заявки не проверены
ineligible-not-nominated = программа принимает только детей, рекомендованных школой, а школа ребёнка его не рекомендовала
ineligible-block-member = дети, подающие заявки вместе, должны все подходить смене, а { $member } ей не подходит
ineligible-withdrawn = заявка отозвана

# Страницы распределения для координатора.
allocation-title = Распределение
vouchers-issued = { $n ->
    [one] Выписана { $n } путёвка; семьям отправляются письма.
    [few] Выписаны { $n } путёвки; семьям отправляются письма.
   *[many] Выписано { $n } путёвок; семьям отправляются письма.
}
dry-run-heading = Попробовать изменённые правила (пробный прогон)
dry-run-label = Название пробного прогона
dry-run-label-example = например, 35 мест в июле
dry-run-places = Мест в смене { $session } (сейчас { $n })
dry-run-reserves = Квоты в смене { $session } (сейчас { $reserves }; группа:места;… или «нет»)
dry-run-reserves-none = Квоты в смене { $session } (сейчас нет; группа:места;… или «нет»)
dry-run-points = Баллы за достижение уровня «{ $level }» (сейчас { $points })
dry-run-school-cap = Детей из одной школы в смене (число или «нет»)
dry-run-rural = Сельский коэффициент (например, 1.2)
dry-run-unchanged = без изменений
dry-run-submit = Запустить пробный прогон
final-run-heading = Само распределение
final-run-explain = Запускает распределение по правилам и числу жеребьёвки программы для всех поданных заявок. Ничего не публикуется, пока вы не опубликуете результат.
final-run-submit = Запустить окончательное распределение
runs-heading = Прогоны
runs-none = Прогонов пока нет.
compare-a = Сравнить
compare-b = с
compare-submit = Сравнить рядом
column-run = Прогон
column-kind = Вид
column-when = Когда
column-ranked = Выбрали
column-lowest-score = Наименьший принятый балл на общих местах
column-choices = Выбор
run-kind-final = окончательный
run-kind-dry_run = пробный
run-of = { $n } из { $count }
run-placed-of = распределено { $n } из { $count }
run-published = опубликован
run-title = Прогон распределения
run-all = Все прогоны
run-publish-explain = Публикация раскрывает секретное число жеребьёвки, предлагает место каждому распределённому ребёнку и сообщает каждой семье результат с объяснением.
run-publish = Опубликовать этот результат
run-inputs-digest = Контрольная сумма исходных данных
run-results-digest = Контрольная сумма результата
run-by-district = По районам
run-unplaced = Дети без места
run-unplaced-summary = { $n ->
    [one] { $n } ребёнок, с причиной по первому выбору
    [few] { $n } ребёнка, с причиной по первому выбору
   *[many] { $n } детей, с причиной по первому выбору
}
run-first-1000 = (первые 1000)
run-reasons = Почему дети не получили места (причины по их выборам)
run-everyone-placed = Места получили все.
compare-title = Сравнение прогонов
compare-differences = { $n ->
    [one] { $n } ребёнок распределён иначе
    [few] { $n } ребёнка распределены иначе
   *[many] { $n } детей распределены иначе
}
compare-first-500 = (первые 500)
compare-same = Оба прогона распределяют всех одинаково.
reason-placed = место получено
reason-below_cutoff = места достались детям, стоящим выше
reason-school_cap_reached = достигнут предел для школы
reason-block_does_not_fit = дети, подающие вместе, не поместились
reason-all_places_reserved = все места отведены другим квотам
reason-reserve_filled = места квоты ребёнка заняли дети этой квоты, стоящие выше
reason-no_places = в смене нет мест
reason-held_by_earlier_offers = места заняты ранее сделанными предложениями
reason-unresolved_blocking_pair = оставлено на рассмотрение координатору
reason-too_young = слишком мал
reason-too_old = слишком взрослый
reason-birth_date_missing = нет даты рождения
reason-passport_expires_too_soon = паспорт истекает слишком рано
reason-passport_missing = нет паспорта
reason-documents_not_verified = документы не проверены
reason-not_nominated = нет рекомендации школы
reason-block_member_ineligible = один из детей, подающих вместе, не подходит
reason-withdrawn = заявка отозвана
papers-heading = Документы для поездки
papers-report = Отчёт по программе (PDF)
papers-spreadsheets = Таблицы
papers-manifest = Список группы (паспорта)
papers-roster = Список на бумаге (экстренные контакты)
papers-explain = Для каждой смены: список группы для границы (номера паспортов) и бумажный список с собой (экстренные контакты, отметки на каждом этапе пути). В обоих — дети, чьи семьи приняли место. Конфиденциально: печатайте только необходимое.
papers-travelling = Едут
papers-no-sessions = Смен пока нет.
export-applications = заявки
export-placements = распределение
export-waitlist = лист ожидания
vouchers-explain = Выписать путёвку каждому ребёнку, чья семья приняла место и у кого её ещё нет; каждая семья получит письмо.
vouchers-issue = Выписать путёвки

# Панель координатора.
dashboard-title = Обзор
dashboard-timeline-legend = Столбцы: подано за день. Линия: подано всего.
dashboard-from-run = По распределению «{ $run }».
dashboard-scores = Баллы и проходные баллы
dashboard-scores-legend = Для каждой смены — баллы детей, которые её выбрали; линия — наименьший балл получивших место. Дети льготных категорий идут впереди баллов, поэтому некоторые могут оказаться ниже линии.
dashboard-no-run = Доли районов и распределения баллов появятся после окончательного распределения.
dashboard-report-link = Отчёт по программе (PDF) и таблицы

# Заявки, документы, журнал и исходящая почта.
overview-record = карточка
overview-documents = принято: { $accepted }, на проверке: { $pending }
overview-none = Заявок пока нет.
review-accept = Принять
review-reason = Или напишите причину, которую прочтёт семья
review-reject = Отклонить
review-none = Проверять нечего.
audit-who = Кто
audit-did = Действие
audit-to = Объект
audit-outcome = Итог
audit-detail = Подробности
audit-none = Записей пока нет.
outbox-heading = Исходящая почта
outbox-explain = Письма семьям и сотрудникам, сначала новые.
outbox-secret-hidden = [одноразовая ссылка, только для получателя]
outbox-delivering = Они отправляются по SMTP; письмо, которое почтовый сервер сейчас не принимает, отправляется позже, с каждым разом выжидая дольше.
outbox-no-server = Почтовый сервер не настроен: письма ждут здесь.
outbox-to = кому: { $email }
outbox-state-sent = отправлено
outbox-state-failed = не доставлено
outbox-state-waiting = ждёт отправки
outbox-state-retrying = повторная попытка
outbox-attempts = { $n ->
    [one] { $n } попытка
    [few] { $n } попытки
   *[many] { $n } попыток
}
outbox-last-error = последняя ошибка
outbox-none = Писем нет.

# Что видит принимающий лагерь.
camp-title = Дети, распределённые в { $camp }
camp-explain = Дети, чьи семьи приняли место, и те, кому место предложено, но ответа ещё нет. Группы, комнаты и особые потребности придут со списками прибытия.
camp-places = { $n ->
    [one] { $n } место
    [few] { $n } места
   *[many] { $n } мест
}
camp-accepted-placed = приняли: { $accepted }, распределено: { $placed }
camp-age = Возраст по прибытии
camp-place = Место
camp-none-placed = Пока никто не распределён: места предлагаются после публикации результата.
camp-no-sessions = В этом лагере пока нет смен.

# Подписи диаграмм.
chart-demand-caption = мест: { $n } / выбрали: { $want } (первым выбором: { $first })
chart-legend-places = места
chart-legend-ranked = дети, выбравшие смену
chart-district-caption = распределено { $placed } из { $n } заявок
chart-legend-applications = заявки
chart-legend-placed = распределены
chart-share-caption = { $applicants } % заявителей, { $places } % мест
chart-legend-share-applicants = доля заявителей
chart-legend-share-places = доля мест
chart-no-applications = Заявок пока нет.
chart-in-all = всего { $n }
chart-ranked-it = { $n ->
    [one] выбрал { $n }
   *[other] выбрали { $n }
}
chart-cutoff = общие места от { $score }
chart-points = { $score } баллов
chart-placed-here = получили место в этой смене
chart-not-placed-here = не получили места здесь

# Таблицы, скачанные со страниц: названия листов и столбцов.
export-title-applications = Заявки
export-title-placements = Распределение
export-title-waitlist = Лист ожидания
export-title-manifest = Список группы { $session }
export-column-reference = Номер заявки
export-column-family_name = Фамилия
export-column-given_name = Имя
export-column-birth_date = Дата рождения
export-column-school = Школа
export-column-district = Район
export-column-category = Льготная категория
export-column-status = Статус
export-column-submitted = Подана
export-column-choices = Выбор смен
export-column-block = Вместе (блок)
export-column-session = Смена
export-column-choice_rank = Номер выбора
export-column-offer = Предложение
export-column-why_not_placed = Почему нет места (первый выбор)
export-column-passport_number = Номер паспорта
export-column-passport_expires = Паспорт действителен до
export-column-guardian = Родитель или законный представитель
export-column-guardian_email = Эл. почта родителя
export-column-emergency_contact = Экстренный контакт

run-label-final = Окончательное распределение
run-label-dry = Пробный расчёт
chart-reserve-cutoff = квота «{ $group }» от { $score }
chart-by-category = { $n } по льготной категории, вне баллов
waitlist-title = Лист ожидания
waitlist-none = Ребёнок не ждёт места ни в одной смене: итогов ещё нет, у него место по первому выбору или ни одна выбранная смена ему не подходила.
waitlist-line = { $session } (выбор { $rank }):
waitlist-position = номер { $position } в очереди
waitlist-explain = Очередь упорядочена так же, как распределение: льготная категория, затем баллы, затем жребий. Когда семья отказывается или не отвечает вовремя, место получает первый в очереди, ему сразу приходит письмо. Места, закреплённые за группой (сельские или арктические районы), могут пропустить вперёд ребёнка из этой группы.
waitlist-link = Где ребёнок в листе ожидания
waitlist-school-full = от вашей школы в этой смене уже столько детей, сколько допускает программа: место появится, только если кто-то из них откажется
waitlist-together = { $n ->
    [one] размещаются вместе: нужно сразу { $n } место
    [few] размещаются вместе: нужно сразу { $n } места
   *[many] размещаются вместе: нужно сразу { $n } мест
}

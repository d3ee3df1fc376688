papers-none-assigned = Вас ещё не назначили ни в одну группу поездки: взрослых к группам смены назначает координатор.
travel-heading = Поездка
travel-manage = поездка
travel-explain = Эти сведения печатаются в путёвке каждого ребёнка смены: когда и откуда уезжает группа, где встречаемся, что взять с собой и куда звонить. Их можно менять до самой поездки.
travel-saved = Сведения о поездке сохранены; они уже в путёвках.
travel-save = Сохранить
travel-clock = по времени
travel-one-per-line = по одному на строку
travel-departure-example = Аэропорт Якутска
travel-meeting-example = Зал вылета, у стойки регистрации, за 3 часа до вылета
travel-bring-example = Паспорт, свидетельство о рождении, нотариальное согласие на выезд
groups-heading = Группы
groups-manage = группы
groups-ratio = По правилам программы: не больше { $children } детей на одного взрослого и не меньше { $adults } взрослых в группе.
groups-accepted = { $n ->
    [one] { $n } ребёнок принял место
    [few] { $n } ребёнка приняли место
   *[other] { $n } детей приняли место
}
groups-form = Составить группы
groups-reform-title = Составить группы заново
groups-reform-what = { $n ->
    [one] Сейчас есть { $n } группа. Она будет заменена новыми: перемещения детей и назначения взрослых пропадут.
    [few] Сейчас есть { $n } группы. Они будут заменены новыми: перемещения детей и назначения взрослых пропадут.
   *[other] Сейчас есть { $n } групп. Они будут заменены новыми: перемещения детей и назначения взрослых пропадут.
}
groups-reform-button = Составить группы заново
groups-number = Группа { $n }
groups-children = { $n ->
    [one] { $n } ребёнок
    [few] { $n } ребёнка
   *[other] { $n } детей
}
groups-adults-needed = нужно взрослых: { $n }
groups-adults-missing = не хватает взрослых: { $n }
groups-adults = Взрослые
groups-no-adults = Взрослые ещё не назначены.
groups-assign-who = Назначить взрослого
groups-assign = Назначить
groups-remove = Снять
groups-members = Дети
groups-move-to = Перевести в группу
groups-move = Перевести
groups-outside = Приняли место после составления групп
groups-choose = Выберите ребёнка, группу или взрослого из списка.
groups-not-adult = Это не учётная запись сопровождающего или сотрудника лагеря.
leg-line = { $kind } { $carrier } { $number }, { $from } → { $to }: { $departs } – { $arrives } (местное время)
leg-kind-flight = Рейс
leg-kind-train = Поезд
leg-kind-bus = Автобус
leg-kind-transfer = Трансфер
leg-choose-kind = Выберите, как едет группа: рейс, поезд, автобус или трансфер.
leg-arrives-before = Прибытие должно быть позже отправления (время — местное, в часовом поясе каждого места).
legs-heading = Маршрут
legs-add = Добавить участок маршрута
legs-remove = Удалить
legs-local-time = Время — местное, как в билете: отправление по часам места отправления, прибытие — по часам места прибытия.
itinerary-none = Маршрут ещё не задан.
setup-field-leg-kind = Вид транспорта
setup-field-carrier = Перевозчик
setup-field-leg-number = Номер рейса или поезда
setup-field-from-place = Откуда
setup-field-to-place = Куда
setup-field-leg-departs = Отправление
setup-field-leg-arrives = Прибытие
setup-field-arrives-on = День прибытия
setup-field-arrives-time = Время прибытия
email-itinerary-subject = Маршрут группы { $child } изменился
email-itinerary-body =
    Маршрут группы, с которой едет { $child }, изменился. Сейчас он такой (время местное):
    { $itinerary }
    Подробности на странице заявки: { $link }
groups-children-per-adult = Детей на одного взрослого, не больше
groups-adults-per-group = Взрослых в группе, не меньше
groups-ratio-save = Сохранить для программы (для групп, составленных после)
groups-ratio-numbers = Детей на взрослого — от 1 до 50, взрослых в группе — от 1 до 10.
ready-heading = Готовность к поездке
ready-explain = Для каждого ребёнка, принявшего место: документы программы, ещё не принятые, виза или приглашение, которых требует страна лагеря, ещё не принятые, и загранпаспорт, срок которого кончается раньше нужного. Пока что-то из этого есть, ребёнок не готов к выезду.
ready-no-group = Без группы
ready-count = готовы { $ready } из { $n }
ready-nobody = Пока никто не принял место.
ready-document-missing = «{ $document }» не загружен
ready-document-pending = «{ $document }» ждёт проверки
ready-document-rejected = «{ $document }» отклонён, новый не загружен
ready-passport-missing = срок загранпаспорта не указан
ready-passport-short = загранпаспорт действует до { $expires }, а нужен до { $needed }
home-ready = Готовность к поездке

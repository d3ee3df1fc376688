roll-calls-heading = Переклички
roll-calls-explain = Перекличка — при отправлении и прибытии каждого участка пути и каждый день в лагере. Страница работает и без связи: отметки хранятся в телефоне и уйдут, когда связь появится.
roll-call-heading = Перекличка
roll-call-departure = Отправление: { $leg }
roll-call-arrival = Прибытие: { $leg }
roll-call-day = День в лагере: { $day }
roll-call-start = Начать перекличку
roll-call-open-link = Продолжить перекличку
roll-call-closed-link = Перекличка закрыта — посмотреть
roll-call-not-taken = Перекличку ещё не проводили.
roll-call-choose = Выберите, какую перекличку начать: отправление или прибытие участка этой группы или день смены.
roll-call-mark-present = на месте
roll-call-mark-absent = отсутствует
roll-call-mark-excused = отсутствует по уважительной причине
roll-call-unmarked = не отмечен(а)
roll-call-counts = На месте: { $present }, отсутствуют: { $absent }, по уважительной причине: { $excused }, не отмечены: { $unmarked }.
roll-call-waiting = Отметок ждут отправки: #.
roll-call-sent = Все отметки получены сервером.
roll-call-offline = Нет связи: отметки сохранены в телефоне.
roll-call-blocked = Не может отправиться: { $why }
roll-call-bad-marks = Отметка не принята: выберите ребёнка этой группы и отметку «на месте», «отсутствует» или «по уважительной причине».
roll-call-close = Закрыть перекличку
roll-call-close-explain = Если кто-то не отмечен «на месте», координатор сразу получит письмо. При закрытии прибытия семьи узнают, что группа прибыла.
roll-call-closed = Перекличка закрыта { $when }.
roll-call-paper = Бумажный список группы с QR-кодами (PDF)
email-roll-call-missing-subject = Перекличка: не на месте { $n } — { $group }, смена { $session }
email-roll-call-missing-body =
    { $by } закрыл(а) перекличку { $when }: { $group }, смена { $session }.
    { $occasion }
    Не на месте:
    { $children }
    Перекличка: { $link }
email-group-arrived-subject = Группа прибыла: { $place }
email-group-arrived-body =
    Группа, в которой едет { $child }, прибыла: { $place }, { $when }. { $child } на месте.
    Подробности на странице заявки: { $link }
roll-call-unsent-logout = Отметки переклички ещё не отправлены (нет связи): #. При выходе они будут удалены с этого телефона. Всё равно выйти?

# Дети, их данные и заявки (страницы семьи).
children-title = Ваши дети
children-none = Дети ещё не добавлены.
children-add = Добавить ребёнка
child-born = дата рождения: { $date }
child-form-title = Данные ребёнка
child-form-not-saved = Пока ничего не сохранено. Исправьте, пожалуйста:
child-given-name = Имя
child-family-name = Фамилия
child-choose-school = Выберите школу
child-category = Льготная категория (если есть)
child-category-none = Нет
child-passport-expires = Паспорт действителен до (если он есть)
child-passport-number = Номер паспорта (печатается в списке группы для границы)
child-emergency-contact = Контакт на случай ЧП во время поездки (имя и телефон)
child-sex = Пол
sex-female = женский
sex-male = мужской
child-sex-why = Нужен, чтобы составить группы для поездки и расселить детей в лагере.
child-invalid-sex = Выберите пол: женский или мужской.
child-passport-valid = паспорт действителен до { $date }
child-edit = Изменить данные
child-score-for = Баллы в программе «{ $programme }»
child-category-tier = Льготная категория: уровень приоритета { $tier } (выше любых баллов)
score-cap = ограничение для достижений уровня «{ $level }»
score-rural = сельский коэффициент ×{ $coefficient }
score-nomination = рекомендация школы
achievement-title = Достижение (конкурс, олимпиада, …)
achievement-place = Место
achievement-add = Добавить достижение
document-status-pending = ждёт проверки
document-status-accepted = принят
document-status-rejected = отклонён
documents-none = Пока ничего не загружено.
documents-required = Нужны
documents-which = Какой документ
documents-file = Файл (PDF, JPEG или PNG, до 10 МБ)
documents-upload = Загрузить
documents-missing = Загрузите, пожалуйста: { $document }.
application-open = Открыть заявку
application-start = Начать заявку
application-none = Заявки нет.
application-no-programme = Сейчас ни одна программа не принимает заявки.

application-title = Заявка — { $child }
application-heading = Заявка: { $child }
application-status-draft = черновик
application-status-submitted = подана
application-status-withdrawn = отозвана
application-child-page = страница ребёнка
application-consent-form = согласие для подписи (PDF)
application-not-submitted = Заявка ещё не подана. Исправьте, пожалуйста:
application-still-to-upload = Осталось загрузить на странице
application-save = Сохранить черновик
application-submit = Подать заявку
application-received = Ваша заявка получена. Мы отправили вам подтверждение по электронной почте.
application-saved = Черновик сохранён.
application-unchangeable = Эту заявку больше нельзя изменить.
application-closed = Приём заявок в эту программу закрыт.
offer-line = Предложено место: { $session } (ваш выбор номер { $rank })
offer-status-offered = предложено
offer-status-accepted = принято
offer-status-declined = отклонено
offer-status-expired = срок ответа истёк
offer-status-withdrawn = отозвано
offer-answer-by = , ответьте до { $deadline }
offer-accept = Принять место
offer-decline = Отказаться от места
offer-none = На этот раз места нет. Ребёнок остаётся в листе ожидания и продвинется, если места освободятся.
voucher-download = Скачать путёвку (PDF)
voucher-bring = распечатайте её и возьмите с собой к месту отправления.
voucher-later = Путёвка появится здесь, когда её выпишет офис программы; вы получите письмо.
explanation-why = Почему
choices-heading = Смены в порядке предпочтения
choices-truthful = Честно указать свои предпочтения всегда лучше: более низкий выбор никогда не лишает вас более высокого.
choices-chosen = Выбранные смены
choice-label = Выбор { $rank }
choice-not-available = Недоступно для этого ребёнка: { $session } ({ $why }).
choice-unknown = Выбор { $rank } — не смена этой программы.
choice-gap = Выбор { $empty } пуст, а выбор { $rank } заполнен: заполняйте выборы по порядку.
choice-twice = { $session } выбрана дважды; выберите каждую смену один раз.
choice-ineligible = { $session } выбрать нельзя: { $why }.
choice-none = Выберите хотя бы одну смену.
ineligible-age = { $n ->
    [one] возраст { $min }–{ $max }; ребёнку будет { $n } год
    [few] возраст { $min }–{ $max }; ребёнку будет { $n } года
   *[many] возраст { $min }–{ $max }; ребёнку будет { $n } лет
}
ineligible-no-passport = нужен паспорт, действительный как минимум до { $date }; укажите срок его действия
ineligible-passport = паспорт истекает { $expires }; он должен быть действителен как минимум до { $date }
consents-heading = Согласия
consents-given = Даны согласия
consents-needed = Чтобы подать заявку, нужны все согласия; каждое записывается с вашим именем и временем.
consent-kind-participation = на участие в поездке
consent-kind-personal_data = на обработку персональных данных
confirm-email-first = Сначала подтвердите адрес электронной почты (откройте ссылку из нашего письма).
together-heading = Вместе
together-explain = Братьев и сестёр можно распределить вместе: всех в одну смену или никого, если мест на всех не хватит. Они должны выбрать одни и те же смены в одном порядке; не более { $n } детей. Сначала начните заявку для каждого ребёнка.
together-with = Вместе с: { $name } ({ $status })
together-block = Распределяются вместе: блок { $block }; номер жребия тянется для блока.
together-block-with = Распределяются вместе с: { $names }; блок { $block }; номер жребия тянется для блока.
together-only-family = Вместе с этой заявкой можно распределить только другие заявки вашей семьи в эту программу.
together-at-most = Вместе можно распределить не более { $n } детей.
together-no-sessions = ни одной смены
together-same-choices = Заявка ребёнка { $name } подана с выбором { $theirs }; дети, распределяемые вместе, должны выбрать одни и те же смены в одном порядке (в этой заявке: { $ours }).
withdraw-explain = Отзыв означает отказ от заявки; место перейдёт следующему ребёнку из листа ожидания.
withdraw-explain-place = Отзыв означает отказ от заявки и от места; место перейдёт следующему ребёнку из листа ожидания.
withdraw-submit = Отозвать заявку

# Что не так в данных ребёнка.
child-invalid-given-empty = Введите имя ребёнка.
child-invalid-given-long = Имя слишком длинное или содержит недопустимые символы.
child-invalid-family-empty = Введите фамилию ребёнка.
child-invalid-family-long = Фамилия слишком длинная или содержит недопустимые символы.
child-invalid-birth-date = Дата рождения: «{ $value }» — не дата (пишите ГГГГ-ММ-ДД).
child-invalid-birth-future = Дата рождения в будущем.
child-invalid-age = Подать заявку могут дети от 5 до 19 лет; проверьте дату рождения.
child-invalid-school = Выберите школу ребёнка из списка.
child-invalid-category = Выберите категорию из списка.
child-invalid-passport-expiry = Срок действия паспорта: «{ $value }» — не дата (пишите ГГГГ-ММ-ДД).
child-invalid-passport-number = Номер паспорта — от 5 до 20 букв и цифр, как напечатано в паспорте.
child-invalid-emergency-contact = Экстренный контакт слишком длинный или содержит недопустимые символы.
achievement-no-programme = Достижения оцениваются открытой программой, а сейчас открытых нет.
achievement-choose-level = Выберите уровень достижения из списка.
achievement-choose-place = Выберите место из списка.
achievement-describe = Опишите достижение, не более 200 символов.
application-form-reused = Эта форма уже использована для другой заявки. Обновите страницу и подайте заявку снова.

# Документы, которые загружает семья и проверяет офис программы.
upload-too-large = Файл больше { $n } МБ; пришлите скан поменьше.
upload-incomplete = Загрузка не завершилась; попробуйте ещё раз.
upload-no-programme = Сейчас ни одна программа не принимает документы.
upload-which = Выберите, какой это документ.
upload-past-deadline = Срок для документа «{ $document }» истёк { $deadline }; программа его больше не принимает.
upload-choose-file = Выберите файл для загрузки.
upload-not-a-scan = Это не PDF, JPEG или PNG (что бы ни говорило имя файла). Отсканируйте или сфотографируйте документ.
review-reason-needed = Укажите, почему документ отклонён; семья это прочитает.
review-reason-long = Причина — не более 500 символов.

# Предложения мест и распределение.
offer-no-offer = Нет предложения, на которое можно ответить.
offer-already-answered = На это предложение уже ответили ({ $status ->
    [accepted] принято
    [declined] отклонено
    [expired] срок ответа истёк
   *[withdrawn] отозвано
}).
offer-deadline-passed = Срок ответа на это предложение истёк.
offer-choose = Выберите: принять или отказаться.
publish-only-final = Опубликовать можно только окончательный прогон; пробные — для сравнения.
publish-already = Результат этой программы уже опубликован.
run-after-publication = Результат уже опубликован; освободившиеся места перераспределяются автоматически.
run-no-seed = У этой программы нет числа жеребьёвки; сначала опубликуйте обязательство.
dry-run-bad-places = «{ $value }» — не число мест (целое число от 0).
dry-run-bad-school-cap = «{ $value }» — не ограничение для школы: напишите целое число или none.
dry-run-bad-points = «{ $value }» — не число баллов за уровень { $level }, например 3 или 2.5.
dry-run-bad-rural = «{ $value }» — не коэффициент от 0 до 10, например 1.2.
export-nothing = Нечего выгружать: { $what }.

# Формы, отклонённые до страницы.
form-too-large = Форма слишком большая; ничего не сохранено.
form-incomplete = Форма пришла не полностью; попробуйте ещё раз.
form-nul = В запросе недопустимый символ (нулевой байт); ничего не сохранено.
form-foreign = Эта форма отправлена с другого сайта и отклонена.
form-expired = Форма устарела или пришла не с этого сайта. Вернитесь, обновите страницу и попробуйте снова.
language-choose = Выберите: Русский, English или 한국어.

review-choose = Выберите: принять или отклонить.
review-already = Этот документ уже проверен: { $status ->
    [accepted] принят
   *[rejected] отклонён
}. Ничего не изменено.
document-upload-again = загрузите новую копию до { $deadline }
offer-depends-on = Место зависит от документов, которые ещё не приняты (если документ не загружен до своего срока, место передаётся следующему в списке ожидания):
result-documents-now-accepted = Документы теперь приняты: ребёнок в листе ожидания и получит место, когда оно освободится.
consent-abroad-heading = Нотариальное согласие на выезд за границу
consent-abroad-guidance = Ребёнку, который едет за границу без родителей, нужно согласие одного из родителей на выезд, заверенное нотариусом, с указанием страны, сроков поездки и взрослого, который его сопровождает (руководителя группы). Оформите его заранее и отдайте оригинал руководителю при отправлении вместе с загранпаспортом ребёнка; копия остаётся у вас.
summary-title = Сводка заявки
summary-back = к заявке
summary-print = распечатайте страницу из меню браузера (или сохраните её в PDF)
summary-choices = Выбранные смены по порядку
summary-consents = Согласия
summary-made = Составлено { $when }
application-summary-link = Сводка для печати
application-change-heading = Изменить порядок смен
application-change-explain = Пока приём заявок открыт, можно поменять смены и их порядок; жеребьёвка учитывает порядок на момент закрытия приёма.
application-change = Сохранить новый порядок
application-changed = Новый порядок смен сохранён.
application-change-block = Дети, которых размещают вместе, выбирают одни и те же смены: их порядок нельзя изменить для одного ребёнка.
thread-heading = Переписка по заявке
thread-none = Сообщений пока нет. Здесь можно написать координаторам программы; ответ придёт на почту и появится здесь.
thread-family = Семья
thread-coordinator = Координатор
thread-write = Ваше сообщение
thread-send = Отправить
thread-waiting-title = Вопросы семей, ждущие ответа
thread-waiting-none = Неотвеченных вопросов нет.
message-empty = Пожалуйста, напишите сообщение.
message-long = Пожалуйста, уложитесь в { $n } знаков.
message-characters = В сообщении есть управляющие символы, которые нельзя сохранить.
email-nominated-subject = Школа рекомендовала { $child } на программу «{ $programme }»
email-nomination-withdrawn-subject = Школа отозвала рекомендацию { $child }
email-nominated-body =
    { $school } рекомендует { $child } на программу «{ $programme }».
    { $meaning }
    Заявка: { $link }
email-nomination-withdrawn-body =
    { $school } отозвала рекомендацию { $child } на программу «{ $programme }».
    { $meaning }
    Если это ошибка, обратитесь в школу. Заявка: { $link }
nomination-means-required = По правилам программы в распределении участвуют только рекомендованные школой дети: теперь это условие выполнено.
nomination-means-required-lost = По правилам программы в распределении участвуют только рекомендованные школой дети: без рекомендации заявка в нём не участвует.
nomination-means-points = По правилам программы рекомендация добавляет { $points } к баллу заявки.
nomination-means-points-lost = Рекомендация добавляла { $points } к баллу заявки; теперь этих баллов нет.
nomination-means-nothing = Правила этой программы не дают за рекомендацию баллов и не требуют её.
nomination-required-met = Школа рекомендовала ребёнка — это условие участия в распределении выполнено.
nomination-required-missing = Программа принимает только детей, рекомендованных школой; школа ребёнка пока его не рекомендовала. Без рекомендации заявка не участвует в распределении — обратитесь в школу.
nomination-points-possible = Если школа рекомендует ребёнка, к баллу добавится { $points }.
entry-needed = Для въезда в страну лагеря ребёнку нужен документ «{ $document }»: загрузите его до { $deadline }. Без него ребёнок не сможет выехать.

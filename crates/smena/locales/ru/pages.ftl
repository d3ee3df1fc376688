# Общее для всех страниц (templates/base.html).
nav-log-in = Войти
nav-register = Регистрация
nav-log-out = Выйти
nav-language = Язык

role-coordinator = Координатор
role-school = Представитель школы
role-parent = Родитель или законный представитель
role-camp = Представитель принимающего лагеря
role-chaperone = Сопровождающий
role-camp_medic = Медицинский работник лагеря

home-title = Начало
home-hello = Здравствуйте, { $name }
home-resend-verification = Отправить письмо для подтверждения ещё раз
home-unverified = Ваш адрес электронной почты ещё не подтверждён: откройте ссылку из нашего письма. Без подтверждённого адреса подать заявку нельзя.
home-logged-in-as = Вы вошли как:
home-programmes = Программы и смены
home-dashboard = Сводка: заявки, спрос, районы, баллы
home-setup = Настройка программы
home-applications = Заявки
home-documents = Документы на проверку
home-achievements = Загрузка достижений из таблицы
home-allocation = Распределение
home-audit = Журнал действий
home-travel-papers = Документы в дорогу: списки выезжающих и группы
home-outbox = Исходящая почта
home-children = Ваши дети и их заявки
home-pupils = Ученики вашей школы
home-placements = Дети, распределённые в ваш лагерь
home-password = Сменить пароль

# Слова, общие для многих страниц.
save = Сохранить
remove = удалить
none-yet = Пока нет.
score = Баллы
achievements = Достижения
documents = Документы
application = Заявка
count-children = { $n ->
    [one] { $n } ребёнок
    [few] { $n } ребёнка
   *[many] { $n } детей
}
error-back = На главную страницу
error-not-found = Такой страницы нет, или у вас нет к ней доступа.
error-log-in = Пожалуйста, войдите.
error-too-many = { $n ->
    [one] Слишком много попыток. Попробуйте снова через { $n } минуту.
    [few] Слишком много попыток. Попробуйте снова через { $n } минуты.
   *[many] Слишком много попыток. Попробуйте снова через { $n } минут.
}
error-internal = У нас что-то пошло не так; из введённого в этом запросе ничего не сохранено. Попробуйте ещё раз.
error-status-400 = В запросе что-то не так
error-status-403 = Нет доступа
error-status-404 = Не найдено
error-status-413 = Слишком большой файл
error-status-429 = Слишком много попыток
error-status-500 = Что-то пошло не так

size-bytes = { $size } Б
size-kb = { $size } КБ
size-mb = { $size } МБ

# The audit log: who did what to what, and how it ended.
role-command_line = Командная строка
role-service = Сама система
role-anonymous = Без входа
audit-action-read = просмотр
audit-action-create = создание
audit-action-update = изменение
audit-action-review = проверка
audit-action-run = расчёт
audit-action-publish = публикация
audit-action-print = печать
audit-action-export = выгрузка
audit-action-import = загрузка
audit-action-login = вход
audit-action-logout = выход
audit-action-purge = удаление данных
audit-resource-message = сообщение
audit-resource-family_data = данные семьи
audit-resource-programme = программа
audit-resource-session = смена
audit-resource-camp = лагерь
audit-resource-outbox = исходящие
audit-resource-audit_log = журнал
audit-resource-account = учётная запись
audit-resource-child = ребёнок
audit-resource-application = заявка
audit-resource-document = документ
audit-resource-roster = список учеников
audit-resource-pupil = ученик
audit-resource-allocation = распределение
audit-resource-placement = места
audit-resource-travel_papers = документы в дорогу
audit-resource-needs = здоровье и питание ребёнка
audit-resource-diets = питание (сводка)
audit-resource-voucher = путёвка
audit-resource-report = отчёт
audit-resource-achievement = достижения
audit-outcome-ok = выполнено
audit-outcome-denied = отказано
audit-outcome-failed = не удалось
error-uploads-busy = Вы уже отправляете несколько файлов. Дождитесь, пока они загрузятся, и отправьте этот файл ещё раз.
error-service-busy = Сервис сейчас сильно загружен. Попробуйте ещё раз через минуту.
audit-chain-head = Журнал — цепочка хешей (записей: { $n }); её вершина, которую можно опубликовать:
messages-heading = Письма вам
messages-explain = Все письма, которые «Смена» отправила на ваш адрес, новые сверху. Одноразовые ссылки здесь не показываются; текст письма хранится 30 дней после доставки.
messages-wiped = Текст удалён через 30 дней
messages-none = Вам ещё ничего не отправляли.

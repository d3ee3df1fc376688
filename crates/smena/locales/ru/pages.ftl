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

home-title = Начало
home-hello = Здравствуйте, { $name }
home-unverified = Ваш адрес электронной почты ещё не подтверждён: откройте ссылку из нашего письма. Без подтверждённого адреса подать заявку нельзя.
home-logged-in-as = Вы вошли как:
home-programmes = Программы и смены
home-dashboard = Сводка: заявки, спрос, районы, баллы
home-setup = Настройка программы
home-applications = Заявки
home-documents = Документы на проверку
home-allocation = Распределение
home-audit = Журнал действий
home-travel-papers = Документы в дорогу: списки выезжающих и группы
home-outbox = Исходящая почта
home-children = Ваши дети и их заявки
home-pupils = Ученики вашей школы
home-placements = Дети, распределённые в ваш лагерь
home-password = Сменить пароль

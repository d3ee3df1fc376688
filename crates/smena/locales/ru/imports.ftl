# Входящие таблицы: где ошибка и в чём она.
import-row = Строка
import-line = Строка
import-place = { $row-word } { $row }, столбец { $column } ({ $name })
import-at = { $place }: { $what }.
import-too-long = не более 100 символов, без управляющих символов
import-name-needed = пусто; нужно имя
import-date-needed = пусто; нужна дата рождения
import-value-needed = пусто; нужно значение
import-formula = формула; вставьте вместо неё значения (Специальная вставка, Значения)
import-error-value = значение ошибки (#ССЫЛКА!, #ЗНАЧ!…)
import-text-expected = здесь нужен текст
import-number-not-date = число, а не дата; задайте столбцу формат даты или пишите ГГГГ-ММ-ДД
import-not-real-date = «{ $value }» — такой даты нет
import-not-a-date = «{ $value }» — не дата: пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, например 09.03.2014
import-in-future = { $value } — дата в будущем
import-one-of = нужно одно из значений: { $value }
import-too-large = Файл больше { $n } МБ; разделите его.
import-unreadable = Файл похож на книгу Excel, но прочитать его нельзя; сохраните его заново как .xlsx (или как CSV UTF-8).
import-no-sheets = В книге нет листов.
import-empty-sheet = Первый лист книги пуст.
import-not-text = Файл — не книга Excel (.xlsx) и не текст CSV в UTF-8; сохраните таблицу как .xlsx или как CSV UTF-8.
import-columns-first-row = В первой строке должны быть названия столбцов: { $columns }.
import-columns-line-1 = В строке 1 должны быть названия столбцов: { $columns }.
import-too-many-rows = В файле больше { $n } строк; разделите его.
import-twice = { $row-word } { $row }: { $who } — уже есть выше ({ $row-word } { $first }).
import-child-unknown = { $row-word } { $row }: ребёнок { $who } не зарегистрирован; сначала семья добавляет ребёнка.
import-more = … и ещё ошибок: { $n }.
import-no-rows = В файле нет строк.
import-choose-file = Выберите таблицу (.xlsx или .csv) для загрузки.
import-nothing-imported = Ничего не загружено. Исправьте файл:
import-expired = Предпросмотр устарел (вы вошли заново или форма изменилась); загрузите файл ещё раз.
import-nothing-yet = Пока ничего не загружено.
import-first-shown = Показаны первые { $n } из { $count }.
cancel = Отмена

# Список учеников школы.
pupils-title = Ученики: { $school }
pupils-import-title = Загрузка учеников: { $school }
roster-import-label = Загрузите учеников из таблицы .xlsx или .csv (столбцы Фамилия, Имя, Дата рождения, Класс — или family_name, given_name, birth_date, class); перед сохранением вы их увидите
roster-import = Загрузить
roster-pupil = Ученик
roster-class = Класс
roster-nominated = Выдвинут
roster-yes = да
roster-withdraw = отозвать
roster-nominate = выдвинуть
roster-no-application = пока нет
roster-none = Ученики ещё не загружены.
roster-preview-count = { $n ->
    [one] В файле { $n } ученик:
    [few] В файле { $n } ученика:
   *[many] В файле { $n } учеников:
}
roster-preview-new = новых — { $new }, уже в списке — { $known } (у них обновится класс).
roster-import-confirm = { $n ->
    [one] Загрузить { $n } ученика
   *[other] Загрузить { $n } учеников
}
roster-imported = { $n ->
    [one] Загружен { $n } ученик.
    [few] Загружено { $n } ученика.
   *[many] Загружено { $n } учеников.
}
import-child-ambiguous = { $row-word } { $row }: зарегистрировано несколько детей { $who }; добавьте это достижение на странице самого ребёнка.

# Достижения детей из таблицы.
achievements-import-title = Загрузка достижений
achievements-import-label = Достижения из таблицы .xlsx или .csv (столбцы Фамилия, Имя, Дата рождения, Достижение, Уровень, Место — или family_name, given_name, birth_date, achievement, level, place); в каждой строке — зарегистрированный ребёнок; перед сохранением вы их увидите
achievements-preview-count = { $n ->
    [one] В файле { $n } достижение, у каждого — зарегистрированный ребёнок:
    [few] В файле { $n } достижения, у каждого — зарегистрированный ребёнок:
   *[many] В файле { $n } достижений, у каждого — зарегистрированный ребёнок:
}
achievements-import-confirm = { $n ->
    [one] Загрузить { $n } достижение
    [few] Загрузить { $n } достижения
   *[many] Загрузить { $n } достижений
}
achievements-imported = { $n ->
    [one] Добавлено { $n } достижение (в файле { $count }; уже записанные повторно не добавляются).
    [few] Добавлено { $n } достижения (в файле { $count }; уже записанные повторно не добавляются).
   *[many] Добавлено { $n } достижений (в файле { $count }; уже записанные повторно не добавляются).
}

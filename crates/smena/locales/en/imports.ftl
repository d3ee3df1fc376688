# Spreadsheets coming in: where a problem is and what it is.
import-row = Row
import-line = Line
import-place = { $row-word } { $row }, column { $column } ({ $name })
import-at = { $place }: { $what }.
import-too-long = at most 100 characters, without control characters
import-name-needed = empty; a name is needed
import-date-needed = empty; the birth date is needed
import-value-needed = empty; a value is needed
import-formula = a formula; paste the values instead (Paste special, Values)
import-error-value = an error value (#REF!, #VALUE!…)
import-text-expected = text is expected here
import-number-not-date = a number, not a date; format the column as dates or write YYYY-MM-DD
import-not-real-date = "{ $value }" is not a real date
import-not-a-date = "{ $value }" is not a date: write it as YYYY-MM-DD or DD.MM.YYYY, for example 2014-03-09
import-in-future = { $value } is in the future
import-one-of = one of these is expected: { $value }
import-too-large = The file is larger than { $n } MB; split it.
import-unreadable = The file looks like an Excel workbook but cannot be read; save it again as .xlsx (or as CSV UTF-8).
import-no-sheets = The workbook has no sheets.
import-empty-sheet = The first sheet of the workbook is empty.
import-not-text = The file is neither an Excel workbook (.xlsx) nor CSV text in UTF-8; save the spreadsheet as .xlsx or as CSV UTF-8.
import-columns-first-row = The first row must name the columns { $columns }.
import-columns-line-1 = Line 1 must name the columns { $columns }.
import-too-many-rows = The file has more than { $n } rows; split it.
import-twice = { $row-word } { $row }: { $who } is listed twice (first in { $row-word } { $first }).
import-child-unknown = { $row-word } { $row }: no child { $who } is registered; the family adds the child first.
import-more = … and { $n } more problems.
import-no-rows = The file has no rows.
import-choose-file = Please choose the spreadsheet (.xlsx or .csv) to import.
import-nothing-imported = Nothing was imported. Please correct the file:
import-expired = This preview has expired (you logged in again, or the form was changed); please import the file again.
import-nothing-yet = Nothing has been imported yet.
import-first-shown = The first { $n } of { $count } are shown.
cancel = Cancel

# A school's roster.
pupils-title = Pupils of { $school }
pupils-import-title = Import pupils of { $school }
roster-import-label = Import pupils from a spreadsheet, .xlsx or .csv (columns family_name, given_name, birth_date, class — or Фамилия, Имя, Дата рождения, Класс); you see them before anything is saved
roster-import = Import
roster-pupil = Pupil
roster-class = Class
roster-nominated = Nominated
roster-yes = yes
roster-withdraw = withdraw
roster-nominate = nominate
roster-no-application = none yet
roster-none = No pupils imported yet.
roster-preview-count = { $n ->
    [one] The file lists { $n } pupil:
   *[other] The file lists { $n } pupils:
}
roster-preview-new = { $new } new, { $known } already on the roster (their class is updated).
roster-import-confirm = { $n ->
    [one] Import this pupil
   *[other] Import these { $n } pupils
}
roster-imported = { $n ->
    [one] { $n } pupil imported.
   *[other] { $n } pupils imported.
}
import-child-ambiguous = { $row-word } { $row }: more than one child { $who } is registered; add this achievement on the child's own page.

# Children's achievements from a spreadsheet.
achievements-import-title = Import achievements
achievements-import-label = Achievements from a spreadsheet, .xlsx or .csv (columns family_name, given_name, birth_date, achievement, level, place — or Фамилия, Имя, Дата рождения, Достижение, Уровень, Место); each row names a registered child; you see them before anything is saved
achievements-preview-count = { $n ->
    [one] The file lists { $n } achievement, each of a registered child:
   *[other] The file lists { $n } achievements, each of a registered child:
}
achievements-import-confirm = { $n ->
    [one] Import this achievement
   *[other] Import these { $n } achievements
}
achievements-imported = { $n ->
    [one] { $n } achievement added ({ $count } in the file; those already recorded are not added twice).
   *[other] { $n } achievements added ({ $count } in the file; those already recorded are not added twice).
}

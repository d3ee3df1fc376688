//! Spreadsheets coming in, read into rows of cells: an Excel workbook
//! (.xlsx, read with calamine) or CSV text. Every problem is named by row
//! and column in the terms the sender's spreadsheet shows (Excel: row 12,
//! column C; CSV: line 12, column 3) and written in the reader's language.
//! No I/O: the bytes come in, rows or problems go out.

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};

use crate::domain::values::parse_date;
use crate::language::Language;

/// Largest file taken (a 100,000-row workbook is about 3 MB).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_ROWS: usize = 200_000;
/// Problems listed before the rest are only counted.
const MAX_PROBLEMS: usize = 50;

/// One cell, whatever the file's format.
#[derive(Debug)]
pub enum Cell {
    Empty,
    Text(String),
    /// A date cell of a workbook, as YYYY-MM-DD.
    Date(String),
    Number(f64),
    Formula,
    /// `#REF!`, `#VALUE!`…
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// A workbook is a zip file; anything else is read as CSV text.
    pub fn of(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// A file read into rows, before any checking.
pub struct Table {
    pub format: Format,
    /// The header row's names, trimmed and in lower case.
    pub header: Vec<String>,
    /// (row or line number as the user sees it, cells).
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Where a problem is: a row (or line) and a column of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub format: Format,
    pub row: usize,
    /// Zero-based column index.
    pub column: usize,
    /// The column's name in the file's header.
    pub name: &'static str,
}

/// What is wrong with one cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellProblem {
    TooLong,
    NameNeeded,
    DateNeeded,
    ValueNeeded,
    Formula,
    ErrorValue,
    TextExpected,
    NumberNotDate,
    NotRealDate(String),
    NotADate(String),
    InFuture(String),
    /// One of the listed values is expected.
    OneOf(String),
}

/// What is wrong with a file: the reader sees each in their language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    TooLarge,
    Unreadable,
    NoSheets,
    EmptySheet,
    NotText,
    /// The header lacks columns; `columns` names the ones expected.
    MissingColumns {
        format: Format,
        columns: &'static str,
    },
    TooManyRows,
    At(Place, CellProblem),
    /// The same record twice: `who` in row `row`, first seen in `first`.
    Twice {
        format: Format,
        row: usize,
        first: usize,
        who: String,
    },
    /// A row names something the database does not have (`key` says what).
    NotFound {
        format: Format,
        row: usize,
        key: &'static str,
        who: String,
    },
    More(usize),
    NoRows,
}

fn row_word(format: Format, lang: Language) -> String {
    lang.text(match format {
        Format::Xlsx => "import-row",
        Format::Csv => "import-line",
    })
}

impl Place {
    pub fn words(&self, lang: Language) -> String {
        let column = match self.format {
            Format::Xlsx => column_letters(self.column),
            Format::Csv => (self.column + 1).to_string(),
        };
        lang.text_with(
            "import-place",
            &[
                ("row-word", &row_word(self.format, lang)),
                ("row", &self.row.to_string()),
                ("column", &column),
                ("name", self.name),
            ],
        )
    }
}

impl CellProblem {
    pub fn words(&self, lang: Language) -> String {
        let (key, value) = match self {
            CellProblem::TooLong => ("import-too-long", ""),
            CellProblem::NameNeeded => ("import-name-needed", ""),
            CellProblem::DateNeeded => ("import-date-needed", ""),
            CellProblem::ValueNeeded => ("import-value-needed", ""),
            CellProblem::Formula => ("import-formula", ""),
            CellProblem::ErrorValue => ("import-error-value", ""),
            CellProblem::TextExpected => ("import-text-expected", ""),
            CellProblem::NumberNotDate => ("import-number-not-date", ""),
            CellProblem::NotRealDate(v) => ("import-not-real-date", v.as_str()),
            CellProblem::NotADate(v) => ("import-not-a-date", v.as_str()),
            CellProblem::InFuture(v) => ("import-in-future", v.as_str()),
            CellProblem::OneOf(v) => ("import-one-of", v.as_str()),
        };
        lang.text_with(key, &[("value", value)])
    }
}

impl Problem {
    pub fn words(&self, lang: Language) -> String {
        match self {
            Problem::TooLarge => lang.text_with(
                "import-too-large",
                &[("n", &(MAX_BYTES / (1024 * 1024)).to_string())],
            ),
            Problem::Unreadable => lang.text("import-unreadable"),
            Problem::NoSheets => lang.text("import-no-sheets"),
            Problem::EmptySheet => lang.text("import-empty-sheet"),
            Problem::NotText => lang.text("import-not-text"),
            Problem::MissingColumns { format, columns } => lang.text_with(
                match format {
                    Format::Xlsx => "import-columns-first-row",
                    Format::Csv => "import-columns-line-1",
                },
                &[("columns", columns)],
            ),
            Problem::TooManyRows => {
                lang.text_with("import-too-many-rows", &[("n", &MAX_ROWS.to_string())])
            }
            Problem::At(place, what) => lang.text_with(
                "import-at",
                &[("place", &place.words(lang)), ("what", &what.words(lang))],
            ),
            Problem::Twice {
                format,
                row,
                first,
                who,
            } => lang.text_with(
                "import-twice",
                &[
                    ("row-word", &row_word(*format, lang)),
                    ("row", &row.to_string()),
                    ("first", &first.to_string()),
                    ("who", who),
                ],
            ),
            Problem::NotFound {
                format,
                row,
                key,
                who,
            } => lang.text_with(
                key,
                &[
                    ("row-word", &row_word(*format, lang)),
                    ("row", &row.to_string()),
                    ("who", who),
                ],
            ),
            Problem::More(n) => lang.text_with("import-more", &[("n", &n.to_string())]),
            Problem::NoRows => lang.text("import-no-rows"),
        }
    }
}

/// Every problem of a file in `lang`, one per line.
pub fn words(problems: &[Problem], lang: Language) -> Vec<String> {
    problems.iter().map(|p| p.words(lang)).collect()
}

/// Problems found while checking rows: the first [`MAX_PROBLEMS`] are kept,
/// the rest counted.
#[derive(Default)]
pub struct Problems {
    list: Vec<Problem>,
    more: usize,
}

impl Problems {
    pub fn report(&mut self, p: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }

    /// The rows read, or every problem (`NoRows` when the file had none).
    pub fn finish<T>(mut self, rows: Vec<T>) -> Result<Vec<T>, Vec<Problem>> {
        if self.more > 0 {
            self.list.push(Problem::More(self.more));
        }
        if rows.is_empty() && self.list.is_empty() {
            self.list.push(Problem::NoRows);
        }
        if self.list.is_empty() {
            Ok(rows)
        } else {
            Err(self.list)
        }
    }
}

/// Reads a workbook or CSV text into rows (no checking of values yet).
pub fn read_table(bytes: &[u8]) -> Result<Table, Vec<Problem>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![Problem::TooLarge]);
    }
    match Format::of(bytes) {
        Format::Xlsx => read_xlsx(bytes),
        Format::Csv => read_csv(bytes),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<Problem>> {
    let unreadable = || vec![Problem::Unreadable];
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(vec![Problem::NoSheets]);
    };
    let values = book.worksheet_range(&sheet).map_err(|_| unreadable())?;
    let formulas = book.worksheet_formula(&sheet).map_err(|_| unreadable())?;
    let mut formula_at: HashSet<(u32, u32)> = Default::default();
    if let Some((r0, c0)) = formulas.start() {
        for (r, c, f) in formulas.used_cells() {
            if !f.is_empty() {
                formula_at.insert((r0 + r as u32, c0 + c as u32));
            }
        }
    }
    let Some((r0, c0)) = values.start() else {
        return Err(vec![Problem::EmptySheet]);
    };
    let mut rows = values.rows().enumerate().map(|(i, cells)| {
        let row = r0 + i as u32;
        let cells: Vec<Cell> = (0..c0)
            .map(|_| Cell::Empty)
            .chain(cells.iter().enumerate().map(|(j, d)| {
                if formula_at.contains(&(row, c0 + j as u32)) {
                    return Cell::Formula;
                }
                match d {
                    Data::Empty => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) if d.is_datetime() => {
                        let (y, m, day, ..) = d.to_ymd_hms_milli();
                        Cell::Date(format!("{y:04}-{m:02}-{day:02}"))
                    }
                    Data::DateTime(d) => Cell::Number(d.as_f64()),
                    Data::DateTimeIso(s) => Cell::Date(s.chars().take(10).collect()),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(_) => Cell::Error,
                }
            }))
            .collect();
        (row as usize + 1, cells)
    });
    // The header is the first row with anything in it.
    let header = loop {
        match rows.next() {
            Some((_, cells)) if cells.iter().all(|c| matches!(c, Cell::Empty)) => continue,
            Some((_, cells)) => break cells,
            None => return Err(vec![Problem::EmptySheet]),
        }
    };
    let header = header
        .iter()
        .map(|c| match c {
            Cell::Text(s) => s.trim().to_lowercase(),
            _ => String::new(),
        })
        .collect();
    Ok(Table {
        format: Format::Xlsx,
        header,
        rows: rows.collect(),
    })
}

fn read_csv(bytes: &[u8]) -> Result<Table, Vec<Problem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let not_text = || vec![Problem::NotText];
    if std::str::from_utf8(bytes).is_err() {
        return Err(not_text());
    }
    // Semicolons are what a Russian-locale spreadsheet writes.
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let delimiter = if first_line.iter().filter(|b| **b == b';').count()
        > first_line.iter().filter(|b| **b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|_| not_text())?
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| not_text())?;
        let line = record.position().map_or(i + 2, |p| p.line() as usize);
        let cells = record
            .iter()
            .map(|v| {
                if v.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v.to_string())
                }
            })
            .collect();
        rows.push((line, cells));
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    Ok(Table {
        format: Format::Csv,
        header,
        rows,
    })
}

impl Table {
    /// The index of the column called `aliases` (any of them) in the header.
    pub fn column(&self, aliases: &[&str]) -> Option<usize> {
        self.header
            .iter()
            .position(|h| aliases.contains(&h.as_str()))
    }

    /// The rows with anything in them, at most [`MAX_ROWS`] (more is a
    /// problem).
    pub fn filled_rows(&self, problems: &mut Problems) -> Vec<RowCells<'_>> {
        let mut rows = Vec::with_capacity(self.rows.len().min(MAX_ROWS));
        for (row, cells) in &self.rows {
            if blank(cells) {
                continue;
            }
            if rows.len() == MAX_ROWS {
                problems.report(Problem::TooManyRows);
                break;
            }
            rows.push(RowCells {
                format: self.format,
                row: *row,
                cells,
                ok: true,
            });
        }
        rows
    }
}

/// The columns that name a child or pupil, by every name a Yakutian school's
/// spreadsheet is likely to give them.
const FAMILY_NAME: &[&str] = &["family_name", "surname", "фамилия"];
const GIVEN_NAME: &[&str] = &["given_name", "first_name", "name", "имя"];
const BIRTH_DATE: &[&str] = &[
    "birth_date",
    "date_of_birth",
    "born",
    "дата рождения",
    "дата_рождения",
];

/// Where a file has the family name, given name and birth date.
pub struct PersonColumns {
    family: usize,
    given: usize,
    birth: usize,
}

/// A person as a row names them.
pub struct Person {
    pub family_name: String,
    pub given_name: String,
    /// YYYY-MM-DD, not after the day of the import.
    pub birth_date: String,
}

impl PersonColumns {
    pub fn of(table: &Table) -> Option<PersonColumns> {
        Some(PersonColumns {
            family: table.column(FAMILY_NAME)?,
            given: table.column(GIVEN_NAME)?,
            birth: table.column(BIRTH_DATE)?,
        })
    }
}

/// One row being checked: its cells, and whether every field so far was
/// right.
pub struct RowCells<'a> {
    pub format: Format,
    /// The row (or line) number as the sender's spreadsheet shows it.
    pub row: usize,
    cells: &'a [Cell],
    pub ok: bool,
}

impl<'a> RowCells<'a> {
    pub fn cell(&self, column: usize) -> &'a Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }

    /// The person the row names; every missing or wrong part is reported.
    pub fn person(
        &mut self,
        problems: &mut Problems,
        columns: &PersonColumns,
        today: &str,
    ) -> Option<Person> {
        let family_name = self.field(
            problems,
            columns.family,
            "family_name",
            text(self.cell(columns.family), Some(CellProblem::NameNeeded)),
        );
        let given_name = self.field(
            problems,
            columns.given,
            "given_name",
            text(self.cell(columns.given), Some(CellProblem::NameNeeded)),
        );
        let birth_date = self.field(
            problems,
            columns.birth,
            "birth_date",
            date_cell(self.cell(columns.birth), today),
        );
        Some(Person {
            family_name: family_name?,
            given_name: given_name?,
            birth_date: birth_date?,
        })
    }

    /// A field's value, or its problem reported at this row and `column`.
    pub fn field<T>(
        &mut self,
        problems: &mut Problems,
        column: usize,
        name: &'static str,
        value: Result<T, CellProblem>,
    ) -> Option<T> {
        match value {
            Ok(v) => Some(v),
            Err(what) => {
                problems.report(Problem::At(
                    Place {
                        format: self.format,
                        row: self.row,
                        column,
                        name,
                    },
                    what,
                ));
                self.ok = false;
                None
            }
        }
    }
}

/// Excel's name for a column: A … Z, AA …
fn column_letters(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Whether a row is all empty (such rows are skipped).
fn blank(cells: &[Cell]) -> bool {
    cells.iter().all(|c| matches!(c, Cell::Empty))
}

/// A text cell: at most 100 characters, no control characters; an empty
/// cell is `""` unless `needed` says what it should have held.
pub fn text(cell: &Cell, needed: Option<CellProblem>) -> Result<String, CellProblem> {
    match cell {
        Cell::Text(s) => {
            let s = s.trim();
            if s.chars().count() > 100 || s.chars().any(char::is_control) {
                Err(CellProblem::TooLong)
            } else {
                Ok(s.to_string())
            }
        }
        Cell::Empty => match needed {
            Some(p) => Err(p),
            None => Ok(String::new()),
        },
        // A class "7" typed as a number is fine as text.
        Cell::Number(n) if needed.is_none() => Ok(n.to_string()),
        Cell::Formula => Err(CellProblem::Formula),
        Cell::Error => Err(CellProblem::ErrorValue),
        Cell::Number(_) | Cell::Date(_) => Err(CellProblem::TextExpected),
    }
}

/// A date cell (a workbook's date, or text as a school writes dates), not
/// after `today`.
fn date_cell(cell: &Cell, today: &str) -> Result<String, CellProblem> {
    let d = match cell {
        Cell::Date(d) => date(d),
        Cell::Text(t) => date(t),
        Cell::Empty => Err(CellProblem::DateNeeded),
        Cell::Formula => Err(CellProblem::Formula),
        Cell::Error => Err(CellProblem::ErrorValue),
        Cell::Number(_) => Err(CellProblem::NumberNotDate),
    }?;
    if d.as_str() > today {
        Err(CellProblem::InFuture(d))
    } else {
        Ok(d)
    }
}

/// Reads a date as a school writes it: 2014-03-09, 09.03.2014 or 9/3/2014
/// (day first, as in Russia).
fn date(text: &str) -> Result<String, CellProblem> {
    let t = text.trim();
    if t.contains('-') {
        // Shaped like 2013-02-30 but no such day, or not a date at all.
        let shaped = t.len() == 10
            && t.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        return parse_date(t).map(|d| d.to_string()).map_err(|_| {
            if shaped {
                CellProblem::NotRealDate(t.to_string())
            } else {
                CellProblem::NotADate(t.to_string())
            }
        });
    }
    let parts: Vec<&str> = t.split(['.', '/']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && (1..=2).contains(&d.len())
        && (1..=2).contains(&m.len())
    {
        let iso = format!("{y}-{m:0>2}-{d:0>2}");
        return parse_date(&iso)
            .map(|d| d.to_string())
            .map_err(|_| CellProblem::NotRealDate(t.to_string()));
    }
    Err(CellProblem::NotADate(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_in_each_language() {
        let p = Problem::At(
            Place {
                format: Format::Xlsx,
                row: 12,
                column: 2,
                name: "birth_date",
            },
            CellProblem::NotRealDate("30.02.2013".into()),
        );
        assert_eq!(
            p.words(Language::En),
            "Row 12, column C (birth_date): \"30.02.2013\" is not a real date."
        );
        assert_eq!(
            p.words(Language::Ru),
            "Строка 12, столбец C (birth_date): «30.02.2013» — такой даты нет."
        );
        assert!(p.words(Language::Ko).contains("12행"));
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}

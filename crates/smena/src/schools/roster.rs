//! School rosters read from a spreadsheet: an Excel workbook (.xlsx, read
//! with calamine) or CSV text. Every problem is named by row and column in
//! the terms the school's spreadsheet shows (Excel: row 12, column C), and
//! one bad row refuses the whole file: a roster is imported whole or not at
//! all, and only once the person importing it has seen the preview.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};

use crate::allocation::contract::parse_date;
use crate::store::WriteTx;

/// Largest file taken (a 100,000-pupil workbook is about 3 MB).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Most pupils in one file.
pub const MAX_ROWS: usize = 200_000;
/// Problems listed before the rest are only counted.
const MAX_PROBLEMS: usize = 50;

/// A pupil as the roster gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pupil {
    pub family_name: String,
    pub given_name: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub class_name: String,
}

/// One cell, whatever the file's format.
#[derive(Debug)]
enum Cell {
    Empty,
    Text(String),
    /// A date cell of a workbook, as YYYY-MM-DD.
    Date(String),
    Number(f64),
    Formula,
    /// `#REF!`, `#VALUE!`…
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// A file read into rows, before any checking.
struct Table {
    format: Format,
    header: Vec<String>,
    /// (row or line number as the user sees it, cells).
    rows: Vec<(usize, Vec<Cell>)>,
}

/// Which column holds what: the English names or the Russian ones a
/// Yakutian school's spreadsheet is likely to have.
const COLUMNS: &[(&str, &[&str])] = &[
    ("family_name", &["family_name", "surname", "фамилия"]),
    ("given_name", &["given_name", "first_name", "name", "имя"]),
    (
        "birth_date",
        &[
            "birth_date",
            "date_of_birth",
            "born",
            "дата рождения",
            "дата_рождения",
        ],
    ),
    ("class", &["class", "class_name", "класс"]),
];

/// Reads and checks a roster; the pupils in file order, or every problem.
pub fn read(bytes: &[u8], today: &str) -> Result<Vec<Pupil>, Vec<String>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![format!(
            "The file is larger than {} MB; split it.",
            MAX_BYTES / (1024 * 1024)
        )]);
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    check(table, today)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<String>> {
    let unreadable = || {
        vec!["The file looks like an Excel workbook but cannot be read; save it again as .xlsx (or as CSV UTF-8).".to_string()]
    };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(vec!["The workbook has no sheets.".into()]);
    };
    let values = book.worksheet_range(&sheet).map_err(|_| unreadable())?;
    let formulas = book.worksheet_formula(&sheet).map_err(|_| unreadable())?;
    let mut formula_at: std::collections::HashSet<(u32, u32)> = Default::default();
    if let Some((r0, c0)) = formulas.start() {
        for (r, c, f) in formulas.used_cells() {
            if !f.is_empty() {
                formula_at.insert((r0 + r as u32, c0 + c as u32));
            }
        }
    }
    let Some((r0, c0)) = values.start() else {
        return Err(vec!["The first sheet of the workbook is empty.".into()]);
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
            None => return Err(vec!["The first sheet of the workbook is empty.".into()]),
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

fn read_csv(bytes: &[u8]) -> Result<Table, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let not_text = || {
        vec!["The file is neither an Excel workbook (.xlsx) nor CSV text in UTF-8; save the spreadsheet as .xlsx or as CSV UTF-8.".to_string()]
    };
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

/// Reads a date as a school writes it: 2014-03-09, 09.03.2014 or 9/3/2014
/// (day first, as in Russia).
fn date(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.contains('-') {
        return parse_date(t).map(|d| d.to_string());
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
            .map_err(|_| format!("\"{t}\" is not a real date"));
    }
    Err(format!(
        "\"{t}\" is not a date: write it as YYYY-MM-DD or DD.MM.YYYY, for example 2014-03-09"
    ))
}

fn check(table: Table, today: &str) -> Result<Vec<Pupil>, Vec<String>> {
    let Table {
        format,
        header,
        rows,
    } = table;
    let header_line = match format {
        Format::Xlsx => "The first row".to_string(),
        Format::Csv => "Line 1".to_string(),
    };
    let find = |name: &str| {
        let aliases = COLUMNS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, a)| *a);
        header.iter().position(|h| aliases.contains(&h.as_str()))
    };
    let (Some(family), Some(given), Some(birth)) =
        (find("family_name"), find("given_name"), find("birth_date"))
    else {
        return Err(vec![format!(
            "{header_line} must name the columns family_name, given_name, birth_date and class (or фамилия, имя, дата рождения, класс)."
        )]);
    };
    let class = find("class");
    let place = |row: usize, col: usize, name: &str| match format {
        Format::Xlsx => format!("Row {row}, column {} ({name})", column_letters(col)),
        Format::Csv => format!("Line {row}, column {} ({name})", col + 1),
    };
    let row_word = match format {
        Format::Xlsx => "Row",
        Format::Csv => "Line",
    };
    let mut problems: Vec<String> = Vec::new();
    let mut more = 0usize;
    let mut report = |p: String| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(p);
        } else {
            more += 1;
        }
    };
    let mut pupils = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(String, String, String), usize> = HashMap::with_capacity(rows.len());
    let mut counted = 0usize;
    for (row, cells) in &rows {
        if cells.iter().all(|c| matches!(c, Cell::Empty)) {
            continue;
        }
        counted += 1;
        if counted > MAX_ROWS {
            report(format!(
                "The file has more than {MAX_ROWS} pupils; split it."
            ));
            break;
        }
        let cell = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
        let mut bad = false;
        let mut text = |c: usize, name: &str, required: bool| -> Option<String> {
            match cell(c) {
                Cell::Text(s) => {
                    let s = s.trim();
                    if s.chars().count() > 100 || s.chars().any(char::is_control) {
                        report(format!(
                            "{}: at most 100 characters, without control characters.",
                            place(*row, c, name)
                        ));
                        None
                    } else {
                        Some(s.to_string())
                    }
                }
                Cell::Empty if !required => Some(String::new()),
                Cell::Empty => {
                    report(format!(
                        "{}: empty; a name is needed.",
                        place(*row, c, name)
                    ));
                    None
                }
                Cell::Number(n) if !required => Some(n.to_string()),
                Cell::Formula => {
                    report(format!(
                        "{}: a formula; paste the values instead (Paste special, Values).",
                        place(*row, c, name)
                    ));
                    None
                }
                Cell::Error => {
                    report(format!(
                        "{}: an error value (#REF!, #VALUE!…).",
                        place(*row, c, name)
                    ));
                    None
                }
                Cell::Number(_) | Cell::Date(_) => {
                    report(format!("{}: text is expected here.", place(*row, c, name)));
                    None
                }
            }
        };
        let family_name = text(family, "family_name", true);
        let given_name = text(given, "given_name", true);
        let class_name = match class {
            Some(c) => text(c, "class", false),
            None => Some(String::new()),
        };
        bad |= family_name.is_none() || given_name.is_none() || class_name.is_none();
        let birth_date = match cell(birth) {
            Cell::Date(d) => date(d),
            Cell::Text(t) => date(t),
            Cell::Empty => Err("empty; the birth date is needed".into()),
            Cell::Formula => {
                Err("a formula; paste the values instead (Paste special, Values)".into())
            }
            Cell::Error => Err("an error value (#REF!, #VALUE!…)".into()),
            Cell::Number(_) => {
                Err("a number, not a date; format the column as dates or write YYYY-MM-DD".into())
            }
        }
        .and_then(|d| {
            if d.as_str() > today {
                Err(format!("{d} is in the future"))
            } else {
                Ok(d)
            }
        });
        let birth_date = match birth_date {
            Ok(d) => Some(d),
            Err(e) => {
                report(format!("{}: {e}.", place(*row, birth, "birth_date")));
                None
            }
        };
        let (Some(family_name), Some(given_name), Some(birth_date), Some(class_name), false) =
            (family_name, given_name, birth_date, class_name, bad)
        else {
            continue;
        };
        let key = (family_name.clone(), given_name.clone(), birth_date.clone());
        if let Some(first) = seen.get(&key) {
            report(format!(
                "{row_word} {row}: {given_name} {family_name} born {birth_date} is listed twice (first in {} {first}).",
                row_word.to_lowercase()
            ));
            continue;
        }
        seen.insert(key, *row);
        pupils.push(Pupil {
            family_name,
            given_name,
            birth_date,
            class_name,
        });
    }
    if more > 0 {
        problems.push(format!("… and {more} more problems."));
    }
    if pupils.is_empty() && problems.is_empty() {
        problems.push("The file has no pupils.".into());
    }
    if problems.is_empty() {
        Ok(pupils)
    } else {
        Err(problems)
    }
}

/// Adds the pupils to the school's roster, or updates the class of those
/// already on it; in the caller's transaction. Rows go in batches: one
/// statement per pupil would make a large roster slow.
pub async fn save(
    tx: &mut WriteTx,
    school: i64,
    pupils: &[Pupil],
    now: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(), sqlx::Error> {
    const BATCH: usize = 500;
    for (n, chunk) in pupils.chunks(BATCH).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = 3 + i * 5;
                format!(
                    "(${}, $1, ${}, ${}, ${}, ${}, $2)",
                    b,
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO pupils (id, school_id, given_name, family_name, birth_date, class_name, imported_at) VALUES {} \
             ON CONFLICT (school_id, family_name, given_name, birth_date) DO UPDATE SET class_name = excluded.class_name, imported_at = excluded.imported_at",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(school).bind(now);
        for p in chunk {
            q = q
                .bind(crate::store::new_id())
                .bind(&p.given_name)
                .bind(&p.family_name)
                .bind(&p.birth_date)
                .bind(&p.class_name);
        }
        q.execute(&mut **tx).await?;
        progress((n * BATCH + chunk.len()).min(pupils.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-11-28";

    fn xlsx(rows: &[&[&str]], formula_at: Option<(u32, u16)>) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        if let Some((r, c)) = formula_at {
            sheet.write_formula(r, c, "=A2&\"x\"").unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn csv_rosters_are_checked_row_by_row() {
        let ok = read(
            "\u{feff}family_name,given_name,birth_date,class\r\nПетрова,Айыына,2013-04-02,7А\r\nIvanov,Ivan,01.02.2012,8\r\n".as_bytes(),
            TODAY,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].birth_date, "2012-02-01", "day first, as in Russia");
        let errors = read(b"family_name,given_name,birth_date,class\nA,,2013-01-01,7\nB,C,2013-02-30,7\nB,D,2013-01-01,7\nB,D,2013-01-01,8\nE,F,2030-01-01,1\n", TODAY).unwrap_err();
        assert!(
            errors[0].contains("Line 2, column 2 (given_name)"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("Line 3, column 3 (birth_date)")
                && errors[1].contains("not a real date")
        );
        assert!(errors[2].contains("Line 5") && errors[2].contains("twice (first in line 4)"));
        assert!(errors[3].contains("in the future"));
        assert!(read(b"name,born\nA,B\n", TODAY).unwrap_err()[0].contains("Line 1"));
        assert!(read(b"", TODAY).is_err());
        assert!(read(&[0xff, 0xfe, 0x00, 0x41], TODAY).unwrap_err()[0].contains("neither"));
    }

    #[test]
    fn russian_headers_and_semicolons_are_understood() {
        let ok = read(
            "Фамилия;Имя;Дата рождения;Класс\nПетрова;Айыына;09.03.2014;6Б\n".as_bytes(),
            TODAY,
        )
        .unwrap();
        assert_eq!(ok[0].class_name, "6Б");
        assert_eq!(ok[0].birth_date, "2014-03-09");
    }

    #[test]
    fn workbooks_name_rows_and_columns_as_excel_does() {
        let ok = xlsx(
            &[
                &["family_name", "given_name", "birth_date", "class"],
                &["Петрова", "Айыына", "2013-04-02", "7А"],
            ],
            None,
        );
        assert_eq!(read(&ok, TODAY).unwrap()[0].given_name, "Айыына");
        let bad = xlsx(
            &[
                &["family_name", "given_name", "birth_date", "class"],
                &["Петрова", "Айыына", "2013-04-02", "7А"],
                &["Иванов", "", "never", "7А"],
                &["Петрова", "Айыына", "2013-04-02", "7А"],
            ],
            Some((2, 3)),
        );
        let errors = read(&bad, TODAY).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("Row 3, column D (class): a formula")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("Row 3, column B (given_name)"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("Row 3, column C (birth_date)"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("Row 4:") && e.contains("twice"))
        );
        let missing = xlsx(
            &[&["family_name", "birth_date"], &["A", "2013-01-01"]],
            None,
        );
        assert!(read(&missing, TODAY).unwrap_err()[0].starts_with("The first row must name"));
        let mut garbage = b"PK\x03\x04".to_vec();
        garbage.extend((0..10_000).map(|i| (i * 7919 % 251) as u8));
        assert!(read(&garbage, TODAY).unwrap_err()[0].contains("cannot be read"));
    }

    #[test]
    fn excel_columns_are_lettered() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}

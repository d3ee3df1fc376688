//! School rosters read from a spreadsheet (see [`crate::imports`]): the
//! pupils, each named by family name, given name and birth date, with a
//! class. One bad row refuses the whole file.

use std::collections::HashMap;

use crate::imports::{self, Problem, Problems, Table};

pub use crate::imports::MAX_BYTES;

/// A pupil as the roster gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pupil {
    pub family_name: String,
    pub given_name: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub class_name: String,
}

/// The class column, by every name a school's spreadsheet is likely to
/// give it (the pupil's own columns are [`imports::PersonColumns`]).
const CLASS: &[&str] = &["class", "class_name", "класс"];
const COLUMNS: &str =
    "family_name, given_name, birth_date, class (фамилия, имя, дата рождения, класс)";

/// Reads and checks a roster; the pupils in file order, or every problem.
pub fn read(bytes: &[u8], today: &str) -> Result<Vec<Pupil>, Vec<Problem>> {
    check(imports::read_table(bytes)?, today)
}

fn check(table: Table, today: &str) -> Result<Vec<Pupil>, Vec<Problem>> {
    let format = table.format;
    let Some(person) = imports::PersonColumns::of(&table) else {
        return Err(vec![Problem::MissingColumns {
            format,
            columns: COLUMNS,
        }]);
    };
    let class = table.column(CLASS);
    let mut problems = Problems::default();
    let mut pupils = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<(String, String, String), usize> =
        HashMap::with_capacity(table.rows.len());
    for mut r in table.filled_rows(&mut problems) {
        let p = &mut problems;
        let who = r.person(p, &person, today);
        let class_name = match class {
            Some(c) => r.field(p, c, "class", imports::text(r.cell(c), None)),
            None => Some(String::new()),
        };
        let (Some(who), Some(class_name), true) = (who, class_name, r.ok) else {
            continue;
        };
        let imports::Person {
            family_name,
            given_name,
            birth_date,
        } = who;
        let row = r.row;
        let key = (family_name.clone(), given_name.clone(), birth_date.clone());
        if let Some(first) = seen.get(&key) {
            problems.report(Problem::Twice {
                format,
                row,
                first: *first,
                who: format!("{given_name} {family_name}, {birth_date}"),
            });
            continue;
        }
        seen.insert(key, row);
        pupils.push(Pupil {
            family_name,
            given_name,
            birth_date,
            class_name,
        });
    }
    problems.finish(pupils)
}

/// Adds the pupils to the school's roster, or updates the class of those
/// already on it; in the caller's transaction. Rows go in batches: one
/// statement per pupil would make a large roster slow.
pub async fn save(
    conn: &mut sqlx::AnyConnection,
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
        q.execute(&mut *conn).await?;
        progress((n * BATCH + chunk.len()).min(pupils.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Language;

    /// The roster, or its problems as an English reader sees them.
    fn read(bytes: &[u8], today: &str) -> Result<Vec<Pupil>, Vec<String>> {
        super::read(bytes, today).map_err(|p| imports::words(&p, Language::En))
    }

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
        assert!(errors[2].contains("Line 5") && errors[2].contains("twice (first in Line 4)"));
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
}

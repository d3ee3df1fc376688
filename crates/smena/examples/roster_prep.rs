//! Prepares the roster import benchmark (bench/roster.sh): a database with
//! the reference scenario, and a workbook of N pupils for one of its schools
//! (Cyrillic names, dates as real date cells, a class column).
//!
//!     cargo run --release -p smena --example roster_prep -- DATABASE PUPILS OUT.xlsx
#![allow(clippy::unwrap_used)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const FAMILY: &[&str] = &[
    "Иванов",
    "Петров",
    "Николаев",
    "Егоров",
    "Васильев",
    "Михайлов",
    "Алексеев",
    "Гоголев",
];
const GIVEN: &[&str] = &[
    "Айсен",
    "Эрхан",
    "Дьулус",
    "Тимур",
    "Айыына",
    "Сардаана",
    "Кюннэй",
    "Нюргуяна",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (database, pupils, out) = (&args[1], args[2].parse::<u32>()?, &args[3]);
    let db = smena::store::Db::connect(database).await?;
    db.migrate().await?;
    let files = std::env::temp_dir().join(format!("smena-roster-files-{}", std::process::id()));
    smena::scenario::demo::load(&db, &files).await?;
    db.close().await;

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (c, h) in ["Фамилия", "Имя", "Дата рождения", "Класс"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 1..=pupils {
        let n = i as usize;
        // Unique (family, given, birth date): the number goes in the name.
        sheet.write_string(i, 0, format!("{}-{n}", FAMILY[n % FAMILY.len()]))?;
        sheet.write_string(i, 1, GIVEN[n / FAMILY.len() % GIVEN.len()])?;
        let birth = ExcelDateTime::from_ymd(
            2010 + (n % 8) as u16,
            1 + (n % 12) as u8,
            1 + (n % 28) as u8,
        )?;
        sheet.write_datetime_with_format(i, 2, &birth, &date)?;
        sheet.write_string(i, 3, format!("{}{}", 5 + n % 7, ["А", "Б", "В"][n % 3]))?;
    }
    book.save(out)?;
    Ok(())
}

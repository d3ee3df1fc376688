//! `smena import roster`: a school's pupils from an XLSX or CSV file, the
//! same checks as the web import. Without `--yes` it only reads the file and
//! says what it would do; with `--yes` it writes the pupils, all or nothing.

use std::path::PathBuf;

use super::progress::Progress;
use super::serve::{open, runtime};
use super::{DatabaseArg, Failure};
use crate::domain::access::{Action, Resource};
use crate::schools::roster;
use crate::store::{Actor, now_ms, today};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// A school's pupils (columns family_name, given_name, birth_date, class)
    Roster(RosterArgs),
    /// Children's achievements (columns family_name, given_name, birth_date,
    /// achievement, level, place), each of a registered child
    Achievements(AchievementArgs),
}

#[derive(clap::Args)]
struct AchievementArgs {
    /// The spreadsheet: .xlsx or .csv
    file: PathBuf,
    #[command(flatten)]
    database: DatabaseArg,
    /// Write the achievements (without it, nothing is written)
    #[arg(long)]
    yes: bool,
}

#[derive(clap::Args)]
struct RosterArgs {
    /// The spreadsheet: .xlsx or .csv
    file: PathBuf,
    /// The school, by name or id
    #[arg(long)]
    school: String,
    #[command(flatten)]
    database: DatabaseArg,
    /// Write the pupils (without it, nothing is written)
    #[arg(long)]
    yes: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    match args.what {
        What::Roster(args) => roster_import(args),
        What::Achievements(args) => achievements_import(args),
    }
}

fn achievements_import(args: AchievementArgs) -> Result<(), Failure> {
    use crate::applications::achievement_import;
    use crate::language::Language;
    let reading = Progress::stage("reading");
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.file.display())))?;
    let refused = |problems: Vec<crate::imports::Problem>| {
        Failure::BadInput(format!(
            "{}: nothing was imported.\n{}",
            args.file.display(),
            crate::imports::words(&problems, Language::En).join("\n")
        ))
    };
    runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        let (levels, places) = achievement_import::scale(&db)
            .await
            .map_err(|e| Failure::Other(e.into()))?;
        let format = crate::imports::Format::of(&bytes);
        let rows = achievement_import::read(&bytes, &today().to_string(), &levels, &places)
            .map_err(refused)?;
        let rows = achievement_import::match_children(&db, format, rows)
            .await
            .map_err(|e| Failure::Other(e.into()))?
            .map_err(refused)?;
        reading.finish();
        if !args.yes {
            println!(
                "{}: {} achievements, each of a registered child, all rows correct. Nothing was written; run again with --yes to import them.",
                args.file.display(),
                rows.len()
            );
            return Ok(());
        }
        let writing = Progress::new("writing", rows.len() as u64);
        let added = db
            .write(
                Actor::CommandLine,
                (Action::Import, Resource::Achievement),
                async |c| {
                    let added =
                        achievement_import::save(c, &rows, now_ms(), &|n| writing.set(n as u64))
                            .await?;
                    c.audit(
                        None,
                        format!("{added} of {} rows added from the command line", rows.len()),
                    );
                    Ok::<_, anyhow::Error>(added)
                },
            )
            .await?;
        writing.finish();
        println!(
            "{added} achievements added ({} in the file; those already recorded are not added twice).",
            rows.len()
        );
        db.close().await;
        Ok(())
    })
}

fn roster_import(args: RosterArgs) -> Result<(), Failure> {
    let reading = Progress::stage("reading");
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.file.display())))?;
    let today = today().to_string();
    let pupils = roster::read(&bytes, &today).map_err(|problems| {
        Failure::BadInput(format!(
            "{}: nothing was imported.\n{}",
            args.file.display(),
            crate::imports::words(&problems, crate::language::Language::En).join("\n")
        ))
    })?;
    drop(bytes);
    reading.finish();
    runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        let school: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM schools WHERE name = $1 OR CAST(id AS TEXT) = $1",
        )
        .bind(&args.school)
        .fetch_optional(db.pool())
        .await
        .map_err(|e| Failure::Other(e.into()))?;
        let Some((school, name)) = school else {
            return Err(Failure::BadInput(format!(
                "--school: no school is called \"{}\"",
                args.school
            )));
        };
        if !args.yes {
            println!(
                "{}: {} pupils for {name}, all rows correct. Nothing was written; run again with --yes to import them.",
                args.file.display(),
                pupils.len()
            );
            return Ok(());
        }
        let writing = Progress::new("writing", pupils.len() as u64);
        db.write(
            Actor::CommandLine,
            (Action::Import, Resource::Roster),
            async |c| {
                roster::save(c, school, &pupils, now_ms(), &|n| writing.set(n as u64)).await?;
                c.audit(
                    Some(school),
                    format!("{} pupils imported from the command line", pupils.len()),
                );
                Ok::<_, anyhow::Error>(())
            },
        )
        .await?;
        writing.finish();
        println!("{} pupils imported for {name}.", pupils.len());
        db.close().await;
        Ok(())
    })
}

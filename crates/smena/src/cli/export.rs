//! `smena export`: applications, placements, the waitlist or a session's
//! manifest to an .xlsx or .csv file, the same rows as the coordinator's
//! download. The file is written whole or not at all.

use std::path::PathBuf;

use super::progress::Progress;
use super::serve::{open, runtime};
use super::{DatabaseArg, Failure, shown, write_all_or_nothing};
use crate::domain::access::{Action, Resource};
use crate::exports::{self, ExportError, Format, Table};
use crate::store::Actor;

#[derive(clap::Args)]
pub struct Args {
    /// What to export: applications, placements, waitlist or manifest
    what: String,
    /// The file to write; .xlsx or .csv decides the format
    #[arg(long)]
    out: PathBuf,
    /// The session whose manifest to export, by code (manifest only)
    #[arg(long)]
    session: Option<String>,
    /// The programme, by id or code (default: the newest)
    #[arg(long)]
    programme: Option<String>,
    #[command(flatten)]
    database: DatabaseArg,
    /// The server's key (as for `smena serve`): a manifest's passport
    /// numbers and emergency contacts are kept encrypted
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let table = Table::parse(&args.what).ok_or_else(|| {
        Failure::BadInput(format!(
            "cannot export \"{}\": say applications, placements, waitlist or manifest",
            args.what
        ))
    })?;
    let format = Format::of(&args.out.to_string_lossy()).ok_or_else(|| {
        Failure::BadInput(format!(
            "--out {}: the file name must end in .xlsx or .csv",
            shown(&args.out)
        ))
    })?;
    if (table == Table::Manifest) != args.session.is_some() {
        return Err(Failure::BadInput(
            "--session names the session of a manifest, and only of a manifest".into(),
        ));
    }
    let reading = Progress::stage("reading");
    let sheet = runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        if table == Table::Manifest {
            super::serve::server_key(&db, &args.database.url, args.key_file.clone()).await?;
        }
        let programme: Option<(i64,)> = match &args.programme {
            Some(p) => {
                sqlx::query_as("SELECT id FROM programmes WHERE code = $1 OR CAST(id AS TEXT) = $1")
                    .bind(p)
                    .fetch_optional(db.pool())
                    .await
            }
            None => crate::programmes::queries::newest(&db)
                .await
                .map(|p| p.map(|p| (p.id,))),
        }
        .map_err(|e| Failure::Other(e.into()))?;
        let Some((programme,)) = programme else {
            return Err(Failure::BadInput(match &args.programme {
                Some(p) => format!("--programme: no programme is called \"{p}\""),
                None => "the database has no programme".into(),
            }));
        };
        let session = match &args.session {
            None => None,
            Some(code) => {
                let found: Option<(i64,)> =
                    sqlx::query_as("SELECT id FROM sessions WHERE programme_id = $1 AND code = $2")
                        .bind(programme)
                        .bind(code)
                        .fetch_optional(db.pool())
                        .await
                        .map_err(|e| Failure::Other(e.into()))?;
                Some(found.map(|(id,)| id).ok_or_else(|| {
                    Failure::BadInput(format!(
                        "--session: the programme has no session \"{code}\""
                    ))
                })?)
            }
        };
        let sheet = exports::sheet(
            &db,
            programme,
            table,
            session,
            crate::language::Language::En,
        )
        .await
        .map_err(|e| match e {
            ExportError::NotFound(what) => Failure::BadInput(format!("nothing to export: {what}")),
            e => Failure::Other(e.into()),
        })?;
        let resource = match table {
            Table::Manifest => Resource::TravelPapers,
            _ => Resource::Report,
        };
        db.write(Actor::CommandLine, (Action::Export, resource), async |c| {
            c.audit(
                session.or(Some(programme)),
                format!("{}: {} rows to a file", table.name(), sheet.rows.len()),
            );
            Ok::<_, anyhow::Error>(())
        })
        .await?;
        db.close().await;
        Ok(sheet)
    })?;
    reading.finish();
    let writing = Progress::new("writing", sheet.rows.len() as u64);
    let bytes = exports::write(&sheet, format, &|n| writing.set(n as u64))
        .map_err(|e| Failure::Other(e.into()))?;
    write_all_or_nothing(vec![(
        args.out.as_path(),
        Box::new(move |w: &mut dyn std::io::Write| w.write_all(&bytes)),
    )])?;
    writing.finish();
    println!(
        "{} rows of {} written to {}.",
        sheet.rows.len(),
        table.name(),
        shown(&args.out)
    );
    Ok(())
}

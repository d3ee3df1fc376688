//! `smena purge`: deletes the personal data of programmes past their
//! retention date and wipes delivered messages (what the service's daily
//! job does) with `--yes`; without it, lists what it would purge.

use std::path::PathBuf;

use super::serve::{files_dir, open, runtime, server_key};
use super::{DatabaseArg, Failure};
use crate::privacy::purge;
use crate::store::{Actor, now_ms};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    database: DatabaseArg,
    /// Where uploaded documents are kept, as for `smena serve`
    #[arg(long)]
    files: Option<PathBuf>,
    /// The key file, as for `smena serve`
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Delivered messages lose their subject and body after this many days
    #[arg(long, value_name = "DAYS", default_value_t = purge::MAIL_KEPT_DAYS,
          value_parser = clap::value_parser!(i64).range(0..=3650))]
    mail_days: i64,
    /// Delete: without it the command only lists what it would purge
    #[arg(long)]
    yes: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        let today = crate::store::retention::today(now_ms());
        if !args.yes {
            let due = purge::due(&db, today).await.map_err(anyhow::Error::from)?;
            if due.is_empty() {
                println!("no programme is past its retention date");
            }
            for (id, name, until) in &due {
                println!("due: programme {id} \"{name}\" (kept until {until})");
            }
            if !due.is_empty() {
                println!(
                    "its children's, families' and documents' data would be deleted for good: run again with --yes"
                );
            }
            db.close().await;
            return Ok(());
        }
        server_key(&db, &args.database.url, args.key_file).await?;
        let files = files_dir(&args.database.url, args.files);
        let done = purge::run_due(&db, &files, Actor::CommandLine, args.mail_days).await;
        db.close().await;
        let (purged, wiped) = done.map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
        if purged.is_empty() {
            println!("no programme is past its retention date");
        }
        for (id, name, counts) in purged {
            println!("purged programme {id} \"{name}\": {counts}");
        }
        println!(
            "{wiped} delivered messages wiped (older than {} days)",
            args.mail_days
        );
        Ok(())
    })
}

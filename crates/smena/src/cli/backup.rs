//! `smena backup` and `smena restore` (SQLite; PostgreSQL uses pg_dump).

use std::path::PathBuf;

use super::serve::{open, runtime, server_key};
use super::{DatabaseArg, Failure, shown};
use crate::store::ServerKey;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The file to write (encrypted with the server's key)
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    database: DatabaseArg,
    /// The server's key, as for `smena serve`
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore
    #[arg(long)]
    from: PathBuf,
    /// The new SQLite file to restore into (it must not exist)
    #[arg(long = "database")]
    to: PathBuf,
    /// The server's key the backup was made with (or SMENA_KEY); it is
    /// copied beside the restored file when that has none
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

pub fn backup(args: BackupArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        let key = server_key(&db, &args.database.url, args.key_file).await?;
        let size = crate::store::backup::backup(&db, &key, &args.out)
            .await
            .map_err(|e| Failure::BadInput(format!("{e:#}")))?;
        db.close().await;
        println!(
            "backed up to {} ({size} bytes, encrypted with the server's key)",
            shown(&args.out)
        );
        Ok(())
    })
}

pub fn restore(args: RestoreArgs) -> Result<(), Failure> {
    let key = match (&args.key_file, std::env::var("SMENA_KEY")) {
        (_, Ok(text)) => ServerKey::parse(&text, "SMENA_KEY"),
        (Some(path), _) => match std::fs::read_to_string(path) {
            Ok(text) => ServerKey::parse(&text, &shown(path)),
            Err(e) => {
                return Err(Failure::BadInput(format!(
                    "--key-file {}: {e}",
                    shown(path)
                )));
            }
        },
        (None, _) => {
            return Err(Failure::BadInput(
                "give the key the backup was made with: --key-file FILE or SMENA_KEY".into(),
            ));
        }
    }
    .map_err(|e| Failure::BadInput(e.to_string()))?;
    crate::store::backup::restore(&key, &args.from, &args.to)
        .map_err(|e| Failure::BadInput(format!("{e:#}")))?;
    // Beside the restored file, where `smena serve` looks for it.
    let beside = PathBuf::from(format!("{}.key", args.to.display()));
    if let Some(path) = &args.key_file
        && !beside.exists()
    {
        let text = std::fs::read_to_string(path).map_err(anyhow::Error::from)?;
        crate::store::keys::write_private(&beside, text.trim()).map_err(anyhow::Error::from)?;
    }
    let database = args.to.display().to_string();
    runtime()?.block_on(async {
        let db = open(&database).await?;
        db.unlock(&key)
            .await
            .map_err(|e| Failure::BadInput(format!("{e:#}")))?;
        let checked = crate::store::chain::verify(&db)
            .await
            .map_err(anyhow::Error::from)?;
        let (children,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM children")
            .fetch_one(db.pool())
            .await
            .map_err(anyhow::Error::from)?;
        let (applications,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications")
            .fetch_one(db.pool())
            .await
            .map_err(anyhow::Error::from)?;
        db.close().await;
        let head = checked.map_err(|broken| {
            Failure::Mismatch(format!(
                "restored {}, but its audit log is broken at {broken}",
                shown(&args.to)
            ))
        })?;
        println!(
            "restored {}: {children} children, {applications} applications; the audit log is intact: {} entries, head {}",
            shown(&args.to),
            head.seq,
            head.head
        );
        Ok(())
    })
}

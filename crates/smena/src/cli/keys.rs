//! `smena keys rotate`: a new server's key, without stopping the service.

use std::path::PathBuf;

use super::serve::{
    key_file, next_key_file, open, previous_key_file, put_new_key_in_place, runtime, server_key,
};
use super::{DatabaseArg, Failure, shown};
use crate::store::ServerKey;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(clap::Subcommand)]
enum KeysCommand {
    /// Make a new server's key: the data keys are re-wrapped and the links
    /// waiting in the outbox re-sealed under it in one transaction, then
    /// it replaces the key file (the old key is kept as FILE.previous for
    /// backups made before); a running `smena serve` takes it up within
    /// seconds
    Rotate {
        #[command(flatten)]
        database: DatabaseArg,
        /// The key file, as for `smena serve`
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<(), Failure> {
    let KeysCommand::Rotate {
        database,
        key_file: given,
    } = args.command;
    let Some(path) = key_file(&database.url, given.clone())? else {
        return Err(Failure::BadInput(
            "the key is in SMENA_KEY: rotation writes a key file; give --key-file FILE, \
             then set every replica's SMENA_KEY to the new key"
                .into(),
        ));
    };
    if !path.exists() {
        return Err(Failure::BadInput(format!(
            "no key file at {}",
            shown(&path)
        )));
    }
    runtime()?.block_on(async {
        let db = open(&database.url).await?;
        let old = server_key(&db, &database.url, Some(path.clone())).await?;
        let new = ServerKey::generate().map_err(|e| Failure::Other(e.into()))?;
        // Written first, so that a rotation cut short after its commit
        // leaves the key the database now checks (the service takes it).
        let next = next_key_file(&path);
        let _ = std::fs::remove_file(&next);
        crate::store::keys::write_private(&next, &new.hex())
            .map_err(|e| Failure::Other(anyhow::Error::from(e).context(format!("cannot write {}", shown(&next)))))?;
        let rotated = db.rotate_key(&old, &new).await;
        db.close().await;
        let (data_keys, links) = match rotated {
            Ok(counts) => counts,
            Err(e) => {
                let _ = std::fs::remove_file(&next);
                return Err(Failure::Other(e.context("the key was not rotated")));
            }
        };
        put_new_key_in_place(&path).map_err(|e| Failure::Other(e.into()))?;
        println!(
            "rotated the server's key in {}: {data_keys} data keys re-wrapped, {links} links waiting in the outbox re-sealed; \
             the old key is in {} (backups made before now need it)",
            shown(&path),
            shown(&previous_key_file(&path))
        );
        Ok(())
    })
}

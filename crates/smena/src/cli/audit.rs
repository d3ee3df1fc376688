//! `smena audit verify`: checks the audit log's hash chain.

use super::{DatabaseArg, Failure};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(clap::Subcommand)]
enum AuditCommand {
    /// Check that no entry was changed, removed or added behind the
    /// service's back; name the first broken entry (exit status 1)
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

pub fn run(args: Args) -> Result<(), Failure> {
    match args.command {
        AuditCommand::Verify { database } => super::serve::runtime()?.block_on(async {
            let db = super::serve::open(&database.url).await?;
            let checked = crate::store::chain::verify(&db)
                .await
                .map_err(anyhow::Error::from)?;
            db.close().await;
            match checked {
                Ok(head) => {
                    println!(
                        "the audit log is intact: {} entries, head {}",
                        head.seq, head.head
                    );
                    Ok(())
                }
                Err(broken) => Err(Failure::Mismatch(format!(
                    "the audit log is broken at {broken}"
                ))),
            }
        }),
    }
}

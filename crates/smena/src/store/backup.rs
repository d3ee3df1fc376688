//! Backups of a SQLite database while the service runs: a consistent
//! snapshot (`VACUUM INTO`, which reads like any other reader) encrypted
//! with the server's key, and its restoration. PostgreSQL is backed up
//! with its own tools (README: `pg_dump` / `pg_restore`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Backend, Db, ServerKey};

/// Writes an encrypted snapshot of `db` to `out` (whole or not at all);
/// its size in bytes. The snapshot exists in clear only in a folder of
/// the service's alone (0700) beside `out`, for as long as it takes to
/// encrypt it.
pub async fn backup(db: &Db, key: &ServerKey, out: &Path) -> anyhow::Result<u64> {
    if db.backend() != Backend::Sqlite {
        anyhow::bail!(
            "smena backup copies a SQLite database; back PostgreSQL up with pg_dump (README, \"Backups\")"
        );
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        anyhow::bail!("the folder {} does not exist", parent.display());
    }
    let work = parent.join(format!(".smena-backup-{}", super::new_id()));
    super::files::make_private(&work)
        .with_context(|| format!("cannot make a private folder in {}", parent.display()))?;
    let result = encrypt_snapshot(db, key, out, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn encrypt_snapshot(
    db: &Db,
    key: &ServerKey,
    out: &Path,
    work: &Path,
) -> anyhow::Result<u64> {
    use std::io::{Read as _, Write as _};
    let snapshot = work.join("snapshot.db");
    sqlx::query("VACUUM INTO $1")
        .bind(snapshot.display().to_string())
        .execute(db.pool())
        .await
        .context("cannot take a snapshot of the database")?;
    let temp = PathBuf::from(format!("{}.tmp{}", out.display(), super::new_id()));
    let written = (|| -> anyhow::Result<u64> {
        let mut from = std::fs::File::open(&snapshot)?;
        let mut to = private_file(&temp)?;
        let mut sealer = key.file_sealer(0)?;
        to.write_all(sealer.header())?;
        let mut chunk = vec![0u8; super::keys::FILE_CHUNK];
        let mut written = sealer.header().len() as u64;
        loop {
            // A chunk is sent full unless it is the last.
            let mut filled = 0;
            while filled < chunk.len() {
                match from.read(&mut chunk[filled..])? {
                    0 => break,
                    n => filled += n,
                }
            }
            let last = filled < chunk.len();
            let sealed = sealer.seal(&chunk[..filled], last)?;
            to.write_all(&sealed)?;
            written += sealed.len() as u64;
            if last {
                break;
            }
        }
        to.sync_all()?;
        Ok(written)
    })();
    match written {
        Ok(n) => {
            std::fs::rename(&temp, out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e.context(format!("cannot write {}", out.display())))
        }
    }
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes the database a backup holds to the new file `to` (never over an
/// existing one): opened with `key`, which must be the key the backup was
/// made with.
pub fn restore(key: &ServerKey, from: &Path, to: &Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    if to.exists() {
        anyhow::bail!("{} exists: restore into a new file", to.display());
    }
    let sealed = std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    let database = key.open_file(&sealed).map_err(|_| {
        anyhow::anyhow!(
            "{} cannot be opened with this key: it is not a Smena backup, it was changed, or it was made with another key",
            from.display()
        )
    })?;
    if !database.starts_with(b"SQLite format 3\0") {
        anyhow::bail!("{} does not hold a SQLite database", from.display());
    }
    let written =
        private_file(to).and_then(|mut f| f.write_all(&database).and_then(|()| f.sync_all()));
    if let Err(e) = written {
        let _ = std::fs::remove_file(to);
        return Err(anyhow::Error::from(e).context(format!("cannot write {}", to.display())));
    }
    Ok(())
}

//! Uploaded files: checked by their content (not their name or declared
//! type), stored under their SHA-256 so identical files are kept once and
//! no name from the user ever reaches the file system.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::store::keys::{FILE_CHUNK, FILE_MAGIC, FileSealer, Keyring};

/// Largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest upload read to its end in order to answer "too large" politely.
pub const DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// The kinds of file accepted, recognised by their first bytes.
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Creates `dir` (and its parents) readable by the service alone (0700).
async fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).await
}

/// A new file readable by the service alone (0600).
async fn private_file(path: &Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

/// Makes the files folder the service's alone (0700), created if missing:
/// scans of children's documents are kept there. An older folder made
/// readable by others is closed at start.
pub fn make_private(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        builder.mode(0o700);
        builder.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn path_for(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

/// Stores the bytes (once per content), encrypted, and returns their
/// SHA-256. Written to a temporary name and renamed, so a crash never
/// leaves half a file.
pub async fn store(dir: &Path, keys: &Keyring, bytes: &[u8]) -> std::io::Result<String> {
    let mut receiving = Receiving::start(dir, keys).await?;
    receiving.write(bytes).await?;
    receiving.finish().await
}

/// A file being received: encrypted and written to a temporary file as its
/// pieces arrive, and hashed on the way, so an upload never needs memory
/// for more than one chunk. Finished, it moves under the SHA-256 of its
/// content; dropped unfinished, the temporary file goes.
pub struct Receiving {
    dir: PathBuf,
    temp: PathBuf,
    file: Option<tokio::fs::File>,
    sealer: FileSealer,
    /// Content not yet sealed (less than a chunk).
    pending: Vec<u8>,
    hasher: Sha256,
    size: usize,
    head: Vec<u8>,
}

/// The first bytes kept, for `detect`.
const HEAD: usize = 16;

fn key_error(e: crate::store::keys::KeyError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Receiving {
    pub async fn start(dir: &Path, keys: &Keyring) -> std::io::Result<Receiving> {
        use tokio::io::AsyncWriteExt as _;
        // A shard of its own, which the sweep also looks into.
        let incoming = dir.join("in");
        private_dir(&incoming).await?;
        let temp = incoming.join(format!("upload.tmp{}", crate::store::new_id()));
        let mut file = private_file(&temp).await?;
        let sealer = keys.file_sealer().map_err(key_error)?;
        file.write_all(sealer.header()).await?;
        Ok(Receiving {
            dir: dir.to_path_buf(),
            temp,
            file: Some(file),
            sealer,
            pending: Vec::with_capacity(FILE_CHUNK),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD),
        })
    }

    pub async fn write(&mut self, mut piece: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt as _;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(piece.len());
            self.head.extend_from_slice(&piece[..take]);
        }
        self.hasher.update(piece);
        self.size += piece.len();
        let Some(file) = self.file.as_mut() else {
            return Err(std::io::Error::other("the upload is finished"));
        };
        while !piece.is_empty() {
            let take = (FILE_CHUNK - self.pending.len()).min(piece.len());
            self.pending.extend_from_slice(&piece[..take]);
            piece = &piece[take..];
            if self.pending.len() == FILE_CHUNK {
                let sealed = self.sealer.seal(&self.pending, false).map_err(key_error)?;
                self.pending.clear();
                file.write_all(&sealed).await?;
            }
        }
        Ok(())
    }

    /// Content bytes received so far.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The first bytes, enough for `detect`.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Makes the file durable under the SHA-256 of its content, which it
    /// returns.
    pub async fn finish(self) -> std::io::Result<String> {
        self.finish_at(false).await
    }

    /// `finish`, `replace`-ing a file already under that name (in one
    /// rename: never a moment without it).
    async fn finish_at(mut self, replace: bool) -> std::io::Result<String> {
        use tokio::io::AsyncWriteExt as _;
        let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let Some(mut file) = self.file.take() else {
            return Err(std::io::Error::other("the upload is finished"));
        };
        let last = self.sealer.seal(&self.pending, true).map_err(key_error)?;
        file.write_all(&last).await?;
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let path = path_for(&self.dir, &sha);
        if !replace && tokio::fs::try_exists(&path).await.unwrap_or(false) {
            // The same content is stored already.
            tokio::fs::remove_file(&self.temp).await?;
        } else {
            if let Some(parent) = path.parent() {
                private_dir(parent).await?;
            }
            tokio::fs::rename(&self.temp, &path).await?;
        }
        self.temp = PathBuf::new();
        Ok(sha)
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// The content stored under `sha`, opened and checked against its name.
/// A file an earlier version stored in clear (until `encrypt_clear_files`
/// has run over it) is read as it is, and checked the same way.
pub async fn load(dir: &Path, keys: &Keyring, sha: &str) -> std::io::Result<Vec<u8>> {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a content address",
        ));
    }
    let bytes = tokio::fs::read(path_for(dir, sha)).await?;
    let content = if bytes.starts_with(FILE_MAGIC) {
        keys.open_file(&bytes).map_err(key_error)?
    } else {
        bytes
    };
    if sha256_hex(&content) != sha {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the stored file {sha} does not match its content address"),
        ));
    }
    Ok(content)
}

/// Encrypts in place every stored file an earlier version kept in clear
/// (checked against its name first); how many. Run at start.
pub async fn encrypt_clear_files(dir: &Path, keys: &Keyring) -> std::io::Result<usize> {
    let mut encrypted = 0;
    for file in stored_files(dir).await? {
        let name = file.file_name().to_string_lossy().into_owned();
        if name.len() != 64 || name.contains('.') {
            continue; // temporary files and the like
        }
        // Only the first bytes of an encrypted file are read: this runs at
        // every start, over every scan.
        if starts_with_magic(&file.path()).await? {
            continue;
        }
        let bytes = tokio::fs::read(file.path()).await?;
        if sha256_hex(&bytes) != name {
            continue;
        }
        let mut receiving = Receiving::start(dir, keys).await?;
        receiving.write(&bytes).await?;
        receiving.finish_at(true).await?;
        encrypted += 1;
    }
    Ok(encrypted)
}

/// Whether the file begins as an encrypted one does.
async fn starts_with_magic(path: &Path) -> std::io::Result<bool> {
    use tokio::io::AsyncReadExt as _;
    let mut head = [0u8; 8];
    let mut file = tokio::fs::File::open(path).await?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]).await? {
            0 => return Ok(false),
            n => filled += n,
        }
    }
    Ok(&head == FILE_MAGIC)
}

/// Every file in the shards of `dir` (none if nothing is stored yet).
async fn stored_files(dir: &Path) -> std::io::Result<Vec<tokio::fs::DirEntry>> {
    let mut found = Vec::new();
    let Ok(mut shards) = tokio::fs::read_dir(dir).await else {
        return Ok(found);
    };
    while let Some(shard) = shards.next_entry().await? {
        if !shard.file_type().await?.is_dir() {
            continue;
        }
        let mut files = tokio::fs::read_dir(shard.path()).await?;
        while let Some(file) = files.next_entry().await? {
            found.push(file);
        }
    }
    Ok(found)
}

/// Removes a stored file that no document refers to (a staged roster
/// spreadsheet once imported). Identical bytes uploaded as a document keep
/// the file.
pub async fn remove_unless_referenced(
    db: &crate::store::Db,
    dir: &Path,
    sha: &str,
) -> anyhow::Result<bool> {
    let used: Option<(i64,)> = sqlx::query_as("SELECT id FROM documents WHERE sha256 = $1 LIMIT 1")
        .bind(sha)
        .fetch_optional(db.pool())
        .await?;
    if used.is_some() || sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    match tokio::fs::remove_file(path_for(dir, sha)).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Deletes stored files older than `age` that no document refers to:
/// roster spreadsheets previewed and never confirmed, and temporary files
/// left by a crash. Returns how many went.
pub async fn sweep(
    db: &crate::store::Db,
    dir: &Path,
    age: std::time::Duration,
) -> anyhow::Result<usize> {
    let used: std::collections::HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT sha256 FROM documents")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|(s,)| s)
            .collect();
    let cutoff = std::time::SystemTime::now()
        .checked_sub(age)
        .unwrap_or(std::time::UNIX_EPOCH);
    let mut removed = 0;
    for file in stored_files(dir).await? {
        let name = file.file_name().to_string_lossy().into_owned();
        let sha = name.split('.').next().unwrap_or("");
        let old = file.metadata().await?.modified().is_ok_and(|m| m <= cutoff);
        let temporary = name.contains(".tmp");
        if old && (temporary || !used.contains(sha)) {
            tokio::fs::remove_file(file.path()).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Format characters that change how a name reads without showing
/// themselves: bidirectional overrides (`U+202E` makes `exe.pdf` read
/// `fdp.exe`), zero-width joiners and spaces, the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A file name safe to show and to put in a download header.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c) && !matches!(c, '"' | ';' | '<' | '>'))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "document".into()
    } else {
        cleaned.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_files_by_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(detect(b"\x7fELF\x02\x01"), None, "an executable named .pdf");
        assert_eq!(detect(b"MZ\x90\x00"), None);
        assert_eq!(detect(b"<html><script>"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\паспорт.pdf"), "паспорт.pdf");
        assert_eq!(clean_name("a\"; filename=evil.exe"), "a filename=evil.exe");
        assert_eq!(clean_name(""), "document");
        assert_eq!(clean_name("passport\u{202E}fdp.exe"), "passportfdp.exe");
        assert_eq!(clean_name("a\u{200B}b\u{FEFF}\u{2066}c\u{00AD}"), "abc");
        assert_eq!(clean_name("\u{202E}\u{200F}"), "document");
    }

    #[tokio::test]
    async fn stores_once_by_content_encrypted_and_refuses_changes() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keyring::fresh().unwrap();
        let a = store(dir.path(), &keys, b"%PDF-1.4 x").await.unwrap();
        let b = store(dir.path(), &keys, b"%PDF-1.4 x").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(load(dir.path(), &keys, &a).await.unwrap(), b"%PDF-1.4 x");
        assert!(load(dir.path(), &keys, "../../etc/passwd").await.is_err());

        // Several chunks, an exact multiple of a chunk, and nothing at all.
        for n in [3 * FILE_CHUNK + 17, 2 * FILE_CHUNK, 0] {
            let content: Vec<u8> = (0..n).map(|i| (i % 253) as u8).collect();
            let sha = store(dir.path(), &keys, &content).await.unwrap();
            let path = path_for(dir.path(), &sha);
            let on_disk = std::fs::read(&path).unwrap();
            assert!(on_disk.starts_with(FILE_MAGIC));
            assert_eq!(load(dir.path(), &keys, &sha).await.unwrap(), content);
            // Cut short by a whole chunk, or changed: refused.
            if n > FILE_CHUNK {
                std::fs::write(
                    &path,
                    &on_disk[..on_disk.len() - (n % FILE_CHUNK).max(1) - 16],
                )
                .unwrap();
                assert!(load(dir.path(), &keys, &sha).await.is_err(), "cut short");
                let mut changed = on_disk.clone();
                changed[100] ^= 1;
                std::fs::write(&path, &changed).unwrap();
                assert!(load(dir.path(), &keys, &sha).await.is_err(), "changed");
                std::fs::write(&path, &on_disk).unwrap();
            }
            // Another keyring cannot open it.
            let other = Keyring::fresh().unwrap();
            assert!(load(dir.path(), &other, &sha).await.is_err());
        }

        // A file an earlier version stored in clear is read, then encrypted.
        let clear = b"%PDF-1.4 stored in clear".to_vec();
        let sha = sha256_hex(&clear);
        let path = path_for(dir.path(), &sha);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &clear).unwrap();
        assert_eq!(load(dir.path(), &keys, &sha).await.unwrap(), clear);
        assert_eq!(encrypt_clear_files(dir.path(), &keys).await.unwrap(), 1);
        assert!(std::fs::read(&path).unwrap().starts_with(FILE_MAGIC));
        assert_eq!(load(dir.path(), &keys, &sha).await.unwrap(), clear);
        assert_eq!(encrypt_clear_files(dir.path(), &keys).await.unwrap(), 0);
    }
}

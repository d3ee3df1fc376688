//! The server's key: 32 random bytes kept outside the database (a file
//! readable by the service alone, or an environment variable). It seals
//! what must be kept only until it is used (a one-time link waiting in the
//! outbox: authenticated encryption, XChaCha20-Poly1305, with what the
//! secret is for as associated data), and keys the seals that bind a form to
//! a login (HMAC-SHA-256). A database checks, at start, that it is opened
//! with the key it was first opened with: a wrong key is a clear error,
//! never a silent failure to read what it sealed.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The server's key. Clones share it: when the key file changes (a
/// rotation) every part of the running service takes the new key at once,
/// and keeps the one before to open what was sealed with it meanwhile.
#[derive(Clone)]
pub struct ServerKey(std::sync::Arc<std::sync::RwLock<Pair>>);

#[derive(Clone, Copy)]
struct Pair {
    current: [u8; 32],
    previous: Option<[u8; 32]>,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

/// Why a key could not be had or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the key file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("cannot write the key file {0}: {1}")]
    Write(String, std::io::Error),
    #[error("the key in {0} is not 64 hexadecimal digits")]
    Malformed(String),
    #[error("no random source: {0}")]
    Random(String),
    #[error("a sealed value cannot be opened with this key (a wrong key, or changed data)")]
    Unsealable,
    #[error(
        "personal data cannot be read or written before the server's key has unlocked the database"
    )]
    Locked,
}

/// A value sealed with the server's key: hex of nonce and ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed(pub String);

impl ServerKey {
    /// A new random key.
    pub fn generate() -> Result<ServerKey, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(ServerKey::from_bytes(bytes))
    }

    fn from_bytes(current: [u8; 32]) -> ServerKey {
        ServerKey(std::sync::Arc::new(std::sync::RwLock::new(Pair {
            current,
            previous: None,
        })))
    }

    fn pair(&self) -> Pair {
        match self.0.read() {
            Ok(pair) => *pair,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// The key written as 64 hexadecimal digits.
    pub fn hex(&self) -> String {
        hex::encode(self.pair().current)
    }

    /// Whether `other` holds the same (current) key.
    pub fn is(&self, other: &ServerKey) -> bool {
        self.pair().current == other.pair().current
    }

    /// Takes `new` as the key from now on, keeping this one to open what
    /// it sealed (every clone sees the change).
    pub fn replace_with(&self, new: &ServerKey) {
        let new = new.pair().current;
        let mut pair = match self.0.write() {
            Ok(pair) => pair,
            Err(poisoned) => poisoned.into_inner(),
        };
        if pair.current != new {
            pair.previous = Some(pair.current);
            pair.current = new;
        }
    }

    /// The key written as 64 hexadecimal digits (a file or a variable).
    pub fn parse(text: &str, source: &str) -> Result<ServerKey, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed(source.into()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError::Malformed(source.into()))?;
        Ok(ServerKey::from_bytes(bytes))
    }

    /// The key in `path`, made there first (readable by its owner alone)
    /// if there is none.
    pub fn load_or_create(path: &Path) -> Result<ServerKey, KeyError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => ServerKey::parse(&text, &shown),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = ServerKey::generate()?;
                write_private(path, &key.hex()).map_err(|e| KeyError::Write(shown.clone(), e))?;
                Ok(key)
            }
            Err(e) => Err(KeyError::Read(shown, e)),
        }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.pair().current.into())
    }

    /// The current key's cipher, then the previous one's.
    fn ciphers(&self) -> impl Iterator<Item = XChaCha20Poly1305> {
        let pair = self.pair();
        std::iter::once(pair.current)
            .chain(pair.previous)
            .map(|k| XChaCha20Poly1305::new(&k.into()))
    }

    /// Seals `secret`; `purpose` must be given again to open it.
    pub fn seal(&self, purpose: &str, secret: &[u8]) -> Result<Sealed, KeyError> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Unsealable)?;
        Ok(Sealed(format!(
            "{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        )))
    }

    /// Opens what [`ServerKey::seal`] sealed for `purpose` (with this key
    /// or, just after a rotation, the one before).
    pub fn open(&self, purpose: &str, sealed: &Sealed) -> Result<Vec<u8>, KeyError> {
        let bytes = hex::decode(&sealed.0).map_err(|_| KeyError::Unsealable)?;
        if bytes.len() < 24 {
            return Err(KeyError::Unsealable);
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| KeyError::Unsealable)?;
        self.ciphers()
            .find_map(|cipher| {
                cipher
                    .decrypt(
                        &XNonce::from(nonce),
                        Payload {
                            msg: ciphertext,
                            aad: purpose.as_bytes(),
                        },
                    )
                    .ok()
            })
            .ok_or(KeyError::Unsealable)
    }

    /// A sealer for a new file under this key, which the file names as
    /// `id` (a data key's id; 0 for the server's key itself).
    pub fn file_sealer(&self, id: i64) -> Result<FileSealer, KeyError> {
        let mut prefix = [0u8; 16];
        getrandom::fill(&mut prefix).map_err(|e| KeyError::Random(e.to_string()))?;
        let mut header = Vec::with_capacity(FILE_HEADER);
        header.extend_from_slice(FILE_MAGIC);
        header.extend_from_slice(&id.to_le_bytes());
        header.extend_from_slice(&prefix);
        Ok(FileSealer {
            cipher: self.cipher(),
            header,
            prefix,
            counter: 0,
        })
    }

    /// The content of a file a `FileSealer` of this key wrote, whole: every
    /// chunk opened in order, the last one marked last.
    pub fn open_file(&self, bytes: &[u8]) -> Result<Vec<u8>, KeyError> {
        file_key_id(bytes)?;
        let header = &bytes[..FILE_HEADER];
        let prefix: [u8; 16] = header[16..].try_into().map_err(|_| KeyError::Unsealable)?;
        let cipher = self.cipher();
        let mut plain = Vec::with_capacity(bytes.len());
        let mut rest = &bytes[FILE_HEADER..];
        let mut counter = 0u64;
        loop {
            let take = rest.len().min(FILE_CHUNK + TAG);
            let (chunk, after) = rest.split_at(take);
            let last = after.is_empty();
            let opened = cipher
                .decrypt(
                    &XNonce::from(chunk_nonce(&prefix, counter, last)),
                    Payload {
                        msg: chunk,
                        aad: header,
                    },
                )
                .map_err(|_| KeyError::Unsealable)?;
            plain.extend_from_slice(&opened);
            if last {
                return Ok(plain);
            }
            rest = after;
            counter += 1;
        }
    }

    /// A keyed MAC of `data` for `purpose`, in hex: whoever lacks the key
    /// can neither compute nor check it.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.pair().current)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Equal without revealing where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Writes a file only its owner can read (0600 on Unix).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// What the database remembers of the key it was first opened with.
const CHECK: &str = "key check";

impl super::Db {
    /// Refuses a key other than the one this database was first opened
    /// with (it remembers a MAC of a fixed text, never the key).
    pub async fn check_key(&self, key: &ServerKey) -> anyhow::Result<()> {
        let mac = key.mac(CHECK, b"smena");
        let stored: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE name = 'key_check'")
                .fetch_optional(self.pool())
                .await?;
        match stored {
            Some((stored,)) if stored == mac => Ok(()),
            Some(_) => anyhow::bail!(
                "the server's key is not the one this database was opened with: \
                 give the key file (--key-file) or SMENA_KEY it was created with"
            ),
            None => {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO settings (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING",
                )
                .bind(&mac)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }
}

impl super::Db {
    /// Whether `key` is the key this database was opened with (reads only).
    pub async fn key_matches(&self, key: &ServerKey) -> Result<bool, sqlx::Error> {
        let stored: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE name = 'key_check'")
                .fetch_optional(self.pool())
                .await?;
        Ok(stored.is_some_and(|(mac,)| mac == key.mac(CHECK, b"smena")))
    }

    /// Rotates the server's key, in one transaction: every data key is
    /// re-wrapped and every link waiting in the outbox re-sealed under
    /// `new`, which becomes the key the database checks. The personal data
    /// itself is not touched. How many data keys and links.
    pub async fn rotate_key(
        &self,
        old: &ServerKey,
        new: &ServerKey,
    ) -> anyhow::Result<(usize, usize)> {
        if !self.key_matches(old).await? {
            anyhow::bail!("the key given is not the one this database was opened with");
        }
        let mut tx = self.begin_write().await?;
        let wrapped: Vec<(i64, String)> = sqlx::query_as("SELECT id, wrapped FROM data_keys")
            .fetch_all(&mut *tx)
            .await?;
        for (id, sealed) in &wrapped {
            let data_key = old.open(DATA_KEY, &Sealed(sealed.clone()))?;
            let rewrapped = new.seal(DATA_KEY, &data_key)?;
            sqlx::query("UPDATE data_keys SET wrapped = $1 WHERE id = $2")
                .bind(&rewrapped.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let links: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, secret FROM outbox WHERE secret IS NOT NULL")
                .fetch_all(&mut *tx)
                .await?;
        for (id, sealed) in &links {
            let link = old.open(super::SECRET_PURPOSE, &Sealed(sealed.clone()))?;
            let resealed = new.seal(super::SECRET_PURPOSE, &link)?;
            sqlx::query("UPDATE outbox SET secret = $1 WHERE id = $2")
                .bind(&resealed.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE settings SET value = $1 WHERE name = 'key_check'")
            .bind(new.mac(CHECK, b"smena"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((wrapped.len(), links.len()))
    }
}

/// Follows the key file of a running service: when a rotation has put a
/// new key there (one this database now checks), every part of the
/// service takes it within `every`, keeping the old one to open what it
/// sealed meanwhile. A key the database does not know is ignored, said
/// once.
pub async fn follow_key_file(
    db: super::Db,
    key: ServerKey,
    path: std::path::PathBuf,
    every: std::time::Duration,
) {
    let mut warned = false;
    loop {
        tokio::time::sleep(every).await;
        let Ok(text) = tokio::fs::read_to_string(&path).await else {
            continue;
        };
        let Ok(candidate) = ServerKey::parse(&text, "") else {
            continue;
        };
        if candidate.is(&key) {
            continue;
        }
        match db.key_matches(&candidate).await {
            Ok(true) => {
                key.replace_with(&candidate);
                warned = false;
                tracing::info!(file = %path.display(), "the server's key was rotated: the new key is in use");
            }
            Ok(false) if !warned => {
                warned = true;
                tracing::warn!(file = %path.display(), "the key file holds a key this database does not know: ignored");
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "checking the key file failed"),
        }
    }
}

/// A passport number as sealed (in `children` and `identity_changes`).
pub const PASSPORT: &str = "children.passport_number";
/// An emergency contact as sealed.
pub const CONTACT: &str = "children.emergency_contact";
/// A parent's phone number as sealed.
pub const PHONE: &str = "accounts.phone";
/// A child's health needs as sealed, field by field.
pub const ALLERGIES: &str = "child_needs.allergies";
pub const DIET: &str = "child_needs.diet";
pub const MEDICATION: &str = "child_needs.medication";
pub const HEALTH_NOTES: &str = "child_needs.health_notes";
/// What an incident's reporter wrote, as sealed.
pub const INCIDENT: &str = "incidents.description";

/// A value that cannot be opened is a failure to read the row.
impl From<KeyError> for sqlx::Error {
    fn from(e: KeyError) -> sqlx::Error {
        sqlx::Error::Decode(Box::new(e))
    }
}

/// What a data key is sealed for when the server's key wraps it.
const DATA_KEY: &str = "data key";
/// How an encrypted value begins: `enc1:KEY_ID:SEALED`.
const PREFIX: &str = "enc1:";

/// The data keys, unwrapped: personal data is sealed with the newest and
/// opened with the one its value names.
pub struct Keyring {
    current: (i64, ServerKey),
    keys: std::collections::HashMap<i64, ServerKey>,
}

impl Keyring {
    /// A keyring of one fresh data key, held nowhere else (for tests).
    pub fn fresh() -> Result<Keyring, KeyError> {
        let key = ServerKey::generate()?;
        Ok(Keyring {
            current: (1, key.clone()),
            keys: std::collections::HashMap::from([(1, key)]),
        })
    }

    /// A sealer for a new file, under the newest data key.
    pub fn file_sealer(&self) -> Result<FileSealer, KeyError> {
        let (id, key) = &self.current;
        key.file_sealer(*id)
    }

    /// The content of a file `FileSealer` wrote under one of these keys.
    pub fn open_file(&self, bytes: &[u8]) -> Result<Vec<u8>, KeyError> {
        let id = file_key_id(bytes)?;
        self.keys
            .get(&id)
            .ok_or(KeyError::Unsealable)?
            .open_file(bytes)
    }

    pub fn protect_opt(
        &self,
        column: &str,
        plain: Option<&str>,
    ) -> Result<Option<String>, KeyError> {
        plain.map(|p| self.protect(column, p)).transpose()
    }

    pub fn reveal_opt(
        &self,
        column: &str,
        stored: Option<&str>,
    ) -> Result<Option<String>, KeyError> {
        stored.map(|s| self.reveal(column, s)).transpose()
    }

    /// `plain` sealed for `column` (which must be named again to open it,
    /// so a value cannot be moved to another column unseen).
    pub fn protect(&self, column: &str, plain: &str) -> Result<String, KeyError> {
        let (id, key) = &self.current;
        Ok(format!(
            "{PREFIX}{id}:{}",
            key.seal(column, plain.as_bytes())?.0
        ))
    }

    pub fn reveal(&self, column: &str, stored: &str) -> Result<String, KeyError> {
        let rest = stored.strip_prefix(PREFIX).ok_or(KeyError::Unsealable)?;
        let (id, sealed) = rest.split_once(':').ok_or(KeyError::Unsealable)?;
        let key = id
            .parse::<i64>()
            .ok()
            .and_then(|id| self.keys.get(&id))
            .ok_or(KeyError::Unsealable)?;
        let plain = key.open(column, &Sealed(sealed.to_string()))?;
        String::from_utf8(plain).map_err(|_| KeyError::Unsealable)
    }
}

/// How an encrypted file begins: these bytes, the data key's id (8 bytes,
/// little-endian) and a 16-byte random nonce prefix. Chunks follow, each
/// at most `FILE_CHUNK` bytes of content sealed with the nonce prefix and
/// the chunk's number (its top bit set on the last chunk, so a file cut
/// short is refused), the header as associated data.
pub const FILE_MAGIC: &[u8; 8] = b"SMENAE01";
const FILE_HEADER: usize = 8 + 8 + 16;
/// Content per chunk of an encrypted file.
pub const FILE_CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const LAST: u64 = 1 << 63;

/// Seals a file chunk by chunk (see [`FILE_MAGIC`]).
pub struct FileSealer {
    cipher: XChaCha20Poly1305,
    header: Vec<u8>,
    prefix: [u8; 16],
    counter: u64,
}

impl FileSealer {
    /// The bytes the file begins with.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// The next chunk (at most `FILE_CHUNK` bytes), sealed; `last` for the
    /// final one (which may be empty).
    pub fn seal(&mut self, chunk: &[u8], last: bool) -> Result<Vec<u8>, KeyError> {
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        self.counter += 1;
        self.cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: chunk,
                    aad: &self.header,
                },
            )
            .map_err(|_| KeyError::Unsealable)
    }
}

/// The id of the key an encrypted file names (after checking it is one).
fn file_key_id(bytes: &[u8]) -> Result<i64, KeyError> {
    if bytes.len() < FILE_HEADER || &bytes[..8] != FILE_MAGIC {
        return Err(KeyError::Unsealable);
    }
    let id: [u8; 8] = bytes[8..16].try_into().map_err(|_| KeyError::Unsealable)?;
    Ok(i64::from_le_bytes(id))
}

fn chunk_nonce(prefix: &[u8; 16], counter: u64, last: bool) -> [u8; 24] {
    let mut nonce = [0u8; 24];
    nonce[..16].copy_from_slice(prefix);
    let n = if last { counter | LAST } else { counter };
    nonce[16..].copy_from_slice(&n.to_be_bytes());
    nonce
}

/// The columns kept encrypted, as (table, column).
const ENCRYPTED: &[(&str, &str)] = &[
    ("children", "passport_number"),
    ("children", "emergency_contact"),
    ("identity_changes", "passport_number"),
];

impl super::Db {
    /// Checks the server's key (`check_key`), opens the data keys with it
    /// (making the first one if there is none), and encrypts any personal
    /// data an earlier version left in clear. Until then personal data can
    /// be neither read nor written: never silently in clear.
    pub async fn unlock(&self, key: &ServerKey) -> anyhow::Result<()> {
        self.check_key(key).await?;
        if self.keyring.get().is_some() {
            return Ok(());
        }
        let mut wrapped: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, wrapped FROM data_keys ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        if wrapped.is_empty() {
            let data_key = ServerKey::generate()?;
            let id = super::new_id();
            let sealed = key.seal(DATA_KEY, &data_key.pair().current)?;
            let mut tx = self.begin_write().await?;
            sqlx::query("INSERT INTO data_keys (id, wrapped, created_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(&sealed.0)
                .bind(super::now_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            wrapped.push((id, sealed.0));
        }
        let mut keys = std::collections::HashMap::new();
        for (id, sealed) in &wrapped {
            let bytes = key.open(DATA_KEY, &Sealed(sealed.clone()))?;
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Unsealable)?;
            keys.insert(*id, ServerKey::from_bytes(bytes));
        }
        let (newest, _) = wrapped[wrapped.len() - 1];
        let current = (newest, keys[&newest].clone());
        let _ = self.keyring.set(Keyring { current, keys });
        self.encrypt_what_is_in_clear().await
    }

    /// The data keys, once unlocked: what reads or writes personal data
    /// goes through them (`protect`, `reveal`).
    pub fn keys(&self) -> Result<&Keyring, KeyError> {
        self.keyring.get().ok_or(KeyError::Locked)
    }

    /// Values written in clear by versions before encryption, encrypted in
    /// place.
    async fn encrypt_what_is_in_clear(&self) -> anyhow::Result<()> {
        let mut changed = 0;
        let mut tx = self.begin_write().await?;
        for &(table, column) in ENCRYPTED {
            let select = format!(
                "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} NOT LIKE 'enc1:%'"
            );
            let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(select))
                .fetch_all(&mut *tx)
                .await?;
            let update = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
            for (id, plain) in rows {
                let purpose = if column == "passport_number" {
                    PASSPORT
                } else {
                    CONTACT
                };
                let sealed = self.keys()?.protect(purpose, &plain)?;
                sqlx::query(sqlx::AssertSqlSafe(update.clone()))
                    .bind(sealed)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                changed += 1;
            }
        }
        tx.commit().await?;
        if changed > 0 {
            // SQLite overwrites what it frees (secure_delete), so the clear
            // text leaves the file when these pages are checkpointed.
            tracing::info!(
                values = changed,
                "personal data left in clear by an earlier version is now encrypted"
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_purpose() {
        let key = ServerKey::generate().unwrap();
        let sealed = key
            .seal("outbox link", b"https://x/reset?token=abc")
            .unwrap();
        // Neither the text nor its hexadecimal form (random hex may well
        // hold "abc" by chance, so that is not what is looked for).
        assert!(!sealed.0.contains("token") && !sealed.0.contains(&hex::encode("token=abc")));
        assert_eq!(
            key.open("outbox link", &sealed).unwrap(),
            b"https://x/reset?token=abc"
        );
        assert!(key.open("another purpose", &sealed).is_err());
        let other = ServerKey::generate().unwrap();
        assert!(other.open("outbox link", &sealed).is_err());
        let mut tampered = sealed.clone();
        let flipped = if tampered.0.as_bytes()[60] == b'0' {
            "1"
        } else {
            "0"
        };
        tampered.0.replace_range(60..61, flipped);
        assert!(key.open("outbox link", &tampered).is_err());
    }

    #[test]
    fn macs_need_the_key() {
        let (a, b) = (
            ServerKey::generate().unwrap(),
            ServerKey::generate().unwrap(),
        );
        assert_eq!(a.mac("seal", b"x"), a.mac("seal", b"x"));
        assert_ne!(a.mac("seal", b"x"), b.mac("seal", b"x"));
        assert_ne!(a.mac("seal", b"x"), a.mac("other", b"x"));
    }

    #[test]
    fn a_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smena.key");
        let a = ServerKey::load_or_create(&path).unwrap();
        let b = ServerKey::load_or_create(&path).unwrap();
        assert!(a.is(&b));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("bad.key"), "not hex").unwrap();
        assert!(ServerKey::load_or_create(&dir.path().join("bad.key")).is_err());
    }
}

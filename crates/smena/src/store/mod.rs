//! Storage: one interface over SQLite (the embedded default) and PostgreSQL,
//! the one audited write ([`write`]), stored files ([`files`]) and a small
//! cache ([`cache`]).
//!
//! Queries are written once in portable SQL (`$1` placeholders, ids chosen
//! by the application, times in milliseconds) and run through `sqlx::Any`.
//! What differs per backend lives here and only here: how a connection is
//! set up (SQLite: WAL, `synchronous=FULL`, busy timeout, foreign keys) and
//! how a write transaction begins (SQLite: writers of this process queue for
//! one writing connection and share commits, see `group_commit`; readers use
//! read-only connections of their own).

pub mod backup;
pub mod cache;
pub mod chain;
mod codec;
pub mod files;
mod group_commit;
pub mod keys;
pub mod retention;
pub mod write;

pub use keys::{Sealed, ServerKey, same};
pub use write::{
    Actor, Change, Mail, Outcome, SECRET, SECRET_PURPOSE, Unaudited, is_unique_violation,
};

use std::borrow::Cow;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyConnection, AnyPool, Executor as _, Transaction};

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The application's database.
#[derive(Clone)]
pub struct Db {
    /// Reads (read-only connections on SQLite).
    pool: AnyPool,
    backend: Backend,
    /// SQLite: the one writing connection and its queue.
    writer: Option<std::sync::Arc<group_commit::Writer>>,
    /// PostgreSQL: turns for writers, fewer than the pool's connections.
    /// Writers of one programme wait on its lock holding a connection; a
    /// burst of them (results day, when every family answers) would take
    /// every connection and leave pages and jobs to time out waiting for
    /// one. Here they wait for a turn instead, as on SQLite, and reads keep
    /// connections of their own.
    write_turns: std::sync::Arc<tokio::sync::Semaphore>,
    /// The data keys, once `unlock` has opened them with the server's key.
    keyring: std::sync::Arc<std::sync::OnceLock<keys::Keyring>>,
}

/// A write transaction: on SQLite every writer takes its turn in one queue.
/// Changes of data go through [`Db::write`], which wraps one; a bare one is
/// for bookkeeping that changes nobody's data (a login's last request, the
/// outbox's delivery state) and for tests.
pub struct WriteTx(Write);

enum Write {
    Sqlite(group_commit::Turn),
    /// The turn is held until the transaction ends.
    Postgres(Transaction<'static, Any>, tokio::sync::OwnedSemaphorePermit),
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Write::Sqlite(turn) => turn.connection(),
            Write::Postgres(tx, _) => tx,
        }
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Write::Sqlite(turn) => turn.connection_mut(),
            Write::Postgres(tx, _) => tx,
        }
    }
}

impl WriteTx {
    /// Returns once the write is durable.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Write::Sqlite(turn) => turn.commit().await,
            Write::Postgres(tx, _turn) => tx.commit().await,
        }
    }
}

/// Migrations, in order; a migration is never edited once released.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "accounts and programmes",
        include_str!("../../migrations/0001_accounts_and_programmes.sql"),
    ),
    (
        2,
        "children and applications",
        include_str!("../../migrations/0002_children_and_applications.sql"),
    ),
    (
        3,
        "allocation",
        include_str!("../../migrations/0003_allocation.sql"),
    ),
    (
        4,
        "blocks",
        include_str!("../../migrations/0004_blocks.sql"),
    ),
    (
        5,
        "mail delivery",
        include_str!("../../migrations/0005_mail_delivery.sql"),
    ),
    (
        6,
        "travel papers",
        include_str!("../../migrations/0006_travel_papers.sql"),
    ),
    (
        7,
        "explanation words",
        include_str!("../../migrations/0007_explanation_words.sql"),
    ),
    (
        8,
        "one vocabulary",
        include_str!("../../migrations/0008_one_vocabulary.sql"),
    ),
    (9, "trust", include_str!("../../migrations/0009_trust.sql")),
    (
        10,
        "withdrawals and assignments",
        include_str!("../../migrations/0010_withdrawals_and_assignments.sql"),
    ),
    (
        11,
        "lottery chain",
        include_str!("../../migrations/0011_lottery_chain.sql"),
    ),
    (
        12,
        "mail claims",
        include_str!("../../migrations/0012_mail_claims.sql"),
    ),
    (
        13,
        "audit chain",
        include_str!("../../migrations/0013_audit_chain.sql"),
    ),
    (
        14,
        "data keys",
        include_str!("../../migrations/0014_data_keys.sql"),
    ),
    (
        15,
        "retention",
        include_str!("../../migrations/0015_retention.sql"),
    ),
    (
        16,
        "programme time",
        include_str!("../../migrations/0016_programme_time.sql"),
    ),
    (
        17,
        "document reminders and languages followed",
        include_str!("../../migrations/0017_document_reminders.sql"),
    ),
    (
        18,
        "list indexes",
        include_str!("../../migrations/0018_list_indexes.sql"),
    ),
    (
        19,
        "session descriptions",
        include_str!("../../migrations/0019_session_descriptions.sql"),
    ),
    (
        20,
        "guardian phone",
        include_str!("../../migrations/0020_guardian_phone.sql"),
    ),
    (
        21,
        "application messages",
        include_str!("../../migrations/0021_application_messages.sql"),
    ),
    (
        22,
        "travel details",
        include_str!("../../migrations/0022_travel_details.sql"),
    ),
    (
        23,
        "nominations",
        include_str!("../../migrations/0023_nominations.sql"),
    ),
    (
        24,
        "travel groups",
        include_str!("../../migrations/0024_travel_groups.sql"),
    ),
    (25, "legs", include_str!("../../migrations/0025_legs.sql")),
    (26, "needs", include_str!("../../migrations/0026_needs.sql")),
    (
        27,
        "incidents",
        include_str!("../../migrations/0027_incidents.sql"),
    ),
    (28, "home", include_str!("../../migrations/0028_home.sql")),
    (
        29,
        "list_order",
        include_str!("../../migrations/0029_list_order.sql"),
    ),
    (
        30,
        "roll_calls",
        include_str!("../../migrations/0030_roll_calls.sql"),
    ),
    (
        31,
        "review_queue_order",
        include_str!("../../migrations/0031_review_queue_order.sql"),
    ),
    (32, "rooms", include_str!("../../migrations/0032_rooms.sql")),
    (
        33,
        "uncollected",
        include_str!("../../migrations/0033_uncollected.sql"),
    ),
    (
        34,
        "no_session_chaperones",
        include_str!("../../migrations/0034_no_session_chaperones.sql"),
    ),
    (
        35,
        "camp_entry_document",
        include_str!("../../migrations/0035_camp_entry_document.sql"),
    ),
];

/// Normalises `--database`: a `postgres://` URL, a `sqlite:` URL, or a plain
/// file path (created if missing).
pub fn parse_url(database: &str) -> (Backend, String) {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        (Backend::Postgres, database.to_string())
    } else {
        let path = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .unwrap_or(database);
        let path = path.split('?').next().unwrap_or(path);
        (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
    }
}

/// The SQLite file is the service's alone (0600): created so before SQLite
/// opens it (its WAL and shared-memory files take the same mode), and an
/// older file readable by others is closed, with its WAL.
fn private_sqlite_file(url: &str) -> std::io::Result<()> {
    let path = url.trim_start_matches("sqlite://");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                for suffix in ["", "-wal", "-shm"] {
                    let file = format!("{path}{suffix}");
                    if std::path::Path::new(&file).exists() {
                        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// PostgreSQL connections of one service, and how many of them may write at
/// once (the others are left to reads).
const POSTGRES_CONNECTIONS: u32 = 16;
const POSTGRES_WRITERS: usize = 12;

impl Db {
    pub async fn connect(database: &str) -> anyhow::Result<Db> {
        install_default_drivers();
        let (backend, url) = parse_url(database);
        let sqlite_options = || {
            AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA secure_delete = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
        };
        if backend == Backend::Sqlite {
            private_sqlite_file(&url)
                .with_context(|| format!("cannot make {} private", redact(database)))?;
        }
        let opened = match backend {
            Backend::Sqlite => {
                // The writing connection first: it creates the file and
                // switches it to WAL, and stays open so that read-only
                // connections always find the WAL index.
                match sqlite_options()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect(&url)
                    .await
                {
                    // Each SQLite connection is a thread of its own; a few
                    // are enough for concurrent reads.
                    Ok(writer) => sqlite_options()
                        .max_connections(4)
                        .connect(&format!("{}?mode=ro", url.trim_end_matches("?mode=rwc")))
                        .await
                        .map(|pool| (pool, Some(group_commit::Writer::new(writer)))),
                    Err(e) => Err(e),
                }
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(POSTGRES_CONNECTIONS)
                .acquire_timeout(Duration::from_secs(30))
                .connect(&url)
                .await
                .map(|pool| (pool, None)),
        };
        let (pool, writer) =
            opened.with_context(|| format!("cannot open the database {}", redact(database)))?;
        Ok(Db {
            pool,
            backend,
            writer,
            write_turns: std::sync::Arc::new(tokio::sync::Semaphore::new(POSTGRES_WRITERS)),
            keyring: Default::default(),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Rewrites the database so that deleted rows leave its files, not
    /// only its indexes: SQLite (secure_delete already zeroes freed pages)
    /// is vacuumed on the writing connection and its WAL emptied;
    /// PostgreSQL rewrites `tables` (VACUUM FULL holds each one's lock
    /// for a moment).
    pub async fn compact(&self, tables: &[&str]) -> Result<(), sqlx::Error> {
        match &self.writer {
            Some(writer) => {
                for statement in [
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                    "VACUUM",
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                ] {
                    sqlx::query(statement).execute(writer.pool()).await?;
                }
            }
            None => {
                // VACUUM FULL keeps rows that a transaction begun before
                // the deletion could still see: wait (a minute at most)
                // until every such transaction, in any database of the
                // server, has ended.
                let (now,): (i64,) =
                    sqlx::query_as("SELECT CAST(txid_current() % 4294967296 AS BIGINT)")
                        .fetch_one(&self.pool)
                        .await?;
                for waited in 0.. {
                    let (older,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() \
                         AND (age(backend_xmin) >= age(CAST(CAST($1 AS TEXT) AS xid)) \
                              OR age(backend_xid) >= age(CAST(CAST($1 AS TEXT) AS xid)))",
                    )
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                    if older == 0 {
                        break;
                    }
                    if waited == 600 {
                        tracing::warn!(
                            transactions = older,
                            "transactions older than the purge still run: deleted rows they can see stay until the next compaction"
                        );
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                for table in tables {
                    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM FULL {table}")))
                        .execute(&self.pool)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Applies the migrations not yet applied (each in its transaction).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrations: Vec<Migration> = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sqlx::SqlSafeStr::into_sql_str(sql),
                    false,
                )
            })
            .collect();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        };
        migrator
            .run(self.writer.as_ref().map_or(&self.pool, |w| w.pool()))
            .await
            .context("cannot apply the database migrations")?;
        chain::chain_earlier_entries(self)
            .await
            .context("cannot chain the audit log's earlier entries")?;
        chain::protect(self)
            .await
            .context("cannot protect the audit log")?;
        retention::fill_missing(self)
            .await
            .context("cannot set the retention dates of earlier programmes")?;
        self.optimize()
            .await
            .context("cannot update the query planner's statistics")?;
        Ok(())
    }

    /// Keeps the query planner's statistics current. SQLite keeps none
    /// unless asked, and without them it sorts the whole applications list
    /// for each of its pages instead of walking the name indexes.
    /// PostgreSQL's autovacuum analyses a table some time after it changed
    /// much; until then (a bulk import, a restored backup) its estimates
    /// are off by half and a deep page sorts twice the rows. Run after
    /// migrating and daily. Both analyse from samples: seconds at most.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        match &self.writer {
            Some(writer) => {
                sqlx::query("PRAGMA optimize=0x10002")
                    .execute(writer.pool())
                    .await?;
            }
            None => {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            }
        }
        Ok(())
    }

    /// A transaction that will write. On SQLite it waits for this
    /// process's writer turn (in order, no "database is locked") and holds
    /// the write lock from the start, so a read-then-write sequence cannot
    /// fail halfway.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(WriteTx(match &self.writer {
            Some(writer) => Write::Sqlite(writer.begin().await?),
            None => {
                // The semaphore is never closed.
                let turn = self
                    .write_turns
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                Write::Postgres(self.pool.begin().await?, turn)
            }
        }))
    }

    /// Closes every connection (SQLite checkpoints its WAL on the last).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(writer) = &self.writer {
            writer.pool().close().await;
        }
    }

    /// Does the database answer?
    pub async fn healthy(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(database: &str) -> String {
    match (database.find("://"), database.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &database[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &database[..scheme + 3], &database[at..])
        }
        _ => database.to_string(),
    }
}

/// A new random id: positive, 63 bits, not guessable.
pub fn new_id() -> i64 {
    let mut bytes = [0u8; 8];
    // The operating system's random source does not fail on supported
    // platforms; a zero id would be refused by the primary key anyway.
    let _ = getrandom::fill(&mut bytes);
    (u64::from_le_bytes(bytes) >> 1) as i64
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A day in milliseconds.
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// Today's date (UTC).
pub fn today() -> crate::domain::values::Day {
    // The programme's calendar: in Yakutsk a new day starts at 15:00 UTC.
    crate::language::zone::day_of(now_ms())
        .unwrap_or_else(|| crate::domain::values::Day(time::OffsetDateTime::now_utc().date()))
}

/// 32 random bytes as hex: session and one-time tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `migrations/` is applied, in its number's order: a
    /// file written and not listed would be silently missing.
    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("the migrations folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (i, (file, (number, _, sql))) in files.iter().zip(MIGRATIONS).enumerate() {
            assert_eq!(*number, i as i64 + 1, "{file}");
            assert!(
                file.starts_with(&format!("{number:04}_")),
                "{file} is not number {number}"
            );
            let on_disk = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(file),
            )
            .expect("readable");
            assert_eq!(&on_disk, sql, "{file} is not the one listed as {number}");
        }
    }

    #[test]
    fn database_urls_are_recognised() {
        assert_eq!(
            parse_url("smena-demo.db"),
            (Backend::Sqlite, "sqlite://smena-demo.db?mode=rwc".into())
        );
        assert_eq!(
            parse_url("sqlite:///tmp/x.db"),
            (Backend::Sqlite, "sqlite:///tmp/x.db?mode=rwc".into())
        );
        assert_eq!(parse_url("postgres://u@h/db").0, Backend::Postgres);
        assert_eq!(
            redact("postgres://smena:secret@db:5432/x"),
            "postgres://smena:***@db:5432/x"
        );
        assert_eq!(redact("smena.db"), "smena.db");
    }
}

//! The audit log as a hash chain. Every entry has a sequence number and
//! the SHA-256 of the previous entry's hash and its own contents, so that
//! changing, removing or inserting an entry anywhere breaks every hash
//! after it; `audit_chain` holds the head (the last sequence number and
//! hash), which the coordinator sees and may publish, so that even a log
//! rewritten whole from some entry on no longer ends at the published
//! head. Triggers refuse UPDATE and DELETE on the table (on PostgreSQL and
//! SQLite alike); the chain catches whoever removes them first.

use sqlx::AnyConnection;

use super::{Backend, Db};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry's contents as hashed, in this order.
#[derive(sqlx::FromRow, Debug)]
pub struct Link {
    pub seq: Option<i64>,
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<i64>,
    pub outcome: String,
    pub detail: String,
    /// The salted digest of the entry's personal words (kept apart in
    /// `audit_personal`, see [`personal_digest`]); hashed when present.
    pub personal_digest: Option<String>,
    pub hash: Option<String>,
    /// The personal words and their salt, while the purge has not
    /// deleted them (read for checking, never hashed themselves).
    #[sqlx(default)]
    pub salt: Option<String>,
    #[sqlx(default)]
    pub words: Option<String>,
}

/// The columns a [`Link`] is read from (`l` the log, `p` the personal
/// words joined to it).
const LINK_COLUMNS: &str = "l.seq, l.id, l.at, l.actor_id, l.actor_role, l.action, l.resource, l.resource_id, \
     l.outcome, l.detail, l.personal_digest, l.hash, p.salt, p.words \
     FROM audit_log l LEFT JOIN audit_personal p ON p.entry_id = l.id";

/// The digest of an entry's personal words under their salt: SHA-256
/// (hex) of the salt, a newline and the words. The salt is random and
/// deleted with the words, so the digest cannot be tested against a guess.
pub fn personal_digest(salt: &str, words: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b"\n");
    h.update(words.as_bytes());
    hex::encode(h.finalize())
}

/// SHA-256 (hex) of the previous hash, a newline and the entry's fields
/// as a JSON array: unambiguous, and easy to recompute in any language.
pub fn hash(prev: &str, seq: i64, l: &Link) -> String {
    use sha2::{Digest, Sha256};
    let mut fields = serde_json::json!([
        seq,
        l.id,
        l.at,
        l.actor_id,
        l.actor_role,
        l.action,
        l.resource,
        l.resource_id,
        l.outcome,
        l.detail
    ]);
    // Entries without personal words hash as they did before there were any.
    if let (Some(digest), Some(array)) = (&l.personal_digest, fields.as_array_mut()) {
        array.push(serde_json::Value::from(digest.as_str()));
    }
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// The head of the chain: how many entries, and the last one's hash.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    pub seq: i64,
    pub head: String,
}

/// Locks the head for this transaction (another writer waits until it
/// commits: the chain has one order) and returns it.
pub(super) async fn lock_head(conn: &mut AnyConnection) -> Result<Head, sqlx::Error> {
    sqlx::query_as("UPDATE audit_chain SET seq = seq WHERE id = 1 RETURNING seq, head")
        .fetch_one(conn)
        .await
}

pub(super) async fn set_head(conn: &mut AnyConnection, head: &Head) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE audit_chain SET seq = $1, head = $2 WHERE id = 1")
        .bind(head.seq)
        .bind(&head.head)
        .execute(conn)
        .await?;
    Ok(())
}

/// The head as stored.
pub async fn head(db: &Db) -> Result<Head, sqlx::Error> {
    sqlx::query_as("SELECT seq, head FROM audit_chain WHERE id = 1")
        .fetch_one(db.pool())
        .await
}

/// Once, right after the migration that made the chain: entries written
/// by earlier versions are chained in the order they were written. The
/// head's sequence number is -1 until then.
pub(super) async fn chain_earlier_entries(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut head = lock_head(&mut tx).await?;
    if head.seq >= 0 {
        return Ok(()); // dropped: nothing to do
    }
    let earlier: Vec<Link> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {LINK_COLUMNS} WHERE l.seq IS NULL ORDER BY l.at, l.id"
    )))
    .fetch_all(&mut *tx)
    .await?;
    head.seq = 0;
    for link in &earlier {
        head.seq += 1;
        head.head = hash(&head.head, head.seq, link);
        sqlx::query("UPDATE audit_log SET seq = $1, hash = $2 WHERE id = $3")
            .bind(head.seq)
            .bind(&head.head)
            .bind(link.id)
            .execute(&mut *tx)
            .await?;
    }
    set_head(&mut tx, &head).await?;
    tx.commit().await
}

/// Triggers that refuse to change or remove an entry (created if
/// missing, at every start).
pub(super) async fn protect(db: &Db) -> Result<(), sqlx::Error> {
    let statements: &[&'static str] = match db.backend() {
        Backend::Sqlite => &[
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        ],
        Backend::Postgres => &[
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
            "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log \
             FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
        ],
    };
    let mut tx = db.begin_write().await?;
    for &statement in statements {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Where the chain breaks first.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    /// The entry's sequence number, when it has one.
    pub seq: Option<i64>,
    /// The entry's id, when there is an entry.
    pub id: Option<i64>,
    pub reason: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.seq, self.id) {
            (Some(seq), Some(id)) => write!(f, "audit entry {seq} (id {id}): {}", self.reason),
            (None, Some(id)) => write!(f, "audit entry with id {id}: {}", self.reason),
            (Some(seq), None) => write!(f, "audit entry {seq}: {}", self.reason),
            (None, None) => write!(f, "the audit log: {}", self.reason),
        }
    }
}

/// Checks the whole chain, page by page: every entry in it, numbered
/// from 1 without a gap, each hash recomputed from the one before, ending
/// at the stored head. The head when intact, else the first break.
pub async fn verify(db: &Db) -> Result<Result<Head, Broken>, sqlx::Error> {
    let outside: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
    if let Some((id,)) = outside {
        return Ok(Err(Broken {
            seq: None,
            id: Some(id),
            reason: "it is not in the chain (added behind the service's back)",
        }));
    }
    let stored = head(db).await?;
    let mut prev = GENESIS.to_string();
    let mut expected = 1i64;
    const PAGE: i64 = 10_000;
    loop {
        let page: Vec<Link> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} WHERE l.seq >= $1 ORDER BY l.seq LIMIT $2"
        )))
        .bind(expected)
        .bind(PAGE)
        .fetch_all(db.pool())
        .await?;
        let n = page.len() as i64;
        for link in page {
            let seq = link.seq.unwrap_or_default();
            if seq != expected {
                return Ok(Err(Broken {
                    seq: Some(expected),
                    id: None,
                    reason: "it is missing (removed)",
                }));
            }
            let recomputed = hash(&prev, seq, &link);
            if link.hash.as_deref() != Some(recomputed.as_str()) {
                return Ok(Err(Broken {
                    seq: Some(seq),
                    id: Some(link.id),
                    reason: "its contents do not match its hash (changed)",
                }));
            }
            // Personal words may be gone (purged), never different.
            if let (Some(digest), Some(salt), Some(words)) =
                (&link.personal_digest, &link.salt, &link.words)
                && personal_digest(salt, words) != *digest
            {
                return Ok(Err(Broken {
                    seq: Some(seq),
                    id: Some(link.id),
                    reason: "its personal words do not match their digest (changed)",
                }));
            }
            prev = recomputed;
            expected += 1;
        }
        if n < PAGE {
            break;
        }
    }
    let found = Head {
        seq: expected - 1,
        head: prev,
    };
    if found != stored {
        return Ok(Err(Broken {
            seq: Some(found.seq.min(stored.seq) + 1),
            id: None,
            reason: "the log does not end at the chain's head (entries removed from its end, or the head changed)",
        }));
    }
    Ok(Ok(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(detail: &str) -> Link {
        Link {
            seq: None,
            id: 7,
            at: 1,
            actor_id: Some(3),
            actor_role: "parent".into(),
            action: "create".into(),
            resource: "application".into(),
            resource_id: Some(9),
            outcome: "ok".into(),
            detail: detail.into(),
            personal_digest: None,
            hash: None,
            salt: None,
            words: None,
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_count() {
        let a = hash(GENESIS, 1, &link("x"));
        assert_eq!(a.len(), 64);
        assert_eq!(a, hash(GENESIS, 1, &link("x")));
        assert_ne!(a, hash(GENESIS, 1, &link("y")));
        assert_ne!(a, hash(GENESIS, 2, &link("x")));
        assert_ne!(a, hash(&a, 1, &link("x")));
        let mut other = link("x");
        other.actor_id = None;
        assert_ne!(a, hash(GENESIS, 1, &other));
        let mut personal = link("x");
        personal.personal_digest = Some(personal_digest("s", "Иванов"));
        assert_ne!(a, hash(GENESIS, 1, &personal));
        // The words themselves are not hashed: deleting them keeps the chain.
        personal.words = Some("Иванов".into());
        let with_words = hash(GENESIS, 1, &personal);
        personal.words = None;
        assert_eq!(with_words, hash(GENESIS, 1, &personal));
        assert_ne!(
            personal_digest("s", "Иванов"),
            personal_digest("t", "Иванов")
        );
    }
}

//! The one audited write. Every change of the data goes through
//! [`Db::write`]: it opens the write transaction, runs the change, records
//! the change's audit entries and the messages it sends (the outbox) in that
//! same transaction, and commits. A change that fails leaves nothing: not
//! its rows, not its entry, not its mail. A change that records no entry
//! is refused: nothing is changed without a trace.
//!
//! Who may make the change is the policy's question (`web::policy`), asked
//! before; here the actor is only written down. State changes inside a
//! change are compare-and-set (`UPDATE … WHERE id = $1 AND status = $2`,
//! see [`Change::transition`]): of two concurrent requests, one wins and the
//! other finds the state already changed.

use sqlx::AnyConnection;
use sqlx::any::AnyQueryResult;

use super::keys::Sealed;
use super::{Db, WriteTx, new_id, now_ms};
use crate::domain::access::{Action, Resource, Role};

/// Who makes a change, as the audit log records it (by id, never by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in account.
    Account { id: i64, role: Role },
    /// Someone not logged in (registering, logging in, resetting a password).
    Anonymous,
    /// An operator at the command line.
    CommandLine,
    /// The service's own background jobs (expiring offers, reminders).
    Service,
}

impl Actor {
    pub fn account(self) -> Option<i64> {
        match self {
            Actor::Account { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The role column of the audit log.
    pub fn role_name(self) -> &'static str {
        match self {
            Actor::Account { role, .. } => role.code(),
            Actor::Anonymous => "anonymous",
            Actor::CommandLine => "command_line",
            Actor::Service => "service",
        }
    }
}

/// How an attempt ended, as the audit log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused by the policy or out of the actor's scope.
    Denied,
    /// Tried and failed (a wrong password).
    Failed,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One audit entry: the actor did `action` to `resource` `id`.
#[derive(Clone, Debug)]
struct Entry {
    action: Action,
    resource: Resource,
    id: Option<i64>,
    outcome: Outcome,
    detail: String,
    /// Words about a person (names before and after a change): kept
    /// apart so that the purge can delete them (see store/chain.rs).
    personal: Option<String>,
}

/// An e-mail a change sends: it goes into the outbox with the change, so
/// it is sent if and only if the change is kept.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    /// What kind of message (`password_reset`, `result_published`…).
    pub kind: &'static str,
    pub subject: String,
    /// The text; a secret (a one-time link) stands in it as [`SECRET`].
    pub body: String,
    /// The secret, sealed with the server's key: it is put in the body only
    /// when the message is sent, and wiped once it is delivered, so that
    /// nobody reading the outbox (or a copy of the database) can use it.
    pub secret: Option<Sealed>,
}

/// Where a message's sealed secret goes in its body.
pub const SECRET: &str = "⟦secret⟧";

/// What a sealed secret of the outbox is for (the seal's associated data).
pub const SECRET_PURPOSE: &str = "outbox secret";

/// A change under way: the write transaction (the connection it derefs
/// to), and the entries and mail to record with it.
pub struct Change {
    tx: WriteTx,
    actor: Actor,
    /// The action and resource of the permission, the default entry's.
    on: (Action, Resource),
    entries: Vec<Entry>,
    mail: Vec<Mail>,
    unchanged: bool,
    backend: super::Backend,
    /// The database's data keys: personal data is written encrypted.
    keyring: std::sync::Arc<std::sync::OnceLock<super::keys::Keyring>>,
}

impl std::ops::Deref for Change {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Change {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// A change that recorded no audit entry and did not say it changed
/// nothing: a bug, refused rather than committed without a trace.
#[derive(Debug, thiserror::Error)]
#[error("a change must record its audit entry")]
pub struct Unaudited;

impl Change {
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// Records the change as the permission's action on its resource.
    pub fn audit(&mut self, id: Option<i64>, detail: impl Into<String>) {
        let (action, resource) = self.on;
        self.audit_as(action, resource, id, detail);
    }

    /// Records the change as another action or resource than the
    /// permission's (printing a voucher one may read, say).
    pub fn audit_as(
        &mut self,
        action: Action,
        resource: Resource,
        id: Option<i64>,
        detail: impl Into<String>,
    ) {
        self.record(action, resource, id, Outcome::Ok, detail);
    }

    /// Records an attempt that did not succeed.
    pub fn record(
        &mut self,
        action: Action,
        resource: Resource,
        id: Option<i64>,
        outcome: Outcome,
        detail: impl Into<String>,
    ) {
        self.entries.push(Entry {
            action,
            resource,
            id,
            outcome,
            detail: detail.into(),
            personal: None,
        });
    }

    /// Adds words about a person (names before and after a change) to
    /// the entry recorded last: they are shown with it until the purge
    /// deletes them; its detail stays.
    pub fn personal_words(&mut self, words: impl Into<String>) {
        if let Some(e) = self.entries.last_mut() {
            e.personal = Some(words.into());
        }
    }

    /// `plain` encrypted for `column`, as personal data is stored (see
    /// `keys::Keyring::protect`).
    pub fn protect(
        &self,
        column: &str,
        plain: Option<&str>,
    ) -> Result<Option<String>, super::keys::KeyError> {
        self.keys()?.protect_opt(column, plain)
    }

    /// The data keys (personal data is stored encrypted).
    pub fn keys(&self) -> Result<&super::keys::Keyring, super::keys::KeyError> {
        self.keyring.get().ok_or(super::keys::KeyError::Locked)
    }

    /// Sends an e-mail with the change.
    pub fn send(&mut self, mail: Mail) {
        self.mail.push(mail);
    }

    /// The change found nothing to do (a repeated click) or refused (the
    /// record is no longer in a state that allows it): whatever it did is
    /// undone, and nothing is recorded.
    pub fn unchanged(&mut self) {
        self.unchanged = true;
    }

    /// A compare-and-set: whether the statement changed exactly the one row
    /// it names. `false` means the row was not in the state the statement
    /// expects (another request changed it first, or it does not exist).
    pub async fn transition<'q>(
        &mut self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<bool, sqlx::Error> {
        let done: AnyQueryResult = query.execute(&mut *self.tx).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Serialises the changes of one programme's allocation state (answers
    /// to offers, backfills, publication). SQLite needs nothing more: its
    /// write transactions already run one at a time.
    pub async fn lock_programme(&mut self, programme: i64) -> Result<(), sqlx::Error> {
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT id FROM programmes WHERE id = $1 FOR UPDATE")
                .bind(programme)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Writes the entries and the mail, then commits.
    async fn finish(mut self) -> Result<(), FinishError> {
        if self.unchanged {
            return Ok(()); // dropped: rolled back
        }
        if self.entries.is_empty() {
            return Err(FinishError::Unaudited(Unaudited));
        }
        let now = now_ms();
        let entries = std::mem::take(&mut self.entries);
        // The chain's head is held from here to the commit: entries take
        // their places in the order changes commit.
        let mut head = super::chain::lock_head(&mut self.tx).await?;
        for e in &entries {
            insert_entry(&mut self.tx, self.actor, e, now, &mut head).await?;
        }
        super::chain::set_head(&mut self.tx, &head).await?;
        for m in std::mem::take(&mut self.mail) {
            insert_mail(&mut self.tx, &m, now).await?;
        }
        self.tx.commit().await?;
        // The log says who did what, like the table: by id, never by name.
        // A bulk change (the demo, an import) is summed up after a few.
        const LOGGED: usize = 20;
        for e in entries.iter().take(LOGGED) {
            tracing::info!(
                target: "smena::audit",
                account = self.actor.account(),
                role = self.actor.role_name(),
                action = e.action.code(),
                resource = e.resource.code(),
                id = e.id,
                outcome = e.outcome.code(),
                detail = e.detail.as_str(),
            );
        }
        if entries.len() > LOGGED {
            tracing::info!(
                target: "smena::audit",
                account = self.actor.account(),
                role = self.actor.role_name(),
                more = entries.len() - LOGGED,
                "and more entries of the same change",
            );
        }
        Ok(())
    }
}

enum FinishError {
    Unaudited(Unaudited),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for FinishError {
    fn from(e: sqlx::Error) -> Self {
        FinishError::Db(e)
    }
}

async fn insert_entry(
    conn: &mut AnyConnection,
    actor: Actor,
    e: &Entry,
    now: i64,
    head: &mut super::chain::Head,
) -> Result<(), sqlx::Error> {
    let personal = match &e.personal {
        Some(words) => {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
            Some((hex::encode(salt), words.as_str()))
        }
        None => None,
    };
    let link = super::chain::Link {
        seq: None,
        id: new_id(),
        at: now,
        actor_id: actor.account(),
        actor_role: actor.role_name().to_string(),
        action: e.action.code().to_string(),
        resource: e.resource.code().to_string(),
        resource_id: e.id,
        outcome: e.outcome.code().to_string(),
        detail: e.detail.clone(),
        personal_digest: personal
            .as_ref()
            .map(|(salt, words)| super::chain::personal_digest(salt, words)),
        hash: None,
        salt: None,
        words: None,
    };
    head.seq += 1;
    head.head = super::chain::hash(&head.head, head.seq, &link);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_role, action, resource, resource_id, outcome, detail, seq, hash, \
                                personal_digest) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(link.id)
    .bind(link.at)
    .bind(link.actor_id)
    .bind(&link.actor_role)
    .bind(&link.action)
    .bind(&link.resource)
    .bind(link.resource_id)
    .bind(&link.outcome)
    .bind(&link.detail)
    .bind(head.seq)
    .bind(&head.head)
    .bind(&link.personal_digest)
    .execute(&mut *conn)
    .await?;
    if let Some((salt, words)) = personal {
        sqlx::query("INSERT INTO audit_personal (entry_id, salt, words) VALUES ($1, $2, $3)")
            .bind(link.id)
            .bind(salt)
            .bind(words)
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn insert_mail(conn: &mut AnyConnection, m: &Mail, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (id, recipient, kind, subject, body, secret, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(&m.to)
    .bind(m.kind)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.secret.as_ref().map(|s| s.0.as_str()))
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

impl Db {
    /// Makes one change: `actor`, permitted to do `on` (an action on a
    /// resource), runs `change` in a write transaction; its audit entries
    /// and mail are written in that transaction, then it commits. An error
    /// from `change` undoes everything.
    pub async fn write<T, E>(
        &self,
        actor: Actor,
        on: (Action, Resource),
        change: impl AsyncFnOnce(&mut Change) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<sqlx::Error> + From<Unaudited>,
    {
        let tx = self.begin_write().await?;
        let mut c = Change {
            tx,
            actor,
            on,
            entries: Vec::new(),
            mail: Vec::new(),
            unchanged: false,
            backend: self.backend,
            keyring: self.keyring.clone(),
        };
        let out = change(&mut c).await?;
        match c.finish().await {
            Ok(()) => Ok(out),
            Err(FinishError::Unaudited(u)) => Err(u.into()),
            Err(FinishError::Db(e)) => Err(e.into()),
        }
    }
}

/// Whether a database error is a unique constraint refusing a second row
/// (the loser of a race for something only one may have).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

//! The outbox table as the coordinator reads it. Messages are put in by
//! the one audited write (`store::write`), with the change they announce.

use crate::store::Db;

/// A message as stored.
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// A message and how its delivery stands.
pub struct Message {
    pub message: Stored,
    /// "sent", "failed", "waiting" or "retrying".
    pub state: &'static str,
}

impl Message {
    /// The body as the outbox shows it: a one-time link is never shown
    /// (it is sealed, and goes only to the recipient).
    pub fn shown_body(&self, lang: &crate::language::Language) -> String {
        self.message
            .body
            .replace(crate::store::SECRET, &lang.text("outbox-secret-hidden"))
    }
}

impl From<Stored> for Message {
    fn from(m: Stored) -> Message {
        let state = if m.sent_at.is_some() {
            "sent"
        } else if m.failed_at.is_some() {
            "failed"
        } else if m.attempts > 0 {
            "retrying"
        } else {
            "waiting"
        };
        Message { message: m, state }
    }
}

/// The newest messages to `recipient` first.
pub async fn to(db: &Db, recipient: &str, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT recipient, kind, subject, body, created_at, sent_at, failed_at, attempts, last_error \
         FROM outbox WHERE recipient = $1 ORDER BY created_at DESC, id LIMIT $2",
    )
    .bind(recipient)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Message::from).collect())
}

/// The states a message is listed by: (code, SQL condition).
pub const STATES: &[(&str, &str)] = &[
    (
        "waiting",
        "sent_at IS NULL AND failed_at IS NULL AND attempts = 0",
    ),
    (
        "retrying",
        "sent_at IS NULL AND failed_at IS NULL AND attempts > 0",
    ),
    ("sent", "sent_at IS NOT NULL"),
    ("failed", "sent_at IS NULL AND failed_at IS NOT NULL"),
];

/// One page of the outbox for the coordinator: in `state` (a code of
/// [`STATES`], '' for any), to a recipient like `like` (None for any),
/// newest or oldest first; with how many there are in all.
pub async fn page(
    db: &Db,
    state: &str,
    like: Option<&str>,
    oldest_first: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Message>, i64), sqlx::Error> {
    let mut filter = String::from("FROM outbox WHERE 1 = 1");
    if let Some((_, condition)) = STATES.iter().find(|(code, _)| *code == state) {
        filter.push_str(" AND ");
        filter.push_str(condition);
    }
    if like.is_some() {
        filter.push_str(" AND recipient LIKE $1");
    }
    let order = if oldest_first {
        "created_at, id"
    } else {
        "created_at DESC, id DESC"
    };
    let pattern = like.unwrap_or("%");
    // Without a search $1 is not in the SQL; bind it anyway (harmless)
    // only where it is.
    let count_sql = format!("SELECT COUNT(*) {filter}");
    let rows_sql = format!(
        "SELECT recipient, kind, subject, body, created_at, sent_at, failed_at, attempts, last_error \
         {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let (total,): (i64,) = if like.is_some() {
        sqlx::query_as(sqlx::AssertSqlSafe(count_sql))
            .bind(pattern)
            .fetch_one(db.pool())
            .await?
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(count_sql))
            .fetch_one(db.pool())
            .await?
    };
    let rows: Vec<Stored> = if like.is_some() {
        sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(pattern)
            .fetch_all(db.pool())
            .await?
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .fetch_all(db.pool())
            .await?
    };
    Ok((rows.into_iter().map(Message::from).collect(), total))
}

/// The newest messages first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT recipient, kind, subject, body, created_at, sent_at, failed_at, attempts, last_error \
         FROM outbox ORDER BY created_at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(Message::from).collect())
}

//! The outbox table.

use sqlx::Row as _;

use crate::store::{Db, new_id, now_ms};

/// A message as stored.
pub struct Message {
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    /// "sent", "failed", "waiting" or "retrying".
    pub state: &'static str,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Adds a message inside the caller's transaction.
pub async fn enqueue(
    tx: &mut crate::store::WriteTx,
    recipient: &str,
    kind: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO outbox (id, recipient, kind, subject, body, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(recipient)
    .bind(kind)
    .bind(subject)
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The newest messages first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT recipient, kind, subject, body, created_at, sent_at, failed_at, attempts, last_error FROM outbox ORDER BY created_at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Message {
                recipient: r.try_get("recipient")?,
                kind: r.try_get("kind")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
                state: if r.try_get::<Option<i64>, _>("sent_at")?.is_some() {
                    "sent"
                } else if r.try_get::<Option<i64>, _>("failed_at")?.is_some() {
                    "failed"
                } else if r.try_get::<i32, _>("attempts")? > 0 {
                    "retrying"
                } else {
                    "waiting"
                },
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

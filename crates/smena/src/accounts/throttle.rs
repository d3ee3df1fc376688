//! Login throttling: a few failures per account, more per address, in a
//! sliding window; then a wait.

use crate::store::{Change, Db, new_id, now_ms};
use crate::web::error::AppError;

const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures allowed per account within the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failures allowed per client address within the window.
pub const PER_ADDRESS: i64 = 20;

/// Refuses with "too many requests" when `subject` reached `limit`.
pub async fn check(db: &Db, subject: &str, limit: i64) -> Result<(), AppError> {
    let since = now_ms() - WINDOW_MS;
    let row: (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_failures WHERE subject = $1 AND at > $2",
    )
    .bind(subject)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    if row.0 >= limit {
        let oldest = row.1.unwrap_or(since);
        let wait_ms = (oldest + WINDOW_MS - now_ms()).max(1000);
        return Err(AppError::TooManyRequests((wait_ms / 1000) as u64));
    }
    Ok(())
}

/// Counts a failure against each subject, in the caller's change; failures
/// older than the window are forgotten.
pub async fn record_failure(c: &mut Change, subjects: &[String]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for s in subjects {
        sqlx::query("INSERT INTO login_failures (id, subject, at) VALUES ($1, $2, $3)")
            .bind(new_id())
            .bind(s)
            .bind(now)
            .execute(&mut **c)
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(now - WINDOW_MS)
        .execute(&mut **c)
        .await?;
    Ok(())
}

/// Forgets an account's failures after a successful login.
pub async fn clear(c: &mut Change, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE subject = $1")
        .bind(subject)
        .execute(&mut **c)
        .await?;
    Ok(())
}

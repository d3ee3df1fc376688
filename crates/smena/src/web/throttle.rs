//! Throttling: attempts are counted per subject (an account at an address,
//! an address, an e-mail address) in a window, and counted *before* the
//! attempt is checked, in one statement that both counts and answers: of
//! forty parallel guesses only as many as the limit are tried. An attempt
//! that succeeds is taken back, so that only failures use up the limit.
//! This is bookkeeping of requests, not a change of anyone's data: it is
//! not audited (logins and their failures are, by the accounts feature).

use std::time::Duration;

use crate::store::{Db, now_ms};
use crate::web::error::AppError;

/// A limit: at most `attempts` in `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub attempts: i32,
    pub window: Duration,
}

impl Limit {
    pub const fn per_minutes(attempts: i32, minutes: u64) -> Limit {
        Limit {
            attempts,
            window: Duration::from_secs(minutes * 60),
        }
    }
}

/// Counts an attempt against `subject`: refused with "too many requests"
/// (and how long to wait) when the limit was reached in the window.
pub async fn attempt(db: &Db, subject: &str, limit: Limit) -> Result<(), AppError> {
    let (attempts, window_start) = count(db, subject, limit.window).await?;
    if attempts > limit.attempts {
        let window_ms = limit.window.as_millis() as i64;
        let wait_ms = (window_start + window_ms - now_ms()).max(1000);
        return Err(AppError::TooManyRequests((wait_ms as u64).div_ceil(1000)));
    }
    Ok(())
}

/// How many attempts `subject` has made in the window, this one counted.
pub async fn count(db: &Db, subject: &str, window: Duration) -> Result<(i32, i64), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let counted: (i32, i64) = sqlx::query_as(
        "INSERT INTO throttles (subject, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (subject) DO UPDATE SET \
           attempts = CASE WHEN throttles.window_start <= $3 THEN 1 ELSE throttles.attempts + 1 END, \
           window_start = CASE WHEN throttles.window_start <= $3 THEN $2 ELSE throttles.window_start END \
         RETURNING attempts, window_start",
    )
    .bind(subject)
    .bind(now)
    .bind(now - window.as_millis() as i64)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(counted)
}

/// Takes an attempt back (it succeeded).
pub async fn succeeded(db: &Db, subject: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE throttles SET attempts = attempts - 1 WHERE subject = $1 AND attempts > 0")
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets a subject's attempts.
pub async fn clear(db: &Db, subject: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM throttles WHERE subject = $1")
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// How long to make an attempt wait when its subject has made `attempts`
/// beyond `free`: doubling from a quarter of a second, at most four
/// seconds. Guessing one account's password from many addresses is slowed;
/// its owner is never locked out.
pub fn delay(attempts: i32, free: i32) -> Duration {
    let over = attempts - free;
    if over <= 0 {
        return Duration::ZERO;
    }
    let ms = 250u64.saturating_mul(1 << (over - 1).min(5));
    Duration::from_millis(ms.min(4000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_and_is_capped() {
        assert_eq!(delay(3, 10), Duration::ZERO);
        assert_eq!(delay(11, 10), Duration::from_millis(250));
        assert_eq!(delay(12, 10), Duration::from_millis(500));
        assert_eq!(delay(100, 10), Duration::from_millis(4000));
    }
}

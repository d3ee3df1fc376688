//! Retention dates: until when a programme keeps its personal data. The
//! day arithmetic lives here (the kernel) because the start-up fill-in of
//! programmes made by earlier versions needs it before any feature runs.

use time::{Date, Duration, Month, OffsetDateTime};

use super::Db;
use crate::domain::values::Day;

/// The day `ms` (milliseconds since the epoch) falls on, in UTC.
pub fn today(ms: i64) -> Day {
    Day(OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| t.date())
        .unwrap_or(Date::MIN))
}

/// What the new-programme form suggests: the end of next year (a summer
/// programme, its appeals and its report are over by then).
pub fn suggested(now_ms: i64) -> Day {
    let year = today(now_ms).0.year() + 1;
    Day(Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX))
}

/// The longest a programme may keep children's data.
pub const MAX_YEARS: i32 = 10;

/// A retention date a coordinator may set: after today, and within
/// [`MAX_YEARS`]. The refusal is the key of its message (`$date` given).
pub fn check(day: Day, now_ms: i64) -> Result<Day, &'static str> {
    let today = today(now_ms).0;
    if day.0 <= today {
        return Err("retention-past");
    }
    if day.0 > today + Duration::days(366 * i64::from(MAX_YEARS)) {
        return Err("retention-too-far");
    }
    Ok(day)
}

/// Programmes made before retention dates existed keep their data until
/// a year after their last session ends (two years after they were made
/// when they have no session).
pub(super) async fn fill_missing(db: &Db) -> Result<u64, sqlx::Error> {
    let missing: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT p.id, p.created_at, (SELECT MAX(s.ends) FROM sessions s WHERE s.programme_id = p.id) \
         FROM programmes p WHERE p.retain_until = ''",
    )
    .fetch_all(db.pool())
    .await?;
    let mut filled = 0;
    for (id, created_at, last_end) in missing {
        let from = last_end
            .and_then(|d| Day::parse(&d).ok())
            .map(|d| d.0 + Duration::days(365))
            .unwrap_or(today(created_at).0 + Duration::days(730));
        filled += sqlx::query(
            "UPDATE programmes SET retain_until = $1 WHERE id = $2 AND retain_until = ''",
        )
        .bind(Day(from).to_string())
        .bind(id)
        .execute(db.pool())
        .await?
        .rows_affected();
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;

    #[test]
    fn a_retention_date_is_in_the_future_and_not_too_far() {
        let now = 1_796_000_000_000; // 2026-11-30 (UTC)
        assert_eq!(today(now).to_string(), "2026-11-30");
        assert_eq!(suggested(now).to_string(), "2027-12-31");
        assert_eq!(check(today(now), now), Err("retention-past"));
        assert!(check(today(now + DAY_MS), now).is_ok());
        assert!(check(suggested(now), now).is_ok());
        assert_eq!(
            check(today(now + 11 * 366 * DAY_MS), now),
            Err("retention-too-far")
        );
    }
}

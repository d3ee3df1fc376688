//! A programme's deadlines and time zone: the coordinator sets when
//! applications close (a day and a time on the programme's wall clock)
//! and by when documents are reviewed; applications close by themselves at
//! their deadline (the service's minute job, [`close_due`] in
//! `allocation::lottery`). Dates are typed as a Russian user types them
//! too (31.12.2026).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::setup::{back, back_with};
use crate::domain::access::{Action, Resource};
use crate::domain::states::ProgrammeStatus;
use crate::language::{Language, zone};
use crate::store::{Db, now_ms};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().post(
        "/coordinator/programmes/{id}/deadlines",
        Access::Policy(Action::Update, Resource::Programme),
        set_deadlines,
    )
}

/// A day as typed: `2026-12-31` (the date picker) or `31.12.2026`.
pub fn parse_day(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    let (y, m, d) = if let Some((d, rest)) = t.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        (y, m, d)
    } else {
        let mut parts = t.splitn(3, '-');
        (parts.next()?, parts.next()?, parts.next()?)
    };
    jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// A stored moment as the form shows it on `zone`'s wall clock: the day
/// (`2026-12-31`) and the time (`18:00`); empty when unset.
pub fn wall(ms: Option<i64>, zone: &str) -> (String, String) {
    let at = ms
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .zip(zone::parse(zone).ok())
        .map(|(t, tz)| t.to_zoned_datetime(tz));
    match at {
        Some(z) => (
            format!("{:04}-{:02}-{:02}", z.year(), z.month(), z.day()),
            format!("{:02}:{:02}", z.hour(), z.minute()),
        ),
        None => (String::new(), "18:00".into()),
    }
}

/// A time of day as typed: `18:00`.
pub fn parse_time(text: &str) -> Option<(i8, i8)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some((h, m))
}

#[derive(Deserialize, serde::Serialize)]
struct DeadlinesForm {
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    documents_by: String,
}

/// What the form asks for, parsed: the zone, the moment applications
/// close, and the moment documents must be reviewed by (the end of that
/// day).
struct Deadlines {
    zone: String,
    closes: Option<i64>,
    documents: Option<i64>,
}

impl DeadlinesForm {
    fn parse(&self, lang: Language, now: i64) -> Result<Deadlines, Vec<String>> {
        let mut errors = Vec::new();
        let zone_name = self.time_zone.trim().to_string();
        if let Err(e) = zone::parse(&zone_name) {
            errors.push(lang.text_with("deadline-bad-zone", &[("zone", &zone_name), ("why", &e)]));
        }
        let moment = |day: &str, time: &str, field: &str, errors: &mut Vec<String>| {
            if day.trim().is_empty() {
                return None;
            }
            let Some(date) = parse_day(day) else {
                errors.push(lang.text_with(
                    "deadline-bad-day",
                    &[("field", &lang.text(field)), ("value", day.trim())],
                ));
                return None;
            };
            let Some((h, m)) = parse_time(if time.trim().is_empty() {
                "23:59"
            } else {
                time
            }) else {
                errors.push(lang.text_with("deadline-bad-time", &[("value", time.trim())]));
                return None;
            };
            let at = zone::parse(&zone_name)
                .ok()
                .and_then(|tz| {
                    jiff::civil::DateTime::new(date.year(), date.month(), date.day(), h, m, 0, 0)
                        .ok()?
                        .to_zoned_datetime(tz)
                        .ok()
                })
                .map(|z| z.timestamp().as_millisecond());
            if at.is_some_and(|at| at <= now) {
                errors.push(lang.text_with(
                    "deadline-past",
                    &[("field", &lang.text(field)), ("value", day.trim())],
                ));
            }
            at
        };
        let closes = moment(
            &self.closes_on,
            &self.closes_at,
            "deadline-closes",
            &mut errors,
        );
        let documents = moment(
            &self.documents_by,
            "23:59",
            "deadline-documents",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Deadlines {
                zone: zone_name,
                closes,
                documents,
            })
        } else {
            Err(errors)
        }
    }
}

async fn set_deadlines(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<DeadlinesForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let d = match f.parse(lang, now_ms()) {
        Ok(d) => d,
        Err(errors) => return Ok(back_with(id, Err(errors.join(" ")), "deadlines", &f)),
    };
    let done = state
        .write(&permit, async |c| {
            // Compare-and-set: deadlines move only before applications close.
            let changed = c
                .transition(
                    sqlx::query(
                        "UPDATE programmes SET time_zone = $1, applications_close_at = $2, documents_due_at = $3 \
                         WHERE id = $4 AND status IN ($5, $6)",
                    )
                    .bind(&d.zone)
                    .bind(d.closes)
                    .bind(d.documents)
                    .bind(id)
                    .bind(ProgrammeStatus::Draft)
                    .bind(ProgrammeStatus::Open),
                )
                .await?;
            if !changed {
                c.unchanged();
                return Ok(false);
            }
            c.audit(
                Some(id),
                format!(
                    "deadlines: zone {}, applications close {}, documents by {}",
                    d.zone,
                    d.closes.map_or("—".into(), |m| m.to_string()),
                    d.documents.map_or("—".into(), |m| m.to_string())
                ),
            );
            Ok(true)
        })
        .await?;
    if !done {
        return Ok(back_with(
            id,
            Err(lang.text("deadline-after-close")),
            "deadlines",
            &f,
        ));
    }
    super::queries::forget_open(&state.cache).await;
    show_times_in_newest_zone(&state.db).await?;
    Ok(back(id, Ok(())))
}

/// Shows every moment in the zone of the newest programme (at start, after
/// a change, and every minute: another replica may have changed it).
pub async fn show_times_in_newest_zone(db: &Db) -> Result<(), sqlx::Error> {
    let newest: Option<(String,)> = sqlx::query_as(
        "SELECT time_zone FROM programmes ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    if let Some((name,)) = newest
        && let Err(e) = zone::show_in(&name)
    {
        tracing::warn!(
            zone = name,
            error = e,
            "the programme's time zone is unknown here: times are shown in the default zone"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_typed_in_either_form() {
        let want = jiff::civil::Date::new(2026, 12, 31).ok();
        assert_eq!(parse_day("2026-12-31"), want);
        assert_eq!(parse_day(" 31.12.2026 "), want);
        assert_eq!(parse_day("31.02.2026"), None);
        assert_eq!(parse_day("tomorrow"), None);
        assert_eq!(parse_time("18:00"), Some((18, 0)));
        assert_eq!(parse_time("24:00"), None);
    }
}

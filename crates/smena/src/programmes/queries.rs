//! Programmes, their sessions and rules in the database. Other features
//! read a programme through here.

use std::sync::Arc;
use std::time::Duration;

use super::scoring::Rules;
use crate::domain::states::ProgrammeStatus;
use crate::domain::values::Day;
use crate::store::Db;
use crate::store::cache::Cache;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgrammeSummary {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub status: ProgrammeStatus,
    pub max_choices: i32,
    #[sqlx(rename = "commitment_hex")]
    pub commitment: Option<String>,
}

const SUMMARY: &str = "SELECT id, name, code, status, max_choices, commitment_hex FROM programmes";

/// A session as families and the public see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub code: String,
    pub camp: String,
    pub country: String,
    pub starts: Day,
    pub ends: Day,
    pub places: i32,
    pub min_age: i32,
    pub max_age: i32,
    pub languages: String,
    pub departure: String,
    /// What the session offers, as the coordinator wrote it.
    pub description: String,
}

/// A document the programme requires, and the last day it is taken.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequiredDocument {
    pub kind: String,
    pub name: String,
    pub deadline: Day,
}

/// The programme currently taking applications.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenProgramme {
    pub id: i64,
    pub name: String,
    /// Prefix of the public references.
    pub code: String,
    pub max_choices: i32,
    pub passport_months: i32,
    #[sqlx(rename = "applications_close_at")]
    pub closes_at: Option<i64>,
}

/// The programme being run now: the newest one. Pages, reports and exports
/// that do not name a programme are about this one.
pub async fn newest(db: &Db) -> Result<Option<ProgrammeSummary>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} ORDER BY created_at DESC LIMIT 1"
    )))
    .fetch_optional(db.pool())
    .await
}

/// The programme whose groups are on their journey, if one is; else the
/// newest: what the travel papers are about.
pub async fn travelling_or_newest(db: &Db) -> Result<Option<ProgrammeSummary>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} ORDER BY CASE WHEN status = $1 THEN 0 ELSE 1 END, created_at DESC LIMIT 1"
    )))
    .bind(crate::domain::states::ProgrammeStatus::Travelling)
    .fetch_optional(db.pool())
    .await
}

/// Every programme, newest first.
pub async fn programmes(db: &Db) -> Result<Vec<ProgrammeSummary>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} ORDER BY created_at DESC"
    )))
    .fetch_all(db.pool())
    .await
}

/// The programme a page shows when it may show any (`?programme=id`), and
/// every programme to choose another from.
pub struct Choice {
    pub id: i64,
    pub name: String,
    /// Every programme, newest first: (id, code).
    pub programmes: Vec<(i64, String)>,
}

/// The newest programme unless one is asked for; None when the one asked
/// for is not there (or there is none).
pub async fn choose(db: &Db, asked: Option<&str>) -> Result<Option<Choice>, sqlx::Error> {
    let all = programmes(db).await?;
    let shown = match asked.map(str::trim) {
        None | Some("") => all.first(),
        Some(asked) => all.iter().find(|p| asked.parse() == Ok(p.id)),
    };
    Ok(shown.map(|p| Choice {
        id: p.id,
        name: p.name.clone(),
        programmes: all.iter().map(|p| (p.id, p.code.clone())).collect(),
    }))
}

/// The query of a page that shows any programme.
#[derive(serde::Deserialize)]
pub struct ProgrammeQuery {
    #[serde(default)]
    pub programme: Option<String>,
}

pub async fn programme(db: &Db, id: i64) -> Result<Option<ProgrammeSummary>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SUMMARY} WHERE id = $1")))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// A programme's sessions, by their first day.
pub async fn sessions(db: &Db, programme: i64) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.code, c.name AS camp, c.country, s.starts, s.ends, s.places, s.min_age, s.max_age, \
                s.languages, s.departure, s.description \
         FROM sessions s JOIN camps c ON c.id = s.camp_id WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await
}

/// The places each session of a programme reserves: (session id, group,
/// places), in order.
pub async fn reserves(db: &Db, programme: i64) -> Result<Vec<(i64, String, i32)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.session_id, r.reserve_group, r.places FROM session_reserves r \
         JOIN sessions s ON s.id = r.session_id WHERE s.programme_id = $1 \
         ORDER BY s.starts, s.code, r.reserve_group",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await
}

pub async fn open_programme(db: &Db) -> Result<Option<OpenProgramme>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, code, max_choices, passport_months, applications_close_at FROM programmes \
         WHERE status = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(ProgrammeStatus::Open)
    .fetch_optional(db.pool())
    .await
}

/// The programme a child's page and documents are about: the open one,
/// else the newest closed or published one the child has a submitted
/// application in (its documents can be fixed until their deadlines, also
/// after the results).
pub async fn of_child(db: &Db, child: i64) -> Result<Option<OpenProgramme>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.name, p.code, p.max_choices, p.passport_months, p.applications_close_at FROM programmes p \
         WHERE p.status = $1 OR (p.status IN ($2, $3, $6, $7, $8) AND EXISTS (SELECT 1 FROM applications a \
           WHERE a.programme_id = p.id AND a.child_id = $4 AND a.status = $5)) \
         ORDER BY CASE WHEN p.status = $1 THEN 0 ELSE 1 END, p.created_at DESC LIMIT 1",
    )
    .bind(ProgrammeStatus::Open)
    .bind(ProgrammeStatus::Closed)
    .bind(ProgrammeStatus::Published)
    .bind(child)
    .bind(crate::domain::states::ApplicationStatus::Submitted)
    .bind(ProgrammeStatus::Allocated)
    .bind(ProgrammeStatus::Travelling)
    .bind(ProgrammeStatus::Completed)
    .fetch_optional(db.pool())
    .await
}

/// The open programme with its sessions, as a submission needs them.
pub struct Open {
    pub programme: OpenProgramme,
    pub sessions: Vec<SessionRow>,
}

/// How long the open programme is kept: while it takes applications its
/// sessions and rules cannot change, so this saves two queries per
/// submission in a rush. Whether it is still open is checked again in the
/// submitting transaction itself.
const OPEN_TTL: Duration = Duration::from_secs(5);

/// The open programme and its sessions, cached for a few seconds.
pub async fn open_cached(db: &Db, cache: &Cache) -> Result<Option<Arc<Open>>, sqlx::Error> {
    cache
        .get_or_load(OPEN_TTL, async || {
            let Some(programme) = open_programme(db).await? else {
                return Ok(None);
            };
            let sessions = sessions(db, programme.id).await?;
            Ok(Some(Open {
                programme,
                sessions,
            }))
        })
        .await
}

/// Forgets the cached open programme (after a change of status here).
pub async fn forget_open(cache: &Cache) {
    cache.forget::<Open>().await;
}

pub async fn rules(db: &Db, programme: i64) -> Result<Rules, sqlx::Error> {
    let mut rules = Rules {
        levels: sqlx::query_as(
            "SELECT level, points_milli, cap_milli FROM scoring_rules WHERE programme_id = $1 \
             ORDER BY points_milli DESC, level",
        )
        .bind(programme)
        .fetch_all(db.pool())
        .await?,
        places: sqlx::query_as(
            "SELECT place, percent FROM scoring_places WHERE programme_id = $1 ORDER BY place",
        )
        .bind(programme)
        .fetch_all(db.pool())
        .await?,
        categories: sqlx::query_as(
            "SELECT code, name, tier FROM priority_categories WHERE programme_id = $1 ORDER BY tier DESC, code",
        )
        .bind(programme)
        .fetch_all(db.pool())
        .await?,
        rural_coefficient_milli: 0,
        nomination_points_milli: 0,
        nomination_required: false,
    };
    let (coefficient, nomination, required): (i32, i32, i32) = sqlx::query_as(
        "SELECT rural_coefficient_milli, nomination_points_milli, nomination_required \
         FROM programmes WHERE id = $1",
    )
    .bind(programme)
    .fetch_one(db.pool())
    .await?;
    rules.rural_coefficient_milli = i64::from(coefficient);
    rules.nomination_points_milli = i64::from(nomination);
    rules.nomination_required = required != 0;
    Ok(rules)
}

/// The documents the programme requires, by deadline.
pub async fn required_documents(
    db: &Db,
    programme: i64,
) -> Result<Vec<RequiredDocument>, sqlx::Error> {
    required_documents_in(db.pool(), programme).await
}

/// [`required_documents`], read by `executor` (a change reads its own).
pub async fn required_documents_in<'e, E>(
    executor: E,
    programme: i64,
) -> Result<Vec<RequiredDocument>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(
        "SELECT kind, name, deadline FROM required_documents WHERE programme_id = $1 ORDER BY deadline, kind",
    )
    .bind(programme)
    .fetch_all(executor)
    .await
}

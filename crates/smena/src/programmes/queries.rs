//! Programmes and sessions in the database.

use sqlx::Row as _;

use crate::store::Db;

pub struct ProgrammeSummary {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub max_choices: i32,
    pub commitment: Option<String>,
}

pub struct SessionRow {
    pub code: String,
    pub camp: String,
    pub country: String,
    pub starts: String,
    pub ends: String,
    pub places: i32,
    pub min_age: i32,
    pub max_age: i32,
    pub languages: String,
}

/// The programme being run now: the newest one. Pages, reports and exports
/// that do not name a programme are about this one.
pub async fn newest(db: &Db) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM programmes ORDER BY created_at DESC LIMIT 1")
        .fetch_optional(db.pool())
        .await
}

pub async fn programmes(db: &Db) -> Result<Vec<ProgrammeSummary>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, status, max_choices, commitment_hex FROM programmes ORDER BY created_at DESC")
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProgrammeSummary {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                status: r.try_get("status")?,
                max_choices: r.try_get("max_choices")?,
                commitment: r.try_get("commitment_hex")?,
            })
        })
        .collect()
}

pub async fn sessions(db: &Db, programme: i64) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.code, c.name AS camp, c.country, s.starts, s.ends, s.places, s.min_age, s.max_age, s.languages \
         FROM sessions s JOIN camps c ON c.id = s.camp_id WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SessionRow {
                code: r.try_get("code")?,
                camp: r.try_get("camp")?,
                country: r.try_get("country")?,
                starts: r.try_get("starts")?,
                ends: r.try_get("ends")?,
                places: r.try_get("places")?,
                min_age: r.try_get("min_age")?,
                max_age: r.try_get("max_age")?,
                languages: r.try_get("languages")?,
            })
        })
        .collect()
}

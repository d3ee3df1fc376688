//! Children and applications in the database. Every read of a child goes
//! through `visible_child`, which applies the caller's scope in the query
//! itself: a record outside it is simply not found.

use sqlx::Row as _;

use super::score::{Achievement, Rules};
use crate::store::Db;
use crate::web::policy::Scope;
use crate::web::session::User;

#[derive(Clone, Debug)]
pub struct Child {
    pub id: i64,
    pub guardian_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub school_id: i64,
    pub school: String,
    pub district: String,
    pub district_kind: String,
    pub category: Option<String>,
    pub passport_expires: Option<String>,
    pub passport_number: Option<String>,
    pub emergency_contact: Option<String>,
}

impl Child {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn rural(&self) -> bool {
        self.district_kind != "city"
    }
}

const CHILD_COLUMNS: &str = "SELECT c.id, c.guardian_id, c.given_name, c.family_name, c.birth_date, c.school_id, \
            s.name AS school, d.name AS district, d.kind AS district_kind, c.category, c.passport_expires, \
            c.passport_number, c.emergency_contact \
     FROM children c JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id";

fn child(r: sqlx::any::AnyRow) -> Result<Child, sqlx::Error> {
    Ok(Child {
        id: r.try_get("id")?,
        guardian_id: r.try_get("guardian_id")?,
        given_name: r.try_get("given_name")?,
        family_name: r.try_get("family_name")?,
        birth_date: r.try_get("birth_date")?,
        school_id: r.try_get("school_id")?,
        school: r.try_get("school")?,
        district: r.try_get("district")?,
        district_kind: r.try_get("district_kind")?,
        category: r.try_get("category")?,
        passport_expires: r.try_get("passport_expires")?,
        passport_number: r.try_get("passport_number")?,
        emergency_contact: r.try_get("emergency_contact")?,
    })
}

/// The child, if it exists and lies within the user's scope.
pub async fn visible_child(
    db: &Db,
    user: &User,
    scope: Scope,
    id: i64,
) -> Result<Option<Child>, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{CHILD_COLUMNS} WHERE c.id = $1 AND ($2 = 'all' OR ($2 = 'own' AND c.guardian_id = $3) \
                                            OR ($2 = 'school' AND c.school_id = $4))"
    ));
    sqlx::query(sql)
        .bind(id)
        .bind(scope.name())
        .bind(user.id)
        .bind(user.school_id.unwrap_or(-1))
        .fetch_optional(db.pool())
        .await?
        .map(child)
        .transpose()
}

pub async fn children_of(db: &Db, guardian: i64) -> Result<Vec<Child>, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{CHILD_COLUMNS} WHERE c.guardian_id = $1 ORDER BY c.given_name, c.id"
    ));
    sqlx::query(sql)
        .bind(guardian)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(child)
        .collect()
}

/// (id, "School — District") for the school picker.
pub async fn schools(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, d.name AS district FROM schools s JOIN districts d ON d.id = s.district_id \
         ORDER BY d.kind, d.name, s.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            let district: String = r.try_get("district")?;
            Ok((r.try_get("id")?, format!("{name} — {district}")))
        })
        .collect()
}

pub struct AchievementRow {
    pub id: i64,
    pub achievement: Achievement,
}

pub async fn achievements(db: &Db, child: i64) -> Result<Vec<AchievementRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, level, place, title FROM achievements WHERE child_id = $1 ORDER BY created_at, id")
        .bind(child)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AchievementRow {
                id: r.try_get("id")?,
                achievement: Achievement {
                    level: r.try_get("level")?,
                    place: r.try_get("place")?,
                    title: r.try_get("title")?,
                },
            })
        })
        .collect()
}

/// The open programme and its sessions, kept for a few seconds: while a
/// programme takes applications its sessions and rules cannot change, so
/// this saves two queries per submission in a rush. Whether it is still
/// open is checked again in the submitting transaction itself.
/// The open programme with its sessions, shared between requests.
pub type OpenProgrammeData = std::sync::Arc<(OpenProgramme, Vec<SessionOption>)>;

#[derive(Clone, Default)]
pub struct OpenProgrammeCache(
    std::sync::Arc<tokio::sync::RwLock<Option<(std::time::Instant, OpenProgrammeData)>>>,
);

const OPEN_PROGRAMME_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl OpenProgrammeCache {
    pub async fn get(&self, db: &Db) -> Result<Option<OpenProgrammeData>, sqlx::Error> {
        if let Some((at, value)) = &*self.0.read().await
            && at.elapsed() < OPEN_PROGRAMME_TTL
        {
            return Ok(Some(value.clone()));
        }
        let Some(programme) = open_programme(db).await? else {
            *self.0.write().await = None;
            return Ok(None);
        };
        let sessions = sessions_of(db, programme.id).await?;
        let value = std::sync::Arc::new((programme, sessions));
        *self.0.write().await = Some((std::time::Instant::now(), value.clone()));
        Ok(Some(value))
    }

    /// After a change of status on this instance.
    pub async fn forget(&self) {
        *self.0.write().await = None;
    }
}

/// An application's head and its child in one query, within the user's
/// scope on the child.
pub async fn application_and_child(
    db: &Db,
    user: &User,
    scope: Scope,
    id: i64,
) -> Result<Option<(Application, Child)>, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{} , a.id AS application_id, a.programme_id, a.status, a.submitted_at, a.block_ref, \
                (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = a.id) AS stored_choices \
         FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id \
         WHERE a.id = $1 AND ($2 = 'all' OR ($2 = 'own' AND c.guardian_id = $3) OR ($2 = 'school' AND c.school_id = $4))",
        CHILD_COLUMNS.split(" FROM ").next().unwrap_or("")
    ));
    let row = sqlx::query(sql)
        .bind(id)
        .bind(scope.name())
        .bind(user.id)
        .bind(user.school_id.unwrap_or(-1))
        .fetch_optional(db.pool())
        .await?;
    let Some(r) = row else { return Ok(None) };
    let application = Application {
        id: r.try_get("application_id")?,
        programme_id: r.try_get("programme_id")?,
        child_id: r.try_get("id")?,
        status: r.try_get("status")?,
        submitted_at: r.try_get("submitted_at")?,
        choices: Vec::new(),
        consents: Vec::new(),
        stored_choices: r.try_get("stored_choices")?,
        block_ref: r.try_get("block_ref")?,
    };
    Ok(Some((application, child(r)?)))
}

/// The programme currently taking applications, if any.
#[derive(Clone, Debug)]
pub struct OpenProgramme {
    pub id: i64,
    pub name: String,
    /// Prefix of the public references.
    pub code: String,
    pub max_choices: i32,
    pub passport_months: i32,
    pub closes_at: Option<i64>,
}

pub async fn open_programme(db: &Db) -> Result<Option<OpenProgramme>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, code, max_choices, passport_months, applications_close_at FROM programmes \
         WHERE status = 'open' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(OpenProgramme {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            code: r.try_get("code")?,
            max_choices: r.try_get("max_choices")?,
            passport_months: r.try_get("passport_months")?,
            closes_at: r.try_get("applications_close_at")?,
        })
    })
    .transpose()
}

pub async fn rules(db: &Db, programme: i64) -> Result<Rules, sqlx::Error> {
    let mut rules = Rules::default();
    for r in sqlx::query("SELECT level, points_milli, cap_milli FROM scoring_rules WHERE programme_id = $1 ORDER BY points_milli DESC, level")
        .bind(programme)
        .fetch_all(db.pool())
        .await?
    {
        rules.levels.push((r.try_get("level")?, r.try_get("points_milli")?, r.try_get("cap_milli")?));
    }
    for r in sqlx::query(
        "SELECT place, percent FROM scoring_places WHERE programme_id = $1 ORDER BY place",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?
    {
        rules
            .places
            .push((r.try_get("place")?, r.try_get("percent")?));
    }
    for r in sqlx::query("SELECT code, name, tier FROM priority_categories WHERE programme_id = $1 ORDER BY tier DESC, code")
        .bind(programme)
        .fetch_all(db.pool())
        .await?
    {
        rules.categories.push((r.try_get("code")?, r.try_get("name")?, r.try_get("tier")?));
    }
    let (coefficient,): (i32,) =
        sqlx::query_as("SELECT rural_coefficient_milli FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(db.pool())
            .await?;
    rules.rural_coefficient_milli = i64::from(coefficient);
    Ok(rules)
}

#[derive(Clone, Debug)]
pub struct SessionOption {
    pub id: i64,
    pub code: String,
    pub camp: String,
    pub starts: String,
    pub ends: String,
    pub min_age: i32,
    pub max_age: i32,
}

pub async fn sessions_of(db: &Db, programme: i64) -> Result<Vec<SessionOption>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.code, c.name AS camp, s.starts, s.ends, s.min_age, s.max_age FROM sessions s \
         JOIN camps c ON c.id = s.camp_id WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SessionOption {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                camp: r.try_get("camp")?,
                starts: r.try_get("starts")?,
                ends: r.try_get("ends")?,
                min_age: r.try_get("min_age")?,
                max_age: r.try_get("max_age")?,
            })
        })
        .collect()
}

/// (kind, name, deadline) of the documents the programme requires.
pub async fn required_documents(
    db: &Db,
    programme: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, name, deadline FROM required_documents WHERE programme_id = $1 ORDER BY deadline, kind")
        .bind(programme)
        .fetch_all(db.pool())
        .await
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: i64,
    pub programme_id: i64,
    pub child_id: i64,
    pub status: String,
    pub submitted_at: Option<i64>,
    /// Session ids by rank.
    pub choices: Vec<i64>,
    /// Consent kinds given.
    pub consents: Vec<String>,
    /// How many choices are stored (known without loading them).
    pub stored_choices: i64,
    /// The block of siblings or friends placed together with this child.
    pub block_ref: Option<String>,
}

pub async fn application_of(
    db: &Db,
    child: i64,
    programme: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM applications WHERE child_id = $1 AND programme_id = $2")
            .bind(child)
            .bind(programme)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn application(db: &Db, id: i64) -> Result<Option<Application>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT id, programme_id, child_id, status, submitted_at, block_ref FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let choices: Vec<(i64,)> = sqlx::query_as(
        "SELECT session_id FROM application_choices WHERE application_id = $1 ORDER BY choice_rank",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let consents: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM consents WHERE application_id = $1 ORDER BY kind")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    Ok(Some(Application {
        id: r.try_get("id")?,
        programme_id: r.try_get("programme_id")?,
        child_id: r.try_get("child_id")?,
        status: r.try_get("status")?,
        submitted_at: r.try_get("submitted_at")?,
        block_ref: r.try_get("block_ref")?,
        stored_choices: choices.len() as i64,
        choices: choices.into_iter().map(|c| c.0).collect(),
        consents: consents.into_iter().map(|c| c.0).collect(),
    }))
}

/// Replaces the ranked choices of an application.
pub async fn set_choices(
    tx: &mut crate::store::WriteTx,
    application: i64,
    stored: i64,
    sessions: &[i64],
) -> Result<(), sqlx::Error> {
    if stored > 0 {
        sqlx::query("DELETE FROM application_choices WHERE application_id = $1")
            .bind(application)
            .execute(&mut **tx)
            .await?;
    }
    if sessions.is_empty() {
        return Ok(());
    }
    // One statement for all choices: writers take turns, so every round
    // trip inside the transaction counts.
    let rows: Vec<String> = (0..sessions.len())
        .map(|i| format!("($1, ${}, ${})", 2 * i + 2, 2 * i + 3))
        .collect();
    let sql = format!(
        "INSERT INTO application_choices (application_id, choice_rank, session_id) VALUES {}",
        rows.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(application);
    for (rank, session) in sessions.iter().enumerate() {
        q = q.bind(rank as i32 + 1).bind(*session);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

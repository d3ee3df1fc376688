//! Children and applications in the database. Every read of a child goes
//! through `visible_child`, which applies the caller's scope in the query
//! itself: a record outside it is simply not found.

use sqlx::AnyConnection;

use crate::domain::access::Scope;
use crate::domain::states::ApplicationStatus;
use crate::domain::values::Day;
use crate::programmes::scoring::Achievement;
use crate::store::Db;
use crate::web::login::User;
use crate::web::policy::child_in_scope;

/// A child's record with their school and district.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Child {
    pub id: i64,
    pub guardian_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Day,
    pub school_id: i64,
    pub school: String,
    pub district: String,
    pub district_kind: String,
    pub category: Option<String>,
    pub passport_expires: Option<Day>,
    pub passport_number: Option<String>,
    pub emergency_contact: Option<String>,
    /// `female` or `male`, for travel groups and rooms; unknown until given.
    pub sex: Option<String>,
}

impl Child {
    /// The child with its passport number and emergency contact opened
    /// (they are kept encrypted).
    pub fn revealed(mut self, db: &Db) -> Result<Child, crate::store::keys::KeyError> {
        use crate::store::keys::{CONTACT, PASSPORT};
        let keys = db.keys()?;
        self.passport_number = keys.reveal_opt(PASSPORT, self.passport_number.as_deref())?;
        self.emergency_contact = keys.reveal_opt(CONTACT, self.emergency_contact.as_deref())?;
        Ok(self)
    }

    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn rural(&self) -> bool {
        self.district_kind != "city"
    }
}

const CHILD_COLUMNS: &str = "c.id, c.guardian_id, c.given_name, c.family_name, c.birth_date, c.school_id, \
            s.name AS school, d.name AS district, d.kind AS district_kind, c.category, c.passport_expires, \
            c.passport_number, c.emergency_contact, c.sex";
const CHILD_TABLES: &str =
    "children c JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id";

/// The child, if it exists and lies within the user's scope.
pub async fn visible_child(
    db: &Db,
    user: &User,
    scope: Scope,
    id: i64,
) -> Result<Option<Child>, sqlx::Error> {
    let sql = format!(
        "SELECT {CHILD_COLUMNS} FROM {CHILD_TABLES} WHERE c.id = $1 AND {}",
        child_in_scope(2, 3, 4)
    );
    let child: Option<Child> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(scope.code())
        .bind(user.id)
        .bind(user.school_id.unwrap_or(-1))
        .fetch_optional(db.pool())
        .await?;
    Ok(child.map(|c| c.revealed(db)).transpose()?)
}

pub async fn children_of(db: &Db, guardian: i64) -> Result<Vec<Child>, sqlx::Error> {
    let sql = format!(
        "SELECT {CHILD_COLUMNS} FROM {CHILD_TABLES} WHERE c.guardian_id = $1 ORDER BY c.given_name, c.id"
    );
    let children: Vec<Child> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(guardian)
        .fetch_all(db.pool())
        .await?;
    Ok(children
        .into_iter()
        .map(|c| c.revealed(db))
        .collect::<Result<_, _>>()?)
}

/// (id, "School — District") for the school picker.
pub async fn schools(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.id, s.name, d.name FROM schools s JOIN districts d ON d.id = s.district_id \
         ORDER BY d.kind, d.name, s.name",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, district)| (id, format!("{name} — {district}")))
        .collect())
}

#[derive(sqlx::FromRow)]
pub struct AchievementRow {
    pub id: i64,
    #[sqlx(flatten)]
    pub achievement: Achievement,
}

pub async fn achievements(db: &Db, child: i64) -> Result<Vec<AchievementRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, level, place, title FROM achievements WHERE child_id = $1 ORDER BY created_at, id",
    )
    .bind(child)
    .fetch_all(db.pool())
    .await
}

/// Whether the child's school nominated them: a pupil of the child's
/// school with the same names and birth date, marked nominated.
pub async fn nominated(db: &Db, child: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM children c JOIN pupils p ON p.school_id = c.school_id \
         AND p.family_name = c.family_name AND p.given_name = c.given_name \
         AND p.birth_date = c.birth_date WHERE c.id = $1 AND p.nominated = 1",
    )
    .bind(child)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// An application's head and its child in one query, within the user's
/// scope on the child.
pub async fn application_and_child(
    db: &Db,
    user: &User,
    scope: Scope,
    id: i64,
) -> Result<Option<(Application, Child)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Both {
        #[sqlx(flatten)]
        child: Child,
        application_id: i64,
        programme_id: i64,
        status: ApplicationStatus,
        submitted_at: Option<i64>,
        reference: Option<String>,
        block_ref: Option<String>,
        stored_choices: i64,
    }
    let sql = format!(
        "SELECT {CHILD_COLUMNS}, a.id AS application_id, a.programme_id, a.status, a.submitted_at, a.reference, \
                a.block_ref, (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = a.id) AS stored_choices \
         FROM applications a JOIN children c ON c.id = a.child_id \
         JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id \
         WHERE a.id = $1 AND {}",
        child_in_scope(2, 3, 4)
    );
    let both: Option<Both> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(scope.code())
        .bind(user.id)
        .bind(user.school_id.unwrap_or(-1))
        .fetch_optional(db.pool())
        .await?;
    let both = match both {
        Some(mut b) => {
            b.child = b.child.revealed(db)?;
            Some(b)
        }
        None => None,
    };
    Ok(both.map(|b| {
        (
            Application {
                id: b.application_id,
                programme_id: b.programme_id,
                child_id: b.child.id,
                status: b.status,
                submitted_at: b.submitted_at,
                reference: b.reference,
                block_ref: b.block_ref,
                choices: Vec::new(),
                consents: Vec::new(),
                stored_choices: b.stored_choices,
            },
            b.child,
        )
    }))
}

#[derive(Clone, Debug)]
pub struct Application {
    pub id: i64,
    pub programme_id: i64,
    pub child_id: i64,
    pub status: ApplicationStatus,
    pub submitted_at: Option<i64>,
    /// The public reference, given at submission (the lottery is drawn
    /// for it).
    pub reference: Option<String>,
    /// The block of siblings or friends placed together with this child.
    pub block_ref: Option<String>,
    /// Session ids by rank.
    pub choices: Vec<i64>,
    /// Consent kinds given.
    pub consents: Vec<String>,
    /// How many choices are stored (known without loading them).
    pub stored_choices: i64,
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

/// Session ids an application ranks, best first.
pub async fn choices(conn: &mut AnyConnection, application: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT session_id FROM application_choices WHERE application_id = $1 ORDER BY choice_rank",
    )
    .bind(application)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|c| c.0).collect())
}

pub async fn application(db: &Db, id: i64) -> Result<Option<Application>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Head {
        id: i64,
        programme_id: i64,
        child_id: i64,
        status: ApplicationStatus,
        submitted_at: Option<i64>,
        reference: Option<String>,
        block_ref: Option<String>,
    }
    let Some(h): Option<Head> = sqlx::query_as(
        "SELECT id, programme_id, child_id, status, submitted_at, reference, block_ref FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let mut conn = db.pool().acquire().await?;
    let choices = choices(&mut conn, id).await?;
    let consents: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM consents WHERE application_id = $1 AND withdrawn_at IS NULL ORDER BY kind")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(Some(Application {
        id: h.id,
        programme_id: h.programme_id,
        child_id: h.child_id,
        status: h.status,
        submitted_at: h.submitted_at,
        reference: h.reference,
        block_ref: h.block_ref,
        stored_choices: choices.len() as i64,
        choices,
        consents: consents.into_iter().map(|c| c.0).collect(),
    }))
}

/// Replaces the ranked choices of an application.
pub async fn set_choices(
    conn: &mut AnyConnection,
    application: i64,
    stored: i64,
    sessions: &[i64],
) -> Result<(), sqlx::Error> {
    if stored > 0 {
        sqlx::query("DELETE FROM application_choices WHERE application_id = $1")
            .bind(application)
            .execute(&mut *conn)
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
    q.execute(conn).await?;
    Ok(())
}

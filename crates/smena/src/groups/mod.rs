//! Travel groups and their chaperones. For now the coordinator assigns
//! chaperones to a session, and a chaperone reaches the travel papers
//! (passport numbers, emergency contacts) of those sessions only; groups
//! within a session will refine this.

pub mod formed;
pub mod forming;
pub mod home;
pub mod legs;
pub mod ready;
pub mod roll_calls;
pub mod travel;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Role, Scope};
use crate::store::keys::PHONE;
use crate::store::{Change, Db, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/coordinator/sessions/{id}/chaperones",
            Access::Policy(Action::Update, Resource::Session),
            page,
        )
        .post(
            "/coordinator/sessions/{id}/chaperones",
            Access::Policy(Action::Update, Resource::Session),
            change,
        )
        .merge(travel::routes())
        .merge(formed::routes())
        .merge(legs::routes())
        .merge(ready::routes())
        .merge(home::routes())
        .merge(roll_calls::routes())
}

/// Answers whether `permit` reaches the travel papers of `session`: all of
/// them for the coordinator, a chaperone's assigned sessions only. Any
/// other is refused as not found, and the attempt is audited.
pub async fn reach(state: &AppState, user: &User, permit: &Permit, session: i64) -> AppResult<()> {
    match permit.scope() {
        Scope::All => Ok(()),
        Scope::Assigned if is_assigned(&state.db, session, user.id).await? => Ok(()),
        _ => {
            state
                .denied(user, Action::Read, Resource::TravelPapers, Some(session))
                .await
        }
    }
}

/// The sessions `permit` lists on the travel papers page: `None` for all.
pub async fn visible_sessions(
    db: &Db,
    user: &User,
    permit: &Permit,
) -> Result<Option<Vec<i64>>, sqlx::Error> {
    if permit.scope() == Scope::All {
        return Ok(None);
    }
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT session_id FROM session_chaperones WHERE account_id = $1 \
         UNION SELECT g.session_id FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
         WHERE s.account_id = $1",
    )
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(rows.into_iter().map(|r| r.0).collect()))
}

/// Assigned to the session, or to one of its travel groups.
async fn is_assigned(db: &Db, session: i64, account: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM session_chaperones WHERE session_id = $1 AND account_id = $2) \
              + (SELECT COUNT(*) FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
                 WHERE g.session_id = $1 AND s.account_id = $2)",
    )
    .bind(session)
    .bind(account)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// The children of `session` the reader may see on its papers, by
/// application reference: `None` for all of them (the coordinator, or a
/// chaperone assigned to the whole session), else those of the reader's
/// travel groups only.
pub async fn visible_references(
    db: &Db,
    user: &User,
    permit: &Permit,
    session: i64,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    if permit.scope() == Scope::All {
        return Ok(None);
    }
    let rows: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT a.reference FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
         JOIN group_members m ON m.group_id = g.id JOIN applications a ON a.id = m.application_id \
         WHERE g.session_id = $1 AND s.account_id = $2",
    )
    .bind(session)
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    let staff: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
         WHERE g.session_id = $1 AND s.account_id = $2",
    )
    .bind(session)
    .bind(user.id)
    .fetch_one(db.pool())
    .await?;
    if staff.0 == 0 {
        return Ok(None);
    }
    Ok(Some(rows.into_iter().filter_map(|(r,)| r).collect()))
}

/// A chaperone as the coordinator picks one.
#[derive(sqlx::FromRow)]
pub struct Chaperone {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The chaperones assigned to each session of a programme, by name.
pub async fn chaperones_by_session(
    db: &Db,
    programme: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT sc.session_id, a.full_name FROM session_chaperones sc \
         JOIN accounts a ON a.id = sc.account_id JOIN sessions s ON s.id = sc.session_id \
         WHERE s.programme_id = $1 ORDER BY a.full_name, a.id",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await
}

/// The chaperones of one session, by name (for its manifest).
pub async fn chaperone_names(db: &Db, session: i64) -> Result<Vec<String>, sqlx::Error> {
    Ok(assigned(db, session)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

/// The adults who go with a child (their group's, else the session's
/// chaperones) with the phone each gave (for the families, on the voucher): "Алексей Васильев, +7 914 …", or the name
/// alone while no phone is given.
pub async fn chaperone_phones(db: &Db, session: i64, application: i64) -> AppResult<Vec<String>> {
    // The adults of the child's travel group, else the session's chaperones.
    let mut rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT a.full_name, a.phone FROM group_members m JOIN group_staff s ON s.group_id = m.group_id \
         JOIN accounts a ON a.id = s.account_id WHERE m.application_id = $1 ORDER BY a.full_name, a.id",
    )
    .bind(application)
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        rows = sqlx::query_as(
            "SELECT a.full_name, a.phone FROM session_chaperones sc \
             JOIN accounts a ON a.id = sc.account_id WHERE sc.session_id = $1 \
             ORDER BY a.full_name, a.id",
        )
        .bind(session)
        .fetch_all(db.pool())
        .await?;
    }
    let keys = db.keys()?;
    rows.into_iter()
        .map(|(name, sealed)| {
            Ok(match keys.reveal_opt(PHONE, sealed.as_deref())? {
                // Kept on one line of the paper.
                Some(phone) => format!("{name}, {}", phone.replace(' ', "\u{a0}")),
                None => name,
            })
        })
        .collect()
}

async fn assigned(db: &Db, session: i64) -> Result<Vec<Chaperone>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.full_name AS name, a.email FROM session_chaperones sc \
         JOIN accounts a ON a.id = sc.account_id WHERE sc.session_id = $1 \
         ORDER BY a.full_name, a.id",
    )
    .bind(session)
    .fetch_all(db.pool())
    .await
}

/// Chaperone accounts not yet assigned to `session`.
async fn available(db: &Db, session: i64) -> Result<Vec<Chaperone>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.full_name AS name, a.email FROM accounts a WHERE a.role = $1 \
         AND NOT EXISTS (SELECT 1 FROM session_chaperones sc \
                         WHERE sc.session_id = $2 AND sc.account_id = a.id) \
         ORDER BY a.full_name, a.id",
    )
    .bind(Role::Chaperone)
    .bind(session)
    .fetch_all(db.pool())
    .await
}

/// Assigns a chaperone to a session (once; assigning again changes
/// nothing). Refused when the account is not a chaperone's.
pub async fn assign(c: &mut Change, session: i64, account: i64) -> AppResult<()> {
    let role: Option<(Role,)> = sqlx::query_as("SELECT role FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_optional(&mut **c)
        .await?;
    if role.map(|r| r.0) != Some(Role::Chaperone) {
        return Err(AppError::Invalid("chaperones-not-chaperone", vec![]));
    }
    let inserted = sqlx::query(
        "INSERT INTO session_chaperones (session_id, account_id, assigned_by, assigned_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, account_id) DO NOTHING",
    )
    .bind(session)
    .bind(account)
    .bind(c.actor().account())
    .bind(now_ms())
    .execute(&mut **c)
    .await?
    .rows_affected();
    if inserted == 0 {
        c.unchanged();
    } else {
        c.audit_as(
            Action::Update,
            Resource::Session,
            Some(session),
            format!("chaperone {account} assigned"),
        );
    }
    Ok(())
}

/// Takes a chaperone off a session: they no longer reach its papers.
async fn remove(c: &mut Change, session: i64, account: i64) -> AppResult<()> {
    let removed =
        sqlx::query("DELETE FROM session_chaperones WHERE session_id = $1 AND account_id = $2")
            .bind(session)
            .bind(account)
            .execute(&mut **c)
            .await?
            .rows_affected();
    if removed == 0 {
        c.unchanged();
    } else {
        c.audit_as(
            Action::Update,
            Resource::Session,
            Some(session),
            format!("chaperone {account} removed"),
        );
    }
    Ok(())
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/chaperones.html")]
struct ChaperonesPage {
    nav: Nav,
    id: i64,
    session: String,
    camp: String,
    dates: String,
    assigned: Vec<Chaperone>,
    available: Vec<Chaperone>,
}

/// A session's heading on its pages: its code, its camp and its dates in
/// `lang`; not found if there is no such session.
async fn heading(
    db: &Db,
    id: i64,
    lang: crate::language::Language,
) -> AppResult<(String, String, String)> {
    let (session, camp, starts, ends): (String, String, String, String) = sqlx::query_as(
        "SELECT s.code, k.name, s.starts, s.ends FROM sessions s JOIN camps k ON k.id = s.camp_id \
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((session, camp, lang.date_range(&starts, &ends)))
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ChaperonesPage> {
    authorize(&user, Action::Update, Resource::Session)?;
    let (session, camp, dates) = heading(&state.db, id, visitor.language).await?;
    Ok(ChaperonesPage {
        nav: Nav::from(&visitor),
        id,
        session,
        camp,
        dates,
        assigned: assigned(&state.db, id).await?,
        available: available(&state.db, id).await?,
    })
}

#[derive(Deserialize)]
struct ChangeForm {
    action: String,
    account: String,
}

/// What the coordinator asked, parsed once.
enum Asked {
    Assign(i64),
    Remove(i64),
}

impl ChangeForm {
    fn parse(&self) -> AppResult<Asked> {
        let account = self
            .account
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::Invalid("chaperones-choose", vec![]))?;
        match self.action.as_str() {
            "assign" => Ok(Asked::Assign(account)),
            "remove" => Ok(Asked::Remove(account)),
            _ => Err(AppError::Invalid("chaperones-choose", vec![])),
        }
    }
}

async fn change(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Session)?;
    let asked = form.parse()?;
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?;
    if exists.is_none() {
        return Err(AppError::NotFound);
    }
    state
        .write(&permit, async |c| match asked {
            Asked::Assign(account) => assign(c, id, account).await,
            Asked::Remove(account) => remove(c, id, account).await,
        })
        .await?;
    Ok(Redirect::to(&format!("/coordinator/sessions/{id}/chaperones")).into_response())
}

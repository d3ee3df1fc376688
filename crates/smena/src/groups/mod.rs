//! Travel groups and their adults. The coordinator forms a session's
//! groups and assigns chaperones (and the camp's staff) to them; an adult
//! reaches the travel papers (passport numbers, emergency contacts) of
//! their own groups' children only.

pub mod formed;
pub mod forming;
pub mod home;
pub mod legs;
pub mod ready;
pub mod roll_calls;
pub mod travel;

use crate::domain::access::{Action, Resource, Scope};
use crate::language::Language;
use crate::store::Db;
use crate::store::keys::PHONE;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::User;
use crate::web::policy::Permit;
use crate::web::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .merge(travel::routes())
        .merge(formed::routes())
        .merge(legs::routes())
        .merge(ready::routes())
        .merge(home::routes())
        .merge(roll_calls::routes())
}

/// Answers whether `permit` reaches the travel papers of `session`: all of
/// them for the coordinator, else only where the reader is one of a travel
/// group's adults. Any other is refused as not found, and the attempt is
/// audited.
pub async fn reach(state: &AppState, user: &User, permit: &Permit, session: i64) -> AppResult<()> {
    match permit.scope() {
        Scope::All => Ok(()),
        Scope::Assigned if goes_with_a_group(&state.db, session, user.id).await? => Ok(()),
        _ => {
            state
                .denied(user, Action::Read, Resource::TravelPapers, Some(session))
                .await
        }
    }
}

/// A travel group as its adults' pages name it.
#[derive(sqlx::FromRow)]
pub struct Group {
    pub id: i64,
    pub number: i32,
    pub session_id: i64,
    /// The session's code.
    pub session: String,
    pub starts: String,
    pub ends: String,
    /// How many of its adults the reader is (0 or 1).
    staff: i64,
}

impl Group {
    /// "Группа 1, SUM-1".
    pub fn title(&self, lang: Language) -> String {
        format!(
            "{}, {}",
            lang.text_with("groups-number", &[("n", &self.number.to_string())]),
            self.session
        )
    }
}

/// The group `group` if the reader may act on it: the coordinator on any,
/// anyone else only as one of its adults. Others are refused as not found,
/// and the attempt is audited as `(action, resource)`.
pub async fn reached(
    state: &AppState,
    user: &User,
    permit: &Permit,
    (action, resource): (Action, Resource),
    group: i64,
) -> AppResult<Group> {
    let found: Option<Group> = sqlx::query_as(
        "SELECT g.id, g.number, g.session_id, s.code AS session, s.starts, s.ends, \
                (SELECT COUNT(*) FROM group_staff gs WHERE gs.group_id = g.id AND gs.account_id = $2) AS staff \
         FROM travel_groups g JOIN sessions s ON s.id = g.session_id WHERE g.id = $1",
    )
    .bind(group)
    .bind(user.id)
    .fetch_optional(state.db.pool())
    .await?;
    match found {
        Some(g) if permit.scope() == Scope::All || g.staff > 0 => Ok(g),
        _ => state.denied(user, action, resource, Some(group)).await,
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
        "SELECT DISTINCT g.session_id FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
         WHERE s.account_id = $1",
    )
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(rows.into_iter().map(|r| r.0).collect()))
}

/// Whether `account` is one of the adults of a travel group of `session`.
async fn goes_with_a_group(db: &Db, session: i64, account: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM group_staff s JOIN travel_groups g ON g.id = s.group_id \
         WHERE g.session_id = $1 AND s.account_id = $2",
    )
    .bind(session)
    .bind(account)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// The children of `session` the reader may see on its papers, by
/// application reference: `None` for all of them (the coordinator), else
/// those of the reader's travel groups only.
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
    Ok(Some(rows.into_iter().filter_map(|(r,)| r).collect()))
}

/// The adults of each session's travel groups in a programme, by name
/// (once each per session).
pub async fn chaperones_by_session(
    db: &Db,
    programme: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT g.session_id, a.full_name FROM group_staff st \
         JOIN travel_groups g ON g.id = st.group_id JOIN accounts a ON a.id = st.account_id \
         JOIN sessions s ON s.id = g.session_id \
         WHERE s.programme_id = $1 ORDER BY a.full_name",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await
}

/// The adults of one session's travel groups, by name (for its manifest).
pub async fn chaperone_names(db: &Db, session: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT a.full_name FROM group_staff st JOIN travel_groups g ON g.id = st.group_id \
         JOIN accounts a ON a.id = st.account_id WHERE g.session_id = $1 ORDER BY a.full_name",
    )
    .bind(session)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The adults who go with a child (their travel group's) with the phone
/// each gave (for the families, on the voucher): "Алексей Васильев,
/// +7 914 …", or the name alone while no phone is given. Empty until the
/// child is in a group with adults.
pub async fn chaperone_phones(db: &Db, application: i64) -> AppResult<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT a.full_name, a.phone FROM group_members m JOIN group_staff s ON s.group_id = m.group_id \
         JOIN accounts a ON a.id = s.account_id WHERE m.application_id = $1 ORDER BY a.full_name, a.id",
    )
    .bind(application)
    .fetch_all(db.pool())
    .await?;
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

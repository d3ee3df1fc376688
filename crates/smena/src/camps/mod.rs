//! Host camps: what a camp representative sees of the children placed with
//! their camp. Only what a camp needs before arrival (name, birth date and
//! age on the first day, whether the family has accepted), never documents,
//! schools, scores or other camps' children.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sqlx::Row as _;

use crate::allocation::contract::parse_date;
use crate::audit;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, Scope, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new().route("/camp/placements", get(placements))
}

/// A child placed in one of the camp's sessions.
pub struct Placed {
    pub name: String,
    pub birth_date: String,
    pub age: u32,
    /// "accepted", or "awaiting the family's answer".
    pub status: &'static str,
}

pub struct SessionPlacements {
    pub code: String,
    pub starts: String,
    pub ends: String,
    pub places: i32,
    pub accepted: usize,
    pub children: Vec<Placed>,
}

#[derive(Template, WebTemplate)]
#[template(path = "camps/placements.html")]
pub struct PlacementsPage {
    nav: Nav,
    camp: String,
    sessions: Vec<SessionPlacements>,
}

async fn placements(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<PlacementsPage> {
    let scope = authorize(&user, Action::Read, Resource::Placement)?;
    let camp = match scope {
        Scope::Camp => user.camp_id.ok_or(AppError::NotFound)?,
        _ => return Err(AppError::NotFound),
    };
    let (camp_name,): (String,) = sqlx::query_as("SELECT name FROM camps WHERE id = $1")
        .bind(camp)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    // Offers exist only once a result is published; declined, expired and
    // withdrawn places are not coming.
    let rows = sqlx::query(
        "SELECT s.id AS session, s.code, s.starts, s.ends, s.places, c.given_name, c.family_name, c.birth_date, o.status \
         FROM sessions s LEFT JOIN offers o ON o.session_id = s.id AND o.status IN ('offered', 'accepted') \
         LEFT JOIN applications a ON a.id = o.application_id LEFT JOIN children c ON c.id = a.child_id \
         WHERE s.camp_id = $1 ORDER BY s.starts, s.code, c.family_name, c.given_name",
    )
    .bind(camp)
    .fetch_all(state.db.pool())
    .await?;
    let mut sessions: Vec<SessionPlacements> = Vec::new();
    let mut last_session = None;
    for r in rows {
        let session: i64 = r.try_get("session")?;
        if last_session != Some(session) {
            last_session = Some(session);
            sessions.push(SessionPlacements {
                code: r.try_get("code")?,
                starts: r.try_get("starts")?,
                ends: r.try_get("ends")?,
                places: r.try_get("places")?,
                accepted: 0,
                children: Vec::new(),
            });
        }
        let Some(s) = sessions.last_mut() else {
            continue;
        };
        let Some(status) = r.try_get::<Option<String>, _>("status")? else {
            continue;
        };
        let birth_date: String = r.try_get("birth_date")?;
        let age = match (parse_date(&birth_date), parse_date(&s.starts)) {
            (Ok(b), Ok(on)) => smena_engine::age_on(b, on),
            _ => 0,
        };
        let accepted = status == "accepted";
        s.accepted += usize::from(accepted);
        s.children.push(Placed {
            name: format!(
                "{} {}",
                r.try_get::<String, _>("family_name")?,
                r.try_get::<String, _>("given_name")?
            ),
            birth_date,
            age,
            status: if accepted {
                "accepted"
            } else {
                "awaiting the family's answer"
            },
        });
    }
    audit::note(
        &state.db,
        &user,
        "read",
        "placements",
        Some(camp),
        "ok",
        "children placed with the camp",
    )
    .await?;
    Ok(PlacementsPage {
        nav: Nav::from(&visitor),
        camp: camp_name,
        sessions,
    })
}

//! Host camps: what a camp representative sees of the children placed with
//! their camp. Only what a camp needs before arrival (name, birth date and
//! age on the first day, whether the family has accepted), never documents,
//! schools, scores or other camps' children.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::OfferStatus;
use crate::domain::values::Day;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new().get(
        "/camp/placements",
        Access::Policy(Action::Read, Resource::Placement),
        placements,
    )
}

/// A child placed in one of the camp's sessions.
pub struct Placed {
    pub name: String,
    pub birth_date: Day,
    pub age: u32,
    /// Accepted, or offered and awaiting the family's answer.
    pub status: OfferStatus,
}

pub struct SessionPlacements {
    pub code: String,
    pub starts: Day,
    pub ends: Day,
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

/// A session of the camp and, when there is one, a child offered a place
/// in it.
#[derive(sqlx::FromRow)]
struct Row {
    session: i64,
    code: String,
    starts: Day,
    ends: Day,
    places: i32,
    given_name: Option<String>,
    family_name: Option<String>,
    birth_date: Option<Day>,
    status: Option<OfferStatus>,
}

async fn placements(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<PlacementsPage> {
    let permit = authorize(&user, Action::Read, Resource::Placement)?;
    let camp = match permit.scope() {
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
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id AS session, s.code, s.starts, s.ends, s.places, c.given_name, c.family_name, c.birth_date, o.status \
         FROM sessions s LEFT JOIN offers o ON o.session_id = s.id AND o.status IN ($2, $3) \
         LEFT JOIN applications a ON a.id = o.application_id LEFT JOIN children c ON c.id = a.child_id \
         WHERE s.camp_id = $1 ORDER BY s.starts, s.code, c.family_name, c.given_name",
    )
    .bind(camp)
    .bind(OfferStatus::Offered)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let mut sessions: Vec<SessionPlacements> = Vec::new();
    let mut last_session = None;
    for r in rows {
        if last_session != Some(r.session) {
            last_session = Some(r.session);
            sessions.push(SessionPlacements {
                code: r.code.clone(),
                starts: r.starts,
                ends: r.ends,
                places: r.places,
                accepted: 0,
                children: Vec::new(),
            });
        }
        let Some(s) = sessions.last_mut() else {
            continue;
        };
        let (Some(status), Some(birth_date)) = (r.status, r.birth_date) else {
            continue;
        };
        let accepted = status == OfferStatus::Accepted;
        s.accepted += usize::from(accepted);
        s.children.push(Placed {
            name: format!(
                "{} {}",
                r.family_name.unwrap_or_default(),
                r.given_name.unwrap_or_default()
            ),
            birth_date,
            age: smena_engine::age_on(birth_date.date(), r.starts.date()),
            status,
        });
    }
    state
        .record(&permit, Some(camp), "children placed with the camp")
        .await?;
    Ok(PlacementsPage {
        nav: Nav::from(&visitor),
        camp: camp_name,
        sessions,
    })
}

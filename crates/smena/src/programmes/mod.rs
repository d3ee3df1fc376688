//! Programmes: one season's exchange, its host camps and their sessions,
//! its rules (scoring table, categories, required documents) and its life
//! (draft → open → closed → published). Other features read a programme
//! through [`queries`].

mod camps;
pub mod deadlines;
pub mod fields;
pub mod lifecycle;
pub mod preflight;
pub mod queries;
pub mod rules;
pub mod scoring;
pub mod setup;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::domain::access::{Action, Resource};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub use camps::{NewCamp, NewSession, NotAdded, create_camp, create_session};
pub use queries::{ProgrammeSummary, SessionRow};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/programmes",
            Access::Policy(Action::Read, Resource::Programme),
            programmes_page,
        )
        .merge(setup::routes())
        .merge(rules::routes())
        .merge(camps::routes())
        .merge(lifecycle::routes())
        .merge(deadlines::routes())
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
struct ProgrammesPage {
    nav: Nav,
    programmes: Vec<(ProgrammeSummary, Vec<SessionRow>)>,
}

/// Every programme with its sessions, for anyone logged in.
pub async fn with_sessions(
    db: &crate::store::Db,
) -> Result<Vec<(ProgrammeSummary, Vec<SessionRow>)>, sqlx::Error> {
    let mut programmes = Vec::new();
    for p in queries::programmes(db).await? {
        let sessions = queries::sessions(db, p.id).await?;
        programmes.push((p, sessions));
    }
    Ok(programmes)
}

async fn programmes_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ProgrammesPage> {
    authorize(&user, Action::Read, Resource::Programme)?;
    authorize(&user, Action::Read, Resource::Session)?;
    Ok(ProgrammesPage {
        nav: Nav::from(&visitor),
        programmes: with_sessions(&state.db).await?,
    })
}

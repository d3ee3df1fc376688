//! Programmes and their sessions: what families can apply for.

pub mod queries;
mod setup;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub use queries::{ProgrammeSummary, SessionRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(programmes_page))
        .merge(setup::router())
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
struct ProgrammesPage {
    nav: Nav,
    programmes: Vec<(ProgrammeSummary, Vec<SessionRow>)>,
}

async fn programmes_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ProgrammesPage> {
    authorize(&user, Action::Read, Resource::Programme)?;
    authorize(&user, Action::Read, Resource::Session)?;
    let mut programmes = Vec::new();
    for p in queries::programmes(&state.db).await? {
        let sessions = queries::sessions(&state.db, p.id).await?;
        programmes.push((p, sessions));
    }
    Ok(ProgrammesPage {
        nav: Nav::from(&visitor),
        programmes,
    })
}

//! What anyone can see without logging in.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::programmes::queries::{self, ProgrammeSummary, SessionRow};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::page::Nav;
use crate::web::session::Visitor;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(start_page))
}

#[derive(Template, WebTemplate)]
#[template(path = "public/start.html")]
struct StartPage {
    nav: Nav,
    programmes: Vec<(ProgrammeSummary, Vec<SessionRow>)>,
}

async fn start_page(State(state): State<AppState>, visitor: Visitor) -> AppResult<StartPage> {
    let mut programmes = Vec::new();
    for p in queries::programmes(&state.db).await? {
        let sessions = queries::sessions(&state.db, p.id).await?;
        programmes.push((p, sessions));
    }
    Ok(StartPage {
        nav: Nav::from(&visitor),
        programmes,
    })
}

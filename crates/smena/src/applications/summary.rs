//! A printable summary of an application: what the family submitted
//! (child, ranked sessions, consents with who gave them and when,
//! documents and their review), the reference and the result once
//! published — one page to keep or to show at school, printed from the
//! browser (no script; the print style drops the site's header).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::apply::load;
use super::queries::{Application, Child};
use crate::documents::{self, DocumentRow};
use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::programmes::queries::{self as programmes, SessionRow};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/applications/{id}/summary",
        Access::Policy(Action::Read, Resource::Application),
        summary,
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/summary.html")]
struct SummaryPage {
    nav: Nav,
    application: Application,
    child: Child,
    programme: String,
    /// The sessions ranked, best first.
    choices: Vec<SessionRow>,
    consents: Vec<super::consents::ConsentEvent>,
    documents: Vec<DocumentRow>,
    /// The place offered: (session, rank, state), once published.
    offer: Option<(String, i32, OfferStatus)>,
    /// When this summary was made, on the programme's clock.
    made: i64,
}

async fn summary(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<SummaryPage> {
    let (application, child, permit) = load(&state, &user, Action::Read, id).await?;
    state.record(&permit, Some(id), "summary").await?;
    let (programme,): (String,) = sqlx::query_as("SELECT name FROM programmes WHERE id = $1")
        .bind(application.programme_id)
        .fetch_one(state.db.pool())
        .await?;
    let sessions = programmes::sessions(&state.db, application.programme_id).await?;
    let choices = application
        .choices
        .iter()
        .filter_map(|id| sessions.iter().find(|s| s.id == *id).cloned())
        .collect();
    let offer = sqlx::query_as(
        "SELECT s.code, o.choice_rank, o.status FROM offers o JOIN sessions s ON s.id = o.session_id \
         WHERE o.application_id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(SummaryPage {
        nav: Nav::from(&visitor),
        consents: super::consents::history(&state.db, id).await?,
        documents: documents::of_child(&state.db, child.id).await?,
        application,
        child,
        programme,
        choices,
        offer,
        made: crate::store::now_ms(),
    })
}

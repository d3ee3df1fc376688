//! Notifications: messages go into an outbox table in the same transaction
//! as the change they announce, so none is lost; `delivery` sends them over
//! SMTP when a mail server is configured. The coordinator can read the
//! outbox and see what was sent, what waits and why.

pub mod delivery;
pub mod outbox;

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

pub fn router() -> Router<AppState> {
    Router::new().route("/coordinator/outbox", get(outbox_page))
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/outbox.html")]
struct OutboxPage {
    nav: Nav,
    delivering: bool,
    messages: Vec<outbox::Message>,
}

async fn outbox_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<OutboxPage> {
    authorize(&user, Action::Read, Resource::Outbox)?;
    Ok(OutboxPage {
        nav: Nav::from(&visitor),
        delivering: state.config.mail.is_some(),
        messages: outbox::recent(&state.db, 200).await?,
    })
}

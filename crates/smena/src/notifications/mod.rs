//! Notifications: messages go into an outbox table in the same transaction
//! as the change they announce, so none is lost; `delivery` sends them over
//! SMTP when a mail server is configured. The coordinator can read the
//! outbox and see what was sent, what waits and why.

pub mod delivery;
pub mod outbox;

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

pub fn router() -> Routes {
    Routes::new().get(
        "/coordinator/outbox",
        Access::Policy(Action::Read, Resource::Outbox),
        outbox_page,
    )
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
        delivering: state.config.delivers_mail,
        messages: outbox::recent(&state.db, 200).await?,
    })
}

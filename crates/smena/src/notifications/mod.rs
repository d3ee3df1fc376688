//! Notifications: messages go into an outbox table in the same transaction
//! as the change they announce, so none is lost; `delivery` sends them over
//! SMTP when a mail server is configured. The coordinator can read the
//! outbox and see what was sent, what waits and why.

pub mod delivery;
pub mod outbox;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use crate::domain::access::{Action, Resource};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::paging::{ListQuery, PAGE_SIZE, Pager};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/coordinator/outbox",
            Access::Policy(Action::Read, Resource::Outbox),
            outbox_page,
        )
        // Anyone logged in reads what was sent to their own address.
        .get("/account/messages", Access::Login, own_messages)
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/messages.html")]
struct MessagesPage {
    nav: Nav,
    messages: Vec<outbox::Message>,
}

/// Everything Smena sent the account (newest first): when, the subject,
/// whether it went; the text while it is kept (a one-time link never).
async fn own_messages(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<MessagesPage> {
    Ok(MessagesPage {
        nav: Nav::from(&visitor),
        messages: outbox::to(&state.db, &user.email, 200).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/outbox.html")]
struct OutboxPage {
    nav: Nav,
    delivering: bool,
    messages: Vec<outbox::Message>,
    query: ListQuery,
    pager: Pager,
}

async fn outbox_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> AppResult<OutboxPage> {
    authorize(&user, Action::Read, Resource::Outbox)?;
    let like = query.like();
    let search = (!query.search().is_empty()).then_some(like.as_str());
    let oldest = query.sort == "oldest";
    let size = i64::from(PAGE_SIZE);
    let (mut messages, total) = outbox::page(
        &state.db,
        &query.status,
        search,
        oldest,
        size,
        query.offset(),
    )
    .await?;
    let pager = Pager::new("/coordinator/outbox", &query, total);
    // A page beyond the end shows the last one.
    if pager.number != query.number() {
        messages = outbox::page(
            &state.db,
            &query.status,
            search,
            oldest,
            size,
            pager.offset(),
        )
        .await?
        .0;
    }
    Ok(OutboxPage {
        nav: Nav::from(&visitor),
        delivering: state.config.delivers_mail,
        messages,
        query,
        pager,
    })
}

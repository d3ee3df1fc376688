//! Logging in and out. A login starts with a new token (the token changes
//! at login); failures are counted per account and per address.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{password, queries, with_login_cookie};
use crate::domain::access::{Action, Resource};
use crate::store::Outcome;
use crate::web::AppState;
use crate::web::client::ClientIp;
use crate::web::error::AppResult;
use crate::web::login::{self, Cookie, Visitor, set_cookie};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};
use crate::web::throttle::{self, Limit};

/// Attempts on one account from one address, then a wait: guessing is
/// stopped there, and the account's owner elsewhere is not locked out.
const AT_ONE_ADDRESS: Limit = Limit::per_minutes(5, 15);
/// Failed attempts from one address on any accounts, then a wait.
const FROM_ONE_ADDRESS: Limit = Limit::per_minutes(20, 15);
/// Failed attempts on one account from anywhere before each further
/// attempt is slowed down.
const SLOWED_AFTER: i32 = 10;

pub fn routes() -> Routes {
    Routes::new()
        .get("/login", Access::Anyone, login_page)
        .post("/login", Access::Anyone, log_in)
        .post("/logout", Access::Login, log_out)
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    nav: Nav,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login_page(visitor: Visitor) -> Response {
    if visitor.user.is_some() {
        return Redirect::to("/home").into_response();
    }
    LoginPage {
        nav: Nav::from(&visitor),
        email: String::new(),
        error: None,
    }
    .into_response()
}

async fn log_in(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    // Each attempt is counted before the password is checked, atomically:
    // parallel guesses cannot all pass. A success is taken back.
    let (here, address, account_anywhere) = (
        format!("login:{email}|{address}"),
        format!("login-address:{address}"),
        format!("login-account:{email}"),
    );
    throttle::attempt(&state.db, &here, AT_ONE_ADDRESS).await?;
    throttle::attempt(&state.db, &address, FROM_ONE_ADDRESS).await?;
    let (tried, _) = throttle::count(&state.db, &account_anywhere, AT_ONE_ADDRESS.window).await?;
    tokio::time::sleep(throttle::delay(tried, SLOWED_AFTER)).await;
    let account = queries::by_email(&state.db, &email).await?;
    let ok = password::verify(
        form.password,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let permit = Permit::anyone(Action::Login, Resource::Account);
    let known = account.as_ref().map(|a| a.id);
    let Some(account) = account.filter(|_| ok) else {
        state
            .write(&permit, async |c| {
                c.record(
                    Action::Login,
                    Resource::Account,
                    known,
                    Outcome::Failed,
                    "wrong e-mail or password",
                );
                Ok(())
            })
            .await?;
        let page = LoginPage {
            nav: Nav::from(&visitor),
            email: form.email,
            error: Some(visitor.language.text("login-wrong")),
        };
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    throttle::clear(&state.db, &here).await?;
    throttle::succeeded(&state.db, &address).await?;
    throttle::succeeded(&state.db, &account_anywhere).await?;
    let token = state
        .write(&permit, async |c| {
            let token = login::start(c, account.id, visitor.login_hash.as_deref()).await?;
            c.audit(Some(account.id), account.role.code());
            Ok(token)
        })
        .await?;
    Ok(with_login_cookie(&state, &token, Redirect::to("/home")))
}

async fn log_out(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if let (Some(hash), Some(user)) = (&visitor.login_hash, &visitor.user) {
        let permit = authorize(user, Action::Update, Resource::Account)?;
        state
            .write(&permit, async |c| {
                login::end(c, hash).await?;
                c.audit_as(Action::Logout, Resource::Account, Some(user.id), "");
                Ok(())
            })
            .await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::Login, "", 0, state.config.secure_cookies),
    );
    // A phone shared or handed back keeps nothing of the one logged out:
    // the roll calls' cached pages (children's names) and their stored
    // marks go, with the service worker. The pages send waiting marks
    // before they log out (static/before-logout.js).
    response.headers_mut().insert(
        "clear-site-data",
        header::HeaderValue::from_static("\"cache\", \"storage\""),
    );
    Ok(response)
}

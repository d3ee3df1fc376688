//! A forgotten password is reset through a one-time link sent by e-mail; a
//! known one is changed from the account. Either way every login of the
//! account ends (this browser gets a new one after a change).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::queries::{self, Purpose};
use super::registration::TokenQuery;
use super::{Notice, password, validate, with_login_cookie};
use crate::domain::access::{Action, Resource};
use crate::store::{Mail, SECRET, SECRET_PURPOSE};
use crate::web::AppState;
use crate::web::client::ClientIp;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{self, User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};
use crate::web::throttle::{self, Limit};

/// Reset links asked for from one address, then a wait (each sends mail).
const FORGOT_FROM_ONE_ADDRESS: Limit = Limit::per_minutes(20, 15);
/// Reset links sent to one address: nobody's mailbox is flooded.
const FORGOT_TO_ONE_ADDRESS: Limit = Limit::per_minutes(3, 60);
/// Reset attempts (a link and a new password) from one address.
const RESETS_FROM_ONE_ADDRESS: Limit = Limit::per_minutes(20, 15);

/// How long a password reset link works.
const RESET_TTL_MS: i64 = 3600 * 1000;

pub fn routes() -> Routes {
    Routes::new()
        .get("/password/forgot", Access::Anyone, forgot_page)
        .post("/password/forgot", Access::Anyone, forgot)
        .get("/password/reset", Access::Anyone, reset_page)
        .post("/password/reset", Access::Anyone, reset)
        .get(
            "/account/password",
            Access::Policy(Action::Update, Resource::Account),
            change_page,
        )
        .post(
            "/account/password",
            Access::Policy(Action::Update, Resource::Account),
            change,
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    nav: Nav,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

async fn forgot_page(visitor: Visitor) -> ForgotPage {
    ForgotPage {
        nav: Nav::from(&visitor),
        email: String::new(),
        error: None,
    }
}

async fn forgot(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    visitor: Visitor,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let email = match validate::email(&form.email, visitor.language) {
        Ok(e) => e,
        Err(error) => {
            let page = ForgotPage {
                nav: Nav::from(&visitor),
                email: form.email,
                error: Some(error),
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    throttle::attempt(
        &state.db,
        &format!("forgot-from:{address}"),
        FORGOT_FROM_ONE_ADDRESS,
    )
    .await?;
    throttle::attempt(
        &state.db,
        &format!("forgot-to:{email}"),
        FORGOT_TO_ONE_ADDRESS,
    )
    .await?;
    let base = &state.config.base_url;
    let permit = Permit::anyone(Action::Update, Resource::Account);
    state
        .write(&permit, async |c| {
            let Some(account) = queries::by_email_in(c, &email).await? else {
                c.audit(None, "password_reset_unknown_address");
                return Ok(());
            };
            let token =
                queries::issue_token(c, account.id, Purpose::PasswordReset, RESET_TTL_MS).await?;
            let lang = account.language;
            let link = format!("{base}/password/reset?token={token}");
            c.send(Mail {
                to: email.clone(),
                kind: "password_reset",
                subject: lang.text("email-reset-subject"),
                body: lang.letter(
                    Some(&account.full_name),
                    "email-reset-body",
                    &[("link", SECRET)],
                ),
                secret: Some(state.config.key.seal(SECRET_PURPOSE, link.as_bytes())?),
            });
            c.audit(Some(account.id), "password_reset_asked");
            Ok(())
        })
        .await?;
    Ok(Notice {
        nav: Nav::from(&visitor),
        title: visitor.language.text("register-check-title"),
        message: visitor
            .language
            .text_with("forgot-sent", &[("email", &email)]),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    nav: Nav,
    token: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ResetForm {
    token: String,
    password: String,
    password_again: String,
}

async fn reset_page(visitor: Visitor, Query(q): Query<TokenQuery>) -> ResetPage {
    ResetPage {
        nav: Nav::from(&visitor),
        token: q.token.unwrap_or_default(),
        error: None,
    }
}

async fn reset(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    visitor: Visitor,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    throttle::attempt(
        &state.db,
        &format!("reset-from:{address}"),
        RESETS_FROM_ONE_ADDRESS,
    )
    .await?;
    let invalid = || AppError::BadRequest(visitor.language.text("reset-link-invalid"));
    // The link first: a new password is hashed (slow, on purpose) only for
    // a link that works.
    if !queries::token_valid(&state.db, &form.token, Purpose::PasswordReset).await? {
        return Err(invalid());
    }
    let retry = |error: String| {
        (
            StatusCode::BAD_REQUEST,
            ResetPage {
                nav: Nav::from(&visitor),
                token: form.token.clone(),
                error: Some(error),
            },
        )
            .into_response()
    };
    if let Some(e) = password::check_new(&form.password, "", visitor.language) {
        return Ok(retry(e));
    }
    if form.password != form.password_again {
        return Ok(retry(visitor.language.text("register-mismatch")));
    }
    let hash = password::hash(form.password.clone()).await?;
    let permit = Permit::anyone(Action::Update, Resource::Account);
    state
        .write(&permit, async |c| {
            let account = queries::use_token(c, &form.token, Purpose::PasswordReset)
                .await?
                .ok_or_else(invalid)?;
            queries::set_password(c, account, &hash).await?;
            c.audit(Some(account), "password_reset");
            Ok(())
        })
        .await?;
    Ok(Notice {
        nav: Nav::from(&visitor),
        title: visitor.language.text("reset-done-title"),
        message: visitor.language.text("reset-done-message"),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/change_password.html")]
struct ChangePage {
    nav: Nav,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ChangeForm {
    current: String,
    password: String,
    password_again: String,
}

async fn change_page(_user: User, visitor: Visitor) -> ChangePage {
    ChangePage {
        nav: Nav::from(&visitor),
        error: None,
    }
}

async fn change(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Account)?;
    let retry = |error: String| {
        (
            StatusCode::BAD_REQUEST,
            ChangePage {
                nav: Nav::from(&visitor),
                error: Some(error),
            },
        )
            .into_response()
    };
    let stored = queries::by_email(&state.db, &user.email)
        .await?
        .map(|a| a.password_hash);
    if !password::verify(form.current, stored).await {
        return Ok(retry(visitor.language.text("change-current-wrong")));
    }
    if let Some(e) = password::check_new(&form.password, &user.email, visitor.language) {
        return Ok(retry(e));
    }
    if form.password != form.password_again {
        return Ok(retry(visitor.language.text("change-mismatch")));
    }
    let hash = password::hash(form.password).await?;
    // Every other login ends; this browser gets a new one.
    let token = state
        .write(&permit, async |c| {
            queries::set_password(c, user.id, &hash).await?;
            c.audit(Some(user.id), "password_changed");
            Ok(login::start(c, user.id, None).await?)
        })
        .await?;
    Ok(with_login_cookie(
        &state,
        &token,
        Notice {
            nav: Nav::from(&visitor),
            title: visitor.language.text("reset-done-title"),
            message: visitor.language.text("change-done-message"),
        },
    ))
}

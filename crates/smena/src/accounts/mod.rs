//! Accounts: registration with e-mail verification, login and logout,
//! password reset and change, and each role's start page.

mod password;
mod queries;
mod throttle;
pub mod validate;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::language::Language;
use crate::notifications::outbox;
use crate::store::now_ms;
use crate::web::AppState;
use crate::web::client::ClientIp;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::Role;
use crate::web::session::{self, SESSION_COOKIE, User, Visitor, set_cookie};

pub use password::hash as hash_password;
pub use queries::{NewAccount, create as create_account};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/register", get(register_page).post(register))
        .route("/verify-email", get(verify_email))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
        .route("/account/password", get(change_page).post(change))
        .route("/home", get(home))
}

/// A page with one message (and the navigation bar).
#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct Notice {
    pub nav: Nav,
    pub title: String,
    pub message: String,
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

async fn login(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let subjects = [format!("account:{email}"), format!("address:{address}")];
    throttle::check(&state.db, &subjects[0], throttle::PER_ACCOUNT).await?;
    throttle::check(&state.db, &subjects[1], throttle::PER_ADDRESS).await?;
    let account = queries::by_email(&state.db, &email).await?;
    let ok = password::verify(
        form.password,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let Some(account) = account.filter(|_| ok) else {
        throttle::record_failure(&state.db, &subjects).await?;
        let page = LoginPage {
            nav: Nav::from(&visitor),
            email: form.email,
            error: Some(visitor.language.text("login-wrong")),
        };
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    throttle::clear(&state.db, &subjects[0]).await?;
    let token = session::start(&state.db, account.id, visitor.session_hash.as_deref()).await?;
    tracing::info!(account = account.id, role = %account.role, "login");
    Ok(with_session_cookie(&state, &token, Redirect::to("/home")))
}

fn with_session_cookie(state: &AppState, token: &str, response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            token,
            12 * 3600,
            state.config.secure_cookies,
        ),
    );
    response
}

async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if let Some(hash) = &visitor.session_hash {
        session::end(&state.db, hash).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    nav: Nav,
    full_name: String,
    email: String,
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct RegisterForm {
    full_name: String,
    email: String,
    password: String,
    password_again: String,
}

async fn register_page(visitor: Visitor) -> RegisterPage {
    RegisterPage {
        nav: Nav::from(&visitor),
        full_name: String::new(),
        email: String::new(),
        errors: vec![],
    }
}

/// Parents register themselves; other roles are created by the coordinator.
async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: axum::http::HeaderMap,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    // The browser's language is the first guess, remembered on the account.
    let language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or(Language::En);
    let mut errors = Vec::new();
    let name = validate::name(&form.full_name, visitor.language)
        .map_err(|e| errors.push(e))
        .ok();
    let email = validate::email(&form.email, visitor.language)
        .map_err(|e| errors.push(e))
        .ok();
    if let Some(e) = password::check_new(&form.password, &form.email, visitor.language) {
        errors.push(e);
    } else if form.password != form.password_again {
        errors.push(visitor.language.text("register-mismatch"));
    }
    let (Some(name), Some(email), true) = (name, email, errors.is_empty()) else {
        let page = RegisterPage {
            nav: Nav::from(&visitor),
            full_name: form.full_name,
            email: form.email,
            errors,
        };
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let hash = password::hash(form.password).await?;
    let mut tx = state.db.begin_write().await?;
    if queries::by_email_in(&mut tx, &email).await?.is_some() {
        // Say the same as for a new account, so the form does not reveal who
        // is registered; tell the owner of the address instead, in the
        // account's language.
        let (stored,): (String,) = sqlx::query_as("SELECT language FROM accounts WHERE email = $1")
            .bind(&email)
            .fetch_one(&mut *tx)
            .await?;
        let lang = Language::stored(&stored);
        let base = &state.config.base_url;
        outbox::enqueue(
            &mut tx,
            &email,
            "account_exists",
            &lang.text("email-account-exists-subject"),
            &lang.letter(
                None,
                "email-account-exists-body",
                &[
                    ("login", &format!("{base}/login")),
                    ("forgot", &format!("{base}/password/forgot")),
                ],
            ),
        )
        .await?;
        tx.commit().await?;
        return Ok(check_your_email(&visitor, &email).into_response());
    }
    let id = queries::create(
        &mut tx,
        &NewAccount {
            email: &email,
            password_hash: &hash,
            role: Role::Parent,
            full_name: &name,
            verified: false,
            school_id: None,
            camp_id: None,
        },
    )
    .await?;
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
        .bind(language.code())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let token = queries::issue_token(&mut tx, id, "verify_email", 48 * 3600 * 1000).await?;
    outbox::enqueue(
        &mut tx,
        &email,
        "email_verification",
        &language.text("email-verification-subject"),
        &language.letter(
            Some(&name),
            "email-verification-body",
            &[(
                "link",
                &format!("{}/verify-email?token={token}", state.config.base_url),
            )],
        ),
    )
    .await?;
    tx.commit().await?;
    let session_token = session::start(&state.db, id, visitor.session_hash.as_deref()).await?;
    tracing::info!(account = id, "registered");
    Ok(with_session_cookie(
        &state,
        &session_token,
        check_your_email(&visitor, &email),
    ))
}

fn check_your_email(visitor: &Visitor, email: &str) -> Notice {
    Notice {
        nav: Nav::from(visitor),
        title: visitor.language.text("register-check-title"),
        message: visitor
            .language
            .text_with("register-check-message", &[("email", email)]),
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn verify_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    let account = match q.token.as_deref() {
        Some(t) => queries::use_token(&mut tx, t, "verify_email").await?,
        None => None,
    };
    let Some(account) = account else {
        return Err(AppError::BadRequest(
            visitor.language.text("verify-link-invalid"),
        ));
    };
    sqlx::query(
        "UPDATE accounts SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now_ms())
    .bind(account)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Notice {
        nav: Nav::from(&visitor),
        title: visitor.language.text("verified-title"),
        message: visitor.language.text("verified-message"),
    }
    .into_response())
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
    // Reset requests count like failed logins: they send e-mail.
    let subject = format!("reset:{address}");
    throttle::check(&state.db, &subject, throttle::PER_ADDRESS).await?;
    throttle::record_failure(&state.db, std::slice::from_ref(&subject)).await?;
    let mut tx = state.db.begin_write().await?;
    if let Some(account) = queries::by_email_in(&mut tx, &email).await? {
        let token =
            queries::issue_token(&mut tx, account.id, "password_reset", 3600 * 1000).await?;
        let (stored,): (String,) = sqlx::query_as("SELECT language FROM accounts WHERE id = $1")
            .bind(account.id)
            .fetch_one(&mut *tx)
            .await?;
        let lang = Language::stored(&stored);
        outbox::enqueue(
            &mut tx,
            &email,
            "password_reset",
            &lang.text("email-reset-subject"),
            &lang.letter(
                Some(&account.full_name),
                "email-reset-body",
                &[(
                    "link",
                    &format!("{}/password/reset?token={token}", state.config.base_url),
                )],
            ),
        )
        .await?;
    }
    tx.commit().await?;
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
    visitor: Visitor,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
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
    let mut tx = state.db.begin_write().await?;
    let Some(account) = queries::use_token(&mut tx, &form.token, "password_reset").await? else {
        return Err(AppError::BadRequest(
            visitor.language.text("reset-link-invalid"),
        ));
    };
    queries::set_password(&mut tx, account, &hash).await?;
    tx.commit().await?;
    tracing::info!(account, "password reset");
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
    let mut tx = state.db.begin_write().await?;
    queries::set_password(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    // Every other session is closed; this browser gets a new one.
    let token = session::start(&state.db, user.id, None).await?;
    Ok(with_session_cookie(
        &state,
        &token,
        Notice {
            nav: Nav::from(&visitor),
            title: visitor.language.text("reset-done-title"),
            message: visitor.language.text("change-done-message"),
        },
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/home.html")]
struct HomePage {
    nav: Nav,
    user_name: String,
    role: Role,
    email_verified: bool,
}

async fn home(user: User, visitor: Visitor) -> HomePage {
    HomePage {
        nav: Nav::from(&visitor),
        user_name: user.full_name,
        role: user.role,
        email_verified: user.email_verified,
    }
}

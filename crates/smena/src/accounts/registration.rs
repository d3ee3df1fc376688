//! Parents register themselves (other roles are created by the
//! coordinator) and confirm their address through a one-time link.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::queries::{self, NewAccount, Purpose};
use super::{Notice, password, validate};
use crate::domain::access::{Action, Resource, Role};
use crate::language::Language;
use crate::store::{Mail, Outcome, SECRET, SECRET_PURPOSE, now_ms};
use crate::web::AppState;
use crate::web::client::ClientIp;
use crate::web::error::{AppError, AppResult};
use crate::web::login::Visitor;
use crate::web::page::Nav;
use crate::web::policy::Permit;
use crate::web::routes::{Access, Routes};
use crate::web::throttle::{self, Limit};

/// How long an e-mail confirmation link works.
const VERIFY_TTL_MS: i64 = 48 * 3600 * 1000;

pub fn routes() -> Routes {
    Routes::new()
        .get("/register", Access::Anyone, register_page)
        .post("/register", Access::Anyone, register)
        .get("/verify-email", Access::Anyone, verify_email)
        .post(
            "/account/verification",
            Access::Policy(Action::Update, Resource::Account),
            resend_verification,
        )
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

/// Registrations from one address (a school's network may be one), then
/// a wait.
const FROM_ONE_ADDRESS: Limit = Limit::per_minutes(30, 10);

async fn register(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    visitor: Visitor,
    headers: axum::http::HeaderMap,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    throttle::attempt(
        &state.db,
        &format!("register-from:{address}"),
        FROM_ONE_ADDRESS,
    )
    .await?;
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
    let base = &state.config.base_url;
    let permit = Permit::anyone(Action::Create, Resource::Account);
    // Whether or not the address is registered already, the answer is the
    // same: the same page, no login (the new account logs in once it has
    // confirmed its address); the owner of a known address gets an e-mail
    // instead. Nothing tells a visitor who is registered.
    state
        .write(&permit, async |c| {
            if let Some(existing) = queries::by_email_in(c, &email).await? {
                // Say the same as for a new account, so the form does not
                // reveal who is registered; tell the owner of the address
                // instead, in the account's language.
                let lang = existing.language;
                c.send(Mail {
                    to: email.clone(),
                    kind: "account_exists",
                    subject: lang.text("email-account-exists-subject"),
                    body: lang.letter(
                        None,
                        "email-account-exists-body",
                        &[
                            ("login", &format!("{base}/login")),
                            ("forgot", &format!("{base}/password/forgot")),
                        ],
                    ),
                    secret: None,
                });
                c.record(
                    Action::Create,
                    Resource::Account,
                    Some(existing.id),
                    Outcome::Failed,
                    "address already registered",
                );
                return Ok(());
            }
            let id = queries::create(
                c,
                &NewAccount {
                    email: &email,
                    password_hash: &hash,
                    role: Role::Parent,
                    full_name: &name,
                    language,
                    verified: false,
                    school_id: None,
                    camp_id: None,
                },
            )
            .await?;
            let token = queries::issue_token(c, id, Purpose::VerifyEmail, VERIFY_TTL_MS).await?;
            let link = format!("{base}/verify-email?token={token}");
            c.send(Mail {
                to: email.clone(),
                kind: "email_verification",
                subject: language.text("email-verification-subject"),
                body: language.letter(Some(&name), "email-verification-body", &[("link", SECRET)]),
                secret: Some(state.config.key.seal(SECRET_PURPOSE, link.as_bytes())?),
            });
            Ok(())
        })
        .await?;
    Ok(check_your_email(&visitor, &email).into_response())
}

/// At most this many confirmation e-mails sent again per account.
const RESENT_PER_ACCOUNT: Limit = Limit::per_minutes(3, 60);

/// A logged-in account whose address is not confirmed asks for the
/// confirmation e-mail again (the first went to spam, or expired): a new
/// link, sealed in the outbox like the first.
async fn resend_verification(
    State(state): State<AppState>,
    user: crate::web::login::User,
    visitor: Visitor,
) -> AppResult<Response> {
    let permit = crate::web::policy::authorize(&user, Action::Update, Resource::Account)?;
    if user.email_verified.0 {
        return Ok(axum::response::Redirect::to("/home").into_response());
    }
    throttle::attempt(
        &state.db,
        &format!("resend-verification:{}", user.id),
        RESENT_PER_ACCOUNT,
    )
    .await?;
    let base = state.config.base_url.clone();
    let lang = user.language;
    state
        .write(&permit, async |c| {
            let token =
                queries::issue_token(c, user.id, Purpose::VerifyEmail, VERIFY_TTL_MS).await?;
            let link = format!("{base}/verify-email?token={token}");
            c.send(Mail {
                to: user.email.clone(),
                kind: "email_verification",
                subject: lang.text("email-verification-subject"),
                body: lang.letter(
                    Some(&user.full_name),
                    "email-verification-body",
                    &[("link", SECRET)],
                ),
                secret: Some(state.config.key.seal(SECRET_PURPOSE, link.as_bytes())?),
            });
            c.audit(Some(user.id), "confirmation_sent_again");
            Ok(())
        })
        .await?;
    Ok(check_your_email(&visitor, &user.email).into_response())
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
pub struct TokenQuery {
    pub token: Option<String>,
}

async fn verify_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let permit = Permit::anyone(Action::Update, Resource::Account);
    let invalid = || AppError::BadRequest(visitor.language.text("verify-link-invalid"));
    state
        .write(&permit, async |c| {
            let account = match q.token.as_deref() {
                Some(t) => queries::use_token(c, t, Purpose::VerifyEmail).await?,
                None => None,
            };
            let account = account.ok_or_else(invalid)?;
            sqlx::query(
                "UPDATE accounts SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
            )
            .bind(now_ms())
            .bind(account)
            .execute(&mut **c)
            .await?;
            c.audit(Some(account), "email_confirmed");
            Ok(())
        })
        .await?;
    Ok(Notice {
        nav: Nav::from(&visitor),
        title: visitor.language.text("verified-title"),
        message: visitor.language.text("verified-message"),
    }
    .into_response())
}

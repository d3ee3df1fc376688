//! Who is asking: logins (a signed-in browser: a random token in an
//! HttpOnly, SameSite cookie; its SHA-256 in the `logins` table).
//!
//! The middleware runs before every route: it loads the login, or gives an
//! anonymous visitor a CSRF token of their own (double-submit cookie), has
//! the request checked ([`super::csrf`]), and writes error pages in the
//! visitor's language.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::{AppError, ErrorText};
use crate::domain::access::Role;
use crate::language::Language;
use crate::store::{Actor, Change, Db, now_ms, random_token, token_hash};

/// Our cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cookie {
    /// A login's token (HttpOnly).
    Login,
    /// An anonymous visitor's CSRF token.
    Csrf,
    /// The language chosen on this device.
    Language,
}

impl Cookie {
    /// The cookie's name. Behind HTTPS the login and CSRF cookies carry the
    /// `__Host-` prefix: a browser then takes them only from this host,
    /// over HTTPS, for the whole site (no other subdomain can set them).
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Cookie::Login, false) => "smena_login",
            (Cookie::Login, true) => "__Host-smena_login",
            (Cookie::Csrf, false) => "smena_csrf",
            (Cookie::Csrf, true) => "__Host-smena_csrf",
            (Cookie::Language, _) => "smena_lang",
        }
    }
}

/// A login lasts this long from its last request…
pub const LOGIN_TTL_SECS: i64 = 12 * 3600;
const LOGIN_TTL_MS: i64 = LOGIN_TTL_SECS * 1000;
/// …and never longer than this from when it started.
const LOGIN_ABSOLUTE_MS: i64 = 24 * 3600 * 1000;
/// `last_seen_at` is refreshed at most this often (a write per request would
/// be wasted work).
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// A logged-in user.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub role: Role,
    pub email: String,
    pub full_name: String,
    #[sqlx(try_from = "Option<i64>", rename = "email_verified_at")]
    pub email_verified: Verified,
    pub school_id: Option<i64>,
    pub camp_id: Option<i64>,
    /// The language the account reads (e-mail follows it).
    pub language: Language,
}

/// Whether the account's e-mail address is confirmed (read from the time
/// it was).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified(pub bool);

impl From<Option<i64>> for Verified {
    fn from(at: Option<i64>) -> Self {
        Verified(at.is_some())
    }
}

impl User {
    /// The user as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::Account {
            id: self.id,
            role: self.role,
        }
    }
}

/// The person making the request, logged in or not.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub user: Option<User>,
    /// The token forms must send back.
    pub csrf: String,
    /// SHA-256 of the login's token, when logged in.
    pub login_hash: Option<String>,
    /// The language to answer in: the one chosen on this device (cookie),
    /// else the account's, else the browser's.
    pub language: Language,
    /// The path and query asked for, to come back to after switching
    /// language.
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("login middleware missing")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Visitor::from_request_parts(parts, state)
            .await?
            .user
            .ok_or(AppError::LoginRequired)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for User {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(Visitor::from_request_parts(parts, state).await?.user)
    }
}

/// The value of one of our cookies in the request, if any.
pub fn cookie(headers: &HeaderMap, cookie: Cookie, secure: bool) -> Option<&str> {
    cookie_named(headers, cookie.name(secure))
}

fn cookie_named<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for one of our cookies.
pub fn set_cookie(cookie: Cookie, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let name = cookie.name(secure);
    let secure = if secure { "; Secure" } else { "" };
    let http_only = if cookie == Cookie::Login {
        "; HttpOnly"
    } else {
        ""
    };
    let text =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax{http_only}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(sqlx::FromRow)]
struct Loaded {
    #[sqlx(flatten)]
    user: User,
    csrf_token: String,
    last_seen_at: i64,
    /// Whether the holder chose the account's language (else the browser's
    /// is followed: demo accounts). 1 or 0.
    language_chosen: i64,
}

async fn load(db: &Db, hash: &str) -> Result<Option<Loaded>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.role, a.email, a.full_name, a.email_verified_at, a.school_id, a.camp_id, a.language, \
                l.csrf_token, l.last_seen_at, a.language_chosen \
         FROM logins l JOIN accounts a ON a.id = l.account_id \
         WHERE l.token_hash = $1 AND l.expires_at > $2 AND l.created_at > $3",
    )
    .bind(hash)
    .bind(now_ms())
    .bind(now_ms() - LOGIN_ABSOLUTE_MS)
    .fetch_optional(db.pool())
    .await
}

/// Starts a login in the caller's change (a new token every time: the
/// token changes at login) and returns the cookie's token.
pub async fn start(
    c: &mut Change,
    account_id: i64,
    replacing: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = now_ms();
    if let Some(old) = replacing {
        end(c, old).await?;
    }
    sqlx::query(
        "INSERT INTO logins (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(random_token())
    .bind(now)
    .bind(now)
    .bind(now + LOGIN_TTL_MS)
    .execute(&mut **c)
    .await?;
    Ok(token)
}

/// Ends one login, in the caller's change.
pub async fn end(c: &mut Change, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM logins WHERE token_hash = $1")
        .bind(hash)
        .execute(&mut **c)
        .await?;
    Ok(())
}

/// Ends every login of an account (a new password), in the caller's change.
pub async fn end_all(c: &mut Change, account: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM logins WHERE account_id = $1")
        .bind(account)
        .execute(&mut **c)
        .await?;
    Ok(())
}

/// Pushes a login's expiry back: it lasts as long as it is used. This is
/// bookkeeping, not a change of anyone's data, so it is not audited.
async fn touch(db: &Db, hash: &str, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE logins SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now)
        .bind(now + LOGIN_TTL_MS)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let browser_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or(Language::En);
    let secure = state.config.secure_cookies;
    let chosen = cookie(headers, Cookie::Language, secure).and_then(Language::parse);
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    // Programs, not browsers, call the API: its errors are JSON.
    let api = path.starts_with("/api/");
    let mut visitor = Visitor {
        user: None,
        csrf: String::new(),
        login_hash: None,
        language: chosen.unwrap_or(browser_language),
        path,
    };
    if let Some(token) = cookie(headers, Cookie::Login, secure) {
        let hash = token_hash(token);
        match load(&state.db, &hash).await {
            Ok(Some(loaded)) => {
                let now = now_ms();
                // The visit goes on if this fails: the login just expires
                // sooner.
                if now - loaded.last_seen_at > TOUCH_EVERY_MS
                    && let Err(e) = touch(&state.db, &hash, now).await
                {
                    tracing::warn!(error = %e, "cannot renew a login");
                }
                if chosen.is_none() && loaded.language_chosen != 0 {
                    visitor.language = loaded.user.language;
                }
                visitor.user = Some(loaded.user);
                visitor.csrf = loaded.csrf_token;
                visitor.login_hash = Some(hash);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let mut new_anonymous_token = None;
    if visitor.user.is_none() {
        visitor.csrf = match cookie(headers, Cookie::Csrf, secure).filter(|t| t.len() == 64) {
            Some(t) => t.to_string(),
            None => {
                let t = random_token();
                new_anonymous_token = Some(t.clone());
                t
            }
        };
    }
    // Who made the request, for the request log (ids only, never names).
    let actor = visitor.user.as_ref().map(User::actor);
    let language = visitor.language;
    let token = visitor.csrf.clone();
    let mut response = match super::csrf::check(req, &token).await {
        Ok(mut req) => {
            req.extensions_mut().insert(visitor);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    };
    if let Some(t) = new_anonymous_token {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(Cookie::Csrf, &t, LOGIN_TTL_SECS, secure),
        );
    }
    if api {
        response = super::error::as_json(response, language);
    }
    // Error pages are written in the visitor's language.
    if let Some(text) = response.extensions_mut().remove::<ErrorText>()
        && super::error::is_error(response.status())
    {
        let status = response.status();
        let page = super::page::error_page(status, &text.message(language), language);
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, Body::from(page));
    }
    if let Some(actor) = actor {
        response.extensions_mut().insert(actor);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; smena_login=abc; b=2"),
        );
        assert_eq!(cookie(&h, Cookie::Login, false), Some("abc"));
        assert_eq!(cookie(&h, Cookie::Csrf, false), None);
        assert_eq!(
            cookie(&h, Cookie::Login, true),
            None,
            "HTTPS reads __Host- only"
        );
    }

    #[test]
    fn login_cookie_is_http_only_and_same_site() {
        let v = set_cookie(Cookie::Login, "t", 60, true);
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Lax") && v.contains("Secure"));
        assert!(v.starts_with("__Host-smena_login=t; Path=/;"), "{v}");
        let v = set_cookie(Cookie::Csrf, "t", 60, false);
        assert!(!v.to_str().unwrap().contains("HttpOnly"));
    }
}

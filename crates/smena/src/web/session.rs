//! Who is asking: server-side login sessions (a random token in an HttpOnly,
//! SameSite cookie; its SHA-256 in the database) and CSRF protection on
//! every state-changing request.
//!
//! The middleware runs before every route: it loads the login session, or
//! gives an anonymous visitor a CSRF token of their own (double-submit
//! cookie), and refuses a POST whose token is missing or wrong, or whose
//! `Origin` is another site.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::Row as _;

use super::AppState;
use super::error::{AppError, ErrorText};
use super::policy::Role;
use crate::language::Language;
use crate::store::{Db, now_ms, random_token, token_hash};

pub const SESSION_COOKIE: &str = "smena_session";
pub const CSRF_COOKIE: &str = "smena_csrf";
/// A login lasts 12 hours from the last request.
const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
/// `last_seen_at` is refreshed at most this often (a write per request would
/// be wasted work).
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;
/// Largest form body read while looking for the CSRF field.
const FORM_LIMIT: usize = 1 << 20;

/// A logged-in user.
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub role: Role,
    pub email: String,
    pub full_name: String,
    pub email_verified: bool,
    pub school_id: Option<i64>,
    pub camp_id: Option<i64>,
    /// The language the account reads (a code such as "ru").
    pub language: String,
}

/// The person making the request, logged in or not.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub user: Option<User>,
    /// The token forms must send back.
    pub csrf: String,
    /// SHA-256 of the login session's token, when logged in.
    pub session_hash: Option<String>,
    /// The language to answer in: the one chosen on this device (cookie),
    /// else the account's, else the browser's.
    pub language: Language,
    /// The path and query asked for, to come back to after switching
    /// language.
    pub path: String,
}

/// The cookie remembering the language chosen on this device.
pub const LANGUAGE_COOKIE: &str = "smena_lang";

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session middleware missing")))
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

/// The value of a cookie in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let http_only = if name == SESSION_COOKIE {
        "; HttpOnly"
    } else {
        ""
    };
    let text =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax{http_only}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn load(db: &Db, hash: &str) -> Result<Option<(User, String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT a.id, a.role, a.email, a.full_name, a.email_verified_at, a.school_id, a.camp_id, a.language, \
                s.csrf_token, s.last_seen_at \
         FROM login_sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(hash)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(role) = Role::parse(row.try_get::<String, _>("role")?.as_str()) else {
        return Ok(None);
    };
    let user = User {
        id: row.try_get("id")?,
        role,
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        email_verified: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .is_some(),
        school_id: row.try_get("school_id")?,
        camp_id: row.try_get("camp_id")?,
        language: row.try_get("language")?,
    };
    Ok(Some((
        user,
        row.try_get("csrf_token")?,
        row.try_get("last_seen_at")?,
    )))
}

/// Starts a login session (a new token every time: the session id changes at
/// login) and returns the cookie token.
pub async fn start(
    db: &Db,
    account_id: i64,
    replacing: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if let Some(old) = replacing {
        sqlx::query("DELETE FROM login_sessions WHERE token_hash = $1")
            .bind(old)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO login_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(random_token())
    .bind(now)
    .bind(now)
    .bind(now + SESSION_TTL_MS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Ends one login session.
pub async fn end(db: &Db, hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_sessions WHERE token_hash = $1")
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Pushes a session's expiry back: it lasts as long as it is used.
async fn touch(db: &Db, hash: &str, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE login_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
    )
    .bind(now)
    .bind(now + SESSION_TTL_MS)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Is this a request that changes something?
fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The CSRF token sent with a request: header, query parameter, or the
/// `csrf` field of the URL-encoded form (already parsed).
fn submitted_token(req: &Request, form: Option<&[(String, String)]>) -> Option<String> {
    if let Some(v) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return Some(v.to_string());
    }
    if let Some(q) = req.uri().query()
        && let Some(v) = form_field(q.as_bytes(), "csrf")
    {
        return Some(v);
    }
    form?
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
}

/// Largest body read to its end (and discarded) to answer "too large"
/// with an explanation instead of a broken connection.
const DRAIN_LIMIT: usize = 16 << 20;

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Reads a URL-encoded form body (at most `FORM_LIMIT` kept) and puts it
/// back into the request; other bodies are left alone.
async fn buffer_form(req: Request) -> Result<(Request, Option<bytes::Bytes>), AppError> {
    use http_body_util::BodyExt as _;
    if !is_form(&req) {
        return Ok((req, None));
    }
    let too_large = || AppError::Invalid("form-too-large", vec![]);
    let (parts, mut body) = req.into_parts();
    let mut kept = Vec::new();
    let (mut total, mut oversize) = (0usize, false);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| AppError::Invalid("form-incomplete", vec![]))?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total > DRAIN_LIMIT {
                return Err(too_large());
            }
            if kept.len() + data.len() > FORM_LIMIT {
                oversize = true;
            } else if !oversize {
                kept.extend_from_slice(&data);
            }
        }
    }
    if oversize {
        return Err(too_large());
    }
    let bytes = bytes::Bytes::from(kept);
    Ok((
        Request::from_parts(parts, Body::from(bytes.clone())),
        Some(bytes),
    ))
}

/// Text with a NUL character cannot be stored (PostgreSQL refuses it) and
/// is never typed by people: it is refused with a clear message.
fn has_nul(fields: &[(String, String)]) -> bool {
    fields
        .iter()
        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

fn parse_form(encoded: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(encoded).unwrap_or_default()
}

fn form_field(encoded: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Equal without revealing where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A request whose `Origin` names another site.
fn foreign_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin != "null" && origin_host != host
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let browser_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or(Language::En);
    let chosen = cookie(headers, LANGUAGE_COOKIE).and_then(Language::parse);
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let mut visitor = Visitor {
        user: None,
        csrf: String::new(),
        session_hash: None,
        language: chosen.unwrap_or(browser_language),
        path,
    };
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let hash = token_hash(token);
        match load(&state.db, &hash).await {
            Ok(Some((user, csrf, last_seen))) => {
                let now = now_ms();
                // The visit goes on if this fails: the session just
                // expires sooner.
                if now - last_seen > TOUCH_EVERY_MS
                    && let Err(e) = touch(&state.db, &hash, now).await
                {
                    tracing::warn!(error = %e, "cannot renew a session");
                }
                if chosen.is_none() {
                    visitor.language = Language::stored(&user.language);
                }
                visitor.user = Some(user);
                visitor.csrf = csrf;
                visitor.session_hash = Some(hash);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }
    let mut new_anonymous_token = None;
    if visitor.user.is_none() {
        visitor.csrf = match cookie(headers, CSRF_COOKIE).filter(|t| t.len() == 64) {
            Some(t) => t.to_string(),
            None => {
                let t = random_token();
                new_anonymous_token = Some(t.clone());
                t
            }
        };
    }
    // Who made the request, for the request log (ids only, never names).
    let actor = visitor.user.as_ref().map(|u| Actor {
        id: u.id,
        role: u.role.as_str(),
    });
    let language = visitor.language;
    let mut response = checked(state, visitor, new_anonymous_token, req, next).await;
    // Error pages are written in the visitor's language.
    if let Some(text) = response.extensions_mut().remove::<ErrorText>() {
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

/// The account behind a request, as the request log shows it.
#[derive(Clone, Copy)]
pub struct Actor {
    pub id: i64,
    pub role: &'static str,
}

/// The request's form and origin checks, then the route.
async fn checked(
    state: AppState,
    visitor: Visitor,
    new_anonymous_token: Option<String>,
    req: Request,
    next: Next,
) -> Response {
    let mut req = req;
    let nul = || AppError::Invalid("form-nul", vec![]).into_response();
    if req
        .uri()
        .query()
        .is_some_and(|q| has_nul(&parse_form(q.as_bytes())))
    {
        return nul();
    }
    let (r, body) = match buffer_form(req).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    req = r;
    let form = body.map(|b| parse_form(&b));
    if form.as_deref().is_some_and(has_nul) {
        return nul();
    }
    if unsafe_method(req.method()) {
        if foreign_origin(req.headers()) {
            return AppError::Refused("form-foreign").into_response();
        }
        let token = submitted_token(&req, form.as_deref());
        if !token.is_some_and(|t| same(&t, &visitor.csrf)) {
            return AppError::Refused("form-expired").into_response();
        }
    }
    req.extensions_mut().insert(visitor);
    let mut response = next.run(req).await;
    if let Some(t) = new_anonymous_token {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &t, 12 * 3600, state.config.secure_cookies),
        );
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
            HeaderValue::from_static("a=1; smena_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
    }

    #[test]
    fn session_cookie_is_http_only_and_same_site() {
        let v = set_cookie(SESSION_COOKIE, "t", 60, true);
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Lax") && v.contains("Secure"));
    }

    #[test]
    fn foreign_origins_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(!foreign_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(!foreign_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(foreign_origin(&h));
    }
}

//! CSRF protection on every state-changing request: the form's token (or
//! the `X-CSRF-Token` header) must match the visitor's, and an `Origin`
//! header must name this site. Forms are read here once (at most
//! [`FORM_LIMIT`]) and put back for the route; text with a NUL character is
//! refused, since no one types it and PostgreSQL cannot store it.

use crate::store::same;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};

use super::error::AppError;

/// Largest form body read while looking for the CSRF field.
const FORM_LIMIT: usize = 1 << 20;
/// Largest body read to its end (and discarded) to answer "too large"
/// with an explanation instead of a broken connection.
const DRAIN_LIMIT: usize = 16 << 20;

/// Checks the request's form and origin against the visitor's token and
/// gives the request back, its body intact.
pub async fn check(req: Request, token: &str) -> Result<Request, AppError> {
    let nul = || AppError::Invalid("form-nul", vec![]);
    if req
        .uri()
        .query()
        .is_some_and(|q| has_nul(&parse_form(q.as_bytes())))
    {
        return Err(nul());
    }
    let (req, body) = buffer_form(req).await?;
    let form = body.map(|b| parse_form(&b));
    if form.as_deref().is_some_and(has_nul) {
        return Err(nul());
    }
    if unsafe_method(req.method()) {
        if foreign_origin(req.headers()) {
            return Err(AppError::Refused("form-foreign"));
        }
        let sent = submitted_token(&req, form.as_deref());
        if !sent.is_some_and(|t| same(&t, token)) {
            return Err(AppError::Refused("form-expired"));
        }
    }
    Ok(req)
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}

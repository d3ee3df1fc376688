//! One error type for every route, mapped to a status code and a page that
//! says what is wrong in words.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::language::Language;

/// What went wrong while answering a request.
#[derive(Debug)]
pub enum AppError {
    /// Not found — also the answer for anything the user may not see, so
    /// another family's record looks exactly like one that does not exist.
    NotFound,
    /// Not logged in: go to the login page.
    LoginRequired,
    /// The input is wrong; the message says how.
    BadRequest(String),
    /// The input is wrong: the Fluent text `key` with its arguments, written
    /// in the visitor's language when the page is.
    Invalid(&'static str, Vec<(&'static str, String)>),
    /// The form is refused (403): the Fluent text `key`.
    Refused(&'static str),
    /// Someone else changed the record first (409): the Fluent text `key`
    /// with its arguments says what it is now. Nothing was overwritten.
    Conflict(&'static str, Vec<(&'static str, String)>),
    /// Too many attempts; try again after this many seconds.
    TooManyRequests(u64),
    /// Too much at once (429): the Fluent text `key`; try again after this
    /// many seconds.
    Busy(&'static str, u64),
    /// A bug or an outage; details go to the log, not to the user.
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<crate::store::keys::KeyError> for AppError {
    fn from(e: crate::store::keys::KeyError) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<crate::store::Unaudited> for AppError {
    fn from(e: crate::store::Unaudited) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::LoginRequired => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) | AppError::Invalid(..) => StatusCode::BAD_REQUEST,
            AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(..) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) | AppError::Busy(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user, in `lang`.
    pub fn message(&self, lang: Language) -> String {
        self.text().message(lang)
    }

    fn text(&self) -> ErrorText {
        match self {
            AppError::NotFound => ErrorText::NotFound,
            AppError::LoginRequired => ErrorText::LogIn,
            AppError::BadRequest(m) => ErrorText::Said(m.clone()),
            AppError::Invalid(key, args) | AppError::Conflict(key, args) => {
                ErrorText::Key(key, args.clone())
            }
            AppError::Refused(key) => ErrorText::Key(key, Vec::new()),
            AppError::TooManyRequests(secs) => ErrorText::TooMany(secs.div_ceil(60).max(1)),
            AppError::Busy(key, _) => ErrorText::Key(key, Vec::new()),
            AppError::Internal(_) => ErrorText::Internal,
        }
    }
}

/// What an error page says, kept on the response so that the login layer,
/// which knows the visitor's language, can write the page in it.
#[derive(Clone, Debug)]
pub enum ErrorText {
    NotFound,
    LogIn,
    /// Already in words (the route wrote them in the visitor's language).
    Said(String),
    /// The Fluent text `key` with its arguments.
    Key(&'static str, Vec<(&'static str, String)>),
    /// Too many attempts: minutes to wait.
    TooMany(u64),
    Internal,
}

impl ErrorText {
    pub fn message(&self, lang: Language) -> String {
        match self {
            ErrorText::NotFound => lang.text("error-not-found"),
            ErrorText::LogIn => lang.text("error-log-in"),
            ErrorText::Said(m) => m.clone(),
            ErrorText::Key(key, args) => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                lang.text_with(key, &args)
            }
            ErrorText::TooMany(minutes) => {
                lang.text_with("error-too-many", &[("n", &minutes.to_string())])
            }
            ErrorText::Internal => lang.text("error-internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
        if let AppError::LoginRequired = self {
            let mut response =
                (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
            // Kept so that the API can answer 401 instead.
            response.extensions_mut().insert(ErrorText::LogIn);
            return response;
        }
        let status = self.status();
        let text = self.text();
        // English unless the login layer rewrites it in the visitor's
        // language (it does for every page it wraps).
        let mut response = (
            status,
            Html(super::page::error_page(
                status,
                &text.message(Language::En),
                Language::En,
            )),
        )
            .into_response();
        response.extensions_mut().insert(text);
        if let AppError::TooManyRequests(secs) | AppError::Busy(_, secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// The same error for a program: JSON `{"error": "..."}`, and 401 where a
/// page would send the browser to the login form. Any error the router
/// made itself (an unknown path, a wrong method, a malformed id) is turned
/// into JSON too, so that a client never has to read HTML.
pub fn as_json(mut response: Response, lang: Language) -> Response {
    let text = response.extensions_mut().remove::<ErrorText>();
    let status = match (response.status(), &text) {
        (StatusCode::SEE_OTHER, Some(ErrorText::LogIn)) => StatusCode::UNAUTHORIZED,
        (status, _) => status,
    };
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_error(status) || is_json {
        return response;
    }
    let message = text.map_or_else(
        || status.canonical_reason().unwrap_or("Error").to_string(),
        |t| t.message(lang),
    );
    let (mut parts, _) = response.into_parts();
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::LOCATION);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({ "error": message }).to_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// Whether an answer is an error page (rather than, say, a redirect).
pub fn is_error(status: StatusCode) -> bool {
    status.is_client_error() || status.is_server_error()
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Internal(e) => write!(f, "{e:#}"),
            other => f.write_str(&other.message(Language::En)),
        }
    }
}

impl std::error::Error for AppError {}

pub type AppResult<T> = Result<T, AppError>;

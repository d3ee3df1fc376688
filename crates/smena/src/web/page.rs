//! What every page shares: the navigation bar (who is logged in, the CSRF
//! token for the logout button) and the error page.

use askama::Template;
use axum::http::StatusCode;

use super::session::Visitor;

/// The navigation bar's data.
#[derive(Clone, Debug)]
pub struct Nav {
    pub name: Option<String>,
    pub role: Option<&'static str>,
    pub csrf: String,
}

impl From<&Visitor> for Nav {
    fn from(v: &Visitor) -> Nav {
        Nav {
            name: v.user.as_ref().map(|u| u.full_name.clone()),
            role: v.user.as_ref().map(|u| u.role.title()),
            csrf: v.csrf.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    ErrorPage {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or(""),
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

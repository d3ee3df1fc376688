//! Accounts: registration with e-mail verification, login and logout,
//! password reset and change, the language an account reads, and each
//! role's start page.

mod language;
mod logins;
mod password;
pub mod phone;
mod queries;
mod registration;
mod reset;
pub mod validate;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::domain::access::Role;
use crate::web::AppState;
use crate::web::login::{Cookie, LOGIN_TTL_SECS, User, Visitor, set_cookie};
use crate::web::page::Nav;
use crate::web::routes::{Access, Routes};

pub use password::hash as hash_password;
pub use queries::{NewAccount, create as create_account};

pub fn router() -> Routes {
    Routes::new()
        .get("/home", Access::Login, home)
        .merge(logins::routes())
        .merge(registration::routes())
        .merge(reset::routes())
        .merge(language::routes())
        .merge(phone::routes())
}

/// A page with one message (and the navigation bar).
#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct Notice {
    pub nav: Nav,
    pub title: String,
    pub message: String,
}

/// `response` with the cookie of a new login.
fn with_login_cookie(state: &AppState, token: &str, response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            Cookie::Login,
            token,
            LOGIN_TTL_SECS,
            state.config.secure_cookies,
        ),
    );
    response
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
        email_verified: user.email_verified.0,
    }
}

/// Every coordinator's address, name and language, to alert them all
/// (in the change that alerts them).
pub async fn coordinators(
    conn: &mut sqlx::AnyConnection,
) -> Result<Vec<(String, String, crate::language::Language)>, sqlx::Error> {
    sqlx::query_as("SELECT email, full_name, language FROM accounts WHERE role = $1 ORDER BY id")
        .bind(Role::Coordinator)
        .fetch_all(conn)
        .await
}

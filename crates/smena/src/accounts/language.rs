//! The language switcher on every page: the choice is remembered on this
//! device (a cookie, for a year) and on the account when logged in, so that
//! e-mail follows too; then back to the page.

use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queries;
use crate::domain::access::{Action, Resource};
use crate::language::Language;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{Cookie, Visitor, set_cookie};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

/// The language cookie lasts a year.
const REMEMBERED_SECS: i64 = 365 * 24 * 3600;

pub fn routes() -> Routes {
    Routes::new().post("/language", Access::Anyone, switch)
}

#[derive(Deserialize)]
struct SwitchForm {
    lang: String,
    #[serde(default)]
    back: String,
}

async fn switch(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    let lang =
        Language::parse(&form.lang).ok_or_else(|| AppError::Invalid("language-choose", vec![]))?;
    if let Some(user) = &visitor.user {
        let permit = authorize(user, Action::Update, Resource::Account)?;
        state
            .write(&permit, async |c| {
                queries::set_language(c, user.id, lang).await?;
                c.audit(Some(user.id), "language");
                Ok(())
            })
            .await?;
    }
    // Only a path on this site: never an open redirect.
    let back = if same_site_path(&form.back) {
        form.back.as_str()
    } else {
        "/"
    };
    let mut response = Redirect::to(back).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            Cookie::Language,
            lang.code(),
            REMEMBERED_SECS,
            state.config.secure_cookies,
        ),
    );
    Ok(response)
}

/// A path on this site and nothing else: browsers drop tabs and newlines
/// from a URL and read `\` as `/`, so `/\t/evil.example/` would leave it.
fn same_site_path(back: &str) -> bool {
    back.starts_with('/')
        && !back.starts_with("//")
        && back.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_same_site_paths_are_followed() {
        for ok in ["/", "/children/12?tab=documents", "/programmes/3#rules"] {
            assert!(same_site_path(ok), "{ok}");
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/ /evil.example/",
            "\\\\evil.example",
            "/\u{3000}/evil.example",
        ] {
            assert!(!same_site_path(bad), "{bad:?}");
        }
    }
}

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
use crate::web::login::{LANGUAGE_COOKIE, Visitor, set_cookie};
use crate::web::policy::authorize;
use crate::web::routes::Routes;

/// The language cookie lasts a year.
const REMEMBERED_SECS: i64 = 365 * 24 * 3600;

pub fn routes() -> Routes {
    Routes::new().post("/language", switch)
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
    let back = if form.back.starts_with('/')
        && !form.back.starts_with("//")
        && !form.back.contains('\\')
    {
        form.back.as_str()
    } else {
        "/"
    };
    let mut response = Redirect::to(back).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANGUAGE_COOKIE,
            lang.code(),
            REMEMBERED_SECS,
            state.config.secure_cookies,
        ),
    );
    Ok(response)
}

//! The parent's phone number: given on the account's page, kept sealed
//! like passport numbers, printed on the chaperone's offline roster (whom
//! to call when there is no connection). Never in the audit log or a
//! request log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource};
use crate::store::keys::PHONE;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get("/account/phone", Access::Login, page)
        .post(
            "/account/phone",
            Access::Policy(Action::Update, Resource::Account),
            save,
        )
}

/// A phone number as people write it ("+7 914 123-45-67", "8 (914)
/// 1234567"): digits with spaces, dashes, dots, brackets and one leading
/// plus; 7 to 15 digits (the international limit). Kept as typed, spaces
/// tidied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(typed: &str) -> Result<Phone, &'static str> {
        let t = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = t.strip_prefix('+').unwrap_or(&t);
        if body
            .chars()
            .any(|c| !(c.is_ascii_digit() || " -.()".contains(c)))
        {
            return Err("phone-characters");
        }
        let digits = body.chars().filter(char::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            return Err("phone-length");
        }
        Ok(Phone(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/phone.html")]
struct PhonePage {
    nav: Nav,
    phone: String,
    error: Option<String>,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct Saved {
    saved: Option<String>,
}

/// The account's phone number, opened.
pub async fn of(state: &AppState, account: i64) -> AppResult<Option<String>> {
    let (sealed,): (Option<String>,) = sqlx::query_as("SELECT phone FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(state.db.pool())
        .await?;
    Ok(state.db.keys()?.reveal_opt(PHONE, sealed.as_deref())?)
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<Saved>,
) -> AppResult<PhonePage> {
    Ok(PhonePage {
        nav: Nav::from(&visitor),
        phone: of(&state, user.id).await?.unwrap_or_default(),
        error: None,
        saved: q.saved.is_some(),
    })
}

#[derive(Deserialize)]
struct PhoneForm {
    #[serde(default)]
    phone: String,
}

async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<PhoneForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Account)?;
    let phone = match Phone::parse(&form.phone) {
        Ok(p) => p,
        Err(key) => {
            let page = PhonePage {
                nav: Nav::from(&visitor),
                phone: form.phone.chars().take(40).collect(),
                error: Some(visitor.language.text(key)),
                saved: false,
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let sealed = state.db.keys()?.protect(PHONE, phone.as_str())?;
    state
        .write(&permit, async |c| {
            sqlx::query("UPDATE accounts SET phone = $1 WHERE id = $2")
                .bind(&sealed)
                .bind(user.id)
                .execute(&mut **c)
                .await?;
            c.audit(Some(user.id), "phone");
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/account/phone?saved=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_read_as_people_write_them() {
        for ok in [
            "+7 914 123-45-67",
            "8 (914) 1234567",
            "  +7   914 123 45 67 ",
            "84112345678",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Phone::parse(" +7  914 ").map(|p| p.0), Err("phone-length"));
        assert_eq!(
            Phone::parse("+7 914 CALL ME").map(|p| p.0),
            Err("phone-characters")
        );
        assert_eq!(
            Phone::parse("++7 914 1234567").map(|p| p.0),
            Err("phone-characters")
        );
        assert_eq!(
            Phone::parse("  +7   914 123 45 67 ").unwrap().as_str(),
            "+7 914 123 45 67"
        );
    }
}

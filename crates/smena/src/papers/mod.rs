//! The printed papers: the voucher a placed child travels with, the
//! consent form a parent signs, the travel manifest for the border, the
//! roster a chaperone carries offline and the coordinator's programme
//! report. Typeset by `smena-pdf` in the reader's language; every print is
//! audited.

mod consent;
mod report;
mod session;
mod voucher;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use smena_pdf::Paper;

use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::language::Language;
use crate::programmes::queries as programmes;
use crate::store::today;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/travel-papers",
            Access::Policy(Action::Read, Resource::TravelPapers),
            travel_papers,
        )
        .merge(voucher::routes())
        .merge(consent::routes())
        .merge(session::routes())
        .merge(report::routes())
}

/// A session on the travel papers page.
pub struct SessionPapers {
    id: i64,
    code: String,
    camp: String,
    dates: String,
    travelling: i64,
    chaperones: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "papers/travel_papers.html")]
struct TravelPapersPage {
    nav: Nav,
    programme: String,
    sessions: Vec<SessionPapers>,
    /// The coordinator assigns chaperones from here.
    assigns: bool,
    /// The travel groups the reader goes with (a chaperone, camp staff).
    my_groups: Vec<MyGroup>,
}

/// A travel group as its adults see it.
pub struct MyGroup {
    pub id: i64,
    pub title: String,
    pub children: Vec<String>,
    pub adults: Vec<String>,
    pub legs: Vec<String>,
}

/// Where the coordinator and the chaperones find each session's manifest
/// and roster (of the programme on its journey, else the newest): a
/// chaperone, those of their sessions only.
async fn travel_papers(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<TravelPapersPage> {
    let permit = authorize(&user, Action::Read, Resource::TravelPapers)?;
    let visible = crate::groups::visible_sessions(&state.db, &user, &permit).await?;
    let programme = programmes::travelling_or_newest(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let travelling: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT o.session_id, COUNT(*) FROM offers o JOIN sessions s ON s.id = o.session_id \
         WHERE s.programme_id = $1 AND o.status = $2 GROUP BY o.session_id",
    )
    .bind(programme.id)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let chaperones = crate::groups::chaperones_by_session(&state.db, programme.id).await?;
    let lang = visitor.language;
    let mut my_groups = Vec::new();
    if permit.scope() == crate::domain::access::Scope::Assigned {
        for s in programmes::sessions(&state.db, programme.id).await? {
            for g in crate::groups::formed::groups_of(&state.db, s.id).await? {
                if !g.staff.iter().any(|a| a.id == user.id) {
                    continue;
                }
                my_groups.push(MyGroup {
                    id: g.id,
                    title: format!(
                        "{} · {} · {}",
                        lang.text_with("groups-number", &[("n", &g.number.to_string())]),
                        s.code,
                        g.departure
                    ),
                    children: g.members.iter().map(|m| m.line(&s.starts, &lang)).collect(),
                    adults: g.staff.iter().map(|a| a.full_name.clone()).collect(),
                    legs: crate::groups::legs::of_group(&state.db, g.id)
                        .await?
                        .iter()
                        .map(|l| l.line(&lang))
                        .collect(),
                });
            }
        }
    }
    Ok(TravelPapersPage {
        my_groups,
        nav: Nav::from(&visitor),
        assigns: authorize(&user, Action::Update, Resource::Session).is_ok(),
        sessions: programmes::sessions(&state.db, programme.id)
            .await?
            .into_iter()
            .filter(|s| visible.as_ref().is_none_or(|v| v.contains(&s.id)))
            .map(|s| SessionPapers {
                chaperones: chaperones
                    .iter()
                    .filter(|(id, _)| *id == s.id)
                    .map(|(_, name)| name.clone())
                    .collect(),
                travelling: travelling
                    .iter()
                    .find(|(id, _)| *id == s.id)
                    .map_or(0, |(_, n)| *n),
                dates: visitor
                    .language
                    .date_range(&s.starts.to_string(), &s.ends.to_string()),
                id: s.id,
                code: s.code,
                camp: s.camp,
            })
            .collect(),
        programme: programme.name,
    })
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The language to print in: the one asked for (`?lang=ru`), else the
/// visitor's (chosen on this device, else the account's, else the browser's).
fn print_language(visitor: &Visitor, asked: &LangQuery) -> Language {
    asked
        .lang
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(visitor.language)
}

/// Typesets `paper` off the async threads (a report takes a moment) and
/// answers with the PDF, shown in the browser, never cached.
async fn typeset<P: Paper + Send + 'static>(
    paper: P,
    lang: Language,
    file_name: String,
) -> AppResult<Response> {
    let labels = lang.labels(P::LABELS);
    let pdf = tokio::task::spawn_blocking(move || smena_pdf::render(&paper, lang.code(), &labels))
        .await
        .map_err(|e| anyhow::anyhow!("the typesetter stopped: {e}"))?
        .map_err(|e| anyhow::anyhow!("cannot typeset {file_name}: {e}"))?;
    let disposition = format!("inline; filename=\"{file_name}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A name for a download: letters, digits and dashes only.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The text, or "not given" in `lang` when it is empty.
fn or_not_given(s: String, lang: Language) -> String {
    if s.trim().is_empty() {
        lang.text("not-given")
    } else {
        s
    }
}

/// Today, as printed.
fn issued(lang: Language) -> String {
    lang.date(&today().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_part("SKH27-0001"), "SKH27-0001");
        assert_eq!(file_part("a\"b/c\r\n"), "a-b-c--");
    }
}

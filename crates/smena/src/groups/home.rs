//! The way home: at the return, a group's adults hand each child over to
//! a guardian and record the guardian's name and the time; the family is
//! told at once and asked how the journey went. A child not handed over
//! keeps the programme from completing.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::OfferStatus;
use crate::language::{Language, when};
use crate::store::{Mail, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/groups/{id}/home",
            Access::Policy(Action::Create, Resource::Handover),
            page,
        )
        .post(
            "/groups/{id}/home",
            Access::Policy(Action::Create, Resource::Handover),
            hand_over,
        )
}

/// A child of the group at the return.
#[derive(sqlx::FromRow)]
pub struct Homecoming {
    pub application: i64,
    pub given_name: String,
    pub family_name: String,
    /// The guardian on the family's account (the usual one to expect).
    pub guardian: String,
    pub handed_to: Option<String>,
    pub handed_at: Option<i64>,
}

impl Homecoming {
    pub fn handed(&self, lang: &Language) -> String {
        let lang = *lang;
        match (&self.handed_to, self.handed_at) {
            (Some(to), Some(at)) => {
                lang.text_with("home-handed", &[("guardian", to), ("when", &when(at))])
            }
            _ => String::new(),
        }
    }
}

/// The group's session if the reader goes with it (or is the coordinator).
async fn reach(state: &AppState, user: &User, permit: &Permit, group: i64) -> AppResult<String> {
    let found: Option<(String, i64)> = sqlx::query_as(
        "SELECT s.code, (SELECT COUNT(*) FROM group_staff gs WHERE gs.group_id = g.id AND gs.account_id = $2) \
         FROM travel_groups g JOIN sessions s ON s.id = g.session_id WHERE g.id = $1",
    )
    .bind(group)
    .bind(user.id)
    .fetch_optional(state.db.pool())
    .await?;
    match found {
        Some((code, staff)) if permit.scope() == Scope::All || staff > 0 => Ok(code),
        _ => {
            state
                .denied(user, Action::Create, Resource::Handover, Some(group))
                .await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/home.html")]
struct HomePage {
    nav: Nav,
    id: i64,
    session: String,
    children: Vec<Homecoming>,
    error: Option<(i64, String)>,
}

async fn render(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    error: Option<(i64, String)>,
) -> AppResult<HomePage> {
    let permit = authorize(user, Action::Create, Resource::Handover)?;
    let session = reach(state, user, &permit, id).await?;
    let children = sqlx::query_as(
        "SELECT a.id AS application, c.given_name, c.family_name, g.full_name AS guardian, h.handed_to, h.handed_at \
         FROM group_members m JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id JOIN offers o ON o.application_id = a.id \
         LEFT JOIN handovers h ON h.application_id = a.id \
         WHERE m.group_id = $1 AND o.status = $2 ORDER BY h.handed_at IS NOT NULL, c.family_name, c.given_name",
    )
    .bind(id)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    Ok(HomePage {
        nav: Nav::from(visitor),
        id,
        session,
        children,
        error,
    })
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<HomePage> {
    render(&state, &user, &visitor, id, None).await
}

#[derive(Deserialize)]
struct HandoverForm {
    #[serde(default)]
    application: String,
    #[serde(default)]
    handed_to: String,
}

/// Records that a child of the group was handed over (once: a second
/// record of the same child changes nothing), and tells the family.
async fn hand_over(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<HandoverForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Handover)?;
    reach(&state, &user, &permit, id).await?;
    let application = form
        .application
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::Invalid("groups-choose", vec![]))?;
    let handed_to = form.handed_to.trim().to_string();
    if handed_to.is_empty()
        || handed_to.chars().count() > 200
        || handed_to.chars().any(char::is_control)
    {
        let problem = visitor.language.text("home-name-needed");
        let page = render(&state, &user, &visitor, id, Some((application, problem))).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let base = state.config.base_url.trim_end_matches('/').to_string();
    state
        .write(&permit, async |c| {
            let family: Option<(String, String, Language, String)> = sqlx::query_as(
                "SELECT g.email, g.full_name, g.language, c.given_name FROM group_members m \
                 JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
                 JOIN accounts g ON g.id = c.guardian_id WHERE m.group_id = $1 AND m.application_id = $2",
            )
            .bind(id)
            .bind(application)
            .fetch_optional(&mut **c)
            .await?;
            let (email, name, lang, child) = family.ok_or(AppError::NotFound)?;
            let now = now_ms();
            let recorded = c
                .transition(
                    sqlx::query(
                        "INSERT INTO handovers (application_id, handed_to, handed_at, recorded_by) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING",
                    )
                    .bind(application)
                    .bind(&handed_to)
                    .bind(now)
                    .bind(user.id),
                )
                .await?;
            if !recorded {
                c.unchanged();
                return Ok(());
            }
            c.send(Mail {
                to: email,
                kind: "child_home",
                subject: lang.text_with("email-home-subject", &[("child", &child)]),
                body: lang.letter(
                    Some(&name),
                    "email-home-body",
                    &[
                        ("child", &child),
                        ("guardian", &handed_to),
                        ("when", &when(now)),
                        ("link", &format!("{base}/applications/{application}/feedback")),
                    ],
                ),
                secret: None,
            });
            c.audit_as(Action::Create, Resource::Handover, Some(application), "");
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/groups/{id}/home")).into_response())
}

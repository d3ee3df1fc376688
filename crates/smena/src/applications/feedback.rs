//! After the journey: the family rates it (1 to 5) and may say more; the
//! coordinator reads the answers summed up and one by one.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::load_application as load;
use crate::domain::access::{Action, Resource};
use crate::store::now_ms;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/applications/{id}/feedback",
            Access::Policy(Action::Update, Resource::Application),
            page,
        )
        .post(
            "/applications/{id}/feedback",
            Access::Policy(Action::Update, Resource::Application),
            save,
        )
        .get(
            "/coordinator/feedback",
            Access::Policy(Action::Read, Resource::Report),
            summary,
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/feedback.html")]
struct FeedbackPage {
    nav: Nav,
    id: i64,
    child: String,
    rating: String,
    comment: String,
    error: Option<String>,
}

/// Only a child who came home is asked about the journey.
async fn came_home(state: &AppState, application: i64) -> AppResult<()> {
    let home: Option<(i64,)> =
        sqlx::query_as("SELECT application_id FROM handovers WHERE application_id = $1")
            .bind(application)
            .fetch_optional(state.db.pool())
            .await?;
    home.map(|_| ()).ok_or(AppError::NotFound)
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<FeedbackPage> {
    let (_, child, _) = load(&state, &user, Action::Update, id).await?;
    came_home(&state, id).await?;
    let given: Option<(i32, String)> =
        sqlx::query_as("SELECT rating, comment FROM feedback WHERE application_id = $1")
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?;
    Ok(FeedbackPage {
        nav: Nav::from(&visitor),
        id,
        child: child.given_name,
        rating: given.as_ref().map(|g| g.0.to_string()).unwrap_or_default(),
        comment: given.map(|g| g.1).unwrap_or_default(),
        error: None,
    })
}

#[derive(Deserialize)]
struct FeedbackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<FeedbackForm>,
) -> AppResult<Response> {
    let (_, child, permit) = load(&state, &user, Action::Update, id).await?;
    came_home(&state, id).await?;
    let rating = form
        .rating
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|r| (1..=5).contains(r));
    let comment = form.comment.trim().replace("\r\n", "\n");
    let Some(rating) = rating.filter(|_| comment.chars().count() <= 2000) else {
        let page = FeedbackPage {
            nav: Nav::from(&visitor),
            id,
            child: child.given_name,
            rating: form.rating.chars().take(5).collect(),
            comment: form.comment.chars().take(2000).collect(),
            error: Some(visitor.language.text("feedback-problem")),
        };
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    state
        .write(&permit, async |c| {
            sqlx::query(
                "INSERT INTO feedback (application_id, rating, comment, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (application_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, \
                 created_at = excluded.created_at",
            )
            .bind(id)
            .bind(rating)
            .bind(&comment)
            .bind(now_ms())
            .execute(&mut **c)
            .await?;
            c.audit_as(Action::Update, Resource::Application, Some(id), "feedback");
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/feedback_summary.html")]
struct SummaryPage {
    nav: Nav,
    answers: usize,
    average: String,
    /// (rating, how many), 5 down to 1.
    counts: Vec<(i32, usize)>,
    comments: Vec<(i32, String)>,
}

/// The families' answers about the newest programme that has any (the
/// one open for applications has none yet), summed up.
async fn summary(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<SummaryPage> {
    authorize(&user, Action::Read, Resource::Report)?;
    let rows: Vec<(i32, String)> = sqlx::query_as(
        "SELECT f.rating, f.comment FROM feedback f JOIN applications a ON a.id = f.application_id \
         WHERE a.programme_id = (SELECT p.id FROM feedback x JOIN applications y ON y.id = x.application_id \
                                 JOIN programmes p ON p.id = y.programme_id ORDER BY p.created_at DESC, p.id LIMIT 1) \
         ORDER BY f.created_at DESC",
    )
    .fetch_all(state.db.pool())
    .await?;
    let total: i64 = rows.iter().map(|r| i64::from(r.0)).sum();
    let average = if rows.is_empty() {
        String::new()
    } else {
        visitor
            .language
            .number(&format!("{:.1}", total as f64 / rows.len() as f64))
    };
    Ok(SummaryPage {
        nav: Nav::from(&visitor),
        answers: rows.len(),
        average,
        counts: (1..=5)
            .rev()
            .map(|r| (r, rows.iter().filter(|x| x.0 == r).count()))
            .collect(),
        comments: rows.into_iter().filter(|r| !r.1.is_empty()).collect(),
    })
}

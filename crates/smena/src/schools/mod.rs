//! Schools: a representative imports the school's pupils from a
//! spreadsheet (previewed, then confirmed), nominates them, and follows each
//! one's application.

pub mod roster;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::Row as _;

use crate::audit;
use crate::imports;
use crate::store::now_ms;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/school/pupils", get(roster_page))
        .route(
            "/school/pupils/import",
            post(import).layer(DefaultBodyLimit::max(roster::MAX_BYTES + 64 * 1024)),
        )
        .route("/school/pupils/import/confirm", post(confirm))
        .route("/school/pupils/{id}/nominate", post(nominate))
}

pub struct Pupil {
    pub id: i64,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub class_name: String,
    pub nominated: bool,
    pub application: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "schools/roster.html")]
struct RosterPage {
    nav: Nav,
    school: String,
    pupils: Vec<Pupil>,
    errors: Vec<String>,
    notice: Option<String>,
}

fn school_of(user: &User) -> AppResult<i64> {
    user.school_id.ok_or(AppError::NotFound)
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    school: i64,
    errors: Vec<String>,
    notice: Option<String>,
) -> AppResult<RosterPage> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_one(state.db.pool())
        .await?;
    let rows = sqlx::query(
        "SELECT p.id, p.family_name, p.given_name, p.birth_date, p.class_name, p.nominated, \
                (SELECT a.status FROM children c JOIN applications a ON a.child_id = c.id \
                 WHERE c.school_id = p.school_id AND c.family_name = p.family_name AND c.given_name = p.given_name \
                   AND c.birth_date = p.birth_date ORDER BY a.created_at DESC LIMIT 1) AS application \
         FROM pupils p WHERE p.school_id = $1 ORDER BY p.class_name, p.family_name, p.given_name",
    )
    .bind(school)
    .fetch_all(state.db.pool())
    .await?;
    let pupils = rows
        .into_iter()
        .map(|r| {
            Ok(Pupil {
                id: r.try_get("id")?,
                family_name: r.try_get("family_name")?,
                given_name: r.try_get("given_name")?,
                birth_date: r.try_get("birth_date")?,
                class_name: r.try_get("class_name")?,
                nominated: r.try_get::<i32, _>("nominated")? != 0,
                application: r
                    .try_get::<Option<String>, _>("application")?
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(RosterPage {
        nav: Nav::from(visitor),
        school: name,
        pupils,
        errors,
        notice,
    })
}

async fn roster_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<RosterPage> {
    authorize(&user, Action::Read, Resource::Roster)?;
    render(&state, &visitor, school_of(&user)?, vec![], None).await
}

/// What the school sees before anything is written.
#[derive(Template, WebTemplate)]
#[template(path = "schools/preview.html")]
struct PreviewPage {
    nav: Nav,
    school: String,
    count: usize,
    new: usize,
    first: Vec<roster::Pupil>,
    file: String,
    seal: String,
}

/// Reads the file and shows what would be imported; writes nothing.
async fn import(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let lang = visitor.language;
    let bytes = imports::receive(&mut multipart, lang).await?;
    let data = bytes.clone();
    let read = imports::off_thread(move || roster::read(&data, &crate::store::today())).await?;
    let pupils = match read {
        Ok(pupils) => pupils,
        Err(problems) => {
            let errors = imports::refusal(&problems, lang);
            let page = render(&state, &visitor, school, errors, None).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let staged = imports::stage(&state, &visitor, &format!("roster:{school}"), &bytes).await?;
    let known: std::collections::HashSet<(String, String, String)> = sqlx::query_as(
        "SELECT family_name, given_name, birth_date FROM pupils WHERE school_id = $1",
    )
    .bind(school)
    .fetch_all(state.db.pool())
    .await?
    .into_iter()
    .collect();
    let new = pupils
        .iter()
        .filter(|p| {
            !known.contains(&(
                p.family_name.clone(),
                p.given_name.clone(),
                p.birth_date.clone(),
            ))
        })
        .count();
    let (name,): (String,) = sqlx::query_as("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_one(state.db.pool())
        .await?;
    Ok(PreviewPage {
        nav: Nav::from(&visitor),
        school: name,
        count: pupils.len(),
        new,
        first: pupils.into_iter().take(20).collect(),
        file: staged.file,
        seal: staged.seal,
    }
    .into_response())
}

/// Writes the previewed roster, all of it or nothing.
async fn confirm(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<imports::Staged>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let bytes = imports::staged(&state, &visitor, &format!("roster:{school}"), &form).await?;
    // It was read without a problem at the preview; a problem now means
    // the file is not the one previewed.
    let pupils = imports::off_thread(move || roster::read(&bytes, &crate::store::today()))
        .await?
        .map_err(|_| AppError::BadRequest(visitor.language.text("import-expired")))?;
    let mut tx = state.db.begin_write().await?;
    roster::save(&mut tx, school, &pupils, now_ms(), &|_| {}).await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "roster",
        Some(school),
        "ok",
        &format!("{} pupils imported", pupils.len()),
    )
    .await?;
    tx.commit().await?;
    imports::discard(&state, &form).await;
    let page = render(
        &state,
        &visitor,
        school,
        vec![],
        Some(
            visitor
                .language
                .text_with("roster-imported", &[("n", &pupils.len().to_string())]),
        ),
    )
    .await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
struct NominateForm {
    nominated: String,
}

async fn nominate(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<NominateForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("UPDATE pupils SET nominated = $1 WHERE id = $2 AND school_id = $3")
        .bind(i32::from(form.nominated == "yes"))
        .bind(id)
        .bind(school)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "pupil",
        Some(id),
        "ok",
        if form.nominated == "yes" {
            "nominated"
        } else {
            "nomination withdrawn"
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/school/pupils").into_response())
}

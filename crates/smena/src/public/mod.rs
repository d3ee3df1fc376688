//! What anyone can see without logging in: the programmes, their rules, the
//! lottery commitment (and the seed once revealed), anonymised statistics,
//! each session's cutoff, and the anonymised export to verify the result.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sqlx::Row as _;

use crate::allocation::runs::{self, SessionFill};
use crate::applications::queries;
use crate::applications::score::Rules;
use crate::programmes::queries::{self as programme_queries, ProgrammeSummary, SessionRow};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::session::Visitor;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start_page))
        .route("/public/programmes/{id}", get(programme_page))
        .route("/public/programmes/{id}/{file}", get(export_file))
}

#[derive(Template, WebTemplate)]
#[template(path = "public/start.html")]
struct StartPage {
    nav: Nav,
    programmes: Vec<(ProgrammeSummary, Vec<SessionRow>)>,
}

async fn start_page(State(state): State<AppState>, visitor: Visitor) -> AppResult<StartPage> {
    let mut programmes = Vec::new();
    for p in programme_queries::programmes(&state.db).await? {
        let sessions = programme_queries::sessions(&state.db, p.id).await?;
        programmes.push((p, sessions));
    }
    Ok(StartPage {
        nav: Nav::from(&visitor),
        programmes,
    })
}

/// The published result, when there is one.
struct Published {
    seed: String,
    applicants: i32,
    placed: i32,
    results_digest: String,
    fill: Vec<SessionFill>,
    /// (kind of district, applications, placed)
    by_district_kind: Vec<(String, i64, i64)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/programme.html")]
struct ProgrammePage {
    nav: Nav,
    programme: ProgrammeSummary,
    sessions: Vec<SessionRow>,
    reserves: Vec<(String, String, i32)>,
    rules: Rules,
    school_cap: Option<i32>,
    passport_months: i32,
    submitted: i64,
    required: Vec<(String, String, String)>,
    published: Option<Published>,
}

async fn programme_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ProgrammePage> {
    let programme = programme_queries::programmes(&state.db)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    let row = sqlx::query(
        "SELECT school_cap, passport_months, seed_hex, seed_revealed, \
                (SELECT COUNT(*) FROM applications a WHERE a.programme_id = p.id AND a.status <> 'draft') AS submitted \
         FROM programmes p WHERE id = $1",
    )
    .bind(id)
    .fetch_one(state.db.pool())
    .await?;
    let reserves: Vec<(String, String, i32)> = sqlx::query_as(
        "SELECT s.code, r.reserve_group, r.places FROM session_reserves r JOIN sessions s ON s.id = r.session_id \
         WHERE s.programme_id = $1 ORDER BY s.starts, s.code, r.reserve_group",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    let revealed = row.try_get::<i32, _>("seed_revealed")? != 0;
    let published = match sqlx::query("SELECT id, applicants, placed, results_digest FROM allocation_runs WHERE programme_id = $1 AND published_at IS NOT NULL")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
    {
        Some(r) if revealed => {
            let run: i64 = r.try_get("id")?;
            let by_district_kind = sqlx::query_as(
                "SELECT d.kind, COUNT(*), SUM(CASE WHEN p.session_id IS NULL THEN 0 ELSE 1 END) FROM placements p \
                 JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
                 JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id \
                 WHERE p.run_id = $1 GROUP BY d.kind ORDER BY d.kind",
            )
            .bind(run)
            .fetch_all(state.db.pool())
            .await?;
            Some(Published {
                seed: row.try_get::<Option<String>, _>("seed_hex")?.unwrap_or_default(),
                applicants: r.try_get("applicants")?,
                placed: r.try_get("placed")?,
                results_digest: r.try_get("results_digest")?,
                fill: runs::fill(&state.db, id, run).await?,
                by_district_kind,
            })
        }
        _ => None,
    };
    Ok(ProgrammePage {
        nav: Nav::from(&visitor),
        sessions: programme_queries::sessions(&state.db, id).await?,
        reserves,
        rules: queries::rules(&state.db, id).await?,
        school_cap: row.try_get("school_cap")?,
        passport_months: row.try_get("passport_months")?,
        submitted: row.try_get("submitted")?,
        required: queries::required_documents(&state.db, id).await?,
        published,
        programme,
    })
}

/// The published run's anonymised files: sessions.csv, applicants.csv and
/// placements.csv (the allocation contract), downloadable by anyone.
async fn export_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let column = match file.as_str() {
        "sessions.csv" => "sessions_csv",
        "applicants.csv" => "applicants_csv",
        "placements.csv" => "placements_csv",
        _ => return Err(AppError::NotFound),
    };
    let row = sqlx::query(
        "SELECT r.sessions_csv, r.applicants_csv, r.placements_csv FROM allocation_runs r JOIN programmes p ON p.id = r.programme_id \
         WHERE r.programme_id = $1 AND r.published_at IS NOT NULL AND p.seed_revealed = 1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let body: String = row.try_get(column)?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

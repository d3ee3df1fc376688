//! What anyone can see without logging in: the programmes, their rules, the
//! lottery commitment (and the seed once revealed), anonymised statistics,
//! each session's cutoff, and the anonymised export to verify the result.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::allocation::lottery::{self, Chain, FinalRun};
use crate::allocation::runs::{self, SessionFill};
use crate::domain::states::ApplicationStatus;
use crate::programmes::queries::{
    self as programmes, ProgrammeSummary, RequiredDocument, SessionRow,
};
use crate::programmes::scoring::Rules;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::Visitor;
use crate::web::page::Nav;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get("/", Access::Anyone, start_page)
        .get("/public/programmes/{id}", Access::Anyone, programme_page)
        .get(
            "/public/programmes/{id}/{file}",
            Access::Anyone,
            export_file,
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "public/start.html")]
struct StartPage {
    nav: Nav,
    programmes: Vec<(ProgrammeSummary, Vec<SessionRow>)>,
}

async fn start_page(State(state): State<AppState>, visitor: Visitor) -> AppResult<StartPage> {
    Ok(StartPage {
        nav: Nav::from(&visitor),
        programmes: crate::programmes::with_sessions(&state.db).await?,
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
    required: Vec<RequiredDocument>,
    published: Option<Published>,
    chain: Option<Chain>,
    /// (frozen at, inputs digest, receipts root), once applications closed.
    frozen: Option<(i64, String, String)>,
    final_runs: Vec<FinalRun>,
}

#[derive(sqlx::FromRow)]
struct Public {
    school_cap: Option<i32>,
    passport_months: i32,
    seed_hex: Option<String>,
    seed_revealed: i32,
    submitted: i64,
}

#[derive(sqlx::FromRow)]
struct PublishedRun {
    id: i64,
    applicants: i32,
    placed: i32,
    results_digest: String,
}

async fn programme_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ProgrammePage> {
    let programme = programmes::programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let p: Public = sqlx::query_as(
        "SELECT school_cap, passport_months, seed_hex, seed_revealed, \
                (SELECT COUNT(*) FROM applications a WHERE a.programme_id = p.id AND a.status <> $2) AS submitted \
         FROM programmes p WHERE id = $1",
    )
    .bind(id)
    .bind(ApplicationStatus::Draft)
    .fetch_one(state.db.pool())
    .await?;
    let sessions = programmes::sessions(&state.db, id).await?;
    let reserves = programmes::reserves(&state.db, id)
        .await?
        .into_iter()
        .map(|(session, group, places)| {
            let code = sessions
                .iter()
                .find(|s| s.id == session)
                .map(|s| s.code.clone())
                .unwrap_or_default();
            (code, group, places)
        })
        .collect();
    let run: Option<PublishedRun> = sqlx::query_as(
        "SELECT id, applicants, placed, results_digest FROM allocation_runs WHERE programme_id = $1 AND published_at IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let published = match run {
        Some(r) if p.seed_revealed != 0 => {
            let by_district_kind = sqlx::query_as(
                "SELECT d.kind, COUNT(*), SUM(CASE WHEN p.session_id IS NULL THEN 0 ELSE 1 END) FROM placements p \
                 JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
                 JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id \
                 WHERE p.run_id = $1 GROUP BY d.kind ORDER BY d.kind",
            )
            .bind(r.id)
            .fetch_all(state.db.pool())
            .await?;
            Some(Published {
                seed: p.seed_hex.clone().unwrap_or_default(),
                applicants: r.applicants,
                placed: r.placed,
                results_digest: r.results_digest,
                fill: runs::fill(&state.db, id, r.id).await?,
                by_district_kind,
            })
        }
        _ => None,
    };
    let frozen = lottery::frozen(&state.db, id)
        .await?
        .map(|f| (f.frozen_at, f.inputs_digest, f.receipts_root));
    Ok(ProgrammePage {
        nav: Nav::from(&visitor),
        chain: lottery::chain(&state.db, id).await?,
        final_runs: if frozen.is_some() {
            lottery::final_runs(&state.db, id).await?
        } else {
            Vec::new()
        },
        frozen,
        sessions,
        reserves,
        rules: programmes::rules(&state.db, id).await?,
        school_cap: p.school_cap,
        passport_months: p.passport_months,
        submitted: p.submitted,
        required: programmes::required_documents(&state.db, id).await?,
        published,
        programme,
    })
}

/// The programme's public files: once applications have closed, the
/// frozen inputs (sessions.csv, applicants.csv) and the lottery's record
/// (lottery.txt); once the result is published, placements.csv.
async fn export_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let (body, kind) = match file.as_str() {
        "sessions.csv" | "applicants.csv" => {
            let frozen = lottery::frozen(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let body = if file == "sessions.csv" {
                frozen.sessions_csv
            } else {
                frozen.applicants_csv
            };
            (body, "text/csv; charset=utf-8")
        }
        "placements.csv" => {
            let (placements,): (String,) = sqlx::query_as(
                "SELECT r.placements_csv FROM allocation_runs r JOIN programmes p ON p.id = r.programme_id \
                 WHERE r.programme_id = $1 AND r.published_at IS NOT NULL AND p.seed_revealed = 1",
            )
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
            (placements, "text/csv; charset=utf-8")
        }
        "lottery.txt" => (
            lottery::record(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?,
            "text/plain; charset=utf-8",
        ),
        _ => return Err(AppError::NotFound),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

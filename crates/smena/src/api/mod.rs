//! The JSON API for other systems: programmes, sessions, applications and
//! results, described by the OpenAPI document at `/api/openapi.json`.
//! It answers to the same logins and the same policy table as the
//! pages; state-changing calls need the `X-CSRF-Token` header. Errors are
//! JSON: `{"error": "…"}` with the status code.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::allocation::offers::{self, Answer};
use crate::applications::load_application;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, OfferStatus};
use crate::programmes::queries as programmes;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::login::User;
use crate::web::policy::{authorize, child_in_scope};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get("/api/openapi.json", Access::Anyone, openapi)
        .get(
            "/api/programmes",
            Access::Policy(Action::Read, Resource::Programme),
            list_programmes,
        )
        .get(
            "/api/programmes/{id}/sessions",
            Access::Policy(Action::Read, Resource::Session),
            programme_sessions,
        )
        .get(
            "/api/programmes/{id}/result",
            Access::Anyone,
            programme_result,
        )
        .get(
            "/api/applications",
            Access::Policy(Action::Read, Resource::Application),
            list_applications,
        )
        .get(
            "/api/applications/{id}",
            Access::Policy(Action::Read, Resource::Application),
            get_application,
        )
        .post(
            "/api/applications/{id}/offer",
            Access::Policy(Action::Update, Resource::Application),
            answer_offer,
        )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Smena API",
        version = "1",
        description = "Programmes, sessions, applications and results. Log in through /login; send the login cookie, and the X-CSRF-Token header on POST."
    ),
    paths(
        list_programmes,
        programme_sessions,
        programme_result,
        list_applications,
        get_application,
        answer_offer
    ),
    components(schemas(
        Programme,
        SessionJson,
        ApplicationSummary,
        ApplicationDetail,
        OfferJson,
        ExplanationJson,
        Decision,
        ResultJson,
        SessionResult,
        ErrorJson
    ))
)]
struct ApiDoc;

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// An error as JSON.
pub struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

#[derive(Serialize, ToSchema)]
struct ErrorJson {
    error: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self.0 {
            tracing::error!(error = %format!("{e:#}"), "api request failed");
        }
        let status = match self.0 {
            AppError::LoginRequired => StatusCode::UNAUTHORIZED,
            ref e => e.status(),
        };
        (
            status,
            Json(ErrorJson {
                error: self.0.message(crate::language::Language::En),
            }),
        )
            .into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A logged-in user, or 401 as JSON.
async fn user(visitor: Option<User>) -> Result<User, ApiError> {
    visitor.ok_or(ApiError(AppError::LoginRequired))
}

#[derive(Serialize, ToSchema)]
struct Programme {
    id: String,
    name: String,
    status: String,
    max_choices: i32,
    commitment: Option<String>,
}

/// Programmes, newest first.
#[utoipa::path(get, path = "/api/programmes", responses((status = 200, body = [Programme]), (status = 401, body = ErrorJson)))]
async fn list_programmes(
    State(state): State<AppState>,
    u: Option<User>,
) -> ApiResult<Vec<Programme>> {
    let u = user(u).await?;
    authorize(&u, Action::Read, Resource::Programme)?;
    let list = programmes::programmes(&state.db).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| Programme {
                id: p.id.to_string(),
                name: p.name,
                status: p.status.code().to_string(),
                max_choices: p.max_choices,
                commitment: p.commitment,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct SessionJson {
    code: String,
    camp: String,
    country: String,
    starts: String,
    ends: String,
    places: i32,
    min_age: i32,
    max_age: i32,
    languages: String,
}

/// A programme's sessions.
#[utoipa::path(get, path = "/api/programmes/{id}/sessions", params(("id" = String, Path)), responses((status = 200, body = [SessionJson]), (status = 404, body = ErrorJson)))]
async fn programme_sessions(
    State(state): State<AppState>,
    u: Option<User>,
    Path(id): Path<i64>,
) -> ApiResult<Vec<SessionJson>> {
    let u = user(u).await?;
    authorize(&u, Action::Read, Resource::Session)?;
    let rows = programmes::sessions(&state.db, id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| SessionJson {
                code: s.code,
                camp: s.camp,
                country: s.country,
                starts: s.starts.to_string(),
                ends: s.ends.to_string(),
                places: s.places,
                min_age: s.min_age,
                max_age: s.max_age,
                languages: s.languages,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct SessionResult {
    code: String,
    places: i64,
    filled: i64,
    /// The lowest score admitted (the cutoff), if any child was.
    cutoff_score: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ResultJson {
    seed: String,
    commitment: String,
    results_digest: String,
    applicants: i32,
    placed: i32,
    sessions: Vec<SessionResult>,
}

/// The published result (public; 404 before publication).
#[utoipa::path(get, path = "/api/programmes/{id}/result", params(("id" = String, Path)), responses((status = 200, body = ResultJson), (status = 404, body = ErrorJson)))]
async fn programme_result(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<ResultJson> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        applicants: i32,
        placed: i32,
        results_digest: String,
        seed_hex: Option<String>,
        commitment_hex: Option<String>,
    }
    let r: Row = sqlx::query_as(
        "SELECT r.id, r.applicants, r.placed, r.results_digest, p.seed_hex, p.commitment_hex FROM allocation_runs r \
         JOIN programmes p ON p.id = r.programme_id WHERE r.programme_id = $1 AND r.published_at IS NOT NULL AND p.seed_revealed = 1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(ApiError(AppError::NotFound))?;
    let fill = crate::allocation::runs::fill(&state.db, id, r.id).await?;
    Ok(Json(ResultJson {
        seed: r.seed_hex.unwrap_or_default(),
        commitment: r.commitment_hex.unwrap_or_default(),
        results_digest: r.results_digest,
        applicants: r.applicants,
        placed: r.placed,
        sessions: fill
            .into_iter()
            .map(|f| SessionResult {
                code: f.code,
                places: f.places,
                filled: f.filled,
                cutoff_score: f.lowest_score,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
struct ApplicationSummary {
    id: String,
    reference: Option<String>,
    child: String,
    status: String,
}

/// The applications the caller may see: a parent's own, a school's pupils',
/// or all for the coordinator.
#[utoipa::path(get, path = "/api/applications", responses((status = 200, body = [ApplicationSummary]), (status = 401, body = ErrorJson)))]
async fn list_applications(
    State(state): State<AppState>,
    u: Option<User>,
) -> ApiResult<Vec<ApplicationSummary>> {
    let u = user(u).await?;
    let scope = authorize(&u, Action::Read, Resource::Application)?.scope();
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        reference: Option<String>,
        status: ApplicationStatus,
        given_name: String,
        family_name: String,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.reference, a.status, c.given_name, c.family_name FROM applications a JOIN children c ON c.id = a.child_id \
         WHERE {} ORDER BY a.created_at, a.id LIMIT 10000",
        child_in_scope(1, 2, 3)
    )))
    .bind(scope.code())
    .bind(u.id)
    .bind(u.school_id.unwrap_or(-1))
    .fetch_all(state.db.pool())
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ApplicationSummary {
                id: r.id.to_string(),
                reference: r.reference,
                child: format!("{} {}", r.given_name, r.family_name),
                status: r.status.code().to_string(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct OfferJson {
    session: String,
    choice_rank: i32,
    status: String,
    /// Milliseconds since the Unix epoch.
    deadline: i64,
}

#[derive(Serialize, ToSchema)]
struct ExplanationJson {
    choice_rank: i32,
    session: String,
    reason: String,
    explanation: String,
}

#[derive(Serialize, ToSchema)]
struct ApplicationDetail {
    id: String,
    reference: Option<String>,
    status: String,
    child: String,
    /// Session codes, best first.
    choices: Vec<String>,
    offer: Option<OfferJson>,
    explanations: Vec<ExplanationJson>,
}

/// One application, if the caller may see it (404 otherwise, logged).
#[utoipa::path(get, path = "/api/applications/{id}", params(("id" = String, Path)), responses((status = 200, body = ApplicationDetail), (status = 404, body = ErrorJson)))]
async fn get_application(
    State(state): State<AppState>,
    u: Option<User>,
    Path(id): Path<i64>,
) -> ApiResult<ApplicationDetail> {
    let u = user(u).await?;
    let (application, child, permit) = load_application(&state, &u, Action::Read, id).await?;
    state.record(&permit, Some(id), "api").await?;
    let choices: Vec<(String,)> = sqlx::query_as(
        "SELECT s.code FROM application_choices c JOIN sessions s ON s.id = c.session_id WHERE c.application_id = $1 ORDER BY c.choice_rank",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    let offer: Option<(String, i32, OfferStatus, i64)> = sqlx::query_as(
        "SELECT s.code, o.choice_rank, o.status, o.deadline FROM offers o JOIN sessions s ON s.id = o.session_id WHERE o.application_id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let explanations: Vec<(i32, String, String, String)> = sqlx::query_as(
        "SELECT e.choice_rank, e.session_code, e.reason, e.sentence FROM explanations e JOIN allocation_runs r ON r.id = e.run_id \
         AND r.published_at IS NOT NULL WHERE e.application_id = $1 ORDER BY e.choice_rank",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    Ok(Json(ApplicationDetail {
        id: id.to_string(),
        reference: application.reference,
        status: application.status.code().to_string(),
        child: child.name(),
        choices: choices.into_iter().map(|(c,)| c).collect(),
        offer: offer.map(|(session, choice_rank, status, deadline)| OfferJson {
            session,
            choice_rank,
            status: status.code().to_string(),
            deadline,
        }),
        explanations: explanations
            .into_iter()
            .map(
                |(choice_rank, session, reason, explanation)| ExplanationJson {
                    choice_rank,
                    session,
                    reason,
                    explanation,
                },
            )
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
struct Decision {
    /// "accept" or "decline"
    decision: String,
}

/// Accepts or declines the offered place (the family only).
#[utoipa::path(post, path = "/api/applications/{id}/offer", params(("id" = String, Path)), request_body = Decision,
    responses((status = 204), (status = 400, body = ErrorJson), (status = 404, body = ErrorJson)))]
async fn answer_offer(
    State(state): State<AppState>,
    u: Option<User>,
    Path(id): Path<i64>,
    body: Result<Json<Decision>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let u = user(u).await?;
    let Json(body) = body.map_err(|e| {
        ApiError(AppError::BadRequest(format!(
            "The body must be JSON like {{\"decision\": \"accept\"}}: {}",
            e.body_text()
        )))
    })?;
    let answer = Answer::parse(&body.decision).ok_or_else(|| {
        ApiError(AppError::BadRequest(
            "decision must be \"accept\" or \"decline\"".into(),
        ))
    })?;
    offers::answer(&state, &u, id, answer).await?;
    Ok(StatusCode::NO_CONTENT)
}

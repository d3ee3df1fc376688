//! Allocation in the service: the coordinator dry-runs with changed rules,
//! compares, runs the final allocation, reviews it and publishes it;
//! families answer their offers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::Row as _;

use super::offers;
use super::runs::{self, Overrides, RunSummary, SessionFill};
use crate::applications::children::find;
use crate::audit;
use crate::dashboard::charts::{demand_chart, district_chart};
use crate::language::Language;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/coordinator/allocation", get(overview))
        .route("/coordinator/allocation/runs", post(start_run))
        .route("/coordinator/allocation/runs/{id}", get(review))
        .route("/coordinator/allocation/runs/{id}/publish", post(publish))
        .route("/coordinator/allocation/compare", get(compare))
        .route("/applications/{id}/offer", post(answer))
        .route("/applications/{id}/withdraw", post(withdraw))
}

struct ProgrammeInfo {
    id: i64,
    name: String,
    status: String,
    commitment: String,
    submitted: i64,
}

async fn current_programme(state: &AppState) -> AppResult<ProgrammeInfo> {
    let (id, _) = crate::programmes::queries::newest(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = sqlx::query(
        "SELECT p.id, p.name, p.status, p.commitment_hex, \
                (SELECT COUNT(*) FROM applications a WHERE a.programme_id = p.id AND a.status = 'submitted') AS submitted \
         FROM programmes p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(ProgrammeInfo {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        commitment: r
            .try_get::<Option<String>, _>("commitment_hex")?
            .unwrap_or_default(),
        submitted: r.try_get("submitted")?,
    })
}

pub struct SessionPlaces {
    pub id: i64,
    pub code: String,
    pub places: i32,
    pub reserves: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "allocation/overview.html")]
struct OverviewPage {
    nav: Nav,
    programme: ProgrammeInfo,
    sessions: Vec<SessionPlaces>,
    /// (level, points) of the scoring table.
    levels: Vec<(String, String)>,
    runs: Vec<RunSummary>,
    /// How many vouchers were just issued, after "Issue travel vouchers".
    vouchers_issued: Option<u32>,
}

#[derive(Deserialize)]
struct OverviewQuery {
    vouchers: Option<u32>,
}

async fn overview(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<OverviewQuery>,
) -> AppResult<OverviewPage> {
    authorize(&user, Action::Run, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let rows: Vec<(i64, String, i32)> = sqlx::query_as(
        "SELECT id, code, places FROM sessions WHERE programme_id = $1 ORDER BY starts, code",
    )
    .bind(programme.id)
    .fetch_all(state.db.pool())
    .await?;
    let mut sessions = Vec::new();
    for (id, code, places) in rows {
        let reserves: Vec<(String, i32)> =
            sqlx::query_as("SELECT reserve_group, places FROM session_reserves WHERE session_id = $1 ORDER BY reserve_group")
                .bind(id)
                .fetch_all(state.db.pool())
                .await?;
        let reserves = reserves
            .iter()
            .map(|(g, n)| format!("{g}:{n}"))
            .collect::<Vec<_>>()
            .join(";");
        sessions.push(SessionPlaces {
            id,
            code,
            places,
            reserves,
        });
    }
    let levels = crate::applications::queries::rules(&state.db, programme.id)
        .await?
        .levels
        .into_iter()
        .map(|(level, points, _)| {
            (
                level,
                smena_engine::Score::from_thousandths(points)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let runs = runs::runs(&state.db, programme.id).await?;
    Ok(OverviewPage {
        nav: Nav::from(&visitor),
        programme,
        sessions,
        levels,
        runs,
        vouchers_issued: q.vouchers,
    })
}

async fn start_run(
    State(state): State<AppState>,
    user: User,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&user, Action::Run, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let kind = match get("kind").as_str() {
        "final" => "final",
        _ => "dry_run",
    };
    let mut overrides = Overrides::default();
    if kind == "dry_run" {
        for (name, value) in &fields {
            if let Some(id) = name
                .strip_prefix("places_")
                .and_then(|i| i.parse::<i64>().ok())
                && !value.trim().is_empty()
            {
                let places = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p <= 100_000)
                    .ok_or_else(|| {
                        AppError::Invalid("dry-run-bad-places", vec![("value", value.clone())])
                    })?;
                overrides.places.push((id, places));
            }
        }
        match get("school_cap").as_str() {
            "" => {}
            "none" => overrides.school_cap = Some(None),
            v => {
                overrides.school_cap = Some(Some(v.parse::<u32>().map_err(|_| {
                    AppError::Invalid("dry-run-bad-school-cap", vec![("value", v.to_string())])
                })?))
            }
        }
        for (name, value) in &fields {
            if let Some(id) = name
                .strip_prefix("reserves_")
                .and_then(|i| i.parse::<i64>().ok())
                && !value.trim().is_empty()
            {
                let list = if value.trim() == "none" {
                    Vec::new()
                } else {
                    super::contract::parse_reserves(value).map_err(|_| {
                        AppError::Invalid(
                            "setup-reserves",
                            vec![("value", value.trim().to_string())],
                        )
                    })?
                };
                overrides.reserves.push((id, list));
            }
            if let Some(level) = name.strip_prefix("points_")
                && !value.trim().is_empty()
            {
                let points = smena_engine::Score::parse(value)
                    .ok()
                    .filter(|s| (0..=1_000_000).contains(&s.thousandths()))
                    .ok_or_else(|| {
                        AppError::Invalid(
                            "dry-run-bad-points",
                            vec![("value", value.clone()), ("level", level.to_string())],
                        )
                    })?;
                overrides
                    .points
                    .push((level.to_string(), points.thousandths()));
            }
        }
        let c = get("rural_coefficient");
        if !c.is_empty() {
            let score = smena_engine::Score::parse(&c)
                .ok()
                .filter(|s| (0..=10_000).contains(&s.thousandths()))
                .ok_or_else(|| {
                    AppError::Invalid("dry-run-bad-rural", vec![("value", c.clone())])
                })?;
            overrides.rural_coefficient_milli = Some(score.thousandths());
        }
    } else if programme.status == "published" {
        return Err(AppError::Invalid("run-after-publication", vec![]));
    }
    let label = match get("label") {
        l if l.is_empty() => {
            if kind == "final" {
                "Final allocation".to_string()
            } else {
                "Dry run".to_string()
            }
        }
        l => l.chars().take(100).collect(),
    };
    let id = runs::run(&state.db, programme.id, user.id, kind, &label, &overrides).await?;
    audit::note(&state.db, &user, "run", "allocation", Some(id), "ok", kind).await?;
    Ok(Redirect::to(&format!("/coordinator/allocation/runs/{id}")).into_response())
}

struct RunView {
    summary: RunSummary,
    fill: Vec<SessionFill>,
    by_district: Vec<(String, i64, i64)>,
    reasons: Vec<(String, i64)>,
    /// (reference, first choice's reason in words) of children not placed.
    unplaced: Vec<(String, String)>,
    chart: String,
    district_chart: String,
    inputs_digest: String,
}

async fn run_view(state: &AppState, programme: i64, id: i64, lang: Language) -> AppResult<RunView> {
    let summary = runs::runs(&state.db, programme)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    let fill = runs::fill(&state.db, programme, id).await?;
    let by_district = by_district(&state.db, id).await?;
    let reasons: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.reason, COUNT(*) FROM explanations e JOIN placements p ON p.run_id = e.run_id AND p.application_id = e.application_id \
         WHERE e.run_id = $1 AND p.session_id IS NULL GROUP BY e.reason ORDER BY COUNT(*) DESC",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    let unplaced: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT a.reference, e.sentence, e.words FROM placements p JOIN applications a ON a.id = p.application_id \
         JOIN explanations e ON e.run_id = p.run_id AND e.application_id = p.application_id AND e.choice_rank = 1 \
         WHERE p.run_id = $1 AND p.session_id IS NULL ORDER BY a.reference LIMIT 1000",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    let (inputs_digest,): (String,) =
        sqlx::query_as("SELECT inputs_digest FROM allocation_runs WHERE id = $1")
            .bind(id)
            .fetch_one(state.db.pool())
            .await?;
    let chart = demand_chart(&fill, lang);
    let district_chart = district_chart(&by_district, lang);
    Ok(RunView {
        summary,
        fill,
        by_district,
        reasons,
        unplaced: unplaced
            .into_iter()
            .map(|(reference, sentence, words)| {
                let why = super::wording::stored(words.as_deref(), &sentence, lang);
                (reference, why)
            })
            .collect(),
        chart,
        district_chart,
        inputs_digest,
    })
}

/// (district, applications, placed) of a run, the most applications first.
pub async fn by_district(
    db: &crate::store::Db,
    run: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.name, COUNT(*), SUM(CASE WHEN p.session_id IS NULL THEN 0 ELSE 1 END) FROM placements p \
         JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
         JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id WHERE p.run_id = $1 \
         GROUP BY d.name ORDER BY COUNT(*) DESC, d.name",
    )
    .bind(run)
    .fetch_all(db.pool())
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "allocation/review.html")]
struct ReviewPage {
    nav: Nav,
    programme: ProgrammeInfo,
    run: RunView,
}

async fn review(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ReviewPage> {
    authorize(&user, Action::Run, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let run = run_view(&state, programme.id, id, visitor.language).await?;
    Ok(ReviewPage {
        nav: Nav::from(&visitor),
        programme,
        run,
    })
}

async fn publish(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Publish, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    offers::publish(&state.db, &state.config.base_url, programme.id, id).await?;
    audit::note(
        &state.db,
        &user,
        "publish",
        "allocation",
        Some(id),
        "ok",
        "",
    )
    .await?;
    Ok(Redirect::to(&format!("/coordinator/allocation/runs/{id}")).into_response())
}

#[derive(Deserialize)]
struct CompareQuery {
    a: i64,
    b: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "allocation/compare.html")]
struct ComparePage {
    nav: Nav,
    a: RunView,
    b: RunView,
    /// (reference, placement in a, placement in b)
    differences: Vec<(String, String, String)>,
}

async fn compare(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<CompareQuery>,
) -> AppResult<ComparePage> {
    authorize(&user, Action::Run, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let a = run_view(&state, programme.id, q.a, visitor.language).await?;
    let b = run_view(&state, programme.id, q.b, visitor.language).await?;
    let differences: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT ap.reference, COALESCE(sa.code, '—'), COALESCE(sb.code, '—') FROM placements pa \
         JOIN placements pb ON pb.application_id = pa.application_id AND pb.run_id = $2 \
         JOIN applications ap ON ap.id = pa.application_id \
         LEFT JOIN sessions sa ON sa.id = pa.session_id LEFT JOIN sessions sb ON sb.id = pb.session_id \
         WHERE pa.run_id = $1 AND COALESCE(pa.session_id, 0) <> COALESCE(pb.session_id, 0) ORDER BY ap.reference LIMIT 500",
    )
    .bind(q.a)
    .bind(q.b)
    .fetch_all(state.db.pool())
    .await?;
    Ok(ComparePage {
        nav: Nav::from(&visitor),
        a,
        b,
        differences,
    })
}

#[derive(Deserialize)]
struct AnswerForm {
    decision: String,
}

async fn owned_application(state: &AppState, user: &User, id: i64) -> AppResult<()> {
    authorize(user, Action::Update, Resource::Application)?;
    let (child,): (i64,) = sqlx::query_as("SELECT child_id FROM applications WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    find(state, user, Action::Update, child).await?;
    Ok(())
}

async fn answer(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    owned_application(&state, &user, id).await?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            return Err(AppError::Invalid("offer-choose", vec![]));
        }
    };
    offers::decide(&state.db, &state.config.base_url, id, accept).await?;
    audit::note(
        &state.db,
        &user,
        "update",
        "application",
        Some(id),
        "ok",
        if accept {
            "offer accepted"
        } else {
            "offer declined"
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/applications/{id}#result")).into_response())
}

async fn withdraw(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    owned_application(&state, &user, id).await?;
    offers::withdraw_application(&state.db, &state.config.base_url, id).await?;
    audit::note(
        &state.db,
        &user,
        "update",
        "application",
        Some(id),
        "ok",
        "withdrawn",
    )
    .await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

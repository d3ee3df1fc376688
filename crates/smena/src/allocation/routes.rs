//! Allocation in the service: the coordinator dry-runs with changed rules,
//! compares, runs the final allocation, reviews it and publishes it;
//! families answer their offers or withdraw.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::offers::{self, Answer};
use super::runs::{self, Overrides, RunRequest, RunSummary, SessionFill};
use crate::charts::{District, demand_chart, district_chart};
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, ProgrammeStatus, RunKind};
use crate::domain::values::parse_reserves;
use crate::language::{Language, words};
use crate::programmes::preflight::{self, Step};
use crate::programmes::queries as programmes;
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::{Confirm, Nav};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .merge(super::lottery::routes())
        .merge(super::waitlist::routes())
        .get(
            "/coordinator/allocation",
            Access::Policy(Action::Run, Resource::Allocation),
            overview,
        )
        .post(
            "/coordinator/allocation/runs",
            Access::Policy(Action::Run, Resource::Allocation),
            start_run,
        )
        .get(
            "/coordinator/allocation/runs/{id}",
            Access::Policy(Action::Run, Resource::Allocation),
            review,
        )
        .post(
            "/coordinator/allocation/runs/{id}/publish",
            Access::Policy(Action::Publish, Resource::Allocation),
            publish,
        )
        .get(
            "/coordinator/allocation/compare",
            Access::Policy(Action::Run, Resource::Allocation),
            compare,
        )
        .post(
            "/applications/{id}/offer",
            Access::Policy(Action::Update, Resource::Application),
            answer,
        )
        .post(
            "/applications/{id}/withdraw",
            Access::Policy(Action::Update, Resource::Application),
            withdraw,
        )
}

#[derive(sqlx::FromRow)]
struct ProgrammeInfo {
    id: i64,
    name: String,
    status: ProgrammeStatus,
    commitment_hex: Option<String>,
    submitted: i64,
}

/// The programme being allocated: the newest.
async fn current_programme(state: &AppState) -> AppResult<ProgrammeInfo> {
    let newest = programmes::newest(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(sqlx::query_as(
        "SELECT p.id, p.name, p.status, p.commitment_hex, \
                (SELECT COUNT(*) FROM applications a WHERE a.programme_id = p.id AND a.status = $2) AS submitted \
         FROM programmes p WHERE p.id = $1",
    )
    .bind(newest.id)
    .bind(ApplicationStatus::Submitted)
    .fetch_one(state.db.pool())
    .await?)
}

pub struct SessionPlaces {
    pub id: i64,
    pub code: String,
    pub places: i32,
    /// (group, places) reserved.
    pub reserves: Vec<(String, i32)>,
}

impl SessionPlaces {
    /// The reserved places in words: "2 for the Arctic uluses, …".
    pub fn reserves_in(&self, lang: &Language) -> String {
        self.reserves
            .iter()
            .map(|(group, n)| {
                lang.text_with(
                    "programme-reserve",
                    &[
                        ("n", &n.to_string()),
                        ("group", &lang.code_name("reserve-group", group)),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Words that mean "none" in a dry run's field (no reserves, no school
/// cap), in each language the form is read in.
fn means_none(value: &str) -> bool {
    ["none", "нет", "없음", "-", "—"]
        .iter()
        .any(|w| value.eq_ignore_ascii_case(w) || value.to_lowercase() == *w)
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
    /// What stands before the final run (the pre-flight list).
    preflight: Vec<(String, bool)>,
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
    let reserves = programmes::reserves(&state.db, programme.id).await?;
    let sessions = programmes::sessions(&state.db, programme.id)
        .await?
        .into_iter()
        .map(|s| SessionPlaces {
            reserves: reserves
                .iter()
                .filter(|(id, _, _)| *id == s.id)
                .map(|(_, g, n)| (g.clone(), *n))
                .collect(),
            id: s.id,
            code: s.code,
            places: s.places,
        })
        .collect();
    let levels = programmes::rules(&state.db, programme.id)
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
        sessions,
        levels,
        runs,
        vouchers_issued: q.vouchers,
        preflight: preflight::listed(
            &preflight::check(&state.db, programme.id, Step::Run).await?,
            visitor.language,
        ),
        programme,
    })
}

/// A dry run's changes from the form; the first problem found.
fn overrides(fields: &[(String, String)]) -> AppResult<Overrides> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut overrides = Overrides::default();
    for (name, value) in fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if let Some(id) = name
            .strip_prefix("places_")
            .and_then(|i| i.parse::<i64>().ok())
        {
            let places = value
                .parse::<u32>()
                .ok()
                .filter(|p| *p <= 100_000)
                .ok_or_else(|| {
                    AppError::Invalid("dry-run-bad-places", vec![("value", value.to_string())])
                })?;
            overrides.places.push((id, places));
        }
        if let Some(id) = name
            .strip_prefix("reserves_")
            .and_then(|i| i.parse::<i64>().ok())
        {
            let list = if means_none(value) {
                Vec::new()
            } else {
                parse_reserves(value).map_err(|_| {
                    AppError::Invalid("setup-reserves", vec![("value", value.to_string())])
                })?
            };
            overrides.reserves.push((id, list));
        }
        if let Some(level) = name.strip_prefix("points_") {
            let points = smena_engine::Score::parse(value)
                .ok()
                .filter(|s| (0..=1_000_000).contains(&s.thousandths()))
                .ok_or_else(|| {
                    AppError::Invalid(
                        "dry-run-bad-points",
                        vec![("value", value.to_string()), ("level", level.to_string())],
                    )
                })?;
            overrides
                .points
                .push((level.to_string(), points.thousandths()));
        }
    }
    match get("school_cap").as_str() {
        "" => {}
        v if means_none(v) => overrides.school_cap = Some(None),
        v => {
            overrides.school_cap = Some(Some(v.parse::<u32>().map_err(|_| {
                AppError::Invalid("dry-run-bad-school-cap", vec![("value", v.to_string())])
            })?))
        }
    }
    let c = get("rural_coefficient");
    if !c.is_empty() {
        let score = smena_engine::Score::parse(&c)
            .ok()
            .filter(|s| (0..=10_000).contains(&s.thousandths()))
            .ok_or_else(|| AppError::Invalid("dry-run-bad-rural", vec![("value", c.clone())]))?;
        overrides.rural_coefficient_milli = Some(score.thousandths());
    }
    Ok(overrides)
}

async fn start_run(
    State(state): State<AppState>,
    user: User,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Run, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let kind = match field("kind").as_str() {
        "final" => RunKind::Final,
        _ => RunKind::DryRun,
    };
    let overrides = match kind {
        RunKind::DryRun => overrides(&fields)?,
        RunKind::Final => Overrides::default(),
    };
    // Unnamed, a run is called by its kind, in each reader's language.
    let label: String = field("label").chars().take(100).collect();
    let request = RunRequest {
        kind,
        label: &label,
        overrides: &overrides,
    };
    let id = runs::run(&state.db, permit.actor(), programme.id, &request).await?;
    Ok(Redirect::to(&format!("/coordinator/allocation/runs/{id}")).into_response())
}

struct RunView {
    summary: RunSummary,
    fill: Vec<SessionFill>,
    by_district: Vec<District>,
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
    let demand: Vec<_> = fill.iter().map(SessionFill::demand).collect();
    Ok(RunView {
        chart: demand_chart(&demand, lang),
        district_chart: district_chart(&by_district, lang),
        summary,
        fill,
        by_district,
        reasons,
        unplaced: unplaced
            .into_iter()
            .map(|(reference, sentence, stored)| {
                (reference, words::stored(stored.as_deref(), &sentence, lang))
            })
            .collect(),
        inputs_digest,
    })
}

/// Applications and placements of a run per district, the most
/// applications first.
pub async fn by_district(db: &Db, run: i64) -> Result<Vec<District>, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT d.name, COUNT(*), SUM(CASE WHEN p.session_id IS NULL THEN 0 ELSE 1 END) FROM placements p \
         JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
         JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id WHERE p.run_id = $1 \
         GROUP BY d.name ORDER BY COUNT(*) DESC, d.name",
    )
    .bind(run)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, applications, placed)| District {
            name,
            applications,
            placed,
        })
        .collect())
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

/// `confirm=yes` once the step was asked again.
#[derive(Deserialize, Default)]
struct Confirmed {
    #[serde(default)]
    confirm: String,
}

impl Confirmed {
    fn yes(&self) -> bool {
        self.confirm == "yes"
    }
}

async fn publish(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<Confirmed>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Publish, Resource::Allocation)?;
    let programme = current_programme(&state).await?;
    let lang = visitor.language;
    let mut found = preflight::check(&state.db, programme.id, Step::Publish).await?;
    let kind: Option<(RunKind,)> =
        sqlx::query_as("SELECT kind FROM allocation_runs WHERE id = $1 AND programme_id = $2")
            .bind(id)
            .bind(programme.id)
            .fetch_optional(state.db.pool())
            .await?;
    let (kind,) = kind.ok_or(AppError::NotFound)?;
    if kind != RunKind::Final {
        found.insert(
            0,
            preflight::Finding {
                key: "preflight-not-final",
                count: 1,
                blocks: true,
            },
        );
    }
    let blocked = found.iter().find(|f| f.blocks);
    if !f.yes() || blocked.is_some() {
        let (offers, days): (i64, i32) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM placements WHERE run_id = $1 AND session_id IS NOT NULL), \
                    (SELECT offer_days FROM programmes WHERE id = $2)",
        )
        .bind(id)
        .bind(programme.id)
        .fetch_one(state.db.pool())
        .await?;
        let page = Confirm {
            nav: Nav::from(&visitor),
            title: lang.text("publish-confirm-title"),
            what: vec![
                lang.text_with(
                    "publish-confirm-offers",
                    &[("count", &offers.to_string()), ("days", &days.to_string())],
                ),
                lang.text("publish-confirm-public"),
            ],
            checks: preflight::listed(&found, lang),
            action: format!("/coordinator/allocation/runs/{id}/publish"),
            fields: vec![],
            button: lang.text("publish-confirm-button"),
            back: format!("/coordinator/allocation/runs/{id}"),
        };
        // Confirmed past a block: refused, and told why.
        let status = if f.yes() {
            axum::http::StatusCode::BAD_REQUEST
        } else {
            axum::http::StatusCode::OK
        };
        return Ok((status, page).into_response());
    }
    state
        .write(&permit, async |c| {
            offers::publish(c, &state.config.base_url, programme.id, id).await
        })
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
    #[serde(default)]
    confirm: String,
}

async fn answer(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let answer =
        Answer::parse(&form.decision).ok_or_else(|| AppError::Invalid("offer-choose", vec![]))?;
    // Declining gives the place away: asked again first.
    if answer == Answer::Decline && form.confirm != "yes" {
        crate::applications::load_application(&state, &user, Action::Update, id).await?;
        let session: Option<(String,)> = sqlx::query_as(
            "SELECT s.code FROM offers o JOIN sessions s ON s.id = o.session_id WHERE o.application_id = $1",
        )
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?;
        let (session,) = session.ok_or(AppError::NotFound)?;
        let lang = visitor.language;
        return Ok(Confirm {
            nav: Nav::from(&visitor),
            title: lang.text("decline-confirm-title"),
            what: vec![lang.text_with("decline-confirm-what", &[("session", &session)])],
            checks: vec![],
            action: format!("/applications/{id}/offer"),
            fields: vec![("decision".into(), "decline".into())],
            button: lang.text("decline-confirm-button"),
            back: format!("/applications/{id}#result"),
        }
        .into_response());
    }
    offers::answer(&state, &user, id, answer).await?;
    Ok(Redirect::to(&format!("/applications/{id}#result")).into_response())
}

async fn withdraw(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<Confirmed>,
) -> AppResult<Response> {
    if !f.yes() {
        crate::applications::load_application(&state, &user, Action::Update, id).await?;
        let offered: Option<(i64,)> =
            sqlx::query_as("SELECT application_id FROM offers WHERE application_id = $1")
                .bind(id)
                .fetch_optional(state.db.pool())
                .await?;
        let lang = visitor.language;
        return Ok(Confirm {
            nav: Nav::from(&visitor),
            title: lang.text("withdraw-confirm-title"),
            what: vec![lang.text(if offered.is_some() {
                "withdraw-explain-place"
            } else {
                "withdraw-explain"
            })],
            checks: vec![],
            action: format!("/applications/{id}/withdraw"),
            fields: vec![],
            button: lang.text("withdraw-confirm-button"),
            back: format!("/applications/{id}"),
        }
        .into_response());
    }
    offers::withdraw(&state, &user, id).await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

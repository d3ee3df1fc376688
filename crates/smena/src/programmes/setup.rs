//! Programme set-up by the coordinator: the programme and its rules, host
//! camps and sessions, the scoring table, preferential categories, required
//! documents, and opening applications (which draws the lottery seed and
//! publishes its commitment) and closing them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use sqlx::Row as _;

use crate::allocation::contract::parse_date;
use crate::applications::queries;
use crate::applications::score::Rules;
use crate::audit;
use crate::language::Language;
use crate::store::{new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/coordinator/programmes", get(list).post(create))
        .route("/coordinator/programmes/{id}", get(edit))
        .route("/coordinator/programmes/{id}/camps", post(add_camp))
        .route("/coordinator/programmes/{id}/sessions", post(add_session))
        .route("/coordinator/programmes/{id}/scoring", post(set_scoring))
        .route(
            "/coordinator/programmes/{id}/categories",
            post(add_category),
        )
        .route("/coordinator/programmes/{id}/documents", post(add_document))
        .route("/coordinator/programmes/{id}/status", post(set_status))
}

/// The name of form field `key` in `lang`, for the messages below.
fn field(lang: Language, key: &str) -> String {
    lang.text(&format!("setup-field-{key}"))
}

fn text(v: &str, what: &str, max: usize, lang: Language) -> Result<String, String> {
    let what = field(lang, what);
    let t = v.trim();
    if t.is_empty() {
        return Err(lang.text_with("setup-required", &[("field", &what)]));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(lang.text_with(
            "setup-too-long",
            &[("field", &what), ("n", &max.to_string())],
        ));
    }
    Ok(t.to_string())
}

fn date(v: &str, what: &str, lang: Language) -> Result<time::Date, String> {
    parse_date(v.trim()).map_err(|_| {
        lang.text_with(
            "setup-date",
            &[("field", &field(lang, what)), ("value", v.trim())],
        )
    })
}

/// Achievements score by place: 1st, 2nd and 3rd (others earn nothing).
const PLACES: i64 = 3;

fn number(
    v: &str,
    what: &str,
    range: std::ops::RangeInclusive<i64>,
    lang: Language,
) -> Result<i64, String> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            lang.text_with(
                "setup-whole-number",
                &[
                    ("field", &field(lang, what)),
                    ("min", &range.start().to_string()),
                    ("max", &range.end().to_string()),
                    ("value", v.trim()),
                ],
            )
        })
}

fn decimal(v: &str, what: &str, max_points: i64, lang: Language) -> Result<i64, String> {
    smena_engine::Score::parse(v)
        .ok()
        .map(|s| s.thousandths())
        .filter(|t| (0..=max_points * 1000).contains(t))
        .ok_or_else(|| {
            lang.text_with(
                "setup-decimal",
                &[
                    ("field", &field(lang, what)),
                    ("max", &max_points.to_string()),
                    ("value", v.trim()),
                ],
            )
        })
}

/// A session code: letters, digits, '-' and '_' (it appears in files).
fn code(v: &str, what: &str, lang: Language) -> Result<String, String> {
    let c = v.trim();
    if c.is_empty()
        || c.len() > 40
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(lang.text_with("setup-code", &[("field", &field(lang, what)), ("value", c)]));
    }
    Ok(c.to_string())
}

pub struct ProgrammeLine {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/setup_list.html")]
struct ListPage {
    nav: Nav,
    programmes: Vec<ProgrammeLine>,
    errors: Vec<String>,
}

async fn programme_lines(state: &AppState) -> AppResult<Vec<ProgrammeLine>> {
    let rows =
        sqlx::query("SELECT id, name, code, status FROM programmes ORDER BY created_at DESC")
            .fetch_all(state.db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            Ok(ProgrammeLine {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                code: r.try_get("code")?,
                status: r.try_get("status")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

async fn list(State(state): State<AppState>, user: User, visitor: Visitor) -> AppResult<ListPage> {
    authorize(&user, Action::Update, Resource::Programme)?;
    Ok(ListPage {
        nav: Nav::from(&visitor),
        programmes: programme_lines(&state).await?,
        errors: vec![],
    })
}

#[derive(Deserialize)]
struct NewProgramme {
    name: String,
    code: String,
}

async fn create(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(f): Form<NewProgramme>,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Programme)?;
    let mut errors = Vec::new();
    let lang = visitor.language;
    let name = text(&f.name, "programme-name", 200, lang)
        .map_err(|e| errors.push(e))
        .ok();
    let code = code(&f.code, "programme-code", lang)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(name), Some(code)) = (name, code) else {
        let page = ListPage {
            nav: Nav::from(&visitor),
            programmes: programme_lines(&state).await?,
            errors,
        };
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    };
    let id = new_id();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO programmes (id, name, status, max_choices, school_cap, rural_coefficient_milli, passport_months, created_at, code) \
         VALUES ($1, $2, 'draft', 5, NULL, 1000, 6, $3, $4)",
    )
    .bind(id)
    .bind(&name)
    .bind(now_ms())
    .bind(&code)
    .execute(&mut *tx)
    .await?;
    for (place, percent) in [(1, 100), (2, 80), (3, 60)] {
        sqlx::query(
            "INSERT INTO scoring_places (programme_id, place, percent) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(place)
        .bind(percent)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(&mut tx, &user, "create", "programme", Some(id), "ok", "").await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coordinator/programmes/{id}")).into_response())
}

pub struct SessionLine {
    pub code: String,
    pub camp: String,
    pub starts: String,
    pub ends: String,
    pub places: i32,
    pub ages: String,
    pub reserves: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/setup.html")]
struct EditPage {
    nav: Nav,
    id: i64,
    name: String,
    code: String,
    status: String,
    commitment: Option<String>,
    max_choices: i32,
    school_cap: String,
    rural: String,
    passport_months: i32,
    offer_days: i32,
    rules: Rules,
    /// (level, points, cap) as shown in the form.
    level_rows: Vec<(&'static str, String, String)>,
    /// (place, percent of the level's points) as shown in the form.
    place_rows: Vec<(i32, i32)>,
    camps: Vec<(i64, String, String)>,
    sessions: Vec<SessionLine>,
    required: Vec<(String, String, String)>,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ErrorQuery {
    error: Option<String>,
}

async fn edit(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<ErrorQuery>,
) -> AppResult<EditPage> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let p = sqlx::query(
        "SELECT name, code, status, commitment_hex, max_choices, school_cap, rural_coefficient_milli, passport_months, offer_days FROM programmes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let camps: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, country FROM camps ORDER BY name")
            .fetch_all(state.db.pool())
            .await?;
    let sessions = sqlx::query(
        "SELECT s.id, s.code, c.name AS camp, s.starts, s.ends, s.places, s.min_age, s.max_age FROM sessions s JOIN camps c ON c.id = s.camp_id \
         WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    let mut lines = Vec::new();
    for r in sessions {
        let sid: i64 = r.try_get("id")?;
        let reserves: Vec<(String, i32)> =
            sqlx::query_as("SELECT reserve_group, places FROM session_reserves WHERE session_id = $1 ORDER BY reserve_group")
                .bind(sid)
                .fetch_all(state.db.pool())
                .await?;
        lines.push(SessionLine {
            code: r.try_get("code")?,
            camp: r.try_get("camp")?,
            starts: r.try_get("starts")?,
            ends: r.try_get("ends")?,
            places: r.try_get("places")?,
            ages: format!(
                "{}–{}",
                r.try_get::<i32, _>("min_age")?,
                r.try_get::<i32, _>("max_age")?
            ),
            reserves: reserves
                .iter()
                .map(|(g, n)| format!("{g}:{n}"))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let rural: i32 = p.try_get("rural_coefficient_milli")?;
    let rules = queries::rules(&state.db, id).await?;
    let shown = |milli: i64| {
        smena_engine::Score::from_thousandths(milli)
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let level_rows = ["international", "national", "regional", "municipal"]
        .into_iter()
        .map(|level| match rules.levels.iter().find(|l| l.0 == level) {
            Some(l) => (level, shown(l.1), shown(l.2)),
            None => (level, String::new(), String::new()),
        })
        .collect();
    let place_rows = (1..=PLACES as i32)
        .map(|place| {
            let percent = rules
                .places
                .iter()
                .find(|p| p.0 == place)
                .map_or(0, |p| p.1);
            (place, percent)
        })
        .collect();
    Ok(EditPage {
        nav: Nav::from(&visitor),
        id,
        name: p.try_get("name")?,
        code: p.try_get("code")?,
        status: p.try_get("status")?,
        commitment: p.try_get("commitment_hex")?,
        max_choices: p.try_get("max_choices")?,
        school_cap: p
            .try_get::<Option<i32>, _>("school_cap")?
            .map(|c| c.to_string())
            .unwrap_or_default(),
        rural: smena_engine::Score::from_thousandths(i64::from(rural))
            .map(|s| s.to_string())
            .unwrap_or_default(),
        passport_months: p.try_get("passport_months")?,
        offer_days: p.try_get("offer_days")?,
        rules,
        level_rows,
        place_rows,
        camps,
        sessions: lines,
        required: queries::required_documents(&state.db, id).await?,
        errors: q.error.into_iter().collect(),
    })
}

/// Back to the programme page, with the problem if there was one.
fn back(id: i64, result: Result<(), String>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/coordinator/programmes/{id}")).into_response(),
        Err(e) => {
            let q = serde_urlencoded::to_string([("error", e)]).unwrap_or_default();
            Redirect::to(&format!("/coordinator/programmes/{id}?{q}")).into_response()
        }
    }
}

async fn status_of(state: &AppState, id: i64) -> AppResult<String> {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM programmes WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(status)
}

/// Rules can change only before applications open: families apply under the
/// rules they were shown.
async fn editable(state: &AppState, id: i64, lang: Language) -> AppResult<Result<(), String>> {
    Ok(match status_of(state, id).await?.as_str() {
        "draft" => Ok(()),
        s => Err(lang.text_with(
            "setup-not-editable",
            &[("status", &lang.code_name("status", s))],
        )),
    })
}

#[derive(Deserialize)]
struct CampForm {
    name: String,
    country: String,
    contact: String,
}

async fn add_camp(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<CampForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    status_of(&state, id).await?;
    let checked = (|| {
        Ok::<_, String>((
            text(&f.name, "camp-name", 200, lang)?,
            text(&f.country, "country", 100, lang)?,
            text(&f.contact, "contact", 300, lang)?,
        ))
    })();
    let (name, country, contact) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(back(id, Err(e))),
    };
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("INSERT INTO camps (id, name, country, contact) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING")
        .bind(new_id())
        .bind(&name)
        .bind(&country)
        .bind(&contact)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(back(
            id,
            Err(lang.text_with("setup-camp-exists", &[("name", &name)])),
        ));
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "programme",
        Some(id),
        "ok",
        "camp added",
    )
    .await?;
    tx.commit().await?;
    Ok(back(id, Ok(())))
}

#[derive(Deserialize)]
struct SessionForm {
    camp: String,
    code: String,
    starts: String,
    ends: String,
    places: String,
    min_age: String,
    max_age: String,
    languages: String,
    #[serde(default)]
    reserves: String,
    /// Where the group leaves from (printed on vouchers); may come later.
    #[serde(default)]
    departure: String,
}

async fn add_session(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<SessionForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Session)?;
    let lang = visitor.language;
    if let Err(e) = editable(&state, id, lang).await? {
        return Ok(back(id, Err(e)));
    }
    let checked = (|| {
        let camp = f
            .camp
            .trim()
            .parse::<i64>()
            .map_err(|_| lang.text("setup-choose-camp"))?;
        let code = code(&f.code, "session-code", lang)?;
        let starts = date(&f.starts, "starts", lang)?;
        let ends = date(&f.ends, "ends", lang)?;
        if ends < starts {
            return Err(lang.text("setup-ends-before-starts"));
        }
        let places = number(&f.places, "places", 0..=100_000, lang)?;
        let min_age = number(&f.min_age, "min-age", 3..=25, lang)?;
        let max_age = number(&f.max_age, "max-age", 3..=25, lang)?;
        if max_age < min_age {
            return Err(lang.text("setup-max-below-min"));
        }
        let languages = text(&f.languages, "languages", 200, lang)?;
        let departure = if f.departure.trim().is_empty() {
            String::new()
        } else {
            text(&f.departure, "departure", 200, lang)?
        };
        let reserves = if f.reserves.trim().is_empty() {
            vec![]
        } else {
            crate::allocation::contract::parse_reserves(&f.reserves)
                .map_err(|_| lang.text_with("setup-reserves", &[("value", f.reserves.trim())]))?
        };
        let reserved: i64 = reserves.iter().map(|r| i64::from(r.places)).sum();
        if reserved > places {
            return Err(lang.text_with(
                "setup-reserved-too-many",
                &[
                    ("n", &reserved.to_string()),
                    ("places", &places.to_string()),
                ],
            ));
        }
        Ok((
            camp,
            code,
            f.starts.trim().to_string(),
            f.ends.trim().to_string(),
            places,
            min_age,
            max_age,
            languages,
            departure,
            reserves,
        ))
    })();
    let (camp, code, starts, ends, places, min_age, max_age, languages, departure, reserves) =
        match checked {
            Ok(v) => v,
            Err(e) => return Ok(back(id, Err(e))),
        };
    let known: Option<(i64,)> = sqlx::query_as("SELECT id FROM camps WHERE id = $1")
        .bind(camp)
        .fetch_optional(state.db.pool())
        .await?;
    if known.is_none() {
        return Ok(back(id, Err(lang.text("setup-choose-camp"))));
    }
    let session = new_id();
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "INSERT INTO sessions (id, programme_id, camp_id, code, starts, ends, places, min_age, max_age, languages, departure) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (programme_id, code) DO NOTHING",
    )
    .bind(session)
    .bind(id)
    .bind(camp)
    .bind(&code)
    .bind(&starts)
    .bind(&ends)
    .bind(places as i32)
    .bind(min_age as i32)
    .bind(max_age as i32)
    .bind(&languages)
    .bind(&departure)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(back(
            id,
            Err(lang.text_with("setup-session-exists", &[("code", &code)])),
        ));
    }
    for r in reserves {
        sqlx::query(
            "INSERT INTO session_reserves (session_id, reserve_group, places) VALUES ($1, $2, $3)",
        )
        .bind(session)
        .bind(&r.group)
        .bind(r.places as i32)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        &user,
        "create",
        "session",
        Some(session),
        "ok",
        &code,
    )
    .await?;
    tx.commit().await?;
    Ok(back(id, Ok(())))
}

/// The programme's general rules and the scoring table in one form.
async fn set_scoring(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    if let Err(e) = editable(&state, id, lang).await? {
        return Ok(back(id, Err(e)));
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let checked = (|| {
        let max_choices = number(get("max_choices"), "max-choices", 1..=20, lang)?;
        let school_cap = match get("school_cap").trim() {
            "" => None,
            v => Some(number(v, "school-cap", 0..=10_000, lang)?),
        };
        let rural = decimal(get("rural_coefficient"), "rural", 10, lang)?;
        let passport = number(get("passport_months"), "passport-months", 0..=60, lang)?;
        let offer_days = number(get("offer_days"), "offer-days", 1..=60, lang)?;
        let mut levels = Vec::new();
        for level in ["international", "national", "regional", "municipal"] {
            let points = decimal(
                get(&format!("points_{level}")),
                &format!("points-{level}"),
                1000,
                lang,
            )?;
            let cap = decimal(
                get(&format!("cap_{level}")),
                &format!("cap-{level}"),
                10_000,
                lang,
            )?;
            levels.push((level, points, cap));
        }
        let mut places = Vec::new();
        for place in 1..=PLACES {
            let percent = number(
                get(&format!("percent_{place}")),
                &format!("percent-{place}"),
                0..=100,
                lang,
            )?;
            if let Some(&(_, better)) = places.last()
                && percent > better
            {
                return Err(lang.text_with(
                    "setup-place-order",
                    &[
                        ("place", &place.to_string()),
                        ("better", &(place - 1).to_string()),
                        ("percent", &percent.to_string()),
                        ("better-percent", &better.to_string()),
                    ],
                ));
            }
            places.push((place, percent));
        }
        Ok::<_, String>((
            max_choices,
            school_cap,
            rural,
            passport,
            offer_days,
            levels,
            places,
        ))
    })();
    let (max_choices, school_cap, rural, passport, offer_days, levels, places) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(back(id, Err(e))),
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE programmes SET max_choices = $1, school_cap = $2, rural_coefficient_milli = $3, passport_months = $4, offer_days = $5 WHERE id = $6")
        .bind(max_choices as i32)
        .bind(school_cap.map(|c| c as i32))
        .bind(rural as i32)
        .bind(passport as i32)
        .bind(offer_days as i32)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for (level, points, cap) in levels {
        sqlx::query(
            "INSERT INTO scoring_rules (programme_id, level, points_milli, cap_milli) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (programme_id, level) DO UPDATE SET points_milli = excluded.points_milli, cap_milli = excluded.cap_milli",
        )
        .bind(id)
        .bind(level)
        .bind(points)
        .bind(cap)
        .execute(&mut *tx)
        .await?;
    }
    for (place, percent) in places {
        sqlx::query(
            "INSERT INTO scoring_places (programme_id, place, percent) VALUES ($1, $2, $3) \
             ON CONFLICT (programme_id, place) DO UPDATE SET percent = excluded.percent",
        )
        .bind(id)
        .bind(place as i32)
        .bind(percent as i32)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "programme",
        Some(id),
        "ok",
        "rules",
    )
    .await?;
    tx.commit().await?;
    Ok(back(id, Ok(())))
}

#[derive(Deserialize)]
struct CategoryForm {
    code: String,
    name: String,
    tier: String,
}

async fn add_category(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<CategoryForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    if let Err(e) = editable(&state, id, lang).await? {
        return Ok(back(id, Err(e)));
    }
    let checked = (|| {
        Ok::<_, String>((
            code(&f.code, "category-code", lang)?,
            text(&f.name, "category-name", 200, lang)?,
            number(&f.tier, "tier", 1..=255, lang)?,
        ))
    })();
    let (code, name, tier) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(back(id, Err(e))),
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO priority_categories (programme_id, code, name, tier) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, code) DO UPDATE SET name = excluded.name, tier = excluded.tier",
    )
    .bind(id)
    .bind(&code)
    .bind(&name)
    .bind(tier as i32)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "programme",
        Some(id),
        "ok",
        "category",
    )
    .await?;
    tx.commit().await?;
    Ok(back(id, Ok(())))
}

#[derive(Deserialize)]
struct DocumentForm {
    kind: String,
    name: String,
    deadline: String,
}

async fn add_document(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    if let Err(e) = editable(&state, id, lang).await? {
        return Ok(back(id, Err(e)));
    }
    let checked = (|| {
        let deadline = date(&f.deadline, "deadline", lang)?;
        Ok::<_, String>((
            code(&f.kind, "document-code", lang)?,
            text(&f.name, "document-name", 200, lang)?,
            deadline,
        ))
    })();
    let (kind, name, _) = match checked {
        Ok(v) => v,
        Err(e) => return Ok(back(id, Err(e))),
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO required_documents (programme_id, kind, name, deadline) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, kind) DO UPDATE SET name = excluded.name, deadline = excluded.deadline",
    )
    .bind(id)
    .bind(&kind)
    .bind(&name)
    .bind(f.deadline.trim())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "programme",
        Some(id),
        "ok",
        "required document",
    )
    .await?;
    tx.commit().await?;
    Ok(back(id, Ok(())))
}

#[derive(Deserialize)]
struct StatusForm {
    to: String,
}

/// draft → open (seed drawn, commitment published) → closed.
async fn set_status(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let status = status_of(&state, id).await?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    match (status.as_str(), f.to.as_str()) {
        ("draft", "open") => {
            let (sessions,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE programme_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let (levels,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM scoring_rules WHERE programme_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if sessions == 0 || levels == 0 {
                return Ok(back(id, Err(lang.text("setup-open-needs"))));
            }
            // Only one programme takes applications at a time.
            let (open,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM programmes WHERE status = 'open'")
                    .fetch_one(&mut *tx)
                    .await?;
            if open > 0 {
                return Ok(back(id, Err(lang.text("setup-another-open"))));
            }
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("no random source: {e}")))?;
            let seed = smena_engine::Seed::from_bytes(bytes);
            sqlx::query("UPDATE programmes SET status = 'open', seed_hex = $1, commitment_hex = $2, applications_open_at = $3 WHERE id = $4")
                .bind(seed.to_hex())
                .bind(seed.commitment().to_hex())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        ("open", "closed") => {
            sqlx::query(
                "UPDATE programmes SET status = 'closed', applications_close_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        (from, to) => {
            return Ok(back(
                id,
                Err(lang.text_with(
                    "setup-status-change",
                    &[
                        ("from", &lang.code_name("status", from)),
                        ("to", &lang.code_name("status", to)),
                    ],
                )),
            ));
        }
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "programme",
        Some(id),
        "ok",
        &format!("status {}", f.to),
    )
    .await?;
    tx.commit().await?;
    state.open_programme.forget().await;
    Ok(back(id, Ok(())))
}

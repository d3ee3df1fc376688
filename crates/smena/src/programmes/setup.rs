//! Setting a programme up: the coordinator's list of programmes, a new
//! programme (with the default rules), and the set-up page where rules,
//! camps and sessions are added and applications opened.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::fields::{code, date, text};
use super::queries::{self, RequiredDocument, SessionRow};
use super::scoring::Rules;
use crate::domain::access::{Action, Resource};
use crate::domain::states::ProgrammeStatus;
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::{Change, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/programmes",
            Access::Policy(Action::Update, Resource::Programme),
            list,
        )
        .post(
            "/coordinator/programmes",
            Access::Policy(Action::Create, Resource::Programme),
            create,
        )
        .get(
            "/coordinator/programmes/{id}",
            Access::Policy(Action::Update, Resource::Programme),
            edit,
        )
}

/// The rules a new programme starts with.
pub struct Defaults {
    pub max_choices: i32,
    pub rural_coefficient_milli: i32,
    pub passport_months: i32,
    pub offer_days: i32,
    /// (place, percent of a level's points): 1st, 2nd and 3rd place.
    pub place_percents: [(i32, i32); 3],
}

pub const DEFAULTS: Defaults = Defaults {
    max_choices: 5,
    rural_coefficient_milli: 1000,
    passport_months: 6,
    offer_days: 7,
    place_percents: [(1, 100), (2, 80), (3, 60)],
};

/// A programme as the coordinator names it.
pub struct NewProgramme {
    pub name: String,
    /// The prefix of its public references (`SKH27`).
    pub code: String,
    /// Until when its personal data is kept (shown in the consent text);
    /// the purge deletes it after this day.
    pub retain_until: Day,
}

/// Creates a draft programme with the default rules; its id.
pub async fn create_programme(c: &mut Change, p: &NewProgramme) -> Result<i64, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO programmes (id, name, status, max_choices, school_cap, rural_coefficient_milli, passport_months, \
                                 offer_days, created_at, code, retain_until) \
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(&p.name)
    .bind(ProgrammeStatus::Draft)
    .bind(DEFAULTS.max_choices)
    .bind(DEFAULTS.rural_coefficient_milli)
    .bind(DEFAULTS.passport_months)
    .bind(DEFAULTS.offer_days)
    .bind(now_ms())
    .bind(&p.code)
    .bind(p.retain_until)
    .execute(&mut **c)
    .await?;
    for (place, percent) in DEFAULTS.place_percents {
        sqlx::query(
            "INSERT INTO scoring_places (programme_id, place, percent) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(place)
        .bind(percent)
        .execute(&mut **c)
        .await?;
    }
    c.audit_as(
        Action::Create,
        Resource::Programme,
        Some(id),
        format!("personal data kept until {}", p.retain_until),
    );
    Ok(id)
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/setup_list.html")]
struct ListPage {
    nav: Nav,
    programmes: Vec<queries::ProgrammeSummary>,
    errors: Vec<String>,
    /// What was typed (kept when the form comes back with errors).
    typed: NewProgrammeForm,
}

async fn list(State(state): State<AppState>, user: User, visitor: Visitor) -> AppResult<ListPage> {
    authorize(&user, Action::Update, Resource::Programme)?;
    Ok(ListPage {
        nav: Nav::from(&visitor),
        programmes: queries::programmes(&state.db).await?,
        errors: vec![],
        typed: NewProgrammeForm {
            retain_until: crate::store::retention::suggested(now_ms()).to_string(),
            ..NewProgrammeForm::default()
        },
    })
}

#[derive(Deserialize, Default)]
struct NewProgrammeForm {
    name: String,
    code: String,
    #[serde(default)]
    retain_until: String,
}

impl NewProgrammeForm {
    fn parse(&self, lang: Language) -> Result<NewProgramme, Vec<String>> {
        let name = text(&self.name, "programme-name", 200, lang);
        let code = code(&self.code, "programme-code", lang);
        let retain_until = date(&self.retain_until, "retain-until", lang).and_then(|day| {
            crate::store::retention::check(day, now_ms())
                .map_err(|key| lang.text_with(key, &[("date", &lang.date(&day.to_string()))]))
        });
        match (name, code, retain_until) {
            (Ok(name), Ok(code), Ok(retain_until)) => Ok(NewProgramme {
                name,
                code,
                retain_until,
            }),
            (name, code, retain_until) => Err(name
                .err()
                .into_iter()
                .chain(code.err())
                .chain(retain_until.err())
                .collect()),
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(f): Form<NewProgrammeForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Programme)?;
    let programme = match f.parse(visitor.language) {
        Ok(p) => p,
        Err(errors) => {
            let page = ListPage {
                nav: Nav::from(&visitor),
                programmes: queries::programmes(&state.db).await?,
                errors,
                typed: f,
            };
            return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let id = state
        .write(
            &permit,
            async |c| Ok(create_programme(c, &programme).await?),
        )
        .await?;
    Ok(Redirect::to(&format!("/coordinator/programmes/{id}")).into_response())
}

/// A session on the set-up page.
pub struct SessionLine {
    pub session: SessionRow,
    pub reserves: String,
}

/// The programme's head as the set-up page shows it.
#[derive(sqlx::FromRow)]
struct Head {
    name: String,
    code: String,
    status: ProgrammeStatus,
    commitment_hex: Option<String>,
    max_choices: i32,
    school_cap: Option<i32>,
    rural_coefficient_milli: i32,
    passport_months: i32,
    offer_days: i32,
    beacon_round: Option<i64>,
    beacon_hex: Option<String>,
    retain_until: String,
    time_zone: String,
    applications_close_at: Option<i64>,
    documents_due_at: Option<i64>,
}

impl Head {
    /// When the beacon round appears, in UTC.
    fn beacon_time(&self) -> String {
        self.beacon_round
            .map(|r| super::lifecycle::beacon_time(r.max(0) as u64))
            .unwrap_or_default()
    }

    /// Whether the announced round has not appeared yet.
    fn beacon_to_come(&self) -> bool {
        self.beacon_round
            .is_some_and(|r| super::lifecycle::beacon_in_future(r.max(0) as u64, now_ms()))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/setup.html")]
struct EditPage {
    nav: Nav,
    id: i64,
    head: Head,
    school_cap: String,
    rural: String,
    /// The nomination's points as the form shows them, and whether a
    /// nomination is required (as typed when the form comes back).
    nomination_points: String,
    nomination_required: bool,
    rules: Rules,
    /// (level, points, cap) as shown in the form.
    level_rows: Vec<(&'static str, String, String)>,
    /// (place, percent of the level's points) as shown in the form.
    place_rows: Vec<(i32, i32)>,
    /// (id, name, country, entry document).
    camps: Vec<(i64, String, String, Option<String>)>,
    sessions: Vec<SessionLine>,
    required: Vec<RequiredDocument>,
    errors: Vec<String>,
    /// The beacon round offered when opening.
    default_round: u64,
    /// The drand chain the beacon comes from.
    beacon_chain: &'static str,
    /// The deadlines as the form shows them, on the programme's clock:
    /// (day, time) when applications close, the day documents are due.
    closes: (String, String),
    documents_by: String,
    /// The form sent back with a problem, and what was typed into it.
    typed_form: String,
    typed: Vec<(String, String)>,
}

impl EditPage {
    /// Whether the problem is shown at the top: no form named, or the form
    /// that was sent is no longer on the page (deadlines after closing,
    /// sessions once open).
    fn error_at_top(&self) -> bool {
        let status = self.head.status;
        match self.typed_form.as_str() {
            "deadlines" => !matches!(status, ProgrammeStatus::Draft | ProgrammeStatus::Open),
            "sessions" => status != ProgrammeStatus::Draft,
            "scoring" | "categories" | "documents" | "camps" | "entry" => false,
            _ => true,
        }
    }

    /// What was typed into `name` of `form` when it came back with a
    /// problem, else `shown` (the stored value).
    /// A camp's entry document in its form: as typed when the form came
    /// back with a problem, else as saved.
    fn entry_value(&self, camp: &i64, saved: &Option<String>) -> String {
        if self.typed("entry", "camp", "") == camp.to_string() {
            self.typed("entry", "entry_document", "")
        } else {
            saved.clone().unwrap_or_default()
        }
    }

    fn typed(&self, form: &str, name: &str, shown: &str) -> String {
        if self.typed_form != form {
            return shown.to_string();
        }
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map_or(shown, |(_, v)| v.as_str())
            .to_string()
    }
}

/// The achievement levels of the scoring table, highest first.
pub const LEVELS: [&str; 4] = ["international", "national", "regional", "municipal"];

fn points_text(milli: i64) -> String {
    smena_engine::Score::from_thousandths(milli)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

async fn edit(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<Vec<(String, String)>>,
) -> AppResult<EditPage> {
    authorize(&user, Action::Update, Resource::Programme)?;
    let head: Head = sqlx::query_as(
        "SELECT name, code, status, commitment_hex, retain_until, time_zone, applications_close_at, documents_due_at, max_choices, school_cap, rural_coefficient_milli, passport_months, \
                offer_days, beacon_round, beacon_hex FROM programmes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let camps: Vec<(i64, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, country, entry_document FROM camps ORDER BY name")
            .fetch_all(state.db.pool())
            .await?;
    let reserves = queries::reserves(&state.db, id).await?;
    let sessions = queries::sessions(&state.db, id)
        .await?
        .into_iter()
        .map(|session| SessionLine {
            reserves: reserves
                .iter()
                .filter(|(s, _, _)| *s == session.id)
                .map(|(_, g, n)| format!("{g}:{n}"))
                .collect::<Vec<_>>()
                .join("; "),
            session,
        })
        .collect();
    let rules = queries::rules(&state.db, id).await?;
    let level_rows = LEVELS
        .into_iter()
        .map(|level| match rules.levels.iter().find(|l| l.0 == level) {
            Some(l) => (level, points_text(l.1), points_text(l.2)),
            None => (level, String::new(), String::new()),
        })
        .collect();
    let place_rows = DEFAULTS
        .place_percents
        .iter()
        .map(|&(place, _)| {
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
        school_cap: head.school_cap.map(|c| c.to_string()).unwrap_or_default(),
        rural: points_text(i64::from(head.rural_coefficient_milli)),
        nomination_points: points_text(rules.nomination_points_milli),
        nomination_required: if q.iter().any(|(k, v)| k == "form" && v == "scoring") {
            q.iter()
                .any(|(k, v)| k == "nomination_required" && v == "yes")
        } else {
            rules.nomination_required
        },
        rules,
        level_rows,
        place_rows,
        camps,
        sessions,
        required: queries::required_documents(&state.db, id).await?,
        errors: q
            .iter()
            .filter(|(k, _)| k == "error")
            .map(|(_, v)| v.clone())
            .collect(),
        typed_form: q
            .iter()
            .find(|(k, _)| k == "form")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        typed: q
            .into_iter()
            .filter(|(k, _)| k != "error" && k != "form" && k != "csrf")
            .collect(),
        default_round: super::lifecycle::default_beacon_round(now_ms()),
        beacon_chain: smena_engine::drand::QUICKNET,
        closes: super::deadlines::wall(head.applications_close_at, &head.time_zone),
        documents_by: super::deadlines::wall(head.documents_due_at, &head.time_zone).0,
        head,
    })
}

/// Back to the programme's set-up page, with the problem if there was one.
pub fn back(id: i64, result: Result<(), String>) -> Response {
    back_with(id, result, "", &())
}

/// The longest value of a set-up form kept when it comes back (a session's
/// description is the longest field).
const TYPED_VALUE_MAX: usize = 3000;
/// The longest address a set-up form comes back with, in bytes.
const TYPED_QUERY_MAX: usize = 24_000;

/// Back to the set-up page; with a problem, also what was typed into the
/// form named `form`, which the page fills in again (nothing typed is
/// lost). Set-up values are the programme's rules, never personal data.
pub fn back_with(
    id: i64,
    result: Result<(), String>,
    form: &str,
    typed: &impl serde::Serialize,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/coordinator/programmes/{id}")).into_response(),
        Err(e) => {
            let mut q = serde_urlencoded::to_string([("error", e.as_str()), ("form", form)])
                .unwrap_or_default();
            // What was typed rides in the address: each value cut to what
            // the form takes, the whole kept well under what a browser or
            // proxy accepts (a form of pasted megabytes loses its excess,
            // not the page).
            let pairs: Vec<(String, String)> = serde_urlencoded::to_string(typed)
                .ok()
                .and_then(|t| serde_urlencoded::from_str(&t).ok())
                .unwrap_or_default();
            for (name, value) in pairs {
                if name == "csrf" {
                    continue;
                }
                let value: String = value.chars().take(TYPED_VALUE_MAX).collect();
                let Ok(pair) = serde_urlencoded::to_string([(name.as_str(), value.as_str())])
                else {
                    continue;
                };
                if q.len() + pair.len() > TYPED_QUERY_MAX {
                    break;
                }
                q.push('&');
                q.push_str(&pair);
            }
            Redirect::to(&format!("/coordinator/programmes/{id}?{q}")).into_response()
        }
    }
}

/// Changes the set-up of a draft programme: rules can change only before
/// applications open (families apply under the rules they were shown). The
/// status is read under the programme's lock inside the change itself, so
/// a programme opened a moment ago is not changed. `change` answers with
/// the problem to show, if any.
pub async fn change_draft(
    state: &AppState,
    permit: &Permit,
    id: i64,
    lang: Language,
    (form, typed): (&str, &impl serde::Serialize),
    change: impl AsyncFnOnce(&mut Change) -> AppResult<Result<(), String>>,
) -> AppResult<Response> {
    let result = state
        .write(permit, async |c| {
            c.lock_programme(id).await?;
            let status: Option<(ProgrammeStatus,)> =
                sqlx::query_as("SELECT status FROM programmes WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **c)
                    .await?;
            let (status,) = status.ok_or(AppError::NotFound)?;
            if status != ProgrammeStatus::Draft {
                c.unchanged();
                return Ok(Err(lang.text_with(
                    "setup-not-editable",
                    &[("status", &lang.code_name("status", status.code()))],
                )));
            }
            let result = change(c).await?;
            if result.is_err() {
                c.unchanged();
            }
            Ok(result)
        })
        .await?;
    Ok(back_with(id, result, form, typed))
}

//! Host camps and their sessions: a camp is added once and serves every
//! programme; a session (a camp's dates with places) belongs to one
//! programme and is added while it is a draft.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use smena_engine::Reserve;

use super::fields::{code, date, number, optional_text, paragraphs, reserves, text};
use super::setup::{back_with, change_draft};
use crate::domain::access::{Action, Resource};
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::{Change, new_id};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/coordinator/programmes/{id}/camps",
            Access::Policy(Action::Update, Resource::Programme),
            add_camp,
        )
        .post(
            "/coordinator/programmes/{id}/camps/{camp}/entry",
            Access::Policy(Action::Update, Resource::Programme),
            set_entry,
        )
        .post(
            "/coordinator/programmes/{id}/sessions",
            Access::Policy(Action::Create, Resource::Session),
            add_session,
        )
}

/// A host camp abroad.
pub struct NewCamp {
    pub name: String,
    pub country: String,
    /// Whom the sending side talks to (printed on rosters).
    pub contact: String,
    /// The visa or invitation its host country requires of the children
    /// (as the coordinator names it), if any.
    pub entry_document: Option<String>,
}

#[derive(Deserialize, serde::Serialize)]
struct CampForm {
    name: String,
    country: String,
    contact: String,
    #[serde(default)]
    entry_document: String,
}

/// A camp's entry document as typed: empty for none.
fn entry_document(v: &str, lang: Language) -> Result<Option<String>, String> {
    let name = optional_text(v, "entry-document", 200, lang)?;
    Ok(Some(name).filter(|n| !n.is_empty()))
}

impl CampForm {
    fn parse(&self, lang: Language) -> Result<NewCamp, String> {
        Ok(NewCamp {
            name: text(&self.name, "camp-name", 200, lang)?,
            country: text(&self.country, "country", 100, lang)?,
            contact: text(&self.contact, "contact", 300, lang)?,
            entry_document: entry_document(&self.entry_document, lang)?,
        })
    }
}

/// Adds a camp; `None` when a camp of that name exists already.
pub async fn create_camp(c: &mut Change, camp: &NewCamp) -> Result<Option<i64>, sqlx::Error> {
    let id = new_id();
    let added = c
        .transition(
            sqlx::query(
                "INSERT INTO camps (id, name, country, contact, entry_document) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(id)
            .bind(&camp.name)
            .bind(&camp.country)
            .bind(&camp.contact)
            .bind(&camp.entry_document),
        )
        .await?;
    if !added {
        return Ok(None);
    }
    c.audit_as(Action::Create, Resource::Camp, Some(id), "");
    Ok(Some(id))
}

async fn add_camp(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<CampForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    super::queries::programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let camp = match f.parse(lang) {
        Ok(v) => v,
        Err(e) => return Ok(back_with(id, Err(e), "camps", &f)),
    };
    let added = state
        .write(&permit, async |c| {
            let added = create_camp(c, &camp).await?;
            if added.is_none() {
                c.unchanged();
            }
            Ok(added)
        })
        .await?;
    Ok(back_with(
        id,
        match added {
            Some(_) => Ok(()),
            None => Err(lang.text_with("setup-camp-exists", &[("name", &camp.name)])),
        },
        "camps",
        &f,
    ))
}

#[derive(Deserialize, serde::Serialize)]
struct EntryForm {
    #[serde(default)]
    camp: String,
    #[serde(default)]
    entry_document: String,
}

/// Sets the visa or invitation a camp's children need (empty: none). Any
/// time: a host country's rules change, and the ready board follows.
async fn set_entry(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path((id, camp)): Path<(i64, i64)>,
    Form(mut f): Form<EntryForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    super::queries::programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The form comes back to this camp's line.
    f.camp = camp.to_string();
    let entry = match entry_document(&f.entry_document, lang) {
        Ok(v) => v,
        Err(e) => return Ok(back_with(id, Err(e), "entry", &f)),
    };
    state
        .write(&permit, async |c| {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM camps WHERE id = $1")
                .bind(camp)
                .fetch_optional(&mut **c)
                .await?;
            if exists.is_none() {
                return Err(AppError::NotFound);
            }
            let changed = c
                .transition(
                    sqlx::query(
                        "UPDATE camps SET entry_document = $1 WHERE id = $2 \
                         AND COALESCE(entry_document, '') <> COALESCE($1, '')",
                    )
                    .bind(&entry)
                    .bind(camp),
                )
                .await?;
            if changed {
                c.audit_as(
                    Action::Update,
                    Resource::Camp,
                    Some(camp),
                    format!("entry_document {}", entry.as_deref().unwrap_or("none")),
                );
            } else {
                c.unchanged();
            }
            Ok(())
        })
        .await?;
    Ok(back_with(id, Ok(()), "entry", &f))
}

/// A camp's dates with places, for one programme.
pub struct NewSession {
    pub camp: i64,
    pub code: String,
    pub starts: Day,
    pub ends: Day,
    pub places: i32,
    pub min_age: i32,
    pub max_age: i32,
    pub languages: String,
    /// Where the group leaves from (printed on vouchers); may come later.
    pub departure: String,
    pub reserves: Vec<Reserve>,
    /// What the session offers, as families read it (may be empty).
    pub description: String,
}

#[derive(Deserialize, serde::Serialize)]
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
    #[serde(default)]
    departure: String,
    #[serde(default)]
    description: String,
}

impl SessionForm {
    fn parse(&self, lang: Language) -> Result<NewSession, String> {
        let camp = self
            .camp
            .trim()
            .parse::<i64>()
            .map_err(|_| lang.text("setup-choose-camp"))?;
        let code = code(&self.code, "session-code", lang)?;
        let starts = date(&self.starts, "starts", lang)?;
        let ends = date(&self.ends, "ends", lang)?;
        if ends < starts {
            return Err(lang.text("setup-ends-before-starts"));
        }
        let places = number(&self.places, "places", 0..=100_000, lang)?;
        let min_age = number(&self.min_age, "min-age", 3..=25, lang)?;
        let max_age = number(&self.max_age, "max-age", 3..=25, lang)?;
        if max_age < min_age {
            return Err(lang.text("setup-max-below-min"));
        }
        let languages = text(&self.languages, "languages", 200, lang)?;
        let departure = optional_text(&self.departure, "departure", 200, lang)?;
        let description = paragraphs(&self.description, "description", 3000, lang)?;
        let reserves = reserves(&self.reserves, lang)?;
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
        Ok(NewSession {
            camp,
            code,
            starts,
            ends,
            places: places as i32,
            min_age: min_age as i32,
            max_age: max_age as i32,
            languages,
            departure,
            reserves,
            description,
        })
    }
}

/// Why a session could not be added.
pub enum NotAdded {
    NoSuchCamp,
    CodeTaken,
}

/// Adds a session to a programme, with its reserved places.
pub async fn create_session(
    c: &mut Change,
    programme: i64,
    s: &NewSession,
) -> Result<Result<i64, NotAdded>, sqlx::Error> {
    let camp: Option<(i64,)> = sqlx::query_as("SELECT id FROM camps WHERE id = $1")
        .bind(s.camp)
        .fetch_optional(&mut **c)
        .await?;
    if camp.is_none() {
        return Ok(Err(NotAdded::NoSuchCamp));
    }
    let id = new_id();
    let added = c
        .transition(
            sqlx::query(
                "INSERT INTO sessions (id, programme_id, camp_id, code, starts, ends, places, min_age, max_age, languages, departure, description) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (programme_id, code) DO NOTHING",
            )
            .bind(id)
            .bind(programme)
            .bind(s.camp)
            .bind(&s.code)
            .bind(s.starts)
            .bind(s.ends)
            .bind(s.places)
            .bind(s.min_age)
            .bind(s.max_age)
            .bind(&s.languages)
            .bind(&s.departure)
            .bind(&s.description),
        )
        .await?;
    if !added {
        return Ok(Err(NotAdded::CodeTaken));
    }
    for r in &s.reserves {
        sqlx::query(
            "INSERT INTO session_reserves (session_id, reserve_group, places) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(&r.group)
        .bind(r.places.min(i32::MAX as u32) as i32)
        .execute(&mut **c)
        .await?;
    }
    c.audit_as(Action::Create, Resource::Session, Some(id), s.code.as_str());
    Ok(Ok(id))
}

async fn add_session(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<SessionForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Session)?;
    let lang = visitor.language;
    let session = f.parse(lang);
    change_draft(&state, &permit, id, lang, ("sessions", &f), async |c| {
        let session = match session {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        Ok(match create_session(c, id, &session).await? {
            Ok(_) => Ok(()),
            Err(NotAdded::NoSuchCamp) => Err(lang.text("setup-choose-camp")),
            Err(NotAdded::CodeTaken) => {
                Err(lang.text_with("setup-session-exists", &[("code", &session.code)]))
            }
        })
    })
    .await
}

//! A programme's rules: the number of choices, the school cap, the rural
//! coefficient, passports, the days to answer an offer and the scoring
//! table; preferential categories; and the documents it requires. They
//! change only while the programme is a draft.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::fields::{code, date, decimal, number, text};
use super::setup::{DEFAULTS, LEVELS, change_draft};
use crate::domain::access::{Action, Resource};
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::Change;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/coordinator/programmes/{id}/scoring",
            Access::Policy(Action::Update, Resource::Programme),
            set_scoring,
        )
        .post(
            "/coordinator/programmes/{id}/categories",
            Access::Policy(Action::Update, Resource::Programme),
            add_category,
        )
        .post(
            "/coordinator/programmes/{id}/documents",
            Access::Policy(Action::Update, Resource::Programme),
            add_document,
        )
}

/// The general rules and the scoring table, as set in one form.
pub struct GeneralRules {
    pub max_choices: i32,
    pub school_cap: Option<i32>,
    pub rural_coefficient_milli: i32,
    pub passport_months: i32,
    pub offer_days: i32,
    /// Points in thousandths a school's nomination adds (0: none).
    pub nomination_points_milli: i32,
    /// Only children their school nominated are allocated.
    pub nomination_required: bool,
    /// (level, points in thousandths, cap in thousandths).
    pub levels: Vec<(&'static str, i64, i64)>,
    /// (place, percent of the level's points), each no more than the one
    /// before.
    pub places: Vec<(i32, i32)>,
}

impl GeneralRules {
    /// Reads the form's fields; the first problem in `lang`.
    fn parse(get: impl Fn(&str) -> String, lang: Language) -> Result<GeneralRules, String> {
        let max_choices = number(&get("max_choices"), "max-choices", 1..=20, lang)? as i32;
        let school_cap = match get("school_cap").trim() {
            "" => None,
            v => Some(number(v, "school-cap", 0..=10_000, lang)? as i32),
        };
        let rural = decimal(&get("rural_coefficient"), "rural", 10, lang)? as i32;
        let passport_months =
            number(&get("passport_months"), "passport-months", 0..=60, lang)? as i32;
        let offer_days = number(&get("offer_days"), "offer-days", 1..=60, lang)? as i32;
        // Missing (an older form) is no nomination points.
        let nomination = match get("nomination_points").trim() {
            "" => 0,
            v => decimal(v, "nomination-points", 100, lang)? as i32,
        };
        let nomination_required = get("nomination_required") == "yes";
        let mut levels = Vec::new();
        for level in LEVELS {
            let points = decimal(
                &get(&format!("points_{level}")),
                &format!("points-{level}"),
                1000,
                lang,
            )?;
            let cap = decimal(
                &get(&format!("cap_{level}")),
                &format!("cap-{level}"),
                10_000,
                lang,
            )?;
            levels.push((level, points, cap));
        }
        let mut places: Vec<(i32, i32)> = Vec::new();
        for (place, _) in DEFAULTS.place_percents {
            let percent = number(
                &get(&format!("percent_{place}")),
                &format!("percent-{place}"),
                0..=100,
                lang,
            )? as i32;
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
        Ok(GeneralRules {
            max_choices,
            school_cap,
            rural_coefficient_milli: rural,
            passport_months,
            offer_days,
            nomination_points_milli: nomination,
            nomination_required,
            levels,
            places,
        })
    }
}

/// Sets the programme's general rules and scoring table.
pub async fn set_rules(c: &mut Change, id: i64, r: &GeneralRules) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE programmes SET max_choices = $1, school_cap = $2, rural_coefficient_milli = $3, passport_months = $4, \
                               offer_days = $5, nomination_points_milli = $6, nomination_required = $7 WHERE id = $8",
    )
    .bind(r.max_choices)
    .bind(r.school_cap)
    .bind(r.rural_coefficient_milli)
    .bind(r.passport_months)
    .bind(r.offer_days)
    .bind(r.nomination_points_milli)
    .bind(i32::from(r.nomination_required))
    .bind(id)
    .execute(&mut **c)
    .await?;
    for (level, points, cap) in &r.levels {
        sqlx::query(
            "INSERT INTO scoring_rules (programme_id, level, points_milli, cap_milli) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (programme_id, level) DO UPDATE SET points_milli = excluded.points_milli, cap_milli = excluded.cap_milli",
        )
        .bind(id)
        .bind(*level)
        .bind(*points)
        .bind(*cap)
        .execute(&mut **c)
        .await?;
    }
    for (place, percent) in &r.places {
        sqlx::query(
            "INSERT INTO scoring_places (programme_id, place, percent) VALUES ($1, $2, $3) \
             ON CONFLICT (programme_id, place) DO UPDATE SET percent = excluded.percent",
        )
        .bind(id)
        .bind(*place)
        .bind(*percent)
        .execute(&mut **c)
        .await?;
    }
    c.audit_as(Action::Update, Resource::Programme, Some(id), "rules");
    Ok(())
}

async fn set_scoring(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let rules = GeneralRules::parse(get, lang);
    change_draft(&state, &permit, id, lang, ("scoring", &fields), async |c| {
        let rules = match rules {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        set_rules(c, id, &rules).await?;
        Ok(Ok(()))
    })
    .await
}

/// A preferential category: its children are ranked above any score.
pub struct Category {
    pub code: String,
    pub name: String,
    pub tier: i32,
}

#[derive(Deserialize, serde::Serialize)]
struct CategoryForm {
    code: String,
    name: String,
    tier: String,
}

impl CategoryForm {
    fn parse(&self, lang: Language) -> Result<Category, String> {
        Ok(Category {
            code: code(&self.code, "category-code", lang)?,
            name: text(&self.name, "category-name", 200, lang)?,
            tier: number(&self.tier, "tier", 1..=255, lang)? as i32,
        })
    }
}

/// Adds a category, or renames and re-ranks the one with its code.
pub async fn set_category(c: &mut Change, id: i64, category: &Category) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO priority_categories (programme_id, code, name, tier) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, code) DO UPDATE SET name = excluded.name, tier = excluded.tier",
    )
    .bind(id)
    .bind(&category.code)
    .bind(&category.name)
    .bind(category.tier)
    .execute(&mut **c)
    .await?;
    c.audit_as(Action::Update, Resource::Programme, Some(id), "category");
    Ok(())
}

async fn add_category(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<CategoryForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let category = f.parse(lang);
    change_draft(&state, &permit, id, lang, ("categories", &f), async |c| {
        let category = match category {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        set_category(c, id, &category).await?;
        Ok(Ok(()))
    })
    .await
}

/// A document the programme requires of every child.
pub struct Requirement {
    pub kind: String,
    pub name: String,
    pub deadline: Day,
}

#[derive(Deserialize, serde::Serialize)]
struct DocumentForm {
    kind: String,
    name: String,
    deadline: String,
}

impl DocumentForm {
    fn parse(&self, lang: Language) -> Result<Requirement, String> {
        let deadline = date(&self.deadline, "deadline", lang)?;
        Ok(Requirement {
            kind: code(&self.kind, "document-code", lang)?,
            name: text(&self.name, "document-name", 200, lang)?,
            deadline,
        })
    }
}

/// Requires a document, or renames and moves the deadline of the one with
/// its code.
pub async fn require_document(c: &mut Change, id: i64, r: &Requirement) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO required_documents (programme_id, kind, name, deadline) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (programme_id, kind) DO UPDATE SET name = excluded.name, deadline = excluded.deadline",
    )
    .bind(id)
    .bind(&r.kind)
    .bind(&r.name)
    .bind(r.deadline)
    .execute(&mut **c)
    .await?;
    c.audit_as(
        Action::Update,
        Resource::Programme,
        Some(id),
        "required_document",
    );
    Ok(())
}

async fn add_document(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let requirement = f.parse(lang);
    change_draft(&state, &permit, id, lang, ("documents", &f), async |c| {
        let requirement = match requirement {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        require_document(c, id, &requirement).await?;
        Ok(Ok(()))
    })
    .await
}

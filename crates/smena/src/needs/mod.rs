//! A child's health needs: allergies, diet, medication (with its times)
//! and health notes, given by the family on the child's page and sealed
//! field by field like passport numbers. Read only by those the policy
//! table names — the adults of the child's travel group and the medical
//! staff of the camp the child is placed with — and each read is audited.
//! The camp's representative sees the diets of each session counted,
//! without names.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::OfferStatus;
use crate::language::Language;
use crate::store::keys::{ALLERGIES, DIET, HEALTH_NOTES, MEDICATION};
use crate::store::{Db, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/children/{id}/needs",
            Access::Policy(Action::Update, Resource::Needs),
            form_page,
        )
        .post(
            "/children/{id}/needs",
            Access::Policy(Action::Update, Resource::Needs),
            save,
        )
        .get(
            "/sessions/{id}/needs",
            Access::Policy(Action::Read, Resource::Needs),
            session_needs,
        )
        .get(
            "/needs",
            Access::Policy(Action::Read, Resource::Needs),
            sessions_page,
        )
        .get(
            "/camp/diets",
            Access::Policy(Action::Read, Resource::Diets),
            diets,
        )
}

/// The diets a family may choose.
pub const DIETS: [&str; 7] = [
    "none",
    "vegetarian",
    "vegan",
    "halal",
    "no_pork",
    "gluten_free",
    "lactose_free",
];

/// A child's needs, opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub allergies: String,
    pub diet: String,
    /// One medicine a line: name, dose, times.
    pub medication: String,
    pub health_notes: String,
}

impl Needs {
    pub fn medication_lines(&self) -> Vec<&str> {
        self.medication
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct NeedsForm {
    #[serde(default)]
    allergies: String,
    #[serde(default)]
    diet: String,
    #[serde(default)]
    medication: String,
    #[serde(default)]
    health_notes: String,
}

/// Free text of at most `max` characters, lines kept, no other control
/// characters.
fn free_text(v: &str, key: &str, max: usize, lang: Language, errors: &mut Vec<String>) -> String {
    let t = v.trim().replace("\r\n", "\n").replace('\r', "\n");
    if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.push(lang.text_with(
            "needs-too-long",
            &[("field", &lang.text(key)), ("n", &max.to_string())],
        ));
    }
    t
}

impl NeedsForm {
    fn parse(&self, lang: Language) -> Result<Needs, Vec<String>> {
        let mut errors = Vec::new();
        let diet = match self.diet.trim() {
            "" => "none",
            d => DIETS.iter().find(|x| **x == d).copied().unwrap_or_else(|| {
                errors.push(lang.text("needs-choose-diet"));
                "none"
            }),
        };
        let needs = Needs {
            allergies: free_text(&self.allergies, "needs-allergies", 500, lang, &mut errors),
            diet: diet.to_string(),
            medication: free_text(
                &self.medication,
                "needs-medication",
                1000,
                lang,
                &mut errors,
            ),
            health_notes: free_text(&self.health_notes, "needs-notes", 1000, lang, &mut errors),
        };
        if errors.is_empty() {
            Ok(needs)
        } else {
            Err(errors)
        }
    }
}

/// A row of `child_needs`: the child and the four sealed fields.
type SealedRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The needs of `children`, opened, by child.
pub async fn of_children(db: &Db, children: &[i64]) -> AppResult<BTreeMap<i64, Needs>> {
    let keys = db.keys()?;
    let mut out = BTreeMap::new();
    for chunk in children.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let rows: Vec<SealedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT child_id, allergies, diet, medication, health_notes FROM child_needs \
                 WHERE child_id IN ({list})"
        )))
        .fetch_all(db.pool())
        .await?;
        for (child, a, d, m, n) in rows {
            let open = |key: &str, v: Option<String>| -> AppResult<String> {
                Ok(keys.reveal_opt(key, v.as_deref())?.unwrap_or_default())
            };
            out.insert(
                child,
                Needs {
                    allergies: open(ALLERGIES, a)?,
                    diet: open(DIET, d)?,
                    medication: open(MEDICATION, m)?,
                    health_notes: open(HEALTH_NOTES, n)?,
                },
            );
        }
    }
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "needs/form.html")]
struct FormPage {
    nav: Nav,
    child: i64,
    name: String,
    form: NeedsForm,
    diets: [&'static str; 7],
    errors: Vec<String>,
    saved: bool,
}

/// The child `id` if it is the user's own.
async fn own_child(state: &AppState, user: &User, id: i64) -> AppResult<String> {
    let (given, family): (String, String) = sqlx::query_as(
        "SELECT given_name, family_name FROM children WHERE id = $1 AND guardian_id = $2",
    )
    .bind(id)
    .bind(user.id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(format!("{family} {given}"))
}

#[derive(Deserialize, Default)]
struct Saved {
    saved: Option<String>,
}

async fn form_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> AppResult<FormPage> {
    let permit = authorize(&user, Action::Update, Resource::Needs)?;
    let name = own_child(&state, &user, id).await?;
    let needs = of_children(&state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    // The family reading its own child's needs is a read like any other.
    state
        .record_as(&permit, Action::Read, Resource::Needs, Some(id), "")
        .await?;
    Ok(FormPage {
        nav: Nav::from(&visitor),
        child: id,
        name,
        form: NeedsForm {
            allergies: needs.allergies,
            diet: needs.diet,
            medication: needs.medication,
            health_notes: needs.health_notes,
        },
        diets: DIETS,
        errors: vec![],
        saved: q.saved.is_some(),
    })
}

async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<NeedsForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Needs)?;
    let name = own_child(&state, &user, id).await?;
    let needs = match form.parse(visitor.language) {
        Ok(n) => n,
        Err(errors) => {
            let page = FormPage {
                nav: Nav::from(&visitor),
                child: id,
                name,
                form,
                diets: DIETS,
                errors,
                saved: false,
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let keys = state.db.keys()?;
    let seal = |key: &str, v: &str| -> AppResult<Option<String>> {
        Ok(if v.is_empty() {
            None
        } else {
            Some(keys.protect(key, v)?)
        })
    };
    let sealed = (
        seal(ALLERGIES, &needs.allergies)?,
        seal(DIET, &needs.diet)?,
        seal(MEDICATION, &needs.medication)?,
        seal(HEALTH_NOTES, &needs.health_notes)?,
    );
    state
        .write(&permit, async |c| {
            sqlx::query(
                "INSERT INTO child_needs (child_id, allergies, diet, medication, health_notes, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (child_id) DO UPDATE SET \
                 allergies = excluded.allergies, diet = excluded.diet, medication = excluded.medication, \
                 health_notes = excluded.health_notes, updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(&sealed.0)
            .bind(&sealed.1)
            .bind(&sealed.2)
            .bind(&sealed.3)
            .bind(now_ms())
            .execute(&mut **c)
            .await?;
            // Never what was written: the audit log is read by many.
            c.audit_as(Action::Update, Resource::Needs, Some(id), "");
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/children/{id}/needs?saved=1")).into_response())
}

/// One child's needs as its readers see them.
pub struct ChildNeeds {
    pub name: String,
    pub group: Option<i32>,
    pub needs: Needs,
}

#[derive(Template, WebTemplate)]
#[template(path = "needs/session.html")]
struct SessionPage {
    nav: Nav,
    session: String,
    camp: String,
    children: Vec<ChildNeeds>,
}

/// The children of `session` the reader may see the needs of: a group's
/// adult, their groups' children; the camp's medical staff, every child
/// placed in the session, if the session is at their camp. Anyone else is
/// refused as not found, and the attempt is audited.
async fn readable(
    state: &AppState,
    user: &User,
    permit: &Permit,
    session: i64,
) -> AppResult<Vec<(i64, String, Option<i32>)>> {
    let rows: Vec<(i64, String, String, Option<i32>)> = sqlx::query_as(
        "SELECT c.id, c.family_name, c.given_name, g.number FROM offers o \
         JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN sessions s ON s.id = o.session_id \
         LEFT JOIN group_members m ON m.application_id = a.id LEFT JOIN travel_groups g ON g.id = m.group_id \
         WHERE o.session_id = $1 AND o.status = $2 \
           AND ($3 = 0 OR s.camp_id = $4) \
           AND ($5 = 0 OR EXISTS (SELECT 1 FROM group_staff gs WHERE gs.group_id = m.group_id AND gs.account_id = $6)) \
         ORDER BY g.number, c.family_name, c.given_name",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .bind(i64::from(permit.scope() == Scope::Camp))
    .bind(user.camp_id.unwrap_or(-1))
    .bind(i64::from(permit.scope() == Scope::Assigned))
    .bind(user.id)
    .fetch_all(state.db.pool())
    .await?;
    if rows.is_empty() {
        state
            .denied(user, Action::Read, Resource::Needs, Some(session))
            .await?;
    }
    Ok(rows
        .into_iter()
        .map(|(id, family, given, group)| (id, format!("{family} {given}"), group))
        .collect())
}

async fn session_needs(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<SessionPage> {
    let permit = authorize(&user, Action::Read, Resource::Needs)?;
    let children = readable(&state, &user, &permit, id).await?;
    let ids: Vec<i64> = children.iter().map(|c| c.0).collect();
    let mut needs = of_children(&state.db, &ids).await?;
    state
        .record_as(
            &permit,
            Action::Read,
            Resource::Needs,
            Some(id),
            &format!("{} children", ids.len()),
        )
        .await?;
    let (session, camp): (String, String) = sqlx::query_as(
        "SELECT s.code, k.name FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_one(state.db.pool())
    .await?;
    Ok(SessionPage {
        nav: Nav::from(&visitor),
        session,
        camp,
        children: children
            .into_iter()
            .map(|(child, name, group)| ChildNeeds {
                name,
                group,
                needs: needs.remove(&child).unwrap_or_default(),
            })
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "needs/sessions.html")]
struct SessionsPage {
    nav: Nav,
    /// (session id, code, camp)
    sessions: Vec<(i64, String, String)>,
}

/// The sessions whose children's needs the reader may read: a group's
/// adult, those of their groups; the camp's medical staff, their camp's.
async fn sessions_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<SessionsPage> {
    let permit = authorize(&user, Action::Read, Resource::Needs)?;
    let sessions = sqlx::query_as(
        "SELECT s.id, s.code, k.name FROM sessions s JOIN camps k ON k.id = s.camp_id \
         WHERE ($1 = 1 AND s.camp_id = $2) \
            OR ($3 = 1 AND EXISTS (SELECT 1 FROM travel_groups g JOIN group_staff gs ON gs.group_id = g.id \
                                   WHERE g.session_id = s.id AND gs.account_id = $4)) \
         ORDER BY s.starts, s.code",
    )
    .bind(i64::from(permit.scope() == Scope::Camp))
    .bind(user.camp_id.unwrap_or(-1))
    .bind(i64::from(permit.scope() == Scope::Assigned))
    .bind(user.id)
    .fetch_all(state.db.pool())
    .await?;
    Ok(SessionsPage {
        nav: Nav::from(&visitor),
        sessions,
    })
}

/// A session's diets, counted.
pub struct SessionDiets {
    pub id: i64,
    pub session: String,
    pub children: usize,
    /// (diet code, children), the diets someone has.
    pub counts: Vec<(String, usize)>,
    /// Children with an allergy given (the camp's kitchen asks its medic).
    pub allergies: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "needs/diets.html")]
struct DietsPage {
    nav: Nav,
    sessions: Vec<SessionDiets>,
}

/// The camp's sessions with the diets of their travelling children
/// counted: no names, so the kitchen can plan.
async fn diets(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<DietsPage> {
    let permit = authorize(&user, Action::Read, Resource::Diets)?;
    let camp = user.camp_id.ok_or(AppError::NotFound)?;
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.code, a.child_id FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN sessions s ON s.id = o.session_id WHERE s.camp_id = $1 AND o.status = $2 \
         ORDER BY s.starts, s.code",
    )
    .bind(camp)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.2).collect();
    let needs = of_children(&state.db, &ids).await?;
    let mut sessions: Vec<SessionDiets> = Vec::new();
    for (id, code, child) in rows {
        if sessions.last().is_none_or(|s| s.id != id) {
            sessions.push(SessionDiets {
                id,
                session: code.clone(),
                children: 0,
                counts: Vec::new(),
                allergies: 0,
            });
        }
        let Some(s) = sessions.last_mut() else {
            continue;
        };
        s.children += 1;
        let n = needs.get(&child);
        let diet = n
            .map(|n| n.diet.as_str())
            .filter(|d| !d.is_empty() && *d != "none");
        if let Some(d) = diet {
            match s.counts.iter_mut().find(|(code, _)| code == d) {
                Some(entry) => entry.1 += 1,
                None => s.counts.push((d.to_string(), 1)),
            }
        }
        s.allergies += usize::from(n.is_some_and(|n| !n.allergies.is_empty()));
    }
    state
        .record_as(&permit, Action::Read, Resource::Diets, None, "")
        .await?;
    Ok(DietsPage {
        nav: Nav::from(&visitor),
        sessions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_are_read_as_typed_and_bad_ones_named() {
        let form = NeedsForm {
            allergies: "Арахис\r\nпенициллин".into(),
            diet: "halal".into(),
            medication: "Сальбутамол, 1 вдох, при приступе".into(),
            health_notes: String::new(),
        };
        let n = form.parse(Language::Ru).expect("correct");
        assert_eq!(n.allergies, "Арахис\nпенициллин");
        assert_eq!(
            n.medication_lines(),
            vec!["Сальбутамол, 1 вдох, при приступе"]
        );
        let bad = NeedsForm {
            diet: "paleo".into(),
            allergies: "x".repeat(501),
            ..NeedsForm::default()
        };
        let errors = bad.parse(Language::En).expect_err("two problems");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(
            NeedsForm::default().parse(Language::En).unwrap().diet,
            "none"
        );
    }
}

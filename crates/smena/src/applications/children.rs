//! A family's children: add, edit, view with score and achievements.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::queries::{self, AchievementRow, Child, OpenProgramme};
use super::score::{self, Breakdown};
use crate::allocation::contract::parse_date;
use crate::audit;
use crate::documents::{self, DocumentRow};
use crate::language::Language;
use crate::store::{new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, Role, authorize};
use crate::web::session::{User, Visitor};

/// What a parent typed into the child form, kept as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ChildForm {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub school_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub passport_expires: String,
    #[serde(default)]
    pub passport_number: String,
    #[serde(default)]
    pub emergency_contact: String,
}

/// The form's values once checked.
struct ChildValues {
    given_name: String,
    family_name: String,
    birth_date: String,
    school_id: i64,
    category: Option<String>,
    passport_expires: Option<String>,
    passport_number: Option<String>,
    emergency_contact: Option<String>,
}

/// A passport number as printed: letters, digits, spaces and dashes (Russian
/// passports are "98 12 345678"; foreign ones "72 1234567"), 5 to 20 long.
fn passport_number(input: &str, errors: &mut Vec<String>, lang: Language) -> Option<String> {
    let t = input.trim();
    if t.is_empty() {
        return None;
    }
    let alnum = t.chars().filter(|c| c.is_alphanumeric()).count();
    if t.chars().count() > 20
        || alnum < 5
        || !t
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        errors.push(lang.text("child-invalid-passport-number"));
    }
    Some(t.to_string())
}

/// A given or family name; `what` names the field (`given`, `family`).
fn name_part(input: &str, what: &str, errors: &mut Vec<String>, lang: Language) -> String {
    let t = input.trim();
    if t.is_empty() {
        errors.push(lang.text(&format!("child-invalid-{what}-empty")));
    } else if t.chars().count() > 100 || t.chars().any(char::is_control) {
        errors.push(lang.text(&format!("child-invalid-{what}-long")));
    }
    t.to_string()
}

async fn check(
    state: &AppState,
    form: &ChildForm,
    categories: &[(String, String, i32)],
    lang: Language,
) -> AppResult<Result<ChildValues, Vec<String>>> {
    let mut errors = Vec::new();
    let given_name = name_part(&form.given_name, "given", &mut errors, lang);
    let family_name = name_part(&form.family_name, "family", &mut errors, lang);
    let today = time::OffsetDateTime::now_utc().date();
    match parse_date(form.birth_date.trim()) {
        Err(_) => errors.push(lang.text_with(
            "child-invalid-birth-date",
            &[("value", form.birth_date.trim())],
        )),
        Ok(d) if d > today => errors.push(lang.text("child-invalid-birth-future")),
        Ok(d) if !(5..=19).contains(&smena_engine::age_on(d, today)) => {
            errors.push(lang.text("child-invalid-age"));
        }
        Ok(_) => {}
    }
    let school_id = form.school_id.trim().parse::<i64>().ok();
    let known: Option<(i64,)> = match school_id {
        Some(id) => {
            sqlx::query_as("SELECT id FROM schools WHERE id = $1")
                .bind(id)
                .fetch_optional(state.db.pool())
                .await?
        }
        None => None,
    };
    if known.is_none() {
        errors.push(lang.text("child-invalid-school"));
    }
    let category = Some(form.category.trim().to_string()).filter(|c| !c.is_empty());
    if let Some(c) = &category
        && !categories.iter().any(|(code, _, _)| code == c)
    {
        errors.push(lang.text("child-invalid-category"));
    }
    let passport_expires = Some(form.passport_expires.trim().to_string()).filter(|p| !p.is_empty());
    if let Some(p) = &passport_expires
        && parse_date(p).is_err()
    {
        errors.push(lang.text_with("child-invalid-passport-expiry", &[("value", p)]));
    }
    let passport_number = passport_number(&form.passport_number, &mut errors, lang);
    let emergency_contact =
        Some(form.emergency_contact.trim().to_string()).filter(|c| !c.is_empty());
    if let Some(c) = &emergency_contact
        && (c.chars().count() > 200 || c.chars().any(char::is_control))
    {
        errors.push(lang.text("child-invalid-emergency-contact"));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(ChildValues {
        given_name,
        family_name,
        birth_date: form.birth_date.trim().to_string(),
        school_id: school_id.unwrap_or_default(),
        category,
        passport_expires,
        passport_number,
        emergency_contact,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/children.html")]
pub struct ChildrenPage {
    nav: Nav,
    children: Vec<Child>,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ChildrenPage> {
    authorize(&user, Action::Read, Resource::Child)?;
    if user.role != Role::Parent {
        return Err(AppError::NotFound);
    }
    Ok(ChildrenPage {
        nav: Nav::from(&visitor),
        children: queries::children_of(&state.db, user.id).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/child_form.html")]
pub struct ChildFormPage {
    nav: Nav,
    action: String,
    form: ChildForm,
    schools: Vec<(i64, String)>,
    categories: Vec<(String, String, i32)>,
    errors: Vec<String>,
}

async fn categories(state: &AppState) -> AppResult<Vec<(String, String, i32)>> {
    Ok(match queries::open_programme(&state.db).await? {
        Some(p) => queries::rules(&state.db, p.id).await?.categories,
        None => Vec::new(),
    })
}

async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    action: String,
    form: ChildForm,
    errors: Vec<String>,
) -> AppResult<ChildFormPage> {
    Ok(ChildFormPage {
        nav: Nav::from(visitor),
        action,
        form,
        schools: queries::schools(&state.db).await?,
        categories: categories(state).await?,
        errors,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ChildFormPage> {
    authorize(&user, Action::Create, Resource::Child)?;
    form_page(
        &state,
        &visitor,
        "/children".into(),
        ChildForm::default(),
        vec![],
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<ChildForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Child)?;
    let values = match check(&state, &form, &categories(&state).await?, visitor.language).await? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(&state, &visitor, "/children".into(), form, errors).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let id = new_id();
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO children (id, guardian_id, given_name, family_name, birth_date, school_id, category, passport_expires, \
                               passport_number, emergency_contact, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(user.id)
    .bind(&values.given_name)
    .bind(&values.family_name)
    .bind(&values.birth_date)
    .bind(values.school_id)
    .bind(&values.category)
    .bind(&values.passport_expires)
    .bind(&values.passport_number)
    .bind(&values.emergency_contact)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, &user, "create", "child", Some(id), "ok", "").await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

/// The child if the user may do `action` to it; otherwise "not found", and
/// the attempt is logged.
pub async fn find(state: &AppState, user: &User, action: Action, id: i64) -> AppResult<Child> {
    let scope = authorize(user, action, Resource::Child)?;
    match queries::visible_child(&state.db, user, scope, id).await? {
        Some(c) => Ok(c),
        None => {
            let verb = if action == Action::Read {
                "read"
            } else {
                "update"
            };
            audit::note(
                &state.db,
                user,
                verb,
                "child",
                Some(id),
                "denied",
                "not found or not permitted",
            )
            .await?;
            Err(AppError::NotFound)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/child.html")]
pub struct ChildPage {
    nav: Nav,
    child: Child,
    can_edit: bool,
    programme: Option<OpenProgramme>,
    breakdown: Option<Breakdown>,
    levels: Vec<String>,
    achievements: Vec<AchievementRow>,
    required: Vec<(String, String, String)>,
    documents: Vec<DocumentRow>,
    application: Option<i64>,
}

pub async fn view(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ChildPage> {
    let child = find(&state, &user, Action::Read, id).await?;
    audit::note(
        &state.db,
        &user,
        "read",
        "child",
        Some(id),
        "ok",
        "full record",
    )
    .await?;
    let programme = queries::open_programme(&state.db).await?;
    let achievements = queries::achievements(&state.db, id).await?;
    let (breakdown, levels, required, application) = match &programme {
        Some(p) => {
            let rules = queries::rules(&state.db, p.id).await?;
            let list: Vec<_> = achievements.iter().map(|a| a.achievement.clone()).collect();
            let breakdown = score::compute(&rules, &list, child.rural(), child.category.as_deref());
            let levels = rules.levels.iter().map(|l| l.0.clone()).collect();
            (
                Some(breakdown),
                levels,
                queries::required_documents(&state.db, p.id).await?,
                queries::application_of(&state.db, id, p.id).await?,
            )
        }
        None => (None, vec![], vec![], None),
    };
    Ok(ChildPage {
        nav: Nav::from(&visitor),
        can_edit: child.guardian_id == user.id,
        documents: documents::of_child(&state.db, id).await?,
        child,
        programme,
        breakdown,
        levels,
        achievements,
        required,
        application,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ChildFormPage> {
    let c = find(&state, &user, Action::Update, id).await?;
    let form = ChildForm {
        given_name: c.given_name,
        family_name: c.family_name,
        birth_date: c.birth_date,
        school_id: c.school_id.to_string(),
        category: c.category.unwrap_or_default(),
        passport_expires: c.passport_expires.unwrap_or_default(),
        passport_number: c.passport_number.unwrap_or_default(),
        emergency_contact: c.emergency_contact.unwrap_or_default(),
    };
    form_page(&state, &visitor, format!("/children/{id}"), form, vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<ChildForm>,
) -> AppResult<Response> {
    find(&state, &user, Action::Update, id).await?;
    let values = match check(&state, &form, &categories(&state).await?, visitor.language).await? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(&state, &visitor, format!("/children/{id}"), form, errors).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE children SET given_name = $1, family_name = $2, birth_date = $3, school_id = $4, category = $5, \
                             passport_expires = $6, passport_number = $7, emergency_contact = $8, updated_at = $9 \
         WHERE id = $10 AND guardian_id = $11",
    )
    .bind(&values.given_name)
    .bind(&values.family_name)
    .bind(&values.birth_date)
    .bind(values.school_id)
    .bind(&values.category)
    .bind(&values.passport_expires)
    .bind(&values.passport_number)
    .bind(&values.emergency_contact)
    .bind(now_ms())
    .bind(id)
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, &user, "update", "child", Some(id), "ok", "details").await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct AchievementForm {
    level: String,
    place: String,
    title: String,
}

pub async fn add_achievement(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<AchievementForm>,
) -> AppResult<Response> {
    find(&state, &user, Action::Update, id).await?;
    let programme = queries::open_programme(&state.db)
        .await?
        .ok_or_else(|| AppError::Invalid("achievement-no-programme", vec![]))?;
    let rules = queries::rules(&state.db, programme.id).await?;
    let title = form.title.trim();
    if !rules.levels.iter().any(|l| l.0 == form.level) {
        return Err(AppError::Invalid("achievement-choose-level", vec![]));
    }
    let place = form
        .place
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| rules.places.iter().any(|(q, _)| q == p));
    let Some(place) = place else {
        return Err(AppError::Invalid("achievement-choose-place", vec![]));
    };
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(AppError::Invalid("achievement-describe", vec![]));
    }
    let mut tx = state.db.begin_write().await?;
    let aid = new_id();
    sqlx::query("INSERT INTO achievements (id, child_id, level, place, title, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(aid)
        .bind(id)
        .bind(&form.level)
        .bind(place)
        .bind(title)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "child",
        Some(id),
        "ok",
        "achievement added",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#achievements")).into_response())
}

pub async fn delete_achievement(
    State(state): State<AppState>,
    user: User,
    Path((id, achievement)): Path<(i64, i64)>,
) -> AppResult<Response> {
    find(&state, &user, Action::Update, id).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM achievements WHERE id = $1 AND child_id = $2")
        .bind(achievement)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "child",
        Some(id),
        "ok",
        "achievement removed",
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#achievements")).into_response())
}

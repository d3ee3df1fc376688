//! A family's children: add, edit, view with score, achievements,
//! documents and application.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::identity::Saved;
use super::queries::{self, AchievementRow, Child};
use crate::documents::{self, DocumentRow};
use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::DocumentStatus;
use crate::domain::values::Day;
use crate::language::Language;
use crate::programmes::queries::{self as programmes, OpenProgramme, RequiredDocument};
use crate::programmes::scoring::{self, Achievement, Breakdown};
use crate::store::{Change, new_id, now_ms, today};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/children",
            Access::Within(Action::Read, Resource::Child, Scope::Own),
            list,
        )
        .post(
            "/children",
            Access::Policy(Action::Create, Resource::Child),
            create,
        )
        .get(
            "/children/new",
            Access::Policy(Action::Create, Resource::Child),
            new_form,
        )
        .get(
            "/children/{id}",
            Access::Policy(Action::Read, Resource::Child),
            view,
        )
        .post(
            "/children/{id}",
            Access::Policy(Action::Update, Resource::Child),
            update,
        )
        .get(
            "/children/{id}/edit",
            Access::Policy(Action::Update, Resource::Child),
            edit_form,
        )
        .post(
            "/children/{id}/achievements",
            Access::Policy(Action::Update, Resource::Child),
            add_achievement,
        )
        .post(
            "/children/{id}/achievements/{achievement}/delete",
            Access::Policy(Action::Update, Resource::Child),
            delete_achievement,
        )
}

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
    #[serde(default)]
    pub sex: String,
}

/// A child's details, checked.
pub struct ChildDetails {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Day,
    pub school_id: i64,
    pub category: Option<String>,
    pub passport_expires: Option<Day>,
    pub passport_number: Option<String>,
    pub emergency_contact: Option<String>,
    pub sex: Option<Sex>,
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

impl ChildForm {
    /// The details, or every problem in `lang`.
    async fn parse(
        &self,
        state: &AppState,
        categories: &[(String, String, i32)],
        lang: Language,
    ) -> AppResult<Result<ChildDetails, Vec<String>>> {
        let mut errors = Vec::new();
        let given_name = name_part(&self.given_name, "given", &mut errors, lang);
        let family_name = name_part(&self.family_name, "family", &mut errors, lang);
        let today = today();
        let birth_date = match Day::typed(&self.birth_date) {
            Err(_) => {
                errors.push(lang.text_with(
                    "child-invalid-birth-date",
                    &[("value", self.birth_date.trim())],
                ));
                None
            }
            Ok(d) if d > today => {
                errors.push(lang.text("child-invalid-birth-future"));
                None
            }
            Ok(d) if !(5..=19).contains(&smena_engine::age_on(d.date(), today.date())) => {
                errors.push(lang.text("child-invalid-age"));
                None
            }
            Ok(d) => Some(d),
        };
        let school_id = self.school_id.trim().parse::<i64>().ok();
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
        let category = Some(self.category.trim().to_string()).filter(|c| !c.is_empty());
        if let Some(c) = &category
            && !categories.iter().any(|(code, _, _)| code == c)
        {
            errors.push(lang.text("child-invalid-category"));
        }
        let passport_expires = match self.passport_expires.trim() {
            "" => None,
            p => match Day::typed(p) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(lang.text_with("child-invalid-passport-expiry", &[("value", p)]));
                    None
                }
            },
        };
        let passport_number = passport_number(&self.passport_number, &mut errors, lang);
        let emergency_contact =
            Some(self.emergency_contact.trim().to_string()).filter(|c| !c.is_empty());
        if let Some(c) = &emergency_contact
            && (c.chars().count() > 200 || c.chars().any(char::is_control))
        {
            errors.push(lang.text("child-invalid-emergency-contact"));
        }
        let sex = match self.sex.trim() {
            "" => None,
            code => {
                let sex = Sex::parse(code);
                if sex.is_none() {
                    errors.push(lang.text("child-invalid-sex"));
                }
                sex
            }
        };
        let (Some(birth_date), Some((school_id,)), true) = (birth_date, known, errors.is_empty())
        else {
            return Ok(Err(errors));
        };
        Ok(Ok(ChildDetails {
            given_name,
            family_name,
            birth_date,
            school_id,
            category,
            passport_expires,
            passport_number,
            emergency_contact,
            sex,
        }))
    }
}

/// Binds a child's details to the next eight placeholders: the passport
/// number and emergency contact as given, already encrypted.
fn bind_details<'q>(
    q: AnyQuery<'q>,
    d: &'q ChildDetails,
    sealed: &'q (Option<String>, Option<String>),
) -> AnyQuery<'q> {
    q.bind(&d.given_name)
        .bind(&d.family_name)
        .bind(d.birth_date)
        .bind(d.school_id)
        .bind(&d.category)
        .bind(d.passport_expires)
        .bind(&sealed.0)
        .bind(&sealed.1)
}

use crate::domain::values::Sex;
use crate::store::keys::{CONTACT, PASSPORT};

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Adds a guardian's child; its id.
pub async fn insert_child(
    c: &mut Change,
    guardian: i64,
    d: &ChildDetails,
) -> Result<i64, sqlx::Error> {
    let id = new_id();
    let now = now_ms();
    let sealed = (
        c.protect(PASSPORT, d.passport_number.as_deref())?,
        c.protect(CONTACT, d.emergency_contact.as_deref())?,
    );
    let q = sqlx::query(
        "INSERT INTO children (id, guardian_id, given_name, family_name, birth_date, school_id, category, passport_expires, \
                               passport_number, emergency_contact, created_at, updated_at, sex) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(guardian);
    bind_details(q, d, &sealed)
        .bind(now)
        .bind(now)
        .bind(d.sex.map(Sex::code))
        .execute(&mut **c)
        .await?;
    c.audit_as(Action::Create, Resource::Child, Some(id), "");
    Ok(id)
}

/// Records an achievement of a child.
pub async fn insert_achievement(
    c: &mut Change,
    child: i64,
    a: &Achievement,
) -> Result<i64, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO achievements (id, child_id, level, place, title, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(child)
    .bind(&a.level)
    .bind(a.place)
    .bind(&a.title)
    .bind(now_ms())
    .execute(&mut **c)
    .await?;
    c.audit_as(
        Action::Update,
        Resource::Child,
        Some(child),
        "achievement_added",
    );
    Ok(id)
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/children.html")]
pub struct ChildrenPage {
    nav: Nav,
    /// Each child with its way through the newest programme.
    children: Vec<(Child, Option<super::timeline::Timeline>)>,
    /// The family has not given a phone number yet (the chaperones'
    /// roster needs one).
    phone_missing: bool,
}

async fn list(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ChildrenPage> {
    // A family's own children; others find children through applications.
    if authorize(&user, Action::Read, Resource::Child)?.scope() != Scope::Own {
        return Err(AppError::NotFound);
    }
    // A purged programme has nothing left to show a family.
    let newest = programmes::newest(&state.db)
        .await?
        .filter(|p| p.status != crate::domain::states::ProgrammeStatus::Purged);
    let mut children = Vec::new();
    for child in queries::children_of(&state.db, user.id).await? {
        let timeline = match &newest {
            Some(p) => {
                Some(super::timeline::of(&state.db, child.id, p.id, visitor.language).await?)
            }
            None => None,
        };
        children.push((child, timeline));
    }
    let (phone,): (Option<String>,) = sqlx::query_as("SELECT phone FROM accounts WHERE id = $1")
        .bind(user.id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(ChildrenPage {
        nav: Nav::from(&visitor),
        phone_missing: phone.is_none() && !children.is_empty(),
        children,
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
    Ok(match programmes::open_programme(&state.db).await? {
        Some(p) => programmes::rules(&state.db, p.id).await?.categories,
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

async fn new_form(
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

async fn create(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<ChildForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Child)?;
    let categories = categories(&state).await?;
    let details = match form.parse(&state, &categories, visitor.language).await? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(&state, &visitor, "/children".into(), form, errors).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let id = state
        .write(&permit, async |c| {
            Ok(insert_child(c, user.id, &details).await?)
        })
        .await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

/// The child if the permit reaches it; otherwise "not found", and the
/// attempt is recorded.
pub async fn find(state: &AppState, user: &User, permit: &Permit, id: i64) -> AppResult<Child> {
    match queries::visible_child(&state.db, user, permit.scope(), id).await? {
        Some(c) => Ok(c),
        None => {
            let (action, _) = permit.on();
            state.denied(user, action, Resource::Child, Some(id)).await
        }
    }
}

/// The child's record, for one who may do `action` to it.
pub async fn child_for(
    state: &AppState,
    user: &User,
    action: Action,
    id: i64,
) -> AppResult<(Child, Permit)> {
    let permit = authorize(user, action, Resource::Child)?;
    Ok((find(state, user, &permit, id).await?, permit))
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
    required: Vec<RequiredDocument>,
    /// The required documents still taken (their deadline not past).
    uploadable: Vec<RequiredDocument>,
    /// Rejected documents with no newer usable copy, and the last day a
    /// new one is taken.
    upload_again: Vec<(i64, String)>,
    /// Whether the programme shown takes applications (achievements and a
    /// new application only then).
    open: bool,
    documents: Vec<DocumentRow>,
    application: Option<i64>,
    /// What the last edit did (a Fluent key), when it needs saying.
    notice: Option<&'static str>,
    /// A change of identity waiting for the coordinator.
    waiting: Option<super::identity::Pending>,
}

#[derive(Deserialize)]
struct ViewQuery {
    notice: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ViewQuery>,
) -> AppResult<ChildPage> {
    let (child, permit) = child_for(&state, &user, Action::Read, id).await?;
    // Only a notice this page knows: the query names it, never words.
    let notice = [Saved::BackToReview, Saved::Asked]
        .into_iter()
        .filter_map(Saved::notice)
        .find(|n| q.notice.as_deref() == Some(*n));
    state.record(&permit, Some(id), "full record").await?;
    let programme = programmes::of_child(&state.db, id).await?;
    let open = match &programme {
        Some(p) => programmes::open_programme(&state.db)
            .await?
            .is_some_and(|o| o.id == p.id),
        None => false,
    };
    let achievements = queries::achievements(&state.db, id).await?;
    let (breakdown, levels, required, application) = match &programme {
        Some(p) => {
            let rules = programmes::rules(&state.db, p.id).await?;
            let list: Vec<_> = achievements.iter().map(|a| a.achievement.clone()).collect();
            let nominated = queries::nominated(&state.db, id).await?;
            let breakdown = scoring::compute(
                &rules,
                &list,
                child.rural(),
                child.category.as_deref(),
                nominated,
            );
            let levels = rules.levels.iter().map(|l| l.0.clone()).collect();
            (
                Some(breakdown),
                levels,
                documents::required_of_child(&state.db, p.id, id).await?,
                queries::application_of(&state.db, id, p.id).await?,
            )
        }
        None => (None, vec![], vec![], None),
    };
    let today = crate::store::today();
    let uploadable: Vec<RequiredDocument> = required
        .iter()
        .filter(|r| r.deadline >= today)
        .cloned()
        .collect();
    let documents = documents::of_child(&state.db, id).await?;
    let lang = visitor.language;
    let upload_again = documents
        .iter()
        .filter(|d| d.status == DocumentStatus::Rejected)
        .filter(|d| {
            !documents
                .iter()
                .any(|o| o.kind == d.kind && o.status != DocumentStatus::Rejected)
        })
        .filter_map(|d| {
            let r = uploadable.iter().find(|r| r.kind == d.kind)?;
            Some((d.id, lang.date(&r.deadline.to_string())))
        })
        .collect();
    Ok(ChildPage {
        uploadable,
        upload_again,
        documents,
        open,
        nav: Nav::from(&visitor),
        can_edit: child.guardian_id == user.id,
        child,
        programme,
        breakdown,
        levels,
        achievements,
        required,
        application,
        notice,
        waiting: super::identity::pending_for(&state.db, id).await?,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ChildFormPage> {
    let (c, _) = child_for(&state, &user, Action::Update, id).await?;
    let form = ChildForm {
        given_name: c.given_name,
        family_name: c.family_name,
        birth_date: c.birth_date.to_string(),
        school_id: c.school_id.to_string(),
        category: c.category.unwrap_or_default(),
        passport_expires: c
            .passport_expires
            .map(|d| d.to_string())
            .unwrap_or_default(),
        passport_number: c.passport_number.unwrap_or_default(),
        emergency_contact: c.emergency_contact.unwrap_or_default(),
        sex: c.sex.unwrap_or_default(),
    };
    form_page(&state, &visitor, format!("/children/{id}"), form, vec![]).await
}

async fn update(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<ChildForm>,
) -> AppResult<Response> {
    let (_, permit) = child_for(&state, &user, Action::Update, id).await?;
    let categories = categories(&state).await?;
    let d = match form.parse(&state, &categories, visitor.language).await? {
        Ok(v) => v,
        Err(errors) => {
            let page = form_page(&state, &visitor, format!("/children/{id}"), form, errors).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let saved = state
        .write(&permit, async |c| {
            super::identity::save_details(c, id, user.id, &d, user.id).await
        })
        .await?;
    let to = match saved.notice() {
        Some(notice) => format!("/children/{id}?notice={notice}"),
        None => format!("/children/{id}"),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
struct AchievementForm {
    level: String,
    place: String,
    title: String,
}

async fn add_achievement(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<AchievementForm>,
) -> AppResult<Response> {
    let (_, permit) = child_for(&state, &user, Action::Update, id).await?;
    let programme = programmes::open_programme(&state.db)
        .await?
        .ok_or_else(|| AppError::Invalid("achievement-no-programme", vec![]))?;
    let rules = programmes::rules(&state.db, programme.id).await?;
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
    let achievement = Achievement {
        level: form.level.clone(),
        place,
        title: title.to_string(),
    };
    state
        .write(&permit, async |c| {
            insert_achievement(c, id, &achievement).await?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/children/{id}#achievements")).into_response())
}

async fn delete_achievement(
    State(state): State<AppState>,
    user: User,
    Path((id, achievement)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (_, permit) = child_for(&state, &user, Action::Update, id).await?;
    state
        .write(&permit, async |c| {
            sqlx::query("DELETE FROM achievements WHERE id = $1 AND child_id = $2")
                .bind(achievement)
                .bind(id)
                .execute(&mut **c)
                .await?;
            c.audit(Some(id), "achievement_removed");
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/children/{id}#achievements")).into_response())
}

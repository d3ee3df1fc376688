//! A session's travel groups on the coordinator's page: formed from the
//! children with accepted places ([`super::forming`]), then edited — a
//! child moved to another group, an adult (a chaperone or a camp's staff
//! member) assigned to a group or taken off. Each group shows how many
//! adults it still needs under the programme's ratio. Every change is one
//! audited write; forming again replaces the groups (asked again first).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forming::{self, Ratio, Traveller};
use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::OfferStatus;
use crate::domain::values::{Day, Sex};
use crate::language::Language;
use crate::store::{Change, Db, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::{Confirm, Nav};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/sessions/{id}/groups",
            Access::Policy(Action::Update, Resource::Session),
            page,
        )
        .post(
            "/coordinator/sessions/{id}/groups",
            Access::Policy(Action::Update, Resource::Session),
            change,
        )
}

/// A child in a group, as the page lists them.
#[derive(sqlx::FromRow)]
pub struct Member {
    pub application: i64,
    pub group_id: Option<i64>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Day,
    pub sex: Option<String>,
}

impl Member {
    /// "Петрова Айыына, 13, ж": name, age on the session's first day, sex.
    pub fn line(&self, starts: &Day, lang: &Language) -> String {
        let age = smena_engine::age_on(self.birth_date.date(), starts.date());
        let sex = self
            .sex
            .as_deref()
            .map(|s| format!(", {}", lang.code_name("sex", s)))
            .unwrap_or_default();
        format!("{} {}, {age}{sex}", self.family_name, self.given_name)
    }
}

/// An adult who may go with a group.
#[derive(sqlx::FromRow)]
pub struct Adult {
    pub id: i64,
    pub full_name: String,
    pub role: Role,
}

/// A group with its children and adults.
pub struct GroupView {
    pub id: i64,
    pub number: i32,
    pub departure: String,
    pub adults_needed: i32,
    pub members: Vec<Member>,
    pub staff: Vec<Adult>,
    pub legs: Vec<super::legs::Leg>,
}

impl GroupView {
    /// Adults still missing under the ratio (0 when enough).
    pub fn adults_missing(&self) -> i64 {
        (i64::from(self.adults_needed) - self.staff.len() as i64).max(0)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/groups.html")]
struct GroupsPage {
    nav: Nav,
    id: i64,
    session: String,
    camp: String,
    dates: String,
    starts: Day,
    ratio: Ratio,
    groups: Vec<GroupView>,
    /// Children with an accepted place in no group (accepted after the
    /// groups were formed).
    outside: Vec<Member>,
    /// Chaperones and camp staff who may be assigned.
    adults: Vec<Adult>,
    accepted: usize,
    /// A group's leg form sent back with problems.
    typed: Option<(i64, super::legs::LegForm, Vec<String>)>,
    /// The ratio as typed, and its problem.
    ratio_typed: Option<(String, String, String)>,
    blank: super::legs::LegForm,
    kinds: [&'static str; 4],
}

impl GroupsPage {
    /// The leg form of `group`: as typed when it came back, else blank.
    fn leg_form(&self, group: &i64) -> &super::legs::LegForm {
        match &self.typed {
            Some((g, form, _)) if g == group => form,
            _ => &self.blank,
        }
    }

    /// The problems of `group`'s leg form.
    fn leg_errors(&self, group: &i64) -> &[String] {
        match &self.typed {
            Some((g, _, errors)) if g == group => errors,
            _ => &[],
        }
    }
}

/// The programme's ratio for a session, and the programme.
async fn ratio(db: &Db, session: i64) -> AppResult<(Ratio, i64)> {
    let (per, adults, programme): (i32, i32, i64) = sqlx::query_as(
        "SELECT p.children_per_adult, p.adults_per_group, p.id FROM sessions s \
         JOIN programmes p ON p.id = s.programme_id WHERE s.id = $1",
    )
    .bind(session)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        Ratio {
            children_per_adult: per.max(1) as u32,
            adults_per_group: adults.max(1) as u32,
        },
        programme,
    ))
}

/// The children with an accepted place in `session`, with their group.
async fn members(db: &Db, session: i64) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS application, m.group_id, c.given_name, c.family_name, c.birth_date, c.sex \
         FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         LEFT JOIN group_members m ON m.application_id = a.id \
         WHERE o.session_id = $1 AND o.status = $2 ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .fetch_all(db.pool())
    .await
}

/// The groups of `session` with their children and adults.
pub async fn groups_of(db: &Db, session: i64) -> Result<Vec<GroupView>, sqlx::Error> {
    let heads: Vec<(i64, i32, String, i32)> = sqlx::query_as(
        "SELECT id, number, departure, adults_needed FROM travel_groups WHERE session_id = $1 ORDER BY number",
    )
    .bind(session)
    .fetch_all(db.pool())
    .await?;
    let staff: Vec<(i64, i64, String, Role)> = sqlx::query_as(
        "SELECT s.group_id, a.id, a.full_name, a.role FROM group_staff s JOIN accounts a ON a.id = s.account_id \
         JOIN travel_groups g ON g.id = s.group_id WHERE g.session_id = $1 ORDER BY a.full_name, a.id",
    )
    .bind(session)
    .fetch_all(db.pool())
    .await?;
    let mut all = members(db, session).await?;
    Ok(heads
        .into_iter()
        .map(|(id, number, departure, adults_needed)| {
            let (mine, rest): (Vec<Member>, Vec<Member>) = std::mem::take(&mut all)
                .into_iter()
                .partition(|m| m.group_id == Some(id));
            all = rest;
            GroupView {
                id,
                number,
                departure,
                adults_needed,
                members: mine,
                staff: staff
                    .iter()
                    .filter(|s| s.0 == id)
                    .map(|s| Adult {
                        id: s.1,
                        full_name: s.2.clone(),
                        role: s.3,
                    })
                    .collect(),
                legs: Vec::new(),
            }
        })
        .collect())
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Session)?;
    page_with(&state, &visitor, id, None).await
}

/// A form of the groups page sent back with its problems.
pub enum Problem {
    /// A group's leg form, as typed.
    Leg(i64, Box<super::legs::LegForm>, Vec<String>),
    /// The ratio form, as typed.
    Ratio(String, String, String),
}

/// The groups page; with a problem, its form comes back as typed with the
/// problem beside it (answered 400).
pub async fn page_with(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    problem: Option<Problem>,
) -> AppResult<Response> {
    let (typed, ratio_typed) = match problem {
        Some(Problem::Leg(g, f, e)) => (Some((g, *f, e)), None),
        Some(Problem::Ratio(per, adults, e)) => (None, Some((per, adults, e))),
        None => (None, None),
    };
    let (session, camp, dates) = super::heading(&state.db, id, visitor.language).await?;
    let (starts,): (Day,) = sqlx::query_as("SELECT starts FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
    let mut groups = groups_of(&state.db, id).await?;
    for g in &mut groups {
        g.legs = super::legs::of_group(&state.db, g.id).await?;
    }
    let outside: Vec<Member> = members(&state.db, id)
        .await?
        .into_iter()
        .filter(|m| m.group_id.is_none())
        .collect();
    let accepted = outside.len() + groups.iter().map(|g| g.members.len()).sum::<usize>();
    let adults = sqlx::query_as(
        "SELECT id, full_name, role FROM accounts WHERE role IN ($1, $2) ORDER BY full_name, id",
    )
    .bind(Role::Chaperone)
    .bind(Role::Camp)
    .fetch_all(state.db.pool())
    .await?;
    let failed = typed.is_some() || ratio_typed.is_some();
    let page = GroupsPage {
        nav: Nav::from(visitor),
        id,
        session,
        camp,
        dates,
        starts,
        ratio: ratio(&state.db, id).await?.0,
        groups,
        outside,
        adults,
        accepted,
        typed,
        ratio_typed,
        blank: super::legs::LegForm::blank(),
        kinds: super::legs::KINDS,
    };
    Ok(if failed {
        (axum::http::StatusCode::BAD_REQUEST, page).into_response()
    } else {
        page.into_response()
    })
}

#[derive(Deserialize)]
struct ChangeForm {
    action: String,
    #[serde(default)]
    application: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    children_per_adult: String,
    #[serde(default)]
    adults_per_group: String,
}

/// What the coordinator asked, parsed once.
enum Asked {
    Form {
        confirmed: bool,
    },
    /// The programme's chaperone ratio (it applies to groups formed after).
    Ratio(Ratio),
    Move {
        application: i64,
        group: i64,
    },
    Assign {
        group: i64,
        account: i64,
    },
    Remove {
        group: i64,
        account: i64,
    },
}

impl ChangeForm {
    fn parse(&self) -> AppResult<Asked> {
        let id = |v: &str| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| AppError::Invalid("groups-choose", vec![]))
        };
        Ok(match self.action.as_str() {
            "form" => Asked::Form {
                confirmed: self.confirm == "yes",
            },
            "ratio" => {
                let number = |v: &str, max: u32| {
                    v.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or(AppError::Invalid("groups-ratio-numbers", vec![]))
                };
                Asked::Ratio(Ratio {
                    children_per_adult: number(&self.children_per_adult, 50)?,
                    adults_per_group: number(&self.adults_per_group, 10)?,
                })
            }
            "move" => Asked::Move {
                application: id(&self.application)?,
                group: id(&self.group)?,
            },
            "assign" => Asked::Assign {
                group: id(&self.group)?,
                account: id(&self.account)?,
            },
            "remove" => Asked::Remove {
                group: id(&self.group)?,
                account: id(&self.account)?,
            },
            _ => return Err(AppError::Invalid("groups-choose", vec![])),
        })
    }
}

/// Replaces the session's groups with newly formed ones; how many.
pub async fn form_groups(c: &mut Change, session: i64, ratio: Ratio) -> AppResult<usize> {
    let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT a.id, c.sex, c.birth_date, s.departure FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN sessions s ON s.id = o.session_id \
         WHERE o.session_id = $1 AND o.status = $2",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .fetch_all(&mut **c)
    .await?;
    let travellers: Vec<Traveller> = rows
        .into_iter()
        .map(|(id, sex, birth_date, departure)| Traveller {
            id,
            departure,
            sex: sex.as_deref().and_then(Sex::parse),
            birth_date,
        })
        .collect();
    let formed = forming::form(&travellers, ratio);
    sqlx::query("DELETE FROM travel_groups WHERE session_id = $1")
        .bind(session)
        .execute(&mut **c)
        .await?;
    let now = now_ms();
    for (n, g) in formed.iter().enumerate() {
        let group = new_id();
        sqlx::query(
            "INSERT INTO travel_groups (id, session_id, number, departure, adults_needed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(group)
        .bind(session)
        .bind(n as i32 + 1)
        .bind(&g.departure)
        .bind(g.adults_needed as i32)
        .bind(now)
        .execute(&mut **c)
        .await?;
        for m in &g.members {
            sqlx::query("INSERT INTO group_members (application_id, group_id) VALUES ($1, $2)")
                .bind(m)
                .bind(group)
                .execute(&mut **c)
                .await?;
        }
    }
    c.audit_as(
        Action::Update,
        Resource::Session,
        Some(session),
        format!("groups_formed {}", formed.len()),
    );
    Ok(formed.len())
}

/// The group `group` if it belongs to `session`.
async fn group_in(c: &mut Change, session: i64, group: i64) -> AppResult<()> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM travel_groups WHERE id = $1 AND session_id = $2")
            .bind(group)
            .bind(session)
            .fetch_optional(&mut **c)
            .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// Recounts the adults a group needs after its children changed.
async fn recount(c: &mut Change, group: i64, ratio: Ratio) -> AppResult<()> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM group_members WHERE group_id = $1")
        .bind(group)
        .fetch_one(&mut **c)
        .await?;
    sqlx::query("UPDATE travel_groups SET adults_needed = $1 WHERE id = $2")
        .bind(ratio.adults_for(n.max(0) as usize) as i32)
        .bind(group)
        .execute(&mut **c)
        .await?;
    Ok(())
}

/// Assigns or takes off a group's adult with `sql` (binding the group and
/// the account); a change that finds nothing to do is not recorded.
async fn staff_change(
    c: &mut Change,
    session: i64,
    sql: &'static str,
    (group, account): (i64, i64),
    what: &str,
) -> AppResult<()> {
    let changed = c
        .transition(sqlx::query(sql).bind(group).bind(account))
        .await?;
    if changed {
        c.audit_as(
            Action::Update,
            Resource::Session,
            Some(session),
            format!("{what} {account}"),
        );
    } else {
        c.unchanged();
    }
    Ok(())
}

async fn change(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Session)?;
    let asked = match form.parse() {
        Err(AppError::Invalid(key, _)) if form.action == "ratio" => {
            let problem = Problem::Ratio(
                form.children_per_adult.chars().take(10).collect(),
                form.adults_per_group.chars().take(10).collect(),
                visitor.language.text(key),
            );
            return page_with(&state, &visitor, id, Some(problem)).await;
        }
        other => other?,
    };
    let (ratio, programme) = ratio(&state.db, id).await?;
    let lang = visitor.language;
    if let Asked::Form { confirmed: false } = asked {
        let (existing,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM travel_groups WHERE session_id = $1")
                .bind(id)
                .fetch_one(state.db.pool())
                .await?;
        if existing > 0 {
            // Forming again discards every move and assignment: asked again.
            return Ok(Confirm {
                nav: Nav::from(&visitor),
                title: lang.text("groups-reform-title"),
                what: vec![lang.text_with("groups-reform-what", &[("n", &existing.to_string())])],
                checks: vec![],
                action: format!("/coordinator/sessions/{id}/groups"),
                fields: vec![("action".into(), "form".into())],
                button: lang.text("groups-reform-button"),
                back: format!("/coordinator/sessions/{id}/groups"),
            }
            .into_response());
        }
    }
    state
        .write(&permit, async |c| {
            // One change at a time to a programme's groups.
            c.lock_programme(programme).await?;
            match asked {
                Asked::Form { .. } => {
                    form_groups(c, id, ratio).await?;
                }
                Asked::Ratio(r) => {
                    let changed = c
                        .transition(
                            sqlx::query(
                                "UPDATE programmes SET children_per_adult = $1, adults_per_group = $2 \
                                 WHERE id = $3 AND (children_per_adult <> $1 OR adults_per_group <> $2)",
                            )
                            .bind(r.children_per_adult as i32)
                            .bind(r.adults_per_group as i32)
                            .bind(programme),
                        )
                        .await?;
                    if !changed {
                        c.unchanged();
                        return Ok(());
                    }
                    c.audit_as(
                        Action::Update,
                        Resource::Programme,
                        Some(programme),
                        format!(
                            "ratio {} per adult, {} adults a group",
                            r.children_per_adult, r.adults_per_group
                        ),
                    );
                }
                Asked::Move { application, group } => {
                    group_in(c, id, group).await?;
                    let before: Option<(Option<i64>,)> = sqlx::query_as(
                        "SELECT m.group_id FROM offers o LEFT JOIN group_members m ON m.application_id = o.application_id \
                         WHERE o.application_id = $1 AND o.session_id = $2 AND o.status = $3",
                    )
                    .bind(application)
                    .bind(id)
                    .bind(OfferStatus::Accepted)
                    .fetch_optional(&mut **c)
                    .await?;
                    let (before,) = before.ok_or(AppError::NotFound)?;
                    if before == Some(group) {
                        c.unchanged();
                        return Ok(());
                    }
                    sqlx::query("DELETE FROM group_members WHERE application_id = $1")
                        .bind(application)
                        .execute(&mut **c)
                        .await?;
                    sqlx::query(
                        "INSERT INTO group_members (application_id, group_id) VALUES ($1, $2)",
                    )
                    .bind(application)
                    .bind(group)
                    .execute(&mut **c)
                    .await?;
                    for g in before.into_iter().chain([group]) {
                        recount(c, g, ratio).await?;
                    }
                    c.audit_as(
                        Action::Update,
                        Resource::Application,
                        Some(application),
                        "group_changed",
                    );
                }
                Asked::Assign { group, account } => {
                    group_in(c, id, group).await?;
                    let role: Option<(Role,)> =
                        sqlx::query_as("SELECT role FROM accounts WHERE id = $1")
                            .bind(account)
                            .fetch_optional(&mut **c)
                            .await?;
                    if !matches!(role, Some((Role::Chaperone | Role::Camp,))) {
                        return Err(AppError::Invalid("groups-not-adult", vec![]));
                    }
                    staff_change(
                        c,
                        id,
                        "INSERT INTO group_staff (group_id, account_id) VALUES ($1, $2) \
                         ON CONFLICT (group_id, account_id) DO NOTHING",
                        (group, account),
                        "group_staff_assigned",
                    )
                    .await?;
                }
                Asked::Remove { group, account } => {
                    group_in(c, id, group).await?;
                    staff_change(
                        c,
                        id,
                        "DELETE FROM group_staff WHERE group_id = $1 AND account_id = $2",
                        (group, account),
                        "group_staff_removed",
                    )
                    .await?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/coordinator/sessions/{id}/groups")).into_response())
}

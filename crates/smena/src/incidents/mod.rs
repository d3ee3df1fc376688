//! Incidents on the journey: an adult of a child's travel group or the
//! staff of the child's camp records what happened (illness, injury,
//! behaviour, a lost document); the coordinators are e-mailed at once;
//! the family is told when the programme's rules say so for that kind and
//! reads it on the application's page. The description is sealed (it may
//! tell of health) and never put in an e-mail or the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::OfferStatus;
use crate::language::{Language, when};
use crate::store::keys::INCIDENT;
use crate::store::{Db, Mail, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/sessions/{id}/incidents",
            Access::Policy(Action::Read, Resource::Incident),
            page,
        )
        .post(
            "/sessions/{id}/incidents",
            Access::Policy(Action::Create, Resource::Incident),
            record,
        )
        .post(
            "/sessions/{id}/incidents/told",
            Access::Policy(Action::Update, Resource::Programme),
            set_told,
        )
}

/// What can happen.
pub const KINDS: [&str; 5] = ["illness", "injury", "behaviour", "lost_document", "other"];

/// A child the reader is responsible for in a session: (application, name).
type Reachable = (i64, String);

/// The children of `session` whose incidents the reader may see and
/// record: a group's adult, their groups' children; the camp's staff,
/// every child placed at their camp; the coordinator, all.
async fn reachable(
    db: &Db,
    user: &User,
    permit: &Permit,
    session: i64,
) -> AppResult<Vec<Reachable>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, c.family_name, c.given_name FROM offers o \
         JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN sessions s ON s.id = o.session_id LEFT JOIN group_members m ON m.application_id = a.id \
         WHERE o.session_id = $1 AND o.status = $2 \
           AND ($3 = 0 OR s.camp_id = $4) \
           AND ($5 = 0 OR EXISTS (SELECT 1 FROM group_staff gs WHERE gs.group_id = m.group_id AND gs.account_id = $6)) \
         ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .bind(i64::from(permit.scope() == Scope::Camp))
    .bind(user.camp_id.unwrap_or(-1))
    .bind(i64::from(permit.scope() == Scope::Assigned))
    .bind(user.id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, family, given)| (id, format!("{family} {given}")))
        .collect())
}

/// An incident as its readers see it.
pub struct Shown {
    pub child: String,
    pub kind: String,
    pub when: String,
    pub description: String,
    pub reporter: String,
    pub family_told: bool,
}

#[derive(sqlx::FromRow)]
struct IncidentRow {
    application_id: i64,
    kind: String,
    description: String,
    happened_at: i64,
    reporter: String,
    family_told: i32,
}

/// The incidents of `applications`, newest first, opened.
async fn of_applications(db: &Db, applications: &[Reachable]) -> AppResult<Vec<Shown>> {
    if applications.is_empty() {
        return Ok(vec![]);
    }
    let list = applications
        .iter()
        .map(|(id, _)| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<IncidentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT i.application_id, i.kind, i.description, i.happened_at, a.full_name AS reporter, i.family_told \
         FROM incidents i JOIN accounts a ON a.id = i.reported_by \
         WHERE i.application_id IN ({list}) ORDER BY i.happened_at DESC, i.id"
    )))
    .fetch_all(db.pool())
    .await?;
    let keys = db.keys()?;
    rows.into_iter()
        .map(|r| {
            Ok(Shown {
                child: applications
                    .iter()
                    .find(|(id, _)| *id == r.application_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                kind: r.kind,
                when: when(r.happened_at),
                description: keys.reveal(INCIDENT, &r.description)?,
                reporter: r.reporter,
                family_told: r.family_told != 0,
            })
        })
        .collect()
}

/// The incidents the family of `application` was told of, newest first.
pub async fn told_to_family(db: &Db, application: i64) -> AppResult<Vec<Shown>> {
    let mut shown = of_applications(db, &[(application, String::new())]).await?;
    shown.retain(|s| s.family_told);
    Ok(shown)
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents/session.html")]
struct IncidentsPage {
    nav: Nav,
    id: i64,
    session: String,
    incidents: Vec<Shown>,
    /// Whom the reader may record an incident about (empty: only reads).
    children: Vec<Reachable>,
    kinds: [&'static str; 5],
    /// For the coordinator: the programme's rule, each kind and whether
    /// families are told of it.
    told: Vec<(&'static str, bool)>,
    typed: IncidentForm,
    errors: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
struct IncidentForm {
    #[serde(default)]
    application: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
}

async fn render(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    typed: IncidentForm,
    errors: Vec<String>,
) -> AppResult<IncidentsPage> {
    let permit = authorize(user, Action::Read, Resource::Incident)?;
    let (session,): (String,) = sqlx::query_as("SELECT code FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    let children = reachable(&state.db, user, &permit, id).await?;
    if children.is_empty() && permit.scope() != Scope::All {
        return state
            .denied(user, Action::Read, Resource::Incident, Some(id))
            .await;
    }
    let incidents = of_applications(&state.db, &children).await?;
    state
        .record_as(
            &permit,
            Action::Read,
            Resource::Incident,
            Some(id),
            &format!("{} incidents", incidents.len()),
        )
        .await?;
    let may_record = authorize(user, Action::Create, Resource::Incident).is_ok();
    let told = if authorize(user, Action::Update, Resource::Programme).is_ok() {
        let (rule,): (String,) = sqlx::query_as(
            "SELECT p.incidents_told FROM sessions s JOIN programmes p ON p.id = s.programme_id WHERE s.id = $1",
        )
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
        KINDS
            .iter()
            .map(|k| (*k, rule.split(',').any(|r| r == *k)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(IncidentsPage {
        told,
        nav: Nav::from(visitor),
        id,
        session,
        incidents,
        children: if may_record { children } else { vec![] },
        kinds: KINDS,
        typed,
        errors,
    })
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<IncidentsPage> {
    render(&state, &user, &visitor, id, IncidentForm::default(), vec![]).await
}

/// Records an incident, alerts the coordinators and, as the programme's
/// rules say, tells the family.
async fn record(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<IncidentForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Incident)?;
    let lang = visitor.language;
    let children = reachable(&state.db, &user, &permit, id).await?;
    let mut errors = Vec::new();
    let application = form
        .application
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|a| children.iter().any(|(id, _)| id == a));
    if application.is_none() {
        errors.push(lang.text("incident-choose-child"));
    }
    let kind = KINDS.iter().find(|k| **k == form.kind.trim()).copied();
    if kind.is_none() {
        errors.push(lang.text("incident-choose-kind"));
    }
    let description = form.description.trim().replace("\r\n", "\n");
    if description.is_empty() || description.chars().count() > 2000 {
        errors.push(lang.text("incident-describe"));
    }
    let (Some(application), Some(kind), true) = (application, kind, errors.is_empty()) else {
        let page = render(&state, &user, &visitor, id, form, errors).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let sealed = state.db.keys()?.protect(INCIDENT, &description)?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let reporter = user.full_name.clone();
    state
        .write(&permit, async |c| {
            let (code, group, child, guardian, guardian_name, guardian_lang, told_kinds): (
                String,
                Option<i32>,
                String,
                String,
                String,
                Language,
                String,
            ) = sqlx::query_as(
                "SELECT s.code, g.number, c.given_name, p.email, p.full_name, p.language, pr.incidents_told \
                 FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts p ON p.id = c.guardian_id \
                 JOIN programmes pr ON pr.id = a.programme_id JOIN offers o ON o.application_id = a.id \
                 JOIN sessions s ON s.id = o.session_id LEFT JOIN group_members m ON m.application_id = a.id \
                 LEFT JOIN travel_groups g ON g.id = m.group_id WHERE a.id = $1",
            )
            .bind(application)
            .fetch_one(&mut **c)
            .await?;
            let told = told_kinds.split(',').any(|k| k.trim() == kind);
            let now = now_ms();
            sqlx::query(
                "INSERT INTO incidents (id, application_id, kind, description, happened_at, reported_by, family_told, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(new_id())
            .bind(application)
            .bind(kind)
            .bind(&sealed)
            .bind(now)
            .bind(user.id)
            .bind(i32::from(told))
            .bind(now)
            .execute(&mut **c)
            .await?;
            // The coordinators, at once: what, whom, where, who says so —
            // never the description (read it on the page).
            let coordinators = crate::accounts::coordinators(c).await?;
            for (email, name, l) in coordinators {
                let group = group
                    .map(|n| l.text_with("groups-number", &[("n", &n.to_string())]))
                    .unwrap_or_else(|| l.text("ready-no-group"));
                c.send(Mail {
                    to: email,
                    kind: "incident_reported",
                    subject: l.text_with(
                        "email-incident-subject",
                        &[("kind", &l.code_name("incident-kind", kind)), ("child", &child)],
                    ),
                    body: l.letter(
                        Some(&name),
                        "email-incident-body",
                        &[
                            ("kind", &l.code_name("incident-kind", kind)),
                            ("child", &child),
                            ("session", &code),
                            ("group", &group),
                            ("reporter", &reporter),
                            ("when", &when(now)),
                            ("link", &format!("{base}/sessions/{id}/incidents")),
                        ],
                    ),
                    secret: None,
                });
            }
            if told {
                let l = guardian_lang;
                c.send(Mail {
                    to: guardian,
                    kind: "incident_family",
                    subject: l.text_with(
                        "email-incident-family-subject",
                        &[("kind", &l.code_name("incident-kind", kind)), ("child", &child)],
                    ),
                    body: l.letter(
                        Some(&guardian_name),
                        "email-incident-family-body",
                        &[
                            ("kind", &l.code_name("incident-kind", kind)),
                            ("child", &child),
                            ("reporter", &reporter),
                            ("link", &format!("{base}/applications/{application}")),
                        ],
                    ),
                    secret: None,
                });
            }
            c.audit_as(Action::Create, Resource::Incident, Some(application), kind);
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/sessions/{id}/incidents")).into_response())
}

/// The programme's rule, as ticked: a box per kind.
#[derive(Deserialize)]
struct ToldForm {
    illness: Option<String>,
    injury: Option<String>,
    behaviour: Option<String>,
    lost_document: Option<String>,
    other: Option<String>,
}

/// Sets which kinds of incident the families of the session's programme
/// are told of (the coordinator).
async fn set_told(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<ToldForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let ticked = [
        ("illness", &form.illness),
        ("injury", &form.injury),
        ("behaviour", &form.behaviour),
        ("lost_document", &form.lost_document),
        ("other", &form.other),
    ];
    let rule: Vec<&str> = ticked
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| *k)
        .collect();
    let rule = rule.join(",");
    state
        .write(&permit, async |c| {
            let programme: Option<(i64,)> =
                sqlx::query_as("SELECT programme_id FROM sessions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **c)
                    .await?;
            let (programme,) = programme.ok_or(AppError::NotFound)?;
            let changed = c
                .transition(
                    sqlx::query(
                        "UPDATE programmes SET incidents_told = $1 WHERE id = $2 AND incidents_told <> $1",
                    )
                    .bind(&rule)
                    .bind(programme),
                )
                .await?;
            if !changed {
                c.unchanged();
                return Ok(());
            }
            c.audit(
                Some(programme),
                format!("incidents told to families: {rule}"),
            );
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/sessions/{id}/incidents#told")).into_response())
}

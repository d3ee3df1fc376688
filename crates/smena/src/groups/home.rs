//! The way home: at the return, a group's adults hand each child over to
//! a guardian and record the guardian's name and the time; the family is
//! told at once and asked how the journey went. A child not handed over
//! keeps the programme from completing, and two hours after the return
//! leg arrived is an open alert: the coordinators are e-mailed once per
//! group and the child stays on their board until handed over.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource};
use crate::domain::states::{OfferStatus, ProgrammeStatus};
use crate::domain::values::Day;
use crate::language::{Language, when};
use crate::store::{Actor, Db, Mail, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/groups/{id}/home",
            Access::Policy(Action::Create, Resource::Handover),
            page,
        )
        .post(
            "/groups/{id}/home",
            Access::Policy(Action::Create, Resource::Handover),
            hand_over,
        )
}

/// A child of the group at the return.
#[derive(sqlx::FromRow)]
pub struct Homecoming {
    pub application: i64,
    pub given_name: String,
    pub family_name: String,
    /// The guardian on the family's account (the usual one to expect).
    pub guardian: String,
    pub handed_to: Option<String>,
    pub handed_at: Option<i64>,
}

impl Homecoming {
    pub fn handed(&self, lang: &Language) -> String {
        let lang = *lang;
        match (&self.handed_to, self.handed_at) {
            (Some(to), Some(at)) => {
                lang.text_with("home-handed", &[("guardian", to), ("when", &when(at))])
            }
            _ => String::new(),
        }
    }
}

/// The group's session code, if the reader is one of its adults or reads
/// every group; anyone else is refused as not found, and audited.
async fn reach(state: &AppState, user: &User, permit: &Permit, group: i64) -> AppResult<String> {
    let group = super::reached(
        state,
        user,
        permit,
        (Action::Create, Resource::Handover),
        group,
    )
    .await?;
    Ok(group.session)
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/home.html")]
struct HomePage {
    nav: Nav,
    id: i64,
    session: String,
    children: Vec<Homecoming>,
    error: Option<(i64, String)>,
}

async fn render(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    error: Option<(i64, String)>,
) -> AppResult<HomePage> {
    let permit = authorize(user, Action::Create, Resource::Handover)?;
    let session = reach(state, user, &permit, id).await?;
    let children = sqlx::query_as(
        "SELECT a.id AS application, c.given_name, c.family_name, g.full_name AS guardian, h.handed_to, h.handed_at \
         FROM group_members m JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id JOIN offers o ON o.application_id = a.id \
         LEFT JOIN handovers h ON h.application_id = a.id \
         WHERE m.group_id = $1 AND o.status = $2 ORDER BY h.handed_at IS NOT NULL, c.family_name, c.given_name",
    )
    .bind(id)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    Ok(HomePage {
        nav: Nav::from(visitor),
        id,
        session,
        children,
        error,
    })
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<HomePage> {
    render(&state, &user, &visitor, id, None).await
}

#[derive(Deserialize)]
struct HandoverForm {
    #[serde(default)]
    application: String,
    #[serde(default)]
    handed_to: String,
}

/// Records that a child of the group was handed over (once: a second
/// record of the same child changes nothing), and tells the family.
async fn hand_over(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<HandoverForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Handover)?;
    reach(&state, &user, &permit, id).await?;
    let application = form
        .application
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::Invalid("groups-choose", vec![]))?;
    let handed_to = form.handed_to.trim().to_string();
    if handed_to.is_empty()
        || handed_to.chars().count() > 200
        || handed_to.chars().any(char::is_control)
    {
        let problem = visitor.language.text("home-name-needed");
        let page = render(&state, &user, &visitor, id, Some((application, problem))).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let base = state.config.base_url.trim_end_matches('/').to_string();
    state
        .write(&permit, async |c| {
            let family: Option<(String, String, Language, String)> = sqlx::query_as(
                "SELECT g.email, g.full_name, g.language, c.given_name FROM group_members m \
                 JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
                 JOIN accounts g ON g.id = c.guardian_id WHERE m.group_id = $1 AND m.application_id = $2",
            )
            .bind(id)
            .bind(application)
            .fetch_optional(&mut **c)
            .await?;
            let (email, name, lang, child) = family.ok_or(AppError::NotFound)?;
            let now = now_ms();
            let recorded = c
                .transition(
                    sqlx::query(
                        "INSERT INTO handovers (application_id, handed_to, handed_at, recorded_by) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING",
                    )
                    .bind(application)
                    .bind(&handed_to)
                    .bind(now)
                    .bind(user.id),
                )
                .await?;
            if !recorded {
                c.unchanged();
                return Ok(());
            }
            c.send(Mail {
                to: email,
                kind: "child_home",
                subject: lang.text_with("email-home-subject", &[("child", &child)]),
                body: lang.letter(
                    Some(&name),
                    "email-home-body",
                    &[
                        ("child", &child),
                        ("guardian", &handed_to),
                        ("when", &when(now)),
                        ("link", &format!("{base}/applications/{application}/feedback")),
                    ],
                ),
                secret: None,
            });
            c.audit_as(Action::Create, Resource::Handover, Some(application), "");
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/groups/{id}/home")).into_response())
}

/// How long after the return leg's arrival a child nobody has collected
/// becomes an alert.
pub const COLLECT_WITHIN_MS: i64 = 2 * 3_600_000;

/// A child back from the journey whom nobody has collected yet.
#[derive(sqlx::FromRow)]
pub struct Uncollected {
    pub group: i64,
    pub number: i32,
    pub session: String,
    ends: Day,
    pub given_name: String,
    pub family_name: String,
    pub guardian: String,
    /// When the group's last leg arrived.
    pub landed: i64,
    alerted: Option<i64>,
}

impl Uncollected {
    pub fn line(&self, lang: &Language) -> String {
        lang.text_with(
            "uncollected-line",
            &[
                (
                    "child",
                    &format!("{} {}", self.family_name, self.given_name),
                ),
                ("guardian", &self.guardian),
                (
                    "group",
                    &lang.text_with("groups-number", &[("n", &self.number.to_string())]),
                ),
                ("session", &self.session),
                ("when", &when(self.landed)),
            ],
        )
    }
}

/// The children of travelling programmes not handed over although their
/// group's return leg (the last, arriving on or after the session's last
/// day) arrived before `before`.
pub async fn uncollected(db: &Db, before: i64) -> Result<Vec<Uncollected>, sqlx::Error> {
    let rows: Vec<Uncollected> = sqlx::query_as(
        "SELECT g.id AS \"group\", g.number, s.code AS session, s.ends, c.given_name, c.family_name, \
                p.full_name AS guardian, r.landed, g.uncollected_alert_at AS alerted \
         FROM (SELECT group_id, MAX(arrives_at) AS landed FROM legs GROUP BY group_id) r \
         JOIN travel_groups g ON g.id = r.group_id JOIN sessions s ON s.id = g.session_id \
         JOIN programmes pr ON pr.id = s.programme_id JOIN group_members m ON m.group_id = g.id \
         JOIN applications a ON a.id = m.application_id JOIN offers o ON o.application_id = a.id \
         JOIN children c ON c.id = a.child_id JOIN accounts p ON p.id = c.guardian_id \
         LEFT JOIN handovers h ON h.application_id = a.id \
         WHERE pr.status = $1 AND o.status = $2 AND h.application_id IS NULL AND r.landed < $3 \
         ORDER BY r.landed, g.number, g.id, c.family_name, c.given_name",
    )
    .bind(ProgrammeStatus::Travelling)
    .bind(OfferStatus::Accepted)
    .bind(before)
    .fetch_all(db.pool())
    .await?;
    // An arrival before the session's last day is the way there.
    Ok(rows
        .into_iter()
        .filter(|r| crate::language::zone::day_of(r.landed).is_some_and(|d| d >= r.ends))
        .collect())
}

/// E-mails every coordinator, once per group, the children of the group
/// nobody has collected two hours after its return; how many groups.
pub async fn alert_uncollected(db: &Db, base: &str, now: i64) -> AppResult<usize> {
    let late = uncollected(db, now - COLLECT_WITHIN_MS).await?;
    let mut groups: Vec<i64> = late
        .iter()
        .filter(|u| u.alerted.is_none())
        .map(|u| u.group)
        .collect();
    groups.dedup();
    let base = base.trim_end_matches('/');
    let mut alerted = 0;
    for group in groups {
        let children: Vec<&Uncollected> = late.iter().filter(|u| u.group == group).collect();
        let sent = db
            .write(Actor::Service, (Action::Create, Resource::Handover), async |c| {
                let first = c
                    .transition(
                        sqlx::query(
                            "UPDATE travel_groups SET uncollected_alert_at = $1 WHERE id = $2 AND uncollected_alert_at IS NULL",
                        )
                        .bind(now)
                        .bind(group),
                    )
                    .await?;
                if !first {
                    c.unchanged();
                    return Ok::<_, AppError>(false);
                }
                let coordinators = crate::accounts::coordinators(c).await?;
                for (email, name, lang) in coordinators {
                    let lines: Vec<String> = children.iter().map(|u| format!("— {}", u.line(&lang))).collect();
                    let head = children[0];
                    let group_words = lang.text_with("groups-number", &[("n", &head.number.to_string())]);
                    c.send(Mail {
                        to: email,
                        kind: "uncollected",
                        subject: lang.text_with(
                            "email-uncollected-subject",
                            &[("n", &children.len().to_string()), ("group", &group_words), ("session", &head.session)],
                        ),
                        body: lang.letter(
                            Some(&name),
                            "email-uncollected-body",
                            &[
                                ("group", &group_words),
                                ("session", &head.session),
                                ("when", &when(head.landed)),
                                ("children", &lines.join("\n")),
                                ("link", &format!("{base}/groups/{group}/home")),
                            ],
                        ),
                        secret: None,
                    });
                }
                c.audit(Some(group), format!("{} children not collected: coordinators alerted", children.len()));
                Ok(true)
            })
            .await?;
        alerted += usize::from(sent);
    }
    Ok(alerted)
}

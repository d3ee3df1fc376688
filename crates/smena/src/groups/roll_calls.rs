//! Roll calls: at each leg's departure and arrival and each day at camp, a
//! group's adult marks every child present, absent or excused on a phone
//! page that keeps working without a connection. The page keeps the marks
//! on the phone (local storage) until the server has them; each mark
//! carries the id the phone gave it, so a mark sent twice is kept once,
//! and the latest mark on the phone's clock is the child's. Closing a roll
//! call with a child not present alerts the coordinators at once; closing
//! an arrival tells each family the group has arrived. A child not ready
//! to travel cannot be marked present at a departure.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::{OfferStatus, Presence};
use crate::language::{Language, when};
use crate::store::{Change, Db, Mail, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

use super::Group;
use super::legs::{self, Leg};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/groups/{id}/roll-calls",
            Access::Policy(Action::Read, Resource::RollCall),
            list,
        )
        .post(
            "/groups/{id}/roll-calls",
            Access::Policy(Action::Create, Resource::RollCall),
            open,
        )
        .get(
            "/roll-calls/{id}",
            Access::Policy(Action::Read, Resource::RollCall),
            sheet,
        )
        .post(
            "/roll-calls/{id}/marks",
            Access::Policy(Action::Create, Resource::RollCall),
            mark,
        )
        .post(
            "/roll-calls/{id}/close",
            Access::Policy(Action::Create, Resource::RollCall),
            close,
        )
        .get("/roll-calls/offline.js", Access::Anyone, script)
        .get("/roll-calls/marks.js", Access::Anyone, marks_script)
        .get("/roll-calls/sw.js", Access::Anyone, worker)
        .get(
            "/roll-calls/before-logout.js",
            Access::Anyone,
            before_logout,
        )
        .get("/roll-calls/manifest.webmanifest", Access::Anyone, manifest)
        .get("/roll-calls/icon.svg", Access::Anyone, icon)
}

/// When a roll call is taken, once per group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Occasion {
    Departure(i64),
    Arrival(i64),
    /// A day at camp (yyyy-mm-dd).
    Day(String),
}

impl Occasion {
    /// As stored: `departure:{leg}`, `arrival:{leg}`, `day:{yyyy-mm-dd}`.
    pub fn key(&self) -> String {
        match self {
            Occasion::Departure(leg) => format!("departure:{leg}"),
            Occasion::Arrival(leg) => format!("arrival:{leg}"),
            Occasion::Day(day) => format!("day:{day}"),
        }
    }

    pub fn parse(key: &str) -> Option<Occasion> {
        let (kind, rest) = key.trim().split_once(':')?;
        match kind {
            "departure" => rest.parse().ok().map(Occasion::Departure),
            "arrival" => rest.parse().ok().map(Occasion::Arrival),
            "day" => {
                crate::programmes::deadlines::parse_day(rest).map(|d| Occasion::Day(d.to_string()))
            }
            _ => None,
        }
    }

    fn leg(&self) -> Option<i64> {
        match self {
            Occasion::Departure(leg) | Occasion::Arrival(leg) => Some(*leg),
            Occasion::Day(_) => None,
        }
    }

    /// The occasion in words: "Отправление: Рейс S7 6301, Якутск → …".
    fn words(&self, lang: Language, legs: &[Leg]) -> String {
        let leg = |id: &i64| legs.iter().find(|l| l.id == *id).map(|l| l.line(&lang));
        match self {
            Occasion::Departure(id) => lang.text_with(
                "roll-call-departure",
                &[("leg", &leg(id).unwrap_or_default())],
            ),
            Occasion::Arrival(id) => lang.text_with(
                "roll-call-arrival",
                &[("leg", &leg(id).unwrap_or_default())],
            ),
            Occasion::Day(day) => lang.text_with("roll-call-day", &[("day", &lang.date(day))]),
        }
    }
}

/// One mark as the phone sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct SentMark {
    pub id: String,
    /// The application's id, as text (ids do not fit JavaScript numbers).
    pub application: String,
    pub mark: String,
    /// On the phone's clock, in milliseconds.
    pub marked_at: i64,
}

/// A mark as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Mark {
    pub id: String,
    pub application: i64,
    pub presence: Presence,
    pub marked_at: i64,
}

/// Each child's mark: the latest on the phone's clock (the greater id
/// breaks a tie), so that marks arriving late or twice change nothing.
pub fn latest(marks: &[Mark]) -> HashMap<i64, Presence> {
    let mut best: HashMap<i64, &Mark> = HashMap::new();
    for m in marks {
        let later = best
            .get(&m.application)
            .is_none_or(|b| (m.marked_at, &m.id) > (b.marked_at, &b.id));
        if later {
            best.insert(m.application, m);
        }
    }
    best.into_iter().map(|(a, m)| (a, m.presence)).collect()
}

/// A mark's id: what a phone makes (a UUID), nothing longer or stranger.
fn valid_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The group if the reader is one of its adults or reads every group;
/// anyone else is refused as not found, and audited.
async fn reach(
    state: &AppState,
    user: &User,
    permit: &Permit,
    action: Action,
    group: i64,
) -> AppResult<Group> {
    super::reached(state, user, permit, (action, Resource::RollCall), group).await
}

#[derive(sqlx::FromRow)]
struct RollCallRow {
    group_id: i64,
    occasion: String,
    closed_at: Option<i64>,
}

/// A roll call the reader may take (or read), with its group.
async fn roll_call(
    state: &AppState,
    user: &User,
    permit: &Permit,
    action: Action,
    id: i64,
) -> AppResult<(RollCallRow, Group)> {
    let found: Option<RollCallRow> =
        sqlx::query_as("SELECT group_id, occasion, closed_at FROM roll_calls WHERE id = $1")
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?;
    let Some(found) = found else {
        return state
            .denied(user, action, Resource::RollCall, Some(id))
            .await;
    };
    let group = reach(state, user, permit, action, found.group_id).await?;
    Ok((found, group))
}

/// A child of the group on the sheet.
pub struct Child {
    pub application: i64,
    pub name: String,
    pub presence: Option<Presence>,
    /// Why the child may not depart (a departure only), in a sentence.
    pub blocked: Option<String>,
}

/// The group's children (accepted places), by name.
async fn children(db: &Db, group: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, c.family_name || ' ' || c.given_name FROM group_members m \
         JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
         JOIN offers o ON o.application_id = a.id WHERE m.group_id = $1 AND o.status = $2 \
         ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(group)
    .bind(OfferStatus::Accepted)
    .fetch_all(db.pool())
    .await
}

/// A roll call's marks as kept (read on a page, or in the closing change).
async fn marks<'e, E>(executor: E, roll_call: i64) -> Result<Vec<Mark>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(
        "SELECT id, application_id AS application, mark AS presence, marked_at FROM roll_call_marks \
         WHERE roll_call_id = $1",
    )
    .bind(roll_call)
    .fetch_all(executor)
    .await
}

/// Why each child of `group`'s session may not depart, by application.
async fn blocked(db: &Db, session: i64, lang: Language) -> AppResult<HashMap<i64, Vec<String>>> {
    let (programme,): (i64,) = sqlx::query_as("SELECT programme_id FROM sessions WHERE id = $1")
        .bind(session)
        .fetch_one(db.pool())
        .await?;
    let mut out = HashMap::new();
    for s in super::ready::board_of(db, programme, Some(session)).await? {
        for g in s.groups {
            for c in g.blocked {
                let words = c.blockers.iter().map(|b| b.words(&lang)).collect();
                out.insert(c.application, words);
            }
        }
    }
    Ok(out)
}

/// An occasion of the group on its list.
pub struct Line {
    pub key: String,
    pub words: String,
    /// The roll call taken or under way: (id, closed).
    pub taken: Option<(i64, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/roll_calls.html")]
struct ListPage {
    nav: Nav,
    id: i64,
    title: String,
    lines: Vec<Line>,
    may_take: bool,
}

/// Every day from `starts` to `ends` (yyyy-mm-dd), at most a season's.
fn days(starts: &str, ends: &str) -> Vec<String> {
    let parse = crate::programmes::deadlines::parse_day;
    let (Some(mut day), Some(last)) = (parse(starts), parse(ends)) else {
        return vec![];
    };
    let mut out = Vec::new();
    while day <= last && out.len() < 120 {
        out.push(day.to_string());
        day = match day.tomorrow() {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out
}

async fn list(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<ListPage> {
    let permit = authorize(&user, Action::Read, Resource::RollCall)?;
    let group = reach(&state, &user, &permit, Action::Read, id).await?;
    let lang = visitor.language;
    let legs = legs::of_group(&state.db, id).await?;
    let taken: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT occasion, id, closed_at FROM roll_calls WHERE group_id = $1")
            .bind(id)
            .fetch_all(state.db.pool())
            .await?;
    let taken: HashMap<String, (i64, bool)> = taken
        .into_iter()
        .map(|(k, id, closed)| (k, (id, closed.is_some())))
        .collect();
    let mut occasions = Vec::new();
    for leg in &legs {
        occasions.push(Occasion::Departure(leg.id));
        occasions.push(Occasion::Arrival(leg.id));
    }
    occasions.extend(
        days(&group.starts, &group.ends)
            .into_iter()
            .map(Occasion::Day),
    );
    let lines = occasions
        .iter()
        .map(|o| Line {
            key: o.key(),
            words: o.words(lang, &legs),
            taken: taken.get(&o.key()).copied(),
        })
        .collect();
    Ok(ListPage {
        nav: Nav::from(&visitor),
        id,
        title: group.title(lang),
        lines,
        may_take: user.role != Role::Coordinator,
    })
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    occasion: String,
}

/// Opens the roll call of an occasion (or finds the one already open) and
/// goes to its sheet.
async fn open(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<OpenForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::RollCall)?;
    let group = reach(&state, &user, &permit, Action::Create, id).await?;
    let occasion =
        Occasion::parse(&form.occasion).ok_or(AppError::Invalid("roll-call-choose", vec![]))?;
    // Only the group's own legs and the session's days.
    let known = match &occasion {
        Occasion::Departure(leg) | Occasion::Arrival(leg) => legs::of_group(&state.db, id)
            .await?
            .iter()
            .any(|l| l.id == *leg),
        Occasion::Day(day) => days(&group.starts, &group.ends).contains(day),
    };
    if !known {
        return Err(AppError::Invalid("roll-call-choose", vec![]));
    }
    let key = occasion.key();
    state
        .write(&permit, async |c| {
            let opened = c
                .transition(
                    sqlx::query(
                        "INSERT INTO roll_calls (id, group_id, leg_id, occasion, opened_by, opened_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id, occasion) DO NOTHING",
                    )
                    .bind(new_id())
                    .bind(id)
                    .bind(occasion.leg())
                    .bind(&key)
                    .bind(user.id)
                    .bind(now_ms()),
                )
                .await?;
            if opened {
                c.audit_as(Action::Create, Resource::RollCall, Some(id), key.clone());
            } else {
                c.unchanged();
            }
            Ok(())
        })
        .await?;
    let (roll_call,): (i64,) =
        sqlx::query_as("SELECT id FROM roll_calls WHERE group_id = $1 AND occasion = $2")
            .bind(id)
            .bind(&key)
            .fetch_one(state.db.pool())
            .await?;
    Ok(Redirect::to(&format!("/roll-calls/{roll_call}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/roll_call.html")]
struct SheetPage {
    nav: Nav,
    id: i64,
    group: i64,
    session_id: i64,
    title: String,
    occasion: String,
    children: Vec<Child>,
    /// "Closed on …", once closed.
    closed: Option<String>,
    counts: String,
    may_take: bool,
    error: Option<String>,
}

/// How many are present, absent, excused and not yet marked, in words.
fn counts(lang: Language, children: &[Child]) -> String {
    let n = |p: Option<Presence>| {
        children
            .iter()
            .filter(|c| c.presence == p)
            .count()
            .to_string()
    };
    lang.text_with(
        "roll-call-counts",
        &[
            ("present", &n(Some(Presence::Present))),
            ("absent", &n(Some(Presence::Absent))),
            ("excused", &n(Some(Presence::Excused))),
            ("unmarked", &n(None)),
        ],
    )
}

async fn render(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    error: Option<String>,
) -> AppResult<SheetPage> {
    let permit = authorize(user, Action::Read, Resource::RollCall)?;
    let (row, group) = roll_call(state, user, &permit, Action::Read, id).await?;
    let lang = visitor.language;
    let occasion = Occasion::parse(&row.occasion).ok_or(AppError::NotFound)?;
    let legs = legs::of_group(&state.db, group.id).await?;
    let marked = latest(&marks(state.db.pool(), id).await?);
    let blocked = match occasion {
        Occasion::Departure(_) => blocked(&state.db, group.session_id, lang).await?,
        _ => HashMap::new(),
    };
    let children: Vec<Child> = children(&state.db, group.id)
        .await?
        .into_iter()
        .map(|(application, name)| Child {
            application,
            name,
            presence: marked.get(&application).copied(),
            blocked: blocked
                .get(&application)
                .map(|why| lang.text_with("roll-call-blocked", &[("why", &why.join("; "))])),
        })
        .collect();
    Ok(SheetPage {
        nav: Nav::from(visitor),
        id,
        group: group.id,
        session_id: group.session_id,
        title: group.title(lang),
        occasion: occasion.words(lang, &legs),
        counts: counts(lang, &children),
        children,
        closed: row
            .closed_at
            .map(|at| lang.text_with("roll-call-closed", &[("when", &when(at))])),
        may_take: user.role != Role::Coordinator,
        error,
    })
}

async fn sheet(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<SheetPage> {
    render(&state, &user, &visitor, id, None).await
}

/// What the server did with the marks a phone sent: those it has (new or
/// already kept), and those refused with the reason (never to be sent
/// again).
#[derive(Serialize, Default)]
struct Received {
    received: Vec<String>,
    refused: Vec<Refused>,
}

#[derive(Serialize)]
struct Refused {
    id: String,
    reason: String,
}

#[derive(Deserialize)]
struct Batch {
    marks: Vec<SentMark>,
}

#[derive(Deserialize)]
struct MarkForm {
    #[serde(default)]
    application: String,
    #[serde(default)]
    mark: String,
}

/// Marks sent by the page: a JSON batch from the offline page (answered
/// with what was received), or one mark from the form without JavaScript.
async fn mark(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::RollCall)?;
    let (row, group) = roll_call(&state, &user, &permit, Action::Create, id).await?;
    let lang = visitor.language;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let now = now_ms();
    let sent: Vec<SentMark> = if json {
        let batch: Batch = serde_json::from_slice(&body)
            .map_err(|_| AppError::Invalid("roll-call-bad-marks", vec![]))?;
        if batch.marks.len() > 1000 {
            return Err(AppError::Invalid("roll-call-bad-marks", vec![]));
        }
        batch.marks
    } else {
        let form: MarkForm = serde_urlencoded::from_bytes(&body)
            .map_err(|_| AppError::Invalid("roll-call-bad-marks", vec![]))?;
        vec![SentMark {
            id: new_id().to_string(),
            application: form.application,
            mark: form.mark,
            marked_at: now,
        }]
    };
    let members: HashMap<i64, String> = children(&state.db, group.id).await?.into_iter().collect();
    let departure = matches!(Occasion::parse(&row.occasion), Some(Occasion::Departure(_)));
    let blocked = if departure {
        blocked(&state.db, group.session_id, lang).await?
    } else {
        HashMap::new()
    };
    let mut answer = Received::default();
    let mut kept = Vec::new();
    for m in sent {
        let application = m.application.trim().parse::<i64>().ok();
        let presence = Presence::parse(m.mark.trim());
        let refuse = |key: &str| Refused {
            id: m.id.clone(),
            reason: lang.text(key),
        };
        match (application, presence) {
            _ if !valid_id(&m.id) => answer.refused.push(refuse("roll-call-bad-marks")),
            (Some(a), Some(p)) if members.contains_key(&a) => {
                if p == Presence::Present && blocked.contains_key(&a) {
                    let mut r = refuse("roll-call-blocked");
                    r.reason =
                        lang.text_with("roll-call-blocked", &[("why", &blocked[&a].join("; "))]);
                    answer.refused.push(r);
                } else {
                    kept.push(Mark {
                        id: m.id,
                        application: a,
                        presence: p,
                        // A phone's clock ahead of the server's cannot put a
                        // mark after those made later.
                        marked_at: m.marked_at.clamp(0, now),
                    });
                }
            }
            _ => answer.refused.push(refuse("roll-call-bad-marks")),
        }
    }
    if !kept.is_empty() {
        let kept = kept.clone();
        state
            .write(&permit, async |c| record(c, id, user.id, &kept, now).await)
            .await?;
    }
    answer.received = kept.into_iter().map(|m| m.id).collect();
    if json {
        return Ok(axum::Json(answer).into_response());
    }
    match answer.refused.first() {
        Some(r) => {
            let page = render(&state, &user, &visitor, id, Some(r.reason.clone())).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        None => Ok(Redirect::to(&format!("/roll-calls/{id}")).into_response()),
    }
}

/// Keeps the marks not kept before (by their ids): one audit entry for
/// those new, none for a batch sent again.
async fn record(
    c: &mut Change,
    roll_call: i64,
    by: i64,
    marks: &[Mark],
    now: i64,
) -> AppResult<()> {
    let mut new = 0;
    for m in marks {
        let inserted = sqlx::query(
            "INSERT INTO roll_call_marks (id, roll_call_id, application_id, mark, marked_at, marked_by, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&m.id)
        .bind(roll_call)
        .bind(m.application)
        .bind(m.presence)
        .bind(m.marked_at)
        .bind(by)
        .bind(now)
        .execute(&mut **c)
        .await?
        .rows_affected();
        new += inserted;
    }
    if new == 0 {
        c.unchanged();
    } else {
        c.audit_as(
            Action::Create,
            Resource::RollCall,
            Some(roll_call),
            format!("{new} marks"),
        );
    }
    Ok(())
}

/// Closes the roll call: the coordinators are alerted of every child not
/// present (with the group, the occasion and the child's name); at an
/// arrival each present child's family is told the group has arrived.
async fn close(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::RollCall)?;
    let (row, group) = roll_call(&state, &user, &permit, Action::Create, id).await?;
    let occasion = Occasion::parse(&row.occasion).ok_or(AppError::NotFound)?;
    let legs = legs::of_group(&state.db, group.id).await?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let by = user.full_name.clone();
    state
        .write(&permit, async |c| {
            let now = now_ms();
            let closed = c
                .transition(
                    sqlx::query(
                        "UPDATE roll_calls SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL",
                    )
                    .bind(now)
                    .bind(user.id)
                    .bind(id),
                )
                .await?;
            if !closed {
                c.unchanged();
                return Ok(());
            }
            let marks = marks(&mut **c, id).await?;
            let marked = latest(&marks);
            let members: Vec<(i64, String, String, String, String, Language)> = sqlx::query_as(
                "SELECT a.id, c.family_name, c.given_name, g.email, g.full_name, g.language FROM group_members m \
                 JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
                 JOIN accounts g ON g.id = c.guardian_id JOIN offers o ON o.application_id = a.id \
                 WHERE m.group_id = $1 AND o.status = $2 ORDER BY c.family_name, c.given_name, a.id",
            )
            .bind(group.id)
            .bind(OfferStatus::Accepted)
            .fetch_all(&mut **c)
            .await?;
            let missing: Vec<(String, Option<Presence>)> = members
                .iter()
                .filter(|m| marked.get(&m.0) != Some(&Presence::Present))
                .map(|m| (format!("{} {}", m.1, m.2), marked.get(&m.0).copied()))
                .collect();
            if !missing.is_empty() {
                let coordinators = crate::accounts::coordinators(c).await?;
                for (email, name, l) in coordinators {
                    let children: Vec<String> = missing
                        .iter()
                        .map(|(child, p)| {
                            let p = p.map_or_else(
                                || l.text("roll-call-unmarked"),
                                |p| l.code_name("roll-call-mark", p.code()),
                            );
                            format!("— {child}: {p}")
                        })
                        .collect();
                    let group_words = l.text_with("groups-number", &[("n", &group.number.to_string())]);
                    c.send(Mail {
                        to: email,
                        kind: "roll_call_missing",
                        subject: l.text_with(
                            "email-roll-call-missing-subject",
                            &[
                                ("n", &missing.len().to_string()),
                                ("group", &group_words),
                                ("session", &group.session),
                            ],
                        ),
                        body: l.letter(
                            Some(&name),
                            "email-roll-call-missing-body",
                            &[
                                ("group", &group_words),
                                ("session", &group.session),
                                ("occasion", &occasion.words(l, &legs)),
                                ("children", &children.join("\n")),
                                ("by", &by),
                                ("when", &when(now)),
                                ("link", &format!("{base}/roll-calls/{id}")),
                            ],
                        ),
                        secret: None,
                    });
                }
            }
            if let Occasion::Arrival(leg) = &occasion
                && let Some(leg) = legs.iter().find(|l| l.id == *leg)
            {
                for (application, _, child, email, name, l) in &members {
                    if marked.get(application) != Some(&Presence::Present) {
                        continue;
                    }
                    c.send(Mail {
                        to: email.clone(),
                        kind: "group_arrived",
                        subject: l.text_with(
                            "email-group-arrived-subject",
                            &[("child", child), ("place", &leg.to_place)],
                        ),
                        body: l.letter(
                            Some(name),
                            "email-group-arrived-body",
                            &[
                                ("child", child),
                                ("place", &leg.to_place),
                                ("when", &when(now)),
                                ("link", &format!("{base}/applications/{application}")),
                            ],
                        ),
                        secret: None,
                    });
                }
            }
            c.audit_as(
                Action::Create,
                Resource::RollCall,
                Some(id),
                format!("closed, {} not present", missing.len()),
            );
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/roll-calls/{id}")).into_response())
}

/// A file the roll call page loads, revalidated on each visit (so a
/// phone picks a new version up at once when online).
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// The page's script: marks kept on the phone until the server has them.
async fn script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/roll-call.js"))
}

/// The marks kept on the phone, shared by the page's script and the
/// logout button's.
async fn marks_script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/roll-call-marks.js"))
}

/// On the pages of those who take roll calls: the marks still on the phone
/// are sent before logging out clears it.
async fn before_logout() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/before-logout.js"))
}

/// The service worker: the roll call pages and what they load, from the
/// phone's cache when there is no connection.
async fn worker() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/roll-call-sw.js"))
}

/// Makes the roll call installable on a phone's home screen.
async fn manifest() -> impl IntoResponse {
    asset(
        "application/manifest+json",
        include_str!("../../static/roll-call.webmanifest"),
    )
}

/// The installed page's icon.
async fn icon() -> impl IntoResponse {
    asset(
        "image/svg+xml",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 96 96\"><rect width=\"96\" height=\"96\" rx=\"18\" fill=\"#1f4e79\"/>\
         <path d=\"M26 50l14 14 30-32\" fill=\"none\" stroke=\"#fff\" stroke-width=\"10\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, application: i64, presence: Presence, at: i64) -> Mark {
        Mark {
            id: id.into(),
            application,
            presence,
            marked_at: at,
        }
    }

    #[test]
    fn the_latest_mark_on_the_phones_clock_is_the_childs_whatever_the_order_received() {
        let marks = vec![
            m("b", 1, Presence::Present, 20),
            m("a", 1, Presence::Absent, 10),
            m("c", 2, Presence::Excused, 5),
            m("d", 2, Presence::Present, 5),
        ];
        let got = latest(&marks);
        assert_eq!(got[&1], Presence::Present);
        // Same moment: the greater id, so every server agrees.
        assert_eq!(got[&2], Presence::Present);
        let mut reversed = marks.clone();
        reversed.reverse();
        assert_eq!(latest(&reversed), got);
        // A mark sent twice changes nothing.
        let mut twice = marks.clone();
        twice.push(m("a", 1, Presence::Absent, 10));
        assert_eq!(latest(&twice), got);
    }

    #[test]
    fn occasions_are_read_back_as_written_and_nothing_else() {
        for o in [
            Occasion::Departure(42),
            Occasion::Arrival(7),
            Occasion::Day("2027-07-02".into()),
        ] {
            assert_eq!(Occasion::parse(&o.key()), Some(o));
        }
        for bad in [
            "",
            "departure:",
            "arrival:x",
            "day:2027-13-40",
            "leg:1",
            "day",
        ] {
            assert_eq!(Occasion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_marks_id_is_what_a_phone_makes() {
        assert!(valid_id("0f8c2a57-3f3e-4c1b-9d2e-1b2c3d4e5f60"));
        assert!(!valid_id("short"));
        assert!(!valid_id("<script>alert(1)</script>"));
        assert!(!valid_id(&"a".repeat(65)));
    }
}

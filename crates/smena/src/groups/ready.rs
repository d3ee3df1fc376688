//! Ready to travel: for every child with an accepted place, what still
//! stands between them and the departure — each document the programme
//! requires (the notarised travel consent, the medical form, the
//! insurance…) and the visa or invitation the camp's host country
//! requires, not yet accepted, and a passport not valid long enough after
//! the session. The coordinator's board shows them by session and
//! travel group.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use crate::domain::access::{Action, Resource};
use crate::domain::states::{DocumentStatus, OfferStatus};
use crate::domain::values::Day;
use crate::language::Language;
use crate::programmes::queries as programmes;
use crate::store::{Db, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/coordinator/ready",
        Access::Policy(Action::Update, Resource::Session),
        board,
    )
}

/// Why a child is not ready to travel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// A required document with no copy, one waiting for review, or only
    /// rejected ones: (its name, the best status found).
    Document(String, Option<DocumentStatus>),
    PassportMissing,
    /// The passport expires before it must (the session's end plus the
    /// programme's months).
    PassportTooShort {
        expires: Day,
        needed: Day,
    },
}

impl Blocker {
    pub fn words(&self, lang: &Language) -> String {
        let lang = *lang;
        match self {
            Blocker::Document(name, status) => lang.text_with(
                match status {
                    None => "ready-document-missing",
                    Some(DocumentStatus::Pending) => "ready-document-pending",
                    Some(_) => "ready-document-rejected",
                },
                &[("document", name)],
            ),
            Blocker::PassportMissing => lang.text("ready-passport-missing"),
            Blocker::PassportTooShort { expires, needed } => lang.text_with(
                "ready-passport-short",
                &[
                    ("expires", &lang.date(&expires.to_string())),
                    ("needed", &lang.date(&needed.to_string())),
                ],
            ),
        }
    }
}

/// What blocks one child, from the facts: the required documents (kind,
/// name), the statuses of the child's copies by kind, the passport's
/// expiry and the day it must still be valid on.
pub fn blockers(
    required: &[(String, String)],
    copies: &[(String, DocumentStatus)],
    passport: Option<Day>,
    valid_until: Day,
) -> Vec<Blocker> {
    let mut out = Vec::new();
    for (kind, name) in required {
        let mine: Vec<DocumentStatus> = copies
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, s)| *s)
            .collect();
        if mine.contains(&DocumentStatus::Accepted) {
            continue;
        }
        let best = if mine.contains(&DocumentStatus::Pending) {
            Some(DocumentStatus::Pending)
        } else {
            mine.first().copied()
        };
        out.push(Blocker::Document(name.clone(), best));
    }
    match passport {
        None => out.push(Blocker::PassportMissing),
        Some(expires) if expires < valid_until => out.push(Blocker::PassportTooShort {
            expires,
            needed: valid_until,
        }),
        Some(_) => {}
    }
    out
}

/// A child on the board.
pub struct ChildLine {
    pub application: i64,
    pub name: String,
    pub blockers: Vec<Blocker>,
}

/// A travel group (or the children in none yet) on the board.
pub struct GroupLine {
    pub number: Option<i32>,
    pub children: usize,
    pub blocked: Vec<ChildLine>,
}

/// A session on the board.
pub struct SessionLine {
    pub id: i64,
    pub code: String,
    pub groups: Vec<GroupLine>,
}

#[derive(sqlx::FromRow)]
struct Row {
    application: i64,
    child: i64,
    given_name: String,
    family_name: String,
    passport_expires: Option<Day>,
    session: i64,
    code: String,
    ends: Day,
    group_number: Option<i32>,
    /// The visa or invitation the session's camp requires, if any.
    entry_document: Option<String>,
}

/// The board of `programme` (of its session `only`, if given): every
/// session with accepted places, by group, with the children not ready and
/// why.
pub async fn board_of(db: &Db, programme: i64, only: Option<i64>) -> AppResult<Vec<SessionLine>> {
    // 0 for every session: ids are never 0.
    let only = only.unwrap_or(0);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id AS application, c.id AS child, c.given_name, c.family_name, c.passport_expires, s.id AS session, s.code, s.ends, \
                g.number AS group_number, k.entry_document \
         FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id \
         LEFT JOIN group_members m ON m.application_id = a.id LEFT JOIN travel_groups g ON g.id = m.group_id \
         WHERE a.programme_id = $1 AND o.status = $2 AND ($3 = 0 OR s.id = $3) \
         ORDER BY s.starts, s.code, g.number, c.family_name, c.given_name",
    )
    .bind(programme)
    .bind(OfferStatus::Accepted)
    .bind(only)
    .fetch_all(db.pool())
    .await?;
    let required: Vec<(String, String)> = programmes::required_documents(db, programme)
        .await?
        .into_iter()
        .map(|r| (r.kind, r.name))
        .collect();
    let (months,): (i32,) = sqlx::query_as("SELECT passport_months FROM programmes WHERE id = $1")
        .bind(programme)
        .fetch_one(db.pool())
        .await?;
    let copies: Vec<(i64, String, DocumentStatus)> = sqlx::query_as(
        "SELECT d.child_id, d.kind, d.status FROM documents d JOIN applications a ON a.child_id = d.child_id \
         JOIN offers o ON o.application_id = a.id WHERE a.programme_id = $1 AND o.status = $2 \
           AND ($3 = 0 OR o.session_id = $3)",
    )
    .bind(programme)
    .bind(OfferStatus::Accepted)
    .bind(only)
    .fetch_all(db.pool())
    .await?;
    let mut by_child: HashMap<i64, Vec<(String, DocumentStatus)>> = HashMap::new();
    for (child, kind, status) in copies {
        by_child.entry(child).or_default().push((kind, status));
    }
    let mut sessions: Vec<SessionLine> = Vec::new();
    for r in rows {
        if sessions.last().is_none_or(|s| s.id != r.session) {
            sessions.push(SessionLine {
                id: r.session,
                code: r.code.clone(),
                groups: Vec::new(),
            });
        }
        let Some(session) = sessions.last_mut() else {
            continue;
        };
        if session
            .groups
            .last()
            .is_none_or(|g| g.number != r.group_number)
        {
            session.groups.push(GroupLine {
                number: r.group_number,
                children: 0,
                blocked: Vec::new(),
            });
        }
        let Some(group) = session.groups.last_mut() else {
            continue;
        };
        group.children += 1;
        let valid_until = Day(smena_engine::add_months(
            r.ends.date(),
            months.max(0) as u32,
        ));
        // The camp's entry document, for this session's trip.
        let mut required_here = required.clone();
        required_here.extend(
            r.entry_document
                .map(|name| (crate::documents::entry_kind(r.session), name)),
        );
        let found = blockers(
            &required_here,
            by_child.get(&r.child).map_or(&[][..], Vec::as_slice),
            r.passport_expires,
            valid_until,
        );
        if !found.is_empty() {
            group.blocked.push(ChildLine {
                application: r.application,
                name: format!("{} {}", r.family_name, r.given_name),
                blockers: found,
            });
        }
    }
    Ok(sessions)
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/ready.html")]
struct BoardPage {
    /// Back from the journey and not collected: open alerts.
    uncollected: Vec<super::home::Uncollected>,
    nav: Nav,
    /// The programme shown, and the others.
    choice: programmes::Choice,
    sessions: Vec<SessionLine>,
}

async fn board(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<programmes::ProgrammeQuery>,
) -> AppResult<BoardPage> {
    authorize(&user, Action::Update, Resource::Session)?;
    let choice = programmes::choose(&state.db, q.programme.as_deref())
        .await?
        .ok_or(AppError::NotFound)?;
    let uncollected =
        super::home::uncollected(&state.db, now_ms() - super::home::COLLECT_WITHIN_MS).await?;
    Ok(BoardPage {
        uncollected,
        nav: Nav::from(&visitor),
        sessions: board_of(&state.db, choice.id, None).await?,
        choice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).expect("a date")
    }

    #[test]
    fn a_child_is_blocked_by_each_missing_document_and_a_short_passport() {
        let required = vec![
            (
                "travel_consent".to_string(),
                "Согласие на выезд".to_string(),
            ),
            ("medical".to_string(), "Медсправка".to_string()),
            ("insurance".to_string(), "Страховка".to_string()),
        ];
        let copies = vec![
            ("medical".to_string(), DocumentStatus::Rejected),
            ("medical".to_string(), DocumentStatus::Pending),
            ("insurance".to_string(), DocumentStatus::Accepted),
        ];
        let found = blockers(
            &required,
            &copies,
            Some(day("2027-09-01")),
            day("2028-01-10"),
        );
        assert_eq!(
            found,
            vec![
                Blocker::Document("Согласие на выезд".into(), None),
                Blocker::Document("Медсправка".into(), Some(DocumentStatus::Pending)),
                Blocker::PassportTooShort {
                    expires: day("2027-09-01"),
                    needed: day("2028-01-10"),
                },
            ]
        );
        assert!(
            found[2].words(&Language::Ru).contains("1 сентября 2027"),
            "{}",
            found[2].words(&Language::Ru)
        );
        let all = vec![
            ("travel_consent".to_string(), DocumentStatus::Accepted),
            ("medical".to_string(), DocumentStatus::Accepted),
            ("insurance".to_string(), DocumentStatus::Accepted),
        ];
        assert!(blockers(&required, &all, Some(day("2030-01-01")), day("2028-01-10")).is_empty());
        assert_eq!(
            blockers(&[], &[], None, day("2028-01-10")),
            vec![Blocker::PassportMissing]
        );
    }
}

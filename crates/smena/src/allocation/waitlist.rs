//! Where a child waits after the results: for each session the family
//! ranked above the place it holds (all of them when it holds none), how
//! many children are ahead in that session's line. Read from the published
//! run's input (the engine's order: preferential tier, then score, then
//! the lottery number) and the offers as they stand after every backfill.
//! A child whose school already fills the session's school cap cannot take
//! a place there until one of them leaves: such children are not counted
//! ahead, and a child in that case is told. Reserved places can let a child
//! of their group pass, so the position is a good guide, not a promise; the
//! page says so.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use smena_engine::{Priority, Seed};

use super::contract;
use crate::applications::load_application;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, OfferStatus};
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/applications/{id}/waitlist",
        Access::Policy(Action::Read, Resource::Application),
        page,
    )
}

/// One line the child waits in.
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    /// The session's code, and its rank in the family's list (1 = first).
    pub session: String,
    pub rank: usize,
    /// 1 = next to be offered a place that falls free.
    pub position: usize,
    /// The child's school already has as many children there as the
    /// programme allows: it waits until one of them leaves.
    pub school_full: bool,
    /// Children placed together with this one (its block), this one
    /// included: they need as many places at once.
    pub together: usize,
}

/// The lines `application` waits in, best-ranked session first; empty
/// before the results, when it holds its first choice, or when it had no
/// session it could take.
pub async fn lines(db: &Db, application: i64) -> AppResult<Vec<Line>> {
    let Some((programme, reference)): Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT programme_id, reference FROM applications WHERE id = $1")
            .bind(application)
            .fetch_optional(db.pool())
            .await?
    else {
        return Err(AppError::NotFound);
    };
    let Some(reference) = reference else {
        return Ok(vec![]);
    };
    let run: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.sessions_csv, r.applicants_csv, COALESCE(r.seed_hex, p.seed_hex) FROM allocation_runs r \
         JOIN programmes p ON p.id = r.programme_id WHERE r.programme_id = $1 AND r.published_at IS NOT NULL",
    )
    .bind(programme)
    .fetch_optional(db.pool())
    .await?;
    let Some((sessions_csv, applicants_csv, seed_hex)) = run else {
        return Ok(vec![]);
    };
    let instance = contract::parse(
        "sessions.csv",
        sessions_csv.as_bytes(),
        "applicants.csv",
        applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("published run unreadable: {e}")))?
    .instance;
    let seed = Seed::from_hex(seed_hex.as_deref().unwrap_or_default())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("programme seed: {e}")))?;
    // Where everyone stands now: (reference → rank and session held), and
    // who left.
    type Row = (
        String,
        Option<i32>,
        Option<String>,
        Option<OfferStatus>,
        ApplicationStatus,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.reference, o.choice_rank, s.code, o.status, a.status FROM applications a \
         LEFT JOIN offers o ON o.application_id = a.id LEFT JOIN sessions s ON s.id = o.session_id \
         WHERE a.programme_id = $1 AND a.reference IS NOT NULL",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let mut held: HashMap<String, Held> = HashMap::new();
    let mut gone: std::collections::HashSet<String> = Default::default();
    for (r, rank, session, offer, status) in rows {
        match offer {
            _ if status == ApplicationStatus::Withdrawn => {
                gone.insert(r);
            }
            Some(OfferStatus::Offered | OfferStatus::Accepted) => {
                let rank = rank.unwrap_or(0).max(1) as usize;
                held.insert(r, (rank, session.unwrap_or_default()));
            }
            Some(_) => {
                gone.insert(r);
            }
            None => {}
        }
    }
    Ok(waiting(&instance, &seed, &reference, &held, &gone))
}

/// A place held now: the rank it has in the family's list, and the
/// session's code.
pub type Held = (usize, String);

/// The lines `reference` waits in, computed from the run's input, the
/// places held now and who has left. Pure: tested without a database.
pub fn waiting(
    instance: &smena_engine::Instance,
    seed: &Seed,
    reference: &str,
    held: &HashMap<String, Held>,
    gone: &std::collections::HashSet<String>,
) -> Vec<Line> {
    let Some(me) = instance.applicant_index(reference) else {
        return vec![];
    };
    let applicants = instance.applicants();
    let priority = |a: &smena_engine::Applicant| Priority {
        tier: a.tier,
        score: a.score,
        lottery: seed.lottery_number(a.block.as_deref().unwrap_or(&a.id)),
    };
    let mine = &applicants[me as usize];
    let my_priority = priority(mine);
    let my_rank = held.get(reference).map(|h| h.0);
    let together = mine.block.as_ref().map_or(1, |b| {
        applicants
            .iter()
            .filter(|a| a.block.as_ref() == Some(b))
            .count()
    });
    let mut lines = Vec::new();
    for (k, &session) in mine.choices.iter().enumerate() {
        let rank = k + 1;
        if my_rank.is_some_and(|held| held <= rank) {
            break;
        }
        let code = &instance.sessions()[session as usize].id;
        // Children of each school holding this session now.
        let mut of_school: HashMap<&str, u32> = HashMap::new();
        for a in applicants {
            if held.get(&a.id).is_some_and(|h| &h.1 == code)
                && let Some(school) = a.school.as_deref()
            {
                *of_school.entry(school).or_default() += 1;
            }
        }
        let cap = instance.sessions()[session as usize].school_cap;
        let full = |a: &smena_engine::Applicant| {
            cap.zip(a.school.as_deref())
                .is_some_and(|(cap, school)| of_school.get(school).copied().unwrap_or(0) >= cap)
        };
        // Ahead: children still in the programme who rank this session,
        // do not hold it or a place they ranked higher, may take it (their
        // school not full there), and come first.
        let ahead = applicants
            .iter()
            .filter(|a| a.id != mine.id && !gone.contains(&a.id) && !full(a))
            .filter(|a| {
                a.choices
                    .iter()
                    .position(|&s| s == session)
                    .is_some_and(|p| held.get(&a.id).is_none_or(|h| h.0 > p + 1))
            })
            .filter(|a| priority(a).is_better_than(&my_priority))
            .count();
        lines.push(Line {
            session: code.clone(),
            rank,
            position: ahead + 1,
            school_full: full(mine),
            together,
        });
    }
    lines
}

#[derive(Template, WebTemplate)]
#[template(path = "allocation/waitlist.html")]
struct WaitlistPage {
    nav: Nav,
    application: i64,
    child: String,
    lines: Vec<Line>,
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<WaitlistPage> {
    let (_, child, permit) = load_application(&state, &user, Action::Read, id).await?;
    state.record(&permit, Some(id), "waiting list").await?;
    Ok(WaitlistPage {
        nav: Nav::from(&visitor),
        application: id,
        child: child.name(),
        lines: lines(&state.db, id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use smena_engine::{Applicant, Instance, Score, Session};

    /// S holds one place, taken by A (best). B, C and D rank S; C holds
    /// its second choice T, D left. B is ahead of C: C waits second in S's
    /// line (behind B), and B, holding nothing, waits first.
    #[test]
    fn a_child_waits_behind_those_who_come_first_and_still_wait() {
        let sessions = vec![Session::new("S", 1), Session::new("T", 1)];
        let applicants = vec![
            Applicant::new("A", Score::points(9), vec![0]),
            Applicant::new("B", Score::points(8), vec![0]),
            Applicant::new("C", Score::points(7), vec![0, 1]),
            Applicant::new("D", Score::points(8), vec![0]),
        ];
        let instance = Instance::new(sessions, applicants).unwrap();
        let seed = Seed::from_bytes([7; 32]);
        let held: HashMap<String, Held> = [
            ("A".to_string(), (1, "S".to_string())),
            ("C".to_string(), (2, "T".to_string())),
        ]
        .into();
        let gone: std::collections::HashSet<String> = ["D".to_string()].into();
        let c = waiting(&instance, &seed, "C", &held, &gone);
        assert_eq!(
            c,
            vec![Line {
                session: "S".into(),
                rank: 1,
                position: 2,
                school_full: false,
                together: 1,
            }]
        );
        let b = waiting(&instance, &seed, "B", &held, &gone);
        assert_eq!(b[0].position, 1);
        assert!(
            waiting(&instance, &seed, "A", &held, &gone).is_empty(),
            "holds its first choice"
        );
    }

    /// A school cap of 1 in S, filled by A's school: B (same school) is not
    /// counted ahead of C and is told its school is full there.
    #[test]
    fn a_full_school_waits_apart() {
        let mut s = Session::new("S", 1);
        s.school_cap = Some(1);
        let mut a = Applicant::new("A", Score::points(9), vec![0]);
        a.school = Some("x".into());
        let mut b = Applicant::new("B", Score::points(8), vec![0]);
        b.school = Some("x".into());
        let mut c = Applicant::new("C", Score::points(7), vec![0]);
        c.school = Some("y".into());
        let instance = Instance::new(vec![s], vec![a, b, c]).unwrap();
        let seed = Seed::from_bytes([7; 32]);
        let held: HashMap<String, Held> = [("A".to_string(), (1, "S".to_string()))].into();
        let gone = Default::default();
        let c = waiting(&instance, &seed, "C", &held, &gone);
        assert_eq!((c[0].position, c[0].school_full), (1, false));
        let b = waiting(&instance, &seed, "B", &held, &gone);
        assert!(b[0].school_full);
    }
}

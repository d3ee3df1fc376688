//! The coordinator's dashboard: applications over time, demand against
//! places per session, each district's share of places against its share
//! of applicants, and score distributions with each session's cutoff.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use crate::allocation::runs;
use crate::charts::{self, Demand, ScoreDistribution};
use crate::domain::access::{Action, Resource};
use crate::programmes::queries as programmes;
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new().get(
        "/coordinator/dashboard",
        Access::Policy(Action::Read, Resource::Report),
        dashboard,
    )
}

/// Submitted applications per day (UTC), oldest first.
pub async fn applications_by_day(
    db: &Db,
    programme: i64,
) -> Result<Vec<(time::Date, i64)>, sqlx::Error> {
    // Days are counted here, not in SQL: date functions differ between
    // SQLite and PostgreSQL, and a programme has thousands of rows at most.
    let times: Vec<(i64,)> = sqlx::query_as(
        "SELECT submitted_at FROM applications WHERE programme_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let mut days: std::collections::BTreeMap<time::Date, i64> = Default::default();
    for (ms,) in times {
        if let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms / 1000) {
            *days.entry(t.date()).or_default() += 1;
        }
    }
    Ok(days.into_iter().collect())
}

/// Places and demand per session from the applications as they stand
/// (before any run, too).
pub async fn demand(db: &Db, programme: i64) -> Result<Vec<Demand>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.code, CAST(s.places AS BIGINT), \
                (SELECT COUNT(*) FROM application_choices c JOIN applications a ON a.id = c.application_id \
                  WHERE c.session_id = s.id AND c.choice_rank = 1 AND a.submitted_at IS NOT NULL), \
                (SELECT COUNT(*) FROM application_choices c JOIN applications a ON a.id = c.application_id \
                  WHERE c.session_id = s.id AND a.submitted_at IS NOT NULL) \
         FROM sessions s WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(session, places, first, ranked)| Demand {
            session,
            places,
            ranked,
            first,
        })
        .collect())
}

/// What a run shows of its sessions: the scores of the children who
/// ranked each one (with the general places' cutoff and each reserve's
/// own), and the demand counted from the same input, so that the demand
/// chart and the score chart name and count it alike.
pub struct RunCharts {
    pub scores: Vec<ScoreDistribution>,
    pub demand: Vec<charts::Demand>,
}

/// Read back from run `run`'s own anonymised input and result (what the
/// engine saw). A session's reserved places are taken by its group's
/// members placed there, best first (tier, then score); the rest are
/// general places, whose cutoff is the lowest score placed on them without
/// a preferential category.
pub async fn run_charts(db: &Db, run: i64) -> anyhow::Result<RunCharts> {
    let (sessions_csv, applicants_csv, placements_csv): (String, String, String) = sqlx::query_as(
        "SELECT sessions_csv, applicants_csv, placements_csv FROM allocation_runs WHERE id = $1",
    )
    .bind(run)
    .fetch_one(db.pool())
    .await?;
    let inputs = crate::allocation::contract::parse(
        "sessions.csv",
        sessions_csv.as_bytes(),
        "applicants.csv",
        applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| anyhow::anyhow!("run {run}: {e}"))?;
    let instance = &inputs.instance;
    let mut placed_in: HashMap<&str, &str> = HashMap::new();
    for line in placements_csv.lines().skip(1) {
        let mut fields = line.split(',');
        if let (Some(a), Some(s)) = (fields.next(), fields.next())
            && !s.is_empty()
        {
            placed_in.insert(a, s);
        }
    }
    let sessions = instance.sessions();
    let mut scores: Vec<ScoreDistribution> = sessions
        .iter()
        .map(|s| ScoreDistribution {
            session: s.id.clone(),
            placed: Vec::new(),
            others: Vec::new(),
            cutoff: None,
            reserves: Vec::new(),
            by_category: 0,
        })
        .collect();
    let mut first = vec![0i64; sessions.len()];
    for a in instance.applicants() {
        let score = a.score.thousandths();
        if let Some(&top) = a.choices.first() {
            first[top as usize] += 1;
        }
        for &choice in &a.choices {
            let d = &mut scores[choice as usize];
            if placed_in.get(a.id.as_str()) == Some(&d.session.as_str()) {
                d.placed.push(score);
            } else {
                d.others.push(score);
            }
        }
    }
    for (i, cut) in crate::allocation::runs::cutoffs(instance, &placed_in)
        .into_iter()
        .enumerate()
    {
        let d = &mut scores[i];
        d.cutoff = cut.general;
        d.by_category = cut.by_category;
        d.reserves = cut.reserves;
    }
    let demand = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| charts::Demand {
            session: s.id.clone(),
            places: i64::from(s.capacity),
            ranked: (scores[i].placed.len() + scores[i].others.len()) as i64,
            first: first[i],
        })
        .collect();
    Ok(RunCharts { scores, demand })
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard/page.html")]
struct DashboardPage {
    nav: Nav,
    /// The programme shown, and the others.
    choice: programmes::Choice,
    timeline: String,
    demand: String,
    /// From the published (else newest final) run, if any.
    run_label: Option<String>,
    shares: String,
    scores: String,
}

async fn dashboard(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<programmes::ProgrammeQuery>,
) -> AppResult<DashboardPage> {
    authorize(&user, Action::Read, Resource::Report)?;
    let choice = programmes::choose(&state.db, q.programme.as_deref())
        .await?
        .ok_or(AppError::NotFound)?;
    let programme = choice.id;
    let timeline = charts::timeline_chart(
        &applications_by_day(&state.db, programme).await?,
        visitor.language,
    );
    let run = runs::result_run(&state.db, programme).await?;
    // Before a run, demand as the applications stand; after, as the run
    // saw it (the same count as the score chart's).
    let (demand, run_label, shares, scores) = match run {
        None => (
            charts::demand_chart(&demand(&state.db, programme).await?, visitor.language),
            None,
            String::new(),
            String::new(),
        ),
        Some(r) => {
            let charted = run_charts(&state.db, r.id).await?;
            (
                charts::demand_chart(&charted.demand, visitor.language),
                Some(r.label_in(&visitor.language)),
                charts::share_chart(
                    &crate::allocation::by_district(&state.db, r.id).await?,
                    visitor.language,
                ),
                charts::score_chart(&charted.scores, visitor.language),
            )
        }
    };
    Ok(DashboardPage {
        nav: Nav::from(&visitor),
        choice,
        timeline,
        demand,
        run_label,
        shares,
        scores,
    })
}

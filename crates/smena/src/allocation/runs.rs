//! Allocation runs in the service: the programme's verified applications
//! become an engine instance, the engine places them, and the run is stored
//! with its anonymised inputs and result so anyone can recompute it.
//!
//! The published export lists each applicant by the reference they were
//! given when submitting (the lottery is drawn for it), a school code, the
//! reserve group, the score and tier, and only the choices the child was
//! eligible for: eligibility depends on birth dates and passports, which
//! are personal data and are not published. Running the engine on the
//! export gives the same placements as the service's run; choice ranks in
//! the export count eligible choices only.

use std::fmt::Write as _;

use smena_engine::{
    Allocation, Applicant, Instance, Reserve, Score, Session, SessionRules, allocate, digest,
    explain, placements_csv,
};

use super::{contract, lottery, wording};
use crate::applications::queries as applications;
use crate::documents;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, ProgrammeStatus, RunKind};
use crate::domain::values::{Day, reserves_text};
use crate::language::Language;
use crate::language::words::render;
use crate::programmes::queries as programmes;
use crate::programmes::scoring;
use crate::store::{Actor, Change, Db, new_id, now_ms};
use crate::web::error::{AppError, AppResult};

/// Changes a coordinator can try in a dry run.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Places per session id.
    pub places: Vec<(i64, u32)>,
    /// `Some(None)` removes the school cap.
    pub school_cap: Option<Option<u32>>,
    pub rural_coefficient_milli: Option<i64>,
    /// Reserved places per session id, replacing the session's own.
    pub reserves: Vec<(i64, Vec<Reserve>)>,
    /// Points (thousandths) per achievement level, replacing the table's.
    pub points: Vec<(String, i64)>,
}

/// A programme's applications as the engine sees them.
pub struct Built {
    pub instance: Instance,
    /// Application id per engine applicant.
    pub applications: Vec<i64>,
    /// Session id per engine session.
    pub sessions: Vec<i64>,
    /// The anonymised export.
    pub sessions_csv: String,
    pub applicants_csv: String,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    school_cap: Option<i32>,
    passport_months: i32,
    max_choices: i32,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    code: String,
    starts: Day,
    ends: Day,
    places: i32,
    min_age: i32,
    max_age: i32,
}

/// A submitted application as the engine needs it.
#[derive(sqlx::FromRow)]
struct Submitted {
    id: i64,
    reference: String,
    block_ref: Option<String>,
    child: i64,
    birth_date: Day,
    passport_expires: Option<Day>,
    category: Option<String>,
    school_id: i64,
    kind: String,
}

pub async fn build(db: &Db, programme: i64, overrides: &Overrides) -> AppResult<Built> {
    let p: ProgrammeRow = sqlx::query_as(
        "SELECT school_cap, passport_months, max_choices FROM programmes WHERE id = $1",
    )
    .bind(programme)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let school_cap = overrides
        .school_cap
        .unwrap_or(p.school_cap.map(|c| c.max(0) as u32));
    let mut rules = programmes::rules(db, programme).await?;
    if let Some(c) = overrides.rural_coefficient_milli {
        rules.rural_coefficient_milli = c;
    }
    for (level, points) in &overrides.points {
        if let Some(l) = rules.levels.iter_mut().find(|l| &l.0 == level) {
            l.1 = *points;
        }
    }

    let session_rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT id, code, starts, ends, places, min_age, max_age FROM sessions WHERE programme_id = $1 ORDER BY starts, code",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let all_reserves = programmes::reserves(db, programme).await?;
    let mut sessions = Vec::new();
    let mut session_ids = Vec::new();
    let mut sessions_csv = String::from("session_id,capacity,school_cap,reserves\n");
    for r in session_rows {
        let capacity = overrides
            .places
            .iter()
            .find(|(s, _)| *s == r.id)
            .map_or(r.places.max(0) as u32, |(_, p)| *p);
        let mut session = Session::new(r.code.clone(), capacity);
        session.school_cap = school_cap;
        // Reserved places never exceed the places (a dry run may lower them).
        let reserves: Vec<(String, u32)> = match overrides.reserves.iter().find(|(s, _)| *s == r.id)
        {
            Some((_, list)) => list.iter().map(|r| (r.group.clone(), r.places)).collect(),
            None => all_reserves
                .iter()
                .filter(|(s, _, _)| *s == r.id)
                .map(|(_, g, n)| (g.clone(), (*n).max(0) as u32))
                .collect(),
        };
        let mut left = capacity;
        for (group, places) in reserves {
            let places = places.min(left);
            left -= places;
            session.reserves.push(Reserve { group, places });
        }
        session.rules = SessionRules {
            starts: Some(r.starts.date()),
            ends: Some(r.ends.date()),
            min_age: Some(r.min_age.max(0) as u32),
            max_age: Some(r.max_age.max(0) as u32),
            passport_months: Some(p.passport_months.max(0) as u32),
        };
        let _ = writeln!(
            sessions_csv,
            "{},{capacity},{},{}",
            csv_field(&r.code),
            school_cap.map(|c| c.to_string()).unwrap_or_default(),
            csv_field(&reserves_text(&session.reserves, ";"))
        );
        sessions.push(session);
        session_ids.push(r.id);
    }

    // Submitted applications with their consents, in reference order.
    let rows: Vec<Submitted> = sqlx::query_as(
        "SELECT a.id, a.reference, a.block_ref, c.id AS child, c.birth_date, c.passport_expires, c.category, c.school_id, d.kind \
         FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id \
         WHERE a.programme_id = $1 AND a.status = $2 AND a.reference IS NOT NULL \
         AND (SELECT COUNT(*) FROM consents k WHERE k.application_id = a.id AND k.withdrawn_at IS NULL) >= $3 \
         ORDER BY a.reference",
    )
    .bind(programme)
    .bind(ApplicationStatus::Submitted)
    // No child is allocated without every consent live (one withdrawn
    // after submission leaves the application out).
    .bind(crate::applications::consents::REQUIRED as i64)
    .fetch_all(db.pool())
    .await?;
    // Documents due after applications close are conditions of the offer,
    // not of the allocation.
    let required = documents::required(db, programme).await?;
    let mut applicants = Vec::new();
    let mut application_ids = Vec::new();
    let mut school_codes: Vec<i64> = Vec::new();
    let k = p.max_choices.max(1) as usize;
    let mut applicants_csv = String::from("applicant_id,score,");
    for i in 1..=k {
        let _ = write!(applicants_csv, "choice_{i},");
    }
    applicants_csv.push_str("tier,school,reserve_group,block\n");
    let mut conn = db.pool().acquire().await?;
    for r in rows {
        let choices = applications::choices(&mut conn, r.id).await?;
        let achievements: Vec<_> = applications::achievements(db, r.child)
            .await?
            .into_iter()
            .map(|a| a.achievement)
            .collect();
        let rural = r.kind != "city";
        let nominated = applications::nominated(db, r.child).await?;
        let breakdown = scoring::compute(
            &rules,
            &achievements,
            rural,
            r.category.as_deref(),
            nominated,
        );
        let accepted = documents::accepted_kinds(db, r.child).await?;
        let verified = documents::verified(&required, &accepted);
        let school_code = match school_codes.iter().position(|s| *s == r.school_id) {
            Some(i) => i + 1,
            None => {
                school_codes.push(r.school_id);
                school_codes.len()
            }
        };
        let mut a = Applicant::new(r.reference.clone(), breakdown.total, vec![]);
        a.tier = breakdown.tier;
        a.school = Some(format!("school-{school_code}"));
        a.reserve_group = rural.then(|| r.kind.clone());
        a.birth_date = Some(r.birth_date.date());
        a.passport_expires = r.passport_expires.map(|d| d.date());
        a.documents_verified = verified;
        a.nominated = nominated || !rules.nomination_required;
        a.choices = choices
            .iter()
            .filter_map(|s| session_ids.iter().position(|x| x == s).map(|i| i as u32))
            .collect();
        a.block = r.block_ref;
        applicants.push(a);
        application_ids.push(r.id);
    }
    // The export keeps only the choices the child may take; a block's,
    // only those every member may take (the engine's rule for blocks), so
    // its members still rank the same sessions.
    let mut blocks: std::collections::HashMap<&str, Vec<&Applicant>> = Default::default();
    for a in &applicants {
        if let Some(b) = &a.block {
            blocks.entry(b.as_str()).or_default().push(a);
        }
    }
    for a in &applicants {
        let members = match &a.block {
            Some(b) => blocks.get(b.as_str()).map_or(&[][..], |m| m.as_slice()),
            None => std::slice::from_ref(&a),
        };
        let eligible: Vec<&str> = a
            .choices
            .iter()
            .filter(|&&s| {
                members
                    .iter()
                    .all(|b| eligibility_ok(b, &sessions[s as usize]))
            })
            .map(|&s| sessions[s as usize].id.as_str())
            .collect();
        let _ = write!(applicants_csv, "{},{},", csv_field(&a.id), a.score);
        for i in 0..k {
            let _ = write!(
                applicants_csv,
                "{},",
                eligible.get(i).map(|s| csv_field(s)).unwrap_or_default()
            );
        }
        let _ = writeln!(
            applicants_csv,
            "{},{},{},{}",
            a.tier,
            a.school.as_deref().unwrap_or_default(),
            a.reserve_group.as_deref().unwrap_or_default(),
            a.block.as_deref().map(csv_field).unwrap_or_default()
        );
    }
    let instance = Instance::new(sessions, applicants)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("inconsistent programme data: {e}")))?;
    Ok(Built {
        instance,
        applications: application_ids,
        sessions: session_ids,
        sessions_csv,
        applicants_csv,
    })
}

/// The inputs frozen when applications closed, as the engine sees them:
/// what every final run allocates, whatever changed since.
pub async fn from_frozen(db: &Db, programme: i64) -> AppResult<Built> {
    let frozen = lottery::frozen(db, programme)
        .await?
        .ok_or(AppError::Invalid("run-before-close", vec![]))?;
    let inputs = contract::parse(
        "sessions.csv",
        frozen.private_sessions_csv.as_bytes(),
        "applicants.csv",
        frozen.private_applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the frozen inputs do not read back: {e}")))?;
    let sessions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM sessions WHERE programme_id = $1")
            .bind(programme)
            .fetch_all(db.pool())
            .await?;
    let applications: std::collections::HashMap<String, i64> = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, reference FROM applications WHERE programme_id = $1 AND reference IS NOT NULL",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|(id, reference)| (reference, id))
    .collect();
    let missing = |what: &str, id: &str| {
        AppError::Internal(anyhow::anyhow!(
            "the frozen inputs name {what} {id}, which is gone"
        ))
    };
    let session_ids = inputs
        .instance
        .sessions()
        .iter()
        .map(|s| {
            sessions
                .iter()
                .find(|(_, code)| *code == s.id)
                .map(|(id, _)| *id)
                .ok_or_else(|| missing("session", &s.id))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let application_ids = inputs
        .instance
        .applicants()
        .iter()
        .map(|a| {
            applications
                .get(&a.id)
                .copied()
                .ok_or_else(|| missing("application", &a.id))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Built {
        instance: inputs.instance,
        applications: application_ids,
        sessions: session_ids,
        sessions_csv: frozen.sessions_csv,
        applicants_csv: frozen.applicants_csv,
    })
}

fn eligibility_ok(a: &Applicant, s: &Session) -> bool {
    smena_engine::check_eligibility(a, s).is_none()
}

/// A stored run.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RunSummary {
    pub id: i64,
    pub kind: RunKind,
    pub label: String,
    pub created_at: i64,
    pub applicants: i32,
    pub placed: i32,
    pub results_digest: String,
    pub published_at: Option<i64>,
}

impl RunSummary {
    pub fn published(&self) -> bool {
        self.published_at.is_some()
    }

    /// The label the coordinator gave, else the kind's name in `lang`.
    pub fn label_in(&self, lang: &Language) -> String {
        if self.label.is_empty() {
            lang.text(match self.kind {
                RunKind::Final => "run-label-final",
                RunKind::DryRun => "run-label-dry",
            })
        } else {
            self.label.clone()
        }
    }
}

/// What a run is asked to be.
pub struct RunRequest<'a> {
    pub kind: RunKind,
    /// The coordinator's name for it; empty for the kind's own name.
    pub label: &'a str,
    pub overrides: &'a Overrides,
}

/// Runs the engine and stores the run, with its anonymised inputs and
/// result; returns its id. No run happens before applications close and
/// the beacon is entered: every run draws with the lottery seed. A final
/// run allocates exactly the frozen inputs; a dry run, the programme's
/// data as it is now with the coordinator's changes. A final run is
/// refused once a result is published.
pub async fn run(
    db: &Db,
    actor: Actor,
    programme: i64,
    request: &RunRequest<'_>,
) -> AppResult<i64> {
    let seed = lottery::lottery_seed(db, programme).await?;
    let built = match request.kind {
        RunKind::Final => from_frozen(db, programme).await?,
        RunKind::DryRun => build(db, programme, request.overrides).await?,
    };
    let allocation = allocate(&built.instance, &seed);
    let export = contract::parse(
        "sessions.csv",
        built.sessions_csv.as_bytes(),
        "applicants.csv",
        built.applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the export does not read back: {e}")))?;
    let export_allocation = allocate(&export.instance, &seed);
    let published = placements_csv(&export.instance, &export_allocation);
    // The export must give the same places as the service's run.
    for (i, p) in allocation.placements().iter().enumerate() {
        let ours = p.map(|p| built.instance.sessions()[p.session as usize].id.as_str());
        let theirs = export_allocation
            .placement(i as u32)
            .map(|p| export.instance.sessions()[p.session as usize].id.as_str());
        if ours != theirs {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the anonymised export does not reproduce the allocation"
            )));
        }
    }
    let inputs_digest =
        digest(format!("{}{}", built.sessions_csv, built.applicants_csv).as_bytes());
    db.write(actor, (Action::Run, Resource::Allocation), async |c| {
        if request.kind == RunKind::Final {
            c.lock_programme(programme).await?;
            let published: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM allocation_runs WHERE programme_id = $1 AND published_at IS NOT NULL",
            )
            .bind(programme)
            .fetch_optional(&mut **c)
            .await?;
            if published.is_some() {
                return Err(AppError::Invalid("run-after-publication", vec![]));
            }
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO allocation_runs (id, programme_id, kind, label, created_at, created_by, applicants, placed, inputs_digest, \
                                          results_digest, sessions_csv, applicants_csv, placements_csv, seed_hex) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id)
        .bind(programme)
        .bind(request.kind)
        .bind(request.label)
        .bind(now_ms())
        .bind(actor.account().unwrap_or(0))
        .bind(built.applications.len() as i32)
        .bind(allocation.placed_count() as i32)
        .bind(&inputs_digest)
        .bind(digest(published.as_bytes()))
        .bind(&built.sessions_csv)
        .bind(&built.applicants_csv)
        .bind(&published)
        .bind(seed.to_hex())
        .execute(&mut **c)
        .await?;
        store_result(c, id, &built, &allocation).await?;
        if request.kind == RunKind::Final {
            // Closed → allocated (a later final run leaves it allocated).
            sqlx::query("UPDATE programmes SET status = $1 WHERE id = $2 AND status = $3")
                .bind(ProgrammeStatus::Allocated)
                .bind(programme)
                .bind(ProgrammeStatus::Closed)
                .execute(&mut **c)
                .await?;
        }
        c.audit(Some(id), request.kind.code());
        Ok(id)
    })
    .await
}

/// Placements and explanations of a run.
pub async fn store_result(
    c: &mut Change,
    run: i64,
    built: &Built,
    allocation: &Allocation,
) -> Result<(), sqlx::Error> {
    let show_tiers = built.instance.applicants().iter().any(|a| a.tier > 0);
    for (i, application) in built.applications.iter().enumerate() {
        let p = allocation.placement(i as u32);
        sqlx::query("INSERT INTO placements (run_id, application_id, session_id, choice_rank) VALUES ($1, $2, $3, $4)")
            .bind(run)
            .bind(*application)
            .bind(p.map(|p| built.sessions[p.session as usize]))
            .bind(p.map(|p| p.choice_rank as i32))
            .execute(&mut **c)
            .await?;
        for row in explain(&built.instance, allocation, i as u32) {
            let code = &built.instance.sessions()[row.session as usize].id;
            let words = wording::words(code, row.choice_rank, &row.verdict, show_tiers);
            sqlx::query(
                "INSERT INTO explanations (run_id, application_id, choice_rank, session_code, reason, sentence, words) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(run)
            .bind(*application)
            .bind(row.choice_rank as i32)
            .bind(code)
            .bind(row.verdict.code())
            .bind(render(&words, Language::En))
            .bind(serde_json::to_string(&words).map_err(|e| sqlx::Error::Encode(e.into()))?)
            .execute(&mut **c)
            .await?;
        }
    }
    Ok(())
}

/// The run the programme's result is: the published one, else the newest
/// final run (reports and exports are about it).
pub async fn result_run(db: &Db, programme: i64) -> Result<Option<RunSummary>, sqlx::Error> {
    let all = runs(db, programme).await?;
    let published = all.iter().position(RunSummary::published);
    let chosen = published.or_else(|| all.iter().position(|r| r.kind == RunKind::Final));
    Ok(chosen.and_then(|i| all.into_iter().nth(i)))
}

pub async fn runs(db: &Db, programme: i64) -> Result<Vec<RunSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, label, created_at, applicants, placed, results_digest, published_at FROM allocation_runs \
         WHERE programme_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await
}

/// Per session of a run: places, filled, and the lowest score admitted.
#[derive(sqlx::FromRow)]
pub struct SessionFill {
    pub code: String,
    pub camp: String,
    pub places: i64,
    pub demand_first: i64,
    pub demand_any: i64,
    pub filled: i64,
    #[sqlx(skip)]
    pub lowest_score: Option<String>,
}

impl SessionFill {
    /// The session's demand, as the demand chart draws it.
    pub fn demand(&self) -> crate::charts::Demand {
        crate::charts::Demand {
            session: self.code.clone(),
            places: self.places,
            ranked: self.demand_any,
            first: self.demand_first,
        }
    }
}

/// Where a session's places were cut: the lowest score on its general
/// places (a child without a preferential category), how many general
/// places went to categories ahead of any score, and each reserve's own
/// lowest score. The line a parent reads as "the score that got in".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cutoff {
    /// In thousandths of a point.
    pub general: Option<i64>,
    pub by_category: usize,
    /// (group, lowest score on its places), by group.
    pub reserves: Vec<(String, i64)>,
}

/// Each session's [`Cutoff`], from a run's input and who was placed where
/// (applicant id → session id). A session's reserved places are taken by
/// its group's members placed there, best first (tier, then score); the
/// rest are general places.
pub fn cutoffs(
    instance: &Instance,
    placed_in: &std::collections::HashMap<&str, &str>,
) -> Vec<Cutoff> {
    let sessions = instance.sessions();
    // Per session, the children placed there: (tier, score, reserve group).
    let mut placed: Vec<Vec<(u8, i64, Option<&str>)>> = vec![Vec::new(); sessions.len()];
    for a in instance.applicants() {
        let Some(session) = placed_in.get(a.id.as_str()) else {
            continue;
        };
        if let Some(i) = sessions.iter().position(|s| s.id == *session) {
            placed[i].push((a.tier, a.score.thousandths(), a.reserve_group.as_deref()));
        }
    }
    sessions
        .iter()
        .zip(placed)
        .map(|(session, mut here)| {
            here.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)));
            let mut general = Vec::new();
            let mut left: std::collections::HashMap<&str, u32> = session
                .reserves
                .iter()
                .map(|r| (r.group.as_str(), r.places))
                .collect();
            let mut reserves: Vec<(String, i64)> = Vec::new();
            for (tier, score, group) in here {
                match group.and_then(|g| left.get_mut(g).filter(|n| **n > 0).map(|n| (g, n))) {
                    Some((g, n)) => {
                        *n -= 1;
                        match reserves.iter_mut().find(|(name, _)| name == g) {
                            Some((_, low)) => *low = (*low).min(score),
                            None => reserves.push((g.to_string(), score)),
                        }
                    }
                    None => general.push((tier, score)),
                }
            }
            reserves.sort();
            Cutoff {
                general: general
                    .iter()
                    .filter(|(t, _)| *t == 0)
                    .map(|(_, s)| *s)
                    .min(),
                by_category: general.iter().filter(|(t, _)| *t > 0).count(),
                reserves,
            }
        })
        .collect()
}

pub async fn fill(db: &Db, programme: i64, run: i64) -> Result<Vec<SessionFill>, sqlx::Error> {
    let mut rows: Vec<SessionFill> = sqlx::query_as(
        "SELECT s.code, k.name AS camp, CAST(s.places AS BIGINT) AS places, \
                (SELECT COUNT(*) FROM placements p WHERE p.run_id = $1 AND p.session_id = s.id) AS filled, \
                (SELECT COUNT(*) FROM application_choices c JOIN placements p ON p.application_id = c.application_id AND p.run_id = $1 \
                  WHERE c.session_id = s.id AND c.choice_rank = 1) AS demand_first, \
                (SELECT COUNT(*) FROM application_choices c JOIN placements p ON p.application_id = c.application_id AND p.run_id = $1 \
                  WHERE c.session_id = s.id) AS demand_any \
         FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.programme_id = $2 ORDER BY s.starts, s.code",
    )
    .bind(run)
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let (sessions_csv, applicants_csv, placements_csv): (String, String, String) = sqlx::query_as(
        "SELECT sessions_csv, applicants_csv, placements_csv FROM allocation_runs WHERE id = $1",
    )
    .bind(run)
    .fetch_one(db.pool())
    .await?;
    // The lowest score admitted is the general places' cutoff: reserves and
    // preferential categories admit below it (the table said "0" for
    // nearly every session when it took the lowest of everyone placed).
    let Ok(inputs) = contract::parse(
        "sessions.csv",
        sessions_csv.as_bytes(),
        "applicants.csv",
        applicants_csv.as_bytes(),
        &|_| {},
    ) else {
        return Ok(rows);
    };
    let mut placed_in: std::collections::HashMap<&str, &str> = Default::default();
    for l in placements_csv.lines().skip(1) {
        let mut f = l.split(',');
        if let (Some(a), Some(s)) = (f.next(), f.next())
            && !s.is_empty()
        {
            placed_in.insert(a, s);
        }
    }
    let cut = cutoffs(&inputs.instance, &placed_in);
    for r in &mut rows {
        r.lowest_score = inputs
            .instance
            .sessions()
            .iter()
            .position(|s| s.id == r.code)
            .and_then(|i| cut[i].general)
            .and_then(|t| Score::from_thousandths(t).ok())
            .map(|s| s.to_string());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session of 3 places, one reserved for the Arctic: the reserve's
    /// child (score 1) and a state-care child (tier 1, score 2) are placed
    /// below the general cutoff, which is the lowest score of a child
    /// placed on a general place without a category (5), not 1.
    #[test]
    fn the_general_cutoff_leaves_out_reserves_and_categories() {
        let mut session = Session::new("s1", 3);
        session.reserves.push(Reserve {
            group: "arctic".into(),
            places: 1,
        });
        let mut arctic = Applicant::new("A", smena_engine::Score::points(1), vec![0]);
        arctic.reserve_group = Some("arctic".into());
        let mut care = Applicant::new("C", smena_engine::Score::points(2), vec![0]);
        care.tier = 1;
        let general = Applicant::new("G", smena_engine::Score::points(5), vec![0]);
        let instance = Instance::new(vec![session], vec![arctic, care, general]).unwrap();
        let placed: std::collections::HashMap<&str, &str> = [("A", "s1"), ("C", "s1"), ("G", "s1")]
            .into_iter()
            .collect();
        let cut = cutoffs(&instance, &placed);
        assert_eq!(
            cut,
            vec![Cutoff {
                general: Some(5000),
                by_category: 1,
                reserves: vec![("arctic".into(), 1000)],
            }]
        );
    }
}

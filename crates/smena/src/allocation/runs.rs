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
    Allocation, Applicant, Instance, Reserve, Score, Seed, Session, SessionRules, allocate, digest,
    explain, placements_csv,
};
use sqlx::Row as _;

use super::{contract, wording};
use crate::allocation::contract::parse_date;
use crate::applications::{queries, score};
use crate::language::Language;
use crate::store::{Db, new_id, now_ms};
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
    pub seed: Seed,
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

pub async fn build(db: &Db, programme: i64, overrides: &Overrides) -> AppResult<Built> {
    let p = sqlx::query(
        "SELECT school_cap, passport_months, seed_hex, max_choices FROM programmes WHERE id = $1",
    )
    .bind(programme)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let seed_hex: Option<String> = p.try_get("seed_hex")?;
    let seed = Seed::from_hex(seed_hex.as_deref().unwrap_or(""))
        .map_err(|_| AppError::Invalid("run-no-seed", vec![]))?;
    let school_cap: Option<i32> = p.try_get("school_cap")?;
    let school_cap = overrides
        .school_cap
        .unwrap_or(school_cap.map(|c| c.max(0) as u32));
    let passport_months: i32 = p.try_get("passport_months")?;
    let mut rules = queries::rules(db, programme).await?;
    if let Some(c) = overrides.rural_coefficient_milli {
        rules.rural_coefficient_milli = c;
    }
    for (level, points) in &overrides.points {
        if let Some(l) = rules.levels.iter_mut().find(|l| &l.0 == level) {
            l.1 = *points;
        }
    }

    let session_rows = sqlx::query("SELECT id, code, starts, ends, places, min_age, max_age FROM sessions WHERE programme_id = $1 ORDER BY starts, code")
        .bind(programme)
        .fetch_all(db.pool())
        .await?;
    let mut sessions = Vec::new();
    let mut session_ids = Vec::new();
    let mut sessions_csv = String::from("session_id,capacity,school_cap,reserves\n");
    for r in session_rows {
        let id: i64 = r.try_get("id")?;
        let code: String = r.try_get("code")?;
        let places: i32 = r.try_get("places")?;
        let capacity = overrides
            .places
            .iter()
            .find(|(s, _)| *s == id)
            .map_or(places.max(0) as u32, |(_, p)| *p);
        let reserves: Vec<(String, i32)> =
            sqlx::query_as("SELECT reserve_group, places FROM session_reserves WHERE session_id = $1 ORDER BY reserve_group")
                .bind(id)
                .fetch_all(db.pool())
                .await?;
        let mut session = Session::new(code.clone(), capacity);
        session.school_cap = school_cap;
        // Reserved places never exceed the places (a dry run may lower them).
        let reserves: Vec<(String, i32)> = match overrides.reserves.iter().find(|(s, _)| *s == id) {
            Some((_, list)) => list
                .iter()
                .map(|r| (r.group.clone(), r.places.min(i32::MAX as u32) as i32))
                .collect(),
            None => reserves,
        };
        let mut left = capacity;
        for (group, places) in reserves {
            let places = (places.max(0) as u32).min(left);
            left -= places;
            session.reserves.push(Reserve { group, places });
        }
        session.rules = SessionRules {
            starts: parse_date(&r.try_get::<String, _>("starts")?).ok(),
            ends: parse_date(&r.try_get::<String, _>("ends")?).ok(),
            min_age: Some(r.try_get::<i32, _>("min_age")?.max(0) as u32),
            max_age: Some(r.try_get::<i32, _>("max_age")?.max(0) as u32),
            passport_months: Some(passport_months.max(0) as u32),
        };
        let reserves_text: Vec<String> = session
            .reserves
            .iter()
            .map(|r| format!("{}:{}", r.group, r.places))
            .collect();
        let _ = writeln!(
            sessions_csv,
            "{},{capacity},{},{}",
            csv_field(&code),
            school_cap.map(|c| c.to_string()).unwrap_or_default(),
            csv_field(&reserves_text.join(";"))
        );
        sessions.push(session);
        session_ids.push(id);
    }

    // Submitted applications, in reference order.
    let rows = sqlx::query(
        "SELECT a.id, a.reference, a.block_ref, c.id AS child, c.birth_date, c.passport_expires, c.category, c.school_id, d.kind \
         FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id \
         WHERE a.programme_id = $1 AND a.status = 'submitted' AND a.reference IS NOT NULL ORDER BY a.reference",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let required: Vec<String> = queries::required_documents(db, programme)
        .await?
        .into_iter()
        .map(|(k, _, _)| k)
        .collect();
    let mut applicants = Vec::new();
    let mut application_ids = Vec::new();
    let mut school_codes: Vec<i64> = Vec::new();
    let k: i32 = p.try_get("max_choices")?;
    let k = k.max(1) as usize;
    let mut applicants_csv = String::from("applicant_id,score,");
    for i in 1..=k {
        let _ = write!(applicants_csv, "choice_{i},");
    }
    applicants_csv.push_str("tier,school,reserve_group,block\n");
    for r in rows {
        let application: i64 = r.try_get("id")?;
        let child: i64 = r.try_get("child")?;
        let reference: String = r.try_get("reference")?;
        let choices: Vec<(i64,)> =
            sqlx::query_as("SELECT session_id FROM application_choices WHERE application_id = $1 ORDER BY choice_rank")
                .bind(application)
                .fetch_all(db.pool())
                .await?;
        let achievements: Vec<_> = queries::achievements(db, child)
            .await?
            .into_iter()
            .map(|a| a.achievement)
            .collect();
        let kind: String = r.try_get("kind")?;
        let category: Option<String> = r.try_get("category")?;
        let breakdown = score::compute(&rules, &achievements, kind != "city", category.as_deref());
        let accepted: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT kind FROM documents WHERE child_id = $1 AND status = 'accepted'",
        )
        .bind(child)
        .fetch_all(db.pool())
        .await?;
        let verified = required.iter().all(|k| accepted.iter().any(|(a,)| a == k));
        let school: i64 = r.try_get("school_id")?;
        let school_code = match school_codes.iter().position(|s| *s == school) {
            Some(i) => i + 1,
            None => {
                school_codes.push(school);
                school_codes.len()
            }
        };
        let mut a = Applicant::new(reference.clone(), breakdown.total, vec![]);
        a.tier = breakdown.tier;
        a.school = Some(format!("school-{school_code}"));
        a.reserve_group = (kind != "city").then(|| kind.clone());
        a.birth_date = parse_date(&r.try_get::<String, _>("birth_date")?).ok();
        a.passport_expires = r
            .try_get::<Option<String>, _>("passport_expires")?
            .and_then(|p| parse_date(&p).ok());
        a.documents_verified = verified;
        a.choices = choices
            .iter()
            .filter_map(|(s,)| session_ids.iter().position(|x| x == s).map(|i| i as u32))
            .collect();
        a.block = r.try_get("block_ref")?;
        applicants.push(a);
        application_ids.push(application);
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
        seed,
        sessions_csv,
        applicants_csv,
    })
}

fn eligibility_ok(a: &Applicant, s: &Session) -> bool {
    smena_engine::check_eligibility(a, s).is_none()
}

/// A stored run.
pub struct RunSummary {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub created_at: i64,
    pub applicants: i32,
    pub placed: i32,
    pub results_digest: String,
    pub published: bool,
}

/// Runs the engine and stores the run; returns its id.
pub async fn run(
    db: &Db,
    programme: i64,
    actor: i64,
    kind: &str,
    label: &str,
    overrides: &Overrides,
) -> AppResult<i64> {
    let built = build(db, programme, overrides).await?;
    let allocation = allocate(&built.instance, &built.seed);
    let export = contract::parse(
        "sessions.csv",
        built.sessions_csv.as_bytes(),
        "applicants.csv",
        built.applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the export does not read back: {e}")))?;
    let export_allocation = allocate(&export.instance, &built.seed);
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
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO allocation_runs (id, programme_id, kind, label, created_at, created_by, applicants, placed, inputs_digest, results_digest, \
                                      sessions_csv, applicants_csv, placements_csv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(programme)
    .bind(kind)
    .bind(label)
    .bind(now_ms())
    .bind(actor)
    .bind(built.applications.len() as i32)
    .bind(allocation.placed_count() as i32)
    .bind(&inputs_digest)
    .bind(digest(published.as_bytes()))
    .bind(&built.sessions_csv)
    .bind(&built.applicants_csv)
    .bind(&published)
    .execute(&mut *tx)
    .await?;
    store_result(&mut tx, id, &built, &allocation).await?;
    tx.commit().await?;
    Ok(id)
}

/// Placements and explanations of a run.
pub async fn store_result(
    tx: &mut crate::store::WriteTx,
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
            .execute(&mut **tx)
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
            .bind(wording::render(&words, Language::En))
            .bind(serde_json::to_string(&words).map_err(|e| sqlx::Error::Encode(e.into()))?)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The run the programme's result is: the published one, else the newest
/// final run (reports and exports are about it).
pub async fn result_run(db: &Db, programme: i64) -> Result<Option<RunSummary>, sqlx::Error> {
    let all = runs(db, programme).await?;
    let published = all.iter().position(|r| r.published);
    let chosen = published.or_else(|| all.iter().position(|r| r.kind == "final"));
    Ok(chosen.and_then(|i| all.into_iter().nth(i)))
}

pub async fn runs(db: &Db, programme: i64) -> Result<Vec<RunSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, label, created_at, applicants, placed, results_digest, published_at FROM allocation_runs \
         WHERE programme_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RunSummary {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                label: r.try_get("label")?,
                created_at: r.try_get("created_at")?,
                applicants: r.try_get("applicants")?,
                placed: r.try_get("placed")?,
                results_digest: r.try_get("results_digest")?,
                published: r.try_get::<Option<i64>, _>("published_at")?.is_some(),
            })
        })
        .collect()
}

/// Per session of a run: places, filled, and the lowest score admitted.
pub struct SessionFill {
    pub code: String,
    pub camp: String,
    pub places: i64,
    pub demand_first: i64,
    pub demand_any: i64,
    pub filled: i64,
    pub lowest_score: Option<String>,
}

pub async fn fill(db: &Db, programme: i64, run: i64) -> Result<Vec<SessionFill>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.code, k.name AS camp, s.places, \
                (SELECT COUNT(*) FROM placements p WHERE p.run_id = $1 AND p.session_id = s.id) AS filled, \
                (SELECT COUNT(*) FROM application_choices c JOIN placements p ON p.application_id = c.application_id AND p.run_id = $1 \
                  WHERE c.session_id = s.id AND c.choice_rank = 1) AS first, \
                (SELECT COUNT(*) FROM application_choices c JOIN placements p ON p.application_id = c.application_id AND p.run_id = $1 \
                  WHERE c.session_id = s.id) AS any_rank \
         FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.programme_id = $2 ORDER BY s.starts, s.code",
    )
    .bind(run)
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let (applicants_csv, placements_csv): (String, String) =
        sqlx::query_as("SELECT applicants_csv, placements_csv FROM allocation_runs WHERE id = $1")
            .bind(run)
            .fetch_one(db.pool())
            .await?;
    // Applicant id → score, and each session's lowest admitted score, in one
    // pass over the placements.
    let scores: foldhash::HashMap<&str, Score> = applicants_csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split(',');
            let id = f.next()?;
            Some((id, Score::parse(f.next()?).ok()?))
        })
        .collect();
    let mut lowest_by_session: foldhash::HashMap<&str, Score> = foldhash::HashMap::default();
    for l in placements_csv.lines().skip(1) {
        let mut f = l.split(',');
        let (Some(id), Some(session)) = (f.next(), f.next()) else {
            continue;
        };
        if let Some(score) = scores.get(id) {
            lowest_by_session
                .entry(session)
                .and_modify(|s| *s = (*s).min(*score))
                .or_insert(*score);
        }
    }
    let mut out = Vec::new();
    for r in rows {
        let code: String = r.try_get("code")?;
        let lowest = lowest_by_session.get(code.as_str()).copied();
        out.push(SessionFill {
            camp: r.try_get("camp")?,
            code,
            places: i64::from(r.try_get::<i32, _>("places")?),
            demand_first: r.try_get("first")?,
            demand_any: r.try_get("any_rank")?,
            filled: r.try_get("filled")?,
            lowest_score: lowest.map(|s| s.to_string()),
        });
    }
    Ok(out)
}

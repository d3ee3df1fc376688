//! Offers after publication: every placed child is offered their place;
//! the family accepts or declines by the deadline. A decline, a missed
//! deadline or a withdrawal frees the place, and the published run is
//! replayed without those children (the engine's withdrawal re-run), so the
//! freed places travel down the vacancy chains and nobody loses a place.
//!
//! Decisions and backfills of one programme run one at a time (the
//! programme's lock), inside one transaction each: a session is never
//! overfilled, no decision is lost, and the offers table holds at most one
//! offer per application.

use smena_engine::{Instance, Seed, allocate, withdraw};
use sqlx::Row as _;

use super::contract;
use crate::notifications::outbox;
use crate::store::{Db, now_ms};
use crate::web::error::{AppError, AppResult};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The published run of a programme, read back from its export.
struct Published {
    instance: Instance,
    seed: Seed,
    offer_days: i64,
}

async fn published(tx: &mut crate::store::WriteTx, programme: i64) -> AppResult<Option<Published>> {
    let Some(r) = sqlx::query(
        "SELECT r.sessions_csv, r.applicants_csv, p.seed_hex, p.offer_days FROM allocation_runs r JOIN programmes p ON p.id = r.programme_id \
         WHERE r.programme_id = $1 AND r.published_at IS NOT NULL ORDER BY r.published_at DESC LIMIT 1",
    )
    .bind(programme)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let sessions: String = r.try_get("sessions_csv")?;
    let applicants: String = r.try_get("applicants_csv")?;
    let inputs = contract::parse(
        "sessions.csv",
        sessions.as_bytes(),
        "applicants.csv",
        applicants.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("stored run unreadable: {e}")))?;
    let seed = Seed::from_hex(
        &r.try_get::<Option<String>, _>("seed_hex")?
            .unwrap_or_default(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("programme seed: {e}")))?;
    Ok(Some(Published {
        instance: inputs.instance,
        seed,
        offer_days: i64::from(r.try_get::<i32, _>("offer_days")?),
    }))
}

/// Who moved where in a backfill: (application, session code).
pub type Moves = Vec<(i64, String)>;

/// Replays the published run without every child who declined, missed the
/// deadline or withdrew, and brings the offers in line: new offers for
/// children who move up, with a new deadline. Runs inside the caller's
/// transaction, which must hold the programme's lock.
pub async fn backfill(
    tx: &mut crate::store::WriteTx,
    base_url: &str,
    programme: i64,
) -> AppResult<Moves> {
    let Some(p) = published(tx, programme).await? else {
        return Ok(vec![]);
    };
    let leaving: Vec<(String,)> = sqlx::query_as(
        "SELECT a.reference FROM applications a LEFT JOIN offers o ON o.application_id = a.id \
         WHERE a.programme_id = $1 AND a.reference IS NOT NULL \
           AND (a.status = 'withdrawn' OR o.status IN ('declined', 'expired', 'withdrawn'))",
    )
    .bind(programme)
    .fetch_all(&mut **tx)
    .await?;
    let ids: Vec<u32> = leaving
        .iter()
        .filter_map(|(r,)| p.instance.applicant_index(r))
        .collect();
    let original = allocate(&p.instance, &p.seed);
    let after = withdraw(&p.instance, &original, &ids).map_err(|e| AppError::Internal(e.into()))?;
    let now = now_ms();
    let mut moves = Vec::new();
    for m in &after.moves {
        let Some(to) = m.to else { continue };
        let reference = &p.instance.applicants()[m.applicant as usize].id;
        let code = &p.instance.sessions()[to.session as usize].id;
        let row = sqlx::query(
            "SELECT a.id, s.id AS session, o.session_id AS current, o.status, ac.email, ac.full_name, ac.language, c.given_name, \
                    (SELECT x.choice_rank FROM application_choices x WHERE x.application_id = a.id AND x.session_id = s.id) AS rank \
             FROM applications a JOIN sessions s ON s.programme_id = a.programme_id AND s.code = $2 \
             JOIN children c ON c.id = a.child_id JOIN accounts ac ON ac.id = c.guardian_id \
             LEFT JOIN offers o ON o.application_id = a.id WHERE a.programme_id = $1 AND a.reference = $3",
        )
        .bind(programme)
        .bind(code)
        .bind(reference)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else { continue };
        let application: i64 = row.try_get("id")?;
        let session: i64 = row.try_get("session")?;
        if row.try_get::<Option<i64>, _>("current")? == Some(session) {
            continue;
        }
        let status: Option<String> = row.try_get("status")?;
        // A family that accepted keeps an accepted place, now a better one
        // (they ranked it higher); otherwise the new place awaits an answer.
        let new_status = if status.as_deref() == Some("accepted") {
            "accepted"
        } else {
            "offered"
        };
        let rank: i32 = row.try_get::<Option<i32>, _>("rank")?.unwrap_or(0);
        sqlx::query(
            "INSERT INTO offers (application_id, session_id, choice_rank, status, offered_at, deadline) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (application_id) DO UPDATE SET session_id = excluded.session_id, choice_rank = excluded.choice_rank, \
               status = excluded.status, offered_at = excluded.offered_at, deadline = excluded.deadline, decided_at = NULL, reminded_at = NULL",
        )
        .bind(application)
        .bind(session)
        .bind(rank)
        .bind(new_status)
        .bind(now)
        .bind(now + p.offer_days * DAY_MS)
        .execute(&mut **tx)
        .await?;
        let email: String = row.try_get("email")?;
        let guardian: String = row.try_get("full_name")?;
        let child: String = row.try_get("given_name")?;
        let lang = crate::language::Language::stored(&row.try_get::<String, _>("language")?);
        let answer = lang.text(if new_status == "accepted" {
            "email-backfill-accepted"
        } else {
            "email-backfill-offered"
        });
        outbox::enqueue(
            tx,
            &email,
            "backfill_offer",
            &lang.text("email-backfill-subject"),
            &lang.letter(
                Some(&guardian),
                "email-backfill-body",
                &[
                    ("child", &child),
                    ("session", code),
                    ("rank", &rank.to_string()),
                    ("answer", &answer),
                    ("link", &format!("{base_url}/applications/{application}")),
                ],
            ),
        )
        .await?;
        moves.push((application, code.clone()));
    }
    Ok(moves)
}

/// Records a family's answer; a decline starts a backfill in the same
/// transaction.
pub async fn decide(db: &Db, base_url: &str, application: i64, accept: bool) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT a.programme_id, o.status, o.deadline FROM applications a JOIN offers o ON o.application_id = a.id WHERE a.id = $1",
    )
    .bind(application)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Invalid("offer-no-offer", vec![]))?;
    let programme: i64 = row.try_get("programme_id")?;
    db.lock_programme(&mut tx, programme).await?;
    // Read again under the lock: another request may have answered first.
    let (status, deadline): (String, i64) =
        sqlx::query_as("SELECT status, deadline FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(&mut *tx)
            .await?;
    let now = now_ms();
    if status != "offered" {
        return Err(AppError::Invalid(
            "offer-already-answered",
            vec![("status", status)],
        ));
    }
    if deadline < now {
        return Err(AppError::Invalid("offer-deadline-passed", vec![]));
    }
    sqlx::query("UPDATE offers SET status = $1, decided_at = $2 WHERE application_id = $3")
        .bind(if accept { "accepted" } else { "declined" })
        .bind(now)
        .bind(application)
        .execute(&mut *tx)
        .await?;
    if !accept {
        backfill(&mut tx, base_url, programme).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Withdraws an application (and its offer, if any), then backfills.
pub async fn withdraw_application(db: &Db, base_url: &str, application: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let (programme, status): (i64, String) =
        sqlx::query_as("SELECT programme_id, status FROM applications WHERE id = $1")
            .bind(application)
            .fetch_one(&mut *tx)
            .await?;
    db.lock_programme(&mut tx, programme).await?;
    if status == "withdrawn" {
        return Ok(());
    }
    let now = now_ms();
    sqlx::query("UPDATE applications SET status = 'withdrawn', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(application)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE offers SET status = 'withdrawn', decided_at = $1 WHERE application_id = $2",
    )
    .bind(now)
    .bind(application)
    .execute(&mut *tx)
    .await?;
    backfill(&mut tx, base_url, programme).await?;
    tx.commit().await?;
    Ok(())
}

/// Offers past their deadline expire, and their places are backfilled.
/// Called periodically by the service.
pub async fn expire_due(db: &Db, base_url: &str) -> AppResult<usize> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT a.programme_id FROM offers o JOIN applications a ON a.id = o.application_id \
         WHERE o.status = 'offered' AND o.deadline < $1",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut expired = 0;
    for (programme,) in due {
        let mut tx = db.begin_write().await?;
        db.lock_programme(&mut tx, programme).await?;
        let done = sqlx::query(
            "UPDATE offers SET status = 'expired', decided_at = $1 WHERE status = 'offered' AND deadline < $1 \
             AND application_id IN (SELECT id FROM applications WHERE programme_id = $2)",
        )
        .bind(now_ms())
        .bind(programme)
        .execute(&mut *tx)
        .await?;
        expired += done.rows_affected() as usize;
        backfill(&mut tx, base_url, programme).await?;
        tx.commit().await?;
    }
    Ok(expired)
}

/// How long before its deadline an unanswered offer is recalled to the family.
pub const REMINDER_BEFORE_MS: i64 = 2 * DAY_MS;

/// Reminds the families whose offer is unanswered and ends within
/// [`REMINDER_BEFORE_MS`] of `now`, once per offer; how many were reminded.
pub async fn remind_due(db: &Db, base_url: &str, now: i64) -> AppResult<usize> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT application_id FROM offers WHERE status = 'offered' AND reminded_at IS NULL AND deadline > $1 AND deadline <= $2",
    )
    .bind(now)
    .bind(now + REMINDER_BEFORE_MS)
    .fetch_all(db.pool())
    .await?;
    let mut reminded = 0;
    for (application,) in due {
        let mut tx = db.begin_write().await?;
        // Taken once, even with two instances running this.
        let taken = sqlx::query(
            "UPDATE offers SET reminded_at = $1 WHERE application_id = $2 AND reminded_at IS NULL AND status = 'offered'",
        )
        .bind(now)
        .bind(application)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !taken {
            continue;
        }
        let r = sqlx::query(
            "SELECT ac.email, ac.full_name, ac.language, c.given_name, s.code, o.deadline FROM offers o \
             JOIN sessions s ON s.id = o.session_id JOIN applications a ON a.id = o.application_id \
             JOIN children c ON c.id = a.child_id JOIN accounts ac ON ac.id = c.guardian_id WHERE o.application_id = $1",
        )
        .bind(application)
        .fetch_one(&mut *tx)
        .await?;
        let deadline: i64 = r.try_get("deadline")?;
        let lang = crate::language::Language::stored(&r.try_get::<String, _>("language")?);
        outbox::enqueue(
            &mut tx,
            &r.try_get::<String, _>("email")?,
            "offer_reminder",
            &lang.text("email-reminder-subject"),
            &lang.letter(
                Some(&r.try_get::<String, _>("full_name")?),
                "email-reminder-body",
                &[
                    ("child", &r.try_get::<String, _>("given_name")?),
                    ("session", &r.try_get::<String, _>("code")?),
                    ("deadline", &crate::audit::when(&deadline)),
                    ("link", &format!("{base_url}/applications/{application}")),
                ],
            ),
        )
        .await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Publishes a final run: offers for every placed child, the seed revealed,
/// and every family told the result with its explanation.
pub async fn publish(db: &Db, base_url: &str, programme: i64, run: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    db.lock_programme(&mut tx, programme).await?;
    let (kind, already): (String, i64) = sqlx::query_as(
        "SELECT kind, (SELECT COUNT(*) FROM allocation_runs WHERE programme_id = $1 AND published_at IS NOT NULL) FROM allocation_runs WHERE id = $2 AND programme_id = $1",
    )
    .bind(programme)
    .bind(run)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if kind != "final" {
        return Err(AppError::Invalid("publish-only-final", vec![]));
    }
    if already > 0 {
        return Err(AppError::Invalid("publish-already", vec![]));
    }
    let now = now_ms();
    sqlx::query("UPDATE allocation_runs SET published_at = $1 WHERE id = $2")
        .bind(now)
        .bind(run)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE programmes SET status = 'published', seed_revealed = 1 WHERE id = $1")
        .bind(programme)
        .execute(&mut *tx)
        .await?;
    let (offer_days,): (i32,) = sqlx::query_as("SELECT offer_days FROM programmes WHERE id = $1")
        .bind(programme)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO offers (application_id, session_id, choice_rank, status, offered_at, deadline) \
         SELECT application_id, session_id, choice_rank, 'offered', $1, $2 FROM placements WHERE run_id = $3 AND session_id IS NOT NULL",
    )
    .bind(now)
    .bind(now + i64::from(offer_days) * DAY_MS)
    .bind(run)
    .execute(&mut *tx)
    .await?;
    let families = sqlx::query(
        "SELECT a.id, a.reference, ac.email, ac.full_name, ac.language, c.given_name, s.code FROM placements p \
         JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts ac ON ac.id = c.guardian_id LEFT JOIN sessions s ON s.id = p.session_id WHERE p.run_id = $1",
    )
    .bind(run)
    .fetch_all(&mut *tx)
    .await?;
    for f in families {
        let application: i64 = f.try_get("id")?;
        let lines: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT sentence, words FROM explanations WHERE run_id = $1 AND application_id = $2 ORDER BY choice_rank")
                .bind(run)
                .bind(application)
                .fetch_all(&mut *tx)
                .await?;
        let child: String = f.try_get("given_name")?;
        let lang = crate::language::Language::stored(&f.try_get::<String, _>("language")?);
        let explanation: Vec<String> = lines
            .into_iter()
            .map(|(sentence, words)| {
                format!(
                    "- {}",
                    super::wording::stored(words.as_deref(), &sentence, lang)
                )
            })
            .collect();
        let headline = match f.try_get::<Option<String>, _>("code")? {
            Some(code) => lang.text_with(
                "email-result-placed",
                &[("child", &child), ("session", &code)],
            ),
            None => lang.text_with("email-result-unplaced", &[("child", &child)]),
        };
        outbox::enqueue(
            &mut tx,
            &f.try_get::<String, _>("email")?,
            "result_published",
            &lang.text("email-result-subject"),
            &lang.letter(
                Some(&f.try_get::<String, _>("full_name")?),
                "email-result-body",
                &[
                    ("headline", &headline),
                    ("reference", &f.try_get::<String, _>("reference")?),
                    ("why", &explanation.join("\n")),
                    ("link", &format!("{base_url}/applications/{application}")),
                ],
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

//! Offers after publication: every placed child is offered their place;
//! the family accepts or declines by the deadline. A decline, a missed
//! deadline or a withdrawal frees the place, and the published run is
//! replayed without those children (the engine's withdrawal re-run), so the
//! freed places travel down the vacancy chains and nobody loses a place.
//!
//! Decisions and backfills of one programme run one at a time (the
//! programme's lock), inside one audited change each, and every decision is
//! a compare-and-set on the offer's status: a session is never overfilled,
//! no decision is lost or taken twice, and the offers table holds at most
//! one offer per application.

use smena_engine::{Instance, Seed, allocate, withdraw as without};

use super::contract;
use crate::applications::load_application;
use crate::documents;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{
    ApplicationStatus, DocumentStatus, OfferStatus, ProgrammeStatus, RunKind,
};
use crate::domain::values::Day;
use crate::language::{Language, words};
use crate::store::{Actor, Change, DAY_MS, Db, Mail, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::User;

/// The published run of a programme, read back from its export.
struct Published {
    instance: Instance,
    seed: Seed,
    offer_days: i64,
}

#[derive(sqlx::FromRow)]
struct PublishedRow {
    sessions_csv: String,
    applicants_csv: String,
    seed_hex: Option<String>,
    offer_days: i32,
}

/// The published run, while its places may still move (the programme is
/// published, the groups not gone).
async fn published(c: &mut Change, programme: i64) -> AppResult<Option<Published>> {
    let Some(r): Option<PublishedRow> = sqlx::query_as(
        "SELECT r.sessions_csv, r.applicants_csv, COALESCE(r.seed_hex, p.seed_hex) AS seed_hex, p.offer_days FROM allocation_runs r \
         JOIN programmes p ON p.id = r.programme_id \
         WHERE r.programme_id = $1 AND r.published_at IS NOT NULL AND p.status = $2 \
         ORDER BY r.published_at DESC LIMIT 1",
    )
    .bind(programme)
    // Once the groups leave, places are final: nobody moves up.
    .bind(ProgrammeStatus::Published)
    .fetch_optional(&mut **c)
    .await?
    else {
        return Ok(None);
    };
    let inputs = contract::parse(
        "sessions.csv",
        r.sessions_csv.as_bytes(),
        "applicants.csv",
        r.applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("stored run unreadable: {e}")))?;
    let seed = Seed::from_hex(r.seed_hex.as_deref().unwrap_or_default())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("programme seed: {e}")))?;
    Ok(Some(Published {
        instance: inputs.instance,
        seed,
        offer_days: i64::from(r.offer_days),
    }))
}

/// The published run's children, where some left out for their documents
/// have them all accepted since the inputs froze (a scan reviewed after
/// closing, or a rejected one replaced after the results): they now wait
/// for a place like anyone on the waiting list.
/// The published file keeps only the choices a child could take (none for
/// them), so their choices and score come back from the private copy of
/// the frozen inputs, kept to the sessions they may take (a block's, to
/// those every member may take). The engine protects every earlier
/// placement, so they take only places that fall free. `None` when nobody
/// changed.
async fn verified_since(
    c: &mut Change,
    programme: i64,
    instance: &Instance,
) -> AppResult<Option<Instance>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT a.reference, a.child_id FROM applications a \
         JOIN frozen_inputs f ON f.programme_id = a.programme_id \
         WHERE a.programme_id = $1 AND a.reference IS NOT NULL AND a.status = $2 \
           AND EXISTS (SELECT 1 FROM documents d WHERE d.child_id = a.child_id AND d.status = $3 \
             AND d.reviewed_at >= f.frozen_at)",
    )
    .bind(programme)
    .bind(ApplicationStatus::Submitted)
    .bind(DocumentStatus::Accepted)
    .fetch_all(&mut **c)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let frozen: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT private_sessions_csv, private_applicants_csv FROM frozen_inputs WHERE programme_id = $1",
    )
    .bind(programme)
    .fetch_optional(&mut **c)
    .await?;
    let Some((Some(sessions_csv), Some(applicants_csv))) = frozen else {
        return Ok(None);
    };
    let private = contract::parse(
        "sessions.csv",
        sessions_csv.as_bytes(),
        "applicants.csv",
        applicants_csv.as_bytes(),
        &|_| {},
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("frozen inputs unreadable: {e}")))?
    .instance;
    let required = documents::required_in(c, programme).await?;
    let mut fixed: Vec<String> = Vec::new();
    for (reference, child) in rows {
        let accepted: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT kind FROM documents WHERE child_id = $1 AND status = $2",
        )
        .bind(child)
        .bind(DocumentStatus::Accepted)
        .fetch_all(&mut **c)
        .await?;
        let accepted: Vec<String> = accepted.into_iter().map(|(k,)| k).collect();
        if documents::verified(&required, &accepted) {
            fixed.push(reference);
        }
    }
    let mut applicants = instance.applicants().to_vec();
    let mut changed = false;
    let verified = |a: &smena_engine::Applicant| a.documents_verified || fixed.contains(&a.id);
    for reference in &fixed {
        let Some(p) = private.applicant_index(reference) else {
            continue;
        };
        let mine = &private.applicants()[p as usize];
        if mine.documents_verified {
            continue;
        }
        let members: Vec<smena_engine::Applicant> = match &mine.block {
            Some(b) => private
                .applicants()
                .iter()
                .filter(|m| m.block.as_ref() == Some(b))
                .cloned()
                .collect(),
            None => vec![mine.clone()],
        };
        if !members.iter().all(verified) {
            continue;
        }
        let choices: Vec<u32> = mine
            .choices
            .iter()
            .filter(|&&s| {
                let session = &private.sessions()[s as usize];
                members.iter().all(|m| {
                    let mut m = m.clone();
                    m.documents_verified = true;
                    smena_engine::check_eligibility(&m, session).is_none()
                })
            })
            .filter_map(|&s| {
                let id = &private.sessions()[s as usize].id;
                instance
                    .sessions()
                    .iter()
                    .position(|x| &x.id == id)
                    .map(|x| x as u32)
            })
            .collect();
        // A block's members lost their choices with the child: all get
        // them back.
        for m in &members {
            let Some(j) = instance.applicant_index(&m.id) else {
                continue;
            };
            let applicant = &mut applicants[j as usize];
            applicant.choices = choices.clone();
            applicant.score = m.score;
            applicant.documents_verified = true;
        }
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    Instance::new(instance.sessions().to_vec(), applicants)
        .map(Some)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("replayed run: {e}")))
}

/// Who moved where in a backfill: (application, session code).
pub type Moves = Vec<(i64, String)>;

/// A child a backfill moves, and whom to tell.
#[derive(sqlx::FromRow)]
struct Mover {
    id: i64,
    session: i64,
    current: Option<i64>,
    status: Option<OfferStatus>,
    email: String,
    full_name: String,
    language: Language,
    given_name: String,
    rank: Option<i32>,
}

/// Replays the published run without every child who declined, missed the
/// deadline or withdrew, and brings the offers in line: new offers for
/// children who move up, with a new deadline. Runs inside the caller's
/// change, which must hold the programme's lock.
pub async fn backfill(c: &mut Change, base_url: &str, programme: i64) -> AppResult<Moves> {
    let Some(p) = published(c, programme).await? else {
        return Ok(vec![]);
    };
    let leaving: Vec<(String,)> = sqlx::query_as(
        "SELECT a.reference FROM applications a LEFT JOIN offers o ON o.application_id = a.id \
         WHERE a.programme_id = $1 AND a.reference IS NOT NULL \
           AND (a.status = $2 OR o.status IN ($3, $4, $5))",
    )
    .bind(programme)
    .bind(ApplicationStatus::Withdrawn)
    .bind(OfferStatus::Declined)
    .bind(OfferStatus::Expired)
    .bind(OfferStatus::Withdrawn)
    .fetch_all(&mut **c)
    .await?;
    let mut leaving = leaving;
    // A child still waiting who missed a condition of the offer (no usable
    // copy of a document due after the review day, once its day passed)
    // could not keep a place: such children leave the waiting list. (One
    // holding a place loses it through `withdraw_unmet`.)
    let today = crate::store::today();
    for r in documents::required_in(c, programme).await?.later {
        if r.deadline >= today {
            continue;
        }
        let missed: Vec<(String,)> = sqlx::query_as(
            "SELECT a.reference FROM applications a WHERE a.programme_id = $1 AND a.reference IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.child_id = a.child_id AND d.kind = $2 \
                               AND d.status <> $3) \
               AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id AND o.status IN ($4, $5))",
        )
        .bind(programme)
        .bind(&r.kind)
        .bind(DocumentStatus::Rejected)
        .bind(OfferStatus::Offered)
        .bind(OfferStatus::Accepted)
        .fetch_all(&mut **c)
        .await?;
        leaving.extend(missed);
    }
    let mut ids: Vec<u32> = leaving
        .iter()
        .filter_map(|(r,)| p.instance.applicant_index(r))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let original = allocate(&p.instance, &p.seed);
    let replayed = verified_since(c, programme, &p.instance).await?;
    let after = without(replayed.as_ref().unwrap_or(&p.instance), &original, &ids)
        .map_err(|e| AppError::Internal(e.into()))?;
    let now = now_ms();
    let mut moves = Vec::new();
    for m in &after.moves {
        let Some(to) = m.to else { continue };
        let reference = &p.instance.applicants()[m.applicant as usize].id;
        let code = &p.instance.sessions()[to.session as usize].id;
        let mover: Option<Mover> = sqlx::query_as(
            "SELECT a.id, s.id AS session, o.session_id AS current, o.status, ac.email, ac.full_name, ac.language, c.given_name, \
                    (SELECT x.choice_rank FROM application_choices x WHERE x.application_id = a.id AND x.session_id = s.id) AS rank \
             FROM applications a JOIN sessions s ON s.programme_id = a.programme_id AND s.code = $2 \
             JOIN children c ON c.id = a.child_id JOIN accounts ac ON ac.id = c.guardian_id \
             LEFT JOIN offers o ON o.application_id = a.id WHERE a.programme_id = $1 AND a.reference = $3",
        )
        .bind(programme)
        .bind(code)
        .bind(reference)
        .fetch_optional(&mut **c)
        .await?;
        let Some(mover) = mover else { continue };
        if mover.current == Some(mover.session) {
            continue;
        }
        // A family that accepted keeps an accepted place, now a better one
        // (they ranked it higher); otherwise the new place awaits an answer.
        let new_status = if mover.status == Some(OfferStatus::Accepted) {
            OfferStatus::Accepted
        } else {
            OfferStatus::Offered
        };
        let rank = mover.rank.unwrap_or(0);
        sqlx::query(
            "INSERT INTO offers (application_id, session_id, choice_rank, status, offered_at, deadline) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (application_id) DO UPDATE SET session_id = excluded.session_id, choice_rank = excluded.choice_rank, \
               status = excluded.status, offered_at = excluded.offered_at, deadline = excluded.deadline, decided_at = NULL, reminded_at = NULL",
        )
        .bind(mover.id)
        .bind(mover.session)
        .bind(rank)
        .bind(new_status)
        .bind(now)
        .bind(now + p.offer_days * DAY_MS)
        .execute(&mut **c)
        .await?;
        let lang = mover.language;
        let answer = if new_status == OfferStatus::Accepted {
            lang.text("email-backfill-accepted")
        } else {
            lang.text_with(
                "email-backfill-offered",
                &[("deadline", &lang.deadline(now + p.offer_days * DAY_MS, now))],
            )
        };
        c.send(Mail {
            to: mover.email,
            kind: "backfill_offer",
            subject: lang.text("email-backfill-subject"),
            body: lang.letter(
                Some(&mover.full_name),
                "email-backfill-body",
                &[
                    ("child", &mover.given_name),
                    ("session", code),
                    ("rank", &rank.to_string()),
                    ("answer", &answer),
                    ("link", &format!("{base_url}/applications/{}", mover.id)),
                ],
            ),
            secret: None,
        });
        c.audit_as(
            Action::Update,
            Resource::Application,
            Some(mover.id),
            format!("moved up to {code}"),
        );
        moves.push((mover.id, code.clone()));
    }
    Ok(moves)
}

/// After a document of `child` is accepted: if that completes what a
/// child left out of the published results for their documents needed,
/// the child joins the waiting list and the backfill gives them any place
/// free now. Runs inside the reviewing change.
pub async fn documents_accepted(c: &mut Change, base_url: &str, child: i64) -> AppResult<()> {
    let programme: Option<(i64,)> = sqlx::query_as(
        "SELECT a.programme_id FROM applications a JOIN programmes p ON p.id = a.programme_id \
         WHERE a.child_id = $1 AND a.status = $2 AND a.reference IS NOT NULL AND p.status = $3 \
         AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id)",
    )
    .bind(child)
    .bind(ApplicationStatus::Submitted)
    .bind(ProgrammeStatus::Published)
    .fetch_optional(&mut **c)
    .await?;
    if let Some((programme,)) = programme {
        c.lock_programme(programme).await?;
        backfill(c, base_url, programme).await?;
    }
    Ok(())
}

/// A family's answer to the place offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

impl Answer {
    pub fn parse(text: &str) -> Option<Answer> {
        match text {
            "accept" => Some(Answer::Accept),
            "decline" => Some(Answer::Decline),
            _ => None,
        }
    }
}

async fn programme_of(c: &mut Change, application: i64) -> AppResult<i64> {
    let (programme,): (i64,) =
        sqlx::query_as("SELECT programme_id FROM applications WHERE id = $1")
            .bind(application)
            .fetch_optional(&mut **c)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(programme)
}

/// Records a family's answer, once: the offer must still be open (a second
/// answer, from another tab or the API, finds it answered); a decline
/// starts a backfill in the same change.
pub async fn decide(
    c: &mut Change,
    base_url: &str,
    application: i64,
    answer: Answer,
) -> AppResult<()> {
    let programme = programme_of(c, application).await?;
    c.lock_programme(programme).await?;
    let now = now_ms();
    let status = match answer {
        Answer::Accept => OfferStatus::Accepted,
        Answer::Decline => OfferStatus::Declined,
    };
    let decided = c
        .transition(
            sqlx::query(
                "UPDATE offers SET status = $1, decided_at = $2 \
                 WHERE application_id = $3 AND status = $4 AND deadline >= $5",
            )
            .bind(status)
            .bind(now)
            .bind(application)
            .bind(OfferStatus::Offered)
            .bind(now),
        )
        .await?;
    if !decided {
        let offer: Option<(OfferStatus, i64)> =
            sqlx::query_as("SELECT status, deadline FROM offers WHERE application_id = $1")
                .bind(application)
                .fetch_optional(&mut **c)
                .await?;
        return Err(match offer {
            None => AppError::Invalid("offer-no-offer", vec![]),
            Some((OfferStatus::Offered, _)) => AppError::Invalid("offer-deadline-passed", vec![]),
            Some((status, _)) => AppError::Conflict(
                "offer-already-answered",
                vec![("status", status.code().to_string())],
            ),
        });
    }
    c.audit_as(
        Action::Update,
        Resource::Application,
        Some(application),
        match answer {
            Answer::Accept => "offer_accepted",
            Answer::Decline => "offer_declined",
        },
    );
    if answer == Answer::Decline {
        backfill(c, base_url, programme).await?;
    }
    Ok(())
}

/// A family answers its offer: the one way the pages and the API share.
pub async fn answer(
    state: &AppState,
    user: &User,
    application: i64,
    answer: Answer,
) -> AppResult<()> {
    let (_, _, permit) = load_application(state, user, Action::Update, application).await?;
    state
        .write(&permit, async |c| {
            decide(c, &state.config.base_url, application, answer).await
        })
        .await
}

/// Withdraws an application (and its offer, if any), then backfills;
/// whether it was withdrawn now (a second withdrawal changes nothing).
pub async fn withdraw_application(
    c: &mut Change,
    base_url: &str,
    application: i64,
) -> AppResult<bool> {
    let programme = programme_of(c, application).await?;
    c.lock_programme(programme).await?;
    let now = now_ms();
    let withdrawn = c
        .transition(
            sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3 AND status IN ($4, $5)",
            )
            .bind(ApplicationStatus::Withdrawn)
            .bind(now)
            .bind(application)
            .bind(ApplicationStatus::Draft)
            .bind(ApplicationStatus::Submitted),
        )
        .await?;
    if !withdrawn {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE offers SET status = $1, decided_at = $2 WHERE application_id = $3 AND status IN ($4, $5)",
    )
    .bind(OfferStatus::Withdrawn)
    .bind(now)
    .bind(application)
    .bind(OfferStatus::Offered)
    .bind(OfferStatus::Accepted)
    .execute(&mut **c)
    .await?;
    c.audit_as(
        Action::Update,
        Resource::Application,
        Some(application),
        "withdrawn",
    );
    backfill(c, base_url, programme).await?;
    Ok(true)
}

/// A family withdraws its application.
pub async fn withdraw(state: &AppState, user: &User, application: i64) -> AppResult<()> {
    let (_, _, permit) = load_application(state, user, Action::Update, application).await?;
    state
        .write(&permit, async |c| {
            if !withdraw_application(c, &state.config.base_url, application).await? {
                c.unchanged();
            }
            Ok(())
        })
        .await
}

/// Offers past their deadline expire, and their places are backfilled.
/// Called every minute by the service; how many expired.
pub async fn expire_due(db: &Db, base_url: &str) -> AppResult<usize> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT a.programme_id FROM offers o JOIN applications a ON a.id = o.application_id \
         WHERE o.status = $1 AND o.deadline < $2",
    )
    .bind(OfferStatus::Offered)
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    let mut expired = 0;
    for (programme,) in due {
        expired += db
            .write(
                Actor::Service,
                (Action::Update, Resource::Allocation),
                async |c| {
                    c.lock_programme(programme).await?;
                    let done = sqlx::query(
                        "UPDATE offers SET status = $1, decided_at = $2 WHERE status = $3 AND deadline < $2 \
                         AND application_id IN (SELECT id FROM applications WHERE programme_id = $4)",
                    )
                    .bind(OfferStatus::Expired)
                    .bind(now_ms())
                    .bind(OfferStatus::Offered)
                    .bind(programme)
                    .execute(&mut **c)
                    .await?;
                    let n = done.rows_affected() as usize;
                    if n == 0 {
                        c.unchanged();
                        return Ok::<_, AppError>(0);
                    }
                    let moves = backfill(c, base_url, programme).await?;
                    c.audit(
                        Some(programme),
                        format!("{n} offers expired, {} children moved up", moves.len()),
                    );
                    Ok(n)
                },
            )
            .await?;
    }
    Ok(expired)
}

/// An offer whose condition (a document due after the review deadline)
/// was missed: no usable copy by the end of the document's day.
#[derive(sqlx::FromRow)]
struct Unmet {
    application: i64,
    programme: i64,
    kind: String,
    name: String,
    deadline: Day,
}

/// Withdraws every offer (answered or not) whose child has no usable copy
/// (uploaded and not rejected) of a document the offer depends on once
/// that document's day has passed, tells the family why, and backfills the
/// place. A copy uploaded in time but not reviewed yet keeps the place.
/// Called every minute by the service; how many offers were withdrawn.
pub async fn withdraw_unmet(db: &Db, base_url: &str) -> AppResult<usize> {
    let rows: Vec<Unmet> = sqlx::query_as(
        "SELECT a.id AS application, a.programme_id AS programme, r.kind, r.name, r.deadline \
         FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN required_documents r ON r.programme_id = a.programme_id \
         WHERE o.status IN ($1, $2) AND r.deadline < $3 \
           AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.child_id = a.child_id \
                           AND d.kind = r.kind AND d.status <> $4) \
         ORDER BY a.id, r.deadline",
    )
    .bind(OfferStatus::Offered)
    .bind(OfferStatus::Accepted)
    .bind(crate::store::today())
    .bind(DocumentStatus::Rejected)
    .fetch_all(db.pool())
    .await?;
    let mut withdrawn = 0;
    let mut conditions: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for group in rows.chunk_by(|a, b| a.application == b.application) {
        let (application, programme) = (group[0].application, group[0].programme);
        // Only documents due after the review deadline are conditions of
        // the offer; the others were checked before the allocation.
        if let std::collections::hash_map::Entry::Vacant(e) = conditions.entry(programme) {
            let later = documents::required(db, programme).await?.later;
            e.insert(later.into_iter().map(|r| r.kind).collect());
        }
        let later = conditions.get(&programme).map_or(&[][..], Vec::as_slice);
        let missed: Vec<&Unmet> = group.iter().filter(|u| later.contains(&u.kind)).collect();
        let Some(first) = missed.first() else {
            continue;
        };
        let names: Vec<&str> = missed.iter().map(|u| u.name.as_str()).collect();
        let deadline = first.deadline;
        let done = db
            .write(
                Actor::Service,
                (Action::Update, Resource::Allocation),
                async |c| {
                    c.lock_programme(programme).await?;
                    let taken = c
                        .transition(
                            sqlx::query(
                                "UPDATE offers SET status = $1, decided_at = $2 \
                                 WHERE application_id = $3 AND status IN ($4, $5)",
                            )
                            .bind(OfferStatus::Withdrawn)
                            .bind(now_ms())
                            .bind(application)
                            .bind(OfferStatus::Offered)
                            .bind(OfferStatus::Accepted),
                        )
                        .await?;
                    if !taken {
                        c.unchanged();
                        return Ok::<_, AppError>(false);
                    }
                    let r = offered_family(c, application).await?;
                    let lang = r.language;
                    c.send(Mail {
                        to: r.email,
                        kind: "offer_withdrawn_documents",
                        subject: lang.text_with(
                            "email-condition-missed-subject",
                            &[("child", &r.given_name)],
                        ),
                        body: lang.letter(
                            Some(&r.full_name),
                            "email-condition-missed-body",
                            &[
                                ("child", &r.given_name),
                                ("session", &r.code),
                                ("documents", &names.join(", ")),
                                ("deadline", &lang.date(&deadline.to_string())),
                                ("link", &format!("{base_url}/applications/{application}")),
                            ],
                        ),
                        secret: None,
                    });
                    c.audit_as(
                        Action::Update,
                        Resource::Application,
                        Some(application),
                        "offer_condition_missed",
                    );
                    backfill(c, base_url, programme).await?;
                    Ok(true)
                },
            )
            .await?;
        withdrawn += usize::from(done);
    }
    Ok(withdrawn)
}

/// How long before its deadline an unanswered offer is recalled to the family.
pub const REMINDER_BEFORE_MS: i64 = 2 * DAY_MS;

#[derive(sqlx::FromRow)]
struct Reminded {
    email: String,
    full_name: String,
    language: Language,
    given_name: String,
    code: String,
    deadline: i64,
}

/// The family of an offered place, with the place, to write to.
async fn offered_family(c: &mut Change, application: i64) -> Result<Reminded, sqlx::Error> {
    sqlx::query_as(
        "SELECT ac.email, ac.full_name, ac.language, c.given_name, s.code, o.deadline FROM offers o \
         JOIN sessions s ON s.id = o.session_id JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts ac ON ac.id = c.guardian_id \
         WHERE o.application_id = $1",
    )
    .bind(application)
    .fetch_one(&mut **c)
    .await
}

/// Reminds the families whose offer is unanswered and ends within
/// [`REMINDER_BEFORE_MS`] of `now`, once per offer; how many were reminded.
pub async fn remind_due(db: &Db, base_url: &str, now: i64) -> AppResult<usize> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT application_id FROM offers WHERE status = $1 AND reminded_at IS NULL AND deadline > $2 AND deadline <= $3",
    )
    .bind(OfferStatus::Offered)
    .bind(now)
    .bind(now + REMINDER_BEFORE_MS)
    .fetch_all(db.pool())
    .await?;
    let mut reminded = 0;
    for (application,) in due {
        let sent = db
            .write(
                Actor::Service,
                (Action::Update, Resource::Application),
                async |c| {
                    // Taken once, even with two instances running this.
                    let taken = c
                        .transition(
                            sqlx::query(
                                "UPDATE offers SET reminded_at = $1 \
                                 WHERE application_id = $2 AND reminded_at IS NULL AND status = $3",
                            )
                            .bind(now)
                            .bind(application)
                            .bind(OfferStatus::Offered),
                        )
                        .await?;
                    if !taken {
                        c.unchanged();
                        return Ok::<_, AppError>(false);
                    }
                    let r = offered_family(c, application).await?;
                    let lang = r.language;
                    c.send(Mail {
                        to: r.email,
                        kind: "offer_reminder",
                        subject: lang.text("email-reminder-subject"),
                        body: lang.letter(
                            Some(&r.full_name),
                            "email-reminder-body",
                            &[
                                ("child", &r.given_name),
                                ("session", &r.code),
                                (
                                    "deadline",
                                    &lang.deadline(r.deadline, crate::store::now_ms()),
                                ),
                                ("link", &format!("{base_url}/applications/{application}")),
                            ],
                        ),
                        secret: None,
                    });
                    c.audit(Some(application), "offer_reminder_sent");
                    Ok(true)
                },
            )
            .await?;
        reminded += usize::from(sent);
    }
    Ok(reminded)
}

/// A family told the published result.
#[derive(sqlx::FromRow)]
struct Family {
    id: i64,
    reference: String,
    email: String,
    full_name: String,
    language: Language,
    given_name: String,
    code: Option<String>,
}

/// Publishes a final run: offers for every placed child, the seed revealed,
/// and every family told the result with its explanation. Exactly one run
/// of a programme is ever published: a second publication, even at the
/// same moment, is refused.
pub async fn publish(c: &mut Change, base_url: &str, programme: i64, run: i64) -> AppResult<()> {
    c.lock_programme(programme).await?;
    let kind: Option<(RunKind,)> =
        sqlx::query_as("SELECT kind FROM allocation_runs WHERE id = $1 AND programme_id = $2")
            .bind(run)
            .bind(programme)
            .fetch_optional(&mut **c)
            .await?;
    let (kind,) = kind.ok_or(AppError::NotFound)?;
    if kind != RunKind::Final {
        return Err(AppError::Invalid("publish-only-final", vec![]));
    }
    let (status,): (ProgrammeStatus,) =
        sqlx::query_as("SELECT status FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(&mut **c)
            .await?;
    if matches!(status, ProgrammeStatus::Draft | ProgrammeStatus::Open) {
        return Err(AppError::Invalid("publish-while-open", vec![]));
    }
    let now = now_ms();
    let published = c
        .transition(
            sqlx::query(
                "UPDATE allocation_runs SET published_at = $1 WHERE id = $2 AND published_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM allocation_runs p WHERE p.programme_id = $3 AND p.published_at IS NOT NULL)",
            )
            .bind(now)
            .bind(run)
            .bind(programme),
        )
        .await?;
    let status_set = published
        && c.transition(
            sqlx::query(
                "UPDATE programmes SET status = $1, seed_revealed = 1 WHERE id = $2 AND status IN ($3, $4)",
            )
            .bind(ProgrammeStatus::Published)
            .bind(programme)
            // Allocated by a final run (closed: made by an earlier version).
            .bind(ProgrammeStatus::Allocated)
            .bind(ProgrammeStatus::Closed),
        )
        .await?;
    if !status_set {
        return Err(AppError::Conflict("publish-already", vec![]));
    }
    let (offer_days,): (i32,) = sqlx::query_as("SELECT offer_days FROM programmes WHERE id = $1")
        .bind(programme)
        .fetch_one(&mut **c)
        .await?;
    sqlx::query(
        "INSERT INTO offers (application_id, session_id, choice_rank, status, offered_at, deadline) \
         SELECT application_id, session_id, choice_rank, $1, $2, $3 FROM placements WHERE run_id = $4 AND session_id IS NOT NULL",
    )
    .bind(OfferStatus::Offered)
    .bind(now)
    .bind(now + i64::from(offer_days) * DAY_MS)
    .bind(run)
    .execute(&mut **c)
    .await?;
    let families: Vec<Family> = sqlx::query_as(
        "SELECT a.id, a.reference, ac.email, ac.full_name, ac.language, c.given_name, s.code FROM placements p \
         JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts ac ON ac.id = c.guardian_id LEFT JOIN sessions s ON s.id = p.session_id WHERE p.run_id = $1",
    )
    .bind(run)
    .fetch_all(&mut **c)
    .await?;
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT application_id, sentence, words FROM explanations WHERE run_id = $1 ORDER BY application_id, choice_rank",
    )
    .bind(run)
    .fetch_all(&mut **c)
    .await?;
    let mut explanations: std::collections::HashMap<i64, Vec<(String, Option<String>)>> =
        std::collections::HashMap::new();
    for (application, sentence, stored) in rows {
        explanations
            .entry(application)
            .or_default()
            .push((sentence, stored));
    }
    for f in families {
        let lang = f.language;
        let why: Vec<String> = explanations
            .get(&f.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|(sentence, stored)| {
                format!("- {}", words::stored(stored.as_deref(), sentence, lang))
            })
            .collect();
        let headline = match &f.code {
            Some(code) => lang.text_with(
                "email-result-placed",
                &[
                    ("child", &f.given_name),
                    ("session", code),
                    (
                        "deadline",
                        &lang.deadline(now + i64::from(offer_days) * DAY_MS, now),
                    ),
                ],
            ),
            None => lang.text_with("email-result-unplaced", &[("child", &f.given_name)]),
        };
        c.send(Mail {
            to: f.email,
            kind: "result_published",
            subject: lang.text("email-result-subject"),
            body: lang.letter(
                Some(&f.full_name),
                "email-result-body",
                &[
                    ("headline", &headline),
                    ("reference", &f.reference),
                    ("why", &why.join("\n")),
                    ("link", &format!("{base_url}/applications/{}", f.id)),
                ],
            ),
            secret: None,
        });
    }
    c.audit_as(Action::Publish, Resource::Allocation, Some(run), "");
    Ok(())
}

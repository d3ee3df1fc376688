//! A programme's life: a draft opens for applications (its secret lottery
//! seed is drawn, the seed's commitment published and the beacon round
//! fixed); closing it freezes the allocation's inputs (`allocation::lottery`,
//! which owns that step). Each step is a
//! compare-and-set on the programme's status: of two coordinators pressing
//! the same button at once, one opens the programme and the other is told
//! it is open already; the seed drawn first is never replaced. Only one
//! programme takes applications at a time (the database refuses a second).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use smena_engine::{Seed, drand};

use super::queries;
use super::setup::back;
use crate::domain::access::{Action, Resource};
use crate::domain::states::ProgrammeStatus;
use crate::language::Language;
use crate::store::{Change, is_unique_violation, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().post(
        "/coordinator/programmes/{id}/status",
        Access::Policy(Action::Update, Resource::Programme),
        set_status,
    )
}

/// Why a programme did not change its status.
#[derive(Debug)]
pub enum Refused {
    /// It has no session or no scoring table yet.
    Incomplete,
    /// Another programme takes applications.
    AnotherOpen,
    /// It is not in the status the step starts from (any more).
    Status(ProgrammeStatus),
    /// The beacon round has already appeared (or is not a round): its value
    /// would be known before the inputs freeze.
    BeaconPast(u64),
    NotFound,
}

impl Refused {
    /// The refusal in `lang`; `to` is the status asked for, as sent.
    pub fn words(&self, lang: Language, to: &str) -> String {
        match self {
            Refused::Incomplete => lang.text("setup-open-needs"),
            Refused::AnotherOpen => lang.text("setup-another-open"),
            Refused::Status(now) => lang.text_with(
                "setup-status-change",
                &[
                    ("from", &lang.code_name("status", now.code())),
                    ("to", &lang.code_name("status", to)),
                ],
            ),
            Refused::BeaconPast(round) => lang.text_with(
                "setup-beacon-past",
                &[
                    ("round", &round.to_string()),
                    ("time", &beacon_time(*round)),
                ],
            ),
            Refused::NotFound => lang.text("error-not-found"),
        }
    }
}

async fn status(c: &mut Change, id: i64) -> Result<Option<ProgrammeStatus>, sqlx::Error> {
    let row: Option<(ProgrammeStatus,)> =
        sqlx::query_as("SELECT status FROM programmes WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// Why a compare-and-set found nothing to change: the status it has now.
pub async fn lost(c: &mut Change, id: i64) -> Result<Refused, sqlx::Error> {
    Ok(status(c, id)
        .await?
        .map_or(Refused::NotFound, Refused::Status))
}

/// When a beacon round appears, on the programme's clock
/// (`2027-06-01 18:00:03`).
pub fn beacon_time(round: u64) -> String {
    crate::language::zone::local(drand::round_time(round).saturating_mul(1000))
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// Whether `round` appears after `at` (milliseconds): its value cannot be
/// known at `at`.
pub fn beacon_in_future(round: u64, at: i64) -> bool {
    round > 0 && drand::round_time(round).saturating_mul(1000) > at
}

/// Opens a draft for applications with `seed` (drawn by the caller) at
/// `at`: the commitment is published, the beacon round fixed (it must
/// appear later), the rules frozen.
pub async fn open(
    c: &mut Change,
    id: i64,
    seed: &Seed,
    beacon_round: u64,
    at: i64,
) -> Result<Result<(), Refused>, sqlx::Error> {
    if !beacon_in_future(beacon_round, at) {
        return Ok(Err(Refused::BeaconPast(beacon_round)));
    }
    let (sessions, levels): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM sessions WHERE programme_id = $1), \
                (SELECT COUNT(*) FROM scoring_rules WHERE programme_id = $1)",
    )
    .bind(id)
    .fetch_one(&mut **c)
    .await?;
    if sessions == 0 || levels == 0 {
        return Ok(Err(match status(c, id).await? {
            None => Refused::NotFound,
            Some(ProgrammeStatus::Draft) => Refused::Incomplete,
            Some(s) => Refused::Status(s),
        }));
    }
    let opened = c
        .transition(
            sqlx::query(
                "UPDATE programmes SET status = $1, seed_hex = $2, commitment_hex = $3, applications_open_at = $4, \
                 beacon_round = $5 WHERE id = $6 AND status = $7",
            )
            .bind(ProgrammeStatus::Open)
            .bind(seed.to_hex())
            .bind(seed.commitment().to_hex())
            .bind(at)
            .bind(beacon_round as i64)
            .bind(id)
            .bind(ProgrammeStatus::Draft),
        )
        .await;
    match opened {
        Ok(true) => {}
        Ok(false) => return Ok(Err(lost(c, id).await?)),
        Err(e) if is_unique_violation(&e) => return Ok(Err(Refused::AnotherOpen)),
        Err(e) => return Err(e),
    }
    c.audit_as(
        Action::Update,
        Resource::Programme,
        Some(id),
        format!("status open; beacon round {beacon_round}"),
    );
    Ok(Ok(()))
}

/// A new secret seed for the lottery, from the operating system.
pub fn draw_seed() -> Result<Seed, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no random source: {e}")))?;
    Ok(Seed::from_bytes(bytes))
}

#[derive(Deserialize)]
struct StatusForm {
    to: String,
    /// The beacon round to fix when opening (a drand quicknet round).
    #[serde(default)]
    beacon_round: String,
    /// `yes` once the coordinator confirmed a step that cannot be undone.
    #[serde(default)]
    confirm: String,
}

/// The journey's steps: the groups leave (published → travelling: places
/// are final, no more backfill), then all are back (travelling →
/// completed). Each is confirmed on a page of its own; leaving is refused
/// while an accepted place has no voucher.
async fn journey_step(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    to: ProgrammeStatus,
    confirmed: bool,
) -> AppResult<Response> {
    let permit = authorize(user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let from = match to {
        ProgrammeStatus::Travelling => ProgrammeStatus::Published,
        _ => ProgrammeStatus::Travelling,
    };
    let (without_voucher,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM offers o JOIN applications a ON a.id = o.application_id \
         WHERE a.programme_id = $1 AND o.status = $2 AND o.voucher_code IS NULL",
    )
    .bind(id)
    .bind(crate::domain::states::OfferStatus::Accepted)
    .fetch_one(state.db.pool())
    .await?;
    let (unanswered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM offers o JOIN applications a ON a.id = o.application_id \
         WHERE a.programme_id = $1 AND o.status = $2",
    )
    .bind(id)
    .bind(crate::domain::states::OfferStatus::Offered)
    .fetch_one(state.db.pool())
    .await?;
    let mut checks = Vec::new();
    if to == ProgrammeStatus::Travelling {
        if without_voucher > 0 {
            checks.push((
                lang.text_with("journey-no-voucher", &[("n", &without_voucher.to_string())]),
                true,
            ));
        }
        if unanswered > 0 {
            checks.push((
                lang.text_with("journey-unanswered", &[("n", &unanswered.to_string())]),
                false,
            ));
        }
    }
    if to == ProgrammeStatus::Completed {
        // Every travelling child handed over to a guardian (`groups::home`).
        let (away,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM offers o JOIN applications a ON a.id = o.application_id \
             WHERE a.programme_id = $1 AND o.status = $2 \
               AND NOT EXISTS (SELECT 1 FROM handovers h WHERE h.application_id = a.id)",
        )
        .bind(id)
        .bind(crate::domain::states::OfferStatus::Accepted)
        .fetch_one(state.db.pool())
        .await?;
        if away > 0 {
            checks.push((
                lang.text_with("journey-not-home", &[("n", &away.to_string())]),
                true,
            ));
        }
    }
    let blocked = checks.iter().any(|(_, blocks)| *blocks);
    if !confirmed || blocked {
        let page = crate::web::page::Confirm {
            nav: crate::web::page::Nav::from(visitor),
            title: lang.text(&format!("journey-{}-title", to.code())),
            what: vec![lang.text(&format!("journey-{}-what", to.code()))],
            checks,
            action: format!("/coordinator/programmes/{id}/status"),
            fields: vec![("to".into(), to.code().into())],
            button: lang.text(&format!("journey-{}-button", to.code())),
            back: format!("/coordinator/programmes/{id}"),
        };
        return Ok(axum::response::IntoResponse::into_response(page));
    }
    let result = state
        .write(&permit, async |c| {
            let moved = c
                .transition(
                    sqlx::query("UPDATE programmes SET status = $1 WHERE id = $2 AND status = $3")
                        .bind(to)
                        .bind(id)
                        .bind(from),
                )
                .await?;
            if !moved {
                c.unchanged();
                return Ok(Err(lost(c, id).await?));
            }
            c.audit_as(Action::Update, Resource::Programme, Some(id), to.code());
            Ok(Ok(()))
        })
        .await?;
    match result {
        Ok(()) => Ok(back(id, Ok(()))),
        Err(Refused::NotFound) => Err(AppError::NotFound),
        Err(refused) => Ok(back(id, Err(refused.words(lang, to.code())))),
    }
}

/// The round offered by default: one that appears some 60 days from now,
/// after applications will have closed.
pub fn default_beacon_round(now_ms: i64) -> u64 {
    drand::round_at(now_ms / 1000 + 60 * 24 * 3600)
}

async fn set_status(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let lang = visitor.language;
    let to = ProgrammeStatus::parse(&f.to);
    if let Some(step @ (ProgrammeStatus::Travelling | ProgrammeStatus::Completed)) = to {
        return journey_step(&state, &user, &visitor, id, step, f.confirm == "yes").await;
    }
    let round = match f.beacon_round.trim() {
        "" => default_beacon_round(now_ms()),
        text => text
            .parse::<u64>()
            .map_err(|_| AppError::Invalid("setup-beacon-round-number", vec![]))?,
    };
    let seed = draw_seed()?;
    let result = state
        .write(&permit, async |c| {
            let result = match to {
                Some(ProgrammeStatus::Open) => open(c, id, &seed, round, now_ms()).await?,
                _ => Err(lost(c, id).await?),
            };
            if result.is_err() {
                c.unchanged();
            }
            Ok(result)
        })
        .await?;
    queries::forget_open(&state.cache).await;
    match result {
        Ok(()) => Ok(back(id, Ok(()))),
        Err(Refused::NotFound) => Err(AppError::NotFound),
        Err(refused) => Ok(back(id, Err(refused.words(lang, &f.to)))),
    }
}

//! The lottery's chain (DESIGN.md, "The lottery's integrity"): nobody,
//! coordinator included, can know a lottery number before the inputs are
//! frozen.
//!
//! 1. Opening applications publishes the commitment of the secret seed and
//!    fixes the beacon round, a drand round that has not appeared yet
//!    (`programmes::lifecycle`).
//! 2. Closing applications freezes the inputs (in the change that follows
//!    the closing one, so that it reads every submission committed before
//!    the close): the anonymised export and
//!    its digest are published with the root of a Merkle tree over its
//!    rows, from which each family's receipt proves its application is in
//!    them unchanged. No run, dry or final, happens before.
//! 3. Once the beacon round has appeared, the coordinator enters its value;
//!    the lottery seed is SHA-256(secret seed, beacon, inputs digest).
//! 4. Every final run allocates exactly the frozen inputs with that seed,
//!    and every final run is listed publicly; one is published, and the
//!    secret seed with it. `smena verify` checks each link.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use smena_engine::{Beacon, Seed, Tree, digest, drand};

use super::contract;
use super::runs::{self, Overrides};
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ProgrammeStatus, RunKind};
use crate::programmes::lifecycle::{self, Refused, beacon_in_future, beacon_time};
use crate::programmes::setup::back;
use crate::programmes::{preflight, queries};
use crate::store::{Change, Db, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::{Confirm, Nav};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/coordinator/programmes/{id}/close",
            Access::Policy(Action::Update, Resource::Programme),
            close_applications,
        )
        .post(
            "/coordinator/programmes/{id}/beacon",
            Access::Policy(Action::Update, Resource::Programme),
            beacon,
        )
        .get(
            "/applications/{id}/receipt.txt",
            Access::Policy(Action::Read, Resource::Application),
            receipt_file,
        )
}

/// The inputs as frozen at close.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Frozen {
    pub frozen_at: i64,
    /// The anonymised export, published.
    pub sessions_csv: String,
    pub applicants_csv: String,
    /// SHA-256 of the two files, one after the other.
    pub inputs_digest: String,
    /// The Merkle root over the rows of `applicants_csv`.
    pub receipts_root: String,
    /// The same inputs with every column (personal data): what the final
    /// runs allocate. Never published.
    pub private_sessions_csv: String,
    pub private_applicants_csv: String,
}

pub async fn frozen(db: &Db, programme: i64) -> Result<Option<Frozen>, sqlx::Error> {
    sqlx::query_as(
        "SELECT frozen_at, sessions_csv, applicants_csv, inputs_digest, receipts_root, private_sessions_csv, \
                private_applicants_csv FROM frozen_inputs WHERE programme_id = $1",
    )
    .bind(programme)
    .fetch_optional(db.pool())
    .await
}

/// The data rows of an applicants file (its header left out).
fn rows(applicants_csv: &str) -> impl Iterator<Item = &str> {
    applicants_csv.lines().skip(1)
}

/// Closes an open programme to applications at `at`. If the beacon round
/// fixed at opening has already appeared (the programme closed late),
/// `new_round`, still to come, replaces it: the beacon must be unknown when
/// the inputs freeze ([`freeze`], the next change: it reads what this one
/// committed, so no submission is left out).
pub async fn close(
    c: &mut Change,
    programme: i64,
    at: i64,
    new_round: Option<u64>,
) -> AppResult<Result<(), Refused>> {
    let closed = c
        .transition(
            sqlx::query(
                "UPDATE programmes SET status = $1, applications_close_at = $2 WHERE id = $3 AND status = $4",
            )
            .bind(ProgrammeStatus::Closed)
            .bind(at)
            .bind(programme)
            .bind(ProgrammeStatus::Open),
        )
        .await?;
    if !closed {
        return Ok(Err(lifecycle::lost(c, programme).await?));
    }
    let (announced,): (Option<i64>,) =
        sqlx::query_as("SELECT beacon_round FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(&mut **c)
            .await?;
    let announced = announced.map(|r| r.max(0) as u64);
    let round = match (announced, new_round) {
        (Some(r), _) if beacon_in_future(r, at) => r,
        (_, Some(r)) if beacon_in_future(r, at) => r,
        (Some(r), None) | (_, Some(r)) => return Ok(Err(Refused::BeaconPast(r))),
        (None, None) => return Ok(Err(Refused::BeaconPast(0))),
    };
    if Some(round) != announced {
        sqlx::query("UPDATE programmes SET beacon_round = $1 WHERE id = $2")
            .bind(round as i64)
            .bind(programme)
            .execute(&mut **c)
            .await?;
    }
    let moved = match announced {
        Some(r) if r != round => format!("; beacon round {r} had appeared, replaced by {round}"),
        None => format!("; beacon round {round}"),
        _ => String::new(),
    };
    c.audit_as(
        Action::Update,
        Resource::Programme,
        Some(programme),
        format!("status closed{moved}"),
    );
    Ok(Ok(()))
}

/// Closes the programmes whose application deadline has passed (the
/// service's minute job), as the coordinator's button does: the close,
/// then the freeze, by the service. A beacon round that appeared meanwhile
/// is replaced by one still to come. The programmes closed.
pub async fn close_due(db: &Db, now: i64) -> AppResult<Vec<i64>> {
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM programmes WHERE status = $1 AND applications_close_at IS NOT NULL \
         AND applications_close_at <= $2",
    )
    .bind(ProgrammeStatus::Open)
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let on = (Action::Update, Resource::Programme);
    let mut closed = Vec::new();
    for (id,) in due {
        let round = lifecycle::default_beacon_round(now);
        let result = db
            .write(crate::store::Actor::Service, on, async |c| {
                let result = close(c, id, now, Some(round)).await?;
                if result.is_err() {
                    c.unchanged();
                }
                Ok::<_, AppError>(result)
            })
            .await?;
        if result.is_ok() {
            db.write(crate::store::Actor::Service, on, async |c| {
                freeze(c, db, id).await
            })
            .await?;
            tracing::info!(programme = id, "applications closed at their deadline");
            closed.push(id);
        }
    }
    Ok(closed)
}

/// Freezes the inputs of a closed programme, once (again, it changes
/// nothing): the anonymised export, its digest and the receipts' root, and
/// the full inputs kept privately for final runs. Made in a change after
/// the closing one, it reads every submission committed before the close.
pub async fn freeze(c: &mut Change, db: &Db, programme: i64) -> AppResult<()> {
    let (status, closed_at): (ProgrammeStatus, Option<i64>) =
        sqlx::query_as("SELECT status, applications_close_at FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_optional(&mut **c)
            .await?
            .ok_or(AppError::NotFound)?;
    if matches!(status, ProgrammeStatus::Draft | ProgrammeStatus::Open) {
        return Err(AppError::Invalid("beacon-before-close", vec![]));
    }
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT programme_id FROM frozen_inputs WHERE programme_id = $1")
            .bind(programme)
            .fetch_optional(&mut **c)
            .await?;
    if exists.is_some() {
        c.unchanged();
        return Ok(());
    }
    let built = runs::build(db, programme, &Overrides::default()).await?;
    let (private_sessions, private_applicants) = contract::write_full(&built.instance);
    let inputs_digest =
        digest(format!("{}{}", built.sessions_csv, built.applicants_csv).as_bytes());
    let root = Tree::new(rows(&built.applicants_csv)).root();
    sqlx::query(
        "INSERT INTO frozen_inputs (programme_id, frozen_at, sessions_csv, applicants_csv, inputs_digest, receipts_root, \
                                    private_sessions_csv, private_applicants_csv) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(programme)
    .bind(closed_at.unwrap_or_else(now_ms))
    .bind(&built.sessions_csv)
    .bind(&built.applicants_csv)
    .bind(&inputs_digest)
    .bind(&root)
    .bind(&private_sessions)
    .bind(&private_applicants)
    .execute(&mut **c)
    .await?;
    c.audit_as(
        Action::Update,
        Resource::Programme,
        Some(programme),
        format!(
            "inputs frozen: {} applications, digest {inputs_digest}",
            built.applications.len()
        ),
    );
    Ok(())
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    beacon_round: String,
    #[serde(default)]
    confirm: String,
}

async fn close_applications(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    if f.confirm != "yes" {
        // Asked again, with what is still open.
        let lang = visitor.language;
        let found = preflight::check(&state.db, id, preflight::Step::Close).await?;
        return Ok(Confirm {
            nav: Nav::from(&visitor),
            title: lang.text("close-confirm-title"),
            what: vec![lang.text("close-confirm-what")],
            checks: preflight::listed(&found, lang),
            action: format!("/coordinator/programmes/{id}/close"),
            fields: vec![("beacon_round".into(), f.beacon_round.trim().to_string())],
            button: lang.text("close-confirm-button"),
            back: format!("/coordinator/programmes/{id}"),
        }
        .into_response());
    }
    let new_round = match f.beacon_round.trim() {
        "" => None,
        text => Some(
            text.parse::<u64>()
                .map_err(|_| AppError::Invalid("setup-beacon-round-number", vec![]))?,
        ),
    };
    let result = state
        .write(&permit, async |c| {
            let result = close(c, id, now_ms(), new_round).await?;
            if result.is_err() {
                c.unchanged();
            }
            Ok(result)
        })
        .await?;
    queries::forget_open(&state.cache).await;
    if result.is_ok() {
        state
            .write(&permit, async |c| freeze(c, &state.db, id).await)
            .await?;
    }
    match result {
        Ok(()) => Ok(back(id, Ok(()))),
        Err(Refused::NotFound) => Err(AppError::NotFound),
        Err(refused) => Ok(back(id, Err(refused.words(visitor.language, "closed")))),
    }
}

/// Records the beacon's value, once, after the inputs froze, and derives
/// the lottery seed from it.
pub async fn enter_beacon(c: &mut Change, programme: i64, beacon: &Beacon) -> AppResult<Seed> {
    #[derive(sqlx::FromRow)]
    struct Row {
        status: ProgrammeStatus,
        seed_hex: Option<String>,
        beacon_hex: Option<String>,
        inputs_digest: Option<String>,
    }
    let row: Row = sqlx::query_as(
        "SELECT p.status, p.seed_hex, p.beacon_hex, f.inputs_digest FROM programmes p \
         LEFT JOIN frozen_inputs f ON f.programme_id = p.id WHERE p.id = $1",
    )
    .bind(programme)
    .fetch_optional(&mut **c)
    .await?
    .ok_or(AppError::NotFound)?;
    let (Some(digest_hex), ProgrammeStatus::Closed) = (&row.inputs_digest, row.status) else {
        return Err(AppError::Invalid("beacon-before-close", vec![]));
    };
    if row.beacon_hex.is_some() {
        return Err(AppError::Conflict("beacon-already", vec![]));
    }
    let secret = Seed::from_hex(row.seed_hex.as_deref().unwrap_or_default())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("programme seed: {e}")))?;
    let mut digest_bytes = [0u8; 32];
    hex::decode_to_slice(digest_hex, &mut digest_bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("inputs digest: {e}")))?;
    let seed = Seed::lottery_seed(&secret, beacon, &digest_bytes);
    let entered = c
        .transition(
            sqlx::query(
                "UPDATE programmes SET beacon_hex = $1, lottery_seed_hex = $2 WHERE id = $3 AND beacon_hex IS NULL",
            )
            .bind(beacon.to_hex())
            .bind(seed.to_hex())
            .bind(programme),
        )
        .await?;
    if !entered {
        return Err(AppError::Conflict("beacon-already", vec![]));
    }
    c.audit_as(
        Action::Update,
        Resource::Programme,
        Some(programme),
        format!("beacon {}", beacon.to_hex()),
    );
    Ok(seed)
}

#[derive(Deserialize)]
struct BeaconForm {
    value: String,
}

async fn beacon(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(f): Form<BeaconForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Programme)?;
    let value = Beacon::from_hex(&f.value.trim().to_ascii_lowercase())
        .map_err(|_| AppError::Invalid("beacon-not-hex", vec![]))?;
    // Frozen already, unless the closing change's successor never ran.
    state
        .write(&permit, async |c| freeze(c, &state.db, id).await)
        .await?;
    state
        .write(&permit, async |c| enter_beacon(c, id, &value).await)
        .await?;
    Ok(back(id, Ok(())))
}

/// The seed the lottery draws with: refused before the inputs froze and
/// the beacon was entered.
pub async fn lottery_seed(db: &Db, programme: i64) -> AppResult<Seed> {
    let row: Option<(ProgrammeStatus, Option<String>)> =
        sqlx::query_as("SELECT status, lottery_seed_hex FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_optional(db.pool())
            .await?;
    let (status, seed) = row.ok_or(AppError::NotFound)?;
    if matches!(status, ProgrammeStatus::Draft | ProgrammeStatus::Open) {
        return Err(AppError::Invalid("run-before-close", vec![]));
    }
    let seed = seed.ok_or(AppError::Invalid("run-needs-beacon", vec![]))?;
    Seed::from_hex(&seed).map_err(|e| AppError::Internal(anyhow::anyhow!("lottery seed: {e}")))
}

/// What the public page and the record show of a programme's chain.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Chain {
    pub code: String,
    pub status: ProgrammeStatus,
    pub commitment_hex: Option<String>,
    pub applications_open_at: Option<i64>,
    pub beacon_round: Option<i64>,
    pub beacon_hex: Option<String>,
    pub seed_hex: Option<String>,
    pub seed_revealed: i32,
    pub lottery_seed_hex: Option<String>,
}

impl Chain {
    pub fn beacon_time(&self) -> Option<String> {
        self.beacon_round.map(|r| beacon_time(r.max(0) as u64))
    }

    /// The secret seed, once revealed at publication.
    pub fn secret(&self) -> Option<&str> {
        (self.seed_revealed != 0)
            .then_some(self.seed_hex.as_deref())
            .flatten()
    }

    /// The lottery seed, shown with the result (before, anyone could
    /// compute the result ahead of its publication).
    pub fn lottery(&self) -> Option<&str> {
        (self.seed_revealed != 0)
            .then_some(self.lottery_seed_hex.as_deref())
            .flatten()
    }
}

pub async fn chain(db: &Db, programme: i64) -> Result<Option<Chain>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, status, commitment_hex, applications_open_at, beacon_round, beacon_hex, seed_hex, seed_revealed, \
                lottery_seed_hex FROM programmes WHERE id = $1",
    )
    .bind(programme)
    .fetch_optional(db.pool())
    .await
}

/// A final run as the public list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FinalRun {
    pub id: i64,
    pub created_at: i64,
    pub results_digest: String,
    pub published_at: Option<i64>,
}

/// Every final run of the programme, oldest first.
pub async fn final_runs(db: &Db, programme: i64) -> Result<Vec<FinalRun>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, created_at, results_digest, published_at FROM allocation_runs \
         WHERE programme_id = $1 AND kind = $2 ORDER BY created_at, id",
    )
    .bind(programme)
    .bind(RunKind::Final)
    .fetch_all(db.pool())
    .await
}

fn utc(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// The lottery's record, as `smena verify --record` reads it: one `name:
/// value` per line, filled in as the programme goes (nothing before
/// applications close).
pub async fn record(db: &Db, programme: i64) -> AppResult<Option<String>> {
    let Some(chain) = chain(db, programme).await? else {
        return Ok(None);
    };
    let Some(frozen) = frozen(db, programme).await? else {
        return Ok(None);
    };
    let mut out = format!(
        "# The lottery record of programme {code}: check it with\n\
         #   smena verify --record lottery.txt --sessions sessions.csv --applicants applicants.csv \
         --placements placements.csv --beacon <the value of the beacon round, looked up at drand>\n\
         programme: {code}\n",
        code = chain.code
    );
    let mut line = |name: &str, value: String| {
        out.push_str(&format!("{name}: {value}\n"));
    };
    line(
        "commitment",
        chain.commitment_hex.clone().unwrap_or_default(),
    );
    if let Some(at) = chain.applications_open_at {
        line("opened_at", utc(at));
    }
    line(
        "beacon_chain",
        format!("drand quicknet {}", drand::QUICKNET),
    );
    if let Some(r) = chain.beacon_round {
        line("beacon_round", r.to_string());
        line(
            "beacon_round_at",
            utc(drand::round_time(r.max(0) as u64) * 1000),
        );
    }
    line("frozen_at", utc(frozen.frozen_at));
    line("inputs_digest", frozen.inputs_digest.clone());
    line("receipts_root", frozen.receipts_root.clone());
    if let Some(b) = &chain.beacon_hex {
        line("beacon", b.clone());
    }
    if let Some(s) = chain.secret() {
        line("secret_seed", s.to_string());
    }
    if let Some(s) = chain.lottery() {
        line("lottery_seed", s.to_string());
    }
    for run in final_runs(db, programme).await? {
        line(
            "final_run",
            format!(
                "{} {} {}{}",
                run.id,
                utc(run.created_at),
                run.results_digest,
                if run.published_at.is_some() {
                    " published"
                } else {
                    ""
                }
            ),
        );
    }
    Ok(Some(out))
}

/// A family's receipt for the application with public reference
/// `reference`, once the inputs are frozen.
pub async fn receipt(db: &Db, programme: i64, reference: &str) -> AppResult<Option<String>> {
    let Some(frozen) = frozen(db, programme).await? else {
        return Ok(None);
    };
    let Some(chain) = chain(db, programme).await? else {
        return Ok(None);
    };
    let tree = Tree::new(rows(&frozen.applicants_csv));
    // Each child has a row of its own, named by its reference.
    let found = rows(&frozen.applicants_csv)
        .enumerate()
        .find(|(_, row)| row.split(',').next().map(|id| id.trim_matches('"')) == Some(reference));
    let Some((index, row)) = found else {
        return Ok(None);
    };
    let Some(r) = tree.receipt(index, row) else {
        return Ok(None);
    };
    let mut out = format!(
        "# Your receipt: application {reference} is in the frozen inputs of programme {code}, unchanged.\n\
         # Check it with: smena verify --receipt receipt.txt --record lottery.txt\n\
         programme: {code}\n\
         applicant_id: {reference}\n\
         row: {row}\n\
         index: {index}\n\
         rows: {rows}\n",
        code = chain.code,
        rows = r.leaves,
    );
    for hash in &r.path {
        out.push_str(&format!("path: {hash}\n"));
    }
    out.push_str(&format!(
        "receipts_root: {}\ninputs_digest: {}\n",
        frozen.receipts_root, frozen.inputs_digest
    ));
    Ok(Some(out))
}

async fn receipt_file(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (application, _, permit) =
        crate::applications::load_application(&state, &user, Action::Read, id).await?;
    let reference = application.reference.clone().ok_or(AppError::NotFound)?;
    let text = receipt(&state.db, application.programme_id, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    state.record(&permit, Some(id), "receipt").await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"receipt-{}.txt\"",
        crate::store::files::clean_name(&reference)
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

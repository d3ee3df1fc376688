//! An application: ranked choices among the sessions the child may take,
//! consents recorded with who, when and which wording, a draft that keeps
//! what was typed, and a submission that happens once however often it is
//! sent (idempotency key). Once a result is published the page shows the
//! offer and why the child got what it got.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::blocks;
use super::children::{child_for, find};
use super::queries::{self, Application, Child};
use crate::documents;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, OfferStatus, ProgrammeStatus};
use crate::language::Language;
use crate::language::words;
use crate::programmes::queries::{self as programmes, SessionRow};
use crate::programmes::scoring::{self, Breakdown};
use crate::store::{Change, Mail, new_id, now_ms, random_token};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/children/{id}/applications",
            Access::Policy(Action::Create, Resource::Application),
            start,
        )
        .get(
            "/applications/{id}",
            Access::Policy(Action::Read, Resource::Application),
            view,
        )
        .post(
            "/applications/{id}",
            Access::Policy(Action::Update, Resource::Application),
            save,
        )
}

/// The wording families agree to; the version is stored with each consent.
pub const CONSENT_VERSION: &str = "2027-2";
/// (kind, the key of its wording in the Fluent files).
pub const CONSENTS: &[(&str, &str)] = &[
    ("participation", "consent-participation"),
    ("personal_data", "consent-personal-data"),
];

/// A consent's wording in `lang`, with the day the programme's personal
/// data is deleted (`retain_until`, YYYY-MM-DD).
pub fn consent_wording(lang: Language, key: &str, retain_until: &str) -> String {
    lang.text_with(key, &[("until", &lang.date(retain_until))])
}

/// A session and whether this child may take it.
pub struct SessionChoice {
    pub session: SessionRow,
    pub ineligible: Option<String>,
}

/// Why the child may not take the session, in words; `None` if it may.
fn eligibility(
    child: &Child,
    s: &SessionRow,
    passport_months: i32,
    lang: Language,
) -> Option<String> {
    let age = smena_engine::age_on(child.birth_date.date(), s.starts.date());
    if age < s.min_age.max(0) as u32 || age > s.max_age.max(0) as u32 {
        return Some(lang.text_with(
            "ineligible-age",
            &[
                ("min", &s.min_age.to_string()),
                ("max", &s.max_age.to_string()),
                ("n", &age.to_string()),
            ],
        ));
    }
    let needed = smena_engine::add_months(s.ends.date(), passport_months.max(0) as u32);
    match child.passport_expires.map(|d| d.date()) {
        None => Some(lang.text_with(
            "ineligible-no-passport",
            &[("date", &lang.date(&needed.to_string()))],
        )),
        Some(p) if p < needed => Some(lang.text_with(
            "ineligible-passport",
            &[
                ("expires", &lang.date(&p.to_string())),
                ("date", &lang.date(&needed.to_string())),
            ],
        )),
        Some(_) => None,
    }
}

/// Starts a draft application of a child for a programme, or finds the one
/// it has; its id, and whether it is new.
pub async fn start_draft(
    c: &mut Change,
    child: i64,
    programme: i64,
    at: i64,
) -> Result<(i64, bool), sqlx::Error> {
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM applications WHERE child_id = $1 AND programme_id = $2")
            .bind(child)
            .bind(programme)
            .fetch_optional(&mut **c)
            .await?;
    if let Some((id,)) = existing {
        return Ok((id, false));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO applications (id, programme_id, child_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(programme)
    .bind(child)
    .bind(ApplicationStatus::Draft)
    .bind(at)
    .bind(at)
    .execute(&mut **c)
    .await?;
    c.audit_as(Action::Create, Resource::Application, Some(id), "draft");
    Ok((id, true))
}

async fn start(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(child_id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Application)?;
    let (child, _) = child_for(&state, &user, Action::Update, child_id).await?;
    let programme = programmes::open_programme(&state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest(visitor.language.text("application-no-programme")))?;
    let id = state
        .write(&permit, async |c| {
            let (id, new) = start_draft(c, child.id, programme.id, now_ms()).await?;
            if !new {
                c.unchanged();
            }
            Ok(id)
        })
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/application.html")]
pub struct ApplicationPage {
    nav: Nav,
    application: Application,
    child: Child,
    programme_name: String,
    editable: bool,
    /// Submitted, and its ranking may still change (applications open).
    changeable: bool,
    sessions: Vec<SessionChoice>,
    /// Session id chosen at each rank ("" when empty), as typed.
    chosen: Vec<String>,
    /// (kind, wording, given).
    consents: Vec<(&'static str, String, bool)>,
    /// Every consent given and withdrawn, oldest first.
    consent_history: Vec<super::consents::ConsentEvent>,
    /// A submitted application's live consents may be withdrawn.
    consents_withdrawable: bool,
    breakdown: Breakdown,
    /// What the school's nomination means for this child, when the
    /// programme's rules give it a meaning.
    nomination: Option<String>,
    /// Incidents the family was told of, newest first.
    incidents: Vec<crate::incidents::Shown>,
    /// When applications close, for a draft ("…, 12 days left").
    closes: Option<String>,
    missing_documents: Vec<String>,
    errors: Vec<String>,
    notice: Option<String>,
    idem: String,
    offer: Option<Offer>,
    can_withdraw: bool,
    /// The published run's explanation, choice by choice, in words.
    explanations: Vec<String>,
    /// Left out of the results for documents, all accepted since.
    documents_now_accepted: bool,
    /// The results are out and the child may still move up: a link to
    /// where it waits.
    show_waitlist: bool,
    /// Documents due later that the place depends on: (name, by when).
    conditions: Vec<(String, String)>,
    /// The visa or invitation the camp's country requires, not accepted
    /// yet: (name, by when).
    entry: Option<(String, String)>,
    /// The family's other applications, shown to the guardian only.
    siblings: Vec<blocks::Sibling>,
    /// Names of the siblings in the same block, for the guardian.
    together_with: String,
    max_together: usize,
    /// Applications have closed and this one is in the frozen inputs: its
    /// receipt can be downloaded.
    receipt: bool,
    /// The family's and the coordinators' messages about it, oldest first.
    messages: Vec<super::messages::Message>,
    /// The reader may write in the thread (the guardian, a coordinator).
    can_write: bool,
    /// A message sent back with a problem, as typed.
    typed_message: String,
}

/// The place offered to the child, if any.
pub struct Offer {
    pub session: String,
    pub choice_rank: i32,
    pub status: OfferStatus,
    pub deadline: String,
    pub open: bool,
    /// The travel voucher has been issued (the place was accepted).
    pub voucher: bool,
    /// When and where the group leaves, and where to meet, as far as the
    /// coordinator has set them: (label key, value), for an accepted place.
    pub travel: Vec<(&'static str, String)>,
    /// The group's legs in words, in order (once the groups are formed).
    pub itinerary: Vec<String>,
    /// What to bring, one thing a line.
    pub bring: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    code: String,
    choice_rank: i32,
    status: OfferStatus,
    deadline: i64,
    voucher_code: Option<String>,
    departure: String,
    departs_at: Option<i64>,
    meeting_point: String,
    what_to_bring: String,
}

/// Finds the application through its child, so the child's scope applies;
/// the permit it was found with.
pub async fn load(
    state: &AppState,
    user: &User,
    action: Action,
    id: i64,
) -> AppResult<(Application, Child, Permit)> {
    let permit = authorize(user, action, Resource::Application)?;
    if action != Action::Read {
        // Saving needs the head and the child: one query, scope included.
        let scope = authorize(user, Action::Update, Resource::Child)?.scope();
        return match queries::application_and_child(&state.db, user, scope, id).await? {
            Some((application, child)) => Ok((application, child, permit)),
            None => {
                state
                    .denied(user, Action::Update, Resource::Application, Some(id))
                    .await
            }
        };
    }
    let Some(application) = queries::application(&state.db, id).await? else {
        return state
            .denied(user, Action::Read, Resource::Application, Some(id))
            .await;
    };
    let child_permit = authorize(user, Action::Read, Resource::Child)?;
    let child = find(state, user, &child_permit, application.child_id).await?;
    Ok((application, child, permit))
}

/// What to show back after a save: the choices as typed, the problems, or a
/// notice.
#[derive(Default)]
pub(super) struct Feedback {
    pub(super) chosen: Option<Vec<String>>,
    /// The applications ticked to be placed together, as sent.
    pub(super) together: Option<Vec<i64>>,
    pub(super) errors: Vec<String>,
    pub(super) notice: Option<String>,
    /// A message to the coordinators sent back with a problem, as typed.
    pub(super) message: Option<String>,
}

pub(super) async fn page(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    application: Application,
    child: Child,
    feedback: Feedback,
) -> AppResult<ApplicationPage> {
    let Feedback {
        chosen,
        together,
        errors,
        notice,
        message,
    } = feedback;
    let lang = visitor.language;
    let programme = programmes::open_programme(&state.db).await?;
    let passport_months = programme.as_ref().map_or(0, |p| p.passport_months);
    let max_choices = programme
        .as_ref()
        .map_or(application.choices.len() as i32, |p| p.max_choices)
        .max(1) as usize;
    let (programme_name, programme_status, retain_until): (String, ProgrammeStatus, String) =
        sqlx::query_as("SELECT name, status, retain_until FROM programmes WHERE id = $1")
            .bind(application.programme_id)
            .fetch_one(state.db.pool())
            .await?;
    let receipt = application.reference.is_some()
        && matches!(
            programme_status,
            ProgrammeStatus::Closed
                | ProgrammeStatus::Allocated
                | ProgrammeStatus::Published
                | ProgrammeStatus::Travelling
                | ProgrammeStatus::Completed
        );
    let sessions = programmes::sessions(&state.db, application.programme_id)
        .await?
        .into_iter()
        .map(|s| SessionChoice {
            ineligible: eligibility(&child, &s, passport_months, lang),
            session: s,
        })
        .collect();
    let mut chosen =
        chosen.unwrap_or_else(|| application.choices.iter().map(|c| c.to_string()).collect());
    chosen.resize(max_choices.max(chosen.len()), String::new());
    let consents = CONSENTS
        .iter()
        .map(|(k, t)| {
            (
                *k,
                consent_wording(lang, t, &retain_until),
                application.consents.iter().any(|c| c == k),
            )
        })
        .collect();
    let consent_history = super::consents::history(&state.db, application.id).await?;
    let consents_withdrawable = application.status == ApplicationStatus::Submitted;
    let rules = programmes::rules(&state.db, application.programme_id).await?;
    let achievements: Vec<_> = queries::achievements(&state.db, child.id)
        .await?
        .into_iter()
        .map(|a| a.achievement)
        .collect();
    let nominated = queries::nominated(&state.db, child.id).await?;
    let breakdown = scoring::compute(
        &rules,
        &achievements,
        child.rural(),
        child.category.as_deref(),
        nominated,
    );
    let nomination = nomination_words(&rules, nominated, lang);
    let missing_documents =
        documents::missing(&state.db, application.programme_id, child.id).await?;
    let guardian = child.guardian_id == user.id;
    let editable =
        application.status == ApplicationStatus::Draft && guardian && programme.is_some();
    // A submitted application's ranking may change while applications are
    // open (a block's members rank together, so not theirs).
    let changeable = application.status == ApplicationStatus::Submitted
        && guardian
        && application.block_ref.is_none()
        && programme.as_ref().is_some_and(|p| {
            p.id == application.programme_id && p.closes_at.is_none_or(|t| t > now_ms())
        });
    let offer = sqlx::query_as::<_, OfferRow>(
        "SELECT s.code, o.choice_rank, o.status, o.deadline, o.voucher_code, s.departure, s.departs_at, \
                s.meeting_point, s.what_to_bring FROM offers o \
         JOIN sessions s ON s.id = o.session_id WHERE o.application_id = $1",
    )
    .bind(application.id)
    .fetch_optional(state.db.pool())
    .await?
    .map(|o| Offer {
        itinerary: Vec::new(),
        bring: if o.status == OfferStatus::Accepted {
            o.what_to_bring
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        },
        travel: if o.status == OfferStatus::Accepted {
            [
                ("field-departs", o.departs_at.map(|ms| lang.moment(ms)).unwrap_or_default()),
                ("field-departure", o.departure.clone()),
                ("field-meeting-point", o.meeting_point.replace('\n', ", ")),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect()
        } else {
            Vec::new()
        },
        open: o.status == OfferStatus::Offered && o.deadline > now_ms() && guardian,
        voucher: o.voucher_code.is_some() && o.status == OfferStatus::Accepted,
        session: o.code,
        choice_rank: o.choice_rank,
        status: o.status,
        deadline: lang.deadline(o.deadline, now_ms()),
    });
    let incidents = crate::incidents::told_to_family(&state.db, application.id).await?;
    let mut offer = offer;
    if let Some(o) = offer.as_mut()
        && o.status == OfferStatus::Accepted
    {
        o.itinerary = crate::groups::legs::of_application(&state.db, application.id)
            .await?
            .iter()
            .map(|l| l.line(&lang))
            .collect();
    }
    // While applications are open: when they close, with the days left.
    let closes = programme
        .as_ref()
        .filter(|p| {
            p.id == application.programme_id && application.status == ApplicationStatus::Draft
        })
        .and_then(|p| p.closes_at)
        .map(|at| lang.deadline(at, now_ms()));
    let explanations: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT e.sentence, e.words FROM explanations e \
         JOIN allocation_runs r ON r.id = e.run_id AND r.published_at IS NOT NULL \
         WHERE e.application_id = $1 ORDER BY e.choice_rank",
    )
    .bind(application.id)
    .fetch_all(state.db.pool())
    .await?;
    // Left out of the results for documents since accepted: now waiting
    // for a place (the backfill gives one when it falls free).
    let left_out_for_documents = explanations.iter().any(|(_, w)| {
        w.as_deref()
            .is_some_and(|w| w.contains("ineligible-documents"))
    });
    let documents_now_accepted = left_out_for_documents
        && offer.is_none()
        && application.status == ApplicationStatus::Submitted
        && documents::verified(
            &documents::required(&state.db, application.programme_id).await?,
            &documents::accepted_kinds(&state.db, child.id).await?,
        );
    // Documents due after applications closed that a place depends on,
    // and the entry document the child cannot depart without.
    let (conditions, entry) = if offer
        .as_ref()
        .is_some_and(|o| matches!(o.status, OfferStatus::Offered | OfferStatus::Accepted))
    {
        let accepted = documents::accepted_kinds(&state.db, child.id).await?;
        (
            documents::conditions(&state.db, application.programme_id, child.id)
                .await?
                .into_iter()
                .map(|r| (r.name, lang.date(&r.deadline.to_string())))
                .collect(),
            documents::entry_document(&state.db, application.programme_id, child.id)
                .await?
                .filter(|r| !accepted.contains(&r.kind))
                .map(|r| (r.name, lang.date(&r.deadline.to_string()))),
        )
    } else {
        (vec![], None)
    };
    let show_waitlist = !explanations.is_empty()
        && application.status == ApplicationStatus::Submitted
        && offer.as_ref().is_none_or(|o| {
            o.choice_rank > 1 && matches!(o.status, OfferStatus::Offered | OfferStatus::Accepted)
        });
    let explanations = explanations
        .into_iter()
        .map(|(sentence, stored)| words::stored(stored.as_deref(), &sentence, lang))
        .collect();
    let can_withdraw = guardian && application.status == ApplicationStatus::Submitted;
    let mut siblings = if guardian {
        let mut conn = state.db.pool().acquire().await?;
        blocks::siblings(&mut conn, user.id, &application).await?
    } else {
        Vec::new()
    };
    if let Some(t) = together {
        for s in &mut siblings {
            s.together = t.contains(&s.application_id);
        }
    }
    let messages = super::messages::thread(&state.db, application.id).await?;
    let can_write = guardian || user.role == crate::domain::access::Role::Coordinator;
    Ok(ApplicationPage {
        nav: Nav::from(visitor),
        receipt,
        messages,
        can_write,
        typed_message: message.unwrap_or_default(),
        editable,
        changeable,
        application,
        child,
        programme_name,
        sessions,
        chosen,
        consents,
        consent_history,
        consents_withdrawable,
        breakdown,
        nomination,
        incidents,
        closes,
        missing_documents,
        errors,
        notice,
        idem: random_token(),
        can_withdraw,
        offer,
        explanations,
        documents_now_accepted,
        show_waitlist,
        conditions,
        entry,
        together_with: siblings
            .iter()
            .filter(|s| s.together)
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        siblings,
        max_together: blocks::MAX_CHILDREN,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> AppResult<ApplicationPage> {
    let (application, child, permit) = load(&state, &user, Action::Read, id).await?;
    state.record(&permit, Some(id), "").await?;
    let notice = match q.done.as_deref() {
        Some("received") if application.status == ApplicationStatus::Submitted => {
            Some(visitor.language.text("application-received"))
        }
        Some("saved") => Some(visitor.language.text("application-saved")),
        Some("changed") => Some(visitor.language.text("application-changed")),
        _ => None,
    };
    page(
        &state,
        &user,
        &visitor,
        application,
        child,
        Feedback {
            notice,
            ..Feedback::default()
        },
    )
    .await
}

/// Records the consents given (once, the first time, with who and when)
/// and marks those unticked in a draft as withdrawn, by whom and when.
pub async fn set_consents(
    c: &mut Change,
    application: i64,
    given: &[&str],
    by: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    if !given.is_empty() {
        let rows: Vec<String> = (0..given.len())
            .map(|i| format!("(${}, $1, ${}, $2, $3, $4)", 5 + 2 * i, 6 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO consents (id, application_id, kind, text_version, given_by, given_at) VALUES {} \
             ON CONFLICT (application_id, kind) WHERE withdrawn_at IS NULL DO NOTHING",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(application)
            .bind(CONSENT_VERSION)
            .bind(by)
            .bind(at);
        for kind in given {
            q = q.bind(new_id()).bind(*kind);
        }
        q.execute(&mut **c).await?;
    }
    for (kind, _) in CONSENTS.iter().filter(|(k, _)| !given.contains(k)) {
        sqlx::query(
            "UPDATE consents SET withdrawn_by = $3, withdrawn_at = $4 \
             WHERE application_id = $1 AND kind = $2 AND withdrawn_at IS NULL",
        )
        .bind(application)
        .bind(*kind)
        .bind(by)
        .bind(at)
        .execute(&mut **c)
        .await?;
    }
    Ok(())
}

/// Submits a draft: its public reference is the next of the programme's,
/// in submission order (the lottery is drawn for it; it is fixed and sent
/// to the family before the seed is revealed). Counting on the programme's
/// row serialises submissions, and refuses one to a programme that closed
/// a moment ago. Returns the reference, or `None` if the application was
/// no longer a draft.
pub async fn submit(
    c: &mut Change,
    application: i64,
    programme: i64,
    idempotency_key: Option<&str>,
    at: i64,
) -> AppResult<Option<String>> {
    let counted: Option<(i32, String)> = sqlx::query_as(
        "UPDATE programmes SET submissions = submissions + 1 WHERE id = $1 AND status = $2 RETURNING submissions, code",
    )
    .bind(programme)
    .bind(ProgrammeStatus::Open)
    .fetch_optional(&mut **c)
    .await?;
    let Some((n, code)) = counted else {
        return Err(AppError::Invalid("application-closed", vec![]));
    };
    // A key already spent on another application (a form copied between
    // tabs, or a forged one) is refused before the write that would break
    // its uniqueness.
    if let Some(key) = idempotency_key {
        let used: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM applications WHERE idempotency_key = $1 AND id <> $2")
                .bind(key)
                .bind(application)
                .fetch_optional(&mut **c)
                .await?;
        if used.is_some() {
            return Err(AppError::Invalid("application-form-reused", vec![]));
        }
    }
    let reference = format!("{code}-{n:06}");
    let submitted = c
        .transition(
            sqlx::query(
                "UPDATE applications SET status = $1, submitted_at = $2, updated_at = $3, idempotency_key = $4, reference = $5 \
                 WHERE id = $6 AND status = $7",
            )
            .bind(ApplicationStatus::Submitted)
            .bind(at)
            .bind(at)
            .bind(idempotency_key)
            .bind(&reference)
            .bind(application)
            .bind(ApplicationStatus::Draft),
        )
        .await?;
    Ok(submitted.then_some(reference))
}

/// What the form sends: `choice_1`…, consent checkboxes, `action`, `idem`.
/// The sessions typed at each rank ("" where none), as many as the
/// programme takes.
fn typed_choices(get: &impl Fn(&str) -> Option<String>, max_choices: i32) -> Vec<String> {
    (1..=max_choices.max(1) as usize)
        .map(|k| get(&format!("choice_{k}")).unwrap_or_default())
        .collect()
}

/// The ranked sessions typed, read: the session ids the child may take, in
/// order, and what is wrong (unknown, a gap, twice, not for this child).
fn read_choices(
    typed: &[String],
    sessions: &[SessionRow],
    child: &Child,
    programme: &programmes::OpenProgramme,
    lang: Language,
) -> (Vec<i64>, Vec<String>) {
    let mut errors = Vec::new();
    let mut picked: Vec<i64> = Vec::new();
    let mut gap = None;
    for (k, t) in typed.iter().enumerate() {
        if t.is_empty() {
            gap.get_or_insert(k + 1);
            continue;
        }
        let Some(s) = t
            .parse::<i64>()
            .ok()
            .and_then(|id| sessions.iter().find(|s| s.id == id))
        else {
            errors.push(lang.text_with("choice-unknown", &[("rank", &(k + 1).to_string())]));
            continue;
        };
        if let Some(g) = gap {
            errors.push(lang.text_with(
                "choice-gap",
                &[("empty", &g.to_string()), ("rank", &(k + 1).to_string())],
            ));
        }
        if picked.contains(&s.id) {
            errors.push(lang.text_with("choice-twice", &[("session", &s.code)]));
        } else if let Some(why) = eligibility(child, s, programme.passport_months, lang) {
            errors
                .push(lang.text_with("choice-ineligible", &[("session", &s.code), ("why", &why)]));
        } else {
            picked.push(s.id);
        }
    }
    (picked, errors)
}

/// A submitted application's new ranking, while applications are open: the
/// same checks as a draft's, at least one session; the programme must still
/// be open in the change itself (its lock held), and the application still
/// submitted. Audited; the inputs freeze at closing, so the lottery sees
/// the last ranking.
async fn change_choices(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    (application, child, permit): (Application, Child, Permit),
    fields: &[(String, String)],
) -> AppResult<Response> {
    let lang = visitor.language;
    let id = application.id;
    if child.guardian_id != user.id {
        return Err(AppError::NotFound);
    }
    if application.block_ref.is_some() {
        return Err(AppError::BadRequest(lang.text("application-change-block")));
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let open = programmes::open_cached(&state.db, &state.cache)
        .await?
        .filter(|o| {
            o.programme.id == application.programme_id
                && o.programme.closes_at.is_none_or(|t| t > now_ms())
        })
        .ok_or_else(|| AppError::BadRequest(lang.text("application-closed")))?;
    let typed = typed_choices(&get, open.programme.max_choices);
    let (picked, mut errors) = read_choices(&typed, &open.sessions, &child, &open.programme, lang);
    if picked.is_empty() && errors.is_empty() {
        errors.push(lang.text("choice-none"));
    }
    if errors.is_empty() {
        let programme = open.programme.id;
        let changed = state
            .write(&permit, async |c| {
                c.lock_programme(programme).await?;
                let still_open: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM programmes WHERE id = $1 AND status = $2 \
                     AND (applications_close_at IS NULL OR applications_close_at > $3)",
                )
                .bind(programme)
                .bind(ProgrammeStatus::Open)
                .bind(now_ms())
                .fetch_optional(&mut **c)
                .await?;
                if still_open.is_none() {
                    c.unchanged();
                    return Ok(Some(AppError::BadRequest(lang.text("application-closed"))));
                }
                let submitted = c
                    .transition(
                        sqlx::query(
                            "UPDATE applications SET updated_at = $1 WHERE id = $2 AND status = $3",
                        )
                        .bind(now_ms())
                        .bind(id)
                        .bind(ApplicationStatus::Submitted),
                    )
                    .await?;
                if !submitted {
                    c.unchanged();
                    return Ok(Some(AppError::Conflict("application-unchangeable", vec![])));
                }
                queries::set_choices(c, id, application.stored_choices, &picked).await?;
                c.audit(Some(id), "choices_changed");
                Ok(None)
            })
            .await?;
        if let Some(refused) = changed {
            return Err(refused);
        }
        return Ok(Redirect::to(&format!("/applications/{id}?done=changed")).into_response());
    }
    let feedback = Feedback {
        chosen: Some(typed),
        together: None,
        errors,
        notice: None,
        message: None,
    };
    let page = page(state, user, visitor, application, child, feedback).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (application, child, permit) = load(&state, &user, Action::Update, id).await?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let submitting = get("action").as_deref() == Some("submit");
    let lang = visitor.language;
    let idem = get("idem").filter(|k| !k.is_empty());
    if child.guardian_id != user.id {
        return Err(AppError::NotFound);
    }
    let changing = get("action").as_deref() == Some("change");
    if changing && application.status == ApplicationStatus::Submitted {
        return change_choices(
            &state,
            &user,
            &visitor,
            (application, child, permit),
            &fields,
        )
        .await;
    }
    if application.status != ApplicationStatus::Draft {
        if submitting && application.status == ApplicationStatus::Submitted {
            // A repeated submission (double click, retry on a slow link):
            // nothing new happens; the family sees that it was received.
            return Ok(Redirect::to(&format!("/applications/{id}?done=received")).into_response());
        }
        return Err(AppError::BadRequest(lang.text("application-unchangeable")));
    }
    let open = programmes::open_cached(&state.db, &state.cache)
        .await?
        .filter(|o| {
            o.programme.id == application.programme_id
                && o.programme.closes_at.is_none_or(|t| t > now_ms())
        })
        .ok_or_else(|| AppError::BadRequest(lang.text("application-closed")))?;
    let (programme, sessions) = (&open.programme, &open.sessions);

    let typed = typed_choices(&get, programme.max_choices);
    let (picked, mut errors) = read_choices(&typed, sessions, &child, programme, lang);
    // Whether the ranked choices themselves can be saved in the draft.
    let choices_ok = errors.is_empty();
    let consents: Vec<&str> = CONSENTS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| get(&format!("consent_{k}")).is_some())
        .collect();
    if submitting {
        if picked.is_empty() && errors.is_empty() {
            errors.push(lang.text("choice-none"));
        }
        if consents.len() < CONSENTS.len() {
            errors.push(lang.text("consents-needed"));
        }
        if !user.email_verified.0 {
            errors.push(lang.text("confirm-email-first"));
        }
        let missing = documents::missing(&state.db, programme.id, child.id).await?;
        if !missing.is_empty() {
            errors.push(lang.text_with("documents-missing", &[("document", &missing.join(", "))]));
        }
    }
    // Children placed together: the form lists the family's other
    // applications when there are any (`together_shown`); an application
    // already in a block is checked against it at submission either way.
    let together_shown = get("together_shown").is_some();
    let typed_together: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "together")
        .map(|(_, v)| v.trim().parse().unwrap_or(-1))
        .collect();
    let now = now_ms();
    let base = &state.config.base_url;
    // The draft is saved whatever else is wrong, as long as its choices are.
    let saved = state
        .write(&permit, async |c| {
            // Still a draft? (Another tab may have submitted it a moment
            // ago.) The row stays locked until this change commits.
            let draft = c
                .transition(
                    sqlx::query(
                        "UPDATE applications SET updated_at = $1 WHERE id = $2 AND status = $3",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(ApplicationStatus::Draft),
                )
                .await?;
            if !draft {
                c.unchanged();
                return Ok(None);
            }
            let mut errors = errors;
            if together_shown || (submitting && application.block_ref.is_some()) {
                let siblings = blocks::siblings(c, child.guardian_id, &application).await?;
                let wanted = if together_shown {
                    typed_together.clone()
                } else {
                    siblings
                        .iter()
                        .filter(|s| s.together)
                        .map(|s| s.application_id)
                        .collect()
                };
                let code = |s: i64| {
                    sessions
                        .iter()
                        .find(|x| x.id == s)
                        .map_or_else(|| s.to_string(), |x| x.code.clone())
                };
                let problems = blocks::problems(&siblings, &wanted, &picked, &code, lang);
                if problems.is_empty() && choices_ok {
                    blocks::set(c, &application, &siblings, &wanted, &programme.code).await?;
                }
                errors.extend(problems);
            }
            if choices_ok {
                queries::set_choices(c, id, application.stored_choices, &picked).await?;
            }
            set_consents(c, id, &consents, user.id, now).await?;
            let reference = if submitting && errors.is_empty() {
                submit(c, id, programme.id, idem.as_deref(), now).await?
            } else {
                None
            };
            match &reference {
                Some(reference) => {
                    c.audit(Some(id), "submitted");
                    let lang = user.language;
                    c.send(Mail {
                        to: user.email.clone(),
                        kind: "application_received",
                        subject: lang.text("email-received-subject"),
                        body: lang.letter(
                            Some(&user.full_name),
                            "email-received-body",
                            &[
                                ("child", &child.name()),
                                ("programme", &programme.name),
                                ("reference", reference),
                                ("link", &format!("{base}/applications/{id}")),
                            ],
                        ),
                        secret: None,
                    });
                }
                None => c.audit(Some(id), "draft_saved"),
            }
            Ok(Some((reference.is_some(), errors)))
        })
        .await?;
    let Some((submitted, errors)) = saved else {
        // Submitted meanwhile (a second click, another tab): as received.
        let now_submitted = queries::application(&state.db, id)
            .await?
            .is_some_and(|a| a.status == ApplicationStatus::Submitted);
        if submitting && now_submitted {
            return Ok(Redirect::to(&format!("/applications/{id}?done=received")).into_response());
        }
        return Err(AppError::Conflict("application-unchangeable", vec![]));
    };
    if errors.is_empty() {
        // Post/Redirect/Get: reloading the page never sends the form again.
        let done = if submitted { "received" } else { "saved" };
        return Ok(Redirect::to(&format!("/applications/{id}?done={done}")).into_response());
    }
    let application = queries::application(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let feedback = Feedback {
        chosen: Some(typed),
        together: together_shown.then_some(typed_together),
        errors,
        notice: None,
        message: None,
    };
    let page = page(&state, &user, &visitor, application, child, feedback).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// What the school's nomination means for the child, in the family's words:
/// a requirement met or not, or the points it would add.
pub fn nomination_words(
    rules: &crate::programmes::scoring::Rules,
    nominated: bool,
    lang: Language,
) -> Option<String> {
    let points = smena_engine::Score::from_thousandths(rules.nomination_points_milli)
        .unwrap_or_default()
        .to_string();
    let points = lang.number(&points);
    match (rules.nomination_required, nominated) {
        (true, true) => Some(lang.text("nomination-required-met")),
        (true, false) => Some(lang.text("nomination-required-missing")),
        (false, false) if rules.nomination_points_milli > 0 => {
            Some(lang.text_with("nomination-points-possible", &[("points", &points)]))
        }
        _ => None,
    }
}

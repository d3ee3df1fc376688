//! An application: ranked choices among the sessions the child may take,
//! consents recorded with who, when and which wording, a draft that keeps
//! what was typed, and a submission that happens once however often it is
//! sent (idempotency key).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::blocks;
use super::children::find;
use super::queries::{self, Application, Child, SessionOption};
use super::score::{self, Breakdown};
use crate::allocation::contract::parse_date;
use crate::audit;
use crate::documents;
use crate::language::Language;
use crate::notifications::outbox;
use crate::store::{new_id, now_ms, random_token};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

/// The wording families agree to; the version is stored with each consent.
pub const CONSENT_VERSION: &str = "2027-1";
/// (kind, the key of its wording in the Fluent files).
pub const CONSENTS: &[(&str, &str)] = &[
    ("participation", "consent-participation"),
    ("personal_data", "consent-personal-data"),
];

/// A session and whether this child may take it.
pub struct SessionChoice {
    pub session: SessionOption,
    pub ineligible: Option<String>,
}

fn eligibility(
    child: &Child,
    s: &SessionOption,
    passport_months: i32,
    lang: Language,
) -> Option<String> {
    let birth = parse_date(&child.birth_date).ok()?;
    let starts = parse_date(&s.starts).ok()?;
    let age = smena_engine::age_on(birth, starts);
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
    let ends = parse_date(&s.ends).ok()?;
    let needed = smena_engine::add_months(ends, passport_months.max(0) as u32);
    match child
        .passport_expires
        .as_deref()
        .and_then(|p| parse_date(p).ok())
    {
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

pub async fn start(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(child_id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Application)?;
    let child = find(&state, &user, Action::Update, child_id).await?;
    let programme = queries::open_programme(&state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest(visitor.language.text("application-no-programme")))?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM applications WHERE child_id = $1 AND programme_id = $2")
            .bind(child.id)
            .bind(programme.id)
            .fetch_optional(&mut *tx)
            .await?;
    let id = match existing {
        Some((id,)) => id,
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO applications (id, programme_id, child_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5)",
            )
            .bind(id)
            .bind(programme.id)
            .bind(child.id)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                &user,
                "create",
                "application",
                Some(id),
                "ok",
                "draft",
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
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
    sessions: Vec<SessionChoice>,
    /// Session id chosen at each rank ("" when empty), as typed.
    chosen: Vec<String>,
    consents: Vec<(&'static str, &'static str, bool)>,
    breakdown: Breakdown,
    missing_documents: Vec<String>,
    errors: Vec<String>,
    notice: Option<String>,
    idem: String,
    reference: Option<String>,
    offer: Option<Offer>,
    can_withdraw: bool,
    /// (choice rank, session, reason code, sentence) from the published run.
    explanations: Vec<(i32, String, String, String)>,
    /// The family's other applications, shown to the guardian only.
    siblings: Vec<blocks::Sibling>,
    /// Names of the siblings in the same block, for the guardian.
    together_with: String,
    max_together: usize,
}

/// The place offered to the child, if any.
pub struct Offer {
    pub session: String,
    pub choice_rank: i32,
    pub status: String,
    pub deadline: String,
    pub open: bool,
    /// The travel voucher has been issued (the place was accepted).
    pub voucher: bool,
}

/// Finds the application through its child, so the child's scope applies.
pub async fn load(
    state: &AppState,
    user: &User,
    action: Action,
    id: i64,
) -> AppResult<(Application, Child)> {
    authorize(user, action, Resource::Application)?;
    if action != Action::Read {
        // Saving needs the head and the child: one query, scope included.
        let scope = authorize(user, Action::Update, Resource::Child)?;
        if let Some(found) = queries::application_and_child(&state.db, user, scope, id).await? {
            return Ok(found);
        }
        audit::note(
            &state.db,
            user,
            "update",
            "application",
            Some(id),
            "denied",
            "not found or not permitted",
        )
        .await?;
        return Err(AppError::NotFound);
    }
    let found = queries::application(&state.db, id).await?;
    let Some(application) = found else {
        audit::note(
            &state.db,
            user,
            "read",
            "application",
            Some(id),
            "denied",
            "not found",
        )
        .await?;
        return Err(AppError::NotFound);
    };
    let child_action = if action == Action::Read {
        Action::Read
    } else {
        Action::Update
    };
    let child = find(state, user, child_action, application.child_id).await?;
    Ok((application, child))
}

/// What to show back after a save: the choices as typed, the problems, or a
/// notice.
#[derive(Default)]
struct Feedback {
    chosen: Option<Vec<String>>,
    /// The applications ticked to be placed together, as sent.
    together: Option<Vec<i64>>,
    errors: Vec<String>,
    notice: Option<String>,
}

async fn page(
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
    } = feedback;
    let programme = queries::open_programme(&state.db).await?;
    let passport_months = programme.as_ref().map_or(0, |p| p.passport_months);
    let max_choices = programme
        .as_ref()
        .map_or(application.choices.len() as i32, |p| p.max_choices)
        .max(1) as usize;
    let (programme_name,): (String,) = sqlx::query_as("SELECT name FROM programmes WHERE id = $1")
        .bind(application.programme_id)
        .fetch_one(state.db.pool())
        .await?;
    let sessions = queries::sessions_of(&state.db, application.programme_id)
        .await?
        .into_iter()
        .map(|s| SessionChoice {
            ineligible: eligibility(&child, &s, passport_months, visitor.language),
            session: s,
        })
        .collect();
    let mut chosen =
        chosen.unwrap_or_else(|| application.choices.iter().map(|c| c.to_string()).collect());
    chosen.resize(max_choices.max(chosen.len()), String::new());
    let consents = CONSENTS
        .iter()
        .map(|(k, t)| (*k, *t, application.consents.iter().any(|c| c == k)))
        .collect();
    let rules = queries::rules(&state.db, application.programme_id).await?;
    let achievements: Vec<_> = queries::achievements(&state.db, child.id)
        .await?
        .into_iter()
        .map(|a| a.achievement)
        .collect();
    let breakdown = score::compute(
        &rules,
        &achievements,
        child.rural(),
        child.category.as_deref(),
    );
    let missing_documents =
        documents::missing(&state.db, application.programme_id, child.id).await?;
    let editable =
        application.status == "draft" && child.guardian_id == user.id && programme.is_some();
    let (reference,): (Option<String>,) =
        sqlx::query_as("SELECT reference FROM applications WHERE id = $1")
            .bind(application.id)
            .fetch_one(state.db.pool())
            .await?;
    let offer = sqlx::query_as::<_, (String, i32, String, i64, Option<String>)>(
        "SELECT s.code, o.choice_rank, o.status, o.deadline, o.voucher_code FROM offers o JOIN sessions s ON s.id = o.session_id WHERE o.application_id = $1",
    )
    .bind(application.id)
    .fetch_optional(state.db.pool())
    .await?
    .map(|(session, choice_rank, status, deadline, voucher)| Offer {
        open: status == "offered" && deadline > now_ms() && child.guardian_id == user.id,
        voucher: voucher.is_some() && status == "accepted",
        session,
        choice_rank,
        status,
        deadline: crate::audit::when(&deadline),
    });
    let explanations: Vec<(i32, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.choice_rank, e.session_code, e.reason, e.sentence, e.words FROM explanations e \
         JOIN allocation_runs r ON r.id = e.run_id AND r.published_at IS NOT NULL \
         WHERE e.application_id = $1 ORDER BY e.choice_rank",
    )
    .bind(application.id)
    .fetch_all(state.db.pool())
    .await?;
    let explanations = explanations
        .into_iter()
        .map(|(rank, session, reason, sentence, words)| {
            let sentence =
                crate::allocation::wording::stored(words.as_deref(), &sentence, visitor.language);
            (rank, session, reason, sentence)
        })
        .collect();
    let can_withdraw = child.guardian_id == user.id && application.status == "submitted";
    let mut siblings = if child.guardian_id == user.id {
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
    Ok(ApplicationPage {
        nav: Nav::from(visitor),
        editable,
        application,
        child,
        programme_name,
        sessions,
        chosen,
        consents,
        breakdown,
        missing_documents,
        errors,
        notice,
        idem: random_token(),
        can_withdraw,
        reference,
        offer,
        explanations,
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

pub async fn view(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> AppResult<ApplicationPage> {
    let (application, child) = load(&state, &user, Action::Read, id).await?;
    audit::note(&state.db, &user, "read", "application", Some(id), "ok", "").await?;
    let notice = match q.done.as_deref() {
        Some("received") if application.status == "submitted" => {
            Some(visitor.language.text("application-received"))
        }
        Some("saved") => Some(visitor.language.text("application-saved")),
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

/// What the form sends: `choice_1`…, consent checkboxes, `action`, `idem`.
pub async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (application, child) = load(&state, &user, Action::Update, id).await?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let submit = get("action").as_deref() == Some("submit");
    let lang = visitor.language;
    let idem = get("idem").filter(|k| !k.is_empty());
    if child.guardian_id != user.id {
        return Err(AppError::NotFound);
    }
    if application.status != "draft" {
        if submit && application.status == "submitted" {
            // A repeated submission (double click, retry on a slow link):
            // nothing new happens; the family sees that it was received.
            return Ok(Redirect::to(&format!("/applications/{id}?done=received")).into_response());
        }
        return Err(AppError::BadRequest(lang.text("application-unchangeable")));
    }
    let cached = state
        .open_programme
        .get(&state.db)
        .await?
        .filter(|c| {
            c.0.id == application.programme_id && c.0.closes_at.is_none_or(|t| t > now_ms())
        })
        .ok_or_else(|| AppError::BadRequest(lang.text("application-closed")))?;
    let (programme, sessions) = (&cached.0, &cached.1);

    let max = programme.max_choices.max(1) as usize;
    let typed: Vec<String> = (1..=max)
        .map(|k| get(&format!("choice_{k}")).unwrap_or_default())
        .collect();
    let mut errors = Vec::new();
    // Whether the ranked choices themselves can be saved in the draft.
    let mut choices_ok = true;
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
            choices_ok = false;
            continue;
        };
        if let Some(g) = gap {
            errors.push(lang.text_with(
                "choice-gap",
                &[("empty", &g.to_string()), ("rank", &(k + 1).to_string())],
            ));
            choices_ok = false;
        }
        if picked.contains(&s.id) {
            errors.push(lang.text_with("choice-twice", &[("session", &s.code)]));
            choices_ok = false;
        } else if let Some(why) = eligibility(&child, s, programme.passport_months, lang) {
            errors
                .push(lang.text_with("choice-ineligible", &[("session", &s.code), ("why", &why)]));
            choices_ok = false;
        } else {
            picked.push(s.id);
        }
    }
    let consents: Vec<&str> = CONSENTS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| get(&format!("consent_{k}")).is_some())
        .collect();
    if submit {
        if picked.is_empty() && errors.is_empty() {
            errors.push(lang.text("choice-none"));
        }
        if consents.len() < CONSENTS.len() {
            errors.push(lang.text("consents-needed"));
        }
        if !user.email_verified {
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
    let mut tx = state.db.begin_write().await?;
    // The draft is saved whatever else is wrong, as long as its choices are.
    if together_shown || (submit && application.block_ref.is_some()) {
        let siblings = blocks::siblings(&mut tx, child.guardian_id, &application).await?;
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
            blocks::set(&mut tx, &application, &siblings, &wanted, &programme.code).await?;
        }
        errors.extend(problems);
    }
    if choices_ok {
        queries::set_choices(&mut tx, id, application.stored_choices, &picked).await?;
    }
    // Consents given are recorded once (the first time, with who and when);
    // those unticked in a draft are taken back.
    if !consents.is_empty() {
        let rows: Vec<String> = (0..consents.len())
            .map(|i| format!("(${}, $1, ${}, $2, $3, $4)", 5 + 2 * i, 6 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO consents (id, application_id, kind, text_version, given_by, given_at) VALUES {} \
             ON CONFLICT (application_id, kind) DO NOTHING",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(CONSENT_VERSION)
            .bind(user.id)
            .bind(now);
        for kind in &consents {
            q = q.bind(new_id()).bind(*kind);
        }
        q.execute(&mut *tx).await?;
    }
    for (kind, _) in CONSENTS.iter().filter(|(k, _)| !consents.contains(k)) {
        sqlx::query("DELETE FROM consents WHERE application_id = $1 AND kind = $2")
            .bind(id)
            .bind(*kind)
            .execute(&mut *tx)
            .await?;
    }
    let mut reference = String::new();
    let submitted = submit
        && errors.is_empty()
        && {
            // The public reference, in submission order: the lottery is drawn for
            // it, and it is fixed (and sent to the family) before the seed is
            // revealed. Counting on the programme's row serialises submissions.
            // Still open? (The programme may have closed a moment ago.)
            let counted: Option<(i32, String)> = sqlx::query_as(
                "UPDATE programmes SET submissions = submissions + 1 WHERE id = $1 AND status = 'open' RETURNING submissions, code",
            )
            .bind(programme.id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((n, code)) = counted else {
                return Err(AppError::Invalid("application-closed", vec![]));
            };
            // A key already spent on another application (a form copied
            // between tabs, or a forged one) is refused before the write
            // that would break its uniqueness.
            if let Some(key) = &idem {
                let used: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM applications WHERE idempotency_key = $1 AND id <> $2",
                )
                .bind(key)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if used.is_some() {
                    return Err(AppError::Invalid("application-form-reused", vec![]));
                }
            }
            let done = sqlx::query(
            "UPDATE applications SET status = 'submitted', submitted_at = $1, updated_at = $2, idempotency_key = $3, reference = $4 \
             WHERE id = $5 AND status = 'draft'",
        )
        .bind(now)
        .bind(now)
        .bind(&idem)
        .bind({
            reference = format!("{code}-{n:06}");
            &reference
        })
        .bind(id)
        .execute(&mut *tx)
        .await?;
            done.rows_affected() == 1
        };
    if !submitted {
        sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "application",
        Some(id),
        "ok",
        if submitted {
            "submitted"
        } else {
            "draft saved"
        },
    )
    .await?;
    if submitted {
        let (stored,): (String,) = sqlx::query_as("SELECT language FROM accounts WHERE id = $1")
            .bind(user.id)
            .fetch_one(&mut *tx)
            .await?;
        let lang = crate::language::Language::stored(&stored);
        outbox::enqueue(
            &mut tx,
            &user.email,
            "application_received",
            &lang.text("email-received-subject"),
            &lang.letter(
                Some(&user.full_name),
                "email-received-body",
                &[
                    ("child", &child.name()),
                    ("programme", &programme.name),
                    ("reference", &reference),
                    (
                        "link",
                        &format!("{}/applications/{id}", state.config.base_url),
                    ),
                ],
            ),
        )
        .await?;
    }
    tx.commit().await?;
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
    };
    let page = page(&state, &user, &visitor, application, child, feedback).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

//! Consents as events: each given and each withdrawn with who and when,
//! never deleted; the application shows their history. A consent withdrawn
//! after submission goes to the coordinator (an e-mail to each, and a list
//! of them), and an application without every consent live is left out of
//! the allocation's inputs (`allocation::runs`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::apply::{self, CONSENTS};
use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::ApplicationStatus;
use crate::language::Language;
use crate::store::{Db, Mail, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

/// How many consents an application needs live to be allocated: all.
pub const REQUIRED: usize = CONSENTS.len();

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/applications/{id}/consents/{kind}/withdraw",
            Access::Policy(Action::Update, Resource::Application),
            withdraw,
        )
        .get(
            "/coordinator/consent-withdrawals",
            Access::Policy(Action::Review, Resource::Document),
            withdrawals_page,
        )
}

/// One consent as given, and withdrawn if it was.
#[derive(sqlx::FromRow)]
pub struct ConsentEvent {
    pub kind: String,
    pub text_version: String,
    pub given_at: i64,
    pub given_by: String,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by: Option<String>,
}

/// Every consent of the application, oldest first.
pub async fn history(db: &Db, application: i64) -> Result<Vec<ConsentEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.kind, k.text_version, k.given_at, g.full_name AS given_by, k.withdrawn_at, \
                w.full_name AS withdrawn_by \
         FROM consents k JOIN accounts g ON g.id = k.given_by LEFT JOIN accounts w ON w.id = k.withdrawn_by \
         WHERE k.application_id = $1 ORDER BY k.given_at, k.id",
    )
    .bind(application)
    .fetch_all(db.pool())
    .await
}

/// The family withdraws a consent of a submitted application: recorded
/// (never deleted), audited, and the coordinators are told; without it the
/// application is not allocated.
async fn withdraw(
    State(state): State<AppState>,
    user: User,
    Path((id, kind)): Path<(i64, String)>,
) -> AppResult<Response> {
    let (application, child, permit) = apply::load(&state, &user, Action::Update, id).await?;
    let Some(&(kind, _)) = CONSENTS.iter().find(|(k, _)| *k == kind) else {
        return Err(AppError::NotFound);
    };
    if application.status == ApplicationStatus::Draft {
        // A draft's consents are unticked in its form.
        return Err(AppError::Invalid("consent-withdraw-draft", vec![]));
    }
    let base = state.config.base_url.clone();
    let reference = application.reference.clone().unwrap_or_default();
    let child_name = child.name();
    state
        .write(&permit, async |c| {
            let now = now_ms();
            let withdrawn = c
                .transition(
                    sqlx::query(
                        "UPDATE consents SET withdrawn_by = $1, withdrawn_at = $2 \
                         WHERE application_id = $3 AND kind = $4 AND withdrawn_at IS NULL",
                    )
                    .bind(user.id)
                    .bind(now)
                    .bind(id)
                    .bind(kind),
                )
                .await?;
            if !withdrawn {
                c.unchanged();
                return Ok(());
            }
            c.audit(
                Some(id),
                format!("consent {kind} withdrawn after submission; for the coordinator"),
            );
            let coordinators: Vec<(String, Language)> =
                sqlx::query_as("SELECT email, language FROM accounts WHERE role = $1")
                    .bind(Role::Coordinator)
                    .fetch_all(&mut **c)
                    .await?;
            for (to, lang) in coordinators {
                let consent = lang.code_name("consent-kind", kind);
                c.send(Mail {
                    to,
                    kind: "consent_withdrawn",
                    subject: lang.text_with(
                        "email-consent-withdrawn-subject",
                        &[("reference", &reference)],
                    ),
                    body: lang.letter(
                        None,
                        "email-consent-withdrawn-body",
                        &[
                            ("reference", &reference),
                            ("child", &child_name),
                            ("consent", &consent),
                            ("link", &format!("{base}/coordinator/consent-withdrawals")),
                        ],
                    ),
                    secret: None,
                });
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}#consents")).into_response())
}

/// A consent withdrawn after its application was submitted.
#[derive(sqlx::FromRow)]
pub struct Withdrawal {
    pub application_id: i64,
    pub reference: Option<String>,
    pub child: String,
    pub kind: String,
    pub withdrawn_at: i64,
    pub status: ApplicationStatus,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/consent_withdrawals.html")]
struct WithdrawalsPage {
    nav: Nav,
    withdrawals: Vec<Withdrawal>,
}

async fn withdrawals_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<WithdrawalsPage> {
    authorize(&user, Action::Review, Resource::Document)?;
    let withdrawals = sqlx::query_as(
        "SELECT a.id AS application_id, a.reference, c.given_name || ' ' || c.family_name AS child, k.kind, \
                k.withdrawn_at, a.status \
         FROM consents k JOIN applications a ON a.id = k.application_id JOIN children c ON c.id = a.child_id \
         WHERE k.withdrawn_at IS NOT NULL AND a.submitted_at IS NOT NULL AND k.withdrawn_at >= a.submitted_at \
         ORDER BY k.withdrawn_at DESC, k.id LIMIT 500",
    )
    .fetch_all(state.db.pool())
    .await?;
    Ok(WithdrawalsPage {
        nav: Nav::from(&visitor),
        withdrawals,
    })
}

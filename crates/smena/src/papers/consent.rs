//! The parental consent form, printed for the guardian to sign: the child,
//! the sessions applied for (the placed one once there is an offer) and
//! the wording agreed to, with its version.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{LangQuery, file_part, issued, print_language, typeset};
use crate::applications::{CONSENT_VERSION, consent_wording, load_application};
use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::domain::values::Day;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/applications/{id}/consent.pdf",
        Access::Policy(Action::Read, Resource::Application),
        consent_form,
    )
}

#[derive(sqlx::FromRow)]
struct Head {
    reference: Option<String>,
    programme: String,
    full_name: String,
    email: String,
    retain_until: String,
}

/// A session as the form lists it.
#[derive(sqlx::FromRow)]
struct Listed {
    code: String,
    camp: String,
    starts: Day,
    ends: Day,
}

async fn consent_form(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (application, child, permit) = load_application(&state, &user, Action::Read, id).await?;
    let lang = print_language(&visitor, &q);
    let head: Head = sqlx::query_as(
        "SELECT a.reference, p.name AS programme, g.full_name, g.email, p.retain_until FROM applications a \
         JOIN programmes p ON p.id = a.programme_id JOIN accounts g ON g.id = $2 WHERE a.id = $1",
    )
    .bind(id)
    .bind(child.guardian_id)
    .fetch_one(state.db.pool())
    .await?;
    // The placed session once there is an offer, else the ranked choices.
    let placed: Option<Listed> = sqlx::query_as(
        "SELECT s.code, k.name AS camp, s.starts, s.ends FROM offers o JOIN sessions s ON s.id = o.session_id \
         JOIN camps k ON k.id = s.camp_id WHERE o.application_id = $1 AND o.status IN ($2, $3)",
    )
    .bind(id)
    .bind(OfferStatus::Offered)
    .bind(OfferStatus::Accepted)
    .fetch_optional(state.db.pool())
    .await?;
    let describe = |s: Listed| {
        format!(
            "{} — {}, {}",
            s.code,
            s.camp,
            lang.date_range(&s.starts.to_string(), &s.ends.to_string())
        )
    };
    let sessions = match placed {
        Some(s) => vec![describe(s)],
        None => {
            let mut out = Vec::new();
            for session in &application.choices {
                let s: Option<Listed> = sqlx::query_as(
                    "SELECT s.code, k.name AS camp, s.starts, s.ends FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.id = $1",
                )
                .bind(session)
                .fetch_optional(state.db.pool())
                .await?;
                out.extend(s.map(describe));
            }
            out
        }
    };
    let reference = head.reference.unwrap_or_default();
    state
        .record_as(
            &permit,
            Action::Print,
            Resource::Application,
            Some(id),
            "consent_form",
        )
        .await?;
    let paper = smena_pdf::ConsentForm {
        reference: reference.clone(),
        child: format!("{} {}", child.family_name, child.given_name),
        birth_date: lang.date(&child.birth_date.to_string()),
        school: child.school,
        guardian: head.full_name,
        guardian_email: head.email,
        programme: head.programme,
        sessions,
        paragraphs: [
            "consent-participation",
            "consent-personal-data",
            "consent-rules",
        ]
        .iter()
        .map(|k| consent_wording(lang, k, &head.retain_until))
        .collect(),
        text_version: CONSENT_VERSION.to_string(),
        issued: issued(lang),
    };
    let name = if reference.is_empty() {
        format!("consent-{id}.pdf")
    } else {
        format!("consent-{}.pdf", file_part(&reference))
    };
    typeset(paper, lang, name).await
}

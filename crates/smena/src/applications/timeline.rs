//! A child's way through the newest programme as the family's home page
//! shows it (as Gosuslugi shows a request's status): the steps, which are
//! done and which is under way, and the one next step with its deadline.

use crate::domain::states::{ApplicationStatus, DocumentStatus, OfferStatus, ProgrammeStatus};
use crate::language::Language;
use crate::store::{Db, now_ms};

/// One step of the way.
pub struct Step {
    pub name: String,
    pub state: StepState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    Now,
    Later,
}

impl StepState {
    /// The CSS class and the word a screen reader says.
    pub fn class(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Now => "now",
            StepState::Later => "later",
        }
    }
}

/// A child's timeline: its steps, and the next thing to do (with where).
pub struct Timeline {
    pub steps: Vec<Step>,
    pub next: String,
    pub link: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Facts {
    application: Option<i64>,
    status: Option<ApplicationStatus>,
    closes_at: Option<i64>,
    documents_due_at: Option<i64>,
    published: i64,
    offer: Option<OfferStatus>,
    offer_deadline: Option<i64>,
    voucher: Option<String>,
    programme_status: ProgrammeStatus,
    /// When the group of the offered session leaves, once set.
    departs_at: Option<i64>,
}

/// The timeline of `child` in `programme` (the newest), in `lang`.
pub async fn of(
    db: &Db,
    child: i64,
    programme: i64,
    lang: Language,
) -> Result<Timeline, sqlx::Error> {
    let f: Facts = sqlx::query_as(
        "SELECT a.id AS application, a.status, p.applications_close_at AS closes_at, p.documents_due_at, \
                (SELECT COUNT(*) FROM allocation_runs r WHERE r.programme_id = p.id AND r.published_at IS NOT NULL) AS published, \
                o.status AS offer, o.deadline AS offer_deadline, o.voucher_code AS voucher, \
                p.status AS programme_status, s.departs_at \
         FROM programmes p LEFT JOIN applications a ON a.programme_id = p.id AND a.child_id = $1 \
         LEFT JOIN offers o ON o.application_id = a.id LEFT JOIN sessions s ON s.id = o.session_id \
         WHERE p.id = $2",
    )
    .bind(child)
    .bind(programme)
    .fetch_one(db.pool())
    .await?;
    let docs: Vec<(String, DocumentStatus, Option<String>)> = sqlx::query_as(
        "SELECT COALESCE(r.name, d.kind), d.status, d.reason FROM documents d \
         LEFT JOIN required_documents r ON r.kind = d.kind AND r.programme_id = $2 WHERE d.child_id = $1 \
         ORDER BY d.uploaded_at",
    )
    .bind(child)
    .bind(programme)
    .fetch_all(db.pool())
    .await?;
    let missing = crate::documents::missing(db, programme, child).await?;
    let now = now_ms();
    let rejected = docs.iter().rev().find(|(name, s, _)| {
        *s == DocumentStatus::Rejected
            && !docs
                .iter()
                .any(|(n, t, _)| n == name && *t != DocumentStatus::Rejected)
    });
    let pending = docs.iter().any(|(_, s, _)| *s == DocumentStatus::Pending);
    let submitted = f.status == Some(ApplicationStatus::Submitted);
    let documents_done = submitted && missing.is_empty() && !pending && rejected.is_none();
    let result = f.published > 0 && f.application.is_some();
    let accepted = f.offer == Some(OfferStatus::Accepted);
    let done = [
        f.application.is_some(),
        submitted || f.status == Some(ApplicationStatus::Withdrawn),
        documents_done,
        result,
        accepted,
        f.voucher.is_some(),
        accepted && f.programme_status == ProgrammeStatus::Completed,
    ];
    let names = [
        "timeline-draft",
        "timeline-submitted",
        "timeline-documents",
        "timeline-result",
        "timeline-offer",
        "timeline-voucher",
        "timeline-travel",
    ];
    let current = done.iter().position(|d| !d).unwrap_or(done.len());
    let steps = names
        .iter()
        .enumerate()
        .map(|(i, key)| Step {
            name: lang.text(key),
            state: if done[i] {
                StepState::Done
            } else if i == current {
                StepState::Now
            } else {
                StepState::Later
            },
        })
        .collect();
    let by = |at: Option<i64>| at.map(|at| lang.deadline(at, now));
    let child_page = format!("/children/{child}#documents");
    let application_page = f.application.map(|a| format!("/applications/{a}"));
    let (next, link) = match (f.status, f.offer) {
        (_, Some(OfferStatus::Offered)) => (
            lang.text_with(
                "next-answer",
                &[("when", &by(f.offer_deadline).unwrap_or_default())],
            ),
            application_page,
        ),
        (_, Some(OfferStatus::Accepted)) if f.programme_status == ProgrammeStatus::Travelling => {
            (lang.text("next-travelling"), application_page)
        }
        (_, Some(OfferStatus::Accepted)) if f.programme_status == ProgrammeStatus::Completed => {
            (lang.text("next-nothing"), application_page)
        }
        (_, Some(OfferStatus::Accepted)) if f.voucher.is_some() => (
            match f.departs_at {
                Some(at) => lang.text_with("next-voucher-departs", &[("when", &lang.moment(at))]),
                None => lang.text("next-voucher"),
            },
            application_page,
        ),
        (_, Some(OfferStatus::Accepted)) => (lang.text("next-voucher-coming"), application_page),
        (_, Some(_)) | (Some(ApplicationStatus::Withdrawn), _) => {
            (lang.text("next-nothing"), application_page)
        }
        (None, _) => (
            lang.text_with(
                "next-apply",
                &[("when", &by(f.closes_at).unwrap_or_default())],
            ),
            Some(format!("/children/{child}")),
        ),
        (Some(ApplicationStatus::Draft), _) => (
            lang.text_with(
                "next-submit",
                &[("when", &by(f.closes_at).unwrap_or_default())],
            ),
            application_page,
        ),
        (Some(ApplicationStatus::Submitted), _) => match (rejected, missing.is_empty()) {
            (Some((name, _, reason)), _) => (
                lang.text_with(
                    "next-upload-again",
                    &[
                        ("document", name),
                        ("reason", reason.as_deref().unwrap_or("—")),
                    ],
                ),
                Some(child_page),
            ),
            (None, false) => (
                lang.text_with(
                    "next-upload",
                    &[
                        ("documents", &missing.join(", ")),
                        ("when", &by(f.documents_due_at).unwrap_or_default()),
                    ],
                ),
                Some(child_page),
            ),
            (None, true) if !result => (lang.text("next-wait-result"), application_page),
            (None, true) => (lang.text("next-waitlist"), application_page),
        },
    };
    Ok(Timeline { steps, next, link })
}

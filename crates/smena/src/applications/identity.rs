//! Who a child is — names, birth date, passport — once the family has
//! submitted an application. The allocation, the voucher, its public check
//! and the manifest all name the child, so after submission these details
//! never change silently: while applications are open a change sends the
//! child's accepted documents back to the coordinator's review (the child
//! is placed only once they are accepted again); once applications have
//! closed, a change waits for the coordinator's decision, and until then
//! the place, the voucher and the manifest keep the details they had.
//! Every such change is audited with the old and new values, sensitive ones
//! masked.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::children::ChildDetails;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{
    ApplicationStatus, DocumentStatus, IdentityChangeStatus, ProgrammeStatus,
};
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::{Change, Db, Mail, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/identity-changes",
            Access::Policy(Action::Review, Resource::Document),
            page,
        )
        .post(
            "/coordinator/identity-changes/{id}",
            Access::Policy(Action::Review, Resource::Document),
            decide,
        )
}

use crate::store::keys::{CONTACT, KeyError, Keyring, PASSPORT};

/// The details that say who the child is.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Identity {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Day,
    pub passport_number: Option<String>,
    pub passport_expires: Option<Day>,
}

impl Identity {
    /// With its passport number opened (it is kept encrypted).
    pub fn revealed(mut self, keys: &Keyring) -> Result<Identity, KeyError> {
        self.passport_number = keys.reveal_opt(PASSPORT, self.passport_number.as_deref())?;
        Ok(self)
    }

    pub fn of(d: &ChildDetails) -> Identity {
        Identity {
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            birth_date: d.birth_date,
            passport_number: d.passport_number.clone(),
            passport_expires: d.passport_expires,
        }
    }

    /// What differs, field by field, as the audit log keeps it: names in
    /// full, the passport number and the birth date masked.
    pub fn changes(&self, new: &Identity) -> Vec<String> {
        [
            (
                "given_name",
                self.given_name.clone(),
                new.given_name.clone(),
            ),
            (
                "family_name",
                self.family_name.clone(),
                new.family_name.clone(),
            ),
            (
                "birth_date",
                mask_date(Some(self.birth_date)),
                mask_date(Some(new.birth_date)),
            ),
            (
                "passport_number",
                mask_tail(self.passport_number.as_deref()),
                mask_tail(new.passport_number.as_deref()),
            ),
            (
                "passport_expires",
                mask_date(self.passport_expires),
                mask_date(new.passport_expires),
            ),
        ]
        .into_iter()
        .zip([
            self.given_name == new.given_name,
            self.family_name == new.family_name,
            self.birth_date == new.birth_date,
            self.passport_number == new.passport_number,
            self.passport_expires == new.passport_expires,
        ])
        .filter(|(_, same)| !same)
        .map(|((name, old, new), _)| format!("{name}: {old} -> {new}"))
        .collect()
    }
}

/// The names of the fields that changed (the audit entry's detail; the
/// values are its personal words, which the purge deletes).
fn fields(changes: &[String]) -> String {
    changes
        .iter()
        .map(|c| c.split(':').next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

/// All but the last two characters hidden: enough to tell two numbers
/// apart in the audit log, not to use one.
fn mask_tail(s: Option<&str>) -> String {
    match s {
        None => "(none)".into(),
        Some(s) => {
            let n = s.chars().count();
            s.chars()
                .enumerate()
                .map(|(i, c)| if i + 2 < n { '•' } else { c })
                .collect()
        }
    }
}

/// The year only.
fn mask_date(d: Option<Day>) -> String {
    d.map_or_else(
        || "(none)".into(),
        |d| format!("{}-••-••", &d.to_string()[..4]),
    )
}

/// How far the child's applications have gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// No application submitted (drafts, withdrawn ones, or none).
    Unsubmitted,
    /// Submitted to a programme still taking applications.
    Submitted,
    /// Submitted to a programme that has closed: its inputs are frozen and
    /// places may have been given.
    Frozen,
}

async fn stage(c: &mut Change, child: i64) -> Result<Stage, sqlx::Error> {
    let statuses: Vec<(ProgrammeStatus,)> = sqlx::query_as(
        "SELECT p.status FROM applications a JOIN programmes p ON p.id = a.programme_id \
         WHERE a.child_id = $1 AND a.status = $2",
    )
    .bind(child)
    .bind(ApplicationStatus::Submitted)
    .fetch_all(&mut **c)
    .await?;
    Ok(
        if statuses.iter().any(|(s,)| {
            matches!(
                s,
                ProgrammeStatus::Closed
                    | ProgrammeStatus::Allocated
                    | ProgrammeStatus::Published
                    | ProgrammeStatus::Travelling
                    | ProgrammeStatus::Completed
            )
        }) {
            Stage::Frozen
        } else if statuses.is_empty() {
            Stage::Unsubmitted
        } else {
            Stage::Submitted
        },
    )
}

/// What became of an edit of a child's details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Saved as typed.
    Saved,
    /// Saved; the child's accepted documents went back to review.
    BackToReview,
    /// The other details were saved; the identity change waits for the
    /// coordinator's decision.
    Asked,
}

impl Saved {
    /// The notice the child's page shows after the edit.
    pub fn notice(self) -> Option<&'static str> {
        match self {
            Saved::Saved => None,
            Saved::BackToReview => Some("identity-back-to-review"),
            Saved::Asked => Some("identity-asked"),
        }
    }
}

/// Saves a family's edit of its child's details, keeping to the rules of
/// this module. Compare-and-set on the row's `updated_at`: an edit made on
/// a record someone else changed meanwhile is refused.
pub async fn save_details(
    c: &mut Change,
    child: i64,
    guardian: i64,
    d: &ChildDetails,
    asked_by: i64,
) -> AppResult<Saved> {
    let (before, updated_at): (Identity, i64) = {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            identity: Identity,
            updated_at: i64,
        }
        let row: Row = sqlx::query_as(
            "SELECT given_name, family_name, birth_date, passport_number, passport_expires, updated_at \
             FROM children WHERE id = $1 AND guardian_id = $2",
        )
        .bind(child)
        .bind(guardian)
        .fetch_optional(&mut **c)
        .await?
        .ok_or(AppError::NotFound)?;
        (row.identity.revealed(c.keys()?)?, row.updated_at)
    };
    let wanted = Identity::of(d);
    let changes = before.changes(&wanted);
    let stage = if changes.is_empty() {
        Stage::Unsubmitted
    } else {
        stage(c, child).await?
    };
    // Frozen: the identity stays as it was until the coordinator decides.
    let kept = if stage == Stage::Frozen {
        &before
    } else {
        &wanted
    };
    let now = now_ms().max(updated_at + 1);
    let passport = c.protect(PASSPORT, kept.passport_number.as_deref())?;
    let contact = c.protect(CONTACT, d.emergency_contact.as_deref())?;
    let saved = c
        .transition(
            sqlx::query(
                "UPDATE children SET given_name = $1, family_name = $2, birth_date = $3, passport_number = $4, \
                 passport_expires = $5, school_id = $6, category = $7, emergency_contact = $8, updated_at = $9, \
                 sex = $13 WHERE id = $10 AND guardian_id = $11 AND updated_at = $12",
            )
            .bind(&kept.given_name)
            .bind(&kept.family_name)
            .bind(kept.birth_date)
            .bind(&passport)
            .bind(kept.passport_expires)
            .bind(d.school_id)
            .bind(&d.category)
            .bind(&contact)
            .bind(now)
            .bind(child)
            .bind(guardian)
            .bind(updated_at)
            .bind(d.sex.map(crate::domain::values::Sex::code)),
        )
        .await?;
    if !saved {
        return Err(AppError::Conflict("child-changed-meanwhile", vec![]));
    }
    match stage {
        Stage::Unsubmitted if changes.is_empty() => {
            c.audit(Some(child), "details");
            Ok(Saved::Saved)
        }
        Stage::Unsubmitted => {
            c.audit(Some(child), format!("details; {}", fields(&changes)));
            c.personal_words(changes.join("; "));
            Ok(Saved::Saved)
        }
        Stage::Submitted => {
            let back = back_to_review(c, child).await?;
            c.audit(
                Some(child),
                format!(
                    "identity changed after submission; {}; documents back to review: {back}",
                    fields(&changes)
                ),
            );
            c.personal_words(changes.join("; "));
            Ok(Saved::BackToReview)
        }
        Stage::Frozen => {
            // One change waits at a time: a new one replaces it.
            sqlx::query("DELETE FROM identity_changes WHERE child_id = $1 AND status = $2")
                .bind(child)
                .bind(IdentityChangeStatus::Pending)
                .execute(&mut **c)
                .await?;
            let wanted_passport = c.protect(PASSPORT, wanted.passport_number.as_deref())?;
            sqlx::query(
                "INSERT INTO identity_changes (id, child_id, given_name, family_name, birth_date, passport_number, \
                 passport_expires, status, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(new_id())
            .bind(child)
            .bind(&wanted.given_name)
            .bind(&wanted.family_name)
            .bind(wanted.birth_date)
            .bind(&wanted_passport)
            .bind(wanted.passport_expires)
            .bind(IdentityChangeStatus::Pending)
            .bind(asked_by)
            .bind(now)
            .execute(&mut **c)
            .await?;
            c.audit(
                Some(child),
                format!(
                    "identity change asked after applications closed; {}",
                    fields(&changes)
                ),
            );
            c.personal_words(changes.join("; "));
            Ok(Saved::Asked)
        }
    }
}

/// Sends the child's accepted documents back to the coordinator's review:
/// they showed the details that changed. Returns how many.
async fn back_to_review(c: &mut Change, child: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE documents SET status = $1, reviewed_at = NULL, reviewed_by = NULL, reason = NULL \
         WHERE child_id = $2 AND status = $3",
    )
    .bind(DocumentStatus::Pending)
    .bind(child)
    .bind(DocumentStatus::Accepted)
    .execute(&mut **c)
    .await?
    .rows_affected())
}

/// A change waiting for the coordinator, as the child's page and the
/// coordinator's list show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub child_id: i64,
    #[sqlx(flatten)]
    pub wanted: Identity,
    pub asked_at: i64,
}

/// The change of the child's identity waiting for a decision, if any.
pub async fn pending_for(db: &Db, child: i64) -> Result<Option<Pending>, sqlx::Error> {
    let pending: Option<Pending> = sqlx::query_as(
        "SELECT id, child_id, given_name, family_name, birth_date, passport_number, passport_expires, asked_at \
         FROM identity_changes WHERE child_id = $1 AND status = $2",
    )
    .bind(child)
    .bind(IdentityChangeStatus::Pending)
    .fetch_optional(db.pool())
    .await?;
    Ok(pending.map(|p| p.revealed(db.keys()?)).transpose()?)
}

impl Pending {
    fn revealed(mut self, keys: &Keyring) -> Result<Pending, KeyError> {
        self.wanted = self.wanted.revealed(keys)?;
        Ok(self)
    }
}

/// A waiting change beside the details it would replace.
pub struct Waiting {
    pub change: Pending,
    pub now: Identity,
    pub guardian: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/identity_changes.html")]
struct ChangesPage {
    nav: Nav,
    waiting: Vec<Waiting>,
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ChangesPage> {
    authorize(&user, Action::Review, Resource::Document)?;
    let changes: Vec<Pending> = sqlx::query_as(
        "SELECT id, child_id, given_name, family_name, birth_date, passport_number, passport_expires, asked_at \
         FROM identity_changes WHERE status = $1 ORDER BY asked_at, id LIMIT 500",
    )
    .bind(IdentityChangeStatus::Pending)
    .fetch_all(state.db.pool())
    .await?;
    let mut waiting = Vec::with_capacity(changes.len());
    for change in changes {
        #[derive(sqlx::FromRow)]
        struct Now {
            #[sqlx(flatten)]
            identity: Identity,
            guardian: String,
        }
        let now: Now = sqlx::query_as(
            "SELECT c.given_name, c.family_name, c.birth_date, c.passport_number, c.passport_expires, \
                    g.full_name AS guardian \
             FROM children c JOIN accounts g ON g.id = c.guardian_id WHERE c.id = $1",
        )
        .bind(change.child_id)
        .fetch_one(state.db.pool())
        .await?;
        let keys = state.db.keys()?;
        waiting.push(Waiting {
            change: change.revealed(keys)?,
            now: now.identity.revealed(keys)?,
            guardian: now.guardian,
        });
    }
    Ok(ChangesPage {
        nav: Nav::from(&visitor),
        waiting,
    })
}

#[derive(Deserialize)]
struct DecisionForm {
    decision: String,
}

/// The coordinator's decision on a change of identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    fn parse(s: &str) -> AppResult<Decision> {
        match s {
            "accept" => Ok(Decision::Accept),
            "reject" => Ok(Decision::Reject),
            _ => Err(AppError::Invalid("review-choose", vec![])),
        }
    }
}

/// Accepts or rejects a waiting change (compare-and-set on its status).
/// Accepted, the child's details change and the accepted documents go back
/// to review; either way the family is told.
pub async fn decide_change(
    c: &mut Change,
    id: i64,
    decision: Decision,
    by: Option<i64>,
    base_url: &str,
) -> AppResult<()> {
    let status = match decision {
        Decision::Accept => IdentityChangeStatus::Accepted,
        Decision::Reject => IdentityChangeStatus::Rejected,
    };
    let decided = c
        .transition(
            sqlx::query(
                "UPDATE identity_changes SET status = $1, decided_by = $2, decided_at = $3 \
                 WHERE id = $4 AND status = $5",
            )
            .bind(status)
            .bind(by)
            .bind(now_ms())
            .bind(id)
            .bind(IdentityChangeStatus::Pending),
        )
        .await?;
    if !decided {
        return Err(AppError::Conflict("identity-already-decided", vec![]));
    }
    let change: Pending = sqlx::query_as(
        "SELECT id, child_id, given_name, family_name, birth_date, passport_number, passport_expires, asked_at \
         FROM identity_changes WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **c)
    .await?;
    let change = change.revealed(c.keys()?)?;
    #[derive(sqlx::FromRow)]
    struct Family {
        #[sqlx(flatten)]
        identity: Identity,
        email: String,
        full_name: String,
        language: Language,
    }
    let mut family: Family = sqlx::query_as(
        "SELECT c.given_name, c.family_name, c.birth_date, c.passport_number, c.passport_expires, \
                g.email, g.full_name, g.language \
         FROM children c JOIN accounts g ON g.id = c.guardian_id WHERE c.id = $1",
    )
    .bind(change.child_id)
    .fetch_one(&mut **c)
    .await?;
    family.identity = family.identity.revealed(c.keys()?)?;
    let child = change.child_id;
    let changes = family.identity.changes(&change.wanted);
    let (changed, changes) = (fields(&changes), changes.join("; "));
    let (subject, body) = match decision {
        Decision::Accept => {
            let w = &change.wanted;
            let passport = c.protect(PASSPORT, w.passport_number.as_deref())?;
            sqlx::query(
                "UPDATE children SET given_name = $1, family_name = $2, birth_date = $3, passport_number = $4, \
                 passport_expires = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(&w.given_name)
            .bind(&w.family_name)
            .bind(w.birth_date)
            .bind(&passport)
            .bind(w.passport_expires)
            .bind(now_ms())
            .bind(child)
            .execute(&mut **c)
            .await?;
            let back = back_to_review(c, child).await?;
            c.audit_as(
                Action::Update,
                Resource::Child,
                Some(child),
                format!(
                    "identity change {id} accepted; {changed}; documents back to review: {back}"
                ),
            );
            c.personal_words(changes);
            (
                "email-identity-accepted-subject",
                "email-identity-accepted-body",
            )
        }
        Decision::Reject => {
            c.audit_as(
                Action::Update,
                Resource::Child,
                Some(child),
                format!("identity change {id} rejected; {changed}"),
            );
            c.personal_words(changes);
            (
                "email-identity-rejected-subject",
                "email-identity-rejected-body",
            )
        }
    };
    let lang = family.language;
    let name = format!(
        "{} {}",
        family.identity.given_name, family.identity.family_name
    );
    c.send(Mail {
        to: family.email,
        kind: "identity_change_decided",
        subject: lang.text_with(subject, &[("child", &name)]),
        body: lang.letter(
            Some(&family.full_name),
            body,
            &[
                ("child", &name),
                ("link", &format!("{base_url}/children/{child}")),
            ],
        ),
        secret: None,
    });
    Ok(())
}

async fn decide(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Review, Resource::Document)?;
    let decision = Decision::parse(&form.decision)?;
    state
        .write(&permit, async |c| {
            decide_change(c, id, decision, Some(user.id), &state.config.base_url).await
        })
        .await?;
    Ok(Redirect::to("/coordinator/identity-changes").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(passport: &str) -> Identity {
        Identity {
            given_name: "Aiyyna".into(),
            family_name: "Petrova".into(),
            birth_date: Day::parse("2013-04-02").unwrap(),
            passport_number: Some(passport.into()),
            passport_expires: None,
        }
    }

    #[test]
    fn changes_are_listed_with_sensitive_values_masked() {
        let old = identity("98 12 345678");
        let mut new = identity("12 34 567890");
        new.family_name = "Ivanova".into();
        new.birth_date = Day::parse("2014-01-01").unwrap();
        let changes = old.changes(&new).join("; ");
        assert_eq!(
            changes,
            "family_name: Petrova -> Ivanova; birth_date: 2013-••-•• -> 2014-••-••; \
             passport_number: ••••••••••78 -> ••••••••••90"
        );
        assert!(!changes.contains("345678") && !changes.contains("04-02"));
        assert!(old.changes(&old).is_empty());
    }
}

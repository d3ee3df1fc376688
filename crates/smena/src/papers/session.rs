//! A session's papers: the travel manifest the border asks for (passport
//! numbers) and the roster a chaperone carries offline (emergency contacts,
//! a box per checkpoint). For the coordinator and chaperones only.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{LangQuery, file_part, issued, or_not_given, print_language, typeset};
use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/sessions/{id}/manifest.pdf",
            Access::Policy(Action::Read, Resource::TravelPapers),
            manifest,
        )
        .get(
            "/coordinator/sessions/{id}/roster.pdf",
            Access::Policy(Action::Read, Resource::TravelPapers),
            roster,
        )
        .get(
            "/coordinator/legs/{id}/manifest.pdf",
            Access::Policy(Action::Read, Resource::TravelPapers),
            leg_manifest,
        )
}

/// A session's head for the manifest and the roster.
#[derive(sqlx::FromRow)]
struct SessionHead {
    programme: String,
    code: String,
    camp: String,
    country: String,
    contact: String,
    starts: Day,
    ends: Day,
    departure: String,
}

impl SessionHead {
    fn dates(&self, lang: Language) -> String {
        lang.date_range(&self.starts.to_string(), &self.ends.to_string())
    }
}

async fn session_head(db: &Db, id: i64) -> AppResult<SessionHead> {
    sqlx::query_as(
        "SELECT p.name AS programme, s.code, k.name AS camp, k.country, k.contact, s.starts, s.ends, s.departure \
         FROM sessions s JOIN programmes p ON p.id = s.programme_id JOIN camps k ON k.id = s.camp_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)
}

/// A child who travels: the family accepted the place.
#[derive(sqlx::FromRow)]
struct Traveller {
    reference: Option<String>,
    given_name: String,
    family_name: String,
    birth_date: Day,
    passport_number: Option<String>,
    passport_expires: Option<Day>,
    emergency_contact: Option<String>,
    guardian: String,
    guardian_email: String,
    /// Sealed in the database; opened here.
    guardian_phone: Option<String>,
}

impl Traveller {
    fn name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }
}

/// The session's travellers, with their passport numbers and emergency
/// contacts opened (they are kept encrypted).
async fn travellers(db: &Db, session: i64) -> Result<Vec<Traveller>, sqlx::Error> {
    use crate::store::keys::{CONTACT, PASSPORT, PHONE};
    let keys = db.keys()?;
    let found: Vec<Traveller> = sqlx::query_as(
        "SELECT a.reference, c.given_name, c.family_name, c.birth_date, c.passport_number, c.passport_expires, \
                c.emergency_contact, g.full_name AS guardian, g.email AS guardian_email, g.phone AS guardian_phone \
         FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.session_id = $1 AND o.status = $2 ORDER BY c.family_name, c.given_name, a.reference",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .fetch_all(db.pool())
    .await?;
    found
        .into_iter()
        .map(|mut t| {
            t.passport_number = keys.reveal_opt(PASSPORT, t.passport_number.as_deref())?;
            t.emergency_contact = keys.reveal_opt(CONTACT, t.emergency_contact.as_deref())?;
            t.guardian_phone = keys.reveal_opt(PHONE, t.guardian_phone.as_deref())?;
            Ok(t)
        })
        .collect()
}

/// The text, or "not given" when there is none.
fn given(s: Option<String>, lang: Language) -> String {
    or_not_given(s.unwrap_or_default(), lang)
}

/// What a session's manifest and roster start from: the reader may see
/// travel papers; the print of `paper` is recorded; the session's head, the
/// language and who travels.
async fn session_papers(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    q: &LangQuery,
    id: i64,
    paper: &str,
) -> AppResult<(SessionHead, Language, Vec<Traveller>)> {
    let permit = authorize(user, Action::Read, Resource::TravelPapers)?;
    crate::groups::reach(state, user, &permit, id).await?;
    let head = session_head(&state.db, id).await?;
    let mut travellers = travellers(&state.db, id).await?;
    // A group's adults carry the papers of their groups' children only.
    if let Some(only) = crate::groups::visible_references(&state.db, user, &permit, id).await? {
        travellers.retain(|t| t.reference.as_ref().is_some_and(|r| only.contains(r)));
    }
    state
        .record_as(
            &permit,
            Action::Print,
            Resource::TravelPapers,
            Some(id),
            paper,
        )
        .await?;
    Ok((head, print_language(visitor, q), travellers))
}

async fn manifest(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (head, lang, travellers) =
        session_papers(&state, &user, &visitor, &q, id, "manifest").await?;
    let chaperones = crate::groups::chaperone_names(&state.db, id).await?;
    let departure = or_not_given(head.departure.clone(), lang);
    manifest_paper(head, lang, travellers, departure, chaperones).await
}

/// One leg's manifest: the children of its group (those the reader may
/// see), the leg in words as where and when, the group's adults.
async fn leg_manifest(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(leg): Path<i64>,
) -> AppResult<Response> {
    let (leg, session) = crate::groups::legs::find(&state.db, leg)
        .await?
        .ok_or(AppError::NotFound)?;
    let (head, lang, mut travellers) =
        session_papers(&state, &user, &visitor, &q, session, "leg_manifest").await?;
    let (references, adults) =
        crate::groups::legs::travelling_with(&state.db, leg.group_id).await?;
    travellers.retain(|t| t.reference.as_ref().is_some_and(|r| references.contains(r)));
    let departure = leg.line(&lang);
    manifest_paper(head, lang, travellers, departure, adults).await
}

/// A manifest of `travellers`, leaving as `departure` says, with
/// `chaperones`.
async fn manifest_paper(
    head: SessionHead,
    lang: Language,
    travellers: Vec<Traveller>,
    departure: String,
    chaperones: Vec<String>,
) -> AppResult<Response> {
    let children = travellers
        .into_iter()
        .map(|t| smena_pdf::ManifestRow {
            name: t.name(),
            birth_date: lang.date(&t.birth_date.to_string()),
            passport_expires: t
                .passport_expires
                .map_or_else(|| lang.text("not-given"), |d| lang.date(&d.to_string())),
            passport_number: given(t.passport_number, lang),
        })
        .collect();
    let paper = smena_pdf::Manifest {
        dates: head.dates(lang),
        programme: head.programme,
        session: head.code.clone(),
        camp: head.camp,
        country: head.country,
        departure,
        chaperones: Some(chaperones)
            .filter(|names| !names.is_empty())
            .unwrap_or_else(|| vec![lang.text("not-assigned")]),
        children,
        issued: issued(lang),
    };
    typeset(
        paper,
        lang,
        format!("manifest-{}.pdf", file_part(&head.code)),
    )
    .await
}

async fn roster(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (head, lang, travellers) =
        session_papers(&state, &user, &visitor, &q, id, "roster").await?;
    let children = travellers
        .into_iter()
        .map(|t| smena_pdf::RosterRow {
            name: t.name(),
            birth_date: lang.date(&t.birth_date.to_string()),
            reference: t.reference.unwrap_or_default(),
            guardian: t.guardian,
            // Whom the chaperone calls first: the phone, then the e-mail.
            guardian_contact: match t.guardian_phone {
                Some(phone) => format!("{phone} · {}", t.guardian_email),
                None => t.guardian_email,
            },
            emergency_contact: given(t.emergency_contact, lang),
        })
        .collect();
    let paper = smena_pdf::Roster {
        dates: head.dates(lang),
        programme: head.programme,
        session: head.code.clone(),
        camp: head.camp,
        departure: or_not_given(head.departure, lang),
        camp_contact: head.contact,
        chaperones: Some(crate::groups::chaperone_names(&state.db, id).await?)
            .filter(|names| !names.is_empty())
            .unwrap_or_else(|| vec![lang.text("not-assigned")]),
        checkpoints: [
            "checkpoint-departure",
            "checkpoint-transfer",
            "checkpoint-arrival",
        ]
        .iter()
        .map(|k| lang.text(k))
        .collect(),
        children,
        issued: issued(lang),
    };
    typeset(paper, lang, format!("roster-{}.pdf", file_part(&head.code))).await
}

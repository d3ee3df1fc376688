//! The printed papers: the voucher a placed child travels with, the consent
//! form a parent signs, the travel manifest for the border, the roster a
//! chaperone carries offline and the coordinator's programme report. Typeset
//! by `smena-pdf` in the reader's language; every print is audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use smena_pdf::Paper;
use sqlx::Row as _;

use crate::allocation::{by_district, runs};
use crate::applications::load_application;
use crate::audit;
use crate::dashboard::charts::{
    demand_chart, district_chart, score_chart, share_chart, timeline_chart,
};
use crate::language::Language;
use crate::notifications::outbox;
use crate::store::{Db, now_ms, today};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/voucher.pdf", get(voucher))
        .route("/applications/{id}/consent.pdf", get(consent_form))
        .route("/coordinator/sessions/{id}/manifest.pdf", get(manifest))
        .route("/coordinator/sessions/{id}/roster.pdf", get(roster))
        .route("/coordinator/programmes/{id}/report.pdf", get(report))
        .route(
            "/coordinator/programmes/{id}/vouchers",
            post(issue_vouchers),
        )
        .route("/vouchers/{code}", get(voucher_check))
        .route("/travel-papers", get(travel_papers))
}

/// A session on the travel papers page.
pub struct SessionPapers {
    id: i64,
    code: String,
    camp: String,
    dates: String,
    travelling: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "documents/travel_papers.html")]
struct TravelPapersPage {
    nav: crate::web::page::Nav,
    programme: String,
    sessions: Vec<SessionPapers>,
}

/// Where the coordinator and the chaperones find each session's manifest
/// and roster.
async fn travel_papers(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<TravelPapersPage> {
    authorize(&user, Action::Read, Resource::TravelPapers)?;
    let (programme, name) = crate::programmes::queries::newest(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.code, k.name, s.starts, s.ends, \
                (SELECT COUNT(*) FROM offers o WHERE o.session_id = s.id AND o.status = 'accepted') \
         FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(programme)
    .fetch_all(state.db.pool())
    .await?;
    Ok(TravelPapersPage {
        nav: crate::web::page::Nav::from(&visitor),
        programme: name,
        sessions: rows
            .into_iter()
            .map(|(id, code, camp, starts, ends, travelling)| SessionPapers {
                id,
                code,
                camp,
                dates: visitor.language.date_range(&starts, &ends),
                travelling,
            })
            .collect(),
    })
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The language to print in: the one asked for (`?lang=ru`), else the
/// visitor's (chosen on this device, else the account's, else the browser's).
fn print_language(visitor: &Visitor, asked: &LangQuery) -> Language {
    asked
        .lang
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(visitor.language)
}

/// Typesets `paper` off the async threads (a report takes a moment) and
/// answers with the PDF, shown in the browser, never cached.
async fn typeset<P: Paper + Send + 'static>(
    paper: P,
    lang: Language,
    file_name: String,
) -> AppResult<Response> {
    let labels = lang.labels(P::LABELS);
    let pdf = tokio::task::spawn_blocking(move || smena_pdf::render(&paper, lang.code(), &labels))
        .await
        .map_err(|e| anyhow::anyhow!("the typesetter stopped: {e}"))?
        .map_err(|e| anyhow::anyhow!("cannot typeset {file_name}: {e}"))?;
    let disposition = format!("inline; filename=\"{file_name}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A name for a download: letters, digits and dashes only.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// What a voucher and its check page show, from the offer.
struct Placement {
    reference: String,
    child: String,
    birth_date: String,
    guardian: String,
    programme: String,
    session: String,
    camp: String,
    country: String,
    starts: String,
    ends: String,
    departure: String,
    status: String,
    voucher_code: Option<String>,
    voucher_issued_at: Option<i64>,
}

const PLACEMENT: &str = "SELECT a.id, a.reference, c.given_name, c.family_name, c.birth_date, g.full_name AS guardian, \
            g.email AS guardian_email, g.language AS guardian_language, p.name AS programme, s.code, s.starts, s.ends, s.departure, k.name AS camp, k.country, \
            o.status, o.voucher_code, o.voucher_issued_at \
     FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
     JOIN accounts g ON g.id = c.guardian_id JOIN programmes p ON p.id = a.programme_id \
     JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id";

fn placement(r: &sqlx::any::AnyRow) -> Result<Placement, sqlx::Error> {
    Ok(Placement {
        reference: r
            .try_get::<Option<String>, _>("reference")?
            .unwrap_or_default(),
        child: format!(
            "{} {}",
            r.try_get::<String, _>("family_name")?,
            r.try_get::<String, _>("given_name")?
        ),
        birth_date: r.try_get("birth_date")?,
        guardian: r.try_get("guardian")?,
        programme: r.try_get("programme")?,
        session: r.try_get("code")?,
        camp: r.try_get("camp")?,
        country: r.try_get("country")?,
        starts: r.try_get("starts")?,
        ends: r.try_get("ends")?,
        departure: r.try_get("departure")?,
        status: r.try_get("status")?,
        voucher_code: r.try_get("voucher_code")?,
        voucher_issued_at: r.try_get("voucher_issued_at")?,
    })
}

fn issued_date(ms: Option<i64>) -> String {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map_or_else(today, |t| t.date().to_string())
}

async fn voucher(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    load_application(&state, &user, Action::Read, id).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PLACEMENT} WHERE o.application_id = $1"
    )))
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let p = row.as_ref().map(placement).transpose()?;
    // Only an accepted place with an issued voucher has a voucher to print.
    let Some((p, code)) = p.and_then(|p| {
        let code = p.voucher_code.clone().filter(|_| p.status == "accepted")?;
        Some((p, code))
    }) else {
        return Err(AppError::NotFound);
    };
    let lang = print_language(&visitor, &q);
    audit::note(&state.db, &user, "print", "voucher", Some(id), "ok", "").await?;
    let paper = smena_pdf::Voucher {
        verify_url: format!(
            "{}/vouchers/{code}",
            state.config.base_url.trim_end_matches('/')
        ),
        code,
        reference: p.reference.clone(),
        child: p.child,
        birth_date: lang.date(&p.birth_date),
        guardian: p.guardian,
        programme: p.programme,
        session: p.session,
        camp: p.camp,
        country: p.country,
        dates: lang.date_range(&p.starts, &p.ends),
        departure: or_not_given(p.departure, lang),
        issued: lang.date(&issued_date(p.voucher_issued_at)),
    };
    typeset(
        paper,
        lang,
        format!("voucher-{}.pdf", file_part(&p.reference)),
    )
    .await
}

fn or_not_given(s: String, lang: Language) -> String {
    if s.trim().is_empty() {
        lang.text("not-given")
    } else {
        s
    }
}

async fn consent_form(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (application, child) = load_application(&state, &user, Action::Read, id).await?;
    let lang = print_language(&visitor, &q);
    let head = sqlx::query(
        "SELECT a.reference, p.name AS programme, g.full_name, g.email FROM applications a \
         JOIN programmes p ON p.id = a.programme_id JOIN accounts g ON g.id = $2 WHERE a.id = $1",
    )
    .bind(id)
    .bind(child.guardian_id)
    .fetch_one(state.db.pool())
    .await?;
    // The placed session once there is an offer, else the ranked choices.
    let placed: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT s.code, k.name, s.starts, s.ends FROM offers o JOIN sessions s ON s.id = o.session_id \
         JOIN camps k ON k.id = s.camp_id WHERE o.application_id = $1 AND o.status IN ('offered', 'accepted')",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    let describe = |(code, camp, starts, ends): (String, String, String, String)| {
        format!("{code} — {camp}, {}", lang.date_range(&starts, &ends))
    };
    let sessions = match placed {
        Some(s) => vec![describe(s)],
        None => {
            let mut out = Vec::new();
            for session in &application.choices {
                let s: Option<(String, String, String, String)> = sqlx::query_as(
                    "SELECT s.code, k.name, s.starts, s.ends FROM sessions s JOIN camps k ON k.id = s.camp_id WHERE s.id = $1",
                )
                .bind(session)
                .fetch_optional(state.db.pool())
                .await?;
                out.extend(s.map(describe));
            }
            out
        }
    };
    let reference: String = head
        .try_get::<Option<String>, _>("reference")?
        .unwrap_or_default();
    audit::note(
        &state.db,
        &user,
        "print",
        "consent form",
        Some(id),
        "ok",
        "",
    )
    .await?;
    let paper = smena_pdf::ConsentForm {
        reference: reference.clone(),
        child: format!("{} {}", child.family_name, child.given_name),
        birth_date: lang.date(&child.birth_date),
        school: child.school,
        guardian: head.try_get("full_name")?,
        guardian_email: head.try_get("email")?,
        programme: head.try_get("programme")?,
        sessions,
        paragraphs: [
            "consent-participation",
            "consent-personal-data",
            "consent-rules",
        ]
        .iter()
        .map(|k| lang.text(k))
        .collect(),
        text_version: crate::applications::CONSENT_VERSION.to_string(),
        issued: lang.date(&today()),
    };
    let name = if reference.is_empty() {
        format!("consent-{id}.pdf")
    } else {
        format!("consent-{}.pdf", file_part(&reference))
    };
    typeset(paper, lang, name).await
}

/// A session's head for the manifest and the roster.
struct SessionHead {
    programme: String,
    code: String,
    camp: String,
    country: String,
    contact: String,
    starts: String,
    ends: String,
    departure: String,
}

async fn session_head(db: &Db, id: i64) -> AppResult<SessionHead> {
    let r = sqlx::query(
        "SELECT p.name AS programme, s.code, k.name AS camp, k.country, k.contact, s.starts, s.ends, s.departure \
         FROM sessions s JOIN programmes p ON p.id = s.programme_id JOIN camps k ON k.id = s.camp_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(SessionHead {
        programme: r.try_get("programme")?,
        code: r.try_get("code")?,
        camp: r.try_get("camp")?,
        country: r.try_get("country")?,
        contact: r.try_get("contact")?,
        starts: r.try_get("starts")?,
        ends: r.try_get("ends")?,
        departure: r.try_get("departure")?,
    })
}

/// The children who travel: those whose families accepted the place.
async fn travellers(db: &Db, session: i64) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    sqlx::query(
        "SELECT a.reference, c.given_name, c.family_name, c.birth_date, c.passport_number, c.passport_expires, \
                c.emergency_contact, g.full_name AS guardian, g.email AS guardian_email \
         FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.session_id = $1 AND o.status = 'accepted' ORDER BY c.family_name, c.given_name, a.reference",
    )
    .bind(session)
    .fetch_all(db.pool())
    .await
}

fn name_of(r: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    Ok(format!(
        "{} {}",
        r.try_get::<String, _>("family_name")?,
        r.try_get::<String, _>("given_name")?
    ))
}

fn optional(r: &sqlx::any::AnyRow, column: &str, lang: Language) -> Result<String, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(column)?
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| lang.text("not-given")))
}

/// What a session's manifest and roster start from: the reader may see
/// travel papers, the session's head, the language and who travels.
async fn session_papers(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    q: &LangQuery,
    id: i64,
) -> AppResult<(SessionHead, Language, Vec<sqlx::any::AnyRow>)> {
    authorize(user, Action::Read, Resource::TravelPapers)?;
    let head = session_head(&state.db, id).await?;
    Ok((
        head,
        print_language(visitor, q),
        travellers(&state.db, id).await?,
    ))
}

async fn manifest(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (head, lang, travellers) = session_papers(&state, &user, &visitor, &q, id).await?;
    let mut children = Vec::new();
    for r in travellers {
        let expires = r.try_get::<Option<String>, _>("passport_expires")?;
        children.push(smena_pdf::ManifestRow {
            name: name_of(&r)?,
            birth_date: lang.date(&r.try_get::<String, _>("birth_date")?),
            passport_number: optional(&r, "passport_number", lang)?,
            passport_expires: expires.map_or_else(|| lang.text("not-given"), |d| lang.date(&d)),
        });
    }
    audit::note(&state.db, &user, "print", "manifest", Some(id), "ok", "").await?;
    let paper = smena_pdf::Manifest {
        programme: head.programme,
        session: head.code.clone(),
        camp: head.camp,
        country: head.country,
        dates: lang.date_range(&head.starts, &head.ends),
        departure: or_not_given(head.departure, lang),
        chaperones: vec![lang.text("not-assigned")],
        children,
        issued: lang.date(&today()),
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
    let (head, lang, travellers) = session_papers(&state, &user, &visitor, &q, id).await?;
    let mut children = Vec::new();
    for r in travellers {
        children.push(smena_pdf::RosterRow {
            name: name_of(&r)?,
            birth_date: lang.date(&r.try_get::<String, _>("birth_date")?),
            reference: r
                .try_get::<Option<String>, _>("reference")?
                .unwrap_or_default(),
            guardian: r.try_get("guardian")?,
            guardian_contact: r.try_get("guardian_email")?,
            emergency_contact: optional(&r, "emergency_contact", lang)?,
        });
    }
    audit::note(&state.db, &user, "print", "roster", Some(id), "ok", "").await?;
    let paper = smena_pdf::Roster {
        programme: head.programme,
        session: head.code.clone(),
        camp: head.camp,
        dates: lang.date_range(&head.starts, &head.ends),
        departure: or_not_given(head.departure, lang),
        camp_contact: head.contact,
        chaperones: vec![lang.text("not-assigned")],
        checkpoints: [
            "checkpoint-departure",
            "checkpoint-transfer",
            "checkpoint-arrival",
        ]
        .iter()
        .map(|k| lang.text(k))
        .collect(),
        children,
        issued: lang.date(&today()),
    };
    typeset(paper, lang, format!("roster-{}.pdf", file_part(&head.code))).await
}

/// Shares as "12.5 %" ("12,5 %" in Russian), or a dash when there is
/// nothing to share.
fn share(part: i64, whole: i64, lang: Language) -> String {
    if whole == 0 {
        "–".into()
    } else {
        let s = format!("{:.1}", 100.0 * part as f64 / whole as f64);
        format!("{} %", lang.number(&s))
    }
}

async fn report(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Read, Resource::Report)?;
    let (name, status): (String, String) =
        sqlx::query_as("SELECT name, status FROM programmes WHERE id = $1")
            .bind(id)
            .fetch_optional(state.db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
    let lang = print_language(&visitor, &q);
    let (submitted, places): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM applications WHERE programme_id = $1 AND submitted_at IS NOT NULL), \
                (SELECT COALESCE(SUM(places), 0) FROM sessions WHERE programme_id = $1)",
    )
    .bind(id)
    .fetch_one(state.db.pool())
    .await?;
    // The published run, else the newest final one: what the report is about.
    let run = runs::result_run(&state.db, id).await?;
    let mut figures = vec![
        (
            lang.text("report-figure-applications"),
            submitted.to_string(),
        ),
        (lang.text("report-figure-places"), places.to_string()),
    ];
    let (mut sessions, mut districts) = (Vec::new(), Vec::new());
    let mut charts = vec![smena_pdf::ReportChart {
        title: lang.text("report-chart-timeline"),
        svg: timeline_chart(
            &crate::dashboard::applications_by_day(&state.db, id).await?,
            lang,
        ),
    }];
    match run {
        None => figures.push((
            lang.text("report-figure-placed"),
            lang.text("report-no-run"),
        )),
        Some(run) => {
            figures.push((lang.text("report-figure-placed"), run.placed.to_string()));
            figures.push((
                lang.text("report-figure-unplaced"),
                (run.applicants - run.placed).to_string(),
            ));
            let fill = runs::fill(&state.db, id, run.id).await?;
            for f in &fill {
                sessions.push(smena_pdf::ReportSession {
                    session: f.code.clone(),
                    camp: f.camp.clone(),
                    places: f.places,
                    first_choices: f.demand_first,
                    placed: f.filled,
                    cutoff: f
                        .lowest_score
                        .as_deref()
                        .map_or_else(|| "–".into(), |s| lang.number(s)),
                });
            }
            let by = by_district(&state.db, run.id).await?;
            let (applicants, placed): (i64, i64) =
                by.iter().fold((0, 0), |(a, p), (_, n, k)| (a + n, p + k));
            for (district, n, k) in &by {
                districts.push(smena_pdf::ReportDistrict {
                    district: district.clone(),
                    applicants: *n,
                    placed: *k,
                    share_of_applicants: share(*n, applicants, lang),
                    share_of_places: share(*k, placed, lang),
                });
            }
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-demand"),
                svg: demand_chart(&fill, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-districts"),
                svg: district_chart(&by, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-shares"),
                svg: share_chart(&by, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-scores"),
                svg: score_chart(
                    &crate::dashboard::score_distributions(&state.db, run.id).await?,
                    lang,
                ),
            });
        }
    }
    audit::note(&state.db, &user, "print", "report", Some(id), "ok", "").await?;
    let paper = smena_pdf::ProgrammeReport {
        programme: name,
        status: lang.text(&format!("status-{status}")),
        figures,
        sessions,
        districts,
        charts,
        issued: lang.date(&today()),
    };
    typeset(paper, lang, format!("report-{id}.pdf")).await
}

/// Letters and digits that cannot be mistaken for one another when read
/// aloud over a phone or typed from paper (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn new_voucher_code() -> AppResult<String> {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
    // 31 letters: the bias of `% 31` on a byte is under 1 %, and the code
    // has about 49 bits, enough that guessing one is hopeless.
    let chars: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &chars[..5], &chars[5..]))
}

/// Gives every accepted place of the programme that has none a voucher
/// code, and tells each family in their language.
async fn issue_vouchers(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Publish, Resource::Allocation)?;
    let mut tx = state.db.begin_write().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PLACEMENT} WHERE a.programme_id = $1 AND o.status = 'accepted' AND o.voucher_code IS NULL \
         ORDER BY a.reference"
    )))
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let now = now_ms();
    let base = state.config.base_url.trim_end_matches('/').to_string();
    for r in &rows {
        let application: i64 = r.try_get("id")?;
        let code = new_voucher_code()?;
        sqlx::query(
            "UPDATE offers SET voucher_code = $1, voucher_issued_at = $2 WHERE application_id = $3",
        )
        .bind(&code)
        .bind(now)
        .bind(application)
        .execute(&mut *tx)
        .await?;
        let p = placement(r)?;
        let lang =
            Language::parse(&r.try_get::<String, _>("guardian_language")?).unwrap_or(Language::En);
        let link = format!("{base}/applications/{application}");
        let dates = lang.date_range(&p.starts, &p.ends);
        let departure = or_not_given(p.departure, lang);
        let args = [
            ("child", p.child.as_str()),
            ("session", p.session.as_str()),
            ("dates", dates.as_str()),
            ("departure", departure.as_str()),
            ("link", link.as_str()),
        ];
        outbox::enqueue(
            &mut tx,
            &r.try_get::<String, _>("guardian_email")?,
            "voucher_ready",
            &lang.text_with("email-voucher-subject", &args),
            &lang.text_with("email-voucher-body", &args),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        &user,
        "issue",
        "vouchers",
        Some(id),
        "ok",
        &format!("{} vouchers", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coordinator/allocation?vouchers={}", rows.len())).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "documents/voucher_check.html")]
struct VoucherCheckPage {
    lang: &'static str,
    title: String,
    code_label: String,
    code: String,
    verdict: String,
    valid: bool,
    /// (label, value) of the place, when the voucher is valid.
    details: Vec<(String, String)>,
}

/// The page the voucher's QR code opens: anyone at the border or the camp
/// gate can see whether the voucher is valid, and for whom and where.
async fn voucher_check(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let lang = print_language(&visitor, &q);
    let code = code.trim().to_ascii_uppercase();
    let found = if code.len() <= 20 {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PLACEMENT} WHERE o.voucher_code = $1"
        )))
        .bind(&code)
        .fetch_optional(state.db.pool())
        .await?
    } else {
        None
    };
    let p = found.as_ref().map(placement).transpose()?;
    let p_found = p.is_some();
    let (valid, verdict, details) = match p {
        Some(p) if p.status == "accepted" => (
            true,
            lang.text("voucher-check-valid"),
            vec![
                (lang.text("field-child"), p.child),
                (lang.text("field-programme"), p.programme),
                (lang.text("field-session"), p.session),
                (
                    lang.text("field-camp"),
                    format!("{}, {}", p.camp, p.country),
                ),
                (
                    lang.text("field-dates"),
                    lang.date_range(&p.starts, &p.ends),
                ),
                (
                    lang.text("field-departure"),
                    or_not_given(p.departure, lang),
                ),
            ],
        ),
        Some(_) => (false, lang.text("voucher-check-withdrawn"), vec![]),
        None => (false, lang.text("voucher-check-unknown"), vec![]),
    };
    let status = if p_found {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    let page = VoucherCheckPage {
        lang: lang.code(),
        title: lang.text("voucher-check-title"),
        code_label: lang.text("voucher-check-code"),
        code,
        verdict,
        valid,
        details,
    };
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voucher_codes_are_unambiguous_and_distinct() {
        let a = new_voucher_code().expect("code");
        let b = new_voucher_code().expect("code");
        assert_ne!(a, b);
        assert_eq!(a.len(), 11);
        assert_eq!(&a[5..6], "-");
        assert!(
            a.chars()
                .filter(|c| *c != '-')
                .all(|c| CODE_ALPHABET.contains(&(c as u8)))
        );
        assert!(!a.contains(['0', 'O', '1', 'I', 'L']));
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_part("SKH27-0001"), "SKH27-0001");
        assert_eq!(file_part("a\"b/c\r\n"), "a-b-c--");
        assert_eq!(share(1, 8, Language::En), "12.5 %");
        assert_eq!(share(1, 8, Language::Ru), "12,5 %");
        assert_eq!(share(1, 0, Language::En), "–");
    }
}

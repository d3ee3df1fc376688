//! Travel vouchers: issued once per accepted place (each family is told in
//! its language), printed by the family with a QR code, and checked by
//! anyone at the border or the camp gate on the public check page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{LangQuery, file_part, or_not_given, print_language, typeset};
use crate::applications::load_application;
use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::domain::values::Day;
use crate::language::Language;
use crate::store::{Mail, now_ms, today};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/applications/{id}/voucher.pdf",
            Access::Policy(Action::Read, Resource::Application),
            voucher,
        )
        .post(
            "/coordinator/programmes/{id}/vouchers",
            Access::Policy(Action::Publish, Resource::Allocation),
            issue_vouchers,
        )
        .get("/vouchers/{code}", Access::Anyone, voucher_check)
}

/// An offered place as a voucher and its check page show it.
#[derive(sqlx::FromRow)]
struct OfferedPlace {
    id: i64,
    reference: Option<String>,
    given_name: String,
    family_name: String,
    birth_date: Day,
    guardian: String,
    guardian_email: String,
    guardian_language: Language,
    programme: String,
    code: String,
    starts: Day,
    ends: Day,
    departure: String,
    departs_at: Option<i64>,
    meeting_point: String,
    what_to_bring: String,
    office_phone: String,
    camp: String,
    country: String,
    status: OfferStatus,
    voucher_code: Option<String>,
    voucher_issued_at: Option<i64>,
}

impl OfferedPlace {
    fn child(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }

    fn dates(&self, lang: Language) -> String {
        lang.date_range(&self.starts.to_string(), &self.ends.to_string())
    }
}

const OFFERED_PLACE: &str = "SELECT a.id, a.reference, c.given_name, c.family_name, c.birth_date, g.full_name AS guardian, \
            g.email AS guardian_email, g.language AS guardian_language, p.name AS programme, s.code, s.starts, s.ends, \
            s.departure, s.departs_at, s.meeting_point, s.what_to_bring, s.office_phone, k.name AS camp, k.country, o.status, o.voucher_code, o.voucher_issued_at \
     FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
     JOIN accounts g ON g.id = c.guardian_id JOIN programmes p ON p.id = a.programme_id \
     JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id";

/// The day a voucher was issued (today if not yet).
fn issued_date(ms: Option<i64>) -> Day {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map_or_else(today, |t| Day(t.date()))
}

async fn voucher(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, _, permit) = load_application(&state, &user, Action::Read, id).await?;
    let place: Option<OfferedPlace> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{OFFERED_PLACE} WHERE o.application_id = $1"
    )))
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    // Only an accepted place with an issued voucher has a voucher to print.
    let Some((p, code)) = place.and_then(|p| {
        let code = p
            .voucher_code
            .clone()
            .filter(|_| p.status == OfferStatus::Accepted)?;
        Some((p, code))
    }) else {
        return Err(AppError::NotFound);
    };
    let lang = print_language(&visitor, &q);
    state
        .record_as(&permit, Action::Print, Resource::Voucher, Some(id), "")
        .await?;
    let reference = p.reference.clone().unwrap_or_default();
    let chaperones = crate::groups::chaperone_phones(&state.db, id).await?;
    let itinerary = crate::groups::legs::of_application(&state.db, id)
        .await?
        .iter()
        .map(|l| l.line(&lang))
        .collect();
    let paper = smena_pdf::Voucher {
        verify_url: format!(
            "{}/vouchers/{code}",
            state.config.base_url.trim_end_matches('/')
        ),
        code,
        reference: reference.clone(),
        child: p.child(),
        birth_date: lang.date(&p.birth_date.to_string()),
        dates: p.dates(lang),
        issued: lang.date(&issued_date(p.voucher_issued_at).to_string()),
        guardian: p.guardian,
        programme: p.programme,
        session: p.code,
        camp: p.camp,
        country: p.country,
        departure: or_not_given(p.departure, lang),
        departs: or_not_given(
            p.departs_at.map(|ms| lang.moment(ms)).unwrap_or_default(),
            lang,
        ),
        meeting_point: or_not_given(p.meeting_point.replace('\n', ", "), lang),
        chaperones: if chaperones.is_empty() {
            vec![lang.text("not-assigned")]
        } else {
            chaperones
        },
        office_phone: or_not_given(p.office_phone.replace(' ', "\u{a0}"), lang),
        what_to_bring: p
            .what_to_bring
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        itinerary,
    };
    typeset(
        paper,
        lang,
        format!("voucher-{}.pdf", file_part(&reference)),
    )
    .await
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

/// A code as a person types it from paper or hears it over the phone:
/// any case, with or without the hyphen, spaces and dashes anywhere
/// ("abcde fghjk", "ABCDE–FGHJK") read as the printed `ABCDE-FGHJK`.
fn normalise_code(typed: &str) -> String {
    let plain: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plain.len() == 10 {
        format!("{}-{}", &plain[..5], &plain[5..])
    } else {
        plain
    }
}

/// Gives every accepted place of the programme that has none a voucher
/// code, and tells each family in their language. A place that got its
/// code from another request meanwhile keeps it.
async fn issue_vouchers(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Publish, Resource::Allocation)?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let issued = state
        .write(&permit, async |c| {
            let places: Vec<OfferedPlace> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{OFFERED_PLACE} WHERE a.programme_id = $1 AND o.status = $2 AND o.voucher_code IS NULL \
                 ORDER BY a.reference"
            )))
            .bind(id)
            .bind(OfferStatus::Accepted)
            .fetch_all(&mut **c)
            .await?;
            let now = now_ms();
            let mut issued = 0;
            for p in places {
                let code = new_voucher_code()?;
                let taken = c
                    .transition(
                        sqlx::query(
                            "UPDATE offers SET voucher_code = $1, voucher_issued_at = $2 \
                             WHERE application_id = $3 AND voucher_code IS NULL",
                        )
                        .bind(&code)
                        .bind(now)
                        .bind(p.id),
                    )
                    .await?;
                if !taken {
                    continue;
                }
                issued += 1;
                let lang = p.guardian_language;
                let link = format!("{base}/applications/{}", p.id);
                let dates = p.dates(lang);
                let child = p.child();
                let departure = or_not_given(p.departure, lang);
                let args = [
                    ("child", child.as_str()),
                    ("session", p.code.as_str()),
                    ("dates", dates.as_str()),
                    ("departure", departure.as_str()),
                    ("link", link.as_str()),
                ];
                c.send(Mail {
                    to: p.guardian_email,
                    kind: "voucher_ready",
                    subject: lang.text_with("email-voucher-subject", &args),
                    body: lang.text_with("email-voucher-body", &args),
                    secret: None,
                });
            }
            c.audit_as(
                Action::Create,
                Resource::Voucher,
                Some(id),
                format!("{issued} vouchers"),
            );
            Ok(issued)
        })
        .await?;
    Ok(Redirect::to(&format!("/coordinator/allocation?vouchers={issued}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "papers/voucher_check.html")]
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
    let code = normalise_code(&code);
    let found: Option<OfferedPlace> = if code.len() <= 20 {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{OFFERED_PLACE} WHERE o.voucher_code = $1"
        )))
        .bind(&code)
        .fetch_optional(state.db.pool())
        .await?
    } else {
        None
    };
    let status = if found.is_some() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    let (valid, verdict, details) = match found {
        Some(p) if p.status == OfferStatus::Accepted => {
            let (child, dates) = (p.child(), p.dates(lang));
            (
                true,
                lang.text("voucher-check-valid"),
                vec![
                    (lang.text("field-child"), child),
                    (lang.text("field-programme"), p.programme),
                    (lang.text("field-session"), p.code),
                    (
                        lang.text("field-camp"),
                        format!("{}, {}", p.camp, p.country),
                    ),
                    (lang.text("field-dates"), dates),
                    (
                        lang.text("field-departure"),
                        or_not_given(p.departure, lang),
                    ),
                ],
            )
        }
        Some(_) => (false, lang.text("voucher-check-withdrawn"), vec![]),
        None => (false, lang.text("voucher-check-unknown"), vec![]),
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
    fn voucher_codes_are_read_as_typed() {
        for typed in [
            "abcde-fghjk",
            "ABCDEFGHJK",
            " abcde fghjk ",
            "ABCDE–FGHJK",
            "abcde--fghjk",
        ] {
            assert_eq!(normalise_code(typed), "ABCDE-FGHJK", "{typed}");
        }
        assert_eq!(normalise_code("short"), "SHORT");
    }

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
}

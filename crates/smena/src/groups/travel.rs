//! A session's travel details, as the voucher prints them for the family:
//! where and when the group leaves (on the programme's clock), where to
//! meet, what to bring and the office's phone. The coordinator sets them
//! any time before the journey, usually after the allocation, when the
//! tickets are bought.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::accounts::phone::Phone;
use crate::domain::access::{Action, Resource};
use crate::language::{Language, zone};
use crate::programmes::deadlines::{parse_day, parse_time, wall};
use crate::programmes::fields::{optional_text, paragraphs};
use crate::store::Change;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/sessions/{id}/travel",
            Access::Policy(Action::Update, Resource::Session),
            page,
        )
        .post(
            "/coordinator/sessions/{id}/travel",
            Access::Policy(Action::Update, Resource::Session),
            save,
        )
}

/// A session's travel details, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TravelDetails {
    /// Where the group leaves from (an airport, a station).
    pub departure: String,
    /// When it leaves, in milliseconds since the epoch.
    pub departs_at: Option<i64>,
    /// Where the families bring the children, and when to be there.
    pub meeting_point: String,
    /// One thing per line.
    pub what_to_bring: String,
    /// The programme office's phone, for the family on the day.
    pub office_phone: String,
}

/// The form as typed (and as it comes back with a problem).
#[derive(Deserialize, Default, Clone)]
pub struct TravelForm {
    #[serde(default)]
    departure: String,
    #[serde(default)]
    departs_on: String,
    #[serde(default)]
    departs_time: String,
    #[serde(default)]
    meeting_point: String,
    #[serde(default)]
    what_to_bring: String,
    #[serde(default)]
    office_phone: String,
}

impl TravelForm {
    /// Each problem in the coordinator's language, naming the field.
    fn parse(&self, lang: Language) -> Result<TravelDetails, Vec<String>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, String>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let departure = keep(optional_text(&self.departure, "departure", 200, lang));
        let meeting_point = keep(paragraphs(&self.meeting_point, "meeting-point", 500, lang));
        let what_to_bring = keep(paragraphs(&self.what_to_bring, "what-to-bring", 2000, lang));
        let office_phone = match self.office_phone.trim() {
            "" => String::new(),
            typed => match Phone::parse(typed) {
                Ok(p) => p.as_str().to_string(),
                Err(key) => {
                    errors.push(format!(
                        "{}: {}",
                        lang.text("setup-field-office-phone"),
                        lang.text(key)
                    ));
                    String::new()
                }
            },
        };
        let departs_at = if self.departs_on.trim().is_empty() {
            None
        } else {
            let day = parse_day(&self.departs_on);
            let time = parse_time(&self.departs_time);
            if day.is_none() {
                errors.push(lang.text_with(
                    "deadline-bad-day",
                    &[
                        ("field", &lang.text("setup-field-departs-on")),
                        ("value", self.departs_on.trim()),
                    ],
                ));
            }
            if time.is_none() {
                errors.push(
                    lang.text_with("deadline-bad-time", &[("value", self.departs_time.trim())]),
                );
            }
            day.zip(time).and_then(|(d, (h, m))| on_clock(d, h, m))
        };
        if errors.is_empty() {
            Ok(TravelDetails {
                departure,
                departs_at,
                meeting_point,
                what_to_bring,
                office_phone,
            })
        } else {
            Err(errors)
        }
    }

    fn from_details(d: &TravelDetails) -> TravelForm {
        let (departs_on, departs_time) = match d.departs_at {
            Some(ms) => wall(Some(ms), &zone::shown().0),
            None => (String::new(), String::new()),
        };
        TravelForm {
            departure: d.departure.clone(),
            departs_on,
            departs_time,
            meeting_point: d.meeting_point.clone(),
            what_to_bring: d.what_to_bring.clone(),
            office_phone: d.office_phone.clone(),
        }
    }
}

/// The moment a day and time name on the programme's clock.
pub fn on_clock(day: jiff::civil::Date, hour: i8, minute: i8) -> Option<i64> {
    day.at(hour, minute, 0, 0)
        .to_zoned_datetime(zone::shown().1)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// Writes a session's travel details (the audit entry says which session).
pub async fn set(c: &mut Change, session: i64, d: &TravelDetails) -> AppResult<()> {
    let found = c
        .transition(
            sqlx::query(
                "UPDATE sessions SET departure = $1, departs_at = $2, meeting_point = $3, \
                 what_to_bring = $4, office_phone = $5 WHERE id = $6",
            )
            .bind(&d.departure)
            .bind(d.departs_at)
            .bind(&d.meeting_point)
            .bind(&d.what_to_bring)
            .bind(&d.office_phone)
            .bind(session),
        )
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    c.audit_as(Action::Update, Resource::Session, Some(session), "travel");
    Ok(())
}

/// A session's travel details as stored.
pub async fn of(db: &crate::store::Db, session: i64) -> Result<TravelDetails, sqlx::Error> {
    let (departure, departs_at, meeting_point, what_to_bring, office_phone): (
        String,
        Option<i64>,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT departure, departs_at, meeting_point, what_to_bring, office_phone \
         FROM sessions WHERE id = $1",
    )
    .bind(session)
    .fetch_optional(db.pool())
    .await?
    .ok_or(sqlx::Error::RowNotFound)?;
    Ok(TravelDetails {
        departure,
        departs_at,
        meeting_point,
        what_to_bring,
        office_phone,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "groups/travel.html")]
struct TravelPage {
    nav: Nav,
    id: i64,
    session: String,
    camp: String,
    dates: String,
    zone: String,
    form: TravelForm,
    errors: Vec<String>,
    saved: bool,
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
    form: Option<TravelForm>,
    errors: Vec<String>,
    saved: bool,
) -> AppResult<TravelPage> {
    let (session, camp, dates) = super::heading(&state.db, id, visitor.language).await?;
    let form = match form {
        Some(f) => f,
        None => TravelForm::from_details(&of(&state.db, id).await?),
    };
    Ok(TravelPage {
        nav: Nav::from(visitor),
        id,
        session,
        camp,
        dates,
        zone: zone::shown().0,
        form,
        errors,
        saved,
    })
}

#[derive(Deserialize, Default)]
struct Saved {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> AppResult<TravelPage> {
    authorize(&user, Action::Update, Resource::Session)?;
    render(&state, &visitor, id, None, vec![], q.saved.is_some()).await
}

/// Saves the details, or shows the form again as typed with each problem.
async fn save(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<TravelForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Session)?;
    match form.parse(visitor.language) {
        Ok(details) => {
            state
                .write(&permit, async |c| set(c, id, &details).await)
                .await?;
            Ok(Redirect::to(&format!("/coordinator/sessions/{id}/travel?saved=1")).into_response())
        }
        Err(errors) => {
            let page = render(&state, &visitor, id, Some(form), errors, false).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(on: &str, time: &str, phone: &str) -> TravelForm {
        TravelForm {
            departure: "Аэропорт Якутск".into(),
            departs_on: on.into(),
            departs_time: time.into(),
            meeting_point: "Зал вылета,\r\nу табло".into(),
            what_to_bring: "Паспорт\nТёплая куртка".into(),
            office_phone: phone.into(),
        }
    }

    #[test]
    fn details_are_read_as_typed_in_russian() {
        let d = form("30.06.2027", "08:30", "+7 (4112) 50-50-50")
            .parse(Language::Ru)
            .expect("correct");
        assert_eq!(d.meeting_point, "Зал вылета,\nу табло");
        assert_eq!(d.office_phone, "+7 (4112) 50-50-50");
        let back = TravelForm::from_details(&d);
        assert_eq!(
            (back.departs_on.as_str(), back.departs_time.as_str()),
            ("2027-06-30", "08:30"),
            "the moment reads back on the programme's clock"
        );
        let none = form("", "", "").parse(Language::Ru).expect("all optional");
        assert_eq!(none.departs_at, None);
    }

    #[test]
    fn every_problem_is_named() {
        let errors = form("31.02.2027", "25:00", "call me")
            .parse(Language::Ru)
            .expect_err("three problems");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("31.02.2027")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("25:00")), "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("Телефон офиса")),
            "{errors:?}"
        );
    }
}

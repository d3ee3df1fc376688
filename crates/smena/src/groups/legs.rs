//! A travel group's itinerary: its legs (flight, train, bus, transfer)
//! with carrier, number, from, to and local departure and arrival times,
//! each in the time zone of its place (times are shown as the tickets show
//! them: local, on the place's clock). The coordinator adds and removes
//! legs on the groups page; the families of the group are e-mailed in
//! their language whenever the itinerary changes.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource};
use crate::domain::states::OfferStatus;
use crate::language::{Language, zone};
use crate::programmes::deadlines::{parse_day, parse_time};
use crate::programmes::fields::optional_text;
use crate::store::{Change, Db, Mail, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().post(
        "/coordinator/groups/{id}/legs",
        Access::Policy(Action::Update, Resource::Session),
        change,
    )
}

/// How a leg travels.
pub const KINDS: [&str; 4] = ["flight", "train", "bus", "transfer"];

/// A leg as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Leg {
    pub id: i64,
    pub group_id: i64,
    pub kind: String,
    pub carrier: String,
    pub number: String,
    pub from_place: String,
    pub to_place: String,
    pub departs_at: i64,
    pub departs_zone: String,
    pub arrives_at: i64,
    pub arrives_zone: String,
    pub meeting_point: String,
}

impl Leg {
    /// The leg in one line as a family reads it: "Рейс S7 6301, Якутск →
    /// Владивосток: 30 июня 2027 г., 08:30 – 30 июня 2027 г., 12:50
    /// (местное время)".
    pub fn line(&self, lang: &Language) -> String {
        let lang = *lang;
        let at = |ms: i64, zone_name: &str| moment_in(lang, ms, zone_name);
        lang.text_with(
            "leg-line",
            &[
                ("kind", &lang.code_name("leg-kind", &self.kind)),
                ("carrier", &self.carrier),
                ("number", &self.number),
                ("from", &self.from_place),
                ("to", &self.to_place),
                ("departs", &at(self.departs_at, &self.departs_zone)),
                ("arrives", &at(self.arrives_at, &self.arrives_zone)),
            ],
        )
    }
}

/// A moment on the wall clock of the zone `zone_name` (the place's local
/// time), in `lang`'s words.
fn moment_in(lang: Language, ms: i64, zone_name: &str) -> String {
    let Some(local) = jiff::Timestamp::from_millisecond(ms)
        .ok()
        .zip(zone::parse(zone_name).ok())
        .map(|(t, tz)| t.to_zoned_datetime(tz))
    else {
        return String::new();
    };
    let day = format!(
        "{:04}-{:02}-{:02}",
        local.year(),
        local.month(),
        local.day()
    );
    format!(
        "{}, {:02}:{:02}",
        lang.date(&day),
        local.hour(),
        local.minute()
    )
}

/// The legs of `group`, in the order they are travelled.
pub async fn of_group(db: &Db, group: i64) -> Result<Vec<Leg>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, group_id, kind, carrier, number, from_place, to_place, departs_at, departs_zone, \
                arrives_at, arrives_zone, meeting_point FROM legs WHERE group_id = $1 ORDER BY departs_at, id",
    )
    .bind(group)
    .fetch_all(db.pool())
    .await
}

/// A leg with its group's id and session's id, if it exists.
pub async fn find(db: &Db, leg: i64) -> Result<Option<(Leg, i64)>, sqlx::Error> {
    let found: Option<Leg> = sqlx::query_as(
        "SELECT id, group_id, kind, carrier, number, from_place, to_place, departs_at, departs_zone, \
                arrives_at, arrives_zone, meeting_point FROM legs WHERE id = $1",
    )
    .bind(leg)
    .fetch_optional(db.pool())
    .await?;
    let Some(leg) = found else {
        return Ok(None);
    };
    let (session,): (i64,) = sqlx::query_as("SELECT session_id FROM travel_groups WHERE id = $1")
        .bind(leg.group_id)
        .fetch_one(db.pool())
        .await?;
    Ok(Some((leg, session)))
}

/// The application references of a group's children, and its adults'
/// names: who a leg's manifest lists.
pub async fn travelling_with(
    db: &Db,
    group: i64,
) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    let references: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT a.reference FROM group_members m JOIN applications a ON a.id = m.application_id \
         WHERE m.group_id = $1",
    )
    .bind(group)
    .fetch_all(db.pool())
    .await?;
    let adults: Vec<(String,)> = sqlx::query_as(
        "SELECT a.full_name FROM group_staff s JOIN accounts a ON a.id = s.account_id \
         WHERE s.group_id = $1 ORDER BY a.full_name, a.id",
    )
    .bind(group)
    .fetch_all(db.pool())
    .await?;
    Ok((
        references.into_iter().filter_map(|(r,)| r).collect(),
        adults.into_iter().map(|(n,)| n).collect(),
    ))
}

/// The legs of the group `application`'s child travels in (none before
/// the groups are formed).
pub async fn of_application(db: &Db, application: i64) -> Result<Vec<Leg>, sqlx::Error> {
    let group: Option<(i64,)> =
        sqlx::query_as("SELECT group_id FROM group_members WHERE application_id = $1")
            .bind(application)
            .fetch_optional(db.pool())
            .await?;
    match group {
        Some((group,)) => of_group(db, group).await,
        None => Ok(vec![]),
    }
}

/// A leg as the coordinator types it.
#[derive(Deserialize, Default, Clone)]
pub struct LegForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    leg: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    from_place: String,
    #[serde(default)]
    to_place: String,
    #[serde(default)]
    departs_on: String,
    #[serde(default)]
    departs_time: String,
    #[serde(default)]
    departs_zone: String,
    #[serde(default)]
    arrives_on: String,
    #[serde(default)]
    arrives_time: String,
    #[serde(default)]
    arrives_zone: String,
    #[serde(default)]
    meeting_point: String,
}

/// A leg's fields, parsed.
struct NewLeg {
    kind: &'static str,
    carrier: String,
    number: String,
    from_place: String,
    to_place: String,
    departs_at: i64,
    departs_zone: String,
    arrives_at: i64,
    arrives_zone: String,
    meeting_point: String,
}

impl LegForm {
    /// The leg, or every problem in `lang`.
    fn parse(&self, lang: Language) -> Result<NewLeg, Vec<String>> {
        let mut errors = Vec::new();
        let kind = KINDS.iter().find(|k| **k == self.kind.trim()).copied();
        if kind.is_none() {
            errors.push(lang.text("leg-choose-kind"));
        }
        let mut text = |v: &str, what: &str, max: usize, required: bool| {
            if required && v.trim().is_empty() {
                errors.push(lang.text_with(
                    "setup-required",
                    &[("field", &lang.text(&format!("setup-field-{what}")))],
                ));
                return String::new();
            }
            optional_text(v, what, max, lang).unwrap_or_else(|e| {
                errors.push(e);
                String::new()
            })
        };
        let carrier = text(&self.carrier, "carrier", 100, true);
        let number = text(&self.number, "leg-number", 40, false);
        let from_place = text(&self.from_place, "from-place", 200, true);
        let to_place = text(&self.to_place, "to-place", 200, true);
        let meeting_point = text(&self.meeting_point, "meeting-point", 300, false);
        let mut moment = |day: &str, time: &str, zone_name: &str, field: &str| {
            let tz = match zone::parse(zone_name) {
                Ok(tz) => tz,
                Err(why) => {
                    errors.push(lang.text_with(
                        "deadline-bad-zone",
                        &[("zone", zone_name.trim()), ("why", &why)],
                    ));
                    return None;
                }
            };
            let Some(d) = parse_day(day) else {
                errors.push(lang.text_with(
                    "deadline-bad-day",
                    &[("field", &lang.text(field)), ("value", day.trim())],
                ));
                return None;
            };
            let Some((h, m)) = parse_time(time) else {
                errors.push(lang.text_with("deadline-bad-time", &[("value", time.trim())]));
                return None;
            };
            d.at(h, m, 0, 0)
                .to_zoned_datetime(tz)
                .ok()
                .map(|z| z.timestamp().as_millisecond())
        };
        let departs = moment(
            &self.departs_on,
            &self.departs_time,
            &self.departs_zone,
            "setup-field-leg-departs",
        );
        let arrives = moment(
            &self.arrives_on,
            &self.arrives_time,
            &self.arrives_zone,
            "setup-field-leg-arrives",
        );
        if let (Some(d), Some(a)) = (departs, arrives)
            && a <= d
        {
            errors.push(lang.text("leg-arrives-before"));
        }
        match (kind, departs, arrives, errors.is_empty()) {
            (Some(kind), Some(departs_at), Some(arrives_at), true) => Ok(NewLeg {
                kind,
                carrier,
                number,
                from_place,
                to_place,
                departs_at,
                departs_zone: self.departs_zone.trim().to_string(),
                arrives_at,
                arrives_zone: self.arrives_zone.trim().to_string(),
                meeting_point,
            }),
            _ => Err(errors),
        }
    }
}

/// Tells each family of `group` that its itinerary changed, with the
/// itinerary as it is now (after `c`'s change).
async fn tell_families(c: &mut Change, group: i64, base: &str) -> AppResult<()> {
    let legs: Vec<Leg> = sqlx::query_as(
        "SELECT id, group_id, kind, carrier, number, from_place, to_place, departs_at, departs_zone, \
                arrives_at, arrives_zone, meeting_point FROM legs WHERE group_id = $1 ORDER BY departs_at, id",
    )
    .bind(group)
    .fetch_all(&mut **c)
    .await?;
    let families: Vec<(i64, String, String, Language, String)> = sqlx::query_as(
        "SELECT a.id, g.email, g.full_name, g.language, c.given_name FROM group_members m \
         JOIN applications a ON a.id = m.application_id JOIN offers o ON o.application_id = a.id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE m.group_id = $1 AND o.status = $2",
    )
    .bind(group)
    .bind(OfferStatus::Accepted)
    .fetch_all(&mut **c)
    .await?;
    for (application, email, full_name, lang, child) in families {
        let itinerary: Vec<String> = legs
            .iter()
            .map(|l| format!("- {}", l.line(&lang)))
            .collect();
        c.send(Mail {
            to: email,
            kind: "itinerary_changed",
            subject: lang.text_with("email-itinerary-subject", &[("child", &child)]),
            body: lang.letter(
                Some(&full_name),
                "email-itinerary-body",
                &[
                    ("child", &child),
                    (
                        "itinerary",
                        &if itinerary.is_empty() {
                            lang.text("itinerary-none")
                        } else {
                            itinerary.join("\n")
                        },
                    ),
                    ("link", &format!("{base}/applications/{application}")),
                ],
            ),
            secret: None,
        });
    }
    Ok(())
}

/// Adds a leg to a group, or removes one; the families are told.
async fn change(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(group): Path<i64>,
    Form(form): Form<LegForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Session)?;
    let lang = visitor.language;
    let (session, programme): (i64, i64) = sqlx::query_as(
        "SELECT g.session_id, s.programme_id FROM travel_groups g JOIN sessions s ON s.id = g.session_id \
         WHERE g.id = $1",
    )
    .bind(group)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let back = format!("/coordinator/sessions/{session}/groups#group-legs-{group}");
    match form.action.as_str() {
        "remove" => {
            let leg = form
                .leg
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::Invalid("groups-choose", vec![]))?;
            state
                .write(&permit, async |c| {
                    c.lock_programme(programme).await?;
                    let removed = c
                        .transition(
                            sqlx::query("DELETE FROM legs WHERE id = $1 AND group_id = $2")
                                .bind(leg)
                                .bind(group),
                        )
                        .await?;
                    if !removed {
                        c.unchanged();
                        return Ok(());
                    }
                    c.audit_as(
                        Action::Update,
                        Resource::Session,
                        Some(session),
                        "leg_removed",
                    );
                    tell_families(c, group, &base).await
                })
                .await?;
        }
        _ => {
            let leg = match form.parse(lang) {
                Ok(l) => l,
                Err(errors) => {
                    return Ok(super::formed::page_with(
                        &state,
                        &visitor,
                        session,
                        Some(super::formed::Problem::Leg(
                            group,
                            Box::new(form.clone()),
                            errors,
                        )),
                    )
                    .await?
                    .into_response());
                }
            };
            state
                .write(&permit, async |c| {
                    c.lock_programme(programme).await?;
                    sqlx::query(
                        "INSERT INTO legs (id, group_id, kind, carrier, number, from_place, to_place, departs_at, \
                                           departs_zone, arrives_at, arrives_zone, meeting_point, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(new_id())
                    .bind(group)
                    .bind(leg.kind)
                    .bind(&leg.carrier)
                    .bind(&leg.number)
                    .bind(&leg.from_place)
                    .bind(&leg.to_place)
                    .bind(leg.departs_at)
                    .bind(&leg.departs_zone)
                    .bind(leg.arrives_at)
                    .bind(&leg.arrives_zone)
                    .bind(&leg.meeting_point)
                    .bind(now_ms())
                    .execute(&mut **c)
                    .await?;
                    c.audit_as(Action::Update, Resource::Session, Some(session), "leg_added");
                    tell_families(c, group, &base).await
                })
                .await?;
        }
    }
    Ok(Redirect::to(&back).into_response())
}

impl LegForm {
    /// The form as the page shows it first: the programme's zone at both
    /// ends.
    pub fn blank() -> LegForm {
        let (zone_name, _) = zone::shown();
        LegForm {
            kind: "flight".into(),
            departs_zone: zone_name.clone(),
            arrives_zone: zone_name,
            ..LegForm::default()
        }
    }

    pub fn value(&self, field: &str) -> &str {
        match field {
            "kind" => &self.kind,
            "carrier" => &self.carrier,
            "number" => &self.number,
            "from_place" => &self.from_place,
            "to_place" => &self.to_place,
            "departs_on" => &self.departs_on,
            "departs_time" => &self.departs_time,
            "departs_zone" => &self.departs_zone,
            "arrives_on" => &self.arrives_on,
            "arrives_time" => &self.arrives_time,
            "arrives_zone" => &self.arrives_zone,
            "meeting_point" => &self.meeting_point,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LegForm {
        LegForm {
            kind: "flight".into(),
            carrier: "S7".into(),
            number: "6301".into(),
            from_place: "Якутск".into(),
            to_place: "Владивосток".into(),
            departs_on: "30.06.2027".into(),
            departs_time: "08:30".into(),
            departs_zone: "Asia/Yakutsk".into(),
            arrives_on: "30.06.2027".into(),
            arrives_time: "12:50".into(),
            arrives_zone: "Asia/Vladivostok".into(),
            ..LegForm::default()
        }
    }

    #[test]
    fn a_leg_is_read_on_each_places_clock() {
        let leg = form().parse(Language::Ru).expect("a correct leg");
        // 08:30 in Yakutsk (UTC+9) to 12:50 in Vladivostok (UTC+10): 3 h 20.
        assert_eq!(leg.arrives_at - leg.departs_at, (3 * 60 + 20) * 60 * 1000);
        let stored = Leg {
            id: 1,
            group_id: 1,
            kind: leg.kind.into(),
            carrier: leg.carrier,
            number: leg.number,
            from_place: leg.from_place,
            to_place: leg.to_place,
            departs_at: leg.departs_at,
            departs_zone: leg.departs_zone,
            arrives_at: leg.arrives_at,
            arrives_zone: leg.arrives_zone,
            meeting_point: String::new(),
        };
        let line = stored.line(&Language::Ru);
        assert!(
            line.contains("30 июня 2027 г., 08:30") && line.contains("30 июня 2027 г., 12:50"),
            "{line}"
        );
    }

    #[test]
    fn a_leg_that_lands_before_it_leaves_is_refused() {
        let mut f = form();
        f.arrives_zone = "Asia/Yakutsk".into();
        f.arrives_time = "07:00".into();
        f.carrier = String::new();
        f.departs_zone = "Mars/Olympus".into();
        let errors = f.parse(Language::En).err().expect("refused");
        assert!(
            errors.iter().any(|e| e.contains("Mars/Olympus")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("Carrier")), "{errors:?}");
        let mut f = form();
        f.arrives_zone = "Asia/Yakutsk".into();
        f.arrives_time = "07:00".into();
        let errors = f.parse(Language::En).err().expect("refused");
        assert_eq!(errors, vec![Language::En.text("leg-arrives-before")]);
    }
}

//! The demo's journey: last autumn's programme on its way home. Twenty
//! children of the demo's families went to the first camp for the autumn
//! holidays; today they are back in Yakutsk, some already handed over to
//! their guardians. It shows what comes after the offer: travel groups
//! with their chaperones, legs from Yakutsk and back, rooms at the camp,
//! roll calls taken (one child excused), one incident, children home.
//!
//! Loaded by `smena demo` after the open programme ([`super::demo`]), in
//! one audited change, through the same functions as the pages where there
//! is one (groups formed, rooms assigned by the solver, applications
//! submitted); what the pages record one tap at a time (roll-call marks,
//! handovers) is written as they write it. Dates are counted back from
//! today on the programme's clock (Asia/Yakutsk).

use jiff::ToSpan;
use jiff::civil::Date;

use crate::accounts::{NewAccount, create_account, hash_password};
use crate::applications::{queries as applications, set_consents, start_draft};
use crate::documents::{self, Decision, Upload};
use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::{ApplicationStatus, OfferStatus, Presence, ProgrammeStatus};
use crate::domain::values::{Day, Sex};
use crate::groups::formed::form_groups;
use crate::groups::forming::Ratio;
use crate::language::{Language, zone};
use crate::programmes::setup::{NewProgramme, create_programme};
use crate::programmes::{NewSession, create_session};
use crate::rooms::assigning::{self, Room, Sleeper};
use crate::store::keys::INCIDENT;
use crate::store::{Actor, Change, DAY_MS, Db, files, new_id, now_ms};
use crate::web::error::AppError;

/// The journey programme's public code.
pub const CODE: &str = "SKH26O";
const CHILDREN: i64 = 20;
/// The second group's chaperone (the demo's chaperone login has the first).
const SECOND_CHAPERONE: &str = "chaperone2@demo.smena";

/// One leg of the way there and back: kind, carrier, number, from, to,
/// departure (hour, minute, zone), arrival (hour, minute, zone).
type LegPlan = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (i8, i8, &'static str),
    (i8, i8, &'static str),
);
const THERE: [LegPlan; 3] = [
    (
        "flight",
        "Якутия",
        "R3 479",
        "Якутск",
        "Владивосток",
        (8, 30, "Asia/Yakutsk"),
        (12, 50, "Asia/Vladivostok"),
    ),
    (
        "flight",
        "Эйр Корё",
        "JS 272",
        "Владивосток",
        "Пхеньян",
        (15, 40, "Asia/Vladivostok"),
        (16, 10, "Asia/Pyongyang"),
    ),
    (
        "bus",
        "Лагерь «Сондовон»",
        "автобус 1",
        "Пхеньян, аэропорт Сунан",
        "Лагерь «Сондовон», Вонсан",
        (17, 0, "Asia/Pyongyang"),
        (21, 30, "Asia/Pyongyang"),
    ),
];
const BACK: [LegPlan; 3] = [
    (
        "bus",
        "Лагерь «Сондовон»",
        "автобус 1",
        "Лагерь «Сондовон», Вонсан",
        "Пхеньян, аэропорт Сунан",
        (6, 0, "Asia/Pyongyang"),
        (10, 30, "Asia/Pyongyang"),
    ),
    (
        "flight",
        "Эйр Корё",
        "JS 271",
        "Пхеньян",
        "Владивосток",
        (12, 0, "Asia/Pyongyang"),
        (14, 30, "Asia/Vladivostok"),
    ),
    (
        "flight",
        "Якутия",
        "R3 480",
        "Владивосток",
        "Якутск",
        (16, 0, "Asia/Vladivostok"),
        (17, 40, "Asia/Yakutsk"),
    ),
];

/// The moment `hour:minute` of `day` on the clock of `zone_name`.
fn at(day: Date, (hour, minute, zone_name): (i8, i8, &str)) -> anyhow::Result<i64> {
    let zone = zone::parse(zone_name).map_err(|e| anyhow::anyhow!(e))?;
    Ok(day
        .at(hour, minute, 0, 0)
        .to_zoned_datetime(zone)?
        .timestamp()
        .as_millisecond())
}

fn day_of(d: Date) -> anyhow::Result<Day> {
    Day::parse(&d.to_string()).map_err(|e| anyhow::anyhow!(e))
}

/// Loads the journey unless it is there already; whether it loaded. Its
/// scans go to `files_dir`.
pub async fn load(db: &Db, files_dir: &std::path::Path) -> anyhow::Result<bool> {
    let existing: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM programmes WHERE code = $1")
        .bind(CODE)
        .fetch_one(db.pool())
        .await?;
    if existing.0 > 0 {
        return Ok(false);
    }
    let password_hash = hash_password(super::demo::PASSWORD.to_string()).await?;
    let incident = db.keys()?.protect(
        INCIDENT,
        "Температура 38,2 °C с утра. Осмотрена врачом лагеря: простуда; день провела в медпункте, \
         к вечеру температура 37,1. Маме позвонили в 10:15.",
    )?;
    let scan = files::store(files_dir, db.keys()?, super::demo::DEMO_PDF).await?;
    db.write(
        Actor::CommandLine,
        (Action::Create, Resource::Programme),
        async |c| {
            journey(c, &password_hash, &incident, &scan)
                .await
                .map_err(AppError::Internal)
        },
    )
    .await?;
    Ok(true)
}

async fn journey(
    c: &mut Change,
    hash: &str,
    sealed_incident: &str,
    scan: &str,
) -> anyhow::Result<()> {
    let now = now_ms();
    let today = zone::local(now)
        .ok_or_else(|| anyhow::anyhow!("today is out of the calendar"))?
        .date();
    let starts = today.checked_sub(13.days())?;
    let ends = today.checked_sub(1.days())?;
    let (camp,): (Option<i64>,) =
        sqlx::query_as("SELECT camp_id FROM accounts WHERE email = 'camp@demo.smena'")
            .fetch_one(&mut **c)
            .await?;
    let camp = camp.ok_or_else(|| anyhow::anyhow!("the demo's camp login has no camp"))?;
    let adult = async |c: &mut Change, email: &str| -> anyhow::Result<i64> {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(&mut **c)
            .await?;
        Ok(id)
    };
    let coordinator = adult(c, "coordinator@demo.smena").await?;
    let chaperone = adult(c, "chaperone@demo.smena").await?;
    let camp_staff = adult(c, "camp@demo.smena").await?;
    let second = create_account(
        c,
        &NewAccount {
            email: SECOND_CHAPERONE,
            password_hash: hash,
            role: Role::Chaperone,
            full_name: "Мария Слепцова",
            language: Language::Ru,
            verified: true,
            school_id: None,
            camp_id: None,
        },
    )
    .await?;

    // The programme, its one session, its travel details.
    let programme = create_programme(
        c,
        &NewProgramme {
            name: "Осенние каникулы 2026: лагерь «Сондовон»".into(),
            code: CODE.into(),
            retain_until: crate::store::retention::suggested(now),
        },
    )
    .await?;
    crate::programmes::rules::set_rules(c, programme, &super::demo::general_rules()).await?;
    let Ok(session) = create_session(
        c,
        programme,
        &NewSession {
            camp,
            code: "SNG-2026-10".into(),
            starts: day_of(starts)?,
            ends: day_of(ends)?,
            places: CHILDREN as i32,
            min_age: 10,
            max_age: 16,
            languages: "корейский, русский, английский".into(),
            departure: super::demo::DEPARTURE.into(),
            reserves: Vec::new(),
            description:
                "Осенняя смена на берегу Японского моря: спорт, походы, корейский язык и музыка."
                    .into(),
        },
    )
    .await?
    else {
        anyhow::bail!("the journey's session cannot be added");
    };
    let travel = crate::groups::travel::TravelDetails {
        departure: super::demo::DEPARTURE.to_string(),
        departs_at: Some(at(starts, THERE[0].5)?),
        meeting_point: super::demo::MEETING_POINT.to_string(),
        what_to_bring: super::demo::WHAT_TO_BRING.to_string(),
        office_phone: super::demo::OFFICE_PHONE.to_string(),
    };
    crate::groups::travel::set(c, session, &travel).await?;

    // Twenty children of the demo's families, the demo parent's daughter
    // first: applied in the summer, offered a place, accepted.
    let applied_at = now - 120 * DAY_MS;
    let children: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT c.id, c.guardian_id, c.birth_date FROM children c JOIN accounts g ON g.id = c.guardian_id \
         WHERE c.sex IS NOT NULL AND c.birth_date BETWEEN '2011-01-01' AND '2015-12-31' \
         ORDER BY CASE WHEN g.email = 'parent@demo.smena' THEN 0 ELSE 1 END, c.family_name, c.given_name, c.id",
    )
    .fetch_all(&mut **c)
    .await?;
    let kinds: Vec<&str> = crate::applications::CONSENTS
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let mut travellers = Vec::new();
    for (n, (child, guardian, _)) in children.into_iter().take(CHILDREN as usize).enumerate() {
        let (application, _) = start_draft(c, child, programme, applied_at).await?;
        applications::set_choices(c, application, 0, &[session]).await?;
        set_consents(c, application, &kinds, guardian, applied_at).await?;
        // Submitted as `applications::submit` does, which only takes
        // applications while the programme is the one open (the summer's
        // is open now).
        sqlx::query(
            "UPDATE applications SET status = $1, submitted_at = $2, updated_at = $2, reference = $3 WHERE id = $4",
        )
        .bind(ApplicationStatus::Submitted)
        .bind(applied_at)
        .bind(format!("{CODE}-{:06}", n + 1))
        .bind(application)
        .execute(&mut **c)
        .await?;
        sqlx::query(
            "INSERT INTO offers (application_id, session_id, choice_rank, status, offered_at, deadline, decided_at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6)",
        )
        .bind(application)
        .bind(session)
        .bind(OfferStatus::Accepted)
        .bind(applied_at + 30 * DAY_MS)
        .bind(applied_at + 37 * DAY_MS)
        .bind(applied_at + 32 * DAY_MS)
        .execute(&mut **c)
        .await?;
        // The camp's entry visa, sent by the family and accepted.
        let upload = Upload {
            kind: documents::entry_kind(session),
            name: "visa.pdf".into(),
            content_type: "application/pdf",
            size: super::demo::DEMO_PDF.len() as i64,
            sha256: scan.to_string(),
        };
        let visa = documents::record_upload(c, child, &upload, guardian).await?;
        documents::review_document(
            c,
            visa,
            coordinator,
            &Decision::Accept,
            super::demo::BASE_URL,
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        travellers.push(application);
    }
    // Back-dated to the spring it was set up in: the pages take the newest
    // programme (the summer's) for the current one.
    sqlx::query(
        "UPDATE programmes SET status = $1, applications_open_at = $2, applications_close_at = $3, submissions = $5, \
                created_at = $2 WHERE id = $4",
    )
    .bind(ProgrammeStatus::Travelling)
    .bind(applied_at - 20 * DAY_MS)
    .bind(applied_at + 10 * DAY_MS)
    .bind(programme)
    .bind(travellers.len() as i32)
    .execute(&mut **c)
    .await?;

    // Two groups of ten; each with a chaperone and the camp's staff.
    form_groups(
        c,
        session,
        Ratio {
            children_per_adult: 8,
            adults_per_group: 2,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let groups: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM travel_groups WHERE session_id = $1 ORDER BY number")
            .bind(session)
            .fetch_all(&mut **c)
            .await?;
    for (n, (group,)) in groups.iter().enumerate() {
        for account in [if n == 0 { chaperone } else { second }, camp_staff] {
            sqlx::query("INSERT INTO group_staff (group_id, account_id) VALUES ($1, $2)")
                .bind(group)
                .bind(account)
                .execute(&mut **c)
                .await?;
        }
    }

    // The legs there and back, and the roll calls taken on the way.
    let mut excused = None;
    for (n, (group,)) in groups.iter().enumerate() {
        let taker = if n == 0 { chaperone } else { second };
        let members: Vec<(i64,)> = sqlx::query_as(
            "SELECT application_id FROM group_members WHERE group_id = $1 ORDER BY application_id",
        )
        .bind(group)
        .fetch_all(&mut **c)
        .await?;
        let members: Vec<i64> = members.into_iter().map(|(m,)| m).collect();
        let mut legs = Vec::new();
        for (day, plan) in THERE
            .iter()
            .map(|p| (starts, p))
            .chain(BACK.iter().map(|p| (ends, p)))
        {
            let (kind, carrier, number, from, to, departs, arrives) = *plan;
            let leg = new_id();
            let (departs_at, arrives_at) = (at(day, departs)?, at(day, arrives)?);
            sqlx::query(
                "INSERT INTO legs (id, group_id, kind, carrier, number, from_place, to_place, departs_at, \
                                   departs_zone, arrives_at, arrives_zone, meeting_point, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(leg)
            .bind(group)
            .bind(kind)
            .bind(carrier)
            .bind(number)
            .bind(from)
            .bind(to)
            .bind(departs_at)
            .bind(departs.2)
            .bind(arrives_at)
            .bind(arrives.2)
            .bind(if legs.is_empty() { super::demo::MEETING_POINT } else { "" })
            .bind(applied_at + 40 * DAY_MS)
            .execute(&mut **c)
            .await?;
            legs.push((leg, departs_at, arrives_at));
        }
        // Every leg's departure and arrival, and the days at camp; on the
        // third day one child of the first group stays in the sick bay.
        let mut occasions: Vec<(Option<i64>, String, i64)> = Vec::new();
        for (leg, departs_at, arrives_at) in &legs {
            occasions.push((Some(*leg), format!("departure:{leg}"), *departs_at));
            occasions.push((Some(*leg), format!("arrival:{leg}"), *arrives_at));
        }
        let mut day = starts.checked_add(1.days())?;
        while day < ends {
            occasions.push((
                None,
                format!("day:{day}"),
                at(day, (9, 0, "Asia/Pyongyang"))?,
            ));
            day = day.checked_add(1.days())?;
        }
        let sick_day = format!("day:{}", starts.checked_add(3.days())?);
        for (leg, occasion, moment) in occasions {
            let roll_call = new_id();
            sqlx::query(
                "INSERT INTO roll_calls (id, group_id, leg_id, occasion, opened_by, opened_at, closed_by, closed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $5, $7)",
            )
            .bind(roll_call)
            .bind(group)
            .bind(leg)
            .bind(&occasion)
            .bind(taker)
            .bind(moment - 20 * 60_000)
            .bind(moment + 5 * 60_000)
            .execute(&mut **c)
            .await?;
            for (i, member) in members.iter().enumerate() {
                let mark = if n == 0 && i == 1 && occasion == sick_day {
                    excused = Some((*member, moment));
                    Presence::Excused
                } else {
                    Presence::Present
                };
                sqlx::query(
                    "INSERT INTO roll_call_marks (id, roll_call_id, application_id, mark, marked_at, marked_by, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $5)",
                )
                .bind(format!("demo-{roll_call}-{member}"))
                .bind(roll_call)
                .bind(member)
                .bind(mark)
                .bind(moment - 10 * 60_000 + i as i64 * 15_000)
                .bind(taker)
                .execute(&mut **c)
                .await?;
            }
        }
        // Back in Yakutsk: the first children of each group are home.
        let (_, _, landed) = legs.last().copied().unwrap_or_default();
        let guardians: Vec<(i64, String)> = sqlx::query_as(
            "SELECT a.id, g.full_name FROM group_members m JOIN applications a ON a.id = m.application_id \
             JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
             WHERE m.group_id = $1 ORDER BY a.id",
        )
        .bind(group)
        .fetch_all(&mut **c)
        .await?;
        for (i, (application, guardian)) in guardians.iter().enumerate().take(6) {
            sqlx::query(
                "INSERT INTO handovers (application_id, handed_to, handed_at, recorded_by) VALUES ($1, $2, $3, $4)",
            )
            .bind(application)
            .bind(guardian)
            .bind(landed + 25 * 60_000 + i as i64 * 4 * 60_000)
            .bind(taker)
            .execute(&mut **c)
            .await?;
        }
        if let Some((application, _)) = guardians.first() {
            sqlx::query("INSERT INTO feedback (application_id, rating, comment, created_at) VALUES ($1, 5, $2, $3)")
                .bind(application)
                .bind("Дочь в восторге: новые друзья, море и концерт. Спасибо вожатым!")
                .bind(landed + 3 * 3_600_000)
                .execute(&mut **c)
                .await?;
        }
    }

    // The incident behind the excused mark: an illness, the family told.
    if let Some((application, moment)) = excused {
        sqlx::query(
            "INSERT INTO incidents (id, application_id, kind, description, happened_at, reported_by, family_told, created_at) \
             VALUES ($1, $2, 'illness', $3, $4, $5, 1, $4)",
        )
        .bind(new_id())
        .bind(application)
        .bind(sealed_incident)
        .bind(moment - 40 * 60_000)
        .bind(chaperone)
        .execute(&mut **c)
        .await?;
    }

    // The camp's rooms, and the children assigned by the solver; two girls
    // who named each other share a room.
    let mut rooms = Vec::new();
    for (sex, building) in [
        (Sex::Female, "Корпус «Чайка»"),
        (Sex::Male, "Корпус «Маяк»"),
    ] {
        for n in 1..=4 {
            let id = new_id();
            let name = format!("{building}, комната {}0{n}", 1 + (n - 1) / 2);
            sqlx::query("INSERT INTO rooms (id, camp_id, name, floor, beds, sex) VALUES ($1, $2, $3, $4, 4, $5)")
                .bind(id)
                .bind(camp)
                .bind(&name)
                .bind(1 + (n - 1) / 2)
                .bind(sex.code())
                .execute(&mut **c)
                .await?;
            rooms.push(Room { id, beds: 4, sex });
        }
    }
    let sleepers: Vec<(i64, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT a.id, c.sex, c.birth_date, a.reference FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id WHERE o.session_id = $1 ORDER BY a.reference",
    )
    .bind(session)
    .fetch_all(&mut **c)
    .await?;
    let girls: Vec<&(i64, Option<String>, String, Option<String>)> = sleepers
        .iter()
        .filter(|s| s.1.as_deref() == Some("female"))
        .collect();
    let mut pairs = Vec::new();
    // The first girl and the one born nearest to her (ids are random, the
    // references and birth dates are not): friends the age rule allows.
    let julian = |born: &str| Day::parse(born).map_or(0, |d| d.date().to_julian_day());
    let partner = girls.first().and_then(|first| {
        girls
            .iter()
            .skip(1)
            .min_by_key(|g| (julian(&g.2) - julian(&first.2)).abs())
            .map(|g| (*first, *g))
    });
    if let Some((first, last)) = partner {
        for (from, to) in [(first, last), (last, first)] {
            sqlx::query("INSERT INTO room_requests (application_id, friend_reference, created_at) VALUES ($1, $2, $3)")
                .bind(from.0)
                .bind(to.3.clone().unwrap_or_default())
                .bind(applied_at + 33 * DAY_MS)
                .execute(&mut **c)
                .await?;
        }
        pairs.push((first.0, last.0));
    }
    let sleepers: Vec<Sleeper> = sleepers
        .iter()
        .map(|(id, sex, born, _)| {
            Ok(Sleeper {
                id: *id,
                sex: sex.as_deref().and_then(Sex::parse),
                born: i64::from(
                    Day::parse(born)
                        .map_err(|e| anyhow::anyhow!(e))?
                        .date()
                        .to_julian_day(),
                ),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let assigned = assigning::assign(&sleepers, &rooms, &pairs, 3 * 365 + 1);
    for (application, room) in &assigned.places {
        sqlx::query(
            "INSERT INTO room_places (session_id, application_id, room_id, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session)
        .bind(application)
        .bind(room)
        .bind(camp_staff)
        .bind(applied_at + 45 * DAY_MS)
        .execute(&mut **c)
        .await?;
    }
    sqlx::query("UPDATE camps SET room_age_spread = 3 WHERE id = $1")
        .bind(camp)
        .execute(&mut **c)
        .await?;
    c.audit(
        Some(programme),
        format!(
            "demo journey: {} children in {} groups, {} in rooms, coordinator {coordinator}",
            travellers.len(),
            groups.len(),
            assigned.places.len()
        ),
    );
    Ok(())
}

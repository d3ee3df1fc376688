//! The demo: the reference scenario loaded into a database, with one login
//! per role. It goes through the same functions as the pages (a programme
//! created with their defaults, its rules, camps and sessions, children,
//! documents and their review, applications drafted and submitted), in one
//! audited change made from the command line.

use super::yakutia::{self, DISTRICTS, LEVELS, SESSIONS};
use super::{Draw, cumulative};
use crate::accounts::{NewAccount, create_account, hash_password};
use crate::applications::children::{ChildDetails, insert_achievement, insert_child};
use crate::applications::{blocks, queries as applications, set_consents, start_draft, submit};
use crate::documents::{self, Decision, Upload};
use crate::domain::access::{Action, Resource, Role};
use crate::domain::values::{Day, parse_reserves};
use crate::language::Language;
use crate::programmes::lifecycle;
use crate::programmes::rules::{
    Category, GeneralRules, Requirement, require_document, set_category, set_rules,
};
use crate::programmes::scoring::Achievement;
use crate::programmes::setup::{DEFAULTS, LEVELS as LEVEL_CODES, NewProgramme, create_programme};
use crate::programmes::{NewCamp, NewSession, create_camp, create_session};
use crate::store::{Actor, Change, DAY_MS, Db, files, new_id, now_ms};
use crate::web::error::AppError;

/// Every demo account has this password (it is printed; it is a demo).
pub const PASSWORD: &str = "smena-demo-2027";

/// A demo login to print.
pub struct Login {
    pub role: Role,
    pub email: &'static str,
}

pub const LOGINS: &[Login] = &[
    Login {
        role: Role::Coordinator,
        email: "coordinator@demo.smena",
    },
    Login {
        role: Role::School,
        email: "school@demo.smena",
    },
    Login {
        role: Role::Parent,
        email: "parent@demo.smena",
    },
    Login {
        role: Role::Camp,
        email: "camp@demo.smena",
    },
    Login {
        role: Role::Chaperone,
        email: "chaperone@demo.smena",
    },
    Login {
        role: Role::Medic,
        email: "medic@demo.smena",
    },
];

/// What the DPRK's camp requires of each child to enter.
pub const ENTRY_VISA: &str = "Виза КНДР";

/// (name in the scenario's files, name as printed, country, contact, languages).
const CAMPS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Songdowon International Children's Camp",
        "Международный детский лагерь «Сондовон» (송도원국제소년단야영소)",
        "КНДР",
        "Генеральное консульство КНДР в Находке",
        "корейский, русский, английский",
    ),
    (
        "Nairamdal International Children's Centre",
        "Международный детский центр «Найрамдал»",
        "Монголия",
        "Центр «Найрамдал», Улан-Батор",
        "монгольский, русский, английский",
    ),
];

/// What each camp's sessions offer, as the families read it.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "Songdowon International Children's Camp",
        "Лагерь на берегу Японского моря у Вонсана: купание, спорт, походы, кружки корейского языка и традиционной музыки, концерты с детьми из разных стран.\n\
         Языки: корейский, русский, английский (переводчики в каждом отряде).\n\
         Расходы: перелёт Якутск — Владивосток и переезд до лагеря, проживание, питание и страховку оплачивает программа; загранпаспорт, нотариальное согласие на выезд и карманные деньги — семья.",
    ),
    (
        "Nairamdal International Children's Centre",
        "Центр в горной долине под Улан-Батором: конные прогулки, экологические экспедиции, мастерские монгольской культуры, спортивные игры.\n\
         Языки: монгольский, русский, английский.\n\
         Расходы: перелёт Якутск — Улан-Батор, проживание, питание и страховку оплачивает программа; загранпаспорт, нотариальное согласие на выезд и карманные деньги — семья.",
    ),
];

/// Where the demo is served (`smena demo`'s default), for links in its
/// e-mails.
pub(crate) const BASE_URL: &str = "http://127.0.0.1:8080";

/// Where the groups leave from: by air from Yakutsk.
pub(super) const DEPARTURE: &str = "Аэропорт Якутск (YKS), ул. Чкалова, 9";
/// Where the families bring the children on the day.
pub(super) const MEETING_POINT: &str =
    "Зал международных вылетов, у стойки информации, за 3 часа до вылета";
/// What every child brings (one thing per line, as the voucher lists it).
pub(super) const WHAT_TO_BRING: &str = "Заграничный паспорт и свидетельство о рождении\n\
Нотариальное согласие родителей на выезд\n\
Медицинская справка и полис страхования\n\
Тёплая куртка и удобная обувь\n\
Лекарства, которые ребёнок принимает, с инструкцией";
/// A school's nomination adds two points to the child's score.
const NOMINATION_POINTS_MILLI: i32 = 2000;
/// The programme office, and the chaperone's phone.
pub(super) const OFFICE_PHONE: &str = "+7 (4112) 50-60-70";
const CHAPERONE_PHONE: &str = "+7 914 555-12-34";

/// Loads the scenario unless the database already has a programme. Returns
/// whether anything was loaded. Uploaded documents go to `files_dir`.
pub async fn load(db: &Db, files_dir: &std::path::Path) -> anyhow::Result<bool> {
    let existing: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM programmes")
        .fetch_one(db.pool())
        .await?;
    if existing.0 > 0 {
        return Ok(false);
    }
    let hash = hash_password(PASSWORD.to_string()).await?;
    let sha = files::store(files_dir, db.keys()?, DEMO_PDF).await?;
    let chaperone_phone = db
        .keys()?
        .protect(crate::store::keys::PHONE, CHAPERONE_PHONE)?;
    db.write(
        Actor::CommandLine,
        (Action::Create, Resource::Programme),
        async |c| {
            let mut school_ids = Vec::new();
            for (district, kind, _, schools) in DISTRICTS {
                // Districts and schools are reference data: no page adds them.
                let district_id = new_id();
                sqlx::query("INSERT INTO districts (id, name, kind) VALUES ($1, $2, $3)")
                    .bind(district_id)
                    .bind(*district)
                    .bind(kind.as_str())
                    .execute(&mut **c)
                    .await?;
                for school in *schools {
                    let id = new_id();
                    sqlx::query("INSERT INTO schools (id, name, district_id) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(*school)
                        .bind(district_id)
                        .execute(&mut **c)
                        .await?;
                    school_ids.push((*school, id));
                }
            }
            let mut camp_ids = Vec::new();
            for (name, printed, country, contact, _) in CAMPS {
                let camp = NewCamp {
                    name: printed.to_string(),
                    country: country.to_string(),
                    contact: contact.to_string(),
                    // Russians need a visa for the DPRK, none for Mongolia.
                    entry_document: (country == &"КНДР").then(|| ENTRY_VISA.to_string()),
                };
                let id = create_camp(c, &camp)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("the camp {name} exists twice"))?;
                camp_ids.push((*name, id));
            }
            let programme = insert_programme(c, &camp_ids).await?;
            let school = school_ids
                .iter()
                .find(|(n, _)| *n == "Саха гимназия")
                .map(|(_, id)| *id);
            let camp = camp_ids.first().map(|(_, id)| *id);
            let mut coordinator = 0;
            let mut chaperone = 0;
            for login in LOGINS {
                let name = match login.role {
                    Role::Coordinator => "Айталина Николаева",
                    Role::School => "Сардана Иванова",
                    Role::Parent => "Нюргуяна Петрова",
                    Role::Camp => "Ким Сон Хи",
                    Role::Chaperone => "Алексей Васильев",
                    Role::Medic => "Пак Мин Джи",
                };
                let id = create_account(
                    c,
                    &NewAccount {
                        email: login.email,
                        password_hash: &hash,
                        role: login.role,
                        full_name: name,
                        language: Language::En,
                        verified: true,
                        school_id: (login.role == Role::School).then_some(school).flatten(),
                        camp_id: matches!(login.role, Role::Camp | Role::Medic)
                            .then_some(camp)
                            .flatten(),
                    },
                )
                .await?;
                match login.role {
                    Role::Coordinator => coordinator = id,
                    Role::Chaperone => chaperone = id,
                    _ => {}
                }
            }
            // The chaperone's phone, which the families read on the voucher.
            sqlx::query("UPDATE accounts SET phone = $1 WHERE id = $2")
                .bind(&chaperone_phone)
                .bind(chaperone)
                .execute(&mut **c)
                .await?;
            families(c, programme, coordinator, &hash, &sha).await?;
            // Whoever tries the demo reads it in their browser's language.
            sqlx::query("UPDATE accounts SET language_chosen = 0 WHERE email LIKE '%@demo.smena'")
                .execute(&mut **c)
                .await?;
            Ok::<_, anyhow::Error>(())
        },
    )
    .await?;
    Ok(true)
}

/// A one-page PDF standing in for every scanned document of the demo.
pub(crate) const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const GIVEN_GIRLS: &[&str] = &[
    "Айыына",
    "Сардана",
    "Нюргуяна",
    "Туяра",
    "Кюннэй",
    "Сахая",
    "Айталина",
    "Мария",
    "Анна",
    "Дарина",
    "Яна",
    "Уйгулаана",
];
const GIVEN_BOYS: &[&str] = &[
    "Айтал",
    "Эрчим",
    "Дулустан",
    "Айсен",
    "Тимур",
    "Никита",
    "Иван",
    "Артём",
    "Эрэл",
    "Мичил",
    "Кирилл",
    "Нюргун",
];
const FAMILY: &[&str] = &[
    "Иванов",
    "Петров",
    "Николаев",
    "Васильев",
    "Сивцев",
    "Аргунов",
    "Готовцев",
    "Охлопков",
    "Ефимов",
    "Попов",
    "Степанов",
    "Егоров",
    "Павлов",
    "Кириллин",
    "Гоголев",
];

/// 340 guardians with one or two children each (about 420 children): achievements, documents in
/// every state, applications drafted or submitted. The demo parent login
/// has two of them.
async fn families(
    c: &mut Change,
    programme: i64,
    coordinator: i64,
    hash: &str,
    pdf: &str,
) -> Result<(), AppError> {
    let mut draw = Draw::new(2027);
    let schools: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.id, d.name FROM schools s JOIN districts d ON d.id = s.district_id ORDER BY s.name",
    )
    .fetch_all(&mut **c)
    .await?;
    let weights = cumulative(schools.iter().map(|(_, d)| {
        DISTRICTS
            .iter()
            .find(|x| x.0 == *d)
            .map_or(1.0, |x| x.2 / x.3.len() as f64)
    }));
    let sessions: Vec<(i64, String, i32, i32)> = sqlx::query_as(
        "SELECT id, starts, min_age, max_age FROM sessions WHERE programme_id = $1 ORDER BY starts",
    )
    .bind(programme)
    .fetch_all(&mut **c)
    .await?;
    let demo_parent: (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'parent@demo.smena'")
            .fetch_one(&mut **c)
            .await?;
    let now = now_ms();
    for g in 0..340 {
        let guardian = if g == 0 {
            demo_parent.0
        } else {
            let email = format!("guardian{g:03}@demo.smena");
            let family = FAMILY[draw.below(FAMILY.len() as u64) as usize];
            let name = format!(
                "{} {family}a",
                GIVEN_GIRLS[draw.below(GIVEN_GIRLS.len() as u64) as usize]
            );
            create_account(
                c,
                &NewAccount {
                    email: &email,
                    password_hash: hash,
                    role: Role::Parent,
                    full_name: &name,
                    language: Language::En,
                    verified: true,
                    school_id: None,
                    camp_id: None,
                },
            )
            .await?
        };
        let family = FAMILY[draw.below(FAMILY.len() as u64) as usize];
        let school = schools[draw.weighted(&weights)].0;
        let count = if g == 0 || draw.chance(0.25) { 2 } else { 1 };
        // The first child's submitted application and choices: in every
        // other family with two, the second child applies with it as a block.
        let mut first: Option<(i64, Vec<i64>)> = None;
        for k in 0..count {
            let mut girl = draw.chance(0.5);
            let mut given = if girl {
                GIVEN_GIRLS[draw.below(12) as usize]
            } else {
                GIVEN_BOYS[draw.below(12) as usize]
            };
            if g == 0 {
                // The demo login's family: a daughter and a son.
                given = ["Айыына", "Эрчим"][k];
                girl = k == 0;
            }
            let family_name = if girl {
                format!("{family}a")
            } else {
                family.to_string()
            };
            let year = 2011 + draw.below(7) as i32;
            let birth = format!(
                "{year:04}-{:02}-{:02}",
                1 + draw.below(12),
                1 + draw.below(28)
            );
            let passport = if draw.chance(0.9) {
                Some(format!(
                    "{}-{:02}-15",
                    2028 + draw.below(5),
                    1 + draw.below(12)
                ))
            } else {
                None
            };
            // Derived, not drawn, so that the other random values stay
            // as they were before these fields existed.
            let passport_number = passport.as_ref().map(|_| {
                format!(
                    "{:02} {:07}",
                    70 + g % 30,
                    (g * 7919 + k * 104_729) % 10_000_000
                )
            });
            let emergency_contact = format!(
                "{} +7 914 {:03}-{:02}-{:02}",
                if g % 3 == 0 {
                    "бабушка"
                } else {
                    "тётя"
                },
                200 + g % 700,
                g % 100,
                (g * 7 + k) % 100
            );
            let category = if draw.chance(0.04) {
                Some("state_care")
            } else if draw.chance(0.05) {
                Some("not_placed_3y")
            } else {
                None
            };
            let child = insert_child(
                c,
                guardian,
                &ChildDetails {
                    given_name: given.to_string(),
                    family_name: family_name.clone(),
                    birth_date: Day::parse(&birth).map_err(|e| anyhow::anyhow!(e))?,
                    school_id: school,
                    category: category.map(String::from),
                    passport_expires: passport.as_deref().and_then(|p| Day::parse(p).ok()),
                    passport_number: passport_number.clone(),
                    emergency_contact: Some(emergency_contact.clone()),
                    sex: Some(if girl {
                        crate::domain::values::Sex::Female
                    } else {
                        crate::domain::values::Sex::Male
                    }),
                },
            )
            .await?;
            for _ in 0..draw.below(5) {
                let level = LEVEL_CODES[draw.weighted(&cumulative([0.05, 0.15, 0.35, 0.45]))];
                let achievement = Achievement {
                    level: level.to_string(),
                    place: 1 + draw.below(3) as i32,
                    title: [
                        "Олимпиада по математике",
                        "Конкурс знатоков якутского языка",
                        "Шахматный турнир",
                        "Научно-практическая конференция",
                        "Фестиваль хомуса",
                    ][draw.below(5) as usize]
                        .to_string(),
                };
                insert_achievement(c, child, &achievement).await?;
            }
            let with_documents = (g == 0 && k == 0) || draw.chance(0.8);
            let applies = g == 0 || !draw.chance(0.15);
            let submitted = applies
                && with_documents
                && (g != 0 || k == 0)
                && draw.chance(if g == 0 { 1.0 } else { 0.75 });
            if with_documents {
                for kind in ["birth_certificate", "passport", "medical"] {
                    // Submitted applications are mostly checked already.
                    let roll = draw.below(100);
                    let (status, reason) = match (submitted, roll) {
                        (true, 0..=2) | (false, 0..=9) => (
                            "rejected",
                            Some("Скан не читается; пришлите, пожалуйста, более чёткую копию."),
                        ),
                        (true, 3..=7) | (false, 10..=59) => ("pending", None),
                        _ => ("accepted", None),
                    };
                    let upload = Upload {
                        kind: kind.to_string(),
                        name: format!("{kind}.pdf"),
                        content_type: "application/pdf",
                        size: DEMO_PDF.len() as i64,
                        sha256: pdf.to_string(),
                    };
                    let document = documents::record_upload(c, child, &upload, guardian).await?;
                    let decision = match status {
                        "accepted" => Some(Decision::Accept),
                        "rejected" => reason.map(|r| Decision::Reject(r.to_string())),
                        _ => None,
                    };
                    if let Some(decision) = decision {
                        documents::review_document(
                            c,
                            document,
                            coordinator,
                            &decision,
                            BASE_URL,
                            None,
                        )
                        .await?;
                    }
                }
            }
            if !applies {
                continue;
            }
            // Submitted over the three weeks since opening, more of them in
            // the last days (derived, not drawn: the demo's random values
            // stay as they were).
            let spread = (g as i64 * 37 + k as i64 * 11) % 400;
            let days_ago = (spread * spread / 8000).min(20);
            let at = now - days_ago * DAY_MS - (g as i64 % 20) * 3_600_000;
            let at = if submitted { at } else { now };
            let (application, _) = start_draft(c, child, programme, at).await?;
            let mut eligible: Vec<i64> = sessions
                .iter()
                .filter(|(_, starts, min, max)| {
                    let age = starts[..4].parse::<i32>().unwrap_or(0)
                        - year
                        - i32::from(birth[5..] > starts[5..]);
                    (*min..=*max).contains(&age)
                })
                .map(|(id, _, _, _)| *id)
                .collect();
            let order = draw.permutation(eligible.len());
            let ranked: Vec<i64> = order.into_iter().map(|i| eligible[i]).collect();
            let together = match &first {
                Some((_, theirs)) if submitted && g % 2 == 0 => theirs
                    .iter()
                    .all(|s| eligible.contains(s))
                    .then(|| theirs.clone()),
                _ => None,
            };
            eligible = ranked;
            eligible.truncate(1 + draw.below(5) as usize);
            let block = match (together, &first) {
                (Some(theirs), Some((sibling, _))) => {
                    eligible = theirs;
                    Some(*sibling)
                }
                _ => None,
            };
            if submitted && k == 0 {
                first = Some((application, eligible.clone()));
            }
            applications::set_choices(c, application, 0, &eligible).await?;
            if submitted {
                let kinds: Vec<&str> = crate::applications::CONSENTS
                    .iter()
                    .map(|(k, _)| *k)
                    .collect();
                set_consents(c, application, &kinds, guardian, now).await?;
            }
            if let Some(sibling) = block {
                blocks::join(
                    c,
                    programme,
                    &[sibling, application],
                    &format!("SKH27-B{g:04}"),
                )
                .await?;
            }
            if submitted {
                submit(c, application, programme, None, at).await?;
                c.audit_as(
                    Action::Update,
                    Resource::Application,
                    Some(application),
                    "submitted",
                );
            }
        }
    }
    Ok(())
}

/// The reference scenario's rules (Sakha's points, caps and shares).
pub(super) fn general_rules() -> GeneralRules {
    GeneralRules {
        max_choices: DEFAULTS.max_choices,
        school_cap: Some(yakutia::SCHOOL_CAP as i32),
        rural_coefficient_milli: (yakutia::RURAL_COEFFICIENT_TENTHS * 100) as i32,
        passport_months: yakutia::PASSPORT_MONTHS as i32,
        offer_days: DEFAULTS.offer_days,
        nomination_points_milli: NOMINATION_POINTS_MILLI,
        nomination_required: false,
        levels: LEVEL_CODES
            .iter()
            .zip(LEVELS)
            .map(|(level, (points, _, cap))| {
                (*level, i64::from(*points) * 1000, i64::from(*cap) * 1000)
            })
            .collect(),
        places: DEFAULTS.place_percents.to_vec(),
    }
}

/// The programme of summer 2027 with its rules, sessions, categories and
/// required documents, opened three weeks ago (the families' submissions
/// are spread over them) and closing in a month.
async fn insert_programme(c: &mut Change, camps: &[(&str, i64)]) -> Result<i64, AppError> {
    let id = create_programme(
        c,
        &NewProgramme {
            name: "Лето 2027: международные детские лагеря".into(),
            code: "SKH27".into(),
            retain_until: crate::store::retention::suggested(now_ms()),
        },
    )
    .await?;
    let rules = general_rules();
    set_rules(c, id, &rules).await?;
    for s in SESSIONS {
        let camp = camps
            .iter()
            .find(|(n, _)| *n == s.camp)
            .map_or(0, |(_, id)| *id);
        let languages = CAMPS.iter().find(|c| c.0 == s.camp).map_or("", |c| c.4);
        let session = NewSession {
            camp,
            code: s.id.to_string(),
            starts: Day::parse(&yakutia::date(s.starts)).map_err(|e| anyhow::anyhow!(e))?,
            ends: Day::parse(&yakutia::date(s.ends)).map_err(|e| anyhow::anyhow!(e))?,
            places: s.capacity as i32,
            min_age: s.min_age as i32,
            max_age: s.max_age as i32,
            languages: languages.to_string(),
            departure: DEPARTURE.to_string(),
            reserves: parse_reserves(s.reserves).map_err(|e| anyhow::anyhow!(e))?,
            description: DESCRIPTIONS
                .iter()
                .find(|(camp, _)| *camp == s.camp)
                .map_or(String::new(), |(_, d)| d.to_string()),
        };
        let Ok(session_id) = create_session(c, id, &session).await? else {
            return Err(anyhow::anyhow!("the session {} cannot be added", s.id).into());
        };
        // The group flies out on the session's first day, in the morning.
        let travel = crate::groups::travel::TravelDetails {
            departure: DEPARTURE.to_string(),
            departs_at: crate::groups::travel::on_clock(
                jiff::civil::Date::new(
                    session.starts.0.year() as i16,
                    u8::from(session.starts.0.month()) as i8,
                    session.starts.0.day() as i8,
                )
                .map_err(|e| anyhow::anyhow!(e))?,
                8,
                30,
            ),
            meeting_point: MEETING_POINT.to_string(),
            what_to_bring: WHAT_TO_BRING.to_string(),
            office_phone: OFFICE_PHONE.to_string(),
        };
        crate::groups::travel::set(c, session_id, &travel).await?;
    }
    for (code, name, tier) in [
        ("state_care", "Дети, оставшиеся без попечения родителей", 2),
        (
            "not_placed_3y",
            "Не выезжавшие в лагеря последние три года",
            1,
        ),
    ] {
        let category = Category {
            code: code.into(),
            name: name.into(),
            tier,
        };
        set_category(c, id, &category).await?;
    }
    // The birth certificate and the passport come with the application
    // (due the day applications close); the medical certificate is due
    // before the summer and is a condition of the offer.
    let closes_at = now_ms() + 30 * DAY_MS;
    let close_day = crate::language::zone::day_of(closes_at)
        .ok_or_else(|| anyhow::anyhow!("the closing day is out of the calendar"))?;
    let medical_day = Day::parse("2027-05-31")
        .map_err(|e| anyhow::anyhow!(e))?
        .max(Day(close_day
            .date()
            .saturating_add(time::Duration::days(60))));
    for (kind, name, deadline) in [
        ("birth_certificate", "Свидетельство о рождении", close_day),
        ("passport", "Паспорт (страница с фото)", close_day),
        ("medical", "Медицинская справка", medical_day),
    ] {
        let requirement = Requirement {
            kind: kind.into(),
            name: name.into(),
            deadline,
        };
        require_document(c, id, &requirement).await?;
    }
    let now = now_ms();
    let seed = lifecycle::draw_seed()?;
    // The beacon round: one that appears a day after applications close.
    let round = smena_engine::drand::round_at((now + 31 * DAY_MS) / 1000);
    if let Err(refused) = lifecycle::open(c, id, &seed, round, now - 21 * DAY_MS).await? {
        return Err(anyhow::anyhow!("the programme cannot open: {refused:?}").into());
    }
    // When applications close; documents are reviewed by then too (the
    // inputs freeze at closing; one fixed later puts the child on the
    // waiting list).
    sqlx::query(
        "UPDATE programmes SET applications_close_at = $1, documents_due_at = $2 WHERE id = $3",
    )
    .bind(closes_at)
    .bind(closes_at)
    .bind(id)
    .execute(&mut **c)
    .await?;
    Ok(id)
}

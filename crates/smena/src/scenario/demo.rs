//! The demo: the reference scenario loaded into a database, with one login
//! per role.

use super::yakutia::{self, DISTRICTS, LEVELS, SESSIONS};
use super::{Draw, cumulative};
use crate::accounts::{NewAccount, create_account, hash_password};
use crate::store::{Db, new_id, now_ms};
use crate::web::policy::Role;

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
];

/// (name in the scenario's files, name as printed, country, contact, languages).
const CAMPS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Songdowon International Children's Camp",
        "Songdowon International Children's Camp (송도원국제소년단야영소)",
        "DPRK",
        "Consulate General of the DPRK in Nakhodka",
        "Korean, Russian, English",
    ),
    (
        "Nairamdal International Children's Centre",
        "Nairamdal International Children's Centre (Найрамдал)",
        "Mongolia",
        "Nairamdal centre, Ulaanbaatar",
        "Mongolian, Russian, English",
    ),
];

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Where the groups leave from: by air from Yakutsk.
const DEPARTURE: &str = "Yakutsk airport (YKS), Chkalova 9";

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
    let mut tx = db.begin_write().await?;
    let mut school_ids = Vec::new();
    for (district, kind, _, schools) in DISTRICTS {
        let district_id = new_id();
        sqlx::query("INSERT INTO districts (id, name, kind) VALUES ($1, $2, $3)")
            .bind(district_id)
            .bind(*district)
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        for school in *schools {
            let id = new_id();
            sqlx::query("INSERT INTO schools (id, name, district_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*school)
                .bind(district_id)
                .execute(&mut *tx)
                .await?;
            school_ids.push((*school, id));
        }
    }
    let mut camp_ids = Vec::new();
    for (name, printed, country, contact, _) in CAMPS {
        let id = new_id();
        sqlx::query("INSERT INTO camps (id, name, country, contact) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(*printed)
            .bind(*country)
            .bind(*contact)
            .execute(&mut *tx)
            .await?;
        camp_ids.push((*name, id));
    }
    let programme = insert_programme(&mut tx, &camp_ids).await?;
    let school = school_ids
        .iter()
        .find(|(n, _)| *n == "Sakha Gymnasium")
        .map(|(_, id)| *id);
    let camp = camp_ids.first().map(|(_, id)| *id);
    for login in LOGINS {
        let name = match login.role {
            Role::Coordinator => "Aitalina Nikolaeva",
            Role::School => "Sardana Ivanova",
            Role::Parent => "Nyurguyana Petrova",
            Role::Camp => "Kim Song-hui",
            Role::Chaperone => "Aleksei Vasiliev",
        };
        create_account(
            &mut tx,
            &NewAccount {
                email: login.email,
                password_hash: &hash,
                role: login.role,
                full_name: name,
                verified: true,
                school_id: (login.role == Role::School).then_some(school).flatten(),
                camp_id: (login.role == Role::Camp).then_some(camp).flatten(),
            },
        )
        .await?;
    }
    let sha = crate::documents::storage::store(files_dir, DEMO_PDF).await?;
    families(&mut tx, programme, &hash, &sha).await?;
    tx.commit().await?;
    Ok(true)
}

/// A one-page PDF standing in for every scanned document of the demo.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const GIVEN_GIRLS: &[&str] = &[
    "Aiyyna",
    "Sardana",
    "Nyurguyana",
    "Tuyaara",
    "Kyunnei",
    "Sakhaya",
    "Aitalina",
    "Maria",
    "Anna",
    "Darina",
    "Yana",
    "Uigulana",
];
const GIVEN_BOYS: &[&str] = &[
    "Aital", "Erchim", "Dulustan", "Aisen", "Timur", "Nikita", "Ivan", "Artyom", "Erel", "Michil",
    "Kirill", "Nyurgun",
];
const FAMILY: &[&str] = &[
    "Ivanov",
    "Petrov",
    "Nikolaev",
    "Vasiliev",
    "Sivtsev",
    "Argunov",
    "Gotovtsev",
    "Okhlopkov",
    "Efimov",
    "Popov",
    "Stepanov",
    "Egorov",
    "Pavlov",
    "Kirillin",
    "Gogolev",
];

/// 340 guardians with one or two children each (about 420 children): achievements, documents in
/// every state, applications drafted or submitted. The demo parent login
/// has two of them.
async fn families(
    tx: &mut crate::store::WriteTx,
    programme: i64,
    hash: &str,
    pdf: &str,
) -> anyhow::Result<()> {
    let mut draw = Draw::new(2027);
    let schools: Vec<(i64, String)> = sqlx::query_as(
        "SELECT s.id, d.name FROM schools s JOIN districts d ON d.id = s.district_id ORDER BY s.name",
    )
    .fetch_all(&mut **tx)
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
    .fetch_all(&mut **tx)
    .await?;
    let demo_parent: (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'parent@demo.smena'")
            .fetch_one(&mut **tx)
            .await?;
    let now = now_ms();
    let mut submissions = 0;
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
                tx,
                &NewAccount {
                    email: &email,
                    password_hash: hash,
                    role: Role::Parent,
                    full_name: &name,
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
                given = ["Aiyyna", "Erchim"][k];
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
                if g % 3 == 0 { "Grandmother" } else { "Aunt" },
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
            let child = new_id();
            sqlx::query(
                "INSERT INTO children (id, guardian_id, given_name, family_name, birth_date, school_id, category, passport_expires, \
                                       passport_number, emergency_contact, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(child)
            .bind(guardian)
            .bind(given)
            .bind(&family_name)
            .bind(&birth)
            .bind(school)
            .bind(category)
            .bind(&passport)
            .bind(&passport_number)
            .bind(&emergency_contact)
            .bind(now)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            for _ in 0..draw.below(5) {
                let level = ["international", "national", "regional", "municipal"]
                    [draw.weighted(&cumulative([0.05, 0.15, 0.35, 0.45]))];
                sqlx::query("INSERT INTO achievements (id, child_id, level, place, title, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(new_id())
                    .bind(child)
                    .bind(level)
                    .bind(1 + draw.below(3) as i32)
                    .bind(["Olympiad in mathematics", "Yakut language contest", "Chess tournament", "Science fair", "Khomus music festival"][draw.below(5) as usize])
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
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
                            Some("The scan is unreadable; please send a sharper copy."),
                        ),
                        (true, 3..=7) | (false, 10..=59) => ("pending", None),
                        _ => ("accepted", None),
                    };
                    sqlx::query(
                        "INSERT INTO documents (id, child_id, kind, original_name, content_type, size, sha256, status, reason, uploaded_at, uploaded_by) \
                         VALUES ($1, $2, $3, $4, 'application/pdf', $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(new_id())
                    .bind(child)
                    .bind(kind)
                    .bind(format!("{kind}.pdf"))
                    .bind(DEMO_PDF.len() as i64)
                    .bind(pdf)
                    .bind(status)
                    .bind(reason)
                    .bind(now)
                    .bind(guardian)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            if !applies {
                continue;
            }
            let application = new_id();
            // Submitted over the three weeks since opening, more of them in
            // the last days (derived, not drawn: the demo's random values
            // stay as they were).
            let spread = (g as i64 * 37 + k as i64 * 11) % 400;
            let days_ago = (spread * spread / 8000).min(20);
            let at = now - days_ago * DAY_MS - (g as i64 % 20) * 3_600_000;
            let at = if submitted { at } else { now };
            sqlx::query(
                "INSERT INTO applications (id, programme_id, child_id, status, created_at, updated_at, submitted_at, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(application)
            .bind(programme)
            .bind(child)
            .bind(if submitted { "submitted" } else { "draft" })
            .bind(at)
            .bind(at)
            .bind(submitted.then_some(at))
            .bind(submitted.then(|| {
                submissions += 1;
                format!("SKH27-{submissions:06}")
            }))
            .execute(&mut **tx)
            .await?;
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
            if let (Some(theirs), Some((sibling, _))) = (together, &first) {
                eligible = theirs;
                sqlx::query("UPDATE applications SET block_ref = $1 WHERE id IN ($2, $3)")
                    .bind(format!("SKH27-B{g:04}"))
                    .bind(*sibling)
                    .bind(application)
                    .execute(&mut **tx)
                    .await?;
            }
            if submitted && k == 0 {
                first = Some((application, eligible.clone()));
            }
            for (rank, session) in eligible.iter().enumerate() {
                sqlx::query("INSERT INTO application_choices (application_id, choice_rank, session_id) VALUES ($1, $2, $3)")
                    .bind(application)
                    .bind(rank as i32 + 1)
                    .bind(*session)
                    .execute(&mut **tx)
                    .await?;
            }
            if submitted {
                for (kind, _) in crate::applications::CONSENTS {
                    sqlx::query("INSERT INTO consents (id, application_id, kind, text_version, given_by, given_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(new_id())
                        .bind(application)
                        .bind(*kind)
                        .bind(crate::applications::CONSENT_VERSION)
                        .bind(guardian)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
    }
    sqlx::query("UPDATE programmes SET submissions = $1 WHERE id = $2")
        .bind(submissions)
        .bind(programme)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_programme(
    tx: &mut crate::store::WriteTx,
    camps: &[(&str, i64)],
) -> anyhow::Result<i64> {
    let id = new_id();
    let seed = smena_engine::Seed::from_bytes({
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
        b
    });
    let now = now_ms();
    sqlx::query(
        "INSERT INTO programmes (id, name, status, applications_open_at, applications_close_at, max_choices, \
                                 school_cap, rural_coefficient_milli, passport_months, seed_hex, commitment_hex, created_at, code) \
         VALUES ($1, $2, 'open', $3, $4, 5, $5, $6, $7, $8, $9, $10, 'SKH27')",
    )
    .bind(id)
    .bind("Summer 2027: international children's camps")
    // Opened three weeks ago (the families' submissions are spread over
    // them), closing in a month.
    .bind(now - 21 * DAY_MS)
    .bind(now + 30 * DAY_MS)
    .bind(yakutia::SCHOOL_CAP as i32)
    .bind((yakutia::RURAL_COEFFICIENT_TENTHS * 100) as i32)
    .bind(yakutia::PASSPORT_MONTHS as i32)
    .bind(seed.to_hex())
    .bind(seed.commitment().to_hex())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for s in SESSIONS {
        let session = new_id();
        let camp = camps
            .iter()
            .find(|(n, _)| *n == s.camp)
            .map_or(0, |(_, id)| *id);
        let languages = CAMPS.iter().find(|c| c.0 == s.camp).map_or("", |c| c.4);
        sqlx::query(
            "INSERT INTO sessions (id, programme_id, camp_id, code, starts, ends, places, min_age, max_age, languages, departure) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(session)
        .bind(id)
        .bind(camp)
        .bind(s.id)
        .bind(yakutia::date(s.starts))
        .bind(yakutia::date(s.ends))
        .bind(s.capacity as i32)
        .bind(s.min_age as i32)
        .bind(s.max_age as i32)
        .bind(languages)
        .bind(DEPARTURE)
        .execute(&mut **tx)
        .await?;
        for part in s.reserves.split(';') {
            if let Some((group, places)) = part.split_once(':') {
                sqlx::query("INSERT INTO session_reserves (session_id, reserve_group, places) VALUES ($1, $2, $3)")
                    .bind(session)
                    .bind(group)
                    .bind(places.parse::<i32>().unwrap_or(0))
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    for (level, (points, _, cap)) in ["international", "national", "regional", "municipal"]
        .iter()
        .zip(LEVELS)
    {
        sqlx::query("INSERT INTO scoring_rules (programme_id, level, points_milli, cap_milli) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(*level)
            .bind(i64::from(*points) * 1000)
            .bind(i64::from(*cap) * 1000)
            .execute(&mut **tx)
            .await?;
    }
    for (place, percent) in [(1, 100), (2, 80), (3, 60)] {
        sqlx::query(
            "INSERT INTO scoring_places (programme_id, place, percent) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(place)
        .bind(percent)
        .execute(&mut **tx)
        .await?;
    }
    for (code, name, tier) in [
        ("state_care", "Children in state care", 2),
        ("not_placed_3y", "Not placed in the last three years", 1),
    ] {
        sqlx::query("INSERT INTO priority_categories (programme_id, code, name, tier) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(code)
            .bind(name)
            .bind(tier)
            .execute(&mut **tx)
            .await?;
    }
    for (kind, name, deadline) in [
        ("birth_certificate", "Birth certificate", "2027-04-30"),
        ("passport", "Passport (photo page)", "2027-04-30"),
        ("medical", "Medical certificate", "2027-05-31"),
    ] {
        sqlx::query("INSERT INTO required_documents (programme_id, kind, name, deadline) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(kind)
            .bind(name)
            .bind(deadline)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

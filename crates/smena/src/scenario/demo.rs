//! The demo: the reference scenario loaded into a database, with one login
//! per role.

use sqlx::{Any, Transaction};

use super::yakutia::{self, DISTRICTS, LEVELS, SESSIONS};
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

const CAMPS: &[(&str, &str, &str, &str)] = &[
    (
        "Songdowon International Children's Camp",
        "DPRK",
        "Consulate General of the DPRK in Nakhodka",
        "Korean, Russian, English",
    ),
    (
        "Nairamdal International Children's Centre",
        "Mongolia",
        "Nairamdal centre, Ulaanbaatar",
        "Mongolian, Russian, English",
    ),
];

/// Loads the scenario unless the database already has a programme. Returns
/// whether anything was loaded.
pub async fn load(db: &Db) -> anyhow::Result<bool> {
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
    for (name, country, contact, _) in CAMPS {
        let id = new_id();
        sqlx::query("INSERT INTO camps (id, name, country, contact) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(*name)
            .bind(*country)
            .bind(*contact)
            .execute(&mut *tx)
            .await?;
        camp_ids.push((*name, id));
    }
    insert_programme(&mut tx, &camp_ids).await?;
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
    tx.commit().await?;
    Ok(true)
}

async fn insert_programme(
    tx: &mut Transaction<'static, Any>,
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
                                 school_cap, rural_coefficient_milli, passport_months, seed_hex, commitment_hex, created_at) \
         VALUES ($1, $2, 'open', $3, $4, 5, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind("Summer 2027: international children's camps")
    .bind(now)
    .bind(now + 30 * 24 * 3600 * 1000)
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
        let languages = CAMPS.iter().find(|c| c.0 == s.camp).map_or("", |c| c.3);
        sqlx::query(
            "INSERT INTO sessions (id, programme_id, camp_id, code, starts, ends, places, min_age, max_age, languages) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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

//! Prepares the list-pages benchmark (bench/lists.sh): the reference
//! scenario plus N submitted applications (children with varied names,
//! three ranked sessions, documents some still waiting for review) and a
//! logged-in coordinator and school representative (whose roster lists
//! the school's children). Prints both login cookie values.
//!
//!     cargo run -p smena --example lists_prep -- DATABASE APPLICATIONS
#![allow(clippy::unwrap_used)]

use smena::accounts::{NewAccount, create_account};
use smena::domain::access::{Action, Resource, Role};
use smena::language::Language;
use smena::store::{Actor, Db, new_id, now_ms, random_token, token_hash};

const FAMILY: &[&str] = &[
    "Иванов",
    "Петров",
    "Николаев",
    "Васильев",
    "Егоров",
    "Попов",
    "Соловьёв",
    "Алексеев",
    "Гоголев",
    "Ноговицын",
    "Слепцов",
    "Охлопков",
    "Габышев",
    "Винокуров",
    "Павлов",
    "Андреев",
];
const GIVEN: &[&str] = &[
    "Айаал",
    "Сардаана",
    "Кюннэй",
    "Айсен",
    "Туйаара",
    "Эрчим",
    "Нюргун",
    "Сайаана",
    "Дьулус",
    "Айыына",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (database, applications) = (&args[1], args[2].parse::<usize>()?);
    let db = Db::connect(database).await?;
    db.migrate().await?;
    let key = smena::store::ServerKey::parse(&std::env::var("SMENA_KEY")?, "SMENA_KEY")?;
    db.unlock(&key).await?;
    let files = std::env::temp_dir().join(format!("smena-lists-files-{}", std::process::id()));
    smena::scenario::demo::load(&db, &files).await?;
    let (programme, code): (i64, String) = sqlx::query_as("SELECT id, code FROM programmes")
        .fetch_one(db.pool())
        .await?;
    let schools: Vec<(i64,)> = sqlx::query_as("SELECT id FROM schools ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    let sessions: Vec<(i64,)> = sqlx::query_as("SELECT id FROM sessions ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    let (sha,): (String,) = sqlx::query_as("SELECT sha256 FROM documents LIMIT 1")
        .fetch_one(db.pool())
        .await?;
    let now = now_ms();
    for chunk in (0..applications).collect::<Vec<_>>().chunks(1000) {
        let on = (Action::Create, Resource::Account);
        db.write(Actor::CommandLine, on, async |tx| {
            for &i in chunk {
                let email = format!("lists{i:07}@example.org");
                let account = create_account(
                    tx,
                    &NewAccount {
                        email: &email,
                        password_hash: "not a password",
                        role: Role::Parent,
                        full_name: "Bench Parent",
                        language: Language::Ru,
                        verified: true,
                        school_id: None,
                        camp_id: None,
                    },
                )
                .await?;
                let child = new_id();
                sqlx::query(
                    "INSERT INTO children (id, guardian_id, given_name, family_name, birth_date, school_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, '2014-05-05', $5, $6, $7)",
                )
                .bind(child)
                .bind(account)
                .bind(GIVEN[i % GIVEN.len()])
                .bind(format!("{}{}", FAMILY[(i / 7) % FAMILY.len()], i % 97))
                .bind(schools[i % schools.len()].0)
                .bind(now)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO documents (id, child_id, kind, original_name, content_type, size, sha256, status, uploaded_at, uploaded_by) \
                     VALUES ($1, $2, 'medical', 'scan.pdf', 'application/pdf', 100, $3, $4, $5, $6)",
                )
                .bind(new_id())
                .bind(child)
                .bind(&sha)
                .bind(if i % 3 == 0 { "pending" } else { "accepted" })
                .bind(now)
                .bind(account)
                .execute(&mut **tx)
                .await?;
                let application = new_id();
                sqlx::query(
                    "INSERT INTO applications (id, programme_id, child_id, status, created_at, updated_at, submitted_at, reference) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(application)
                .bind(programme)
                .bind(child)
                .bind(if i % 10 == 0 { "draft" } else { "submitted" })
                .bind(now)
                .bind(now)
                .bind(now - i as i64 * 1000)
                .bind(format!("{code}-B{i:07}"))
                .execute(&mut **tx)
                .await?;
                for rank in 1..=3usize {
                    sqlx::query("INSERT INTO application_choices (application_id, choice_rank, session_id) VALUES ($1, $2, $3)")
                        .bind(application)
                        .bind(rank as i32)
                        .bind(sessions[(i + rank) % sessions.len()].0)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    }
    // The demo school's roster lists every child of that school who
    // applied, as an imported spreadsheet would.
    let (school, school_account): (i64, i64) =
        sqlx::query_as("SELECT school_id, id FROM accounts WHERE email = 'school@demo.smena'")
            .fetch_one(db.pool())
            .await?;
    db.write(Actor::CommandLine, (Action::Create, Resource::Pupil), async |tx| {
        sqlx::query(
            "INSERT INTO pupils (id, school_id, given_name, family_name, birth_date, class_name, nominated, imported_at) \
             SELECT c.id, c.school_id, c.given_name, c.family_name, c.birth_date, '7А', 0, $2 FROM children c \
             WHERE c.school_id = $1 AND NOT EXISTS (SELECT 1 FROM pupils p WHERE p.school_id = c.school_id \
               AND p.family_name = c.family_name AND p.given_name = c.given_name AND p.birth_date = c.birth_date)",
        )
        .bind(school)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        tx.audit(Some(school), "bench roster");
        Ok::<_, anyhow::Error>(())
    })
    .await?;
    let (coordinator,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'coordinator@demo.smena'")
            .fetch_one(db.pool())
            .await?;
    let token = login(&db, coordinator, now).await?;
    let school_token = login(&db, school_account, now).await?;
    println!("{token} {school_token}");
    let _ = std::fs::remove_dir_all(files);
    Ok(())
}

/// A login for `account`, as the browser's cookie value.
async fn login(db: &Db, account: i64, now: i64) -> anyhow::Result<String> {
    let coordinator = account;
    let token = random_token();
    db.write(Actor::CommandLine, (Action::Login, Resource::Account), async |tx| {
        sqlx::query(
            "INSERT INTO logins (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash(&token))
        .bind(coordinator)
        .bind(random_token())
        .bind(now)
        .bind(now)
        .bind(now + 12 * 3600 * 1000)
        .execute(&mut **tx)
        .await?;
        tx.audit(Some(coordinator), "bench login");
        Ok::<_, anyhow::Error>(())
    })
    .await?;
    Ok(token)
}

//! Prepares the "applications open" rush benchmark (bench/rush.sh): the
//! reference scenario plus N families, each logged in with a draft
//! application whose documents are accepted, so that one POST submits it.
//! Writes one line per family: application id, session cookie, CSRF token,
//! and a session the child may choose.
//!
//!     cargo run --release -p smena --example rush_prep -- DATABASE FAMILIES OUT
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use smena::accounts::{NewAccount, create_account, hash_password};
use smena::domain::access::{Action, Resource, Role};
use smena::language::Language;
use smena::store::{Actor, Db, new_id, now_ms, random_token, token_hash};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (database, families, out) = (&args[1], args[2].parse::<usize>()?, &args[3]);
    let db = Db::connect(database).await?;
    db.migrate().await?;
    // The key `smena serve` will be given (bench/rush.sh sets SMENA_KEY).
    let key = smena::store::ServerKey::parse(&std::env::var("SMENA_KEY")?, "SMENA_KEY")?;
    db.unlock(&key).await?;
    let files = std::env::temp_dir().join(format!("smena-rush-files-{}", std::process::id()));
    smena::scenario::demo::load(&db, &files).await?;
    let (programme,): (i64,) = sqlx::query_as("SELECT id FROM programmes")
        .fetch_one(db.pool())
        .await?;
    let (school,): (i64,) = sqlx::query_as("SELECT id FROM schools WHERE name = 'Sakha Gymnasium'")
        .fetch_one(db.pool())
        .await?;
    let (session,): (i64,) =
        sqlx::query_as("SELECT id FROM sessions WHERE code = 'songdowon-2027-2'")
            .fetch_one(db.pool())
            .await?;
    let (sha,): (String,) = sqlx::query_as("SELECT sha256 FROM documents LIMIT 1")
        .fetch_one(db.pool())
        .await?;
    let hash = hash_password("rush passphrase".into()).await?;
    let mut lines = Vec::with_capacity(families);
    let now = now_ms();
    for chunk in (0..families).collect::<Vec<_>>().chunks(500) {
        let on = (Action::Create, Resource::Account);
        let written = db.write(Actor::CommandLine, on, async |tx| {
        let mut lines = Vec::new();
        for i in chunk {
            let email = format!("rush{i:06}@example.org");
            let account = create_account(
                tx,
                &NewAccount {
                    email: &email,
                    password_hash: &hash,
                    role: Role::Parent,
                    full_name: "Rush Parent",
                    language: Language::En,
                    verified: true,
                    school_id: None,
                    camp_id: None,
                },
            )
            .await?;
            let child = new_id();
            sqlx::query(
                "INSERT INTO children (id, guardian_id, given_name, family_name, birth_date, school_id, passport_expires, created_at, updated_at) \
                 VALUES ($1, $2, 'Rush', 'Child', '2014-05-05', $3, '2031-01-01', $4, $5)",
            )
            .bind(child)
            .bind(account)
            .bind(school)
            .bind(now)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            for kind in ["birth_certificate", "passport", "medical"] {
                sqlx::query(
                    "INSERT INTO documents (id, child_id, kind, original_name, content_type, size, sha256, status, uploaded_at, uploaded_by) \
                     VALUES ($1, $2, $3, 'scan.pdf', 'application/pdf', 100, $4, 'accepted', $5, $6)",
                )
                .bind(new_id())
                .bind(child)
                .bind(kind)
                .bind(&sha)
                .bind(now)
                .bind(account)
                .execute(&mut **tx)
                .await?;
            }
            let application = new_id();
            sqlx::query("INSERT INTO applications (id, programme_id, child_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5)")
                .bind(application)
                .bind(programme)
                .bind(child)
                .bind(now)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            let (token, csrf) = (random_token(), random_token());
            sqlx::query(
                "INSERT INTO logins (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash(&token))
            .bind(account)
            .bind(&csrf)
            .bind(now)
            .bind(now)
            .bind(now + 12 * 3600 * 1000)
            .execute(&mut **tx)
            .await?;
            lines.push(format!("{application}\t{token}\t{csrf}\t{session}"));
        }
        Ok::<_, anyhow::Error>(lines)
        })
        .await?;
        lines.extend(written);
    }
    let mut f = std::fs::File::create(out)?;
    for l in lines {
        writeln!(f, "{l}")?;
    }
    let _ = std::fs::remove_dir_all(files);
    Ok(())
}

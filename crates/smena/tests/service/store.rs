//! The database under concurrent writers, and the one audited write.

use crate::common::{TestApp, client_at};
use reqwest::StatusCode;
use smena::domain::access::{Action, Resource};
use smena::store::Actor;

on_both_databases!(
    fifty_concurrent_writers,
    a_failed_writer_undoes_only_its_own_work,
    a_change_and_its_audit_entry_commit_together,
);

/// Every change goes through the one audited write: its audit entry (and
/// its mail) are written in its transaction. A change that fails after
/// recording its entry leaves neither; a change without an entry is
/// refused; a change that succeeds leaves both.
async fn a_change_and_its_audit_entry_commit_together(app: &TestApp) {
    let camps = || app.count("SELECT COUNT(*) FROM camps WHERE name LIKE 'Audited%'");
    let entries = || app.count("SELECT COUNT(*) FROM audit_log WHERE resource = 'camp'");
    let mails = || app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'audit_test'");
    let on = (Action::Create, Resource::Camp);
    let insert = "INSERT INTO camps (id, name, country, contact) VALUES ($1, $2, 'X', 'Y')";
    let mail = || smena::store::Mail {
        to: "someone@example.org".into(),
        kind: "audit_test",
        subject: "s".into(),
        body: "b".into(),
        secret: None,
    };

    // The write fails after the audit call: a second camp of the same name.
    let failed = app
        .db
        .write(Actor::CommandLine, on, async |c| {
            sqlx::query(insert)
                .bind(1_i64)
                .bind("Audited camp")
                .execute(&mut **c)
                .await?;
            c.audit(Some(1), "a camp that will not stay");
            c.send(mail());
            sqlx::query(insert)
                .bind(2_i64)
                .bind("Audited camp")
                .execute(&mut **c)
                .await?;
            Ok::<_, anyhow::Error>(())
        })
        .await;
    assert!(failed.is_err(), "the second camp breaks the unique name");
    assert_eq!((camps().await, entries().await, mails().await), (0, 0, 0));

    // The change itself decides to fail after its entry: nothing stays.
    let refused = app
        .db
        .write(Actor::CommandLine, on, async |c| {
            sqlx::query(insert)
                .bind(3_i64)
                .bind("Audited camp")
                .execute(&mut **c)
                .await?;
            c.audit(Some(3), "refused after all");
            c.send(mail());
            Err::<(), _>(anyhow::anyhow!("changed its mind"))
        })
        .await;
    assert!(refused.is_err());
    assert_eq!((camps().await, entries().await, mails().await), (0, 0, 0));

    // A change that records no entry is refused, and undone.
    let unaudited = app
        .db
        .write(Actor::CommandLine, on, async |c| {
            sqlx::query(insert)
                .bind(4_i64)
                .bind("Audited camp")
                .execute(&mut **c)
                .await?;
            Ok::<_, anyhow::Error>(())
        })
        .await;
    assert!(
        unaudited
            .unwrap_err()
            .to_string()
            .contains("must record its audit entry")
    );
    assert_eq!((camps().await, entries().await), (0, 0));

    // A change that succeeds: the camp, its entry and its mail.
    app.db
        .write(Actor::CommandLine, on, async |c| {
            sqlx::query(insert)
                .bind(5_i64)
                .bind("Audited camp")
                .execute(&mut **c)
                .await?;
            c.audit(Some(5), "kept");
            c.send(mail());
            Ok::<_, anyhow::Error>(())
        })
        .await
        .unwrap();
    assert_eq!((camps().await, entries().await, mails().await), (1, 1, 1));
    let (role, id): (String, Option<i64>) =
        sqlx::query_as("SELECT actor_role, resource_id FROM audit_log WHERE resource = 'camp'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((role.as_str(), id), ("command_line", Some(5)));
}

async fn fifty_concurrent_writers(app: &TestApp) {
    let mut tasks = Vec::new();
    for i in 0..50 {
        let base = app.base.clone();
        tasks.push(tokio::spawn(async move {
            // Fifty families, each at home (registrations are throttled
            // per address).
            let c = client_at(&format!("198.51.100.{i}"));
            let html = c
                .get(format!("{base}/register"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
            let csrf = html[at..at + 64].to_string();
            let email = format!("parent{i}@example.org");
            let r = c
                .post(format!("{base}/register"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("full_name", "Parent"),
                    ("email", email.as_str()),
                    ("password", "a long passphrase"),
                    ("password_again", "a long passphrase"),
                ])
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!body.contains("locked"));
    }
    let accounts: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(accounts.0, 50);
    let mails: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE kind = 'email_verification'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        mails.0, 50,
        "each registration queued its message in the same transaction"
    );
}

/// Writers share commits on SQLite (group commit): one that fails or gives
/// up must undo its own work and nobody else's, and a writer's commit must
/// be visible to every reader once it returns.
async fn a_failed_writer_undoes_only_its_own_work(app: &TestApp) {
    const INSERT: &str = "INSERT INTO audit_log (id, at, actor_role, action, resource, outcome, detail) \
                          VALUES ($1, 0, 'test', 'write', 'test', 'ok', 'group commit')";
    let mut tasks = Vec::new();
    for i in 0..150i64 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let id = 1_000_000 + i;
            let mut tx = db.begin_write().await.unwrap();
            sqlx::query(INSERT)
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            tokio::task::yield_now().await;
            match i % 3 {
                // Gives up (an error further on): its row is undone.
                0 => None,
                // A statement fails (the same key again), then it gives up.
                1 => {
                    let again = sqlx::query(INSERT).bind(id).execute(&mut *tx).await;
                    assert!(again.is_err(), "a duplicate key is refused");
                    None
                }
                _ => {
                    tx.commit().await.unwrap();
                    let seen: (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE id = $1")
                            .bind(id)
                            .fetch_one(db.pool())
                            .await
                            .unwrap();
                    assert_eq!(seen.0, 1, "a committed write is visible at once");
                    Some(id)
                }
            }
        }));
    }
    let mut committed = Vec::new();
    for t in tasks {
        committed.extend(t.await.unwrap());
    }
    committed.sort();
    let stored: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM audit_log WHERE actor_role = 'test' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let stored: Vec<i64> = stored.into_iter().map(|r| r.0).collect();
    assert_eq!(committed.len(), 50);
    assert_eq!(stored, committed, "exactly the committed writes are stored");
    if app.db.backend() == smena::store::Backend::Sqlite {
        // Every change goes through the writers' queue: the reading
        // connections cannot write at all.
        let stray = sqlx::query("DELETE FROM audit_log")
            .execute(app.db.pool())
            .await;
        assert!(stray.is_err(), "a reading connection refused the write");
    }
}

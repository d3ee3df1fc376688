//! The audit log as a hash chain nobody can rewrite unseen.

use crate::common::{TestApp, client};
use smena::store::chain;

on_both_databases!(the_audit_log_is_a_chain_that_names_its_first_broken_entry,);

/// Entries written through the service form an intact chain whose head the
/// coordinator sees; the database refuses to change or remove an entry;
/// and when someone with the database's keys removes that guard and
/// changes, removes or adds an entry, verification names it.
async fn the_audit_log_is_a_chain_that_names_its_first_broken_entry(app: &TestApp) {
    let coordinator = app.coordinator("chain@example.org").await;
    for i in 0..3 {
        app.register(
            &client(),
            "Parent",
            &format!("chain{i}@example.org"),
            "a long enough passphrase",
        )
        .await;
    }
    let entries = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(entries >= 4);
    let head = chain::verify(&app.db).await.unwrap().expect("intact");
    assert_eq!(head.seq, entries);
    assert_eq!(head, chain::head(&app.db).await.unwrap());
    let (_, page) = app.get(&coordinator, "/coordinator/audit").await;
    assert!(page.contains(&head.head), "the coordinator sees the head");
    // Filtered and paged by the server: the entries of one action, one
    // page at a time; who acted is named.
    let creates = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'create'")
        .await;
    let (_, page) = app
        .get(&coordinator, "/coordinator/audit?status=create&sort=oldest")
        .await;
    assert!(
        page.contains(&format!(">{creates} found<")) || page.contains(&format!(" {creates} found")),
        "{page}"
    );
    assert_eq!(
        page.matches("<tr><td>").count() as i64,
        creates.min(50),
        "one page of the filtered entries"
    );

    // The database itself refuses.
    let mut tx = app.db.begin_write().await.unwrap();
    let changed = sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2")
        .execute(&mut *tx)
        .await;
    assert!(changed.is_err(), "an entry cannot be changed");
    drop(tx);
    let mut tx = app.db.begin_write().await.unwrap();
    let removed = sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(&mut *tx)
        .await;
    assert!(removed.is_err(), "an entry cannot be removed");
    drop(tx);

    // Someone who can remove the guard first is still caught.
    let unguard: &[&'static str] = if app.backend() == "postgres" {
        &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"]
    } else {
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ]
    };
    for &sql in unguard {
        app.execute(sql).await;
    }
    // The last entry removed: the log no longer ends at the head.
    app.execute("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .await;
    let broken = chain::verify(&app.db).await.unwrap().unwrap_err();
    assert_eq!(broken.seq, Some(entries), "{broken}");
    assert!(broken.to_string().contains("head"), "{broken}");

    let second: (i64,) = sqlx::query_as("SELECT id FROM audit_log WHERE seq = 2")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    app.execute("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2")
        .await;
    let broken = chain::verify(&app.db).await.unwrap().unwrap_err();
    assert_eq!((broken.seq, broken.id), (Some(2), Some(second.0)));
    assert!(
        broken.to_string().contains("do not match its hash"),
        "{broken}"
    );

    app.execute("DELETE FROM audit_log WHERE seq = 2").await;
    let broken = chain::verify(&app.db).await.unwrap().unwrap_err();
    assert_eq!(broken.seq, Some(2));
    assert!(broken.to_string().contains("missing"), "{broken}");

    app.execute(
        "INSERT INTO audit_log (id, at, actor_role, action, resource, outcome, detail) \
         VALUES (424242, 0, 'coordinator', 'read', 'child', 'ok', 'forged')",
    )
    .await;
    let broken = chain::verify(&app.db).await.unwrap().unwrap_err();
    assert_eq!(broken.id, Some(424242), "{broken}");
}

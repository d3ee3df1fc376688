//! Children's data at rest.

use crate::common::TestApp;
use reqwest::StatusCode;

on_both_databases!(
    passport_numbers_and_emergency_contacts_never_reach_the_disk_in_clear,
    scans_are_stored_encrypted_and_read_back_whole,
);

/// A scan uploaded through the page is downloaded byte for byte, and is
/// nowhere in the files folder in clear; a stored file changed on disk is
/// refused rather than served.
async fn scans_are_stored_encrypted_and_read_back_whole(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent("scan.canary@example.org").await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    let mut scan = b"%PDF-1.4\n% CANARYSCAN7716 health certificate\n".to_vec();
    scan.extend((0..200_000u32).map(|i| (i % 251) as u8));
    let r = app
        .upload(&parent, &child, "medical", "scan.pdf", scan.clone())
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (id, sha): (i64, String) = sqlx::query_as(
        "SELECT id, sha256 FROM documents ORDER BY uploaded_at DESC, id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let back = parent
        .get(app.url(&format!("/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(
        back.bytes().await.unwrap().as_ref(),
        scan.as_slice(),
        "whole"
    );

    let mut stored = Vec::new();
    crate::common::walk(&app.files, &mut stored);
    assert!(!stored.is_empty());
    for file in &stored {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !bytes.windows(14).any(|w| w == b"CANARYSCAN7716"),
            "the scan in clear in {}",
            file.display()
        );
    }
    // Changed on disk: refused, not served.
    let path = app.files.join(&sha[..2]).join(&sha);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let back = parent
        .get(app.url(&format!("/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

/// A passport number and an emergency contact typed into the child's form
/// are read back on the page, and stored encrypted: neither appears in the
/// database's files on disk (SQLite file and WAL; PostgreSQL's database
/// directory and WAL), where the child's family name, kept in clear, does.
async fn passport_numbers_and_emergency_contacts_never_reach_the_disk_in_clear(app: &TestApp) {
    const NUMBER: &str = "CANARY5820371";
    const CONTACT: &str = "Canarycontact +7 914 5550001";
    const FAMILY: &str = "Kanareikina";
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent("canary@example.org").await;
    let school = app.school_id("Саха гимназия").await.to_string();
    let r = app
        .post(
            &parent,
            "/children",
            &[
                ("given_name", "Kesha"),
                ("family_name", FAMILY),
                ("birth_date", "2013-05-01"),
                ("school_id", &school),
                ("category", ""),
                ("passport_expires", "2030-01-01"),
                ("passport_number", NUMBER),
                ("emergency_contact", CONTACT),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let child = r.headers()["location"].to_str().unwrap().to_string();
    let (_, form) = app.get(&parent, &format!("{child}/edit")).await;
    assert!(form.contains(NUMBER) && form.contains(CONTACT), "read back");
    // The parent's phone number: refused when it is not one (what was typed
    // shown again), sealed when it is, read back on the account's page.
    const PHONE: &str = "+7 914 5550002";
    let r = app
        .post(&parent, "/account/phone", &[("phone", "call me maybe")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("value=\"call me maybe\""));
    let r = app
        .post(&parent, "/account/phone", &[("phone", PHONE)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&parent, "/account/phone").await;
    assert!(page.contains(PHONE), "{page}");
    let (phone,): (String,) =
        sqlx::query_as("SELECT phone FROM accounts WHERE email = 'canary@example.org'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(phone.starts_with("enc1:") && !phone.contains("5550002"));

    // The child's health needs, every field sealed.
    let r = app
        .post(
            &parent,
            &format!("{child}/needs"),
            &[
                ("allergies", "Canaryallergy 5550003"),
                ("diet", "halal"),
                ("medication", "Canarymedicine 5550004"),
                ("health_notes", "Canarynote 5550005"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, form) = app.get(&parent, &format!("{child}/needs")).await;
    assert!(form.contains("Canaryallergy 5550003"), "read back");
    let (number, contact): (String, String) = sqlx::query_as(
        "SELECT passport_number, emergency_contact FROM children WHERE family_name = $1",
    )
    .bind(FAMILY)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(number.starts_with("enc1:") && !number.contains(NUMBER));
    assert!(contact.starts_with("enc1:") && !contact.contains("5550001"));
    // Sealed for its column: a passport number cannot be opened as a contact.
    use smena::store::keys::{CONTACT as CONTACT_COLUMN, PASSPORT};
    assert_eq!(
        app.db.keys().unwrap().reveal(PASSPORT, &number).unwrap(),
        NUMBER
    );
    assert!(
        app.db
            .keys()
            .unwrap()
            .reveal(CONTACT_COLUMN, &number)
            .is_err()
    );

    let files = app.raw_database_files().await;
    assert!(!files.is_empty());
    let mut family_seen = false;
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(
            !has(NUMBER),
            "the passport number in clear in {}",
            file.display()
        );
        // Needles that cannot turn up by chance in the cluster's shared
        // WAL (random ids, hashes and seals are full of digit runs: a bare
        // "5550001" once matched one).
        assert!(
            !has("Canarycontact"),
            "the emergency contact in clear in {}",
            file.display()
        );
        assert!(
            !has("914 5550002"),
            "the parent's phone in clear in {}",
            file.display()
        );
        for canary in ["Canaryallergy", "Canarymedicine", "Canarynote"] {
            assert!(!has(canary), "a health need in clear in {}", file.display());
        }
        family_seen |= has(FAMILY);
    }
    assert!(
        family_seen,
        "the family name (kept in clear) is found in {files:?}: the search can see plain text"
    );
}

/// PostgreSQL's backup, as the README gives it: `pg_dump --format=custom`
/// of the live database, `pg_restore --no-owner` into a new one; the
/// restored database opens with the same key, its audit chain verifies,
/// its counts are the original's, and a child's passport number opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_backed_up_with_pg_dump_and_restored_with_pg_restore() {
    let app = crate::common::spawn_app(smena::store::Backend::Postgres).await;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let url = app.postgres_url().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("smena.dump");
    let out = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&url)
        .output()
        .expect("pg_dump (postgresql-client)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored_name = format!("{}_restored", url.rsplit('/').next().unwrap());
    let admin = crate::common::admin_url();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {restored_name}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    let restored_url = format!("{}/{restored_name}", admin.rsplit_once('/').unwrap().0);
    let out = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&restored_url)
        .arg(&dump)
        .output()
        .expect("pg_restore");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored = smena::store::Db::connect(&restored_url).await.unwrap();
    restored.migrate().await.unwrap();
    restored.unlock(&app.key).await.unwrap();
    let head = smena::store::chain::verify(&restored)
        .await
        .unwrap()
        .expect("the restored audit chain verifies");
    assert_eq!(
        head,
        smena::store::chain::verify(&app.db).await.unwrap().unwrap()
    );
    for table in [
        "children",
        "applications",
        "documents",
        "audit_log",
        "data_keys",
    ] {
        let count = |db: &smena::store::Db| {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let pool = db.pool().clone();
            async move {
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                n
            }
        };
        assert_eq!(count(&restored).await, count(&app.db).await, "{table}");
    }
    let (sealed,): (String,) = sqlx::query_as(
        "SELECT passport_number FROM children WHERE passport_number IS NOT NULL LIMIT 1",
    )
    .fetch_one(restored.pool())
    .await
    .unwrap();
    let keys = restored.keys().unwrap();
    assert!(keys.reveal(smena::store::keys::PASSPORT, &sealed).is_ok());
    restored.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {restored_name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    app.finish().await;
}

on_both_databases!(a_consent_withdrawn_after_submission_is_kept_and_goes_to_the_coordinator,);

/// Consents are events: a family withdraws one after submitting; the row
/// stays (given and withdrawn, by whom), the application shows the
/// history, the coordinators are e-mailed and see it listed, another
/// family cannot do it for them, and the allocation leaves the
/// application out.
async fn a_consent_withdrawn_after_submission_is_kept_and_goes_to_the_coordinator(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let family = crate::common::client();
    let r = app
        .login(
            &family,
            "parent@demo.smena",
            smena::scenario::demo::PASSWORD,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (id, programme): (i64, i64) = sqlx::query_as(
        "SELECT a.id, a.programme_id FROM applications a JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id \
         WHERE g.email = 'parent@demo.smena' AND a.status = 'submitted' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let consents = || async {
        let (all, live): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), SUM(CASE WHEN withdrawn_at IS NULL THEN 1 ELSE 0 END) FROM consents \
             WHERE application_id = $1",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        (all, live)
    };
    assert_eq!(consents().await, (2, 2));
    let (_, page) = app.get(&family, &format!("/applications/{id}")).await;
    assert!(
        page.contains("Consents given and withdrawn") && page.contains("Withdraw this consent")
    );

    // Another family cannot.
    let stranger = app.parent_of_nobody().await;
    let path = format!("/applications/{id}/consents/personal_data/withdraw");
    let r = app.post(&stranger, &path, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(consents().await, (2, 2));

    let r = app.post(&family, &path, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(consents().await, (2, 1), "withdrawn, not deleted");
    let r = app.post(&family, &path, &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "again: nothing more happens"
    );
    assert_eq!(consents().await, (2, 1));
    let (_, page) = app.get(&family, &format!("/applications/{id}")).await;
    assert!(page.contains("withdrawn"), "the history shows it");

    let mail = app.last_mail("coordinator@demo.smena").await;
    assert!(
        mail.contains("withdrew the consent to processing of personal data"),
        "{mail}"
    );
    let coordinator = crate::common::client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (status, list) = app
        .get(&coordinator, "/coordinator/consent-withdrawals")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("/applications/{id}")), "{list}");
    let (status, _) = app.get(&family, "/coordinator/consent-withdrawals").await;
    assert_ne!(status, StatusCode::OK);

    // Left out of the allocation.
    crate::common::close_and_draw(&app.db, programme).await;
    let run = crate::common::final_run(&app.db, programme).await;
    let placed = sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM placements WHERE run_id = $1 AND application_id = $2",
    )
    .bind(run)
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(placed.0, 0);
    let others = sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM placements WHERE run_id = $1")
        .bind(run)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(others.0 > 0, "the others are allocated");
}

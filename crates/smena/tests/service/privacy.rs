//! Children's data at rest.

use crate::common::TestApp;
use reqwest::StatusCode;

on_both_databases!(passport_numbers_and_emergency_contacts_never_reach_the_disk_in_clear,);

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
    let school = app.school_id("Sakha Gymnasium").await.to_string();
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
        assert!(
            !has("5550001"),
            "the emergency contact in clear in {}",
            file.display()
        );
        family_seen |= has(FAMILY);
    }
    assert!(
        family_seen,
        "the family name (kept in clear) is found in {files:?}: the search can see plain text"
    );
}

//! Children's data over its life: the purge at the retention date, a
//! family's data export, and a family's deletion request.

use std::io::Read as _;

use crate::common::{BEACON, TestApp, client, final_run, programme_id, publish};
use reqwest::StatusCode;
use smena::store::Actor;

on_both_databases!(
    a_purged_programme_leaves_no_trace_of_a_family_and_its_result_still_verifies,
    the_family_export_holds_every_row_about_the_family,
    a_family_with_nothing_to_keep_is_deleted_at_once_and_one_with_a_place_is_kept,
    the_consent_names_the_retention_date_and_a_bad_date_is_refused,
);

const FAMILY: &str = "Zzpurgecanaryova";
const EMAIL: &str = "zz.purge.canary@example.org";

/// Whether `needle` is in any of the database's raw files (PostgreSQL's
/// WAL left out after a purge: the server's, see README).
async fn on_disk(app: &TestApp, needle: &str, with_wal: bool) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for file in app.raw_database_files().await {
        if !with_wal && file.components().any(|c| c.as_os_str() == "pg_wal") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(file);
        }
    }
    found
}

/// The published files of the programme, by name.
async fn public_files(app: &TestApp, programme: i64) -> Vec<(String, Vec<u8>)> {
    let anonymous = client();
    let mut out = Vec::new();
    for file in [
        "sessions.csv",
        "applicants.csv",
        "placements.csv",
        "lottery.txt",
    ] {
        let r = anonymous
            .get(app.url(&format!("/public/programmes/{programme}/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        out.push((file.to_string(), r.bytes().await.unwrap().to_vec()));
    }
    out
}

/// A family with a child (renamed once: the audit entry keeps both
/// names as personal words), a draft application and a document; the
/// programme is allocated and published; its retention date passes and
/// the purge runs. Afterwards the family's name, address and document are
/// nowhere in the database's files or the files folder, the audit chain
/// still verifies, the published files are the same bytes and `smena
/// verify` accepts them, and the anonymised figures are kept.
async fn a_purged_programme_leaves_no_trace_of_a_family_and_its_result_still_verifies(
    app: &TestApp,
) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let parent = app.verified_parent(EMAIL).await;
    let school = app.school_id("Саха гимназия").await.to_string();
    let child_form = |given: &'static str| {
        vec![
            ("given_name", given),
            ("family_name", FAMILY),
            ("birth_date", "2013-05-01"),
            ("school_id", school.as_str()),
            ("category", ""),
            ("passport_expires", "2030-01-01"),
        ]
    };
    let r = app.post(&parent, "/children", &child_form("Kesha")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let child = r.headers()["location"].to_str().unwrap().to_string();
    let r = app.post(&parent, &child, &child_form("Innokentiy")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(&parent, &format!("{child}/applications"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut scan = b"%PDF-1.4\n% purge canary scan\n".to_vec();
    scan.extend((0..50_000u32).map(|i| (i % 253) as u8));
    let r = app
        .upload(&parent, &child, "medical", "scan.pdf", scan)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (sha,): (String,) =
        sqlx::query_as("SELECT d.sha256 FROM documents d JOIN children c ON c.id = d.child_id WHERE c.family_name = $1")
            .bind(FAMILY)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let words = app
        .count("SELECT COUNT(*) FROM audit_personal WHERE words LIKE '%Innokentiy%'")
        .await;
    assert_eq!(
        words, 1,
        "the rename is in the audit entry's personal words"
    );
    let run = final_run(&app.db, programme).await;
    publish(&app.db, programme, run).await;
    let published = public_files(app, programme).await;
    let applications = app.count("SELECT COUNT(*) FROM applications").await;

    assert!(
        !on_disk(app, FAMILY, true).await.is_empty() && !on_disk(app, EMAIL, true).await.is_empty(),
        "before the purge the search finds the family: it can see plain text"
    );
    // Not due yet: nothing happens.
    let (purged, _) = smena::privacy::purge::run_due(&app.db, &app.files, Actor::CommandLine, 0)
        .await
        .unwrap();
    assert!(purged.is_empty());
    app.execute("UPDATE programmes SET retain_until = '2020-01-01'")
        .await;
    let (purged, _) = smena::privacy::purge::run_due(&app.db, &app.files, Actor::CommandLine, 0)
        .await
        .unwrap();
    assert_eq!(purged.len(), 1);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "purged");
    let counts = &purged[0].2;
    assert_eq!(counts.applications as i64, applications);
    assert!(
        counts.children >= 1 && counts.accounts >= 1 && counts.files >= 1,
        "{counts:?}"
    );

    for needle in [FAMILY, EMAIL, "Innokentiy"] {
        let found = on_disk(app, needle, false).await;
        let mut relations = Vec::new();
        for file in &found {
            // PostgreSQL's files are named by relation: say which.
            let node = file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .split('.')
                .next()
                .unwrap_or("")
                .to_string();
            if let Ok(node) = node.parse::<i64>() {
                let name: Option<(String,)> =
                    sqlx::query_as("SELECT relname::text FROM pg_class WHERE relfilenode = $1")
                        .bind(node)
                        .fetch_optional(app.db.pool())
                        .await
                        .unwrap_or(None);
                relations.push(name.map(|(n,)| n));
            }
        }
        assert!(
            found.is_empty(),
            "{needle} still in {found:?} {relations:?}"
        );
    }
    let path = app.files.join(&sha[..2]).join(&sha);
    assert!(!path.exists(), "the scan's file is deleted");
    // Children whose family never applied to a kept programme and who
    // were recorded after the retention date stay (here: the demo's
    // families without an application, recorded today).
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM children c WHERE EXISTS (SELECT 1 FROM children k \
             JOIN applications a ON a.child_id = k.id WHERE k.guardian_id = c.guardian_id)"
        )
        .await,
        0
    );
    for table in [
        "applications",
        "consents",
        "offers",
        "placements",
        "audit_personal",
    ] {
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(n, 0, "{table} is empty after the only programme's purge");
    }
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM accounts WHERE email IN ('zz.purge.canary@example.org', 'parent@demo.smena')"
        )
        .await,
        0
    );
    // Staff accounts stay.
    assert!(
        app.count("SELECT COUNT(*) FROM accounts WHERE role = 'coordinator'")
            .await
            >= 1
    );
    // Purged once: a second run finds nothing due.
    let (again, _) = smena::privacy::purge::run_due(&app.db, &app.files, Actor::CommandLine, 0)
        .await
        .unwrap();
    assert!(again.is_empty());

    // The audit chain holds (entries kept, only personal words gone), and
    // the purge is in it with its counts.
    smena::store::chain::verify(&app.db)
        .await
        .unwrap()
        .expect("the audit chain verifies after the purge");
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE action = 'purge' AND resource = 'programme'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        detail.contains(&format!("{applications} applications")),
        "{detail}"
    );
    let (figures,): (String,) =
        sqlx::query_as("SELECT figures FROM programme_statistics WHERE programme_id = $1")
            .bind(programme)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let figures: serde_json::Value = serde_json::from_str(&figures).unwrap();
    assert!(
        figures["sessions"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "{figures}"
    );
    assert!(!figures.to_string().contains(FAMILY));

    // The published files are the same, and still verify.
    assert_eq!(public_files(app, programme).await, published);
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &published {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let p = |f: &str| dir.path().join(f).display().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_smena"))
        .args([
            "verify",
            "--record",
            &p("lottery.txt"),
            "--sessions",
            &p("sessions.csv"),
            "--applicants",
            &p("applicants.csv"),
            "--placements",
            &p("placements.csv"),
            "--beacon",
            &BEACON.to_hex(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        out.insert(f.name().unwrap().to_string(), content);
    }
    out
}

/// How many rows of each table are about the demo family, counted here
/// independently of the export's own queries.
async fn rows_about(app: &TestApp, account: i64, email: &str) -> Vec<(&'static str, i64)> {
    let children = "(SELECT id FROM children WHERE guardian_id = $1)";
    let applications = format!("(SELECT id FROM applications WHERE child_id IN {children})");
    let documents = format!("(SELECT id FROM documents WHERE child_id IN {children})");
    let queries: Vec<(&'static str, String)> = vec![
        (
            "accounts",
            "SELECT COUNT(*) FROM accounts WHERE id = $1".into(),
        ),
        (
            "logins",
            "SELECT COUNT(*) FROM logins WHERE account_id = $1".into(),
        ),
        (
            "one_time_tokens",
            "SELECT COUNT(*) FROM one_time_tokens WHERE account_id = $1".into(),
        ),
        (
            "children",
            "SELECT COUNT(*) FROM children WHERE guardian_id = $1".into(),
        ),
        (
            "achievements",
            format!("SELECT COUNT(*) FROM achievements WHERE child_id IN {children}"),
        ),
        (
            "documents",
            format!("SELECT COUNT(*) FROM documents WHERE child_id IN {children}"),
        ),
        (
            "identity_changes",
            format!("SELECT COUNT(*) FROM identity_changes WHERE child_id IN {children}"),
        ),
        (
            "applications",
            format!("SELECT COUNT(*) FROM applications WHERE child_id IN {children}"),
        ),
        (
            "application_choices",
            format!(
                "SELECT COUNT(*) FROM application_choices WHERE application_id IN {applications}"
            ),
        ),
        (
            "consents",
            format!("SELECT COUNT(*) FROM consents WHERE application_id IN {applications}"),
        ),
        (
            "placements",
            format!("SELECT COUNT(*) FROM placements WHERE application_id IN {applications}"),
        ),
        (
            "explanations",
            format!("SELECT COUNT(*) FROM explanations WHERE application_id IN {applications}"),
        ),
        (
            "offers",
            format!("SELECT COUNT(*) FROM offers WHERE application_id IN {applications}"),
        ),
        (
            "application_messages",
            format!(
                "SELECT COUNT(*) FROM application_messages WHERE application_id IN {applications}"
            ),
        ),
        (
            "audit_log",
            format!(
                "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 \
                 OR (resource IN ('account', 'family_data') AND resource_id = $1) \
                 OR (resource = 'child' AND resource_id IN {children}) \
                 OR (resource IN ('application', 'voucher') AND resource_id IN {applications}) \
                 OR (resource = 'document' AND resource_id IN {documents})"
            ),
        ),
    ];
    let mut out = Vec::new();
    for (table, sql) in queries {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        out.push((table, n));
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    out.push(("outbox", n));
    out
}

/// The demo family downloads its data: the ZIP holds data.json with as
/// many rows of each table as the database has about the family (and
/// nothing secret), a PDF summary naming the child, and the uploaded
/// document byte for byte. The coordinator makes the same export by the
/// family's address; both are audited.
async fn the_family_export_holds_every_row_about_the_family(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (_, page) = app.get(&parent, "/children").await;
    let child = page
        .split("href=\"/children/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a child on the page")
        .to_string();
    let scan = b"%PDF-1.4\n% family export scan\n".to_vec();
    let r = app
        .upload(
            &parent,
            &format!("/children/{child}"),
            "medical",
            "med.pdf",
            scan.clone(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let run = final_run(&app.db, programme).await;
    publish(&app.db, programme, run).await;
    // A question to the coordinators about the application: in the export.
    let application = crate::common::demo_submitted(app).await.application;
    let r = app
        .post(
            &parent,
            &format!("/applications/{application}/messages"),
            &[("body", "Когда будет известно время вылета?")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (status, page) = app.get(&parent, "/family/data").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/family/data.zip"), "{page}");
    let r = parent
        .get(app.url("/family/data.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let files = unzip(&r.bytes().await.unwrap());
    let data: serde_json::Value = serde_json::from_slice(&files["data.json"]).expect("JSON");
    let (account,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'parent@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // The export's own audit entry is written after it is made.
    let mut expected = rows_about(app, account, "parent@demo.smena").await;
    for (table, n) in &mut expected {
        if *table == "audit_log" {
            *n -= 1;
        }
    }
    for (table, n) in &expected {
        let rows = data["tables"][table]
            .as_array()
            .unwrap_or_else(|| panic!("{table} in the export"));
        assert_eq!(
            rows.len() as i64,
            *n,
            "{table}: the export against the database"
        );
    }
    for (table, n) in [
        ("children", 1),
        ("applications", 1),
        ("consents", 1),
        ("documents", 1),
        ("application_messages", 1),
        ("audit_log", 1),
    ] {
        assert!(
            expected.iter().any(|(t, m)| *t == table && *m >= n),
            "the demo family has {table}: the comparison means something"
        );
    }
    let text = String::from_utf8_lossy(&files["data.json"]);
    assert!(
        !text.contains("argon2") && !text.contains("password_hash"),
        "no secrets"
    );
    assert!(
        data["tables"]["consents"][0]["wording"]
            .as_str()
            .is_some_and(|w| w.len() > 40),
        "consents carry their wording"
    );
    assert!(data["scores"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(files["summary.pdf"].starts_with(b"%PDF"));
    let given = data["tables"]["children"][0]["given_name"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("summary.pdf");
    std::fs::write(&pdf, &files["summary.pdf"]).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&given),
        "the summary names the child"
    );
    assert!(
        files
            .iter()
            .any(|(name, bytes)| name.starts_with("documents/")
                && name.ends_with("med.pdf")
                && *bytes == scan),
        "the uploaded document, byte for byte: {:?}",
        files.keys().collect::<Vec<_>>()
    );

    // The coordinator, on the family's request.
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let r = coordinator
        .get(app.url("/coordinator/family-data.zip?email=Parent%40demo.smena"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let theirs = unzip(&r.bytes().await.unwrap());
    let theirs: serde_json::Value = serde_json::from_slice(&theirs["data.json"]).unwrap();
    assert_eq!(theirs["tables"]["children"], data["tables"]["children"]);
    let (status, page) = app
        .get(
            &coordinator,
            "/coordinator/family-data.zip?email=nobody%40example.org",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("nobody@example.org"), "{page}");
    // A parent cannot export another family.
    assert_eq!(
        app.get(
            &parent,
            "/coordinator/family-data.zip?email=guardian001%40demo.smena"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND resource = 'family_data'"
        )
        .await,
        2
    );
}

/// A family with only a draft asks to delete its account: asked again
/// first, then its account, child and documents go at once. The demo
/// family, with a submitted application, keeps it (and the child) until
/// the retention date, and its account stays.
async fn a_family_with_nothing_to_keep_is_deleted_at_once_and_one_with_a_place_is_kept(
    app: &TestApp,
) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent(EMAIL).await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    let r = app
        .post(&parent, &format!("{child}/applications"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.post(&parent, "/family/deletion", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "asked again first");
    let (_, page) = app
        .get(&parent, r.headers()["location"].to_str().unwrap())
        .await;
    assert!(page.contains("name=\"confirm\" value=\"yes\""), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'zz.purge.canary@example.org'")
            .await,
        1,
        "nothing deleted before the confirmation"
    );
    let r = app
        .post(&parent, "/family/deletion", &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'zz.purge.canary@example.org'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'zz.purge.canary@example.org'")
            .await,
        0
    );
    // Logged out: the login went with the account.
    assert_ne!(app.get(&parent, "/children").await.0, StatusCode::OK);

    let demo = client();
    app.login(&demo, "parent@demo.smena", smena::scenario::demo::PASSWORD)
        .await;
    let (_, page) = app.get(&demo, "/family/data").await;
    assert!(
        page.contains("SKH27-"),
        "the submitted application is listed as kept: {page}"
    );
    let before = app
        .count("SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id WHERE g.email = 'parent@demo.smena' AND a.submitted_at IS NOT NULL")
        .await;
    assert!(before >= 1);
    let r = app
        .post(&demo, "/family/deletion", &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id WHERE g.email = 'parent@demo.smena' AND a.submitted_at IS NOT NULL")
            .await,
        before,
        "submitted applications are kept"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'parent@demo.smena' AND deletion_asked_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'purge' AND resource = 'account'")
            .await,
        2
    );
}

/// The consent a family gives names the day its data is deleted; the new
/// programme form refuses a retention date in the past and keeps what was
/// typed.
async fn the_consent_names_the_retention_date_and_a_bad_date_is_refused(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent(EMAIL).await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    let r = app
        .post(&parent, &format!("{child}/applications"), &[])
        .await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let (retain,): (String,) = sqlx::query_as("SELECT retain_until FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (_, page) = app.get(&parent, &application).await;
    let year = &retain[..4];
    assert!(
        page.contains("deletes the data after") && page.contains(year),
        "the consent names the retention date {retain}: {page}"
    );

    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let r = app
        .post(
            &coordinator,
            "/coordinator/programmes",
            &[
                ("name", "Winter 2028"),
                ("code", "WIN28"),
                ("retain_until", "2001-02-03"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("has passed") && page.contains("Winter 2028"),
        "{page}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM programmes").await, 1);
}

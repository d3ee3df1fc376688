//! Schools import their rosters.

use crate::common::{TestApp, client, demo_submitted, final_run, programme_id};
use reqwest::StatusCode;

on_both_databases!(
    a_school_imports_its_roster,
    a_nomination_does_what_the_rules_say_and_the_family_is_told,
);

async fn a_school_imports_its_roster(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let school = client();
    app.login(
        &school,
        "school@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let import = |bytes: Vec<u8>, name: &'static str| {
        let school = school.clone();
        async move {
            let csrf = app.csrf(&school, "/school/pupils").await;
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            school
                .post(app.url(&format!("/school/pupils/import?csrf={csrf}")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let r = import(
        b"family_name,given_name,birth_date,class\nPetrova,Aiyyna,2013-04-02,7A\nIvanov,,2012-01-01,8B\n".to_vec(),
        "pupils.csv",
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing was imported") && page.contains("Line 3, column 2 (given_name)"),
        "{page}"
    );
    // A workbook with a formula, a bad date and a pupil listed twice.
    let workbook = |rows: &[[&str; 4]], formula: bool| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        if formula {
            sheet.write_formula(2, 3, "=D2").unwrap();
        }
        book.save_to_buffer().unwrap()
    };
    let header = ["Фамилия", "Имя", "Дата рождения", "Класс"];
    let broken = workbook(
        &[
            header,
            ["Petrova", "Aiyyna", "2013-04-02", "7A"],
            ["Ivanov", "Erchim", "31.02.2012", "8B"],
            ["Petrova", "Aiyyna", "2013-04-02", "7B"],
        ],
        true,
    );
    let r = import(broken, "pupils.xlsx").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    for expected in [
        "Row 3, column D (class): a formula",
        "Row 3, column C (birth_date)",
        "Row 4: Aiyyna Petrova, 2013-04-02 is listed twice",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let r = import(vec![0x5a; 10 * 1024 * 1024], "garbage.xlsx").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "10 MB of garbage");
    assert_eq!(app.count("SELECT COUNT(*) FROM pupils").await, 0);

    // A good workbook is shown first; nothing is written until confirmed.
    let good = workbook(
        &[
            header,
            ["Petrova", "Aiyyna", "02.04.2013", "7A"],
            ["Ivanov", "Erchim", "2012-01-01", "8B"],
        ],
        false,
    );
    let r = import(good, "pupils.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing has been imported yet") && page.contains("The file lists 2 pupils"),
        "{page}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM pupils").await, 0);
    let field = |name: &str| {
        page.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (file, seal) = (field("file"), field("seal"));
    let staged = app.files.join(&file[..2]).join(&file);
    assert!(staged.exists(), "the previewed file waits for confirmation");
    // A confirmation naming another file, or forged, is refused.
    let forged = "0".repeat(64);
    let r = app
        .post(
            &school,
            "/school/pupils/import/confirm",
            &[("file", forged.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The seal is keyed with the server's key: what the visitor knows (the
    // scope, their CSRF token, the file) does not make it.
    let (school_id,): (i64,) =
        sqlx::query_as("SELECT school_id FROM accounts WHERE email = 'school@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let csrf = app.csrf(&school, "/school/pupils").await;
    let computable = |file: &str| {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(format!(
            "roster:{school_id}:{csrf}:{file}"
        )))
    };
    assert_ne!(seal, computable(&file));
    let r = app
        .post(
            &school,
            "/school/pupils/import/confirm",
            &[
                ("file", forged.as_str()),
                ("seal", computable(&forged).as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT COUNT(*) FROM pupils").await, 0);
    let r = app
        .post(
            &school,
            "/school/pupils/import/confirm",
            &[("file", file.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("2 pupils imported"));
    assert!(!staged.exists(), "the imported spreadsheet is deleted");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM pupils WHERE birth_date = '2013-04-02'")
            .await,
        1,
        "a day-first date is read as such"
    );
    let (pupil,): (i64,) = sqlx::query_as("SELECT id FROM pupils WHERE given_name = 'Aiyyna'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let r = app
        .post(
            &school,
            &format!("/school/pupils/{pupil}/nominate"),
            &[("nominated", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A preview never confirmed is swept once old; documents stay.
    let r = import(
        workbook(&[header, ["Sidorov", "Ayal", "2012-05-05", "6A"]], false),
        "later.xlsx",
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let abandoned = page
        .split("name=\"file\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let abandoned = app.files.join(&abandoned[..2]).join(&abandoned);
    assert!(abandoned.exists());
    let (document,): (String,) = sqlx::query_as("SELECT sha256 FROM documents LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let document = app.files.join(&document[..2]).join(&document);
    assert!(document.exists());
    let day = std::time::Duration::from_secs(24 * 3600);
    let storage = |age| smena::store::files::sweep(&app.db, &app.files, age);
    assert_eq!(storage(day).await.unwrap(), 0, "a fresh preview is kept");
    assert!(storage(std::time::Duration::ZERO).await.unwrap() >= 1);
    assert!(!abandoned.exists() && document.exists());

    // A parent of that pupil applies: the school sees the status.
    let parent = app.verified_parent("aiyyna.mother@example.org").await;
    let sakha = app.school_id("Саха гимназия").await.to_string();
    let r = app
        .post(
            &parent,
            "/children",
            &[
                ("given_name", "Aiyyna"),
                ("family_name", "Petrova"),
                ("birth_date", "2013-04-02"),
                ("school_id", &sakha),
                ("category", ""),
                ("passport_expires", ""),
            ],
        )
        .await;
    let child = r.headers()["location"].to_str().unwrap().to_string();
    app.post(&parent, &format!("{child}/applications"), &[])
        .await;
    let (_, page) = app.get(&school, "/school/pupils").await;
    assert!(
        page.contains("Petrova Aiyyna") && page.contains("<td>draft</td>"),
        "{page}"
    );
    // The roster is searched on the server (name or class).
    let (_, page) = app.get(&school, "/school/pupils?q=ivanov&sort=name").await;
    assert!(
        page.contains("Ivanov") && !page.contains("Petrova Aiyyna") && page.contains(" 1 found"),
        "{page}"
    );
    // Another school's pupils are not reachable.
    let r = app
        .post(
            &parent,
            &format!("/school/pupils/{pupil}/nominate"),
            &[("nominated", "no")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// The demo's rules give a nomination 2 points: the school nominates the
/// demo family's child, the family is e-mailed once (a second tap changes
/// nothing) and the score shows the points. Then the programme requires a
/// nomination: the school withdraws it, the family is told the application
/// does not take part, the page says so, and the allocation leaves the
/// child out for that reason.
async fn a_nomination_does_what_the_rules_say_and_the_family_is_told(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let demo = demo_submitted(app).await;
    // The school's representative works at the child's school, whose
    // roster lists the child.
    let (school_id, family_name, birth_date): (i64, String, String) =
        sqlx::query_as("SELECT school_id, family_name, birth_date FROM children WHERE id = $1")
            .bind(demo.child)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let pupil = 987_654_321i64;
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO pupils (id, school_id, given_name, family_name, birth_date, class_name, nominated, imported_at) \
         VALUES ($1, $2, $3, $4, $5, '7А', 0, 0)",
    )
    .bind(pupil)
    .bind(school_id)
    .bind(&demo.given_name)
    .bind(&family_name)
    .bind(&birth_date)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE accounts SET school_id = $1 WHERE email = 'school@demo.smena'")
        .bind(school_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let school = client();
    app.login(
        &school,
        "school@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let family = client();
    app.login(
        &family,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let page_of = format!("/applications/{}", demo.application);
    let (_, page) = app.get(&family, &page_of).await;
    assert!(
        page.contains("If the school nominates the child, 2 will be added to the score."),
        "{page}"
    );
    let nominate = format!("/school/pupils/{pupil}/nominate");
    let mails = || async {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE recipient = 'parent@demo.smena' \
             AND kind = 'nomination_changed' ORDER BY created_at",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows
    };
    for _ in 0..2 {
        let r = app.post(&school, &nominate, &[("nominated", "yes")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let told = mails().await;
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert!(
        told[0].0.contains(&demo.given_name)
            && told[0]
                .1
                .contains("a nomination adds 2 to the application's score"),
        "{told:?}"
    );
    let (_, page) = app.get(&family, &page_of).await;
    assert!(page.contains("nominated by the school"), "{page}");

    // The programme now requires a nomination; the school withdraws it.
    app.execute("UPDATE programmes SET nomination_required = 1")
        .await;
    let r = app.post(&school, &nominate, &[("nominated", "no")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let told = mails().await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told.iter()
            .any(|(_, body)| body.contains("without a nomination the application does not")),
        "{told:?}"
    );
    let (_, page) = app.get(&family, &page_of).await;
    assert!(
        page.contains("has not nominated the child yet")
            && !page.contains("nominated by the school</td>"),
        "{page}"
    );
    let run = final_run(&app.db, programme_id(app).await).await;
    let reasons: Vec<(String,)> =
        sqlx::query_as("SELECT reason FROM explanations WHERE run_id = $1 AND application_id = $2")
            .bind(run)
            .bind(demo.application)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert!(
        !reasons.is_empty() && reasons.iter().all(|(r,)| r == "not_nominated"),
        "{reasons:?}"
    );
}

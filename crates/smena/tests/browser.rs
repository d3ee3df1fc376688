//! The people's journeys in a real browser: Debian's headless Chromium
//! driven through chromedriver, a phone-sized window, on SQLite and on
//! PostgreSQL. The family applies and accepts with JavaScript switched off.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{PDF, TestApp, programme_id};
use fantoccini::{Client, ClientBuilder, Locator};
use smena::scenario::demo;

struct Browser {
    client: Client,
    driver: Child,
    /// chromedriver's address, for what WebDriver has no command for (the
    /// DevTools protocol).
    driver_url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    /// Stops chromedriver and the Chromium it started: they share a process
    /// group of their own, so no browser outlives its test.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Chromium as a phone: 390×844, with or without JavaScript.
async fn browser(javascript: bool) -> Browser {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (apt-get install chromium chromium-driver)");
    let profile = tempfile::tempdir().unwrap();
    let binary = if std::path::Path::new("/usr/lib/chromium/chromium").exists() {
        "/usr/lib/chromium/chromium"
    } else {
        "/usr/bin/chromium"
    };
    let mut prefs = serde_json::Map::new();
    if !javascript {
        prefs.insert(
            "profile.managed_default_content_settings.javascript".into(),
            2.into(),
        );
    }
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--lang=en-US", "--window-size=390,844",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": prefs,
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Browser {
                    client,
                    driver,
                    driver_url: url,
                    _profile: profile,
                };
            }
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("cannot start Chromium through chromedriver: {last:?}");
}

impl Browser {
    /// Closes applications and enters the beacon's value on the
    /// programme's page, as the coordinator does.
    async fn close_applications(&self, app: &TestApp) {
        self.open(
            app,
            &format!("/coordinator/programmes/{}", programme_id(app).await),
        )
        .await;
        self.press("form[action$='/close'] button").await;
        // Asked again, with the pre-flight list: confirmed.
        assert!(self.path().await.ends_with("/close"));
        self.press("form[action$='/close'] button.danger").await;
        self.type_in("value", &common::BEACON.to_hex()).await;
        self.press("form[action$='/beacon'] button").await;
        assert!(
            self.text().await.contains(&common::BEACON.to_hex()),
            "the beacon is entered"
        );
    }

    async fn open(&self, app: &TestApp, path: &str) {
        self.client.goto(&app.url(path)).await.unwrap();
        self.client
            .wait()
            .for_element(Locator::Css("body"))
            .await
            .unwrap();
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    async fn type_in(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn choose(&self, id: &str, value: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// Clicks something that loads a new page, and waits for it: the old
    /// page's root element goes stale (no script in the page needed).
    async fn press(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.client
            .wait()
            .for_element(Locator::Css("body"))
            .await
            .unwrap();
    }

    /// Uploads the file at `path` as a document of `kind` on a child's page.
    async fn upload(&self, kind: &str, path: &std::path::Path) {
        self.choose("kind", kind).await;
        self.client
            .find(Locator::Id("file"))
            .await
            .unwrap()
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
        self.press("form[enctype='multipart/form-data'] button")
            .await;
    }

    /// Clicks something on the page (a checkbox) without leaving it.
    async fn tick(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Types a date into an `<input type=date>` as a person would (month,
    /// day, year in the en-US layout of the field).
    async fn date(&self, id: &str, iso: &str) {
        let (y, rest) = iso.split_at(4);
        let (m, d) = (&rest[1..3], &rest[4..6]);
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(&format!("{m}{d}{y}"))
            .await
            .unwrap();
    }

    /// Switches the browser's network off or on, as a phone losing its
    /// connection (Chrome DevTools protocol, through chromedriver).
    async fn network(&self, online: bool) {
        let session = self.client.session_id().await.unwrap().unwrap();
        let http = reqwest::Client::new();
        for (cmd, params) in [
            ("Network.enable", serde_json::json!({})),
            (
                "Network.emulateNetworkConditions",
                serde_json::json!({"offline": !online, "latency": 0,
                                   "downloadThroughput": -1, "uploadThroughput": -1}),
            ),
        ] {
            let r = http
                .post(format!(
                    "{}/session/{session}/goog/cdp/execute",
                    self.driver_url
                ))
                .json(&serde_json::json!({"cmd": cmd, "params": params}))
                .send()
                .await
                .unwrap();
            assert!(
                r.status().is_success(),
                "{cmd}: {}",
                r.text().await.unwrap()
            );
        }
    }

    /// What a script in the page gives back (a promise is awaited).
    async fn script(&self, js: &str) -> serde_json::Value {
        self.client.execute(js, vec![]).await.unwrap()
    }

    /// Waits (30 s at most) until `js` gives `want`.
    async fn until(&self, js: &str, want: serde_json::Value) {
        let mut got = serde_json::Value::Null;
        for _ in 0..300 {
            got = self.script(js).await;
            if got == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{js} gave {got}, not {want}");
    }

    async fn log_in(&self, app: &TestApp, email: &str, password: &str) {
        self.open(app, "/login").await;
        self.type_in("email", email).await;
        self.type_in("password", password).await;
        self.press("form[action='/login'] button").await;
        assert_eq!(self.path().await, "/home");
    }

    /// The page fits the phone's width: nothing scrolls sideways.
    async fn fits_the_phone(&self) {
        let fits = self
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            fits,
            serde_json::Value::Bool(true),
            "{} scrolls sideways on a phone",
            self.path().await
        );
    }
}

on_both_databases!(
    every_page_reads_in_russian_and_korean,
    a_family_applies_and_accepts_without_javascript,
    the_coordinator_verifies_allocates_and_publishes,
    a_school_imports_its_roster_in_the_browser,
    another_familys_child_is_not_found_in_the_browser,
    a_rejected_document_fixed_after_the_results_puts_the_child_on_the_waiting_list,
    a_mistake_on_a_form_keeps_what_was_typed,
    the_coordinator_forms_groups_and_a_chaperone_sees_only_theirs,
    the_programmes_steps_are_asked_again_in_russian_on_a_phone,
    a_roll_call_taken_offline_arrives_once_back_online,
);

async fn a_family_applies_and_accepts_without_javascript(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let b = browser(false).await;
    b.open(app, "/register").await;
    b.type_in("full_name", "Sardana Egorova").await;
    b.type_in("email", "sardana@example.org").await;
    b.type_in("password", "a long enough passphrase").await;
    b.type_in("password_again", "a long enough passphrase")
        .await;
    b.press("form[action='/register'] button").await;
    assert!(b.text().await.contains("Check your e-mail"));
    let link = app.link_in(&app.last_mail("sardana@example.org").await);
    b.open(app, &link).await;
    assert!(b.text().await.contains("confirmed"));
    b.log_in(app, "sardana@example.org", "a long enough passphrase")
        .await;

    b.open(app, "/children/new").await;
    b.type_in("given_name", "Kyunnei").await;
    b.type_in("family_name", "Egorova").await;
    b.date("birth_date", "2014-03-09").await;
    b.choose(
        "school_id",
        &app.school_id("Саха гимназия").await.to_string(),
    )
    .await;
    b.choose("category", "state_care").await;
    b.date("passport_expires", "2031-06-30").await;
    b.press("form[action='/children'] button").await;
    let child = b.path().await;
    assert!(
        child.starts_with("/children/"),
        "{child}: {}",
        b.text().await
    );
    assert!(b.text().await.contains("Kyunnei Egorova"));

    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, PDF).unwrap();
    for kind in ["birth_certificate", "passport", "medical"] {
        b.upload(kind, &scan).await;
    }
    assert_eq!(
        b.text().await.matches("waiting to be checked").count(),
        3,
        "three documents uploaded"
    );

    b.press("form[action$='/applications'] button").await;
    let application = b.path().await;
    let first: String = b
        .client
        .find(Locator::Css("#choice_1 option:nth-child(2)"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    b.choose("choice_1", &first).await;
    b.press("button[value='submit']").await;
    assert!(
        b.text().await.contains("All consents are needed"),
        "refused without consents, choice kept"
    );
    assert_eq!(
        b.client
            .find(Locator::Css("#choice_1 option:checked"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap()
            .unwrap(),
        first
    );
    b.tick("input[name='consent_participation']").await;
    b.tick("input[name='consent_personal_data']").await;
    b.press("button[value='submit']").await;
    assert!(
        b.text()
            .await
            .contains("Your application has been received")
    );

    // The coordinator accepts the documents, allocates and publishes.
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE documents SET status = 'accepted' WHERE status = 'pending'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let programme = programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;

    // The family's home: the way so far, and the one next step.
    b.open(app, "/children").await;
    let home = b.text().await;
    assert!(
        home.contains("accept or decline the place, by") && home.contains("days left"),
        "{home}"
    );
    b.fits_the_phone().await;
    b.open(app, &application).await;
    assert!(
        b.text().await.contains("Place offered"),
        "{}",
        b.text().await
    );
    // Declining is asked again (without JavaScript), and can be called off.
    b.press("button[value='decline']").await;
    assert!(b.text().await.contains("Decline the place?"));
    b.fits_the_phone().await;
    b.client
        .find(Locator::LinkText("Cancel"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(b.text().await.contains("Place offered"));
    b.press("button[value='accept']").await;
    let after = b.text().await;
    assert!(after.contains("— accepted"), "{after}");
    let (status,): (String,) = sqlx::query_as(
        "SELECT o.status FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'sardana@example.org'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(status, "accepted");
}

/// After the results, on a phone in Russian: the family sees why a scan
/// was rejected and until when a new one is taken, uploads it, the
/// coordinator accepts it, and the child is on the waiting list (the
/// application and the family's home say so).
async fn a_rejected_document_fixed_after_the_results_puts_the_child_on_the_waiting_list(
    app: &TestApp,
) {
    demo::load(&app.db, &app.files).await.unwrap();
    let common::DemoChild {
        child, application, ..
    } = common::demo_submitted(app).await;
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(
        "UPDATE documents SET status = 'accepted', reason = NULL WHERE status <> 'accepted'",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE documents SET status = 'rejected', reason = 'Размытый скан' WHERE child_id = $1 AND kind = 'passport'")
        .bind(child)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let programme = programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;

    let b = browser(false).await;
    b.open(app, "/").await;
    b.press("header button[value='ru']").await;
    b.log_in(app, "parent@demo.smena", demo::PASSWORD).await;
    b.open(app, &format!("/children/{child}")).await;
    let page = b.text().await;
    assert!(
        page.contains("Размытый скан") && page.contains("загрузите новую копию до"),
        "{page}"
    );
    b.fits_the_phone().await;
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("паспорт.pdf");
    std::fs::write(&scan, PDF).unwrap();
    b.upload("passport", &scan).await;
    assert!(
        b.text().await.contains("ждёт проверки"),
        "{}",
        b.text().await
    );
    b.press("form[action='/logout'] button").await;

    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.open(app, "/coordinator/documents").await;
    b.press("button[value='accept']").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE status = 'pending'")
            .await,
        0
    );
    b.press("form[action='/logout'] button").await;

    b.log_in(app, "parent@demo.smena", demo::PASSWORD).await;
    b.open(app, &format!("/applications/{application}")).await;
    let page = b.text().await;
    // On the waiting list; or, where the child's choice still had a free
    // place, offered it at once.
    let (offers,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM offers WHERE application_id = $1")
        .bind(application)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    b.open(app, "/children").await;
    let home = b.text().await;
    if offers == 0 {
        assert!(page.contains("Документы теперь приняты"), "{page}");
        assert!(home.contains("ребёнок в листе ожидания"), "{home}");
    } else {
        assert!(page.contains("— предложено"), "{page}");
        assert!(home.contains("примите место или откажитесь"), "{home}");
    }
    b.fits_the_phone().await;
}

/// On a phone, in Russian, without JavaScript: each form sent with a
/// mistake the browser cannot catch comes back with the problem and with
/// everything typed still in its fields (registration, a child's record,
/// a programme's set-up, a document's review).
async fn a_mistake_on_a_form_keeps_what_was_typed(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let b = browser(false).await;
    b.open(app, "/").await;
    b.press("header button[value='ru']").await;
    let value = |id: &'static str| {
        let b = &b;
        async move {
            b.client
                .find(Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };

    // Registration: the two passwords differ.
    b.open(app, "/register").await;
    b.type_in("full_name", "Сардана Егорова").await;
    b.type_in("email", "sardana.e@example.org").await;
    b.type_in("password", "a long enough passphrase").await;
    b.type_in("password_again", "another long passphrase").await;
    b.press("form[action='/register'] button").await;
    assert!(
        b.text().await.contains("не совпадают"),
        "{}",
        b.text().await
    );
    assert_eq!(value("full_name").await, "Сардана Егорова");
    assert_eq!(value("email").await, "sardana.e@example.org");
    b.fits_the_phone().await;

    // A child's record: born in the future.
    b.log_in(app, "parent@demo.smena", demo::PASSWORD).await;
    b.open(app, "/children/new").await;
    b.type_in("given_name", "Кюннэй").await;
    b.type_in("family_name", "Егорова").await;
    b.date("birth_date", "2031-03-09").await;
    b.choose(
        "school_id",
        &app.school_id("Саха гимназия").await.to_string(),
    )
    .await;
    b.type_in("emergency_contact", "бабушка +7 914 000-00-00")
        .await;
    b.press("form[action='/children'] button").await;
    assert!(b.text().await.contains("в будущем"), "{}", b.text().await);
    assert_eq!(value("given_name").await, "Кюннэй");
    assert_eq!(value("family_name").await, "Егорова");
    assert_eq!(value("emergency_contact").await, "бабушка +7 914 000-00-00");
    b.press("form[action='/logout'] button").await;

    // A programme's set-up: a code with spaces.
    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.open(
        app,
        &format!("/coordinator/programmes/{}", programme_id(app).await),
    )
    .await;
    b.type_in("doc_kind", "справка 079").await;
    b.type_in("doc_name", "Справка о прививках").await;
    b.date("doc_deadline", "2027-05-20").await;
    b.press("form[action$='/documents'] button").await;
    assert_eq!(value("doc_kind").await, "справка 079");
    assert_eq!(value("doc_name").await, "Справка о прививках");
    assert_eq!(value("doc_deadline").await, "2027-05-20");
    let form = b
        .client
        .find(Locator::Css("form[action$='/documents']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!form.trim().is_empty());
    assert!(
        b.client
            .find(Locator::Css("form[action$='/documents'] [role='alert']"))
            .await
            .is_ok(),
        "the problem is in the form that was sent"
    );

    // A review: rejected without a reason.
    b.open(app, "/coordinator/documents").await;
    let first = b
        .client
        .find(Locator::Css("div.card[id^='document-']"))
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap();
    b.press(&format!("#{first} button[value='reject']")).await;
    let at = b.client.current_url().await.unwrap();
    assert_eq!(at.fragment(), Some(first.as_str()), "{at}");
    assert!(
        b.client
            .find(Locator::Css(&format!("#{first} [role='alert']")))
            .await
            .is_ok(),
        "the problem is beside the document"
    );
    b.fits_the_phone().await;
}

async fn the_coordinator_verifies_allocates_and_publishes(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let b = browser(true).await;
    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.fits_the_phone().await;
    b.open(app, "/coordinator/documents").await;
    let pending = app
        .count("SELECT COUNT(*) FROM documents WHERE status = 'pending'")
        .await;
    b.press("button[value='accept']").await;
    // Back at the next document, not at the top of the queue.
    let at = b.client.current_url().await.unwrap();
    assert!(
        at.fragment().is_some_and(|f| f.starts_with("document-")),
        "{at}"
    );
    assert!(
        b.client.find(Locator::Css(".preview")).await.is_ok(),
        "the scan is shown in the queue"
    );
    let reason = b
        .client
        .find(Locator::Css("input[name='reason']"))
        .await
        .unwrap();
    reason
        .send_keys("The photo page is cut off.")
        .await
        .unwrap();
    b.press("button[value='reject']").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE status = 'pending'")
            .await,
        pending - 2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE reason = 'The photo page is cut off.'")
            .await,
        1
    );

    b.close_applications(app).await;
    b.open(app, "/coordinator/allocation").await;
    b.fits_the_phone().await;
    b.press("form input[value='final'] ~ button").await;
    assert!(b.path().await.starts_with("/coordinator/allocation/runs/"));
    assert!(b.text().await.contains("Lowest score admitted"));
    assert!(
        b.client.find(Locator::Css("svg[role='img']")).await.is_ok(),
        "the demand chart is drawn"
    );
    b.fits_the_phone().await;
    b.press("form[action$='/publish'] button").await;
    // Asked again: what will happen, on a page that fits the phone.
    assert!(b.text().await.contains("families are offered a place"));
    b.fits_the_phone().await;
    b.press("form[action$='/publish'] button.danger").await;
    assert!(b.text().await.contains("published"));
    assert!(app.count("SELECT COUNT(*) FROM offers").await > 0);
    b.open(
        app,
        &format!("/public/programmes/{}", programme_id(app).await),
    )
    .await;
    assert!(b.text().await.contains("Seed, revealed with the result"));
    b.fits_the_phone().await;
}

async fn a_school_imports_its_roster_in_the_browser(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let b = browser(false).await;
    b.log_in(app, "school@demo.smena", demo::PASSWORD).await;
    b.open(app, "/school/pupils").await;
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("pupils.csv");
    std::fs::write(&roster, "family_name,given_name,birth_date,class\nEgorova,Kyunnei,2014-03-09,7A\nIvanov,Aisen,2013-11-20,8B\n").unwrap();
    b.client
        .find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&roster.display().to_string())
        .await
        .unwrap();
    b.press("form[enctype='multipart/form-data'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Nothing has been imported yet") && text.contains("Egorova Kyunnei"),
        "the preview: {text}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM pupils").await, 0);
    b.press("form[action$='/import/confirm'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("2 pupils imported") && text.contains("Egorova Kyunnei"),
        "{text}"
    );
    b.press("form[action$='/nominate'] button").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM pupils WHERE nominated = 1")
            .await,
        1
    );
}

async fn another_familys_child_is_not_found_in_the_browser(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let (child,): (i64,) = sqlx::query_as(
        "SELECT c.id FROM children c JOIN accounts a ON a.id = c.guardian_id WHERE a.email = 'guardian001@demo.smena'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let b = browser(false).await;
    b.log_in(app, "parent@demo.smena", demo::PASSWORD).await;
    b.open(app, &format!("/children/{child}")).await;
    let text = b.text().await;
    assert!(
        text.contains("This page does not exist, or you may not see it."),
        "{text}"
    );
    assert!(!text.contains("Petrov") && !text.contains("born"));
    let denied = app
        .count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND resource = 'child'")
        .await;
    assert_eq!(denied, 1, "the attempt is in the audit log");
}

/// The English texts of the Fluent files, as fragments a page in another
/// language must not show: the parts between arguments, two words or more.
/// E-mail texts are left out: the outbox shows each message in its
/// recipient's language (marked `data-as-stored` on the page).
fn english_fragments() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "email.ftl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let Some((key, value)) = line.split_once(" = ") else {
                continue;
            };
            if key.starts_with([' ', '#']) || key.ends_with("-example") {
                continue;
            }
            let mut text = value.to_string();
            while let Some(start) = text.find('{') {
                let end = text[start..]
                    .find('}')
                    .map_or(text.len(), |e| start + e + 1);
                text.replace_range(start..end, "\u{1}");
            }
            for part in text.split('\u{1}') {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                if part.split_whitespace().count() >= 2 && part.len() >= 8 {
                    out.push(part.to_string());
                }
            }
        }
    }
    assert!(
        out.len() > 300,
        "the English texts were read: {}",
        out.len()
    );
    out
}

impl Browser {
    /// Everything a reader sees of the page: its text (options and chart
    /// labels included), title, placeholders and labels for screen readers;
    /// without what is shown in its recipient's language.
    async fn words(&self) -> String {
        let words = self
            .client
            .execute(
                "const body = document.body.cloneNode(true);\
                 body.querySelectorAll('[data-as-stored], code, pre').forEach(e => e.remove());\
                 const attrs = [...document.querySelectorAll('[placeholder],[aria-label]')]\
                   .map(e => (e.getAttribute('placeholder') || '') + ' ' + (e.getAttribute('aria-label') || ''));\
                 return document.title + '\\n' + body.textContent + '\\n' + attrs.join('\\n');",
                vec![],
            )
            .await
            .unwrap();
        words.as_str().unwrap_or_default().to_string()
    }

    async fn lang(&self) -> String {
        self.client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// Words of the Latin alphabet a Russian or Korean page may show: the
/// product's and the command's name, the English language's own name in
/// the switcher, file formats, the column names a spreadsheet may use (a
/// file's header is read in English or Russian, whatever the page's
/// language), and the lottery's beacon: drand's
/// quicknet chain and the field its value is published in.
const LATIN_ALLOWED: &[&str] = &[
    "Smena",
    "smena",
    "verify",
    "English",
    "PDF",
    "JPEG",
    "PNG",
    "JSON",
    "ZIP",
    "XLSX",
    "CSV",
    "xlsx",
    "csv",
    "QR",
    "class",
    "achievement",
    "level",
    "place",
    "drand",
    "quicknet",
    // The time zone database's name, beside a zone's field.
    "IANA",
    "randomness",
];

/// Latin-alphabet words in `words` that are not data (codes, e-mail
/// addresses and references hold digits, `_`, `@` or `.`) nor allowed: text
/// produced in English by the program, whether from the Fluent files or
/// from a string in the code ("193 B", "Final allocation").
fn latin_words(words: &str) -> Vec<String> {
    words
        .split(|c: char| c.is_whitespace() || "()[]«»“”\"',;:!?/·—–|<>".contains(c))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '-' || c == '…'))
        .filter(|w| !w.is_empty())
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|w| {
            w.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\'')
        })
        .filter(|w| !LATIN_ALLOWED.contains(w))
        .map(String::from)
        .collect()
}

#[test]
fn latin_words_are_found_and_data_is_left_alone() {
    assert_eq!(
        latin_words("Проходной балл: 12,5 (Final allocation)"),
        ["Final", "allocation"]
    );
    assert_eq!(latin_words("193 B"), ["B"]);
    assert!(latin_words("SKH27-000012 · songdowon-2027-1 · state_care · a@b.org · PDF").is_empty());
    assert!(latin_words("Заявка Айыыны, 12 июля").is_empty());
}

/// Whether the page has words of its language: Cyrillic on a Russian page,
/// Hangul on a Korean one, Latin on an English one.
fn in_its_script(words: &str, lang: &str) -> bool {
    let letters = words.chars().filter(|c| match lang {
        "ru" => ('\u{0400}'..='\u{04FF}').contains(c),
        "ko" => ('\u{AC00}'..='\u{D7A3}').contains(c),
        _ => c.is_ascii_alphabetic(),
    });
    letters.count() >= 20
}

/// The reference scenario, allocated and published, page by page for every
/// role: switched to Russian, then Korean, with the switcher in the header,
/// no page shows any of the English texts nor any other English word that
/// is not data; in English they are there. An empty page fails too.
async fn every_page_reads_in_russian_and_korean(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    // And the journey of last autumn's programme, as `smena demo` shows it.
    smena::scenario::journey::load(&app.db, &app.files)
        .await
        .unwrap();
    let english = english_fragments();
    // What people typed (names of categories, documents, camps, schools,
    // districts, people, achievements, files; camps' countries and
    // contacts; sessions' languages and departures) is shown as typed, in
    // whatever language they wrote it.
    let entered: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM priority_categories UNION SELECT name FROM required_documents \
         UNION SELECT name FROM camps UNION SELECT name FROM schools UNION SELECT name FROM programmes \
         UNION SELECT name FROM districts UNION SELECT full_name FROM accounts \
         UNION SELECT given_name FROM children UNION SELECT family_name FROM children \
         UNION SELECT emergency_contact FROM children WHERE emergency_contact IS NOT NULL \
         UNION SELECT title FROM achievements UNION SELECT original_name FROM documents \
         UNION SELECT reason FROM documents WHERE reason IS NOT NULL \
         UNION SELECT country FROM camps UNION SELECT contact FROM camps \
         UNION SELECT languages FROM sessions UNION SELECT departure FROM sessions \
         UNION SELECT meeting_point FROM sessions \
         UNION SELECT carrier FROM legs UNION SELECT number FROM legs UNION SELECT from_place FROM legs UNION SELECT to_place FROM legs \
         UNION SELECT name FROM rooms UNION SELECT handed_to FROM handovers UNION SELECT comment FROM feedback",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let (session,): (i64,) = sqlx::query_as("SELECT id FROM sessions ORDER BY starts, id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let mut entered: Vec<String> = entered.into_iter().map(|(n,)| n).collect();
    // Longest first, so that a name inside a longer one goes with it.
    entered.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let b = browser(true).await;
    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.close_applications(app).await;
    b.open(app, "/coordinator/allocation").await;
    b.press("form input[value='final'] ~ button").await;
    let run = b.path().await;
    b.press("form[action$='/publish'] button").await;
    b.press("form[action$='/publish'] button.danger").await;
    b.press("form[action='/logout'] button").await;

    let (programme,): (i64,) = sqlx::query_as("SELECT id FROM programmes WHERE code = 'SKH27'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    // The journey: the first group, its first roll call, the demo parent's
    // daughter's place in it.
    let (group, roll_call): (i64, i64) = sqlx::query_as(
        "SELECT g.id, r.id FROM travel_groups g JOIN roll_calls r ON r.group_id = g.id \
         WHERE g.number = 1 ORDER BY r.opened_at LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let travelling: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN programmes p ON p.id = a.programme_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE p.code = 'SKH26O' AND g.email = 'parent@demo.smena'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let common::DemoChild {
        child, application, ..
    } = common::demo_submitted(app).await;
    let anyone: Vec<String> = vec![
        "/".into(),
        "/login".into(),
        "/register".into(),
        "/forgot".into(),
        format!("/public/programmes/{programme}"),
        "/vouchers/NOSUCHCODE".into(),
        "/no-such-page".into(),
    ];
    let roles: Vec<(&str, Vec<String>)> = vec![
        (
            "parent@demo.smena",
            vec![
                "/home".into(),
                "/programmes".into(),
                "/children".into(),
                "/children/new".into(),
                format!("/children/{child}"),
                format!("/children/{child}/edit"),
                format!("/children/{child}/needs"),
                format!("/applications/{application}"),
                format!("/applications/{application}/summary"),
                format!("/applications/{application}/waitlist"),
                "/account/password".into(),
                "/account/phone".into(),
                "/account/messages".into(),
                "/family/data".into(),
                "/family/data?confirm=1".into(),
            ]
            .into_iter()
            .chain(travelling.iter().flat_map(|(a,)| {
                [
                    format!("/applications/{a}"),
                    format!("/applications/{a}/room-friends"),
                ]
            }))
            .collect(),
        ),
        (
            "school@demo.smena",
            vec!["/home".into(), "/school/pupils".into()],
        ),
        (
            "camp@demo.smena",
            vec![
                "/camp/placements".into(),
                "/camp/diets".into(),
                "/camp/rooms".into(),
                format!("/sessions/{session}/rooms"),
            ],
        ),
        (
            "chaperone@demo.smena",
            vec![
                "/travel-papers".into(),
                "/needs".into(),
                format!("/groups/{group}/roll-calls"),
                format!("/roll-calls/{roll_call}"),
                format!("/groups/{group}/home"),
                format!("/sessions/{session}/incidents"),
            ],
        ),
        ("medic@demo.smena", vec!["/home".into(), "/needs".into()]),
        (
            "coordinator@demo.smena",
            vec![
                "/home".into(),
                "/coordinator/dashboard".into(),
                "/coordinator/programmes".into(),
                format!("/coordinator/programmes/{programme}"),
                "/coordinator/applications".into(),
                "/coordinator/documents".into(),
                "/coordinator/allocation".into(),
                run.clone(),
                "/coordinator/audit".into(),
                "/coordinator/outbox".into(),
                "/coordinator/achievements".into(),
                "/coordinator/identity-changes".into(),
                "/coordinator/messages".into(),
                "/coordinator/family-data".into(),
                "/travel-papers".into(),
                format!("/coordinator/sessions/{session}/travel"),
                format!("/coordinator/sessions/{session}/groups"),
                "/coordinator/ready".into(),
                format!("/sessions/{session}/incidents"),
                "/coordinator/feedback".into(),
                format!("/sessions/{session}/rooms"),
                format!("/groups/{group}/roll-calls"),
            ],
        ),
    ];
    let visit = |lang: &'static str, english: &[String]| {
        let (anyone, roles, b, entered) = (&anyone, &roles, &b, &entered);
        let english = english.to_vec();
        async move {
            let mut seen = 0;
            let mut check = |path: String, mut words: String, page_lang: String| {
                for name in entered {
                    words = words.replace(name.as_str(), " ");
                }
                assert_eq!(page_lang, lang, "{path} is in {page_lang}");
                assert!(
                    in_its_script(&words, lang),
                    "{path} in {lang} has no words of its own: {words}"
                );
                let found: Vec<&String> = english
                    .iter()
                    .filter(|f| words.contains(f.as_str()))
                    .collect();
                let latin = latin_words(&words);
                if lang == "en" {
                    seen += found.len();
                } else {
                    assert!(
                        latin.is_empty(),
                        "{path} in {lang} shows English words: {latin:?}\n{words}"
                    );
                    assert!(
                        found.is_empty(),
                        "{path} in {lang} shows English: {found:?}\n{}",
                        found
                            .iter()
                            .filter_map(|f| words.find(f.as_str()).map(|i| {
                                let from = words.floor_char_boundary(i.saturating_sub(100));
                                let to = words.ceil_char_boundary((i + 200).min(words.len()));
                                words[from..to].to_string()
                            }))
                            .collect::<Vec<_>>()
                            .join("\n---\n")
                    );
                }
            };
            for path in anyone {
                b.open(app, path).await;
                check(path.clone(), b.words().await, b.lang().await);
            }
            for (email, pages) in roles {
                b.log_in(app, email, demo::PASSWORD).await;
                for path in pages {
                    b.open(app, path).await;
                    check(format!("{email} {path}"), b.words().await, b.lang().await);
                }
                b.press("form[action='/logout'] button").await;
            }
            seen
        }
    };
    // In English the texts are found: the check can fail.
    assert!(visit("en", &english).await > 100);
    for lang in ["ru", "ko"] {
        b.open(app, "/").await;
        b.press(&format!("header button[value='{lang}']")).await;
        visit(lang, &english).await;
    }
}

/// On a phone: the coordinator forms the fullest session's travel groups
/// and assigns the chaperone to the first; the chaperone then sees that
/// group's children on the travel papers page, and no other's.
async fn the_coordinator_forms_groups_and_a_chaperone_sees_only_theirs(app: &TestApp) {
    let (session, _, _) = common::fullest_session_accepted(app).await;
    let b = browser(false).await;
    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.open(app, &format!("/coordinator/sessions/{session}/groups"))
        .await;
    b.press("button[value='form']").await;
    let text = b.text().await;
    assert!(
        text.contains("Group 1") && text.contains("Group 2"),
        "{text}"
    );
    let groups: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM travel_groups WHERE session_id = $1 ORDER BY number")
            .bind(session)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let (first, second) = (groups[0].0, groups[1].0);
    let (chaperone,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'chaperone@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    b.client
        .find(Locator::Id(&format!("adult-{first}")))
        .await
        .unwrap()
        .select_by_value(&chaperone.to_string())
        .await
        .unwrap();
    b.press(&format!("#adult-{first} ~ button")).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM group_staff").await,
        1,
        "assigned: {}",
        b.text().await
    );
    let names = |group: i64| async move {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.family_name, c.given_name FROM group_members m JOIN applications a ON a.id = m.application_id \
             JOIN children c ON c.id = a.child_id WHERE m.group_id = $1",
        )
        .bind(group)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows.into_iter()
            .map(|(f, g)| format!("{f} {g}"))
            .collect::<Vec<_>>()
    };
    let (mine, others) = (names(first).await, names(second).await);
    let c = browser(false).await;
    c.log_in(app, "chaperone@demo.smena", demo::PASSWORD).await;
    c.open(app, "/travel-papers").await;
    let text = c.text().await;
    assert!(mine.iter().all(|n| text.contains(n.as_str())), "{text}");
    assert!(
        others
            .iter()
            .all(|n| !mine.contains(n) && !text.contains(n.as_str())),
        "{text}"
    );
}

/// In Russian, on a phone: a final run is refused while applications are
/// open; closing is asked again with the documents not yet reviewed
/// warned about; publishing is asked again; a family's home says what to
/// do by when, declining is asked again, and after accepting the timeline
/// moves on.
async fn the_programmes_steps_are_asked_again_in_russian_on_a_phone(app: &TestApp) {
    use smena::language::Language::Ru;
    demo::load(&app.db, &app.files).await.unwrap();
    let b = browser(false).await;
    b.log_in(app, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    b.press("header button[value='ru']").await;
    b.open(app, "/coordinator/allocation").await;
    b.press("form input[value='final'] ~ button").await;
    let text = b.text().await;
    assert!(text.contains(&Ru.text("run-before-close")), "{text}");
    b.open(
        app,
        &format!("/coordinator/programmes/{}", programme_id(app).await),
    )
    .await;
    b.press("form[action$='/close'] button").await;
    let text = b.text().await;
    assert!(
        text.contains(&Ru.text("close-confirm-title"))
            && text.contains("документов поданных заявлений ещё не проверено"),
        "{text}"
    );
    b.fits_the_phone().await;
    b.press("form[action$='/close'] button.danger").await;
    b.type_in("value", &common::BEACON.to_hex()).await;
    b.press("form[action$='/beacon'] button").await;
    b.open(app, "/coordinator/allocation").await;
    b.press("form input[value='final'] ~ button").await;
    b.press("form[action$='/publish'] button").await;
    let text = b.text().await;
    assert!(text.contains(&Ru.text("publish-confirm-title")), "{text}");
    b.press("form[action$='/publish'] button.danger").await;
    assert!(app.count("SELECT COUNT(*) FROM offers").await > 0);

    // A family offered a place.
    let (application, email): (i64, String) = sqlx::query_as(
        "SELECT a.id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'offered' ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let f = browser(false).await;
    f.log_in(app, &email, demo::PASSWORD).await;
    f.press("header button[value='ru']").await;
    f.open(app, "/children").await;
    let text = f.text().await;
    assert!(
        text.contains("примите место или откажитесь от него до") && text.contains("осталось"),
        "{text}"
    );
    f.fits_the_phone().await;
    f.open(app, &format!("/applications/{application}")).await;
    f.press("button[value='decline']").await;
    let text = f.text().await;
    assert!(
        text.contains(&Ru.text("decline-confirm-title"))
            && text.contains(&Ru.text("decline-confirm-button")),
        "{text}"
    );
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "offered", "asked, not done");
    f.open(app, &format!("/applications/{application}")).await;
    f.press("button[value='accept']").await;
    f.open(app, "/children").await;
    let text = f.text().await;
    assert!(text.contains(&Ru.text("next-voucher-coming")), "{text}");
}

/// A chaperone takes a roll call with the network switched off: the marks
/// wait on the phone (the page even reloads from its cache), arrive once
/// it is back online, change nothing when sent again; a mark still waiting
/// is sent before logging out clears the phone; and closing the roll call
/// with children not present alerts the coordinator.
async fn a_roll_call_taken_offline_arrives_once_back_online(app: &TestApp) {
    let (session, _, _) = common::fullest_session_accepted(app).await;
    let coordinator = common::client();
    app.login(&coordinator, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    let (first, _) = common::groups_with_chaperone(app, &coordinator, session).await;
    common::ready_to_fly(app, &coordinator, first).await;
    let children: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, c.family_name || ' ' || c.given_name FROM group_members m \
         JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
         WHERE m.group_id = $1 ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(first)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(children.len() >= 4);

    let b = browser(true).await;
    b.log_in(app, "chaperone@demo.smena", demo::PASSWORD).await;
    b.open(app, &format!("/groups/{first}/roll-calls")).await;
    // The first occasion: the departure of the group's first leg.
    b.press("form[action$='/roll-calls'] button").await;
    let path = b.path().await;
    let roll_call: i64 = path.strip_prefix("/roll-calls/").unwrap().parse().unwrap();
    // The service worker has the page and keeps a copy of it.
    b.until(
        "return !!navigator.serviceWorker.controller",
        serde_json::Value::Bool(true),
    )
    .await;
    b.until(
        "return caches.match(location.pathname).then(r => !!r)",
        serde_json::Value::Bool(true),
    )
    .await;

    b.network(false).await;
    let press = |application: i64, mark: &'static str| {
        let b = &b;
        async move {
            b.client
                .find(Locator::Css(&format!(
                    "#child-{application} button[value='{mark}']"
                )))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    press(children[0].0, "present").await;
    press(children[1].0, "absent").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    press(children[1].0, "present").await;
    press(children[2].0, "excused").await;
    let waiting = "return document.getElementById('sync-status').dataset.waiting";
    b.until(waiting, "4".into()).await;
    let marks = "SELECT COUNT(*) FROM roll_call_marks";
    assert_eq!(
        app.count(marks).await,
        0,
        "nothing reached the server offline"
    );
    // Reloaded without a connection: the page from the phone's cache, the
    // marks from its storage.
    b.client.refresh().await.unwrap();
    b.until(waiting, "4".into()).await;
    assert!(
        b.text().await.contains("No connection"),
        "{}",
        b.text().await
    );
    let sent = b
        .script(&format!(
            "return localStorage.getItem('smena-roll-call-{roll_call}')"
        ))
        .await;
    let sent = sent.as_str().unwrap().to_string();

    b.network(true).await;
    b.until(waiting, "0".into()).await;
    assert_eq!(app.count(marks).await, 4);
    let entries = "SELECT COUNT(*) FROM audit_log WHERE resource = 'roll_call'";
    let audited = app.count(entries).await;
    // The same marks sent again (an answer lost on the way): kept once.
    let again = b
        .script(&format!(
            "return fetch('/roll-calls/{roll_call}/marks', {{method: 'POST', \
               headers: {{'Content-Type': 'application/json', \
                          'X-CSRF-Token': document.getElementById('roll-call').dataset.csrf}}, \
               body: JSON.stringify({{marks: {sent}}})}}).then(r => r.json()).then(a => a.received.length)"
        ))
        .await;
    assert_eq!(again, serde_json::json!(4));
    assert_eq!(app.count(marks).await, 4);
    assert_eq!(app.count(entries).await, audited);
    b.open(app, &path).await;
    let text = b.text().await;
    assert!(
        text.contains(&format!(
            "Present: 2, absent: 0, excused: 1, not marked: {}",
            children.len() - 3
        )),
        "the later mark wins: {text}"
    );

    // Logging out clears the phone, so a mark still waiting (left by a
    // roll call taken offline) is sent first; without a connection the
    // chaperone is asked, and saying no keeps both the login and the mark.
    b.open(app, "/travel-papers").await;
    let key = format!("smena-roll-call-{roll_call}");
    b.script(&format!(
        "localStorage.setItem('{key}', JSON.stringify([{{id: 'left-on-the-phone', \
           application: '{}', mark: 'absent', marked_at: Date.now()}}])); return true",
        children[1].0
    ))
    .await;
    b.network(false).await;
    b.client
        .find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut asked = None;
    for _ in 0..200 {
        if let Ok(text) = b.client.get_alert_text().await {
            asked = Some(text);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let asked = asked.expect("logging out with a mark not sent asks first");
    assert!(
        asked.contains("not sent yet (no connection): 1."),
        "{asked}"
    );
    b.client.dismiss_alert().await.unwrap();
    b.network(true).await;
    assert_eq!(b.path().await, "/travel-papers");
    assert_eq!(
        b.script(&format!("return localStorage.getItem('{key}') !== null"))
            .await,
        serde_json::Value::Bool(true)
    );
    assert_eq!(app.count(marks).await, 4, "nothing sent offline");
    // Online, logging out sends the mark, then the phone keeps nothing:
    // no stored marks, no cached pages, no service worker.
    b.press("form[action='/logout'] button").await;
    assert_eq!(b.path().await, "/");
    assert_eq!(app.count(marks).await, 5, "the waiting mark arrived");
    b.until(
        "return Promise.all([caches.keys(), navigator.serviceWorker.getRegistrations()])\
           .then(([k, r]) => [localStorage.length, k.length, r.length])",
        serde_json::json!([0, 0, 0]),
    )
    .await;
    b.log_in(app, "chaperone@demo.smena", demo::PASSWORD).await;
    b.open(app, &path).await;
    let text = b.text().await;
    assert!(
        text.contains(&format!(
            "Present: 1, absent: 1, excused: 1, not marked: {}",
            children.len() - 3
        )),
        "the mark sent at logging out counts: {text}"
    );

    // Closed with children not present: the coordinator is alerted.
    b.press("#close-roll-call button").await;
    let (subject, body): (String, String) =
        sqlx::query_as("SELECT subject, body FROM outbox WHERE kind = 'roll_call_missing'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(subject.contains("Group 1"), "{subject}");
    assert!(
        body.contains(&format!("— {}: excused", children[2].1)),
        "{body}"
    );
    assert!(
        body.contains(&format!("— {}: not marked", children[3].1)),
        "{body}"
    );
    assert!(
        body.contains(&format!("— {}: absent", children[1].1)),
        "{body}"
    );
    assert!(!body.contains(&format!("— {}:", children[0].1)), "{body}");
}

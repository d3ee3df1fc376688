//! The holes a security review found, each tried as an attacker would and
//! found closed: one-time links never readable by staff or in the
//! database, throttled logins that cannot be turned against an account's
//! owner, and registration that does not tell who is registered.

use std::sync::Arc;

use crate::common::{PDF, SmtpSink, TestApp, client, client_at};
use reqwest::StatusCode;

on_both_databases!(
    one_time_links_are_sealed_and_wiped_once_sent,
    forty_parallel_guesses_are_stopped_and_the_owner_still_logs_in,
    registration_answers_alike_for_known_and_new_addresses,
    the_smaller_holes_are_closed,
    an_https_site_is_strict,
    a_childs_identity_cannot_be_swapped_after_submission,
    the_lottery_is_unknowable_before_the_inputs_freeze,
);

/// Every byte of the database's files, when it is a SQLite file (the WAL
/// included): what a copy of the disk or a backup would show.
fn sqlite_bytes(app: &TestApp) -> Vec<u8> {
    let dir = app.files.parent().unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("smena.db") {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

/// Every text of the outbox's rows, as a reader of the database sees them.
async fn outbox_text(app: &TestApp) -> String {
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT subject, body, secret FROM outbox")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(s, b, x)| format!("{s}\n{b}\n{}", x.unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A password reset link: sealed while it waits in the outbox (the staff's
/// outbox page, the database and its files hold no usable link), sent to
/// the family with the link in it, and wiped once delivered. The link
/// still works, and the reset is audited.
async fn one_time_links_are_sealed_and_wiped_once_sent(app: &TestApp) {
    use smena::notifications::delivery::{MailConfig, run};
    let family = client();
    app.register(
        &family,
        "Parent",
        "reset.me@example.org",
        "a long enough passphrase",
    )
    .await;
    app.post(
        &family,
        "/password/forgot",
        &[("email", "reset.me@example.org")],
    )
    .await;
    let mail = app.last_mail("reset.me@example.org").await;
    let link = app.link_in(&mail);
    let token = link.split("token=").nth(1).unwrap().to_string();
    assert_eq!(token.len(), 64, "{link}");

    // Waiting: nowhere readable.
    assert!(!outbox_text(app).await.contains(&token));
    let coordinator = app.coordinator("outbox.reader@example.org").await;
    let (status, page) = app.get(&coordinator, "/coordinator/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(&token) && !page.contains("token="), "{page}");
    assert!(page.contains("a one-time link, sent to the recipient only"));
    // The outbox is searched by recipient and filtered by state on the
    // server; each message's kind is named in words.
    let (_, page) = app
        .get(
            &coordinator,
            "/coordinator/outbox?q=reset.me&status=waiting",
        )
        .await;
    assert!(
        page.contains("password reset") && page.contains(" 2 found"),
        "{page}"
    );
    let (_, page) = app
        .get(&coordinator, "/coordinator/outbox?q=reset.me&status=sent")
        .await;
    assert!(page.contains(" 0 found"), "{page}");
    if app.backend() == "sqlite" {
        let bytes = sqlite_bytes(app);
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "the token is not in the database's files"
        );
    }

    // Sent: the family gets the link; the sealed copy is wiped.
    let sink = SmtpSink::start().await;
    let mut config = MailConfig::from_url(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "Smena <noreply@smena.test>",
        "smena.test",
    )
    .unwrap();
    config.poll = std::time::Duration::from_millis(100);
    config.send_timeout = std::time::Duration::from_secs(5);
    let sender = tokio::spawn(run(app.db.clone(), config, app.key.clone()));
    let sent = sink.wait_for(2).await;
    // The sender marks a message sent (and wipes its secret) just after
    // the mail server has taken it.
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL")
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sender.abort();
    // Quoted-printable lines are joined again, as a mail reader does.
    let unwrapped: Vec<String> = sent
        .iter()
        .map(|m| {
            m.replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .collect();
    assert!(
        unwrapped
            .iter()
            .any(|m| m.contains(&format!("/password/reset?token={token}"))),
        "the family's message has the link: {unwrapped:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE secret IS NOT NULL")
            .await,
        0,
        "nothing sealed is kept once sent"
    );
    assert!(!outbox_text(app).await.contains(&token));

    // The link works, once; the request and the reset are audited.
    let r = app
        .post(
            &family,
            "/password/reset",
            &[
                ("token", token.as_str()),
                ("password", "a new long passphrase"),
                ("password_again", "a new long passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE resource = 'account' \
             AND detail IN ('password_reset_asked', 'password_reset')"
        )
        .await,
        2
    );
}

/// Forty wrong passwords for one account at once from one address: at
/// most five are tried, the rest wait (429 with Retry-After); the account's
/// owner, elsewhere, logs in; every failure is in the audit log.
async fn forty_parallel_guesses_are_stopped_and_the_owner_still_logs_in(app: &TestApp) {
    app.verified_parent("guessed@example.org").await;
    let attacker = client_at("203.0.113.66");
    let csrf = app.csrf(&attacker, "/login").await;
    let start = Arc::new(tokio::sync::Barrier::new(40));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (c, url, csrf, start) = (
            attacker.clone(),
            app.url("/login"),
            csrf.clone(),
            start.clone(),
        );
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let r = c
                .post(url)
                .form(&[
                    ("email", "guessed@example.org"),
                    ("password", format!("guess number {i}").as_str()),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap();
            let retry = r.headers().contains_key("retry-after");
            (r.status(), retry)
        }));
    }
    let mut tried = 0;
    for t in tasks {
        let (status, retry) = t.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => tried += 1,
            StatusCode::TOO_MANY_REQUESTS => assert!(retry, "429 says when to come back"),
            other => panic!("{other}"),
        }
    }
    assert!(tried <= 5, "{tried} guesses were tried");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND outcome = 'failed'")
            .await,
        tried
    );
    // The owner, from home, is not locked out.
    let owner = client_at("198.51.100.8");
    let r = app
        .login(&owner, "guessed@example.org", "a long enough passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the owner logs in");
    // The attacker's address still waits, even with the right password.
    let r = app
        .login(&attacker, "guessed@example.org", "a long enough passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Registering an address that has an account answers exactly as for a new
/// one: the same status, the same page, the same cookies. The owner of the
/// address is told by e-mail.
async fn registration_answers_alike_for_known_and_new_addresses(app: &TestApp) {
    app.verified_parent("known@example.org").await;
    let answer = |email: &'static str| async move {
        let c = client();
        let r = app
            .register(&c, "Someone", email, "a long enough passphrase")
            .await;
        let status = r.status();
        let cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split('=').next().unwrap().to_string())
            .collect();
        let page = r.text().await.unwrap().replace(email, "EMAIL");
        // The forms' CSRF tokens differ per visitor.
        let page = page
            .split("name=\"csrf\" value=\"")
            .map(|p| p.get(64..).unwrap_or(p))
            .collect::<Vec<_>>()
            .join("");
        (status, cookies, page)
    };
    let new = answer("someone.new@example.org").await;
    let known = answer("known@example.org").await;
    assert_eq!(new, known);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'known@example.org' AND kind = 'account_exists'"
        )
        .await,
        1
    );
}

/// The smaller findings: the language switch goes back only to a page of
/// this site; an uploaded file's name loses invisible format characters; a
/// consent unticked is recorded as withdrawn; the API answers errors in
/// JSON; no page may use the camera, the microphone or the position; a
/// login ends a day after it began, however busy.
async fn the_smaller_holes_are_closed(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let c = app.verified_parent("careful.parent@example.org").await;

    let r = app
        .post(
            &c,
            "/language",
            &[("lang", "ru"), ("back", "/\t/evil.example/")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let r = app
        .post(&c, "/language", &[("lang", "en"), ("back", "/children")])
        .await;
    assert_eq!(r.headers()["location"], "/children");

    let r = c.get(app.url("/login")).send().await.unwrap();
    let policy = r.headers()["permissions-policy"].to_str().unwrap();
    assert!(
        policy.contains("camera=()") && policy.contains("geolocation=()"),
        "{policy}"
    );
    assert!(
        r.headers().get("strict-transport-security").is_none(),
        "plain HTTP (a test, or behind nothing) makes no promise about HTTPS"
    );

    let child = app
        .add_child(&c, "Сардаана", "2014-05-01", "2031-01-01")
        .await;
    let r = app
        .upload(
            &c,
            &child,
            "passport",
            "passport\u{202E}fdp.exe",
            PDF.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (name,): (String,) = sqlx::query_as(
        "SELECT d.original_name FROM documents d JOIN children c ON c.id = d.child_id \
         WHERE d.kind = 'passport' AND c.given_name = 'Сардаана'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(name, "passportfdp.exe");
    let (_, page) = app.get(&c, &child).await;
    assert!(!page.contains('\u{202E}'));

    let r = app.post(&c, &format!("{child}/applications"), &[]).await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let save = |consents: &'static [&'static str]| {
        let mut form: Vec<(&str, &str)> = consents.iter().map(|k| (*k, "yes")).collect();
        form.push(("action", "save"));
        let (c, application) = (c.clone(), application.clone());
        async move { app.post(&c, &application, &form).await.status() }
    };
    let both: &[&str] = &["consent_participation", "consent_personal_data"];
    assert_eq!(save(both).await, StatusCode::SEE_OTHER);
    assert_eq!(
        save(&["consent_participation"]).await,
        StatusCode::SEE_OTHER
    );
    let live = "SELECT COUNT(*) FROM consents x JOIN applications a ON a.id = x.application_id \
                JOIN children c ON c.id = a.child_id \
                WHERE c.given_name = 'Сардаана' AND x.withdrawn_at IS NULL";
    let withdrawn = "SELECT COUNT(*) FROM consents x JOIN applications a ON a.id = x.application_id \
                     JOIN children c ON c.id = a.child_id \
                     WHERE c.given_name = 'Сардаана' AND x.kind = 'personal_data' \
                     AND x.withdrawn_at IS NOT NULL AND x.withdrawn_by IS NOT NULL";
    assert_eq!(app.count(live).await, 1);
    assert_eq!(app.count(withdrawn).await, 1, "the withdrawal is on record");
    assert_eq!(save(both).await, StatusCode::SEE_OTHER);
    assert_eq!(app.count(live).await, 2, "given again");
    assert_eq!(
        app.count(withdrawn).await,
        1,
        "the earlier consent and its withdrawal stay"
    );

    let json = |r: reqwest::Response, status: StatusCode| async move {
        assert_eq!(r.status(), status, "{}", r.url());
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{:?}",
            r.headers()
        );
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
    };
    let stranger = client();
    json(
        stranger
            .get(app.url("/api/no-such-thing"))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    json(
        stranger
            .get(app.url("/api/applications"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    json(
        stranger
            .post(app.url("/api/applications"))
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    json(
        c.get(app.url("/api/applications/not-a-number"))
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Pages still send a browser to the login form.
    let r = stranger.get(app.url("/children")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A login that has been busy all along still ends a day after it began.
    assert_eq!(app.get(&c, "/children").await.0, StatusCode::OK);
    app.execute("UPDATE logins SET created_at = created_at - 25 * 3600 * 1000")
        .await;
    let r = c.get(app.url("/children")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
}

/// Served at an https:// base URL: browsers are told to keep to HTTPS
/// (HSTS), and the login and CSRF cookies carry the `__Host-` prefix, so no
/// other host or plain-HTTP page can set them.
async fn an_https_site_is_strict(app: &TestApp) {
    use smena::web::{AppState, Config};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::new(&addr, app.files.clone(), app.key.clone());
    config.base_url = "https://smena.example".into();
    config.secure_cookies = true;
    tokio::spawn(smena::app::serve(
        listener,
        AppState::new(app.db.clone(), config),
        None,
    ));
    let r = client()
        .get(format!("http://{addr}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let hsts = r.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.contains("max-age=31536000"), "{hsts}");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-smena_csrf=")
            && cookie.contains("; Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = cookie.split(['=', ';']).nth(1).unwrap();
    // The login form, sent as a browser behind HTTPS would: it answers with
    // a `__Host-` login cookie.
    app.verified_parent("secure.parent@example.org").await;
    let r = client()
        .post(format!("http://{addr}/login"))
        .header("cookie", format!("__Host-smena_csrf={token}"))
        .form(&[
            ("csrf", token),
            ("email", "secure.parent@example.org"),
            ("password", "a long enough passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-smena_login=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

/// A child's details as the edit form sends them, from the database, with
/// `changes` applied.
async fn child_form(app: &TestApp, child: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        given_name: String,
        family_name: String,
        birth_date: String,
        school_id: i64,
        category: Option<String>,
        passport_expires: Option<String>,
        passport_number: Option<String>,
        emergency_contact: Option<String>,
    }
    let r: Row = sqlx::query_as(
        "SELECT given_name, family_name, birth_date, school_id, category, passport_expires, passport_number, \
         emergency_contact FROM children WHERE id = $1",
    )
    .bind(child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut form: Vec<(String, String)> = [
        ("given_name", r.given_name),
        ("family_name", r.family_name),
        ("birth_date", r.birth_date),
        ("school_id", r.school_id.to_string()),
        ("category", r.category.unwrap_or_default()),
        ("passport_expires", r.passport_expires.unwrap_or_default()),
        (
            "passport_number",
            app.db
                .keys()
                .unwrap()
                .reveal_opt(smena::store::keys::PASSPORT, r.passport_number.as_deref())
                .unwrap()
                .unwrap_or_default(),
        ),
        (
            "emergency_contact",
            app.db
                .keys()
                .unwrap()
                .reveal_opt(smena::store::keys::CONTACT, r.emergency_contact.as_deref())
                .unwrap()
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in changes {
        form.iter_mut().find(|(f, _)| f == k).unwrap().1 = v.to_string();
    }
    form
}

async fn post_form(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(String, String)],
) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post(c, path, &form).await
}

/// After submission a child's identity does not change silently: while
/// applications are open the documents go back to review; once they have
/// closed the change waits for the coordinator, and the voucher keeps the
/// name it had until the coordinator accepts. The audit log keeps what
/// changed, the passport number masked.
async fn a_childs_identity_cannot_be_swapped_after_submission(app: &TestApp) {
    use smena::scenario::demo::PASSWORD;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let accepted = |child: i64| async move {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM documents WHERE child_id = $1 AND status = 'accepted'",
        )
        .bind(child)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        n
    };

    // Applications open: the documents go back to review.
    let (child, guardian): (i64, String) = sqlx::query_as(
        "SELECT c.id, g.email FROM children c JOIN accounts g ON g.id = c.guardian_id \
         JOIN applications a ON a.child_id = c.id WHERE a.status = 'submitted' \
         AND EXISTS (SELECT 1 FROM documents d WHERE d.child_id = c.id AND d.status = 'accepted') \
         ORDER BY c.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(accepted(child).await > 0);
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let form = child_form(
        app,
        child,
        &[
            ("family_name", "Swapped"),
            ("passport_number", "11 22 334455"),
        ],
    )
    .await;
    let r = post_form(app, &family, &format!("/children/{child}"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("notice=identity-back-to-review"), "{to}");
    assert_eq!(
        accepted(child).await,
        0,
        "every accepted document is checked again"
    );
    let (_, page) = app.get(&family, &to).await;
    assert!(page.contains("checks the documents again"), "{page}");
    // The entry names the fields; the values are its personal words,
    // kept apart so that the purge can delete them.
    let (detail, words): (String, String) = sqlx::query_as(
        "SELECT l.detail, p.words FROM audit_log l JOIN audit_personal p ON p.entry_id = l.id \
         WHERE l.resource = 'child' AND l.resource_id = $1 \
         AND l.detail LIKE 'identity changed after submission%'",
    )
    .bind(child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        detail.contains("family_name") && !detail.contains("Swapped"),
        "{detail}"
    );
    assert!(
        words.contains("-> Swapped") && words.contains("••55") && !words.contains("334455"),
        "{words}"
    );

    // Applications closed and the result out: the change waits.
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let programme = crate::common::programme_id(app).await;
    app.close_applications(&coordinator, programme).await;
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let r = app
        .post(
            &coordinator,
            &format!("{run}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (application, placed, guardian): (i64, i64, String) = sqlx::query_as(
        "SELECT a.id, c.id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'offered' AND EXISTS (SELECT 1 FROM documents d WHERE d.child_id = c.id AND d.status = 'accepted') \
         ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let r = app
        .post(
            &family,
            &format!("/applications/{application}/offer"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.post(
        &coordinator,
        &format!("/coordinator/programmes/{programme}/vouchers"),
        &[],
    )
    .await;
    let (code, name): (String, String) = sqlx::query_as(
        "SELECT o.voucher_code, c.given_name FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id WHERE a.id = $1",
    )
    .bind(application)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let documents_before = accepted(placed).await;
    let form = child_form(app, placed, &[("given_name", "Impostor")]).await;
    let r = post_form(app, &family, &format!("/children/{placed}"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("notice=identity-asked")
    );
    let (now,): (String,) = sqlx::query_as("SELECT given_name FROM children WHERE id = $1")
        .bind(placed)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(now, name, "the name stays until the coordinator decides");
    let (_, check) = app.get(&client(), &format!("/vouchers/{code}")).await;
    assert!(
        check.contains(&name) && !check.contains("Impostor"),
        "{check}"
    );
    assert_eq!(accepted(placed).await, documents_before);
    let (_, page) = app.get(&family, &format!("/children/{placed}")).await;
    assert!(
        page.contains("waits for the coordinator") && page.contains("Impostor"),
        "{page}"
    );

    // The coordinator sees it, and decides.
    let (status, page) = app.get(&coordinator, "/coordinator/identity-changes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Impostor") && page.contains(&name), "{page}");
    let (change,): (i64,) = sqlx::query_as(
        "SELECT id FROM identity_changes WHERE child_id = $1 AND status = 'pending'",
    )
    .bind(placed)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let decide = format!("/coordinator/identity-changes/{change}");
    assert_eq!(
        app.post(&family, &decide, &[("decision", "accept")])
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "a family cannot decide its own change"
    );
    let r = app
        .post(&coordinator, &decide, &[("decision", "accept")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(&coordinator, &decide, &[("decision", "reject")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "decided once");
    let (now,): (String,) = sqlx::query_as("SELECT given_name FROM children WHERE id = $1")
        .bind(placed)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(now, "Impostor");
    assert_eq!(accepted(placed).await, 0, "the documents are checked again");
    assert!(
        app.last_mail(&guardian)
            .await
            .contains("accepted the change"),
        "the family is told"
    );
}

/// The lottery is unknowable before the inputs freeze: no run, dry or
/// final, while applications are open, and no page shows a lottery number;
/// at closing the inputs freeze and each family's receipt verifies with
/// `smena verify`; the beacon is entered once, after closing; every final
/// run is listed publicly, one is published and a second is refused.
async fn the_lottery_is_unknowable_before_the_inputs_freeze(app: &TestApp) {
    use smena::scenario::demo::PASSWORD;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = crate::common::programme_id(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (application, guardian): (i64, String) = sqlx::query_as(
        "SELECT a.id, g.email FROM applications a JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id WHERE a.status = 'submitted' ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;

    // Open: no run, no beacon, no receipt, no lottery number anywhere.
    for kind in ["dry_run", "final"] {
        let r = app
            .post(
                &coordinator,
                "/coordinator/allocation/runs",
                &[("kind", kind)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{kind}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("No allocation runs while applications are open")
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM allocation_runs").await, 0);
    let beacon_path = format!("/coordinator/programmes/{programme}/beacon");
    let r = app
        .post(&coordinator, &beacon_path, &[("value", &"11".repeat(32))])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let receipt_path = format!("/applications/{application}/receipt.txt");
    assert_eq!(
        app.get(&family, &receipt_path).await.0,
        StatusCode::NOT_FOUND
    );
    let numbered = |page: &str| {
        page.match_indices("lottery number").any(|(i, m)| {
            page[i + m.len()..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
        })
    };
    let anonymous = client();
    let pages: Vec<(&reqwest::Client, String)> = vec![
        (&anonymous, "/".into()),
        (&anonymous, format!("/public/programmes/{programme}")),
        (
            &anonymous,
            format!("/public/programmes/{programme}/lottery.txt"),
        ),
        (&family, format!("/applications/{application}")),
        (&family, "/home".into()),
        (&family, format!("/api/applications/{application}")),
        (&coordinator, "/coordinator/allocation".into()),
        (&coordinator, "/coordinator/applications".into()),
        (&coordinator, "/coordinator/dashboard".into()),
        (&coordinator, format!("/coordinator/programmes/{programme}")),
        (&coordinator, format!("/api/programmes/{programme}/result")),
    ];
    for (who, path) in &pages {
        let (_, page) = app.get(who, path).await;
        assert!(!numbered(&page), "{path} shows a lottery number");
    }
    for file in [
        "sessions.csv",
        "applicants.csv",
        "placements.csv",
        "lottery.txt",
    ] {
        let (status, _) = app
            .get(&client(), &format!("/public/programmes/{programme}/{file}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{file} before closing");
    }

    // Closed: the inputs are frozen and published; the family's receipt
    // verifies, and a changed one does not.
    app.close_applications(&coordinator, programme).await;
    let r = app
        .post(&coordinator, &beacon_path, &[("value", &"11".repeat(32))])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "the beacon is entered once"
    );
    let (_, page) = app
        .get(&client(), &format!("/public/programmes/{programme}"))
        .await;
    let (digest,): (String,) = sqlx::query_as("SELECT inputs_digest FROM frozen_inputs")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(page.contains(&digest), "the digest is published at closing");
    let (frozen,): (String,) = sqlx::query_as("SELECT applicants_csv FROM frozen_inputs")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        frozen.lines().count() as i64 - 1,
        app.count("SELECT COUNT(*) FROM applications WHERE status = 'submitted'")
            .await,
        "every submitted application is in the frozen inputs"
    );
    let (status, receipt) = app.get(&family, &receipt_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get(&app.parent_of_nobody().await, &receipt_path)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, record) = app
        .get(
            &client(),
            &format!("/public/programmes/{programme}/lottery.txt"),
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("receipt.txt"), &receipt).unwrap();
    std::fs::write(dir.path().join("lottery.txt"), &record).unwrap();
    let check = |receipt: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_smena"))
            .args(["verify", "--receipt"])
            .arg(dir.path().join(receipt))
            .arg("--record")
            .arg(dir.path().join("lottery.txt"))
            .output()
            .unwrap();
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, said) = check("receipt.txt");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("VERIFIED: application"), "{said}");
    let row = receipt.lines().find(|l| l.starts_with("row: ")).unwrap();
    let changed = receipt.replacen(row, &format!("{row}x"), 1);
    std::fs::write(dir.path().join("changed.txt"), changed).unwrap();
    let (code, said) = check("changed.txt");
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("NOT VERIFIED"), "{said}");

    // Final runs: every one listed publicly; one published, a second refused.
    let mut runs = Vec::new();
    for _ in 0..2 {
        let r = app
            .post(
                &coordinator,
                "/coordinator/allocation/runs",
                &[("kind", "final")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        runs.push(r.headers()["location"].to_str().unwrap().to_string());
    }
    let (_, page) = app
        .get(&client(), &format!("/public/programmes/{programme}"))
        .await;
    for run in &runs {
        let id = run.rsplit('/').next().unwrap();
        assert!(
            page.contains(&format!("run {id} at")),
            "{run} listed: {page}"
        );
    }
    // Publishing is refused while applications are open (as if reopened).
    app.execute("UPDATE programmes SET status = 'open'").await;
    let r = app
        .post(
            &coordinator,
            &format!("{}/publish", runs[0]),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Applications are still open")
    );
    app.execute("UPDATE programmes SET status = 'closed'").await;
    let r = app
        .post(
            &coordinator,
            &format!("{}/publish", runs[0]),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &coordinator,
            &format!("{}/publish", runs[1]),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "one result is published");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM allocation_runs WHERE published_at IS NOT NULL")
            .await,
        1
    );
}

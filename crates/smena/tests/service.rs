//! The service end to end over HTTP: the real app on port 0, against a
//! fresh SQLite file and a fresh PostgreSQL database; every scenario runs on
//! both. PostgreSQL is reached at `SMENA_TEST_POSTGRES` (default: the local
//! server, user postgres, trust authentication).
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{PDF, SmtpSink, TestApp, client, client_at, client_speaking, programme_id};
use reqwest::StatusCode;

on_both_databases!(
    health_and_security_headers,
    register_confirm_login_logout,
    state_changes_need_the_csrf_token,
    logins_are_throttled_per_account,
    logins_are_throttled_per_address_behind_a_proxy,
    password_reset_closes_old_sessions,
    roles_see_only_what_the_policy_allows,
    bad_registration_keeps_what_was_typed,
    fifty_concurrent_writers,
    a_failed_writer_undoes_only_its_own_work,
    demo_scenario_loads,
    a_parent_applies_with_documents_and_choices,
    siblings_apply_together_as_a_block,
    another_familys_records_answer_404_and_are_audited,
    the_coordinator_reviews_documents,
    a_school_imports_its_roster,
    the_coordinator_allocates_and_publishes,
    concurrent_answers_during_backfills_keep_every_rule,
    the_json_api_follows_the_same_rules,
    the_coordinator_sets_up_a_programme,
    hostile_input_never_causes_a_server_error,
    mail_arrives_exactly_once_across_an_outage,
    travel_papers_and_spreadsheets_reach_only_whom_they_concern,
    e_mail_speaks_the_recipients_language,
    the_language_is_chosen_remembered_and_followed,
    the_coordinator_imports_achievements,
);

async fn health_and_security_headers(app: &TestApp) {
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(r.text().await.unwrap(), "ok");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    let r = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers().contains_key("content-security-policy"));
}

async fn register_confirm_login_logout(app: &TestApp) {
    let c = client();
    let r = app
        .register(
            &c,
            "Туйаара Иванова",
            "tuyaara@example.org",
            "a long enough passphrase",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("smena_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(r.text().await.unwrap().contains("Check your e-mail"));
    let (_, home) = app.get(&c, "/home").await;
    assert!(home.contains("Hello, Туйаара Иванова") && home.contains("not confirmed yet"));

    let link = app.link_in(&app.last_mail("tuyaara@example.org").await);
    assert!(link.starts_with("/verify-email?token="));
    let (status, page) = app.get(&c, &link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, _) = app.get(&c, &link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    let (_, home) = app.get(&c, "/home").await;
    assert!(!home.contains("not confirmed yet"));

    let r = app.post(&c, "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.get(&c, "/home").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "logged out: back to the login page"
    );
    let sessions: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_sessions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(sessions.0, 0, "logout deletes the session on the server");

    let r = app
        .login(&c, "tuyaara@example.org", "wrong password here")
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The e-mail address or the password is wrong.")
    );
    let r = app
        .login(&c, "TUYAARA@example.org", "a long enough passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/home");
    // Registering the same address again reveals nothing, and tells its owner.
    let r = app
        .register(
            &client(),
            "Someone Else",
            "tuyaara@example.org",
            "another long passphrase",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        app.last_mail("tuyaara@example.org")
            .await
            .contains("already has one")
    );
}

async fn state_changes_need_the_csrf_token(app: &TestApp) {
    let c = client();
    let _ = app.get(&c, "/login").await;
    let r = c
        .post(app.url("/login"))
        .form(&[("email", "a@b.cd"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf(&c, "/login").await;
    let r = c
        .post(app.url("/login"))
        .header("Origin", "https://evil.example")
        .form(&[("email", "a@b.cd"), ("password", "x"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("email", "a@b.cd"),
            ("password", "x"),
            ("csrf", &"0".repeat(64)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn logins_are_throttled_per_account(app: &TestApp) {
    app.register(
        &client(),
        "Parent",
        "throttle@example.org",
        "the right passphrase",
    )
    .await;
    let c = client();
    for _ in 0..5 {
        assert_eq!(
            app.login(&c, "throttle@example.org", "a wrong passphrase")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app
        .login(&c, "throttle@example.org", "the right passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Too many attempts"));
}

/// Twenty failed logins from one address, on different accounts, stop that
/// address and no other; behind the proxy the address is the one it names.
async fn logins_are_throttled_per_address_behind_a_proxy(app: &TestApp) {
    app.register(
        &client(),
        "Parent",
        "proxied@example.org",
        "the right passphrase",
    )
    .await;
    for i in 0..20 {
        assert_eq!(
            app.login(
                &client_at("203.0.113.7"),
                &format!("nobody{i}@example.org"),
                "guess"
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login(
            &client_at("203.0.113.7"),
            "proxied@example.org",
            "the right passphrase"
        )
        .await
        .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address is stopped, whichever account it tries"
    );
    assert_eq!(
        app.login(
            &client_at("198.51.100.1"),
            "proxied@example.org",
            "the right passphrase"
        )
        .await
        .status(),
        StatusCode::SEE_OTHER,
        "another family behind the same proxy is not"
    );
}

async fn password_reset_closes_old_sessions(app: &TestApp) {
    let old = client();
    app.register(
        &old,
        "Forgetful Parent",
        "forgetful@example.org",
        "the first passphrase",
    )
    .await;
    assert_eq!(app.get(&old, "/home").await.0, StatusCode::OK);

    let c = client();
    let r = app
        .post(
            &c,
            "/password/forgot",
            &[("email", "forgetful@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(&c, "/password/forgot", &[("email", "nobody@example.org")])
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("If nobody@example.org belongs to an account")
    );
    let link = app.link_in(&app.last_mail("forgetful@example.org").await);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "the second passphrase"),
                ("password_again", "the second passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&old, "/home").await.0,
        StatusCode::SEE_OTHER,
        "old session closed"
    );
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "a third passphrase"),
                ("password_again", "a third passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "the link works once");
    assert_eq!(
        app.login(&c, "forgetful@example.org", "the first passphrase")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&c, "forgetful@example.org", "the second passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn roles_see_only_what_the_policy_allows(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (status, page) = app.get(&parent, "/coordinator/outbox").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("does not exist, or you may not see it"));
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    assert_eq!(
        app.get(&coordinator, "/coordinator/outbox").await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&client(), "/coordinator/outbox").await.0,
        StatusCode::SEE_OTHER
    );
}

async fn bad_registration_keeps_what_was_typed(app: &TestApp) {
    let c = client();
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", "<script>alert(1)</script>"),
                ("email", "not-an-address"),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "typed name kept, escaped: {page}"
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("value=\"not-an-address\""));
    assert!(page.contains("is not an e-mail address") && page.contains("at least 10 characters"));
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", "Ann"),
                ("email", "ann@example.org"),
                ("password", "a long passphrase"),
                ("password_again", "another long one"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not the same"));
    let accounts: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(accounts.0, 0, "nothing saved from bad forms");
    // A form field of the wrong type is refused with a clear error too.
    let csrf = app.csrf(&c, "/register").await;
    let r = c
        .post(app.url("/register"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
}

async fn fifty_concurrent_writers(app: &TestApp) {
    let mut tasks = Vec::new();
    for i in 0..50 {
        let base = app.base.clone();
        tasks.push(tokio::spawn(async move {
            let c = client();
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

async fn demo_scenario_loads(app: &TestApp) {
    assert!(
        smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap()
    );
    assert!(
        !smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap(),
        "loading twice changes nothing"
    );
    let (status, page) = app.get(&app.client, "/").await;
    assert_eq!(status, StatusCode::OK);
    for code in [
        "songdowon-2027-1",
        "songdowon-2027-2",
        "songdowon-2027-3",
        "nairamdal-2027-1",
        "nairamdal-2027-2",
    ] {
        assert!(page.contains(code), "{code} on the public page");
    }
    assert!(page.contains("Lottery commitment"));
    for login in smena::scenario::demo::LOGINS {
        let c = client();
        let r = app
            .login(&c, login.email, smena::scenario::demo::PASSWORD)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", login.email);
        let (_, home) = app.get(&c, "/home").await;
        assert!(home.contains(login.role.title()));
    }
}

async fn a_parent_applies_with_documents_and_choices(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let c = app.verified_parent("new.parent@example.org").await;
    let school = app.school_id("Sakha Gymnasium").await.to_string();

    // A future birth date is refused, and what was typed is kept.
    let r = app
        .post(
            &c,
            "/children",
            &[
                ("given_name", "Айыына"),
                ("family_name", "Петрова"),
                ("birth_date", "2099-01-01"),
                ("school_id", &school),
                ("category", ""),
                ("passport_expires", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("in the future") && page.contains("value=\"Айыына\""));

    let child = app
        .add_child(&c, "Айыына", "2014-03-09", "2031-01-01")
        .await;
    let r = app
        .post(
            &c,
            &format!("{child}/achievements"),
            &[
                ("title", "Republic olympiad"),
                ("level", "regional"),
                ("place", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &child).await;
    assert!(
        page.contains("Republic olympiad") && page.contains("<th>Score</th><th>2</th>"),
        "score 2 for a regional win"
    );

    // Hostile uploads are refused with a clear reason; nothing is stored.
    let r = app
        .upload(
            &c,
            &child,
            "passport",
            "passport.pdf",
            b"\x7fELF\x02\x01\x01 an executable".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not a PDF, JPEG or PNG"));
    let r = app
        .upload(
            &c,
            &child,
            "passport",
            "big.pdf",
            [b"%PDF-".to_vec(), vec![b'x'; 50 * 1024 * 1024]].concat(),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a 50 MB upload gets an explanation"
    );
    assert!(r.text().await.unwrap().contains("larger than 10 MB"));
    let r = app.upload(&c, &child, "visa", "x.pdf", PDF.to_vec()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // After its deadline a document is no longer taken.
    app.execute("UPDATE required_documents SET deadline = '2020-01-31' WHERE kind = 'medical'")
        .await;
    let r = app
        .upload(&c, &child, "medical", "m.pdf", PDF.to_vec())
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("The deadline for &quot;Medical certificate&quot; was 2020-01-31")
            || page.contains("The deadline for &#34;Medical certificate&#34; was 2020-01-31"),
        "{page}"
    );
    app.execute("UPDATE required_documents SET deadline = '2027-05-31' WHERE kind = 'medical'")
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Айыына'").await, 0);

    // Start the application; submitting without documents and consents keeps the draft.
    let r = app.post(&c, &format!("{child}/applications"), &[]).await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&c, &application).await;
    let sessions: Vec<String> = page
        .match_indices("<option value=\"")
        .map(|(i, _)| page[i + 15..].split('"').next().unwrap().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    assert!(
        sessions.len() >= 2,
        "eligible sessions offered: {sessions:?}"
    );
    let r = app
        .post(
            &c,
            &application,
            &[
                ("choice_1", &sessions[0]),
                ("choice_2", &sessions[1]),
                ("action", "submit"),
                ("idem", "k1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("All consents are needed") && page.contains("Please upload"),
        "{page}"
    );
    assert!(
        page.contains(&format!("value=\"{}\" selected", sessions[1])),
        "typed choices kept"
    );
    // Gaps and repeats are refused.
    let r = app
        .post(
            &c,
            &application,
            &[("choice_2", &sessions[0]), ("action", "save")],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Choice 1 is empty but choice 2 is filled")
    );
    let r = app
        .post(
            &c,
            &application,
            &[
                ("choice_1", &sessions[0]),
                ("choice_2", &sessions[0]),
                ("action", "save"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("chosen twice"));

    for kind in ["birth_certificate", "passport", "medical"] {
        assert_eq!(
            app.upload(&c, &child, kind, &format!("{kind}.pdf"), PDF.to_vec())
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let form = [
        ("choice_1", sessions[0].as_str()),
        ("choice_2", sessions[1].as_str()),
        ("consent_participation", "yes"),
        ("consent_personal_data", "yes"),
        ("action", "submit"),
        ("idem", "key-1"),
    ];
    let r = app.post(&c, &application, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "Post/Redirect/Get");
    let (_, page) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Your application has been received"));
    // The same submission again (a retry) changes nothing and creates nothing.
    let r = app.post(&c, &application, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Айыына'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'application_received' AND recipient = 'new.parent@example.org'").await, 1);
    let consents = app.count("SELECT COUNT(*) FROM consents x JOIN applications a ON a.id = x.application_id JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Айыына' AND x.text_version = '2027-1'").await;
    assert_eq!(consents, 2, "consents recorded with the wording's version");
    let (_, page) = app.get(&c, &application).await;
    assert!(page.contains("Status: <strong>submitted</strong>"));
}

/// Two children of one family apply as a block: the same ranked choices,
/// one public block reference, placed together or not at all.
async fn siblings_apply_together_as_a_block(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let c = app.verified_parent("two.children@example.org").await;
    let mut applications = Vec::new();
    for name in ["Сардаана", "Дьулус"] {
        let child = app.add_child(&c, name, "2014-05-01", "2031-01-01").await;
        for kind in ["birth_certificate", "passport", "medical"] {
            app.upload(&c, &child, kind, &format!("{kind}.pdf"), PDF.to_vec())
                .await;
        }
        let r = app.post(&c, &format!("{child}/applications"), &[]).await;
        applications.push(r.headers()["location"].to_str().unwrap().to_string());
    }
    let id = |a: &str| a.rsplit('/').next().unwrap().to_string();
    let (first, second) = (&applications[0], &applications[1]);
    let (_, page) = app.get(&c, first).await;
    assert!(
        page.contains(&format!("name=\"together\" value=\"{}\"", id(second)))
            && page.contains("Together with Дьулус"),
        "the sibling's application is offered"
    );
    let sessions: Vec<String> = page
        .match_indices("<option value=\"")
        .map(|(i, _)| page[i + 15..].split('"').next().unwrap().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let block_refs = || async {
        let rows: Vec<(Option<String>,)> = sqlx::query_as(
            "SELECT a.block_ref FROM applications a JOIN children c ON c.id = a.child_id \
             JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'two.children@example.org' ORDER BY c.given_name",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
    };

    // Another family's application, or nonsense, cannot join the block.
    let (stranger,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id \
         WHERE x.email = 'parent@demo.smena' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    for hostile in [stranger.to_string(), "abc".into(), "-1".into()] {
        let r = app
            .post(
                &c,
                first,
                &[
                    ("choice_1", &sessions[0]),
                    ("together_shown", "1"),
                    ("together", &hostile),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{hostile}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("other applications to this programme can be placed together")
        );
    }
    assert_eq!(block_refs().await, vec![None, None]);

    // The form with two choices, both consents, and the block ticked with
    // the application `with`; sent to the application at `to`.
    let send = |to: &str, choices: [&str; 2], with: &str, action: &str, idem: &str| {
        let form: Vec<(&str, String)> = [
            ("choice_1", choices[0]),
            ("choice_2", choices[1]),
            ("together_shown", "1"),
            ("together", with),
            ("consent_participation", "yes"),
            ("consent_personal_data", "yes"),
            ("action", action),
            ("idem", idem),
        ]
        .into_iter()
        // An empty `with` leaves the block out of the form altogether.
        .filter(|(k, _)| !with.is_empty() || !k.starts_with("together"))
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let path = to.to_string();
        let c = c.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&c, &path, &form).await
        }
    };
    let (s0, s1) = (sessions[0].as_str(), sessions[1].as_str());
    let (first_id, second_id) = (id(first), id(second));
    let r = send(first, [s0, s1], &second_id, "save", "k-save").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let refs = block_refs().await;
    assert!(
        refs[0].is_some() && refs[0] == refs[1],
        "one block for both: {refs:?}"
    );
    let (_, page) = app.get(&c, second).await;
    assert!(
        page.contains(&format!("value=\"{first_id}\" checked")),
        "the sibling's form shows the block"
    );

    // The first submits; the second must rank the same sessions in the same order.
    let r = send(first, [s0, s1], &second_id, "submit", "k-first").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = send(second, [s1, s0], &first_id, "submit", "k-second").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("children placed together must rank the same sessions in the same order")
    );
    let r = send(second, [s1, s0], "", "submit", "k-second").await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "leaving the block out of the form does not dodge the check"
    );
    // The form of the first child, sent again for the second: its key is spent.
    let r = send(second, [s0, s1], &first_id, "submit", "k-first").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already used to submit another application")
    );
    let r = send(second, [s0, s1], &first_id, "submit", "k-second").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let refs = block_refs().await;
    assert!(refs[0].is_some() && refs[0] == refs[1], "{refs:?}");
    let block = refs[0].clone().unwrap();
    let (_, page) = app.get(&c, first).await;
    assert!(page.contains("Placed together with Дьулус") && page.contains(&block));

    // The engine is given the block, and the export carries it.
    let programme = programme_id(app).await;
    let built = smena::allocation::runs::build(
        &app.db,
        programme,
        &smena::allocation::runs::Overrides::default(),
    )
    .await
    .unwrap();
    let members: Vec<&str> = built
        .instance
        .blocks()
        .iter()
        .find(|b| b.id == block)
        .expect("the block reaches the engine")
        .members
        .iter()
        .map(|&m| built.instance.applicants()[m as usize].id.as_str())
        .collect();
    assert_eq!(members.len(), 2);
    assert_eq!(
        built
            .applicants_csv
            .lines()
            .filter(|l| l.ends_with(&format!(",{block}")))
            .count(),
        2
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
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let placed: Vec<(Option<i64>,)> = sqlx::query_as(
        "SELECT p.session_id FROM placements p JOIN applications a ON a.id = p.application_id WHERE a.block_ref = $1",
    )
    .bind(&block)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(placed.len(), 2);
    assert_eq!(placed[0], placed[1], "placed together or not at all");
}

async fn another_familys_records_answer_404_and_are_audited(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let a = app.verified_parent("family.a@example.org").await;
    let child = app
        .add_child(&a, "Sakhayana", "2013-05-05", "2031-01-01")
        .await;
    app.upload(&a, &child, "passport", "passport.pdf", PDF.to_vec())
        .await;
    let application = app
        .post(&a, &format!("{child}/applications"), &[])
        .await
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let (document,): (i64,) = sqlx::query_as("SELECT d.id FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Sakhayana'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    let b = app.verified_parent("family.b@example.org").await;
    let (missing_status, missing_page) = app.get(&b, "/children/123456789").await;
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    for path in [
        child.clone(),
        format!("{child}/edit"),
        application.clone(),
        format!("/documents/{document}"),
    ] {
        let (status, page) = app.get(&b, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            page, missing_page,
            "{path} must look exactly like a record that does not exist"
        );
    }
    let r = app
        .post(
            &b,
            &format!("{child}/achievements"),
            &[("title", "x"), ("level", "regional"), ("place", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let child_id: i64 = child.rsplit('/').next().unwrap().parse().unwrap();
    let (denied,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE resource = 'child' AND resource_id = $1 AND outcome = 'denied'")
        .bind(child_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(denied >= 4, "each attempt is in the audit log ({denied})");
    // The owner, and the coordinator, can see it; their reads are logged too.
    assert_eq!(app.get(&a, &child).await.0, StatusCode::OK);
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    assert_eq!(app.get(&coordinator, &child).await.0, StatusCode::OK);
    let (_, audit) = app.get(&coordinator, "/coordinator/audit").await;
    assert!(audit.contains("denied") && audit.contains(&format!("child #{child_id}")));
    assert_eq!(
        app.get(&a, "/coordinator/audit").await.0,
        StatusCode::NOT_FOUND
    );
}

async fn the_coordinator_reviews_documents(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent("reviewed@example.org").await;
    let child = app
        .add_child(&parent, "Tuyaarana", "2012-02-02", "2031-01-01")
        .await;
    app.upload(&parent, &child, "medical", "med.pdf", PDF.to_vec())
        .await;
    let (document,): (i64,) = sqlx::query_as("SELECT d.id FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Tuyaarana'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (_, page) = app.get(&coordinator, "/coordinator/documents").await;
    assert!(page.contains("Tuyaarana"));
    let path = format!("/coordinator/documents/{document}/review");
    let csrf = app.csrf(&coordinator, "/coordinator/documents").await;
    let r = coordinator
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "reject"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a rejection needs a reason"
    );
    let r = coordinator
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "reject"),
            ("reason", "The stamp is not readable."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.last_mail("reviewed@example.org").await;
    assert!(mail.contains("The stamp is not readable."), "{mail}");
    let (_, page) = app.get(&parent, &child).await;
    assert!(page.contains("rejected</strong>: The stamp is not readable."));
    // The downloaded file is served as an attachment, never inline.
    let r = parent
        .get(app.url(&format!("/documents/{document}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    // Parents may not review.
    let csrf = app.csrf(&parent, "/home").await;
    let r = parent
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("decision", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

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
    let storage = |age| smena::documents::storage::sweep(&app.db, &app.files, age);
    assert_eq!(storage(day).await.unwrap(), 0, "a fresh preview is kept");
    assert!(storage(std::time::Duration::ZERO).await.unwrap() >= 1);
    assert!(!abandoned.exists() && document.exists());

    // A parent of that pupil applies: the school sees the status.
    let parent = app.verified_parent("aiyyna.mother@example.org").await;
    let sakha = app.school_id("Sakha Gymnasium").await.to_string();
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

async fn the_coordinator_allocates_and_publishes(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (status, page) = app.get(&coordinator, "/coordinator/allocation").await;
    assert_eq!(status, StatusCode::OK);
    let first_session = page
        .split("name=\"places_")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                (&format!("places_{first_session}"), "-5"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("is not a number of places")
    );
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                ("label", "More places"),
                (&format!("places_{first_session}"), "60"),
                ("school_cap", "none"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let dry = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&coordinator, &dry).await;
    assert!(
        page.contains("<svg")
            && page.contains("Lowest score admitted")
            && page.contains("By district")
    );
    assert!(
        page.contains("Applications and placements per district"),
        "district chart drawn"
    );
    assert!(page.contains("Children not placed"));
    let reserves_field = format!("reserves_{first_session}");
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "dry_run"), (&reserves_field, "arctic")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("group:places"));
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "dry_run"), ("points_regional", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                ("label", "No reserves, regional 10"),
                (&reserves_field, "none"),
                ("points_regional", "10"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "reserves and scoring can be changed in a dry run"
    );
    assert!(
        !page.contains("Publish this result"),
        "dry runs cannot be published"
    );

    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    let final_run = r.headers()["location"].to_str().unwrap().to_string();
    let final_id: i64 = final_run.rsplit('/').next().unwrap().parse().unwrap();
    let dry_id: i64 = dry.rsplit('/').next().unwrap().parse().unwrap();
    let (status, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/allocation/compare?a={dry_id}&b={final_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("children placed differently"));

    // The anonymised export, run through the engine with the programme's
    // seed, gives exactly the stored result.
    let (sessions_csv, applicants_csv, placements_csv, results_digest): (String, String, String, String) =
        sqlx::query_as("SELECT sessions_csv, applicants_csv, placements_csv, results_digest FROM allocation_runs WHERE id = $1")
            .bind(final_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        !applicants_csv.contains("birth") && !applicants_csv.contains("Petrov"),
        "no personal data in the export"
    );
    assert!(
        applicants_csv.lines().skip(1).any(|l| !l.ends_with(',')),
        "the demo's sibling blocks are in the export"
    );
    let (seed,): (String,) = sqlx::query_as("SELECT seed_hex FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let inputs = smena::allocation::contract::parse(
        "s",
        sessions_csv.as_bytes(),
        "a",
        applicants_csv.as_bytes(),
        &|_| {},
    )
    .unwrap();
    let again = smena_engine::allocate(
        &inputs.instance,
        &smena_engine::Seed::from_hex(&seed).unwrap(),
    );
    assert_eq!(
        smena_engine::placements_csv(&inputs.instance, &again),
        placements_csv
    );
    assert_eq!(
        smena_engine::digest(placements_csv.as_bytes()),
        results_digest
    );

    let (_, before) = app
        .get(
            &client(),
            &format!("/public/programmes/{}", programme_id(app).await),
        )
        .await;
    assert!(
        !before.contains(&seed),
        "the seed stays secret until publication"
    );
    assert_eq!(
        app.get(
            &client(),
            &format!(
                "/public/programmes/{}/placements.csv",
                programme_id(app).await
            )
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let r = app.post(&coordinator, &format!("{dry}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(&coordinator, &format!("{final_run}/publish"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(&coordinator, &format!("{final_run}/publish"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "published once");
    let placed = app.count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NOT NULL").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM offers").await, placed);
    let told = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'result_published'")
        .await;
    let run_applicants = app.count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL").await;
    assert_eq!(told, run_applicants, "every family is told");

    // A day before the deadline each unanswered offer is recalled, once.
    let (deadline,): (i64,) = sqlx::query_as("SELECT MAX(deadline) FROM offers")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let day_before = deadline - 24 * 3600 * 1000;
    let reminded = smena::allocation::offers::remind_due(&app.db, "http://x", day_before)
        .await
        .unwrap() as i64;
    assert_eq!(
        reminded,
        app.count("SELECT COUNT(*) FROM offers WHERE status = 'offered'")
            .await
    );
    assert!(reminded > 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'offer_reminder' AND body LIKE '%waiting for your answer until%'")
            .await,
        reminded
    );
    assert_eq!(
        smena::allocation::offers::remind_due(&app.db, "http://x", day_before + 60_000)
            .await
            .unwrap(),
        0,
        "once per offer"
    );

    // The host camp sees the children placed with it, and no others.
    let camp = client();
    app.login(&camp, "camp@demo.smena", smena::scenario::demo::PASSWORD)
        .await;
    let (status, page) = app.get(&camp, "/camp/placements").await;
    assert_eq!(status, StatusCode::OK);
    let names = |own: bool| {
        let sql = format!(
            "SELECT c.family_name, c.given_name FROM offers o JOIN sessions s ON s.id = o.session_id \
             JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
             WHERE s.camp_id {} (SELECT camp_id FROM accounts WHERE email = 'camp@demo.smena')",
            if own { "=" } else { "<>" }
        );
        async move {
            sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql))
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .into_iter()
                .map(|(f, g)| format!("{f} {g}"))
                .collect::<Vec<_>>()
        }
    };
    let (ours, theirs) = (names(true).await, names(false).await);
    assert!(!ours.is_empty() && !theirs.is_empty());
    for name in &ours {
        assert!(
            page.contains(name.as_str()),
            "{name} is expected at the camp"
        );
    }
    for name in theirs.iter().filter(|n| !ours.contains(n)) {
        assert!(
            !page.contains(name.as_str()),
            "{name} is another camp's child"
        );
    }
    assert!(!page.contains("school") && !page.contains("passport"));
    for who in [&parent_of_nobody(app).await, &coordinator] {
        assert_eq!(
            app.get(who, "/camp/placements").await.0,
            StatusCode::NOT_FOUND
        );
    }

    // The public page shows the revealed seed, cutoffs and the export; the
    // exported files verify with the smena command.
    let programme = programme_id(app).await;
    let anonymous = client();
    let (status, page) = app
        .get(&anonymous, &format!("/public/programmes/{programme}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&seed)
            && page.contains("Lowest score admitted")
            && page.contains("smena verify"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    for file in ["sessions.csv", "applicants.csv", "placements.csv"] {
        let r = anonymous
            .get(app.url(&format!("/public/programmes/{programme}/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        std::fs::write(dir.path().join(file), r.bytes().await.unwrap()).unwrap();
    }
    let (commitment,): (String,) = sqlx::query_as("SELECT commitment_hex FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let p = |f: &str| dir.path().join(f).display().to_string();
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_smena"))
        .args([
            "verify",
            "--sessions",
            &p("sessions.csv"),
            "--applicants",
            &p("applicants.csv"),
            "--seed",
            &seed,
            "--commitment",
            &commitment,
            "--placements",
            &p("placements.csv"),
        ])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // The demo parent's submitted application shows the result and its reasons.
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (application,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id \
         WHERE x.email = 'parent@demo.smena' AND a.status = 'submitted'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (_, page) = app
        .get(&parent, &format!("/applications/{application}"))
        .await;
    assert!(
        page.contains("id=\"result\"") && page.contains("<h3>Why</h3>"),
        "{page}"
    );
    if page.contains("Accept the place") {
        let r = app
            .post(
                &parent,
                &format!("/applications/{application}/offer"),
                &[("decision", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = app
            .get(&parent, &format!("/applications/{application}"))
            .await;
        assert!(page.contains("<strong>accepted</strong>"));
        let r = app
            .post(
                &parent,
                &format!("/applications/{application}/offer"),
                &[("decision", "decline")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "an answer is final");
    }
}

/// 200 families answer or withdraw at once while backfills run and offers
/// expire: no session is ever overfilled, no child holds two places, no
/// answer is lost, and nobody who accepted ends up worse off.
async fn concurrent_answers_during_backfills_keep_every_rule(app: &TestApp) {
    use smena::allocation::{offers, runs};
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let (coordinator,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE role = 'coordinator'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let run = runs::run(
        &app.db,
        programme,
        coordinator,
        "final",
        "Final",
        &runs::Overrides::default(),
    )
    .await
    .unwrap();
    offers::publish(&app.db, "http://test", programme, run)
        .await
        .unwrap();
    let offered: Vec<(i64, i32)> =
        sqlx::query_as("SELECT application_id, choice_rank FROM offers ORDER BY application_id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let waiting: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.id FROM applications a LEFT JOIN offers o ON o.application_id = a.id WHERE a.status = 'submitted' AND o.application_id IS NULL ORDER BY a.id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(offered.len() >= 100, "{} offers", offered.len());
    // Every offered child acts once; the rest of the 200 actions are
    // withdrawals of children still waiting.
    let mut actions: Vec<(i64, &'static str)> = offered
        .iter()
        .enumerate()
        .map(|(i, (a, _))| (*a, ["accept", "decline", "accept", "withdraw"][i % 4]))
        .collect();
    actions.extend(
        waiting
            .iter()
            .take(200 - actions.len().min(200))
            .map(|(a,)| (*a, "withdraw")),
    );
    assert!(actions.len() >= 200, "{} actions", actions.len());
    let mut tasks = Vec::new();
    for (application, action) in actions.clone() {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let result = match action {
                "accept" => offers::decide(&db, "http://test", application, true).await,
                "decline" => offers::decide(&db, "http://test", application, false).await,
                _ => offers::withdraw_application(&db, "http://test", application).await,
            };
            (
                application,
                action,
                result.map_err(|e| e.message(smena::language::Language::En)),
            )
        }));
    }
    let expiring = {
        let db = app.db.clone();
        tokio::spawn(async move {
            for _ in 0..5 {
                offers::expire_due(&db, "http://test").await.unwrap();
            }
        })
    };
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    expiring.await.unwrap();
    for (application, action, result) in &outcomes {
        // Accepting an offer that a backfill already moved up is still an
        // answer to an open offer; nothing else may fail.
        assert!(result.is_ok(), "{action} on {application}: {result:?}");
    }
    // Nothing lost: each answer is what was asked.
    for (application, action, _) in &outcomes {
        let status: Option<(String,)> =
            sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
                .bind(application)
                .fetch_optional(app.db.pool())
                .await
                .unwrap();
        let expected = match *action {
            "accept" => "accepted",
            "decline" => "declined",
            _ => "withdrawn",
        };
        if let Some((status,)) = status {
            assert_eq!(status, expected, "application {application}");
        } else {
            assert_eq!(*action, "withdraw");
        }
    }
    // No session over its places; no child with two places (primary key).
    let over: Vec<(String, i64, i32)> = sqlx::query_as(
        "SELECT s.code, COUNT(*), s.places FROM offers o JOIN sessions s ON s.id = o.session_id \
         WHERE o.status IN ('offered', 'accepted') GROUP BY s.code, s.places HAVING COUNT(*) > s.places",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(over.is_empty(), "overfilled: {over:?}");
    // Nobody who accepted lost out: same or better choice than first offered.
    for (application, rank) in &offered {
        let now: (i32, String) =
            sqlx::query_as("SELECT choice_rank, status FROM offers WHERE application_id = $1")
                .bind(application)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        if now.1 == "accepted" {
            assert!(
                now.0 <= *rank,
                "application {application} went from choice {rank} to {}",
                now.0
            );
        }
    }
    let moved = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'backfill_offer'")
        .await;
    assert!(moved > 0, "freed places went to waiting children");
}

async fn the_json_api_follows_the_same_rules(app: &TestApp) {
    use smena::allocation::{offers, runs};
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/programmes",
        "/api/applications",
        "/api/applications/{id}",
        "/api/applications/{id}/offer",
        "/api/programmes/{id}/result",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let r = client()
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].is_string());

    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let mine: Vec<serde_json::Value> = parent
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (expected,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'parent@demo.smena'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(mine.len() as i64, expected, "only their own applications");
    let (other,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id WHERE x.email <> 'parent@demo.smena' LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let r = parent
        .get(app.url(&format!("/api/applications/{other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r2 = parent
        .get(app.url("/api/applications/4242"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        r2.text().await.unwrap(),
        "another family's record looks like a missing one"
    );

    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let all: Vec<serde_json::Value> = coordinator
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(all.len() as i64 > expected);

    // After publication the family answers through the API, with the CSRF header.
    let programme = programme_id(app).await;
    let (coordinator_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE role = 'coordinator'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let run = runs::run(
        &app.db,
        programme,
        coordinator_id,
        "final",
        "Final",
        &runs::Overrides::default(),
    )
    .await
    .unwrap();
    offers::publish(&app.db, "http://test", programme, run)
        .await
        .unwrap();
    let result: serde_json::Value = client()
        .get(app.url(&format!("/api/programmes/{programme}/result")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(result["placed"].as_i64().unwrap() > 0 && result["seed"].as_str().unwrap().len() == 64);
    let offered: Option<(i64,)> = sqlx::query_as(
        "SELECT o.application_id FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'parent@demo.smena'",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some((application,)) = offered {
        let url = app.url(&format!("/api/applications/{application}/offer"));
        let r = parent
            .post(&url)
            .json(&serde_json::json!({"decision": "accept"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF header");
        let csrf = app.csrf(&parent, "/home").await;
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"decision": "maybe"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"decision": "accept"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let detail: serde_json::Value = parent
            .get(app.url(&format!("/api/applications/{application}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(detail["offer"]["status"], "accepted");
        assert!(!detail["explanations"].as_array().unwrap().is_empty());
    }
}

async fn the_coordinator_sets_up_a_programme(app: &TestApp) {
    use smena::accounts::{NewAccount, create_account, hash_password};
    let hash = hash_password("coordinator passphrase".into())
        .await
        .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    create_account(
        &mut tx,
        &NewAccount {
            email: "coord@example.org",
            password_hash: &hash,
            role: smena::web::policy::Role::Coordinator,
            full_name: "Coordinator",
            verified: true,
            school_id: None,
            camp_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let c = client();
    app.login(&c, "coord@example.org", "coordinator passphrase")
        .await;

    let r = app
        .post(
            &c,
            "/coordinator/programmes",
            &[("name", "Summer 2028"), ("code", "bad code!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("cannot be used"));
    let r = app
        .post(
            &c,
            "/coordinator/programmes",
            &[("name", "Summer 2028"), ("code", "SKH28")],
        )
        .await;
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let base = page.clone();
    let r = app
        .post(&c, &format!("{base}/status"), &[("to", "open")])
        .await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(
        shown.contains("Add at least one session"),
        "cannot open an empty programme"
    );

    app.post(
        &c,
        &format!("{base}/camps"),
        &[
            ("name", "Songdowon International Children's Camp"),
            ("country", "DPRK"),
            ("contact", "Consulate in Nakhodka"),
        ],
    )
    .await;
    let (camp,): (i64,) = sqlx::query_as("SELECT id FROM camps")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let camp = camp.to_string();
    let session =
        |starts: &'static str, ends: &'static str, places: &'static str, reserves: &'static str| {
            vec![
                ("camp", camp.clone()),
                ("code", "songdowon-2028-1".to_string()),
                ("starts", starts.to_string()),
                ("ends", ends.to_string()),
                ("places", places.to_string()),
                ("min_age", "10".to_string()),
                ("max_age", "15".to_string()),
                ("languages", "Korean, Russian".to_string()),
                ("reserves", reserves.to_string()),
            ]
        };
    for (form, problem) in [
        (
            session("2028-07-10", "2028-07-01", "30", ""),
            "before the first day",
        ),
        (
            session("2028-02-30", "2028-07-01", "30", ""),
            "not a real date",
        ),
        (
            session("2028-07-01", "2028-07-20", "-1", ""),
            "Places must be a whole number",
        ),
        (
            session("2028-07-01", "2028-07-20", "30", "arctic:40"),
            "reserved places are more than the session",
        ),
        (
            session("2028-07-01", "2028-07-20", "30", "arctic"),
            "group:places",
        ),
    ] {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post(&c, &format!("{base}/sessions"), &fields).await;
        let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
        assert!(shown.contains(problem), "{problem}: {shown}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions").await,
        0,
        "nothing saved from bad forms"
    );
    let good = session("2028-07-01", "2028-07-20", "30", "arctic:3;rural:8");
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(&c, &format!("{base}/sessions"), &fields).await;
    let r = app.post(&c, &format!("{base}/sessions"), &fields).await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(shown.contains("already has a session songdowon-2028-1"));
    let mut rules = vec![
        ("max_choices", "4"),
        ("school_cap", "3"),
        ("rural_coefficient", "1.2"),
        ("passport_months", "6"),
        ("offer_days", "7"),
    ];
    for (level, points, cap) in [
        ("international", "5", "10"),
        ("national", "3", "9"),
        ("regional", "2", "6"),
        ("municipal", "1", "3"),
    ] {
        rules.push((
            Box::leak(format!("points_{level}").into_boxed_str()),
            points,
        ));
        rules.push((Box::leak(format!("cap_{level}").into_boxed_str()), cap));
    }
    // A worse place earning more than a better one is refused, naming both.
    let mut inverted = rules.clone();
    inverted.extend([
        ("percent_1", "100"),
        ("percent_2", "50"),
        ("percent_3", "70"),
    ]);
    let r = app.post(&c, &format!("{base}/scoring"), &inverted).await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(
        shown.contains("Place 3 cannot earn more than place 2"),
        "{shown}"
    );
    assert!(
        !shown.contains("value=\"1.2\""),
        "nothing of the refused rules is saved"
    );
    rules.extend([
        ("percent_1", "100"),
        ("percent_2", "70"),
        ("percent_3", "50"),
    ]);
    app.post(&c, &format!("{base}/scoring"), &rules).await;
    app.post(
        &c,
        &format!("{base}/categories"),
        &[
            ("code", "state_care"),
            ("name", "Children in state care"),
            ("tier", "2"),
        ],
    )
    .await;
    app.post(
        &c,
        &format!("{base}/documents"),
        &[
            ("kind", "passport"),
            ("name", "Passport"),
            ("deadline", "2028-04-30"),
        ],
    )
    .await;
    let (_, shown) = app.get(&c, &base).await;
    assert!(
        shown.contains("arctic:3; rural:8")
            && shown.contains("Children in state care")
            && shown.contains("value=\"1.2\"")
            && shown
                .contains("name=\"percent_2\" type=\"number\" min=\"0\" max=\"100\" value=\"70\"")
    );

    app.post(&c, &format!("{base}/status"), &[("to", "open")])
        .await;
    let (status, commitment, seed): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT status, commitment_hex, seed_hex FROM programmes")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "open");
    let seed = smena_engine::Seed::from_hex(&seed.unwrap()).unwrap();
    assert_eq!(Some(seed.commitment().to_hex()), commitment);
    let (_, public) = app.get(&client(), "/").await;
    assert!(
        public.contains(&commitment.unwrap()) && !public.contains(&seed.to_hex()),
        "commitment public, seed secret"
    );
    // The rules are now fixed.
    let r = app
        .post(
            &c,
            &format!("{base}/categories"),
            &[("code", "late"), ("name", "Late"), ("tier", "9")],
        )
        .await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(shown.contains("can no longer change"));
    // A family can now apply to it.
    let parent = app.verified_parent("first.family@example.org").await;
    let (school,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schools")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(school, 0, "no schools yet in a fresh database");
    let (_, programmes) = app.get(&parent, "/programmes").await;
    assert!(programmes.contains("songdowon-2028-1"));
}

/// Every form and API endpoint, fed hostile values in every field (with a
/// valid CSRF token, so the handlers themselves are reached), answers with
/// a client error or a redirect, never a server error; and nothing the demo
/// holds is damaged.
async fn hostile_input_never_causes_a_server_error(app: &TestApp) {
    use smena::scenario::demo::PASSWORD;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let (child,): (i64,) = sqlx::query_as(
        "SELECT c.id FROM children c JOIN accounts a ON a.id = c.guardian_id WHERE a.email = 'parent@demo.smena' LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (application,): (i64,) = sqlx::query_as("SELECT id FROM applications WHERE child_id = $1")
        .bind(child)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (document,): (i64,) = sqlx::query_as("SELECT id FROM documents LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (pupil_school,): (i64,) = sqlx::query_as("SELECT id FROM schools LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let before = app.count("SELECT COUNT(*) FROM children").await;

    let hostile: Vec<String> = vec![
        String::new(),
        "<script>alert(1)</script>".into(),
        "'; DROP TABLE accounts; --".into(),
        "\u{0}".into(),
        "99999999999999999999999999".into(),
        "-1".into(),
        "1e9".into(),
        "NaN".into(),
        "2099-13-45".into(),
        "😀".repeat(500),
        "a".repeat(100_000),
        "../../etc/passwd".into(),
    ];
    let fields = [
        "email",
        "password",
        "password_again",
        "current",
        "full_name",
        "token",
        "given_name",
        "family_name",
        "birth_date",
        "school_id",
        "category",
        "passport_expires",
        "title",
        "level",
        "place",
        "choice_1",
        "choice_2",
        "action",
        "idem",
        "consent_participation",
        "decision",
        "reason",
        "kind",
        "name",
        "code",
        "camp",
        "country",
        "contact",
        "starts",
        "ends",
        "places",
        "min_age",
        "max_age",
        "languages",
        "reserves",
        "max_choices",
        "school_cap",
        "rural_coefficient",
        "passport_months",
        "offer_days",
        "points_regional",
        "cap_regional",
        "tier",
        "deadline",
        "to",
        "nominated",
        "label",
        "together_shown",
        "together",
        "status",
        "file",
        "seal",
    ];
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let parent = client();
    app.login(&parent, "parent@demo.smena", PASSWORD).await;
    let school = client();
    app.login(&school, "school@demo.smena", PASSWORD).await;
    let anonymous = client();
    let logged_out = client();
    app.login(&logged_out, "parent@demo.smena", PASSWORD).await;
    let (achievement,): (i64,) = sqlx::query_as(
        "SELECT x.id FROM achievements x JOIN children c ON c.id = x.child_id JOIN accounts a ON a.id = c.guardian_id \
         WHERE a.email = 'parent@demo.smena' LIMIT 1",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .unwrap_or((1,));
    let endpoints: Vec<(&reqwest::Client, String)> = vec![
        (&anonymous, "/login".into()),
        (&anonymous, "/register".into()),
        (&anonymous, "/password/forgot".into()),
        (&anonymous, "/password/reset".into()),
        (&parent, "/account/password".into()),
        (&parent, "/children".into()),
        (&parent, format!("/children/{child}")),
        (&parent, format!("/children/{child}/achievements")),
        (&parent, format!("/children/{child}/applications")),
        (&parent, format!("/applications/{application}")),
        (&parent, format!("/applications/{application}/offer")),
        (
            &coordinator,
            format!("/coordinator/documents/{document}/review"),
        ),
        (&coordinator, "/coordinator/allocation/runs".into()),
        (&coordinator, "/coordinator/programmes".into()),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/camps"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/sessions"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/scoring"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/categories"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/documents"),
        ),
        (&school, format!("/school/pupils/{pupil_school}/nominate")),
        (&school, "/school/pupils/import/confirm".into()),
        (
            &coordinator,
            "/coordinator/achievements/import/confirm".into(),
        ),
        (
            &parent,
            format!("/children/{child}/achievements/{achievement}/delete"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/status"),
        ),
        (
            &coordinator,
            "/coordinator/allocation/runs/1/publish".into(),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/vouchers"),
        ),
        (&parent, format!("/api/applications/{application}/offer")),
        (&anonymous, "/language".into()),
        // Last: these end what the others need.
        (&parent, format!("/applications/{application}/withdraw")),
        (&logged_out, "/logout".into()),
    ];
    // Every POST route of the service is in the list above: a new form
    // cannot skip this test.
    let uploads = [
        (&parent, format!("/children/{child}/documents")),
        (&school, "/school/pupils/import".to_string()),
        (&coordinator, "/coordinator/achievements/import".to_string()),
    ];
    let covered: Vec<String> = endpoints
        .iter()
        .chain(uploads.iter())
        .map(|(_, p)| pattern(p))
        .collect();
    for route in post_routes() {
        assert!(
            covered.contains(&pattern(&route)),
            "POST {route} is not in the hostile-input test"
        );
    }
    for (who, path) in &endpoints {
        let csrf = app.csrf(who, "/home").await;
        for value in &hostile {
            let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, value.as_str())).collect();
            form.push(("csrf", &csrf));
            let r = who.post(app.url(path)).form(&form).send().await.unwrap();
            assert!(
                r.status().as_u16() < 500,
                "POST {path} with {:?}: {}",
                value.chars().take(20).collect::<String>(),
                r.status()
            );
        }
        // Bytes that are not a form at all.
        let r = who
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", &csrf)
            .body(vec![0xff, 0xfe, b'%', b'%', 0x00, b'=', b'&'])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().as_u16() < 500,
            "POST {path} with garbage bytes: {}",
            r.status()
        );
    }
    // Multipart uploads with garbage.
    for (who, path) in &uploads {
        let csrf = app.csrf(who, "/home").await;
        for body in [vec![], b"not multipart at all".to_vec(), vec![0u8; 1024]] {
            let r = who
                .post(app.url(&format!("{path}?csrf={csrf}")))
                .header("content-type", "multipart/form-data; boundary=x")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().as_u16() < 500, "POST {path}: {}", r.status());
        }
    }
    // The API with bodies that are not JSON or not the expected shape.
    let csrf = app.csrf(&parent, "/home").await;
    for body in [
        "",
        "{",
        "[]",
        "{\"decision\": 5}",
        "null",
        &"[".repeat(10_000),
    ] {
        let r = parent
            .post(app.url(&format!("/api/applications/{application}/offer")))
            .header("content-type", "application/json")
            .header("x-csrf-token", &csrf)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            r.status().as_u16() < 500,
            "API offer with {body:.20}: {}",
            r.status()
        );
    }
    // Ids that are not ids, on every kind of page.
    for path in [
        "/children/abc",
        "/children/-1",
        "/children/99999999999999999999999",
        "/applications/0",
        "/documents/xyz",
        "/public/programmes/1/placements.csv",
        "/public/programmes/abc",
        "/api/applications/%00",
        "/api/programmes/1/sessions",
        "/coordinator/allocation/runs/1",
        "/coordinator/allocation/compare?a=x&b=y",
        "/coordinator/programmes/7",
        "/verify-email?token=%00",
        "/password/reset?token=<script>",
    ] {
        for who in [&anonymous, &parent, &coordinator] {
            let r = who.get(app.url(path)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "GET {path}: {}", r.status());
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM children").await,
        before,
        "nothing saved was lost"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'parent@demo.smena'")
            .await,
        1
    );
}

/// A route with its ids and parameters replaced by `*`.
fn pattern(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .map(|seg| {
            if seg.starts_with('{')
                || (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            {
                "*"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The paths of every route with a POST handler, read from the source.
fn post_routes() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                for call in text.split(".route(").skip(1) {
                    // Up to the closing parenthesis of this call.
                    let mut depth = 1;
                    let end = call
                        .char_indices()
                        .find(|&(_, c)| {
                            depth += match c {
                                '(' => 1,
                                ')' => -1,
                                _ => 0,
                            };
                            depth == 0
                        })
                        .map_or(call.len(), |(i, _)| i);
                    let call = &call[..end];
                    if call.contains("post(")
                        && let Some(route) = call.split('"').nth(1)
                    {
                        out.push(route.to_string());
                    }
                }
            }
        }
    }
    let mut routes = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut routes,
    );
    assert!(routes.len() > 20, "routes found: {routes:?}");
    routes
}

/// A logged-in parent with no children.
async fn parent_of_nobody(app: &TestApp) -> reqwest::Client {
    app.verified_parent("nobody.at.camp@example.org").await
}

/// The outbox is delivered to a real SMTP server on loopback. The server
/// stops; the service keeps answering and keeps the messages; the sender
/// restarts; the server comes back; every message arrives exactly once.
async fn mail_arrives_exactly_once_across_an_outage(app: &TestApp) {
    use smena::notifications::delivery::{MailConfig, run};
    use std::time::Duration;
    let mut sink = SmtpSink::start().await;
    let mut config = MailConfig::from_url(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "Smena <noreply@smena.test>",
        "smena.test",
    )
    .unwrap();
    config.retry_base = Duration::from_millis(200);
    config.poll = Duration::from_millis(100);
    config.lease = Duration::from_secs(1);
    let sender = tokio::spawn(run(app.db.clone(), config.clone()));

    app.register(
        &client(),
        "Parent",
        "first@example.org",
        "a long enough passphrase",
    )
    .await;
    let arrived = sink.wait_for(1).await;
    let first = &arrived[0];
    assert!(first.contains("To: first@example.org"), "{first}");
    assert!(
        first.contains("multipart/alternative")
            && first.contains("text/plain")
            && first.contains("text/html")
            && first.contains("Message-ID: <outbox-"),
        "plain text and HTML, with a stable Message-ID: {first}"
    );
    assert!(first.contains("/verify-email?token="));

    // The mail server goes away; families keep registering.
    sink.stop();
    for i in 0..5 {
        let r = app
            .register(
                &client(),
                "Parent",
                &format!("outage{i}@example.org"),
                "a long enough passphrase",
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "the service keeps working");
        assert!(r.text().await.unwrap().contains("We sent a message"));
    }
    // A message to an address no server could take fails for good.
    app.execute(
        "INSERT INTO outbox (id, recipient, kind, subject, body, created_at, next_attempt_at) \
         VALUES (77, 'not an address', 'test', 'Subject', 'Body', 0, 0)",
    )
    .await;
    let mut retried = 0;
    for _ in 0..100 {
        retried = app
            .count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts >= 2 AND last_error IS NOT NULL")
            .await;
        if retried == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(retried, 5, "each message tried again, with the error kept");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL")
            .await,
        1
    );
    let coordinator_view = smena::notifications::outbox::recent(&app.db, 50)
        .await
        .unwrap();
    assert!(
        coordinator_view
            .iter()
            .any(|m| m.state == "retrying" && m.last_error.is_some())
    );

    // The sender restarts (as the service would), then the server returns.
    sender.abort();
    let _ = sender.await;
    let sender = tokio::spawn(run(app.db.clone(), config));
    sink.resume().await;
    let arrived = sink.wait_for(6).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let arrived = if sink.messages().len() > arrived.len() {
        sink.messages()
    } else {
        arrived
    };
    let mut ids: Vec<&str> = arrived
        .iter()
        .map(|m| m.lines().find(|l| l.starts_with("Message-ID:")).unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(arrived.len(), 6, "six messages, none twice");
    assert_eq!(ids.len(), 6);
    for i in 0..5 {
        let to = format!("To: outage{i}@example.org");
        assert_eq!(
            arrived.iter().filter(|m| m.contains(&to)).count(),
            1,
            "{to}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
            .await,
        0
    );
    sender.abort();
}

/// The text poppler reads from a PDF the service sent, without white space
/// (typst breaks lines where it likes).
fn pdf_text(response_bytes: &[u8]) -> String {
    assert!(response_bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paper.pdf");
    std::fs::write(&file, response_bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect()
}

/// GETs a paper: its status, and its text when it is a PDF.
async fn paper(app: &TestApp, who: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = who.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    if status != StatusCode::OK {
        return (status, String::new());
    }
    assert_eq!(r.headers()["content-type"], "application/pdf", "{path}");
    assert_eq!(r.headers()["cache-control"], "private, no-store", "{path}");
    let bytes = r.bytes().await.unwrap();
    (status, pdf_text(&bytes))
}

/// Keeps a paper under target/tmp/papers for the README's pictures
/// (`docs/papers/render.sh` turns them into PNG).
async fn keep(app: &TestApp, who: &reqwest::Client, path: &str, name: &str) {
    let bytes = who
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("papers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}-{name}.pdf", app.backend())), bytes).unwrap();
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// After publication a family accepts a place at Songdowon; the coordinator
/// issues vouchers; the family is told in Russian and prints the voucher and
/// the consent form; the coordinator and a chaperone print the manifest and
/// the roster; nobody else gets any of them; the voucher's QR address says
/// it is valid.
async fn travel_papers_and_spreadsheets_reach_only_whom_they_concern(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    // The dashboard before any allocation: applications and demand only.
    let (status, page) = app.get(&coordinator, "/coordinator/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<svg").count(), 2, "{page}");
    assert!(page.contains("appear once there is a final allocation"));
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let r = app.post(&coordinator, &format!("{run}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A child offered a place at the camp with the Hangul name; her family
    // reads Russian, and her name is written in Cyrillic.
    let (application, child, session, guardian): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT a.id, c.id, o.session_id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id \
         WHERE o.status = 'offered' AND k.name LIKE '%송도원%' ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    {
        let mut tx = app.db.begin_write().await.unwrap();
        sqlx::query(
            "UPDATE children SET given_name = 'Айыына', family_name = 'Ҕоҕолова', passport_number = '98 12 345678', \
             emergency_contact = 'Бабушка +7 914 111-22-33' WHERE id = $1",
        )
        .bind(child)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE accounts SET language = 'ru' WHERE email = $1")
            .bind(&guardian)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let family = client();
    app.login(&family, &guardian, smena::scenario::demo::PASSWORD)
        .await;
    let voucher = format!("/applications/{application}/voucher.pdf");
    assert_eq!(
        paper(app, &family, &voucher).await.0,
        StatusCode::NOT_FOUND,
        "no voucher before the place is accepted"
    );
    let r = app
        .post(
            &family,
            &format!("/applications/{application}/offer"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        paper(app, &family, &voucher).await.0,
        StatusCode::NOT_FOUND,
        "no voucher before it is issued"
    );
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    // The family reads its pages in Russian, the language it registered with.
    assert!(page.contains("Путёвка появится здесь"), "{page}");

    // The coordinator issues the vouchers: one per accepted place, once.
    let accepted = app
        .count("SELECT COUNT(*) FROM offers WHERE status = 'accepted'")
        .await;
    let programme = programme_id(app).await;
    let issue = format!("/coordinator/programmes/{programme}/vouchers");
    let r = app.post(&coordinator, &issue, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("/coordinator/allocation?vouchers={accepted}")
    );
    let (_, page) = app.get(&coordinator, &location).await;
    let issued = if accepted == 1 {
        "1 travel voucher issued; the family is".to_string()
    } else {
        format!("{accepted} travel vouchers issued; the families are")
    };
    assert!(page.contains(&issued), "{page}");
    let r = app.post(&coordinator, &issue, &[]).await;
    assert_eq!(
        r.headers()["location"],
        "/coordinator/allocation?vouchers=0",
        "a voucher is issued once"
    );
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE recipient = $1 AND kind = 'voucher_ready'",
    )
    .bind(&guardian)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Путёвка для Ҕоҕолова Айыына готова");
    assert!(
        body.contains("Yakutsk airport") && body.contains(&format!("/applications/{application}")),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'voucher_ready'")
            .await,
        accepted
    );

    // The family prints the voucher, in Russian (the account's language),
    // and in Korean when asked.
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    assert!(page.contains(&voucher), "the page links the voucher");
    let (code,): (String,) =
        sqlx::query_as("SELECT voucher_code FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let (status, text) = paper(app, &family, &voucher).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Ҕоҕолова Айыына",
        "송도원국제소년단야영소",
        "Путёвка",
        "Местоотправления",
        &code,
        "Yakutsk airport (YKS)",
    ] {
        assert!(text.contains(&squeeze(expected)), "{expected} in {text}");
    }
    let (_, text) = paper(app, &family, &format!("{voucher}?lang=ko")).await;
    assert!(
        text.contains("여행바우처") && text.contains("Ҕоҕолова"),
        "{text}"
    );
    let (status, text) = paper(
        app,
        &family,
        &format!("/applications/{application}/consent.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("Согласиеродителя")
            && text.contains(&squeeze("Ҕоҕолова Айыына"))
            && text.contains("송도원"),
        "{text}"
    );

    // The voucher's QR address: valid, for whom and where; an unknown code
    // is said to be unknown.
    let anonymous = client();
    let (status, page) = app
        .get(&anonymous, &format!("/vouchers/{code}?lang=ru"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Путёвка действительна") && page.contains("Ҕоҕолова Айыына"),
        "{page}"
    );
    let (status, page) = app.get(&anonymous, "/vouchers/ZZZZZ-ZZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("No valid voucher has this code"));
    let (status, _) = app
        .get(&anonymous, &format!("/vouchers/{}", "<script>".repeat(50)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The manifest and the roster: the coordinator and a chaperone.
    let chaperone = client();
    app.login(
        &chaperone,
        "chaperone@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let manifest = format!("/coordinator/sessions/{session}/manifest.pdf");
    let roster = format!("/coordinator/sessions/{session}/roster.pdf");
    for who in [&coordinator, &chaperone] {
        let (status, text) = paper(app, who, &manifest).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.contains("Ҕоҕолова") && text.contains("9812345678") && text.contains("송도원"),
            "{text}"
        );
        let (status, text) = paper(app, who, &roster).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.contains("Ҕоҕолова") && text.contains("Бабушка+7914111-22-33"),
            "{text}"
        );
    }
    // Without `?lang` the papers follow the language the reader chose.
    app.post(&chaperone, "/language", &[("lang", "ko"), ("back", "/")])
        .await;
    let (_, text) = paper(app, &chaperone, &roster).await;
    assert!(text.contains(&squeeze("오프라인 명단")), "{text}");
    let (status, text) = paper(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=ko"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("프로그램보고서") && text.contains("songdowon-2027-1"),
        "{text}"
    );

    keep(app, &family, &voucher, "voucher").await;
    keep(
        app,
        &family,
        &format!("/applications/{application}/consent.pdf"),
        "consent",
    )
    .await;
    keep(
        app,
        &coordinator,
        &format!("{manifest}?lang=en"),
        "manifest",
    )
    .await;
    keep(app, &chaperone, &format!("{roster}?lang=ru"), "roster").await;
    keep(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=en"),
        "report",
    )
    .await;

    // The dashboard after publication: four charts, each session's cutoff.
    let (_, page) = app.get(&coordinator, "/coordinator/dashboard").await;
    assert_eq!(page.matches("<svg").count(), 4);
    let sessions = app.count("SELECT COUNT(*) FROM sessions").await;
    // One histogram per session ("N ranked it"; the demand chart's legend
    // says "children who ranked it").
    let histograms =
        page.matches("ranked it</text>").count() - page.matches("who ranked it</text>").count();
    assert_eq!(histograms as i64, sessions);
    assert!(page.contains(">cutoff ") && page.contains("% of places"));
    let (_, text) = paper(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=en"),
    )
    .await;
    for title in [
        "Applications submitted over time",
        "Share of places against share of applicants",
        "Scores of the children who ranked each session",
    ] {
        assert!(text.contains(&squeeze(title)), "{title}");
    }
    // The chaperone's way to the papers.
    let (status, page) = app.get(&chaperone, "/travel-papers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&manifest) && page.contains(&roster));

    // Nobody else: another family, the camp.
    let camp = client();
    app.login(&camp, "camp@demo.smena", smena::scenario::demo::PASSWORD)
        .await;
    let stranger = parent_of_nobody(app).await;
    for who in [&stranger, &camp, &chaperone] {
        assert_eq!(
            app.get(who, "/coordinator/dashboard").await.0,
            StatusCode::NOT_FOUND
        );
    }
    for who in [&stranger, &camp] {
        assert_eq!(
            app.get(who, "/travel-papers").await.0,
            StatusCode::NOT_FOUND
        );
    }
    for path in [
        voucher.clone(),
        format!("/applications/{application}/consent.pdf"),
        manifest.clone(),
        roster.clone(),
        format!("/coordinator/programmes/{programme}/report.pdf"),
    ] {
        for who in [&stranger, &camp] {
            assert_eq!(
                paper(app, who, &path).await.0,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }
    assert_eq!(
        paper(app, &family, &manifest).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        paper(
            app,
            &chaperone,
            &format!("/coordinator/programmes/{programme}/report.pdf")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'print' AND resource = 'manifest'"
        )
        .await
            >= 2,
        "printing the manifest is audited"
    );

    // The family's passport number is checked when typed.
    let (given, family_name, birth, school): (String, String, String, i64) = sqlx::query_as(
        "SELECT given_name, family_name, birth_date, school_id FROM children WHERE id = $1",
    )
    .bind(child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let school = school.to_string();
    let r = app
        .post(
            &family,
            &format!("/children/{child}"),
            &[
                ("given_name", given.as_str()),
                ("family_name", family_name.as_str()),
                ("birth_date", birth.as_str()),
                ("school_id", school.as_str()),
                ("passport_number", "12<script>"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Номер паспорта — от 5 до 20 букв и цифр"),
        "the Russian family reads it in Russian"
    );
    let (number,): (Option<String>,) =
        sqlx::query_as("SELECT passport_number FROM children WHERE id = $1")
            .bind(child)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(number.as_deref(), Some("98 12 345678"), "nothing was saved");

    // The spreadsheets: the coordinator's, the manifest also the chaperone's.
    use calamine::Reader as _;
    let get_bytes = |who: &reqwest::Client, path: String| {
        let request = who.get(app.url(&path));
        async move {
            let r = request.send().await.unwrap();
            (r.status(), r.bytes().await.unwrap().to_vec())
        }
    };
    let (status, bytes) = get_bytes(
        &coordinator,
        format!("/coordinator/programmes/{programme}/exports/placements.xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let placed = app
        .count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NOT NULL")
        .await;
    assert_eq!(sheet.height() as i64, placed + 1);
    assert!(
        sheet.rows().any(|row| row.iter().any(|c| *c == "Ҕоҕолова")),
        "the Cyrillic name is in the placements"
    );
    let (status, bytes) = get_bytes(
        &coordinator,
        format!("/coordinator/programmes/{programme}/exports/waitlist.csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let waitlist = String::from_utf8(bytes).unwrap();
    let unplaced = app
        .count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NULL")
        .await;
    assert_eq!(waitlist.lines().count() as i64, unplaced + 1);
    // A person's download names its columns in their language.
    assert!(
        waitlist.starts_with("\u{feff}Reference,Family name,Given name"),
        "{waitlist}"
    );
    for (who, ok) in [
        (&chaperone, true),
        (&coordinator, true),
        (&camp, false),
        (&family, false),
    ] {
        let (status, bytes) = get_bytes(
            who,
            format!("/coordinator/sessions/{session}/exports/manifest.csv"),
        )
        .await;
        if ok {
            assert_eq!(status, StatusCode::OK);
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.contains("98 12 345678") && text.contains("Бабушка"),
                "{text}"
            );
            // The chaperone reads Korean (chosen above).
            assert_eq!(
                text.starts_with("\u{feff}신청 번호,성,이름"),
                std::ptr::eq(who, &chaperone),
                "{text}"
            );
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
    for path in [
        format!("/coordinator/programmes/{programme}/exports/applications.xlsx"),
        format!("/coordinator/programmes/{programme}/exports/placements.csv"),
    ] {
        assert_eq!(
            get_bytes(&chaperone, path.clone()).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(get_bytes(&family, path).await.0, StatusCode::NOT_FOUND);
    }
    for bad in [
        "passwords.csv",
        "applications.exe",
        "applications",
        "manifest.csv",
    ] {
        assert_eq!(
            get_bytes(
                &coordinator,
                format!("/coordinator/programmes/{programme}/exports/{bad}")
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
}

/// The browser's language is remembered at registration and every message
/// to the account is written in it: Russian and Korean here, English for
/// a browser that asks for neither.
async fn e_mail_speaks_the_recipients_language(app: &TestApp) {
    for (accept, email, subject, greeting, code) in [
        (
            "ru-RU,ru;q=0.9,en;q=0.5",
            "sardana@example.org",
            "Подтвердите адрес электронной почты для Smena",
            "Здравствуйте, Сардана!",
            "ru",
        ),
        (
            "ko-KR,ko;q=0.9",
            "minji@example.org",
            "Smena 이메일 주소를 확인해 주세요",
            "Сардана님, 안녕하세요.",
            "ko",
        ),
        (
            "de-DE,de;q=0.9",
            "anna@example.org",
            "Please confirm your e-mail address for Smena",
            "Hello Сардана,",
            "en",
        ),
    ] {
        let c = client_speaking(accept);
        let r = app
            .register(&c, "Сардана", email, "a long enough passphrase")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (got_subject, body): (String, String) = sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE recipient = $1 AND kind = 'email_verification'",
        )
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(got_subject, subject);
        assert!(body.starts_with(greeting), "{body}");
        assert!(body.contains("/verify-email?token="), "{body}");
        let (stored,): (String,) = sqlx::query_as("SELECT language FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(stored, code, "the language is remembered");
    }
    // Later messages follow the account, whatever the browser asks for.
    let r = app
        .post(
            &client_speaking("en"),
            "/password/forgot",
            &[("email", "sardana@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE recipient = 'sardana@example.org' AND kind = 'password_reset'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Смена пароля Smena");
    assert!(
        body.contains("откройте эту ссылку в течение часа"),
        "{body}"
    );
    // Registering again with a known address tells the owner, in the
    // owner's language, not the stranger's.
    app.register(
        &client_speaking("en"),
        "Someone",
        "minji@example.org",
        "another long passphrase",
    )
    .await;
    let (subject,): (String,) = sqlx::query_as(
        "SELECT subject FROM outbox WHERE recipient = 'minji@example.org' AND kind = 'account_exists'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "누군가 귀하의 이메일 주소로 가입하려고 했습니다");
}

/// Pages start in the browser's language; the switcher on every page
/// changes it, the choice is remembered on the device and on the account,
/// and e-mail follows the account.
async fn the_language_is_chosen_remembered_and_followed(app: &TestApp) {
    let c = client_speaking("ko-KR,ko;q=0.9");
    let (_, page) = app.get(&c, "/login").await;
    assert!(
        page.contains("<html lang=\"ko\">") && page.contains(">로그인</a>"),
        "{page}"
    );
    // The form's own words and its error messages are Korean too.
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", ""),
                ("email", "not-an-address"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    for expected in [
        "부모 또는 보호자로 가입",
        "성명을 입력하세요.",
        "이메일 주소가 아닙니다.",
        "비밀번호는 10자 이상이어야 합니다.",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let r = app
        .post(&c, "/language", &[("lang", "ru"), ("back", "/login?x=1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?x=1");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("smena_lang=ru;") && cookie.contains("Max-Age=31536000"));
    let (_, page) = app.get(&c, "/login").await;
    assert!(
        page.contains("<html lang=\"ru\">") && page.contains(">Войти</a>"),
        "{page}"
    );
    assert!(page.contains("value=\"ru\" lang=\"ru\" aria-current=\"true\" disabled"));
    for back in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "",
    ] {
        let r = app
            .post(&c, "/language", &[("lang", "en"), ("back", back)])
            .await;
        assert_eq!(r.headers()["location"], "/", "{back}");
    }
    let r = app.post(&c, "/language", &[("lang", "xx")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A logged-in parent's choice is stored on the account: e-mail follows.
    let parent = app.verified_parent("language.switch@example.org").await;
    let r = app
        .post(&parent, "/language", &[("lang", "ko"), ("back", "/home")])
        .await;
    assert_eq!(r.headers()["location"], "/home");
    let (stored,): (String,) =
        sqlx::query_as("SELECT language FROM accounts WHERE email = 'language.switch@example.org'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored, "ko");
    let (_, page) = app.get(&parent, "/home").await;
    assert!(
        page.contains("<strong>부모 또는 보호자</strong>") && page.contains(">비밀번호 변경</a>"),
        "{page}"
    );
    app.post(
        &client(),
        "/password/forgot",
        &[("email", "language.switch@example.org")],
    )
    .await;
    let (subject,): (String,) = sqlx::query_as(
        "SELECT subject FROM outbox WHERE recipient = 'language.switch@example.org' AND kind = 'password_reset'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Smena 비밀번호 재설정");
}

/// The programme office imports olympiad results: a broken file is refused
/// row by row in the reader's language and writes nothing; a good one is
/// previewed, then confirmed, and the children's scores count it; the same
/// file again adds nothing; nobody else may import.
async fn the_coordinator_imports_achievements(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let (family, given, birth): (String, String, String) = sqlx::query_as(
        "SELECT family_name, given_name, birth_date FROM children ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let import = |c: reqwest::Client, bytes: Vec<u8>| async move {
        let csrf = app.csrf(&c, "/coordinator/achievements").await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("results.xlsx"),
        );
        c.post(app.url(&format!("/coordinator/achievements/import?csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let before = app.count("SELECT COUNT(*) FROM achievements").await;
    let broken = format!(
        "family_name,given_name,birth_date,achievement,level,place\n\
         Nobody,Known,2013-01-01,Chess,municipal,1\n\
         {family},{given},{birth},Chess,galactic,1\n"
    );
    let r = import(coordinator.clone(), broken.clone().into_bytes()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing was imported") && page.contains("Line 3, column 5 (level)"),
        "{page}"
    );
    // Every row is checked before children are looked up; then the
    // unknown child is named.
    let unknown = "family_name,given_name,birth_date,achievement,level,place\nNobody,Known,2013-01-01,Chess,municipal,1\n";
    let r = import(coordinator.clone(), unknown.as_bytes().to_vec()).await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Line 2: no child Known Nobody, 2013-01-01 is registered"),
        "{page}"
    );
    let russian = client_speaking("ru");
    app.login(
        &russian,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    app.post(&russian, "/language", &[("lang", "ru"), ("back", "/")])
        .await;
    let page = import(russian.clone(), broken.into_bytes())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Ничего не загружено") && page.contains("Строка 3, столбец 5 (level)"),
        "{page}"
    );
    // The account's language is back to English for what follows.
    app.post(&russian, "/language", &[("lang", "en"), ("back", "/")])
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM achievements").await, before);

    // A good workbook: previewed, nothing written until confirmed.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        [
            "Фамилия",
            "Имя",
            "Дата рождения",
            "Достижение",
            "Уровень",
            "Место",
        ],
        [
            &family,
            &given,
            &birth,
            "Олимпиада по физике",
            "республиканский",
            "1",
        ],
        [&family, &given, &birth, "Chess", "international", "2"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let good = book.save_to_buffer().unwrap();
    let r = import(coordinator.clone(), good.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing has been imported yet")
            && page.contains("The file lists 2 achievements"),
        "{page}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM achievements").await, before);
    let field = |page: &str, name: &str| {
        page.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (file, seal) = (field(&page, "file"), field(&page, "seal"));
    let forged = "0".repeat(64);
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", forged.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", file.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&coordinator, &location).await;
    assert!(page.contains("2 achievements added"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM achievements").await,
        before + 2
    );
    let regional = app
        .count("SELECT COUNT(*) FROM achievements WHERE title = 'Олимпиада по физике' AND level = 'regional' AND place = 1")
        .await;
    assert_eq!(regional, 1);

    // The same results again add nothing.
    let page = import(coordinator.clone(), good)
        .await
        .text()
        .await
        .unwrap();
    let (file, seal) = (field(&page, "file"), field(&page, "seal"));
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", file.as_str()), ("seal", seal.as_str())],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("added=0&rows=2"), "{location}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM achievements").await,
        before + 2
    );

    // Only the coordinator.
    for (email, path) in [
        ("school@demo.smena", "/coordinator/achievements"),
        ("parent@demo.smena", "/coordinator/achievements"),
    ] {
        let c = client();
        app.login(&c, email, smena::scenario::demo::PASSWORD).await;
        assert_eq!(app.get(&c, path).await.0, StatusCode::NOT_FOUND, "{email}");
    }
}

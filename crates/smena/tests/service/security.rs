//! The holes a security review found, each tried as an attacker would and
//! found closed: one-time links never readable by staff or in the
//! database, throttled logins that cannot be turned against an account's
//! owner, and registration that does not tell who is registered.

use std::sync::Arc;

use crate::common::{SmtpSink, TestApp, client, client_at};
use reqwest::StatusCode;

on_both_databases!(
    one_time_links_are_sealed_and_wiped_once_sent,
    forty_parallel_guesses_are_stopped_and_the_owner_still_logs_in,
    registration_answers_alike_for_known_and_new_addresses,
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
    let sender = tokio::spawn(run(app.db.clone(), config, app.key.clone()));
    let sent = sink.wait_for(2).await;
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
             AND detail IN ('password reset asked', 'password reset')"
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

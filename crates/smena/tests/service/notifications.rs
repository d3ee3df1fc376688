//! The outbox delivered over SMTP.

use crate::common::{SmtpSink, TestApp, client};
use reqwest::StatusCode;

on_both_databases!(mail_arrives_exactly_once_across_an_outage,);

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
    let sender = tokio::spawn(run(app.db.clone(), config.clone(), app.key.clone()));

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
            .any(|m| m.state == "retrying" && m.message.last_error.is_some())
    );

    // The sender restarts (as the service would), then the server returns.
    sender.abort();
    let _ = sender.await;
    let sender = tokio::spawn(run(app.db.clone(), config, app.key.clone()));
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

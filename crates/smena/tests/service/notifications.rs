//! The outbox delivered over SMTP.

use crate::common::{SmtpSink, TestApp, client};
use reqwest::StatusCode;

on_both_databases!(
    mail_arrives_exactly_once_across_an_outage,
    a_stalled_mail_server_is_given_up_on_and_delivery_goes_on,
    two_senders_and_a_slow_server_deliver_every_message_once,
    a_family_reads_what_was_sent_to_it_and_asks_for_the_confirmation_again,
);

/// Delivery to the server on `port` at a test's pace: retries after 200 ms,
/// a lease of 1 s (or three send timeouts, if longer), looks every 100 ms.
fn quick_mail(
    port: u16,
    send_timeout: std::time::Duration,
) -> smena::notifications::delivery::MailConfig {
    use std::time::Duration;
    let mut config = smena::notifications::delivery::MailConfig::from_url(
        &format!("smtp://127.0.0.1:{port}"),
        "Smena <noreply@smena.test>",
        "smena.test",
    )
    .unwrap();
    config.retry_base = Duration::from_millis(200);
    config.poll = Duration::from_millis(100);
    config.lease = Duration::from_secs(1);
    config.send_timeout = send_timeout;
    config
}

/// Puts `n` plain messages in the outbox, ids from `first`.
async fn queue_messages(app: &TestApp, first: i64, n: i64) {
    let mut tx = app.db.begin_write().await.unwrap();
    for id in first..first + n {
        sqlx::query(
            "INSERT INTO outbox (id, recipient, kind, subject, body, created_at, next_attempt_at) \
             VALUES ($1, $2, 'test', $3, $4, 0, 0)",
        )
        .bind(id)
        .bind(format!("family{id}@example.org"))
        .bind(format!("Message {id}"))
        .bind(format!("Body {id}"))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Waits for `n` messages, and a while longer for a late copy: each of
/// the `n` arrived, and none twice.
async fn each_arrives_once(sink: &SmtpSink, n: usize) {
    sink.wait_for(n).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(distinct_ids(&sink.messages()), (n, n), "every message once");
}

/// The Message-IDs of what arrived, each once, and how many arrived.
fn distinct_ids(arrived: &[String]) -> (usize, usize) {
    let mut ids: Vec<&str> = arrived
        .iter()
        .map(|m| m.lines().find(|l| l.starts_with("Message-ID:")).unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    (ids.len(), arrived.len())
}

/// A mail server that accepts connections and never answers, until told
/// to: then new connections are passed to `upstream` (the real server).
/// Counts the connections it held silent.
struct Staller {
    port: u16,
    stalling: std::sync::Arc<std::sync::atomic::AtomicBool>,
    held: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Staller {
    async fn start(upstream: u16) -> Staller {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let stalling = std::sync::Arc::new(AtomicBool::new(true));
        let held = std::sync::Arc::new(AtomicUsize::new(0));
        let (s, h) = (stalling.clone(), held.clone());
        let task = tokio::spawn(async move {
            let mut silent = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                if s.load(Ordering::SeqCst) {
                    h.fetch_add(1, Ordering::SeqCst);
                    silent.push(socket);
                } else {
                    tokio::spawn(async move {
                        let mut server = tokio::net::TcpStream::connect(("127.0.0.1", upstream))
                            .await
                            .unwrap();
                        let _ = tokio::io::copy_bidirectional(&mut socket, &mut server).await;
                    });
                }
            }
        });
        Staller {
            port,
            stalling,
            held,
            task,
        }
    }
}

/// A server that takes the connection and never answers: the sender gives
/// up after its timeout, drops the connection, records the reason and
/// tries again later; once the server answers, every message arrives, and
/// none twice.
async fn a_stalled_mail_server_is_given_up_on_and_delivery_goes_on(app: &TestApp) {
    use smena::notifications::delivery::run;
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    let sink = SmtpSink::start().await;
    let staller = Staller::start(sink.port).await;
    // Long enough that a send to the answering server never times out on
    // a loaded machine (a timed-out send the server did accept goes again).
    let mut config = quick_mail(staller.port, Duration::from_secs(2));
    config.poll = Duration::from_millis(50);
    config.connections = 2;
    queue_messages(app, 1000, 20).await;
    let sender = tokio::spawn(run(app.db.clone(), config, app.key.clone()));
    let mut given_up = 0;
    for _ in 0..100 {
        given_up = app
            .count("SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%did not answer within%' AND sent_at IS NULL")
            .await;
        if given_up >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        given_up >= 2,
        "each sender gave up on the silent server and said why"
    );
    assert!(staller.held.load(Ordering::SeqCst) >= 2);
    assert_eq!(sink.messages().len(), 0);

    // The server answers again: delivery goes on by itself.
    staller.stalling.store(false, Ordering::SeqCst);
    each_arrives_once(&sink, 20).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        0
    );
    sender.abort();
    staller.task.abort();
}

/// Two senders (two replicas) share one outbox and a server that takes
/// 100 ms per message: each holds messages far longer than a lease, which
/// is renewed, so neither takes a message the other holds and every
/// message arrives exactly once.
async fn two_senders_and_a_slow_server_deliver_every_message_once(app: &TestApp) {
    use smena::notifications::delivery::run;
    use std::time::Duration;
    let sink = SmtpSink::start_slow(Duration::from_millis(100)).await;
    let mut config = quick_mail(sink.port, Duration::from_secs(1));
    config.poll = Duration::from_millis(50);
    config.connections = 2;
    assert_eq!(config.effective_lease(), Duration::from_secs(3));
    queue_messages(app, 5000, 200).await;
    let first = tokio::spawn(run(app.db.clone(), config.clone(), app.key.clone()));
    let second = tokio::spawn(run(app.db.clone(), config, app.key.clone()));
    each_arrives_once(&sink, 200).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL OR attempts <> 1")
            .await,
        0,
        "each sent at the first attempt"
    );
    first.abort();
    second.abort();
}

/// The outbox is delivered to a real SMTP server on loopback. The server
/// stops; the service keeps answering and keeps the messages; the sender
/// restarts; the server comes back; every message arrives exactly once.
async fn mail_arrives_exactly_once_across_an_outage(app: &TestApp) {
    use smena::notifications::delivery::run;
    use std::time::Duration;
    let mut sink = SmtpSink::start().await;
    let config = quick_mail(sink.port, Duration::from_millis(300));
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

/// A family that lost its confirmation e-mail asks for it again from its
/// home page (a new link that works; three an hour at most), and reads
/// every message sent to its own address — never another's, never a
/// one-time link.
async fn a_family_reads_what_was_sent_to_it_and_asks_for_the_confirmation_again(app: &TestApp) {
    const PASS: &str = "a long enough passphrase";
    let (a, b) = (client(), client());
    app.register(&a, "Aisen", "aisen@example.org", PASS).await;
    app.register(&b, "Bolot", "bolot@example.org", PASS).await;
    for (c, email) in [(&a, "aisen@example.org"), (&b, "bolot@example.org")] {
        let r = app.login(c, email, PASS).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, home) = app.get(&a, "/home").await;
    assert!(home.contains("action=\"/account/verification\""), "{home}");
    let r = app.post(&a, "/account/verification", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("aisen@example.org"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'aisen@example.org' AND kind = 'email_verification'")
            .await,
        2
    );
    // The new link confirms the address.
    let link = app.link_in(&app.last_mail("aisen@example.org").await);
    assert_eq!(app.get(&a, &link).await.0, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'aisen@example.org' AND email_verified_at IS NOT NULL")
            .await,
        1
    );
    // Confirmed: nothing is sent again.
    let r = app.post(&a, "/account/verification", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Three an hour, then refused.
    for _ in 0..3 {
        assert_eq!(
            app.post(&b, "/account/verification", &[]).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        app.post(&b, "/account/verification", &[]).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    let cards = |page: &str| page.matches("<div class=\"card\">").count();
    let (status, page) = app.get(&a, "/account/messages").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cards(&page), 2, "{page}");
    assert!(
        !page.contains("token="),
        "no one-time link is shown: {page}"
    );
    let (_, page) = app.get(&b, "/account/messages").await;
    assert_eq!(cards(&page), 4, "Bolot's own four, not Aisen's: {page}");
}

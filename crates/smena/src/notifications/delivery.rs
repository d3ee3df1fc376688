//! Delivery of the outbox over SMTP (lettre), with retries and backoff.
//!
//! Messages are taken in batches by one conditional UPDATE that starts
//! their lease and names the holder (on PostgreSQL `FOR UPDATE SKIP
//! LOCKED`), so replicas take disjoint work; the lease is renewed while a
//! message is held, and every exchange with the server has a timeout
//! shorter than the lease, so a stalled or slow server never lets a second
//! replica send the same message. Connections are kept open and reused
//! (our own small pool: lettre's pool would put a connection whose send was
//! cut short by the timeout back into use). A message is marked sent once
//! the server has accepted it; the one duplicate left possible, a crash
//! between the server's acceptance and that mark, goes again with the same
//! Message-ID (derived from the row), which receiving servers and mail
//! clients recognise. When the server is away the attempt is counted and
//! the next one waits twice as long (up to an hour). Addresses the server
//! refuses for good (5xx) are marked failed and shown to the coordinator.

use std::time::Duration;

use std::sync::Arc;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::store::{Backend, Db, SECRET, SECRET_PURPOSE, Sealed, ServerKey, now_ms};

/// Where and how mail is sent.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// A certificate (PEM) to trust besides the public roots: an internal
    /// mail server's own authority.
    pub trusted_certificate: Option<Vec<u8>>,
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `Smena <noreply@example.org>`.
    pub from: String,
    /// The domain of Message-IDs.
    pub domain: String,
    /// The wait after the first failed attempt; it doubles each time.
    pub retry_base: Duration,
    /// How often the outbox is looked at.
    pub poll: Duration,
    /// How long a taken message is reserved for the sender that took it;
    /// renewed every third of it while the message is held.
    pub lease: Duration,
    /// The longest one message's exchange with the server may take
    /// (connecting included); a server silent longer is given up on.
    pub send_timeout: Duration,
    /// Connections to the mail server kept open and used at once.
    pub connections: usize,
}

/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Messages taken per look at the outbox.
const BATCH: usize = 100;

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: none (a relay on a network you trust, such as localhost).
    Plain,
    /// `smtp+starttls://`: STARTTLS is required (port 587 by default).
    StartTls,
    /// `smtps://`: TLS from the first byte (port 465 by default).
    Tls,
}

impl MailConfig {
    /// Reads `smtp://`, `smtp+starttls://` or `smtps://`
    /// `[user:password@]host[:port]`.
    pub fn from_url(url: &str, from: &str, domain: &str) -> Result<MailConfig, String> {
        let (security, rest, default_port) = [
            ("smtp://", Security::Plain, 25),
            ("smtp+starttls://", Security::StartTls, 587),
            ("smtps://", Security::Tls, 465),
        ]
        .into_iter()
        .find_map(|(scheme, security, port)| {
            url.strip_prefix(scheme).map(|rest| (security, rest, port))
        })
        .ok_or_else(|| {
            format!("\"{url}\" is not an smtp://, smtp+starttls:// or smtps:// address")
        })?;
        let (credentials, hostport) = match rest.rsplit_once('@') {
            Some((userinfo, hostport)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                (Some((user.to_string(), password.to_string())), hostport)
            }
            None => (None, rest),
        };
        let hostport = hostport.trim_end_matches('/');
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| format!("\"{p}\" is not a port number in {url}"))?,
            ),
            None => (hostport.to_string(), default_port),
        };
        if host.is_empty() {
            return Err(format!("no host in {url}"));
        }
        from.parse::<Mailbox>()
            .map_err(|e| format!("the sender \"{from}\" is not an e-mail address: {e}"))?;
        Ok(MailConfig {
            host,
            port,
            security,
            trusted_certificate: None,
            credentials,
            from: from.to_string(),
            domain: domain.to_string(),
            retry_base: Duration::from_secs(30),
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(120),
            send_timeout: Duration::from_secs(30),
            connections: 8,
        })
    }

    /// The lease as used: at least three send timeouts, so that a
    /// message's lease never ends while a send of it may still succeed.
    pub fn effective_lease(&self) -> Duration {
        self.lease.max(self.send_timeout * 3)
    }
}

/// The wait before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    let factor = 1u32
        .checked_shl(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

/// The TLS settings for `config`'s server: the public roots, and the
/// trusted certificate if one was given.
pub fn tls_parameters(config: &MailConfig) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(config.host.clone());
    if let Some(pem) = &config.trusted_certificate {
        // A file without a PEM certificate would quietly add nothing.
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err("the trusted certificate cannot be read: no PEM certificate in it".into());
        }
        let certificate = Certificate::from_pem(pem)
            .map_err(|e| format!("the trusted certificate cannot be read: {e}"))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|e| format!("TLS for {}: {e}", config.host))
}

/// Delivers the outbox for as long as the service runs; `key` opens the
/// sealed secrets (one-time links) of the messages.
///
/// One task takes due messages in batches, `config.connections` senders
/// each keep one connection to the mail server open and send through it,
/// one task records what happened (many outcomes per transaction), and one
/// renews the lease of every message still held. Dropping the returned
/// future stops them all.
pub async fn run(db: Db, config: MailConfig, key: ServerKey) {
    let connector = match Connector::new(&config) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            // Checked when the service starts; a failure here is a bug.
            tracing::error!(error = %e, "no mail can be sent");
            return;
        }
    };
    let holder = crate::store::random_token()[..16].to_string();
    let lease = config.effective_lease();
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    let (work, queue) = mpsc::channel::<Taken>(IN_FLIGHT);
    let queue = Arc::new(Mutex::new(queue));
    let (report, outcomes) = mpsc::unbounded_channel::<Outcome>();
    let mut tasks = JoinSet::new();
    for _ in 0..config.connections.max(1) {
        tasks.spawn(sender(
            connector.clone(),
            config.clone(),
            key.clone(),
            queue.clone(),
            report.clone(),
        ));
    }
    drop(report);
    tasks.spawn(recorder(
        db.clone(),
        config.clone(),
        holder.clone(),
        outcomes,
    ));
    tasks.spawn(renewer(db.clone(), holder.clone(), lease));
    tasks.spawn(async move {
        loop {
            match take(&db, &holder, lease, &in_flight).await {
                Ok(taken) if taken.is_empty() => tokio::time::sleep(config.poll).await,
                Ok(taken) => {
                    for message in taken {
                        if work.send(message).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "reading the outbox failed");
                    tokio::time::sleep(config.poll).await;
                }
            }
        }
    });
    // Each task runs for ever; one ending early is a bug worth a line.
    while let Some(ended) = tasks.join_next().await {
        tracing::error!(?ended, "a mail delivery task ended");
    }
}

/// Messages held at once by one sender process: taken, queued or being
/// sent. Each holds a permit until its outcome is recorded.
const IN_FLIGHT: usize = 256;

/// A message due to be sent.
#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    secret: Option<String>,
    attempts: i32,
}

/// A message this process holds, with its place in the in-flight count.
struct Taken {
    due: Due,
    permit: OwnedSemaphorePermit,
}

impl Due {
    /// The body as sent: the sealed secret, opened, where it stands.
    fn text(&self, key: &ServerKey) -> Result<String, String> {
        match &self.secret {
            None => Ok(self.body.clone()),
            Some(sealed) => key
                .open(SECRET_PURPOSE, &Sealed(sealed.clone()))
                .ok()
                .and_then(|s| String::from_utf8(s).ok())
                .map(|secret| self.body.replace(SECRET, &secret))
                .ok_or_else(|| "its secret cannot be opened with this server's key".to_string()),
        }
    }
}

const TAKE_SQLITE: &str = "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, claimed_by = $2 \
     WHERE id IN (SELECT id FROM outbox \
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 \
         ORDER BY next_attempt_at, id LIMIT $4) \
     AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 \
     RETURNING id, recipient, subject, body, secret, attempts";
// A CTE, materialised: inside `IN (…)` PostgreSQL may run the locking
// subquery more than once and take more rows than asked for.
const TAKE_POSTGRES: &str = "WITH picked AS MATERIALIZED (SELECT id FROM outbox \
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 \
         ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
     UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, claimed_by = $2 \
     FROM picked WHERE outbox.id = picked.id \
     RETURNING outbox.id, outbox.recipient, outbox.subject, outbox.body, outbox.secret, outbox.attempts";

/// Takes up to as many due messages as there is room for, in one
/// statement: their lease starts and they are marked as this holder's.
/// On PostgreSQL rows another replica is taking are skipped, not waited
/// for; on SQLite writes are one at a time anyway. Taking and marking
/// messages is bookkeeping of the outbox, not a change of anyone's data:
/// it uses bare write transactions, not the audited write.
async fn take(
    db: &Db,
    holder: &str,
    lease: Duration,
    in_flight: &Arc<Semaphore>,
) -> Result<Vec<Taken>, sqlx::Error> {
    let Ok(first) = in_flight.clone().acquire_owned().await else {
        return Ok(Vec::new());
    };
    let mut permits = vec![first];
    while permits.len() < BATCH {
        match in_flight.clone().try_acquire_owned() {
            Ok(p) => permits.push(p),
            Err(_) => break,
        }
    }
    let take = match db.backend() {
        Backend::Postgres => TAKE_POSTGRES,
        Backend::Sqlite => TAKE_SQLITE,
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut due: Vec<Due> = sqlx::query_as(take)
        .bind(now + lease.as_millis() as i64)
        .bind(holder)
        .bind(now)
        .bind(permits.len() as i64)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    due.sort_by_key(|d| d.id);
    // Never more rows than asked for; should it happen, each still gets
    // its place in the count (waited for) rather than be left held.
    while permits.len() < due.len() {
        match in_flight.clone().acquire_owned().await {
            Ok(p) => permits.push(p),
            Err(_) => break,
        }
    }
    Ok(due
        .into_iter()
        .zip(permits)
        .map(|(due, permit)| Taken { due, permit })
        .collect())
}

/// Renews, every third of a lease, the lease of every message this holder
/// still holds, so that a slow server never lets another replica take a
/// message being sent.
async fn renewer(db: Db, holder: String, lease: Duration) {
    let mut tick = tokio::time::interval(lease / 3);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let renewed = async {
            let mut tx = db.begin_write().await?;
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = $1 \
                 WHERE claimed_by = $2 AND sent_at IS NULL AND failed_at IS NULL",
            )
            .bind(now_ms() + lease.as_millis() as i64)
            .bind(&holder)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        };
        if let Err(e) = renewed.await {
            tracing::error!(error = %e, "renewing the lease of messages being sent failed");
        }
    }
}

/// What became of one message.
struct Outcome {
    id: i64,
    attempts: u32,
    result: Result<(), Failure>,
    _permit: OwnedSemaphorePermit,
}

/// Why a message was not sent.
#[derive(Debug)]
enum Failure {
    /// Refused for good (5xx, or a message that cannot be composed).
    Refused(String),
    /// Worth another try later (server away, 4xx, no answer in time).
    Transient(String),
}

/// One connection to the mail server, used for message after message.
async fn sender(
    connector: Arc<Connector>,
    config: MailConfig,
    key: ServerKey,
    queue: Arc<Mutex<mpsc::Receiver<Taken>>>,
    report: mpsc::UnboundedSender<Outcome>,
) {
    let mut connection: Option<Connection> = None;
    loop {
        let next = {
            let mut queue = queue.lock().await;
            tokio::time::timeout(IDLE, queue.recv()).await
        };
        let Taken { due, permit } = match next {
            Ok(Some(taken)) => taken,
            Ok(None) => return,
            Err(_) => {
                // Nothing to send for a while: the connection is closed
                // politely rather than left for the server to time out.
                if let Some(mut c) = connection.take() {
                    let _ = tokio::time::timeout(config.send_timeout, c.smtp.quit()).await;
                }
                continue;
            }
        };
        let attempts = due.attempts.max(1) as u32;
        // A link that cannot be opened is tried again later: just after a
        // key rotation it is sealed with the key this process takes up
        // within seconds.
        let composed = match due.text(&key) {
            Err(e) => Err(Failure::Transient(e)),
            Ok(text) => compose(due.id, &due.recipient, &due.subject, &text, &config)
                .map_err(Failure::Refused),
        };
        let result = match composed {
            Err(e) => Err(e),
            Ok(message) => {
                let sent = tokio::time::timeout(
                    config.send_timeout,
                    connector.send(&mut connection, &message),
                )
                .await;
                match sent {
                    Ok(result) => result,
                    Err(_) => {
                        // Whatever the server is doing, this connection
                        // is in an unknown state: dropped, never reused.
                        connection = None;
                        tracing::warn!(
                            message = due.id,
                            server = %format!("{}:{}", config.host, config.port),
                            timeout_s = config.send_timeout.as_secs_f64(),
                            "the mail server did not answer in time; the message will be tried again"
                        );
                        Err(Failure::Transient(format!(
                            "the mail server did not answer within {} s",
                            config.send_timeout.as_secs_f64()
                        )))
                    }
                }
            }
        };
        let outcome = Outcome {
            id: due.id,
            attempts,
            result,
            _permit: permit,
        };
        if report.send(outcome).is_err() {
            return;
        }
    }
}

/// How long a connection to the mail server stays open with nothing to
/// send.
const IDLE: Duration = Duration::from_secs(10);

/// Records outcomes as they come, as many per transaction as have come,
/// only for messages this holder still holds.
async fn recorder(
    db: Db,
    config: MailConfig,
    holder: String,
    mut outcomes: mpsc::UnboundedReceiver<Outcome>,
) {
    while let Some(first) = outcomes.recv().await {
        let mut batch = vec![first];
        while batch.len() < 500 {
            match outcomes.try_recv() {
                Ok(o) => batch.push(o),
                Err(_) => break,
            }
        }
        // A database that is away must not lose the outcomes: tried again
        // until it answers (the messages' leases are renewed meanwhile).
        let mut wait = Duration::from_millis(100);
        while let Err(e) = record(&db, &config, &holder, &batch).await {
            tracing::error!(error = %e, "recording sent mail failed; trying again");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(10));
        }
    }
}

async fn record(
    db: &Db,
    config: &MailConfig,
    holder: &str,
    batch: &[Outcome],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let mut lost = Vec::new();
    for outcome in batch {
        let id = outcome.id;
        let query = match &outcome.result {
            Ok(()) => {
                // The secret is of no more use: wiped.
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, last_error = NULL, secret = NULL, claimed_by = NULL \
                     WHERE id = $2 AND claimed_by = $3",
                )
                .bind(now)
                .bind(id)
                .bind(holder)
            }
            Err(Failure::Refused(error)) => {
                tracing::warn!(message = id, error = %error, "mail refused for good");
                sqlx::query(
                    "UPDATE outbox SET failed_at = $1, last_error = $2, secret = NULL, claimed_by = NULL \
                     WHERE id = $3 AND claimed_by = $4",
                )
                .bind(now)
                .bind(error.clone())
                .bind(id)
                .bind(holder)
            }
            Err(Failure::Transient(error)) => {
                let wait = backoff(config.retry_base, outcome.attempts);
                tracing::warn!(message = id, attempts = outcome.attempts, error = %error, retry_in_s = wait.as_secs_f64(), "mail not sent, will retry");
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1, last_error = $2, claimed_by = NULL \
                     WHERE id = $3 AND claimed_by = $4",
                )
                .bind(now + wait.as_millis() as i64)
                .bind(error.clone())
                .bind(id)
                .bind(holder)
            }
        };
        if query.execute(&mut *tx).await?.rows_affected() == 0 {
            lost.push(id);
        }
    }
    tx.commit().await?;
    for id in lost {
        // Only if this process stalled longer than a lease: another
        // sender has taken the message and may send it again (with the
        // same Message-ID).
        tracing::warn!(
            message = id,
            "the message's lease was lost before its outcome was recorded"
        );
    }
    Ok(())
}

/// An open connection to the mail server and when it was last used.
struct Connection {
    smtp: AsyncSmtpConnection,
    used: std::time::Instant,
}

/// Opens connections to the mail server.
struct Connector {
    host: String,
    port: u16,
    security: Security,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
}

impl Connector {
    fn new(config: &MailConfig) -> Result<Connector, String> {
        let tls = match config.security {
            Security::Plain => None,
            _ => Some(tls_parameters(config)?),
        };
        Ok(Connector {
            host: config.host.clone(),
            port: config.port,
            security: config.security,
            tls,
            credentials: config
                .credentials
                .as_ref()
                .map(|(u, p)| Credentials::new(u.clone(), p.clone())),
            hello: ClientId::Domain(config.domain.clone()),
        })
    }

    /// Opens a connection: TCP with TCP_NODELAY (lettre writes a message's
    /// body and its final dot apart, and without it every message waits
    /// ~40 ms for the server's delayed acknowledgement), then STARTTLS
    /// and login as configured.
    async fn open(&self) -> Result<AsyncSmtpConnection, Failure> {
        let failed = |e: lettre::transport::smtp::Error| {
            if e.is_permanent() {
                Failure::Refused(e.to_string())
            } else {
                Failure::Transient(e.to_string())
            }
        };
        let mut connection = match (self.security, &self.tls) {
            (Security::Tls, Some(tls)) => {
                // TLS from the first byte: lettre opens the socket itself.
                AsyncSmtpConnection::connect_tokio1(
                    (self.host.as_str(), self.port),
                    None,
                    &self.hello,
                    Some(tls.clone()),
                    None,
                )
                .await
                .map_err(failed)?
            }
            _ => {
                let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                    .await
                    .map_err(|e| {
                        Failure::Transient(format!(
                            "cannot connect to {}:{}: {e}",
                            self.host, self.port
                        ))
                    })?;
                let _ = tcp.set_nodelay(true);
                let mut connection =
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                        .await
                        .map_err(failed)?;
                if let (Security::StartTls, Some(tls)) = (self.security, &self.tls) {
                    connection
                        .starttls(tls.clone(), &self.hello)
                        .await
                        .map_err(failed)?;
                }
                connection
            }
        };
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(failed)?;
        }
        Ok(connection)
    }

    /// Sends `message` over `connection`, opened (again) if there is none
    /// or the server closed it. A connection that failed is dropped.
    async fn send(
        &self,
        connection: &mut Option<Connection>,
        message: &Message,
    ) -> Result<(), Failure> {
        if let Some(c) = connection.as_mut() {
            // A connection unused for a while may have been closed by the
            // server: asked (NOOP) before use; in a burst it is not.
            let stale = c.used.elapsed() > Duration::from_secs(1);
            if c.smtp.has_broken() || (stale && !c.smtp.test_connected().await) {
                *connection = None;
            }
        }
        let c = match connection {
            Some(c) => c,
            None => connection.insert(Connection {
                smtp: self.open().await?,
                used: std::time::Instant::now(),
            }),
        };
        c.used = std::time::Instant::now();
        match c.smtp.send(message.envelope(), &message.formatted()).await {
            Ok(_) => Ok(()),
            Err(e) => {
                if c.smtp.has_broken() {
                    *connection = None;
                }
                if e.is_permanent() {
                    Err(Failure::Refused(e.to_string()))
                } else {
                    Err(Failure::Transient(e.to_string()))
                }
            }
        }
    }
}

/// The message as sent: plain text and the same in simple HTML, with a
/// Message-ID fixed by the outbox row.
fn compose(
    id: i64,
    recipient: &str,
    subject: &str,
    body: &str,
    config: &MailConfig,
) -> Result<Message, String> {
    let to: Mailbox = recipient
        .parse()
        .map_err(|e| format!("\"{recipient}\" is not an e-mail address: {e}"))?;
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| format!("the sender is not an e-mail address: {e}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<outbox-{id}@{}>", config.domain)))
        .multipart(MultiPart::alternative_plain_html(
            body.to_string(),
            html(body),
        ))
        .map_err(|e| e.to_string())
}

/// Paragraphs of escaped text; addresses become links.
fn html(body: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::from(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.4\">",
    );
    for paragraph in body.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = paragraph
            .lines()
            .map(|line| {
                line.split(' ')
                    .map(|word| {
                        if word.starts_with("http://") || word.starts_with("https://") {
                            let w = escape(word);
                            format!("<a href=\"{w}\">{w}</a>")
                        } else {
                            escape(word)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        out.push_str("<p>");
        out.push_str(&lines.join("<br>"));
        out.push_str("</p>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }

    #[test]
    fn smtp_addresses_are_read_with_their_mistakes_named() {
        let c = MailConfig::from_url(
            "smtp://127.0.0.1:2525",
            "Smena <noreply@smena.test>",
            "smena.test",
        )
        .unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 2525));
        let c = MailConfig::from_url("smtp://u:p@relay.local", "noreply@smena.test", "smena.test")
            .unwrap();
        assert_eq!((c.port, c.security), (25, Security::Plain));
        assert_eq!(c.credentials, Some(("u".into(), "p".into())));
        let c = MailConfig::from_url("smtps://mail.example.org", "a@b.c", "d").unwrap();
        assert_eq!((c.port, c.security), (465, Security::Tls));
        let c = MailConfig::from_url("smtp+starttls://u:p@mail.example.org", "a@b.c", "d").unwrap();
        assert_eq!((c.port, c.security), (587, Security::StartTls));
        let mut c = MailConfig::from_url("smtps://mail.example.org:2465", "a@b.c", "d").unwrap();
        assert_eq!(c.port, 2465);
        assert!(tls_parameters(&c).is_ok(), "the public roots");
        c.trusted_certificate = Some(b"not a certificate".to_vec());
        assert!(matches!(tls_parameters(&c), Err(e) if e.contains("cannot be read")));
        assert!(
            MailConfig::from_url("http://x", "a@b.c", "d")
                .unwrap_err()
                .contains("is not an smtp://")
        );
        assert!(
            MailConfig::from_url("smtp://x:99999", "a@b.c", "d")
                .unwrap_err()
                .contains("not a port")
        );
        assert!(
            MailConfig::from_url("smtp://x", "nobody", "d")
                .unwrap_err()
                .contains("not an e-mail address")
        );
    }

    #[test]
    fn html_is_escaped_and_links_work() {
        let h = html("Hello <b>you</b>,\n\nopen https://smena.test/a?b=1&c=2 now.");
        assert!(h.contains("&lt;b&gt;you&lt;/b&gt;"));
        assert!(h.contains("<a href=\"https://smena.test/a?b=1&amp;c=2\">"));
        assert_eq!(h.matches("<p>").count(), 2);
    }
}

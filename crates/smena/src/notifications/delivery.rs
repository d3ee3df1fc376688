//! Delivery of the outbox over SMTP (lettre), with retries and backoff.
//!
//! A message is taken by moving its `next_attempt_at` past a lease in one
//! conditional UPDATE, so two instances (or a worker racing itself) never
//! send the same row; it is marked sent once the server has accepted it.
//! When the server is down the attempt is counted and the next one waits
//! twice as long (up to an hour). When the service stops mid-send the lease
//! expires and the message goes again with the same Message-ID, which is
//! derived from the row, so a server or mail client that already has it
//! can recognise the copy. Addresses the server refuses for good (5xx) are
//! marked failed and shown to the coordinator.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::{Db, SECRET, SECRET_PURPOSE, Sealed, ServerKey, now_ms};

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
    /// How long a taken message is reserved for the sender that took it
    /// (longer than any send takes).
    pub lease: Duration,
}

/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Messages taken per look at the outbox.
const BATCH: i64 = 50;

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
        })
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

/// Sends what is due, for ever.
/// Delivers the outbox for as long as the service runs; `key` opens the
/// sealed secrets (one-time links) of the messages.
pub async fn run(db: Db, config: MailConfig, key: ServerKey) {
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host).port(config.port);
    if config.security != Security::Plain {
        // Checked when the service starts; a failure here is a bug.
        match tls_parameters(&config) {
            Ok(tls) => {
                builder = builder.tls(match config.security {
                    Security::Tls => Tls::Wrapper(tls),
                    _ => Tls::Required(tls),
                });
            }
            Err(e) => {
                tracing::error!(error = %e, "no mail can be sent");
                return;
            }
        }
    }
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let transport = builder.timeout(Some(Duration::from_secs(20))).build();
    loop {
        match send_due(&db, &transport, &config, &key).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "reading the outbox failed"),
        }
        tokio::time::sleep(config.poll).await;
    }
}

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

/// One pass over the due messages; how many were attempted. Taking and
/// marking messages is bookkeeping of the outbox, not a change of anyone's
/// data: it uses bare write transactions, not the audited write.
async fn send_due(
    db: &Db,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    config: &MailConfig,
    key: &ServerKey,
) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let due: Vec<Due> = sqlx::query_as(
        "SELECT id, recipient, subject, body, secret, attempts FROM outbox \
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.pool())
    .await?;
    let mut attempted = 0;
    for row in due {
        let (id, attempts) = (row.id, row.attempts);
        // Take it: only one sender wins the row.
        let mut tx = db.begin_write().await?;
        let taken = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3",
        )
        .bind(now_ms() + config.lease.as_millis() as i64)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        if !taken {
            continue;
        }
        attempted += 1;
        let attempts = attempts.max(0) as u32 + 1;
        let composed = row
            .text(key)
            .and_then(|text| compose(id, &row.recipient, &row.subject, &text, config));
        let outcome = match composed {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| (e.is_permanent(), e.to_string())),
            Err(e) => Err((true, e)),
        };
        let mut tx = db.begin_write().await?;
        match &outcome {
            Ok(()) => {
                // The secret is of no more use: wiped.
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, last_error = NULL, secret = NULL WHERE id = $2",
                )
                    .bind(now_ms())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Err((true, error)) => {
                tracing::warn!(message = id, error = %error, "mail refused for good");
                sqlx::query(
                    "UPDATE outbox SET failed_at = $1, last_error = $2, secret = NULL WHERE id = $3",
                )
                    .bind(now_ms())
                    .bind(error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Err((false, error)) => {
                let wait = backoff(config.retry_base, attempts);
                tracing::warn!(message = id, attempts, error = %error, retry_in_s = wait.as_secs(), "mail not sent, will retry");
                sqlx::query(
                    "UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(now_ms() + wait.as_millis() as i64)
                .bind(error)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(attempted)
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

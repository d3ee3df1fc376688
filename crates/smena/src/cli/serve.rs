//! `smena serve`, `smena demo` and `smena migrate`.

use std::net::SocketAddr;

use anyhow::Context as _;

use super::{DatabaseArg, Failure};
use crate::notifications::delivery::{MailConfig, Security, tls_parameters};
use crate::scenario::demo;
use crate::store::{Db, ServerKey, redact};
use crate::web::{AppState, Config};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    database: DatabaseArg,
    /// The address people use to reach the service (for links in e-mails);
    /// defaults to http://LISTEN. An https:// address makes cookies Secure.
    #[arg(long)]
    base_url: Option<String>,
    /// Where uploaded documents are kept (default: beside a SQLite file,
    /// else ./smena-files)
    #[arg(long)]
    files: Option<std::path::PathBuf>,
    /// A reverse proxy in front of the service (repeatable): its
    /// X-Forwarded-For header then names the client, for login throttling
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The mail server that delivers the outbox:
    /// smtps://[user:password@]host[:port] (TLS, port 465),
    /// smtp+starttls://… (STARTTLS required, port 587) or smtp://… (no TLS:
    /// a relay you trust, such as a local postfix). Without it messages
    /// wait in the outbox
    #[arg(long, value_name = "URL")]
    smtp: Option<String>,
    /// A certificate (PEM) the mail server's TLS certificate may be issued
    /// by, besides the public authorities (an internal mail server)
    #[arg(long, value_name = "FILE")]
    smtp_ca: Option<std::path::PathBuf>,
    /// The sender of e-mail (default: noreply@ the base URL's host)
    #[arg(long, value_name = "ADDRESS")]
    mail_from: Option<String>,
    /// The server's key, 64 hexadecimal digits in a file readable by the
    /// service alone (default: beside a SQLite file, made there if missing;
    /// required with PostgreSQL, the same for every replica). SMENA_KEY,
    /// when set, holds the key itself instead
    #[arg(long, value_name = "FILE")]
    key_file: Option<std::path::PathBuf>,
    /// Seconds a client has to send a request's headers; also how long an
    /// idle keep-alive connection stays open
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    header_timeout: u64,
}

/// The host of the base URL, for Message-IDs and the default sender; an
/// address (no name) gives `localhost`.
fn mail_domain(base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if host.chars().any(|c| c.is_ascii_alphabetic()) {
        host.to_string()
    } else {
        "localhost".to_string()
    }
}

#[derive(clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[arg(long, default_value = "smena-demo.db")]
    database: String,
}

/// The files folder, made the service's alone (0700).
fn private_files(files: &std::path::Path) -> Result<(), Failure> {
    crate::store::files::make_private(files)
        .map_err(|e| Failure::BadInput(format!("the files folder {}: {e}", files.display())))
}

/// Uploaded documents go beside the SQLite file (`smena.db.files/`), or to
/// `./smena-files` for PostgreSQL.
pub(super) fn files_dir(database: &str, given: Option<std::path::PathBuf>) -> std::path::PathBuf {
    given.unwrap_or_else(|| match crate::store::parse_url(database) {
        (crate::store::Backend::Sqlite, _) => {
            let path = database
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            std::path::PathBuf::from(format!("{}.files", path.split('?').next().unwrap_or(path)))
        }
        (crate::store::Backend::Postgres, _) => std::path::PathBuf::from("smena-files"),
    })
}

/// Where the server's key is kept: `SMENA_KEY` (None), else the key file
/// given, else beside a SQLite file.
pub(super) fn key_file(
    database: &str,
    given: Option<std::path::PathBuf>,
) -> Result<Option<std::path::PathBuf>, Failure> {
    if std::env::var("SMENA_KEY").is_ok() {
        return Ok(None);
    }
    match (given, crate::store::parse_url(database)) {
        (Some(path), _) => Ok(Some(path)),
        (None, (crate::store::Backend::Sqlite, _)) => {
            let path = database
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            Ok(Some(std::path::PathBuf::from(format!(
                "{}.key",
                path.split('?').next().unwrap_or(path)
            ))))
        }
        (None, (crate::store::Backend::Postgres, _)) => Err(Failure::BadInput(
            "with PostgreSQL, give the server's key: --key-file FILE or SMENA_KEY \
             (the same for every replica)"
                .into(),
        )),
    }
}

/// The key a rotation writes first, beside the key file.
pub(super) fn next_key_file(path: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.new", path.display()))
}

/// The file `.previous` beside the key file (what backups made before a
/// rotation need).
pub(super) fn previous_key_file(path: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.previous", path.display()))
}

/// After a rotation's commit: the key file becomes `.previous`, and the
/// new key (`.new`) takes its place.
pub(super) fn put_new_key_in_place(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::rename(path, previous_key_file(path))?;
    std::fs::rename(next_key_file(path), path)
}

/// The server's key: `SMENA_KEY`, else the key file (beside a SQLite file
/// by default, made there if missing). The database must have been opened
/// with the same key before, if at all. A rotation cut short after its
/// commit left the new key beside the file: it is taken and put in place.
pub(super) async fn server_key(
    db: &Db,
    database: &str,
    given: Option<std::path::PathBuf>,
) -> Result<ServerKey, Failure> {
    let key = match key_file(database, given)? {
        None => {
            let text = std::env::var("SMENA_KEY").unwrap_or_default();
            ServerKey::parse(&text, "SMENA_KEY").map_err(|e| Failure::BadInput(e.to_string()))?
        }
        Some(path) => {
            let key =
                ServerKey::load_or_create(&path).map_err(|e| Failure::BadInput(e.to_string()))?;
            let next = next_key_file(&path);
            let known = db.key_matches(&key).await.map_err(anyhow::Error::from)?;
            if !known && next.exists() {
                let new = ServerKey::load_or_create(&next)
                    .map_err(|e| Failure::BadInput(e.to_string()))?;
                if db.key_matches(&new).await.map_err(anyhow::Error::from)? {
                    put_new_key_in_place(&path).map_err(anyhow::Error::from)?;
                    tracing::info!(file = %path.display(), "the rotated key, left beside the key file, is now in it");
                    new
                } else {
                    key
                }
            } else {
                key
            }
        }
    };
    // Checks the key, then opens the data keys personal data is kept
    // encrypted with.
    db.unlock(&key)
        .await
        .map_err(|e| Failure::BadInput(format!("{e:#}")))?;
    Ok(key)
}

#[derive(clap::Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    database: DatabaseArg,
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start: {e}")))
}

fn logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SMENA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    use std::io::IsTerminal as _;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

pub(super) async fn open(database: &str) -> Result<Db, Failure> {
    let db = Db::connect(database)
        .await
        .map_err(|e| Failure::BadInput(format!("{e:#}")))?;
    db.migrate().await?;
    Ok(db)
}

async fn listen(addr: SocketAddr) -> Result<tokio::net::TcpListener, Failure> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
        .map_err(|e| Failure::BadInput(format!("{e:#}")))
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    logging();
    runtime()?.block_on(async {
        let db = open(&args.database.url).await?;
        let key = server_key(&db, &args.database.url, args.key_file.clone()).await?;
        // A rotation (`smena keys rotate`) is taken up without a restart.
        if let Some(path) = key_file(&args.database.url, args.key_file)? {
            tokio::spawn(crate::store::keys::follow_key_file(
                db.clone(),
                key.clone(),
                path,
                std::time::Duration::from_secs(5),
            ));
        }
        let listener = listen(args.listen).await?;
        let files = files_dir(&args.database.url, args.files);
        private_files(&files)?;
        let address = listener.local_addr().map_err(anyhow::Error::from)?;
        let mut config = Config::new(&address, files, key);
        if let Some(base) = args.base_url {
            config.secure_cookies = base.starts_with("https://");
            config.base_url = base.trim_end_matches('/').to_string();
        }
        config.trusted_proxies = args.trusted_proxies;
        config.header_timeout = std::time::Duration::from_secs(args.header_timeout);
        let mut mail = None;
        if let Some(smtp) = &args.smtp {
            let domain = mail_domain(&config.base_url);
            let from = args
                .mail_from
                .clone()
                .unwrap_or_else(|| format!("Smena <noreply@{domain}>"));
            let mut smtp = MailConfig::from_url(smtp, &from, &domain)
                .map_err(|e| Failure::BadInput(format!("--smtp/--mail-from: {e}")))?;
            if let Some(path) = &args.smtp_ca {
                smtp.trusted_certificate = Some(std::fs::read(path).map_err(|e| {
                    Failure::BadInput(format!("--smtp-ca {}: {e}", path.display()))
                })?);
            }
            if smtp.security != Security::Plain {
                tls_parameters(&smtp)
                    .map_err(|e| Failure::BadInput(format!("--smtp/--smtp-ca: {e}")))?;
            }
            mail = Some(smtp);
        }
        tracing::info!(database = %redact(&args.database.url), url = %config.base_url, "serving");
        crate::app::serve(listener, AppState::new(db, config), mail)
            .await
            .map_err(Failure::Other)
    })
}

pub fn demo(args: DemoArgs) -> Result<(), Failure> {
    logging();
    runtime()?.block_on(async {
        let db = open(&args.database).await?;
        let key = server_key(&db, &args.database, None).await?;
        let files = files_dir(&args.database, None);
        private_files(&files)?;
        let loaded = demo::load(&db, &files).await?;
        // Last autumn's programme on its way home: groups, legs, rooms,
        // roll calls, an incident, children home.
        crate::scenario::journey::load(&db, &files).await?;
        let listener = listen(args.listen).await?;
        let address = listener.local_addr().map_err(anyhow::Error::from)?;
        let config = Config::new(&address, files, key);
        println!(
            "Smena demo: the Sakha (Yakutia) reference scenario {} {}",
            if loaded { "loaded into" } else { "already in" },
            args.database
        );
        println!(
            "Open {} and log in as (password for all: {}):",
            config.base_url,
            demo::PASSWORD
        );
        for login in demo::LOGINS {
            println!("  {:<26} {}", login.role.title(), login.email);
        }
        println!("Stop with Ctrl-C.");
        crate::app::serve(listener, AppState::new(db, config), None)
            .await
            .map_err(Failure::Other)
    })
}

pub fn migrate(args: MigrateArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        open(&args.database.url).await?;
        println!("{} is up to date", redact(&args.database.url));
        Ok(())
    })
}

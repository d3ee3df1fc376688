//! The kernel every feature stands on: the state a request handler reaches
//! ([`AppState`]), logins, CSRF, the policy table, the one audited write as
//! handlers call it, the error type and page chrome. It imports no feature:
//! `app` assembles the features' routes.

pub mod client;
pub mod csrf;
pub mod error;
pub mod login;
pub mod page;
pub mod paging;
pub mod policy;
pub mod routes;
pub mod server;
pub mod throttle;
pub mod uploads;

use crate::domain::access::{Action, Resource};
use crate::store::{Change, Db, Outcome, cache::Cache};
use error::AppResult;
use login::User;
use policy::Permit;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// Values that cannot change while cached (the open programme).
    pub cache: Cache,
    /// Uploads under way.
    pub uploads: uploads::Uploads,
    /// What follows when a document is accepted, set by `app`.
    pub documents_accepted: Option<DocumentsAccepted>,
}

/// What follows in the same change when a child's document is accepted
/// (given the base URL and the child): a child left out of published
/// results for their documents joins the waiting list. `app` sets it, since
/// the feature that does it (allocation) stands on documents itself.
pub type DocumentsAccepted =
    for<'a> fn(
        &'a mut Change,
        &'a str,
        i64,
    ) -> std::pin::Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config,
            cache: Cache::default(),
            uploads: uploads::Uploads::default(),
            documents_accepted: None,
        }
    }

    /// Makes one change with what `permit` allows: see [`Db::write`]. The
    /// change records its audit entry; a failure undoes it all.
    pub async fn write<T>(
        &self,
        permit: &Permit,
        change: impl AsyncFnOnce(&mut Change) -> AppResult<T>,
    ) -> AppResult<T> {
        self.db.write(permit.actor(), permit.on(), change).await
    }

    /// Records what `permit` was used for when nothing changes: a read of a
    /// full record, a print, an export.
    pub async fn record(&self, permit: &Permit, id: Option<i64>, detail: &str) -> AppResult<()> {
        self.write(permit, async |c| {
            c.audit(id, detail);
            Ok(())
        })
        .await
    }

    /// Records a use of `permit` when nothing changes as another action or
    /// resource than the permit's (printing a voucher one may read).
    pub async fn record_as(
        &self,
        permit: &Permit,
        action: Action,
        resource: Resource,
        id: Option<i64>,
        detail: &str,
    ) -> AppResult<()> {
        self.write(permit, async |c| {
            c.audit_as(action, resource, id, detail);
            Ok(())
        })
        .await
    }

    /// Records an attempt the policy or the scope refused, then answers as
    /// for a record that does not exist.
    pub async fn denied<T>(
        &self,
        user: &User,
        action: Action,
        resource: Resource,
        id: Option<i64>,
    ) -> AppResult<T> {
        self.db
            .write(user.actor(), (action, resource), async |c| {
                c.record(
                    action,
                    resource,
                    id,
                    Outcome::Denied,
                    "not found or not permitted",
                );
                Ok::<_, error::AppError>(())
            })
            .await?;
        Err(error::AppError::NotFound)
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the service is reached, for links in e-mails.
    pub base_url: String,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Where uploaded documents are stored (by content hash).
    pub files_dir: std::path::PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Whether a mail server delivers the outbox (else messages wait in it,
    /// where the coordinator can read them).
    pub delivers_mail: bool,
    /// The server's key (kept outside the database).
    pub key: crate::store::ServerKey,
    /// Time for a request's headers to arrive, and for an idle keep-alive
    /// connection to stay open.
    pub header_timeout: std::time::Duration,
}

impl Config {
    pub fn new(
        addr: &std::net::SocketAddr,
        files_dir: std::path::PathBuf,
        key: crate::store::ServerKey,
    ) -> Config {
        Config {
            base_url: format!("http://{addr}"),
            secure_cookies: false,
            files_dir,
            trusted_proxies: Vec::new(),
            delivers_mail: false,
            key,
            header_timeout: std::time::Duration::from_secs(10),
        }
    }
}

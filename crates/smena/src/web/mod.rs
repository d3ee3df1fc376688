//! The web service: router assembly, shared state, security headers.
//! Features own their routes (`accounts::router()`, …); this module only
//! puts them together and wraps them in what every response needs.

pub mod client;
pub mod error;
pub mod page;
pub mod policy;
pub mod session;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::store::Db;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// The open programme and its sessions, for a few seconds.
    pub open_programme: crate::applications::queries::OpenProgrammeCache,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config,
            open_programme: Default::default(),
        }
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
    /// Where the outbox is delivered; without it messages wait in the
    /// outbox, which the coordinator can read.
    pub mail: Option<crate::notifications::delivery::MailConfig>,
}

impl Config {
    pub fn new(addr: &std::net::SocketAddr, files_dir: std::path::PathBuf) -> Config {
        Config {
            base_url: format!("http://{addr}"),
            secure_cookies: false,
            files_dir,
            trusted_proxies: Vec::new(),
            mail: None,
        }
    }
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn router(state: AppState) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        // Pages hold children's data: never keep them in a shared cache.
        (header::CACHE_CONTROL, "no-store"),
    ];
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/static/smena.css", get(stylesheet))
        .merge(crate::public::router())
        .merge(crate::accounts::router())
        .merge(crate::programmes::router())
        .merge(crate::applications::router())
        .merge(crate::allocation::router())
        .merge(crate::api::router())
        .merge(crate::documents::router())
        .merge(crate::exports::router())
        .merge(crate::dashboard::router())
        .merge(crate::language::router())
        .merge(crate::schools::router())
        .merge(crate::camps::router())
        .merge(crate::audit::router())
        .merge(crate::notifications::router())
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::middleware,
        ));
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.layer(axum::middleware::from_fn(request_log))
        .with_state(state)
}

/// One line per request: method, route (its pattern, so neither ids typed
/// into a URL nor query strings reach the log), status, time taken, and
/// the account by id. What a request changed is logged by the audit log.
async fn request_log(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(no route)".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let actor = response.extensions().get::<session::Actor>().copied();
    tracing::info!(
        target: "smena::request",
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        account = actor.map(|a| a.id),
        role = actor.map(|a| a.role),
    );
    response
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.healthy().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/smena.css"),
    )
}

/// Serves until Ctrl-C or SIGTERM, then lets requests under way finish and
/// closes the database. Offers past their deadline are expired (and their
/// places backfilled) every minute; staged files are swept every hour.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let (db, base) = (state.db.clone(), state.config.base_url.clone());
    let files = state.config.files_dir.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for minute in 0u64.. {
            tick.tick().await;
            // Hourly: roster spreadsheets previewed a day ago and never
            // imported are deleted (they hold pupils' names).
            if minute % 60 == 0 {
                let day = std::time::Duration::from_secs(24 * 3600);
                match crate::documents::storage::sweep(&db, &files, day).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(files = n, "staged files swept"),
                    Err(e) => tracing::error!(error = ?e, "sweeping staged files failed"),
                }
            }
            if let Err(e) = crate::allocation::offers::expire_due(&db, &base).await {
                tracing::error!(error = ?e, "expiring offers failed");
            }
            let now = crate::store::now_ms();
            if let Err(e) = crate::allocation::offers::remind_due(&db, &base, now).await {
                tracing::error!(error = ?e, "reminding of offers failed");
            }
        }
    });
    if let Some(mail) = state.config.mail.clone() {
        tokio::spawn(crate::notifications::delivery::run(state.db.clone(), mail));
    }
    let db = state.db.clone();
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(stop_requested())
        .await?;
    db.close().await;
    Ok(())
}

async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

//! The application: every feature's routes in one router, wrapped in what
//! every response needs, and the background jobs. The only module that
//! knows all features.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::notifications::delivery::MailConfig;
use crate::store::Actor;
use crate::web::routes::{Access, Routes};
use crate::web::{AppState, error, login};

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Every route of every feature.
pub fn routes() -> Routes {
    Routes::new()
        .get("/healthz", Access::Anyone, healthz)
        .get("/static/smena.css", Access::Anyone, stylesheet)
        .merge(crate::public::router())
        .merge(crate::accounts::router())
        .merge(crate::programmes::router())
        .merge(crate::applications::router())
        .merge(crate::documents::router())
        .merge(crate::allocation::router())
        .merge(crate::papers::router())
        .merge(crate::groups::router())
        .merge(crate::needs::router())
        .merge(crate::incidents::router())
        .merge(crate::rooms::router())
        .merge(crate::exports::router())
        .merge(crate::dashboard::router())
        .merge(crate::schools::router())
        .merge(crate::camps::router())
        .merge(crate::audit::router())
        .merge(crate::notifications::router())
        .merge(crate::api::router())
        .merge(crate::privacy::router())
}

/// A child's document accepted: allocation may put them on the waiting
/// list (see [`AppState::documents_accepted`]).
fn documents_accepted<'a>(
    c: &'a mut crate::store::Change,
    base_url: &'a str,
    child: i64,
) -> std::pin::Pin<Box<dyn Future<Output = error::AppResult<()>> + Send + 'a>> {
    Box::pin(crate::allocation::offers::documents_accepted(
        c, base_url, child,
    ))
}

pub fn router(mut state: AppState) -> Router {
    state.documents_accepted = Some(documents_accepted);
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        // Pages hold children's data: never keep them in a shared cache.
        (header::CACHE_CONTROL, "no-store"),
        // No page needs the camera, the microphone, the position or payment.
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    let secure = state.config.secure_cookies;
    let mut app = routes()
        .into_router()
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            login::middleware,
        ));
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if secure {
        // Once a browser has seen the site over HTTPS, never plain HTTP.
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
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
    let actor = response.extensions().get::<Actor>().copied();
    tracing::info!(
        target: "smena::request",
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        account = actor.and_then(Actor::account),
        role = actor.map(Actor::role_name),
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
        include_str!("../static/smena.css"),
    )
}

/// Starts the background jobs: every minute, offers past their deadline
/// expire (and their places are backfilled), families are reminded of
/// offers about to end and coordinators alerted of children nobody
/// collected after the return; every hour, staged files a day old are swept;
/// every day, programmes past their retention date are purged; and the
/// outbox is delivered when a mail server is configured.
pub fn start_jobs(state: &AppState, mail: Option<MailConfig>) {
    let (db, base) = (state.db.clone(), state.config.base_url.clone());
    let files = state.config.files_dir.clone();
    let cache = state.cache.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for minute in 0u64.. {
            tick.tick().await;
            // Hourly: roster spreadsheets previewed a day ago and never
            // imported are deleted (they hold pupils' names).
            if minute % 60 == 0 {
                let day = std::time::Duration::from_secs(24 * 3600);
                match crate::store::files::sweep(&db, &files, day).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(files = n, "staged files swept"),
                    Err(e) => tracing::error!(error = ?e, "sweeping staged files failed"),
                }
            }
            // Daily (and at start): programmes past their retention date
            // are purged, delivered messages wiped.
            if minute % (24 * 60) == 0 {
                let mail_days = crate::privacy::purge::MAIL_KEPT_DAYS;
                match crate::privacy::purge::run_due(&db, &files, Actor::Service, mail_days).await {
                    Ok((purged, wiped)) if !purged.is_empty() || wiped > 0 => {
                        tracing::info!(programmes = purged.len(), messages = wiped, "purged")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "purging failed"),
                }
                if let Err(e) = db.optimize().await {
                    tracing::error!(error = %e, "updating the query planner's statistics failed");
                }
            }
            // Times are shown in the newest programme's zone (another
            // replica may have changed it); applications close by
            // themselves at their deadline.
            if let Err(e) = crate::programmes::deadlines::show_times_in_newest_zone(&db).await {
                tracing::error!(error = ?e, "reading the programme's time zone failed");
            }
            match crate::allocation::lottery::close_due(&db, crate::store::now_ms()).await {
                Ok(closed) if !closed.is_empty() => {
                    crate::programmes::queries::forget_open(&cache).await
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "closing applications at their deadline failed")
                }
            }
            if let Err(e) = crate::allocation::offers::expire_due(&db, &base).await {
                tracing::error!(error = ?e, "expiring offers failed");
            }
            if let Err(e) = crate::allocation::offers::withdraw_unmet(&db, &base).await {
                tracing::error!(error = ?e, "withdrawing offers whose documents are missing failed");
            }
            let now = crate::store::now_ms();
            if let Err(e) = crate::allocation::offers::remind_due(&db, &base, now).await {
                tracing::error!(error = ?e, "reminding of offers failed");
            }
            if let Err(e) = crate::documents::remind_due(&db, &base).await {
                tracing::error!(error = ?e, "reminding of documents due failed");
            }
            if let Err(e) = crate::groups::home::alert_uncollected(&db, &base, now).await {
                tracing::error!(error = ?e, "alerting of children not collected failed");
            }
        }
    });
    if let Some(mail) = mail {
        tokio::spawn(crate::notifications::delivery::run(
            state.db.clone(),
            mail,
            state.config.key.clone(),
        ));
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets requests under way finish and
/// closes the database.
pub async fn serve(
    listener: tokio::net::TcpListener,
    mut state: AppState,
    mail: Option<MailConfig>,
) -> anyhow::Result<()> {
    state.config.delivers_mail = mail.is_some();
    // Personal data is kept encrypted: nothing is served before the data
    // keys are open (the command line has usually opened them already).
    state.db.unlock(&state.config.key).await?;
    let keys = state.db.keys()?;
    match crate::store::files::encrypt_clear_files(&state.config.files_dir, keys).await? {
        0 => {}
        n => tracing::info!(
            files = n,
            "stored files left in clear by an earlier version are now encrypted"
        ),
    }
    start_jobs(&state, mail);
    let db = state.db.clone();
    let limits = crate::web::server::Limits::from_open_files(state.config.header_timeout);
    crate::web::server::serve(listener, router(state), limits, stop_requested()).await;
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

//! The HTTP server: hyper's HTTP/1 connections over the listener, with the
//! limits a public service needs. Request headers must arrive within a
//! time limit (which also closes keep-alive connections left idle); the
//! number of open connections is capped below the process's open-files
//! limit; and when the cap is reached a new connection takes the place of
//! the one idle the longest, so a flood of idle connections can never keep
//! out a request that is actually sent (`/healthz` included).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Notify, watch};
use tower::ServiceExt as _;

/// How the server limits its connections.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections open at once.
    pub max_connections: usize,
    /// The open-files limit the cap was derived from, if it was.
    pub open_files: Option<u64>,
    /// Time for a request's headers to arrive, counted from the end of the
    /// previous response on a keep-alive connection.
    pub header_timeout: Duration,
}

impl Limits {
    /// Limits derived from the process's open-files limit (soft): a
    /// quarter of it, at least 64, is kept for the database, the files
    /// being stored and the mail server.
    pub fn from_open_files(header_timeout: Duration) -> Limits {
        let open_files = open_files_limit();
        let max_connections = match open_files {
            Some(n) => n.saturating_sub((n / 4).max(64)).max(8) as usize,
            None => 768,
        };
        Limits {
            max_connections,
            open_files,
            header_timeout,
        }
    }
}

/// The soft open-files limit, from `/proc/self/limits` (Linux).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// One open connection as the cap sees it.
struct Connection {
    /// Requests under way (until their response body has been sent).
    busy: AtomicUsize,
    /// When it was last busy (or opened), in ms since the server started.
    last_active: AtomicU64,
    /// Told to close (and soon gone from the list).
    evicted: AtomicBool,
    evict: Notify,
}

/// Every open connection.
struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    started: Instant,
}

impl Connections {
    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Connections open and not told to close.
    fn count(&self) -> usize {
        self.open.lock().map_or(0, |open| {
            open.values()
                .filter(|c| !c.evicted.load(Ordering::SeqCst))
                .count()
        })
    }

    /// Closes the connection idle the longest; false if every one is busy.
    fn evict_idlest(&self) -> bool {
        let Ok(open) = self.open.lock() else {
            return false;
        };
        let idlest = open
            .values()
            .filter(|c| c.busy.load(Ordering::SeqCst) == 0 && !c.evicted.load(Ordering::SeqCst))
            .min_by_key(|c| c.last_active.load(Ordering::SeqCst));
        match idlest {
            Some(c) => {
                c.evicted.store(true, Ordering::SeqCst);
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Marks its connection busy for as long as it lives: held by a request's
/// handling and then by its response body.
struct Busy {
    connection: Arc<Connection>,
    connections: Arc<Connections>,
}

impl Busy {
    fn new(connection: Arc<Connection>, connections: Arc<Connections>) -> Busy {
        connection.busy.fetch_add(1, Ordering::SeqCst);
        Busy {
            connection,
            connections,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.connection
            .last_active
            .store(self.connections.now(), Ordering::SeqCst);
        self.connection.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that keeps its connection busy until it is sent.
struct Guarded {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets
/// requests under way finish (at most 30 s).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tracing::info!(
        max_connections = limits.max_connections,
        open_files_limit = limits.open_files,
        header_timeout_s = limits.header_timeout.as_secs(),
        "accepting connections"
    );
    let connections = Arc::new(Connections {
        open: Mutex::new(HashMap::new()),
        started: Instant::now(),
    });
    let (stop, stopping) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    let mut next_id = 0u64;
    let mut last_full_warning: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors (or a connection reset before it
                // was taken): make room and go on, never stop serving.
                tracing::warn!(error = %e, "a connection could not be accepted");
                connections.evict_idlest();
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if connections.count() >= limits.max_connections {
            if !connections.evict_idlest() {
                // Every connection is busy with a request: this one is
                // closed rather than left waiting for an answer.
                drop(stream);
                continue;
            }
            if last_full_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                last_full_warning = Some(Instant::now());
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connections at their cap: the idlest are closed to make room"
                );
            }
        }
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let id = next_id;
        let connection = Arc::new(Connection {
            busy: AtomicUsize::new(0),
            last_active: AtomicU64::new(connections.now()),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
        });
        if let Ok(mut open) = connections.open.lock() {
            open.insert(id, connection.clone());
        }
        tasks.spawn(serve_connection(
            stream,
            peer,
            app.clone(),
            limits,
            connection,
            connections.clone(),
            stopping.clone(),
            id,
        ));
    }
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

#[allow(clippy::too_many_arguments)]
async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    connection: Arc<Connection>,
    connections: Arc<Connections>,
    mut stopping: watch::Receiver<bool>,
    id: u64,
) {
    let (this, all) = (connection.clone(), connections.clone());
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let busy = Busy::new(this.clone(), all.clone());
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await?;
            Ok::<_, Infallible>(response.map(|body| Body::new(Guarded { body, _busy: busy })))
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let served = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    tokio::select! {
        _ = served.as_mut() => {}
        // Idle and its place is wanted: closed at once.
        _ = connection.evict.notified() => {}
        _ = stopping.changed() => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
    if let Ok(mut open) = connections.open.lock() {
        open.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_stays_below_the_open_files_limit() {
        let limits = Limits::from_open_files(Duration::from_secs(10));
        if let Some(n) = limits.open_files {
            assert!((limits.max_connections as u64) < n);
        }
        assert!(limits.max_connections >= 8);
    }
}

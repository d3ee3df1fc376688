//! Group commit for SQLite.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit
//! waits for the disk. Writers of this process queue in order (a fair
//! mutex); while others are waiting, they share one transaction: each works
//! inside its own savepoint, undone alone if it fails, and one COMMIT makes
//! the whole group durable. A writer's `commit()` returns only after that
//! COMMIT, so nothing is confirmed before it is on disk: the same guarantee
//! as one transaction each, with one disk wait for many writers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor as _};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// At most this many writers share one transaction (its savepoints stay
/// on SQLite's stack until the COMMIT).
const MAX_GROUP: usize = 64;

/// The process's SQLite writer: one connection, one queue.
pub struct Writer {
    pool: AnyPool,
    /// Holds the group's open transaction between two writers' turns.
    open: Arc<Mutex<Option<Group>>>,
    /// Writers queued for the mutex (a flush does not count).
    waiting: AtomicUsize,
    flush_scheduled: AtomicBool,
}

/// The transaction writers share, and the writers waiting for its COMMIT.
struct Group {
    conn: PoolConnection<Any>,
    committed: Vec<oneshot::Sender<Result<(), String>>>,
    size: usize,
}

/// One writer's turn: its savepoint inside the group's transaction.
pub struct Turn {
    writer: Arc<Writer>,
    /// Both present until the turn ends (commit or drop).
    held: Option<(OwnedMutexGuard<Option<Group>>, Group)>,
}

/// Counts a writer as queued for as long as it waits, even if its future is
/// dropped while waiting.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Queued(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Writer {
    pub fn new(pool: AnyPool) -> Arc<Writer> {
        Arc::new(Writer {
            pool,
            open: Arc::new(Mutex::new(None)),
            waiting: AtomicUsize::new(0),
            flush_scheduled: AtomicBool::new(false),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Waits for this writer's turn and opens its savepoint (and the
    /// group's transaction, `BEGIN IMMEDIATE`, if none is open).
    pub async fn begin(self: &Arc<Self>) -> Result<Turn, sqlx::Error> {
        let mut guard = {
            let _queued = Queued::new(&self.waiting);
            self.open.clone().lock_owned().await
        };
        let mut group = match guard.take() {
            Some(group) => group,
            None => {
                let mut conn = self.pool.acquire().await?;
                conn.execute("BEGIN IMMEDIATE").await?;
                Group {
                    conn,
                    committed: Vec::new(),
                    size: 0,
                }
            }
        };
        if let Err(e) = group.conn.execute("SAVEPOINT writer").await {
            // Those before keep their work; this writer cannot start.
            close(group).await;
            return Err(e);
        }
        group.size += 1;
        Ok(Turn {
            writer: self.clone(),
            held: Some((guard, group)),
        })
    }

    /// Commits the open group once the writers queued now have had their
    /// turn: it waits at the back of the queue.
    fn schedule_flush(self: &Arc<Self>) {
        if self.flush_scheduled.swap(true, Ordering::SeqCst) {
            return;
        }
        let writer = self.clone();
        tokio::spawn(async move {
            let mut guard = writer.open.clone().lock_owned().await;
            writer.flush_scheduled.store(false, Ordering::SeqCst);
            if let Some(group) = guard.take() {
                close(group).await;
            }
        });
    }
}

/// Commits the group and tells each writer in it how that went.
async fn close(mut group: Group) {
    let outcome = group
        .conn
        .execute("COMMIT")
        .await
        .map(|_| ())
        .map_err(|e| format!("the write could not be committed: {e}"));
    for writer in group.committed.drain(..) {
        let _ = writer.send(outcome.clone());
    }
}

/// Ends a turn: keeps (commit) or undoes (rollback) the writer's savepoint,
/// then passes the open transaction to the next writer or commits it.
async fn end(
    writer: Arc<Writer>,
    mut guard: OwnedMutexGuard<Option<Group>>,
    mut group: Group,
    committed: Option<oneshot::Sender<Result<(), String>>>,
) {
    match committed {
        Some(sender) => group.committed.push(sender),
        None => {
            if group.conn.execute("ROLLBACK TO writer").await.is_err() {
                // This writer's part cannot be undone alone: undo the
                // group; every writer in it hears that it failed.
                let _ = group.conn.execute("ROLLBACK").await;
                for writer in group.committed.drain(..) {
                    let _ = writer.send(Err("the write was rolled back".into()));
                }
                return;
            }
        }
    }
    if writer.waiting.load(Ordering::SeqCst) > 0 && group.size < MAX_GROUP {
        *guard = Some(group);
        drop(guard);
        writer.schedule_flush();
    } else {
        close(group).await;
    }
}

impl Turn {
    pub fn connection(&self) -> &AnyConnection {
        match &self.held {
            Some((_, group)) => &group.conn,
            None => unreachable!("a turn holds its group until it ends"),
        }
    }

    pub fn connection_mut(&mut self) -> &mut AnyConnection {
        match &mut self.held {
            Some((_, group)) => &mut group.conn,
            None => unreachable!("a turn holds its group until it ends"),
        }
    }

    /// Returns once the group holding this writer's work is committed.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let Some((guard, group)) = self.held.take() else {
            return Ok(());
        };
        let (sender, outcome) = oneshot::channel();
        // In a task of its own: a request dropped now (the client went
        // away) cannot interrupt the group's COMMIT halfway.
        tokio::spawn(end(self.writer.clone(), guard, group, Some(sender)));
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(sqlx::Error::Protocol(message)),
            Err(_) => Err(sqlx::Error::Protocol(
                "the write's outcome is unknown".into(),
            )),
        }
    }
}

impl Drop for Turn {
    /// A turn dropped without commit (an error, a dropped request) undoes
    /// its own savepoint only.
    fn drop(&mut self) {
        if let Some((guard, group)) = self.held.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(end(self.writer.clone(), guard, group, None));
        }
    }
}

//! The audit log: every read of a child's full record and every change to
//! it or to an application, with who, when and what. The coordinator reads
//! it; nothing in it names a child except by id.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sqlx::{AnyConnection, Row as _};

use crate::store::{Db, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new().route("/coordinator/audit", get(audit_page))
}

/// One entry: `actor` did `action` to `resource` `id`, with `outcome`,
/// written in the transaction of the change it records.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &User,
    action: &str,
    resource: &str,
    id: Option<i64>,
    outcome: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    insert(
        conn,
        Some(actor.id),
        actor.role.as_str(),
        action,
        resource,
        id,
        outcome,
        detail,
    )
    .await
}

/// An entry for what an operator did from the command line (no account).
pub async fn record_system(
    conn: &mut AnyConnection,
    action: &str,
    resource: &str,
    id: Option<i64>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    insert(
        conn,
        None,
        "command line",
        action,
        resource,
        id,
        "ok",
        detail,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    conn: &mut AnyConnection,
    account: Option<i64>,
    role: &str,
    action: &str,
    resource: &str,
    id: Option<i64>,
    outcome: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    // The log says who did what, like this table: by id, never by name.
    tracing::info!(
        target: "smena::audit",
        account,
        role,
        action,
        resource,
        id,
        outcome,
        detail,
    );
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_role, action, resource, resource_id, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(account)
    .bind(role)
    .bind(action)
    .bind(resource)
    .bind(id)
    .bind(outcome)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry on its own (a read, a refusal): its own write transaction.
pub async fn note(
    db: &Db,
    actor: &User,
    action: &str,
    resource: &str,
    id: Option<i64>,
    outcome: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record(&mut tx, actor, action, resource, id, outcome, detail).await?;
    tx.commit().await
}

pub struct Entry {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<i64>,
    pub outcome: String,
    pub detail: String,
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor_id, actor_role, action, resource, resource_id, outcome, detail \
         FROM audit_log ORDER BY at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Entry {
                at: r.try_get("at")?,
                actor_id: r.try_get("actor_id")?,
                actor_role: r.try_get("actor_role")?,
                action: r.try_get("action")?,
                resource: r.try_get("resource")?,
                resource_id: r.try_get("resource_id")?,
                outcome: r.try_get("outcome")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/log.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<Entry>,
}

async fn audit_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<AuditPage> {
    authorize(&user, Action::Read, Resource::AuditLog)?;
    Ok(AuditPage {
        nav: Nav::from(&visitor),
        entries: recent(&state.db, 500).await?,
    })
}

/// Milliseconds since the epoch as UTC "YYYY-MM-DD HH:MM".
pub fn when(ms: &i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

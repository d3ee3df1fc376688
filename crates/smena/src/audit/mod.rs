//! The audit log as the coordinator reads it: every change and every read
//! of a full record, with who, when and what, newest first. Entries are
//! written by the one audited write (`store::write`) in the transaction of
//! the change they record; nothing in them names a child except by id.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::domain::access::{Action, Resource};
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new().get(
        "/coordinator/audit",
        Access::Policy(Action::Read, Resource::AuditLog),
        audit_page,
    )
}

/// One entry as stored. Codes are kept as text: the log also holds entries
/// written by earlier versions.
#[derive(sqlx::FromRow)]
pub struct Entry {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<i64>,
    pub outcome: String,
    pub detail: String,
    /// Words about a person, until the purge deletes them.
    pub words: Option<String>,
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.at, l.actor_id, l.actor_role, l.action, l.resource, l.resource_id, l.outcome, l.detail, p.words \
         FROM audit_log l LEFT JOIN audit_personal p ON p.entry_id = l.id ORDER BY l.at DESC, l.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/log.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<Entry>,
    /// The chain's head, which the programme may publish: a log rewritten
    /// behind the service's back no longer ends at it.
    head: crate::store::chain::Head,
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
        head: crate::store::chain::head(&state.db).await?,
    })
}

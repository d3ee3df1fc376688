//! The audit log as the coordinator reads it: every change and every read
//! of a full record, with who, when and what, newest first. Entries are
//! written by the one audited write (`store::write`) in the transaction of
//! the change they record; nothing in them names a child except by id.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use crate::domain::access::{Action, Resource};
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::paging::{ListQuery, PAGE_SIZE, Pager};
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
    /// Who acted, by name (while their account exists).
    pub actor_name: Option<String>,
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.at, l.actor_id, l.actor_role, l.action, l.resource, l.resource_id, l.outcome, l.detail, p.words, \
                a.full_name AS actor_name \
         FROM audit_log l LEFT JOIN audit_personal p ON p.entry_id = l.id LEFT JOIN accounts a ON a.id = l.actor_id \
         ORDER BY l.seq DESC LIMIT $1",
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
    query: ListQuery,
    pager: Pager,
}

/// The log's orders: (code, ORDER BY), by its chain's sequence.
const AUDIT_SORTS: &[(&str, &str)] = &[("newest", "l.seq DESC"), ("oldest", "l.seq")];

/// The log's filter: $1 the action ('' for any); the search ($2, $3: who
/// acted, by name or e-mail) only when one is typed.
fn audit_filter(search: bool) -> String {
    let mut f = String::from(
        "FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id WHERE ($1 = '' OR l.action = $1)",
    );
    if search {
        f.push_str(" AND (a.full_name LIKE $2 OR a.full_name LIKE $3 OR a.email LIKE $2)");
    }
    f
}

async fn audit_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(mut query): Query<ListQuery>,
) -> AppResult<AuditPage> {
    authorize(&user, Action::Read, Resource::AuditLog)?;
    if Action::parse(&query.status).is_none() {
        query.status.clear();
    }
    let search = !query.search().is_empty();
    let filter = audit_filter(search);
    let order = query.order(AUDIT_SORTS);
    let (like, capitalised) = (query.like(), query.like_capitalised());
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {filter}")))
        .bind(&query.status)
        .bind(&like)
        .bind(&capitalised)
        .fetch_one(state.db.pool())
        .await?;
    let pager = Pager::new("/coordinator/audit", &query, total);
    let offset = pager.offset();
    let entries = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT l.at, l.actor_id, l.actor_role, l.action, l.resource, l.resource_id, l.outcome, l.detail, \
                (SELECT p.words FROM audit_personal p WHERE p.entry_id = l.id) AS words, a.full_name AS actor_name \
         {filter} ORDER BY {order} LIMIT $4 OFFSET $5"
    )))
    .bind(&query.status)
    .bind(&like)
    .bind(&capitalised)
    .bind(i64::from(PAGE_SIZE))
    .bind(offset)
    .fetch_all(state.db.pool())
    .await?;
    Ok(AuditPage {
        nav: Nav::from(&visitor),
        entries,
        head: crate::store::chain::head(&state.db).await?,
        query,
        pager,
    })
}

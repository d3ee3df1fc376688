//! The coordinator's view of every application and its state.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::{ApplicationStatus, DocumentStatus};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::paging::{ListQuery, PAGE_SIZE, Pager};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/coordinator/applications",
        Access::Within(Action::Read, Resource::Application, Scope::All),
        page,
    )
}

#[derive(sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub child_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub school: String,
    pub district: String,
    pub status: ApplicationStatus,
    pub choices: i64,
    pub documents_pending: i64,
    pub documents_accepted: i64,
    /// How many rows match the search in all (0 without a search).
    pub matched: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/overview.html")]
pub struct OverviewPage {
    nav: Nav,
    lines: Vec<Line>,
    /// Every application by status (the whole list, not the page).
    counts: Vec<(ApplicationStatus, i64)>,
    query: ListQuery,
    pager: Pager,
}

/// The orders the list can be sorted in: (code, ORDER BY of the rows,
/// the same order of the chosen page's columns).
const SORTS: &[(&str, &str, &str)] = &[
    (
        "name",
        "c.family_name, c.given_name, a.id",
        "p.family_name, p.given_name, p.id",
    ),
    (
        "status",
        "a.status, c.family_name, c.given_name, a.id",
        "p.status, p.family_name, p.given_name, p.id",
    ),
    (
        "school",
        "s.name, c.family_name, c.given_name, a.id",
        "p.school, p.family_name, p.given_name, p.id",
    ),
    (
        "submitted",
        "a.submitted_at DESC, a.id",
        "p.submitted_at DESC, p.id",
    ),
];

/// The rows of the list: $1 the status ('' for any) and, only when a
/// search is typed, the search patterns $2 and $3 (a search condition
/// present but empty still costs seven comparisons a row).
fn filter(search: bool) -> String {
    let mut f = String::from(
        "FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id WHERE ($1 = '' OR a.status = $1)",
    );
    if search {
        f.push_str(
            " AND (c.family_name LIKE $2 OR c.family_name LIKE $3 OR c.given_name LIKE $2 OR c.given_name LIKE $3 \
             OR a.reference LIKE $2 OR s.name LIKE $2 OR s.name LIKE $3)",
        );
    }
    f
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(mut query): Query<ListQuery>,
) -> AppResult<OverviewPage> {
    // Every application: the coordinator's overview.
    let all = authorize(&user, Action::Read, Resource::Application)?.scope() == Scope::All;
    if !all || authorize(&user, Action::Read, Resource::Child)?.scope() != Scope::All {
        return Err(AppError::NotFound);
    }
    if ApplicationStatus::parse(&query.status).is_none() {
        query.status.clear();
    }
    let (order, outer) = SORTS
        .iter()
        .find(|(code, _, _)| *code == query.sort)
        .map_or((SORTS[0].1, SORTS[0].2), |(_, order, outer)| (order, outer));
    let search = !query.search().is_empty();
    let filter = filter(search);
    let (like, capitalised) = (query.like(), query.like_capitalised());
    let counts: Vec<(ApplicationStatus, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM applications GROUP BY status ORDER BY status")
            .fetch_all(state.db.pool())
            .await?;
    // The page's 50 rows are chosen first; only they are counted (choices,
    // documents by status, each by its own index: a status condition
    // inside the count would let the planner walk every waiting document
    // for every application). With a search the rows carry how many match
    // in all (one pass over the list, not two).
    let matched = if search { "COUNT(*) OVER ()" } else { "0" };
    let sql = format!(
        "SELECT p.id, p.child_id, p.given_name, p.family_name, p.school, p.district, p.status, p.matched, \
                (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = p.id) AS choices, \
                (SELECT COALESCE(SUM(CASE WHEN o.status = $4 THEN 1 ELSE 0 END), 0) FROM documents o \
                 WHERE o.child_id = p.child_id) AS documents_pending, \
                (SELECT COALESCE(SUM(CASE WHEN o.status = $5 THEN 1 ELSE 0 END), 0) FROM documents o \
                 WHERE o.child_id = p.child_id) AS documents_accepted \
         FROM (SELECT a.id, a.child_id, c.given_name, c.family_name, s.name AS school, d.name AS district, a.status, \
                      a.submitted_at, {matched} AS matched \
               {filter} ORDER BY {order} LIMIT $6 OFFSET $7) p ORDER BY {outer}"
    );
    let rows = |offset: i64| {
        let (sql, status, like, capitalised) = (&sql, &query.status, &like, &capitalised);
        let db = state.db.pool();
        async move {
            sqlx::query_as::<_, Line>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(status)
                .bind(like)
                .bind(capitalised)
                .bind(DocumentStatus::Pending)
                .bind(DocumentStatus::Accepted)
                .bind(i64::from(PAGE_SIZE))
                .bind(offset)
                .fetch_all(db)
                .await
        }
    };
    let (lines, pager) = if search {
        let lines = rows(query.offset()).await?;
        match lines.first().map(|l| l.matched) {
            Some(total) => {
                let pager = Pager::new("/coordinator/applications", &query, total);
                (lines, pager)
            }
            // Nothing on this page: none match, or the page is past the end.
            None => {
                let (total,): (i64,) =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {filter}")))
                        .bind(&query.status)
                        .bind(&like)
                        .bind(&capitalised)
                        .fetch_one(state.db.pool())
                        .await?;
                let pager = Pager::new("/coordinator/applications", &query, total);
                let offset = i64::from(pager.number - 1) * i64::from(PAGE_SIZE);
                let lines = if total > 0 {
                    rows(offset).await?
                } else {
                    lines
                };
                (lines, pager)
            }
        }
    } else {
        // Without a search the counts by status say how many there are.
        let total = counts
            .iter()
            .filter(|(s, _)| query.status.is_empty() || s.code() == query.status)
            .map(|(_, n)| n)
            .sum();
        let pager = Pager::new("/coordinator/applications", &query, total);
        (rows(pager.offset()).await?, pager)
    };
    Ok(OverviewPage {
        nav: Nav::from(&visitor),
        lines,
        counts,
        query,
        pager,
    })
}

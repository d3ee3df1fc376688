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
/// the same while searching). A search matches few rows, cheaper to sort
/// than to find by walking a whole index in order: while searching, the
/// first term is an expression no index serves (`|| ''`, `+ 0`), so the
/// planner filters first.
const SORTS: &[(&str, &str, &str)] = &[
    (
        "name",
        "c.family_name, c.given_name, a.id",
        "c.family_name || '', c.given_name, a.id",
    ),
    (
        "status",
        "a.status, c.family_name, c.given_name, a.id",
        "a.status || '', c.family_name, c.given_name, a.id",
    ),
    (
        "school",
        "s.name, c.school_id, c.family_name, c.given_name, a.id",
        "s.name || '', c.school_id, c.family_name, c.given_name, a.id",
    ),
    (
        "submitted",
        "a.submitted_at DESC, a.id",
        "a.submitted_at + 0 DESC, a.id",
    ),
];

/// The rows of the list: $1 the status ('' for any) and, only when a
/// search is typed, the search patterns $2 and $3 (a search condition
/// present but empty still costs seven comparisons a row). Schools are
/// joined only when the search or the order needs them: a deep page is
/// found by walking the name indexes of children and applications alone.
fn filter(search: bool, schools: bool, one_school: bool) -> String {
    // A search reads every application anyway: `+ 0` keeps the planner
    // from walking children by school and looking each one's applications
    // up, twice as slow as reading the applications in a row.
    let mut f = String::from(if search {
        "FROM applications a JOIN children c ON c.id = a.child_id + 0"
    } else {
        "FROM applications a JOIN children c ON c.id = a.child_id"
    });
    if search || schools {
        f.push_str(" JOIN schools s ON s.id = c.school_id");
    }
    f.push_str(" WHERE ($1 = '' OR a.status = $1)");
    if one_school {
        // $8: the school of one part of the list sorted by school.
        f.push_str(" AND c.school_id = $8");
    }
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
    let (sort, walked, searched) = SORTS
        .iter()
        .find(|(code, _, _)| *code == query.sort)
        .copied()
        .unwrap_or(SORTS[0]);
    let search = !query.search().is_empty();
    let order = if search { searched } else { walked };
    let filter = filter(search, sort == "school", false);
    let (like, capitalised) = (query.like(), query.like_capitalised());
    let counts: Vec<(ApplicationStatus, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM applications GROUP BY status ORDER BY status")
            .fetch_all(state.db.pool())
            .await?;
    // The page's 50 rows are chosen first (their ids only); only they are
    // joined to their schools and districts and counted (choices,
    // documents by status, each by its own index: a status condition
    // inside the count would let the planner walk every waiting document
    // for every application). With a search the rows carry how many match
    // in all (one pass over the list, not two).
    let matched = if search { "COUNT(*) OVER ()" } else { "0" };
    let select = |order: &str, filter: &str| {
        format!(
            "SELECT a.id, a.child_id, c.given_name, c.family_name, s.name AS school, d.name AS district, a.status, p.matched, \
                (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = a.id) AS choices, \
                (SELECT COALESCE(SUM(CASE WHEN o.status = $4 THEN 1 ELSE 0 END), 0) FROM documents o \
                 WHERE o.child_id = a.child_id) AS documents_pending, \
                (SELECT COALESCE(SUM(CASE WHEN o.status = $5 THEN 1 ELSE 0 END), 0) FROM documents o \
                 WHERE o.child_id = a.child_id) AS documents_accepted \
         FROM (SELECT a.id, {matched} AS matched {filter} ORDER BY {order} LIMIT $6 OFFSET $7) p \
         JOIN applications a ON a.id = p.id JOIN children c ON c.id = a.child_id \
         JOIN schools s ON s.id = c.school_id JOIN districts d ON d.id = s.district_id ORDER BY {order}"
        )
    };
    let sql = select(order, &filter);
    let page_size = i64::from(PAGE_SIZE);
    // The rows of one part of the list, within one school when `school`
    // names it.
    let in_school = |sql: String, status: String, limit: i64, offset: i64, school: Option<i64>| {
        let (like, capitalised) = (&like, &capitalised);
        let db = state.db.pool();
        async move {
            let q = sqlx::query_as::<_, Line>(sqlx::AssertSqlSafe(sql))
                .bind(status)
                .bind(like)
                .bind(capitalised)
                .bind(DocumentStatus::Pending)
                .bind(DocumentStatus::Accepted)
                .bind(limit)
                .bind(offset);
            match school {
                Some(school) => q.bind(school).fetch_all(db).await,
                None => q.fetch_all(db).await,
            }
        }
    };
    let rows = |sql: String, status: String, limit: i64, offset: i64| {
        in_school(sql, status, limit, offset, None)
    };
    let (lines, pager) = if search {
        let lines = rows(sql.clone(), query.status.clone(), page_size, query.offset()).await?;
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
                    rows(sql, query.status.clone(), page_size, offset).await?
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
        if sort == "school" {
            // By school, then name: the same, school by school (counted
            // first: one pass, no sort of the whole list), each read by
            // name from the school's own index.
            let schools: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT c.school_id, COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id \
                 JOIN schools s ON s.id = c.school_id WHERE ($1 = '' OR a.status = $1) \
                 GROUP BY c.school_id, s.name ORDER BY s.name, c.school_id",
            )
            .bind(&query.status)
            .fetch_all(state.db.pool())
            .await?;
            let by_name = select(SORTS[0].1, &self::filter(false, false, true));
            let mut lines = Vec::new();
            for (school, offset, limit) in spans(&schools, pager.offset(), page_size) {
                let part = in_school(
                    by_name.clone(),
                    query.status.clone(),
                    limit,
                    offset,
                    Some(school),
                );
                lines.extend(part.await?);
            }
            (lines, pager)
        } else if sort == "status" && query.status.is_empty() {
            // By status, then name: the counts say which statuses the
            // page falls in; each is read by name (the index walk) from
            // its own offset, never sorting the whole list by status.
            let by_name = select(SORTS[0].1, &filter);
            let mut lines = Vec::new();
            for (status, offset, limit) in spans(&counts, pager.offset(), page_size) {
                let part = rows(by_name.clone(), status.code().to_string(), limit, offset);
                lines.extend(part.await?);
            }
            (lines, pager)
        } else {
            (
                rows(sql, query.status.clone(), page_size, pager.offset()).await?,
                pager,
            )
        }
    };
    Ok(OverviewPage {
        nav: Nav::from(&visitor),
        lines,
        counts,
        query,
        pager,
    })
}

/// The parts of a list sorted by status or school that one page shows:
/// for each status or school it reaches (in the order of `counts`, the
/// list's), the offset within it and how many rows.
fn spans<K: Copy>(counts: &[(K, i64)], mut offset: i64, mut wanted: i64) -> Vec<(K, i64, i64)> {
    let mut out = Vec::new();
    for &(status, n) in counts {
        if wanted <= 0 {
            break;
        }
        if offset >= n {
            offset -= n;
            continue;
        }
        let take = wanted.min(n - offset);
        out.push((status, offset, take));
        wanted -= take;
        offset = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus::*;

    #[test]
    fn a_page_sorted_by_status_spans_the_statuses_it_reaches() {
        let counts = [(Draft, 30), (Submitted, 100), (Withdrawn, 5)];
        assert_eq!(
            spans(&counts, 0, 50),
            vec![(Draft, 0, 30), (Submitted, 0, 20)]
        );
        assert_eq!(spans(&counts, 50, 50), vec![(Submitted, 20, 50)]);
        assert_eq!(
            spans(&counts, 100, 50),
            vec![(Submitted, 70, 30), (Withdrawn, 0, 5)]
        );
        assert_eq!(spans(&counts, 150, 50), vec![]);
        assert_eq!(spans(&counts, 30, 50), vec![(Submitted, 0, 50)]);
    }
}

//! The coordinator's view of every application and its state.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::{ApplicationStatus, DocumentStatus};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
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
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/overview.html")]
pub struct OverviewPage {
    nav: Nav,
    lines: Vec<Line>,
    counts: Vec<(ApplicationStatus, usize)>,
}

async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<OverviewPage> {
    // Every application: the coordinator's overview.
    let all = authorize(&user, Action::Read, Resource::Application)?.scope() == Scope::All;
    if !all || authorize(&user, Action::Read, Resource::Child)?.scope() != Scope::All {
        return Err(AppError::NotFound);
    }
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT a.id, a.child_id, c.given_name, c.family_name, s.name AS school, d.name AS district, a.status, \
                (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = a.id) AS choices, \
                (SELECT COUNT(*) FROM documents o WHERE o.child_id = c.id AND o.status = $1) AS documents_pending, \
                (SELECT COUNT(*) FROM documents o WHERE o.child_id = c.id AND o.status = $2) AS documents_accepted \
         FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id ORDER BY a.status, c.family_name, c.given_name LIMIT 5000",
    )
    .bind(DocumentStatus::Pending)
    .bind(DocumentStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let mut counts: Vec<(ApplicationStatus, usize)> = Vec::new();
    for l in &lines {
        match counts.iter_mut().find(|(s, _)| *s == l.status) {
            Some(c) => c.1 += 1,
            None => counts.push((l.status, 1)),
        }
    }
    Ok(OverviewPage {
        nav: Nav::from(&visitor),
        lines,
        counts,
    })
}

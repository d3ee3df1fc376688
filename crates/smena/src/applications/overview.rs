//! The coordinator's view of every application and its state.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use sqlx::Row as _;

use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub struct Line {
    pub id: i64,
    pub child_id: i64,
    pub child: String,
    pub school: String,
    pub district: String,
    pub status: String,
    pub choices: i64,
    pub documents_pending: i64,
    pub documents_accepted: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/overview.html")]
pub struct OverviewPage {
    nav: Nav,
    lines: Vec<Line>,
    counts: Vec<(String, usize)>,
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<OverviewPage> {
    authorize(&user, Action::Read, Resource::Application)?;
    authorize(&user, Action::Read, Resource::Child)?;
    if user.role != crate::web::policy::Role::Coordinator {
        return Err(crate::web::error::AppError::NotFound);
    }
    let rows = sqlx::query(
        "SELECT a.id, a.child_id, c.given_name, c.family_name, s.name AS school, d.name AS district, a.status, \
                (SELECT COUNT(*) FROM application_choices x WHERE x.application_id = a.id) AS choices, \
                (SELECT COUNT(*) FROM documents o WHERE o.child_id = c.id AND o.status = 'pending') AS pending, \
                (SELECT COUNT(*) FROM documents o WHERE o.child_id = c.id AND o.status = 'accepted') AS accepted \
         FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
         JOIN districts d ON d.id = s.district_id ORDER BY a.status, c.family_name, c.given_name LIMIT 5000",
    )
    .fetch_all(state.db.pool())
    .await?;
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|r| {
            let given: String = r.try_get("given_name")?;
            let family: String = r.try_get("family_name")?;
            Ok(Line {
                id: r.try_get("id")?,
                child_id: r.try_get("child_id")?,
                child: format!("{given} {family}"),
                school: r.try_get("school")?,
                district: r.try_get("district")?,
                status: r.try_get("status")?,
                choices: r.try_get("choices")?,
                documents_pending: r.try_get("pending")?,
                documents_accepted: r.try_get("accepted")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in &lines {
        match counts.iter_mut().find(|(s, _)| *s == l.status) {
            Some(c) => c.1 += 1,
            None => counts.push((l.status.clone(), 1)),
        }
    }
    Ok(OverviewPage {
        nav: Nav::from(&visitor),
        lines,
        counts,
    })
}

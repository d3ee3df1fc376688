//! Schools: a representative imports the school's pupils from a CSV file,
//! nominates them, and follows each one's application.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::Row as _;

use crate::allocation::contract::parse_date;
use crate::audit;
use crate::store::{new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

/// Largest roster file accepted.
const MAX_ROSTER_BYTES: usize = 2 * 1024 * 1024;
const MAX_ROWS: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/school/pupils", get(roster_page))
        .route(
            "/school/pupils/import",
            post(import).layer(DefaultBodyLimit::max(MAX_ROSTER_BYTES + 64 * 1024)),
        )
        .route("/school/pupils/{id}/nominate", post(nominate))
}

pub struct Pupil {
    pub id: i64,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub class_name: String,
    pub nominated: bool,
    pub application: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "schools/roster.html")]
struct RosterPage {
    nav: Nav,
    school: String,
    pupils: Vec<Pupil>,
    errors: Vec<String>,
    notice: Option<String>,
}

fn school_of(user: &User) -> AppResult<i64> {
    user.school_id.ok_or(AppError::NotFound)
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    school: i64,
    errors: Vec<String>,
    notice: Option<String>,
) -> AppResult<RosterPage> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_one(state.db.pool())
        .await?;
    let rows = sqlx::query(
        "SELECT p.id, p.family_name, p.given_name, p.birth_date, p.class_name, p.nominated, \
                (SELECT a.status FROM children c JOIN applications a ON a.child_id = c.id \
                 WHERE c.school_id = p.school_id AND c.family_name = p.family_name AND c.given_name = p.given_name \
                   AND c.birth_date = p.birth_date ORDER BY a.created_at DESC LIMIT 1) AS application \
         FROM pupils p WHERE p.school_id = $1 ORDER BY p.class_name, p.family_name, p.given_name",
    )
    .bind(school)
    .fetch_all(state.db.pool())
    .await?;
    let pupils = rows
        .into_iter()
        .map(|r| {
            Ok(Pupil {
                id: r.try_get("id")?,
                family_name: r.try_get("family_name")?,
                given_name: r.try_get("given_name")?,
                birth_date: r.try_get("birth_date")?,
                class_name: r.try_get("class_name")?,
                nominated: r.try_get::<i32, _>("nominated")? != 0,
                application: r
                    .try_get::<Option<String>, _>("application")?
                    .unwrap_or_else(|| "none yet".into()),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(RosterPage {
        nav: Nav::from(visitor),
        school: name,
        pupils,
        errors,
        notice,
    })
}

async fn roster_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<RosterPage> {
    authorize(&user, Action::Read, Resource::Roster)?;
    render(&state, &visitor, school_of(&user)?, vec![], None).await
}

/// A roster row once checked: (family name, given name, birth date, class).
type RosterRow = (String, String, String, String);

/// Reads `family_name,given_name,birth_date,class`; every problem is named by
/// line and column, and one bad row refuses the whole file.
pub fn parse_roster(bytes: &[u8]) -> Result<Vec<RosterRow>, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![
                "The file is not CSV text (save the spreadsheet as CSV UTF-8).".into(),
            ]);
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(family), Some(given), Some(birth)) =
        (col("family_name"), col("given_name"), col("birth_date"))
    else {
        return Err(vec!["Line 1: the header must name the columns family_name, given_name, birth_date and class.".into()]);
    };
    let class = col("class");
    let mut errors = Vec::new();
    let mut rows: Vec<RosterRow> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 2, |p| p.line());
        if rows.len() + errors.len() >= MAX_ROWS {
            errors.push(format!(
                "The file has more than {MAX_ROWS} pupils; split it."
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(format!(
                    "Line {line}: not valid CSV text (is the file saved as UTF-8?)."
                ));
                continue;
            }
        };
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let mut bad = false;
        for (c, what) in [(family, "family_name"), (given, "given_name")] {
            let v = field(c);
            if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
                errors.push(format!(
                    "Line {line}, column {} ({what}): a name of 1 to 100 characters is needed.",
                    c + 1
                ));
                bad = true;
            }
        }
        if let Err(e) = parse_date(&field(birth)) {
            errors.push(format!(
                "Line {line}, column {} (birth_date): {e}.",
                birth + 1
            ));
            bad = true;
        }
        let key = (field(family), field(given), field(birth));
        if !bad
            && rows
                .iter()
                .any(|r| (&r.0, &r.1, &r.2) == (&key.0, &key.1, &key.2))
        {
            errors.push(format!(
                "Line {line}: {} {} born {} is listed twice.",
                key.1, key.0, key.2
            ));
            bad = true;
        }
        if !bad {
            rows.push((key.0, key.1, key.2, class.map(field).unwrap_or_default()));
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("The file has no pupils.".into());
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

async fn import(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| {
                AppError::BadRequest(format!(
                    "The file is too large (at most {} MB).",
                    MAX_ROSTER_BYTES / (1024 * 1024)
                ))
            })?);
        }
    }
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::BadRequest("Please choose the CSV file to import.".into()))?;
    let rows = match parse_roster(&bytes) {
        Ok(rows) => rows,
        Err(mut errors) => {
            errors.insert(0, "Nothing was imported. Please correct the file:".into());
            let page = render(&state, &visitor, school, errors, None).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    for (family, given, birth, class) in &rows {
        sqlx::query(
            "INSERT INTO pupils (id, school_id, given_name, family_name, birth_date, class_name, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (school_id, family_name, given_name, birth_date) DO UPDATE SET class_name = excluded.class_name, imported_at = excluded.imported_at",
        )
        .bind(new_id())
        .bind(school)
        .bind(given)
        .bind(family)
        .bind(birth)
        .bind(class)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "roster",
        Some(school),
        "ok",
        &format!("{} pupils imported", rows.len()),
    )
    .await?;
    tx.commit().await?;
    let page = render(
        &state,
        &visitor,
        school,
        vec![],
        Some(format!("{} pupils imported.", rows.len())),
    )
    .await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
struct NominateForm {
    nominated: String,
}

async fn nominate(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<NominateForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query("UPDATE pupils SET nominated = $1 WHERE id = $2 AND school_id = $3")
        .bind(i32::from(form.nominated == "yes"))
        .bind(id)
        .bind(school)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        &user,
        "update",
        "pupil",
        Some(id),
        "ok",
        if form.nominated == "yes" {
            "nominated"
        } else {
            "nomination withdrawn"
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/school/pupils").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosters_are_checked_row_by_row() {
        let ok = parse_roster("\u{feff}family_name,given_name,birth_date,class\r\nПетрова,Айыына,2013-04-02,7А\r\nIvanov,Ivan,2012-01-01,8\r\n".as_bytes()).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(
            ok[0],
            (
                "Петрова".into(),
                "Айыына".into(),
                "2013-04-02".into(),
                "7А".into()
            )
        );
        let errors = parse_roster(b"family_name,given_name,birth_date,class\nA,,2013-01-01,7\nB,C,2013-02-30,7\nB,D,2013-01-01,7\nB,D,2013-01-01,8\n").unwrap_err();
        assert!(
            errors[0].contains("Line 2, column 2 (given_name)"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("Line 3, column 3 (birth_date)")
                && errors[1].contains("not a real date")
        );
        assert!(errors[2].contains("Line 5") && errors[2].contains("twice"));
        assert!(parse_roster(b"name,born\nA,B\n").unwrap_err()[0].contains("Line 1"));
        assert!(parse_roster(b"").is_err());
        assert!(parse_roster(&[0xff, 0xfe, 0x00, 0x41]).is_err());
    }
}

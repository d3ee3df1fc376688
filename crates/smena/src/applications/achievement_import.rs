//! Children's achievements from a spreadsheet: the programme office gets
//! olympiad and competition results as tables and imports them, previewed
//! first, all rows or none. Each row names a registered child (family name,
//! given name, birth date), the achievement, its level and the place.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use sqlx::AnyConnection;

use crate::domain::access::{Action, Resource};
use crate::imports::{self, Cell, CellProblem, Problem, Problems, Table};
use crate::language::Language;
use crate::programmes::queries as programmes;
use crate::store::{Db, new_id, now_ms, today};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/coordinator/achievements",
            Access::Policy(Action::Create, Resource::Achievement),
            form,
        )
        .post_upload(
            "/coordinator/achievements/import",
            Access::Policy(Action::Create, Resource::Achievement),
            preview,
            imports::MAX_BYTES + 64 * 1024,
        )
        .post(
            "/coordinator/achievements/import/confirm",
            Access::Policy(Action::Create, Resource::Achievement),
            confirm,
        )
}

/// One row of the file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub row: usize,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub title: String,
    /// One of the programme's level codes.
    pub level: String,
    pub place: i32,
}

const TITLE: &[&str] = &["achievement", "title", "достижение", "название"];
const LEVEL: &[&str] = &["level", "уровень"];
const PLACE: &[&str] = &["place", "место"];
const COLUMNS: &str = "family_name, given_name, birth_date, achievement, level, place (фамилия, имя, дата рождения, достижение, уровень, место)";

/// The level code a cell names: the code itself (`regional`) or its name in
/// any of the three languages (`республиканский`).
fn level_of(text: &str, levels: &[String]) -> Option<String> {
    let t = text.trim().to_lowercase();
    levels
        .iter()
        .find(|code| {
            code.to_lowercase() == t
                || Language::ALL
                    .iter()
                    .any(|l| l.code_name("level", code).to_lowercase() == t)
        })
        .cloned()
}

/// Reads and checks the file against the programme's levels and places;
/// the rows in file order, or every problem.
pub fn read(
    bytes: &[u8],
    today: &str,
    levels: &[String],
    places: &[i32],
) -> Result<Vec<Row>, Vec<Problem>> {
    check(imports::read_table(bytes)?, today, levels, places)
}

fn check(
    table: Table,
    today: &str,
    levels: &[String],
    places: &[i32],
) -> Result<Vec<Row>, Vec<Problem>> {
    let format = table.format;
    let (Some(person), Some(title), Some(level), Some(place)) = (
        imports::PersonColumns::of(&table),
        table.column(TITLE),
        table.column(LEVEL),
        table.column(PLACE),
    ) else {
        return Err(vec![Problem::MissingColumns {
            format,
            columns: COLUMNS,
        }]);
    };
    let level_list = levels.join(", ");
    let place_list = places
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut problems = Problems::default();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<(String, String, String, String, String, i32), usize> = HashMap::new();
    for mut r in table.filled_rows(&mut problems) {
        let p = &mut problems;
        let who = r.person(p, &person, today);
        let title_text = r.field(
            p,
            title,
            "achievement",
            imports::text(r.cell(title), Some(CellProblem::ValueNeeded)),
        );
        let level_code = r.field(
            p,
            level,
            "level",
            imports::text(r.cell(level), Some(CellProblem::ValueNeeded)).and_then(|t| {
                level_of(&t, levels).ok_or_else(|| CellProblem::OneOf(level_list.clone()))
            }),
        );
        let place_text = match r.cell(place) {
            // A place typed as a number.
            Cell::Number(n) if n.fract() == 0.0 => Ok(format!("{n}")),
            other => imports::text(other, Some(CellProblem::ValueNeeded)),
        };
        let place_number = r.field(
            p,
            place,
            "place",
            place_text.and_then(|t| {
                t.trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|p| places.contains(p))
                    .ok_or_else(|| CellProblem::OneOf(place_list.clone()))
            }),
        );
        let (Some(who), Some(title), Some(level), Some(place), true) =
            (who, title_text, level_code, place_number, r.ok)
        else {
            continue;
        };
        let imports::Person {
            family_name,
            given_name,
            birth_date,
        } = who;
        let row = r.row;
        let key = (
            family_name.clone(),
            given_name.clone(),
            birth_date.clone(),
            title.clone(),
            level.clone(),
            place,
        );
        if let Some(first) = seen.get(&key) {
            problems.report(Problem::Twice {
                format,
                row,
                first: *first,
                who: format!("{given_name} {family_name}, {birth_date}: {title}"),
            });
            continue;
        }
        seen.insert(key, row);
        rows.push(Row {
            row,
            family_name,
            given_name,
            birth_date,
            title,
            level,
            place,
        });
    }
    problems.finish(rows)
}

/// Finds each row's child among the registered children: one child with
/// exactly these names and birth date, else a problem naming the row.
pub async fn match_children(
    db: &Db,
    format: imports::Format,
    rows: Vec<Row>,
) -> Result<Result<Vec<(i64, Row)>, Vec<Problem>>, sqlx::Error> {
    let children: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, family_name, given_name, birth_date FROM children")
            .fetch_all(db.pool())
            .await?;
    let mut by_person: HashMap<(&str, &str, &str), Vec<i64>> = HashMap::new();
    for (id, family, given, birth) in &children {
        by_person
            .entry((family.as_str(), given.as_str(), birth.as_str()))
            .or_default()
            .push(*id);
    }
    let mut problems = Problems::default();
    let mut matched = Vec::with_capacity(rows.len());
    for r in rows {
        let ids = by_person
            .get(&(
                r.family_name.as_str(),
                r.given_name.as_str(),
                r.birth_date.as_str(),
            ))
            .map_or(&[][..], Vec::as_slice);
        match ids {
            [id] => matched.push((*id, r)),
            _ => problems.report(Problem::NotFound {
                format,
                row: r.row,
                key: if ids.is_empty() {
                    "import-child-unknown"
                } else {
                    "import-child-ambiguous"
                },
                who: format!("{} {}, {}", r.given_name, r.family_name, r.birth_date),
            }),
        }
    }
    Ok(problems.finish(matched))
}

/// Adds the achievements not recorded yet (the same child, title, level and
/// place are not added twice); in the caller's transaction. Returns how
/// many were added.
pub async fn save(
    conn: &mut AnyConnection,
    rows: &[(i64, Row)],
    now: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<usize, sqlx::Error> {
    let mut added = 0;
    for (n, (child, r)) in rows.iter().enumerate() {
        let done = sqlx::query(
            "INSERT INTO achievements (id, child_id, level, place, title, created_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS \
             (SELECT 1 FROM achievements WHERE child_id = $2 AND level = $3 AND place = $4 AND title = $5)",
        )
        .bind(new_id())
        .bind(child)
        .bind(&r.level)
        .bind(r.place)
        .bind(&r.title)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        added += done.rows_affected() as usize;
        progress(n + 1);
    }
    Ok(added)
}

/// The programme's level codes and places, the newest programme's.
pub async fn scale(db: &Db) -> Result<(Vec<String>, Vec<i32>), sqlx::Error> {
    let Some(programme) = programmes::newest(db).await? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let rules = programmes::rules(db, programme.id).await?;
    Ok((
        rules.levels.into_iter().map(|(l, _, _)| l).collect(),
        rules.places.into_iter().map(|(p, _)| p).collect(),
    ))
}

/// Reads, checks and matches a file: the rows with their children, or the
/// problems in `lang`.
async fn examine(
    db: &Db,
    bytes: bytes::Bytes,
    lang: Language,
) -> AppResult<Result<Vec<(i64, Row)>, Vec<String>>> {
    let (levels, places) = scale(db).await?;
    let format = imports::Format::of(&bytes);
    let read =
        imports::off_thread(move || read(&bytes, &today().to_string(), &levels, &places)).await?;
    let rows = match read {
        Ok(rows) => rows,
        Err(problems) => return Ok(Err(imports::refusal(&problems, lang))),
    };
    Ok(match_children(db, format, rows)
        .await?
        .map_err(|problems| imports::refusal(&problems, lang)))
}

/// One row of the preview.
pub struct PreviewRow {
    pub child: String,
    pub birth_date: String,
    pub title: String,
    pub level: String,
    pub place: i32,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/achievement_import.html")]
pub struct ImportPage {
    nav: Nav,
    errors: Vec<String>,
    notice: Option<String>,
    /// (rows, first rows, staged file, seal) when a file is previewed.
    count: usize,
    first: Vec<PreviewRow>,
    file: String,
    seal: String,
}

fn page(visitor: &Visitor, errors: Vec<String>, notice: Option<String>) -> ImportPage {
    ImportPage {
        nav: Nav::from(visitor),
        errors,
        notice,
        count: 0,
        first: Vec::new(),
        file: String::new(),
        seal: String::new(),
    }
}

#[derive(Deserialize)]
pub struct Imported {
    added: Option<usize>,
    rows: Option<usize>,
}

pub async fn form(
    user: User,
    visitor: Visitor,
    Query(done): Query<Imported>,
) -> AppResult<ImportPage> {
    authorize(&user, Action::Create, Resource::Achievement)?;
    let notice = match (done.added, done.rows) {
        (Some(added), Some(rows)) => Some(visitor.language.text_with(
            "achievements-imported",
            &[("n", &added.to_string()), ("count", &rows.to_string())],
        )),
        _ => None,
    };
    Ok(page(&visitor, Vec::new(), notice))
}

/// Reads the file and shows what would be imported; writes nothing.
pub async fn preview(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Achievement)?;
    let lang = visitor.language;
    let _slot = state.uploads.take_or_drain(user.id, &mut multipart).await?;
    let bytes = imports::receive(&mut multipart, lang).await?;
    let rows = match examine(&state.db, bytes.clone(), lang).await? {
        Ok(rows) => rows,
        Err(errors) => {
            return Ok((StatusCode::BAD_REQUEST, page(&visitor, errors, None)).into_response());
        }
    };
    let staged = imports::stage(&state, &visitor, "achievements", &bytes).await?;
    Ok(ImportPage {
        count: rows.len(),
        first: rows
            .iter()
            .take(20)
            .map(|(_, r)| PreviewRow {
                child: format!("{} {}", r.family_name, r.given_name),
                birth_date: r.birth_date.clone(),
                title: r.title.clone(),
                level: r.level.clone(),
                place: r.place,
            })
            .collect(),
        file: staged.file,
        seal: staged.seal,
        ..page(&visitor, Vec::new(), None)
    }
    .into_response())
}

/// Writes the previewed achievements, all of them or none.
pub async fn confirm(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<imports::Staged>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Achievement)?;
    let bytes = imports::staged(&state, &visitor, "achievements", &form).await?;
    // Checked again: children may have changed since the preview.
    let rows = match examine(&state.db, bytes.into(), visitor.language).await? {
        Ok(rows) => rows,
        Err(errors) => {
            return Ok((StatusCode::BAD_REQUEST, page(&visitor, errors, None)).into_response());
        }
    };
    let added = state
        .write(&permit, async |c| {
            let added = save(c, &rows, now_ms(), &|_| {}).await?;
            c.audit_as(
                Action::Import,
                Resource::Achievement,
                None,
                format!("{added} of {} rows added", rows.len()),
            );
            Ok(added)
        })
        .await?;
    imports::discard(&state, &form).await;
    // Post/Redirect/Get: reloading the page never imports again.
    Ok(Redirect::to(&format!(
        "/coordinator/achievements?added={added}&rows={}",
        rows.len()
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-11-28";

    fn levels() -> Vec<String> {
        ["international", "national", "regional", "municipal"]
            .map(String::from)
            .to_vec()
    }

    fn read_en(bytes: &[u8]) -> Result<Vec<Row>, Vec<String>> {
        read(bytes, TODAY, &levels(), &[1, 2, 3]).map_err(|p| imports::words(&p, Language::En))
    }

    #[test]
    fn rows_name_a_child_an_achievement_a_level_and_a_place() {
        let ok = read_en(
            "Фамилия;Имя;Дата рождения;Достижение;Уровень;Место\n\
             Петрова;Айыына;02.04.2013;Олимпиада по математике;республиканский;1\n\
             Petrova;Aiyyna;2013-04-02;Chess;municipal;3\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].level, "regional", "a level by its Russian name");
        assert_eq!(ok[0].birth_date, "2013-04-02");
        assert_eq!((ok[1].level.as_str(), ok[1].place), ("municipal", 3));
    }

    #[test]
    fn broken_rows_are_named_by_row_and_column_and_nothing_is_taken() {
        let errors = read_en(
            b"family_name,given_name,birth_date,achievement,level,place\n\
              A,B,2013-01-01,Chess,galactic,1\n\
              A,B,2013-01-01,Chess,municipal,7\n\
              A,B,2013-01-01,,municipal,1\n\
              A,B,2013-01-01,Chess,municipal,1\n\
              A,B,2013-01-01,Chess,municipal,1\n",
        )
        .unwrap_err();
        assert!(
            errors[0]
                .starts_with("Line 2, column 5 (level): one of these is expected: international"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("Line 3, column 6 (place)"),
            "{errors:?}"
        );
        assert!(errors[2].starts_with("Line 4, column 4 (achievement): empty"));
        assert!(errors[3].starts_with("Line 6:") && errors[3].contains("twice"));
        assert!(
            read_en(b"family_name,given_name,birth_date\nA,B,2013-01-01\n").unwrap_err()[0]
                .contains("must name the columns")
        );
        // The same problem in Russian names the same row and column.
        let ru = read(
            b"family_name,given_name,birth_date,achievement,level,place\nA,B,2013-01-01,Chess,galactic,1\n",
            TODAY,
            &levels(),
            &[1, 2, 3],
        )
        .map_err(|p| imports::words(&p, Language::Ru))
        .unwrap_err();
        assert!(
            ru[0].starts_with("Строка 2, столбец 5 (level): нужно одно из значений"),
            "{ru:?}"
        );
    }
}

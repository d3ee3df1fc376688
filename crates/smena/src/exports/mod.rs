//! Spreadsheets out: applications, placements, the waitlist and a session's
//! travel manifest, as XLSX or CSV, for the coordinator's office (web) and
//! the operator (`smena export`). The same rows either way.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::allocation::runs;
use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, OfferStatus};
use crate::domain::values::Day;
use crate::language::{Language, words};
use crate::store::Db;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/coordinator/programmes/{id}/exports/{file}",
            Access::Policy(Action::Read, Resource::Report),
            programme_export,
        )
        .get(
            "/coordinator/sessions/{id}/exports/{file}",
            Access::Policy(Action::Read, Resource::TravelPapers),
            session_export,
        )
        .get(
            "/coordinator/legs/{id}/manifest.xlsx",
            Access::Policy(Action::Read, Resource::TravelPapers),
            leg_export,
        )
}

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// Every application of the programme with its ranked choices.
    Applications,
    /// The published (else the newest final) result: who is placed where.
    Placements,
    /// The children of that result with no place, and why.
    Waitlist,
    /// One session's travelling children with passports and contacts.
    Manifest,
}

impl Table {
    pub fn parse(name: &str) -> Option<Table> {
        match name {
            "applications" => Some(Table::Applications),
            "placements" => Some(Table::Placements),
            "waitlist" => Some(Table::Waitlist),
            "manifest" => Some(Table::Manifest),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Table::Applications => "applications",
            Table::Placements => "placements",
            Table::Waitlist => "waitlist",
            Table::Manifest => "manifest",
        }
    }
}

/// A spreadsheet format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// From a file name's extension.
    pub fn of(file: &str) -> Option<Format> {
        let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A download's file name, `placements.xlsx`: the table and the format.
fn requested(file: &str) -> Option<(Table, Format)> {
    let (name, _) = file.rsplit_once('.')?;
    Some((Table::parse(name)?, Format::of(file)?))
}

/// Rows with a header, every cell text (dates stay ISO, as stored). The
/// header holds column codes (`family_name`) until [`Sheet::for_reader`]
/// names them for a person.
pub struct Sheet {
    pub title: String,
    /// The session's code, for a manifest.
    pub session: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The sheet for a person reading `lang`: the title and the columns by
    /// their names, statuses in words. (The command line keeps the codes,
    /// a stable contract for scripts.)
    pub fn for_reader(mut self, table: Table, lang: Language) -> Sheet {
        for (i, code) in self.header.iter().enumerate() {
            let prefix = match code.as_str() {
                "status" => "application-status",
                "offer" => "offer-status",
                _ => continue,
            };
            for row in &mut self.rows {
                if let Some(cell) = row.get_mut(i)
                    && !cell.is_empty()
                {
                    *cell = lang.code_name(prefix, cell);
                }
            }
        }
        self.header = self
            .header
            .iter()
            .map(|code| lang.code_name("export-column", code))
            .collect();
        self.title = lang.text_with(
            &format!("export-title-{}", table.name()),
            &[("session", self.session.as_deref().unwrap_or_default())],
        );
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("writing the spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    NotFound(String),
}

use crate::store::keys::{CONTACT, KeyError, PASSPORT};

fn date_of_ms(ms: Option<i64>) -> String {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

fn columns(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

#[derive(sqlx::FromRow)]
struct ApplicationLine {
    id: i64,
    reference: Option<String>,
    family_name: String,
    given_name: String,
    birth_date: Day,
    school: String,
    district: String,
    category: Option<String>,
    status: ApplicationStatus,
    submitted_at: Option<i64>,
    block_ref: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ResultLine {
    reference: Option<String>,
    family_name: String,
    given_name: String,
    school: String,
    district: String,
    session: Option<String>,
    choice_rank: Option<i32>,
    offer: Option<OfferStatus>,
    reason: Option<String>,
    reason_words: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ManifestLine {
    reference: Option<String>,
    family_name: String,
    given_name: String,
    birth_date: Day,
    passport_number: Option<String>,
    passport_expires: Option<Day>,
    guardian: String,
    guardian_email: String,
    emergency_contact: Option<String>,
}

/// The rows of `table` for `programme` (or, for the manifest, `session`);
/// explanations are written in `lang`.
pub async fn sheet(
    db: &Db,
    programme: i64,
    table: Table,
    session: Option<i64>,
    lang: Language,
) -> Result<Sheet, ExportError> {
    let pool = db.pool();
    match table {
        Table::Applications => {
            let choices: Vec<(i64, String)> = sqlx::query_as(
                "SELECT c.application_id, s.code FROM application_choices c JOIN sessions s ON s.id = c.session_id \
                 JOIN applications a ON a.id = c.application_id WHERE a.programme_id = $1 \
                 ORDER BY c.application_id, c.choice_rank",
            )
            .bind(programme)
            .fetch_all(pool)
            .await?;
            let mut by_application: std::collections::HashMap<i64, Vec<String>> =
                std::collections::HashMap::new();
            for (id, code) in choices {
                by_application.entry(id).or_default().push(code);
            }
            let lines: Vec<ApplicationLine> = sqlx::query_as(
                "SELECT a.id, a.reference, c.family_name, c.given_name, c.birth_date, s.name AS school, \
                        d.name AS district, c.category, a.status, a.submitted_at, a.block_ref \
                 FROM applications a JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
                 JOIN districts d ON d.id = s.district_id WHERE a.programme_id = $1 \
                 ORDER BY a.reference, c.family_name, c.given_name, a.id",
            )
            .bind(programme)
            .fetch_all(pool)
            .await?;
            let rows = lines
                .into_iter()
                .map(|l| {
                    vec![
                        l.reference.unwrap_or_default(),
                        l.family_name,
                        l.given_name,
                        l.birth_date.to_string(),
                        l.school,
                        l.district,
                        l.category.unwrap_or_default(),
                        l.status.code().to_string(),
                        date_of_ms(l.submitted_at),
                        by_application
                            .get(&l.id)
                            .map(|c| c.join("; "))
                            .unwrap_or_default(),
                        l.block_ref.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(Sheet {
                title: "Applications".into(),
                session: None,
                header: columns(&[
                    "reference",
                    "family_name",
                    "given_name",
                    "birth_date",
                    "school",
                    "district",
                    "category",
                    "status",
                    "submitted",
                    "choices",
                    "block",
                ]),
                rows,
            })
        }
        Table::Placements | Table::Waitlist => {
            let run = runs::result_run(db, programme)
                .await?
                .ok_or_else(|| {
                    ExportError::NotFound("the programme has no final allocation yet".into())
                })?
                .id;
            let placed = table == Table::Placements;
            let lines: Vec<ResultLine> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT a.reference, c.family_name, c.given_name, s.name AS school, d.name AS district, \
                        x.code AS session, p.choice_rank, o.status AS offer, \
                        (SELECT e.sentence FROM explanations e WHERE e.run_id = p.run_id \
                           AND e.application_id = p.application_id AND e.choice_rank = 1) AS reason, \
                        (SELECT e.words FROM explanations e WHERE e.run_id = p.run_id \
                           AND e.application_id = p.application_id AND e.choice_rank = 1) AS reason_words \
                 FROM placements p JOIN applications a ON a.id = p.application_id \
                 JOIN children c ON c.id = a.child_id JOIN schools s ON s.id = c.school_id \
                 JOIN districts d ON d.id = s.district_id LEFT JOIN sessions x ON x.id = p.session_id \
                 LEFT JOIN offers o ON o.application_id = a.id \
                 WHERE p.run_id = $1 AND p.session_id IS {} NULL \
                 ORDER BY x.code, a.reference",
                if placed { "NOT" } else { "" }
            )))
            .bind(run)
            .fetch_all(pool)
            .await?;
            let rows = lines
                .into_iter()
                .map(|l| {
                    let mut row = vec![
                        l.reference.unwrap_or_default(),
                        l.family_name,
                        l.given_name,
                        l.school,
                        l.district,
                    ];
                    if placed {
                        row.push(l.session.unwrap_or_default());
                        row.push(l.choice_rank.map(|r| r.to_string()).unwrap_or_default());
                        row.push(l.offer.map(|o| o.code().to_string()).unwrap_or_default());
                    } else {
                        row.push(words::stored(
                            l.reason_words.as_deref(),
                            &l.reason.unwrap_or_default(),
                            lang,
                        ));
                    }
                    row
                })
                .collect();
            let mut header = vec![
                "reference",
                "family_name",
                "given_name",
                "school",
                "district",
            ];
            if placed {
                header.extend(["session", "choice_rank", "offer"]);
            } else {
                header.push("why_not_placed");
            }
            Ok(Sheet {
                title: if placed { "Placements" } else { "Waitlist" }.into(),
                session: None,
                header: columns(&header),
                rows,
            })
        }
        Table::Manifest => {
            let session = session
                .ok_or_else(|| ExportError::NotFound("the manifest is of one session".into()))?;
            let (code,): (String,) =
                sqlx::query_as("SELECT code FROM sessions WHERE id = $1 AND programme_id = $2")
                    .bind(session)
                    .bind(programme)
                    .fetch_optional(pool)
                    .await?
                    .ok_or_else(|| ExportError::NotFound("no such session".into()))?;
            let lines: Vec<ManifestLine> = sqlx::query_as(
                "SELECT a.reference, c.family_name, c.given_name, c.birth_date, c.passport_number, c.passport_expires, \
                        g.full_name AS guardian, g.email AS guardian_email, c.emergency_contact \
                 FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
                 JOIN accounts g ON g.id = c.guardian_id \
                 WHERE o.session_id = $1 AND o.status = $2 ORDER BY c.family_name, c.given_name, a.reference",
            )
            .bind(session)
            .bind(OfferStatus::Accepted)
            .fetch_all(pool)
            .await?;
            let keys = db.keys().map_err(sqlx::Error::from)?;
            let rows = lines
                .into_iter()
                .map(|l| {
                    Ok(vec![
                        l.reference.unwrap_or_default(),
                        l.family_name,
                        l.given_name,
                        l.birth_date.to_string(),
                        keys.reveal_opt(PASSPORT, l.passport_number.as_deref())?
                            .unwrap_or_default(),
                        l.passport_expires
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        l.guardian,
                        l.guardian_email,
                        keys.reveal_opt(CONTACT, l.emergency_contact.as_deref())?
                            .unwrap_or_default(),
                    ])
                })
                .collect::<Result<_, KeyError>>()
                .map_err(sqlx::Error::from)?;
            Ok(Sheet {
                title: format!("Manifest {code}"),
                session: Some(code),
                header: columns(&[
                    "reference",
                    "family_name",
                    "given_name",
                    "birth_date",
                    "passport_number",
                    "passport_expires",
                    "guardian",
                    "guardian_email",
                    "emergency_contact",
                ]),
                rows,
            })
        }
    }
}

/// A spreadsheet program runs a cell that starts with one of these as a
/// formula; a family's "=HYPERLINK(…)" must stay text (CSV injection).
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The sheet as CSV: UTF-8 with a byte-order mark (so that Excel reads the
/// Cyrillic right), a header row, formula-looking cells defused.
pub fn csv(sheet: &Sheet, progress: &dyn Fn(usize)) -> Result<Vec<u8>, ExportError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(&sheet.header)?;
    for (i, row) in sheet.rows.iter().enumerate() {
        out.write_record(row.iter().map(|c| defuse(c).into_owned()))?;
        progress(i + 1);
    }
    out.into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

/// The sheet as an XLSX workbook: every cell written as a string (never a
/// formula), the header bold and frozen.
pub fn xlsx(sheet: &Sheet, progress: &dyn Fn(usize)) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = sheet
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    ws.set_name(name)?;
    let bold = CellFormat::new().set_bold();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, 18)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, cell)?;
        }
        progress(r + 1);
    }
    Ok(book.save_to_buffer()?)
}

/// The sheet in `format`.
pub fn write(
    sheet: &Sheet,
    format: Format,
    progress: &dyn Fn(usize),
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Xlsx => xlsx(sheet, progress),
        Format::Csv => csv(sheet, progress),
    }
}

async fn respond(
    state: &AppState,
    permit: &Permit,
    lang: Language,
    programme: i64,
    table: Table,
    format: Format,
    // The session of a manifest, with the references its reader may see
    // (`None`: every child).
    of_session: Option<(i64, Option<Vec<String>>)>,
) -> AppResult<Response> {
    let (session, only) = match of_session {
        Some((s, only)) => (Some(s), only),
        None => (None, None),
    };
    let sheet = match sheet(&state.db, programme, table, session, lang).await {
        Ok(mut s) => {
            // A group's adults: their groups' children only (by reference,
            // the first column of the manifest).
            if let Some(only) = &only {
                s.rows
                    .retain(|row| row.first().is_some_and(|r| only.contains(r)));
            }
            s.for_reader(table, lang)
        }
        Err(ExportError::NotFound(what)) => {
            return Err(AppError::Invalid(
                "export-nothing",
                vec![("what", what.to_string())],
            ));
        }
        Err(e) => return Err(anyhow::Error::new(e).into()),
    };
    let bytes = write(&sheet, format, &|_| {}).map_err(anyhow::Error::new)?;
    let (_, resource) = permit.on();
    state
        .record_as(
            permit,
            Action::Export,
            resource,
            session.or(Some(programme)),
            &format!("{}: {} rows", table.name(), sheet.rows.len()),
        )
        .await?;
    let file = format!(
        "{}-{}.{}",
        table.name(),
        session.unwrap_or(programme),
        format.extension()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `/coordinator/programmes/7/exports/placements.xlsx` and the like.
async fn programme_export(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path((programme, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::Report)?;
    let (table, format) = requested(&file)
        .filter(|(t, _)| *t != Table::Manifest)
        .ok_or(AppError::NotFound)?;
    respond(
        &state,
        &permit,
        visitor.language,
        programme,
        table,
        format,
        None,
    )
    .await
}

/// `/coordinator/sessions/12/exports/manifest.csv`.
async fn session_export(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path((session, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::TravelPapers)?;
    crate::groups::reach(&state, &user, &permit, session).await?;
    let (_, format) = requested(&file)
        .filter(|(t, _)| *t == Table::Manifest)
        .ok_or(AppError::NotFound)?;
    let (programme,): (i64,) = sqlx::query_as("SELECT programme_id FROM sessions WHERE id = $1")
        .bind(session)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    respond(
        &state,
        &permit,
        visitor.language,
        programme,
        Table::Manifest,
        format,
        Some((
            session,
            crate::groups::visible_references(&state.db, &user, &permit, session).await?,
        )),
    )
    .await
}

/// `/coordinator/legs/12/manifest.xlsx`: one leg's manifest, its group's
/// children only (of those the reader may see).
async fn leg_export(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(leg): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::TravelPapers)?;
    let (leg, session) = crate::groups::legs::find(&state.db, leg)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::groups::reach(&state, &user, &permit, session).await?;
    let (mut references, _) = crate::groups::legs::travelling_with(&state.db, leg.group_id).await?;
    if let Some(visible) =
        crate::groups::visible_references(&state.db, &user, &permit, session).await?
    {
        references.retain(|r| visible.contains(r));
    }
    let (programme,): (i64,) = sqlx::query_as("SELECT programme_id FROM sessions WHERE id = $1")
        .bind(session)
        .fetch_one(state.db.pool())
        .await?;
    respond(
        &state,
        &permit,
        visitor.language,
        programme,
        Table::Manifest,
        Format::Xlsx,
        Some((session, Some(references))),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sheet {
        Sheet {
            title: "Manifest: songdowon/1".into(),
            session: Some("songdowon/1".into()),
            header: columns(&["family_name", "given_name"]),
            rows: vec![
                vec!["Ҕоҕолова".into(), "Айыына".into()],
                vec!["=HYPERLINK(\"http://x\")".into(), "-1+2".into()],
            ],
        }
    }

    #[test]
    fn csv_keeps_cyrillic_and_defuses_formulas() {
        let bytes = csv(&sample(), &|_| {}).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0], ["Ҕоҕолова", "Айыына"]);
        assert_eq!(rows[1], ["'=HYPERLINK(\"http://x\")", "'-1+2"]);
    }

    #[test]
    fn xlsx_reads_back_as_text_never_formulas() {
        use calamine::{Reader, Xlsx};
        let bytes = xlsx(&sample(), &|_| {}).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let names = book.sheet_names();
        assert_eq!(names, ["Manifest songdowon1"]);
        let range = book.worksheet_range(&names[0]).unwrap();
        let cell = |r: u32, c: u32| range.get_value((r, c)).map(|v| v.to_string());
        assert_eq!(cell(0, 0).as_deref(), Some("family_name"));
        assert_eq!(cell(1, 0).as_deref(), Some("Ҕоҕолова"));
        assert_eq!(cell(2, 0).as_deref(), Some("=HYPERLINK(\"http://x\")"));
        let formulas = book.worksheet_formula(&names[0]).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn names_and_formats_parse() {
        assert_eq!(Table::parse("waitlist"), Some(Table::Waitlist));
        assert_eq!(Table::parse("passwords"), None);
        assert_eq!(Format::of("placements.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::of("placements.csv"), Some(Format::Csv));
        assert_eq!(Format::of("placements.pdf"), None);
        assert_eq!(Format::of("placements"), None);
        assert_eq!(
            requested("waitlist.CSV"),
            Some((Table::Waitlist, Format::Csv))
        );
        assert_eq!(requested("waitlist.pdf"), None);
        assert_eq!(requested("passwords.csv"), None);
    }
}

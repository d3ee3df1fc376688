//! Documents: families upload what the programme requires for each child;
//! the coordinator reviews each (accepts it, or rejects it with a reason
//! the family is told). Scans are stored by content (`store::files`),
//! checked by what they contain, and served only as downloads.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, DocumentStatus, OfferStatus, ProgrammeStatus};
use crate::domain::values::Day;
use crate::language::Language;
use crate::programmes::queries::{self as programmes, RequiredDocument};
use crate::store::{Db, Mail, files, new_id, now_ms, today};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::paging::{ListQuery, PAGE_SIZE, Pager};
use crate::web::policy::{Permit, authorize, child_in_scope};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        // Files over 10 MB are read to the end and refused with an
        // explanation; bodies over 64 MB are cut off.
        .post_upload(
            "/children/{id}/documents",
            Access::Policy(Action::Create, Resource::Document),
            upload,
            files::DRAIN_BYTES,
        )
        .get(
            "/documents/{id}",
            Access::Policy(Action::Read, Resource::Document),
            download,
        )
        .get(
            "/documents/{id}/preview",
            Access::Policy(Action::Review, Resource::Document),
            preview,
        )
        .get(
            "/coordinator/documents",
            Access::Policy(Action::Review, Resource::Document),
            review_page,
        )
        .post(
            "/coordinator/documents/{id}/review",
            Access::Policy(Action::Review, Resource::Document),
            review,
        )
}

/// The name of a document's kind as the programme's coordinator wrote it
/// (the newest programme that requires it), or as the camp names its entry
/// document, else its code.
const KIND_NAME: &str = "COALESCE((SELECT r.name FROM required_documents r JOIN programmes p ON p.id = r.programme_id \
     WHERE r.kind = d.kind ORDER BY p.created_at DESC LIMIT 1), \
     (SELECT k.entry_document FROM sessions s JOIN camps k ON k.id = s.camp_id \
      WHERE d.kind = 'entry-' || CAST(s.id AS TEXT)), d.kind) AS name";

/// The kind of a session's entry document (a visa or an invitation, where
/// its camp's host country requires one): one per session, because a visa
/// is for the dates of one trip.
pub fn entry_kind(session: i64) -> String {
    format!("entry-{session}")
}

/// The entry document a child needs for their place in `programme`
/// (offered or accepted) at a camp that requires one: its kind, its name
/// as the coordinator wrote it, due by the session's first day.
pub async fn entry_document(
    db: &Db,
    programme: i64,
    child: i64,
) -> Result<Option<RequiredDocument>, sqlx::Error> {
    let found: Option<(i64, String, Day)> = sqlx::query_as(
        "SELECT s.id, k.entry_document, s.starts FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id \
         WHERE a.child_id = $1 AND a.programme_id = $2 AND o.status IN ($3, $4) \
           AND k.entry_document IS NOT NULL",
    )
    .bind(child)
    .bind(programme)
    .bind(OfferStatus::Offered)
    .bind(OfferStatus::Accepted)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.map(|(session, name, starts)| RequiredDocument {
        kind: entry_kind(session),
        name,
        deadline: starts,
    }))
}

/// What a child uploads for `programme`: the documents the programme
/// requires, and the entry document of the camp where they have a place.
pub async fn required_of_child(
    db: &Db,
    programme: i64,
    child: i64,
) -> Result<Vec<RequiredDocument>, sqlx::Error> {
    let mut all = programmes::required_documents(db, programme).await?;
    all.extend(entry_document(db, programme, child).await?);
    Ok(all)
}

/// A child's document as its family and the coordinator see it.
#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    /// What the programme calls the kind.
    pub name: String,
    pub original_name: String,
    pub size: i64,
    pub status: DocumentStatus,
    pub reason: Option<String>,
}

pub async fn of_child(db: &Db, child: i64) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.kind, {KIND_NAME}, d.original_name, d.size, d.status, d.reason FROM documents d \
         WHERE d.child_id = $1 ORDER BY d.uploaded_at, d.id"
    )))
    .bind(child)
    .fetch_all(db.pool())
    .await
}

/// What a programme requires, split by when: the documents due with the
/// application (by the programme's document-review deadline, so that the
/// allocation can count on them) and those due after it (a medical
/// certificate due 31 May does not hold up a submission in April; the
/// offer depends on it instead). Without a document-review deadline every
/// document comes with the application.
pub struct Required {
    pub with_application: Vec<RequiredDocument>,
    pub later: Vec<RequiredDocument>,
}

pub async fn required(db: &Db, programme: i64) -> Result<Required, sqlx::Error> {
    required_in(&mut *db.pool().acquire().await?, programme).await
}

/// [`required`], read inside a change.
pub async fn required_in(
    conn: &mut sqlx::AnyConnection,
    programme: i64,
) -> Result<Required, sqlx::Error> {
    let all = programmes::required_documents_in(&mut *conn, programme).await?;
    let due: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT documents_due_at FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_optional(&mut *conn)
            .await?;
    let due_day = due
        .and_then(|(at,)| at)
        .and_then(crate::language::zone::day_of);
    let (with_application, later) = all
        .into_iter()
        .partition(|r| due_day.is_none_or(|day| r.deadline <= day));
    Ok(Required {
        with_application,
        later,
    })
}

/// Names of the documents due with the application that the child has no
/// usable (not rejected) copy of: these hold up a submission.
pub async fn missing(db: &Db, programme: i64, child: i64) -> Result<Vec<String>, sqlx::Error> {
    let required = required(db, programme).await?;
    let usable = usable_kinds(db, child).await?;
    Ok(required
        .with_application
        .into_iter()
        .filter(|r| !usable.contains(&r.kind))
        .map(|r| r.name)
        .collect())
}

/// The documents due after the application that are not accepted yet:
/// what an offer still depends on.
pub async fn conditions(
    db: &Db,
    programme: i64,
    child: i64,
) -> Result<Vec<RequiredDocument>, sqlx::Error> {
    let required = required(db, programme).await?;
    let accepted = accepted_kinds(db, child).await?;
    Ok(required
        .later
        .into_iter()
        .filter(|r| !accepted.contains(&r.kind))
        .collect())
}

/// Whether every document due with the application is accepted: what the
/// allocation calls "documents verified".
pub fn verified(required: &Required, accepted: &[String]) -> bool {
    required
        .with_application
        .iter()
        .all(|r| accepted.contains(&r.kind))
}

/// The kinds a child has a copy of that is not rejected.
async fn usable_kinds(db: &Db, child: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT kind FROM documents WHERE child_id = $1 AND status <> $2")
            .bind(child)
            .bind(DocumentStatus::Rejected)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

/// The kinds of document a child has accepted.
pub async fn accepted_kinds(db: &Db, child: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT kind FROM documents WHERE child_id = $1 AND status = $2")
            .bind(child)
            .bind(DocumentStatus::Accepted)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

/// Whether the child is within the permit's scope; a child outside it is
/// recorded as a refused attempt and answered as not found.
async fn child_within(state: &AppState, user: &User, permit: &Permit, child: i64) -> AppResult<()> {
    let sql = format!(
        "SELECT c.id FROM children c WHERE c.id = $1 AND {}",
        child_in_scope(2, 3, 4)
    );
    let found: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(child)
        .bind(permit.scope().code())
        .bind(user.id)
        .bind(user.school_id.unwrap_or(-1))
        .fetch_optional(state.db.pool())
        .await?;
    match found {
        Some(_) => Ok(()),
        None => {
            let (action, _) = permit.on();
            state
                .denied(user, action, Resource::Child, Some(child))
                .await
        }
    }
}

/// A scan as stored: what it is, its name, and where its bytes are.
pub struct Upload {
    pub kind: String,
    pub name: String,
    pub content_type: &'static str,
    pub size: i64,
    pub sha256: String,
}

/// Records an uploaded scan of a child's document, waiting for review; its
/// id.
pub async fn record_upload(
    c: &mut crate::store::Change,
    child: i64,
    upload: &Upload,
    uploaded_by: i64,
) -> Result<i64, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO documents (id, child_id, kind, original_name, content_type, size, sha256, status, uploaded_at, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(child)
    .bind(&upload.kind)
    .bind(&upload.name)
    .bind(upload.content_type)
    .bind(upload.size)
    .bind(&upload.sha256)
    .bind(DocumentStatus::Pending)
    .bind(now_ms())
    .bind(uploaded_by)
    .execute(&mut **c)
    .await?;
    c.audit_as(
        Action::Create,
        Resource::Document,
        Some(id),
        format!("{} of child {child}", upload.kind),
    );
    Ok(id)
}

fn too_large() -> AppError {
    AppError::Invalid(
        "upload-too-large",
        vec![("n", (files::MAX_BYTES / (1024 * 1024)).to_string())],
    )
}

/// Reads the form: the kind of document and the file, streamed to disk as
/// it arrives (read to the end even when too large, so the family gets the
/// explanation, not a broken connection).
async fn receive(
    multipart: &mut Multipart,
    dir: &std::path::Path,
    keys: &crate::store::keys::Keyring,
) -> AppResult<(Option<String>, Option<(String, files::Receiving)>)> {
    let mut kind = None;
    let mut file = None;
    let internal =
        |e: std::io::Error| AppError::Internal(anyhow::Error::from(e).context("storing an upload"));
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status().as_u16() == 413 => return Err(too_large()),
            Err(_) => return Err(AppError::Invalid("upload-incomplete", vec![])),
        };
        match field.name() {
            Some("kind") => kind = field.text().await.ok(),
            Some("file") => {
                let name = files::clean_name(field.file_name().unwrap_or(""));
                let mut incoming = files::Receiving::start(dir, keys).await.map_err(internal)?;
                let mut oversize = false;
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            oversize = oversize || incoming.size() + chunk.len() > files::MAX_BYTES;
                            if !oversize {
                                incoming.write(&chunk).await.map_err(internal)?;
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status().as_u16() == 413 => return Err(too_large()),
                        Err(_) => return Err(AppError::Invalid("upload-incomplete", vec![])),
                    }
                }
                if oversize {
                    return Err(too_large());
                }
                file = Some((name, incoming));
            }
            _ => {}
        }
    }
    Ok((kind, file))
}

async fn upload(
    State(state): State<AppState>,
    user: User,
    Path(child): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Create, Resource::Document)?;
    child_within(&state, &user, &permit, child).await?;
    // Taken before the body is stored: beyond the cap, 429.
    let _slot = state.uploads.take_or_drain(user.id, &mut multipart).await?;
    let (kind, file) = receive(&mut multipart, &state.config.files_dir, state.db.keys()?).await?;
    let programme = programmes::of_child(&state.db, child)
        .await?
        .ok_or_else(|| AppError::Invalid("upload-no-programme", vec![]))?;
    let required = required_of_child(&state.db, programme.id, child).await?;
    let kind = kind.unwrap_or_default();
    let Some(requirement) = required.iter().find(|r| r.kind == kind) else {
        return Err(AppError::Invalid("upload-which", vec![]));
    };
    // The deadline day counts.
    if today() > requirement.deadline {
        return Err(AppError::Invalid(
            "upload-past-deadline",
            vec![
                ("document", requirement.name.clone()),
                ("deadline", requirement.deadline.to_string()),
            ],
        ));
    }
    let (name, incoming) = file
        .filter(|(_, f)| f.size() > 0)
        .ok_or_else(|| AppError::Invalid("upload-choose-file", vec![]))?;
    let content_type = files::detect(incoming.head())
        .ok_or_else(|| AppError::Invalid("upload-not-a-scan", vec![]))?;
    let size = incoming.size() as i64;
    let sha256 = incoming
        .finish()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let upload = Upload {
        kind,
        name,
        content_type,
        size,
        sha256,
    };
    state
        .write(&permit, async |c| {
            record_upload(c, child, &upload, user.id).await?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/children/{child}#documents")).into_response())
}

#[derive(sqlx::FromRow)]
struct Stored {
    child_id: i64,
    original_name: String,
    content_type: String,
    sha256: String,
}

async fn download(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::Document)?;
    send(&state, &user, &permit, id, false).await
}

/// The scan shown inside the review queue (a picture, or a PDF in a frame
/// of the queue's page): to reviewers only.
async fn preview(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Review, Resource::Document)?;
    send(&state, &user, &permit, id, true).await
}

/// A stored scan, read and its reading recorded: as a download, or
/// `inline` for the review queue's preview.
async fn send(
    state: &AppState,
    user: &User,
    permit: &Permit,
    id: i64,
    inline: bool,
) -> AppResult<Response> {
    let doc: Stored = sqlx::query_as(
        "SELECT child_id, original_name, content_type, sha256 FROM documents WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    child_within(state, user, permit, doc.child_id).await?;
    let bytes = files::load(&state.config.files_dir, state.db.keys()?, &doc.sha256)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    state
        .record(permit, Some(id), &format!("child {}", doc.child_id))
        .await?;
    let ascii: String = doc
        .original_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let how = if inline { "inline" } else { "attachment" };
    let disposition = format!("{how}; filename=\"{ascii}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&doc.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    if inline {
        // Shown in a frame of the queue's own page, nowhere else; nothing
        // it contains may load or run anything else. (Only PDF, JPEG and
        // PNG are stored, checked by their content.)
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'"),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    } else {
        // Never run anything a file contains, even if a browser tried.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        );
    }
    Ok(response)
}

/// A document waiting for review.
#[derive(sqlx::FromRow)]
pub struct PendingDocument {
    pub id: i64,
    pub child_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub name: String,
    pub original_name: String,
    pub content_type: String,
    pub size: i64,
    /// How many documents match the search in all (0 without a search).
    pub matched: i64,
}

impl PendingDocument {
    /// Whether the browser shows it as a picture (else in a frame).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// Reasons a coordinator picks instead of typing one: (code, Fluent key).
/// The family reads the reason in its own language.
pub const STANDARD_REASONS: &[(&str, &str)] = &[
    ("unreadable", "reason-unreadable"),
    ("cut_off", "reason-cut-off"),
    ("wrong_document", "reason-wrong-document"),
    ("expired", "reason-expired"),
    ("name_differs", "reason-name-differs"),
];

#[derive(Template, WebTemplate)]
#[template(path = "documents/review.html")]
struct ReviewPage {
    nav: Nav,
    pending: Vec<PendingDocument>,
    query: ListQuery,
    pager: Pager,
    /// The kinds the newest programme requires: (code, name), to filter by.
    kinds: Vec<(String, String)>,
    /// A review sent back with a problem: the document, the problem and
    /// the reason typed.
    problem: Option<(i64, String, String)>,
}

/// The orders of the review queue: (code, ORDER BY).
const REVIEW_SORTS: &[(&str, &str)] = &[
    ("oldest", "d.uploaded_at, d.id"),
    ("newest", "d.uploaded_at DESC, d.id DESC"),
    ("name", "c.family_name, c.given_name, d.id"),
];

/// The queue's filter: $1 pending, $2 the kind ('' for any), and the
/// search ($3, $4) only when one is typed. Children are joined only when
/// the search or the order by name needs them: a deep page is found by
/// walking the queue's index alone.
fn review_filter(search: bool, names: bool) -> String {
    let mut f = String::from("FROM documents d");
    if search {
        // A search reads every waiting document anyway: `+ 0` keeps the
        // planner from walking all children by name instead.
        f.push_str(" JOIN children c ON c.id = d.child_id + 0");
    } else if names {
        f.push_str(" JOIN children c ON c.id = d.child_id");
    }
    f.push_str(" WHERE d.status = $1 AND ($2 = '' OR d.kind = $2)");
    if search {
        f.push_str(
            " AND (c.family_name LIKE $3 OR c.family_name LIKE $4 OR c.given_name LIKE $3 \
             OR c.given_name LIKE $4 OR d.original_name LIKE $3)",
        );
    }
    f
}

/// The queue's filter and order for `query`.
fn review_query(query: &ListQuery) -> (bool, String, &'static str) {
    let search = !query.search().is_empty();
    let order = query.order(REVIEW_SORTS);
    let names = order.starts_with("c.");
    (search, review_filter(search, names), order)
}

#[derive(Deserialize, Default)]
struct ReviewQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// A review sent back: which document, the problem's Fluent key, the
    /// reason typed.
    #[serde(default)]
    problem_for: Option<i64>,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    typed: String,
}

async fn review_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<ReviewQuery>,
) -> AppResult<ReviewPage> {
    authorize(&user, Action::Review, Resource::Document)?;
    let query = q.list;
    let (search, filter, order) = review_query(&query);
    let (like, capitalised) = (query.like(), query.like_capitalised());
    // The page's 50 ids first; their children and names only for them.
    // With a search the rows carry how many match in all (one pass over
    // the queue, not two).
    let matched = if search { "COUNT(*) OVER ()" } else { "0" };
    let page = |offset: i64| {
        let sql = format!(
            "SELECT d.id, d.child_id, c.given_name, c.family_name, {KIND_NAME}, d.original_name, d.content_type, \
                    d.size, p.matched \
             FROM (SELECT d.id, {matched} AS matched {filter} ORDER BY {order} LIMIT $5 OFFSET $6) p \
             JOIN documents d ON d.id = p.id JOIN children c ON c.id = d.child_id ORDER BY {order}"
        );
        let (status, like, capitalised) = (&query.status, &like, &capitalised);
        let db = state.db.pool();
        async move {
            sqlx::query_as::<_, PendingDocument>(sqlx::AssertSqlSafe(sql))
                .bind(DocumentStatus::Pending)
                .bind(status)
                .bind(like)
                .bind(capitalised)
                .bind(i64::from(PAGE_SIZE))
                .bind(offset)
                .fetch_all(db)
                .await
        }
    };
    let found = if search {
        page(query.offset()).await?
    } else {
        vec![]
    };
    let total = match found.first() {
        Some(first) => first.matched,
        // Counted without the children unless searching (every document
        // has its child).
        None => {
            let counted = review_filter(search, false);
            let (total,): (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {counted}")))
                    .bind(DocumentStatus::Pending)
                    .bind(&query.status)
                    .bind(&like)
                    .bind(&capitalised)
                    .fetch_one(state.db.pool())
                    .await?;
            total
        }
    };
    let pager = Pager::new("/coordinator/documents", &query, total);
    let pending = if found.is_empty() {
        // Without a search, or a search's page past its end: the page the
        // pager settled on.
        if total > 0 {
            page(pager.offset()).await?
        } else {
            vec![]
        }
    } else {
        found
    };
    let mut kinds: Vec<(String, String)> = match programmes::open_programme(&state.db).await? {
        Some(p) => programmes::required_documents(&state.db, p.id)
            .await?
            .into_iter()
            .map(|r| (r.kind, r.name))
            .collect(),
        None => vec![],
    };
    // The entry documents of the newest programme's sessions, each by its
    // session (they come after the offers, when no programme is open).
    let newest = programmes::newest(&state.db).await?.map_or(0, |p| p.id);
    let entries: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.id, k.entry_document, s.code FROM sessions s JOIN camps k ON k.id = s.camp_id \
         WHERE k.entry_document IS NOT NULL AND s.programme_id = $1 ORDER BY s.starts, s.code",
    )
    .bind(newest)
    .fetch_all(state.db.pool())
    .await?;
    kinds.extend(
        entries
            .into_iter()
            .map(|(session, name, code)| (entry_kind(session), format!("{name} ({code})"))),
    );
    let lang = visitor.language;
    // Only a problem this page knows: the query names it, never words.
    let problem = q.problem_for.and_then(|id| {
        [
            "review-reason-needed",
            "review-reason-long",
            "review-choose",
        ]
        .into_iter()
        .find(|k| *k == q.problem)
        .map(|k| (id, lang.text(k), q.typed.chars().take(500).collect()))
    });
    Ok(ReviewPage {
        nav: Nav::from(&visitor),
        pending,
        query,
        pager,
        kinds,
        problem,
    })
}

/// Where the queue goes after a review: the same filters and page, at the
/// next document (the one reviewed leaves the list), not at the top.
async fn next_in_queue(db: &Db, query: &ListQuery, after: i64) -> Result<String, sqlx::Error> {
    let (_, filter, order) = review_query(query);
    // The page's rows as they stand now: the next one after the reviewed
    // document's place.
    let ids: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.id {filter} ORDER BY {order} LIMIT $5 OFFSET $6"
    )))
    .bind(DocumentStatus::Pending)
    .bind(&query.status)
    .bind(query.like())
    .bind(query.like_capitalised())
    .bind(i64::from(PAGE_SIZE) + 1)
    .bind(query.offset())
    .fetch_all(db.pool())
    .await?;
    let params = serde_urlencoded::to_string([
        ("q", query.q.as_str()),
        ("status", query.status.as_str()),
        ("sort", query.sort.as_str()),
        ("page", query.page.as_str()),
    ])
    .unwrap_or_default();
    let anchor = ids
        .iter()
        .map(|(id,)| *id)
        .find(|id| *id != after)
        .map(|id| format!("#document-{id}"))
        .unwrap_or_default();
    Ok(format!("/coordinator/documents?{params}{anchor}"))
}

/// The coordinator's decision on a document.
pub enum Decision {
    Accept,
    /// With the reason the family is told.
    Reject(String),
    /// With a standard reason (a Fluent key), told in the family's language.
    RejectStandard(&'static str),
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// A standard reason's code, used when no reason is typed.
    #[serde(default)]
    standard: String,
    /// Where the queue stood, to come back to it.
    #[serde(flatten)]
    list: ListQuery,
}

impl ReviewForm {
    /// The decision, or the problem's Fluent key.
    fn parse(&self) -> Result<Decision, &'static str> {
        let reason = self.reason.trim();
        let standard = STANDARD_REASONS
            .iter()
            .find(|(code, _)| *code == self.standard)
            .map(|(_, key)| *key);
        match (self.decision.as_str(), standard) {
            ("accept", _) => Ok(Decision::Accept),
            ("reject", Some(key)) if reason.is_empty() => Ok(Decision::RejectStandard(key)),
            ("reject", None) if reason.is_empty() => Err("review-reason-needed"),
            ("reject", _) if reason.chars().count() > 500 => Err("review-reason-long"),
            ("reject", _) => Ok(Decision::Reject(reason.to_string())),
            _ => Err("review-choose"),
        }
    }
}

/// Whose document it is, to tell them.
#[derive(sqlx::FromRow)]
struct Owner {
    child_id: i64,
    kind: String,
    name: String,
    status: DocumentStatus,
    email: String,
    full_name: String,
    language: Language,
    given_name: String,
}

/// Reviews a pending document, once: a document another coordinator has
/// just reviewed is not reviewed again. A rejection is e-mailed to the
/// family with its reason.
pub async fn review_document(
    c: &mut crate::store::Change,
    id: i64,
    reviewer: i64,
    decision: &Decision,
    base_url: &str,
    then: Option<crate::web::DocumentsAccepted>,
) -> AppResult<()> {
    let owner: Owner = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT d.child_id, d.kind, {KIND_NAME}, d.status, a.email, a.full_name, a.language, c.given_name FROM documents d \
         JOIN children c ON c.id = d.child_id JOIN accounts a ON a.id = c.guardian_id WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **c)
    .await?
    .ok_or(AppError::NotFound)?;
    let standard;
    let (status, reason) = match decision {
        Decision::Accept => (DocumentStatus::Accepted, None),
        Decision::Reject(reason) => (DocumentStatus::Rejected, Some(reason.as_str())),
        Decision::RejectStandard(key) => {
            standard = owner.language.text(key);
            (DocumentStatus::Rejected, Some(standard.as_str()))
        }
    };
    let reviewed = c
        .transition(
            sqlx::query(
                "UPDATE documents SET status = $1, reason = $2, reviewed_at = $3, reviewed_by = $4 \
                 WHERE id = $5 AND status = $6",
            )
            .bind(status)
            .bind(reason)
            .bind(now_ms())
            .bind(reviewer)
            .bind(id)
            .bind(DocumentStatus::Pending),
        )
        .await?;
    if !reviewed {
        return Err(AppError::Conflict(
            "review-already",
            vec![("status", owner.status.code().to_string())],
        ));
    }
    c.audit_as(
        Action::Review,
        Resource::Document,
        Some(id),
        format!(
            "{}: {} of child {}",
            status.code(),
            owner.kind,
            owner.child_id
        ),
    );
    if let (DocumentStatus::Accepted, Some(then)) = (status, then) {
        then(c, base_url, owner.child_id).await?;
    }
    if let Some(reason) = reason {
        let lang = owner.language;
        c.send(Mail {
            to: owner.email,
            kind: "document_rejected",
            subject: lang.text("email-rejected-subject"),
            body: lang.letter(
                Some(&owner.full_name),
                "email-rejected-body",
                &[
                    ("document", &owner.name),
                    ("child", &owner.given_name),
                    ("reason", reason),
                    (
                        "link",
                        &format!("{base_url}/children/{}#documents", owner.child_id),
                    ),
                ],
            ),
            secret: None,
        });
    }
    Ok(())
}

async fn review(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Review, Resource::Document)?;
    let decision = match form.parse() {
        Ok(d) => d,
        // Back to the queue at this document, with the problem beside it
        // and the reason as typed.
        Err(problem) => {
            let mut params = serde_urlencoded::to_string([
                ("q", form.list.q.as_str()),
                ("status", form.list.status.as_str()),
                ("sort", form.list.sort.as_str()),
                ("page", form.list.page.as_str()),
                ("problem_for", &id.to_string()),
                ("problem", problem),
                ("typed", &form.reason.chars().take(500).collect::<String>()),
            ])
            .unwrap_or_default();
            params.push_str(&format!("#document-{id}"));
            return Ok(Redirect::to(&format!("/coordinator/documents?{params}")).into_response());
        }
    };
    state
        .write(&permit, async |c| {
            review_document(
                c,
                id,
                user.id,
                &decision,
                &state.config.base_url,
                state.documents_accepted,
            )
            .await
        })
        .await?;
    let next = next_in_queue(&state.db, &form.list, id).await?;
    Ok(Redirect::to(&next).into_response())
}

/// Days before a document's deadline that a family still without a usable
/// copy is reminded.
pub const REMINDER_DAYS: i64 = 3;

/// A submitted application with documents due soon and not uploaded.
#[derive(sqlx::FromRow)]
struct Due {
    application: i64,
    child: i64,
    name: String,
    deadline: Day,
}

/// Reminds each family whose child has a required document due within
/// [`REMINDER_DAYS`] and no usable (uploaded, not rejected) copy: one
/// e-mail per deadline, naming every document due by it, taken once even
/// with two replicas running this. How many families were reminded.
pub async fn remind_due(db: &Db, base_url: &str) -> AppResult<usize> {
    let today = today();
    let until = Day(today
        .date()
        .saturating_add(time::Duration::days(REMINDER_DAYS)));
    let rows: Vec<Due> = sqlx::query_as(
        "SELECT a.id AS application, a.child_id AS child, r.name, r.deadline FROM required_documents r \
         JOIN programmes p ON p.id = r.programme_id \
         JOIN applications a ON a.programme_id = p.id AND a.status = $1 \
         WHERE p.status IN ($2, $3, $4, $8) AND r.deadline >= $5 AND r.deadline <= $6 \
           AND (a.documents_reminded_for IS NULL OR a.documents_reminded_for < r.deadline) \
           AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.child_id = a.child_id AND d.kind = r.kind AND d.status <> $7) \
         ORDER BY a.id, r.deadline",
    )
    .bind(ApplicationStatus::Submitted)
    .bind(ProgrammeStatus::Open)
    .bind(ProgrammeStatus::Closed)
    .bind(ProgrammeStatus::Published)
    .bind(today)
    .bind(until)
    .bind(DocumentStatus::Rejected)
    .bind(ProgrammeStatus::Allocated)
    .fetch_all(db.pool())
    .await?;
    let mut reminded = 0;
    for group in rows.chunk_by(|a, b| a.application == b.application) {
        let (application, child) = (group[0].application, group[0].child);
        // The latest deadline named: later reminders are for later ones.
        let last = group.iter().map(|d| d.deadline).max().unwrap_or(today);
        let first = group.iter().map(|d| d.deadline).min().unwrap_or(today);
        let names: Vec<&str> = group.iter().map(|d| d.name.as_str()).collect();
        let sent = db
            .write(
                crate::store::Actor::Service,
                (Action::Update, Resource::Application),
                async |c| {
                    let taken = c
                        .transition(
                            sqlx::query(
                                "UPDATE applications SET documents_reminded_for = $1 WHERE id = $2 \
                                 AND (documents_reminded_for IS NULL OR documents_reminded_for < $1)",
                            )
                            .bind(last)
                            .bind(application),
                        )
                        .await?;
                    if !taken {
                        c.unchanged();
                        return Ok::<_, AppError>(false);
                    }
                    let (email, full_name, language, given_name): (String, String, Language, String) =
                        sqlx::query_as(
                            "SELECT ac.email, ac.full_name, ac.language, c.given_name FROM children c \
                             JOIN accounts ac ON ac.id = c.guardian_id WHERE c.id = $1",
                        )
                        .bind(child)
                        .fetch_one(&mut **c)
                        .await?;
                    let lang = language;
                    c.send(Mail {
                        to: email,
                        kind: "document_reminder",
                        subject: lang.text("email-documents-reminder-subject"),
                        body: lang.letter(
                            Some(&full_name),
                            "email-documents-reminder-body",
                            &[
                                ("child", &given_name),
                                ("documents", &names.join(", ")),
                                ("deadline", &lang.date(&first.to_string())),
                                ("link", &format!("{base_url}/children/{child}#documents")),
                            ],
                        ),
                        secret: None,
                    });
                    c.audit(Some(application), "documents_reminder_sent");
                    Ok(true)
                },
            )
            .await?;
        reminded += usize::from(sent);
    }
    Ok(reminded)
}

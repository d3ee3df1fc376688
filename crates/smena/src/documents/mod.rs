//! Documents: families upload what the programme requires; the coordinator
//! accepts each or rejects it with a reason the family sees.

pub mod papers;
pub mod storage;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::Row as _;

use crate::applications::children::find;
use crate::applications::queries;
use crate::audit;
use crate::notifications::outbox;
use crate::store::{Db, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Nav;
use crate::web::policy::{Action, Resource, authorize};
use crate::web::session::{User, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/children/{id}/documents",
            // Files over 10 MB are read to the end and refused with an
            // explanation; bodies over 64 MB are cut off.
            post(upload).layer(DefaultBodyLimit::max(storage::DRAIN_BYTES)),
        )
        .route("/documents/{id}", get(download))
        .route("/coordinator/documents", get(review_page))
        .route("/coordinator/documents/{id}/review", post(review))
        .merge(papers::router())
}

pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub original_name: String,
    pub size: i64,
    pub status: String,
    pub reason: Option<String>,
}

pub async fn of_child(db: &Db, child: i64) -> Result<Vec<DocumentRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, original_name, size, status, reason FROM documents WHERE child_id = $1 ORDER BY uploaded_at, id",
    )
    .bind(child)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DocumentRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                original_name: r.try_get("original_name")?,
                size: r.try_get("size")?,
                status: r.try_get("status")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect()
}

/// Names of required documents the child has no usable (not rejected) copy of.
pub async fn missing(db: &Db, programme: i64, child: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT r.name FROM required_documents r WHERE r.programme_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM documents d WHERE d.child_id = $2 AND d.kind = r.kind AND d.status <> 'rejected') \
         ORDER BY r.deadline, r.kind",
    )
    .bind(programme)
    .bind(child)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

async fn upload(
    State(state): State<AppState>,
    user: User,
    Path(child_id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authorize(&user, Action::Create, Resource::Document)?;
    let child = find(&state, &user, Action::Update, child_id).await?;
    let too_large = || {
        AppError::Invalid(
            "upload-too-large",
            vec![("n", (storage::MAX_BYTES / (1024 * 1024)).to_string())],
        )
    };
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status().as_u16() == 413 => return Err(too_large()),
            Err(_) => {
                return Err(AppError::Invalid("upload-incomplete", vec![]));
            }
        };
        match field.name() {
            Some("kind") => kind = field.text().await.ok(),
            Some("file") => {
                let name = storage::clean_name(field.file_name().unwrap_or(""));
                // Read to the end even when too large, so that the family
                // gets the explanation instead of a broken connection.
                let mut data = Vec::new();
                let mut oversize = false;
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if !oversize && data.len() + chunk.len() > storage::MAX_BYTES {
                                oversize = true;
                                data = Vec::new();
                            }
                            if !oversize {
                                data.extend_from_slice(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status().as_u16() == 413 => return Err(too_large()),
                        Err(_) => {
                            return Err(AppError::Invalid("upload-incomplete", vec![]));
                        }
                    }
                }
                if oversize {
                    return Err(too_large());
                }
                file = Some((name, data));
            }
            _ => {}
        }
    }
    let programme = queries::open_programme(&state.db)
        .await?
        .ok_or_else(|| AppError::Invalid("upload-no-programme", vec![]))?;
    let required = queries::required_documents(&state.db, programme.id).await?;
    let kind = kind.unwrap_or_default();
    let Some((_, document, deadline)) = required.iter().find(|(k, _, _)| *k == kind) else {
        return Err(AppError::Invalid("upload-which", vec![]));
    };
    // Dates are YYYY-MM-DD, so they compare as text; the deadline day counts.
    if crate::store::today().as_str() > deadline.as_str() {
        return Err(AppError::Invalid(
            "upload-past-deadline",
            vec![
                ("document", document.clone()),
                ("deadline", deadline.clone()),
            ],
        ));
    }
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::Invalid("upload-choose-file", vec![]))?;
    if bytes.len() > storage::MAX_BYTES {
        return Err(too_large());
    }
    let content_type =
        storage::detect(&bytes).ok_or_else(|| AppError::Invalid("upload-not-a-scan", vec![]))?;
    let sha = storage::store(&state.config.files_dir, &bytes)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.db.begin_write().await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO documents (id, child_id, kind, original_name, content_type, size, sha256, status, uploaded_at, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
    )
    .bind(id)
    .bind(child.id)
    .bind(&kind)
    .bind(&name)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(&sha)
    .bind(now_ms())
    .bind(user.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "child",
        Some(child.id),
        "ok",
        &format!("document {kind} uploaded"),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{}#documents", child.id)).into_response())
}

async fn download(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize(&user, Action::Read, Resource::Document)?;
    let row = sqlx::query(
        "SELECT child_id, original_name, content_type, sha256 FROM documents WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let child: i64 = row.try_get("child_id")?;
    find(&state, &user, Action::Read, child).await?;
    let sha: String = row.try_get("sha256")?;
    let bytes = storage::load(&state.config.files_dir, &sha)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    audit::note(
        &state.db,
        &user,
        "read",
        "child",
        Some(child),
        "ok",
        "document downloaded",
    )
    .await?;
    let name: String = row.try_get("original_name")?;
    let content_type: String = row.try_get("content_type")?;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    // Never run anything a file contains, even if a browser tried.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(response)
}

pub struct PendingDocument {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub kind: String,
    pub original_name: String,
    pub size: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "documents/review.html")]
struct ReviewPage {
    nav: Nav,
    pending: Vec<PendingDocument>,
}

async fn review_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<ReviewPage> {
    authorize(&user, Action::Verify, Resource::Document)?;
    let rows = sqlx::query(
        "SELECT d.id, d.child_id, c.given_name, c.family_name, d.kind, d.original_name, d.size \
         FROM documents d JOIN children c ON c.id = d.child_id WHERE d.status = 'pending' ORDER BY d.uploaded_at, d.id LIMIT 500",
    )
    .fetch_all(state.db.pool())
    .await?;
    let pending = rows
        .into_iter()
        .map(|r| {
            let given: String = r.try_get("given_name")?;
            let family: String = r.try_get("family_name")?;
            Ok(PendingDocument {
                id: r.try_get("id")?,
                child_id: r.try_get("child_id")?,
                child_name: format!("{given} {family}"),
                kind: r.try_get("kind")?,
                original_name: r.try_get("original_name")?,
                size: r.try_get("size")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(ReviewPage {
        nav: Nav::from(&visitor),
        pending,
    })
}

#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn review(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    authorize(&user, Action::Verify, Resource::Document)?;
    let reason = form.reason.trim();
    let (status, reason) = match form.decision.as_str() {
        "accept" => ("accepted", None),
        "reject" if reason.is_empty() => {
            return Err(AppError::Invalid("review-reason-needed", vec![]));
        }
        "reject" if reason.chars().count() > 500 => {
            return Err(AppError::Invalid("review-reason-long", vec![]));
        }
        "reject" => ("rejected", Some(reason.to_string())),
        _ => {
            return Err(AppError::BadRequest(
                "Choose to accept or to reject.".into(),
            ));
        }
    };
    let mut tx = state.db.begin_write().await?;
    let row = sqlx::query(
        "SELECT d.child_id, d.kind, a.email, a.full_name, a.language, c.given_name FROM documents d \
         JOIN children c ON c.id = d.child_id JOIN accounts a ON a.id = c.guardian_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE documents SET status = $1, reason = $2, reviewed_at = $3, reviewed_by = $4 WHERE id = $5")
        .bind(status)
        .bind(&reason)
        .bind(now_ms())
        .bind(user.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let child: i64 = row.try_get("child_id")?;
    audit::record(
        &mut tx,
        &user,
        "update",
        "child",
        Some(child),
        "ok",
        &format!("document {status}"),
    )
    .await?;
    if let Some(reason) = &reason {
        let email: String = row.try_get("email")?;
        let guardian: String = row.try_get("full_name")?;
        let given: String = row.try_get("given_name")?;
        let kind: String = row.try_get("kind")?;
        let lang = crate::language::Language::stored(&row.try_get::<String, _>("language")?);
        outbox::enqueue(
            &mut tx,
            &email,
            "document_rejected",
            &lang.text("email-rejected-subject"),
            &lang.letter(
                Some(&guardian),
                "email-rejected-body",
                &[
                    ("document", &kind),
                    ("child", &given),
                    ("reason", reason),
                    (
                        "link",
                        &format!("{}/children/{child}#documents", state.config.base_url),
                    ),
                ],
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/coordinator/documents").into_response())
}

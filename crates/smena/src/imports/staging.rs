//! A spreadsheet import in two steps: the file is read and previewed,
//! kept (staged) until the person importing it confirms, and written whole
//! or not at all. The confirmation is sealed to the login and the scope
//! that previewed it, so it cannot name another file.

use axum::extract::Multipart;

use super::table::Problem;
use super::words;
use crate::language::Language;
use crate::store::files;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::Visitor;

/// Reads the uploaded file of a multipart form (field `file`).
pub async fn receive(multipart: &mut Multipart, lang: Language) -> AppResult<bytes::Bytes> {
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = Some(
                field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest(Problem::TooLarge.words(lang)))?,
            );
        }
    }
    bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::BadRequest(lang.text("import-choose-file")))
}

/// What a page says when a file is refused: "nothing was imported", then
/// every problem, in `lang`.
pub fn refusal(problems: &[Problem], lang: Language) -> Vec<String> {
    let mut errors = vec![lang.text("import-nothing-imported")];
    errors.extend(words(problems, lang));
    errors
}

/// Binds a staged file to the login and the scope (`roster:12`)
/// that previewed it, so that a confirmation cannot name another file.
/// Keyed with the server's key: a visitor knows every other part.
fn seal(state: &AppState, visitor: &Visitor, scope: &str, file: &str) -> String {
    state.config.key.mac(
        "smena import seal v1",
        format!("{scope}\n{}\n{file}", visitor.csrf).as_bytes(),
    )
}

/// A previewed file waiting for confirmation: what the preview's form sends
/// back.
#[derive(Debug, serde::Deserialize)]
pub struct Staged {
    pub file: String,
    pub seal: String,
}

/// Keeps a previewed file until it is confirmed (or the hourly sweep finds
/// it a day old).
pub async fn stage(
    state: &AppState,
    visitor: &Visitor,
    scope: &str,
    bytes: &[u8],
) -> AppResult<Staged> {
    let file = files::store(&state.config.files_dir, state.db.keys()?, bytes)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Staged {
        seal: seal(state, visitor, scope, &file),
        file,
    })
}

/// The file a confirmation names, if it is the one this visitor previewed
/// in this scope; else the preview has expired.
pub async fn staged(
    state: &AppState,
    visitor: &Visitor,
    scope: &str,
    staged: &Staged,
) -> AppResult<Vec<u8>> {
    let expired = || AppError::BadRequest(visitor.language.text("import-expired"));
    if staged.file.len() != 64
        || !crate::store::same(&seal(state, visitor, scope, &staged.file), &staged.seal)
    {
        return Err(expired());
    }
    files::load(&state.config.files_dir, state.db.keys()?, &staged.file)
        .await
        .map_err(|_| expired())
}

/// Deletes an imported file; a failure is left to the hourly sweep.
pub async fn discard(state: &AppState, staged: &Staged) {
    if let Err(e) =
        files::remove_unless_referenced(&state.db, &state.config.files_dir, &staged.file).await
    {
        tracing::warn!(error = ?e, "removing an imported spreadsheet failed");
    }
}

/// Runs the reading and checking of a file off the async threads (a large
/// workbook takes a moment).
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

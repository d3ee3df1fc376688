//! Applications: families' children, their achievements and score, and the
//! application with ranked choices and consents.

pub mod achievement_import;
mod apply;
pub mod blocks;
pub mod children;
mod overview;
pub mod queries;
pub mod score;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::web::AppState;

pub use apply::{CONSENT_VERSION, CONSENTS, load as load_application};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children", get(children::list).post(children::create))
        .route("/children/new", get(children::new_form))
        .route("/children/{id}", get(children::view).post(children::update))
        .route("/children/{id}/edit", get(children::edit_form))
        .route(
            "/children/{id}/achievements",
            post(children::add_achievement),
        )
        .route(
            "/children/{id}/achievements/{achievement}/delete",
            post(children::delete_achievement),
        )
        .route("/children/{id}/applications", post(apply::start))
        .route("/applications/{id}", get(apply::view).post(apply::save))
        .route("/coordinator/applications", get(overview::page))
        .route("/coordinator/achievements", get(achievement_import::form))
        .route(
            "/coordinator/achievements/import",
            post(achievement_import::preview)
                .layer(DefaultBodyLimit::max(crate::imports::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/coordinator/achievements/import/confirm",
            post(achievement_import::confirm),
        )
}

//! Applications: families' children (their records, achievements and
//! score), and the application with ranked choices and consents; the
//! coordinator's overview and the import of achievements.

pub mod achievement_import;
mod apply;
pub mod blocks;
pub mod children;
pub mod consents;
mod feedback;
pub mod identity;
pub mod messages;
mod overview;
pub mod queries;
mod summary;
pub mod timeline;

use crate::web::routes::Routes;

pub use apply::{
    CONSENT_VERSION, CONSENTS, consent_wording, load as load_application, set_consents,
    start_draft, submit,
};

pub fn router() -> Routes {
    Routes::new()
        .merge(children::routes())
        .merge(apply::routes())
        .merge(overview::routes())
        .merge(achievement_import::routes())
        .merge(identity::routes())
        .merge(consents::routes())
        .merge(summary::routes())
        .merge(messages::routes())
        .merge(feedback::routes())
}

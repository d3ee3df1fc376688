//! Children's data over its life: a family's data export (its page, the
//! ZIP, and the coordinator's copy made on request), a family's request to
//! delete its account, and the purge of programmes past their retention
//! date (`smena purge` and the daily job).

pub mod export;
pub mod purge;
mod summary;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Role};
use crate::language::Language;
use crate::store::{Change, now_ms};
use crate::web::AppState;
use crate::web::error::AppResult;
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/family/data",
            Access::Policy(Action::Export, Resource::FamilyData),
            data_page,
        )
        .get(
            "/family/data.zip",
            Access::Policy(Action::Export, Resource::FamilyData),
            own_export,
        )
        .post(
            "/family/deletion",
            Access::Policy(Action::Purge, Resource::Account),
            ask_deletion,
        )
        // Reading any family's data is the coordinator's alone (a family
        // exports only its own).
        .get(
            "/coordinator/family-data",
            Access::Policy(Action::Read, Resource::FamilyData),
            coordinator_page,
        )
        .get(
            "/coordinator/family-data.zip",
            Access::Policy(Action::Read, Resource::FamilyData),
            coordinator_export,
        )
}

/// `$from, $from+1, …` for a list of `n` ids in SQL.
fn id_list(n: usize, from: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a deletion request keeps, and until when.
#[derive(sqlx::FromRow)]
pub struct Kept {
    pub reference: Option<String>,
    pub programme: String,
    pub retain_until: String,
}

/// Submitted applications of the family in programmes not purged yet:
/// kept until their programme's retention date (the published result must
/// stay verifiable, and a place given needs its papers).
async fn kept(c: &mut sqlx::AnyConnection, account: i64) -> Result<Vec<Kept>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.reference, p.name AS programme, p.retain_until FROM applications a \
         JOIN children k ON k.id = a.child_id JOIN programmes p ON p.id = a.programme_id \
         WHERE k.guardian_id = $1 AND a.submitted_at IS NOT NULL AND p.purged_at IS NULL \
         ORDER BY p.retain_until, a.reference",
    )
    .bind(account)
    .fetch_all(c)
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/data.html")]
struct DataPage {
    nav: Nav,
    kept: Vec<Kept>,
    asked: Option<i64>,
    confirm: bool,
}

#[derive(Deserialize, Default)]
struct DataQuery {
    #[serde(default)]
    confirm: Option<String>,
}

async fn data_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<DataQuery>,
) -> AppResult<DataPage> {
    authorize(&user, Action::Export, Resource::FamilyData)?;
    let mut conn = state.db.pool().acquire().await?;
    let kept = kept(&mut conn, user.id).await?;
    let (asked,): (Option<i64>,) =
        sqlx::query_as("SELECT deletion_asked_at FROM accounts WHERE id = $1")
            .bind(user.id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(DataPage {
        nav: Nav::from(&visitor),
        kept,
        asked,
        confirm: q.confirm.is_some(),
    })
}

/// The ZIP of `account`'s family, recorded as exported by `permit`.
async fn export_zip(
    state: &AppState,
    permit: &Permit,
    account: i64,
    lang: Language,
) -> AppResult<Response> {
    let gathered = export::gather(&state.db, &state.config.files_dir, account, lang).await?;
    let labels = lang.labels(<smena_pdf::FamilySummary as smena_pdf::Paper>::LABELS);
    let summary = gathered.summary;
    let pdf =
        tokio::task::spawn_blocking(move || smena_pdf::render(&summary, lang.code(), &labels))
            .await
            .map_err(|e| anyhow::anyhow!("the typesetter stopped: {e}"))?
            .map_err(|e| anyhow::anyhow!("cannot typeset the family's summary: {e}"))?;
    let zip = export::zip(&gathered.json, &pdf, &gathered.documents)?;
    let by = match permit.actor().account() {
        Some(id) if id == account => "by the family".to_string(),
        _ => "for the family, on its request".to_string(),
    };
    state
        .record_as(
            permit,
            Action::Export,
            Resource::FamilyData,
            Some(account),
            &by,
        )
        .await?;
    let name = format!("smena-data-{account}.zip");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        zip,
    )
        .into_response())
}

async fn own_export(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Export, Resource::FamilyData)?;
    export_zip(&state, &permit, user.id, visitor.language).await
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/coordinator.html")]
struct CoordinatorPage {
    nav: Nav,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct FamilyQuery {
    #[serde(default)]
    email: String,
}

async fn coordinator_page(user: User, visitor: Visitor) -> AppResult<CoordinatorPage> {
    authorize(&user, Action::Read, Resource::FamilyData)?;
    Ok(CoordinatorPage {
        nav: Nav::from(&visitor),
        email: String::new(),
        error: None,
    })
}

/// The coordinator makes a family's export on its request (a family
/// without a working login asks by letter), by the guardian's address.
async fn coordinator_export(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<FamilyQuery>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::FamilyData)?;
    let email = q.email.trim().to_lowercase();
    let family: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE email = $1 AND role = $2")
            .bind(&email)
            .bind(Role::Parent)
            .fetch_optional(state.db.pool())
            .await?;
    match family {
        Some((account,)) => export_zip(&state, &permit, account, visitor.language).await,
        None => Ok((
            axum::http::StatusCode::NOT_FOUND,
            CoordinatorPage {
                nav: Nav::from(&visitor),
                error: Some(
                    visitor
                        .language
                        .text_with("family-data-no-family", &[("email", &email)]),
                ),
                email,
            },
        )
            .into_response()),
    }
}

#[derive(Deserialize)]
struct DeletionForm {
    #[serde(default)]
    confirm: String,
}

/// What a deletion request did.
pub struct Deletion {
    pub counts: purge::Counts,
    /// The account itself went (nothing had to be kept).
    pub account_deleted: bool,
    pub files: Vec<String>,
}

/// A family asks to delete its account: everything not kept (children
/// without a submitted application in a programme still kept, drafts,
/// their documents) goes now; what is kept goes with its programme's
/// purge; the account goes now when nothing is kept.
pub async fn delete_family(c: &mut Change, account: i64) -> AppResult<Deletion> {
    let now = now_ms();
    sqlx::query(
        "UPDATE accounts SET deletion_asked_at = $1 WHERE id = $2 AND deletion_asked_at IS NULL",
    )
    .bind(now)
    .bind(account)
    .execute(&mut **c)
    .await?;
    let free: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT k.id FROM children k WHERE k.guardian_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM applications a JOIN programmes p ON p.id = a.programme_id \
          WHERE a.child_id = k.id AND a.submitted_at IS NOT NULL AND p.purged_at IS NULL)",
    )
    .bind(account)
    .fetch_all(&mut **c)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    let mut counts = purge::Counts::default();
    let files = purge::delete_children(c, &free, &mut counts).await?;
    // Drafts of children kept for a submitted application elsewhere.
    let drafts = sqlx::query(
        "DELETE FROM applications WHERE submitted_at IS NULL AND child_id IN \
         (SELECT id FROM children WHERE guardian_id = $1)",
    )
    .bind(account)
    .execute(&mut **c)
    .await?
    .rows_affected();
    counts.applications += drafts;
    let account_deleted = purge::delete_accounts(c, &[account], &mut counts).await? == 1;
    c.audit_as(
        Action::Purge,
        Resource::Account,
        Some(account),
        format!(
            "deletion asked by the family: {counts}; {}",
            if account_deleted {
                "account deleted"
            } else {
                "the rest kept until the retention date"
            }
        ),
    );
    Ok(Deletion {
        counts,
        account_deleted,
        files,
    })
}

async fn ask_deletion(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(f): Form<DeletionForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Purge, Resource::Account)?;
    if f.confirm != "yes" {
        // Asked again, on a page that works without JavaScript.
        return Ok(Redirect::to("/family/data?confirm=1#deletion").into_response());
    }
    let done = state
        .write(&permit, async |c| delete_family(c, user.id).await)
        .await?;
    for sha in &done.files {
        crate::store::files::remove_unless_referenced(&state.db, &state.config.files_dir, sha)
            .await?;
    }
    let lang = visitor.language;
    if done.account_deleted {
        return Ok(crate::accounts::Notice {
            nav: Nav::from(&Visitor {
                user: None,
                ..visitor.clone()
            }),
            title: lang.text("family-deletion-done-title"),
            message: lang.text("family-deletion-done"),
        }
        .into_response());
    }
    Ok(Redirect::to("/family/data#deletion").into_response())
}

//! Schools: a representative imports the school's pupils from a
//! spreadsheet (previewed, then confirmed), nominates them, and follows each
//! one's application.

pub mod roster;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource};
use crate::domain::states::{ApplicationStatus, ProgrammeStatus};
use crate::imports;
use crate::language::Language;
use crate::store::{Mail, now_ms, today};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::paging::{ListQuery, PAGE_SIZE, Pager};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn router() -> Routes {
    Routes::new()
        .get(
            "/school/pupils",
            Access::Policy(Action::Read, Resource::Roster),
            roster_page,
        )
        .post_upload(
            "/school/pupils/import",
            Access::Policy(Action::Update, Resource::Roster),
            import,
            roster::MAX_BYTES + 64 * 1024,
        )
        .post(
            "/school/pupils/import/confirm",
            Access::Policy(Action::Update, Resource::Roster),
            confirm,
        )
        .post(
            "/school/pupils/{id}/nominate",
            Access::Policy(Action::Update, Resource::Roster),
            nominate,
        )
}

#[derive(sqlx::FromRow)]
pub struct Pupil {
    pub id: i64,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: String,
    pub class_name: String,
    #[sqlx(try_from = "i32")]
    pub nominated: Flag,
    /// The status of the pupil's newest application, if any.
    pub application: Option<ApplicationStatus>,
    /// The result of it once published: the offer's state, if offered.
    pub offer: Option<crate::domain::states::OfferStatus>,
}

/// A yes/no stored as INTEGER 0/1 (portable across both databases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i32> for Flag {
    fn from(v: i32) -> Self {
        Flag(v != 0)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "schools/roster.html")]
struct RosterPage {
    nav: Nav,
    school: String,
    pupils: Vec<Pupil>,
    errors: Vec<String>,
    notice: Option<String>,
    query: ListQuery,
    pager: Pager,
}

/// The roster's orders: (code, ORDER BY).
const ROSTER_SORTS: &[(&str, &str)] = &[
    ("class", "p.class_name, p.family_name, p.given_name, p.id"),
    ("name", "p.family_name, p.given_name, p.id"),
];

fn school_of(user: &User) -> AppResult<i64> {
    user.school_id.ok_or(AppError::NotFound)
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    school: i64,
    errors: Vec<String>,
    notice: Option<String>,
    query: ListQuery,
) -> AppResult<RosterPage> {
    let (name,): (String,) = sqlx::query_as("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_one(state.db.pool())
        .await?;
    // One page, filtered and sorted by the database: $1 the school, the
    // search ($2, $3: name or class) only when one is typed.
    let mut filter = String::from("FROM pupils p WHERE p.school_id = $1");
    if !query.search().is_empty() {
        filter.push_str(
            " AND (p.family_name LIKE $2 OR p.family_name LIKE $3 OR p.given_name LIKE $2 \
             OR p.given_name LIKE $3 OR p.class_name LIKE $2 OR p.class_name LIKE $3)",
        );
    }
    let order = query.order(ROSTER_SORTS);
    let (like, capitalised) = (query.like(), query.like_capitalised());
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {filter}")))
        .bind(school)
        .bind(&like)
        .bind(&capitalised)
        .fetch_one(state.db.pool())
        .await?;
    let pager = Pager::new("/school/pupils", &query, total);
    let offset = pager.offset();
    let pupils = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.family_name, p.given_name, p.birth_date, p.class_name, p.nominated, \
                (SELECT a.status FROM children c JOIN applications a ON a.child_id = c.id \
                 WHERE c.school_id = p.school_id AND c.family_name = p.family_name AND c.given_name = p.given_name \
                   AND c.birth_date = p.birth_date ORDER BY a.created_at DESC LIMIT 1) AS application, \
                (SELECT o.status FROM children c JOIN applications a ON a.child_id = c.id \
                 JOIN offers o ON o.application_id = a.id \
                 WHERE c.school_id = p.school_id AND c.family_name = p.family_name AND c.given_name = p.given_name \
                   AND c.birth_date = p.birth_date ORDER BY a.created_at DESC LIMIT 1) AS offer \
         {filter} ORDER BY {order} LIMIT $4 OFFSET $5"
    )))
    .bind(school)
    .bind(&like)
    .bind(&capitalised)
    .bind(i64::from(PAGE_SIZE))
    .bind(offset)
    .fetch_all(state.db.pool())
    .await?;
    Ok(RosterPage {
        nav: Nav::from(visitor),
        school: name,
        pupils,
        errors,
        notice,
        query,
        pager,
    })
}

async fn roster_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> AppResult<RosterPage> {
    authorize(&user, Action::Read, Resource::Roster)?;
    render(&state, &visitor, school_of(&user)?, vec![], None, query).await
}

/// What the school sees before anything is written.
#[derive(Template, WebTemplate)]
#[template(path = "schools/preview.html")]
struct PreviewPage {
    nav: Nav,
    school: String,
    count: usize,
    new: usize,
    first: Vec<roster::Pupil>,
    file: String,
    seal: String,
}

/// Reads the file and shows what would be imported; writes nothing.
async fn import(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    mut multipart: Multipart,
) -> AppResult<Response> {
    authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let lang = visitor.language;
    let _slot = state.uploads.take_or_drain(user.id, &mut multipart).await?;
    let bytes = imports::receive(&mut multipart, lang).await?;
    let data = bytes.clone();
    let read = imports::off_thread(move || roster::read(&data, &today().to_string())).await?;
    let pupils = match read {
        Ok(pupils) => pupils,
        Err(problems) => {
            let errors = imports::refusal(&problems, lang);
            let page = render(&state, &visitor, school, errors, None, ListQuery::default()).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let staged = imports::stage(&state, &visitor, &format!("roster:{school}"), &bytes).await?;
    let known: std::collections::HashSet<(String, String, String)> = sqlx::query_as(
        "SELECT family_name, given_name, birth_date FROM pupils WHERE school_id = $1",
    )
    .bind(school)
    .fetch_all(state.db.pool())
    .await?
    .into_iter()
    .collect();
    let new = pupils
        .iter()
        .filter(|p| {
            !known.contains(&(
                p.family_name.clone(),
                p.given_name.clone(),
                p.birth_date.clone(),
            ))
        })
        .count();
    let (name,): (String,) = sqlx::query_as("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_one(state.db.pool())
        .await?;
    Ok(PreviewPage {
        nav: Nav::from(&visitor),
        school: name,
        count: pupils.len(),
        new,
        first: pupils.into_iter().take(20).collect(),
        file: staged.file,
        seal: staged.seal,
    }
    .into_response())
}

/// Writes the previewed roster, all of it or nothing.
async fn confirm(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<imports::Staged>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let bytes = imports::staged(&state, &visitor, &format!("roster:{school}"), &form).await?;
    // It was read without a problem at the preview; a problem now means
    // the file is not the one previewed.
    let pupils = imports::off_thread(move || roster::read(&bytes, &today().to_string()))
        .await?
        .map_err(|_| AppError::BadRequest(visitor.language.text("import-expired")))?;
    state
        .write(&permit, async |c| {
            roster::save(c, school, &pupils, now_ms(), &|_| {}).await?;
            c.audit_as(
                Action::Import,
                Resource::Roster,
                Some(school),
                format!("{} pupils imported", pupils.len()),
            );
            Ok(())
        })
        .await?;
    imports::discard(&state, &form).await;
    let page = render(
        &state,
        &visitor,
        school,
        vec![],
        Some(
            visitor
                .language
                .text_with("roster-imported", &[("n", &pupils.len().to_string())]),
        ),
        ListQuery::default(),
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
    let permit = authorize(&user, Action::Update, Resource::Roster)?;
    let school = school_of(&user)?;
    let nominated = form.nominated == "yes";
    let base = state.config.base_url.trim_end_matches('/').to_string();
    state
        .write(&permit, async |c| {
            let was: Option<(i32,)> =
                sqlx::query_as("SELECT nominated FROM pupils WHERE id = $1 AND school_id = $2")
                    .bind(id)
                    .bind(school)
                    .fetch_optional(&mut **c)
                    .await?;
            let (was,) = was.ok_or(AppError::NotFound)?;
            // Compare-and-set: a second tap (or another representative)
            // changes nothing and tells nobody twice.
            let changed = c
                .transition(
                    sqlx::query(
                        "UPDATE pupils SET nominated = $1 WHERE id = $2 AND school_id = $3 \
                         AND nominated = $4",
                    )
                    .bind(i32::from(nominated))
                    .bind(id)
                    .bind(school)
                    .bind(was),
                )
                .await?;
            if !changed || (was != 0) == nominated {
                c.unchanged();
                return Ok(());
            }
            c.audit_as(
                Action::Update,
                Resource::Pupil,
                Some(id),
                if nominated {
                    "nominated"
                } else {
                    "nomination_withdrawn"
                },
            );
            tell_families(c, id, nominated, &base).await
        })
        .await?;
    Ok(Redirect::to("/school/pupils").into_response())
}

/// A family whose child applies to a programme not yet decided, told in
/// its language what the school's nomination (or its withdrawal) means
/// under that programme's rules.
#[derive(sqlx::FromRow)]
struct NominatedFamily {
    application: i64,
    email: String,
    full_name: String,
    language: String,
    given_name: String,
    school: String,
    programme: String,
    nomination_points_milli: i32,
    nomination_required: i32,
}

async fn tell_families(
    c: &mut crate::store::Change,
    pupil: i64,
    nominated: bool,
    base: &str,
) -> AppResult<()> {
    let families: Vec<NominatedFamily> = sqlx::query_as(
        "SELECT a.id AS application, g.email, g.full_name, g.language, c.given_name, s.name AS school, \
                p.name AS programme, p.nomination_points_milli, p.nomination_required \
         FROM pupils u JOIN children c ON c.school_id = u.school_id AND c.family_name = u.family_name \
              AND c.given_name = u.given_name AND c.birth_date = u.birth_date \
         JOIN accounts g ON g.id = c.guardian_id JOIN schools s ON s.id = u.school_id \
         JOIN applications a ON a.child_id = c.id JOIN programmes p ON p.id = a.programme_id \
         WHERE u.id = $1 AND p.status IN ($2, $3, $4) AND a.status <> $5",
    )
    .bind(pupil)
    .bind(ProgrammeStatus::Draft)
    .bind(ProgrammeStatus::Open)
    .bind(ProgrammeStatus::Closed)
    .bind(ApplicationStatus::Withdrawn)
    .fetch_all(&mut **c)
    .await?;
    for f in families {
        let lang = Language::stored(&f.language);
        let points = smena_engine::Score::from_thousandths(i64::from(f.nomination_points_milli))
            .unwrap_or_default()
            .to_string();
        let points = lang.number(&points);
        let meaning = match (f.nomination_required != 0, f.nomination_points_milli > 0) {
            (true, _) if nominated => lang.text("nomination-means-required"),
            (true, _) => lang.text("nomination-means-required-lost"),
            (false, true) if nominated => {
                lang.text_with("nomination-means-points", &[("points", &points)])
            }
            (false, true) => lang.text_with("nomination-means-points-lost", &[("points", &points)]),
            (false, false) => lang.text("nomination-means-nothing"),
        };
        let args = [
            ("child", f.given_name.as_str()),
            ("school", f.school.as_str()),
            ("programme", f.programme.as_str()),
        ];
        c.send(Mail {
            to: f.email,
            kind: "nomination_changed",
            subject: lang.text_with(
                if nominated {
                    "email-nominated-subject"
                } else {
                    "email-nomination-withdrawn-subject"
                },
                &args,
            ),
            body: lang.letter(
                Some(&f.full_name),
                if nominated {
                    "email-nominated-body"
                } else {
                    "email-nomination-withdrawn-body"
                },
                &[
                    ("child", &f.given_name),
                    ("school", &f.school),
                    ("programme", &f.programme),
                    ("meaning", &meaning),
                    ("link", &format!("{base}/applications/{}", f.application)),
                ],
            ),
            secret: None,
        });
    }
    Ok(())
}

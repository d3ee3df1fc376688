//! Siblings or friends of one family applying as a block: the engine places
//! them together or not at all, only in sessions every one of them may take,
//! so they rank the same sessions in the same order. A family forms a block
//! on a draft, from its other applications to the same programme; the
//! choices are checked against the block's submitted applications when the
//! draft is saved and again when it is submitted.

use sqlx::AnyConnection;

use super::queries::{self, Application};
use crate::domain::states::ApplicationStatus;
use crate::language::Language;
use crate::store::random_token;

/// Most children one block may hold.
pub const MAX_CHILDREN: usize = smena_engine::MAX_BLOCK_SIZE;

/// Another of the family's applications to the same programme.
pub struct Sibling {
    pub application_id: i64,
    pub name: String,
    pub status: ApplicationStatus,
    /// In the same block as the application being looked at.
    pub together: bool,
    /// The block it is in, if any.
    pub block_ref: Option<String>,
    /// Session ids by rank, for a submitted application (frozen).
    pub submitted_choices: Option<Vec<i64>>,
}

/// The guardian's other live applications to the application's programme.
pub async fn siblings(
    conn: &mut AnyConnection,
    guardian: i64,
    application: &Application,
) -> Result<Vec<Sibling>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        status: ApplicationStatus,
        block_ref: Option<String>,
        given_name: String,
        family_name: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.status, a.block_ref, c.given_name, c.family_name FROM applications a \
         JOIN children c ON c.id = a.child_id \
         WHERE c.guardian_id = $1 AND a.programme_id = $2 AND a.id <> $3 AND a.status IN ($4, $5) \
         ORDER BY c.given_name, a.id",
    )
    .bind(guardian)
    .bind(application.programme_id)
    .bind(application.id)
    .bind(ApplicationStatus::Draft)
    .bind(ApplicationStatus::Submitted)
    .fetch_all(&mut *conn)
    .await?;
    let mut siblings = Vec::with_capacity(rows.len());
    for r in rows {
        let submitted_choices = if r.status == ApplicationStatus::Submitted {
            Some(queries::choices(conn, r.id).await?)
        } else {
            None
        };
        siblings.push(Sibling {
            application_id: r.id,
            name: format!("{} {}", r.given_name, r.family_name),
            status: r.status,
            together: r.block_ref.is_some() && r.block_ref == application.block_ref,
            block_ref: r.block_ref,
            submitted_choices,
        });
    }
    Ok(siblings)
}

/// Problems with placing the application together with `wanted` (ids of
/// the family's other applications) when it ranks `choices`; empty when
/// none.
pub fn problems(
    siblings: &[Sibling],
    wanted: &[i64],
    choices: &[i64],
    session_code: &dyn Fn(i64) -> String,
    lang: Language,
) -> Vec<String> {
    let mut problems = Vec::new();
    if wanted
        .iter()
        .any(|w| !siblings.iter().any(|s| s.application_id == *w))
    {
        problems.push(lang.text("together-only-family"));
        return problems;
    }
    if wanted.len() + 1 > MAX_CHILDREN {
        problems.push(lang.text_with("together-at-most", &[("n", &MAX_CHILDREN.to_string())]));
    }
    let codes = |c: &[i64]| {
        if c.is_empty() {
            lang.text("together-no-sessions")
        } else {
            c.iter()
                .map(|s| session_code(*s))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for s in siblings
        .iter()
        .filter(|s| wanted.contains(&s.application_id))
    {
        if let Some(theirs) = &s.submitted_choices
            && theirs.as_slice() != choices
        {
            problems.push(lang.text_with(
                "together-same-choices",
                &[
                    ("name", &s.name),
                    ("theirs", &codes(theirs)),
                    ("ours", &codes(choices)),
                ],
            ));
        }
    }
    problems
}

/// Puts applications of a programme in one block called `block_ref`.
pub async fn join(
    conn: &mut AnyConnection,
    programme: i64,
    applications: &[i64],
    block_ref: &str,
) -> Result<(), sqlx::Error> {
    for id in applications {
        sqlx::query("UPDATE applications SET block_ref = $1 WHERE id = $2 AND programme_id = $3")
            .bind(block_ref)
            .bind(id)
            .bind(programme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Puts the application in one block with `wanted`, or takes it out of its
/// block when `wanted` is empty. Children left alone in a block are taken
/// out of it too. Call after [`problems`] found none.
pub async fn set(
    conn: &mut AnyConnection,
    application: &Application,
    siblings: &[Sibling],
    wanted: &[i64],
    programme_code: &str,
) -> Result<(), sqlx::Error> {
    let current: Vec<i64> = siblings
        .iter()
        .filter(|s| s.together)
        .map(|s| s.application_id)
        .collect();
    let mut sorted = wanted.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut current_sorted = current.clone();
    current_sorted.sort_unstable();
    if sorted == current_sorted {
        return Ok(());
    }
    // Blocks the change may leave with a single child.
    let mut touched: Vec<String> = application
        .block_ref
        .iter()
        .chain(
            siblings
                .iter()
                .filter(|s| sorted.contains(&s.application_id))
                .filter_map(|s| s.block_ref.as_ref()),
        )
        .cloned()
        .collect();
    let block_ref =
        (!sorted.is_empty()).then(|| format!("{programme_code}-B{}", &random_token()[..10]));
    for id in std::iter::once(application.id).chain(sorted.iter().copied()) {
        sqlx::query("UPDATE applications SET block_ref = $1 WHERE id = $2 AND programme_id = $3")
            .bind(&block_ref)
            .bind(id)
            .bind(application.programme_id)
            .execute(&mut *conn)
            .await?;
    }
    touched.sort();
    touched.dedup();
    for r in touched {
        sqlx::query(
            "UPDATE applications SET block_ref = NULL WHERE programme_id = $1 AND block_ref = $2 \
             AND (SELECT COUNT(*) FROM applications b WHERE b.programme_id = $1 AND b.block_ref = $2) = 1",
        )
        .bind(application.programme_id)
        .bind(&r)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

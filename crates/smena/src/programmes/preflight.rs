//! The pre-flight list: before closing applications, running the final
//! allocation or publishing it, what is still open. Some findings block
//! the step (the service refuses it, not only the page); the rest warn.

use crate::domain::states::{ApplicationStatus, DocumentStatus, ProgrammeStatus};
use crate::language::Language;
use crate::store::Db;

/// The step about to be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Close,
    Run,
    Publish,
}

/// One finding: its message key, how many, and whether it blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub key: &'static str,
    pub count: i64,
    pub blocks: bool,
}

impl Finding {
    pub fn words(&self, lang: Language) -> String {
        lang.text_with(self.key, &[("count", &self.count.to_string())])
    }
}

/// `sql` counts with `$1` the programme and `$2`… the `codes`.
async fn count(
    db: &Db,
    sql: &'static str,
    programme: i64,
    codes: &[&'static str],
) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::query_as::<_, (i64,)>(sql).bind(programme);
    for code in codes {
        q = q.bind(*code);
    }
    Ok(q.fetch_one(db.pool()).await?.0)
}

/// What stands before `step` for `programme`, blocking findings first.
pub async fn check(db: &Db, programme: i64, step: Step) -> Result<Vec<Finding>, sqlx::Error> {
    let (status, beacon): (ProgrammeStatus, Option<String>) =
        sqlx::query_as("SELECT status, beacon_hex FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(db.pool())
            .await?;
    let mut found = Vec::new();
    let mut add = |key, count: i64, blocks| {
        if count > 0 {
            found.push(Finding { key, count, blocks });
        }
    };
    let open = matches!(status, ProgrammeStatus::Draft | ProgrammeStatus::Open);
    if step != Step::Close {
        add("preflight-still-open", i64::from(open), true);
        add(
            "preflight-no-beacon",
            i64::from(!open && beacon.is_none()),
            true,
        );
    }
    let submitted = ApplicationStatus::Submitted.code();
    if step == Step::Close {
        add(
            "preflight-drafts",
            count(
                db,
                "SELECT COUNT(*) FROM applications WHERE programme_id = $1 AND status = $2",
                programme,
                &[ApplicationStatus::Draft.code()],
            )
            .await?,
            false,
        );
    }
    add(
        "preflight-unreviewed",
        count(
            db,
            "SELECT COUNT(*) FROM documents d WHERE d.status = $3 AND EXISTS \
             (SELECT 1 FROM applications a WHERE a.child_id = d.child_id AND a.programme_id = $1 AND a.status = $2)",
            programme,
            &[submitted, DocumentStatus::Pending.code()],
        )
        .await?,
        false,
    );
    add(
        "preflight-missing",
        count(
            db,
            "SELECT COUNT(*) FROM applications a WHERE a.programme_id = $1 AND a.status = $2 AND EXISTS \
             (SELECT 1 FROM required_documents r WHERE r.programme_id = a.programme_id AND NOT EXISTS \
              (SELECT 1 FROM documents d WHERE d.child_id = a.child_id AND d.kind = r.kind AND d.status <> $3))",
            programme,
            &[submitted, DocumentStatus::Rejected.code()],
        )
        .await?,
        false,
    );
    if step == Step::Publish {
        add(
            "preflight-consents",
            count(
                db,
                "SELECT COUNT(*) FROM applications a WHERE a.programme_id = $1 AND a.status = $2 AND EXISTS \
                 (SELECT 1 FROM consents k WHERE k.application_id = a.id AND k.withdrawn_at IS NOT NULL \
                  AND NOT EXISTS (SELECT 1 FROM consents l WHERE l.application_id = a.id AND l.kind = k.kind \
                                  AND l.withdrawn_at IS NULL))",
                programme,
                &[submitted],
            )
            .await?,
            false,
        );
    }
    found.sort_by_key(|f| !f.blocks);
    Ok(found)
}

/// The findings as the confirmation page lists them.
pub fn listed(found: &[Finding], lang: Language) -> Vec<(String, bool)> {
    found.iter().map(|f| (f.words(lang), f.blocks)).collect()
}

//! The purge: a programme past its retention date loses its personal
//! data. Deleted: its applications (with their choices, consents,
//! placements, explanations and offers), the children who have no
//! application in a programme still kept (with their documents, files,
//! achievements and identity changes), the school-roster rows that name
//! them, their guardians' accounts when no child is left (with logins,
//! one-time links, throttling counts and every message to them), and the
//! personal words of audit entries about all of these. Kept: anonymised
//! figures (`programme_statistics`), the published verification files
//! (pseudonymous references only; the private copy of the frozen inputs,
//! which maps them to applications, is emptied) and the audit log, whose
//! entries name people only by id. The purge is one audited change with
//! its counts; then the database is compacted so that the deleted rows
//! are gone from its files, not only unlinked.

use std::path::Path;

use serde::Serialize;

use crate::domain::access::{Action, Resource, Role};
use crate::domain::states::ProgrammeStatus;
use crate::domain::values::Day;
use crate::store::{Actor, Change, Db, now_ms};
use crate::web::error::{AppError, AppResult};

/// How much one purge deleted (written in its audit entry).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub applications: u64,
    pub children: u64,
    pub documents: u64,
    pub files: u64,
    pub accounts: u64,
    pub messages: u64,
    pub pupils: u64,
    pub audit_words: u64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} applications, {} children, {} documents ({} files), {} accounts, {} messages, \
             {} roster rows, {} audit entries' personal words",
            self.applications,
            self.children,
            self.documents,
            self.files,
            self.accounts,
            self.messages,
            self.pupils,
            self.audit_words
        )
    }
}

/// Programmes whose retention date is before `today` and that are not
/// purged yet: (id, name, retention date).
pub async fn due(db: &Db, today: Day) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, retain_until FROM programmes \
         WHERE retain_until <> '' AND retain_until < $1 AND purged_at IS NULL ORDER BY retain_until, id",
    )
    .bind(today)
    .fetch_all(db.pool())
    .await
}

/// Ids at most this many to a statement (SQLite's and PostgreSQL's limits
/// on parameters are far above; a long list is slow to plan).
const CHUNK: usize = 500;

/// Runs `sql` (with `{ids}` where the list goes) for every chunk of
/// `ids`; the rows it changed.
async fn for_ids(c: &mut Change, sql: &str, ids: &[i64]) -> Result<u64, sqlx::Error> {
    let mut changed = 0;
    for chunk in ids.chunks(CHUNK) {
        let statement = sql.replace("{ids}", &super::id_list(chunk.len(), 1));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(statement));
        for id in chunk {
            q = q.bind(*id);
        }
        changed += q.execute(&mut **c).await?.rows_affected();
    }
    Ok(changed)
}

/// Reads one column of ids for every chunk of `ids`.
async fn ids_for(c: &mut Change, sql: &str, ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let statement = sql.replace("{ids}", &super::id_list(chunk.len(), 1));
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(statement));
        for id in chunk {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(&mut **c).await?.into_iter().map(|(id,)| id));
    }
    Ok(out)
}

async fn strings_for(c: &mut Change, sql: &str, ids: &[i64]) -> Result<Vec<String>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let statement = sql.replace("{ids}", &super::id_list(chunk.len(), 1));
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(statement));
        for id in chunk {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(&mut **c).await?.into_iter().map(|(s,)| s));
    }
    Ok(out)
}

/// Deletes the audit entries' personal words about `resource` ids.
async fn forget_words(c: &mut Change, resource: Resource, ids: &[i64]) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "DELETE FROM audit_personal WHERE entry_id IN \
         (SELECT id FROM audit_log WHERE resource = '{}' AND resource_id IN ({{ids}}))",
        resource.code()
    );
    for_ids(c, &sql, ids).await
}

/// Deletes `children` (with their applications in any programme, their
/// documents, achievements and identity changes, the roster rows that
/// name them, and the personal words of audit entries about them) and
/// counts into `n`; the stored files (by SHA-256) their documents used.
pub(super) async fn delete_children(
    c: &mut Change,
    children: &[i64],
    n: &mut Counts,
) -> Result<Vec<String>, sqlx::Error> {
    let applications = ids_for(
        c,
        "SELECT id FROM applications WHERE child_id IN ({ids})",
        children,
    )
    .await?;
    let documents = ids_for(
        c,
        "SELECT id FROM documents WHERE child_id IN ({ids})",
        children,
    )
    .await?;
    let files = strings_for(
        c,
        "SELECT DISTINCT sha256 FROM documents WHERE child_id IN ({ids})",
        children,
    )
    .await?;
    n.audit_words += forget_words(c, Resource::Application, &applications).await?;
    n.audit_words += forget_words(c, Resource::Child, children).await?;
    n.audit_words += forget_words(c, Resource::Document, &documents).await?;
    n.pupils += for_ids(
        c,
        "DELETE FROM pupils WHERE EXISTS (SELECT 1 FROM children c WHERE c.id IN ({ids}) \
         AND c.school_id = pupils.school_id AND c.family_name = pupils.family_name \
         AND c.given_name = pupils.given_name AND c.birth_date = pupils.birth_date)",
        children,
    )
    .await?;
    // Choices, consents, placements, explanations and offers go with
    // their application; documents, achievements and identity changes
    // with their child (ON DELETE CASCADE).
    n.applications += for_ids(
        c,
        "DELETE FROM applications WHERE id IN ({ids})",
        &applications,
    )
    .await?;
    n.documents += documents.len() as u64;
    n.children += for_ids(c, "DELETE FROM children WHERE id IN ({ids})", children).await?;
    Ok(files)
}

/// Deletes the parents' accounts among `accounts` that have no child
/// left, with their logins and one-time links, every message to them and
/// the throttling counts under their address; counts into `n`.
pub(super) async fn delete_accounts(
    c: &mut Change,
    accounts: &[i64],
    n: &mut Counts,
) -> Result<u64, sqlx::Error> {
    let leaving = ids_for(
        c,
        &format!(
            "SELECT id FROM accounts WHERE id IN ({{ids}}) AND role = '{}' \
             AND NOT EXISTS (SELECT 1 FROM children k WHERE k.guardian_id = accounts.id)",
            Role::Parent.code()
        ),
        accounts,
    )
    .await?;
    n.audit_words += forget_words(c, Resource::Account, &leaving).await?;
    let emails = strings_for(
        c,
        "SELECT email FROM accounts WHERE id IN ({ids})",
        &leaving,
    )
    .await?;
    for email in &emails {
        n.messages += sqlx::query("DELETE FROM outbox WHERE recipient = $1")
            .bind(email)
            .execute(&mut **c)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM throttles WHERE subject = $1 OR subject LIKE $2")
            .bind(format!("login-account:{email}"))
            .bind(format!("login:{}|%", like_escaped(email)))
            .execute(&mut **c)
            .await?;
    }
    // Logins and one-time links go with the account (ON DELETE CASCADE).
    let deleted = for_ids(c, "DELETE FROM accounts WHERE id IN ({ids})", &leaving).await?;
    n.accounts += deleted;
    Ok(deleted)
}

/// What a purge does to the database, inside its change: the counts, and
/// the stored files (by SHA-256) its documents used.
async fn delete_programme_data(
    c: &mut Change,
    programme: i64,
) -> Result<(Counts, Vec<String>), sqlx::Error> {
    let mut n = Counts::default();
    let (retain_until,): (String,) =
        sqlx::query_as("SELECT retain_until FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(&mut **c)
            .await?;
    // The start of the retention day, in UTC.
    let retained_until_ms = Day::parse(&retain_until)
        .map(|d| d.0.midnight().assume_utc().unix_timestamp() * 1000)
        .unwrap_or(i64::MIN);
    // Children with no application in a programme still kept: those of
    // the families who applied to this one, and those recorded before its
    // retention date who never applied anywhere kept.
    let children: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT c.id FROM children c WHERE \
           (c.guardian_id IN (SELECT k.guardian_id FROM children k JOIN applications a ON a.child_id = k.id \
                              WHERE a.programme_id = $1) \
            OR c.created_at < $2) \
         AND NOT EXISTS (SELECT 1 FROM applications b JOIN programmes q ON q.id = b.programme_id \
                         WHERE b.child_id = c.id AND b.programme_id <> $1 AND q.purged_at IS NULL)",
    )
    .bind(programme)
    .bind(retained_until_ms)
    .fetch_all(&mut **c)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    let guardians = ids_for(
        c,
        "SELECT DISTINCT guardian_id FROM children WHERE id IN ({ids})",
        &children,
    )
    .await?;
    let files = delete_children(c, &children, &mut n).await?;
    // Applications of children kept for another programme.
    let rest: Vec<i64> =
        sqlx::query_as::<_, (i64,)>("SELECT id FROM applications WHERE programme_id = $1")
            .bind(programme)
            .fetch_all(&mut **c)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
    n.audit_words += forget_words(c, Resource::Application, &rest).await?;
    n.applications += for_ids(c, "DELETE FROM applications WHERE id IN ({ids})", &rest).await?;
    delete_accounts(c, &guardians, &mut n).await?;
    // Parents who registered before the retention date and never added a
    // child.
    let childless = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM accounts WHERE role = '{}' AND created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM children k WHERE k.guardian_id = accounts.id)",
        Role::Parent.code()
    )))
    .bind(retained_until_ms)
    .fetch_all(&mut **c)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect::<Vec<_>>();
    delete_accounts(c, &childless, &mut n).await?;

    // The published files stay; the private copy that maps their
    // pseudonymous references to applications goes.
    sqlx::query(
        "UPDATE frozen_inputs SET private_sessions_csv = '', private_applicants_csv = '' WHERE programme_id = $1",
    )
    .bind(programme)
    .execute(&mut **c)
    .await?;
    Ok((n, files))
}

/// `%` and `_` taken literally in a LIKE pattern (with `ESCAPE` not
/// portable, such characters are replaced by the one-character wildcard:
/// at worst a look-alike address's counts go too).
fn like_escaped(s: &str) -> String {
    s.replace(['%', '_'], "_")
}

/// Anonymised figures of the programme, taken before its data goes:
/// counts only, never a name or an id of a person.
async fn figures(c: &mut Change, programme: i64) -> Result<serde_json::Value, sqlx::Error> {
    let applications: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM applications WHERE programme_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(programme)
    .fetch_all(&mut **c)
    .await?;
    let sessions: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.code, s.places, \
           (SELECT COUNT(*) FROM application_choices ch JOIN applications a ON a.id = ch.application_id \
            WHERE ch.session_id = s.id AND a.submitted_at IS NOT NULL), \
           (SELECT COUNT(*) FROM offers o WHERE o.session_id = s.id), \
           (SELECT COUNT(*) FROM offers o WHERE o.session_id = s.id AND o.status = 'accepted') \
         FROM sessions s WHERE s.programme_id = $1 ORDER BY s.code",
    )
    .bind(programme)
    .fetch_all(&mut **c)
    .await?;
    let districts: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT d.name, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id \
                                                         AND o.status = 'accepted') THEN 1 ELSE 0 END) \
         FROM applications a JOIN children k ON k.id = a.child_id JOIN schools sc ON sc.id = k.school_id \
         JOIN districts d ON d.id = sc.district_id WHERE a.programme_id = $1 AND a.submitted_at IS NOT NULL \
         GROUP BY d.name ORDER BY d.name",
    )
    .bind(programme)
    .fetch_all(&mut **c)
    .await?;
    let withdrawn: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM consents k JOIN applications a ON a.id = k.application_id \
         WHERE a.programme_id = $1 AND k.withdrawn_at IS NOT NULL",
    )
    .bind(programme)
    .fetch_one(&mut **c)
    .await?;
    Ok(serde_json::json!({
        "applications": applications.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "sessions": sessions.into_iter().map(|(code, places, chosen, offered, accepted)| serde_json::json!({
            "session": code, "places": places, "chosen_by": chosen, "offered": offered, "accepted": accepted,
        })).collect::<Vec<_>>(),
        "districts": districts.into_iter().map(|(name, applied, accepted)| serde_json::json!({
            "district": name, "applied": applied, "accepted": accepted,
        })).collect::<Vec<_>>(),
        "consents_withdrawn": withdrawn.0,
    }))
}

/// Purges one programme whose retention date is before `today`: `None`
/// when it is not due (or another replica purged it first). The files are
/// removed after the change commits, then the database is compacted.
pub async fn purge_programme(
    db: &Db,
    files_dir: &Path,
    actor: Actor,
    programme: i64,
    today: Day,
) -> AppResult<Option<Counts>> {
    let done = db
        .write(actor, (Action::Purge, Resource::Programme), async |c| {
            // Compare-and-set: of two replicas, one purges.
            let now = now_ms();
            let claimed = c
                .transition(
                    sqlx::query(
                        "UPDATE programmes SET purged_at = $1, status = $4 WHERE id = $2 AND purged_at IS NULL \
                         AND retain_until <> '' AND retain_until < $3",
                    )
                    .bind(now)
                    .bind(programme)
                    .bind(today)
                    .bind(ProgrammeStatus::Purged),
                )
                .await?;
            if !claimed {
                c.unchanged();
                return Ok::<_, AppError>(None);
            }
            c.lock_programme(programme).await?;
            let figures = figures(c, programme).await?;
            sqlx::query(
                "INSERT INTO programme_statistics (programme_id, taken_at, figures) VALUES ($1, $2, $3)",
            )
            .bind(programme)
            .bind(now)
            .bind(figures.to_string())
            .execute(&mut **c)
            .await?;
            let (counts, files) = delete_programme_data(c, programme).await?;
            c.audit(Some(programme), format!("retention date passed: {counts}"));
            Ok(Some((counts, files)))
        })
        .await?;
    let Some((mut counts, files)) = done else {
        return Ok(None);
    };
    for sha in files {
        if crate::store::files::remove_unless_referenced(db, files_dir, &sha).await? {
            counts.files += 1;
        }
    }
    // PostgreSQL's own WAL and its archives are the server's: they keep
    // the deleted rows until the server recycles them (see README).
    db.compact(PERSONAL_TABLES).await?;
    Ok(Some(counts))
}

/// Delivered (or given-up) messages lose their subject and body this long
/// after: the outbox keeps that a message went, not what it said.
pub const MAIL_KEPT_DAYS: i64 = 30;

/// Wipes the subject and body of messages delivered or given up more than
/// `days` ago, and forgets throttling counts older than two days (they
/// hold addresses typed by anyone). Audited with the count; how many.
pub async fn wipe_old_mail(db: &Db, actor: Actor, days: i64) -> AppResult<u64> {
    let now = now_ms();
    let before = now - days.max(0) * crate::store::DAY_MS;
    db.write(actor, (Action::Purge, Resource::Outbox), async |c| {
        let wiped = sqlx::query(
            "UPDATE outbox SET subject = '', body = '', secret = NULL, wiped_at = $1 \
             WHERE wiped_at IS NULL AND ((sent_at IS NOT NULL AND sent_at <= $2) \
                                         OR (failed_at IS NOT NULL AND failed_at <= $2))",
        )
        .bind(now)
        .bind(before)
        .execute(&mut **c)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM throttles WHERE window_start < $1")
            .bind(now - 2 * crate::store::DAY_MS)
            .execute(&mut **c)
            .await?;
        if wiped == 0 {
            c.unchanged();
        } else {
            c.audit(
                None,
                format!("{wiped} delivered messages wiped after {days} days"),
            );
        }
        Ok(wiped)
    })
    .await
}

/// The tables that hold personal data (rewritten by `Db::compact`).
const PERSONAL_TABLES: &[&str] = &[
    "accounts",
    "logins",
    "one_time_tokens",
    "throttles",
    "outbox",
    "children",
    "child_needs",
    "achievements",
    "documents",
    "identity_changes",
    "pupils",
    "applications",
    "application_choices",
    "consents",
    "placements",
    "explanations",
    "offers",
    "incidents",
    "handovers",
    "roll_call_marks",
    "room_places",
    "room_requests",
    "feedback",
    "application_messages",
    "group_members",
    "frozen_inputs",
    "audit_personal",
];

/// Runs every purge that is due and wipes old mail: the daily job and
/// `smena purge`. The programmes purged, with their counts.
pub async fn run_due(
    db: &Db,
    files_dir: &Path,
    actor: Actor,
    mail_days: i64,
) -> AppResult<(Vec<(i64, String, Counts)>, u64)> {
    let today = crate::store::retention::today(now_ms());
    let mut purged = Vec::new();
    for (id, name, _) in due(db, today).await? {
        if let Some(counts) = purge_programme(db, files_dir, actor, id, today).await? {
            tracing::info!(programme = id, %counts, "programme purged: its retention date passed");
            purged.push((id, name, counts));
        }
    }
    let wiped = wipe_old_mail(db, actor, mail_days).await?;
    Ok((purged, wiped))
}

#[cfg(test)]
mod tests {
    use super::PERSONAL_TABLES;

    /// Every table a family's export reads holds something of the family,
    /// so the purge rewrites it too (a table added to one list and not
    /// the other would keep deleted rows readable on disk). The audit log
    /// keeps its personal part in audit_personal.
    #[test]
    fn the_purge_compacts_every_table_a_familys_export_reads() {
        for table in crate::privacy::export::TABLES {
            let kept = if *table == "audit_log" {
                "audit_personal"
            } else {
                table
            };
            assert!(PERSONAL_TABLES.contains(&kept), "{table}");
        }
    }
}

//! A family's data export (GDPR Art. 15 and 20; 152-FZ art. 14): one ZIP
//! with everything Smena holds on the family — `data.json` (every table's
//! rows about it, passport numbers and contacts opened, consents with
//! their wording, scores with their breakdown, the audit entries about it),
//! `summary.pdf` (the same in words) and the uploaded documents as they
//! were uploaded. Secrets are left out: password hashes, login tokens, the
//! sealed links of the outbox.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::{Column as _, Row as _};

use crate::domain::access::Resource;
use crate::language::Language;
use crate::store::Db;
use crate::store::keys::{CONTACT, PASSPORT, PHONE};
use crate::web::error::{AppError, AppResult};

/// The export, ready to be zipped.
pub struct Export {
    /// `{"format", "made_at", "account", "tables": {table: [rows]}, "scores": [...]}`.
    pub json: Value,
    pub summary: smena_pdf::FamilySummary,
    /// (name in the ZIP, bytes).
    pub documents: Vec<(String, Vec<u8>)>,
}

/// Columns never exported: secrets, not data about the family.
const SECRET_COLUMNS: &[&str] = &["password_hash", "token_hash", "csrf_token", "secret"];

/// One row as JSON, by column name, secrets left out.
fn row_json(row: &AnyRow) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        if SECRET_COLUMNS.contains(&name) {
            continue;
        }
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            Value::from(v)
        } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
            Value::from(v)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            Value::from(v)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            Value::from(v)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            Value::from(v)
        } else {
            Value::Null
        };
        out.insert(name.to_string(), value);
    }
    out
}

/// The rows `sql` selects; `{ids}` in it stands for the list of `ids`
/// (after the fixed `args`). No ids: no rows.
async fn rows(
    db: &Db,
    sql: &str,
    args: &[i64],
    ids: &[i64],
) -> Result<Vec<Map<String, Value>>, sqlx::Error> {
    let uses_ids = sql.contains("{ids}");
    if uses_ids && ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = sql.replace("{ids}", &super::id_list(ids.len(), args.len() + 1));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(statement));
    for a in args {
        q = q.bind(*a);
    }
    if uses_ids {
        for id in ids {
            q = q.bind(*id);
        }
    }
    Ok(q.fetch_all(db.pool()).await?.iter().map(row_json).collect())
}

fn ids(rows: &[Map<String, Value>], column: &str) -> Vec<i64> {
    rows.iter()
        .filter_map(|r| r.get(column).and_then(Value::as_i64))
        .collect()
}

fn text<'a>(row: &'a Map<String, Value>, column: &str) -> &'a str {
    row.get(column).and_then(Value::as_str).unwrap_or("")
}

/// Opens the encrypted `column` of every row (stored as `purpose`).
fn reveal(db: &Db, rows: &mut [Map<String, Value>], column: &str, purpose: &str) -> AppResult<()> {
    let keys = db.keys()?;
    for row in rows {
        if let Some(Value::String(stored)) = row.get(column) {
            let plain = keys.reveal(purpose, stored)?;
            row.insert(column.to_string(), Value::from(plain));
        }
    }
    Ok(())
}

/// The tables about a family, in the order the JSON lists them.
pub const TABLES: &[&str] = &[
    "accounts",
    "logins",
    "one_time_tokens",
    "children",
    "achievements",
    "child_needs",
    "documents",
    "identity_changes",
    "pupils",
    "applications",
    "application_choices",
    "consents",
    "placements",
    "explanations",
    "offers",
    "group_members",
    "incidents",
    "handovers",
    "roll_call_marks",
    "room_places",
    "room_requests",
    "feedback",
    "application_messages",
    "outbox",
    "audit_log",
];

/// Everything held on the family of `account` (a parent's account).
pub async fn gather(db: &Db, files_dir: &Path, account: i64, lang: Language) -> AppResult<Export> {
    let mut tables: BTreeMap<&str, Vec<Map<String, Value>>> = BTreeMap::new();
    let mut accounts = rows(db, "SELECT * FROM accounts WHERE id = $1", &[account], &[]).await?;
    reveal(db, &mut accounts, "phone", PHONE)?;
    let Some(head) = accounts.first().cloned() else {
        return Err(AppError::NotFound);
    };
    let email = text(&head, "email").to_string();
    tables.insert("accounts", accounts);
    tables.insert(
        "logins",
        rows(
            db,
            "SELECT * FROM logins WHERE account_id = $1 ORDER BY created_at",
            &[account],
            &[],
        )
        .await?,
    );
    tables.insert(
        "one_time_tokens",
        rows(
            db,
            "SELECT * FROM one_time_tokens WHERE account_id = $1 ORDER BY created_at",
            &[account],
            &[],
        )
        .await?,
    );
    let mut children = rows(
        db,
        "SELECT * FROM children WHERE guardian_id = $1 ORDER BY id",
        &[account],
        &[],
    )
    .await?;
    reveal(db, &mut children, "passport_number", PASSPORT)?;
    reveal(db, &mut children, "emergency_contact", CONTACT)?;
    let child_ids = ids(&children, "id");
    let mut needs = rows(
        db,
        "SELECT * FROM child_needs WHERE child_id IN ({ids}) ORDER BY child_id",
        &[],
        &child_ids,
    )
    .await?;
    for (column, key) in [
        ("allergies", crate::store::keys::ALLERGIES),
        ("diet", crate::store::keys::DIET),
        ("medication", crate::store::keys::MEDICATION),
        ("health_notes", crate::store::keys::HEALTH_NOTES),
    ] {
        reveal(db, &mut needs, column, key)?;
    }
    tables.insert("child_needs", needs);
    tables.insert(
        "achievements",
        rows(
            db,
            "SELECT * FROM achievements WHERE child_id IN ({ids}) ORDER BY id",
            &[],
            &child_ids,
        )
        .await?,
    );
    let documents = rows(
        db,
        "SELECT * FROM documents WHERE child_id IN ({ids}) ORDER BY id",
        &[],
        &child_ids,
    )
    .await?;
    let document_ids = ids(&documents, "id");
    let mut identity = rows(
        db,
        "SELECT * FROM identity_changes WHERE child_id IN ({ids}) ORDER BY id",
        &[],
        &child_ids,
    )
    .await?;
    reveal(db, &mut identity, "passport_number", PASSPORT)?;
    tables.insert("identity_changes", identity);
    tables.insert(
        "pupils",
        rows(
            db,
            "SELECT p.* FROM pupils p JOIN children c ON c.school_id = p.school_id AND c.family_name = p.family_name \
             AND c.given_name = p.given_name AND c.birth_date = p.birth_date WHERE c.id IN ({ids}) ORDER BY p.id",
            &[],
            &child_ids,
        )
        .await?,
    );
    let applications = rows(
        db,
        "SELECT * FROM applications WHERE child_id IN ({ids}) ORDER BY id",
        &[],
        &child_ids,
    )
    .await?;
    let application_ids = ids(&applications, "id");
    tables.insert(
        "application_choices",
        rows(
            db,
            "SELECT * FROM application_choices WHERE application_id IN ({ids}) ORDER BY application_id, choice_rank",
            &[],
            &application_ids,
        )
        .await?,
    );
    let mut consents = rows(
        db,
        "SELECT k.*, p.retain_until FROM consents k JOIN applications a ON a.id = k.application_id \
         JOIN programmes p ON p.id = a.programme_id WHERE k.application_id IN ({ids}) ORDER BY k.id",
        &[],
        &application_ids,
    )
    .await?;
    // Each consent with the words the family agreed to, in its language.
    for consent in &mut consents {
        let key = crate::applications::CONSENTS
            .iter()
            .find(|(kind, _)| *kind == text(consent, "kind"))
            .map(|(_, key)| *key);
        let wording = key
            .map(|k| crate::applications::consent_wording(lang, k, text(consent, "retain_until")));
        consent.remove("retain_until");
        consent.insert("wording".into(), Value::from(wording));
    }
    tables.insert("consents", consents);
    for (table, order) in [
        ("placements", "run_id"),
        ("explanations", "run_id, choice_rank"),
        ("offers", "application_id"),
        ("group_members", "group_id"),
        ("handovers", "handed_at"),
        ("roll_call_marks", "marked_at"),
        ("room_places", "session_id"),
        ("room_requests", "created_at"),
        ("feedback", "created_at"),
        ("application_messages", "created_at, id"),
    ] {
        let sql = format!(
            "SELECT * FROM {table} WHERE application_id IN ({{ids}}) ORDER BY application_id, {order}"
        );
        tables.insert(table, rows(db, &sql, &[], &application_ids).await?);
    }
    let mut incidents = rows(
        db,
        "SELECT * FROM incidents WHERE application_id IN ({ids}) ORDER BY application_id, happened_at",
        &[],
        &application_ids,
    )
    .await?;
    reveal(
        db,
        &mut incidents,
        "description",
        crate::store::keys::INCIDENT,
    )?;
    tables.insert("incidents", incidents);
    let scores = scores(db, account, &applications, lang).await?;
    tables.insert("applications", applications);
    tables.insert("children", children);
    let outbox = {
        let q = sqlx::query("SELECT * FROM outbox WHERE recipient = $1 ORDER BY created_at, id")
            .bind(&email);
        q.fetch_all(db.pool())
            .await?
            .iter()
            .map(row_json)
            .collect::<Vec<_>>()
    };
    tables.insert("outbox", outbox);
    tables.insert(
        "audit_log",
        audit_entries(db, account, &child_ids, &application_ids, &document_ids).await?,
    );

    let mut files = Vec::new();
    let keys = db.keys()?;
    for d in &documents {
        let sha = text(d, "sha256");
        let name = format!(
            "documents/{}-{}",
            d.get("id").and_then(Value::as_i64).unwrap_or_default(),
            crate::store::files::clean_name(text(d, "original_name")).replace('/', "_")
        );
        match crate::store::files::load(files_dir, keys, sha).await {
            Ok(bytes) => files.push((name, bytes)),
            // A lost file is said, not hidden.
            Err(e) => files.push((format!("{name}.missing.txt"), format!("{e}\n").into_bytes())),
        }
    }
    tables.insert("documents", documents);

    let summary = super::summary::of(&tables, &scores, lang);
    let json = serde_json::json!({
        "format": "smena family data export 1",
        "made_at": crate::store::now_ms(),
        "account": account,
        "tables": TABLES.iter().map(|t| (t.to_string(), Value::from(tables.remove(t).unwrap_or_default()))).collect::<Map<_, _>>(),
        "scores": scores,
    });
    Ok(Export {
        json,
        summary,
        documents: files,
    })
}

/// Every audit entry by the account or about its children, applications,
/// documents and itself, with their personal words while kept.
async fn audit_entries(
    db: &Db,
    account: i64,
    children: &[i64],
    applications: &[i64],
    documents: &[i64],
) -> Result<Vec<Map<String, Value>>, sqlx::Error> {
    const COLUMNS: &str = "l.id, l.seq, l.at, l.actor_id, l.actor_role, l.action, l.resource, l.resource_id, \
                           l.outcome, l.detail, l.hash, p.words FROM audit_log l \
                           LEFT JOIN audit_personal p ON p.entry_id = l.id";
    let mut found: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
    let mut add = |rows: Vec<Map<String, Value>>| {
        for r in rows {
            let seq = r.get("seq").and_then(Value::as_i64).unwrap_or_default();
            found.insert(seq, r);
        }
    };
    add(rows(
        db,
        &format!(
            "SELECT {COLUMNS} WHERE l.actor_id = $1 OR (l.resource IN ('{}', '{}') AND l.resource_id = $1)",
            Resource::Account.code(),
            Resource::FamilyData.code()
        ),
        &[account],
        &[],
    )
    .await?);
    for (resources, ids) in [
        (vec![Resource::Child], children),
        (vec![Resource::Application, Resource::Voucher], applications),
        (vec![Resource::Document], documents),
    ] {
        let named = resources
            .iter()
            .map(|r| format!("'{}'", r.code()))
            .collect::<Vec<_>>()
            .join(", ");
        add(rows(
            db,
            &format!(
                "SELECT {COLUMNS} WHERE l.resource IN ({named}) AND l.resource_id IN ({{ids}})"
            ),
            &[],
            ids,
        )
        .await?);
    }
    Ok(found.into_values().collect())
}

/// Each application's score with its breakdown, as the rules give it now.
async fn scores(
    db: &Db,
    account: i64,
    applications: &[Map<String, Value>],
    lang: Language,
) -> AppResult<Vec<Value>> {
    let children = crate::applications::queries::children_of(db, account).await?;
    let mut out = Vec::new();
    for a in applications {
        let child_id = a.get("child_id").and_then(Value::as_i64);
        let programme = a
            .get("programme_id")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        let Some(child) = children.iter().find(|c| Some(c.id) == child_id) else {
            continue;
        };
        let rules = crate::programmes::queries::rules(db, programme).await?;
        let achievements: Vec<_> = crate::applications::queries::achievements(db, child.id)
            .await?
            .into_iter()
            .map(|a| a.achievement)
            .collect();
        let b = crate::programmes::scoring::compute(
            &rules,
            &achievements,
            child.rural(),
            child.category.as_deref(),
            crate::applications::queries::nominated(db, child.id).await?,
        );
        out.push(serde_json::json!({
            "application_id": a.get("id"),
            "total": b.total.to_string(),
            "tier": b.tier,
            "lines": b.lines.iter().map(|(line, points)| serde_json::json!({
                "what": line.words(&lang),
                "points": points.to_string(),
            })).collect::<Vec<_>>(),
        }));
    }
    Ok(out)
}

/// The export as a ZIP: data.json, summary.pdf and documents/.
pub fn zip(
    json: &Value,
    summary_pdf: &[u8],
    documents: &[(String, Vec<u8>)],
) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // Scans are compressed already.
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("data.json", deflated)?;
    zip.write_all(serde_json::to_string_pretty(json)?.as_bytes())?;
    zip.start_file("summary.pdf", deflated)?;
    zip.write_all(summary_pdf)?;
    for (name, bytes) in documents {
        zip.start_file(name.as_str(), stored)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

//! The export's summary in words (summary.pdf): the family's account,
//! each child with its applications, documents, consents and offers, and
//! how many audit entries and messages the JSON beside it holds.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use smena_pdf::{FamilySummary, SummarySection};

use crate::language::Language;

type Tables<'a> = BTreeMap<&'a str, Vec<Map<String, Value>>>;

fn text(row: &Map<String, Value>, column: &str) -> String {
    match row.get(column) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn id(row: &Map<String, Value>, column: &str) -> Option<i64> {
    row.get(column).and_then(Value::as_i64)
}

fn when(row: &Map<String, Value>, column: &str) -> String {
    id(row, column)
        .map(crate::language::when)
        .unwrap_or_default()
}

pub fn of(tables: &Tables, scores: &[Value], lang: Language) -> FamilySummary {
    let rows = |t: &str| tables.get(t).map(Vec::as_slice).unwrap_or_default();
    let head = rows("accounts").first().cloned().unwrap_or_default();
    let t = |k: &str| lang.text(k);
    let mut sections = vec![SummarySection {
        heading: t("family-data-account"),
        lines: vec![
            (t("family-data-registered"), when(&head, "created_at")),
            (t("family-data-language"), text(&head, "language")),
            (t("family-data-logins"), rows("logins").len().to_string()),
        ],
    }];
    for child in rows("children") {
        let child_id = id(child, "id");
        let mut lines = vec![
            (t("field-birth-date"), lang.date(&text(child, "birth_date"))),
            (t("family-data-passport"), text(child, "passport_number")),
            (
                t("family-data-passport-expires"),
                lang.date(&text(child, "passport_expires")),
            ),
            (t("family-data-contact"), text(child, "emergency_contact")),
        ];
        for a in rows("achievements")
            .iter()
            .filter(|a| id(a, "child_id") == child_id)
        {
            lines.push((
                t("family-data-achievement"),
                format!(
                    "{} ({}, {})",
                    text(a, "title"),
                    lang.code_name("level", &text(a, "level")),
                    lang.code_name("place", &text(a, "place"))
                ),
            ));
        }
        for d in rows("documents")
            .iter()
            .filter(|d| id(d, "child_id") == child_id)
        {
            lines.push((
                t("family-data-document"),
                format!(
                    "{} — {} ({})",
                    lang.code_name("document-kind", &text(d, "kind")),
                    lang.code_name("document-status", &text(d, "status")),
                    text(d, "original_name")
                ),
            ));
        }
        sections.push(SummarySection {
            heading: format!(
                "{} {}",
                text(child, "given_name"),
                text(child, "family_name")
            ),
            lines,
        });
        for a in rows("applications")
            .iter()
            .filter(|a| id(a, "child_id") == child_id)
        {
            let app = id(a, "id");
            let mut lines = vec![
                (
                    t("field-status"),
                    lang.code_name("application-status", &text(a, "status")),
                ),
                (t("family-data-submitted"), when(a, "submitted_at")),
            ];
            if let Some(score) = scores
                .iter()
                .find(|s| s.get("application_id").and_then(Value::as_i64) == app)
            {
                lines.push((
                    t("family-data-score"),
                    score
                        .get("total")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ));
            }
            for k in rows("consents")
                .iter()
                .filter(|k| id(k, "application_id") == app)
            {
                let mut said = format!("{} ({})", when(k, "given_at"), text(k, "text_version"));
                if id(k, "withdrawn_at").is_some() {
                    said.push_str(&format!(
                        "; {} {}",
                        t("family-data-withdrawn"),
                        when(k, "withdrawn_at")
                    ));
                }
                lines.push((lang.code_name("consent-kind", &text(k, "kind")), said));
            }
            for o in rows("offers")
                .iter()
                .filter(|o| id(o, "application_id") == app)
            {
                lines.push((
                    t("family-data-offer"),
                    lang.code_name("offer-status", &text(o, "status")),
                ));
            }
            let reference = text(a, "reference");
            sections.push(SummarySection {
                heading: lang.text_with(
                    "family-data-application",
                    &[(
                        "reference",
                        if reference.is_empty() {
                            "—"
                        } else {
                            &reference
                        },
                    )],
                ),
                lines,
            });
        }
    }
    sections.push(SummarySection {
        heading: t("family-data-records"),
        lines: vec![
            (t("family-data-audit"), rows("audit_log").len().to_string()),
            (t("family-data-messages"), rows("outbox").len().to_string()),
        ],
    });
    FamilySummary {
        guardian: text(&head, "full_name"),
        email: text(&head, "email"),
        sections,
        issued: lang.date(&crate::store::retention::today(crate::store::now_ms()).to_string()),
    }
}

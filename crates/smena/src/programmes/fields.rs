//! The set-up forms' values, parsed once into what the queries bind: each
//! problem in the coordinator's language, naming the field.

use crate::domain::values::{Day, parse_reserves};
use crate::language::Language;
use smena_engine::Reserve;

/// The name of form field `key` in `lang`, for the messages below.
fn field(lang: Language, key: &str) -> String {
    lang.text(&format!("setup-field-{key}"))
}

/// Text of at most `max` characters, no control characters, not empty.
pub fn text(v: &str, what: &str, max: usize, lang: Language) -> Result<String, String> {
    let name = field(lang, what);
    let t = v.trim();
    if t.is_empty() {
        return Err(lang.text_with("setup-required", &[("field", &name)]));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(lang.text_with(
            "setup-too-long",
            &[("field", &name), ("n", &max.to_string())],
        ));
    }
    Ok(t.to_string())
}

/// Several lines of text (a description): like [`optional_text`], but line
/// breaks are kept (written as `\n`); other control characters are not.
pub fn paragraphs(v: &str, what: &str, max: usize, lang: Language) -> Result<String, String> {
    let joined = v
        .trim()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ");
    let lines: Vec<&str> = joined.lines().map(str::trim_end).collect();
    let flat = lines.join(" ");
    // Line breaks are welcome here: the message says only the length.
    optional_text(&flat, what, max, lang).map_err(|_| {
        lang.text_with(
            "setup-too-long-text",
            &[("field", &field(lang, what)), ("n", &max.to_string())],
        )
    })?;
    Ok(lines.join("\n"))
}

/// Like [`text`], but empty is allowed (and given as empty).
pub fn optional_text(v: &str, what: &str, max: usize, lang: Language) -> Result<String, String> {
    if v.trim().is_empty() {
        Ok(String::new())
    } else {
        text(v, what, max, lang)
    }
}

pub fn date(v: &str, what: &str, lang: Language) -> Result<Day, String> {
    Day::typed(v).map_err(|_| {
        lang.text_with(
            "setup-date",
            &[("field", &field(lang, what)), ("value", v.trim())],
        )
    })
}

pub fn number(
    v: &str,
    what: &str,
    range: std::ops::RangeInclusive<i64>,
    lang: Language,
) -> Result<i64, String> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            lang.text_with(
                "setup-whole-number",
                &[
                    ("field", &field(lang, what)),
                    ("min", &range.start().to_string()),
                    ("max", &range.end().to_string()),
                    ("value", v.trim()),
                ],
            )
        })
}

/// A decimal number of points from 0 to `max_points`, in thousandths.
pub fn decimal(v: &str, what: &str, max_points: i64, lang: Language) -> Result<i64, String> {
    // A decimal comma is how Russian users write 1,5.
    smena_engine::Score::parse(&v.trim().replace(',', "."))
        .ok()
        .map(|s| s.thousandths())
        .filter(|t| (0..=max_points * 1000).contains(t))
        .ok_or_else(|| {
            lang.text_with(
                "setup-decimal",
                &[
                    ("field", &field(lang, what)),
                    ("max", &max_points.to_string()),
                    ("value", v.trim()),
                ],
            )
        })
}

/// A code: letters, digits, '-' and '_' (codes appear in files and URLs).
pub fn code(v: &str, what: &str, lang: Language) -> Result<String, String> {
    let c = v.trim();
    if c.is_empty()
        || c.len() > 40
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(lang.text_with("setup-code", &[("field", &field(lang, what)), ("value", c)]));
    }
    Ok(c.to_string())
}

/// Reserved places, `group:places;…`, or none when empty.
pub fn reserves(v: &str, lang: Language) -> Result<Vec<Reserve>, String> {
    if v.trim().is_empty() {
        return Ok(Vec::new());
    }
    parse_reserves(v).map_err(|_| lang.text_with("setup-reserves", &[("value", v.trim())]))
}

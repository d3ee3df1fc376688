//! Checks on what people type into account forms; problems are told in
//! the reader's language.

use crate::language::Language;

/// A normalised e-mail address, or what is wrong with it.
pub fn email(input: &str, lang: Language) -> Result<String, String> {
    let e = input.trim().to_lowercase();
    let bad = || lang.text_with("invalid-email", &[("input", input.trim())]);
    if e.is_empty() {
        return Err(lang.text("invalid-email-empty"));
    }
    if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(e)
}

/// A person's name as they wrote it, trimmed.
pub fn name(input: &str, lang: Language) -> Result<String, String> {
    let n = input.trim();
    if n.is_empty() {
        return Err(lang.text("invalid-name-empty"));
    }
    if n.chars().count() > 200 {
        return Err(lang.text("invalid-name-long"));
    }
    if n.chars().any(char::is_control) {
        return Err(lang.text("invalid-name-characters"));
    }
    Ok(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let email = |s: &str| super::email(s, Language::En);
        assert_eq!(email(" Parent@Example.ORG ").unwrap(), "parent@example.org");
        assert_eq!(
            super::email("x", Language::Ru).unwrap_err(),
            "«x» — не адрес электронной почты."
        );
        for bad in [
            "",
            "x",
            "a@b",
            "a@@b.c",
            "a b@c.d",
            "@b.c",
            "a@.b",
            "a@b.",
            "<script>@x.y z",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        let name = |s: &str| super::name(s, Language::Ko);
        assert_eq!(name("  Айыына Петрова ").unwrap(), "Айыына Петрова");
        assert_eq!(name("").unwrap_err(), "성명을 입력하세요.");
        assert!(name("").is_err());
        assert!(name("a\u{0}b").is_err());
        assert!(name(&"x".repeat(201)).is_err());
        // Markup is kept as text (templates escape it), not refused.
        assert_eq!(name("<b>Ann</b>").unwrap(), "<b>Ann</b>");
    }
}

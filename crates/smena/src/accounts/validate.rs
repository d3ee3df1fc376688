//! Checks on what people type into account forms.

/// A normalised e-mail address, or what is wrong with it.
pub fn email(input: &str) -> Result<String, String> {
    let e = input.trim().to_lowercase();
    let bad = || format!("\"{}\" is not an e-mail address.", input.trim());
    if e.is_empty() {
        return Err("Please enter your e-mail address.".into());
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
pub fn name(input: &str) -> Result<String, String> {
    let n = input.trim();
    if n.is_empty() {
        return Err("Please enter your full name.".into());
    }
    if n.chars().count() > 200 {
        return Err("The name may have at most 200 characters.".into());
    }
    if n.chars().any(char::is_control) {
        return Err("The name contains characters that cannot be used.".into());
    }
    Ok(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Parent@Example.ORG ").unwrap(), "parent@example.org");
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
        assert_eq!(name("  Айыына Петрова ").unwrap(), "Айыына Петрова");
        assert!(name("").is_err());
        assert!(name("a\u{0}b").is_err());
        assert!(name(&"x".repeat(201)).is_err());
        // Markup is kept as text (templates escape it), not refused.
        assert_eq!(name("<b>Ann</b>").unwrap(), "<b>Ann</b>");
    }
}

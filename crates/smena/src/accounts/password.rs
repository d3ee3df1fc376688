//! Passwords: argon2id with a random salt per password, computed off the
//! async threads (each hash takes tens of milliseconds on purpose).

use argon2::Argon2;

use crate::language::Language;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Fewest characters a password may have.
pub const MIN_LEN: usize = 10;
const MAX_LEN: usize = 200;

/// What is wrong with a new password, in words.
pub fn check_new(password: &str, email: &str, lang: Language) -> Option<String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Some(lang.text_with("invalid-password-short", &[("min", &MIN_LEN.to_string())]));
    }
    if len > MAX_LEN {
        return Some(lang.text_with("invalid-password-long", &[("max", &MAX_LEN.to_string())]));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Some(lang.text("invalid-password-email"));
    }
    None
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
    })
    .await?
}

/// Checked when there is no account, so that the answer takes as long.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$r89z7cgehteO1c4/vqHGxw$E9mqcJuxR9rjK0OY7Mgz5x7qI/IaEtuLFfCIjNk10GY";

/// True when `password` matches `stored`. Without a stored hash (unknown
/// account) a dummy hash is checked, so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY.to_string());
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    ok && known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_dummy_hash_is_a_real_one() {
        // Unknown accounts must cost a full verification, like known ones:
        // the dummy must parse as an argon2id hash.
        assert!(PasswordHash::new(DUMMY).is_ok_and(|h| h.algorithm.as_str() == "argon2id"));
        assert!(!verify("x".into(), None).await);
    }

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse battery".into()).await.unwrap();
        let b = hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts differ");
        assert!(verify("correct horse battery".into(), Some(a.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(a)).await);
        assert!(!verify("anything at all".into(), None).await);
    }

    #[test]
    fn new_passwords_are_checked() {
        assert_eq!(
            check_new("short", "a@b.c", Language::Ru).as_deref(),
            Some("Пароль должен содержать не менее 10 символов.")
        );
        assert!(check_new("parent@example.org", "parent@example.org", Language::En).is_some());
        assert!(check_new("a long enough passphrase", "a@b.c", Language::En).is_none());
    }
}

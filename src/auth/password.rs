//! Password policy (OWASP ASVS 5.0 V6.2) and argon2id hashing (OWASP Password Storage Cheat Sheet).

use std::sync::{Arc, LazyLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Passwords of at least 12 characters that appear on common-password lists, and words about this
/// application itself (ASVS 6.2.4 and 6.2.11). Compared case-insensitively.
const FORBIDDEN: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1q2w3e4r5t6y",
    "qwertyuiopas",
    "qwertyuiop12",
    "qwerty123456",
    "password1234",
    "passwordpassword",
    "wachtwoord12",
    "wachtwoord123",
    "wachtwoord1234",
    "welkom123456",
    "welkomwelkom",
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "iloveyou1234",
    "administrator",
    "administrator1",
    "airegister",
    "ai-register",
    "algoritmeregister",
    "algoritmeregister1",
];

/// Argon2id with m=19456 KiB, t=2, p=1: the OWASP minimum.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Each hash takes ~19 MiB and tens of milliseconds of CPU: bound how many run at once so a login flood
/// cannot starve page rendering on a small machine.
static HASH_PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(2)));

/// A hash to verify against when the e-mail address is unknown, so the timing does not tell.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hasher().hash_password(b"dummy password for timing").expect("hashing works").to_string());

/// Check the policy; returns a Dutch message for the form. `context` holds words tied to the person
/// (e-mail address, name) that must not be the password.
pub fn check_policy(password: &str, context: &[&str]) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!("Kies een wachtwoord van minstens {MIN_CHARS} tekens (nu {chars})."));
    }
    if chars > MAX_CHARS {
        return Err(format!("Een wachtwoord mag hoogstens {MAX_CHARS} tekens lang zijn (nu {chars})."));
    }
    let lower = password.to_lowercase();
    if FORBIDDEN.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
        return Err(
            "Dit wachtwoord is te makkelijk te raden. Kies een ander, bijvoorbeeld een zin van een paar woorden."
                .into(),
        );
    }
    for word in context {
        let word = word.trim().to_lowercase();
        let local = word.split('@').next().unwrap_or_default();
        if !word.is_empty() && (lower == word || (local.chars().count() >= 4 && lower == local)) {
            return Err("Het wachtwoord mag niet gelijk zijn aan uw e-mailadres of naam.".into());
        }
    }
    Ok(())
}

/// Hash a password (argon2id, random salt) to a PHC string.
pub async fn hash(password: &str) -> anyhow::Result<String> {
    let _permit = HASH_PERMITS.acquire().await?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Verify a password against a stored PHC string. `None` (unknown user or no password yet) verifies
/// against a dummy hash and returns false, taking the same time.
pub async fn verify(password: &str, stored: Option<&str>) -> anyhow::Result<bool> {
    let _permit = HASH_PERMITS.acquire().await?;
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored.map(str::to_owned).unwrap_or_else(|| DUMMY_HASH.clone());
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        Ok(hasher().verify_password(password.as_bytes(), &parsed).is_ok() && known)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_lengths() {
        assert!(check_policy("kort", &[]).unwrap_err().contains("minstens 12"));
        assert!(check_policy("elf tekens!", &[]).is_err());
        assert!(check_policy("twaalf tekens", &[]).is_ok());
        assert!(check_policy(&"a1".repeat(32), &[]).is_ok(), "64 characters must be accepted");
        assert!(check_policy(&"ab".repeat(64), &[]).is_ok(), "128 characters must be accepted");
        assert!(check_policy(&"ab".repeat(65), &[]).unwrap_err().contains("hoogstens"));
        // Unicode counts characters, not bytes.
        assert!(check_policy("ééééééééééé", &[]).is_err());
        assert!(check_policy("ééééééééééé!", &[]).is_ok());
    }

    #[test]
    fn no_composition_rules_but_no_common_passwords() {
        assert!(check_policy("alleen kleine letters hier", &[]).is_ok());
        assert!(check_policy("Algoritmeregister", &[]).is_err());
        assert!(check_policy("aaaaaaaaaaaaaaa", &[]).is_err());
        assert!(check_policy("jan.jansen@gemeente.nl", &["jan.jansen@gemeente.nl"]).is_err());
    }

    #[tokio::test]
    async fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", Some(&h)).await.unwrap());
        assert!(!verify("correct horse batterY", Some(&h)).await.unwrap());
        assert!(!verify("correct horse battery", None).await.unwrap());
    }
}

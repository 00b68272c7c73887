//! Passwords: the rules a new password must meet, and argon2id hashing.
//!
//! Hashes use argon2id with OWASP's minimum parameters (19 MiB of memory, 2 passes, 1 lane:
//! the argon2 crate's defaults), a random salt per hash, and are stored as PHC strings, which
//! carry their own parameters, so raising the parameters later leaves old hashes checkable.
//! Checking compares in constant time (argon2's output comparison). An unknown account is
//! checked against a dummy hash made with the same parameters, so the time a login takes does
//! not tell whether the account exists.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, Params};

/// The shortest password accepted, in characters (NCSC and NIST advise length over
/// composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in characters: long enough for any passphrase, short
/// enough that hashing it is not a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error(
        "the password is {0} characters long; use at least {MIN_PASSWORD_CHARS} (a passphrase of three or four unrelated words is easy to remember)"
    )]
    TooShort(usize),
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("the password is {0} characters long; use at most {MAX_PASSWORD_CHARS}")]
    TooLong(usize),
    /// The password is the account's email or user name (or its part before `@`).
    #[error("the password must not be the account's email or user name; choose another")]
    IsTheEmail,
    /// The password is one character repeated.
    #[error("the password is one character repeated; choose another")]
    OneCharacter,
}

/// Checks a new password for the account `email` against the rules.
pub fn check_password_rules(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort(chars));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong(chars));
    }
    let pw = password.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or(&email);
    if pw == email || (!local.is_empty() && pw == local) {
        return Err(PasswordProblem::IsTheEmail);
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(PasswordProblem::OneCharacter);
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
    Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        Params::default(),
    )
}

/// Hashes a password (argon2id, random salt) to a PHC string.
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash does not match.
pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    hasher()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// The hash an unknown account's login is checked against: argon2id with the current
/// parameters, of 32 random bytes that were thrown away. A constant rather than made on first
/// use, so that not even the first such login takes longer than a real one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ofVsHmmNGuhudENBsoEeKg$kEhJkUt4lTFRBb6NsQ+wA4bh7A41USGaDoZ0/kK1Xa0";

/// Spends the time of one check against a hash with the current parameters: what a login
/// for an unknown account does instead of checking a real hash.
pub(crate) fn verify_dummy(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let email = "Ada.Lovelace@nhs.net";
        assert_eq!(
            check_password_rules("short", email),
            Err(PasswordProblem::TooShort(5))
        );
        assert_eq!(
            check_password_rules("ada.lovelace@NHS.net", email),
            Err(PasswordProblem::IsTheEmail)
        );
        assert_eq!(
            check_password_rules("ADA.LOVELACE", email),
            Err(PasswordProblem::IsTheEmail)
        );
        assert_eq!(
            check_password_rules("aaaaaaaaaaaaaaaa", email),
            Err(PasswordProblem::OneCharacter)
        );
        assert_eq!(
            check_password_rules(&"x".repeat(1025), email),
            Err(PasswordProblem::TooLong(1025))
        );
        // Characters, not bytes: twelve accented letters pass.
        assert_eq!(check_password_rules("éèêëéèêëéèêa", email), Ok(()));
        assert_eq!(check_password_rules("correct horse battery", email), Ok(()));
        assert_eq!(
            check_password_rules("elevenchars", email),
            Err(PasswordProblem::TooShort(11))
        );
    }

    #[test]
    fn problems_say_what_to_do() {
        let msg = PasswordProblem::TooShort(5).to_string();
        assert!(msg.contains("at least 12"), "{msg}");
    }

    #[test]
    fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash_password("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery staple", &h));
        assert!(!verify_password("correct horse battery stapler", &h));
        assert!(!verify_password("anything", "not a PHC string"));
        // A fresh salt each time.
        assert_ne!(h, hash_password("correct horse battery staple").unwrap());
        verify_dummy("anything");
    }

    /// The dummy hash must cost what a real one costs: same algorithm and parameters.
    #[test]
    fn the_dummy_hash_has_the_current_parameters() {
        let real = hash_password("anything at all").unwrap();
        let params = |h: &str| h.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(!verify_password("", DUMMY_HASH));
    }
}

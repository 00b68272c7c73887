//! Bearer secrets (session tokens, API tokens) and what the store keeps of them.
//!
//! A secret is 256 random bits, given to its holder once and stored only as its BLAKE3 hash:
//! a copy of the database lets no one log in. The hash is looked up by equality, which
//! leaks nothing useful about the secret (an attacker would need a preimage of the hash).

use std::fmt;

/// Domain separation for the CSRF token derived from a session token, so the CSRF token
/// (which goes into every form of a page) reveals nothing of the session token.
const CSRF_CONTEXT: &str = "equalis 2026 session CSRF token v1";

/// A secret given to its holder once: a session token or an API token. Its `Debug` is
/// redacted and it has no `Display`, so it does not end up in logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A fresh secret: `prefix` followed by 256 random bits in lower-case hex.
    pub(crate) fn generate(prefix: &str) -> Secret {
        let bytes: [u8; 32] = rand::random();
        Secret(format!("{prefix}{}", hex(&bytes)))
    }

    /// Wraps a secret presented by a client (a cookie or an `Authorization` header).
    pub fn from_presented(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret's text, to hand to its holder (a cookie value, or shown once).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps: the BLAKE3 hash in hex.
    pub(crate) fn stored_hash(&self) -> String {
        blake3::hash(self.0.as_bytes()).to_hex().to_string()
    }

    /// The CSRF token of the session this secret opens.
    pub(crate) fn csrf_token(&self) -> String {
        hex(&blake3::derive_key(CSRF_CONTEXT, self.0.as_bytes()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Compares two strings in time that depends only on their lengths: for checking a CSRF
/// token a client submitted.
pub fn constant_time_str_eq(a: &str, b: &str) -> bool {
    constant_time_eq::constant_time_eq(a.as_bytes(), b.as_bytes())
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_distinct() {
        let a = Secret::generate("eqt_");
        let b = Secret::generate("eqt_");
        assert_ne!(a, b);
        assert!(a.expose().starts_with("eqt_"));
        assert_eq!(a.expose().len(), 4 + 64);
        assert!(a.expose()[4..].bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn stored_hash_is_not_the_secret() {
        let s = Secret::generate("");
        let h = s.stored_hash();
        assert_eq!(h.len(), 64);
        assert_ne!(h, s.expose());
        assert_eq!(h, Secret::from_presented(s.expose()).stored_hash());
    }

    #[test]
    fn csrf_token_is_derived_and_distinct_from_the_session_token() {
        let s = Secret::generate("");
        let csrf = s.csrf_token();
        assert_eq!(csrf, Secret::from_presented(s.expose()).csrf_token());
        assert_ne!(csrf, s.expose());
        assert_ne!(csrf, s.stored_hash());
        assert_ne!(csrf, Secret::generate("").csrf_token());
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::generate("");
        assert!(!format!("{s:?}").contains(s.expose()));
    }

    #[test]
    fn constant_time_compare_agrees_with_equality() {
        assert!(constant_time_str_eq("abc", "abc"));
        assert!(!constant_time_str_eq("abc", "abd"));
        assert!(!constant_time_str_eq("abc", "abcd"));
        assert!(!constant_time_str_eq("", "a"));
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}

//! The NHS number: ten digits with a Modulus 11 check digit.

use std::fmt;

use crate::VocabError;

/// A valid NHS number. Its digits are never shown: `Debug` prints `NhsNumber(**********)`
/// and there is no `Display`, so a stray log line cannot leak one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NhsNumber([u8; 10]);

impl NhsNumber {
    /// Parses an NHS number: 10 digits, optionally written 3-3-4 with single spaces, whose
    /// tenth digit is the Modulus 11 check digit (NHS Connecting for Health, "NHS number
    /// check digit"): weights 10..2 on digits 1–9, check = 11 − (sum mod 11), 11 → 0,
    /// and 10 means the number is invalid.
    pub fn parse(s: &str) -> Result<NhsNumber, VocabError> {
        let s = s.trim();
        let b = s.as_bytes();
        let digits: Vec<u8> = match b.len() {
            10 => b.to_vec(),
            12 if b[3] == b' ' && b[7] == b' ' => {
                b.iter().copied().filter(|&c| c != b' ').collect()
            }
            _ => {
                return Err(VocabError::new(
                    "expected 10 digits (spaces allowed as 3 3 4)",
                ));
            }
        };
        if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(VocabError::new(
                "expected 10 digits (spaces allowed as 3 3 4)",
            ));
        }
        let mut d = [0u8; 10];
        for (i, c) in digits.iter().enumerate() {
            d[i] = c - b'0';
        }
        match check_digit(&d[..9]) {
            Some(c) if c == d[9] => Ok(NhsNumber(d)),
            Some(_) => Err(VocabError::new("Modulus 11 check digit is wrong")),
            None => Err(VocabError::new(
                "not a valid NHS number (Modulus 11 check gives 10)",
            )),
        }
    }

    /// Builds the NHS number whose first nine digits are `stem`, if the check digit exists
    /// (about one stem in eleven has none). Used to make synthetic numbers.
    pub fn from_stem(stem: u32) -> Option<NhsNumber> {
        if stem >= 1_000_000_000 {
            return None;
        }
        let mut d = [0u8; 10];
        let mut n = stem;
        for i in (0..9).rev() {
            d[i] = (n % 10) as u8;
            n /= 10;
        }
        d[9] = check_digit(&d[..9])?;
        Some(NhsNumber(d))
    }

    /// The ten digits as ASCII bytes: for pseudonymisation and for writing synthetic files
    /// only. Deliberately not `Display`.
    pub fn digits(&self) -> [u8; 10] {
        self.0.map(|d| d + b'0')
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NhsNumber(**********)")
    }
}

/// The Modulus 11 check digit for nine digits, or `None` when it would be 10.
fn check_digit(nine: &[u8]) -> Option<u8> {
    let sum: u32 = nine
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => Some(c as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_worked_example() {
        // 943 476 5919: weighted sum 299, 299 mod 11 = 2, 11 - 2 = 9.
        let n = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(&n.digits(), b"9434765919");
        assert_eq!(NhsNumber::parse("943 476 5919").unwrap(), n);
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(
            NhsNumber::parse("9434765918").unwrap_err().0,
            "Modulus 11 check digit is wrong"
        );
        assert!(NhsNumber::parse("943476591").is_err());
        assert!(NhsNumber::parse("94347659190").is_err());
        assert!(NhsNumber::parse("94347 65919").is_err());
        assert!(NhsNumber::parse("943-476-5919").is_err());
        assert!(NhsNumber::parse("94347659l9").is_err());
        // 1000000010: weighted sum 10 + 1*2 = 12, 12 mod 11 = 1, check 10: invalid.
        assert!(NhsNumber::from_stem(100000001).is_none());
    }

    #[test]
    fn debug_never_shows_digits() {
        let n = NhsNumber::parse("9434765919").unwrap();
        assert_eq!(format!("{n:?}"), "NhsNumber(**********)");
    }

    proptest! {
        #[test]
        fn every_generated_number_parses_back(stem in 0u32..1_000_000_000) {
            if let Some(n) = NhsNumber::from_stem(stem) {
                let s = String::from_utf8(n.digits().to_vec()).unwrap();
                prop_assert_eq!(NhsNumber::parse(&s).unwrap(), n);
                // Changing the check digit always breaks it.
                let mut bad = n.digits();
                bad[9] = b'0' + (bad[9] - b'0' + 1) % 10;
                prop_assert!(NhsNumber::parse(std::str::from_utf8(&bad).unwrap()).is_err());
            }
        }
    }
}

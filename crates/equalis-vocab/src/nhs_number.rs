//! The NHS number: ten digits with a Modulus 11 check digit.

use std::borrow::Cow;
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
        // The ten digit characters, on the stack (ingest parses one per row, twice).
        let chars: [u8; 10] = match b.len() {
            10 => b.try_into().unwrap_or([0; 10]),
            12 if b[3] == b' ' && b[7] == b' ' => {
                let mut c = [0u8; 10];
                c[..3].copy_from_slice(&b[..3]);
                c[3..6].copy_from_slice(&b[4..7]);
                c[6..].copy_from_slice(&b[8..]);
                c
            }
            _ => {
                return Err(VocabError::new(
                    "expected 10 digits (spaces allowed as 3 3 4)",
                ));
            }
        };
        if !chars.iter().all(u8::is_ascii_digit) {
            return Err(VocabError::new(
                "expected 10 digits (spaces allowed as 3 3 4)",
            ));
        }
        let d = chars.map(|c| c - b'0');
        match check_digit(&d[..9]) {
            // Every number of one repeated digit passes Modulus 11 (the weights sum to 54, and
            // 54·d ≡ −d mod 11 makes the check digit d itself), so the placeholders systems
            // write for "not known" would otherwise become one shared person.
            Some(_) if is_placeholder(&d) => Err(VocabError::new(
                "a placeholder, not an NHS number (one digit ten times): leave it blank and give person_id, or find the person's number",
            )),
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
        (!is_placeholder(&d)).then_some(NhsNumber(d))
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

/// Whether ten digits are one digit repeated (`0000000000`, `9999999999`, ...).
fn is_placeholder(d: &[u8; 10]) -> bool {
    d.iter().all(|&x| x == d[0])
}

/// What [`redact_nhs_numbers`] puts in place of anything that could be an NHS number.
pub const REDACTED_NHS_NUMBER: &str = "[redacted: possible NHS number]";

/// Separator characters between digit groups that still read as one number: spaces (every
/// Unicode space, NBSP included, and the invisible zero-width ones), hyphens and dashes, and
/// U+FFFD, which is what a byte that was not UTF-8 (a Latin-1 NBSP, say) becomes when shown.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{ad}'
                | '\u{200b}'..='\u{200d}'
                | '\u{2010}'..='\u{2015}'
                | '\u{2060}'
                | '\u{2212}'
                | '\u{fe58}'
                | '\u{fe63}'
                | '\u{feff}'
                | '\u{ff0d}'
                | '\u{fffd}'
        )
}

/// Longest run of separators between two digits of one number: "943 - 476 - 5919" has three.
const MAX_SEPARATORS: usize = 3;

/// Replaces every run of digits that could be an NHS number with [`REDACTED_NHS_NUMBER`]:
/// the one function every exit of equalis (rejects files, error messages, warnings) passes
/// text through, so that no NHS number leaves in any column or message, whatever column it
/// was typed in.
///
/// A candidate is a chain of ASCII digits joined by runs of at most three separators
/// (spaces of any kind, hyphens and dashes: `943 476 5919`, `943-476-5919`, `943\u{a0}476\u{a0}5919`,
/// or solid). The whole chain is redacted when any ten consecutive digits of it pass the
/// Modulus 11 check, wherever it stands: beside letters (`NHS9434765919`), beside other
/// digits, or beside another number. The rule errs towards redaction: about one harmless
/// ten-digit value in eleven passes the check by chance and is redacted too (never the
/// reverse).
pub fn redact_nhs_numbers(text: &str) -> Cow<'_, str> {
    if text.bytes().filter(u8::is_ascii_digit).count() < 10 {
        return Cow::Borrowed(text);
    }
    // Byte ranges of the chains to redact.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut digits: Vec<u8> = Vec::new();
    let (mut start, mut end, mut separators) = (0, 0, 0);
    let mut close = |digits: &mut Vec<u8>, start: usize, end: usize| {
        if digits.len() >= 10 && digits.windows(10).any(is_valid) {
            spans.push((start, end));
        }
        digits.clear();
    };
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() {
            if digits.is_empty() || separators > MAX_SEPARATORS {
                close(&mut digits, start, end);
                start = i;
            }
            digits.push(c as u8 - b'0');
            end = i + 1;
            separators = 0;
        } else if is_separator(c) && !digits.is_empty() {
            separators += 1;
        } else if !digits.is_empty() {
            close(&mut digits, start, end);
            separators = 0;
        }
    }
    close(&mut digits, start, end);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&text[at..s]);
        out.push_str(REDACTED_NHS_NUMBER);
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether ten digits (values 0–9) pass the Modulus 11 check.
fn is_valid(d: &[u8]) -> bool {
    check_digit(&d[..9]) == Some(d[9])
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

    #[test]
    fn placeholders_of_one_repeated_digit_are_refused() {
        for d in b'0'..=b'9' {
            let s = String::from_utf8(vec![d; 10]).unwrap();
            // They all pass Modulus 11 ...
            let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            assert!(is_valid(&digits), "{s}");
            // ... and are refused as placeholders.
            let err = NhsNumber::parse(&s).unwrap_err().0;
            assert!(err.contains("placeholder"), "{s}: {err}");
        }
        assert!(NhsNumber::from_stem(0).is_none());
        assert!(NhsNumber::from_stem(999_999_999).is_none());
    }

    #[test]
    fn redaction_finds_numbers_however_written() {
        let r = |s: &str| redact_nhs_numbers(s).into_owned();
        let x = REDACTED_NHS_NUMBER;
        for written in [
            "9434765919",
            "943 476 5919",
            "943\u{a0}476\u{a0}5919",
            "943\u{202f}476\u{2009}5919",
            "943-476-5919",
            "943\u{2013}476\u{2013}5919",
            "943 - 476 - 5919",
            "943\u{fffd}476\u{fffd}5919",
            "9 4 3 4 7 6 5 9 1 9",
            "94347\t65919",
        ] {
            assert_eq!(r(written), x, "{written:?}");
            assert_eq!(
                r(&format!("p1,{written},2024-03-31")),
                format!("p1,{x},2024-03-31")
            );
            assert_eq!(
                r(&format!("NHS{written}x")),
                format!("NHS{x}x"),
                "beside letters"
            );
            assert_eq!(
                r(&format!("(found: a, {written}, b)")),
                format!("(found: a, {x}, b)")
            );
        }
        // Beside other digits, and two numbers one space apart: the whole chain goes.
        assert_eq!(r("19434765919"), x);
        assert_eq!(r("9434765919 4010232137"), x);
        assert_eq!(r("9434765919,4010232137"), format!("{x},{x}"));
        // Placeholders look like numbers too.
        assert_eq!(r("0000000000"), x);
        // Left alone: a wrong check digit, too few digits, dates, too many separators.
        for kept in [
            "9434765918",
            "943476591",
            "2024-03-31",
            "31/03/2024 and 07/04/2024",
            "943    476    5919",
            "rows 12, 345 and 67890",
            "",
        ] {
            assert_eq!(r(kept), kept);
            assert!(matches!(redact_nhs_numbers(kept), Cow::Borrowed(_)));
        }
    }

    /// Every window of text that reads as ten digits passing Modulus 11, found the slow way:
    /// for the property test, independent of the redactor's single pass.
    fn surviving_numbers(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for i in 0..chars.len() {
            if !chars[i].is_ascii_digit() {
                continue;
            }
            let (mut digits, mut run) = (String::new(), 0);
            for &c in &chars[i..] {
                if c.is_ascii_digit() {
                    digits.push(c);
                    run = 0;
                    if digits.len() == 10 {
                        if NhsNumber::parse(&digits).is_ok() || is_placeholder_text(&digits) {
                            out.push(digits.clone());
                        }
                        break;
                    }
                } else if is_separator(c) && run < MAX_SEPARATORS {
                    run += 1;
                } else {
                    break;
                }
            }
        }
        out
    }

    fn is_placeholder_text(s: &str) -> bool {
        s.bytes().all(|b| b == s.as_bytes()[0])
    }

    fn separator() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                ' ', '\u{a0}', '\u{2009}', '\u{202f}', '\u{3000}', '\t', '-', '\u{2010}',
                '\u{2013}', '\u{2212}', '\u{200b}', '\u{fffd}',
            ]),
            0..=3,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn any_valid_number_in_any_text_with_any_separators_is_redacted(
            stem in 0u32..1_000_000_000,
            gaps in prop::collection::vec(separator(), 9),
            prefix in "[0-9a-zA-Z ,:;\u{a0}\u{e9}\u{fffd}-]{0,16}|\\PC{0,16}",
            suffix in "[0-9a-zA-Z ,:;\u{a0}\u{e9}\u{fffd}-]{0,16}|\\PC{0,16}",
        ) {
            if let Some(n) = NhsNumber::from_stem(stem) {
                let digits = n.digits();
                let mut embedded = String::new();
                for (i, d) in digits.iter().enumerate() {
                    embedded.push(*d as char);
                    if i < 9 {
                        embedded.push_str(&gaps[i]);
                    }
                }
                let text = format!("{prefix}{embedded}{suffix}");
                let out = redact_nhs_numbers(&text);
                prop_assert!(!out.contains(&embedded), "{text:?} -> {out:?}");
                prop_assert!(surviving_numbers(&out).is_empty(), "{text:?} -> {out:?}");
                // Text around the number is kept, unless it is part of the chain.
                let kept_prefix = prefix.trim_end_matches(|c: char| c.is_ascii_digit() || is_separator(c));
                if surviving_numbers(&prefix).is_empty() {
                    prop_assert!(out.starts_with(kept_prefix), "{text:?} -> {out:?}");
                }
            }
        }

        #[test]
        fn text_with_no_number_is_returned_unchanged(text in "\\PC{0,40}") {
            if surviving_numbers(&text).is_empty() {
                prop_assert_eq!(redact_nhs_numbers(&text), text.as_str());
            }
        }

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

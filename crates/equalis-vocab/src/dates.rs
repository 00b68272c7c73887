//! Dates as NHS extracts write them.

use jiff::civil::Date;

use crate::VocabError;

/// Parses an ISO `YYYY-MM-DD` date or the `DD/MM/YYYY` form common in NHS extracts.
///
/// Impossible dates (31 February) are rejected, never rolled over.
pub fn parse_date(s: &str) -> Result<Date, VocabError> {
    let s = s.trim();
    let b = s.as_bytes();
    let (y, m, d) = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        (&s[0..4], &s[5..7], &s[8..10])
    } else if b.len() == 10 && b[2] == b'/' && b[5] == b'/' {
        (&s[6..10], &s[3..5], &s[0..2])
    } else {
        return Err(VocabError::new(
            "expected a date as YYYY-MM-DD or DD/MM/YYYY",
        ));
    };
    let num = |part: &str| -> Option<i16> {
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    match (num(y), num(m), num(d)) {
        (Some(y), Some(m), Some(d)) => Date::new(y, m as i8, d as i8)
            .map_err(|_| VocabError::new(format!("impossible date {y:04}-{m:02}-{d:02}"))),
        _ => Err(VocabError::new(
            "expected a date as YYYY-MM-DD or DD/MM/YYYY",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_nhs_forms_agree() {
        assert_eq!(
            parse_date("2024-03-31").unwrap(),
            parse_date("31/03/2024").unwrap()
        );
        assert_eq!(parse_date(" 2024-03-31 ").unwrap().day(), 31);
    }

    #[test]
    fn impossible_and_malformed_dates_are_errors() {
        assert_eq!(
            parse_date("2023-02-29").unwrap_err().0,
            "impossible date 2023-02-29"
        );
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("31/13/2024").is_err());
        assert!(parse_date("2024/03/31").is_err());
        assert!(parse_date("2024-3-31").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("20x4-03-31").is_err());
    }
}

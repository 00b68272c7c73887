//! Dates as people type them (the NHS.UK date input: day, month, year) and as the stored
//! document holds them (ISO text), without jiff's `serde` feature.

use jiff::civil::Date;

use crate::field::FieldError;

/// Reads the three boxes of an NHS.UK date input. All blank is `Ok(None)`; anything else
/// must be a real date, and the error says which part is wrong.
pub fn parse_date_parts(
    field: &str,
    what: &str,
    day: &str,
    month: &str,
    year: &str,
) -> Result<Option<Date>, FieldError> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let missing: Vec<&str> = [("a day", day), ("a month", month), ("a year", year)]
        .into_iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(name, _)| name)
        .collect();
    if !missing.is_empty() {
        return Err(FieldError::new(
            field,
            format!("{} must include {}", capital(what), missing.join(" and ")),
        ));
    }
    let real = || FieldError::new(field, format!("{} must be a real date", capital(what)));
    let d: i8 = day.parse().map_err(|_| real())?;
    let m: i8 = month.parse().map_err(|_| real())?;
    if year.len() != 4 {
        return Err(FieldError::new(
            field,
            format!("{} must include a year of 4 digits", capital(what)),
        ));
    }
    let y: i16 = year.parse().map_err(|_| real())?;
    Date::new(y, m, d).map(Some).map_err(|_| real())
}

fn capital(what: &str) -> String {
    let mut c = what.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `Option<Date>` as ISO text (`"2027-03-31"`) or null.
pub(crate) mod opt_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| t.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// `Option<Timestamp>` as whole seconds since the epoch, as the store keeps times.
pub(crate) mod opt_seconds {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&t.as_second()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        let secs: Option<i64> = Option::deserialize(d)?;
        secs.map(|s| Timestamp::from_second(s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(d: &str, m: &str, y: &str) -> Result<Option<Date>, String> {
        parse_date_parts("review-due", "the review date", d, m, y).map_err(|e| e.message)
    }

    #[test]
    fn date_input() {
        assert_eq!(parse("", " ", ""), Ok(None));
        assert_eq!(
            parse("31", "3", "2027"),
            Ok(Some(jiff::civil::date(2027, 3, 31)))
        );
        assert_eq!(
            parse("31", "", ""),
            Err("The review date must include a month and a year".into())
        );
        assert_eq!(
            parse("31", "2", "2027"),
            Err("The review date must be a real date".into())
        );
        assert_eq!(
            parse("x", "2", "2027"),
            Err("The review date must be a real date".into())
        );
        assert_eq!(
            parse("1", "2", "27"),
            Err("The review date must include a year of 4 digits".into())
        );
        let e = parse_date_parts("review-due", "the review date", "1", "13", "2027").unwrap_err();
        assert_eq!(e.field, "review-due");
    }
}

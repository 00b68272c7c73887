//! Field-level errors: each names the form field it belongs to, so a page can show the
//! message beside that field and in the error summary, linking one to the other.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem with one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's id: also its form name and its HTML `id` (letters, digits, `-` and `_`).
    pub field: String,
    /// What is wrong and what to do, in the NHS.UK style ("Enter …", "Select …").
    pub message: String,
}

impl FieldError {
    /// An error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The problems found in a form or document, in the order of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The message for a field, if it has one (the first, when it has several).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Every problem.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(())` when there are none.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// The longest free text accepted in any answer: long enough for a page of evidence, short
/// enough that a pasted document is refused with a message rather than stored.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The longest one-line answer (a title, a name, an organisation).
pub const MAX_LINE_CHARS: usize = 300;

/// Checks a required one-line answer.
pub(crate) fn required_line(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        errors.push(field, format!("Enter {what}"));
    } else {
        line(errors, field, value, what);
    }
}

/// Checks an optional one-line answer's length and that it is one line.
pub(crate) fn line(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.chars().count() > MAX_LINE_CHARS {
        errors.push(
            field,
            format!(
                "{} must be {MAX_LINE_CHARS} characters or fewer",
                capital(what)
            ),
        );
    } else if value.contains(['\n', '\r']) {
        errors.push(field, format!("{} must be on one line", capital(what)));
    }
}

/// Checks free text's length.
pub(crate) fn text(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.chars().count() > MAX_TEXT_CHARS {
        errors.push(
            field,
            format!(
                "{} must be {MAX_TEXT_CHARS} characters or fewer",
                capital(what)
            ),
        );
    }
}

/// "the title" → "The title".
fn capital(what: &str) -> String {
    let what = what.strip_prefix("the ").unwrap_or(what);
    let what = what.strip_prefix("a ").unwrap_or(what);
    let mut c = what.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_line_refuses_blank_long_and_multiline() {
        let mut e = FieldErrors::new();
        required_line(&mut e, "title", "  ", "a title");
        required_line(
            &mut e,
            "owner",
            &"x".repeat(MAX_LINE_CHARS + 1),
            "the owner",
        );
        required_line(&mut e, "org", "a\nb", "the organisation");
        required_line(&mut e, "ok", "fine", "anything");
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert_eq!(
            e.get("owner"),
            Some("Owner must be 300 characters or fewer")
        );
        assert_eq!(e.get("org"), Some("Organisation must be on one line"));
        assert_eq!(e.get("ok"), None);
        assert_eq!(e.len(), 3);
        assert!(e.to_string().starts_with("title: Enter a title; owner:"));
    }

    #[test]
    fn text_limit() {
        let mut e = FieldErrors::new();
        text(
            &mut e,
            "evidence",
            &"é".repeat(MAX_TEXT_CHARS),
            "the evidence",
        );
        assert!(e.is_empty(), "the limit counts characters, not bytes");
        text(
            &mut e,
            "evidence",
            &"é".repeat(MAX_TEXT_CHARS + 1),
            "the evidence",
        );
        assert_eq!(e.len(), 1);
        assert!(e.into_result().is_err());
    }
}

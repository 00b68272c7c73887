//! Length and shape rules shared by every form.

use equalis_assess::FieldErrors;

/// The longest one-line answer (a title, an option).
pub const MAX_LINE_CHARS: usize = 200;

/// The longest nickname of an anonymous participant.
pub const MAX_NICKNAME_CHARS: usize = 40;

/// A required line: present, at most `max` characters, one line.
pub(crate) fn required_line(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    what: &str,
    max: usize,
) {
    if value.trim().is_empty() {
        errors.push(field, format!("Enter {what}"));
    } else {
        line(errors, field, value, what, max);
    }
}

/// An optional line's length and that it is one line.
pub(crate) fn line(errors: &mut FieldErrors, field: &str, value: &str, what: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(
            field,
            format!("{} must be {max} characters or fewer", capital(what)),
        );
    } else if value.contains(['\n', '\r']) {
        errors.push(field, format!("{} must be on one line", capital(what)));
    }
}

/// Required free text of at most `max` characters.
pub(crate) fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    what: &str,
    max: usize,
) {
    if value.trim().is_empty() {
        errors.push(field, format!("Enter {what}"));
    } else if value.chars().count() > max {
        errors.push(
            field,
            format!("{} must be {max} characters or fewer", capital(what)),
        );
    }
}

/// Checks the nickname an anonymous participant chose: 2 to [`MAX_NICKNAME_CHARS`] characters,
/// letters, digits, spaces, `-`, `_` and `.`, and not an email address (a nickname is shown
/// beside every contribution).
pub fn check_nickname(errors: &mut FieldErrors, field: &str, value: &str) {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        errors.push(field, "Enter a nickname");
    } else if !(2..=MAX_NICKNAME_CHARS).contains(&n) {
        errors.push(
            field,
            format!("Nickname must be between 2 and {MAX_NICKNAME_CHARS} characters"),
        );
    } else if v.contains('@') {
        errors.push(
            field,
            "Nickname must not be an email address: it is shown with what you post",
        );
    } else if !v
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
    {
        errors.push(
            field,
            "Nickname must only include letters, numbers, spaces, hyphens, underscores and full stops",
        );
    }
}

/// "the title" → "Title".
fn capital(what: &str) -> String {
    let what = what.strip_prefix("the ").unwrap_or(what);
    let what = what.strip_prefix("a ").unwrap_or(what);
    let what = what.strip_prefix("an ").unwrap_or(what);
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
    fn lines_and_text() {
        let mut e = FieldErrors::new();
        required_line(&mut e, "title", " ", "a title", 10);
        required_line(&mut e, "long", &"é".repeat(11), "the title", 10);
        required_line(&mut e, "ok", &"é".repeat(10), "the title", 10);
        required_line(&mut e, "two", "a\nb", "an option", 10);
        required_text(&mut e, "body", "", "your idea", 10);
        required_text(&mut e, "body2", "a\nb", "your idea", 10);
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert_eq!(e.get("long"), Some("Title must be 10 characters or fewer"));
        assert_eq!(e.get("ok"), None);
        assert_eq!(e.get("two"), Some("Option must be on one line"));
        assert_eq!(e.get("body"), Some("Enter your idea"));
        assert_eq!(e.get("body2"), None);
    }

    #[test]
    fn nicknames() {
        for (nick, ok) in [
            ("Sam", true),
            ("Amina K.", true),
            ("x", false),
            ("a@b.nhs.uk", false),
            ("<script>", false),
            (&"n".repeat(41), false),
            ("", false),
        ] {
            let mut e = FieldErrors::new();
            check_nickname(&mut e, "nickname", nick);
            assert_eq!(e.is_empty(), ok, "{nick}: {e}");
        }
    }
}

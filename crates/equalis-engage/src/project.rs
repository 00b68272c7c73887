//! An engagement project: a consultation or conversation people take part in.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::text::{MAX_LINE_CHARS, required_line, required_text};

/// The longest summary of a project.
const MAX_SUMMARY_CHARS: usize = 5_000;

/// A value that is not one of a field's options.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {field} `{given}`: expected one of {expected}")]
pub struct UnknownValue {
    /// The field.
    pub field: &'static str,
    /// What was given.
    pub given: String,
    /// The values it may have.
    pub expected: &'static str,
}

/// Whether a project takes contributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// People may post, support, answer surveys.
    Open,
    /// Read only: what was said stays visible.
    Closed,
}

impl ProjectStatus {
    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Open => "open",
            ProjectStatus::Closed => "closed",
        }
    }

    /// Parses [`ProjectStatus::as_str`].
    pub fn parse(s: &str) -> Result<ProjectStatus, UnknownValue> {
        match s {
            "open" => Ok(ProjectStatus::Open),
            "closed" => Ok(ProjectStatus::Closed),
            _ => Err(UnknownValue {
                field: "status",
                given: s.into(),
                expected: "open, closed",
            }),
        }
    }
}

/// When a contribution becomes visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    /// Hidden until a moderator approves it (for sensitive conversations).
    Pre,
    /// Visible at once; reports bring it to a moderator.
    Post,
}

impl Moderation {
    /// The stored and form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Pre => "pre",
            Moderation::Post => "post",
        }
    }

    /// Parses [`Moderation::as_str`].
    pub fn parse(s: &str) -> Result<Moderation, UnknownValue> {
        match s {
            "pre" => Ok(Moderation::Pre),
            "post" => Ok(Moderation::Post),
            _ => Err(UnknownValue {
                field: "moderation",
                given: s.into(),
                expected: "pre, post",
            }),
        }
    }
}

/// How people sign up to a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Participation {
    /// By email.
    Email,
    /// With a nickname and nothing else (where the project allows it).
    Anonymous,
}

/// An engagement project as its organisers describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The title, e.g. "Let's talk: mental health support for young people".
    pub title: String,
    /// What the conversation is about and what will be done with what people say.
    pub summary: String,
    /// Open or closed.
    pub status: ProjectStatus,
    /// Pre- or post-moderation.
    pub moderation: Moderation,
    /// Whether people may take part with a nickname only.
    pub anonymous_allowed: bool,
    /// The ICB (ODS or ONS code) whose residents the participants are compared with.
    pub footprint: String,
}

impl Project {
    /// Checks every answer; the errors name the fields `title`, `summary` and `footprint`.
    /// (Whether the footprint is a known ICB is for the caller, who has the reference data.)
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        required_line(&mut e, "title", &self.title, "a title", MAX_LINE_CHARS);
        required_text(
            &mut e,
            "summary",
            &self.summary,
            "a summary",
            MAX_SUMMARY_CHARS,
        );
        required_line(
            &mut e,
            "footprint",
            &self.footprint,
            "the ICB code of the footprint",
            9,
        );
        e.into_result()
    }

    /// Whether someone may take part in this way.
    pub fn allows(&self, how: Participation) -> bool {
        match how {
            Participation::Email => true,
            Participation::Anonymous => self.anonymous_allowed,
        }
    }

    /// Whether it takes contributions now.
    pub fn is_open(&self) -> bool {
        self.status == ProjectStatus::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        Project {
            title: "Let's talk".into(),
            summary: "About care".into(),
            status: ProjectStatus::Open,
            moderation: Moderation::Post,
            anonymous_allowed: false,
            footprint: "QK1".into(),
        }
    }

    #[test]
    fn validation_names_fields() {
        assert!(project().validate().is_ok());
        let p = Project {
            title: String::new(),
            summary: "x".repeat(MAX_SUMMARY_CHARS + 1),
            footprint: String::new(),
            ..project()
        };
        let e = p.validate().unwrap_err();
        assert_eq!(e.get("title"), Some("Enter a title"));
        assert_eq!(
            e.get("summary"),
            Some("Summary must be 5000 characters or fewer")
        );
        assert_eq!(
            e.get("footprint"),
            Some("Enter the ICB code of the footprint")
        );
    }

    #[test]
    fn participation_and_values() {
        assert!(project().allows(Participation::Email));
        assert!(!project().allows(Participation::Anonymous));
        for s in [ProjectStatus::Open, ProjectStatus::Closed] {
            assert_eq!(ProjectStatus::parse(s.as_str()), Ok(s));
        }
        for m in [Moderation::Pre, Moderation::Post] {
            assert_eq!(Moderation::parse(m.as_str()), Ok(m));
        }
        assert!(
            Moderation::parse("none")
                .unwrap_err()
                .to_string()
                .contains("pre, post")
        );
    }
}

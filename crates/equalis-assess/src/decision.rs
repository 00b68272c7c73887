//! The decision an assessment informs: a project, proposal or policy, and its stage.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::field::{self, FieldErrors};

/// Where a decision is in its life (the Inclusive Decision Making Framework asks for equality
/// and health-inequality considerations at every one of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// An idea, not yet designed.
    Idea,
    /// Being designed.
    Design,
    /// Out to consultation.
    Consultation,
    /// Before the decision maker.
    Decision,
    /// Decided and being put into effect.
    Implementation,
    /// In effect and being reviewed.
    Review,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 6] = [
        Stage::Idea,
        Stage::Design,
        Stage::Consultation,
        Stage::Decision,
        Stage::Implementation,
        Stage::Review,
    ];

    /// The name in forms, URLs and the store.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Idea => "idea",
            Stage::Design => "design",
            Stage::Consultation => "consultation",
            Stage::Decision => "decision",
            Stage::Implementation => "implementation",
            Stage::Review => "review",
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Idea => "Idea",
            Stage::Design => "Design",
            Stage::Consultation => "Consultation",
            Stage::Decision => "Decision",
            Stage::Implementation => "Implementation",
            Stage::Review => "Review",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A stage name that is not one of [`Stage::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown stage `{0}`; the stages are idea, design, consultation, decision, implementation and review"
)]
pub struct UnknownStage(pub String);

impl FromStr for Stage {
    type Err = UnknownStage;

    fn from_str(s: &str) -> Result<Stage, UnknownStage> {
        Stage::ALL
            .into_iter()
            .find(|st| st.id() == s)
            .ok_or_else(|| UnknownStage(s.to_string()))
    }
}

/// A decision record: what is proposed, who owns it, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// A short title ("Close the Wigston minor injuries unit at weekends").
    pub title: String,
    /// What is proposed and why.
    pub summary: String,
    /// Who is accountable for the decision (a name or post).
    pub owner: String,
    /// The organisation making it (an ODS code or name).
    pub organisation: String,
    /// Where it is.
    pub stage: Stage,
}

impl Decision {
    /// Every problem with the record, by field (`title`, `summary`, `owner`, `organisation`).
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        field::required_line(&mut e, "title", &self.title, "a title");
        if self.summary.trim().is_empty() {
            e.push("summary", "Enter a summary of what is proposed");
        } else {
            field::text(&mut e, "summary", &self.summary, "the summary");
        }
        field::required_line(&mut e, "owner", &self.owner, "the decision's owner");
        field::required_line(
            &mut e,
            "organisation",
            &self.organisation,
            "the organisation",
        );
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_round_trip_in_order() {
        for s in Stage::ALL {
            assert_eq!(s.id().parse::<Stage>(), Ok(s));
        }
        assert!(Stage::ALL.windows(2).all(|w| w[0] < w[1]));
        let e = "launch".parse::<Stage>().unwrap_err();
        assert!(e.to_string().contains("idea, design"));
    }

    #[test]
    fn every_field_is_required() {
        let d = Decision {
            title: " ".into(),
            summary: String::new(),
            owner: String::new(),
            organisation: String::new(),
            stage: Stage::Idea,
        };
        let e = d.validate();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "summary", "owner", "organisation"]);
        assert_eq!(
            e.get("summary"),
            Some("Enter a summary of what is proposed")
        );
        let ok = Decision {
            title: "Weekend closure".into(),
            summary: "Close at weekends".into(),
            owner: "Director of operations".into(),
            organisation: "QK1".into(),
            stage: Stage::Design,
        };
        assert!(ok.validate().is_empty());
    }
}

//! The assessment document: screening, the full assessment's grid, actions and the review
//! date. A draft may be incomplete; [`Assessment::check_draft`] refuses only what cannot be
//! kept, and [`Assessment::check_complete`] lists every answer still needed before sign-off.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::dates;
use crate::evidence::Evidence;
use crate::field::{self, FieldErrors};
use crate::grid::{Dimension, Finding, Impact, Subject, grid_field};

/// The shortest justification accepted for "no full assessment": a reason, not a word.
pub const MIN_JUSTIFICATION_CHARS: usize = 20;

/// The screening questions of NHS England's EHIA template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    /// Does the proposal affect patients?
    pub affects_patients: Option<bool>,
    /// Does it affect staff?
    pub affects_staff: Option<bool>,
    /// Does it affect the public?
    pub affects_public: Option<bool>,
    /// Which groups it is likely to affect.
    pub groups: BTreeSet<Subject>,
    /// Is a full assessment needed?
    pub full_assessment: Option<bool>,
    /// Why: the outcome's reason; for "no full assessment", its justification.
    pub reason: String,
}

/// What screening decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not answered yet.
    Undecided,
    /// A full assessment follows.
    FullAssessment,
    /// No full assessment: the justification needs a reviewer's agreement.
    NoFullAssessment,
}

impl Screening {
    /// The outcome as answered so far.
    pub fn outcome(&self) -> Outcome {
        match self.full_assessment {
            None => Outcome::Undecided,
            Some(true) => Outcome::FullAssessment,
            Some(false) => Outcome::NoFullAssessment,
        }
    }
}

/// An action: a mitigation put into effect, or a gap in evidence to close.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// What will be done.
    pub description: String,
    /// Who will do it (a name or post).
    pub owner: String,
    /// By when.
    #[serde(with = "dates::opt_date")]
    pub due: Option<Date>,
}

impl Action {
    /// Whether every answer is blank (a spare row of the form, dropped rather than refused).
    pub fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.owner.trim().is_empty() && self.due.is_none()
    }
}

/// The field id of an action's answer: `action-{index}-{part}`.
pub fn action_field(index: usize, part: &str) -> String {
    format!("action-{index}-{part}")
}

/// One version's document: everything the author answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The screening.
    pub screening: Screening,
    /// The full assessment's grid, by group; a group not in the map is not answered yet.
    pub grid: BTreeMap<Subject, Finding>,
    /// Mitigations and actions.
    pub actions: Vec<Action>,
    /// When the assessment must be looked at again.
    #[serde(with = "dates::opt_date")]
    pub review_due: Option<Date>,
    /// The published figures relied on (absent in documents stored before evidence).
    #[serde(default, skip_serializing_if = "Evidence::is_empty")]
    pub evidence: Evidence,
}

impl Assessment {
    /// The row of the grid for `subject` (blank if not answered).
    pub fn finding(&self, subject: Subject) -> Finding {
        self.grid.get(&subject).cloned().unwrap_or_default()
    }

    /// The groups judged negative in some dimension with no mitigation written.
    pub fn negative_without_mitigation(&self) -> Vec<Subject> {
        self.grid
            .iter()
            .filter(|(_, f)| f.negative_without_mitigation())
            .map(|(s, _)| *s)
            .collect()
    }

    /// Whether a full assessment is part of this document (screening said so).
    pub fn needs_full_assessment(&self) -> bool {
        self.screening.outcome() == Outcome::FullAssessment
    }

    /// What changed from `self` to `new`, as the parts of the form a person would name
    /// (`screening`, `grid-{group}`, `actions`, `review_due`): the "what" of the audit trail.
    pub fn changes(&self, new: &Assessment) -> Vec<String> {
        let mut changed = Vec::new();
        if self.screening != new.screening {
            changed.push("screening".to_string());
        }
        for subject in Subject::ALL {
            if self.finding(subject) != new.finding(subject) {
                changed.push(format!("grid-{}", subject.id()));
            }
        }
        if self.actions != new.actions {
            changed.push("actions".to_string());
        }
        if self.review_due != new.review_due {
            changed.push("review_due".to_string());
        }
        if self.evidence != new.evidence {
            changed.push("evidence".to_string());
        }
        changed
    }

    /// What a draft cannot hold: over-long answers. Blank answers are fine in a draft.
    pub fn check_draft(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        field::text(
            &mut e,
            "screening-reason",
            &self.screening.reason,
            "the reason",
        );
        for (subject, f) in &self.grid {
            for (part, value) in [
                ("evidence", &f.evidence),
                ("engagement", &f.engagement),
                ("mitigation", &f.mitigation),
            ] {
                field::text(&mut e, &grid_field(*subject, part), value, part);
            }
        }
        for (i, a) in self.actions.iter().enumerate() {
            field::text(
                &mut e,
                &action_field(i, "description"),
                &a.description,
                "the action",
            );
            field::line(
                &mut e,
                &action_field(i, "owner"),
                &a.owner,
                "the action's owner",
            );
        }
        self.evidence.check(&mut e);
        e
    }

    /// Every answer still needed before the document can be submitted or signed, by field,
    /// in the order of the form. `today` is the date of the check: a review date must be
    /// after it.
    pub fn check_complete(&self, today: Date) -> FieldErrors {
        let mut e = self.check_draft();
        let s = &self.screening;
        for (field, answer, who) in [
            ("screening-affects_patients", s.affects_patients, "patients"),
            ("screening-affects_staff", s.affects_staff, "staff"),
            ("screening-affects_public", s.affects_public, "the public"),
        ] {
            if answer.is_none() {
                e.push(field, format!("Select whether the proposal affects {who}"));
            }
        }
        match s.outcome() {
            Outcome::Undecided => {
                e.push(
                    "screening-full_assessment",
                    "Select whether a full assessment is needed",
                );
                if s.reason.trim().is_empty() {
                    e.push(
                        "screening-reason",
                        "Enter the reason for the screening outcome",
                    );
                }
            }
            Outcome::FullAssessment => {
                if s.reason.trim().is_empty() {
                    e.push(
                        "screening-reason",
                        "Enter the reason for the screening outcome",
                    );
                }
            }
            Outcome::NoFullAssessment => {
                if s.reason.trim().chars().count() < MIN_JUSTIFICATION_CHARS {
                    e.push(
                        "screening-reason",
                        format!(
                            "Explain why no full assessment is needed, in {MIN_JUSTIFICATION_CHARS} characters or more"
                        ),
                    );
                }
            }
        }
        if self.needs_full_assessment() {
            for subject in Subject::ALL {
                let f = self.finding(subject);
                for d in Dimension::ALL {
                    if f.impact(d).is_none() {
                        e.push(
                            grid_field(subject, d.id()),
                            format!(
                                "Select the likely impact on {} for {}",
                                d.label().to_lowercase(),
                                subject.label()
                            ),
                        );
                    }
                }
                if f.evidence.trim().is_empty() {
                    let hint = if Dimension::ALL
                        .into_iter()
                        .any(|d| f.impact(d) == Some(Impact::Unknown))
                    {
                        " (for an unknown impact, say what evidence is missing)"
                    } else {
                        ""
                    };
                    e.push(
                        grid_field(subject, "evidence"),
                        format!("Enter the evidence for {}{hint}", subject.label()),
                    );
                }
                if f.negative_without_mitigation() {
                    e.push(
                        grid_field(subject, "mitigation"),
                        format!(
                            "Enter how the negative impact on {} will be mitigated",
                            subject.label()
                        ),
                    );
                }
            }
        }
        for (i, a) in self.actions.iter().enumerate() {
            if a.description.trim().is_empty() {
                e.push(action_field(i, "description"), "Enter what the action is");
            }
            if a.owner.trim().is_empty() {
                e.push(action_field(i, "owner"), "Enter who owns the action");
            }
            if a.due.is_none() {
                e.push(action_field(i, "due"), "Enter the date the action is due");
            }
        }
        match self.review_due {
            None => e.push(
                "review_due",
                "Enter the date the assessment will be reviewed",
            ),
            Some(d) if d <= today => e.push("review_due", "The review date must be in the future"),
            Some(_) => {}
        }
        e
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jiff::civil::date;

    /// A complete full assessment (a negative impact on access for carers, mitigated).
    pub(crate) fn complete() -> Assessment {
        crate::examples::opening_hours(date(2027, 1, 31), date(2027, 6, 30))
    }

    const TODAY: Date = date(2026, 12, 4);

    #[test]
    fn a_complete_assessment_has_no_errors() {
        assert_eq!(complete().check_complete(TODAY), FieldErrors::new());
    }

    #[test]
    fn an_empty_document_lists_every_screening_answer_and_the_review_date() {
        let e = Assessment::default().check_complete(TODAY);
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "screening-affects_patients",
                "screening-affects_staff",
                "screening-affects_public",
                "screening-full_assessment",
                "screening-reason",
                "review_due"
            ]
        );
        assert!(
            Assessment::default().check_draft().is_empty(),
            "a blank draft can be kept"
        );
    }

    #[test]
    fn every_grid_cell_is_required_in_a_full_assessment() {
        let mut a = complete();
        a.grid.clear();
        let e = a.check_complete(TODAY);
        assert_eq!(e.len(), 18 * 4, "three impacts and the evidence per group");
        assert_eq!(
            e.get("grid-sexual_orientation-experience"),
            Some("Select the likely impact on experience for Sexual orientation")
        );
    }

    #[test]
    fn unknown_impact_without_evidence_says_what_to_write() {
        let mut a = complete();
        a.grid.get_mut(&Subject::ALL[0]).unwrap().evidence.clear();
        let e = a.check_complete(TODAY);
        assert_eq!(e.len(), 1);
        assert!(
            e.get("grid-age-evidence")
                .unwrap()
                .contains("what evidence is missing")
        );
    }

    #[test]
    fn a_negative_impact_needs_a_mitigation() {
        let mut a = complete();
        a.grid
            .get_mut(&"carers".parse().unwrap())
            .unwrap()
            .mitigation = " ".into();
        assert_eq!(a.negative_without_mitigation(), ["carers".parse().unwrap()]);
        let e = a.check_complete(TODAY);
        assert_eq!(
            e.get("grid-carers-mitigation"),
            Some("Enter how the negative impact on Carers will be mitigated")
        );
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn no_full_assessment_needs_a_justification_and_no_grid() {
        let mut a = complete();
        a.grid.clear();
        a.screening.full_assessment = Some(false);
        a.screening.reason = "Admin only".into();
        let e = a.check_complete(TODAY);
        assert_eq!(e.len(), 1);
        assert!(
            e.get("screening-reason")
                .unwrap()
                .starts_with("Explain why no full assessment")
        );
        a.screening.reason = "An internal change to rota software with no effect on care".into();
        assert!(a.check_complete(TODAY).is_empty());
    }

    #[test]
    fn actions_need_owner_and_due_date() {
        let mut a = complete();
        a.actions.push(Action {
            description: "Survey carers".into(),
            owner: String::new(),
            due: None,
        });
        let e = a.check_complete(TODAY);
        assert_eq!(e.get("action-1-owner"), Some("Enter who owns the action"));
        assert_eq!(
            e.get("action-1-due"),
            Some("Enter the date the action is due")
        );
        assert!(Action::default().is_blank());
        assert!(!a.actions[1].is_blank());
    }

    #[test]
    fn the_review_date_must_be_in_the_future() {
        let mut a = complete();
        a.review_due = Some(TODAY);
        assert_eq!(
            a.check_complete(TODAY).get("review_due"),
            Some("The review date must be in the future")
        );
    }

    #[test]
    fn changes_name_the_parts_changed() {
        let a = complete();
        assert!(a.changes(&a.clone()).is_empty());
        let mut b = a.clone();
        b.grid
            .get_mut(&"carers".parse().unwrap())
            .unwrap()
            .engagement = "Carers' forum".into();
        b.review_due = None;
        assert_eq!(a.changes(&b), ["grid-carers", "review_due"]);
        let mut c = a.clone();
        c.grid.remove(&Subject::ALL[0]);
        c.grid.insert(Subject::ALL[0], Finding::default());
        assert_eq!(a.changes(&c), ["grid-age"]);
        assert_eq!(
            Assessment::default().changes(&Assessment::default()),
            Vec::<String>::new(),
            "a blank row and a missing row are the same answer"
        );
    }

    #[test]
    fn the_document_round_trips_through_json() {
        let a = complete();
        let text = serde_json::to_string(&a).unwrap();
        assert!(text.contains("\"review_due\":\"2027-06-30\""), "{text}");
        let back: Assessment = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
    }
}

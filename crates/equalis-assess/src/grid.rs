//! The full assessment's grid: who (the nine protected characteristics and the inclusion
//! health / PLUS groups), which health-inequality dimension (access, experience, outcomes),
//! and the likely impact with its evidence, engagement and mitigation.

use std::fmt;
use std::str::FromStr;

use equalis_vocab::ProtectedCharacteristic;
use serde::{Deserialize, Serialize};

/// A row of the grid: a protected characteristic (Equality Act 2010 s.4) or an inclusion
/// health / PLUS group of Core20PLUS5.
///
/// Stored and sent as its [`Subject::id`], so a map keyed by it is a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// One of the nine protected characteristics.
    Protected(ProtectedKey),
    /// An inclusion health or PLUS group.
    Plus(PlusGroup),
}

/// The protected characteristics as stored keys (mirrors [`ProtectedCharacteristic`], which
/// names no other crate's type in the stored document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtectedKey {
    /// Age.
    Age,
    /// Disability.
    Disability,
    /// Gender reassignment.
    GenderReassignment,
    /// Marriage and civil partnership.
    MarriageAndCivilPartnership,
    /// Pregnancy and maternity.
    PregnancyAndMaternity,
    /// Race.
    Race,
    /// Religion or belief.
    ReligionOrBelief,
    /// Sex.
    Sex,
    /// Sexual orientation.
    SexualOrientation,
}

impl ProtectedKey {
    /// The characteristic of the Act.
    pub fn characteristic(self) -> ProtectedCharacteristic {
        match self {
            ProtectedKey::Age => ProtectedCharacteristic::Age,
            ProtectedKey::Disability => ProtectedCharacteristic::Disability,
            ProtectedKey::GenderReassignment => ProtectedCharacteristic::GenderReassignment,
            ProtectedKey::MarriageAndCivilPartnership => {
                ProtectedCharacteristic::MarriageAndCivilPartnership
            }
            ProtectedKey::PregnancyAndMaternity => ProtectedCharacteristic::PregnancyAndMaternity,
            ProtectedKey::Race => ProtectedCharacteristic::Race,
            ProtectedKey::ReligionOrBelief => ProtectedCharacteristic::ReligionOrBelief,
            ProtectedKey::Sex => ProtectedCharacteristic::Sex,
            ProtectedKey::SexualOrientation => ProtectedCharacteristic::SexualOrientation,
        }
    }
}

/// The inclusion health / PLUS groups the assessment asks about (issue 13's list; learning
/// disability and autism are one row, as in NHS England's template).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlusGroup {
    /// People experiencing homelessness.
    Homelessness,
    /// Carers.
    Carers,
    /// Refugees and asylum seekers.
    RefugeesAndAsylumSeekers,
    /// Gypsy, Roma and Traveller communities.
    GypsyRomaTraveller,
    /// The armed forces community.
    ArmedForces,
    /// Rural communities.
    Rural,
    /// People with learning disabilities and autistic people.
    LearningDisabilityAndAutism,
    /// People with severe mental illness.
    Smi,
    /// Deprivation: the most deprived 20% (Core20).
    Deprivation,
}

impl Subject {
    /// Every row of the grid, protected characteristics first in the order of the Act.
    pub const ALL: [Subject; 18] = [
        Subject::Protected(ProtectedKey::Age),
        Subject::Protected(ProtectedKey::Disability),
        Subject::Protected(ProtectedKey::GenderReassignment),
        Subject::Protected(ProtectedKey::MarriageAndCivilPartnership),
        Subject::Protected(ProtectedKey::PregnancyAndMaternity),
        Subject::Protected(ProtectedKey::Race),
        Subject::Protected(ProtectedKey::ReligionOrBelief),
        Subject::Protected(ProtectedKey::Sex),
        Subject::Protected(ProtectedKey::SexualOrientation),
        Subject::Plus(PlusGroup::Homelessness),
        Subject::Plus(PlusGroup::Carers),
        Subject::Plus(PlusGroup::RefugeesAndAsylumSeekers),
        Subject::Plus(PlusGroup::GypsyRomaTraveller),
        Subject::Plus(PlusGroup::ArmedForces),
        Subject::Plus(PlusGroup::Rural),
        Subject::Plus(PlusGroup::LearningDisabilityAndAutism),
        Subject::Plus(PlusGroup::Smi),
        Subject::Plus(PlusGroup::Deprivation),
    ];

    /// The stable key in forms, field ids and the stored document.
    pub fn id(self) -> &'static str {
        match self {
            Subject::Protected(p) => match p {
                ProtectedKey::Age => "age",
                ProtectedKey::Disability => "disability",
                ProtectedKey::GenderReassignment => "gender_reassignment",
                ProtectedKey::MarriageAndCivilPartnership => "marriage_civil_partnership",
                ProtectedKey::PregnancyAndMaternity => "pregnancy_maternity",
                ProtectedKey::Race => "race",
                ProtectedKey::ReligionOrBelief => "religion_belief",
                ProtectedKey::Sex => "sex",
                ProtectedKey::SexualOrientation => "sexual_orientation",
            },
            Subject::Plus(g) => match g {
                PlusGroup::Homelessness => "homelessness",
                PlusGroup::Carers => "carers",
                PlusGroup::RefugeesAndAsylumSeekers => "refugees_asylum_seekers",
                PlusGroup::GypsyRomaTraveller => "gypsy_roma_traveller",
                PlusGroup::ArmedForces => "armed_forces",
                PlusGroup::Rural => "rural",
                PlusGroup::LearningDisabilityAndAutism => "learning_disability_autism",
                PlusGroup::Smi => "smi",
                PlusGroup::Deprivation => "deprivation",
            },
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            Subject::Protected(p) => p.characteristic().label(),
            Subject::Plus(g) => match g {
                PlusGroup::Homelessness => "People experiencing homelessness",
                PlusGroup::Carers => "Carers",
                PlusGroup::RefugeesAndAsylumSeekers => "Refugees and asylum seekers",
                PlusGroup::GypsyRomaTraveller => "Gypsy, Roma and Traveller communities",
                PlusGroup::ArmedForces => "Armed forces community",
                PlusGroup::Rural => "Rural communities",
                PlusGroup::LearningDisabilityAndAutism => {
                    "People with learning disabilities and autistic people"
                }
                PlusGroup::Smi => "People with severe mental illness",
                PlusGroup::Deprivation => "Deprivation (Core20: the most deprived 20%)",
            },
        }
    }

    /// Whether this is a protected characteristic (else an inclusion health / PLUS group).
    pub fn is_protected(self) -> bool {
        matches!(self, Subject::Protected(_))
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Subject, D::Error> {
        let id = String::deserialize(d)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

/// A key that names no row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown group `{0}`")]
pub struct UnknownSubject(pub String);

impl FromStr for Subject {
    type Err = UnknownSubject;

    fn from_str(s: &str) -> Result<Subject, UnknownSubject> {
        Subject::ALL
            .into_iter()
            .find(|x| x.id() == s)
            .ok_or_else(|| UnknownSubject(s.to_string()))
    }
}

/// The health-inequality dimensions of NHS England's template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Access to services.
    Access,
    /// Experience of services.
    Experience,
    /// Health outcomes.
    Outcomes,
}

impl Dimension {
    /// All three.
    pub const ALL: [Dimension; 3] = [
        Dimension::Access,
        Dimension::Experience,
        Dimension::Outcomes,
    ];

    /// The key in forms and field ids.
    pub fn id(self) -> &'static str {
        match self {
            Dimension::Access => "access",
            Dimension::Experience => "experience",
            Dimension::Outcomes => "outcomes",
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Access => "Access",
            Dimension::Experience => "Experience",
            Dimension::Outcomes => "Outcomes",
        }
    }
}

/// The likely impact on a group in one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Likely to improve things for the group.
    Positive,
    /// No differential impact expected.
    Neutral,
    /// Likely to make things worse for the group: needs a mitigation.
    Negative,
    /// Not known yet: the evidence should say what is missing.
    Unknown,
}

impl Impact {
    /// All four, in the order a form offers them.
    pub const ALL: [Impact; 4] = [
        Impact::Positive,
        Impact::Neutral,
        Impact::Negative,
        Impact::Unknown,
    ];

    /// The key in forms.
    pub fn id(self) -> &'static str {
        match self {
            Impact::Positive => "positive",
            Impact::Neutral => "neutral",
            Impact::Negative => "negative",
            Impact::Unknown => "unknown",
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Positive => "Positive",
            Impact::Neutral => "Neutral",
            Impact::Negative => "Negative",
            Impact::Unknown => "Unknown",
        }
    }
}

impl FromStr for Impact {
    type Err = ();

    fn from_str(s: &str) -> Result<Impact, ()> {
        Impact::ALL.into_iter().find(|i| i.id() == s).ok_or(())
    }
}

/// One row of the grid as the author answered it; every answer may still be blank in a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The likely impact on access to services.
    pub access: Option<Impact>,
    /// On experience of services.
    pub experience: Option<Impact>,
    /// On health outcomes.
    pub outcomes: Option<Impact>,
    /// The evidence for the judgement (data, research, engagement), or what is missing.
    pub evidence: String,
    /// The engagement done with the group or its representatives.
    pub engagement: String,
    /// How a negative impact will be removed or reduced.
    pub mitigation: String,
}

impl Finding {
    /// The impact in one dimension.
    pub fn impact(&self, d: Dimension) -> Option<Impact> {
        match d {
            Dimension::Access => self.access,
            Dimension::Experience => self.experience,
            Dimension::Outcomes => self.outcomes,
        }
    }

    /// Sets the impact in one dimension.
    pub fn set_impact(&mut self, d: Dimension, impact: Option<Impact>) {
        match d {
            Dimension::Access => self.access = impact,
            Dimension::Experience => self.experience = impact,
            Dimension::Outcomes => self.outcomes = impact,
        }
    }

    /// Whether any dimension is judged negative.
    pub fn has_negative(&self) -> bool {
        Dimension::ALL
            .into_iter()
            .any(|d| self.impact(d) == Some(Impact::Negative))
    }

    /// A negative impact with no mitigation written: what the index's filter finds.
    pub fn negative_without_mitigation(&self) -> bool {
        self.has_negative() && self.mitigation.trim().is_empty()
    }
}

/// The field id of a grid answer: `grid-{subject}-{part}`, with `part` a dimension or
/// `evidence`, `engagement`, `mitigation`.
pub fn grid_field(subject: Subject, part: &str) -> String {
    format!("grid-{}-{part}", subject.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_has_the_nine_characteristics_of_the_act_and_nine_plus_groups() {
        let protected: Vec<ProtectedCharacteristic> = Subject::ALL
            .into_iter()
            .filter_map(|s| match s {
                Subject::Protected(p) => Some(p.characteristic()),
                Subject::Plus(_) => None,
            })
            .collect();
        assert_eq!(protected, ProtectedCharacteristic::ALL);
        assert_eq!(Subject::ALL.iter().filter(|s| !s.is_protected()).count(), 9);
        let mut ids: Vec<&str> = Subject::ALL.iter().map(|s| s.id()).collect();
        for s in Subject::ALL {
            assert_eq!(s.id().parse::<Subject>(), Ok(s));
            assert!(s.id().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 18, "ids are unique");
        assert!("martians".parse::<Subject>().is_err());
    }

    #[test]
    fn negative_without_mitigation() {
        let mut f = Finding::default();
        assert!(!f.negative_without_mitigation());
        f.set_impact(Dimension::Outcomes, Some(Impact::Negative));
        assert!(f.has_negative());
        assert!(f.negative_without_mitigation());
        f.mitigation = "  ".into();
        assert!(f.negative_without_mitigation(), "blank is no mitigation");
        f.mitigation = "Extended evening clinics".into();
        assert!(!f.negative_without_mitigation());
        assert_eq!(grid_field(Subject::ALL[0], "access"), "grid-age-access");
        for i in Impact::ALL {
            assert_eq!(i.id().parse::<Impact>(), Ok(i));
        }
    }
}

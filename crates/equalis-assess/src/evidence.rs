//! Evidence drawn from equalis's own published figures (issue 13, item 4): which breakdown of
//! the results speaks to each group of the grid, and the figures an author relied on, kept as
//! they were shown.
//!
//! The mapping is plain data so a reader can check it against the data contract: a
//! characteristic equalis holds no field for (religion, sexual orientation…) maps to no
//! breakdown, and the page says evidence for it must come from elsewhere rather than showing
//! nothing silently.
//!
//! A relied-on figure is a copy ([`EvidenceFigure`]) of what the published view showed when
//! the author ticked it, with its period and the date its results were computed, so a later
//! compute changes what a new draft is offered but never what a signed version says it relied
//! on (a signed version's document cannot be edited at all).

use serde::{Deserialize, Serialize};

use crate::field::{self, FieldErrors};
use crate::grid::{PlusGroup, ProtectedKey, Subject};

/// The breakdown of the results that is a place (the "place" of an ICS: a local authority).
pub const PLACE_BREAKDOWN: &str = "local_authority";

/// The most figures one version may rely on (a bound on what a form can make us store).
pub const MAX_FIGURES: usize = 300;

/// The results breakdowns (dimension names of `equalis-engine`) that give figures for the
/// group `subject`, most direct first; empty when equalis holds no field for it.
pub fn breakdowns(subject: Subject) -> &'static [&'static str] {
    match subject {
        Subject::Protected(p) => match p {
            ProtectedKey::Age => &["age_band"],
            ProtectedKey::Disability => &["learning_disability", "autism"],
            ProtectedKey::Race => &["ethnic_group"],
            ProtectedKey::Sex => &["sex"],
            ProtectedKey::GenderReassignment
            | ProtectedKey::MarriageAndCivilPartnership
            | ProtectedKey::PregnancyAndMaternity
            | ProtectedKey::ReligionOrBelief
            | ProtectedKey::SexualOrientation => &[],
        },
        Subject::Plus(g) => match g {
            PlusGroup::Homelessness => &["homeless"],
            PlusGroup::Carers => &["carer"],
            PlusGroup::RefugeesAndAsylumSeekers => &["refugee_or_asylum_seeker"],
            PlusGroup::GypsyRomaTraveller => &["gypsy_roma_traveller"],
            PlusGroup::ArmedForces => &["armed_forces"],
            PlusGroup::Rural => &[],
            PlusGroup::LearningDisabilityAndAutism => &["learning_disability", "autism"],
            PlusGroup::Smi => &["smi"],
            PlusGroup::Deprivation => &["imd_quintile", "core20"],
        },
    }
}

/// The breakdown whose rows hold `dimension`'s groups within one place: pairs are named
/// people's characteristics first (`ethnic_group x local_authority`).
pub fn place_breakdown(dimension: &str) -> String {
    format!("{dimension} x {PLACE_BREAKDOWN}")
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An indicator of the results (Core20PLUS5, the catalogue, the waiting list).
    Results,
    /// A published workforce return (WRES, WDES, pay gaps).
    Workforce,
}

/// One published figure an author relied on, as it was shown: every text here is the
/// published view's (withheld numbers are `*`), never a number computed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFigure {
    /// The figure's identity in the published data (`indicator|period|breakdown|group`, or
    /// `workforce|sheet|row|column`): the form's checkbox value.
    pub key: String,
    /// Results or workforce.
    pub source: Source,
    /// The group of the grid it was offered for (`None`: staff figures).
    #[serde(default)]
    pub subject: Option<Subject>,
    /// What is measured (the indicator's or return's name).
    pub measure: String,
    /// Of whom (the breakdown and group, e.g. "Ethnic group: Black").
    pub group: String,
    /// The published value with its unit.
    pub value: String,
    /// The published 95% interval, or empty.
    pub interval: String,
    /// The period it covers.
    pub period: String,
    /// When the figures were computed (the results version or the staff snapshot).
    pub data_date: String,
}

/// The evidence from the data one version relies on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The population looked at: a place (a local authority, as the results name it), or
    /// empty for the whole ICS.
    #[serde(default)]
    pub area: String,
    /// The figures relied on, in the order offered.
    #[serde(default)]
    pub figures: Vec<EvidenceFigure>,
}

impl Evidence {
    /// Whether no figure is relied on and no place chosen.
    pub fn is_empty(&self) -> bool {
        self.area.is_empty() && self.figures.is_empty()
    }

    /// The figure with `key`, if relied on.
    pub fn figure(&self, key: &str) -> Option<&EvidenceFigure> {
        self.figures.iter().find(|f| f.key == key)
    }

    /// What a draft cannot hold: too many figures, a place name too long to be one.
    pub fn check(&self, e: &mut FieldErrors) {
        field::line(e, "evidence-area", &self.area, "the place");
        if self.figures.len() > MAX_FIGURES {
            e.push(
                "evidence-figures",
                format!(
                    "Rely on at most {MAX_FIGURES} figures; {} are ticked",
                    self.figures.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_either_maps_to_breakdowns_or_says_it_has_none() {
        let mapped: Vec<&str> = Subject::ALL
            .iter()
            .filter(|s| !breakdowns(**s).is_empty())
            .map(|s| s.id())
            .collect();
        assert!(mapped.contains(&"race") && mapped.contains(&"deprivation"));
        assert_eq!(
            breakdowns(Subject::Protected(ProtectedKey::Race)),
            ["ethnic_group"]
        );
        assert_eq!(
            breakdowns(Subject::Plus(PlusGroup::Deprivation)),
            ["imd_quintile", "core20"]
        );
        assert!(breakdowns(Subject::Protected(ProtectedKey::ReligionOrBelief)).is_empty());
        assert_eq!(place_breakdown("sex"), "sex x local_authority");
    }

    #[test]
    fn too_many_figures_are_refused_by_field() {
        let f = EvidenceFigure {
            key: "k".into(),
            source: Source::Results,
            subject: None,
            measure: "m".into(),
            group: "g".into(),
            value: "1".into(),
            interval: String::new(),
            period: "p".into(),
            data_date: "d".into(),
        };
        let mut ev = Evidence {
            area: String::new(),
            figures: vec![f; MAX_FIGURES + 1],
        };
        let mut e = FieldErrors::new();
        ev.check(&mut e);
        assert!(e.get("evidence-figures").is_some());
        ev.figures.pop();
        let mut e = FieldErrors::new();
        ev.check(&mut e);
        assert!(e.is_empty());
    }
}

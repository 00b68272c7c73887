//! Example answers: a complete full assessment, for tests of every layer and the demo's
//! example decisions. Plain data, held to the same rules as any other.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::assessment::{Action, Assessment, Screening};
use crate::grid::{Finding, Impact, PlusGroup, Subject};

/// A complete full assessment of a change to opening hours: every group answered, one
/// negative impact (carers' access) mitigated by an action due `action_due`, reviewed on
/// `review_due`.
pub fn opening_hours(action_due: Date, review_due: Date) -> Assessment {
    let mut grid = BTreeMap::new();
    for s in Subject::ALL {
        grid.insert(
            s,
            Finding {
                access: Some(Impact::Neutral),
                experience: Some(Impact::Positive),
                outcomes: Some(Impact::Unknown),
                evidence: format!(
                    "Published waiting-list figures by {}; outcome data not yet available",
                    s.label().to_lowercase()
                ),
                engagement: String::new(),
                mitigation: String::new(),
            },
        );
    }
    let carers = Subject::Plus(PlusGroup::Carers);
    if let Some(f) = grid.get_mut(&carers) {
        f.access = Some(Impact::Negative);
        f.engagement = "Carers' forum, October".into();
        f.mitigation = "Evening appointments kept two days a week".into();
    }
    Assessment {
        screening: Screening {
            affects_patients: Some(true),
            affects_staff: Some(false),
            affects_public: Some(true),
            groups: [carers].into(),
            full_assessment: Some(true),
            reason: "Changes when patients can be seen".into(),
        },
        grid,
        actions: vec![Action {
            description: "Offer evening appointments two days a week".into(),
            owner: "Service manager".into(),
            due: Some(action_due),
        }],
        review_due: Some(review_due),
        evidence: Default::default(),
    }
}

//! The annual equality report's narrative sections: text an EDI lead writes and equalis keeps
//! with the report's year and version, with a default for each that states the duty it
//! answers, so an unwritten section reads as a plain statement and never as a gap.
//!
//! Figures are never typed into these sections: the report's figures come from the published
//! views, beside the text.

/// A narrative section of the annual report.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Section {
    /// Its key (form field and store key).
    pub key: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// What the report says when nothing has been written.
    pub default_text: &'static str,
}

/// The longest section accepted.
pub const MAX_SECTION_CHARS: usize = 20_000;

/// Every narrative section, in report order.
pub const SECTIONS: [Section; 3] = [
    Section {
        key: "introduction",
        title: "Introduction",
        default_text: "This report sets out how the organisation has met its equality duties over the year: the profile of the population it serves and of its workforce, its equality objectives and their progress, its Equality Delivery System 2022 assessment, the impact assessments of its decisions, and the inequalities in access to and outcomes of care that its data show.",
    },
    Section {
        key: "psed_statement",
        title: "Public Sector Equality Duty compliance statement",
        default_text: "Under section 149 of the Equality Act 2010 the organisation must, in exercising its functions, have due regard to the need to eliminate discrimination, harassment and victimisation; to advance equality of opportunity between people who share a protected characteristic and those who do not; and to foster good relations between them. The Equality Act 2010 (Specific Duties and Public Authorities) Regulations 2017 require it to publish equality information each year and one or more equality objectives at least every four years. This report is that publication: its equality information is drawn from the organisation's own data, with small numbers withheld, and its objectives and their progress are set out below. Decisions are assessed for their effect on equality and health inequalities before they are taken; the assessments signed in the year are listed.",
    },
    Section {
        key: "health_inequalities_statement",
        title: "Health inequalities statement",
        default_text: "The NHS Act 2006 requires the organisation to have regard to the need to reduce inequalities between patients in access to health services and in the outcomes achieved for them, and to report each year on how it has done so (the former section 14T duty of clinical commissioning groups, now section 14Z35 for integrated care boards), taking account of NHS England's statement on information on health inequalities (section 13SA). The Core20PLUS5 and elective waiting list figures in this report are that information: each is shown by deprivation and by the groups the data record, with the gap between groups and the trend in the gap.",
    },
];

/// The section with this key.
pub fn section(key: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_have_distinct_keys_and_defaults() {
        for (i, s) in SECTIONS.iter().enumerate() {
            assert!(!s.default_text.is_empty());
            assert_eq!(section(s.key), Some(s));
            assert!(SECTIONS[i + 1..].iter().all(|t| t.key != s.key));
        }
        assert!(section("nope").is_none());
    }
}

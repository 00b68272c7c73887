//! The taxonomy of accessibility features equalis names itself.
//!
//! ORUK 3.0's `accessibility` record is free text, so a directory searched by accessibility
//! needs terms to search on: equalis publishes them as a taxonomy with fixed identifiers, and
//! a service carries a term as an attribute. Languages are the other taxonomy equalis names
//! ([`crate::languages`]: ISO 639-1, one for import, editor, synthetic directory and search
//! alike). The public search pages offer these two as the "language" and "accessibility"
//! filters and every other taxonomy's terms as needs.

use crate::model::{Taxonomy, TaxonomyTerm};

/// The identifier of the taxonomy of accessibility features.
pub const ACCESSIBILITY_TAXONOMY_ID: &str = "6c0a7a52-1d6e-4d0c-9a51-000000000002";

/// The accessibility features: a short code and what it means.
pub const ACCESSIBILITY: &[(&str, &str, &str)] = &[
    (
        "step-free",
        "Step-free access",
        "Level or ramped access to every public area",
    ),
    (
        "accessible-toilet",
        "Accessible toilet",
        "A wheelchair-accessible toilet",
    ),
    (
        "hearing-loop",
        "Hearing loop",
        "An induction loop for hearing aids",
    ),
    (
        "bsl",
        "British Sign Language interpreter",
        "A BSL interpreter can be booked",
    ),
    (
        "easy-read",
        "Easy read information",
        "Information in easy read for people with a learning disability",
    ),
    (
        "large-print",
        "Large print and audio information",
        "Information in large print or audio",
    ),
    (
        "quiet-space",
        "Quiet space",
        "A quiet room for people who find noise or crowds difficult",
    ),
    (
        "blue-badge",
        "Blue Badge parking",
        "Parking for Blue Badge holders at the door",
    ),
    (
        "changing-places",
        "Changing Places toilet",
        "A Changing Places toilet with hoist and adult changing bench",
    ),
];

/// The identifier of the `i`th term of a taxonomy (`n`: 3 for accessibility; 2 was the
/// languages' before they became ISO 639-1's): fixed, so that a term means the same everywhere.
fn term_id(n: u32, i: usize) -> String {
    format!("6c0a7a52-1d6e-4d0c-9a5{n}-{:012}", i + 1)
}

/// The identifier of the accessibility term with this code, if equalis has it.
pub fn accessibility_term_id(code: &str) -> Option<String> {
    ACCESSIBILITY
        .iter()
        .position(|(c, _, _)| *c == code)
        .map(|i| term_id(3, i))
}

/// The accessibility term with this code.
pub fn accessibility_term(code: &str) -> Option<TaxonomyTerm> {
    let i = ACCESSIBILITY.iter().position(|(c, _, _)| *c == code)?;
    let (code, name, description) = ACCESSIBILITY[i];
    Some(term(
        term_id(3, i),
        name,
        description,
        code,
        ACCESSIBILITY_TAXONOMY_ID,
    ))
}

fn term(id: String, name: &str, description: &str, code: &str, taxonomy: &str) -> TaxonomyTerm {
    TaxonomyTerm {
        id,
        name: name.to_string(),
        description: description.to_string(),
        parent_id: None,
        taxonomy: None,
        taxonomy_id: Some(taxonomy.to_string()),
        term_uri: None,
        term: Some(code.to_string()),
    }
}

/// The taxonomy of accessibility features, with its terms.
pub fn accessibility_taxonomy() -> Taxonomy {
    Taxonomy {
        id: ACCESSIBILITY_TAXONOMY_ID.to_string(),
        name: "Accessibility".to_string(),
        description: "Accessibility features of the places a service is delivered".to_string(),
        uri: None,
        version: Some("1".to_string()),
        taxonomy_terms: ACCESSIBILITY
            .iter()
            .filter_map(|(c, _, _)| accessibility_term(c))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Severity, validate_taxonomy};

    #[test]
    fn the_taxonomy_is_valid_and_its_identifiers_distinct() {
        let mut ids = std::collections::HashSet::new();
        for t in [accessibility_taxonomy()] {
            assert!(
                validate_taxonomy(&t)
                    .iter()
                    .all(|p| p.severity != Severity::Error),
                "{:?}",
                validate_taxonomy(&t)
            );
            assert!(ids.insert(t.id.clone()));
            for term in &t.taxonomy_terms {
                assert!(ids.insert(term.id.clone()), "{}", term.id);
                assert_eq!(term.taxonomy_id.as_deref(), Some(t.id.as_str()));
            }
        }
        assert_eq!(ids.len(), 1 + ACCESSIBILITY.len());
        assert_eq!(accessibility_term_id("nope"), None);
    }
}

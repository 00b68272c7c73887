//! The languages a service is delivered in, as terms of an ISO 639-1 taxonomy.
//!
//! ORUK 3.0's `language` record holds identifiers only; the language itself is named by an
//! attribute whose taxonomy term is the language. equalis keeps one taxonomy for that, ISO
//! 639-1 (`data/iso-639-1.tsv`, see `data/PROVENANCE.md`), whose records' identifiers are
//! derived from the code ([`crate::derived_id`]), so every workspace, import and editor names
//! the same language by the same term, and a search by language is a search by term.

use std::sync::LazyLock;

use crate::model::{Taxonomy, TaxonomyTerm};
use crate::table::derived_id;

/// The codes and English names, one a line, after a header line.
const TABLE: &str = include_str!("../data/iso-639-1.tsv");

static LANGUAGES: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .collect()
});

/// The taxonomy's name.
pub const LANGUAGE_TAXONOMY: &str = "ISO 639-1";

/// Every ISO 639-1 code with its English name, by code.
pub fn languages() -> &'static [(&'static str, &'static str)] {
    &LANGUAGES
}

/// The English name of the language with ISO 639-1 `code` (lower case).
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| LANGUAGES[i].1)
}

/// The identifier of the ISO 639-1 taxonomy.
pub fn language_taxonomy_id() -> String {
    derived_id("taxonomy", &[LANGUAGE_TAXONOMY])
}

/// The ISO 639-1 taxonomy, without its terms (they are saved with the services that use them).
pub fn language_taxonomy() -> Taxonomy {
    Taxonomy {
        id: language_taxonomy_id(),
        name: LANGUAGE_TAXONOMY.to_owned(),
        description: "Languages a service is delivered in, by their ISO 639-1 two-letter codes"
            .to_owned(),
        uri: Some("https://www.loc.gov/standards/iso639-2/php/code_list.php".to_owned()),
        version: None,
        taxonomy_terms: Vec::new(),
    }
}

/// The term of the language with ISO 639-1 `code` (any case), if it is one.
pub fn language_term(code: &str) -> Option<TaxonomyTerm> {
    let code = code.trim().to_ascii_lowercase();
    let name = language_name(&code)?;
    Some(TaxonomyTerm {
        id: derived_id("taxonomy_term", &[LANGUAGE_TAXONOMY, &code]),
        name: name.to_owned(),
        description: format!("Delivered in {name}"),
        parent_id: None,
        taxonomy: Some(LANGUAGE_TAXONOMY.to_owned()),
        taxonomy_id: Some(language_taxonomy_id()),
        term_uri: None,
        term: Some(code),
    })
}

/// The identifier of the term of the language with ISO 639-1 `code`, if it is one.
pub fn language_term_id(code: &str) -> Option<String> {
    language_term(code).map(|t| t.id)
}

/// Whether `term` is a language of the ISO 639-1 taxonomy.
pub fn is_language_term(term: &TaxonomyTerm) -> bool {
    term.taxonomy_id.as_deref() == Some(language_taxonomy_id().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_complete_and_named() {
        let all = languages();
        assert_eq!(all.len(), 184);
        assert!(
            all.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no repeats"
        );
        assert!(all.iter().all(|(c, n)| c.len() == 2 && !n.is_empty()));
        assert_eq!(language_name("ur"), Some("Urdu"));
        assert_eq!(language_name("pl"), Some("Polish"));
        assert_eq!(language_name("xx"), None);
    }

    #[test]
    fn a_language_term_is_the_same_every_time_and_valid() {
        let a = language_term("PA").unwrap();
        assert_eq!(a, language_term("pa").unwrap());
        assert_eq!(a.name, "Panjabi");
        assert!(is_language_term(&a));
        assert!(crate::validate_taxonomy_term(&a).is_empty());
        assert!(crate::validate_taxonomy(&language_taxonomy()).is_empty());
        assert_ne!(a.id, language_term("ur").unwrap().id);
    }
}

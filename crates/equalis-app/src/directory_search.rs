//! Searching the directory of services as the public does: by need, words, postcode and
//! distance, language spoken and accessibility, one page at a time.
//!
//! The web's public pages (`/directory`) call [`search`] with what was typed; a postcode is
//! placed by the ONS Postcode Lookup shipped in `equalis-refdata` ([`RefData::locate_postcode`])
//! and services are found by the store (`equalis_store::directory`: bounding box in SQL,
//! haversine distance in Rust, nearest first). What cannot be searched for (a postcode that is
//! malformed or unknown, a distance out of range) comes back as a field error, with what was
//! typed, for the form to show beside its field.

use equalis_directory::terms::ACCESSIBILITY_TAXONOMY_ID;
use equalis_directory::{Point, Service, TaxonomyTerm};
use equalis_refdata::RefData;
pub use equalis_refdata::{PostcodeLocation, PostcodePrecision};
use equalis_store::Store;
use equalis_store::directory::{Page, Paging, ServiceHit, ServiceQuery};

use crate::Result;

/// Metres in a statute mile.
pub const METRES_PER_MILE: f64 = 1_609.344;

/// The distances offered, in miles; the first is the default.
pub const DISTANCES_MILES: &[u32] = &[5, 1, 2, 10, 25, 50];

/// Services on a page of results.
pub const PER_PAGE: u64 = 20;

/// What was asked for, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// Words to find in a service's name, description or organisation.
    pub text: String,
    /// A need: a taxonomy term's identifier.
    pub need: String,
    /// A postcode, sector or district to search around.
    pub postcode: String,
    /// How far from the postcode, in miles (one of [`DISTANCES_MILES`]); blank for the
    /// default.
    pub miles: String,
    /// A language spoken: a term of the languages taxonomy.
    pub language: String,
    /// Accessibility features, every one of them: terms of the accessibility taxonomy.
    pub access: Vec<String>,
    /// The page, from 1.
    pub page: u64,
}

impl SearchRequest {
    /// Whether anything was asked (a blank form shows no results).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.need.is_empty()
            && self.postcode.trim().is_empty()
            && self.language.is_empty()
            && self.access.is_empty()
    }
}

/// A field of the form that cannot be searched with, and why (the NHS.UK error summary links
/// to the field by its name).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's name in the form (`postcode`, `miles`).
    pub field: &'static str,
    /// What is wrong and what to type instead.
    pub message: String,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOutcome {
    /// Why the search could not be made; when not empty, nothing was searched.
    pub errors: Vec<FieldError>,
    /// Where the postcode is, when one was given and found.
    pub origin: Option<PostcodeLocation>,
    /// The distance searched within, in miles, when by postcode.
    pub miles: Option<u32>,
    /// The page of services (nearest first when by postcode, else by name).
    pub page: Option<Page<ServiceHit>>,
}

/// The terms the search form offers, each list by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Needs: the terms of every taxonomy but the languages and accessibility ones.
    pub needs: Vec<TaxonomyTerm>,
    /// Languages spoken.
    pub languages: Vec<TaxonomyTerm>,
    /// Accessibility features.
    pub access: Vec<TaxonomyTerm>,
}

/// Every term the store holds, sorted into the form's three lists.
pub async fn filters(store: &Store) -> Result<Filters> {
    let mut out = Filters::default();
    let mut page = 1;
    loop {
        let p = store
            .directory_taxonomy_terms(
                None,
                Paging {
                    page,
                    per_page: 500,
                },
            )
            .await
            .map_err(crate::directory::store_error)?;
        let done = p.items.is_empty() || page * 500 >= p.total_items;
        for term in p.items {
            if equalis_directory::is_language_term(&term) {
                out.languages.push(term);
            } else if term.taxonomy_id.as_deref() == Some(ACCESSIBILITY_TAXONOMY_ID) {
                out.access.push(term);
            } else {
                out.needs.push(term);
            }
        }
        if done {
            break;
        }
        page += 1;
    }
    Ok(out)
}

/// Places a postcode, sector or district to search around, from the ONS Postcode Lookup
/// shipped in `equalis-refdata`: the postcode's own point, or its sector's or district's
/// centre (the location says which). The public search form and the ORUK API's
/// `postcode=` both place postcodes here, so they agree on where a postcode is.
///
/// A postcode that is malformed, or well formed but not in the lookup, is an
/// [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) error saying what to type instead.
pub fn locate(postcode: &str) -> Result<PostcodeLocation> {
    RefData::get()
        .locate_postcode(postcode)
        .map_err(|e| crate::Error::invalid(capitalise(&e.to_string())))
}

/// Searches the directory. Field errors (an unknown postcode, a distance not offered) are in
/// the outcome, not an `Err`: the page shows them beside the fields.
pub async fn search(store: &Store, req: &SearchRequest) -> Result<SearchOutcome> {
    let mut errors = Vec::new();
    let miles = match req.miles.trim() {
        "" => DISTANCES_MILES[0],
        m => match m.parse::<u32>() {
            Ok(m) if DISTANCES_MILES.contains(&m) => m,
            _ => {
                errors.push(FieldError {
                    field: "miles",
                    message: format!(
                        "Choose a distance of {} miles",
                        DISTANCES_MILES
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                DISTANCES_MILES[0]
            }
        },
    };
    let origin = match req.postcode.trim() {
        "" => None,
        pc => match locate(pc) {
            Ok(loc) => Some(loc),
            Err(e) => {
                errors.push(FieldError {
                    field: "postcode",
                    message: e.message,
                });
                None
            }
        },
    };
    if !errors.is_empty() || req.is_empty() {
        return Ok(SearchOutcome {
            errors,
            origin,
            miles: None,
            page: None,
        });
    }
    let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let mut all_terms: Vec<String> = req.access.iter().filter_map(|s| blank(s)).collect();
    all_terms.extend(blank(&req.language));
    let query = ServiceQuery {
        text: blank(&req.text),
        taxonomy_term_id: blank(&req.need),
        all_terms,
        near: origin.as_ref().and_then(|o| {
            Point::new(o.lat, o.long).map(|p| (p, f64::from(miles) * METRES_PER_MILE))
        }),
    };
    let page = store
        .directory_services(
            &query,
            Paging {
                page: req.page.max(1),
                per_page: PER_PAGE,
            },
        )
        .await
        .map_err(crate::directory::store_error)?;
    Ok(SearchOutcome {
        errors,
        miles: origin.is_some().then_some(miles),
        origin,
        page: Some(page),
    })
}

/// One service, for its page.
pub async fn service(store: &Store, id: &str) -> Result<Option<Service>> {
    store
        .directory_service(id)
        .await
        .map_err(crate::directory::store_error)
}

/// A distance as the public reads it: miles first, then kilometres (`1.2 miles (1.9 km)`),
/// to one decimal place; under a tenth of a mile, "less than 0.1 miles".
pub fn distance_label(metres: f64) -> String {
    let miles = metres / METRES_PER_MILE;
    if miles < 0.05 {
        return "less than 0.1 miles (less than 0.2 km)".to_owned();
    }
    let unit = if (miles * 10.0).round() == 10.0 {
        "mile"
    } else {
        "miles"
    };
    format!("{miles:.1} {unit} ({:.1} km)", metres / 1000.0)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_in_miles_then_kilometres() {
        assert_eq!(distance_label(1_609.344), "1.0 mile (1.6 km)");
        assert_eq!(distance_label(15_841.3), "9.8 miles (15.8 km)");
        assert_eq!(
            distance_label(40.0),
            "less than 0.1 miles (less than 0.2 km)"
        );
        assert_eq!(
            distance_label(0.0),
            "less than 0.1 miles (less than 0.2 km)"
        );
    }

    #[test]
    fn postcodes_are_placed_or_refused_with_what_to_type() {
        let loc = locate(" le1 1aa ").unwrap();
        assert_eq!(loc.query.as_str(), "LE1 1AA");
        assert_eq!(loc.precision, PostcodePrecision::Postcode);
        assert_eq!((loc.lat, loc.long), (52.63212, -1.12498));
        let e = locate("LE1 9ZZ").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Invalid);
        assert_eq!(
            e.message,
            "Postcode LE1 9ZZ was not found: check it, or enter only its first part (such as LE1)"
        );
        let e = locate("Leicester").unwrap_err();
        assert!(
            e.message.starts_with("`Leicester` is not a UK postcode"),
            "{e}"
        );
    }

    #[test]
    fn a_blank_request_is_empty() {
        assert!(SearchRequest::default().is_empty());
        let r = SearchRequest {
            postcode: " LE1 1AA ".into(),
            ..SearchRequest::default()
        };
        assert!(!r.is_empty());
    }
}

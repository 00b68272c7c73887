//! The directory of services on Open Referral UK 3.0 (ORUK, the UK profile of HSDS 3.0): its
//! records, shaped as the profile's JSON ([`model`]), their validation with a reason per field
//! ([`validate`]), how an ORUK document is read into records, each accepted or rejected
//! ([`import`]), whether an entry is fresh ([`freshness`]) and the distance between two points
//! ([`geo`]); the flat layout a directory team fills in a spreadsheet, and the editor's form
//! ([`table`]), whose locations without coordinates are placed from their postcode by a
//! look-up the caller gives ([`place`]); the languages of ISO 639-1 as a taxonomy
//! ([`languages`]).
//!
//! **Invariant:** no I/O, no database, no HTTP: documents in, records and reasons out. The
//! store (`equalis-store`'s directory module) keeps the records; the web server serves them.
//!
//! The profile's schemas, API document and examples are in `standards/oruk-3.0/` at the root
//! of the repository, with their licence; the tests read the examples from there.

#![deny(missing_docs)]

pub mod freshness;
pub mod geo;
pub mod import;
pub mod languages;
pub mod model;
pub mod place;
pub mod table;
pub mod terms;
pub mod validate;

pub use freshness::{FRESH_MONTHS, Freshness, fresh_since, freshness};
pub use geo::{BoundingBox, EARTH_RADIUS_M, Point};
pub use import::{Accepted, DocumentError, Item, Kind, Record, parse_service, read_document};
pub use languages::{
    LANGUAGE_TAXONOMY, is_language_term, language_name, language_taxonomy, language_taxonomy_id,
    language_term, language_term_id, languages,
};
pub use model::*;
pub use place::{Gazetteer, Placement};
pub use table::{
    COLUMNS, CellProblem, Cells, Column, Layout, LayoutError, Level, RowOutcome, RowService, Table,
    TermIndex, derived_id, read_rows, row_of, service_from_row,
};
pub use validate::{
    Problem, Severity, is_uuid, validate_organization, validate_service, validate_taxonomy,
    validate_taxonomy_term,
};

/// The version of the standard the directory follows, as the ORUK API's `/` reports it.
pub const ORUK_VERSION: &str = "3.0";

/// The profile's page, as the ORUK API's `/` reports it.
pub const ORUK_PROFILE_URL: &str = "https://openreferraluk.org/";

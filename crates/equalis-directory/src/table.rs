//! The flat layout of the directory: one row per service at a location, as a directory team
//! fills in a spreadsheet (CSV or Excel), mapped to ORUK records. The editor's form is the
//! same layout for one row, so a field is checked by the same rule wherever it is typed.
//!
//! [`COLUMNS`] is the contract: each column's name, whether it describes the service or the
//! location, whether it is required and its rule (the rules are in [`service_from_row`]; the
//! documentation, `docs/DIRECTORY.md`, lists the same). Rows of one service (same
//! `service_id`, or the same organisation and service name) become one service with a
//! service_at_location per row; its service-level columns are given on its first row and, on
//! later rows, left blank or repeated unchanged.
//!
//! Identifiers: ORUK wants UUIDs, a spreadsheet has none. Each record's identifier is derived
//! from what identifies it ([`derived_id`]: the organisation's name; the organisation and the
//! service's name; the address and postcode, or coordinates), so importing a corrected sheet
//! again updates the services rather than adding copies.
//!
//! **Invariant:** every row is accepted or rejected with a [`CellProblem`] naming its column,
//! its value and the reason; no I/O here (the rows come in as text).

use std::collections::{BTreeMap, HashMap};

use crate::languages::{is_language_term, language_taxonomy, language_term};
use crate::model::*;
use crate::place::{Gazetteer, Placement};
use crate::validate::{Severity, is_uuid, validate_service};
use crate::{Record, TaxonomyTerm};

/// A UUID derived from `kind` and `parts`: the same parts give the same identifier, in any
/// workspace. The BLAKE3 hash of the parts (each length-prefixed, so no two lists collide),
/// with the UUID version 8 ("custom") and RFC 4122 variant bits set.
pub fn derived_id(kind: &str, parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"equalis-directory\0");
    for p in std::iter::once(&kind).chain(parts) {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// What a column describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The organisation providing the service (the same on every row of the organisation).
    Organisation,
    /// The service (the same on every row of the service).
    Service,
    /// The service at this row's location.
    Location,
}

/// One column of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its header.
    pub name: &'static str,
    /// What it describes.
    pub level: Level,
    /// Whether every row must give it.
    pub required: bool,
    /// Its rule, in words (for the documentation and error hints).
    pub rule: &'static str,
}

const fn col(name: &'static str, level: Level, required: bool, rule: &'static str) -> Column {
    Column {
        name,
        level,
        required,
        rule,
    }
}

/// The columns, in the order of the documentation and the example file.
pub const COLUMNS: &[Column] = &[
    col(
        "service_id",
        Level::Service,
        false,
        "a UUID; blank: derived from the organisation and the service name",
    ),
    col(
        "organisation",
        Level::Organisation,
        true,
        "the organisation's name",
    ),
    col(
        "organisation_description",
        Level::Organisation,
        false,
        "what the organisation does",
    ),
    col(
        "organisation_website",
        Level::Organisation,
        false,
        "a web address starting https:// or http://",
    ),
    col("service_name", Level::Service, true, "the service's name"),
    col(
        "description",
        Level::Service,
        false,
        "what the service offers",
    ),
    col(
        "url",
        Level::Service,
        false,
        "a web address starting https:// or http://",
    ),
    col("email", Level::Service, false, "an email address"),
    col(
        "phone",
        Level::Service,
        false,
        "a telephone number: digits, spaces, + ( ) - only, at least 3 digits",
    ),
    col(
        "contact_name",
        Level::Service,
        false,
        "whom the phone reaches (a team or a post)",
    ),
    col(
        "taxonomy_terms",
        Level::Service,
        false,
        "codes (or identifiers) of taxonomy terms in the directory, separated by ;",
    ),
    col(
        "languages",
        Level::Service,
        false,
        "ISO 639-1 two-letter codes of the languages it is delivered in, separated by ;",
    ),
    col(
        "status",
        Level::Service,
        false,
        "active, inactive, defunct or temporarily closed; blank: active",
    ),
    col(
        "assured_date",
        Level::Service,
        false,
        "when the entry was last checked: YYYY-MM-DD or DD/MM/YYYY",
    ),
    col(
        "assurer_email",
        Level::Service,
        false,
        "the email address of who checked it",
    ),
    col("fees", Level::Service, false, "what it costs, in words"),
    col(
        "minimum_age",
        Level::Service,
        false,
        "the youngest age served, in years (0 to 150)",
    ),
    col(
        "maximum_age",
        Level::Service,
        false,
        "the oldest age served, in years (0 to 150)",
    ),
    col(
        "location_name",
        Level::Location,
        false,
        "the place's name (alone, without an address: an online or telephone service)",
    ),
    col(
        "address_1",
        Level::Location,
        false,
        "the first line of the address (needed with a town or postcode)",
    ),
    col(
        "town",
        Level::Location,
        false,
        "the town or city (needed with an address)",
    ),
    col("county", Level::Location, false, "the county"),
    col(
        "postcode",
        Level::Location,
        false,
        "a UK postcode (needed with an address); without latitude and longitude, the location is placed at the postcode's point",
    ),
    col(
        "latitude",
        Level::Location,
        false,
        "WGS 84 degrees, −90 to 90 (with longitude)",
    ),
    col(
        "longitude",
        Level::Location,
        false,
        "WGS 84 degrees, −180 to 180 (with latitude)",
    ),
    col(
        "accessibility",
        Level::Location,
        false,
        "how accessible the place is for disabled people (step-free access, hearing loop …)",
    ),
    col(
        "schedule",
        Level::Location,
        false,
        "opening hours, in words (for example: Monday to Friday 9am to 5pm)",
    ),
];

/// The column named `name`.
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

/// A problem with one cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The column's header (empty for the row as a whole).
    pub column: String,
    /// The value as given.
    pub value: String,
    /// What is wrong and how to put it right.
    pub reason: String,
}

impl CellProblem {
    fn new(column: &str, value: &str, reason: impl Into<String>) -> CellProblem {
        CellProblem {
            column: column.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.column.is_empty(), self.value.is_empty()) {
            (true, _) => write!(f, "{}", self.reason),
            (false, true) => write!(f, "{}: {}", self.column, self.reason),
            (false, false) => write!(f, "{} `{}`: {}", self.column, self.value, self.reason),
        }
    }
}

/// A file whose header row does not fit the layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// A header that is no column of the layout.
    #[error(
        "column {position} `{name}` is not a column of the directory layout\n\nhint: the columns are {}; see docs/DIRECTORY.md",
        names()
    )]
    Unknown {
        /// The header.
        name: String,
        /// Its position, from 1.
        position: usize,
    },
    /// A header given twice.
    #[error("column `{0}` is given twice\n\nhint: keep one")]
    Repeated(String),
    /// A required column missing.
    #[error(
        "the required column `{0}` is missing\n\nhint: the header row needs at least {names}",
        names = required_names()
    )]
    Missing(&'static str),
}

fn names() -> String {
    COLUMNS
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn required_names() -> String {
    COLUMNS
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Where each column of the layout is in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    index: HashMap<&'static str, usize>,
    width: usize,
}

impl Layout {
    /// The layout of a header row (names compared trimmed and in any case; the columns may
    /// come in any order and optional ones may be left out).
    pub fn from_headers(headers: &[String]) -> Result<Layout, LayoutError> {
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            if name.is_empty() {
                continue; // A blank header over blank cells: what spreadsheets leave.
            }
            let c = column(&name).ok_or(LayoutError::Unknown {
                name: h.trim().to_owned(),
                position: i + 1,
            })?;
            if index.insert(c.name, i).is_some() {
                return Err(LayoutError::Repeated(c.name.to_owned()));
            }
        }
        if let Some(c) = COLUMNS
            .iter()
            .find(|c| c.required && !index.contains_key(c.name))
        {
            return Err(LayoutError::Missing(c.name));
        }
        Ok(Layout {
            index,
            width: headers.len(),
        })
    }

    /// The cells of a row, by column name (absent columns read as blank).
    pub fn cells(&self, row: &[String]) -> BTreeMap<&'static str, String> {
        COLUMNS
            .iter()
            .map(|c| {
                let v = self
                    .index
                    .get(c.name)
                    .and_then(|&i| row.get(i))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default();
                (c.name, v)
            })
            .collect()
    }
}

/// The taxonomy terms a row's `taxonomy_terms` may name, by code (the term's `term`, in any
/// case) or identifier.
#[derive(Debug, Clone, Default)]
pub struct TermIndex {
    by_key: HashMap<String, Vec<TaxonomyTerm>>,
}

impl TermIndex {
    /// The index of `terms` (those of the directory's taxonomies).
    pub fn new(terms: impl IntoIterator<Item = TaxonomyTerm>) -> TermIndex {
        let mut by_key: HashMap<String, Vec<TaxonomyTerm>> = HashMap::new();
        for t in terms {
            by_key
                .entry(t.id.to_ascii_lowercase())
                .or_default()
                .push(t.clone());
            if let Some(code) = t.term.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                by_key.entry(code.to_lowercase()).or_default().push(t);
            }
        }
        TermIndex { by_key }
    }

    /// The term `key` names, or why none does.
    pub fn find(&self, key: &str) -> Result<&TaxonomyTerm, String> {
        match self
            .by_key
            .get(&key.trim().to_lowercase())
            .map(Vec::as_slice)
        {
            Some([one]) => Ok(one),
            Some(many) if !many.is_empty() => Err(format!(
                "`{key}` is the code of {} terms ({}); give the identifier of the one meant",
                many.len(),
                many.iter()
                    .map(|t| format!(
                        "{} in {}",
                        t.id,
                        t.taxonomy.as_deref().unwrap_or("no taxonomy")
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!(
                "`{key}` is not the code or identifier of a taxonomy term in the directory; import its taxonomy (ORUK JSON) first, or use a code it has"
            )),
        }
    }
}

/// One row read into a service with this row's location (at most one service_at_location).
#[derive(Debug, Clone, PartialEq)]
pub struct RowService {
    /// The service, with its organization nested.
    pub service: Service,
    /// Whether the row named any language (so the ISO 639-1 taxonomy is saved too).
    pub uses_languages: bool,
    /// Where the row's location was placed from its postcode, when it gave no coordinates.
    pub placed: Option<Placement>,
}

/// The values of a row as given, by column; a column not in the map reads as blank.
pub type Cells = BTreeMap<&'static str, String>;

fn get<'a>(cells: &'a Cells, name: &str) -> &'a str {
    cells.get(name).map_or("", |v| v.trim())
}

fn opt(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

/// `s` lower-cased with its runs of white space made one space: what two rows must agree on
/// to name the same organisation or service.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A UK postcode in its usual form (`LS1 4AP`), or `None` if `v` is not shaped like one.
pub fn normalise_postcode(v: &str) -> Option<String> {
    let s: String = v
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = s.as_bytes();
    if !(5..=7).contains(&b.len()) || !s.is_ascii() {
        return None;
    }
    let (out, inward) = s.split_at(s.len() - 3);
    let i = inward.as_bytes();
    let inward_ok =
        i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic();
    // The outward code: A9, A99, AA9, AA99, A9A or AA9A.
    let o = out.as_bytes();
    let a = |k: usize| o[k].is_ascii_alphabetic();
    let d = |k: usize| o[k].is_ascii_digit();
    let outward_ok = match o.len() {
        2 => a(0) && d(1),
        3 => a(0) && ((d(1) && d(2)) || (a(1) && d(2)) || (d(1) && a(2))),
        4 => a(0) && a(1) && d(2) && (d(3) || a(3)),
        _ => false,
    };
    (inward_ok && outward_ok).then(|| format!("{out} {inward}"))
}

/// A date as `YYYY-MM-DD` or `DD/MM/YYYY`, written back as `YYYY-MM-DD`.
pub fn parse_date(v: &str) -> Option<jiff::civil::Date> {
    if let Ok(d) = v.parse::<jiff::civil::Date>() {
        return Some(d);
    }
    let mut parts = v.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

fn split_list(v: &str) -> Vec<&str> {
    v.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect()
}

fn email_ok(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn url_ok(v: &str) -> bool {
    v.strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace))
}

fn phone_ok(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-'))
        && v.chars().filter(char::is_ascii_digit).count() >= 3
}

/// Reads one row into a service at (at most) one location, checking every column by its rule.
/// `service_id`, when given, is the service's identifier whatever the row says (the editor
/// edits a service it knows). Every problem of the row is reported, not just the first.
///
/// An address with a postcode but no latitude and longitude is placed at the postcode's point
/// by `places`; a postcode it cannot place is a problem of the `postcode` column (a location
/// with an address must be on the map, or proximity search would silently miss it).
pub fn service_from_row(
    cells: &Cells,
    terms: &TermIndex,
    service_id: Option<&str>,
    places: &dyn Gazetteer,
) -> Result<RowService, Vec<CellProblem>> {
    let mut p: Vec<CellProblem> = Vec::new();
    let g = |name: &str| get(cells, name);
    for c in COLUMNS.iter().filter(|c| c.required) {
        if g(c.name).is_empty() {
            p.push(CellProblem::new(
                c.name,
                "",
                format!("must not be blank: give {}", c.rule),
            ));
        }
    }
    for name in ["organisation_website", "url"] {
        let v = g(name);
        if !v.is_empty() && !url_ok(v) {
            p.push(CellProblem::new(
                name,
                v,
                "is not a web address: it should start with https:// or http:// and have no spaces",
            ));
        }
    }
    for name in ["email", "assurer_email"] {
        let v = g(name);
        if !v.is_empty() && !email_ok(v) {
            p.push(CellProblem::new(
                name,
                v,
                "is not an email address (name@example.org)",
            ));
        }
    }
    let phone = g("phone");
    if !phone.is_empty() && !phone_ok(phone) {
        p.push(CellProblem::new(
            "phone",
            phone,
            "is not a telephone number: use digits, spaces and + ( ) - only",
        ));
    }
    let status = match norm(g("status")).as_str() {
        "" | "active" => ServiceStatus::Active,
        "inactive" => ServiceStatus::Inactive,
        "defunct" => ServiceStatus::Defunct,
        "temporarily closed" => ServiceStatus::TemporarilyClosed,
        _ => {
            p.push(CellProblem::new("status", g("status"), "is not a status: use active, inactive, defunct or temporarily closed (blank is active)"));
            ServiceStatus::Active
        }
    };
    let assured = g("assured_date");
    let assured_date = if assured.is_empty() {
        None
    } else {
        match parse_date(assured) {
            Some(d) => Some(d.to_string()),
            None => {
                p.push(CellProblem::new(
                    "assured_date",
                    assured,
                    "is not a date: use YYYY-MM-DD or DD/MM/YYYY",
                ));
                None
            }
        }
    };
    let mut age = |name: &str| -> Option<f64> {
        let v = g(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(a) if a.is_finite() && (0.0..=150.0).contains(&a) => Some(a),
            _ => {
                p.push(CellProblem::new(
                    name,
                    v,
                    "is not an age in years from 0 to 150",
                ));
                None
            }
        }
    };
    let (minimum_age, maximum_age) = (age("minimum_age"), age("maximum_age"));
    if let (Some(lo), Some(hi)) = (minimum_age, maximum_age)
        && lo > hi
    {
        p.push(CellProblem::new(
            "minimum_age",
            g("minimum_age"),
            format!("is above maximum_age {hi}"),
        ));
    }

    let given_id = g("service_id");
    if !given_id.is_empty() && !is_uuid(given_id) {
        p.push(CellProblem::new(
            "service_id",
            given_id,
            "is not a UUID (8-4-4-4-12 hexadecimal digits); leave it blank to have one derived",
        ));
    }
    let org_name = g("organisation");
    let org_id = derived_id("organization", &[&norm(org_name)]);
    let sid = match service_id {
        Some(id) => id.to_owned(),
        None if is_uuid(given_id) => given_id.to_ascii_lowercase(),
        None => derived_id("service", &[&org_id, &norm(g("service_name"))]),
    };

    // Taxonomy terms and languages, each a service-level attribute.
    let mut attributes: Vec<Attribute> = Vec::new();
    let mut attribute = |term: TaxonomyTerm, link_type: &str| {
        if attributes
            .iter()
            .any(|a| a.term_id() == Some(term.id.as_str()))
        {
            return; // Named twice: once is enough.
        }
        attributes.push(Attribute {
            id: derived_id("attribute", &[&sid, &term.id]),
            link_id: Some(sid.clone()),
            taxonomy_term_id: Some(term.id.clone()),
            link_type: Some(link_type.to_owned()),
            taxonomy_term: Some(term),
        });
    };
    for key in split_list(g("taxonomy_terms")) {
        match terms.find(key) {
            Ok(t) => attribute(t.clone(), "service"),
            Err(reason) => p.push(CellProblem::new(
                "taxonomy_terms",
                g("taxonomy_terms"),
                reason,
            )),
        }
    }
    let mut languages = Vec::new();
    for code in split_list(g("languages")) {
        match language_term(code) {
            Some(t) => {
                let code = t.term.clone().unwrap_or_default();
                if languages.iter().all(|l: &Language| l.id != derived_id("language", &[&sid, &code])) {
                    languages.push(Language {
                        id: derived_id("language", &[&sid, &code]),
                        service_id: Some(sid.clone()),
                        phone_id: None,
                    });
                }
                attribute(t, "language");
            }
            None => p.push(CellProblem::new("languages", g("languages"), format!("`{code}` is not an ISO 639-1 language code (two letters, such as en, cy, pl, ur, pa)"))),
        }
    }

    // The location: an address, coordinates, or a name alone (online or by telephone).
    let (address_1, town, county, postcode_v) =
        (g("address_1"), g("town"), g("county"), g("postcode"));
    let has_address = [address_1, town, county, postcode_v]
        .iter()
        .any(|v| !v.is_empty());
    let mut postcode = String::new();
    if has_address {
        for (name, v) in [
            ("address_1", address_1),
            ("town", town),
            ("postcode", postcode_v),
        ] {
            if v.is_empty() {
                p.push(CellProblem::new(
                    name,
                    "",
                    "must not be blank in an address: ORUK needs its first line, town and postcode",
                ));
            }
        }
        if !postcode_v.is_empty() {
            match normalise_postcode(postcode_v) {
                Some(pc) => postcode = pc,
                None => p.push(CellProblem::new(
                    "postcode",
                    postcode_v,
                    "is not a UK postcode (such as LS1 4AP)",
                )),
            }
        }
    }
    let coord = |name: &str, max: f64, p: &mut Vec<CellProblem>| -> Option<f64> {
        let v = g(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && (-max..=max).contains(&x) => Some(x),
            _ => {
                p.push(CellProblem::new(
                    name,
                    v,
                    format!("is not a number of degrees from −{max} to {max}"),
                ));
                None
            }
        }
    };
    let mut latitude = coord("latitude", 90.0, &mut p);
    let mut longitude = coord("longitude", 180.0, &mut p);
    let mut placed = None;
    match (g("latitude").is_empty(), g("longitude").is_empty()) {
        (false, true) => p.push(CellProblem::new(
            "longitude",
            "",
            "must be given with latitude",
        )),
        (true, false) => p.push(CellProblem::new(
            "latitude",
            "",
            "must be given with longitude",
        )),
        // No coordinates: an address is placed from its postcode.
        (true, true) if !postcode.is_empty() => match places.place(&postcode) {
            Ok(at) => {
                latitude = Some(at.latitude);
                longitude = Some(at.longitude);
                placed = Some(at);
            }
            Err(reason) => p.push(CellProblem::new("postcode", postcode_v, reason)),
        },
        _ => {}
    }
    let (location_name, accessibility, schedule) =
        (g("location_name"), g("accessibility"), g("schedule"));
    let has_point = latitude.is_some() && longitude.is_some();
    if !has_address && !has_point && location_name.is_empty() && !accessibility.is_empty() {
        p.push(CellProblem::new(
            "accessibility",
            accessibility,
            "describes a place: give the place's address or coordinates",
        ));
    }

    if !p.is_empty() {
        return Err(p);
    }

    let mut service_at_locations = Vec::new();
    let mut schedules = Vec::new();
    if has_address || has_point || !location_name.is_empty() {
        let location_type = if has_address || has_point {
            LocationType::Physical
        } else {
            LocationType::Virtual
        };
        let key: Vec<String> = if has_address {
            vec!["address".into(), norm(address_1), postcode.clone()]
        } else if has_point {
            vec!["point".into(), g("latitude").into(), g("longitude").into()]
        } else {
            vec!["virtual".into(), sid.clone(), norm(location_name)]
        };
        let keys: Vec<&str> = key.iter().map(String::as_str).collect();
        let lid = derived_id("location", &keys);
        let sal_id = derived_id("service_at_location", &[&sid, &lid]);
        let location = Location {
            id: lid.clone(),
            location_type,
            name: opt(location_name),
            description: None,
            latitude,
            longitude,
            external_identifier: None,
            external_identifier_type: None,
            addresses: if has_address {
                vec![Address {
                    id: derived_id("address", &[&lid]),
                    location_id: Some(lid.clone()),
                    attention: None,
                    address_1: address_1.to_owned(),
                    city: town.to_owned(),
                    region: None,
                    state_province: county.to_owned(),
                    postal_code: postcode.clone(),
                    country: "GB".to_owned(),
                    address_type: LocationType::Physical,
                    attributes: Vec::new(),
                }]
            } else {
                Vec::new()
            },
            accessibility: opt(accessibility)
                .map(|a| Accessibility {
                    id: derived_id("accessibility", &[&lid]),
                    location_id: Some(lid.clone()),
                    description: Some(a),
                    details: None,
                    url: None,
                    attributes: Vec::new(),
                    accessibility: None,
                })
                .into_iter()
                .collect(),
            attributes: Vec::new(),
        };
        if !schedule.is_empty() {
            schedules.push(Schedule {
                id: derived_id("schedule", &[&sal_id]),
                service_id: Some(sid.clone()),
                service_at_location_id: Some(sal_id.clone()),
                ..blank_schedule(schedule)
            });
        }
        service_at_locations.push(ServiceAtLocation {
            id: sal_id,
            service_id: Some(sid.clone()),
            location_id: Some(lid),
            location: Some(location),
        });
    } else if !schedule.is_empty() {
        schedules.push(Schedule {
            id: derived_id("schedule", &[&sid]),
            service_id: Some(sid.clone()),
            service_at_location_id: None,
            ..blank_schedule(schedule)
        });
    }

    let contact_name = g("contact_name");
    let contacts = if phone.is_empty() && contact_name.is_empty() {
        Vec::new()
    } else {
        let cid = derived_id("contact", &[&sid]);
        vec![Contact {
            id: cid.clone(),
            service_id: Some(sid.clone()),
            name: opt(contact_name),
            title: None,
            attributes: Vec::new(),
            phones: opt(phone)
                .map(|number| Phone {
                    id: derived_id("phone", &[&cid]),
                    contact_id: Some(cid.clone()),
                    number,
                    description: None,
                    languages: Vec::new(),
                })
                .into_iter()
                .collect(),
        }]
    };

    let organization = Organization {
        id: org_id.clone(),
        name: org_name.to_owned(),
        description: g("organisation_description").to_owned(),
        email: None,
        website: opt(g("organisation_website")),
        logo: None,
        uri: None,
        parent_organization_id: None,
        organization_identifiers: Vec::new(),
        attributes: Vec::new(),
    };
    let uses_languages = !languages.is_empty();
    let service = Service {
        id: sid,
        organization_id: Some(org_id),
        name: g("service_name").to_owned(),
        description: opt(g("description")),
        url: opt(g("url")),
        email: opt(g("email")),
        status,
        fees: opt(g("fees")),
        accreditations: None,
        minimum_age,
        maximum_age,
        assured_date,
        assurer_email: opt(g("assurer_email")),
        alert: None,
        last_modified: None,
        schedules,
        service_areas: Vec::new(),
        service_at_locations,
        languages,
        organization: Some(organization),
        funding: Vec::new(),
        cost_options: Vec::new(),
        contacts,
        attributes,
    };
    // The column rules above are meant to imply ORUK's; a record that still breaks one is
    // refused, naming the field, rather than stored.
    let errors: Vec<CellProblem> = validate_service(&service)
        .into_iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| CellProblem::new("", "", format!("{x}")))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RowService {
        service,
        uses_languages,
        placed,
    })
}

fn blank_schedule(description: &str) -> Schedule {
    Schedule {
        id: String::new(),
        service_id: None,
        service_at_location_id: None,
        valid_from: None,
        valid_to: None,
        dtstart: None,
        freq: None,
        interval: None,
        byday: None,
        bymonthday: None,
        description: Some(description.to_owned()),
        opens_at: None,
        closes_at: None,
        schedule_link: None,
        attending_type: None,
        notes: None,
    }
}

/// The cells of the layout for `service` at its first location: what the editor's form shows
/// (the inverse of [`service_from_row`] for what the layout holds).
pub fn row_of(service: &Service) -> BTreeMap<&'static str, String> {
    let mut m: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut put = |k: &'static str, v: Option<&str>| {
        m.insert(k, v.unwrap_or_default().to_owned());
    };
    let org = service.organization.as_ref();
    put("service_id", Some(&service.id));
    put("organisation", org.map(|o| o.name.as_str()));
    put(
        "organisation_description",
        org.map(|o| o.description.as_str()),
    );
    put(
        "organisation_website",
        org.and_then(|o| o.website.as_deref()),
    );
    put("service_name", Some(&service.name));
    put("description", service.description.as_deref());
    put("url", service.url.as_deref());
    put("email", service.email.as_deref());
    let contact = service.contacts.first();
    put("contact_name", contact.and_then(|c| c.name.as_deref()));
    put(
        "phone",
        contact
            .and_then(|c| c.phones.first())
            .map(|p| p.number.as_str()),
    );
    let (mut terms, mut langs) = (Vec::new(), Vec::new());
    for t in service
        .attributes
        .iter()
        .filter_map(|a| a.taxonomy_term.as_ref())
    {
        let key = t.term.clone().unwrap_or_else(|| t.id.clone());
        if is_language_term(t) {
            langs.push(key)
        } else {
            terms.push(key)
        }
    }
    for a in service
        .attributes
        .iter()
        .filter(|a| a.taxonomy_term.is_none())
    {
        if let Some(id) = &a.taxonomy_term_id {
            terms.push(id.clone());
        }
    }
    put("taxonomy_terms", Some(&terms.join("; ")));
    put("languages", Some(&langs.join("; ")));
    put("status", Some(service.status.as_str()));
    put("assured_date", service.assured_date.as_deref());
    put("assurer_email", service.assurer_email.as_deref());
    put("fees", service.fees.as_deref());
    put(
        "minimum_age",
        service.minimum_age.map(|a| a.to_string()).as_deref(),
    );
    put(
        "maximum_age",
        service.maximum_age.map(|a| a.to_string()).as_deref(),
    );
    let sal = service.service_at_locations.first();
    let loc = sal.and_then(|s| s.location.as_ref());
    let addr = loc.and_then(|l| l.addresses.first());
    put("location_name", loc.and_then(|l| l.name.as_deref()));
    put("address_1", addr.map(|a| a.address_1.as_str()));
    put("town", addr.map(|a| a.city.as_str()));
    put("county", addr.map(|a| a.state_province.as_str()));
    put("postcode", addr.map(|a| a.postal_code.as_str()));
    put(
        "latitude",
        loc.and_then(|l| l.latitude)
            .map(|x| x.to_string())
            .as_deref(),
    );
    put(
        "longitude",
        loc.and_then(|l| l.longitude)
            .map(|x| x.to_string())
            .as_deref(),
    );
    put(
        "accessibility",
        loc.and_then(|l| l.accessibility.first())
            .and_then(|a| a.description.as_deref().or(a.details.as_deref())),
    );
    let sal_id = sal.map(|s| s.id.as_str());
    let schedule = service
        .schedules
        .iter()
        .find(|s| s.service_at_location_id.as_deref() == sal_id)
        .or_else(|| {
            service
                .schedules
                .iter()
                .find(|s| s.service_at_location_id.is_none())
        });
    put("schedule", schedule.and_then(|s| s.description.as_deref()));
    m
}

/// What became of one row of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    /// Its row number in the file (the header is row 1).
    pub row: u64,
    /// The service it belongs to, when its identifier could be told.
    pub service_id: Option<String>,
    /// Why it was rejected (empty when accepted).
    pub problems: Vec<CellProblem>,
    /// Where its location was placed from its postcode, when accepted without coordinates.
    pub placed: Option<Placement>,
}

impl RowOutcome {
    /// Whether it was accepted.
    pub fn accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A file of rows read: each row's outcome, and the records the accepted rows make.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Every row, in file order.
    pub rows: Vec<RowOutcome>,
    /// The records to save: the ISO 639-1 taxonomy when a language is named, then each
    /// service (with its organisation nested) in the order of its first row.
    pub records: Vec<Record>,
}

/// Reads the rows of a file with `layout`: `(row number, cells)` each. Rows of one service are
/// merged; a later row whose service- or organisation-level value differs from the first
/// row's, or that repeats a location, is rejected naming the first row.
/// Addresses without coordinates are placed from their postcode by `places`
/// ([`service_from_row`]).
pub fn read_rows(
    layout: &Layout,
    rows: impl IntoIterator<Item = (u64, Vec<String>)>,
    terms: &TermIndex,
    places: &dyn Gazetteer,
) -> Table {
    let mut outcomes = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    let mut first_of_service: HashMap<String, (usize, u64, Cells)> = HashMap::new();
    let mut first_of_org: HashMap<String, (u64, Cells)> = HashMap::new();
    let mut locations: HashMap<String, u64> = HashMap::new();
    let mut uses_languages = false;
    for (row, values) in rows {
        let cells = layout.cells(&values);
        let extra = values.len().saturating_sub(layout.width);
        if extra > 0 && values[layout.width..].iter().any(|v| !v.trim().is_empty()) {
            outcomes.push(RowOutcome {
                row,
                service_id: None,
                problems: vec![CellProblem::new(
                    "",
                    "",
                    format!(
                        "has {} cells but the header row has {}: a value is outside the columns",
                        values.len(),
                        layout.width
                    ),
                )],
                placed: None,
            });
            continue;
        }
        let read = match service_from_row(&cells, terms, None, places) {
            Ok(r) => r,
            Err(problems) => {
                outcomes.push(RowOutcome {
                    row,
                    service_id: None,
                    problems,
                    placed: None,
                });
                continue;
            }
        };
        let s = read.service;
        let mut problems = Vec::new();
        let org_id = s.organization_id.clone().unwrap_or_default();
        if let Some((first, given)) = first_of_org.get(&org_id) {
            differs(&cells, given, *first, Level::Organisation, &mut problems);
        }
        if let Some((_, first, given)) = first_of_service.get(&s.id) {
            differs(&cells, given, *first, Level::Service, &mut problems);
        }
        for sal in &s.service_at_locations {
            if let Some(first) = locations.get(&sal.id) {
                problems.push(CellProblem::new("", "", format!("gives the same location of the same service as row {first}; each location once per service")));
            }
        }
        if !problems.is_empty() {
            outcomes.push(RowOutcome {
                row,
                service_id: Some(s.id.clone()),
                problems,
                placed: None,
            });
            continue;
        }
        for sal in &s.service_at_locations {
            locations.insert(sal.id.clone(), row);
        }
        uses_languages |= read.uses_languages;
        first_of_org
            .entry(org_id)
            .or_insert_with(|| (row, cells.clone()));
        match first_of_service.get(&s.id) {
            Some((i, _, _)) => {
                let merged = &mut services[*i];
                merged.service_at_locations.extend(s.service_at_locations);
                for x in s.schedules {
                    if merged.schedules.iter().all(|y| y.id != x.id) {
                        merged.schedules.push(x);
                    }
                }
            }
            None => {
                first_of_service.insert(s.id.clone(), (services.len(), row, cells));
                services.push(s.clone());
            }
        }
        outcomes.push(RowOutcome {
            row,
            service_id: Some(s.id),
            problems: Vec::new(),
            placed: read.placed,
        });
    }
    let mut records = Vec::new();
    if uses_languages {
        records.push(Record::Taxonomy(language_taxonomy()));
    }
    records.extend(services.into_iter().map(|s| Record::Service(Box::new(s))));
    Table {
        rows: outcomes,
        records,
    }
}

/// The columns of `level` whose value in `cells` is given and differs from `first`'s.
fn differs(cells: &Cells, first: &Cells, first_row: u64, level: Level, out: &mut Vec<CellProblem>) {
    for c in COLUMNS
        .iter()
        .filter(|c| c.level == level && c.name != "service_id")
    {
        let (v, f) = (get(cells, c.name), get(first, c.name));
        if !v.is_empty() && norm(v) != norm(f) {
            out.push(CellProblem::new(c.name, v, format!(
                "differs from row {first_row} (`{f}`), where this {} first appears; give it once, or the same on every row",
                if level == Level::Service { "service" } else { "organisation" }
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> TermIndex {
        let term = |id: &str, code: &str, name: &str| TaxonomyTerm {
            id: id.into(),
            name: name.into(),
            description: name.into(),
            parent_id: None,
            taxonomy: Some("Needs".into()),
            taxonomy_id: None,
            term_uri: None,
            term: Some(code.into()),
        };
        TermIndex::new([
            term(
                "3a1f8e0c-0000-4000-8000-000000000001",
                "MH",
                "Mental health",
            ),
            term("3a1f8e0c-0000-4000-8000-000000000002", "FOOD", "Food"),
        ])
    }

    /// Postcodes of Leeds, two known by their own point and one only by its sector's
    /// centre; any other is unknown.
    fn gazetteer(pc: &str) -> Result<Placement, String> {
        let at = |latitude, longitude, exact| Placement {
            postcode: pc.to_owned(),
            latitude,
            longitude,
            exact,
        };
        match pc {
            "LS1 1LT" => Ok(at(53.7996, -1.5471, true)),
            "LS1 5HD" => Ok(at(53.7986, -1.5424, true)),
            "LS1 9ZY" => Ok(at(53.7970, -1.5440, false)),
            _ => Err(format!("{pc} is not in the test gazetteer")),
        }
    }

    fn headers() -> Vec<String> {
        COLUMNS.iter().map(|c| c.name.to_owned()).collect()
    }

    fn row(pairs: &[(&str, &str)]) -> Vec<String> {
        COLUMNS
            .iter()
            .map(|c| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == c.name)
                    .map_or(String::new(), |(_, v)| (*v).to_owned())
            })
            .collect()
    }

    const GOOD: &[(&str, &str)] = &[
        ("organisation", "Leeds Mind"),
        ("service_name", "Talking therapies"),
        ("description", "Counselling for adults"),
        ("url", "https://www.leedsmind.org.uk/"),
        ("phone", "0113 305 5800"),
        ("taxonomy_terms", "mh; FOOD"),
        ("languages", "en; PL"),
        ("assured_date", "31/03/2026"),
        ("address_1", "Clarence House"),
        ("town", "Leeds"),
        ("postcode", "ls11lt"),
        ("latitude", "53.79"),
        ("longitude", "-1.54"),
        ("accessibility", "Step-free access"),
        ("schedule", "Monday to Friday 9am to 5pm"),
    ];

    fn read(rows: Vec<Vec<String>>) -> Table {
        let layout = Layout::from_headers(&headers()).unwrap();
        read_rows(
            &layout,
            rows.into_iter().enumerate().map(|(i, r)| (i as u64 + 2, r)),
            &terms(),
            &gazetteer,
        )
    }

    #[test]
    fn derived_ids_are_uuids_stable_and_distinct() {
        let a = derived_id("service", &["x", "y"]);
        assert!(is_uuid(&a), "{a}");
        assert_eq!(a, derived_id("service", &["x", "y"]));
        assert_ne!(a, derived_id("service", &["xy", ""]));
        assert_ne!(a, derived_id("location", &["x", "y"]));
        assert_eq!(&a[14..15], "8", "version 8");
    }

    #[test]
    fn postcodes_and_dates() {
        assert_eq!(normalise_postcode("ls11lt").as_deref(), Some("LS1 1LT"));
        assert_eq!(
            normalise_postcode(" SW1A 1AA ").as_deref(),
            Some("SW1A 1AA")
        );
        assert_eq!(normalise_postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        assert_eq!(normalise_postcode("B33 8TH").as_deref(), Some("B33 8TH"));
        assert_eq!(normalise_postcode("W1A 0AX").as_deref(), Some("W1A 0AX"));
        for bad in ["", "LS1", "1S1 1LT", "LS1 LLT", "LS1 1L7", "ABCDE 1AA"] {
            assert_eq!(normalise_postcode(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("31/03/2026"),
            Some(jiff::civil::date(2026, 3, 31))
        );
        assert_eq!(
            parse_date("2026-03-31"),
            Some(jiff::civil::date(2026, 3, 31))
        );
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("3/2026"), None);
    }

    #[test]
    fn an_address_without_coordinates_is_placed_from_its_postcode() {
        let without = |postcode: &'static str| -> Vec<(&'static str, &'static str)> {
            GOOD.iter()
                .filter(|(k, _)| !matches!(*k, "latitude" | "longitude"))
                .map(|&(k, v)| {
                    if k == "postcode" {
                        (k, postcode)
                    } else {
                        (k, v)
                    }
                })
                .collect()
        };
        let t = read(vec![row(&without("ls11lt"))]);
        assert!(t.rows[0].accepted(), "{:?}", t.rows);
        let placed = t.rows[0].placed.as_ref().unwrap();
        assert!(placed.exact);
        assert_eq!(placed.postcode, "LS1 1LT");
        let Record::Service(s) = &t.records[1] else {
            panic!()
        };
        let loc = s.service_at_locations[0].location.as_ref().unwrap();
        assert_eq!(
            (loc.latitude, loc.longitude),
            (Some(53.7996), Some(-1.5471))
        );
        // Placing does not change the location's identity: the address names it, so the
        // same row with typed coordinates is the same location.
        let typed = read(vec![row(GOOD)]);
        let Record::Service(typed) = &typed.records[1] else {
            panic!()
        };
        assert_eq!(
            typed.service_at_locations[0].id,
            s.service_at_locations[0].id
        );
        assert!(
            read(vec![row(GOOD)]).rows[0].placed.is_none(),
            "typed coordinates are kept"
        );

        // Known only by its sector: placed, and the outcome says how closely.
        let t = read(vec![row(&without("LS1 9ZY"))]);
        let placed = t.rows[0].placed.as_ref().unwrap();
        assert!(!placed.exact);
        assert!(
            placed
                .to_string()
                .contains("centre of postcode sector LS1 9")
        );

        // Unknown: the row is rejected, naming the postcode and why.
        let t = read(vec![row(&without("LS1 9QQ"))]);
        assert!(t.records.is_empty());
        assert_eq!(
            t.rows[0].problems,
            [CellProblem::new(
                "postcode",
                "LS1 9QQ",
                "LS1 9QQ is not in the test gazetteer"
            )]
        );
        // A location without an address is not looked up.
        let t = read(vec![row(&[
            ("organisation", "Leeds Mind"),
            ("service_name", "Helpline"),
            ("location_name", "By telephone"),
        ])]);
        assert!(t.rows[0].accepted() && t.rows[0].placed.is_none());
    }

    /// `docs/DIRECTORY.md` is what a directory team fills a spreadsheet from: its table must
    /// list every column, in order, with the rule the code applies.
    #[test]
    fn the_documentation_lists_every_column_with_its_rule() {
        let doc = include_str!("../../../docs/DIRECTORY.md");
        let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
        let want: Vec<String> = COLUMNS
            .iter()
            .map(|c| {
                let level = match c.level {
                    Level::Organisation => "organisation",
                    Level::Service => "service",
                    Level::Location => "location",
                };
                let required = if c.required { "yes" } else { "" };
                format!("| `{}` | {level} | {required} | {} |", c.name, c.rule)
            })
            .collect();
        assert_eq!(rows, want);
    }

    #[test]
    fn the_header_row_must_fit_the_layout() {
        let mut h = headers();
        h.push("notes".into());
        let e = Layout::from_headers(&h).unwrap_err();
        assert_eq!(
            e,
            LayoutError::Unknown {
                name: "notes".into(),
                position: COLUMNS.len() + 1
            }
        );
        assert!(e.to_string().contains("service_name"));
        let e = Layout::from_headers(&["Organisation".into(), "url".into()]).unwrap_err();
        assert_eq!(e, LayoutError::Missing("service_name"));
        let e = Layout::from_headers(&[
            "organisation".into(),
            "service_name".into(),
            "URL".into(),
            "url ".into(),
        ])
        .unwrap_err();
        assert_eq!(e, LayoutError::Repeated("url".into()));
        assert!(
            Layout::from_headers(&[" ORGANISATION".into(), "Service_Name".into(), String::new()])
                .is_ok()
        );
    }

    #[test]
    fn a_good_row_is_a_valid_oruk_service() {
        let t = read(vec![row(GOOD)]);
        assert!(t.rows[0].accepted(), "{:?}", t.rows);
        assert_eq!(t.records.len(), 2, "the language taxonomy and the service");
        assert!(matches!(&t.records[0], Record::Taxonomy(x) if x.name == "ISO 639-1"));
        let Record::Service(s) = &t.records[1] else {
            panic!()
        };
        assert!(validate_service(s).is_empty(), "{:?}", validate_service(s));
        assert_eq!(s.assured_date.as_deref(), Some("2026-03-31"));
        let loc = s.service_at_locations[0].location.as_ref().unwrap();
        assert_eq!(loc.addresses[0].postal_code, "LS1 1LT");
        assert_eq!(loc.latitude, Some(53.79));
        assert_eq!(
            loc.accessibility[0].description.as_deref(),
            Some("Step-free access")
        );
        assert_eq!(
            s.schedules[0].service_at_location_id.as_deref(),
            Some(s.service_at_locations[0].id.as_str())
        );
        assert_eq!(s.contacts[0].phones[0].number, "0113 305 5800");
        assert_eq!(s.languages.len(), 2);
        let names: Vec<&str> = s.nested_terms().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), 4, "{names:?}");
        for n in ["Mental health", "Food", "English", "Polish"] {
            assert!(names.contains(&n), "{names:?}");
        }
        // The same row again gives the same records: a re-import updates, never duplicates.
        assert_eq!(read(vec![row(GOOD)]).records, t.records);
        // What the editor shows reads back into the same service.
        let back = row_of(s);
        let again = service_from_row(&back, &terms(), Some(&s.id), &gazetteer).unwrap();
        assert_eq!(&again.service, s.as_ref());
    }

    #[test]
    fn every_problem_of_a_row_is_named_with_its_column_and_value() {
        let bad = row(&[
            ("organisation", "Leeds Mind"),
            ("url", "www.example.org"),
            ("email", "help at example.org"),
            ("status", "open"),
            ("assured_date", "March 2026"),
            ("taxonomy_terms", "MH; XYZ"),
            ("languages", "english"),
            ("address_1", "Clarence House"),
            ("postcode", "LS1"),
            ("latitude", "95"),
            ("minimum_age", "18"),
            ("maximum_age", "16"),
        ]);
        let t = read(vec![bad]);
        assert!(t.records.is_empty());
        let p = &t.rows[0].problems;
        let col = |c: &str| {
            p.iter()
                .find(|x| x.column == c)
                .unwrap_or_else(|| panic!("{c}: {p:?}"))
        };
        assert_eq!(
            col("service_name").reason,
            "must not be blank: give the service's name"
        );
        assert_eq!(col("url").value, "www.example.org");
        assert!(col("email").reason.contains("email address"));
        assert!(col("status").reason.contains("temporarily closed"));
        assert!(col("assured_date").reason.contains("DD/MM/YYYY"));
        assert!(
            col("taxonomy_terms")
                .reason
                .starts_with("`XYZ` is not the code")
        );
        assert!(
            col("languages")
                .reason
                .starts_with("`english` is not an ISO 639-1")
        );
        assert!(col("town").reason.contains("town"));
        assert!(col("postcode").reason.contains("UK postcode"));
        assert!(col("latitude").reason.contains("−90 to 90"));
        assert!(col("longitude").reason.contains("with latitude"));
        assert!(col("minimum_age").reason.contains("above maximum_age"));
    }

    #[test]
    fn rows_of_one_service_merge_and_disagreements_are_refused() {
        let mut second = GOOD.to_vec();
        second.retain(|(k, _)| ["organisation", "service_name"].contains(k));
        second.extend([
            ("address_1", "1 Park Row"),
            ("town", "Leeds"),
            ("postcode", "LS1 5HD"),
            ("schedule", "Saturdays"),
        ]);
        let mut clash = second.clone();
        clash.push(("description", "Something else"));
        clash[2] = ("address_1", "2 Park Row");
        let repeat = second.clone();
        let t = read(vec![row(GOOD), row(&second), row(&clash), row(&repeat)]);
        let verdicts: Vec<bool> = t.rows.iter().map(RowOutcome::accepted).collect();
        assert_eq!(verdicts, [true, true, false, false], "{:?}", t.rows);
        assert_eq!(t.rows[2].problems[0].column, "description");
        assert!(
            t.rows[2].problems[0]
                .reason
                .starts_with("differs from row 2")
        );
        assert!(
            t.rows[3].problems[0]
                .reason
                .contains("same location of the same service as row 3")
        );
        let Record::Service(s) = &t.records[1] else {
            panic!()
        };
        assert_eq!(s.service_at_locations.len(), 2);
        assert_eq!(s.schedules.len(), 2);
        assert_eq!(s.description.as_deref(), Some("Counselling for adults"));
        assert!(validate_service(s).is_empty());
    }

    #[test]
    fn a_name_alone_is_an_online_service_and_a_code_of_two_terms_is_ambiguous() {
        let t = read(vec![row(&[
            ("organisation", "NHS 111"),
            ("service_name", "111 online"),
            ("location_name", "Online"),
            ("schedule", "Any time"),
        ])]);
        let Record::Service(s) = &t.records[0] else {
            panic!("{t:?}")
        };
        let l = s.service_at_locations[0].location.as_ref().unwrap();
        assert_eq!(l.location_type, LocationType::Virtual);
        let two = TermIndex::new([
            TaxonomyTerm {
                id: "3a1f8e0c-0000-4000-8000-000000000003".into(),
                name: "A".into(),
                description: String::new(),
                parent_id: None,
                taxonomy: Some("One".into()),
                taxonomy_id: None,
                term_uri: None,
                term: Some("X".into()),
            },
            TaxonomyTerm {
                id: "3a1f8e0c-0000-4000-8000-000000000004".into(),
                name: "B".into(),
                description: String::new(),
                parent_id: None,
                taxonomy: Some("Two".into()),
                taxonomy_id: None,
                term_uri: None,
                term: Some("x".into()),
            },
        ]);
        assert!(
            two.find("X")
                .unwrap_err()
                .contains("is the code of 2 terms")
        );
        assert_eq!(
            two.find("3A1F8E0C-0000-4000-8000-000000000004")
                .unwrap()
                .name,
            "B"
        );
    }

    #[test]
    fn a_value_outside_the_columns_is_refused() {
        let mut r = row(GOOD);
        r.push("stray".into());
        let t = read(vec![r]);
        assert!(t.rows[0].problems[0].reason.contains("outside the columns"));
    }
}

//! Reading an ORUK JSON document into records, each accepted or rejected with its reasons.
//!
//! A document is one record, an array of records, or a page of the ORUK API (an object whose
//! `contents` is an array), so a file saved from any ORUK API imports as it is. Each item is a
//! service, an organization (with or without its `services`), a service at a location (with
//! its `service` and `location`), a taxonomy (with or without its terms) or a taxonomy term;
//! the kind is told by fields only that kind has ([`Kind::detect`]) unless the caller names it.
//!
//! **Invariant:** every item is accounted for: accepted (with any warnings) or rejected with
//! the field and the reason for each problem. Nothing is changed silently: what is accepted
//! is stored as given.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm};
use crate::validate::{
    Problem, Severity, validate_organization, validate_service, validate_taxonomy,
    validate_taxonomy_term,
};

/// What a document's items are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Services (`service.json`).
    Service,
    /// Organizations, with their services if nested (`organization_full.json`).
    Organization,
    /// Services at locations, with their service and location.
    ServiceAtLocation,
    /// Taxonomies, with their terms if nested.
    Taxonomy,
    /// Taxonomy terms.
    TaxonomyTerm,
}

impl Kind {
    /// Every kind, in the order [`Kind::detect`] tries them.
    pub const ALL: [Kind; 5] = [
        Kind::Service,
        Kind::ServiceAtLocation,
        Kind::Organization,
        Kind::Taxonomy,
        Kind::TaxonomyTerm,
    ];

    /// Its name, as `--kind` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Organization => "organization",
            Kind::ServiceAtLocation => "service_at_location",
            Kind::Taxonomy => "taxonomy",
            Kind::TaxonomyTerm => "taxonomy_term",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of an item, told by a field only that kind has in ORUK 3.0: `status` (a
    /// service), `service` and `location` (a service at a location), `services`, `website`,
    /// `logo`, `organization_identifiers` or `parent_organization_id` (an organization),
    /// `taxonomy_terms` or `version` (a taxonomy), `parent_id`, `term`, `taxonomy`,
    /// `taxonomy_id` or `term_uri` (a term). `None` when no such field is present.
    pub fn detect(item: &Value) -> Option<Kind> {
        let has = |k: &str| item.get(k).is_some();
        if has("status") {
            Some(Kind::Service)
        } else if has("service") || (has("location") && !has("name")) {
            Some(Kind::ServiceAtLocation)
        } else if [
            "services",
            "website",
            "logo",
            "organization_identifiers",
            "parent_organization_id",
        ]
        .into_iter()
        .any(has)
        {
            Some(Kind::Organization)
        } else if has("taxonomy_terms") || has("version") {
            Some(Kind::Taxonomy)
        } else if ["parent_id", "term", "taxonomy", "taxonomy_id", "term_uri"]
            .into_iter()
            .any(has)
        {
            Some(Kind::TaxonomyTerm)
        } else {
            None
        }
    }
}

/// A record ready to store.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A service, with what it nests.
    Service(Box<Service>),
    /// An organization.
    Organization(Organization),
    /// A taxonomy, with its nested terms.
    Taxonomy(Taxonomy),
    /// A taxonomy term.
    TaxonomyTerm(TaxonomyTerm),
}

impl Record {
    /// Its identifier.
    pub fn id(&self) -> &str {
        match self {
            Record::Service(s) => &s.id,
            Record::Organization(o) => &o.id,
            Record::Taxonomy(t) => &t.id,
            Record::TaxonomyTerm(t) => &t.id,
        }
    }

    /// Its kind's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Service(_) => "service",
            Record::Organization(_) => "organization",
            Record::Taxonomy(_) => "taxonomy",
            Record::TaxonomyTerm(_) => "taxonomy_term",
        }
    }
}

/// One item of a document and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its position in the document, from 1.
    pub number: usize,
    /// Its `id`, if it has a string one.
    pub id: Option<String>,
    /// Its kind, if known.
    pub kind: Option<Kind>,
    /// The records it gives and their warnings, or why it is refused.
    pub outcome: Result<Accepted, Vec<Problem>>,
}

/// The records an accepted item gives (an organization with services gives the organization
/// and each service), and the warnings that did not refuse it.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The records.
    pub records: Vec<Record>,
    /// Warnings.
    pub warnings: Vec<Problem>,
}

/// A document that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON.
    #[error(
        "the file is not JSON: {0}\n\nhint: an ORUK file is a record, an array of records, or a page of the ORUK API with its `contents`"
    )]
    NotJson(serde_json::Error),
    /// JSON, but not a record, an array or a page.
    #[error(
        "the file holds a JSON {0}, not a record, an array of records or a page with `contents`\n\nhint: export the directory from an ORUK API (a page of /services) or as an array of services"
    )]
    NotRecords(&'static str),
}

/// Reads an ORUK JSON document. `kind` names what its items are; without it each item's kind
/// is told by its fields.
pub fn read_document(text: &str, kind: Option<Kind>) -> Result<Vec<Item>, DocumentError> {
    let value: Value = serde_json::from_str(text).map_err(DocumentError::NotJson)?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("contents") {
            Some(Value::Array(items)) => items,
            Some(other) => {
                map.insert("contents".into(), other);
                vec![Value::Object(map)]
            }
            None => vec![Value::Object(map)],
        },
        Value::Null => return Err(DocumentError::NotRecords("null")),
        Value::Bool(_) => return Err(DocumentError::NotRecords("boolean")),
        Value::Number(_) => return Err(DocumentError::NotRecords("number")),
        Value::String(_) => return Err(DocumentError::NotRecords("string")),
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| read_item(i + 1, item, kind))
        .collect())
}

fn read_item(number: usize, item: Value, kind: Option<Kind>) -> Item {
    let id = item.get("id").and_then(Value::as_str).map(str::to_string);
    if !item.is_object() {
        return Item {
            number,
            id,
            kind,
            outcome: Err(vec![Problem::error("", "is not a JSON object")]),
        };
    }
    let kind = kind.or_else(|| Kind::detect(&item));
    let outcome = match kind {
        None => Err(vec![Problem::error(
            "",
            "cannot tell what this record is (it has none of the fields that mark a service, organization, service_at_location, taxonomy or taxonomy term); name it with --kind",
        )]),
        Some(Kind::Service) => parse_service(item).and_then(|s| accept_service(s, Vec::new())),
        Some(Kind::ServiceAtLocation) => service_at_location(item),
        Some(Kind::Organization) => organization(item),
        Some(Kind::Taxonomy) => parse::<Taxonomy>(item).and_then(|t| {
            let problems = validate_taxonomy(&t);
            accept(vec![Record::Taxonomy(t)], problems)
        }),
        Some(Kind::TaxonomyTerm) => parse::<TaxonomyTerm>(item).and_then(|t| {
            let problems = validate_taxonomy_term(&t);
            accept(vec![Record::TaxonomyTerm(t)], problems)
        }),
    };
    Item {
        number,
        id,
        kind,
        outcome,
    }
}

/// Deserialises a service, naming the field that does not fit the ORUK shape.
pub fn parse_service(item: Value) -> Result<Service, Vec<Problem>> {
    parse::<Service>(item)
}

fn parse<T: DeserializeOwned>(item: Value) -> Result<T, Vec<Problem>> {
    serde_path_to_error::deserialize::<_, T>(item).map_err(|e| {
        let path = e.path().to_string();
        // serde_path_to_error writes `.` for the root.
        let path = if path == "." { String::new() } else { path };
        vec![Problem::error(path, e.into_inner().to_string())]
    })
}

fn accept(records: Vec<Record>, problems: Vec<Problem>) -> Result<Accepted, Vec<Problem>> {
    if problems.iter().any(|p| p.severity == Severity::Error) {
        Err(problems)
    } else {
        Ok(Accepted {
            records,
            warnings: problems,
        })
    }
}

fn accept_service(s: Service, mut extra: Vec<Problem>) -> Result<Accepted, Vec<Problem>> {
    extra.extend(validate_service(&s));
    accept(vec![Record::Service(Box::new(s))], extra)
}

/// A service at a location, as the profile's `service_at_location_full.json`: imported as its
/// service with this service_at_location (and its location) nested.
fn service_at_location(mut item: Value) -> Result<Accepted, Vec<Problem>> {
    let service = item.as_object_mut().and_then(|m| m.remove("service"));
    let Some(service) = service else {
        return Err(vec![Problem::error(
            "service",
            "a service_at_location is imported with its service; this one has none",
        )]);
    };
    let sal: ServiceAtLocation = parse(item)?;
    let mut s = parse_service(service).map_err(|ps| prefix(ps, "service"))?;
    if s.service_at_locations.iter().all(|x| x.id != sal.id) {
        s.service_at_locations.push(sal);
    }
    accept_service(s, Vec::new())
}

/// An organization, with its nested services (each given the organization, as a service of
/// the compiled `service.json` nests it).
fn organization(mut item: Value) -> Result<Accepted, Vec<Problem>> {
    let services = item.as_object_mut().and_then(|m| m.remove("services"));
    let org: Organization = parse(item)?;
    let mut problems = validate_organization(&org);
    let mut records = vec![Record::Organization(org.clone())];
    let services = match services {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(v)) => v,
        Some(_) => return Err(vec![Problem::error("services", "is not an array")]),
    };
    for (i, sv) in services.into_iter().enumerate() {
        let path = format!("services[{i}]");
        match parse_service(sv) {
            Ok(mut s) => {
                if s.organization.is_none() && s.organization_id.is_none() {
                    s.organization = Some(org.clone());
                }
                problems.extend(prefix(validate_service(&s), &path));
                records.push(Record::Service(Box::new(s)));
            }
            Err(ps) => problems.extend(prefix(ps, &path)),
        }
    }
    // An organization is accepted with all of its services or not at all: half an
    // organization would look complete in the directory.
    accept(records, problems)
}

fn prefix(problems: Vec<Problem>, path: &str) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            p.field = if p.field.is_empty() {
                path.to_string()
            } else if p.field.starts_with('[') {
                format!("{path}{}", p.field)
            } else {
                format!("{path}.{}", p.field)
            };
            p
        })
        .collect()
}

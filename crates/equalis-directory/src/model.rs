//! The records of Open Referral UK 3.0, shaped as its JSON (`standards/oruk-3.0/schema/`).
//!
//! Field names, which fields are required and the closed vocabularies (a service's status, a
//! location's type, an address's type, a schedule's frequency) follow the profile's schemas, so
//! `serde_json` reads and writes the official shapes directly: a required field that is missing,
//! a value of the wrong type or a word outside a vocabulary fails to deserialise, naming the field
//! ([`crate::parse_service`]). Optional fields are left out of the JSON when absent, as the
//! profile's examples do, rather than written as `null`.
//!
//! ORUK 3.0 nests a service's related records inside it (the compiled `service.json`): its
//! organization, service_at_locations with their location, addresses and accessibility, contacts,
//! schedules, languages, attributes with their taxonomy terms. The profile has no `phones` under a
//! service or contact; a [`Phone`] names its contact by `contact_id`, as `phone.json` does.

use serde::{Deserialize, Serialize};

/// A service: what someone can use, provided by an organization at locations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Its identifier (a UUID).
    pub id: String,
    /// The organization that provides it, when not nested as `organization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Its name.
    pub name: String,
    /// What it offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether it runs.
    pub status: ServiceStatus,
    /// What it costs, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<String>,
    /// Its accreditations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditations: Option<String>,
    /// The youngest age it serves, in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<f64>,
    /// The oldest age it serves, in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<f64>,
    /// When its entry was last checked as accurate (`YYYY-MM-DD`): the freshness date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<String>,
    /// Who checked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurer_email: Option<String>,
    /// A short notice for users (a temporary change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// When the entry last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When it is open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    /// The areas it serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_areas: Vec<ServiceArea>,
    /// Where it is delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_at_locations: Vec<ServiceAtLocation>,
    /// Languages it is delivered in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    /// The organization that provides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// How it is funded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    /// What it costs, by option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_options: Vec<CostOption>,
    /// People to contact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Taxonomy terms that describe it (need, eligibility, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A service's status (`service.json`'s enumeration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceStatus {
    /// It runs.
    #[serde(rename = "active")]
    Active,
    /// It does not run at present.
    #[serde(rename = "inactive")]
    Inactive,
    /// It has closed for good.
    #[serde(rename = "defunct")]
    Defunct,
    /// It has closed for a while.
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    /// The word ORUK uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Inactive => "inactive",
            ServiceStatus::Defunct => "defunct",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
        }
    }
}

/// An organization that provides services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Its identifier (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Its website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Its logo's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// A persistent identifier for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The organization it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_organization_id: Option<String>,
    /// Its identifiers in registers (Companies House, the Charity Commission, ODS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organization_identifiers: Vec<OrganizationIdentifier>,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

impl Organization {
    /// The organization with its one-to-one fields only.
    pub fn summary(&self) -> Organization {
        Organization {
            organization_identifiers: Vec::new(),
            attributes: Vec::new(),
            ..self.clone()
        }
    }
}

impl Location {
    /// The location with its one-to-one fields only (no addresses, accessibility or
    /// attributes): the shape of a list item's location (`compiled/service_at_location_list.json`).
    pub fn summary(&self) -> Location {
        Location {
            addresses: Vec::new(),
            accessibility: Vec::new(),
            attributes: Vec::new(),
            ..self.clone()
        }
    }
}

/// An organization's identifier in a register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    /// Its identifier (a UUID).
    pub id: String,
    /// The organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The register's scheme (org-id.guide code, e.g. `GB-COH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_scheme: Option<String>,
    /// What kind of identifier it is.
    pub identifier_type: String,
    /// The identifier.
    pub identifier: String,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A service delivered at a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service, when not implied by nesting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The location, when not nested as `location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A place (or a virtual location) where services are delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Its identifier (a UUID).
    pub id: String,
    /// Physical, postal or virtual.
    pub location_type: LocationType,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// WGS 84 latitude, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// WGS 84 longitude, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// An identifier elsewhere (a UPRN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier: Option<String>,
    /// The kind of that identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier_type: Option<String>,
    /// Its addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// How accessible it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accessibility: Vec<Accessibility>,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A location's kind (`location.json`'s enumeration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationType {
    /// A place people go to.
    Physical,
    /// A postal address.
    Postal,
    /// Online or by telephone.
    Virtual,
}

/// An address of a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Its identifier (a UUID).
    pub id: String,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Whom to address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    /// The first line.
    pub address_1: String,
    /// The town or city.
    pub city: String,
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The county (in the UK).
    pub state_province: String,
    /// The postcode.
    pub postal_code: String,
    /// The country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Physical, postal or virtual.
    pub address_type: LocationType,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// The accessibility of a location for disabled people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accessibility {
    /// Its identifier (a UUID).
    pub id: String,
    /// The location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// What is provided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Details of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// A page about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// The ORUK 2 field kept by the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<String>,
}

/// A person or team to contact about a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Taxonomy terms that describe it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Their telephone numbers. ORUK 3.0's compiled service has no place for a phone; HSDS
    /// 3.0 nests them here, and the profile's schemas allow the extra field, so a service's
    /// number travels with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
}

/// A telephone number of a contact (`phone.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phone {
    /// Its identifier (a UUID).
    pub id: String,
    /// The contact it reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The number.
    pub number: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Languages spoken on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
}

/// When a service is open: an iCalendar-like recurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The service at a location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_at_location_id: Option<String>,
    /// First day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Last day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// The first occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtstart: Option<String>,
    /// Weekly or monthly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freq: Option<Frequency>,
    /// Every how many weeks or months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<f64>,
    /// Days of the week (`MO,TU`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byday: Option<String>,
    /// Days of the month (`1,15`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bymonthday: Option<String>,
    /// In words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Opening time (`HH:MM:SS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// Closing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    /// A page with the timetable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_link: Option<String>,
    /// How people attend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_type: Option<String>,
    /// Anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A schedule's frequency (`schedule.json`'s enumeration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Frequency {
    /// Every `interval` weeks.
    Weekly,
    /// Every `interval` months.
    Monthly,
}

/// An area a service serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceArea {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its extent (GeoJSON, KML, WKT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<String>,
    /// The format of `extent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent_type: Option<String>,
    /// A persistent identifier of the area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The ORUK 2 field kept by the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<String>,
}

/// A language a service (or phone) is delivered in. ORUK 3.0 keeps only identifiers here;
/// the language itself is named by an attribute's taxonomy term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_id: Option<String>,
}

/// How a service is funded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// Where the money comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One way of paying for a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostOption {
    /// Its identifier (a UUID).
    pub id: String,
    /// The service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// First day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Last day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// Who it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The amount, in pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// What the amount buys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_description: Option<String>,
}

/// A taxonomy term attached to a record (`link_type` says how).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// Its identifier (a UUID).
    pub id: String,
    /// The record it describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_id: Option<String>,
    /// The term, when not nested as `taxonomy_term`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_term_id: Option<String>,
    /// How the term relates to the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
    /// The term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_term: Option<TaxonomyTerm>,
}

impl Attribute {
    /// The term's identifier, nested or by reference.
    pub fn term_id(&self) -> Option<&str> {
        self.taxonomy_term
            .as_ref()
            .map(|t| t.id.as_str())
            .or(self.taxonomy_term_id.as_deref())
    }
}

/// A taxonomy (a vocabulary of needs, circumstances, languages …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Its identifier (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Its terms, when nested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxonomy_terms: Vec<TaxonomyTerm>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    /// Its identifier (a UUID).
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// The broader term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// The taxonomy's name (free text, kept from ORUK 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// The taxonomy's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy_id: Option<String>,
    /// Where the term is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_uri: Option<String>,
    /// The term's code or label in its taxonomy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
}

impl Service {
    /// Every attribute of the service and of what it nests (its locations, their addresses
    /// and accessibility, its contacts, its organization).
    pub fn all_attributes(&self) -> Vec<&Attribute> {
        let mut out: Vec<&Attribute> = self.attributes.iter().collect();
        for c in &self.contacts {
            out.extend(&c.attributes);
        }
        for sal in &self.service_at_locations {
            if let Some(l) = &sal.location {
                out.extend(&l.attributes);
                for a in &l.addresses {
                    out.extend(&a.attributes);
                }
                for a in &l.accessibility {
                    out.extend(&a.attributes);
                }
            }
        }
        if let Some(o) = &self.organization {
            out.extend(&o.attributes);
            for i in &o.organization_identifiers {
                out.extend(&i.attributes);
            }
        }
        out
    }

    /// The identifiers of every taxonomy term the service carries, nested or by reference,
    /// sorted and without repeats: what a search by term matches.
    pub fn taxonomy_term_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .all_attributes()
            .into_iter()
            .filter_map(Attribute::term_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The taxonomy terms nested in the service, each once (by identifier).
    pub fn nested_terms(&self) -> Vec<&TaxonomyTerm> {
        let mut terms: Vec<&TaxonomyTerm> = self
            .all_attributes()
            .into_iter()
            .filter_map(|a| a.taxonomy_term.as_ref())
            .collect();
        terms.sort_by(|a, b| a.id.cmp(&b.id));
        terms.dedup_by(|a, b| a.id == b.id);
        terms
    }

    /// The service with its one-to-one fields only, and its organization's: the shape of an
    /// item of a list (`compiled/service_list.json`).
    pub fn summary(&self) -> Service {
        Service {
            schedules: Vec::new(),
            service_areas: Vec::new(),
            service_at_locations: Vec::new(),
            languages: Vec::new(),
            organization: self.organization.as_ref().map(Organization::summary),
            funding: Vec::new(),
            cost_options: Vec::new(),
            contacts: Vec::new(),
            attributes: Vec::new(),
            ..self.clone()
        }
    }

    /// The organization's identifier, nested or by reference.
    pub fn organization_ref(&self) -> Option<&str> {
        self.organization
            .as_ref()
            .map(|o| o.id.as_str())
            .or(self.organization_id.as_deref())
    }

    /// The points where the service is delivered: each location with usable coordinates
    /// (both present and on the globe; see [`crate::validate_service`]).
    pub fn points(&self) -> Vec<(&ServiceAtLocation, crate::Point)> {
        self.service_at_locations
            .iter()
            .filter_map(|sal| {
                let l = sal.location.as_ref()?;
                let p = crate::Point::new(l.latitude?, l.longitude?)?;
                Some((sal, p))
            })
            .collect()
    }
}

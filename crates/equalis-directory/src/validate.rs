//! Checks of a record beyond its JSON shape, each problem naming its field.
//!
//! The JSON shape (required fields, types, vocabularies) is checked by deserialising
//! ([`crate::parse_service`]). These rules are what the profile states in words or formats
//! (identifiers are UUIDs, emails and URLs are well formed, dates are dates) and what a
//! directory needs to be usable (a name that is not blank, an age range that is a range).
//!
//! A problem is an [`Severity::Error`], which rejects the record, or a
//! [`Severity::Warning`], which keeps it, unchanged, and says what will not work: a location
//! whose coordinates are off the globe (as in the profile's own examples, latitude 100) is
//! stored as given and left out of proximity search.

use std::fmt;

use crate::model::{
    Accessibility, Address, Attribute, Contact, Location, Organization, Schedule, Service,
    Taxonomy, TaxonomyTerm,
};

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The record is kept; something will not work as it might.
    Warning,
    /// The record is refused.
    Error,
}

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's path in the JSON (`service_at_locations[0].location.latitude`).
    pub field: String,
    /// What is wrong, in words, with the value where it helps.
    pub reason: String,
    /// Whether it refuses the record.
    pub severity: Severity,
}

impl Problem {
    pub(crate) fn error(field: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            field: field.into(),
            reason: reason.into(),
            severity: Severity::Error,
        }
    }

    fn warning(field: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            field: field.into(),
            reason: reason.into(),
            severity: Severity::Warning,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}

/// Whether `s` is a UUID in its text form (8-4-4-4-12 hexadecimal digits), as every ORUK
/// identifier must be (`format: uuid`).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Collects problems with their paths.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn id(&mut self, path: &str, id: &str) {
        if !is_uuid(id) {
            self.problems.push(Problem::error(
                join(path, "id"),
                format!(
                    "`{}` is not a UUID (8-4-4-4-12 hexadecimal digits)",
                    clip(id)
                ),
            ));
        }
    }

    fn opt_uuid(&mut self, path: &str, field: &str, v: Option<&str>) {
        if let Some(v) = v
            && !is_uuid(v)
        {
            self.problems.push(Problem::error(
                join(path, field),
                format!("`{}` is not a UUID", clip(v)),
            ));
        }
    }

    fn not_blank(&mut self, path: &str, field: &str, v: &str) {
        if v.trim().is_empty() {
            self.problems
                .push(Problem::error(join(path, field), "must not be blank"));
        }
    }

    fn email(&mut self, path: &str, field: &str, v: Option<&str>) {
        let Some(v) = v else { return };
        let ok = match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !v.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !ok {
            self.problems.push(Problem::error(
                join(path, field),
                format!("`{}` is not an email address", clip(v)),
            ));
        }
    }

    fn url(&mut self, path: &str, field: &str, v: Option<&str>) {
        let Some(v) = v else { return };
        let rest = v
            .strip_prefix("https://")
            .or_else(|| v.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace)) {
            self.problems.push(Problem::error(
                join(path, field),
                format!(
                    "`{}` is not a web address (it should start with https:// or http://)",
                    clip(v)
                ),
            ));
        }
    }

    fn date(&mut self, path: &str, field: &str, v: Option<&str>) {
        if let Some(v) = v
            && v.parse::<jiff::civil::Date>().is_err()
        {
            self.problems.push(Problem::error(
                join(path, field),
                format!("`{}` is not a date (YYYY-MM-DD)", clip(v)),
            ));
        }
    }

    fn time(&mut self, path: &str, field: &str, v: Option<&str>) {
        if let Some(v) = v
            && v.parse::<jiff::civil::Time>().is_err()
        {
            self.problems.push(Problem::error(
                join(path, field),
                format!("`{}` is not a time of day (HH:MM or HH:MM:SS)", clip(v)),
            ));
        }
    }

    fn attributes(&mut self, path: &str, attrs: &[Attribute]) {
        for (i, a) in attrs.iter().enumerate() {
            let p = format!("{}[{i}]", join(path, "attributes"));
            self.id(&p, &a.id);
            self.opt_uuid(&p, "link_id", a.link_id.as_deref());
            self.opt_uuid(&p, "taxonomy_term_id", a.taxonomy_term_id.as_deref());
            match &a.taxonomy_term {
                Some(t) => {
                    self.term(&join(&p, "taxonomy_term"), t);
                    if let Some(tid) = &a.taxonomy_term_id
                        && *tid != t.id
                    {
                        self.problems.push(Problem::error(
                            join(&p, "taxonomy_term_id"),
                            format!(
                                "`{}` differs from the nested term's id `{}`",
                                clip(tid),
                                t.id
                            ),
                        ));
                    }
                }
                None if a.taxonomy_term_id.is_none() => self.problems.push(Problem::error(
                    p,
                    "names no taxonomy term (give taxonomy_term or taxonomy_term_id)",
                )),
                None => {}
            }
        }
    }

    fn term(&mut self, path: &str, t: &TaxonomyTerm) {
        self.id(path, &t.id);
        self.not_blank(path, "name", &t.name);
        self.opt_uuid(path, "parent_id", t.parent_id.as_deref());
        self.opt_uuid(path, "taxonomy_id", t.taxonomy_id.as_deref());
        self.url(path, "term_uri", t.term_uri.as_deref());
    }

    fn organization(&mut self, path: &str, o: &Organization) {
        self.id(path, &o.id);
        self.not_blank(path, "name", &o.name);
        self.email(path, "email", o.email.as_deref());
        self.url(path, "website", o.website.as_deref());
        self.url(path, "uri", o.uri.as_deref());
        self.opt_uuid(
            path,
            "parent_organization_id",
            o.parent_organization_id.as_deref(),
        );
        for (i, x) in o.organization_identifiers.iter().enumerate() {
            let p = format!("{}[{i}]", join(path, "organization_identifiers"));
            self.id(&p, &x.id);
            self.not_blank(&p, "identifier", &x.identifier);
            self.attributes(&p, &x.attributes);
        }
        self.attributes(path, &o.attributes);
    }

    fn location(&mut self, path: &str, l: &Location) {
        self.id(path, &l.id);
        match (l.latitude, l.longitude) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    self.problems.push(Problem::warning(
                        join(path, "latitude"),
                        format!("{lat} is outside −90 to 90: kept as given, but this location is left out of proximity search"),
                    ));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    self.problems.push(Problem::warning(
                        join(path, "longitude"),
                        format!("{lon} is outside −180 to 180: kept as given, but this location is left out of proximity search"),
                    ));
                }
            }
            (Some(_), None) | (None, Some(_)) => self.problems.push(Problem::warning(
                path.to_string(),
                "has only one of latitude and longitude: left out of proximity search",
            )),
            (None, None) => {}
        }
        for (i, a) in l.addresses.iter().enumerate() {
            self.address(&format!("{}[{i}]", join(path, "addresses")), a);
        }
        for (i, a) in l.accessibility.iter().enumerate() {
            self.accessibility(&format!("{}[{i}]", join(path, "accessibility")), a);
        }
        self.attributes(path, &l.attributes);
    }

    fn address(&mut self, path: &str, a: &Address) {
        self.id(path, &a.id);
        self.not_blank(path, "address_1", &a.address_1);
        self.not_blank(path, "postal_code", &a.postal_code);
        self.attributes(path, &a.attributes);
    }

    fn accessibility(&mut self, path: &str, a: &Accessibility) {
        self.id(path, &a.id);
        self.url(path, "url", a.url.as_deref());
        self.attributes(path, &a.attributes);
    }

    fn contact(&mut self, path: &str, c: &Contact) {
        self.id(path, &c.id);
        self.attributes(path, &c.attributes);
        for (i, ph) in c.phones.iter().enumerate() {
            let p = format!("{}[{i}]", join(path, "phones"));
            self.id(&p, &ph.id);
            self.opt_uuid(&p, "contact_id", ph.contact_id.as_deref());
            self.not_blank(&p, "number", &ph.number);
        }
    }

    fn schedule(&mut self, path: &str, s: &Schedule) {
        self.id(path, &s.id);
        self.date(path, "valid_from", s.valid_from.as_deref());
        self.date(path, "valid_to", s.valid_to.as_deref());
        self.time(path, "opens_at", s.opens_at.as_deref());
        self.time(path, "closes_at", s.closes_at.as_deref());
        self.url(path, "schedule_link", s.schedule_link.as_deref());
        if let Some(i) = s.interval
            && !(i >= 1.0 && i.fract() == 0.0)
        {
            self.problems.push(Problem::error(
                join(path, "interval"),
                format!("{i} is not a whole number of weeks or months (1 or more)"),
            ));
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A value shortened for a message, so a pasted essay does not fill the report.
fn clip(v: &str) -> String {
    const MAX: usize = 60;
    if v.chars().count() <= MAX {
        v.to_string()
    } else {
        format!("{}…", v.chars().take(MAX).collect::<String>())
    }
}

/// The problems of a service and everything it nests, errors first.
pub fn validate_service(s: &Service) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.id("", &s.id);
    c.not_blank("", "name", &s.name);
    c.opt_uuid("", "organization_id", s.organization_id.as_deref());
    c.url("", "url", s.url.as_deref());
    c.email("", "email", s.email.as_deref());
    c.email("", "assurer_email", s.assurer_email.as_deref());
    c.date("", "assured_date", s.assured_date.as_deref());
    if let Some(v) = &s.last_modified
        && v.parse::<jiff::Timestamp>().is_err()
    {
        c.problems.push(Problem::error(
            "last_modified",
            format!(
                "`{}` is not a date and time with its offset (RFC 3339)",
                clip(v)
            ),
        ));
    }
    for (field, age) in [
        ("minimum_age", s.minimum_age),
        ("maximum_age", s.maximum_age),
    ] {
        if let Some(a) = age
            && !(0.0..=150.0).contains(&a)
        {
            c.problems.push(Problem::error(
                field,
                format!("{a} is not an age in years (0 to 150)"),
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (s.minimum_age, s.maximum_age)
        && lo > hi
    {
        c.problems.push(Problem::error(
            "minimum_age",
            format!("{lo} is above maximum_age {hi}"),
        ));
    }
    if let (Some(nested), Some(id)) = (&s.organization, &s.organization_id)
        && nested.id != *id
    {
        c.problems.push(Problem::error(
            "organization_id",
            format!(
                "`{}` differs from the nested organization's id `{}`",
                clip(id),
                nested.id
            ),
        ));
    }
    for (i, x) in s.schedules.iter().enumerate() {
        c.schedule(&format!("schedules[{i}]"), x);
    }
    for (i, x) in s.service_areas.iter().enumerate() {
        c.id(&format!("service_areas[{i}]"), &x.id);
    }
    for (i, sal) in s.service_at_locations.iter().enumerate() {
        let p = format!("service_at_locations[{i}]");
        c.id(&p, &sal.id);
        c.opt_uuid(&p, "location_id", sal.location_id.as_deref());
        match &sal.location {
            Some(l) => c.location(&join(&p, "location"), l),
            None if sal.location_id.is_none() => c.problems.push(Problem::error(
                p,
                "names no location (give location or location_id)",
            )),
            None => {}
        }
    }
    for (i, x) in s.languages.iter().enumerate() {
        c.id(&format!("languages[{i}]"), &x.id);
    }
    if let Some(o) = &s.organization {
        c.organization("organization", o);
    }
    for (i, x) in s.funding.iter().enumerate() {
        c.id(&format!("funding[{i}]"), &x.id);
    }
    for (i, x) in s.cost_options.iter().enumerate() {
        let p = format!("cost_options[{i}]");
        c.id(&p, &x.id);
        c.date(&p, "valid_from", x.valid_from.as_deref());
        c.date(&p, "valid_to", x.valid_to.as_deref());
        if let Some(a) = x.amount
            && a < 0.0
        {
            c.problems.push(Problem::error(
                join(&p, "amount"),
                format!("{a} is below zero"),
            ));
        }
    }
    for (i, x) in s.contacts.iter().enumerate() {
        c.contact(&format!("contacts[{i}]"), x);
    }
    c.attributes("", &s.attributes);
    sorted(c.problems)
}

/// The problems of an organization.
pub fn validate_organization(o: &Organization) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.organization("", o);
    sorted(c.problems)
}

/// The problems of a taxonomy and its nested terms.
pub fn validate_taxonomy(t: &Taxonomy) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.id("", &t.id);
    c.not_blank("", "name", &t.name);
    c.url("", "uri", t.uri.as_deref());
    for (i, term) in t.taxonomy_terms.iter().enumerate() {
        c.term(&format!("taxonomy_terms[{i}]"), term);
    }
    sorted(c.problems)
}

/// The problems of a taxonomy term.
pub fn validate_taxonomy_term(t: &TaxonomyTerm) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.term("", t);
    sorted(c.problems)
}

fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    // Errors first, then in the order found (a stable sort keeps the document's order).
    problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
    problems
}

//! The directory editor's use cases: save a service from the editor's form (the flat layout
//! for one row, checked by the same rules as an imported row), mark it reviewed, withdraw it,
//! and the list of services not reviewed in 12 months with its CSV.
//!
//! Every change goes through the store's `directory_save`, which audits it. A form that does
//! not pass comes back as its problems by column (the form's field), with nothing saved.

use std::collections::BTreeMap;

use equalis_directory::{
    CellProblem, Cells, Freshness, Organization, Placement, Record, Service, ServiceStatus,
    freshness, language_taxonomy, row_of, service_from_row,
};
use equalis_store::{Actor, Store};

use super::table::term_index;
use super::{postcode_places, store_error};
use crate::output::spreadsheet_text;
use crate::{Error, ErrorKind, Result};

/// The service `id`, or a not-found error naming it.
pub async fn load(store: &Store, id: &str) -> Result<Service> {
    store
        .directory_service(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("There is no service {id} in the directory."),
            )
        })
}

/// The service as the editor's form shows it (the flat layout's row of its first location),
/// and where that location was placed from its postcode, if it was: coordinates that are
/// the postcode's point are shown blank, so that a changed postcode places it again rather
/// than leaving it where the old postcode was.
pub fn form_row(service: &Service) -> (BTreeMap<&'static str, String>, Option<Placement>) {
    let mut row = row_of(service);
    let number = |k: &str| row.get(k).and_then(|v| v.trim().parse::<f64>().ok());
    let placed = match (row.get("postcode"), number("latitude"), number("longitude")) {
        (Some(pc), Some(lat), Some(long)) if !pc.trim().is_empty() => {
            postcode_places(pc).ok().filter(|p| p.is_at(lat, long))
        }
        _ => None,
    };
    if placed.is_some() {
        row.insert("latitude", String::new());
        row.insert("longitude", String::new());
    }
    (row, placed)
}

/// Saves the service the form's `cells` describe: a new one (`existing` is `None`) or the
/// service `existing`, whose fields the form does not show (its other locations and contacts,
/// funding, costs, service areas) are kept. A location with a postcode and no coordinates is
/// placed at the postcode's point ([`postcode_places`]); a postcode the lookup does not have
/// is a problem of the postcode field. `Ok(Err(problems))` when the form does not pass.
pub async fn save_form(
    store: &Store,
    actor: &Actor,
    existing: Option<&str>,
    cells: &Cells,
) -> Result<std::result::Result<Service, Vec<CellProblem>>> {
    let old = match existing {
        Some(id) => Some(load(store, id).await?),
        None => None,
    };
    let terms = term_index(store).await?;
    let read = match service_from_row(cells, &terms, existing, &postcode_places) {
        Ok(r) => r,
        Err(problems) => return Ok(Err(problems)),
    };
    let service = match &old {
        Some(old) => merge(old, read.service),
        None => {
            if store
                .directory_service(&read.service.id)
                .await
                .map_err(store_error)?
                .is_some()
            {
                return Ok(Err(vec![CellProblem {
                    column: "service_name".into(),
                    value: read.service.name.clone(),
                    reason: "a service of this name from this organisation is in the directory already: change that one, or give this one another name".into(),
                }]));
            }
            read.service
        }
    };
    let mut records = Vec::new();
    if read.uses_languages {
        records.push(Record::Taxonomy(language_taxonomy()));
    }
    records.push(Record::Service(Box::new(service.clone())));
    store
        .directory_save(actor, &records)
        .await
        .map_err(store_error)?;
    Ok(Ok(service))
}

/// `new` (read from the form) with what the form does not show taken from `old`.
fn merge(old: &Service, mut new: Service) -> Service {
    // The same organisation by name keeps its identifier and what the form does not show.
    if let (Some(o), Some(n)) = (&old.organization, &new.organization)
        && same_name(&o.name, &n.name)
    {
        let org = Organization {
            name: n.name.clone(),
            description: n.description.clone(),
            website: n.website.clone(),
            ..o.clone()
        };
        new.organization_id = Some(org.id.clone());
        new.organization = Some(org);
    }
    // The form edits the first location and contact; the rest are kept as they were, with
    // the schedules of the kept locations.
    let kept: Vec<_> = old
        .service_at_locations
        .iter()
        .skip(1)
        .filter(|s| new.service_at_locations.iter().all(|n| n.id != s.id))
        .cloned()
        .collect();
    new.schedules.extend(
        old.schedules
            .iter()
            .filter(|s| {
                s.service_at_location_id
                    .as_deref()
                    .is_some_and(|id| kept.iter().any(|k| k.id == id))
            })
            .cloned(),
    );
    new.service_at_locations.extend(kept);
    new.contacts.extend(old.contacts.iter().skip(1).cloned());
    new.accreditations.clone_from(&old.accreditations);
    new.alert.clone_from(&old.alert);
    new.last_modified.clone_from(&old.last_modified);
    new.service_areas.clone_from(&old.service_areas);
    new.funding.clone_from(&old.funding);
    new.cost_options.clone_from(&old.cost_options);
    new
}

fn same_name(a: &str, b: &str) -> bool {
    let n = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    n(a) == n(b)
}

/// Marks the service `id` as reviewed on `today` (its `assured_date`, the freshness date).
pub async fn mark_reviewed(
    store: &Store,
    actor: &Actor,
    id: &str,
    today: jiff::civil::Date,
) -> Result<Service> {
    let mut s = load(store, id).await?;
    s.assured_date = Some(today.to_string());
    save(store, actor, s).await
}

/// Withdraws the service `id`: its status becomes inactive (it stays in the directory, and
/// its history in the audit log).
pub async fn withdraw(store: &Store, actor: &Actor, id: &str) -> Result<Service> {
    let mut s = load(store, id).await?;
    s.status = ServiceStatus::Inactive;
    save(store, actor, s).await
}

async fn save(store: &Store, actor: &Actor, s: Service) -> Result<Service> {
    store
        .directory_save(actor, &[Record::Service(Box::new(s.clone()))])
        .await
        .map_err(store_error)?;
    Ok(s)
}

/// A stale service as the freshness list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleService {
    /// The service.
    pub service: Service,
    /// When it was last reviewed, if ever.
    pub reviewed: Option<jiff::civil::Date>,
    /// Whole months since then (`None` if never reviewed).
    pub months: Option<i64>,
}

/// The services not reviewed in the last 12 months on `today` (never reviewed first, then the
/// oldest review first).
pub async fn stale(store: &Store, today: jiff::civil::Date) -> Result<Vec<StaleService>> {
    let services = store
        .directory_stale_services(today)
        .await
        .map_err(store_error)?;
    Ok(services
        .into_iter()
        .filter(|s| freshness(s, today).is_stale())
        .map(|service| {
            let reviewed = match freshness(&service, today) {
                Freshness::Fresh { reviewed } | Freshness::Stale { reviewed } => Some(reviewed),
                Freshness::NeverReviewed => None,
            };
            let months = reviewed.and_then(|r| {
                r.until((jiff::Unit::Month, today))
                    .ok()
                    .map(|s| i64::from(s.get_months()))
            });
            StaleService {
                service,
                reviewed,
                months,
            }
        })
        .collect())
}

/// The freshness list as CSV: `service_id,service,organisation,status,last_reviewed,months_since_review`.
pub fn stale_csv(rows: &[StaleService]) -> Result<Vec<u8>> {
    let fault = |e: csv::Error| Error::new(ErrorKind::Fault, format!("writing the CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "service_id",
        "service",
        "organisation",
        "status",
        "last_reviewed",
        "months_since_review",
    ])
    .map_err(fault)?;
    for r in rows {
        let s = &r.service;
        w.write_record([
            s.id.as_str(),
            &spreadsheet_text(&s.name),
            &spreadsheet_text(s.organization.as_ref().map_or("", |o| o.name.as_str())),
            s.status.as_str(),
            &r.reviewed
                .map_or_else(|| "never".to_owned(), |d| d.to_string()),
            &r.months.map_or_else(String::new, |m| m.to_string()),
        ])
        .map_err(fault)?;
    }
    w.into_inner()
        .map_err(|e| Error::new(ErrorKind::Fault, format!("writing the CSV: {e}")))
}

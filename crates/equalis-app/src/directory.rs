//! Importing an ORUK JSON file into the directory of services: every item accepted or
//! rejected with a reason, as ingest accounts for every row.
//!
//! The file is read by `equalis_directory::read_document` (an item is refused for its JSON
//! shape or its field rules, naming each field); an item whose identifier an earlier item of
//! the file already used is refused too (the second would silently replace the first); the
//! accepted records are saved in one transaction of the store, each change audited
//! (`equalis_store::directory`). `strict` saves nothing if any item is refused.
//!
//! A CSV or Excel file in the flat layout is imported by [`table`]; the editor's use cases are
//! in [`edit`].

pub mod edit;
pub mod table;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use equalis_directory::{Kind, Placement, Problem, Record, read_document};
use equalis_store::directory::{Change, Saved};
use equalis_store::{Actor, Store, StoreError};

use crate::{Error, ErrorKind, Result};

/// What became of one item of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemReport {
    /// Its position in the file, from 1.
    pub number: usize,
    /// Its `id`, when it has one.
    pub id: Option<String>,
    /// Its kind, when known.
    pub kind: Option<Kind>,
    /// Whether it was accepted.
    pub accepted: bool,
    /// Why it was refused (errors first), or the warnings it was accepted with.
    pub problems: Vec<Problem>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// Every item of the file, in order.
    pub items: Vec<ItemReport>,
    /// Every record saved (nested organizations and terms included) and what saving did.
    pub saved: Vec<Saved>,
    /// Whether the accepted records were saved (false under `strict` with a refusal).
    pub committed: bool,
}

impl ImportReport {
    /// Items read.
    pub fn read(&self) -> usize {
        self.items.len()
    }

    /// Items accepted.
    pub fn accepted(&self) -> usize {
        self.items.iter().filter(|i| i.accepted).count()
    }

    /// Items refused.
    pub fn rejected(&self) -> usize {
        self.read() - self.accepted()
    }

    /// How many records saving created, updated and left unchanged.
    pub fn changes(&self) -> (usize, usize, usize) {
        let n = |c: Change| self.saved.iter().filter(|s| s.change == c).count();
        (n(Change::Created), n(Change::Updated), n(Change::Unchanged))
    }

    /// The report as the command line prints it: each refused item with its reasons, each
    /// accepted one with warnings, then the counts.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = String::new();
        for item in &self.items {
            if item.problems.is_empty() {
                continue;
            }
            let what = format!(
                "item {}{}{}",
                item.number,
                item.kind
                    .map(|k| format!(" ({})", k.as_str()))
                    .unwrap_or_default(),
                item.id
                    .as_deref()
                    .map(|id| format!(" {id}"))
                    .unwrap_or_default()
            );
            let verdict = if item.accepted {
                "accepted with warnings"
            } else {
                "rejected"
            };
            let _ = writeln!(out, "{what}: {verdict}");
            for p in &item.problems {
                let _ = writeln!(out, "  {p}");
            }
        }
        let (created, updated, unchanged) = self.changes();
        let _ = writeln!(
            out,
            "{file}: read {}, accepted {}, rejected {}",
            self.read(),
            self.accepted(),
            self.rejected()
        );
        if self.committed {
            let _ = writeln!(
                out,
                "saved {} records: {created} new, {updated} changed, {unchanged} unchanged",
                self.saved.len()
            );
        } else {
            let _ = writeln!(out, "nothing saved (--strict, and items were rejected)");
        }
        out
    }
}

/// Imports `text` (the contents of an ORUK JSON file) into the store's directory. `kind`
/// names what the items are; without it each item's kind is told by its fields.
pub async fn import(
    store: &Store,
    actor: &Actor,
    text: &str,
    kind: Option<Kind>,
    strict: bool,
) -> Result<ImportReport> {
    let items = read_document(text, kind).map_err(|e| Error::invalid(e.to_string()))?;
    let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut records: Vec<Record> = Vec::new();
    let mut reports = Vec::with_capacity(items.len());
    for item in items {
        let (accepted, problems) = match item.outcome {
            Ok(ok) => {
                // A record given twice in one file: the second would replace the first
                // unseen, so it is refused, naming the first.
                let clash = ok.records.iter().find_map(|r| {
                    seen.get(&(r.kind(), r.id().to_string()))
                        .map(|first| (r.kind(), r.id().to_string(), *first))
                });
                match clash {
                    Some((kind, id, first)) => (
                        false,
                        vec![Problem {
                            field: "id".into(),
                            reason: format!(
                                "{kind} {id} is item {first} of this file already; each record once"
                            ),
                            severity: equalis_directory::Severity::Error,
                        }],
                    ),
                    None => {
                        for r in &ok.records {
                            seen.insert((r.kind(), r.id().to_string()), item.number);
                        }
                        records.extend(ok.records);
                        (true, ok.warnings)
                    }
                }
            }
            Err(problems) => (false, problems),
        };
        reports.push(ItemReport {
            number: item.number,
            id: item.id,
            kind: item.kind,
            accepted,
            problems,
        });
    }
    let refused = reports.iter().any(|r| !r.accepted);
    let (saved, committed) = if strict && refused {
        (Vec::new(), false)
    } else {
        (
            store
                .directory_save(actor, &records)
                .await
                .map_err(store_error)?,
            true,
        )
    };
    Ok(ImportReport {
        items: reports,
        saved,
        committed,
    })
}

/// [`import`] of the file at `path`.
pub async fn import_file(
    store: &Store,
    actor: &Actor,
    path: &Path,
    kind: Option<Kind>,
    strict: bool,
) -> Result<ImportReport> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid(format!(
            "cannot read `{}`: {e}\n\nhint: give the path of an ORUK JSON file (UTF-8)",
            path.display()
        ))
    })?;
    import(store, actor, &text, kind, strict).await
}

/// Where a location of the flat layout or the editor's form with a postcode but no
/// coordinates is placed: the ONS Postcode Lookup shipped in `equalis-refdata` (every LE
/// postcode at its own point; elsewhere the centre of its sector, which the placement says).
/// The reason for a postcode it does not have reads after the column's name.
pub fn postcode_places(postcode: &str) -> std::result::Result<Placement, String> {
    use equalis_refdata::{PostcodeError, PostcodePrecision, RefData};
    match RefData::get().locate_postcode(postcode) {
        Ok(loc) => Ok(Placement {
            postcode: loc.query.as_str().to_owned(),
            latitude: loc.lat,
            longitude: loc.long,
            exact: loc.precision == PostcodePrecision::Postcode,
        }),
        Err(PostcodeError::NotFound { .. }) => Err(
            "is not in the ONS Postcode Lookup shipped with equalis (May 2025), so the place cannot be put on the map: check the postcode, or give the latitude and longitude of the place"
                .to_owned(),
        ),
        Err(e @ PostcodeError::Malformed { .. }) => Err(e.to_string()),
    }
}

pub(crate) fn store_error(e: StoreError) -> Error {
    let kind = match e.kind() {
        equalis_store::ErrorKind::Request | equalis_store::ErrorKind::Forbidden => {
            ErrorKind::Invalid
        }
        equalis_store::ErrorKind::NotFound => ErrorKind::NotFound,
        equalis_store::ErrorKind::Conflict => ErrorKind::Conflict,
        equalis_store::ErrorKind::Unavailable => ErrorKind::Fault,
    };
    Error::new(kind, e.to_string())
}

//! Citizens' Panel: the volunteers and quotas files (CSV as in DATASETS.md) read into the
//! validated values of `equalis-sortition`, the JSON selection record, the text of a
//! selection or replacement, the quotas from a footprint ([`quotas`]) and the panel page of
//! the report ([`page`]), and who is heard in the pool against the footprint ([`pool_heard`]).
//!
//! `equalis-sortition` does the selection on validated values and never sees a file. Errors
//! about a file name the file, the row and the column, and say the fix.

mod heard;
pub mod page;
pub mod quotas;

pub use heard::{PoolHeard, pool_heard};
pub use page::report_section;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use equalis_refdata::PanelFeature;
use equalis_sortition::{Algorithm, Pool, Quota, Quotas, Replacement, Selection, Volunteer};
use serde_json::{Value, json};

/// The volunteers file and the quotas file, read and checked; the quotas' features named as
/// the pool's columns ([`align`]).
pub fn load_files(volunteers: &Path, quotas: &Path) -> crate::Result<(Pool, Quotas)> {
    // Every failure to read the caller's own files is theirs to mend.
    load_files_any(volunteers, quotas).map_err(|e| crate::Error::from(e).callers())
}
fn load_files_any(volunteers: &Path, quotas: &Path) -> anyhow::Result<(Pool, Quotas)> {
    let pool = read_volunteers(volunteers)?;
    let q = align(read_quotas(quotas)?, pool.features());
    let q = Quotas::new(q).with_context(|| format!("`{}`", quotas.display()))?;
    Ok((pool, q))
}

/// The algorithm of a name as records and the command line write it (`maximin`, …), in any
/// case.
pub fn algorithm_named(name: &str) -> Option<Algorithm> {
    [
        Algorithm::Maximin,
        Algorithm::Leximin,
        Algorithm::Nash,
        Algorithm::Legacy,
    ]
    .into_iter()
    .find(|a| a.name().eq_ignore_ascii_case(name))
}

/// Reads the selection record at `path` (written by `equalis panel select --format json`, or
/// by an earlier replace) for a replacement from `pool` (read from the file `volunteers`):
/// the panel it holds and the algorithm to draw replacements with, `algorithm` if given or
/// else the record's own. Refuses a record drawn from another pool.
pub fn read_record(
    path: &Path,
    pool: &Pool,
    volunteers: &Path,
    algorithm: Option<Algorithm>,
) -> crate::Result<(Vec<String>, Algorithm)> {
    read_record_any(path, pool, volunteers, algorithm).map_err(|e| crate::Error::from(e).callers())
}
fn read_record_any(
    path: &Path,
    pool: &Pool,
    volunteers: &Path,
    algorithm: Option<Algorithm>,
) -> anyhow::Result<(Vec<String>, Algorithm)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the selection record `{}`", path.display()))?;
    let record: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a JSON selection record; write one with `equalis panel select --format json`",
            path.display()
        )
    })?;
    let field = |name: &str| {
        record.get(name).with_context(|| {
            format!(
                "`{}` has no `{name}` field; is it a record from `equalis panel select --format json`?",
                path.display()
            )
        })
    };
    let recorded_hash = field("pool_hash")?.as_str().unwrap_or_default();
    if recorded_hash != pool.hash() {
        bail!(
            "`{}` is not the pool the selection in `{}` was drawn from (its hash differs)\n\nhint: pass the volunteers file used for the original selection",
            volunteers.display(),
            path.display()
        );
    }
    let panel: Vec<String> = field("panel")?
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let algorithm = match algorithm {
        Some(a) => a,
        None => {
            let name = field("algorithm")?.as_str().unwrap_or_default();
            algorithm_named(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "`{}` names an unknown algorithm `{name}`; pass --algorithm",
                    path.display()
                )
            })?
        }
    };
    Ok((panel, algorithm))
}

/// The quotas with each feature named as the pool's column for it, so that a quota for
/// `ethnic_group` (as `equalis panel quotas` writes it) fits a pool whose column is
/// `ethnicity` (as older files have it), and the other way round: one vocabulary,
/// [`PanelFeature`], with its aliases. The pool keeps its own names, so its hash, and every
/// record of a draw from it, is unchanged.
pub fn align(quotas: Vec<Quota>, features: &[String]) -> Vec<Quota> {
    quotas
        .into_iter()
        .map(|mut q| {
            if !features.contains(&q.feature)
                && let Some(f) = features.iter().find(|f| PanelFeature::same(f, &q.feature))
            {
                q.feature = f.clone();
            }
            q
        })
        .collect()
}

/// Opens a CSV with headers; `what` names the file's role in error messages.
fn open_csv(path: &Path, what: &str) -> anyhow::Result<csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open the {what} file `{}`", path.display()))?;
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file))
}

/// Reads the header row and returns it, naming the file if it is unreadable.
fn headers(rdr: &mut csv::Reader<std::fs::File>, path: &Path) -> anyhow::Result<Vec<String>> {
    Ok(rdr
        .headers()
        .with_context(|| format!("`{}`: cannot read the header row", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// Where a data row sits: "row N (line N+1)", counting data rows from 1 below the header.
fn at(path: &Path, row: usize, column: &str) -> String {
    format!(
        "`{}`, row {row} (line {}), column `{column}`",
        path.display(),
        row + 1
    )
}

/// Reads and checks the volunteers file: volunteer_id, household_id (optional), then one
/// column per feature.
pub(crate) fn read_volunteers(path: &Path) -> anyhow::Result<Pool> {
    let mut rdr = open_csv(path, "volunteers")?;
    let header = headers(&mut rdr, path)?;
    let Some(id_col) = header.iter().position(|h| h == "volunteer_id") else {
        bail!(
            "`{}` has no `volunteer_id` column (found: {})\n\nhint: the volunteers file needs volunteer_id, household_id (optional), then one column per feature",
            path.display(),
            header.join(", ")
        );
    };
    let hh_col = header.iter().position(|h| h == "household_id");
    let feature_cols: Vec<usize> = (0..header.len())
        .filter(|&c| c != id_col && Some(c) != hh_col)
        .collect();
    let features: Vec<String> = feature_cols.iter().map(|&c| header[c].clone()).collect();
    for (i, a) in features.iter().enumerate() {
        if let Some(b) = features[i + 1..].iter().find(|b| PanelFeature::same(a, b)) {
            bail!(
                "`{}` has both `{a}` and `{b}`, two names of one panel feature\n\nhint: keep one of the two columns",
                path.display()
            );
        }
    }
    let mut volunteers = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (r, rec) in rdr.records().enumerate() {
        let row = r + 1;
        let rec = rec.with_context(|| {
            format!(
                "`{}`, row {row} (line {}): not a valid CSV row; every row needs {} fields like the header",
                path.display(),
                row + 1,
                header.len()
            )
        })?;
        let id = rec.get(id_col).unwrap_or_default().to_owned();
        if id.is_empty() {
            bail!(
                "{}: empty; every volunteer needs an id",
                at(path, row, "volunteer_id")
            );
        }
        if let Some(first) = first_row.insert(id.clone(), row) {
            bail!(
                "{}: `{id}` is also on row {first}; volunteer ids must be unique",
                at(path, row, "volunteer_id")
            );
        }
        let mut values = Vec::with_capacity(feature_cols.len());
        for &c in &feature_cols {
            let v = rec.get(c).unwrap_or_default();
            if v.is_empty() {
                bail!(
                    "{}: empty for volunteer `{id}`; give a value (use e.g. `not stated` and a quota for it if unknown)",
                    at(path, row, &header[c])
                );
            }
            values.push(v.to_owned());
        }
        volunteers.push(Volunteer {
            id,
            household: hh_col
                .and_then(|c| rec.get(c))
                .filter(|h| !h.is_empty())
                .map(str::to_owned),
            values,
        });
    }
    Pool::new(features, volunteers).with_context(|| format!("`{}`", path.display()))
}

/// Reads and checks the quotas file: feature, value, min, max.
pub(crate) fn read_quotas(path: &Path) -> anyhow::Result<Vec<Quota>> {
    let mut rdr = open_csv(path, "quotas")?;
    let header = headers(&mut rdr, path)?;
    let mut cols = [0usize; 4];
    for (slot, name) in cols.iter_mut().zip(["feature", "value", "min", "max"]) {
        *slot = header.iter().position(|h| h == name).with_context(|| {
            format!(
                "`{}` has no `{name}` column (found: {})\n\nhint: the quotas file needs the columns feature, value, min, max",
                path.display(),
                header.join(", ")
            )
        })?;
    }
    let mut quotas = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let row = r + 1;
        let rec = rec.with_context(|| {
            format!(
                "`{}`, row {row} (line {}): not a valid CSV row; every row needs {} fields like the header",
                path.display(),
                row + 1,
                header.len()
            )
        })?;
        let text = |c: usize| rec.get(cols[c]).unwrap_or_default();
        let number = |c: usize, name: &str| -> anyhow::Result<u32> {
            text(c).parse::<u32>().map_err(|_| {
                anyhow::anyhow!(
                    "{}: `{}` is not a whole number of 0 or more",
                    at(path, row, name),
                    text(c)
                )
            })
        };
        for (c, name) in [(0, "feature"), (1, "value")] {
            if text(c).is_empty() {
                bail!(
                    "{}: empty; name the {name} this quota is for",
                    at(path, row, name)
                );
            }
        }
        let (min, max) = (number(2, "min")?, number(3, "max")?);
        if min > max {
            bail!(
                "{}: min {min} is above max {max}; swap them or correct one",
                at(path, row, "min")
            );
        }
        quotas.push(Quota {
            feature: text(0).to_owned(),
            value: text(1).to_owned(),
            min,
            max,
        });
    }
    Ok(quotas)
}

/// Probabilities rounded for display; the record keeps six decimals, ample for audit and stable
/// across platforms in snapshots.
fn round6(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
}

/// The JSON record of a selection, which `replace` reads back.
pub fn selection_json(s: &Selection) -> Value {
    let probabilities: serde_json::Map<String, Value> = s
        .probabilities
        .iter()
        .map(|(id, p)| (id.clone(), json!(round6(*p))))
        .collect();
    json!({
        "panel": s.panel,
        "probabilities": probabilities,
        "min_probability": round6(s.min_probability),
        "algorithm": s.algorithm.name(),
        "seed": s.seed,
        "size": s.size,
        "pool_hash": s.pool_hash,
        "quotas": quotas_json(&s.quotas, &s.counts),
        "never_selectable": s.never_selectable,
        "distribution": s.distribution.iter().map(|(p, w)| json!({"panel": p, "probability": round6(*w)})).collect::<Vec<_>>(),
        // Each distribution entry is a panel shape written as its canonical panel (the first
        // members of each group); the lottery fills a group's seats uniformly from the group.
        "interchangeable": s.interchangeable,
        "drawn": s.drawn,
    })
}

fn quotas_json(quotas: &[Quota], counts: &[u32]) -> Vec<Value> {
    quotas
        .iter()
        .zip(counts)
        .map(|(q, n)| json!({"feature": q.feature, "value": q.value, "min": q.min, "max": q.max, "selected": n}))
        .collect()
}

/// The JSON record of a replacement: the restored panel, itself a record a later replace
/// can read.
pub fn replacement_json(pool: &Pool, r: &Replacement) -> Value {
    let mut v = selection_json(&r.selection);
    // The top-level record describes the restored panel against the original pool, so that it
    // can itself be passed to a later `replace`; the draw among the remainder sits under `draw`.
    let draw = v.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("panel".into(), json!(r.panel));
        obj.insert("kept".into(), json!(r.kept));
        obj.insert("dropped".into(), json!(r.dropped));
        obj.insert("added".into(), json!(r.added));
        obj.insert("size".into(), json!(r.panel.len()));
        obj.insert("pool_hash".into(), json!(pool.hash()));
        obj.insert("quotas".into(), json!(quotas_json(&r.quotas, &r.counts)));
        obj.insert("draw".into(), draw);
        for key in [
            "probabilities",
            "min_probability",
            "distribution",
            "drawn",
            "never_selectable",
        ] {
            obj.remove(key);
        }
    }
    v
}

/// A selection as text for people.
pub fn selection_table(pool: &Pool, s: &Selection) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Panel of {} drawn by {} lottery, seed {}",
        s.size,
        s.algorithm.name(),
        s.seed
    );
    let _ = writeln!(
        out,
        "Smallest selection probability: {:.4} (panels in the distribution: {}; drawn: number {})",
        s.min_probability,
        s.distribution.len(),
        s.drawn + 1
    );
    if !s.never_selectable.is_empty() {
        let _ = writeln!(
            out,
            "Never selectable under these quotas: {}",
            s.never_selectable.join(", ")
        );
    }
    let _ = writeln!(out, "Pool hash: {}\n", s.pool_hash);
    members_table(&mut out, pool, &s.panel, &s.probabilities);
    let _ = writeln!(out);
    quotas_table(&mut out, &s.quotas, &s.counts);
    out
}

/// A replacement as text for people.
pub fn replacement_table(pool: &Pool, r: &Replacement) -> String {
    let mut out = String::new();
    let s = &r.selection;
    let _ = writeln!(
        out,
        "Replaced {} of {} members by {} lottery, seed {}",
        r.dropped.len(),
        r.panel.len(),
        s.algorithm.name(),
        s.seed
    );
    let _ = writeln!(out, "Dropped out: {}", r.dropped.join(", "));
    let _ = writeln!(out, "Added: {}", r.added.join(", "));
    // Many of the remaining volunteers cannot fill these particular vacancies; the fairness
    // figure that matters is among those who can.
    let fitting: Vec<f64> = s
        .probabilities
        .iter()
        .map(|(_, p)| *p)
        .filter(|&p| p > 0.0)
        .collect();
    let _ = writeln!(
        out,
        "Remaining volunteers: {}, of whom {} could fill the vacancies; smallest selection probability among them: {:.4}",
        s.probabilities.len(),
        fitting.len(),
        fitting.iter().copied().fold(1.0, f64::min)
    );
    let _ = writeln!(out, "Pool hash: {}\n", pool.hash());
    members_table(&mut out, pool, &r.panel, &s.probabilities);
    let _ = writeln!(out);
    quotas_table(&mut out, &r.quotas, &r.counts);
    out
}

/// Members with their features and, where known, their selection probability.
fn members_table(out: &mut String, pool: &Pool, panel: &[String], probs: &[(String, f64)]) {
    let by_id: HashMap<&str, &Volunteer> = pool
        .volunteers()
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    let p: BTreeMap<&str, f64> = probs.iter().map(|(id, p)| (id.as_str(), *p)).collect();
    let mut rows = vec![
        std::iter::once("volunteer_id".to_owned())
            .chain(pool.features().iter().cloned())
            .chain(std::iter::once("probability".to_owned()))
            .collect::<Vec<_>>(),
    ];
    for id in panel {
        let Some(v) = by_id.get(id.as_str()) else {
            continue;
        };
        let prob = p
            .get(id.as_str())
            .map_or_else(|| "kept".to_owned(), |p| format!("{p:.4}"));
        rows.push(
            std::iter::once(id.clone())
                .chain(v.values.iter().cloned())
                .chain(std::iter::once(prob))
                .collect(),
        );
    }
    write_rows(out, &rows);
}

fn quotas_table(out: &mut String, quotas: &[Quota], counts: &[u32]) {
    let mut rows = vec![
        ["feature", "value", "min", "max", "selected"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for (q, n) in quotas.iter().zip(counts) {
        rows.push(vec![
            q.feature.clone(),
            q.value.clone(),
            q.min.to_string(),
            q.max.to_string(),
            n.to_string(),
        ]);
    }
    write_rows(out, &rows);
}

/// Left-aligned columns, two spaces apart, no trailing spaces.
fn write_rows(out: &mut String, rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let _ = write!(line, "{cell:<w$}", w = widths[c]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_is_found_by_the_name_records_write_in_any_case() {
        for a in [
            Algorithm::Maximin,
            Algorithm::Leximin,
            Algorithm::Nash,
            Algorithm::Legacy,
        ] {
            assert_eq!(algorithm_named(a.name()), Some(a));
            assert_eq!(algorithm_named(&a.name().to_uppercase()), Some(a));
        }
        assert_eq!(algorithm_named("fairest"), None);
    }

    #[test]
    fn quotas_for_an_older_feature_name_take_the_pool_s_name() {
        let q = |f: &str| Quota {
            feature: f.to_owned(),
            value: "White".to_owned(),
            min: 1,
            max: 2,
        };
        let features = vec!["ethnicity".to_owned(), "sex".to_owned()];
        let aligned = align(vec![q("ethnic_group"), q("sex"), q("shoe_size")], &features);
        let names: Vec<&str> = aligned.iter().map(|q| q.feature.as_str()).collect();
        assert_eq!(names, ["ethnicity", "sex", "shoe_size"]);
    }

    #[test]
    fn a_file_the_caller_names_that_cannot_be_read_is_their_mistake() {
        let e = load_files(
            Path::new("/nonexistent/volunteers.csv"),
            Path::new("/nonexistent/quotas.csv"),
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Invalid);
        assert!(
            e.message
                .starts_with("cannot open the volunteers file `/nonexistent/volunteers.csv`"),
            "{e}"
        );
    }
}

//! Importing the directory from a CSV or Excel file in the flat layout
//! (`equalis_directory::table`): every row accepted or rejected with its file, row, column,
//! value and reason, as ingest accounts for every row; the reasons also go to a rejects CSV
//! (`file,row,column,value,reason`, owner-only) in the workspace's `rejects/` folder.
//!
//! The file is read here (`csv`, `calamine`), the rows are checked and mapped by
//! `equalis-directory` (pure), and the accepted records saved in one transaction of the store,
//! each change audited. A row's taxonomy term codes are looked up among the terms already in
//! the directory, so a taxonomy is imported (as ORUK JSON) before the services that use it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use equalis_directory::{CellProblem, Layout, RowOutcome, TaxonomyTerm, TermIndex, read_rows};
use equalis_store::directory::{Paging, Saved};
use equalis_store::{Actor, Store};

use super::{postcode_places, store_error};
use crate::{Error, Result};

/// What a table import did.
#[derive(Debug, Clone, PartialEq)]
pub struct TableReport {
    /// Every row, in file order.
    pub rows: Vec<RowOutcome>,
    /// How many services the accepted rows make.
    pub services: usize,
    /// Every record saved and what saving did.
    pub saved: Vec<Saved>,
    /// Whether the accepted records were saved (false under `strict` with a rejected row).
    pub committed: bool,
    /// The rejects file, when a row was rejected and there is a folder to write it in.
    pub rejects_file: Option<PathBuf>,
}

impl TableReport {
    /// Rows read.
    pub fn read(&self) -> usize {
        self.rows.len()
    }

    /// Rows accepted.
    pub fn accepted(&self) -> usize {
        self.rows.iter().filter(|r| r.accepted()).count()
    }

    /// Rows rejected.
    pub fn rejected(&self) -> usize {
        self.read() - self.accepted()
    }

    /// Accepted rows whose location was placed from its postcode: at the postcode's own
    /// point, and at its sector's centre.
    pub fn placed(&self) -> (usize, usize) {
        let placed = self.rows.iter().filter_map(|r| r.placed.as_ref());
        let exact = placed.clone().filter(|p| p.exact).count();
        (exact, placed.count() - exact)
    }

    /// The report as the command line prints it: each rejected row with its reasons, each
    /// location placed only at its postcode sector's centre, then the counts.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = String::new();
        for r in self.rows.iter().filter(|r| !r.accepted()) {
            let _ = writeln!(out, "row {}: rejected", r.row);
            for p in &r.problems {
                let _ = writeln!(out, "  {p}");
            }
        }
        // A location placed only at its sector's centre may be a kilometre or two out: each
        // is named, for someone to give its coordinates.
        for r in &self.rows {
            if let Some(p) = r.placed.as_ref().filter(|p| !p.exact) {
                let _ = writeln!(out, "row {}: {p}", r.row);
            }
        }
        let _ = writeln!(
            out,
            "{file}: read {} rows, accepted {}, rejected {}; {} services",
            self.read(),
            self.accepted(),
            self.rejected(),
            self.services
        );
        let (exact, sector) = self.placed();
        if exact + sector > 0 {
            let _ = writeln!(
                out,
                "placed from their postcode (no latitude and longitude given): {exact} at the postcode's own point, {sector} at its sector's centre"
            );
        }
        if self.committed {
            let n = |c| self.saved.iter().filter(|s| s.change == c).count();
            use equalis_store::directory::Change;
            let _ = writeln!(
                out,
                "saved {} records: {} new, {} changed, {} unchanged",
                self.saved.len(),
                n(Change::Created),
                n(Change::Updated),
                n(Change::Unchanged)
            );
        } else {
            let _ = writeln!(out, "nothing saved (--strict, and rows were rejected)");
        }
        if let Some(p) = &self.rejects_file {
            let _ = writeln!(out, "the reasons are in {}", p.display());
        }
        out
    }
}

/// A row of a file: its row number (the header is row 1) and its cells.
pub type Row = (u64, Vec<String>);

/// Whether `path` names a file of the flat layout (by its extension) rather than ORUK JSON.
pub fn is_table(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("csv" | "xlsx")
    )
}

/// Every taxonomy term in the directory, indexed for a row's `taxonomy_terms`.
pub async fn term_index(store: &Store) -> Result<TermIndex> {
    let mut all: Vec<TaxonomyTerm> = Vec::new();
    let mut page = 1;
    loop {
        let got = store
            .directory_taxonomy_terms(
                None,
                Paging {
                    page,
                    per_page: 1000,
                },
            )
            .await
            .map_err(store_error)?;
        let n = got.items.len();
        all.extend(got.items);
        if n == 0 || all.len() as u64 >= got.total_items {
            break;
        }
        page += 1;
    }
    Ok(TermIndex::new(all))
}

/// The header and the rows (with their row numbers, the header being row 1) of a CSV file or
/// of the first sheet of an Excel workbook.
pub fn read_file(path: &Path) -> Result<(Vec<String>, Vec<Row>)> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let cannot = |e: &dyn std::fmt::Display| {
        Error::invalid(format!(
            "cannot read `{}`: {e}\n\nhint: give a CSV file (UTF-8, a header row) or an Excel .xlsx workbook in the layout of docs/DIRECTORY.md",
            path.display()
        ))
    };
    if ext.as_deref() == Some("xlsx") {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| cannot(&e))?;
        let name = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| cannot(&"the workbook has no sheets"))?;
        let range = wb.worksheet_range(&name).map_err(|e| cannot(&e))?;
        let start = range.start().map_or(0, |(r, _)| u64::from(r));
        let mut it = range.rows();
        let headers = it
            .next()
            .ok_or_else(|| cannot(&format!("sheet `{name}` is empty: expected a header row")))?
            .iter()
            .map(cell_text)
            .collect();
        let mut rows = Vec::new();
        for (i, row) in it.enumerate() {
            if row.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            rows.push((start + i as u64 + 2, row.iter().map(cell_text).collect()));
        }
        return Ok((headers, rows));
    }
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_path(path)
        .map_err(|e| cannot(&e))?;
    let headers = r
        .headers()
        .map_err(|e| cannot(&e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| cannot(&e))?;
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let line = rec.position().map_or(0, csv::Position::line);
        rows.push((line, rec.iter().map(str::to_owned).collect()));
    }
    Ok((headers, rows))
}

/// A cell as the text a CSV export would hold; a date cell as `YYYY-MM-DD` (Excel's serial
/// days count from 1899-12-30, past its 1900 leap-year bug).
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64().floor() as i64;
            jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(serial))
                .map_or_else(|_| dt.as_f64().to_string(), |d| d.to_string())
        }
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

/// Imports the CSV or Excel file at `path` into the directory. `rejects_dir`, when given, is
/// where the rejects CSV goes; `strict` saves nothing if any row is rejected.
pub async fn import_table(
    store: &Store,
    actor: &Actor,
    path: &Path,
    rejects_dir: Option<&Path>,
    strict: bool,
) -> Result<TableReport> {
    let (headers, rows) = read_file(path)?;
    let layout = Layout::from_headers(&headers)
        .map_err(|e| Error::invalid(format!("`{}`: {e}", path.display())))?;
    let terms = term_index(store).await?;
    let table = read_rows(&layout, rows, &terms, &postcode_places);
    let refused = table.rows.iter().any(|r| !r.accepted());
    let services = table
        .records
        .iter()
        .filter(|r| r.kind() == "service")
        .count();
    let (saved, committed) = if strict && refused {
        (Vec::new(), false)
    } else {
        let saved = store
            .directory_save(actor, &table.records)
            .await
            .map_err(store_error)?;
        (saved, true)
    };
    let rejects_file = match (refused, rejects_dir) {
        (true, Some(dir)) => Some(write_rejects(dir, path, &table.rows)?),
        _ => None,
    };
    Ok(TableReport {
        rows: table.rows,
        services,
        saved,
        committed,
        rejects_file,
    })
}

/// Writes `file,row,column,value,reason` for each problem of each rejected row, owner-only,
/// every field through the NHS-number redactor (a number typed in any cell never reaches it).
fn write_rejects(dir: &Path, file: &Path, rows: &[RowOutcome]) -> Result<PathBuf> {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%S%.3fZ")
        .to_string();
    let path = dir.join(format!("directory-{stamp}.csv"));
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(
            crate::ErrorKind::Fault,
            format!("writing the rejects file `{}`: {e}", path.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let f = open.open(&path).map_err(|e| failed(&e))?;
    let mut w = csv::Writer::from_writer(f);
    w.write_record(["file", "row", "column", "value", "reason"])
        .map_err(|e| failed(&e))?;
    let name = file.display().to_string();
    let red = |s: &str| equalis_vocab::redact_nhs_numbers(s).into_owned();
    for r in rows.iter().filter(|r| !r.accepted()) {
        for CellProblem {
            column,
            value,
            reason,
        } in &r.problems
        {
            w.write_record([
                red(&name),
                r.row.to_string(),
                red(column),
                red(value),
                red(reason),
            ])
            .map_err(|e| failed(&e))?;
        }
    }
    w.flush().map_err(|e| failed(&e))?;
    Ok(path)
}

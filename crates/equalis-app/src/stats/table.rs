//! The analyst's CSV as `equalis stats` reads it, and the one rule every method applies to the
//! cells it needs (see the module docs of `stats`).
//!
//! A method reads the cells behind one result through [`Cells`], which never stops at a bad
//! cell: it records every blank or invalid one, so the result's note can name them all, and
//! the method decides only what to do with the result (leave it blank), never whether to
//! carry on with the others.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::output::Note;

/// The input CSV: trimmed cells, and each row's line number for messages.
#[derive(Debug)]
pub struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Line in the file of each row, as a text editor counts (the header is line 1).
    lines: Vec<u64>,
}

/// Rows that share the values of the `--group-by` columns.
pub(super) struct Group {
    /// The group's values, one per `--group-by` column (empty without `--group-by`).
    pub key: Vec<String>,
    /// Indices of its rows, in file order.
    pub rows: Vec<usize>,
}

impl Table {
    /// Reads a CSV file with a header row. An unreadable file or a row that is not valid CSV is
    /// an [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) error naming the file and the row.
    pub fn read(path: &Path) -> crate::Result<Self> {
        Self::read_any(path).map_err(|e| crate::Error::from(e).callers())
    }

    fn read_any(path: &Path) -> Result<Self> {
        let mut reader = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let header: Vec<String> = reader
            .headers()
            .with_context(|| format!("`{}`: cannot read the header row", path.display()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.with_context(|| {
                format!(
                    "`{}`: row {} is not valid CSV (every row needs {} fields, like the header)",
                    path.display(),
                    i + 2,
                    header.len()
                )
            })?;
            lines.push(record.position().map_or(i as u64 + 2, |p| p.line()));
            rows.push(record.iter().map(|s| s.trim().to_string()).collect());
        }
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
            lines,
        })
    }

    /// Index of a column, or an error that lists the columns found.
    pub(super) fn column(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|h| h == name).with_context(|| {
            format!(
                "`{}`: column `{name}` is missing (found: {})",
                self.path.display(),
                self.header.join(", ")
            )
        })
    }

    /// Index of a column named by an optional argument.
    pub(super) fn optional_column(&self, name: Option<&str>) -> Result<Option<usize>> {
        name.map(|n| self.column(n)).transpose()
    }

    pub(super) fn header(&self) -> &[String] {
        &self.header
    }

    /// Every row, as read.
    pub(super) fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// The line of a row in the file.
    pub(super) fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    pub(super) fn cell(&self, row: usize, col: usize) -> &str {
        &self.rows[row][col]
    }

    /// Rows grouped by the named columns, in order of first appearance; one group of every row
    /// when `by` is empty.
    pub(super) fn groups(&self, by: &[String]) -> Result<Vec<Group>> {
        let cols: Vec<usize> = by.iter().map(|g| self.column(g)).collect::<Result<_>>()?;
        let mut index: HashMap<Vec<String>, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let key: Vec<String> = cols.iter().map(|&c| row[c].clone()).collect();
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push(Group {
                    key,
                    rows: Vec::new(),
                });
                groups.len() - 1
            });
            groups[slot].rows.push(r);
        }
        Ok(groups)
    }

    /// A cell as a number: `Ok(None)` when blank (or `NA`, as R writes a missing value),
    /// `Err(())` when it is anything else that is not a finite number.
    fn number(&self, row: usize, col: usize) -> Result<Option<f64>, ()> {
        let cell = self.cell(row, col);
        if cell.is_empty() || cell.eq_ignore_ascii_case("na") {
            return Ok(None);
        }
        match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(()),
        }
    }
}

/// The cells behind one result, read with the one rule: a blank or invalid cell that the
/// method needs is recorded, never skipped and never read as 0 unless the method says so
/// (counts of events in a DSR or ISR, as PHEindicatormethods reads a missing count).
pub(super) struct Cells<'t> {
    t: &'t Table,
    /// `(column, line)` of each needed cell that was blank.
    blank: Vec<(usize, u64)>,
    /// `(column, line, text)` of each needed cell that was not a number.
    invalid: Vec<(usize, u64, String)>,
    /// `(column, line)` of each blank count read as 0 events.
    zeroed: Vec<(usize, u64)>,
}

impl<'t> Cells<'t> {
    pub(super) fn new(t: &'t Table) -> Self {
        Self {
            t,
            blank: Vec::new(),
            invalid: Vec::new(),
            zeroed: Vec::new(),
        }
    }

    /// A number the result needs; a blank or invalid cell is recorded (the value returned then
    /// is NaN, which [`Cells::finish`] stops from reaching any statistic).
    pub(super) fn number(&mut self, row: usize, col: usize) -> f64 {
        match self.t.number(row, col) {
            Ok(Some(v)) => v,
            Ok(None) => {
                self.blank.push((col, self.t.lines[row]));
                f64::NAN
            }
            Err(()) => {
                self.invalid
                    .push((col, self.t.lines[row], self.t.cell(row, col).to_string()));
                f64::NAN
            }
        }
    }

    /// [`Cells::number`] for each row.
    pub(super) fn numbers(&mut self, rows: &[usize], col: usize) -> Vec<f64> {
        rows.iter().map(|&r| self.number(r, col)).collect()
    }

    /// The sum over rows of a column whose every cell is needed: a group is never half-counted.
    pub(super) fn sum(&mut self, rows: &[usize], col: usize) -> f64 {
        self.numbers(rows, col).iter().sum()
    }

    /// A count of events, where a blank cell is 0 events (PHEindicatormethods' `na.zero` in
    /// `calculate_dsr` and `calculate_ISRatio`: a band with no events is often absent from the
    /// events table and blank after the join). The note says so; a cell that is not a number is
    /// still recorded as invalid.
    pub(super) fn count(&mut self, row: usize, col: usize) -> f64 {
        match self.t.number(row, col) {
            Ok(None) => {
                self.zeroed.push((col, self.t.lines[row]));
                0.0
            }
            _ => self.number(row, col),
        }
    }

    /// [`Cells::count`] for each row.
    pub(super) fn counts(&mut self, rows: &[usize], col: usize) -> Vec<f64> {
        rows.iter().map(|&r| self.count(r, col)).collect()
    }

    /// A text cell the result needs (an age band, a date); blank is recorded.
    pub(super) fn text(&mut self, row: usize, col: usize) -> &'t str {
        let cell = self.t.cell(row, col);
        if cell.is_empty() {
            self.blank.push((col, self.t.lines[row]));
        }
        cell
    }

    /// The note of the result: `Ok` when every needed cell was usable (the note then says only
    /// which blank counts were read as 0), `Err` with what to fix when the result cannot be
    /// calculated.
    pub(super) fn finish(self) -> Result<Note, Note> {
        let name = |c: usize| self.t.header[c].as_str();
        let mut problems: Vec<String> = Vec::new();
        for (col, lines) in by_column(&self.blank) {
            problems.push(format!("`{}` is blank in {}", name(col), rows_text(&lines)));
        }
        for (col, line, text) in &self.invalid {
            problems.push(format!(
                "`{}` in row {line} is `{text}`, not a number",
                name(*col)
            ));
        }
        let mut zeroed: Vec<String> = Vec::new();
        for (col, lines) in by_column(&self.zeroed) {
            zeroed.push(format!(
                "`{}` is blank in {}, read as 0 events as PHEindicatormethods does",
                name(col),
                rows_text(&lines)
            ));
        }
        let lines: BTreeSet<u64> = self
            .blank
            .iter()
            .chain(&self.zeroed)
            .map(|(_, l)| *l)
            .chain(self.invalid.iter().map(|(_, l, _)| *l))
            .collect();
        if problems.is_empty() {
            Ok(Note::input(zeroed, lines))
        } else {
            let mut parts = vec![format!("not calculated: {}", problems.join("; "))];
            parts.extend(zeroed);
            Err(Note::not_calculated(parts, lines))
        }
    }
}

/// `(column, line)` pairs gathered by column, columns in the order first seen.
fn by_column(cells: &[(usize, u64)]) -> Vec<(usize, Vec<u64>)> {
    let mut out: Vec<(usize, Vec<u64>)> = Vec::new();
    for &(col, line) in cells {
        match out.iter_mut().find(|(c, _)| *c == col) {
            Some((_, lines)) => lines.push(line),
            None => out.push((col, vec![line])),
        }
    }
    out
}

/// `row 4`, `rows 4 and 7`, `rows 4, 7 and 9`, or the first five and how many more.
pub(super) fn rows_text(lines: &[u64]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(u64::to_string).collect();
    match lines.len() {
        0 => String::new(),
        1 => format!("row {}", shown[0]),
        n if n <= SHOWN => format!("rows {} and {}", shown[..n - 1].join(", "), shown[n - 1]),
        n => format!("rows {} and {} more", shown.join(", "), n - SHOWN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (tempfile::TempDir, Table) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, text).unwrap();
        let t = Table::read(&path).unwrap();
        (dir, t)
    }

    #[test]
    fn a_blank_or_invalid_cell_is_named_with_its_row() {
        let (_d, t) = table("x,n\n1,10\n,20\n*,30\nNA,40\n");
        let mut cells = Cells::new(&t);
        let _ = cells.sum(&[0, 1, 2, 3], 0);
        let note = cells.finish().unwrap_err();
        assert_eq!(
            note.text(),
            "not calculated: `x` is blank in rows 3 and 5; `x` in row 4 is `*`, not a number"
        );
        assert!(note.is_not_calculated());
        assert_eq!(note.lines().iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
    }

    #[test]
    fn blank_counts_read_as_zero_and_say_so() {
        let (_d, t) = table("count,pop\n,100\n4,100\n");
        let mut cells = Cells::new(&t);
        assert_eq!(cells.counts(&[0, 1], 0), [0.0, 4.0]);
        let note = cells.finish().unwrap();
        assert_eq!(
            note.text(),
            "`count` is blank in row 2, read as 0 events as PHEindicatormethods does"
        );
        assert!(!note.is_not_calculated());
    }

    #[test]
    fn line_numbers_count_quoted_line_breaks() {
        let (_d, t) = table("name,x\n\"two\nlines\",1\nb,\n");
        let mut cells = Cells::new(&t);
        let _ = cells.number(1, 1);
        assert_eq!(
            cells.finish().unwrap_err().text(),
            "not calculated: `x` is blank in row 4"
        );
    }

    #[test]
    fn row_lists_stay_short() {
        assert_eq!(rows_text(&[4]), "row 4");
        assert_eq!(rows_text(&[4, 7]), "rows 4 and 7");
        assert_eq!(
            rows_text(&[1, 2, 3, 4, 5, 6, 7]),
            "rows 1, 2, 3, 4, 5 and 2 more"
        );
    }
}

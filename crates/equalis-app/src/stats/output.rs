//! The output table of `equalis stats`: the columns every method shares, the `note` column, and
//! the tally of results whose input needs attention (for the exit status and the summary line).

use std::collections::BTreeSet;

use equalis_stats::{Estimate, Levels, Reason, StatsError};

/// What the `note` column says of one result, and the input lines behind it that need
/// attention.
#[derive(Debug, Default, Clone)]
pub(super) struct Note {
    parts: Vec<String>,
    lines: BTreeSet<u64>,
    not_calculated: bool,
}

impl Note {
    /// A calculated result whose input had blank cells the method reads in a documented way.
    pub fn input(parts: Vec<String>, lines: BTreeSet<u64>) -> Self {
        Self {
            parts,
            lines,
            not_calculated: false,
        }
    }

    /// A result left blank because of its input.
    pub fn not_calculated(parts: Vec<String>, lines: BTreeSet<u64>) -> Self {
        Self {
            parts,
            lines,
            not_calculated: true,
        }
    }

    /// A result left blank because `equalis-stats` found its values invalid (a negative count,
    /// a numerator above its denominator): the input needs attention as much as a blank cell.
    pub fn invalid(err: &StatsError) -> Self {
        Self::not_calculated(vec![format!("not calculated: {err}")], BTreeSet::new())
    }

    /// Adds a statistical reason (a count below 10, an interval too wide): part of the method,
    /// so it does not by itself make the input need attention.
    pub fn reason(&mut self, reason: Option<Reason>) {
        if let Some(r) = reason {
            self.parts.insert(0, r.to_string());
        }
    }

    /// This note and `other`'s, for a result made from two sets of rows.
    pub fn and(mut self, other: Note) -> Self {
        self.parts.extend(other.parts);
        self.lines.extend(other.lines);
        self.not_calculated |= other.not_calculated;
        self
    }

    pub fn text(&self) -> String {
        self.parts.join("; ")
    }

    pub fn is_not_calculated(&self) -> bool {
        self.not_calculated
    }

    #[cfg(test)]
    pub fn lines(&self) -> &BTreeSet<u64> {
        &self.lines
    }

    fn needs_attention(&self) -> bool {
        self.not_calculated || !self.lines.is_empty()
    }
}

/// Results whose input needs attention, over a whole run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Attention {
    /// Result rows with a blank or invalid input cell, or refused as invalid.
    pub results: usize,
    /// Of those, the rows left blank.
    pub not_calculated: usize,
    /// Input lines with a blank or invalid cell.
    pub lines: BTreeSet<u64>,
}

/// The output table: every cell is text, as the CSV holds it, and the last column is `note`.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The column names.
    pub header: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// The results whose input needs attention.
    pub attention: Attention,
}

impl Output {
    /// An output with these columns before the final `note`.
    pub(super) fn new(mut header: Vec<String>) -> Self {
        header.push("note".into());
        Self {
            header,
            rows: Vec::new(),
            attention: Attention::default(),
        }
    }

    /// Adds a row, its note last.
    pub(super) fn push(&mut self, mut row: Vec<String>, note: &Note) {
        if note.needs_attention() {
            self.attention.results += 1;
            self.attention.not_calculated += usize::from(note.not_calculated);
            self.attention.lines.extend(&note.lines);
        }
        row.push(note.text());
        debug_assert_eq!(row.len(), self.header.len(), "{:?}", self.header);
        self.rows.push(row);
    }
}

pub(super) fn fmt(v: f64) -> String {
    format!("{v}")
}

pub(super) fn fmt_result(v: Result<f64, Reason>) -> String {
    v.map(fmt).unwrap_or_default()
}

/// `n` empty cells, for a result that is not calculated.
pub(super) fn blanks(n: usize) -> impl Iterator<Item = String> {
    std::iter::repeat_n(String::new(), n)
}

/// Column names of the limits, PHEindicatormethods style, with an optional prefix.
pub(super) fn limit_columns(levels: &Levels, prefix: &str) -> Vec<String> {
    match levels.as_slice() {
        [_] => vec![format!("{prefix}lowercl"), format!("{prefix}uppercl")],
        many => many
            .iter()
            .flat_map(|c| {
                let s = c.column_suffix();
                [format!("{prefix}lower{s}cl"), format!("{prefix}upper{s}cl")]
            })
            .collect(),
    }
}

/// Number of cells of a value and its limits.
pub(super) fn estimate_width(levels: &Levels) -> usize {
    1 + 2 * levels.as_slice().len()
}

pub(super) fn confidence_label(levels: &Levels) -> String {
    levels
        .as_slice()
        .iter()
        .map(|c| format!("{}%", c.level() * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Value, limits and the first reason any of them is missing.
pub(super) fn estimate_cells(e: &Estimate) -> (Vec<String>, Option<Reason>) {
    let mut cells = vec![fmt_result(e.value)];
    let mut reason = e.value.err();
    for i in e.intervals() {
        cells.push(fmt_result(i.lower));
        cells.push(fmt_result(i.upper));
        reason = reason.or(i.lower.err()).or(i.upper.err());
    }
    (cells, reason)
}

/// The standard output: group columns, extra columns, value and limits, confidence,
/// statistic, method, note.
pub(super) struct Standard<'a> {
    levels: &'a Levels,
    out: Output,
}

impl<'a> Standard<'a> {
    pub fn new(group_by: &[String], extra: &[&str], levels: &'a Levels) -> Self {
        let mut header: Vec<String> = group_by.to_vec();
        header.extend(extra.iter().map(|s| s.to_string()));
        header.push("value".into());
        header.extend(limit_columns(levels, ""));
        header.extend(["confidence", "statistic", "method"].map(String::from));
        Self {
            levels,
            out: Output::new(header),
        }
    }

    /// A calculated result; its statistical reason, if any, leads the note.
    pub fn push(
        &mut self,
        key: &[String],
        extra: Vec<String>,
        estimate: &Estimate,
        statistic: &str,
        mut note: Note,
    ) {
        let mut row: Vec<String> = key.to_vec();
        row.extend(extra);
        let (cells, reason) = estimate_cells(estimate);
        row.extend(cells);
        row.extend([
            confidence_label(self.levels),
            statistic.to_string(),
            estimate.method.label().to_string(),
        ]);
        note.reason(reason);
        self.out.push(row, &note);
    }

    /// A result not calculated: its extra columns and numbers blank, the note says why.
    pub fn refuse(&mut self, key: &[String], extra: usize, statistic: &str, note: Note) {
        self.refuse_with(key, blanks(extra).collect(), statistic, note);
    }

    /// A result not calculated, with its extra columns given (e.g. the age it is for).
    pub fn refuse_with(&mut self, key: &[String], extra: Vec<String>, statistic: &str, note: Note) {
        let mut row: Vec<String> = key.to_vec();
        row.extend(extra);
        row.extend(blanks(estimate_width(self.levels)));
        row.extend([
            confidence_label(self.levels),
            statistic.to_string(),
            String::new(),
        ]);
        self.out.push(row, &note);
    }

    /// One result: blank with the note when its cells are not all usable, else what `compute`
    /// makes of them (its extra cells and estimate), or blank when `equalis-stats` refuses the
    /// values. `extra` is the number of extra cells.
    pub fn record(
        &mut self,
        key: &[String],
        extra: usize,
        statistic: &str,
        checked: Result<Note, Note>,
        compute: impl FnOnce() -> Result<(Vec<String>, Estimate), StatsError>,
    ) {
        match checked {
            Err(note) => self.refuse(key, extra, statistic, note),
            Ok(note) => match compute() {
                Ok((cells, e)) => self.push(key, cells, &e, statistic, note),
                Err(err) => self.refuse(key, extra, statistic, Note::invalid(&err).and(note)),
            },
        }
    }

    pub fn finish(self) -> Output {
        self.out
    }
}

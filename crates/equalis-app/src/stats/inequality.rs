//! Quantiles (deprivation categories) and the slope and relative index of inequality.

use anyhow::{Result, bail};
use equalis_stats as st;
use equalis_stats::Levels;

use super::output::{
    Note, Output, blanks, confidence_label, estimate_cells, estimate_width, fmt_result,
    limit_columns,
};
use super::table::{Cells, Table};

/// Options of quantiles (`phe_quantile`).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantile {
    /// The value column.
    pub value: String,
    /// How many quantiles (at least 1).
    pub quantiles: u32,
    /// Which way round quantile 1 is.
    pub inversion: Inversion,
}

/// Which way round quantile 1 is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inversion {
    /// Quantile 1 holds the lowest values.
    No,
    /// Quantile 1 holds the highest values.
    Yes,
    /// A column says, per group (on the group's first row), whether to invert (TRUE/FALSE).
    ByColumn(String),
}

/// Options of the slope and relative index of inequality (`phe_sii`).
#[derive(Debug, Clone, PartialEq)]
pub struct Sii {
    /// Quantile column; 1 is the most disadvantaged.
    pub quantile: String,
    /// Population column.
    pub population: String,
    /// Value column.
    pub value: String,
    /// Where each value's standard error comes from.
    pub errors: SiiErrors,
    /// 0 any value, 1 rate, 2 proportion.
    pub value_type: u8,
    /// Fit on the log (rates) or logit (proportions) scale.
    pub transform: bool,
    /// Also report the relative index of inequality.
    pub rii: bool,
    /// Also report the intercept.
    pub intercept: bool,
    /// Multiplies the statistic and its limits.
    pub multiplier: f64,
    /// Monte Carlo repetitions.
    pub repetitions: usize,
    /// Random seed; the same seed gives the same limits.
    pub seed: u64,
}

/// Where the standard errors of an SII's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiiErrors {
    /// A standard error column (on the values' own scale).
    Se(String),
    /// The columns of the lower and upper 95% confidence limits.
    Limits {
        /// Lower 95% limit column.
        lower: String,
        /// Upper 95% limit column.
        upper: String,
    },
}

/// `phe_quantile`: the input rows with their quantile. Each row is read on its own: a blank or
/// invalid value leaves that row without a quantile (its note says why) and out of the ranking,
/// as the package ranks only the areas with values.
pub(super) fn quantile(a: &Quantile, t: &Table, group_by: &[String]) -> Result<Output> {
    let vc = t.column(&a.value)?;
    let ic = match &a.inversion {
        Inversion::ByColumn(c) => Some(t.column(c)?),
        Inversion::No | Inversion::Yes => None,
    };
    let mut assigned: Vec<(String, Note)> = vec![Default::default(); t.rows().len()];
    for g in t.groups(group_by)? {
        let invert = match ic {
            Some(c) => truthy(t.cell(g.rows[0], c)),
            None => a.inversion == Inversion::Yes,
        };
        let (mut values, mut notes) = (Vec::new(), Vec::new());
        for &r in &g.rows {
            let mut cells = Cells::new(t);
            let v = cells.number(r, vc);
            match cells.finish() {
                Ok(note) => {
                    values.push(Some(v));
                    notes.push(note);
                }
                Err(note) => {
                    values.push(None);
                    notes.push(note);
                }
            }
        }
        match st::assign_quantiles(&values, a.quantiles, invert) {
            Ok(qs) => {
                for ((&r, q), mut note) in g.rows.iter().zip(qs).zip(notes) {
                    assigned[r] = match q {
                        Ok(q) => (q.to_string(), note),
                        // A row without a value already says why; the package's own reasons
                        // (too few areas) are added to the others.
                        Err(_) if note.is_not_calculated() => (String::new(), note),
                        Err(reason) => {
                            note.reason(Some(reason));
                            (String::new(), note)
                        }
                    };
                }
            }
            Err(err) => {
                for &r in &g.rows {
                    assigned[r] = (String::new(), Note::invalid(&err));
                }
            }
        }
    }
    let mut header = t.header().to_vec();
    header.push("quantile".to_string());
    let mut out = Output::new(header);
    for (row, (q, note)) in t.rows().iter().zip(assigned) {
        let mut row = row.clone();
        row.push(q);
        out.push(row, &note);
    }
    Ok(out)
}

/// `phe_sii`: one row per group. The package needs complete quantile sets: a group with a
/// blank or invalid cell has no SII (its note names the rows), and the other groups theirs.
pub(super) fn sii(a: &Sii, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    let (qc, pc, vc) = (
        t.column(&a.quantile)?,
        t.column(&a.population)?,
        t.column(&a.value)?,
    );
    let errors = match &a.errors {
        SiiErrors::Se(se) => SiiColumns::Se(t.column(se)?),
        SiiErrors::Limits { lower, upper } => {
            SiiColumns::Limits(t.column(lower)?, t.column(upper)?)
        }
    };
    let value_type = st::ValueType::from_code(a.value_type)?;
    if a.transform && value_type == st::ValueType::Plain {
        bail!("--transform needs --value-type 1 (rate) or 2 (proportion)");
    }
    let options = st::SiiOptions {
        value_type,
        transform: a.transform,
        multiplier: a.multiplier,
        repetitions: a.repetitions,
        seed: a.seed,
        levels: *levels,
    };
    let mut header: Vec<String> = group_by.to_vec();
    header.push("sii".into());
    header.extend(limit_columns(levels, "sii_"));
    if a.rii {
        header.push("rii".into());
        header.extend(limit_columns(levels, "rii_"));
    }
    if a.intercept {
        header.push("intercept".into());
    }
    header.extend(["confidence", "method"].map(String::from));
    let width = estimate_width(levels) * (1 + usize::from(a.rii)) + usize::from(a.intercept);
    let mut out = Output::new(header);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let mut rows: Vec<(f64, usize)> =
            g.rows.iter().map(|&r| (cells.number(r, qc), r)).collect();
        // The fit needs the quantiles in order, 1 (most disadvantaged) first.
        rows.sort_by(|x, y| x.0.total_cmp(&y.0));
        let sorted: Vec<usize> = rows.into_iter().map(|(_, r)| r).collect();
        let (pops, vals) = (cells.numbers(&sorted, pc), cells.numbers(&sorted, vc));
        let read = match errors {
            SiiColumns::Se(c) => (cells.numbers(&sorted, c), None),
            SiiColumns::Limits(l, u) => {
                (cells.numbers(&sorted, l), Some(cells.numbers(&sorted, u)))
            }
        };
        let result = cells.finish().and_then(|note| {
            let errors = match &read {
                (se, None) => st::StandardErrors::Se(se),
                (lower, Some(upper)) => st::StandardErrors::Limits { lower, upper },
            };
            st::sii(&pops, &vals, errors, &options)
                .map(|r| (r, note.clone()))
                .map_err(|e| Note::invalid(&e).and(note))
        });
        let mut row = g.key.clone();
        match result {
            Ok((r, mut note)) => {
                let (cells, mut reason) = estimate_cells(&r.sii);
                row.extend(cells);
                if a.rii {
                    let (cells, why) = estimate_cells(&r.rii);
                    row.extend(cells);
                    reason = reason.or(why);
                }
                if a.intercept {
                    row.push(fmt_result(r.intercept));
                }
                row.extend([confidence_label(levels), r.sii.method.label().to_string()]);
                note.reason(reason);
                out.push(row, &note);
            }
            Err(note) => {
                row.extend(blanks(width));
                row.extend([confidence_label(levels), String::new()]);
                out.push(row, &note);
            }
        }
    }
    Ok(out)
}

/// The columns of an SII's standard errors, found in the table.
#[derive(Clone, Copy)]
enum SiiColumns {
    Se(usize),
    Limits(usize, usize),
}

/// A TRUE/FALSE cell as R and spreadsheets write it.
pub(super) fn truthy(cell: &str) -> bool {
    matches!(
        cell.to_ascii_lowercase().as_str(),
        "true" | "t" | "1" | "yes" | "y"
    )
}

//! Two-group comparisons: each value of `--compare-by` against the reference value, within
//! each group.

use anyhow::Result;
use equalis_stats as st;
use equalis_stats::{Levels, Reason, StatsError};

use super::crude::Fraction;
use super::output::{Note, Output, blanks, confidence_label, estimate_cells, limit_columns};
use super::table::{Cells, Table};

/// Options of the two-group comparisons (rate ratio, risk ratio).
#[derive(Debug, Clone, PartialEq)]
pub struct Compare {
    /// The numerator and denominator columns (summed within each compared group).
    pub fraction: Fraction,
    /// Column whose values are compared (e.g. deprivation quintile).
    pub compare_by: String,
    /// Value of `compare_by` that is the comparator.
    pub reference: String,
}

/// Options of the absolute and relative gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// What is compared with what.
    pub compare: Compare,
    /// Statistic of the gap.
    pub statistic: GapStatistic,
    /// Multiplies the statistic and its limits (by default 100 for a proportion, 100,000 for a
    /// rate).
    pub multiplier: Option<f64>,
}

/// The statistic whose gap is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapStatistic {
    /// A proportion of the denominator.
    Proportion,
    /// A rate per person.
    Rate,
}

/// Which comparison, with what it needs beyond the counts.
enum Comparison {
    RateRatio,
    RiskRatio,
    Gap(GapStatistic, f64),
}

/// Rate ratio of each group against the reference group.
pub(super) fn rate_ratio(
    a: &Compare,
    t: &Table,
    group_by: &[String],
    levels: &Levels,
) -> Result<Output> {
    compare(group_by, a, Comparison::RateRatio, t, levels)
}

/// Risk ratio (ratio of proportions) against the reference group.
pub(super) fn risk_ratio(
    a: &Compare,
    t: &Table,
    group_by: &[String],
    levels: &Levels,
) -> Result<Output> {
    compare(group_by, a, Comparison::RiskRatio, t, levels)
}

/// Absolute and relative gap between each group and the reference group.
pub(super) fn gap(a: &Gap, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    let multiplier = a.multiplier.unwrap_or(match a.statistic {
        GapStatistic::Proportion => 100.0,
        GapStatistic::Rate => 100_000.0,
    });
    let how = Comparison::Gap(a.statistic, multiplier);
    compare(group_by, &a.compare, how, t, levels)
}

impl Comparison {
    fn statistic(&self) -> String {
        match self {
            Comparison::RateRatio => "rate ratio".into(),
            Comparison::RiskRatio => "risk ratio".into(),
            Comparison::Gap(GapStatistic::Proportion, m) => format!("gap in proportion x {m}"),
            Comparison::Gap(GapStatistic::Rate, m) => format!("gap in rate per {m}"),
        }
    }

    fn columns(&self, levels: &Levels) -> Vec<String> {
        match self {
            Comparison::Gap(..) => {
                let mut c = vec!["gap".to_string()];
                c.extend(limit_columns(levels, "gap_"));
                c.push("relative_gap".into());
                c.extend(limit_columns(levels, "relative_gap_"));
                c
            }
            _ => {
                let mut c = vec!["value".to_string()];
                c.extend(limit_columns(levels, ""));
                c
            }
        }
    }

    /// The comparison's cells, the first reason any is missing, and the method's label.
    fn compute(
        &self,
        (x1, n1): (f64, f64),
        (x2, n2): (f64, f64),
        levels: &Levels,
    ) -> Result<(Vec<String>, Option<Reason>, &'static str), StatsError> {
        let one = |e: st::Estimate| {
            let (c, r) = estimate_cells(&e);
            (c, r, e.method.label())
        };
        Ok(match *self {
            Comparison::RateRatio => one(st::rate_ratio(x1, n1, x2, n2, levels)?),
            Comparison::RiskRatio => one(st::risk_ratio(x1, n1, x2, n2, levels)?),
            Comparison::Gap(stat, m) => {
                let g = match stat {
                    GapStatistic::Proportion => st::proportion_gap(x1, n1, x2, n2, levels, m)?,
                    GapStatistic::Rate => st::rate_gap(x1, n1, x2, n2, levels, m)?,
                };
                let (mut c, r1) = estimate_cells(&g.absolute);
                let (c2, r2) = estimate_cells(&g.relative);
                c.extend(c2);
                (c, r1.or(r2), g.absolute.method.label())
            }
        })
    }
}

/// One row per group and compared value. Each side is the sum of its rows; a side with a blank
/// or invalid cell is not summed, so that comparison is blank with the rows named (a blank in
/// the reference's rows leaves the group's every comparison blank), and the others are made.
fn compare(
    group_by: &[String],
    compare: &Compare,
    how: Comparison,
    t: &Table,
    levels: &Levels,
) -> Result<Output> {
    let (xc, nc, cc) = (
        t.column(&compare.fraction.numerator)?,
        t.column(&compare.fraction.denominator)?,
        t.column(&compare.compare_by)?,
    );
    let mut header: Vec<String> = group_by.to_vec();
    header.push(compare.compare_by.clone());
    header.extend(how.columns(levels));
    header.extend(["confidence", "statistic", "method"].map(String::from));
    let width = header.len() - group_by.len() - 4;
    let mut out = Output::new(header);
    // The compared values in order of first appearance in the whole file.
    let values: Vec<String> = t
        .groups(std::slice::from_ref(&compare.compare_by))?
        .into_iter()
        .filter_map(|g| g.key.into_iter().next())
        .filter(|v| v != &compare.reference)
        .collect();
    let statistic = format!("{} vs {}", how.statistic(), compare.reference);
    for g in t.groups(group_by)? {
        let rows_of = |value: &str| -> Vec<usize> {
            g.rows
                .iter()
                .copied()
                .filter(|&r| t.cell(r, cc) == value)
                .collect()
        };
        let reference = rows_of(&compare.reference);
        for value in &values {
            let rows = rows_of(value);
            if rows.is_empty() {
                continue;
            }
            let mut cells = Cells::new(t);
            let one = (cells.sum(&rows, xc), cells.sum(&rows, nc));
            let other = (cells.sum(&reference, xc), cells.sum(&reference, nc));
            let mut row = g.key.clone();
            row.push(value.clone());
            let result = cells.finish().and_then(|note| {
                how.compute(one, other, levels)
                    .map(|c| (c, note.clone()))
                    .map_err(|e| Note::invalid(&e).and(note))
            });
            match result {
                Ok(((cells, reason, method), mut note)) => {
                    row.extend(cells);
                    row.extend([
                        confidence_label(levels),
                        statistic.clone(),
                        method.to_string(),
                    ]);
                    note.reason(reason);
                    out.push(row, &note);
                }
                Err(note) => {
                    row.extend(blanks(width));
                    row.extend([confidence_label(levels), statistic.clone(), String::new()]);
                    out.push(row, &note);
                }
            }
        }
    }
    Ok(out)
}

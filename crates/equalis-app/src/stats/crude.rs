//! Proportions, crude rates and means: one result per group from sums of its rows.

use anyhow::Result;
use equalis_stats as st;
use equalis_stats::Levels;

use super::output::{Output, Standard, fmt, fmt_result};
use super::table::{Cells, Table};

/// The numerator and denominator columns of a proportion, a rate or a comparison of two.
#[derive(Debug, Clone, PartialEq)]
pub struct Fraction {
    /// Numerator column (summed within each group).
    pub numerator: String,
    /// Denominator column (summed within each group).
    pub denominator: String,
}

/// Options of a proportion (`phe_proportion`).
#[derive(Debug, Clone, PartialEq)]
pub struct Proportion {
    /// The numerator and denominator columns.
    pub fraction: Fraction,
    /// Multiplies the statistic and its limits (100 gives a percentage).
    pub multiplier: f64,
}

/// Options of a crude rate (`phe_rate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// The numerator (events) and denominator (population) columns.
    pub fraction: Fraction,
    /// Multiplies the statistic and its limits (rate per this many).
    pub multiplier: f64,
}

/// Options of a mean (`phe_mean`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mean {
    /// The value column.
    pub value: String,
}

/// `phe_proportion`: Wilson score limits on the group's summed numerator and denominator.
pub(super) fn proportion(
    a: &Proportion,
    t: &Table,
    group_by: &[String],
    levels: &Levels,
) -> Result<Output> {
    let statistic = if a.multiplier == 100.0 {
        "percentage".to_string()
    } else {
        format!("proportion of {}", a.multiplier)
    };
    ratio_of_sums(group_by, &a.fraction, t, levels, &statistic, |x, n| {
        st::proportion(x, n, levels, a.multiplier)
    })
}

/// `phe_rate`: exact (fewer than 10 events) or Byar's limits on the group's summed counts.
pub(super) fn rate(a: &Rate, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    ratio_of_sums(
        group_by,
        &a.fraction,
        t,
        levels,
        &format!("rate per {}", a.multiplier),
        |x, n| st::rate(x, n, levels, a.multiplier),
    )
}

/// A statistic of `Σx` and `Σn` per group. A group with any blank or invalid numerator or
/// denominator is not calculated: summing what is there would divide the numerator of some
/// rows by the denominator of others (issue 21: 75/320 where the rows with both give 75/290).
fn ratio_of_sums(
    group_by: &[String],
    Fraction {
        numerator,
        denominator,
    }: &Fraction,
    t: &Table,
    levels: &Levels,
    statistic: &str,
    compute: impl Fn(f64, f64) -> Result<st::Estimate, st::StatsError>,
) -> Result<Output> {
    let (xc, nc) = (t.column(numerator)?, t.column(denominator)?);
    let mut out = Standard::new(group_by, &[numerator, denominator], levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let (x, n) = (cells.sum(&g.rows, xc), cells.sum(&g.rows, nc));
        out.record(&g.key, 2, statistic, cells.finish(), || {
            Ok((vec![fmt(x), fmt(n)], compute(x, n)?))
        });
    }
    Ok(out.finish())
}

/// `phe_mean`: Student's t limits. As in the package, whose `sum(x)` is `NA` when any value is,
/// a group with a blank value has no mean (the mean of the rest would be a different
/// population's).
pub(super) fn mean(a: &Mean, t: &Table, group_by: &[String], levels: &Levels) -> Result<Output> {
    let vc = t.column(&a.value)?;
    let mut out = Standard::new(group_by, &["value_sum", "value_count", "stdev"], levels);
    for g in t.groups(group_by)? {
        let mut cells = Cells::new(t);
        let values: Vec<Option<f64>> = cells.numbers(&g.rows, vc).into_iter().map(Some).collect();
        out.record(&g.key, 3, "mean", cells.finish(), || {
            let m = st::mean(&values, levels)?;
            let extra = vec![
                fmt(m.value_sum),
                m.value_count.to_string(),
                fmt_result(m.stdev),
            ];
            Ok((extra, m.estimate))
        });
    }
    Ok(out.finish())
}

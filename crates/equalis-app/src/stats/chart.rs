//! Charts of many points: SPC (one chart per facet) and funnel plots (one per group); each
//! input row is a point and keeps its row in the output.

use std::collections::BTreeSet;

use anyhow::Result;
use equalis_stats as st;

use super::inequality::truthy;
use super::output::{Note, Output, blanks, fmt};
use super::table::{Cells, Table, rows_text};

/// Options of an XmR chart with Making Data Count rules (NHSRplotthedots `ptd_spc`).
#[derive(Debug, Clone, PartialEq)]
pub struct Spc {
    /// Value column.
    pub value: String,
    /// Date column; rows are charted in date order (ISO dates sort correctly).
    pub date: String,
    /// Column with one chart per value (e.g. ward).
    pub facet: Option<String>,
    /// Column that is TRUE (or 1) on the first point of each new period.
    pub rebase: Option<String>,
    /// Compute each period's limits from its first N points.
    pub fix_after: Option<usize>,
    /// Which direction is improvement.
    pub improvement: st::ImprovementDirection,
    /// Target for the assurance of the last point.
    pub target: Option<f64>,
    /// Screen moving ranges above 3.267 x mean.
    pub screen_outliers: bool,
    /// Which points count towards two of three beyond two sigma.
    pub rule_2of3: st::Rule2of3,
    /// Points in a shift: 7 or 6.
    pub run_length: usize,
}

/// Options of a funnel plot (`calculate_funnel_limits`).
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    /// Numerator (observed count for ratios).
    pub numerator: String,
    /// Denominator (expected count for ratios, population for rates).
    pub denominator: String,
    /// Statistic of the funnel.
    pub statistic: FunnelStatistic,
    /// Multiplies the statistic and its limits (by default 100 for a proportion, 1 for a ratio,
    /// 100,000 for a rate).
    pub multiplier: Option<f64>,
    /// Years of data pooled in a rate's denominator.
    pub years_of_data: f64,
}

/// The statistic of a funnel plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelStatistic {
    /// A proportion of the denominator.
    Proportion,
    /// Observed over expected.
    Ratio,
    /// A rate per person-year.
    Rate,
}

const SPC_COLUMNS: [&str; 8] = [
    "mean",
    "lpl",
    "upl",
    "near_lpl",
    "near_upl",
    "point_type",
    "special_cause_rule",
    "assurance",
];

/// `ptd_spc`: the input rows in date order within each facet, with the chart's columns. A
/// facet with a blank or invalid value or date has no chart (every point's note names the
/// rows): leaving a point out would change the moving ranges around it and the runs, and
/// NHSRplotthedots' own handling of `NA` flags special causes that are not there
/// (NHSRplotthedots issue #156). The other facets are charted.
pub(super) fn spc(a: &Spc, t: &Table) -> Result<Output> {
    let (vc, dc) = (t.column(&a.value)?, t.column(&a.date)?);
    let rc = t.optional_column(a.rebase.as_deref())?;
    let facets = t.groups(a.facet.as_slice())?;
    let mut header = t.header().to_vec();
    header.extend(SPC_COLUMNS.map(String::from));
    let mut out = Output::new(header);
    for f in facets {
        let mut sorted = f.rows.clone();
        sorted.sort_by(|&x, &y| t.cell(x, dc).cmp(t.cell(y, dc)));
        let mut cells = Cells::new(t);
        for &r in &sorted {
            cells.text(r, dc);
        }
        let values = cells.numbers(&sorted, vc);
        let rebase: Vec<usize> = match rc {
            Some(c) => (0..sorted.len())
                .filter(|&i| truthy(t.cell(sorted[i], c)))
                .collect(),
            None => Vec::new(),
        };
        let options = st::SpcOptions {
            rebase,
            fix_after: a.fix_after,
            improvement: a.improvement,
            target: a.target,
            screen_outliers: a.screen_outliers,
            rule_2of3: a.rule_2of3,
            run_length: a.run_length,
            resolution: None,
        };
        let chart = cells.finish().and_then(|note| {
            st::spc(&values, &options)
                .map(|c| {
                    // Limits too coarse to read (chunky data, no variation) are said on every
                    // point, as the method's own reason: the points and limits are still given.
                    let mut note = note.clone();
                    note.reason(c.unreliable);
                    (c, note)
                })
                .map_err(|e| Note::invalid(&e).and(note))
        });
        match chart {
            Ok((chart, note)) => {
                let last = sorted.len() - 1;
                for (i, (&r, p)) in sorted.iter().zip(&chart.points).enumerate() {
                    let mut row = t.rows()[r].clone();
                    row.extend([
                        fmt(p.mean),
                        fmt(p.lpl),
                        fmt(p.upl),
                        fmt(p.near_lpl),
                        fmt(p.near_upl),
                        p.point_type.label().to_string(),
                        p.special_cause_rule.clone().unwrap_or_default(),
                        match chart.assurance {
                            Some(a) if i == last => a.label().to_string(),
                            _ => String::new(),
                        },
                    ]);
                    out.push(row, &note);
                }
            }
            Err(note) => {
                for &r in &sorted {
                    let mut row = t.rows()[r].clone();
                    row.extend(blanks(SPC_COLUMNS.len()));
                    out.push(row, &note);
                }
            }
        }
    }
    Ok(out)
}

/// `calculate_funnel_limits` and `assign_funnel_significance`: the input rows with the limits
/// at their denominator and their significance. Each row is read on its own: a row with a blank
/// or invalid cell is not plotted (its note says why) and is left out of the group's average
/// as a whole, never half-counted; the other rows' notes say which rows the average left out.
pub(super) fn funnel(a: &Funnel, t: &Table, group_by: &[String]) -> Result<Output> {
    let (xc, nc) = (t.column(&a.numerator)?, t.column(&a.denominator)?);
    let mut header = t.header().to_vec();
    header.extend(
        [
            "average",
            "lower_2s_limit",
            "upper_2s_limit",
            "lower_3s_limit",
            "upper_3s_limit",
            "significance",
        ]
        .map(String::from),
    );
    let mut out = Output::new(header);
    let mut points: Vec<(Vec<String>, Note)> = vec![Default::default(); t.rows().len()];
    for g in t.groups(group_by)? {
        let read: Vec<Result<(f64, f64, Note), Note>> = g
            .rows
            .iter()
            .map(|&r| {
                let mut cells = Cells::new(t);
                let (x, n) = (cells.number(r, xc), cells.number(r, nc));
                let note = cells.finish()?;
                check_point(a.statistic, x, n)
                    .map(|()| (x, n, note.clone()))
                    .map_err(|e| Note::invalid(&e).and(note))
            })
            .collect();
        let (x, n) = read
            .iter()
            .flatten()
            .fold((0.0, 0.0), |(x, n), (xi, ni, _)| (x + xi, n + ni));
        let (average, mult) = match a.statistic {
            FunnelStatistic::Proportion => (x / n, a.multiplier.unwrap_or(100.0)),
            FunnelStatistic::Ratio => (1.0, a.multiplier.unwrap_or(1.0)),
            FunnelStatistic::Rate => (x / (n * a.years_of_data), a.multiplier.unwrap_or(100_000.0)),
        };
        let left_out: Vec<u64> = g
            .rows
            .iter()
            .zip(&read)
            .filter(|(_, p)| p.is_err())
            .map(|(&r, _)| t.line(r))
            .collect();
        for (&r, point) in g.rows.iter().zip(read) {
            points[r] = match point {
                Ok((xi, ni, mut note)) => match funnel_point(a, average, mult, xi, ni) {
                    Ok(cells) => {
                        if !left_out.is_empty() && a.statistic != FunnelStatistic::Ratio {
                            note = note.and(Note::input(
                                vec![format!(
                                    "average leaves out {}, not plotted",
                                    rows_text(&left_out)
                                )],
                                BTreeSet::new(),
                            ));
                        }
                        (cells, note)
                    }
                    Err(e) => (blanks(6).collect(), Note::invalid(&e).and(note)),
                },
                Err(note) => (blanks(6).collect(), note),
            };
        }
    }
    for (row, (cells, note)) in t.rows().iter().zip(points) {
        let mut row = row.clone();
        row.extend(cells);
        out.push(row, &note);
    }
    Ok(out)
}

/// A point whose values no funnel can use is refused before the average is taken, so that it
/// cannot move the other points' limits.
fn check_point(statistic: FunnelStatistic, x: f64, n: f64) -> Result<(), st::StatsError> {
    for (what, value) in [("numerator", x), ("denominator", n)] {
        if value < 0.0 {
            return Err(st::StatsError::Negative { what, value });
        }
    }
    if statistic == FunnelStatistic::Proportion && x > n {
        return Err(st::StatsError::NumeratorExceedsDenominator {
            numerator: x,
            denominator: n,
        });
    }
    Ok(())
}

/// The average, limits and significance of one point.
fn funnel_point(
    a: &Funnel,
    average: f64,
    mult: f64,
    x: f64,
    n: f64,
) -> Result<Vec<String>, st::StatsError> {
    let (limits, significance) = match a.statistic {
        FunnelStatistic::Proportion => (
            st::funnel_proportion_limits(n, average, mult)?,
            st::funnel_proportion_significance(x, n, average)?,
        ),
        FunnelStatistic::Ratio => (
            st::funnel_ratio_limits(n, mult)?,
            st::funnel_ratio_significance(x, n)?,
        ),
        FunnelStatistic::Rate => {
            let person_years = n * a.years_of_data;
            (
                st::funnel_rate_limits(person_years, average, mult)?,
                st::funnel_rate_significance(x, person_years, average)?,
            )
        }
    };
    Ok(vec![
        fmt(average * mult),
        fmt(limits.lower_2s),
        fmt(limits.upper_2s),
        fmt(limits.lower_3s),
        fmt(limits.upper_3s),
        significance.label().to_string(),
    ])
}

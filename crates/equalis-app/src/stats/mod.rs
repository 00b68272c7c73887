//! The statistics library on an analyst's own CSV file (`equalis stats`), for analysts and for
//! scripted validation against PHEindicatormethods.
//!
//! [`Table::read`] reads the file, and [`compute`] runs one [`Method`] on it and returns the
//! output table: with `group_by` there is one output row per group (counts and populations
//! summed within it), group columns first, groups in order of first appearance. Result columns follow PHEindicatormethods:
//! `value, lowercl, uppercl` for one confidence level, or `lower95_0cl, upper95_0cl,
//! lower99_8cl, upper99_8cl` for the pair 0.95, 0.998, then `confidence, statistic, method`, and
//! always a final `note` column, empty unless a number is missing or its input needed attention
//! (a stable set of columns is easier for scripts than one that varies).
//!
//! One rule for blank and invalid cells, in every method (`table::Cells`): a cell a result
//! needs that is blank (or `NA`) or not a number is never skipped or half-counted; that result
//! is left blank, its note names the rows and columns, and every other result is calculated.
//! [`Output::attention`] counts the results whose input needed attention (the command line exits
//! with status 3 then, so a script notices); one bad area in a file of thousands costs only its
//! own row.
//!
//! `table` reads the CSV and applies the rule, `output` shapes the table, and one function per
//! method lives in `crude`, `standardised`, `inequality`, `chart` and `compare`; every number
//! comes from `equalis-stats`. The input and output are the analyst's own aggregates, not
//! published figures, so nothing here passes `equalis-disclosure`.

mod chart;
mod compare;
mod crude;
mod inequality;
mod output;
mod standardised;
mod table;

use equalis_stats::Levels;

pub use chart::{Funnel, FunnelStatistic, Spc};
pub use compare::{Compare, Gap, GapStatistic};
pub use crude::{Fraction, Mean, Proportion, Rate};
pub use inequality::{Inversion, Quantile, Sii, SiiErrors};
pub use output::{Attention, Output};
pub use standardised::{Dsr, EventFrequency, Isr, IsrStatistic, LifeExpectancy};

pub use table::Table;
use table::rows_text;

/// A method of `equalis stats`, with its options.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Proportion with Wilson score limits (`phe_proportion`).
    Proportion(Proportion),
    /// Crude rate with exact (<10 events) or Byar's limits (`phe_rate`).
    Rate(Rate),
    /// Mean with Student's t limits (`phe_mean`).
    Mean(Mean),
    /// Directly standardised rate with Dobson limits (`calculate_dsr`).
    Dsr(Dsr),
    /// Indirectly standardised ratio or rate (`calculate_ISRatio`, `calculate_ISRate`).
    Isr(Isr),
    /// Life expectancy, Chiang II with Silcocks (`phe_life_expectancy`).
    LifeExpectancy(LifeExpectancy),
    /// Quantiles, OHID method (`phe_quantile`).
    Quantile(Quantile),
    /// Slope and relative index of inequality (`phe_sii`).
    Sii(Sii),
    /// XmR chart with Making Data Count rules (NHSRplotthedots `ptd_spc`); one chart per facet,
    /// so `group_by` is not read.
    Spc(Spc),
    /// Funnel plot limits and significance (`calculate_funnel_limits`).
    Funnel(Funnel),
    /// Rate ratio of each group against a reference group.
    RateRatio(Compare),
    /// Risk ratio (ratio of proportions) against a reference group.
    RiskRatio(Compare),
    /// Absolute and relative gap between each group and a reference group.
    Gap(Gap),
}

impl Method {
    /// Runs the method on the table.
    fn compute(&self, t: &Table, group_by: &[String], levels: &Levels) -> anyhow::Result<Output> {
        match self {
            Method::Proportion(a) => crude::proportion(a, t, group_by, levels),
            Method::Rate(a) => crude::rate(a, t, group_by, levels),
            Method::Mean(a) => crude::mean(a, t, group_by, levels),
            Method::Dsr(a) => standardised::dsr(a, t, group_by, levels),
            Method::Isr(a) => standardised::isr(a, t, group_by, levels),
            Method::LifeExpectancy(a) => standardised::life_expectancy(a, t, group_by, levels),
            Method::Quantile(a) => inequality::quantile(a, t, group_by),
            Method::Sii(a) => inequality::sii(a, t, group_by, levels),
            Method::Spc(a) => chart::spc(a, t),
            Method::Funnel(a) => chart::funnel(a, t, group_by),
            Method::RateRatio(a) => compare::rate_ratio(a, t, group_by, levels),
            Method::RiskRatio(a) => compare::risk_ratio(a, t, group_by, levels),
            Method::Gap(a) => compare::gap(a, t, group_by, levels),
        }
    }
}

/// Runs `method` on the table, one output row per group of the `group_by` columns (every row
/// one group when empty), with limits at `levels`.
///
/// A column that is not in the file is an [`ErrorKind::Invalid`](crate::ErrorKind::Invalid)
/// error listing the columns found (the file and the options are the caller's); blank and
/// invalid cells are not errors but notes on the results they belong to.
pub fn compute(
    method: &Method,
    table: &Table,
    group_by: &[String],
    levels: &Levels,
) -> crate::Result<Output> {
    method
        .compute(table, group_by, levels)
        .map_err(|e| crate::Error::from(e).callers())
}

impl Output {
    /// One line for the analyst when some results' input needs attention, saying how many
    /// results and which input rows; `None` when every result was calculated from complete
    /// input.
    pub fn attention_summary(&self) -> Option<String> {
        let a = &self.attention;
        if a.results == 0 {
            return None;
        }
        let mut what = Vec::new();
        if a.not_calculated > 0 {
            what.push(format!(
                "{} of {} results not calculated",
                a.not_calculated,
                self.rows.len()
            ));
        }
        let zeroed = a.results - a.not_calculated;
        if zeroed > 0 {
            what.push(format!("{zeroed} calculated reading blank counts as 0"));
        }
        let lines: Vec<u64> = a.lines.iter().copied().collect();
        let from = if lines.is_empty() {
            " because their values are invalid".to_string()
        } else {
            format!(
                " because of blank or invalid cells in input {}",
                rows_text(&lines)
            )
        };
        Some(format!(
            "{}{from}; the `note` column says why and what to fix",
            what.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests;

//! The rows of the results tables.

use serde::{Deserialize, Serialize};

/// What a row's value is, which decides how it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// `numerator / denominator × multiplier` with Wilson limits.
    Proportion,
    /// A crude rate: events per population × multiplier, Byar's limits.
    CrudeRate,
    /// A directly standardised rate (ESP 2013).
    Dsr,
    /// Observed ÷ expected (indirect standardisation): numerator observed, denominator expected.
    Ratio,
    /// A median of `denominator` values.
    Median,
    /// A percentile of `denominator` values.
    Percentile,
    /// A count (`numerator`, also the value).
    Count,
    /// A difference between two groups. For a gap between two groups' proportions the row
    /// holds both groups' counts (`numerator`/`denominator` the group's,
    /// `comparator_numerator`/`comparator_denominator` the comparator's); otherwise (a ratio
    /// of two medians) `denominator` is the smaller group's size.
    Gap,
    /// The share of an estimated population missing from a count, `(numerator − denominator) ÷
    /// numerator × multiplier`: `numerator` is the estimate (e.g. ONS residents) and
    /// `denominator` the count (e.g. registered with a GP); negative when more are counted than
    /// estimated.
    Shortfall,
}

impl Statistic {
    /// The name used in files and definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Proportion => "proportion",
            Statistic::CrudeRate => "rate",
            Statistic::Dsr => "dsr",
            Statistic::Ratio => "ratio",
            Statistic::Median => "median",
            Statistic::Percentile => "percentile",
            Statistic::Count => "count",
            Statistic::Gap => "gap",
            Statistic::Shortfall => "shortfall",
        }
    }

    /// Parses [`Statistic::as_str`].
    pub fn parse(s: &str) -> Option<Statistic> {
        Some(match s {
            "proportion" => Statistic::Proportion,
            "rate" => Statistic::CrudeRate,
            "dsr" => Statistic::Dsr,
            "ratio" => Statistic::Ratio,
            "median" => Statistic::Median,
            "percentile" => Statistic::Percentile,
            "count" => Statistic::Count,
            "gap" => Statistic::Gap,
            "shortfall" => Statistic::Shortfall,
            _ => return None,
        })
    }
}

/// A group's value against the ICS value (Fingertips' comparison: the group's 95% limits
/// exclude the comparator or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Limits entirely above the ICS value.
    Higher,
    /// Limits entirely below the ICS value.
    Lower,
    /// Limits include the ICS value.
    Similar,
}

impl Comparison {
    /// The word stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Higher => "higher",
            Comparison::Lower => "lower",
            Comparison::Similar => "similar",
        }
    }

    /// Parses [`Comparison::as_str`].
    pub fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            "higher" => Comparison::Higher,
            "lower" => Comparison::Lower,
            "similar" => Comparison::Similar,
            _ => return None,
        })
    }
}

/// One figure: an indicator for one period, breakdown and group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The indicator or measure id, e.g. `smi_health_check` or `wl_over_52_weeks`.
    pub indicator_id: String,
    /// The period, e.g. `2025/26` or a snapshot date `2026-03-29`.
    pub period: String,
    /// `all`, a breakdown (`imd_quintile`) or a pair (`ethnic_group x imd_quintile`).
    pub breakdown: String,
    /// The group: `All`, `1`, `Core20`, or a pair's groups joined with ` x `.
    pub group: String,
    /// What the value is.
    pub statistic: Statistic,
    /// The multiplier of the value (100 for a percentage, 100,000 for a rate per 100,000).
    pub multiplier: f64,
    /// Events, numerator count or observed count.
    pub numerator: Option<f64>,
    /// Denominator count, population, expected count, or the number of values.
    pub denominator: Option<f64>,
    /// For a gap between two proportions, the comparator group's numerator.
    pub comparator_numerator: Option<f64>,
    /// For a gap between two proportions, the comparator group's denominator.
    pub comparator_denominator: Option<f64>,
    /// The value.
    pub value: Option<f64>,
    /// Lower 95% confidence limit.
    pub lowercl: Option<f64>,
    /// Upper 95% confidence limit.
    pub uppercl: Option<f64>,
    /// Lower 99.8% confidence limit.
    pub lower998cl: Option<f64>,
    /// Upper 99.8% confidence limit.
    pub upper998cl: Option<f64>,
    /// Against the ICS value of the same indicator and period (none for `all` itself).
    pub comparison: Option<Comparison>,
    /// Why a number is missing, or a caveat.
    pub note: Option<String>,
}

impl ResultRow {
    /// A row with only its keys set; the statistic's numbers are filled in by the caller.
    pub fn new(
        indicator_id: &str,
        period: &str,
        breakdown: &str,
        group: &str,
        statistic: Statistic,
        multiplier: f64,
    ) -> ResultRow {
        ResultRow {
            indicator_id: indicator_id.to_owned(),
            period: period.to_owned(),
            breakdown: breakdown.to_owned(),
            group: group.to_owned(),
            statistic,
            multiplier,
            numerator: None,
            denominator: None,
            comparator_numerator: None,
            comparator_denominator: None,
            value: None,
            lowercl: None,
            uppercl: None,
            lower998cl: None,
            upper998cl: None,
            comparison: None,
            note: None,
        }
    }
}

/// The slope (SII) or relative index (RII) of inequality across IMD deciles, for the whole
/// ICS (`breakdown` `all`) or within one group of another breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InequalityRow {
    /// The indicator.
    pub indicator_id: String,
    /// The period.
    pub period: String,
    /// `all`, or the breakdown within whose groups the gradient was measured.
    pub breakdown: String,
    /// `All`, or the group.
    pub group: String,
    /// `sii` or `rii`.
    pub measure: String,
    /// The value (in the indicator's units for SII; a ratio for RII).
    pub value: Option<f64>,
    /// Lower 95% limit.
    pub lowercl: Option<f64>,
    /// Upper 95% limit.
    pub uppercl: Option<f64>,
    /// Why the value is missing.
    pub note: Option<String>,
}

/// One point of an SPC chart (NHS "Making Data Count" XmR).
///
/// A point carries the counts its value rests on (as its results row would), so that the
/// published view can compute the point from published counts like any other figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcRow {
    /// The indicator or measure, e.g. `wl_gap_core20_over_18_weeks`.
    pub indicator_id: String,
    /// The breakdown of the series.
    pub breakdown: String,
    /// The group of the series.
    pub group: String,
    /// The period of this point.
    pub period: String,
    /// What the point's value is.
    pub statistic: Statistic,
    /// The value's multiplier.
    pub multiplier: f64,
    /// The plotted value.
    pub value: f64,
    /// The numerator of the point's figure (see [`ResultRow::numerator`]).
    pub numerator: Option<f64>,
    /// The denominator of the point's figure (see [`ResultRow::denominator`]).
    pub denominator: Option<f64>,
    /// For a gap between two proportions, the comparator's numerator.
    pub comparator_numerator: Option<f64>,
    /// For a gap between two proportions, the comparator's denominator.
    pub comparator_denominator: Option<f64>,
    /// Centre line (mean); none when the series has no reliable limits (see `note`).
    pub centre: Option<f64>,
    /// Lower process limit.
    pub lower_limit: Option<f64>,
    /// Upper process limit.
    pub upper_limit: Option<f64>,
    /// `common_cause`, `special_cause_improvement`, `special_cause_concern`,
    /// `special_cause_neutral_high`/`_low`, or `not_assessed` when the series has no reliable
    /// limits.
    pub point: String,
    /// The variation icon of the whole series, as Making Data Count names it.
    pub variation: String,
    /// The assurance icon of the whole series (against a target), if there is one.
    pub assurance: Option<String>,
    /// Why the series has no process limits (e.g. the measurement is too coarse for them).
    pub note: Option<String>,
}

impl SpcRow {
    /// How many records the point rests on, for disclosure control of a simple statistic.
    pub fn contributors(&self) -> f64 {
        self.denominator.or(self.numerator).unwrap_or(0.0)
    }
}

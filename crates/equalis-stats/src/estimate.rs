//! The shape of a result: a value, its confidence limits, the method used, and for every missing
//! number the reason it is missing.

use std::fmt;

use crate::{Confidence, Levels};

/// Why a number was not calculated or not published, worded for a board paper.
///
/// Every `Display` reads as a full sentence fragment, e.g.
/// "DSR not calculated: total count 9 < 10".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// The denominator (or population) was zero.
    ZeroDenominator {
        /// The statistic, e.g. "rate".
        statistic: &'static str,
    },
    /// Too few events for the method to be robust.
    TotalCountBelow {
        /// The statistic, e.g. "DSR".
        statistic: &'static str,
        /// The total count observed.
        count: f64,
        /// The minimum count required.
        minimum: f64,
    },
    /// Too few values (e.g. a mean of one value has no standard deviation).
    TooFewValues {
        /// The statistic.
        statistic: &'static str,
        /// Values available.
        count: usize,
        /// Values required.
        minimum: usize,
    },
    /// A count of zero makes a log-scale limit undefined.
    ZeroCount {
        /// The statistic.
        statistic: &'static str,
    },
    /// The input value was missing.
    MissingValue,
    /// Fewer non-missing areas than quantiles requested.
    FewerAreasThanQuantiles {
        /// Non-missing areas.
        areas: usize,
        /// Quantiles requested.
        quantiles: u32,
    },
    /// Life expectancy: total population at or below the 5,000 threshold.
    PopulationTooSmall {
        /// Total population.
        population: f64,
    },
    /// Life expectancy: the 95% confidence interval is wider than 20 years.
    IntervalTooWide {
        /// Width of the 95% interval in years.
        width: f64,
    },
    /// Life expectancy: a band had zero population.
    ZeroPopulationInBand {
        /// Start age of the band.
        start_age: f64,
    },
    /// Life expectancy: a band had more deaths than population.
    DeathsExceedPopulation {
        /// Start age of the band.
        start_age: f64,
    },
    /// Life expectancy: no deaths in the final, open-ended band.
    NoDeathsInFinalBand,
    /// The arithmetic overflowed or was undefined (e.g. a population so small that a rate is
    /// infinite); reported instead of an infinite or NaN number.
    NotFinite,
    /// SPC: the measurement moves in steps too large for process limits (Wheeler's "chunky
    /// data"): fewer than four possible moving-range values lie below the upper range limit.
    ChunkyData {
        /// The smallest step the values take.
        resolution: f64,
        /// The upper range limit, 3.267 × the mean moving range.
        upper_range_limit: f64,
    },
    /// SPC: every moving range is 0, so the limits would sit on the centre line.
    NoVariation,
    /// A value is not defined for this input, with a short explanation.
    Undefined {
        /// The statistic.
        statistic: &'static str,
        /// Why.
        why: &'static str,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ZeroDenominator { statistic } => {
                write!(f, "{statistic} not calculated: denominator is 0")
            }
            Reason::TotalCountBelow {
                statistic,
                count,
                minimum,
            } => {
                write!(
                    f,
                    "{statistic} not calculated: total count {count} < {minimum}"
                )
            }
            Reason::TooFewValues {
                statistic,
                count,
                minimum,
            } => {
                write!(f, "{statistic} not calculated: {count} values < {minimum}")
            }
            Reason::ZeroCount { statistic } => {
                write!(f, "{statistic} not calculated: a count is 0")
            }
            Reason::MissingValue => write!(f, "not calculated: value is missing"),
            Reason::FewerAreasThanQuantiles { areas, quantiles } => write!(
                f,
                "quantile not assigned: {areas} areas with values < {quantiles} quantiles"
            ),
            Reason::PopulationTooSmall { population } => write!(
                f,
                "life expectancy not calculated: total population {population} <= 5000"
            ),
            Reason::IntervalTooWide { width } => write!(
                f,
                "life expectancy suppressed: 95% confidence interval width {width:.1} > 20 years"
            ),
            Reason::ZeroPopulationInBand { start_age } => write!(
                f,
                "life expectancy not calculated: population 0 in age band starting {start_age}"
            ),
            Reason::DeathsExceedPopulation { start_age } => write!(
                f,
                "life expectancy not calculated: deaths exceed population in age band starting {start_age}"
            ),
            Reason::NoDeathsInFinalBand => {
                write!(
                    f,
                    "life expectancy not calculated: no deaths in the final age band"
                )
            }
            Reason::NotFinite => write!(
                f,
                "not calculated: the result is not a finite number (check for tiny denominators)"
            ),
            Reason::ChunkyData {
                resolution,
                upper_range_limit,
            } => write!(
                f,
                "no process limits: the values move in steps of {} but the moving ranges' upper \
                 limit is {}, so fewer than four possible ranges lie within it and every small \
                 step would look like a special cause (Wheeler's \"chunky data\")",
                significant(*resolution),
                significant(*upper_range_limit)
            ),
            Reason::NoVariation => write!(
                f,
                "no process limits: the series does not vary from one point to the next"
            ),
            Reason::Undefined { statistic, why } => write!(f, "{statistic} not calculated: {why}"),
        }
    }
}

/// A number to four significant figures, for messages.
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// The confidence method, labelled as PHEindicatormethods labels its `method` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Wilson score interval.
    Wilson,
    /// Exact Poisson limits from the χ² distribution.
    Exact,
    /// Byar's approximation to the exact Poisson limits.
    Byars,
    /// Student's t.
    StudentT,
    /// Dobson et al. (1991).
    Dobson,
    /// Dobson with the variance adjusted for non-independent events.
    DobsonNonIndependent,
    /// Exact/Byar's limits scaled for non-independent events.
    PoissonNonIndependent,
    /// Log-normal limits for a ratio (Kirkwood & Sterne).
    LogNormal,
    /// Newcombe's hybrid score interval for a difference of proportions.
    Newcombe,
    /// Normal approximation for a difference of rates.
    Normal,
    /// Chiang II abridged life table with Silcocks' final interval.
    ChiangSilcocks,
    /// Monte Carlo over weighted least squares.
    MonteCarlo,
    /// Order statistics chosen by the binomial distribution (distribution-free limits of a
    /// median or percentile).
    OrderStatistic,
}

impl Method {
    /// The label used in PHEindicatormethods' `method` column where one exists.
    pub fn label(self) -> &'static str {
        match self {
            Method::Wilson => "Wilson",
            Method::Exact => "Exact",
            Method::Byars => "Byars",
            Method::StudentT => "Student's t-distribution",
            Method::Dobson => "Dobson",
            Method::DobsonNonIndependent => {
                "Dobson, with confidence adjusted for non-independent events"
            }
            Method::PoissonNonIndependent => {
                "Exact/Byars, with confidence adjusted for non-independent events"
            }
            Method::LogNormal => "Log-normal (Kirkwood & Sterne)",
            Method::Newcombe => "Newcombe hybrid score",
            Method::Normal => "Normal approximation",
            Method::ChiangSilcocks => "Chiang, using Silcocks et al for confidence limits",
            Method::MonteCarlo => "Monte Carlo simulation",
            Method::OrderStatistic => "Binomial order statistics",
        }
    }
}

/// Confidence limits at one level; each limit is a number or the reason it is missing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The level, e.g. 0.95.
    pub confidence: f64,
    /// Lower limit.
    pub lower: Result<f64, Reason>,
    /// Upper limit.
    pub upper: Result<f64, Reason>,
}

impl Interval {
    pub(crate) fn new(confidence: Confidence, lower: f64, upper: f64) -> Self {
        Self {
            confidence: confidence.level(),
            lower: Ok(lower),
            upper: Ok(upper),
        }
    }

    pub(crate) fn missing(confidence: Confidence, reason: Reason) -> Self {
        Self {
            confidence: confidence.level(),
            lower: Err(reason),
            upper: Err(reason),
        }
    }
}

/// A statistic with confidence limits at one level or at 95% and 99.8%.
///
/// The limits are stored inline (no heap allocation) because DSRs are computed by the million.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The statistic, or why it is missing.
    pub value: Result<f64, Reason>,
    intervals: [Interval; 2],
    len: usize,
    /// The confidence method.
    pub method: Method,
}

impl Estimate {
    /// Builds an estimate, computing limits at each level with `limits`.
    pub(crate) fn build(
        value: Result<f64, Reason>,
        levels: &Levels,
        method: Method,
        mut limits: impl FnMut(Confidence) -> Interval,
    ) -> Self {
        let slice = levels.as_slice();
        let first = limits(slice[0]);
        let second = if slice.len() > 1 {
            limits(slice[1])
        } else {
            first
        };
        // The one place every estimate passes through: an infinite or NaN number becomes a
        // reason here, so no method can leak a silent NaN into a board paper.
        let finite = |v: Result<f64, Reason>| match v {
            Ok(x) if !x.is_finite() => Err(Reason::NotFinite),
            other => other,
        };
        let mut intervals = [first, second];
        for i in &mut intervals {
            i.lower = finite(i.lower);
            i.upper = finite(i.upper);
        }
        Self {
            value: finite(value),
            intervals,
            len: slice.len(),
            method,
        }
    }

    /// Builds an estimate with every number missing for the same reason.
    pub(crate) fn missing(reason: Reason, levels: &Levels, method: Method) -> Self {
        Self::build(Err(reason), levels, method, |c| {
            Interval::missing(c, reason)
        })
    }

    /// The confidence limits, one per requested level.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals[..self.len]
    }

    /// The limits at the first (or only) level.
    pub fn interval(&self) -> &Interval {
        &self.intervals[0]
    }

    /// Applies `f` to the value and to every limit (used for relative gaps = ratio − 1).
    pub(crate) fn map(mut self, f: impl Fn(f64) -> f64) -> Self {
        let g = |v: Result<f64, Reason>| match v.map(&f) {
            Ok(x) if !x.is_finite() => Err(Reason::NotFinite),
            other => other,
        };
        self.value = g(self.value);
        for i in &mut self.intervals {
            i.lower = g(i.lower);
            i.upper = g(i.upper);
        }
        self
    }
}

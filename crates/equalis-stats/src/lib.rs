//! Public-health statistics for equalis: confidence intervals, standardised rates, inequality
//! indices, funnel limits, statistical process control and life expectancy.
//!
//! **Architecture invariant:** this crate knows nothing about Arrow, SQL, HTTP or files. Plain
//! numbers go in and results come out, so that the engine can later register each function as a
//! SQL function without this crate changing.
//!
//! Two kinds of "no answer" are kept apart on purpose:
//!
//! * *invalid input* (a negative count, a numerator above its denominator for a proportion, a
//!   confidence level out of range) is an [`Err`] of [`StatsError`]: the caller asked a question
//!   that has no meaning;
//! * a *valid question whose answer is withheld* (fewer than 10 events for a DSR, a population of
//!   5,000 or less for life expectancy) is a value of [`Reason`] inside the result, so that a
//!   missing number always carries its explanation into the board paper instead of a silent NaN.
//!
//! Every public function cites its method; the formulas are those of OHID's Fingertips and the R
//! package PHEindicatormethods v2.1 and of NHS England's Making Data Count, as summarised in
//! `METHODS.md` §1 and §2.

#![deny(missing_docs)]

mod compare;
mod confidence;
mod dsr;
mod error;
mod estimate;
mod funnel;
mod isr;
mod life_expectancy;
mod limits;
mod mean;
mod percentile;
mod proportion;
mod quantile;
mod rate;
mod sii;
mod spc;

pub use compare::{Gap, proportion_gap, rate_gap, rate_ratio, risk_ratio};
pub use confidence::{Confidence, Levels};
pub use dsr::{ESP2013, EventFrequencyRow, dsr, dsr_from_summary, dsr_non_independent};
pub use error::StatsError;
pub use estimate::{Estimate, Interval, Method, Reason};
pub use funnel::{
    FunnelLimits, FunnelSignificance, funnel_proportion_limits, funnel_proportion_significance,
    funnel_rate_limits, funnel_rate_significance, funnel_ratio_limits, funnel_ratio_significance,
};
pub use isr::{expected_count, isr_rate, isr_ratio, observed_to_expected};
pub use life_expectancy::{LifeExpectancy, life_expectancy};
pub use limits::{byars_lower, byars_upper, exact_poisson_lower, exact_poisson_upper};
pub use mean::{MeanEstimate, mean};
pub use percentile::{percentile_interval_of_counts, percentile_of_counts};
pub use proportion::proportion;
pub use quantile::assign_quantiles;
pub use rate::{rate, rate_non_independent};
pub use sii::{SiiOptions, SiiResult, StandardErrors, ValueType, sii};
pub use spc::{
    Assurance, ImprovementDirection, PointType, Rule2of3, SpcOptions, SpcPoint, SpcResult, spc,
};

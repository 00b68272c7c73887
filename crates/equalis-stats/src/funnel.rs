//! Funnel plot control limits and significance for proportions, ratios and rates.
//!
//! Fingertips draws two funnels: 95% (two-sided 0.025 each side, "2σ") and 99.8% (0.001 each
//! side, "3σ"). Significance compares each area's own confidence interval with the average, which
//! is equivalent to asking whether the area lies outside the funnel at its denominator.

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::gamma_lr;

use crate::error::check_count;
use crate::limits::poisson_limits;
use crate::proportion::wilson;
use crate::{Confidence, StatsError};

/// Funnel limits at one denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelLimits {
    /// Lower 95% (0.025) limit.
    pub lower_2s: f64,
    /// Upper 95% (0.025) limit.
    pub upper_2s: f64,
    /// Lower 99.8% (0.001) limit.
    pub lower_3s: f64,
    /// Upper 99.8% (0.001) limit.
    pub upper_3s: f64,
}

/// Significance of an area against the funnel, labelled as PHEindicatormethods
/// `assign_funnel_significance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelSignificance {
    /// Above the 99.8% limit.
    High001,
    /// Above the 95% limit only.
    High025,
    /// Inside both funnels.
    NotSignificant,
    /// Below the 95% limit only.
    Low025,
    /// Below the 99.8% limit.
    Low001,
}

impl FunnelSignificance {
    /// The package's label, e.g. "High (0.001)".
    pub fn label(self) -> &'static str {
        match self {
            Self::High001 => "High (0.001)",
            Self::High025 => "High (0.025)",
            Self::NotSignificant => "Not significant",
            Self::Low025 => "Low (0.025)",
            Self::Low001 => "Low (0.001)",
        }
    }

    fn classify(average: f64, l95: f64, u95: f64, l998: f64, u998: f64) -> Self {
        if l998 > average {
            Self::High001
        } else if l95 > average {
            Self::High025
        } else if u998 < average {
            Self::Low001
        } else if u95 < average {
            Self::Low025
        } else {
            Self::NotSignificant
        }
    }
}

fn pair() -> (Confidence, Confidence) {
    (
        Confidence::new(0.95).expect("0.95 is in range"),
        Confidence::new(0.998).expect("0.998 is in range"),
    )
}

/// Funnel limits for a proportion at denominator `n` around the average proportion `average`
/// (`Σ numerators / Σ denominators`), as PHEindicatormethods `calculate_funnel_limits` with
/// `statistic = "proportion"`.
///
/// Each limit is the proportion whose Wilson score interval at `n` just reaches the average,
/// i.e. the root of the Wilson equation solved for the observed count (Fingertips funnel tool,
/// `sigma_adjustment`): with `k = n/z² + 1` and `s = 1/z² + 1/n`,
/// `count = (πk ∓ √(π²k² − sπ(n(π(n/z² + 2) − 1) + z²(π − 1))))/s`, limit `count/n × multiplier`.
pub fn funnel_proportion_limits(
    n: f64,
    average: f64,
    multiplier: f64,
) -> Result<FunnelLimits, StatsError> {
    check_count("denominator", n)?;
    if !(0.0..=1.0).contains(&average) {
        return Err(StatsError::InvalidArgument(format!(
            "average proportion {average} is not between 0 and 1"
        )));
    }
    if n == 0.0 {
        return Err(StatsError::InvalidArgument(
            "funnel limits need a denominator above 0".into(),
        ));
    }
    let at = |p: f64| {
        let z = Normal::standard().inverse_cdf(p);
        let z2 = z * z;
        let k = n / z2 + 1.0;
        let s = 1.0 / z2 + 1.0 / n;
        let inner = average * average * k * k
            - s * average * (n * (average * (n / z2 + 2.0) - 1.0) + z2 * (average - 1.0));
        let root = inner.max(0.0).sqrt();
        // Clamped to the possible range, as the package clamps to 0–100 for percentages.
        (
            ((average * k - root) / s / n).clamp(0.0, 1.0) * multiplier,
            ((average * k + root) / s / n).clamp(0.0, 1.0) * multiplier,
        )
    };
    let (lower_2s, upper_2s) = at(0.975);
    let (lower_3s, upper_3s) = at(0.999);
    Ok(FunnelLimits {
        lower_2s,
        upper_2s,
        lower_3s,
        upper_3s,
    })
}

/// Significance of a proportion `x/n` against the average: its Wilson 95% and 99.8% intervals
/// compared with `average` (0–1), as PHEindicatormethods `assign_funnel_significance`.
pub fn funnel_proportion_significance(
    x: f64,
    n: f64,
    average: f64,
) -> Result<FunnelSignificance, StatsError> {
    check_count("numerator", x)?;
    check_count("denominator", n)?;
    if x > n {
        return Err(StatsError::NumeratorExceedsDenominator {
            numerator: x,
            denominator: n,
        });
    }
    if n == 0.0 {
        return Err(StatsError::InvalidArgument(
            "funnel significance needs a denominator above 0".into(),
        ));
    }
    let (c95, c998) = pair();
    let (l95, u95) = wilson(x, n, c95.z());
    let (l998, u998) = wilson(x, n, c998.z());
    Ok(FunnelSignificance::classify(average, l95, u95, l998, u998))
}

/// Funnel limits for a ratio (observed/expected, e.g. an ISR) at expected count `E`, as
/// PHEindicatormethods `calculate_funnel_limits` with `statistic = "ratio"` (its `poisson_funnel`).
///
/// The upper limit is `O/E` for the count `O` with `P(X ≥ O | E) = 0.025` (or 0.001), and the
/// lower limit `O/E` with `P(X ≤ O | E) = 0.025`, both in the continuous form of the Poisson
/// tail, `P(X ≥ O | E) = P(O, E)` (the regularised lower incomplete gamma function), solved for
/// `O` by bisection. The package traces the same curve from a grid of observed counts; this
/// evaluates it at any expected count. A lower limit below 0 events is 0. Limits × `multiplier`
/// (1, or 100 for an SMR).
pub fn funnel_ratio_limits(expected: f64, multiplier: f64) -> Result<FunnelLimits, StatsError> {
    check_count("expected count", expected)?;
    if expected == 0.0 {
        return Err(StatsError::InvalidArgument(
            "funnel limits need an expected count above 0".into(),
        ));
    }
    let e = expected;
    // P(X >= O | E) = P(O, E) falls from 1 to 0 as O grows, so each limit is a monotone root.
    let upper = |p: f64| shape_root(e, p);
    // P(X <= O | E) = 1 - P(O + 1, E); a root below O = 0 means the lower limit is 0 events.
    let lower = |p: f64| (shape_root(e, 1.0 - p) - 1.0).max(0.0);
    let scale = multiplier / e;
    Ok(FunnelLimits {
        lower_2s: lower(0.025) * scale,
        upper_2s: upper(0.025) * scale,
        lower_3s: lower(0.001) * scale,
        upper_3s: upper(0.001) * scale,
    })
}

/// The shape `a` with `P(a, x) = p`, by bisection (`P` decreases in `a`).
fn shape_root(x: f64, p: f64) -> f64 {
    let f = |a: f64| gamma_lr(a, x) - p;
    let mut lo = 1e-12;
    if f(lo) <= 0.0 {
        return lo;
    }
    let mut hi = x + 10.0 * x.sqrt() + 10.0;
    while f(hi) > 0.0 {
        hi *= 2.0;
    }
    // 200 halvings reach the resolution of f64 well before the loop ends.
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Significance of a ratio `observed/expected` against 1: exact χ² limits on the observed count
/// below 10 and Byar's from 10, at 95% and 99.8%, as PHEindicatormethods
/// `funnel_ratio_significance`.
pub fn funnel_ratio_significance(
    observed: f64,
    expected: f64,
) -> Result<FunnelSignificance, StatsError> {
    check_count("observed count", observed)?;
    check_count("expected count", expected)?;
    if expected == 0.0 {
        return Err(StatsError::InvalidArgument(
            "funnel significance needs an expected count above 0".into(),
        ));
    }
    let (c95, c998) = pair();
    let (l95, u95) = poisson_limits(observed, c95);
    let (l998, u998) = poisson_limits(observed, c998);
    let e = expected;
    Ok(FunnelSignificance::classify(
        1.0,
        l95 / e,
        u95 / e,
        l998 / e,
        u998 / e,
    ))
}

/// Funnel limits for a crude rate at population `n` (person-years: population × years of data)
/// around the average rate `average` (per person-year): the ratio limits at the expected count
/// `average·n`, rescaled to a rate × `multiplier`.
pub fn funnel_rate_limits(
    n: f64,
    average: f64,
    multiplier: f64,
) -> Result<FunnelLimits, StatsError> {
    check_count("average rate", average)?;
    let ratio = funnel_ratio_limits(average * n, 1.0)?;
    let scale = average * multiplier;
    Ok(FunnelLimits {
        lower_2s: ratio.lower_2s * scale,
        upper_2s: ratio.upper_2s * scale,
        lower_3s: ratio.lower_3s * scale,
        upper_3s: ratio.upper_3s * scale,
    })
}

/// Significance of a crude rate `x/n` against the average rate (per person-year): its exact or
/// Byar's limits compared with the average.
pub fn funnel_rate_significance(
    x: f64,
    n: f64,
    average: f64,
) -> Result<FunnelSignificance, StatsError> {
    check_count("denominator", n)?;
    funnel_ratio_significance(x, average * n)
}

//! Comparisons between two groups: rate ratio, risk ratio, and absolute and relative gaps.
//!
//! PHEindicatormethods lacks these (its issues #5 and #6); the methods are the standard ones of
//! Kirkwood & Sterne, *Essential Medical Statistics* (2nd ed.), and Newcombe (1998).

use crate::error::check_count;
use crate::proportion::wilson;
use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// Rate ratio `(x₁/n₁)/(x₂/n₂)` with log-normal limits `exp(ln RR ± z·√(1/x₁ + 1/x₂))`
/// (Kirkwood & Sterne §23.2). A zero count in either group leaves the limits missing.
pub fn rate_ratio(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    levels: &Levels,
) -> Result<Estimate, StatsError> {
    for (what, v) in [
        ("numerator 1", x1),
        ("denominator 1", n1),
        ("numerator 2", x2),
        ("denominator 2", n2),
    ] {
        check_count(what, v)?;
    }
    let se = if x1 > 0.0 && x2 > 0.0 {
        Some((1.0 / x1 + 1.0 / x2).sqrt())
    } else {
        None
    };
    Ok(log_ratio(x1, n1, x2, n2, se, levels, "rate ratio"))
}

/// Risk ratio (ratio of proportions) `(x₁/n₁)/(x₂/n₂)` with log-normal limits
/// `exp(ln RR ± z·√(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂))` (Kirkwood & Sterne §16.5).
/// A zero count in either group leaves the limits missing.
pub fn risk_ratio(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    levels: &Levels,
) -> Result<Estimate, StatsError> {
    check_proportion(x1, n1)?;
    check_proportion(x2, n2)?;
    let se = if x1 > 0.0 && x2 > 0.0 {
        Some((1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt())
    } else {
        None
    };
    Ok(log_ratio(x1, n1, x2, n2, se, levels, "risk ratio"))
}

fn log_ratio(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    se: Option<f64>,
    levels: &Levels,
    statistic: &'static str,
) -> Estimate {
    let method = Method::LogNormal;
    if n1 == 0.0 || n2 == 0.0 {
        return Estimate::missing(Reason::ZeroDenominator { statistic }, levels, method);
    }
    if x2 == 0.0 {
        return Estimate::missing(Reason::ZeroCount { statistic }, levels, method);
    }
    let ratio = (x1 / n1) / (x2 / n2);
    Estimate::build(Ok(ratio), levels, method, |c| match se {
        Some(se) => {
            let half = c.z() * se;
            Interval::new(c, ratio * (-half).exp(), ratio * half.exp())
        }
        None => Interval::missing(c, Reason::ZeroCount { statistic }),
    })
}

/// The gap between a group and a comparator: absolute (difference) and relative (ratio − 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// Group 1 minus group 2, × multiplier.
    pub absolute: Estimate,
    /// Group 1 relative to group 2, as a fraction (`ratio − 1`; 0.25 means 25% higher).
    pub relative: Estimate,
}

/// Gap between two proportions: the absolute gap `p₁ − p₂` with Newcombe's hybrid score limits
/// (Newcombe 1998, method 10, built from the Wilson limits of each group), and the relative gap
/// `p₁/p₂ − 1` from [`risk_ratio`]. Absolute values are × `multiplier` (100 for percentage points).
pub fn proportion_gap(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    levels: &Levels,
    multiplier: f64,
) -> Result<Gap, StatsError> {
    let relative = risk_ratio(x1, n1, x2, n2, levels)?.map(|r| r - 1.0);
    let method = Method::Newcombe;
    if n1 == 0.0 || n2 == 0.0 {
        let reason = Reason::ZeroDenominator { statistic: "gap" };
        return Ok(Gap {
            absolute: Estimate::missing(reason, levels, method),
            relative,
        });
    }
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    let absolute = Estimate::build(Ok(d * multiplier), levels, method, |c| {
        let (l1, u1) = wilson(x1, n1, c.z());
        let (l2, u2) = wilson(x2, n2, c.z());
        let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
        let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
        Interval::new(c, lower * multiplier, upper * multiplier)
    });
    Ok(Gap { absolute, relative })
}

/// Gap between two rates: the absolute gap `r₁ − r₂` with normal limits
/// `± z·√(x₁/n₁² + x₂/n₂²)` (Kirkwood & Sterne §23.2), and the relative gap `r₁/r₂ − 1` from
/// [`rate_ratio`]. Absolute values are × `multiplier` (e.g. 100,000).
pub fn rate_gap(
    x1: f64,
    n1: f64,
    x2: f64,
    n2: f64,
    levels: &Levels,
    multiplier: f64,
) -> Result<Gap, StatsError> {
    let relative = rate_ratio(x1, n1, x2, n2, levels)?.map(|r| r - 1.0);
    let method = Method::Normal;
    if n1 == 0.0 || n2 == 0.0 {
        let reason = Reason::ZeroDenominator { statistic: "gap" };
        return Ok(Gap {
            absolute: Estimate::missing(reason, levels, method),
            relative,
        });
    }
    let d = x1 / n1 - x2 / n2;
    let se = (x1 / (n1 * n1) + x2 / (n2 * n2)).sqrt();
    let absolute = Estimate::build(Ok(d * multiplier), levels, method, |c| {
        Interval::new(
            c,
            (d - c.z() * se) * multiplier,
            (d + c.z() * se) * multiplier,
        )
    });
    Ok(Gap { absolute, relative })
}

fn check_proportion(x: f64, n: f64) -> Result<(), StatsError> {
    check_count("numerator", x)?;
    check_count("denominator", n)?;
    if x > n {
        return Err(StatsError::NumeratorExceedsDenominator {
            numerator: x,
            denominator: n,
        });
    }
    Ok(())
}

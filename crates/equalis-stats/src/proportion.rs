//! Proportions with Wilson score limits.

use crate::error::check_count;
use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// Proportion `x/n × multiplier` with Wilson score confidence limits, as in PHEindicatormethods
/// `phe_proportion`.
///
/// Limits: `(2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))`, then × `multiplier`
/// (1 for a proportion, 100 for a percentage).
///
/// A zero denominator is a [`Reason`] (an empty group), not an error; `x > n` is an error.
pub fn proportion(
    x: f64,
    n: f64,
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_count("numerator", x)?;
    check_count("denominator", n)?;
    if x > n {
        return Err(StatsError::NumeratorExceedsDenominator {
            numerator: x,
            denominator: n,
        });
    }
    if n == 0.0 {
        let reason = Reason::ZeroDenominator {
            statistic: "proportion",
        };
        return Ok(Estimate::missing(reason, levels, Method::Wilson));
    }
    Ok(Estimate::build(
        Ok(x / n * multiplier),
        levels,
        Method::Wilson,
        |c| {
            let (lower, upper) = wilson(x, n, c.z());
            Interval::new(c, lower * multiplier, upper * multiplier)
        },
    ))
}

/// Wilson score limits on the 0–1 scale.
pub(crate) fn wilson(x: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let root = z * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    let denominator = 2.0 * (n + z2);
    (
        (2.0 * x + z2 - root) / denominator,
        (2.0 * x + z2 + root) / denominator,
    )
}

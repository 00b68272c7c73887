//! Poisson confidence limits for a count: exact (χ²) and Byar's approximation.
//!
//! These are the building blocks of crude rates, DSRs (Dobson) and ISRs, as in
//! PHEindicatormethods `utils.R`.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::Confidence;

/// Exact Poisson lower limit for a count `x`: `χ²_{(1−c)/2, 2x} / 2`, and 0 when `x` is 0.
pub fn exact_poisson_lower(x: f64, confidence: Confidence) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    chi_squared(2.0 * x).inverse_cdf(confidence.lower_tail()) / 2.0
}

/// Exact Poisson upper limit for a count `x`: `χ²_{c+(1−c)/2, 2x+2} / 2`.
pub fn exact_poisson_upper(x: f64, confidence: Confidence) -> f64 {
    chi_squared(2.0 * x + 2.0).inverse_cdf(confidence.upper_tail()) / 2.0
}

/// Byar's lower limit for a count `x`: `x·(1 − 1/(9x) − z/(3√x))³`, as in PHEindicatormethods.
pub fn byars_lower(x: f64, confidence: Confidence) -> f64 {
    let z = confidence.z();
    x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3)
}

/// Byar's upper limit for a count `x`: `(x+1)·(1 − 1/(9(x+1)) + z/(3√(x+1)))³`.
pub fn byars_upper(x: f64, confidence: Confidence) -> f64 {
    let z = confidence.z();
    let x1 = x + 1.0;
    x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * x1.sqrt())).powi(3)
}

/// Exact limits below 10 events and Byar's from 10, the Fingertips rule for counts.
pub(crate) fn poisson_limits(x: f64, confidence: Confidence) -> (f64, f64) {
    if x < 10.0 {
        (
            exact_poisson_lower(x, confidence),
            exact_poisson_upper(x, confidence),
        )
    } else {
        (byars_lower(x, confidence), byars_upper(x, confidence))
    }
}

fn chi_squared(df: f64) -> ChiSquared {
    // Degrees of freedom are 2x or 2x+2 with x > 0 checked by callers, so always positive.
    ChiSquared::new(df).expect("degrees of freedom are positive")
}

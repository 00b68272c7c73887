//! Errors for input that has no statistical meaning.
//!
//! A withheld-but-valid answer is a [`crate::Reason`], not an error: see the crate docs.

use thiserror::Error;

/// Input that no method can give a meaning to.
///
/// Messages name the offending value and, where useful, what would be accepted.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// A count, population or standard error was negative.
    #[error("{what} must not be negative (got {value})")]
    Negative {
        /// Which input, e.g. "numerator".
        what: &'static str,
        /// The value supplied.
        value: f64,
    },
    /// A value was NaN or infinite where a finite number is required.
    #[error("{what} must be a finite number (got {value})")]
    NotFinite {
        /// Which input.
        what: &'static str,
        /// The value supplied.
        value: f64,
    },
    /// A proportion's numerator exceeded its denominator.
    #[error(
        "numerator {numerator} is greater than denominator {denominator}; a proportion cannot exceed 1"
    )]
    NumeratorExceedsDenominator {
        /// The numerator supplied.
        numerator: f64,
        /// The denominator supplied.
        denominator: f64,
    },
    /// A confidence level outside 0.90–0.999 (or 90–99.9).
    #[error("confidence level {0} is out of range; use 0.90 to 0.999 (or 90 to 99.9)")]
    ConfidenceOutOfRange(f64),
    /// Two confidence levels were given that are not the pair 95% and 99.8%.
    #[error("two confidence levels must be 0.95 and 0.998 (got {0:?})")]
    ConfidencePair(Vec<f64>),
    /// Slices that must be the same length were not.
    #[error("{what}: lengths differ ({left} and {right})")]
    LengthMismatch {
        /// Which inputs.
        what: &'static str,
        /// Length of the first input.
        left: usize,
        /// Length of the second input.
        right: usize,
    },
    /// Any other argument outside its allowed range, with an explanation.
    #[error("{0}")]
    InvalidArgument(String),
}

/// Checks that `value` is finite and not negative.
pub(crate) fn check_count(what: &'static str, value: f64) -> Result<(), StatsError> {
    if !value.is_finite() {
        return Err(StatsError::NotFinite { what, value });
    }
    if value < 0.0 {
        return Err(StatsError::Negative { what, value });
    }
    Ok(())
}

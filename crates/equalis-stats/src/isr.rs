//! Indirectly standardised ratios and rates.

use crate::error::check_count;
use crate::limits::poisson_limits;
use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// Expected events `E = Σ nᵢ·x_refᵢ/n_refᵢ` from local populations and reference rates, as in
/// PHEindicatormethods `calculate_ISRatio`.
pub fn expected_count(
    populations: &[f64],
    ref_counts: &[f64],
    ref_populations: &[f64],
) -> Result<f64, StatsError> {
    if populations.len() != ref_counts.len() || ref_counts.len() != ref_populations.len() {
        return Err(StatsError::LengthMismatch {
            what: "populations, reference counts and reference populations",
            left: populations.len(),
            right: ref_counts.len().min(ref_populations.len()),
        });
    }
    let mut expected = 0.0;
    for ((&n, &xr), &nr) in populations.iter().zip(ref_counts).zip(ref_populations) {
        check_count("population", n)?;
        check_count("reference count", xr)?;
        check_count("reference population", nr)?;
        if nr == 0.0 {
            return Err(StatsError::InvalidArgument(
                "a reference population is 0; every age band needs a reference rate".into(),
            ));
        }
        expected += n * xr / nr;
    }
    Ok(expected)
}

/// Indirectly standardised ratio `O/E × ref_value` (an SMR with `ref_value` 100), with exact
/// limits when `O < 10` and Byar's from 10 on `O`, divided by `E`; as in PHEindicatormethods
/// `calculate_ISRatio`.
///
/// `observed` is the total observed count (the package's `observed_totals`, or the sum of the
/// age-band counts).
pub fn isr_ratio(
    observed: f64,
    populations: &[f64],
    ref_counts: &[f64],
    ref_populations: &[f64],
    levels: &Levels,
    ref_value: f64,
) -> Result<Estimate, StatsError> {
    check_count("observed count", observed)?;
    let expected = expected_count(populations, ref_counts, ref_populations)?;
    Ok(standardised(observed, expected, ref_value, levels, "ISR"))
}

/// Indirectly standardised rate `O/E × reference rate`, where the reference rate is
/// `Σx_ref/Σn_ref × multiplier`; limits as [`isr_ratio`]. As in PHEindicatormethods
/// `calculate_ISRate`.
pub fn isr_rate(
    observed: f64,
    populations: &[f64],
    ref_counts: &[f64],
    ref_populations: &[f64],
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_count("observed count", observed)?;
    let expected = expected_count(populations, ref_counts, ref_populations)?;
    let ref_rate =
        ref_counts.iter().sum::<f64>() / ref_populations.iter().sum::<f64>() * multiplier;
    Ok(standardised(observed, expected, ref_rate, levels, "ISR"))
}

/// Observed ÷ expected × `ref_value` from the totals alone, with the limits of [`isr_ratio`]
/// (exact below 10 observed, Byar's from 10, on `O`, divided by `E`): the same figure as
/// [`isr_ratio`] when `expected` is its expected count. For re-deriving a published ratio from
/// published (rounded) totals.
pub fn observed_to_expected(
    observed: f64,
    expected: f64,
    levels: &Levels,
    ref_value: f64,
) -> Result<Estimate, StatsError> {
    check_count("observed count", observed)?;
    if !(expected.is_finite() && expected >= 0.0) {
        return Err(StatsError::InvalidArgument(format!(
            "expected count must be a finite number, 0 or more (got {expected})"
        )));
    }
    Ok(standardised(observed, expected, ref_value, levels, "ISR"))
}

fn standardised(o: f64, e: f64, scale: f64, levels: &Levels, statistic: &'static str) -> Estimate {
    let method = if o < 10.0 {
        Method::Exact
    } else {
        Method::Byars
    };
    if e == 0.0 {
        let reason = Reason::Undefined {
            statistic,
            why: "expected count is 0",
        };
        return Estimate::missing(reason, levels, method);
    }
    Estimate::build(Ok(o / e * scale), levels, method, |c| {
        let (lower, upper) = poisson_limits(o, c);
        Interval::new(c, lower / e * scale, upper / e * scale)
    })
}

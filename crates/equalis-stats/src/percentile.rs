//! Percentiles of counted values by linear interpolation between order statistics.

use crate::{Reason, StatsError};

/// The `p`-th quantile (`0 ≤ p ≤ 1`) of values given with their counts, by linear
/// interpolation between order statistics: Hyndman and Fan type 7, the default of R's
/// `quantile()`, NumPy's `percentile()` and SQL's `percentile_cont`.
///
/// With the `n` values sorted `x₍₁₎ ≤ … ≤ x₍ₙ₎` (each value repeated by its count),
/// `h = (n − 1)p + 1` and the quantile is `x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)`.
/// Counts must be whole; values in any order. Working from counts lets the engine take the
/// median and 92nd percentile of millions of waits from a histogram of days.
///
/// No values is a [`Reason::TooFewValues`]; a negative, fractional or non-finite count or a
/// non-finite value is an error.
pub fn percentile_of_counts(
    values: &[(f64, f64)],
    p: f64,
) -> Result<Result<f64, Reason>, StatsError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::InvalidArgument(format!(
            "percentile {p} is outside 0 to 1"
        )));
    }
    let mut sorted: Vec<(f64, f64)> = Vec::with_capacity(values.len());
    for &(v, c) in values {
        if !v.is_finite() {
            return Err(StatsError::NotFinite {
                what: "value",
                value: v,
            });
        }
        if !(c.is_finite() && c >= 0.0 && c.fract() == 0.0) {
            return Err(StatsError::InvalidArgument(format!(
                "count {c} of value {v} must be a whole number, 0 or more"
            )));
        }
        if c > 0.0 {
            sorted.push((v, c));
        }
    }
    let n: f64 = sorted.iter().map(|&(_, c)| c).sum();
    if n == 0.0 {
        return Ok(Err(Reason::TooFewValues {
            statistic: "percentile",
            count: 0,
            minimum: 1,
        }));
    }
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let h = (n - 1.0) * p + 1.0;
    let lo = h.floor();
    let frac = h - lo;
    // The value at 1-based order statistic `k`.
    let at = |k: f64| -> f64 {
        let mut seen = 0.0;
        for &(v, c) in &sorted {
            seen += c;
            if seen >= k {
                return v;
            }
        }
        sorted[sorted.len() - 1].0
    };
    let x_lo = at(lo);
    if frac == 0.0 {
        return Ok(Ok(x_lo));
    }
    let x_hi = at(lo + 1.0);
    Ok(Ok(x_lo + frac * (x_hi - x_lo)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[f64]) -> Vec<(f64, f64)> {
        values.iter().map(|&v| (v, 1.0)).collect()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }

    /// Expected values from NumPy 2 `np.percentile` (type 7).
    #[test]
    fn matches_numpy() {
        let v = counts(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]);
        for (p, want) in [
            (0.0, 1.0),
            (0.25, 2.5),
            (0.5, 4.0),
            (0.92, 6.600000000000003),
            (1.0, 9.0),
        ] {
            close(percentile_of_counts(&v, p).unwrap().unwrap(), want);
        }
        // Waits in days as weeks, given as counts: [0, 7, 7, 14, 21, 21, 21, 400] / 7.
        let weeks = [
            (0.0, 1.0),
            (1.0, 2.0),
            (2.0, 1.0),
            (3.0, 3.0),
            (400.0 / 7.0, 1.0),
        ];
        close(
            percentile_of_counts(&weeks, 0.92).unwrap().unwrap(),
            26.822857142857167,
        );
        close(percentile_of_counts(&weeks, 0.5).unwrap().unwrap(), 2.5);
    }

    #[test]
    fn edge_cases() {
        assert!(matches!(
            percentile_of_counts(&[], 0.5).unwrap(),
            Err(Reason::TooFewValues { .. })
        ));
        assert!(matches!(
            percentile_of_counts(&[(1.0, 0.0)], 0.5).unwrap(),
            Err(Reason::TooFewValues { .. })
        ));
        assert_eq!(percentile_of_counts(&[(7.0, 1.0)], 0.92).unwrap(), Ok(7.0));
        assert!(percentile_of_counts(&[(1.0, 1.5)], 0.5).is_err());
        assert!(percentile_of_counts(&[(1.0, 1.0)], 1.5).is_err());
        assert!(percentile_of_counts(&[(f64::NAN, 1.0)], 0.5).is_err());
    }

    #[test]
    fn counts_equal_repeated_values() {
        let repeated = counts(&[2.0, 2.0, 2.0, 5.0, 5.0, 11.0]);
        let grouped = [(11.0, 1.0), (2.0, 3.0), (5.0, 2.0)];
        for p in [0.1, 0.33, 0.5, 0.92] {
            assert_eq!(
                percentile_of_counts(&repeated, p).unwrap(),
                percentile_of_counts(&grouped, p).unwrap()
            );
        }
    }
}

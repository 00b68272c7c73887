//! Percentiles of counted values by linear interpolation between order statistics.

use statrs::distribution::{Binomial, DiscreteCDF};

use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

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
    let sorted = sorted_counts(values, p)?;
    Ok(type7(&sorted, p))
}

/// The `p`-th quantile of counted values as in [`percentile_of_counts`], with distribution-free
/// confidence limits from order statistics (Conover, *Practical Nonparametric Statistics*,
/// 3rd ed., §3.2; Hahn & Meeker, *Statistical Intervals*, §5.2).
///
/// With `B ~ Binomial(n, p)`, the lower limit is the order statistic `x₍l₎` with `l` the
/// largest integer such that `P(B ≤ l − 1) ≤ α/2`, and the upper limit `x₍u₎` with `u` the
/// smallest integer such that `P(B ≥ u) ≤ α/2`; then `P(x₍l₎ ≤ ξ_p ≤ x₍u₎) ≥ 1 − α` whatever
/// the distribution. A limit that would need an order statistic beyond the sample (too few
/// values for the level) is missing with its reason. These limits let a group's median wait
/// be compared with the ICS median like any other figure.
pub fn percentile_interval_of_counts(
    values: &[(f64, f64)],
    p: f64,
    levels: &Levels,
) -> Result<Estimate, StatsError> {
    let sorted = sorted_counts(values, p)?;
    let n: f64 = sorted.iter().map(|&(_, c)| c).sum();
    let value = type7(&sorted, p);
    let method = Method::OrderStatistic;
    if n == 0.0 {
        let reason = Reason::TooFewValues {
            statistic: "percentile",
            count: 0,
            minimum: 1,
        };
        return Ok(Estimate::missing(reason, levels, method));
    }
    let trials = n as u64;
    let binomial = Binomial::new(p, trials)
        .map_err(|e| StatsError::InvalidArgument(format!("binomial for order statistics: {e}")))?;
    let too_few = Reason::TooFewValues {
        statistic: "percentile limit",
        count: trials as usize,
        minimum: trials as usize + 1,
    };
    Ok(Estimate::build(value, levels, method, |c| {
        let tail = c.lower_tail();
        // Largest l with F(l − 1) ≤ α/2: F is increasing, so search k = l − 1 in [−1, n − 1].
        let lower = last_at_most(&binomial, trials, tail).map(|k| k + 1);
        // Smallest u with F(u − 1) ≥ 1 − α/2: search k = u − 1 in [0, n].
        let upper = first_at_least(&binomial, trials, 1.0 - tail).map(|k| k + 1);
        let at = |k: Option<u64>| match k {
            Some(k) if (1..=trials).contains(&k) => Ok(order_statistic(&sorted, k as f64)),
            _ => Err(too_few),
        };
        Interval {
            confidence: c.level(),
            lower: at(lower),
            upper: at(upper),
        }
    }))
}

/// The largest `k` in `0..n` with `P(B ≤ k) ≤ tail`, if any (`None` means `k = −1`).
fn last_at_most(b: &Binomial, n: u64, tail: f64) -> Option<u64> {
    if b.cdf(0) > tail {
        return None;
    }
    let (mut lo, mut hi) = (0u64, n);
    // Invariant: cdf(lo) ≤ tail; the answer is in [lo, hi].
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if b.cdf(mid) <= tail {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Some(lo)
}

/// The smallest `k` in `0..=n` with `P(B ≤ k) ≥ level` (always exists: `P(B ≤ n) = 1`).
fn first_at_least(b: &Binomial, n: u64, level: f64) -> Option<u64> {
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if b.cdf(mid) >= level {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}

/// Checks and sorts counted values, dropping zero counts.
fn sorted_counts(values: &[(f64, f64)], p: f64) -> Result<Vec<(f64, f64)>, StatsError> {
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
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(sorted)
}

/// Type 7 on sorted counted values.
fn type7(sorted: &[(f64, f64)], p: f64) -> Result<f64, Reason> {
    let n: f64 = sorted.iter().map(|&(_, c)| c).sum();
    if n == 0.0 {
        return Err(Reason::TooFewValues {
            statistic: "percentile",
            count: 0,
            minimum: 1,
        });
    }
    let h = (n - 1.0) * p + 1.0;
    let lo = h.floor();
    let frac = h - lo;
    let x_lo = order_statistic(sorted, lo);
    if frac == 0.0 {
        return Ok(x_lo);
    }
    let x_hi = order_statistic(sorted, lo + 1.0);
    Ok(x_lo + frac * (x_hi - x_lo))
}

/// The value at 1-based order statistic `k` of sorted counted values (not empty).
fn order_statistic(sorted: &[(f64, f64)], k: f64) -> f64 {
    let mut seen = 0.0;
    for &(v, c) in sorted {
        seen += c;
        if seen >= k {
            return v;
        }
    }
    sorted[sorted.len() - 1].0
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

    /// Limits checked against the binomial order statistics worked out independently: for
    /// the median of n = 20 at 95%, Conover's table gives l = 6 and u = 15
    /// (P(B ≤ 5) = 0.0207 ≤ 0.025 < P(B ≤ 6) = 0.0577; P(B ≥ 15) = 0.0207).
    #[test]
    fn median_limits_are_the_binomial_order_statistics() {
        let v: Vec<(f64, f64)> = (1..=20).map(|i| (f64::from(i) * 10.0, 1.0)).collect();
        let est = percentile_interval_of_counts(&v, 0.5, &Levels::pair_95_998()).unwrap();
        assert_eq!(est.value, Ok(105.0));
        assert_eq!(est.intervals()[0].lower, Ok(60.0));
        assert_eq!(est.intervals()[0].upper, Ok(150.0));
        // 99.8%: P(B ≤ 2) = 0.000201 ≤ 0.001 < P(B ≤ 3) = 0.00129: l = 3, u = 18.
        assert_eq!(est.intervals()[1].lower, Ok(30.0));
        assert_eq!(est.intervals()[1].upper, Ok(180.0));
        // Counted values give the same limits as repeated ones.
        let grouped = [(60.0, 6.0), (150.0, 9.0), (180.0, 5.0)];
        let repeated: Vec<(f64, f64)> = grouped
            .iter()
            .flat_map(|&(v, c)| std::iter::repeat_n((v, 1.0), c as usize))
            .collect();
        let levels = Levels::pair_95_998();
        assert_eq!(
            percentile_interval_of_counts(&grouped, 0.92, &levels).unwrap(),
            percentile_interval_of_counts(&repeated, 0.92, &levels).unwrap()
        );
    }

    #[test]
    fn too_few_values_for_a_limit_say_so() {
        let levels = Levels::pair_95_998();
        // Five values: P(B ≤ 0) = 0.03125 > 0.025, so no order statistic is low enough.
        let v: Vec<(f64, f64)> = (1..=5).map(|i| (f64::from(i), 1.0)).collect();
        let est = percentile_interval_of_counts(&v, 0.5, &levels).unwrap();
        assert_eq!(est.value, Ok(3.0));
        assert!(matches!(
            est.intervals()[0].lower,
            Err(Reason::TooFewValues { .. })
        ));
        assert!(matches!(
            est.intervals()[0].upper,
            Err(Reason::TooFewValues { .. })
        ));
        let none = percentile_interval_of_counts(&[], 0.5, &levels).unwrap();
        assert!(none.value.is_err());
    }

    /// Coverage: over many samples from a skewed distribution the 95% limits hold the true
    /// median at least 95% of the time (they are conservative, being whole order statistics).
    #[test]
    fn limits_cover_the_true_median() {
        let levels = Levels::one(crate::Confidence::new(0.95).unwrap());
        let mut seed = 12345u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        // Exponential with rate 1: median ln 2.
        let truth = std::f64::consts::LN_2;
        let (mut covered, trials) = (0, 2000);
        for _ in 0..trials {
            let sample: Vec<(f64, f64)> = (0..41).map(|_| (-(1.0 - next()).ln(), 1.0)).collect();
            let est = percentile_interval_of_counts(&sample, 0.5, &levels).unwrap();
            let i = est.interval();
            if i.lower.unwrap() <= truth && truth <= i.upper.unwrap() {
                covered += 1;
            }
        }
        let rate = f64::from(covered) / f64::from(trials);
        assert!(rate >= 0.94, "coverage {rate}");
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

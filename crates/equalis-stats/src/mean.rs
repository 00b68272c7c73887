//! Means with Student's t limits.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// A mean with the counts PHEindicatormethods `phe_mean` reports beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanEstimate {
    /// The mean and its limits.
    pub estimate: Estimate,
    /// Sum of the non-missing values.
    pub value_sum: f64,
    /// Number of non-missing values.
    pub value_count: usize,
    /// Sample standard deviation (divisor n − 1), or why it is missing.
    pub stdev: Result<f64, Reason>,
}

/// Mean with Student's t confidence limits `m ± t_{1−(1−c)/2, n−1}·s/√n`, as in
/// PHEindicatormethods `phe_mean`.
///
/// Missing values (`None`) are skipped, as R's `na.rm`. Fewer than two values leaves the limits
/// (and with none, the mean) missing with a reason.
pub fn mean(values: &[Option<f64>], levels: &Levels) -> Result<MeanEstimate, StatsError> {
    let mut n = 0usize;
    let mut sum = 0.0;
    for v in values.iter().flatten() {
        if !v.is_finite() {
            return Err(StatsError::NotFinite {
                what: "value",
                value: *v,
            });
        }
        n += 1;
        sum += v;
    }
    let method = Method::StudentT;
    let too_few = Reason::TooFewValues {
        statistic: "mean",
        count: n,
        minimum: 2,
    };
    if n == 0 {
        return Ok(MeanEstimate {
            estimate: Estimate::missing(too_few, levels, method),
            value_sum: 0.0,
            value_count: 0,
            stdev: Err(too_few),
        });
    }
    let m = sum / n as f64;
    if n == 1 {
        let estimate = Estimate::build(Ok(m), levels, method, |c| Interval::missing(c, too_few));
        return Ok(MeanEstimate {
            estimate,
            value_sum: sum,
            value_count: 1,
            stdev: Err(too_few),
        });
    }
    // Two-pass variance: numerically safer than Σx² − n·m² for values with a large mean.
    let ss: f64 = values.iter().flatten().map(|v| (v - m) * (v - m)).sum();
    let sd = (ss / (n as f64 - 1.0)).sqrt();
    let t = StudentsT::new(0.0, 1.0, n as f64 - 1.0).expect("degrees of freedom >= 1");
    let estimate = Estimate::build(Ok(m), levels, method, |c| {
        let half = t.inverse_cdf(c.upper_tail()) * sd / (n as f64).sqrt();
        Interval::new(c, m - half, m + half)
    });
    Ok(MeanEstimate {
        estimate,
        value_sum: sum,
        value_count: n,
        stdev: Ok(sd),
    })
}

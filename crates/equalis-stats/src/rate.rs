//! Crude rates with exact Poisson limits below 10 events and Byar's from 10.

use crate::error::check_count;
use crate::limits::poisson_limits;
use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// Crude rate `x/n × multiplier` with exact Poisson (χ²) limits when `x < 10` and Byar's
/// limits when `x ≥ 10`, as in PHEindicatormethods `phe_rate`.
///
/// Unlike a proportion, `x > n` is allowed (events per person-year can exceed 1).
pub fn rate(x: f64, n: f64, levels: &Levels, multiplier: f64) -> Result<Estimate, StatsError> {
    check_count("numerator", x)?;
    check_count("denominator", n)?;
    let method = if x < 10.0 {
        Method::Exact
    } else {
        Method::Byars
    };
    if n == 0.0 {
        return Ok(Estimate::missing(
            Reason::ZeroDenominator { statistic: "rate" },
            levels,
            method,
        ));
    }
    Ok(Estimate::build(
        Ok(x / n * multiplier),
        levels,
        method,
        |c| {
            let (lower, upper) = poisson_limits(x, c);
            Interval::new(c, lower / n * multiplier, upper / n * multiplier)
        },
    ))
}

/// Crude rate for non-independent events (one person may have several events), the ask of
/// PHEindicatormethods issue #94, by the method of `calculate_dsr` with `eventfreq` applied to a
/// single age band.
///
/// `frequencies` holds pairs `(f, persons)`: `persons` people had exactly `f` events. Events
/// `O = Σ f·persons`, rate `O/n × multiplier`, variance `Σ f²·persons / n²`; the limits are
/// `rate + √(var/O)·(L(O) − O)` with `L` the exact (O < 10) or Byar's (O ≥ 10) limit on `O`.
/// When every `f` is 1 this reduces exactly to [`rate`].
pub fn rate_non_independent(
    frequencies: &[(f64, f64)],
    n: f64,
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_count("denominator", n)?;
    let (mut events, mut weighted) = (0.0, 0.0);
    for &(f, persons) in frequencies {
        check_count("event frequency", f)?;
        check_count("persons", persons)?;
        events += f * persons;
        weighted += f * f * persons;
    }
    let method = Method::PoissonNonIndependent;
    if n == 0.0 {
        return Ok(Estimate::missing(
            Reason::ZeroDenominator { statistic: "rate" },
            levels,
            method,
        ));
    }
    let value = events / n;
    Ok(Estimate::build(
        Ok(value * multiplier),
        levels,
        method,
        |c| {
            let (lower, upper) = poisson_limits(events, c);
            if events == 0.0 {
                // No events: the variance is 0 and the Dobson scaling 0/0; fall back to the
                // independent-events limits, which are what a count of 0 means.
                return Interval::new(c, 0.0, upper / n * multiplier);
            }
            let scale = (weighted / (n * n) / events).sqrt();
            Interval::new(
                c,
                (value + scale * (lower - events)) * multiplier,
                (value + scale * (upper - events)) * multiplier,
            )
        },
    ))
}

//! Directly standardised rates with Dobson limits.

use crate::error::check_count;
use crate::limits::{byars_lower, byars_upper};
use crate::{Estimate, Interval, Levels, Method, Reason, StatsError};

/// European Standard Population 2013 in the 19 bands 0–4, 5–9, …, 85–89, 90+ (sums to 100,000),
/// as shipped by PHEindicatormethods (`esp2013`) and used by ONS and OHID.
pub const ESP2013: [f64; 19] = [
    5000.0, 5500.0, 5500.0, 5500.0, 6000.0, 6000.0, 6500.0, 7000.0, 7000.0, 7000.0, 7000.0, 6500.0,
    6000.0, 5500.0, 5000.0, 4000.0, 2500.0, 1500.0, 1000.0,
];

/// Fewer events than this and a DSR is not published (Fingertips rule).
const MINIMUM_EVENTS: f64 = 10.0;

/// Directly standardised rate with Dobson et al. (1991) limits, as in PHEindicatormethods
/// `calculate_dsr` (independent events).
///
/// `DSR = Σ(xᵢwᵢ/nᵢ)/Σwᵢ × multiplier`, `var = Σ(xᵢwᵢ²/nᵢ²)/(Σwᵢ)²`, and with `O = Σxᵢ` the
/// limits are `DSR + √(var/O)·(Byar(O) − O) × multiplier`. Below 10 events the DSR and its
/// limits are missing with reason "DSR not calculated: total count O < 10".
///
/// A NaN count is read as missing and counted as 0, as the package does for `NA`. Pass
/// [`ESP2013`] as `standard` for the usual standard population.
pub fn dsr(
    counts: &[f64],
    populations: &[f64],
    standard: &[f64],
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_lengths(counts.len(), populations.len(), standard.len())?;
    let (mut sum_w, mut s1, mut s2, mut observed) = (0.0, 0.0, 0.0, 0.0);
    for ((&x, &n), &w) in counts.iter().zip(populations).zip(standard) {
        let x = if x.is_nan() { 0.0 } else { x };
        // One combined test keeps the hot loop branch-light; the slow path names the culprit.
        if !(x >= 0.0 && n > 0.0 && w >= 0.0 && x.is_finite() && n.is_finite() && w.is_finite()) {
            return Err(band_error(x, n, w));
        }
        let rate = x / n;
        sum_w += w;
        s1 += rate * w;
        s2 += rate / n * w * w;
        observed += x;
    }
    check_standard_total(sum_w)?;
    Ok(dobson(
        observed,
        s1 / sum_w,
        s2 / (sum_w * sum_w),
        levels,
        multiplier,
        Method::Dobson,
    ))
}

/// One row of event-frequency data for [`dsr_non_independent`]: in age band `age_band` (an
/// index into the population slices), `persons` people had exactly `frequency` events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventFrequencyRow {
    /// Index of the age band.
    pub age_band: usize,
    /// Number of events each of these people had.
    pub frequency: f64,
    /// Number of people with exactly that many events.
    pub persons: f64,
}

/// DSR for non-independent events (one person may have several), as in PHEindicatormethods
/// `calculate_dsr` with `independent_events = FALSE` (v2.1.0).
///
/// Events per band are `Σ f·persons`; the DSR is as in [`dsr`]. The variance is
/// `Σ_f f²·var_f` where `var_f` is the Dobson variance of the people with `f` events, and the
/// Dobson limits use the total number of events.
pub fn dsr_non_independent(
    rows: &[EventFrequencyRow],
    populations: &[f64],
    standard: &[f64],
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_lengths(populations.len(), populations.len(), standard.len())?;
    let mut events = vec![0.0; populations.len()];
    let mut s2 = 0.0;
    for row in rows {
        check_count("persons", row.persons)?;
        check_count("event frequency", row.frequency)?;
        let Some(&n) = populations.get(row.age_band) else {
            return Err(StatsError::InvalidArgument(format!(
                "age band index {} is out of range (there are {} bands)",
                row.age_band,
                populations.len()
            )));
        };
        let w = standard[row.age_band];
        if n <= 0.0 {
            return Err(band_error(row.persons, n, w));
        }
        events[row.age_band] += row.frequency * row.persons;
        s2 += row.frequency * row.frequency * row.persons * w * w / (n * n);
    }
    let (mut sum_w, mut s1) = (0.0, 0.0);
    for ((&x, &n), &w) in events.iter().zip(populations).zip(standard) {
        check_count("standard population", w)?;
        if n <= 0.0 {
            return Err(band_error(x, n, w));
        }
        sum_w += w;
        s1 += x * w / n;
    }
    check_standard_total(sum_w)?;
    let observed: f64 = events.iter().sum();
    let method = Method::DobsonNonIndependent;
    Ok(dobson(
        observed,
        s1 / sum_w,
        s2 / (sum_w * sum_w),
        levels,
        multiplier,
        method,
    ))
}

/// A DSR's Dobson limits from its summary: the unscaled rate `value`, its variance `var`
/// (`Σ(xᵢwᵢ²/nᵢ²)/(Σwᵢ)²`) and the total count `observed`, as in [`dsr`] (missing below 10
/// events). For re-deriving published limits from a published (rounded) total count.
pub fn dsr_from_summary(
    observed: f64,
    value: f64,
    var: f64,
    levels: &Levels,
    multiplier: f64,
) -> Result<Estimate, StatsError> {
    check_count("total count", observed)?;
    for (what, v) in [("DSR", value), ("DSR variance", var)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(StatsError::InvalidArgument(format!(
                "{what} must be a finite number, 0 or more (got {v})"
            )));
        }
    }
    Ok(dobson(
        observed,
        value,
        var,
        levels,
        multiplier,
        Method::Dobson,
    ))
}

/// Dobson limits around a standardised rate `value` (unscaled) with variance `var`.
fn dobson(
    observed: f64,
    value: f64,
    var: f64,
    levels: &Levels,
    multiplier: f64,
    method: Method,
) -> Estimate {
    if observed < MINIMUM_EVENTS {
        let reason = Reason::TotalCountBelow {
            statistic: "DSR",
            count: observed,
            minimum: MINIMUM_EVENTS,
        };
        return Estimate::missing(reason, levels, method);
    }
    let scale = (var / observed).sqrt();
    Estimate::build(Ok(value * multiplier), levels, method, |c| {
        let lower = value + scale * (byars_lower(observed, c) - observed);
        let upper = value + scale * (byars_upper(observed, c) - observed);
        Interval::new(c, lower * multiplier, upper * multiplier)
    })
}

fn check_lengths(counts: usize, populations: usize, standard: usize) -> Result<(), StatsError> {
    if counts != populations {
        return Err(StatsError::LengthMismatch {
            what: "counts and populations",
            left: counts,
            right: populations,
        });
    }
    if populations != standard {
        return Err(StatsError::LengthMismatch {
            what: "populations and standard population",
            left: populations,
            right: standard,
        });
    }
    if populations == 0 {
        return Err(StatsError::InvalidArgument(
            "a DSR needs at least one age band".into(),
        ));
    }
    Ok(())
}

/// A standard population summing to 0 would make every DSR 0/0.
fn check_standard_total(sum_w: f64) -> Result<(), StatsError> {
    if sum_w > 0.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidArgument(
            "the standard population sums to 0; it needs a positive weight in some band".into(),
        ))
    }
}

fn band_error(x: f64, n: f64, w: f64) -> StatsError {
    if let Err(e) = check_count("count", x) {
        return e;
    }
    if let Err(e) = check_count("standard population", w) {
        return e;
    }
    if let Err(e) = check_count("population", n) {
        return e;
    }
    StatsError::InvalidArgument(format!(
        "population is 0 in an age band (count {x}); a DSR needs a positive population in every band"
    ))
}

//! Period life expectancy from an abridged life table (Chiang II, Silcocks' final interval).

use crate::error::check_count;
use crate::{Confidence, Estimate, Interval, Levels, Method, Reason, StatsError};

/// Life expectancy at one start age.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifeExpectancy {
    /// Start age of the band.
    pub start_age: f64,
    /// Life expectancy at that age, with limits.
    pub estimate: Estimate,
}

/// A population of this size or less gives no life expectancy (Fingertips rule).
const MINIMUM_POPULATION: f64 = 5000.0;
/// A 95% interval wider than this (years) suppresses the value, not the limits.
const MAXIMUM_WIDTH: f64 = 20.0;

/// Period life expectancy at every start age by Chiang's method II with Silcocks et al. (1988)
/// variance for the final open interval, as in PHEindicatormethods `phe_life_expectancy`.
///
/// `start_ages` must increase; the last band is open-ended. The standard 20 bands are 0, 1, 5,
/// 10, …, 90, but fewer bands ending at, say, 85+ are accepted (PHEindicatormethods issue #96).
/// `Mᵢ = Dᵢ/Pᵢ`, `aᵢ` = 0.1 for the band starting at 0 else 0.5, `qᵢ = nᵢMᵢ/(1 + nᵢMᵢ(1 − aᵢ))` (1 if
/// `Dᵢ > Pᵢ/nᵢ/aᵢ`), `l₀ = 100,000`, `Lᵢ = nᵢ(lᵢ₊₁ + aᵢdᵢ)` and `L = l/M` in the final band;
/// `eᵢ = Σ_{j≥i}Lⱼ/lᵢ`. `var(pᵢ) = qᵢ²(1 − qᵢ)/Dᵢ`, final `4/(D·M²)`; `SE(eᵢ)² = Σ_{j≥i}Wⱼ/lᵢ²`
/// with `Wⱼ = lⱼ²((1 − aⱼ)nⱼ + eⱼ₊₁)²var(pⱼ)` and final `(l/2)²·var`.
///
/// Not calculated (at any age) if a population is 0, deaths exceed population, the final band
/// has no deaths, or the total population of all bands is 5,000 or less.
/// The value (not the limits) is suppressed when the 95% interval is wider than 20 years.
pub fn life_expectancy(
    start_ages: &[f64],
    deaths: &[f64],
    populations: &[f64],
    levels: &Levels,
) -> Result<Vec<LifeExpectancy>, StatsError> {
    let k = start_ages.len();
    if deaths.len() != k || populations.len() != k {
        return Err(StatsError::LengthMismatch {
            what: "start ages, deaths and populations",
            left: k,
            right: deaths.len().min(populations.len()),
        });
    }
    if k < 2 {
        return Err(StatsError::InvalidArgument(
            "life expectancy needs at least 2 age bands".into(),
        ));
    }
    if start_ages.windows(2).any(|w| w[1] <= w[0]) {
        return Err(StatsError::InvalidArgument(
            "start ages must increase".into(),
        ));
    }
    for i in 0..k {
        check_count("deaths", deaths[i])?;
        check_count("population", populations[i])?;
    }
    let method = Method::ChiangSilcocks;
    let all_missing = |reason: Reason| {
        start_ages
            .iter()
            .map(|&start_age| LifeExpectancy {
                start_age,
                estimate: Estimate::missing(reason, levels, method),
            })
            .collect()
    };
    for i in 0..k {
        if populations[i] == 0.0 {
            return Ok(all_missing(Reason::ZeroPopulationInBand {
                start_age: start_ages[i],
            }));
        }
        if deaths[i] > populations[i] {
            return Ok(all_missing(Reason::DeathsExceedPopulation {
                start_age: start_ages[i],
            }));
        }
    }
    if deaths[k - 1] == 0.0 {
        return Ok(all_missing(Reason::NoDeathsInFinalBand));
    }
    let total: f64 = populations.iter().sum();
    if total <= MINIMUM_POPULATION {
        return Ok(all_missing(Reason::PopulationTooSmall {
            population: total,
        }));
    }

    let m: Vec<f64> = deaths.iter().zip(populations).map(|(d, p)| d / p).collect();
    let width: Vec<f64> = (0..k)
        .map(|i| {
            if i + 1 < k {
                start_ages[i + 1] - start_ages[i]
            } else {
                2.0 / m[i]
            }
        })
        .collect();
    let a: Vec<f64> = (0..k)
        .map(|i| if start_ages[i] == 0.0 { 0.1 } else { 0.5 })
        .collect();
    let q: Vec<f64> = (0..k)
        .map(|i| {
            if i + 1 == k || deaths[i] > populations[i] / width[i] / a[i] {
                1.0
            } else {
                width[i] * m[i] / (1.0 + width[i] * m[i] * (1.0 - a[i]))
            }
        })
        .collect();
    let mut l = vec![100_000.0; k];
    for i in 1..k {
        l[i] = l[i - 1] * (1.0 - q[i - 1]);
    }
    let big_l: Vec<f64> = (0..k)
        .map(|i| {
            if i + 1 == k {
                l[i] / m[i]
            } else {
                let d = l[i] - l[i + 1];
                width[i] * (l[i + 1] + a[i] * d)
            }
        })
        .collect();
    let mut t = vec![0.0; k];
    let mut acc = 0.0;
    for i in (0..k).rev() {
        acc += big_l[i];
        t[i] = acc;
    }
    let e: Vec<f64> = (0..k).map(|i| t[i] / l[i]).collect();
    let w: Vec<f64> = (0..k)
        .map(|i| {
            if i + 1 == k {
                (l[i] / 2.0).powi(2) * 4.0 / (deaths[i] * m[i] * m[i])
            } else if deaths[i] == 0.0 || q[i] >= 1.0 || l[i] == 0.0 {
                // No variance (no deaths, or certain death), or nobody left to weight: the
                // term is 0 whatever e is beyond, which may itself be 0/0 after a q of 1.
                0.0
            } else {
                let var = q[i] * q[i] * (1.0 - q[i]) / deaths[i];
                (l[i] * ((1.0 - a[i]) * width[i] + e[i + 1])).powi(2) * var
            }
        })
        .collect();
    let z95 = Confidence::new(0.95)?.z();
    let mut out = Vec::with_capacity(k);
    let mut w_acc = 0.0;
    let mut reversed = Vec::with_capacity(k);
    for i in (0..k).rev() {
        w_acc += w[i];
        let se = w_acc.sqrt() / l[i];
        let estimate = if l[i] == 0.0 {
            // A band with q = 1 leaves nobody alive at later ages; e = 0/0 there.
            let why = "no survivors to this age in the life table";
            Estimate::missing(
                Reason::Undefined {
                    statistic: "life expectancy",
                    why,
                },
                levels,
                method,
            )
        } else {
            let width95 = 2.0 * z95 * se;
            let value = if width95 > MAXIMUM_WIDTH {
                Err(Reason::IntervalTooWide { width: width95 })
            } else {
                Ok(e[i])
            };
            Estimate::build(value, levels, method, |c| {
                Interval::new(c, e[i] - c.z() * se, e[i] + c.z() * se)
            })
        };
        reversed.push(LifeExpectancy {
            start_age: start_ages[i],
            estimate,
        });
    }
    out.extend(reversed.into_iter().rev());
    Ok(out)
}

//! Slope and relative index of inequality (Low & Low 2004) with Monte Carlo limits.
//!
//! The regression is linear in the values, so both coefficients are fixed weighted sums of the
//! values: we compute those weights once and each Monte Carlo repetition costs one normal draw
//! and two multiply-adds per quantile. That is what keeps 100,000 repetitions fast.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::check_count;
use crate::{Confidence, Estimate, Interval, Levels, Method, Reason, StatsError};

/// What the values are, which decides the transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// Any value (type 0): never transformed.
    Plain,
    /// A rate (type 1): log transform.
    Rate,
    /// A proportion on 0–1 (type 2): logit transform.
    Proportion,
}

impl ValueType {
    /// From PHEindicatormethods' `value_type` codes 0, 1, 2.
    pub fn from_code(code: u8) -> Result<Self, StatsError> {
        match code {
            0 => Ok(Self::Plain),
            1 => Ok(Self::Rate),
            2 => Ok(Self::Proportion),
            _ => Err(StatsError::InvalidArgument(format!(
                "value type {code} is not 0 (plain), 1 (rate) or 2 (proportion)"
            ))),
        }
    }
}

/// Where the standard errors of the quantile values come from.
#[derive(Debug, Clone, Copy)]
pub enum StandardErrors<'a> {
    /// Standard errors on the scale the values are simulated on: the values' own scale for
    /// type 0, log for rates (type 1), logit for proportions (type 2), as in `phe_sii`.
    Se(&'a [f64]),
    /// 95% confidence limits, from which `se = (U − L)/(2·1.959964)` on the fitting scale.
    Limits {
        /// Lower 95% limits.
        lower: &'a [f64],
        /// Upper 95% limits.
        upper: &'a [f64],
    },
}

/// Options of [`sii`], defaulting as PHEindicatormethods `phe_sii`.
#[derive(Debug, Clone, Copy)]
pub struct SiiOptions {
    /// Type of the values.
    pub value_type: ValueType,
    /// Fit on the log (rates) or logit (proportions) scale and back-transform.
    pub transform: bool,
    /// Multiplier of the SII (e.g. −1 to make a positive SII mean better in the most deprived).
    pub multiplier: f64,
    /// Monte Carlo repetitions (at least 1,000; default 100,000).
    pub repetitions: usize,
    /// Seed of the random number generator; the same seed gives the same limits.
    pub seed: u64,
    /// Confidence levels of the limits.
    pub levels: Levels,
}

impl Default for SiiOptions {
    fn default() -> Self {
        Self {
            value_type: ValueType::Plain,
            transform: false,
            multiplier: 1.0,
            repetitions: 100_000,
            seed: 1,
            levels: Levels::default(),
        }
    }
}

/// SII and RII with Monte Carlo limits, and the intercept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiiResult {
    /// Slope index of inequality × multiplier.
    pub sii: Estimate,
    /// Relative index of inequality (inverted if the multiplier is negative).
    pub rii: Estimate,
    /// Fitted value at the most disadvantaged end (rank 0), × multiplier.
    pub intercept: Result<f64, Reason>,
}

/// Slope index of inequality (SII), relative index (RII) and intercept by population-weighted
/// regression on cumulative mid-point rank, with Monte Carlo limits; as in PHEindicatormethods
/// `phe_sii` (Low & Low 2004).
///
/// Inputs are one value per quantile, **ordered from most to least disadvantaged**. With
/// `aᵢ = popᵢ/Σpop` and `bᵢ = aᵢ/2 + Σ_{j<i} aⱼ`, the weighted least-squares line `y = β₀ + β₁b`
/// gives `SII = (f(1) − f(0)) × multiplier` and `RII = f(1)/f(0)`, where `f(b)` is the fitted
/// line back-transformed when `transform` is set (log for rates, logit for proportions). The
/// limits are order statistics `round(R(1 − c)/2)` and `round(R(1 + c)/2)` of `R` refits, from a
/// ChaCha8 generator seeded with `seed`.
///
/// As in the package, the simulated values of a rate (type 1) or proportion (type 2) are drawn
/// on the log or logit scale, `N(t(value), se_t)`, and back-transformed, so they stay positive
/// (or within 0–1); without `transform` each draw is then refitted on the natural scale, with it
/// on the transformed scale. `se_t` comes from 95% limits as `(t(U) − t(L))/(2·1.959964)`; a
/// standard error given as [`StandardErrors::Se`] is, as in the package, taken to be on that
/// log or logit scale already and used unchanged.
pub fn sii(
    populations: &[f64],
    values: &[f64],
    errors: StandardErrors<'_>,
    options: &SiiOptions,
) -> Result<SiiResult, StatsError> {
    let k = values.len();
    if populations.len() != k {
        return Err(StatsError::LengthMismatch {
            what: "populations and values",
            left: k,
            right: populations.len(),
        });
    }
    if !(2..=100).contains(&k) {
        return Err(StatsError::InvalidArgument(format!(
            "SII needs 2 to 100 quantiles (got {k})"
        )));
    }
    if options.repetitions < 1000 {
        return Err(StatsError::InvalidArgument(format!(
            "SII needs at least 1000 repetitions (got {})",
            options.repetitions
        )));
    }
    if options.transform && options.value_type == ValueType::Plain {
        return Err(StatsError::InvalidArgument(
            "transform needs value type 1 (rate) or 2 (proportion)".into(),
        ));
    }
    // Draws are always on the log/logit scale for rates and proportions; the fit is on that
    // scale only with `transform`.
    let draw_scale = options.value_type;
    let transform = if options.transform {
        options.value_type
    } else {
        ValueType::Plain
    };
    let (mean, se) = fitting_scale(values, errors, draw_scale)?;
    let to_fit = |y: f64| {
        if options.transform {
            y
        } else {
            back(y, draw_scale)
        }
    };

    let weights = Weights::new(populations)?;
    let mult = options.multiplier;
    let fitted: Vec<f64> = mean.iter().map(|&y| to_fit(y)).collect();
    let (b0, b1) = weights.fit(&fitted);
    let (sii_value, rii_value) = indices(b0, b1, transform, mult);

    // Each repetition's SII and RII; sorting happens per statistic below.
    let reps = options.repetitions;
    let draws = Draws {
        mean: &mean,
        se: &se,
        weights: &weights,
        reps,
        seed: options.seed,
    };
    // One monomorphised loop per scale keeps the per-draw back-transform out of a branch.
    let (mut sii_draws, mut rii_draws) = match (options.transform, draw_scale) {
        (true, _) | (false, ValueType::Plain) => draws.run(|y| y, transform, mult),
        (false, ValueType::Rate) => draws.run(f64::exp, transform, mult),
        (false, ValueType::Proportion) => {
            draws.run(|y| back(y, ValueType::Proportion), transform, mult)
        }
    };
    let sii = Estimate::build(Ok(sii_value), &options.levels, Method::MonteCarlo, |c| {
        order_limits(&mut sii_draws, c)
    });
    let rii = Estimate::build(rii_value, &options.levels, Method::MonteCarlo, |c| {
        if rii_draws.len() < reps {
            // An intercept of exactly 0 in some repetition leaves the RII undefined there; the
            // order statistics of the rest would be biased, so report no limits at all.
            let why = "intercept is 0 in some repetitions";
            return Interval::missing(
                c,
                Reason::Undefined {
                    statistic: "RII",
                    why,
                },
            );
        }
        order_limits(&mut rii_draws, c)
    });
    Ok(SiiResult {
        sii,
        rii,
        intercept: Some(back(b0, transform) * mult)
            .filter(|v| v.is_finite())
            .ok_or(Reason::NotFinite),
    })
}

/// The Monte Carlo simulation: inputs fixed, one refit per repetition.
struct Draws<'a> {
    mean: &'a [f64],
    se: &'a [f64],
    weights: &'a Weights,
    reps: usize,
    seed: u64,
}

impl Draws<'_> {
    /// SII and (defined) RII of every repetition, `to_fit` mapping a draw to the fitting scale.
    fn run(
        &self,
        to_fit: impl Fn(f64) -> f64,
        transform: ValueType,
        mult: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut sii_draws = Vec::with_capacity(self.reps);
        let mut rii_draws = Vec::with_capacity(self.reps);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut normals = NormalPairs::default();
        let (c0, c1) = (&self.weights.c0, &self.weights.c1);
        for _ in 0..self.reps {
            let (mut d0, mut d1) = (0.0, 0.0);
            for i in 0..self.mean.len() {
                let y = to_fit(self.mean[i] + self.se[i] * normals.next(&mut rng));
                d0 += c0[i] * y;
                d1 += c1[i] * y;
            }
            let (s, r) = indices(d0, d1, transform, mult);
            sii_draws.push(s);
            if let Ok(r) = r {
                rii_draws.push(r);
            }
        }
        (sii_draws, rii_draws)
    }
}

/// Values and standard errors on the scale the values are simulated on.
fn fitting_scale(
    values: &[f64],
    errors: StandardErrors<'_>,
    transform: ValueType,
) -> Result<(Vec<f64>, Vec<f64>), StatsError> {
    let k = values.len();
    let forward = |y: f64| -> Result<f64, StatsError> {
        if !y.is_finite() {
            return Err(StatsError::NotFinite {
                what: "value",
                value: y,
            });
        }
        match transform {
            ValueType::Plain => Ok(y),
            ValueType::Rate if y > 0.0 => Ok(y.ln()),
            ValueType::Proportion if y > 0.0 && y < 1.0 => Ok((y / (1.0 - y)).ln()),
            _ => Err(StatsError::InvalidArgument(format!(
                "value {y} cannot be transformed (log needs > 0, logit needs 0 < p < 1)"
            ))),
        }
    };
    let mean: Vec<f64> = values
        .iter()
        .map(|&y| forward(y))
        .collect::<Result<_, _>>()?;
    // The package hard-codes the 95% quantile when deriving a standard error from limits.
    let z95 = Confidence::new(0.95)?.z();
    let se: Vec<f64> = match errors {
        StandardErrors::Se(se) => {
            if se.len() != k {
                return Err(StatsError::LengthMismatch {
                    what: "values and standard errors",
                    left: k,
                    right: se.len(),
                });
            }
            se.iter()
                .map(|&s| {
                    // As in `phe_sii`: a given standard error is already on the scale the
                    // values are simulated on (log for rates, logit for proportions).
                    check_count("standard error", s)?;
                    Ok(s)
                })
                .collect::<Result<_, StatsError>>()?
        }
        StandardErrors::Limits { lower, upper } => {
            if lower.len() != k || upper.len() != k {
                return Err(StatsError::LengthMismatch {
                    what: "values and confidence limits",
                    left: k,
                    right: lower.len().min(upper.len()),
                });
            }
            lower
                .iter()
                .zip(upper)
                .map(|(&l, &u)| {
                    let width = forward(u)? - forward(l)?;
                    if width < 0.0 {
                        return Err(StatsError::InvalidArgument(format!(
                            "upper limit {u} is below lower limit {l}"
                        )));
                    }
                    Ok(width / (2.0 * z95))
                })
                .collect::<Result<_, StatsError>>()?
        }
    };
    Ok((mean, se))
}

/// The fixed coefficients `β₀ = Σ c0ᵢyᵢ`, `β₁ = Σ c1ᵢyᵢ` of the weighted regression.
struct Weights {
    c0: Vec<f64>,
    c1: Vec<f64>,
}

impl Weights {
    fn new(populations: &[f64]) -> Result<Self, StatsError> {
        let mut total = 0.0;
        for &p in populations {
            check_count("population", p)?;
            if p == 0.0 {
                return Err(StatsError::InvalidArgument(
                    "SII needs a non-zero population in every quantile".into(),
                ));
            }
            total += p;
        }
        let a: Vec<f64> = populations.iter().map(|p| p / total).collect();
        let mut cumulative = 0.0;
        let b: Vec<f64> = a
            .iter()
            .map(|&ai| {
                let mid = cumulative + ai / 2.0;
                cumulative += ai;
                mid
            })
            .collect();
        // Weighted by aᵢ (Σa = 1): b̄ = Σ aᵢbᵢ, β₁ = Σ aᵢ(bᵢ − b̄)yᵢ / Σ aᵢ(bᵢ − b̄)², β₀ = ȳ − β₁b̄.
        let b_bar: f64 = a.iter().zip(&b).map(|(ai, bi)| ai * bi).sum();
        let sbb: f64 = a
            .iter()
            .zip(&b)
            .map(|(ai, bi)| ai * (bi - b_bar).powi(2))
            .sum();
        let c1: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(ai, bi)| ai * (bi - b_bar) / sbb)
            .collect();
        let c0: Vec<f64> = a.iter().zip(&c1).map(|(ai, ci)| ai - ci * b_bar).collect();
        Ok(Self { c0, c1 })
    }

    fn fit(&self, y: &[f64]) -> (f64, f64) {
        let b0 = self.c0.iter().zip(y).map(|(c, y)| c * y).sum();
        let b1 = self.c1.iter().zip(y).map(|(c, y)| c * y).sum();
        (b0, b1)
    }
}

fn back(x: f64, transform: ValueType) -> f64 {
    match transform {
        ValueType::Plain => x,
        ValueType::Rate => x.exp(),
        ValueType::Proportion => 1.0 / (1.0 + (-x).exp()),
    }
}

/// SII and RII from fitted coefficients on the fitting scale.
fn indices(b0: f64, b1: f64, transform: ValueType, mult: f64) -> (f64, Result<f64, Reason>) {
    let (at0, at1) = (back(b0, transform), back(b0 + b1, transform));
    let rii = if at0 == 0.0 {
        Err(Reason::Undefined {
            statistic: "RII",
            why: "intercept is 0",
        })
    } else if mult < 0.0 {
        Ok(at0 / at1)
    } else {
        Ok(at1 / at0)
    };
    ((at1 - at0) * mult, rii)
}

/// Order statistics `round(R(1 − c)/2)` and `round(R(1 + c)/2)` (1-based), as the package.
fn order_limits(draws: &mut [f64], c: Confidence) -> Interval {
    let r = draws.len() as f64;
    let lo = ((r * (1.0 - c.level()) / 2.0).round() as usize).max(1) - 1;
    let hi = ((r * (1.0 + c.level()) / 2.0).round() as usize).clamp(1, draws.len()) - 1;
    let lower = *draws.select_nth_unstable_by(lo, f64::total_cmp).1;
    let upper = *draws.select_nth_unstable_by(hi, f64::total_cmp).1;
    Interval::new(c, lower, upper)
}

/// Standard normal draws by Marsaglia's polar method, two per accepted pair.
#[derive(Default)]
struct NormalPairs {
    spare: Option<f64>,
}

impl NormalPairs {
    fn next(&mut self, rng: &mut ChaCha8Rng) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            // Two 32-bit uniforms from one draw: half the generator work of 53-bit uniforms,
            // and 2^-32 resolution is far finer than 100,000 repetitions can resolve.
            let bits = rng.next_u64();
            let u = unit((bits >> 32) as u32);
            let v = unit(bits as u32);
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * factor);
                return u * factor;
            }
        }
    }
}

/// Uniform on the open interval (−1, 1), at the centre of one of 2^32 equal cells.
fn unit(bits: u32) -> f64 {
    (f64::from(bits) + 0.5) * (2.0 / 4_294_967_296.0) - 1.0
}

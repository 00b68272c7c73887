//! Confidence levels, validated once and carrying their normal quantile.
//!
//! PHEindicatormethods accepts 0.90–1 or 90–100 and, for two levels, only the pair 95% and 99.8%
//! (the Fingertips funnel pair). We take 0.90–0.999 (or 90–99.9): a level of 1 gives infinite
//! limits for most methods, which is never what a board paper wants.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::StatsError;

/// A validated confidence level with its two-sided normal quantile
/// `z = Φ⁻¹(c + (1 − c)/2)` (1.959964 for 95%, 3.090232 for 99.8%).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidence {
    level: f64,
    z: f64,
}

impl Confidence {
    /// Validates a level given as a fraction (0.90–0.999) or a percentage (90–99.9).
    pub fn new(level: f64) -> Result<Self, StatsError> {
        // A percentage such as 99.9 divides to 0.9990000000000001, so compare with a small slack
        // and then snap to the nearest 1e-12 to keep the level exactly as written.
        let fraction = if level > 1.0 { level / 100.0 } else { level };
        let fraction = (fraction * 1e12).round() / 1e12;
        if !(0.90..=0.999).contains(&fraction) {
            return Err(StatsError::ConfidenceOutOfRange(level));
        }
        let z = Normal::standard().inverse_cdf(fraction + (1.0 - fraction) / 2.0);
        Ok(Self { level: fraction, z })
    }

    /// The level as a fraction, e.g. 0.95.
    pub fn level(self) -> f64 {
        self.level
    }

    /// The two-sided normal quantile `Φ⁻¹(c + (1 − c)/2)`.
    pub fn z(self) -> f64 {
        self.z
    }

    /// Lower tail probability `(1 − c)/2`.
    pub fn lower_tail(self) -> f64 {
        (1.0 - self.level) / 2.0
    }

    /// Upper tail probability `c + (1 − c)/2`.
    pub fn upper_tail(self) -> f64 {
        self.level + (1.0 - self.level) / 2.0
    }

    /// The PHEindicatormethods column suffix for this level: "95_0" for 0.95, "99_8" for 0.998.
    pub fn column_suffix(self) -> String {
        let tenths = (self.level * 1000.0).round() as u64;
        format!("{}_{}", tenths / 10, tenths % 10)
    }
}

/// One confidence level, or the Fingertips pair 95% and 99.8% computed together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    items: [Confidence; 2],
    len: usize,
}

impl Levels {
    /// A single level.
    pub fn one(confidence: Confidence) -> Self {
        Self {
            items: [confidence; 2],
            len: 1,
        }
    }

    /// The pair 95% and 99.8% used for Fingertips benchmarking and funnel plots.
    pub fn pair_95_998() -> Self {
        let a = Confidence::new(0.95).expect("0.95 is in range");
        let b = Confidence::new(0.998).expect("0.998 is in range");
        Self {
            items: [a, b],
            len: 2,
        }
    }

    /// Parses one level, or two levels that must be 0.95 and 0.998 (in either notation).
    pub fn parse(levels: &[f64]) -> Result<Self, StatsError> {
        match levels {
            [one] => Ok(Self::one(Confidence::new(*one)?)),
            [a, b] => {
                let (ca, cb) = (Confidence::new(*a)?, Confidence::new(*b)?);
                if ca.level == 0.95 && cb.level == 0.998 {
                    Ok(Self::pair_95_998())
                } else {
                    Err(StatsError::ConfidencePair(levels.to_vec()))
                }
            }
            _ => Err(StatsError::ConfidencePair(levels.to_vec())),
        }
    }

    /// The levels, in order.
    pub fn as_slice(&self) -> &[Confidence] {
        &self.items[..self.len]
    }
}

impl Default for Levels {
    /// 95%, the default of every PHEindicatormethods function.
    fn default() -> Self {
        Self::one(Confidence::new(0.95).expect("0.95 is in range"))
    }
}

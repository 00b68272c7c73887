//! Figures that may be undefined, relative likelihoods and the small arithmetic helpers
//! every indicator shares.
//!
//! A figure is either a number or an [`Figure::Undefined`] carrying the reason in words,
//! so a division by zero can never reach a report as `NaN` or `inf`: the EDI lead reads
//! "no BME applicants shortlisted" where a spreadsheet would show `#DIV/0!`.

/// A computed figure, or the reason it cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A finite value.
    Value(f64),
    /// The figure is not defined for this data; `reason` says why, in words fit for a report.
    Undefined {
        /// Why, e.g. "no BME applicants shortlisted".
        reason: &'static str,
    },
}

impl Figure {
    /// The value, if defined.
    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(v),
            Figure::Undefined { .. } => None,
        }
    }

    /// The reason, if undefined.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Figure::Value(_) => None,
            Figure::Undefined { reason } => Some(reason),
        }
    }

    /// `numerator / denominator`, undefined with `reason` when the denominator is zero.
    pub fn ratio(numerator: f64, denominator: f64, reason: &'static str) -> Figure {
        if denominator == 0.0 {
            return Figure::Undefined { reason };
        }
        let v = numerator / denominator;
        if v.is_finite() {
            Figure::Value(v)
        } else {
            Figure::Undefined { reason }
        }
    }

    /// `100 × part / whole`, undefined with `reason` when `whole` is zero.
    pub fn percent(part: f64, whole: f64, reason: &'static str) -> Figure {
        Figure::ratio(part * 100.0, whole, reason)
    }

    /// Difference `self − other`, undefined if either side is (the first reason wins).
    pub fn minus(self, other: Figure) -> Figure {
        match (self, other) {
            (Figure::Value(a), Figure::Value(b)) => Figure::Value(a - b),
            (Figure::Undefined { reason }, _) | (_, Figure::Undefined { reason }) => {
                Figure::Undefined { reason }
            }
        }
    }

    /// The value rounded to `places` decimal places (pay gap guidance publishes one place),
    /// half away from zero; undefined stays undefined.
    pub fn rounded(self, places: u32) -> Figure {
        match self {
            Figure::Value(v) => {
                let scale = 10f64.powi(places as i32);
                Figure::Value((v * scale).round() / scale)
            }
            u => u,
        }
    }
}

/// Where a relative likelihood falls against NHS England's "no adverse impact" range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImpactAssessment {
    /// Below 0.80: the comparison group is markedly less likely than the reference group.
    BelowRange,
    /// 0.80 to 1.25 inclusive: treated as no adverse impact (the four-fifths rule).
    NoAdverseImpact,
    /// Above 1.25.
    AboveRange,
}

impl ImpactAssessment {
    /// Lower end of the no-adverse-impact range.
    pub const LOWER: f64 = 0.80;
    /// Upper end of the no-adverse-impact range.
    pub const UPPER: f64 = 1.25;

    /// Classifies a relative likelihood.
    pub fn of(rl: f64) -> ImpactAssessment {
        if rl < Self::LOWER {
            ImpactAssessment::BelowRange
        } else if rl > Self::UPPER {
            ImpactAssessment::AboveRange
        } else {
            ImpactAssessment::NoAdverseImpact
        }
    }

    /// Words for a report.
    pub fn label(self) -> &'static str {
        match self {
            ImpactAssessment::BelowRange => "below 0.80",
            ImpactAssessment::NoAdverseImpact => "0.80-1.25: no adverse impact",
            ImpactAssessment::AboveRange => "above 1.25",
        }
    }
}

/// A relative likelihood (ratio of two rates) and where it falls against 0.80–1.25.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelativeLikelihood {
    /// The ratio, or why it is undefined.
    pub value: Figure,
    /// `None` when the ratio is undefined.
    pub assessment: Option<ImpactAssessment>,
}

impl RelativeLikelihood {
    /// `numerator_rate / denominator_rate`. An undefined rate passes its reason through;
    /// a zero denominator rate is undefined with `zero_reason`.
    pub fn from_rates(
        numerator_rate: Figure,
        denominator_rate: Figure,
        zero_reason: &'static str,
    ) -> RelativeLikelihood {
        let value = match (numerator_rate, denominator_rate) {
            (Figure::Value(a), Figure::Value(b)) => Figure::ratio(a, b, zero_reason),
            (Figure::Undefined { reason }, _) | (_, Figure::Undefined { reason }) => {
                Figure::Undefined { reason }
            }
        };
        RelativeLikelihood {
            value,
            assessment: value.value().map(ImpactAssessment::of),
        }
    }
}

/// The rate of an event in one group: `events / base`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupRate {
    /// Group label ("White", "BME", "Disabled", "Non-disabled").
    pub group: &'static str,
    /// Events (appointments, entries to a process, staff accessing training). For two-year
    /// averages this is the annual average and may be fractional.
    pub events: f64,
    /// Base (shortlisted applicants or headcount).
    pub base: u64,
    /// `events / base`.
    pub rate: Figure,
}

impl GroupRate {
    /// Builds the rate; undefined with `empty_reason` when the base is zero.
    pub fn new(group: &'static str, events: f64, base: u64, empty_reason: &'static str) -> Self {
        GroupRate {
            group,
            events,
            base,
            rate: Figure::ratio(events, base as f64, empty_reason),
        }
    }
}

/// Two group rates and their relative likelihood `numerator.rate / denominator.rate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateComparison {
    /// The group in the numerator of the ratio.
    pub numerator: GroupRate,
    /// The group in the denominator of the ratio.
    pub denominator: GroupRate,
    /// The ratio and its assessment against 0.80–1.25.
    pub relative_likelihood: RelativeLikelihood,
}

impl RateComparison {
    /// Combines two rates; `zero_reason` explains a zero denominator rate.
    pub fn new(numerator: GroupRate, denominator: GroupRate, zero_reason: &'static str) -> Self {
        RateComparison {
            numerator,
            denominator,
            relative_likelihood: RelativeLikelihood::from_rates(
                numerator.rate,
                denominator.rate,
                zero_reason,
            ),
        }
    }
}

/// Median of values already sorted ascending; `None` when empty. An even count averages
/// the two middle values (as a spreadsheet `MEDIAN` does, which the pay gap guidance assumes).
pub(crate) fn median_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    })
}

/// Mean; `None` when empty.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_never_becomes_nan() {
        assert_eq!(
            Figure::ratio(1.0, 0.0, "empty"),
            Figure::Undefined { reason: "empty" }
        );
        assert_eq!(
            Figure::ratio(0.0, 0.0, "empty"),
            Figure::Undefined { reason: "empty" }
        );
        let rl = RelativeLikelihood::from_rates(Figure::Value(0.5), Figure::Value(0.0), "zero");
        assert_eq!(rl.value, Figure::Undefined { reason: "zero" });
        assert_eq!(rl.assessment, None);
    }

    #[test]
    fn range_edges_are_inclusive() {
        assert_eq!(
            ImpactAssessment::of(0.80),
            ImpactAssessment::NoAdverseImpact
        );
        assert_eq!(
            ImpactAssessment::of(1.25),
            ImpactAssessment::NoAdverseImpact
        );
        assert_eq!(ImpactAssessment::of(0.7999), ImpactAssessment::BelowRange);
        assert_eq!(ImpactAssessment::of(1.2501), ImpactAssessment::AboveRange);
    }

    #[test]
    fn medians() {
        assert_eq!(median_sorted(&[]), None);
        assert_eq!(median_sorted(&[3.0]), Some(3.0));
        assert_eq!(median_sorted(&[1.0, 2.0, 10.0, 20.0]), Some(6.0));
        assert_eq!(Figure::Value(12.345).rounded(1), Figure::Value(12.3));
    }
}

//! The NHS Digital (2018) small-number policy for HES and ECDS publications.
//!
//! Source: NHS Digital, "Change to disclosure control methodology for HES and ECDS from
//! September 2018" (summarised in METHODS.md §9).

use crate::{Cell, DisclosureError, Publishable, Thresholds};

/// The geography level of a figure, which decides whether counts are controlled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// England: no disclosure control on counts.
    National,
    /// Region, ICS, place, provider, practice, LSOA…: counts controlled.
    SubNational,
}

/// Why a value may be published without disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exemption {
    /// A directly or indirectly standardised rate or ratio.
    StandardisedRate,
    /// A confidence limit.
    ConfidenceLimit,
    /// A regression-based statistic (e.g. SII, RII).
    Regression,
    /// A value not relating to individuals (e.g. a count of providers).
    NotAboutIndividuals,
    /// The analyst view, asked for by name (`--unsuppressed`): for people inside the ICS who
    /// may see small numbers, never for publication.
    AnalystView,
}

/// The NHS Digital 2018 policy with configurable thresholds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nhsd2018 {
    thresholds: Thresholds,
}

impl Nhsd2018 {
    /// A policy with the given thresholds.
    pub fn new(thresholds: Thresholds) -> Result<Self, DisclosureError> {
        if thresholds.rounding_base == 0 {
            return Err(DisclosureError::ZeroRoundingBase);
        }
        Ok(Self { thresholds })
    }

    /// The thresholds in force.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// A count: exact at national level; below it 0 stays 0, 1 to `threshold` is suppressed and
    /// anything else is rounded to the nearest `rounding_base` (halves round up), but never to
    /// a value at or below the threshold.
    pub fn count(&self, count: u64, level: Level) -> Publishable<Cell> {
        Publishable::new(self.count_cell(count, level))
    }

    fn count_cell(&self, count: u64, level: Level) -> Cell {
        let t = &self.thresholds;
        match level {
            Level::National => Cell::Count(count),
            Level::SubNational if count == 0 => Cell::Count(0),
            Level::SubNational if count <= t.threshold => Cell::Suppressed(t.symbol.clone()),
            Level::SubNational => {
                // With a threshold above the base (say 11 and 5), 12 would round to 10 and
                // publish a number inside the suppressed range; lift it to the first multiple
                // of the base above the threshold instead.
                let floor = (t.threshold / t.rounding_base + 1) * t.rounding_base;
                Cell::Count(round_to(count, t.rounding_base).max(floor))
            }
        }
    }

    /// A percentage `100 × numerator/denominator` computed from the *published* (rounded)
    /// counts, suppressed if either count is, and not applicable if the published denominator is
    /// 0. Rounding both before dividing is what stops the percentage revealing the exact counts.
    pub fn percentage(&self, numerator: u64, denominator: u64, level: Level) -> Publishable<Cell> {
        let cell = match (
            self.count_cell(numerator, level),
            self.count_cell(denominator, level),
        ) {
            (Cell::Suppressed(s), _) | (_, Cell::Suppressed(s)) => Cell::Suppressed(s),
            (Cell::Count(_), Cell::Count(0)) => Cell::NotApplicable,
            (Cell::Count(n), Cell::Count(d)) => Cell::Percentage(100.0 * n as f64 / d as f64),
            _ => Cell::NotApplicable,
        };
        Publishable::new(cell)
    }

    /// A crude ratio of two counts, `numerator / denominator × multiplier` (a proportion or a
    /// crude rate), computed like [`Nhsd2018::percentage`] from the *published* counts:
    /// suppressed if either count is, not applicable if the published denominator is 0.
    pub fn ratio_of_counts(
        &self,
        numerator: u64,
        denominator: u64,
        multiplier: f64,
        level: Level,
    ) -> Publishable<Cell> {
        let cell = match self.percentage(numerator, denominator, level).into_inner() {
            Cell::Percentage(p) => Cell::Value(p / 100.0 * multiplier),
            other => other,
        };
        Publishable::new(cell)
    }

    /// A simple statistic (mean, median, mode) of `contributors` records: suppressed below
    /// national level when 1 to `threshold` records contributed.
    pub fn simple_statistic(
        &self,
        value: f64,
        contributors: u64,
        level: Level,
    ) -> Result<Publishable<Cell>, DisclosureError> {
        if !value.is_finite() {
            return Err(DisclosureError::NotFinite(value));
        }
        let t = &self.thresholds;
        let cell = if level == Level::SubNational && (1..=t.threshold).contains(&contributors) {
            Cell::Suppressed(t.symbol.clone())
        } else {
            Cell::Value(value)
        };
        Ok(Publishable::new(cell))
    }

    /// A value exempt from disclosure control, with the exemption stated so that the call site
    /// documents why it is safe.
    pub fn exempt(
        &self,
        value: f64,
        _why: Exemption,
    ) -> Result<Publishable<Cell>, DisclosureError> {
        if !value.is_finite() {
            return Err(DisclosureError::NotFinite(value));
        }
        Ok(Publishable::new(Cell::Value(value)))
    }
}

/// Rounds to the nearest multiple of `base`, halves up (12 → 10, 13 → 15 with base 5).
pub(crate) fn round_to(count: u64, base: u64) -> u64 {
    let remainder = count % base;
    // Compare 2·remainder with base to avoid the truncation of base/2 for odd bases.
    if remainder * 2 >= base {
        count - remainder + base
    } else {
        count - remainder
    }
}

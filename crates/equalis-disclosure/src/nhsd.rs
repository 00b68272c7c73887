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
    /// A return submitted to a regulator, which its guidance defines in exact counts and rates
    /// (the WRES and WDES returns to NHS England), asked for by name: for the organisation and
    /// the regulator, never for publication as small-area statistics.
    Return,
    /// A count within a group of named holders of public office (an NHS board), whose
    /// composition NHS England publishes (WRES indicator 9, WDES metric 10): see
    /// [`Nhsd2018::public_office_count`].
    PublicOffice,
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

    /// A measure that regulations define and require to be published as defined, computed from
    /// exact counts and figures: the six gender pay gap measures of SI 2017/353 Schedule 1, whose
    /// percentages the GOV.UK service takes to one decimal place, and the ethnicity and
    /// disability pay gaps computed the same way. Rounding the counts first would publish a
    /// different figure from the one the law asks for (a bonus proportion of 1.0% where it is
    /// 0.9%), so the measure is exact; it is withheld below national level only when the
    /// smallest group it compares has 1 to `threshold` people, the same line the policy draws
    /// for a simple statistic (the regulations apply to employers of 250 or more, where no such
    /// group arises for men and women, but an organisation's subsets can be that small).
    pub fn statutory_measure(
        &self,
        value: f64,
        smallest_group: u64,
        level: Level,
    ) -> Result<Publishable<Cell>, DisclosureError> {
        self.simple_statistic(value, smallest_group, level)
    }

    /// A count published exactly because an exemption says so ([`Exemption::Return`],
    /// [`Exemption::AnalystView`], a national figure): the exemption is named at the call site.
    pub fn exact_count(&self, count: u64, _why: Exemption) -> Publishable<Cell> {
        Publishable::new(Cell::Count(count))
    }

    /// `100 × part/whole` of exact counts under a named exemption; not applicable when `whole`
    /// is 0.
    pub fn exact_percentage(&self, part: u64, whole: u64, _why: Exemption) -> Publishable<Cell> {
        Publishable::new(if whole == 0 {
            Cell::NotApplicable
        } else {
            Cell::Percentage(100.0 * part as f64 / whole as f64)
        })
    }

    /// A count within a group of named holders of public office, such as the voting members of
    /// an NHS board, of `group_size` members. Board members are named in the annual report and
    /// NHS England publishes each board's composition against its workforce, so counts of 1 to
    /// `threshold` within a board group are not suppressed as if they were anonymous people:
    /// the count is exact when the group has more than `threshold` members. A group of 1 to
    /// `threshold` members is about so few named people that every count in it (0 included,
    /// which would say what all of them are) is withheld, as a simple statistic of that many
    /// records would be. National figures are exact.
    pub fn public_office_count(
        &self,
        count: u64,
        group_size: u64,
        level: Level,
    ) -> Publishable<Cell> {
        let t = &self.thresholds;
        Publishable::new(
            if level == Level::SubNational && (1..=t.threshold).contains(&group_size) {
                Cell::Suppressed(t.symbol.clone())
            } else {
                Cell::Count(count)
            },
        )
    }

    /// A count derived from other counts (e.g. the staff a band needs to reach parity, from its
    /// BME and known headcounts): published as a count, and withheld whenever any count it is
    /// derived from is withheld, because the derived figure and the other published cells would
    /// give the withheld count back.
    pub fn derived_count(&self, count: u64, from: &[u64], level: Level) -> Publishable<Cell> {
        if from
            .iter()
            .any(|&c| matches!(self.count_cell(c, level), Cell::Suppressed(_)))
        {
            return Publishable::new(Cell::Suppressed(self.thresholds.symbol.clone()));
        }
        self.count(count, level)
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

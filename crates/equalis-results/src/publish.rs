//! The one way results leave equalis: every number becomes a [`Publishable`] cell.
//!
//! Published view (the default everywhere): the NHS Digital 2018 policy below national level.
//! Counts 1–7 are `*` and other counts are rounded to 5; proportions and crude rates are
//! recomputed from the rounded counts; standardised rates, ratios, regression results and
//! confidence limits are exempt, **except** that every number derived from a suppressed count
//! is suppressed with it (a ratio, a limit or a comparison can give a small count away).
//!
//! Analyst view: every number as computed, for people inside the ICS, asked for by name.

use equalis_disclosure::{Cell, Exemption, Level, Nhsd2018, Publishable};

use crate::row::{Comparison, InequalityRow, ResultRow, SpcRow, Statistic};

/// Which view of the results to give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum View {
    /// Disclosure-controlled, for publication (the default).
    #[default]
    Published,
    /// Unsuppressed, for analysts only.
    Analyst,
}

/// A results row as it may leave equalis.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedRow {
    /// The indicator.
    pub indicator_id: String,
    /// The period.
    pub period: String,
    /// The breakdown.
    pub breakdown: String,
    /// The group.
    pub group: String,
    /// The statistic.
    pub statistic: Statistic,
    /// The value's multiplier.
    pub multiplier: f64,
    /// The numerator.
    pub numerator: Publishable<Cell>,
    /// The denominator.
    pub denominator: Publishable<Cell>,
    /// The value.
    pub value: Publishable<Cell>,
    /// Lower 95% limit.
    pub lowercl: Publishable<Cell>,
    /// Upper 95% limit.
    pub uppercl: Publishable<Cell>,
    /// Lower 99.8% limit.
    pub lower998cl: Publishable<Cell>,
    /// Upper 99.8% limit.
    pub upper998cl: Publishable<Cell>,
    /// Against the ICS value; withheld when the value is.
    pub comparison: Option<Comparison>,
    /// Why a number is missing or withheld.
    pub note: Option<String>,
}

/// An SII or RII row as it may leave equalis.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedInequality {
    /// The indicator.
    pub indicator_id: String,
    /// The period.
    pub period: String,
    /// `all` or the breakdown within whose groups the gradient was measured.
    pub breakdown: String,
    /// The group.
    pub group: String,
    /// `sii` or `rii`.
    pub measure: String,
    /// The value.
    pub value: Publishable<Cell>,
    /// Lower 95% limit.
    pub lowercl: Publishable<Cell>,
    /// Upper 95% limit.
    pub uppercl: Publishable<Cell>,
    /// Why the value is missing.
    pub note: Option<String>,
}

/// An SPC point as it may leave equalis.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedSpc {
    /// The series' indicator.
    pub indicator_id: String,
    /// The series' breakdown.
    pub breakdown: String,
    /// The series' group.
    pub group: String,
    /// The period.
    pub period: String,
    /// The point, suppressed when it rests on 1–7 records.
    pub value: Publishable<Cell>,
    /// Centre line.
    pub centre: Publishable<Cell>,
    /// Lower process limit.
    pub lower_limit: Publishable<Cell>,
    /// Upper process limit.
    pub upper_limit: Publishable<Cell>,
    /// The point's type (withheld with the value).
    pub point: Option<String>,
    /// The series' variation icon.
    pub variation: String,
    /// The series' assurance icon.
    pub assurance: Option<String>,
}

/// The published form of results rows, SII/RII rows and SPC points.
pub fn publish(
    view: &View,
    rows: &[ResultRow],
    inequality: &[InequalityRow],
    spc: &[SpcRow],
) -> (
    Vec<PublishedRow>,
    Vec<PublishedInequality>,
    Vec<PublishedSpc>,
) {
    let p = Publisher::new(view);
    (
        rows.iter().map(|r| p.row(r)).collect(),
        inequality.iter().map(|r| p.inequality(r)).collect(),
        spc.iter().map(|r| p.spc(r)).collect(),
    )
}

/// A set of linked figures as they may leave equalis: `counts` (whole numbers, possibly
/// negative, such as an estimated population minus a registered one) each pass the count rule
/// (1 to 7 in size is `*`, others are rounded to 5, keeping their sign), and if any count is
/// suppressed every other count and every `derived` value (a rate, a limit) is suppressed with
/// it, since the linked figures could give the small count away. Derived values of unsuppressed counts are exempt (confidence limits
/// and rates resting on counts above the threshold). For tables outside the results rows, such
/// as the GP registration gap by LSOA.
pub fn publish_linked(
    view: &View,
    counts: &[Option<f64>],
    derived: &[Option<f64>],
) -> (Vec<Publishable<Cell>>, Vec<Publishable<Cell>>) {
    let p = Publisher::new(view);
    let mut counts: Vec<Publishable<Cell>> = counts.iter().map(|c| p.signed_count(*c)).collect();
    let withheld = counts
        .iter()
        .any(|c| matches!(c.get(), Cell::Suppressed(_)));
    if withheld && !p.analyst {
        // Linked counts give each other away (registered = estimate − unregistered), so one
        // withheld count withholds them all.
        for c in &mut counts {
            *c = p.suppressed();
        }
    }
    let derived = derived
        .iter()
        .map(|d| {
            if withheld && !p.analyst {
                p.suppressed()
            } else {
                p.exempt(*d, Exemption::ConfidenceLimit)
            }
        })
        .collect();
    (counts, derived)
}

struct Publisher {
    policy: Nhsd2018,
    analyst: bool,
}

/// A count as the policy takes it: results hold counts as `f64` (expected counts are not
/// whole), so only whole non-negative values are counts.
fn as_count(x: f64) -> Option<u64> {
    (x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64).then_some(x as u64)
}

impl Publisher {
    fn new(view: &View) -> Self {
        Self {
            policy: Nhsd2018::default(),
            analyst: *view == View::Analyst,
        }
    }

    fn exempt(&self, x: Option<f64>, why: Exemption) -> Publishable<Cell> {
        let why = if self.analyst {
            Exemption::AnalystView
        } else {
            why
        };
        match x.map(|v| self.policy.exempt(v, why)) {
            Some(Ok(cell)) => cell,
            // A non-finite number is never stored (the statistics crate turns it into a
            // reason), so there is nothing to show.
            Some(Err(_)) | None => Publishable::not_applicable(),
        }
    }

    fn count(&self, x: Option<f64>) -> Publishable<Cell> {
        match x.and_then(as_count) {
            Some(c) if !self.analyst => self.policy.count(c, Level::SubNational),
            Some(c) => self.exempt(Some(c as f64), Exemption::AnalystView),
            None => self.exempt(x, Exemption::NotAboutIndividuals),
        }
    }

    /// A count that may be negative: its size passes the count rule and keeps its sign.
    fn signed_count(&self, x: Option<f64>) -> Publishable<Cell> {
        match x {
            Some(v) if v < 0.0 && !self.analyst => match as_count(-v) {
                Some(size) => match self.policy.count(size, Level::SubNational).into_inner() {
                    // The rounded size is already disclosure-controlled; only its sign is added.
                    Cell::Count(c) => {
                        self.exempt(Some(-(c as f64)), Exemption::NotAboutIndividuals)
                    }
                    _ => self.suppressed(),
                },
                None => self.exempt(x, Exemption::NotAboutIndividuals),
            },
            _ => self.count(x),
        }
    }

    fn suppressed(&self) -> Publishable<Cell> {
        // The policy's own symbol, made by the policy from a count it suppresses.
        self.policy.count(1, Level::SubNational)
    }

    fn row(&self, r: &ResultRow) -> PublishedRow {
        use Statistic::*;
        let numerator = self.count(r.numerator);
        let denominator = match r.statistic {
            Ratio => self.exempt(r.denominator, Exemption::StandardisedRate),
            _ => self.count(r.denominator),
        };
        let is_suppressed = |c: &Publishable<Cell>| matches!(c.get(), Cell::Suppressed(_));
        let withheld = is_suppressed(&numerator) || is_suppressed(&denominator);
        let limit = |x: Option<f64>| {
            if withheld {
                self.suppressed()
            } else {
                self.exempt(x, Exemption::ConfidenceLimit)
            }
        };
        let value = if withheld {
            self.suppressed()
        } else if self.analyst {
            self.exempt(r.value, Exemption::AnalystView)
        } else {
            match (r.statistic, r.value) {
                (_, None) => Publishable::not_applicable(),
                (Proportion | CrudeRate, Some(_)) => {
                    match (
                        r.numerator.and_then(as_count),
                        r.denominator.and_then(as_count),
                    ) {
                        (Some(n), Some(d)) => {
                            self.policy
                                .ratio_of_counts(n, d, r.multiplier, Level::SubNational)
                        }
                        _ => Publishable::not_applicable(),
                    }
                }
                (Dsr | Ratio, v) => self.exempt(v, Exemption::StandardisedRate),
                (Median | Percentile | Gap, Some(v)) => {
                    let contributors = r.denominator.and_then(as_count).unwrap_or(0);
                    self.policy
                        .simple_statistic(v, contributors, Level::SubNational)
                        .unwrap_or_else(|_| Publishable::not_applicable())
                }
                (Count, v) => self.count(v),
            }
        };
        let note = if withheld && !self.analyst {
            Some("withheld: a count from 1 to 7 (NHS Digital small-number rule)".to_owned())
        } else {
            r.note.clone()
        };
        PublishedRow {
            indicator_id: r.indicator_id.clone(),
            period: r.period.clone(),
            breakdown: r.breakdown.clone(),
            group: r.group.clone(),
            statistic: r.statistic,
            multiplier: r.multiplier,
            lowercl: limit(r.lowercl),
            uppercl: limit(r.uppercl),
            lower998cl: limit(r.lower998cl),
            upper998cl: limit(r.upper998cl),
            comparison: if withheld { None } else { r.comparison },
            numerator,
            denominator,
            value,
            note,
        }
    }

    fn inequality(&self, r: &InequalityRow) -> PublishedInequality {
        PublishedInequality {
            indicator_id: r.indicator_id.clone(),
            period: r.period.clone(),
            breakdown: r.breakdown.clone(),
            group: r.group.clone(),
            measure: r.measure.clone(),
            value: self.exempt(r.value, Exemption::Regression),
            lowercl: self.exempt(r.lowercl, Exemption::Regression),
            uppercl: self.exempt(r.uppercl, Exemption::Regression),
            note: r.note.clone(),
        }
    }

    fn spc(&self, r: &SpcRow) -> PublishedSpc {
        let contributors = as_count(r.contributors).unwrap_or(0);
        let value = if self.analyst {
            self.exempt(Some(r.value), Exemption::AnalystView)
        } else {
            self.policy
                .simple_statistic(r.value, contributors, Level::SubNational)
                .unwrap_or_else(|_| Publishable::not_applicable())
        };
        let withheld = matches!(value.get(), Cell::Suppressed(_));
        PublishedSpc {
            indicator_id: r.indicator_id.clone(),
            breakdown: r.breakdown.clone(),
            group: r.group.clone(),
            period: r.period.clone(),
            value,
            // Process limits summarise the whole series, so they reveal no single point.
            centre: self.exempt(Some(r.centre), Exemption::ConfidenceLimit),
            lower_limit: self.exempt(Some(r.lower_limit), Exemption::ConfidenceLimit),
            upper_limit: self.exempt(Some(r.upper_limit), Exemption::ConfidenceLimit),
            point: (!withheld).then(|| r.point.clone()),
            variation: r.variation.clone(),
            assurance: r.assurance.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn proportion(num: f64, den: f64) -> ResultRow {
        let mut r = ResultRow::new("x", "p", "sex", "Female", Statistic::Proportion, 100.0);
        r.numerator = Some(num);
        r.denominator = Some(den);
        r.value = Some(num / den * 100.0);
        r.lowercl = Some(1.0);
        r.uppercl = Some(2.0);
        r.comparison = Some(Comparison::Higher);
        r
    }

    fn shown(c: &Publishable<Cell>) -> String {
        c.to_string()
    }

    #[test]
    fn small_counts_withhold_everything_derived_from_them() {
        let (rows, _, _) = publish(&View::Published, &[proportion(3.0, 120.0)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "*");
        assert_eq!(shown(&r.denominator), "120");
        assert_eq!(shown(&r.value), "*");
        assert_eq!(shown(&r.lowercl), "*");
        assert_eq!(shown(&r.uppercl), "*");
        assert_eq!(r.comparison, None);
    }

    #[test]
    fn proportions_are_recomputed_from_rounded_counts() {
        let (rows, _, _) = publish(&View::Published, &[proportion(12.0, 38.0)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "10");
        assert_eq!(shown(&r.denominator), "40");
        assert_eq!(shown(&r.value), "25");
        assert_eq!(shown(&r.lowercl), "1");
        assert_eq!(r.comparison, Some(Comparison::Higher));
    }

    #[test]
    fn analyst_view_shows_the_numbers_as_computed() {
        let (rows, _, _) = publish(&View::Analyst, &[proportion(3.0, 120.0)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "3");
        assert_eq!(shown(&r.value), "2.5");
        assert_eq!(r.comparison, Some(Comparison::Higher));
    }

    #[test]
    fn ratios_keep_expected_counts_but_withhold_small_observed() {
        let mut r = ResultRow::new("x", "p", "sex", "Female", Statistic::Ratio, 1.0);
        r.numerator = Some(5.0);
        r.denominator = Some(7.4);
        r.value = Some(5.0 / 7.4);
        let (rows, _, _) = publish(&View::Published, &[r], &[], &[]);
        assert_eq!(shown(&rows[0].numerator), "*");
        assert_eq!(shown(&rows[0].value), "*");
    }

    #[test]
    fn medians_of_few_values_are_withheld() {
        let mut r = ResultRow::new("x", "p", "sex", "Female", Statistic::Median, 1.0);
        r.denominator = Some(6.0);
        r.value = Some(14.2);
        let mut big = r.clone();
        big.denominator = Some(600.0);
        let (rows, _, _) = publish(&View::Published, &[r, big], &[], &[]);
        assert_eq!(shown(&rows[0].value), "*");
        assert_eq!(shown(&rows[1].value), "14.2");
    }

    #[test]
    fn linked_counts_keep_their_sign_and_small_ones_withhold_derived_values() {
        let (c, d) = publish_linked(
            &View::Published,
            &[Some(1502.0), Some(1499.0), Some(3.0)],
            &[Some(0.2), Some(0.1)],
        );
        let shown_all = |v: &[Publishable<Cell>]| v.iter().map(shown).collect::<Vec<_>>();
        // One small count withholds its linked counts too: two of them give the third.
        assert_eq!(shown_all(&c), ["*", "*", "*"]);
        assert_eq!(shown_all(&d), ["*", "*"]);
        let (c, d) = publish_linked(
            &View::Published,
            &[Some(1500.0), Some(1562.0), Some(-62.0), Some(-4.0)],
            &[],
        );
        assert_eq!(shown_all(&c), ["*", "*", "*", "*"]);
        assert!(d.is_empty());
        let (c, _) = publish_linked(
            &View::Published,
            &[Some(1500.0), Some(1562.0), Some(-62.0)],
            &[],
        );
        assert_eq!(shown_all(&c), ["1500", "1560", "-60"]);
        let (c, d) = publish_linked(&View::Published, &[Some(100.0), None], &[Some(-3.5)]);
        assert_eq!(shown_all(&c), ["100", ""]);
        assert_eq!(shown_all(&d), ["-3.5"]);
        let (c, _) = publish_linked(&View::Analyst, &[Some(3.0), Some(-4.0)], &[]);
        assert_eq!(shown_all(&c), ["3", "-4"]);
    }

    proptest! {
        /// Whatever the counts, a published row never shows a count from 1 to 7.
        #[test]
        fn no_published_count_is_between_1_and_7(num in 0u32..60, extra in 0u32..60) {
            let den = f64::from(num + extra);
            let mut count = ResultRow::new("x", "p", "all", "All", Statistic::Count, 1.0);
            count.numerator = Some(f64::from(num));
            count.value = Some(f64::from(num));
            let (rows, _, _) = publish(&View::Published, &[proportion(f64::from(num), den), count], &[], &[]);
            for r in &rows {
                for c in [&r.numerator, &r.denominator] {
                    if let Cell::Count(n) = c.get() {
                        prop_assert!(*n == 0 || *n > 7, "published count {n}");
                    }
                }
                if r.statistic == Statistic::Count
                    && let Cell::Count(n) = r.value.get()
                {
                    prop_assert!(*n == 0 || *n > 7);
                }
            }
        }
    }
}

//! The one way results leave equalis: every number becomes a [`Publishable`] cell.
//!
//! Published view (the default everywhere): the NHS Digital 2018 policy below national level,
//! made strict about what can be worked back. Counts 1–7 are `*` and other counts are rounded
//! to 5 (an expected count likewise, as the count it stands for), and **every figure is
//! computed again from the published counts**: a proportion, a crude rate, an observed ÷
//! expected ratio, a gap between two proportions and a shortfall take their values and
//! confidence limits from the rounded counts, and a DSR keeps its standardised value (exempt)
//! with Dobson limits around the rounded total. So no published number carries more about a
//! count than its rounded value does: limits computed from exact counts, printed at full
//! precision beside rounded ones, would give the exact counts back, and a small count with
//! them by difference. Every number resting on a suppressed count is suppressed with it, and
//! comparisons with the ICS value are made again from the published limits.
//!
//! Analyst view: every number as computed, for people inside the ICS, asked for by name.

use equalis_disclosure::{Cell, Exemption, Level, Nhsd2018, Publishable};
use equalis_stats::{Estimate, Levels};

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
    /// For a gap between two proportions, the comparator group's numerator.
    pub comparator_numerator: Publishable<Cell>,
    /// For a gap between two proportions, the comparator group's denominator.
    pub comparator_denominator: Publishable<Cell>,
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
    /// Why the series has no process limits, when it has none.
    pub note: Option<String>,
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
    let mut published: Vec<PublishedRow> = rows.iter().map(|r| p.row(r)).collect();
    if !p.analyst {
        secondary(&p, &mut published);
        compare_published(&mut published);
    }
    (
        published,
        inequality.iter().map(|r| p.inequality(r)).collect(),
        spc.iter().map(|r| p.spc(r)).collect(),
    )
}

/// The comparison of each group with the ICS value, made again from what is published (the
/// group's published 95% limits against the published ICS value), so that a comparison never
/// rests on exact figures the reader cannot see and always agrees with the limits shown.
fn compare_published(rows: &mut [PublishedRow]) {
    use std::collections::HashMap;
    let number = |c: &Publishable<Cell>| match c.get() {
        Cell::Value(v) | Cell::Percentage(v) => Some(*v),
        Cell::Count(n) => Some(*n as f64),
        _ => None,
    };
    let mut ics: HashMap<(String, String), f64> = HashMap::new();
    for r in rows.iter() {
        if r.breakdown == ALL
            && let Some(v) = number(&r.value)
        {
            ics.insert((r.indicator_id.clone(), r.period.clone()), v);
        }
    }
    for r in rows.iter_mut() {
        if r.breakdown == ALL || r.comparison.is_none() {
            continue;
        }
        let Some(&v) = ics.get(&(r.indicator_id.clone(), r.period.clone())) else {
            r.comparison = None;
            continue;
        };
        r.comparison = match (number(&r.lowercl), number(&r.uppercl)) {
            (Some(lo), _) if lo > v => Some(Comparison::Higher),
            (_, Some(hi)) if hi < v => Some(Comparison::Lower),
            (Some(_), Some(_)) => Some(Comparison::Similar),
            _ => None,
        };
    }
}

/// The breakdown of the whole ICS.
const ALL: &str = "all";

/// The note of a figure withheld because a count is 1 to 7.
const WITHHELD_SMALL: &str = "withheld: a count from 1 to 7 (NHS Digital small-number rule)";
/// The note of a figure withheld because its group's total is 1 to 7: every part of such a
/// group is 0 to 7, and the zeros are withheld too so that the small counts cannot be worked
/// out (seven non-zero parts of a total of at most 7 would each be 1).
const WITHHELD_PART: &str =
    "withheld: part of a group of 1 to 7 people, so that its small counts cannot be worked out";
/// The note of a figure withheld with the rest of its breakdown, because the published total
/// and the other groups would otherwise pin a small count down.
const WITHHELD_SOLVABLE: &str = "withheld with the rest of its breakdown: its total and the \
     other groups would otherwise give a small count away";

/// How the engine notes a group that holds the unrecorded (e.g. ethnicity `Not known`): the
/// published view adds its share of the whole from the published counts.
pub const RECORDING_GAP: &str = " not recorded";

/// How a count was withheld, from least to most that a reader can tell about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Withheld {
    /// 1 to 7.
    Small,
    /// 0 to 7 (part of a total of 1 to 7).
    Part,
    /// Any count (withheld with its whole breakdown).
    Solvable,
}

impl Withheld {
    fn of_note(note: Option<&str>) -> Withheld {
        match note {
            Some(WITHHELD_PART) => Withheld::Part,
            Some(WITHHELD_SOLVABLE) => Withheld::Solvable,
            _ => Withheld::Small,
        }
    }

    fn note(self) -> &'static str {
        match self {
            Withheld::Small => WITHHELD_SMALL,
            Withheld::Part => WITHHELD_PART,
            Withheld::Solvable => WITHHELD_SOLVABLE,
        }
    }
}

/// The exact counts a published count cell may stand for, as a reader who knows the rules
/// sees them: 0 is 0, 10 is 8 to 12, other multiples of 5 ±2, and a withheld count whatever
/// its row's note allows. `None` for a cell that is not a count.
pub fn count_bounds(cell: &Publishable<Cell>, note: Option<&str>) -> Option<(u64, u64)> {
    match cell.get() {
        Cell::Count(0) => Some((0, 0)),
        Cell::Count(n) if *n <= 10 => Some((8, 12)),
        Cell::Count(n) => Some((n - 2, n + 2)),
        Cell::Suppressed(_) => Some(match Withheld::of_note(note) {
            Withheld::Small => (1, 7),
            Withheld::Part => (0, 7),
            Withheld::Solvable => (0, u64::MAX / 4),
        }),
        _ => None,
    }
}

/// Secondary disclosure control across the groups of each breakdown.
///
/// Every breakdown splits its total into groups (the ICS into sexes; each sex into its age
/// bands in a pair). Rounding to 5 alone never lets a reader pin a withheld count down by
/// difference, but the exact zeros beside withheld counts can: seven withheld groups of a
/// total of at most 7 must each be 1. So, for the numerator and the denominator separately,
/// breakdowns first and pairs after (their totals are the breakdowns' groups):
///
/// 1. a group whose total is withheld as 1 to 7 has all its parts withheld, zeros included
///    (each part is then "0 to 7" to the reader);
/// 2. if a withheld part can still be worked out to one value from the total and the other
///    parts, the whole breakdown's count is withheld.
///
/// Both rules depend only on published cells, and rule 1 only on the group's own total, so a
/// population shared by several indicators is withheld alike in each. A figure resting on a
/// count withheld here is withheld with it, as any other.
fn secondary(p: &Publisher, rows: &mut [PublishedRow]) {
    use std::collections::HashMap;
    // (indicator, period, breakdown, group) → row.
    let index: HashMap<(&str, &str, &str, &str), usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                (
                    r.indicator_id.as_str(),
                    r.period.as_str(),
                    r.breakdown.as_str(),
                    r.group.as_str(),
                ),
                i,
            )
        })
        .collect();
    // Partitions: (total row, part rows), breakdowns first, then pairs by their first and by
    // their second group. Gaps compare two groups and are no partition.
    type Key<'a> = (&'a str, &'a str, &'a str, String);
    let mut singles: HashMap<Key<'_>, (usize, Vec<usize>)> = HashMap::new();
    let mut pairs: HashMap<Key<'_>, (usize, Vec<usize>)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.breakdown == ALL || matches!(r.statistic, Statistic::Gap) {
            continue;
        }
        let (id, period) = (r.indicator_id.as_str(), r.period.as_str());
        match (r.breakdown.split_once(" x "), r.group.split_once(" x ")) {
            (None, _) => {
                if let Some(&total) = index.get(&(id, period, ALL, "All")) {
                    singles
                        .entry((id, period, r.breakdown.as_str(), String::new()))
                        .or_insert((total, Vec::new()))
                        .1
                        .push(i);
                }
            }
            (Some((a, b)), Some((ga, gb))) => {
                for (dim, group, side) in [(a, ga, "1"), (b, gb, "2")] {
                    if let Some(&total) = index.get(&(id, period, dim, group)) {
                        pairs
                            .entry((id, period, r.breakdown.as_str(), format!("{side}{group}")))
                            .or_insert((total, Vec::new()))
                            .1
                            .push(i);
                    }
                }
            }
            _ => {}
        }
    }
    let mut order: Vec<(usize, Vec<usize>)> = singles.into_values().collect();
    order.sort();
    let n_singles = order.len();
    let mut pair_order: Vec<(usize, Vec<usize>)> = pairs.into_values().collect();
    pair_order.sort();
    order.extend(pair_order);

    // The withholding state of each row (its note says it), and which cells are withheld.
    let mut state: Vec<Option<Withheld>> = rows
        .iter()
        .map(|r| {
            let any = [&r.numerator, &r.denominator]
                .iter()
                .any(|c| matches!(c.get(), Cell::Suppressed(_)));
            any.then(|| Withheld::of_note(r.note.as_deref()))
        })
        .collect();
    let counts = |r: &PublishedRow, kind: usize| -> Publishable<Cell> {
        if kind == 0 {
            r.numerator.clone()
        } else {
            r.denominator.clone()
        }
    };
    let mut changed: Vec<bool> = vec![false; rows.len()];
    for (total, parts) in &order {
        for kind in 0..2 {
            let note = |i: usize| state[i].map(Withheld::note);
            let Some(total_bounds) = count_bounds(&counts(&rows[*total], kind), note(*total))
            else {
                continue;
            };
            let part_bounds: Option<Vec<(u64, u64)>> = parts
                .iter()
                .map(|&i| count_bounds(&counts(&rows[i], kind), note(i)))
                .collect();
            let Some(part_bounds) = part_bounds else {
                continue;
            };
            let total_withheld = matches!(counts(&rows[*total], kind).get(), Cell::Suppressed(_));
            let rule = if total_withheld && total_bounds.1 <= 7 {
                Some(Withheld::Part)
            } else if pinned(total_bounds, &part_bounds, |k| {
                matches!(counts(&rows[parts[k]], kind).get(), Cell::Suppressed(_))
            }) {
                Some(Withheld::Solvable)
            } else {
                None
            };
            let Some(rule) = rule else { continue };
            for &i in parts {
                let cell = if kind == 0 {
                    &mut rows[i].numerator
                } else {
                    &mut rows[i].denominator
                };
                *cell = p.suppressed();
                state[i] = Some(state[i].map_or(rule, |s| s.max(rule)));
                changed[i] = true;
            }
        }
    }
    // The recording gap of each "not recorded" group, from the published counts (the engine
    // notes the group; its share of the whole computed from exact counts would give them back).
    for (total, parts) in &order[..n_singles] {
        let size = |r: &PublishedRow| match (r.denominator.get(), r.numerator.get()) {
            (Cell::Count(d), _) => Some(*d),
            (Cell::NotApplicable, Cell::Count(n)) => Some(*n),
            _ => None,
        };
        let Some(whole) = size(&rows[*total]).filter(|w| *w > 0) else {
            continue;
        };
        for &i in parts {
            let r = &mut rows[i];
            if let (Some(note), Some(part)) = (&r.note, size(r))
                && note.ends_with(RECORDING_GAP)
            {
                r.note = Some(format!(
                    "{note} for {:.1}% of the whole",
                    part as f64 / whole as f64 * 100.0
                ));
            }
        }
    }
    for (i, r) in rows.iter_mut().enumerate() {
        if !changed[i] {
            continue;
        }
        let Some(s) = state[i] else { continue };
        r.value = p.suppressed();
        for l in [
            &mut r.lowercl,
            &mut r.uppercl,
            &mut r.lower998cl,
            &mut r.upper998cl,
        ] {
            *l = p.suppressed();
        }
        r.comparison = None;
        r.note = Some(s.note().to_owned());
    }
}

/// Whether some withheld part (`withheld(k)`) can be worked out to a single value from the
/// total and the other parts' bounds.
fn pinned(total: (u64, u64), parts: &[(u64, u64)], withheld: impl Fn(usize) -> bool) -> bool {
    let (sum_lo, sum_hi) = parts.iter().fold((0u64, 0u64), |(lo, hi), (l, h)| {
        (lo + l, hi.saturating_add(*h))
    });
    parts.iter().enumerate().any(|(k, &(lo, hi))| {
        if !withheld(k) {
            return false;
        }
        let others_lo = sum_lo - lo;
        let others_hi = sum_hi.saturating_sub(hi);
        let from = total.0.saturating_sub(others_hi).max(lo);
        let to = total.1.saturating_sub(others_lo).min(hi);
        // One value left, and a small count (a zero worked out is no disclosure). None left
        // means the groups do not add up to the total, as when a breakdown leaves some rows
        // out: then nothing can be worked out from it.
        to == from && from >= 1
    })
}

/// A shortfall as it may leave equalis (e.g. one LSOA of the GP registration gap): the
/// estimate, the count and the difference, each by the count rule (the difference keeps its
/// sign), and the shortfall as a percentage of the estimate with its 95% limits computed from
/// the published estimate and count.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedShortfall {
    /// The estimate (e.g. ONS residents).
    pub estimate: Publishable<Cell>,
    /// The count (e.g. registered with a GP).
    pub counted: Publishable<Cell>,
    /// Estimate minus count.
    pub missing: Publishable<Cell>,
    /// The missing as a percentage of the estimate.
    pub value: Publishable<Cell>,
    /// Lower 95% limit.
    pub lowercl: Publishable<Cell>,
    /// Upper 95% limit.
    pub uppercl: Publishable<Cell>,
    /// Whether a small count withheld the row.
    pub withheld: bool,
}

/// Publishes one shortfall (see [`PublishedShortfall`]). The three counts are linked (any two
/// give the third), so if any is 1 to 7 in size all three are withheld with every figure.
pub fn publish_shortfall(
    view: &View,
    estimate: Option<f64>,
    counted: Option<f64>,
) -> PublishedShortfall {
    let p = Publisher::new(view);
    let missing = estimate.zip(counted).map(|(e, c)| e - c);
    let f = p.figure(&Figure {
        statistic: Statistic::Shortfall,
        multiplier: 100.0,
        numerator: estimate,
        denominator: counted,
        comparator_numerator: None,
        comparator_denominator: None,
        value: missing.zip(estimate).map(|(m, e)| m / e * 100.0),
        limits: [None; 4],
    });
    let missing = p.signed_count(missing);
    let withheld = !p.analyst && (f.withheld || matches!(missing.get(), Cell::Suppressed(_)));
    if withheld {
        return PublishedShortfall {
            estimate: p.suppressed(),
            counted: p.suppressed(),
            missing: p.suppressed(),
            value: p.suppressed(),
            lowercl: p.suppressed(),
            uppercl: p.suppressed(),
            withheld,
        };
    }
    let [lowercl, uppercl, _, _] = f.limits;
    PublishedShortfall {
        estimate: f.numerator,
        counted: f.denominator,
        missing,
        value: f.value,
        lowercl,
        uppercl,
        withheld,
    }
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

    /// An expected count (indirect standardisation) published as the count it stands for:
    /// rounded to a whole number, then the count rule. An expected count can equal an observed
    /// one (a group that is one whole stratum), so it is never exempt.
    fn expected(&self, x: Option<f64>) -> Publishable<Cell> {
        match x {
            Some(e) if e.is_finite() && e >= 0.0 && !self.analyst => {
                self.policy.count(e.round() as u64, Level::SubNational)
            }
            _ => self.exempt(x, Exemption::AnalystView),
        }
    }

    /// A figure as it may leave equalis; see the module documentation for the rules.
    fn figure(&self, f: &Figure) -> PublishedFigure {
        use Statistic::*;
        let not_applicable = || [0; 4].map(|_| Publishable::not_applicable());
        if self.analyst {
            return PublishedFigure {
                numerator: self.exempt(f.numerator, Exemption::AnalystView),
                denominator: self.exempt(f.denominator, Exemption::AnalystView),
                comparator: [f.comparator_numerator, f.comparator_denominator]
                    .map(|c| self.exempt(c, Exemption::AnalystView)),
                value: self.exempt(f.value, Exemption::AnalystView),
                limits: f.limits.map(|l| self.exempt(l, Exemption::AnalystView)),
                withheld: false,
            };
        }
        let numerator = self.count(f.numerator);
        let denominator = match f.statistic {
            Ratio => self.expected(f.denominator),
            _ => self.count(f.denominator),
        };
        let comparator = [f.comparator_numerator, f.comparator_denominator].map(|c| self.count(c));
        let withheld = [&numerator, &denominator, &comparator[0], &comparator[1]]
            .iter()
            .any(|c| matches!(c.get(), Cell::Suppressed(_)));
        if withheld {
            return PublishedFigure {
                value: self.suppressed(),
                limits: [0; 4].map(|_| self.suppressed()),
                numerator,
                denominator,
                comparator,
                withheld,
            };
        }
        let published = |c: &Publishable<Cell>| match c.get() {
            Cell::Count(n) => Some(*n as f64),
            _ => None,
        };
        let (n, d) = (published(&numerator), published(&denominator));
        let (cn, cd) = (published(&comparator[0]), published(&comparator[1]));
        let levels = Levels::pair_95_998();
        let m = f.multiplier;
        // The figure again from the published counts, by the method that made it.
        let again: Option<Result<Parts, equalis_stats::StatsError>> = match f.statistic {
            _ if f.value.is_none() => None,
            Proportion => n
                .zip(d)
                .map(|(n, d)| equalis_stats::proportion(n, d, &levels, m).map(parts)),
            CrudeRate => n
                .zip(d)
                .map(|(n, d)| equalis_stats::rate(n, d, &levels, m).map(parts)),
            Ratio => n
                .zip(d)
                .map(|(o, e)| equalis_stats::observed_to_expected(o, e, &levels, m).map(parts)),
            Dsr => self.dsr_again(f, n, &levels).map(|r| r.map(parts)),
            Gap if cn.is_some() && cd.is_some() => {
                n.zip(d).zip(cn.zip(cd)).map(|((x1, n1), (x2, n2))| {
                    equalis_stats::proportion_gap(x1, n1, x2, n2, &levels, m)
                        .map(|g| parts(g.absolute))
                })
            }
            Shortfall => n
                .zip(d)
                .map(|(estimate, counted)| shortfall(estimate, counted, m)),
            Median | Percentile | Gap | Count => None,
        };
        let (value, limits) = match (f.statistic, again) {
            (Count, _) => (self.count(f.value), not_applicable()),
            (_, Some(Ok((value, bounds)))) => {
                let why = match f.statistic {
                    Dsr => Exemption::StandardisedRate,
                    _ => Exemption::ConfidenceLimit,
                };
                (
                    self.exempt(value, why),
                    bounds.map(|b| self.exempt(b, Exemption::ConfidenceLimit)),
                )
            }
            // Counts that cannot be computed again (a statistic's own error) publish nothing
            // rather than the exact figure.
            (Proportion | CrudeRate | Ratio | Dsr | Shortfall, _) => {
                (Publishable::not_applicable(), not_applicable())
            }
            (Gap, _) if f.comparator_numerator.is_some() => {
                (Publishable::not_applicable(), not_applicable())
            }
            // Medians, percentiles and ratios of medians: simple statistics, published when more
            // than 7 records stand behind them (the denominator's count rule, above); their
            // distribution-free limits are order statistics, which reveal no count.
            (Median | Percentile | Gap, _) => (
                self.exempt(f.value, Exemption::NotAboutIndividuals),
                f.limits.map(|l| self.exempt(l, Exemption::ConfidenceLimit)),
            ),
        };
        PublishedFigure {
            numerator,
            denominator,
            comparator,
            value,
            limits,
            withheld,
        }
    }

    /// A DSR's Dobson limits around the published total count. The variance is recovered from
    /// the stored 95% lower limit and exact total (Dobson: `DSR − L = √(var/O)·(O − Byar_L(O))`),
    /// so the standardised value stays as computed and only the count the limits rest on is
    /// the published one.
    fn dsr_again(
        &self,
        f: &Figure,
        published_total: Option<f64>,
        levels: &Levels,
    ) -> Option<Result<Estimate, equalis_stats::StatsError>> {
        let (value, lower, observed) = (f.value?, f.limits[0]?, f.numerator?);
        let m = f.multiplier;
        let confidence = levels.as_slice()[0];
        let step = observed - equalis_stats::byars_lower(observed, confidence);
        if !(step > 0.0 && m > 0.0) {
            return None;
        }
        let root = (value - lower) / m / step;
        let var = observed * root * root;
        Some(equalis_stats::dsr_from_summary(
            published_total?,
            value / m,
            var,
            levels,
            m,
        ))
    }

    fn row(&self, r: &ResultRow) -> PublishedRow {
        let f = self.figure(&Figure {
            statistic: r.statistic,
            multiplier: r.multiplier,
            numerator: r.numerator,
            denominator: r.denominator,
            comparator_numerator: r.comparator_numerator,
            comparator_denominator: r.comparator_denominator,
            value: r.value,
            limits: [r.lowercl, r.uppercl, r.lower998cl, r.upper998cl],
        });
        let note = if f.withheld {
            Some(WITHHELD_SMALL.to_owned())
        } else {
            r.note.clone()
        };
        let [lowercl, uppercl, lower998cl, upper998cl] = f.limits;
        let [comparator_numerator, comparator_denominator] = f.comparator;
        PublishedRow {
            indicator_id: r.indicator_id.clone(),
            period: r.period.clone(),
            breakdown: r.breakdown.clone(),
            group: r.group.clone(),
            statistic: r.statistic,
            multiplier: r.multiplier,
            lowercl,
            uppercl,
            lower998cl,
            upper998cl,
            comparison: if f.withheld { None } else { r.comparison },
            numerator: f.numerator,
            denominator: f.denominator,
            comparator_numerator,
            comparator_denominator,
            value: f.value,
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
        let f = self.figure(&Figure {
            statistic: r.statistic,
            multiplier: r.multiplier,
            numerator: r.numerator,
            denominator: r.denominator,
            comparator_numerator: r.comparator_numerator,
            comparator_denominator: r.comparator_denominator,
            value: Some(r.value),
            limits: [None; 4],
        });
        let withheld = f.withheld || matches!(f.value.get(), Cell::Suppressed(_));
        PublishedSpc {
            indicator_id: r.indicator_id.clone(),
            breakdown: r.breakdown.clone(),
            group: r.group.clone(),
            period: r.period.clone(),
            value: f.value,
            // Process limits summarise the whole series (a mean and a mean moving range), so
            // they reveal no single point.
            centre: self.exempt(r.centre, Exemption::ConfidenceLimit),
            lower_limit: self.exempt(r.lower_limit, Exemption::ConfidenceLimit),
            upper_limit: self.exempt(r.upper_limit, Exemption::ConfidenceLimit),
            point: (!withheld).then(|| r.point.clone()),
            variation: r.variation.clone(),
            assurance: r.assurance.clone(),
            note: r.note.clone(),
        }
    }
}

/// The numbers of one figure (a results row or an SPC point), as stored.
struct Figure {
    statistic: Statistic,
    multiplier: f64,
    numerator: Option<f64>,
    denominator: Option<f64>,
    comparator_numerator: Option<f64>,
    comparator_denominator: Option<f64>,
    value: Option<f64>,
    /// 95% lower and upper, then 99.8% lower and upper.
    limits: [Option<f64>; 4],
}

/// A figure as it may leave equalis.
struct PublishedFigure {
    numerator: Publishable<Cell>,
    denominator: Publishable<Cell>,
    comparator: [Publishable<Cell>; 2],
    value: Publishable<Cell>,
    limits: [Publishable<Cell>; 4],
    withheld: bool,
}

/// A value and its 95% and 99.8% limits (lower, upper, lower, upper).
type Parts = (Option<f64>, [Option<f64>; 4]);

fn parts(est: Estimate) -> Parts {
    let mut bounds = [None; 4];
    for (k, interval) in est.intervals().iter().take(2).enumerate() {
        bounds[2 * k] = interval.lower.ok();
        bounds[2 * k + 1] = interval.upper.ok();
    }
    (est.value.ok(), bounds)
}

/// `(estimate − counted) ÷ estimate × multiplier` with Wilson limits while the shortfall is a
/// share of the estimate (0 ≤ shortfall ≤ estimate); a negative shortfall (more counted than
/// estimated) has no limits, and an estimate of 0 no value.
fn shortfall(
    estimate: f64,
    counted: f64,
    multiplier: f64,
) -> Result<Parts, equalis_stats::StatsError> {
    let missing = estimate - counted;
    if estimate <= 0.0 {
        return Ok((None, [None; 4]));
    }
    if missing >= 0.0 {
        let levels = Levels::pair_95_998();
        return equalis_stats::proportion(missing, estimate, &levels, multiplier).map(parts);
    }
    Ok((Some(missing / estimate * multiplier), [None; 4]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Wilson score limits written out here, independently of the statistics crate.
    fn wilson(x: f64, n: f64, z: f64) -> (f64, f64) {
        let centre = 2.0 * x + z * z;
        let root = z * (z * z + 4.0 * x * (1.0 - x / n)).sqrt();
        let den = 2.0 * (n + z * z);
        ((centre - root) / den, (centre + root) / den)
    }

    /// A proportion row as the engine makes it: value and limits from the exact counts.
    fn proportion(num: f64, den: f64) -> ResultRow {
        proportion_in("sex", "Female", num, den)
    }

    fn proportion_in(breakdown: &str, group: &str, num: f64, den: f64) -> ResultRow {
        let mut r = ResultRow::new("x", "p", breakdown, group, Statistic::Proportion, 100.0);
        r.numerator = Some(num);
        r.denominator = Some(den);
        exact(&mut r);
        if breakdown != ALL {
            r.comparison = Some(Comparison::Higher);
        }
        r
    }

    /// Fills value and limits from the row's exact counts, as the engine does.
    fn exact(r: &mut ResultRow) {
        let levels = Levels::pair_95_998();
        let (n, d) = (r.numerator.unwrap_or(0.0), r.denominator.unwrap_or(0.0));
        let est = match r.statistic {
            Statistic::Proportion => equalis_stats::proportion(n, d, &levels, r.multiplier),
            Statistic::CrudeRate => equalis_stats::rate(n, d, &levels, r.multiplier),
            Statistic::Ratio => equalis_stats::observed_to_expected(n, d, &levels, r.multiplier),
            Statistic::Gap => equalis_stats::proportion_gap(
                n,
                d,
                r.comparator_numerator.unwrap_or(0.0),
                r.comparator_denominator.unwrap_or(0.0),
                &levels,
                r.multiplier,
            )
            .map(|g| g.absolute),
            other => panic!("not a counted statistic: {other:?}"),
        }
        .unwrap();
        let (value, [lo, hi, lo9, hi9]) = parts(est);
        r.value = value;
        (r.lowercl, r.uppercl, r.lower998cl, r.upper998cl) = (lo, hi, lo9, hi9);
    }

    fn shown(c: &Publishable<Cell>) -> String {
        c.to_string()
    }

    fn number(c: &Publishable<Cell>) -> f64 {
        match c.get() {
            Cell::Value(v) | Cell::Percentage(v) => *v,
            Cell::Count(n) => *n as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
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
        assert_eq!(shown(&r.lower998cl), "*");
        assert_eq!(r.comparison, None);
    }

    #[test]
    fn proportions_and_their_limits_are_recomputed_from_rounded_counts() {
        let (rows, _, _) = publish(&View::Published, &[proportion(12.0, 38.0)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "10");
        assert_eq!(shown(&r.denominator), "40");
        assert_eq!(shown(&r.value), "25");
        let (lo, hi) = wilson(10.0, 40.0, 1.959963984540054);
        close(number(&r.lowercl), lo * 100.0);
        close(number(&r.uppercl), hi * 100.0);
        let (lo9, hi9) = wilson(10.0, 40.0, 3.090232306167813);
        close(number(&r.lower998cl), lo9 * 100.0);
        close(number(&r.upper998cl), hi9 * 100.0);
    }

    /// The trial's case: "Not known" 1 of 2 withheld, but the ICS and the other groups' exact
    /// limits gave their exact counts, and the difference gave 1/2 back.
    #[test]
    fn a_withheld_group_cannot_be_solved_back_from_its_siblings_limits() {
        let rows = [
            proportion_in(ALL, "All", 101.0, 202.0),
            proportion_in("sex", "Female", 50.0, 100.0),
            proportion_in("sex", "Male", 50.0, 100.0),
            proportion_in("sex", "Not known", 1.0, 2.0),
        ];
        // Other exact counts that publish the same, with a different hidden cell (3 of 4),
        // publish exactly the same rows.
        let other = [
            proportion_in(ALL, "All", 101.0, 202.0),
            proportion_in("sex", "Female", 48.0, 98.0),
            proportion_in("sex", "Male", 50.0, 100.0),
            proportion_in("sex", "Not known", 3.0, 4.0),
        ];
        let (a, _, _) = publish(&View::Published, &rows, &[], &[]);
        let (b, _, _) = publish(&View::Published, &other, &[], &[]);
        assert_eq!(a, b);
        assert_eq!(shown(&a[0].numerator), "100");
        assert_eq!(shown(&a[3].value), "*");
    }

    fn counts_row(breakdown: &str, group: &str, n: f64) -> ResultRow {
        let mut r = ResultRow::new("c", "p", breakdown, group, Statistic::Count, 1.0);
        r.numerator = Some(n);
        r.value = Some(n);
        r
    }

    /// The demo's case: 7 people aged 45–49 diagnosed, one in each of 7 PCNs and none in the
    /// other 3. Published as `*` beside exact zeros, the 7 stars of a total of at most 7 would
    /// each be 1. The zeros are withheld too, and every part says it is 0 to 7.
    #[test]
    fn the_parts_of_a_small_total_are_withheld_zeros_included() {
        let mut rows = vec![
            counts_row(ALL, "All", 500.0),
            counts_row("age", "45-49", 7.0),
            counts_row("age", "50-54", 493.0),
        ];
        for pcn in 0..10 {
            let n = if pcn < 7 { 1.0 } else { 0.0 };
            rows.push(counts_row("age x pcn", &format!("45-49 x P{pcn}"), n));
        }
        let (p, _, _) = publish(&View::Published, &rows, &[], &[]);
        assert_eq!(shown(&p[1].numerator), "*");
        assert_eq!(p[1].note.as_deref(), Some(WITHHELD_SMALL));
        for r in &p[3..] {
            assert_eq!(shown(&r.numerator), "*", "{}", r.group);
            assert_eq!(shown(&r.value), "*");
            assert_eq!(r.note.as_deref(), Some(WITHHELD_PART), "{}", r.group);
        }
    }

    /// Twelve groups of 1 under a total of 12, published as 10 (8 to 12): each star is at
    /// least 1, so together they pin each other to 1. The whole breakdown is withheld.
    #[test]
    fn a_breakdown_whose_stars_add_up_to_its_total_is_withheld_whole() {
        let mut rows = vec![counts_row(ALL, "All", 12.0)];
        for g in 0..12 {
            rows.push(counts_row("pcn", &format!("P{g:02}"), 1.0));
        }
        rows.push(counts_row("pcn", "P99", 0.0));
        let (p, _, _) = publish(&View::Published, &rows, &[], &[]);
        assert_eq!(shown(&p[0].numerator), "10");
        for r in &p[1..] {
            assert_eq!(shown(&r.numerator), "*", "{}", r.group);
            assert_eq!(r.note.as_deref(), Some(WITHHELD_SOLVABLE));
        }
        // With one group fewer the stars leave room (11 of at most 12): nothing more withheld.
        rows.remove(1);
        rows[0] = counts_row(ALL, "All", 11.0);
        let (p, _, _) = publish(&View::Published, &rows, &[], &[]);
        assert_eq!(shown(&p.last().unwrap().numerator), "0");
        assert_eq!(p[1].note.as_deref(), Some(WITHHELD_SMALL));
    }

    #[test]
    fn comparisons_are_made_again_from_the_published_limits() {
        // Exactly, 60/100 against the ICS 500/1000 is higher (its limits exclude 50%); the
        // engine's comparison says so. Published, the rows are what they are: the comparison
        // must agree with the published limits, whatever the engine stored.
        let mut group = proportion_in("sex", "Female", 60.0, 100.0);
        group.comparison = Some(Comparison::Lower);
        let rows = [proportion_in(ALL, "All", 500.0, 1000.0), group];
        let (p, _, _) = publish(&View::Published, &rows, &[], &[]);
        assert!(number(&p[1].lowercl) > 50.0);
        assert_eq!(p[1].comparison, Some(Comparison::Higher));
        let (a, _, _) = publish(&View::Analyst, &rows, &[], &[]);
        assert_eq!(a[1].comparison, Some(Comparison::Lower));
    }

    #[test]
    fn analyst_view_shows_the_numbers_as_computed() {
        let (rows, _, _) = publish(&View::Analyst, &[proportion(3.0, 120.0)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "3");
        assert_eq!(shown(&r.value), "2.5");
        assert_eq!(r.comparison, Some(Comparison::Higher));
    }

    fn ratio(observed: f64, expected: f64) -> ResultRow {
        let mut r = ResultRow::new("x", "p", "tf", "110", Statistic::Ratio, 1.0);
        r.numerator = Some(observed);
        r.denominator = Some(expected);
        exact(&mut r);
        r
    }

    #[test]
    fn expected_counts_pass_the_count_rule_and_ratios_follow_the_published_counts() {
        // The trial's case: a treatment function that is one whole stratum has its expected
        // count equal to its observed count; a small observed count must not be published
        // as the expected count.
        let (rows, _, _) = publish(&View::Published, &[ratio(5.0, 5.0)], &[], &[]);
        assert_eq!(shown(&rows[0].numerator), "*");
        assert_eq!(shown(&rows[0].denominator), "*");
        assert_eq!(shown(&rows[0].value), "*");
        let (rows, _, _) = publish(&View::Published, &[ratio(40.0, 7.4)], &[], &[]);
        assert_eq!(shown(&rows[0].denominator), "*");
        assert_eq!(shown(&rows[0].lowercl), "*");
        let (rows, _, _) = publish(&View::Published, &[ratio(23.0, 31.7)], &[], &[]);
        let r = &rows[0];
        assert_eq!(shown(&r.numerator), "25");
        assert_eq!(shown(&r.denominator), "30");
        close(number(&r.value), 25.0 / 30.0);
        // Byar's limits on the published 25, divided by the published 30.
        let z = 1.959963984540054_f64;
        let lower = 25.0 * (1.0 - 1.0 / (9.0 * 25.0) - z / (3.0 * 5.0)).powi(3);
        close(number(&r.lowercl), lower / 30.0);
    }

    #[test]
    fn dsr_limits_rest_on_the_published_total() {
        let levels = Levels::pair_95_998();
        let counts = [3.0, 9.0, 12.0];
        let pops = [1000.0, 1500.0, 900.0];
        let standard = [5000.0, 6000.0, 7000.0];
        let est = equalis_stats::dsr(&counts, &pops, &standard, &levels, 100_000.0).unwrap();
        let mut r = ResultRow::new("x", "p", "sex", "Female", Statistic::Dsr, 100_000.0);
        r.numerator = Some(24.0);
        r.denominator = Some(3400.0);
        let (value, [lo, hi, lo9, hi9]) = parts(est);
        r.value = value;
        (r.lowercl, r.uppercl, r.lower998cl, r.upper998cl) = (lo, hi, lo9, hi9);
        let (rows, _, _) = publish(&View::Published, &[r.clone()], &[], &[]);
        let p = &rows[0];
        assert_eq!(shown(&p.numerator), "25");
        close(number(&p.value), value.unwrap());
        // Dobson around 25 events with the same variance, written out here.
        let sw: f64 = standard.iter().sum();
        let var: f64 = counts
            .iter()
            .zip(&pops)
            .zip(&standard)
            .map(|((x, n), w)| x * w * w / (n * n))
            .sum::<f64>()
            / (sw * sw);
        let z = 1.959963984540054_f64;
        let byar_lower = 25.0 * (1.0 - 1.0 / 225.0 - z / 15.0).powi(3);
        let expected =
            (value.unwrap() / 100_000.0 + (var / 25.0).sqrt() * (byar_lower - 25.0)) * 100_000.0;
        close(number(&p.lowercl), expected);
        assert!(number(&p.lowercl) != lo.unwrap());
        // Analyst view: as computed.
        let (rows, _, _) = publish(&View::Analyst, &[r], &[], &[]);
        close(number(&rows[0].lowercl), lo.unwrap());
    }

    fn gap(a: (f64, f64), b: (f64, f64)) -> ResultRow {
        let mut r = ResultRow::new("g", "p", "provider", "R1", Statistic::Gap, 100.0);
        (r.numerator, r.denominator) = (Some(a.0), Some(a.1));
        (r.comparator_numerator, r.comparator_denominator) = (Some(b.0), Some(b.1));
        exact(&mut r);
        r
    }

    #[test]
    fn a_gap_between_proportions_follows_the_four_published_counts() {
        // A group of 12 with 3 over 18 weeks: the gap alone gave the 3 back.
        let (rows, _, _) = publish(
            &View::Published,
            &[gap((3.0, 12.0), (40.0, 200.0))],
            &[],
            &[],
        );
        assert_eq!(shown(&rows[0].value), "*");
        assert_eq!(shown(&rows[0].comparator_denominator), "200");
        let (rows, _, _) = publish(
            &View::Published,
            &[gap((33.0, 112.0), (41.0, 203.0))],
            &[],
            &[],
        );
        let g =
            equalis_stats::proportion_gap(35.0, 110.0, 40.0, 205.0, &Levels::pair_95_998(), 100.0)
                .unwrap()
                .absolute;
        close(number(&rows[0].value), g.value.unwrap());
        close(number(&rows[0].lowercl), g.interval().lower.unwrap());
    }

    #[test]
    fn a_ratio_of_medians_is_a_simple_statistic() {
        let mut r = ResultRow::new(
            "wl_mutual_aid",
            "p",
            "treatment_function",
            "110",
            Statistic::Gap,
            1.0,
        );
        r.denominator = Some(40.0);
        r.value = Some(1.94);
        let (rows, _, _) = publish(&View::Published, &[r.clone()], &[], &[]);
        assert_eq!(shown(&rows[0].value), "1.94");
        r.denominator = Some(6.0);
        let (rows, _, _) = publish(&View::Published, &[r], &[], &[]);
        assert_eq!(shown(&rows[0].value), "*");
    }

    #[test]
    fn a_shortfall_is_computed_from_the_rounded_estimate_and_count() {
        let mut r = ResultRow::new("gp", "p", "lsoa", "E01", Statistic::Shortfall, 100.0);
        r.numerator = Some(1502.0);
        r.denominator = Some(1401.0);
        r.value = Some(101.0 / 1502.0 * 100.0);
        let (rows, _, _) = publish(&View::Published, &[r.clone()], &[], &[]);
        let p = &rows[0];
        assert_eq!(shown(&p.numerator), "1500");
        assert_eq!(shown(&p.denominator), "1400");
        close(number(&p.value), 100.0 / 1500.0 * 100.0);
        let (lo, _) = wilson(100.0, 1500.0, 1.959963984540054);
        close(number(&p.lowercl), lo * 100.0);
        // More registered than estimated: a negative value, no limits.
        r.denominator = Some(1561.0);
        r.value = Some(-59.0 / 1502.0 * 100.0);
        let (rows, _, _) = publish(&View::Published, &[r], &[], &[]);
        close(number(&rows[0].value), -60.0 / 1500.0 * 100.0);
        assert_eq!(shown(&rows[0].lowercl), "");
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
        assert_eq!(shown(&rows[1].denominator), "600");
    }

    fn spc_point(statistic: Statistic, num: f64, den: f64, value: f64) -> SpcRow {
        SpcRow {
            indicator_id: "x".into(),
            breakdown: "all".into(),
            group: "All".into(),
            period: "2025-04".into(),
            statistic,
            multiplier: 100.0,
            value,
            numerator: Some(num),
            denominator: Some(den),
            comparator_numerator: None,
            comparator_denominator: None,
            centre: Some(30.0),
            lower_limit: Some(20.0),
            upper_limit: Some(40.0),
            point: "common_cause".into(),
            variation: "common_cause".into(),
            assurance: None,
            note: None,
        }
    }

    #[test]
    fn spc_points_are_published_like_their_figures() {
        // 1/3 exactly would give 1 of 3 back by its digits; 31/98 at full precision its counts.
        let (_, _, spc) = publish(
            &View::Published,
            &[],
            &[],
            &[
                spc_point(Statistic::Proportion, 31.0, 98.0, 3100.0 / 98.0),
                spc_point(Statistic::Proportion, 1.0, 3.0, 100.0 / 3.0),
                spc_point(Statistic::Count, 12.0, 0.0, 12.0),
            ],
        );
        assert_eq!(shown(&spc[0].value), "30");
        assert_eq!(shown(&spc[1].value), "*");
        assert_eq!(spc[1].point, None);
        assert_eq!(shown(&spc[2].value), "10");
        assert_eq!(shown(&spc[0].centre), "30");
    }

    #[test]
    fn a_shortfall_withholds_all_three_linked_counts_when_one_is_small() {
        // 1502 estimated, 1499 registered: 3 missing, which any two of the three would give.
        let s = publish_shortfall(&View::Published, Some(1502.0), Some(1499.0));
        assert!(s.withheld);
        for c in [&s.estimate, &s.counted, &s.missing, &s.value, &s.lowercl] {
            assert_eq!(shown(c), "*");
        }
        // More registered than estimated: the difference keeps its sign.
        let s = publish_shortfall(&View::Published, Some(1500.0), Some(1562.0));
        assert_eq!(
            [&s.estimate, &s.counted, &s.missing].map(shown),
            ["1500", "1560", "-60"]
        );
        close(number(&s.value), -60.0 / 1500.0 * 100.0);
        assert_eq!(shown(&s.lowercl), "");
        // The rate and limits come from the published estimate and count, not the exact ones.
        let s = publish_shortfall(&View::Published, Some(1502.0), Some(1401.0));
        close(number(&s.value), 100.0 / 1500.0 * 100.0);
        let (lo, _) = wilson(100.0, 1500.0, 1.959963984540054);
        close(number(&s.lowercl), lo * 100.0);
        let s = publish_shortfall(&View::Analyst, Some(3.0), Some(1.0));
        assert_eq!(
            [&s.estimate, &s.counted, &s.missing].map(shown),
            ["3", "1", "2"]
        );
    }

    /// A count and another count that publishes the same (the same rounding bucket): 0 stays
    /// 0, 1–7 stay within 1–7, and others stay within ±2 of the same multiple of 5.
    fn twin(count: u32, shift: i32) -> u32 {
        match count {
            0 => 0,
            1..=7 => (count as i32 + shift).clamp(1, 7) as u32,
            _ => {
                let base = if count <= 10 { 10 } else { (count + 2) / 5 * 5 };
                let (lo, hi) = if base == 10 {
                    (8, 12)
                } else {
                    (base - 2, base + 2)
                };
                (count as i32 + shift).clamp(lo as i32, hi as i32) as u32
            }
        }
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

        /// No published row lets a count be solved back beyond its published value: two sets
        /// of exact counts that publish the same counts publish identical rows, every number
        /// included (values, limits at both levels, comparisons) — for proportions, crude
        /// rates, observed ÷ expected ratios, gaps between proportions and their SPC points.
        /// So a count of 1 to 7 cannot be recovered from any number beside it, nor by
        /// difference from its siblings' exact figures.
        #[test]
        fn published_rows_depend_on_exact_counts_only_through_published_counts(
            counts in proptest::collection::vec((0u32..40, 0u32..400), 4),
            shifts in proptest::collection::vec(-2i32..=2, 8),
        ) {
            let make = |c: &[(u32, u32)]| -> Vec<ResultRow> {
                let mut rows = Vec::new();
                let (mut all_n, mut all_d) = (0.0, 0.0);
                for (k, &(n, extra)) in c.iter().enumerate() {
                    let (n, d) = (f64::from(n), f64::from(n + extra));
                    all_n += n;
                    all_d += d;
                    rows.push(proportion_in("g", &format!("G{k}"), n, d));
                    let mut rate = ResultRow::new("r", "p", "g", &format!("G{k}"), Statistic::CrudeRate, 1000.0);
                    (rate.numerator, rate.denominator) = (Some(n), Some(d));
                    if d > 0.0 { exact(&mut rate); }
                    rows.push(rate);
                    let mut ratio = ResultRow::new("o", "p", "g", &format!("G{k}"), Statistic::Ratio, 1.0);
                    (ratio.numerator, ratio.denominator) = (Some(n), Some(d));
                    exact(&mut ratio);
                    rows.push(ratio);
                }
                rows.push(proportion_in(ALL, "All", all_n, all_d));
                let (a, b) = (c[0], c[1]);
                rows.push(gap(
                    (f64::from(a.0), f64::from(a.0 + a.1)),
                    (f64::from(b.0), f64::from(b.0 + b.1)),
                ));
                rows
            };
            let twins: Vec<(u32, u32)> = counts
                .iter()
                .enumerate()
                .map(|(k, &(n, extra))| {
                    let n2 = twin(n, shifts[2 * k]);
                    let d2 = twin(n + extra, shifts[2 * k + 1]).max(n2);
                    (n2, d2 - n2)
                })
                .collect();
            // Keep only twins whose denominators publish the same (a twin numerator can push
            // a denominator into the next bucket when it is clamped up).
            let same = counts.iter().zip(&twins).all(|(&(n, e), &(n2, e2))| {
                let p = Nhsd2018::default();
                p.count(u64::from(n + e), Level::SubNational) == p.count(u64::from(n2 + e2), Level::SubNational)
                    && p.count(u64::from(n), Level::SubNational) == p.count(u64::from(n2), Level::SubNational)
            });
            prop_assume!(same);
            let (a, _, _) = publish(&View::Published, &make(&counts), &[], &[]);
            let (b, _, _) = publish(&View::Published, &make(&twins), &[], &[]);
            // The ICS total sums the groups, so its twin may round differently; the claim is
            // about exact counts that publish the same everywhere.
            let ics = |rows: &[PublishedRow]| {
                rows.iter()
                    .find(|r| r.breakdown == ALL)
                    .map(|r| (r.numerator.clone(), r.denominator.clone()))
            };
            prop_assume!(ics(&a) == ics(&b));
            for (x, y) in a.iter().zip(&b) {
                prop_assert_eq!(x, y);
            }
        }
    }
}

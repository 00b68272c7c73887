//! Who is heard: a project's participants by each monitoring characteristic against the
//! footprint's population, with the representation ratio and its 95% limits.
//!
//! **Method.** For a characteristic, `n` is the participants who stated a group that the
//! population figures have, `x` those in one group, and `p` that group's share of the
//! footprint's residents (Census 2021 / ONS mid-2020, treated as known: it is a count of
//! hundreds of thousands). The representation ratio is `(x / n) / p`: 1 when the group is
//! heard in proportion to its size, 0.5 when at half. Its 95% limits are the Wilson score
//! limits of `x / n` (as `equalis_stats::proportion`, PHEindicatormethods `phe_proportion`)
//! divided by `p`. A group is **under-heard** when the upper limit is below 1 (fewer
//! participants than its share would give, beyond chance), over-heard when the lower limit is
//! above 1.
//!
//! **Disclosure.** Every count passes `equalis-disclosure`'s NHS Digital 2018 rule (1–7
//! withheld, others rounded to 5), and the ratio and its limits are computed from the
//! *published* counts (as `equalis-results` does), so they cannot give an exact count back;
//! a group withheld has its ratio withheld. A characteristic in which a withheld count could
//! be worked out to one value from its total and the other groups is withheld whole, as the
//! results' secondary rule does. Under-heard is judged on the published limits.

use equalis_disclosure::{Cell, Exemption, Level, Nhsd2018, Publishable};
use equalis_stats::{Confidence, Levels, proportion};

/// The footprint's residents by a characteristic's groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// `(group, residents)`; group names as the participants' (`White`, `25-34`, `1`, `Leicester`).
    pub groups: Vec<(String, f64)>,
    /// Where the figures come from, for the page.
    pub source: String,
}

/// One characteristic's participants, from [`crate::monitoring::tally`], and its population.
#[derive(Debug, Clone, PartialEq)]
pub struct CharacteristicCounts {
    /// The key, e.g. `ethnic_group`.
    pub key: String,
    /// The heading.
    pub label: String,
    /// `(group, participants)`.
    pub groups: Vec<(String, u64)>,
    /// Participants who did not say (or preferred not to).
    pub not_stated: u64,
    /// The footprint's residents by the same groups, when equalis ships them.
    pub population: Option<Population>,
}

/// One group as published.
#[derive(Debug, Clone, PartialEq)]
pub struct HeardGroup {
    /// The group.
    pub group: String,
    /// Participants in it (published).
    pub participants: Publishable<Cell>,
    /// Their percentage of those who stated a group with population figures.
    pub share: Publishable<Cell>,
    /// The group's percentage of the footprint's residents (a published ONS figure), if known.
    pub population_share: Option<f64>,
    /// The representation ratio.
    pub ratio: Publishable<Cell>,
    /// Its lower 95% limit.
    pub lower: Publishable<Cell>,
    /// Its upper 95% limit.
    pub upper: Publishable<Cell>,
    /// The upper limit is below 1.
    pub under_heard: bool,
    /// The lower limit is above 1.
    pub over_heard: bool,
}

/// One characteristic as published.
#[derive(Debug, Clone, PartialEq)]
pub struct HeardCharacteristic {
    /// The key.
    pub key: String,
    /// The heading.
    pub label: String,
    /// The population's source, when compared.
    pub source: Option<String>,
    /// Participants who stated a group (published).
    pub stated: Publishable<Cell>,
    /// Participants who did not (published).
    pub not_stated: Publishable<Cell>,
    /// The groups: those of the population first, in its order, then any others.
    pub groups: Vec<HeardGroup>,
    /// Every group was withheld because one could be worked out from the others.
    pub withheld_whole: bool,
}

/// A group found under-heard.
#[derive(Debug, Clone, PartialEq)]
pub struct UnderHeard {
    /// The characteristic's heading.
    pub characteristic: String,
    /// The group.
    pub group: String,
    /// The published ratio and upper limit, for the sentence on the page.
    pub ratio: Publishable<Cell>,
    /// The upper limit.
    pub upper: Publishable<Cell>,
}

/// The published answer to "who is heard?" for one project.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoIsHeard {
    /// Participants (published).
    pub participants: Publishable<Cell>,
    /// Each characteristic.
    pub characteristics: Vec<HeardCharacteristic>,
    /// The groups under-heard, in the order of the characteristics.
    pub under_heard: Vec<UnderHeard>,
}

/// The count as published, and the range of exact counts it stands for.
pub(crate) fn bounds(policy: &Nhsd2018, cell: &Cell) -> (u64, u64) {
    let t = policy.thresholds();
    match cell {
        Cell::Count(0) => (0, 0),
        Cell::Count(c) => {
            // Values that round to c (halves up): c − (b − ⌈b/2⌉) ..= c + ⌈b/2⌉ − 1, and
            // never at or below the threshold (those are withheld).
            let up = t.rounding_base.div_ceil(2);
            (
                (c.saturating_sub(t.rounding_base - up)).max(t.threshold + 1),
                c + up - 1,
            )
        }
        Cell::Suppressed(_) => (1, t.threshold),
        _ => (0, u64::MAX),
    }
}

/// Whether a withheld part could be worked out to one value (≥ 1) from the total's and the
/// other parts' ranges: the rule of `equalis-results`' secondary suppression.
pub(crate) fn pinned(total: (u64, u64), parts: &[(u64, u64)], withheld: &[bool]) -> bool {
    let (lo, hi) = parts
        .iter()
        .fold((0u64, 0u64), |(a, b), (l, h)| (a + l, b.saturating_add(*h)));
    parts.iter().enumerate().any(|(k, &(l, h))| {
        if !withheld[k] {
            return false;
        }
        let from = total.0.saturating_sub(hi.saturating_sub(h)).max(l);
        let to = total.1.saturating_sub(lo - l).min(h);
        from == to && from >= 1
    })
}

fn is_suppressed(c: &Publishable<Cell>) -> bool {
    matches!(c.get(), Cell::Suppressed(_))
}

fn published_count(c: &Publishable<Cell>) -> Option<u64> {
    match c.get() {
        Cell::Count(n) => Some(*n),
        _ => None,
    }
}

/// Publishes who is heard among `participants` people, one characteristic at a time, under
/// `policy` (sub-national: an ICS footprint).
pub fn who_is_heard(
    policy: &Nhsd2018,
    participants: u64,
    chars: &[CharacteristicCounts],
) -> WhoIsHeard {
    let level = Level::SubNational;
    let withheld = || policy.derived_count(1, &[1], level);
    let total = policy.count(participants, level);
    let mut characteristics = Vec::with_capacity(chars.len());
    let mut under_heard = Vec::new();
    for c in chars {
        // Groups with population figures first, in the population's order; then the rest.
        let pop_total: f64 = c
            .population
            .as_ref()
            .map_or(0.0, |p| p.groups.iter().map(|(_, n)| n).sum());
        let mut rows: Vec<(String, u64, Option<f64>)> = Vec::new();
        if let Some(p) = &c.population {
            for (g, n) in &p.groups {
                let x = c.groups.iter().find(|(h, _)| h == g).map_or(0, |(_, x)| *x);
                let share = (pop_total > 0.0).then(|| n / pop_total);
                rows.push((g.clone(), x, share));
            }
        }
        for (g, x) in &c.groups {
            if !rows.iter().any(|(h, _, _)| h == g) {
                rows.push((g.clone(), *x, None));
            }
        }
        let compared: u64 = rows.iter().filter(|r| r.2.is_some()).map(|r| r.1).sum();
        let stated_n: u64 = c.groups.iter().map(|(_, x)| x).sum();
        // PLUS groups overlap (one person may be in several): their counts are no partition.
        let partition = c.key != "plus_groups";
        let stated = if partition {
            policy.count(stated_n, level)
        } else {
            policy.count(participants - c.not_stated, level)
        };
        let not_stated = policy.count(c.not_stated, level);
        let n_pub = policy.count(compared, level);
        let counts: Vec<Publishable<Cell>> =
            rows.iter().map(|r| policy.count(r.1, level)).collect();

        let mut withheld_whole = false;
        if partition {
            let b: Vec<(u64, u64)> = counts.iter().map(|x| bounds(policy, x.get())).collect();
            let w: Vec<bool> = counts.iter().map(is_suppressed).collect();
            let ns = [
                bounds(policy, stated.get()),
                bounds(policy, not_stated.get()),
            ];
            let ns_w = [is_suppressed(&stated), is_suppressed(&not_stated)];
            withheld_whole = pinned(bounds(policy, stated.get()), &b, &w)
                || pinned(bounds(policy, total.get()), &ns, &ns_w);
        }

        let mut groups = Vec::with_capacity(rows.len());
        for ((group, _, share), count) in rows.into_iter().zip(counts) {
            let count = if withheld_whole { withheld() } else { count };
            let mut g = HeardGroup {
                group,
                share: Publishable::not_applicable(),
                population_share: share.map(|s| s * 100.0),
                ratio: Publishable::not_applicable(),
                lower: Publishable::not_applicable(),
                upper: Publishable::not_applicable(),
                under_heard: false,
                over_heard: false,
                participants: count,
            };
            if let Some(p) = share.filter(|p| *p > 0.0) {
                let (x, n) = (published_count(&g.participants), published_count(&n_pub));
                match (x, n) {
                    (Some(x), Some(n)) if n > 0 => {
                        g.share = policy.exact_percentage(x, n, Exemption::ConfidenceLimit);
                        let levels = Levels::one(Confidence::new(0.95).expect("0.95 is a level"));
                        let est = proportion(x as f64, n as f64, &levels, 1.0);
                        if let Ok(e) = est
                            && let (Ok(v), Ok(lo), Ok(hi)) =
                                (e.value, e.interval().lower, e.interval().upper)
                        {
                            // From the published counts only: exempt as a statistic of them.
                            let pubv = |v: f64| {
                                policy
                                    .exempt(v / p, Exemption::ConfidenceLimit)
                                    .unwrap_or_else(|_| Publishable::not_applicable())
                            };
                            g.ratio = pubv(v);
                            g.lower = pubv(lo);
                            g.upper = pubv(hi);
                            g.under_heard = hi / p < 1.0;
                            g.over_heard = lo / p > 1.0;
                        }
                    }
                    _ if is_suppressed(&g.participants) || is_suppressed(&n_pub) => {
                        g.share = withheld();
                        g.ratio = withheld();
                        g.lower = withheld();
                        g.upper = withheld();
                    }
                    _ => {}
                }
            } else if is_suppressed(&g.participants) {
                g.share = withheld();
            }
            if g.under_heard {
                under_heard.push(UnderHeard {
                    characteristic: c.label.clone(),
                    group: g.group.clone(),
                    ratio: g.ratio.clone(),
                    upper: g.upper.clone(),
                });
            }
            groups.push(g);
        }
        characteristics.push(HeardCharacteristic {
            key: c.key.clone(),
            label: c.label.clone(),
            source: c.population.as_ref().map(|p| p.source.clone()),
            stated,
            not_stated,
            groups,
            withheld_whole,
        });
    }
    WhoIsHeard {
        participants: total,
        characteristics,
        under_heard,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Wilson's score interval, written out independently of `equalis-stats`
    /// (Newcombe 1998, method 3), with z = Φ⁻¹(0.975).
    fn wilson_by_hand(x: f64, n: f64) -> (f64, f64) {
        let z = 1.959_963_984_540_054_f64;
        let p = x / n;
        let centre = p + z * z / (2.0 * n);
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        let d = 1.0 + z * z / n;
        ((centre - half) / d, (centre + half) / d)
    }

    fn counts(
        groups: &[(&str, u64)],
        not_stated: u64,
        pop: Option<&[(&str, f64)]>,
    ) -> CharacteristicCounts {
        CharacteristicCounts {
            key: "ethnic_group".into(),
            label: "Ethnic group".into(),
            groups: groups.iter().map(|(g, n)| ((*g).into(), *n)).collect(),
            not_stated,
            population: pop.map(|p| Population {
                groups: p.iter().map(|(g, n)| ((*g).into(), *n)).collect(),
                source: "test".into(),
            }),
        }
    }

    fn val(c: &Publishable<Cell>) -> f64 {
        match c.get() {
            Cell::Value(v) | Cell::Percentage(v) => *v,
            other => panic!("not a value: {other:?}"),
        }
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn ratio_and_limits_match_a_hand_computation() {
        // 200 participants: 150 White, 20 Asian, 30 Black; residents 60%, 25%, 15%.
        let c = counts(
            &[
                ("White", 150),
                ("Asian or Asian British", 20),
                ("Black or Black British", 30),
            ],
            10,
            Some(&[
                ("White", 600_000.0),
                ("Asian or Asian British", 250_000.0),
                ("Black or Black British", 150_000.0),
            ]),
        );
        let h = who_is_heard(&Nhsd2018::default(), 210, &[c]);
        let ch = &h.characteristics[0];
        assert!(!ch.withheld_whole);
        assert_eq!(ch.stated.get(), &Cell::Count(200));
        assert_eq!(ch.not_stated.get(), &Cell::Count(10));
        for (g, x, p) in [(0, 150.0, 0.6), (1, 20.0, 0.25), (2, 30.0, 0.15)] {
            let row = &ch.groups[g];
            let (lo, hi) = wilson_by_hand(x, 200.0);
            assert!(rel(val(&row.ratio), x / 200.0 / p) < 1e-9);
            assert!(rel(val(&row.lower), lo / p) < 1e-6, "{}", row.group);
            assert!(rel(val(&row.upper), hi / p) < 1e-6, "{}", row.group);
            assert!(rel(val(&row.share), x / 2.0) < 1e-9);
        }
        // Asian: 10% of participants against 25% of residents: under-heard.
        assert!(ch.groups[1].under_heard);
        assert!(ch.groups[0].over_heard, "White 75% against 60%");
        assert!(!ch.groups[2].under_heard && !ch.groups[2].over_heard);
        assert_eq!(h.under_heard.len(), 1);
        assert_eq!(h.under_heard[0].group, "Asian or Asian British");
    }

    #[test]
    fn figures_come_from_published_counts() {
        // 23 → 25 and 103 → 105: the ratio is (25/105)/0.2, never (23/103)/0.2.
        let c = counts(
            &[("A", 23), ("B", 80)],
            0,
            Some(&[("A", 20.0), ("B", 80.0)]),
        );
        let h = who_is_heard(&Nhsd2018::default(), 103, &[c]);
        let a = &h.characteristics[0].groups[0];
        assert_eq!(a.participants.get(), &Cell::Count(25));
        assert!(rel(val(&a.ratio), 25.0 / 105.0 / 0.2) < 1e-12);
        let (lo, _) = wilson_by_hand(25.0, 105.0);
        assert!(rel(val(&a.lower), lo / 0.2) < 1e-9);
    }

    #[test]
    fn a_group_with_no_participants_can_be_under_heard() {
        let c = counts(&[("A", 100)], 0, Some(&[("A", 70.0), ("B", 30.0)]));
        let h = who_is_heard(&Nhsd2018::default(), 100, &[c]);
        let b = &h.characteristics[0].groups[1];
        assert_eq!(b.participants.get(), &Cell::Count(0));
        assert_eq!(val(&b.ratio), 0.0);
        assert!(b.under_heard);
    }

    #[test]
    fn small_groups_are_withheld_with_their_ratio() {
        let c = counts(
            &[("A", 5), ("B", 40), ("C", 42)],
            0,
            Some(&[("A", 1.0), ("B", 1.0), ("C", 1.0)]),
        );
        let h = who_is_heard(&Nhsd2018::default(), 87, &[c]);
        let ch = &h.characteristics[0];
        let a = &ch.groups[0];
        for cell in [&a.participants, &a.ratio, &a.lower, &a.upper, &a.share] {
            assert!(is_suppressed(cell), "{cell:?}");
        }
        // B and C still published: 40 and 40 (42 → 40), total 85: A is 0..=15, not pinned.
        assert!(!ch.withheld_whole);
        assert_eq!(ch.groups[1].participants.get(), &Cell::Count(40));
    }

    #[test]
    fn a_withheld_group_that_could_be_worked_out_withholds_the_characteristic() {
        // With rounding to 1 (exact counts), one withheld group is total − the others.
        let exact = Nhsd2018::new(equalis_disclosure::Thresholds {
            rounding_base: 1,
            ..Default::default()
        })
        .unwrap();
        let c = counts(&[("A", 3), ("B", 40)], 0, Some(&[("A", 1.0), ("B", 1.0)]));
        let h = who_is_heard(&exact, 43, &[c]);
        let ch = &h.characteristics[0];
        assert!(ch.withheld_whole);
        assert!(
            ch.groups
                .iter()
                .all(|g| is_suppressed(&g.participants) && !g.under_heard)
        );
    }

    #[test]
    fn groups_without_population_are_counted_only() {
        let mut c = counts(&[("Yes", 30), ("No", 70)], 5, None);
        c.key = "disability".into();
        let h = who_is_heard(&Nhsd2018::default(), 105, &[c]);
        let g = &h.characteristics[0].groups[0];
        assert_eq!(g.participants.get(), &Cell::Count(30));
        assert_eq!(g.ratio.get(), &Cell::NotApplicable);
        assert!(h.characteristics[0].source.is_none());
    }

    proptest! {
        /// Whatever the counts, no published count is 1 to 7, and a withheld group has no
        /// ratio or limits that could give it back.
        #[test]
        fn no_small_count_is_published(xs in proptest::collection::vec(0u64..40, 1..6), ns in 0u64..20) {
            let groups: Vec<(String, u64)> = xs.iter().enumerate().map(|(i, x)| (format!("g{i}"), *x)).collect();
            let total: u64 = xs.iter().sum::<u64>() + ns;
            let c = CharacteristicCounts {
                key: "sex".into(),
                label: "Sex".into(),
                groups: groups.clone(),
                not_stated: ns,
                population: Some(Population { groups: groups.iter().map(|(g, _)| (g.clone(), 1.0)).collect(), source: String::new() }),
            };
            let h = who_is_heard(&Nhsd2018::default(), total, &[c]);
            let small = |c: &Publishable<Cell>| matches!(c.get(), Cell::Count(n) if (1..=7).contains(n));
            prop_assert!(!small(&h.participants));
            for ch in &h.characteristics {
                prop_assert!(!small(&ch.stated) && !small(&ch.not_stated));
                for g in &ch.groups {
                    prop_assert!(!small(&g.participants));
                    if is_suppressed(&g.participants) {
                        prop_assert!(!matches!(g.ratio.get(), Cell::Value(_)));
                        prop_assert!(!matches!(g.upper.get(), Cell::Value(_)));
                    }
                }
            }
        }
    }
}

//! Properties of the lottery: quotas and the household rule always hold, draws are
//! reproducible, infeasible quotas are explained exactly, and the lottery selects each
//! volunteer as often as their recorded probability says.

use std::collections::{HashMap, HashSet};

use equalis_sortition::{
    Algorithm, Pool, Quota, Quotas, Selection, SortitionError, Volunteer, replace, select,
};
use proptest::prelude::*;

/// A pool from `(id, household, values)` rows over the given features.
fn pool(features: &[&str], rows: &[(&str, Option<&str>, &[&str])]) -> Pool {
    Pool::new(
        features.iter().map(|s| (*s).to_owned()).collect(),
        rows.iter()
            .map(|(id, h, vals)| Volunteer {
                id: (*id).to_owned(),
                household: h.map(str::to_owned),
                values: vals.iter().map(|s| (*s).to_owned()).collect(),
            })
            .collect(),
    )
    .expect("valid pool")
}

fn quotas(rows: &[(&str, &str, u32, u32)]) -> Quotas {
    Quotas::new(
        rows.iter()
            .map(|(f, v, min, max)| Quota {
                feature: (*f).to_owned(),
                value: (*v).to_owned(),
                min: *min,
                max: *max,
            })
            .collect(),
    )
    .expect("valid quotas")
}

/// Checks a panel against the quotas and the household rule, from the raw inputs (not the
/// crate's own validity check, so a bug there cannot hide a bug elsewhere).
fn assert_valid(pool: &Pool, quotas: &Quotas, size: u32, panel: &[String]) {
    assert_eq!(panel.len(), size as usize, "panel size");
    let by_id: HashMap<&str, &Volunteer> = pool
        .volunteers()
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    let mut homes = HashSet::new();
    for id in panel {
        let v = by_id[id.as_str()];
        let home = v.household.clone().unwrap_or_else(|| format!("own:{id}"));
        assert!(
            homes.insert(home),
            "two members share a household: {panel:?}"
        );
    }
    for q in quotas.as_slice() {
        let col = pool
            .features()
            .iter()
            .position(|f| *f == q.feature)
            .unwrap();
        let n = panel
            .iter()
            .filter(|id| by_id[id.as_str()].values[col] == q.value)
            .count() as u32;
        assert!(
            n >= q.min && n <= q.max,
            "{} = {} has {n}, quota {}..={}",
            q.feature,
            q.value,
            q.min,
            q.max
        );
    }
}

fn assert_record_consistent(pool: &Pool, quotas: &Quotas, s: &Selection) {
    assert_valid(pool, quotas, s.size, &s.panel);
    let total: f64 = s.distribution.iter().map(|(_, w)| w).sum();
    assert!((total - 1.0).abs() < 1e-6, "distribution sums to {total}");
    for (panel, _) in &s.distribution {
        let mut sorted = panel.clone();
        sorted.sort();
        assert_valid(pool, quotas, s.size, &sorted);
    }
    // The probabilities are the marginals of the distribution, so they add up to the size.
    let sum: f64 = s.probabilities.iter().map(|(_, p)| p).sum();
    assert!(
        (sum - f64::from(s.size)).abs() < 1e-5,
        "probabilities sum to {sum}"
    );
    // The drawn panel is the drawn shape with each group's seats filled from the group, and
    // the record alone reproduces it.
    assert_eq!(s.redraw(s.seed), s.drawn);
    assert_eq!(s.redraw_panel(s.seed), s.panel);
    let canonical = &s.distribution[s.drawn].0;
    let grouped: HashSet<&str> = s
        .interchangeable
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let literal = |p: &[String]| -> Vec<String> {
        p.iter()
            .filter(|id| !grouped.contains(id.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(literal(canonical), literal(&s.panel));
    for g in &s.interchangeable {
        let seats = |p: &[String]| p.iter().filter(|id| g.contains(id)).count();
        assert_eq!(seats(canonical), seats(&s.panel), "group {g:?}");
    }
    assert_groups_interchangeable(pool, quotas, &s.interchangeable);
    // Within a group everyone has the same probability (the seats are filled uniformly).
    let prob: HashMap<&str, f64> = s
        .probabilities
        .iter()
        .map(|(id, p)| (id.as_str(), *p))
        .collect();
    for g in &s.interchangeable {
        for id in g {
            assert!(
                (prob[id.as_str()] - prob[g[0].as_str()]).abs() < 1e-12,
                "{id} and {} are interchangeable but differ",
                g[0]
            );
        }
    }
}

/// Members of a group must be exchangeable without breaking any panel: alike in every quota
/// feature and sharing a household with nobody in the pool. Checked from the raw inputs.
fn assert_groups_interchangeable(pool: &Pool, quotas: &Quotas, groups: &[Vec<String>]) {
    let by_id: HashMap<&str, &Volunteer> = pool
        .volunteers()
        .iter()
        .map(|v| (v.id.as_str(), v))
        .collect();
    let mut homes: HashMap<String, usize> = HashMap::new();
    for v in pool.volunteers() {
        if let Some(h) = v.household.as_ref().filter(|h| !h.is_empty()) {
            *homes.entry(h.clone()).or_default() += 1;
        }
    }
    let cols: Vec<usize> = quotas
        .as_slice()
        .iter()
        .map(|q| {
            pool.features()
                .iter()
                .position(|f| *f == q.feature)
                .unwrap()
        })
        .collect();
    for g in groups {
        assert!(g.len() > 1, "a group of one: {g:?}");
        let first = by_id[g[0].as_str()];
        for id in g {
            let v = by_id[id.as_str()];
            for &c in &cols {
                assert_eq!(v.values[c], first.values[c], "{id} differs from {}", g[0]);
            }
            if let Some(h) = v.household.as_ref().filter(|h| !h.is_empty()) {
                assert_eq!(homes[h], 1, "{id} shares household {h}");
            }
        }
    }
}

/// A random instance that has at least one valid panel: quotas are built around the counts of
/// a random panel, loosened by random amounts.
fn instance() -> impl Strategy<Value = (Pool, Quotas, u32)> {
    (6usize..24, 2usize..4, 1u32..5, any::<u64>()).prop_map(|(n, nfeat, k, seed)| {
        let mut state = seed | 1;
        let mut next = move |m: usize| {
            // xorshift: the strategy's own randomness stays inside proptest's seed.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let features: Vec<String> = (0..nfeat).map(|f| format!("f{f}")).collect();
        let volunteers: Vec<Volunteer> = (0..n)
            .map(|i| Volunteer {
                id: format!("v{i:02}"),
                household: Some(format!("h{}", next(n * 3 / 4 + 1))),
                values: (0..nfeat).map(|_| format!("x{}", next(3))).collect(),
            })
            .collect();
        // A panel of one per household, at most k households.
        let mut seen = HashSet::new();
        let panel: Vec<usize> = (0..n)
            .filter(|&i| seen.insert(volunteers[i].household.clone()))
            .collect();
        let k = k.min(panel.len() as u32);
        let panel = &panel[..k as usize];
        let mut qs = Vec::new();
        for (f, name) in features.iter().enumerate() {
            for x in 0..3 {
                let value = format!("x{x}");
                let count = panel
                    .iter()
                    .filter(|&&i| volunteers[i].values[f] == value)
                    .count() as u32;
                let down = next(2) as u32;
                let up = next(2) as u32;
                qs.push(Quota {
                    feature: name.clone(),
                    value,
                    min: count.saturating_sub(down),
                    max: count + up,
                });
            }
        }
        (
            Pool::new(features, volunteers).unwrap(),
            Quotas::new(qs).unwrap(),
            k,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Every algorithm returns a panel that meets the quotas and the household rule, and a
    /// distribution made only of such panels.
    #[test]
    fn quotas_and_households_always_hold((pool, quotas, k) in instance(), seed in any::<u64>()) {
        for algorithm in [Algorithm::Maximin, Algorithm::Leximin, Algorithm::Nash, Algorithm::Legacy] {
            let s = select(&pool, &quotas, k, algorithm, seed).unwrap();
            assert_record_consistent(&pool, &quotas, &s);
        }
    }

    /// Maximin is optimal for the smallest probability: no other algorithm's distribution
    /// (each is also a distribution over valid panels) does better, and leximin ties with it.
    #[test]
    fn maximin_is_never_beaten((pool, quotas, k) in instance()) {
        let best = select(&pool, &quotas, k, Algorithm::Maximin, 0).unwrap().min_probability;
        for algorithm in [Algorithm::Nash, Algorithm::Legacy] {
            let other = select(&pool, &quotas, k, algorithm, 0).unwrap().min_probability;
            prop_assert!(other <= best + 1e-6, "{algorithm:?} {other} > maximin {best}");
        }
        let lex = select(&pool, &quotas, k, Algorithm::Leximin, 0).unwrap().min_probability;
        prop_assert!((lex - best).abs() < 1e-5, "leximin {lex} vs maximin {best}");
    }

    /// The same inputs and seed give the same record, field for field.
    #[test]
    fn same_seed_same_draw((pool, quotas, k) in instance(), seed in any::<u64>()) {
        let a = select(&pool, &quotas, k, Algorithm::Maximin, seed).unwrap();
        let b = select(&pool, &quotas, k, Algorithm::Maximin, seed).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.redraw(seed), a.drawn);
    }

    /// Replacing drop-outs restores the original quotas without reusing anyone.
    #[test]
    fn replacements_restore_quotas((pool, quotas, k) in instance(), seed in any::<u64>()) {
        let s = select(&pool, &quotas, k, Algorithm::Maximin, seed).unwrap();
        let dropped = vec![s.panel[0].clone()];
        match replace(&pool, &quotas, &s.panel, &dropped, Algorithm::Maximin, seed) {
            Ok(r) => {
                assert_valid(&pool, &quotas, k, &r.panel);
                prop_assert!(!r.panel.contains(&dropped[0]));
                prop_assert_eq!(r.added.len(), 1);
            }
            // The remainder may genuinely be unable to restore the quotas in tiny pools.
            Err(SortitionError::Infeasible(_)) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

/// A pool in which only the Black quota is short: 14 Black volunteers for a minimum of 16.
#[test]
fn short_quota_is_named_with_both_numbers() {
    let mut rows: Vec<(String, String)> = Vec::new();
    for i in 0..14 {
        rows.push((format!("b{i}"), "Black".into()));
    }
    for i in 0..60 {
        rows.push((format!("w{i}"), "White".into()));
    }
    let p = Pool::new(
        vec!["ethnicity".into()],
        rows.iter()
            .map(|(id, e)| Volunteer {
                id: id.clone(),
                household: None,
                values: vec![e.clone()],
            })
            .collect(),
    )
    .unwrap();
    let q = quotas(&[
        ("ethnicity", "Black", 16, 20),
        ("ethnicity", "White", 20, 40),
    ]);
    let err = select(&p, &q, 40, Algorithm::Maximin, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no panel can meet the quotas: ethnicity = Black needs at least 16 but the pool has 14"
    );
}

#[test]
fn minimums_maxima_and_households_are_explained() {
    let p = pool(
        &["sex"],
        &[
            ("a", Some("h1"), &["F"]),
            ("b", Some("h1"), &["F"]),
            ("c", Some("h2"), &["M"]),
            ("d", Some("h3"), &["M"]),
        ],
    );
    // Households: only 3, and the two women share one of them.
    let q = quotas(&[("sex", "F", 2, 2), ("sex", "M", 3, 3)]);
    let err = select(&p, &q, 4, Algorithm::Maximin, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no panel can meet the quotas: the panel needs 4 members but the pool has only 3 households (at most one member each); \
         sex = F needs at least 2 but the pool has 1; \
         sex = M needs at least 3 but the pool has 2; \
         the minimums for sex add up to 5, more than the 4 seats, by 1; \
         sex can fill at most 3 of the 4 seats (maxima and pool counts), short by 1"
    );
    let q = quotas(&[("sex", "F", 0, 1), ("sex", "M", 0, 1)]);
    let err = select(&p, &q, 3, Algorithm::Maximin, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no panel can meet the quotas: sex can fill at most 2 of the 3 seats (maxima and pool counts), short by 1"
    );
}

/// Each feature can be met alone, but wanting two `b1` forces two `a1`, above its maximum.
#[test]
fn joint_conflicts_name_the_smallest_fix() {
    let p = pool(
        &["a", "b"],
        &[
            ("p1", None, &["a1", "b1"]),
            ("p2", None, &["a1", "b1"]),
            ("p3", None, &["a2", "b2"]),
            ("p4", None, &["a2", "b2"]),
        ],
    );
    let q = quotas(&[
        ("a", "a1", 0, 1),
        ("a", "a2", 0, 2),
        ("b", "b1", 2, 2),
        ("b", "b2", 0, 0),
    ]);
    let err = select(&p, &q, 2, Algorithm::Maximin, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no panel can meet the quotas: each feature's quotas can be met alone but not together; \
         the smallest change that allows a panel: a = a1 max 1 -> 2"
    );
}

#[test]
fn malformed_inputs_are_refused_with_names() {
    let p = pool(&["sex"], &[("a", None, &["F"]), ("b", None, &["X"])]);
    let q = quotas(&[("sex", "F", 0, 1), ("sex", "M", 0, 1)]);
    assert_eq!(
        select(&p, &q, 1, Algorithm::Maximin, 1)
            .unwrap_err()
            .to_string(),
        "volunteer `b` has sex = `X`, which has no quota (the quotas for sex cover: F, M); add a quota row for it or correct the value"
    );
    let q = quotas(&[("age", "old", 0, 1)]);
    assert_eq!(
        select(&p, &q, 1, Algorithm::Maximin, 1)
            .unwrap_err()
            .to_string(),
        "the quotas use feature `age` but the pool has no such column (it has: sex)"
    );
    let dup = Pool::new(
        vec![],
        vec![
            Volunteer {
                id: "a".into(),
                household: None,
                values: vec![],
            },
            Volunteer {
                id: "a".into(),
                household: None,
                values: vec![],
            },
        ],
    );
    assert_eq!(
        dup.unwrap_err(),
        SortitionError::DuplicateVolunteer { id: "a".into() }
    );
    let bad = Quotas::new(vec![Quota {
        feature: "sex".into(),
        value: "F".into(),
        min: 3,
        max: 2,
    }]);
    assert_eq!(
        bad.unwrap_err().to_string(),
        "the quota for sex = F has min 3 above max 2"
    );
    let q = quotas(&[("sex", "F", 0, 1), ("sex", "X", 0, 1)]);
    assert_eq!(
        select(&p, &q, 0, Algorithm::Maximin, 1).unwrap_err(),
        SortitionError::ZeroPanelSize
    );
}

/// Twelve volunteers, skewed: many older women, few young men; panel of 4 with sex and age
/// quotas, two shared households.
fn skewed() -> (Pool, Quotas) {
    let p = pool(
        &["sex", "age"],
        &[
            ("v01", Some("h1"), &["F", "old"]),
            ("v02", Some("h1"), &["M", "old"]),
            ("v03", None, &["F", "old"]),
            ("v04", None, &["F", "old"]),
            ("v05", None, &["F", "old"]),
            ("v06", Some("h2"), &["F", "young"]),
            ("v07", Some("h2"), &["M", "young"]),
            ("v08", None, &["M", "old"]),
            ("v09", None, &["F", "old"]),
            ("v10", None, &["M", "young"]),
            ("v11", None, &["F", "young"]),
            ("v12", None, &["M", "old"]),
        ],
    );
    let q = quotas(&[
        ("sex", "F", 2, 2),
        ("sex", "M", 2, 2),
        ("age", "old", 2, 2),
        ("age", "young", 2, 2),
    ]);
    (p, q)
}

/// Over many seeds, each volunteer is drawn as often as their recorded probability says.
///
/// Tolerance: 4.5 binomial standard errors per volunteer (a false alarm has probability about
/// 1e-5 per volunteer); the seeds are fixed, so the test is deterministic.
#[test]
fn empirical_frequencies_match_probabilities() {
    let (p, q) = skewed();
    let s = select(&p, &q, 4, Algorithm::Maximin, 0).unwrap();
    let draws = 20_000u64;
    // The whole lottery (shape, then seats within each group), as an auditor would repeat it.
    let mut hits: HashMap<String, u64> = HashMap::new();
    for seed in 0..draws {
        for id in s.redraw_panel(seed) {
            *hits.entry(id).or_default() += 1;
        }
    }
    for (id, prob) in &s.probabilities {
        let freq = hits.get(id).copied().unwrap_or(0) as f64 / draws as f64;
        let se = (prob * (1.0 - prob) / draws as f64).sqrt();
        assert!(
            (freq - prob).abs() <= 4.5 * se + 1e-12,
            "{id}: drawn {freq:.4}, probability {prob:.4}"
        );
    }
}

/// A worked maximin optimum. Seats split by type: with `a` old women, `b` old men, `c` young
/// women, `d` young men, the quotas force `a = d`, `b = c`, `a + b = 2`. The five old women
/// share `E[a]` and the three old men `E[b]`, so the best minimum solves
/// `E[a]/5 = E[b]/3` with `E[a] + E[b] = 2`: `E[a] = 1.25`, minimum `0.25` (households can be
/// avoided in every case, so they cost nothing here).
#[test]
fn maximin_optimum_on_a_worked_example() {
    let (p, q) = skewed();
    let s = select(&p, &q, 4, Algorithm::Maximin, 0).unwrap();
    assert!(
        (s.min_probability - 0.25).abs() < 1e-6,
        "{}",
        s.min_probability
    );
    let lex = select(&p, &q, 4, Algorithm::Leximin, 0).unwrap();
    assert!((lex.min_probability - 0.25).abs() < 1e-6);
    // Leximin then raises the rest: young women and young men have the next-smallest shares.
    let young_m = lex
        .probabilities
        .iter()
        .find(|(id, _)| id == "v10")
        .unwrap()
        .1;
    assert!(young_m > 0.25 + 1e-6);
    let legacy = select(&p, &q, 4, Algorithm::Legacy, 0).unwrap();
    assert!(legacy.min_probability <= 0.25 + 1e-9);
}

/// A tiny instance for brute force: few volunteers, two values per feature so that many
/// volunteers are alike (and, when alone in their household, interchangeable), and some
/// shared households so that both kinds of unit occur.
fn tiny() -> impl Strategy<Value = (Pool, Quotas, u32)> {
    (4usize..11, 1usize..4, 1u32..5, any::<u64>()).prop_map(|(n, nfeat, k, seed)| {
        let mut state = seed | 1;
        let mut next = move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let features: Vec<String> = (0..nfeat).map(|f| format!("f{f}")).collect();
        let volunteers: Vec<Volunteer> = (0..n)
            .map(|i| Volunteer {
                id: format!("v{i:02}"),
                household: (next(3) == 0).then(|| format!("h{}", next(3))),
                values: (0..nfeat).map(|_| format!("x{}", next(2))).collect(),
            })
            .collect();
        let mut seen = HashSet::new();
        let panel: Vec<usize> = (0..n)
            .filter(|&i| {
                let home = volunteers[i]
                    .household
                    .clone()
                    .unwrap_or_else(|| format!("own{i}"));
                seen.insert(home)
            })
            .collect();
        let k = k.min(panel.len() as u32);
        let panel = &panel[..k as usize];
        let mut qs = Vec::new();
        for (f, name) in features.iter().enumerate() {
            for x in 0..2 {
                let value = format!("x{x}");
                let count = panel
                    .iter()
                    .filter(|&&i| volunteers[i].values[f] == value)
                    .count() as u32;
                qs.push(Quota {
                    feature: name.clone(),
                    value,
                    min: count.saturating_sub(next(2) as u32),
                    max: count + next(2) as u32,
                });
            }
        }
        (
            Pool::new(features, volunteers).unwrap(),
            Quotas::new(qs).unwrap(),
            k,
        )
    })
}

/// Whether `panel` (indices into the pool) meets the quotas and the household rule, from the
/// raw inputs.
fn valid_by_hand(pool: &Pool, quotas: &Quotas, panel: &[usize]) -> bool {
    let vs = pool.volunteers();
    let mut homes = HashSet::new();
    for &i in panel {
        let home = vs[i]
            .household
            .clone()
            .unwrap_or_else(|| format!("own:{i}"));
        if !homes.insert(home) {
            return false;
        }
    }
    quotas.as_slice().iter().all(|q| {
        let col = pool
            .features()
            .iter()
            .position(|f| *f == q.feature)
            .unwrap();
        let n = panel
            .iter()
            .filter(|&&i| vs[i].values[col] == q.value)
            .count() as u32;
        n >= q.min && n <= q.max
    })
}

/// Every k-subset of `0..n`, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur = Vec::with_capacity(k);
    fn go(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, k, cur, out);
            cur.pop();
        }
    }
    go(0, n, k, &mut cur, &mut out);
    out
}

/// The maximin optimum by brute force, sharing no code with the crate: list every valid panel,
/// then solve "maximise z subject to every selectable volunteer's probability ≥ z" over all of
/// them at once. Returns the optimum and which volunteers no valid panel includes.
fn brute_force_maximin(pool: &Pool, quotas: &Quotas, k: u32) -> (f64, Vec<bool>) {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let n = pool.volunteers().len();
    let panels: Vec<Vec<usize>> = subsets(n, k as usize)
        .into_iter()
        .filter(|p| valid_by_hand(pool, quotas, p))
        .collect();
    let mut never = vec![true; n];
    for p in &panels {
        for &i in p {
            never[i] = false;
        }
    }
    let mut lp = Problem::new(OptimizationDirection::Maximize);
    let lambda: Vec<_> = panels.iter().map(|_| lp.add_var(0.0, (0.0, 1.0))).collect();
    let z = lp.add_var(1.0, (0.0, 1.0));
    lp.add_constraint(
        lambda.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(),
        ComparisonOp::Eq,
        1.0,
    );
    for i in (0..n).filter(|&i| !never[i]) {
        let mut row: Vec<_> = panels
            .iter()
            .zip(&lambda)
            .filter(|(p, _)| p.contains(&i))
            .map(|(_, &v)| (v, 1.0))
            .collect();
        row.push((z, -1.0));
        lp.add_constraint(row, ComparisonOp::Ge, 0.0);
    }
    let value = lp.solve().unwrap().into_solution().unwrap().objective();
    (value, never)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// The aggregated maximin (shapes over interchangeable groups) reaches the same optimum as
    /// the LP over every valid panel, and finds exactly the volunteers no panel can include.
    #[test]
    fn maximin_matches_brute_force((pool, quotas, k) in tiny()) {
        let s = select(&pool, &quotas, k, Algorithm::Maximin, 0).unwrap();
        let (best, never) = brute_force_maximin(&pool, &quotas, k);
        let expected_never: Vec<String> = pool
            .volunteers()
            .iter()
            .zip(&never)
            .filter(|(_, n)| **n)
            .map(|(v, _)| v.id.clone())
            .collect();
        prop_assert_eq!(&s.never_selectable, &expected_never);
        // Among selectable volunteers, the smallest probability is the LP optimum.
        let min = s
            .probabilities
            .iter()
            .zip(&never)
            .filter(|(_, n)| !**n)
            .map(|((_, p), _)| *p)
            .fold(1.0, f64::min);
        prop_assert!((min - best).abs() < 1e-6, "maximin {min}, brute force {best}");
        assert_record_consistent(&pool, &quotas, &s);
    }
}

/// Interchangeable volunteers are recorded as groups with one probability, and the lottery
/// fills a group's seats uniformly: in the skewed pool, v03, v04, v05 and v09 are the old
/// women alone in their household.
#[test]
fn groups_are_recorded_and_share_one_probability() {
    let (p, q) = skewed();
    let s = select(&p, &q, 4, Algorithm::Maximin, 0).unwrap();
    let old_women: Vec<String> = ["v03", "v04", "v05", "v09"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert!(
        s.interchangeable.contains(&old_women),
        "{:?}",
        s.interchangeable
    );
    // v01 is an old woman too, but shares a household: she stays an individual.
    assert!(s.interchangeable.iter().flatten().all(|id| id != "v01"));
    let legacy = select(&p, &q, 4, Algorithm::Legacy, 0).unwrap();
    assert!(legacy.interchangeable.is_empty());
}

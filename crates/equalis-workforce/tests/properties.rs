//! Property tests for the claims that are invariants rather than examples: quartile pay
//! bands partition the full-pay relevant employees (each band holds a quarter, as near as
//! whole numbers allow; each band's shares sum to 100%; every employee is in exactly one
//! band's worth of places, ties split or not), tie proportions are kept across a boundary,
//! and no figure is ever NaN or infinite, whatever the counts.

use equalis_workforce::pay_gap::{PayEmployee, analyse, quartile_sizes};
use equalis_workforce::{Figure, GroupRate, RateComparison};
use proptest::prelude::*;

/// A few pay points only, so ties (and ties across boundaries) are the common case.
fn employees() -> impl Strategy<Value = Vec<PayEmployee<u8>>> {
    prop::collection::vec(
        (0u8..3, prop::option::weighted(0.9, 0u8..6), 0u8..3),
        0..120,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(group, rate, bonus)| PayEmployee {
                group,
                hourly_rate: rate.map(|r| 10.0 + f64::from(r) * 2.5),
                bonus_pay: f64::from(bonus) * 100.0,
            })
            .collect()
    })
}

fn finite_or_undefined(f: Figure) -> bool {
    match f {
        Figure::Value(v) => v.is_finite(),
        Figure::Undefined { reason } => !reason.is_empty(),
    }
}

proptest! {
    #[test]
    fn each_quartile_holds_a_quarter(n in 0u64..10_000) {
        let sizes = quartile_sizes(n);
        prop_assert_eq!(sizes.iter().sum::<u64>(), n);
        for s in sizes {
            prop_assert!(s == n / 4 || s == n.div_ceil(4));
        }
        // Lower sections are never smaller than higher ones.
        prop_assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn quartile_shares_sum_to_100_and_conserve_employees(emps in employees()) {
        let a = analyse(&emps, &[0, 1, 2], 0);
        let ranked = emps.iter().filter(|e| e.hourly_rate.is_some()).count() as u64;
        prop_assert_eq!(a.quartiles.iter().map(|q| q.employees).sum::<u64>(), ranked);
        for q in &a.quartiles {
            let held: f64 = q.shares.iter().map(|s| s.employees).sum();
            prop_assert!((held - q.employees as f64).abs() < 1e-9);
            if q.employees > 0 {
                let pct: f64 = q.shares.iter().map(|s| s.pct.value().unwrap()).sum();
                prop_assert!((pct - 100.0).abs() < 1e-9, "{} ≠ 100", pct);
            } else {
                prop_assert!(q.shares.iter().all(|s| s.pct.value().is_none()));
            }
        }
        // Each group's places across the four bands add up to its full-pay headcount.
        for (g, pay) in a.groups.iter().enumerate() {
            let placed: f64 = a.quartiles.iter().map(|q| q.shares[g].employees).sum();
            prop_assert!((placed - pay.full_pay_relevant_employees as f64).abs() < 1e-9);
        }
    }

    #[test]
    fn a_tie_keeps_its_proportions_in_every_band_it_spans(
        men in 0u64..8, women in 1u64..8, below in 0u64..10, above in 0u64..10,
    ) {
        // `below` group-2 employees at £5, then one tie at £10 of `men` + `women`, then
        // `above` at £20. In every band the tie reaches, men : women stays men : women.
        let mut emps = Vec::new();
        let push = |emps: &mut Vec<PayEmployee<u8>>, g, n, r| {
            for _ in 0..n {
                emps.push(PayEmployee { group: g, hourly_rate: Some(r), bonus_pay: 0.0 });
            }
        };
        push(&mut emps, 2, below, 5.0);
        push(&mut emps, 0, men, 10.0);
        push(&mut emps, 1, women, 10.0);
        push(&mut emps, 2, above, 20.0);
        let a = analyse(&emps, &[0, 1, 2], 0);
        for q in &a.quartiles {
            let (m, w) = (q.shares[0].employees, q.shares[1].employees);
            if m + w > 0.0 {
                prop_assert!((m * women as f64 - w * men as f64).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn pay_figures_are_never_nan(emps in employees()) {
        let a = analyse(&emps, &[0, 1, 2], 0);
        for g in &a.groups {
            for f in [g.mean_hourly, g.median_hourly, g.bonus_proportion_pct, g.mean_bonus, g.median_bonus, g.representation_pct] {
                prop_assert!(finite_or_undefined(f));
            }
        }
        for g in &a.gaps {
            for f in [g.mean_gap_pct, g.median_gap_pct, g.mean_bonus_gap_pct, g.median_bonus_gap_pct] {
                prop_assert!(finite_or_undefined(f));
            }
        }
    }

    #[test]
    fn relative_likelihoods_are_never_nan(a in 0u64..50, sa in 0u64..50, b in 0u64..50, sb in 0u64..50) {
        let c = RateComparison::new(
            GroupRate::new("A", a.min(sa) as f64, sa, "no A"),
            GroupRate::new("B", b.min(sb) as f64, sb, "no B"),
            "B rate is zero",
        );
        prop_assert!(finite_or_undefined(c.relative_likelihood.value));
        // Defined exactly when both groups have a base and the denominator group has events.
        prop_assert_eq!(c.relative_likelihood.value.value().is_some(), sa > 0 && sb > 0 && b.min(sb) > 0);
        prop_assert_eq!(c.relative_likelihood.assessment.is_some(), c.relative_likelihood.value.value().is_some());
    }
}

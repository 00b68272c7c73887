//! Property tests: invariants every interval must satisfy, and that arbitrary input gives a
//! value, a reason or an error, never a panic or a silent NaN.

use equalis_stats::*;
use proptest::prelude::*;

/// Any float, but often an ordinary count, so that valid paths are exercised too.
fn messy() -> impl Strategy<Value = f64> {
    prop_oneof![proptest::num::f64::ANY, -5.0f64..1e6, Just(0.0), Just(10.0)]
}

/// Checks lower ≤ value ≤ upper, the 99.8% interval containing the 95% one, and no NaN.
fn check_nested(e: &Estimate) -> Result<(), TestCaseError> {
    let [i95, i998] = e.intervals() else {
        return Err(TestCaseError::fail("expected two intervals"));
    };
    if let (Ok(v), Ok(l), Ok(u)) = (e.value, i95.lower, i95.upper) {
        prop_assert!(!v.is_nan() && !l.is_nan() && !u.is_nan());
        prop_assert!(
            l <= v * (1.0 + 1e-12) + 1e-12 && v <= u * (1.0 + 1e-12) + 1e-12,
            "{l} {v} {u}"
        );
    }
    if let (Ok(l95), Ok(u95), Ok(l998), Ok(u998)) = (i95.lower, i95.upper, i998.lower, i998.upper) {
        prop_assert!(l998 <= l95 + 1e-9 && u95 <= u998 + 1e-9);
    }
    Ok(())
}

proptest! {
    #[test]
    fn proportion_limits_nest(n in 1u32..100_000, frac in 0.0f64..=1.0) {
        let x = (f64::from(n) * frac).floor();
        let e = proportion(x, f64::from(n), &Levels::pair_95_998(), 100.0).unwrap();
        check_nested(&e)?;
        let i = e.interval();
        prop_assert!(i.lower.unwrap() >= -1e-9 && i.upper.unwrap() <= 100.0 + 1e-9);
    }

    #[test]
    fn rate_limits_nest(x in 0u32..100_000, n in 1u32..1_000_000) {
        let e = rate(f64::from(x), f64::from(n), &Levels::pair_95_998(), 100_000.0).unwrap();
        check_nested(&e)?;
    }

    #[test]
    fn dsr_limits_nest_or_explain(counts in proptest::collection::vec(0u32..200, 19), pops in proptest::collection::vec(1u32..50_000, 19)) {
        let c: Vec<f64> = counts.iter().map(|&v| f64::from(v)).collect();
        let p: Vec<f64> = pops.iter().map(|&v| f64::from(v)).collect();
        let e = dsr(&c, &p, &ESP2013, &Levels::pair_95_998(), 100_000.0).unwrap();
        let total: f64 = c.iter().sum();
        prop_assert_eq!(e.value.is_err(), total < 10.0);
        check_nested(&e)?;
    }

    #[test]
    fn arbitrary_input_never_panics(x in messy(), n in messy(), c in prop_oneof![Just(0.95), Just(99.8), proptest::num::f64::ANY]) {
        for e in [
            Levels::parse(&[c]).and_then(|l| proportion(x, n, &l, 1.0)),
            Levels::parse(&[c]).and_then(|l| rate(x, n, &l, 1.0)),
            Levels::parse(&[c]).and_then(|l| rate_ratio(x, n, x, n, &l)),
            Levels::parse(&[c]).and_then(|l| dsr(&[x, x], &[n, n], &[1.0, 2.0], &l, 1.0)),
        ]
        .into_iter()
        .flatten()
        {
            let mut numbers = vec![e.value];
            numbers.extend(e.intervals().iter().flat_map(|i| [i.lower, i.upper]));
            prop_assert!(!numbers.into_iter().any(|v| v.is_ok_and(f64::is_nan)), "silent NaN for x={x} n={n}");
        }
    }

    #[test]
    fn quantiles_are_in_range_and_monotone(values in proptest::collection::vec(proptest::option::of(-1e6f64..1e6), 0..60), nq in 1u32..12) {
        let q = assign_quantiles(&values, nq, false).unwrap();
        let mut pairs: Vec<(f64, u32)> = values.iter().zip(&q).filter_map(|(v, q)| Some(((*v)?, *q.as_ref().ok()?))).collect();
        for &(_, q) in &pairs {
            prop_assert!((1..=nq).contains(&q));
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        prop_assert!(pairs.windows(2).all(|w| w[0].1 <= w[1].1), "quantiles not monotone in value");
    }
}

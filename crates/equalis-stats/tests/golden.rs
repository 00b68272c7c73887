//! Golden tests: every method against the independent values in `tests/golden/*.csv`.
//!
//! The CSVs are written by `tests/golden/generate.py` (scipy/numpy, straight from the published
//! formulas) plus a few published worked values; each row names its source. There is one
//! `check_*` per method, the single place that calls the API, so new cases are rows, not code.
//! Deterministic values must agree to 1e-8 relative (or a row's stated tolerance); Monte Carlo
//! SII limits to 1% at 100,000 repetitions.

use std::collections::HashMap;
use std::path::Path;

use equalis_stats::*;

/// One CSV row as a map from column name to field.
struct Row(HashMap<String, String>);

impl Row {
    fn s(&self, k: &str) -> &str {
        self.0
            .get(k)
            .unwrap_or_else(|| panic!("golden file has no column `{k}`"))
    }
    fn f(&self, k: &str) -> f64 {
        self.s(k)
            .parse()
            .unwrap_or_else(|_| panic!("`{k}` = {:?} is not a number", self.s(k)))
    }
    fn opt(&self, k: &str) -> Option<f64> {
        let s = self.s(k);
        if s.is_empty() { None } else { Some(self.f(k)) }
    }
    fn list(&self, k: &str) -> Vec<Option<f64>> {
        let s = self.s(k);
        if s.is_empty() {
            return Vec::new();
        }
        s.split(';')
            .map(|v| {
                if v.is_empty() {
                    None
                } else {
                    Some(v.parse().expect("list entry"))
                }
            })
            .collect()
    }
    fn floats(&self, k: &str) -> Vec<f64> {
        self.list(k)
            .into_iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect()
    }
    fn case(&self) -> &str {
        self.s("case")
    }
    fn tolerance(&self) -> Tolerance {
        match self.0.get("tolerance").map(String::as_str) {
            None | Some("") => Tolerance::Rel(1e-8),
            Some(t) => {
                let (kind, v) = t.split_once(':').expect("tolerance is kind:value");
                let v: f64 = v.parse().expect("tolerance value");
                if kind == "abs" {
                    Tolerance::Abs(v)
                } else {
                    Tolerance::Rel(v)
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Tolerance {
    Rel(f64),
    Abs(f64),
}

fn read(name: &str) -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    let rows: Vec<Row> = lines
        .map(|line| {
            assert!(
                !line.contains('"'),
                "golden rows must not need quoting: {line}"
            );
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(
                fields.len(),
                header.len(),
                "{name}: wrong field count in {line}"
            );
            Row(header
                .iter()
                .cloned()
                .zip(fields.into_iter().map(String::from))
                .collect())
        })
        .collect();
    assert!(!rows.is_empty(), "{name} has no cases");
    rows
}

#[track_caller]
fn close(case: &str, what: &str, got: f64, want: f64, tol: Tolerance) {
    let ok = match tol {
        Tolerance::Rel(r) => {
            got == want
                || (got - want).abs() <= r * want.abs().max(1e-300)
                || (want == 0.0 && got.abs() < 1e-12)
        }
        Tolerance::Abs(a) => (got - want).abs() <= a,
    };
    assert!(ok, "{case}: {what} = {got:.12}, expected {want:.12}");
}

#[track_caller]
fn check_result(
    case: &str,
    what: &str,
    got: Result<f64, Reason>,
    want: Option<f64>,
    tol: Tolerance,
) {
    match (got, want) {
        (Ok(g), Some(w)) => close(case, what, g, w, tol),
        (Err(_), None) => {}
        (g, w) => panic!("{case}: {what} = {g:?}, expected {w:?}"),
    }
}

fn levels(row: &Row) -> Result<Levels, StatsError> {
    Levels::parse(&[row.f("confidence")])
}

/// Checks an estimate (value and first interval) or the expected error/missing outcome.
#[track_caller]
fn check_estimate(row: &Row, got: Result<Estimate, StatsError>) {
    let case = row.case();
    match row.s("outcome") {
        "error" => assert!(got.is_err(), "{case}: expected an error, got {got:?}"),
        "missing" => {
            let est = got.unwrap_or_else(|e| panic!("{case}: unexpected error {e}"));
            let reason = est.interval().lower.err().or(est.value.err());
            let text = reason.map(|r| r.to_string()).unwrap_or_default();
            assert!(
                text.contains(row.s("reason")),
                "{case}: reason {text:?} lacks {:?}",
                row.s("reason")
            );
            check_result(case, "value", est.value, row.opt("value"), row.tolerance());
        }
        _ => {
            let est = got.unwrap_or_else(|e| panic!("{case}: unexpected error {e}"));
            let tol = row.tolerance();
            check_result(case, "value", est.value, row.opt("value"), tol);
            check_result(
                case,
                "lowercl",
                est.interval().lower,
                row.opt("lowercl"),
                tol,
            );
            check_result(
                case,
                "uppercl",
                est.interval().upper,
                row.opt("uppercl"),
                tol,
            );
            if let Some(method) = row.0.get("method").filter(|m| !m.is_empty()) {
                assert_eq!(est.method.label(), method, "{case}: method");
            }
        }
    }
}

#[test]
fn check_proportion() {
    for row in read("proportion.csv") {
        let got =
            levels(&row).and_then(|l| proportion(row.f("x"), row.f("n"), &l, row.f("multiplier")));
        check_estimate(&row, got);
    }
}

#[test]
fn check_rate() {
    for row in read("rate.csv") {
        let got = levels(&row).and_then(|l| rate(row.f("x"), row.f("n"), &l, row.f("multiplier")));
        check_estimate(&row, got);
    }
}

#[test]
fn check_rate_non_independent() {
    for row in read("rate_non_independent.csv") {
        let freqs: Vec<(f64, f64)> = row
            .s("frequencies")
            .split(';')
            .map(|p| {
                let (f, n) = p.split_once(':').expect("f:persons");
                (f.parse().expect("f"), n.parse().expect("persons"))
            })
            .collect();
        let got = levels(&row)
            .and_then(|l| rate_non_independent(&freqs, row.f("n"), &l, row.f("multiplier")));
        check_estimate(&row, got);
    }
    // With every person having one event the method is the crude rate exactly.
    let l = Levels::default();
    let a = rate_non_independent(&[(1.0, 37.0)], 1234.0, &l, 1000.0).unwrap();
    let b = rate(37.0, 1234.0, &l, 1000.0).unwrap();
    close(
        "identity",
        "lower",
        a.interval().lower.unwrap(),
        b.interval().lower.unwrap(),
        Tolerance::Rel(1e-12),
    );
}

#[test]
fn check_mean() {
    for row in read("mean.csv") {
        let case = row.case();
        let got = mean(&row.list("values"), &levels(&row).unwrap()).unwrap();
        check_estimate(&row, Ok(got.estimate));
        close(
            case,
            "value_sum",
            got.value_sum,
            row.f("value_sum"),
            Tolerance::Rel(1e-12),
        );
        assert_eq!(
            got.value_count as f64,
            row.f("value_count"),
            "{case}: value_count"
        );
        check_result(case, "stdev", got.stdev, row.opt("stdev"), row.tolerance());
    }
}

fn standard(row: &Row) -> Vec<f64> {
    if row.s("standard") == "esp2013" {
        ESP2013.to_vec()
    } else {
        row.floats("standard")
    }
}

#[test]
fn check_dsr() {
    for row in read("dsr.csv") {
        let got = levels(&row).and_then(|l| {
            dsr(
                &row.floats("counts"),
                &row.floats("populations"),
                &standard(&row),
                &l,
                row.f("multiplier"),
            )
        });
        check_estimate(&row, got);
    }
}

#[test]
fn check_dsr_non_independent() {
    for row in read("dsr_non_independent.csv") {
        let rows: Vec<EventFrequencyRow> = row
            .s("rows")
            .split(';')
            .map(|r| {
                let v: Vec<f64> = r.split(':').map(|x| x.parse().expect("number")).collect();
                EventFrequencyRow {
                    age_band: v[0] as usize,
                    frequency: v[1],
                    persons: v[2],
                }
            })
            .collect();
        let got = levels(&row).and_then(|l| {
            dsr_non_independent(
                &rows,
                &row.floats("populations"),
                &standard(&row),
                &l,
                row.f("multiplier"),
            )
        });
        if row.s("outcome") == "ok" {
            assert_eq!(
                got.as_ref().unwrap().method.label(),
                "Dobson, with confidence adjusted for non-independent events"
            );
        }
        check_estimate(&row, got);
    }
}

#[test]
fn check_isr() {
    for row in read("isr.csv") {
        let (pops, rx, rn) = (
            row.floats("populations"),
            row.floats("ref_counts"),
            row.floats("ref_populations"),
        );
        let got = levels(&row).and_then(|l| match row.s("kind") {
            "ratio" => isr_ratio(row.f("observed"), &pops, &rx, &rn, &l, row.f("scale")),
            _ => isr_rate(row.f("observed"), &pops, &rx, &rn, &l, row.f("scale")),
        });
        check_estimate(&row, got);
    }
}

#[test]
fn check_compare() {
    for row in read("compare.csv") {
        let (x1, n1, x2, n2, m) = (
            row.f("x1"),
            row.f("n1"),
            row.f("x2"),
            row.f("n2"),
            row.f("multiplier"),
        );
        let got = levels(&row).and_then(|l| match row.s("kind") {
            "rate_ratio" => rate_ratio(x1, n1, x2, n2, &l),
            "risk_ratio" => risk_ratio(x1, n1, x2, n2, &l),
            "rate_gap_relative" => rate_gap(x1, n1, x2, n2, &l, m).map(|g| g.relative),
            "rate_gap_absolute" => rate_gap(x1, n1, x2, n2, &l, m).map(|g| g.absolute),
            "proportion_gap_relative" => proportion_gap(x1, n1, x2, n2, &l, m).map(|g| g.relative),
            "proportion_gap_absolute" => proportion_gap(x1, n1, x2, n2, &l, m).map(|g| g.absolute),
            other => panic!("unknown kind {other}"),
        });
        check_estimate(&row, got);
    }
}

#[test]
fn check_quantile() {
    for row in read("quantile.csv") {
        let got = assign_quantiles(
            &row.list("values"),
            row.f("quantiles") as u32,
            row.s("invert") == "true",
        )
        .unwrap();
        let got: Vec<Option<f64>> = got.iter().map(|q| q.ok().map(f64::from)).collect();
        assert_eq!(got, row.list("expected"), "{}", row.case());
    }
    assert!(assign_quantiles(&[Some(1.0)], 0, false).is_err());
}

#[test]
fn check_sii() {
    for row in read("sii.csv") {
        let case = row.case();
        let (se, lower, upper) = (row.floats("se"), row.floats("lower"), row.floats("upper"));
        let errors = if se.is_empty() {
            StandardErrors::Limits {
                lower: &lower,
                upper: &upper,
            }
        } else {
            StandardErrors::Se(&se)
        };
        let options = SiiOptions {
            value_type: ValueType::from_code(row.f("value_type") as u8).unwrap(),
            transform: row.s("transform") == "true",
            multiplier: row.f("multiplier"),
            repetitions: 100_000,
            seed: 42,
            levels: levels(&row).unwrap(),
        };
        let got = sii(
            &row.floats("populations"),
            &row.floats("values"),
            errors,
            &options,
        )
        .unwrap();
        let exact = Tolerance::Rel(1e-8);
        let monte_carlo = Tolerance::Rel(0.01);
        close(case, "sii", got.sii.value.unwrap(), row.f("sii"), exact);
        close(case, "rii", got.rii.value.unwrap(), row.f("rii"), exact);
        close(
            case,
            "intercept",
            got.intercept.unwrap(),
            row.f("intercept"),
            exact,
        );
        close(
            case,
            "sii_lowercl",
            got.sii.interval().lower.unwrap(),
            row.f("sii_lowercl"),
            monte_carlo,
        );
        close(
            case,
            "sii_uppercl",
            got.sii.interval().upper.unwrap(),
            row.f("sii_uppercl"),
            monte_carlo,
        );
        if let Some(rl) = row.opt("rii_lowercl") {
            close(
                case,
                "rii_lowercl",
                got.rii.interval().lower.unwrap(),
                rl,
                monte_carlo,
            );
            close(
                case,
                "rii_uppercl",
                got.rii.interval().upper.unwrap(),
                row.f("rii_uppercl"),
                monte_carlo,
            );
        }
        // The same seed gives the same limits.
        let again = sii(
            &row.floats("populations"),
            &row.floats("values"),
            errors,
            &options,
        )
        .unwrap();
        assert_eq!(got, again, "{case}: not reproducible");
    }
}

#[test]
fn sii_rejects_bad_input() {
    let pops = [1.0, 2.0, 3.0];
    let vals = [1.0, 2.0, 3.0];
    let se = [0.1, 0.1, 0.1];
    let base = SiiOptions::default();
    assert!(
        sii(
            &pops,
            &vals,
            StandardErrors::Se(&se),
            &SiiOptions {
                repetitions: 999,
                ..base
            }
        )
        .is_err()
    );
    assert!(
        sii(
            &pops,
            &vals,
            StandardErrors::Se(&se),
            &SiiOptions {
                transform: true,
                ..base
            }
        )
        .is_err()
    );
    assert!(sii(&[1.0, 0.0, 3.0], &vals, StandardErrors::Se(&se), &base).is_err());
    assert!(sii(&pops[..2], &vals, StandardErrors::Se(&se), &base).is_err());
    let rate = SiiOptions {
        transform: true,
        value_type: ValueType::Rate,
        ..base
    };
    assert!(sii(&pops, &[0.0, 1.0, 2.0], StandardErrors::Se(&se), &rate).is_err());
}

#[test]
fn check_funnel() {
    for row in read("funnel.csv") {
        let case = row.case();
        let tol = row.tolerance();
        let limits = match row.s("kind") {
            "proportion" => {
                Some(funnel_proportion_limits(row.f("a"), row.f("b"), row.f("multiplier")).unwrap())
            }
            "ratio" => Some(funnel_ratio_limits(row.f("a"), row.f("multiplier")).unwrap()),
            "rate" => {
                Some(funnel_rate_limits(row.f("a"), row.f("b"), row.f("multiplier")).unwrap())
            }
            "proportion_significance" => {
                // For significance rows the `multiplier` column carries the average proportion.
                let s = funnel_proportion_significance(row.f("a"), row.f("b"), row.f("multiplier"))
                    .unwrap();
                assert_eq!(s.label(), row.s("significance"), "{case}");
                None
            }
            "ratio_significance" => {
                let s = funnel_ratio_significance(row.f("a"), row.f("b")).unwrap();
                assert_eq!(s.label(), row.s("significance"), "{case}");
                None
            }
            other => panic!("unknown kind {other}"),
        };
        if let Some(l) = limits {
            // A published row may give only some of the four limits.
            for (what, got) in [
                ("lower_2s", l.lower_2s),
                ("upper_2s", l.upper_2s),
                ("lower_3s", l.lower_3s),
                ("upper_3s", l.upper_3s),
            ] {
                if let Some(want) = row.opt(what) {
                    close(case, what, got, want, tol);
                }
            }
        }
    }
}

#[test]
fn check_spc() {
    for row in read("spc.csv") {
        let case = row.case();
        let options = SpcOptions {
            rebase: row.floats("rebase").iter().map(|&r| r as usize).collect(),
            fix_after: row.opt("fix_after").map(|f| f as usize),
            improvement: match row.s("improvement") {
                "increase" => ImprovementDirection::Increase,
                "decrease" => ImprovementDirection::Decrease,
                _ => ImprovementDirection::Neutral,
            },
            target: row.opt("target"),
            screen_outliers: row.s("screen_outliers") == "true",
            rule_2of3: if row.s("rule_2of3") == "mdc2023" {
                Rule2of3::Mdc2023
            } else {
                Rule2of3::Package
            },
            run_length: row.f("run_length") as usize,
            resolution: None,
        };
        let got = spc(&row.floats("values"), &options).unwrap();
        let tol = Tolerance::Rel(1e-8);
        let point_types: Vec<&str> = row.s("point_type").split(';').collect();
        let rules: Vec<&str> = row.s("special_cause_rule").split(';').collect();
        for (i, p) in got.points.iter().enumerate() {
            let what = |w: &str| format!("{w}[{i}]");
            close(case, &what("mean"), p.mean, row.floats("mean")[i], tol);
            close(case, &what("lpl"), p.lpl, row.floats("lpl")[i], tol);
            close(case, &what("upl"), p.upl, row.floats("upl")[i], tol);
            close(
                case,
                &what("near_lpl"),
                p.near_lpl,
                row.floats("near_lpl")[i],
                tol,
            );
            close(
                case,
                &what("near_upl"),
                p.near_upl,
                row.floats("near_upl")[i],
                tol,
            );
            assert_eq!(
                p.point_type.label(),
                point_types[i],
                "{case}: point_type[{i}]"
            );
            assert_eq!(
                p.special_cause_rule.as_deref().unwrap_or(""),
                rules[i],
                "{case}: rule[{i}]"
            );
        }
        assert_eq!(got.points.len(), point_types.len(), "{case}: points");
        assert_eq!(
            got.assurance.map(|a| a.label()).unwrap_or(""),
            row.s("assurance"),
            "{case}: assurance"
        );
    }
    assert!(spc(&[1.0], &SpcOptions::default()).is_err());
    assert!(spc(&[1.0, f64::NAN], &SpcOptions::default()).is_err());
}

#[test]
fn check_life_expectancy() {
    for row in read("life_expectancy.csv") {
        let case = row.case();
        let got = life_expectancy(
            &row.floats("start_ages"),
            &row.floats("deaths"),
            &row.floats("populations"),
            &levels(&row).unwrap(),
        )
        .unwrap();
        if row.s("outcome") == "missing" {
            for le in &got {
                let text = le.estimate.value.unwrap_err().to_string();
                assert!(text.contains(row.s("reason")), "{case}: {text}");
            }
            continue;
        }
        let (v, lo, hi) = (row.list("value"), row.list("lowercl"), row.list("uppercl"));
        assert_eq!(got.len(), v.len(), "{case}: ages");
        let tol = Tolerance::Rel(1e-8);
        for (i, le) in got.iter().enumerate() {
            let what = |w: &str| format!("{w}[age {}]", le.start_age);
            check_result(case, &what("value"), le.estimate.value, v[i], tol);
            check_result(
                case,
                &what("lowercl"),
                le.estimate.interval().lower,
                lo[i],
                tol,
            );
            check_result(
                case,
                &what("uppercl"),
                le.estimate.interval().upper,
                hi[i],
                tol,
            );
        }
    }
}

#[test]
fn life_expectancy_wide_interval_keeps_limits() {
    let ages: Vec<f64> = [0.0, 1.0]
        .into_iter()
        .chain((1..19).map(|i| f64::from(i) * 5.0))
        .collect();
    let mut deaths = vec![0.0; 20];
    deaths[19] = 1.0;
    let mut pops = vec![300.0; 20];
    pops[19] = 10.0;
    let le = life_expectancy(&ages, &deaths, &pops, &Levels::default()).unwrap();
    let reason = le[0].estimate.value.unwrap_err();
    assert!(reason.to_string().contains("> 20 years"), "{reason}");
    assert!(le[0].estimate.interval().lower.is_ok());
    assert!(
        life_expectancy(
            &ages[..3],
            &[1.0, 1.0],
            &[1.0, 1.0, 1.0],
            &Levels::default()
        )
        .is_err()
    );
}

#[test]
fn confidence_levels() {
    assert_eq!(
        Levels::parse(&[95.0]).unwrap(),
        Levels::parse(&[0.95]).unwrap()
    );
    assert_eq!(Levels::parse(&[99.9]).unwrap().as_slice()[0].level(), 0.999);
    assert_eq!(
        Levels::parse(&[0.95, 0.998]).unwrap(),
        Levels::pair_95_998()
    );
    assert!(Levels::parse(&[0.95, 0.99]).is_err());
    assert!(Levels::parse(&[]).is_err());
    assert!(Levels::parse(&[1.0]).is_err());
    assert_eq!(Confidence::new(0.998).unwrap().column_suffix(), "99_8");
    // Two levels in one call give both intervals, each equal to its single-level computation.
    let both = proportion(30.0, 200.0, &Levels::pair_95_998(), 100.0).unwrap();
    let only = proportion(30.0, 200.0, &Levels::parse(&[0.998]).unwrap(), 100.0).unwrap();
    assert_eq!(both.intervals().len(), 2);
    assert_eq!(both.intervals()[1], only.intervals()[0]);
}

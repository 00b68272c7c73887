//! The inequalities engine end to end, through the real binary: every figure checked against
//! an independent computation on small hand-made data; bad definitions rejected by file with
//! the previous results kept; the published view never shows a count from 1 to 7; and the
//! effects planted in the synthetic ICS recovered.

use std::path::Path;
use std::process::{Command, Output};

use equalis_disclosure::{Cell, Publishable};
use equalis_results::{PublishedRow, ResultRow, Results, Statistic, View, publish, read_results};

fn equalis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Three LSOAs of Leicester, Leicestershire and Rutland with IoD 2025 deciles 1, 5 and 10.
const DECILE_1: &str = "E01013600";
const DECILE_5: &str = "E01013606";
const DECILE_10: &str = "E01013798";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// A workspace with 20 people, 14 on the SMI register (6 in a Core20 LSOA), health checks
/// for 2 of the Core20 and 6 of the other 8, and 8 open pathways at two trusts.
fn hand_made(dir: &Path) -> String {
    let ws = dir.join("ws");
    let ws_s = ws.to_str().unwrap().to_owned();
    ok(&equalis(&["init", &ws_s]));
    let mut pop = String::from(
        "person_id,age,sex,ethnic_category,lsoa_code,gp_practice_code,smi,extract_date\n",
    );
    for i in 1..=20 {
        let (lsoa, smi) = match i {
            1..=6 => (DECILE_1, "Y"),
            7..=14 => (DECILE_10, "Y"),
            _ => (DECILE_5, "N"),
        };
        let sex = if i % 2 == 0 { "2" } else { "1" };
        pop.push_str(&format!(
            "P{i:02},{},{sex},A,{lsoa},C82001,{smi},2026-03-31\n",
            20 + i
        ));
    }
    let mut events = String::from("person_id,event_date,event_type,value\n");
    for p in ["P01", "P02", "P07", "P08", "P09", "P10", "P11", "P12"] {
        events.push_str(&format!("{p},2025-06-15,smi_health_check,\n"));
    }
    // A check in the previous year does not count in 2025/26.
    events.push_str("P03,2025-03-31,smi_health_check,\n");
    // Activity on the first and last days makes 2025/26 a complete year.
    events.push_str("P15,2025-04-01,flu_vaccination,\nP16,2026-03-31,flu_vaccination,\n");
    let mut wl = String::from(
        "pathway_id,person_id,snapshot_date,provider_code,treatment_function_code,priority,rtt_start_date\n",
    );
    let snapshot = jiff::civil::date(2026, 3, 29);
    for (k, (provider, days)) in [
        ("RWE", 10),
        ("RWE", 50),
        ("RWE", 130),
        ("RWE", 200),
        ("RWE", 400),
        ("RLT", 7),
        ("RLT", 14),
        ("RLT", 126),
    ]
    .into_iter()
    .enumerate()
    {
        let start = snapshot.checked_sub(jiff::Span::new().days(days)).unwrap();
        wl.push_str(&format!(
            "W{k},P{:02},{snapshot},{provider},110,P2,{start}\n",
            k + 1
        ));
    }
    for (dataset, text) in [
        ("population", pop),
        ("events", events),
        ("waiting_list", wl),
    ] {
        let file = write(dir, &format!("{dataset}.csv"), &text);
        ok(&equalis(&[
            "ingest",
            "--workspace",
            &ws_s,
            "--dataset",
            dataset,
            &file,
        ]));
    }
    ws_s
}

fn find<'a>(
    rows: &'a [ResultRow],
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
) -> &'a ResultRow {
    rows.iter()
        .find(|r| {
            r.indicator_id == id
                && r.period == period
                && r.breakdown == breakdown
                && r.group == group
        })
        .unwrap_or_else(|| panic!("no row {id} {period} {breakdown} {group}"))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1e-12), "{a} vs {b}");
}

/// Wilson score limits, written out here independently of the statistics crate.
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.959_963_984_540_054;
    let p = x / n;
    let centre = 2.0 * x + z * z;
    let spread = z * (z * z + 4.0 * x * (1.0 - p)).sqrt();
    let denom = 2.0 * (n + z * z);
    ((centre - spread) / denom, (centre + spread) / denom)
}

/// Type 7 percentile of a list, written out independently.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() as f64 - 1.0) * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[test]
fn figures_match_an_independent_computation() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = hand_made(tmp.path());
    ok(&equalis(&["compute", "--workspace", &ws]));
    let results = read_results(Path::new(&ws)).unwrap();
    let rows = &results.analyst().indicators;

    // SMI health checks in 2025/26: Core20 2 of 6, others 6 of 8, everyone 8 of 14.
    for (breakdown, group, x, n) in [
        ("core20", "Core20", 2.0, 6.0),
        ("core20", "Not Core20", 6.0, 8.0),
        ("all", "All", 8.0, 14.0),
        ("imd_decile", "10", 6.0, 8.0),
        ("sex", "Male", 4.0, 7.0),
    ] {
        let r = find(rows, "smi_health_check", "2025/26", breakdown, group);
        assert_eq!((r.numerator, r.denominator), (Some(x), Some(n)), "{group}");
        close(r.value.unwrap(), x / n * 100.0);
        let (lo, hi) = wilson(x, n);
        close(r.lowercl.unwrap(), lo * 100.0);
        close(r.uppercl.unwrap(), hi * 100.0);
    }
    // A pair, named in the documented order.
    let r = find(
        rows,
        "smi_health_check",
        "2025/26",
        "sex x core20",
        "Female x Core20",
    );
    assert_eq!((r.numerator, r.denominator), (Some(1.0), Some(3.0)));
    // Only one complete financial year is covered.
    assert!(
        rows.iter()
            .all(|r| r.indicator_id != "smi_health_check" || r.period == "2025/26")
    );

    // Waiting list at 29 March 2026.
    let rwe = [10.0, 50.0, 130.0, 200.0, 400.0].map(|d| d / 7.0);
    let all = [10.0, 50.0, 130.0, 200.0, 400.0, 7.0, 14.0, 126.0].map(|d| d / 7.0);
    let p = "2026-03-29";
    assert_eq!(find(rows, "wl_size", p, "all", "All").value, Some(8.0));
    assert_eq!(find(rows, "wl_size", p, "provider", "RWE").value, Some(5.0));
    close(
        find(rows, "wl_median_weeks", p, "provider", "RWE")
            .value
            .unwrap(),
        percentile(&rwe, 0.5),
    );
    close(
        find(rows, "wl_p92_weeks", p, "provider", "RWE")
            .value
            .unwrap(),
        percentile(&rwe, 0.92),
    );
    close(
        find(rows, "wl_median_weeks", p, "all", "All")
            .value
            .unwrap(),
        percentile(&all, 0.5),
    );
    close(
        find(rows, "wl_p92_weeks", p, "all", "All").value.unwrap(),
        percentile(&all, 0.92),
    );
    // Over 18 weeks means more than 126 days: 126 exactly is not over.
    let over18 = find(rows, "wl_over_18_weeks", p, "provider", "RLT");
    assert_eq!(
        (over18.numerator, over18.denominator),
        (Some(0.0), Some(3.0))
    );
    let over18 = find(rows, "wl_over_18_weeks", p, "all", "All");
    assert_eq!(
        (over18.numerator, over18.denominator),
        (Some(3.0), Some(8.0))
    );
    let over52 = find(rows, "wl_over_52_weeks", p, "provider", "RWE");
    assert_eq!(
        (over52.numerator, over52.denominator),
        (Some(1.0), Some(5.0))
    );
    // Every pathway is in the one stratum (110, P2), so case-mix expected = observed overall.
    let cm = find(rows, "wl_casemix_over_18_weeks", p, "all", "All");
    assert_eq!(cm.numerator, Some(3.0));
    close(cm.denominator.unwrap(), 3.0);
    let cm = find(rows, "wl_casemix_over_18_weeks", p, "provider", "RWE");
    close(cm.denominator.unwrap(), 5.0 * 3.0 / 8.0);
    close(cm.value.unwrap(), 3.0 / (5.0 * 3.0 / 8.0));

    // The published view: small counts withheld with everything derived from them.
    let out = ok(&equalis(&[
        "results",
        "--workspace",
        &ws,
        "--indicator",
        "smi_health_check",
        "--breakdown",
        "core20",
        "--format",
        "csv",
    ]));
    insta::assert_snapshot!(out, @r"
    indicator_id,period,breakdown,group,numerator,denominator,value,lowercl,uppercl,comparison,note
    smi_health_check,2025/26,core20,Core20,*,*,*,*,*,,withheld: a count from 1 to 7 (NHS Digital small-number rule)
    smi_health_check,2025/26,core20,Not Core20,*,10,*,*,*,,withheld: a count from 1 to 7 (NHS Digital small-number rule)
    ");
    let out = ok(&equalis(&[
        "results",
        "--workspace",
        &ws,
        "--indicator",
        "smi_health_check",
        "--breakdown",
        "all",
        "--format",
        "csv",
        "--unsuppressed",
    ]));
    assert!(
        out.contains("smi_health_check,2025/26,all,All,8,14,57.142857"),
        "{out}"
    );
    // A mistyped breakdown is answered with the names it is closest to.
    let o = equalis(&[
        "results",
        "--workspace",
        &ws,
        "--indicator",
        "smi_health_check",
        "--breakdown",
        "ethnicity",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("did you mean `ethnic_category`, `ethnic_group`"),
        "{err}"
    );
    // A pair may be asked for in either order.
    let out = ok(&equalis(&[
        "results",
        "--workspace",
        &ws,
        "--indicator",
        "smi_health_check",
        "--breakdown",
        "core20 x sex",
        "--format",
        "csv",
        "--unsuppressed",
    ]));
    assert!(out.contains("sex x core20,Female x Core20,1,3,"), "{out}");
}

#[test]
fn bad_definitions_are_named_and_leave_the_previous_results() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = hand_made(tmp.path());
    ok(&equalis(&["compute", "--workspace", &ws]));
    let before = read_results(Path::new(&ws)).unwrap();

    // An analyst's own indicator is computed beside the shipped ones.
    let dir = Path::new(&ws).join("indicators");
    std::fs::create_dir_all(&dir).unwrap();
    let own = r#"
id = "smi_women"
name = "Women on the SMI register"
area = "Severe mental illness"
statistic = "proportion"
period = "financial_year"
[denominator]
from = "population"
where = "smi"
[numerator]
where = "sex = '2'"
"#;
    std::fs::write(dir.join("smi_women.toml"), own).unwrap();
    ok(&equalis(&["compute", "--workspace", &ws]));
    let after = read_results(Path::new(&ws)).unwrap();
    let r = find(
        after.analyst().indicators,
        "smi_women",
        "2025/26",
        "all",
        "All",
    );
    assert_eq!((r.numerator, r.denominator), (Some(7.0), Some(14.0)));

    for (text, expected) in [
        (
            own.replace("sex = '2'", "no_such_column = 1"),
            "no_such_column",
        ),
        (
            own.replace("\"proportion\"", "\"mean\""),
            "unknown statistic `mean`",
        ),
        (
            own.replace("sex = '2'", "sex = = '2'"),
            "the SQL does not run",
        ),
    ] {
        std::fs::write(dir.join("smi_women.toml"), &text).unwrap();
        let o = equalis(&["compute", "--workspace", &ws]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("smi_women.toml"), "{err}");
        assert!(err.contains(expected), "{err}");
        // Nothing was written: the results are those of the last good compute.
        assert_eq!(read_results(Path::new(&ws)).unwrap().dir(), after.dir());
    }
    assert_ne!(before.dir(), after.dir());
}

/// Every count in a published CSV is 0, more than 7, or `*`.
fn assert_no_small_counts(csv: &str) {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        for c in [&record[4], &record[5]] {
            if let Ok(n) = c.parse::<f64>() {
                assert!(n == 0.0 || n > 7.0, "published count {n} in {record:?}");
            }
        }
    }
}

#[test]
fn planted_effects_are_recovered_and_published_counts_are_safe() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir_s = dir.to_str().unwrap();
    let out = ok(&equalis(&[
        "demo",
        "--dir",
        dir_s,
        "--scale",
        "0.05",
        "--no-serve",
    ]));
    assert!(out.contains("Wrote the report"), "{out}");
    assert!(dir.join("report/index.html").is_file());
    let ws = dir.join("workspace");
    let results = read_results(&ws).unwrap();
    let rows = &results.analyst().indicators;
    let latest = rows
        .iter()
        .filter(|r| r.indicator_id == "wl_size")
        .map(|r| r.period.clone())
        .max()
        .unwrap();

    // Longer waits for Core20 patients at the main trust (RWE): a significant gap.
    let gap = find(
        rows,
        "wl_gap_core20_over_18_weeks",
        &latest,
        "provider",
        "RWE",
    );
    assert!(gap.lowercl.unwrap() > 0.0, "{gap:?}");
    // Narrowing over time at the second trust (RLT): the first quarter's mean gap is well
    // above the last quarter's.
    let mut rlt: Vec<&ResultRow> = rows
        .iter()
        .filter(|r| {
            r.indicator_id == "wl_gap_core20_over_18_weeks"
                && r.breakdown == "provider"
                && r.group == "RLT"
        })
        .collect();
    rlt.sort_by(|a, b| a.period.cmp(&b.period));
    let mean = |rs: &[&ResultRow]| rs.iter().filter_map(|r| r.value).sum::<f64>() / rs.len() as f64;
    let (first, last) = (mean(&rlt[..13]), mean(&rlt[rlt.len() - 13..]));
    assert!(
        first > last + 3.0,
        "RLT gap first quarter {first}, last quarter {last}"
    );
    assert!(
        results
            .analyst()
            .spc
            .iter()
            .any(|s| s.indicator_id == "wl_gap_core20_over_18_weeks" && s.group == "RLT")
    );

    // Lower SMI health-check uptake in Core20, significantly, in both years.
    for period in ["2024/25", "2025/26"] {
        let core20 = find(rows, "smi_health_check", period, "core20", "Core20");
        let other = find(rows, "smi_health_check", period, "core20", "Not Core20");
        assert!(
            core20.uppercl.unwrap() < other.lowercl.unwrap(),
            "{core20:?} {other:?}"
        );
    }
    let sii = results
        .analyst()
        .inequality
        .iter()
        .find(|s| {
            s.indicator_id == "smi_health_check"
                && s.period == "2025/26"
                && s.breakdown == "all"
                && s.measure == "sii"
        })
        .unwrap();
    assert!(
        sii.lowercl.unwrap() > 0.0,
        "uptake rises towards the least deprived: {sii:?}"
    );

    // Emergency COPD admissions per register patient: about twice as high in quintile 1 as 5.
    for period in ["2024/25", "2025/26"] {
        let q1 = find(
            rows,
            "copd_emergency_admissions_register",
            period,
            "imd_quintile",
            "1",
        );
        let q5 = find(
            rows,
            "copd_emergency_admissions_register",
            period,
            "imd_quintile",
            "5",
        );
        let ratio = q1.value.unwrap() / q5.value.unwrap();
        assert!((1.4..3.2).contains(&ratio), "{period} ratio {ratio}");
    }

    // The GP registration gap: young adults far more often unregistered than people aged
    // 45-64 (planted 3.0 against 0.8), with the ONS estimates scaled to the demo's 0.05.
    let gap_period = rows
        .iter()
        .filter(|r| r.indicator_id == "gp_registration_gap")
        .map(|r| r.period.clone())
        .max()
        .unwrap();
    let young = find(
        rows,
        "gp_registration_gap",
        &gap_period,
        "age_band",
        "18-24",
    );
    let middle = find(
        rows,
        "gp_registration_gap",
        &gap_period,
        "age_band",
        "45-64",
    );
    let ratio = young.value.unwrap() / middle.value.unwrap();
    assert!(
        (2.0..7.0).contains(&ratio),
        "registration gap 18-24 {young:?} vs 45-64 {middle:?}"
    );
    let all = find(rows, "gp_registration_gap", &gap_period, "all", "All");
    assert!(
        (1.0..10.0).contains(&all.value.unwrap()),
        "a gap of a few per cent overall: {all:?}"
    );
    assert!(all.note.as_deref().unwrap_or("").contains("scaled by 0.05"));

    cannot_be_solved_back(&results);

    // Published outputs never show a count from 1 to 7.
    let ws_s = ws.to_str().unwrap();
    for id in [
        "smi_health_check",
        "cyp_tooth_extractions",
        "wl_over_52_weeks",
        "copd_emergency_admissions",
    ] {
        let csv = ok(&equalis(&[
            "results",
            "--workspace",
            ws_s,
            "--indicator",
            id,
            "--format",
            "csv",
        ]));
        assert!(csv.lines().count() > 10, "{id}");
        assert_no_small_counts(&csv);
    }
}

fn numerator_of(r: &PublishedRow) -> &Publishable<Cell> {
    &r.numerator
}

fn denominator_of(r: &PublishedRow) -> &Publishable<Cell> {
    &r.denominator
}

/// A published count as the interval of exact counts it stands for, to a reader who knows
/// the rules and reads the row's note: 0 is 0, 10 is 8 to 12, another multiple of 5 is ±2,
/// and `*` is 1 to 7 (or 0 to 7, or anything, when the note says it was withheld with its
/// group or breakdown). A count must be rounded.
fn bounds(c: &Publishable<Cell>, note: Option<&str>) -> Option<(i64, i64)> {
    if let Cell::Count(n) = c.get() {
        assert!(
            *n == 0 || (*n >= 10 && n % 5 == 0),
            "published count {n} is not rounded"
        );
    }
    equalis_results::count_bounds(c, note).map(|(lo, hi)| (lo as i64, hi.min(1 << 40) as i64))
}

fn number(c: &Publishable<Cell>) -> Option<f64> {
    match c.get() {
        Cell::Count(n) => Some(*n as f64),
        Cell::Value(v) | Cell::Percentage(v) => Some(*v),
        _ => None,
    }
}

/// The published view of the whole demo cannot be solved back to any count from 1 to 7:
///
/// 1. every published count is 0, `*`, or a multiple of 5 above 7;
/// 2. every figure made of counts (proportion, rate, observed ÷ expected, gap between two
///    proportions, shortfall) and every SPC point is exactly what its published counts give
///    (Wilson limits written out here), so no digit of it carries more than the rounded
///    counts do;
/// 3. by difference: for every breakdown (and each row of every pair against its margin),
///    each withheld count is left with at least two possible values by the published totals
///    and siblings.
fn cannot_be_solved_back(results: &Results) {
    let (rows, _, spc) = publish(
        &View::Published,
        results.analyst().indicators,
        &[],
        results.analyst().spc,
    );
    let mut checked = 0;
    for r in &rows {
        for c in [
            &r.numerator,
            &r.denominator,
            &r.comparator_numerator,
            &r.comparator_denominator,
        ] {
            let _ = bounds(c, r.note.as_deref());
        }
        if r.statistic == Statistic::Count {
            let _ = bounds(&r.value, r.note.as_deref());
        }
        let (n, d) = (number(&r.numerator), number(&r.denominator));
        match r.statistic {
            Statistic::Proportion => {
                let (Some(n), Some(d), Some(v)) = (n, d, number(&r.value)) else {
                    continue;
                };
                close(v, n / d * 100.0);
                let (lo, hi) = wilson(n, d);
                close(number(&r.lowercl).unwrap(), lo * 100.0);
                close(number(&r.uppercl).unwrap(), hi * 100.0);
                checked += 1;
            }
            Statistic::CrudeRate | Statistic::Ratio => {
                if let (Some(n), Some(d), Some(v)) = (n, d, number(&r.value)) {
                    close(v, n / d * r.multiplier);
                    checked += 1;
                }
            }
            Statistic::Shortfall => {
                if let (Some(est), Some(reg), Some(v)) = (n, d, number(&r.value)) {
                    close(v, (est - reg) / est * 100.0);
                    checked += 1;
                }
            }
            Statistic::Gap if r.comparator_denominator.get() != &Cell::NotApplicable => {
                let c = (
                    number(&r.comparator_numerator),
                    number(&r.comparator_denominator),
                );
                if let (Some(n), Some(d), (Some(cn), Some(cd)), Some(v)) =
                    (n, d, c, number(&r.value))
                {
                    close(v, (n / d - cn / cd) * 100.0);
                    checked += 1;
                }
            }
            _ => {}
        }
    }
    assert!(checked > 1000, "only {checked} figures checked");
    for p in &spc {
        if let Some(v) = number(&p.value) {
            if p.point.is_none() {
                panic!("a published point without its type: {p:?}");
            }
            let row = results
                .analyst()
                .spc
                .iter()
                .find(|s| {
                    s.indicator_id == p.indicator_id
                        && s.group == p.group
                        && s.period == p.period
                        && s.breakdown == p.breakdown
                })
                .unwrap();
            if row.statistic == Statistic::Proportion {
                let policy = equalis_disclosure::Nhsd2018::default();
                let publish = |x: Option<f64>| {
                    number(&policy.count(x.unwrap() as u64, equalis_disclosure::Level::SubNational))
                };
                close(
                    v,
                    publish(row.numerator).unwrap() / publish(row.denominator).unwrap() * 100.0,
                );
            }
        }
    }

    // By difference. (indicator, period, breakdown) → group → published row.
    use std::collections::BTreeMap;
    let mut tables: BTreeMap<(&str, &str, &str), Vec<&PublishedRow>> = BTreeMap::new();
    for r in &rows {
        tables
            .entry((
                r.indicator_id.as_str(),
                r.period.as_str(),
                r.breakdown.as_str(),
            ))
            .or_default()
            .push(r);
    }
    let mut withheld_checked = 0;
    for ((id, period, breakdown), groups) in &tables {
        // Margins: the whole ICS for a single breakdown; the single breakdown's row for each
        // first group of a pair.
        let margins: Vec<(&PublishedRow, Vec<&PublishedRow>)> = if *breakdown == "all" {
            continue;
        } else if let Some((first, _)) = breakdown.split_once(" x ") {
            let Some(singles) = tables.get(&(*id, *period, first)) else {
                continue;
            };
            singles
                .iter()
                .map(|m| {
                    let prefix = format!("{} x ", m.group);
                    (
                        *m,
                        groups
                            .iter()
                            .copied()
                            .filter(|g| g.group.starts_with(&prefix))
                            .collect(),
                    )
                })
                .collect()
        } else {
            let Some(all) = tables.get(&(*id, *period, "all")) else {
                continue;
            };
            vec![(all[0], groups.clone())]
        };
        for (margin, parts) in margins {
            for pick in [
                numerator_of as fn(&PublishedRow) -> &Publishable<Cell>,
                denominator_of,
            ] {
                let Some((m_lo, m_hi)) = bounds(pick(margin), margin.note.as_deref()) else {
                    continue;
                };
                // Only additive counts (a person in exactly one group of the breakdown).
                if !matches!(margin.statistic, Statistic::Proportion | Statistic::Count) {
                    continue;
                }
                let b: Option<Vec<(i64, i64)>> = parts
                    .iter()
                    .map(|p| bounds(pick(p), p.note.as_deref()))
                    .collect();
                let Some(b) = b else { continue };
                for (k, p) in parts.iter().enumerate() {
                    if !matches!(pick(p).get(), Cell::Suppressed(_)) {
                        continue;
                    }
                    let (others_lo, others_hi) = b
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != k)
                        .fold((0, 0), |(lo, hi), (_, (l, h))| (lo + l, hi + h));
                    let (own_lo, own_hi) = b[k];
                    let lo = (m_lo - others_hi).max(own_lo);
                    let hi = (m_hi - others_lo).min(own_hi);
                    // One value from 1 to 7 left would give the count away (a zero worked out is
                    // no disclosure; none left means the groups do not add up to the total).
                    assert!(
                        hi != lo || lo == 0,
                        "{id} {period} {breakdown} {}: the withheld count is solved back to {lo}..{hi}",
                        p.group
                    );
                    withheld_checked += 1;
                }
            }
        }
    }
    assert!(
        withheld_checked > 100,
        "only {withheld_checked} withheld counts checked"
    );
}

/// Issue 18, items 5 and 8: a person on two rows of `population` (an older equalis let
/// `--append` of the same extract make one) doubled every figure joined to them, and a part
/// changed after it was committed gave wrong figures with exit 0. Compute refuses both.
/// An engine choice that cannot run is refused before anything is read or written:
/// `--scheduler` without `--engine ballista`, and (in a build without the `ballista` feature,
/// as the README's build is) `--engine ballista` itself, each with the fix.
#[test]
fn engine_choices_that_cannot_run_are_refused_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = hand_made(tmp.path());
    let o = equalis(&[
        "compute",
        "--workspace",
        &ws,
        "--scheduler",
        "localhost:50050",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--scheduler is for --engine ballista"),
        "{err}"
    );
    assert!(err.contains("add `--engine ballista`"), "{err}");
    #[cfg(not(feature = "ballista"))]
    {
        let o = equalis(&["compute", "--workspace", &ws, "--engine", "ballista"]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("this equalis was built without Ballista"),
            "{err}"
        );
        assert!(err.contains("--features ballista"), "{err}");
    }
    assert!(
        !Path::new(&ws).join("results/CURRENT").exists(),
        "nothing computed"
    );
}

#[test]
fn compute_refuses_duplicate_people_and_changed_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = hand_made(tmp.path());
    let data = Path::new(&ws).join("data");

    // A population version as `--append` of the same extract made it before: the part
    // listed twice, with no key fingerprint or checksums (an older manifest).
    let pop = data.join("population");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pop.join("v000001/manifest.json")).unwrap())
            .unwrap();
    std::fs::create_dir(pop.join("v000002")).unwrap();
    std::fs::copy(
        pop.join("v000001/part-00000.parquet"),
        pop.join("v000002/part-00000.parquet"),
    )
    .unwrap();
    manifest["version"] = 2.into();
    manifest["rows"] = 40.into();
    manifest["appended_to"] = 1.into();
    manifest["parts"] =
        serde_json::json!(["v000001/part-00000.parquet", "v000002/part-00000.parquet"]);
    let m = manifest.as_object_mut().unwrap();
    m.remove("key_fingerprint");
    m.remove("checksums");
    std::fs::write(pop.join("v000002/manifest.json"), manifest.to_string()).unwrap();
    std::fs::write(pop.join("CURRENT"), "v000002").unwrap();
    let o = equalis(&["compute", "--workspace", &ws, "--no-pairs"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("dataset `population` version 2 has 20 people on more than one row (40 rows between them)"),
        "{err}"
    );
    assert!(
        !Path::new(&ws).join("results/CURRENT").exists(),
        "nothing computed"
    );

    // Back to the good population; a byte of the waiting list changed since its commit.
    std::fs::write(pop.join("CURRENT"), "v000001").unwrap();
    let part = data.join("waiting_list/v000001/part-00000.parquet");
    let mut bytes = std::fs::read(&part).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&part, bytes).unwrap();
    let o = equalis(&["compute", "--workspace", &ws, "--no-pairs"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("waiting_list/v000001/part-00000.parquet"),
        "{err}"
    );
    assert!(err.contains("does not match the checksum"), "{err}");
}

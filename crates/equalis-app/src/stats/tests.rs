//! Runs of each method on small CSV files, checking the columns a script relies on and the
//! one rule for blank and invalid cells.

use super::*;

/// A method with its `group_by` columns and confidence levels, as a caller asks for it.
struct Call {
    method: Method,
    group_by: Vec<String>,
    confidence: Vec<f64>,
}

/// `method` by `group_by` at 95% (the command line's default).
fn call(method: Method, group_by: &[&str]) -> Call {
    Call {
        method,
        group_by: group_by.iter().map(|s| s.to_string()).collect(),
        confidence: vec![0.95],
    }
}

/// Runs a call on CSV text as `equalis stats` would, up to the output.
fn run_on(csv_text: &str, call: &Call) -> crate::Result<Output> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    std::fs::write(&path, csv_text).unwrap();
    let table = Table::read(&path)?;
    let levels = Levels::parse(&call.confidence).unwrap();
    compute(&call.method, &table, &call.group_by, &levels)
}

fn fraction(numerator: &str, denominator: &str) -> Fraction {
    Fraction {
        numerator: numerator.into(),
        denominator: denominator.into(),
    }
}

/// `proportion` of `x` over `n`, as a plain proportion (the command line's default multiplier).
fn proportion() -> Method {
    Method::Proportion(Proportion {
        fraction: fraction("x", "n"),
        multiplier: 1.0,
    })
}

/// `proportion` of `x` over `n` by `area`.
fn proportion_by_area() -> Call {
    call(proportion(), &["area"])
}

/// `proportion` of `x` over `n` for all rows.
fn proportion_of_all() -> Call {
    call(proportion(), &[])
}

/// `dsr` of `count` over `pop` standardised to `esp`, per 100,000.
fn dsr(count: &str, event_frequency: Option<EventFrequency>) -> Method {
    Method::Dsr(Dsr {
        count: count.into(),
        population: "pop".into(),
        standard_population: "esp".into(),
        multiplier: 100_000.0,
        event_frequency,
    })
}

/// `life-expectancy` from `deaths` and `pop` by start `age`.
fn life_expectancy() -> Method {
    Method::LifeExpectancy(LifeExpectancy {
        deaths: "deaths".into(),
        population: "pop".into(),
        start_age: "age".into(),
    })
}

/// `sii` of `v` over quantile `q` with standard errors `se`, without RII or intercept.
fn sii(repetitions: usize) -> Sii {
    Sii {
        quantile: "q".into(),
        population: "pop".into(),
        value: "v".into(),
        errors: SiiErrors::Se("se".into()),
        value_type: 0,
        transform: false,
        rii: false,
        intercept: false,
        multiplier: 1.0,
        repetitions,
        seed: 1,
    }
}

/// `spc` of `v` by `month`, with the command line's defaults.
fn spc(facet: Option<&str>, target: Option<f64>) -> Method {
    Method::Spc(Spc {
        value: "v".into(),
        date: "month".into(),
        facet: facet.map(String::from),
        rebase: None,
        fix_after: None,
        improvement: equalis_stats::ImprovementDirection::Increase,
        target,
        screen_outliers: true,
        rule_2of3: equalis_stats::Rule2of3::Package,
        run_length: 7,
    })
}

/// `x` over `n` of each value of `q` against `q = 5`.
fn compare_q_with_5() -> Compare {
    Compare {
        fraction: fraction("x", "n"),
        compare_by: "q".into(),
        reference: "5".into(),
    }
}

/// The gap in proportion of [`compare_q_with_5`].
fn proportion_gap() -> Method {
    Method::Gap(Gap {
        compare: compare_q_with_5(),
        statistic: GapStatistic::Proportion,
        multiplier: None,
    })
}

#[test]
fn proportion_grouped_with_two_levels() {
    let out = run_on(
        "area,sex,x,n\nA,F,10,100\nB,F,3,50\nA,F,5,100\nA,M,,\n",
        &Call {
            method: Method::Proportion(Proportion {
                fraction: fraction("x", "n"),
                multiplier: 100.0,
            }),
            group_by: vec!["area".into(), "sex".into()],
            confidence: vec![0.95, 0.998],
        },
    )
    .unwrap();
    assert_eq!(
        out.header,
        [
            "area",
            "sex",
            "x",
            "n",
            "value",
            "lower95_0cl",
            "upper95_0cl",
            "lower99_8cl",
            "upper99_8cl",
            "confidence",
            "statistic",
            "method",
            "note"
        ]
    );
    assert_eq!(out.rows.len(), 3);
    assert_eq!(out.rows[0][..5], ["A", "F", "15", "200", "7.5"]);
    assert_eq!(out.rows[0][9..12], ["95%, 99.8%", "percentage", "Wilson"]);
    assert_eq!(
        out.rows[2][12],
        "not calculated: `x` is blank in row 5; `n` is blank in row 5"
    );
    assert_eq!(out.attention.not_calculated, 1);
}

#[test]
fn dsr_below_ten_events_says_why() {
    let out = run_on(
        "area,count,pop,esp\nA,4,1000,5000\nA,5,1000,5500\n",
        &call(dsr("count", None), &["area"]),
    )
    .unwrap();
    assert_eq!(out.rows[0][3], "");
    assert_eq!(
        out.rows[0].last().unwrap(),
        "DSR not calculated: total count 9 < 10"
    );
}

#[test]
fn missing_column_lists_columns_found() {
    let err = run_on(
        "a,b\n1,2\n",
        &call(
            Method::Rate(Rate {
                fraction: fraction("x", "b"),
                multiplier: 100_000.0,
            }),
            &[],
        ),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .contains("column `x` is missing (found: a, b)"),
        "{err}"
    );
}

#[test]
fn quantile_keeps_input_rows() {
    let out = run_on(
        "lsoa,imd\nL1,30\nL2,10\nL3,20\nL4,\n",
        &call(
            Method::Quantile(Quantile {
                value: "imd".into(),
                quantiles: 3,
                inversion: Inversion::Yes,
            }),
            &[],
        ),
    )
    .unwrap();
    let q: Vec<&str> = out.rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(q, ["1", "3", "2", ""]);
    assert_eq!(out.rows[3][3], "not calculated: `imd` is blank in row 5");
}

#[test]
fn gap_against_reference() {
    let out = run_on("q,x,n\n1,60,100\n5,40,100\n", &call(proportion_gap(), &[])).unwrap();
    assert_eq!(out.header[..3], ["q", "gap", "gap_lowercl"]);
    assert_eq!(out.rows.len(), 1);
    let gap: f64 = out.rows[0][1].parse().unwrap();
    assert!((gap - 20.0).abs() < 1e-9, "{gap}");
}

#[test]
fn spc_marks_assurance_on_last_row() {
    let values = [50, 52, 49, 51, 53, 48, 50, 52, 51, 49, 50, 48];
    let mut text = String::from("month,v\n");
    for (i, v) in values.iter().enumerate() {
        text.push_str(&format!("2025-{:02},{v}\n", i + 1));
    }
    let out = run_on(&text, &call(spc(None, Some(30.0)), &[])).unwrap();
    let assurance = out.header.iter().position(|h| h == "assurance").unwrap();
    assert_eq!(out.rows.last().unwrap()[assurance], "consistent_pass");
    assert_eq!(out.rows[0][assurance], "");
    assert_eq!(out.header.last().unwrap(), "note");
}

/// The `twenty_bands` case of equalis-stats/tests/golden/life_expectancy.csv: deaths,
/// population and start age of each band.
const DEATHS: [u32; 20] = [
    5, 1, 1, 1, 3, 4, 6, 8, 11, 16, 25, 40, 60, 85, 120, 160, 210, 260, 280, 250,
];
const POPS: [u32; 20] = [
    1200, 4800, 6100, 5900, 5600, 6200, 6900, 7100, 6800, 6500, 7000, 7300, 6900, 6000, 5400, 4800,
    3500, 2400, 1400, 600,
];
const AGES: [u32; 20] = [
    0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
];

#[test]
fn life_expectancy_matches_golden_value() {
    let mut text = String::from("area,age,deaths,pop\n");
    // Rows out of age order on purpose: the command sorts them.
    for i in (0..20).rev() {
        text.push_str(&format!("A,{},{},{}\n", AGES[i], DEATHS[i], POPS[i]));
    }
    let out = run_on(&text, &call(life_expectancy(), &["area"])).unwrap();
    assert_eq!(
        out.header[..6],
        [
            "area",
            "startage",
            "pops_used",
            "dths_used",
            "value",
            "lowercl"
        ]
    );
    let e0: f64 = out.rows[0][4].parse().unwrap();
    assert!((e0 / 75.2564041263443 - 1.0).abs() < 1e-8, "{e0}");
    assert_eq!(out.rows[0][8], "life expectancy at 0");
}

#[test]
fn sii_columns() {
    let out = run_on(
        "q,pop,v,se\n2,1000,8,1\n1,1000,10,1\n3,1000,6,1\n",
        &call(
            Method::Sii(Sii {
                rii: true,
                intercept: true,
                ..sii(2000)
            }),
            &[],
        ),
    )
    .unwrap();
    assert_eq!(
        out.header[..7],
        [
            "sii",
            "sii_lowercl",
            "sii_uppercl",
            "rii",
            "rii_lowercl",
            "rii_uppercl",
            "intercept"
        ]
    );
    // Sorted by quantile, values fall 10, 8, 6 across equal populations: SII = -6.
    let sii: f64 = out.rows[0][0].parse().unwrap();
    assert!((sii + 6.0).abs() < 1e-9, "{sii}");
}

// One incomplete group among good ones, for every method: the good groups' figures are exactly
// those of a file without the bad group, the bad group is blank with a note naming the row, and
// the run needs attention (exit status 3).

/// The rows of `out` whose first column is `key`.
fn rows_of<'o>(out: &'o Output, key: &str) -> Vec<&'o Vec<String>> {
    out.rows.iter().filter(|r| r[0] == key).collect()
}

/// Runs `args` on `good` and on `good` + `bad` (same header): the groups in `good` come out the
/// same, and returns the output of the run with the bad group.
fn good_groups_unchanged(header: &str, good: &str, bad: &str, args: &Call) -> Output {
    let clean = run_on(&format!("{header}\n{good}"), args).unwrap();
    assert_eq!(clean.attention.results, 0, "{:?}", clean.rows);
    let mixed = run_on(&format!("{header}\n{good}{bad}"), args).unwrap();
    // The good groups come first, in the same order.
    assert_eq!(
        mixed.rows[..clean.rows.len()],
        clean.rows[..],
        "a good group changed when a bad one was added"
    );
    assert!(mixed.attention.results > 0);
    mixed
}

/// The value column of `row` is blank and its note says why, naming `needle`.
fn blank_with_note(out: &Output, row: &[String], value_column: &str, needle: &str) {
    let v = out.header.iter().position(|h| h == value_column).unwrap();
    assert_eq!(row[v], "", "{row:?}");
    let note = row.last().unwrap();
    assert!(
        note.starts_with("not calculated: ") && note.contains(needle),
        "{note}"
    );
}

#[test]
fn proportion_without_group_by_is_never_half_counted() {
    // Issue 21: 75/320 (the blank numerator's denominator kept) was a wrong number.
    let out = run_on("area,x,n\nA,50,200\nB,,30\nC,25,90\n", &proportion_of_all()).unwrap();
    assert_eq!(out.rows.len(), 1);
    let row = &out.rows[0];
    assert_eq!(row[..3], ["", "", ""], "no sums of half the rows: {row:?}");
    assert_eq!(row.last().unwrap(), "not calculated: `x` is blank in row 3");
    assert_eq!(out.attention.not_calculated, 1);
    assert_eq!(out.attention.lines.iter().copied().collect::<Vec<_>>(), [3]);
    // The same file grouped by area: the two complete areas are calculated.
    let out = run_on(
        "area,x,n\nA,50,200\nB,,30\nC,25,90\n",
        &proportion_by_area(),
    )
    .unwrap();
    assert_eq!(out.rows[0][..4], ["A", "50", "200", "0.25"]);
    assert_eq!(out.rows[1][..4], ["B", "", "", ""]);
    assert_eq!(out.rows[2][..3], ["C", "25", "90"]);
}

#[test]
fn proportion_and_rate_with_an_incomplete_group() {
    let header = "area,x,n";
    let good = "A,10,100\nA,5,100\nB,3,50\n";
    for method in ["proportion", "rate"] {
        let fraction = fraction("x", "n");
        let method = match method {
            "proportion" => Method::Proportion(Proportion {
                fraction,
                multiplier: 1.0,
            }),
            _ => Method::Rate(Rate {
                fraction,
                multiplier: 100_000.0,
            }),
        };
        let args = call(method, &["area"]);
        // A blank denominator, and a suppressed count written as `*`.
        let out = good_groups_unchanged(header, good, "C,4,80\nC,2,\n", &args);
        blank_with_note(
            &out,
            rows_of(&out, "C")[0],
            "value",
            "`n` is blank in row 6",
        );
        let out = good_groups_unchanged(header, good, "C,*,80\n", &args);
        blank_with_note(&out, rows_of(&out, "C")[0], "value", "`x` in row 5 is `*`");
    }
}

#[test]
fn invalid_values_refuse_their_group_only() {
    // A numerator above its denominator has no proportion; the other groups still do.
    let out = good_groups_unchanged("area,x,n", "A,10,100\n", "B,12,10\n", &proportion_by_area());
    blank_with_note(
        &out,
        rows_of(&out, "B")[0],
        "value",
        "greater than denominator",
    );
}

#[test]
fn mean_with_an_incomplete_group() {
    let out = good_groups_unchanged(
        "area,v",
        "A,10\nA,12\nA,15\nB,3\nB,4\n",
        "C,5\nC,\nC,7\n",
        &call(Method::Mean(Mean { value: "v".into() }), &["area"]),
    );
    let c = rows_of(&out, "C")[0];
    blank_with_note(&out, c, "value", "`v` is blank in row 8");
    // Not the mean of the values that are there.
    assert_eq!(c[1..4], ["", "", ""]);
}

#[test]
fn dsr_batch_with_one_incomplete_group() {
    // Issue 19: a missing population failed the whole batch.
    let args = call(dsr("count", None), &["area"]);
    let header = "area,age,count,pop,esp";
    let good = "A,0,10,1000,5000\nA,5,12,1000,5500\nB,0,30,2000,5000\nB,5,25,1800,5500\n";
    let out = good_groups_unchanged(header, good, "C,0,10,,5000\nC,5,12,1000,5500\n", &args);
    let c = rows_of(&out, "C")[0];
    blank_with_note(&out, c, "value", "`pop` is blank in row 6");
    assert_eq!(c[1..3], ["", ""], "no totals of half the bands");
    let a: f64 = rows_of(&out, "A")[0][3].parse().unwrap();
    // Independently: (10/1000 x 5000 + 12/1000 x 5500) / 10500 x 100000.
    let expected = (10.0 / 1000.0 * 5000.0 + 12.0 / 1000.0 * 5500.0) / 10500.0 * 100_000.0;
    assert!((a / expected - 1.0).abs() < 1e-12, "{a} vs {expected}");
    // A blank standard population too.
    let out = good_groups_unchanged(header, good, "C,0,10,1000,\nC,5,12,1000,5500\n", &args);
    blank_with_note(
        &out,
        rows_of(&out, "C")[0],
        "value",
        "`esp` is blank in row 6",
    );
}

#[test]
fn dsr_reads_a_blank_count_as_no_events_and_says_so() {
    let args = call(dsr("count", None), &[]);
    let blank = run_on("age,count,pop,esp\n0,,1000,5000\n5,12,1000,5500\n", &args).unwrap();
    let zero = run_on("age,count,pop,esp\n0,0,1000,5000\n5,12,1000,5500\n", &args).unwrap();
    let (b, z) = (&blank.rows[0], &zero.rows[0]);
    assert_eq!(b[..b.len() - 1], z[..z.len() - 1]);
    assert_eq!(
        b.last().unwrap(),
        "`count` is blank in row 2, read as 0 events as PHEindicatormethods does"
    );
    assert_eq!(blank.attention.results, 1);
    assert_eq!(blank.attention.not_calculated, 0);
    assert_eq!(zero.attention.results, 0);
}

#[test]
fn dsr_event_frequency_with_an_incomplete_group() {
    let frequency = EventFrequency {
        age_band: "band".into(),
        frequency: "f".into(),
    };
    let args = call(dsr("persons", Some(frequency)), &["area"]);
    let out = good_groups_unchanged(
        "area,band,f,persons,pop,esp",
        "A,0-4,1,20,1000,5000\nA,0-4,2,5,1000,5000\nA,5-9,1,15,1200,5500\n",
        "B,0-4,1,20,1000,5000\nB,0-4,,5,1000,5000\nB,5-9,1,15,1200,5500\n",
        &args,
    );
    blank_with_note(
        &out,
        rows_of(&out, "B")[0],
        "value",
        "`f` is blank in row 6",
    );
}

#[test]
fn isr_with_an_incomplete_group() {
    let args = call(
        Method::Isr(Isr {
            count: "x".into(),
            population: "n".into(),
            ref_count: "xr".into(),
            ref_population: "nr".into(),
            statistic: IsrStatistic::Ratio { ref_value: 100.0 },
        }),
        &["area"],
    );
    let header = "area,x,n,xr,nr";
    let good = "A,10,1000,200,10000\nA,30,900,500,9000\n";
    let out = good_groups_unchanged(header, good, "B,10,,200,10000\nB,30,900,500,9000\n", &args);
    blank_with_note(
        &out,
        rows_of(&out, "B")[0],
        "value",
        "`n` is blank in row 4",
    );
    let out = good_groups_unchanged(header, good, "B,10,1000,200,\nB,30,900,500,9000\n", &args);
    blank_with_note(
        &out,
        rows_of(&out, "B")[0],
        "value",
        "`nr` is blank in row 4",
    );
}

/// A group of 20 life-table bands (the golden `twenty_bands` case), with one cell replaced.
fn life_table(area: &str, blank_deaths_at: Option<usize>) -> String {
    (0..20)
        .map(|i| {
            let d = if blank_deaths_at == Some(i) {
                String::new()
            } else {
                DEATHS[i].to_string()
            };
            format!("{area},{},{d},{}\n", AGES[i], POPS[i])
        })
        .collect()
}

#[test]
fn life_expectancy_with_an_incomplete_group() {
    let args = call(life_expectancy(), &["area"]);
    let out = good_groups_unchanged(
        "area,age,deaths,pop",
        &life_table("A", None),
        &life_table("B", Some(3)),
        &args,
    );
    let b = rows_of(&out, "B");
    // One blank row per band, each saying why, with the age it is for.
    assert_eq!(b.len(), 20);
    for row in &b {
        blank_with_note(&out, row, "value", "`deaths` is blank in row 25");
    }
    assert_eq!(b[3][1], "10");
    let a = rows_of(&out, "A");
    let e0: f64 = a[0][4].parse().unwrap();
    assert!((e0 / 75.2564041263443 - 1.0).abs() < 1e-8, "{e0}");
}

#[test]
fn quantile_leaves_out_only_the_blank_rows() {
    let quintiles = call(
        Method::Quantile(Quantile {
            value: "imd".into(),
            quantiles: 5,
            inversion: Inversion::No,
        }),
        &[],
    );
    let out = run_on(
        "lsoa,imd\nL1,30\nL2,10\nL3,*\nL4,20\nL5,25\nL6,5\n",
        &quintiles,
    )
    .unwrap();
    let q: Vec<&str> = out.rows.iter().map(|r| r[2].as_str()).collect();
    // Ranked among the five with values, as if L3 were not in the file.
    let without = run_on("lsoa,imd\nL1,30\nL2,10\nL4,20\nL5,25\nL6,5\n", &quintiles).unwrap();
    let q_without: Vec<&str> = without.rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!([q[0], q[1], q[3], q[4], q[5]], q_without[..]);
    assert_eq!(q[2], "");
    assert_eq!(
        out.rows[2][3],
        "not calculated: `imd` in row 4 is `*`, not a number"
    );
    assert_eq!(out.attention.results, 1);
}

#[test]
fn sii_with_an_incomplete_group() {
    let args = call(Method::Sii(sii(1000)), &["area"]);
    let out = good_groups_unchanged(
        "area,q,pop,v,se",
        "A,1,1000,10,1\nA,2,1000,8,1\nA,3,1000,6,1\n",
        "B,1,1000,10,1\nB,2,1000,,1\nB,3,1000,6,1\n",
        &args,
    );
    blank_with_note(&out, rows_of(&out, "B")[0], "sii", "`v` is blank in row 6");
}

#[test]
fn spc_charts_the_complete_facets() {
    let mut good = String::new();
    let mut bad = String::new();
    for (i, v) in [50, 52, 49, 51, 53, 48, 50, 52, 51, 49, 50, 48]
        .iter()
        .enumerate()
    {
        good.push_str(&format!("A,2025-{:02},{v}\n", i + 1));
        let v = if i == 4 { String::new() } else { v.to_string() };
        bad.push_str(&format!("B,2025-{:02},{v}\n", i + 1));
    }
    let out = good_groups_unchanged(
        "ward,month,v",
        &good,
        &bad,
        &call(spc(Some("ward"), None), &[]),
    );
    let b = rows_of(&out, "B");
    assert_eq!(b.len(), 12);
    for row in b {
        blank_with_note(&out, row, "mean", "`v` is blank in row 18");
    }
}

#[test]
fn funnel_leaves_out_the_incomplete_point_as_a_whole() {
    let args = call(
        Method::Funnel(Funnel {
            numerator: "x".into(),
            denominator: "n".into(),
            statistic: FunnelStatistic::Proportion,
            multiplier: None,
            years_of_data: 1.0,
        }),
        &[],
    );
    let with = run_on("area,x,n\nA,30,100\nB,50,200\nC,,120\nD,20,90\n", &args).unwrap();
    let without = run_on("area,x,n\nA,30,100\nB,50,200\nD,20,90\n", &args).unwrap();
    // The average is 100/390 (C's denominator is not counted without its numerator).
    let average: f64 = with.rows[0][3].parse().unwrap();
    assert!((average - 100.0 / 390.0 * 100.0).abs() < 1e-9, "{average}");
    for (w, o) in [(0, 0), (1, 1), (3, 2)] {
        let (a, b) = (&with.rows[w], &without.rows[o]);
        assert_eq!(a[..a.len() - 1], b[..b.len() - 1]);
        assert_eq!(a.last().unwrap(), "average leaves out row 4, not plotted");
    }
    blank_with_note(&with, &with.rows[2], "average", "`x` is blank in row 4");
    assert_eq!(with.attention.results, 1);
}

#[test]
fn comparisons_with_an_incomplete_group() {
    let header = "area,q,x,n";
    let good = "A,1,60,100\nA,5,40,100\nB,1,30,100\nB,5,20,100\n";
    for method in ["rate-ratio", "risk-ratio", "gap"] {
        let args = call(
            match method {
                "rate-ratio" => Method::RateRatio(compare_q_with_5()),
                "risk-ratio" => Method::RiskRatio(compare_q_with_5()),
                _ => proportion_gap(),
            },
            &["area"],
        );
        let first = out_value_column(method);
        // A blank in a compared group's rows, then in the reference's.
        let out = good_groups_unchanged(header, good, "C,1,,100\nC,5,20,100\n", &args);
        blank_with_note(&out, rows_of(&out, "C")[0], first, "`x` is blank in row 6");
        let out = good_groups_unchanged(header, good, "C,1,30,100\nC,5,20,\n", &args);
        blank_with_note(&out, rows_of(&out, "C")[0], first, "`n` is blank in row 7");
    }
}

fn out_value_column(method: &str) -> &'static str {
    if method == "gap" { "gap" } else { "value" }
}

#[test]
fn a_clean_run_needs_no_attention_and_says_nothing() {
    let out = run_on("area,x,n\nA,10,100\n", &proportion_of_all()).unwrap();
    assert!(out.attention_summary().is_none());
    let out = run_on(
        "area,x,n\nA,10,100\nB,,100\nC,*,100\n",
        &proportion_by_area(),
    )
    .unwrap();
    assert_eq!(
        out.attention_summary().unwrap(),
        "2 of 3 results not calculated because of blank or invalid cells in input rows 3 and 4; \
         the `note` column says why and what to fix"
    );
}

mod invariants {
    //! The one rule for blank and invalid cells as a property, whatever the counts: a group with
    //! a bad cell never changes the results of the others, and is itself blank, naming the row.

    use super::*;
    use proptest::prelude::*;

    /// A group's rows: the compared value (1, or the reference 5), a count and a denominator
    /// at least as large (never 0).
    fn rows() -> impl Strategy<Value = Vec<(bool, u32, u32)>> {
        prop::collection::vec((any::<bool>(), 0u32..60, 0u32..200), 1..5)
    }

    /// `area,q,x,n` lines of a group.
    fn lines(area: &str, rows: &[(bool, u32, u32)]) -> Vec<String> {
        rows.iter()
            .map(|&(one, x, extra)| {
                let q = if one { 1 } else { 5 };
                format!("{area},{q},{x},{}", x + extra + 1)
            })
            .collect()
    }

    /// Every method that sums a group's rows, by `area`.
    fn calls() -> Vec<Call> {
        let rate = Method::Rate(Rate {
            fraction: fraction("x", "n"),
            multiplier: 100_000.0,
        });
        [
            proportion(),
            rate,
            Method::RateRatio(compare_q_with_5()),
            Method::RiskRatio(compare_q_with_5()),
            proportion_gap(),
        ]
        .into_iter()
        .map(|m| call(m, &["area"]))
        .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn a_bad_group_changes_no_other_group(
            good in prop::collection::vec(rows(), 1..4),
            bad in rows(),
            at in any::<prop::sample::Index>(),
            column in 0usize..2,
            cell in prop::sample::select(vec!["", "*", "NA", "n/a"]),
        ) {
            let good: Vec<String> = good
                .iter()
                .zip(["A", "B", "C"])
                .flat_map(|(rows, area)| lines(area, rows))
                .collect();
            // Group Z has the compared value and the reference, and one bad cell.
            let mut bad_rows = bad.clone();
            bad_rows.extend([(true, 5, 10), (false, 5, 10)]);
            let mut bad = lines("Z", &bad_rows);
            let row = at.index(bad.len());
            let mut cells: Vec<String> = bad[row].split(',').map(String::from).collect();
            cells[2 + column] = cell.to_string();
            bad[row] = cells.join(",");
            let line = good.len() + row + 2;
            let clean_text = format!("area,q,x,n\n{}\n", good.join("\n"));
            let mixed_text = format!("{clean_text}{}\n", bad.join("\n"));
            for call in calls() {
                let clean = run_on(&clean_text, &call).unwrap();
                let mixed = run_on(&mixed_text, &call).unwrap();
                prop_assert_eq!(&mixed.rows[..clean.rows.len()], &clean.rows[..]);
                let z: Vec<&Vec<String>> = mixed.rows[clean.rows.len()..].iter().collect();
                prop_assert!(!z.is_empty());
                // The bad row is the reference's or the compared value's: a comparison needs
                // both sides, a proportion or rate all of the group's rows.
                let named = z.iter().filter(|r| {
                    let note = r.last().unwrap();
                    note.starts_with("not calculated: ") && note.contains(&format!("row {line}"))
                });
                prop_assert!(named.count() >= 1, "{:?}", z);
                prop_assert!(mixed.attention.lines.contains(&(line as u64)));
            }
        }
    }
}

//! Renders a small hand-made set of results and checks the pages a person would read.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use equalis_report::{ReportOptions, write_report};
use equalis_results::{
    Comparison, DatasetRef, IndicatorInfo, InequalityRow, Metadata, ResultRow, Results, SpcRow,
    Statistic,
};

const SMI: &str = "smi_health_check";
const WL: &str = "wl_over_52_weeks";

/// A proportion row with rough 95% limits (normal approximation: the report only draws them).
fn prop(
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
    num: f64,
    den: f64,
    comparison: Option<Comparison>,
) -> ResultRow {
    let mut r = ResultRow::new(id, period, breakdown, group, Statistic::Proportion, 100.0);
    let p = num / den;
    let se = (p * (1.0 - p) / den).sqrt();
    r.numerator = Some(num);
    r.denominator = Some(den);
    r.value = Some(100.0 * p);
    r.lowercl = Some(100.0 * (p - 1.96 * se));
    r.uppercl = Some(100.0 * (p + 1.96 * se));
    r.comparison = comparison;
    r
}

fn ineq(
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
    measure: &str,
    v: Option<(f64, f64, f64)>,
) -> InequalityRow {
    InequalityRow {
        indicator_id: id.into(),
        period: period.into(),
        breakdown: breakdown.into(),
        group: group.into(),
        measure: measure.into(),
        value: v.map(|x| x.0),
        lowercl: v.map(|x| x.1),
        uppercl: v.map(|x| x.2),
        note: v
            .is_none()
            .then(|| "fewer than 5 deciles have data".to_owned()),
    }
}

/// An SPC point of a percentage: about `value`% of `denominator` records (the numerator is
/// the nearest whole count, and the value is made exact from it, as the engine would).
fn spc_row(id: &str, period: &str, value: f64, denominator: f64, point: &str) -> SpcRow {
    let numerator = (value / 100.0 * denominator).round();
    SpcRow {
        indicator_id: id.into(),
        breakdown: "all".into(),
        group: "All".into(),
        period: period.into(),
        statistic: Statistic::Proportion,
        multiplier: 100.0,
        value: numerator / denominator * 100.0,
        numerator: Some(numerator),
        denominator: Some(denominator),
        comparator_numerator: None,
        comparator_denominator: None,
        centre: Some(70.0),
        lower_limit: Some(64.5),
        upper_limit: Some(75.5),
        point: point.into(),
        variation: "special_cause_improvement".into(),
        assurance: Some("inconsistent".into()),
        note: None,
    }
}

/// Two indicators in two areas: SMI health checks (every breakdown, two periods, a suppressed
/// group, SII and RII, an SPC series) and a waiting-list measure with an SPC series only.
fn results() -> Results {
    use Comparison::{Higher, Lower, Similar};
    let (p0, p1) = ("2024/25", "2025/26");
    let mut rows = vec![
        prop(SMI, p0, "all", "All", 1100.0, 1650.0, None),
        // Published from rounded counts, 1230/1700 = 72.35…%, not the raw 72.47%.
        prop(SMI, p1, "all", "All", 1232.0, 1700.0, None),
        prop(SMI, p1, "core20", "Core20", 200.0, 340.0, Some(Lower)),
        prop(
            SMI,
            p1,
            "core20",
            "Not Core20",
            1032.0,
            1360.0,
            Some(Higher),
        ),
        prop(
            SMI,
            p1,
            "ethnic_group",
            "Asian or Asian British",
            300.0,
            400.0,
            Some(Similar),
        ),
        prop(
            SMI,
            p1,
            "ethnic_group",
            "Black, Black British, Caribbean or African",
            150.0,
            240.0,
            Some(Lower),
        ),
        // 3 of 47 (6.38%): withheld.
        prop(
            SMI,
            p1,
            "ethnic_group",
            "Mixed or multiple ethnic groups",
            3.0,
            47.0,
            Some(Lower),
        ),
        prop(
            SMI,
            p1,
            "ethnic_group",
            "Other & not stated",
            76.0,
            110.0,
            Some(Similar),
        ),
        prop(SMI, p1, "ethnic_group", "White", 703.0, 903.0, Some(Higher)),
        prop(SMI, p1, "sex", "Female", 640.0, 880.0, Some(Similar)),
        prop(SMI, p1, "sex", "Male", 592.0, 820.0, Some(Similar)),
    ];
    for (q, num, cmp) in [
        ("1", 212.0, Lower),
        ("2", 232.0, Similar),
        ("3", 249.0, Similar),
        ("4", 268.0, Similar),
        ("5", 282.0, Higher),
    ] {
        rows.push(prop(SMI, p1, "imd_quintile", q, num, 340.0, Some(cmp)));
    }
    // Deciles listed out of order on purpose: the report sorts them.
    for d in [10u32, 1, 2, 3, 4, 5, 6, 7, 8, 9] {
        let num = 98.0 + 5.0 * f64::from(d);
        let cmp = match d {
            1 | 2 => Lower,
            9 | 10 => Higher,
            _ => Similar,
        };
        rows.push(prop(
            SMI,
            p1,
            "imd_decile",
            &d.to_string(),
            num,
            170.0,
            Some(cmp),
        ));
    }
    let mut wl = ResultRow::new(WL, "2026-03-29", "all", "All", Statistic::Proportion, 100.0);
    wl.numerator = Some(1520.0);
    wl.denominator = Some(61234.0);
    wl.value = Some(1520.0 / 61234.0 * 100.0);
    wl.lowercl = Some(2.36);
    wl.uppercl = Some(2.61);
    rows.push(wl);

    let inequality = vec![
        ineq(SMI, p0, "all", "All", "sii", Some((9.87, 5.1, 14.6))),
        ineq(SMI, p1, "all", "All", "sii", Some((12.34, 8.12, 16.51))),
        ineq(SMI, p1, "all", "All", "rii", Some((1.19, 1.11, 1.28))),
        ineq(
            SMI,
            p1,
            "ethnic_group",
            "White",
            "sii",
            Some((13.1, 9.0, 17.4)),
        ),
        ineq(
            SMI,
            p1,
            "ethnic_group",
            "Asian or Asian British",
            "sii",
            Some((4.0, -2.0, 10.0)),
        ),
        ineq(
            SMI,
            p1,
            "ethnic_group",
            "Mixed or multiple ethnic groups",
            "sii",
            None,
        ),
    ];

    let mut spc = Vec::new();
    let smi_points = [
        ("2025-04", 68.2, "common cause"),
        ("2025-05", 69.9, "common cause"),
        ("2025-06", 70.4, "common cause"),
        ("2025-07", 71.3, "common cause"),
        ("2025-08", 69.1, "common cause"),
        ("2025-09", 76.8, "special cause improvement"),
    ];
    for (period, v, point) in smi_points {
        spc.push(spc_row(SMI, period, v, 120.0, point));
    }
    // A point resting on 5 records: withheld.
    spc.push(spc_row(SMI, "2025-10", 71.0, 5.0, "common cause"));
    for week in 1..=8 {
        let mut p = spc_row(
            WL,
            &format!("2026-02-{:02}", week * 3),
            2.2 + 0.05 * f64::from(week),
            61000.0,
            if week == 8 {
                "special cause concern"
            } else {
                "common cause"
            },
        );
        p.centre = Some(2.4);
        p.lower_limit = Some(2.1);
        p.upper_limit = Some(2.7);
        p.variation = "special_cause_concern".into();
        p.assurance = None;
        spc.push(p);
    }

    let mut indicators = BTreeMap::new();
    indicators.insert(
        SMI.to_owned(),
        IndicatorInfo {
            id: SMI.into(),
            name: "SMI physical health checks".into(),
            area: "Severe mental illness".into(),
            description: "People on the SMI register who had all six physical health checks in \
                          the last 12 months."
                .into(),
            statistic: "proportion".into(),
            unit: "%".into(),
            direction: "higher_is_better".into(),
            target: Some(75.0),
            source: "NHS England, Core20PLUS5 (adults)".into(),
        },
    );
    indicators.insert(
        WL.to_owned(),
        IndicatorInfo {
            id: WL.into(),
            name: "Waiting over 52 weeks".into(),
            area: "Elective waiting list".into(),
            description: "Share of the waiting list waiting more than 52 weeks.".into(),
            statistic: "proportion".into(),
            unit: "%".into(),
            direction: "lower_is_better".into(),
            target: Some(1.0),
            source: "NHS England, elective recovery".into(),
        },
    );
    let mut definitions = BTreeMap::new();
    definitions.insert(
        SMI.to_owned(),
        "[smi_health_check]\nnumerator = \"all_six_checks & on_register\"\ndenominator = \"on_register\"\n"
            .to_owned(),
    );
    let mut datasets = BTreeMap::new();
    datasets.insert(
        "patients".to_owned(),
        DatasetRef {
            version: 3,
            rows: 1_234_567,
        },
    );
    datasets.insert(
        "waiting_list".to_owned(),
        DatasetRef {
            version: 7,
            rows: 61_234,
        },
    );
    Results::new(
        PathBuf::from("results/v1"),
        Metadata {
            computed_at: "2026-04-02T09:30:00Z".into(),
            equalis_version: "0.1.0".into(),
            iod_edition: "2025".into(),
            datasets,
            indicators,
            definitions,
            skipped: [(
                "wl_rate_per_1000".to_owned(),
                "needs the `population` dataset (`equalis ingest --dataset population FILE`)"
                    .to_owned(),
            )]
            .into(),
            organisations: [(
                "RWE".to_owned(),
                "University Hospitals of Leicester NHS Trust".to_owned(),
            )]
            .into(),
        },
        rows,
        inequality,
        spc,
    )
}

fn options() -> ReportOptions {
    ReportOptions {
        title: "Health inequalities in Leicester, Leicestershire and Rutland ICS".into(),
        generated: "3 April 2026".into(),
    }
}

fn render() -> (tempfile::TempDir, equalis_report::ReportSummary) {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary =
        write_report(&results(), &[], &options(), &dir.path().join("report")).expect("report");
    (dir, summary)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn pages(out: &Path) -> Vec<(PathBuf, String)> {
    [
        out.join("index.html"),
        out.join("indicators").join(format!("{SMI}.html")),
        out.join("indicators").join(format!("{WL}.html")),
    ]
    .into_iter()
    .map(|p| {
        let html = read(&p);
        (p, html)
    })
    .collect()
}

#[test]
fn writes_every_page_and_the_style_sheet() {
    let (dir, summary) = render();
    let out = dir.path().join("report");
    assert!(out.join("style.css").is_file());
    let pages = pages(&out);
    assert_eq!(summary.pages, 3);
    let bytes: u64 = pages.iter().map(|(_, h)| h.len() as u64).sum::<u64>()
        + read(&out.join("style.css")).len() as u64;
    assert_eq!(summary.bytes, bytes);
    let svgs: usize = pages.iter().map(|(_, h)| h.matches("<svg").count()).sum();
    assert_eq!(summary.charts, svgs);
    // SMI: quintile, Core20, ethnic group and sex forests, the decile gradient, the trend and
    // one SPC chart; the waiting list: one SPC chart.
    assert_eq!(summary.charts, 8);
    // No temporary files are left behind.
    for entry in fs::read_dir(out.join("indicators")).expect("listing") {
        let name = entry.expect("entry").file_name();
        assert!(!name.to_string_lossy().starts_with('.'), "{name:?}");
    }
}

#[test]
fn pages_are_accessible_and_script_free() {
    let (dir, _) = render();
    for (path, html) in pages(&dir.path().join("report")) {
        let p = path.display();
        assert!(html.starts_with("<!DOCTYPE html>"), "{p}");
        assert!(html.contains("<html lang=\"en-GB\">"), "{p}");
        assert!(!html.to_lowercase().contains("<script"), "{p} has a script");
        assert!(
            html.contains("href=\"#maincontent\""),
            "{p} has no skip link"
        );
        for landmark in ["<header", "<main id=\"maincontent\"", "<footer"] {
            assert!(html.contains(landmark), "{p} lacks {landmark}");
        }
        assert_eq!(html.matches("<h1>").count(), 1, "{p}");
        // Headings never skip a level.
        let mut last = 0;
        for (i, _) in html.match_indices("<h") {
            let level = html.as_bytes()[i + 2];
            if level.is_ascii_digit() {
                let level = level - b'0';
                assert!(level <= last + 1, "{p}: h{level} after h{last}");
                last = level;
            }
        }
        for svg in html.split("<svg").skip(1) {
            let open = &svg[..svg.find('>').expect("svg tag")];
            assert!(open.contains("role=\"img\""), "{p}: {open}");
            assert!(open.contains("aria-labelledby=\"chart-"), "{p}: {open}");
            assert!(
                svg.starts_with(&format!("{open}><title")),
                "{p}: no title first"
            );
            let body = &svg[..svg.find("</svg>").expect("closed svg")];
            assert!(body.contains("<desc"), "{p}: no desc");
            for (i, _) in body.match_indices("font-size=\"") {
                let size: u32 = body[i + 11..]
                    .split('"')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("font size");
                assert!(size >= 12, "{p}: font-size {size}");
            }
        }
        for table in html.split("<table").skip(1) {
            assert!(table.contains("<caption>"), "{p}: table without caption");
            assert!(table.contains("scope=\"col\""), "{p}: table without scope");
        }
    }
}

#[test]
fn suppressed_group_shows_a_star_and_its_value_appears_nowhere() {
    let (dir, _) = render();
    let page = read(
        &dir.path()
            .join("report/indicators")
            .join(format!("{SMI}.html")),
    );
    let row_start = page
        .find("<th scope=\"row\">Mixed or multiple ethnic groups</th>")
        .expect("the withheld group has a table row");
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").expect("row end")];
    // Numerator, value and both limits withheld; the denominator (47) is published rounded.
    assert_eq!(row.matches(">*</td>").count(), 4, "{row}");
    assert!(row.contains(">45</td>"), "{row}");
    assert!(row.contains("Not compared"), "{row}");
    assert!(page.contains(
        "* Withheld: a count from 1 to 7 (NHS Digital small-number rule) — Mixed or multiple \
         ethnic groups"
    ));
    assert!(page.contains("Not shown in the chart: Mixed or multiple ethnic groups"));
    // 3/47 = 6.38%, with limits of about −0.6 and 13.4: none of it may leak.
    for leak in ["6.38", ">6.4<", "6.4%", "13.37", ">13.4<", "−0.6<"] {
        assert!(!page.contains(leak), "raw figure {leak} leaked");
    }
    // The chart does not name the group (it is omitted), except in the note and desc.
    let forest = page
        .split("<svg")
        .find(|s| s.contains("by ethnic group"))
        .expect("ethnic group forest");
    let forest = &forest[..forest.find("</svg>").expect("end")];
    assert!(!forest.contains(">Mixed or multiple ethnic groups<"));
    assert!(forest.contains("Other &amp; not stated"));
    // And the table escapes the ampersand too.
    assert!(page.contains("Other &#38; not stated"));
}

#[test]
fn headline_is_the_published_ics_value() {
    let (dir, _) = render();
    let out = dir.path().join("report");
    let page = read(&out.join("indicators").join(format!("{SMI}.html")));
    // 1232/1700 published as 1230/1700 = 72.35% → 72.4%; the raw value would be 72.5%.
    assert!(
        page.contains("<p class=\"headline-value\">72.4%</p>"),
        "headline"
    );
    assert!(page.contains("1,230 of 1,700"));
    assert!(page.contains("Below the national target of 75.0%"));
    assert!(!page.contains("72.5%"));
    assert!(page.contains(
        "The gap between the most and least deprived, allowing for the whole gradient (slope \
         index of inequality), is 12.3 percentage points (95% CI 8.1 to 16.5)."
    ));
    assert!(page.contains("The deprivation gradient is statistically significant"));
    assert!(page.contains("1 group was withheld"));
    // Core20 (200/340 = 58.8%) is further below the ICS than any other worse group.
    assert!(page.contains("furthest from the ICS value in the worse direction is Core20,"));

    let index = read(&out.join("index.html"));
    assert!(index.contains("72.4%"));
    assert!(index.contains("12.3 (8.1 to 16.5)"));
    assert!(index.contains("Elective waiting list"));
    assert!(index.contains("href=\"indicators/wl_over_52_weeks.html\""));
    // Areas are in alphabetical order.
    assert!(index.find("Elective waiting list") < index.find("Severe mental illness"));
}

#[test]
fn writes_into_an_existing_directory_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keep = dir.path().join("notes.txt");
    fs::write(&keep, "mine").expect("write");
    write_report(&results(), &[], &options(), dir.path()).expect("first");
    write_report(&results(), &[], &options(), dir.path()).expect("second, over the first");
    assert_eq!(read(&keep), "mine");
}

#[test]
fn an_unwritable_directory_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-directory");
    fs::write(&file, "x").expect("write");
    let err =
        write_report(&results(), &[], &options(), &file).expect_err("cannot write into a file");
    assert!(err.to_string().contains("not-a-directory"), "{err}");
}

#[test]
fn empty_results_still_make_a_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut empty = results();
    empty.metadata.indicators.clear();
    let summary = write_report(&empty, &[], &options(), dir.path()).expect("report");
    assert_eq!((summary.pages, summary.charts), (1, 0));
    assert!(read(&dir.path().join("index.html")).contains("There are no indicators"));
}

#[test]
fn snapshot_index() {
    let (dir, _) = render();
    insta::assert_snapshot!("index", read(&dir.path().join("report/index.html")));
}

#[test]
fn snapshot_indicator_page() {
    let (dir, _) = render();
    insta::assert_snapshot!(
        "smi_health_check",
        read(
            &dir.path()
                .join("report/indicators")
                .join(format!("{SMI}.html"))
        )
    );
}

/// A workforce-like section: an at-a-glance likelihood table with its chart (one figure
/// withheld, one undefined), then a quartile table drawn as bars.
fn section() -> equalis_report::Section {
    use equalis_disclosure::{Level, Nhsd2018};
    use equalis_report::tables::{Sheet, Val};
    use equalis_report::{Block, Chart, Section};
    let p = Nhsd2018::default();
    let stat = |v: f64, n: u64| Val::Num(p.simple_statistic(v, n, Level::SubNational).unwrap(), 2);
    let pct = |a: u64, b: u64| Val::Num(p.percentage(a, b, Level::SubNational), 1);
    let mut glance = Sheet::new(
        "Relative likelihoods",
        "Relative likelihoods at 2026-03-31",
        &["Measure", "Relative likelihood", "Against 0.80 to 1.25"],
    );
    glance.row(vec![
        Val::text("WRES 2"),
        stat(1.62, 300),
        Val::text("above 1.25"),
    ]);
    glance.row(vec![Val::text("WRES 3"), stat(0.9, 4), Val::text("*")]);
    glance.row(vec![
        Val::text("WDES 2"),
        Val::Undefined("no Disabled applicants shortlisted"),
        Val::Undefined("relative likelihood not defined"),
    ]);
    let mut quartiles = Sheet::new(
        "Pay quartiles",
        "Proportion of males and females in each pay quartile",
        &["Quartile", "Male %", "Female %"],
    );
    quartiles.row(vec![Val::text("Lower"), pct(40, 200), pct(160, 200)]);
    quartiles.row(vec![Val::text("Upper"), pct(90, 200), pct(110, 200)]);
    Section {
        slug: "workforce-rxx".into(),
        title: "Workforce equality: RXX".into(),
        group: "Workforce equality".into(),
        lede: "WRES, WDES and pay gaps for RXX.".into(),
        facts: vec![("Snapshot date".into(), "2026-03-31".into())],
        blocks: vec![
            Block {
                part: Some("At a glance".into()),
                sheet: glance,
                chart: Some(Chart::Likelihood {
                    column: 1,
                    band: (0.8, 1.25),
                }),
                notes: vec!["0.80 to 1.25 is no adverse impact.".into()],
            },
            Block {
                part: Some("Gender pay gap".into()),
                sheet: quartiles,
                chart: Some(Chart::Bars {
                    columns: vec![1, 2],
                    axis: "% of the quartile".into(),
                }),
                notes: Vec::new(),
            },
        ],
    }
}

#[test]
fn sections_get_a_page_and_an_index_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report");
    let summary = write_report(&results(), &[section()], &options(), &out).expect("report");
    let page = read(&out.join("sections/workforce-rxx.html"));
    let index = read(&out.join("index.html"));
    assert!(index.contains("<h2>Workforce equality</h2>"));
    assert!(index.contains("href=\"sections/workforce-rxx.html\""));
    // Both charts drawn; the withheld likelihood shows as * and is not drawn.
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(page.contains("<td class=\"num\">*</td>"));
    assert!(page.contains("undefined: no Disabled applicants shortlisted"));
    assert!(page.contains("rests on 1 to 7 people"));
    let (_, without) = {
        let d2 = tempfile::tempdir().expect("temp dir");
        let s = write_report(&results(), &[], &options(), d2.path()).expect("report");
        (d2, s)
    };
    assert_eq!(summary.pages, without.pages + 1);
    assert_eq!(summary.charts, without.charts + 2);
    insta::assert_snapshot!("section", page);
}

//! End-to-end tests of `equalis workforce`: the real binary synthesises a small ICS
//! (`--scale 0.05`, seed 42, the five workforce datasets only), initialises a workspace,
//! ingests the datasets, and then runs every subcommand in every format. The planted
//! workforce effects of `planted_effects.json` must be recovered; JSON and table output is
//! snapshotted (under `tests/fixtures/workforce/snapshots`); every count must have passed
//! disclosure control; `--format xlsx` must write the expected sheets.
//!
//! Scale 0.05 is the smallest at which `equalis-synth/PLANTED.md` says the recruitment and
//! gender pay gap effects are visible; at that scale the whole setup takes a few seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

const DATASETS: [&str; 5] = [
    "staff",
    "recruitment",
    "employee_relations",
    "training",
    "staff_survey",
];

struct Setup {
    _dir: tempfile::TempDir,
    data: PathBuf,
    ws: PathBuf,
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
}

fn run_ok(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run equalis");
    assert!(
        o.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// Synthesises, initialises and ingests once for all tests of this file.
fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let ws = dir.path().join("ws");
        run_ok(
            bin()
                .args(["synth", "--ics", "QK1", "--scale", "0.05", "--seed", "42"])
                .arg("--out")
                .arg(&data)
                .arg("--only")
                .arg(DATASETS.join(",")),
        );
        run_ok(bin().arg("init").arg(&ws));
        for d in DATASETS {
            let out = run_ok(
                bin()
                    .args(["ingest", "--workspace"])
                    .arg(&ws)
                    .args(["--dataset", d])
                    .arg(data.join(format!("{d}.csv"))),
            );
            // Every synthetic row must be accepted: a rejected row is a contract mismatch.
            let summary = out.lines().last().unwrap_or_default().to_string();
            let numbers: Vec<&str> = summary.split_whitespace().skip(1).collect();
            assert_eq!(numbers.len(), 3, "unexpected ingest summary: {out}");
            assert_eq!(numbers[2], "0", "{d}: rows rejected at ingest:\n{out}");
            assert_eq!(
                numbers[0], numbers[1],
                "{d}: not every row accepted:\n{out}"
            );
        }
        Setup {
            _dir: dir,
            data,
            ws,
        }
    })
}

/// Runs `equalis workforce <args> --workspace WS` and returns standard output.
fn workforce(args: &[&str]) -> String {
    let s = setup();
    let out = run_ok(
        bin()
            .arg("workforce")
            .args(args)
            .arg("--workspace")
            .arg(&s.ws),
    );
    assert!(!out.contains("NaN") && !out.contains("inf"), "{out}");
    out
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&workforce(&a)).expect("valid JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a published number, got {v}"))
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../fixtures/workforce/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn planted(id: &str) -> (String, f64) {
    let text = std::fs::read_to_string(setup().data.join("planted_effects.json"))
        .expect("planted_effects.json");
    let v: Value = serde_json::from_str(&text).expect("planted JSON");
    let e = v["effects"]
        .as_array()
        .expect("effects")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no planted effect {id}"));
    (
        e["org_code"].as_str().expect("org code").to_string(),
        num(&e["expected"]),
    )
}

/// A published count is 0, the suppression symbol, or a multiple of 5 above 7.
fn assert_disclosed_count(v: &Value, what: &str) {
    match v {
        Value::String(s) => assert_eq!(s, "*", "{what}"),
        Value::Number(n) => {
            let n = n
                .as_u64()
                .unwrap_or_else(|| panic!("{what}: {n} is not a count"));
            assert!(
                n == 0 || (n > 7 && n.is_multiple_of(5)),
                "{what}: {n} not disclosure-controlled"
            );
        }
        other => panic!("{what}: unexpected {other}"),
    }
}

#[test]
fn wres_json_has_the_issue_shape_and_controlled_counts() {
    let v = json(&["wres", "--org", "RWE"]);
    assert_eq!(v["org"], "RWE");
    assert_eq!(v["snapshot_date"], "2026-03-31");
    let ind = v["indicators"].as_object().expect("indicators");
    let keys: Vec<&str> = ind.keys().map(String::as_str).collect();
    for k in ["1", "2", "3", "4", "5", "6", "7", "8", "9"] {
        assert!(keys.contains(&k), "indicator {k} missing: {keys:?}");
    }
    for k in [
        "white_shortlisted",
        "white_appointed",
        "bme_shortlisted",
        "bme_appointed",
        "relative_likelihood",
    ] {
        assert!(ind["2"].get(k).is_some(), "indicator 2 lacks {k}");
    }
    for k in [
        "white_shortlisted",
        "white_appointed",
        "bme_shortlisted",
        "bme_appointed",
    ] {
        assert_disclosed_count(&ind["2"][k], k);
    }
    assert!(ind["3"].get("relative_likelihood").is_some());
    assert!(ind["4"].get("relative_likelihood").is_some());
    for row in ind["1"]["rows"].as_array().expect("rows") {
        for k in ["white", "bme", "unknown", "total"] {
            assert_disclosed_count(&row[k], k);
        }
    }
    // Survey indicators read the 2025 survey for a 31 March 2026 return, with the
    // synthetic `wres_5`-style keys matched.
    assert_eq!(ind["5"]["survey_year"], 2025);
    assert!(
        ind["5"]["white_respondents"]
            .as_u64()
            .is_some_and(|n| n > 0)
    );
    snapshot(
        "wres_rwe_json",
        &serde_json::to_string_pretty(&v).expect("json"),
    );
}

#[test]
fn wres_table_snapshot() {
    snapshot(
        "wres_rwe_table",
        &workforce(&["wres", "--org", "RWE", "--year", "2026"]),
    );
}

#[test]
fn wdes_json_has_every_metric_and_survey_keys_are_mapped() {
    let v = json(&["wdes", "--org", "RWE"]);
    let m = v["metrics"].as_object().expect("metrics");
    for k in [
        "1",
        "2",
        "3",
        "4a_public",
        "4a_managers",
        "4a_colleagues",
        "4b",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
    ] {
        assert!(m.contains_key(k), "metric {k} missing");
    }
    assert!(m["2"].get("relative_likelihood").is_some());
    for k in ["disabled_shortlisted", "non_disabled_shortlisted"] {
        assert_disclosed_count(&m["2"][k], k);
    }
    // `wdes_4a_ii` in the synthetic survey maps to `wdes4a_managers`: respondents found.
    assert!(
        m["4a_managers"]["disabled_respondents"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{}",
        m["4a_managers"]
    );
    assert!(m["9"]["9a"].get("undefined").is_some());
    snapshot(
        "wdes_rwe_json",
        &serde_json::to_string_pretty(&v).expect("json"),
    );
}

#[test]
fn pay_gap_by_sex_has_the_issue_shape() {
    let v = json(&["pay-gap", "--org", "RWE", "--by", "sex"]);
    for k in [
        "mean_gap_pct",
        "median_gap_pct",
        "mean_bonus_gap_pct",
        "median_bonus_gap_pct",
    ] {
        assert!(v.get(k).is_some(), "{k} missing");
    }
    assert!(v["bonus_proportion"]["male"].is_number());
    assert!(v["bonus_proportion"]["female"].is_number());
    for q in ["lower", "lower_middle", "upper_middle", "upper"] {
        let male = num(&v["quartiles"][q]["male"]);
        let female = num(&v["quartiles"][q]["female"]);
        // Shares are exact (issue 19 item 1), so they add up to 100 but for the rounding to
        // one decimal place.
        assert!(
            (male + female - 100.0).abs() <= 0.1 + 1e-9,
            "{q}: {male} + {female}"
        );
    }
    snapshot(
        "pay_gap_sex_rwe_json",
        &serde_json::to_string_pretty(&v).expect("json"),
    );
    snapshot(
        "pay_gap_sex_rwe_table",
        &workforce(&["pay-gap", "--org", "RWE"]),
    );
}

#[test]
fn pay_gap_by_ethnicity_and_disability() {
    let e = json(&["pay-gap", "--by", "ethnicity"]);
    assert_eq!(e["binary"]["reference"], "White");
    assert!(e["binary"]["gaps"]["Ethnic minority"]["mean_gap_pct"].is_number());
    assert_eq!(e["by_group"]["reference"], "White British");
    let d = json(&["pay-gap", "--by", "disability"]);
    assert_eq!(d["analysis"]["reference"], "Non-disabled");
    assert!(d["analysis"]["gaps"]["Disabled"]["mean_gap_pct"].is_number());
    // Year on year: both synthetic 31 March snapshots, the latest being the figure reported.
    for (v, gaps) in [
        (&e, &e["binary"]["gaps"]["Ethnic minority"]),
        (&d, &d["analysis"]["gaps"]["Disabled"]),
    ] {
        let date = v["snapshot_date"].as_str().expect("snapshot date");
        for k in [
            "mean_gap_pct",
            "median_gap_pct",
            "mean_bonus_gap_pct",
            "median_bonus_gap_pct",
        ] {
            let yoy = &v["year_on_year"][k];
            assert_eq!(yoy["values"][date], gaps[k], "{k}");
            assert_eq!(yoy["values"].as_object().map(|m| m.len()), Some(2), "{k}");
        }
        assert!(v["year_on_year"]["mean_gap_pct"]["change"].is_number());
    }
}

/// WRES 2 at the planted trust: 40% of shortlisted White and 25% of shortlisted BME
/// applicants appointed, relative likelihood 1.6. Tolerance: three standard errors of the
/// log relative risk, `sqrt(1/a1 − 1/n1 + 1/a2 − 1/n2)`, from the published (rounded) counts;
/// and the figure must fall above the 0.80–1.25 range, which is the finding an EDI lead acts on.
#[test]
fn planted_recruitment_effect_is_recovered() {
    let (org, expected) = planted("recruitment_bme_shortlisted");
    let v = json(&["wres", "--org", &org]);
    let i2 = &v["indicators"]["2"];
    let rl = num(&i2["relative_likelihood"]);
    let [wa, ws, ba, bs] = [
        "white_appointed",
        "white_shortlisted",
        "bme_appointed",
        "bme_shortlisted",
    ]
    .map(|k| num(&i2[k]));
    let se = (1.0 / wa - 1.0 / ws + 1.0 / ba - 1.0 / bs).sqrt();
    assert!(
        (rl / expected).ln().abs() <= 3.0 * se,
        "WRES 2 at {org}: {rl} vs planted {expected} (SE of log {se:.3})"
    );
    assert_eq!(i2["assessment"], "above 1.25");
}

/// WRES 3 at the planted trust: BME staff enter the disciplinary process at 2.2 times the
/// White rate. PLANTED.md says this is only clearly visible from scale 0.25, and gives a
/// tolerance of 1.0 (seed 42 measures 1.99); at 0.05 we hold it to the same tolerance and
/// require it to lie above parity.
#[test]
fn planted_disciplinary_effect_is_recovered() {
    let (org, expected) = planted("disciplinary_bme");
    let v = json(&["wres", "--org", &org]);
    let rl = num(&v["indicators"]["3"]["relative_likelihood"]);
    assert!(
        (rl - expected).abs() <= 1.0,
        "WRES 3 at {org}: {rl} vs {expected}"
    );
    assert!(rl > 1.0);
}

/// The gender pay gap planted at the workforce trust: 24% mean gap in hourly pay.
/// PLANTED.md records 22.0% for seed 42 at scale 0.05 (the sampling shortfall at this size)
/// and its measure leaves bank staff out, where SI 2017/353 (and equalis) keeps those with
/// pay in the period; ±4 percentage points covers both.
#[test]
fn planted_gender_pay_gap_is_recovered() {
    let (org, expected) = planted("gender_pay_gap");
    let v = json(&["pay-gap", "--org", &org, "--by", "sex"]);
    let gap = num(&v["mean_gap_pct"]);
    assert!(
        (gap - expected).abs() <= 4.0,
        "mean gender pay gap at {org}: {gap} vs {expected}"
    );
}

#[test]
fn dashboard_json_and_table() {
    let v = json(&["dashboard", "--ics", "QK1"]);
    let quarters = v["quarters"].as_array().expect("quarters");
    assert_eq!(quarters.len(), 8, "eight quarter-end snapshots");
    for q in quarters {
        assert_disclosed_count(&q["headcount"], "headcount");
    }
    let pop = v["representativeness"]["population"]
        .as_str()
        .expect("population");
    assert!(pop.contains("QK1"), "{pop}");
    assert!(v["representativeness"]["workforce"]["White"]["population_share_pct"].is_number());
    assert!(!v["parity"].as_array().expect("parity").is_empty());
    // Without --ics and without a `population` dataset there is no local population: the
    // representativeness section says so rather than guessing an ICB.
    let none = json(&["dashboard"]);
    assert!(
        none["representativeness"]["undefined"]
            .as_str()
            .is_some_and(|r| r.contains("--ics")),
        "{}",
        none["representativeness"]
    );
    let edi = &v["edi_success_metrics"];
    for k in [
        "2a_race",
        "2a_disability",
        "3a_gender_mean_gap_pct",
        "6a_pct",
        "6b_pct",
    ] {
        assert!(edi.get(k).is_some(), "EDI metric {k} missing: {edi}");
    }
    // 2a for race at the ICS reads the same figure as WRES indicator 2.
    assert_eq!(
        edi["2a_race"],
        json(&["wres"])["indicators"]["2"]["relative_likelihood"]
    );
    let spc = v["spc"]["bme_pct"]
        .as_array()
        .expect("SPC of the BME share");
    assert_eq!(spc.len(), 8);
    for pt in spc {
        assert!(num(&pt["lpl"]) <= num(&pt["mean"]) && num(&pt["mean"]) <= num(&pt["upl"]));
        assert!(pt["point_type"].is_string());
    }
    snapshot(
        "dashboard_rwe_table",
        &workforce(&["dashboard", "--org", "RWE", "--ics", "QK1"]),
    );
}

#[test]
fn every_subcommand_in_every_text_format() {
    let cmds: [&[&str]; 6] = [
        &["wres"],
        &["wdes"],
        &["pay-gap", "--by", "sex"],
        &["pay-gap", "--by", "ethnicity"],
        &["pay-gap", "--by", "disability"],
        &["dashboard", "--ics", "QK1"],
    ];
    for c in cmds {
        for org in [None, Some("RT5")] {
            let mut args = c.to_vec();
            if let Some(o) = org {
                args.extend(["--org", o]);
            }
            let mut table = args.clone();
            table.extend(["--format", "table"]);
            assert!(workforce(&table).lines().count() > 5, "{table:?}");
            let mut csv = args.clone();
            csv.extend(["--format", "csv"]);
            let text = workforce(&csv);
            let mut r = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(
                r.headers().expect("header").iter().collect::<Vec<_>>(),
                ["sheet", "row", "column", "value"]
            );
            assert!(
                r.records().all(|x| x.is_ok_and(|x| x.len() == 4)),
                "{csv:?}"
            );
            let _ = json(&args);
        }
    }
    // Tables people read separate thousands; CSV keeps plain numbers (issue 21 item 9).
    let table = workforce(&["wres"]);
    let all_staff = table
        .lines()
        .find(|l| l.trim_start().starts_with("All staff"))
        .expect("All staff row");
    let total = all_staff.split_whitespace().nth(5).expect("total");
    assert!(
        total.contains(',') && total.replace(',', "").parse::<u64>().is_ok(),
        "{all_staff}"
    );
    let csv = workforce(&["wres", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let plain = r
        .records()
        .map(|x| x.expect("record"))
        .find(|x| &x[0] == "WRES 1" && &x[1] == "All staff" && &x[2] == "Total")
        .expect("the CSV's total");
    assert_eq!(plain[3].replace(',', ""), plain[3]);
    assert_eq!(plain[3], total.replace(',', ""));
    // Labels are words, not the stored codes.
    for code in ["career_grade", "wres5", "Two years after"] {
        assert!(!table.contains(code), "{code} in:\n{table}");
    }
}

fn sheet_names(path: &Path) -> Vec<String> {
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("open workbook");
    wb.sheet_names().to_vec()
}

#[test]
fn xlsx_workbooks_have_a_cover_and_one_sheet_per_indicator() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["wres"],
            &[
                "Cover",
                "WRES 1",
                "WRES 2",
                "WRES 3",
                "WRES 4",
                "WRES 5",
                "WRES 6",
                "WRES 7",
                "WRES 8",
                "WRES 9",
                "Year on year",
            ],
        ),
        (
            &["wdes", "--org", "RWE"],
            &[
                "Cover",
                "WDES 1",
                "WDES 2",
                "WDES 3",
                "WDES 4a public",
                "WDES 4a managers",
                "WDES 4a colleagues",
                "WDES 4b",
                "WDES 5",
                "WDES 6",
                "WDES 7",
                "WDES 8",
                "WDES 9",
                "WDES 10",
                "Year on year",
            ],
        ),
        (
            &["pay-gap"],
            &[
                "Cover",
                "Gender pay gap",
                "Pay quartiles",
                "Groups",
                "Coverage",
                "Year on year",
            ],
        ),
        (
            &["dashboard", "--ics", "QK1"],
            &[
                "Cover",
                "Composition",
                "SPC",
                "Parity",
                "Representativeness",
                "EDI metrics",
            ],
        ),
    ];
    for (i, (args, sheets)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("{i}.xlsx"));
        let mut a = args.to_vec();
        let p = path.to_str().expect("UTF-8 path");
        a.extend(["--format", "xlsx", "--out", p]);
        workforce(&a);
        assert_eq!(sheet_names(&path), *sheets, "{args:?}");
    }
}

#[test]
fn clear_errors() {
    let s = setup();
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty");
    run_ok(bin().arg("init").arg(&empty));
    let o = bin()
        .args(["workforce", "wres", "--workspace"])
        .arg(&empty)
        .output()
        .expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("equalis ingest --workspace") && err.contains("--dataset staff"),
        "{err}"
    );

    for (args, says) in [
        (&["wres", "--org", "NOPE"][..], "no organisation `NOPE`"),
        (
            &["wres", "--year", "2019"][..],
            "no staff snapshot on 2019-03-31",
        ),
        (&["wres", "--format", "xlsx"][..], "--out FILE"),
    ] {
        let o = bin()
            .arg("workforce")
            .args(args)
            .arg("--workspace")
            .arg(&s.ws)
            .output()
            .expect("run");
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn year_on_year_compares_each_31_march_with_the_one_before() {
    let v = json(&["wres", "--org", "RWE"]);
    let yoy = &v["year_on_year"];
    let rl = &yoy["2"];
    let values = rl["values"].as_object().expect("values by snapshot");
    let dates: Vec<&str> = values.keys().map(String::as_str).collect();
    // Eight quarters of synthetic staff data hold two 31 March snapshots.
    assert_eq!(dates, ["2025-03-31", "2026-03-31"]);
    // The latest year is the return itself.
    assert_eq!(
        values["2026-03-31"],
        v["indicators"]["2"]["relative_likelihood"]
    );
    // The change is computed from the unrounded figures, so it agrees with the difference
    // of the published (2 d.p.) values to within rounding.
    let (a, b) = (num(&values["2025-03-31"]), num(&values["2026-03-31"]));
    assert!((num(&rl["change"]) - (b - a)).abs() <= 0.011, "{rl}");
    for k in ["3", "4", "5", "6", "7", "8", "9"] {
        assert!(yoy.get(k).is_some(), "WRES year on year lacks {k}");
    }
    let w = json(&["wdes"]);
    assert!(
        w["year_on_year"]["2"]["values"]
            .as_object()
            .is_some_and(|m| m.len() == 2)
    );
    let g = json(&["pay-gap", "--by", "sex"]);
    assert_eq!(
        g["year_on_year"]["mean_gap_pct"]["values"]["2026-03-31"],
        g["mean_gap_pct"]
    );
    // An earlier year has only itself to compare with.
    let first = json(&["wres", "--year", "2025"]);
    assert_eq!(
        first["year_on_year"]["2"]["change"],
        serde_json::json!({"undefined": "no earlier 31 March snapshot"})
    );
}

#[test]
fn the_report_has_a_workforce_page_for_the_ics_and_each_organisation() {
    let s = setup();
    let out = s._dir.path().join("report");
    run_ok(
        bin()
            .args(["report", "--workspace"])
            .arg(&s.ws)
            .arg("--out")
            .arg(&out),
    );
    let index = std::fs::read_to_string(out.join("index.html")).expect("index");
    assert!(index.contains("<h2>Workforce equality</h2>"), "{index}");
    let wres = json(&["wres"]);
    let orgs: Vec<String> = std::fs::read_dir(out.join("sections"))
        .expect("sections directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    // The ICS and the synthetic organisations, each linked from the index.
    assert!(orgs.contains(&"workforce-ics.html".to_owned()), "{orgs:?}");
    assert!(orgs.contains(&"workforce-rwe.html".to_owned()), "{orgs:?}");
    assert!(orgs.len() >= 5, "{orgs:?}");
    for o in &orgs {
        assert!(
            index.contains(&format!("href=\"sections/{o}\"")),
            "{o} not linked"
        );
    }
    let page = std::fs::read_to_string(out.join("sections/workforce-ics.html")).expect("page");
    for part in [
        "At a glance",
        "Workforce Race Equality Standard (WRES)",
        "Workforce Disability Equality Standard (WDES)",
        "Gender pay gap",
        "Ethnicity pay gap",
        "Disability pay gap",
        "Quarterly workforce dashboard and representativeness",
        "Year on year: each 31 March snapshot",
    ] {
        assert!(page.contains(part), "the ICS page lacks {part}");
    }
    // The page shows the very figure `equalis workforce wres` publishes.
    let rl = format!(
        "{:.2}",
        num(&wres["indicators"]["2"]["relative_likelihood"])
    );
    assert!(
        page.contains(&format!(
            "<th scope=\"row\">WRES 2: White vs BME appointed from shortlisting</th><td class=\"num\">{rl}</td>"
        )),
        "WRES 2 likelihood {rl} not on the page"
    );
    // Numbers people read have thousands separated, and labels are words (issue 21 item 9).
    let total = num(&wres["indicators"]["1"]["overall"]["total"]) as u64;
    assert!(total >= 1000, "the ICS should have thousands of staff");
    let grouped = format!("{},{:03}", total / 1000, total % 1000);
    assert!(
        page.contains(&format!("<td class=\"num\">{grouped}</td>")),
        "{grouped} not on the page"
    );
    for code in ["career_grade", "wres5", "Two years after", "common_cause"] {
        assert!(!page.contains(code), "{code} on the ICS page");
    }
    // The relative likelihoods, the gender pay quartiles and the parity targets are drawn;
    // representativeness is not, as this workspace has no population to compare with...
    assert!(page.matches("<svg").count() >= 3, "charts missing");
    assert!(page.contains("no local population"));
    // ...until the report is told the ICB.
    let with_ics = s._dir.path().join("report-qk1");
    run_ok(
        bin()
            .args(["report", "--ics", "QK1", "--workspace"])
            .arg(&s.ws)
            .arg("--out")
            .arg(&with_ics),
    );
    let page = std::fs::read_to_string(with_ics.join("sections/workforce-ics.html")).expect("page");
    assert!(!page.contains("no local population"));
    // Now representativeness is drawn too.
    assert!(
        page.matches("<svg").count() >= 4,
        "representativeness not drawn"
    );
}

/// A workspace holding the synthetic ICS's workforce datasets except `missing`.
fn workspace_without(missing: &str) -> (tempfile::TempDir, PathBuf) {
    let s = setup();
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    run_ok(bin().arg("init").arg(&ws));
    for d in DATASETS.iter().filter(|d| **d != missing) {
        run_ok(
            bin()
                .args(["ingest", "--workspace"])
                .arg(&ws)
                .args(["--dataset", d])
                .arg(s.data.join(format!("{d}.csv"))),
        );
    }
    (dir, ws)
}

/// Issue 19 item 2: WRES and WDES on a workspace lacking each optional dataset in turn give
/// every indicator its data support, and for the others say which dataset to ingest; exit 0.
#[test]
fn returns_compute_what_their_data_support_when_a_dataset_is_missing() {
    let full_wres = json(&["wres", "--org", "RWE"]);
    let full_wdes = json(&["wdes", "--org", "RWE"]);
    // Indicator (WRES) and metric (WDES) keys by the dataset they read.
    let reads: [(&str, &[&str], &[&str]); 4] = [
        ("recruitment", &["2"], &["2"]),
        ("employee_relations", &["3"], &["3"]),
        ("training", &["4"], &[]),
        (
            "staff_survey",
            &["5", "6", "7", "8"],
            &[
                "4a_public",
                "4a_managers",
                "4a_colleagues",
                "4b",
                "5",
                "6",
                "7",
                "8",
            ],
        ),
    ];
    for (missing, wres_keys, wdes_keys) in reads {
        let (_dir, ws) = workspace_without(missing);
        let reason =
            format!("needs the `{missing}` dataset: `equalis ingest --dataset {missing} FILE`");
        for (cmd, keys, full, field) in [
            ("wres", wres_keys, &full_wres, "indicators"),
            ("wdes", wdes_keys, &full_wdes, "metrics"),
        ] {
            let out = run_ok(
                bin()
                    .args([
                        "workforce",
                        cmd,
                        "--org",
                        "RWE",
                        "--format",
                        "json",
                        "--workspace",
                    ])
                    .arg(&ws),
            );
            let v: Value = serde_json::from_str(&out).expect("JSON");
            let got = v[field].as_object().expect("indicators");
            for (k, want) in full[field].as_object().expect("indicators") {
                if keys.contains(&k.as_str()) {
                    assert_eq!(
                        got[k],
                        serde_json::json!({ "undefined": reason }),
                        "{cmd} {k} without {missing}"
                    );
                } else {
                    // Every other indicator is exactly what the full workspace gives.
                    assert_eq!(&got[k], want, "{cmd} {k} without {missing}");
                }
            }
            // The table says so too, with exit 0.
            let table = run_ok(
                bin()
                    .args(["workforce", cmd, "--org", "RWE", "--workspace"])
                    .arg(&ws),
            );
            assert_eq!(
                table.contains(&reason),
                !keys.is_empty(),
                "{cmd} without {missing}:\n{table}"
            );
        }
        if missing == "recruitment" {
            // The dashboard's EDI metric 2a reads recruitment; the rest of it is computed.
            let out = run_ok(
                bin()
                    .args(["workforce", "dashboard", "--format", "json", "--workspace"])
                    .arg(&ws),
            );
            let v: Value = serde_json::from_str(&out).expect("JSON");
            assert_eq!(
                v["edi_success_metrics"]["2a_race"],
                serde_json::json!({ "undefined": reason })
            );
            assert!(v["edi_success_metrics"]["6a_pct"].is_number());
        }
        if missing == "employee_relations" {
            // The report's pages show WRES and WDES with the indicator that needs the dataset.
            let out = _dir.path().join("report");
            run_ok(
                bin()
                    .args(["report", "--workspace"])
                    .arg(&ws)
                    .arg("--out")
                    .arg(&out),
            );
            let page =
                std::fs::read_to_string(out.join("sections/workforce-rwe.html")).expect("RWE page");
            assert!(page.contains("Workforce Race Equality Standard (WRES)"));
            assert!(
                page.contains("needs the `employee_relations` dataset"),
                "{page}"
            );
            assert!(page.contains("WRES 2: White vs BME appointed from shortlisting"));
        }
    }
}

// ---------------------------------------------------------------- pay gap measures, exact

/// The figures `equalis workforce pay-gap` must publish for `crates/equalis-workforce/tests/
/// fixtures/pay_gap_ties.csv`, from the independent computation of
/// `crates/equalis-workforce/tests/pay_gap_ties_reference.py` (the exact figures, and more on
/// the data, are in `crates/equalis-workforce/tests/pay_gap_ties.rs`): each measure to one
/// decimal place, `*` where a group it compares has 1 to 7 people (here: 3 Disabled, 6
/// unknown-status and 3 ethnic minority staff paid a bonus), `undefined` for a group below the
/// ethnicity and disability pay gaps' small-group threshold of 10 (Not stated, Not known).
const GENDER_RX1: &[(&str, &str)] = &[
    ("Female mean_gap", "9.3"),
    ("Female median_gap", "16.9"),
    ("Female mean_bonus_gap", "-13.5"),
    ("Female median_bonus_gap", "60.0"),
    ("Male bonus_pct", "7.9"),
    ("Female bonus_pct", "5.5"),
    ("q0 Male", "41.8"),
    ("q0 Female", "58.2"),
    ("q1 Male", "41.2"),
    ("q1 Female", "58.8"),
    ("q2 Male", "47.3"),
    ("q2 Female", "52.7"),
    ("q3 Male", "51.5"),
    ("q3 Female", "48.5"),
];
const DISABILITY_RX1: &[(&str, &str)] = &[
    ("Disabled mean_gap", "3.2"),
    ("Disabled median_gap", "0.0"),
    ("Disabled mean_bonus_gap", "*"),
    ("Disabled median_bonus_gap", "*"),
    ("Unknown mean_gap", "2.0"),
    ("Unknown median_gap", "0.0"),
    ("Unknown mean_bonus_gap", "*"),
    ("Unknown median_bonus_gap", "*"),
    ("Non-disabled bonus_pct", "6.0"),
    ("Disabled bonus_pct", "4.4"),
    ("Unknown bonus_pct", "14.0"),
    ("q0 Non-disabled", "74.8"),
    ("q0 Disabled", "16.8"),
    ("q0 Unknown", "8.3"),
    ("q1 Non-disabled", "78.9"),
    ("q1 Disabled", "11.4"),
    ("q1 Unknown", "9.7"),
    ("q2 Non-disabled", "79.1"),
    ("q2 Disabled", "13.6"),
    ("q2 Unknown", "7.3"),
    ("q3 Non-disabled", "76.3"),
    ("q3 Disabled", "14.0"),
    ("q3 Unknown", "9.6"),
];
const ETHNICITY_BINARY_RX1: &[(&str, &str)] = &[
    ("Ethnic minority mean_gap", "-1.9"),
    ("Ethnic minority median_gap", "0.0"),
    ("Ethnic minority mean_bonus_gap", "*"),
    ("Ethnic minority median_bonus_gap", "*"),
    ("Not stated mean_gap", "undefined"),
    ("Not stated median_gap", "undefined"),
    ("Not known mean_gap", "undefined"),
    ("Not known median_gap", "undefined"),
    ("White bonus_pct", "8.4"),
    ("Ethnic minority bonus_pct", "2.2"),
    ("Not stated bonus_pct", "undefined"),
    ("Not known bonus_pct", "undefined"),
    ("q0 White", "68.7"),
    ("q0 Ethnic minority", "30.0"),
    ("q0 Not stated", "undefined"),
    ("q0 Not known", "undefined"),
    ("q1 White", "70.7"),
    ("q1 Ethnic minority", "26.2"),
    ("q1 Not stated", "undefined"),
    ("q1 Not known", "undefined"),
    ("q2 White", "67.3"),
    ("q2 Ethnic minority", "30.1"),
    ("q2 Not stated", "undefined"),
    ("q2 Not known", "undefined"),
    ("q3 White", "69.3"),
    ("q3 Ethnic minority", "28.1"),
    ("q3 Not stated", "undefined"),
    ("q3 Not known", "undefined"),
];
const GENDER_RX2: &[(&str, &str)] = &[
    ("Female mean_gap", "0.0"),
    ("Female median_gap", "0.0"),
    ("Female mean_bonus_gap", "*"),
    ("Female median_bonus_gap", "*"),
    ("Male bonus_pct", "55.0"),
    ("Female bonus_pct", "15.0"),
    ("q0 Male", "50.0"),
    ("q0 Female", "50.0"),
    ("q1 Male", "50.0"),
    ("q1 Female", "50.0"),
    ("q2 Male", "50.0"),
    ("q2 Female", "50.0"),
    ("q3 Male", "50.0"),
    ("q3 Female", "50.0"),
];

const QUARTILE_KEYS: [&str; 4] = ["lower", "lower_middle", "upper_middle", "upper"];

/// A workspace holding only the pay gap fixture's staff extract.
fn pay_gap_workspace() -> &'static Path {
    static WS: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &WS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = dir.path().join("ws");
        run_ok(bin().arg("init").arg(&ws));
        run_ok(
            bin()
                .args(["ingest", "--workspace"])
                .arg(&ws)
                .args(["--dataset", "staff"])
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../equalis-workforce/tests/fixtures/pay_gap_ties.csv"
                )),
        );
        (dir, ws)
    })
    .1
}

fn pay_gap_json(args: &[&str]) -> Value {
    let out = run_ok(
        bin()
            .args(["workforce", "pay-gap", "--format", "json"])
            .args(args)
            .arg("--workspace")
            .arg(pay_gap_workspace()),
    );
    serde_json::from_str(&out).expect("JSON")
}

/// The published cell of a measure named as the reference script names it.
fn measure<'a>(v: &'a Value, analysis: Option<&str>, name: &str) -> &'a Value {
    let (head, tail) = name.rsplit_once(' ').expect("two words");
    let quartile = |q: &str| QUARTILE_KEYS[q[1..].parse::<usize>().expect("qN")];
    match analysis {
        // The gender pay gap: the six measures at the top level.
        None => match (head, tail) {
            (q, sex) if q.starts_with('q') => {
                &v["quartiles"][quartile(q)][sex.to_ascii_lowercase()]
            }
            (sex, "bonus_pct") => &v["bonus_proportion"][sex.to_ascii_lowercase()],
            (_, gap) => &v[format!("{gap}_pct")],
        },
        Some(a) => {
            let a = &v[a];
            if let Some(rest) = name.strip_prefix('q') {
                let (q, group) = rest.split_once(' ').expect("qN group");
                return &a["quartiles"][quartile(&format!("q{q}"))][group];
            }
            if tail == "bonus_pct" {
                let g = a["groups"]
                    .as_array()
                    .expect("groups")
                    .iter()
                    .find(|g| g["group"] == head)
                    .expect("group");
                return &g["bonus_proportion_pct"];
            }
            &a["gaps"][head][format!("{tail}_pct")]
        }
    }
}

#[track_caller]
fn check_published(v: &Value, analysis: Option<&str>, expected: &[(&str, &str)]) {
    for &(name, want) in expected {
        let got = measure(v, analysis, name);
        let shown = match got {
            Value::Number(n) => format!("{:.1}", n.as_f64().expect("number")),
            Value::String(s) => s.clone(),
            Value::Object(o) if o.contains_key("undefined") => "undefined".to_owned(),
            other => panic!("{name}: {other}"),
        };
        assert_eq!(shown, want, "{name}: {got}");
    }
}

/// Issue 19 item 1: the six measures of SI 2017/353, and the ethnicity and disability pay gaps
/// computed the same way, are published from exact counts to one decimal place, not from counts
/// rounded to 5 (which gave bonus proportions of 7.0% and 5.9% here, for 7.9% and 5.5%), and are
/// withheld only where a group compared is too small, saying so.
#[test]
fn pay_gap_measures_are_exact_and_match_the_reference() {
    let g = pay_gap_json(&["--org", "RX1", "--by", "sex"]);
    assert_eq!(g["view"], "published");
    check_published(&g, None, GENDER_RX1);
    let d = pay_gap_json(&["--org", "RX1", "--by", "disability"]);
    check_published(&d, Some("analysis"), DISABILITY_RX1);
    let e = pay_gap_json(&["--org", "RX1", "--by", "ethnicity"]);
    check_published(&e, Some("binary"), ETHNICITY_BINARY_RX1);
    // Three women paid a bonus at RX2: the bonus gaps are withheld, the rest published.
    let rx2 = pay_gap_json(&["--org", "RX2", "--by", "sex"]);
    check_published(&rx2, None, GENDER_RX2);
    // The output says how the measures are published.
    let table = run_ok(
        bin()
            .args(["workforce", "pay-gap", "--org", "RX2", "--workspace"])
            .arg(pay_gap_workspace()),
    );
    assert!(
        table.contains("pay gap measures (SI 2017/353) from exact counts to one decimal place"),
        "{table}"
    );
    // The return view gives the withheld bonus gaps too (3 Disabled staff paid a bonus).
    let exact = pay_gap_json(&["--org", "RX1", "--by", "disability", "--view", "return"]);
    assert_eq!(exact["view"], "return");
    check_published(
        &exact,
        Some("analysis"),
        &[
            ("Disabled mean_bonus_gap", "31.3"),
            ("Disabled median_bonus_gap", "0.0"),
            ("Unknown median_bonus_gap", "-150.0"),
            ("Disabled bonus_pct", "4.4"),
        ],
    );
    // ...and exact counts: 68 Disabled relevant employees, where the published view says 70.
    let disabled = |v: &Value| {
        v["analysis"]["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .find(|g| g["group"] == "Disabled")
            .expect("Disabled")["relevant_employees"]
            .clone()
    };
    assert_eq!(disabled(&exact), 68);
    assert_eq!(disabled(&d), 70);
}

/// The return view (issue 19 item 1: NHS England's returns are exact counts and rates) is asked
/// for by name, says what it is on standard error, on the cover and in JSON, and gives the exact
/// counts the published view rounds: each published count is the NHS Digital 2018 rounding of
/// the return's.
#[test]
fn the_return_view_gives_exact_counts_and_says_it_is_not_for_publication() {
    let s = setup();
    let o = bin()
        .args([
            "workforce",
            "wres",
            "--org",
            "RWE",
            "--view",
            "return",
            "--format",
            "json",
        ])
        .arg("--workspace")
        .arg(&s.ws)
        .output()
        .expect("run");
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not for publication"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let exact: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(exact["view"], "return");
    let published = json(&["wres", "--org", "RWE"]);
    assert_eq!(published["view"], "published");
    let nhsd = |n: u64| -> Value {
        match n {
            0 => Value::from(0),
            1..=7 => Value::from("*"),
            n => Value::from((n + 2) / 5 * 5),
        }
    };
    let mut some_not_multiple_of_5 = false;
    for k in [
        "white_shortlisted",
        "white_appointed",
        "bme_shortlisted",
        "bme_appointed",
        "unknown_shortlisted",
        "unknown_appointed",
    ] {
        let n = exact["indicators"]["2"][k]
            .as_u64()
            .expect("an exact count");
        some_not_multiple_of_5 |= !n.is_multiple_of(5);
        assert_eq!(published["indicators"]["2"][k], nhsd(n), "{k}");
    }
    assert!(some_not_multiple_of_5, "the return's counts look rounded");
    // The relative likelihood is the same exact figure in both.
    assert_eq!(
        exact["indicators"]["2"]["relative_likelihood"],
        published["indicators"]["2"]["relative_likelihood"]
    );
    let table = run_ok(
        bin()
            .args(["workforce", "wdes", "--view", "return", "--workspace"])
            .arg(&s.ws),
    );
    assert!(table.contains("View: return view"), "{table}");
    assert!(table.contains("NOT FOR PUBLICATION"), "{table}");
}

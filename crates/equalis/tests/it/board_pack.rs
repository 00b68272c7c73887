//! `equalis board-pack`: the quarterly board pack regenerated from the demo workspace, its
//! figures checked against `equalis results` and `equalis workforce pay-gap` (no number typed
//! here), small counts still withheld, the demo's overdue impact assessment listed, and the
//! PDF tagged.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::demo;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
}

fn run(args: &[&str], ws: &Path) -> String {
    let o = bin()
        .args(args)
        .arg("--workspace")
        .arg(ws)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The page's text as a reader hears it: tags and charts gone, spaces collapsed.
fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_svg = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<svg") {
            in_svg = true;
        }
        if in_svg && rest.starts_with("</svg>") {
            in_svg = false;
            rest = &rest["</svg>".len()..];
            continue;
        }
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag && !in_svg => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&#x27;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_board_pack_shows_the_published_figures_and_overdue_reviews() {
    let (_, dir) = demo();
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("workspace");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(dir.join("workspace"))
        .arg(&ws)
        .status()
        .unwrap();
    assert!(copied.success());

    // The demo's accounts and example decisions (which `equalis demo` seeds, served or
    // not), and an objective whose measure follows a published indicator.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use equalis_store::{Actor, Database, Store, StoreConfig};
        let store = Store::open(&Database::for_workspace(&ws), StoreConfig::default())
            .await
            .unwrap();
        assert_eq!(
            store.list_decisions().await.unwrap().len(),
            3,
            "`equalis demo --no-serve` seeded the example decisions"
        );
        let by = Actor::User("edi.lead@example.nhs.uk".into());
        let o = store
            .create_objective(
                &by,
                &equalis_assure::ObjectiveInput {
                    title: "Close the gap in SMI physical health checks".into(),
                    description: "Most deprived areas first.".into(),
                    owner: "Director of Population Health".into(),
                    start_year: "2024/25".into(),
                    end_year: "2027/28".into(),
                },
            )
            .await
            .unwrap();
        store
            .add_measure(
                &by,
                o.id,
                &equalis_assure::MeasureInput {
                    name: "SMI health checks, most deprived quintile".into(),
                    figure: ["indicator", "smi_health_check", "imd_quintile", "1", ""]
                        .map(String::from),
                    direction: "higher".into(),
                    baseline: "1".into(),
                    baseline_year: "2023/24".into(),
                    target: "101".into(),
                    target_year: "2027/28".into(),
                },
            )
            .await
            .unwrap();
        store.close().await;
    });

    // This quarter: the demo's clinic move is past its review date today.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let quarter = equalis_app::board_pack::Quarter::of(today).to_string();
    let chromium = equalis_app::pdf::PdfOptions::from_env().chromium;
    let require = std::env::var_os("EQUALIS_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    let pdf = require || chromium.is_file();
    let out = tmp.path().join("pack");
    let mut cmd = bin();
    cmd.args(["board-pack", "--workspace"])
        .arg(&ws)
        .args(["--quarter", &quarter, "--out"])
        .arg(&out);
    if !pdf {
        eprintln!(
            "no Chromium at {}: the PDF is not checked",
            chromium.display()
        );
        cmd.arg("--no-pdf");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(out.join("style.css").exists());
    let text = page_text(&html);
    for heading in [
        "Workforce dashboard",
        "Relative likelihoods",
        "Waiting-list equalisation",
        "Equalisation gaps: first and latest",
        "Progress on the equality objectives",
        "Impact assessments overdue for review",
    ] {
        assert!(text.contains(heading), "{heading}");
    }

    // Pay gaps: each group's published mean and median gap as `equalis workforce pay-gap`
    // prints them, withheld cells (*) withheld in the pack too.
    let csv = run(
        &[
            "workforce",
            "pay-gap",
            "--by",
            "ethnicity",
            "--format",
            "csv",
        ],
        &ws,
    );
    let mut gaps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == "By group gaps" {
            gaps.entry(rec[1].to_owned())
                .or_default()
                .push(rec[3].to_owned());
        }
    }
    assert!(!gaps.is_empty(), "{csv}");
    let mut withheld = 0;
    for (group, cells) in &gaps {
        let row = format!("{group} {}", cells.join(" "));
        assert!(text.contains(&row), "pay gap row `{row}` not in the pack");
        withheld += cells.iter().filter(|c| *c == "*").count();
    }
    assert!(withheld > 0, "the demo has withheld bonus gaps: {gaps:?}");

    // Waiting list: the ICS's share over 18 weeks at the latest snapshot, as `equalis
    // results` publishes it.
    let csv = run(
        &[
            "results",
            "--indicator",
            "wl_over_18_weeks",
            "--breakdown",
            "all",
            "--format",
            "csv",
        ],
        &ws,
    );
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (period, value) = r
        .records()
        .map(|rec| rec.unwrap())
        .map(|rec| (rec[col("period")].to_owned(), rec[col("value")].to_owned()))
        .max()
        .expect("a published value");
    let value: f64 = value.parse().unwrap();
    let row = format!("Waiting over 18 weeks {period} {value:.1}%");
    assert!(text.contains(&row), "`{row}` not in the pack");

    // The objective's measure: its latest published value, as `equalis results` has it.
    let csv = run(
        &[
            "results",
            "--indicator",
            "smi_health_check",
            "--breakdown",
            "imd_quintile",
            "--format",
            "csv",
        ],
        &ws,
    );
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (period, value) = r
        .records()
        .map(|rec| rec.unwrap())
        .filter(|rec| &rec[col("group")] == "1" && &rec[col("value")] != "*")
        .map(|rec| (rec[col("period")].to_owned(), rec[col("value")].to_owned()))
        .max()
        .expect("a published value for quintile 1");
    let value: f64 = value.parse().unwrap();
    let row = format!(
        "SMI health checks, most deprived quintile Close the gap in SMI physical health checks 101 by 2027/28 {} ({period})",
        (value * 10.0).round() / 10.0
    );
    assert!(text.contains(&row), "`{row}` not in the pack");

    // The demo's overdue impact assessment, and not the others.
    let overdue = text
        .split("Impact assessments overdue for review")
        .last()
        .unwrap();
    assert!(
        overdue.contains("Moving the Loughborough diabetes clinic to the community hospital QK1 1"),
        "{overdue}"
    );
    assert!(!overdue.contains("Wigston"), "{overdue}");

    if pdf {
        let file = out.join("board-pack.pdf");
        let info = Command::new("pdfinfo").arg(&file).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.lines()
                .any(|l| l.starts_with("Tagged:") && l.trim_end().ends_with("yes")),
            "{info}"
        );
        let words = Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .unwrap();
        let words = String::from_utf8_lossy(&words.stdout);
        assert!(words.contains("Waiting-list equalisation"), "{words}");
        assert!(words.contains("Loughborough diabetes clinic"), "{words}");
    }
}

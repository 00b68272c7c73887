//! `equalis demo --no-serve` builds and loads the synthetic ICS, and `equalis status`
//! then shows every contract dataset with rows.

use std::process::Command;

#[test]
fn demo_loads_every_contract_dataset() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args(args)
            .output()
            .unwrap()
    };
    let (o, dir) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Loaded into workspace"), "{stdout}");

    let ws = dir.join("workspace");
    let o = run(&[
        "status",
        "--workspace",
        ws.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let datasets = status["datasets"].as_object().unwrap();
    let expected = [
        "population",
        "waiting_list",
        "admissions",
        "events",
        "staff",
        "recruitment",
        "employee_relations",
        "training",
        "staff_survey",
        "volunteers",
        "quotas",
    ];
    for name in expected {
        let rows = datasets.get(name).and_then(|d| d["rows"].as_u64());
        assert!(rows.is_some_and(|r| r > 0), "{name} has no rows: {status}");
    }
    assert_eq!(datasets.len(), expected.len());
    // No rejects: the synthetic extracts follow the contract exactly.
    assert_eq!(std::fs::read_dir(ws.join("rejects")).unwrap().count(), 0);

    // The report has the indicators, a workforce page for the ICS and each organisation, and
    // the Citizens' Panel page.
    let report = dir.join("report");
    let index = std::fs::read_to_string(report.join("index.html")).unwrap();
    for (page, heading) in [
        ("sections/workforce-ics.html", "At a glance"),
        ("sections/workforce-rwe.html", "Gender pay gap"),
        (
            "sections/citizens-panel.html",
            "Pool and panel against the population",
        ),
    ] {
        assert!(
            index.contains(&format!("href=\"{page}\"")),
            "{page} not linked"
        );
        let html = std::fs::read_to_string(report.join(page)).unwrap();
        assert!(html.contains(heading), "{page} lacks {heading}");
    }
    // Places have population figures (the footprint's local authorities ship with equalis);
    // issue 21 found "no population figures" in every place row.
    let panel = std::fs::read_to_string(report.join("sections/citizens-panel.html")).unwrap();
    let place = panel
        .split_once("By place")
        .and_then(|(_, rest)| rest.split("</table>").next())
        .expect("a table by place");
    assert!(place.contains("Leicester"), "{place}");
    assert!(!place.contains("no population figures"), "{place}");
}

/// A demo in a directory an earlier demo made replaces it; a directory the demo did not make
/// is never touched.
#[test]
fn demo_replaces_only_its_own_directory() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args(args)
            .output()
            .unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let earlier = tmp.path().join("earlier");
    std::fs::create_dir_all(earlier.join("report")).unwrap();
    std::fs::write(earlier.join(".equalis-demo"), "made by `equalis demo`\n").unwrap();
    std::fs::write(earlier.join("report/stale.html"), "old").unwrap();
    let o = run(&[
        "demo",
        "--dir",
        earlier.to_str().unwrap(),
        "--scale",
        "0.002",
        "--no-serve",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!earlier.join("report/stale.html").exists());
    assert!(earlier.join("report/index.html").is_file());

    let other = tmp.path().join("mine");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "keep").unwrap();
    let o = run(&["demo", "--dir", other.to_str().unwrap(), "--no-serve"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("was not made by `equalis demo`"));
    assert!(other.join("notes.txt").is_file());
}

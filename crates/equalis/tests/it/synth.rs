//! End-to-end test of the real `equalis synth` binary at a tiny scale: every contract
//! file is written with the rows the summary reports, and bad arguments fail clearly.

use std::path::Path;
use std::process::Command;

const FILES: [&str; 11] = [
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

fn data_rows(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("readable CSV");
    text.lines().count() - 1
}

#[test]
fn synth_writes_every_file_and_reports_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("ics");
    let run = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args([
            "synth", "--ics", "QK1", "--scale", "0.005", "--seed", "42", "--out",
        ])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).expect("utf-8");
    assert!(stdout.contains("Leicester"), "{stdout}");
    // Not a terminal: no progress bar noise on stderr.
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in FILES {
        let file = out.join(format!("{name}.csv"));
        let rows = data_rows(&file);
        assert!(rows > 0, "{name} has rows");
        // The summary line for this file gives the same count.
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(&format!("{name}.csv")))
            .unwrap_or_else(|| panic!("summary lists {name}.csv:\n{stdout}"));
        let reported: usize = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("row count");
        assert_eq!(reported, rows, "{name}");
    }
    assert!(out.join("planted_effects.json").exists());
    assert!(out.join("README.md").exists());

    // Same seed, same bytes.
    let again = dir.path().join("again");
    let run2 = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args([
            "synth",
            "--scale",
            "0.005",
            "--only",
            "population,staff",
            "--out",
        ])
        .arg(&again)
        .output()
        .expect("runs");
    assert!(run2.status.success());
    for f in ["population.csv", "staff.csv"] {
        assert_eq!(
            std::fs::read(out.join(f)).expect("a"),
            std::fs::read(again.join(f)).expect("b")
        );
    }
    assert!(!again.join("waiting_list.csv").exists());
}

#[test]
fn synth_rejects_unknown_icb_and_dataset() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["synth", "--ics", "ZZZ", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("unknown ICB code \"ZZZ\"") && err.contains("QK1"),
        "{err}"
    );

    let run = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["synth", "--only", "patients", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("unknown dataset \"patients\""));

    let list = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["synth", "--list-icbs"])
        .output()
        .expect("runs");
    assert!(list.status.success());
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 42);
}

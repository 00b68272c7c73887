//! End-to-end tests of `equalis init`, `ingest` and `status`: the real binary, its exit
//! codes, and what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn equalis(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn equalis_env(args: &[&str], cwd: &Path, env: (&str, &str)) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .current_dir(cwd)
        .env(env.0, env.1)
        .output()
        .unwrap()
}

/// Exit code, stdout and stderr, with timestamps and rejects-file stamps masked.
fn show(o: &Output) -> String {
    let mask = |s: &str| {
        s.lines()
            .map(|l| {
                let l = mask_between(l, "rejects/", ".csv");
                mask_between(&l, "\"created\":\"", "\"")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code().map_or("signal".into(), |c| c.to_string()),
        mask(&String::from_utf8_lossy(&o.stdout)),
        mask(&String::from_utf8_lossy(&o.stderr)),
    )
}

/// Replaces whatever stands between `start` and the next `end` with `[..]`.
fn mask_between(line: &str, start: &str, end: &str) -> String {
    match line.find(start) {
        Some(i) => {
            let from = i + start.len();
            match line[from..].find(end) {
                Some(j) => format!("{}[..]{}", &line[..from], &line[from + j..]),
                None => line.to_string(),
            }
        }
        None => line.to_string(),
    }
}

const HEADER: &str = "pathway_id,nhs_number,snapshot_date,provider_code,treatment_function_code,priority,rtt_start_date\n";

fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let o = equalis(&["init", "ws"], tmp.path());
    assert!(o.status.success(), "{}", show(&o));
    let dir = tmp.path().to_path_buf();
    (tmp, dir)
}

fn write(dir: &Path, name: &str, rows: &[&str]) {
    std::fs::write(dir.join(name), format!("{HEADER}{}\n", rows.join("\n"))).unwrap();
}

#[test]
fn ingest_reports_counts_exit_codes_and_rejects() {
    let (_t, dir) = setup();
    write(
        &dir,
        "good.csv",
        &["p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01"],
    );
    let o = equalis(
        &[
            "ingest",
            "--workspace",
            "ws",
            "--dataset",
            "waiting_list",
            "good.csv",
            "--format",
            "json",
        ],
        &dir,
    );
    insta::assert_snapshot!(show(&o), @r#"
    exit: 0
    --- stdout
    {"committed":true,"dataset":"waiting_list","files":[{"accepted":1,"path":"good.csv","read":1,"rejected":0}],"rejects_file":null,"version":1,"warnings":[]}
    --- stderr
    "#);

    write(
        &dir,
        "mixed.csv",
        &[
            "p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01",
            "p2,9434765918,2024-03-31,RWE,110,P4,2023-06-01",
        ],
    );
    let o = equalis(
        &[
            "ingest",
            "--workspace",
            "ws",
            "--dataset",
            "waiting_list",
            "mixed.csv",
        ],
        &dir,
    );
    insta::assert_snapshot!(show(&o), @r#"
    exit: 3
    --- stdout
    Ingested waiting_list: version 2 with 1 rows
      file               read      accepted      rejected
      mixed.csv             2             1             1
    Rejected rows, with the column and reason: ws/rejects/[..].csv
    --- stderr
    "#);

    std::fs::write(
        dir.join("nocol.csv"),
        "pathway_id,nhs_number\np1,9434765919\n",
    )
    .unwrap();
    let o = equalis(
        &[
            "ingest",
            "--workspace",
            "ws",
            "--dataset",
            "waiting_list",
            "nocol.csv",
        ],
        &dir,
    );
    insta::assert_snapshot!(show(&o), @r#"
    exit: 2
    --- stdout

    --- stderr
    error: `nocol.csv`: required column `snapshot_date` is missing (found: pathway_id, nhs_number)
    nothing was committed; the previous version of `waiting_list` is unchanged
    "#);

    let o = equalis(&["status", "--workspace", "ws", "--format", "json"], &dir);
    insta::assert_snapshot!(show(&o), @r#"
    exit: 0
    --- stdout
    {"datasets":{"waiting_list":{"created":"[..]","files":["mixed.csv"],"iod_edition":"IoD2025","rows":1,"version":2}},"results":null,"workspace":"ws"}
    --- stderr
    "#);
}

#[test]
fn usage_errors_name_the_fix() {
    let (_t, dir) = setup();
    let o = equalis(&["status", "--workspace", "nowhere"], &dir);
    insta::assert_snapshot!(show(&o), @r#"
    exit: 2
    --- stdout

    --- stderr
    error: `nowhere` is not an equalis workspace (no equalis.toml)

    hint: create one with `equalis init nowhere`
    "#);
    let o = equalis(
        &[
            "ingest",
            "--workspace",
            "ws",
            "--dataset",
            "waitinglist",
            "x.csv",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("[possible values: population, waiting_list,")
    );
}

/// A process killed in the middle of an ingest, or between writing its files and
/// committing them, leaves the previous version current and readable; the next ingest
/// sweeps what it left behind.
#[test]
fn a_crash_mid_ingest_leaves_the_previous_version() {
    let (_t, dir) = setup();
    write(
        &dir,
        "v1.csv",
        &["p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01"],
    );
    assert!(
        equalis(
            &[
                "ingest",
                "--workspace",
                "ws",
                "--dataset",
                "waiting_list",
                "v1.csv"
            ],
            &dir
        )
        .status
        .success()
    );

    let rows: Vec<String> = (0..50_000)
        .map(|i| format!("q{i},9434765919,2024-03-31,RWE,110,P4,2023-06-01"))
        .collect();
    write(
        &dir,
        "big.csv",
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let args = [
        "ingest",
        "--workspace",
        "ws",
        "--dataset",
        "waiting_list",
        "big.csv",
    ];
    for fault in [
        ("EQUALIS_FAULT_ABORT_AFTER_ROWS", "20000"),
        ("EQUALIS_FAULT_ABORT_BEFORE_COMMIT", "1"),
    ] {
        let o = equalis_env(&args, &dir, fault);
        assert!(
            !o.status.success(),
            "the fault {fault:?} must stop the process"
        );
        let o = equalis(&["status", "--workspace", "ws", "--format", "json"], &dir);
        let s = String::from_utf8_lossy(&o.stdout);
        assert!(s.contains("\"rows\":1,\"version\":1"), "{fault:?}: {s}");
    }
    // Staging left behind by the crashes exists until the next ingest sweeps it.
    let data = dir.join("ws/data/waiting_list");
    let staging = |d: &Path| {
        std::fs::read_dir(d)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".staging")
            })
            .count()
    };
    assert!(staging(&data) > 0);
    let o = equalis(&args, &dir);
    assert!(o.status.success(), "{}", show(&o));
    assert_eq!(staging(&data), 0);
    let o = equalis(&["status", "--workspace", "ws", "--format", "json"], &dir);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"rows\":50000,\"version\":2"));
}

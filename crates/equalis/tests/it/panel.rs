//! End-to-end tests of `equalis panel` on the real binary: output snapshotted with insta,
//! exit codes checked, and the JSON record fed back into `panel replace`.
//!
//! Fixtures live in `tests/fixtures/panel/`: 24 synthetic volunteers (three pairs share a
//! household) with sex, age band and ethnicity (under its older name, `ethnicity`), and quotas
//! for a panel of 6.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/panel")
        .join(name)
}

/// Snapshots live beside the fixtures they describe.
macro_rules! snapshot {
    ($($arg:tt)*) => {
        insta::with_settings!({ snapshot_path => "../fixtures/panel/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($($arg)*);
        })
    };
}

/// Runs the binary from the fixture folder, so paths in messages are stable relative names.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .current_dir(fixture(""))
        .args(args)
        .output()
        .expect("the equalis binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SELECT: &[&str] = &[
    "panel",
    "select",
    "--volunteers",
    "volunteers.csv",
    "--quotas",
    "quotas.csv",
    "--size",
    "6",
    "--seed",
    "42",
];

#[test]
fn select_table() {
    let (code, stdout, stderr) = run(SELECT);
    assert_eq!(code, 0, "{stderr}");
    snapshot!(stdout);
}

#[test]
fn select_json_is_reproducible_and_replace_restores_quotas() {
    let args: Vec<&str> = SELECT.iter().copied().chain(["--format", "json"]).collect();
    let (code, first, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let (_, second, _) = run(&args);
    assert_eq!(
        first, second,
        "same files and seed must give the same record"
    );
    snapshot!("select_json", first);

    let record: serde_json::Value = serde_json::from_str(&first).unwrap();
    let panel: Vec<&str> = record["panel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let dir = std::env::temp_dir().join(format!("equalis-panel-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let record_path = dir.join("selection.json");
    std::fs::write(&record_path, &first).unwrap();
    let dropped = format!("{},{}", panel[0], panel[3]);
    let (code, stdout, stderr) = run(&[
        "panel",
        "replace",
        "--volunteers",
        "volunteers.csv",
        "--quotas",
        "quotas.csv",
        "--selection",
        record_path.to_str().unwrap(),
        "--dropped",
        &dropped,
        "--seed",
        "7",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 0, "{stderr}");
    snapshot!("replace_table", stdout);
}

#[test]
fn infeasible_quotas_exit_1_with_each_conflict() {
    let (code, stdout, stderr) = run(&[
        "panel",
        "select",
        "--volunteers",
        "volunteers.csv",
        "--quotas",
        "quotas-infeasible.csv",
        "--size",
        "6",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    snapshot!(stderr);
}

#[test]
fn bad_quota_cell_names_file_row_and_column() {
    let (code, _, stderr) = run(&[
        "panel",
        "select",
        "--volunteers",
        "volunteers.csv",
        "--quotas",
        "quotas-bad.csv",
        "--size",
        "6",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: `quotas-bad.csv`, row 2 (line 3), column `min`: `three` is not a whole number of 0 or more\n"
    );
}

#[test]
fn replace_refuses_a_different_pool() {
    let dir = std::env::temp_dir().join(format!("equalis-panel-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let record = dir.join("selection.json");
    std::fs::write(
        &record,
        r#"{"panel": ["P01"], "pool_hash": "0000", "algorithm": "maximin"}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(&[
        "panel",
        "replace",
        "--volunteers",
        "volunteers.csv",
        "--quotas",
        "quotas.csv",
        "--selection",
        record.to_str().unwrap(),
        "--dropped",
        "P01",
        "--seed",
        "1",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: `volunteers.csv` is not the pool the selection in"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: pass the volunteers file used for the original selection"));
}

#[test]
fn quotas_from_the_population_table() {
    let (code, out, err) = run(&[
        "panel", "quotas", "--ics", "QK1", "--size", "30", "--format", "table",
    ]);
    assert_eq!(code, 0, "{err}");
    snapshot!("quotas_qk1_30_table", out);
}

#[test]
fn quotas_from_the_population_feed_select() {
    let dir = tempfile::tempdir().expect("temp dir");
    let quotas = dir.path().join("quotas.csv");
    let q = quotas.to_str().expect("UTF-8 path");
    // `ethnicity` is the older name of `ethnic_group`; `place` is by local authority district.
    let features = "sex,age_band,ethnicity,imd_quintile,place";
    let (code, _, err) = run(&[
        "panel",
        "quotas",
        "--ics",
        "QK1",
        "--size",
        "30",
        "--features",
        features,
        "--out",
        q,
    ]);
    assert_eq!(code, 0, "{err}");
    // Each feature's quotas can be met together: minimums sum to at most the panel size and
    // maximums to at least it.
    let mut rdr = csv::Reader::from_path(&quotas).expect("quotas CSV");
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        ["feature", "value", "min", "max"]
    );
    let rows: Vec<(String, String, u32, u32)> = rdr
        .records()
        .map(|r| {
            let r = r.expect("row");
            (
                r[0].to_owned(),
                r[1].to_owned(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            )
        })
        .collect();
    // Written under the one vocabulary's names, whatever was asked for.
    let written: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        written.into_iter().collect::<Vec<_>>(),
        ["age_band", "ethnic_group", "imd_quintile", "place", "sex"]
    );
    let places: Vec<&str> = rows
        .iter()
        .filter(|r| r.0 == "place")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        places.len(),
        9,
        "Leicester, Rutland and Leicestershire's 7 districts"
    );
    assert!(places.contains(&"Rutland") && places.contains(&"Leicester"));
    for f in ["sex", "age_band", "ethnic_group", "imd_quintile", "place"] {
        let of: Vec<_> = rows.iter().filter(|r| r.0 == f).collect();
        assert!(of.len() >= 2, "{f}: {of:?}");
        let (lo, hi): (u32, u32) = of.iter().fold((0, 0), |(a, b), r| (a + r.2, b + r.3));
        assert!(lo <= 30 && hi >= 30, "{f}: {lo}..{hi}");
    }
    // JSON: each feature's population shares sum to 1.
    let (_, json, _) = run(&[
        "panel",
        "quotas",
        "--ics",
        "QK1",
        "--size",
        "30",
        "--features",
        features,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    for f in ["sex", "age_band", "ethnic_group", "imd_quintile", "place"] {
        let total: f64 = v["quotas"]
            .as_array()
            .expect("quotas")
            .iter()
            .filter(|q| q["feature"] == f)
            .map(|q| q["population_share"].as_f64().expect("share"))
            .sum();
        assert!((total - 1.0).abs() < 1e-5, "{f}: {total}");
    }

    // The synthetic ICS's volunteers (skewed as real pools are) can fill a panel to them.
    let data = dir.path().join("synth");
    let (code, _, err) = run(&[
        "synth",
        "--ics",
        "QK1",
        "--scale",
        "0.05",
        "--seed",
        "42",
        "--only",
        "volunteers",
        "--out",
        data.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(code, 0, "{err}");
    let volunteers = data.join("volunteers.csv");
    let (code, out, err) = run(&[
        "panel",
        "select",
        "--volunteers",
        volunteers.to_str().expect("UTF-8 path"),
        "--quotas",
        q,
        "--size",
        "30",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let sel: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let panel: Vec<&str> = sel["panel"]
        .as_array()
        .expect("panel")
        .iter()
        .map(|x| x.as_str().expect("id"))
        .collect();
    assert_eq!(panel.len(), 30);
    let mut vols = csv::Reader::from_path(&volunteers).expect("volunteers");
    let header: Vec<String> = vols
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let members: Vec<csv::StringRecord> = vols
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| panel.contains(&&r[0]))
        .collect();
    for (f, value, min, max) in &rows {
        let col = header.iter().position(|h| h == f).expect("feature column");
        let n = members.iter().filter(|m| &m[col] == value).count() as u32;
        assert!(
            (*min..=*max).contains(&n),
            "{f} = {value}: {n} not in {min}..={max}"
        );
    }
}

/// A command of the README, as written there: the line starting `prefix`, without its comment.
fn readme_command(prefix: &str) -> Vec<String> {
    let readme = include_str!("../../../../README.md");
    let line = readme
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("the README has no `{prefix}` command"));
    line.split(" #")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn readme_panel_commands_work_on_the_demo_files_as_written() {
    // Issue 21: `panel quotas` wrote `ethnic_group`, the demo's volunteers had `ethnicity`, and
    // `panel select` refused. The demo's volunteers, at a small scale, where the demo puts them.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .current_dir(dir.path())
        .args(["synth", "--ics", "QK1", "--scale", "0.05", "--seed", "42"])
        .args(["--only", "volunteers", "--out", "equalis-demo/synthetic"])
        .output()
        .expect("synth runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let quotas = readme_command("equalis panel quotas --ics");
    let select = readme_command("equalis panel select --volunteers equalis-demo/");
    let run_here = |args: &[String]| {
        let o = Command::new(env!("CARGO_BIN_EXE_equalis"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("equalis runs");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, _, err) = run_here(&quotas);
    assert_eq!(code, Some(0), "{quotas:?}: {err}");
    let (code, out, err) = run_here(&select);
    assert_eq!(code, Some(0), "{select:?}: {err}");
    // No progress on a stderr that is not a terminal.
    assert_eq!(err, "");
    assert!(
        out.starts_with("Panel of 40 drawn by maximin lottery, seed 2026"),
        "{out}"
    );
}

#[test]
fn old_and_new_feature_names_fit_each_other() {
    // The fixture's volunteers name the column `ethnicity`; quotas for `ethnic_group` (as
    // `panel quotas` writes them) give the same draw and the same record, pool hash included.
    let dir = tempfile::tempdir().expect("temp dir");
    let renamed = dir.path().join("quotas-new-names.csv");
    let text = std::fs::read_to_string(fixture("quotas.csv")).expect("fixture");
    std::fs::write(&renamed, text.replace("ethnicity,", "ethnic_group,")).expect("write");
    let args: Vec<&str> = SELECT.iter().copied().chain(["--format", "json"]).collect();
    let (code, old, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let args: Vec<&str> = args
        .iter()
        .map(|a| {
            if *a == "quotas.csv" {
                renamed.to_str().expect("UTF-8 path")
            } else {
                a
            }
        })
        .collect();
    let (code, new, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(old, new);
}

#[test]
fn two_names_of_one_feature_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let volunteers = dir.path().join("volunteers.csv");
    std::fs::write(
        &volunteers,
        "volunteer_id,sex,ethnicity,ethnic_group\nV1,Male,White,White\n",
    )
    .expect("write");
    let (code, _, err) = run(&[
        "panel",
        "select",
        "--volunteers",
        volunteers.to_str().expect("UTF-8 path"),
        "--quotas",
        "quotas.csv",
        "--size",
        "1",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("has both `ethnicity` and `ethnic_group`, two names of one panel feature"),
        "{err}"
    );
}

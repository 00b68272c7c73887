//! End-to-end tests of `equalis outreach`, `reidentify` and `registration-gap`: the real
//! binary on the tiny hand-made ICS of the engine's tests.

#[path = "../../../equalis-engine/tests/common/outreach_fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn equalis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .env("USER", "keyholder-test")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A computed workspace of the fixture.
fn computed() -> (tempfile::TempDir, PathBuf, fixture::Files) {
    let tmp = tempfile::tempdir().unwrap();
    let files = fixture::write(tmp.path());
    let ws = tmp.path().join("ws");
    let w = ws.to_str().unwrap();
    ok(&equalis(&["init", w]));
    for (dataset, path) in [
        ("population", &files.population),
        ("admissions", &files.admissions),
        ("waiting_list", &files.waiting_list),
        ("events", &files.events),
    ] {
        ok(&equalis(&[
            "ingest",
            "--workspace",
            w,
            "--dataset",
            dataset,
            path.to_str().unwrap(),
        ]));
    }
    ok(&equalis(&["compute", "--workspace", w, "--no-pairs"]));
    (tmp, ws, files)
}

/// Every standalone run of ten digits in `text` that passes the NHS number Modulus 11 check.
fn nhs_like(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        // A printed NHS number stands alone; ten digits inside a longer token (a hex
        // pseudonym made with the run's random key) are part of that token, and one in eleven
        // of them would pass the check digit by chance.
        let edge_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let edge_after = i + 10 == b.len() || !b[i + 10].is_ascii_alphanumeric();
        if !(edge_before && edge_after && w.iter().all(u8::is_ascii_digit)) {
            continue;
        }
        let d: Vec<u32> = w.iter().map(|c| u32::from(c - b'0')).collect();
        let sum: u32 = (0..9).map(|k| d[k] * (10 - k as u32)).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            c => c,
        };
        if check == d[9] {
            out.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    out
}

fn audit_lines(ws: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(ws.join("audit.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn outreach_prints_pseudonyms_and_reidentify_is_for_the_key_holder_only() {
    let (tmp, ws, files) = computed();
    let w = ws.to_str().unwrap();

    // The cohort: three households, pseudonyms only, in every format.
    let mut printed = String::new();
    for format in ["table", "csv", "json"] {
        let o = equalis(&["outreach", "--workspace", w, "--format", format]);
        printed += &ok(&o);
        printed += &String::from_utf8_lossy(&o.stderr);
    }
    assert!(nhs_like(&printed).is_empty(), "{printed}");
    for n in &files.nhs {
        assert!(!printed.contains(n.as_str()));
    }
    let csv = ok(&equalis(&[
        "outreach",
        "--workspace",
        w,
        "--format",
        "csv",
        "--top",
        "2",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("1,") && lines[1].contains(",15,yes,"),
        "{csv}"
    );
    assert!(lines[2].contains(",person:"), "{csv}");

    // Refused without the flag, and the refusal is audited.
    let out = tmp.path().join("cohort-nhs.csv");
    let o = out.to_str().unwrap();
    let pop = files.population.to_str().unwrap();
    let base = [
        "reidentify",
        "--workspace",
        w,
        "--source",
        pop,
        "--dataset",
        "population",
        "--out",
        o,
    ];
    let refused = equalis(&base);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--i-am-the-key-holder"), "{err}");
    assert!(!out.exists());
    let audit = audit_lines(&ws);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["user"], "keyholder-test");
    assert!(audit[0]["outcome"].as_str().unwrap().starts_with("refused"));

    // With the flag: the members of the top 2 households (HH-A: people 0 and 1; the person
    // alone: person 2), and nothing printed but counts.
    let mut args = base.to_vec();
    args.extend(["--i-am-the-key-holder", "--top", "2"]);
    let done = equalis(&args);
    let stdout = ok(&done);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(
        nhs_like(&format!("{stdout}{stderr}")).is_empty(),
        "{stderr}"
    );
    assert!(stderr.contains("3 people in 2 of 2 households"), "{stderr}");
    let written = std::fs::read_to_string(&out).unwrap();
    let numbers: Vec<&str> = written
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(numbers, [&files.nhs[0], &files.nhs[1], &files.nhs[2]]);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // What is about to be written is on the record first, then that it was written.
    let audit = audit_lines(&ws);
    assert_eq!(audit.len(), 3);
    for (line, outcome) in [(1, "writing"), (2, "written")] {
        assert_eq!(audit[line]["outcome"], outcome);
        assert_eq!(audit[line]["households"], 2);
        assert_eq!(audit[line]["people"], 3);
    }
    let log = std::fs::read_to_string(ws.join("audit.log")).unwrap();
    assert!(nhs_like(&log).is_empty(), "{log}");

    // Never overwritten, never inside the workspace; both audited.
    let again = equalis(&args);
    assert_eq!(again.status.code(), Some(2));
    let inside = ws.join("nhs.csv");
    let mut args_inside = args.clone();
    let last = args_inside.iter().position(|a| *a == "--out").unwrap() + 1;
    args_inside[last] = inside.to_str().unwrap();
    assert_eq!(equalis(&args_inside).status.code(), Some(2));
    assert!(!inside.exists());
    let audit = audit_lines(&ws);
    assert_eq!(audit.len(), 5);
    assert_eq!(audit[3]["outcome"], "refused: --out already exists");
    assert!(
        audit[4]["outcome"]
            .as_str()
            .unwrap()
            .contains("inside the workspace")
    );
    // Every step is in the store's audit log too (what `/admin/audit` shows), by the same
    // user, in order, with no NHS number, and the chain verifies.
    let listed = ok(&equalis(&["audit", "list", "--workspace", w]));
    let actions: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("outreach.")))
        .collect();
    assert_eq!(
        actions,
        [
            "outreach.reidentify_refused",
            "outreach.reidentify_started",
            "outreach.reidentified",
            "outreach.reidentify_refused",
            "outreach.reidentify_refused",
        ],
        "{listed}"
    );
    assert!(listed.contains("keyholder-test"), "{listed}");
    assert!(
        listed.contains(o),
        "the output file is the subject: {listed}"
    );
    assert!(nhs_like(&listed).is_empty(), "{listed}");
    let verified = equalis(&["audit", "verify", "--workspace", w]);
    assert!(verified.status.success(), "{}", ok(&verified));
}

/// Issue 18, item 3: when the audit log could not be written, reidentify exited 2 but left
/// the output full of NHS numbers. The opening record is written and synced before any
/// number; if the closing one fails, the output is removed.
#[test]
fn reidentify_writes_no_number_that_is_not_on_the_record() {
    let (tmp, ws, files) = computed();
    let w = ws.to_str().unwrap();
    let pop = files.population.to_str().unwrap();
    let run = |out: &Path, env: Option<(&str, &str)>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_equalis"));
        c.args([
            "reidentify",
            "--workspace",
            w,
            "--source",
            pop,
            "--dataset",
            "population",
            "--i-am-the-key-holder",
            "--out",
            out.to_str().unwrap(),
        ]);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        c.output().unwrap()
    };

    // The audit log cannot be written at all: a directory in its place, then a full disk
    // (Linux's /dev/full fails every write with ENOSPC).
    let log = ws.join("audit.log");
    std::fs::create_dir(&log).unwrap();
    let out = tmp.path().join("a.csv");
    let o = run(&out, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("writing the audit log"));
    assert!(!out.exists(), "no file of NHS numbers without its record");
    std::fs::remove_dir(&log).unwrap();
    #[cfg(target_os = "linux")]
    {
        std::os::unix::fs::symlink("/dev/full", &log).unwrap();
        let o = run(&out, None);
        assert_eq!(o.status.code(), Some(2));
        assert!(!out.exists());
        std::fs::remove_file(&log).unwrap();
    }

    // The opening record is written, the closing one fails: the file is removed.
    let o = run(&out, Some(("EQUALIS_FAULT_AUDIT_FAIL_AT", "2")));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("could not be recorded as finished"), "{err}");
    assert!(err.contains("was removed"), "{err}");
    assert!(!out.exists());
    let audit = audit_lines(&ws);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["outcome"], "writing");
    assert!(nhs_like(&err).is_empty(), "{err}");

    // And when nothing fails, the file is there with its two records.
    let o = run(&out, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.exists());
    assert_eq!(audit_lines(&ws).len(), 3);
}

#[test]
fn registration_gap_publishes_no_count_from_1_to_7() {
    let (_tmp, ws, _files) = computed();
    let w = ws.to_str().unwrap();
    let csv = ok(&equalis(&[
        "registration-gap",
        "--workspace",
        w,
        "--format",
        "csv",
    ]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let count_cols: Vec<usize> = ["ons_population", "registered", "unregistered"]
        .iter()
        .map(|c| headers.iter().position(|h| h == *c).unwrap())
        .collect();
    let mut rows = 0;
    let mut suppressed = 0;
    for r in reader.records() {
        let r = r.unwrap();
        rows += 1;
        for &c in &count_cols {
            let v = &r[c];
            if v == "*" {
                suppressed += 1;
                continue;
            }
            let n: i64 = v.parse().unwrap();
            assert!(n == 0 || n.abs() > 7, "count {n} in {r:?}");
            assert_eq!(n % 5, 0, "count {n} not rounded in {r:?}");
        }
    }
    assert!(rows > 500);
    // The two fixture LSOAs have 3 and 23 registered people: the 3 is withheld.
    assert!(suppressed >= 1);
    let top = ok(&equalis(&[
        "registration-gap",
        "--workspace",
        w,
        "--top",
        "3",
    ]));
    insta::assert_snapshot!("registration_gap_top3", top);

    // `equalis results` names the shortfall's two counts for what they are: the ONS estimate
    // and the patients registered.
    let listed = ok(&equalis(&[
        "results",
        "--workspace",
        w,
        "--indicator",
        "gp_registration_gap",
        "--breakdown",
        "all",
    ]));
    insta::assert_snapshot!("results_registration_gap_all", listed);
}

#[test]
fn the_nhs_number_detector_finds_standalone_numbers_only() {
    // 943 476 5919 is the NHS Data Dictionary's example of a valid number.
    assert_eq!(nhs_like("id,9434765919,x"), ["9434765919"]);
    assert_eq!(nhs_like("person:9434765919"), ["9434765919"]);
    assert!(nhs_like("9434765918").is_empty(), "wrong check digit");
    assert!(
        nhs_like("4c75f9434765919ab").is_empty(),
        "inside a hex pseudonym"
    );
}

/// With `--database`, the run is recorded in that PostgreSQL store's audit log (not a SQLite
/// file in the workspace), where `audit list|verify --database` find it. Runs when
/// `EQUALIS_TEST_POSTGRES` names a server; fails without one when `EQUALIS_REQUIRE_POSTGRES=1`.
#[test]
fn reidentify_records_in_a_postgres_store() {
    let Some(pg) = equalis_store::testing::TestPostgres::create_blocking("reidentify") else {
        return;
    };
    let (tmp, ws, files) = computed();
    let out = tmp.path().join("numbers.csv");
    let refused = equalis(&[
        "reidentify",
        "--workspace",
        ws.to_str().unwrap(),
        "--database",
        pg.url(),
        "--source",
        files.population.to_str().unwrap(),
        "--dataset",
        "population",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!ws.join("equalis.db").exists(), "no SQLite store was made");
    let listed = ok(&equalis(&["audit", "list", "--database", pg.url()]));
    assert!(
        listed.contains("outreach.reidentify_refused") && listed.contains("keyholder-test"),
        "{listed}"
    );
    ok(&equalis(&["audit", "verify", "--database", pg.url()]));
}

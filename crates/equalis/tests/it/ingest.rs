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
                let l = mask_between(&l, "\"key_fingerprint\":\"", "\"");
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
    {"datasets":{"waiting_list":{"created":"[..]","files":["mixed.csv"],"iod_edition":"IoD2025","key_matches":true,"rows":1,"version":2}},"key_fingerprint":"[..]","results":null,"warnings":[],"workspace":"ws"}
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

fn ingest(dir: &Path, dataset: &str, file: &str, more: &[&str]) -> Output {
    let mut args = vec!["ingest", "--workspace", "ws", "--dataset", dataset, file];
    args.extend(more);
    equalis(&args, dir)
}

fn status_json(dir: &Path) -> serde_json::Value {
    let o = equalis(&["status", "--workspace", "ws", "--format", "json"], dir);
    assert!(o.status.success(), "{}", show(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every ten-digit run passing Modulus 11 in `text`, separators (any space, hyphen, U+FFFD)
/// allowed between digits: the leak detector of these tests.
fn nhs_numbers_in(text: &str) -> Vec<String> {
    let digits: Vec<(usize, u32)> = text
        .char_indices()
        .filter_map(|(i, c)| {
            c.to_digit(10)
                .filter(|_| c.is_ascii_digit())
                .map(|d| (i, d))
        })
        .collect();
    let mut out = Vec::new();
    for w in digits.windows(10) {
        let between = &text[w[0].0..=w[9].0];
        if !between
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-' || c == '\u{fffd}')
        {
            continue;
        }
        let d: Vec<u32> = w.iter().map(|x| x.1).collect();
        let sum: u32 = (0..9).map(|k| d[k] * (10 - k as u32)).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            c => c,
        };
        if check == d[9] {
            out.push(between.to_owned());
        }
    }
    out
}

/// Issue 18, item 4: an unbalanced quote swallowed the rest of the file (volunteers: 146 of
/// 150 rows in one field, exit 0; waiting list: 195 rows, NHS numbers and all, in one reject
/// value). Now: exit 2 naming the line, nothing committed, no number shown.
#[test]
fn an_unbalanced_quote_exits_2_and_commits_nothing() {
    let (_t, dir) = setup();
    let mut vol = String::from("volunteer_id,household_id,sex,age_band,ethnicity\n");
    for i in 1..=150 {
        let sex = if i == 4 { "\"Male" } else { "Female" };
        vol.push_str(&format!("VOL{i:06},HH{i},{sex},45-64,White\n"));
    }
    std::fs::write(dir.join("volunteers.csv"), vol).unwrap();
    let o = ingest(&dir, "volunteers", "volunteers.csv", &[]);
    insta::assert_snapshot!(show(&o), @r#"
    exit: 2
    --- stdout

    --- stderr
    error: `volunteers.csv`: an unbalanced double quote: the quoted field that opens on line 5 runs over more line breaks than any value could hold, so the rows after it would be read as part of one value. Close the quote on line 5, or write a double quote inside a value as two ("")
    nothing was committed; the previous version of `volunteers` is unchanged
    "#);
    assert!(status_json(&dir)["datasets"].get("volunteers").is_none());

    write(
        &dir,
        "wl1.csv",
        &["p0,9434765919,2024-03-31,RWE,110,P4,2023-06-01"],
    );
    assert!(
        ingest(&dir, "waiting_list", "wl1.csv", &[])
            .status
            .success()
    );
    let rows: Vec<String> = (0..200)
        .map(|i| {
            let prio = if i == 5 { "\"P4" } else { "P4" };
            format!("p{i},9434765919,2024-03-31,RWE,110,{prio},2023-06-01")
        })
        .collect();
    write(
        &dir,
        "wl.csv",
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let o = ingest(&dir, "waiting_list", "wl.csv", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(stderr(&o).contains("opens on line 7"), "{}", show(&o));
    assert!(nhs_numbers_in(&stderr(&o)).is_empty(), "{}", show(&o));
    assert_eq!(status_json(&dir)["datasets"]["waiting_list"]["version"], 1);
    assert!(
        std::fs::read_dir(dir.join("ws/rejects"))
            .unwrap()
            .next()
            .is_none(),
        "no rejects file"
    );
}

/// Issue 18, item 8: CR-only line ends misreported row numbers.
#[test]
fn cr_only_files_report_the_lines_an_editor_shows() {
    let (_t, dir) = setup();
    let text = format!(
        "{}p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01\r\rp2,9434765919,2024-03-31,RWE,999,P4,2023-06-01\r",
        HEADER.replace('\n', "\r")
    );
    std::fs::write(dir.join("mac.csv"), text).unwrap();
    let o = ingest(&dir, "waiting_list", "mac.csv", &[]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let rejects = std::fs::read_dir(dir.join("ws/rejects"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(rejects).unwrap();
    assert!(
        text.contains("mac.csv,4,treatment_function_code,999,"),
        "{text}"
    );
}

/// Issue 18, item 8: a header-only or wholly rejected file committed an empty version over
/// good data. It exits 2 and commits nothing unless --allow-empty.
#[test]
fn nothing_accepted_exits_2_unless_allow_empty() {
    let (_t, dir) = setup();
    write(
        &dir,
        "good.csv",
        &["p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01"],
    );
    assert!(
        ingest(&dir, "waiting_list", "good.csv", &[])
            .status
            .success()
    );
    std::fs::write(dir.join("header.csv"), HEADER).unwrap();
    let o = ingest(&dir, "waiting_list", "header.csv", &[]);
    insta::assert_snapshot!(show(&o), @r#"
    exit: 2
    --- stdout

    --- stderr
    error: no rows were accepted (0 read, 0 rejected), so nothing was committed: an empty version would replace the data already loaded

    hint: the file has a header but no rows: is it the right extract? To commit an empty version on purpose, add --allow-empty
    nothing was committed; the previous version of `waiting_list` is unchanged
    "#);
    write(
        &dir,
        "bad.csv",
        &["p1,9434765919,2024-03-31,RWE,999,P4,2023-06-01"],
    );
    let o = ingest(&dir, "waiting_list", "bad.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("no rows were accepted (1 read, 1 rejected; the reasons are in `ws/rejects/"),
        "{}",
        show(&o)
    );
    assert_eq!(status_json(&dir)["datasets"]["waiting_list"]["rows"], 1);
    let o = ingest(&dir, "waiting_list", "header.csv", &["--allow-empty"]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_eq!(status_json(&dir)["datasets"]["waiting_list"]["rows"], 0);
}

/// Issue 18, item 5: appending the same population twice made everyone two people.
#[test]
fn appending_a_population_twice_is_refused() {
    let (_t, dir) = setup();
    let pop = "nhs_number,age,sex,ethnic_category,lsoa_code,gp_practice_code,extract_date\n\
               9434765919,40,1,A,E01025638,C82001,2024-04-01\n\
               4010232137,41,2,A,E01025638,C82001,2024-04-01\n\
               0000000000,42,2,A,E01025638,C82001,2024-04-01\n";
    std::fs::write(dir.join("pop.csv"), pop).unwrap();
    let o = ingest(&dir, "population", "pop.csv", &[]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "the placeholder is rejected: {}",
        show(&o)
    );
    let o = ingest(&dir, "population", "pop.csv", &["--append"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        stderr(&o).contains("no rows were accepted (3 read, 3 rejected"),
        "{}",
        show(&o)
    );
    assert_eq!(status_json(&dir)["datasets"]["population"]["rows"], 2);
}

/// Issue 18, item 6: NHS numbers reached messages and rejects files (a headerless file's
/// error printed its first row). Rejects files are owner-only.
#[test]
fn no_nhs_number_in_messages_or_rejects_files() {
    let (_t, dir) = setup();
    std::fs::write(
        dir.join("noheader.csv"),
        "p1,943\u{a0}476\u{a0}5919,2024-03-31,RWE,110,P4,2023-06-01\n",
    )
    .unwrap();
    let o = ingest(&dir, "waiting_list", "noheader.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("(found: p1, [redacted: possible NHS number], 2024-03-31"),
        "{}",
        show(&o)
    );
    assert!(nhs_numbers_in(&stderr(&o)).is_empty(), "{}", show(&o));
    write(
        &dir,
        "swapped.csv",
        &[
            "9434765919,p1,2024-03-31,RWE,110,P4,2023-06-01",
            "p2,943 476 5919,2024-03-31,RWE,110,P9,2023-06-01",
        ],
    );
    let o = ingest(&dir, "waiting_list", "swapped.csv", &["--allow-empty"]);
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let path = std::fs::read_dir(dir.join("ws/rejects"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(nhs_numbers_in(&text).is_empty(), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// Issue 18, item 7: a malformed key panicked printing most of it; another workspace's key
/// was used silently; a key others can read got no warning.
#[test]
fn key_problems_are_errors_and_warnings_that_never_show_the_key() {
    let (_t, dir) = setup();
    write(
        &dir,
        "wl.csv",
        &["p1,9434765919,2024-03-31,RWE,110,P4,2023-06-01"],
    );
    let key = std::fs::read_to_string(dir.join("ws/key")).unwrap();

    // Malformed: a multi-byte character where the old parser sliced the text.
    std::fs::write(dir.join("ws/key"), format!("a\u{e9}{}", &key[3..])).unwrap();
    let o = ingest(&dir, "waiting_list", "wl.csv", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("the pseudonymisation key `ws/key` is malformed"),
        "{err}"
    );
    for w in key.as_bytes().windows(6) {
        assert!(!err.contains(std::str::from_utf8(w).unwrap()), "{err}");
    }

    // Readable by others: a warning on every command, and in status.
    std::fs::write(dir.join("ws/key"), &key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("ws/key"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = ingest(&dir, "waiting_list", "wl.csv", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        stderr(&o).contains(
            "warning: the pseudonymisation key `ws/key` can be read by others (mode 0644)"
        ),
        "{}",
        show(&o)
    );
    let st = status_json(&dir);
    assert!(
        st["warnings"][0].as_str().unwrap().contains("chmod 600"),
        "{st}"
    );
    std::fs::set_permissions(dir.join("ws/key"), std::fs::Permissions::from_mode(0o600)).unwrap();

    // Another workspace's key: refused, naming both fingerprints; status says so.
    let mine = st["key_fingerprint"].as_str().unwrap().to_owned();
    assert!(equalis(&["init", "other"], &dir).status.success());
    std::fs::copy(dir.join("other/key"), dir.join("ws/key")).unwrap();
    let o = ingest(&dir, "waiting_list", "wl.csv", &["--append"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.contains("dataset `waiting_list` version 1 was pseudonymised with a different key"),
        "{err}"
    );
    assert!(err.contains(&mine), "{err}");
    let o = equalis(&["status", "--workspace", "ws"], &dir);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("ANOTHER KEY: refused"),
        "{}",
        show(&o)
    );
    assert_eq!(status_json(&dir)["datasets"]["waiting_list"]["version"], 1);
}

/// Issue 18, item 8: a full disk was reported as a bad input file.
#[test]
fn a_full_disk_is_reported_as_the_workspaces() {
    let (_t, dir) = setup();
    let rows: Vec<String> = (0..5_000)
        .map(|i| format!("q{i},9434765919,2024-03-31,RWE,110,P4,2023-06-01"))
        .collect();
    write(
        &dir,
        "big.csv",
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let o = equalis_env(
        &[
            "ingest",
            "--workspace",
            "ws",
            "--dataset",
            "waiting_list",
            "big.csv",
        ],
        &dir,
        ("EQUALIS_FAULT_DISK_FULL_AFTER_BYTES", "2000"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: could not write to the workspace: the disk is full (`ws/data/waiting_list/.staging-v000001-pid"),
        "{err}"
    );
    assert!(!err.contains("big.csv"), "the input is not blamed: {err}");
    assert!(status_json(&dir)["datasets"].get("waiting_list").is_none());
}

/// Issue 18, item 8: with no checksums, a part changed after commit (a swapped dictionary
/// value) gave wrong figures with exit 0. The binary's reader of stored parts refuses it.
#[test]
fn a_changed_part_is_refused_by_every_reader() {
    let (_t, dir) = setup();
    std::fs::write(
        dir.join("staff.csv"),
        "staff_id,org_code,snapshot_date,staff_group,clinical,pay_band,ethnic_category,disability,sex,ordinary_pay,pay_period_days,weekly_hours,full_pay_relevant\n\
         s1,RWE,2025-03-31,Admin,N,5,A,N,1,2000,30,37.5,Y\n\
         s2,RWE,2025-03-31,Admin,N,5,H,N,2,2100,30,37.5,Y\n",
    )
    .unwrap();
    assert!(ingest(&dir, "staff", "staff.csv", &[]).status.success());
    let part = dir.join("ws/data/staff/v000001/part-00000.parquet");
    let mut bytes = std::fs::read(&part).unwrap();
    // "White" and "Asian" swapped would need a dictionary; any changed byte will do.
    let at = bytes.windows(5).position(|w| w == b"Admin").unwrap();
    bytes[at] = b'B';
    std::fs::write(&part, bytes).unwrap();
    let o = equalis(
        &["workforce", "pay-gap", "--by", "sex", "--workspace", "ws"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains("part-00000.parquet"), "{err}");
    assert!(err.contains("does not match the checksum"), "{err}");
}

//! Every job runs on the data a user actually has (issue 20): each dataset the engine reads,
//! loaded alone and with `population`, computes what its data support, says what it skipped
//! and why (in `compute`, `status` and the report), and exits 0; the waiting-list dashboard
//! from a waiting-list extract alone is checked against an independent computation on the
//! same rows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use equalis_results::read_results;

fn equalis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The synthetic ICS's extracts, made once for the module.
fn extracts() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, dir) = DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("synthetic");
        ok(&equalis(&[
            "synth",
            "--scale",
            "0.004",
            "--out",
            dir.to_str().unwrap(),
            "--only",
            "population,waiting_list,admissions,events",
        ]));
        (tmp, dir)
    });
    dir
}

/// A workspace with these datasets loaded.
fn workspace(root: &Path, datasets: &[&str]) -> String {
    let ws = root.join(datasets.join("+"));
    let ws_s = ws.to_str().unwrap().to_owned();
    ok(&equalis(&["init", &ws_s]));
    for d in datasets {
        let file = extracts().join(format!("{d}.csv"));
        ok(&equalis(&[
            "ingest",
            "--workspace",
            &ws_s,
            "--dataset",
            d,
            file.to_str().unwrap(),
        ]));
    }
    ws_s
}

/// The tables each shipped indicator reads, from its definition file: what it needs.
fn needs() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../equalis-engine/indicators");
    let tables = ["population", "events", "admissions", "waiting_list"];
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let def: toml::Value = toml::from_str(&text).unwrap();
        let id = def["id"].as_str().unwrap().to_owned();
        let mut read = BTreeSet::new();
        for side in ["numerator", "denominator"] {
            let part = &def[side];
            if let Some(from) = part.get("from").and_then(|f| f.as_str()) {
                read.insert(from.to_owned());
            }
            // A table named in a condition's SQL (a subquery) is read too.
            let sql = part.get("where").and_then(|c| c.as_str()).unwrap_or("");
            for t in tables {
                let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                let named = sql.match_indices(t).any(|(at, _)| {
                    !sql[..at].chars().next_back().is_some_and(word)
                        && !sql[at + t.len()..].chars().next().is_some_and(word)
                });
                if named {
                    read.insert(t.to_owned());
                }
            }
        }
        out.insert(id, read);
    }
    out
}

/// Each dataset alone and with `population`: every indicator whose tables are loaded is
/// computed, every other one is skipped naming a dataset that is not loaded, in the compute's
/// output, in `status` and in the report's index; the outreach cohort and the registration
/// gap need `population`.
#[test]
fn each_dataset_alone_and_with_population_computes_what_it_supports() {
    let tmp = tempfile::tempdir().unwrap();
    let needs = needs();
    for loaded in [
        vec!["population"],
        vec!["waiting_list"],
        vec!["admissions"],
        vec!["events"],
        vec!["population", "waiting_list"],
        vec!["population", "admissions"],
        vec!["population", "events"],
    ] {
        let ws = workspace(tmp.path(), &loaded);
        let o = equalis(&["compute", "--workspace", &ws, "--no-pairs"]);
        let computable: Vec<&String> = needs
            .iter()
            .filter(|(_, read)| read.iter().all(|t| loaded.contains(&t.as_str())))
            .map(|(id, _)| id)
            .collect();
        let has_population = loaded.contains(&"population");
        let has_waiting_list = loaded.contains(&"waiting_list");
        if computable.is_empty() && !has_population && !has_waiting_list {
            // Nothing at all: an error that names what to ingest.
            assert_eq!(o.status.code(), Some(2), "{loaded:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("nothing could be computed"), "{err}");
            assert!(err.contains("needs the `population` dataset"), "{err}");
            continue;
        }
        let out = ok(&o);
        let results = read_results(Path::new(&ws)).unwrap();
        for (id, read) in &needs {
            let line = out
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{id} ")))
                .unwrap_or_else(|| panic!("{loaded:?}: no line for {id} in\n{out}"));
            if computable.contains(&id) {
                assert!(!line.contains("skipped"), "{loaded:?}: {line}");
                assert!(
                    results
                        .analyst()
                        .indicators
                        .iter()
                        .any(|r| &r.indicator_id == id),
                    "{loaded:?}: {id} has no rows"
                );
            } else {
                let missing: Vec<&String> = read
                    .iter()
                    .filter(|t| !loaded.contains(&t.as_str()))
                    .collect();
                assert!(
                    missing
                        .iter()
                        .any(|t| line.contains(&format!("needs the `{t}` dataset"))),
                    "{loaded:?}: {line}"
                );
                assert!(results.metadata.skipped.contains_key(id.as_str()));
            }
        }
        for step in ["outreach cohort", "gp_registration_gap"] {
            let line = out.lines().find(|l| l.contains(step)).unwrap();
            assert_eq!(
                line.contains("needs the `population` dataset"),
                !has_population,
                "{loaded:?}: {line}"
            );
        }
        let dashboard = out
            .lines()
            .find(|l| l.contains("waiting list dashboard"))
            .unwrap();
        assert_eq!(
            dashboard.contains("skipped"),
            !has_waiting_list,
            "{dashboard}"
        );

        // `status` and the report say what was skipped and why.
        let status = ok(&equalis(&["status", "--workspace", &ws]));
        if !results.metadata.skipped.is_empty() {
            assert!(status.contains("Not computed from this data:"), "{status}");
        }
        let report = tmp.path().join(format!("report-{}", loaded.join("+")));
        ok(&equalis(&[
            "report",
            "--workspace",
            &ws,
            "--out",
            report.to_str().unwrap(),
        ]));
        let index = std::fs::read_to_string(report.join("index.html")).unwrap();
        assert!(index.contains("Not computed from this data"), "{loaded:?}");
        if !has_population {
            // The commands that truly need `population` say so instead of failing obscurely.
            let err = equalis(&["outreach", "--workspace", &ws]);
            assert_eq!(err.status.code(), Some(2));
            let text = String::from_utf8_lossy(&err.stderr);
            assert!(text.contains("needs the `population` dataset"), "{text}");
        }
    }
}

/// One row of the waiting-list extract, as the test reads it independently.
struct Pathway {
    snapshot: String,
    days: i64,
    sex: String,
    age: i64,
}

/// The waiting-list dashboard from a waiting-list extract alone (its own age, sex, ethnic
/// category and LSOA on every pathway): the size, the share over 18 weeks and the median by
/// sex at the latest snapshot match a computation written here from the CSV itself.
#[test]
fn the_waiting_list_dashboard_from_a_waiting_list_alone_matches_an_independent_computation() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path(), &["waiting_list"]);
    ok(&equalis(&["compute", "--workspace", &ws, "--no-pairs"]));
    let results = read_results(Path::new(&ws)).unwrap();

    let mut reader = csv::Reader::from_path(extracts().join("waiting_list.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (snap, start, sex, age) = (
        col("snapshot_date"),
        col("rtt_start_date"),
        col("sex"),
        col("age"),
    );
    let day = |s: &str| -> i64 {
        let d: jiff::civil::Date = s.parse().unwrap();
        d.since((jiff::Unit::Day, jiff::civil::date(1970, 1, 1)))
            .unwrap()
            .get_days() as i64
    };
    let pathways: Vec<Pathway> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Pathway {
                snapshot: r[snap].to_owned(),
                days: day(&r[snap]) - day(&r[start]),
                sex: match &r[sex] {
                    "1" => "Male",
                    "2" => "Female",
                    "9" => "Indeterminate",
                    _ => "Not known",
                }
                .to_owned(),
                age: r[age].parse().unwrap_or(-1),
            }
        })
        .collect();
    let latest = pathways.iter().map(|p| p.snapshot.clone()).max().unwrap();
    let find = |id: &str, breakdown: &str, group: &str| {
        results
            .analyst()
            .indicators
            .iter()
            .find(|r| {
                r.indicator_id == id
                    && r.period == latest
                    && r.breakdown == breakdown
                    && r.group == group
            })
            .unwrap_or_else(|| panic!("no {id} {breakdown} {group}"))
    };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * 0.5;
        let lo = h.floor() as usize;
        v[lo] + (h - lo as f64) * (v[(lo + 1).min(v.len() - 1)] - v[lo])
    };
    let mut groups: Vec<(&str, &str, Vec<&Pathway>)> = vec![(
        "all",
        "All",
        pathways.iter().filter(|p| p.snapshot == latest).collect(),
    )];
    for s in ["Female", "Male"] {
        groups.push((
            "sex",
            s,
            pathways
                .iter()
                .filter(|p| p.snapshot == latest && p.sex == s)
                .collect(),
        ));
    }
    for (breakdown, group, rows) in &groups {
        let n = rows.len() as f64;
        assert!(n > 50.0, "{group}: {n}");
        assert_eq!(find("wl_size", breakdown, group).value, Some(n));
        let over: f64 = rows.iter().filter(|p| p.days > 18 * 7).count() as f64;
        let row = find("wl_over_18_weeks", breakdown, group);
        assert_eq!((row.numerator, row.denominator), (Some(over), Some(n)));
        let weeks: Vec<f64> = rows.iter().map(|p| p.days as f64 / 7.0).collect();
        let m = find("wl_median_weeks", breakdown, group).value.unwrap();
        assert!((m - median(weeks)).abs() < 1e-9, "{group}: {m}");
    }
    // Age bands come from the pathway's own age, in their natural order.
    let bands: Vec<&str> = results
        .analyst()
        .indicators
        .iter()
        .filter(|r| r.indicator_id == "wl_size" && r.period == latest && r.breakdown == "age_band")
        .map(|r| r.group.as_str())
        .collect();
    assert!(bands.len() > 5, "{bands:?}");
    let starts: Vec<i64> = bands
        .iter()
        .filter_map(|b| {
            b.split(['-', '+'])
                .next()
                .and_then(|x| x.parse::<i64>().ok())
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{bands:?}");
    let under_18 = pathways
        .iter()
        .filter(|p| p.snapshot == latest && (0..18).contains(&p.age))
        .count();
    assert!(under_18 > 0);
    // What only `population` holds is not broken down at all, rather than one unknown group.
    assert!(
        !results
            .analyst()
            .indicators
            .iter()
            .any(|r| r.breakdown == "pcn"),
        "a PCN breakdown without population"
    );
    // Rates per registered population say what they need.
    assert!(
        results
            .metadata
            .skipped
            .get("wl_rate_per_1000")
            .is_some_and(|w| w.contains("population"))
    );
}

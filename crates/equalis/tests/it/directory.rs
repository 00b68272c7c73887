//! End-to-end tests of `equalis directory import`: the real binary on a workspace's store.

use std::path::Path;
use std::process::{Command, Output};

fn equalis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .env("USER", "it-editor")
        .output()
        .unwrap()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../standards/oruk-3.0/examples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn import_reports_every_item_and_audits_what_it_saves() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let ws = ws.to_str().unwrap();
    assert!(equalis(&["init", ws]).status.success());

    let o = equalis(&[
        "directory",
        "import",
        "--workspace",
        ws,
        &example("service_full.json"),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("item 1 (service) ac148810-d857-441c-9679-408f346de14b: accepted with warnings\n  service_at_locations[0].location.latitude: 100 is outside −90 to 90"), "{out}");
    assert!(
        out.contains(
            "read 1, accepted 1, rejected 0\nsaved 3 records: 3 new, 0 changed, 0 unchanged\n"
        ),
        "{out}"
    );

    // A file with a rejected item: exit 3, the reason printed, the rest saved.
    let bad = tmp.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"[{"id": "00000000-0000-4000-8000-000000000001", "name": "Food bank", "status": "active"},
            {"id": "00000000-0000-4000-8000-000000000002", "status": "active"}]"#,
    )
    .unwrap();
    let o = equalis(&[
        "directory",
        "import",
        "--workspace",
        ws,
        bad.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(out.contains("item 2 (service) 00000000-0000-4000-8000-000000000002: rejected\n  missing field `name`"), "{out}");
    assert!(out.contains("read 2, accepted 1, rejected 1"), "{out}");

    // The audit log names who imported what.
    let o = equalis(&["audit", "list", "--workspace", ws]);
    let log = String::from_utf8_lossy(&o.stdout);
    assert!(log.contains("directory.service.created"), "{log}");
    assert!(log.contains("cli:it-editor"), "{log}");

    // Not JSON: exit 2, with a hint.
    std::fs::write(&bad, "not json").unwrap();
    let o = equalis(&[
        "directory",
        "import",
        "--workspace",
        ws,
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("hint:"));
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/directory")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn csv_import_accounts_for_every_row_and_a_second_run_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let ws = ws.to_str().unwrap();
    assert!(equalis(&["init", ws]).status.success());
    let run = |file: &str, extra: &[&str]| {
        let mut args = vec!["directory", "import", "--workspace", ws];
        args.extend(extra);
        args.push(file);
        let o = equalis(&args);
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), out)
    };

    // The example's taxonomy first (its codes are what the sheet's taxonomy_terms name).
    let (code, out) = run(&fixture("needs-taxonomy.json"), &[]);
    assert_eq!(code, Some(0), "{out}");

    let csv = fixture("services-example.csv");
    let (code, out) = run(&csv, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("read 5 rows, accepted 5, rejected 0; 4 services"),
        "{out}"
    );
    // 4 services, their 4 organisations, the ISO 639-1 taxonomy and 12 nested terms (the
    // needs' terms, stored already, and English, named by three services, unchanged).
    assert!(
        out.contains("saved 21 records: 14 new, 0 changed, 7 unchanged"),
        "{out}"
    );
    // Again: the derived identifiers are the same, so nothing is added or changed.
    let (code, out) = run(&csv, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("saved 21 records: 0 new, 0 changed, 21 unchanged"),
        "{out}"
    );

    // Rejected rows: exit 3, each reason on screen with its row and column, and in the
    // rejects file; the good rows are saved.
    let bad = tmp.path().join("bad.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("Leeds Advice,,,Debt advice,,www.example.org,,,,DEBT; NOPE,,,,,1 Main St,Leeds,,LS2 ZZZ,,,,\n");
    text.push_str(",,,,,,,,,,,,,,,,,,,,,\n");
    text.push_str("Leeds Advice,,,Benefits check,,,,,,DEBT,,open,,,,,,,,,,\n");
    std::fs::write(&bad, text).unwrap();
    let (code, out) = run(bad.to_str().unwrap(), &["--strict"]);
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("nothing saved (--strict, and rows were rejected)"),
        "{out}"
    );
    let (code, out) = run(bad.to_str().unwrap(), &[]);
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("row 7: rejected\n  url `www.example.org`: is not a web address"),
        "{out}"
    );
    assert!(
        out.contains("  taxonomy_terms `DEBT; NOPE`: `NOPE` is not the code"),
        "{out}"
    );
    assert!(
        out.contains("  postcode `LS2 ZZZ`: is not a UK postcode"),
        "{out}"
    );
    assert!(out.contains("row 9: rejected\n  status `open`"), "{out}");
    assert!(
        out.contains("read 7 rows, accepted 5, rejected 2; 4 services"),
        "{out}"
    );
    let rejects: Vec<_> = std::fs::read_dir(Path::new(ws).join("rejects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(rejects.len(), 2, "one file per run with rejects");
    let last = rejects.iter().max().unwrap();
    let body = std::fs::read_to_string(last).unwrap();
    assert!(body.starts_with("file,row,column,value,reason\n"), "{body}");
    assert!(
        body.contains(",7,postcode,LS2 ZZZ,is not a UK postcode"),
        "{body}"
    );
    assert!(body.contains(",9,status,open,"), "{body}");

    // Only a JSON file has kinds.
    let (code, out) = run(&csv, &["--kind", "service"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--kind is for ORUK JSON files"), "{out}");

    // A header the layout does not have: the whole file is refused, naming it.
    std::fs::write(&bad, "organisation,service_name,notes\nA,B,C\n").unwrap();
    let (code, out) = run(bad.to_str().unwrap(), &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("column 3 `notes` is not a column of the directory layout"),
        "{out}"
    );

    let log =
        String::from_utf8_lossy(&equalis(&["audit", "list", "--workspace", ws]).stdout).to_string();
    assert!(log.contains("directory.service.created"), "{log}");
}

/// The stored points of the directory's locations, by postcode (read from the store's table,
/// as the proximity search reads them).
fn stored_points(ws: &str) -> Vec<(String, Option<f64>, Option<f64>)> {
    use sqlx::Row as _;
    let url = format!("sqlite://{}", Path::new(ws).join("equalis.db").display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await
                .unwrap();
            let rows =
                sqlx::query("SELECT doc, latitude, longitude FROM directory_service_at_locations")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            pool.close().await;
            let mut out: Vec<_> = rows
                .iter()
                .map(|r| {
                    let doc: serde_json::Value =
                        serde_json::from_str(&r.get::<String, _>(0)).unwrap();
                    let pc = doc["location"]["addresses"][0]["postal_code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    (pc, r.get::<Option<f64>, _>(1), r.get::<Option<f64>, _>(2))
                })
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out
        })
}

/// Rows with an address but no latitude and longitude are placed from the ONS Postcode Lookup
/// shipped with equalis; the report says how many, names each placed only at its sector's
/// centre, and rejects a postcode the lookup does not have, with the reason in the rejects
/// file too.
#[test]
fn csv_rows_without_coordinates_are_placed_from_their_postcode() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let ws = ws.to_str().unwrap();
    assert!(equalis(&["init", ws]).status.success());
    let csv = tmp.path().join("places.csv");
    std::fs::write(
        &csv,
        "organisation,service_name,address_1,town,postcode,latitude,longitude\n\
         LLR Carers,Carers' hub,1 Gallowtree Gate,Leicester,le1 1aa,,\n\
         LLR Carers,Carers' hub,Westminster Hall,London,SW1A 1AA,,\n\
         LLR Carers,Carers' hub,2 Nowhere Lane,Leicester,LE1 9ZZ,,\n\
         LLR Carers,Carers' hub,3 Market Place,Oakham,LE15 6AA,52.6711,-0.7301\n",
    )
    .unwrap();
    let o = equalis(&[
        "directory",
        "import",
        "--workspace",
        ws,
        csv.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(
        out.contains("row 4: rejected\n  postcode `LE1 9ZZ`: is not in the ONS Postcode Lookup shipped with equalis (May 2025), so the place cannot be put on the map"),
        "{out}"
    );
    assert!(
        out.contains("row 3: placed at the centre of postcode sector SW1A 1 (51.50549, -0.13954)"),
        "{out}"
    );
    assert!(
        out.contains("read 4 rows, accepted 3, rejected 1; 1 services"),
        "{out}"
    );
    assert!(
        out.contains("placed from their postcode (no latitude and longitude given): 1 at the postcode's own point, 1 at its sector's centre"),
        "{out}"
    );
    // LE1 1AA at its own point, SW1A 1AA at its sector's centre, LE15 6AA where typed.
    assert_eq!(
        stored_points(ws),
        [
            ("LE1 1AA".to_owned(), Some(52.63212), Some(-1.12498)),
            ("LE15 6AA".to_owned(), Some(52.6711), Some(-0.7301)),
            ("SW1A 1AA".to_owned(), Some(51.50549), Some(-0.13954)),
        ]
    );
    let rejects: Vec<_> = std::fs::read_dir(Path::new(ws).join("rejects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let body = std::fs::read_to_string(&rejects[0]).unwrap();
    assert!(
        body.contains(
            ",4,postcode,LE1 9ZZ,\"is not in the ONS Postcode Lookup shipped with equalis"
        ),
        "{body}"
    );
}

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

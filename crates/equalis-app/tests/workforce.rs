//! `equalis_app::workforce` as a web handler calls it, with no binary in between: a small
//! synthetic ICS's staff (`equalis_app::testing`) ingested into a workspace, then returns
//! built from it, and the kind of every error a request can cause.

use equalis_app::ErrorKind;
use equalis_app::workforce::{By, ReturnKind, View, WorkforceOptions, build, organisations};
use equalis_workspace::Workspace;

/// A workspace holding only the synthetic `staff` dataset.
fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::init(&dir.join("ws")).expect("init");
    equalis_app::testing::ingest_synthetic_staff(&ws, &dir.join("data")).expect("staff");
    ws
}

#[test]
fn returns_are_built_from_the_workspace_and_bad_requests_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());

    // The organisations of the staff data, each of which has its returns; none in a workspace
    // without staff.
    let orgs = organisations(&ws)
        .expect("organisations")
        .expect("staff data");
    assert!(!orgs.is_empty());
    let first = build(
        &ws,
        ReturnKind::Wres,
        &WorkforceOptions {
            org: Some(orgs[0].clone()),
            ..WorkforceOptions::default()
        },
    );
    assert!(first.is_ok(), "{first:?}");
    let empty = Workspace::init(&dir.path().join("empty")).expect("init");
    assert_eq!(organisations(&empty).expect("no staff"), None);

    // The statutory gender pay gap of the whole ICS, published.
    let doc = build(
        &ws,
        ReturnKind::PayGap(By::Sex),
        &WorkforceOptions::default(),
    )
    .expect("gender pay gap");
    assert_eq!(doc.json["view"], "published");
    assert!(!doc.report.sheets.is_empty());
    assert!(
        doc.report.table().contains("Gender pay gap"),
        "{}",
        doc.report.table()
    );

    // WRES without the recruitment, relations, training and survey datasets: built, with the
    // indicators that read them undefined rather than an error.
    let wres = build(&ws, ReturnKind::Wres, &WorkforceOptions::default()).expect("WRES");
    assert!(wres.report.table().contains("recruitment"));

    // An organisation, a year and a date that are not in the data are not found; a date
    // that is not one is the request's mistake.
    let ask = |opts: WorkforceOptions| build(&ws, ReturnKind::Wres, &opts).unwrap_err();
    let e = ask(WorkforceOptions {
        org: Some("ZZZ99".to_owned()),
        ..WorkforceOptions::default()
    });
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.starts_with("no organisation `ZZZ99`"), "{e}");
    let e = ask(WorkforceOptions {
        year: Some(1990),
        ..WorkforceOptions::default()
    });
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(
        e.message.starts_with("no staff snapshot on 1990-03-31"),
        "{e}"
    );
    let e = ask(WorkforceOptions {
        snapshot: Some("2026-02-30".to_owned()),
        ..WorkforceOptions::default()
    });
    assert_eq!(e.kind, ErrorKind::Invalid);
    let e = build(
        &ws,
        ReturnKind::Dashboard,
        &WorkforceOptions {
            ics: Some("QZZ".to_owned()),
            ..WorkforceOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);

    // The return view is exact, and says so.
    let exact = build(
        &ws,
        ReturnKind::PayGap(By::Sex),
        &WorkforceOptions {
            view: View::Return,
            ..WorkforceOptions::default()
        },
    )
    .expect("return view");
    assert_eq!(exact.json["view"], "return");
}

#[test]
fn what_a_return_is_built_from_and_the_years_it_can_be_asked_for() {
    use equalis_app::workforce::{charts, data_versions, years};
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());
    // Each dataset the returns read, by its committed version; absent ones say so.
    let versions = data_versions(&ws).expect("versions");
    assert_eq!(
        versions,
        [
            "staff:1",
            "recruitment:-",
            "employee_relations:-",
            "training:-",
            "staff_survey:-",
            "population:-"
        ]
    );
    // The staff data's 31 March years, oldest first; each can be asked for, and is the
    // snapshot the return says.
    let ys = years(&ws).expect("years");
    assert!(ys.len() > 1, "{ys:?}");
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");
    for y in &ys {
        let doc = build(
            &ws,
            ReturnKind::Wres,
            &WorkforceOptions {
                year: Some(*y),
                ..WorkforceOptions::default()
            },
        )
        .expect("a year of the data");
        assert!(
            doc.report
                .cover
                .iter()
                .any(|(_, v)| v == &format!("{y}-03-31")),
            "{y}: {:?}",
            doc.report.cover
        );
    }
    let empty = Workspace::init(&dir.path().join("empty")).expect("init");
    assert_eq!(years(&empty).expect("no staff"), Vec::<i16>::new());
    // Each chart names a sheet its return has.
    for kind in [ReturnKind::PayGap(By::Sex), ReturnKind::Dashboard] {
        let doc = build(&ws, kind, &WorkforceOptions::default()).expect("a return");
        let drawn = charts(kind);
        assert!(!drawn.is_empty());
        for (name, _) in drawn {
            assert!(
                doc.report.sheets.iter().any(|s| s.name.starts_with(name)),
                "{kind:?}: no sheet {name}"
            );
        }
    }
}

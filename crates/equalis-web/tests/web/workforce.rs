//! The workforce pages: the list of organisations and returns, each published return as
//! NHS.UK tables and as the CSV `equalis workforce --format csv` writes, and 404s with the
//! valid names, over a synthetic ICS's staff ingested by the real ingest.

use axum::http::{StatusCode, header};
use equalis_app::workforce::{By, ReturnKind, WorkforceOptions};
use equalis_store::Role;

use crate::fixture::{App, ORG_NAME, Who};

const RETURNS: [&str; 6] = [
    "wres",
    "wdes",
    "pay-gap-sex",
    "pay-gap-ethnicity",
    "pay-gap-disability",
    "dashboard",
];

#[tokio::test]
async fn the_list_names_the_ics_and_each_organisation_with_its_returns() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.get("/workforce", &who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Whole ICS"));
    // The name from the settings, with the code; others by their code.
    assert!(
        r.body.contains(&format!("{ORG_NAME} ({})", app.orgs[0])),
        "{}",
        r.body
    );
    assert!(
        app.orgs.len() > 1,
        "the synthetic ICS has several organisations"
    );
    for org in std::iter::once("ics").chain(app.orgs.iter().map(String::as_str)) {
        for ret in RETURNS {
            assert!(
                r.body.contains(&format!("href=\"/workforce/{org}/{ret}\"")),
                "{org} {ret}"
            );
        }
    }
    // The layout links here.
    assert!(r.body.contains("href=\"/workforce\">Workforce</a>"));
}

#[tokio::test]
async fn a_workspace_without_workforce_data_says_so() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.get("/workforce", &who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("There is no workforce data in this workspace yet")
    );
    assert!(!r.body.contains("href=\"/workforce/ics/wres\""));
    // A return asked for all the same is not found, saying which dataset to ingest.
    let r = app.get("/workforce/ics/wres", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(r.body.contains("staff"), "{}", r.body);
}

#[tokio::test]
async fn each_return_is_shown_as_tables_and_its_csv_is_the_command_lines() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let org = app.orgs[0].clone();
    for ret in RETURNS {
        let r = app.get(&format!("/workforce/{org}/{ret}"), &who).await;
        assert_eq!(r.status, StatusCode::OK, "{ret}: {}", r.body);
        assert!(r.body.contains(ORG_NAME), "{ret}");
        assert!(
            r.body.contains("<caption class=\"nhsuk-table__caption\">"),
            "{ret}"
        );
        assert!(r.body.contains("nhsuk-table__header--numeric"), "{ret}");
        assert!(r.body.contains("nhsuk-table__cell--numeric"), "{ret}");
        assert!(
            r.body
                .contains(&format!("href=\"/workforce/{org}/{ret}.csv\"")),
            "{ret}"
        );
    }
    let wres = app.get("/workforce/ics/wres", &who).await;
    assert!(wres.body.contains("Whole ICS"));
    // The indicators whose datasets are missing say which to ingest, as text.
    assert!(wres.body.contains("recruitment"), "{}", wres.body);

    // The CSV, by suffix or parameter, is exactly what `equalis workforce --format csv` writes.
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    let want = equalis_app::workforce::build(
        &ws,
        ReturnKind::PayGap(By::Sex),
        &WorkforceOptions {
            org: Some(org.clone()),
            ..WorkforceOptions::default()
        },
    )
    .expect("gender pay gap")
    .report
    .csv()
    .expect("CSV");
    let want = String::from_utf8(want).expect("UTF-8");
    for path in [
        format!("/workforce/{org}/pay-gap-sex.csv"),
        format!("/workforce/{org}/pay-gap-sex?format=csv"),
    ] {
        let csv = app.get(&path, &who).await;
        assert_eq!(csv.status, StatusCode::OK, "{path}");
        assert_eq!(
            csv.header(header::CONTENT_TYPE),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(
            csv.header(header::CONTENT_DISPOSITION),
            Some(format!("attachment; filename=\"workforce-{org}-pay-gap-sex.csv\"").as_str())
        );
        assert_eq!(csv.body, want, "{path}");
    }
    assert!(want.starts_with("sheet,row,column,value\n"));
}

#[tokio::test]
async fn unknown_organisations_returns_and_formats_are_refused_with_the_valid_ones() {
    let app = App::with_workforce(true).await;
    let who = Who::Anonymous;
    let r = app.get("/workforce/ics/wres-2024", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains("There is no workforce return `wres-2024`."),
        "{}",
        r.body
    );
    for ret in RETURNS {
        assert!(
            r.body.contains(&format!("<code>{ret}</code>")),
            "{ret}: {}",
            r.body
        );
    }
    let r = app.get("/workforce/ZZZ99/wres", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("No organisation `ZZZ99`"), "{}", r.body);
    for org in std::iter::once("ics").chain(app.orgs.iter().map(String::as_str)) {
        assert!(
            r.body.contains(&format!("<code>{org}</code>")),
            "{org}: {}",
            r.body
        );
    }
    let r = app.get("/workforce/ics/wres?format=xlsx", &who).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("There is no format `xlsx`"));
}

#[tokio::test]
async fn snapshot_of_a_pay_gap_page() {
    let app = App::with_workforce(true).await;
    let r = app.get("/workforce/ics/pay-gap-sex", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    // The main content: the layout is in the other pages' snapshots.
    let start = r.body.find("<main").expect("main");
    let end = r.body.find("</main>").expect("main ends") + "</main>".len();
    insta::assert_snapshot!("pay_gap_page", &r.body[start..end]);
}

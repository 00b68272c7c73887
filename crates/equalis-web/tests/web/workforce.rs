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
    let r = app.get("/workforce/ics/wres?format=pdf", &who).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("There is no format `pdf`"));
    // A year the staff data do not have is not found, listing those they have.
    let r = app.get("/workforce/ics/wres?year=1999", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("no 31 March 1999 snapshot"), "{}", r.body);
    for y in years(&app) {
        assert!(r.body.contains(&format!("<code>{y}</code>")), "{y}");
    }
    let r = app.get("/workforce/ics/wres.xlsx?year=last", &who).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("The year `last` is not a year"),
        "{}",
        r.body
    );
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

/// The reporting years of the fixture's staff data.
fn years(app: &crate::fixture::App) -> Vec<i16> {
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    equalis_app::workforce::years(&ws).expect("years")
}

/// The published document `equalis workforce` builds for `org` in `year`.
fn document(
    app: &crate::fixture::App,
    org: &str,
    kind: ReturnKind,
    year: Option<i16>,
) -> equalis_app::workforce::Document {
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    equalis_app::workforce::build(
        &ws,
        kind,
        &WorkforceOptions {
            org: (org != "ics").then(|| org.to_owned()),
            year,
            ..WorkforceOptions::default()
        },
    )
    .expect("a return")
}

#[tokio::test]
async fn each_year_of_the_staff_data_can_be_chosen_and_bookmarked() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let years = years(&app);
    assert!(years.len() > 1, "the synthetic staff span years: {years:?}");
    let (first, latest) = (years[0], years[years.len() - 1]);
    // The page offers every year, the latest chosen, by a GET form (no JavaScript).
    let r = app.get("/workforce/ics/wres", &who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("action=\"/workforce/ics/wres\" method=\"get\"")
    );
    for y in &years {
        assert!(r.body.contains(&format!("<option value=\"{y}\"")), "{y}");
    }
    assert!(
        r.body
            .contains(&format!("<option value=\"{latest}\" selected>"))
    );
    assert!(r.body.contains(&format!("{latest}-03-31")));
    // An earlier year: its snapshot, its own downloads, the CLI's figures.
    let r = app
        .get(&format!("/workforce/ics/wres?year={first}"), &who)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("<option value=\"{first}\" selected>"))
    );
    assert!(r.body.contains(&format!("{first}-03-31")));
    assert!(
        r.body
            .contains(&format!("href=\"/workforce/ics/wres.csv?year={first}\""))
    );
    assert!(
        r.body
            .contains(&format!("href=\"/workforce/ics/wres.xlsx?year={first}\""))
    );
    let csv = app
        .get(&format!("/workforce/ics/wres.csv?year={first}"), &who)
        .await;
    assert_eq!(
        csv.header(header::CONTENT_DISPOSITION),
        Some(format!("attachment; filename=\"workforce-ics-wres-{first}.csv\"").as_str())
    );
    let want = document(&app, "ics", ReturnKind::Wres, Some(first))
        .report
        .csv()
        .expect("CSV");
    assert_eq!(csv.bytes, want);
    assert_ne!(
        want,
        document(&app, "ics", ReturnKind::Wres, None)
            .report
            .csv()
            .expect("CSV"),
        "the years differ"
    );
}

#[tokio::test]
async fn returns_show_their_year_on_year_and_the_reports_charts() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    for ret in [
        "wres",
        "wdes",
        "pay-gap-sex",
        "pay-gap-ethnicity",
        "pay-gap-disability",
    ] {
        let r = app.get(&format!("/workforce/ics/{ret}"), &who).await;
        assert!(
            r.body.contains("Year on year: each 31 March snapshot"),
            "{ret}: {}",
            r.body
        );
    }
    // The report draws the pay quartiles, and the dashboard's representativeness and parity.
    for (ret, charts) in [("pay-gap-sex", 1), ("dashboard", 1), ("wres", 0)] {
        let r = app.get(&format!("/workforce/ics/{ret}"), &who).await;
        let drawn = r.body.matches("<figure class=\"equalis-chart\">").count();
        assert!(drawn >= charts, "{ret}: {drawn} charts");
        if charts == 0 {
            assert_eq!(drawn, 0, "{ret}");
        }
        // Each chart is an SVG with its title, for screen readers.
        for figure in r.body.split("<figure class=\"equalis-chart\">").skip(1) {
            let figure = &figure[..figure.find("</figure>").expect("figure ends")];
            assert!(figure.trim_start().starts_with("<svg"), "{ret}");
            assert!(figure.contains("<title"), "{ret}");
        }
    }
}

#[tokio::test]
async fn each_return_downloads_as_the_command_lines_workbook() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let org = app.orgs[0].clone();
    let page = app.get(&format!("/workforce/{org}/wdes"), &who).await;
    assert!(
        page.body
            .contains(&format!("href=\"/workforce/{org}/wdes.xlsx\""))
    );
    let doc = document(&app, &org, ReturnKind::Wdes, None);
    for path in [
        format!("/workforce/{org}/wdes.xlsx"),
        format!("/workforce/{org}/wdes?format=xlsx"),
    ] {
        let r = app.get(&path, &who).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_eq!(
            r.header(header::CONTENT_TYPE),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(
            r.header(header::CONTENT_DISPOSITION),
            Some(format!("attachment; filename=\"workforce-{org}-wdes.xlsx\"").as_str())
        );
        let book = r.workbook();
        // A cover, then one sheet per table, as `equalis workforce --format xlsx` writes.
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        let mut want = vec!["Cover"];
        want.extend(doc.report.sheets.iter().map(|s| s.name.as_str()));
        assert_eq!(names, want);
        assert_eq!(book[0].1[0][0], doc.report.title);
        // Every cell of every table is the published document's.
        for ((_, rows), sheet) in book.iter().skip(1).zip(&doc.report.sheets) {
            assert_eq!(rows[0][0], sheet.title);
            assert_eq!(rows[2], sheet.headers, "{}", sheet.name);
            for (got, cells) in rows.iter().skip(3).zip(&sheet.rows) {
                let want: Vec<String> = cells
                    .iter()
                    .map(|v| v.number().map_or_else(|| v.show(), |n| n.to_string()))
                    .collect();
                assert_eq!(got, &want, "{}", sheet.name);
            }
        }
    }
}

#[tokio::test]
async fn a_new_ingest_is_served_at_once_and_a_repeat_request_is_the_kept_return() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let path = "/workforce/ics/pay-gap-sex.csv";
    let before = app.get(path, &who).await;
    assert_eq!(before.status, StatusCode::OK);
    // The same bytes again, from the kept document.
    assert_eq!(app.get(path, &who).await.bytes, before.bytes);
    // Another staff extract ingested (a new version of `staff`): the next request is built
    // from it, with no restart.
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    equalis_app::testing::ingest_staff_seeded(&ws, &app.dir.path().join("synthetic-2"), 7)
        .expect("ingest staff again");
    let after = app.get(path, &who).await;
    let want = document(&app, "ics", ReturnKind::PayGap(By::Sex), None)
        .report
        .csv()
        .expect("CSV");
    assert_eq!(after.bytes, want);
    assert_ne!(after.bytes, before.bytes, "the new staff data's figures");
}

//! Snapshots of the annual equality report and the board pack pages (HTML body) on the test
//! workspace's results and the synthetic ICS's staff, at the fixture's fixed clock and a fixed
//! year and quarter. What varies between runs (the day the report was generated, equalis's
//! version, the session's CSRF token) is redacted by insta's filters; every figure is kept, so
//! a change in any published number, row or heading shows in review.

use axum::http::StatusCode;
use equalis_store::Role;

use crate::fixture::App;

/// The filters that redact what varies from run to run.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r"(Report generated|generated) \d{4}-\d{2}-\d{2}",
        "$1 [date]",
    );
    s.add_filter(
        r"by equalis \d+\.\d+\.\d+(-[0-9A-Za-z.]+)?",
        "by equalis [version]",
    );
    s.add_filter(
        r#"name="csrf_token" value="[0-9a-f]+""#,
        r#"name="csrf_token" value="[csrf]""#,
    );
    s
}

/// The page's body element.
fn body_of(html: &str) -> &str {
    let start = html.find("<body").expect("body");
    let end = html.rfind("</body>").expect("body ends") + "</body>".len();
    &html[start..end]
}

#[tokio::test]
async fn snapshot_of_the_annual_report_page() {
    let app = App::with_workforce(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let r = app.get("/annual-report/2025-26", &edi).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settings().bind(|| insta::assert_snapshot!("annual_report_page", body_of(&r.body)));
}

#[tokio::test]
async fn snapshot_of_the_board_pack_page() {
    let app = App::with_workforce(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let r = app.get("/board-pack?quarter=2025-26-Q3", &edi).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settings().bind(|| insta::assert_snapshot!("board_pack_page", body_of(&r.body)));
}

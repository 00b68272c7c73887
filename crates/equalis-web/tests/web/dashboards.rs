//! The dashboards across indicators and datasets: the elective waiting list.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use equalis_results::{IndicatorInfo, Metadata, ResultRow, ResultsWriter, Statistic};
use equalis_store::Role;

use crate::fixture::{App, Who};

/// The page's main content: the layout is in the other pages' snapshots.
pub fn main_content(body: &str) -> &str {
    let start = body.find("<main").expect("main");
    let end = body.find("</main>").expect("main ends") + "</main>".len();
    &body[start..end]
}

#[tokio::test]
async fn the_waiting_list_dashboard_shows_each_measure_and_whether_gaps_narrow() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.get("/waiting-list", &who).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = &r.body;
    // The layout links to it, and the home page to every dashboard.
    assert!(body.contains("href=\"/waiting-list\">Waiting list</a>"));
    let home = app.get("/", &who).await;
    for page in ["/waiting-list", "/registration-gap", "/panel", "/workforce"] {
        assert!(
            home.body.contains(&format!("<li><a href=\"{page}\">")),
            "{page}"
        );
    }
    // Every waiting-list measure, linked to its page; not the other areas' indicators.
    assert!(body.contains("<a href=\"/indicators/wl_over_52_weeks\">Waiting over 52 weeks</a>"));
    assert!(body.contains(
        "<a href=\"/indicators/wl_gap_imd_q1_q5_over_18_weeks\">Most vs least deprived gap"
    ));
    assert!(!body.contains("SMI physical health checks"));
    // Deprivation by default, with the breakdowns of the measures to choose from.
    assert!(body.contains("<option value=\"imd_quintile\" selected>"));
    assert!(body.contains("<option value=\"ethnic_group\">"));
    // The ICS gap went from 30 to 5 points over the snapshots: narrowing, charted with its
    // table; Mixed patients' first snapshot rests on 5 pathways and is withheld.
    assert!(body.contains("Narrowing"), "{body}");
    assert!(body.contains("30.0 percentage points on 2026-01-04"));
    assert!(body.contains("<svg"));
    assert!(body.contains("Snapshots not shown in the chart: "));
    assert!(body.contains("href=\"/waiting-list.csv?breakdown=imd_quintile\""));
    // A filter by GET parameter, bookmarkable.
    let eth = app.get("/waiting-list?breakdown=ethnic_group", &who).await;
    assert_eq!(eth.status, StatusCode::OK);
    assert!(
        eth.body
            .contains("<option value=\"ethnic_group\" selected>")
    );
    assert!(eth.body.contains("Measures by Ethnic group"));
}

#[tokio::test]
async fn an_unknown_breakdown_is_a_404_listing_the_valid_ones() {
    let app = App::new(true).await;
    for path in [
        "/waiting-list?breakdown=shoe_size",
        "/waiting-list.csv?breakdown=shoe_size",
    ] {
        let r = app.get(path, &Who::Anonymous).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("no breakdown `shoe_size`"), "{}", r.body);
        assert!(r.body.contains("imd_quintile"));
    }
}

#[tokio::test]
async fn the_waiting_list_csv_is_the_dashboards_table() {
    let app = App::new(true).await;
    let r = app
        .get("/waiting-list.csv?breakdown=imd_quintile", &Who::Anonymous)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header(header::CONTENT_TYPE),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        r.header(header::CONTENT_DISPOSITION),
        Some("attachment; filename=\"waiting-list-imd_quintile.csv\"")
    );
    let mut lines = r.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "indicator_id,Measure,Latest snapshot,ICS value,Lowest group,Highest group,Gap (highest minus lowest)"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .any(|l| l.starts_with("wl_over_52_weeks,Waiting over 52 weeks,2026-03-29,35,"))
    );
}

/// Replaces the results with a version that has no waiting-list measure.
fn results_without_the_waiting_list(dir: &std::path::Path) {
    let mut row = ResultRow::new("smi", "2025/26", "all", "All", Statistic::Count, 1.0);
    row.numerator = Some(100.0);
    row.value = Some(100.0);
    let mut indicators = BTreeMap::new();
    indicators.insert(
        "smi".to_owned(),
        IndicatorInfo {
            id: "smi".to_owned(),
            name: "SMI checks".to_owned(),
            area: "Mental health".to_owned(),
            statistic: "count".to_owned(),
            ..IndicatorInfo::default()
        },
    );
    let w = ResultsWriter::begin(
        dir,
        Metadata {
            indicators,
            ..Metadata::default()
        },
    )
    .expect("writer");
    w.write_indicators(&[row]).expect("indicators");
    w.write_inequality(&[]).expect("inequality");
    w.write_spc(&[]).expect("spc");
    w.commit().expect("commit");
}

#[tokio::test]
async fn without_waiting_list_results_the_page_says_what_is_needed() {
    let app = App::new(true).await;
    results_without_the_waiting_list(app.dir.path());
    let r = app.get("/waiting-list", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK, "a message, not an error");
    assert!(
        r.body
            .contains("There are no waiting-list results in this workspace:"),
        "{}",
        r.body
    );
    assert!(r.body.contains("equalis ingest --dataset waiting_list"));
    insta::assert_snapshot!("waiting_list_page_needs", main_content(&r.body));
    let csv = app.get("/waiting-list.csv", &Who::Anonymous).await;
    assert_eq!(csv.status, StatusCode::NOT_FOUND);
    // Nor a registration-gap table (an older compute): said without the workspace's path.
    let gap = app.get("/registration-gap", &Who::Anonymous).await;
    assert_eq!(gap.status, StatusCode::OK);
    assert!(
        gap.body.contains(
            "The results have no registration gap (they were computed by an older equalis)"
        ),
        "{}",
        gap.body
    );
    let path = app.dir.path().to_string_lossy().into_owned();
    assert!(!gap.body.contains(&path));
    // No results at all: the same message.
    std::fs::remove_dir_all(app.dir.path().join("results")).expect("results removed");
    let r = app.get("/waiting-list", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("There are no waiting-list results in this workspace yet:")
    );
}

#[tokio::test]
async fn snapshot_of_the_waiting_list_page() {
    let app = App::new(true).await;
    let r = app.get("/waiting-list", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    insta::assert_snapshot!("waiting_list_page", main_content(&r.body));
}

#[tokio::test]
async fn the_registration_gap_lists_published_areas_only() {
    let app = App::new(false).await;
    let who = app.as_role(Role::EdiLead).await;
    let r = app.get("/registration-gap", &who).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = main_content(&r.body);
    assert!(body.contains("E01000001"), "{body}");
    assert!(body.contains("Leicester 001A"));
    // The area whose unregistered people are 3 has its counts withheld, not shown.
    let row = body
        .split("</tr>")
        .find(|r| r.contains("E01000002"))
        .expect("the area's row");
    assert!(row.contains("equalis-count\">*</td>"), "{row}");
    assert!(!row.contains(">3<") && !row.contains(">103<"), "{row}");
    // Counts rounded to 5.
    assert!(body.contains(">1510<") && body.contains(">1205<"), "{body}");
    assert!(body.contains("href=\"/registration-gap.csv\""));
    // No results indicator in this fixture: no link to one.
    assert!(!body.contains("indicator page"));
    let csv = app.get("/registration-gap.csv", &who).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.header(header::CONTENT_DISPOSITION),
        Some("attachment; filename=\"registration-gap.csv\"")
    );
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "rank,lsoa21_code,lsoa_name,imd_decile,local_authority,ons_population,registered,unregistered,rate,lowercl,uppercl,census_not_white_pct,note"
        )
    );
    assert_eq!(lines.count(), 3);
    // The first N areas.
    let one = app.get("/registration-gap?top=1", &who).await;
    assert!(one.body.contains("E01000001") && !one.body.contains("E01000002"));
    assert!(one.body.contains("href=\"/registration-gap?top=all\""));
    let bad = app.get("/registration-gap?top=none", &who).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Replaces the results with a version computed without `population`.
fn results_without_population(dir: &std::path::Path) {
    let mut skipped = BTreeMap::new();
    skipped.insert(
        "gp_registration_gap".to_owned(),
        "needs the `population` dataset (`equalis ingest --dataset population FILE`)".to_owned(),
    );
    let w = ResultsWriter::begin(
        dir,
        Metadata {
            skipped,
            ..Metadata::default()
        },
    )
    .expect("writer");
    w.write_indicators(&[]).expect("indicators");
    w.write_inequality(&[]).expect("inequality");
    w.write_spc(&[]).expect("spc");
    w.commit().expect("commit");
}

#[tokio::test]
async fn without_population_the_registration_gap_says_what_is_needed() {
    let app = App::new(true).await;
    results_without_population(app.dir.path());
    let r = app.get("/registration-gap", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK, "a message, not an error");
    assert!(
        r.body.contains(
            "The registration gap was not computed from this workspace&#39;s data: it needs the <code>population</code> dataset"
        ),
        "{}",
        r.body
    );
    insta::assert_snapshot!("registration_gap_page_needs", main_content(&r.body));
    let csv = app.get("/registration-gap.csv", &Who::Anonymous).await;
    assert_eq!(csv.status, StatusCode::NOT_FOUND);
    // No results at all.
    std::fs::remove_dir_all(app.dir.path().join("results")).expect("results removed");
    let r = app.get("/registration-gap", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("There are no results in this workspace yet")
    );
}

#[tokio::test]
async fn snapshot_of_the_registration_gap_page() {
    let app = App::new(true).await;
    let r = app.get("/registration-gap", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    insta::assert_snapshot!("registration_gap_page", main_content(&r.body));
}

#[tokio::test]
async fn the_panel_page_shows_the_pool_and_each_groups_chance() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Reviewer).await;
    let r = app.get("/panel", &who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = main_content(&r.body);
    assert!(
        body.contains("Citizens&#39; Panel: a fair lottery"),
        "{body}"
    );
    assert!(body.contains("How the panel is chosen"));
    assert!(body.contains("Volunteers in the pool"));
    assert!(body.contains("Chance of selection %"));
    assert!(body.contains("value=\"40\""), "40 seats by default");
    assert!(
        body.contains("<svg"),
        "the pool against the population is charted"
    );
    // Kept: the second request is the same page, and a different size another.
    let again = app.get("/panel?size=40", &who).await;
    assert_eq!(main_content(&again.body), body);
    // Seats the quotas cannot fill: the page says why, with the form.
    let other = app.get("/panel?size=20", &who).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(other.body.contains("value=\"20\""));
    assert!(
        other.body.contains("A panel of 20 cannot be drawn")
            && other
                .body
                .contains("The stored volunteers cannot fill a panel of 20"),
        "{}",
        main_content(&other.body)
    );
    for bad in ["0", "many", "5000"] {
        let r = app.get(&format!("/panel?size={bad}"), &who).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn without_volunteers_the_panel_page_says_what_is_needed() {
    let app = App::new(true).await;
    let r = app.get("/panel", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK, "a message, not an error");
    let body = main_content(&r.body);
    assert!(
        body.contains(
            "The panel page needs the <code>volunteers</code> and <code>quotas</code> datasets"
        ),
        "{body}"
    );
    assert!(body.contains("equalis ingest --dataset volunteers FILE"));
    insta::assert_snapshot!("panel_page_needs", body);
}

#[tokio::test]
async fn snapshot_of_the_panel_page() {
    let app = App::with_workforce(true).await;
    let r = app.get("/panel?size=40", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    // The pool's fingerprint hashes its pseudonyms, which differ with each workspace's key.
    let body: String = main_content(&r.body)
        .split("<td class=\"nhsuk-table__cell\">")
        .map(|part| {
            let hex = part.split('<').next().unwrap_or_default();
            if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                part.replacen(hex, "[pool fingerprint]", 1)
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("<td class=\"nhsuk-table__cell\">");
    assert!(body.contains("[pool fingerprint]"));
    insta::assert_snapshot!("panel_page", body);
}

/// Replaces the results with a version whose catalogue holds the registration gap as an
/// indicator (a shortfall by deprivation decile), with its LSOA table.
fn results_with_the_gap_indicator(dir: &std::path::Path) {
    let row = |breakdown: &str, group: &str, ons: f64, registered: f64| {
        let mut r = ResultRow::new(
            "gp_registration_gap",
            "2025",
            breakdown,
            group,
            Statistic::Shortfall,
            100.0,
        );
        r.numerator = Some(ons);
        r.denominator = Some(registered);
        r.value = Some((ons - registered) / ons * 100.0);
        r
    };
    let rows = vec![
        row("all", "All", 20000.0, 18500.0),
        row("imd_decile", "1", 5000.0, 4200.0),
        row("imd_decile", "5", 7000.0, 6650.0),
        row("imd_decile", "10", 8000.0, 7650.0),
    ];
    let mut indicators = BTreeMap::new();
    indicators.insert(
        "gp_registration_gap".to_owned(),
        IndicatorInfo {
            id: "gp_registration_gap".to_owned(),
            name: "GP registration gap".to_owned(),
            area: "Access".to_owned(),
            statistic: "shortfall".to_owned(),
            unit: "%".to_owned(),
            direction: "lower_is_better".to_owned(),
            ..IndicatorInfo::default()
        },
    );
    let w = ResultsWriter::begin(
        dir,
        Metadata {
            indicators,
            iod_edition: "2025".to_owned(),
            ..Metadata::default()
        },
    )
    .expect("writer");
    w.write_indicators(&rows).expect("indicators");
    w.write_inequality(&[]).expect("inequality");
    w.write_spc(&[]).expect("spc");
    w.write_batch("registration_gap", &crate::fixture::registration_gap())
        .expect("registration gap");
    w.commit().expect("commit");
}

#[tokio::test]
async fn the_registration_gap_links_its_indicator_and_draws_it_by_deprivation() {
    let app = App::new(true).await;
    results_with_the_gap_indicator(app.dir.path());
    let r = app.get("/registration-gap", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = main_content(&r.body);
    assert!(
        body.contains(
            "<a href=\"/indicators/gp_registration_gap\">the registration gap's indicator page</a>"
        ),
        "{body}"
    );
    assert!(
        body.contains("<h2>Deprivation decile (IMD 2025)</h2>"),
        "{body}"
    );
    assert!(body.contains("<svg"));
    // The areas are still listed.
    assert!(body.contains("E01000001"));
}

/// Every file under `dir` whose name ends with `suffix`.
fn files(dir: &std::path::Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files(&path, suffix));
        } else if path.to_string_lossy().ends_with(suffix) {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn the_panel_is_computed_once_per_dataset_versions_and_seats() {
    let app = App::with_workforce(true).await;
    let first = app.get("/panel", &Who::Anonymous).await;
    assert_eq!(first.status, StatusCode::OK);
    // The volunteers' files made unreadable, their version unchanged: the page kept is served
    // without reading them again.
    let parts = files(&app.dir.path().join("data").join("volunteers"), ".parquet");
    assert!(!parts.is_empty());
    for p in &parts {
        std::fs::write(p, b"not parquet").expect("overwrite");
    }
    let again = app.get("/panel", &Who::Anonymous).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(main_content(&again.body), main_content(&first.body));
    // Other seats are computed, and so read the files: a fault, shown without internals.
    let other = app.get("/panel?size=41", &Who::Anonymous).await;
    assert_eq!(other.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!other.body.contains("parquet"), "{}", other.body);
}

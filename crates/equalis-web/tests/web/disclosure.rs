//! No count from 1 to 7 on any published page, download or API response: every route's
//! output is scanned, for anonymous visitors of a public workspace and for a signed-in viewer.

use axum::http::StatusCode;
use equalis_store::Role;
use serde_json::Value;

use crate::fixture::{App, Who};

fn small(n: f64) -> bool {
    (1.0..=7.0).contains(&n)
}

/// The count cells of a page (`<td class="… equalis-count">N</td>`), as text.
fn html_counts(body: &str) -> Vec<String> {
    body.split("equalis-count")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('>')? + 1;
            let end = rest[start..].find("</td>")? + start;
            Some(rest[start..end].trim().to_owned())
        })
        .collect()
}

fn check_text(cells: &[String], what: &str, checked: &mut usize, withheld: &mut usize) {
    for c in cells {
        *checked += 1;
        if c == "*" {
            *withheld += 1;
            continue;
        }
        if let Ok(n) = c.replace(',', "").parse::<f64>() {
            assert!(!small(n), "{what}: a count of {c} is published");
        }
    }
}

async fn scan(app: &App, who: &Who) -> (usize, usize) {
    let (mut checked, mut withheld) = (0, 0);
    let list = app.get("/api/v1/indicators", who).await;
    assert_eq!(list.status, StatusCode::OK);
    for ind in list.json()["indicators"].as_array().expect("indicators") {
        let id = ind["id"].as_str().expect("id");
        let statistic = ind["statistic"].as_str().unwrap_or_default().to_owned();
        for b in ind["breakdowns"].as_array().expect("breakdowns") {
            let b = b.as_str().expect("breakdown");
            for p in ind["periods"].as_array().expect("periods") {
                let p = p.as_str().expect("period");
                let q = format!(
                    "breakdown={}&period={}",
                    crate::fixture::enc(b),
                    crate::fixture::enc(p)
                );
                // The page's table.
                let page = app.get(&format!("/indicators/{id}?{q}"), who).await;
                assert_eq!(page.status, StatusCode::OK, "{id} {b} {p}");
                let mut cells = html_counts(&page.body);
                // A count indicator's value is the count itself.
                if statistic == "count" {
                    cells.extend(value_cells(&page.body));
                }
                check_text(
                    &cells,
                    &format!("page {id} {b} {p}"),
                    &mut checked,
                    &mut withheld,
                );
                // The CSV.
                let csv = app.get(&format!("/indicators/{id}.csv?{q}"), who).await;
                assert_eq!(csv.status, StatusCode::OK);
                let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
                for rec in reader.records() {
                    let rec = rec.expect("a CSV record");
                    let mut cols = vec![5, 6, 7, 8];
                    if &rec[4] == "count" {
                        cols.push(9);
                    }
                    let cells: Vec<String> = cols.iter().map(|&i| rec[i].to_owned()).collect();
                    check_text(
                        &cells,
                        &format!("CSV {id} {b} {p}"),
                        &mut checked,
                        &mut withheld,
                    );
                }
                // The Excel workbook: the CSV's columns from its third row on.
                let xlsx = app.get(&format!("/indicators/{id}.xlsx?{q}"), who).await;
                assert_eq!(xlsx.status, StatusCode::OK, "{id} {b} {p}");
                let book = xlsx.workbook();
                for rec in book[1].1.iter().skip(3) {
                    let mut cols = vec![5, 6, 7, 8];
                    if rec[4] == "count" {
                        cols.push(9);
                    }
                    let cells: Vec<String> = cols.iter().map(|&i| rec[i].clone()).collect();
                    check_text(
                        &cells,
                        &format!("workbook {id} {b} {p}"),
                        &mut checked,
                        &mut withheld,
                    );
                }
                // The API.
                let api = app.get(&format!("/api/v1/indicators/{id}?{q}"), who).await;
                for row in api.json()["rows"].as_array().expect("rows") {
                    let mut fields = vec![
                        "numerator",
                        "denominator",
                        "comparator_numerator",
                        "comparator_denominator",
                    ];
                    if row["statistic"] == "count" {
                        fields.push("value");
                    }
                    let cells: Vec<String> = fields
                        .iter()
                        .map(|f| match &row[*f] {
                            Value::Number(n) => n.to_string(),
                            Value::String(s) => s.clone(),
                            _ => String::new(),
                        })
                        .collect();
                    check_text(
                        &cells,
                        &format!("API {id} {b} {p}"),
                        &mut checked,
                        &mut withheld,
                    );
                }
            }
        }
        // The whole-indicator CSV and API response.
        let csv = app.get(&format!("/indicators/{id}.csv"), who).await;
        assert!(!csv.body.is_empty());
        for line in csv.body.lines().skip(1) {
            let cells: Vec<String> = line.split(',').skip(5).take(4).map(str::to_owned).collect();
            check_text(&cells, &format!("CSV {id}"), &mut checked, &mut withheld);
        }
    }
    // Every workforce return of the ICS and each organisation: every count cell.
    let orgs = std::iter::once("ics".to_owned()).chain(app.orgs.iter().cloned());
    for org in orgs {
        for ret in [
            "wres",
            "wdes",
            "pay-gap-sex",
            "pay-gap-ethnicity",
            "pay-gap-disability",
            "dashboard",
        ] {
            let page = app.get(&format!("/workforce/{org}/{ret}"), who).await;
            assert_eq!(page.status, StatusCode::OK, "{org} {ret}");
            check_text(
                &workforce_counts(&page.body),
                &format!("workforce {org} {ret}"),
                &mut checked,
                &mut withheld,
            );
            let xlsx = app.get(&format!("/workforce/{org}/{ret}.xlsx"), who).await;
            assert_eq!(xlsx.status, StatusCode::OK, "{org} {ret}");
            // The API's JSON is the published document's, whose cells are those scanned.
            let api = app
                .get(&format!("/api/v1/workforce/{org}/{ret}"), who)
                .await;
            assert_eq!(api.status, StatusCode::OK, "{org} {ret}");
            assert_eq!(
                api.json(),
                published(app, &org, ret).json,
                "API {org} {ret}"
            );
            check_text(
                &workbook_counts(app, &org, ret, &xlsx.workbook()),
                &format!("workforce workbook {org} {ret}"),
                &mut checked,
                &mut withheld,
            );
        }
    }
    // The waiting-list dashboard of each breakdown: the counts of its trend tables, and in its
    // CSV the ICS value of each count measure (its groups are not compared by counts).
    let counts: Vec<String> = list.json()["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .filter(|i| i["statistic"] == "count")
        .filter_map(|i| i["id"].as_str().map(str::to_owned))
        .collect();
    let page = app.get("/waiting-list", who).await;
    let breakdowns: Vec<String> = page
        .body
        .split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect();
    assert!(breakdowns.len() >= 2, "{breakdowns:?}");
    for b in &breakdowns {
        let q = format!("breakdown={}", crate::fixture::enc(b));
        let page = app.get(&format!("/waiting-list?{q}"), who).await;
        assert_eq!(page.status, StatusCode::OK, "waiting list {b}");
        let cells = html_counts(&page.body);
        assert!(!cells.is_empty(), "the trend tables' counts are marked");
        check_text(
            &cells,
            &format!("waiting list {b}"),
            &mut checked,
            &mut withheld,
        );
        let csv = app.get(&format!("/waiting-list.csv?{q}"), who).await;
        assert_eq!(csv.status, StatusCode::OK);
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        for rec in reader.records() {
            let rec = rec.expect("a CSV record");
            if counts.iter().any(|c| c == &rec[0]) {
                // The value with its unit: `35 pathways`.
                let value = rec[3].split_whitespace().next().unwrap_or_default();
                check_text(
                    &[value.to_owned()],
                    &format!("waiting list CSV {b}"),
                    &mut checked,
                    &mut withheld,
                );
            }
        }
    }
    // The registration gap: every area's counts, on the page and in the CSV.
    let page = app.get("/registration-gap?top=all", who).await;
    assert_eq!(page.status, StatusCode::OK);
    let cells = html_counts(&page.body);
    assert!(cells.len() >= 9, "the areas' counts are marked: {cells:?}");
    check_text(&cells, "registration gap", &mut checked, &mut withheld);
    let csv = app.get("/registration-gap.csv", who).await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    for rec in reader.records() {
        let rec = rec.expect("a CSV record");
        let cells: Vec<String> = [5, 6, 7].iter().map(|&i| rec[i].to_owned()).collect();
        check_text(&cells, "registration gap CSV", &mut checked, &mut withheld);
    }
    // The Citizens' Panel: the pool's and each group's counts.
    let page = app.get("/panel", who).await;
    assert_eq!(page.status, StatusCode::OK);
    let cells = html_counts(&page.body);
    assert!(!cells.is_empty(), "the panel's counts are marked");
    check_text(&cells, "panel", &mut checked, &mut withheld);
    // The other pages hold no table of counts, but no small count either.
    for path in ["/", "/indicators", "/workforce"] {
        let page = app.get(path, who).await;
        assert!(html_counts(&page.body).is_empty(), "{path}");
    }
    (checked, withheld)
}

/// The count cells of a workforce page but those of board members (WRES 9, WDES 10): members
/// of a board hold public office, and a board group of 8 or more is published exactly, as NHS
/// England publishes it (`docs/WORKFORCE.md`); a group of 1 to 7 is withheld, and
/// `board_rows_are_exact_only_under_their_exemption` checks that.
fn workforce_counts(body: &str) -> Vec<String> {
    body.split("</tr>")
        .filter(|row| !row_header(row).contains("board members"))
        .flat_map(html_counts)
        .collect()
}

/// The count cells of a workforce workbook but those of board members (as
/// [`workforce_counts`]). A workbook does not say which numbers are counts, so the cells
/// scanned are those where the published document `equalis workforce` builds holds a count;
/// the workbook's table cells are checked to be that document's first (whatever is scanned is
/// what was sent).
fn workbook_counts(
    app: &App,
    org: &str,
    ret: &str,
    book: &[(String, Vec<Vec<String>>)],
) -> Vec<String> {
    use equalis_disclosure::Cell;
    use equalis_report::tables::Val;
    let doc = published(app, org, ret);
    let mut out = Vec::new();
    assert_eq!(book.len(), doc.report.sheets.len() + 1, "{org} {ret}");
    for ((name, rows), sheet) in book.iter().skip(1).zip(&doc.report.sheets) {
        assert_eq!(name, &sheet.name);
        assert_eq!(rows.len(), sheet.rows.len() + 3, "{org} {ret} {name}");
        for (got, cells) in rows.iter().skip(3).zip(&sheet.rows) {
            let label = cells.first().map(Val::show).unwrap_or_default();
            for (text, v) in got.iter().zip(cells) {
                if let Val::Num(p, _) = v
                    && matches!(p.get(), Cell::Count(_) | Cell::Suppressed(_))
                    && !label.contains("board members")
                {
                    assert_eq!(text, &v.show(), "{org} {ret} {name} {label}");
                    out.push(text.clone());
                }
            }
        }
    }
    out
}

/// The published return `ret` of `org` as `equalis workforce` builds it.
fn published(app: &App, org: &str, ret: &str) -> equalis_app::workforce::Document {
    use equalis_app::workforce::{By, ReturnKind, WorkforceOptions};
    let kind = match ret {
        "wres" => ReturnKind::Wres,
        "wdes" => ReturnKind::Wdes,
        "pay-gap-sex" => ReturnKind::PayGap(By::Sex),
        "pay-gap-ethnicity" => ReturnKind::PayGap(By::Ethnicity),
        "pay-gap-disability" => ReturnKind::PayGap(By::Disability),
        _ => ReturnKind::Dashboard,
    };
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    equalis_app::workforce::build(
        &ws,
        kind,
        &WorkforceOptions {
            org: (org != "ics").then(|| org.to_owned()),
            ..WorkforceOptions::default()
        },
    )
    .expect("a return")
}

/// The text of a table row's header cell.
fn row_header(row: &str) -> &str {
    row.split_once("<th scope=\"row\"")
        .and_then(|(_, rest)| {
            let start = rest.find('>')? + 1;
            let end = rest[start..].find("</th>")? + start;
            Some(rest[start..end].trim())
        })
        .unwrap_or_default()
}

/// The value cells of a page's table: the first numeric cell after the count cells.
fn value_cells(body: &str) -> Vec<String> {
    body.split("</tr>")
        .filter(|row| row.contains("equalis-count"))
        .filter_map(|row| {
            let last_count = row.rfind("equalis-count")?;
            let rest = &row[last_count..];
            let next =
                rest.find("nhsuk-table__cell--numeric\">")? + "nhsuk-table__cell--numeric\">".len();
            let end = rest[next..].find("</td>")? + next;
            Some(rest[next..end].trim().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn no_published_route_shows_a_count_from_1_to_7() {
    let app = App::with_workforce(true).await;
    let (checked, withheld) = scan(&app, &Who::Anonymous).await;
    assert!(checked > 100, "only {checked} cells were checked");
    assert!(withheld > 0, "the fixture's small counts were withheld");
    let viewer = app.as_role(Role::Viewer).await;
    let (checked_viewer, _) = scan(&app, &viewer).await;
    assert_eq!(
        checked, checked_viewer,
        "a viewer sees the same published figures"
    );
}

#[test]
fn the_scanner_finds_count_cells() {
    let body = "<tr><th>A</th><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric equalis-count\">5</td>\
                <td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">12.5</td></tr>";
    assert_eq!(html_counts(body), vec!["5".to_owned()]);
    assert_eq!(value_cells(body), vec!["12.5".to_owned()]);
}

#[tokio::test]
async fn board_rows_are_exact_only_under_their_exemption() {
    let app = App::with_workforce(true).await;
    let mut board_rows = 0;
    for org in std::iter::once("ics".to_owned()).chain(app.orgs.iter().cloned()) {
        for ret in ["wres", "wdes"] {
            let page = app
                .get(&format!("/workforce/{org}/{ret}"), &Who::Anonymous)
                .await;
            for row in page.body.split("</tr>") {
                if !row_header(row).contains("board members") {
                    continue;
                }
                board_rows += 1;
                let counts: Vec<f64> = html_counts(row)
                    .iter()
                    .filter_map(|c| c.parse::<f64>().ok())
                    .collect();
                // The group's size is its largest count (its total); a small count in it is
                // published only when the group has 8 or more members.
                let group = counts.iter().copied().fold(0.0, f64::max);
                if counts.iter().any(|&n| small(n)) {
                    assert!(group >= 8.0, "{org} {ret}: {}", row_header(row));
                }
            }
        }
    }
    assert!(board_rows > 0, "the fixture has board rows");
}

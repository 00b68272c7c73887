//! The JSON API: the same published figures as `equalis results`, and its OpenAPI document.

use axum::http::StatusCode;
use equalis_results::{View, publish, read_results};
use equalis_store::Role;
use serde_json::Value;

use crate::fixture::{App, Who};

#[tokio::test]
async fn the_api_lists_indicators_with_breakdowns_and_periods() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Reviewer).await;
    let r = app.get("/api/v1/indicators", &who).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    let list = j["indicators"].as_array().expect("a list");
    assert_eq!(list.len(), 3);
    let smi = list
        .iter()
        .find(|i| i["id"] == "smi_health_check")
        .expect("smi");
    assert_eq!(
        smi["breakdowns"],
        serde_json::json!(["all", "imd_quintile", "ethnic_group", "sex"])
    );
    assert_eq!(smi["periods"], serde_json::json!(["2024/25", "2025/26"]));
    assert_eq!(smi["href"], "/api/v1/indicators/smi_health_check");
}

/// A published cell as the API gives it.
fn cell(c: &equalis_disclosure::Publishable<equalis_disclosure::Cell>) -> Value {
    use equalis_disclosure::Cell;
    match c.get() {
        Cell::Count(n) => serde_json::json!(n),
        Cell::Percentage(v) | Cell::Value(v) => serde_json::json!(v),
        Cell::Suppressed(s) => serde_json::json!(s),
        Cell::NotApplicable => Value::Null,
    }
}

/// Equal, numbers to the last bit but one (serde_json parses floats fast, not exactly).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

#[tokio::test]
async fn the_api_gives_the_figures_of_the_published_view() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let results = read_results(app.dir.path()).expect("results");
    for id in ["smi_health_check", "wl_over_52_weeks"] {
        // What `equalis results ID` publishes: the whole indicator at once.
        let own: Vec<_> = results
            .analyst()
            .indicators
            .iter()
            .filter(|r| r.indicator_id == id)
            .cloned()
            .collect();
        let (published, _, _) = publish(&View::Published, &own, &[], &[]);
        let r = app.get(&format!("/api/v1/indicators/{id}"), &who).await;
        assert_eq!(r.status, StatusCode::OK);
        let j = r.json();
        assert_eq!(j["view"], "published");
        let rows = j["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), published.len());
        for p in &published {
            let got = rows
                .iter()
                .find(|r| {
                    r["period"] == p.period
                        && r["breakdown"] == p.breakdown
                        && r["group"] == p.group
                })
                .unwrap_or_else(|| panic!("{id} {} {} {}", p.period, p.breakdown, p.group));
            for (field, want) in [
                ("numerator", &p.numerator),
                ("denominator", &p.denominator),
                ("value", &p.value),
                ("lowercl", &p.lowercl),
                ("uppercl", &p.uppercl),
            ] {
                assert!(
                    same(&got[field], &cell(want)),
                    "{id} {} {field}: {} vs {}",
                    p.group,
                    got[field],
                    cell(want)
                );
            }
            assert_eq!(
                got["comparison"],
                serde_json::json!(p.comparison.map(|c| c.as_str()))
            );
        }
    }
    // Filters pick from the same rows.
    let r = app
        .get(
            "/api/v1/indicators/smi_health_check?breakdown=ethnic_group&period=latest",
            &who,
        )
        .await;
    let j = r.json();
    assert_eq!(j["breakdown"], "ethnic_group");
    assert_eq!(j["period"], "2025/26");
    let rows = j["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 5);
    let mixed = rows.iter().find(|r| r["group"] == "Mixed").expect("Mixed");
    assert_eq!(mixed["numerator"], "*");
    assert_eq!(mixed["value"], "*");
}

#[tokio::test]
async fn api_errors_are_json_with_the_valid_names() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.get("/api/v1/indicators/nope", &who).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let j = r.json();
    assert_eq!(
        j["error"]["valid"]["indicators"],
        serde_json::json!([
            "smi_health_check",
            "wl_gap_imd_q1_q5_over_18_weeks",
            "wl_over_52_weeks"
        ])
    );
    let r = app
        .get("/api/v1/indicators/smi_health_check?breakdown=nope", &who)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["valid"]["breakdowns"][1], "imd_quintile");
    let r = app
        .get("/api/v1/indicators/smi_health_check?view=analyst", &who)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("published view only")
    );
    let r = app.get("/api/v1/indicators", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["status"], 401);
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_apis_routes() {
    let app = App::with_workforce(false).await;
    let r = app.get("/api/v1/openapi.json", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let routes: std::collections::BTreeSet<String> = equalis_web::API_ROUTES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        paths, routes,
        "the router's API routes and the document's paths"
    );
    // Every documented operation is answered by the router (not its fallback), with a
    // documented status.
    let who = app.as_role(Role::Viewer).await;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            assert_eq!(method, "get");
            let url = path
                .replace("{id}", "smi_health_check")
                .replace("{org}", "ics")
                .replace("{return}", "wres");
            let r = app.get(&url, &who).await;
            let status = r.status.as_u16().to_string();
            assert!(
                op["responses"].get(&status).is_some(),
                "{path}: {status} is not documented"
            );
            assert_eq!(r.status, StatusCode::OK, "{path}");
        }
    }
    // Every $ref points at something in the document.
    let text = r.body;
    for part in text.split("\"$ref\": \"#/").skip(1) {
        let pointer = format!("/{}", &part[..part.find('"').expect("end")]);
        assert!(doc.pointer(&pointer).is_some(), "{pointer}");
    }
}

/// Follows `next` from `first` to the last page, checking each page's fields; the items under
/// `key` of every page, in order.
async fn every_page(app: &App, who: &Who, first: &str, key: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(first.to_owned()));
    while let Some(url) = next {
        let r = app.get(&url, who).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
        let j = r.json();
        let page = j[key].as_array().expect("items");
        assert!(page.len() <= j["limit"].as_u64().expect("limit") as usize);
        assert_eq!(j["offset"].as_u64(), Some(items.len() as u64), "{url}");
        items.extend(page.iter().cloned());
        pages += 1;
        next = j["next"].as_str().map(str::to_owned);
        if next.is_none() {
            assert_eq!(j["total"].as_u64(), Some(items.len() as u64), "{url}");
        }
    }
    (items, pages)
}

#[tokio::test]
async fn long_lists_come_a_page_at_a_time_with_a_next_link() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    // By default a page is long enough for the fixture: one page, no next.
    let whole = app
        .get("/api/v1/indicators/smi_health_check", &who)
        .await
        .json();
    assert_eq!(whole["limit"], 1000);
    assert_eq!(whole["offset"], 0);
    assert_eq!(whole["total"], 26);
    assert_eq!(whole["next"], Value::Null);
    let all = whole["rows"].as_array().expect("rows").clone();
    // Pages of 10 give the same rows in the same order, in three pages.
    let (paged, pages) = every_page(
        &app,
        &who,
        "/api/v1/indicators/smi_health_check?limit=10",
        "rows",
    )
    .await;
    assert_eq!(pages, 3);
    assert_eq!(paged, all);
    let second = app
        .get("/api/v1/indicators/smi_health_check?limit=10", &who)
        .await
        .json();
    assert_eq!(
        second["next"],
        "/api/v1/indicators/smi_health_check?limit=10&offset=10"
    );
    // The filters go on to the next page as they were asked.
    let j = app
        .get(
            "/api/v1/indicators/smi_health_check?breakdown=ethnic_group&period=latest&limit=2",
            &who,
        )
        .await
        .json();
    assert_eq!(
        j["next"],
        "/api/v1/indicators/smi_health_check?breakdown=ethnic_group&period=latest&limit=2&offset=2"
    );
    let (rows, _) = every_page(
        &app,
        &who,
        "/api/v1/indicators/smi_health_check?breakdown=ethnic_group&period=latest&limit=2",
        "rows",
    )
    .await;
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["breakdown"] == "ethnic_group"));
    // Past the end: no rows, no next.
    let j = app
        .get("/api/v1/indicators/smi_health_check?offset=500", &who)
        .await
        .json();
    assert_eq!(j["rows"], serde_json::json!([]));
    assert_eq!(j["next"], Value::Null);
    // The list of indicators pages the same way.
    let (list, pages) = every_page(&app, &who, "/api/v1/indicators?limit=1", "indicators").await;
    assert_eq!(pages, 3);
    assert_eq!(
        list.iter().map(|i| i["id"].clone()).collect::<Vec<_>>(),
        [
            "smi_health_check",
            "wl_gap_imd_q1_q5_over_18_weeks",
            "wl_over_52_weeks"
        ]
    );
    // Limits out of range and offsets that are not numbers are refused, saying what is allowed.
    for (url, allowed) in [
        (
            "/api/v1/indicators/smi_health_check?limit=0",
            "from 1 to 10000",
        ),
        (
            "/api/v1/indicators/smi_health_check?limit=10001",
            "from 1 to 10000",
        ),
        (
            "/api/v1/indicators/smi_health_check?limit=ten",
            "from 1 to 10000",
        ),
        ("/api/v1/indicators/smi_health_check?offset=-1", "from 0"),
        ("/api/v1/indicators?limit=1001", "from 1 to 1000"),
    ] {
        let r = app.get(url, &who).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}");
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(allowed), "{url}: {message}");
    }
}

#[tokio::test]
async fn the_workforce_api_gives_the_command_lines_json() {
    let app = App::with_workforce(false).await;
    let who = app.as_role(Role::Viewer).await;
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    let years = equalis_app::workforce::years(&ws).expect("years");
    let list = app.get("/api/v1/workforce", &who).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(list["years"], serde_json::json!(years));
    let orgs = list["organisations"].as_array().expect("organisations");
    assert_eq!(orgs.len(), app.orgs.len() + 1);
    assert_eq!(orgs[0]["code"], "ics");
    assert_eq!(orgs[1]["code"], app.orgs[0]);
    assert_eq!(orgs[1]["name"], crate::fixture::ORG_NAME);
    assert_eq!(
        orgs[1]["returns"][0]["href"],
        format!("/api/v1/workforce/{}/wres", app.orgs[0])
    );
    // Each return is exactly the published JSON of `equalis workforce … --format json`, by a
    // bearer token as well as a session.
    let token = app.token_for(Role::Viewer).await;
    let org = app.orgs[1].clone();
    for (ret, kind, year) in [
        ("wres", equalis_app::workforce::ReturnKind::Wres, None),
        (
            "pay-gap-ethnicity",
            equalis_app::workforce::ReturnKind::PayGap(equalis_app::workforce::By::Ethnicity),
            Some(years[0]),
        ),
        (
            "dashboard",
            equalis_app::workforce::ReturnKind::Dashboard,
            None,
        ),
    ] {
        let want = equalis_app::workforce::build(
            &ws,
            kind,
            &equalis_app::workforce::WorkforceOptions {
                org: Some(org.clone()),
                year,
                ..Default::default()
            },
        )
        .expect("a return")
        .json;
        let url = match year {
            Some(y) => format!("/api/v1/workforce/{org}/{ret}?year={y}"),
            None => format!("/api/v1/workforce/{org}/{ret}"),
        };
        for who in [&who, &token] {
            let r = app.get(&url, who).await;
            assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
            assert_eq!(r.json(), want, "{url}");
            assert_eq!(r.json()["view"], "published");
        }
    }
    // Unknown names are JSON 404s listing the valid ones.
    for (url, kind) in [
        ("/api/v1/workforce/ZZZ99/wres", "organisations"),
        ("/api/v1/workforce/ics/wres-2024", "returns"),
        ("/api/v1/workforce/ics/wres?year=1999", "years"),
    ] {
        let r = app.get(url, &who).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{url}");
        assert!(
            r.json()["error"]["valid"][kind].is_array(),
            "{url}: {}",
            r.body
        );
    }
    let r = app.get("/api/v1/workforce/ics/wres?format=csv", &who).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/api/v1/workforce", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Without workforce data, empty lists.
    let bare = App::new(false).await;
    let who = bare.as_role(Role::Viewer).await;
    let j = bare.get("/api/v1/workforce", &who).await.json();
    assert_eq!(j["organisations"], serde_json::json!([]));
    assert_eq!(j["years"], serde_json::json!([]));
}

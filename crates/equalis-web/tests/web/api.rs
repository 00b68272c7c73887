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
    let app = App::new(false).await;
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
            let url = path.replace("{id}", "smi_health_check");
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

//! The directory's Open Referral UK 3.0 API: every endpoint's JSON validated against the
//! profile's official schemas (`standards/oruk-3.0/schema/`, `$ref`s resolved from those files,
//! never over the network), its filters and paging, its errors, and that anyone may read it.

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use equalis_directory::{Point, Record, read_document};
use equalis_store::Actor;
use serde_json::{Value, json};

use crate::fixture::{App, Who};

const RAW_BASE: &str = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/";

fn standards() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards/oruk-3.0")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `schema` with every `$ref` replaced by what it names: the profile's URLs and relative file
/// names by the files in the repository (relative to `dir`), `#/components/…` by the API
/// document's. The profile's schemas have no cycles, so inlining ends.
fn inline(schema: &Value, dir: &Path, openapi: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(pointer) = r.strip_prefix('#') {
                    let target = openapi.pointer(pointer).unwrap_or_else(|| panic!("{r}"));
                    return inline(target, dir, openapi);
                }
                let file = match r.strip_prefix(RAW_BASE) {
                    Some(rel) => standards().join("schema").join(rel),
                    None => dir.join(r),
                };
                let parent = file.parent().unwrap().to_path_buf();
                return inline(&read_json(&file), &parent, openapi);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(v, dir, openapi)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| inline(v, dir, openapi)).collect()),
        other => other.clone(),
    }
}

/// The schema the profile's API document gives for a 200 answer to `GET path`.
fn response_schema(openapi: &Value, path: &str) -> Value {
    let schema =
        &openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{path} has no schema");
    inline(schema, &standards().join("schema"), openapi)
}

/// The errors of `instance` against `schema` (JSON Schema 2020-12, formats asserted: uuid,
/// email, uri, date-time).
fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Validates `instance` against `schema`, listing every error.
fn validate(schema: &Value, instance: &Value, what: &str) {
    let errors = errors(schema, instance);
    assert!(
        errors.is_empty(),
        "{what}:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

const PAGE_FIELDS: [&str; 8] = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
];

const MENTAL: &str = "11111111-1111-4111-8111-111111111111";
const TAXONOMY: &str = "33333333-3333-4333-8333-333333333333";

/// A service of our own, placed at (lat, lon), with the term `MENTAL` when `mental`.
fn service(n: u32, name: &str, at: (f64, f64), mental: bool) -> Value {
    let mut s = json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": name,
        "description": format!("{name}: support for people in Leicester, Leicestershire and Rutland"),
        "status": "active",
        "email": "help@example.org",
        "url": "https://example.org/help",
        "assured_date": "2026-09-01",
        "last_modified": "2026-09-01T10:00:00Z",
        "organization": {
            "id": "00000000-0000-4000-c000-000000000001",
            "name": "LLR Voluntary Action",
            "description": "Umbrella body"
        },
        "service_at_locations": [{
            "id": format!("00000000-0000-4000-9000-{n:012}"),
            "location": {
                "id": format!("00000000-0000-4000-a000-{n:012}"),
                "location_type": "physical",
                "name": format!("{name} centre"),
                "latitude": at.0,
                "longitude": at.1,
                "addresses": [{
                    "id": format!("00000000-0000-4000-d000-{n:012}"),
                    "address_1": "1 High Street", "city": "Leicester", "state_province": "Leicestershire",
                    "postal_code": "LE1 1AA", "country": "GB", "address_type": "physical"
                }],
                "accessibility": [{"id": format!("00000000-0000-4000-e000-{n:012}"), "description": "Step-free access"}]
            }
        }],
        "schedules": [{"id": format!("00000000-0000-4000-f000-{n:012}"), "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}],
        "languages": [{"id": format!("00000000-0000-4000-8100-{n:012}")}],
        "contacts": [{"id": format!("00000000-0000-4000-8200-{n:012}"), "name": "Reception"}]
    });
    if mental {
        s["attributes"] = json!([{
            "id": format!("00000000-0000-4000-8300-{n:012}"),
            "taxonomy_term": {"id": MENTAL, "name": "Mental health", "description": "Mental health support", "taxonomy_id": TAXONOMY}
        }]);
    }
    s
}

/// The profile's examples and five services of our own, in the app's store.
async fn directory_app() -> App {
    // A private workspace: the directory must be readable anyway.
    let app = App::new(false).await;
    let mut records: Vec<Record> = Vec::new();
    let mut add = |text: &str| {
        for item in read_document(text, None).unwrap() {
            records.extend(item.outcome.unwrap().records);
        }
    };
    for file in [
        "service_full.json",
        "taxonomy.json",
        "taxonomy_term_list.json",
    ] {
        add(&std::fs::read_to_string(standards().join("examples").join(file)).unwrap());
    }
    let taxonomy =
        json!({"id": TAXONOMY, "name": "LLR needs", "description": "Needs", "version": "1"});
    let ours = json!([
        taxonomy,
        service(1, "Leicester Talking Therapies", (52.6365, -1.1341), true),
        service(2, "Loughborough Food Bank", (52.7721, -1.2062), false),
        service(3, "Coalville Men's Shed", (52.7225, -1.3700), true),
        service(4, "Nottingham Mind", (52.9534, -1.1496), true),
        service(5, "Oakham Carers' Café", (52.6703, -0.7273), false),
    ]);
    add(&ours.to_string());
    app.store
        .directory_save(&Actor::System, &records)
        .await
        .unwrap();
    app
}

async fn get_json(app: &App, path: &str) -> Value {
    let r = app.get(path, &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    assert_eq!(
        r.header(axum::http::header::CONTENT_TYPE),
        Some("application/json"),
        "{path}"
    );
    r.json()
}

#[tokio::test]
async fn every_endpoint_answers_in_the_official_schemas() {
    let app = directory_app().await;
    let openapi = read_json(&standards().join("schema/openapi.json"));

    // Every path of the profile's API is answered here, and nothing else but its document.
    let documented: std::collections::BTreeSet<&str> = openapi["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let ours: std::collections::BTreeSet<&str> = equalis_web::ORUK_ROUTES
        .into_iter()
        .filter(|p| *p != "/openapi.json")
        .collect();
    assert_eq!(documented, ours);

    // The oracle refuses what it should: a status outside the vocabulary, an id that is not
    // a UUID, a page item without its name, a page whose `contents` is not an array.
    let one = response_schema(&openapi, "/services/{id}");
    let bad = errors(&one, &json!({"id": "x", "name": "n", "status": "open"}));
    assert_eq!(bad.len(), 2, "{bad:?}");
    let list = response_schema(&openapi, "/services");
    assert!(!errors(&list, &json!({"contents": [{"id": "00000000-0000-4000-8000-000000000001", "status": "active"}]})).is_empty());
    assert!(!errors(&list, &json!({"total_items": "6", "contents": {}})).is_empty());

    let example_service = "ac148810-d857-441c-9679-408f346de14b";
    let cases: Vec<(&str, String)> = vec![
        ("/", "/directory/api/".into()),
        ("/", "/directory/api".into()),
        ("/services", "/directory/api/services".into()),
        ("/services", "/directory/api/services?per_page=2&page=2".into()),
        ("/services", "/directory/api/services?search=support&taxonomy_term_id=11111111-1111-4111-8111-111111111111".into()),
        ("/services", "/directory/api/services?lat=52.6365&long=-1.1341&proximity=20000".into()),
        ("/services", "/directory/api/services?search=nothing-matches-this".into()),
        ("/services/{id}", format!("/directory/api/services/{example_service}")),
        ("/services/{id}", "/directory/api/services/00000000-0000-4000-8000-000000000001".into()),
        ("/service_at_locations", "/directory/api/service_at_locations".into()),
        ("/service_at_locations", "/directory/api/service_at_locations?lat=52.6365&long=-1.1341&proximity=20000&per_page=1".into()),
        ("/services", "/directory/api/services?postcode=LE1%201AA&proximity=20000".into()),
        ("/service_at_locations", "/directory/api/service_at_locations?postcode=le11aa&proximity=30000&per_page=2&page=2".into()),
        ("/taxonomies", "/directory/api/taxonomies".into()),
        ("/taxonomies/{id}", format!("/directory/api/taxonomies/{TAXONOMY}")),
        ("/taxonomies/{id}", "/directory/api/taxonomies/5c4d79d7-cc55-470e-9f1f-8cad074e4892".into()),
        ("/taxonomy_terms", "/directory/api/taxonomy_terms".into()),
        ("/taxonomy_terms", format!("/directory/api/taxonomy_terms?taxonomy_id={TAXONOMY}")),
        ("/taxonomy_terms/{id}", format!("/directory/api/taxonomy_terms/{MENTAL}")),
    ];
    for (path, url) in &cases {
        let body = get_json(&app, url).await;
        validate(&response_schema(&openapi, path), &body, url);
        if openapi["paths"][*path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["allOf"]
            .is_array()
        {
            for field in PAGE_FIELDS {
                assert!(body.get(field).is_some(), "{url}: no `{field}`");
            }
        }
    }

    // The API document names compiled/service.json for /service_at_locations/{id}, but the
    // profile's own example of that answer (examples/service_at_location_full.json) is a
    // service_at_location with its service and location: the shape of
    // compiled/service_at_location.json, which this answer follows and is validated against
    // (the example is too, to show the schema is the right one).
    let sal_schema = inline(
        &read_json(&standards().join("schema/compiled/service_at_location.json")),
        &standards().join("schema/compiled"),
        &openapi,
    );
    validate(
        &sal_schema,
        &read_json(&standards().join("examples/service_at_location_full.json")),
        "the profile's example",
    );
    for id in [
        "e94c9f38-1e8f-4564-91d4-d53501ab1765",
        "00000000-0000-4000-9000-000000000003",
    ] {
        let url = format!("/directory/api/service_at_locations/{id}");
        validate(&sal_schema, &get_json(&app, &url).await, &url);
    }

    // The API document itself is served, unchanged.
    let doc = get_json(&app, "/directory/api/openapi.json").await;
    assert_eq!(doc, openapi);
    let root = get_json(&app, "/directory/api/").await;
    assert_eq!(root["version"], "3.0");
    assert_eq!(
        root["openapi_url"],
        "http://localhost/directory/api/openapi.json"
    );
}

fn names(body: &Value) -> Vec<&str> {
    body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn filters_paging_and_proximity() {
    let app = directory_app().await;
    let all = get_json(&app, "/directory/api/services").await;
    assert_eq!(all["total_items"], 6);
    assert_eq!(all["total_pages"], 1);
    // One-to-one fields only in a list.
    assert!(all["contents"][0].get("service_at_locations").is_none());

    // Pages partition the list.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let p = get_json(
            &app,
            &format!("/directory/api/services?per_page=2&page={page}"),
        )
        .await;
        assert_eq!(p["total_pages"], 3);
        assert_eq!(p["page_number"], page);
        assert_eq!(p["first_page"], page == 1);
        assert_eq!(p["last_page"], page == 3);
        paged.extend(names(&p).into_iter().map(str::to_owned));
    }
    assert_eq!(paged, names(&all));
    let beyond = get_json(&app, "/directory/api/services?per_page=2&page=9").await;
    assert_eq!(beyond["empty"], true);
    assert_eq!(beyond["size"], 0);

    let p = get_json(
        &app,
        &format!("/directory/api/services?taxonomy_term_id={MENTAL}&search=LEICESTER"),
    )
    .await;
    assert_eq!(
        names(&p),
        [
            "Coalville Men's Shed",
            "Leicester Talking Therapies",
            "Nottingham Mind"
        ]
    );

    // Within 20 km of Leicester's clock tower, nearest first: Leicester (0 km), Loughborough
    // (15.84 km), Coalville (18.56 km); Oakham is 27.70 km and Nottingham 35.25 km away.
    let p = get_json(
        &app,
        "/directory/api/services?lat=52.6365&long=-1.1341&proximity=20000",
    )
    .await;
    assert_eq!(
        names(&p),
        [
            "Leicester Talking Therapies",
            "Loughborough Food Bank",
            "Coalville Men's Shed"
        ]
    );
    let clock_tower = Point::new(52.6365, -1.1341).unwrap();
    let oakham = clock_tower.distance_m(Point::new(52.6703, -0.7273).unwrap());
    assert!((oakham - 27_696.8).abs() < 1.0, "{oakham}");
    let p = get_json(
        &app,
        "/directory/api/services?lat=52.6365&long=-1.1341&proximity=30000",
    )
    .await;
    assert_eq!(p["total_items"], 4);

    let sal = get_json(
        &app,
        "/directory/api/service_at_locations?lat=52.6365&long=-1.1341&proximity=20000",
    )
    .await;
    let services: Vec<&str> = sal["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        [
            "Leicester Talking Therapies",
            "Loughborough Food Bank",
            "Coalville Men's Shed"
        ]
    );

    let terms = get_json(&app, &format!("/directory/api/taxonomies/{TAXONOMY}")).await;
    assert_eq!(terms["taxonomy_terms"][0]["id"], MENTAL);
}

/// `postcode` and `proximity` as the profile's API document defines them: services within
/// `proximity` metres of the postcode's centroid, nearest first, checked against distances
/// computed by hand from LE1 1AA's point in the ONS Postcode Lookup (52.63212, −1.12498).
#[tokio::test]
async fn proximity_by_postcode_is_nearest_first_from_its_centroid() {
    use crate::directory_search::haversine;
    let app = directory_app().await;
    let le1 = (52.63212, -1.12498);
    let by_hand = [
        ("Leicester Talking Therapies", (52.6365, -1.1341), 784.9),
        ("Loughborough Food Bank", (52.7721, -1.2062), 16_499.1),
        ("Coalville Men's Shed", (52.7225, -1.3700), 19_335.6),
        ("Oakham Carers' Café", (52.6703, -0.7273), 27_160.6),
        ("Nottingham Mind", (52.9534, -1.1496), 35_763.1),
    ];
    for (name, at, metres) in by_hand {
        let d = haversine(le1, at);
        assert!((d - metres).abs() < 0.1, "{name}: {d}");
    }
    // Every radius between two services' distances finds exactly those nearer, in order: the
    // boundaries are a metre either side of Coalville's 19,335.6 m.
    for (proximity, found) in [
        (700, 0),
        (800, 1),
        (16_500, 2),
        (19_335, 2),
        (19_336, 3),
        (30_000, 4),
        (40_000, 5),
    ] {
        for endpoint in ["services", "service_at_locations"] {
            let url = format!("/directory/api/{endpoint}?postcode=LE1+1AA&proximity={proximity}");
            let r = app.get(&url, &Who::Anonymous).await;
            assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
            assert_eq!(
                r.header(axum::http::HeaderName::from_static(
                    equalis_web::POSTCODE_ORIGIN_HEADER
                )),
                Some("LE1 1AA; precision=postcode; lat=52.63212; long=-1.12498"),
                "{url}"
            );
            let body = r.json();
            assert_eq!(body["total_items"], found, "{url}");
            let got: Vec<&str> = body["contents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    s.get("service")
                        .unwrap_or(s)
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap()
                })
                .collect();
            let want: Vec<&str> = by_hand[..found].iter().map(|(n, _, _)| *n).collect();
            assert_eq!(got, want, "{url}");
        }
    }
    // Filters combine with the postcode, and pages keep its order.
    let p = get_json(
        &app,
        &format!("/directory/api/services?postcode=LE1%201AA&proximity=40000&taxonomy_term_id={MENTAL}&per_page=2&page=2"),
    )
    .await;
    assert_eq!(p["total_items"], 3);
    assert_eq!(names(&p), ["Nottingham Mind"]);
    // Outside the areas shipped postcode by postcode, a postcode is placed at its sector's
    // centre, and the answer says so: Westminster has nothing within 10 km.
    let r = app
        .get(
            "/directory/api/services?postcode=SW1A%201AA&proximity=10000",
            &Who::Anonymous,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.header(axum::http::HeaderName::from_static(
            equalis_web::POSTCODE_ORIGIN_HEADER
        )),
        Some("SW1A 1AA; precision=postcode sector; lat=51.50549; long=-0.13954")
    );
    assert_eq!(r.json()["total_items"], 0);
    // A search by `lat` and `long` says nothing of postcodes.
    let r = app
        .get(
            "/directory/api/services?lat=52.6365&long=-1.1341",
            &Who::Anonymous,
        )
        .await;
    assert_eq!(
        r.header(axum::http::HeaderName::from_static(
            equalis_web::POSTCODE_ORIGIN_HEADER
        )),
        None
    );
}

#[tokio::test]
async fn errors_are_json_and_name_what_is_allowed() {
    let app = directory_app().await;
    for (url, status, says) in [
        ("/directory/api/services/nope", 404, "no service `nope`"),
        ("/directory/api/taxonomies/nope", 404, "no taxonomy `nope`"),
        (
            "/directory/api/taxonomy_terms/nope",
            404,
            "no taxonomy term",
        ),
        (
            "/directory/api/service_at_locations/nope",
            404,
            "no service_at_location",
        ),
        (
            "/directory/api/services?taxonomy_id=x",
            400,
            "use search, taxonomy_term_id, postcode, lat, long, proximity, page, per_page",
        ),
        // The profile defines `postcode` alone as a check of service areas, not read here.
        (
            "/directory/api/services?postcode=LE1%201AA",
            400,
            "does not read service areas: give `proximity` in metres too, such as `postcode=LE1+1AA&proximity=5000`",
        ),
        (
            "/directory/api/service_at_locations?postcode=LE1%209ZZ&proximity=5000",
            400,
            "`postcode=LE1 9ZZ`: Postcode LE1 9ZZ was not found: check it, or enter only its first part (such as LE1).",
        ),
        (
            "/directory/api/services?postcode=Leicester&proximity=5000",
            400,
            "`Leicester` is not a UK postcode",
        ),
        (
            "/directory/api/services?postcode=LE1%201AA&proximity=0",
            400,
            "more than 0",
        ),
        (
            "/directory/api/services?postcode=LE1%201AA&lat=52&long=-1&proximity=5000",
            400,
            "`postcode` or `lat` and `long`, not both",
        ),
        ("/directory/api/services?page=0", 400, "numbered from 1"),
        ("/directory/api/services?per_page=5000", 400, "1 to 1000"),
        ("/directory/api/services?page=two", 400, "whole number"),
        (
            "/directory/api/services?lat=52.6",
            400,
            "both `lat` and `long`",
        ),
        (
            "/directory/api/services?lat=100&long=1",
            400,
            "not a point on the globe",
        ),
        (
            "/directory/api/services?proximity=100",
            400,
            "needs a point: give `postcode`, or `lat` and `long`",
        ),
        (
            "/directory/api/services?lat=52&long=-1&proximity=-5",
            400,
            "more than 0",
        ),
        (
            "/directory/api/services?search=a&search=b",
            400,
            "given twice",
        ),
        (
            "/directory/api/taxonomies?search=x",
            400,
            "use page, per_page",
        ),
    ] {
        let r = app.get(url, &Who::Anonymous).await;
        assert_eq!(r.status.as_u16(), status, "{url}: {}", r.body);
        let body = r.json();
        assert_eq!(body["error"]["status"], status, "{url}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{url}: {message}");
    }
}

/// The synthetic ICS's directory (`equalis_synth::directory`, what `equalis demo` imports):
/// every service is valid against the profile's schema as it is generated and as the API
/// serves it, the import accepts every item, and a second import changes nothing.
#[tokio::test]
async fn the_synthetic_directory_validates_against_the_official_schemas() {
    use equalis_synth::directory::{SERVICES, directory};
    let dir = directory("QK1", 42, equalis_synth::dates::day(2026, 12, 1)).unwrap();
    let openapi = read_json(&standards().join("schema/openapi.json"));
    let one = response_schema(&openapi, "/services/{id}");
    for s in &dir.services {
        validate(&one, &serde_json::to_value(s).unwrap(), &s.name);
    }

    let app = App::new(false).await;
    let import = || async {
        equalis_app::directory::import(&app.store, &Actor::System, &dir.to_json(), None, true)
            .await
            .unwrap()
    };
    let report = import().await;
    assert_eq!((report.accepted(), report.rejected()), (3 + SERVICES, 0));
    assert!(report.committed);
    let again = import().await;
    let (created, updated, _) = again.changes();
    assert_eq!(
        (created, updated),
        (0, 0),
        "a second import changes nothing"
    );

    let list = get_json(&app, "/directory/api/services?per_page=50").await;
    validate(
        &response_schema(&openapi, "/services"),
        &list,
        "synthetic list",
    );
    assert_eq!(list["total_items"], json!(SERVICES));
    for s in dir.services.iter().step_by(40) {
        let url = format!("/directory/api/services/{}", s.id);
        validate(&one, &get_json(&app, &url).await, &url);
    }
}

//! The directory's public search pages (`/directory`, `/directory/services/{id}`): search by
//! postcode and distance (nearest first, checked against a hand computation), by need,
//! language and accessibility together (checked against the synthetic directory's own
//! records), paging, field-level errors that keep what was typed, and the service page.

use axum::http::StatusCode;
use equalis_directory::language_term_id;
use equalis_directory::terms::accessibility_term_id;
use equalis_directory::{Record, read_document};
use equalis_store::Actor;
use serde_json::{Value, json};

use crate::fixture::{App, Who};

const NEED: &str = "11111111-1111-4111-8111-111111111111";
const TAXONOMY: &str = "33333333-3333-4333-8333-333333333333";

/// A service of our own at (lat, lon), with the need `NEED`, in English and Polish.
fn service(n: u32, name: &str, at: (f64, f64)) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": name,
        "description": format!("{name} for people in Leicester, Leicestershire and Rutland"),
        "status": "active",
        "assured_date": "2026-09-01",
        "organization": {"id": "00000000-0000-4000-c000-000000000001", "name": "LLR Voluntary Action", "description": "Umbrella body"},
        "service_at_locations": [{
            "id": format!("00000000-0000-4000-9000-{n:012}"),
            "location": {
                "id": format!("00000000-0000-4000-a000-{n:012}"),
                "location_type": "physical",
                "name": format!("{name} centre"),
                "latitude": at.0,
                "longitude": at.1,
                "addresses": [{"id": format!("00000000-0000-4000-d000-{n:012}"), "address_1": "1 High Street", "city": "Leicester", "state_province": "Leicestershire", "postal_code": "LE1 1AA", "country": "GB", "address_type": "physical"}]
            }
        }],
        "attributes": [
            {"id": format!("00000000-0000-4000-8300-{n:012}"), "taxonomy_term": {"id": NEED, "name": "Mental health", "description": "Support", "taxonomy_id": TAXONOMY}},
            {"id": format!("00000000-0000-4000-8400-{n:012}"), "taxonomy_term": equalis_directory::language_term("pl").unwrap()}
        ]
    })
}

async fn save(app: &App, doc: &str) {
    let mut records: Vec<Record> = Vec::new();
    for item in read_document(doc, None).unwrap() {
        records.extend(item.outcome.unwrap().records);
    }
    app.store
        .directory_save(&Actor::System, &records)
        .await
        .unwrap();
}

/// Five services around Leicester, in a private workspace (the pages are public anyway).
async fn five() -> App {
    let app = App::new(false).await;
    let doc = json!([
        {"id": TAXONOMY, "name": "LLR needs", "description": "Needs", "version": "1"},
        service(1, "Leicester Talking Therapies", (52.6365, -1.1341)),
        service(2, "Loughborough Food Bank", (52.7721, -1.2062)),
        service(3, "Coalville Men's Shed", (52.7225, -1.3700)),
        service(4, "Nottingham Mind", (52.9534, -1.1496)),
        service(5, "Oakham Carers' Café", (52.6703, -0.7273)),
    ]);
    save(&app, &doc.to_string()).await;
    app
}

/// The synthetic ICS's directory, imported as `equalis demo` imports it.
async fn synthetic() -> (App, equalis_synth::directory::Directory) {
    let app = App::new(false).await;
    // Reviewed as of the store's clock, so that freshness on the pages is as generated.
    let now = jiff::tz::TimeZone::UTC.to_datetime(app.store.config().clock.now());
    let day =
        equalis_synth::dates::day(i32::from(now.year()), now.month() as u32, now.day() as u32);
    let dir = equalis_synth::directory::directory("QK1", 42, day).unwrap();
    equalis_app::directory::import(&app.store, &Actor::System, &dir.to_json(), None, true)
        .await
        .unwrap();
    (app, dir)
}

/// The names of the results, in order.
fn result_names(body: &str) -> Vec<String> {
    body.split("<a href=\"/directory/services/")
        .skip(1)
        .map(|s| {
            let s = s.split_once("\">").unwrap().1;
            s.split_once("</a>").unwrap().0.replace("&#39;", "'")
        })
        .collect()
}

/// Haversine distance in metres on the sphere of the mean Earth radius (IUGG, 6,371,008.8 m),
/// written out here by hand rather than taken from equalis-directory.
pub(crate) fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

#[tokio::test]
async fn search_by_postcode_is_nearest_first_with_miles_and_kilometres() {
    let app = five().await;
    let r = app
        .get("/directory?postcode=le1+1aa&miles=25", &Who::Anonymous)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // LE1 1AA is at 52.63212, -1.12498 (ONS Postcode Lookup). By hand: Talking Therapies
    // 0.78 km, Loughborough 16.50 km, Coalville 19.34 km, Oakham 27.16 km, Nottingham
    // 35.76 km.
    let le1 = (52.63212, -1.12498);
    let places = [
        ("Leicester Talking Therapies", (52.6365, -1.1341), 784.9),
        ("Loughborough Food Bank", (52.7721, -1.2062), 16_499.1),
        ("Coalville Men's Shed", (52.7225, -1.3700), 19_335.6),
        ("Oakham Carers' Café", (52.6703, -0.7273), 27_160.6),
        ("Nottingham Mind", (52.9534, -1.1496), 35_763.1),
    ];
    assert_eq!(
        result_names(&r.body),
        places.map(|(n, _, _)| n.to_string()).to_vec()
    );
    for (name, at, metres) in places {
        let d = haversine(le1, at);
        assert!((d - metres).abs() < 0.1, "{name}: {d}");
        let label = format!("{:.1} miles ({:.1} km)", d / 1_609.344, d / 1000.0);
        assert!(r.body.contains(&label), "{name}: no `{label}`");
    }
    assert!(r.body.contains("0.5 miles (0.8 km)"));
    assert!(r.body.contains("5 services found"));
    assert!(r.body.contains("within 25 miles of LE1 1AA"));
    // Within 10 miles: only Leicester; the distance chosen is kept in the form.
    let r = app
        .get("/directory?postcode=LE1+1AA&miles=10", &Who::Anonymous)
        .await;
    assert_eq!(result_names(&r.body), ["Leicester Talking Therapies"]);
    assert!(r.body.contains("<option value=\"10\" selected>"));
    // A district is searched from its centre, and says so.
    let r = app
        .get("/directory?postcode=LE11&miles=2", &Who::Anonymous)
        .await;
    assert_eq!(result_names(&r.body), ["Loughborough Food Bank"]);
    assert!(r.body.contains("the centre of postcode district LE11"));
}

#[tokio::test]
async fn a_postcode_not_found_is_a_field_error_that_keeps_what_was_typed() {
    let app = five().await;
    for (typed, shown, message) in [
        (
            "LE1+9ZZ",
            "LE1 9ZZ",
            "Postcode LE1 9ZZ was not found: check it, or enter only its first part (such as LE1)",
        ),
        (
            "Leicester",
            "Leicester",
            "`Leicester` is not a UK postcode: enter a full postcode such as LE1 1AA, or the first part such as LE1",
        ),
    ] {
        let r = app
            .get(
                &format!("/directory?postcode={typed}&q=food"),
                &Who::Anonymous,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{typed}");
        assert!(r.body.contains("nhsuk-error-summary"), "{typed}");
        assert!(
            r.body
                .contains(&format!("<a href=\"#postcode\">{message}</a>")),
            "{typed}: {}",
            r.body
        );
        assert!(r.body.contains("nhsuk-form-group nhsuk-form-group--error"));
        assert!(r.body.contains(&format!("value=\"{shown}\"")), "{typed}");
        assert!(
            r.body.contains("value=\"food\""),
            "the words typed are kept"
        );
        assert!(result_names(&r.body).is_empty(), "nothing is searched");
    }
    // A distance the form does not offer.
    let r = app
        .get("/directory?postcode=LE1+1AA&miles=7", &Who::Anonymous)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<a href=\"#miles\">Choose a distance of"));
    assert!(result_names(&r.body).is_empty());
    // A page that is not a number.
    let r = app.get("/directory?q=x&page=0", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn need_language_and_accessibility_filter_together_and_page() {
    let (app, dir) = synthetic().await;
    // The form offers the needs, the languages and the accessibility features.
    let r = app.get("/directory", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(">Food and essentials</option>"));
    assert!(r.body.contains(">Gujarati</option>"));
    assert!(r.body.contains(">Step-free access</label>"));
    assert!(
        result_names(&r.body).is_empty(),
        "a blank form lists nothing"
    );

    let needs = equalis_synth::directory::needs_taxonomy();
    let food = &needs.taxonomy_terms[2];
    assert_eq!(food.name, "Food and essentials");
    let gujarati = language_term_id("gu").unwrap();
    let step_free = accessibility_term_id("step-free").unwrap();
    let expected: Vec<&str> = {
        let mut v: Vec<&str> = dir
            .services
            .iter()
            .filter(|s| {
                let t = s.taxonomy_term_ids();
                [food.id.as_str(), &gujarati, &step_free]
                    .iter()
                    .all(|x| t.contains(x))
            })
            .map(|s| s.name.as_str())
            .collect();
        v.sort();
        v
    };
    assert!(!expected.is_empty());
    let url = format!(
        "/directory?need={}&language={gujarati}&access={step_free}",
        food.id
    );
    let r = app.get(&url, &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(result_names(&r.body), expected);
    assert!(r.body.contains(&format!("value=\"{step_free}\" checked")));

    // Paging: every service with English, 20 a page, by name; page 2 follows page 1.
    let english = language_term_id("en").unwrap();
    let mut all: Vec<&str> = dir.services.iter().map(|s| s.name.as_str()).collect();
    all.sort();
    let r = app
        .get(&format!("/directory?language={english}"), &Who::Anonymous)
        .await;
    assert!(
        r.body
            .contains(&format!("{} services found", dir.services.len()))
    );
    assert_eq!(result_names(&r.body), all[..20]);
    let next = format!("/directory?language={english}&amp;page=2");
    assert!(
        r.body.contains(&format!("href=\"{next}\"")),
        "no link to page 2"
    );
    let r = app.get(&next.replace("&amp;", "&"), &Who::Anonymous).await;
    assert_eq!(result_names(&r.body), all[20..40]);
    assert!(r.body.contains("Showing 21 to 40, page 2 of 16"));
}

#[tokio::test]
async fn a_service_page_shows_contacts_places_times_languages_and_review() {
    let (app, dir) = synthetic().await;
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(app.store.config().clock.now())
        .date();
    let stale = dir
        .services
        .iter()
        .find(|s| equalis_directory::freshness(s, today).is_stale() && s.assured_date.is_some())
        .unwrap();
    let fresh = dir
        .services
        .iter()
        .find(|s| {
            !equalis_directory::freshness(s, today).is_stale()
                && s.service_at_locations[0]
                    .location
                    .as_ref()
                    .is_some_and(|l| !l.accessibility.is_empty())
        })
        .unwrap();
    let r = app
        .get(
            &format!("/directory/services/{}", fresh.id),
            &Who::Anonymous,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let l = fresh.service_at_locations[0].location.as_ref().unwrap();
    let a = &l.addresses[0];
    for part in [
        fresh.name.replace('\'', "&#39;"),
        "Service coordinator".into(),
        fresh.schedules[0].description.clone().unwrap(),
        a.postal_code.clone(),
        a.address_1.clone(),
        l.accessibility[0].description.clone().unwrap(),
        "English".into(),
        fresh.assured_date.clone().unwrap(),
    ] {
        assert!(r.body.contains(&part), "no `{part}` on the page");
    }
    assert!(!r.body.contains("Check before you go"));
    let r = app
        .get(
            &format!("/directory/services/{}", stale.id),
            &Who::Anonymous,
        )
        .await;
    assert!(r.body.contains("Check before you go"));
    assert!(r.body.contains(&format!(
        "last reviewed on {}",
        stale.assured_date.as_deref().unwrap()
    )));
    let r = app
        .get(
            "/directory/services/00000000-0000-4000-8000-999999999999",
            &Who::Anonymous,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

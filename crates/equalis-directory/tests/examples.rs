//! The profile's own examples (`standards/oruk-3.0/examples/`) read, round-trip and import.

use std::path::PathBuf;

use equalis_directory::{
    Kind, Organization, Record, Service, Severity, Taxonomy, TaxonomyTerm, read_document,
};
use serde_json::Value;

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../standards/oruk-3.0/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Numbers as f64, so that `12` and `12.0` compare equal (the model keeps ORUK's `number`s as
/// f64; the value is the same).
fn normalise(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(a) => Value::Array(a.into_iter().map(normalise).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalise(v))).collect()),
        other => other,
    }
}

fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) {
    let t: T = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        normalise(serde_json::to_value(&t).unwrap()),
        normalise(v.clone())
    );
}

#[test]
fn every_record_of_the_examples_round_trips_unchanged() {
    let service: Value = serde_json::from_str(&example("service_full.json")).unwrap();
    round_trips::<Service>(&service);
    let list: Value = serde_json::from_str(&example("service_list.json")).unwrap();
    for s in list["contents"].as_array().unwrap() {
        round_trips::<Service>(s);
    }
    let taxonomy: Value = serde_json::from_str(&example("taxonomy.json")).unwrap();
    round_trips::<Taxonomy>(&taxonomy);
    let term: Value = serde_json::from_str(&example("taxonomy_term.json")).unwrap();
    round_trips::<TaxonomyTerm>(&term);
    let orgs: Value = serde_json::from_str(&example("organization_list.json")).unwrap();
    for o in orgs["contents"].as_array().unwrap() {
        round_trips::<Organization>(o);
    }
}

#[test]
fn every_example_imports() {
    let cases: &[(&str, usize, &[&str])] = &[
        ("service_full.json", 1, &["service"]),
        ("service_list.json", 1, &["service"]),
        ("service_at_location_full.json", 1, &["service"]),
        ("service_at_location_list.json", 1, &["service"]),
        ("organization_full.json", 1, &["organization", "service"]),
        ("organization_list.json", 1, &["organization"]),
        ("taxonomy.json", 1, &["taxonomy"]),
        ("taxonomy_list.json", 1, &["taxonomy"]),
        ("taxonomy_term.json", 1, &["taxonomy_term"]),
        ("taxonomy_term_list.json", 1, &["taxonomy_term"]),
    ];
    for (file, items, kinds) in cases {
        let read = read_document(&example(file), None).unwrap();
        assert_eq!(read.len(), *items, "{file}");
        for item in &read {
            let accepted = item
                .outcome
                .as_ref()
                .unwrap_or_else(|p| panic!("{file}: {p:?}"));
            let got: Vec<&str> = accepted.records.iter().map(Record::kind).collect();
            assert_eq!(&got, kinds, "{file}");
        }
    }
}

/// The examples place their location at latitude 100 (longitude 101 is on the globe): kept as given, with a
/// warning that proximity search leaves it out.
#[test]
fn the_examples_off_the_globe_location_is_a_warning() {
    let read = read_document(&example("service_full.json"), None).unwrap();
    let accepted = read[0].outcome.as_ref().unwrap();
    let fields: Vec<&str> = accepted.warnings.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["service_at_locations[0].location.latitude"]);
    assert!(
        accepted
            .warnings
            .iter()
            .all(|p| p.severity == Severity::Warning)
    );
    let Record::Service(s) = &accepted.records[0] else {
        panic!()
    };
    assert_eq!(
        s.service_at_locations[0]
            .location
            .as_ref()
            .unwrap()
            .latitude,
        Some(100.0)
    );
    assert!(s.points().is_empty());
}

#[test]
fn a_service_at_location_imports_as_its_service_with_the_location() {
    let read = read_document(&example("service_at_location_full.json"), None).unwrap();
    let Record::Service(s) = &read[0].outcome.as_ref().unwrap().records[0] else {
        panic!()
    };
    assert_eq!(s.id, "ac148810-d857-441c-9679-408f346de14b");
    assert_eq!(s.service_at_locations.len(), 1);
    assert_eq!(
        s.service_at_locations[0].location.as_ref().unwrap().id,
        "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    );
}

#[test]
fn each_bad_field_is_named_with_its_reason() {
    let doc = serde_json::json!([
        // 1: fine.
        {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "A", "status": "active"},
        // 2: a status outside the vocabulary.
        {"id": "ac148810-d857-441c-9679-408f346de14c", "name": "B", "status": "open"},
        // 3: missing name.
        {"id": "ac148810-d857-441c-9679-408f346de14d", "status": "active"},
        // 4: several rule failures at once.
        {"id": "not-a-uuid", "name": " ", "status": "active", "email": "nobody",
         "minimum_age": 70, "maximum_age": 18, "assured_date": "31/12/2025",
         "service_at_locations": [{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical",
                         "latitude": "52.6"}}]},
        // 5: not an object.
        42,
        // 6: nothing tells what it is.
        {"id": "ac148810-d857-441c-9679-408f346de14e", "name": "C", "description": "D"},
    ]);
    let read = read_document(&doc.to_string(), None).unwrap();
    assert_eq!(read.len(), 6);
    assert!(read[0].outcome.is_ok());
    let reasons = |i: usize| -> Vec<String> {
        read[i]
            .outcome
            .as_ref()
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(reasons(1).len(), 1);
    assert!(
        reasons(1)[0].starts_with("status: unknown variant `open`"),
        "{:?}",
        reasons(1)
    );
    assert!(
        reasons(2)[0].contains("missing field `name`"),
        "{:?}",
        reasons(2)
    );
    // A type error stops deserialising: the field is named, with its path into the nesting.
    assert!(
        reasons(3)[0].starts_with("service_at_locations[0].location.latitude: invalid type"),
        "{:?}",
        reasons(3)
    );
    let mut fixed = doc[3].clone();
    fixed["service_at_locations"][0]["location"]["latitude"] = serde_json::json!(52.6);
    let read4 = read_document(&fixed.to_string(), Some(Kind::Service)).unwrap();
    let fields: Vec<String> = read4[0]
        .outcome
        .as_ref()
        .unwrap_err()
        .iter()
        .map(|p| format!("{}|{:?}", p.field, p.severity))
        .collect();
    assert_eq!(
        fields,
        [
            "id|Error",
            "name|Error",
            "email|Error",
            "assured_date|Error",
            "minimum_age|Error",
            "service_at_locations[0].location|Warning",
        ]
    );
    assert_eq!(reasons(4), ["is not a JSON object"]);
    assert!(reasons(5)[0].contains("--kind"));
}

#[test]
fn documents_that_are_not_records_are_refused_whole() {
    assert!(read_document("{", None).is_err());
    assert!(read_document("\"a service\"", None).is_err());
    assert!(read_document("[]", None).unwrap().is_empty());
}

//! The directory of services in the store, on SQLite and on a real PostgreSQL (see
//! `equalis_store::testing`): saving (created, updated, unchanged, audited), reading, and
//! search by text, taxonomy term and proximity, with paging.

use equalis_directory::{Kind, Point, Record, read_document};
use equalis_store::directory::{Change, Paging, ServiceQuery, action};
use equalis_store::{Actor, Database, Store, StoreConfig, StoreError};

macro_rules! both {
    ($case:ident) => {
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                super::$case(equalis_store::Database::for_workspace(dir.path())).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(pg) =
                    equalis_store::testing::TestPostgres::create(stringify!($case)).await
                else {
                    return;
                };
                super::$case(pg.database()).await;
                drop(pg);
            }
        }
    };
}

fn editor() -> Actor {
    Actor::User("editor@example.nhs.uk".into())
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../standards/oruk-3.0/examples")
            .join(name),
    )
    .unwrap()
}

fn records(text: &str, kind: Option<Kind>) -> Vec<Record> {
    read_document(text, kind)
        .unwrap()
        .into_iter()
        .flat_map(|i| i.outcome.unwrap().records)
        .collect()
}

/// A service with a location at (lat, lon), a term, and a review date.
fn service(n: u32, name: &str, description: &str, at: (f64, f64), term: &str) -> Record {
    let doc = serde_json::json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": name,
        "description": description,
        "status": "active",
        "assured_date": "2026-06-01",
        "service_at_locations": [{
            "id": format!("00000000-0000-4000-9000-{n:012}"),
            "location": {
                "id": format!("00000000-0000-4000-a000-{n:012}"),
                "location_type": "physical",
                "latitude": at.0,
                "longitude": at.1
            }
        }],
        "attributes": [{
            "id": format!("00000000-0000-4000-b000-{n:012}"),
            "taxonomy_term": {"id": term, "name": term, "description": "need"}
        }]
    });
    records(&doc.to_string(), None).remove(0)
}

const MENTAL: &str = "11111111-1111-4111-8111-111111111111";
const FOOD: &str = "22222222-2222-4222-8222-222222222222";

// Leicester clock tower, Loughborough market place, Nottingham council house, Coalville.
const LEICESTER: (f64, f64) = (52.6365, -1.1341);
const LOUGHBOROUGH: (f64, f64) = (52.7721, -1.2062);
const NOTTINGHAM: (f64, f64) = (52.9534, -1.1496);
const COALVILLE: (f64, f64) = (52.7225, -1.3700);

async fn seeded(db: &Database) -> Store {
    let store = Store::open(db, StoreConfig::default()).await.unwrap();
    store
        .directory_save(
            &editor(),
            &[
                service(
                    1,
                    "Talking Therapies Leicester",
                    "Counselling for anxiety",
                    LEICESTER,
                    MENTAL,
                ),
                service(
                    2,
                    "Loughborough Food Bank",
                    "Emergency food parcels",
                    LOUGHBOROUGH,
                    FOOD,
                ),
                service(
                    3,
                    "Nottingham Mind",
                    "Mental health support and counselling",
                    NOTTINGHAM,
                    MENTAL,
                ),
                service(4, "Coalville 50% Club", "Lunch club", COALVILLE, FOOD),
            ],
        )
        .await
        .unwrap();
    store
}

fn names(page: &equalis_store::directory::Page<equalis_store::directory::ServiceHit>) -> Vec<&str> {
    page.items.iter().map(|h| h.service.name.as_str()).collect()
}

both!(the_official_examples_save_read_back_and_save_again_unchanged);
async fn the_official_examples_save_read_back_and_save_again_unchanged(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let full = records(&example("service_full.json"), None);
    let saved = store.directory_save(&editor(), &full).await.unwrap();
    // The nested organization and term, then the service.
    let kinds: Vec<(&str, Change)> = saved.iter().map(|s| (s.kind, s.change)).collect();
    assert_eq!(
        kinds,
        [
            ("organization", Change::Created),
            ("taxonomy_term", Change::Created),
            ("service", Change::Created)
        ]
    );
    let Record::Service(expected) = &full[0] else {
        panic!()
    };
    let back = store
        .directory_service("ac148810-d857-441c-9679-408f346de14b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&back, expected.as_ref());
    assert!(store.directory_service("nope").await.unwrap().is_none());

    // The same again changes nothing and records nothing.
    let before = store.audit_entries(0, 1000).await.unwrap().len();
    let again = store.directory_save(&editor(), &full).await.unwrap();
    assert!(again.iter().all(|s| s.change == Change::Unchanged));
    assert_eq!(store.audit_entries(0, 1000).await.unwrap().len(), before);

    // A change is an update, audited with who made it.
    let mut changed = expected.as_ref().clone();
    changed.name = "Community Counselling (Tuesdays)".into();
    let saved = store
        .directory_save(&editor(), &[Record::Service(Box::new(changed))])
        .await
        .unwrap();
    assert_eq!(saved.last().unwrap().change, Change::Updated);
    let log = store.audit_entries(0, 1000).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, action::SERVICE_UPDATED);
    assert_eq!(last.subject, "service:ac148810-d857-441c-9679-408f346de14b");
    assert_eq!(last.actor, "user:editor@example.nhs.uk");
    assert!(last.detail.contains("Tuesdays"));
    assert!(store.verify_audit().await.unwrap().problem.is_none());

    // Taxonomies, terms and organizations from their own examples.
    for (file, kind) in [
        ("taxonomy_term_list.json", None),
        ("taxonomy.json", None),
        ("organization_list.json", Some(Kind::Organization)),
    ] {
        store
            .directory_save(&editor(), &records(&example(file), kind))
            .await
            .unwrap();
    }
    let taxonomies = store.directory_taxonomies(Paging::default()).await.unwrap();
    assert_eq!(taxonomies.total_items, 1);
    // Its terms are stored as terms, not inside the taxonomy, and know their taxonomy (the
    // term saved first on its own is updated with the taxonomy_id that nesting implies).
    assert!(taxonomies.items[0].taxonomy_terms.is_empty());
    let terms = store
        .directory_taxonomy_terms(None, Paging::default())
        .await
        .unwrap();
    assert_eq!(terms.total_items, 1, "{:?}", terms.items);
    let of_taxonomy = store
        .directory_taxonomy_terms(
            Some("5c4d79d7-cc55-470e-9f1f-8cad074e4892"),
            Paging::default(),
        )
        .await
        .unwrap();
    assert_eq!(of_taxonomy.total_items, 1);
    // One taxonomy holds its terms when asked for alone.
    let one = store
        .directory_taxonomy("5c4d79d7-cc55-470e-9f1f-8cad074e4892")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.taxonomy_terms.len(), 1);
    assert!(store.directory_taxonomy("nope").await.unwrap().is_none());
    let term = store
        .directory_taxonomy_term("3f7b145d-84af-42d7-8fae-eaca714b02b2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        term.taxonomy_id.as_deref(),
        Some("5c4d79d7-cc55-470e-9f1f-8cad074e4892")
    );
    let sal = store
        .directory_service_at_location("e94c9f38-1e8f-4564-91d4-d53501ab1765")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sal.service.id, "ac148810-d857-441c-9679-408f346de14b");
    assert_eq!(
        sal.service_at_location.location.unwrap().name.as_deref(),
        Some("MyCity Civic Center")
    );
    // The example's location is at latitude 100: stored, but never found by proximity.
    let near = store
        .directory_services(
            &ServiceQuery {
                near: Some((Point::new(89.9, 101.0).unwrap(), 1_000_000.0)),
                ..ServiceQuery::default()
            },
            Paging::default(),
        )
        .await
        .unwrap();
    assert_eq!(near.total_items, 0);
}

both!(search_by_text_term_and_proximity_with_paging);
async fn search_by_text_term_and_proximity_with_paging(db: Database) {
    let store = seeded(&db).await;
    let all = store
        .directory_services(&ServiceQuery::default(), Paging::default())
        .await
        .unwrap();
    assert_eq!(
        names(&all),
        [
            "Coalville 50% Club",
            "Loughborough Food Bank",
            "Nottingham Mind",
            "Talking Therapies Leicester"
        ]
    );
    // Text: every word, any case, name or description; LIKE's wildcards are literal.
    let text = |t: &str| ServiceQuery {
        text: Some(t.into()),
        ..ServiceQuery::default()
    };
    let p = store
        .directory_services(&text("COUNSELLING"), Paging::default())
        .await
        .unwrap();
    assert_eq!(
        names(&p),
        ["Nottingham Mind", "Talking Therapies Leicester"]
    );
    let p = store
        .directory_services(&text("counselling mental"), Paging::default())
        .await
        .unwrap();
    assert_eq!(names(&p), ["Nottingham Mind"]);
    let p = store
        .directory_services(&text("50%"), Paging::default())
        .await
        .unwrap();
    assert_eq!(names(&p), ["Coalville 50% Club"]);
    let p = store
        .directory_services(&text("5_%"), Paging::default())
        .await
        .unwrap();
    assert_eq!(p.total_items, 0);

    // Taxonomy term.
    let food = ServiceQuery {
        taxonomy_term_id: Some(FOOD.into()),
        ..ServiceQuery::default()
    };
    let p = store
        .directory_services(&food, Paging::default())
        .await
        .unwrap();
    assert_eq!(names(&p), ["Coalville 50% Club", "Loughborough Food Bank"]);
    // Every term of `all_terms` as well: no service here carries both food and mental
    // health, so none matches both; all_terms alone filters as the term does.
    let both = |terms: &[&str]| ServiceQuery {
        all_terms: terms.iter().map(|t| (*t).to_owned()).collect(),
        ..food.clone()
    };
    let p = store
        .directory_services(&both(&[MENTAL]), Paging::default())
        .await
        .unwrap();
    assert_eq!(p.total_items, 0);
    let p = store
        .directory_services(&both(&[FOOD]), Paging::default())
        .await
        .unwrap();
    assert_eq!(names(&p), ["Coalville 50% Club", "Loughborough Food Bank"]);
    let by_all = store
        .directory_services(
            &ServiceQuery {
                all_terms: vec![MENTAL.into()],
                ..ServiceQuery::default()
            },
            Paging::default(),
        )
        .await
        .unwrap();
    let by_term = store
        .directory_services(
            &ServiceQuery {
                taxonomy_term_id: Some(MENTAL.into()),
                ..ServiceQuery::default()
            },
            Paging::default(),
        )
        .await
        .unwrap();
    assert!(by_all.total_items >= 2);
    assert_eq!(names(&by_all), names(&by_term));

    // Proximity from Leicester: Loughborough is 15.84 km, Coalville 18.56 km, Nottingham
    // 35.25 km (haversine on R = 6,371,008.8 m; Nottingham worked by hand in
    // equalis-directory's geo tests).
    let leicester = Point::new(LEICESTER.0, LEICESTER.1).unwrap();
    let within = |km: f64| ServiceQuery {
        near: Some((leicester, km * 1000.0)),
        ..ServiceQuery::default()
    };
    let p = store
        .directory_services(&within(20.0), Paging::default())
        .await
        .unwrap();
    assert_eq!(
        names(&p),
        [
            "Talking Therapies Leicester",
            "Loughborough Food Bank",
            "Coalville 50% Club"
        ]
    );
    let d: Vec<f64> = p.items.iter().map(|h| h.distance_m.unwrap()).collect();
    let expect = |to: (f64, f64)| leicester.distance_m(Point::new(to.0, to.1).unwrap());
    assert_eq!(d, [0.0, expect(LOUGHBOROUGH), expect(COALVILLE)]);
    assert!((d[1] - 15_841.3).abs() < 1.0, "{d:?}");
    assert!((d[2] - 18_556.8).abs() < 1.0, "{d:?}");
    let p = store
        .directory_services(&within(40.0), Paging::default())
        .await
        .unwrap();
    assert_eq!(p.total_items, 4);
    // Proximity and term together.
    let p = store
        .directory_services(
            &ServiceQuery {
                taxonomy_term_id: Some(MENTAL.into()),
                ..within(40.0)
            },
            Paging::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        names(&p),
        ["Talking Therapies Leicester", "Nottingham Mind"]
    );

    // Paging, with and without proximity: pages partition the matches in order.
    for q in [ServiceQuery::default(), within(40.0)] {
        let whole = store
            .directory_services(&q, Paging::default())
            .await
            .unwrap();
        let mut paged = Vec::new();
        for page in 1..=3 {
            let p = store
                .directory_services(&q, Paging { page, per_page: 3 })
                .await
                .unwrap();
            assert_eq!(p.total_items, 4);
            paged.extend(p.items);
        }
        assert_eq!(paged, whole.items);
    }

    // Services at locations: the same filters, each with its service.
    let sal = store
        .directory_service_at_locations(
            &within(20.0),
            Paging {
                page: 1,
                per_page: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(sal.total_items, 3);
    assert_eq!(sal.items.len(), 2);
    assert_eq!(sal.items[1].service.name, "Loughborough Food Bank");
    let sal = store
        .directory_service_at_locations(&food, Paging::default())
        .await
        .unwrap();
    assert_eq!(sal.total_items, 2);
}

both!(stale_services_and_conflicts);
async fn stale_services_and_conflicts(db: Database) {
    let store = seeded(&db).await;
    let today = jiff::civil::date(2027, 6, 2);
    // Every seeded service was assured on 2026-06-01: stale a year and a day later.
    assert_eq!(
        store.directory_stale_services(today).await.unwrap().len(),
        4
    );
    assert!(
        store
            .directory_stale_services(jiff::civil::date(2027, 6, 1))
            .await
            .unwrap()
            .is_empty()
    );

    // A service_at_location already another service's is refused, and nothing is saved.
    let Record::Service(mut thief) = service(9, "Thief", "", LEICESTER, FOOD) else {
        panic!()
    };
    thief.service_at_locations[0].id = "00000000-0000-4000-9000-000000000001".into();
    let err = store
        .directory_save(&editor(), &[Record::Service(thief)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::DirectoryConflict(_)), "{err}");
    assert_eq!(err.kind(), equalis_store::ErrorKind::Conflict);
    let all = store
        .directory_services(&ServiceQuery::default(), Paging::default())
        .await
        .unwrap();
    assert_eq!(all.total_items, 4);
}

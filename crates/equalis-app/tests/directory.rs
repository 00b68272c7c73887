//! `equalis_app::directory::import`: every item of a file accounted for, the official
//! examples imported, a second import of the same file changing nothing, `strict`.

use equalis_app::directory::{import, import_file};
use equalis_directory::Kind;
use equalis_store::directory::{Paging, ServiceQuery};
use equalis_store::{Actor, Database, Store, StoreConfig};

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../standards/oruk-3.0/examples")
}

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&Database::for_workspace(dir.path()), StoreConfig::default())
        .await
        .unwrap()
}

fn actor() -> Actor {
    Actor::Command("tester".into())
}

#[tokio::test]
async fn every_official_example_imports() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let mut files: Vec<_> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    for file in &files {
        let report = import_file(&store, &actor(), file, None, true)
            .await
            .unwrap();
        assert_eq!(
            report.rejected(),
            0,
            "{}",
            report.to_text(&file.display().to_string())
        );
        assert!(report.committed);
    }
    let services = store
        .directory_services(&ServiceQuery::default(), Paging::default())
        .await
        .unwrap();
    // Every example describes the same service (and organization, taxonomy, term).
    assert_eq!(services.total_items, 1);
    assert_eq!(services.items[0].service.name, "Community Counselling");
    assert_eq!(
        store
            .directory_taxonomies(Paging::default())
            .await
            .unwrap()
            .total_items,
        1
    );
}

#[tokio::test]
async fn each_item_is_accepted_or_rejected_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let doc = serde_json::json!({"contents": [
        {"id": "00000000-0000-4000-8000-000000000001", "name": "A", "status": "active"},
        {"id": "00000000-0000-4000-8000-000000000002", "name": "B", "status": "open"},
        {"id": "00000000-0000-4000-8000-000000000001", "name": "A again", "status": "active"},
        {"id": "00000000-0000-4000-8000-000000000003", "name": "C", "status": "active",
         "email": "c at example"},
    ]})
    .to_string();

    // Strict: nothing saved.
    let report = import(&store, &actor(), &doc, None, true).await.unwrap();
    assert_eq!(
        (report.read(), report.accepted(), report.rejected()),
        (4, 1, 3)
    );
    assert!(!report.committed);
    assert!(
        store
            .directory_service("00000000-0000-4000-8000-000000000001")
            .await
            .unwrap()
            .is_none()
    );

    let report = import(&store, &actor(), &doc, Some(Kind::Service), false)
        .await
        .unwrap();
    assert!(report.committed);
    assert_eq!(report.changes(), (1, 0, 0));
    let text = report.to_text("services.json");
    assert_eq!(
        text,
        "item 2 (service) 00000000-0000-4000-8000-000000000002: rejected
  status: unknown variant `open`, expected one of `active`, `inactive`, `defunct`, `temporarily closed`
item 3 (service) 00000000-0000-4000-8000-000000000001: rejected
  id: service 00000000-0000-4000-8000-000000000001 is item 1 of this file already; each record once
item 4 (service) 00000000-0000-4000-8000-000000000003: rejected
  email: `c at example` is not an email address
services.json: read 4, accepted 1, rejected 3
saved 1 records: 1 new, 0 changed, 0 unchanged
"
    );
    // Again: nothing changes.
    let again = import(&store, &actor(), &doc, None, false).await.unwrap();
    assert_eq!(again.changes(), (0, 0, 1));

    // A file that is not JSON is an error of the caller's, and saves nothing.
    let err = import(&store, &actor(), "{\"contents\": [", None, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind, equalis_app::ErrorKind::Invalid);
    assert!(err.hint.is_some());
}

#[tokio::test]
async fn an_excel_workbook_imports_with_its_date_cells_and_rejects_written() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let path = dir.path().join("directory.xlsx");
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    let head = [
        "Organisation",
        "Service_Name",
        "languages",
        "assured_date",
        "postcode",
        "address_1",
        "town",
        "latitude",
        "longitude",
    ];
    for (c, h) in head.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(1, 0, "Leeds Mind").unwrap();
    sheet.write_string(1, 1, "Peer support").unwrap();
    sheet.write_string(1, 2, "en;so").unwrap();
    sheet
        .write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2026, 2, 28).unwrap(), &date)
        .unwrap();
    sheet.write_string(1, 4, "ls1 1lt").unwrap();
    sheet.write_string(1, 5, "Clarence House").unwrap();
    sheet.write_string(1, 6, "Leeds").unwrap();
    sheet.write_number(1, 7, 53.7965).unwrap();
    sheet.write_number(1, 8, -1.5478).unwrap();
    // Row 4 of the sheet (row 3 left blank): no service name.
    sheet.write_string(3, 0, "Leeds Mind").unwrap();
    wb.save(&path).unwrap();

    let rejects = dir.path().join("rejects");
    let report =
        equalis_app::directory::table::import_table(&store, &actor(), &path, Some(&rejects), false)
            .await
            .unwrap();
    let text = report.to_text("directory.xlsx");
    assert_eq!((report.accepted(), report.rejected()), (1, 1), "{text}");
    assert!(
        text.contains("row 4: rejected\n  service_name: must not be blank"),
        "{text}"
    );
    let body = std::fs::read_to_string(report.rejects_file.as_ref().unwrap()).unwrap();
    assert!(
        body.contains("directory.xlsx,4,service_name,,must not be blank"),
        "{body}"
    );
    let found = store
        .directory_services(
            &ServiceQuery {
                text: Some("peer support".into()),
                ..ServiceQuery::default()
            },
            Paging::default(),
        )
        .await
        .unwrap();
    let s = &found.items[0].service;
    assert_eq!(s.assured_date.as_deref(), Some("2026-02-28"));
    let l = s.service_at_locations[0].location.as_ref().unwrap();
    assert_eq!(l.addresses[0].postal_code, "LS1 1LT");
    assert_eq!((l.latitude, l.longitude), (Some(53.7965), Some(-1.5478)));
    // Somali, a language term of the ISO 639-1 taxonomy, which is saved with it.
    let so = equalis_directory::language_term("so").unwrap();
    assert!(s.taxonomy_term_ids().contains(&so.id.as_str()));
    assert_eq!(
        store
            .directory_taxonomy_term(&so.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Somali"
    );
}

//! The export of contributions through HTTP: CSV and Excel for moderators, read back (the
//! workbook with calamine); participants' emails only in an admin's export; what people typed
//! that a spreadsheet would run as a formula stays inert text; every export audited.

use axum::http::{StatusCode, header};
use calamine::{Data, Reader};
use equalis_store::Role;

use crate::engage::{Browser, start_project};
use crate::fixture::{App, Reply, email_of};

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Click\")";

fn workbook(r: &Reply) -> (Vec<String>, Vec<Vec<Data>>, usize) {
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(r.bytes.clone())).expect("a workbook");
    let range = wb.worksheet_range("Contributions").expect("the sheet");
    let mut rows = range.rows().map(<[Data]>::to_vec);
    let head = rows
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let formulas = wb
        .worksheet_formula("Contributions")
        .expect("formulas")
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .count();
    (head, rows.collect(), formulas)
}

#[tokio::test]
async fn contributions_export_as_csv_and_excel_with_emails_for_admins_only() {
    let app = App::new(false).await;
    let (p, lead) = start_project(&app, "post").await;
    // One participant by email, who posts an idea whose title is a formula.
    let mut amina = Browser::open(&app, p).await;
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/join"),
            &[
                ("how", "email"),
                ("email", "amina@example.org"),
                ("nickname", "Amina"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let name = format!("equalis-participant-{p}");
    amina.participant = Some((name.clone(), r.cookie(&name).unwrap()));
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[
                ("kind", "idea"),
                ("title", FORMULA),
                ("body", "-1+1 and evening clinics"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The EDI lead's workbook: the idea, no email column, the formula as text.
    let x = app
        .get(&format!("/engage/{p}/contributions.xlsx"), &lead)
        .await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(
        x.header(header::CONTENT_TYPE),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(
        x.header(header::CONTENT_DISPOSITION)
            .unwrap()
            .contains(&format!("engagement-{p}-contributions.xlsx"))
    );
    let (head, rows, formulas) = workbook(&x);
    assert!(!head.iter().any(|h| h == "email"), "{head:?}");
    assert_eq!(
        head[..6],
        ["id", "kind", "thread", "title", "body", "author"]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][3],
        Data::String(FORMULA.into()),
        "typed text is a string cell"
    );
    assert_eq!(rows[0][7], Data::Float(0.0), "supports are a number");
    assert_eq!(formulas, 0, "no cell is a formula");
    assert!(
        !rows
            .iter()
            .flatten()
            .any(|c| c.to_string().contains("@example.org"))
    );

    // The CSV: the formula neutralised with a leading apostrophe, and no email.
    let c = app
        .get(&format!("/engage/{p}/contributions.csv"), &lead)
        .await;
    assert_eq!(c.status, StatusCode::OK);
    let mut csv = csv::Reader::from_reader(c.body.as_bytes());
    let hdr: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert!(!hdr.iter().any(|h| h == "email"));
    let rec = csv.records().next().unwrap().unwrap();
    assert_eq!(&rec[3], format!("'{FORMULA}"));
    assert_eq!(&rec[4], "'-1+1 and evening clinics");
    assert!(!c.body.contains("@example.org"));

    // An admin's workbook has the email column.
    let admin = app.as_role(Role::Admin).await;
    let x = app
        .get(&format!("/engage/{p}/contributions.xlsx"), &admin)
        .await;
    let (head, rows, _) = workbook(&x);
    let e = head
        .iter()
        .position(|h| h == "email")
        .expect("an email column");
    assert_eq!(rows[0][e], Data::String("amina@example.org".into()));

    // Others may not export; every export is audited with its format.
    let analyst = app.as_role(Role::Analyst).await;
    let r = app
        .get(&format!("/engage/{p}/contributions.xlsx"), &analyst)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let exports: Vec<_> = app
        .store
        .latest_audit_entries(20)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "engage.contributions.exported")
        .collect();
    assert_eq!(exports.len(), 3);
    let admin_entry = exports
        .iter()
        .find(|a| a.actor == format!("user:{}", email_of(Role::Admin)))
        .unwrap();
    assert!(
        admin_entry.detail.contains("\"personal_data\":true"),
        "{}",
        admin_entry.detail
    );
    assert!(admin_entry.detail.contains("\"format\":\"xlsx\""));
    assert!(
        exports
            .iter()
            .any(|a| a.detail.contains("\"format\":\"csv\"")
                && a.detail.contains("\"personal_data\":false"))
    );
}

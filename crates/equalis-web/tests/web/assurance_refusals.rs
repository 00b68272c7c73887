//! A signed-in account refused an assurance page or form for its role gets 403 and leaves an
//! audit entry saying who, which page and why (the refusals of the decisions pages do the
//! same); an account that may, and the sign-in redirect of the public, leave none.

use axum::http::StatusCode;
use equalis_store::Role;
use equalis_store::assurance::action;

use crate::assurance::post;
use crate::fixture::{App, Who, email_of};

/// The `assurance.refused` entries: (actor, subject, detail).
async fn refusals(app: &App) -> Vec<(String, String, serde_json::Value)> {
    app.store
        .audit_entries(0, 1000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == action::ASSURANCE_REFUSED)
        .map(|e| {
            (
                e.actor,
                e.subject,
                serde_json::from_str(&e.detail).expect("json"),
            )
        })
        .collect()
}

#[tokio::test]
async fn role_refusals_on_the_assurance_pages_are_audited() {
    let app = App::new(false).await;
    let analyst = app.as_role(Role::Analyst).await;
    let viewer = app.as_role(Role::Viewer).await;
    let edi = app.as_role(Role::EdiLead).await;

    // Allowed, and the public sent to sign in: nothing recorded.
    assert_eq!(
        app.get("/objectives/new", &edi).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/objectives/new", &Who::Anonymous).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(refusals(&app).await.is_empty());

    // An analyst opening the objective form (a GET, with a query that is not recorded).
    let r = app.get("/objectives/new?title=secret", &analyst).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A viewer rating an EDS outcome and an analyst saving a narrative section (POSTs).
    let r = post(
        &app,
        &viewer,
        "/objectives",
        "/eds/2025-26",
        &[("outcome", "1A")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let section = "/annual-report/2025-26/sections/psed_statement";
    let r = post(
        &app,
        &analyst,
        "/objectives",
        section,
        &[("psed_statement", "x")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let got = refusals(&app).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let analyst_email = email_of(Role::Analyst);
    assert!(got[0].0.contains(analyst_email), "{:?}", got[0]);
    assert_eq!(got[0].1, "page:/objectives/new");
    assert_eq!(got[0].2["role"], "analyst");
    assert!(
        got[0].2["reason"]
            .as_str()
            .unwrap()
            .contains("the edi_lead and admin roles")
    );
    assert!(!got[0].2.to_string().contains("secret"));
    assert!(got[1].0.contains(email_of(Role::Viewer)));
    assert_eq!(got[1].1, "page:/eds/2025-26");
    assert!(got[1].2["reason"].as_str().unwrap().contains("reviewer"));
    assert_eq!(got[2].1, format!("page:{section}"));
    // Nothing was saved, and the log still verifies.
    assert!(
        app.store
            .report_section_history("2025/26".parse().expect("year"), "psed_statement")
            .await
            .expect("history")
            .is_empty()
    );
    assert!(
        app.store
            .verify_audit()
            .await
            .expect("verify")
            .problem
            .is_none()
    );
}

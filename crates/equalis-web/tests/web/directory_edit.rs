//! The directory editor's pages through HTTP: who may use them, adding a service with
//! field-level errors that lose nothing, changing it, marking it reviewed, withdrawing it,
//! and the list of services not reviewed in 12 months (on the store's clock) with its CSV.

use axum::http::{StatusCode, header};
use equalis_store::Role;
use equalis_store::directory::action;
use jiff::SignedDuration;

use crate::fixture::{App, Reply, Who, email_of, enc};

fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + 64].to_owned()
}

fn form(token: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = format!("csrf_token={token}");
    for (k, v) in pairs {
        out.push_str(&format!("&{}={}", enc(k), enc(v)));
    }
    out
}

fn location(reply: &Reply) -> &str {
    reply.header(header::LOCATION).unwrap_or("")
}

const GOOD: &[(&str, &str)] = &[
    ("organisation", "Northfield Mind"),
    ("service_name", "Talking therapies"),
    ("description", "Free counselling for adults"),
    ("phone", "0113 496 0000"),
    ("languages", "en; ur"),
    ("status", "active"),
    ("address_1", "Clarence House"),
    ("town", "Leeds"),
    ("postcode", "ls1 1lt"),
    ("latitude", "53.7965"),
    ("longitude", "-1.5478"),
    ("accessibility", "Step-free access"),
    ("schedule", "Monday to Friday 9am to 5pm"),
    ("assured_date", "01/02/2024"),
];

async fn post(app: &App, who: &Who, path: &str, pairs: &[(&str, &str)]) -> Reply {
    let page = app.get("/directory/edit", who).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    app.post_form(path, who, &[], &form(&csrf(&page.body), pairs))
        .await
}

/// Adds the GOOD service as `who` and returns its identifier.
async fn add(app: &App, who: &Who) -> String {
    let r = post(app, who, "/directory/edit/new", GOOD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = location(&r);
    let id = to
        .strip_prefix("/directory/edit/services/")
        .and_then(|s| s.strip_suffix("?done=saved"))
        .unwrap_or_else(|| panic!("{to}"));
    id.to_owned()
}

#[tokio::test]
async fn only_edi_leads_and_admins_edit_the_directory() {
    let app = App::new(true).await;
    for path in [
        "/directory/edit",
        "/directory/edit/new",
        "/directory/edit/stale",
        "/directory/edit/stale.csv",
    ] {
        let r = app.get(path, &Who::Anonymous).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).starts_with("/login?next="), "{path}");
        for role in [Role::Viewer, Role::Analyst, Role::Reviewer] {
            let who = app.as_role(role).await;
            let r = app.get(path, &who).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} as {role}");
            assert!(
                r.body.contains("Only the edi_lead and admin roles"),
                "{}",
                r.body
            );
        }
        for role in [Role::EdiLead, Role::Admin] {
            let who = app.as_role(role).await;
            assert_eq!(
                app.get(path, &who).await.status,
                StatusCode::OK,
                "{path} as {role}"
            );
        }
    }
    // A viewer cannot post either, even with a token of its own session.
    let edi = app.as_role(Role::EdiLead).await;
    let id = add(&app, &edi).await;
    let viewer = app.as_role(Role::Viewer).await;
    let token = csrf(&app.get("/account/tokens", &viewer).await.body);
    for path in [
        "/directory/edit/new".to_owned(),
        format!("/directory/edit/services/{id}"),
        format!("/directory/edit/services/{id}/reviewed"),
        format!("/directory/edit/services/{id}/withdraw"),
    ] {
        let r = app
            .post_form(&path, &viewer, &[], &form(&token, GOOD))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        // Without the session's CSRF token, an editor's post is refused too.
        let r = app.post_form(&path, &edi, &[], &form("forged", GOOD)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("security token"), "{}", r.body);
    }
    assert_eq!(
        app.get(
            "/directory/edit/services/00000000-0000-4000-8000-000000000000",
            &edi
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_form_with_errors_names_each_field_and_keeps_what_was_typed() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    // The good form with its name left out and four fields typed wrong.
    let replaced = ["service_name", "postcode", "languages", "latitude"];
    let mut bad: Vec<(&str, &str)> = GOOD
        .iter()
        .copied()
        .filter(|(k, _)| !replaced.contains(k))
        .collect();
    bad.extend([
        ("postcode", "LS1"),
        ("languages", "en; english"),
        ("url", "www.example.org"),
        ("latitude", "153.1"),
    ]);
    let r = post(&app, &edi, "/directory/edit/new", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let b = &r.body;
    assert!(b.contains("There is a problem"), "{b}");
    for (href, message) in [
        ("#service_name", "Service name must not be blank"),
        (
            "#postcode",
            "Postcode is not a UK postcode (such as LS1 4AP)",
        ),
        (
            "#languages",
            "Languages: `english` is not an ISO 639-1 language code",
        ),
        ("#url", "Web page is not a web address"),
        (
            "#latitude",
            "Latitude is not a number of degrees from −90 to 90",
        ),
    ] {
        assert!(
            b.contains(&format!("<a href=\"{href}\">{message}")),
            "{message}: {b}"
        );
        let id = &href[1..];
        assert!(b.contains(&format!("id=\"{id}-error\"")), "{id}");
    }
    // Everything typed is there again, the bad values included.
    for v in [
        "Free counselling for adults",
        "value=\"LS1\"",
        "value=\"www.example.org\"",
        "Step-free access",
        "value=\"153.1\"",
    ] {
        assert!(b.contains(v), "{v}");
    }
    assert_eq!(
        app.store
            .directory_services(&Default::default(), Default::default())
            .await
            .unwrap()
            .total_items,
        0,
        "nothing saved"
    );
}

#[tokio::test]
async fn add_change_review_and_withdraw_a_service_each_audited() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let id = add(&app, &edi).await;
    let s = app
        .store
        .directory_service(&id)
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(s.name, "Talking therapies");
    assert_eq!(s.assured_date.as_deref(), Some("2024-02-01"));
    let loc = s.service_at_locations[0].location.as_ref().unwrap();
    assert_eq!(loc.addresses[0].postal_code, "LS1 1LT");
    assert_eq!(s.contacts[0].phones[0].number, "0113 496 0000");

    // The form shows the service as saved.
    let page = app
        .get(&format!("/directory/edit/services/{id}?done=saved"), &edi)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for v in [
        "The service was saved.",
        "value=\"LS1 1LT\"",
        "value=\"en; ur\"",
        "value=\"2024-02-01\"",
        "Mark as reviewed today",
        "Withdraw this service",
    ] {
        assert!(page.body.contains(v), "{v}: {}", page.body);
    }

    // Its review is older than 12 months: it is on the freshness list and in its CSV.
    let stale = app.get("/directory/edit/stale", &edi).await;
    assert!(stale.body.contains("Talking therapies"), "{}", stale.body);
    assert!(stale.body.contains("1 February 2024"), "{}", stale.body);
    let csv = app.get("/directory/edit/stale.csv", &edi).await;
    assert_eq!(
        csv.header(header::CONTENT_TYPE),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        csv.body.starts_with(
            "service_id,service,organisation,status,last_reviewed,months_since_review\n"
        ),
        "{}",
        csv.body
    );
    // The store's clock is 28 May 2026: 27 whole months since 1 February 2024.
    assert!(
        csv.body.contains(&format!(
            "{id},Talking therapies,Northfield Mind,active,2024-02-01,27\n"
        )),
        "{}",
        csv.body
    );

    // Changed: a new description.
    let mut changed = GOOD.to_vec();
    changed[2] = (
        "description",
        "Counselling for adults, in person and by phone",
    );
    let r = post(
        &app,
        &edi,
        &format!("/directory/edit/services/{id}"),
        &changed,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = app.store.directory_service(&id).await.unwrap().unwrap();
    assert_eq!(
        s.description.as_deref(),
        Some("Counselling for adults, in person and by phone")
    );

    // Reviewed today (the store's clock): off the list.
    let r = post(
        &app,
        &edi,
        &format!("/directory/edit/services/{id}/reviewed"),
        &[],
    )
    .await;
    assert_eq!(
        location(&r),
        format!("/directory/edit/services/{id}?done=reviewed")
    );
    let s = app.store.directory_service(&id).await.unwrap().unwrap();
    assert_eq!(s.assured_date.as_deref(), Some("2026-05-28"));
    let stale = app.get("/directory/edit/stale", &edi).await;
    assert!(
        stale.body.contains("Every service has been reviewed"),
        "{}",
        stale.body
    );
    let list = app.get("/directory/edit", &edi).await;
    assert!(list.body.contains("28 May 2026"), "{}", list.body);
    // A year and a day later it is due again.
    app.clock.advance(SignedDuration::from_hours(24 * 366));
    // (The sessions have expired in that year: sign in again.)
    let edi = app.as_role(Role::EdiLead).await;
    let stale = app.get("/directory/edit/stale", &edi).await;
    assert!(stale.body.contains("Talking therapies"), "{}", stale.body);

    // Withdrawn by an admin: inactive, still in the directory.
    let admin = app.as_role(Role::Admin).await;
    let r = post(
        &app,
        &admin,
        &format!("/directory/edit/services/{id}/withdraw"),
        &[],
    )
    .await;
    assert_eq!(
        location(&r),
        format!("/directory/edit/services/{id}?done=withdrawn")
    );
    let s = app.store.directory_service(&id).await.unwrap().unwrap();
    assert_eq!(s.status.as_str(), "inactive");

    // Adding it again is refused at its name, not saved over it.
    let r = post(&app, &edi, "/directory/edit/new", GOOD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("is in the directory already"), "{}", r.body);

    // Every change, by whom, in the audit log.
    let entries = app.store.audit_entries(0, 1000).await.expect("audit");
    let steps: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action.starts_with("directory.service."))
        .map(|e| (e.action.clone(), e.actor.clone()))
        .collect();
    let user = |r: Role| format!("user:{}", email_of(r));
    assert_eq!(
        steps,
        [
            (action::SERVICE_CREATED.to_owned(), user(Role::EdiLead)),
            (action::SERVICE_UPDATED.to_owned(), user(Role::EdiLead)),
            (action::SERVICE_UPDATED.to_owned(), user(Role::EdiLead)),
            (action::SERVICE_UPDATED.to_owned(), user(Role::Admin)),
        ]
    );
    assert_eq!(
        app.store.verify_audit().await.expect("verify").problem,
        None
    );
}

#[tokio::test]
async fn editing_keeps_what_the_form_does_not_show() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    // The profile's example service, imported as ORUK JSON: its organisation's identifier,
    // funding and cost options are not on the form.
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../standards/oruk-3.0/examples/service_full.json"),
    )
    .unwrap();
    let report = equalis_app::directory::import(
        &app.store,
        &equalis_store::Actor::System,
        &text,
        None,
        true,
    )
    .await
    .unwrap();
    assert_eq!(report.rejected(), 0);
    let id = "ac148810-d857-441c-9679-408f346de14b";
    let before = app.store.directory_service(id).await.unwrap().unwrap();
    let page = app
        .get(&format!("/directory/edit/services/{id}"), &edi)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("value=\"Community Counselling\""),
        "{}",
        page.body
    );
    // Post back what the form shows (the layout's cells of the service), with a new name.
    let row = equalis_directory::row_of(&before);
    let pairs: Vec<(&str, &str)> = row
        .iter()
        .map(|(k, v)| {
            // The example's postcode and latitude (100) do not pass the form's rules: the
            // editor puts them right as they save.
            let v = match *k {
                "service_name" => "Community Counselling (Leeds)",
                "postcode" => "LS1 1LT",
                "latitude" => "53.7965",
                _ => v.as_str(),
            };
            (*k, v)
        })
        .collect();
    let r = post(
        &app,
        &edi,
        &format!("/directory/edit/services/{id}"),
        &pairs,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = app.store.directory_service(id).await.unwrap().unwrap();
    assert_eq!(after.name, "Community Counselling (Leeds)");
    assert_eq!(
        after.organization_ref(),
        before.organization_ref(),
        "same organisation"
    );
    assert_eq!(after.funding, before.funding);
    assert_eq!(after.cost_options, before.cost_options);
    assert_eq!(after.service_areas, before.service_areas);
}

/// The first location's coordinates as stored.
async fn point_of(app: &App, id: &str) -> (Option<f64>, Option<f64>) {
    let s = app.store.directory_service(id).await.unwrap().unwrap();
    let l = s.service_at_locations[0].location.as_ref().unwrap();
    (l.latitude, l.longitude)
}

/// A postcode typed without latitude and longitude puts the place on the map from the ONS
/// Postcode Lookup shipped with equalis (LE1 1AA at 52.63212, −1.12498; LE11 3TU at
/// 52.76484, −1.22951; SW1A 1AA, outside the LE area, at its sector's centre 51.50549,
/// −0.13954), the page says which, a changed postcode moves it, and an unknown one is the
/// postcode field's error.
#[tokio::test]
async fn a_postcode_without_coordinates_is_placed_from_the_shipped_postcodes() {
    let app = App::new(false).await;
    let edi = app.as_role(Role::EdiLead).await;
    let with = |postcode: &'static str| -> Vec<(&'static str, &'static str)> {
        GOOD.iter()
            .filter(|(k, _)| !matches!(*k, "latitude" | "longitude"))
            .map(|&(k, v)| {
                if k == "postcode" {
                    (k, postcode)
                } else {
                    (k, v)
                }
            })
            .collect()
    };
    let r = post(&app, &edi, "/directory/edit/new", &with("le1 1aa")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = location(&r).to_owned();
    let id = to
        .strip_prefix("/directory/edit/services/")
        .and_then(|s| s.strip_suffix("?done=saved"))
        .unwrap()
        .to_owned();
    assert_eq!(point_of(&app, &id).await, (Some(52.63212), Some(-1.12498)));
    let page = app.get(&to, &edi).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Placed from postcode LE1 1AA: its point in the ONS Postcode Lookup (52.63212, -1.12498)."),
        "{}",
        page.body
    );
    // The coordinates are shown blank, so that posting the form back with a new postcode
    // places it again.
    assert!(
        page.body
            .contains("name=\"latitude\" type=\"text\" value=\"\"")
    );
    assert!(
        page.body
            .contains("name=\"longitude\" type=\"text\" value=\"\"")
    );
    // The public search finds it from its postcode.
    let found = app
        .get("/directory?postcode=LE1+1AA&miles=1", &Who::Anonymous)
        .await;
    assert!(found.body.contains("1 service found"), "{}", found.body);
    assert!(found.body.contains("Talking therapies"));

    let edit = format!("/directory/edit/services/{id}");
    let r = post(&app, &edi, &edit, &with("LE11 3TU")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(point_of(&app, &id).await, (Some(52.76484), Some(-1.22951)));

    // Outside the LE area only the postcode's sector is shipped: placed at its centre, and
    // the page says so.
    let r = post(&app, &edi, &edit, &with("SW1A 1AA")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(point_of(&app, &id).await, (Some(51.50549), Some(-0.13954)));
    let page = app.get(&edit, &edi).await;
    assert!(
        page.body
            .contains("Placed at the centre of postcode sector SW1A 1 (51.50549, -0.13954)"),
        "{}",
        page.body
    );

    // Typed coordinates are kept as typed, and the page does not claim a placement.
    let mut typed = with("SW1A 1AA");
    typed.extend([("latitude", "51.501"), ("longitude", "-0.1419")]);
    let r = post(&app, &edi, &edit, &typed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(point_of(&app, &id).await, (Some(51.501), Some(-0.1419)));
    let page = app.get(&edit, &edi).await;
    assert!(!page.body.contains("Placed"), "{}", page.body);
    assert!(page.body.contains("value=\"51.501\""));

    // A postcode of the LE area that the lookup does not have: the postcode field's error,
    // what was typed kept, nothing saved.
    let r = post(&app, &edi, &edit, &with("LE1 9ZZ")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(
            "<a href=\"#postcode\">Postcode is not in the ONS Postcode Lookup shipped with equalis (May 2025), so the place cannot be put on the map: check the postcode, or give the latitude and longitude of the place"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"postcode-error\""));
    assert!(r.body.contains("value=\"LE1 9ZZ\""));
    assert_eq!(point_of(&app, &id).await, (Some(51.501), Some(-0.1419)));
}

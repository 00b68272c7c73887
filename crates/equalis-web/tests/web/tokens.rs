//! API tokens made and revoked in the browser, used on the API.

use axum::http::{StatusCode, header};
use equalis_store::Role;

use crate::fixture::{App, Who, email_of};

/// The CSRF token in a page's forms.
fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + 64].to_owned()
}

#[tokio::test]
async fn a_token_made_in_the_browser_reads_the_api_until_revoked() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Reviewer).await;
    let page = app.get("/account/tokens", &who).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("You have no API tokens."));
    let token = csrf(&page.body);
    let made = app
        .post_form(
            "/account/tokens",
            &who,
            &[],
            &format!("csrf_token={token}&name=Board+dashboard"),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let start = made
        .body
        .find("<code id=\"new-token\">")
        .expect("the secret, once")
        + 21;
    let secret = made.body[start..start + 68].to_owned();
    assert!(secret.starts_with("eqt_"), "{secret}");
    assert!(made.body.contains("Board dashboard"));
    // Shown once: the list does not show it again.
    let again = app.get("/account/tokens", &who).await;
    assert!(!again.body.contains(&secret));
    assert!(again.body.contains("Board dashboard") && again.body.contains("Never"));
    // It reads the API as its owner.
    let bearer = Who::Bearer(secret.clone());
    assert_eq!(
        app.get("/api/v1/indicators", &bearer).await.status,
        StatusCode::OK
    );
    // A token cannot manage tokens.
    assert_eq!(
        app.get("/account/tokens", &bearer).await.status,
        StatusCode::FORBIDDEN
    );
    // The audit log says who made it.
    let entries = app.store.latest_audit_entries(5).await.expect("audit");
    assert!(entries.iter().any(|e| e.action == "api_token.created"
        && e.actor == format!("user:{}", email_of(Role::Reviewer))));
    // Revoked, it stops working.
    let id = app
        .store
        .list_api_tokens(email_of(Role::Reviewer))
        .await
        .expect("tokens")[0]
        .id;
    let bad = app
        .post_form(
            &format!("/account/tokens/{id}/revoke"),
            &who,
            &[],
            "csrf_token=nope",
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &format!("/account/tokens/{id}/revoke"),
            &who,
            &[],
            &format!("csrf_token={token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), Some("/account/tokens"));
    assert_eq!(
        app.get("/api/v1/indicators", &bearer).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        app.get("/account/tokens", &who)
            .await
            .body
            .contains("Revoked")
    );
}

#[tokio::test]
async fn token_forms_need_csrf_and_a_valid_name_and_an_own_token() {
    let app = App::new(false).await;
    let who = app.as_role(Role::Viewer).await;
    let r = app.post_form("/account/tokens", &who, &[], "name=x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = csrf(&app.get("/account/tokens", &who).await.body);
    let r = app
        .post_form(
            "/account/tokens",
            &who,
            &[],
            &format!("csrf_token={token}&name="),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("name must be 1 to 100 characters"),
        "{}",
        r.body
    );
    // Someone else's token is not found for this account.
    let other = app
        .store
        .create_api_token(
            &equalis_store::Actor::System,
            email_of(Role::Admin),
            "admin's",
        )
        .await
        .expect("token");
    let r = app
        .post_form(
            &format!("/account/tokens/{}/revoke", other.token.id),
            &who,
            &[],
            &format!("csrf_token={token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        app.get(
            "/api/v1/indicators",
            &Who::Bearer(other.secret.expose().to_owned())
        )
        .await
        .status
        .is_success()
    );
    let r = app
        .post_form(
            "/account/tokens/abc/revoke",
            &who,
            &[],
            &format!("csrf_token={token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

//! Signing in and out, CSRF, session time-outs, throttling and the security headers.

use axum::http::{StatusCode, header};
use equalis_store::Role;
use jiff::SignedDuration;

use crate::fixture::{App, PASSWORD, Who, email_of};

#[tokio::test]
async fn the_login_form_sets_a_strict_http_only_csrf_cookie() {
    let app = App::new(false).await;
    let r = app.get("/login", &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK);
    let set = r.header(header::SET_COOKIE).expect("a cookie");
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    // Loopback: no `Secure`, so a browser on this machine can sign in over plain HTTP.
    assert!(!set.contains("Secure"), "{set}");
    assert!(r.body.contains("name=\"csrf_token\""));
    assert!(r.body.contains("class=\"nhsuk-header\""));
}

#[tokio::test]
async fn signing_in_opens_a_session_that_the_header_shows() {
    let app = App::new(false).await;
    let r = app.try_sign_in(email_of(Role::Analyst), PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), Some("/indicators"));
    let session = r.header(header::SET_COOKIE).expect("cookies");
    assert!(r.cookie("equalis-session").is_some(), "{session}");
    let cookie = r.cookie("equalis-session").expect("session");
    let all: Vec<&str> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let session_cookie = all
        .iter()
        .find(|c| c.starts_with("equalis-session="))
        .expect("session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"));
    let home = app.get("/", &Who::Cookie(cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Test analyst"), "{}", home.body);
    assert!(home.body.contains("Sign out"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_an_error_summary() {
    let app = App::new(false).await;
    let r = app
        .try_sign_in(email_of(Role::Viewer), "not the password at all")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("nhsuk-error-summary"));
    assert!(
        r.body
            .contains("The email address or password is not right")
    );
    assert!(r.cookie("equalis-session").is_none());
    // An unknown account is told the same.
    let r = app.try_sign_in("nobody@example.nhs.uk", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains("The email address or password is not right")
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_even_with_the_right_password() {
    let app = App::new(false).await;
    let email = email_of(Role::Viewer);
    for _ in 0..5 {
        let r = app.try_sign_in(email, "wrong wrong wrong wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app.try_sign_in(email, "wrong wrong wrong wrong").await;
    let r2 = app.try_sign_in(email, PASSWORD).await;
    assert!(
        r.status == StatusCode::TOO_MANY_REQUESTS || r2.status == StatusCode::TOO_MANY_REQUESTS,
        "{} {}",
        r.status,
        r2.status
    );
    assert_eq!(r2.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r2.body.contains("Too many attempts"));
    assert!(r2.header(header::RETRY_AFTER).is_some());
    // After the lock-out the right password works again.
    app.clock.advance(SignedDuration::from_mins(20));
    let r = app.try_sign_in(email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_login_form_without_its_csrf_token_is_refused() {
    let app = App::new(false).await;
    let email = crate::fixture::enc(email_of(Role::Viewer));
    let body = format!(
        "email={email}&password={}&csrf_token=abc",
        crate::fixture::enc(PASSWORD)
    );
    // No cookie at all.
    let r = app.post_form("/login", &Who::Anonymous, &[], &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("The form could not be accepted"));
    // A cookie that does not match the form.
    let r = app
        .post_form(
            "/login",
            &Who::Anonymous,
            &[("equalis-login", "def")],
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No token in the form.
    let body = format!("email={email}&password={}", crate::fixture::enc(PASSWORD));
    let r = app
        .post_form(
            "/login",
            &Who::Anonymous,
            &[("equalis-login", "def")],
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("equalis-session").is_none());
}

#[tokio::test]
async fn signing_out_needs_the_sessions_csrf_token() {
    let app = App::new(false).await;
    let cookie = app.sign_in(email_of(Role::Viewer)).await;
    let who = Who::Cookie(cookie.clone());
    let r = app.post_form("/logout", &who, &[], "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post_form("/logout", &who, &[], "csrf_token=0123").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Still signed in.
    assert_eq!(app.get("/indicators", &who).await.status, StatusCode::OK);
    // The token is in the page's sign-out form.
    let page = app.get("/indicators", &who).await.body;
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a sign-out form") + marker.len();
    let token = &page[start..start + 64];
    let r = app
        .post_form("/logout", &who, &[], &format!("csrf_token={token}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), Some("/login"));
    let after = app.get("/indicators", &who).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = App::new(false).await;
    let who = Who::Cookie(app.sign_in(email_of(Role::Viewer)).await);
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(app.get("/", &who).await.status, StatusCode::OK);
    // Used at 29 minutes: the idle time-out starts again from there.
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(app.get("/", &who).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(31));
    let r = app.get("/indicators", &who).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), Some("/login?next=/indicators"));
}

#[tokio::test]
async fn a_busy_session_still_ends_at_the_absolute_time_out() {
    let app = App::new(false).await;
    let who = Who::Cookie(app.sign_in(email_of(Role::Analyst)).await);
    // Used every 20 minutes for just under 12 hours.
    for _ in 0..35 {
        app.clock.advance(SignedDuration::from_mins(20));
        assert_eq!(app.get("/", &who).await.status, StatusCode::OK);
    }
    app.clock.advance(SignedDuration::from_mins(20));
    assert_eq!(app.get("/", &who).await.status, StatusCode::SEE_OTHER);
    // The API says 401 rather than redirecting.
    let r = app.get("/api/v1/indicators", &who).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = App::new(true).await;
    for path in [
        "/",
        "/login",
        "/indicators/nope",
        "/api/v1/indicators",
        "/assets/equalis.css",
    ] {
        let r = app.get(path, &Who::Anonymous).await;
        let csp = r
            .header(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            r.header(header::X_CONTENT_TYPE_OPTIONS),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            r.header(header::REFERRER_POLICY),
            Some("no-referrer"),
            "{path}"
        );
    }
    let page = app.get("/", &Who::Anonymous).await;
    assert_eq!(page.header(header::CACHE_CONTROL), Some("no-store"));
    assert!(!page.body.contains("<script>"), "no inline script");
    let css = app
        .get("/assets/nhsuk-frontend-10.6.1.min.css", &Who::Anonymous)
        .await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.header(header::CACHE_CONTROL)
            .unwrap_or_default()
            .contains("immutable")
    );
    assert!(
        css.header(header::CONTENT_TYPE)
            .unwrap_or_default()
            .starts_with("text/css")
    );
    assert_eq!(
        app.get("/favicon.ico", &Who::Anonymous).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn api_tokens_authenticate_and_wrong_ones_are_refused() {
    let app = App::new(false).await;
    let token = app
        .store
        .create_api_token(
            &equalis_store::Actor::System,
            email_of(Role::Viewer),
            "tests",
        )
        .await
        .expect("token");
    let ok = app
        .get(
            "/api/v1/indicators",
            &Who::Bearer(token.secret.expose().to_owned()),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let bad = app
        .get("/api/v1/indicators", &Who::Bearer("eqt_0000".to_owned()))
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.header(header::WWW_AUTHENTICATE).is_some());
    assert_eq!(bad.json()["error"]["status"], 401);
}

#[tokio::test]
async fn off_loopback_cookies_are_secure_and_host_prefixed() {
    let app = App::with_options(equalis_web::Options {
        public_pages: false,
        secure_cookies: true,
    })
    .await;
    let form = app.get("/login", &Who::Anonymous).await;
    let set = form.header(header::SET_COOKIE).expect("a cookie");
    assert!(
        set.starts_with("__Host-equalis-login=") && set.contains("; Secure"),
        "{set}"
    );
    let csrf = form.cookie("__Host-equalis-login").expect("token");
    let body = format!(
        "email={}&password={}&csrf_token={csrf}",
        crate::fixture::enc(email_of(Role::Viewer)),
        crate::fixture::enc(PASSWORD)
    );
    let r = app
        .post_form(
            "/login",
            &Who::Anonymous,
            &[("__Host-equalis-login", &csrf)],
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all: Vec<&str> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let session = all
        .iter()
        .find(|c| c.starts_with("__Host-equalis-session="))
        .expect("the session cookie");
    assert!(
        session.contains("; Secure")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
    );
    assert!(session.contains("Path=/") && !session.contains("Domain"));
}

//! The engagement's rate limits through HTTP (`docs/ENGAGEMENT.md`): sign-ups per client
//! address, supports and reports per participant (the public's account) whatever the address,
//! each with a 429 that says what and for how long, and each window passing.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};

use crate::engage::{Browser, form, start_project};
use crate::fixture::{App, Reply};

/// Signs up `nickname` to project `p` from the client address `ip`, as a browser there would:
/// the project page for the CSRF cookie, then the form.
async fn join_from(app: &App, p: i64, ip: &str, nickname: &str) -> Reply {
    let addr: SocketAddr = format!("{ip}:50000").parse().unwrap();
    let page = app
        .send(
            Request::get(format!("/engage/{p}"))
                .extension(ConnectInfo(addr))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.cookie("equalis-engage-csrf").expect("a CSRF cookie");
    let body = form(&[
        ("csrf_token", &csrf),
        ("how", "anonymous"),
        ("nickname", nickname),
    ]);
    app.send(
        Request::post(format!("/engage/{p}/join"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("equalis-engage-csrf={csrf}"))
            .extension(ConnectInfo(addr))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn signing_up_is_rate_limited_per_client_address() {
    let app = App::new(false).await;
    let (p, _) = start_project(&app, "post").await;
    for i in 0..20 {
        let r = join_from(&app, p, "192.0.2.1", &format!("Person {i}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{i}: {}", r.body);
    }
    let r = join_from(&app, p, "192.0.2.1", "One more").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header(header::RETRY_AFTER), Some("600"));
    assert!(
        r.body
            .contains("Too many sign-ups to a project have come from here in the last 10 minutes"),
        "{}",
        r.body
    );
    assert_eq!(
        app.store.participants(p).await.unwrap().len(),
        20,
        "the refused sign-up made no participant"
    );
    // Another address is counted apart.
    let r = join_from(&app, p, "192.0.2.2", "Elsewhere").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Once the window has passed, the first address may sign people up again.
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    let r = join_from(&app, p, "192.0.2.1", "Later").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn supporting_and_reporting_are_rate_limited_per_participant() {
    let app = App::new(false).await;
    let (p, _) = start_project(&app, "post").await;
    let amina = Browser::join(&app, p, "Amina").await;
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts"),
            &[
                ("kind", "idea"),
                ("title", "Evening clinics"),
                ("body", "b"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let idea = app.store.posts(p).await.unwrap()[0].id;
    let support = format!("/engage/{p}/posts/{idea}/support");
    // A repeated support changes nothing but still counts: 60 in 10 minutes, then no more.
    for i in 0..60 {
        let r = amina.post(&app, &support, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{i}: {}", r.body);
    }
    let r = amina.post(&app, &support, &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header(header::RETRY_AFTER), Some("600"));
    assert!(
        r.body.contains("Too many supports and reports"),
        "{}",
        r.body
    );
    // Reports share the limit.
    let r = amina
        .post(
            &app,
            &format!("/engage/{p}/posts/{idea}/report"),
            &[("reason", "test")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another participant at the same address (every request here has the same one) is not
    // held back: the limit is the participant's, and the address's (120) is not reached.
    let bo = Browser::join(&app, p, "Bo").await;
    let r = bo.post(&app, &support, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.store.post(idea).await.unwrap().unwrap().supports, 2);
    // The window passes.
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    let r = amina.post(&app, &support, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

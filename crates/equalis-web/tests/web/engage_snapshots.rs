//! Snapshots of the demo's engagement project page (as the public sees it) and its
//! who-is-heard page (as an EDI lead sees it), on the project `equalis demo` seeds
//! (`equalis_app::engage_demo`, with the demo ICB's synthetic participants): a change to
//! either page's markup or figures shows here as a diff to review.

use axum::http::StatusCode;
use equalis_store::Role;

use crate::dashboards::main_content;
use crate::fixture::{App, Who};

/// The demo's project in the test store (its organiser is the test's admin); its id.
async fn demo_project(app: &App) -> i64 {
    let voices: Vec<_> = equalis_synth::engage::participants("QK1", 42)
        .expect("QK1 has areas")
        .into_iter()
        .map(|v| (v.nickname, v.answers))
        .collect();
    let made = equalis_app::engage_demo::seed(&app.store, "QK1", &voices)
        .await
        .expect("seed")
        .expect("an organiser");
    assert!(made.created);
    made.project_id
}

/// Ids, tokens and times vary with the store and the clock, not with the page: replaced.
fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(
        r#"name="csrf_token" value="[^"]*""#,
        r#"name="csrf_token" value="[csrf]""#,
    );
    s.add_filter(r"/engage/\d+", "/engage/[id]");
    s.add_filter(r"/posts/\d+", "/posts/[post]");
    s.add_filter(r"/surveys/\d+", "/surveys/[survey]");
    s.add_filter(
        r#"(id|for|aria-describedby)="([a-z-]+)-\d+""#,
        r#"$1="$2-[n]""#,
    );
    s.add_filter(
        r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}( at \d{1,2}:\d{2}(am|pm)?)?",
        "[date]",
    );
    s.add_filter(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?", "[date]");
    s
}

#[tokio::test]
async fn snapshot_of_the_demo_project_page() {
    let app = App::new(false).await;
    let p = demo_project(&app).await;
    let r = app.get(&format!("/engage/{p}"), &Who::Anonymous).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // What the snapshot must hold, whatever it is updated to.
    let main = main_content(&r.body);
    for text in [
        "Evening and weekend appointments",
        "Taken forward",
        "What stopped you asking for help sooner?",
        "Your experience of mental health support",
    ] {
        assert!(main.contains(text), "{text}");
    }
    assert!(!main.contains("Buy cheap pills"), "hidden by three reports");
    settings().bind(|| insta::assert_snapshot!("demo_project_page", main));
}

#[tokio::test]
async fn snapshot_of_the_demo_who_is_heard_page() {
    let app = App::new(false).await;
    let p = demo_project(&app).await;
    let lead = app.as_role(Role::EdiLead).await;
    let r = app.get(&format!("/engage/{p}/heard"), &lead).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let main = main_content(&r.body);
    assert!(main.contains("under-heard"), "{main}");
    settings().bind(|| insta::assert_snapshot!("demo_who_is_heard_page", main));
}

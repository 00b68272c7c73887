//! `/board-pack`: the quarterly board pack for signed-in staff, built from the published
//! workforce returns, the results and the store; the public are sent to sign in, and a quarter
//! that cannot be read is refused saying how to write one.

use axum::http::StatusCode;
use equalis_store::Role;

use crate::fixture::{App, Who, email_of};

#[tokio::test]
async fn the_board_pack_shows_the_published_headlines_and_overdue_reviews() {
    let app = App::with_workforce(false).await;
    let author = app
        .store
        .find_user(email_of(Role::EdiLead))
        .await
        .expect("find")
        .expect("user");
    let reviewer = app
        .store
        .find_user(email_of(Role::Reviewer))
        .await
        .expect("find")
        .expect("user");
    equalis_web::seed_example_decisions(&app.store, &author, &reviewer)
        .await
        .expect("seed")
        .expect("three made");

    let anonymous = app.get("/board-pack", &Who::Anonymous).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/board-pack.pdf", &Who::Anonymous).await.status,
        StatusCode::SEE_OTHER
    );

    let viewer = app.as_role(Role::Viewer).await;
    let page = app.get("/board-pack", &viewer).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    for heading in [
        "Workforce dashboard",
        "Waiting-list equalisation",
        "Progress on the equality objectives",
        "Impact assessments overdue for review",
    ] {
        assert!(body.contains(heading), "{heading}");
    }
    // Every published headline figure of the workforce returns, as they publish it: withheld
    // cells stay withheld.
    let ws = equalis_workspace::Workspace::open(app.dir.path()).expect("workspace");
    let headlines = equalis_app::workforce::headlines(&ws)
        .expect("headlines")
        .expect("staff data");
    let mut shown = 0;
    let mut withheld = 0;
    for sheet in &headlines.sheets {
        for row in &sheet.rows {
            for v in row.iter().skip(1) {
                let text = v.show();
                let cell = format!(">{}</td>", text.replace('\'', "&#x27;"));
                assert!(
                    body.contains(&cell),
                    "{}: `{text}` not on the page",
                    sheet.title
                );
                shown += 1;
                withheld += usize::from(text == "*");
            }
        }
    }
    assert!(shown > 10, "{shown}");
    assert!(withheld > 0, "the synthetic staff have withheld figures");
    // The demo's overdue assessment, this quarter; none at the end of a quarter long past.
    assert!(
        body.contains("Moving the Loughborough diabetes clinic to the community hospital"),
        "{body}"
    );
    let past = app.get("/board-pack?quarter=2019/20-Q4", &viewer).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(
        past.body
            .contains("No signed impact assessment was past its review date on 31 March 2020."),
        "{}",
        past.body
    );
    // The form shows the quarter as boards write it; the link uses its slug, which has no slash.
    assert!(past.body.contains("value=\"2019/20-Q4\""), "{}", past.body);
    assert!(
        past.body
            .contains("href=\"/board-pack.pdf?quarter=2019-20-Q4\"")
    );

    let bad = app.get("/board-pack?quarter=2025-Q7", &viewer).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("e.g. 2025/26-Q3"), "{}", bad.body);
}

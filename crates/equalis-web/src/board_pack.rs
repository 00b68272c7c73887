//! `/board-pack`: the quarterly board pack (issue 16, item 4) for signed-in staff, and
//! `/board-pack.pdf` its tagged PDF. The pack is `equalis_app::board_pack`'s, built from the
//! published views and the store as `equalis board-pack` builds it; this module only reads the
//! quarter asked for, runs the build on a blocking thread and lays the document out in the
//! NHS.UK page (or prints it with `equalis_app::pdf`).

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{Html, Response};
use equalis_app::board_pack::{self, Quarter};
use equalis_report::Document;
use equalis_workspace::Workspace;
use minijinja::{Value, context};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::WebError;
use crate::pages::TableView;
use crate::state::AppState;
use crate::templates::{account, render};

/// The routes of this module.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/board-pack", get(page))
        .route("/board-pack.pdf", get(pdf))
}

/// The GET parameter: the quarter, `2025/26-Q3`; this quarter when absent.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PackQuery {
    #[serde(default)]
    quarter: String,
}

/// The quarter asked for and the pack of it, built from the store and the workspace.
async fn built(
    state: &AppState,
    viewer: &Viewer,
    uri: &Uri,
    q: &PackQuery,
) -> Result<(Quarter, Document), WebError> {
    viewer.require_user(&uri.to_string())?;
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(state.store().config().clock.now())
        .date();
    let quarter = match q.quarter.trim() {
        "" => Quarter::of(today),
        text => text
            .parse::<Quarter>()
            .map_err(|e| WebError::BadRequest(e.to_string()))?,
    };
    let inputs = board_pack::load_store_inputs(state.store(), quarter, today).await?;
    let dir = state.workspace().to_path_buf();
    let doc = tokio::task::spawn_blocking(move || {
        let ws = Workspace::open(&dir).map_err(WebError::internal)?;
        board_pack::build(&ws, quarter, &inputs).map_err(WebError::internal)
    })
    .await
    .map_err(WebError::internal)??;
    Ok((quarter, doc))
}

/// The document's parts for the page template: paragraphs, then each figure and table.
fn parts(doc: &Document) -> Vec<Value> {
    doc.parts
        .iter()
        .map(|p| {
            let figures: Vec<Value> = p
                .figures
                .iter()
                .map(|f| {
                    context! {
                        heading => f.heading,
                        svg => (!f.svg.is_empty()).then(|| f.svg.clone()),
                        notes => f.notes,
                        table => TableView::of(&f.table),
                    }
                })
                .collect();
            let sheets: Vec<Value> = p
                .sheets
                .iter()
                .map(|s| {
                    context! {
                        heading => s.heading,
                        svg => s.svg,
                        table => TableView::of(&s.table),
                    }
                })
                .collect();
            context! {
                id => p.id,
                heading => p.heading,
                paragraphs => p.paragraphs,
                figures,
                sheets,
            }
        })
        .collect()
}

/// `GET /board-pack?quarter=2025/26-Q3`: the pack as a page, to anyone signed in.
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Query(q): Query<PackQuery>,
) -> Result<Html<String>, WebError> {
    let (quarter, doc) = built(&state, &viewer, &uri, &q).await?;
    render(
        "board_pack.html",
        context! {
            title => doc.title,
            account => account(&viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            lede => doc.lede,
            facts => doc.facts,
            quarter => quarter.to_string(),
            pdf_href => format!("/board-pack.pdf?quarter={}", quarter.slug()),
            parts => parts(&doc),
        },
    )
    .map(Html)
}

/// `GET /board-pack.pdf?quarter=2025/26-Q3`: the pack printed to a tagged PDF by Chromium; 503
/// with the reason when Chromium is not installed.
pub(crate) async fn pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Query(q): Query<PackQuery>,
) -> Result<Response, WebError> {
    let (quarter, doc) = built(&state, &viewer, &uri, &q).await?;
    let html = board_pack::render_standalone(&doc).map_err(WebError::internal)?;
    crate::print::pdf_download(
        html,
        "The board pack",
        &format!("board-pack-{}.pdf", quarter.slug()),
    )
    .await
}

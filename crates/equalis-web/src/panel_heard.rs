//! `/panel/heard`: who is heard in the Citizens' Panel's pool of volunteers against the
//! footprint's residents (`equalis_app::panel::pool_heard`), with the same table as an
//! engagement project's who-is-heard page. Shown to whoever may see the panel page.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Html;
use minijinja::context;

use crate::auth::Viewer;
use crate::engage::{cell_text, heard_view};
use crate::error::WebError;
use crate::state::AppState;
use crate::templates::{account, render};

/// The query of the page.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct PoolQuery {
    /// The footprint's ICB (ODS or ONS code); without it, the workspace population's.
    icb: Option<String>,
}

/// `GET /panel/heard?icb=CODE`.
pub(crate) async fn pool_heard(
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<PoolQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let Query(q) =
        q.map_err(|e| WebError::BadRequest(format!("The address could not be read: {e}")))?;
    let icb = q.icb.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let typed = icb.clone().unwrap_or_default();
    let dir = state.workspace().to_path_buf();
    // Reads the stored volunteers and the reference data: off the async workers.
    let heard = tokio::task::spawn_blocking(move || {
        let ws = equalis_workspace::Workspace::open(&dir).map_err(WebError::internal)?;
        let app = |e: equalis_app::Error| match e.kind {
            equalis_app::ErrorKind::Fault => WebError::internal(e),
            _ => WebError::BadRequest(e.message),
        };
        equalis_app::panel::pool_heard(&ws, icb.as_deref()).map_err(app)
    })
    .await
    .map_err(WebError::internal)??;
    let title = "Who volunteers for the Citizens' Panel";
    let crumbs = [
        context! { label => "Home", href => "/" },
        context! { label => "Citizens' Panel", href => "/panel" },
    ];
    let Some(h) = heard else {
        return render(
            "panel_heard.html",
            context! { title, account => account(&viewer), breadcrumbs => crumbs, missing => true, icb => typed },
        )
        .map(Html);
    };
    let footprint = h.icb_name.clone().unwrap_or_default();
    let h = h.heard;
    let (characteristics, under_heard) = heard_view(&h);
    render(
        "panel_heard.html",
        context! {
            title, account => account(&viewer), breadcrumbs => crumbs, icb => typed,
            compared => !footprint.is_empty(), volunteers => cell_text(&h.participants, 0), footprint,
            characteristics, under_heard,
        },
    )
    .map(Html)
}

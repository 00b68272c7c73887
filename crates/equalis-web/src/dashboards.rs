//! The dashboards drawn across indicators and datasets: the elective waiting list with its
//! equalisation trends. Thin: the figures, charts and tables are `equalis-report`'s, drawn from
//! the published rows of the results cache, and each body is kept once per results version.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use equalis_report::{PageFigures, WaitingList, is_waiting_list, waiting_list_breakdowns};
use equalis_results::{IndicatorInfo, PublishedRow};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::WebError;
use crate::pages::{
    HOME, TableView, breakdown_label, csv_response, encode, indicator_href, path_and_query, query,
};
use crate::results::{Body, Snapshot};
use crate::state::AppState;
use crate::templates::{page, render};

/// The filter of the waiting-list dashboard: a GET parameter, so a view can be bookmarked.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BreakdownQuery {
    /// A single breakdown (`imd_quintile`, `ethnic_group`, …); by default deprivation.
    pub breakdown: Option<String>,
}

/// The breakdown shown when none is asked for: deprivation, the gap boards are asked about
/// first.
const DEFAULT_BREAKDOWN: &str = "imd_quintile";

/// The waiting-list measures of a results version with their published rows.
fn measures(snapshot: &Snapshot) -> Vec<(&IndicatorInfo, &[PublishedRow])> {
    snapshot
        .indicators()
        .filter(|i| is_waiting_list(i))
        .map(|i| (i, snapshot.published(&i.id)))
        .collect()
}

/// The dashboard of the breakdown asked for (a 404 lists the valid ones); `None` when the
/// results have no waiting-list measures.
fn waiting_dashboard(
    snapshot: &Snapshot,
    q: &BreakdownQuery,
) -> Result<Option<(WaitingList, Vec<String>)>, WebError> {
    let measures = measures(snapshot);
    if measures.is_empty() {
        return Ok(None);
    }
    let breakdowns = waiting_list_breakdowns(&measures);
    let breakdown = match q.breakdown.as_deref().map(str::trim) {
        None | Some("") => breakdowns
            .iter()
            .find(|b| *b == DEFAULT_BREAKDOWN)
            .or(breakdowns.first())
            .cloned()
            .unwrap_or_else(|| DEFAULT_BREAKDOWN.to_owned()),
        Some(b) if breakdowns.iter().any(|x| x == b) => b.to_owned(),
        Some(b) => {
            return Err(WebError::NotFound {
                what: format!("The waiting-list measures have no breakdown `{b}`."),
                kind: "breakdowns",
                valid: breakdowns,
            });
        }
    };
    let iod = snapshot.metadata.iod_edition.as_str();
    let dashboard = PageFigures::new().waiting_list(&measures, &breakdown, iod);
    Ok(Some((dashboard, breakdowns)))
}

#[derive(Debug, Serialize)]
struct Choice {
    id: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct TrendView {
    heading: String,
    sentence: String,
    change: &'static str,
    svg: String,
    notes: Vec<String>,
    table: TableView,
    href: String,
}

/// `GET /waiting-list`: the elective waiting-list dashboard (published view only; kept once per
/// results version and query).
pub(crate) async fn waiting_list(
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<BreakdownQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let results = state.results().get(state.workspace()).await?;
    let body = match &results {
        Some(s) => s
            .bodies
            .get_or_render(&format!("page:{}", path_and_query(&uri)), || {
                waiting_body(Some(s), &q)
            })?,
        None => Arc::new(waiting_body(None, &q)?),
    };
    Ok(Html(page(&viewer, &body.title, &[HOME], &body.bytes)?).into_response())
}

fn waiting_body(snapshot: Option<&Snapshot>, q: &BreakdownQuery) -> Result<Body, WebError> {
    let found = match snapshot {
        Some(s) => waiting_dashboard(s, q)?,
        None => None,
    };
    let html = match (snapshot, found) {
        (Some(s), Some((d, breakdowns))) => {
            let iod = s.metadata.iod_edition.as_str();
            let choices: Vec<Choice> = breakdowns
                .iter()
                .map(|b| Choice {
                    id: b.clone(),
                    label: breakdown_label(b, iod),
                })
                .collect();
            let links: Vec<String> = d.ids.iter().map(|id| indicator_href(id, &[])).collect();
            let trends: Vec<TrendView> = d
                .trends
                .iter()
                .map(|t| TrendView {
                    heading: t.figure.heading.clone(),
                    sentence: t.sentence.clone(),
                    change: t.change.word(),
                    svg: t.figure.svg.clone(),
                    notes: t.figure.notes.clone(),
                    table: TableView::of(&t.figure.table),
                    href: indicator_href(&t.indicator_id, &[]),
                })
                .collect();
            render(
                "waiting_list.html",
                context! {
                    results => true,
                    breakdown => d.breakdown.clone(),
                    breakdown_label => breakdown_label(&d.breakdown, iod),
                    breakdowns => choices,
                    summary => TableView::of(&d.summary),
                    links,
                    equalisation => TableView::of(&d.equalisation),
                    trends,
                    csv_href => format!("/waiting-list.csv?breakdown={}", encode(&d.breakdown)),
                },
            )?
        }
        (computed, _) => render(
            "waiting_list.html",
            context! { results => false, computed => computed.is_some() },
        )?,
    };
    Ok(Body::html("Elective waiting list", html))
}

/// `GET /waiting-list.csv`: the dashboard's summary table, as the page shows it, with each
/// measure's id.
pub(crate) async fn waiting_list_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<BreakdownQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let none = || WebError::NotFound {
        what: "There are no waiting-list results in this workspace: ingest a waiting-list \
               extract (`equalis ingest --dataset waiting_list`) and run `equalis compute`."
            .to_owned(),
        kind: "pages",
        valid: vec!["/waiting-list".to_owned()],
    };
    let snapshot = state
        .results()
        .get(state.workspace())
        .await?
        .ok_or_else(none)?;
    let body = snapshot
        .bodies
        .get_or_render(&format!("csv:{}", path_and_query(&uri)), || {
            let (d, _) = waiting_dashboard(&snapshot, &q)?.ok_or_else(none)?;
            let bytes = table_csv(&d.summary, Some(("indicator_id", &d.ids)))?;
            Ok::<_, WebError>(Body::download(
                bytes,
                &format!("waiting-list-{}.csv", d.breakdown),
            ))
        })?;
    Ok(csv_response(&body))
}

/// A report table as CSV: a first column of `ids` when given, the row header, then the cells
/// as the page shows them.
fn table_csv(
    table: &equalis_report::Table,
    ids: Option<(&str, &[String])>,
) -> Result<Vec<u8>, WebError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = ids.iter().map(|(name, _)| *name).collect();
    head.extend(table.head.iter().map(|h| h.label.as_str()));
    w.write_record(&head).map_err(WebError::internal)?;
    for (i, r) in table.rows.iter().enumerate() {
        let mut rec: Vec<&str> = ids
            .iter()
            .map(|(_, ids)| ids.get(i).map_or("", String::as_str))
            .collect();
        rec.push(&r.header);
        rec.extend(r.cells.iter().map(|c| c.text.as_str()));
        w.write_record(&rec).map_err(WebError::internal)?;
    }
    w.into_inner().map_err(WebError::internal)
}

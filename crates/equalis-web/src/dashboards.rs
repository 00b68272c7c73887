//! The dashboards drawn across indicators and datasets: the elective waiting list with its
//! equalisation trends, the GP registration gap by area, and the Citizens' Panel. Thin: the
//! figures, charts and tables are `equalis-report`'s and `equalis-app`'s, all in the published
//! view; the waiting-list and registration-gap bodies are kept once per results version, the
//! panel's per dataset versions and seats.

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
    Download, HOME, TableView, breakdown_label, download_response, encode, indicator_href,
    path_and_query, query,
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
    Ok(download_response(&body, Download::Csv))
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

// ---- the GP registration gap ---------------------------------------------------------------

/// The catalogue indicator of the registration gap (`equalis_engine::registration::ID`).
const REGISTRATION_GAP: &str = equalis_app::outreach::REGISTRATION_GAP_STEP;

/// The LSOAs the page lists when the address does not say (the CSV has them all).
const GAP_ROWS: usize = 100;

/// The breakdowns of the registration gap the page draws, the first the results have.
const GAP_FIGURES: [&str; 3] = ["imd_decile", "imd_quintile", "age_band"];

/// How the published columns of `equalis registration-gap` are headed on the page, and
/// whether each is a count (what the disclosure tests scan).
const GAP_HEADINGS: [(&str, &str, bool); 13] = [
    ("rank", "Rank", false),
    ("lsoa21_code", "LSOA 2021", false),
    ("lsoa_name", "Area", false),
    ("imd_decile", "IMD decile", false),
    ("local_authority", "Local authority", false),
    ("ons_population", "ONS estimate", true),
    ("registered", "Registered", true),
    ("unregistered", "Unregistered", true),
    ("rate", "Unregistered (%)", false),
    ("lowercl", "Lower 95% CI", false),
    ("uppercl", "Upper 95% CI", false),
    ("census_not_white_pct", "Not White, Census 2021 (%)", false),
    ("note", "Note", false),
];

/// The filter of the registration-gap page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct GapQuery {
    /// How many LSOAs to list, in rank order: a number, or `all`.
    pub top: Option<String>,
}

impl GapQuery {
    fn top(&self) -> Result<Option<usize>, WebError> {
        match self.top.as_deref().map(str::trim) {
            None | Some("") => Ok(Some(GAP_ROWS)),
            Some("all") => Ok(None),
            Some(n) => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(WebError::BadRequest(format!(
                    "`top` is the number of areas to list (1 or more) or `all`, not `{n}`."
                ))),
            },
        }
    }
}

/// The registration gap of a results version: the published table by LSOA, or why there is
/// none (a sentence saying what is needed).
fn registration_gap(
    workspace: &std::path::Path,
    snapshot: &Snapshot,
    top: Option<usize>,
) -> Result<Result<equalis_app::output::Table, String>, WebError> {
    if let Some(why) = snapshot.metadata.skipped.get(REGISTRATION_GAP) {
        return Ok(Err(format!(
            "The registration gap was not computed from this workspace's data: it {why}; then run `equalis compute` again."
        )));
    }
    match equalis_app::outreach::registration_gap(workspace, top) {
        Ok(t) => Ok(Ok(t)),
        // The message names the workspace's path, which is not for the page.
        Err(e) if e.kind == equalis_app::ErrorKind::NotFound => {
            tracing::debug!("no registration gap: {}", e.message);
            Ok(Err(
                "The results have no registration gap (they were computed by an older \
                    equalis): with the `population` dataset ingested (`equalis ingest --dataset \
                    population FILE`), run `equalis compute` again."
                    .to_owned(),
            ))
        }
        Err(e) => Err(WebError::internal(e)),
    }
}

/// A piece of a sentence, in `code` or not.
#[derive(Debug, Serialize)]
struct Part {
    text: String,
    code: bool,
}

/// A sentence whose commands and names are in backticks (as equalis writes them on the
/// command line) as pieces, the backticked ones to be shown as code.
fn code_parts(sentence: &str) -> Vec<Part> {
    sentence
        .split('`')
        .enumerate()
        .filter(|(_, text)| !text.is_empty())
        .map(|(i, text)| Part {
            text: text.to_owned(),
            code: i % 2 == 1,
        })
        .collect()
}

/// Runs `make` on a blocking thread (it reads the results' Parquet files).
async fn blocking<T: Send + 'static>(
    make: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(make)
        .await
        .map_err(WebError::internal)?
}

/// `GET /registration-gap`: the published GP registration gap by LSOA in rank order, with the
/// catalogue indicator's figures; what is needed when it was not computed. Kept once per
/// results version and query.
pub(crate) async fn registration_gap_page(
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<GapQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let top = q.top()?;
    let results = state.results().get(state.workspace()).await?;
    let body = match results {
        Some(s) => {
            let workspace = state.workspace().to_path_buf();
            let key = format!("page:{}", path_and_query(&uri));
            blocking(move || {
                s.bodies
                    .get_or_render(&key, || gap_body(&workspace, Some(&s), top))
            })
            .await?
        }
        None => Arc::new(gap_body(state.workspace(), None, top)?),
    };
    Ok(Html(page(&viewer, &body.title, &[HOME], &body.bytes)?).into_response())
}

#[derive(Debug, Serialize)]
struct GapFigure {
    heading: String,
    svg: String,
    notes: Vec<String>,
    table: TableView,
}

fn gap_body(
    workspace: &std::path::Path,
    snapshot: Option<&Snapshot>,
    top: Option<usize>,
) -> Result<Body, WebError> {
    let Some(s) = snapshot else {
        let html = render(
            "registration_gap.html",
            context! { needed => code_parts("There are no results in this workspace yet: ingest the `population` dataset (`equalis ingest --dataset population FILE`) and run `equalis compute`.") },
        )?;
        return Ok(Body::html("GP registration gap", html));
    };
    let table = match registration_gap(workspace, s, top)? {
        Ok(t) => t,
        Err(needed) => {
            let html = render(
                "registration_gap.html",
                context! { needed => code_parts(&needed) },
            )?;
            return Ok(Body::html("GP registration gap", html));
        }
    };
    // The catalogue indicator's figure, as its page (and the report's) draws it.
    let indicator = s.metadata.indicators.get(REGISTRATION_GAP);
    let figure = indicator.and_then(|info| {
        let rows = s.published(&info.id);
        let period = s.periods(&info.id).last()?.clone();
        let breakdown = GAP_FIGURES
            .iter()
            .find(|b| s.breakdowns(&info.id).iter().any(|x| x == *b))?;
        let f = PageFigures::new().breakdown(
            info,
            rows,
            &period,
            breakdown,
            &s.metadata.iod_edition,
        )?;
        Some(GapFigure {
            heading: f.heading,
            svg: f.svg,
            notes: f.notes,
            table: TableView::of(&f.table),
        })
    });
    let shown = table.rows.len();
    let html = render(
        "registration_gap.html",
        context! {
            needed => None::<Vec<Part>>,
            indicator_href => indicator.map(|i| indicator_href(&i.id, &[])),
            figure,
            table => gap_table(&table),
            shown,
            top,
            all_href => "/registration-gap?top=all",
            csv_href => "/registration-gap.csv",
        },
    )?;
    Ok(Body::html("GP registration gap", html))
}

/// The published table as the page shows it: each area a row headed by its code.
fn gap_table(t: &equalis_app::output::Table) -> TableView {
    use crate::pages::{CellView, HeadView, RowView};
    let heading = |c: &str| GAP_HEADINGS.iter().find(|(name, _, _)| *name == c);
    let code = t.columns.iter().position(|c| c == "lsoa21_code");
    let mut head = vec![HeadView {
        label: "LSOA 2021".to_owned(),
        numeric: false,
    }];
    head.extend(
        t.columns
            .iter()
            .zip(&t.numeric)
            .enumerate()
            .filter(|(i, _)| Some(*i) != code)
            .map(|(_, (c, numeric))| HeadView {
                label: heading(c).map_or_else(|| c.clone(), |h| h.1.to_owned()),
                numeric: *numeric,
            }),
    );
    let rows = t
        .rows
        .iter()
        .map(|r| RowView {
            header: code.and_then(|i| r.get(i)).cloned().unwrap_or_default(),
            cells: r
                .iter()
                .zip(t.columns.iter().zip(&t.numeric))
                .enumerate()
                .filter(|(i, _)| Some(*i) != code)
                .map(|(_, (text, (c, numeric)))| CellView {
                    text: text.clone(),
                    class: String::new(),
                    numeric: *numeric,
                    count: heading(c).is_some_and(|h| h.2),
                })
                .collect(),
        })
        .collect();
    TableView {
        caption: "The GP registration gap by area (LSOA 2021), most deprived first".to_owned(),
        head,
        rows,
        notes: vec![
            "Counts of 1 to 7 are shown as * (with the other counts of their area) and other \
             counts rounded to 5; the rate and its limits are computed from the published counts."
                .to_owned(),
            "ONS mid-2020 estimates; ranked by IMD decile (1 = most deprived) and then by the \
             Census 2021 share of residents who are not White."
                .to_owned(),
        ],
    }
}

/// `GET /registration-gap.csv`: every area's published row, as `equalis registration-gap
/// --format csv` writes it.
pub(crate) async fn registration_gap_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let snapshot = crate::pages::snapshot(&state).await?;
    let workspace = state.workspace().to_path_buf();
    let body = blocking(move || {
        snapshot
            .bodies
            .get_or_render("csv:/registration-gap.csv", || {
                let table = registration_gap(&workspace, &snapshot, None)?.map_err(|needed| {
                    WebError::NotFound {
                        what: needed,
                        kind: "pages",
                        valid: vec!["/registration-gap".to_owned()],
                    }
                })?;
                let mut bytes = Vec::new();
                table
                    .write(&mut bytes, equalis_app::output::Format::Csv)
                    .map_err(WebError::internal)?;
                Ok(Body::download(bytes, "registration-gap.csv"))
            })
    })
    .await?;
    Ok(download_response(&body, Download::Csv))
}

// ---- the Citizens' Panel -------------------------------------------------------------------

/// Seats when the address does not say: the demo's and a common size.
const PANEL_SEATS: u32 = 40;

/// The most seats asked for: a larger panel is not a panel, and the lottery's work grows with
/// it.
const MAX_SEATS: u32 = 1000;

/// The query of the panel page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PanelQuery {
    /// Seats on the panel.
    pub size: Option<String>,
}

impl PanelQuery {
    fn size(&self) -> Result<u32, WebError> {
        match self.size.as_deref().map(str::trim) {
            None | Some("") => Ok(PANEL_SEATS),
            Some(s) => match s.parse::<u32>() {
                Ok(n) if (1..=MAX_SEATS).contains(&n) => Ok(n),
                _ => Err(WebError::BadRequest(format!(
                    "`size` is the number of seats on the panel, from 1 to {MAX_SEATS}, not `{s}`."
                ))),
            },
        }
    }
}

/// The panel pages computed, by the versions of the datasets they read and the seats: the fair
/// lottery's distribution takes seconds on a large pool, and is the same until a dataset
/// changes. Requests for a page being computed wait for it rather than compute it again.
/// Bounded: when full it starts again.
#[derive(Debug, Default)]
pub(crate) struct PanelCache {
    map: std::sync::Mutex<std::collections::HashMap<String, Arc<PanelSlot>>>,
}

/// One page: empty until computed (and after a failure, so the next request tries again).
type PanelSlot = std::sync::Mutex<Option<Arc<Body>>>;

impl PanelCache {
    /// The most pages kept.
    const CAPACITY: usize = 64;

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<PanelSlot>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page kept for `key`, or the one `make` computes (blocking: call it on a blocking
    /// thread). Only one `make` runs per key at a time; an error is returned and not kept.
    fn get_or_compute(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<Body, WebError>,
    ) -> Result<Arc<Body>, WebError> {
        let slot = {
            let mut map = self.lock();
            if map.len() >= Self::CAPACITY && !map.contains_key(key) {
                map.clear();
            }
            map.entry(key.to_owned()).or_default().clone()
        };
        let mut page = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(body) = page.as_ref() {
            return Ok(body.clone());
        }
        let body = Arc::new(make()?);
        *page = Some(body.clone());
        Ok(body)
    }

    /// How many pages are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// The datasets the panel page reads.
const PANEL_DATASETS: [&str; 3] = ["volunteers", "quotas", "population"];

/// What a panel page is kept under: each dataset's current version (`-` when absent) and the
/// seats.
fn panel_key(ws: &equalis_workspace::Workspace, size: u32) -> Result<String, WebError> {
    let mut key = String::new();
    for name in PANEL_DATASETS {
        let version = ws.current(name).map_err(WebError::internal)?;
        key.push_str(&format!(
            "{name}:{}|",
            version.map_or_else(|| "-".to_owned(), |v| v.manifest.version.to_string())
        ));
    }
    key.push_str(&format!("seats:{size}"));
    Ok(key)
}

#[derive(Debug, Serialize)]
struct BlockView {
    part: Option<String>,
    heading: String,
    svg: Option<String>,
    table: TableView,
}

/// `GET /panel?size=N`: the Citizens' Panel page of the report (pool against population, each
/// group's chance under the maximin lottery), computed on a blocking thread and kept per
/// dataset versions and seats; what is needed without `volunteers` and `quotas`.
pub(crate) async fn panel(
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<PanelQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let size = query(q)?.size()?;
    let dir = state.workspace().to_path_buf();
    let cache = state.clone();
    let body = blocking(move || {
        let ws = equalis_workspace::Workspace::open(&dir).map_err(WebError::internal)?;
        let key = panel_key(&ws, size)?;
        cache.panel().get_or_compute(&key, || panel_body(&ws, size))
    })
    .await?;
    Ok(Html(page(&viewer, &body.title, &[HOME], &body.bytes)?).into_response())
}

fn panel_body(ws: &equalis_workspace::Workspace, size: u32) -> Result<Body, WebError> {
    let missing: Vec<&str> = ["volunteers", "quotas"]
        .into_iter()
        .filter(|d| ws.current(d).ok().flatten().is_none())
        .collect();
    if !missing.is_empty() {
        let html = render(
            "panel.html",
            context! { size, missing, max_seats => MAX_SEATS },
        )?;
        return Ok(Body::html("Citizens' Panel", html));
    }
    let app = |e: equalis_app::Error| match e.kind {
        equalis_app::ErrorKind::Invalid
        | equalis_app::ErrorKind::NotFound
        | equalis_app::ErrorKind::Conflict => WebError::BadRequest(e.message),
        equalis_app::ErrorKind::Fault => WebError::internal(e),
    };
    let icb = equalis_app::workforce::choose_icb(ws, None).map_err(app)?;
    let section =
        match equalis_app::panel::report_section(ws, size, icb.as_deref(), &equalis_app::Quiet) {
            Ok(s) => s,
            // The quotas cannot be met with these seats: the page says why, with the form to
            // choose another number.
            Err(e) if e.kind == equalis_app::ErrorKind::Invalid => {
                let html = render(
                    "panel.html",
                    context! { size, max_seats => MAX_SEATS, cannot => capitalise(&e.message) },
                )?;
                return Ok(Body::html("Citizens' Panel", html));
            }
            Err(e) => return Err(app(e)),
        };
    let Some(section) = section else {
        // The datasets went between the check and the read: say what is needed.
        let html = render(
            "panel.html",
            context! { size, missing => ["volunteers", "quotas"], max_seats => MAX_SEATS },
        )?;
        return Ok(Body::html("Citizens' Panel", html));
    };
    let blocks: Vec<BlockView> = equalis_report::section_figures(&section)
        .into_iter()
        .zip(&section.blocks)
        .map(|(f, b)| {
            let mut table = TableView::of(&f.table);
            // Counts of people are marked for the disclosure tests to scan (the report's table
            // keeps each sheet's rows and columns in place).
            for (row, vals) in table.rows.iter_mut().zip(&b.sheet.rows) {
                for (cell, v) in row.cells.iter_mut().zip(vals.iter().skip(1)) {
                    cell.count = matches!(v, equalis_report::tables::Val::Num(p, 0)
                        if matches!(p.get(), equalis_disclosure::Cell::Count(_)));
                }
            }
            BlockView {
                part: f.part,
                heading: f.heading,
                svg: f.svg,
                table,
            }
        })
        .collect();
    let html = render(
        "panel.html",
        context! {
            size,
            max_seats => MAX_SEATS,
            title => section.title.clone(),
            lede => section.lede.clone(),
            facts => section.facts.clone(),
            blocks,
        },
    )?;
    Ok(Body::html("Citizens' Panel", html))
}

/// A message with its first letter in capitals.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<Body, WebError> {
        Ok(Body::html("t", text.to_owned()))
    }

    #[test]
    fn the_panel_cache_is_bounded_and_keeps_no_error() {
        let cache = PanelCache::default();
        let failed = cache.get_or_compute("bad", || Err(WebError::BadRequest("no".to_owned())));
        assert!(failed.is_err());
        let retried = cache.get_or_compute("bad", || page("now")).expect("page");
        assert_eq!(&retried.bytes[..], b"now", "an error is not kept");
        for i in 1..PanelCache::CAPACITY {
            cache
                .get_or_compute(&i.to_string(), || page("x"))
                .expect("page");
        }
        assert_eq!(cache.len(), PanelCache::CAPACITY);
        let kept = cache.get_or_compute("3", || page("again")).expect("page");
        assert_eq!(&kept.bytes[..], b"x", "kept, not computed again");
        cache.get_or_compute("new", || page("y")).expect("page");
        assert_eq!(cache.len(), 1, "full: it starts again");
    }

    #[test]
    fn a_page_is_computed_once_however_many_ask_at_once() {
        let cache = Arc::new(PanelCache::default());
        let made = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, made) = (cache.clone(), made.clone());
                std::thread::spawn(move || {
                    cache
                        .get_or_compute("k", || {
                            made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            page("panel")
                        })
                        .map(|b| b.bytes.clone())
                })
            })
            .collect();
        for t in threads {
            let bytes = t.join().expect("thread").expect("page");
            assert_eq!(&bytes[..], b"panel");
        }
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn backticks_become_code() {
        let parts = code_parts("it needs `population` (`equalis ingest`).");
        let shown: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.code)).collect();
        assert_eq!(
            shown,
            [
                ("it needs ", false),
                ("population", true),
                (" (", false),
                ("equalis ingest", true),
                (").", false)
            ]
        );
    }

    #[test]
    fn seats_are_checked() {
        let q = |s: &str| PanelQuery {
            size: Some(s.to_owned()),
        };
        assert_eq!(PanelQuery::default().size().ok(), Some(PANEL_SEATS));
        assert_eq!(q("12").size().ok(), Some(12));
        for bad in ["0", "-3", "ten", "1001"] {
            assert!(q(bad).size().is_err(), "{bad}");
        }
    }
}

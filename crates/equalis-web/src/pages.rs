//! The HTML pages and the CSV downloads: thin handlers over the results cache, the report's
//! figures and the templates.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use equalis_disclosure::{Cell, Publishable};
use equalis_results::{IndicatorInfo, PublishedRow};
use equalis_store::Role;
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{Viewer, may_see_unsuppressed};
use crate::error::WebError;
use crate::results::{Body, Snapshot};
use crate::state::AppState;
use crate::templates::{Crumb, account, page, render};

/// The pages listed when a page is not found.
const PAGES: [&str; 7] = [
    "/",
    "/indicators",
    "/waiting-list",
    "/registration-gap",
    "/panel",
    "/workforce",
    "/login",
];

/// The filters of an indicator page, its CSV and its API resource: GET parameters, so every
/// view can be bookmarked and works without JavaScript.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IndicatorQuery {
    /// A breakdown (`imd_quintile`, `all`, a pair `ethnic_group x sex`).
    pub breakdown: Option<String>,
    /// A period (`2025/26`), or `latest`.
    pub period: Option<String>,
    /// `published` (the default) or `analyst`.
    pub view: Option<String>,
}

/// A query that could not be read, as a 400 page.
pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, WebError> {
    q.map(|Query(t)| t)
        .map_err(|e| WebError::BadRequest(format!("The address's parameters are not valid: {e}")))
}

/// Which view a request asks for.
pub(crate) fn wants_analyst(q: &IndicatorQuery) -> Result<bool, WebError> {
    match q.view.as_deref() {
        None | Some("" | "published") => Ok(false),
        Some("analyst") => Ok(true),
        Some(other) => Err(WebError::BadRequest(format!(
            "There is no view `{other}`: ask for `published` (the default) or `analyst`."
        ))),
    }
}

/// A period asked for, checked against the indicator's (`latest` is the newest); a 404 lists
/// the valid ones.
pub(crate) fn choose_period(
    snapshot: &Snapshot,
    id: &str,
    asked: Option<&str>,
) -> Result<Option<String>, WebError> {
    let periods = snapshot.periods(id);
    match asked {
        None | Some("") => Ok(None),
        Some("latest") => Ok(periods.last().cloned()),
        Some(p) if periods.iter().any(|x| x == p) => Ok(Some(p.to_owned())),
        Some(p) => Err(WebError::NotFound {
            what: format!("Indicator `{id}` has no period `{p}`."),
            kind: "periods",
            valid: periods.to_vec(),
        }),
    }
}

/// A breakdown asked for, checked against the indicator's; a 404 lists the valid ones.
pub(crate) fn choose_breakdown(
    snapshot: &Snapshot,
    id: &str,
    asked: Option<&str>,
) -> Result<Option<String>, WebError> {
    let breakdowns = snapshot.breakdowns(id);
    match asked {
        None | Some("") => Ok(None),
        Some(b) => {
            // People write pairs with any spacing: `ethnic_group x sex`, `ethnic_group X sex`.
            let b = b
                .split([' ', '\t'])
                .filter(|w| !w.is_empty())
                .map(|w| if w.eq_ignore_ascii_case("x") { "x" } else { w })
                .collect::<Vec<_>>()
                .join(" ");
            if breakdowns.contains(&b) {
                Ok(Some(b))
            } else {
                Err(WebError::NotFound {
                    what: format!("Indicator `{id}` has no breakdown `{b}`."),
                    kind: "breakdowns",
                    valid: breakdowns.to_vec(),
                })
            }
        }
    }
}

/// The results, or a 404 saying there are none yet.
pub(crate) async fn snapshot(state: &AppState) -> Result<std::sync::Arc<Snapshot>, WebError> {
    state
        .results()
        .get(state.workspace())
        .await?
        .ok_or_else(|| WebError::NotFound {
            what: "There are no results in this workspace yet: run `equalis compute` first."
                .to_owned(),
            kind: "indicators",
            valid: Vec::new(),
        })
}

/// An indicator's unsuppressed rows, for analysts and admins, audited.
pub(crate) async fn analyst_rows(
    state: &AppState,
    viewer: &Viewer,
    snapshot: &Snapshot,
    id: &str,
    uri: &Uri,
) -> Result<Vec<PublishedRow>, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    snapshot
        .analyst_rows(state.store(), user, id, json!({ "uri": uri.to_string() }))
        .await
}

/// A published cell as text, as `equalis results` writes it: counts whole, `*` when
/// withheld, empty when there is no value.
pub(crate) fn cell_text(c: &Publishable<Cell>) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => number(*v),
        Cell::Suppressed(symbol) => symbol.clone(),
        Cell::NotApplicable => String::new(),
    }
}

/// A number as text: whole numbers without decimals, others to 6 places at most.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// `/indicators/ID` with the query, for links.
pub(crate) fn indicator_href(id: &str, params: &[(&str, &str)]) -> String {
    format!("/indicators/{}{}", encode(id), query_string(params))
}

/// `?k=v&…` of the parameters that have a value, or nothing.
pub(crate) fn query_string(params: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in params.iter().filter(|(_, v)| !v.is_empty()).enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// Percent-encodes a path segment or query value.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) const HOME: Crumb = Crumb {
    label: "Home",
    href: "/",
};
const INDICATORS: Crumb = Crumb {
    label: "Indicators",
    href: "/indicators",
};

#[derive(Debug, Serialize)]
struct AreaSummary {
    name: String,
    count: usize,
}

fn areas(snapshot: &Snapshot) -> BTreeMap<String, Vec<&IndicatorInfo>> {
    let mut areas: BTreeMap<String, Vec<&IndicatorInfo>> = BTreeMap::new();
    for info in snapshot.indicators() {
        let area = if info.area.trim().is_empty() {
            "Other".to_owned()
        } else {
            info.area.clone()
        };
        areas.entry(area).or_default().push(info);
    }
    for list in areas.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    areas
}

/// `GET /`: what the workspace holds, with links.
pub(crate) async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let results = state.results().get(state.workspace()).await?;
    let summary = results.as_ref().map(|s| {
        let areas: Vec<AreaSummary> = areas(s)
            .into_iter()
            .map(|(name, list)| AreaSummary {
                name,
                count: list.len(),
            })
            .collect();
        let datasets: Vec<String> = s
            .metadata
            .datasets
            .iter()
            .map(|(name, d)| format!("{name} (version {})", d.version))
            .collect();
        context! {
            indicators => s.metadata.indicators.len(),
            areas,
            computed_at => readable_time(&s.metadata.computed_at),
            equalis_version => s.metadata.equalis_version.clone(),
            iod_edition => s.metadata.iod_edition.clone(),
            version => s.version.clone(),
            datasets,
        }
    });
    let page = render(
        "home.html",
        context! {
            title => "Home",
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            results => summary,
            analyst => may_see_unsuppressed(viewer.role()),
        },
    )?;
    Ok(Html(page))
}

/// An RFC 3339 time as people read it, in UTC: `4 December 2026, 15:23 UTC`; the text as
/// given when it is not one.
fn readable_time(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%-d %B %Y, %H:%M UTC").to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

#[derive(Debug, Serialize)]
struct Link {
    id: String,
    label: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct IndicatorEntry {
    id: String,
    name: String,
    href: String,
    csv_href: String,
    xlsx_href: String,
    latest: String,
    breakdowns: Vec<Link>,
}

#[derive(Debug, Serialize)]
struct AreaEntry {
    name: String,
    indicators: Vec<IndicatorEntry>,
}

/// `GET /indicators`: every indicator with its breakdowns, by area (rendered once per
/// results version).
pub(crate) async fn indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<Vec<u8>>, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let results = state.results().get(state.workspace()).await?;
    let body = match &results {
        Some(s) => s
            .bodies
            .get_or_render("page:/indicators", || indicators_body(Some(s)))?,
        None => std::sync::Arc::new(indicators_body(None)?),
    };
    Ok(Html(page(&viewer, &body.title, &[HOME], &body.bytes)?))
}

fn indicators_body(results: Option<&Snapshot>) -> Result<Body, WebError> {
    let areas: Vec<AreaEntry> = results.map_or_else(Vec::new, |s| {
        let iod = s.metadata.iod_edition.as_str();
        areas(s)
            .into_iter()
            .map(|(name, list)| AreaEntry {
                name,
                indicators: list
                    .into_iter()
                    .map(|info| IndicatorEntry {
                        id: info.id.clone(),
                        name: info.name.clone(),
                        href: indicator_href(&info.id, &[]),
                        csv_href: format!("/indicators/{}.csv", encode(&info.id)),
                        xlsx_href: format!("/indicators/{}.xlsx", encode(&info.id)),
                        latest: s.periods(&info.id).last().cloned().unwrap_or_default(),
                        breakdowns: s
                            .breakdowns(&info.id)
                            .iter()
                            .map(|b| Link {
                                label: breakdown_label(b, iod),
                                href: indicator_href(&info.id, &[("breakdown", b)]),
                                id: b.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    });
    let html = render("indicators.html", context! { areas })?;
    Ok(Body::html("Indicators", html))
}

pub(crate) fn breakdown_label(breakdown: &str, iod: &str) -> String {
    if breakdown == "all" {
        "Whole ICS".to_owned()
    } else {
        equalis_report::breakdown_label(breakdown, iod)
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct HeadView {
    pub(crate) label: String,
    pub(crate) numeric: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct CellView {
    pub(crate) text: String,
    pub(crate) class: String,
    pub(crate) numeric: bool,
    /// A count column (numerator, denominator, …): what the disclosure tests scan.
    pub(crate) count: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct RowView {
    pub(crate) header: String,
    pub(crate) cells: Vec<CellView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TableView {
    pub(crate) caption: String,
    pub(crate) head: Vec<HeadView>,
    pub(crate) rows: Vec<RowView>,
    pub(crate) notes: Vec<String>,
}

impl TableView {
    /// The report's table, with its count columns marked: those between the row header and
    /// the value column, as the report lays them out.
    pub(crate) fn of(t: &equalis_report::Table) -> TableView {
        let value_at = t
            .head
            .iter()
            .position(|h| h.label.starts_with("Value"))
            .unwrap_or(1);
        TableView {
            caption: t.caption.clone(),
            head: t
                .head
                .iter()
                .map(|h| HeadView {
                    label: h.label.clone(),
                    numeric: h.numeric,
                })
                .collect(),
            rows: t
                .rows
                .iter()
                .map(|r| RowView {
                    header: r.header.clone(),
                    cells: r
                        .cells
                        .iter()
                        .enumerate()
                        .map(|(i, c)| CellView {
                            text: c.text.clone(),
                            numeric: c.class == "num",
                            class: if c.class == "num" {
                                String::new()
                            } else {
                                c.class.clone()
                            },
                            // Cell i sits under heading i + 1 (the first names the rows).
                            count: i + 1 < value_at,
                        })
                        .collect(),
                })
                .collect(),
            notes: t.notes.clone(),
        }
    }
}

/// `GET /indicators/{id}` (and `{id}.csv`): one indicator by one breakdown in one period,
/// with the report's chart and table. The published view is rendered once per results version
/// and query; the unsuppressed view on every request, after its audit entry.
pub(crate) async fn indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    q: Result<Query<IndicatorQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let snapshot = snapshot(&state).await?;
    if let Some(id) = id.strip_suffix(".csv")
        && !snapshot
            .metadata
            .indicators
            .contains_key(&*format!("{id}.csv"))
    {
        return csv(&state, &viewer, &snapshot, id, &q, &uri).await;
    }
    if let Some(id) = id.strip_suffix(".xlsx")
        && !snapshot
            .metadata
            .indicators
            .contains_key(&*format!("{id}.xlsx"))
    {
        return xlsx(&snapshot, id, &q, &uri);
    }
    let analyst = wants_analyst(&q)?;
    let may_see = may_see_unsuppressed(viewer.role());
    let body = if analyst {
        snapshot.indicator(&id)?;
        let rows = analyst_rows(&state, &viewer, &snapshot, &id, &uri).await?;
        std::sync::Arc::new(indicator_body(&snapshot, &id, &q, &rows, true, may_see)?)
    } else {
        // The page differs by one link for those who may open the unsuppressed view.
        let key = format!("page:{}|{may_see}", path_and_query(&uri));
        snapshot.bodies.get_or_render(&key, || {
            indicator_body(&snapshot, &id, &q, snapshot.published(&id), false, may_see)
        })?
    };
    let html = page(&viewer, &body.title, &[HOME, INDICATORS], &body.bytes)?;
    Ok(Html(html).into_response())
}

/// The path and query asked for: what a cached body is kept under.
pub(crate) fn path_and_query(uri: &Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), |p| p.as_str())
}

/// An indicator page's main content for `rows` (published or unsuppressed).
fn indicator_body(
    snapshot: &Snapshot,
    id: &str,
    q: &IndicatorQuery,
    rows: &[PublishedRow],
    analyst: bool,
    may_see_unsuppressed: bool,
) -> Result<Body, WebError> {
    let info = snapshot.indicator(id)?;
    let breakdowns = snapshot.breakdowns(id);
    let breakdown = choose_breakdown(snapshot, id, q.breakdown.as_deref())?
        .or_else(|| breakdowns.iter().find(|b| *b != "all").cloned())
        .unwrap_or_else(|| "all".to_owned());
    let period = choose_period(snapshot, id, q.period.as_deref())?
        .or_else(|| snapshot.periods(id).last().cloned())
        .unwrap_or_default();
    let iod = snapshot.metadata.iod_edition.as_str();
    let mut figures = equalis_report::PageFigures::new();
    let figure = figures.breakdown(info, rows, &period, &breakdown, iod);
    let trend = figures.trend(info, rows).map(|f| {
        context! {
            heading => f.heading, svg => f.svg, notes => f.notes, table => TableView::of(&f.table),
        }
    });
    let (svg, chart_notes, table) = match figure {
        // The whole ICS is one row: its table is the ICS row alone, and a chart of one
        // point against itself says nothing.
        Some(mut f) if breakdown == "all" => {
            f.table.rows.truncate(1);
            (None, Vec::new(), TableView::of(&f.table))
        }
        Some(f) => (Some(f.svg), f.notes, TableView::of(&f.table)),
        None => (
            None,
            vec![format!(
                "There are no figures for this breakdown in {period}."
            )],
            TableView {
                caption: format!("{} by {}, {period}", info.name, breakdown),
                head: Vec::new(),
                rows: Vec::new(),
                notes: Vec::new(),
            },
        ),
    };
    let view = if analyst { "analyst" } else { "" };
    let choices: Vec<Link> = breakdowns
        .iter()
        .map(|b| Link {
            id: b.clone(),
            label: breakdown_label(b, iod),
            href: indicator_href(id, &[("breakdown", b), ("period", &period), ("view", view)]),
        })
        .collect();
    let html = render(
        "indicator.html",
        context! {
            info => context! {
                id => info.id.clone(), name => info.name.clone(), area => info.area.clone(),
                description => info.description.clone(), unit => info.unit.clone(),
                source => info.source.clone(),
            },
            heading => breakdown_label(&breakdown, iod),
            breakdown,
            breakdowns => choices,
            period,
            periods => snapshot.periods(id),
            svg,
            chart_notes,
            table,
            trend,
            analyst_view => analyst,
            may_see_unsuppressed,
            page_href => indicator_href(id, &[]),
            published_href => indicator_href(id, &[("breakdown", &breakdown), ("period", &period)]),
            analyst_href => indicator_href(id, &[("breakdown", &breakdown), ("period", &period), ("view", "analyst")]),
            csv_href => format!("/indicators/{}.csv{}", encode(id),
                query_string(&[("breakdown", &breakdown), ("period", &period), ("view", view)])),
            // Published figures only, so no view.
            xlsx_href => format!("/indicators/{}.xlsx{}", encode(id),
                query_string(&[("breakdown", &breakdown), ("period", &period)])),
        },
    )?;
    let title = if analyst {
        format!("{} (unsuppressed)", info.name)
    } else {
        info.name.clone()
    };
    Ok(Body::html(title, html))
}

/// The columns of a CSV download, as `equalis results --format csv` names them.
const CSV_COLUMNS: [&str; 14] = [
    "indicator_id",
    "period",
    "breakdown",
    "group",
    "statistic",
    "numerator",
    "denominator",
    "comparator_numerator",
    "comparator_denominator",
    "value",
    "lowercl",
    "uppercl",
    "comparison",
    "note",
];

/// `GET /indicators/{id}.csv`: the indicator's rows (every breakdown and period unless the
/// query picks one) in the view asked for; the published CSV made once per version and query.
async fn csv(
    state: &AppState,
    viewer: &Viewer,
    snapshot: &Snapshot,
    id: &str,
    q: &IndicatorQuery,
    uri: &Uri,
) -> Result<Response, WebError> {
    snapshot.indicator(id)?;
    let body = if wants_analyst(q)? {
        let rows = analyst_rows(state, viewer, snapshot, id, uri).await?;
        std::sync::Arc::new(csv_body(snapshot, id, q, rows, true)?)
    } else {
        let key = format!("csv:{}", path_and_query(uri));
        snapshot.bodies.get_or_render(&key, || {
            csv_body(snapshot, id, q, snapshot.published(id).to_vec(), false)
        })?
    };
    Ok(download_response(&body, Download::Csv))
}

/// A download's kind: the tables of every page come as CSV and as an Excel workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Download {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

impl Download {
    /// Its media type.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Download::Csv => "text/csv; charset=utf-8",
            Download::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The end of its address and file name.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Download::Csv => ".csv",
            Download::Xlsx => ".xlsx",
        }
    }
}

/// A download (a body made by [`Body::download`]): its type, and its file name when it has one.
pub(crate) fn download_response(body: &Body, kind: Download) -> Response {
    let mut response = body.bytes.clone().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    if let Some(name) = &body.filename
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /indicators/{id}.xlsx`: the indicator's published rows (every breakdown and period
/// unless the query picks one) as an Excel workbook, made once per version and query. Published
/// figures only: a workbook is made to be passed on.
fn xlsx(
    snapshot: &Snapshot,
    id: &str,
    q: &IndicatorQuery,
    uri: &Uri,
) -> Result<Response, WebError> {
    snapshot.indicator(id)?;
    if wants_analyst(q)? {
        return Err(WebError::BadRequest(
            "The Excel workbook has the published figures only; the unsuppressed figures are on \
             the page and in its CSV, for analysts."
                .to_owned(),
        ));
    }
    let key = format!("xlsx:{}", path_and_query(uri));
    let body = snapshot
        .bodies
        .get_or_render(&key, || xlsx_body(snapshot, id, q))?;
    Ok(download_response(&body, Download::Xlsx))
}

/// The workbook of an indicator's published rows, filtered by the query: a cover saying what
/// it holds, then the rows with the CSV's columns, numbers as numbers. Written by the same
/// writer as the workforce returns' workbooks (`equalis_app`'s `Report`), from cells that have
/// passed disclosure control.
fn xlsx_body(snapshot: &Snapshot, id: &str, q: &IndicatorQuery) -> Result<Body, WebError> {
    use equalis_report::tables::{Sheet, Val};
    let info = snapshot.indicator(id)?;
    let breakdown = choose_breakdown(snapshot, id, q.breakdown.as_deref())?;
    let period = choose_period(snapshot, id, q.period.as_deref())?;
    let mut rows: Vec<&PublishedRow> = snapshot
        .published(id)
        .iter()
        .filter(|r| {
            breakdown.as_ref().is_none_or(|b| &r.breakdown == b)
                && period.as_ref().is_none_or(|p| &r.period == p)
        })
        .collect();
    sort_rows(&mut rows);
    // A value to 6 places at most, as the CSV writes it; nothing where nothing applies.
    let num = |c: &Publishable<Cell>| match c.get() {
        Cell::NotApplicable => Val::text(""),
        _ => Val::Num(c.clone(), 6),
    };
    let mut sheet = Sheet::new("Figures", info.name.clone(), &CSV_COLUMNS);
    for r in rows {
        sheet.row(vec![
            Val::text(&r.indicator_id),
            Val::text(&r.period),
            Val::text(&r.breakdown),
            Val::text(&r.group),
            Val::text(r.statistic.as_str()),
            num(&r.numerator),
            num(&r.denominator),
            num(&r.comparator_numerator),
            num(&r.comparator_denominator),
            num(&r.value),
            num(&r.lowercl),
            num(&r.uppercl),
            Val::text(r.comparison.map(|c| c.as_str()).unwrap_or_default()),
            Val::text(r.note.clone().unwrap_or_default()),
        ]);
    }
    let report = equalis_app::workforce::Report {
        title: info.name.clone(),
        cover: vec![
            ("Indicator".to_owned(), info.id.clone()),
            (
                "Breakdown".to_owned(),
                breakdown
                    .clone()
                    .unwrap_or_else(|| "every breakdown".to_owned()),
            ),
            (
                "Period".to_owned(),
                period.clone().unwrap_or_else(|| "every period".to_owned()),
            ),
            ("Results version".to_owned(), snapshot.version.clone()),
            (
                "Computed".to_owned(),
                readable_time(&snapshot.metadata.computed_at),
            ),
            (
                "View".to_owned(),
                "published: counts of 1 to 7 withheld (*), as on the published pages".to_owned(),
            ),
        ],
        sheets: vec![sheet],
    };
    let bytes = report.xlsx_bytes().map_err(WebError::internal)?;
    let name = format!(
        "{id}{}{}.xlsx",
        breakdown.map(|b| format!("-{b}")).unwrap_or_default(),
        period.map(|p| format!("-{p}")).unwrap_or_default(),
    );
    Ok(Body::download(bytes, &name))
}

/// The CSV of an indicator's `rows`, filtered by the query.
fn csv_body(
    snapshot: &Snapshot,
    id: &str,
    q: &IndicatorQuery,
    mut rows: Vec<PublishedRow>,
    analyst: bool,
) -> Result<Body, WebError> {
    let breakdown = choose_breakdown(snapshot, id, q.breakdown.as_deref())?;
    let period = choose_period(snapshot, id, q.period.as_deref())?;
    rows.retain(|r| {
        breakdown.as_ref().is_none_or(|b| &r.breakdown == b)
            && period.as_ref().is_none_or(|p| &r.period == p)
    });
    sort_rows(&mut rows);
    let mut w = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, rec: &[String]| {
        w.write_record(rec).map_err(WebError::internal)
    };
    write(&mut w, &CSV_COLUMNS.map(str::to_owned))?;
    for r in &rows {
        write(
            &mut w,
            &[
                r.indicator_id.clone(),
                r.period.clone(),
                r.breakdown.clone(),
                r.group.clone(),
                r.statistic.as_str().to_owned(),
                cell_text(&r.numerator),
                cell_text(&r.denominator),
                cell_text(&r.comparator_numerator),
                cell_text(&r.comparator_denominator),
                cell_text(&r.value),
                cell_text(&r.lowercl),
                cell_text(&r.uppercl),
                r.comparison
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                r.note.clone().unwrap_or_default(),
            ],
        )?;
    }
    let bytes = w.into_inner().map_err(WebError::internal)?;
    let name = format!(
        "{id}{}{}.csv",
        breakdown.map(|b| format!("-{b}")).unwrap_or_default(),
        if analyst { "-unsuppressed" } else { "" }
    );
    Ok(Body::download(bytes, &name))
}

/// Rows in the command line's order: by period and breakdown, groups in natural order.
pub(crate) fn sort_rows<R: std::borrow::Borrow<PublishedRow>>(rows: &mut [R]) {
    rows.sort_by(|a, b| {
        let (a, b) = (a.borrow(), b.borrow());
        (a.period.as_str(), a.breakdown.as_str())
            .cmp(&(b.period.as_str(), b.breakdown.as_str()))
            .then_with(|| equalis_vocab::natural_cmp(&a.group, &b.group))
    });
}

#[derive(Debug, Serialize)]
struct EntryView {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

/// `GET /admin/audit`: the newest audit entries, for admins.
pub(crate) async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if user.role != Role::Admin {
        return Err(WebError::Forbidden(format!(
            "The audit log is for the admin role; you are signed in as {}.",
            user.role
        )));
    }
    let entries: Vec<EntryView> = state
        .store()
        .latest_audit_entries(100)
        .await?
        .into_iter()
        .map(|e| EntryView {
            seq: e.seq,
            at: e.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            detail: e.detail,
        })
        .collect();
    let page = render(
        "audit.html",
        context! {
            title => "Audit log",
            account => account(&viewer),
            breadcrumbs => [HOME],
            entries,
        },
    )?;
    Ok(Html(page))
}

/// Any other address: a 404 listing the pages (or, under `/api/`, the API's routes as JSON).
pub(crate) async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") {
        return WebError::NotFound {
            what: format!("There is no API resource `{path}`."),
            kind: "routes",
            valid: crate::api::API_ROUTES.map(str::to_owned).to_vec(),
        }
        .json();
    }
    WebError::NotFound {
        what: format!("There is no page `{path}`."),
        kind: "pages",
        valid: PAGES.map(str::to_owned).to_vec(),
    }
    .into_response()
}

/// A known address asked with another method: a 405 page (JSON under `/api/`).
pub(crate) async fn method_not_allowed(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        WebError::MethodNotAllowed.json()
    } else {
        WebError::MethodNotAllowed.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::readable_time;

    #[test]
    fn computed_times_read_as_dates() {
        assert_eq!(
            readable_time("2026-12-04T15:23:41.123Z"),
            "4 December 2026, 15:23 UTC"
        );
        // Another offset is shown in UTC.
        assert_eq!(
            readable_time("2026-04-01T10:00:00+01:00"),
            "1 April 2026, 09:00 UTC"
        );
        assert_eq!(readable_time("not a time"), "not a time");
    }
}

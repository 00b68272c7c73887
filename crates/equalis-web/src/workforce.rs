//! The workforce pages: the published WRES, WDES, pay gaps and quarterly dashboard of the ICS
//! and each organisation, each a document built by `equalis_app::workforce` (the same one
//! `equalis workforce` prints) and shown sheet by sheet, or as its CSV. Nothing is computed
//! here: every figure comes through that crate's disclosure control, in the published view.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use equalis_app::ErrorKind;
use equalis_app::workforce::{By, Document, ReturnKind, WorkforceOptions};
use equalis_report::tables::{Sheet, Val};
use equalis_workspace::Workspace;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::WebError;
use crate::pages::{
    CellView, Download, HeadView, RowView, TableView, download_response, encode, query,
};
use crate::results::Body;
use crate::state::AppState;
use crate::templates::{Crumb, account, render};

/// The returns, by the name in their address, with their titles.
pub(crate) const RETURNS: [(&str, ReturnKind, &str); 6] = [
    (
        "wres",
        ReturnKind::Wres,
        "Workforce Race Equality Standard (WRES)",
    ),
    (
        "wdes",
        ReturnKind::Wdes,
        "Workforce Disability Equality Standard (WDES)",
    ),
    ("pay-gap-sex", ReturnKind::PayGap(By::Sex), "Gender pay gap"),
    (
        "pay-gap-ethnicity",
        ReturnKind::PayGap(By::Ethnicity),
        "Ethnicity pay gap",
    ),
    (
        "pay-gap-disability",
        ReturnKind::PayGap(By::Disability),
        "Disability pay gap",
    ),
    (
        "dashboard",
        ReturnKind::Dashboard,
        "Quarterly workforce dashboard",
    ),
];

/// The address of the whole ICS's returns.
const ICS: &str = "ics";

const HOME: Crumb = Crumb {
    label: "Home",
    href: "/",
};
const WORKFORCE: Crumb = Crumb {
    label: "Workforce",
    href: "/workforce",
};

/// The query of a return's page: `?year=2025` for the return at 31 March of that year (the
/// latest by default), `?format=csv` or `xlsx` for its download.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReturnQuery {
    /// `html` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
    /// A reporting year of the staff data.
    pub year: Option<String>,
}

/// What the workspace's staff data offer: the organisations (`None` without staff data) and
/// the reporting years, oldest first.
#[derive(Debug)]
pub(crate) struct Listing {
    pub orgs: Option<Vec<String>>,
    pub years: Vec<i16>,
}

/// Built workforce returns and listings, kept by what they were built from.
///
/// A return takes 0.1–0.5 s to build (it reads the Parquet datasets and computes every year
/// for its year on year), and it is the same for everyone who may see it, as it is built in
/// the published view only. Each key ends with the dataset versions it was built from
/// ([`equalis_app::workforce::data_versions`]), so a new ingest makes new keys and a stale
/// return is never served. Bounded: when [`Built::CAPACITY`] entries are kept the whole map
/// is dropped before the next goes in (after an ingest the old entries are dead anyway, and
/// odd queries cannot grow it without end).
#[derive(Debug, Default)]
pub(crate) struct Built {
    docs: Kept<Document>,
    lists: Kept<Listing>,
    /// The ICS's headline figures (for impact assessments' evidence), by dataset versions.
    headlines: Kept<Option<equalis_app::workforce::Headlines>>,
    /// The WRES, WDES and pay gap figures a measure may follow, by dataset versions.
    figures: Kept<Vec<equalis_app::objectives::FigureChoice>>,
}

#[derive(Debug)]
struct Kept<T> {
    map: Mutex<HashMap<String, Arc<T>>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Kept<T> {
    fn get_or_make<E>(&self, key: &str, make: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        if let Some(v) = self.lock().get(key) {
            return Ok(v.clone());
        }
        // Made outside the lock, as `Bodies` renders: no request waits on another's build.
        let v = Arc::new(make()?);
        let mut map = self.lock();
        if map.len() >= Built::CAPACITY {
            map.clear();
        }
        map.insert(key.to_owned(), v.clone());
        Ok(v)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<T>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Built {
    /// The most returns (and, apart, listings) kept.
    pub const CAPACITY: usize = 256;

    /// How many returns are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.docs.len()
    }
}

/// The output a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Html,
    File(Download),
}

/// The return's name and output from its address (`wres`, `wres.csv`, `wres.xlsx`) and
/// `?format=`.
fn output_of(ret: String, format: Option<&str>) -> Result<(String, Output), WebError> {
    for d in [Download::Csv, Download::Xlsx] {
        if let Some(r) = ret.strip_suffix(d.suffix()) {
            return Ok((r.to_owned(), Output::File(d)));
        }
    }
    let output = match format {
        None | Some("" | "html") => Output::Html,
        Some("csv") => Output::File(Download::Csv),
        Some("xlsx") => Output::File(Download::Xlsx),
        Some(other) => {
            return Err(WebError::BadRequest(format!(
                "There is no format `{other}`: ask for `html` (the default), `csv` or `xlsx`."
            )));
        }
    };
    Ok((ret, output))
}

/// The year asked for: none (the latest), or one of the staff data's years (a 404 lists them).
fn year_of(asked: Option<&str>, years: &[i16]) -> Result<Option<i16>, WebError> {
    let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let listed = || years.iter().map(ToString::to_string).collect();
    match asked.parse::<i16>() {
        Ok(y) if years.contains(&y) => Ok(Some(y)),
        Ok(y) => Err(WebError::NotFound {
            what: format!("There is no 31 March {y} snapshot in the staff data."),
            kind: "years",
            valid: listed(),
        }),
        Err(_) => Err(WebError::BadRequest(format!(
            "The year `{asked}` is not a year: ask for one of {}.",
            years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[derive(Debug, Serialize)]
struct Link {
    label: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct OrgEntry {
    code: String,
    name: String,
    returns: Vec<Link>,
}

/// An `equalis_app` error as a page: a request for what is not there is a 404 listing `valid`
/// (named `kind`), a malformed one a 400, anything else a logged fault.
fn app_error(e: equalis_app::Error, kind: &'static str, valid: Vec<String>) -> WebError {
    match e.kind {
        ErrorKind::NotFound => WebError::NotFound {
            what: capitalised(&e.message),
            kind,
            valid,
        },
        ErrorKind::Invalid | ErrorKind::Conflict => WebError::BadRequest(capitalised(&e.message)),
        ErrorKind::Fault => WebError::internal(e),
    }
}

/// A message of the command line's (`no organisation …`) as a sentence.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(c.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

/// Runs `f` on the workspace on a blocking thread: reading the Parquet datasets and computing
/// the returns would otherwise hold up the server's other requests.
async fn with_workspace<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Workspace) -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    let dir = state.workspace().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let ws = Workspace::open(&dir).map_err(WebError::internal)?;
        f(&ws)
    })
    .await
    .map_err(WebError::internal)?
}

/// `GET /workforce`: the ICS and each organisation of the staff data, with a link to each
/// return; a message when the workspace has no workforce data.
pub(crate) async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let built = state.clone();
    let orgs = with_workspace(&state, move |ws| {
        let (_, listing) = listing(&built, ws)?;
        let Some(codes) = &listing.orgs else {
            return Ok(None);
        };
        let names = &ws.config().organisations;
        let mut entries = vec![entry(ICS, "Whole ICS")];
        entries.extend(
            codes
                .iter()
                .map(|c| entry(c, names.get(c).map_or(c.as_str(), String::as_str))),
        );
        Ok(Some(entries))
    })
    .await?;
    let page = render(
        "workforce.html",
        context! {
            title => "Workforce",
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [HOME],
            orgs,
        },
    )?;
    Ok(Html(page))
}

fn entry(code: &str, name: &str) -> OrgEntry {
    OrgEntry {
        code: code.to_owned(),
        name: name.to_owned(),
        returns: RETURNS
            .iter()
            .map(|(slug, _, label)| Link {
                label: (*label).to_owned(),
                href: format!("/workforce/{}/{slug}", encode(code)),
            })
            .collect(),
    }
}

/// The dataset versions of the workspace (what a kept return is keyed by) and its listing,
/// made once per versions.
fn listing(state: &AppState, ws: &Workspace) -> Result<(String, Arc<Listing>), WebError> {
    let versions = equalis_app::workforce::data_versions(ws)
        .map_err(|e| app_error(e, "", Vec::new()))?
        .join(",");
    let listing = state.workforce().lists.get_or_make(&versions, || {
        Ok::<_, WebError>(Listing {
            orgs: equalis_app::workforce::organisations(ws)
                .map_err(|e| app_error(e, "", Vec::new()))?,
            years: equalis_app::workforce::years(ws).map_err(|e| app_error(e, "", Vec::new()))?,
        })
    })?;
    Ok((versions, listing))
}

/// The whole ICS's published headline workforce figures (relative likelihoods and pay gaps)
/// of the current staff data, built once per dataset versions; `None` without staff data.
pub(crate) async fn headlines(
    state: &AppState,
) -> Result<Arc<Option<equalis_app::workforce::Headlines>>, WebError> {
    let kept = state.clone();
    with_workspace(state, move |ws| {
        let versions = equalis_app::workforce::data_versions(ws)
            .map_err(|e| app_error(e, "", Vec::new()))?
            .join(",");
        kept.workforce().headlines.get_or_make(&versions, || {
            equalis_app::workforce::headlines(ws).map_err(|e| app_error(e, "", Vec::new()))
        })
    })
    .await
}

/// The WRES, WDES and pay gap figures the ICS's published returns follow year on year (what
/// a measure of an objective may follow), built once per dataset versions.
pub(crate) async fn measure_figures(
    state: &AppState,
) -> Result<Arc<Vec<equalis_app::objectives::FigureChoice>>, WebError> {
    let kept = state.clone();
    with_workspace(state, move |ws| {
        let versions = equalis_app::workforce::data_versions(ws)
            .map_err(|e| app_error(e, "", Vec::new()))?
            .join(",");
        kept.workforce().figures.get_or_make(&versions, || {
            equalis_app::objectives::workforce_figures(ws).map_err(|e| app_error(e, "", Vec::new()))
        })
    })
    .await
}

/// A built return and what its page shows besides.
struct Shown {
    doc: Arc<Document>,
    name: String,
    years: Vec<i16>,
    /// The year shown: the one asked for, or the latest.
    year: Option<i16>,
}

/// `GET /workforce/{org}/{return}` (and `{return}.csv`, `{return}.xlsx`, or `?format=`), with
/// `?year=`: one published return of the ICS (`ics`) or an organisation (its ODS code).
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, ret)): Path<(String, String)>,
    q: Result<Query<ReturnQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let (ret, output) = output_of(ret, q.format.as_deref())?;
    let (slug, kind, label) = find_return(&ret)?;
    let shown = returned(&state, &org, slug, kind, q.year).await?;
    let year_part = shown.year.map(|y| format!("-{y}")).unwrap_or_default();
    if let Output::File(d) = output {
        let bytes = match d {
            Download::Csv => shown.doc.report.csv(),
            Download::Xlsx => shown.doc.report.xlsx_bytes(),
        }
        .map_err(WebError::internal)?;
        let name = format!("workforce-{org}-{slug}{year_part}{}", d.suffix());
        return Ok(download_response(&Body::download(bytes, &name), d));
    }
    let mut figures = equalis_report::PageFigures::new();
    let charts = equalis_app::workforce::charts(kind);
    let sheets: Vec<_> = shown
        .doc
        .report
        .sheets
        .iter()
        .map(|sheet| {
            let svg = charts
                .iter()
                .find(|(name, _)| sheet.name.starts_with(name))
                .and_then(|(_, c)| figures.sheet_chart(sheet, c));
            context! { svg, table => sheet_view(sheet) }
        })
        .collect();
    let cover: Vec<(String, String)> = shown.doc.report.cover.clone();
    let base = format!("/workforce/{}/{slug}", encode(&org));
    let year_query = shown.year.map(|y| format!("?year={y}")).unwrap_or_default();
    let page = render(
        "workforce_return.html",
        context! {
            title => format!("{label}: {}", shown.name),
            heading => label,
            org_name => shown.name,
            report_title => shown.doc.report.title.clone(),
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [HOME, WORKFORCE],
            cover,
            sheets,
            page_href => base.clone(),
            years => shown.years,
            // The year shown, for the form: the latest when none was asked for.
            year => shown.year.or(shown.years.last().copied()),
            csv_href => format!("{base}.csv{year_query}"),
            xlsx_href => format!("{base}.xlsx{year_query}"),
        },
    )?;
    Ok(Html(page).into_response())
}

/// The published return `kind` (named `slug`) of `org` in the year `asked`, built once per
/// dataset versions and kept.
async fn returned(
    state: &AppState,
    org: &str,
    slug: &'static str,
    kind: ReturnKind,
    asked: Option<String>,
) -> Result<Shown, WebError> {
    let (org, kept) = (org.to_owned(), state.clone());
    with_workspace(state, move |ws| {
        let (versions, listing) = listing(&kept, ws)?;
        let year = year_of(asked.as_deref(), &listing.years)?;
        let key = format!(
            "{org}|{slug}|{}|{versions}",
            year.map(|y| y.to_string()).unwrap_or_default()
        );
        let doc = kept
            .workforce()
            .docs
            .get_or_make(&key, || build(ws, &org, kind, year, &listing))?;
        let name = if org == ICS {
            "Whole ICS".to_owned()
        } else {
            ws.config()
                .organisations
                .get(&org)
                .cloned()
                .unwrap_or_else(|| org.clone())
        };
        Ok(Shown {
            doc,
            name,
            years: listing.years.clone(),
            year,
        })
    })
    .await
}

/// The return named `ret` in an address, or a 404 listing the returns.
fn find_return(ret: &str) -> Result<(&'static str, ReturnKind, &'static str), WebError> {
    RETURNS
        .iter()
        .find(|(s, _, _)| *s == ret)
        .copied()
        .ok_or_else(|| WebError::NotFound {
            what: format!("There is no workforce return `{ret}`."),
            kind: "returns",
            valid: RETURNS.iter().map(|(s, _, _)| (*s).to_owned()).collect(),
        })
}

/// The API's list of the workforce returns (`GET /api/v1/workforce`): the ICS and each
/// organisation with the address of each of its returns, and the years of the staff data.
pub(crate) async fn api_list(state: &AppState) -> Result<serde_json::Value, WebError> {
    let kept = state.clone();
    with_workspace(state, move |ws| {
        let (_, listing) = listing(&kept, ws)?;
        let names = &ws.config().organisations;
        let orgs: Vec<serde_json::Value> = match &listing.orgs {
            None => Vec::new(),
            Some(codes) => std::iter::once((ICS, "Whole ICS"))
                .chain(
                    codes
                        .iter()
                        .map(|c| (c.as_str(), names.get(c).map_or(c.as_str(), String::as_str))),
                )
                .map(|(code, name)| {
                    let returns: Vec<serde_json::Value> = RETURNS
                        .iter()
                        .map(|(slug, _, title)| {
                            serde_json::json!({
                                "return": slug,
                                "title": title,
                                "href": format!("/api/v1/workforce/{}/{slug}", encode(code)),
                            })
                        })
                        .collect();
                    serde_json::json!({ "code": code, "name": name, "returns": returns })
                })
                .collect(),
        };
        Ok(serde_json::json!({
            "view": "published",
            "years": listing.years,
            "organisations": orgs,
        }))
    })
    .await
}

/// The API's return (`GET /api/v1/workforce/{org}/{return}`): the document's JSON, as
/// `equalis workforce … --format json` writes it.
pub(crate) async fn api_return(
    state: &AppState,
    org: &str,
    ret: &str,
    year: Option<String>,
) -> Result<serde_json::Value, WebError> {
    let (slug, kind, _) = find_return(ret)?;
    let shown = returned(state, org, slug, kind, year).await?;
    Ok(shown.doc.json.clone())
}

/// The published document `kind` of `org` (`ics` or an ODS code) in `year` (the latest when
/// `None`); a 404 listing the organisations when it is not one of them.
fn build(
    ws: &Workspace,
    org: &str,
    kind: ReturnKind,
    year: Option<i16>,
    listing: &Listing,
) -> Result<Document, WebError> {
    let opts = WorkforceOptions {
        org: (org != ICS).then(|| org.to_owned()),
        year,
        ..WorkforceOptions::default()
    };
    equalis_app::workforce::build(ws, kind, &opts).map_err(|e| {
        match (&listing.orgs, e.kind) {
            // Which organisations there are, for the 404 to list (none without staff data).
            (Some(codes), ErrorKind::NotFound) => {
                let valid = std::iter::once(ICS.to_owned())
                    .chain(codes.iter().cloned())
                    .collect();
                app_error(e, "organisations", valid)
            }
            _ => app_error(e, "", Vec::new()),
        }
    })
}

/// A sheet as an NHS.UK table: the first cell of each row heads it, numeric columns are
/// right-aligned, and counts of people are marked for the disclosure tests to scan.
fn sheet_view(sheet: &Sheet) -> TableView {
    // A column is numeric when every cell of it that is not words is a number.
    let numeric: Vec<bool> = (0..sheet.headers.len())
        .map(|i| {
            let mut cells = sheet.rows.iter().filter_map(|r| r.get(i));
            cells.clone().any(Val::is_numeric)
                && cells.all(|v| v.is_numeric() || matches!(v, Val::Undefined(_)))
        })
        .collect();
    TableView {
        caption: sheet.title.clone(),
        head: sheet
            .headers
            .iter()
            .zip(&numeric)
            .map(|(h, n)| HeadView {
                label: h.clone(),
                numeric: *n,
            })
            .collect(),
        rows: sheet
            .rows
            .iter()
            .map(|r| RowView {
                header: r.first().map(Val::display).unwrap_or_default(),
                cells: r
                    .iter()
                    .zip(&numeric)
                    .skip(1)
                    .map(|(v, n)| CellView {
                        text: v.display(),
                        class: String::new(),
                        numeric: *n,
                        count: matches!(v, Val::Num(p, 0)
                            if matches!(p.get(), equalis_disclosure::Cell::Count(_))),
                    })
                    .collect(),
            })
            .collect(),
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_kept_value_is_made_once_per_key_and_errors_are_not_kept() {
        let kept: Kept<u32> = Kept::default();
        let made = Cell::new(0);
        let make = |v: u32| {
            made.set(made.get() + 1);
            Ok::<_, ()>(v)
        };
        assert_eq!(*kept.get_or_make("a|staff:1", || make(1)).unwrap(), 1);
        assert_eq!(*kept.get_or_make("a|staff:1", || make(9)).unwrap(), 1);
        assert_eq!(made.get(), 1, "the second request did not rebuild");
        // A new dataset version is a new key.
        assert_eq!(*kept.get_or_make("a|staff:2", || make(2)).unwrap(), 2);
        assert_eq!(made.get(), 2);
        assert!(kept.get_or_make("b", || Err::<u32, _>("no")).is_err());
        assert_eq!(kept.len(), 2, "a failed build is not kept");
    }

    #[test]
    fn the_kept_returns_are_bounded() {
        let built = Built::default();
        for i in 0..Built::CAPACITY * 2 + 3 {
            built
                .docs
                .get_or_make(&i.to_string(), || {
                    Ok::<_, ()>(Document {
                        report: equalis_app::workforce::Report {
                            title: String::new(),
                            cover: Vec::new(),
                            sheets: Vec::new(),
                        },
                        json: serde_json::Value::Null,
                    })
                })
                .unwrap();
            assert!(built.len() <= Built::CAPACITY);
        }
        assert!(built.len() >= 1, "the newest is kept");
    }

    #[test]
    fn outputs_come_from_the_suffix_or_the_format() {
        let out = |r: &str, f: Option<&str>| output_of(r.to_owned(), f).map_err(|e| e.message());
        assert_eq!(out("wres", None), Ok(("wres".into(), Output::Html)));
        assert_eq!(
            out("wres.csv", None),
            Ok(("wres".into(), Output::File(Download::Csv)))
        );
        assert_eq!(
            out("wres.xlsx", Some("html")),
            Ok(("wres".into(), Output::File(Download::Xlsx)))
        );
        assert_eq!(
            out("wres", Some("xlsx")),
            Ok(("wres".into(), Output::File(Download::Xlsx)))
        );
        assert!(out("wres", Some("pdf")).unwrap_err().contains("`xlsx`"));
    }

    #[test]
    fn years_are_checked_against_the_staff_data() {
        let years = [2024, 2025];
        assert_eq!(year_of(None, &years).ok(), Some(None));
        assert_eq!(year_of(Some(" "), &years).ok(), Some(None));
        assert_eq!(year_of(Some("2024"), &years).ok(), Some(Some(2024)));
        match year_of(Some("2019"), &years) {
            Err(WebError::NotFound { kind, valid, .. }) => {
                assert_eq!(kind, "years");
                assert_eq!(valid, ["2024", "2025"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            year_of(Some("twenty"), &years),
            Err(WebError::BadRequest(m)) if m.contains("2024, 2025")
        ));
    }
}

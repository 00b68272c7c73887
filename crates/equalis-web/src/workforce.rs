//! The workforce pages: the published WRES, WDES, pay gaps and quarterly dashboard of the ICS
//! and each organisation, each a document built by `equalis_app::workforce` (the same one
//! `equalis workforce` prints) and shown sheet by sheet, or as its CSV. Nothing is computed
//! here: every figure comes through that crate's disclosure control, in the published view.

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
use crate::pages::{CellView, HeadView, RowView, TableView, csv_response, encode, query};
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

/// The query of a return's page: `?format=csv` for its CSV.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReturnQuery {
    /// `html` (the default) or `csv`.
    pub format: Option<String>,
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
    let orgs = with_workspace(&state, |ws| {
        let Some(codes) =
            equalis_app::workforce::organisations(ws).map_err(|e| app_error(e, "", Vec::new()))?
        else {
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

/// `GET /workforce/{org}/{return}` (and `{return}.csv`, or `?format=csv`): one published return
/// of the ICS (`ics`) or an organisation (its ODS code).
pub(crate) async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((org, ret)): Path<(String, String)>,
    q: Result<Query<ReturnQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.require_published(&state, &uri.to_string())?;
    let q = query(q)?;
    let (ret, csv) = match ret.strip_suffix(".csv") {
        Some(r) => (r.to_owned(), true),
        None => match q.format.as_deref() {
            None | Some("" | "html") => (ret, false),
            Some("csv") => (ret, true),
            Some(other) => {
                return Err(WebError::BadRequest(format!(
                    "There is no format `{other}`: ask for `html` (the default) or `csv`."
                )));
            }
        },
    };
    let Some(&(slug, kind, label)) = RETURNS.iter().find(|(s, _, _)| *s == ret) else {
        return Err(WebError::NotFound {
            what: format!("There is no workforce return `{ret}`."),
            kind: "returns",
            valid: RETURNS.iter().map(|(s, _, _)| (*s).to_owned()).collect(),
        });
    };
    let code = org.clone();
    let (doc, name) = with_workspace(&state, move |ws| build(ws, &code, kind)).await?;
    if csv {
        let bytes = doc.report.csv().map_err(WebError::internal)?;
        let body = Body::download(bytes, &format!("workforce-{org}-{slug}.csv"));
        return Ok(csv_response(&body));
    }
    let sheets: Vec<TableView> = doc.report.sheets.iter().map(sheet_view).collect();
    let cover: Vec<(String, String)> = doc.report.cover.clone();
    let page = render(
        "workforce_return.html",
        context! {
            title => format!("{label}: {name}"),
            heading => label,
            org_name => name,
            report_title => doc.report.title.clone(),
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [HOME, WORKFORCE],
            cover,
            sheets,
            csv_href => format!("/workforce/{}/{slug}.csv", encode(&org)),
        },
    )?;
    Ok(Html(page).into_response())
}

/// The published document `kind` of `org` (`ics` or an ODS code), with the organisation's name
/// from the workspace settings; a 404 listing the organisations when it is not one of them.
fn build(ws: &Workspace, org: &str, kind: ReturnKind) -> Result<(Document, String), WebError> {
    let opts = WorkforceOptions {
        org: (org != ICS).then(|| org.to_owned()),
        ..WorkforceOptions::default()
    };
    match equalis_app::workforce::build(ws, kind, &opts) {
        Ok(doc) => {
            let name = if org == ICS {
                "Whole ICS".to_owned()
            } else {
                ws.config()
                    .organisations
                    .get(org)
                    .cloned()
                    .unwrap_or_else(|| org.to_owned())
            };
            Ok((doc, name))
        }
        Err(e) if e.kind == ErrorKind::NotFound => {
            // Which organisations there are, for the 404 to list (none without staff data).
            match equalis_app::workforce::organisations(ws) {
                Ok(Some(codes)) => {
                    let valid = std::iter::once(ICS.to_owned()).chain(codes).collect();
                    Err(app_error(e, "organisations", valid))
                }
                _ => Err(app_error(e, "", Vec::new())),
            }
        }
        Err(e) => Err(app_error(e, "", Vec::new())),
    }
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

//! `/directory/edit`: the directory editor's pages, for the `edi_lead` and `admin` roles.
//!
//! The list of services with their freshness, a form to add or change a service (the fields
//! are the columns of the flat layout, `equalis_directory::table`, so a typed value is
//! checked by the same rule as an imported one), marking a service reviewed today,
//! withdrawing it (status inactive), and the services not reviewed in 12 months with a CSV.
//!
//! Handlers are thin: they check who is asking first, turn the form into the layout's cells
//! and call `equalis_app::directory::edit`; every change is saved and audited by the store.
//! A form that does not pass is shown again with everything typed and an error by each field
//! (the NHS.UK error summary pattern). "Today" is the store's clock's, so tests set it.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_app::directory::edit;
use equalis_directory::{COLUMNS, CellProblem, Cells, Freshness, Placement, freshness};
use equalis_store::directory::{Paging, ServiceQuery};
use equalis_store::{Actor, Role, User};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;
use crate::templates::{account, render};

/// The routes of this module.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/directory/edit", get(list))
        .route("/directory/edit/new", get(new_form).post(create))
        .route("/directory/edit/stale", get(stale))
        .route("/directory/edit/stale.csv", get(stale_csv))
        .route("/directory/edit/services/{id}", get(edit_form).post(update))
        .route("/directory/edit/services/{id}/reviewed", post(reviewed))
        .route("/directory/edit/services/{id}/withdraw", post(withdraw))
}

/// How many services a page of the list shows.
const PER_PAGE: u64 = 50;

/// The form's fields: the layout's columns, each with its label and hint, in sections.
/// A field of the form: its column, label and hint.
type Field = (&'static str, &'static str, &'static str);

const SECTIONS: &[(&str, &[Field])] = &[
    (
        "Organisation",
        &[
            (
                "organisation",
                "Organisation",
                "The organisation providing the service",
            ),
            ("organisation_description", "What the organisation does", ""),
            (
                "organisation_website",
                "Organisation's website",
                "Starting https://",
            ),
        ],
    ),
    (
        "Service",
        &[
            ("service_name", "Service name", ""),
            ("description", "What the service offers", ""),
            ("url", "Web page", "Starting https://"),
            ("email", "Email address", ""),
            (
                "contact_name",
                "Contact",
                "Whom the phone number reaches: a team or a post",
            ),
            ("phone", "Phone number", "For example, 0113 496 0000"),
            (
                "taxonomy_terms",
                "Taxonomy terms",
                "Codes of the needs it meets, separated by ; (for example, MH; FOOD)",
            ),
            (
                "languages",
                "Languages",
                "ISO 639-1 codes of the languages it is delivered in, separated by ; (for example, en; pl; ur)",
            ),
            ("fees", "Fees", "What it costs, in words; blank if free"),
            ("minimum_age", "Youngest age served", "In years"),
            ("maximum_age", "Oldest age served", "In years"),
        ],
    ),
    (
        "Location",
        &[
            (
                "location_name",
                "Name of the place",
                "A name alone, without an address, is an online or telephone service",
            ),
            ("address_1", "Address line 1", ""),
            ("town", "Town or city", ""),
            ("county", "County", ""),
            ("postcode", "Postcode", ""),
            (
                "latitude",
                "Latitude",
                "WGS 84 degrees, for example 53.7965; leave blank to place it from the postcode",
            ),
            (
                "longitude",
                "Longitude",
                "WGS 84 degrees, for example -1.5478; leave blank to place it from the postcode",
            ),
            (
                "accessibility",
                "Accessibility",
                "For disabled people: step-free access, a hearing loop, accessible toilets",
            ),
            (
                "schedule",
                "Opening hours",
                "For example, Monday to Friday 9am to 5pm",
            ),
        ],
    ),
    (
        "Review",
        &[
            ("assured_date", "Last reviewed", "YYYY-MM-DD or DD/MM/YYYY"),
            ("assurer_email", "Reviewed by", "Their email address"),
        ],
    ),
];

/// Fields shown as a text area rather than a one-line input.
const LONG: &[&str] = &[
    "organisation_description",
    "description",
    "accessibility",
    "schedule",
];

fn label(column: &str) -> &'static str {
    if column == "status" {
        return "Status";
    }
    SECTIONS
        .iter()
        .flat_map(|(_, fields)| fields.iter())
        .find(|(c, _, _)| *c == column)
        .map_or("The form", |(_, l, _)| l)
}

/// The signed-in editor (`edi_lead` or `admin`); the public are sent to sign in, others refused.
fn require<'a>(viewer: &'a Viewer, uri: &Uri) -> Result<&'a User, WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    if matches!(user.role, Role::EdiLead | Role::Admin) {
        Ok(user)
    } else {
        Err(WebError::Forbidden(format!(
            "Only the edi_lead and admin roles edit the directory of services; you are signed in as {}.",
            user.role
        )))
    }
}

type Posted = Result<Form<Vec<(String, String)>>, FormRejection>;

/// The posted fields, once the form's CSRF token is this session's.
fn posted(viewer: &Viewer, form: Posted) -> Result<BTreeMap<String, String>, WebError> {
    let Form(pairs) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    let fields: BTreeMap<String, String> = pairs.into_iter().collect();
    let ok = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.check_csrf(fields.get("csrf_token").map_or("", String::as_str)));
    if ok { Ok(fields) } else { Err(WebError::Csrf) }
}

/// The layout's cells from the form's fields (anything else posted is ignored).
fn cells(fields: &BTreeMap<String, String>) -> Cells {
    COLUMNS
        .iter()
        .map(|c| (c.name, fields.get(c.name).cloned().unwrap_or_default()))
        .collect()
}

fn today(state: &AppState) -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(state.store().config().clock.now())
        .date()
}

fn date_text(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

fn app_error(e: equalis_app::Error) -> WebError {
    match e.kind {
        equalis_app::ErrorKind::NotFound => WebError::NotFound {
            what: e.message,
            kind: "",
            valid: Vec::new(),
        },
        equalis_app::ErrorKind::Invalid | equalis_app::ErrorKind::Conflict => {
            WebError::BadRequest(e.message)
        }
        _ => WebError::internal(e.message),
    }
}

fn actor(user: &User) -> Actor {
    Actor::User(user.email.clone())
}

#[derive(Debug, Serialize)]
struct ErrorView {
    message: String,
    href: String,
}

/// The error summary's entries and each field's message.
fn errors(problems: &[CellProblem]) -> (Vec<ErrorView>, BTreeMap<String, String>) {
    let mut summary = Vec::new();
    let mut by_field = BTreeMap::new();
    for p in problems {
        // A problem of the row as a whole is shown against the service's name.
        let field = if p.column.is_empty() {
            "service_name"
        } else {
            p.column.as_str()
        };
        let sep = if p.reason.starts_with('`') { ": " } else { " " };
        let message = format!("{}{sep}{}", label(&p.column), p.reason);
        summary.push(ErrorView {
            message: message.clone(),
            href: format!("#{field}"),
        });
        by_field.entry(field.to_owned()).or_insert(message);
    }
    (summary, by_field)
}

fn freshness_view(f: Freshness) -> Value {
    match f {
        Freshness::Fresh { reviewed } => {
            context! { label => "Reviewed", reviewed => date_text(reviewed), stale => false }
        }
        Freshness::Stale { reviewed } => {
            context! { label => "Review due", reviewed => date_text(reviewed), stale => true }
        }
        Freshness::NeverReviewed => {
            context! { label => "Never reviewed", reviewed => "", stale => true }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
}

/// `GET /directory/edit`: every service (or those matching `q`), by name, with freshness.
pub(crate) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    require(&viewer, &uri)?;
    let page = match q.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p.parse::<u64>().ok().filter(|&n| n >= 1).ok_or_else(|| {
            WebError::BadRequest(format!("`{p}` is not a page number (1 or more)."))
        })?,
    };
    let text = q.q.trim();
    let query = ServiceQuery {
        text: (!text.is_empty()).then(|| text.to_owned()),
        ..ServiceQuery::default()
    };
    let found = state
        .store()
        .directory_services(
            &query,
            Paging {
                page,
                per_page: PER_PAGE,
            },
        )
        .await?;
    let today = today(&state);
    let rows: Vec<Value> = found
        .items
        .iter()
        .map(|h| {
            let s = &h.service;
            context! {
                id => s.id,
                name => s.name,
                organisation => s.organization.as_ref().map(|o| o.name.clone()),
                status => s.status.as_str(),
                freshness => freshness_view(freshness(s, today)),
            }
        })
        .collect();
    let pages = found.total_items.div_ceil(PER_PAGE).max(1);
    let link = |p: u64| {
        let mut href = format!("/directory/edit?page={p}");
        if !text.is_empty() {
            href.push_str(&format!("&q={}", percent_encode(text)));
        }
        href
    };
    render(
        "directory/edit/list.html",
        context! {
            title => "Edit the directory of services",
            account => account(&viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            rows,
            total => found.total_items,
            q => text,
            page,
            pages,
            previous => (page > 1).then(|| link(page - 1)),
            next => (page < pages).then(|| link(page + 1)),
        },
    )
    .map(Html)
}

/// A query-string value, percent-encoded (unreserved characters kept).
fn percent_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The form.

fn sections() -> Vec<Value> {
    SECTIONS
        .iter()
        .map(|(legend, fields)| {
            let fields: Vec<Value> = fields
                .iter()
                .map(|(name, label, hint)| {
                    context! { name, label, hint, long => LONG.contains(name) }
                })
                .collect();
            context! { legend, fields }
        })
        .collect()
}

fn statuses() -> Vec<Value> {
    [
        ("active", "Active"),
        ("temporarily closed", "Temporarily closed"),
        ("inactive", "Inactive (withdrawn)"),
        ("defunct", "Closed for good"),
    ]
    .iter()
    .map(|(value, label)| context! { value, label })
    .collect()
}

struct FormPage<'a> {
    viewer: &'a Viewer,
    id: Option<&'a str>,
    values: BTreeMap<String, String>,
    problems: &'a [CellProblem],
    done: Option<&'a str>,
    others: usize,
    /// Where the location was placed from its postcode, when its coordinates are that.
    placed: Option<&'a Placement>,
}

fn form_page(p: FormPage<'_>) -> Result<String, WebError> {
    let (summary, by_field) = errors(p.problems);
    let action = p.id.map_or_else(
        || "/directory/edit/new".to_owned(),
        |id| format!("/directory/edit/services/{id}"),
    );
    let done = match p.done {
        Some("saved") => Some("The service was saved."),
        Some("reviewed") => Some("The service was marked as reviewed today."),
        Some("withdrawn") => Some("The service was withdrawn: its status is now inactive."),
        _ => None,
    };
    let title = match p.id {
        Some(_) => format!(
            "Change {}",
            p.values
                .get("service_name")
                .map_or("the service", String::as_str)
        ),
        None => "Add a service".to_owned(),
    };
    render(
        "directory/edit/form.html",
        context! {
            title,
            account => account(p.viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Edit the directory", href => "/directory/edit" },
            ],
            action,
            id => p.id,
            v => p.values,
            errors => summary,
            err => by_field,
            sections => sections(),
            statuses => statuses(),
            done,
            others => p.others,
            placed => p.placed.map(|p| context! {
                exact => p.exact,
                postcode => p.postcode,
                sector => p.sector(),
                latitude => p.latitude,
                longitude => p.longitude,
            }),
        },
    )
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

/// `GET /directory/edit/new`: the form for a new service.
pub(crate) async fn new_form(viewer: Viewer, uri: Uri) -> Result<Html<String>, WebError> {
    require(&viewer, &uri)?;
    let values = BTreeMap::from([("status".to_owned(), "active".to_owned())]);
    form_page(FormPage {
        viewer: &viewer,
        id: None,
        values,
        problems: &[],
        done: None,
        others: 0,
        placed: None,
    })
    .map(Html)
}

/// `POST /directory/edit/new`: adds a service, or shows the form again with its errors.
pub(crate) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri)?;
    let fields = posted(&viewer, form)?;
    save(&state, &viewer, user, None, fields).await
}

/// Saves the posted `fields` as a new service (`old` is `None`) or as `old`: to the
/// service's page when saved, else the form again (422) with an error by each field and
/// everything typed. The handlers check who is asking and the CSRF token first.
async fn save(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    old: Option<&equalis_directory::Service>,
    fields: BTreeMap<String, String>,
) -> Result<Response, WebError> {
    let id = old.map(|s| s.id.as_str());
    match edit::save_form(state.store(), &actor(user), id, &cells(&fields))
        .await
        .map_err(app_error)?
    {
        Ok(s) => Ok(
            Redirect::to(&format!("/directory/edit/services/{}?done=saved", s.id)).into_response(),
        ),
        Err(problems) => {
            let body = form_page(FormPage {
                viewer,
                id,
                values: typed(fields),
                problems: &problems,
                done: None,
                others: old.map_or(0, |s| s.service_at_locations.len().saturating_sub(1)),
                placed: None,
            })?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
    }
}

/// The fields as typed, to show again (the CSRF token is the session's, not the form's).
fn typed(mut fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
    fields.remove("csrf_token");
    fields
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct EditQuery {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /directory/edit/services/{id}`: the service as a form, with its review and withdraw
/// buttons.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Html<String>, WebError> {
    require(&viewer, &uri)?;
    let s = edit::load(state.store(), &id).await.map_err(app_error)?;
    let (row, placed) = edit::form_row(&s);
    let values = row.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    form_page(FormPage {
        viewer: &viewer,
        id: Some(&s.id),
        values,
        problems: &[],
        done: q.done.as_deref(),
        others: s.service_at_locations.len().saturating_sub(1),
        placed: placed.as_ref(),
    })
    .map(Html)
}

/// `POST /directory/edit/services/{id}`: saves the changes, or shows the form again.
pub(crate) async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri)?;
    let fields = posted(&viewer, form)?;
    let old = edit::load(state.store(), &id).await.map_err(app_error)?;
    save(&state, &viewer, user, Some(&old), fields).await
}

/// `POST /directory/edit/services/{id}/reviewed`: the service was checked today.
pub(crate) async fn reviewed(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri)?;
    posted(&viewer, form)?;
    let s = edit::mark_reviewed(state.store(), &actor(user), &id, today(&state))
        .await
        .map_err(app_error)?;
    Ok(Redirect::to(&format!("/directory/edit/services/{}?done=reviewed", s.id)).into_response())
}

/// `POST /directory/edit/services/{id}/withdraw`: the service no longer runs (inactive).
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    Path(id): Path<String>,
    form: Posted,
) -> Result<Response, WebError> {
    let user = require(&viewer, &uri)?;
    posted(&viewer, form)?;
    let s = edit::withdraw(state.store(), &actor(user), &id)
        .await
        .map_err(app_error)?;
    Ok(Redirect::to(&format!("/directory/edit/services/{}?done=withdrawn", s.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// Freshness.

/// `GET /directory/edit/stale`: the services not reviewed in the last 12 months.
pub(crate) async fn stale(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    require(&viewer, &uri)?;
    let today = today(&state);
    let rows: Vec<Value> = edit::stale(state.store(), today)
        .await
        .map_err(app_error)?
        .iter()
        .map(|r| {
            context! {
                id => r.service.id,
                name => r.service.name,
                organisation => r.service.organization.as_ref().map(|o| o.name.clone()),
                status => r.service.status.as_str(),
                reviewed => r.reviewed.map(date_text),
                months => r.months,
            }
        })
        .collect();
    render(
        "directory/edit/stale.html",
        context! {
            title => "Services not reviewed in 12 months",
            account => account(&viewer),
            breadcrumbs => [
                context! { label => "Home", href => "/" },
                context! { label => "Edit the directory", href => "/directory/edit" },
            ],
            rows,
            since => date_text(equalis_directory::fresh_since(today)),
        },
    )
    .map(Html)
}

/// `GET /directory/edit/stale.csv`: the same list as CSV.
pub(crate) async fn stale_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    require(&viewer, &uri)?;
    let rows = edit::stale(state.store(), today(&state))
        .await
        .map_err(app_error)?;
    let body = edit::stale_csv(&rows).map_err(app_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"directory-stale.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

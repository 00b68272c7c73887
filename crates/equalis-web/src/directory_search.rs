//! The directory of services' public pages: `/directory` (search by need, words, postcode and
//! distance, language spoken and accessibility, paged) and `/directory/services/{id}` (one
//! service: contacts, places, opening times, languages, accessibility, last review).
//!
//! Anyone may read them, signed in or not and whatever `public_pages` says: a directory of
//! services is published, and holds no statistic. No JavaScript: the form is a GET form, so a
//! search is a link that can be shared. The search itself is `equalis_app::directory_search`;
//! these handlers read the query, call it and render.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use equalis_app::directory_search::{
    self as ds, DISTANCES_MILES, Filters, PER_PAGE, SearchRequest,
};
use equalis_directory::terms::ACCESSIBILITY_TAXONOMY_ID;
use equalis_directory::{Attribute, Service, freshness};
use minijinja::{Value, context};

use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;
use crate::templates::{account, render};

/// The routes of the public directory pages.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/directory", get(search))
        .route("/directory/services/{id}", get(service))
}

fn app_error(e: equalis_app::Error) -> WebError {
    match e.kind {
        equalis_app::ErrorKind::Invalid
        | equalis_app::ErrorKind::NotFound
        | equalis_app::ErrorKind::Conflict => WebError::BadRequest(e.message),
        equalis_app::ErrorKind::Fault => WebError::internal(e.message),
    }
}

/// The query string as name → values, in order (accessibility features repeat a name).
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// `GET /directory`: the search form, and the results when something was asked.
async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, WebError> {
    let params = Params(
        query
            .map_err(|e| WebError::BadRequest(format!("The search address is malformed: {e}")))?
            .0,
    );
    let page = match params.get("page").as_str() {
        "" => 1,
        p => p.parse::<u64>().ok().filter(|&p| p >= 1).ok_or_else(|| {
            WebError::BadRequest(format!(
                "`page={p}` is not a page number: pages are numbered from 1."
            ))
        })?,
    };
    let req = SearchRequest {
        text: params.get("q"),
        need: params.get("need"),
        postcode: params.get("postcode"),
        miles: params.get("miles"),
        language: params.get("language"),
        access: params.all("access"),
        page,
    };
    let store = state.store();
    let filters = ds::filters(store).await.map_err(app_error)?;
    let outcome = ds::search(store, &req).await.map_err(app_error)?;
    // A search the form cannot make is still the search page, answered 200 with the error
    // summary (a GET form: the page itself was found; the fields say what to change).
    let status = StatusCode::OK;
    let from = outcome
        .origin
        .as_ref()
        .and_then(|o| equalis_directory::Point::new(o.lat, o.long));
    let results = outcome.page.as_ref().map(|p| {
        let pages = p.total_items.div_ceil(PER_PAGE).max(1);
        let link = |n: u64| page_link(&params, n);
        context! {
            total => p.total_items,
            page => p.paging.page,
            pages,
            first => (p.paging.page - 1) * PER_PAGE + 1,
            last => ((p.paging.page - 1) * PER_PAGE + p.items.len() as u64),
            previous => (p.paging.page > 1).then(|| link(p.paging.page - 1)),
            next => (p.paging.page < pages).then(|| link(p.paging.page + 1)),
            items => p.items.iter().map(|hit| {
                let nearest = nearest_place(&hit.service, from);
                context! {
                    id => hit.service.id,
                    name => hit.service.name,
                    organisation => hit.service.organization.as_ref().map(|o| o.name.clone()),
                    description => hit.service.description,
                    distance => hit.distance_m.map(ds::distance_label),
                    place => nearest,
                    needs => terms_of(&hit.service, |t| !is_language(t) && !is_access(t)),
                    languages => terms_of(&hit.service, is_language),
                }
            }).collect::<Vec<_>>(),
        }
    });
    let origin = outcome.origin.as_ref().map(|o| {
        context! {
            postcode => o.query.as_str(),
            precision => o.precision.to_string(),
            exact => o.precision == ds::PostcodePrecision::Postcode,
        }
    });
    let body = render(
        "directory/search/index.html",
        context! {
            title => if outcome.page.is_some() { "Directory of services: search results" } else { "Find a service" },
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => Vec::<Value>::new(),
            form => context! {
                q => req.text,
                need => req.need,
                postcode => req.postcode,
                miles => if req.miles.is_empty() { DISTANCES_MILES[0].to_string() } else { req.miles.clone() },
                language => req.language,
                access => req.access,
            },
            distances => DISTANCES_MILES,
            filters => filter_options(&filters),
            errors => outcome.errors.iter().map(|e| context! { field => e.field, message => e.message }).collect::<Vec<_>>(),
            origin,
            miles => outcome.miles,
            results,
        },
    )?;
    Ok((status, Html(body)).into_response())
}

/// The address of page `n` of the same search.
fn page_link(params: &Params, n: u64) -> String {
    let mut pairs: Vec<(&str, String)> = params
        .0
        .iter()
        .filter(|(k, v)| k != "page" && !v.is_empty())
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    pairs.push(("page", n.to_string()));
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("/directory?{query}")
}

/// Percent-encodes a query value (`application/x-www-form-urlencoded`).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn filter_options(f: &Filters) -> Value {
    let list = |terms: &[equalis_directory::TaxonomyTerm]| {
        terms
            .iter()
            .map(|t| context! { id => t.id, name => t.name })
            .collect::<Vec<_>>()
    };
    context! {
        needs => list(&f.needs),
        languages => list(&f.languages),
        access => list(&f.access),
    }
}

fn is_language(t: &equalis_directory::TaxonomyTerm) -> bool {
    equalis_directory::is_language_term(t)
}

fn is_access(t: &equalis_directory::TaxonomyTerm) -> bool {
    t.taxonomy_id.as_deref() == Some(ACCESSIBILITY_TAXONOMY_ID)
}

/// The names of the service's nested terms that pass `keep`, in order, each once.
fn terms_of(s: &Service, keep: impl Fn(&equalis_directory::TaxonomyTerm) -> bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in s
        .all_attributes()
        .into_iter()
        .filter_map(|a: &Attribute| a.taxonomy_term.as_ref())
    {
        if keep(t) && !names.contains(&t.name) {
            names.push(t.name.clone());
        }
    }
    names
}

/// The place a result is shown at: the nearest to `from` when searching by distance, else the
/// first; as "name, town, postcode".
fn nearest_place(s: &Service, from: Option<equalis_directory::Point>) -> Option<String> {
    let nearest = from.and_then(|from| {
        s.points()
            .into_iter()
            .min_by(|a, b| from.distance_m(a.1).total_cmp(&from.distance_m(b.1)))
            .map(|(sal, _)| sal)
    });
    nearest
        .into_iter()
        .chain(&s.service_at_locations)
        .find_map(|sal| {
            let l = sal.location.as_ref()?;
            let a = l.addresses.first();
            let parts: Vec<&str> = [
                l.name.as_deref(),
                a.map(|a| a.city.as_str()),
                a.map(|a| a.postal_code.as_str()),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        })
}

/// `GET /directory/services/{id}`: one service.
async fn service(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let Some(s) = ds::service(state.store(), &id).await.map_err(app_error)? else {
        return Err(WebError::NotFound {
            what: "There is no such service in the directory.".into(),
            kind: "",
            valid: Vec::new(),
        });
    };
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(state.store().config().clock.now())
        .date();
    let fresh = freshness(&s, today);
    let places: Vec<Value> = s
        .service_at_locations
        .iter()
        .filter_map(|sal| sal.location.as_ref())
        .map(|l| {
            context! {
                name => l.name,
                virtual_ => l.location_type == equalis_directory::LocationType::Virtual,
                description => l.description,
                addresses => l.addresses.iter().map(|a| context! {
                    line => a.address_1,
                    city => a.city,
                    county => a.state_province,
                    postcode => a.postal_code,
                }).collect::<Vec<_>>(),
                access => l.accessibility.iter().map(|a| context! {
                    description => a.description.clone().or_else(|| a.accessibility.clone()),
                    details => a.details,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let body = render(
        "directory/search/service.html",
        context! {
            title => s.name,
            account => account(&viewer),
            show_sign_in => viewer.user.is_none(),
            breadcrumbs => [context! { label => "Directory of services", href => "/directory" }],
            s => context! {
                name => s.name,
                description => s.description,
                organisation => s.organization.as_ref().map(|o| o.name.clone()),
                url => s.url,
                email => s.email,
                fees => s.fees,
                ages => ages(s.minimum_age, s.maximum_age),
                needs => terms_of(&s, |t| !is_language(t) && !is_access(t)),
                languages => terms_of(&s, is_language),
                access_terms => terms_of(&s, is_access),
                contacts => s.contacts.iter().map(|c| context! { name => c.name, title => c.title }).collect::<Vec<_>>(),
                schedules => s.schedules.iter().map(|x| context! {
                    description => x.description,
                    days => x.byday.as_deref().map(days),
                    opens => x.opens_at,
                    closes => x.closes_at,
                }).collect::<Vec<_>>(),
                costs => s.cost_options.iter().map(|c| context! {
                    option => c.option,
                    amount => c.amount.map(|a| format!("£{a:.2}")),
                    description => c.amount_description,
                }).collect::<Vec<_>>(),
                places,
                reviewed => s.assured_date,
                stale => fresh.is_stale(),
            },
        },
    )?;
    Ok((StatusCode::OK, Html(body)).into_response())
}

fn ages(min: Option<f64>, max: Option<f64>) -> Option<String> {
    match (min, max) {
        (Some(lo), Some(hi)) => Some(format!("{lo} to {hi} years")),
        (Some(lo), None) => Some(format!("{lo} years and over")),
        (None, Some(hi)) => Some(format!("up to {hi} years")),
        (None, None) => None,
    }
}

/// iCalendar day codes as words: `MO,WE` → "Monday, Wednesday".
fn days(byday: &str) -> String {
    byday
        .split(',')
        .map(|d| match d.trim() {
            "MO" => "Monday",
            "TU" => "Tuesday",
            "WE" => "Wednesday",
            "TH" => "Thursday",
            "FR" => "Friday",
            "SA" => "Saturday",
            "SU" => "Sunday",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_search_and_encode_it() {
        let p = Params(vec![
            ("q".into(), "food & drink".into()),
            ("access".into(), "a".into()),
            ("access".into(), "b".into()),
            ("page".into(), "3".into()),
            ("language".into(), String::new()),
        ]);
        assert_eq!(
            page_link(&p, 4),
            "/directory?q=food+%26+drink&access=a&access=b&page=4"
        );
        assert_eq!(days("MO,TU"), "Monday, Tuesday");
        assert_eq!(ages(Some(60.0), None).unwrap(), "60 years and over");
    }
}

//! The directory of services' read API on Open Referral UK 3.0, under [`ORUK_BASE`]: the
//! profile's paths (`/`, `/services`, `/services/{id}`, `/service_at_locations`,
//! `/service_at_locations/{id}`, `/taxonomies`, `/taxonomies/{id}`, `/taxonomy_terms`,
//! `/taxonomy_terms/{id}`) answering in the profile's JSON shapes, and its API document,
//! unchanged, at `openapi.json`. A test validates every answer against the profile's schemas.
//!
//! Publicly readable, whatever `public_pages` says: a directory of services is published for
//! providers and the people who use them, and holds no statistic (so nothing here passes
//! through disclosure control: no count leaves).
//!
//! Filters: `search` (words in the name, description or organization name), `taxonomy_term_id`,
//! and proximity, nearest first: within `proximity` metres of the centroid of `postcode` (as
//! the profile's API document defines the two), or of `lat` and `long` (WGS 84 degrees;
//! `proximity` defaults to [`DEFAULT_PROXIMITY_M`] there); `page` (from 1) and `per_page` (1
//! to [`MAX_PER_PAGE`]). A postcode is placed by `equalis_app::directory_search::locate`, as
//! the public search page places it (the ONS Postcode Lookup shipped with equalis); outside
//! the areas shipped postcode by postcode, at its sector's centre, which the answer's
//! [`POSTCODE_ORIGIN_HEADER`] says. The profile's other filters (`taxonomy_id`, ages, times,
//! days, `modified_after`, …), and `postcode` without `proximity` (which the profile defines
//! as a check of each service's `service_area`, whose extents this directory does not read),
//! are answered with a 400 naming what is supported, rather than ignored: a client that
//! filters must not be shown every service as if they matched.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use equalis_app::directory_search::{self as ds, PostcodeLocation};
use equalis_directory::{ORUK_PROFILE_URL, ORUK_VERSION, Point, Service};
use equalis_store::directory::{Page, Paging, ServiceAtLocationHit, ServiceQuery};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::WebError;
use crate::state::AppState;

/// Where the ORUK API is mounted.
pub const ORUK_BASE: &str = "/directory/api";

/// The profile's API document, unchanged (`standards/oruk-3.0/schema/openapi.json`).
pub const ORUK_OPENAPI: &str = include_str!("../../../standards/oruk-3.0/schema/openapi.json");

/// Items in a page when `per_page` is not given.
pub const DEFAULT_PER_PAGE: u64 = 50;
/// The most items a page may ask for.
pub const MAX_PER_PAGE: u64 = 1000;
/// The radius of a proximity search when `proximity` is not given, in metres.
pub const DEFAULT_PROXIMITY_M: f64 = 5_000.0;
/// The header of a search by `postcode` that says where it was searched from:
/// `LE1 1AA; precision=postcode; lat=52.63212; long=-1.12498` (precision `postcode`, or
/// `postcode sector` or `postcode district` when placed at a sector's or district's centre).
pub const POSTCODE_ORIGIN_HEADER: &str = "equalis-postcode-origin";
/// The widest proximity search, in metres (the length of England and then some).
const MAX_PROXIMITY_M: f64 = 1_000_000.0;

/// The paths answered under [`ORUK_BASE`], in OpenAPI's (and axum's) syntax.
pub const ORUK_ROUTES: [&str; 10] = [
    "/",
    "/services",
    "/services/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
    "/openapi.json",
];

type Params = Query<Vec<(String, String)>>;

/// The query parameters, checked: only those named in `allowed`, each once, each parseable.
struct Checked {
    params: Vec<(String, String)>,
}

impl Checked {
    fn new(Query(params): Params, allowed: &[&str]) -> Result<Checked, WebError> {
        for (i, (name, _)) in params.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(WebError::BadRequest(format!(
                    "`{name}` is not a filter this directory supports here: use {}.",
                    allowed.join(", ")
                )));
            }
            if params[..i].iter().any(|(n, _)| n == name) {
                return Err(WebError::BadRequest(format!("`{name}` is given twice.")));
            }
        }
        Ok(Checked { params })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn number<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<Option<T>, WebError> {
        self.get(name)
            .map(|v| {
                v.parse::<T>().map_err(|_| {
                    WebError::BadRequest(format!("`{name}={v}` is not allowed: give {what}."))
                })
            })
            .transpose()
    }

    fn paging(&self) -> Result<Paging, WebError> {
        let page = self
            .number::<u64>("page", "a whole number from 1")?
            .unwrap_or(1);
        let per_page = self
            .number::<u64>(
                "per_page",
                &format!("a whole number from 1 to {MAX_PER_PAGE}"),
            )?
            .unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(WebError::BadRequest(
                "`page=0` is not allowed: pages are numbered from 1.".into(),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(WebError::BadRequest(format!(
                "`per_page={per_page}` is not allowed: give a whole number from 1 to {MAX_PER_PAGE}."
            )));
        }
        Ok(Paging { page, per_page })
    }

    /// The search asked for, and where its postcode was placed when it names one.
    fn service_query(&self) -> Result<(ServiceQuery, Option<PostcodeLocation>), WebError> {
        let lat = self.number::<f64>("lat", "a latitude in degrees, −90 to 90")?;
        let long = self.number::<f64>("long", "a longitude in degrees, −180 to 180")?;
        let radius = self.number::<f64>("proximity", "a distance in metres")?;
        let within = |radius: f64| {
            if radius > 0.0 && radius <= MAX_PROXIMITY_M {
                Ok(radius)
            } else {
                Err(WebError::BadRequest(format!(
                    "`proximity={radius}` is not allowed: give metres, more than 0 and at most {MAX_PROXIMITY_M}."
                )))
            }
        };
        let mut origin = None;
        let near = match (self.get("postcode"), lat, long) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(WebError::BadRequest(
                    "Give `postcode` or `lat` and `long`, not both.".into(),
                ));
            }
            (Some(postcode), None, None) => {
                let Some(radius) = radius else {
                    return Err(WebError::BadRequest(format!(
                        "`postcode` without `proximity` asks for the services whose service area covers it, \
                         and this directory does not read service areas: give `proximity` in metres too, \
                         such as `postcode={}&proximity=5000`.",
                        postcode.replace(' ', "+")
                    )));
                };
                let radius = within(radius)?;
                let loc = ds::locate(postcode).map_err(|e| {
                    WebError::BadRequest(format!("`postcode={postcode}`: {}.", e.message))
                })?;
                let point = Point::new(loc.lat, loc.long).ok_or_else(|| {
                    WebError::internal(format!(
                        "postcode {} is placed off the globe ({}, {})",
                        loc.query.as_str(),
                        loc.lat,
                        loc.long
                    ))
                })?;
                origin = Some(loc);
                Some((point, radius))
            }
            (None, Some(lat), Some(long)) => {
                let point = Point::new(lat, long).ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "`lat={lat}&long={long}` is not a point on the globe: latitude −90 to 90, longitude −180 to 180."
                    ))
                })?;
                Some((point, within(radius.unwrap_or(DEFAULT_PROXIMITY_M))?))
            }
            (None, None, None) if radius.is_some() => {
                return Err(WebError::BadRequest(
                    "`proximity` needs a point: give `postcode`, or `lat` and `long`, too.".into(),
                ));
            }
            (None, None, None) => None,
            (None, _, _) => {
                return Err(WebError::BadRequest(
                    "Give both `lat` and `long`, or neither.".into(),
                ));
            }
        };
        let query = ServiceQuery {
            text: self.get("search").map(str::to_string),
            taxonomy_term_id: self.get("taxonomy_term_id").map(str::to_string),
            near,
            ..ServiceQuery::default()
        };
        Ok((query, origin))
    }
}

const LIST_FILTERS: [&str; 8] = [
    "search",
    "taxonomy_term_id",
    "postcode",
    "lat",
    "long",
    "proximity",
    "page",
    "per_page",
];

fn json_response<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => WebError::internal(e).json(),
    }
}

/// A page in the profile's envelope (`#/components/schemas/Page`) around `contents`.
/// One page of a list as the ORUK API answers it, each item made JSON by `item`.
fn list_response<T>(
    page: &Page<T>,
    item: impl Fn(&T) -> Result<Value, WebError>,
) -> Result<Response, WebError> {
    let contents = page.items.iter().map(item).collect::<Result<_, _>>()?;
    Ok(json_response(&page_of(page, contents)))
}

fn page_of<T>(page: &Page<T>, contents: Vec<Value>) -> Value {
    let per_page = page.paging.per_page.max(1);
    let total_pages = page.total_items.div_ceil(per_page);
    json!({
        "total_items": page.total_items,
        "total_pages": total_pages,
        "page_number": page.paging.page,
        "size": contents.len(),
        "first_page": page.paging.page == 1,
        "last_page": page.paging.page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// The answer, saying where its postcode was placed when the search named one.
fn with_origin(mut response: Response, origin: Option<&PostcodeLocation>) -> Response {
    if let Some(o) = origin {
        let value = format!(
            "{}; precision={}; lat={}; long={}",
            o.query.as_str(),
            o.precision,
            o.lat,
            o.long
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(POSTCODE_ORIGIN_HEADER, v);
        }
    }
    response
}

fn to_value<T: Serialize>(t: &T) -> Result<Value, WebError> {
    serde_json::to_value(t).map_err(WebError::internal)
}

fn not_found(kind: &str, id: &str) -> WebError {
    WebError::NotFound {
        what: format!("There is no {kind} `{id}` in the directory."),
        kind: "",
        valid: Vec::new(),
    }
}

/// Runs a handler body, answering its error as JSON.
fn answer(result: Result<Response, WebError>) -> Response {
    result.unwrap_or_else(|e| e.json())
}

/// `GET /`: the version of the standard and where the API document is.
pub(crate) async fn root(headers: HeaderMap, State(state): State<AppState>) -> Response {
    // An absolute URL (the profile says `format: uri`), from the address the client used.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.options().secure_cookies {
        "https"
    } else {
        "http"
    };
    json_response(&json!({
        "version": ORUK_VERSION,
        "profile": ORUK_PROFILE_URL,
        "openapi_url": format!("{scheme}://{host}{ORUK_BASE}/openapi.json"),
    }))
}

/// `GET /openapi.json`: the profile's API document.
pub(crate) async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        ORUK_OPENAPI,
    )
        .into_response()
}

/// `GET /services`.
pub(crate) async fn services(State(state): State<AppState>, params: Params) -> Response {
    answer(
        async {
            let q = Checked::new(params, &LIST_FILTERS)?;
            let (query, origin) = q.service_query()?;
            let page = state
                .store()
                .directory_services(&query, q.paging()?)
                .await?;
            let r = list_response(&page, |h| to_value(&h.service.summary()))?;
            Ok(with_origin(r, origin.as_ref()))
        }
        .await,
    )
}

/// `GET /services/{id}`: the service with everything it nests.
pub(crate) async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    answer(
        async {
            Checked::new(params, &[])?;
            let s = state
                .store()
                .directory_service(&id)
                .await?
                .ok_or_else(|| not_found("service", &id))?;
            Ok(json_response(&s))
        }
        .await,
    )
}

/// A service at a location as the profile lists it: its location and service with their
/// one-to-one fields (`compiled/service_at_location_list.json`), or in full.
fn service_at_location(hit: &ServiceAtLocationHit, full: bool) -> Result<Value, WebError> {
    let sal = &hit.service_at_location;
    let mut v = json!({
        "id": sal.id,
        "service_id": sal.service_id.as_deref().unwrap_or(&hit.service.id),
    });
    if let Some(l) = sal
        .location
        .as_ref()
        .map(|l| l.id.as_str())
        .or(sal.location_id.as_deref())
    {
        v["location_id"] = json!(l);
    }
    if let Some(l) = &sal.location {
        v["location"] = to_value(&if full { l.clone() } else { l.summary() })?;
    }
    let service: Service = if full {
        Service {
            // The service's other locations belong to their own service_at_locations.
            service_at_locations: Vec::new(),
            ..hit.service.clone()
        }
    } else {
        hit.service.summary()
    };
    v["service"] = to_value(&service)?;
    Ok(v)
}

/// `GET /service_at_locations`.
pub(crate) async fn service_at_locations(
    State(state): State<AppState>,
    params: Params,
) -> Response {
    answer(
        async {
            let q = Checked::new(params, &LIST_FILTERS)?;
            let (query, origin) = q.service_query()?;
            let page = state
                .store()
                .directory_service_at_locations(&query, q.paging()?)
                .await?;
            let r = list_response(&page, |h| service_at_location(h, false))?;
            Ok(with_origin(r, origin.as_ref()))
        }
        .await,
    )
}

/// `GET /service_at_locations/{id}`: with its location and service in full.
pub(crate) async fn service_at_location_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    answer(
        async {
            Checked::new(params, &[])?;
            let hit = state
                .store()
                .directory_service_at_location(&id)
                .await?
                .ok_or_else(|| not_found("service_at_location", &id))?;
            Ok(json_response(&service_at_location(&hit, true)?))
        }
        .await,
    )
}

/// `GET /taxonomies`.
pub(crate) async fn taxonomies(State(state): State<AppState>, params: Params) -> Response {
    answer(
        async {
            let q = Checked::new(params, &["page", "per_page"])?;
            let page = state.store().directory_taxonomies(q.paging()?).await?;
            list_response(&page, to_value)
        }
        .await,
    )
}

/// `GET /taxonomies/{id}`: with its terms.
pub(crate) async fn taxonomy(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    answer(
        async {
            Checked::new(params, &[])?;
            let t = state
                .store()
                .directory_taxonomy(&id)
                .await?
                .ok_or_else(|| not_found("taxonomy", &id))?;
            Ok(json_response(&t))
        }
        .await,
    )
}

/// `GET /taxonomy_terms` (of one taxonomy with `taxonomy_id`).
pub(crate) async fn taxonomy_terms(State(state): State<AppState>, params: Params) -> Response {
    answer(
        async {
            let q = Checked::new(params, &["taxonomy_id", "page", "per_page"])?;
            let page = state
                .store()
                .directory_taxonomy_terms(q.get("taxonomy_id"), q.paging()?)
                .await?;
            list_response(&page, to_value)
        }
        .await,
    )
}

/// `GET /taxonomy_terms/{id}`.
pub(crate) async fn taxonomy_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Response {
    answer(
        async {
            Checked::new(params, &[])?;
            let t = state
                .store()
                .directory_taxonomy_term(&id)
                .await?
                .ok_or_else(|| not_found("taxonomy term", &id))?;
            Ok(json_response(&t))
        }
        .await,
    )
}

/// The ORUK API's routes, to merge into the application's router.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    let at = |p: &str| format!("{ORUK_BASE}{p}");
    let [
        root_path,
        services_path,
        service_path,
        sals_path,
        sal_path,
        taxonomies_path,
        taxonomy_path,
        terms_path,
        term_path,
        openapi_path,
    ] = ORUK_ROUTES;
    axum::Router::new()
        // The base without its slash too: both are what a client may be given.
        .route(ORUK_BASE, get(root))
        .route(&at(root_path), get(root))
        .route(&at(services_path), get(services))
        .route(&at(service_path), get(service))
        .route(&at(sals_path), get(service_at_locations))
        .route(&at(sal_path), get(service_at_location_one))
        .route(&at(taxonomies_path), get(taxonomies))
        .route(&at(taxonomy_path), get(taxonomy))
        .route(&at(terms_path), get(taxonomy_terms))
        .route(&at(term_path), get(taxonomy_term))
        .route(&at(openapi_path), get(openapi))
}

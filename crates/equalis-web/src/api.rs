//! The JSON API under `/api/v1/`: the same published figures as the pages and as `equalis
//! results`, for a session or a bearer API token, described by [`OPENAPI`].

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use equalis_disclosure::{Cell, Publishable};
use equalis_results::{IndicatorInfo, PublishedRow};
use serde_json::{Value, json};

use crate::auth::Viewer;
use crate::error::{ApiError, WebError};
use crate::pages::{self, IndicatorQuery};
use crate::results::{Body, Snapshot};
use crate::state::AppState;

/// The API's routes, in OpenAPI's path syntax (which is also axum's): the router is built from
/// these, and a test checks the OpenAPI document describes exactly these.
pub const API_ROUTES: [&str; 3] = [
    "/api/v1/indicators",
    "/api/v1/indicators/{id}",
    "/api/v1/openapi.json",
];

/// The OpenAPI 3.1 document of the API, kept by hand beside the code.
pub const OPENAPI: &str = include_str!("openapi.json");

/// A published cell as JSON: a number, the suppression symbol (`"*"`) as a string, or null.
fn cell(c: &Publishable<Cell>) -> Value {
    match c.get() {
        Cell::Count(n) => json!(n),
        Cell::Percentage(v) | Cell::Value(v) => json!(v),
        Cell::Suppressed(symbol) => json!(symbol),
        Cell::NotApplicable => Value::Null,
    }
}

fn row(r: &PublishedRow) -> Value {
    json!({
        "period": r.period,
        "breakdown": r.breakdown,
        "group": r.group,
        "statistic": r.statistic.as_str(),
        "multiplier": r.multiplier,
        "numerator": cell(&r.numerator),
        "denominator": cell(&r.denominator),
        "comparator_numerator": cell(&r.comparator_numerator),
        "comparator_denominator": cell(&r.comparator_denominator),
        "value": cell(&r.value),
        "lowercl": cell(&r.lowercl),
        "uppercl": cell(&r.uppercl),
        "lower998cl": cell(&r.lower998cl),
        "upper998cl": cell(&r.upper998cl),
        "comparison": r.comparison.map(|c| c.as_str()),
        "note": r.note,
    })
}

fn info(s: &Snapshot, i: &IndicatorInfo) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "area": i.area,
        "description": i.description,
        "statistic": i.statistic,
        "unit": i.unit,
        "direction": i.direction,
        "target": i.target,
        "source": i.source,
        "breakdowns": s.breakdowns(&i.id),
        "periods": s.periods(&i.id),
        "href": format!("/api/v1/indicators/{}", pages::encode(&i.id)),
    })
}

/// A JSON body as a response.
fn json_response(body: &Body) -> Response {
    let mut response = body.bytes.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `GET /api/v1/indicators`: every indicator with its breakdowns and periods (made once per
/// results version).
pub(crate) async fn indicators(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let snapshot = pages::snapshot(&state).await?;
    let body = snapshot
        .bodies
        .get_or_render("api:/api/v1/indicators", || {
            let list: Vec<Value> = snapshot.indicators().map(|i| info(&snapshot, i)).collect();
            Ok::<_, WebError>(Body::json(&json!({
                "results_version": snapshot.version,
                "computed_at": snapshot.metadata.computed_at,
                "indicators": list,
            })))
        })?;
    Ok(json_response(&body))
}

/// `GET /api/v1/indicators/{id}`: one indicator's published rows, filtered by breakdown and
/// period (made once per results version and query).
pub(crate) async fn indicator(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    Path(id): Path<String>,
    q: Result<Query<IndicatorQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let q = pages::query(q)?;
    if q.view.as_deref().is_some_and(|v| v != "published") {
        return Err(WebError::BadRequest(
            "The API gives the published view only; the unsuppressed view is on the pages, for analysts."
                .to_owned(),
        )
        .into());
    }
    let snapshot = pages::snapshot(&state).await?;
    let key = format!("api:{}", pages::path_and_query(&uri));
    let body = snapshot.bodies.get_or_render(&key, || {
        let i = snapshot.indicator(&id)?;
        let breakdown = pages::choose_breakdown(&snapshot, &id, q.breakdown.as_deref())?;
        let period = pages::choose_period(&snapshot, &id, q.period.as_deref())?;
        let mut rows: Vec<&PublishedRow> = snapshot
            .published(&id)
            .iter()
            .filter(|r| {
                breakdown.as_ref().is_none_or(|b| &r.breakdown == b)
                    && period.as_ref().is_none_or(|p| &r.period == p)
            })
            .collect();
        pages::sort_rows(&mut rows);
        Ok::<_, WebError>(Body::json(&json!({
            "results_version": snapshot.version,
            "view": "published",
            "indicator": info(&snapshot, i),
            "breakdown": breakdown,
            "period": period,
            "rows": rows.iter().map(|r| row(r)).collect::<Vec<_>>(),
        })))
    })?;
    Ok(json_response(&body))
}

/// `GET /api/v1/openapi.json`: the API's description, public so that clients can be built.
pub(crate) async fn openapi() -> Response {
    let mut response = OPENAPI.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

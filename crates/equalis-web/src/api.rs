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
pub const API_ROUTES: [&str; 5] = [
    "/api/v1/indicators",
    "/api/v1/indicators/{id}",
    "/api/v1/workforce",
    "/api/v1/workforce/{org}/{return}",
    "/api/v1/openapi.json",
];

/// The indicators in a page of the list when `limit` is not given, and the most it may ask.
const INDICATORS_PAGE: (usize, usize) = (100, 1000);
/// The rows in a page of an indicator's figures when `limit` is not given, and the most it may
/// ask: an unfiltered indicator of a large workspace has hundreds of thousands of rows (an
/// unpaged response ran to 14 MB).
const ROWS_PAGE: (usize, usize) = (1000, 10_000);

/// `?limit=&offset=`: which part of a long list a response holds.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct PagingQuery {
    /// How many items, from 1 to the list's most.
    pub limit: Option<String>,
    /// How many items to skip, from 0.
    pub offset: Option<String>,
}

/// A page of a list: where it starts and how long it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Paging {
    limit: usize,
    offset: usize,
}

impl Paging {
    /// The paging asked for, with `(default, most)` for the limit; a 400 saying what is
    /// allowed when a parameter is not a whole number in range.
    fn of(q: &PagingQuery, (default, most): (usize, usize)) -> Result<Paging, WebError> {
        let bad = |name: &str, v: &str, allowed: String| {
            WebError::BadRequest(format!("`{name}={v}` is not allowed: give {allowed}."))
        };
        let limit = match q.limit.as_deref().map(str::trim) {
            None | Some("") => default,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=most).contains(&n) => n,
                _ => return Err(bad("limit", v, format!("a whole number from 1 to {most}"))),
            },
        };
        let offset = match q.offset.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| bad("offset", v, "a whole number from 0".to_owned()))?,
        };
        Ok(Paging { limit, offset })
    }

    /// The items of `all` in this page.
    fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let start = self.offset.min(all.len());
        let end = start.saturating_add(self.limit).min(all.len());
        &all[start..end]
    }

    /// The page's fields: `total`, `limit`, `offset` and `next`, the address of the next
    /// page (`base` with the other parameters, which ends in `?` or `&`), or null on the last.
    fn fields(&self, total: usize, base: &str) -> [(&'static str, Value); 4] {
        let next_offset = self.offset.saturating_add(self.limit);
        let next = (next_offset < total)
            .then(|| format!("{base}limit={}&offset={next_offset}", self.limit));
        [
            ("total", json!(total)),
            ("limit", json!(self.limit)),
            ("offset", json!(self.offset)),
            ("next", json!(next)),
        ]
    }
}

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

/// `GET /api/v1/indicators`: the indicators with their breakdowns and periods, a page at a
/// time (`?limit=&offset=`; made once per results version and query).
pub(crate) async fn indicators(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    paging: Result<Query<PagingQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let paging = Paging::of(&pages::query(paging)?, INDICATORS_PAGE)?;
    let snapshot = pages::snapshot(&state).await?;
    let key = format!("api:{}", pages::path_and_query(&uri));
    let body = snapshot.bodies.get_or_render(&key, || {
        let all: Vec<&IndicatorInfo> = snapshot.indicators().collect();
        let list: Vec<Value> = paging
            .slice(&all)
            .iter()
            .map(|i| info(&snapshot, i))
            .collect();
        let mut doc = json!({
            "results_version": snapshot.version,
            "computed_at": snapshot.metadata.computed_at,
            "indicators": list,
        });
        extend(&mut doc, paging.fields(all.len(), "/api/v1/indicators?"));
        Ok::<_, WebError>(Body::json(&doc))
    })?;
    Ok(json_response(&body))
}

/// Adds `fields` to the JSON object `doc`.
fn extend(doc: &mut Value, fields: impl IntoIterator<Item = (&'static str, Value)>) {
    if let Value::Object(m) = doc {
        for (k, v) in fields {
            m.insert(k.to_owned(), v);
        }
    }
}

/// `GET /api/v1/indicators/{id}`: one indicator's published rows, filtered by breakdown and
/// period, a page at a time (`?limit=&offset=`; made once per results version and query).
pub(crate) async fn indicator(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    Path(id): Path<String>,
    q: Result<Query<IndicatorQuery>, QueryRejection>,
    paging: Result<Query<PagingQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let q = pages::query(q)?;
    let paging = Paging::of(&pages::query(paging)?, ROWS_PAGE)?;
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
        // The next page keeps the filters as asked (`latest` stays `latest`).
        let filters = pages::query_string(&[
            ("breakdown", q.breakdown.as_deref().unwrap_or_default()),
            ("period", q.period.as_deref().unwrap_or_default()),
        ]);
        let base = format!(
            "/api/v1/indicators/{}{}",
            pages::encode(&id),
            if filters.is_empty() {
                "?".to_owned()
            } else {
                format!("{filters}&")
            }
        );
        let mut doc = json!({
            "results_version": snapshot.version,
            "view": "published",
            "indicator": info(&snapshot, i),
            "breakdown": breakdown,
            "period": period,
            "rows": paging.slice(&rows).iter().map(|r| row(r)).collect::<Vec<_>>(),
        });
        extend(&mut doc, paging.fields(rows.len(), &base));
        Ok::<_, WebError>(Body::json(&doc))
    })?;
    Ok(json_response(&body))
}

/// `GET /api/v1/workforce`: the ICS and each organisation of the staff data, with the address
/// of each return and the years that can be asked for; empty lists without workforce data.
pub(crate) async fn workforce_list(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let doc = crate::workforce::api_list(&state).await?;
    Ok(json_response(&Body::json(&doc)))
}

/// `GET /api/v1/workforce/{org}/{return}?year=`: one published return, the JSON `equalis
/// workforce … --format json` writes.
pub(crate) async fn workforce_return(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    Path((org, ret)): Path<(String, String)>,
    q: Result<Query<crate::workforce::ReturnQuery>, QueryRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    viewer?.require_published(&state, &uri.to_string())?;
    let q = pages::query(q)?;
    if q.format.is_some() {
        return Err(WebError::BadRequest(
            "The API gives JSON only; the CSV and workbook are on the pages' addresses.".to_owned(),
        )
        .into());
    }
    let doc = crate::workforce::api_return(&state, &org, &ret, q.year).await?;
    Ok(json_response(&Body::json(&doc)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(limit: Option<&str>, offset: Option<&str>) -> PagingQuery {
        PagingQuery {
            limit: limit.map(str::to_owned),
            offset: offset.map(str::to_owned),
        }
    }

    #[test]
    fn paging_has_a_default_and_a_most() {
        let p = Paging::of(&q(None, None), (100, 1000)).unwrap();
        assert_eq!(
            p,
            Paging {
                limit: 100,
                offset: 0
            }
        );
        let p = Paging::of(&q(Some(" 7 "), Some("3")), (100, 1000)).unwrap();
        assert_eq!(
            p,
            Paging {
                limit: 7,
                offset: 3
            }
        );
        for bad in ["0", "1001", "-1", "many"] {
            assert!(
                Paging::of(&q(Some(bad), None), (100, 1000)).is_err(),
                "{bad}"
            );
        }
        assert!(Paging::of(&q(None, Some("x")), (100, 1000)).is_err());
    }

    #[test]
    fn next_is_given_until_the_last_page() {
        let p = Paging {
            limit: 10,
            offset: 10,
        };
        let [total, limit, offset, next] = p.fields(25, "/x?a=b&");
        assert_eq!(total.1, json!(25));
        assert_eq!(limit.1, json!(10));
        assert_eq!(offset.1, json!(10));
        assert_eq!(next.1, json!("/x?a=b&limit=10&offset=20"));
        assert_eq!(p.fields(20, "/x?")[3].1, Value::Null);
    }

    proptest! {
        /// Following `next` from the first page visits every item once, in order.
        #[test]
        fn pages_cover_every_item_once(total in 0usize..300, limit in 1usize..50) {
            let items: Vec<usize> = (0..total).collect();
            let mut seen = Vec::new();
            let mut page = Some(Paging { limit, offset: 0 });
            while let Some(p) = page {
                seen.extend_from_slice(p.slice(&items));
                page = match &p.fields(total, "/x?")[3].1 {
                    Value::String(_) => Some(Paging { limit, offset: p.offset + limit }),
                    _ => None,
                };
            }
            prop_assert_eq!(seen, items);
        }
    }
}

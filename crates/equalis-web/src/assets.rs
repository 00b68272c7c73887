//! The NHS.UK frontend and equalis's own CSS and script, compiled into the binary and served
//! from memory.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// A file name with its version in it never changes: browsers may keep it for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Other files (equalis's own, the icons at the paths the CSS names) for a day.
const DAY: &str = "public, max-age=86400";

/// `(path under /assets/, content type, cache policy, bytes)`.
const ASSETS: [(&str, &str, &str, &[u8]); 10] = [
    (
        "nhsuk-frontend-10.6.1.min.css",
        "text/css; charset=utf-8",
        IMMUTABLE,
        include_bytes!("../assets/nhsuk-frontend/nhsuk-frontend-10.6.1.min.css"),
    ),
    (
        "nhsuk-frontend-10.6.1.min.js",
        "text/javascript; charset=utf-8",
        IMMUTABLE,
        include_bytes!("../assets/nhsuk-frontend/nhsuk-frontend-10.6.1.min.js"),
    ),
    (
        "equalis.css",
        "text/css; charset=utf-8",
        DAY,
        include_bytes!("../assets/equalis.css"),
    ),
    (
        "equalis.js",
        "text/javascript; charset=utf-8",
        DAY,
        include_bytes!("../assets/equalis.js"),
    ),
    (
        "images/nhsuk-icon-arrow-down.svg",
        "image/svg+xml",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/nhsuk-icon-arrow-down.svg"),
    ),
    (
        "images/nhsuk-icon-arrow-up-down.svg",
        "image/svg+xml",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/nhsuk-icon-arrow-up-down.svg"),
    ),
    (
        "images/nhsuk-icon-arrow-up.svg",
        "image/svg+xml",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/nhsuk-icon-arrow-up.svg"),
    ),
    (
        "images/nhsuk-icon-cross.svg",
        "image/svg+xml",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/nhsuk-icon-cross.svg"),
    ),
    (
        "images/favicon.svg",
        "image/svg+xml",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/favicon.svg"),
    ),
    (
        "images/favicon.ico",
        "image/x-icon",
        DAY,
        include_bytes!("../assets/nhsuk-frontend/images/favicon.ico"),
    ),
];

fn serve(path: &str) -> Result<Response, WebError> {
    let Some((_, content_type, cache, bytes)) = ASSETS.iter().find(|(p, ..)| *p == path) else {
        return Err(WebError::NotFound {
            what: format!("There is no asset `{path}`."),
            kind: "assets",
            valid: ASSETS
                .iter()
                .map(|(p, ..)| format!("/assets/{p}"))
                .collect(),
        });
    };
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

/// `GET /assets/{*path}`.
pub(crate) async fn asset(Path(path): Path<String>) -> Result<Response, WebError> {
    serve(&path)
}

/// `GET /favicon.ico`, where browsers look for it.
pub(crate) async fn favicon() -> Result<Response, WebError> {
    serve("images/favicon.ico")
}

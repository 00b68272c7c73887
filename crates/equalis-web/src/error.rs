//! Errors as people see them: an HTML page in the NHS.UK style, or JSON for the API. Faults
//! are logged in full and shown without internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// What went wrong with a request.
#[derive(Debug)]
pub(crate) enum WebError {
    /// What was asked for does not exist; `valid` lists what does (`kind` names them).
    NotFound {
        /// What was not found, as a sentence.
        what: String,
        /// What the valid names are (`indicators`, `breakdowns`, `pages`).
        kind: &'static str,
        /// The valid names.
        valid: Vec<String>,
    },
    /// The request cannot be understood (a bad parameter).
    BadRequest(String),
    /// The request needs someone signed in; `next` is where to come back to.
    SignInRequired {
        /// The path and query asked for.
        next: String,
    },
    /// Signed in, but the role does not allow it.
    Forbidden(String),
    /// A form without this session's CSRF token.
    Csrf,
    /// The address exists but not for this method (a GET to a form's address, …).
    MethodNotAllowed,
    /// The store cannot be used now.
    Unavailable,
    /// Something the request needs is not available on this server (Chromium, for a PDF),
    /// and what to do about it.
    UnavailableBecause(String),
    /// The request conflicts with the state of what it acts on (a signed version changed, a
    /// version that is not the newest acted on).
    Conflict(String),
    /// A fault in equalis or its files; the detail is logged, not shown.
    Internal,
}

impl WebError {
    /// A fault: logged with its detail, shown without it.
    pub(crate) fn internal(e: impl std::fmt::Display) -> WebError {
        tracing::error!("internal error: {e}");
        WebError::Internal
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound { .. } => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::Unavailable | WebError::UnavailableBecause(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page heading.
    pub(crate) fn title(&self) -> &'static str {
        match self {
            WebError::NotFound { .. } => "Page not found",
            WebError::BadRequest(_) => "There is a problem with the request",
            WebError::SignInRequired { .. } => "You need to sign in",
            WebError::Forbidden(_) => "You do not have access to this page",
            WebError::Csrf => "The form could not be accepted",
            WebError::MethodNotAllowed => "This address does not accept that request",
            WebError::Unavailable | WebError::UnavailableBecause(_) => {
                "Sorry, the service is unavailable"
            }
            WebError::Conflict(_) => "This cannot be done now",
            WebError::Internal => "Sorry, there is a problem with the service",
        }
    }

    /// What to tell the person, in a sentence or two.
    pub(crate) fn message(&self) -> String {
        match self {
            WebError::NotFound { what, .. } => what.clone(),
            WebError::BadRequest(m)
            | WebError::Forbidden(m)
            | WebError::UnavailableBecause(m)
            | WebError::Conflict(m) => m.clone(),
            WebError::SignInRequired { .. } => {
                "Sign in to see this page, or use an API token.".to_owned()
            }
            WebError::Csrf => "The form was missing its security token or it had expired. \
                Go back, reload the page and try again."
                .to_owned(),
            WebError::MethodNotAllowed => {
                "This address is for a form or a page, used another way. Go back and use the link or button on the page.".to_owned()
            }
            WebError::Unavailable => {
                "The account store cannot be reached. Try again later.".to_owned()
            }
            WebError::Internal => {
                "Something went wrong on our side. It has been logged. Try again later.".to_owned()
            }
        }
    }

    /// The valid names to list, and what they are.
    pub(crate) fn valid(&self) -> Option<(&'static str, &[String])> {
        match self {
            WebError::NotFound { kind, valid, .. } => Some((kind, valid)),
            _ => None,
        }
    }

    /// The error as a JSON response, for the API.
    pub(crate) fn json(&self) -> Response {
        let mut body = json!({
            "error": {
                "status": self.status().as_u16(),
                "title": self.title(),
                "message": self.message(),
            }
        });
        if let Some((kind, valid)) = self.valid() {
            body["error"]["valid"] = json!({ kind: valid });
        }
        let mut response = (self.status(), axum::Json(body)).into_response();
        if matches!(self, WebError::SignInRequired { .. }) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"equalis\""),
            );
        }
        response
    }
}

impl From<equalis_store::StoreError> for WebError {
    /// By who must act: the person's request (a bad token name) is a 400 or 404 that says
    /// what is wrong; the store being unusable is a 503, logged.
    fn from(e: equalis_store::StoreError) -> WebError {
        use equalis_store::ErrorKind;
        // The store's messages end in a hint for the command line; the first line is the
        // message.
        let message = e.to_string().lines().next().unwrap_or_default().to_owned();
        match e.kind() {
            ErrorKind::Request => WebError::BadRequest(message),
            ErrorKind::Conflict => WebError::Conflict(message),
            ErrorKind::Forbidden => WebError::Forbidden(message),
            ErrorKind::NotFound => WebError::NotFound {
                what: message,
                kind: "",
                valid: Vec::new(),
            },
            ErrorKind::Unavailable => {
                tracing::error!("store error: {e}");
                WebError::Unavailable
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignInRequired { next } = &self {
            // A browser is sent to the sign-in page, and back afterwards.
            return Redirect::to(&format!("/login?next={}", crate::auth::encode_next(next)))
                .into_response();
        }
        let body = crate::templates::error_page(&self);
        (self.status(), axum::response::Html(body)).into_response()
    }
}

/// An error of the JSON API.
#[derive(Debug)]
pub(crate) struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

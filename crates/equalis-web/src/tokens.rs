//! `/account/tokens`: each person's API tokens for `/api/v1/`, made, listed and revoked in the
//! browser session (a token cannot make or revoke tokens), every change audited by the store.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_store::{Actor, Session, User};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;
use crate::templates::{account, render};

/// The account and session of a browser, or why not: API tokens are managed only by someone
/// signed in with a browser, so that a leaked token cannot make itself new ones.
fn signed_in<'a>(viewer: &'a Viewer, uri: &Uri) -> Result<(&'a User, &'a Session), WebError> {
    let user = viewer.require_user(&uri.to_string())?;
    let session = viewer.session.as_ref().ok_or_else(|| {
        WebError::Forbidden(
            "API tokens are managed by signing in with a browser, not with an API token."
                .to_owned(),
        )
    })?;
    Ok((user, session))
}

#[derive(Debug, Serialize)]
struct TokenView {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    user: &User,
    new_secret: Option<(String, String)>,
) -> Result<String, WebError> {
    let tokens: Vec<TokenView> = state
        .store()
        .list_api_tokens(&user.email)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: when(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "Never".to_owned(), when),
            revoked: t.revoked_at.map(when),
        })
        .collect();
    render(
        "tokens.html",
        context! {
            title => "API tokens",
            account => account(viewer),
            breadcrumbs => [context! { label => "Home", href => "/" }],
            tokens,
            new_name => new_secret.as_ref().map(|(n, _)| n.clone()),
            new_secret => new_secret.map(|(_, s)| s),
        },
    )
}

/// `GET /account/tokens`: the signed-in person's tokens and a form to make one.
pub(crate) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Html<String>, WebError> {
    let (user, _) = signed_in(&viewer, &uri)?;
    Ok(Html(page(&state, &viewer, user, None).await?))
}

/// The form that makes a token.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
}

/// `POST /account/tokens`: makes a token and shows its secret this once.
pub(crate) async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: Uri,
    form: Result<Form<CreateForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (user, session) = signed_in(&viewer, &uri)?;
    let Form(form) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    if !session.check_csrf(&form.csrf_token) {
        return Err(WebError::Csrf);
    }
    let new = state
        .store()
        .create_api_token(&Actor::User(user.email.clone()), &user.email, &form.name)
        .await?;
    let body = page(
        &state,
        &viewer,
        user,
        Some((new.token.name.clone(), new.secret.expose().to_owned())),
    )
    .await?;
    Ok((StatusCode::CREATED, Html(body)).into_response())
}

/// The form that revokes a token.
#[derive(Debug, Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the signed-in person's tokens.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    uri: Uri,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (user, session) = signed_in(&viewer, &uri)?;
    let Form(form) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    if !session.check_csrf(&form.csrf_token) {
        return Err(WebError::Csrf);
    }
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::BadRequest(format!("`{id}` is not an API token's number.")))?;
    state
        .store()
        .revoke_api_token(&Actor::User(user.email.clone()), &user.email, id)
        .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

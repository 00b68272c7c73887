//! Who is asking: the session cookie or a bearer API token, both checked by the store; the
//! sign-in and sign-out forms, with their CSRF tokens.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::rejection::{ExtensionRejection, FormRejection};
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use equalis_store::{
    LoginOutcome, LoginRefusal, Role, SESSION_COOKIE, Secret, Session, User, constant_time_str_eq,
};
use serde::Deserialize;

use crate::error::WebError;
use crate::state::AppState;
use crate::templates;

/// The session cookie's name without `Secure`: the `__Host-` prefix is only accepted by
/// browsers on a `Secure` cookie.
const PLAIN_SESSION_COOKIE: &str = "equalis-session";
/// The cookie holding the sign-in form's CSRF token (double-submit: there is no session yet).
const LOGIN_CSRF_COOKIE: &str = "__Host-equalis-login";
const PLAIN_LOGIN_CSRF_COOKIE: &str = "equalis-login";

/// The person asking, as far as the store knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Viewer {
    /// The signed-in account, from a session or an API token.
    pub user: Option<User>,
    /// The browser session, if the request came with one.
    pub session: Option<Session>,
    /// The session token presented (to sign out).
    token: Option<Secret>,
}

impl Viewer {
    /// The role: the account's, or `public`.
    pub fn role(&self) -> Role {
        self.user.as_ref().map_or(Role::Public, |u| u.role)
    }

    /// Allows the published pages: anyone signed in, and anyone at all when the workspace's
    /// pages are public.
    pub fn require_published(&self, state: &AppState, next: &str) -> Result<(), WebError> {
        if self.user.is_some() || state.options().public_pages {
            Ok(())
        } else {
            Err(WebError::SignInRequired {
                next: next.to_owned(),
            })
        }
    }

    /// The account, for what needs one whatever the workspace allows.
    pub fn require_user(&self, next: &str) -> Result<&User, WebError> {
        self.user.as_ref().ok_or_else(|| WebError::SignInRequired {
            next: next.to_owned(),
        })
    }
}

/// Whether a role may ask for the unsuppressed (analyst) view.
pub(crate) fn may_see_unsuppressed(role: Role) -> bool {
    matches!(role, Role::Analyst | Role::Admin)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, WebError> {
        let secure = state.options().secure_cookies;
        if let Some(token) = cookie(&parts.headers, session_cookie_name(secure)) {
            let token = Secret::from_presented(token);
            if let Some(session) = state.store().session(&token).await? {
                return Ok(Viewer {
                    user: Some(session.user.clone()),
                    session: Some(session),
                    token: Some(token),
                });
            }
        }
        if let Some(bearer) = bearer(&parts.headers) {
            let secret = Secret::from_presented(bearer);
            return match state.store().authenticate_api_token(&secret).await? {
                Some(user) => Ok(Viewer {
                    user: Some(user),
                    ..Viewer::default()
                }),
                // A wrong token is refused rather than treated as anonymous, so that a client
                // learns its token is wrong even where the pages are public.
                None => Err(WebError::SignInRequired {
                    next: parts.uri.path().to_owned(),
                }),
            };
        }
        Ok(Viewer::default())
    }
}

fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE
    } else {
        PLAIN_SESSION_COOKIE
    }
}

fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        LOGIN_CSRF_COOKIE
    } else {
        PLAIN_LOGIN_CSRF_COOKIE
    }
}

/// A cookie's value from the `Cookie` headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly` always, `SameSite=Strict` (the cookie is never sent on a
/// request started by another site, which with the CSRF tokens stops cross-site forgery), and
/// `Secure` as the options say.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `next` for the sign-in page's query: only this site's paths, percent-encoded.
pub(crate) fn encode_next(next: &str) -> String {
    let mut out = String::new();
    for b in safe_next(next).bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where to go after signing in: a path on this site, never another site (`//host`, `/\host`
/// and absolute URLs become `/`), so the form cannot be used to send people elsewhere; nor the
/// sign-in page itself, which would send a signed-in person round in a circle.
pub(crate) fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/" }
}

/// A fresh random token, in hex.
fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The query of the sign-in page.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`: the sign-in form, with a fresh CSRF token in the form and in a cookie.
pub(crate) async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_owned();
    if viewer.user.is_some() && viewer.session.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let csrf = random_token();
    let page = templates::login_page(&csrf, &next, "", None)?;
    let mut response = Html(page).into_response();
    let secure = state.options().secure_cookies;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(login_cookie_name(secure), &csrf, 3600, secure),
    );
    Ok(response)
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: checks the form's CSRF token, then signs in through the store (which
/// throttles repeated failures and audits every attempt).
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    let secure = state.options().secure_cookies;
    let Some(expected) = cookie(&headers, login_cookie_name(secure)) else {
        return Err(WebError::Csrf);
    };
    if form.csrf_token.is_empty() || !constant_time_str_eq(expected, &form.csrf_token) {
        return Err(WebError::Csrf);
    }
    let next = safe_next(&form.next).to_owned();
    let email = form.email.trim();
    let again = |status: StatusCode, message: &str| -> Result<Response, WebError> {
        let page = templates::login_page(expected, &next, email, Some(message))?;
        Ok((status, Html(page)).into_response())
    };
    if email.is_empty() || form.password.is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            "Enter your email address and password",
        );
    }
    // Absent only when the router is driven without a listener (tests).
    let addr = connect.ok().map(|ConnectInfo(a)| a.ip().to_string());
    match state
        .store()
        .login(email, &form.password, addr.as_deref())
        .await?
    {
        LoginOutcome::Success(new) => {
            let max_age = new.max_age_secs(&state.store().config().sessions);
            let mut response = Redirect::to(&next).into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(
                    session_cookie_name(secure),
                    new.token.expose(),
                    max_age,
                    secure,
                ),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(login_cookie_name(secure), "", 0, secure),
            );
            Ok(response)
        }
        // A disabled account is told the same as a wrong password: the page must not confirm
        // to the holder of a password that the account exists.
        LoginOutcome::Refused(LoginRefusal::BadCredentials | LoginRefusal::Disabled) => again(
            StatusCode::UNAUTHORIZED,
            "The email address or password is not right",
        ),
        LoginOutcome::Refused(LoginRefusal::Throttled { until }) => {
            let wait = until
                .duration_since(state.store().config().clock.now())
                .as_secs()
                .max(1);
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Too many attempts to sign in. Try again after {} UTC",
                    until.strftime("%H:%M")
                ),
            )?;
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
    }
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /logout`: ends the session if the form carries its CSRF token.
pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|e| WebError::BadRequest(format!("The form could not be read: {e}")))?;
    let (Some(session), Some(token)) = (&viewer.session, &viewer.token) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !session.check_csrf(&form.csrf_token) {
        return Err(WebError::Csrf);
    }
    state.store().logout(token).await?;
    let secure = state.options().secure_cookies;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session_cookie_name(secure), "", 0, secure),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/indicators?x=1"), "/indicators?x=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        assert_eq!(safe_next("/login?next=/login"), "/");
        assert_eq!(encode_next("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }

    proptest::proptest! {
        /// Whatever `next` a form or link carries, the redirect stays on this site and the
        /// encoded form of it is a plain query value.
        #[test]
        fn next_never_leaves_the_site(next in "\\PC{0,40}") {
            let safe = safe_next(&next);
            proptest::prop_assert!(safe.starts_with('/'));
            proptest::prop_assert!(!safe.starts_with("//") && !safe.starts_with("/\\"));
            proptest::prop_assert!(!safe.chars().any(char::is_control));
            let encoded = encode_next(&next);
            proptest::prop_assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.~%".contains(&b)));
        }
    }

    #[test]
    fn cookies_and_bearer_tokens_are_read() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; equalis-session=abc ; b=2"),
        );
        assert_eq!(cookie(&h, "equalis-session"), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer eqt_123"),
        );
        assert_eq!(bearer(&h), Some("eqt_123"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_when_asked() {
        let c = set_cookie("n", "v", 60, true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        let plain = set_cookie("n", "v", 60, false);
        assert!(!plain.to_str().unwrap().contains("Secure"));
    }
}

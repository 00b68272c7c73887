//! The equalis web application: `equalis serve`.
//!
//! Server-rendered HTML in the NHS.UK design system (vendored `nhsuk-frontend`, served from
//! memory), sign-in against the store (`equalis-store`: accounts, roles, sessions, CSRF,
//! throttling, API tokens, the audit log), dashboards of the workspace's results, the published
//! workforce returns (built by `equalis_app::workforce`, kept per dataset versions), CSV and Excel
//! downloads and a paged JSON API under `/api/v1/` described by an OpenAPI 3.1 document; and
//! the directory of services' Open Referral UK 3.0 API under `/directory/api/` ([`ORUK_BASE`]),
//! readable by anyone.
//!
//! **Invariant:** no number leaves except through the published view
//! ([`equalis_results::publish`] with [`equalis_results::View::Published`]); the raw rows are
//! kept private in the results cache ([`results`]), and the one way to the unsuppressed view
//! writes an audit entry first. The workforce returns are built in their published view only
//! (`equalis_app::workforce::View::Published`, through `equalis-disclosure`).
//!
//! **Invariant:** handlers are thin: they check who is asking, pick rows from the cache and
//! render; the charts and tables come from `equalis-report`.
//!
//! **Invariant:** no DataFusion: this crate reads stored results and never depends on
//! `equalis-engine`.
//!
//! ```text
//! request ─▶ security headers ─▶ route ─▶ Viewer (session cookie or bearer token, from the store)
//!                                          ─▶ access check (role, public_pages)
//!                                          ─▶ results cache (reloaded when results/CURRENT moves)
//!                                          ─▶ published rows ─▶ template / CSV / JSON
//! ```
#![deny(missing_docs)]

mod api;
mod assets;
mod assurance;
mod auth;
mod board_pack;
mod dashboards;
mod decisions;
mod directory_edit;
mod directory_search;
mod engage;
mod engage_limits;
mod engage_surveys;
mod error;
mod fields;
mod oruk;
mod pages;
mod panel_heard;
mod print;
mod results;
mod security;
mod state;
mod templates;
mod tokens;
mod workforce;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::{get, post};

pub use api::{API_ROUTES, OPENAPI};
// The demo's accounts and example decisions are seeded by `equalis_app::demo` (the command
// line's `equalis demo`, served or not); named here too for the web tests that use them.
pub use equalis_app::demo::{
    DEMO_ROLES, DemoAccount, DemoDecisions, create_demo_accounts, demo_email, seed_demo_decisions,
    seed_example_decisions,
};
pub use oruk::{ORUK_BASE, ORUK_OPENAPI, ORUK_ROUTES, POSTCODE_ORIGIN_HEADER};
pub use state::{AppState, Options, ServeError};

/// The whole application as an axum router over `state`.
pub fn router(state: AppState) -> Router {
    let [api_list, api_one, api_workforce, api_return, api_doc] = API_ROUTES;
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/indicators", get(pages::indicators))
        // One route for the page and its CSV (`/indicators/ID.csv`): the router matches whole
        // path segments, so the handler tells them apart by the suffix.
        .route("/indicators/{id}", get(pages::indicator))
        .route("/waiting-list", get(dashboards::waiting_list))
        .route("/waiting-list.csv", get(dashboards::waiting_list_csv))
        .route("/registration-gap", get(dashboards::registration_gap_page))
        .route(
            "/registration-gap.csv",
            get(dashboards::registration_gap_csv),
        )
        .route("/panel", get(dashboards::panel))
        .route("/panel/heard", get(panel_heard::pool_heard))
        .route("/workforce", get(workforce::index))
        // `/workforce/ORG/RETURN.csv` too, told apart by the handler as for indicators.
        .route("/workforce/{org}/{ret}", get(workforce::page))
        .merge(decisions::routes())
        .merge(board_pack::routes())
        .merge(engage::routes())
        .merge(directory_edit::routes())
        .merge(assurance::routes())
        .route("/admin/audit", get(pages::audit))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route(api_list, get(api::indicators))
        .route(api_one, get(api::indicator))
        .route(api_workforce, get(api::workforce_list))
        .route(api_return, get(api::workforce_return))
        .route(api_doc, get(api::openapi))
        .route("/assets/{*path}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .merge(oruk::routes())
        .merge(directory_search::routes())
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves the application on `addr` until the process is interrupted (Ctrl-C or SIGTERM),
/// then finishes the requests under way and returns.
pub async fn serve(addr: SocketAddr, state: AppState) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    // The results are read and published now rather than on the first visitor's request (on a
    // large workspace that takes seconds); a failure here is reported again to that request.
    let warm = state.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.results().get(warm.workspace()).await {
            tracing::warn!("reading the results at start: {e:?}");
        }
    });
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(ServeError::Serve)?;
    // The store's connections are closed cleanly (SQLite checkpoints its write-ahead log).
    state.store().close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what service managers send).
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No signal handling here: run until the process is killed.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Whether an address is on this machine only, where a browser reaches the server over plain
/// HTTP and so cannot be sent `Secure` cookies.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

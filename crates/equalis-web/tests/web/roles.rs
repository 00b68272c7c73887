//! The role matrix: every route × every role, with the status each must get, for a private
//! workspace (the default) and one whose published pages are public.

use axum::http::StatusCode;
use equalis_store::Role;

use crate::fixture::App;

const OK: u16 = 200;
const SIGN_IN: u16 = 303;
const UNAUTHORISED: u16 = 401;
const FORBIDDEN: u16 = 403;
const METHOD: u16 = 405;
const NOT_FOUND: u16 = 404;

/// What a role gets: `[admin, analyst, edi_lead, reviewer, viewer, public]` (as `Role::ALL`).
struct Route {
    method: &'static str,
    path: &'static str,
    private: [u16; 6],
    public: [u16; 6],
}

const fn same(s: [u16; 6]) -> ([u16; 6], [u16; 6]) {
    (s, s)
}

fn routes() -> Vec<Route> {
    let published_private = [OK, OK, OK, OK, OK, SIGN_IN];
    let published_public = [OK; 6];
    let analyst = [OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN];
    let admin = [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN];
    let api_private = [OK, OK, OK, OK, OK, UNAUTHORISED];
    let route = |method, path, (private, public): ([u16; 6], [u16; 6])| Route {
        method,
        path,
        private,
        public,
    };
    vec![
        route("GET", "/", (published_private, published_public)),
        route("GET", "/indicators", (published_private, published_public)),
        route(
            "GET",
            "/indicators/smi_health_check",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/indicators/smi_health_check?breakdown=ethnic_group&period=2024/25",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/indicators/smi_health_check.csv",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/indicators/smi_health_check.xlsx?breakdown=ethnic_group",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/indicators/smi_health_check?view=analyst",
            same(analyst),
        ),
        route(
            "GET",
            "/indicators/smi_health_check.csv?view=analyst",
            same(analyst),
        ),
        route(
            "GET",
            "/waiting-list",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/waiting-list?breakdown=ethnic_group",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/waiting-list.csv",
            (published_private, published_public),
        ),
        route("POST", "/waiting-list", same([METHOD; 6])),
        route(
            "GET",
            "/registration-gap",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/registration-gap?top=all",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/registration-gap.csv",
            (published_private, published_public),
        ),
        route("GET", "/panel", (published_private, published_public)),
        route(
            "GET",
            "/panel?size=40",
            (published_private, published_public),
        ),
        route("GET", "/workforce", (published_private, published_public)),
        route(
            "GET",
            "/workforce/ics/wres",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/workforce/ics/pay-gap-sex.csv",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/workforce/ics/dashboard?format=csv",
            (published_private, published_public),
        ),
        route(
            "GET",
            "/workforce/ics/wdes.xlsx",
            (published_private, published_public),
        ),
        // Impact assessments: the index (published ones only, to the public) and forms for
        // authors; a decision without a published assessment is not public.
        route("GET", "/decisions", same([OK; 6])),
        route("GET", "/decisions.csv?stage=idea", same([OK; 6])),
        route(
            "GET",
            "/decisions/new",
            same([OK, OK, OK, FORBIDDEN, FORBIDDEN, SIGN_IN]),
        ),
        route(
            "GET",
            "/decisions/999",
            same([
                NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, SIGN_IN,
            ]),
        ),
        route(
            "GET",
            "/decisions/999/v/1",
            same([
                NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, SIGN_IN,
            ]),
        ),
        route(
            "GET",
            "/decisions/999/v/1/sign",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route(
            "GET",
            "/decisions/999/v/1/grid",
            same([
                NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        // Without their CSRF tokens, or the role.
        route(
            "POST",
            "/decisions",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route(
            "POST",
            "/decisions/1/v/1/sign",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route(
            "POST",
            "/decisions/1/v/1/publish",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route("GET", "/decisions/1/v/1/submit", same([METHOD; 6])),
        route("GET", "/admin/audit", same(admin)),
        route(
            "GET",
            "/account/tokens",
            same([OK, OK, OK, OK, OK, SIGN_IN]),
        ),
        // Without their CSRF tokens.
        route(
            "POST",
            "/account/tokens",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route(
            "POST",
            "/account/tokens/1/revoke",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
        route("GET", "/api/v1/indicators", (api_private, published_public)),
        route(
            "GET",
            "/api/v1/indicators/smi_health_check",
            (api_private, published_public),
        ),
        route("GET", "/api/v1/workforce", (api_private, published_public)),
        route(
            "GET",
            "/api/v1/workforce/ics/pay-gap-sex",
            (api_private, published_public),
        ),
        route("GET", "/api/v1/openapi.json", same([OK; 6])),
        // The directory of services is published to anyone, whatever `public_pages` says.
        route("GET", "/directory/api/", same([OK; 6])),
        route("GET", "/directory/api/services", same([OK; 6])),
        route("GET", "/directory/api/taxonomy_terms", same([OK; 6])),
        route("POST", "/directory/api/services", same([METHOD; 6])),
        route("GET", "/directory", same([OK; 6])),
        route("GET", "/directory?q=support", same([OK; 6])),
        route("POST", "/directory", same([METHOD; 6])),
        // Signed in, the sign-in page sends people on.
        route(
            "GET",
            "/login",
            same([SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, OK]),
        ),
        route("GET", "/assets/nhsuk-frontend-10.6.1.min.js", same([OK; 6])),
        route("GET", "/favicon.ico", same([OK; 6])),
        // A form's address asked for as a page.
        route("GET", "/logout", same([METHOD; 6])),
        route("POST", "/indicators", same([METHOD; 6])),
        route("POST", "/workforce/ics/wres", same([METHOD; 6])),
        // Without its CSRF token: refused to a session, and nothing to end without one.
        route(
            "POST",
            "/logout",
            same([
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, SIGN_IN,
            ]),
        ),
    ]
}

async fn walk(public_pages: bool) {
    let app = App::with_workforce(public_pages).await;
    let mut failures = Vec::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let who = app.as_role(role).await;
        for r in routes() {
            let reply = match r.method {
                "GET" => app.get(r.path, &who).await,
                _ => app.post_form(r.path, &who, &[], "").await,
            };
            let want = if public_pages {
                r.public[i]
            } else {
                r.private[i]
            };
            if reply.status != StatusCode::from_u16(want).expect("status") {
                failures.push(format!(
                    "{} {} as {role}: {} (want {want})",
                    r.method, r.path, reply.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "public_pages = {public_pages}:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn role_matrix_of_a_private_workspace() {
    walk(false).await;
}

#[tokio::test]
async fn role_matrix_of_a_workspace_with_public_pages() {
    walk(true).await;
}

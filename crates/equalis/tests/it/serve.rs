//! `equalis serve` on the tiny demo: the real binary over TCP, its API giving the same
//! published figures as `equalis results`. (The browser suite checks its pages with axe.)

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

/// `equalis serve` on a copy of the demo's workspace, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub url: String,
    dir: tempfile::TempDir,
    /// The store's URL when it is PostgreSQL (the workspace's SQLite file otherwise).
    database: Option<String>,
}

impl Server {
    /// The served workspace (its SQLite store is `equalis.db` there).
    pub fn workspace(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The admin account `serve_demo` makes, and its password (given on standard input only).
pub const ADMIN: (&str, &str) = ("admin@example.nhs.uk", "correct horse battery staple");

/// Starts `equalis serve` on a workspace holding the demo's settings, key, datasets (the
/// workforce's and the panel's among them) and results, with its published pages public (so that the harness needs no account for them)
/// and an admin account ([`ADMIN`]) for those that need one, on a free loopback port.
pub fn serve_demo() -> Server {
    serve_demo_on(None)
}

/// [`serve_demo`] with its store in the PostgreSQL database `database` (`--database`), or in
/// the workspace's SQLite file when `None`.
pub fn serve_demo_on(database: Option<&str>) -> Server {
    let (o, demo) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let demo = demo.join("workspace");
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    // A workspace of its own: the shared demo's settings are left as they are.
    let settings = std::fs::read_to_string(demo.join("equalis.toml")).unwrap();
    std::fs::write(
        ws.join("equalis.toml"),
        format!("public_pages = true\n{settings}"),
    )
    .unwrap();
    std::fs::copy(demo.join("key"), ws.join("key")).unwrap();
    copy_dir(&demo.join("results"), &ws.join("results"));
    // The datasets too, for the workforce pages (not the demo's store: this one is new).
    copy_dir(&demo.join("data"), &ws.join("data"));
    let store: Vec<&str> = match database {
        Some(url) => vec!["--workspace", ws.to_str().unwrap(), "--database", url],
        None => vec!["--workspace", ws.to_str().unwrap()],
    };
    let mut add = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["user", "add"])
        .args(&store)
        .args(["--email", ADMIN.0, "--name", "Ada Admin", "--role", "admin"])
        .arg("--password-stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{}", ADMIN.1).unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(
        added.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&added.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .arg("serve")
        .args(&store)
        .args(["--addr", &addr])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://{addr}"),
        dir,
        database: database.map(str::to_owned),
    };
    // Up when it accepts a connection (within a minute: the store is created on start).
    let up = (0..600).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::net::TcpStream::connect(&addr).is_ok()
    });
    assert!(up, "equalis serve did not start on {addr}");
    server
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `GET path` over plain HTTP/1.1: the status and the body.
fn get(server: &Server, path: &str) -> (u16, String) {
    let r = request(server, "GET", path, &[], None);
    (r.status, r.body)
}

/// A response read whole.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    /// The value `name=VALUE` of a `Set-Cookie` header.
    fn cookie(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (h, v) = l.split_once(':')?;
            if !h.eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let pair = v.trim().split(';').next()?;
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    /// A header's value.
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (h, v) = l.split_once(':')?;
            h.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A request over plain HTTP/1.1 with `headers` and a form `body`.
fn request(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let addr = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{b}",
            b.len()
        ));
    } else {
        req.push_str("\r\n");
    }
    stream.write_all(req.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// The value of the hidden form field `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A figure as `equalis results --format json` gives it (text made a number where it is one)
/// against the API's.
fn same(cli: &serde_json::Value, api: &serde_json::Value) -> bool {
    match (cli, api) {
        (serde_json::Value::Number(a), serde_json::Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            // The command line prints six decimal places.
            (a - b).abs() <= 1e-6 * a.abs().max(1.0)
        }
        (serde_json::Value::Null, serde_json::Value::Null) => true,
        (serde_json::Value::String(a), serde_json::Value::Null) => a.is_empty(),
        _ => cli == api,
    }
}

#[test]
fn the_api_serves_the_same_figures_as_equalis_results() {
    let server = serve_demo();
    let ws = server.dir.path();
    for id in [
        "smi_health_check",
        "wl_median_weeks",
        "emergency_admissions_dsr",
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args([
                "results",
                "--workspace",
                ws.to_str().unwrap(),
                "--indicator",
                id,
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let cli: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
        // The rows come a page at a time: `next` leads through them all.
        let (mut rows, mut next, mut pages) = (
            Vec::new(),
            Some(format!("/api/v1/indicators/{id}?limit=10000")),
            0,
        );
        while let Some(url) = next {
            let (status, body) = get(&server, &url);
            assert_eq!(status, 200, "{body}");
            let api: serde_json::Value = serde_json::from_str(&body).unwrap();
            rows.extend(api["rows"].as_array().unwrap().iter().cloned());
            assert_eq!(api["total"].as_u64(), Some(cli.len() as u64), "{id}");
            next = api["next"].as_str().map(str::to_owned);
            pages += 1;
        }
        assert_eq!(pages, cli.len().div_ceil(10_000).max(1), "{id}");
        assert_eq!(rows.len(), cli.len(), "{id}");
        assert!(!rows.is_empty(), "{id}");
        // Indexed by row: the demo's indicators have tens of thousands of rows.
        let key = |r: &serde_json::Value| {
            (
                r["period"].to_string(),
                r["breakdown"].to_string(),
                r["group"].to_string(),
            )
        };
        let by_key: std::collections::HashMap<_, _> = rows.iter().map(|r| (key(r), r)).collect();
        assert_eq!(by_key.len(), rows.len(), "{id}: rows are unique");
        for c in &cli {
            let a = by_key
                .get(&key(c))
                .unwrap_or_else(|| panic!("{id}: {c} is not in the API"));
            for field in ["numerator", "denominator", "value", "lowercl", "uppercl"] {
                if c.get(field).is_some() {
                    assert!(
                        same(&c[field], &a[field]),
                        "{id} {field}: {} vs {}",
                        c[field],
                        a[field]
                    );
                }
            }
        }
    }
    // The pages are served too, and an unknown indicator is a 404 naming the valid ones.
    let (status, page) = get(
        &server,
        "/indicators/smi_health_check?breakdown=imd_quintile",
    );
    assert_eq!(status, 200);
    assert!(page.contains("<svg") && page.contains("nhsuk-header"));
    let (status, page) = get(&server, "/indicators/nope");
    assert_eq!(status, 404);
    assert!(page.contains("<code>smi_health_check</code>"));
}

/// `equalis serve --database postgres://…`: the real binary with its store in PostgreSQL (an
/// account made there by `equalis user add --database`), signed in through the form with its
/// CSRF cookie, the pages that read the store (tokens, the audit log) served from it, and the
/// audit chain it wrote verified by `equalis audit verify --database`. Runs when
/// `EQUALIS_TEST_POSTGRES` names a server; fails without one when `EQUALIS_REQUIRE_POSTGRES=1`.
#[test]
fn the_server_keeps_its_store_in_postgres() {
    let Some(pg) = equalis_store::testing::TestPostgres::create_blocking("serve") else {
        return;
    };
    let server = serve_demo_on(Some(pg.url()));
    // Not the workspace's SQLite file: the store is PostgreSQL's.
    assert!(!server.dir.path().join("equalis.db").exists());
    assert_eq!(server.database.as_deref(), Some(pg.url()));
    let form = request(&server, "GET", "/login", &[], None);
    assert_eq!(form.status, 200);
    let csrf_cookie = form
        .cookie("equalis-login")
        .expect("the sign-in CSRF cookie");
    let token = hidden(&form.body, "csrf_token");
    let signed_in = request(
        &server,
        "POST",
        "/login",
        &[("Cookie", &format!("equalis-login={csrf_cookie}"))],
        Some(&format!(
            "email={}&password={}&csrf_token={}&next=%2Fadmin%2Faudit",
            enc(ADMIN.0),
            enc(ADMIN.1),
            enc(&token)
        )),
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), Some("/admin/audit"));
    let session = signed_in
        .cookie("equalis-session")
        .expect("a session cookie");
    let cookie = format!("equalis-session={session}");
    let audit = request(&server, "GET", "/admin/audit", &[("Cookie", &cookie)], None);
    assert_eq!(audit.status, 200, "{}", audit.body);
    // The account's creation and this sign-in, read back from PostgreSQL.
    assert!(audit.body.contains(ADMIN.0), "{}", audit.body);
    assert!(audit.body.contains("login"), "{}", audit.body);
    let tokens = request(
        &server,
        "GET",
        "/account/tokens",
        &[("Cookie", &cookie)],
        None,
    );
    assert_eq!(tokens.status, 200);
    // A wrong password is refused by the same store.
    let form = request(&server, "GET", "/login", &[], None);
    let refused = request(
        &server,
        "POST",
        "/login",
        &[(
            "Cookie",
            &format!("equalis-login={}", form.cookie("equalis-login").unwrap()),
        )],
        Some(&format!(
            "email={}&password=wrong&csrf_token={}",
            enc(ADMIN.0),
            enc(&hidden(&form.body, "csrf_token"))
        )),
    );
    assert_ne!(refused.status, 303);
    assert!(refused.cookie("equalis-session").is_none());
    // The published pages and API are served as on SQLite.
    let (status, _) = get(&server, "/api/v1/indicators?limit=5");
    assert_eq!(status, 200);
    drop(server);
    let verify = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["audit", "verify", "--database", pg.url()])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// Seeds the demo's engagement project into `server`'s store as `equalis demo` does when it
/// serves (`equalis_app::engage_demo::seed`, with the demo ICB's synthetic participants; the
/// organiser is [`ADMIN`]), and signs up one more participant, with no monitoring answers yet.
/// Returns the project's id and that participant's cookie, `name=token`.
pub fn seed_demo_engagement(server: &Server) -> (i64, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use equalis_store::{Database, Store, StoreConfig};
        let store = Store::open(
            &Database::for_workspace(server.workspace()),
            StoreConfig::default(),
        )
        .await
        .unwrap();
        let voices: Vec<_> = equalis_synth::engage::participants("QK1", 42)
            .unwrap()
            .into_iter()
            .map(|v| (v.nickname, v.answers))
            .collect();
        let made = equalis_app::engage_demo::seed(&store, "QK1", &voices)
            .await
            .unwrap()
            .expect("the served store has an admin to organise it");
        let me = store
            .join_project(made.project_id, None, "Axe tester")
            .await
            .unwrap();
        store.close().await;
        (
            made.project_id,
            format!(
                "equalis-participant-{}={}",
                made.project_id,
                me.token.expose()
            ),
        )
    })
}

/// The demo's who-is-heard page (issue 14), signed in as an admin: its list of under-heard
/// groups names at least one, and the skew planted in the synthetic participants (older,
/// mostly White British) shows as under-heard young people and an ethnic minority group.
#[test]
fn the_demo_who_is_heard_page_lists_under_heard_groups() {
    let server = serve_demo();
    let (id, _) = seed_demo_engagement(&server);
    let form = request(&server, "GET", "/login", &[], None);
    let csrf_cookie = form.cookie("equalis-login").expect("CSRF cookie");
    let token = hidden(&form.body, "csrf_token");
    let signed_in = request(
        &server,
        "POST",
        "/login",
        &[("Cookie", &format!("equalis-login={csrf_cookie}"))],
        Some(&format!(
            "email={}&password={}&csrf_token={}&next=%2F",
            enc(ADMIN.0),
            enc(ADMIN.1),
            enc(&token)
        )),
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.cookie("equalis-session").expect("session");
    let cookie = format!("equalis-session={session}");
    let page = request(
        &server,
        "GET",
        &format!("/engage/{id}/heard"),
        &[("Cookie", &cookie)],
        None,
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let list = page
        .body
        .split("<ul class=\"nhsuk-list nhsuk-list--bullet\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("no list of under-heard groups in {}", page.body));
    assert!(list.contains("<li>Age: <strong>"), "{list}");
    assert!(list.contains("<li>Ethnic group: <strong>"), "{list}");
    assert!(page.body.contains("Under-heard</strong>"));
}

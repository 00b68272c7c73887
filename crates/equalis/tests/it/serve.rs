//! `equalis serve` on the tiny demo: the real binary over TCP, its API giving the same
//! published figures as `equalis results`. (The browser suite checks its pages with axe.)

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

/// `equalis serve` on a copy of the demo's results, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `equalis serve` on a workspace holding the demo's settings, key, results and panel
/// datasets (`volunteers`, `quotas`), with its published pages public (so that the harness
/// needs no account), on a free loopback port.
pub fn serve_demo() -> Server {
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
    // The Citizens' Panel's datasets, for its page.
    for dataset in ["volunteers", "quotas"] {
        copy_dir(
            &demo.join("data").join(dataset),
            &ws.join("data").join(dataset),
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args([
            "serve",
            "--workspace",
            ws.to_str().unwrap(),
            "--addr",
            &addr,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://{addr}"),
        dir,
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
    let addr = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
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
        let (status, body) = get(&server, &format!("/api/v1/indicators/{id}"));
        assert_eq!(status, 200, "{body}");
        let api: serde_json::Value = serde_json::from_str(&body).unwrap();
        let rows = api["rows"].as_array().unwrap();
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

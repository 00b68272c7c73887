//! `equalis demo --no-serve` builds and loads the synthetic ICS, and `equalis status`
//! then shows every contract dataset with rows.

use std::process::Command;

#[test]
fn demo_loads_every_contract_dataset() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args(args)
            .output()
            .unwrap()
    };
    let (o, dir) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Loaded into workspace"), "{stdout}");

    let ws = dir.join("workspace");
    let o = run(&[
        "status",
        "--workspace",
        ws.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let datasets = status["datasets"].as_object().unwrap();
    let expected = [
        "population",
        "waiting_list",
        "admissions",
        "events",
        "staff",
        "recruitment",
        "employee_relations",
        "training",
        "staff_survey",
        "volunteers",
        "quotas",
    ];
    for name in expected {
        let rows = datasets.get(name).and_then(|d| d["rows"].as_u64());
        assert!(rows.is_some_and(|r| r > 0), "{name} has no rows: {status}");
    }
    assert_eq!(datasets.len(), expected.len());
    // No rejects: the synthetic extracts follow the contract exactly.
    assert_eq!(std::fs::read_dir(ws.join("rejects")).unwrap().count(), 0);

    // The report has the indicators, a workforce page for the ICS and each organisation, and
    // the Citizens' Panel page.
    let report = dir.join("report");
    let index = std::fs::read_to_string(report.join("index.html")).unwrap();
    for (page, heading) in [
        ("sections/workforce-ics.html", "At a glance"),
        ("sections/workforce-rwe.html", "Gender pay gap"),
        (
            "sections/citizens-panel.html",
            "Pool and panel against the population",
        ),
    ] {
        assert!(
            index.contains(&format!("href=\"{page}\"")),
            "{page} not linked"
        );
        let html = std::fs::read_to_string(report.join(page)).unwrap();
        assert!(html.contains(heading), "{page} lacks {heading}");
    }
    // Places have population figures (the footprint's local authorities ship with equalis);
    // issue 21 found "no population figures" in every place row.
    let panel = std::fs::read_to_string(report.join("sections/citizens-panel.html")).unwrap();
    let place = panel
        .split_once("By place")
        .and_then(|(_, rest)| rest.split("</table>").next())
        .expect("a table by place");
    assert!(place.contains("Leicester"), "{place}");
    assert!(!place.contains("no population figures"), "{place}");
}

/// The demo imports the synthetic directory of services into its store, and importing the
/// same file again with `equalis directory import` changes nothing.
#[test]
fn demo_imports_the_synthetic_directory_of_services() {
    let (o, dir) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!(
            "Directory of services: {} services in 3 taxonomies",
            equalis_synth::directory::SERVICES
        )),
        "{stdout}"
    );
    let file = dir.join("synthetic").join(equalis_synth::directory::FILE);
    let o = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["directory", "import", "--workspace"])
        .arg(dir.join("workspace"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("rejected 0"), "{text}");
    assert!(text.contains(" 0 new, 0 changed"), "{text}");
}

/// A demo in a directory an earlier demo made replaces it; a directory the demo did not make
/// is never touched.
#[test]
fn demo_replaces_only_its_own_directory() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args(args)
            .output()
            .unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let earlier = tmp.path().join("earlier");
    std::fs::create_dir_all(earlier.join("report")).unwrap();
    std::fs::write(earlier.join(".equalis-demo"), "made by `equalis demo`\n").unwrap();
    std::fs::write(earlier.join("report/stale.html"), "old").unwrap();
    let o = run(&[
        "demo",
        "--dir",
        earlier.to_str().unwrap(),
        "--scale",
        "0.002",
        "--no-serve",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!earlier.join("report/stale.html").exists());
    assert!(earlier.join("report/index.html").is_file());

    let other = tmp.path().join("mine");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "keep").unwrap();
    let o = run(&["demo", "--dir", other.to_str().unwrap(), "--no-serve"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("was not made by `equalis demo`"));
    assert!(other.join("notes.txt").is_file());
}

/// An HTTP/1.1 exchange over plain TCP: the status, the `Set-Cookie` pairs and the body.
fn http(addr: &str, request: &str) -> (u16, Vec<String>, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let cookies = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.trim().split(';').next().map(str::to_owned))
        .filter(|kv| !kv.ends_with('='))
        .collect();
    (status, cookies, body.to_owned())
}

/// `equalis demo` without `--no-serve` prints the address and one account per role with its
/// password, seeds the example decisions, then serves: an analyst signs in with the printed
/// password and sees the decisions.
#[test]
fn demo_serves_with_an_account_per_role() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args([
            "demo",
            "--dir",
            tmp.path().join("demo").to_str().unwrap(),
            "--scale",
            "0.004",
            "--addr",
            &addr,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed however the test ends.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().unwrap();
    let _child = Kill(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    let mut printed = Vec::new();
    let mut accounts: Vec<(String, String, String)> = Vec::new();
    while accounts.len() < 5 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("{e}: the demo printed only:\n{}", printed.join("\n")));
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [role, email, password] = words[..]
            && email.ends_with("@demo.example")
        {
            accounts.push((role.to_owned(), email.to_owned(), password.to_owned()));
        }
        printed.push(line);
    }
    // Then the example decisions it seeded.
    while !printed.iter().any(|l| l.starts_with("Example decisions")) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("{e}: the demo printed only:\n{}", printed.join("\n")));
        printed.push(line);
    }
    let printed = printed.join("\n");
    assert!(printed.contains(&format!("http://{addr}/")), "{printed}");
    assert!(printed.contains("shown only now"), "{printed}");
    let roles: Vec<&str> = accounts.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(
        roles,
        ["admin", "analyst", "edi_lead", "reviewer", "viewer"]
    );

    // Up when it answers (the results are read as it starts).
    let up = (0..600).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::net::TcpStream::connect(&addr).is_ok()
    });
    assert!(up, "equalis demo did not serve on {addr}");
    let (_, email, password) = &accounts[1];
    let (status, cookies, form) = http(
        &addr,
        &format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    let csrf = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let body = format!(
        "email={}&password={password}&csrf_token={csrf}&next=%2F",
        email.replace('@', "%40")
    );
    let (status, session, _) = http(
        &addr,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            cookies.join("; "),
            body.len()
        ),
    );
    assert_eq!(status, 303, "the printed password signs in");
    assert!(!session.is_empty());
    let (status, _, home) = http(
        &addr,
        &format!(
            "GET /indicators HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\n\r\n",
            session.join("; ")
        ),
    );
    assert_eq!(status, 200);
    assert!(home.contains("Role: analyst"), "{home}");
    assert!(home.contains("smi_health_check"), "{home}");
    // The example decisions, through the same pages as any other.
    let (status, _, decisions) = http(
        &addr,
        &format!(
            "GET /decisions HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\n\r\n",
            session.join("; ")
        ),
    );
    assert_eq!(status, 200);
    for title in [
        "Weekend opening of the Wigston minor injuries unit",
        "New telephone system",
        "Loughborough diabetes clinic",
    ] {
        assert!(decisions.contains(title), "{title}: {decisions}");
    }
}

/// `equalis demo --no-serve` seeds what the serving demo seeds: a later `equalis serve` on its
/// workspace (a copy, so the shared demo is left as it is) shows the engagement project, its
/// who-is-heard page, the three example decisions, the equality objectives and the EDS 2022
/// report to an account it printed; and `equalis annual-report` of that workspace has the
/// objectives with their measures' published values, the EDS overall rating and action plan.
#[test]
fn demo_no_serve_then_serve_shows_what_the_demo_seeded() {
    let (o, dir) = crate::common::demo();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(" serve --workspace "), "{stdout}");
    assert!(stdout.contains("shown only now"), "{stdout}");
    let accounts: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [role, email, password] if email.ends_with("@demo.example") => Some((role, password)),
            _ => None,
        })
        .collect();
    let roles: Vec<&str> = accounts.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        roles,
        ["admin", "analyst", "edi_lead", "reviewer", "viewer"]
    );
    assert!(stdout.contains("Example decisions at "), "{stdout}");
    let project: i64 = stdout
        .lines()
        .find(|l| l.starts_with("Engagement: "))
        .and_then(|l| l.split("/engage/").nth(1))
        .and_then(|s| s.split(' ').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no engagement project printed: {stdout}"));
    // The equality objectives, each with a measure on a figure the demo publishes (none is
    // missing: the demo prints why when one is), and the EDS 2022 of 2025/26.
    assert!(
        stdout.contains("Equality objectives: 3 with 3 measures following published figures"),
        "{stdout}"
    );
    assert!(
        stdout.contains("EDS 2022 for 2025/26, every outcome rated"),
        "{stdout}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("workspace");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(dir.join("workspace"))
        .arg(&ws)
        .status()
        .unwrap();
    assert!(copied.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Kill(
        Command::new(env!("CARGO_BIN_EXE_equalis"))
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
            .unwrap(),
    );
    let up = (0..600).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::net::TcpStream::connect(&addr).is_ok()
    });
    assert!(up, "equalis serve did not start on {addr}");

    // The EDI lead (a moderator: who is heard is for staff) signs in with the printed password.
    let (_, password) = accounts[2];
    let (status, cookies, form) = http(
        &addr,
        &format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    let csrf = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let body =
        format!("email=edi-lead%40demo.example&password={password}&csrf_token={csrf}&next=%2F");
    let (status, session, _) = http(
        &addr,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            cookies.join("; "),
            body.len()
        ),
    );
    assert_eq!(status, 303, "the printed password signs in");
    let get = |path: &str| {
        let (status, _, page) = http(
            &addr,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {}\r\n\r\n",
                session.join("; ")
            ),
        );
        assert_eq!(status, 200, "{path}: {page}");
        page
    };
    let page = get(&format!("/engage/{project}"));
    for text in [
        "getting help with your mental health",
        "Evening and weekend appointments",
        "What stopped you asking for help sooner?",
        "Your experience of mental health support",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    let heard = get(&format!("/engage/{project}/heard"));
    assert!(heard.contains("Who is heard"), "{heard}");
    assert!(heard.contains("Ethnic group"), "{heard}");
    let decisions = get("/decisions");
    for title in [
        "Weekend opening of the Wigston minor injuries unit",
        "New telephone system",
        "Loughborough diabetes clinic",
    ] {
        assert!(decisions.contains(title), "{title}: {decisions}");
    }
    let objectives = get("/objectives");
    for title in OBJECTIVES {
        assert!(objectives.contains(title), "{title}: {objectives}");
    }
    let eds = get("/eds/2025-26/report");
    // Domain 1's outcomes are the means over three services (17/3), Domains 2 and 3 score 5
    // each: 15.67 of 33, Developing.
    for text in [
        "<td>15.67 of 33</td><td>Developing activity</td>",
        "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
        "Maternity services",
        "Diabetes care",
        "Staff side chair (UNISON)",
        "EDS Action Plan",
    ] {
        assert!(eds.contains(text), "{text}: {eds}");
    }

    // `equalis annual-report` of the seeded workspace: the objectives with their measures'
    // published values, the EDS overall rating and the action plan.
    let out = tmp.path().join("annual");
    let o = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(["annual-report", "--workspace"])
        .arg(&ws)
        .args(["--year", "2025/26", "--out"])
        .arg(&out)
        .arg("--no-pdf")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for title in OBJECTIVES {
        assert!(html.contains(title), "the report lacks {title}");
    }
    // Each measure has a latest value published for 2025/26 (none is "No data").
    for measure in [
        "SMI physical health checks in the most deprived quintile (%)",
        "Relative likelihood of appointment from shortlisting, White compared with BME (WRES 2)",
        "Median gender pay gap in hourly pay (%)",
    ] {
        let row = html
            .split("<tr>")
            .find(|r| r.contains(measure))
            .unwrap_or_else(|| panic!("no row for the measure {measure}"));
        assert!(row.contains(" (2025/26)"), "{measure}: {row}");
        assert!(!row.contains("No data"), "{measure}: {row}");
    }
    let section = &html[html.find("Equality Delivery System 2022").unwrap()..];
    for text in [
        "Overall rating: Developing (15.67 of 33).",
        "EDS Organisation Rating",
        "EDS Action Plan",
        "Outreach clinics for SMI physical health checks in Core20 primary care networks",
        "Zero-tolerance campaign on abuse of staff",
    ] {
        assert!(section.contains(text), "the EDS section lacks {text}");
    }
}

/// The demo's equality objectives (`equalis_app::assurance_demo`).
const OBJECTIVES: [&str; 3] = [
    "Halve the gap in SMI physical health checks between the most and least deprived areas",
    "Fair recruitment: equal chances of appointment from shortlisting",
    "Halve the median gender pay gap",
];

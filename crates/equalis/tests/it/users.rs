//! End-to-end tests of `equalis user …` and `equalis audit …`: the real binary on a
//! workspace's SQLite store and, when `EQUALIS_TEST_POSTGRES` names a server, on a
//! PostgreSQL database of its own (see `equalis_store::testing`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use equalis_store::testing::TestPostgres;

const PASSWORD: &str = "correct horse battery staple";

/// Where a test's store is: the arguments that name it, and a URL for raw SQL.
struct Target {
    args: Vec<String>,
    url: String,
    backend: &'static str,
    _tmp: tempfile::TempDir,
    _pg: Option<TestPostgres>,
}

impl Target {
    fn sqlite() -> Target {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        let o = equalis(&["init", ws.to_str().unwrap()], None);
        assert!(o.status.success());
        Target {
            args: vec!["--workspace".into(), ws.to_str().unwrap().into()],
            url: format!("sqlite://{}", ws.join("equalis.db").display()),
            backend: "sqlite",
            _tmp: tmp,
            _pg: None,
        }
    }

    fn postgres(label: &str) -> Option<Target> {
        let pg = TestPostgres::create_blocking(label)?;
        Some(Target {
            args: vec!["--database".into(), pg.url().into()],
            url: pg.url().into(),
            backend: "postgres",
            _tmp: tempfile::tempdir().unwrap(),
            _pg: Some(pg),
        })
    }

    /// Runs `equalis SUBCOMMAND... <store args> REST...` with `stdin`.
    fn run(&self, command: &[&str], rest: &[&str], stdin: Option<&str>) -> Output {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(self.args.iter().map(String::as_str));
        args.extend(rest);
        equalis(&args, stdin)
    }

    fn add(&self, email: &str, role: &str, password: &str) -> Output {
        self.run(
            &["user", "add"],
            &[
                "--email",
                email,
                "--name",
                "Ada Lovelace",
                "--role",
                role,
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        )
    }

    /// Runs SQL on the store directly, as someone with access to the database could.
    fn raw(&self, sql: &str) -> Result<(), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&self.url)
                .await
                .map_err(|e| e.to_string())?;
            let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await;
            pool.close().await;
            r.map(|_| ()).map_err(|e| e.to_string())
        })
    }
}

fn equalis(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .args(args)
        .env("USER", "it-admin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(code(o), 0, "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
    stdout(o)
}

fn users_json(t: &Target) -> serde_json::Value {
    serde_json::from_str(&ok(&t.run(&["user", "list"], &["--format", "json"], None))).unwrap()
}

/// The account commands and the audit log, end to end on one backend.
fn accounts_and_audit(t: &Target) {
    let added = t.add("Ada.Lovelace@Example.nhs.uk", "analyst", PASSWORD);
    ok(&added);
    assert!(
        stderr(&added).contains("Created the account `Ada.Lovelace@Example.nhs.uk`"),
        "{}",
        stderr(&added)
    );

    // The same email in other case is refused, as is a weak password, the public role, and
    // a password with no terminal to ask on; none creates an account.
    let dup = t.add("ada.lovelace@example.NHS.uk", "viewer", PASSWORD);
    assert_eq!(code(&dup), 2);
    assert!(stderr(&dup).contains("already exists"), "{}", stderr(&dup));
    let weak = t.add("bob@example.nhs.uk", "viewer", "short");
    assert_eq!(code(&weak), 2);
    assert!(stderr(&weak).contains("at least 12"), "{}", stderr(&weak));
    let same = t.add("bob@example.nhs.uk", "viewer", "bob@example.nhs.uk");
    assert_eq!(code(&same), 2);
    assert!(stderr(&same).contains("must not be the account's email"));
    let public = t.add("bob@example.nhs.uk", "public", PASSWORD);
    assert_eq!(code(&public), 2);
    assert!(
        stderr(&public).contains("not logged in"),
        "{}",
        stderr(&public)
    );
    let no_tty = t.run(
        &["user", "add"],
        &[
            "--email",
            "bob@example.nhs.uk",
            "--name",
            "Bob",
            "--role",
            "viewer",
        ],
        None,
    );
    assert_eq!(code(&no_tty), 2);
    assert!(
        stderr(&no_tty).contains("--password-stdin"),
        "{}",
        stderr(&no_tty)
    );
    assert_eq!(users_json(t).as_array().unwrap().len(), 1);

    ok(&t.add("bob@example.nhs.uk", "viewer", PASSWORD));
    ok(&t.run(
        &["user", "disable"],
        &["--email", "BOB@example.nhs.uk"],
        None,
    ));
    let users = users_json(t);
    assert_eq!(users[1]["email"], "bob@example.nhs.uk");
    assert_eq!(users[1]["disabled"], true);
    ok(&t.run(
        &["user", "enable"],
        &["--email", "bob@example.nhs.uk"],
        None,
    ));
    ok(&t.run(
        &["user", "reset"],
        &["--email", "bob@example.nhs.uk", "--password-stdin"],
        Some("a brand new passphrase\n"),
    ));
    ok(&t.run(
        &["user", "set-role"],
        &["--email", "bob@example.nhs.uk", "--role", "reviewer"],
        None,
    ));
    let users = users_json(t);
    assert_eq!(users[1]["role"], "reviewer");
    assert_eq!(users[1]["disabled"], false);
    let unknown = t.run(
        &["user", "disable"],
        &["--email", "carol@example.nhs.uk"],
        None,
    );
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("no account for `carol@example.nhs.uk`"));

    // The text list, with the creation date stood in for.
    let list = ok(&t.run(&["user", "list"], &[], None));
    let created = users[0]["created_at"].as_str().unwrap()[..10].to_string();
    // One snapshot for both backends: they must print the same.
    insta::allow_duplicates! {
        insta::assert_snapshot!(list.replace(&created, "YYYY-MM-DD"), @r"
        email                        name          role      status  created
        Ada.Lovelace@Example.nhs.uk  Ada Lovelace  analyst   active  YYYY-MM-DD
        bob@example.nhs.uk           Ada Lovelace  reviewer  active  YYYY-MM-DD
        ");
    }

    // Every change is in the audit log, with who made it; no password is.
    let log = ok(&t.run(&["audit", "list"], &[], None));
    let actions: Vec<&str> = log
        .lines()
        .map(|l| l.split_whitespace().nth(3).unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "user.created",
            "user.created",
            "user.disabled",
            "user.enabled",
            "user.password_reset",
            "user.role_changed"
        ],
        "{log}"
    );
    assert!(log.lines().all(|l| l.contains("cli:it-admin")), "{log}");
    assert!(
        !log.contains(PASSWORD) && !log.contains("brand new"),
        "{log}"
    );

    let verified = t.run(&["audit", "verify"], &[], None);
    let out = ok(&verified);
    assert!(out.contains("intact: 6 entries"), "{out}");
    assert!(out.contains("Last entry: 6, hash "), "{out}");

    // Someone with database access who gets past the append-only triggers and edits an
    // entry is named, with exit status 3.
    let refused = t.raw("UPDATE audit_log SET actor = 'cli:nobody' WHERE seq = 2");
    assert!(refused.unwrap_err().contains("append-only"));
    t.raw(match t.backend {
        "sqlite" => "DROP TRIGGER audit_log_no_update",
        _ => "DROP TRIGGER audit_log_no_change ON audit_log",
    })
    .unwrap();
    t.raw("UPDATE audit_log SET actor = 'cli:nobody' WHERE seq = 2")
        .unwrap();
    let tampered = t.run(&["audit", "verify"], &[], None);
    assert_eq!(code(&tampered), 3, "{}", stderr(&tampered));
    assert!(
        stderr(&tampered).contains("tampered with: entry 2 was changed after it was written"),
        "{}",
        stderr(&tampered)
    );
}

#[test]
fn accounts_and_audit_on_sqlite() {
    accounts_and_audit(&Target::sqlite());
}

#[test]
fn accounts_and_audit_on_postgres() {
    if let Some(t) = Target::postgres("cli_accounts") {
        accounts_and_audit(&t);
    }
}

/// Several processes adding accounts at once: every one is added and the chain holds.
fn concurrent_processes(t: &Target) {
    let children: Vec<_> = (0..6)
        .map(|i| {
            let mut args: Vec<String> = vec!["user".into(), "add".into()];
            args.extend(t.args.iter().cloned());
            args.extend([
                "--email".into(),
                format!("user{i}@example.nhs.uk"),
                "--name".into(),
                format!("User {i}"),
                "--role".into(),
                "viewer".into(),
                "--password-stdin".into(),
            ]);
            let mut child = Command::new(env!("CARGO_BIN_EXE_equalis"))
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{PASSWORD}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    for child in children {
        ok(&child.wait_with_output().unwrap());
    }
    assert_eq!(users_json(t).as_array().unwrap().len(), 6);
    let out = ok(&t.run(&["audit", "verify"], &[], None));
    assert!(out.contains("intact: 6 entries"), "{out}");
}

#[test]
fn concurrent_processes_on_sqlite() {
    concurrent_processes(&Target::sqlite());
}

#[test]
fn concurrent_processes_on_postgres() {
    if let Some(t) = Target::postgres("cli_concurrent") {
        concurrent_processes(&t);
    }
}

#[test]
fn a_store_from_a_newer_equalis_is_refused() {
    let t = Target::sqlite();
    ok(&t.add("ada@example.nhs.uk", "admin", PASSWORD));
    t.raw(
        "INSERT INTO equalis_schema (version, description, checksum, applied_at)
         VALUES (99, 'future', 'x', 0)",
    )
    .unwrap();
    let o = t.run(&["user", "list"], &[], None);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("newer than this equalis knows") && stderr(&o).contains("upgrade"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn where_the_store_is_must_be_said_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    // Neither --workspace nor --database.
    let o = equalis(&["user", "list"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--workspace"), "{}", stderr(&o));
    // A directory that is not a workspace gets no store.
    let not_ws = tmp.path().join("typo");
    let o = equalis(
        &["user", "list", "--workspace", not_ws.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("not an equalis workspace"),
        "{}",
        stderr(&o)
    );
    assert!(!not_ws.join("equalis.db").exists());
    // A relative workspace path is the workspace's own store.
    let init = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .current_dir(tmp.path())
        .args(["init", "ws"])
        .output()
        .unwrap();
    assert!(init.status.success());
    let mut add = Command::new(env!("CARGO_BIN_EXE_equalis"))
        .current_dir(tmp.path())
        .args([
            "user",
            "add",
            "--workspace",
            "ws",
            "--email",
            "a@example.nhs.uk",
            "--name",
            "A",
            "--role",
            "viewer",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    ok(&add.wait_with_output().unwrap());
    assert!(tmp.path().join("ws").join("equalis.db").is_file());
    // A database URL of another kind.
    let o = equalis(
        &["audit", "verify", "--database", "mysql://db/equalis"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unsupported database URL scheme `mysql`"));
    // An unreachable PostgreSQL is named without its password.
    let o = equalis(
        &[
            "audit",
            "verify",
            "--database",
            "postgres://equalis:s3cret@127.0.0.1:1/equalis",
        ],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("could not open the store"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("s3cret"), "{}", stderr(&o));
}

/// On a terminal the password is asked for twice (without echo); `script` gives the binary a
/// pseudo-terminal, and each answer is written only once its prompt has appeared.
#[test]
fn the_password_is_asked_for_on_a_terminal() {
    let t = Target::sqlite();
    let ws = t.args[1].clone();
    let run = |email: &str, answers: [&str; 2]| -> (i32, String) {
        let cmd = format!(
            "{} user add --workspace {} --email {email} --name T --role viewer",
            Path::new(env!("CARGO_BIN_EXE_equalis")).display(),
            PathBuf::from(&ws).display()
        );
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs");
        let mut input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let mut seen = String::new();
        for (prompt, answer) in [("Password for", answers[0]), ("again", answers[1])] {
            let mut buf = [0u8; 256];
            while !seen.contains(prompt) {
                let n = output.read(&mut buf).unwrap();
                assert!(n > 0, "no prompt `{prompt}`; output so far: {seen}");
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            input.write_all(format!("{answer}\n").as_bytes()).unwrap();
            input.flush().unwrap();
        }
        drop(input);
        output.read_to_string(&mut seen).unwrap();
        let status = child.wait().unwrap();
        (status.code().unwrap_or(-1), seen)
    };
    let (code_ok, out) = run("tty@example.nhs.uk", [PASSWORD, PASSWORD]);
    assert_eq!(code_ok, 0, "{out}");
    // Whether the answer is echoed is not checked: echo goes off just after each prompt is
    // written, and a test answering the instant the prompt appears can beat it (a person
    // cannot), which would make the check flaky.
    let (code_differ, out) = run("tty2@example.nhs.uk", [PASSWORD, "something else entirely"]);
    assert_eq!(code_differ, 2, "{out}");
    assert!(out.contains("the two passwords differ"), "{out}");
    let emails: Vec<String> = users_json(&t)
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails, ["tty@example.nhs.uk"]);
}

//! The store's behaviour, on SQLite (a temporary directory) and on a real PostgreSQL (a
//! database of its own per test; see `equalis_store::testing`). Each case is one async
//! function run on both backends by `both!`.

use std::sync::Arc;

use equalis_store::testing::TestPostgres;
use equalis_store::{
    Actor, AuditProblemKind, Backend, Database, LoginOutcome, LoginRefusal, ManualClock, NewUser,
    PasswordProblem, Role, SCHEMA_VERSION, Secret, Store, StoreConfig, StoreError, audit::action,
};
use jiff::{SignedDuration, Timestamp};

const PASSWORD: &str = "correct horse battery staple";

/// Runs `case(Database, label)` on SQLite and on PostgreSQL.
macro_rules! both {
    ($case:ident) => {
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                super::$case(equalis_store::Database::for_workspace(dir.path())).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(pg) =
                    equalis_store::testing::TestPostgres::create(stringify!($case)).await
                else {
                    return;
                };
                super::$case(pg.database()).await;
                drop(pg);
            }
        }
    };
}

fn start() -> Timestamp {
    Timestamp::from_second(1_767_225_600).unwrap() // 2026-01-01T00:00:00Z
}

async fn open_with_clock(db: &Database, clock: Arc<ManualClock>) -> Store {
    Store::open(
        db,
        StoreConfig {
            clock,
            ..StoreConfig::default()
        },
    )
    .await
    .unwrap()
}

fn admin() -> Actor {
    Actor::Command("test-admin".into())
}

async fn add(store: &Store, email: &str, role: Role) -> equalis_store::User {
    store
        .create_user(
            &admin(),
            NewUser {
                email,
                display_name: "Ada Lovelace",
                role,
                password: PASSWORD,
            },
        )
        .await
        .unwrap()
}

async fn login_ok(store: &Store, email: &str, password: &str) -> equalis_store::NewSession {
    match store
        .login(email, password, Some("192.0.2.1"))
        .await
        .unwrap()
    {
        LoginOutcome::Success(s) => s,
        LoginOutcome::Refused(r) => panic!("login refused: {r:?}"),
    }
}

async fn refusal(store: &Store, email: &str, password: &str, addr: &str) -> LoginRefusal {
    match store.login(email, password, Some(addr)).await.unwrap() {
        LoginOutcome::Success(_) => panic!("login should have been refused"),
        LoginOutcome::Refused(r) => r,
    }
}

/// Runs SQL on the database directly, as an administrator (or an attacker) could.
async fn raw(db: &Database, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let url = match db {
        Database::Sqlite(path) => format!("sqlite://{}", path.display()),
        Database::Postgres(url) => url.clone(),
    };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&pool)
        .await;
    pool.close().await;
    result.map(|_| ())
}

/// Every text the database holds, as one string (for scanning for secrets).
async fn dump(db: &Database) -> String {
    sqlx::any::install_default_drivers();
    let url = match db {
        Database::Sqlite(path) => format!("sqlite://{}", path.display()),
        Database::Postgres(url) => url.clone(),
    };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let mut all = String::new();
    for (table, cols) in [
        (
            "users",
            "email || ' ' || display_name || ' ' || password_hash",
        ),
        ("sessions", "token_hash || ' ' || COALESCE(client_addr, '')"),
        ("api_tokens", "name || ' ' || token_hash"),
        (
            "audit_log",
            "actor || ' ' || action || ' ' || subject || ' ' || detail",
        ),
    ] {
        let rows: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {cols} FROM {table}")))
                .fetch_all(&pool)
                .await
                .unwrap();
        all.push_str(&rows.join("\n"));
        all.push('\n');
    }
    pool.close().await;
    all
}

// ---------------------------------------------------------------------------------------

both!(migrations_apply_once_and_a_newer_schema_is_refused);
async fn migrations_apply_once_and_a_newer_schema_is_refused(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    add(&store, "ada@example.nhs.uk", Role::Analyst).await;
    store.close().await;

    // Opening again applies nothing and keeps the data.
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    store.close().await;

    // A store written by a newer equalis is refused, and left as it was.
    raw(
        &db,
        "INSERT INTO equalis_schema (version, description, checksum, applied_at)
         VALUES (999, 'from the future', 'x', 0)",
    )
    .await
    .unwrap();
    let err = Store::open(&db, StoreConfig::default()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 999, supported } if supported == SCHEMA_VERSION),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade equalis"), "{err}");
    raw(&db, "DELETE FROM equalis_schema WHERE version = 999")
        .await
        .unwrap();
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    assert_eq!(store.list_users().await.unwrap().len(), 1);

    // An applied migration edited since is refused too.
    store.close().await;
    raw(
        &db,
        "UPDATE equalis_schema SET checksum = 'edited' WHERE version = 1",
    )
    .await
    .unwrap();
    let err = Store::open(&db, StoreConfig::default()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::MigrationChanged { version: 1, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn sqlite_store_is_owner_only_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::for_workspace(dir.path());
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    let path = dir.path().join("equalis.db");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store holds password hashes");
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn awkward_directory_names_are_used_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // Characters a URL would change: percent escapes, query and fragment marks, spaces, `..`.
    let odd = dir.path().join("a%41b ?#x").join("ws");
    std::fs::create_dir_all(&odd).unwrap();
    let db = Database::Sqlite(odd.join("..").join("ws").join("equalis.db"));
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    add(&store, "ada@example.nhs.uk", Role::Viewer).await;
    store.close().await;
    assert!(odd.join("equalis.db").is_file());
    let files: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    assert_eq!(files, [odd.join("equalis.db")]);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::Sqlite(dir.path().join("nope").join("equalis.db"));
    let err = Store::open(&db, StoreConfig::default()).await.unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

both!(accounts_are_unique_ignoring_case_and_checked);
async fn accounts_are_unique_ignoring_case_and_checked(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    let ada = add(&store, "Ada.Lovelace@Example.NHS.uk", Role::EdiLead).await;
    assert_eq!(ada.email, "Ada.Lovelace@Example.NHS.uk");
    assert_eq!(ada.role, Role::EdiLead);
    assert!(!ada.disabled);

    let dup = store
        .create_user(
            &admin(),
            NewUser {
                email: " ada.lovelace@example.nhs.UK",
                display_name: "Another",
                role: Role::Viewer,
                password: PASSWORD,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::DuplicateUser(_)), "{dup}");

    let found = store
        .find_user("ADA.LOVELACE@example.nhs.uk")
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(ada.id));

    for (password, problem) in [
        ("too short", PasswordProblem::TooShort(9)),
        ("ada.lovelace@example.nhs.uk", PasswordProblem::IsTheEmail),
    ] {
        let err = store
            .create_user(
                &admin(),
                NewUser {
                    email: "ada.lovelace@example.nhs.uk",
                    display_name: "A",
                    role: Role::Viewer,
                    password,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Password(p) if *p == problem),
            "{err}"
        );
    }

    let err = store
        .create_user(
            &admin(),
            NewUser {
                email: "anyone@example.nhs.uk",
                display_name: "Anyone",
                role: Role::Public,
                password: PASSWORD,
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not logged in"), "{err}");
    assert_eq!(store.list_users().await.unwrap().len(), 1);

    let err = store
        .reset_password(&admin(), "nobody@example.nhs.uk", PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownUser(_)), "{err}");
}

both!(login_sessions_and_what_ends_them);
async fn login_sessions_and_what_ends_them(db: Database) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    add(&store, "ada@example.nhs.uk", Role::Analyst).await;

    // Wrong password and unknown account are refused alike.
    assert_eq!(
        refusal(
            &store,
            "ada@example.nhs.uk",
            "wrong password!!",
            "192.0.2.9"
        )
        .await,
        LoginRefusal::BadCredentials
    );
    assert_eq!(
        refusal(&store, "nobody@example.nhs.uk", PASSWORD, "192.0.2.9").await,
        LoginRefusal::BadCredentials
    );

    let new = login_ok(&store, "ADA@example.nhs.uk", PASSWORD).await;
    assert!(new.token.expose().len() >= 64);
    assert_eq!(new.user.role, Role::Analyst);
    assert_eq!(new.expires_at, start() + SignedDuration::from_hours(12));
    let session = store.session(&new.token).await.unwrap().unwrap();
    assert_eq!(session.user.email, "ada@example.nhs.uk");
    assert_eq!(session.csrf_token(), new.csrf_token);
    assert!(session.check_csrf(&new.csrf_token));
    assert!(!session.check_csrf("forged"));
    assert!(
        store
            .session(&Secret::from_presented("eqs_not-a-token"))
            .await
            .unwrap()
            .is_none()
    );

    // Logout ends it.
    assert!(store.logout(&new.token).await.unwrap());
    assert!(store.session(&new.token).await.unwrap().is_none());
    assert!(!store.logout(&new.token).await.unwrap());

    // Disabling ends sessions and stops logins, even with the right password.
    let s1 = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    store
        .set_disabled(&admin(), "ada@example.nhs.uk", true)
        .await
        .unwrap();
    assert!(store.session(&s1.token).await.unwrap().is_none());
    assert_eq!(
        refusal(&store, "ada@example.nhs.uk", PASSWORD, "192.0.2.1").await,
        LoginRefusal::Disabled
    );
    store
        .set_disabled(&admin(), "ada@example.nhs.uk", false)
        .await
        .unwrap();

    // A reset ends sessions; the old password stops working and the new one works.
    let s2 = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    store
        .reset_password(&admin(), "ada@example.nhs.uk", "a new long passphrase")
        .await
        .unwrap();
    assert!(store.session(&s2.token).await.unwrap().is_none());
    assert_eq!(
        refusal(&store, "ada@example.nhs.uk", PASSWORD, "192.0.2.1").await,
        LoginRefusal::BadCredentials
    );
    login_ok(&store, "ada@example.nhs.uk", "a new long passphrase").await;

    // A role change ends sessions too, so pages follow the new role.
    let s3 = login_ok(&store, "ada@example.nhs.uk", "a new long passphrase").await;
    let ada = store
        .set_role(&admin(), "ada@example.nhs.uk", Role::Reviewer)
        .await
        .unwrap();
    assert_eq!(ada.role, Role::Reviewer);
    assert!(store.session(&s3.token).await.unwrap().is_none());
}

both!(sessions_time_out_when_idle_and_absolutely);
async fn sessions_time_out_when_idle_and_absolutely(db: Database) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    add(&store, "ada@example.nhs.uk", Role::Viewer).await;

    // Idle: 29 minutes unused is fine, and use restarts the idle clock.
    let s = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    clock.advance(SignedDuration::from_mins(29));
    let live = store.session(&s.token).await.unwrap().unwrap();
    assert_eq!(
        live.idle_expires_at,
        start() + SignedDuration::from_mins(29 + 30)
    );
    clock.advance(SignedDuration::from_mins(29));
    assert!(store.session(&s.token).await.unwrap().is_some());
    // Exactly 30 minutes unused: ended, and gone for good.
    clock.advance(SignedDuration::from_mins(30));
    assert!(store.session(&s.token).await.unwrap().is_none());
    clock.advance(SignedDuration::from_secs(-60 * 20));
    assert!(store.session(&s.token).await.unwrap().is_none());

    // Absolute: used every 20 minutes, it still ends 12 hours after login.
    clock.set(start() + SignedDuration::from_hours(24));
    let s = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    let login_at = clock.now_for_test();
    let mut uses = 0;
    loop {
        clock.advance(SignedDuration::from_mins(20));
        let live = store.session(&s.token).await.unwrap();
        if clock.now_for_test() >= login_at + SignedDuration::from_hours(12) {
            assert!(live.is_none(), "still live at {}", clock.now_for_test());
            break;
        }
        let live = live.unwrap();
        assert!(live.idle_expires_at <= live.expires_at);
        uses += 1;
    }
    assert_eq!(uses, 35);

    // Purging removes timed-out sessions without their being presented.
    let a = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    clock.advance(SignedDuration::from_mins(31));
    assert_eq!(store.purge_expired_sessions().await.unwrap(), 1);
    assert!(store.session(&a.token).await.unwrap().is_none());
}

/// `ManualClock::now` through the trait, for readability above.
trait NowForTest {
    fn now_for_test(&self) -> Timestamp;
}
impl NowForTest for ManualClock {
    fn now_for_test(&self) -> Timestamp {
        equalis_store::Clock::now(self)
    }
}

both!(failed_logins_are_throttled_across_restarts);
async fn failed_logins_are_throttled_across_restarts(db: Database) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    add(&store, "ada@example.nhs.uk", Role::Viewer).await;

    // Four failures are free; a success resets the count.
    for _ in 0..4 {
        refusal(
            &store,
            "ada@example.nhs.uk",
            "wrong password!!",
            "192.0.2.7",
        )
        .await;
    }
    login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    for _ in 0..4 {
        refusal(
            &store,
            "ada@example.nhs.uk",
            "wrong password!!",
            "192.0.2.7",
        )
        .await;
    }
    // The fifth in a row locks the account for a minute...
    refusal(
        &store,
        "ada@example.nhs.uk",
        "wrong password!!",
        "192.0.2.7",
    )
    .await;
    store.close().await;

    // ...which holds in another process (a new store on the same database)...
    let store = open_with_clock(&db, clock.clone()).await;
    let until = start() + SignedDuration::from_mins(1);
    assert_eq!(
        refusal(&store, "ada@example.nhs.uk", PASSWORD, "198.51.100.1").await,
        LoginRefusal::Throttled { until },
        "the right password is not even checked while locked"
    );
    // ...and does not tell whether an account exists: unknown accounts lock alike.
    for _ in 0..5 {
        refusal(
            &store,
            "ghost@example.nhs.uk",
            "wrong password!!",
            "192.0.2.8",
        )
        .await;
    }
    assert!(matches!(
        refusal(
            &store,
            "ghost@example.nhs.uk",
            "wrong password!!",
            "192.0.2.8"
        )
        .await,
        LoginRefusal::Throttled { .. }
    ));

    // After the lock-out the right password works, and clears the count.
    clock.advance(SignedDuration::from_mins(1));
    login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;

    // Failing again after the count was cleared starts from one minute again; a second
    // lock-out in a row doubles.
    for _ in 0..5 {
        refusal(
            &store,
            "ada@example.nhs.uk",
            "wrong password!!",
            "192.0.2.7",
        )
        .await;
    }
    clock.advance(SignedDuration::from_mins(1));
    refusal(
        &store,
        "ada@example.nhs.uk",
        "wrong password!!",
        "192.0.2.7",
    )
    .await;
    assert_eq!(
        refusal(&store, "ada@example.nhs.uk", PASSWORD, "192.0.2.7").await,
        LoginRefusal::Throttled {
            until: clock.now_for_test() + SignedDuration::from_mins(2)
        }
    );
    // An administrator's reset clears the lock-out.
    store
        .reset_password(&admin(), "ada@example.nhs.uk", PASSWORD)
        .await
        .unwrap();
    login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;

    // An address trying many accounts is locked out as an address.
    let policy = store.config().throttle.clone();
    for i in 0..policy.address_free_failures {
        refusal(
            &store,
            &format!("user{i}@example.nhs.uk"),
            "wrong password!!",
            "203.0.113.5",
        )
        .await;
    }
    assert!(matches!(
        refusal(&store, "ada@example.nhs.uk", PASSWORD, "203.0.113.5").await,
        LoginRefusal::Throttled { .. }
    ));
    // Other addresses are not affected.
    login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;

    let actions: Vec<String> = store
        .audit_entries(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == action::LOGIN_LOCKED));
}

both!(api_tokens_are_shown_once_and_revocable);
async fn api_tokens_are_shown_once_and_revocable(db: Database) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    add(&store, "ada@example.nhs.uk", Role::Analyst).await;
    let made = store
        .create_api_token(&admin(), "ada@example.nhs.uk", "dashboard refresh")
        .await
        .unwrap();
    assert!(
        made.secret
            .expose()
            .starts_with(equalis_store::API_TOKEN_PREFIX)
    );
    assert_eq!(made.token.last_used_at, None);

    clock.advance(SignedDuration::from_mins(5));
    let user = store.authenticate_api_token(&made.secret).await.unwrap();
    assert_eq!(
        user.map(|u| u.email),
        Some("ada@example.nhs.uk".to_string())
    );
    let listed = store.list_api_tokens("ada@example.nhs.uk").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].last_used_at,
        Some(start() + SignedDuration::from_mins(5))
    );

    // A disabled account's tokens do not work.
    store
        .set_disabled(&admin(), "ada@example.nhs.uk", true)
        .await
        .unwrap();
    assert!(
        store
            .authenticate_api_token(&made.secret)
            .await
            .unwrap()
            .is_none()
    );
    store
        .set_disabled(&admin(), "ada@example.nhs.uk", false)
        .await
        .unwrap();
    assert!(
        store
            .authenticate_api_token(&made.secret)
            .await
            .unwrap()
            .is_some()
    );

    let revoked = store
        .revoke_api_token(&admin(), "ada@example.nhs.uk", made.token.id)
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        store
            .authenticate_api_token(&made.secret)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .authenticate_api_token(&Secret::from_presented("eqt_guess"))
            .await
            .unwrap()
            .is_none()
    );
    let err = store
        .revoke_api_token(&admin(), "ada@example.nhs.uk", 9_999)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownApiToken(9_999)), "{err}");
}

both!(no_password_or_token_is_stored);
async fn no_password_or_token_is_stored(db: Database) {
    let store = Store::open(&db, StoreConfig::default()).await.unwrap();
    add(&store, "ada@example.nhs.uk", Role::Analyst).await;
    let session = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    let api = store
        .create_api_token(&admin(), "ada@example.nhs.uk", "script")
        .await
        .unwrap();
    store
        .reset_password(&admin(), "ada@example.nhs.uk", "another long passphrase")
        .await
        .unwrap();
    store.close().await;
    let everything = dump(&db).await;
    assert!(everything.contains("$argon2id$"), "hashes are there");
    for secret in [
        PASSWORD,
        "another long passphrase",
        session.token.expose(),
        &session.csrf_token,
        api.secret.expose(),
    ] {
        assert!(!everything.contains(secret), "the store holds a secret");
    }
}

both!(every_change_is_audited_and_tampering_is_named);
async fn every_change_is_audited_and_tampering_is_named(db: Database) {
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    add(&store, "ada@example.nhs.uk", Role::Analyst).await;
    refusal(
        &store,
        "ada@example.nhs.uk",
        "wrong password!!",
        "192.0.2.1",
    )
    .await;
    let s = login_ok(&store, "ada@example.nhs.uk", PASSWORD).await;
    store.logout(&s.token).await.unwrap();
    store
        .reset_password(&admin(), "ada@example.nhs.uk", "a new long passphrase")
        .await
        .unwrap();
    store
        .set_disabled(&admin(), "ada@example.nhs.uk", true)
        .await
        .unwrap();
    store
        .record(
            &Actor::User("ada@example.nhs.uk".into()),
            "results.unsuppressed_viewed",
            "indicator:wl_over_52_weeks",
            serde_json::json!({ "breakdown": "ethnic_group" }),
        )
        .await
        .unwrap();

    let entries = store.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            action::USER_CREATED,
            action::LOGIN_FAILED,
            action::LOGIN_SUCCEEDED,
            action::LOGOUT,
            action::USER_PASSWORD_RESET,
            action::USER_DISABLED,
            "results.unsuppressed_viewed",
        ]
    );
    assert_eq!(entries[0].actor, "cli:test-admin");
    assert_eq!(entries[0].subject, "user:ada@example.nhs.uk");
    assert_eq!(entries[1].actor, "anonymous:192.0.2.1");
    assert_eq!(entries[2].actor, "user:ada@example.nhs.uk");
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());

    let ok = store.verify_audit().await.unwrap();
    assert_eq!(ok.problem, None);
    assert_eq!(ok.entries, 7);
    assert_eq!(ok.head, Some((7, entries[6].hash.clone())));

    // The database refuses changes and removals...
    let refused = raw(&db, "UPDATE audit_log SET detail = '{}' WHERE seq = 3").await;
    assert!(
        refused.unwrap_err().to_string().contains("append-only"),
        "the trigger refuses UPDATE"
    );
    let refused = raw(&db, "DELETE FROM audit_log WHERE seq = 3").await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));

    // ...and someone who drops the triggers and edits entry 3 is found out.
    let drop_triggers = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log;",
    };
    raw(&db, drop_triggers).await.unwrap();
    raw(
        &db,
        "UPDATE audit_log SET actor = 'user:someone-else@example.nhs.uk' WHERE seq = 3",
    )
    .await
    .unwrap();
    let found = store.verify_audit().await.unwrap();
    let problem = found.problem.unwrap();
    assert_eq!(
        (problem.seq, &problem.kind),
        (3, &AuditProblemKind::Changed)
    );
    assert_eq!(found.head, None);

    // Recomputing entry 3's hash moves the break to entry 4's link.
    let e3 = store.audit_entries(2, 1).await.unwrap().remove(0);
    raw(
        &db,
        &format!(
            "UPDATE audit_log SET hash = '{}' WHERE seq = 3",
            e3.expected_hash()
        ),
    )
    .await
    .unwrap();
    let problem = store.verify_audit().await.unwrap().problem.unwrap();
    assert_eq!(
        (problem.seq, &problem.kind),
        (4, &AuditProblemKind::BrokenLink)
    );

    // Removing entry 5 is named as such (after putting 3 back as it was).
    raw(
        &db,
        &format!(
            "UPDATE audit_log SET actor = '{}', hash = '{}' WHERE seq = 3",
            entries[2].actor, entries[2].hash
        ),
    )
    .await
    .unwrap();
    assert_eq!(store.verify_audit().await.unwrap().problem, None);
    raw(&db, "DELETE FROM audit_log WHERE seq = 5")
        .await
        .unwrap();
    let problem = store.verify_audit().await.unwrap().problem.unwrap();
    assert_eq!(
        (problem.seq, &problem.kind),
        (5, &AuditProblemKind::Missing { next_found: 6 })
    );
    assert!(
        problem.to_string().contains("entry 5 is missing"),
        "{problem}"
    );
}

both!(concurrent_appenders_do_not_fork_the_chain);
async fn concurrent_appenders_do_not_fork_the_chain(db: Database) {
    // Two stores with pools of their own stand for two processes; each appends from several
    // tasks at once, interleaved with audited account changes.
    let a = Store::open(&db, StoreConfig::default()).await.unwrap();
    let b = Store::open(&db, StoreConfig::default()).await.unwrap();
    let mut tasks = Vec::new();
    for (which, store) in [("a", a.clone()), ("b", b.clone())] {
        for t in 0..3 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..15 {
                    store
                        .record(
                            &Actor::System,
                            "test.append",
                            &format!("{which}{t}:{i}"),
                            serde_json::json!({ "i": i }),
                        )
                        .await
                        .unwrap();
                }
            }));
        }
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            add(&store, &format!("{which}@example.nhs.uk"), Role::Viewer).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = b.verify_audit().await.unwrap();
    assert_eq!(v.problem, None);
    assert_eq!(v.entries, 2 * 3 * 15 + 2);
    let subjects: std::collections::HashSet<String> = a
        .audit_entries(0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect();
    assert_eq!(subjects.len(), 2 * 3 * 15 + 2, "every append is there once");
}

#[tokio::test]
async fn postgres_tests_say_when_they_did_not_run() {
    // With the variable set, this creates and drops a database; without it, it returns
    // None (or fails when EQUALIS_REQUIRE_POSTGRES=1).
    if let Some(pg) = TestPostgres::create("smoke").await {
        assert!(pg.url().contains(pg.name()));
        let store = Store::open(&pg.database(), StoreConfig::default())
            .await
            .unwrap();
        assert_eq!(store.backend(), Backend::Postgres);
        store.close().await;
    }
}

// Decisions and impact assessments (issue 13).

mod assessments_support {
    use equalis_assess::{Decision, Stage};

    pub fn decision() -> Decision {
        Decision {
            title: "Weekend opening of the Wigston minor injuries unit".into(),
            summary: "Close on Sundays; open later on weekdays".into(),
            owner: "Director of operations".into(),
            organisation: "QK1".into(),
            stage: Stage::Consultation,
        }
    }

    /// Complete answers whose review date is a year after the test clock's start.
    pub fn answers() -> equalis_assess::Assessment {
        equalis_assess::examples::opening_hours(
            jiff::civil::date(2026, 3, 31),
            jiff::civil::date(2027, 1, 1),
        )
    }
}

both!(assessment_workflow_is_audited);
async fn assessment_workflow_is_audited(db: Database) {
    use equalis_assess::{AssessError, Assessment, BrownChecklist, Status};
    use equalis_store::DecisionFilter;
    let store = open_with_clock(&db, Arc::new(ManualClock::new(start()))).await;
    let author = add(&store, "author@example.nhs.uk", Role::EdiLead).await;
    let reviewer = add(&store, "reviewer@example.nhs.uk", Role::Reviewer).await;

    let d = store
        .create_decision(&author, &assessments_support::decision())
        .await
        .unwrap();
    assert_eq!(d.decision.organisation, "QK1");
    let v1 = store.start_assessment(&author, d.id).await.unwrap();
    assert_eq!(
        (v1.version.number(), v1.version.status()),
        (1, Status::Draft)
    );

    // An incomplete draft is kept as it is, but cannot be submitted.
    let mut partial = assessments_support::answers();
    partial.review_due = None;
    store
        .save_assessment(&author, d.id, 1, partial.clone())
        .await
        .unwrap();
    let err = store.submit_assessment(&author, d.id, 1).await.unwrap_err();
    let StoreError::Assessment(AssessError::Invalid(fields)) = &err else {
        panic!("{err}")
    };
    assert!(fields.get("review_due").is_some());
    assert_eq!(err.kind(), equalis_store::ErrorKind::Request);
    let kept = store.assessment_version(d.id, 1).await.unwrap().unwrap();
    assert_eq!(kept.version.document(), &partial);

    store
        .save_assessment(&author, d.id, 1, assessments_support::answers())
        .await
        .unwrap();
    store.submit_assessment(&author, d.id, 1).await.unwrap();
    let signed = store
        .sign_assessment(&reviewer, d.id, 1, BrownChecklist::all(), "Due regard had")
        .await
        .unwrap();
    assert_eq!(signed.version.status(), Status::Signed);
    let published = store.publish_assessment(&author, d.id, 1).await.unwrap();
    assert_eq!(published.version.status(), Status::Published);

    // Listing and filters read the stored columns.
    let listings = store.list_decisions().await.unwrap();
    assert_eq!(listings.len(), 1);
    let l = &listings[0];
    assert_eq!(l.published().unwrap().number, 1);
    assert!(!l.negative_unmitigated());
    assert_eq!(
        l.in_force().unwrap().review_due,
        Some(jiff::civil::date(2027, 1, 1))
    );
    assert!(l.is_overdue(jiff::civil::date(2027, 1, 2)));
    assert!(
        DecisionFilter {
            published_only: true,
            ..Default::default()
        }
        .matches(l, jiff::civil::date(2026, 6, 1))
    );

    // A change after sign-off is a new version; version 1 stays as signed.
    let v2 = store.start_assessment(&author, d.id).await.unwrap();
    assert_eq!(
        (v2.version.number(), v2.version.status()),
        (2, Status::Draft)
    );
    store
        .save_assessment(&author, d.id, 2, Assessment::default())
        .await
        .unwrap();
    let versions = store.assessment_versions(d.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0].version.document(),
        &assessments_support::answers()
    );
    assert_eq!(versions[0].version.status(), Status::Published);

    // Every step is in the audit log: who, what, when.
    let entries = store.audit_entries(0, 100).await.unwrap();
    let steps: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.subject == format!("decision:{}", d.id))
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (action::DECISION_CREATED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_STARTED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_SAVED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_SAVED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_SUBMITTED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_SIGNED, "user:reviewer@example.nhs.uk"),
            (action::ASSESSMENT_PUBLISHED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_STARTED, "user:author@example.nhs.uk"),
            (action::ASSESSMENT_SAVED, "user:author@example.nhs.uk"),
        ]
    );
    let saved = entries
        .iter()
        .find(|e| e.action == action::ASSESSMENT_SAVED)
        .unwrap();
    assert!(saved.detail.contains("\"grid-carers\""), "{}", saved.detail);
    let sign = entries
        .iter()
        .find(|e| e.action == action::ASSESSMENT_SIGNED)
        .unwrap();
    assert!(sign.detail.contains("\"to\":\"signed\""), "{}", sign.detail);
    assert!(sign.detail.contains("non_delegable"), "{}", sign.detail);
    assert_eq!(store.verify_audit().await.unwrap().problem, None);
}

both!(assessment_refusals);
async fn assessment_refusals(db: Database) {
    use equalis_assess::{AssessError, Assessment, BrownChecklist, Refusal, Status};
    use equalis_store::ErrorKind;
    let store = open_with_clock(&db, Arc::new(ManualClock::new(start()))).await;
    let author = add(&store, "author@example.nhs.uk", Role::Analyst).await;
    let viewer = add(&store, "viewer@example.nhs.uk", Role::Viewer).await;
    let reviewer = add(&store, "reviewer@example.nhs.uk", Role::Reviewer).await;

    let err = store
        .create_decision(&viewer, &assessments_support::decision())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let mut blank = assessments_support::decision();
    blank.title = " ".into();
    let StoreError::Assessment(AssessError::Invalid(fields)) =
        store.create_decision(&author, &blank).await.unwrap_err()
    else {
        panic!("a blank title was accepted")
    };
    assert_eq!(fields.get("title"), Some("Enter a title"));

    let d = store
        .create_decision(&author, &assessments_support::decision())
        .await
        .unwrap();
    assert!(matches!(
        store.start_assessment(&author, 999).await.unwrap_err(),
        StoreError::UnknownDecision(999)
    ));
    store.start_assessment(&author, d.id).await.unwrap();
    assert_eq!(
        store
            .start_assessment(&author, d.id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict,
        "one version in progress at a time"
    );
    store
        .save_assessment(&author, d.id, 1, assessments_support::answers())
        .await
        .unwrap();
    store.submit_assessment(&author, d.id, 1).await.unwrap();

    // The author, since made a reviewer, cannot sign their own.
    let author = store
        .set_role(&admin(), "author@example.nhs.uk", Role::Reviewer)
        .await
        .unwrap();
    let err = store
        .sign_assessment(&author, d.id, 1, BrownChecklist::all(), "")
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Assessment(AssessError::Refused(Refusal::OwnAssessment))
    ));
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    // An incomplete checklist is refused by field.
    let StoreError::Assessment(AssessError::Invalid(fields)) = store
        .sign_assessment(&reviewer, d.id, 1, BrownChecklist::default(), "")
        .await
        .unwrap_err()
    else {
        panic!("signed without the checklist")
    };
    assert_eq!(fields.len(), 5);
    // Nothing refused was written.
    let v = store.assessment_version(d.id, 1).await.unwrap().unwrap();
    assert_eq!(v.version.status(), Status::Submitted);

    store
        .sign_assessment(&reviewer, d.id, 1, BrownChecklist::all(), "")
        .await
        .unwrap();
    let author = store
        .set_role(&admin(), "author@example.nhs.uk", Role::Analyst)
        .await
        .unwrap();
    let err = store
        .save_assessment(&author, d.id, 1, Assessment::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(err.to_string().contains("start a new version"));
    store.start_assessment(&author, d.id).await.unwrap();
    assert!(matches!(
        store
            .publish_assessment(&author, d.id, 1)
            .await
            .unwrap_err(),
        StoreError::NotLatestVersion {
            version: 1,
            latest: 2,
            ..
        }
    ));
    assert!(matches!(
        store.submit_assessment(&author, d.id, 7).await.unwrap_err(),
        StoreError::UnknownAssessmentVersion { version: 7, .. }
    ));

    // The database itself refuses a change to a signed version, and any removal.
    let refused = raw(
        &db,
        "UPDATE assessment_versions SET record = '{}' WHERE version = 1",
    )
    .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("cannot be changed"),
        "the trigger refuses UPDATE of a signed version"
    );
    let refused = raw(&db, "DELETE FROM assessment_versions WHERE version = 2").await;
    assert!(refused.unwrap_err().to_string().contains("kept"));

    // A record edited outside equalis to be signed by its own author is reported, not shown.
    let drop = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER assessment_signed_no_update",
        Backend::Postgres => "DROP TRIGGER assessment_signed_immutable ON assessment_versions",
    };
    raw(&db, drop).await.unwrap();
    let v1 = store.assessment_version(d.id, 1).await.unwrap().unwrap();
    let mut record = v1.version.into_record();
    record.authors.insert(reviewer.id);
    let json = serde_json::to_string(&record).unwrap().replace('\'', "''");
    raw(
        &db,
        &format!("UPDATE assessment_versions SET record = '{json}' WHERE version = 1"),
    )
    .await
    .unwrap();
    let err = store.assessment_version(d.id, 1).await.unwrap_err();
    assert!(
        err.to_string().contains("signed by one of its authors"),
        "{err}"
    );
}

both!(anonymous_read_refusals_are_recorded_once_per_window);
/// A crawler asking for a draft again and again leaves one `assessment.refused` entry per
/// decision, version and client each window, the repeats counted in the next one; a reviewer
/// trying to sign their own is audited every time.
async fn anonymous_read_refusals_are_recorded_once_per_window(db: Database) {
    use equalis_assess::BrownChecklist;
    let clock = Arc::new(ManualClock::new(start()));
    let store = open_with_clock(&db, clock.clone()).await;
    let author = add(&store, "author@example.nhs.uk", Role::EdiLead).await;
    let d = store
        .create_decision(&author, &assessments_support::decision())
        .await
        .unwrap();
    store.start_assessment(&author, d.id).await.unwrap();
    let refusals = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .audit_entries(0, 10_000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == action::ASSESSMENT_REFUSED)
                .collect::<Vec<_>>()
        }
    };
    let why = "version 1 is draft, not published";
    let mut written = 0;
    for _ in 0..50 {
        if store
            .record_anonymous_read_refusal(d.id, 1, Some("192.0.2.7"), why)
            .await
            .unwrap()
        {
            written += 1;
        }
        clock.advance(SignedDuration::from_secs(10));
    }
    assert_eq!(written, 1, "50 reads in 500 s: one entry");
    let entries = refusals(&store).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "anonymous:192.0.2.7");
    assert_eq!(entries[0].subject, format!("decision:{}", d.id));
    let detail = |e: &equalis_store::AuditEntry| -> serde_json::Value {
        serde_json::from_str(&e.detail).unwrap()
    };
    let first = detail(&entries[0]);
    assert_eq!(first["attempted"], "read");
    assert_eq!(first["version"], 1);
    assert_eq!(first["repeats_before"], 0);
    // Another client, another version: entries of their own.
    assert!(
        store
            .record_anonymous_read_refusal(d.id, 1, Some("198.51.100.1"), why)
            .await
            .unwrap()
    );
    assert!(
        store
            .record_anonymous_read_refusal(d.id, 2, Some("192.0.2.7"), why)
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_anonymous_read_refusal(d.id, 1, Some("192.0.2.7"), why)
            .await
            .unwrap()
    );
    // After the window, the next read is written with the 50 repeats before it.
    clock.advance(SignedDuration::try_from(equalis_store::REFUSAL_WINDOW).unwrap());
    assert!(
        store
            .record_anonymous_read_refusal(d.id, 1, Some("192.0.2.7"), why)
            .await
            .unwrap()
    );
    let entries = refusals(&store).await;
    assert_eq!(entries.len(), 4);
    assert_eq!(detail(&entries[3])["repeats_before"], 50);

    // The author, made a reviewer, tries to sign their own twice: both audited.
    store
        .save_assessment(&author, d.id, 1, assessments_support::answers())
        .await
        .unwrap();
    store.submit_assessment(&author, d.id, 1).await.unwrap();
    store
        .set_role(&admin(), "author@example.nhs.uk", Role::Reviewer)
        .await
        .unwrap();
    let turned = store
        .find_user("author@example.nhs.uk")
        .await
        .unwrap()
        .unwrap();
    for _ in 0..2 {
        let err = store
            .sign_assessment(&turned, d.id, 1, BrownChecklist::all(), "mine")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("cannot sign"), "{err}");
    }
    let entries = refusals(&store).await;
    assert_eq!(entries.len(), 6);
    assert!(
        entries[4..]
            .iter()
            .all(|e| e.actor == "user:author@example.nhs.uk")
    );
    assert_eq!(store.verify_audit().await.unwrap().problem, None);
    store.close().await;
}

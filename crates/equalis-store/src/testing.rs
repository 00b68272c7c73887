//! A PostgreSQL database of its own for each test (this crate's and the binary's).
//!
//! `EQUALIS_TEST_POSTGRES` names a PostgreSQL server by a URL whose user may create
//! databases, e.g. `postgres:///postgres?host=/var/run/postgresql`. Each test creates a
//! uniquely named database there and drops it afterwards (even when the test fails). When the
//! variable is unset the test says it did not run and how to run it, and passes, unless
//! `EQUALIS_REQUIRE_POSTGRES=1` (as in CI), when it fails: so CI always runs them, and
//! `cargo test --workspace` still passes on a machine without PostgreSQL.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::Database;

/// The variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "EQUALIS_TEST_POSTGRES";
/// The variable that makes a missing PostgreSQL a test failure.
pub const REQUIRE_POSTGRES_VAR: &str = "EQUALIS_REQUIRE_POSTGRES";

/// A database created for one test, dropped when this is dropped.
#[derive(Debug)]
pub struct TestPostgres {
    admin_url: String,
    name: String,
    url: String,
}

impl TestPostgres {
    /// Creates a database for the test `label`, or returns `None` (having said why on
    /// stderr) when no server is configured. Panics when one is required but not configured,
    /// or when the server refuses.
    pub async fn create(label: &str) -> Option<TestPostgres> {
        let admin_url = admin_url(label)?;
        let name = unique_name(label);
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        let _ = conn.close().await;
        let url = with_database(&admin_url, &name);
        Some(TestPostgres {
            admin_url,
            name,
            url,
        })
    }

    /// [`TestPostgres::create`] from synchronous code (the binary's end-to-end tests).
    pub fn create_blocking(label: &str) -> Option<TestPostgres> {
        runtime().block_on(TestPostgres::create(label))
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database, for [`crate::Store::open`].
    pub fn database(&self) -> Database {
        Database::Postgres(self.url.clone())
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // A thread of its own, so dropping works inside or outside an async runtime.
        let dropped = std::thread::spawn(move || {
            runtime().block_on(async {
                let mut conn = PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop the test database {}", self.name);
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start a tokio runtime: {e}"))
}

/// The server URL, or `None` after saying the test did not run.
fn admin_url(label: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let how = format!(
                "set {POSTGRES_URL_VAR} to a PostgreSQL URL whose user may create databases, e.g. \
                 {POSTGRES_URL_VAR}='postgres:///postgres?host=/var/run/postgresql&user=YOUR_USER' (.ci/run shows how to install and start one)"
            );
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set: {how}");
            }
            eprintln!("PostgreSQL test `{label}` did not run: {how}");
            None
        }
    }
}

fn unique_name(label: &str) -> String {
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    let random: [u8; 4] = rand::random();
    format!(
        "equalis_test_{clean}_{}_{}",
        std::process::id(),
        crate::secret::hex(&random)
    )
}

/// The same server URL naming another database (the path after the host).
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |i| &tail[i..]);
    format!("{scheme}://{authority}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_new_database() {
        assert_eq!(
            with_database("postgres:///postgres?host=/var/run/postgresql", "t1"),
            "postgres:///t1?host=/var/run/postgresql"
        );
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "t1"),
            "postgres://u:p@h:5432/t1"
        );
        assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
        assert_eq!(
            with_database("postgres://h?sslmode=disable", "t1"),
            "postgres://h/t1?sslmode=disable"
        );
    }

    #[test]
    fn names_are_unique_and_valid() {
        let a = unique_name("Sessions expire!");
        assert!(a.starts_with("equalis_test_sessions_expire__"), "{a}");
        assert!(a.len() <= 63);
        assert_ne!(a, unique_name("Sessions expire!"));
    }
}

//! Where the store lives and how connections to it are made.
//!
//! One SQL text serves both backends through sqlx's Any driver: queries use `$1` parameters
//! (SQLite reads them too), integers are `BIGINT` (`INTEGER` in SQLite), flags are 0/1 and
//! times are seconds since the epoch. Where the backends differ (the DDL, taking a write
//! lock) the code asks [`Backend`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::StoreError;

/// The store's file inside a workspace.
pub const WORKSPACE_DB_FILE: &str = "equalis.db";

/// How long a SQLite writer waits for another (process or connection) to finish.
const SQLITE_BUSY_TIMEOUT_MS: u64 = 10_000;

/// How long opening a PostgreSQL store waits for the server's first answer.
const PG_CONNECT_TIMEOUT_SECS: u64 = 15;

/// Which database the store is in.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file: by default `WORKSPACE/equalis.db`.
    Sqlite(PathBuf),
    /// A PostgreSQL database named by a `postgres://` (or `postgresql://`) URL, for
    /// deployments where several servers share one store.
    Postgres(String),
}

impl Database {
    /// The workspace's own SQLite store, `DIR/equalis.db`.
    pub fn for_workspace(dir: &Path) -> Database {
        Database::Sqlite(dir.join(WORKSPACE_DB_FILE))
    }

    /// A database named by URL: `postgres://…` or `postgresql://…` for PostgreSQL,
    /// `sqlite:PATH` (or `sqlite://PATH`) for a SQLite file.
    pub fn from_url(url: &str) -> Result<Database, StoreError> {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Database::Postgres(url.to_string()))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Ok(Database::Sqlite(PathBuf::from(path)))
        } else {
            Err(StoreError::UnsupportedUrl {
                scheme: url.split(':').next().unwrap_or("").to_string(),
            })
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(_) => Backend::Postgres,
        }
    }

    /// A description safe to print: the SQLite path, or the PostgreSQL URL without its
    /// password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("`{}`", path.display()),
            Database::Postgres(url) => format!("PostgreSQL at `{}`", redact_url(url)),
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Removes the password from `scheme://user:password@host/…`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let shown = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{shown}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (embedded).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Opens a pool of connections to `db`, creating a SQLite file (owner-only) if needed.
pub(crate) async fn connect(db: &Database) -> Result<AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    let connect_err = |source: sqlx::Error| StoreError::Connect {
        database: db.describe(),
        source,
    };
    match db {
        Database::Sqlite(path) => {
            create_owner_only(path)?;
            let options = sqlite_url(path)?
                .parse::<AnyConnectOptions>()
                .map_err(connect_err)?
                .disable_statement_logging();
            AnyPoolOptions::new()
                // SQLite has one writer at a time; a few connections let readers run
                // beside it (WAL).
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // Order matters: the busy timeout first, so that the rest waits for
                        // other processes instead of failing.
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
                        )))
                        .await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // FULL: a committed login, change or audit entry survives a power cut.
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        set_wal(conn).await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(connect_err)
        }
        Database::Postgres(url) => {
            let options = url
                .parse::<AnyConnectOptions>()
                .map_err(connect_err)?
                .disable_statement_logging();
            // One connection first, so that a wrong URL, password or a server that is down
            // is reported at once (the pool would retry until its time-out).
            let probe = tokio::time::timeout(
                Duration::from_secs(PG_CONNECT_TIMEOUT_SECS),
                options.connect(),
            )
            .await
            .map_err(|_| {
                connect_err(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer within {PG_CONNECT_TIMEOUT_SECS} seconds"),
                )))
            })?
            .map_err(connect_err)?;
            let _ = sqlx::Connection::close(probe).await;
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await
                .map_err(connect_err)
        }
    }
}

/// A transaction that holds the write lock from its first statement: SQLite's
/// `BEGIN IMMEDIATE` (a deferred transaction that reads and then writes can fail when another
/// writer got there first), PostgreSQL's ordinary `BEGIN` (its row locks and
/// [`advisory_lock`] serialise what must be).
pub(crate) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

/// Takes a PostgreSQL transaction-scoped advisory lock (released at commit or rollback).
/// SQLite needs none: a `BEGIN IMMEDIATE` transaction already excludes every other writer.
pub(crate) async fn advisory_lock(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    key: i64,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        // Wrapped so the result column is an integer (the Any driver cannot read `void`).
        sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS l")
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Switches a SQLite database to write-ahead logging (readers do not block the writer).
/// Changing the journal mode needs a lock that the busy timeout does not wait for, so two
/// processes opening a new store at once retry here; once set, the mode stays with the file.
async fn set_wal(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let mut delay = Duration::from_millis(5);
    let mut waited = Duration::ZERO;
    loop {
        match conn.execute("PRAGMA journal_mode = WAL").await {
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && waited < Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS) => {
                tokio::time::sleep(delay).await;
                waited += delay;
                delay = (delay * 2).min(Duration::from_millis(200));
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.message().contains("locked") || d.message().contains("busy"))
}

/// The Any driver's URL for a SQLite file: the absolute path (a relative one would be read as
/// a URL's host, and `..` segments normalised away), every byte but unreserved ones
/// percent-encoded (sqlx decodes them; `%`, `?` and `#` in a directory name survive).
fn sqlite_url(path: &Path) -> Result<String, StoreError> {
    let io_err = |source| StoreError::Io {
        action: "find the directory of",
        path: path.to_path_buf(),
        source,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file = path.file_name().ok_or_else(|| {
        io_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "no file name",
        ))
    })?;
    let absolute = parent.canonicalize().map_err(io_err)?.join(file);
    let text = absolute.to_str().ok_or_else(|| {
        io_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path is not valid UTF-8",
        ))
    })?;
    let mut url = String::from("sqlite://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    Ok(url)
}

/// Creates the SQLite file readable only by its owner (it holds password hashes), unless it
/// exists. SQLite gives its `-wal` and `-shm` files the same permissions.
fn create_owner_only(path: &Path) -> Result<(), StoreError> {
    if path.exists() {
        return Ok(());
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.is_dir()
    {
        return Err(StoreError::Io {
            action: "open the store in",
            path: parent.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(|_| ())
        .map_err(|source| StoreError::Io {
            action: "create the store",
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Database::from_url("postgres:///postgres?host=/var/run/postgresql")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            Database::from_url("sqlite:/tmp/x.db").unwrap(),
            Database::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        let err = Database::from_url("mysql://h/db").unwrap_err().to_string();
        assert!(
            err.contains("`mysql`") && err.contains("postgres://"),
            "{err}"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db.example:5432/equalis?sslmode=require"),
            "postgres://alice:***@db.example:5432/equalis?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres:///postgres?host=/var/run/postgresql"),
            "postgres:///postgres?host=/var/run/postgresql"
        );
        let db = Database::Postgres("postgresql://bob:pw@h/d".into());
        assert!(!format!("{db:?}").contains("pw@"));
        assert!(!db.describe().contains(":pw"));
    }
}

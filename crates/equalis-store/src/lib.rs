//! The store of the equalis web application: accounts and roles, sessions, API tokens, login
//! throttling and the tamper-evident audit log, in SQLite (the workspace's `equalis.db`, by
//! default) or PostgreSQL (for deployments where several servers share one store).
//!
//! The store owns the database and nothing else: no HTTP, no command line, no query engine.
//! Its API is async (tokio) over sqlx with queries checked at run time, so building equalis
//! needs no database. Decisions and their impact assessments (`assessments.rs`, under the
//! rules of `equalis-assess`) are the first feature to add its tables as a migration; the directory
//! of services ([`directory`]) the second; later ones (engagement, the annual report) follow
//! ([`migrate`]).
//!
//! **Invariant:** no password and no session or API token is stored: passwords only as
//! argon2id hashes, tokens only as BLAKE3 hashes ([`Secret`]).
//!
//! **Invariant:** the audit log is append-only and chained ([`audit`]); every change to an
//! account commits in one transaction with its audit entry.
//!
//! ```text
//! Store::open(Database) ──▶ migrations (embedded, per backend) ──▶ users · sessions · api_tokens
//!                                                                   · login_throttle · audit_log
//! ```

#![deny(missing_docs)]

mod api_tokens;
mod assessments;
pub mod assurance;
pub mod audit;
mod clock;
mod db;
pub mod directory;
pub mod engage;
mod migrate;
mod password;
mod role;
mod secret;
mod sessions;
pub mod testing;
mod throttle;
mod users;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;
use sqlx::{Any, AnyPool, Transaction};

pub use api_tokens::{API_TOKEN_PREFIX, ApiToken, NewApiToken};
pub use assessments::{
    DecisionFilter, DecisionListing, REFUSAL_WINDOW, StoredDecision, StoredVersion, VersionSummary,
    assessment_capacity,
};
pub use audit::{Actor, AuditEntry, AuditProblem, AuditProblemKind, AuditVerification};
pub use clock::{Clock, ManualClock, SystemClock};
pub use db::{Backend, Database, WORKSPACE_DB_FILE};
pub use migrate::SCHEMA_VERSION;
pub use password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem, check_password_rules};
pub use role::{Role, UnknownRole};
pub use secret::{Secret, constant_time_str_eq};
pub use sessions::{
    LoginOutcome, LoginRefusal, NewSession, SESSION_COOKIE, Session, SessionPolicy,
};
pub use throttle::ThrottlePolicy;
pub use users::{NewUser, User};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or opened.
    #[error(
        "could not open the store {database}: {source}\n\nhint: check the path or URL, that the database server is running and that you may connect to it"
    )]
    Connect {
        /// The database, described without its password.
        database: String,
        /// What sqlx said.
        source: sqlx::Error,
    },
    /// A `--database` URL of a kind equalis does not support.
    #[error(
        "unsupported database URL scheme `{scheme}`\n\nhint: give a PostgreSQL URL (postgres://USER@HOST/DB, or postgres:///DB?host=/var/run/postgresql for a local socket), or leave --database out to use the workspace's SQLite store"
    )]
    UnsupportedUrl {
        /// The URL's scheme.
        scheme: String,
    },
    /// The store was written by a newer equalis.
    #[error(
        "the store's schema is version {found}, newer than this equalis knows ({supported}); it was left untouched\n\nhint: upgrade equalis to the version that wrote it"
    )]
    NewerSchema {
        /// The version found.
        found: i64,
        /// The newest this binary knows.
        supported: i64,
    },
    /// An applied migration differs from the one in this binary.
    #[error(
        "schema migration {version} ({description}) applied to this store differs from the one in this equalis\n\nhint: this equalis was not built from a released version; use the equalis that created the store"
    )]
    MigrationChanged {
        /// The migration.
        version: i64,
        /// What it does.
        description: &'static str,
    },
    /// A file-system error (creating the SQLite file).
    #[error("could not {action} `{path}`: {source}")]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An email or user name that cannot be an account's.
    #[error("invalid email or user name `{given}`: {reason}")]
    InvalidEmail {
        /// What was given.
        given: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A display name that cannot be used.
    #[error("invalid display name: {0}")]
    InvalidName(&'static str),
    /// A password that breaks the rules.
    #[error("{0}")]
    Password(#[from] PasswordProblem),
    /// A role that is not an account's.
    #[error("{0}")]
    Role(#[from] UnknownRole),
    /// An account with that email exists.
    #[error(
        "an account for `{0}` already exists (emails are compared ignoring case)\n\nhint: use `equalis user reset` to set its password, or choose another email"
    )]
    DuplicateUser(String),
    /// No account has that email.
    #[error("no account for `{0}`\n\nhint: `equalis user list` shows the accounts")]
    UnknownUser(String),
    /// No API token has that id (for this user).
    #[error("no API token {0}")]
    UnknownApiToken(i64),
    /// A decision or assessment answer refused (by field), or an operation its rules refuse
    /// (a reviewer signing their own, a change to a signed version).
    #[error("{0}")]
    Assessment(#[from] equalis_assess::AssessError),
    /// No decision has that id.
    #[error("no decision {0}")]
    UnknownDecision(i64),
    /// The decision's assessment has no such version.
    #[error("decision {decision}'s assessment has no version {version}")]
    UnknownAssessmentVersion {
        /// The decision.
        decision: i64,
        /// The version asked for.
        version: u32,
    },
    /// A new version while one is being written or reviewed.
    #[error(
        "version {version} of decision {decision}'s assessment is still in progress\n\nhint: finish it (sign-off) before starting another"
    )]
    AssessmentInProgress {
        /// The decision.
        decision: i64,
        /// The version in progress.
        version: u32,
    },
    /// An operation on a version that a newer one has replaced.
    #[error(
        "version {version} of decision {decision}'s assessment has been replaced by version {latest}\n\nhint: open the newest version"
    )]
    NotLatestVersion {
        /// The decision.
        decision: i64,
        /// The version acted on.
        version: u32,
        /// The newest.
        latest: u32,
    },
    /// The store holds something equalis could not have written.
    #[error("the store is inconsistent: {0}")]
    Corrupt(String),
    /// A directory record that clashes with another (a service_at_location of two services).
    #[error(
        "{0}\n\nhint: a service_at_location's identifier is its own; give the other one a new UUID"
    )]
    DirectoryConflict(String),
    /// An objective, measure, EDS rating or report section refused, by field.
    #[error("{0}")]
    Assurance(equalis_assure::FieldErrors),
    /// No objective has that id.
    #[error("no objective {0}")]
    UnknownObjective(i64),
    /// No measure has that id.
    #[error("no measure {0}")]
    UnknownMeasure(i64),
    /// No EDS 2022 rating has that id.
    #[error("no EDS 2022 rating {0}")]
    UnknownRating(i64),
    /// No EDS 2022 action (of the action plan, or completed) has that id.
    #[error("no EDS 2022 {0}")]
    UnknownEdsAction(String),
    /// An engagement answer refused, by field (`equalis-engage`'s rules).
    #[error("{0}")]
    EngageInvalid(equalis_engage::FieldErrors),
    /// No such engagement project, contribution or survey.
    #[error("{0}")]
    EngageNotFound(String),
    /// An engagement action that clashes with what exists (a nickname taken, a survey answered,
    /// a closed project).
    #[error("{0}")]
    EngageConflict(String),
    /// An engagement action the person may not take (moderation by someone not a moderator).
    #[error("{0}")]
    EngageForbidden(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Who must act on a [`StoreError`]: what a web handler turns into a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request was wrong (400/422): a bad email, password or role.
    Request,
    /// What was asked for does not exist (404).
    NotFound,
    /// It clashes with what exists (409).
    Conflict,
    /// The person may not do this (403): only reviewers sign, never their own work.
    Forbidden,
    /// The store cannot be used as it is (503): unreachable, newer, inconsistent.
    Unavailable,
}

impl StoreError {
    /// Who must act on this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::InvalidEmail { .. }
            | StoreError::InvalidName(_)
            | StoreError::Password(_)
            | StoreError::Role(_)
            | StoreError::UnsupportedUrl { .. }
            | StoreError::Assurance(_)
            | StoreError::EngageInvalid(_) => ErrorKind::Request,
            StoreError::EngageNotFound(_) => ErrorKind::NotFound,
            StoreError::EngageConflict(_) => ErrorKind::Conflict,
            StoreError::EngageForbidden(_) => ErrorKind::Forbidden,
            StoreError::Assessment(equalis_assess::AssessError::Invalid(_)) => ErrorKind::Request,
            StoreError::Assessment(equalis_assess::AssessError::Refused(r)) => match r {
                equalis_assess::Refusal::NotAnAuthor
                | equalis_assess::Refusal::NotAReviewer
                | equalis_assess::Refusal::OwnAssessment => ErrorKind::Forbidden,
                equalis_assess::Refusal::NotADraft { .. }
                | equalis_assess::Refusal::NotSubmitted { .. }
                | equalis_assess::Refusal::NotSigned { .. } => ErrorKind::Conflict,
            },
            StoreError::UnknownUser(_)
            | StoreError::UnknownApiToken(_)
            | StoreError::UnknownDecision(_)
            | StoreError::UnknownAssessmentVersion { .. }
            | StoreError::UnknownObjective(_)
            | StoreError::UnknownMeasure(_)
            | StoreError::UnknownRating(_)
            | StoreError::UnknownEdsAction(_) => ErrorKind::NotFound,
            StoreError::DuplicateUser(_)
            | StoreError::DirectoryConflict(_)
            | StoreError::AssessmentInProgress { .. }
            | StoreError::NotLatestVersion { .. } => ErrorKind::Conflict,
            StoreError::Connect { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::MigrationChanged { .. }
            | StoreError::Io { .. }
            | StoreError::Corrupt(_)
            | StoreError::Database(_) => ErrorKind::Unavailable,
        }
    }
}

/// How the store behaves: time-outs, throttling, and its clock.
#[derive(Clone)]
pub struct StoreConfig {
    /// Session time-outs.
    pub sessions: SessionPolicy,
    /// Login throttling.
    pub throttle: ThrottlePolicy,
    /// The clock (the system's, or a [`ManualClock`] in tests).
    pub clock: Arc<dyn Clock>,
}

impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig {
            sessions: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreConfig")
            .field("sessions", &self.sessions)
            .field("throttle", &self.throttle)
            .finish_non_exhaustive()
    }
}

/// An open store. Cheap to clone (one pool of connections, shared).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    backend: Backend,
    database: String,
    config: StoreConfig,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("database", &self.inner.database)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating it if needed) the store in `db` and brings its schema up to date.
    /// A store written by a newer equalis is refused and left untouched.
    pub async fn open(db: &Database, config: StoreConfig) -> Result<Store, StoreError> {
        let pool = db::connect(db).await?;
        let backend = db.backend();
        migrate::migrate(&pool, backend).await?;
        Ok(Store {
            inner: Arc::new(Inner {
                pool,
                backend,
                database: db.describe(),
                config,
            }),
        })
    }

    /// Closes every connection (waiting for those in use).
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The database, described without any password.
    pub fn describe(&self) -> &str {
        &self.inner.database
    }

    /// The store's configuration.
    pub fn config(&self) -> &StoreConfig {
        &self.inner.config
    }

    /// The same store (the same connections) seen through another clock: for the demo's
    /// example decisions, whose history (an assessment signed a year ago, now due for review)
    /// is recorded by the same functions as any other, at the times the story needs.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store {
            inner: Arc::new(Inner {
                pool: self.inner.pool.clone(),
                backend: self.inner.backend,
                database: self.inner.database.clone(),
                config: StoreConfig {
                    clock,
                    ..self.inner.config.clone()
                },
            }),
        }
    }

    /// The schema version of the open store.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM equalis_schema")
            .fetch_one(&self.inner.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.inner.config.clock.now()
    }

    /// A write transaction that may append to the audit log: it holds the write lock and,
    /// on PostgreSQL, the audit lock, taken first so that audited transactions queue in one
    /// order and never deadlock.
    pub(crate) async fn begin_audited(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = db::begin_write(&self.inner.pool, self.inner.backend).await?;
        db::advisory_lock(&mut tx, self.inner.backend, audit::AUDIT_LOCK).await?;
        Ok(tx)
    }

    /// Appends one entry to the audit log (for what the web layer records: views of
    /// unsuppressed data, sign-offs, changes it makes). There is no way to change or remove
    /// an entry.
    pub async fn record(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        detail: Value,
    ) -> Result<AuditEntry, StoreError> {
        let mut tx = self.begin_audited().await?;
        let entry = audit::append(&mut tx, self.now(), actor, action, subject, &detail).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// The audit entries numbered after `after`, oldest first, at most `limit` of them.
    pub async fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(audit::entry_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// The newest `limit` audit entries, oldest first.
    pub async fn latest_audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash
             FROM audit_log ORDER BY seq DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut entries = rows
            .iter()
            .map(audit::entry_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        entries.reverse();
        Ok(entries)
    }

    /// Walks the whole audit chain and names the first entry that does not match.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        const PAGE: i64 = 1_000;
        let mut prev = audit::GENESIS_HASH.to_string();
        let mut expected = 1;
        let mut checked = 0;
        loop {
            // Paged by number from the last one read, so a missing entry shows as a jump.
            let page = self.audit_entries(expected - 1, PAGE).await?;
            if page.is_empty() {
                break;
            }
            for entry in &page {
                checked += 1;
                if let Some(problem) = audit::check_entry(entry, expected, &prev) {
                    return Ok(AuditVerification {
                        entries: checked,
                        head: None,
                        problem: Some(problem),
                    });
                }
                prev.clone_from(&entry.hash);
                expected += 1;
            }
        }
        Ok(AuditVerification {
            entries: checked,
            head: (checked > 0).then(|| (expected - 1, prev)),
            problem: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds() {
        assert_eq!(
            StoreError::DuplicateUser("a".into()).kind(),
            ErrorKind::Conflict
        );
        assert_eq!(
            StoreError::Password(PasswordProblem::TooShort(3)).kind(),
            ErrorKind::Request
        );
        assert_eq!(
            StoreError::NewerSchema {
                found: 9,
                supported: 2
            }
            .kind(),
            ErrorKind::Unavailable
        );
    }
}

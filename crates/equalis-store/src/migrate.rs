//! The schema: migrations embedded in the binary, applied on open, in order, once.
//!
//! Each migration has one SQL text per backend (`migrations/sqlite/`, `migrations/postgres/`),
//! because the two disagree on DDL (auto-increment keys, triggers). A later feature adds its
//! tables by adding a pair of files and an entry to [`MIGRATIONS`]; applied migrations are
//! never edited (their checksum is recorded and checked), only followed by new ones.
//!
//! Migrating holds the store's write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory
//! lock) for the whole run, so two processes opening a new store at once apply each
//! migration once. A store whose schema is newer than this binary is refused, untouched.

use sqlx::{AnyPool, Row};

use crate::StoreError;
use crate::db::Backend;

/// One step of the schema.
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) description: &'static str,
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    /// The checksum recorded when the migration is applied: of the text for that backend.
    fn checksum(&self, backend: Backend) -> String {
        blake3::hash(self.sql(backend).as_bytes())
            .to_hex()
            .to_string()
    }
}

/// Every migration, in order of version. Versions count up from 1; a number may be missing
/// while features developed side by side land (each takes its number when it starts), so
/// [`migrate`] applies every migration the store has not recorded, not only those above the
/// highest it has.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "accounts, sessions, API tokens and login throttling",
        sqlite: include_str!("../migrations/sqlite/0001_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0001_accounts.sql"),
    },
    Migration {
        version: 2,
        description: "the audit log",
        sqlite: include_str!("../migrations/sqlite/0002_audit.sql"),
        postgres: include_str!("../migrations/postgres/0002_audit.sql"),
    },
    Migration {
        version: 3,
        description: "decisions and their impact assessments",
        sqlite: include_str!("../migrations/sqlite/0003_assessments.sql"),
        postgres: include_str!("../migrations/postgres/0003_assessments.sql"),
    },
    Migration {
        version: 4,
        description: "the directory of services (Open Referral UK 3.0)",
        sqlite: include_str!("../migrations/sqlite/0004_directory.sql"),
        postgres: include_str!("../migrations/postgres/0004_directory.sql"),
    },
    Migration {
        version: 5,
        description: "engagement: projects, contributions, moderation, surveys and equality monitoring",
        sqlite: include_str!("../migrations/sqlite/0005_engage.sql"),
        postgres: include_str!("../migrations/postgres/0005_engage.sql"),
    },
    Migration {
        version: 9,
        description: "equality objectives, EDS 2022 ratings and the annual report's narrative",
        sqlite: include_str!("../migrations/sqlite/0009_assurance.sql"),
        postgres: include_str!("../migrations/postgres/0009_assurance.sql"),
    },
    Migration {
        version: 10,
        description: "refused anonymous reads of unpublished assessments, one audit entry per window",
        sqlite: include_str!("../migrations/sqlite/0010_refusal_windows.sql"),
        postgres: include_str!("../migrations/postgres/0010_refusal_windows.sql"),
    },
    Migration {
        version: 11,
        description: "the EDS 2022 reporting template: cover, owners, Domain 3's third parties, actions",
        sqlite: include_str!("../migrations/sqlite/0011_eds_template.sql"),
        postgres: include_str!("../migrations/postgres/0011_eds_template.sql"),
    },
    Migration {
        version: 12,
        description: "engagement reach as a measure of an equality objective",
        sqlite: include_str!("../migrations/sqlite/0012_reach_measures.sql"),
        postgres: include_str!("../migrations/postgres/0012_reach_measures.sql"),
    },
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The PostgreSQL advisory lock key taken while migrating ("equalis" in ASCII, and 1).
pub(crate) const MIGRATE_LOCK: i64 = 0x6571_7561_6c69_0001;

/// Brings the store's schema up to [`SCHEMA_VERSION`]; returns the version it was at.
pub(crate) async fn migrate(pool: &AnyPool, backend: Backend) -> Result<i64, StoreError> {
    let mut tx = crate::db::begin_write(pool, backend).await?;
    crate::db::advisory_lock(&mut tx, backend, MIGRATE_LOCK).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS equalis_schema (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&mut *tx)
    .await?;
    let applied = sqlx::query("SELECT version, checksum FROM equalis_schema ORDER BY version")
        .fetch_all(&mut *tx)
        .await?;
    let mut found = 0;
    let mut recorded = Vec::with_capacity(applied.len());
    for row in &applied {
        let version: i64 = row.try_get("version")?;
        let checksum: String = row.try_get("checksum")?;
        found = found.max(version);
        recorded.push(version);
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: applied
                    .iter()
                    .filter_map(|r| r.try_get::<i64, _>("version").ok())
                    .max()
                    .unwrap_or(version),
                supported: SCHEMA_VERSION,
            });
        }
        let Some(ours) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(StoreError::Corrupt(format!(
                "the store records schema migration {version}, which equalis does not have"
            )));
        };
        if ours.checksum(backend) != checksum {
            return Err(StoreError::MigrationChanged {
                version,
                description: ours.description,
            });
        }
    }
    let now = jiff::Timestamp::now().as_second();
    for m in MIGRATIONS.iter().filter(|m| !recorded.contains(&m.version)) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql(backend)))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO equalis_schema (version, description, checksum, applied_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(m.checksum(backend))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        assert_eq!(MIGRATIONS[0].version, 1);
        for pair in MIGRATIONS.windows(2) {
            assert!(
                pair[0].version < pair[1].version,
                "{} then {}",
                pair[0].description,
                pair[1].description
            );
        }
    }

    /// Every migration file on disk is listed, for both backends, and nothing else is.
    #[test]
    fn every_file_is_listed_for_both_backends() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        for backend in ["sqlite", "postgres"] {
            let mut files: Vec<String> = std::fs::read_dir(dir.join(backend))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            assert_eq!(files.len(), MIGRATIONS.len(), "{backend}: {files:?}");
            for (file, m) in files.iter().zip(MIGRATIONS) {
                assert!(
                    file.starts_with(&format!("{:04}_", m.version)),
                    "{backend}/{file} should be migration {}",
                    m.version
                );
                let text = std::fs::read_to_string(dir.join(backend).join(file)).unwrap();
                let embedded = if backend == "sqlite" {
                    m.sqlite
                } else {
                    m.postgres
                };
                assert_eq!(text, embedded, "{backend}/{file}");
            }
        }
    }
}

//! An equalis workspace: one directory holding everything an ICS team has loaded.
//!
//! ```text
//! DIR/
//!   equalis.toml              configuration (IoD edition, …)
//!   key                       the pseudonymisation key: owner-only (0600), never logged
//!   data/<dataset>/CURRENT    the name of the committed version, e.g. `v000003`
//!   data/<dataset>/v000003/   manifest.json + part-*.parquet, immutable once committed
//!   data/<dataset>/.staging-* an ingest in progress (removed on success or failure)
//!   rejects/                  one CSV of rejected rows per ingest
//!   equalis.db                the web application's store (owned by equalis-store), 0600
//! ```
//!
//! **Invariant:** a dataset version is committed atomically. An ingest writes into a
//! staging directory, renames it to its version name, and only then replaces `CURRENT` by
//! renaming a fully written temporary file over it. A reader follows `CURRENT`, so it sees
//! the old version or the new one, never a mixture; a killed ingest leaves `CURRENT` and
//! the versions it names untouched, and its staging directory is swept by the next ingest.
//!
//! **Invariant:** the key never leaves this crate except as a [`PseudonymKey`], whose
//! `Debug` is redacted; only `equalis-ingest` uses it.

#![deny(missing_docs)]

mod config;
mod store;

pub use config::Config;
pub use store::{DatasetVersion, FileSummary, Manifest, Staging};

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What can go wrong with a workspace.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// The directory has no `equalis.toml`.
    #[error(
        "`{0}` is not an equalis workspace (no equalis.toml)\n\nhint: create one with `equalis init {0}`"
    )]
    NotAWorkspace(PathBuf),
    /// `init` on a directory that already has files.
    #[error(
        "`{0}` already exists and is not empty\n\nhint: choose a new directory for the workspace"
    )]
    NotEmpty(PathBuf),
    /// The configuration file is invalid.
    #[error("invalid configuration in `{path}`: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The key file is missing or malformed.
    #[error(
        "the pseudonymisation key `{0}` is missing or malformed\n\nhint: the key cannot be recreated; restore it from your backup, or start a new workspace"
    )]
    BadKey(PathBuf),
    /// Another ingest holds the dataset.
    #[error(
        "dataset `{0}` is being written by another equalis process; try again when it finishes"
    )]
    Busy(String),
    /// A committed version is unreadable.
    #[error("dataset `{dataset}`: {message}")]
    Corrupt {
        /// The dataset.
        dataset: String,
        /// What is wrong.
        message: String,
    },
    /// An I/O error, with the path it happened on.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

pub(crate) fn io(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> WorkspaceError {
    let path = path.to_path_buf();
    move |source| WorkspaceError::Io {
        action,
        path,
        source,
    }
}

/// The key that turns NHS numbers, staff ids and household ids into pseudonyms.
///
/// 32 random bytes, made once per workspace: pseudonyms are stable within a workspace and
/// unrelated across workspaces.
#[derive(Clone)]
pub struct PseudonymKey([u8; 32]);

impl PseudonymKey {
    /// The key bytes, for the keyed hash in `equalis-ingest`.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(<redacted>)")
    }
}

/// An open workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    config: Config,
}

impl Workspace {
    /// Creates a workspace in `dir`, which must not exist or be empty: the configuration,
    /// a fresh owner-only key, and the data directory.
    pub fn init(dir: &Path) -> Result<Workspace, WorkspaceError> {
        if dir.exists() {
            let mut entries = fs::read_dir(dir).map_err(io("reading", dir))?;
            if entries.next().is_some() {
                return Err(WorkspaceError::NotEmpty(dir.to_path_buf()));
            }
        }
        fs::create_dir_all(dir.join("data")).map_err(io("creating", dir))?;
        fs::create_dir_all(dir.join("rejects")).map_err(io("creating", dir))?;
        let config = Config::default();
        let cfg_path = dir.join("equalis.toml");
        fs::write(&cfg_path, config.to_toml()).map_err(io("writing", &cfg_path))?;

        let key: [u8; 32] = rand::random();
        let key_path = dir.join("key");
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&key_path).map_err(io("creating", &key_path))?;
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        f.write_all(hex.as_bytes())
            .map_err(io("writing", &key_path))?;
        f.sync_all().map_err(io("writing", &key_path))?;
        Workspace::open(dir)
    }

    /// Opens an existing workspace.
    pub fn open(dir: &Path) -> Result<Workspace, WorkspaceError> {
        let cfg_path = dir.join("equalis.toml");
        if !cfg_path.is_file() {
            return Err(WorkspaceError::NotAWorkspace(dir.to_path_buf()));
        }
        let text = fs::read_to_string(&cfg_path).map_err(io("reading", &cfg_path))?;
        let config = Config::parse(&text).map_err(|message| WorkspaceError::Config {
            path: cfg_path,
            message,
        })?;
        Ok(Workspace {
            root: dir.to_path_buf(),
            config,
        })
    }

    /// The workspace directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads the pseudonymisation key.
    pub fn key(&self) -> Result<PseudonymKey, WorkspaceError> {
        let path = self.root.join("key");
        let text = fs::read_to_string(&path).map_err(|_| WorkspaceError::BadKey(path.clone()))?;
        let text = text.trim();
        if text.len() != 64 {
            return Err(WorkspaceError::BadKey(path));
        }
        let mut key = [0u8; 32];
        for (i, k) in key.iter_mut().enumerate() {
            *k = u8::from_str_radix(&text[2 * i..2 * i + 2], 16)
                .map_err(|_| WorkspaceError::BadKey(path.clone()))?;
        }
        Ok(PseudonymKey(key))
    }

    /// The directory where rejects files are written.
    pub fn rejects_dir(&self) -> PathBuf {
        self.root.join("rejects")
    }

    /// The directory of a dataset.
    pub fn dataset_dir(&self, dataset: &str) -> PathBuf {
        self.root.join("data").join(dataset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_open_and_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ws");
        let ws = Workspace::init(&dir).unwrap();
        let key = ws.key().unwrap();
        assert_eq!(format!("{key:?}"), "PseudonymKey(<redacted>)");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join("key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A second workspace gets a different key.
        let other = Workspace::init(&tmp.path().join("ws2")).unwrap();
        assert_ne!(other.key().unwrap().bytes(), key.bytes());
        // Re-initialising a used directory is refused.
        assert!(matches!(
            Workspace::init(&dir),
            Err(WorkspaceError::NotEmpty(_))
        ));
        let err = Workspace::open(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("is not an equalis workspace"), "{err}");
    }

    #[test]
    fn bad_key_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::init(tmp.path()).unwrap();
        fs::write(tmp.path().join("key"), "zz").unwrap();
        assert!(matches!(ws.key(), Err(WorkspaceError::BadKey(_))));
    }
}

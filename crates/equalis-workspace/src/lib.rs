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
//! `Debug` is redacted; only `equalis-ingest` uses it. No message prints a byte of it: a
//! malformed key is described (its length, that it is not hexadecimal), never shown.
//!
//! **Invariant:** every committed version records the fingerprint of the key that made its
//! pseudonyms ([`PseudonymKey::fingerprint`]) and the BLAKE3 checksum of each Parquet part.
//! [`Workspace::current`] refuses a version made with another key than the workspace's (its
//! people would match no one ingested with this key, and figures would silently fall), and
//! [`DatasetVersion::verify_parts`] refuses a part that changed after it was committed.

#![deny(missing_docs)]

mod config;
mod store;

pub use config::Config;
pub use store::{DatasetVersion, FileSummary, Manifest, Staging, checksum_file};

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
    /// The key file is missing, unreadable or malformed.
    #[error(
        "the pseudonymisation key `{}` {problem}\n\nhint: the key cannot be recreated; restore it from your backup, or start a new workspace",
        path.display()
    )]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it, never its content.
        problem: String,
    },
    /// A dataset version was pseudonymised with a different key from the workspace's.
    #[error(
        "dataset `{dataset}` version {version} was pseudonymised with a different key (fingerprint {recorded}) from the workspace key `{}` (fingerprint {workspace}): its people would match no one ingested with this key, so figures would silently fall\n\nhint: put back the key this workspace's data were made with (from your backup of `{}`); if that key is lost, start a new workspace with `equalis init` and ingest every extract into it",
        key.display(),
        key.display()
    )]
    KeyMismatch {
        /// The dataset.
        dataset: String,
        /// Its current version.
        version: u32,
        /// The fingerprint its manifest records.
        recorded: String,
        /// The fingerprint of the workspace's key file.
        workspace: String,
        /// The key file.
        key: PathBuf,
    },
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
    #[error("{}", io_message(action, path, source))]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// An I/O error as the person at the keyboard needs it: a full disk (or quota, or a read-only
/// file system) is about the workspace's disk, whatever file was being written.
fn io_message(action: &str, path: &Path, source: &std::io::Error) -> String {
    match write_failure(source) {
        Some(what) => format!(
            "could not write to the workspace: {what} ({action} `{}`)\n\nhint: make room (or ask for it) and run the command again; nothing was committed",
            path.display()
        ),
        None => format!("{action} `{}`: {source}", path.display()),
    }
}

/// What a write failure means for the user when it is about the disk rather than a file:
/// `Some("the disk is full")` and the like, `None` for anything else.
pub fn write_failure(e: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => Some("the disk is full"),
        ErrorKind::QuotaExceeded => Some("the disk quota is used up"),
        ErrorKind::ReadOnlyFilesystem => Some("the file system is read-only"),
        ErrorKind::FileTooLarge => Some("a file is larger than the file system allows"),
        _ => None,
    }
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

    /// A fingerprint that tells keys apart and says nothing about them: BLAKE3 keyed with the
    /// key over a fixed label, 64 bits as 16 hex characters. Recorded in every manifest, so a
    /// version made with another key is recognised.
    pub fn fingerprint(&self) -> String {
        let hash = blake3::keyed_hash(&self.0, b"equalis pseudonymisation key fingerprint v1");
        hash.as_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Parses the key file's text: 64 hexadecimal characters, surrounding white space
    /// ignored. The error describes the text without showing any of it.
    fn parse(text: &[u8]) -> Result<PseudonymKey, String> {
        let text = text.trim_ascii();
        if text.len() != 64 {
            return Err(format!(
                "is malformed: it should be 64 hexadecimal characters, and has {} bytes",
                text.len()
            ));
        }
        if !text.iter().all(u8::is_ascii_hexdigit) {
            return Err(
                "is malformed: it should be 64 hexadecimal characters (0-9, a-f), and has others"
                    .into(),
            );
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => c - b'0',
            _ => (c | 0x20) - b'a' + 10,
        };
        let mut key = [0u8; 32];
        for (k, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
            *k = nibble(pair[0]) << 4 | nibble(pair[1]);
        }
        Ok(PseudonymKey(key))
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
    /// The fingerprint of the key file, when it could be read.
    key_fingerprint: Option<String>,
    /// What the user should know about the workspace (a key others can read, …).
    warnings: Vec<String>,
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

    /// Opens an existing workspace. The key is read to know its fingerprint (which every
    /// dataset read is checked against) and whether others can read it; a key that cannot
    /// be read is a warning here and an error only where it is needed (ingest, reidentify).
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
        let mut ws = Workspace {
            root: dir.to_path_buf(),
            config,
            key_fingerprint: None,
            warnings: Vec::new(),
        };
        match ws.key() {
            Ok(key) => ws.key_fingerprint = Some(key.fingerprint()),
            Err(e) => ws.warnings.push(format!(
                "{}; datasets cannot be checked against it, and nothing can be ingested until it is restored",
                e.to_string().lines().next().unwrap_or_default()
            )),
        }
        ws.warnings.extend(key_mode_warning(&ws.key_path()));
        Ok(ws)
    }

    /// The workspace directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the configuration, writing `equalis.toml` anew (atomically: a new file renamed
    /// over the old, so a reader never sees half of it).
    pub fn set_config(&mut self, config: Config) -> Result<(), WorkspaceError> {
        let path = self.root.join("equalis.toml");
        let tmp = self.root.join("equalis.toml.tmp");
        fs::write(&tmp, config.to_toml()).map_err(io("writing", &tmp))?;
        fs::rename(&tmp, &path).map_err(io("replacing", &path))?;
        self.config = config;
        Ok(())
    }

    /// What the user should know about the workspace, to be shown by every command that
    /// opens it: a key file others can read, or one that cannot be read.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The key file.
    pub fn key_path(&self) -> PathBuf {
        self.root.join("key")
    }

    /// The fingerprint of the workspace's key file ([`PseudonymKey::fingerprint`]), if it
    /// could be read when the workspace was opened.
    pub fn key_fingerprint(&self) -> Option<&str> {
        self.key_fingerprint.as_deref()
    }

    /// Reads the pseudonymisation key.
    pub fn key(&self) -> Result<PseudonymKey, WorkspaceError> {
        let path = self.key_path();
        let bad = |problem: String| WorkspaceError::BadKey {
            path: path.clone(),
            problem,
        };
        let bytes = fs::read(&path).map_err(|e| {
            bad(match e.kind() {
                std::io::ErrorKind::NotFound => "is missing".to_owned(),
                _ => format!("cannot be read: {e}"),
            })
        })?;
        PseudonymKey::parse(&bytes).map_err(bad)
    }

    /// Whether a dataset version was made with the workspace's key: an error naming both
    /// fingerprints if not. Versions made before fingerprints were recorded, and workspaces
    /// whose key cannot be read, pass (the latter with a warning from [`Workspace::open`]).
    pub fn check_key(&self, version: &DatasetVersion) -> Result<(), WorkspaceError> {
        match &self.key_fingerprint {
            Some(fingerprint) => self.check_key_is(version, fingerprint),
            None => Ok(()),
        }
    }

    /// Whether a dataset version was made with the key of `fingerprint` (the key about to be
    /// used, as read): an error naming both fingerprints if not.
    pub fn check_key_is(
        &self,
        version: &DatasetVersion,
        fingerprint: &str,
    ) -> Result<(), WorkspaceError> {
        match &version.manifest.key_fingerprint {
            Some(recorded) if recorded != fingerprint => Err(WorkspaceError::KeyMismatch {
                dataset: version.manifest.dataset.clone(),
                version: version.manifest.version,
                recorded: recorded.clone(),
                workspace: fingerprint.to_owned(),
                key: self.key_path(),
            }),
            _ => Ok(()),
        }
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

/// A warning when the key file can be read by anyone but its owner: whoever can read it can
/// turn pseudonyms back into people by hashing NHS numbers.
fn key_mode_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "the pseudonymisation key `{}` can be read by others (mode {:04o}): anyone who can read it can turn pseudonyms back into people; make it owner-only with `chmod 600 {}`",
                path.display(),
                mode & 0o7777,
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
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
    fn bad_key_is_reported_without_its_content_and_never_panics() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::init(tmp.path()).unwrap();
        let good = fs::read_to_string(tmp.path().join("key")).unwrap();
        // Multi-byte characters where the old parser sliced the text two bytes at a time
        // (it panicked, printing the key), too short, not hex, missing.
        let secret = &good[..40];
        for text in [
            format!("a\u{e9}{}", &good[..61]),
            format!("{}\u{e9}", &good[..62]),
            secret.to_owned(),
            format!("{}zz", &good[..62]),
            format!("{good}{good}"),
            String::new(),
        ] {
            fs::write(tmp.path().join("key"), &text).unwrap();
            let err = ws.key().unwrap_err();
            assert!(matches!(err, WorkspaceError::BadKey { .. }), "{err:?}");
            let msg = err.to_string();
            assert!(msg.contains("is malformed"), "{msg}");
            for window in good.as_bytes().windows(6) {
                let w = std::str::from_utf8(window).unwrap();
                assert!(!msg.contains(w), "key text `{w}` in: {msg}");
            }
            // Opening still works; the key is a warning until it is needed.
            let opened = Workspace::open(tmp.path()).unwrap();
            assert!(opened.key_fingerprint().is_none());
            assert!(
                opened.warnings()[0].contains("is malformed"),
                "{:?}",
                opened.warnings()
            );
        }
        // Upper-case hex and a final newline are the same key.
        fs::write(tmp.path().join("key"), format!("{}\n", good.to_uppercase())).unwrap();
        assert_eq!(ws.key().unwrap().bytes().to_vec(), {
            fs::write(tmp.path().join("key"), &good).unwrap();
            ws.key().unwrap().bytes().to_vec()
        });
        fs::remove_file(tmp.path().join("key")).unwrap();
        assert!(ws.key().unwrap_err().to_string().contains("is missing"));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        Workspace::init(tmp.path()).unwrap();
        assert!(Workspace::open(tmp.path()).unwrap().warnings().is_empty());
        let key = tmp.path().join("key");
        for mode in [0o644, 0o640, 0o604] {
            fs::set_permissions(&key, fs::Permissions::from_mode(mode)).unwrap();
            let ws = Workspace::open(tmp.path()).unwrap();
            assert_eq!(ws.warnings().len(), 1);
            assert!(
                ws.warnings()[0].contains(&format!("can be read by others (mode {mode:04o})")),
                "{:?}",
                ws.warnings()
            );
            assert!(ws.warnings()[0].contains("chmod 600"));
            // The key is still usable.
            assert!(ws.key_fingerprint().is_some());
        }
    }

    #[test]
    fn fingerprints_tell_keys_apart_and_show_nothing_of_them() {
        let tmp = tempfile::tempdir().unwrap();
        let a = Workspace::init(&tmp.path().join("a")).unwrap();
        let b = Workspace::init(&tmp.path().join("b")).unwrap();
        let (ka, kb) = (a.key().unwrap(), b.key().unwrap());
        assert_eq!(ka.fingerprint(), ka.fingerprint());
        assert_ne!(ka.fingerprint(), kb.fingerprint());
        assert_eq!(ka.fingerprint().len(), 16);
        assert_eq!(a.key_fingerprint(), Some(ka.fingerprint().as_str()));
        let hex: String = ka.bytes().iter().map(|b| format!("{b:02x}")).collect();
        for window in hex.as_bytes().windows(6) {
            assert!(
                !ka.fingerprint()
                    .contains(std::str::from_utf8(window).unwrap())
            );
        }
    }

    #[test]
    fn a_full_disk_is_said_as_such() {
        let e = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let err = io("writing", Path::new("ws/data/x"))(e);
        let msg = err.to_string();
        assert!(
            msg.starts_with(
                "could not write to the workspace: the disk is full (writing `ws/data/x`)"
            ),
            "{msg}"
        );
        let other = io("reading", Path::new("f"))(std::io::Error::other("boom")).to_string();
        assert_eq!(other, "reading `f`: boom");
    }
}

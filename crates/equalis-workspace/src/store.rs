//! Dataset versions: staging, atomic commit, and reading what is current.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Workspace, WorkspaceError, io};

/// What one input file contributed to an ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    /// The file as given on the command line.
    pub path: String,
    /// Data rows read.
    pub read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// The record of one committed dataset version (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Dataset name.
    pub dataset: String,
    /// Version number, from 1.
    pub version: u32,
    /// When it was committed (RFC 3339, UTC).
    pub created: String,
    /// Rows in the version (including rows carried over with `--append`).
    pub rows: u64,
    /// Parquet files, relative to the dataset directory.
    pub parts: Vec<String>,
    /// The input files of the ingest that made this version.
    pub files: Vec<FileSummary>,
    /// The IoD edition of the derived deprivation fields.
    pub iod_edition: String,
    /// The version this one appended to, if any.
    pub appended_to: Option<u32>,
    /// The data contract version the rows follow.
    pub contract_version: u32,
}

/// A committed dataset version.
#[derive(Debug, Clone)]
pub struct DatasetVersion {
    /// Its manifest.
    pub manifest: Manifest,
    /// The dataset directory (parts are relative to it).
    pub dir: PathBuf,
}

impl DatasetVersion {
    /// Absolute paths of the Parquet parts.
    pub fn part_paths(&self) -> Vec<PathBuf> {
        self.manifest
            .parts
            .iter()
            .map(|p| self.dir.join(p))
            .collect()
    }
}

/// An ingest in progress: a staging directory that becomes a version on
/// [`Staging::commit`] and disappears if dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    dataset: String,
    dataset_dir: PathBuf,
    dir: PathBuf,
    version: u32,
    // Held for the life of the staging: a second ingest of the same dataset waits for
    // nothing and fails fast with `Busy`. The OS releases it if the process dies.
    _lock: File,
    committed: bool,
}

impl Workspace {
    /// Starts a new version of `dataset`: takes the dataset's lock, sweeps staging
    /// directories left by killed ingests, and creates a fresh one.
    pub fn begin(&self, dataset: &str) -> Result<Staging, WorkspaceError> {
        let dataset_dir = self.dataset_dir(dataset);
        fs::create_dir_all(&dataset_dir).map_err(io("creating", &dataset_dir))?;
        let lock_path = dataset_dir.join(".lock");
        let lock = File::create(&lock_path).map_err(io("creating", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(WorkspaceError::Busy(dataset.to_owned()));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io("locking", &lock_path)(e)),
        }
        for entry in fs::read_dir(&dataset_dir).map_err(io("reading", &dataset_dir))? {
            let entry = entry.map_err(io("reading", &dataset_dir))?;
            if entry.file_name().to_string_lossy().starts_with(".staging-") {
                tracing::debug!(path = %entry.path().display(), "removing staging left by an interrupted ingest");
                fs::remove_dir_all(entry.path()).map_err(io("removing", &entry.path()))?;
            }
        }
        let version = self.latest_version_number(dataset)? + 1;
        let dir = dataset_dir.join(format!(".staging-v{version:06}-{}", std::process::id()));
        fs::create_dir_all(&dir).map_err(io("creating", &dir))?;
        Ok(Staging {
            dataset: dataset.to_owned(),
            dataset_dir,
            dir,
            version,
            _lock: lock,
            committed: false,
        })
    }

    /// The highest version directory present, committed or not (0 if none), so a
    /// version number is never reused even after a crash between rename and `CURRENT`.
    fn latest_version_number(&self, dataset: &str) -> Result<u32, WorkspaceError> {
        let dir = self.dataset_dir(dataset);
        let mut max = 0;
        for entry in fs::read_dir(&dir).map_err(io("reading", &dir))? {
            let name = entry.map_err(io("reading", &dir))?.file_name();
            let name = name.to_string_lossy();
            if let Some(n) = name.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()) {
                max = max.max(n);
            }
        }
        Ok(max)
    }

    /// The committed version of `dataset`, if any.
    pub fn current(&self, dataset: &str) -> Result<Option<DatasetVersion>, WorkspaceError> {
        let dir = self.dataset_dir(dataset);
        let current = dir.join("CURRENT");
        let name = match fs::read_to_string(&current) {
            Ok(s) => s.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("reading", &current)(e)),
        };
        let manifest_path = dir.join(&name).join("manifest.json");
        let text = fs::read_to_string(&manifest_path).map_err(io("reading", &manifest_path))?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| WorkspaceError::Corrupt {
                dataset: dataset.to_owned(),
                message: format!("manifest {}: {e}", manifest_path.display()),
            })?;
        Ok(Some(DatasetVersion { manifest, dir }))
    }

    /// Every dataset with a committed version, by name.
    pub fn datasets(&self) -> Result<Vec<DatasetVersion>, WorkspaceError> {
        let data = self.root().join("data");
        let mut names = Vec::new();
        for entry in fs::read_dir(&data).map_err(io("reading", &data))? {
            let entry = entry.map_err(io("reading", &data))?;
            if entry.path().is_dir() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        let mut out = Vec::new();
        for name in names {
            if let Some(v) = self.current(&name)? {
                out.push(v);
            }
        }
        Ok(out)
    }
}

impl Staging {
    /// The version number this staging will commit as.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Where to write the Parquet part `index`; returns the absolute path and the path
    /// relative to the dataset directory as it will be after commit.
    pub fn part_path(&self, index: usize) -> (PathBuf, String) {
        let file = format!("part-{index:05}.parquet");
        (self.dir.join(&file), format!("v{:06}/{file}", self.version))
    }

    /// Makes the staged files the dataset's current version.
    ///
    /// Order matters for crash safety: the parts are synced, the manifest is written and
    /// synced, the staging directory is renamed to its version name, and last `CURRENT`
    /// is replaced by an atomic rename. A crash before the last rename leaves the previous
    /// version current.
    pub fn commit(mut self, mut manifest: Manifest) -> Result<DatasetVersion, WorkspaceError> {
        manifest.version = self.version;
        manifest.dataset = self.dataset.clone();
        for entry in fs::read_dir(&self.dir).map_err(io("reading", &self.dir))? {
            let path = entry.map_err(io("reading", &self.dir))?.path();
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(io("syncing", &path))?;
        }
        let manifest_path = self.dir.join("manifest.json");
        let json =
            serde_json::to_string_pretty(&manifest).map_err(|e| WorkspaceError::Corrupt {
                dataset: self.dataset.clone(),
                message: e.to_string(),
            })?;
        write_synced(&manifest_path, json.as_bytes())?;

        let name = format!("v{:06}", self.version);
        let final_dir = self.dataset_dir.join(&name);
        fs::rename(&self.dir, &final_dir).map_err(io("renaming", &self.dir))?;
        self.committed = true;
        sync_dir(&self.dataset_dir)?;

        let tmp = self.dataset_dir.join(".CURRENT.tmp");
        write_synced(&tmp, name.as_bytes())?;
        let current = self.dataset_dir.join("CURRENT");
        fs::rename(&tmp, &current).map_err(io("renaming", &tmp))?;
        sync_dir(&self.dataset_dir)?;
        Ok(DatasetVersion {
            manifest,
            dir: self.dataset_dir.clone(),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: if this fails, the next ingest's sweep removes it.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), WorkspaceError> {
    use std::io::Write;
    let mut f = File::create(path).map_err(io("creating", path))?;
    f.write_all(bytes).map_err(io("writing", path))?;
    f.sync_all().map_err(io("syncing", path))
}

fn sync_dir(dir: &Path) -> Result<(), WorkspaceError> {
    // Directory fsync makes the renames durable on Linux; other systems may refuse it.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io("syncing", dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(rows: u64) -> Manifest {
        Manifest {
            dataset: String::new(),
            version: 0,
            created: "2026-01-01T00:00:00Z".into(),
            rows,
            parts: vec![],
            files: vec![],
            iod_edition: "IoD2025".into(),
            appended_to: None,
            contract_version: 1,
        }
    }

    #[test]
    fn versions_commit_atomically_and_failures_leave_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::init(tmp.path()).unwrap();
        assert!(ws.current("population").unwrap().is_none());

        let s = ws.begin("population").unwrap();
        let (p, rel) = s.part_path(0);
        fs::write(&p, b"parquet").unwrap();
        let mut m = manifest(10);
        m.parts.push(rel);
        let v1 = s.commit(m).unwrap();
        assert_eq!(v1.manifest.version, 1);
        assert!(v1.part_paths()[0].is_file());

        // While one ingest holds the dataset, another is refused.
        let s2 = ws.begin("population").unwrap();
        assert!(matches!(
            ws.begin("population"),
            Err(WorkspaceError::Busy(_))
        ));
        // An ingest that fails (dropped uncommitted) leaves version 1 current.
        let (p2, _) = s2.part_path(0);
        fs::write(&p2, b"half").unwrap();
        drop(s2);
        let cur = ws.current("population").unwrap().unwrap();
        assert_eq!((cur.manifest.version, cur.manifest.rows), (1, 10));

        // A staging left by a killed process is swept, and numbering continues.
        fs::create_dir_all(ws.dataset_dir("population").join(".staging-v000002-999")).unwrap();
        let s3 = ws.begin("population").unwrap();
        assert_eq!(s3.version(), 2);
        let v2 = s3.commit(manifest(20)).unwrap();
        assert_eq!(v2.manifest.version, 2);
        assert!(
            !ws.dataset_dir("population")
                .join(".staging-v000002-999")
                .exists()
        );
        assert_eq!(ws.datasets().unwrap().len(), 1);
        assert_eq!(ws.current("population").unwrap().unwrap().manifest.rows, 20);
    }
}

//! Dataset versions: staging, atomic commit, and reading what is current.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
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
    /// The fingerprint of the key that made the version's pseudonyms
    /// ([`crate::PseudonymKey::fingerprint`]); absent in versions made before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    /// BLAKE3 of each Parquet part (64 hex characters), by its entry in `parts`; checked
    /// whenever the part is read. Absent for parts made before checksums were recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checksums: BTreeMap<String, String>,
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

    /// Checks every part against the checksum its manifest records, so that a part changed
    /// after it was committed (a swapped byte in a dictionary page reads as a different
    /// ethnic group, with no error from Parquet) is refused rather than counted. Parts are
    /// hashed in parallel, one thread per core; `docs/BENCHMARKS.md` has the cost.
    pub fn verify_parts(&self) -> Result<(), WorkspaceError> {
        let parts: Vec<(&String, &String)> = self
            .manifest
            .parts
            .iter()
            .filter_map(|p| Some((p, self.manifest.checksums.get(p)?)))
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(parts.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || -> Result<(), WorkspaceError> {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(part, want)) = parts.get(i) else {
                    return Ok(());
                };
                let path = self.dir.join(part);
                let got = checksum_file(&path)?;
                if &got != want {
                    return Err(WorkspaceError::Corrupt {
                        dataset: self.manifest.dataset.clone(),
                        message: format!(
                            "version {}: part `{}` does not match the checksum its manifest records, so it has changed since it was committed and its rows cannot be trusted\n\nhint: restore the workspace from a backup, or ingest the dataset's extracts again",
                            self.manifest.version,
                            path.display()
                        ),
                    });
                }
            }
        };
        std::thread::scope(|s| {
            let handles: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
            let mut result = work();
            for h in handles {
                let r = h.join().unwrap_or_else(|_| {
                    Err(WorkspaceError::Corrupt {
                        dataset: self.manifest.dataset.clone(),
                        message:
                            "internal error: a checksum thread panicked; this is a bug in equalis"
                                .into(),
                    })
                });
                result = result.and(r);
            }
            result
        })
    }
}

/// BLAKE3 of a file's bytes, as 64 hex characters.
pub fn checksum_file(path: &Path) -> Result<String, WorkspaceError> {
    let mut f = File::open(path).map_err(io("reading", path))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io("reading", path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// The staging directory's name for `version` written by process `pid`. The letters between
/// the two numbers matter: error messages pass through the NHS-number redactor, and
/// `v000001-31210` is eleven digits joined by a separator, which can pass the mod-11 check and
/// be redacted out of the very path a user needs to see.
fn staging_name(version: u32, pid: u32) -> String {
    format!(".staging-v{version:06}-pid{pid}")
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
        let dir = dataset_dir.join(staging_name(version, std::process::id()));
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

    /// The committed version of `dataset`, if any, checked to have been made with the
    /// workspace's key ([`Workspace::check_key`]).
    pub fn current(&self, dataset: &str) -> Result<Option<DatasetVersion>, WorkspaceError> {
        let version = self.current_as_recorded(dataset)?;
        if let Some(v) = &version {
            self.check_key(v)?;
        }
        Ok(version)
    }

    /// The committed version of `dataset` as its manifest records it, without checking its
    /// key: for showing what a workspace holds (`equalis status`).
    pub fn current_as_recorded(
        &self,
        dataset: &str,
    ) -> Result<Option<DatasetVersion>, WorkspaceError> {
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

    /// Every dataset with a committed version, by name, as recorded (see
    /// [`Workspace::current_as_recorded`]; [`Workspace::check_key`] checks each).
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
            if let Some(v) = self.current_as_recorded(&name)? {
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

    /// CI failed once on this: with PID 31210 the message naming `.staging-v000001-31210` came
    /// out with the path redacted as a possible NHS number. No version and PID may make one.
    #[test]
    fn no_staging_name_is_redacted_as_an_nhs_number() {
        assert_eq!(
            equalis_vocab::redact_nhs_numbers("v000001-31210"),
            format!("v{}", equalis_vocab::REDACTED_NHS_NUMBER),
            "the old name was redacted"
        );
        for version in [1, 2, 12, 999, 123_456] {
            for pid in (1..200_000).step_by(7).chain([4_194_304, u32::MAX]) {
                let name = staging_name(version, pid);
                assert_eq!(equalis_vocab::redact_nhs_numbers(&name), name);
            }
        }
    }

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
            key_fingerprint: None,
            checksums: BTreeMap::new(),
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

    #[test]
    fn a_part_changed_after_commit_is_refused_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::init(tmp.path()).unwrap();
        let s = ws.begin("staff").unwrap();
        let mut m = manifest(2);
        for i in 0..3 {
            let (p, rel) = s.part_path(i);
            fs::write(&p, format!("part {i} White Asian")).unwrap();
            m.checksums.insert(rel.clone(), checksum_file(&p).unwrap());
            m.parts.push(rel);
        }
        let v = s.commit(m).unwrap();
        v.verify_parts().unwrap();
        // Two bytes swapped in the middle part, as a tampered dictionary value would be.
        let part = &v.part_paths()[1];
        fs::write(part, "part 1 Whtie Asian").unwrap();
        let err = v.verify_parts().unwrap_err().to_string();
        assert!(err.contains("part-00001.parquet"), "{err}");
        assert!(err.contains("does not match the checksum"), "{err}");
        // A missing part is an error too; a version made before checksums is not checked.
        fs::remove_file(part).unwrap();
        assert!(v.verify_parts().is_err());
        let mut old = v.clone();
        old.manifest.checksums.clear();
        old.verify_parts().unwrap();
    }

    #[test]
    fn a_version_made_with_another_key_is_refused_and_older_ones_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::init(&tmp.path().join("ws")).unwrap();
        let other = Workspace::init(&tmp.path().join("other")).unwrap();
        let mine = ws.key().unwrap().fingerprint();
        for (dataset, fingerprint) in [
            ("population", Some(mine.clone())),
            ("events", Some(other.key().unwrap().fingerprint())),
            ("admissions", None),
        ] {
            let mut m = manifest(1);
            m.key_fingerprint = fingerprint;
            ws.begin(dataset).unwrap().commit(m).unwrap();
        }
        assert!(ws.current("population").unwrap().is_some());
        assert!(
            ws.current("admissions").unwrap().is_some(),
            "recorded before fingerprints"
        );
        let err = ws.current("events").unwrap_err();
        assert!(matches!(err, WorkspaceError::KeyMismatch { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains(&format!(
                "from the workspace key `{}`",
                ws.key_path().display()
            )),
            "{msg}"
        );
        assert!(msg.contains(&mine), "{msg}");
        // As recorded, for status.
        assert_eq!(ws.datasets().unwrap().len(), 3);
    }
}

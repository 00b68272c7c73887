//! Ingest: the only door into an equalis workspace.
//!
//! `ingest` reads CSV, Parquet or Excel files for one dataset of the data contract,
//! applies every value rule, pseudonymises NHS numbers, staff ids and household ids with
//! the workspace key, derives the standard fields (age band, ethnic group, IMD decile and
//! quintile with their IoD edition, Core20, local authority, place), and commits the
//! accepted rows as a new dataset version in Parquet.
//!
//! **Invariant:** no raw NHS number leaves this crate. It is parsed in
//! [`convert`] and replaced by its keyed pseudonym before anything is written; rejected
//! values of the `nhs_number` column are redacted in the rejects file, and every other value,
//! error message and warning passes through [`equalis_vocab::redact_nhs_numbers`] (an NHS
//! number typed in the wrong column, or a headerless file's first row shown as its header).
//! The rejects file is owner-only (0600).
//!
//! **Invariant:** every row read is accounted for: `read = accepted + rejected` for every
//! file, and a rejected row has at least one line in the rejects file saying which column
//! failed, with what value, and why.
//!
//! **Invariant:** all or nothing. A file-level error (unreadable file, missing required
//! column, a double quote left open) commits nothing from the whole call; `--strict` commits
//! nothing if any row was rejected; a call that accepts no row commits nothing unless
//! `--allow-empty` (an empty version would replace good data); otherwise the accepted rows of
//! all files become one new version, atomically.
//!
//! **Invariant:** one key per workspace. Ingest refuses to run if any dataset of the
//! workspace was made with another key than the key file's (its people would match no one),
//! records the key's fingerprint and each part's checksum in the manifest, and checks the
//! parts of a version it appends to.

#![deny(missing_docs)]

pub mod contract;
pub mod convert;
mod source;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::sync_channel;

use csv::ByteRecord;
use equalis_vocab::redact_nhs_numbers;
use equalis_workspace::{DatasetVersion, FileSummary, Manifest, Workspace, WorkspaceError};

pub use contract::{CONTRACT_VERSION, Dataset};
pub use convert::{Plan, Problem, Repseudonymiser, pseudonymise};
pub use source::Format;

/// The Arrow schema of a dataset as stored (every column nullable): what a reader of the
/// workspace can rely on, and what the engine stands in with, empty, for a dataset not loaded.
pub fn stored_schema(dataset: Dataset) -> arrow_schema::SchemaRef {
    write::schema(&convert::stored_columns(dataset))
}

/// How to ingest.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Commit nothing if any row is rejected.
    pub strict: bool,
    /// Add to the current version instead of replacing it.
    pub append: bool,
    /// The Excel sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Commit a version even if no row was accepted (otherwise such a call is refused, so
    /// that a header-only or wholly rejected file cannot replace good data).
    pub allow_empty: bool,
}

/// Progress of a long ingest, for a progress bar.
#[derive(Debug, Clone)]
pub enum ProgressEvent<'a> {
    /// A file is starting; its size in bytes.
    Start {
        /// The file.
        path: &'a Path,
        /// Its size.
        bytes: u64,
    },
    /// Bytes of the current file consumed so far.
    Advance(u64),
    /// The current file is done.
    Finish,
}

/// The outcome of an ingest that ran to the end.
#[derive(Debug, Clone)]
pub struct Report {
    /// The dataset.
    pub dataset: Dataset,
    /// Per input file: rows read, accepted, rejected.
    pub files: Vec<FileSummary>,
    /// The rejects file, if any row was rejected.
    pub rejects_file: Option<PathBuf>,
    /// The committed version, or `None` when `--strict` refused to commit.
    pub version: Option<DatasetVersion>,
    /// Things the user should know that are not rejections (ignored columns, …).
    pub warnings: Vec<String>,
}

impl Report {
    /// Rows rejected across all files.
    pub fn rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
}

/// Why an ingest could not run to the end. Nothing from the call was committed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file as a whole is unusable.
    #[error("`{}`: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong, and the fix where known (NHS numbers redacted).
        message: String,
    },
    /// The workspace could not be written (a full disk, …): not the input file's fault.
    #[error(
        "could not write to the workspace: {message} (`{}`)\n\nhint: make room (or ask for it) and run the ingest again",
        path.display()
    )]
    Write {
        /// What was being written.
        path: PathBuf,
        /// What went wrong: "the disk is full", …
        message: String,
    },
    /// No row was accepted, and `--allow-empty` was not given.
    #[error(
        "no rows were accepted ({read} read, {rejected} rejected{}), so nothing was committed: an empty version would replace the data already loaded\n\nhint: {}",
        rejects_file.as_ref().map_or(String::new(), |p| format!("; the reasons are in `{}`", p.display())),
        if *read == 0 {
            "the file has a header but no rows: is it the right extract? To commit an empty version on purpose, add --allow-empty"
        } else {
            "fix the rows listed in the rejects file and ingest again (--allow-empty commits an empty version on purpose)"
        }
    )]
    NothingAccepted {
        /// Rows read across the files.
        read: u64,
        /// Rows rejected.
        rejected: u64,
        /// The rejects file, if any row was rejected.
        rejects_file: Option<PathBuf>,
    },
    /// The request itself is wrong.
    #[error("{0}")]
    Usage(String),
    /// The workspace could not be read or written.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

impl IngestError {
    /// A file-level error, its message redacted of anything like an NHS number (a
    /// headerless file's first row is shown as its header, for one).
    fn file(path: &Path, message: &str) -> IngestError {
        IngestError::File {
            path: PathBuf::from(redact_nhs_numbers(&path.to_string_lossy()).into_owned()),
            message: redact_nhs_numbers(message).into_owned(),
        }
    }

    /// A failure to write `path` in the workspace: a full disk says so.
    fn write(path: &Path, e: &std::io::Error) -> IngestError {
        IngestError::Write {
            path: path.to_path_buf(),
            message: equalis_workspace::write_failure(e)
                .map_or_else(|| e.to_string(), str::to_owned),
        }
    }
}

const CHUNK_ROWS: usize = 8_192;

/// Ingests `files` as a new version of `dataset` in `ws`.
pub fn ingest(
    ws: &Workspace,
    dataset: Dataset,
    files: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(ProgressEvent<'_>) + Sync),
) -> Result<Report, IngestError> {
    if files.is_empty() {
        return Err(IngestError::Usage("no input files given".into()));
    }
    if opts.append && matches!(dataset, Dataset::Volunteers | Dataset::Quotas) {
        return Err(IngestError::Usage(format!(
            "`{}` is replaced as a whole; --append is not available for it",
            dataset.name()
        )));
    }
    let key = ws.key()?;
    let fingerprint = key.fingerprint();
    // One key per workspace: data made with another key would match no one made with this
    // one (the check is against the key just read, which is the one that will be used).
    for v in ws.datasets()? {
        ws.check_key_is(&v, &fingerprint)?;
    }
    let edition = ws.config().iod_edition;
    let staging = ws.begin(dataset.name())?;
    let previous = if opts.append {
        ws.current(dataset.name())?
    } else {
        None
    };
    // The rows appended to are carried into the new version: they must be as committed.
    if let Some(p) = &previous {
        p.verify_parts()?;
    }
    let mut people = (dataset.fields().iter())
        .any(|f| f.unique == contract::Unique::PerVersion)
        .then(convert::People::new);
    if let (Some(people), Some(p)) = (&mut people, &previous) {
        load_people(p, people)?;
    }

    let mut rejects = Rejects::new(ws, dataset);
    let mut summaries = Vec::new();
    let mut parts = Vec::new();
    let mut checksums = std::collections::BTreeMap::new();
    let mut warnings = Vec::new();
    let mut schema_seen: Option<arrow_schema::SchemaRef> = None;

    for (i, path) in files.iter().enumerate() {
        let file_err = |message: String| IngestError::file(path, &message);
        let mut source =
            source::Source::open(path, opts.sheet.as_deref()).map_err(|e| file_err(e.0))?;
        let plan = Plan::new(dataset, &source.headers).map_err(|e| file_err(e.message))?;
        if !plan.ignored.is_empty() {
            warnings.push(format!(
                "`{}`: columns not in the contract were ignored: {}",
                path.display(),
                plan.ignored.join(", ")
            ));
        }
        let schema = write::schema(&plan.columns);
        if let Some(prev) = &schema_seen
            && prev != &schema
        {
            return Err(file_err(
                "its columns differ from the earlier files of this call; ingest it separately"
                    .into(),
            ));
        }
        schema_seen = Some(schema.clone());
        let (part_abs, part_rel) = staging.part_path(i);
        progress(ProgressEvent::Start {
            path,
            bytes: source.total_bytes,
        });
        if let Some(people) = &mut people {
            people.start_file(path.display().to_string(), source.total_bytes);
        }
        let done = run_file(
            path,
            &mut source,
            &plan,
            &key,
            edition,
            &part_abs,
            schema,
            &mut rejects,
            people.as_mut(),
            progress,
        )?;
        progress(ProgressEvent::Finish);
        warnings.extend(
            done.warnings
                .into_iter()
                .map(|w| format!("`{}`: {w}", path.display())),
        );
        summaries.push(done.summary);
        checksums.insert(part_rel.clone(), done.checksum);
        parts.push(part_rel);
    }
    // Every warning leaves through the redactor too: a headerless file's ignored "columns"
    // are its first row.
    let warnings: Vec<String> = warnings
        .iter()
        .map(|w| redact_nhs_numbers(w).into_owned())
        .collect();

    let rejects_file = rejects.finish()?;
    let read: u64 = summaries.iter().map(|s| s.read).sum();
    let accepted: u64 = summaries.iter().map(|s| s.accepted).sum();
    let rejected: u64 = summaries.iter().map(|s| s.rejected).sum();
    if opts.strict && rejected > 0 {
        // Dropping the staging removes everything written; the old version stays current.
        drop(staging);
        return Ok(Report {
            dataset,
            files: summaries,
            rejects_file,
            version: None,
            warnings,
        });
    }
    if accepted == 0 && !opts.allow_empty {
        return Err(IngestError::NothingAccepted {
            read,
            rejected,
            rejects_file,
        });
    }
    let (mut all_parts, carried) = match &previous {
        Some(p) => {
            checksums.extend(p.manifest.checksums.clone());
            (p.manifest.parts.clone(), p.manifest.rows)
        }
        None => (Vec::new(), 0),
    };
    all_parts.extend(parts);
    let manifest = Manifest {
        dataset: dataset.name().into(),
        version: 0,
        created: jiff::Timestamp::now().to_string(),
        rows: carried + accepted,
        parts: all_parts,
        files: summaries.clone(),
        iod_edition: edition.label().into(),
        appended_to: previous.as_ref().map(|p| p.manifest.version),
        contract_version: CONTRACT_VERSION,
        key_fingerprint: Some(fingerprint),
        checksums,
    };
    if std::env::var_os("EQUALIS_FAULT_ABORT_BEFORE_COMMIT").is_some() {
        std::process::abort();
    }
    let version = staging.commit(manifest)?;
    tracing::info!(
        dataset = dataset.name(),
        version = version.manifest.version,
        accepted,
        rejected,
        "committed"
    );
    Ok(Report {
        dataset,
        files: summaries,
        rejects_file,
        version: Some(version),
        warnings,
    })
}

/// The people of the population version being appended to, from its stored pseudonyms.
fn load_people(version: &DatasetVersion, people: &mut convert::People) -> Result<(), IngestError> {
    use arrow_array::{Array, StringArray};
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let corrupt = |path: &Path, e: &dyn std::fmt::Display| {
        IngestError::Workspace(WorkspaceError::Corrupt {
            dataset: version.manifest.dataset.clone(),
            message: format!("reading `{}`: {e}", path.display()),
        })
    };
    for path in version.part_paths() {
        let file = std::fs::File::open(&path).map_err(|e| corrupt(&path, &e))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(&path, &e))?;
        let Some(col) = builder
            .schema()
            .fields()
            .iter()
            .position(|f| f.name() == "person_id")
        else {
            continue;
        };
        let mask = ProjectionMask::roots(builder.parquet_schema(), [col]);
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| corrupt(&path, &e))?;
        for batch in reader {
            let batch = batch.map_err(|e| corrupt(&path, &e))?;
            let ids = batch
                .column(0)
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| corrupt(&path, &"person_id is not text"))?;
            people.add_existing(version.manifest.version, ids.iter().flatten());
        }
    }
    Ok(())
}

/// What one file gave: its counts, its warnings, and the checksum of its Parquet part.
struct FileDone {
    summary: FileSummary,
    warnings: Vec<String>,
    checksum: String,
}

/// Reads, converts and writes one file, using both cores of a small machine:
///
/// ```text
/// reader (parse, line numbers, uniqueness) ─▶ converters ×2 ─▶ main (file order: rejects, counts) ─▶ Parquet writer
/// ```
///
/// Converters hold no shared state (order-dependent rules run in the reader's
/// [`convert::Sequencer`]), and the main thread puts their results back in file order, so
/// the stored rows and the rejects file come out the same on every run.
#[allow(clippy::too_many_arguments)]
fn run_file(
    path: &Path,
    source: &mut source::Source,
    plan: &Plan,
    key: &equalis_workspace::PseudonymKey,
    edition: equalis_vocab::IodEdition,
    part: &Path,
    schema: arrow_schema::SchemaRef,
    rejects: &mut Rejects,
    people: Option<&mut convert::People>,
    progress: &(dyn Fn(ProgressEvent<'_>) + Sync),
) -> Result<FileDone, IngestError> {
    let file_err = |message: String| IngestError::file(path, &message);
    // As it is shown and stored (manifest, rejects): a file named by an NHS number is not.
    let display = redact_nhs_numbers(&path.display().to_string()).into_owned();
    let bytes_read = source.bytes_read.clone();
    let mut summary = FileSummary {
        path: display.clone(),
        read: 0,
        accepted: 0,
        rejected: 0,
    };
    // Fault injection for the crash tests: abort (like SIGKILL: no destructors, no cleanup)
    // once this many rows have been read.
    let abort_after: Option<u64> = std::env::var("EQUALIS_FAULT_ABORT_AFTER_ROWS")
        .ok()
        .and_then(|v| v.parse().ok());

    // Shared by the converters; emptied at the end so a reader still sending stops.
    let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(4);
    let chunk_rx = std::sync::Mutex::new(Some(chunk_rx));
    std::thread::scope(|s| {
        let (recycle_tx, recycle_rx) = sync_channel::<Vec<(u64, ByteRecord)>>(8);
        let reader = s.spawn(move || -> Result<Vec<String>, source::SourceError> {
            let mut sequencer = convert::Sequencer::new(plan, people.map(|p| (p, key)));
            for seq in 0.. {
                let mut rows = recycle_rx.try_recv().unwrap_or_default();
                if !source.next_chunk(&mut rows, CHUNK_ROWS)? {
                    break;
                }
                // Sparse: duplicates are rare, so only their positions are sent.
                let duplicates = rows
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (line, r))| Some((i, sequencer.observe(*line, r)?)))
                    .collect();
                let chunk = Chunk {
                    seq,
                    rows,
                    duplicates,
                    extract_date: sequencer.extract_date(),
                };
                if chunk_tx.send(chunk).is_err() {
                    break; // The converters stopped; their error is reported.
                }
            }
            Ok(sequencer.warnings())
        });

        let (done_tx, done_rx) = sync_channel::<Converted>(4);
        let mut converters = Vec::new();
        for _ in 0..CONVERTERS {
            let (chunk_rx, done_tx, recycle_tx, schema) = (
                &chunk_rx,
                done_tx.clone(),
                recycle_tx.clone(),
                schema.clone(),
            );
            converters.push(s.spawn(move || {
                let mut conv = convert::Converter::new(plan, key, edition);
                let mut batcher = write::Batcher::new(schema);
                let mut problems = Vec::new();
                loop {
                    // The lock is held only to take the next chunk.
                    let next = match chunk_rx.lock() {
                        Ok(rx) => rx.as_ref().map(|rx| rx.recv()),
                        Err(_) => None,
                    };
                    let Some(Ok(mut chunk)) = next else { return };
                    conv.set_extract_date(chunk.extract_date);
                    let mut out = Converted {
                        seq: chunk.seq,
                        read: 0,
                        rejects: Vec::new(),
                        batch: None,
                    };
                    let mut duplicates = chunk.duplicates.drain(..).peekable();
                    for (i, (line, rec)) in chunk.rows.iter().enumerate() {
                        let dup = duplicates.next_if(|(at, _)| *at == i).map(|(_, p)| p);
                        out.read += 1;
                        if conv.convert(rec, dup, &mut problems) {
                            batcher.push(&conv.vals, &conv.scratch);
                        } else {
                            out.rejects.push((*line, std::mem::take(&mut problems)));
                        }
                    }
                    if batcher.rows() > 0 {
                        out.batch = Some(batcher.finish().map_err(|e| e.to_string()));
                    }
                    let _ = recycle_tx.try_send(std::mem::take(&mut chunk.rows));
                    if done_tx.send(out).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(done_tx);

        let (batch_tx, batch_rx) = sync_channel::<arrow_array::RecordBatch>(4);
        let writer_schema = schema.clone();
        let writer = s.spawn(move || -> Result<String, IngestError> {
            let mut w = write::parquet_writer(part, writer_schema, &plan.pseudonym_columns())
                .map_err(|e| IngestError::write(part, &e))?;
            // A write error is the workspace's (a full disk), unless the file never failed a
            // write, when it is a bug in equalis: the input is not to blame either way.
            let failed = |w: &parquet::arrow::ArrowWriter<write::Checksummed>,
                          e: &dyn std::fmt::Display| {
                match &w.inner().failure {
                    Some(io) => IngestError::write(part, io),
                    None => IngestError::Write {
                        path: part.to_path_buf(),
                        message: format!(
                            "internal error writing Parquet ({e}); this is a bug in equalis"
                        ),
                    },
                }
            };
            for b in batch_rx {
                if let Err(e) = w.write(&b) {
                    return Err(failed(&w, &e));
                }
            }
            if let Err(e) = w.flush() {
                return Err(failed(&w, &e));
            }
            let file = w.into_inner().map_err(|e| IngestError::Write {
                path: part.to_path_buf(),
                message: e.to_string(),
            })?;
            match file.failure {
                Some(ref io) => Err(IngestError::write(part, io)),
                None => file.finish().map_err(|e| IngestError::write(part, &e)),
            }
        });

        // Results arrive in any order; they are handled in file order.
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0u64;
        let mut failure: Option<IngestError> = None;
        'results: for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                summary.read += done.read;
                summary.rejected += done.rejects.len() as u64;
                summary.accepted += done.read - done.rejects.len() as u64;
                for (line, problems) in &done.rejects {
                    if let Err(e) = rejects.write(&display, *line, problems) {
                        failure = Some(e);
                        break 'results;
                    }
                }
                let sent = match done.batch {
                    None => true,
                    // The writer stopped: its own error is reported below.
                    Some(Ok(b)) => batch_tx.send(b).is_ok(),
                    Some(Err(e)) => {
                        failure = Some(file_err(format!(
                            "internal error building a batch ({e}); this is a bug in equalis"
                        )));
                        false
                    }
                };
                if !sent {
                    break 'results;
                }
                if abort_after.is_some_and(|n| summary.read >= n) {
                    std::process::abort();
                }
                progress(ProgressEvent::Advance(bytes_read.load(Ordering::Relaxed)));
            }
        }
        // Closing the channels stops every thread: the writer finishes its file, and the
        // reader and converters see their receivers or senders gone.
        drop(batch_tx);
        if let Ok(mut rx) = chunk_rx.lock() {
            rx.take();
        }
        let converters_ok = converters.into_iter().all(|c| c.join().is_ok());
        let read_result = reader.join();
        let write_result = writer.join();
        // A writer that failed stops everything else: its error comes first.
        if let Ok(Err(e)) = write_result {
            return Err(e);
        }
        if let Some(f) = failure {
            return Err(f);
        }
        if !converters_ok {
            return Err(file_err(
                "internal error: a converter thread panicked; this is a bug in equalis".into(),
            ));
        }
        let warnings = match read_result {
            Ok(Ok(w)) => w,
            Ok(Err(e)) => return Err(file_err(e.0)),
            Err(_) => {
                return Err(file_err(
                    "internal error: the reader thread panicked; this is a bug in equalis".into(),
                ));
            }
        };
        let checksum = match write_result {
            Ok(Ok(sum)) => sum,
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(file_err(
                    "internal error: the writer thread panicked; this is a bug in equalis".into(),
                ));
            }
        };
        if summary.read != summary.accepted + summary.rejected {
            return Err(file_err(
                "internal error: rows read and accounted for differ; this is a bug in equalis"
                    .into(),
            ));
        }
        Ok(FileDone {
            summary,
            warnings,
            checksum,
        })
    })
}

/// Converter threads: two, one per core of the machines equalis is sized for; the reader
/// and the Parquet writer need less than a core between them.
const CONVERTERS: usize = 2;

/// Records read in file order, with what the sequencer found about them.
struct Chunk {
    seq: u64,
    rows: Vec<(u64, ByteRecord)>,
    /// `(index in rows, problem)` for the rows whose identifier repeats an earlier one.
    duplicates: Vec<(usize, Problem)>,
    extract_date: Option<jiff::civil::Date>,
}

/// What a converter made of one chunk.
struct Converted {
    seq: u64,
    read: u64,
    rejects: Vec<(u64, Vec<Problem>)>,
    batch: Option<Result<arrow_array::RecordBatch, String>>,
}

/// The rejects file: `file,row,column,value,reason`, created (owner-only) on the first
/// rejected row. Every field passes through the NHS-number redactor: a number typed in any
/// column, or swallowed into a value, never reaches it.
struct Rejects {
    path: PathBuf,
    writer: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
}

impl Rejects {
    fn new(ws: &Workspace, dataset: Dataset) -> Rejects {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%S%.3fZ")
            .to_string();
        let path = ws
            .rejects_dir()
            .join(format!("{}-{stamp}.csv", dataset.name()));
        Rejects { path, writer: None }
    }

    fn failed(&self, e: &std::io::Error) -> IngestError {
        IngestError::write(&self.path, e)
    }

    fn write(&mut self, file: &str, row: u64, problems: &[Problem]) -> Result<(), IngestError> {
        if self.writer.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| self.failed(&e))?;
            }
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                open.mode(0o600);
            }
            let f = open.open(&self.path).map_err(|e| self.failed(&e))?;
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(["file", "row", "column", "value", "reason"])
                .map_err(|e| self.failed(&e.into()))?;
            self.writer = Some(w);
        }
        let row = row.to_string();
        let file = redact_nhs_numbers(file);
        for p in problems {
            let record = [
                &*file,
                row.as_str(),
                &redact_nhs_numbers(&p.column),
                &redact_nhs_numbers(&p.value),
                &redact_nhs_numbers(&p.reason),
            ];
            if let Some(w) = self.writer.as_mut()
                && let Err(e) = w.write_record(record)
            {
                return Err(self.failed(&e.into()));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Option<PathBuf>, IngestError> {
        match self.writer {
            Some(w) => {
                let file = w
                    .into_inner()
                    .map_err(|e| IngestError::write(&self.path, e.error()))?;
                file.into_inner()
                    .map_err(|e| IngestError::write(&self.path, e.error()))?
                    .sync_all()
                    .map_err(|e| IngestError::write(&self.path, &e))?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

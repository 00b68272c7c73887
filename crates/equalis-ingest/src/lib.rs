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
//! values of the `nhs_number` column are redacted in the rejects file too.
//!
//! **Invariant:** every row read is accounted for: `read = accepted + rejected` for every
//! file, and a rejected row has at least one line in the rejects file saying which column
//! failed, with what value, and why.
//!
//! **Invariant:** all or nothing. A file-level error (unreadable file, missing required
//! column) commits nothing from the whole call; `--strict` commits nothing if any row was
//! rejected; otherwise the accepted rows of all files become one new version, atomically.

#![deny(missing_docs)]

pub mod contract;
pub mod convert;
mod source;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::sync_channel;

use csv::ByteRecord;
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
    #[error("`{path}`: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong, and the fix where known.
        message: String,
    },
    /// The request itself is wrong.
    #[error("{0}")]
    Usage(String),
    /// The workspace could not be read or written.
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
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
    let edition = ws.config().iod_edition;
    let staging = ws.begin(dataset.name())?;
    let previous = if opts.append {
        ws.current(dataset.name())?
    } else {
        None
    };

    let mut rejects = Rejects::new(ws, dataset);
    let mut summaries = Vec::new();
    let mut parts = Vec::new();
    let mut warnings = Vec::new();
    let mut schema_seen: Option<arrow_schema::SchemaRef> = None;

    for (i, path) in files.iter().enumerate() {
        let file_err = |message: String| IngestError::File {
            path: path.clone(),
            message,
        };
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
        let summary = run_file(
            path,
            &mut source,
            &plan,
            &key,
            edition,
            &part_abs,
            schema,
            &mut rejects,
            progress,
        )?;
        progress(ProgressEvent::Finish);
        warnings.extend(
            summary
                .1
                .into_iter()
                .map(|w| format!("`{}`: {w}", path.display())),
        );
        summaries.push(summary.0);
        parts.push(part_rel);
    }

    let rejects_file = rejects.finish().map_err(|message| IngestError::File {
        path: ws.rejects_dir(),
        message,
    })?;
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
    let (mut all_parts, carried) = match &previous {
        Some(p) => (p.manifest.parts.clone(), p.manifest.rows),
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
    progress: &(dyn Fn(ProgressEvent<'_>) + Sync),
) -> Result<(FileSummary, Vec<String>), IngestError> {
    let file_err = |message: String| IngestError::File {
        path: path.to_path_buf(),
        message,
    };
    let display = path.display().to_string();
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
            let mut sequencer = convert::Sequencer::new(plan);
            for seq in 0.. {
                let mut rows = recycle_rx.try_recv().unwrap_or_default();
                if !source.next_chunk(&mut rows, CHUNK_ROWS)? {
                    break;
                }
                // Sparse: duplicates are rare, so only their positions are sent.
                let duplicates = rows
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (_, r))| Some((i, sequencer.observe(r)?)))
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
        let writer = s.spawn(move || -> Result<(), String> {
            let mut w = write::parquet_writer(part, writer_schema, &plan.pseudonym_columns())?;
            for b in batch_rx {
                w.write(&b).map_err(|e| format!("writing Parquet: {e}"))?;
            }
            w.close().map_err(|e| format!("writing Parquet: {e}"))?;
            Ok(())
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
                        failure = Some(IngestError::File {
                            path: rejects.path.clone(),
                            message: e,
                        });
                        break 'results;
                    }
                }
                let sent = match done.batch {
                    None => Ok(()),
                    Some(Ok(b)) => batch_tx
                        .send(b)
                        .map_err(|_| "the Parquet writer stopped".to_string()),
                    Some(Err(e)) => Err(e),
                };
                if let Err(e) = sent {
                    failure = Some(file_err(e));
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
        match write_result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(file_err(e)),
            Err(_) => {
                return Err(file_err(
                    "internal error: the writer thread panicked; this is a bug in equalis".into(),
                ));
            }
        }
        if summary.read != summary.accepted + summary.rejected {
            return Err(file_err(
                "internal error: rows read and accounted for differ; this is a bug in equalis"
                    .into(),
            ));
        }
        Ok((summary, warnings))
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

/// The rejects file: `file,row,column,value,reason`, created on the first rejected row.
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

    fn write(&mut self, file: &str, row: u64, problems: &[Problem]) -> Result<(), String> {
        if self.writer.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            let f = std::fs::File::create(&self.path).map_err(|e| e.to_string())?;
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
            w.write_record(["file", "row", "column", "value", "reason"])
                .map_err(|e| e.to_string())?;
            self.writer = Some(w);
        }
        let w = self.writer.as_mut().ok_or("rejects file not open")?;
        let row = row.to_string();
        for p in problems {
            w.write_record([file, &row, &p.column, &p.value, &p.reason])
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn finish(self) -> Result<Option<PathBuf>, String> {
        match self.writer {
            Some(mut w) => {
                w.flush().map_err(|e| e.to_string())?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

//! Results on disk: `DIR/results/vN/*.parquet`, with `DIR/results/CURRENT` naming the
//! version readers see.
//!
//! A compute commits the way an ingest commits a dataset version (`equalis-workspace`): it
//! holds `results/.lock` from [`ResultsWriter::begin`] to commit or drop (a second compute
//! at once is refused with [`ResultsError::Busy`], never interleaved), writes into
//! `results/.staging-vN-pidPID`, and at commit syncs every file, renames the staging directory to
//! `vN`, syncs the directory, and last replaces `CURRENT` by renaming a synced temporary file
//! over it. So `CURRENT` only ever names a complete version, always the newest committed one,
//! and a failed or killed compute leaves the previous results current and untouched (its
//! staging is swept by the next compute).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::publish::{PublishedInequality, PublishedRow, PublishedSpc, View, publish};
use crate::row::{Comparison, InequalityRow, ResultRow, SpcRow, Statistic};

/// The metadata key under which [`Metadata`] is stored (as JSON) in every results file.
const METADATA_KEY: &str = "equalis.results";
/// How many versions to keep besides the current one.
const KEEP_OLD: usize = 1;

/// What a set of results was computed from, stored in every results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Metadata {
    /// When the compute finished (UTC, RFC 3339).
    pub computed_at: String,
    /// The equalis version that computed it.
    pub equalis_version: String,
    /// The IoD edition of the deprivation fields.
    pub iod_edition: String,
    /// The dataset versions read: name → version number and rows.
    pub datasets: BTreeMap<String, DatasetRef>,
    /// What each indicator and measure is, keyed by id, for readers of the results.
    pub indicators: BTreeMap<String, IndicatorInfo>,
    /// The indicator definitions used, as their source text keyed by id.
    pub definitions: BTreeMap<String, String>,
    /// What was not computed, and why (e.g. "needs the `population` dataset"), keyed by id.
    #[serde(default)]
    pub skipped: BTreeMap<String, String>,
    /// Organisations' names by ODS code (from the workspace's settings), for readers that
    /// show a provider by name.
    #[serde(default)]
    pub organisations: BTreeMap<String, String>,
}

/// What an indicator or measure is, as a reader of the results needs to know it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IndicatorInfo {
    /// Its id.
    pub id: String,
    /// A short name, e.g. "SMI physical health checks".
    pub name: String,
    /// The Core20PLUS5 area or dashboard, e.g. "Severe mental illness" or "Elective waiting list".
    pub area: String,
    /// What it measures, in a sentence.
    pub description: String,
    /// The statistic's name (see [`crate::Statistic::as_str`]).
    pub statistic: String,
    /// The unit of the value, e.g. "%" or "per 100,000".
    pub unit: String,
    /// `higher_is_better`, `lower_is_better` or `none`.
    pub direction: String,
    /// The national target, in the value's units.
    pub target: Option<f64>,
    /// Where the definition comes from.
    pub source: String,
}

/// One dataset version read by a compute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DatasetRef {
    /// The committed version number.
    pub version: u32,
    /// Its rows.
    pub rows: u64,
}

/// Errors reading or writing results.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// Another compute is writing results in this workspace now.
    #[error(
        "another compute is writing results in `{0}` now\n\nhint: wait for it to finish, then run this again"
    )]
    Busy(PathBuf),
    /// No compute has been run in the workspace.
    #[error("no results in `{0}` yet\n\nhint: run `equalis compute --workspace {0}` first")]
    NoResults(PathBuf),
    /// A file system error.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A results file could not be written or read as Parquet.
    #[error("results file `{path}`: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Who must act on a [`ResultsError`]: what a web handler turns into a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing to read yet: no compute has been run (404).
    NotFound,
    /// Another compute is writing now: try again when it finishes (409).
    Conflict,
    /// The results could not be read or written: a damaged file, a full disk (500).
    Fault,
}

impl ResultsError {
    /// Who must act on this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ResultsError::NoResults(_) => ErrorKind::NotFound,
            ResultsError::Busy(_) => ErrorKind::Conflict,
            ResultsError::Io { .. } | ResultsError::Format { .. } => ErrorKind::Fault,
        }
    }

    /// What to do about it, when equalis knows: the `hint:` paragraph of the message, as its
    /// own text, for an edge that shows the hint apart from the message.
    pub fn hint(&self) -> Option<String> {
        self.to_string()
            .split_once("\n\nhint: ")
            .map(|(_, hint)| hint.to_owned())
    }
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ResultsError {
    let path = path.to_path_buf();
    move |source| ResultsError::Io {
        action,
        path,
        source,
    }
}

fn format(path: &Path, e: impl std::fmt::Display) -> ResultsError {
    ResultsError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Results read back from a workspace.
///
/// The rows are private: they leave only through disclosure control ([`Results::publish`],
/// [`Results::publish_indicator`] in a [`View`]) or, asked for by name, as the analyst view
/// ([`Results::analyst`]), so no reader can show a number that skipped `publish` by mistake.
///
/// ```compile_fail
/// fn raw(r: &equalis_results::Results) -> usize { r.indicators.len() }
/// ```
#[derive(Debug, Clone)]
pub struct Results {
    dir: PathBuf,
    /// What they were computed from.
    pub metadata: Metadata,
    indicators: Vec<ResultRow>,
    inequality: Vec<InequalityRow>,
    spc: Vec<SpcRow>,
}

/// The rows of [`Results`] exactly as computed, before disclosure control: the analyst view,
/// for analysts inside the ICS (audited where a server shows it) and the engine's own checks.
#[derive(Debug, Clone, Copy)]
pub struct AnalystRows<'a> {
    /// The indicator figures.
    pub indicators: &'a [ResultRow],
    /// SII and RII.
    pub inequality: &'a [InequalityRow],
    /// SPC series.
    pub spc: &'a [SpcRow],
}

impl Results {
    /// Results made from rows in memory (a report with no compute yet, tests): `dir` names
    /// where they would be.
    pub fn new(
        dir: PathBuf,
        metadata: Metadata,
        indicators: Vec<ResultRow>,
        inequality: Vec<InequalityRow>,
        spc: Vec<SpcRow>,
    ) -> Results {
        Results {
            dir,
            metadata,
            indicators,
            inequality,
            spc,
        }
    }

    /// The directory of the version read (`…/results/v3`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every row in `view`: the published view passes each through disclosure control.
    pub fn publish(
        &self,
        view: &View,
    ) -> (
        Vec<PublishedRow>,
        Vec<PublishedInequality>,
        Vec<PublishedSpc>,
    ) {
        publish(view, &self.indicators, &self.inequality, &self.spc)
    }

    /// One indicator's rows in `view`. The indicator is published whole (secondary disclosure
    /// control reads each breakdown with its total), so a caller filters what this returns,
    /// never the rows before it.
    pub fn publish_indicator(
        &self,
        view: &View,
        id: &str,
    ) -> (
        Vec<PublishedRow>,
        Vec<PublishedInequality>,
        Vec<PublishedSpc>,
    ) {
        let own = |r: &&ResultRow| r.indicator_id == id;
        let rows: Vec<ResultRow> = self.indicators.iter().filter(own).cloned().collect();
        let inequality: Vec<InequalityRow> = self
            .inequality
            .iter()
            .filter(|r| r.indicator_id == id)
            .cloned()
            .collect();
        let spc: Vec<SpcRow> = self
            .spc
            .iter()
            .filter(|r| r.indicator_id == id)
            .cloned()
            .collect();
        publish(view, &rows, &inequality, &spc)
    }

    /// The published view of every indicator, each published whole, by id.
    pub fn published_by_indicator(&self) -> BTreeMap<String, Vec<PublishedRow>> {
        let mut by_id: BTreeMap<&str, Vec<ResultRow>> = BTreeMap::new();
        for r in &self.indicators {
            by_id.entry(&r.indicator_id).or_default().push(r.clone());
        }
        by_id
            .into_iter()
            .map(|(id, rows)| (id.to_owned(), publish(&View::Published, &rows, &[], &[]).0))
            .collect()
    }

    /// The rows as computed, unpublished: the analyst view, asked for by name. Anything shown
    /// to people outside the analysts goes through [`Results::publish`] instead.
    pub fn analyst(&self) -> AnalystRows<'_> {
        AnalystRows {
            indicators: &self.indicators,
            inequality: &self.inequality,
            spc: &self.spc,
        }
    }
}

/// Writes a new results version; nothing is visible until [`ResultsWriter::commit`].
#[derive(Debug)]
pub struct ResultsWriter {
    base: PathBuf,
    /// The staging directory written into until commit.
    dir: PathBuf,
    /// The version's name once committed (`v3`).
    name: String,
    metadata: Metadata,
    // Held from begin to commit or drop, so that no other compute sweeps this staging or
    // moves `CURRENT` meanwhile. The OS releases it if the process dies.
    _lock: File,
    committed: bool,
}

impl ResultsWriter {
    /// Starts a new version under `workspace/results/`: takes the results lock (or fails with
    /// [`ResultsError::Busy`] if another compute holds it), sweeps staging left by killed
    /// computes, and creates a fresh staging directory.
    pub fn begin(workspace: &Path, metadata: Metadata) -> Result<ResultsWriter, ResultsError> {
        let base = workspace.join("results");
        fs::create_dir_all(&base).map_err(io("creating", &base))?;
        let lock_path = base.join(".lock");
        let lock = File::create(&lock_path).map_err(io("creating", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(ResultsError::Busy(workspace.to_path_buf()));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io("locking", &lock_path)(e)),
        }
        // Under the lock, any staging is a killed compute's: nobody else can be writing it.
        for entry in fs::read_dir(&base).map_err(io("listing", &base))? {
            let entry = entry.map_err(io("listing", &base))?;
            if entry.file_name().to_string_lossy().starts_with(".staging-") {
                fs::remove_dir_all(entry.path())
                    .map_err(io("removing the unfinished", &entry.path()))?;
            }
        }
        let next = versions(&base)?.last().map_or(1, |v| v + 1);
        let name = format!("v{next}");
        // Letters between the version and the PID: error messages pass through the NHS-number
        // redactor, and `v123-4194304` would be a ten-digit chain that can pass its check.
        let dir = base.join(format!(".staging-{name}-pid{}", std::process::id()));
        fs::create_dir(&dir).map_err(io("creating", &dir))?;
        Ok(ResultsWriter {
            base,
            dir,
            name,
            metadata,
            _lock: lock,
            committed: false,
        })
    }

    /// The directory being written (a staging directory until commit), for tables this crate
    /// does not define (outreach, …).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the indicator figures.
    pub fn write_indicators(&self, rows: &[ResultRow]) -> Result<(), ResultsError> {
        let batch =
            indicator_batch(rows).map_err(|e| format(&self.dir.join("indicators.parquet"), e))?;
        self.write_batch("indicators", &batch)
    }

    /// Writes the SII and RII rows.
    pub fn write_inequality(&self, rows: &[InequalityRow]) -> Result<(), ResultsError> {
        let batch =
            inequality_batch(rows).map_err(|e| format(&self.dir.join("inequality.parquet"), e))?;
        self.write_batch("inequality", &batch)
    }

    /// Writes the SPC rows.
    pub fn write_spc(&self, rows: &[SpcRow]) -> Result<(), ResultsError> {
        let batch = spc_batch(rows).map_err(|e| format(&self.dir.join("spc.parquet"), e))?;
        self.write_batch("spc", &batch)
    }

    /// Writes any table as `NAME.parquet` in the new version, with the metadata.
    pub fn write_batch(&self, name: &str, batch: &RecordBatch) -> Result<(), ResultsError> {
        let path = self.dir.join(format!("{name}.parquet"));
        let file = File::create(&path).map_err(io("creating", &path))?;
        let json = serde_json::to_string(&self.metadata).map_err(|e| format(&path, e))?;
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![KeyValue::new(METADATA_KEY.into(), json)]))
            .build();
        let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props))
            .map_err(|e| format(&path, e))?;
        writer.write(batch).map_err(|e| format(&path, e))?;
        writer.close().map_err(|e| format(&path, e))?;
        Ok(())
    }

    /// Makes the new version the current one and prunes old versions; returns its directory.
    ///
    /// Order matters for crash safety: the files are synced, the staging directory is renamed
    /// to its version name and the directory synced, and last `CURRENT` is replaced by an
    /// atomic rename of a synced file. A crash before that rename leaves the previous version
    /// current.
    pub fn commit(mut self) -> Result<PathBuf, ResultsError> {
        for entry in fs::read_dir(&self.dir).map_err(io("listing", &self.dir))? {
            let path = entry.map_err(io("listing", &self.dir))?.path();
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(io("syncing", &path))?;
        }
        let final_dir = self.base.join(&self.name);
        fs::rename(&self.dir, &final_dir).map_err(io("renaming", &self.dir))?;
        // From here the version directory is no longer ours to remove on drop: it is
        // complete, and the next compute numbers past it.
        self.committed = true;
        sync_dir(&self.base)?;
        let tmp = self.base.join(".CURRENT.tmp");
        write_synced(&tmp, self.name.as_bytes())?;
        let current = self.base.join("CURRENT");
        fs::rename(&tmp, &current).map_err(io("replacing", &current))?;
        sync_dir(&self.base)?;
        let all = versions(&self.base)?;
        let keep_from = all.len().saturating_sub(1 + KEEP_OLD);
        for v in &all[..keep_from] {
            let old = self.base.join(format!("v{v}"));
            // Best effort: an old version that cannot be removed is harmless.
            let _ = fs::remove_dir_all(old);
        }
        Ok(final_dir)
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ResultsError> {
    use std::io::Write;
    let mut f = File::create(path).map_err(io("creating", path))?;
    f.write_all(bytes).map_err(io("writing", path))?;
    f.sync_all().map_err(io("syncing", path))
}

fn sync_dir(dir: &Path) -> Result<(), ResultsError> {
    // Directory fsync makes the renames durable on Linux; other systems may refuse it.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io("syncing", dir))?;
    Ok(())
}

impl Drop for ResultsWriter {
    fn drop(&mut self) {
        if !self.committed {
            // A failed compute removes its partial version; the current one was never touched.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Version numbers present under `base`, ascending.
fn versions(base: &Path) -> Result<Vec<u32>, ResultsError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(base).map_err(io("listing", base))? {
        let entry = entry.map_err(io("listing", base))?;
        let name = entry.file_name();
        if let Some(n) = name.to_str().and_then(|s| s.strip_prefix('v'))
            && let Ok(n) = n.parse::<u32>()
        {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The directory of the current results version.
fn current_dir(workspace: &Path) -> Result<PathBuf, ResultsError> {
    let base = workspace.join("results");
    let current = base.join("CURRENT");
    let name = match fs::read_to_string(&current) {
        Ok(s) => s.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ResultsError::NoResults(workspace.to_path_buf()));
        }
        Err(e) => return Err(io("reading", &current)(e)),
    };
    Ok(base.join(name))
}

/// The name of the current results version (`v3`), read from one small file: cheap enough for
/// a long-running reader (the web server) to ask before every use of what it has cached.
pub fn current_version(workspace: &Path) -> Result<String, ResultsError> {
    let dir = current_dir(workspace)?;
    Ok(dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}

/// Reads a table this crate does not define (written with [`ResultsWriter::write_batch`],
/// e.g. `outreach`) from the current results: its path and batches.
pub fn read_table_named(
    workspace: &Path,
    name: &str,
) -> Result<(PathBuf, Vec<RecordBatch>), ResultsError> {
    let path = current_dir(workspace)?.join(format!("{name}.parquet"));
    let (_, batches) = read_table(&path)?;
    Ok((path, batches))
}

/// What the current results were computed from (the Parquet footer only: cheap however large
/// the results are).
pub fn read_metadata(workspace: &Path) -> Result<Metadata, ResultsError> {
    let path = current_dir(workspace)?.join("indicators.parquet");
    let file = File::open(&path).map_err(io("opening", &path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format(&path, e))?;
    metadata_of(&builder, &path)
}

fn metadata_of(
    builder: &ParquetRecordBatchReaderBuilder<File>,
    path: &Path,
) -> Result<Metadata, ResultsError> {
    Ok(builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == METADATA_KEY))
        .and_then(|k| k.value.as_deref())
        .map(serde_json::from_str::<Metadata>)
        .transpose()
        .map_err(|e| format(path, e))?
        .unwrap_or_default())
}

/// Reads the current results of a workspace.
pub fn read_results(workspace: &Path) -> Result<Results, ResultsError> {
    let dir = current_dir(workspace)?;
    let (metadata, batches) = read_table(&dir.join("indicators.parquet"))?;
    let indicators = batches
        .iter()
        .map(|b| indicator_rows(b).map_err(|e| format(&dir.join("indicators.parquet"), e)))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let (_, batches) = read_table(&dir.join("inequality.parquet"))?;
    let inequality = batches
        .iter()
        .map(|b| inequality_rows(b).map_err(|e| format(&dir.join("inequality.parquet"), e)))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let (_, batches) = read_table(&dir.join("spc.parquet"))?;
    let spc = batches
        .iter()
        .map(|b| spc_rows(b).map_err(|e| format(&dir.join("spc.parquet"), e)))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    Ok(Results {
        dir,
        metadata,
        indicators,
        inequality,
        spc,
    })
}

fn read_table(path: &Path) -> Result<(Metadata, Vec<RecordBatch>), ResultsError> {
    let file = File::open(path).map_err(io("opening", path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format(path, e))?;
    let metadata = metadata_of(&builder, path)?;
    let reader = builder.build().map_err(|e| format(path, e))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format(path, e))?;
    Ok((metadata, batches))
}

// ---- Arrow conversion -------------------------------------------------------------------

fn schema(fields: &[(&str, DataType, bool)]) -> SchemaRef {
    Arc::new(Schema::new(
        fields
            .iter()
            .map(|(n, t, null)| Field::new(*n, t.clone(), *null))
            .collect::<Vec<_>>(),
    ))
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn floats(values: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    let mut b = Float64Builder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn batch(schema: SchemaRef, columns: Vec<ArrayRef>) -> Result<RecordBatch, String> {
    // The columns are built here from the schema's own list, so a mismatch is a bug in this
    // file, not a data problem; it is still reported as an error, never a panic.
    RecordBatch::try_new(schema, columns).map_err(|e| e.to_string())
}

const INDICATOR_COLUMNS: [&str; 17] = [
    "indicator_id",
    "period",
    "breakdown",
    "group",
    "statistic",
    "multiplier",
    "numerator",
    "denominator",
    "comparator_numerator",
    "comparator_denominator",
    "value",
    "lowercl",
    "uppercl",
    "lower998cl",
    "upper998cl",
    "comparison",
    "note",
];

fn indicator_batch(rows: &[ResultRow]) -> Result<RecordBatch, String> {
    use DataType::{Float64, Utf8};
    let types = [
        Utf8, Utf8, Utf8, Utf8, Utf8, Float64, Float64, Float64, Float64, Float64, Float64,
        Float64, Float64, Float64, Float64, Utf8, Utf8,
    ];
    let nullable = |i: usize| i >= 6;
    let fields: Vec<_> = INDICATOR_COLUMNS
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (n, t))| (*n, t, nullable(i)))
        .collect();
    let r = rows.iter();
    batch(
        schema(&fields),
        vec![
            strings(r.clone().map(|x| Some(x.indicator_id.as_str()))),
            strings(r.clone().map(|x| Some(x.period.as_str()))),
            strings(r.clone().map(|x| Some(x.breakdown.as_str()))),
            strings(r.clone().map(|x| Some(x.group.as_str()))),
            strings(r.clone().map(|x| Some(x.statistic.as_str()))),
            floats(r.clone().map(|x| Some(x.multiplier))),
            floats(r.clone().map(|x| x.numerator)),
            floats(r.clone().map(|x| x.denominator)),
            floats(r.clone().map(|x| x.comparator_numerator)),
            floats(r.clone().map(|x| x.comparator_denominator)),
            floats(r.clone().map(|x| x.value)),
            floats(r.clone().map(|x| x.lowercl)),
            floats(r.clone().map(|x| x.uppercl)),
            floats(r.clone().map(|x| x.lower998cl)),
            floats(r.clone().map(|x| x.upper998cl)),
            strings(r.clone().map(|x| x.comparison.map(Comparison::as_str))),
            strings(r.map(|x| x.note.as_deref())),
        ],
    )
}

/// Typed access to a batch's columns by name, with errors naming the column.
struct Columns<'a>(&'a RecordBatch);

impl<'a> Columns<'a> {
    fn str(&self, name: &str) -> Result<&'a StringArray, String> {
        self.0
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<StringArray>())
            .ok_or_else(|| format!("column `{name}` is missing or not text"))
    }
    fn f64(&self, name: &str) -> Result<&'a Float64Array, String> {
        self.0
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<Float64Array>())
            .ok_or_else(|| format!("column `{name}` is missing or not a number"))
    }
    /// A number column added after results were first stored: absent in older files.
    fn f64_added(&self, name: &str) -> Result<Option<&'a Float64Array>, String> {
        match self.0.column_by_name(name) {
            None => Ok(None),
            Some(c) => c
                .as_any()
                .downcast_ref::<Float64Array>()
                .map(Some)
                .ok_or_else(|| format!("column `{name}` is not a number")),
        }
    }
}

fn opt_str(a: &StringArray, i: usize) -> Option<&str> {
    a.is_valid(i).then(|| a.value(i))
}

fn opt_f64(a: &Float64Array, i: usize) -> Option<f64> {
    a.is_valid(i).then(|| a.value(i))
}

fn indicator_rows(b: &RecordBatch) -> Result<Vec<ResultRow>, String> {
    let c = Columns(b);
    let [id, period, breakdown, group, statistic] =
        ["indicator_id", "period", "breakdown", "group", "statistic"].map(|n| c.str(n));
    let (id, period, breakdown, group, statistic) = (id?, period?, breakdown?, group?, statistic?);
    let (comparison, note) = (c.str("comparison")?, c.str("note")?);
    let [mult, num, den, value, lo, hi, lo9, hi9] = [
        "multiplier",
        "numerator",
        "denominator",
        "value",
        "lowercl",
        "uppercl",
        "lower998cl",
        "upper998cl",
    ]
    .map(|n| c.f64(n));
    let (mult, num, den, value, lo, hi, lo9, hi9) =
        (mult?, num?, den?, value?, lo?, hi?, lo9?, hi9?);
    let (cnum, cden) = (
        c.f64_added("comparator_numerator")?,
        c.f64_added("comparator_denominator")?,
    );
    (0..b.num_rows())
        .map(|i| {
            let stat = statistic.value(i);
            Ok(ResultRow {
                indicator_id: id.value(i).to_owned(),
                period: period.value(i).to_owned(),
                breakdown: breakdown.value(i).to_owned(),
                group: group.value(i).to_owned(),
                statistic: Statistic::parse(stat)
                    .ok_or_else(|| format!("unknown statistic `{stat}` in row {i}"))?,
                multiplier: mult.value(i),
                numerator: opt_f64(num, i),
                denominator: opt_f64(den, i),
                comparator_numerator: cnum.and_then(|a| opt_f64(a, i)),
                comparator_denominator: cden.and_then(|a| opt_f64(a, i)),
                value: opt_f64(value, i),
                lowercl: opt_f64(lo, i),
                uppercl: opt_f64(hi, i),
                lower998cl: opt_f64(lo9, i),
                upper998cl: opt_f64(hi9, i),
                comparison: opt_str(comparison, i).and_then(Comparison::parse),
                note: opt_str(note, i).map(str::to_owned),
            })
        })
        .collect()
}

fn inequality_batch(rows: &[InequalityRow]) -> Result<RecordBatch, String> {
    use DataType::{Float64, Utf8};
    let fields = [
        ("indicator_id", Utf8, false),
        ("period", Utf8, false),
        ("breakdown", Utf8, false),
        ("group", Utf8, false),
        ("measure", Utf8, false),
        ("value", Float64, true),
        ("lowercl", Float64, true),
        ("uppercl", Float64, true),
        ("note", Utf8, true),
    ];
    let r = rows.iter();
    batch(
        schema(&fields),
        vec![
            strings(r.clone().map(|x| Some(x.indicator_id.as_str()))),
            strings(r.clone().map(|x| Some(x.period.as_str()))),
            strings(r.clone().map(|x| Some(x.breakdown.as_str()))),
            strings(r.clone().map(|x| Some(x.group.as_str()))),
            strings(r.clone().map(|x| Some(x.measure.as_str()))),
            floats(r.clone().map(|x| x.value)),
            floats(r.clone().map(|x| x.lowercl)),
            floats(r.clone().map(|x| x.uppercl)),
            strings(r.map(|x| x.note.as_deref())),
        ],
    )
}

fn inequality_rows(b: &RecordBatch) -> Result<Vec<InequalityRow>, String> {
    let c = Columns(b);
    let (id, period, breakdown, group, measure, note) = (
        c.str("indicator_id")?,
        c.str("period")?,
        c.str("breakdown")?,
        c.str("group")?,
        c.str("measure")?,
        c.str("note")?,
    );
    let (value, lo, hi) = (c.f64("value")?, c.f64("lowercl")?, c.f64("uppercl")?);
    Ok((0..b.num_rows())
        .map(|i| InequalityRow {
            indicator_id: id.value(i).to_owned(),
            period: period.value(i).to_owned(),
            breakdown: breakdown.value(i).to_owned(),
            group: group.value(i).to_owned(),
            measure: measure.value(i).to_owned(),
            value: opt_f64(value, i),
            lowercl: opt_f64(lo, i),
            uppercl: opt_f64(hi, i),
            note: opt_str(note, i).map(str::to_owned),
        })
        .collect())
}

fn spc_batch(rows: &[SpcRow]) -> Result<RecordBatch, String> {
    use DataType::{Float64, Utf8};
    let fields = [
        ("indicator_id", Utf8, false),
        ("breakdown", Utf8, false),
        ("group", Utf8, false),
        ("period", Utf8, false),
        ("statistic", Utf8, false),
        ("multiplier", Float64, false),
        ("value", Float64, false),
        ("numerator", Float64, true),
        ("denominator", Float64, true),
        ("comparator_numerator", Float64, true),
        ("comparator_denominator", Float64, true),
        ("centre", Float64, true),
        ("lower_limit", Float64, true),
        ("upper_limit", Float64, true),
        ("point", Utf8, false),
        ("variation", Utf8, false),
        ("assurance", Utf8, true),
        ("note", Utf8, true),
    ];
    let r = rows.iter();
    batch(
        schema(&fields),
        vec![
            strings(r.clone().map(|x| Some(x.indicator_id.as_str()))),
            strings(r.clone().map(|x| Some(x.breakdown.as_str()))),
            strings(r.clone().map(|x| Some(x.group.as_str()))),
            strings(r.clone().map(|x| Some(x.period.as_str()))),
            strings(r.clone().map(|x| Some(x.statistic.as_str()))),
            floats(r.clone().map(|x| Some(x.multiplier))),
            floats(r.clone().map(|x| Some(x.value))),
            floats(r.clone().map(|x| x.numerator)),
            floats(r.clone().map(|x| x.denominator)),
            floats(r.clone().map(|x| x.comparator_numerator)),
            floats(r.clone().map(|x| x.comparator_denominator)),
            floats(r.clone().map(|x| x.centre)),
            floats(r.clone().map(|x| x.lower_limit)),
            floats(r.clone().map(|x| x.upper_limit)),
            strings(r.clone().map(|x| Some(x.point.as_str()))),
            strings(r.clone().map(|x| Some(x.variation.as_str()))),
            strings(r.clone().map(|x| x.assurance.as_deref())),
            strings(r.map(|x| x.note.as_deref())),
        ],
    )
}

fn spc_rows(b: &RecordBatch) -> Result<Vec<SpcRow>, String> {
    let c = Columns(b);
    let [
        id,
        breakdown,
        group,
        period,
        statistic,
        point,
        variation,
        assurance,
        note,
    ] = [
        "indicator_id",
        "breakdown",
        "group",
        "period",
        "statistic",
        "point",
        "variation",
        "assurance",
        "note",
    ]
    .map(|n| c.str(n));
    let (id, breakdown, group, period, statistic, point, variation, assurance, note) = (
        id?, breakdown?, group?, period?, statistic?, point?, variation?, assurance?, note?,
    );
    let [mult, value, num, den, cnum, cden, centre, lo, hi] = [
        "multiplier",
        "value",
        "numerator",
        "denominator",
        "comparator_numerator",
        "comparator_denominator",
        "centre",
        "lower_limit",
        "upper_limit",
    ]
    .map(|n| c.f64(n));
    let (mult, value, num, den, cnum, cden, centre, lo, hi) =
        (mult?, value?, num?, den?, cnum?, cden?, centre?, lo?, hi?);
    (0..b.num_rows())
        .map(|i| {
            let stat = statistic.value(i);
            Ok(SpcRow {
                indicator_id: id.value(i).to_owned(),
                breakdown: breakdown.value(i).to_owned(),
                group: group.value(i).to_owned(),
                period: period.value(i).to_owned(),
                statistic: Statistic::parse(stat)
                    .ok_or_else(|| format!("unknown statistic `{stat}` in row {i}"))?,
                multiplier: mult.value(i),
                value: value.value(i),
                numerator: opt_f64(num, i),
                denominator: opt_f64(den, i),
                comparator_numerator: opt_f64(cnum, i),
                comparator_denominator: opt_f64(cden, i),
                centre: opt_f64(centre, i),
                lower_limit: opt_f64(lo, i),
                upper_limit: opt_f64(hi, i),
                point: point.value(i).to_owned(),
                variation: variation.value(i).to_owned(),
                assurance: opt_str(assurance, i).map(str::to_owned),
                note: opt_str(note, i).map(str::to_owned),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, num: Option<f64>) -> ResultRow {
        let mut r = ResultRow::new("x", "2025/26", "sex", group, Statistic::Proportion, 100.0);
        r.numerator = num;
        r.denominator = Some(40.0);
        r.value = num.map(|n| n / 40.0 * 100.0);
        r.comparison = Some(Comparison::Lower);
        r.note = Some("a note".into());
        r
    }

    #[test]
    fn round_trips_and_replaces_atomically() {
        let ws = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_results(ws.path()),
            Err(ResultsError::NoResults(_))
        ));
        let meta = Metadata {
            iod_edition: "2025".into(),
            ..Metadata::default()
        };
        let rows = vec![row("Female", Some(12.0)), row("Male", None)];
        let w = ResultsWriter::begin(ws.path(), meta.clone()).unwrap();
        w.write_indicators(&rows).unwrap();
        w.write_inequality(&[]).unwrap();
        w.write_spc(&[]).unwrap();
        w.commit().unwrap();
        let back = read_results(ws.path()).unwrap();
        assert_eq!(back.analyst().indicators, rows);
        assert_eq!(back.metadata, meta);

        // A compute that fails before commit leaves the first version current and removes its
        // own partial directory.
        let w = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
        let partial = w.dir().to_path_buf();
        w.write_indicators(&[row("Female", Some(1.0))]).unwrap();
        drop(w);
        assert!(!partial.exists());
        assert_eq!(read_results(ws.path()).unwrap().analyst().indicators, rows);
    }

    fn complete(ws: &Path, group: &str) -> Result<PathBuf, ResultsError> {
        let w = ResultsWriter::begin(ws, Metadata::default())?;
        w.write_indicators(&[row(group, Some(10.0))])?;
        w.write_inequality(&[])?;
        w.write_spc(&[])?;
        w.commit()
    }

    fn stagings(ws: &Path) -> Vec<String> {
        fs::read_dir(ws.join("results"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".staging-"))
            .collect()
    }

    #[test]
    fn a_second_compute_while_one_is_writing_is_refused_and_touches_nothing() {
        let ws = tempfile::tempdir().unwrap();
        complete(ws.path(), "First").unwrap();
        let first = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
        first.write_indicators(&[row("Second", Some(3.0))]).unwrap();
        let err = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap_err();
        assert!(matches!(err, ResultsError::Busy(_)), "{err}");
        assert!(err.to_string().contains("hint: wait"), "{err}");
        // The refused compute removed nothing of the one in progress, which still commits.
        assert!(first.dir().join("indicators.parquet").exists());
        first.write_inequality(&[]).unwrap();
        first.write_spc(&[]).unwrap();
        let dir = first.commit().unwrap();
        assert!(dir.ends_with("v2"));
        assert_eq!(
            read_results(ws.path()).unwrap().analyst().indicators[0].group,
            "Second"
        );
        // With the lock released, the next compute runs.
        assert!(complete(ws.path(), "Third").unwrap().ends_with("v3"));
    }

    #[test]
    fn concurrent_computes_never_lose_a_version_or_leave_current_on_an_older_one() {
        let ws = tempfile::tempdir().unwrap();
        let threads = 6;
        let barrier = std::sync::Barrier::new(threads);
        let committed: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (ws, barrier) = (ws.path(), &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        // Each compute retries while another holds the lock: every one must
                        // eventually commit, and no other error may occur.
                        loop {
                            match complete(ws, &format!("g{t}")) {
                                Ok(dir) => return dir,
                                Err(ResultsError::Busy(_)) => std::thread::yield_now(),
                                Err(e) => panic!("compute {t}: {e}"),
                            }
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut numbers: Vec<u32> = committed
            .iter()
            .map(|d| {
                d.file_name().unwrap().to_str().unwrap()[1..]
                    .parse()
                    .unwrap()
            })
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=threads as u32).collect::<Vec<_>>());
        let current = read_results(ws.path()).unwrap();
        assert!(
            current.dir().ends_with(format!("v{threads}")),
            "{:?}",
            current.dir
        );
        assert_eq!(current.analyst().indicators.len(), 1);
        assert!(stagings(ws.path()).is_empty());
    }

    #[test]
    fn a_killed_compute_leaves_the_previous_results_current_and_is_swept() {
        let ws = tempfile::tempdir().unwrap();
        complete(ws.path(), "Kept").unwrap();
        // A compute killed mid-write leaves its staging directory (and, with the process, its
        // lock) behind; nothing it wrote is visible.
        let killed = ws.path().join("results").join(".staging-v2-99999");
        fs::create_dir(&killed).unwrap();
        fs::write(killed.join("indicators.parquet"), b"half a file").unwrap();
        assert_eq!(
            read_results(ws.path()).unwrap().analyst().indicators[0].group,
            "Kept"
        );
        assert_eq!(current_version(ws.path()).unwrap(), "v1");
        // A writer dropped before commit (a failed compute) removes only its own staging.
        let dropped = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
        let staging = dropped.dir().to_path_buf();
        assert!(
            !killed.exists(),
            "the next compute sweeps the killed one's staging"
        );
        dropped.write_indicators(&[row("Lost", None)]).unwrap();
        drop(dropped);
        assert!(!staging.exists());
        assert_eq!(
            read_results(ws.path()).unwrap().analyst().indicators[0].group,
            "Kept"
        );
        assert!(stagings(ws.path()).is_empty());
        assert!(complete(ws.path(), "Next").unwrap().ends_with("v2"));
    }

    #[test]
    fn rows_leave_only_published_whole_or_as_the_named_analyst_view() {
        let ws = tempfile::tempdir().unwrap();
        let mut other = row("Female", Some(30.0));
        other.indicator_id = "y".into();
        let rows = vec![row("Female", Some(3.0)), row("Male", Some(30.0)), other];
        let w = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
        w.write_indicators(&rows).unwrap();
        w.write_inequality(&[]).unwrap();
        w.write_spc(&[]).unwrap();
        w.commit().unwrap();
        let results = read_results(ws.path()).unwrap();

        // One indicator is published whole: the same as publishing its rows alone, with the
        // count of 3 withheld; the other indicator's rows play no part.
        let x_rows = &rows[..2];
        let (x, _, _) = results.publish_indicator(&View::Published, "x");
        assert_eq!(x, publish(&View::Published, x_rows, &[], &[]).0);
        assert_eq!(x.len(), 2);
        for r in &x {
            if let equalis_disclosure::Cell::Count(n) = r.numerator.get() {
                assert!(*n == 0 || *n > 7, "published count {n}");
            }
        }
        let by_id = results.published_by_indicator();
        assert_eq!(by_id.keys().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(by_id["x"], x);
        let (all, _, _) = results.publish(&View::Published);
        assert_eq!(all.len(), 3);

        // The analyst view is asked for by name and shows the rows as computed.
        assert_eq!(results.analyst().indicators, rows);
        let (analyst, _, _) = results.publish_indicator(&View::Analyst, "x");
        assert_eq!(analyst, publish(&View::Analyst, x_rows, &[], &[]).0);
    }

    #[test]
    fn each_error_has_a_kind_and_its_hint_apart() {
        let ws = tempfile::tempdir().unwrap();
        let none = read_results(ws.path()).unwrap_err();
        assert_eq!(none.kind(), ErrorKind::NotFound);
        let hint = format!(
            "run `equalis compute --workspace {}` first",
            ws.path().display()
        );
        assert_eq!(none.hint(), Some(hint));
        let _writing = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
        let busy = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap_err();
        assert_eq!(busy.kind(), ErrorKind::Conflict);
        assert!(busy.hint().unwrap().starts_with("wait for it"));
        let bad = ws.path().join("results").join("v1");
        fs::create_dir_all(&bad).unwrap();
        fs::write(bad.join("indicators.parquet"), b"not parquet").unwrap();
        fs::write(ws.path().join("results").join("CURRENT"), "v1").unwrap();
        let damaged = read_results(ws.path()).unwrap_err();
        assert_eq!(damaged.kind(), ErrorKind::Fault, "{damaged}");
        assert_eq!(damaged.hint(), None);
    }

    #[test]
    fn keeps_only_the_current_and_one_old_version() {
        let ws = tempfile::tempdir().unwrap();
        for _ in 0..4 {
            let w = ResultsWriter::begin(ws.path(), Metadata::default()).unwrap();
            w.write_indicators(&[]).unwrap();
            w.write_inequality(&[]).unwrap();
            w.write_spc(&[]).unwrap();
            w.commit().unwrap();
        }
        assert_eq!(versions(&ws.path().join("results")).unwrap(), vec![3, 4]);
        assert!(read_results(ws.path()).unwrap().dir().ends_with("v4"));
    }
}

//! `equalis init`, `equalis ingest` and `equalis status`: creating a workspace, loading
//! extracts into it, and seeing what it holds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use equalis_ingest::{Dataset, IngestError, Options, ProgressEvent};
use equalis_vocab::redact_nhs_numbers;
use equalis_workspace::Workspace;
use indicatif::{ProgressBar, ProgressStyle};

/// Output format of `ingest` and `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary for people.
    Text,
    /// JSON for scripts.
    Json,
}

/// Arguments of `equalis init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The directory to create the workspace in (new or empty).
    pub dir: PathBuf,
}

/// Arguments of `equalis ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// The dataset of the data contract the files hold.
    #[arg(long, value_parser = dataset_names())]
    pub dataset: String,
    /// CSV, Parquet or Excel (.xlsx) files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Commit nothing if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Add the rows to the current version instead of replacing it.
    #[arg(long)]
    pub append: bool,
    /// The Excel sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Commit a version even if no row is accepted (a header-only file, or every row
    /// rejected); without it such an ingest commits nothing, so it cannot replace good data.
    #[arg(long)]
    pub allow_empty: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `equalis status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn dataset_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Dataset::ALL.map(|d| d.name()))
}

/// Runs `equalis init`.
pub fn init(args: InitArgs) -> anyhow::Result<ExitCode> {
    Workspace::init(&args.dir)?;
    eprintln!("Created workspace `{}`", args.dir.display());
    eprintln!(
        "Keep `{}` safe: it is the pseudonymisation key and cannot be recreated.",
        args.dir.join("key").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Exit status when some rows were rejected (the accepted rows were committed unless
/// `--strict`).
pub const EXIT_REJECTED: u8 = 3;
/// Exit status for a file-level error: nothing was committed.
pub const EXIT_FILE_ERROR: u8 = 2;

/// Runs `equalis ingest`.
pub fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let ws = crate::cmd::open_workspace(&args.workspace)?;
    let dataset = Dataset::parse(&args.dataset)
        .with_context(|| format!("unknown dataset `{}`", args.dataset))?;
    let opts = Options {
        strict: args.strict,
        append: args.append,
        sheet: args.sheet.clone(),
        allow_empty: args.allow_empty,
    };
    match run_ingest(&ws, dataset, &args.files, &opts) {
        Ok(report) => {
            match args.format {
                Format::Json => println!("{}", report_json(&report)),
                Format::Text => print_report(&report),
            }
            for w in &report.warnings {
                eprintln!("warning: {}", redact_nhs_numbers(w));
            }
            if report.rejected() > 0 {
                Ok(ExitCode::from(EXIT_REJECTED))
            } else {
                Ok(ExitCode::SUCCESS)
            }
        }
        Err(
            e @ (IngestError::File { .. }
            | IngestError::Write { .. }
            | IngestError::NothingAccepted { .. }),
        ) => {
            eprintln!("error: {}", redact_nhs_numbers(&e.to_string()));
            eprintln!(
                "nothing was committed; the previous version of `{}` is unchanged",
                dataset.name()
            );
            Ok(ExitCode::from(EXIT_FILE_ERROR))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ingests with a progress bar on a terminal, silently otherwise.
pub fn run_ingest(
    ws: &Workspace,
    dataset: Dataset,
    files: &[PathBuf],
    opts: &Options,
) -> Result<equalis_ingest::Report, IngestError> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |ev: ProgressEvent<'_>| {
        let Some(b) = &bar else { return };
        match ev {
            ProgressEvent::Start { path, bytes } => {
                b.reset();
                b.set_length(bytes);
                b.set_message(file_name(path));
            }
            ProgressEvent::Advance(n) => b.set_position(n),
            ProgressEvent::Finish => b.set_position(b.length().unwrap_or(0)),
        }
    };
    let result = equalis_ingest::ingest(ws, dataset, files, opts, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The JSON summary of an ingest.
pub fn report_json(r: &equalis_ingest::Report) -> serde_json::Value {
    serde_json::json!({
        "dataset": r.dataset.name(),
        "version": r.version.as_ref().map(|v| v.manifest.version),
        "committed": r.version.is_some(),
        "files": r.files.iter().map(|f| serde_json::json!({
            "path": f.path, "read": f.read, "accepted": f.accepted, "rejected": f.rejected,
        })).collect::<Vec<_>>(),
        "rejects_file": r.rejects_file.as_ref().map(|p| p.display().to_string()),
        "warnings": r.warnings,
    })
}

fn print_report(r: &equalis_ingest::Report) {
    let name = r.dataset.name();
    match &r.version {
        Some(v) => println!(
            "Ingested {name}: version {} with {} rows",
            v.manifest.version,
            thousands(v.manifest.rows)
        ),
        None => println!("Nothing committed for {name} (--strict and some rows were rejected)"),
    }
    let width = r
        .files
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "  {:width$}  {:>12}  {:>12}  {:>12}",
        "file", "read", "accepted", "rejected"
    );
    for f in &r.files {
        println!(
            "  {:width$}  {:>12}  {:>12}  {:>12}",
            f.path,
            thousands(f.read),
            thousands(f.accepted),
            thousands(f.rejected)
        );
    }
    if let Some(p) = &r.rejects_file {
        println!("Rejected rows, with the column and reason: {}", p.display());
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs `equalis status`.
pub fn status(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let ws = crate::cmd::open_workspace(&args.workspace)?;
    let versions = ws.datasets()?;
    // Whether each version was made with the workspace's key (`None`: not recorded, or the
    // key cannot be read).
    let key_ok = |v: &equalis_workspace::DatasetVersion| {
        let recorded = v.manifest.key_fingerprint.as_deref()?;
        Some(recorded == ws.key_fingerprint()?)
    };
    match args.format {
        Format::Json => {
            let mut datasets = serde_json::Map::new();
            for v in &versions {
                let m = &v.manifest;
                datasets.insert(
                    m.dataset.clone(),
                    serde_json::json!({
                        "version": m.version,
                        "rows": m.rows,
                        "created": m.created,
                        "iod_edition": m.iod_edition,
                        "files": m.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
                        "key_matches": key_ok(v),
                    }),
                );
            }
            let results = results_summary(&ws).map(|(computed, skipped)| {
                serde_json::json!({ "computed_at": computed, "skipped": skipped })
            });
            println!(
                "{}",
                serde_json::json!({
                    "workspace": ws.root().display().to_string(),
                    "key_fingerprint": ws.key_fingerprint(),
                    "warnings": ws.warnings(),
                    "datasets": datasets,
                    "results": results,
                })
            );
        }
        Format::Text => {
            if versions.is_empty() {
                println!(
                    "Workspace `{}` holds no data yet; load some with `equalis ingest`",
                    ws.root().display()
                );
            } else {
                println!(
                    "{:20}  {:>7}  {:>12}  {:8}  {:20}  key",
                    "dataset", "version", "rows", "IoD", "created"
                );
                for v in &versions {
                    let m = &v.manifest;
                    let key = match key_ok(v) {
                        Some(true) => "this workspace's",
                        Some(false) => "ANOTHER KEY: refused",
                        None => "not recorded",
                    };
                    println!(
                        "{:20}  {:>7}  {:>12}  {:8}  {:20}  {key}",
                        m.dataset,
                        m.version,
                        thousands(m.rows),
                        m.iod_edition,
                        m.created
                    );
                }
            }
            if let Some(f) = ws.key_fingerprint() {
                println!(
                    "Pseudonymisation key `{}`: fingerprint {f}",
                    ws.key_path().display()
                );
            }
            if versions.iter().any(|v| key_ok(v) == Some(false)) {
                println!(
                    "Datasets made with another key are refused by every command: put back the key they were made with, or start a new workspace and ingest every extract into it."
                );
            }
            match results_summary(&ws) {
                None => println!("\nNo results yet: run `equalis compute`."),
                Some((computed, skipped)) => {
                    println!("\nResults computed {computed}.");
                    if !skipped.is_empty() {
                        println!("Not computed from this data:");
                        for (id, why) in &skipped {
                            println!("  {id:<40} {why}");
                        }
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// When the current results were computed, and what was not computed with why.
fn results_summary(ws: &Workspace) -> Option<(String, std::collections::BTreeMap<String, String>)> {
    let metadata = equalis_results::read_metadata(ws.root()).ok()?;
    Some((metadata.computed_at, metadata.skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }
}

//! `equalis compute` and `equalis results`: computing every indicator into the workspace,
//! and reading the results back by indicator, breakdown and period.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use equalis_engine::{ComputeOptions, ComputeSummary};
use equalis_results::{PublishedRow, View, publish, read_results};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cmd::output::{render, show};

/// Arguments of `equalis compute`.
#[derive(Debug, clap::Args)]
pub struct ComputeArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// Single breakdowns only, without pairs (faster on very large data).
    #[arg(long)]
    pub no_pairs: bool,
}

/// Output format of `results`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// CSV.
    Csv,
    /// JSON: an array of rows.
    Json,
}

/// Arguments of `equalis results`.
#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// The indicator or measure id (e.g. `smi_health_check`, `wl_over_52_weeks`); omit to list them.
    #[arg(long)]
    pub indicator: Option<String>,
    /// The breakdown: `all`, one (e.g. `imd_quintile`) or a pair (`ethnic_group x imd_quintile`).
    /// Default: every breakdown.
    #[arg(long)]
    pub breakdown: Option<String>,
    /// The period (e.g. `2025/26` or `2026-03-29`); `latest` for the latest. Default: every period.
    #[arg(long)]
    pub period: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The analyst view: counts from 1 to 7 shown and nothing rounded. Not for publication.
    #[arg(long)]
    pub unsuppressed: bool,
}

/// Runs the compute with a progress bar; shared with `equalis demo`.
pub fn compute(
    workspace: &std::path::Path,
    options: &ComputeOptions,
) -> anyhow::Result<ComputeSummary> {
    let ws = crate::cmd::open_workspace(workspace)?;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |step: &str, n: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(n as u64);
        bar.set_message(step.to_owned());
    };
    let summary = equalis_engine::compute(&ws, options, &progress)?;
    bar.finish_and_clear();
    Ok(summary)
}

/// Runs `equalis compute`.
pub fn run_compute(args: ComputeArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let options = ComputeOptions {
        pairs: !args.no_pairs,
        ..ComputeOptions::default()
    };
    let summary = compute(&args.workspace, &options)?;
    let mut out = std::io::stdout().lock();
    print_summary(&mut out, &summary)?;
    writeln!(out, "Done in {:.1} s.", started.elapsed().as_secs_f64())?;
    Ok(ExitCode::SUCCESS)
}

/// The per-step summary of a compute.
pub fn print_summary(out: &mut impl Write, summary: &ComputeSummary) -> std::io::Result<()> {
    writeln!(out, "Computed into `{}`:", summary.dir.display())?;
    for s in &summary.steps {
        match &s.skipped {
            Some(why) => writeln!(out, "  {:<40} skipped: {why}", s.id)?,
            None => writeln!(
                out,
                "  {:<40} {:>9} rows {:>7.1} s",
                s.id,
                thousands(s.rows),
                s.seconds
            )?,
        }
    }
    writeln!(out, "  {:<40} {:>9} rows", "total", thousands(summary.rows))
}

fn thousands(n: usize) -> String {
    crate::cmd::ingest::thousands(n as u64)
}

/// The columns `results` prints, in order.
const COLUMNS: [&str; 9] = [
    "indicator_id",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "value",
    "lowercl",
    "uppercl",
];

fn fields(r: &PublishedRow) -> [String; 9] {
    [
        r.indicator_id.clone(),
        r.period.clone(),
        r.breakdown.clone(),
        r.group.clone(),
        show(&r.numerator),
        show(&r.denominator),
        show(&r.value),
        show(&r.lowercl),
        show(&r.uppercl),
    ]
}

/// Normalises a pair written in either order to the stored order.
fn normalise_breakdown(b: &str) -> String {
    match b.split_once(" x ") {
        Some((x, y)) => equalis_engine::breakdown::pair(x.trim(), "", y.trim(), "").0,
        None => b.trim().to_owned(),
    }
}

/// Runs `equalis results`.
pub fn run_results(args: ResultsArgs) -> anyhow::Result<ExitCode> {
    let results = read_results(&args.workspace)?;
    let mut out = std::io::stdout().lock();
    let Some(id) = args.indicator.as_deref() else {
        writeln!(out, "{:<40} {:<32} name", "indicator_id", "area")?;
        for info in results.metadata.indicators.values() {
            writeln!(out, "{:<40} {:<32} {}", info.id, info.area, info.name)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    if !results.metadata.indicators.contains_key(id) {
        let known: Vec<&str> = results
            .metadata
            .indicators
            .keys()
            .map(String::as_str)
            .collect();
        anyhow::bail!(
            "no indicator `{id}` in the results\n\nhint: one of {}",
            known.join(", ")
        );
    }
    let mut rows: Vec<_> = results
        .indicators
        .iter()
        .filter(|r| r.indicator_id == id)
        .collect();
    if let Some(period) = args.period.as_deref() {
        let period = if period == "latest" {
            rows.iter()
                .map(|r| r.period.as_str())
                .max()
                .unwrap_or("")
                .to_owned()
        } else {
            period.to_owned()
        };
        let periods: Vec<String> = {
            let mut p: Vec<String> = rows.iter().map(|r| r.period.clone()).collect();
            p.sort();
            p.dedup();
            p
        };
        if !periods.contains(&period) {
            anyhow::bail!(
                "indicator `{id}` has no period `{period}`\n\nhint: one of {}, or `latest`",
                periods.join(", ")
            );
        }
        rows.retain(|r| r.period == period);
    }
    if let Some(b) = args.breakdown.as_deref() {
        let b = normalise_breakdown(b);
        let known: Vec<String> = {
            let mut k: Vec<String> = rows.iter().map(|r| r.breakdown.clone()).collect();
            k.sort();
            k.dedup();
            k
        };
        if !known.contains(&b) {
            anyhow::bail!(
                "indicator `{id}` has no breakdown `{b}` here\n\nhint: breakdowns are `all`, one of the dimensions (e.g. `imd_quintile`), or a pair written `A x B`; this indicator has {} of them",
                known.len()
            );
        }
        rows.retain(|r| r.breakdown == b);
    }
    let view = if args.unsuppressed {
        View::Analyst
    } else {
        View::Published
    };
    let owned: Vec<_> = rows.into_iter().cloned().collect();
    let (published, _, _) = publish(&view, &owned, &[], &[]);
    let table: Vec<Vec<String>> = published.iter().map(|r| fields(r).to_vec()).collect();
    // The counts, value and limits are numbers: right-aligned, and numbers in JSON.
    let numeric: Vec<bool> = (0..COLUMNS.len()).map(|i| i >= 4).collect();
    render(&mut out, args.format, &COLUMNS, &numeric, &table)?;
    if args.format == Format::Table && !args.unsuppressed {
        writeln!(
            out,
            "\nPublished view: counts 1 to 7 shown as *, other counts rounded to 5. Use --unsuppressed for the analyst view."
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

//! `equalis compute` and `equalis results`: computing every indicator into the workspace,
//! and reading the results back by indicator, breakdown and period.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use equalis_disclosure::{Cell, Publishable};
use equalis_engine::{ComputeOptions, ComputeSummary};
use equalis_results::{PublishedRow, View, publish, read_results};
use equalis_workspace::Workspace;
use indicatif::{ProgressBar, ProgressStyle};

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
    let ws = Workspace::open(workspace)?;
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

/// A cell as text: counts as integers, other numbers to 6 significant figures at most.
fn show(c: &Publishable<Cell>) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{}", *v as i64)
            } else {
                let s = format!("{v:.6}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
        }
        Cell::Suppressed(symbol) => symbol.clone(),
        Cell::NotApplicable => String::new(),
    }
}

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
    match args.format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(COLUMNS)?;
            for r in &published {
                w.write_record(fields(r))?;
            }
            w.flush()?;
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = published
                .iter()
                .map(|r| {
                    let f = fields(r);
                    let mut m = serde_json::Map::new();
                    for (k, v) in COLUMNS.iter().zip(f) {
                        let value = if k.ends_with("cl")
                            || ["numerator", "denominator", "value"].contains(k)
                        {
                            match v.parse::<f64>() {
                                Ok(x) => serde_json::json!(x),
                                Err(_) if v.is_empty() => serde_json::Value::Null,
                                Err(_) => serde_json::Value::String(v),
                            }
                        } else {
                            serde_json::Value::String(v)
                        };
                        m.insert((*k).to_owned(), value);
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows).context("writing JSON")?;
            writeln!(out)?;
        }
        Format::Table => {
            let table: Vec<[String; 9]> = published.iter().map(fields).collect();
            let mut widths = COLUMNS.map(str::len);
            for r in &table {
                for (w, f) in widths.iter_mut().zip(r) {
                    *w = (*w).max(f.chars().count());
                }
            }
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .zip(widths)
                    .enumerate()
                    .map(|(i, (c, w))| {
                        if i >= 4 {
                            format!("{c:>w$}")
                        } else {
                            format!("{c:<w$}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            };
            writeln!(out, "{}", line(&COLUMNS.map(String::from)))?;
            for r in &table {
                writeln!(out, "{}", line(r))?;
            }
            if !args.unsuppressed {
                writeln!(
                    out,
                    "\nPublished view: counts 1 to 7 shown as *, other counts rounded to 5. Use --unsuppressed for the analyst view."
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `equalis compute` and `equalis results`: computing every indicator into the workspace,
//! and reading the results back by indicator, breakdown and period.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use equalis_app::results::ResultsQuery;
use equalis_engine::{ComputeOptions, ComputeSummary, Event, Plan};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cmd::output::Format;

/// Arguments of `equalis compute`.
#[derive(Debug, clap::Args)]
pub struct ComputeArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// Single breakdowns only, without pairs (faster on very large data).
    #[arg(long)]
    pub no_pairs: bool,
    /// How the catalogue is planned: `one-pass` (one scan per dataset) or `per-indicator`
    /// (two queries per indicator and period, as before; same results, for benchmarks).
    #[arg(long, value_enum, default_value_t = PlanArg::OnePass, hide = true)]
    pub plan: PlanArg,
    /// The most memory the query engine may hold (e.g. `2GiB`, `512MiB`); aggregations spill
    /// to disk in the workspace to stay within it. `none` for no limit.
    #[arg(long, default_value = "2GiB", value_parser = memory_limit)]
    pub memory_limit: MemoryLimit,
    /// Where the queries run: `local` (DataFusion in this process) or `ballista` (an Apache
    /// DataFusion Ballista cluster; needs a build with `--features ballista`, docs/SCALE.md).
    #[arg(long, value_enum, default_value_t = EngineArg::Local)]
    pub engine: EngineArg,
    /// With `--engine ballista`: the scheduler's HOST:PORT. Without it, a scheduler and an
    /// executor are started inside this process (standalone).
    #[arg(long)]
    pub scheduler: Option<String>,
}

/// The engines `--engine` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    /// DataFusion in this process.
    Local,
    /// An Apache DataFusion Ballista cluster.
    Ballista,
}

/// The engine of `--engine` and `--scheduler`.
fn engine(args: &ComputeArgs) -> anyhow::Result<equalis_engine::Engine> {
    match (args.engine, &args.scheduler) {
        (EngineArg::Local, None) => Ok(equalis_engine::Engine::Local),
        (EngineArg::Local, Some(_)) => {
            anyhow::bail!("--scheduler is for --engine ballista\n\nhint: add `--engine ballista`")
        }
        #[cfg(feature = "ballista")]
        (EngineArg::Ballista, scheduler) => Ok(equalis_engine::Engine::Ballista {
            scheduler: scheduler.clone(),
        }),
        #[cfg(not(feature = "ballista"))]
        (EngineArg::Ballista, _) => anyhow::bail!(
            "this equalis was built without Ballista\n\nhint: build it with `cargo build --release --features ballista` (docs/SCALE.md)"
        ),
    }
}

/// `--memory-limit`: bytes, or none.
#[derive(Debug, Clone, Copy)]
pub struct MemoryLimit(pub Option<usize>);

fn memory_limit(text: &str) -> Result<MemoryLimit, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(MemoryLimit(None));
    }
    equalis_engine::parse_size(text).map(|b| MemoryLimit(Some(b)))
}

/// The plans `--plan` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanArg {
    /// One scan per dataset for every indicator and period.
    OnePass,
    /// Two queries per indicator and period.
    PerIndicator,
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
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed}, about {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    // A terminal gets a bar; a log (CI, cron, a redirected run) gets a line per step with
    // the time since the start, so a long national compute shows where it is.
    let progress = |event: Event<'_>| {
        let line = match event {
            Event::Scan { table, done, total } => {
                format!("scanning `{table}` ({} of {total} scans)", done + 1)
            }
            Event::Step { id, done, total } => format!("{id} ({} of {total} steps)", done + 1),
            Event::Writing => "writing the results".to_owned(),
        };
        if terminal {
            match event {
                Event::Scan { done, total, .. } | Event::Step { done, total, .. } => {
                    // Scans and steps share one bar: scans first, then steps.
                    if bar.length() != Some(total as u64) {
                        bar.set_length(total as u64);
                        bar.reset_eta();
                    }
                    bar.set_position(done as u64);
                }
                Event::Writing => {}
            }
            bar.set_message(line);
        } else {
            eprintln!("[{:>7.1} s] {line}", started.elapsed().as_secs_f64());
        }
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
        plan: match args.plan {
            PlanArg::OnePass => Plan::OnePass,
            PlanArg::PerIndicator => Plan::PerIndicator,
        },
        memory_limit: args.memory_limit.0,
        engine: engine(&args)?,
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

/// Runs `equalis results`: the indicators, or one indicator's rows, from `equalis_app`.
pub fn run_results(args: ResultsArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let Some(id) = args.indicator else {
        let list = equalis_app::results::indicators(&args.workspace)?;
        writeln!(out, "{:<40} {:<32} name", "indicator_id", "area")?;
        for info in list {
            writeln!(out, "{:<40} {:<32} {}", info.id, info.area, info.name)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let query = ResultsQuery {
        indicator: id,
        breakdown: args.breakdown,
        period: args.period,
        unsuppressed: args.unsuppressed,
    };
    let table = equalis_app::results::query(&args.workspace, &query)?;
    table.write(&mut out, args.format.into())?;
    if args.format == Format::Table && !args.unsuppressed {
        writeln!(
            out,
            "\nPublished view: counts 1 to 7 shown as *, other counts rounded to 5, and every figure computed from the published counts. Use --unsuppressed for the analyst view."
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

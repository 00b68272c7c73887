//! The population-health inequalities engine of equalis.
//!
//! `equalis compute` calls [`compute`]: it registers the workspace's committed datasets with
//! Apache DataFusion, evaluates every indicator of the catalogue ([`catalogue`]) and the
//! elective waiting-list dashboard ([`waiting`]) by every breakdown and pair of breakdowns
//! ([`breakdown`]), takes every statistic from `equalis-stats`, and writes the results with
//! `equalis-results`.
//!
//! **Architecture:** this is the only crate that links DataFusion. The query engine does the
//! reading, joining, filtering and grouping of rows; the statistics are plain functions of the
//! grouped counts, so the same plans could run on a cluster (DataFusion Ballista) without the
//! statistics changing.
#![deny(missing_docs)]

#[cfg(feature = "ballista")]
mod ballista;
pub mod breakdown;
pub mod catalogue;
mod error;
mod indicator;
mod onepass;
pub mod outreach;
mod periods;
pub mod registration;
mod rows;
pub mod tables;
pub mod waiting;

use std::collections::BTreeMap;
use std::time::Instant;

use datafusion::prelude::{SessionConfig, SessionContext};
use equalis_results::{Metadata, ResultsWriter};
use equalis_workspace::Workspace;

pub use error::EngineError;

/// Options of a compute.
#[derive(Debug, Clone)]
pub struct ComputeOptions {
    /// Break down by every pair of breakdowns (the default), or singles only.
    pub pairs: bool,
    /// Monte Carlo repetitions for the SII limits.
    pub sii_repetitions: usize,
    /// How the catalogue's queries are planned.
    pub plan: Plan,
    /// Where the queries run.
    pub engine: Engine,
    /// The most memory the query engine may hold at once, in bytes (`None`: no limit).
    /// Aggregations and sorts spill to the compute's scratch directory to stay within it; what
    /// cannot spill (the build side of a hash join) fails with [`EngineError::MemoryLimit`].
    /// The roll-ups and statistics equalis does on the grouped counts are not counted (they
    /// are small beside the rows).
    pub memory_limit: Option<usize>,
}

/// Where a compute's queries run: the results are the same either way (a test compares them
/// row for row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion in this process (the default).
    #[default]
    Local,
    /// An Apache DataFusion Ballista cluster: the scheduler at `HOST:PORT`, or, with `None`, a
    /// scheduler and an executor started in this process (standalone). The memory limit is
    /// the executors' own setting there.
    #[cfg(feature = "ballista")]
    Ballista {
        /// The scheduler's `HOST:PORT` (or `df://HOST:PORT`); `None` for standalone.
        scheduler: Option<String>,
    },
}

/// The default [`ComputeOptions::memory_limit`]: 2 GiB, the peak issue 17 sets for a national
/// compute on one machine.
pub const DEFAULT_MEMORY_LIMIT: usize = 2 << 30;

/// Reads a size in bytes as people write it: `2GiB`, `512MiB`, `1.5G`, `800M`, `65536`
/// (powers of 1024 either way, as memory is counted), for `--memory-limit`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "`{text}`: unknown unit `{other}`; write a size such as 2GiB, 512MiB or 65536"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write one such as 2GiB, 512MiB or 65536"))?;
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > usize::MAX as f64 {
        return Err(format!(
            "`{text}` is not a usable memory limit; write one such as 2GiB"
        ));
    }
    Ok(bytes as usize)
}

/// How the catalogue's indicators are planned: the results are the same either way (a test
/// compares them row for row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// One pass per dataset: every indicator reading a table counted in the same scan, every
    /// period at once (see `onepass`).
    #[default]
    OnePass,
    /// Two queries per indicator and per period, as before issue 17: kept to check the
    /// one-pass plan against and to measure it.
    PerIndicator,
}

impl Default for ComputeOptions {
    fn default() -> Self {
        Self {
            pairs: true,
            sii_repetitions: 10_000,
            plan: Plan::OnePass,
            engine: Engine::Local,
            memory_limit: Some(DEFAULT_MEMORY_LIMIT),
        }
    }
}

/// What a compute did, for the command line.
#[derive(Debug, Clone, Default)]
pub struct ComputeSummary {
    /// One line per indicator or dashboard: id, rows written, seconds, or why it was skipped.
    pub steps: Vec<Step>,
    /// Rows in the indicators table.
    pub rows: usize,
    /// Where the results are.
    pub dir: std::path::PathBuf,
}

/// One step of a compute.
#[derive(Debug, Clone)]
pub struct Step {
    /// Indicator id or dashboard name.
    pub id: String,
    /// Result rows written.
    pub rows: usize,
    /// Wall seconds.
    pub seconds: f64,
    /// Why it was skipped, if it was.
    pub skipped: Option<String>,
}

/// The id of the outreach step, in summaries and in the results' `skipped` list.
pub const OUTREACH: &str = "outreach cohort";

/// What a compute reports as it goes, for a progress bar or a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A scan of a dataset (one pass for the indicators reading it) is about to run: `done`
    /// of `total` scans have run.
    Scan {
        /// The table scanned.
        table: &'a str,
        /// Scans done.
        done: usize,
        /// Scans in all.
        total: usize,
    },
    /// A step (an indicator's statistics, a dashboard) is about to run: `done` of `total`
    /// steps have run.
    Step {
        /// The indicator id or dashboard name.
        id: &'a str,
        /// Steps done.
        done: usize,
        /// Steps in all.
        total: usize,
    },
    /// Every step has run; the results are being written.
    Writing,
}

/// Progress callback: called with each [`Event`]. The engine knows nothing of terminals; the
/// command line draws a bar or writes log lines.
pub type Progress<'a> = &'a (dyn Fn(Event<'_>) + Sync);

/// One indicator by the per-indicator plan: its rows and its monthly trend.
pub(crate) async fn per_indicator(
    ctx: &SessionContext,
    loaded: &tables::Loaded,
    i: &catalogue::Indicator,
    periods: &periods::Periods,
    options: &ComputeOptions,
) -> Result<indicator::Outcome, EngineError> {
    Ok(
        match indicator::run(ctx, loaded, i, periods, options).await? {
            indicator::Outcome::Computed(mut out) => {
                out.spc
                    .extend(indicator::trend(ctx, loaded, i, periods).await?);
                indicator::Outcome::Computed(out)
            }
            skipped => skipped,
        },
    )
}

/// Computes every indicator and dashboard into `WORKSPACE/results/` (atomically), blocking
/// the calling thread on a runtime of its own: the entry for the command line.
///
/// Called from inside a tokio runtime (an async server) it refuses with
/// [`EngineError::InsideRuntime`] rather than panic, as starting a runtime there would:
/// such a caller awaits [`compute_async`].
pub fn compute(
    ws: &Workspace,
    options: &ComputeOptions,
    progress: Progress<'_>,
) -> Result<ComputeSummary, EngineError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(EngineError::InsideRuntime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Plans are trees walked recursively (by DataFusion's optimiser, and by Ballista's
        // protobuf (de)serialisation of a plan sent to the cluster): the one-pass scans' long
        // CASE and UNION ALL expressions overflow tokio's 2 MiB default in a debug build.
        // Only the pages touched are committed.
        .thread_stack_size(STACK)
        .build()
        .map_err(|e| EngineError::io("starting the query runtime", ws.root(), e))?;
    runtime.block_on(compute_async(ws, options, progress))
}

/// The session settings of every compute: all cores.
pub(crate) fn session_config() -> SessionConfig {
    SessionConfig::new()
        .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .with_information_schema(false)
}

/// The stack of the compute's runtime threads.
const STACK: usize = 64 << 20;

/// A DataFusion session set up for equalis: all cores; with `memory_limit`, a fair spilling
/// memory pool of that size, spilling to `spill_dir` (the OS's temporary directory without).
///
/// Aggregations and sorts spill to disk to stay within the pool; a hash join's build side
/// cannot, so a limit too small for it fails with [`EngineError::MemoryLimit`] (naming the
/// limit and how to raise it) rather than the process being killed for memory.
pub fn session(
    memory_limit: Option<usize>,
    spill_dir: Option<&std::path::Path>,
) -> Result<SessionContext, EngineError> {
    use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
    use datafusion::execution::memory_pool::FairSpillPool;
    use datafusion::execution::runtime_env::RuntimeEnvBuilder;
    let config = session_config();
    let mut runtime = RuntimeEnvBuilder::new();
    if let Some(limit) = memory_limit {
        runtime = runtime.with_memory_pool(std::sync::Arc::new(FairSpillPool::new(limit)));
    }
    if let Some(dir) = spill_dir {
        runtime = runtime.with_disk_manager_builder(
            DiskManagerBuilder::default()
                .with_mode(DiskManagerMode::Directories(vec![dir.to_path_buf()])),
        );
    }
    let runtime = runtime
        .build_arc()
        .map_err(|e| EngineError::engine("setting up the query engine's memory", e))?;
    Ok(SessionContext::new_with_config_rt(config, runtime))
}

/// [`compute`] as a future, for a caller already inside a tokio runtime (the web server): it
/// runs on the caller's runtime, and the future is `Send`, so it can be spawned. The
/// statistics between queries are CPU-bound, so a server spawns it as a task of its own
/// rather than awaiting it in a request handler.
pub async fn compute_async(
    ws: &Workspace,
    options: &ComputeOptions,
    progress: Progress<'_>,
) -> Result<ComputeSummary, EngineError> {
    compute_in(ws, options, progress)
        .await
        .map_err(|e| match (e, options.memory_limit) {
            (
                EngineError::MemoryLimit {
                    context, message, ..
                },
                Some(bytes),
            ) => EngineError::MemoryLimit {
                context,
                limit: format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20)),
                message,
            },
            (e, _) => e,
        })
}

async fn compute_in(
    ws: &Workspace,
    options: &ComputeOptions,
    progress: Progress<'_>,
) -> Result<ComputeSummary, EngineError> {
    let scratch = tables::Scratch::create(ws.root())?;
    // On Ballista the executors read the tables, so `events` and `admissions` are not joined
    // into this process's scratch directory (an executor elsewhere could not read it).
    let (ctx, joined_into) = match &options.engine {
        Engine::Local => (
            session(options.memory_limit, Some(scratch.path()))?,
            Some(scratch.path()),
        ),
        #[cfg(feature = "ballista")]
        Engine::Ballista { scheduler } => (ballista::session(scheduler.as_deref()).await?, None),
    };
    let loaded = tables::register(&ctx, ws, joined_into).await?;
    if !tables::TABLES_READ.iter().any(|t| loaded.has(t)) {
        return Err(EngineError::MissingData(format!(
            "nothing to compute: none of the datasets the indicators read ({}) is loaded\n\nhint: `equalis ingest --workspace {} --dataset waiting_list FILE` (or population, events, admissions); `equalis status` lists what is loaded",
            tables::TABLES_READ.join(", "),
            ws.root().display()
        )));
    }
    let indicators = catalogue::load(ws.root())?;
    // Read before anything is computed, so a bad `outreach.toml` stops the run at once.
    let outreach_settings = outreach::Settings::load(ws.root())?;
    // Every definition is planned against the data before anything is computed, so a bad one
    // stops the run at once with its file named, and the previous results stay in place.
    let periods = periods::Periods::discover(&ctx, &loaded).await?;
    for i in &indicators {
        indicator::check(&ctx, &loaded, i, &periods).await?;
    }

    let mut metadata = Metadata {
        computed_at: jiff::Timestamp::now().to_string(),
        equalis_version: env!("CARGO_PKG_VERSION").to_owned(),
        iod_edition: loaded.iod_edition.clone(),
        datasets: loaded.datasets.clone(),
        indicators: BTreeMap::new(),
        definitions: BTreeMap::new(),
        skipped: BTreeMap::new(),
        organisations: ws.config().organisations.clone(),
    };
    let mut all_rows = Vec::new();
    let mut inequality = Vec::new();
    let mut spc = Vec::new();
    let mut summary = ComputeSummary::default();
    let total = indicators.len() + 3;
    let computed = match options.plan {
        Plan::OnePass => {
            onepass::run(&ctx, &loaded, &indicators, &periods, options, progress).await?
        }
        Plan::PerIndicator => {
            let mut out = Vec::with_capacity(indicators.len());
            for (n, i) in indicators.iter().enumerate() {
                progress(Event::Step {
                    id: &i.id,
                    done: n,
                    total,
                });
                let started = Instant::now();
                let outcome = per_indicator(&ctx, &loaded, i, &periods, options).await?;
                out.push(onepass::Computed {
                    outcome,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
            out
        }
    };
    for (n, (i, c)) in indicators.iter().zip(computed).enumerate() {
        if options.plan == Plan::OnePass {
            progress(Event::Step {
                id: &i.id,
                done: n,
                total,
            });
        }
        metadata.indicators.insert(i.id.clone(), i.info());
        metadata.definitions.insert(i.id.clone(), i.text.clone());
        let step = match c.outcome {
            indicator::Outcome::Computed(out) => {
                let rows = out.rows.len();
                all_rows.extend(out.rows);
                inequality.extend(out.inequality);
                spc.extend(out.spc);
                Step {
                    id: i.id.clone(),
                    rows,
                    seconds: c.seconds,
                    skipped: None,
                }
            }
            indicator::Outcome::Skipped(why) => Step {
                id: i.id.clone(),
                rows: 0,
                seconds: c.seconds,
                skipped: Some(why),
            },
        };
        summary.steps.push(step);
    }

    progress(Event::Step {
        id: "waiting list dashboard",
        done: indicators.len(),
        total,
    });
    let started = Instant::now();
    if loaded.has("waiting_list") {
        let out = waiting::run(&ctx, &periods, options).await?;
        for info in waiting::infos() {
            metadata.indicators.insert(info.id.clone(), info);
        }
        let rows = out.rows.len();
        all_rows.extend(out.rows);
        inequality.extend(out.inequality);
        spc.extend(out.spc);
        summary.steps.push(Step {
            id: "waiting list dashboard".into(),
            rows,
            seconds: started.elapsed().as_secs_f64(),
            skipped: None,
        });
    } else {
        summary.steps.push(Step {
            id: "waiting list dashboard".into(),
            rows: 0,
            seconds: 0.0,
            skipped: Some(
                "needs the `waiting_list` dataset (`equalis ingest --dataset waiting_list FILE`)"
                    .into(),
            ),
        });
    }

    // The outreach cohort and the registration gap are about registered people: they need
    // `population` itself.
    let needs_population =
        "needs the `population` dataset (`equalis ingest --dataset population FILE`)";
    progress(Event::Step {
        id: OUTREACH,
        done: indicators.len() + 1,
        total,
    });
    let started = Instant::now();
    let cohort = if loaded.has("population") {
        let cohort = outreach::run(&ctx, &loaded, &outreach_settings).await?;
        summary.steps.push(Step {
            id: OUTREACH.into(),
            rows: cohort.num_rows(),
            seconds: started.elapsed().as_secs_f64(),
            skipped: None,
        });
        Some(cohort)
    } else {
        summary.steps.push(Step {
            id: OUTREACH.into(),
            rows: 0,
            seconds: 0.0,
            skipped: Some(needs_population.into()),
        });
        None
    };

    progress(Event::Step {
        id: registration::ID,
        done: indicators.len() + 2,
        total,
    });
    let started = Instant::now();
    let gap = if loaded.has("population") {
        let gap = registration::run(&ctx, &loaded).await?;
        metadata
            .indicators
            .insert(registration::ID.to_owned(), registration::info());
        summary.steps.push(Step {
            id: registration::ID.into(),
            rows: gap.rows.len(),
            seconds: started.elapsed().as_secs_f64(),
            skipped: None,
        });
        all_rows.extend(gap.rows);
        Some(gap.table)
    } else {
        summary.steps.push(Step {
            id: registration::ID.into(),
            rows: 0,
            seconds: 0.0,
            skipped: Some(needs_population.into()),
        });
        None
    };

    for step in &summary.steps {
        if let Some(why) = &step.skipped {
            metadata.skipped.insert(step.id.clone(), why.clone());
        }
    }
    if summary.steps.iter().all(|s| s.skipped.is_some()) {
        let reasons: Vec<String> = summary
            .steps
            .iter()
            .map(|s| format!("  {}: {}", s.id, s.skipped.as_deref().unwrap_or("")))
            .collect();
        return Err(EngineError::MissingData(format!(
            "nothing could be computed from the datasets loaded:\n{}\n\nhint: ingest what they need, then run `equalis compute` again",
            reasons.join("\n")
        )));
    }

    progress(Event::Writing);
    let writer = ResultsWriter::begin(ws.root(), metadata)?;
    if let Some(cohort) = &cohort {
        writer.write_batch("outreach", cohort)?;
    }
    if let Some(gap) = &gap {
        writer.write_batch("registration_gap", gap)?;
    }
    writer.write_indicators(&all_rows)?;
    writer.write_inequality(&inequality)?;
    writer.write_spc(&spc)?;
    summary.rows = all_rows.len();
    summary.dir = writer.commit()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_are_read_in_powers_of_1024() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("65536"), Ok(65536));
        for bad in ["", "GiB", "2 parsecs", "-1G", "0", "1e400"] {
            let e = parse_size(bad).unwrap_err();
            assert!(e.contains("2GiB"), "{bad}: {e}");
        }
    }
}

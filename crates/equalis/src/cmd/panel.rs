//! `equalis panel`: select a Citizens' Panel by fair lottery, and replace drop-outs.
//!
//! The file formats (volunteers and quotas CSV, the JSON selection record), the texts and the
//! quotas from a footprint are `equalis_app::panel`'s; this module turns the flags into its
//! calls, shows a spinner while the lottery is found, and prints.
//!
//! Exit codes: 0 on success, 1 when the quotas cannot be met (each conflict is listed), and 2
//! for unreadable or malformed input (via `main`).

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use equalis_app::panel::{self, quotas::QuotasOptions};
use equalis_refdata::PlaceLevel;
use equalis_sortition::{Algorithm, Pool, Quotas, SortitionError};
use indicatif::ProgressBar;
use serde_json::Value;

use crate::cmd::output::Format as OutFormat;

/// Arguments of `equalis panel`.
#[derive(Debug, clap::Args)]
pub struct PanelArgs {
    #[command(subcommand)]
    command: PanelCommand,
}

#[derive(Debug, Subcommand)]
enum PanelCommand {
    /// Select a panel: quotas met, one per household, every volunteer's chance as equal as the
    /// quotas allow, drawn by a seeded lottery anyone can repeat
    Select(SelectArgs),
    /// Replace members who dropped out, restoring the quotas, from the rest of the pool
    Replace(ReplaceArgs),
    /// Quotas for a panel from the population of an ICS footprint (shipped ONS and Census
    /// data), as the quotas file `select` reads
    Quotas(QuotasArgs),
}

/// Inputs shared by `select` and `replace`.
#[derive(Debug, clap::Args)]
struct Common {
    /// Volunteers CSV: volunteer_id, household_id (optional), then one column per feature
    #[arg(long, value_name = "FILE")]
    volunteers: PathBuf,
    /// Quotas CSV: feature, value, min, max
    #[arg(long, value_name = "FILE")]
    quotas: PathBuf,
    /// Lottery seed; record it: the same files and seed always give the same panel
    #[arg(long)]
    seed: u64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct SelectArgs {
    #[command(flatten)]
    common: Common,
    /// Number of seats on the panel
    #[arg(long)]
    size: u32,
    /// How to spread selection chances over volunteers
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Maximin)]
    algorithm: AlgorithmArg,
}

#[derive(Debug, clap::Args)]
struct ReplaceArgs {
    #[command(flatten)]
    common: Common,
    /// The JSON record written by `equalis panel select --format json` (or by an earlier replace)
    #[arg(long, value_name = "FILE")]
    selection: PathBuf,
    /// Ids of the members who dropped out (comma-separated or repeated)
    #[arg(long, value_delimiter = ',', required = true, value_name = "ID")]
    dropped: Vec<String>,
    /// Algorithm for the replacements [default: the one in the record]
    #[arg(long, value_enum)]
    algorithm: Option<AlgorithmArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AlgorithmArg {
    /// Maximise the smallest selection probability
    Maximin,
    /// Maximin, then the next smallest probability, and so on
    Leximin,
    /// Maximise the product of selection probabilities
    Nash,
    /// The old greedy method, for comparison only
    Legacy,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Maximin => Algorithm::Maximin,
            AlgorithmArg::Leximin => Algorithm::Leximin,
            AlgorithmArg::Nash => Algorithm::Nash,
            AlgorithmArg::Legacy => Algorithm::Legacy,
        }
    }
}

/// Arguments of `equalis panel quotas`.
#[derive(Debug, clap::Args)]
pub struct QuotasArgs {
    /// ICB whose footprint the panel represents (ODS code like QK1, or E54…)
    #[arg(long)]
    ics: String,
    /// Number of seats on the panel
    #[arg(long)]
    size: u32,
    /// Features, named as the volunteers file's columns: sex, age_band, ethnic_group (or
    /// ethnicity), imd_quintile, place
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "sex,age_band,ethnic_group,imd_quintile"
    )]
    features: Vec<String>,
    /// What the volunteers' `place` names: local authority districts (as the synthetic
    /// volunteers) or sub-ICB locations
    #[arg(long, value_enum, default_value_t = Place::LocalAuthority)]
    place: Place,
    /// Seats of leeway each side of the rounded target
    #[arg(long, default_value_t = 1)]
    tolerance: u32,
    /// Age bands of the panel's adults, e.g. 16-29,30-44,45-64,65+ (the first band's lower
    /// age is the youngest resident counted for age and deprivation)
    #[arg(long, value_delimiter = ',', default_value = "16-29,30-44,45-64,65+")]
    age_bands: Vec<String>,
    /// Output: csv is the quotas file `panel select` reads; table and json add each value's
    /// population share, target and source
    #[arg(long, value_enum, default_value_t = OutFormat::Csv)]
    format: OutFormat,
    /// Write to this file instead of standard output
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The level of geography of `place`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Place {
    LocalAuthority,
    SubIcb,
}

impl From<Place> for PlaceLevel {
    fn from(p: Place) -> Self {
        match p {
            Place::LocalAuthority => PlaceLevel::LocalAuthority,
            Place::SubIcb => PlaceLevel::SubIcb,
        }
    }
}

/// Runs `equalis panel`.
pub fn run(args: PanelArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PanelCommand::Select(a) => select(a),
        PanelCommand::Replace(a) => replace(a),
        PanelCommand::Quotas(a) => quotas(a),
    }
}

fn select(args: SelectArgs) -> anyhow::Result<ExitCode> {
    let (pool, quotas) = load(&args.common)?;
    let spinner = lottery_spinner(format!(
        "Selecting {} of {} volunteers: finding the fairest lottery",
        args.size,
        pool.volunteers().len()
    ));
    let result = equalis_sortition::select(
        &pool,
        &quotas,
        args.size,
        args.algorithm.into(),
        args.common.seed,
    );
    spinner.finish_and_clear();
    let selection = match result {
        Ok(s) => s,
        Err(e) => return refuse(e, &args.common),
    };
    let out = match args.common.format {
        Format::Json => pretty(&panel::selection_json(&selection))?,
        Format::Table => panel::selection_table(&pool, &selection),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn replace(args: ReplaceArgs) -> anyhow::Result<ExitCode> {
    let (pool, quotas) = load(&args.common)?;
    let (panel, algorithm) = panel::read_record(
        &args.selection,
        &pool,
        &args.common.volunteers,
        args.algorithm.map(Algorithm::from),
    )?;
    let spinner = lottery_spinner(format!(
        "Replacing {} members: finding the fairest lottery",
        args.dropped.len()
    ));
    let result = equalis_sortition::replace(
        &pool,
        &quotas,
        &panel,
        &args.dropped,
        algorithm,
        args.common.seed,
    );
    spinner.finish_and_clear();
    let replacement = match result {
        Ok(r) => r,
        Err(e) => return refuse(e, &args.common),
    };
    let out = match args.common.format {
        Format::Json => pretty(&panel::replacement_json(&pool, &replacement))?,
        Format::Table => panel::replacement_table(&pool, &replacement),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Reports a selection the library refused: infeasible quotas get their own exit code (1) and
/// one line per conflict; everything else is an input error for `main` to report.
fn refuse(err: SortitionError, common: &Common) -> anyhow::Result<ExitCode> {
    match err {
        SortitionError::Infeasible(inf) => {
            eprintln!(
                "error: no panel can meet the quotas in `{}`:",
                common.quotas.display()
            );
            for c in &inf.conflicts {
                eprintln!("  - {c}");
            }
            eprintln!(
                "\nhint: lower the minimums or raise the maximums named above, or recruit more volunteers with those values"
            );
            Ok(ExitCode::from(1))
        }
        other => Err(anyhow::Error::new(other).context(format!(
            "checking `{}` against `{}`",
            common.volunteers.display(),
            common.quotas.display()
        ))),
    }
}

fn pretty(v: &Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(v)? + "\n")
}

/// A spinner on stderr while the lottery's distribution is found (tens of seconds for a pool
/// of thousands with many quota features, and the solver cannot say how far it has got).
pub(crate) fn lottery_spinner(message: String) -> ProgressBar {
    crate::cmd::output::spinner(message)
}

fn load(common: &Common) -> anyhow::Result<(Pool, Quotas)> {
    Ok(panel::load_files(&common.volunteers, &common.quotas)?)
}

/// The lottery spinner as the report's panel page hears of the lottery.
#[derive(Default)]
pub(crate) struct Spinner(RefCell<Option<ProgressBar>>);

impl equalis_app::Progress for Spinner {
    fn start(&self, message: String) {
        *self.0.borrow_mut() = Some(lottery_spinner(message));
    }
    fn finish(&self) {
        if let Some(bar) = self.0.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

/// Runs `equalis panel quotas`.
fn quotas(args: QuotasArgs) -> anyhow::Result<ExitCode> {
    let opts = QuotasOptions {
        ics: args.ics,
        size: args.size,
        features: args.features,
        place: args.place.into(),
        tolerance: args.tolerance,
        age_bands: args.age_bands,
    };
    let rows = panel::quotas::quotas(&opts)?;
    let mut text: Vec<u8> = Vec::new();
    panel::quotas::write(&mut text, args.format.into(), &opts, &rows)?;
    match &args.out {
        Some(p) => std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?,
        None => {
            use std::io::Write as _;
            let mut o = std::io::stdout().lock();
            o.write_all(&text)?;
            o.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `equalis stats <method>`: the statistics library on a CSV file, for analysts and for scripted
//! validation against PHEindicatormethods.
//!
//! Input is a CSV with a header (`--input`). Output is CSV on stdout or `--output`. With
//! `--group-by A,B` there is one output row per group (counts and populations summed within
//! it), group columns first, groups in order of first appearance. Result columns follow
//! PHEindicatormethods: `value, lowercl, uppercl` for one confidence level, or `lower95_0cl,
//! upper95_0cl, lower99_8cl, upper99_8cl` for `--confidence 0.95,0.998`, then `confidence,
//! statistic, method`, and always a final `note` column, empty unless a number is missing or
//! its input needed attention (a stable set of columns is easier for scripts than one that
//! varies).
//!
//! One rule for blank and invalid cells, in every method ([`table::Cells`]): a cell a result
//! needs that is blank (or `NA`) or not a number is never skipped or half-counted; that result
//! is left blank, its note names the rows and columns, and every other result is calculated
//! ([`AFTER_HELP`] says it for users). The exit status is 3 when any result's input needed
//! attention, so a script notices; one bad area in a file of thousands costs only its own row.
//!
//! This module only parses arguments and runs the method; `table` reads the CSV and applies the
//! rule, `output` shapes the CSV; every number comes from `equalis-stats`.

mod chart;
mod compare;
mod crude;
mod inequality;
mod output;
mod standardised;
mod table;

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use equalis_stats::Levels;

use output::Output;
use table::{Table, rows_text};

/// What every method's `--help` says about blank cells and the exit status.
const AFTER_HELP: &str = "\
Blank and invalid cells: a cell the method needs that is blank (or NA) or not a number is never \
skipped or half-counted. The result it belongs to is left blank and its `note` names the rows \
and columns; every other result is calculated. A result made from a group of rows (proportion, \
rate, mean, dsr, isr, life-expectancy, sii, rate-ratio, risk-ratio, gap) is blank when any of \
its rows is; quantile and funnel leave out only that row (from the ranking, or the funnel's \
average); an SPC chart with a blank point is not drawn. As in PHEindicatormethods, a blank count \
of events in dsr and isr is 0 events, and the note says so.

Exit status: 0 every result calculated from complete input (a method may still withhold a value, \
e.g. a DSR of fewer than 10 events, with the reason in `note`); 3 some input rows need \
attention (see `note` and the warning on stderr); 2 the file or the options could not be used.";

/// Arguments of `equalis stats`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct StatsArgs {
    #[command(subcommand)]
    method: Method,
}

/// Options every method shares.
#[derive(Debug, clap::Args)]
struct Common {
    /// Input CSV file with a header row; a blank cell (or NA) is a missing value
    #[arg(long)]
    input: PathBuf,
    /// Write the result to this file instead of stdout
    #[arg(long)]
    output: Option<PathBuf>,
    /// Columns to group by, comma-separated; one output row per group
    #[arg(long, value_delimiter = ',')]
    group_by: Vec<String>,
    /// Confidence level (0.90-0.999 or 90-99.9), or the pair 0.95,0.998
    #[arg(long, value_delimiter = ',', default_value = "0.95")]
    confidence: Vec<f64>,
}

#[derive(Debug, Subcommand)]
enum Method {
    /// Proportion with Wilson score limits (phe_proportion)
    #[command(after_help = AFTER_HELP)]
    Proportion(crude::ProportionArgs),
    /// Crude rate with exact (<10 events) or Byar's limits (phe_rate)
    #[command(after_help = AFTER_HELP)]
    Rate(crude::RateArgs),
    /// Mean with Student's t limits (phe_mean)
    #[command(after_help = AFTER_HELP)]
    Mean(crude::MeanArgs),
    /// Directly standardised rate with Dobson limits (calculate_dsr)
    #[command(after_help = AFTER_HELP)]
    Dsr(standardised::DsrArgs),
    /// Indirectly standardised ratio or rate (calculate_ISRatio, calculate_ISRate)
    #[command(after_help = AFTER_HELP)]
    Isr(standardised::IsrArgs),
    /// Life expectancy, Chiang II with Silcocks (phe_life_expectancy)
    #[command(after_help = AFTER_HELP)]
    LifeExpectancy(standardised::LifeExpectancyArgs),
    /// Assign quantiles, OHID method (phe_quantile)
    #[command(after_help = AFTER_HELP)]
    Quantile(inequality::QuantileArgs),
    /// Slope and relative index of inequality (phe_sii)
    #[command(after_help = AFTER_HELP)]
    Sii(inequality::SiiArgs),
    /// XmR chart with Making Data Count rules (NHSRplotthedots ptd_spc)
    #[command(after_help = AFTER_HELP)]
    Spc(chart::SpcArgs),
    /// Funnel plot limits and significance (calculate_funnel_limits)
    #[command(after_help = AFTER_HELP)]
    Funnel(chart::FunnelArgs),
    /// Rate ratio of each group against a reference group
    #[command(after_help = AFTER_HELP)]
    RateRatio(compare::RatioArgs),
    /// Risk ratio (ratio of proportions) against a reference group
    #[command(after_help = AFTER_HELP)]
    RiskRatio(compare::RatioArgs),
    /// Absolute and relative gap between each group and a reference group
    #[command(after_help = AFTER_HELP)]
    Gap(compare::GapArgs),
}

impl Method {
    /// The options every method shares.
    fn common(&self) -> &Common {
        match self {
            Method::Proportion(a) => &a.common,
            Method::Rate(a) => &a.common,
            Method::Mean(a) => &a.common,
            Method::Dsr(a) => &a.common,
            Method::Isr(a) => &a.common,
            Method::LifeExpectancy(a) => &a.common,
            Method::Quantile(a) => &a.common,
            Method::Sii(a) => &a.common,
            Method::Spc(a) => &a.common,
            Method::Funnel(a) => &a.common,
            Method::RateRatio(a) | Method::RiskRatio(a) => &a.common,
            Method::Gap(a) => &a.common,
        }
    }

    /// Runs the method on the table.
    fn compute(&self, t: &Table, levels: &Levels) -> Result<Output> {
        match self {
            Method::Proportion(a) => crude::proportion(a, t, levels),
            Method::Rate(a) => crude::rate(a, t, levels),
            Method::Mean(a) => crude::mean(a, t, levels),
            Method::Dsr(a) => standardised::dsr(a, t, levels),
            Method::Isr(a) => standardised::isr(a, t, levels),
            Method::LifeExpectancy(a) => standardised::life_expectancy(a, t, levels),
            Method::Quantile(a) => inequality::quantile(a, t),
            Method::Sii(a) => inequality::sii(a, t, levels),
            Method::Spc(a) => chart::spc(a, t),
            Method::Funnel(a) => chart::funnel(a, t),
            Method::RateRatio(a) => compare::rate_ratio(a, t, levels),
            Method::RiskRatio(a) => compare::risk_ratio(a, t, levels),
            Method::Gap(a) => compare::gap(a, t, levels),
        }
    }
}

/// Runs `equalis stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode> {
    let common = args.method.common();
    let table = Table::read(&common.input)?;
    let levels = Levels::parse(&common.confidence).context("invalid --confidence")?;
    let out = args.method.compute(&table, &levels)?;
    let sink: Box<dyn Write> = match &common.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(sink);
    writer.write_record(&out.header)?;
    for row in &out.rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    match attention_summary(&out) {
        Some(warning) => {
            eprintln!("warning: {warning}");
            Ok(ExitCode::from(3))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// One line for stderr when some results' input needs attention.
fn attention_summary(out: &Output) -> Option<String> {
    let a = &out.attention;
    if a.results == 0 {
        return None;
    }
    let mut what = Vec::new();
    if a.not_calculated > 0 {
        what.push(format!(
            "{} of {} results not calculated",
            a.not_calculated,
            out.rows.len()
        ));
    }
    let zeroed = a.results - a.not_calculated;
    if zeroed > 0 {
        what.push(format!("{zeroed} calculated reading blank counts as 0"));
    }
    let lines: Vec<u64> = a.lines.iter().copied().collect();
    let from = if lines.is_empty() {
        " because their values are invalid".to_string()
    } else {
        format!(
            " because of blank or invalid cells in input {}",
            rows_text(&lines)
        )
    };
    Some(format!(
        "{}{from}; the `note` column says why and what to fix",
        what.join(", ")
    ))
}

#[cfg(test)]
mod tests;

//! `equalis stats <method>`: the statistics library on a CSV file, for analysts and for scripted
//! validation against PHEindicatormethods.
//!
//! Input is a CSV with a header (`--input`); an empty cell is a missing value. Output is CSV on
//! stdout or `--output`. With `--group-by A,B` there is one output row per group (counts and
//! populations summed within it), group columns first, groups in order of first appearance.
//! Result columns follow PHEindicatormethods: `value, lowercl, uppercl` for one confidence level,
//! or `lower95_0cl, upper95_0cl, lower99_8cl, upper99_8cl` for `--confidence 0.95,0.998`, then
//! `confidence, statistic, method`, and always a final `reason` column that is empty unless a
//! number is missing (a stable set of columns is easier for scripts than one that varies).
//!
//! This module only parses, groups and formats: every number comes from `equalis-stats`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use equalis_stats as st;
use equalis_stats::{Estimate, Levels, Reason};

/// Arguments of `equalis stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(subcommand)]
    method: Method,
}

/// Options every method shares.
#[derive(Debug, clap::Args)]
struct Common {
    /// Input CSV file with a header row; an empty cell is a missing value
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
    Proportion {
        #[command(flatten)]
        common: Common,
        /// Numerator column (summed within each group)
        #[arg(long)]
        numerator: String,
        /// Denominator column (summed within each group)
        #[arg(long)]
        denominator: String,
        /// Multiply the statistic and its limits by this
        #[arg(long, default_value_t = 1.0)]
        multiplier: f64,
    },
    /// Crude rate with exact (<10 events) or Byar's limits (phe_rate)
    Rate {
        #[command(flatten)]
        common: Common,
        /// Numerator column (summed within each group)
        #[arg(long)]
        numerator: String,
        /// Denominator column (summed within each group)
        #[arg(long)]
        denominator: String,
        /// Multiply the statistic and its limits by this
        #[arg(long, default_value_t = 100_000.0)]
        multiplier: f64,
    },
    /// Mean with Student's t limits (phe_mean)
    Mean {
        #[command(flatten)]
        common: Common,
        /// Value column
        #[arg(long)]
        value: String,
    },
    /// Directly standardised rate with Dobson limits (calculate_dsr)
    Dsr {
        #[command(flatten)]
        common: Common,
        /// Count column (one row per age band)
        #[arg(long)]
        count: String,
        /// Population column
        #[arg(long)]
        population: String,
        /// Standard population column (e.g. ESP2013 per band)
        #[arg(long)]
        standard_population: String,
        /// Multiply the statistic and its limits by this
        #[arg(long, default_value_t = 100_000.0)]
        multiplier: f64,
        /// Age band column (needed with --event-frequency)
        #[arg(long, requires = "event_frequency")]
        age_band: Option<String>,
        /// Events per person; --count then holds the people with that many events
        #[arg(long, requires = "age_band")]
        event_frequency: Option<String>,
    },
    /// Indirectly standardised ratio or rate (calculate_ISRatio, calculate_ISRate)
    Isr {
        #[command(flatten)]
        common: Common,
        /// Count column (one row per age band)
        #[arg(long)]
        count: String,
        /// Population column
        #[arg(long)]
        population: String,
        /// Reference count column (per age band)
        #[arg(long)]
        ref_count: String,
        /// Reference population column (per age band)
        #[arg(long)]
        ref_population: String,
        /// Indirectly standardised ratio (O/E x ref value)
        #[arg(long, conflicts_with = "rate", required_unless_present = "rate")]
        ratio: bool,
        /// Indirectly standardised rate (O/E x reference rate)
        #[arg(long)]
        rate: bool,
        /// Reference value for a ratio (100 gives an SMR)
        #[arg(long, default_value_t = 1.0)]
        ref_value: f64,
        /// Multiply the statistic and its limits by this
        #[arg(long, default_value_t = 100_000.0)]
        multiplier: f64,
    },
    /// Life expectancy, Chiang II with Silcocks (phe_life_expectancy)
    LifeExpectancy {
        #[command(flatten)]
        common: Common,
        /// Deaths column (one row per age band)
        #[arg(long)]
        deaths: String,
        /// Population column
        #[arg(long)]
        population: String,
        /// Start age of each band (0, 1, 5, ..., 90, or fewer bands ending at, e.g., 85)
        #[arg(long)]
        start_age: String,
    },
    /// Assign quantiles, OHID method (phe_quantile)
    Quantile {
        #[command(flatten)]
        common: Common,
        /// Value column
        #[arg(long)]
        value: String,
        /// Number of quantiles
        #[arg(long)]
        quantiles: u32,
        /// Highest value in quantile 1
        #[arg(long, conflicts_with = "invert_column")]
        invert: bool,
        /// Column saying, per group, whether to invert (TRUE/FALSE)
        #[arg(long)]
        invert_column: Option<String>,
    },
    /// Slope and relative index of inequality (phe_sii)
    Sii {
        #[command(flatten)]
        common: Common,
        /// Quantile column; 1 is the most disadvantaged
        #[arg(long)]
        quantile: String,
        /// Population column
        #[arg(long)]
        population: String,
        /// Value column
        #[arg(long)]
        value: String,
        /// Standard error column (on the values' own scale)
        #[arg(long, required_unless_present_all = ["lower_cl", "upper_cl"])]
        se: Option<String>,
        /// Lower 95% confidence limit column (instead of --se)
        #[arg(long, requires = "upper_cl", conflicts_with = "se")]
        lower_cl: Option<String>,
        /// Upper 95% confidence limit column (instead of --se)
        #[arg(long, requires = "lower_cl")]
        upper_cl: Option<String>,
        /// 0 any value, 1 rate, 2 proportion
        #[arg(long, default_value_t = 0)]
        value_type: u8,
        /// Fit on the log (rates) or logit (proportions) scale
        #[arg(long)]
        transform: bool,
        /// Also report the relative index of inequality
        #[arg(long)]
        rii: bool,
        /// Also report the intercept
        #[arg(long)]
        intercept: bool,
        /// Multiply the statistic and its limits by this
        #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
        multiplier: f64,
        /// Monte Carlo repetitions (at least 1000)
        #[arg(long, default_value_t = 100_000)]
        repetitions: usize,
        /// Random seed; the same seed gives the same limits
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// XmR chart with Making Data Count rules (NHSRplotthedots ptd_spc)
    Spc {
        #[command(flatten)]
        common: Common,
        /// Value column
        #[arg(long)]
        value: String,
        /// Date column; rows are charted in date order (ISO dates sort correctly)
        #[arg(long)]
        date: String,
        /// Column with one chart per value (e.g. ward)
        #[arg(long)]
        facet: Option<String>,
        /// Column that is TRUE (or 1) on the first point of each new period
        #[arg(long)]
        rebase: Option<String>,
        /// Compute each period's limits from its first N points
        #[arg(long)]
        fix_after: Option<usize>,
        /// Which direction is improvement
        #[arg(long, value_enum, default_value_t = Improvement::Increase)]
        improvement: Improvement,
        /// Target for the assurance of the last point
        #[arg(long, allow_hyphen_values = true)]
        target: Option<f64>,
        /// Screen moving ranges above 3.267 x mean (true/false)
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        screen_outliers: bool,
        /// Count only points between 2 and 3 sigma (package) or all beyond 2 sigma (mdc2023)
        #[arg(long, value_enum, default_value_t = Rule2of3Arg::Package)]
        rule_2of3: Rule2of3Arg,
        /// Points in a shift: 7 or 6
        #[arg(long, default_value_t = 7)]
        run_length: usize,
    },
    /// Funnel plot limits and significance (calculate_funnel_limits)
    Funnel {
        #[command(flatten)]
        common: Common,
        /// Numerator (observed count for ratios)
        #[arg(long)]
        numerator: String,
        /// Denominator (expected count for ratios, population for rates)
        #[arg(long)]
        denominator: String,
        /// Statistic of the funnel or gap
        #[arg(long, value_enum)]
        statistic: FunnelStatistic,
        /// Multiply the statistic and its limits by this
        #[arg(long)]
        multiplier: Option<f64>,
        /// Years of data pooled in a rate's denominator
        #[arg(long, default_value_t = 1.0)]
        years_of_data: f64,
    },
    /// Rate ratio of each group against a reference group
    RateRatio {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        compare: Compare,
    },
    /// Risk ratio (ratio of proportions) against a reference group
    RiskRatio {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        compare: Compare,
    },
    /// Absolute and relative gap between each group and a reference group
    Gap {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        compare: Compare,
        /// Statistic of the funnel or gap
        #[arg(long, value_enum)]
        statistic: GapStatistic,
        /// Multiply the statistic and its limits by this
        #[arg(long)]
        multiplier: Option<f64>,
    },
}

impl Method {
    /// The options every method shares.
    fn common(&self) -> &Common {
        match self {
            Method::Proportion { common, .. }
            | Method::Rate { common, .. }
            | Method::Mean { common, .. }
            | Method::Dsr { common, .. }
            | Method::Isr { common, .. }
            | Method::LifeExpectancy { common, .. }
            | Method::Quantile { common, .. }
            | Method::Sii { common, .. }
            | Method::Spc { common, .. }
            | Method::Funnel { common, .. }
            | Method::RateRatio { common, .. }
            | Method::RiskRatio { common, .. }
            | Method::Gap { common, .. } => common,
        }
    }
}

/// Options of the two-group comparisons.
#[derive(Debug, clap::Args)]
struct Compare {
    /// Numerator column (summed within each group)
    #[arg(long)]
    numerator: String,
    /// Denominator column (summed within each group)
    #[arg(long)]
    denominator: String,
    /// Column whose values are compared (e.g. deprivation quintile)
    #[arg(long)]
    compare_by: String,
    /// Value of --compare-by that is the comparator
    #[arg(long)]
    reference: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Improvement {
    Increase,
    Decrease,
    Neutral,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Rule2of3Arg {
    Package,
    Mdc2023,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FunnelStatistic {
    Proportion,
    Ratio,
    Rate,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GapStatistic {
    Proportion,
    Rate,
}

/// Runs `equalis stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode> {
    let common = args.method.common();
    let output = common.output.clone();
    let table = Table::read(&common.input)?;
    let levels = Levels::parse(&common.confidence).context("invalid --confidence")?;
    let out = compute(&args.method, &table, common, &levels)?;
    let sink: Box<dyn Write> = match &output {
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
    Ok(ExitCode::SUCCESS)
}

/// The input CSV.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &PathBuf) -> Result<Self> {
        let mut reader = csv::Reader::from_path(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record
                .with_context(|| format!("`{}`: row {} is not valid CSV", path.display(), i + 2))?;
            rows.push(record.iter().map(|s| s.trim().to_string()).collect());
        }
        Ok(Self {
            path: path.clone(),
            header,
            rows,
        })
    }

    /// Index of a column, or an error that lists the columns found.
    fn column(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|h| h == name).with_context(|| {
            format!(
                "`{}`: column `{name}` is missing (found: {})",
                self.path.display(),
                self.header.join(", ")
            )
        })
    }

    /// A number, `None` for an empty cell, or an error naming the row and column.
    fn number(&self, row: usize, col: usize) -> Result<Option<f64>> {
        let cell = &self.rows[row][col];
        if cell.is_empty() || cell.eq_ignore_ascii_case("na") {
            return Ok(None);
        }
        cell.parse().map(Some).with_context(|| {
            format!(
                "`{}`: row {}, column `{}`: `{cell}` is not a number",
                self.path.display(),
                row + 2,
                self.header[col]
            )
        })
    }

    /// Rows grouped by the `group_by` columns, in order of first appearance.
    fn groups(&self, group_by: &[String]) -> Result<Vec<(Vec<String>, Vec<usize>)>> {
        let cols: Vec<usize> = group_by
            .iter()
            .map(|g| self.column(g))
            .collect::<Result<_>>()?;
        let mut index: HashMap<Vec<String>, usize> = HashMap::new();
        let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let key: Vec<String> = cols.iter().map(|&c| row[c].clone()).collect();
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[slot].1.push(r);
        }
        Ok(groups)
    }

    /// Sum of a column over rows, ignoring missing cells; `None` if every cell is missing.
    fn sum(&self, rows: &[usize], col: usize) -> Result<Option<f64>> {
        let mut total = None;
        for &r in rows {
            if let Some(v) = self.number(r, col)? {
                *total.get_or_insert(0.0) += v;
            }
        }
        Ok(total)
    }

    /// One number per row, missing as `None`.
    fn numbers(&self, rows: &[usize], col: usize) -> Result<Vec<Option<f64>>> {
        rows.iter().map(|&r| self.number(r, col)).collect()
    }
}

/// The output CSV.
struct Output {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn fmt(v: f64) -> String {
    format!("{v}")
}

fn fmt_result(v: Result<f64, Reason>) -> String {
    v.map(fmt).unwrap_or_default()
}

/// Column names of the limits, PHEindicatormethods style, with an optional prefix.
fn limit_columns(levels: &Levels, prefix: &str) -> Vec<String> {
    match levels.as_slice() {
        [_] => vec![format!("{prefix}lowercl"), format!("{prefix}uppercl")],
        many => many
            .iter()
            .flat_map(|c| {
                let s = c.column_suffix();
                [format!("{prefix}lower{s}cl"), format!("{prefix}upper{s}cl")]
            })
            .collect(),
    }
}

fn confidence_label(levels: &Levels) -> String {
    levels
        .as_slice()
        .iter()
        .map(|c| format!("{}%", c.level() * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Value, limits and the first reason any of them is missing.
fn estimate_cells(e: &Estimate) -> (Vec<String>, Option<Reason>) {
    let mut cells = vec![fmt_result(e.value)];
    let mut reason = e.value.err();
    for i in e.intervals() {
        cells.push(fmt_result(i.lower));
        cells.push(fmt_result(i.upper));
        reason = reason.or(i.lower.err()).or(i.upper.err());
    }
    (cells, reason)
}

/// Builds the standard output: group columns, extra columns, value and limits, confidence,
/// statistic, method, reason.
struct Standard<'a> {
    levels: &'a Levels,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl<'a> Standard<'a> {
    fn new(group_by: &[String], extra: &[&str], levels: &'a Levels) -> Self {
        let mut header: Vec<String> = group_by.to_vec();
        header.extend(extra.iter().map(|s| s.to_string()));
        header.push("value".into());
        header.extend(limit_columns(levels, ""));
        header.extend(["confidence", "statistic", "method", "reason"].map(String::from));
        Self {
            levels,
            header,
            rows: Vec::new(),
        }
    }

    fn push(
        &mut self,
        key: &[String],
        extra: Vec<String>,
        result: Result<Estimate, String>,
        statistic: &str,
    ) {
        let mut row: Vec<String> = key.to_vec();
        row.extend(extra);
        match result {
            Ok(e) => {
                let (cells, reason) = estimate_cells(&e);
                row.extend(cells);
                row.extend([
                    confidence_label(self.levels),
                    statistic.to_string(),
                    e.method.label().to_string(),
                    reason.map(|r| r.to_string()).unwrap_or_default(),
                ]);
            }
            Err(reason) => {
                row.extend(std::iter::repeat_n(
                    String::new(),
                    1 + 2 * self.levels.as_slice().len(),
                ));
                row.extend([
                    confidence_label(self.levels),
                    statistic.to_string(),
                    String::new(),
                    reason,
                ]);
            }
        }
        self.rows.push(row);
    }

    fn finish(self) -> Output {
        Output {
            header: self.header,
            rows: self.rows,
        }
    }
}

const MISSING: &str = "not calculated: value is missing";

fn compute(method: &Method, t: &Table, common: &Common, levels: &Levels) -> Result<Output> {
    let group_by = &common.group_by;
    let groups = t.groups(group_by)?;
    match method {
        Method::Proportion {
            numerator,
            denominator,
            multiplier,
            ..
        }
        | Method::Rate {
            numerator,
            denominator,
            multiplier,
            ..
        } => {
            let is_rate = matches!(method, Method::Rate { .. });
            let (xc, nc) = (t.column(numerator)?, t.column(denominator)?);
            let statistic = match (is_rate, *multiplier) {
                (true, m) => format!("rate per {m}"),
                (false, 100.0) => "percentage".to_string(),
                (false, m) => format!("proportion of {m}"),
            };
            let mut out = Standard::new(group_by, &[numerator, denominator], levels);
            for (key, rows) in &groups {
                let (x, n) = (t.sum(rows, xc)?, t.sum(rows, nc)?);
                let extra = vec![
                    x.map(fmt).unwrap_or_default(),
                    n.map(fmt).unwrap_or_default(),
                ];
                let result = match (x, n) {
                    (Some(x), Some(n)) if is_rate => Ok(st::rate(x, n, levels, *multiplier)?),
                    (Some(x), Some(n)) => Ok(st::proportion(x, n, levels, *multiplier)?),
                    _ => Err(MISSING.to_string()),
                };
                out.push(key, extra, result, &statistic);
            }
            Ok(out.finish())
        }
        Method::Mean { value, .. } => {
            let vc = t.column(value)?;
            let mut out = Standard::new(group_by, &["value_sum", "value_count", "stdev"], levels);
            for (key, rows) in &groups {
                let m = st::mean(&t.numbers(rows, vc)?, levels)?;
                let extra = vec![
                    fmt(m.value_sum),
                    m.value_count.to_string(),
                    fmt_result(m.stdev),
                ];
                out.push(key, extra, Ok(m.estimate), "mean");
            }
            Ok(out.finish())
        }
        Method::Dsr {
            count,
            population,
            standard_population,
            multiplier,
            age_band,
            event_frequency,
            ..
        } => {
            let (xc, nc, wc) = (
                t.column(count)?,
                t.column(population)?,
                t.column(standard_population)?,
            );
            let statistic = format!("dsr per {multiplier}");
            let mut out = Standard::new(group_by, &["total_count", "total_pop"], levels);
            for (key, rows) in &groups {
                let required = |c: usize| -> Result<Vec<f64>> {
                    rows.iter()
                        .map(|&r| {
                            t.number(r, c)?.with_context(|| {
                                format!(
                                    "row {}: `{}` is missing; a DSR needs every band's populations",
                                    r + 2,
                                    t.header[c]
                                )
                            })
                        })
                        .collect()
                };
                let counts: Vec<f64> = t
                    .numbers(rows, xc)?
                    .into_iter()
                    .map(|v| v.unwrap_or(0.0))
                    .collect();
                let result = match (age_band, event_frequency) {
                    (Some(band), Some(freq)) => {
                        let (bc, fc) = (t.column(band)?, t.column(freq)?);
                        // One population and standard population per age band, from its first row.
                        let mut bands: Vec<String> = Vec::new();
                        let (mut pops, mut std) = (Vec::new(), Vec::new());
                        let mut data = Vec::new();
                        for (i, &r) in rows.iter().enumerate() {
                            let label = &t.rows[r][bc];
                            let b = match bands.iter().position(|x| x == label) {
                                Some(b) => b,
                                None => {
                                    bands.push(label.clone());
                                    pops.push(required(nc)?[i]);
                                    std.push(required(wc)?[i]);
                                    bands.len() - 1
                                }
                            };
                            let frequency = t.number(r, fc)?.unwrap_or(0.0);
                            data.push(st::EventFrequencyRow {
                                age_band: b,
                                frequency,
                                persons: counts[i],
                            });
                        }
                        let total: f64 = data.iter().map(|d| d.frequency * d.persons).sum();
                        let pop: f64 = pops.iter().sum();
                        let e = st::dsr_non_independent(&data, &pops, &std, levels, *multiplier)?;
                        out.push(key, vec![fmt(total), fmt(pop)], Ok(e), &statistic);
                        continue;
                    }
                    _ => st::dsr(&counts, &required(nc)?, &required(wc)?, levels, *multiplier)?,
                };
                let extra = vec![fmt(counts.iter().sum()), fmt(required(nc)?.iter().sum())];
                out.push(key, extra, Ok(result), &statistic);
            }
            Ok(out.finish())
        }
        Method::Isr {
            count,
            population,
            ref_count,
            ref_population,
            rate,
            ref_value,
            multiplier,
            ..
        } => {
            let cols = [
                t.column(count)?,
                t.column(population)?,
                t.column(ref_count)?,
                t.column(ref_population)?,
            ];
            let statistic = if *rate {
                format!("indirectly standardised rate per {multiplier}")
            } else {
                format!("indirectly standardised ratio x {ref_value}")
            };
            let mut out = Standard::new(group_by, &["observed", "expected"], levels);
            for (key, rows) in &groups {
                let observed = t.sum(rows, cols[0])?.unwrap_or(0.0);
                let col = |c: usize| -> Result<Vec<f64>> {
                    Ok(t.numbers(rows, c)?
                        .into_iter()
                        .map(|v| v.unwrap_or(0.0))
                        .collect())
                };
                let (n, xr, nr) = (col(cols[1])?, col(cols[2])?, col(cols[3])?);
                let expected = st::expected_count(&n, &xr, &nr)?;
                let e = if *rate {
                    st::isr_rate(observed, &n, &xr, &nr, levels, *multiplier)?
                } else {
                    st::isr_ratio(observed, &n, &xr, &nr, levels, *ref_value)?
                };
                out.push(key, vec![fmt(observed), fmt(expected)], Ok(e), &statistic);
            }
            Ok(out.finish())
        }
        Method::LifeExpectancy {
            deaths,
            population,
            start_age,
            ..
        } => {
            let (dc, pc, ac) = (
                t.column(deaths)?,
                t.column(population)?,
                t.column(start_age)?,
            );
            let extra = ["startage", "pops_used", "dths_used"];
            let mut out = Standard::new(group_by, &extra, levels);
            for (key, rows) in &groups {
                let mut sorted = rows.clone();
                let age = |r: usize| t.number(r, ac).ok().flatten().unwrap_or(f64::NAN);
                sorted.sort_by(|&a, &b| age(a).total_cmp(&age(b)));
                let need = |c: usize| -> Result<Vec<f64>> {
                    sorted
                        .iter()
                        .map(|&r| {
                            t.number(r, c)?.with_context(|| {
                                format!("row {}: `{}` is missing", r + 2, t.header[c])
                            })
                        })
                        .collect()
                };
                let (ages, d, p) = (need(ac)?, need(dc)?, need(pc)?);
                let les = st::life_expectancy(&ages, &d, &p, levels)?;
                for (i, le) in les.into_iter().enumerate() {
                    // As the package reports: population and deaths at and above this age.
                    let pops_used: f64 = p[i..].iter().sum();
                    let dths_used: f64 = d[i..].iter().sum();
                    out.push(
                        key,
                        vec![fmt(le.start_age), fmt(pops_used), fmt(dths_used)],
                        Ok(le.estimate),
                        &format!("life expectancy at {}", le.start_age),
                    );
                }
            }
            Ok(out.finish())
        }
        Method::Quantile {
            value,
            quantiles,
            invert,
            invert_column,
            ..
        } => {
            let vc = t.column(value)?;
            let ic = invert_column.as_deref().map(|c| t.column(c)).transpose()?;
            let mut assigned: Vec<(String, String)> =
                vec![(String::new(), String::new()); t.rows.len()];
            for (_, rows) in &groups {
                let inv = match ic {
                    Some(c) => truthy(&t.rows[rows[0]][c]),
                    None => *invert,
                };
                let q = st::assign_quantiles(&t.numbers(rows, vc)?, *quantiles, inv)?;
                for (&r, q) in rows.iter().zip(q) {
                    assigned[r] = match q {
                        Ok(q) => (q.to_string(), String::new()),
                        Err(reason) => (String::new(), reason.to_string()),
                    };
                }
            }
            let mut header = t.header.clone();
            header.extend(["quantile".to_string(), "reason".to_string()]);
            let rows = t
                .rows
                .iter()
                .zip(assigned)
                .map(|(row, (q, reason))| {
                    let mut row = row.clone();
                    row.extend([q, reason]);
                    row
                })
                .collect();
            Ok(Output { header, rows })
        }
        Method::Sii {
            quantile,
            population,
            value,
            se,
            lower_cl,
            upper_cl,
            value_type,
            transform,
            rii,
            intercept,
            multiplier,
            repetitions,
            seed,
            ..
        } => {
            let (qc, pc, vc) = (t.column(quantile)?, t.column(population)?, t.column(value)?);
            let sec = se.as_deref().map(|c| t.column(c)).transpose()?;
            let lc = lower_cl.as_deref().map(|c| t.column(c)).transpose()?;
            let uc = upper_cl.as_deref().map(|c| t.column(c)).transpose()?;
            let mut header: Vec<String> = group_by.clone();
            header.push("sii".into());
            header.extend(limit_columns(levels, "sii_"));
            if *rii {
                header.push("rii".into());
                header.extend(limit_columns(levels, "rii_"));
            }
            if *intercept {
                header.push("intercept".into());
            }
            header.extend(["confidence", "method", "reason"].map(String::from));
            let options = st::SiiOptions {
                value_type: st::ValueType::from_code(*value_type)?,
                transform: *transform,
                multiplier: *multiplier,
                repetitions: *repetitions,
                seed: *seed,
                levels: *levels,
            };
            let mut out_rows = Vec::new();
            for (key, rows) in &groups {
                let mut sorted = rows.clone();
                let q = |r: usize| t.number(r, qc).ok().flatten().unwrap_or(f64::NAN);
                sorted.sort_by(|&a, &b| q(a).total_cmp(&q(b)));
                let need = |c: usize| -> Result<Vec<f64>> {
                    sorted
                        .iter()
                        .map(|&r| {
                            t.number(r, c)?.with_context(|| {
                                format!(
                                    "row {}: `{}` is missing; SII needs complete quantile sets",
                                    r + 2,
                                    t.header[c]
                                )
                            })
                        })
                        .collect()
                };
                let (pops, vals) = (need(pc)?, need(vc)?);
                let (se_v, lo_v, up_v);
                let errors = match (sec, lc, uc) {
                    (Some(c), _, _) => {
                        se_v = need(c)?;
                        st::StandardErrors::Se(&se_v)
                    }
                    (None, Some(l), Some(u)) => {
                        lo_v = need(l)?;
                        up_v = need(u)?;
                        st::StandardErrors::Limits {
                            lower: &lo_v,
                            upper: &up_v,
                        }
                    }
                    _ => bail!("give --se, or both --lower-cl and --upper-cl"),
                };
                let r = st::sii(&pops, &vals, errors, &options).with_context(|| {
                    if key.is_empty() {
                        "all rows".to_string()
                    } else {
                        format!("group `{}`", key.join(", "))
                    }
                })?;
                let mut row = key.clone();
                let (cells, mut reason) = estimate_cells(&r.sii);
                row.extend(cells);
                if *rii {
                    let (cells, why) = estimate_cells(&r.rii);
                    row.extend(cells);
                    reason = reason.or(why);
                }
                if *intercept {
                    row.push(fmt_result(r.intercept));
                }
                row.extend([
                    confidence_label(levels),
                    r.sii.method.label().to_string(),
                    reason.map(|r| r.to_string()).unwrap_or_default(),
                ]);
                out_rows.push(row);
            }
            Ok(Output {
                header,
                rows: out_rows,
            })
        }
        Method::Spc {
            value,
            date,
            facet,
            rebase,
            fix_after,
            improvement,
            target,
            screen_outliers,
            rule_2of3,
            run_length,
            ..
        } => {
            let (vc, dc) = (t.column(value)?, t.column(date)?);
            let rc = rebase.as_deref().map(|c| t.column(c)).transpose()?;
            let facet_groups = match facet {
                Some(f) => t.groups(std::slice::from_ref(f))?,
                None => t.groups(&[])?,
            };
            let mut header = t.header.clone();
            header.extend(
                [
                    "mean",
                    "lpl",
                    "upl",
                    "near_lpl",
                    "near_upl",
                    "point_type",
                    "special_cause_rule",
                    "assurance",
                ]
                .map(String::from),
            );
            let mut out_rows = Vec::new();
            for (_, rows) in &facet_groups {
                let mut sorted = rows.clone();
                sorted.sort_by(|&a, &b| t.rows[a][dc].cmp(&t.rows[b][dc]));
                let values: Vec<f64> = sorted
                    .iter()
                    .map(|&r| {
                        t.number(r, vc)?
                            .with_context(|| format!("row {}: `{value}` is missing", r + 2))
                    })
                    .collect::<Result<_>>()?;
                let rebase_at: Vec<usize> = match rc {
                    Some(c) => sorted
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| truthy(&t.rows[**r][c]))
                        .map(|(i, _)| i)
                        .collect(),
                    None => Vec::new(),
                };
                let options = st::SpcOptions {
                    rebase: rebase_at,
                    fix_after: *fix_after,
                    improvement: match improvement {
                        Improvement::Increase => st::ImprovementDirection::Increase,
                        Improvement::Decrease => st::ImprovementDirection::Decrease,
                        Improvement::Neutral => st::ImprovementDirection::Neutral,
                    },
                    target: *target,
                    screen_outliers: *screen_outliers,
                    rule_2of3: match rule_2of3 {
                        Rule2of3Arg::Package => st::Rule2of3::Package,
                        Rule2of3Arg::Mdc2023 => st::Rule2of3::Mdc2023,
                    },
                    run_length: *run_length,
                    resolution: None,
                };
                let chart = st::spc(&values, &options)?;
                let last = sorted.len() - 1;
                for (i, (&r, p)) in sorted.iter().zip(&chart.points).enumerate() {
                    let mut row = t.rows[r].clone();
                    row.extend([
                        fmt(p.mean),
                        fmt(p.lpl),
                        fmt(p.upl),
                        fmt(p.near_lpl),
                        fmt(p.near_upl),
                        p.point_type.label().to_string(),
                        p.special_cause_rule.clone().unwrap_or_default(),
                        if i == last {
                            chart
                                .assurance
                                .map(|a| a.label().to_string())
                                .unwrap_or_default()
                        } else {
                            String::new()
                        },
                    ]);
                    out_rows.push(row);
                }
            }
            Ok(Output {
                header,
                rows: out_rows,
            })
        }
        Method::Funnel {
            numerator,
            denominator,
            statistic,
            multiplier,
            years_of_data,
            ..
        } => {
            let (xc, nc) = (t.column(numerator)?, t.column(denominator)?);
            let mut header = t.header.clone();
            header.extend(
                [
                    "average",
                    "lower_2s_limit",
                    "upper_2s_limit",
                    "lower_3s_limit",
                    "upper_3s_limit",
                    "significance",
                ]
                .map(String::from),
            );
            let mut out_rows = Vec::new();
            for (_, rows) in &groups {
                let x = t.sum(rows, xc)?.unwrap_or(0.0);
                let n = t.sum(rows, nc)?.unwrap_or(0.0);
                let (average, mult) = match statistic {
                    FunnelStatistic::Proportion => (x / n, multiplier.unwrap_or(100.0)),
                    FunnelStatistic::Ratio => (1.0, multiplier.unwrap_or(1.0)),
                    FunnelStatistic::Rate => {
                        (x / (n * years_of_data), multiplier.unwrap_or(100_000.0))
                    }
                };
                for &r in rows {
                    let (xi, ni) = (t.number(r, xc)?, t.number(r, nc)?);
                    let mut row = t.rows[r].clone();
                    let (Some(xi), Some(ni)) = (xi, ni) else {
                        row.extend(std::iter::repeat_n(String::new(), 6));
                        out_rows.push(row);
                        continue;
                    };
                    let (limits, significance) = match statistic {
                        FunnelStatistic::Proportion => (
                            st::funnel_proportion_limits(ni, average, mult)?,
                            st::funnel_proportion_significance(xi, ni, average)?,
                        ),
                        FunnelStatistic::Ratio => (
                            st::funnel_ratio_limits(ni, mult)?,
                            st::funnel_ratio_significance(xi, ni)?,
                        ),
                        FunnelStatistic::Rate => {
                            let person_years = ni * years_of_data;
                            (
                                st::funnel_rate_limits(person_years, average, mult)?,
                                st::funnel_rate_significance(xi, person_years, average)?,
                            )
                        }
                    };
                    row.extend([
                        fmt(average * mult),
                        fmt(limits.lower_2s),
                        fmt(limits.upper_2s),
                        fmt(limits.lower_3s),
                        fmt(limits.upper_3s),
                        significance.label().to_string(),
                    ]);
                    out_rows.push(row);
                }
            }
            Ok(Output {
                header,
                rows: out_rows,
            })
        }
        Method::RateRatio { compare, .. }
        | Method::RiskRatio { compare, .. }
        | Method::Gap { compare, .. } => {
            let (xc, nc, cc) = (
                t.column(&compare.numerator)?,
                t.column(&compare.denominator)?,
                t.column(&compare.compare_by)?,
            );
            let gap = match method {
                Method::Gap {
                    statistic,
                    multiplier,
                    ..
                } => Some((*statistic, *multiplier)),
                _ => None,
            };
            let mut header: Vec<String> = group_by.clone();
            header.push(compare.compare_by.clone());
            match gap {
                Some(_) => {
                    header.push("gap".into());
                    header.extend(limit_columns(levels, "gap_"));
                    header.push("relative_gap".into());
                    header.extend(limit_columns(levels, "relative_gap_"));
                }
                None => {
                    header.push("value".into());
                    header.extend(limit_columns(levels, ""));
                }
            }
            header.extend(["confidence", "statistic", "method", "reason"].map(String::from));
            let mut out_rows = Vec::new();
            for (key, rows) in &groups {
                let levels_of = t.groups(std::slice::from_ref(&compare.compare_by))?;
                let sum_for = |value: &str| -> Result<(f64, f64)> {
                    let rs: Vec<usize> = rows
                        .iter()
                        .copied()
                        .filter(|&r| t.rows[r][cc] == value)
                        .collect();
                    Ok((
                        t.sum(&rs, xc)?.unwrap_or(0.0),
                        t.sum(&rs, nc)?.unwrap_or(0.0),
                    ))
                };
                let (x2, n2) = sum_for(&compare.reference)?;
                for (level, _) in levels_of {
                    let level = &level[0];
                    if level == &compare.reference || !rows.iter().any(|&r| &t.rows[r][cc] == level)
                    {
                        continue;
                    }
                    let (x1, n1) = sum_for(level)?;
                    let mut row = key.clone();
                    row.push(level.clone());
                    let (cells, reason, statistic, method_label) = match (method, gap) {
                        (Method::RateRatio { .. }, _) => {
                            let e = st::rate_ratio(x1, n1, x2, n2, levels)?;
                            let (c, r) = estimate_cells(&e);
                            (c, r, "rate ratio".to_string(), e.method.label())
                        }
                        (Method::RiskRatio { .. }, _) => {
                            let e = st::risk_ratio(x1, n1, x2, n2, levels)?;
                            let (c, r) = estimate_cells(&e);
                            (c, r, "risk ratio".to_string(), e.method.label())
                        }
                        (_, Some((stat, mult))) => {
                            let g = match stat {
                                GapStatistic::Proportion => st::proportion_gap(
                                    x1,
                                    n1,
                                    x2,
                                    n2,
                                    levels,
                                    mult.unwrap_or(100.0),
                                )?,
                                GapStatistic::Rate => {
                                    st::rate_gap(x1, n1, x2, n2, levels, mult.unwrap_or(100_000.0))?
                                }
                            };
                            let (mut c, r1) = estimate_cells(&g.absolute);
                            let (c2, r2) = estimate_cells(&g.relative);
                            c.extend(c2);
                            let label = match stat {
                                GapStatistic::Proportion => {
                                    format!("gap in proportion x {}", mult.unwrap_or(100.0))
                                }
                                GapStatistic::Rate => {
                                    format!("gap in rate per {}", mult.unwrap_or(100_000.0))
                                }
                            };
                            (c, r1.or(r2), label, g.absolute.method.label())
                        }
                        _ => {
                            unreachable!("the outer match only admits the three comparison methods")
                        }
                    };
                    row.extend(cells);
                    row.extend([
                        confidence_label(levels),
                        format!("{statistic} vs {}", compare.reference),
                        method_label.to_string(),
                        reason.map(|r| r.to_string()).unwrap_or_default(),
                    ]);
                    out_rows.push(row);
                }
            }
            Ok(Output {
                header,
                rows: out_rows,
            })
        }
    }
}

fn truthy(cell: &str) -> bool {
    matches!(
        cell.to_ascii_lowercase().as_str(),
        "true" | "t" | "1" | "yes" | "y"
    )
}

#[cfg(test)]
mod tests {
    //! End-to-end runs of `compute` on small CSV files, checking the columns a script relies on.

    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        method: Method,
    }

    fn run_on(csv_text: &str, args: &[&str]) -> Result<Output> {
        let dir = std::env::temp_dir().join(format!("equalis-stats-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let name = format!("{}.csv", args.join("_").replace(['-', ',', ' ', '/'], ""));
        let path = dir.join(name);
        std::fs::write(&path, csv_text)?;
        let mut argv = vec!["stats".to_string()];
        argv.extend(args.iter().map(|s| s.to_string()));
        argv.extend(["--input".to_string(), path.display().to_string()]);
        let cli = Cli::try_parse_from(argv)?;
        let common = cli.method.common();
        let t = Table::read(&common.input)?;
        let levels = Levels::parse(&common.confidence)?;
        compute(&cli.method, &t, common, &levels)
    }

    #[test]
    fn proportion_grouped_with_two_levels() {
        let out = run_on(
            "area,sex,x,n\nA,F,10,100\nB,F,3,50\nA,F,5,100\nA,M,,\n",
            &[
                "proportion",
                "--numerator",
                "x",
                "--denominator",
                "n",
                "--group-by",
                "area,sex",
                "--confidence",
                "0.95,0.998",
                "--multiplier",
                "100",
            ],
        )
        .unwrap();
        assert_eq!(
            out.header,
            [
                "area",
                "sex",
                "x",
                "n",
                "value",
                "lower95_0cl",
                "upper95_0cl",
                "lower99_8cl",
                "upper99_8cl",
                "confidence",
                "statistic",
                "method",
                "reason"
            ]
        );
        assert_eq!(out.rows.len(), 3);
        assert_eq!(out.rows[0][..5], ["A", "F", "15", "200", "7.5"]);
        assert_eq!(out.rows[0][9..12], ["95%, 99.8%", "percentage", "Wilson"]);
        assert_eq!(out.rows[2][12], MISSING);
    }

    #[test]
    fn dsr_below_ten_events_says_why() {
        let out = run_on(
            "area,count,pop,esp\nA,4,1000,5000\nA,5,1000,5500\n",
            &[
                "dsr",
                "--count",
                "count",
                "--population",
                "pop",
                "--standard-population",
                "esp",
                "--group-by",
                "area",
            ],
        )
        .unwrap();
        assert_eq!(out.rows[0][3], "");
        assert_eq!(
            out.rows[0].last().unwrap(),
            "DSR not calculated: total count 9 < 10"
        );
    }

    #[test]
    fn missing_column_lists_columns_found() {
        let err = run_on(
            "a,b\n1,2\n",
            &["rate", "--numerator", "x", "--denominator", "b"],
        )
        .err()
        .unwrap();
        assert!(
            err.to_string()
                .contains("column `x` is missing (found: a, b)"),
            "{err}"
        );
    }

    #[test]
    fn quantile_keeps_input_rows() {
        let out = run_on(
            "lsoa,imd\nL1,30\nL2,10\nL3,20\nL4,\n",
            &["quantile", "--value", "imd", "--quantiles", "3", "--invert"],
        )
        .unwrap();
        let q: Vec<&str> = out.rows.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(q, ["1", "3", "2", ""]);
        assert_eq!(out.rows[3][3], "not calculated: value is missing");
    }

    #[test]
    fn gap_against_reference() {
        let out = run_on(
            "q,x,n\n1,60,100\n5,40,100\n",
            &[
                "gap",
                "--numerator",
                "x",
                "--denominator",
                "n",
                "--compare-by",
                "q",
                "--reference",
                "5",
                "--statistic",
                "proportion",
            ],
        )
        .unwrap();
        assert_eq!(out.header[..3], ["q", "gap", "gap_lowercl"]);
        assert_eq!(out.rows.len(), 1);
        let gap: f64 = out.rows[0][1].parse().unwrap();
        assert!((gap - 20.0).abs() < 1e-9, "{gap}");
    }

    #[test]
    fn spc_marks_assurance_on_last_row() {
        let values = [50, 52, 49, 51, 53, 48, 50, 52, 51, 49, 50, 48];
        let mut text = String::from("month,v\n");
        for (i, v) in values.iter().enumerate() {
            text.push_str(&format!("2025-{:02},{v}\n", i + 1));
        }
        let out = run_on(
            &text,
            &["spc", "--value", "v", "--date", "month", "--target", "30"],
        )
        .unwrap();
        assert_eq!(out.rows.last().unwrap().last().unwrap(), "consistent_pass");
        assert_eq!(out.rows[0].last().unwrap(), "");
    }

    #[test]
    fn life_expectancy_matches_golden_value() {
        // The `twenty_bands` case of equalis-stats/tests/golden/life_expectancy.csv.
        let deaths = [
            5, 1, 1, 1, 3, 4, 6, 8, 11, 16, 25, 40, 60, 85, 120, 160, 210, 260, 280, 250,
        ];
        let pops = [
            1200, 4800, 6100, 5900, 5600, 6200, 6900, 7100, 6800, 6500, 7000, 7300, 6900, 6000,
            5400, 4800, 3500, 2400, 1400, 600,
        ];
        let ages = [
            0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
        ];
        let mut text = String::from("area,age,deaths,pop\n");
        // Rows out of age order on purpose: the command sorts them.
        for i in (0..20).rev() {
            text.push_str(&format!("A,{},{},{}\n", ages[i], deaths[i], pops[i]));
        }
        let out = run_on(
            &text,
            &[
                "life-expectancy",
                "--deaths",
                "deaths",
                "--population",
                "pop",
                "--start-age",
                "age",
                "--group-by",
                "area",
            ],
        )
        .unwrap();
        assert_eq!(
            out.header[..6],
            [
                "area",
                "startage",
                "pops_used",
                "dths_used",
                "value",
                "lowercl"
            ]
        );
        let e0: f64 = out.rows[0][4].parse().unwrap();
        assert!((e0 / 75.2564041263443 - 1.0).abs() < 1e-8, "{e0}");
        assert_eq!(out.rows[0][8], "life expectancy at 0");
    }

    #[test]
    fn sii_columns() {
        let out = run_on(
            "q,pop,v,se\n2,1000,8,1\n1,1000,10,1\n3,1000,6,1\n",
            &[
                "sii",
                "--quantile",
                "q",
                "--population",
                "pop",
                "--value",
                "v",
                "--se",
                "se",
                "--rii",
                "--intercept",
                "--repetitions",
                "2000",
            ],
        )
        .unwrap();
        assert_eq!(
            out.header[..7],
            [
                "sii",
                "sii_lowercl",
                "sii_uppercl",
                "rii",
                "rii_lowercl",
                "rii_uppercl",
                "intercept"
            ]
        );
        // Sorted by quantile, values fall 10, 8, 6 across equal populations: SII = -6.
        let sii: f64 = out.rows[0][0].parse().unwrap();
        assert!((sii + 6.0).abs() < 1e-9, "{sii}");
    }
}

//! `equalis stats <method>`: the statistics library on a CSV file, for analysts and for scripted
//! validation against PHEindicatormethods.
//!
//! Input is a CSV with a header (`--input`). Output is CSV on stdout or `--output`. The methods,
//! their columns and the one rule for blank and invalid cells are `equalis_app::stats`'s
//! ([`AFTER_HELP`] says the rule for users); this module only turns the flags into a
//! [`stats::Method`], writes the table as CSV and chooses the exit status: 3 when any result's
//! input needed attention, so a script notices.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use equalis_app::stats::{self, Table};
use equalis_stats::{ImprovementDirection, Levels, Rule2of3};

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
    Proportion(ProportionArgs),
    /// Crude rate with exact (<10 events) or Byar's limits (phe_rate)
    #[command(after_help = AFTER_HELP)]
    Rate(RateArgs),
    /// Mean with Student's t limits (phe_mean)
    #[command(after_help = AFTER_HELP)]
    Mean(MeanArgs),
    /// Directly standardised rate with Dobson limits (calculate_dsr)
    #[command(after_help = AFTER_HELP)]
    Dsr(DsrArgs),
    /// Indirectly standardised ratio or rate (calculate_ISRatio, calculate_ISRate)
    #[command(after_help = AFTER_HELP)]
    Isr(IsrArgs),
    /// Life expectancy, Chiang II with Silcocks (phe_life_expectancy)
    #[command(after_help = AFTER_HELP)]
    LifeExpectancy(LifeExpectancyArgs),
    /// Assign quantiles, OHID method (phe_quantile)
    #[command(after_help = AFTER_HELP)]
    Quantile(QuantileArgs),
    /// Slope and relative index of inequality (phe_sii)
    #[command(after_help = AFTER_HELP)]
    Sii(SiiArgs),
    /// XmR chart with Making Data Count rules (NHSRplotthedots ptd_spc)
    #[command(after_help = AFTER_HELP)]
    Spc(SpcArgs),
    /// Funnel plot limits and significance (calculate_funnel_limits)
    #[command(after_help = AFTER_HELP)]
    Funnel(FunnelArgs),
    /// Rate ratio of each group against a reference group
    #[command(after_help = AFTER_HELP)]
    RateRatio(RatioArgs),
    /// Risk ratio (ratio of proportions) against a reference group
    #[command(after_help = AFTER_HELP)]
    RiskRatio(RatioArgs),
    /// Absolute and relative gap between each group and a reference group
    #[command(after_help = AFTER_HELP)]
    Gap(GapArgs),
}

/// The numerator and denominator columns of a proportion, a rate or a comparison of two.
#[derive(Debug, clap::Args)]
struct Fraction {
    /// Numerator column (summed within each group)
    #[arg(long)]
    numerator: String,
    /// Denominator column (summed within each group)
    #[arg(long)]
    denominator: String,
}

/// Arguments of `equalis stats proportion`.
#[derive(Debug, clap::Args)]
struct ProportionArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    fraction: Fraction,
    /// Multiply the statistic and its limits by this
    #[arg(long, default_value_t = 1.0)]
    multiplier: f64,
}

/// Arguments of `equalis stats rate`.
#[derive(Debug, clap::Args)]
struct RateArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    fraction: Fraction,
    /// Multiply the statistic and its limits by this
    #[arg(long, default_value_t = 100_000.0)]
    multiplier: f64,
}

/// Arguments of `equalis stats mean`.
#[derive(Debug, clap::Args)]
struct MeanArgs {
    #[command(flatten)]
    common: Common,
    /// Value column
    #[arg(long)]
    value: String,
}

/// The count and population columns of the age bands of a standardised statistic.
#[derive(Debug, clap::Args)]
struct Bands {
    /// Count column (one row per age band); a blank count is 0 events, as in
    /// PHEindicatormethods
    #[arg(long)]
    count: String,
    /// Population column
    #[arg(long)]
    population: String,
}

/// Arguments of `equalis stats dsr`.
#[derive(Debug, clap::Args)]
struct DsrArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    bands: Bands,
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
}

/// Arguments of `equalis stats isr`.
#[derive(Debug, clap::Args)]
struct IsrArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    bands: Bands,
    /// Reference count column (per age band); blank is 0 events
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
}

/// Arguments of `equalis stats life-expectancy`.
#[derive(Debug, clap::Args)]
struct LifeExpectancyArgs {
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
}

/// Arguments of `equalis stats quantile`.
#[derive(Debug, clap::Args)]
struct QuantileArgs {
    #[command(flatten)]
    common: Common,
    /// Value column
    #[arg(long)]
    value: String,
    /// Number of quantiles
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    quantiles: u32,
    /// Highest value in quantile 1
    #[arg(long, conflicts_with = "invert_column")]
    invert: bool,
    /// Column saying, per group, whether to invert (TRUE/FALSE)
    #[arg(long)]
    invert_column: Option<String>,
}

/// Arguments of `equalis stats sii`.
#[derive(Debug, clap::Args)]
struct SiiArgs {
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
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1000..))]
    repetitions: u64,
    /// Random seed; the same seed gives the same limits
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Arguments of `equalis stats spc`.
#[derive(Debug, clap::Args)]
struct SpcArgs {
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
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u64).range(6..=7))]
    run_length: u64,
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

/// Arguments of `equalis stats funnel`.
#[derive(Debug, clap::Args)]
struct FunnelArgs {
    #[command(flatten)]
    common: Common,
    /// Numerator (observed count for ratios)
    #[arg(long)]
    numerator: String,
    /// Denominator (expected count for ratios, population for rates)
    #[arg(long)]
    denominator: String,
    /// Statistic of the funnel
    #[arg(long, value_enum)]
    statistic: FunnelStatistic,
    /// Multiply the statistic and its limits by this
    #[arg(long)]
    multiplier: Option<f64>,
    /// Years of data pooled in a rate's denominator
    #[arg(long, default_value_t = 1.0)]
    years_of_data: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FunnelStatistic {
    Proportion,
    Ratio,
    Rate,
}

/// Options of the two-group comparisons.
#[derive(Debug, clap::Args)]
struct Compare {
    #[command(flatten)]
    fraction: Fraction,
    /// Column whose values are compared (e.g. deprivation quintile)
    #[arg(long)]
    compare_by: String,
    /// Value of --compare-by that is the comparator
    #[arg(long)]
    reference: String,
}

/// Arguments of `equalis stats rate-ratio` and `risk-ratio`.
#[derive(Debug, clap::Args)]
struct RatioArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    compare: Compare,
}

/// Arguments of `equalis stats gap`.
#[derive(Debug, clap::Args)]
struct GapArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    compare: Compare,
    /// Statistic of the gap
    #[arg(long, value_enum)]
    statistic: GapStatistic,
    /// Multiply the statistic and its limits by this
    #[arg(long)]
    multiplier: Option<f64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GapStatistic {
    Proportion,
    Rate,
}

impl Fraction {
    fn options(&self) -> stats::Fraction {
        stats::Fraction {
            numerator: self.numerator.clone(),
            denominator: self.denominator.clone(),
        }
    }
}

impl Compare {
    fn options(&self) -> stats::Compare {
        stats::Compare {
            fraction: self.fraction.options(),
            compare_by: self.compare_by.clone(),
            reference: self.reference.clone(),
        }
    }
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

    /// The method and its options as the library takes them.
    fn options(&self) -> Result<stats::Method> {
        use stats::Method as M;
        Ok(match self {
            Method::Proportion(a) => M::Proportion(stats::Proportion {
                fraction: a.fraction.options(),
                multiplier: a.multiplier,
            }),
            Method::Rate(a) => M::Rate(stats::Rate {
                fraction: a.fraction.options(),
                multiplier: a.multiplier,
            }),
            Method::Mean(a) => M::Mean(stats::Mean {
                value: a.value.clone(),
            }),
            Method::Dsr(a) => M::Dsr(stats::Dsr {
                count: a.bands.count.clone(),
                population: a.bands.population.clone(),
                standard_population: a.standard_population.clone(),
                multiplier: a.multiplier,
                // The parser admits the two only together.
                event_frequency: match (&a.age_band, &a.event_frequency) {
                    (Some(age_band), Some(frequency)) => Some(stats::EventFrequency {
                        age_band: age_band.clone(),
                        frequency: frequency.clone(),
                    }),
                    _ => None,
                },
            }),
            Method::Isr(a) => M::Isr(stats::Isr {
                count: a.bands.count.clone(),
                population: a.bands.population.clone(),
                ref_count: a.ref_count.clone(),
                ref_population: a.ref_population.clone(),
                statistic: if a.rate {
                    stats::IsrStatistic::Rate {
                        multiplier: a.multiplier,
                    }
                } else {
                    stats::IsrStatistic::Ratio {
                        ref_value: a.ref_value,
                    }
                },
            }),
            Method::LifeExpectancy(a) => M::LifeExpectancy(stats::LifeExpectancy {
                deaths: a.deaths.clone(),
                population: a.population.clone(),
                start_age: a.start_age.clone(),
            }),
            Method::Quantile(a) => M::Quantile(stats::Quantile {
                value: a.value.clone(),
                quantiles: a.quantiles,
                inversion: match (&a.invert_column, a.invert) {
                    (Some(column), _) => stats::Inversion::ByColumn(column.clone()),
                    (None, true) => stats::Inversion::Yes,
                    (None, false) => stats::Inversion::No,
                },
            }),
            Method::Sii(a) => M::Sii(stats::Sii {
                quantile: a.quantile.clone(),
                population: a.population.clone(),
                value: a.value.clone(),
                errors: match (&a.se, &a.lower_cl, &a.upper_cl) {
                    (Some(se), _, _) => stats::SiiErrors::Se(se.clone()),
                    (None, Some(lower), Some(upper)) => stats::SiiErrors::Limits {
                        lower: lower.clone(),
                        upper: upper.clone(),
                    },
                    _ => bail!("give --se, or both --lower-cl and --upper-cl"),
                },
                value_type: a.value_type,
                transform: a.transform,
                rii: a.rii,
                intercept: a.intercept,
                multiplier: a.multiplier,
                repetitions: usize::try_from(a.repetitions)?,
                seed: a.seed,
            }),
            Method::Spc(a) => M::Spc(stats::Spc {
                value: a.value.clone(),
                date: a.date.clone(),
                facet: a.facet.clone(),
                rebase: a.rebase.clone(),
                fix_after: a.fix_after,
                improvement: match a.improvement {
                    Improvement::Increase => ImprovementDirection::Increase,
                    Improvement::Decrease => ImprovementDirection::Decrease,
                    Improvement::Neutral => ImprovementDirection::Neutral,
                },
                target: a.target,
                screen_outliers: a.screen_outliers,
                rule_2of3: match a.rule_2of3 {
                    Rule2of3Arg::Package => Rule2of3::Package,
                    Rule2of3Arg::Mdc2023 => Rule2of3::Mdc2023,
                },
                // The parser admits only 6 and 7.
                run_length: a.run_length as usize,
            }),
            Method::Funnel(a) => M::Funnel(stats::Funnel {
                numerator: a.numerator.clone(),
                denominator: a.denominator.clone(),
                statistic: match a.statistic {
                    FunnelStatistic::Proportion => stats::FunnelStatistic::Proportion,
                    FunnelStatistic::Ratio => stats::FunnelStatistic::Ratio,
                    FunnelStatistic::Rate => stats::FunnelStatistic::Rate,
                },
                multiplier: a.multiplier,
                years_of_data: a.years_of_data,
            }),
            Method::RateRatio(a) => M::RateRatio(a.compare.options()),
            Method::RiskRatio(a) => M::RiskRatio(a.compare.options()),
            Method::Gap(a) => M::Gap(stats::Gap {
                compare: a.compare.options(),
                statistic: match a.statistic {
                    GapStatistic::Proportion => stats::GapStatistic::Proportion,
                    GapStatistic::Rate => stats::GapStatistic::Rate,
                },
                multiplier: a.multiplier,
            }),
        })
    }
}

/// Runs `equalis stats`.
pub fn run(args: StatsArgs) -> Result<ExitCode> {
    let common = args.method.common();
    let table = Table::read(&common.input)?;
    let levels = Levels::parse(&common.confidence).context("invalid --confidence")?;
    let method = args.method.options()?;
    let out = stats::compute(&method, &table, &common.group_by, &levels)?;
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
    match out.attention_summary() {
        Some(warning) => {
            eprintln!("warning: {warning}");
            Ok(ExitCode::from(3))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    //! The flags of each method, as the library receives them: every default and every choice
    //! that the parser, not the library, decides. What the library makes of them is tested in
    //! `equalis_app::stats`.

    use super::*;
    use clap::Parser;
    use stats::Method as M;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        method: Method,
    }

    /// The library's method for the flags `args` of `equalis stats`.
    fn parse(args: &[&str]) -> stats::Method {
        let mut argv = vec!["stats"];
        argv.extend(args);
        argv.extend(["--input", "in.csv"]);
        Cli::try_parse_from(argv).unwrap().method.options().unwrap()
    }

    fn fraction(numerator: &str, denominator: &str) -> stats::Fraction {
        stats::Fraction {
            numerator: numerator.into(),
            denominator: denominator.into(),
        }
    }

    #[test]
    fn common_flags_are_the_callers_group_and_levels() {
        let argv = [
            "stats",
            "mean",
            "--value",
            "v",
            "--input",
            "in.csv",
            "--group-by",
            "a,b",
            "--confidence",
            "0.95,0.998",
        ];
        let cli = Cli::try_parse_from(argv).unwrap();
        let common = cli.method.common();
        assert_eq!(common.group_by, ["a", "b"]);
        assert_eq!(common.confidence, [0.95, 0.998]);
        assert_eq!(common.input, PathBuf::from("in.csv"));
        let cli = Cli::try_parse_from(&argv[..6]).unwrap();
        assert!(cli.method.common().group_by.is_empty());
        assert_eq!(cli.method.common().confidence, [0.95]);
    }

    #[test]
    fn crude_methods_and_their_default_multipliers() {
        let fraction_flags = ["--numerator", "x", "--denominator", "n"];
        let with = |method: &'static str| [&[method][..], &fraction_flags].concat();
        assert_eq!(
            parse(&with("proportion")),
            M::Proportion(stats::Proportion {
                fraction: fraction("x", "n"),
                multiplier: 1.0
            })
        );
        assert_eq!(
            parse(&with("rate")),
            M::Rate(stats::Rate {
                fraction: fraction("x", "n"),
                multiplier: 100_000.0
            })
        );
        assert_eq!(
            parse(&["mean", "--value", "v"]),
            M::Mean(stats::Mean { value: "v".into() })
        );
    }

    #[test]
    fn standardised_methods() {
        let dsr = ["dsr", "--count", "c", "--population", "p"];
        let dsr = [&dsr[..], &["--standard-population", "esp"]].concat();
        let plain = stats::Dsr {
            count: "c".into(),
            population: "p".into(),
            standard_population: "esp".into(),
            multiplier: 100_000.0,
            event_frequency: None,
        };
        assert_eq!(parse(&dsr), M::Dsr(plain.clone()));
        let frequency = [&dsr[..], &["--age-band", "b", "--event-frequency", "f"]].concat();
        assert_eq!(
            parse(&frequency),
            M::Dsr(stats::Dsr {
                event_frequency: Some(stats::EventFrequency {
                    age_band: "b".into(),
                    frequency: "f".into(),
                }),
                ..plain
            })
        );

        let isr = ["isr", "--count", "c", "--population", "p", "--ref-count"];
        let isr = [&isr[..], &["rc", "--ref-population", "rp"]].concat();
        let of = |statistic| {
            M::Isr(stats::Isr {
                count: "c".into(),
                population: "p".into(),
                ref_count: "rc".into(),
                ref_population: "rp".into(),
                statistic,
            })
        };
        let ratio = [&isr[..], &["--ratio", "--ref-value", "100"]].concat();
        let ratio_of = |ref_value| of(stats::IsrStatistic::Ratio { ref_value });
        assert_eq!(parse(&ratio), ratio_of(100.0));
        assert_eq!(parse(&[&isr[..], &["--ratio"]].concat()), ratio_of(1.0));
        assert_eq!(
            parse(&[&isr[..], &["--rate", "--multiplier", "1000"]].concat()),
            of(stats::IsrStatistic::Rate { multiplier: 1000.0 })
        );

        let le = ["life-expectancy", "--deaths", "d", "--population", "p"];
        assert_eq!(
            parse(&[&le[..], &["--start-age", "a"]].concat()),
            M::LifeExpectancy(stats::LifeExpectancy {
                deaths: "d".into(),
                population: "p".into(),
                start_age: "a".into(),
            })
        );
    }

    #[test]
    fn quantile_inversion() {
        let q = ["quantile", "--value", "v", "--quantiles", "5"];
        let of = |inversion| {
            M::Quantile(stats::Quantile {
                value: "v".into(),
                quantiles: 5,
                inversion,
            })
        };
        assert_eq!(parse(&q), of(stats::Inversion::No));
        assert_eq!(
            parse(&[&q[..], &["--invert"]].concat()),
            of(stats::Inversion::Yes)
        );
        assert_eq!(
            parse(&[&q[..], &["--invert-column", "inv"]].concat()),
            of(stats::Inversion::ByColumn("inv".into()))
        );
    }

    #[test]
    fn sii_errors_and_defaults() {
        let sii = [
            "sii",
            "--quantile",
            "q",
            "--population",
            "p",
            "--value",
            "v",
        ];
        let se = stats::Sii {
            quantile: "q".into(),
            population: "p".into(),
            value: "v".into(),
            errors: stats::SiiErrors::Se("se".into()),
            value_type: 0,
            transform: false,
            rii: false,
            intercept: false,
            multiplier: 1.0,
            repetitions: 100_000,
            seed: 1,
        };
        assert_eq!(
            parse(&[&sii[..], &["--se", "se"]].concat()),
            M::Sii(se.clone())
        );
        let limits = ["--lower-cl", "l", "--upper-cl", "u", "--value-type", "2"];
        let more = ["--transform", "--rii", "--intercept", "--multiplier", "-1"];
        let more = [&more[..], &["--repetitions", "2000", "--seed", "7"]].concat();
        assert_eq!(
            parse(&[&sii[..], &limits, &more].concat()),
            M::Sii(stats::Sii {
                errors: stats::SiiErrors::Limits {
                    lower: "l".into(),
                    upper: "u".into(),
                },
                value_type: 2,
                transform: true,
                rii: true,
                intercept: true,
                multiplier: -1.0,
                repetitions: 2000,
                seed: 7,
                ..se
            })
        );
    }

    #[test]
    fn spc_defaults_and_choices() {
        let spc = ["spc", "--value", "v", "--date", "d"];
        let defaults = stats::Spc {
            value: "v".into(),
            date: "d".into(),
            facet: None,
            rebase: None,
            fix_after: None,
            improvement: ImprovementDirection::Increase,
            target: None,
            screen_outliers: true,
            rule_2of3: Rule2of3::Package,
            run_length: 7,
        };
        assert_eq!(parse(&spc), M::Spc(defaults.clone()));
        let choices = [
            "--facet",
            "ward",
            "--rebase",
            "r",
            "--fix-after",
            "12",
            "--improvement",
            "decrease",
            "--target",
            "-3",
            "--screen-outliers",
            "false",
            "--rule-2of3",
            "mdc2023",
            "--run-length",
            "6",
        ];
        assert_eq!(
            parse(&[&spc[..], &choices].concat()),
            M::Spc(stats::Spc {
                facet: Some("ward".into()),
                rebase: Some("r".into()),
                fix_after: Some(12),
                improvement: ImprovementDirection::Decrease,
                target: Some(-3.0),
                screen_outliers: false,
                rule_2of3: Rule2of3::Mdc2023,
                run_length: 6,
                ..defaults
            })
        );
        let neutral = [&spc[..], &["--improvement", "neutral"]].concat();
        let M::Spc(neutral) = parse(&neutral) else {
            panic!("not an SPC")
        };
        assert_eq!(neutral.improvement, ImprovementDirection::Neutral);
    }

    #[test]
    fn funnel_statistics() {
        let funnel = ["funnel", "--numerator", "x", "--denominator", "n"];
        for (flag, statistic) in [
            ("proportion", stats::FunnelStatistic::Proportion),
            ("ratio", stats::FunnelStatistic::Ratio),
            ("rate", stats::FunnelStatistic::Rate),
        ] {
            let more = ["--statistic", flag, "--years-of-data", "3"];
            assert_eq!(
                parse(&[&funnel[..], &more].concat()),
                M::Funnel(stats::Funnel {
                    numerator: "x".into(),
                    denominator: "n".into(),
                    statistic,
                    multiplier: None,
                    years_of_data: 3.0,
                })
            );
        }
    }

    #[test]
    fn comparisons() {
        let flags = [
            "--numerator",
            "x",
            "--denominator",
            "n",
            "--compare-by",
            "q",
        ];
        let flags = [&flags[..], &["--reference", "5"]].concat();
        let compare = stats::Compare {
            fraction: fraction("x", "n"),
            compare_by: "q".into(),
            reference: "5".into(),
        };
        assert_eq!(
            parse(&[&["rate-ratio"][..], &flags].concat()),
            M::RateRatio(compare.clone())
        );
        assert_eq!(
            parse(&[&["risk-ratio"][..], &flags].concat()),
            M::RiskRatio(compare.clone())
        );
        for (flag, statistic, multiplier) in [
            ("proportion", stats::GapStatistic::Proportion, None),
            ("rate", stats::GapStatistic::Rate, Some(1000.0)),
        ] {
            let mut args = [&["gap"][..], &flags, &["--statistic", flag]].concat();
            if multiplier.is_some() {
                args.extend(["--multiplier", "1000"]);
            }
            assert_eq!(
                parse(&args),
                M::Gap(stats::Gap {
                    compare: compare.clone(),
                    statistic,
                    multiplier,
                })
            );
        }
    }
}

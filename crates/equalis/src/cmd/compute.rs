//! `equalis compute` and `equalis results`: computing every indicator into the workspace,
//! and reading the results back by indicator, breakdown and period.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use equalis_engine::{ComputeOptions, ComputeSummary};
use equalis_results::{PublishedRow, Statistic, View, publish, read_results};
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

/// The columns `results` prints, in order; the two count columns are named for what they
/// hold (see [`count_columns`]) and the comparator's counts are added for gaps between two
/// groups.
const COLUMNS: [&str; 11] = [
    "indicator_id",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "value",
    "lowercl",
    "uppercl",
    "comparison",
    "note",
];

/// What the numerator and denominator of a statistic are.
fn count_columns(statistic: Statistic) -> [&'static str; 2] {
    match statistic {
        Statistic::Ratio => ["observed", "expected"],
        Statistic::Shortfall => ["estimate", "counted"],
        Statistic::Median | Statistic::Percentile => ["numerator", "values"],
        Statistic::Count => ["count", "denominator"],
        _ => ["numerator", "denominator"],
    }
}

fn fields(r: &PublishedRow, comparator: bool) -> Vec<String> {
    let mut out = vec![
        r.indicator_id.clone(),
        r.period.clone(),
        r.breakdown.clone(),
        r.group.clone(),
        show(&r.numerator),
        show(&r.denominator),
    ];
    if comparator {
        out.push(show(&r.comparator_numerator));
        out.push(show(&r.comparator_denominator));
    }
    out.extend([
        show(&r.value),
        show(&r.lowercl),
        show(&r.uppercl),
        r.comparison
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        r.note.clone().unwrap_or_default(),
    ]);
    out
}

/// The known names closest to what was typed, at most five: those containing it (or
/// contained in it) or sharing its first four letters, then those within a few edits; single
/// breakdowns before pairs unless a pair was typed.
fn closest<'a>(typed: &str, known: &'a [String]) -> Vec<&'a str> {
    let t = typed.to_lowercase();
    let typed_pair = t.contains(" x ");
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter_map(|k| {
            let l = k.to_lowercase();
            let prefix = t.chars().zip(l.chars()).take_while(|(a, b)| a == b).count();
            let score = if l.contains(&t) || t.contains(&l) || prefix >= 4 {
                0
            } else {
                let d = edit_distance(&t, &l);
                (d <= 3.max(t.len() / 3)).then_some(d)?
            };
            let pair_penalty = usize::from(l.contains(" x ") != typed_pair) * 10;
            Some((score + pair_penalty, k.as_str()))
        })
        .collect();
    scored.sort();
    // Pairs only when no single breakdown comes close (or a pair was asked for).
    let best = scored.first().map_or(0, |(score, _)| *score);
    scored
        .into_iter()
        .filter(|(score, _)| (*score >= 10) == (best >= 10))
        .take(5)
        .map(|(_, k)| k)
        .collect()
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
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
    let view = if args.unsuppressed {
        View::Analyst
    } else {
        View::Published
    };
    // The whole indicator is published at once: secondary disclosure control reads each
    // breakdown with its total, so a filtered slice must not be published on its own.
    let own: Vec<_> = results
        .indicators
        .iter()
        .filter(|r| r.indicator_id == id)
        .cloned()
        .collect();
    let (mut rows, _, _) = publish(&view, &own, &[], &[]);
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
            let near: Vec<&str> = closest(&b, &known);
            let hint = if near.is_empty() {
                "breakdowns are `all`, one of the dimensions (e.g. `imd_quintile`), or a pair written `A x B`".to_owned()
            } else {
                format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            anyhow::bail!("indicator `{id}` has no breakdown `{b}` here\n\nhint: {hint}");
        }
        rows.retain(|r| r.breakdown == b);
    }
    // Groups in their natural order within each period and breakdown (age bands by age, …),
    // blocks in the order computed.
    rows.sort_by(|a, b| {
        (a.period.as_str(), a.breakdown.as_str())
            .cmp(&(b.period.as_str(), b.breakdown.as_str()))
            .then_with(|| equalis_vocab::natural_cmp(&a.group, &b.group))
    });
    let statistic = rows.first().map_or(Statistic::Proportion, |r| r.statistic);
    let comparator = rows
        .iter()
        .any(|r| r.comparator_denominator.get() != &equalis_disclosure::Cell::NotApplicable);
    let [num, den] = count_columns(statistic);
    let mut columns: Vec<&str> = COLUMNS.to_vec();
    columns[4] = num;
    columns[5] = den;
    if comparator {
        columns.insert(6, "comparator_numerator");
        columns.insert(7, "comparator_denominator");
    }
    let table: Vec<Vec<String>> = rows.iter().map(|r| fields(r, comparator)).collect();
    // The counts, value and limits are numbers: right-aligned, and numbers in JSON.
    let text_after = columns.len() - 2;
    let numeric: Vec<bool> = (0..columns.len())
        .map(|i| i >= 4 && i < text_after)
        .collect();
    render(&mut out, args.format, &columns, &numeric, &table)?;
    if args.format == Format::Table && !args.unsuppressed {
        writeln!(
            out,
            "\nPublished view: counts 1 to 7 shown as *, other counts rounded to 5, and every figure computed from the published counts. Use --unsuppressed for the analyst view."
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_breakdown_is_answered_with_the_closest_names() {
        let known: Vec<String> = [
            "age_band",
            "ethnic_category",
            "ethnic_group",
            "ethnic_group x imd_quintile",
            "imd_quintile",
            "sex",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            closest("ethnicity", &known),
            ["ethnic_category", "ethnic_group"]
        );
        assert_eq!(closest("imd quintile", &known)[0], "imd_quintile");
        assert_eq!(closest("sexx", &known), ["sex"]);
        assert_eq!(
            closest("ethnic_group x imd", &known),
            ["ethnic_group x imd_quintile"]
        );
        assert!(closest("zzzzzzzz", &known).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

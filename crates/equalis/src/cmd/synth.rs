//! `equalis synth`: generate a realistic synthetic ICS, every contract dataset as CSV.
//!
//! A thin shell over `equalis-synth`: it parses the arguments, shows a progress bar when
//! stderr is a terminal (nothing otherwise, so scripts get clean output), and prints how
//! many rows each file got.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use equalis_synth::{Dataset, Progress, SynthConfig};
use indicatif::{ProgressBar, ProgressStyle};

/// Arguments of `equalis synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// ICB ODS code (e.g. QK1) or ONS code (E54…); see --list-icbs
    #[arg(long, default_value = "QK1")]
    ics: String,
    /// Population scale: 1.0 is the ICB's real registered population
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Random seed: the same ICB, scale and seed give byte-identical files
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output directory (created if missing)
    #[arg(long, required_unless_present = "list_icbs")]
    out: Option<PathBuf>,
    /// Write only these datasets (comma-separated contract names)
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Print the 42 ICB codes and names, then exit
    #[arg(long)]
    list_icbs: bool,
}

/// Runs `equalis synth`.
pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    if args.list_icbs {
        let mut icbs: Vec<_> = equalis_refdata::RefData::get().icbs().to_vec();
        icbs.sort_by(|a, b| a.code.cmp(&b.code));
        // Written in one go, ignoring a closed pipe (`equalis synth --list-icbs | head`).
        let text: String = icbs
            .iter()
            .map(|i| format!("{}\t{}\t{}\n", i.code, i.ons_code, i.name))
            .collect();
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = args.out else {
        anyhow::bail!("--out DIR is required");
    };
    let mut only = Vec::new();
    for name in &args.only {
        let d = Dataset::ALL
            .into_iter()
            .find(|d| d.name() == name.trim())
            .with_context(|| {
                format!(
                    "unknown dataset {name:?} in --only; expected some of: {}",
                    Dataset::ALL.map(|d| d.name()).join(", ")
                )
            })?;
        only.push(d);
    }
    let config = SynthConfig {
        icb: args.ics,
        scale: args.scale,
        seed: args.seed,
        out: out.clone(),
        only,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message("building the population");
        b
    });
    let report = |p: Progress<'_>| {
        let Some(b) = &bar else { return };
        match p {
            Progress::Started { weeks, datasets } => {
                b.set_length(weeks + datasets);
                b.set_message("waiting-list weeks and files");
            }
            Progress::Week(_) => b.inc(1),
            Progress::Finished { dataset, .. } => {
                b.inc(1);
                b.set_message(format!("wrote {dataset}.csv"));
            }
        }
    };
    let summary = equalis_synth::generate(&config, &report)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    println!(
        "Synthetic ICS: {} ({}), scale {}, seed {}: {} people",
        summary.icb_name, summary.icb, config.scale, config.seed, summary.people
    );
    let width = summary
        .files
        .iter()
        .map(|(d, _)| d.name().len() + 4)
        .max()
        .unwrap_or(10);
    println!("{:<width$} {:>12}", "file", "rows");
    for (d, rows) in &summary.files {
        println!("{:<width$} {:>12}", format!("{}.csv", d.name()), rows);
    }
    println!(
        "written to {} (with planted_effects.json and README.md)",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

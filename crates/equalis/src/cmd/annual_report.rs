//! `equalis annual-report`: the annual equality report of a financial year, as accessible
//! HTML and a tagged PDF beside it (the logic is `equalis_app::annual`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `equalis annual-report`.
#[derive(Debug, clap::Args)]
pub struct AnnualReportArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// The financial year reported, e.g. 2025/26.
    #[arg(long)]
    pub year: String,
    /// Where to write `index.html`, `style.css` and `annual-report-YYYY-YY.pdf` (created if
    /// needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Write the HTML only, without the PDF (which needs Chromium: EQUALIS_CHROMIUM or
    /// /usr/bin/chromium).
    #[arg(long)]
    pub no_pdf: bool,
    /// ICB whose footprint is the population served (ODS code like QK1, or E54…); by default
    /// the most common ICB of the `population` dataset
    #[arg(long)]
    pub ics: Option<String>,
}

/// Runs `equalis annual-report`.
pub fn run(args: AnnualReportArgs) -> anyhow::Result<ExitCode> {
    let year: equalis_assure::FinancialYear = args
        .year
        .parse()
        .map_err(|e| anyhow::anyhow!("--year: {e}"))?;
    let ws = crate::cmd::open_workspace(&args.workspace)
        .with_context(|| format!("opening workspace {}", args.workspace.display()))?;
    let icb = equalis_app::workforce::choose_icb(&ws, args.ics.as_deref())?;
    let options = (!args.no_pdf).then(equalis_app::pdf::PdfOptions::from_env);
    let written =
        equalis_app::annual::write_all(&ws, year, icb.as_deref(), &args.out, options.as_ref())?;
    println!(
        "Wrote the annual equality report {year} to `{}`.",
        written.html.display()
    );
    if let Some(pdf) = &written.pdf {
        println!("Wrote its tagged PDF to `{}`.", pdf.display());
    }
    Ok(ExitCode::SUCCESS)
}

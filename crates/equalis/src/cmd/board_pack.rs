//! `equalis board-pack`: the quarterly board pack as accessible HTML and a tagged PDF (the
//! logic is `equalis_app::board_pack`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `equalis board-pack`.
#[derive(Debug, clap::Args)]
pub struct BoardPackArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// The quarter of the financial year, e.g. 2025/26-Q3 (October to December 2025; Q1 is April to June).
    #[arg(long)]
    pub quarter: String,
    /// Where to write `index.html`, `style.css` and `board-pack.pdf` (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Write the HTML only (the PDF needs Chromium; `EQUALIS_CHROMIUM` names it).
    #[arg(long)]
    pub no_pdf: bool,
}

/// Runs `equalis board-pack`.
pub fn run(args: BoardPackArgs) -> anyhow::Result<ExitCode> {
    let quarter: equalis_app::board_pack::Quarter = args
        .quarter
        .parse()
        .map_err(|e| anyhow::anyhow!("--quarter: {e}"))?;
    let ws = crate::cmd::open_workspace(&args.workspace)
        .with_context(|| format!("opening workspace {}", args.workspace.display()))?;
    let options = equalis_app::pdf::PdfOptions::from_env();
    let written = equalis_app::board_pack::write(
        &ws,
        quarter,
        &args.out,
        (!args.no_pdf).then_some(&options),
    )?;
    println!(
        "Wrote the board pack {quarter} to `{}`.",
        written.page.display()
    );
    if let Some(pdf) = written.pdf {
        println!("Wrote its tagged PDF to `{}`.", pdf.display());
    }
    Ok(ExitCode::SUCCESS)
}

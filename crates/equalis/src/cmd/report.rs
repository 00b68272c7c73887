//! `equalis report`: the static, accessible HTML report of a workspace's results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use equalis_report::{ReportOptions, ReportSummary, write_report};
use equalis_results::read_results;

/// Arguments of `equalis report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The workspace directory (run `equalis compute` first).
    #[arg(long)]
    pub workspace: PathBuf,
    /// Where to write the report (created if needed; other files in it are left alone).
    #[arg(long)]
    pub out: PathBuf,
    /// The report's title.
    #[arg(
        long,
        default_value = "Health inequalities in the integrated care system"
    )]
    pub title: String,
}

/// Writes the report; shared with `equalis demo`.
pub fn report(workspace: &Path, out: &Path, title: &str) -> anyhow::Result<ReportSummary> {
    let results = read_results(workspace)?;
    let options = ReportOptions {
        title: title.to_owned(),
        // The UTC date: a report is dated, not timed.
        generated: jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect(),
    };
    write_report(&results, &options, out)
        .with_context(|| format!("writing the report into `{}`", out.display()))
}

/// Runs `equalis report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let summary = report(&args.workspace, &args.out, &args.title)?;
    println!(
        "Wrote {} pages with {} charts ({} KB) to `{}`; open `{}`.",
        summary.pages,
        summary.charts,
        summary.bytes / 1024,
        args.out.display(),
        args.out.join("index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}

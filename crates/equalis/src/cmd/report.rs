//! `equalis report`: the static, accessible HTML report of a workspace's results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use equalis_report::{ReportOptions, ReportSummary, write_report};
use equalis_results::{Metadata, Results, ResultsError, read_results};

/// Arguments of `equalis report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The workspace directory (run `equalis compute` first).
    #[arg(long)]
    pub workspace: PathBuf,
    /// Where to write the report (created if needed; other files in it are left alone).
    #[arg(long)]
    pub out: PathBuf,
    /// ICB whose footprint is the local population of the workforce and panel pages (ODS
    /// code like QK1, or E54…); by default the most common ICB of the `population` dataset
    #[arg(long)]
    pub ics: Option<String>,
    /// Seats on the Citizens' Panel: adds the panel page (pool, lottery and chances of
    /// selection) when the workspace has `volunteers` and `quotas`
    #[arg(long)]
    pub panel_size: Option<u32>,
    /// The report's title.
    #[arg(
        long,
        default_value = "Health inequalities in the integrated care system"
    )]
    pub title: String,
}

/// Writes the report, with the workforce pages when the workspace has workforce data; shared
/// with `equalis demo`.
pub fn report(
    workspace: &Path,
    out: &Path,
    title: &str,
    ics: Option<&str>,
    panel_size: Option<u32>,
) -> anyhow::Result<ReportSummary> {
    let ws = crate::cmd::open_workspace(workspace)
        .with_context(|| format!("opening workspace {}", workspace.display()))?;
    let bar = crate::cmd::output::spinner("Writing the report".to_owned());
    // Resolved once, and only for the pages that compare with a population: without `--ics`
    // it is read from the whole `population` dataset.
    let icb = if ws.current("staff")?.is_some() || panel_size.is_some() {
        equalis_app::workforce::choose_icb(&ws, ics)?
    } else {
        None
    };
    let mut sections = equalis_app::workforce::report_sections(&ws, icb.as_deref())
        .context("preparing the workforce pages of the report")?;
    if let Some(size) = panel_size {
        sections.extend(
            equalis_app::panel::report_section(
                &ws,
                size,
                icb.as_deref(),
                &crate::cmd::panel::Spinner::default(),
            )
            .context("preparing the Citizens' Panel page of the report")?,
        );
    }
    let results = match read_results(workspace) {
        Ok(r) => r,
        // An EDI lead with workforce data only still gets a report of it.
        Err(ResultsError::NoResults(_)) if !sections.is_empty() => Results::new(
            workspace.join("results"),
            Metadata {
                equalis_version: env!("CARGO_PKG_VERSION").to_owned(),
                ..Metadata::default()
            },
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ),
        Err(e) => return Err(e.into()),
    };
    let options = ReportOptions {
        title: title.to_owned(),
        // The UTC date: a report is dated, not timed.
        generated: jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect(),
    };
    bar.set_message("Writing the report's pages");
    let written = write_report(&results, &sections, &options, out)
        .with_context(|| format!("writing the report into `{}`", out.display()));
    bar.finish_and_clear();
    written
}

/// Runs `equalis report`.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let summary = report(
        &args.workspace,
        &args.out,
        &args.title,
        args.ics.as_deref(),
        args.panel_size,
    )?;
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

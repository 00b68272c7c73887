//! `equalis outreach`, `equalis reidentify` and `equalis registration-gap`: flags into the
//! calls of `equalis_app::outreach`, and the listing or summary printed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use equalis_app::outreach::{self, ReidentifyOptions};

use crate::cmd::output::Format;

/// Arguments of `equalis outreach`.
#[derive(Debug, clap::Args)]
pub struct OutreachArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// Only the first N households of the cohort.
    #[arg(long)]
    pub top: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (mode 0600) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `equalis reidentify`.
#[derive(Debug, clap::Args)]
pub struct ReidentifyArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// The original extract as ingested (CSV with `nhs_number` and `household_id`).
    #[arg(long)]
    pub source: PathBuf,
    /// The dataset the extract is (only `population`).
    #[arg(long)]
    pub dataset: String,
    /// Confirms that you hold the pseudonymisation key and may see NHS numbers.
    #[arg(long)]
    pub i_am_the_key_holder: bool,
    /// Only the first N households of the cohort.
    #[arg(long)]
    pub top: Option<usize>,
    /// Where to write the NHS numbers (created with mode 0600; must not exist yet and must
    /// be outside the workspace).
    #[arg(long)]
    pub out: PathBuf,
    /// The web application's store in PostgreSQL (as for `equalis serve --database`), whose
    /// audit log records the run too; the workspace's SQLite store when not given.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// Arguments of `equalis registration-gap`.
#[derive(Debug, clap::Args)]
pub struct RegistrationGapArgs {
    /// The workspace directory.
    #[arg(long)]
    pub workspace: PathBuf,
    /// Only the first N LSOAs of the ranking.
    #[arg(long)]
    pub top: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `equalis outreach`.
pub fn run_outreach(args: OutreachArgs) -> anyhow::Result<ExitCode> {
    let cohort = outreach::cohort(&args.workspace, args.top)?;
    let table = outreach::cohort_table(&cohort);
    match &args.out {
        Some(path) => {
            let mut file = outreach::create_private(path, true)?;
            table.write(&mut file, args.format.into())?;
            eprintln!(
                "Wrote {} households to `{}` (mode 0600).",
                table.rows.len(),
                path.display()
            );
        }
        None => table.write(&mut std::io::stdout().lock(), args.format.into())?,
    }
    eprintln!(
        "Outreach cohort: pseudonyms only, for the ICB's own outreach team; not a published statistic (counts are per household)."
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `equalis reidentify`.
pub fn run_reidentify(args: ReidentifyArgs) -> anyhow::Result<ExitCode> {
    // The workspace must be real before anything is recorded in it.
    let ws = crate::cmd::open_workspace(&args.workspace)?;
    // The store is opened before anything is done: a run it could not record must not start.
    let store_args = crate::cmd::store::StoreArgs {
        workspace: Some(args.workspace.clone()),
        database: args.database.clone(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let store = rt.block_on(store_args.open())?;
    let recorder = outreach::StoreRecorder::new(rt, store, equalis_store::Actor::command_line());
    let opts = ReidentifyOptions {
        workspace: args.workspace,
        source: args.source,
        dataset: args.dataset,
        i_am_the_key_holder: args.i_am_the_key_holder,
        top: args.top,
        out: args.out,
    };
    let done = outreach::reidentify_recorded(&ws, &opts, &recorder)?;
    eprintln!(
        "Re-identified {} people in {} of {} households into `{}` (mode 0600).\nRecorded in `{}` and in the store's audit log.",
        done.people,
        done.households,
        done.cohort,
        opts.out.display(),
        done.log.display()
    );
    if done.households < done.cohort {
        eprintln!(
            "{} households of the cohort were not found in `{}`: is it the extract that was ingested?",
            done.cohort - done.households,
            opts.source.display()
        );
    }
    if done.invalid > 0 {
        eprintln!(
            "{} rows of `{}` have no valid NHS number and were skipped (ingest rejected them too).",
            done.invalid,
            opts.source.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `equalis registration-gap`.
pub fn run_registration_gap(args: RegistrationGapArgs) -> anyhow::Result<ExitCode> {
    let table = outreach::registration_gap(&args.workspace, args.top)?;
    let mut out = std::io::stdout().lock();
    table.write(&mut out, args.format.into())?;
    if args.format == Format::Table {
        writeln!(
            out,
            "\nPublished view: counts 1 to 7 shown as *, other counts rounded to 5. ONS mid-2020 estimates; rate = unregistered / ONS estimate (%), 95% limits; ranked by IMD decile (1 = most deprived) then Census 2021 share not White."
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    /// The app names the compute steps without linking the engine: the names must agree.
    #[test]
    fn the_app_names_the_engine_s_steps_as_the_engine_does() {
        assert_eq!(
            equalis_app::outreach::OUTREACH_STEP,
            equalis_engine::OUTREACH
        );
        assert_eq!(
            equalis_app::outreach::REGISTRATION_GAP_STEP,
            equalis_engine::registration::ID
        );
    }
}

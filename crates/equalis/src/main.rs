//! The `equalis` command: a thin shell over the library crates.
//!
//! `main` only parses arguments, dispatches to one module under `cmd/`, and maps the
//! outcome to an exit code; every subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// equalis: see, act on and account for inequality in an NHS integrated care system.
#[derive(Debug, Parser)]
#[command(name = "equalis", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the main job on the built-in synthetic ICS: generate, load, summarise
    Demo(cmd::demo::DemoArgs),
    /// Create a workspace: configuration, pseudonymisation key, data store
    Init(cmd::ingest::InitArgs),
    /// Load CSV, Parquet or Excel extracts into a workspace, checking every row
    Ingest(cmd::ingest::IngestArgs),
    /// Show the datasets a workspace holds
    Status(cmd::ingest::StatusArgs),
    /// Compute every indicator and the waiting-list dashboard into the workspace's results
    Compute(cmd::compute::ComputeArgs),
    /// Print results by indicator, breakdown and period (published view by default)
    Results(cmd::compute::ResultsArgs),
    /// Print the outreach cohort: households ranked by score, with reasons (pseudonyms only)
    Outreach(cmd::outreach::OutreachArgs),
    /// Key holder only: write the NHS numbers of the outreach cohort (audited)
    Reidentify(cmd::outreach::ReidentifyArgs),
    /// Print the GP registration gap by LSOA, ranked by deprivation and ethnic mix
    RegistrationGap(cmd::outreach::RegistrationGapArgs),
    /// Write the static, accessible HTML report of the results
    Report(cmd::report::ReportArgs),
    /// Write the annual equality report of a financial year (objectives, EDS 2022, workforce,
    /// health inequalities) as accessible HTML
    AnnualReport(cmd::annual_report::AnnualReportArgs),
    /// Write the quarterly board pack (workforce dashboard, waiting-list equalisation,
    /// objective progress, overdue impact assessment reviews) as HTML and a tagged PDF
    BoardPack(cmd::board_pack::BoardPackArgs),
    /// Public-health statistics on a CSV file (proportions, rates, DSR, SII, SPC, ...)
    Stats(cmd::stats::StatsArgs),
    /// Citizens' Panel: quotas, fair selection by lottery, replacements
    Panel(cmd::panel::PanelArgs),
    /// Workforce equality: WRES, WDES, pay gaps, the quarterly dashboard
    Workforce(cmd::workforce::WorkforceArgs),
    /// Generate a realistic synthetic ICS: every contract dataset as CSV
    Synth(cmd::synth::SynthArgs),
    /// Accounts of the web application: add, reset, disable, enable, set-role, list (audited)
    User(cmd::user::UserArgs),
    /// The web application's audit log: verify its chain, list its newest entries
    Audit(cmd::audit::AuditArgs),
    /// Serve the web application: dashboards, sign-in and the JSON API of a workspace
    Serve(cmd::serve::ServeArgs),
    /// The directory of services (Open Referral UK 3.0): import
    Directory(cmd::directory::DirectoryArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Init(args) => cmd::ingest::init(args),
        Command::Ingest(args) => cmd::ingest::ingest(args),
        Command::Status(args) => cmd::ingest::status(args),
        Command::Compute(args) => cmd::compute::run_compute(args),
        Command::Results(args) => cmd::compute::run_results(args),
        Command::Outreach(args) => cmd::outreach::run_outreach(args),
        Command::Reidentify(args) => cmd::outreach::run_reidentify(args),
        Command::RegistrationGap(args) => cmd::outreach::run_registration_gap(args),
        Command::Report(args) => cmd::report::run(args),
        Command::AnnualReport(args) => cmd::annual_report::run(args),
        Command::BoardPack(args) => cmd::board_pack::run(args),
        Command::Stats(args) => cmd::stats::run(args),
        Command::Panel(args) => cmd::panel::run(args),
        Command::Synth(args) => cmd::synth::run(args),
        Command::Workforce(args) => cmd::workforce::run(args),
        Command::User(args) => cmd::user::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Directory(args) => cmd::directory::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // The last exit of every message: nothing like an NHS number leaves in one.
            let message = format!("{err:#}");
            eprintln!("error: {}", equalis_vocab::redact_nhs_numbers(&message));
            ExitCode::from(2)
        }
    }
}

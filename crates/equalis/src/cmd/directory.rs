//! `equalis directory import`: an ORUK JSON file, or a CSV/Excel file in the flat layout
//! (`docs/DIRECTORY.md`), into the directory of services (`equalis_app::directory`), every
//! item or row accepted or rejected with its reasons.

use std::path::PathBuf;
use std::process::ExitCode;

use equalis_directory::Kind;
use equalis_store::Actor;

use super::ingest::EXIT_REJECTED;
use super::store::{StoreArgs, block_on};

/// Arguments of `equalis directory`.
#[derive(Debug, clap::Args)]
pub struct DirectoryArgs {
    #[command(subcommand)]
    pub command: DirectoryCommand,
}

/// The `directory` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DirectoryCommand {
    /// Import an Open Referral UK 3.0 JSON file (a record, an array, or an API page), or a
    /// .csv/.xlsx file in the flat layout of docs/DIRECTORY.md, into the directory of
    /// services: each item or row accepted or rejected with its reasons (exit 3 when any is
    /// rejected; a CSV's reasons also go to the workspace's rejects/); changes are audited
    Import(ImportArgs),
}

/// Arguments of `equalis directory import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// What the JSON file's items are; by default each item's kind is told by its fields
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Save nothing if any item or row is rejected
    #[arg(long)]
    pub strict: bool,
    /// The ORUK JSON file, or a .csv or .xlsx file in the flat layout
    pub file: PathBuf,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("one of {}", names.join(", "))
    })
}

/// Runs `equalis directory …`.
pub fn run(args: DirectoryArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DirectoryCommand::Import(a) if equalis_app::directory::table::is_table(&a.file) => {
            if a.kind.is_some() {
                anyhow::bail!(
                    "--kind is for ORUK JSON files; a CSV or Excel file holds services in the flat layout"
                );
            }
            let store = block_on(a.store.open())??;
            let rejects = match &a.store.workspace {
                Some(dir) => Some(equalis_workspace::Workspace::open(dir)?.rejects_dir()),
                None => None,
            };
            let report = block_on(equalis_app::directory::table::import_table(
                &store,
                &Actor::command_line(),
                &a.file,
                rejects.as_deref(),
                a.strict,
            ))??;
            print!("{}", report.to_text(&a.file.display().to_string()));
            Ok(if report.rejected() > 0 {
                ExitCode::from(EXIT_REJECTED)
            } else {
                ExitCode::SUCCESS
            })
        }
        DirectoryCommand::Import(a) => {
            let store = block_on(a.store.open())??;
            let report = block_on(equalis_app::directory::import_file(
                &store,
                &Actor::command_line(),
                &a.file,
                a.kind,
                a.strict,
            ))??;
            print!("{}", report.to_text(&a.file.display().to_string()));
            Ok(if report.rejected() > 0 {
                ExitCode::from(EXIT_REJECTED)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

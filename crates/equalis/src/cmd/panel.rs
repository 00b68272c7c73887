//! `equalis panel`: placeholder until its owner lands the real command.

use std::process::ExitCode;

/// Arguments of `equalis panel`.
#[derive(Debug, clap::Args)]
pub struct PanelArgs {}

/// Runs `equalis panel`.
pub fn run(_args: PanelArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("equalis panel is not built yet")
}

//! `equalis stats`: placeholder until its owner lands the real command.

use std::process::ExitCode;

/// Arguments of `equalis stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {}

/// Runs `equalis stats`.
pub fn run(_args: StatsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("equalis stats is not built yet")
}

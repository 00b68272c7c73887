//! `equalis synth`: placeholder until its owner lands the real command.

use std::process::ExitCode;

/// Arguments of `equalis synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {}

/// Runs `equalis synth`.
pub fn run(_args: SynthArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("equalis synth is not built yet")
}

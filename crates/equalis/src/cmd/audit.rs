//! `equalis audit verify` and `equalis audit list`: the store's tamper-evident audit log.

use std::process::ExitCode;

use super::store::{StoreArgs, block_on};

/// Exit status of `audit verify` when the chain is broken: the check ran and found
/// tampering (2 is kept for "could not check").
pub const EXIT_TAMPERED: u8 = 3;

/// Arguments of `equalis audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// The `audit` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check that no entry was changed, removed or reordered (exit 3 names the first that was)
    Verify(VerifyArgs),
    /// Print the newest entries, oldest first (`audit verify` checks them)
    List(AuditListArgs),
}

/// Arguments of `equalis audit verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `equalis audit list`.
#[derive(Debug, clap::Args)]
pub struct AuditListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// How many of the newest entries to print.
    #[arg(long, default_value_t = 50)]
    pub last: i64,
}

/// Runs `equalis audit …`.
pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AuditCommand::Verify(a) => {
            let store = block_on(a.store.open())??;
            let v = block_on(store.verify_audit())??;
            match (&v.problem, &v.head) {
                (Some(problem), _) => {
                    eprintln!(
                        "error: the audit log of {} has been tampered with: {problem}",
                        store.describe()
                    );
                    eprintln!(
                        "\nhint: entries before {} are intact; keep a copy of the store as it is for investigation, and restore the audit log from a backup",
                        problem.seq
                    );
                    Ok(ExitCode::from(EXIT_TAMPERED))
                }
                (None, Some((seq, hash))) => {
                    println!(
                        "The audit log is intact: {} entries, each following the one before.",
                        v.entries
                    );
                    println!("Last entry: {seq}, hash {hash}");
                    eprintln!(
                        "Record the last entry's number and hash somewhere else (a board paper, a ticket): a later `audit verify` that shows a lower number means entries were removed from the end."
                    );
                    Ok(ExitCode::SUCCESS)
                }
                (None, None) => {
                    println!("The audit log is empty.");
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        AuditCommand::List(a) => {
            let store = block_on(a.store.open())??;
            let entries = block_on(store.latest_audit_entries(a.last.max(0)))??;
            if entries.is_empty() {
                eprintln!("The audit log is empty.");
            }
            for e in &entries {
                println!(
                    "{:>6}  {}  {:<28}  {:<20}  {}  {}",
                    e.seq, e.at, e.actor, e.action, e.subject, e.detail
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! One module per subcommand.

pub mod annual_report;
pub mod audit;
pub mod board_pack;
pub mod compute;
pub mod demo;
pub mod directory;
pub mod ingest;
pub mod output;
pub mod outreach;
pub mod panel;
pub mod report;
pub mod serve;
pub mod stats;
pub mod store;
pub mod synth;
pub mod user;
pub mod workforce;

/// Opens a workspace and tells the user what they should know about it (a key others can
/// read, or one that cannot be read): every command that opens a workspace goes through here.
pub fn open_workspace(dir: &std::path::Path) -> anyhow::Result<equalis_workspace::Workspace> {
    let ws = equalis_workspace::Workspace::open(dir)?;
    for w in ws.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(ws)
}

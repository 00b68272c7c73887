//! One module per subcommand.

pub mod ingest;
pub mod panel;
pub mod stats;
pub mod synth;

//! One module per subcommand.

pub mod demo;
pub mod ingest;
pub mod panel;
pub mod stats;
pub mod synth;
pub mod workforce;

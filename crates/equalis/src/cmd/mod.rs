//! One module per subcommand.

pub mod panel;
pub mod stats;
pub mod synth;

//! One module per subcommand.

pub mod audit;
pub mod compute;
pub mod dataset;
pub mod demo;
pub mod ingest;
pub mod output;
pub mod outreach;
pub mod panel;
pub mod panel_quotas;
pub mod panel_report;
pub mod report;
pub mod stats;
pub mod store;
pub mod synth;
pub mod user;
pub mod workforce;

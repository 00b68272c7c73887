//! The use cases of equalis: a workspace in, a published document out, and the writers of
//! that document (text, CSV, JSON, xlsx). The command line and the web server call the same
//! functions here, so a figure is built and published once.
//!
//! The API is plain data (view types with public fields) that every edge renders. There is no
//! argument parsing, terminal or progress bar here, and no DataFusion: computing results
//! stays with `equalis-engine`, which the binary calls; this crate reads what is stored.
//!
//! One use case takes no workspace: [`stats`] runs the statistics on an analyst's own CSV of
//! aggregates (`equalis stats`) and gives back their table, not a published document; and
//! [`directory`] imports an ORUK file into the store's directory of services.

pub mod annual;
pub mod assurance_demo;
pub mod board_pack;
pub(crate) mod dataset;
pub mod demo;
pub mod directory;
pub mod directory_search;
pub mod eds_report;
pub mod engage;
pub mod engage_demo;
pub mod engage_export;
mod error;
pub mod evidence;
pub mod objectives;
pub use error::{Error, ErrorKind, Result};

pub mod output;
pub mod outreach;
pub mod panel;
pub mod pdf;
pub mod reach;
pub mod results;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod workforce;

/// Hears of long work that cannot say how far it has got (the fair lottery's solver): the
/// command line shows a spinner, a web handler or a test nothing ([`Quiet`]).
pub trait Progress {
    /// The work described by `message` has started.
    fn start(&self, message: String);
    /// The work has ended.
    fn finish(&self);
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _message: String) {}
    fn finish(&self) {}
}

#[cfg(test)]
mod tests {
    /// The web server links this crate and must not link DataFusion, nor a command line's
    /// machinery: none of them may become a dependency here.
    #[test]
    fn the_app_depends_on_no_query_engine_and_no_terminal() {
        let manifest = include_str!("../Cargo.toml");
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|d| d.split("\n[").next())
            .unwrap_or_default();
        assert!(deps.contains("equalis-workforce"), "read the wrong section");
        for forbidden in [
            "equalis-engine",
            "datafusion",
            "clap",
            "indicatif",
            "rpassword",
        ] {
            assert!(
                !deps.lines().any(|l| l.trim_start().starts_with(forbidden)),
                "equalis-app must not depend on `{forbidden}`"
            );
        }
    }
}

//! Output helpers of the command line: the `--format` flag and a spinner for long work. The
//! printers themselves are `equalis_app::output`'s.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Output format of the listings (`results`, `outreach`, `registration-gap`, `panel quotas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// CSV.
    Csv,
    /// JSON: an array of rows.
    Json,
}

impl From<Format> for equalis_app::output::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => equalis_app::output::Format::Table,
            Format::Csv => equalis_app::output::Format::Csv,
            Format::Json => equalis_app::output::Format::Json,
        }
    }
}

/// A spinner on stderr with a message and the time elapsed, for work that cannot say how far
/// it has got; hidden when stderr is not a terminal, so scripts and logs see nothing.
pub(crate) fn spinner(message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

//! The results store of equalis.
//!
//! `equalis compute` writes every figure it computes into one long table of [`ResultRow`]s
//! (one row per indicator, period, breakdown and group), plus the inequality summaries
//! ([`InequalityRow`]: SII and RII) and SPC series ([`SpcRow`]). They are stored as Parquet
//! files in `DIR/results/` with the definitions and data versions in the file metadata, and
//! replaced atomically: a failed compute leaves the previous results in place.
//!
//! Nothing is read back out for people except through [`publish`]: the published view passes
//! every count and every value derived from one through `equalis-disclosure`; the analyst view
//! is an explicit, named choice ([`View::Analyst`]).
//!
//! This crate knows nothing of DataFusion: the report and the command line read results
//! without linking the query engine.
#![deny(missing_docs)]

mod publish;
mod row;
mod store;

pub use publish::{
    PublishedInequality, PublishedRow, PublishedShortfall, PublishedSpc, RECORDING_GAP, View,
    count_bounds, publish, publish_shortfall,
};
pub use row::{Comparison, InequalityRow, ResultRow, SpcRow, Statistic};
pub use store::{
    AnalystRows, DatasetRef, ErrorKind, IndicatorInfo, Metadata, Results, ResultsError,
    ResultsWriter, current_version, read_metadata, read_results, read_table_named,
};

//! Assurance: what an ICB publishes to show it meets its equality duties.
//!
//! - **Equality objectives** ([`Objective`]): the Public Sector Equality Duty's specific duty
//!   (Equality Act 2010 (Specific Duties and Public Authorities) Regulations 2017, reg. 5) to
//!   publish one or more objectives at least every four years. Each objective has
//!   [`Measure`]s linked to an equalis figure by reference ([`FigureRef`]: a catalogue
//!   indicator by a breakdown and group or gap, a WRES or WDES row, a pay gap measure, an
//!   engagement reach figure), with
//!   a baseline, a target and a direction; [`progress`] reads a series of the figure's
//!   published values and says whether the measure is on track, with an SPC chart
//!   (`equalis-stats`) where the series is long enough.
//! - **EDS 2022** ([`eds`]): NHS England's Equality Delivery System 2022, its 3 domains and 11
//!   outcomes as data, scores 0–3 by the raters the guidance names, and the domain and overall
//!   ratings ([`eds::summarise`]).
//!
//! **Architecture invariant:** no I/O: no database, no HTTP, no files, no query engine.
//! Plain values in, plain values (and field-level errors) out; `equalis-store` keeps them,
//! `equalis-app` resolves figure references against the published views, `equalis-web`
//! shows them.
//!
//! **Architecture invariant:** a measure holds a *reference* to a figure, never a typed
//! value of it other than its baseline and target: progress is always computed from the
//! figures equalis publishes.

#![deny(missing_docs)]

pub mod eds;
mod figure;
pub mod narrative;
mod objective;
mod progress;
mod year;

pub use equalis_assess::{FieldError, FieldErrors};
pub use figure::{FIGURE_FIELDS, FigureRef, PayGapKind, PayGapMeasure, ReachStatistic};
pub use objective::{
    Direction, MAX_OBJECTIVE_YEARS, Measure, MeasureInput, Objective, ObjectiveInput,
};
pub use progress::{
    MIN_SPC_POINTS, Progress, SeriesPoint, SpcSummary, Status, expected_value, progress,
};
pub use year::FinancialYear;

//! Workforce equality calculations for NHS organisations and integrated care systems: the
//! Workforce Race Equality Standard (WRES), the Workforce Disability Equality Standard
//! (WDES), gender, ethnicity and disability pay gaps, the quarterly workforce dashboard and
//! board representativeness.
//!
//! **Architecture invariant:** no I/O, no Arrow, no serde. Input is plain records
//! ([`WorkforceData`]) mirroring the data contract's workforce datasets, already parsed with
//! the `equalis-vocab` types and validated once into a [`Workforce`]; output is plain structs
//! with public fields in a stable order, for the CLI, Excel and web edges to render and
//! serialise in their own view types.
//!
//! **Architecture invariant:** only invalid input is an error ([`WorkforceError`], from
//! [`Workforce::new`], or a snapshot date too near the ends of the calendar). A figure that cannot be computed (no BME applicants shortlisted, no
//! bonuses paid, all ethnicity unknown) is a [`Figure::Undefined`] carrying the reason, never a
//! division error, `NaN` or infinity. An indicator whose dataset was not supplied (a workspace
//! with `staff` and `recruitment` but no `employee_relations`) is a [`NotSupplied`] value that
//! names the dataset to ingest, and every other indicator of the report is still computed.
//!
//! Every report takes a [`Scope`] (one organisation or the whole ICS) and a snapshot date;
//! year on year is the same report at successive 31 March snapshots, compared with
//! [`year_on_year`]. Each module documents the conventions of its guidance:
//! [`wres`], [`wdes`], [`pay_gap`], [`dashboard`].

#![deny(missing_docs)]

mod counts;
pub mod dashboard;
mod error;
mod figure;
pub mod pay_gap;
mod records;
mod scope;
mod select;
pub mod wdes;
pub mod wres;

pub use counts::{DisabilityCounts, DisabilityDifference, EthnicityCounts, EthnicityDifference};
pub use error::WorkforceError;
pub use figure::{Figure, GroupRate, ImpactAssessment, RateComparison, RelativeLikelihood};
pub use records::{
    Application, Dataset, ErCase, ErProcess, LocalPopulation, NotSupplied, StaffRecord,
    SurveyGroup, SurveyResult, TrainingRecord, Workforce, WorkforceData,
};
pub use scope::{Scope, all_scopes};
pub use select::{SurveyComparison, SurveyFigure, survey_keys, survey_year_for};

use jiff::civil::Date;

/// How a figure moved from one report to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// Earlier snapshot date.
    pub from: Date,
    /// Later snapshot date.
    pub to: Date,
    /// The figure at `from`.
    pub previous: Figure,
    /// The figure at `to`.
    pub current: Figure,
    /// `current − previous`.
    pub change: Figure,
}

/// Year on year: the change in one figure between consecutive reports (sorted by date
/// first), e.g. `year_on_year(&reports, |r| r.snapshot_date, |r| r.indicator2.comparison.relative_likelihood.value)`.
pub fn year_on_year<T>(
    reports: &[T],
    date: impl Fn(&T) -> Date,
    figure: impl Fn(&T) -> Figure,
) -> Vec<Change> {
    let mut points: Vec<(Date, Figure)> = reports.iter().map(|r| (date(r), figure(r))).collect();
    points.sort_by_key(|p| p.0);
    points
        .windows(2)
        .map(|w| Change {
            from: w[0].0,
            to: w[1].0,
            previous: w[0].1,
            current: w[1].1,
            change: w[1].1.minus(w[0].1),
        })
        .collect()
}

/// The snapshot dates in the staff data that fall on 31 March: the annual WRES, WDES and
/// pay gap snapshots, ascending.
pub fn annual_snapshots(data: &Workforce) -> Vec<Date> {
    data.snapshot_dates()
        .into_iter()
        .filter(|d| d.month() == 3 && d.day() == 31)
        .collect()
}

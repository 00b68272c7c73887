//! Statistical disclosure control: the one module through which every published number passes.
//!
//! **Architecture invariant:** nothing leaves equalis (HTML, CSV, Excel, API) except as a
//! [`Publishable`], and only this crate can construct one: its field is private and every
//! constructor applies a policy. A caller cannot forget disclosure control, because there is no
//! other way to obtain something the output layers accept.
//!
//! Two policies are provided:
//!
//! * [`Nhsd2018`]: the NHS Digital policy for HES and ECDS from September 2018. Below national
//!   level, counts 1–7 become `*` and other counts are rounded to the nearest 5 (0 stays 0);
//!   percentages are computed from the rounded numbers and are `*` if either is; standardised
//!   rates, confidence limits and other complex calculations are exempt; national figures are
//!   exempt. Besides the rules of the policy itself it names the few places where a figure
//!   is published otherwise, so that each is a decision made here rather than a bypass: a
//!   measure regulations define ([`Nhsd2018::statutory_measure`], the pay gap measures of
//!   SI 2017/353), counts within a board of public office holders
//!   ([`Nhsd2018::public_office_count`]), exact counts under a named exemption such as a return
//!   to a regulator ([`Nhsd2018::exact_count`], [`Exemption::Return`]), and a count derived
//!   from others, withheld with any of them ([`Nhsd2018::derived_count`]).
//! * [`TableSuppression`]: primary suppression of small cells plus secondary (complementary)
//!   suppression for two-way tables whose row and column totals are published exactly, so that no
//!   suppressed cell can be recalculated from the totals.
//!
//! Thresholds, symbol and rounding base are configurable ([`Thresholds`]).

#![deny(missing_docs)]

mod nhsd;
mod table;

use std::fmt;

pub use nhsd::{Exemption, Level, Nhsd2018};
pub use table::{SuppressedTable, TableSuppression};

/// A value that has passed a disclosure policy. Only this crate can construct one.
#[derive(Debug, Clone, PartialEq)]
pub struct Publishable<T> {
    value: T,
}

impl<T> Publishable<T> {
    /// Wraps a value that a policy in this crate has just made safe.
    pub(crate) fn new(value: T) -> Self {
        Self { value }
    }

    /// The published value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The published value, by value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl Publishable<Cell> {
    /// A cell with no value (e.g. the limits of a statistic that was not calculated): it
    /// reveals nothing, so any layer may make one.
    pub fn not_applicable() -> Self {
        Self::new(Cell::NotApplicable)
    }
}

impl<T: fmt::Display> fmt::Display for Publishable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// One published cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A count as published (rounded below national level under [`Nhsd2018`]).
    Count(u64),
    /// A percentage (0–100) computed from published counts.
    Percentage(f64),
    /// A number exempt from disclosure control (standardised rate, confidence limit, national).
    Value(f64),
    /// A value withheld, shown as the policy's symbol.
    Suppressed(String),
    /// A value that does not exist (e.g. a percentage of a denominator published as 0).
    NotApplicable,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Count(c) => write!(f, "{c}"),
            Cell::Percentage(p) | Cell::Value(p) => write!(f, "{p}"),
            Cell::Suppressed(symbol) => f.write_str(symbol),
            Cell::NotApplicable => Ok(()),
        }
    }
}

/// Thresholds shared by the policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    /// Counts from 1 to this value are suppressed (7 under NHS Digital 2018).
    pub threshold: u64,
    /// What a suppressed cell shows (`*` under NHS Digital 2018).
    pub symbol: String,
    /// Other counts are rounded to the nearest multiple of this (5; 1 means no rounding).
    pub rounding_base: u64,
}

impl Default for Thresholds {
    /// The NHS Digital 2018 values: suppress 1–7 as `*`, round to the nearest 5.
    fn default() -> Self {
        Self {
            threshold: 7,
            symbol: "*".into(),
            rounding_base: 5,
        }
    }
}

/// Invalid policy settings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DisclosureError {
    /// The rounding base was 0.
    #[error("rounding base must be at least 1 (use 1 for no rounding)")]
    ZeroRoundingBase,
    /// Table rows had different lengths.
    #[error("table row {row} has {found} cells but row 0 has {expected}")]
    RaggedTable {
        /// The row index.
        row: usize,
        /// Cells in that row.
        found: usize,
        /// Cells in the first row.
        expected: usize,
    },
    /// An exempt value was not a finite number.
    #[error("exempt value must be finite (got {0})")]
    NotFinite(f64),
}

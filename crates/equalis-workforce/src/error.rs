//! The one error type of the workforce calculations: input that breaks a rule of the data
//! contract. Calculations never fail for any other reason; an undefined figure (a division
//! by zero, an empty group) is a [`crate::Figure::Undefined`] value, not an error.

use jiff::civil::Date;

/// Input that a calculation cannot accept. Every message names the record and the field so
/// the EDI lead can find and correct the row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkforceError {
    /// A money amount is negative, infinite or not a number.
    #[error("staff record `{staff_id}`: `{field}` must be a non-negative amount (found {value})")]
    InvalidMoney {
        /// Pseudonymised staff id.
        staff_id: String,
        /// The column.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// `pay_period_days` is zero.
    #[error("staff record `{staff_id}`: `pay_period_days` must be at least 1")]
    ZeroPayPeriod {
        /// Pseudonymised staff id.
        staff_id: String,
    },
    /// `weekly_hours` is zero, negative or not a number.
    #[error(
        "staff record `{staff_id}`: `weekly_hours` must be greater than 0 (found {value}); for variable hours use the 12-week average the regulations prescribe"
    )]
    InvalidWeeklyHours {
        /// Pseudonymised staff id.
        staff_id: String,
        /// The value found.
        value: f64,
    },
    /// `fte` is outside 0–2.
    #[error("staff record `{staff_id}`: `fte` must be between 0 and 2 (found {value})")]
    InvalidFte {
        /// Pseudonymised staff id.
        staff_id: String,
        /// The value found.
        value: f64,
    },
    /// The same staff id appears twice in one organisation's snapshot.
    #[error(
        "staff record `{staff_id}` appears more than once in organisation `{org_code}` on {snapshot_date}"
    )]
    DuplicateStaff {
        /// Pseudonymised staff id.
        staff_id: String,
        /// Organisation.
        org_code: String,
        /// Snapshot date.
        snapshot_date: Date,
    },
    /// An application is marked appointed but not shortlisted (the contract says appointed
    /// implies shortlisted).
    #[error("application `{application_id}`: appointed but not shortlisted")]
    AppointedNotShortlisted {
        /// Application id.
        application_id: String,
    },
    /// A staff survey row counts more positive answers than respondents.
    #[error(
        "staff survey `{org_code}` {year} `{question}`: positive ({positive}) exceeds respondents ({respondents})"
    )]
    SurveyPositiveExceedsRespondents {
        /// Organisation.
        org_code: String,
        /// Survey year.
        year: i16,
        /// Question key.
        question: String,
        /// Positive count.
        positive: u64,
        /// Respondents.
        respondents: u64,
    },
    /// A date calculation left the supported calendar range.
    #[error("date arithmetic from {date} left the supported calendar range")]
    DateOutOfRange {
        /// The starting date.
        date: Date,
    },
}

//! Reporting scope: one organisation, or the whole integrated care system (every
//! organisation in the data together), and the reporting periods derived from a snapshot date.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::{Workforce, WorkforceError};

/// Which organisations a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// One organisation, by ODS code.
    Organisation(String),
    /// Every organisation in the data together.
    Ics,
}

impl Scope {
    /// Whether a record of `org_code` belongs to this scope.
    pub fn includes(&self, org_code: &str) -> bool {
        match self {
            Scope::Organisation(code) => code == org_code,
            Scope::Ics => true,
        }
    }

    /// The ODS code, or `ICS` for the system as a whole.
    pub fn label(&self) -> &str {
        match self {
            Scope::Organisation(code) => code,
            Scope::Ics => "ICS",
        }
    }
}

/// Every organisation found in the staff and recruitment data (ODS code order), then the
/// ICS as a whole: the stable order in which reports are listed.
pub fn all_scopes(data: &Workforce) -> Vec<Scope> {
    data.scopes().to_vec()
}

/// The half-open window `(start, end]` of `years` years ending on `end`: with a 31 March
/// snapshot and one year this is the financial year 1 April to 31 March.
pub(crate) fn window_start(end: Date, years: i16) -> Result<Date, WorkforceError> {
    end.checked_sub(years.years())
        .map_err(|_| WorkforceError::DateOutOfRange { date: end })
}

/// Whether `date` lies in `(start, end]`.
pub(crate) fn in_window(date: Date, start: Date, end: Date) -> bool {
    date > start && date <= end
}

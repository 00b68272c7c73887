//! Whether a service's entry is fresh: reviewed within the last 12 months.
//!
//! The review date is ORUK's `assured_date` ("the date the information about the service was
//! last checked"). `last_modified` is not a review: an edit to one field says nothing about
//! the rest. A service never assured counts as stale, since no one has vouched for it.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::model::Service;

/// How many months a review stays good.
pub const FRESH_MONTHS: i32 = 12;

/// A service's freshness on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Reviewed within the last [`FRESH_MONTHS`] months.
    Fresh {
        /// When.
        reviewed: Date,
    },
    /// Last reviewed longer ago.
    Stale {
        /// When.
        reviewed: Date,
    },
    /// Never reviewed (no `assured_date`, or one that is not a date).
    NeverReviewed,
}

impl Freshness {
    /// Whether the entry needs a review.
    pub fn is_stale(self) -> bool {
        !matches!(self, Freshness::Fresh { .. })
    }

    /// The review date, if any.
    pub fn reviewed(self) -> Option<Date> {
        match self {
            Freshness::Fresh { reviewed } | Freshness::Stale { reviewed } => Some(reviewed),
            Freshness::NeverReviewed => None,
        }
    }
}

/// The oldest review date that is still fresh on `today`: the same day 12 months earlier
/// (29 February falls back to 28 February).
pub fn fresh_since(today: Date) -> Date {
    // Subtracting 12 months from a valid date cannot leave jiff's range in any realistic year;
    // saturate rather than panic on one that does.
    today
        .checked_sub(FRESH_MONTHS.months())
        .unwrap_or(Date::MIN)
}

/// The freshness of `service` on `today`.
pub fn freshness(service: &Service, today: Date) -> Freshness {
    match service
        .assured_date
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
    {
        Some(reviewed) if reviewed >= fresh_since(today) => Freshness::Fresh { reviewed },
        Some(reviewed) => Freshness::Stale { reviewed },
        None => Freshness::NeverReviewed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ServiceStatus;
    use jiff::civil::date;

    fn service(assured: Option<&str>) -> Service {
        let mut s: Service = serde_json::from_value(serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Counselling",
            "status": "active",
        }))
        .unwrap();
        s.assured_date = assured.map(str::to_string);
        assert_eq!(s.status, ServiceStatus::Active);
        s
    }

    #[test]
    fn twelve_months_to_the_day_is_fresh_one_more_is_stale() {
        let today = date(2026, 12, 4);
        assert_eq!(
            freshness(&service(Some("2025-12-04")), today),
            Freshness::Fresh {
                reviewed: date(2025, 12, 4)
            }
        );
        assert_eq!(
            freshness(&service(Some("2025-12-03")), today),
            Freshness::Stale {
                reviewed: date(2025, 12, 3)
            }
        );
        assert!(freshness(&service(Some("2025-12-03")), today).is_stale());
    }

    #[test]
    fn never_reviewed_is_stale() {
        let today = date(2026, 12, 4);
        assert_eq!(freshness(&service(None), today), Freshness::NeverReviewed);
        assert_eq!(
            freshness(&service(Some("last spring")), today),
            Freshness::NeverReviewed
        );
        assert!(Freshness::NeverReviewed.is_stale());
    }

    #[test]
    fn leap_day() {
        assert_eq!(fresh_since(date(2028, 2, 29)), date(2027, 2, 28));
    }
}

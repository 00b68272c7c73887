//! The periods measures are computed for, found from the data: financial or calendar years
//! covered by the activity (events and admissions), and the waiting-list snapshots.

use datafusion::arrow::array::{Array, Date32Array};
use datafusion::prelude::SessionContext;
use jiff::civil::Date;

use crate::EngineError;
use crate::catalogue::PeriodKind;
use crate::tables::Loaded;

/// One period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// How it is written in results: `2025/26`, `2025` or `2026-03-29`.
    pub label: String,
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

impl Period {
    /// The SQL literal of the first day.
    pub fn start_sql(&self) -> String {
        format!("DATE '{}'", self.start)
    }
    /// The SQL literal of the last day.
    pub fn end_sql(&self) -> String {
        format!("DATE '{}'", self.end)
    }
}

/// The date ranges in the data.
#[derive(Debug, Clone, Default)]
pub struct Periods {
    /// First and last date of events and admissions.
    pub activity: Option<(Date, Date)>,
    /// Waiting-list snapshot dates, ascending.
    pub snapshots: Vec<Date>,
}

/// Days since 1970-01-01 (Arrow's `Date32`) as a date.
pub fn from_days(days: i32) -> Date {
    // The dates were parsed by equalis's own ingest into a range jiff accepts, so adding days
    // to the epoch cannot overflow.
    Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(Date::constant(1970, 1, 1))
}

async fn dates(ctx: &SessionContext, sql: &str) -> Result<Vec<Date>, EngineError> {
    let batches = ctx
        .sql(sql)
        .await
        .map_err(|e| EngineError::engine("finding the periods in the data", e))?
        .collect()
        .await
        .map_err(|e| EngineError::engine("finding the periods in the data", e))?;
    let mut out = Vec::new();
    for b in &batches {
        for c in b.columns() {
            let Some(a) = c.as_any().downcast_ref::<Date32Array>() else {
                continue;
            };
            out.extend(
                (0..a.len())
                    .filter(|&i| a.is_valid(i))
                    .map(|i| from_days(a.value(i))),
            );
        }
    }
    Ok(out)
}

impl Periods {
    /// Reads the date ranges from the registered tables.
    pub async fn discover(ctx: &SessionContext, loaded: &Loaded) -> Result<Periods, EngineError> {
        let mut found = Vec::new();
        if loaded.has("events") {
            found.extend(
                dates(
                    ctx,
                    "SELECT min(event_date), max(event_date) FROM events_raw",
                )
                .await?,
            );
        }
        if loaded.has("admissions") {
            found.extend(
                dates(
                    ctx,
                    "SELECT min(admission_date), max(admission_date) FROM admissions_raw",
                )
                .await?,
            );
        }
        let activity = match (found.iter().min(), found.iter().max()) {
            (Some(&a), Some(&b)) => Some((a, b)),
            _ => None,
        };
        let mut snapshots = if loaded.has("waiting_list") {
            dates(ctx, "SELECT DISTINCT snapshot_date FROM waiting_list_raw").await?
        } else {
            Vec::new()
        };
        snapshots.sort_unstable();
        Ok(Periods {
            activity,
            snapshots,
        })
    }

    /// The periods of a kind. Years are those the activity covers completely (a year with a
    /// few weeks of data would give a misleading figure); if none is complete, the latest
    /// partial year.
    pub fn of(&self, kind: PeriodKind) -> Vec<Period> {
        match kind {
            PeriodKind::LatestSnapshot => self
                .snapshots
                .last()
                .map(|&d| Period {
                    label: d.to_string(),
                    start: d,
                    end: d,
                })
                .into_iter()
                .collect(),
            PeriodKind::FinancialYear | PeriodKind::CalendarYear => {
                let Some((first, last)) = self.activity else {
                    return Vec::new();
                };
                let fy = kind == PeriodKind::FinancialYear;
                let year_of = |d: Date| {
                    if fy && d.month() < 4 {
                        d.year() - 1
                    } else {
                        d.year()
                    }
                };
                let span = |y: i16| -> Period {
                    if fy {
                        Period {
                            label: format!("{}/{:02}", y, (y + 1) % 100),
                            start: Date::new(y, 4, 1).unwrap_or(first),
                            end: Date::new(y + 1, 3, 31).unwrap_or(last),
                        }
                    } else {
                        Period {
                            label: y.to_string(),
                            start: Date::new(y, 1, 1).unwrap_or(first),
                            end: Date::new(y, 12, 31).unwrap_or(last),
                        }
                    }
                };
                let all: Vec<Period> = (year_of(first)..=year_of(last)).map(span).collect();
                // Complete: activity starts within the year's first month and runs to within
                // its last week.
                let complete: Vec<Period> = all
                    .iter()
                    .filter(|p| {
                        first <= p.start.saturating_add(jiff::Span::new().days(31))
                            && last >= p.end.saturating_sub(jiff::Span::new().days(7))
                    })
                    .cloned()
                    .collect();
                if complete.is_empty() {
                    all.into_iter().last().into_iter().collect()
                } else {
                    complete
                }
            }
        }
    }
}

impl Periods {
    /// The calendar months the activity covers completely, for the SPC trend of annual
    /// indicators. Months, not rolling 12-month windows: overlapping windows are
    /// autocorrelated, which breaks the XmR chart's limits and signals special causes that
    /// are not there.
    pub fn months(&self) -> Vec<Period> {
        let Some((first, last)) = self.activity else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut start = if first.day() == 1 {
            first
        } else {
            first
                .first_of_month()
                .saturating_add(jiff::Span::new().months(1))
        };
        loop {
            let end = start.last_of_month();
            if end > last {
                break;
            }
            out.push(Period {
                label: format!("{:04}-{:02}", start.year(), start.month()),
                start,
                end,
            });
            start = start.saturating_add(jiff::Span::new().months(1));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn financial_years_covered_completely() {
        let p = Periods {
            activity: Some((d(2024, 4, 2), d(2026, 3, 31))),
            snapshots: vec![],
        };
        let fy: Vec<_> = p
            .of(PeriodKind::FinancialYear)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(fy, ["2024/25", "2025/26"]);
        // Calendar 2024 starts in April and 2026 ends in March: only 2025 is complete.
        let cy: Vec<_> = p
            .of(PeriodKind::CalendarYear)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(cy, ["2025"]);
        let partial = Periods {
            activity: Some((d(2025, 6, 1), d(2025, 9, 30))),
            snapshots: vec![],
        };
        let fy: Vec<_> = partial
            .of(PeriodKind::FinancialYear)
            .into_iter()
            .map(|p| p.label)
            .collect();
        assert_eq!(fy, ["2025/26"]);
    }

    #[test]
    fn whole_months_of_activity() {
        let p = Periods {
            activity: Some((d(2024, 4, 2), d(2026, 3, 30))),
            snapshots: vec![],
        };
        let m = p.months();
        // April 2024 starts on the 2nd and March 2026 ends on the 30th: both incomplete.
        assert_eq!(m.len(), 22);
        assert_eq!((m[0].start, m[0].end), (d(2024, 5, 1), d(2024, 5, 31)));
        assert_eq!(m[21].label, "2026-02");
    }

    #[test]
    fn latest_snapshot_and_epoch_days() {
        let p = Periods {
            activity: None,
            snapshots: vec![d(2026, 3, 22), d(2026, 3, 29)],
        };
        assert_eq!(p.of(PeriodKind::LatestSnapshot)[0].label, "2026-03-29");
        assert!(p.of(PeriodKind::FinancialYear).is_empty());
        assert_eq!(from_days(0), d(1970, 1, 1));
        assert_eq!(from_days(20_000), d(2024, 10, 4));
    }
}

//! Progress of a measure: where its figure is against the straight path from the baseline to
//! the target, from the published values of each year.
//!
//! **Rule.** The expected value in year *y* is the baseline moved in a straight line towards
//! the target: `baseline + (target − baseline) × (y − baseline year) / (target year −
//! baseline year)`, held at the target after the target year. A measure is **on track** when
//! its latest published value is at least as good as the expected value for its year (which,
//! in the baseline's year, means no worse than the baseline), **not on track** when it is
//! worse, and has **no data** when no value has been published since the baseline (a value
//! withheld by disclosure control is not a value). Points before the baseline's year inform
//! the SPC chart only.
//!
//! **SPC.** With at least [`MIN_SPC_POINTS`] published values, the series is also drawn as an
//! XmR chart with the Making Data Count rules (`equalis_stats::spc`), with the target for
//! assurance, so a board sees whether a change is a signal or noise; a chart whose limits
//! cannot be read says why.

use equalis_stats::{ImprovementDirection, SpcOptions, spc};

use crate::objective::{Direction, Measure};
use crate::year::FinancialYear;

/// The fewest values drawn as an SPC chart. Making Data Count asks for 15 to 20 points for
/// stable limits and accepts 12 as the least from which limits mean something.
pub const MIN_SPC_POINTS: usize = 12;

/// One year's published value of a figure; `None` when nothing was published (withheld as a
/// small number, or not computed for want of data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// The year.
    pub year: FinancialYear,
    /// The published value.
    pub value: Option<f64>,
}

/// Where a measure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// At least as good as the straight path from the baseline to the target.
    OnTrack,
    /// Worse than that path.
    NotOnTrack,
    /// No value published since the baseline.
    NoData,
}

impl Status {
    /// In words, for a report.
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On track",
            Status::NotOnTrack => "Not on track",
            Status::NoData => "No data",
        }
    }

    /// The stored and CSS name.
    pub fn name(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::NotOnTrack => "not_on_track",
            Status::NoData => "no_data",
        }
    }
}

/// The SPC reading of a measure's series.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcSummary {
    /// Values charted.
    pub points: usize,
    /// The variation of the latest point (`common_cause`, `special_cause_improvement`, …).
    pub latest: &'static str,
    /// Whether the process will meet the target (`consistent_pass`, `consistent_fail`,
    /// `inconsistent`), when the limits can be read.
    pub assurance: Option<&'static str>,
    /// Why the limits cannot be read, when they cannot.
    pub unreliable: Option<String>,
}

/// The progress of a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// On track, not on track or no data.
    pub status: Status,
    /// The latest published value since the baseline, and its year.
    pub latest: Option<(FinancialYear, f64)>,
    /// The value expected in the latest value's year.
    pub expected: Option<f64>,
    /// Whether the latest value meets the target.
    pub target_met: bool,
    /// The latest value minus the baseline.
    pub change: Option<f64>,
    /// The SPC reading, with enough values.
    pub spc: Option<SpcSummary>,
}

/// The progress of `measure` from the published `series` (in any order; one value a year, the
/// last given for a year wins).
pub fn progress(measure: &Measure, series: &[SeriesPoint]) -> Progress {
    let mut points: Vec<SeriesPoint> = Vec::with_capacity(series.len());
    for p in series {
        match points.iter_mut().find(|q| q.year == p.year) {
            Some(q) => *q = *p,
            None => points.push(*p),
        }
    }
    points.sort_by_key(|p| p.year);
    let latest = points
        .iter()
        .rev()
        .filter(|p| p.year >= measure.baseline_year)
        .find_map(|p| p.value.filter(|v| v.is_finite()).map(|v| (p.year, v)));
    let spc = spc_summary(measure, &points);
    let Some((year, value)) = latest else {
        return Progress {
            status: Status::NoData,
            latest: None,
            expected: None,
            target_met: false,
            change: None,
            spc,
        };
    };
    let expected = expected_value(measure, year);
    let status = if measure.direction.at_least(value, expected) {
        Status::OnTrack
    } else {
        Status::NotOnTrack
    };
    Progress {
        status,
        latest: Some((year, value)),
        expected: Some(expected),
        target_met: measure.direction.at_least(value, measure.target),
        change: Some(value - measure.baseline),
        spc,
    }
}

/// The value on the straight path from the baseline to the target in `year`.
pub fn expected_value(measure: &Measure, year: FinancialYear) -> f64 {
    let span = measure.baseline_year.years_until(measure.target_year);
    let done = measure
        .baseline_year
        .years_until(year)
        .clamp(0, span.max(0));
    if span <= 0 {
        return measure.target;
    }
    measure.baseline + (measure.target - measure.baseline) * f64::from(done) / f64::from(span)
}

fn spc_summary(measure: &Measure, points: &[SeriesPoint]) -> Option<SpcSummary> {
    let values: Vec<f64> = points
        .iter()
        .filter_map(|p| p.value)
        .filter(|v| v.is_finite())
        .collect();
    if values.len() < MIN_SPC_POINTS {
        return None;
    }
    let options = SpcOptions {
        improvement: match measure.direction {
            Direction::HigherIsBetter => ImprovementDirection::Increase,
            Direction::LowerIsBetter => ImprovementDirection::Decrease,
        },
        target: Some(measure.target),
        ..SpcOptions::default()
    };
    let chart = spc(&values, &options).ok()?;
    Some(SpcSummary {
        points: values.len(),
        latest: chart.points.last()?.point_type.label(),
        assurance: chart.assurance.map(|a| a.label()),
        unreliable: chart.unreliable.map(|r| r.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{FigureRef, PayGapKind, PayGapMeasure};
    use proptest::prelude::*;

    fn fy(y: u16) -> FinancialYear {
        FinancialYear::starting(y)
    }

    /// A pay gap of 20% in 2023/24 to be brought to 12% by 2027/28: 2 points a year.
    fn pay_gap() -> Measure {
        Measure {
            name: "Median gender pay gap".into(),
            figure: FigureRef::PayGap {
                kind: PayGapKind::Gender,
                measure: PayGapMeasure::Median,
            },
            direction: Direction::LowerIsBetter,
            baseline: 20.0,
            baseline_year: fy(2023),
            target: 12.0,
            target_year: fy(2027),
        }
    }

    fn point(y: u16, v: f64) -> SeriesPoint {
        SeriesPoint {
            year: fy(y),
            value: Some(v),
        }
    }

    #[test]
    fn worked_cases_against_the_straight_path() {
        let m = pay_gap();
        // Expected 2025/26: 20 − 8 × 2/4 = 16.
        assert_eq!(expected_value(&m, fy(2025)), 16.0);
        let p = progress(
            &m,
            &[point(2023, 20.0), point(2024, 18.5), point(2025, 16.0)],
        );
        assert_eq!(p.status, Status::OnTrack, "exactly on the path is on track");
        assert_eq!(p.expected, Some(16.0));
        assert_eq!(p.change, Some(-4.0));
        assert!(!p.target_met);
        let p = progress(&m, &[point(2023, 20.0), point(2025, 16.5)]);
        assert_eq!(p.status, Status::NotOnTrack);
        let p = progress(&m, &[point(2029, 11.9)]);
        assert_eq!(
            (p.status, p.target_met, p.expected),
            (Status::OnTrack, true, Some(12.0))
        );
        // Higher is better: 40% to 60% over 2 years; 49 in year 1 is behind 50.
        let mut up = pay_gap();
        up.direction = Direction::HigherIsBetter;
        up.baseline = 40.0;
        up.target = 60.0;
        up.target_year = fy(2025);
        assert_eq!(
            progress(&up, &[point(2024, 49.0)]).status,
            Status::NotOnTrack
        );
        assert_eq!(progress(&up, &[point(2024, 50.0)]).status, Status::OnTrack);
    }

    #[test]
    fn no_data_since_the_baseline_is_no_data() {
        let m = pay_gap();
        assert_eq!(progress(&m, &[]).status, Status::NoData);
        let withheld = SeriesPoint {
            year: fy(2024),
            value: None,
        };
        let p = progress(&m, &[point(2021, 25.0), withheld]);
        assert_eq!((p.status, p.latest, p.change), (Status::NoData, None, None));
        // A withheld latest year falls back to the last published one.
        let p = progress(
            &m,
            &[
                point(2024, 19.0),
                SeriesPoint {
                    year: fy(2025),
                    value: None,
                },
            ],
        );
        assert_eq!(p.latest, Some((fy(2024), 19.0)));
        // NaN is not a value.
        assert_eq!(
            progress(&m, &[point(2024, f64::NAN)]).status,
            Status::NoData
        );
    }

    #[test]
    fn the_last_value_given_for_a_year_wins_and_order_does_not_matter() {
        let m = pay_gap();
        let p = progress(
            &m,
            &[point(2025, 15.0), point(2024, 30.0), point(2025, 17.0)],
        );
        assert_eq!(p.latest, Some((fy(2025), 17.0)));
        assert_eq!(p.status, Status::NotOnTrack);
    }

    #[test]
    fn spc_only_with_enough_points() {
        let m = pay_gap();
        let short: Vec<SeriesPoint> = (2013..2024)
            .map(|y| point(y, 20.0 + f64::from(y % 3)))
            .collect();
        assert!(progress(&m, &short).spc.is_none());
        // Twelve years of a gap around 21, then a fall to 10: below the lower limit, an
        // improvement for a lower-is-better measure.
        let mut long: Vec<SeriesPoint> = (2012..2023)
            .map(|y| point(y, 20.0 + f64::from(y % 3)))
            .collect();
        long.push(point(2023, 10.0));
        let s = progress(&m, &long).spc.expect("12 points");
        assert_eq!(s.points, 12);
        assert_eq!(s.latest, "special_cause_improvement");
        assert!(s.unreliable.is_none());
        assert!(s.assurance.is_some());
        // A series that never varies says its limits cannot be read.
        let flat: Vec<SeriesPoint> = (2010..2024).map(|y| point(y, 20.0)).collect();
        let s = progress(&m, &flat).spc.unwrap();
        assert!(s.unreliable.is_some());
        assert_eq!(s.assurance, None);
    }

    proptest! {
        /// Better values never make a measure worse off: if a value is on track, any better
        /// value in the same year is too.
        #[test]
        fn better_is_never_worse(v in 0.0..40.0f64, d in 0.0..10.0f64, y in 2023u16..2030) {
            let m = pay_gap();
            let worse = progress(&m, &[point(y, v)]);
            let better = progress(&m, &[point(y, v - d)]);
            if worse.status == Status::OnTrack {
                prop_assert_eq!(better.status, Status::OnTrack);
            }
            if worse.target_met {
                prop_assert!(better.target_met);
            }
        }

        /// The path runs from the baseline to the target and stays between them.
        #[test]
        fn the_path_stays_between_baseline_and_target(y in 2015u16..2040) {
            let m = pay_gap();
            let e = expected_value(&m, fy(y));
            prop_assert!((12.0..=20.0).contains(&e));
        }
    }
}

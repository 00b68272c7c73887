//! XmR statistical process control charts with the Making Data Count rules.
//!
//! Limits follow NHSRplotthedots (v0.2.2) and NHS England's Making Data Count (MDC) guidance;
//! where the two differ (the "2 of 3" rule since MDC's November 2023 change, 6- or 7-point
//! shifts, screening of moving ranges) the choice is an option, so a chart can match either.

use crate::{Reason, StatsError};

/// Whether higher values are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImprovementDirection {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
    /// Neither; special causes are reported as neutral.
    Neutral,
}

/// Which points count towards the "2 of 3 beyond 2σ" rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule2of3 {
    /// NHSRplotthedots: only points between the 2σ and 3σ lines count.
    Package,
    /// Making Data Count since November 2023: every point beyond 2σ counts, including beyond 3σ.
    Mdc2023,
}

/// The variation class of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointType {
    /// No special cause.
    CommonCause,
    /// Special cause in the good direction.
    Improvement,
    /// Special cause in the bad direction.
    Concern,
    /// Special cause, high, with no improvement direction.
    NeutralHigh,
    /// Special cause, low, with no improvement direction.
    NeutralLow,
}

impl PointType {
    /// The NHSRplotthedots label, e.g. "special_cause_improvement".
    pub fn label(self) -> &'static str {
        match self {
            Self::CommonCause => "common_cause",
            Self::Improvement => "special_cause_improvement",
            Self::Concern => "special_cause_concern",
            Self::NeutralHigh => "special_cause_neutral_high",
            Self::NeutralLow => "special_cause_neutral_low",
        }
    }
}

/// Whether the process can be relied on to meet a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assurance {
    /// The target lies outside the limits on the good side: the process will meet it.
    ConsistentPass,
    /// The target lies outside the limits on the bad side: the process will not meet it.
    ConsistentFail,
    /// The target lies within the limits: it will be hit and missed.
    Inconsistent,
}

impl Assurance {
    /// The NHSRplotthedots label.
    pub fn label(self) -> &'static str {
        match self {
            Self::ConsistentPass => "consistent_pass",
            Self::ConsistentFail => "consistent_fail",
            Self::Inconsistent => "inconsistent",
        }
    }
}

/// Options of [`spc`].
#[derive(Debug, Clone, PartialEq)]
pub struct SpcOptions {
    /// Indices of points that start a new period (rebased limits); 0 is implied.
    pub rebase: Vec<usize>,
    /// Compute each period's limits from its first `n` points only.
    pub fix_after: Option<usize>,
    /// Which direction is good.
    pub improvement: ImprovementDirection,
    /// Target for the assurance of the last point.
    pub target: Option<f64>,
    /// Drop moving ranges at or above 3.267·M̄R before the final M̄R (NHSRplotthedots default;
    /// the MDC Excel tool does not screen).
    pub screen_outliers: bool,
    /// Reading of the 2-of-3 rule.
    pub rule_2of3: Rule2of3,
    /// Points in a shift: 7 (default) or 6.
    pub run_length: usize,
    /// The smallest step the measurement can take (e.g. 1/7 for weeks counted in whole days);
    /// when `None`, the smallest difference between two values of the baseline. Used to
    /// detect limits too narrow to read (see [`SpcResult::unreliable`]).
    pub resolution: Option<f64>,
}

impl Default for SpcOptions {
    fn default() -> Self {
        Self {
            rebase: Vec::new(),
            fix_after: None,
            improvement: ImprovementDirection::Increase,
            target: None,
            screen_outliers: true,
            rule_2of3: Rule2of3::Package,
            run_length: 7,
            resolution: None,
        }
    }
}

/// One point of an XmR chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcPoint {
    /// The value.
    pub value: f64,
    /// Centre line.
    pub mean: f64,
    /// Lower process limit (3σ).
    pub lpl: f64,
    /// Upper process limit (3σ).
    pub upl: f64,
    /// Lower 2σ line.
    pub near_lpl: f64,
    /// Upper 2σ line.
    pub near_upl: f64,
    /// Variation class.
    pub point_type: PointType,
    /// The first special-cause rule this point triggers, e.g. "Above UCL".
    pub special_cause_rule: Option<String>,
}

/// A chart: its points and, with a target, the assurance of the last point.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcResult {
    /// Points in input order.
    pub points: Vec<SpcPoint>,
    /// Assurance against the target (none without a target or for neutral direction).
    pub assurance: Option<Assurance>,
    /// Why the limits cannot be relied on, when they cannot: the series does not vary, or its
    /// values move in steps so coarse that the limits sit within a step or two of the centre
    /// line (Wheeler's inadequate measurement units). The points and limits are still given,
    /// but a chart should not be drawn with them: every small step would read as a special
    /// cause (a series of weekly medians of whole days is the usual case).
    pub unreliable: Option<Reason>,
}

/// Upper range limit factor D₄ for moving ranges of two points (Nelson 1982).
const MR_SCREEN: f64 = 3.267;
/// 3/d₂ with d₂ = 1.128, rounded as in NHSRplotthedots and MDC.
const LIMIT_FACTOR: f64 = 2.66;
/// Minimum points in a trend.
const TREND_LENGTH: usize = 7;

/// XmR chart with Making Data Count rules, as NHSRplotthedots `ptd_spc`.
///
/// Per period (split at `rebase`): centre = mean of the baseline (first `fix_after` points, or
/// all); `M̄R` = mean moving range of the baseline, optionally screened; limits
/// `mean ± 2.66·M̄R`, 2σ lines `mean ± (2/3)·2.66·M̄R`. Rules in precedence order: a point beyond
/// a process limit; a trend of 7 points strictly rising or falling; 2 of 3 consecutive points
/// beyond 2σ on one side (only those points flagged); a shift of `run_length` points on one
/// side of the mean (a point on the mean breaks it).
///
/// A flagged point is improvement or concern by the direction of the rule that flagged it (up
/// for a point above the limit, a rising trend, 2 of 3 or a shift above the mean). This follows
/// the Making Data Count reading; NHSRplotthedots instead uses the point's side of the mean, which
/// differs only for trend points on the other side of the mean (e.g. the first points of a rising
/// trend that starts below the mean), and at the commit we read flagged falling trends
/// inconsistently, so a falling trend here is always flagged.
pub fn spc(values: &[f64], options: &SpcOptions) -> Result<SpcResult, StatsError> {
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::NotFinite {
            what: "SPC value",
            value: *v,
        });
    }
    if !(6..=7).contains(&options.run_length) {
        return Err(StatsError::InvalidArgument(format!(
            "shift run length must be 6 or 7 (got {})",
            options.run_length
        )));
    }
    let mut starts: Vec<usize> = vec![0];
    starts.extend(
        options
            .rebase
            .iter()
            .copied()
            .filter(|&i| i > 0 && i < values.len()),
    );
    starts.sort_unstable();
    starts.dedup();
    let mut points = Vec::with_capacity(values.len());
    let mut unreliable = None;
    for (s, &start) in starts.iter().enumerate() {
        let end = starts.get(s + 1).copied().unwrap_or(values.len());
        let (period_points, why) = period(&values[start..end], options)?;
        points.extend(period_points);
        unreliable = unreliable.or(why);
    }
    let assurance = match (options.target, points.last()) {
        (Some(target), Some(last)) if unreliable.is_none() => {
            assurance(target, last, options.improvement)
        }
        _ => None,
    };
    Ok(SpcResult {
        points,
        assurance,
        unreliable,
    })
}

/// Whether limits from a mean moving range `amr` can be read, for values that move in steps
/// of `resolution`. Wheeler (Understanding Statistical Process Control, "inadequate
/// measurement units"): when only one, two or three possible values of the range (0, δ, 2δ)
/// lie below the upper range limit 3.267·M̄R, the measurement is too coarse for the chart.
///
/// A mean moving range of 0 (every range 0, or every non-zero range screened out as an
/// outlier) is no variation when the values never change, and chunky data when they do.
fn reliability(amr: f64, resolution: Option<f64>) -> Option<Reason> {
    let resolution = resolution.filter(|r| *r > 0.0);
    if amr <= 0.0 && resolution.is_none() {
        return Some(Reason::NoVariation);
    }
    let resolution = resolution?;
    let upper_range_limit = MR_SCREEN * amr;
    (upper_range_limit < 3.0 * resolution).then_some(Reason::ChunkyData {
        resolution,
        upper_range_limit,
    })
}

/// The smallest difference between two distinct values (differences within 1e-9 of the
/// values' scale count as none), as an estimate of the measurement's resolution.
fn smallest_step(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let scale = sorted.iter().fold(0.0_f64, |m, v| m.max(v.abs())).max(1.0);
    sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 1e-9 * scale)
        .min_by(f64::total_cmp)
}

fn period(y: &[f64], options: &SpcOptions) -> Result<(Vec<SpcPoint>, Option<Reason>), StatsError> {
    let baseline_len = options.fix_after.map_or(y.len(), |n| n.min(y.len()));
    if baseline_len < 2 {
        return Err(StatsError::InvalidArgument(format!(
            "an SPC period needs at least 2 baseline points (got {baseline_len})"
        )));
    }
    let baseline = &y[..baseline_len];
    let mean = baseline.iter().sum::<f64>() / baseline_len as f64;
    let ranges: Vec<f64> = baseline.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut amr = ranges.iter().sum::<f64>() / ranges.len() as f64;
    if options.screen_outliers && amr > 0.0 {
        let kept: Vec<f64> = ranges
            .iter()
            .copied()
            .filter(|&r| r < MR_SCREEN * amr)
            .collect();
        amr = kept.iter().sum::<f64>() / kept.len() as f64;
    }
    let step = smallest_step(baseline);
    // A series that never changes has no variation whatever its resolution.
    let resolution = step.and(options.resolution).or(step);
    let unreliable = reliability(amr, resolution);
    let (upl, lpl) = (mean + LIMIT_FACTOR * amr, mean - LIMIT_FACTOR * amr);
    let near = 2.0 / 3.0 * LIMIT_FACTOR * amr;
    let (near_upl, near_lpl) = (mean + near, mean - near);

    let n = y.len();
    // Each rule marks points with +1 (high) or −1 (low); the first rule to mark a point wins.
    let mut rule: Vec<Option<(String, i8)>> = vec![None; n];
    let mut mark = |i: usize, label: &str, side: i8| {
        if rule[i].is_none() {
            rule[i] = Some((label.to_string(), side));
        }
    };
    let astronomical: Vec<i8> = y
        .iter()
        .map(|&v| {
            if v > upl {
                1
            } else if v < lpl {
                -1
            } else {
                0
            }
        })
        .collect();
    let trend = runs(
        n,
        TREND_LENGTH,
        |i| {
            if i == 0 {
                0
            } else if y[i] > y[i - 1] {
                1
            } else if y[i] < y[i - 1] {
                -1
            } else {
                0
            }
        },
        true,
    );
    let side: Vec<i8> = y
        .iter()
        .map(|&v| {
            if v > mean {
                1
            } else if v < mean {
                -1
            } else {
                0
            }
        })
        .collect();
    let close = |v: f64| -> i8 {
        let beyond_hi = v > near_upl && (options.rule_2of3 == Rule2of3::Mdc2023 || v <= upl);
        let beyond_lo = v < near_lpl && (options.rule_2of3 == Rule2of3::Mdc2023 || v >= lpl);
        if beyond_hi {
            1
        } else if beyond_lo {
            -1
        } else {
            0
        }
    };
    let mut two_of_three = vec![0i8; n];
    for start in 0..n.saturating_sub(2) {
        for s in [1i8, -1] {
            let window = start..start + 3;
            if window.clone().all(|i| side[i] == s)
                && window.clone().filter(|&i| close(y[i]) == s).count() >= 2
            {
                for i in window.filter(|&i| close(y[i]) == s) {
                    two_of_three[i] = s;
                }
            }
        }
    }
    let shift = runs(n, options.run_length, |i| side[i], false);
    let run = options.run_length;
    for i in 0..n {
        match astronomical[i] {
            1 => mark(i, "Above UCL", 1),
            -1 => mark(i, "Below LCL", -1),
            _ => {}
        }
        match trend[i] {
            1 => mark(i, "7 Point Trend (Increasing)", 1),
            -1 => mark(i, "7 Point Trend (Decreasing)", -1),
            _ => {}
        }
        match two_of_three[i] {
            1 => mark(i, "2 in 3 Above CL", 1),
            -1 => mark(i, "2 in 3 Below CL", -1),
            _ => {}
        }
        match shift[i] {
            1 => mark(i, &format!("{run} Points Above CL"), 1),
            -1 => mark(i, &format!("{run} Points Below CL"), -1),
            _ => {}
        }
    }
    let points = y
        .iter()
        .zip(rule)
        .map(|(&value, rule)| {
            let point_type = match (&rule, options.improvement) {
                (None, _) => PointType::CommonCause,
                (Some((_, 1)), ImprovementDirection::Neutral) => PointType::NeutralHigh,
                (Some(_), ImprovementDirection::Neutral) => PointType::NeutralLow,
                (Some((_, 1)), ImprovementDirection::Increase)
                | (Some((_, -1)), ImprovementDirection::Decrease) => PointType::Improvement,
                (Some(_), _) => PointType::Concern,
            };
            SpcPoint {
                value,
                mean,
                lpl,
                upl,
                near_lpl,
                near_upl,
                point_type,
                special_cause_rule: rule.map(|(label, _)| label),
            }
        })
        .collect();
    Ok((points, unreliable))
}

/// Marks every point in a run of at least `length` points with the same non-zero sign.
///
/// For a trend, `sign(i)` is the direction of the step into point `i`, so a run of `length − 1`
/// steps covers `length` points including the one before the first step (`include_previous`).
fn runs(n: usize, length: usize, sign: impl Fn(usize) -> i8, include_previous: bool) -> Vec<i8> {
    let needed = if include_previous { length - 1 } else { length };
    let mut out = vec![0i8; n];
    let mut i = 0;
    while i < n {
        let s = sign(i);
        let mut j = i;
        while j < n && s != 0 && sign(j) == s {
            j += 1;
        }
        if s != 0 && j - i >= needed {
            let from = if include_previous { i - 1 } else { i };
            out[from..j].iter_mut().for_each(|o| *o = s);
        }
        i = j.max(i + 1);
    }
    out
}

fn assurance(target: f64, last: &SpcPoint, direction: ImprovementDirection) -> Option<Assurance> {
    let above = target > last.upl;
    let below = target < last.lpl;
    match direction {
        ImprovementDirection::Neutral => None,
        ImprovementDirection::Increase if above => Some(Assurance::ConsistentFail),
        ImprovementDirection::Increase if below => Some(Assurance::ConsistentPass),
        ImprovementDirection::Decrease if above => Some(Assurance::ConsistentPass),
        ImprovementDirection::Decrease if below => Some(Assurance::ConsistentFail),
        _ => Some(Assurance::Inconsistent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 104 weekly medians of a large waiting list, in weeks of whole days: the median sits on
    /// 12 weeks and 6 days for weeks on end and steps by a day now and then. The moving ranges
    /// are nearly all 0, the limits collapse onto the centre line, and without the check every
    /// point off the mean would be "special cause".
    #[test]
    fn weekly_medians_of_whole_days_have_no_reliable_limits() {
        let day = 1.0 / 7.0;
        let values: Vec<f64> = (0..104)
            .map(|w| 12.0 + 6.0 * day + if w % 26 == 25 { day } else { 0.0 })
            .collect();
        let chart = spc(&values, &SpcOptions::default()).unwrap();
        let special = chart
            .points
            .iter()
            .filter(|p| p.point_type != PointType::CommonCause)
            .count();
        assert!(special > 0, "the raw rules do flag points here");
        match chart.unreliable {
            Some(Reason::ChunkyData { resolution, .. }) => {
                assert!((resolution - day).abs() < 1e-12)
            }
            other => panic!("expected chunky data, got {other:?}"),
        }
        // The same with the resolution given by the caller.
        let options = SpcOptions {
            resolution: Some(day),
            ..SpcOptions::default()
        };
        assert!(matches!(
            spc(&values, &options).unwrap().unreliable,
            Some(Reason::ChunkyData { .. })
        ));
    }

    #[test]
    fn a_constant_series_has_no_variation() {
        let chart = spc(&[5.0; 20], &SpcOptions::default()).unwrap();
        assert_eq!(chart.unreliable, Some(Reason::NoVariation));
        let target = SpcOptions {
            target: Some(4.0),
            ..SpcOptions::default()
        };
        assert_eq!(spc(&[5.0; 20], &target).unwrap().assurance, None);
    }

    #[test]
    fn a_series_that_varies_in_fine_steps_is_reliable() {
        // Percentages of a few thousand: many distinct values, moving ranges well above a step.
        let values: Vec<f64> = (0..24)
            .map(|i| 40.0 + ((i * 37) % 11) as f64 * 0.53 + (i % 3) as f64 * 0.011)
            .collect();
        assert_eq!(
            spc(&values, &SpcOptions::default()).unwrap().unreliable,
            None
        );
        // Whole numbers that vary by several steps at a time are fine too (Wheeler: four or
        // more possible ranges within the limit).
        let counts = [
            12.0, 15.0, 9.0, 14.0, 11.0, 16.0, 10.0, 13.0, 12.0, 17.0, 9.0, 14.0,
        ];
        assert_eq!(
            spc(&counts, &SpcOptions::default()).unwrap().unreliable,
            None
        );
    }
}

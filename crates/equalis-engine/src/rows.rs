//! From grouped counts to results rows: the statistic with its limits, the comparison with
//! the ICS value, and the slope and relative indices of inequality across IMD deciles.

use std::collections::HashMap;

use equalis_results::{Comparison, InequalityRow, ResultRow, SpcRow, Statistic};
use equalis_stats::{
    Estimate, ImprovementDirection, Levels, SiiOptions, SpcOptions, StandardErrors, ValueType,
};

use crate::EngineError;

use crate::breakdown::{ALL, ALL_GROUP};

/// 95% and 99.8%, the Fingertips pair.
pub fn levels() -> Levels {
    Levels::pair_95_998()
}

/// Copies an estimate's value, limits and any reason into a row.
pub fn fill(row: &mut ResultRow, est: &Estimate) {
    row.value = est.value.ok();
    let intervals = est.intervals();
    if let Some(i) = intervals.first() {
        row.lowercl = i.lower.ok();
        row.uppercl = i.upper.ok();
    }
    if let Some(i) = intervals.get(1) {
        row.lower998cl = i.lower.ok();
        row.upper998cl = i.upper.ok();
    }
    if let Err(reason) = est.value {
        row.note = Some(reason.to_string());
    } else if let Some(Err(reason)) = intervals.first().map(|i| i.lower) {
        row.note = Some(format!("limits {reason}"));
    }
}

/// Sets each row's comparison with the `all` row of the same measure and period: higher or
/// lower when its 95% limits exclude the ICS value, similar when they include it.
pub fn compare(rows: &mut [ResultRow]) {
    let mut ics: HashMap<(String, String), f64> = HashMap::new();
    for r in rows.iter() {
        if r.breakdown == ALL
            && let Some(v) = r.value
        {
            ics.insert((r.indicator_id.clone(), r.period.clone()), v);
        }
    }
    for r in rows.iter_mut() {
        if r.breakdown == ALL {
            continue;
        }
        let Some(&v) = ics.get(&(r.indicator_id.clone(), r.period.clone())) else {
            continue;
        };
        r.comparison = match (r.lowercl, r.uppercl) {
            (Some(lo), _) if lo > v => Some(Comparison::Higher),
            (_, Some(hi)) if hi < v => Some(Comparison::Lower),
            (Some(_), Some(_)) => Some(Comparison::Similar),
            _ => None,
        };
    }
}

/// Notes each unknown group (e.g. ethnicity `Not known`) as the recording gap the NHS England
/// statement on health inequalities asks to report. Its share of the whole is added by the
/// published view from published counts (see `equalis_results::RECORDING_GAP`): a share
/// computed here from exact counts would give them back.
pub fn recording(rows: &mut [ResultRow]) {
    for r in rows.iter_mut() {
        let Some(dim) = crate::breakdown::dim(&r.breakdown) else {
            continue;
        };
        if r.group != dim.unknown {
            continue;
        }
        let gap = format!(
            "{}{}",
            dim.name.replace('_', " "),
            equalis_results::RECORDING_GAP
        );
        r.note = Some(match r.note.take() {
            Some(n) => format!("{n}; {gap}"),
            None => gap,
        });
    }
}

/// A breakdown and group within which a gradient is measured.
type Context = (String, String);

/// Breakdowns within whose groups the deprivation gradient is also measured.
pub const SII_WITHIN: [&str; 3] = ["ethnic_group", "sex", "age_band"];

/// SII and RII across IMD deciles (1 = most deprived first, as `phe_sii` wants them ordered
/// from most to least disadvantaged), for everyone and within each group of
/// [`SII_WITHIN`], from rows of one measure and period.
///
/// Proportions are passed on the 0–1 scale with the SII scaled back by the multiplier (so a
/// percentage's SII is in percentage points); rates as they are. Every decile must have a value
/// with limits, else the row says which are missing.
pub fn inequality(rows: &[ResultRow], repetitions: usize) -> Vec<InequalityRow> {
    let Some(first) = rows.first() else {
        return Vec::new();
    };
    let (value_type, scale) = match first.statistic {
        Statistic::Proportion => (ValueType::Proportion, first.multiplier),
        Statistic::CrudeRate | Statistic::Dsr => (ValueType::Rate, 1.0),
        _ => (ValueType::Plain, 1.0),
    };
    // (breakdown, group) → decile → row
    let mut series: Vec<(Context, [Option<&ResultRow>; 10])> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for r in rows {
        let (context, decile) = if r.breakdown == "imd_decile" {
            ((ALL.to_owned(), ALL_GROUP.to_owned()), r.group.as_str())
        } else if let Some(b) = r.breakdown.strip_suffix(" x imd_decile") {
            if !SII_WITHIN.contains(&b) {
                continue;
            }
            let Some((g, d)) = r.group.rsplit_once(" x ") else {
                continue;
            };
            ((b.to_owned(), g.to_owned()), d)
        } else {
            continue;
        };
        let Ok(d) = decile.parse::<usize>() else {
            continue;
        };
        if !(1..=10).contains(&d) {
            continue;
        }
        let slot = *index.entry(context.clone()).or_insert_with(|| {
            series.push((context, [None; 10]));
            series.len() - 1
        });
        series[slot].1[d - 1] = Some(r);
    }
    let mut out = Vec::new();
    for ((breakdown, group), deciles) in series {
        let make = |measure: &str| InequalityRow {
            indicator_id: first.indicator_id.clone(),
            period: first.period.clone(),
            breakdown: breakdown.clone(),
            group: group.clone(),
            measure: measure.to_owned(),
            value: None,
            lowercl: None,
            uppercl: None,
            note: None,
        };
        let (mut sii_row, mut rii_row) = (make("sii"), make("rii"));
        let missing: Vec<String> = deciles
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                !r.is_some_and(|r| {
                    r.value.is_some()
                        && r.lowercl.is_some()
                        && r.uppercl.is_some()
                        && r.denominator.is_some_and(|d| d > 0.0)
                })
            })
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            let note = format!(
                "not calculated: no value with limits for IMD decile {}",
                missing.join(", ")
            );
            sii_row.note = Some(note.clone());
            rii_row.note = Some(note);
            out.extend([sii_row, rii_row]);
            continue;
        }
        let rs: Vec<&ResultRow> = deciles.iter().flatten().copied().collect();
        let pops: Vec<f64> = rs.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
        let vals: Vec<f64> = rs.iter().map(|r| r.value.unwrap_or(0.0) / scale).collect();
        let lo: Vec<f64> = rs
            .iter()
            .map(|r| r.lowercl.unwrap_or(0.0) / scale)
            .collect();
        let hi: Vec<f64> = rs
            .iter()
            .map(|r| r.uppercl.unwrap_or(0.0) / scale)
            .collect();
        let options = SiiOptions {
            value_type,
            multiplier: scale,
            repetitions,
            ..SiiOptions::default()
        };
        match equalis_stats::sii(
            &pops,
            &vals,
            StandardErrors::Limits {
                lower: &lo,
                upper: &hi,
            },
            &options,
        ) {
            Ok(result) => {
                for (row, est) in [(&mut sii_row, &result.sii), (&mut rii_row, &result.rii)] {
                    row.value = est.value.ok();
                    row.lowercl = est.interval().lower.ok();
                    row.uppercl = est.interval().upper.ok();
                    if let Err(reason) = est.value {
                        row.note = Some(reason.to_string());
                    }
                }
            }
            Err(e) => {
                sii_row.note = Some(format!("not calculated: {e}"));
                rii_row.note = Some(format!("not calculated: {e}"));
            }
        }
        out.extend([sii_row, rii_row]);
    }
    out
}

/// XmR chart rows for a series (at least 12 points, as Making Data Count advise).
pub fn spc_series(
    id: &str,
    breakdown: &str,
    group: &str,
    points: &[&ResultRow],
    improvement: ImprovementDirection,
    target: Option<f64>,
    out: &mut Vec<SpcRow>,
) -> Result<(), EngineError> {
    // Points without a value cannot be charted (the callers leave them out already; this
    // keeps values and rows paired whatever the caller passes).
    let points: Vec<&ResultRow> = points
        .iter()
        .copied()
        .filter(|r| r.value.is_some())
        .collect();
    if points.len() < 12 {
        return Ok(());
    }
    let values: Vec<f64> = points.iter().filter_map(|r| r.value).collect();
    let options = SpcOptions {
        improvement,
        target,
        ..SpcOptions::default()
    };
    let chart = equalis_stats::spc(&values, &options)
        .map_err(|e| EngineError::statistic(format!("SPC of {id} {group}"), e))?;
    // A series whose values move in steps too coarse for process limits (weekly medians of
    // whole days) keeps its points, as a run chart, with the reason and no limits: a board
    // must never see every point flagged as special cause.
    let note = chart.unreliable.map(|why| why.to_string());
    let not_assessed = "not_assessed";
    let variation = match (&note, chart.points.last()) {
        (Some(_), _) => not_assessed,
        (None, Some(p)) => p.point_type.label(),
        (None, None) => "common_cause",
    }
    .to_owned();
    for (r, p) in points.iter().zip(&chart.points) {
        let limit = |x: f64| note.is_none().then_some(x);
        out.push(SpcRow {
            indicator_id: id.to_owned(),
            breakdown: breakdown.to_owned(),
            group: group.to_owned(),
            period: r.period.clone(),
            statistic: r.statistic,
            multiplier: r.multiplier,
            value: p.value,
            numerator: r.numerator,
            denominator: r.denominator,
            comparator_numerator: r.comparator_numerator,
            comparator_denominator: r.comparator_denominator,
            centre: limit(p.mean),
            lower_limit: limit(p.lpl),
            upper_limit: limit(p.upl),
            point: if note.is_some() {
                not_assessed.to_owned()
            } else {
                p.point_type.label().to_owned()
            },
            variation: variation.clone(),
            assurance: chart.assurance.map(|a| a.label().to_owned()),
            note: note.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(breakdown: &str, group: &str, value: f64, lo: f64, hi: f64) -> ResultRow {
        let mut r = ResultRow::new(
            "x",
            "2025/26",
            breakdown,
            group,
            Statistic::Proportion,
            100.0,
        );
        r.numerator = Some(value);
        r.denominator = Some(100.0);
        r.value = Some(value);
        r.lowercl = Some(lo);
        r.uppercl = Some(hi);
        r
    }

    #[test]
    fn comparisons_use_the_95_limits_against_the_ics_value() {
        let mut rows = vec![
            row("all", "All", 50.0, 48.0, 52.0),
            row("sex", "Male", 60.0, 55.0, 65.0),
            row("sex", "Female", 40.0, 35.0, 45.0),
            row("sex", "Not known", 51.0, 30.0, 70.0),
        ];
        compare(&mut rows);
        let c: Vec<_> = rows.iter().map(|r| r.comparison).collect();
        assert_eq!(
            c,
            [
                None,
                Some(Comparison::Higher),
                Some(Comparison::Lower),
                Some(Comparison::Similar)
            ]
        );
    }

    #[test]
    fn unknown_groups_carry_their_share_of_the_whole() {
        let mut rows = vec![
            row("all", "All", 50.0, 48.0, 52.0),
            row("ethnic_group", "Not known", 40.0, 30.0, 50.0),
            row("ethnic_group", "White", 50.0, 45.0, 55.0),
        ];
        rows[0].denominator = Some(400.0);
        rows[1].denominator = Some(10.0);
        recording(&mut rows);
        assert_eq!(rows[1].note.as_deref(), Some("ethnic group not recorded"));
        assert_eq!(rows[2].note, None);
        // The published view adds the share from published counts: 10 of 400.
        let (published, _, _) =
            equalis_results::publish(&equalis_results::View::Published, &rows, &[], &[]);
        assert_eq!(
            published[1].note.as_deref(),
            Some("ethnic group not recorded for 2.5% of the whole")
        );
    }

    #[test]
    fn sii_needs_every_decile() {
        let mut rows: Vec<ResultRow> = (1..=9)
            .map(|d| {
                row(
                    "imd_decile",
                    &d.to_string(),
                    30.0 + d as f64,
                    25.0 + d as f64,
                    35.0 + d as f64,
                )
            })
            .collect();
        let out = inequality(&rows, 1000);
        assert_eq!(out.len(), 2);
        assert!(
            out[0].note.as_deref().unwrap().contains("decile 10"),
            "{:?}",
            out[0].note
        );
        rows.push(row("imd_decile", "10", 40.0, 35.0, 45.0));
        let out = inequality(&rows, 1000);
        // Values rise by 1 point a decile from most to least deprived: the SII (least minus
        // most deprived across the whole range) is about +10 percentage points.
        let sii = out[0].value.unwrap();
        assert!((sii - 10.0).abs() < 0.5, "sii {sii}");
        assert!(out[0].lowercl.unwrap() < sii && sii < out[0].uppercl.unwrap());
        assert_eq!(out[1].measure, "rii");
    }
}

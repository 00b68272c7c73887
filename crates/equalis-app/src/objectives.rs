//! The figures a measure of an equality objective may follow, chosen from what equalis
//! publishes, and the check that a typed reference names one of them.
//!
//! A measure holds a [`FigureRef`] (`equalis_assure`). An indicator reference is checked here
//! against the published results: an indicator, breakdown or group that the results do not
//! publish is refused by its field, so a measure cannot follow a figure that will never have
//! a value. Workforce references (WRES, WDES, pay gaps) are checked by their shape in
//! `equalis_assure` (the returns' rows are fixed by the standards).

use std::collections::BTreeMap;

use equalis_assure::{FieldErrors, FigureRef, PayGapKind, PayGapMeasure};
use equalis_disclosure::Cell;
use equalis_results::PublishedRow;

/// A published figure offered to a measure: its reference's five parts (`figure_kind`,
/// `figure_name`, `figure_breakdown`, `figure_group`, `figure_reference`), how it reads, and
/// its latest published value.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureChoice {
    /// The reference's parts, as the measure form posts them.
    pub parts: [String; 5],
    /// What the figure is, in words.
    pub label: String,
    /// Its latest published value with its period (`*` when withheld).
    pub latest: String,
}

fn shown(c: &Cell) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => equalis_report::tables::round(*v, 1).to_string(),
        _ => "*".to_string(),
    }
}

/// Every indicator figure published (each indicator by each breakdown and group in its latest
/// period) whose indicator id, name or group contains `filter` (any case), then the pay gap
/// measures; `names` gives an indicator's name from its id. At most `limit` choices.
pub fn figure_choices<'a>(
    rows: impl IntoIterator<Item = &'a PublishedRow>,
    names: &BTreeMap<String, String>,
    filter: &str,
    limit: usize,
) -> Vec<FigureChoice> {
    let needle = filter.trim().to_lowercase();
    let matches = |texts: &[&str]| {
        needle.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(&needle))
    };
    // The latest period of each indicator, then its rows in that period.
    let rows: Vec<&PublishedRow> = rows.into_iter().collect();
    let mut latest: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &rows {
        let p = latest.entry(r.indicator_id.as_str()).or_insert(&r.period);
        if r.period.as_str() > *p {
            *p = &r.period;
        }
    }
    let mut out = Vec::new();
    for r in &rows {
        if latest.get(r.indicator_id.as_str()) != Some(&r.period.as_str()) {
            continue;
        }
        let name = names
            .get(&r.indicator_id)
            .map_or(r.indicator_id.as_str(), String::as_str);
        if !matches(&[&r.indicator_id, name, &r.group, &r.breakdown]) {
            continue;
        }
        out.push(FigureChoice {
            parts: [
                "indicator".into(),
                r.indicator_id.clone(),
                r.breakdown.clone(),
                r.group.clone(),
                String::new(),
            ],
            label: format!("{name}: {} {}", r.breakdown.replace('_', " "), r.group),
            latest: format!("{} ({})", shown(r.value.get()), r.period),
        });
    }
    for kind in [
        PayGapKind::Gender,
        PayGapKind::Ethnicity,
        PayGapKind::Disability,
    ] {
        for measure in [PayGapMeasure::Mean, PayGapMeasure::Median] {
            let f = FigureRef::PayGap { kind, measure };
            let label = f.to_string();
            if matches(&[&label, "pay gap"]) {
                out.push(FigureChoice {
                    parts: f.parts(),
                    label,
                    latest: "see the workforce returns".into(),
                });
            }
        }
    }
    out.truncate(limit);
    out
}

/// Checks that an indicator reference names a figure the results publish: the indicator,
/// then its breakdown, then the group (and the gap's reference group), each refused by its
/// field with what exists. Other kinds pass (their shape was checked when they were read).
pub fn check_published<'a>(
    rows: impl IntoIterator<Item = &'a PublishedRow>,
    figure: &FigureRef,
) -> Result<(), FieldErrors> {
    let (indicator, breakdown, groups): (&str, &str, Vec<(&str, &str)>) = match figure {
        FigureRef::Indicator {
            indicator,
            breakdown,
            group,
        } => (indicator, breakdown, vec![("figure_group", group)]),
        FigureRef::IndicatorGap {
            indicator,
            breakdown,
            group,
            reference,
        } => (
            indicator,
            breakdown,
            vec![("figure_group", group), ("figure_reference", reference)],
        ),
        _ => return Ok(()),
    };
    let rows: Vec<&PublishedRow> = rows
        .into_iter()
        .filter(|r| r.indicator_id == indicator)
        .collect();
    let mut errors = FieldErrors::new();
    if rows.is_empty() {
        errors.push(
            "figure_name",
            format!(
                "No indicator `{indicator}` is published: choose one from the published figures"
            ),
        );
        return Err(errors);
    }
    let in_breakdown: Vec<&PublishedRow> = rows
        .iter()
        .copied()
        .filter(|r| r.breakdown == breakdown)
        .collect();
    if in_breakdown.is_empty() {
        let mut known: Vec<&str> = rows.iter().map(|r| r.breakdown.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        errors.push(
            "figure_breakdown",
            format!(
                "`{indicator}` is not published by `{breakdown}`: enter one of {}",
                known.join(", ")
            ),
        );
        return Err(errors);
    }
    for (field, group) in groups {
        if !in_breakdown.iter().any(|r| r.group == group) {
            let mut known: Vec<&str> = in_breakdown.iter().map(|r| r.group.as_str()).collect();
            known.sort_unstable();
            known.dedup();
            errors.push(
                field,
                format!(
                    "`{breakdown}` has no group `{group}`: enter one of {}",
                    known.join(", ")
                ),
            );
        }
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use equalis_results::{ResultRow, Statistic, View, publish};

    use super::*;

    fn rows() -> Vec<PublishedRow> {
        let mut out = Vec::new();
        for (period, n) in [("2024/25", 40.0), ("2025/26", 50.0)] {
            for (b, g) in [("all", "All"), ("imd_quintile", "1"), ("imd_quintile", "5")] {
                let mut r = ResultRow::new("smi", period, b, g, Statistic::Proportion, 100.0);
                r.numerator = Some(n);
                r.denominator = Some(100.0);
                r.value = Some(n);
                out.push(r);
            }
        }
        publish(&View::Published, &out, &[], &[]).0
    }

    #[test]
    fn choices_are_the_latest_period_of_each_published_group() {
        let names = BTreeMap::from([("smi".to_string(), "SMI health checks".to_string())]);
        let rows = rows();
        let all = figure_choices(&rows, &names, "", 100);
        let smi: Vec<&FigureChoice> = all.iter().filter(|c| c.parts[1] == "smi").collect();
        assert_eq!(smi.len(), 3, "three groups, latest period only");
        assert!(smi.iter().all(|c| c.latest.ends_with("(2025/26)")));
        assert!(
            smi.iter()
                .any(|c| c.label == "SMI health checks: imd quintile 1")
        );
        // The six pay gap measures follow.
        assert_eq!(all.len(), 3 + 6);
        let only = figure_choices(&rows, &names, "HEALTH CHECKS", 100);
        assert_eq!(only.len(), 3);
        assert_eq!(figure_choices(&rows, &names, "", 2).len(), 2);
    }

    #[test]
    fn a_reference_to_an_unpublished_figure_is_refused_by_its_field() {
        let rows = rows();
        let f = |b: &str, g: &str, r: &str| {
            let kind = if r.is_empty() {
                "indicator"
            } else {
                "indicator_gap"
            };
            FigureRef::from_parts(kind, "smi", b, g, r).unwrap()
        };
        assert!(check_published(&rows, &f("imd_quintile", "1", "")).is_ok());
        assert!(check_published(&rows, &f("imd_quintile", "1", "5")).is_ok());
        let e = check_published(&rows, &f("ethnicity", "1", "")).unwrap_err();
        assert!(
            e.get("figure_breakdown")
                .unwrap()
                .contains("all, imd_quintile")
        );
        let e = check_published(&rows, &f("imd_quintile", "3", "9")).unwrap_err();
        assert!(e.get("figure_group").unwrap().contains("1, 5"));
        assert!(e.get("figure_reference").is_some());
        let other = FigureRef::from_parts("indicator", "nope", "all", "All", "").unwrap();
        let e = check_published(&rows, &other).unwrap_err();
        assert!(e.get("figure_name").is_some());
        let pay = FigureRef::from_parts("pay_gap", "gender", "mean", "", "").unwrap();
        assert!(check_published(&rows, &pay).is_ok());
    }
}

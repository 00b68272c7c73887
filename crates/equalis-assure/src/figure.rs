//! A reference to a figure equalis publishes: what a measure of an objective follows.
//!
//! A reference is five short texts (`kind`, `name`, `breakdown`, `group`, `reference`), the
//! same in a form and in the store; [`FigureRef::from_parts`] checks them and names the
//! field that is wrong. What the parts mean depends on the kind:
//!
//! | kind            | name                      | breakdown             | group      | reference |
//! |-----------------|---------------------------|-----------------------|------------|-----------|
//! | `indicator`     | catalogue indicator id    | breakdown, e.g. `imd_quintile` | group, e.g. `1` | — |
//! | `indicator_gap` | catalogue indicator id    | breakdown             | group      | the group it is compared with (gap = group − reference) |
//! | `wres`          | WRES indicator, 1–9       | row of the return, e.g. `BME` | — | — |
//! | `wdes`          | WDES metric, 1–10         | row of the return     | —          | — |
//! | `pay_gap`       | `gender`, `ethnicity` or `disability` | `mean` or `median` (hourly pay) | — | — |
//! | `engagement`    | `participants` or `ratio` | monitoring characteristic, e.g. `ethnic_group` | group, e.g. `Black` | engagement project id, or empty for every project |
//!
//! Which indicators, breakdowns and rows exist is known only to the published results and
//! returns; `equalis-app` checks a reference against them when it resolves it, and says which
//! part matched nothing.

use std::fmt;

use equalis_assess::FieldErrors;

/// Which pay gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayGapKind {
    /// The gender pay gap of SI 2017/353.
    Gender,
    /// The ethnicity pay gap (GOV.UK guidance 2023), computed the same way.
    Ethnicity,
    /// The disability pay gap, computed the same way.
    Disability,
}

impl PayGapKind {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            PayGapKind::Gender => "gender",
            PayGapKind::Ethnicity => "ethnicity",
            PayGapKind::Disability => "disability",
        }
    }

    fn parse(s: &str) -> Option<PayGapKind> {
        match s {
            "gender" => Some(PayGapKind::Gender),
            "ethnicity" => Some(PayGapKind::Ethnicity),
            "disability" => Some(PayGapKind::Disability),
            _ => None,
        }
    }
}

/// Which pay gap measure (hourly pay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayGapMeasure {
    /// Difference in mean hourly pay, as a percentage of the reference group's.
    Mean,
    /// Difference in median hourly pay, as a percentage of the reference group's.
    Median,
}

impl PayGapMeasure {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            PayGapMeasure::Mean => "mean",
            PayGapMeasure::Median => "median",
        }
    }

    fn parse(s: &str) -> Option<PayGapMeasure> {
        match s {
            "mean" => Some(PayGapMeasure::Mean),
            "median" => Some(PayGapMeasure::Median),
            _ => None,
        }
    }
}

/// Which engagement reach figure: a group's published count of participants, or its
/// representation ratio (its share of participants over its share of the footprint's
/// residents), as the who-is-heard page publishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReachStatistic {
    /// Participants from the group (a count published as any count: 1–7 withheld, rounded to 5).
    Participants,
    /// The group's representation ratio (1 = heard in proportion to its size).
    Ratio,
}

impl ReachStatistic {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            ReachStatistic::Participants => "participants",
            ReachStatistic::Ratio => "ratio",
        }
    }

    fn parse(s: &str) -> Option<ReachStatistic> {
        match s {
            "participants" => Some(ReachStatistic::Participants),
            "ratio" => Some(ReachStatistic::Ratio),
            _ => None,
        }
    }
}

/// A figure equalis publishes, by reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FigureRef {
    /// One group's value of a catalogue indicator.
    Indicator {
        /// The indicator's id in the catalogue.
        indicator: String,
        /// The breakdown, e.g. `imd_quintile`.
        breakdown: String,
        /// The group, e.g. `1`.
        group: String,
    },
    /// The gap between two groups' values of a catalogue indicator: group − reference.
    IndicatorGap {
        /// The indicator's id in the catalogue.
        indicator: String,
        /// The breakdown.
        breakdown: String,
        /// The group.
        group: String,
        /// The group it is compared with.
        reference: String,
    },
    /// A row of a WRES indicator.
    Wres {
        /// The indicator, 1–9.
        indicator: u8,
        /// The row of the published return, e.g. `BME` or `Relative likelihood`.
        row: String,
    },
    /// A row of a WDES metric.
    Wdes {
        /// The metric, 1–10.
        metric: u8,
        /// The row of the published return.
        row: String,
    },
    /// A pay gap measure.
    PayGap {
        /// Which gap.
        kind: PayGapKind,
        /// Mean or median hourly pay.
        measure: PayGapMeasure,
    },
    /// An engagement reach figure of the who-is-heard view: one group of a monitoring
    /// characteristic among the participants who joined in each year.
    Reach {
        /// Participants or representation ratio.
        statistic: ReachStatistic,
        /// The monitoring characteristic's key, e.g. `ethnic_group`, `imd_quintile`.
        characteristic: String,
        /// The group, e.g. `Black`.
        group: String,
        /// The engagement project, or `None` for every project.
        project: Option<i64>,
    },
}

/// The form and store fields of a reference, in order.
pub const FIGURE_FIELDS: [&str; 5] = [
    "figure_kind",
    "figure_name",
    "figure_breakdown",
    "figure_group",
    "figure_reference",
];

impl FigureRef {
    /// Reads a reference from its five parts (see the module's table); every problem names
    /// its field (`figure_kind`, `figure_name`, `figure_breakdown`, `figure_group`,
    /// `figure_reference`).
    pub fn from_parts(
        kind: &str,
        name: &str,
        breakdown: &str,
        group: &str,
        reference: &str,
    ) -> Result<FigureRef, FieldErrors> {
        let (kind, name, breakdown, group, reference) = (
            kind.trim(),
            name.trim(),
            breakdown.trim(),
            group.trim(),
            reference.trim(),
        );
        let mut errors = FieldErrors::new();
        let figure = match kind {
            "indicator" | "indicator_gap" => {
                required(
                    &mut errors,
                    "figure_name",
                    name,
                    "the indicator's id, for example smi_health_check",
                );
                required(
                    &mut errors,
                    "figure_breakdown",
                    breakdown,
                    "the breakdown, for example imd_quintile",
                );
                required(
                    &mut errors,
                    "figure_group",
                    group,
                    "the group, for example 1",
                );
                if kind == "indicator_gap" {
                    required(
                        &mut errors,
                        "figure_reference",
                        reference,
                        "the group the gap is measured from, for example 5",
                    );
                    if !group.is_empty() && group == reference {
                        errors.push("figure_reference", "Enter a group other than the one measured: a gap from a group to itself is always 0");
                    }
                    FigureRef::IndicatorGap {
                        indicator: name.to_string(),
                        breakdown: breakdown.to_string(),
                        group: group.to_string(),
                        reference: reference.to_string(),
                    }
                } else {
                    FigureRef::Indicator {
                        indicator: name.to_string(),
                        breakdown: breakdown.to_string(),
                        group: group.to_string(),
                    }
                }
            }
            "wres" | "wdes" => {
                let max = if kind == "wres" { 9 } else { 10 };
                let what = if kind == "wres" {
                    "WRES indicator"
                } else {
                    "WDES metric"
                };
                let number = match name.parse::<u8>() {
                    Ok(n) if (1..=max).contains(&n) => n,
                    _ => {
                        errors.push(
                            "figure_name",
                            format!("Enter the {what} as a number from 1 to {max}"),
                        );
                        0
                    }
                };
                required(
                    &mut errors,
                    "figure_breakdown",
                    breakdown,
                    "the row of the return, for example BME",
                );
                if kind == "wres" {
                    FigureRef::Wres {
                        indicator: number,
                        row: breakdown.to_string(),
                    }
                } else {
                    FigureRef::Wdes {
                        metric: number,
                        row: breakdown.to_string(),
                    }
                }
            }
            "pay_gap" => {
                let k = PayGapKind::parse(name);
                if k.is_none() {
                    errors.push(
                        "figure_name",
                        "Select the pay gap: gender, ethnicity or disability",
                    );
                }
                let m = PayGapMeasure::parse(breakdown);
                if m.is_none() {
                    errors.push("figure_breakdown", "Select mean or median hourly pay");
                }
                match (k, m) {
                    (Some(kind), Some(measure)) => FigureRef::PayGap { kind, measure },
                    _ => return Err(errors),
                }
            }
            "engagement" => {
                let statistic = ReachStatistic::parse(name);
                if statistic.is_none() {
                    errors.push("figure_name", "Select participants or representation ratio");
                }
                required(
                    &mut errors,
                    "figure_breakdown",
                    breakdown,
                    "the monitoring characteristic, for example ethnic_group",
                );
                required(
                    &mut errors,
                    "figure_group",
                    group,
                    "the group, for example Black",
                );
                let project = if reference.is_empty() {
                    None
                } else {
                    match reference.parse::<i64>() {
                        Ok(id) if id > 0 => Some(id),
                        _ => {
                            errors.push("figure_reference", "Enter the engagement project's number (as in /engage/12), or leave it empty for every project");
                            None
                        }
                    }
                };
                match statistic {
                    Some(statistic) => FigureRef::Reach {
                        statistic,
                        characteristic: breakdown.to_string(),
                        group: group.to_string(),
                        project,
                    },
                    None => return Err(errors),
                }
            }
            "" => {
                errors.push(
                    "figure_kind",
                    "Select the kind of figure the measure follows",
                );
                return Err(errors);
            }
            _ => {
                errors.push("figure_kind", "Select an indicator, an indicator gap, a WRES indicator, a WDES metric, a pay gap or an engagement reach figure");
                return Err(errors);
            }
        };
        errors.into_result().map(|()| figure)
    }

    /// The five parts, as [`FigureRef::from_parts`] reads them.
    pub fn parts(&self) -> [String; 5] {
        let s = |v: &str| v.to_string();
        match self {
            FigureRef::Indicator {
                indicator,
                breakdown,
                group,
            } => [
                s("indicator"),
                s(indicator),
                s(breakdown),
                s(group),
                String::new(),
            ],
            FigureRef::IndicatorGap {
                indicator,
                breakdown,
                group,
                reference,
            } => [
                s("indicator_gap"),
                s(indicator),
                s(breakdown),
                s(group),
                s(reference),
            ],
            FigureRef::Wres { indicator, row } => [
                s("wres"),
                indicator.to_string(),
                s(row),
                String::new(),
                String::new(),
            ],
            FigureRef::Wdes { metric, row } => [
                s("wdes"),
                metric.to_string(),
                s(row),
                String::new(),
                String::new(),
            ],
            FigureRef::PayGap { kind, measure } => [
                s("pay_gap"),
                s(kind.name()),
                s(measure.name()),
                String::new(),
                String::new(),
            ],
            FigureRef::Reach {
                statistic,
                characteristic,
                group,
                project,
            } => [
                s("engagement"),
                s(statistic.name()),
                s(characteristic),
                s(group),
                project.map_or_else(String::new, |p| p.to_string()),
            ],
        }
    }
}

impl fmt::Display for FigureRef {
    /// In words, for a report: "smi_health_check, imd_quintile 1".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FigureRef::Indicator {
                indicator,
                breakdown,
                group,
            } => {
                write!(f, "{indicator}, {breakdown} {group}")
            }
            FigureRef::IndicatorGap {
                indicator,
                breakdown,
                group,
                reference,
            } => {
                write!(
                    f,
                    "{indicator}, gap between {breakdown} {group} and {reference}"
                )
            }
            FigureRef::Wres { indicator, row } => write!(f, "WRES indicator {indicator}, {row}"),
            FigureRef::Wdes { metric, row } => write!(f, "WDES metric {metric}, {row}"),
            FigureRef::PayGap { kind, measure } => {
                write!(
                    f,
                    "{} pay gap, {} hourly pay",
                    capital(kind.name()),
                    measure.name()
                )
            }
            FigureRef::Reach {
                statistic,
                characteristic,
                group,
                project,
            } => {
                let what = match statistic {
                    ReachStatistic::Participants => "participants",
                    ReachStatistic::Ratio => "representation ratio",
                };
                let scope = project.map_or_else(
                    || "every engagement project".to_string(),
                    |p| format!("engagement project {p}"),
                );
                write!(
                    f,
                    "Engagement reach: {what} of {} {group}, {scope}",
                    characteristic.replace('_', " ")
                )
            }
        }
    }
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.is_empty() {
        errors.push(field, format!("Enter {what}"));
    } else if value.chars().count() > 200 || value.contains(['\n', '\r']) {
        errors.push(
            field,
            format!("Enter {what} on one line, in 200 characters or fewer"),
        );
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_each_kind() {
        let r = FigureRef::from_parts(
            "indicator_gap",
            "smi_health_check",
            "imd_quintile",
            "1",
            "5",
        )
        .unwrap();
        assert_eq!(
            r.to_string(),
            "smi_health_check, gap between imd_quintile 1 and 5"
        );
        let r = FigureRef::from_parts("wres", "2", "Relative likelihood", "", "").unwrap();
        assert_eq!(
            r,
            FigureRef::Wres {
                indicator: 2,
                row: "Relative likelihood".into()
            }
        );
        let r = FigureRef::from_parts("pay_gap", "gender", "median", "", "").unwrap();
        assert_eq!(r.to_string(), "Gender pay gap, median hourly pay");
        let r = FigureRef::from_parts("engagement", "ratio", "ethnic_group", "Black", "").unwrap();
        assert_eq!(
            r.to_string(),
            "Engagement reach: representation ratio of ethnic group Black, every engagement project"
        );
        let r =
            FigureRef::from_parts("engagement", "participants", "age_band", "25-34", "12").unwrap();
        assert_eq!(
            r,
            FigureRef::Reach {
                statistic: ReachStatistic::Participants,
                characteristic: "age_band".into(),
                group: "25-34".into(),
                project: Some(12)
            }
        );
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        let e = FigureRef::from_parts("wres", "12", "", "", "").unwrap_err();
        assert!(e.get("figure_name").unwrap().contains("1 to 9"));
        assert!(e.get("figure_breakdown").is_some());
        let e = FigureRef::from_parts("wdes", "10", "Disabled", "", "").map(|r| r.parts());
        assert_eq!(e.unwrap()[1], "10");
        let e = FigureRef::from_parts("indicator_gap", "x", "imd_quintile", "1", "1").unwrap_err();
        assert!(e.get("figure_reference").unwrap().contains("other than"));
        let e = FigureRef::from_parts("pay_gap", "age", "mode", "", "").unwrap_err();
        assert_eq!(e.len(), 2);
        let e = FigureRef::from_parts("", "", "", "", "").unwrap_err();
        assert!(e.get("figure_kind").is_some());
        let e = FigureRef::from_parts("engagement", "mean", "", "", "x").unwrap_err();
        assert!(e.get("figure_name").is_some());
        let e = FigureRef::from_parts("engagement", "ratio", "", "", "-3").unwrap_err();
        assert!(e.get("figure_breakdown").is_some() && e.get("figure_group").is_some());
        assert!(e.get("figure_reference").unwrap().contains("project"));
        let e = FigureRef::from_parts("bogus", "", "", "", "").unwrap_err();
        assert!(e.get("figure_kind").is_some());
    }

    proptest! {
        /// What `parts` writes, `from_parts` reads back as the same reference.
        #[test]
        fn parts_round_trip(kind in 0..7usize, name in "[a-z_]{1,20}", b in "[A-Za-z][A-Za-z0-9 ]{0,10}[a-z]", g in "[a-z0-9]{1,5}", n in 1u8..=9) {
            let original = match kind {
                0 => FigureRef::Indicator { indicator: name, breakdown: b, group: g },
                1 => FigureRef::IndicatorGap { indicator: name, breakdown: b, reference: format!("{g}x"), group: g },
                2 => FigureRef::Wres { indicator: n, row: b },
                3 => FigureRef::Wdes { metric: n + 1, row: b },
                4 => FigureRef::PayGap { kind: PayGapKind::Ethnicity, measure: PayGapMeasure::Mean },
                5 => FigureRef::Reach { statistic: ReachStatistic::Ratio, characteristic: name, group: g, project: None },
                _ => FigureRef::Reach { statistic: ReachStatistic::Participants, characteristic: name, group: b, project: Some(i64::from(n)) },
            };
            let [k, a, bb, gg, r] = original.parts();
            prop_assert_eq!(FigureRef::from_parts(&k, &a, &bb, &gg, &r).unwrap(), original);
        }
    }
}

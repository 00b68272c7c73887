//! The figures a measure of an equality objective may follow, chosen from what equalis
//! publishes, and the check that a typed reference names one of them.
//!
//! A measure holds a [`FigureRef`] (`equalis_assure`). An indicator reference is checked here
//! against the published results: an indicator, breakdown or group that the results do not
//! publish is refused by its field, so a measure cannot follow a figure that will never have
//! a value. Workforce references (WRES, WDES, pay gaps) are checked the same way against the
//! rows of the published returns' "Year on year" sheets ([`workforce_figures`],
//! [`check_workforce`]), and engagement reach references against the who-is-heard view
//! (`crate::reach`). [`MeasureSeries`] gives any measure's published series.

use std::collections::BTreeMap;

use equalis_assure::{
    FieldErrors, FigureRef, FinancialYear, PayGapKind, PayGapMeasure, SeriesPoint,
};
use equalis_disclosure::Cell;
use equalis_report::tables::{Sheet, Val};
use equalis_results::PublishedRow;
use equalis_workspace::Workspace;

use crate::workforce::{By, ReturnKind, WorkforceOptions};

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
/// period) whose indicator id, name or group contains `filter` (any case); `names` gives an
/// indicator's name from its id. At most `limit` choices. The workforce figures
/// ([`workforce_figures`]) and engagement reach figures (`crate::reach::choices`) are offered
/// beside them.
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

/// Every WRES, WDES and pay gap figure the whole ICS's published returns follow year on year
/// (one per row of each return's "Year on year" sheet), with its latest published value:
/// what the figures page offers and [`check_workforce`] checks against. Empty without staff
/// data.
pub fn workforce_figures(ws: &Workspace) -> crate::Result<Vec<FigureChoice>> {
    let mut series = WorkforceSeries::new(ws);
    let mut out = Vec::new();
    for (name, kind, what) in [
        ("wres", ReturnKind::Wres, "WRES indicator"),
        ("wdes", ReturnKind::Wdes, "WDES metric"),
    ] {
        let Some(sheet) = series.year_on_year(name, kind)? else {
            continue;
        };
        for row in &sheet.rows {
            let Some(Val::Text(label)) = row.first() else {
                continue;
            };
            let (Some(n), Some((_, text))) = (numbered(label), label.split_once(": ")) else {
                continue;
            };
            let parts = [
                name.to_string(),
                n.to_string(),
                text.to_string(),
                String::new(),
                String::new(),
            ];
            out.push(FigureChoice {
                parts,
                label: format!("{what} {label}"),
                latest: latest_of(sheet, label),
            });
        }
    }
    for (pay, name, by) in [
        (PayGapKind::Gender, "pay-gap-sex", By::Sex),
        (PayGapKind::Ethnicity, "pay-gap-ethnicity", By::Ethnicity),
        (PayGapKind::Disability, "pay-gap-disability", By::Disability),
    ] {
        let Some(sheet) = series.year_on_year(name, ReturnKind::PayGap(by))? else {
            continue;
        };
        for measure in [PayGapMeasure::Mean, PayGapMeasure::Median] {
            let start = pay_gap_row_start(measure);
            let label = sheet.rows.iter().find_map(|r| match r.first() {
                Some(Val::Text(l)) if l.starts_with(start) && l.contains("in hourly pay") => {
                    Some(l.clone())
                }
                _ => None,
            });
            if let Some(label) = label {
                let f = FigureRef::PayGap { kind: pay, measure };
                out.push(FigureChoice {
                    parts: f.parts(),
                    label: f.to_string(),
                    latest: latest_of(sheet, &label),
                });
            }
        }
    }
    Ok(out)
}

/// The workforce figures whose words contain `filter` (any case).
pub fn workforce_choices(figures: &[FigureChoice], filter: &str) -> Vec<FigureChoice> {
    let needle = filter.trim().to_lowercase();
    figures
        .iter()
        .filter(|c| {
            needle.is_empty()
                || format!("{} {}", c.label, c.parts[0])
                    .to_lowercase()
                    .contains(&needle)
        })
        .cloned()
        .collect()
}

/// The latest snapshot's published value of the year-on-year row `label`, with its date.
fn latest_of(sheet: &Sheet, label: &str) -> String {
    let Some(row) = sheet
        .rows
        .iter()
        .find(|r| matches!(r.first(), Some(Val::Text(l)) if l == label))
    else {
        return "*".into();
    };
    sheet
        .headers
        .iter()
        .zip(row)
        // A 31 March snapshot's column, not the "Change since …-03-31" one after them.
        .rfind(|(h, _)| h.ends_with("-03-31") && h.parse::<jiff::civil::Date>().is_ok())
        .map_or_else(
            || "*".into(),
            |(h, v)| {
                let value = match v {
                    Val::Num(p, places) => match p.get() {
                        Cell::Percentage(x) | Cell::Value(x) => {
                            equalis_report::tables::round(*x, *places).to_string()
                        }
                        Cell::Count(n) => n.to_string(),
                        _ => "*".into(),
                    },
                    _ => "*".into(),
                };
                format!("{value} ({h})")
            },
        )
}

/// Checks that a WRES, WDES or pay gap reference names a row the published returns follow
/// year on year (`figures` from [`workforce_figures`]): the indicator or metric, then its row,
/// each refused by its field naming those there are. Other kinds pass.
pub fn check_workforce(figures: &[FigureChoice], figure: &FigureRef) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let (kind, what, number, row) = match figure {
        FigureRef::Wres { indicator, row } => ("wres", "WRES indicator", *indicator, row),
        FigureRef::Wdes { metric, row } => ("wdes", "WDES metric", *metric, row),
        FigureRef::PayGap { .. } => {
            let parts = figure.parts();
            if !figures.iter().any(|c| c.parts == parts) {
                errors.push(
                    "figure_name",
                    if figures.iter().any(|c| c.parts[0] == "pay_gap") {
                        format!("The published returns give no {}: choose one from the published figures", figure.to_string().to_lowercase())
                    } else {
                        "No pay gap is published (the workspace holds no staff data): ingest `staff` first".to_string()
                    },
                );
            }
            return errors.into_result();
        }
        _ => return Ok(()),
    };
    let of_kind: Vec<&FigureChoice> = figures.iter().filter(|c| c.parts[0] == kind).collect();
    if of_kind.is_empty() {
        errors.push(
            "figure_name",
            format!(
                "No {what} is published (the workspace holds no staff data): ingest `staff` first"
            ),
        );
        return Err(errors);
    }
    let number = number.to_string();
    let rows: Vec<&FigureChoice> = of_kind
        .iter()
        .copied()
        .filter(|c| c.parts[1] == number)
        .collect();
    if rows.is_empty() {
        let mut known: Vec<u8> = of_kind
            .iter()
            .filter_map(|c| c.parts[1].parse().ok())
            .collect();
        known.sort_unstable();
        known.dedup();
        let known: Vec<String> = known.iter().map(u8::to_string).collect();
        errors.push(
            "figure_name",
            format!(
                "The published returns follow no {what} {number} year on year: enter one of {}",
                known.join(", ")
            ),
        );
        return Err(errors);
    }
    let needle = row.to_lowercase();
    if !rows
        .iter()
        .any(|c| c.parts[2].to_lowercase().contains(&needle))
    {
        let known: Vec<String> = rows.iter().map(|c| format!("`{}`", c.parts[2])).collect();
        errors.push(
            "figure_breakdown",
            format!(
                "{what} {number} has no row containing `{row}`: enter words of {}",
                known.join(" or ")
            ),
        );
    }
    errors.into_result()
}

/// The published series of any measure's figure: indicators from the published results,
/// workforce figures from the returns' year-on-year sheets, engagement reach from the
/// who-is-heard view of each year's joiners.
pub struct MeasureSeries<'a> {
    published: &'a [PublishedRow],
    workforce: WorkforceSeries<'a>,
    reach: &'a crate::reach::ReachRecords,
}

impl<'a> MeasureSeries<'a> {
    /// Series from the workspace's published results `published`, its staff data and the
    /// engagement records `reach`.
    pub fn new(
        ws: &'a Workspace,
        published: &'a [PublishedRow],
        reach: &'a crate::reach::ReachRecords,
    ) -> MeasureSeries<'a> {
        MeasureSeries {
            published,
            workforce: WorkforceSeries::new(ws),
            reach,
        }
    }

    /// The series `figure` follows, oldest first.
    pub fn series(&mut self, figure: &FigureRef) -> crate::Result<Vec<SeriesPoint>> {
        Ok(match figure {
            FigureRef::Indicator { .. } | FigureRef::IndicatorGap { .. } => {
                crate::annual::indicator_series(self.published, figure)
            }
            FigureRef::Reach { .. } => crate::reach::series(self.reach, figure),
            FigureRef::Wres { .. } | FigureRef::Wdes { .. } | FigureRef::PayGap { .. } => {
                self.workforce.series(figure)?
            }
        })
    }
}

/// Why a measure has no data, in words for a report.
pub fn no_data_reason(figure: &FigureRef) -> &'static str {
    match figure {
        FigureRef::Wres { .. } | FigureRef::Wdes { .. } | FigureRef::PayGap { .. } => {
            "No data: the workforce returns publish no value of this row since the baseline"
        }
        FigureRef::Reach { .. } => {
            "No data: no participant count or ratio of this group is published since the baseline (1 to 7 people are withheld)"
        }
        _ => "No data",
    }
}

/// The published series of workforce figures (WRES, WDES, pay gaps), read from the
/// "Year on year" sheet of the whole ICS's published returns (each 31 March snapshot in the
/// staff data, the financial year it ends): the same cells `equalis workforce … --format csv`
/// prints. Each return is built once, on first use.
pub struct WorkforceSeries<'a> {
    ws: &'a Workspace,
    built: BTreeMap<&'static str, Option<Sheet>>,
}

impl<'a> WorkforceSeries<'a> {
    /// Series of the workspace's staff data.
    pub fn new(ws: &'a Workspace) -> WorkforceSeries<'a> {
        WorkforceSeries {
            ws,
            built: BTreeMap::new(),
        }
    }

    /// The "Year on year" sheet of a return, or `None` without staff data.
    fn year_on_year(
        &mut self,
        name: &'static str,
        kind: ReturnKind,
    ) -> crate::Result<Option<&Sheet>> {
        if !self.built.contains_key(name) {
            let sheet = if self
                .ws
                .current("staff")
                .map_err(anyhow::Error::from)?
                .is_none()
            {
                None
            } else {
                let doc = crate::workforce::build(self.ws, kind, &WorkforceOptions::default())?;
                doc.report
                    .sheets
                    .into_iter()
                    .find(|s| s.name == "Year on year")
            };
            self.built.insert(name, sheet);
        }
        Ok(self.built.get(name).and_then(Option::as_ref))
    }

    /// The series a workforce reference follows, oldest first: the year-on-year row of the
    /// WRES indicator or WDES metric whose label names `row` (the headline figure the return
    /// tracks: a relative likelihood or a gap in percentage points), or the pay gap's mean or
    /// median in hourly pay. Empty for other references, without staff data, or when no row
    /// matches (the measure then has no data, and the report says so).
    pub fn series(&mut self, figure: &FigureRef) -> crate::Result<Vec<SeriesPoint>> {
        let (sheet, pick): (Option<&Sheet>, RowPick) = match figure {
            FigureRef::Wres { indicator, row } => {
                let (n, row) = (*indicator, row.to_lowercase());
                (
                    self.year_on_year("wres", ReturnKind::Wres)?,
                    Box::new(move |label: &str| {
                        numbered(label) == Some(n) && label.to_lowercase().contains(&row)
                    }),
                )
            }
            FigureRef::Wdes { metric, row } => {
                let (n, row) = (*metric, row.to_lowercase());
                (
                    self.year_on_year("wdes", ReturnKind::Wdes)?,
                    Box::new(move |label: &str| {
                        numbered(label) == Some(n) && label.to_lowercase().contains(&row)
                    }),
                )
            }
            FigureRef::PayGap { kind, measure } => {
                let (name, by) = match kind {
                    PayGapKind::Gender => ("pay-gap-sex", By::Sex),
                    PayGapKind::Ethnicity => ("pay-gap-ethnicity", By::Ethnicity),
                    PayGapKind::Disability => ("pay-gap-disability", By::Disability),
                };
                let start = pay_gap_row_start(*measure);
                (
                    self.year_on_year(name, ReturnKind::PayGap(by))?,
                    Box::new(move |label: &str| {
                        label.starts_with(start) && label.contains("in hourly pay")
                    }),
                )
            }
            _ => return Ok(Vec::new()),
        };
        let Some(sheet) = sheet else {
            return Ok(Vec::new());
        };
        Ok(series_of(sheet, pick))
    }
}

/// How a pay gap's year-on-year row label starts.
fn pay_gap_row_start(measure: PayGapMeasure) -> &'static str {
    match measure {
        PayGapMeasure::Mean => "Mean ",
        PayGapMeasure::Median => "Median ",
    }
}

/// Which year-on-year row a reference follows, by its label.
type RowPick = Box<dyn Fn(&str) -> bool>;

/// The number a year-on-year label starts with: `4a(i): …` is metric 4.
fn numbered(label: &str) -> Option<u8> {
    let digits: String = label.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The first row of a year-on-year sheet whose label `pick`s, as one point per snapshot
/// column (`YYYY-03-31` is the financial year ending then); a withheld cell is no value.
fn series_of(sheet: &Sheet, pick: impl Fn(&str) -> bool) -> Vec<SeriesPoint> {
    let Some(row) = sheet
        .rows
        .iter()
        .find(|r| matches!(r.first(), Some(Val::Text(l)) if pick(l)))
    else {
        return Vec::new();
    };
    sheet
        .headers
        .iter()
        .zip(row)
        .filter_map(|(h, v)| {
            let end: u16 = h.strip_suffix("-03-31")?.parse().ok()?;
            let value = match v {
                Val::Num(p, places) => match p.get() {
                    Cell::Percentage(x) | Cell::Value(x) => {
                        Some(equalis_report::tables::round(*x, *places))
                    }
                    Cell::Count(n) => Some(*n as f64),
                    _ => None,
                },
                _ => None,
            };
            Some(SeriesPoint {
                year: FinancialYear::starting(end.checked_sub(1)?),
                value,
            })
        })
        .collect()
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
        // Indicators only: workforce and reach figures are offered from their own sources.
        assert_eq!(all.len(), 3);
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

    #[test]
    fn a_workforce_series_is_read_from_the_year_on_year_sheet() {
        use equalis_disclosure::{Level, Nhsd2018};
        let policy = Nhsd2018::default();
        let measure = |v: f64, people: u64| {
            policy
                .statutory_measure(v, people, Level::SubNational)
                .unwrap()
        };
        let mut sheet = Sheet::new(
            "Year on year",
            "Year on year",
            &[
                "Measure",
                "2024-03-31",
                "2025-03-31",
                "Change since 2024-03-31",
            ],
        );
        let num = |v: f64| Val::Num(measure(v, 100), 2);
        sheet.row(vec![
            Val::text("2: relative likelihood of White staff being appointed"),
            num(1.456),
            num(1.3),
            num(-0.156),
        ]);
        sheet.row(vec![
            Val::text("5: harassment from patients and the public, BME − White, percentage points"),
            Val::Num(measure(2.5, 3), 1),
            num(3.0),
            Val::Undefined("no earlier 31 March snapshot"),
        ]);
        let s = series_of(&sheet, |l| {
            numbered(l) == Some(2) && l.contains("relative likelihood")
        });
        assert_eq!(s.len(), 2, "the change column is not a year");
        assert_eq!(s[0].year, FinancialYear::starting(2023));
        assert_eq!(s[0].value, Some(1.46));
        assert_eq!(s[1].year, FinancialYear::starting(2024));
        let s = series_of(&sheet, |l| numbered(l) == Some(5));
        assert_eq!(s[0].value, None, "a withheld cell is no value");
        assert_eq!(s[1].value, Some(3.0));
        assert!(series_of(&sheet, |l| numbered(l) == Some(9)).is_empty());
        assert_eq!(numbered("4a(i): harassment"), Some(4));
    }
}

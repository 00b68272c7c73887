//! The parts of an indicator page: headline, forest plots, deprivation gradient, trend, SPC
//! charts and the plain-English summary, each built from one indicator's published rows.

use equalis_results::{PublishedRow, Statistic};

use crate::charts::{self, Column, ForestPoint, Judgement, PointKind, Reference, SpcColumn};
use crate::data::{
    self, ALL, DECILE, FOREST_BREAKDOWNS, IndicatorData, Notes, Table, TableCell, TableRow,
};
use crate::format::{self, Units, cell_number, is_suppressed};

/// Hands out chart ids unique within a page and counts the charts drawn.
#[derive(Debug, Default)]
pub(crate) struct ChartIds {
    n: usize,
}

impl ChartIds {
    /// The next id.
    pub(crate) fn next(&mut self) -> String {
        self.n += 1;
        format!("chart-{}", self.n)
    }

    /// How many charts were drawn.
    pub(crate) fn count(&self) -> usize {
        self.n
    }
}

/// The headline figure of a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Headline {
    /// The period.
    pub period: String,
    /// The ICS value with its unit, `*` when withheld, or "Not available".
    pub value: String,
    /// `95% CI a to b`.
    pub limits: Option<String>,
    /// `Based on 1,230 of 1,700 people`.
    pub counts: Option<String>,
    /// Against the target, in words.
    pub target: String,
    /// CSS class of the target status.
    pub target_class: &'static str,
    /// `Higher is better`.
    pub direction: String,
    /// A note on the figure (why it is missing or withheld).
    pub note: Option<String>,
}

/// A chart with its heading, caption, notes and data table.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The `h3`.
    pub heading: String,
    /// The SVG.
    pub svg: String,
    /// What is not drawn, and why.
    pub notes: Vec<String>,
    /// The figures drawn, and those withheld.
    pub table: Table,
}

/// An SPC chart with its Making Data Count reading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpcFigure {
    /// The chart and table.
    pub figure: Figure,
    /// The variation icon's meaning.
    pub variation: String,
    /// The assurance icon's meaning, if there is a target.
    pub assurance: Option<String>,
}

/// The deprivation gradient section.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gradient {
    /// Values by IMD decile.
    pub figure: Option<Figure>,
    /// SII and RII in words.
    pub sentences: Vec<String>,
    /// SII within each ethnic group.
    pub by_group: Option<Table>,
}

/// `95% CI a to b` from a published row's limits, or `None` when either is missing.
fn limits_text(units: &Units, row: &PublishedRow) -> Option<String> {
    let (lo, hi) = (cell_number(&row.lowercl)?, cell_number(&row.uppercl)?);
    Some(format!("95% CI {} to {}", units.bare(lo), units.bare(hi)))
}

/// Whether the value meets the target, as words and a CSS class.
fn target_status(data: &IndicatorData<'_>, value: Option<f64>) -> (String, &'static str) {
    let Some(target) = data.info.target else {
        return ("No national target".to_owned(), "status-none");
    };
    let t = data.units.value(target);
    match (value, data.info.direction.as_str()) {
        (None, _) => (
            format!("Target {t}: not judged, as there is no published value"),
            "status-none",
        ),
        (Some(v), "higher_is_better") if v >= target => {
            (format!("Meets the national target of {t}"), "status-met")
        }
        (Some(v), "lower_is_better") if v <= target => {
            (format!("Meets the national target of {t}"), "status-met")
        }
        (Some(_), "higher_is_better") => (
            format!("Below the national target of {t}"),
            "status-not-met",
        ),
        (Some(_), "lower_is_better") => (
            format!("Above the national target of {t}"),
            "status-not-met",
        ),
        (Some(_), _) => (
            format!("Target {t}: not judged, as the indicator has no preferred direction"),
            "status-none",
        ),
    }
}

/// The headline: the ICS figure of the latest period.
pub(crate) fn headline(data: &IndicatorData<'_>, period: &str) -> Headline {
    let units = &data.units;
    let direction = data::direction_label(&data.info.direction);
    let Some(row) = data.ics(period) else {
        let (target, target_class) = target_status(data, None);
        return Headline {
            period: period.to_owned(),
            value: "Not available".to_owned(),
            limits: None,
            counts: None,
            target,
            target_class,
            direction,
            note: Some("There is no whole-ICS figure for this period.".to_owned()),
        };
    };
    let value = cell_number(&row.value);
    let shown = match value {
        Some(v) => units.value(v),
        None if is_suppressed(&row.value) => units.cell(&row.value),
        None => "Not available".to_owned(),
    };
    let counts = match (
        row.statistic,
        cell_number(&row.numerator),
        cell_number(&row.denominator),
    ) {
        (Statistic::Proportion, Some(_), Some(_)) => Some(format!(
            "{} of {} (counts rounded to the nearest 5)",
            units.count_cell(&row.numerator),
            units.count_cell(&row.denominator)
        )),
        _ => None,
    };
    let (target, target_class) = target_status(data, value);
    Headline {
        period: period.to_owned(),
        value: shown,
        limits: limits_text(units, row),
        counts,
        target,
        target_class,
        direction,
        note: row.note.clone(),
    }
}

/// The ICS value of a period as a chart reference line.
fn ics_reference(data: &IndicatorData<'_>, period: &str) -> Option<Reference> {
    let v = cell_number(&data.ics(period)?.value)?;
    Some(Reference {
        value: v,
        label: format!("ICS value ({})", data.units.value(v)),
    })
}

/// The heading of a value column: `Value (%)`.
fn value_head(units: &Units) -> String {
    if units.suffix.trim().is_empty() {
        "Value".to_owned()
    } else {
        format!("Value ({})", units.suffix.trim())
    }
}

/// A table of published rows: group, numerator, denominator, value, limits and comparison,
/// with the ICS row first; notes say what `*` and `–` mean.
/// What a statistic's two counts are, as table headings; `None` for a count the statistic
/// does not have (a median has values but no numerator).
fn count_heads(statistic: Statistic) -> [Option<&'static str>; 2] {
    match statistic {
        Statistic::Proportion => [Some("Numerator"), Some("Denominator")],
        Statistic::CrudeRate | Statistic::Dsr => [Some("Events"), Some("Population")],
        Statistic::Ratio => [Some("Observed"), Some("Expected")],
        Statistic::Median | Statistic::Percentile => [None, Some("Values")],
        Statistic::Count => [Some("Count"), None],
        Statistic::Gap => [Some("Numerator"), Some("Denominator")],
        Statistic::Shortfall => [Some("Estimated"), Some("Registered")],
    }
}

/// A table of published rows: group, the statistic's counts, value, limits and comparison,
/// with the ICS row first; notes say what `*` and `–` mean.
pub(crate) fn rows_table(
    data: &IndicatorData<'_>,
    caption: String,
    first_column: &str,
    ics: Option<&PublishedRow>,
    rows: &[&PublishedRow],
) -> Table {
    let units = &data.units;
    let value_head = value_head(units);
    let statistic = ics
        .or(rows.first().copied())
        .map_or(Statistic::Proportion, |r| r.statistic);
    let counts = count_heads(statistic);
    let mut head: Vec<(&str, bool)> = vec![(first_column, false)];
    head.extend(counts.iter().flatten().map(|h| (*h, true)));
    head.extend([
        (value_head.as_str(), true),
        ("Lower 95% CI", true),
        ("Upper 95% CI", true),
        ("Compared with ICS", false),
    ]);
    let mut table = Table::new(caption, &head);
    let mut notes = Notes::default();
    let mut any_missing = false;
    for (row, is_ics) in ics
        .into_iter()
        .map(|r| (r, true))
        .chain(rows.iter().map(|r| (*r, false)))
    {
        let header = if is_ics {
            "ICS (everyone)".to_owned()
        } else {
            data::group_label(&row.breakdown, &row.group)
        };
        let count_cells: Vec<&equalis_disclosure::Publishable<equalis_disclosure::Cell>> =
            [&row.numerator, &row.denominator]
                .into_iter()
                .zip(counts)
                .filter_map(|(c, h)| h.map(|_| c))
                .collect();
        any_missing |= count_cells
            .iter()
            .chain([&&row.value, &&row.lowercl, &&row.uppercl])
            .any(|c| cell_number(c).is_none() && !is_suppressed(c));
        let judgement = Judgement::of(row.comparison, &data.info.direction);
        let comparison = if is_ics {
            TableCell::text(format::NOT_AVAILABLE.to_owned())
        } else {
            TableCell::tag(judgement.word(), judgement.class())
        };
        if let Some(note) = &row.note {
            notes.add(&header, note, is_suppressed(&row.value));
        }
        let mut cells: Vec<TableCell> = count_cells
            .iter()
            .map(|c| TableCell::num(units.count_cell(c)))
            .collect();
        cells.extend([
            TableCell::num(units.cell(&row.value)),
            TableCell::num(units.cell(&row.lowercl)),
            TableCell::num(units.cell(&row.uppercl)),
            comparison,
        ]);
        table.rows.push(TableRow { header, cells });
    }
    table.notes = notes.lines();
    if any_missing {
        table.notes.push(format!(
            "{} means the figure is not available.",
            format::NOT_AVAILABLE
        ));
    }
    table
}

/// Groups a chart leaves out, in words: `Not shown: Mixed (withheld for small numbers).`
fn omitted(rows: &[&PublishedRow]) -> Vec<String> {
    let name = |r: &&PublishedRow| data::group_label(&r.breakdown, &r.group);
    let withheld: Vec<String> = rows
        .iter()
        .filter(|r| is_suppressed(&r.value))
        .map(name)
        .collect();
    let missing: Vec<String> = rows
        .iter()
        .filter(|r| cell_number(&r.value).is_none() && !is_suppressed(&r.value))
        .map(name)
        .collect();
    let mut notes = Vec::new();
    if !withheld.is_empty() {
        notes.push(format!(
            "Not shown in the chart: {} ({} withheld because it rests on a count of 1 to 7; \
             shown as * in the table).",
            withheld.join(", "),
            if withheld.len() == 1 {
                "this group is"
            } else {
                "each group is"
            }
        ));
    }
    if !missing.is_empty() {
        notes.push(format!(
            "Not shown in the chart: {} (no value).",
            missing.join(", ")
        ));
    }
    notes
}

/// A forest plot and table for each forest breakdown present in the period.
pub(crate) fn forests(
    data: &IndicatorData<'_>,
    period: &str,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Vec<Figure> {
    FOREST_BREAKDOWNS
        .iter()
        .filter_map(|breakdown| forest(data, period, breakdown, iod_edition, ids))
        .collect()
}

/// The forest plot and table of one breakdown in a period, `None` when it has no groups there.
pub(crate) fn forest(
    data: &IndicatorData<'_>,
    period: &str,
    breakdown: &str,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Option<Figure> {
    let ics = data.ics(period);
    let reference = ics_reference(data, period);
    let rows = data.breakdown(period, breakdown);
    if rows.is_empty() {
        return None;
    }
    let label = data::breakdown_label(breakdown, iod_edition);
    let points: Vec<ForestPoint> = rows
        .iter()
        .filter_map(|r| {
            Some(ForestPoint {
                label: data::group_label(&r.breakdown, &r.group),
                value: cell_number(&r.value)?,
                lower: cell_number(&r.lowercl),
                upper: cell_number(&r.uppercl),
                judgement: Judgement::of(r.comparison, &data.info.direction),
            })
        })
        .collect();
    let title = format!(
        "{} by {}, {period}",
        data.info.name,
        data::breakdown_noun(breakdown)
    );
    let count = |j: Judgement| points.iter().filter(|p| p.judgement == j).count();
    let judged =
        if data.info.direction == "higher_is_better" || data.info.direction == "lower_is_better" {
            format!(
                "{} better, {} similar and {} worse than the ICS value.",
                count(Judgement::Better),
                count(Judgement::Similar),
                count(Judgement::Worse)
            )
        } else {
            format!(
                "{} higher, {} similar and {} lower than the ICS value.",
                count(Judgement::Higher),
                count(Judgement::Similar),
                count(Judgement::Lower)
            )
        };
    let desc = format!(
        "Forest plot: {} shown as points with 95% confidence intervals{}. {judged} \
         The figures are in the table below the chart.",
        format::plural(points.len(), "group", "groups"),
        reference
            .as_ref()
            .map(|r| format!(", against a vertical line at the {}", r.label))
            .unwrap_or_default(),
    );
    let svg = charts::forest(
        &ids.next(),
        &title,
        &desc,
        &points,
        reference.as_ref(),
        &data.units,
    );
    Some(Figure {
        heading: label.clone(),
        svg,
        notes: omitted(&rows),
        table: rows_table(data, title, &label, ics, &rows),
    })
}

/// An SII or RII with its limits and what they mean, in sentences.
fn inequality_sentences(data: &IndicatorData<'_>, period: &str) -> Vec<String> {
    let units = &data.units;
    let mut out = Vec::new();
    let sii = data.inequality(period, ALL, "sii");
    match sii.first() {
        Some(row) => match cell_number(&row.value) {
            Some(v) => {
                let lo = cell_number(&row.lowercl);
                let hi = cell_number(&row.uppercl);
                out.push(format!(
                    "The gap between the most and least deprived, allowing for the whole \
                     gradient (slope index of inequality), is {}.",
                    format::with_limits(
                        &units.difference(v),
                        lo.map(|x| units.bare(x)),
                        hi.map(|x| units.bare(x))
                    )
                ));
                // equalis fits the SII as `phe_sii` does: the fitted value at the least
                // deprived end minus that at the most deprived end.
                if v > 0.0 {
                    out.push(
                        "The figure is higher in the least deprived areas than in the most deprived."
                            .to_owned(),
                    );
                } else if v < 0.0 {
                    out.push(
                        "The figure is higher in the most deprived areas than in the least deprived."
                            .to_owned(),
                    );
                }
                if let (Some(lo), Some(hi)) = (lo, hi) {
                    out.push(if lo > 0.0 || hi < 0.0 {
                        "This gap is statistically significant: its 95% confidence interval \
                         does not include zero."
                            .to_owned()
                    } else {
                        "Its 95% confidence interval includes zero, so the gap is not \
                         statistically significant."
                            .to_owned()
                    });
                }
            }
            None => out.push(format!(
                "The slope index of inequality could not be calculated{}.",
                row.note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            )),
        },
        None => out.push("No slope index of inequality was calculated for this period.".into()),
    }
    if let Some(row) = data.inequality(period, ALL, "rii").first()
        && let Some(v) = cell_number(&row.value)
    {
        out.push(format!(
            "The relative index of inequality (RII), the ratio of the two ends of the \
             gradient, is {}; 1 would mean no difference.",
            format::with_limits(
                &format::ratio(v),
                cell_number(&row.lowercl).map(format::ratio),
                cell_number(&row.uppercl).map(format::ratio)
            )
        ));
    }
    out
}

/// Whether the whole-ICS SII of a period is significant: `None` if it is not available.
fn gradient_significant(data: &IndicatorData<'_>, period: &str) -> Option<bool> {
    let row = *data.inequality(period, ALL, "sii").first()?;
    let (lo, hi) = (cell_number(&row.lowercl)?, cell_number(&row.uppercl)?);
    Some(lo > 0.0 || hi < 0.0)
}

/// The deprivation gradient: values by IMD decile, SII and RII, and SII within ethnic groups.
pub(crate) fn gradient(
    data: &IndicatorData<'_>,
    period: &str,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Option<Gradient> {
    let deciles = data.breakdown(period, DECILE);
    let has_sii = !data.inequality(period, ALL, "sii").is_empty()
        || !data.inequality(period, ALL, "rii").is_empty();
    if deciles.is_empty() && !has_sii {
        return None;
    }
    let figure = (!deciles.is_empty()).then(|| {
        let reference = ics_reference(data, period);
        let columns: Vec<Column> = deciles
            .iter()
            .map(|r| Column {
                label: r.group.clone(),
                value: cell_number(&r.value),
                lower: cell_number(&r.lowercl),
                upper: cell_number(&r.uppercl),
            })
            .collect();
        let title = format!("{} by deprivation decile, {period}", data.info.name);
        let desc = format!(
            "Values for {} with 95% confidence intervals, from decile 1 (most deprived) on \
             the left to decile 10 (least deprived) on the right{}. The figures are in the \
             table below the chart.",
            format::plural(
                columns.iter().filter(|c| c.value.is_some()).count(),
                "decile",
                "deciles"
            ),
            reference
                .as_ref()
                .map(|r| format!(", with a dashed line at the {}", r.label))
                .unwrap_or_default()
        );
        let edition = iod_edition.trim();
        let x_title = if edition.is_empty() {
            "IMD decile (1 = most deprived, 10 = least deprived)".to_owned()
        } else {
            format!("IMD {edition} decile (1 = most deprived, 10 = least deprived)")
        };
        let svg = charts::gradient(
            &ids.next(),
            &title,
            &desc,
            &columns,
            reference.as_ref(),
            &x_title,
            &data.units,
        );
        Figure {
            heading: data::breakdown_label(DECILE, iod_edition),
            svg,
            notes: omitted(&deciles),
            table: rows_table(
                data,
                title,
                "Deprivation decile",
                data.ics(period),
                &deciles,
            ),
        }
    });
    let by_group = {
        let rows = data.inequality(period, "ethnic_group", "sii");
        (!rows.is_empty()).then(|| {
            let units = &data.units;
            let unit = units.difference_suffix.trim();
            let mut table = Table::new(
                format!(
                    "Slope index of inequality within each ethnic group, {period}{}",
                    if unit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({unit})")
                    }
                ),
                &[
                    ("Ethnic group", false),
                    ("SII", true),
                    ("Lower 95% CI", true),
                    ("Upper 95% CI", true),
                    ("Significant gradient", false),
                ],
            );
            let mut notes = Notes::default();
            for r in rows {
                let significant = match (cell_number(&r.lowercl), cell_number(&r.uppercl)) {
                    (Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0 => "Yes",
                    (Some(_), Some(_)) => "No",
                    _ => format::NOT_AVAILABLE,
                };
                if let Some(note) = &r.note {
                    notes.add(&r.group, note, false);
                }
                table.rows.push(TableRow {
                    header: r.group.clone(),
                    cells: vec![
                        TableCell::num(units.cell(&r.value)),
                        TableCell::num(units.cell(&r.lowercl)),
                        TableCell::num(units.cell(&r.uppercl)),
                        TableCell::text(significant.to_owned()),
                    ],
                });
            }
            table.notes = notes.lines();
            table
        })
    };
    Some(Gradient {
        figure,
        sentences: inequality_sentences(data, period),
        by_group,
    })
}

/// The whole-ICS value over every period, when there is more than one.
pub(crate) fn trend(data: &IndicatorData<'_>, ids: &mut ChartIds) -> Option<Figure> {
    if data.periods.len() < 2 {
        return None;
    }
    let rows: Vec<&PublishedRow> = data.periods.iter().filter_map(|p| data.ics(p)).collect();
    if rows.is_empty() {
        return None;
    }
    let columns: Vec<Column> = rows
        .iter()
        .map(|r| Column {
            label: r.period.clone(),
            value: cell_number(&r.value),
            lower: cell_number(&r.lowercl),
            upper: cell_number(&r.uppercl),
        })
        .collect();
    let target = data.info.target.map(|t| Reference {
        value: t,
        label: format!("Target ({})", data.units.value(t)),
    });
    let title = format!("{}: ICS value over time", data.info.name);
    let first = rows.first().map(|r| r.period.as_str()).unwrap_or_default();
    let last = rows.last().map(|r| r.period.as_str()).unwrap_or_default();
    let desc = format!(
        "Line chart of the ICS value from {first} to {last} with its 95% confidence interval \
         as a shaded band{}. The figures are in the table below the chart.",
        target
            .as_ref()
            .map(|t| format!(" and a dashed line at the {}", t.label.to_lowercase()))
            .unwrap_or_default()
    );
    let svg = charts::trend(
        &ids.next(),
        &title,
        &desc,
        "ICS value",
        &columns,
        target.as_ref(),
        &data.units,
    );
    let mut table = rows_table(data, title, "Period", None, &rows);
    // The period is the row header here, and a whole-ICS row has nothing to be compared with.
    for (tr, r) in table.rows.iter_mut().zip(&rows) {
        tr.header = r.period.clone();
        tr.cells.pop();
    }
    table.head.pop();
    let notes = omitted(&rows)
        .into_iter()
        .map(|n| {
            n.replace(
                "Not shown in the chart: ",
                "Periods not shown in the chart: ",
            )
        })
        .collect();
    Some(Figure {
        heading: "ICS value over time".to_owned(),
        svg,
        notes,
        table,
    })
}

/// Making Data Count's reading of a variation icon.
fn variation_text(variation: &str) -> String {
    let v = variation.to_ascii_lowercase();
    let meaning = if v.contains("improv") {
        "special-cause variation of an improving nature"
    } else if v.contains("concern") {
        "special-cause variation of a concerning nature"
    } else if v.contains("special") || v.contains("neither") || v.contains("neutral") {
        "special-cause variation, neither improving nor concerning"
    } else if v.contains("common") {
        "common-cause variation: no significant change"
    } else {
        return format!("Variation: {}.", format::humanise(variation));
    };
    format!("Variation: {} ({meaning}).", format::humanise(variation))
}

/// Making Data Count's reading of an assurance icon.
fn assurance_text(assurance: &str) -> String {
    let a = assurance.to_ascii_lowercase();
    let meaning = if a.contains("inconsistent") || a.contains("hit") {
        "the target will be hit and missed, subject to random variation"
    } else if a.contains("pass") {
        "the process can be expected to meet the target consistently"
    } else if a.contains("fail") {
        "the process will not meet the target without a change to it"
    } else {
        return format!("Assurance: {}.", format::humanise(assurance));
    };
    format!("Assurance: {} ({meaning}).", format::humanise(assurance))
}

/// One SPC chart and table per series of the indicator.
pub(crate) fn spc(
    data: &IndicatorData<'_>,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Vec<SpcFigure> {
    let units = &data.units;
    let target = data.info.target.map(|t| Reference {
        value: t,
        label: format!("Target ({})", units.value(t)),
    });
    let mut out = Vec::new();
    for (breakdown, group, points) in data.spc_series() {
        let who = if breakdown == ALL {
            "ICS".to_owned()
        } else {
            format!(
                "{} ({})",
                data::group_label(breakdown, group),
                data::breakdown_label(breakdown, iod_edition)
            )
        };
        let columns: Vec<SpcColumn> = points
            .iter()
            .map(|p| SpcColumn {
                column: Column {
                    label: p.period.clone(),
                    value: cell_number(&p.value),
                    lower: cell_number(&p.lower_limit),
                    upper: cell_number(&p.upper_limit),
                },
                centre: cell_number(&p.centre),
                kind: p.point.as_deref().map(PointKind::parse),
            })
            .collect();
        let special = columns
            .iter()
            .filter(|c| {
                c.column.value.is_some()
                    && c.kind
                        .is_some_and(|k| !matches!(k, PointKind::Common | PointKind::NotAssessed))
            })
            .count();
        let withheld = points.iter().filter(|p| is_suppressed(&p.value)).count();
        // Why the series has no process limits, when it has none: drawn as a run chart.
        let unassessed = points.iter().find_map(|p| p.note.clone());
        let shown = format::plural(
            columns.iter().filter(|c| c.column.value.is_some()).count(),
            "point",
            "points",
        );
        let (title, desc) = match &unassessed {
            Some(why) => (
                format!("Run chart: {}, {who}", data.info.name),
                format!(
                    "Run chart of {shown}, without process limits: {why}. The figures are in \
                     the table below the chart."
                ),
            ),
            None => (
                format!("SPC chart: {}, {who}", data.info.name),
                format!(
                    "Statistical process control chart of {shown} with the centre line and \
                     process limits; {} special cause. The figures are in the table below the \
                     chart.",
                    if special == 1 {
                        "1 point shows".to_owned()
                    } else {
                        format!("{special} points show")
                    }
                ),
            ),
        };
        let svg = charts::spc(&ids.next(), &title, &desc, &columns, target.as_ref(), units);
        let value_head = value_head(units);
        let mut table = Table::new(
            title.clone(),
            &[
                ("Period", false),
                (value_head.as_str(), true),
                ("Centre line", true),
                ("Lower process limit", true),
                ("Upper process limit", true),
                ("Point", false),
            ],
        );
        for p in &points {
            let kind = p.point.as_deref().map(PointKind::parse);
            table.rows.push(TableRow {
                header: p.period.clone(),
                cells: vec![
                    TableCell::num(units.cell(&p.value)),
                    TableCell::num(units.cell(&p.centre)),
                    TableCell::num(units.cell(&p.lower_limit)),
                    TableCell::num(units.cell(&p.upper_limit)),
                    TableCell::text(kind.map_or("Withheld", PointKind::word).to_owned()),
                ],
            });
        }
        let mut notes = Vec::new();
        if let Some(why) = &unassessed {
            notes.push(format!(
                "No statistical process control is shown for this series: {why}."
            ));
        }
        if withheld > 0 {
            notes.push(format!(
                "* {} withheld because {} on 1 to 7 records, and not shown in the chart.",
                format::plural(withheld, "point", "points"),
                if withheld == 1 {
                    "it rests"
                } else {
                    "each rests"
                }
            ));
        }
        // The table repeats what is withheld; why there are no limits is said once, by the
        // chart.
        table.notes = notes
            .iter()
            .filter(|n| !n.starts_with("No statistical process control"))
            .cloned()
            .collect();
        let (variation, assurance) = points
            .first()
            .map(|p| (p.variation.clone(), p.assurance.clone()))
            .unwrap_or_default();
        out.push(SpcFigure {
            figure: Figure {
                heading: if unassessed.is_some() {
                    format!("Run chart: {who}")
                } else {
                    format!("Statistical process control: {who}")
                },
                svg,
                notes,
                table,
            },
            variation: match &unassessed {
                Some(_) => "Variation: not assessed (the series has no reliable process limits)."
                    .to_owned(),
                None => variation_text(&variation),
            },
            assurance: assurance.as_deref().map(assurance_text),
        });
    }
    out
}

/// Groups ranked by value, for a measure with no whole-ICS figure (mutual-aid candidates by
/// treatment function): a table of every group of the period, highest first, with the note
/// that says what stands behind each value (e.g. the providers compared), and sentences that
/// say how many groups are candidates.
pub(crate) fn listing(data: &IndicatorData<'_>, period: &str) -> Option<(Table, Vec<String>)> {
    if data.ics(period).is_some() {
        return None;
    }
    let mut rows: Vec<&PublishedRow> = data
        .rows
        .iter()
        .copied()
        .filter(|r| r.period == period && !r.breakdown.contains(" x "))
        .collect();
    let breakdown = rows.first()?.breakdown.clone();
    rows.retain(|r| r.breakdown == breakdown);
    // Highest first; withheld and missing values last, in their natural order.
    rows.sort_by(
        |a, b| match (cell_number(&a.value), cell_number(&b.value)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => equalis_vocab::natural_cmp(&a.group, &b.group),
        },
    );
    let units = &data.units;
    let heading = data::breakdown_label(&breakdown, "");
    let value_head = value_head(units);
    let mut table = Table::new(
        format!(
            "{} by {}, {}",
            data.info.name,
            data::breakdown_noun(&breakdown),
            format::period_phrase(period)
                .trim_start_matches("In ")
                .trim_start_matches("On ")
        ),
        &[
            (heading.as_str(), false),
            (value_head.as_str(), true),
            ("What it compares", false),
        ],
    );
    let candidate = "candidate for mutual aid: ";
    let mut candidates = Vec::new();
    for r in &rows {
        let note = r.note.clone().unwrap_or_default();
        let (flag, rest) = match note.strip_prefix(candidate) {
            Some(rest) => {
                candidates.push(format!(
                    "{} ({}: {rest})",
                    data::group_label(&r.breakdown, &r.group),
                    units.cell(&r.value)
                ));
                ("Candidate: ", rest.to_owned())
            }
            None => ("", note),
        };
        table.rows.push(TableRow {
            header: data::group_label(&r.breakdown, &r.group),
            cells: vec![
                TableCell::num(units.cell(&r.value)),
                TableCell::text(format!("{flag}{rest}")),
            ],
        });
    }
    let mut sentences = vec![format!(
        "This measure has no whole-ICS figure: it is given for each {} ({} {}).",
        data::breakdown_noun(&breakdown).trim_start_matches("by "),
        rows.len(),
        format::period_phrase(period)
            .replacen("On ", "on ", 1)
            .replacen("In ", "in ", 1)
    )];
    if data.info.id == "wl_mutual_aid" {
        sentences.push(match candidates.len() {
            0 => "No treatment function is a candidate for mutual aid: in each, the longest \
                  provider median wait is less than 1.5 times the shortest."
                .to_owned(),
            n => format!(
                "{} {} for mutual aid (the longest provider median wait at least 1.5 times the \
                 shortest): {}.",
                format::plural(n, "treatment function", "treatment functions"),
                if n == 1 {
                    "is a candidate"
                } else {
                    "are candidates"
                },
                candidates.join("; ")
            ),
        });
    }
    Some((table, sentences))
}

/// The plain-English summary of the latest period, as sentences.
pub(crate) fn summary(data: &IndicatorData<'_>, period: &str) -> Vec<String> {
    let units = &data.units;
    let mut out = Vec::new();
    let ics_row = data.ics(period);
    let ics = ics_row.and_then(|r| cell_number(&r.value));
    match (ics_row, ics) {
        (Some(row), Some(v)) => {
            let mut s = format!(
                "{} the ICS value was {}",
                format::period_phrase(period),
                format::with_limits(
                    &units.value(v),
                    cell_number(&row.lowercl).map(|x| units.bare(x)),
                    cell_number(&row.uppercl).map(|x| units.bare(x))
                )
            );
            if let Some(target) = data.info.target {
                let t = units.value(target);
                let clause = match data.info.direction.as_str() {
                    "higher_is_better" if v >= target => Some(format!("meets the target of {t}")),
                    "lower_is_better" if v <= target => Some(format!("meets the target of {t}")),
                    "higher_is_better" => Some(format!("is below the target of {t}")),
                    "lower_is_better" => Some(format!("is above the target of {t}")),
                    _ => None,
                };
                if let Some(clause) = clause {
                    s.push_str(&format!(", which {clause}"));
                }
            }
            s.push('.');
            out.push(s);
            if let Some(prev) = data.previous()
                && let Some(p) = data.ics(prev).and_then(|r| cell_number(&r.value))
            {
                out.push(format!(
                    "{} it was {}.",
                    format::period_phrase(prev),
                    units.value(p)
                ));
            }
        }
        (Some(row), None) if is_suppressed(&row.value) => out.push(format!(
            "{} the ICS value was withheld because it rests on a count of 1 to 7.",
            format::period_phrase(period)
        )),
        _ => out.push(format!(
            "There is no ICS value for {}.",
            format::period_phrase(period)
                .trim_start_matches("In ")
                .trim_start_matches("On ")
        )),
    }

    // The group furthest from the ICS value in the worse direction, among groups whose
    // difference is significant (their 95% limits exclude the ICS value).
    let directional =
        data.info.direction == "higher_is_better" || data.info.direction == "lower_is_better";
    let shown: Vec<&PublishedRow> = FOREST_BREAKDOWNS
        .iter()
        .chain(std::iter::once(&DECILE))
        .flat_map(|b| data.breakdown(period, b))
        .collect();
    // Whether any group was compared with the ICS value at all: a group without limits (or a
    // statistic without them) was not tested, and nothing may be said of its significance.
    let compared = shown.iter().any(|r| r.comparison.is_some());
    if let Some(ics) = ics {
        let furthest = shown
            .iter()
            .filter_map(|r| {
                let j = Judgement::of(r.comparison, &data.info.direction);
                let wanted = if directional {
                    j == Judgement::Worse
                } else {
                    matches!(j, Judgement::Higher | Judgement::Lower)
                };
                let v = cell_number(&r.value)?;
                wanted.then_some((r, v, (v - ics).abs()))
            })
            .max_by(|a, b| a.2.total_cmp(&b.2));
        out.push(match (furthest, directional) {
            (Some((r, v, _)), true) => format!(
                "The group furthest from the ICS value in the worse direction is {}, at {} \
                 against {} for the ICS.",
                data::group_phrase(&r.breakdown, &r.group),
                units.value(v),
                units.value(ics)
            ),
            (Some((r, v, _)), false) => format!(
                "This indicator has no better direction; the group furthest from the ICS \
                 value is {}, at {} against {} for the ICS.",
                data::group_phrase(&r.breakdown, &r.group),
                units.value(v),
                units.value(ics)
            ),
            (None, true) if compared => {
                "No group is significantly worse than the ICS value.".to_owned()
            }
            (None, false) if compared => {
                "No group differs significantly from the ICS value.".to_owned()
            }
            (None, _) if !shown.is_empty() => "The groups were not tested against the ICS \
                 value: their figures have no confidence limits."
                .to_owned(),
            (None, _) => "There are no figures for groups of people in this period.".to_owned(),
        });
    }

    match gradient_significant(data, period) {
        Some(true) => out.push(
            "The deprivation gradient is statistically significant: the 95% confidence \
             interval of the slope index of inequality does not include zero."
                .to_owned(),
        ),
        Some(false) => out.push(
            "There is no statistically significant deprivation gradient: the 95% confidence \
             interval of the slope index of inequality includes zero."
                .to_owned(),
        ),
        None => {}
    }

    if shown.is_empty() {
        return out;
    }
    let withheld = shown.iter().filter(|r| is_suppressed(&r.value)).count();
    out.push(match withheld {
        0 => "No group was withheld for small numbers.".to_owned(),
        1 => "1 group was withheld because it rests on a count of 1 to 7.".to_owned(),
        n => format!(
            "{} groups were withheld because each rests on a count of 1 to 7.",
            format::count(n as u64)
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_explained() {
        assert_eq!(
            variation_text("common_cause"),
            "Variation: Common cause (common-cause variation: no significant change)."
        );
        assert!(variation_text("special cause concern").contains("concerning"));
        assert!(assurance_text("consistent_pass").contains("consistently"));
        assert!(assurance_text("inconsistent").contains("hit and missed"));
        assert_eq!(assurance_text("odd"), "Assurance: Odd.");
    }

    #[test]
    fn chart_ids_are_unique() {
        let mut ids = ChartIds::default();
        assert_eq!(ids.next(), "chart-1");
        assert_eq!(ids.next(), "chart-2");
        assert_eq!(ids.count(), 2);
    }
}

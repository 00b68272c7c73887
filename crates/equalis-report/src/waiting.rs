//! The elective waiting-list inequalities dashboard, as an ICB board reads it: every measure of
//! the waiting list with its latest whole-ICS value and the gap between the groups of one
//! breakdown, and the equalisation trends (whether each gap between groups the results store
//! per snapshot is narrowing or widening), each a chart with its table.
//!
//! Built from published rows only, like every other figure of the report: a gap between two
//! groups is the difference of their published values, and a trend compares published values
//! and their published limits.

use equalis_results::{IndicatorInfo, PublishedRow, Statistic};

use crate::charts::{self, Column, Reference};
use crate::data::{self, ALL, FOREST_BREAKDOWNS, IndicatorData, Table, TableCell, TableRow};
use crate::format::{self, cell_number, is_suppressed};
use crate::indicator::{ChartIds, Figure, rows_table};

/// The area of the waiting-list measures (`equalis_engine::waiting::infos` and the catalogue's
/// waiting-list indicators).
pub const WAITING_LIST_AREA: &str = "Elective waiting list";

/// Whether an indicator is a measure of the elective waiting list.
pub fn is_waiting_list(info: &IndicatorInfo) -> bool {
    info.area.trim().eq_ignore_ascii_case(WAITING_LIST_AREA)
}

/// Which way a gap between groups has moved from its first published snapshot to its latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapChange {
    /// Smaller, and the two snapshots' 95% confidence intervals do not overlap.
    Narrowing,
    /// Larger, and the two snapshots' 95% confidence intervals do not overlap.
    Widening,
    /// Larger or smaller, but within the confidence intervals (or the same).
    NoClearChange,
    /// Fewer than two snapshots with a published value.
    NotEnough,
}

impl GapChange {
    /// The word a table shows.
    pub fn word(self) -> &'static str {
        match self {
            GapChange::Narrowing => "Narrowing",
            GapChange::Widening => "Widening",
            GapChange::NoClearChange => "No clear change",
            GapChange::NotEnough => "Not enough snapshots",
        }
    }

    /// The CSS class of the table cell holding the word, as for a comparison with the ICS:
    /// a narrowing gap is better, a widening one worse.
    pub fn class(self) -> &'static str {
        match self {
            GapChange::Narrowing => "tag tag-better",
            GapChange::Widening => "tag tag-worse",
            GapChange::NoClearChange | GapChange::NotEnough => "tag",
        }
    }
}

/// One gap between groups over the snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct Equalisation {
    /// The gap measure.
    pub indicator_id: String,
    /// Its name.
    pub indicator: String,
    /// Whose gap: `ICS` or the group (`Asian or Asian British`).
    pub group: String,
    /// Which way it moved.
    pub change: GapChange,
    /// The change in a sentence.
    pub sentence: String,
    /// The chart of the gap over the snapshots, with its table.
    pub figure: Figure,
}

/// The waiting-list dashboard of one breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingList {
    /// The breakdown whose groups the summary compares.
    pub breakdown: String,
    /// Each measure's latest ICS value and the gap between the breakdown's groups.
    pub summary: Table,
    /// The measure of each summary row, in order (for links).
    pub ids: Vec<String>,
    /// Each equalisation trend in a row: first and latest published gap, and the change.
    pub equalisation: Table,
    /// The equalisation trends, each with its chart.
    pub trends: Vec<Equalisation>,
}

/// The breakdowns the summary can compare: every single breakdown of the measures (no pairs,
/// not `all`), the report's forest breakdowns first in page order, then the rest by name.
pub fn waiting_list_breakdowns(measures: &[(&IndicatorInfo, &[PublishedRow])]) -> Vec<String> {
    let mut found: Vec<String> = measures
        .iter()
        .flat_map(|(_, rows)| rows.iter())
        .filter(|r| r.breakdown != ALL && !r.breakdown.contains(" x "))
        .map(|r| r.breakdown.clone())
        .collect();
    found.sort();
    found.dedup();
    let rank = |b: &str| {
        FOREST_BREAKDOWNS
            .iter()
            .position(|f| *f == b)
            .unwrap_or(FOREST_BREAKDOWNS.len())
    };
    found.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    found
}

/// The dashboard of `measures` (each waiting-list indicator with its published rows; others
/// are left out) comparing the groups of `breakdown`.
pub(crate) fn dashboard(
    measures: &[(&IndicatorInfo, &[PublishedRow])],
    breakdown: &str,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> WaitingList {
    let mut measures: Vec<&(&IndicatorInfo, &[PublishedRow])> = measures
        .iter()
        .filter(|(i, _)| is_waiting_list(i))
        .collect();
    measures.sort_by(|a, b| a.0.name.cmp(&b.0.name).then_with(|| a.0.id.cmp(&b.0.id)));
    let label = data::breakdown_label(breakdown, iod_edition);
    let mut summary = Table::new(
        format!("Waiting-list measures at the latest snapshot, by {label}"),
        &[
            ("Measure", false),
            ("Latest snapshot", false),
            ("ICS value", true),
            ("Lowest group", false),
            ("Highest group", false),
            ("Gap (highest minus lowest)", true),
        ],
    );
    let mut summary_ids = Vec::new();
    let mut too_few = Vec::new();
    let mut counts = Vec::new();
    let mut trends = Vec::new();
    for (info, rows) in &measures {
        let data = IndicatorData::new(info, rows, &[], &[]);
        let Some(period) = data.latest() else {
            continue;
        };
        let units = &data.units;
        // With its unit: the measures' units differ (weeks, %, per 1,000).
        let ics = data.ics(period).map_or_else(
            || format::NOT_AVAILABLE.to_owned(),
            |r| cell_number(&r.value).map_or_else(|| units.cell(&r.value), |v| units.value(v)),
        );
        let groups: Vec<(String, f64)> = data
            .breakdown(period, breakdown)
            .into_iter()
            .filter_map(|r| {
                Some((
                    data::group_label(breakdown, &r.group),
                    cell_number(&r.value)?,
                ))
            })
            .collect();
        let lowest = groups.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let highest = groups.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        let is_count = Statistic::parse(&info.statistic) == Some(Statistic::Count);
        let na = || format::NOT_AVAILABLE.to_owned();
        let (low, high, gap) = match (lowest, highest) {
            // Groups of different sizes are compared by rates, not by how many are waiting.
            _ if is_count => {
                counts.push(info.name.clone());
                (na(), na(), na())
            }
            (Some(l), Some(h)) if groups.len() >= 2 => (
                format!("{} ({})", l.0, units.value(l.1)),
                format!("{} ({})", h.0, units.value(h.1)),
                units.difference(h.1 - l.1),
            ),
            _ => {
                too_few.push(info.name.clone());
                (na(), na(), na())
            }
        };
        summary.rows.push(TableRow {
            header: info.name.clone(),
            cells: vec![
                TableCell::text(period.to_owned()),
                TableCell::num(ics),
                TableCell::text(low),
                TableCell::text(high),
                TableCell::num(gap),
            ],
        });
        summary_ids.push(info.id.clone());
        if Statistic::parse(&info.statistic) == Some(Statistic::Gap) {
            trends.extend(gap_trends(&data, iod_edition, ids));
        }
    }
    summary.notes.push(
        "The gap is the highest group's published value minus the lowest's; whether the groups \
         differ significantly is on each measure's page, with the confidence intervals."
            .to_owned(),
    );
    if !counts.is_empty() {
        summary.notes.push(format!(
            "{} {}: groups of different sizes are compared by the rates and percentages, not \
             by how many are waiting.",
            counts.join(", "),
            if counts.len() == 1 {
                "is a count"
            } else {
                "are counts"
            }
        ));
    }
    if !too_few.is_empty() {
        summary.notes.push(format!(
            "{} means fewer than two groups have a published value in the latest snapshot ({}).",
            format::NOT_AVAILABLE,
            too_few.join(", ")
        ));
    }
    let mut equalisation = Table::new(
        "Equalisation: each gap between groups, first and latest snapshot".to_owned(),
        &[
            ("Gap", false),
            ("Whose gap", false),
            ("First snapshot", false),
            ("Latest snapshot", false),
            ("Change", false),
        ],
    );
    for t in &trends {
        let ends = ends(&t.figure);
        equalisation.rows.push(TableRow {
            header: t.indicator.clone(),
            cells: vec![
                TableCell::text(t.group.clone()),
                TableCell::text(ends.0),
                TableCell::text(ends.1),
                TableCell::tag(t.change.word(), t.change.class()),
            ],
        });
    }
    equalisation.notes.push(
        "Narrowing or widening: the gap is smaller or larger in the latest snapshot than in the \
         first, and the two snapshots' 95% confidence intervals do not overlap."
            .to_owned(),
    );
    WaitingList {
        breakdown: breakdown.to_owned(),
        summary,
        ids: summary_ids,
        equalisation,
        trends,
    }
}

/// The first and latest rows of a trend's table as `period: value`.
fn ends(figure: &Figure) -> (String, String) {
    let text = |r: Option<&TableRow>| {
        r.map_or_else(
            || format::NOT_AVAILABLE.to_owned(),
            |r| {
                // The value column is the one after the counts: the third from the end.
                let value = r
                    .cells
                    .len()
                    .checked_sub(3)
                    .and_then(|i| r.cells.get(i))
                    .map_or(format::NOT_AVAILABLE, |c| c.text.as_str());
                format!("{}: {value}", r.header)
            },
        )
    };
    (
        text(figure.table.rows.first()),
        text(figure.table.rows.last()),
    )
}

/// Each series of a gap measure for the whole ICS (breakdown `all`, or a single breakdown's
/// groups such as each ethnic group against White), over its snapshots; providers and pairs
/// are on the measure's own page.
fn gap_trends(
    data: &IndicatorData<'_>,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Vec<Equalisation> {
    let mut series: Vec<(&str, &str)> = Vec::new();
    for r in &data.rows {
        let whole =
            r.breakdown == ALL || (!r.breakdown.contains(" x ") && r.breakdown != "provider");
        if whole && !series.contains(&(r.breakdown.as_str(), r.group.as_str())) {
            series.push((r.breakdown.as_str(), r.group.as_str()));
        }
    }
    series.sort_by(|a, b| {
        (a.0 != ALL)
            .cmp(&(b.0 != ALL))
            .then_with(|| equalis_vocab::natural_cmp(a.1, b.1))
    });
    let mut out = Vec::new();
    for (breakdown, group) in series {
        let rows: Vec<&PublishedRow> = data
            .periods
            .iter()
            .filter_map(|p| {
                data.rows
                    .iter()
                    .copied()
                    .find(|r| &r.period == p && r.breakdown == breakdown && r.group == group)
            })
            .collect();
        if rows.len() < 2 {
            continue;
        }
        let whose = if breakdown == ALL {
            "ICS".to_owned()
        } else {
            data::group_label(breakdown, group)
        };
        out.push(trend(data, &rows, &whose, breakdown, iod_edition, ids));
    }
    out
}

/// One gap's chart, table and change.
fn trend(
    data: &IndicatorData<'_>,
    rows: &[&PublishedRow],
    whose: &str,
    breakdown: &str,
    iod_edition: &str,
    ids: &mut ChartIds,
) -> Equalisation {
    let units = &data.units;
    let columns: Vec<Column> = rows
        .iter()
        .map(|r| Column {
            label: r.period.clone(),
            value: cell_number(&r.value),
            lower: cell_number(&r.lowercl),
            upper: cell_number(&r.uppercl),
        })
        .collect();
    let name = &data.info.name;
    let title = if breakdown == ALL {
        format!("{name}: ICS over time")
    } else {
        format!(
            "{name}: {whose} ({}) over time",
            data::breakdown_label(breakdown, iod_edition)
        )
    };
    let first = rows.first().map(|r| r.period.as_str()).unwrap_or_default();
    let last = rows.last().map(|r| r.period.as_str()).unwrap_or_default();
    let desc = format!(
        "Line chart of the gap from {first} to {last} with its 95% confidence interval as a \
         shaded band and a dashed line at no gap (0). The figures are in the table below the \
         chart."
    );
    let none = Reference {
        value: 0.0,
        label: "No gap (0)".to_owned(),
    };
    let svg = charts::trend(
        &ids.next(),
        &title,
        &desc,
        "Gap",
        &columns,
        Some(&none),
        units,
    );
    let mut table = rows_table(data, title, "Snapshot", None, rows);
    // The snapshot names each row, and the comparison with the ICS is on the measure's page.
    for (tr, r) in table.rows.iter_mut().zip(rows) {
        tr.header = r.period.clone();
        tr.cells.pop();
    }
    table.head.pop();
    let (change, sentence) = change(&columns, units, name, whose);
    Equalisation {
        indicator_id: data.info.id.clone(),
        indicator: name.clone(),
        group: whose.to_owned(),
        change,
        sentence,
        figure: Figure {
            heading: if breakdown == ALL {
                name.clone()
            } else {
                format!("{name}: {whose}")
            },
            svg,
            notes: omitted_snapshots(rows),
            table,
        },
    }
}

/// The snapshots a trend chart leaves out, and why.
fn omitted_snapshots(rows: &[&PublishedRow]) -> Vec<String> {
    let withheld: Vec<&str> = rows
        .iter()
        .filter(|r| is_suppressed(&r.value))
        .map(|r| r.period.as_str())
        .collect();
    let missing: Vec<&str> = rows
        .iter()
        .filter(|r| cell_number(&r.value).is_none() && !is_suppressed(&r.value))
        .map(|r| r.period.as_str())
        .collect();
    let mut notes = Vec::new();
    if !withheld.is_empty() {
        notes.push(format!(
            "Snapshots not shown in the chart: {} (withheld because the gap rests on a count of \
             1 to 7; shown as * in the table).",
            withheld.join(", ")
        ));
    }
    if !missing.is_empty() {
        notes.push(format!(
            "Snapshots not shown in the chart: {} (no value).",
            missing.join(", ")
        ));
    }
    notes
}

/// Which way the gap moved between the first and latest snapshots with a published value.
fn change(
    columns: &[Column],
    units: &format::Units,
    name: &str,
    whose: &str,
) -> (GapChange, String) {
    let valued: Vec<&Column> = columns.iter().filter(|c| c.value.is_some()).collect();
    let (Some(a), Some(b)) = (valued.first(), valued.last()) else {
        return (
            GapChange::NotEnough,
            format!("{name} ({whose}): no snapshot has a published value."),
        );
    };
    let (Some(va), Some(vb)) = (a.value, b.value) else {
        return (GapChange::NotEnough, String::new());
    };
    if valued.len() < 2 {
        return (
            GapChange::NotEnough,
            format!(
                "{name} ({whose}): only {} has a published value, so there is no trend to read.",
                a.label
            ),
        );
    }
    let apart = match (a.lower, a.upper, b.lower, b.upper) {
        (Some(al), Some(au), Some(bl), Some(bu)) => bu < al || bl > au,
        _ => false,
    };
    let smaller = vb.abs() < va.abs();
    let larger = vb.abs() > va.abs();
    let change = match (smaller, larger, apart) {
        (true, _, true) => GapChange::Narrowing,
        (_, true, true) => GapChange::Widening,
        _ => GapChange::NoClearChange,
    };
    let was = format!(
        "{name} ({whose}) was {} on {} and is {} on {}",
        units.difference(va),
        a.label,
        units.difference(vb),
        b.label
    );
    let sentence = match change {
        GapChange::Narrowing => format!(
            "{was}: the gap is narrowing (the two snapshots' 95% confidence intervals do not overlap)."
        ),
        GapChange::Widening => format!(
            "{was}: the gap is widening (the two snapshots' 95% confidence intervals do not overlap)."
        ),
        _ if smaller => format!(
            "{was}: smaller, but the 95% confidence intervals overlap, so this is not a clear change."
        ),
        _ if larger => format!(
            "{was}: larger, but the 95% confidence intervals overlap, so this is not a clear change."
        ),
        _ => format!("{was}: the same size."),
    };
    (change, sentence)
}

#[cfg(test)]
mod tests {
    use equalis_results::{ResultRow, View, publish};

    use super::*;

    fn gap(period: &str, breakdown: &str, group: &str, a: (f64, f64), b: (f64, f64)) -> ResultRow {
        let mut r = ResultRow::new("wl_gap", period, breakdown, group, Statistic::Gap, 100.0);
        r.numerator = Some(a.0);
        r.denominator = Some(a.1);
        r.comparator_numerator = Some(b.0);
        r.comparator_denominator = Some(b.1);
        r.value = Some((a.0 / a.1 - b.0 / b.1) * 100.0);
        r
    }

    fn count(period: &str, breakdown: &str, group: &str, n: f64) -> ResultRow {
        let mut r = ResultRow::new("wl_n", period, breakdown, group, Statistic::Count, 1.0);
        r.numerator = Some(n);
        r.value = Some(n);
        r
    }

    fn info(id: &str, name: &str, statistic: &str, unit: &str) -> IndicatorInfo {
        IndicatorInfo {
            id: id.into(),
            name: name.into(),
            area: WAITING_LIST_AREA.into(),
            statistic: statistic.into(),
            unit: unit.into(),
            direction: "lower_is_better".into(),
            ..IndicatorInfo::default()
        }
    }

    #[test]
    fn a_gap_that_shrinks_beyond_its_limits_is_narrowing_and_one_within_them_is_not() {
        let rows = vec![
            // The ICS gap: 30 points, then 5: narrowing.
            gap("2026-01-04", "all", "All", (600.0, 1000.0), (300.0, 1000.0)),
            gap("2026-02-01", "all", "All", (450.0, 1000.0), (300.0, 1000.0)),
            gap("2026-03-01", "all", "All", (350.0, 1000.0), (300.0, 1000.0)),
            // Mixed: 10 then 12 points on small groups: within the limits.
            gap(
                "2026-01-04",
                "ethnic_group",
                "Mixed",
                (40.0, 100.0),
                (30.0, 100.0),
            ),
            gap(
                "2026-03-01",
                "ethnic_group",
                "Mixed",
                (42.0, 100.0),
                (30.0, 100.0),
            ),
            // A provider's series is on the measure's page, not the dashboard.
            gap(
                "2026-01-04",
                "provider",
                "RWE",
                (60.0, 100.0),
                (30.0, 100.0),
            ),
            gap(
                "2026-03-01",
                "provider",
                "RWE",
                (60.0, 100.0),
                (30.0, 100.0),
            ),
        ];
        let (published, _, _) = publish(&View::Published, &rows, &[], &[]);
        let gap_info = info("wl_gap", "Core20 gap", "gap", "percentage points");
        let other = IndicatorInfo {
            area: "Maternity".into(),
            ..info("m", "Other", "count", "")
        };
        let measures = [(&gap_info, published.as_slice()), (&other, &[][..])];
        let mut ids = ChartIds::default();
        let d = dashboard(&measures, "ethnic_group", "2025", &mut ids);
        assert_eq!(d.ids, ["wl_gap"], "only waiting-list measures");
        assert_eq!(d.trends.len(), 2, "{:?}", d.trends);
        let ics = &d.trends[0];
        assert_eq!(ics.group, "ICS");
        assert_eq!(ics.change, GapChange::Narrowing, "{}", ics.sentence);
        assert!(
            ics.sentence
                .contains("30.0 percentage points on 2026-01-04"),
            "{}",
            ics.sentence
        );
        assert_eq!(ics.figure.table.rows.len(), 3);
        assert!(ics.figure.svg.contains("No gap (0)"));
        let mixed = &d.trends[1];
        assert_eq!(mixed.group, "Mixed");
        assert_eq!(mixed.change, GapChange::NoClearChange, "{}", mixed.sentence);
        assert_eq!(d.equalisation.rows.len(), 2);
        assert_eq!(d.equalisation.rows[0].cells[3].text, "Narrowing");
        assert_eq!(d.equalisation.rows[0].cells[1].text, "2026-01-04: 30.0");
        assert_eq!(ids.count(), 2, "one chart per trend");
    }

    fn share(period: &str, breakdown: &str, group: &str, n: f64, d: f64) -> ResultRow {
        let mut r = ResultRow::new(
            "wl_over",
            period,
            breakdown,
            group,
            Statistic::Proportion,
            100.0,
        );
        r.numerator = Some(n);
        r.denominator = Some(d);
        r.value = Some(n / d * 100.0);
        r
    }

    #[test]
    fn the_summary_gives_the_gap_between_published_groups_and_says_when_it_cannot() {
        let rows = vec![
            share("2026-03-01", "all", "All", 300.0, 1000.0),
            share("2026-03-01", "imd_quintile", "1", 150.0, 300.0),
            share("2026-03-01", "imd_quintile", "5", 40.0, 200.0),
            share("2026-03-01", "imd_quintile", "3", 110.0, 500.0),
            share("2026-03-01", "sex", "Female", 297.0, 600.0),
            share("2026-03-01", "sex", "Male", 3.0, 400.0),
            share("2026-01-01", "age_band", "18-64", 100.0, 200.0),
        ];
        let counts = vec![
            count("2026-03-01", "all", "All", 1000.0),
            count("2026-03-01", "imd_quintile", "1", 300.0),
            count("2026-03-01", "imd_quintile", "5", 200.0),
        ];
        let (published, _, _) = publish(&View::Published, &rows, &[], &[]);
        let (counted, _, _) = publish(&View::Published, &counts, &[], &[]);
        let over = info("wl_over", "Waiting over 18 weeks", "proportion", "%");
        let n = info("wl_n", "Waiting list size", "count", "pathways");
        let measures = [(&over, published.as_slice()), (&n, counted.as_slice())];
        assert_eq!(
            waiting_list_breakdowns(&measures),
            ["imd_quintile", "sex", "age_band"]
        );
        let mut ids = ChartIds::default();
        let d = dashboard(&measures, "imd_quintile", "2025", &mut ids);
        assert_eq!(d.ids, ["wl_n", "wl_over"], "by name");
        let texts = |i: usize| -> Vec<String> {
            d.summary.rows[i]
                .cells
                .iter()
                .map(|c| c.text.clone())
                .collect()
        };
        assert_eq!(
            texts(1),
            [
                "2026-03-01",
                "30.0%",
                "5 (least deprived) (20.0%)",
                "1 (most deprived) (50.0%)",
                "30.0 percentage points"
            ]
        );
        // Counts are not compared between groups.
        assert_eq!(texts(0)[1], "1,000 pathways");
        assert_eq!(texts(0)[4], format::NOT_AVAILABLE);
        assert!(
            d.summary
                .notes
                .iter()
                .any(|n| n.starts_with("Waiting list size is a count"))
        );
        assert!(d.trends.is_empty());
        // Male rests on 3: withheld, so one group is left and there is no gap to give.
        let d = dashboard(&measures, "sex", "2025", &mut ids);
        assert_eq!(d.summary.rows[1].cells[4].text, format::NOT_AVAILABLE);
        assert!(d.summary.notes.iter().any(
            |n| n.contains("fewer than two groups") && n.contains("Waiting over 18 weeks")
        ));
    }

    fn column(label: &str, (value, half): (f64, f64)) -> Column {
        Column {
            label: label.to_owned(),
            value: Some(value),
            lower: Some(value - half),
            upper: Some(value + half),
        }
    }

    proptest::proptest! {
        /// A gap is called narrowing only when it is smaller and the intervals are apart, and
        /// the same two snapshots read backwards in time are the opposite call.
        #[test]
        fn a_change_is_called_only_beyond_the_intervals_and_reverses_with_time(
            a in (-60.0..60.0f64, 0.0..20.0f64),
            b in (-60.0..60.0f64, 0.0..20.0f64),
        ) {
            let units = format::Units::of(&info("g", "Gap", "gap", "percentage points"));
            let (first, last) = (column("1", a), column("2", b));
            let (forward, _) = change(&[first.clone(), last.clone()], &units, "Gap", "ICS");
            let (backward, _) = change(&[last, first], &units, "Gap", "ICS");
            let apart = a.0 + a.1 < b.0 - b.1 || b.0 + b.1 < a.0 - a.1;
            match forward {
                GapChange::Narrowing => {
                    proptest::prop_assert!(b.0.abs() < a.0.abs() && apart);
                    proptest::prop_assert_eq!(backward, GapChange::Widening);
                }
                GapChange::Widening => {
                    proptest::prop_assert!(b.0.abs() > a.0.abs() && apart);
                    proptest::prop_assert_eq!(backward, GapChange::Narrowing);
                }
                GapChange::NoClearChange => {
                    proptest::prop_assert!(!apart || b.0.abs() == a.0.abs());
                    proptest::prop_assert_eq!(backward, GapChange::NoClearChange);
                }
                GapChange::NotEnough => proptest::prop_assert!(false, "two values given"),
            }
        }
    }
}

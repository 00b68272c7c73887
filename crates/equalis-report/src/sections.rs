//! Report sections built elsewhere from published tables: the workforce returns of each
//! organisation and of the ICS (WRES, WDES, pay gaps, the dashboard), the Citizens' Panel. The
//! caller publishes every number into [`Sheet`]s ([`crate::tables`]); this module lays the
//! sheets out as pages with charts drawn from the same published cells.

use crate::charts::{self, Bar};
use crate::data::{Table, TableCell, TableRow};
use crate::indicator::ChartIds;
use crate::tables::{Sheet, Val};

/// One page of the report made of published tables.
#[derive(Debug, Clone)]
pub struct Section {
    /// File name without extension, unique among sections (e.g. `workforce-ics`).
    pub slug: String,
    /// The page's `h1`, e.g. "Workforce equality: RXX".
    pub title: String,
    /// The heading under which the index lists it, e.g. "Workforce equality".
    pub group: String,
    /// One sentence under the title.
    pub lede: String,
    /// Facts listed under the lede (`Snapshot date`, `Organisation`).
    pub facts: Vec<(String, String)>,
    /// The tables, in order.
    pub blocks: Vec<Block>,
}

/// A table, optionally headed by a new part of the page and drawn as a chart.
#[derive(Debug, Clone)]
pub struct Block {
    /// Starts a new part of the page (an `h2`), e.g. "Workforce Race Equality Standard".
    pub part: Option<String>,
    /// The table; its title is the block's `h3`.
    pub sheet: Sheet,
    /// A chart of the table's published numbers.
    pub chart: Option<Chart>,
    /// Notes below the table.
    pub notes: Vec<String>,
}

impl Block {
    /// A table with no chart, continuing the current part.
    pub fn table(sheet: Sheet) -> Block {
        Block {
            part: None,
            sheet,
            chart: None,
            notes: Vec::new(),
        }
    }
}

/// How a table is drawn. Charts read the table's cells, so a chart can only show what the
/// table publishes.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Each row's relative likelihood (the number in `column`) as a point against the
    /// "no adverse impact" range `band`.
    Likelihood {
        /// The column holding the likelihood.
        column: usize,
        /// The range shaded as no adverse impact: NHS England's (0.80, 1.25).
        band: (f64, f64),
    },
    /// Grouped horizontal bars, one per column in `columns`, for each row.
    Bars {
        /// The columns drawn (at most four).
        columns: Vec<usize>,
        /// The axis title, e.g. "% of staff".
        axis: String,
    },
}

/// A block of a section as the report lays it out: its part heading, chart and table.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionFigure {
    /// `h2` starting a new part.
    pub part: Option<String>,
    /// The `h3`.
    pub heading: String,
    /// The SVG, if charted.
    pub svg: Option<String>,
    /// The table.
    pub table: Table,
}

/// The table of a sheet: the first column names the rows; a column is numeric when any of
/// its cells is a number.
fn table_of(sheet: &Sheet, notes: &[String]) -> Table {
    let numeric: Vec<bool> = (0..sheet.headers.len())
        .map(|c| {
            sheet
                .rows
                .iter()
                .any(|r| r.get(c).is_some_and(Val::is_numeric))
        })
        .collect();
    let head: Vec<(&str, bool)> = sheet
        .headers
        .iter()
        .zip(&numeric)
        .map(|(h, n)| (h.as_str(), *n))
        .collect();
    let mut table = Table::new(sheet.title.clone(), &head);
    let mut withheld = false;
    let mut undefined = false;
    for r in &sheet.rows {
        let header = r.first().map(Val::show).unwrap_or_default();
        let cells = r
            .iter()
            .skip(1)
            .map(|v| {
                withheld |= v.is_suppressed();
                undefined |= matches!(v, Val::Undefined(_));
                if v.is_numeric() {
                    TableCell::num(v.display())
                } else {
                    TableCell::text(v.display())
                }
            })
            .collect();
        table.rows.push(TableRow { header, cells });
    }
    if withheld {
        table
            .notes
            .push("* means the figure is withheld because it rests on 1 to 7 people.".to_owned());
    }
    if undefined {
        table.notes.push(
            "An undefined figure cannot be calculated from these data; the cell says why."
                .to_owned(),
        );
    }
    table.notes.extend(notes.iter().cloned());
    table
}

/// The SVG of a block's chart, or `None` when there is nothing to draw.
pub(crate) fn chart_of(sheet: &Sheet, chart: &Chart, ids: &mut ChartIds) -> Option<String> {
    let label = |r: &[Val]| r.first().map(Val::show).unwrap_or_default();
    match chart {
        Chart::Likelihood { column, band } => {
            let points: Vec<Bar> = sheet
                .rows
                .iter()
                .map(|r| Bar {
                    label: label(r),
                    values: vec![r.get(*column).and_then(Val::number)],
                })
                .collect();
            if points.iter().all(|p| p.values[0].is_none()) {
                return None;
            }
            let desc = format!(
                "{} relative likelihoods against the no adverse impact range {:.2} to {:.2}; the \
                 table below gives each figure.",
                points.len(),
                band.0,
                band.1
            );
            Some(charts::likelihood(
                &ids.next(),
                &sheet.title,
                &desc,
                &points,
                *band,
            ))
        }
        Chart::Bars { columns, axis } => {
            let series: Vec<String> = columns
                .iter()
                .filter_map(|c| sheet.headers.get(*c).cloned())
                .collect();
            let rows: Vec<Bar> = sheet
                .rows
                .iter()
                .map(|r| Bar {
                    label: label(r),
                    values: columns
                        .iter()
                        .map(|c| r.get(*c).and_then(Val::number))
                        .collect(),
                })
                .collect();
            if rows.iter().all(|r| r.values.iter().all(Option::is_none)) {
                return None;
            }
            let desc = format!(
                "Bars of {} for {} rows; the table below gives each figure.",
                series.join(", "),
                rows.len()
            );
            Some(charts::bars(
                &ids.next(),
                &sheet.title,
                &desc,
                &rows,
                &series,
                axis,
            ))
        }
    }
}

/// The figures of a section's page, and how many charts were drawn.
pub(crate) fn figures(section: &Section) -> (Vec<SectionFigure>, usize) {
    let mut ids = ChartIds::default();
    let figures = section
        .blocks
        .iter()
        .map(|b| SectionFigure {
            part: b.part.clone(),
            heading: b.sheet.title.clone(),
            svg: b
                .chart
                .as_ref()
                .and_then(|c| chart_of(&b.sheet, c, &mut ids)),
            table: table_of(&b.sheet, &b.notes),
        })
        .collect();
    (figures, ids.count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_disclosure::{Level, Nhsd2018};

    fn sheet() -> Sheet {
        let p = Nhsd2018::default();
        let stat =
            |v: f64, n: u64| Val::Num(p.simple_statistic(v, n, Level::SubNational).unwrap(), 2);
        let mut s = Sheet::new(
            "RL",
            "Relative likelihoods",
            &["Indicator", "Relative likelihood", "Staff"],
        );
        s.row(vec![
            Val::text("WRES 2"),
            stat(1.6, 200),
            Val::Num(p.count(212, Level::SubNational), 0),
        ]);
        s.row(vec![
            Val::text("WRES 3"),
            stat(0.9, 5),
            Val::Num(p.count(5, Level::SubNational), 0),
        ]);
        s.row(vec![
            Val::text("WRES 4"),
            Val::Undefined("no BME staff"),
            Val::Num(p.count(0, Level::SubNational), 0),
        ]);
        s
    }

    #[test]
    fn tables_mark_numbers_withheld_and_undefined_cells() {
        let t = table_of(&sheet(), &["A note.".to_owned()]);
        assert!(!t.head[0].numeric);
        assert!(t.head[1].numeric && t.head[2].numeric);
        assert_eq!(t.rows[0].header, "WRES 2");
        assert_eq!(t.rows[0].cells[0].text, "1.60");
        assert_eq!(t.rows[0].cells[1].text, "210");
        assert_eq!(t.rows[1].cells[0].text, "*");
        assert_eq!(t.rows[2].cells[0].text, "undefined: no BME staff");
        assert_eq!(t.notes.len(), 3);
    }

    #[test]
    fn charts_draw_only_published_numbers() {
        let mut ids = ChartIds::default();
        let svg = chart_of(
            &sheet(),
            &Chart::Likelihood {
                column: 1,
                band: (0.8, 1.25),
            },
            &mut ids,
        )
        .unwrap();
        // One point drawn (WRES 2) and one legend marker; the withheld and undefined rows say
        // they are not shown.
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("not shown: see the table").count(), 2);
        // A chart of nothing published is no chart.
        let mut s = sheet();
        s.rows.remove(0);
        assert!(
            chart_of(
                &s,
                &Chart::Likelihood {
                    column: 1,
                    band: (0.8, 1.25)
                },
                &mut ids
            )
            .is_none()
        );
        let bars = chart_of(
            &sheet(),
            &Chart::Bars {
                columns: vec![2],
                axis: "Staff".into(),
            },
            &mut ids,
        )
        .unwrap();
        // Two bars: 210 and 0 (a zero is published, and drawn with no width); the
        // withheld count is not drawn.
        assert_eq!(bars.matches("fill=\"#005eb8\"").count(), 3);
        assert_eq!(ids.count(), 2);
    }
}

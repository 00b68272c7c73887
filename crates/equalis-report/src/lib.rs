//! The equalis HTML report: a static, accessible report in the NHS.UK style of the results of
//! `equalis compute`, for ICB board papers, analysts and the public.
//!
//! [`write_report`] writes `index.html` (every indicator by area), one page per indicator under
//! `indicators/`, and `style.css`. Each indicator page has a headline, forest plots of the
//! groups against the ICS value, the deprivation gradient (SII and RII), the trend and SPC
//! charts, each chart with a data table and in plain English, and a data-and-methods footer.
//! Charts are hand-written SVG; there is no JavaScript, and the pages print.
//!
//! **Every number is published.** The results pass through [`equalis_results::publish`] with
//! [`equalis_results::View::Published`] once, before anything else reads them, and the pages are
//! built from the published rows alone. A withheld value shows as `*` with a note, and charts
//! leave it out and say so.
#![deny(missing_docs)]

mod charts;
mod data;
mod document;
mod format;
mod indicator;
mod pages;
mod sections;
mod svg;
pub mod tables;
mod waiting;

pub use data::{Head, Table, TableCell, TableRow, group_label};
pub use document::{Document, Part, STYLE_CSS, render_document, render_document_for_print};
pub use indicator::Figure;
pub use sections::{Block, Chart, Section, SectionFigure};
pub use waiting::{
    Equalisation, GapChange, WAITING_LIST_AREA, WaitingList, is_waiting_list,
    waiting_list_breakdowns,
};

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use equalis_results::{IndicatorInfo, PublishedRow, Results};

/// What the report says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The report's title, e.g. "Health inequalities in Leicester, Leicestershire and Rutland
    /// ICS".
    pub title: String,
    /// When it was generated, as text for people (e.g. "3 April 2026").
    pub generated: String,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSummary {
    /// HTML pages (the index and one per indicator).
    pub pages: usize,
    /// SVG charts across all pages.
    pub charts: usize,
    /// Bytes written, style sheet included.
    pub bytes: u64,
}

/// Why the report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or directory could not be written.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What equalis was doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A page template failed to render, which is a bug in equalis.
    #[error("rendering `{page}` failed (this is a bug in equalis; please report it): {message}")]
    Template {
        /// The page.
        page: String,
        /// What the template engine said (kept as text so that the template engine is not
        /// part of this crate's API).
        message: String,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |source| ReportError::Io {
        action,
        path,
        source,
    }
}

/// Writes the report of `results` and the `sections` (workforce returns, the Citizens' Panel)
/// into `out_dir` (created if need be): `index.html`, `indicators/<id>.html`,
/// `sections/<slug>.html` and `style.css`.
///
/// Every page is rendered before the first file is written, and each file is written beside
/// its final name and renamed over it, so a reader never sees a half-written page. Other files
/// in `out_dir` are left alone.
pub fn write_report(
    results: &Results,
    sections: &[Section],
    options: &ReportOptions,
    out_dir: &Path,
) -> Result<ReportSummary, ReportError> {
    let rendered = pages::render(results, sections, options)?;
    let mut bytes = 0u64;
    for (relative, contents) in &rendered.files {
        let path = out_dir.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io("creating the directory", dir))?;
        }
        write_atomically(&path, contents.as_bytes())?;
        bytes += contents.len() as u64;
    }
    Ok(ReportSummary {
        pages: rendered.pages,
        charts: rendered.charts,
        bytes,
    })
}

/// The report's figures for other front ends (the web application), drawn from published
/// rows: one value per page, so that the charts' ids (which their titles and descriptions are
/// referenced by) are unique within it.
#[derive(Debug, Default)]
pub struct PageFigures {
    ids: indicator::ChartIds,
}

impl PageFigures {
    /// Figures for a new page.
    pub fn new() -> PageFigures {
        PageFigures::default()
    }

    /// One breakdown of one indicator in one period as the report draws it: the forest plot
    /// of its groups against the ICS value, with the data table and notes. `rows` are
    /// published rows (any indicators; those of `info.id` are used). `None` when the
    /// breakdown has no groups in that period.
    pub fn breakdown(
        &mut self,
        info: &IndicatorInfo,
        rows: &[PublishedRow],
        period: &str,
        breakdown: &str,
        iod_edition: &str,
    ) -> Option<Figure> {
        let data = data::IndicatorData::new(info, rows, &[], &[]);
        indicator::forest(&data, period, breakdown, iod_edition, &mut self.ids)
    }

    /// The ICS value of an indicator over its periods as the report draws it, with its table;
    /// `None` with fewer than two periods.
    pub fn trend(&mut self, info: &IndicatorInfo, rows: &[PublishedRow]) -> Option<Figure> {
        let data = data::IndicatorData::new(info, rows, &[], &[]);
        indicator::trend(&data, &mut self.ids)
    }

    /// A published table drawn as the report's section pages draw it (`chart`: the workforce
    /// returns' bars of pay quartiles, representativeness and parity); `None` when the table
    /// has no published number to draw.
    pub fn sheet_chart(&mut self, sheet: &tables::Sheet, chart: &Chart) -> Option<String> {
        sections::chart_of(sheet, chart, &mut self.ids)
    }

    /// The elective waiting-list dashboard: each waiting-list measure of `measures` (an
    /// indicator with its published rows) with its latest ICS value and the gap between the
    /// groups of `breakdown`, and the equalisation trends of the gap measures (see
    /// [`WaitingList`]).
    pub fn waiting_list(
        &mut self,
        measures: &[(&IndicatorInfo, &[PublishedRow])],
        breakdown: &str,
        iod_edition: &str,
    ) -> WaitingList {
        waiting::dashboard(measures, breakdown, iod_edition, &mut self.ids)
    }
}

/// The blocks of a section (the workforce returns, the Citizens' Panel) as the report lays its
/// page out, for other front ends: each block's part heading, chart (drawn from the published
/// cells of its table) and table, in order.
pub fn section_figures(section: &Section) -> Vec<SectionFigure> {
    sections::figures(section).0
}

/// A breakdown's heading as the report writes it: `imd_quintile` → `Deprivation quintile (IMD
/// 2025)`.
pub fn breakdown_label(breakdown: &str, iod_edition: &str) -> String {
    data::breakdown_label(breakdown, iod_edition)
}

/// Writes `path` by way of a temporary file in the same directory and a rename.
fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), ReportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let written = fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(contents)?;
            f.sync_all()
        })
        .map_err(io("writing", &tmp))
        .and_then(|()| fs::rename(&tmp, path).map_err(io("replacing", path)));
    if written.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_results::{ResultRow, Statistic, View, publish};

    fn row(breakdown: &str, group: &str, n: f64, d: f64) -> ResultRow {
        let mut r = ResultRow::new(
            "x",
            "2025/26",
            breakdown,
            group,
            Statistic::Proportion,
            100.0,
        );
        r.numerator = Some(n);
        r.denominator = Some(d);
        r.value = Some(n / d * 100.0);
        r.lowercl = Some(n / d * 90.0);
        r.uppercl = Some(n / d * 110.0);
        r
    }

    #[test]
    fn a_breakdown_figure_is_the_reports_forest_plot_of_published_rows() {
        let info = IndicatorInfo {
            id: "x".into(),
            name: "Checks".into(),
            unit: "%".into(),
            statistic: "proportion".into(),
            direction: "higher_is_better".into(),
            ..IndicatorInfo::default()
        };
        let rows = [
            row("all", "All", 100.0, 200.0),
            row("sex", "Female", 97.0, 150.0),
            row("sex", "Male", 3.0, 50.0),
        ];
        let (published, _, _) = publish(&View::Published, &rows, &[], &[]);
        let mut figures = PageFigures::new();
        let f = figures
            .breakdown(&info, &published, "2025/26", "sex", "2025")
            .expect("a figure");
        assert_eq!(f.heading, "Sex");
        assert!(f.svg.starts_with("<svg"));
        assert_eq!(f.table.rows.len(), 3, "the ICS row and both groups");
        // Male rests on a count of 3: withheld in the table, left out of the chart.
        let male = &f.table.rows[2];
        assert_eq!(male.header, "Male");
        assert_eq!(male.cells[0].text, "*");
        assert!(f.notes.iter().any(|n| n.contains("Male")), "{:?}", f.notes);
        assert!(
            figures
                .breakdown(&info, &published, "2025/26", "age_band", "2025")
                .is_none()
        );
        assert!(
            figures
                .breakdown(&info, &published, "2019/20", "sex", "2025")
                .is_none()
        );
        // One period: no trend; two: a line chart with another id.
        assert!(figures.trend(&info, &published).is_none());
        let mut earlier = rows.clone();
        for r in &mut earlier {
            r.period = "2024/25".into();
        }
        let both: Vec<ResultRow> = earlier.into_iter().chain(rows).collect();
        let (published, _, _) = publish(&View::Published, &both, &[], &[]);
        let trend = figures.trend(&info, &published).expect("a trend");
        assert!(
            trend.svg.contains("chart-2-title"),
            "ids go on within a page"
        );
        assert_eq!(trend.table.rows.len(), 2);
        assert_eq!(
            breakdown_label("imd_quintile", "2025"),
            "Deprivation quintile (IMD 2025)"
        );
    }
}

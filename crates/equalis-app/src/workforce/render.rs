//! Rendering workforce reports: every number is a [`Val`] that has passed disclosure control
//! ([`Publisher`]: the NHS Digital 2018 policy of `equalis-disclosure` and its named rules for
//! statutory measures, boards, derived counts and returns, in the [`View`] asked for) or says
//! why it is undefined; a report is a cover plus one sheet per indicator, written as an
//! aligned text table (thousands separated), a long-format CSV (`sheet,row,column,value`), or
//! an Excel workbook; JSON is built by the caller from the same values with [`ValJson::json`].

use std::path::Path;

use anyhow::Context;
use equalis_disclosure::{Cell, Exemption, Level, Nhsd2018};
use equalis_report::tables::{Sheet, Val, round};
use equalis_workforce::Figure;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};

/// JSON of a published value: a number; the suppression symbol as a string; `null` for not
/// applicable; `{"undefined": reason}` for an undefined figure.
pub trait ValJson {
    /// The value as JSON.
    fn json(&self) -> Value;
}

impl ValJson for Val {
    fn json(&self) -> Value {
        match self {
            Val::Text(s) => json!(s),
            Val::Int(n) => json!(n),
            Val::Undefined(r) => json!({ "undefined": r }),
            Val::Num(p, places) => match p.get() {
                Cell::Count(n) => json!(n),
                Cell::Percentage(v) | Cell::Value(v) => json!(round(*v, *places)),
                Cell::Suppressed(s) => json!(s),
                Cell::NotApplicable => Value::Null,
            },
        }
    }
}

/// Which figures a workforce output gives. Both come only from `equalis-disclosure`; the
/// published view is the default, and the only one the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Safe to publish: the NHS Digital 2018 rules, with the pay gap measures of SI 2017/353
    /// exact and the board rows of WRES 9 and WDES 10 as NHS England publishes them.
    Published,
    /// The return as submitted to NHS England and used inside the organisation: exact counts
    /// and rates, counts of 1 to 7 included. Not for publication.
    Return,
}

impl View {
    /// The cover sheet's words for the view and its disclosure rules.
    pub fn describe(self) -> &'static str {
        match self {
            View::Published => {
                "published view (safe to publish): counts 1-7 shown as *, other counts rounded \
                 to the nearest 5, percentages from the rounded counts, statistics of 1-7 people \
                 shown as *, a figure derived from a withheld count withheld with it; pay gap \
                 measures (SI 2017/353) from exact counts to one decimal place, withheld only \
                 when a group compared has 1-7 people; board members (WRES 9, WDES 10) exact, as \
                 NHS England publishes them, for a board group of 8 or more"
            }
            View::Return => {
                "return view (exact counts and rates, counts of 1-7 included): for submission \
                 to NHS England and the organisation's own use, NOT FOR PUBLICATION; the default \
                 published view is the one to publish"
            }
        }
    }

    /// The view's name in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            View::Published => "published",
            View::Return => "return",
        }
    }
}

/// Passes every number a report gives through `equalis-disclosure`. Organisations and the ICS
/// are both sub-national: in the published view counts 1–7 are suppressed and others rounded
/// to 5 (NHS Digital 2018); in the return view counts and rates are exact under the named
/// exemption for a return to NHS England.
pub struct Publisher {
    policy: Nhsd2018,
    view: View,
}

impl Default for Publisher {
    /// The published view.
    fn default() -> Publisher {
        Publisher::new()
    }
}

impl Publisher {
    /// The published view.
    pub fn new() -> Publisher {
        Publisher::with_view(View::Published)
    }

    /// The given view.
    pub fn with_view(view: View) -> Publisher {
        Publisher {
            policy: Nhsd2018::default(),
            view,
        }
    }

    /// The view this publisher gives.
    pub fn view(&self) -> View {
        self.view
    }

    /// An exact value under the return exemption (the return view only).
    fn exact(&self, v: f64, places: u32) -> Val {
        match self.policy.exempt(v, Exemption::Return) {
            Ok(p) => Val::Num(p, places),
            Err(_) => Val::Undefined("not a finite number"),
        }
    }

    /// A count of people or events.
    pub fn count(&self, n: u64) -> Val {
        match self.view {
            View::Published => Val::Num(self.policy.count(n, Level::SubNational), 0),
            View::Return => Val::Num(self.policy.exact_count(n, Exemption::Return), 0),
        }
    }

    /// A percentage of two counts: in the published view computed from the published (rounded)
    /// counts, so it cannot give them back.
    pub fn pct(&self, numerator: u64, denominator: u64) -> Val {
        let p = match self.view {
            View::Published => self
                .policy
                .percentage(numerator, denominator, Level::SubNational),
            View::Return => self
                .policy
                .exact_percentage(numerator, denominator, Exemption::Return),
        };
        Val::Num(p, 1)
    }

    /// A statistic (relative likelihood, percentage-point difference, mean, median) computed
    /// from the records of `contributors` people: suppressed in the published view when 1 to 7
    /// people contributed, undefined when the figure is.
    pub fn stat(&self, figure: Figure, contributors: u64, places: u32) -> Val {
        match figure {
            Figure::Undefined { reason } => Val::Undefined(reason),
            Figure::Value(v) if self.view == View::Return => self.exact(v, places),
            Figure::Value(v) => {
                match self
                    .policy
                    .simple_statistic(v, contributors, Level::SubNational)
                {
                    Ok(p) => Val::Num(p, places),
                    Err(_) => Val::Undefined("not a finite number"),
                }
            }
        }
    }

    /// A pay gap measure as SI 2017/353 Schedule 1 defines it (mean and median gaps, bonus
    /// gaps, the proportion paid a bonus, the quartile pay bands), or computed the same way for
    /// ethnicity and disability: the exact figure to `places` decimals (one, as the GOV.UK
    /// service takes them), withheld only when the smallest group it compares has 1 to 7
    /// people ([`Nhsd2018::statutory_measure`]). Never computed from rounded counts.
    pub fn measure(&self, figure: Figure, smallest_group: u64, places: u32) -> Val {
        match figure {
            Figure::Undefined { reason } => Val::Undefined(reason),
            Figure::Value(v) if self.view == View::Return => self.exact(v, places),
            Figure::Value(v) => {
                match self
                    .policy
                    .statutory_measure(v, smallest_group, Level::SubNational)
                {
                    Ok(p) => Val::Num(p, places),
                    Err(_) => Val::Undefined("not a finite number"),
                }
            }
        }
    }

    /// A count derived from the counts `from` (staff needed for parity): in the published view
    /// withheld whenever any of them is, as it would give that count back.
    pub fn derived_count(&self, n: u64, from: &[u64]) -> Val {
        match self.view {
            View::Published => Val::Num(self.policy.derived_count(n, from, Level::SubNational), 0),
            View::Return => self.count(n),
        }
    }

    /// A count within a board group of `group` members (WRES 9, WDES 10): members of a board
    /// hold public office and NHS England publishes its composition, so in the published view
    /// the count is exact for a group of 8 or more and withheld, 0 included, for a group of 1
    /// to 7 ([`Nhsd2018::public_office_count`]).
    pub fn board_count(&self, n: u64, group: u64) -> Val {
        match self.view {
            View::Published => Val::Num(
                self.policy
                    .public_office_count(n, group, Level::SubNational),
                0,
            ),
            View::Return => self.count(n),
        }
    }

    /// `n` as a percentage of a board group's `total` members, published with the counts of
    /// [`Publisher::board_count`] (withheld when they are, by the size of `group`).
    pub fn board_pct(&self, n: u64, total: u64, group: u64) -> Val {
        match self.board_count(n, group) {
            Val::Num(p, _) if matches!(p.get(), Cell::Suppressed(_)) => Val::Num(p, 1),
            _ if self.view == View::Return => self.pct(n, total),
            _ => Val::Num(
                self.policy
                    .exact_percentage(n, total, Exemption::PublicOffice),
                1,
            ),
        }
    }
}

/// A whole report: cover facts and sheets.
#[derive(Debug, Clone)]
pub struct Report {
    /// Report title.
    pub title: String,
    /// `(label, value)` pairs for the cover sheet and the text header.
    pub cover: Vec<(String, String)>,
    /// The tables.
    pub sheets: Vec<Sheet>,
}

impl Report {
    /// Aligned text tables, numbers with commas between thousands.
    pub fn table(&self) -> String {
        let mut s = format!("{}\n", self.title);
        for (k, v) in &self.cover {
            s.push_str(&format!("  {k}: {v}\n"));
        }
        for sheet in &self.sheets {
            s.push_str(&format!("\n{}\n", sheet.title));
            let cells: Vec<Vec<String>> = sheet
                .rows
                .iter()
                .map(|r| r.iter().map(Val::display).collect())
                .collect();
            let mut widths: Vec<usize> = sheet.headers.iter().map(|h| h.chars().count()).collect();
            for r in &cells {
                for (w, c) in widths.iter_mut().zip(r) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |r: &[String]| {
                let mut l = String::from(" ");
                for (i, (w, c)) in widths.iter().zip(r).enumerate() {
                    if i == 0 {
                        l.push_str(&format!(" {c:<w$}"));
                    } else {
                        l.push_str(&format!("  {c:>w$}"));
                    }
                }
                l.trim_end().to_string() + "\n"
            };
            s.push_str(&line(&sheet.headers));
            for r in &cells {
                s.push_str(&line(r));
            }
        }
        s
    }

    /// Long-format CSV: one line per published cell, `sheet,row,column,value`, where `row`
    /// is the row's first cell (its label); numbers plain, for a program to read.
    pub fn csv(&self) -> crate::Result<Vec<u8>> {
        self.csv_any().map_err(crate::Error::from)
    }

    fn csv_any(&self) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["sheet", "row", "column", "value"])?;
        for (k, v) in &self.cover {
            w.write_record(["Cover", "", k.as_str(), v.as_str()])?;
        }
        for sheet in &self.sheets {
            for r in &sheet.rows {
                let label = r.first().map(Val::show).unwrap_or_default();
                for (h, v) in sheet.headers.iter().zip(r).skip(1) {
                    w.write_record([sheet.name.as_str(), label.as_str(), h, &v.show()])?;
                }
            }
        }
        w.into_inner().context("writing CSV")
    }

    /// An Excel workbook: a cover sheet, then one sheet per table with its title in A1,
    /// headings in row 3 and data below, numbers as numbers.
    pub fn xlsx(&self, path: &Path) -> crate::Result<()> {
        let bytes = self.xlsx_bytes()?;
        std::fs::write(path, bytes)
            .with_context(|| format!("writing {}", path.display()))
            .map_err(crate::Error::from)
    }

    /// The Excel workbook of [`Report::xlsx`] as bytes: what a web server sends as a download.
    pub fn xlsx_bytes(&self) -> crate::Result<Vec<u8>> {
        self.xlsx_any().map_err(crate::Error::from)
    }

    fn xlsx_any(&self) -> anyhow::Result<Vec<u8>> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let cover = wb.add_worksheet();
        cover.set_name("Cover")?;
        cover.write_string_with_format(0, 0, &self.title, &bold)?;
        let mut row = 2u32;
        for (k, v) in &self.cover {
            cover.write_string_with_format(row, 0, k, &bold)?;
            cover.write_string(row, 1, v)?;
            row += 1;
        }
        row += 1;
        cover.write_string_with_format(row, 0, "Contents", &bold)?;
        for sheet in &self.sheets {
            row += 1;
            cover.write_string(row, 0, &sheet.name)?;
            cover.write_string(row, 1, &sheet.title)?;
        }
        cover.set_column_width(0, 28)?;
        cover.set_column_width(1, 90)?;
        for sheet in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&sheet.name)?;
            ws.write_string_with_format(0, 0, &sheet.title, &bold)?;
            for (c, h) in sheet.headers.iter().enumerate() {
                ws.write_string_with_format(2, c as u16, h, &bold)?;
            }
            for (r, cells) in sheet.rows.iter().enumerate() {
                let r = r as u32 + 3;
                for (c, v) in cells.iter().enumerate() {
                    let c = c as u16;
                    match v {
                        Val::Num(p, places) => match p.get() {
                            Cell::Count(n) => {
                                ws.write_number(r, c, *n as f64)?;
                            }
                            Cell::Percentage(x) | Cell::Value(x) => {
                                ws.write_number(r, c, round(*x, *places))?;
                            }
                            _ => {
                                ws.write_string(r, c, v.show())?;
                            }
                        },
                        Val::Int(n) => {
                            ws.write_number(r, c, *n as f64)?;
                        }
                        _ => {
                            ws.write_string(r, c, v.show())?;
                        }
                    }
                }
            }
            ws.set_column_width(0, 30)?;
        }
        wb.save_to_buffer().context("writing the workbook")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(v: &Val) -> String {
        v.show()
    }

    #[test]
    fn the_published_view_controls_counts_and_the_return_view_is_exact() {
        let (p, r) = (Publisher::new(), Publisher::with_view(View::Return));
        assert_eq!(p.view(), View::Published);
        assert_eq!(shown(&p.count(3)), "*");
        assert_eq!(shown(&r.count(3)), "3");
        assert_eq!(shown(&p.count(123)), "125");
        assert_eq!(shown(&r.count(123)), "123");
        // 12 of 37: 10 of 35 published, 12 of 37 in the return.
        assert_eq!(shown(&p.pct(12, 37)), "28.6");
        assert_eq!(shown(&r.pct(12, 37)), "32.4");
        assert_eq!(shown(&p.stat(Figure::Value(1.234), 5, 2)), "*");
        assert_eq!(shown(&r.stat(Figure::Value(1.234), 5, 2)), "1.23");
    }

    #[test]
    fn pay_gap_measures_are_exact_and_withheld_only_for_a_small_group() {
        let p = Publisher::new();
        // 17 of 215 men paid a bonus: 7.9%, where counts rounded to 5 would give 15/215 = 7.0%.
        let exact = Figure::percent(17.0, 215.0, "none");
        assert_eq!(shown(&p.measure(exact, 215, 1)), "7.9");
        assert_eq!(shown(&p.pct(17, 215)), "7.0");
        assert_eq!(shown(&p.measure(Figure::Value(60.0), 7, 1)), "*");
        assert_eq!(
            shown(&p.measure(Figure::Undefined { reason: "why" }, 100, 1)),
            "undefined: why"
        );
        let r = Publisher::with_view(View::Return);
        assert_eq!(shown(&r.measure(Figure::Value(60.0), 7, 1)), "60.0");
    }

    #[test]
    fn board_counts_are_exact_for_a_group_of_eight_or_more() {
        let p = Publisher::new();
        // A voting board of 13 with 3 BME members: published as NHS England publishes it.
        assert_eq!(shown(&p.board_count(3, 13)), "3");
        assert_eq!(shown(&p.board_pct(3, 13, 13)), "23.1");
        // Six executives: every count withheld, 0 included.
        assert_eq!(shown(&p.board_count(0, 6)), "*");
        assert_eq!(shown(&p.board_pct(2, 6, 6)), "*");
        // A part of the board follows the smaller part: 9 non-executives beside 6 executives.
        assert_eq!(shown(&p.board_count(2, 6)), "*");
        let r = Publisher::with_view(View::Return);
        assert_eq!(shown(&r.board_count(2, 6)), "2");
        assert_eq!(shown(&r.board_pct(2, 6, 6)), "33.3");
    }

    #[test]
    fn a_derived_count_is_withheld_with_its_inputs() {
        let p = Publisher::new();
        assert_eq!(shown(&p.derived_count(10, &[5, 35])), "*");
        assert_eq!(shown(&p.derived_count(12, &[30, 35])), "10");
        let r = Publisher::with_view(View::Return);
        assert_eq!(shown(&r.derived_count(10, &[5, 35])), "10");
    }
}

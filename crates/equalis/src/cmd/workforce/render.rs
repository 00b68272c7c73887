//! Rendering workforce reports: every number is a [`Val`] that has passed disclosure control
//! ([`Publisher`], the NHS Digital 2018 policy of `equalis-disclosure`) or says why it is
//! undefined; a report is a cover plus one sheet per indicator, written as an aligned text
//! table, a long-format CSV (`sheet,row,column,value`), or an Excel workbook; JSON is built
//! by the caller from the same values with [`ValJson::json`].

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use equalis_disclosure::{Cell, Level, Nhsd2018};
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

/// Applies the NHS Digital 2018 policy to every number a report publishes. Organisations and
/// the ICS are both sub-national, so counts 1–7 are suppressed and others rounded to 5.
pub struct Publisher {
    policy: Nhsd2018,
}

impl Publisher {
    /// The default NHS Digital 2018 thresholds.
    pub fn new() -> Publisher {
        Publisher {
            policy: Nhsd2018::default(),
        }
    }

    /// A count of people or events.
    pub fn count(&self, n: u64) -> Val {
        Val::Num(self.policy.count(n, Level::SubNational), 0)
    }

    /// A percentage of two counts, computed from the published (rounded) counts.
    pub fn pct(&self, numerator: u64, denominator: u64) -> Val {
        Val::Num(
            self.policy
                .percentage(numerator, denominator, Level::SubNational),
            1,
        )
    }

    /// A statistic (relative likelihood, percentage-point difference, mean, median, pay
    /// gap) computed from the records of `contributors` people: suppressed when 1 to 7
    /// people contributed, undefined when the figure is.
    pub fn stat(&self, figure: Figure, contributors: u64, places: u32) -> Val {
        match figure {
            Figure::Undefined { reason } => Val::Undefined(reason),
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
    /// Aligned text tables.
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
                .map(|r| r.iter().map(Val::show).collect())
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
    /// is the row's first cell (its label).
    pub fn csv(&self) -> anyhow::Result<Vec<u8>> {
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
    pub fn xlsx(&self, path: &Path) -> anyhow::Result<()> {
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
        wb.save(path)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }
}

/// Writes text or bytes to `--out` or standard output.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes)?;
            o.flush()?;
            Ok(())
        }
    }
}

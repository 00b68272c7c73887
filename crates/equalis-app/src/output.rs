//! The printers of rows for people and scripts: one aligned table, CSV and JSON writer for
//! every listing of published cells (results, outreach, registration gap, panel quotas).

use std::borrow::Cow;
use std::io::Write;

use anyhow::Context;
use equalis_disclosure::{Cell, Publishable};

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// CSV.
    Csv,
    /// JSON: an array of rows.
    Json,
}

/// Rows of text with their column names: what a listing gives every edge to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Which columns hold numbers: right-aligned in the text table, numbers in JSON when they
    /// parse.
    pub numeric: Vec<bool>,
    /// The rows, one string per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Writes the table with [`render`].
    pub fn write(&self, out: &mut dyn Write, format: Format) -> crate::Result<()> {
        let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        render(out, format, &columns, &self.numeric, &self.rows)
    }
}

/// A number as text: whole numbers without decimals, others to 6 significant places at most.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A published cell as text: counts as integers, `*` when withheld, blank when not applicable.
pub fn show(c: &Publishable<Cell>) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => number(*v),
        Cell::Suppressed(symbol) => symbol.clone(),
        Cell::NotApplicable => String::new(),
    }
}

/// Writes rows as an aligned table, CSV or JSON. `numeric` columns are right-aligned in the
/// table and numbers in JSON when they parse.
pub fn render(
    out: &mut dyn Write,
    format: Format,
    columns: &[&str],
    numeric: &[bool],
    rows: &[Vec<String>],
) -> crate::Result<()> {
    render_any(out, format, columns, numeric, rows).map_err(crate::Error::from)
}

fn render_any(
    out: &mut dyn Write,
    format: Format,
    columns: &[&str],
    numeric: &[bool],
    rows: &[Vec<String>],
) -> anyhow::Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(columns)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for ((k, v), is_num) in columns.iter().zip(r).zip(numeric) {
                        let value = match (is_num, v.parse::<f64>()) {
                            (true, Ok(x)) => serde_json::json!(x),
                            (true, Err(_)) if v.is_empty() => serde_json::Value::Null,
                            _ => serde_json::Value::String(v.clone()),
                        };
                        m.insert((*k).to_owned(), value);
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows).context("writing JSON")?;
            writeln!(out)?;
        }
        Format::Table => {
            let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
            for r in rows {
                for (w, f) in widths.iter_mut().zip(r) {
                    *w = (*w).max(f.chars().count());
                }
            }
            let line = |cells: &[String]| {
                cells
                    .iter()
                    .zip(&widths)
                    .zip(numeric)
                    .map(|((c, &w), &num)| {
                        if num {
                            format!("{c:>w$}")
                        } else {
                            format!("{c:<w$}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            };
            let header: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
            writeln!(out, "{}", line(&header))?;
            for r in rows {
                writeln!(out, "{}", line(r))?;
            }
        }
    }
    Ok(())
}

/// Free text made safe to open in a spreadsheet (CSV or formula injection, OWASP): a cell that
/// Excel, LibreOffice or Google Sheets would read as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return, or their full-width forms) gets a leading apostrophe, which
/// spreadsheets show as text and do not display. A plain number (`-3.5`, `+2`) is left as it
/// is, so figures stay figures. Every cell of typed text written to a CSV download passes here:
/// a decision's title `=HYPERLINK(...)` must not run in the analyst's spreadsheet.
pub fn spreadsheet_text(cell: &str) -> Cow<'_, str> {
    let risky = cell.chars().next().is_some_and(|c| {
        matches!(
            c,
            '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠'
        )
    });
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A signed decimal number and nothing else: `-12`, `+0.5`, `-3.` (no exponent, no words).
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("");
    !(whole.is_empty() && frac.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for (typed, safe) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝1+1", "'＝1+1"),
            ("-", "'-"),
            ("-.", "'-."),
            ("-inf", "'-inf"),
            ("-1e5", "'-1e5"),
            ("-3.5", "-3.5"),
            ("+2", "+2"),
            ("-7.", "-7."),
            ("Weekend opening", "Weekend opening"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_text(typed), safe, "{typed:?}");
        }
    }

    proptest::proptest! {
        /// Whatever is typed, the cell does not start a formula unless it is a plain number,
        /// and removing the apostrophe gives back what was typed.
        #[test]
        fn no_cell_starts_a_formula(typed in "[=+@\\-\t\r0-9a-z .()]{0,12}") {
            let safe = spreadsheet_text(&typed);
            let first = safe.chars().next();
            proptest::prop_assert!(
                is_plain_number(&safe)
                    || !first.is_some_and(|c| "=+-@\t\r".contains(c))
            );
            proptest::prop_assert_eq!(safe.strip_prefix('\'').filter(|_| safe != typed).unwrap_or(&safe), typed.as_str());
        }
    }

    fn written(format: Format) -> String {
        let t = Table {
            columns: vec!["name".into(), "n".into()],
            numeric: vec![false, true],
            rows: vec![
                vec!["a".into(), "5".into()],
                vec!["bb".into(), String::new()],
            ],
        };
        let mut out = Vec::new();
        t.write(&mut out, format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tables_align_numbers_right_and_json_reads_them_as_numbers() {
        assert_eq!(written(Format::Table), "name  n\na     5\nbb\n");
        assert_eq!(written(Format::Csv), "name,n\na,5\nbb,\n");
        let json: serde_json::Value = serde_json::from_str(&written(Format::Json)).unwrap();
        assert_eq!(json[0]["n"], serde_json::json!(5.0));
        assert_eq!(json[1]["n"], serde_json::Value::Null);
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.1234567), "0.123457");
    }
}

//! Printing rows for people and scripts: one aligned table, CSV and JSON writer for every
//! command that prints published cells.

use std::io::Write;

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Context;
use equalis_disclosure::{Cell, Publishable};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cmd::compute::Format;

/// A spinner on stderr with a message and the time elapsed, for work that cannot say how far
/// it has got; hidden when stderr is not a terminal, so scripts and logs see nothing.
pub(crate) fn spinner(message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A number as text: whole numbers without decimals, others to 6 significant places at most.
pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A published cell as text: counts as integers, `*` when withheld, blank when not applicable.
pub(crate) fn show(c: &Publishable<Cell>) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => number(*v),
        Cell::Suppressed(symbol) => symbol.clone(),
        Cell::NotApplicable => String::new(),
    }
}

/// Writes rows as an aligned table, CSV or JSON. `numeric` columns are right-aligned in the
/// table and numbers in JSON when they parse.
pub(crate) fn render(
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

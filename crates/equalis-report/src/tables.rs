//! Published tables: the one shape in which figures other than indicator results (workforce
//! returns, pay gaps, the Citizens' Panel) reach every output — the command line's text, CSV,
//! JSON and Excel, and the report's [`Section`](crate::Section) pages.
//!
//! A number can only enter a table as a [`Publishable`] cell, which only the disclosure policy
//! of `equalis-disclosure` can make: a table cannot hold a number that has not been through
//! disclosure control.

use equalis_disclosure::{Cell, Publishable};

/// One published value.
#[derive(Debug, Clone)]
pub enum Val {
    /// A label.
    Text(String),
    /// An integer that is not a count of people (a year).
    Int(i64),
    /// A number that passed disclosure control, shown to `places` decimal places.
    Num(Publishable<Cell>, u32),
    /// A figure that is not defined, and why.
    Undefined(&'static str),
}

impl Val {
    /// A label.
    pub fn text(s: impl Into<String>) -> Val {
        Val::Text(s.into())
    }

    /// Words for a table or CSV cell: `*` for a withheld number, `n/a` for one that does not
    /// apply, `undefined: why` for a figure that is not defined.
    pub fn show(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(n) => n.to_string(),
            Val::Undefined(r) => format!("undefined: {r}"),
            Val::Num(p, places) => match p.get() {
                Cell::Count(n) => n.to_string(),
                Cell::Percentage(v) | Cell::Value(v) => {
                    format!("{:.*}", *places as usize, round(*v, *places))
                }
                Cell::Suppressed(s) => s.clone(),
                Cell::NotApplicable => "n/a".into(),
            },
        }
    }

    /// Words for a table people read (the command line's text tables and the report's pages):
    /// as [`Val::show`], with commas between thousands in numbers (`12,345`, `9,721.69`).
    /// CSV, JSON and Excel keep plain numbers.
    pub fn display(&self) -> String {
        let shown = self.show();
        match self {
            Val::Num(p, _)
                if matches!(
                    p.get(),
                    Cell::Count(_) | Cell::Percentage(_) | Cell::Value(_)
                ) =>
            {
                group_thousands(&shown)
            }
            _ => shown,
        }
    }

    /// The published number, rounded as shown; `None` for text, withheld, not applicable and
    /// undefined values. Charts draw only these.
    pub fn number(&self) -> Option<f64> {
        match self {
            Val::Num(p, places) => match p.get() {
                Cell::Count(n) => Some(*n as f64),
                Cell::Percentage(v) | Cell::Value(v) => Some(round(*v, *places)),
                Cell::Suppressed(_) | Cell::NotApplicable => None,
            },
            Val::Int(n) => Some(*n as f64),
            Val::Text(_) | Val::Undefined(_) => None,
        }
    }

    /// Whether the value is a number (published, withheld or not applicable) rather than
    /// words: such columns are right-aligned.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Val::Num(..) | Val::Int(_))
    }

    /// Whether the value is a withheld number.
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Val::Num(p, _) if matches!(p.get(), Cell::Suppressed(_)))
    }
}

/// Commas every three digits in the whole part of a number written as `-1234567.89`.
fn group_thousands(number: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(number.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `v` rounded to `places` decimals, with negative zero made positive.
pub fn round(v: f64, places: u32) -> f64 {
    let s = 10f64.powi(places as i32);
    let r = (v * s).round() / s;
    if r == 0.0 { 0.0 } else { r }
}

/// One table: a sheet of a workbook, a block of text output, a table on a report page.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Sheet name (at most 31 characters, no `[]:*?/\`).
    pub name: String,
    /// Title shown above the table.
    pub title: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`; the first cell names the row.
    pub rows: Vec<Vec<Val>>,
}

impl Sheet {
    /// An empty sheet.
    pub fn new(name: &str, title: impl Into<String>, headers: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Val>) {
        self.rows.push(cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_disclosure::{Level, Nhsd2018};

    #[test]
    fn withheld_numbers_show_as_star_and_are_never_drawn() {
        let p = Nhsd2018::default();
        let small = Val::Num(p.count(3, Level::SubNational), 0);
        assert_eq!(small.show(), "*");
        assert_eq!(small.number(), None);
        assert!(small.is_suppressed());
        let big = Val::Num(p.count(123, Level::SubNational), 0);
        assert_eq!(big.show(), "125");
        assert_eq!(big.number(), Some(125.0));
        assert!(Val::text("a").number().is_none());
        assert_eq!(
            Val::Undefined("no BME applicants").show(),
            "undefined: no BME applicants"
        );
    }

    #[test]
    fn tables_people_read_separate_thousands_and_files_do_not() {
        let p = Nhsd2018::default();
        let count = Val::Num(p.count(12_344, Level::SubNational), 0);
        assert_eq!(count.display(), "12,345");
        assert_eq!(count.show(), "12345");
        let money = Val::Num(
            p.simple_statistic(-9721.694, 100, Level::SubNational)
                .unwrap(),
            2,
        );
        assert_eq!(money.display(), "-9,721.69");
        assert_eq!(
            Val::Num(p.count(999, Level::SubNational), 0).display(),
            "1,000"
        );
        assert_eq!(
            Val::Num(p.count(995, Level::SubNational), 0).display(),
            "995"
        );
        // Years and words are not numbers to group.
        assert_eq!(Val::Int(2025).display(), "2025");
        assert_eq!(Val::text("12345 staff").display(), "12345 staff");
        assert_eq!(Val::Num(p.count(3, Level::SubNational), 0).display(), "*");
    }

    #[test]
    fn rounding_shows_what_is_drawn() {
        let p = Nhsd2018::default();
        let v = Val::Num(
            p.simple_statistic(1.23456, 100, Level::SubNational)
                .unwrap(),
            2,
        );
        assert_eq!(v.show(), "1.23");
        assert_eq!(v.number(), Some(1.23));
        assert_eq!(round(-0.0001, 2).to_string(), "0");
    }
}

//! Numbers as people read them: thousands separators, a fixed number of decimals per kind of
//! value, a real minus sign, and published cells shown as the policy says (`*` when withheld).

use equalis_disclosure::{Cell, Publishable};
use equalis_results::{IndicatorInfo, Statistic};

/// What a table or chart shows for a value that does not exist.
pub(crate) const NOT_AVAILABLE: &str = "–";

/// `x` with `decimals` decimal places and commas between thousands: `12,345.6`, `−0.4`.
///
/// A value that rounds to zero loses its sign, so `−0.04` at 1 decimal is `0.0`, not `−0.0`.
pub(crate) fn number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NOT_AVAILABLE.to_owned();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let zero = text.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::with_capacity(text.len() + 4);
    if x < 0.0 && !zero {
        // U+2212, which screen readers say as "minus" and which lines up with digits.
        out.push('−');
    }
    out.push_str(&group_thousands(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count with thousands separators: `12,345`.
pub(crate) fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// Commas every three digits from the right of a string of digits.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The number a published cell holds, for drawing and comparing; `None` when it is withheld
/// or does not exist, so a chart cannot plot what the tables do not show.
pub(crate) fn cell_number(cell: &Publishable<Cell>) -> Option<f64> {
    match cell.get() {
        Cell::Count(c) => Some(*c as f64),
        Cell::Percentage(p) | Cell::Value(p) => Some(*p),
        Cell::Suppressed(_) | Cell::NotApplicable => None,
    }
}

/// Whether a published cell was withheld by the disclosure policy.
pub(crate) fn is_suppressed(cell: &Publishable<Cell>) -> bool {
    matches!(cell.get(), Cell::Suppressed(_))
}

/// How the values of one indicator are written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Units {
    /// Decimal places of values and limits.
    pub decimals: usize,
    /// Written after a value: `%`, ` per 100,000`, or nothing.
    pub suffix: String,
    /// Written after an SII, which is a difference: ` percentage points` for a percentage.
    pub difference_suffix: String,
    /// The axis title of a chart.
    pub axis: String,
}

impl Units {
    /// The units of an indicator, from its statistic and unit text.
    pub(crate) fn of(info: &IndicatorInfo) -> Units {
        let statistic = Statistic::parse(&info.statistic);
        // Counts are whole; ratios (observed ÷ expected) sit near 1, so one decimal would hide
        // the difference between 1.04 and 0.96; everything else reads well at one decimal.
        let decimals = match statistic {
            Some(Statistic::Count) => 0,
            Some(Statistic::Ratio) => 2,
            _ => 1,
        };
        let unit = info.unit.trim();
        let (suffix, difference_suffix) = match unit {
            "" => (String::new(), String::new()),
            "%" => ("%".to_owned(), " percentage points".to_owned()),
            u => (format!(" {u}"), format!(" {u}")),
        };
        let axis = match unit {
            "" => "Value".to_owned(),
            "%" => "Per cent".to_owned(),
            u => capitalise(u),
        };
        Units {
            decimals,
            suffix,
            difference_suffix,
            axis,
        }
    }

    /// A value with its unit: `72.4%`.
    pub(crate) fn value(&self, x: f64) -> String {
        format!("{}{}", number(x, self.decimals), self.suffix)
    }

    /// A value without its unit, for tables whose header names the unit.
    pub(crate) fn bare(&self, x: f64) -> String {
        number(x, self.decimals)
    }

    /// A difference (an SII) with its unit: `12.3 percentage points`.
    pub(crate) fn difference(&self, x: f64) -> String {
        format!("{}{}", number(x, self.decimals), self.difference_suffix)
    }

    /// A published cell as a table shows it: counts with separators, values at this
    /// indicator's decimals, `*` when withheld, `–` when there is no value.
    pub(crate) fn cell(&self, cell: &Publishable<Cell>) -> String {
        match cell.get() {
            Cell::Count(c) => count(*c),
            Cell::Percentage(p) => number(*p, 1),
            Cell::Value(v) => self.bare(*v),
            Cell::Suppressed(symbol) => symbol.clone(),
            Cell::NotApplicable => NOT_AVAILABLE.to_owned(),
        }
    }

    /// A published count cell (numerator, denominator): whole counts with separators, an
    /// exempt non-whole count (an expected count) at one decimal.
    pub(crate) fn count_cell(&self, cell: &Publishable<Cell>) -> String {
        match cell.get() {
            Cell::Value(v) if v.fract() == 0.0 && v.abs() < 1e15 => number(*v, 0),
            Cell::Value(v) => number(*v, 1),
            _ => self.cell(cell),
        }
    }
}

/// An RII, which is a ratio: two decimals, no unit.
pub(crate) fn ratio(x: f64) -> String {
    number(x, 2)
}

/// `value (95% CI lower to upper)`, or just the value when the limits are not both there.
pub(crate) fn with_limits(value: &str, lower: Option<String>, upper: Option<String>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) => format!("{value} (95% CI {l} to {u})"),
        _ => value.to_owned(),
    }
}

/// A period at the start of a sentence: `In 2025/26`, `On 29 March 2026` for a snapshot date,
/// `In April 2025` for a month; anything else as `In <period>`.
pub(crate) fn period_phrase(period: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = period.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| m.checked_sub(1))
            .and_then(|i| MONTHS.get(i))
    };
    match parts.as_slice() {
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
            match (month(m), d.parse::<u32>()) {
                (Some(name), Ok(day)) if (1..=31).contains(&day) => {
                    format!("On {day} {name} {y}")
                }
                _ => format!("In {period}"),
            }
        }
        [y, m] if digits(y, 4) && digits(m, 2) => match month(m) {
            Some(name) => format!("In {name} {y}"),
            None => format!("In {period}"),
        },
        _ => format!("In {period}"),
    }
}

/// The first letter in upper case: `per 100,000` → `Per 100,000`.
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An identifier made readable: `special_cause_concern` → `Special cause concern`.
pub(crate) fn humanise(s: &str) -> String {
    capitalise(&s.replace('_', " "))
}

/// An RFC 3339 time as people read it, in UTC: `2026-12-02T15:42:33.1Z` → `2 December 2026
/// at 15:42 UTC`; anything else unchanged.
pub(crate) fn timestamp(text: &str) -> String {
    let Ok(t) = text.parse::<jiff::Timestamp>() else {
        return text.to_owned();
    };
    // A timestamp formats in UTC.
    t.strftime("%-d %B %Y at %H:%M UTC").to_string()
}

/// "1 group" / "2 groups".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{} {many}", count(n as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_dates() {
        assert_eq!(
            timestamp("2026-12-02T15:42:33.123456Z"),
            "2 December 2026 at 15:42 UTC"
        );
        assert_eq!(timestamp("not recorded"), "not recorded");
    }

    #[test]
    fn numbers_have_thousands_separators_and_fixed_decimals() {
        assert_eq!(number(12345.0, 0), "12,345");
        assert_eq!(number(1234567.891, 1), "1,234,567.9");
        assert_eq!(number(72.35, 1), "72.3"); // 72.35 is 72.3499… in binary
        assert_eq!(number(999.96, 1), "1,000.0");
        assert_eq!(number(0.5, 2), "0.50");
        assert_eq!(number(123.0, 1), "123.0");
        assert_eq!(number(100.0, 0), "100");
    }

    #[test]
    fn negatives_use_a_minus_sign_but_negative_zero_does_not() {
        assert_eq!(number(-1234.5, 1), "−1,234.5");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(-0.0, 0), "0");
        assert_eq!(number(f64::NAN, 1), NOT_AVAILABLE);
    }

    #[test]
    fn counts_group_digits() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(12345), "12,345");
        assert_eq!(count(1_000_000), "1,000,000");
    }

    fn info(statistic: &str, unit: &str) -> IndicatorInfo {
        IndicatorInfo {
            statistic: statistic.into(),
            unit: unit.into(),
            ..IndicatorInfo::default()
        }
    }

    #[test]
    fn units_follow_the_statistic_and_unit() {
        let pct = Units::of(&info("proportion", "%"));
        assert_eq!(pct.value(72.44), "72.4%");
        assert_eq!(pct.difference(12.34), "12.3 percentage points");
        let rate = Units::of(&info("rate", "per 100,000"));
        assert_eq!(rate.value(1234.56), "1,234.6 per 100,000");
        assert_eq!(rate.axis, "Per 100,000");
        let ratio_units = Units::of(&info("ratio", ""));
        assert_eq!(ratio_units.value(1.046), "1.05");
        let counts = Units::of(&info("count", "people"));
        assert_eq!(counts.value(12345.0), "12,345 people");
    }

    #[test]
    fn published_cells_show_as_the_policy_says() {
        use equalis_disclosure::{Level, Nhsd2018};
        let policy = Nhsd2018::default();
        let units = Units::of(&info("proportion", "%"));
        assert_eq!(units.cell(&policy.count(3, Level::SubNational)), "*");
        assert_eq!(
            units.cell(&policy.count(12344, Level::SubNational)),
            "12,345"
        );
        assert_eq!(units.cell(&Publishable::not_applicable()), NOT_AVAILABLE);
        let pct = policy.percentage(10, 40, Level::SubNational);
        assert_eq!(units.cell(&pct), "25.0");
        assert_eq!(cell_number(&pct), Some(25.0));
        assert_eq!(cell_number(&policy.count(3, Level::SubNational)), None);
    }

    #[test]
    fn periods_read_as_dates_where_they_are_dates() {
        assert_eq!(period_phrase("2025/26"), "In 2025/26");
        assert_eq!(period_phrase("2026-03-29"), "On 29 March 2026");
        assert_eq!(period_phrase("2025-04"), "In April 2025");
        assert_eq!(period_phrase("2025-13"), "In 2025-13");
        assert_eq!(period_phrase("2025-02-40"), "In 2025-02-40");
        assert_eq!(period_phrase("Q1"), "In Q1");
    }

    #[test]
    fn words() {
        assert_eq!(humanise("special_cause_concern"), "Special cause concern");
        assert_eq!(plural(1, "group", "groups"), "1 group");
        assert_eq!(plural(2, "group", "groups"), "2 groups");
        assert_eq!(
            with_limits("1", Some("0".into()), Some("2".into())),
            "1 (95% CI 0 to 2)"
        );
        assert_eq!(with_limits("1", None, Some("2".into())), "1");
    }
}

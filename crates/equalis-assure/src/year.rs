//! Financial years (`2025/26`), the period of every equality report, objective and return.

use std::fmt;
use std::str::FromStr;

/// An NHS financial year, 1 April to 31 March, written `2025/26`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    start: u16,
}

impl FinancialYear {
    /// The year that starts on 1 April of `start`.
    pub fn starting(start: u16) -> FinancialYear {
        FinancialYear { start }
    }

    /// The calendar year it starts in.
    pub fn start_year(self) -> u16 {
        self.start
    }

    /// The calendar year it ends in (the 31 March snapshot of workforce returns).
    pub fn end_year(self) -> u16 {
        self.start + 1
    }

    /// The year after.
    pub fn next(self) -> FinancialYear {
        FinancialYear::starting(self.start + 1)
    }

    /// Years from `self` to `later` (negative when `later` is earlier).
    pub fn years_until(self, later: FinancialYear) -> i32 {
        i32::from(later.start) - i32::from(self.start)
    }

    /// The slug form used in URLs and file names: `2025-26`.
    pub fn slug(self) -> String {
        format!("{}-{:02}", self.start, (self.start + 1) % 100)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.start, (self.start + 1) % 100)
    }
}

/// Why a financial year could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{value:?} is not a financial year: write it as 2025/26 (the year it starts, a slash or hyphen, and the last two digits of the next)"
)]
pub struct BadYear {
    /// What was typed.
    pub value: String,
}

impl FromStr for FinancialYear {
    type Err = BadYear;

    /// Reads `2025/26`, `2025-26` or `2025/2026`; the second year must follow the first.
    fn from_str(s: &str) -> Result<FinancialYear, BadYear> {
        let bad = || BadYear {
            value: s.to_string(),
        };
        let t = s.trim();
        let (a, b) = t.split_once(['/', '-']).ok_or_else(bad)?;
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let start: u16 = a.parse().map_err(|_| bad())?;
        if !(1990..=2200).contains(&start) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let follows = match b.len() {
            2 => b.parse::<u16>().ok() == Some((start + 1) % 100),
            4 => b.parse::<u16>().ok() == Some(start + 1),
            _ => false,
        };
        if follows {
            Ok(FinancialYear { start })
        } else {
            Err(bad())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_people_write() {
        for s in ["2025/26", "2025-26", "2025/2026", " 2025/26 "] {
            let y: FinancialYear = s.parse().unwrap();
            assert_eq!(y.to_string(), "2025/26");
            assert_eq!(y.slug(), "2025-26");
            assert_eq!(y.end_year(), 2026);
        }
        let y: FinancialYear = "1999/00".parse().unwrap();
        assert_eq!(y.to_string(), "1999/00");
    }

    #[test]
    fn refuses_years_that_do_not_follow() {
        for s in [
            "2025/27",
            "2025",
            "25/26",
            "2025/",
            "abcd/ef",
            "2025/2027",
            "2025/6",
        ] {
            let e = s.parse::<FinancialYear>().unwrap_err();
            assert!(e.to_string().contains("2025/26"), "{e}");
        }
    }

    #[test]
    fn counts_years_between() {
        let a = FinancialYear::starting(2024);
        assert_eq!(a.years_until(FinancialYear::starting(2027)), 3);
        assert_eq!(a.next(), FinancialYear::starting(2025));
    }
}

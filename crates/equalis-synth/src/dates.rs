//! Calendar arithmetic on day numbers and fast ISO date formatting.
//!
//! The generator works in whole days counted from 1970-01-01 (`Day`), which makes waits,
//! ages and week-ending dates plain integer arithmetic; dates are formatted through a
//! precomputed table because the waiting list writes two per row, hundreds of millions
//! of times at large scales.

use std::sync::OnceLock;

/// Days since 1970-01-01.
pub type Day = i32;

/// The day number of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn day(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

/// Completed years of age on `on` for someone born on `born`.
pub fn age_on(born: Day, on: Day) -> i32 {
    let (by, bm, bd) = civil(born);
    let (y, m, d) = civil(on);
    y - by - i32::from((m, d) < (bm, bd))
}

/// The first day covered by the formatting table (1900-01-01).
const TABLE_START: i32 = -25_567;
/// Days in the table: 1900-01-01 to 2099-12-31.
const TABLE_LEN: usize = 73_049;

fn table() -> &'static [[u8; 10]] {
    static T: OnceLock<Vec<[u8; 10]>> = OnceLock::new();
    T.get_or_init(|| {
        (0..TABLE_LEN as i32)
            .map(|i| {
                let (y, m, d) = civil(TABLE_START + i);
                let mut s = [0u8; 10];
                s.copy_from_slice(format!("{y:04}-{m:02}-{d:02}").as_bytes());
                s
            })
            .collect()
    })
}

/// `YYYY-MM-DD` for a day number between 1900 and 2099 (the generator's range).
pub fn iso(z: Day) -> [u8; 10] {
    let i = (z - TABLE_START).clamp(0, TABLE_LEN as i32 - 1) as usize;
    table()[i]
}

/// `YYYY-MM-DD` as a `String`, for README and JSON text.
pub fn iso_string(z: Day) -> String {
    String::from_utf8_lossy(&iso(z)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_dates() {
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(day(1900, 1, 1), TABLE_START);
        assert_eq!(day(2100, 1, 1) - TABLE_START, TABLE_LEN as i32);
        assert_eq!(&iso(day(2024, 2, 29)), b"2024-02-29");
        for z in (TABLE_START..TABLE_START + TABLE_LEN as i32).step_by(37) {
            let (y, m, d) = civil(z);
            assert_eq!(day(y, m, d), z);
        }
        // 2026-03-29 is a Sunday: 1970-01-01 was a Thursday.
        assert_eq!((day(2026, 3, 29) + 4).rem_euclid(7), 0);
        assert_eq!(age_on(day(2000, 3, 31), day(2026, 3, 30)), 25);
        assert_eq!(age_on(day(2000, 3, 31), day(2026, 3, 31)), 26);
    }
}

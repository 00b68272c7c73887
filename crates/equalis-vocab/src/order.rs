//! The natural order of the groups of a breakdown, the one every output uses.

use std::cmp::Ordering;

/// Labels that mean "not recorded": they sort after every recorded group.
const UNKNOWN: [&str; 6] = [
    "not known",
    "not recorded",
    "not stated",
    "unknown",
    "99",
    "x",
];

/// Orders two group labels naturally: groups that start with a number by that number (age
/// bands `0-4, 5-9, 10-14, …, 90+`, IMD deciles `1 … 10`, `1 (most deprived)`), so that they
/// never sort as text (`0-4, 10-14, …, 5-9`); "not known" groups last; other labels as text.
/// A pair's groups (`Female x 10-14`) compare part by part.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut left = a.split(" x ");
    let mut right = b.split(" x ");
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match part_key(x).cmp(&part_key(y)) {
                Ordering::Equal => continue,
                other => return other,
            },
        }
    }
}

/// A group label that sorts in [`natural_cmp`] order, for `sort_by_cached_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaturalKey(pub String);

impl Ord for NaturalKey {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_cmp(&self.0, &other.0).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for NaturalKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One part's key: recorded before not known; numbered before named (`None` sorts after any
/// number here, being mapped to the largest); then the text.
fn part_key(part: &str) -> (bool, u64, String) {
    let trimmed = part.trim();
    let lower = trimmed.to_ascii_lowercase();
    let unknown = UNKNOWN.contains(&lower.as_str());
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    // A number that is the whole label or is followed by a range, a plus or a note reads as a
    // quantity; a code that merely starts with digits (e.g. treatment function `110`) sorts
    // the same way, which is its natural order too.
    let number: Option<u64> = if unknown { None } else { digits.parse().ok() };
    (unknown, number.unwrap_or(u64::MAX), lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(labels: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = labels.iter().map(|s| (*s).to_owned()).collect();
        v.sort_by(|a, b| natural_cmp(a, b));
        v
    }

    #[test]
    fn age_bands_sort_by_age_not_as_text() {
        assert_eq!(
            sorted(&["10-14", "5-9", "0-4", "90+", "50-54", "Not known", "85-89"]),
            ["0-4", "5-9", "10-14", "50-54", "85-89", "90+", "Not known"]
        );
        assert_eq!(
            sorted(&["45-64", "5-17", "65-84", "0-4", "18-24", "85+", "25-44"]),
            ["0-4", "5-17", "18-24", "25-44", "45-64", "65-84", "85+"]
        );
    }

    #[test]
    fn deciles_quintiles_and_pairs() {
        assert_eq!(
            sorted(&["10", "2", "1", "Not known"]),
            ["1", "2", "10", "Not known"]
        );
        assert_eq!(
            sorted(&[
                "Male x 10-14",
                "Female x 5-9",
                "Female x 10-14",
                "Female x Not known"
            ]),
            [
                "Female x 5-9",
                "Female x 10-14",
                "Female x Not known",
                "Male x 10-14"
            ]
        );
        assert_eq!(
            sorted(&["Not Core20", "Core20", "Not recorded"]),
            ["Core20", "Not Core20", "Not recorded"]
        );
    }
}

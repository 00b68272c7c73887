//! The published results of one indicator, and the words the report uses for breakdowns and
//! groups.
//!
//! Everything here holds [`PublishedRow`]s, [`PublishedInequality`]s and [`PublishedSpc`]s:
//! the report has no way to reach a raw results number from this point on.

use std::collections::BTreeSet;

use equalis_results::{IndicatorInfo, PublishedInequality, PublishedRow, PublishedSpc};

use crate::format::{self, Units};

/// The breakdowns drawn as forest plots, in page order.
pub(crate) const FOREST_BREAKDOWNS: [&str; 6] = [
    "imd_quintile",
    "core20",
    "ethnic_group",
    "sex",
    "age_band",
    "provider",
];

/// The breakdown of the deprivation gradient chart.
pub(crate) const DECILE: &str = "imd_decile";

/// The breakdown of the whole-ICS figure.
pub(crate) const ALL: &str = "all";

/// One indicator's published rows.
#[derive(Debug)]
pub(crate) struct IndicatorData<'a> {
    /// What the indicator is.
    pub info: &'a IndicatorInfo,
    /// How its values are written.
    pub units: Units,
    /// Its figures, in results order.
    pub rows: Vec<&'a PublishedRow>,
    /// Its SII and RII rows.
    pub inequality: Vec<&'a PublishedInequality>,
    /// Its SPC points.
    pub spc: Vec<&'a PublishedSpc>,
    /// Its periods, oldest first.
    pub periods: Vec<String>,
}

impl<'a> IndicatorData<'a> {
    /// Picks out the rows of `info.id`.
    pub(crate) fn new(
        info: &'a IndicatorInfo,
        rows: &'a [PublishedRow],
        inequality: &'a [PublishedInequality],
        spc: &'a [PublishedSpc],
    ) -> IndicatorData<'a> {
        let id = info.id.as_str();
        let rows: Vec<&PublishedRow> = rows.iter().filter(|r| r.indicator_id == id).collect();
        let inequality: Vec<&PublishedInequality> =
            inequality.iter().filter(|r| r.indicator_id == id).collect();
        let spc: Vec<&PublishedSpc> = spc.iter().filter(|r| r.indicator_id == id).collect();
        // Snapshot dates (YYYY-MM-DD) and financial years (2024/25) both sort as text.
        let periods: BTreeSet<&str> = rows.iter().map(|r| r.period.as_str()).collect();
        IndicatorData {
            info,
            units: Units::of(info),
            periods: periods.into_iter().map(str::to_owned).collect(),
            rows,
            inequality,
            spc,
        }
    }

    /// The latest period with figures.
    pub(crate) fn latest(&self) -> Option<&str> {
        self.periods.last().map(String::as_str)
    }

    /// The period before the latest.
    pub(crate) fn previous(&self) -> Option<&str> {
        let n = self.periods.len();
        (n >= 2).then(|| self.periods[n - 2].as_str())
    }

    /// The whole-ICS figure of a period.
    pub(crate) fn ics(&self, period: &str) -> Option<&'a PublishedRow> {
        self.rows
            .iter()
            .copied()
            .find(|r| r.period == period && r.breakdown == ALL)
    }

    /// The groups of a breakdown in a period, in the breakdown's natural order.
    pub(crate) fn breakdown(&self, period: &str, breakdown: &str) -> Vec<&'a PublishedRow> {
        let mut rows: Vec<&PublishedRow> = self
            .rows
            .iter()
            .copied()
            .filter(|r| r.period == period && r.breakdown == breakdown)
            .collect();
        order_groups(&mut rows, |r| r.group.as_str());
        rows
    }

    /// An SII or RII row.
    pub(crate) fn inequality(
        &self,
        period: &str,
        breakdown: &str,
        measure: &str,
    ) -> Vec<&'a PublishedInequality> {
        let mut rows: Vec<&PublishedInequality> = self
            .inequality
            .iter()
            .copied()
            .filter(|r| r.period == period && r.breakdown == breakdown && r.measure == measure)
            .collect();
        order_groups(&mut rows, |r| r.group.as_str());
        rows
    }

    /// The SPC series, each as `(breakdown, group, points oldest first)`, in results order.
    pub(crate) fn spc_series(&self) -> Vec<(&'a str, &'a str, Vec<&'a PublishedSpc>)> {
        let mut series: Vec<(&str, &str, Vec<&PublishedSpc>)> = Vec::new();
        for p in &self.spc {
            match series
                .iter_mut()
                .find(|(b, g, _)| *b == p.breakdown && *g == p.group)
            {
                Some((_, _, points)) => points.push(p),
                None => series.push((p.breakdown.as_str(), p.group.as_str(), vec![p])),
            }
        }
        for (_, _, points) in &mut series {
            points.sort_by(|a, b| a.period.cmp(&b.period));
        }
        series
    }
}

/// Orders groups in their natural order (`equalis_vocab::natural_cmp`): age bands by age,
/// deciles and quintiles by number, "Not known" last, the same order as the command line.
fn order_groups<T>(rows: &mut [T], group: impl Fn(&T) -> &str) {
    rows.sort_by(|a, b| equalis_vocab::natural_cmp(group(a), group(b)));
}

/// A group label with each provider shown by name and code (`RWE x Core20` →
/// `University Hospitals of Leicester NHS Trust (RWE) x Core20`) when `names` has it.
pub(crate) fn named_providers(
    breakdown: &str,
    group: &str,
    names: &std::collections::BTreeMap<String, String>,
) -> String {
    if names.is_empty() || !breakdown.split(" x ").any(|b| b == "provider") {
        return group.to_owned();
    }
    let parts: Vec<&str> = group.split(" x ").collect();
    let dims: Vec<&str> = breakdown.split(" x ").collect();
    if parts.len() != dims.len() {
        return group.to_owned();
    }
    dims.iter()
        .zip(parts)
        .map(|(d, g)| match names.get(g) {
            Some(name) if *d == "provider" => format!("{name} ({g})"),
            _ => g.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" x ")
}

/// Text with each organisation's code that stands as a whole word followed by its name in
/// brackets (`at RWE` → `at University Hospitals of Leicester NHS Trust (RWE)`).
pub(crate) fn named_codes(
    text: &str,
    names: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word.trim_end_matches([',', ';', '.', ')', ':']);
        match names.get(core) {
            Some(name) => {
                out.push_str(&format!("{name} ({core})"));
                out.push_str(&word[core.len()..]);
            }
            None => out.push_str(word),
        }
    }
    out
}

/// A breakdown's heading: `imd_quintile` → `Deprivation quintile (IMD 2025)`.
pub(crate) fn breakdown_label(breakdown: &str, iod_edition: &str) -> String {
    let imd = if iod_edition.trim().is_empty() {
        "IMD".to_owned()
    } else {
        format!("IMD {}", iod_edition.trim())
    };
    match breakdown {
        "imd_quintile" => format!("Deprivation quintile ({imd})"),
        "imd_decile" => format!("Deprivation decile ({imd})"),
        "core20" => "Core20 (the most deprived 20% of areas in England)".to_owned(),
        "ethnic_group" => "Ethnic group".to_owned(),
        "sex" => "Sex".to_owned(),
        "age_band" => "Age band".to_owned(),
        "provider" => "Provider".to_owned(),
        other => format::humanise(other),
    }
}

/// A breakdown as a noun inside a sentence: `by ethnic group`, `by deprivation quintile`.
pub(crate) fn breakdown_noun(breakdown: &str) -> String {
    match breakdown {
        "imd_quintile" => "deprivation quintile".to_owned(),
        "imd_decile" => "deprivation decile".to_owned(),
        "core20" => "Core20".to_owned(),
        "ethnic_group" => "ethnic group".to_owned(),
        "age_band" => "age band".to_owned(),
        other => other.replace('_', " "),
    }
}

/// A group as a chart or table shows it: deprivation groups say which end is which.
pub fn group_label(breakdown: &str, group: &str) -> String {
    let last = match breakdown {
        "imd_quintile" => "5",
        "imd_decile" => "10",
        _ => return group.to_owned(),
    };
    match group.trim() {
        "1" => "1 (most deprived)".to_owned(),
        g if g == last => format!("{g} (least deprived)"),
        g => g.to_owned(),
    }
}

/// A group inside a sentence: `IMD quintile 1 (most deprived)`, `Female (sex)`.
pub(crate) fn group_phrase(breakdown: &str, group: &str) -> String {
    match breakdown {
        "imd_quintile" => format!("IMD quintile {}", group_label(breakdown, group)),
        "imd_decile" => format!("IMD decile {}", group_label(breakdown, group)),
        "age_band" => format!("age band {group}"),
        "core20" if group.to_ascii_lowercase().contains("core20") => group.to_owned(),
        "core20" => format!("{group} (Core20)"),
        other => format!("{group} ({})", breakdown_noun(other)),
    }
}

/// A direction as people say it.
pub(crate) fn direction_label(direction: &str) -> String {
    match direction {
        "higher_is_better" => "Higher is better".to_owned(),
        "lower_is_better" => "Lower is better".to_owned(),
        "none" | "" => "No preferred direction".to_owned(),
        other => format::humanise(other),
    }
}

/// A file name for an indicator id: letters, digits, `-` and `_` only, so an id can never
/// reach outside the `indicators` directory.
pub(crate) fn slug(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "indicator".to_owned()
    } else {
        s
    }
}

/// One column heading of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The heading.
    pub label: String,
    /// Whether the column holds numbers (right-aligned).
    pub numeric: bool,
}

/// One data cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCell {
    /// What it shows.
    pub text: String,
    /// Its CSS class (`num` for numbers, a tag class for a judgement).
    pub class: String,
}

impl TableCell {
    /// A number, right-aligned.
    pub(crate) fn num(text: String) -> TableCell {
        TableCell {
            text,
            class: "num".to_owned(),
        }
    }

    /// Words.
    pub(crate) fn text(text: String) -> TableCell {
        TableCell {
            text,
            class: String::new(),
        }
    }

    /// Words shown as a tag with a CSS class.
    pub(crate) fn tag(text: &str, class: &str) -> TableCell {
        TableCell {
            text: text.to_owned(),
            class: class.to_owned(),
        }
    }
}

/// A table row: a header cell naming the row, then data cells.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The row's name (a `<th scope="row">`).
    pub header: String,
    /// The data.
    pub cells: Vec<TableCell>,
}

/// A data table with its caption and the notes that explain its symbols.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The `<caption>`.
    pub caption: String,
    /// Column headings, the first naming the row headers.
    pub head: Vec<Head>,
    /// The rows.
    pub rows: Vec<TableRow>,
    /// Notes below the table.
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with these headings (`numeric` marks number columns).
    pub(crate) fn new(caption: String, head: &[(&str, bool)]) -> Table {
        Table {
            caption,
            head: head
                .iter()
                .map(|(label, numeric)| Head {
                    label: (*label).to_owned(),
                    numeric: *numeric,
                })
                .collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Collects row notes so each distinct note is said once, naming the rows it applies to.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    notes: Vec<(String, Vec<String>)>,
}

impl Notes {
    /// Records that `note` applies to `row`; a withheld row's note is marked with `*`.
    pub(crate) fn add(&mut self, row: &str, note: &str, withheld: bool) {
        let note = format::capitalise(note.trim());
        let note = if withheld { format!("* {note}") } else { note };
        match self.notes.iter_mut().find(|(n, _)| *n == note) {
            Some((_, rows)) => rows.push(row.to_owned()),
            None => self.notes.push((note, vec![row.to_owned()])),
        }
    }

    /// One line per distinct note: `* Withheld: … — Mixed, Other`.
    pub(crate) fn lines(self) -> Vec<String> {
        self.notes
            .into_iter()
            .map(|(note, rows)| format!("{note} — {}", rows.join(", ")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_sort_in_their_natural_order() {
        let mut deciles = vec!["10", "2", "1"];
        order_groups(&mut deciles, |g| g);
        assert_eq!(deciles, vec!["1", "2", "10"]);
        let mut ages = vec!["5-9", "Not known", "10-14", "0-4", "65+"];
        order_groups(&mut ages, |g| g);
        assert_eq!(ages, vec!["0-4", "5-9", "10-14", "65+", "Not known"]);
    }

    #[test]
    fn providers_are_named_where_the_workspace_names_them() {
        let names: std::collections::BTreeMap<String, String> =
            [("RWE".to_owned(), "University Hospitals".to_owned())].into();
        assert_eq!(
            named_providers("provider x core20", "RWE x Core20", &names),
            "University Hospitals (RWE) x Core20"
        );
        assert_eq!(
            named_providers("ethnic_group x provider", "White x RWE", &names),
            "White x University Hospitals (RWE)"
        );
        assert_eq!(named_providers("sex", "RWE", &names), "RWE");
        assert_eq!(named_providers("provider", "RLT", &names), "RLT");
        assert_eq!(
            named_codes("median 10.1 weeks at RWE vs 5.2 weeks at RLT", &names),
            "median 10.1 weeks at University Hospitals (RWE) vs 5.2 weeks at RLT"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(group_label("imd_quintile", "1"), "1 (most deprived)");
        assert_eq!(group_label("imd_quintile", "5"), "5 (least deprived)");
        assert_eq!(group_label("imd_decile", "5"), "5");
        assert_eq!(group_label("imd_decile", "10"), "10 (least deprived)");
        assert_eq!(group_phrase("sex", "Female"), "Female (sex)");
        assert_eq!(
            breakdown_label("imd_quintile", "2025"),
            "Deprivation quintile (IMD 2025)"
        );
        assert_eq!(breakdown_label("lsoa_x", ""), "Lsoa x");
        assert_eq!(direction_label("none"), "No preferred direction");
    }

    #[test]
    fn slugs_cannot_escape_the_directory() {
        assert_eq!(slug("smi_health_check"), "smi_health_check");
        assert_eq!(slug("../etc/passwd"), "___etc_passwd");
        assert_eq!(slug(""), "indicator");
    }

    #[test]
    fn notes_are_said_once() {
        let mut notes = Notes::default();
        notes.add("Mixed", "withheld", true);
        notes.add("Other", "withheld", true);
        notes.add("White", "provisional", false);
        assert_eq!(
            notes.lines(),
            vec!["* Withheld — Mixed, Other", "Provisional — White"]
        );
    }
}

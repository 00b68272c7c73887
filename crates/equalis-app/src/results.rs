//! `equalis results` and the web's results pages: the indicators a workspace's results hold,
//! and one indicator's rows by breakdown and period, published (or, asked for by name, the
//! analyst view) through `equalis_results::publish`.

use crate::error::not_found;
use std::path::Path;

use equalis_results::{PublishedRow, Results, Statistic, View, read_results};

use crate::output::{Table, show};

/// What to read of one indicator's results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultsQuery {
    /// The indicator or measure id (e.g. `smi_health_check`).
    pub indicator: String,
    /// `all`, one breakdown (e.g. `imd_quintile`) or a pair in either order
    /// (`ethnic_group x imd_quintile`); every breakdown when `None`.
    pub breakdown: Option<String>,
    /// A period (e.g. `2025/26`), or `latest`; every period when `None`.
    pub period: Option<String>,
    /// The analyst view: counts from 1 to 7 shown and nothing rounded. Not for publication.
    pub unsuppressed: bool,
}

/// One indicator of the results: its id, area and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorEntry {
    /// Its id, as `--indicator` takes it.
    pub id: String,
    /// The Core20PLUS5 area or dashboard.
    pub area: String,
    /// A short name.
    pub name: String,
}

/// The indicators of the workspace's current results, by id.
pub fn indicators(workspace: &Path) -> crate::Result<Vec<IndicatorEntry>> {
    indicators_any(workspace).map_err(crate::Error::from)
}
fn indicators_any(workspace: &Path) -> anyhow::Result<Vec<IndicatorEntry>> {
    let results = read_results(workspace)?;
    Ok(results
        .metadata
        .indicators
        .values()
        .map(|i| IndicatorEntry {
            id: i.id.clone(),
            area: i.area.clone(),
            name: i.name.clone(),
        })
        .collect())
}

/// One indicator's rows of the workspace's current results, as [`query_results`].
pub fn query(workspace: &Path, q: &ResultsQuery) -> crate::Result<Table> {
    query_any(workspace, q).map_err(crate::Error::from)
}
fn query_any(workspace: &Path, q: &ResultsQuery) -> anyhow::Result<Table> {
    query_results_any(&read_results(workspace)?, q)
}

/// One indicator's rows, filtered by period and breakdown, in the published view unless the
/// analyst view is asked for. An unknown indicator, period or breakdown is an error whose hint
/// names the valid ones (the closest, for a mistyped breakdown).
pub fn query_results(results: &Results, q: &ResultsQuery) -> crate::Result<Table> {
    query_results_any(results, q).map_err(crate::Error::from)
}
fn query_results_any(results: &Results, q: &ResultsQuery) -> anyhow::Result<Table> {
    let id = q.indicator.as_str();
    if !results.metadata.indicators.contains_key(id) {
        let known: Vec<&str> = results
            .metadata
            .indicators
            .keys()
            .map(String::as_str)
            .collect();
        return Err(not_found!(
            "no indicator `{id}` in the results\n\nhint: one of {}",
            known.join(", ")
        ));
    }
    let view = if q.unsuppressed {
        View::Analyst
    } else {
        View::Published
    };
    // The whole indicator is published at once: secondary disclosure control reads each
    // breakdown with its total, so a filtered slice must not be published on its own.
    let (mut rows, _, _) = results.publish_indicator(&view, id);
    if let Some(period) = q.period.as_deref() {
        let period = if period == "latest" {
            rows.iter()
                .map(|r| r.period.as_str())
                .max()
                .unwrap_or("")
                .to_owned()
        } else {
            period.to_owned()
        };
        let periods: Vec<String> = {
            let mut p: Vec<String> = rows.iter().map(|r| r.period.clone()).collect();
            p.sort();
            p.dedup();
            p
        };
        if !periods.contains(&period) {
            return Err(not_found!(
                "indicator `{id}` has no period `{period}`\n\nhint: one of {}, or `latest`",
                periods.join(", ")
            ));
        }
        rows.retain(|r| r.period == period);
    }
    if let Some(b) = q.breakdown.as_deref() {
        let known: Vec<String> = {
            let mut k: Vec<String> = rows.iter().map(|r| r.breakdown.clone()).collect();
            k.sort();
            k.dedup();
            k
        };
        let b = normalise_breakdown(b, &known);
        if !known.contains(&b) {
            let near: Vec<&str> = closest(&b, &known);
            let hint = if near.is_empty() {
                "breakdowns are `all`, one of the dimensions (e.g. `imd_quintile`), or a pair written `A x B`".to_owned()
            } else {
                format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(not_found!(
                "indicator `{id}` has no breakdown `{b}` here\n\nhint: {hint}"
            ));
        }
        rows.retain(|r| r.breakdown == b);
    }
    // Groups in their natural order within each period and breakdown (age bands by age, …),
    // blocks in the order computed.
    rows.sort_by(|a, b| {
        (a.period.as_str(), a.breakdown.as_str())
            .cmp(&(b.period.as_str(), b.breakdown.as_str()))
            .then_with(|| equalis_vocab::natural_cmp(&a.group, &b.group))
    });
    let statistic = rows.first().map_or(Statistic::Proportion, |r| r.statistic);
    let comparator = rows
        .iter()
        .any(|r| r.comparator_denominator.get() != &equalis_disclosure::Cell::NotApplicable);
    let [num, den] = count_columns(statistic);
    let mut columns: Vec<&str> = COLUMNS.to_vec();
    columns[4] = num;
    columns[5] = den;
    if comparator {
        columns.insert(6, "comparator_numerator");
        columns.insert(7, "comparator_denominator");
    }
    let table: Vec<Vec<String>> = rows.iter().map(|r| fields(r, comparator)).collect();
    // The counts, value and limits are numbers: right-aligned, and numbers in JSON.
    let text_after = columns.len() - 2;
    let numeric: Vec<bool> = (0..columns.len())
        .map(|i| i >= 4 && i < text_after)
        .collect();
    Ok(Table {
        columns: columns.into_iter().map(str::to_owned).collect(),
        numeric,
        rows: table,
    })
}

/// The columns `results` prints, in order; the two count columns are named for what they
/// hold (see [`count_columns`]) and the comparator's counts are added for gaps between two
/// groups.
const COLUMNS: [&str; 11] = [
    "indicator_id",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "value",
    "lowercl",
    "uppercl",
    "comparison",
    "note",
];

/// What the numerator and denominator of a statistic are.
fn count_columns(statistic: Statistic) -> [&'static str; 2] {
    match statistic {
        Statistic::Ratio => ["observed", "expected"],
        // The registration gap: the ONS estimate against the patients registered.
        Statistic::Shortfall => ["estimate", "registered"],
        Statistic::Median | Statistic::Percentile => ["numerator", "values"],
        Statistic::Count => ["count", "denominator"],
        _ => ["numerator", "denominator"],
    }
}

fn fields(r: &PublishedRow, comparator: bool) -> Vec<String> {
    let mut out = vec![
        r.indicator_id.clone(),
        r.period.clone(),
        r.breakdown.clone(),
        r.group.clone(),
        show(&r.numerator),
        show(&r.denominator),
    ];
    if comparator {
        out.push(show(&r.comparator_numerator));
        out.push(show(&r.comparator_denominator));
    }
    out.extend([
        show(&r.value),
        show(&r.lowercl),
        show(&r.uppercl),
        r.comparison
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        r.note.clone().unwrap_or_default(),
    ]);
    out
}

/// The known names closest to what was typed, at most five: those containing it (or
/// contained in it) or sharing its first four letters, then those within a few edits; single
/// breakdowns before pairs unless a pair was typed.
fn closest<'a>(typed: &str, known: &'a [String]) -> Vec<&'a str> {
    let t = typed.to_lowercase();
    let typed_pair = t.contains(" x ");
    let mut scored: Vec<(usize, &str)> = known
        .iter()
        .filter_map(|k| {
            let l = k.to_lowercase();
            let prefix = t.chars().zip(l.chars()).take_while(|(a, b)| a == b).count();
            let score = if l.contains(&t) || t.contains(&l) || prefix >= 4 {
                0
            } else {
                let d = edit_distance(&t, &l);
                (d <= 3.max(t.len() / 3)).then_some(d)?
            };
            let pair_penalty = usize::from(l.contains(" x ") != typed_pair) * 10;
            Some((score + pair_penalty, k.as_str()))
        })
        .collect();
    scored.sort();
    // Pairs only when no single breakdown comes close (or a pair was asked for).
    let best = scored.first().map_or(0, |(score, _)| *score);
    scored
        .into_iter()
        .filter(|(score, _)| (*score >= 10) == (best >= 10))
        .take(5)
        .map(|(_, k)| k)
        .collect()
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A pair written in either order, in the order the results store it (`core20 x sex` for
/// `sex x core20`); anything else trimmed.
fn normalise_breakdown(b: &str, known: &[String]) -> String {
    match b.split_once(" x ") {
        Some((x, y)) => {
            let (x, y) = (x.trim(), y.trim());
            let swapped = format!("{y} x {x}");
            if known.contains(&swapped) {
                swapped
            } else {
                format!("{x} x {y}")
            }
        }
        None => b.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use equalis_results::{IndicatorInfo, Metadata, ResultRow};

    #[test]
    fn a_mistyped_breakdown_is_answered_with_the_closest_names() {
        let known: Vec<String> = [
            "age_band",
            "ethnic_category",
            "ethnic_group",
            "ethnic_group x imd_quintile",
            "imd_quintile",
            "sex",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            closest("ethnicity", &known),
            ["ethnic_category", "ethnic_group"]
        );
        assert_eq!(closest("imd quintile", &known)[0], "imd_quintile");
        assert_eq!(closest("sexx", &known), ["sex"]);
        assert_eq!(
            closest("ethnic_group x imd", &known),
            ["ethnic_group x imd_quintile"]
        );
        assert!(closest("zzzzzzzz", &known).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_pair_is_found_in_either_order_and_the_shortfall_counts_are_named() {
        let known = vec!["all".to_owned(), "core20 x sex".to_owned()];
        assert_eq!(normalise_breakdown("sex x core20", &known), "core20 x sex");
        assert_eq!(
            normalise_breakdown(" core20 x sex ", &known),
            "core20 x sex"
        );
        assert_eq!(normalise_breakdown("age x sex", &known), "age x sex");
        assert_eq!(normalise_breakdown(" all ", &known), "all");
        assert_eq!(
            count_columns(Statistic::Shortfall),
            ["estimate", "registered"]
        );
    }

    fn row(id: &str, breakdown: &str, group: &str, stat: Statistic, n: f64, d: f64) -> ResultRow {
        let mut r = ResultRow::new(id, "2025/26", breakdown, group, stat, 100.0);
        r.numerator = Some(n);
        r.denominator = Some(d);
        r.value = Some(n / d * 100.0);
        r
    }

    /// Results of two indicators: SMI health checks by sex and by core20 x sex, and the
    /// registration gap.
    fn results() -> Results {
        let mut metadata = Metadata::default();
        for id in ["smi_health_check", "gp_registration_gap"] {
            metadata.indicators.insert(
                id.to_owned(),
                IndicatorInfo {
                    id: id.to_owned(),
                    ..IndicatorInfo::default()
                },
            );
        }
        let p = Statistic::Proportion;
        let indicators = vec![
            row("smi_health_check", "all", "All", p, 403.0, 800.0),
            row("smi_health_check", "sex", "Female", p, 200.0, 400.0),
            row("smi_health_check", "sex", "Male", p, 203.0, 400.0),
            row(
                "smi_health_check",
                "core20 x sex",
                "Core20 x Female",
                p,
                3.0,
                100.0,
            ),
            row(
                "smi_health_check",
                "core20 x sex",
                "Core20 x Male",
                p,
                40.0,
                100.0,
            ),
            row(
                "gp_registration_gap",
                "all",
                "All",
                Statistic::Shortfall,
                1000.0,
                900.0,
            ),
        ];
        Results::new(
            "results".into(),
            metadata,
            indicators,
            Vec::new(),
            Vec::new(),
        )
    }

    fn query(
        indicator: &str,
        breakdown: Option<&str>,
        period: Option<&str>,
    ) -> crate::Result<Table> {
        query_results(
            &results(),
            &ResultsQuery {
                indicator: indicator.to_owned(),
                breakdown: breakdown.map(str::to_owned),
                period: period.map(str::to_owned),
                unsuppressed: false,
            },
        )
    }

    #[test]
    fn unknown_names_are_not_found_with_the_valid_ones_as_the_hint() {
        let e = query("smi", None, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.message, "no indicator `smi` in the results");
        assert_eq!(
            e.hint.as_deref(),
            Some("one of gp_registration_gap, smi_health_check")
        );
        let e = query("smi_health_check", None, Some("1999/00")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.hint.as_deref(), Some("one of 2025/26, or `latest`"));
        let e = query("smi_health_check", Some("sexx"), None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.hint.as_deref(), Some("did you mean `sex`?"));
    }

    #[test]
    fn a_query_publishes_the_whole_indicator_then_filters_it() {
        let t = query("smi_health_check", Some("sex x core20"), Some("latest")).unwrap();
        let groups: Vec<&str> = t.rows.iter().map(|r| r[3].as_str()).collect();
        assert_eq!(groups, ["Core20 x Female", "Core20 x Male"]);
        // 3 of 100 is withheld, with everything computed from it.
        assert_eq!(t.rows[0][4], "*");
        assert_eq!(t.rows[1][4], "40");
        assert_eq!(t.columns[4..6], ["numerator", "denominator"]);
        let t = query("gp_registration_gap", None, None).unwrap();
        assert_eq!(t.columns[4..6], ["estimate", "registered"]);
        assert_eq!(t.rows.len(), 1);
    }
}

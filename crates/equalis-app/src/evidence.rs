//! Evidence for an impact assessment drawn from equalis's own published figures (issue 13,
//! item 4): for the groups a proposal affects and its population (the ICS or one place), the
//! indicators' latest published figures by the breakdown that speaks to each group
//! ([`equalis_assess::evidence::breakdowns`]), and the workforce returns' headline figures
//! for staff-facing proposals.
//!
//! Every figure here comes from rows already published (`equalis_results::View::Published`
//! through the caller's results, or the workforce [`Publisher`](crate::workforce::Publisher)),
//! and is copied as the text the published view shows: a withheld count stays `*`. Nothing
//! here reads a file, so the web server passes the results it keeps published.

use std::collections::{BTreeMap, BTreeSet};

use equalis_assess::evidence::{PLACE_BREAKDOWN, Source, breakdowns, place_breakdown};
use equalis_assess::{EvidenceFigure, Subject};
use equalis_disclosure::{Cell, Publishable};
use equalis_report::tables::Val;
use equalis_results::{IndicatorInfo, Metadata, PublishedRow};

use crate::workforce::Headlines;

/// The figures offered for one group of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Offered {
    /// The group.
    pub subject: Subject,
    /// The breakdowns looked in (empty: equalis holds no field for this group).
    pub breakdowns: Vec<String>,
    /// The figures, by indicator, the population's total first.
    pub figures: Vec<EvidenceFigure>,
}

/// The places the results break figures down by (`local_authority`'s groups), in order.
pub fn places(published: &BTreeMap<String, Vec<PublishedRow>>) -> Vec<String> {
    let set: BTreeSet<&str> = published
        .values()
        .flatten()
        .filter(|r| r.breakdown == PLACE_BREAKDOWN)
        .map(|r| r.group.as_str())
        .filter(|g| !matches!(*g, "Not known" | "Not recorded"))
        .collect();
    set.into_iter().map(str::to_owned).collect()
}

/// When the results were computed, as a date in words ("1 April 2026"), with their version.
pub fn results_date(metadata: &Metadata, version: &str) -> String {
    let day = metadata
        .computed_at
        .get(..10)
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .map_or_else(
            || metadata.computed_at.clone(),
            |d| d.strftime("%-d %B %Y").to_string(),
        );
    format!("results {version}, computed {day}")
}

/// The figures of the results for each of `subjects` in `area` (a place, or empty for the
/// whole ICS): for every indicator, its latest period's rows of each breakdown mapped to the
/// group, after the population's own total. `version` names the results version.
pub fn results_figures(
    published: &BTreeMap<String, Vec<PublishedRow>>,
    metadata: &Metadata,
    version: &str,
    subjects: &[Subject],
    area: &str,
) -> Vec<Offered> {
    let date = results_date(metadata, version);
    subjects
        .iter()
        .map(|&subject| {
            let dims = breakdowns(subject);
            let mut figures = Vec::new();
            if !dims.is_empty() {
                for (id, rows) in published {
                    let info = metadata.indicators.get(id);
                    let Some(latest) = rows.iter().map(|r| r.period.as_str()).max() else {
                        continue;
                    };
                    let of_period: Vec<&PublishedRow> =
                        rows.iter().filter(|r| r.period == latest).collect();
                    let mut mine = Vec::new();
                    for dim in dims {
                        for r in &of_period {
                            if let Some(group) = in_area(r, dim, area) {
                                mine.push(figure(
                                    subject,
                                    info,
                                    id,
                                    r,
                                    &metadata.iod_edition,
                                    dim,
                                    group,
                                    &date,
                                ));
                            }
                        }
                    }
                    if mine.is_empty() {
                        continue;
                    }
                    let total = of_period.iter().find(|r| is_total(r, area));
                    if let Some(t) = total {
                        let label = if area.is_empty() {
                            "Whole ICS".to_owned()
                        } else {
                            format!("All of {area}")
                        };
                        figures.push(figure_labelled(subject, info, id, t, label, &date));
                    }
                    figures.extend(mine);
                }
            }
            Offered {
                subject,
                breakdowns: dims.iter().map(|d| (*d).to_owned()).collect(),
                figures,
            }
        })
        .collect()
}

/// The group of `r` when it is a row of breakdown `dim` within `area` (the whole ICS when
/// empty), without the place.
fn in_area<'a>(r: &'a PublishedRow, dim: &str, area: &str) -> Option<&'a str> {
    if area.is_empty() {
        return (r.breakdown == dim).then_some(r.group.as_str());
    }
    if r.breakdown != place_breakdown(dim) {
        return None;
    }
    r.group.strip_suffix(&format!(" x {area}"))
}

fn is_total(r: &PublishedRow, area: &str) -> bool {
    if area.is_empty() {
        r.breakdown == "all"
    } else {
        r.breakdown == PLACE_BREAKDOWN && r.group == area
    }
}

#[allow(clippy::too_many_arguments)]
fn figure(
    subject: Subject,
    info: Option<&IndicatorInfo>,
    id: &str,
    r: &PublishedRow,
    iod: &str,
    dim: &str,
    group: &str,
    date: &str,
) -> EvidenceFigure {
    let label = format!(
        "{}: {}",
        equalis_report::breakdown_label(dim, iod),
        equalis_report::group_label(dim, group)
    );
    figure_labelled(subject, info, id, r, label, date)
}

fn figure_labelled(
    subject: Subject,
    info: Option<&IndicatorInfo>,
    id: &str,
    r: &PublishedRow,
    group: String,
    date: &str,
) -> EvidenceFigure {
    let unit = info.map_or("", |i| i.unit.as_str());
    let interval = match (r.lowercl.get(), r.uppercl.get()) {
        (Cell::NotApplicable, _) | (_, Cell::NotApplicable) => String::new(),
        _ => format!(
            "{} to {}",
            cell_text(&r.lowercl, unit),
            cell_text(&r.uppercl, unit)
        ),
    };
    EvidenceFigure {
        key: format!("{id}|{}|{}|{}", r.period, r.breakdown, r.group),
        source: Source::Results,
        subject: Some(subject),
        measure: info.map_or_else(|| id.to_owned(), |i| i.name.clone()),
        group,
        value: cell_text(&r.value, unit),
        interval,
        period: r.period.clone(),
        data_date: date.to_owned(),
    }
}

/// A published cell as words: counts whole, other values to one decimal place with the unit,
/// `*` (the policy's symbol) when withheld, `n/a` when there is no value.
pub fn cell_text(c: &Publishable<Cell>, unit: &str) -> String {
    match c.get() {
        Cell::Count(n) => n.to_string(),
        Cell::Percentage(v) | Cell::Value(v) => match unit {
            "" => format!("{v:.1}"),
            "%" => format!("{v:.1}%"),
            u => format!("{v:.1} {u}"),
        },
        Cell::Suppressed(symbol) => symbol.clone(),
        Cell::NotApplicable => "n/a".to_owned(),
    }
}

/// The workforce headline figures as evidence: one figure per published number of each
/// sheet (a row's measure by its column).
pub fn workforce_figures(h: &Headlines) -> Vec<EvidenceFigure> {
    let date = format!("staff snapshot {}", h.date.strftime("%-d %B %Y"));
    let mut out = Vec::new();
    for sheet in &h.sheets {
        for row in &sheet.rows {
            let Some(Val::Text(label)) = row.first() else {
                continue;
            };
            for (header, v) in sheet.headers.iter().zip(row).skip(1) {
                if matches!(v, Val::Text(_)) {
                    continue;
                }
                out.push(EvidenceFigure {
                    key: format!("workforce|{}|{label}|{header}", sheet.name),
                    source: Source::Workforce,
                    subject: None,
                    measure: sheet.title.clone(),
                    group: format!("{label}: {header}"),
                    value: v.show(),
                    interval: String::new(),
                    period: format!("At {}", h.date),
                    data_date: date.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_assess::{PlusGroup, ProtectedKey};
    use equalis_results::{ResultRow, Results, Statistic};

    fn row(breakdown: &str, group: &str, n: f64, d: f64) -> ResultRow {
        let mut r = ResultRow::new(
            "smi",
            "2025/26",
            breakdown,
            group,
            Statistic::Proportion,
            100.0,
        );
        r.numerator = Some(n);
        r.denominator = Some(d);
        r.value = Some(n / d * 100.0);
        r.lowercl = Some(n / d * 90.0);
        r.uppercl = Some(n / d * 110.0);
        r
    }

    fn published() -> (BTreeMap<String, Vec<PublishedRow>>, Metadata) {
        let rows = vec![
            row("all", "All", 400.0, 1000.0),
            row("ethnic_group", "White", 340.0, 800.0),
            row("ethnic_group", "Black", 60.0, 200.0),
            row("local_authority", "Leicester", 300.0, 700.0),
            row("local_authority", "Rutland", 100.0, 300.0),
            row(
                "ethnic_group x local_authority",
                "Black x Leicester",
                55.0,
                150.0,
            ),
            row(
                "ethnic_group x local_authority",
                "White x Leicester",
                245.0,
                550.0,
            ),
            row(
                "ethnic_group x local_authority",
                "Black x Rutland",
                5.0,
                50.0,
            ),
        ];
        let mut metadata = Metadata {
            computed_at: "2026-04-01T09:00:00Z".into(),
            ..Metadata::default()
        };
        metadata.indicators.insert(
            "smi".into(),
            IndicatorInfo {
                id: "smi".into(),
                name: "SMI health checks".into(),
                unit: "%".into(),
                ..IndicatorInfo::default()
            },
        );
        let results = Results::new(
            std::path::PathBuf::new(),
            metadata.clone(),
            rows,
            Vec::new(),
            Vec::new(),
        );
        (results.published_by_indicator(), metadata)
    }

    #[test]
    fn race_for_the_ics_is_the_ethnic_groups_after_the_total() {
        let (p, m) = published();
        let race = Subject::Protected(ProtectedKey::Race);
        let got = results_figures(&p, &m, "v1", &[race], "");
        let groups: Vec<&str> = got[0].figures.iter().map(|f| f.group.as_str()).collect();
        assert_eq!(
            groups,
            ["Whole ICS", "Ethnic group: White", "Ethnic group: Black"]
        );
        let black = &got[0].figures[2];
        assert_eq!(black.key, "smi|2025/26|ethnic_group|Black");
        assert_eq!(black.value, "30.0%");
        assert_eq!(black.period, "2025/26");
        assert_eq!(black.data_date, "results v1, computed 1 April 2026");
        assert!(black.interval.contains(" to "), "{}", black.interval);
    }

    #[test]
    fn a_place_reads_its_own_pairs_and_small_counts_stay_withheld() {
        let (p, m) = published();
        assert_eq!(places(&p), ["Leicester", "Rutland"]);
        let race = Subject::Protected(ProtectedKey::Race);
        let got = results_figures(&p, &m, "v1", &[race], "Rutland");
        let f = &got[0].figures;
        assert_eq!(f[0].group, "All of Rutland");
        assert_eq!(f[1].group, "Ethnic group: Black");
        assert_eq!(f[1].value, "*", "5 of 50 is withheld in the published view");
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn a_group_equalis_holds_nothing_on_is_offered_nothing() {
        let (p, m) = published();
        let got = results_figures(
            &p,
            &m,
            "v1",
            &[
                Subject::Protected(ProtectedKey::ReligionOrBelief),
                Subject::Plus(PlusGroup::Deprivation),
            ],
            "",
        );
        assert!(got[0].breakdowns.is_empty() && got[0].figures.is_empty());
        assert_eq!(got[1].breakdowns, ["imd_quintile", "core20"]);
        assert!(got[1].figures.is_empty(), "no deprivation rows here");
    }
}

//! Engagement reach figures a measure of an equality objective may follow
//! (`FigureRef::Reach`): one group of a monitoring characteristic among the participants of
//! an engagement project, or of every project, as the who-is-heard view publishes it
//! ([`crate::engage::who_is_heard`]).
//!
//! **Series.** A reach figure has one value per financial year: who is heard among the
//! participants who *joined* in that year (a project's reach grows as people join; the year's
//! joiners say how far it reached that year, so years can be compared). For every project,
//! the participants of all projects are pooled (someone who joined two projects counts twice:
//! participations, as each project counts them); projects compared with different footprints
//! cannot be pooled into one ratio, so such a year has no value.
//!
//! **Disclosure.** The value is the published cell: a count of 1–7 or a ratio computed from
//! one is withheld (`*`) and is never a progress number, a count is rounded to 5, a ratio is
//! the published ratio to two decimal places (as the who-is-heard page shows it).

use std::collections::{BTreeMap, BTreeSet};

use equalis_assure::{FieldErrors, FigureRef, FinancialYear, ReachStatistic, SeriesPoint};
use equalis_disclosure::Cell;
use equalis_engage::MonitoringAnswers;
use equalis_engage::heard::WhoIsHeard;
use equalis_store::{Store, StoreError};

use crate::objectives::FigureChoice;

/// One engagement project's participants, by the year they joined.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachProject {
    /// Its id (as in `/engage/12`).
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The ICB whose residents it is compared with.
    pub footprint: String,
    /// Each participant: the financial year they joined and their monitoring answers.
    pub joins: Vec<(FinancialYear, Option<MonitoringAnswers>)>,
}

/// Every engagement project's participants: what reach figures are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReachRecords {
    /// The projects, by id.
    pub projects: Vec<ReachProject>,
}

/// The financial year (April to March, UK civil time is close enough to UTC for a year's
/// edge) of a moment.
pub fn year_of(at: jiff::Timestamp) -> FinancialYear {
    let d = jiff::tz::TimeZone::UTC.to_datetime(at).date();
    let y = u16::try_from(d.year()).unwrap_or(0);
    if d.month() >= 4 {
        FinancialYear::starting(y)
    } else {
        FinancialYear::starting(y.saturating_sub(1))
    }
}

/// Reads every project's participants from the store.
pub async fn load(store: &Store) -> Result<ReachRecords, StoreError> {
    let mut projects = Vec::new();
    for p in store.engage_projects().await? {
        let joins = store
            .participation(p.id)
            .await?
            .into_iter()
            .map(|(at, answers)| (year_of(at), answers))
            .collect();
        projects.push(ReachProject {
            id: p.id,
            title: p.project.title.clone(),
            footprint: p.project.footprint.clone(),
            joins,
        });
    }
    projects.sort_by_key(|p| p.id);
    Ok(ReachRecords { projects })
}

impl ReachRecords {
    fn chosen(&self, project: Option<i64>) -> Vec<&ReachProject> {
        self.projects
            .iter()
            .filter(|p| project.is_none_or(|id| p.id == id))
            .collect()
    }

    /// The years in which anyone joined the chosen projects, oldest first.
    fn years(&self, project: Option<i64>) -> Vec<FinancialYear> {
        let years: BTreeSet<FinancialYear> = self
            .chosen(project)
            .iter()
            .flat_map(|p| p.joins.iter().map(|(y, _)| *y))
            .collect();
        years.into_iter().collect()
    }

    /// Who is heard among those who joined the chosen projects in `year`; `None` when no one
    /// did, or when the projects are compared with different footprints.
    fn heard(&self, project: Option<i64>, year: FinancialYear) -> Option<WhoIsHeard> {
        let chosen = self.chosen(project);
        let mut footprints = BTreeSet::new();
        let mut participants = 0u64;
        let mut answers = Vec::new();
        for p in &chosen {
            for (y, a) in &p.joins {
                if *y == year {
                    footprints.insert(p.footprint.as_str());
                    participants += 1;
                    answers.extend(a.iter().cloned());
                }
            }
        }
        let [footprint] = footprints.into_iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        crate::engage::who_is_heard(footprint, participants, &answers).ok()
    }
}

/// The published value of one group's statistic in `heard`; `None` when the characteristic
/// or group is not there or the cell is withheld.
fn value_in(
    heard: &WhoIsHeard,
    statistic: ReachStatistic,
    characteristic: &str,
    group: &str,
) -> Option<f64> {
    let g = heard
        .characteristics
        .iter()
        .find(|c| c.key == characteristic)?
        .groups
        .iter()
        .find(|g| g.group == group)?;
    match statistic {
        ReachStatistic::Participants => match g.participants.get() {
            Cell::Count(n) => Some(*n as f64),
            _ => None,
        },
        ReachStatistic::Ratio => match g.ratio.get() {
            Cell::Value(v) | Cell::Percentage(v) if v.is_finite() => {
                Some(equalis_report::tables::round(*v, 2))
            }
            _ => None,
        },
    }
}

/// The series of a reach figure, one point per year in which anyone joined (a withheld or
/// uncomputable value is a point with no value); empty for other figures.
pub fn series(records: &ReachRecords, figure: &FigureRef) -> Vec<SeriesPoint> {
    let FigureRef::Reach {
        statistic,
        characteristic,
        group,
        project,
    } = figure
    else {
        return Vec::new();
    };
    records
        .years(*project)
        .into_iter()
        .map(|year| SeriesPoint {
            year,
            value: records
                .heard(*project, year)
                .and_then(|h| value_in(&h, *statistic, characteristic, group)),
        })
        .collect()
}

fn shown(v: Option<f64>, year: FinancialYear) -> String {
    match v {
        Some(v) => format!("{v} ({year})"),
        None => format!("* ({year})"),
    }
}

/// The reach figures offered to a measure: for every project and for each one, each group of
/// each characteristic that has a population to compare with (its participants and its
/// representation ratio), with the latest year's published value; those whose words contain
/// `filter` (any case).
pub fn choices(records: &ReachRecords, filter: &str) -> Vec<FigureChoice> {
    let needle = filter.trim().to_lowercase();
    let mut scopes: Vec<(Option<i64>, String)> = vec![(None, "every project".to_string())];
    scopes.extend(
        records
            .projects
            .iter()
            .map(|p| (Some(p.id), format!("project {}: {}", p.id, p.title))),
    );
    let mut out = Vec::new();
    for (project, scope) in scopes {
        let Some(year) = records.years(project).last().copied() else {
            continue;
        };
        let Some(heard) = records.heard(project, year) else {
            continue;
        };
        for c in heard.characteristics.iter().filter(|c| c.source.is_some()) {
            for g in &c.groups {
                for statistic in [ReachStatistic::Participants, ReachStatistic::Ratio] {
                    let what = match statistic {
                        ReachStatistic::Participants => "participants",
                        ReachStatistic::Ratio => "representation ratio",
                    };
                    let label = format!(
                        "Engagement reach, {scope}: {what} of {} {}",
                        c.label.to_lowercase(),
                        g.group
                    );
                    if !needle.is_empty()
                        && !format!("{label} {} engagement", c.key)
                            .to_lowercase()
                            .contains(&needle)
                    {
                        continue;
                    }
                    let figure = FigureRef::Reach {
                        statistic,
                        characteristic: c.key.clone(),
                        group: g.group.clone(),
                        project,
                    };
                    out.push(FigureChoice {
                        parts: figure.parts(),
                        label,
                        latest: shown(value_in(&heard, statistic, &c.key, &g.group), year),
                    });
                }
            }
        }
    }
    out
}

/// Checks that a reach reference names a figure the who-is-heard view publishes: the
/// project, then the characteristic, then the group, each refused by its field naming what
/// there is. Other kinds pass.
pub fn check(records: &ReachRecords, figure: &FigureRef) -> Result<(), FieldErrors> {
    let FigureRef::Reach {
        characteristic,
        group,
        project,
        ..
    } = figure
    else {
        return Ok(());
    };
    let mut errors = FieldErrors::new();
    if let Some(id) = project
        && !records.projects.iter().any(|p| p.id == *id)
    {
        let known: Vec<String> = records.projects.iter().map(|p| p.id.to_string()).collect();
        errors.push(
            "figure_reference",
            if known.is_empty() {
                format!("There is no engagement project {id}: there are no projects yet")
            } else {
                format!(
                    "There is no engagement project {id}: enter one of {}, or leave it empty for every project",
                    known.join(", ")
                )
            },
        );
        return Err(errors);
    }
    // What the view publishes for the scope: its characteristics with a population, and
    // their groups (the same in every year: the population's groups come first).
    let mut published: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for year in records.years(*project) {
        if let Some(h) = records.heard(*project, year) {
            for c in h.characteristics.iter().filter(|c| c.source.is_some()) {
                let groups = published.entry(c.key.clone()).or_default();
                for g in &c.groups {
                    if !groups.contains(&g.group) {
                        groups.push(g.group.clone());
                    }
                }
            }
        }
    }
    if published.is_empty() {
        errors.push(
            "figure_reference",
            "No one has joined an engagement project here yet, so there is no reach to follow",
        );
        return Err(errors);
    }
    let Some(groups) = published.get(characteristic.as_str()) else {
        errors.push(
            "figure_breakdown",
            format!(
                "Who is heard compares no characteristic `{characteristic}` with the population: enter one of {}",
                published.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
        return Err(errors);
    };
    if !groups.iter().any(|g| g == group) {
        errors.push(
            "figure_group",
            format!(
                "`{characteristic}` has no group `{group}`: enter one of {}",
                groups.join(", ")
            ),
        );
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth(e: &str) -> Option<MonitoringAnswers> {
        Some(MonitoringAnswers {
            ethnic_category: Some(e.into()),
            ..Default::default()
        })
    }

    /// Leicester's ICB (QK1) project with `n` joiners in 2024/25 and `m` in 2025/26, all of
    /// whom said their ethnic category is `cat`.
    fn records(cat: &str, n: usize, m: usize) -> ReachRecords {
        let mut joins = vec![(FinancialYear::starting(2024), eth(cat)); n];
        joins.extend(vec![(FinancialYear::starting(2025), eth(cat)); m]);
        joins.push((FinancialYear::starting(2025), None));
        ReachRecords {
            projects: vec![ReachProject {
                id: 3,
                title: "Pharmacy hours".into(),
                footprint: "QK1".into(),
                joins,
            }],
        }
    }

    /// The characteristic and group the view files the joiners' answers under.
    fn group_of(records: &ReachRecords) -> (String, String) {
        let h = records
            .heard(Some(3), FinancialYear::starting(2025))
            .unwrap();
        for c in &h.characteristics {
            for g in &c.groups {
                if matches!(g.participants.get(), Cell::Count(n) if *n > 0) {
                    return (c.key.clone(), g.group.clone());
                }
            }
        }
        panic!("no group with participants");
    }

    #[test]
    fn the_year_of_a_moment_runs_april_to_march() {
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(
            year_of(at("2026-03-31T23:00:00Z")),
            FinancialYear::starting(2025)
        );
        assert_eq!(
            year_of(at("2026-04-01T00:00:00Z")),
            FinancialYear::starting(2026)
        );
    }

    #[test]
    fn each_years_joiners_give_its_value_and_a_withheld_count_gives_none() {
        // 3 joiners in 2024/25 (withheld: 1-7), 22 in 2025/26 (rounded to 20).
        let r = records("A", 3, 22);
        let (c, g) = group_of(&r);
        let f = FigureRef::Reach {
            statistic: ReachStatistic::Participants,
            characteristic: c.clone(),
            group: g.clone(),
            project: Some(3),
        };
        let s = series(&r, &f);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].year, FinancialYear::starting(2024));
        assert_eq!(s[0].value, None, "a withheld count is never a number");
        assert_eq!(s[1].value, Some(20.0), "rounded to 5");
        // Every project: the same here (one project).
        let all = FigureRef::Reach {
            statistic: ReachStatistic::Participants,
            characteristic: c.clone(),
            group: g.clone(),
            project: None,
        };
        assert_eq!(series(&r, &all), s);
        // The ratio: the published one, from the rounded counts.
        let ratio = FigureRef::Reach {
            statistic: ReachStatistic::Ratio,
            characteristic: c,
            group: g,
            project: Some(3),
        };
        let s = series(&r, &ratio);
        assert_eq!(s[0].value, None, "a ratio of a withheld count is withheld");
        let v = s[1].value.expect("a ratio");
        assert!(v > 0.0 && (v * 100.0).fract().abs() < 1e-9, "{v}");
        // Other figures have no reach series.
        let pay = FigureRef::from_parts("pay_gap", "gender", "mean", "", "").unwrap();
        assert!(series(&r, &pay).is_empty());
    }

    #[test]
    fn projects_compared_with_different_footprints_are_not_pooled() {
        let mut r = records("A", 10, 10);
        let mut other = r.projects[0].clone();
        other.id = 4;
        other.footprint = "QE1".into();
        r.projects.push(other);
        let (c, g) = group_of(&r);
        let all = FigureRef::Reach {
            statistic: ReachStatistic::Participants,
            characteristic: c.clone(),
            group: g.clone(),
            project: None,
        };
        assert!(series(&r, &all).iter().all(|p| p.value.is_none()));
        let one = FigureRef::Reach {
            statistic: ReachStatistic::Participants,
            characteristic: c,
            group: g,
            project: Some(4),
        };
        assert_eq!(series(&r, &one)[1].value, Some(10.0));
    }

    #[test]
    fn choices_and_checks_name_what_is_published() {
        let r = records("A", 10, 22);
        let (c, g) = group_of(&r);
        let all = choices(&r, "");
        assert!(!all.is_empty());
        let chosen = all
            .iter()
            .find(|ch| ch.parts[2] == c && ch.parts[3] == g && ch.parts[4] == "3")
            .expect("the group is offered for the project");
        assert!(chosen.latest.ends_with("(2025/26)"), "{}", chosen.latest);
        let [k, n, b, gg, p] = &chosen.parts;
        let f = FigureRef::from_parts(k, n, b, gg, p).unwrap();
        assert!(check(&r, &f).is_ok());
        assert!(choices(&r, "no such words").is_empty());

        let f = |b: &str, g: &str, p: &str| {
            FigureRef::from_parts("engagement", "ratio", b, g, p).unwrap()
        };
        let e = check(&r, &f(&c, &g, "99")).unwrap_err();
        assert!(
            e.get("figure_reference")
                .unwrap()
                .contains("enter one of 3")
        );
        let e = check(&r, &f("shoe_size", &g, "")).unwrap_err();
        assert!(e.get("figure_breakdown").unwrap().contains(&c));
        let e = check(&r, &f(&c, "Martian", "3")).unwrap_err();
        assert!(
            e.get("figure_group")
                .unwrap()
                .contains("no group `Martian`")
        );
        let e = check(&ReachRecords::default(), &f(&c, &g, "")).unwrap_err();
        assert!(e.get("figure_reference").is_some());
    }
}

//! Selecting the records a report reads: the workforce on a snapshot date, entries into a
//! formal process over the two-year window, training in the year, and staff survey results.
//! Shared by WRES and WDES so both count people the same way.

use std::collections::HashSet;

use jiff::civil::Date;

use crate::records::{ErProcess, StaffRecord, SurveyGroup, Workforce};
use crate::scope::{in_window, window_start};
use crate::{Figure, Scope, WorkforceError};

/// Every staff record of the scope on the snapshot date, board non-executives and bank
/// staff included (callers filter with [`StaffRecord::in_workforce`]).
pub(crate) fn snapshot<'a>(data: &'a Workforce, scope: &Scope, date: Date) -> Vec<&'a StaffRecord> {
    data.snapshot(scope, date)
}

/// The workforce of the scope on the snapshot date (bank staff and voting non-executives out).
pub(crate) fn workforce<'a>(
    data: &'a Workforce,
    scope: &Scope,
    date: Date,
) -> Vec<&'a StaffRecord> {
    snapshot(data, scope, date)
        .into_iter()
        .filter(|s| s.in_workforce())
        .collect()
}

/// Distinct people entering a formal process, by year of the two-year window ending on the
/// snapshot date, matched to their staff record.
pub(crate) struct ProcessEntries<'a> {
    /// People entering in the earlier year `(S−2y, S−1y]`.
    pub year1: Vec<&'a StaffRecord>,
    /// People entering in the reporting year `(S−1y, S]`.
    pub year2: Vec<&'a StaffRecord>,
    /// Cases whose staff id matches no staff record of the organisation.
    pub unmatched_cases: u64,
    /// Start of the window (exclusive).
    pub window_start: Date,
}

pub(crate) fn process_entries<'a>(
    data: &'a Workforce,
    scope: &Scope,
    date: Date,
    process: ErProcess,
) -> Result<ProcessEntries<'a>, WorkforceError> {
    let one = window_start(date, 1)?;
    let two = window_start(date, 2)?;
    let mut seen1 = HashSet::new();
    let mut seen2 = HashSet::new();
    let mut out = ProcessEntries {
        year1: Vec::new(),
        year2: Vec::new(),
        unmatched_cases: 0,
        window_start: two,
    };
    let orgs = data.org_filter(scope);
    for (i, c) in data.er_cases.iter().enumerate() {
        if c.process != process
            || !in_window(c.start_date, two, date)
            || !orgs.includes(data.case_org(i))
        {
            continue;
        }
        let Some((person, rec)) = data
            .case_person(i)
            .and_then(|p| data.latest_record(p, date).map(|r| (p, r)))
        else {
            out.unmatched_cases += 1;
            continue;
        };
        if !rec.in_workforce() {
            continue;
        }
        // A person entering twice in one year is one person entering the process.
        if c.start_date > one {
            if seen2.insert(person) {
                out.year2.push(rec);
            }
        } else if seen1.insert(person) {
            out.year1.push(rec);
        }
    }
    Ok(out)
}

/// Distinct members of the snapshot workforce who accessed non-mandatory training or CPD
/// in the year `(S−1y, S]`, and the number of training records matching no member of it.
pub(crate) fn training_takers<'a>(
    data: &'a Workforce,
    scope: &Scope,
    date: Date,
) -> Result<(Vec<&'a StaffRecord>, u64), WorkforceError> {
    let start = window_start(date, 1)?;
    let mut seen = HashSet::new();
    let mut takers = Vec::new();
    let mut unmatched = 0;
    let orgs = data.org_filter(scope);
    for (i, t) in data.training.iter().enumerate() {
        if !in_window(t.date, start, date) || !orgs.includes(data.training_org(i)) {
            continue;
        }
        let current = data
            .training_person(i)
            .and_then(|p| data.latest_record(p, date).map(|r| (p, r)))
            .filter(|(_, r)| r.snapshot_date == date);
        match current {
            Some((person, rec)) => {
                // Bank staff are outside the workforce: their training counts for no one.
                if rec.in_workforce() && seen.insert(person) {
                    takers.push(rec);
                }
            }
            None => unmatched += 1,
        }
    }
    Ok((takers, unmatched))
}

/// Keys of the `staff_survey` `question` column that the WRES and WDES read. Matching
/// ignores case and any character that is not a letter or digit, so `WRES 5`, `wres_5`
/// and `wres5` are the same key. Survey item numbers (`q14a`) change between survey years,
/// so the calculations read indicator keys only; ingest maps items to keys.
pub mod survey_keys {
    /// WRES 5: harassment, bullying or abuse from patients, relatives or the public.
    pub const WRES5: &str = "wres5";
    /// WRES 6: harassment, bullying or abuse from staff.
    pub const WRES6: &str = "wres6";
    /// WRES 7: believing the organisation provides equal opportunities for career progression.
    pub const WRES7: &str = "wres7";
    /// WRES 8: discrimination at work from a manager, team leader or colleague.
    pub const WRES8: &str = "wres8";
    /// WDES 4a(i): harassment, bullying or abuse from patients, relatives or the public.
    pub const WDES4A_PUBLIC: &str = "wdes4a_public";
    /// WDES 4a(ii): harassment, bullying or abuse from managers.
    pub const WDES4A_MANAGERS: &str = "wdes4a_managers";
    /// WDES 4a(iii): harassment, bullying or abuse from other colleagues.
    pub const WDES4A_COLLEAGUES: &str = "wdes4a_colleagues";
    /// WDES 4b: the last incident was reported.
    pub const WDES4B: &str = "wdes4b";
    /// WDES 5: equal opportunities for career progression.
    pub const WDES5: &str = "wdes5";
    /// WDES 6: pressure from a manager to come to work when not well enough.
    pub const WDES6: &str = "wdes6";
    /// WDES 7: satisfied with the extent the organisation values their work.
    pub const WDES7: &str = "wdes7";
    /// WDES 8: employer has made adequate adjustments (Disabled staff only).
    pub const WDES8: &str = "wdes8";
}

fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One group's answer to one survey indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyFigure {
    /// The group.
    pub group: SurveyGroup,
    /// Respondents.
    pub respondents: u64,
    /// Respondents answering the indicator's way.
    pub positive: u64,
    /// `positive / respondents × 100`.
    pub pct: Figure,
}

/// Sums a survey indicator's counts for one group over the organisations of the scope (the
/// ICS figure pools respondents, it does not average percentages).
pub(crate) fn survey_figure(
    data: &Workforce,
    scope: &Scope,
    year: i16,
    key: &str,
    group: SurveyGroup,
) -> SurveyFigure {
    let want = normalise(key);
    let (mut respondents, mut positive) = (0u64, 0u64);
    for r in &data.survey {
        if r.year == year
            && r.group == group
            && scope.includes(&r.org_code)
            && normalise(&r.question) == want
        {
            respondents += r.respondents;
            positive += r.positive;
        }
    }
    SurveyFigure {
        group,
        respondents,
        positive,
        pct: Figure::percent(
            positive as f64,
            respondents as f64,
            "no staff survey respondents for this indicator and group",
        ),
    }
}

/// A survey indicator compared between two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyComparison {
    /// Indicator key (see [`survey_keys`]).
    pub question: &'static str,
    /// The NHS Staff Survey year read.
    pub survey_year: i16,
    /// The reference group: White (WRES) or non-disabled (WDES).
    pub reference: SurveyFigure,
    /// The comparison group: BME (WRES) or Disabled (WDES).
    pub comparison: SurveyFigure,
    /// `comparison.pct − reference.pct`, percentage points.
    pub difference_pp: Figure,
}

pub(crate) fn survey_comparison(
    data: &Workforce,
    scope: &Scope,
    year: i16,
    question: &'static str,
    reference: SurveyGroup,
    comparison: SurveyGroup,
) -> SurveyComparison {
    let r = survey_figure(data, scope, year, question, reference);
    let c = survey_figure(data, scope, year, question, comparison);
    SurveyComparison {
        question,
        survey_year: year,
        reference: r,
        comparison: c,
        difference_pp: c.pct.minus(r.pct),
    }
}

/// The staff survey year reported in a WRES or WDES with this snapshot date: the survey
/// runs in the autumn before the 31 March snapshot, so a 2024 return reads the 2023 survey.
pub fn survey_year_for(snapshot_date: Date) -> i16 {
    snapshot_date.year() - 1
}

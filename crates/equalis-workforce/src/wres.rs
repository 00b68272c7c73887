//! The Workforce Race Equality Standard: indicators 1 to 9.
//!
//! Conventions (NHS England WRES technical guidance):
//! - White is ethnic categories A–C, BME is D–S; Not stated (`Z`) and Not known (`99`) are
//!   "unknown": counted and shown in indicator 1 and 9, excluded from every relative likelihood.
//! - The workforce is the substantive workforce on the snapshot date: bank staff and voting
//!   non-executive directors (who are not employees) are out ([`StaffRecord::in_workforce`]).
//! - Indicators 2 and 4 read the 12 months ending on the snapshot date `(S−1y, S]`.
//! - **Indicator 3, two-year rolling average.** Entries are distinct people entering the
//!   formal disciplinary process (start date of the case) in each of the two years ending on
//!   the snapshot date, `(S−2y, S−1y]` and `(S−1y, S]`. The annual average is their sum
//!   divided by two; the rate is that average over the headcount on the current snapshot.
//!   People are matched to their latest staff record on or before the snapshot, so a leaver
//!   is counted when the earlier snapshot is supplied; cases matching no record are reported
//!   as unmatched and left out. Because both groups' averages are halved, the relative
//!   likelihood equals the ratio of the two-year entry rates.
//! - Indicators 5–8 read the NHS Staff Survey of the autumn before the snapshot
//!   ([`crate::survey_year_for`]).
//! - Relative likelihoods are shown against the 0.80–1.25 "no adverse impact" range.
//! - Indicators 1 and 9 read `staff` alone; 2 reads `recruitment`, 3 `employee_relations`, 4
//!   `training` and 5–8 `staff_survey`. An indicator whose dataset was not supplied is
//!   [`NotSupplied`] (it names the dataset to ingest); the others are computed regardless.

use equalis_vocab::{BoardMember, PayBand};
use jiff::civil::Date;

use crate::counts::{EthnicityCounts, EthnicityDifference};
use crate::records::{Dataset, ErProcess, NotSupplied, StaffRecord, SurveyGroup, Workforce};
use crate::scope::{in_window, window_start};
use crate::select::{self, SurveyComparison, survey_keys};
use crate::{GroupRate, RateComparison, Scope, WorkforceError};

/// The section of the indicator 1 table a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkforceSection {
    /// Non-clinical staff on AfC bands, VSM and other terms.
    NonClinical,
    /// Clinical staff on AfC bands, VSM and other terms.
    Clinical,
    /// Medical and dental staff (consultants, career grades, trainees), whatever the clinical flag.
    MedicalAndDental,
}

impl WorkforceSection {
    /// Every section, in table order.
    pub const ALL: [WorkforceSection; 3] = [
        WorkforceSection::NonClinical,
        WorkforceSection::Clinical,
        WorkforceSection::MedicalAndDental,
    ];

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            WorkforceSection::NonClinical => "Non-clinical",
            WorkforceSection::Clinical => "Clinical",
            WorkforceSection::MedicalAndDental => "Medical and dental",
        }
    }

    /// The section of a staff record.
    pub fn of(s: &StaffRecord) -> WorkforceSection {
        if s.pay_band.is_medical() {
            WorkforceSection::MedicalAndDental
        } else if s.clinical {
            WorkforceSection::Clinical
        } else {
            WorkforceSection::NonClinical
        }
    }

    /// The pay bands listed in this section, in table order: medical grades in their own
    /// section, AfC bands, VSM and other terms in the others.
    pub fn bands(self) -> Vec<PayBand> {
        PayBand::ALL
            .into_iter()
            .filter(|b| b.is_medical() == (self == WorkforceSection::MedicalAndDental))
            .collect()
    }
}

/// One row of the indicator 1 table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator1Row {
    /// Section.
    pub section: WorkforceSection,
    /// Pay band.
    pub band: PayBand,
    /// White / BME / unknown headcount and % of the row.
    pub counts: EthnicityCounts,
}

/// Indicator 1: staff in each band, clinical and non-clinical, and medical subgroups, by
/// ethnicity, against the overall workforce. Every band is listed, empty ones too, so the
/// layout matches the national template whatever the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator1 {
    /// Rows: non-clinical bands, clinical bands, medical grades.
    pub rows: Vec<Indicator1Row>,
    /// Section subtotals, in [`WorkforceSection::ALL`] order.
    pub sections: Vec<(WorkforceSection, EthnicityCounts)>,
    /// The overall workforce.
    pub overall: EthnicityCounts,
}

/// Indicator 2: relative likelihood of White applicants being appointed from shortlisting
/// compared with BME applicants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator2 {
    /// White shortlisted.
    pub white_shortlisted: u64,
    /// White appointed.
    pub white_appointed: u64,
    /// BME shortlisted.
    pub bme_shortlisted: u64,
    /// BME appointed.
    pub bme_appointed: u64,
    /// Unknown ethnicity shortlisted (excluded from the ratio).
    pub unknown_shortlisted: u64,
    /// Unknown ethnicity appointed (excluded from the ratio).
    pub unknown_appointed: u64,
    /// White rate / BME rate. Above 1 favours White applicants.
    pub comparison: RateComparison,
}

/// Indicator 3: relative likelihood of BME staff entering the formal disciplinary process
/// compared with White staff (two-year rolling average; see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator3 {
    /// Start of the two-year window (exclusive); the window ends on the snapshot date.
    pub window_start: Date,
    /// BME entering in the earlier and the reporting year.
    pub bme_entered: [u64; 2],
    /// White entering in the earlier and the reporting year.
    pub white_entered: [u64; 2],
    /// Unknown ethnicity entering in the earlier and the reporting year (excluded).
    pub unknown_entered: [u64; 2],
    /// Cases matching no staff record (excluded).
    pub unmatched_cases: u64,
    /// BME rate (annual average / headcount) over White rate. Above 1: BME staff more likely.
    pub comparison: RateComparison,
}

/// Indicator 4: relative likelihood of White staff accessing non-mandatory training and
/// CPD compared with BME staff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator4 {
    /// Unknown-ethnicity staff accessing (excluded).
    pub unknown_accessed: u64,
    /// Training records matching no member of the snapshot workforce (excluded).
    pub unmatched_records: u64,
    /// White rate / BME rate. Above 1 favours White staff.
    pub comparison: RateComparison,
}

/// Indicator 9: board voting membership against the overall workforce.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator9 {
    /// All voting members.
    pub voting: EthnicityCounts,
    /// Voting executive members.
    pub executive: EthnicityCounts,
    /// Voting non-executive members.
    pub non_executive: EthnicityCounts,
    /// Non-voting members (shown, not compared).
    pub non_voting: EthnicityCounts,
    /// The overall workforce.
    pub workforce: EthnicityCounts,
    /// Voting board % − workforce %.
    pub voting_difference: EthnicityDifference,
    /// Executive % − workforce %.
    pub executive_difference: EthnicityDifference,
    /// Non-executive % − workforce %.
    pub non_executive_difference: EthnicityDifference,
}

/// A WRES report for one scope and snapshot date.
#[derive(Debug, Clone, PartialEq)]
pub struct WresReport {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date (31 March for the annual return).
    pub snapshot_date: Date,
    /// Indicator 1.
    pub indicator1: Indicator1,
    /// Indicator 2 (`recruitment`).
    pub indicator2: Result<Indicator2, NotSupplied>,
    /// Indicator 3 (`employee_relations`).
    pub indicator3: Result<Indicator3, NotSupplied>,
    /// Indicator 4 (`training`).
    pub indicator4: Result<Indicator4, NotSupplied>,
    /// Indicator 5: harassment, bullying or abuse from patients, relatives or the public
    /// (`staff_survey`).
    pub indicator5: Result<SurveyComparison, NotSupplied>,
    /// Indicator 6: harassment, bullying or abuse from staff (`staff_survey`).
    pub indicator6: Result<SurveyComparison, NotSupplied>,
    /// Indicator 7: equal opportunities for career progression or promotion (`staff_survey`).
    pub indicator7: Result<SurveyComparison, NotSupplied>,
    /// Indicator 8: discrimination from a manager, team leader or colleague (`staff_survey`).
    pub indicator8: Result<SurveyComparison, NotSupplied>,
    /// Indicator 9.
    pub indicator9: Indicator9,
}

/// Computes the WRES for one scope and snapshot date.
pub fn wres(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
) -> Result<WresReport, WorkforceError> {
    wres_unchecked(data, scope, snapshot_date)
}

/// The WRES for every organisation and the ICS ([`crate::all_scopes`] order).
pub fn wres_all(data: &Workforce, snapshot_date: Date) -> Result<Vec<WresReport>, WorkforceError> {
    crate::all_scopes(data)
        .iter()
        .map(|s| wres_unchecked(data, s, snapshot_date))
        .collect()
}

pub(crate) fn wres_unchecked(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
) -> Result<WresReport, WorkforceError> {
    let snap = select::snapshot(data, scope, snapshot_date);
    let staff: Vec<&StaffRecord> = snap.iter().copied().filter(|s| s.in_workforce()).collect();
    let year = select::survey_year_for(snapshot_date);
    let survey = |q| {
        data.require(Dataset::StaffSurvey).map(|()| {
            select::survey_comparison(data, scope, year, q, SurveyGroup::White, SurveyGroup::Bme)
        })
    };
    Ok(WresReport {
        scope: scope.clone(),
        snapshot_date,
        indicator1: indicator1(&staff),
        indicator2: data.when_supplied(Dataset::Recruitment, || {
            indicator2(data, scope, snapshot_date)
        })?,
        indicator3: data.when_supplied(Dataset::EmployeeRelations, || {
            indicator3(data, scope, snapshot_date, &staff)
        })?,
        indicator4: data.when_supplied(Dataset::Training, || {
            indicator4(data, scope, snapshot_date, &staff)
        })?,
        indicator5: survey(survey_keys::WRES5),
        indicator6: survey(survey_keys::WRES6),
        indicator7: survey(survey_keys::WRES7),
        indicator8: survey(survey_keys::WRES8),
        indicator9: indicator9(&snap, &staff),
    })
}

fn indicator1(staff: &[&StaffRecord]) -> Indicator1 {
    // One pass: [section][band][white, BME, unknown].
    let mut counts = [[[0u64; 3]; PayBand::ALL.len()]; 3];
    for s in staff {
        let section = WorkforceSection::ALL
            .iter()
            .position(|x| *x == WorkforceSection::of(s))
            .unwrap_or(0);
        let band = PayBand::ALL
            .iter()
            .position(|b| *b == s.pay_band)
            .unwrap_or(0);
        counts[section][band][ethnicity_index(s)] += 1;
    }
    let mut rows = Vec::new();
    let mut sections = Vec::new();
    for (si, section) in WorkforceSection::ALL.into_iter().enumerate() {
        let mut total = [0u64; 3];
        for (bi, band) in PayBand::ALL.into_iter().enumerate() {
            let c = counts[si][bi];
            (0..3).for_each(|k| total[k] += c[k]);
            if section.bands().contains(&band) {
                rows.push(Indicator1Row {
                    section,
                    band,
                    counts: EthnicityCounts::from_counts(c[0], c[1], c[2]),
                });
            }
        }
        sections.push((
            section,
            EthnicityCounts::from_counts(total[0], total[1], total[2]),
        ));
    }
    Indicator1 {
        rows,
        sections,
        overall: EthnicityCounts::from_categories(staff.iter().map(|s| s.ethnic_category)),
    }
}

fn ethnicity_index(s: &StaffRecord) -> usize {
    match s.ethnic_category.is_bme() {
        Some(false) => 0,
        Some(true) => 1,
        None => 2,
    }
}

fn indicator2(data: &Workforce, scope: &Scope, date: Date) -> Result<Indicator2, WorkforceError> {
    let start = window_start(date, 1)?;
    // [white, bme, unknown] × [shortlisted, appointed]
    let mut c = [[0u64; 2]; 3];
    let orgs = data.org_filter(scope);
    for (i, a) in data.applications.iter().enumerate() {
        if !a.shortlisted
            || !in_window(a.decision_date, start, date)
            || !orgs.includes(data.application_org(i))
        {
            continue;
        }
        let g = match a.ethnic_category.is_bme() {
            Some(false) => 0,
            Some(true) => 1,
            None => 2,
        };
        c[g][0] += 1;
        c[g][1] += u64::from(a.appointed);
    }
    let white = GroupRate::new(
        "White",
        c[0][1] as f64,
        c[0][0],
        "no White applicants shortlisted",
    );
    let bme = GroupRate::new(
        "BME",
        c[1][1] as f64,
        c[1][0],
        "no BME applicants shortlisted",
    );
    Ok(Indicator2 {
        white_shortlisted: c[0][0],
        white_appointed: c[0][1],
        bme_shortlisted: c[1][0],
        bme_appointed: c[1][1],
        unknown_shortlisted: c[2][0],
        unknown_appointed: c[2][1],
        comparison: RateComparison::new(
            white,
            bme,
            "no BME applicants appointed from shortlisting",
        ),
    })
}

fn split3(records: &[&StaffRecord]) -> [u64; 3] {
    let mut out = [0u64; 3];
    for r in records {
        out[ethnicity_index(r)] += 1;
    }
    out
}

fn indicator3(
    data: &Workforce,
    scope: &Scope,
    date: Date,
    staff: &[&StaffRecord],
) -> Result<Indicator3, WorkforceError> {
    let e = select::process_entries(data, scope, date, ErProcess::Disciplinary)?;
    let y1 = split3(&e.year1);
    let y2 = split3(&e.year2);
    let head = split3(staff);
    let bme = GroupRate::new(
        "BME",
        (y1[1] + y2[1]) as f64 / 2.0,
        head[1],
        "no BME staff in the workforce",
    );
    let white = GroupRate::new(
        "White",
        (y1[0] + y2[0]) as f64 / 2.0,
        head[0],
        "no White staff in the workforce",
    );
    Ok(Indicator3 {
        window_start: e.window_start,
        bme_entered: [y1[1], y2[1]],
        white_entered: [y1[0], y2[0]],
        unknown_entered: [y1[2], y2[2]],
        unmatched_cases: e.unmatched_cases,
        comparison: RateComparison::new(
            bme,
            white,
            "no White staff entered the formal disciplinary process",
        ),
    })
}

fn indicator4(
    data: &Workforce,
    scope: &Scope,
    date: Date,
    staff: &[&StaffRecord],
) -> Result<Indicator4, WorkforceError> {
    let (takers, unmatched) = select::training_takers(data, scope, date)?;
    let t = split3(&takers);
    let head = split3(staff);
    let white = GroupRate::new(
        "White",
        t[0] as f64,
        head[0],
        "no White staff in the workforce",
    );
    let bme = GroupRate::new("BME", t[1] as f64, head[1], "no BME staff in the workforce");
    Ok(Indicator4 {
        unknown_accessed: t[2],
        unmatched_records: unmatched,
        comparison: RateComparison::new(
            white,
            bme,
            "no BME staff accessed non-mandatory training or CPD",
        ),
    })
}

fn board_counts(
    snap: &[&StaffRecord],
    pick: impl Fn(Option<BoardMember>) -> bool,
) -> EthnicityCounts {
    EthnicityCounts::from_categories(
        snap.iter()
            .filter(|s| pick(s.board_member))
            .map(|s| s.ethnic_category),
    )
}

fn indicator9(snap: &[&StaffRecord], staff: &[&StaffRecord]) -> Indicator9 {
    use BoardMember::*;
    let voting = board_counts(snap, |b| matches!(b, Some(VotingExec | VotingNonExec)));
    let executive = board_counts(snap, |b| b == Some(VotingExec));
    let non_executive = board_counts(snap, |b| b == Some(VotingNonExec));
    let non_voting = board_counts(snap, |b| b == Some(NonVoting));
    let workforce = EthnicityCounts::from_categories(staff.iter().map(|s| s.ethnic_category));
    Indicator9 {
        voting_difference: EthnicityDifference::between(&voting, &workforce),
        executive_difference: EthnicityDifference::between(&executive, &workforce),
        non_executive_difference: EthnicityDifference::between(&non_executive, &workforce),
        voting,
        executive,
        non_executive,
        non_voting,
        workforce,
    }
}

//! The Workforce Disability Equality Standard: metrics 1 to 10, 2023 definitions.
//!
//! Conventions (NHS England WDES 2023 technical guidance):
//! - Bank staff are excluded and VSM is defined as in the WRES (band `VSM`, including
//!   executive board members); voting non-executives are not in the workforce.
//! - Metric 1 is reported by pay band cluster (1–4 AfC/VSM, 5–7 medical), non-clinical
//!   and clinical; staff on other terms form their own row.
//! - Unknown disability status (`U`) is excluded from every relative likelihood.
//! - Metric 3 uses the same two-year rolling average convention as WRES indicator 3
//!   (see [`crate::wres`]), for entries into the formal capability process on grounds of
//!   performance (`ErProcess::Capability`).
//! - Declaration rates sit beside every metric: ESR-based rates (declared Disabled or
//!   non-disabled as % of the group) for metrics 1–3 and 10, and for the survey metrics
//!   both the ESR workforce rate and the share of survey respondents who are Disabled,
//!   because the two differ widely (about 3% against 18% nationally).
//! - Metrics 1 and 10 read `staff` alone; 2 reads `recruitment`, 3 `employee_relations`, 4–8
//!   `staff_survey`. A metric whose dataset was not supplied is [`NotSupplied`] (it names the
//!   dataset to ingest); the others are computed regardless.
//! - Metric 9a (engagement score, 0–10) is not derivable from the `staff_survey` contract,
//!   which carries counts, not scores; 9b is narrative. Both are reported as undefined with
//!   that reason rather than left out, so the return shows every metric.

use equalis_vocab::{BoardMember, Disability, PayBandCluster};
use jiff::civil::Date;

use crate::counts::{DisabilityCounts, DisabilityDifference};
use crate::records::{Dataset, ErProcess, NotSupplied, StaffRecord, SurveyGroup, Workforce};
use crate::scope::{in_window, window_start};
use crate::select::{self, SurveyComparison, SurveyFigure, survey_keys};
use crate::wres::WorkforceSection;
use crate::{Figure, GroupRate, RateComparison, Scope, WorkforceError};

/// A row of metric 1: a cluster (or staff on other terms) within a section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric1Row {
    /// Section.
    pub section: WorkforceSection,
    /// Cluster; `None` for staff on other terms (band `other`).
    pub cluster: Option<PayBandCluster>,
    /// Disabled / non-disabled / unknown headcount, % and declaration rate.
    pub counts: DisabilityCounts,
}

/// Metric 1: staff by cluster and disability, against the overall workforce.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric1 {
    /// Non-clinical clusters 1–4 and other, clinical clusters 1–4 and other, medical 5–7.
    pub rows: Vec<Metric1Row>,
    /// The overall workforce.
    pub overall: DisabilityCounts,
}

/// Metric 2: relative likelihood of non-disabled applicants being appointed from
/// shortlisting compared with Disabled applicants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric2 {
    /// Shortlisted applicants by disability, with the declaration rate among them.
    pub shortlisted: DisabilityCounts,
    /// Appointed applicants by disability.
    pub appointed: DisabilityCounts,
    /// Non-disabled rate / Disabled rate. Above 1 favours non-disabled applicants.
    pub comparison: RateComparison,
}

/// Metric 3: relative likelihood of Disabled staff entering the formal capability process
/// compared with non-disabled staff (two-year rolling average).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric3 {
    /// Start of the two-year window (exclusive).
    pub window_start: Date,
    /// Disabled entering in the earlier and the reporting year.
    pub disabled_entered: [u64; 2],
    /// Non-disabled entering in the earlier and the reporting year.
    pub non_disabled_entered: [u64; 2],
    /// Unknown status entering (excluded).
    pub unknown_entered: [u64; 2],
    /// Cases matching no staff record (excluded).
    pub unmatched_cases: u64,
    /// Workforce declaration rate (%).
    pub declaration_rate_pct: Figure,
    /// Disabled rate / non-disabled rate. Above 1: Disabled staff more likely.
    pub comparison: RateComparison,
}

/// A survey metric with the two declaration rates beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyMetric {
    /// Disabled (comparison) against non-disabled (reference).
    pub figures: SurveyComparison,
    /// Workforce (ESR) declaration rate, %.
    pub workforce_declaration_rate_pct: Figure,
    /// Disabled respondents as % of respondents in either group.
    pub survey_disabled_pct: Figure,
}

/// Metric 10: board voting membership against the overall workforce, by disability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric10 {
    /// All voting members.
    pub voting: DisabilityCounts,
    /// Voting executive members.
    pub executive: DisabilityCounts,
    /// Voting non-executive members.
    pub non_executive: DisabilityCounts,
    /// Non-voting members.
    pub non_voting: DisabilityCounts,
    /// The overall workforce.
    pub workforce: DisabilityCounts,
    /// Voting % − workforce %.
    pub voting_difference: DisabilityDifference,
    /// Executive % − workforce %.
    pub executive_difference: DisabilityDifference,
    /// Non-executive % − workforce %.
    pub non_executive_difference: DisabilityDifference,
}

/// A WDES report for one scope and snapshot date.
#[derive(Debug, Clone, PartialEq)]
pub struct WdesReport {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date.
    pub snapshot_date: Date,
    /// Metric 1.
    pub metric1: Metric1,
    /// Metric 2 (`recruitment`).
    pub metric2: Result<Metric2, NotSupplied>,
    /// Metric 3 (`employee_relations`).
    pub metric3: Result<Metric3, NotSupplied>,
    /// Metric 4a(i): harassment, bullying or abuse from patients, relatives or the public
    /// (`staff_survey`, as are metrics 4 to 8).
    pub metric4a_public: Result<SurveyMetric, NotSupplied>,
    /// Metric 4a(ii): from managers.
    pub metric4a_managers: Result<SurveyMetric, NotSupplied>,
    /// Metric 4a(iii): from other colleagues.
    pub metric4a_colleagues: Result<SurveyMetric, NotSupplied>,
    /// Metric 4b: the last incident was reported.
    pub metric4b: Result<SurveyMetric, NotSupplied>,
    /// Metric 5: equal opportunities for career progression.
    pub metric5: Result<SurveyMetric, NotSupplied>,
    /// Metric 6: pressure to come to work when not well enough.
    pub metric6: Result<SurveyMetric, NotSupplied>,
    /// Metric 7: satisfied with the extent the organisation values their work.
    pub metric7: Result<SurveyMetric, NotSupplied>,
    /// Metric 8: adequate adjustments (Disabled staff only).
    pub metric8: Result<SurveyFigure, NotSupplied>,
    /// Metric 8's declaration rate beside it.
    pub metric8_workforce_declaration_rate_pct: Figure,
    /// Metric 9a: staff engagement score.
    pub metric9a: Figure,
    /// Metric 9b: action to facilitate the voices of Disabled staff (narrative).
    pub metric9b: Figure,
    /// Metric 10.
    pub metric10: Metric10,
}

/// Computes the WDES for one scope and snapshot date.
pub fn wdes(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
) -> Result<WdesReport, WorkforceError> {
    wdes_unchecked(data, scope, snapshot_date)
}

/// The WDES for every organisation and the ICS ([`crate::all_scopes`] order).
pub fn wdes_all(data: &Workforce, snapshot_date: Date) -> Result<Vec<WdesReport>, WorkforceError> {
    crate::all_scopes(data)
        .iter()
        .map(|s| wdes_unchecked(data, s, snapshot_date))
        .collect()
}

pub(crate) fn wdes_unchecked(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
) -> Result<WdesReport, WorkforceError> {
    let snap = select::snapshot(data, scope, snapshot_date);
    let staff: Vec<&StaffRecord> = snap.iter().copied().filter(|s| s.in_workforce()).collect();
    let metric1 = metric1(&staff);
    let rate = metric1.overall.declaration_rate_pct;
    let year = select::survey_year_for(snapshot_date);
    let survey = |q| -> Result<SurveyMetric, NotSupplied> {
        data.require(Dataset::StaffSurvey)?;
        let figures = select::survey_comparison(
            data,
            scope,
            year,
            q,
            SurveyGroup::NonDisabled,
            SurveyGroup::Disabled,
        );
        Ok(SurveyMetric {
            survey_disabled_pct: Figure::percent(
                figures.comparison.respondents as f64,
                (figures.comparison.respondents + figures.reference.respondents) as f64,
                "no staff survey respondents for this indicator",
            ),
            figures,
            workforce_declaration_rate_pct: rate,
        })
    };
    const NOT_IN_CONTRACT: &str =
        "engagement scores are not in the staff_survey data contract, which carries counts";
    Ok(WdesReport {
        scope: scope.clone(),
        snapshot_date,
        metric2: data
            .when_supplied(Dataset::Recruitment, || metric2(data, scope, snapshot_date))?,
        metric3: data.when_supplied(Dataset::EmployeeRelations, || {
            metric3(data, scope, snapshot_date, &staff, rate)
        })?,
        metric4a_public: survey(survey_keys::WDES4A_PUBLIC),
        metric4a_managers: survey(survey_keys::WDES4A_MANAGERS),
        metric4a_colleagues: survey(survey_keys::WDES4A_COLLEAGUES),
        metric4b: survey(survey_keys::WDES4B),
        metric5: survey(survey_keys::WDES5),
        metric6: survey(survey_keys::WDES6),
        metric7: survey(survey_keys::WDES7),
        metric8: data.require(Dataset::StaffSurvey).map(|()| {
            select::survey_figure(data, scope, year, survey_keys::WDES8, SurveyGroup::Disabled)
        }),
        metric8_workforce_declaration_rate_pct: rate,
        metric9a: Figure::Undefined {
            reason: NOT_IN_CONTRACT,
        },
        metric9b: Figure::Undefined {
            reason: "narrative metric: the organisation states its action in words",
        },
        metric10: metric10(&snap, &staff),
        metric1,
    })
}

fn metric1(staff: &[&StaffRecord]) -> Metric1 {
    let mut rows = Vec::new();
    for section in WorkforceSection::ALL {
        let clusters: Vec<Option<PayBandCluster>> = match section {
            WorkforceSection::MedicalAndDental => vec![
                Some(PayBandCluster::Cluster5),
                Some(PayBandCluster::Cluster6),
                Some(PayBandCluster::Cluster7),
            ],
            _ => vec![
                Some(PayBandCluster::Cluster1),
                Some(PayBandCluster::Cluster2),
                Some(PayBandCluster::Cluster3),
                Some(PayBandCluster::Cluster4),
                None,
            ],
        };
        for cluster in clusters {
            rows.push(Metric1Row {
                section,
                cluster,
                counts: DisabilityCounts::from_declarations(
                    staff
                        .iter()
                        .filter(|s| {
                            WorkforceSection::of(s) == section && s.pay_band.cluster() == cluster
                        })
                        .map(|s| s.disability),
                ),
            });
        }
    }
    Metric1 {
        rows,
        overall: DisabilityCounts::from_declarations(staff.iter().map(|s| s.disability)),
    }
}

fn metric2(data: &Workforce, scope: &Scope, date: Date) -> Result<Metric2, WorkforceError> {
    let start = window_start(date, 1)?;
    let mut shortlisted = Vec::new();
    let mut appointed = Vec::new();
    let orgs = data.org_filter(scope);
    for (i, a) in data.applications.iter().enumerate() {
        if a.shortlisted
            && in_window(a.decision_date, start, date)
            && orgs.includes(data.application_org(i))
        {
            shortlisted.push(a.disability);
            if a.appointed {
                appointed.push(a.disability);
            }
        }
    }
    let s = DisabilityCounts::from_declarations(shortlisted);
    let a = DisabilityCounts::from_declarations(appointed);
    let non = GroupRate::new(
        "Non-disabled",
        a.non_disabled as f64,
        s.non_disabled,
        "no non-disabled applicants shortlisted",
    );
    let dis = GroupRate::new(
        "Disabled",
        a.disabled as f64,
        s.disabled,
        "no Disabled applicants shortlisted",
    );
    Ok(Metric2 {
        shortlisted: s,
        appointed: a,
        comparison: RateComparison::new(
            non,
            dis,
            "no Disabled applicants appointed from shortlisting",
        ),
    })
}

fn split3(records: &[&StaffRecord]) -> [u64; 3] {
    let mut out = [0u64; 3];
    for r in records {
        out[match r.disability {
            Disability::Disabled => 0,
            Disability::NotDisabled => 1,
            Disability::Unknown => 2,
        }] += 1;
    }
    out
}

fn metric3(
    data: &Workforce,
    scope: &Scope,
    date: Date,
    staff: &[&StaffRecord],
    declaration_rate_pct: Figure,
) -> Result<Metric3, WorkforceError> {
    let e = select::process_entries(data, scope, date, ErProcess::Capability)?;
    let y1 = split3(&e.year1);
    let y2 = split3(&e.year2);
    let head = split3(staff);
    let dis = GroupRate::new(
        "Disabled",
        (y1[0] + y2[0]) as f64 / 2.0,
        head[0],
        "no Disabled staff in the workforce",
    );
    let non = GroupRate::new(
        "Non-disabled",
        (y1[1] + y2[1]) as f64 / 2.0,
        head[1],
        "no non-disabled staff in the workforce",
    );
    Ok(Metric3 {
        window_start: e.window_start,
        disabled_entered: [y1[0], y2[0]],
        non_disabled_entered: [y1[1], y2[1]],
        unknown_entered: [y1[2], y2[2]],
        unmatched_cases: e.unmatched_cases,
        declaration_rate_pct,
        comparison: RateComparison::new(
            dis,
            non,
            "no non-disabled staff entered the formal capability process",
        ),
    })
}

fn board_counts(
    snap: &[&StaffRecord],
    pick: impl Fn(Option<BoardMember>) -> bool,
) -> DisabilityCounts {
    DisabilityCounts::from_declarations(
        snap.iter()
            .filter(|s| pick(s.board_member))
            .map(|s| s.disability),
    )
}

fn metric10(snap: &[&StaffRecord], staff: &[&StaffRecord]) -> Metric10 {
    use BoardMember::*;
    let voting = board_counts(snap, |b| matches!(b, Some(VotingExec | VotingNonExec)));
    let executive = board_counts(snap, |b| b == Some(VotingExec));
    let non_executive = board_counts(snap, |b| b == Some(VotingNonExec));
    let non_voting = board_counts(snap, |b| b == Some(NonVoting));
    let workforce = DisabilityCounts::from_declarations(staff.iter().map(|s| s.disability));
    Metric10 {
        voting_difference: DisabilityDifference::between(&voting, &workforce),
        executive_difference: DisabilityDifference::between(&executive, &workforce),
        non_executive_difference: DisabilityDifference::between(&non_executive, &workforce),
        voting,
        executive,
        non_executive,
        non_voting,
        workforce,
    }
}

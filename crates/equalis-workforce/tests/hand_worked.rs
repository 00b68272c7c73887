//! Hand-worked examples: one per indicator, metric and measure, with the arithmetic in the
//! comments, so a reviewer can check each expected figure with a pencil. Includes the edge
//! cases the guidance leaves to the analyst: ties across quartile boundaries, an
//! organisation with no bonuses, all-unknown ethnicity and no BME applicants shortlisted.

use equalis_vocab::{BoardMember, Census2021Group, Disability, EthnicCategory, Flag, PayBand, Sex};
use equalis_workforce::dashboard::{
    self, ClusterKey, SeriesMeasure, edi_success_metrics, parity_targets, quarterly_dashboard,
    representativeness,
};
use equalis_workforce::pay_gap::{
    self, EthnicityPayGroup, PayGapOptions, QuartileBand, disability_pay_gap, ethnicity_pay_gap,
    gender_pay_gap,
};
use equalis_workforce::wdes::wdes;
use equalis_workforce::wres::{WorkforceSection, wres, wres_all};
use equalis_workforce::{
    Application, ErCase, ErProcess, Figure, ImpactAssessment, LocalPopulation, Scope, StaffRecord,
    SurveyGroup, SurveyResult, TrainingRecord, Workforce, WorkforceData, WorkforceError,
    all_scopes, year_on_year,
};
use jiff::civil::Date;

const SNAP: Date = Date::constant(2025, 3, 31);

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::constant(y, m, day)
}

fn wf(data: WorkforceData) -> Workforce {
    Workforce::new(data).expect("valid test data")
}

#[track_caller]
fn close(f: Figure, expected: f64) {
    let v = f
        .value()
        .unwrap_or_else(|| panic!("expected {expected}, got {f:?}"));
    assert!((v - expected).abs() < 1e-9, "expected {expected}, got {v}");
}

#[track_caller]
fn undefined(f: Figure, reason: &str) {
    assert_eq!(
        f.reason(),
        Some(reason),
        "expected undefined ({reason}), got {f:?}"
    );
}

fn person(id: &str, org: &str, band: PayBand, eth: EthnicCategory) -> StaffRecord {
    StaffRecord::new(
        id,
        org,
        SNAP,
        band,
        eth,
        Disability::NotDisabled,
        Sex::Female,
    )
}

fn org(code: &str) -> Scope {
    Scope::Organisation(code.to_string())
}

fn app(
    org: &str,
    eth: EthnicCategory,
    shortlisted: bool,
    appointed: bool,
    date: Date,
) -> Application {
    Application {
        application_id: format!("{org}-{eth:?}-{shortlisted}-{appointed}-{date}"),
        org_code: org.into(),
        vacancy_id: "V1".into(),
        ethnic_category: eth,
        disability: Disability::NotDisabled,
        sex: Sex::Female,
        shortlisted,
        appointed,
        decision_date: date,
    }
}

fn apps(
    n: usize,
    org: &str,
    eth: EthnicCategory,
    shortlisted: bool,
    appointed: bool,
) -> Vec<Application> {
    (0..n)
        .map(|i| {
            let mut a = app(org, eth, shortlisted, appointed, d(2024, 10, 1));
            a.application_id = format!("{}-{i}", a.application_id);
            a
        })
        .collect()
}

// ---------------------------------------------------------------- WRES

#[test]
fn wres_indicator1_counts_by_section_and_band() {
    use EthnicCategory::*;
    let mut staff = vec![
        person("n1", "RA1", PayBand::Band2, A),
        person("n2", "RA1", PayBand::Band2, A),
        person("n3", "RA1", PayBand::Band2, H),
    ];
    for (id, eth) in [("c1", A), ("c2", N), ("c3", N), ("c4", Z)] {
        let mut s = person(id, "RA1", PayBand::Band5, eth);
        s.clinical = true;
        staff.push(s);
    }
    // A consultant flagged non-clinical still belongs to the medical and dental section.
    staff.push(person("m1", "RA1", PayBand::Consultant, C));
    staff.push(person("m2", "RA1", PayBand::Consultant, NotKnown));
    // Bank staff and voting non-executives are not in the workforce.
    let mut bank = person("b1", "RA1", PayBand::Band5, A);
    bank.clinical = true;
    bank.bank = Flag::Yes;
    staff.push(bank);
    let mut ned = person("ned", "RA1", PayBand::Vsm, A);
    ned.board_member = Some(BoardMember::VotingNonExec);
    staff.push(ned);
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let r = wres(&data, &org("RA1"), SNAP).unwrap();
    let i1 = &r.indicator1;
    // 14 non-medical bands (1-7, 8a-8d, 9, VSM, other) twice, and 3 medical grades.
    assert_eq!(i1.rows.len(), 14 + 14 + 3);
    let row = |section, band| {
        i1.rows
            .iter()
            .find(|r| r.section == section && r.band == band)
            .unwrap()
            .counts
    };
    // Non-clinical band 2: White 2, BME 1 of 3 → BME 1/3 = 33.33%.
    let nc2 = row(WorkforceSection::NonClinical, PayBand::Band2);
    assert_eq!((nc2.white, nc2.bme, nc2.unknown), (2, 1, 0));
    close(nc2.bme_pct, 100.0 / 3.0);
    // Clinical band 5: A, N, N, Z → White 1, BME 2, unknown 1 of 4 (the bank nurse is out):
    // BME 50%, unknown 25%, BME of known 2/3.
    let c5 = row(WorkforceSection::Clinical, PayBand::Band5);
    assert_eq!((c5.white, c5.bme, c5.unknown), (1, 2, 1));
    close(c5.bme_pct, 50.0);
    close(c5.unknown_pct, 25.0);
    close(c5.bme_pct_of_known, 200.0 / 3.0);
    // Consultants: C and 99 → White 1, unknown 1: 50% / 50%.
    let con = row(WorkforceSection::MedicalAndDental, PayBand::Consultant);
    assert_eq!((con.white, con.bme, con.unknown), (1, 0, 1));
    close(con.white_pct, 50.0);
    // Empty rows are listed, with undefined percentages.
    let empty = row(WorkforceSection::NonClinical, PayBand::Band9);
    assert_eq!(empty.total, 0);
    undefined(empty.bme_pct, "no staff in this group");
    // Overall: White 4, BME 3, unknown 2 of 9; the VSM non-executive is not counted.
    assert_eq!(
        (i1.overall.white, i1.overall.bme, i1.overall.unknown),
        (4, 3, 2)
    );
    close(i1.overall.bme_pct, 100.0 / 3.0);
    close(i1.overall.declaration_rate_pct, 700.0 / 9.0);
    let sections: Vec<u64> = i1.sections.iter().map(|(_, c)| c.total).collect();
    assert_eq!(sections, [3, 4, 2]);
}

#[test]
fn wres_indicator2_relative_likelihood_of_appointment() {
    use EthnicCategory::*;
    let mut a = Vec::new();
    // White: 10 shortlisted of whom 3 appointed; 5 not shortlisted (not counted).
    a.extend(apps(3, "RA1", A, true, true));
    a.extend(apps(7, "RA1", B, true, false));
    a.extend(apps(5, "RA1", A, false, false));
    // BME: 8 shortlisted of whom 1 appointed.
    a.extend(apps(1, "RA1", H, true, true));
    a.extend(apps(7, "RA1", M, true, false));
    // Unknown: excluded from the ratio but counted.
    a.extend(apps(1, "RA1", Z, true, true));
    a.extend(apps(1, "RA1", NotKnown, true, false));
    // Decided on 31 March 2024: the previous reporting year, not counted.
    a.push(app("RA1", A, true, true, d(2024, 3, 31)));
    // Decided on 1 April 2024: the first day of this year, counted (as White appointed).
    a.push(app("RA1", A, true, true, d(2024, 4, 1)));
    let data = wf(WorkforceData {
        applications: a,
        ..Default::default()
    });
    let i2 = wres(&data, &org("RA1"), SNAP).unwrap().indicator2.unwrap();
    assert_eq!((i2.white_shortlisted, i2.white_appointed), (11, 4));
    assert_eq!((i2.bme_shortlisted, i2.bme_appointed), (8, 1));
    assert_eq!((i2.unknown_shortlisted, i2.unknown_appointed), (2, 1));
    // White rate 4/11 = 0.363636…, BME rate 1/8 = 0.125; RL = 0.363636 / 0.125 = 32/11 = 2.909.
    close(i2.comparison.numerator.rate, 4.0 / 11.0);
    close(i2.comparison.denominator.rate, 0.125);
    close(i2.comparison.relative_likelihood.value, 32.0 / 11.0);
    assert_eq!(
        i2.comparison.relative_likelihood.assessment,
        Some(ImpactAssessment::AboveRange)
    );
}

#[test]
fn wres_indicator2_no_bme_shortlisted_is_undefined_with_a_reason() {
    use EthnicCategory::*;
    let mut a = apps(2, "RA1", A, true, true);
    a.extend(apps(2, "RA1", A, true, false));
    // BME applicants applied but none was shortlisted.
    a.extend(apps(6, "RA1", N, false, false));
    let data = wf(WorkforceData {
        applications: a,
        ..Default::default()
    });
    let i2 = wres(&data, &org("RA1"), SNAP).unwrap().indicator2.unwrap();
    assert_eq!(i2.bme_shortlisted, 0);
    undefined(
        i2.comparison.denominator.rate,
        "no BME applicants shortlisted",
    );
    undefined(
        i2.comparison.relative_likelihood.value,
        "no BME applicants shortlisted",
    );
    assert_eq!(i2.comparison.relative_likelihood.assessment, None);

    // Shortlisted but none appointed: the BME rate is 0, so the ratio is undefined.
    let mut a = apps(2, "RA1", A, true, true);
    a.extend(apps(3, "RA1", N, true, false));
    let data = wf(WorkforceData {
        applications: a,
        ..Default::default()
    });
    let i2 = wres(&data, &org("RA1"), SNAP).unwrap().indicator2.unwrap();
    close(i2.comparison.denominator.rate, 0.0);
    undefined(
        i2.comparison.relative_likelihood.value,
        "no BME applicants appointed from shortlisting",
    );
}

/// 20 White and 10 BME staff in RA1 on the snapshot, and a leaver `L1` (BME) who was in the
/// 2024 snapshot only.
fn indicator3_and_4_data() -> WorkforceData {
    let mut staff = Vec::new();
    for i in 1..=20 {
        staff.push(person(
            &format!("w{i}"),
            "RA1",
            PayBand::Band5,
            EthnicCategory::A,
        ));
    }
    for i in 1..=10 {
        staff.push(person(
            &format!("b{i}"),
            "RA1",
            PayBand::Band5,
            EthnicCategory::H,
        ));
    }
    let mut leaver = person("L1", "RA1", PayBand::Band5, EthnicCategory::M);
    leaver.snapshot_date = d(2024, 3, 31);
    staff.push(leaver);
    let case = |id: &str, staff: &str, process, date| ErCase {
        case_id: id.into(),
        staff_id: staff.into(),
        org_code: "RA1".into(),
        process,
        start_date: date,
    };
    use ErProcess::*;
    let er_cases = vec![
        // Reporting year (1 Apr 2024 – 31 Mar 2025): BME b1 (twice: one person), b2; White w1.
        case("1", "b1", Disciplinary, d(2024, 5, 1)),
        case("2", "b1", Disciplinary, d(2024, 9, 1)),
        case("3", "b2", Disciplinary, d(2025, 3, 31)),
        case("4", "w1", Disciplinary, d(2024, 4, 1)),
        // Earlier year (1 Apr 2023 – 31 Mar 2024): BME b3 and the leaver L1; White w2, w3.
        case("5", "b3", Disciplinary, d(2023, 4, 1)),
        case("6", "L1", Disciplinary, d(2023, 6, 1)),
        case("7", "w2", Disciplinary, d(2024, 3, 31)),
        case("8", "w3", Disciplinary, d(2023, 12, 1)),
        // Outside the two years, another process, and an id matching no record.
        case("9", "w4", Disciplinary, d(2023, 3, 31)),
        case("10", "w5", Capability, d(2024, 6, 1)),
        case("11", "ghost", Disciplinary, d(2024, 6, 1)),
    ];
    let train = |staff: &str, date| TrainingRecord {
        staff_id: staff.into(),
        org_code: "RA1".into(),
        date,
    };
    let mut training = Vec::new();
    for i in 1..=10 {
        training.push(train(&format!("w{i}"), d(2024, 7, 1)));
    }
    training.push(train("w1", d(2024, 8, 1))); // the same person again: still one
    for i in 1..=4 {
        training.push(train(&format!("b{i}"), d(2024, 7, 1)));
    }
    training.push(train("b5", d(2024, 3, 31))); // last year
    training.push(train("ghost", d(2024, 7, 1))); // matches no one
    WorkforceData {
        staff,
        er_cases,
        training,
        ..Default::default()
    }
}

#[test]
fn wres_indicator3_two_year_rolling_average() {
    let i3 = wres(&wf(indicator3_and_4_data()), &org("RA1"), SNAP)
        .unwrap()
        .indicator3
        .unwrap();
    assert_eq!(i3.window_start, d(2023, 3, 31));
    // BME: earlier year b3 + L1 = 2, reporting year b1 + b2 = 2 → average (2 + 2) / 2 = 2;
    // rate 2 / 10 BME staff = 0.2.
    assert_eq!(i3.bme_entered, [2, 2]);
    close(i3.comparison.numerator.rate, 0.2);
    // White: earlier year w2 + w3 = 2, reporting year w1 = 1 → average 1.5; rate 1.5 / 20 = 0.075.
    assert_eq!(i3.white_entered, [2, 1]);
    close(i3.comparison.denominator.rate, 0.075);
    // RL = 0.2 / 0.075 = 2.6667: BME staff 2.67 times as likely to enter the process.
    close(i3.comparison.relative_likelihood.value, 0.2 / 0.075);
    assert_eq!(i3.unmatched_cases, 1);
}

#[test]
fn wres_indicator4_training_and_the_inclusive_range_edge() {
    let i4 = wres(&wf(indicator3_and_4_data()), &org("RA1"), SNAP)
        .unwrap()
        .indicator4
        .unwrap();
    // White 10 of 20 = 0.5; BME 4 of 10 = 0.4; RL = 0.5 / 0.4 = 1.25 exactly: the upper edge
    // of the no-adverse-impact range, which is inclusive.
    close(i4.comparison.numerator.rate, 0.5);
    close(i4.comparison.denominator.rate, 0.4);
    close(i4.comparison.relative_likelihood.value, 1.25);
    assert_eq!(
        i4.comparison.relative_likelihood.assessment,
        Some(ImpactAssessment::NoAdverseImpact)
    );
    assert_eq!(i4.unmatched_records, 1);
}

fn survey(
    org: &str,
    year: i16,
    q: &str,
    group: SurveyGroup,
    respondents: u64,
    positive: u64,
) -> SurveyResult {
    SurveyResult {
        org_code: org.into(),
        year,
        question: q.into(),
        group,
        respondents,
        positive,
    }
}

#[test]
fn wres_indicators5_to_8_from_the_staff_survey() {
    use SurveyGroup::*;
    let data = wf(WorkforceData {
        survey: vec![
            // The 2024 survey feeds the return with a 31 March 2025 snapshot. The key is
            // matched ignoring case and punctuation.
            survey("RA1", 2024, "WRES 5", White, 200, 50),
            survey("RA1", 2024, "wres_5", Bme, 100, 30),
            survey("RB2", 2024, "wres5", White, 100, 40),
            survey("RA1", 2023, "wres5", Bme, 100, 90), // an older survey: ignored
            survey("RA1", 2024, "wres7", White, 80, 60),
            survey("RA1", 2024, "wres7", Bme, 40, 20),
            survey("RA1", 2024, "wres8", Bme, 50, 10),
        ],
        ..Default::default()
    });
    let r = wres(&data, &org("RA1"), SNAP).unwrap();
    // 5: White 50/200 = 25%, BME 30/100 = 30% → BME 5 points higher.
    assert_eq!(r.indicator5.unwrap().survey_year, 2024);
    close(r.indicator5.unwrap().reference.pct, 25.0);
    close(r.indicator5.unwrap().comparison.pct, 30.0);
    close(r.indicator5.unwrap().difference_pp, 5.0);
    // 6: no rows at all.
    undefined(
        r.indicator6.unwrap().reference.pct,
        "no staff survey respondents for this indicator and group",
    );
    undefined(
        r.indicator6.unwrap().difference_pp,
        "no staff survey respondents for this indicator and group",
    );
    // 7: White 60/80 = 75%, BME 20/40 = 50% → −25 points.
    close(r.indicator7.unwrap().difference_pp, -25.0);
    // 8: BME 10/50 = 20%; no White row, so no difference.
    close(r.indicator8.unwrap().comparison.pct, 20.0);
    assert!(r.indicator8.unwrap().difference_pp.value().is_none());
    // ICS: respondents pooled, White (50 + 40) / (200 + 100) = 30%.
    let ics = wres(&data, &Scope::Ics, SNAP).unwrap();
    close(ics.indicator5.unwrap().reference.pct, 30.0);
    assert_eq!(ics.indicator5.unwrap().reference.respondents, 300);
}

#[test]
fn wres_indicator9_board_against_workforce() {
    use EthnicCategory::*;
    // Workforce of 10: White 6, BME 3, unknown 1. Two of them are voting executives
    // (White, BME) and one a non-voting member (unknown).
    let mut staff = Vec::new();
    for (i, eth) in [A, A, A, A, A, B, H, N, D, Z].into_iter().enumerate() {
        staff.push(person(&format!("s{i}"), "RA1", PayBand::Band6, eth));
    }
    staff[0].board_member = Some(BoardMember::VotingExec);
    staff[6].board_member = Some(BoardMember::VotingExec);
    staff[9].board_member = Some(BoardMember::NonVoting);
    // Two voting non-executives (White, BME): on the board, not in the workforce.
    for (id, eth) in [("ned1", C), ("ned2", M)] {
        let mut s = person(id, "RA1", PayBand::Vsm, eth);
        s.board_member = Some(BoardMember::VotingNonExec);
        staff.push(s);
    }
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let i9 = wres(&data, &org("RA1"), SNAP).unwrap().indicator9;
    assert_eq!(i9.workforce.total, 10);
    // Voting board: White 2, BME 2 of 4 → BME 50% against 30% in the workforce: +20 points;
    // White 50% against 60%: −10; unknown 0% against 10%: −10.
    assert_eq!((i9.voting.white, i9.voting.bme), (2, 2));
    close(i9.voting_difference.bme_pp, 20.0);
    close(i9.voting_difference.white_pp, -10.0);
    close(i9.voting_difference.unknown_pp, -10.0);
    // Executive 1 of 2 BME and non-executive 1 of 2 BME: both +20.
    close(i9.executive_difference.bme_pp, 20.0);
    close(i9.non_executive_difference.bme_pp, 20.0);
    assert_eq!(i9.non_voting.unknown, 1);
}

#[test]
fn wres_with_all_unknown_ethnicity() {
    use EthnicCategory::*;
    let mut staff = Vec::new();
    for i in 0..6 {
        let mut s = person(
            &format!("u{i}"),
            "RA1",
            PayBand::Band4,
            if i % 2 == 0 { Z } else { NotKnown },
        );
        s.ordinary_pay = Some(2000.0);
        s.pay_period_days = Some(30);
        s.weekly_hours = Some(37.5);
        staff.push(s);
    }
    let mut applications = apps(4, "RA1", Z, true, true);
    applications.extend(apps(4, "RA1", NotKnown, true, false));
    let data = wf(WorkforceData {
        staff,
        applications,
        ..Default::default()
    });
    let r = wres(&data, &org("RA1"), SNAP).unwrap();
    // 6 of 6 unknown: 0% White, 0% BME, 100% unknown; the BME share of known is undefined.
    close(r.indicator1.overall.unknown_pct, 100.0);
    close(r.indicator1.overall.bme_pct, 0.0);
    close(r.indicator1.overall.declaration_rate_pct, 0.0);
    undefined(
        r.indicator1.overall.bme_pct_of_known,
        "no staff with a known ethnicity",
    );
    // Unknown applicants are excluded, leaving no one to compare.
    assert_eq!(r.indicator2.unwrap().unknown_shortlisted, 8);
    undefined(
        r.indicator2.unwrap().comparison.relative_likelihood.value,
        "no White applicants shortlisted",
    );
    undefined(
        r.indicator3.unwrap().comparison.relative_likelihood.value,
        "no BME staff in the workforce",
    );
    undefined(
        r.indicator4.unwrap().comparison.relative_likelihood.value,
        "no White staff in the workforce",
    );
    // Pay: the White British reference group is empty.
    let e = ethnicity_pay_gap(&data, &org("RA1"), SNAP, PayGapOptions::default());
    assert!(
        e.by_group
            .gaps
            .iter()
            .all(|g| g.mean_gap_pct.value().is_none())
    );
    let not_stated = e
        .by_group
        .gaps
        .iter()
        .find(|g| g.group == EthnicityPayGroup::NotStated)
        .unwrap();
    undefined(
        not_stated.mean_gap_pct,
        "no full-pay relevant employees in the reference group",
    );
    // Parity cannot be set without a known workforce share.
    let p = parity_targets(&data, &org("RA1"), SNAP);
    assert!(p.iter().all(|t| t.additional_bme_for_parity.is_none()));
}

#[test]
fn wres_per_organisation_and_ics() {
    use EthnicCategory::*;
    let data = wf(WorkforceData {
        staff: vec![
            person("a", "RB2", PayBand::Band5, A),
            person("b", "RA1", PayBand::Band5, H),
            person("c", "RA1", PayBand::Band5, A),
        ],
        ..Default::default()
    });
    let reports = wres_all(&data, SNAP).unwrap();
    let scopes: Vec<&str> = reports.iter().map(|r| r.scope.label()).collect();
    assert_eq!(scopes, ["RA1", "RB2", "ICS"]);
    // RA1 1 of 2 BME = 50%; RB2 0 of 1; ICS 1 of 3.
    close(reports[0].indicator1.overall.bme_pct, 50.0);
    close(reports[1].indicator1.overall.bme_pct, 0.0);
    close(reports[2].indicator1.overall.bme_pct, 100.0 / 3.0);
    assert_eq!(all_scopes(&data).len(), 3);

    // A case of an organisation with no staff: unmatched there, and invisible to a scope
    // whose code is in no record at all.
    let data = wf(WorkforceData {
        er_cases: vec![ErCase {
            case_id: "1".into(),
            staff_id: "s".into(),
            org_code: "RQ9".into(),
            process: ErProcess::Disciplinary,
            start_date: d(2024, 6, 1),
        }],
        ..Default::default()
    });
    let unmatched = |scope: &Scope| {
        wres(&data, scope, SNAP)
            .unwrap()
            .indicator3
            .unwrap()
            .unmatched_cases
    };
    assert_eq!(unmatched(&org("RQ9")), 1);
    assert_eq!(unmatched(&org("ZZZ")), 0);
    assert_eq!(unmatched(&Scope::Ics), 1);
    assert_eq!(all_scopes(&data), [Scope::Ics]);
}

#[test]
fn wres_year_on_year() {
    use EthnicCategory::*;
    let mut staff = Vec::new();
    // 2024: 1 BME of 4 (25%); 2025: 2 BME of 4 (50%).
    for (i, (eth24, eth25)) in [(H, H), (A, N), (A, A), (A, A)].into_iter().enumerate() {
        let mut s = person(&format!("s{i}"), "RA1", PayBand::Band5, eth24);
        s.snapshot_date = d(2024, 3, 31);
        staff.push(s);
        staff.push(person(&format!("s{i}"), "RA1", PayBand::Band5, eth25));
    }
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let dates = equalis_workforce::annual_snapshots(&data);
    assert_eq!(dates, [d(2024, 3, 31), SNAP]);
    let reports: Vec<_> = dates
        .iter()
        .map(|&dt| wres(&data, &org("RA1"), dt).unwrap())
        .collect();
    let changes = year_on_year(
        &reports,
        |r| r.snapshot_date,
        |r| r.indicator1.overall.bme_pct,
    );
    assert_eq!(changes.len(), 1);
    close(changes[0].previous, 25.0);
    close(changes[0].current, 50.0);
    close(changes[0].change, 25.0);
}

// ---------------------------------------------------------------- WDES

fn dperson(id: &str, band: PayBand, clinical: bool, dis: Disability) -> StaffRecord {
    let mut s = StaffRecord::new(id, "RA1", SNAP, band, EthnicCategory::A, dis, Sex::Male);
    s.clinical = clinical;
    s
}

#[test]
fn wdes_metric1_by_cluster_with_declaration_rates() {
    use Disability::*;
    let mut staff = vec![
        dperson("1", PayBand::Band3, false, Disabled),
        dperson("2", PayBand::Band3, false, NotDisabled),
        dperson("3", PayBand::Band2, false, Unknown),
        dperson("4", PayBand::Band6, true, Disabled),
        dperson("5", PayBand::Band6, true, Disabled),
        dperson("6", PayBand::Band7, true, NotDisabled),
        dperson("7", PayBand::Band5, true, NotDisabled),
        dperson("8", PayBand::Consultant, true, Unknown),
    ];
    let mut bank = dperson("9", PayBand::Band5, true, Disabled);
    bank.bank = Flag::Yes; // 2023 definitions: bank staff excluded
    staff.push(bank);
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let m1 = wdes(&data, &org("RA1"), SNAP).unwrap().metric1;
    // 5 rows non-clinical (clusters 1-4, other), 5 clinical, 3 medical.
    assert_eq!(m1.rows.len(), 13);
    let row = |section, cluster| {
        m1.rows
            .iter()
            .find(|r| r.section == section && r.cluster == cluster)
            .unwrap()
            .counts
    };
    use equalis_vocab::PayBandCluster::*;
    // Non-clinical cluster 1 (bands 2, 3): Disabled 1, non-disabled 1, unknown 1 →
    // Disabled 33.3%, declaration rate 2/3 = 66.7%.
    let nc1 = row(WorkforceSection::NonClinical, Some(Cluster1));
    assert_eq!((nc1.disabled, nc1.non_disabled, nc1.unknown), (1, 1, 1));
    close(nc1.disabled_pct, 100.0 / 3.0);
    close(nc1.declaration_rate_pct, 200.0 / 3.0);
    // Clinical cluster 2 (bands 5-7): 2, 2, 0 (bank nurse out) → 50%, declared 100%.
    let c2 = row(WorkforceSection::Clinical, Some(Cluster2));
    assert_eq!((c2.disabled, c2.non_disabled, c2.unknown), (2, 2, 0));
    close(c2.declaration_rate_pct, 100.0);
    // Consultants: one unknown → declaration 0%.
    close(
        row(WorkforceSection::MedicalAndDental, Some(Cluster5)).declaration_rate_pct,
        0.0,
    );
    // Overall: 3, 3, 2 of 8 → declaration 6/8 = 75%.
    close(m1.overall.declaration_rate_pct, 75.0);
    close(m1.overall.disabled_pct, 37.5);
}

#[test]
fn wdes_metric2_appointment_from_shortlisting() {
    let mk = |n: usize, dis: Disability, appointed: bool| -> Vec<Application> {
        (0..n)
            .map(|i| Application {
                application_id: format!("{dis:?}{appointed}{i}"),
                org_code: "RA1".into(),
                vacancy_id: "V".into(),
                ethnic_category: EthnicCategory::A,
                disability: dis,
                sex: Sex::Female,
                shortlisted: true,
                appointed,
                decision_date: d(2024, 6, 1),
            })
            .collect()
    };
    use Disability::*;
    let mut a = mk(5, NotDisabled, true);
    a.extend(mk(15, NotDisabled, false));
    a.extend(mk(2, Disabled, true));
    a.extend(mk(8, Disabled, false));
    a.extend(mk(5, Unknown, false));
    let data = wf(WorkforceData {
        applications: a,
        ..Default::default()
    });
    let m2 = wdes(&data, &org("RA1"), SNAP).unwrap().metric2.unwrap();
    // Non-disabled 5/20 = 0.25; Disabled 2/10 = 0.2; RL = 0.25 / 0.2 = 1.25 (within range).
    close(m2.comparison.relative_likelihood.value, 1.25);
    assert_eq!(
        m2.comparison.relative_likelihood.assessment,
        Some(ImpactAssessment::NoAdverseImpact)
    );
    // Declaration among the shortlisted: 30 of 35 = 85.714%.
    close(m2.shortlisted.declaration_rate_pct, 3000.0 / 35.0);
}

#[test]
fn wdes_metric3_capability_two_year_average() {
    use Disability::*;
    let mut staff = Vec::new();
    for i in 0..5 {
        staff.push(dperson(&format!("d{i}"), PayBand::Band5, true, Disabled));
    }
    for i in 0..20 {
        staff.push(dperson(&format!("n{i}"), PayBand::Band5, true, NotDisabled));
    }
    let case = |id: &str, s: &str, p, date| ErCase {
        case_id: id.into(),
        staff_id: s.into(),
        org_code: "RA1".into(),
        process: p,
        start_date: date,
    };
    use ErProcess::*;
    let data = wf(WorkforceData {
        staff,
        er_cases: vec![
            case("1", "d0", Capability, d(2024, 6, 1)),
            case("2", "d1", Capability, d(2023, 6, 1)),
            case("3", "n0", Capability, d(2024, 6, 1)),
            case("4", "n1", Capability, d(2025, 1, 1)),
            case("5", "n2", Disciplinary, d(2024, 6, 1)), // WRES 3, not WDES 3
        ],
        ..Default::default()
    });
    let m3 = wdes(&data, &org("RA1"), SNAP).unwrap().metric3.unwrap();
    // Disabled (1 + 1) / 2 = 1 per year over 5 = 0.2; non-disabled (0 + 2) / 2 = 1 over 20 =
    // 0.05; RL = 0.2 / 0.05 = 4.
    assert_eq!(m3.disabled_entered, [1, 1]);
    assert_eq!(m3.non_disabled_entered, [0, 2]);
    close(m3.comparison.relative_likelihood.value, 4.0);
    assert_eq!(
        m3.comparison.relative_likelihood.assessment,
        Some(ImpactAssessment::AboveRange)
    );
    close(m3.declaration_rate_pct, 100.0);
}

#[test]
fn wdes_survey_metrics_board_and_undefined_metrics() {
    use Disability::{Disabled, NotDisabled, Unknown};
    let mut staff = vec![
        dperson("1", PayBand::Band5, true, Disabled),
        dperson("2", PayBand::Band5, true, NotDisabled),
        dperson("3", PayBand::Band5, true, NotDisabled),
        dperson("4", PayBand::Band5, true, Unknown),
    ];
    staff[0].board_member = Some(BoardMember::VotingExec);
    staff[1].board_member = Some(BoardMember::VotingExec);
    let mut ned = dperson("5", PayBand::Vsm, false, Disabled);
    ned.board_member = Some(BoardMember::VotingNonExec);
    staff.push(ned);
    let data = wf(WorkforceData {
        staff,
        survey: vec![
            survey(
                "RA1",
                2024,
                "wdes4a_managers",
                SurveyGroup::Disabled,
                50,
                15,
            ),
            survey(
                "RA1",
                2024,
                "wdes4a_managers",
                SurveyGroup::NonDisabled,
                150,
                30,
            ),
            survey("RA1", 2024, "wdes8", SurveyGroup::Disabled, 40, 28),
        ],
        ..Default::default()
    });
    let r = wdes(&data, &org("RA1"), SNAP).unwrap();
    // 4a(ii): Disabled 15/50 = 30%, non-disabled 30/150 = 20% → +10 points. Disabled
    // respondents 50 of 200 = 25%, against a workforce declaration rate of 3/4 = 75%.
    close(r.metric4a_managers.unwrap().figures.difference_pp, 10.0);
    close(r.metric4a_managers.unwrap().survey_disabled_pct, 25.0);
    close(
        r.metric4a_managers.unwrap().workforce_declaration_rate_pct,
        75.0,
    );
    // 8: 28/40 = 70%.
    close(r.metric8.unwrap().pct, 70.0);
    undefined(
        r.metric9a,
        "engagement scores are not in the staff_survey data contract, which carries counts",
    );
    // 10: voting board Disabled 2 of 3 (exec d1, non-exec) = 66.67% against the workforce's
    // 1 of 4 = 25% → +41.67 points; executives 1 of 2 = 50% → +25.
    close(r.metric10.voting_difference.disabled_pp, 200.0 / 3.0 - 25.0);
    close(r.metric10.executive_difference.disabled_pp, 25.0);
}

// ---------------------------------------------------------------- pay gaps

/// Pay for an hourly rate: with a 30-day period, ordinary pay = rate × hours × 30 / 7, so that
/// pay × 7 / 30 / hours gives the rate back.
fn paid(id: &str, sex: Sex, rate: f64, hours: f64, bonus: Option<f64>) -> StaffRecord {
    let mut s = StaffRecord::new(
        id,
        "RA1",
        SNAP,
        PayBand::Band5,
        EthnicCategory::A,
        Disability::NotDisabled,
        sex,
    );
    s.ordinary_pay = Some(rate * hours * 30.0 / 7.0);
    s.pay_period_days = Some(30);
    s.weekly_hours = Some(hours);
    s.bonus_pay_12m = bonus;
    s.full_pay_relevant = Flag::Yes;
    s
}

#[test]
fn hourly_rate_follows_schedule_1() {
    // £2,250 in a 31-day month at 37.5 hours: 2250 × 7 / 31 / 37.5 = 13.5484.
    close(
        Figure::Value(pay_gap::hourly_rate(2250.0, 31, 37.5)),
        2250.0 * 7.0 / 31.0 / 37.5,
    );
    // £1,125 over 30 days at 17.5 hours: 1125 × 7 = 7875; / 30 = 262.5; / 17.5 = £15.00.
    close(Figure::Value(pay_gap::hourly_rate(1125.0, 30, 17.5)), 15.0);
}

fn gender_example() -> WorkforceData {
    use Sex::*;
    let mut staff = vec![
        // Men: £10, £20, £30, £40 an hour; bonuses £1,000 and £3,000.
        paid("m1", Male, 10.0, 37.5, Some(1000.0)),
        paid("m2", Male, 20.0, 37.5, None),
        paid("m3", Male, 30.0, 37.5, Some(3000.0)),
        paid("m4", Male, 40.0, 37.5, None),
        // Women: £10, £12, £20, £30 (one part-time); bonuses £500, £3,000.
        paid("f1", Female, 10.0, 37.5, Some(500.0)),
        paid("f2", Female, 12.0, 18.75, None),
        paid("f3", Female, 20.0, 37.5, Some(3000.0)),
        paid("f4", Female, 30.0, 30.0, None),
    ];
    // A woman on reduced pay for maternity leave: no hourly rate, but a relevant employee
    // and paid a £700 bonus.
    let mut leave = paid("f5", Female, 5.0, 37.5, Some(700.0));
    leave.full_pay_relevant = Flag::No;
    staff.push(leave);
    // A man with no weekly hours recorded: relevant, not in the hourly measures.
    let mut missing = paid("m5", Male, 50.0, 37.5, None);
    missing.weekly_hours = None;
    staff.push(missing);
    // Indeterminate stated gender: counted and left out of the comparison.
    staff.push(paid("x1", Indeterminate, 25.0, 37.5, None));
    // A voting non-executive is an office holder, not an employee.
    let mut ned = paid("ned", Female, 100.0, 37.5, Some(9999.0));
    ned.board_member = Some(BoardMember::VotingNonExec);
    staff.push(ned);
    WorkforceData {
        staff,
        ..Default::default()
    }
}

#[test]
fn gender_pay_gap_six_measures() {
    let g = gender_pay_gap(&wf(gender_example()), &org("RA1"), SNAP);
    assert_eq!(g.coverage.relevant_employees, 11);
    assert_eq!(g.coverage.full_pay_relevant_employees, 9);
    assert_eq!(g.coverage.excluded_reduced_pay, 1);
    assert_eq!(g.coverage.excluded_missing_pay_data, 1);
    assert_eq!(g.excluded_sex_not_male_or_female, 1);
    // (a) Mean: men (10+20+30+40)/4 = 25; women (10+12+20+30)/4 = 18; (25−18)/25 = 28%.
    close(g.mean_gap_pct, 28.0);
    // (b) Median: men (20+30)/2 = 25; women (12+20)/2 = 16; (25−16)/25 = 36%.
    close(g.median_gap_pct, 36.0);
    // (c) Mean bonus of those paid one: men (1000+3000)/2 = 2000; women (500+3000+700)/3 =
    // 1400 (the woman on leave counts: bonus measures use all relevant employees);
    // (2000−1400)/2000 = 30%.
    close(g.mean_bonus_gap_pct, 30.0);
    // (d) Median bonus: men 2000; women 700; (2000−700)/2000 = 65%.
    close(g.median_bonus_gap_pct, 65.0);
    // (e) Men 2 of 5 relevant (m5 included) = 40%; women 3 of 5 = 60%.
    close(g.bonus_proportion.male, 40.0);
    close(g.bonus_proportion.female, 60.0);
}

#[test]
fn quartiles_split_ties_across_boundaries_proportionally() {
    let g = gender_pay_gap(&wf(gender_example()), &org("RA1"), SNAP);
    // 9 full-pay relevant employees, of whom the indeterminate one is not ranked: the
    // comparison is of men and women. 8 ranked:
    //   rank 0 M£10, 1 F£10 | 2 F£12, 3 M£20 | 4 F£20, 5 M£30 | 6 F£30, 7 M£40
    // Sections of 2. The £20 tie (one man, one woman) spans ranks 3-4, across the
    // lower-middle/upper-middle boundary; each section takes one place of it, filled half
    // by the man and half by the woman. Likewise the £30 tie across upper-middle/upper.
    let sizes: Vec<u64> = g.quartiles.iter().map(|q| q.employees).collect();
    assert_eq!(sizes, [2, 2, 2, 2]);
    // Lower: M£10, F£10 → 50% / 50%.
    close(g.quartiles[0].pct.male, 50.0);
    // Lower middle: F£12 + ½M + ½F of £20 → men 0.5/2 = 25%, women 1.5/2 = 75%.
    close(g.quartiles[1].pct.male, 25.0);
    close(g.quartiles[1].pct.female, 75.0);
    // Upper middle: ½ of £20 tie + ½ of £30 tie → men 1/2 = 50%.
    close(g.quartiles[2].pct.male, 50.0);
    // Upper: ½M + ½F of £30, M£40 → men 1.5/2 = 75%, women 25%.
    close(g.quartiles[3].pct.male, 75.0);
    close(g.quartiles[3].pct.female, 25.0);
    assert_eq!(g.quartiles[3].band, QuartileBand::Upper);
}

#[test]
fn quartiles_with_an_uneven_tie_and_uneven_sections() {
    use Sex::*;
    // 8 employees: M£10, then a £20 tie of one man and two women over ranks 1-3, then
    // four women above. Lower [0,2) takes one place of the tie, lower middle [2,4) two.
    let mut staff = vec![
        paid("a", Male, 10.0, 37.5, None),
        paid("b", Male, 20.0, 37.5, None),
        paid("c", Female, 20.0, 22.5, None),
        paid("e", Female, 20.0, 37.5, None),
    ];
    for (i, r) in [30.0, 31.0, 32.0, 33.0].into_iter().enumerate() {
        staff.push(paid(&format!("f{i}"), Female, r, 37.5, None));
    }
    let data = wf(WorkforceData {
        staff: staff.clone(),
        ..Default::default()
    });
    let g = gender_pay_gap(&data, &org("RA1"), SNAP);
    // Lower: M£10 + 1 place × (1/3 man, 2/3 woman) → men 1⅓ / 2 = 66.67%.
    close(g.quartiles[0].pct.male, 200.0 / 3.0);
    close(g.quartiles[0].pct.female, 100.0 / 3.0);
    // Lower middle: 2 places × (1/3, 2/3) → men ⅔ / 2 = 33.33%: the tie's one-in-three men
    // holds in both sections.
    close(g.quartiles[1].pct.male, 100.0 / 3.0);
    close(g.quartiles[2].pct.female, 100.0);

    // With a ninth employee the lower section takes the extra place: sizes 3, 2, 2, 2.
    // Lower [0,3) now holds M£10 and two places of the tie: 1 + 2/3 men of 3 = 55.56%.
    staff.push(paid("g", Female, 40.0, 37.5, None));
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let g = gender_pay_gap(&data, &org("RA1"), SNAP);
    let sizes: Vec<u64> = g.quartiles.iter().map(|q| q.employees).collect();
    assert_eq!(sizes, [3, 2, 2, 2]);
    close(g.quartiles[0].pct.male, (1.0 + 2.0 / 3.0) / 3.0 * 100.0);
    close(g.quartiles[1].pct.male, (1.0 / 3.0) / 2.0 * 100.0);
}

#[test]
fn organisation_with_no_bonuses() {
    use Sex::*;
    let staff = vec![
        paid("m", Male, 20.0, 37.5, None),
        paid("f", Female, 15.0, 37.5, Some(0.0)),
    ];
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let g = gender_pay_gap(&data, &org("RA1"), SNAP);
    // (20 − 15) / 20 = 25%.
    close(g.mean_gap_pct, 25.0);
    // No one paid a bonus: the bonus gaps are undefined, the proportions are 0%.
    undefined(
        g.mean_bonus_gap_pct,
        "no one in the reference group was paid a bonus",
    );
    undefined(
        g.median_bonus_gap_pct,
        "no one in the reference group was paid a bonus",
    );
    close(g.bonus_proportion.male, 0.0);
    close(g.bonus_proportion.female, 0.0);
    // Two employees: sections of 1, 1, 0, 0; the empty sections are undefined.
    undefined(
        g.quartiles[3].pct.male,
        "fewer than four full-pay relevant employees",
    );
    close(g.quartiles[0].pct.female, 100.0);
}

#[test]
fn ethnicity_pay_gap_references_and_small_groups() {
    use EthnicCategory::*;
    let mk = |id: &str, eth: EthnicCategory, rate: f64| {
        let mut s = paid(id, Sex::Female, rate, 37.5, None);
        s.ethnic_category = eth;
        s
    };
    let staff = vec![
        mk("wb1", A, 20.0),
        mk("wb2", A, 30.0),
        mk("as1", H, 15.0),
        mk("as2", J, 25.0),
        // Chinese (R) is Asian in Census 2021 groups; with £20 the Asian mean stays at 20.
        mk("as3", R, 20.0),
        mk("bl1", M, 10.0), // Black: 1 < threshold 2 → combined
        mk("ot1", S, 30.0), // Other: 1 < 2 → combined
        mk("ns1", Z, 40.0), // Not stated: reported separately, never combined
    ];
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let opts = PayGapOptions {
        small_group_threshold: 2,
    };
    let e = ethnicity_pay_gap(&data, &org("RA1"), SNAP, opts);
    assert_eq!(
        e.aggregated,
        [EthnicityPayGroup::Black, EthnicityPayGroup::Other]
    );
    let groups: Vec<EthnicityPayGroup> = e.by_group.groups.iter().map(|g| g.group).collect();
    use EthnicityPayGroup::{
        Asian, EthnicMinority, NotStated, SmallerGroupsCombined, WhiteBritish,
    };
    assert_eq!(
        groups,
        [
            // Empty groups stay listed (with undefined figures) so the layout is stable.
            WhiteBritish,
            EthnicityPayGroup::WhiteOther,
            EthnicityPayGroup::Mixed,
            Asian,
            SmallerGroupsCombined,
            NotStated,
            EthnicityPayGroup::NotKnown
        ]
    );
    let gap = |g| *e.by_group.gaps.iter().find(|x| x.group == g).unwrap();
    // White British mean (20+30)/2 = 25, median 25. Asian (15+25+20)/3 = 20, median 20 →
    // (25−20)/25 = 20% both.
    close(gap(Asian).mean_gap_pct, 20.0);
    close(gap(Asian).median_gap_pct, 20.0);
    // Combined Black and Other (10+30)/2 = 20 → 20%; median also 20 → 20%.
    close(gap(SmallerGroupsCombined).median_gap_pct, 20.0);
    // Not stated: one employee, below the threshold: withheld.
    undefined(
        gap(NotStated).mean_gap_pct,
        "fewer relevant employees than the small-group threshold",
    );
    // Empty groups have no figures.
    undefined(
        gap(EthnicityPayGroup::Mixed).mean_gap_pct,
        "no full-pay relevant employees in the group",
    );
    // Representation: White British 2 of 8 = 25%.
    close(e.by_group.groups[0].representation_pct, 25.0);
    // Binary: White (20, 30) mean 25 against ethnic minority (15, 25, 20, 10, 30) mean 20 →
    // 20%; medians 25 against 20 → 20%.
    let b = *e
        .binary
        .gaps
        .iter()
        .find(|x| x.group == EthnicMinority)
        .unwrap();
    close(b.mean_gap_pct, 20.0);
    close(b.median_gap_pct, 20.0);
    // Quartiles: 8 ranked, sections of 2:
    //   £10 M, £15 H | £20 A, £20 R | £25 J, £30 A | £30 S, £40 Z
    // The £30 tie (one White, one minority) spans ranks 5-6, across upper middle / upper: the
    // upper section's one place of it is half White, half minority. Upper: White 0.5,
    // minority 0.5, Not stated 1 of 2 → 25%, 25%, 50%.
    let top = &e.binary.quartiles[3];
    assert_eq!(top.employees, 2);
    let pct = |g| top.shares.iter().find(|s| s.group == g).unwrap().pct;
    close(pct(EthnicMinority), 25.0);
    // Not stated (one person) is below the threshold, so its 50% is withheld; as the shares
    // add up to 100%, the smallest other group's (White, 2 people) is withheld with it, or
    // 100 − 25 − 25 would give it back.
    undefined(
        pct(NotStated),
        "fewer relevant employees than the small-group threshold",
    );
    undefined(
        pct(EthnicityPayGroup::White),
        "withheld with a smaller group's share, which would otherwise follow from the others",
    );
    // Its own pay and bonus figures are withheld too: its mean would give its gap back.
    let ns = e
        .binary
        .groups
        .iter()
        .find(|g| g.group == NotStated)
        .unwrap();
    assert_eq!(ns.relevant_employees, 1);
    undefined(
        ns.mean_hourly,
        "fewer relevant employees than the small-group threshold",
    );
    undefined(
        ns.bonus_proportion_pct,
        "fewer relevant employees than the small-group threshold",
    );
}

#[test]
fn disability_pay_gap_against_non_disabled() {
    let mk = |id: &str, dis: Disability, rate: f64| {
        let mut s = paid(id, Sex::Female, rate, 37.5, None);
        s.disability = dis;
        s
    };
    use Disability::*;
    let staff = vec![
        mk("n1", NotDisabled, 20.0),
        mk("n2", NotDisabled, 30.0),
        mk("d1", Disabled, 15.0),
        mk("d2", Disabled, 20.0),
        mk("u1", Unknown, 50.0),
    ];
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let r = disability_pay_gap(
        &data,
        &org("RA1"),
        SNAP,
        PayGapOptions {
            small_group_threshold: 2,
        },
    );
    // Non-disabled mean 25, Disabled 17.5 → (25−17.5)/25 = 30%; medians the same.
    let dg = r.analysis.gaps[0];
    assert_eq!(dg.group, Disabled);
    close(dg.mean_gap_pct, 30.0);
    close(dg.median_gap_pct, 30.0);
    // Unknown: one person, withheld but counted.
    assert_eq!(r.analysis.groups[2].relevant_employees, 1);
    assert!(r.analysis.gaps[1].mean_gap_pct.value().is_none());
}

#[test]
fn invalid_input_is_an_error_not_a_panic() {
    let invalid = |data: WorkforceData| Workforce::new(data).unwrap_err();
    let mut s = paid("neg", Sex::Male, 10.0, 37.5, None);
    s.ordinary_pay = Some(-1.0);
    assert_eq!(
        invalid(WorkforceData {
            staff: vec![s],
            ..Default::default()
        }),
        WorkforceError::InvalidMoney {
            staff_id: "neg".into(),
            field: "ordinary_pay",
            value: -1.0
        }
    );
    let mut s = paid("nan", Sex::Male, 10.0, 37.5, None);
    s.bonus_pay_12m = Some(f64::NAN);
    assert!(matches!(
        invalid(WorkforceData {
            staff: vec![s],
            ..Default::default()
        }),
        WorkforceError::InvalidMoney {
            field: "bonus_pay_12m",
            ..
        }
    ));
    let mut s = paid("h", Sex::Male, 10.0, 37.5, None);
    s.weekly_hours = Some(0.0);
    assert!(matches!(
        invalid(WorkforceData {
            staff: vec![s],
            ..Default::default()
        }),
        WorkforceError::InvalidWeeklyHours { .. }
    ));
    let mut s = paid("p", Sex::Male, 10.0, 37.5, None);
    s.pay_period_days = Some(0);
    assert!(matches!(
        invalid(WorkforceData {
            staff: vec![s],
            ..Default::default()
        }),
        WorkforceError::ZeroPayPeriod { .. }
    ));
    assert!(matches!(
        invalid(WorkforceData {
            applications: vec![app("RA1", EthnicCategory::A, false, true, d(2024, 6, 1))],
            ..Default::default()
        }),
        WorkforceError::AppointedNotShortlisted { .. }
    ));
    assert!(matches!(
        invalid(WorkforceData {
            staff: vec![
                person("x", "RA1", PayBand::Band1, EthnicCategory::A),
                person("x", "RA1", PayBand::Band2, EthnicCategory::A),
            ],
            ..Default::default()
        }),
        WorkforceError::DuplicateStaff { .. }
    ));
    let err = invalid(WorkforceData {
        survey: vec![survey("RA1", 2024, "wres5", SurveyGroup::Bme, 5, 6)],
        ..Default::default()
    });
    assert_eq!(
        err.to_string(),
        "staff survey `RA1` 2024 `wres5`: positive (6) exceeds respondents (5)"
    );
    // The same staff id in two organisations, or in two snapshots, is not a duplicate.
    let mut other_org = person("x", "RB2", PayBand::Band1, EthnicCategory::A);
    other_org.org_code = "RB2".into();
    let mut other_date = person("x", "RA1", PayBand::Band1, EthnicCategory::A);
    other_date.snapshot_date = d(2024, 3, 31);
    assert!(
        Workforce::new(WorkforceData {
            staff: vec![
                person("x", "RA1", PayBand::Band1, EthnicCategory::A),
                other_org,
                other_date
            ],
            ..Default::default()
        })
        .is_ok()
    );
}

// ---------------------------------------------------------------- dashboard

#[test]
fn quarterly_dashboard_composition_and_series() {
    use EthnicCategory::*;
    let q1 = d(2024, 12, 31);
    let mut staff = Vec::new();
    // Quarter ending 31 Dec 2024: RA1 has 4 staff in band 5 (1 BME, 1 not stated) and one
    // band 8c (White); RB2 one band 2 (BME).
    for (id, eth, band, sex, dis) in [
        ("a", A, PayBand::Band5, Sex::Female, Disability::Disabled),
        ("b", N, PayBand::Band5, Sex::Female, Disability::NotDisabled),
        ("c", Z, PayBand::Band5, Sex::Male, Disability::Unknown),
        (
            "e",
            A,
            PayBand::Band5,
            Sex::NotKnown,
            Disability::NotDisabled,
        ),
        ("f", A, PayBand::Band8c, Sex::Male, Disability::NotDisabled),
    ] {
        let mut s = StaffRecord::new(id, "RA1", q1, band, eth, dis, sex);
        s.clinical = true;
        staff.push(s);
    }
    staff.push(StaffRecord::new(
        "g",
        "RB2",
        q1,
        PayBand::Band2,
        H,
        Disability::Disabled,
        Sex::Female,
    ));
    // Quarter ending 31 Mar 2025: RA1 has two band 5 staff, both BME.
    for id in ["a", "b"] {
        staff.push(StaffRecord::new(
            id,
            "RA1",
            SNAP,
            PayBand::Band5,
            N,
            Disability::NotDisabled,
            Sex::Female,
        ));
    }
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let cells = quarterly_dashboard(&data);
    // 3 scopes × 2 quarters × 9 cluster rows.
    assert_eq!(cells.len(), 3 * 2 * 9);
    let cell = |scope: &Scope, date, cluster| {
        &cells
            .iter()
            .find(|c| &c.scope == scope && c.quarter_end == date && c.cluster == cluster)
            .unwrap()
            .composition
    };
    use equalis_vocab::PayBandCluster::*;
    let c2 = cell(&org("RA1"), q1, ClusterKey::Cluster(Cluster2));
    // Band 5 (cluster 2): 4 staff; women 2 of 4 = 50%; sex recorded 3 of 4 = 75%;
    // BME 1 of 4 = 25%; ethnicity declared 3 of 4 = 75%; Disabled 1 of 4, declared 3 of 4.
    assert_eq!(c2.headcount, 4);
    close(c2.sex[1].pct, 50.0);
    close(c2.sex_recorded_pct, 75.0);
    close(c2.ethnicity.bme_pct, 25.0);
    close(c2.ethnicity.declaration_rate_pct, 75.0);
    close(c2.disability.disabled_pct, 25.0);
    close(c2.disability.declaration_rate_pct, 75.0);
    assert_eq!(c2.ethnic_group[3].count, 1); // Black
    // ICS, all staff, Q1: 6 staff, BME 2 (N, H) = 33.33%.
    close(
        cell(&Scope::Ics, q1, ClusterKey::All).ethnicity.bme_pct,
        100.0 / 3.0,
    );
    // Series for SPC: RA1 cluster 2 BME% → 25% then 100%.
    let s = dashboard::series(
        &cells,
        &org("RA1"),
        ClusterKey::Cluster(Cluster2),
        SeriesMeasure::BmePct,
    );
    assert_eq!(s.len(), 2);
    close(s[0].value, 25.0);
    close(s[1].value, 100.0);
    assert_eq!(s[1].headcount, 2);
    // An empty cell is present with an undefined figure, so the series has every quarter.
    let s = dashboard::series(
        &cells,
        &org("RB2"),
        ClusterKey::All,
        SeriesMeasure::FemalePct,
    );
    assert_eq!(s.len(), 2);
    undefined(s[1].value, "no staff in this group");
}

#[test]
fn representativeness_against_census_2021() {
    use EthnicCategory::*;
    let mut staff = Vec::new();
    // Workforce of 10: 6 White (A, B, C…), 2 Asian (H, R — Chinese is Asian in Census 2021),
    // 1 Black, 1 not known.
    for (i, eth) in [A, A, A, A, B, C, H, R, N, NotKnown]
        .into_iter()
        .enumerate()
    {
        staff.push(person(&format!("s{i}"), "RA1", PayBand::Band5, eth));
    }
    staff[0].board_member = Some(BoardMember::VotingExec);
    let mut ned = person("ned", "RA1", PayBand::Vsm, M);
    ned.board_member = Some(BoardMember::VotingNonExec);
    staff.push(ned);
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    use Census2021Group as G;
    let pop = LocalPopulation {
        name: "Census 2021 footprint".into(),
        counts: vec![
            (G::White, 800),
            (G::Asian, 100),
            (G::Black, 50),
            (G::Mixed, 30),
            (G::Other, 20),
        ],
    };
    let r = representativeness(&data, &org("RA1"), SNAP, &pop);
    let row =
        |rows: &[dashboard::GroupRepresentation], g| *rows.iter().find(|r| r.group == g).unwrap();
    // Of 9 with a known ethnicity: White 6 = 66.67% against 80% of residents → −13.33
    // points, ratio 0.8333. Asian 2 = 22.22% against 10% → ratio 2.222.
    let w = row(&r.workforce, G::White);
    close(w.share_pct, 600.0 / 9.0);
    close(w.difference_pp, 600.0 / 9.0 - 80.0);
    close(w.representation_ratio, (600.0 / 9.0) / 80.0);
    close(row(&r.workforce, G::Asian).share_pct, 200.0 / 9.0);
    assert_eq!(r.workforce_unknown, 1);
    // Board: one White executive and one Black non-executive → Black 50% against 5%.
    close(row(&r.board, G::Black).difference_pp, 45.0);
    close(row(&r.board, G::Mixed).share_pct, 0.0);
}

#[test]
fn parity_targets_per_band() {
    use EthnicCategory::*;
    let mut staff = Vec::new();
    // Band 5: 6 White, 4 BME. Band 8a: 4 White, 0 BME, 1 unknown. Workforce BME of known =
    // 4 / 14 = 28.57%.
    for i in 0..6 {
        staff.push(person(&format!("w5{i}"), "RA1", PayBand::Band5, A));
    }
    for i in 0..4 {
        staff.push(person(&format!("b5{i}"), "RA1", PayBand::Band5, H));
    }
    for i in 0..4 {
        staff.push(person(&format!("w8{i}"), "RA1", PayBand::Band8a, A));
    }
    staff.push(person("u8", "RA1", PayBand::Band8a, Z));
    let data = wf(WorkforceData {
        staff,
        ..Default::default()
    });
    let p = parity_targets(&data, &org("RA1"), SNAP);
    assert_eq!(p.len(), PayBand::ALL.len());
    let t = |b| *p.iter().find(|t| t.band == b).unwrap();
    // Band 5: 40% against 28.57% → +11.43 points, no one needed.
    close(t(PayBand::Band5).gap_pp, 40.0 - 400.0 / 14.0);
    assert_eq!(t(PayBand::Band5).additional_bme_for_parity, Some(0));
    // Band 8a: 0% of 4 known → −28.57; parity needs 28.57% × 4 = 1.14 → 2 more BME staff.
    close(t(PayBand::Band8a).gap_pp, -400.0 / 14.0);
    assert_eq!(t(PayBand::Band8a).additional_bme_for_parity, Some(2));
    // Empty bands have no target.
    assert_eq!(t(PayBand::Band9).additional_bme_for_parity, None);
}

#[test]
fn edi_improvement_plan_success_metrics() {
    use EthnicCategory::*;
    let mut data = gender_example();
    // Make the senior band: one BME 8c among the 12 (the NED does not count).
    data.staff[3].pay_band = PayBand::Band8c;
    data.staff[3].ethnic_category = N;
    let mut a = apps(4, "RA1", A, true, true);
    a.extend(apps(4, "RA1", A, true, false));
    a.extend(apps(1, "RA1", H, true, true));
    a.extend(apps(3, "RA1", H, true, false));
    data.applications = a;
    data.survey = vec![
        survey("RA1", 2024, "wres6", SurveyGroup::White, 100, 20),
        survey("RA1", 2024, "wres6", SurveyGroup::Bme, 50, 25),
    ];
    let m = edi_success_metrics(&wf(data), &org("RA1"), SNAP, PayGapOptions::default()).unwrap();
    // 2a race: White 4/8 = 0.5, BME 1/4 = 0.25 → 2.0.
    close(m.m2a_race.value, 2.0);
    // 2a disability: every applicant non-disabled → no Disabled shortlisted.
    undefined(m.m2a_disability.value, "no Disabled applicants shortlisted");
    // 2d: senior leadership 1 of 1 BME = 100% against 1 of 11 known in the workforce
    // (11 staff in the workforce, all known) → +90.91 points.
    close(m.m2d_race.share_pct, 100.0);
    close(m.m2d_race.gap_pp, 100.0 - 100.0 / 11.0);
    // 2c: cluster 2 (band 5): 0 BME of 10.
    let c2 = m
        .m2c_race
        .iter()
        .find(|r| r.cluster == ClusterKey::Cluster(equalis_vocab::PayBandCluster::Cluster2))
        .unwrap();
    close(c2.share_pct, 0.0);
    // 3a: the gender gaps of the worked example (28% and 36%) are unchanged by ethnicity.
    close(m.m3a.gender[0], 28.0);
    close(m.m3a.gender[1], 36.0);
    // 6a: (20 + 25) / (100 + 50) = 30%.
    close(m.m6a.unwrap().pct, 30.0);
    undefined(
        m.m6b.unwrap().pct,
        "no staff survey respondents for this indicator",
    );
}

/// Issue 19 item 2: a return computes every indicator its data supports. With each optional
/// dataset left out in turn, the indicators that read it say which dataset to ingest and every
/// other indicator is what it is with all five datasets.
#[test]
fn a_return_lacking_a_dataset_computes_every_other_indicator() {
    use EthnicCategory::*;
    use equalis_workforce::{Dataset, NotSupplied};
    let mut full = indicator3_and_4_data();
    let mut a = apps(4, "RA1", A, true, true);
    a.extend(apps(4, "RA1", A, true, false));
    a.extend(apps(1, "RA1", H, true, true));
    a.extend(apps(3, "RA1", H, true, false));
    full.applications = a;
    full.survey = vec![
        survey("RA1", 2024, "wres5", SurveyGroup::White, 100, 20),
        survey("RA1", 2024, "wres5", SurveyGroup::Bme, 50, 25),
        survey("RA1", 2024, "wdes8", SurveyGroup::Disabled, 10, 7),
    ];
    let all = wf(full.clone());
    let (wres_all5, wdes_all5) = (
        wres(&all, &org("RA1"), SNAP).unwrap(),
        wdes(&all, &org("RA1"), SNAP).unwrap(),
    );
    for missing in [
        Dataset::Recruitment,
        Dataset::EmployeeRelations,
        Dataset::Training,
        Dataset::StaffSurvey,
    ] {
        let mut data = full.clone();
        data.not_supplied = vec![missing];
        let data = wf(data);
        let w = wres(&data, &org("RA1"), SNAP).unwrap();
        let m = wdes(&data, &org("RA1"), SNAP).unwrap();
        let reason = format!(
            "needs the `{0}` dataset: `equalis ingest --dataset {0} FILE`",
            missing.name()
        );
        assert_eq!(NotSupplied { dataset: missing }.reason(), reason);
        // Staff alone: always computed.
        assert_eq!(w.indicator1, wres_all5.indicator1);
        assert_eq!(w.indicator9, wres_all5.indicator9);
        assert_eq!(m.metric1, wdes_all5.metric1);
        assert_eq!(m.metric10, wdes_all5.metric10);
        // Each indicator that reads the missing dataset says which one to ingest...
        assert_eq!(w.indicator2.is_err(), missing == Dataset::Recruitment);
        assert_eq!(m.metric2.is_err(), missing == Dataset::Recruitment);
        assert_eq!(w.indicator3.is_err(), missing == Dataset::EmployeeRelations);
        assert_eq!(m.metric3.is_err(), missing == Dataset::EmployeeRelations);
        assert_eq!(w.indicator4.is_err(), missing == Dataset::Training);
        for s in [&w.indicator5, &w.indicator6, &w.indicator7, &w.indicator8] {
            assert_eq!(s.is_err(), missing == Dataset::StaffSurvey);
        }
        for s in [
            &m.metric4a_public,
            &m.metric4a_managers,
            &m.metric4a_colleagues,
            &m.metric4b,
            &m.metric5,
            &m.metric6,
            &m.metric7,
        ] {
            assert_eq!(s.is_err(), missing == Dataset::StaffSurvey);
        }
        assert_eq!(m.metric8.is_err(), missing == Dataset::StaffSurvey);
        if let Err(n) = w
            .indicator2
            .map(|_| ())
            .and(w.indicator3.map(|_| ()))
            .and(w.indicator4.map(|_| ()))
            .and(w.indicator5.map(|_| ()))
        {
            assert_eq!(n, NotSupplied { dataset: missing });
            assert_eq!(n.figure().reason(), Some(reason.as_str()));
        }
        // ...and every other indicator is exactly what the five datasets give.
        if missing != Dataset::Recruitment {
            assert_eq!(w.indicator2, wres_all5.indicator2);
        }
        if missing != Dataset::EmployeeRelations {
            assert_eq!(w.indicator3, wres_all5.indicator3);
        }
        if missing != Dataset::Training {
            assert_eq!(w.indicator4, wres_all5.indicator4);
        }
        if missing != Dataset::StaffSurvey {
            assert_eq!(w.indicator5, wres_all5.indicator5);
            assert_eq!(m.metric8, wdes_all5.metric8);
        }
        // The EDI success metrics that read the dataset say so too.
        let e = edi_success_metrics(&data, &org("RA1"), SNAP, PayGapOptions::default()).unwrap();
        if missing == Dataset::Recruitment {
            undefined(e.m2a_race.value, &reason);
            assert_eq!(e.m2a_race.assessment, None);
        } else {
            close(e.m2a_race.value, 2.0);
        }
        assert_eq!(e.m6a.is_err(), missing == Dataset::StaffSurvey);
    }
}

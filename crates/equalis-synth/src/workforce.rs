//! The workforce of the ICS's organisations over eight quarter-end snapshots, with
//! recruitment, employee relations cases, non-mandatory training and the NHS Staff Survey
//! results behind WRES, WDES and the pay-gap reports.
//!
//! Each organisation is generated from its own random streams and does not depend on
//! the population, so the workforce can be generated alone or in parallel.

use equalis_vocab::{BoardMember, Disability, EthnicCategory, PayBand};

use crate::dates::{Day, civil, day};
use crate::ics::{Org, OrgKind};
use crate::out::Csv;
use crate::planted;
use crate::rng::{Rand, stream};
use crate::{QUARTER_ENDS, SynthError};

/// ESR staff groups: name and whether they count as clinical for WRES indicator 1.
const GROUPS: [(&str, bool); 8] = [
    ("Nursing and Midwifery Registered", true),
    ("Additional Clinical Services", true),
    ("Allied Health Professionals", true),
    ("Add Prof Scientific and Technic", true),
    ("Healthcare Scientists", true),
    ("Medical and Dental", true),
    ("Administrative and Clerical", false),
    ("Estates and Ancillary", false),
];

/// Staff-group mix by kind of organisation (NHS Digital workforce statistics 2024).
fn group_mix(kind: OrgKind) -> [f64; 8] {
    match kind {
        OrgKind::Acute => [30.0, 22.0, 6.0, 3.0, 3.0, 14.0, 18.0, 4.0],
        OrgKind::Community => [30.0, 25.0, 10.0, 5.0, 1.0, 5.0, 21.0, 3.0],
        OrgKind::Ambulance => [3.0, 35.0, 35.0, 0.0, 0.0, 0.5, 21.5, 5.0],
        OrgKind::Icb => [8.0, 0.0, 2.0, 3.0, 0.0, 2.0, 85.0, 0.0],
    }
}

/// Pay-band mix within a staff group.
fn band_mix(group: usize) -> &'static [(PayBand, f64)] {
    use PayBand::*;
    match group {
        0 => &[
            (Band5, 45.0),
            (Band6, 30.0),
            (Band7, 18.0),
            (Band8a, 5.0),
            (Band8b, 2.0),
        ],
        1 => &[(Band2, 25.0), (Band3, 45.0), (Band4, 30.0)],
        2 => &[
            (Band5, 25.0),
            (Band6, 35.0),
            (Band7, 30.0),
            (Band8a, 8.0),
            (Band8b, 2.0),
        ],
        3 => &[
            (Band5, 15.0),
            (Band6, 25.0),
            (Band7, 30.0),
            (Band8a, 18.0),
            (Band8b, 8.0),
            (Band8c, 4.0),
        ],
        4 => &[
            (Band3, 15.0),
            (Band4, 15.0),
            (Band5, 20.0),
            (Band6, 25.0),
            (Band7, 20.0),
            (Band8a, 5.0),
        ],
        5 => &[(Consultant, 40.0), (CareerGrade, 12.0), (Trainee, 48.0)],
        6 => &[
            (Band2, 15.0),
            (Band3, 30.0),
            (Band4, 22.0),
            (Band5, 10.0),
            (Band6, 7.0),
            (Band7, 6.0),
            (Band8a, 5.0),
            (Band8b, 3.0),
            (Band8c, 1.2),
            (Band8d, 0.6),
            (Band9, 0.2),
        ],
        _ => &[(Band2, 60.0), (Band3, 25.0), (Band4, 10.0), (Band5, 5.0)],
    }
}

/// Full-time annual pay range (approximately Agenda for Change 2025/26 and the 2025/26
/// medical pay scales; VSM and non-executive fees from typical trust annual reports).
fn pay_range(b: PayBand) -> (f64, f64) {
    use PayBand::*;
    match b {
        Band1 | Band2 => (24_465.0, 24_465.0),
        Band3 => (24_937.0, 26_598.0),
        Band4 => (27_485.0, 30_162.0),
        Band5 => (31_049.0, 37_796.0),
        Band6 => (38_682.0, 46_580.0),
        Band7 => (47_810.0, 54_710.0),
        Band8a => (55_690.0, 62_682.0),
        Band8b => (64_455.0, 74_896.0),
        Band8c => (76_965.0, 88_682.0),
        Band8d => (91_342.0, 105_337.0),
        Band9 => (109_179.0, 125_637.0),
        Vsm => (130_000.0, 220_000.0),
        Consultant => (109_725.0, 145_478.0),
        CareerGrade => (55_329.0, 100_870.0),
        Trainee => (38_831.0, 73_992.0),
        Other => (13_000.0, 15_000.0),
    }
}

/// How much more (or less) likely BME staff are to be in a band than overall: the
/// familiar WRES picture of many BME staff in band 5 nursing (international recruits) and
/// in medicine, few at senior AfC bands.
fn bme_band_factor(b: PayBand) -> f64 {
    use PayBand::*;
    match b {
        Band1 | Band2 | Band3 | Band4 => 0.9,
        Band5 => 1.5,
        Band6 => 1.1,
        Band7 => 0.8,
        Band8a | Band8b => 0.6,
        Band8c | Band8d | Band9 | Vsm => 0.4,
        Consultant => 1.3,
        CareerGrade => 1.8,
        Trainee => 1.5,
        Other => 0.6,
    }
}

/// Female share by staff group and band (NHS Digital: 77% of NHS staff are women; 38%
/// of consultants).
fn female_share(kind: OrgKind, group: usize, band: PayBand) -> f64 {
    let base = match (group, band) {
        (5, PayBand::Consultant) => 0.38,
        (5, PayBand::Trainee) => 0.55,
        (5, _) => 0.48,
        (0, _) => 0.89,
        (1, _) => 0.80,
        (2, _) if kind == OrgKind::Ambulance => 0.50,
        (2, _) => 0.80,
        (3 | 4, _) => 0.60,
        (6, _) => 0.80,
        _ => 0.40,
    };
    if band.is_senior_leadership() {
        base * 0.8
    } else {
        base
    }
}

/// BME categories among staff (East Midlands NHS workforce: mostly Indian, African and
/// other Asian), and White categories.
const BME_CATS: [(EthnicCategory, f64); 13] = {
    use EthnicCategory::*;
    [
        (H, 0.40),
        (J, 0.06),
        (K, 0.03),
        (L, 0.12),
        (M, 0.04),
        (N, 0.16),
        (P, 0.02),
        (D, 0.03),
        (E, 0.01),
        (F, 0.02),
        (G, 0.02),
        (R, 0.02),
        (S, 0.07),
    ]
};
const WHITE_CATS: [(EthnicCategory, f64); 3] = [
    (EthnicCategory::A, 0.86),
    (EthnicCategory::B, 0.02),
    (EthnicCategory::C, 0.12),
];

/// One member of staff.
struct Staff {
    id: u32,
    group: usize,
    band: PayBand,
    eth: EthnicCategory,
    disability: Disability,
    female: bool,
    born: i32,
    fte: f64,
    pay_point: f64,
    shift: f64,
    bank: bool,
    board: Option<BoardMember>,
}

impl Staff {
    fn bme(&self) -> Option<bool> {
        self.eth.is_bme()
    }
}

fn draw_ethnicity(r: &mut Rand, p_bme: f64) -> EthnicCategory {
    // ESR: about 3% not stated and 2% not known.
    let u = r.f64();
    if u < 0.03 {
        EthnicCategory::Z
    } else if u < 0.05 {
        EthnicCategory::NotKnown
    } else if r.chance(p_bme.min(0.9)) {
        r.pick(&BME_CATS)
    } else {
        r.pick(&WHITE_CATS)
    }
}

fn draw_disability(r: &mut Rand) -> Disability {
    // ESR declaration rates: about 5% disabled, 12% unknown (NHS Employers).
    let u = r.f64();
    if u < 0.05 {
        Disability::Disabled
    } else if u < 0.17 {
        Disability::Unknown
    } else {
        Disability::NotDisabled
    }
}

fn new_staff(r: &mut Rand, org: &Org, id: u32, year: i32) -> Staff {
    let group = r.weighted(&group_mix(org.kind));
    let band = r.pick(band_mix(group));
    let female = r.chance(female_share(org.kind, group, band));
    let age = match band {
        PayBand::Trainee => r.int(24, 38),
        PayBand::Consultant => r.int(33, 65),
        b if b.is_senior_leadership() => r.int(35, 63),
        _ => r.int(19, 66),
    } as i32;
    // Part-time working: about a third of women and an eighth of men (NHS Digital).
    let fte = if r.chance(if female { 0.35 } else { 0.12 }) {
        [0.4, 0.5, 0.6, 0.8, 0.9][r.below(5)]
    } else {
        1.0
    };
    let u = r.f64();
    let pay_point = if org.planted && !female {
        u.powf(planted::MALE_PAY_POINT_EXPONENT)
    } else {
        u
    };
    // Shift premium (unsocial hours) for about half of ward and ambulance staff.
    let shift_eligible = group <= 2 && !band.is_senior_leadership();
    let shift = if shift_eligible && r.chance(0.5) {
        0.05 + 0.15 * r.f64()
    } else {
        0.0
    };
    Staff {
        id,
        group,
        band,
        eth: draw_ethnicity(r, org.bme * bme_band_factor(band)),
        disability: draw_disability(r),
        female,
        born: year - age,
        fte,
        pay_point,
        shift,
        // Bank-only staff: about 8% of ESR records.
        bank: r.chance(0.08),
        board: None,
    }
}

fn board(r: &mut Rand, org: &Org, next: &mut u32, year: i32) -> Vec<Staff> {
    // About 6 voting executives, 7 voting non-executives and 3 non-voting directors;
    // boards are less ethnically diverse than their workforce (WRES indicator 9).
    let roles = [
        (BoardMember::VotingExec, 6, PayBand::Vsm),
        (BoardMember::VotingNonExec, 7, PayBand::Other),
        (BoardMember::NonVoting, 3, PayBand::Vsm),
    ];
    let mut v = Vec::new();
    for (role, n, band) in roles {
        for _ in 0..n {
            let mut s = new_staff(r, org, *next, year);
            *next += 1;
            s.group = 6;
            s.band = band;
            s.female = r.chance(0.45);
            s.born = year - r.int(42, 68) as i32;
            s.eth = draw_ethnicity(r, 0.15);
            s.bank = false;
            s.shift = 0.0;
            s.fte = if role == BoardMember::VotingNonExec {
                0.1
            } else {
                1.0
            };
            s.board = Some(role);
            v.push(s);
        }
    }
    v
}

/// The output files of the workforce, any of which may be skipped.
pub struct Outputs<'a> {
    /// `staff.csv`.
    pub staff: Option<&'a mut Csv>,
    /// `recruitment.csv`.
    pub recruitment: Option<&'a mut Csv>,
    /// `employee_relations.csv`.
    pub employee_relations: Option<&'a mut Csv>,
    /// `training.csv`.
    pub training: Option<&'a mut Csv>,
    /// `staff_survey.csv`.
    pub staff_survey: Option<&'a mut Csv>,
}

/// Headers.
pub const STAFF_HEADER: [&str; 18] = [
    "staff_id",
    "org_code",
    "snapshot_date",
    "staff_group",
    "clinical",
    "pay_band",
    "ethnic_category",
    "disability",
    "sex",
    "age",
    "bank",
    "fte",
    "ordinary_pay",
    "pay_period_days",
    "weekly_hours",
    "bonus_pay_12m",
    "full_pay_relevant",
    "board_member",
];
/// `recruitment.csv` header.
pub const RECRUITMENT_HEADER: [&str; 9] = [
    "application_id",
    "org_code",
    "vacancy_id",
    "ethnic_category",
    "disability",
    "sex",
    "shortlisted",
    "appointed",
    "decision_date",
];
/// `employee_relations.csv` header.
pub const ER_HEADER: [&str; 5] = ["case_id", "staff_id", "org_code", "process", "start_date"];
/// `training.csv` header.
pub const TRAINING_HEADER: [&str; 3] = ["staff_id", "org_code", "date"];
/// `staff_survey.csv` header.
pub const SURVEY_HEADER: [&str; 7] = [
    "org_code",
    "year",
    "question",
    "group_type",
    "group",
    "respondents",
    "positive",
];

/// Staff Survey indicators: key, group type, and the share answering the indicator's
/// way for (White or Disabled, BME or Non-disabled). NHS Staff Survey 2023 national
/// results, rounded. `wdes_8` is asked of Disabled staff only.
const SURVEY: [(&str, &str, f64, f64); 12] = [
    ("wres_5", "ethnicity", 0.26, 0.285),
    ("wres_6", "ethnicity", 0.226, 0.27),
    ("wres_7", "ethnicity", 0.58, 0.45),
    ("wres_8", "ethnicity", 0.067, 0.166),
    ("wdes_4a_i", "disability", 0.328, 0.249),
    ("wdes_4a_ii", "disability", 0.145, 0.084),
    ("wdes_4a_iii", "disability", 0.23, 0.155),
    ("wdes_4b", "disability", 0.48, 0.46),
    ("wdes_5", "disability", 0.51, 0.579),
    ("wdes_6", "disability", 0.28, 0.20),
    ("wdes_7", "disability", 0.33, 0.44),
    ("wdes_8", "disability", 0.73, -1.0),
];

/// Running id counters shared by all organisations so ids are unique in each file.
#[derive(Default)]
pub struct Ids {
    application: u64,
    vacancy: u64,
    case: u64,
}

fn quarter_start(q: usize) -> Day {
    if q == 0 {
        day(2024, 4, 1)
    } else {
        QUARTER_ENDS[q - 1] + 1
    }
}

fn days_in_month(d: Day) -> u64 {
    let (y, m, _) = civil(d);
    let next = if m == 12 {
        day(y + 1, 1, 1)
    } else {
        day(y, m + 1, 1)
    };
    (next - day(y, m, 1)) as u64
}

/// Generates one organisation's workforce files.
pub fn write_org(
    org: &Org,
    scale: f64,
    seed: u64,
    out: &mut Outputs<'_>,
    ids: &mut Ids,
) -> Result<(), SynthError> {
    let mut r = stream(seed, &format!("staff/{}", org.code), 0);
    let mut rr = stream(seed, &format!("recruitment/{}", org.code), 0);
    let mut re = stream(seed, &format!("employee_relations/{}", org.code), 0);
    let mut rt = stream(seed, &format!("training/{}", org.code), 0);
    let mut rs = stream(seed, &format!("staff_survey/{}", org.code), 0);
    let n = ((org.headcount * scale).round() as usize).max(30);
    let mut next_id = 1u32;
    let mut staff: Vec<Staff> = board(&mut r, org, &mut next_id, 2024);
    for _ in 0..n {
        staff.push(new_staff(&mut r, org, next_id, 2024));
        next_id += 1;
    }
    for (q, &snap) in QUARTER_ENDS.iter().enumerate() {
        let (year, _, _) = civil(snap);
        let q_start = quarter_start(q);
        // Leavers (about 3% a quarter: NHS turnover ≈ 12% a year) and their replacements,
        // who come through the recruitment below.
        let mut leavers = 0;
        staff.retain(|s| {
            let leave = s.board.is_none() && r.chance(0.03);
            leavers += usize::from(leave);
            !leave
        });
        // 0.5% growth a quarter.
        let joiners = leavers + (n as f64 * 0.005).round() as usize;
        for _ in 0..joiners {
            staff.push(new_staff(&mut r, org, next_id, year));
            next_id += 1;
        }
        if let Some(o) = out.staff.as_deref_mut() {
            write_staff(o, org, &staff, snap, &mut r)?;
        }
        if let Some(o) = out.recruitment.as_deref_mut() {
            recruitment(o, org, joiners, q_start, snap, &mut rr, ids)?;
        }
        if let Some(o) = out.employee_relations.as_deref_mut() {
            employee_relations(o, org, &staff, q_start, snap, &mut re, ids)?;
        }
        if let Some(o) = out.training.as_deref_mut() {
            training(o, org, &staff, q_start, snap, &mut rt)?;
        }
        // The Staff Survey runs in the autumn: results by the September headcount.
        if let Some(o) = out.staff_survey.as_deref_mut() {
            let (_, m, _) = civil(snap);
            if m == 9 {
                survey(o, org, &staff, year, &mut rs)?;
            }
        }
    }
    Ok(())
}

fn write_staff(
    o: &mut Csv,
    org: &Org,
    staff: &[Staff],
    snap: Day,
    r: &mut Rand,
) -> Result<(), SynthError> {
    let (year, _, _) = civil(snap);
    let period_days = days_in_month(snap);
    for s in staff {
        let (lo, hi) = pay_range(s.band);
        let annual = lo + (hi - lo) * s.pay_point;
        let fte = if s.board == Some(BoardMember::VotingNonExec) {
            1.0
        } else {
            s.fte
        };
        let monthly = annual * fte / 12.0 * (1.0 + s.shift);
        let hours = if s.band.is_medical() { 40.0 } else { 37.5 } * s.fte;
        // Bonus pay: clinical excellence awards for about a third of consultants, more
        // often men (ACCEA 2019: 40% of men, 25% of women); a few small recognition
        // awards elsewhere.
        let bonus = if s.band == PayBand::Consultant {
            let p = if s.female { 0.25 } else { 0.40 };
            if r.chance(p) {
                3_000.0 + 17_000.0 * r.f64()
            } else {
                0.0
            }
        } else if r.chance(0.01) {
            250.0 + 750.0 * r.f64()
        } else {
            0.0
        };
        // On reduced or nil pay for leave in the pay period: about 4% (more women:
        // maternity leave).
        let full_pay = !r.chance(if s.female { 0.05 } else { 0.025 });
        o.id(&org.code, u64::from(s.id), 7);
        o.s(&org.code);
        o.date(snap);
        o.s(GROUPS[s.group].0);
        o.yn(GROUPS[s.group].1 && s.board.is_none());
        o.s(s.band.code());
        o.s(s.eth.code());
        o.s(s.disability.code());
        o.s(if s.female { "2" } else { "1" });
        o.int((year - s.born).max(16) as u64);
        o.yn(s.bank);
        o.dec(s.fte, 2);
        o.money(if full_pay { monthly } else { monthly * 0.5 });
        o.int(period_days);
        o.dec(hours, 1);
        o.money(bonus);
        o.yn(full_pay);
        match s.board {
            Some(b) => o.s(b.code()),
            None => o.blank(),
        }
        o.end()?;
    }
    Ok(())
}

fn recruitment(
    o: &mut Csv,
    org: &Org,
    vacancies: usize,
    from: Day,
    to: Day,
    r: &mut Rand,
    ids: &mut Ids,
) -> Result<(), SynthError> {
    let (white_p, bme_p) = if org.planted {
        planted::APPOINT_PLANTED
    } else {
        planted::APPOINT_OTHER
    };
    for _ in 0..vacancies {
        ids.vacancy += 1;
        let vacancy = ids.vacancy;
        let date = from + r.int(0, i64::from(to - from)) as i32;
        // About 10 applicants per post (NHS Jobs); applicants are more ethnically
        // diverse than staff.
        let applicants = 1 + r.poisson(9.0);
        for _ in 0..applicants {
            ids.application += 1;
            let eth = draw_ethnicity(r, (org.bme * 1.3).min(0.8));
            let dis = {
                let u = r.f64();
                if u < 0.07 {
                    Disability::Disabled
                } else if u < 0.12 {
                    Disability::Unknown
                } else {
                    Disability::NotDisabled
                }
            };
            let female = r.chance(0.7);
            // Shortlisting is the same for everyone: the planted gap is at appointment.
            let shortlisted = r.chance(0.33);
            let p = match eth.is_bme() {
                Some(false) => white_p,
                Some(true) => bme_p,
                None => (white_p + bme_p) / 2.0,
            };
            let appointed = shortlisted && r.chance(p);
            o.id("APP", ids.application, 9);
            o.s(&org.code);
            o.id("VAC", vacancy, 7);
            o.s(eth.code());
            o.s(dis.code());
            o.s(if female { "2" } else { "1" });
            o.yn(shortlisted);
            o.yn(appointed);
            o.date(date);
            o.end()?;
        }
    }
    Ok(())
}

fn employee_relations(
    o: &mut Csv,
    org: &Org,
    staff: &[Staff],
    from: Day,
    to: Day,
    r: &mut Rand,
    ids: &mut Ids,
) -> Result<(), SynthError> {
    for s in staff.iter().filter(|s| s.board.is_none()) {
        let annual = if org.planted {
            match s.bme() {
                Some(true) => planted::DISCIPLINARY_PLANTED.1,
                _ => planted::DISCIPLINARY_PLANTED.0,
            }
        } else {
            planted::DISCIPLINARY_OTHER
        };
        // Formal capability: about 0.5% a year, twice that for Disabled staff (WDES
        // metric 3 nationally ≈ 2).
        let capability = if s.disability == Disability::Disabled {
            0.010
        } else {
            0.005
        };
        for (process, rate) in [("disciplinary", annual), ("capability", capability)] {
            if r.chance(rate / 4.0) {
                ids.case += 1;
                o.id("ER", ids.case, 8);
                o.id(&org.code, u64::from(s.id), 7);
                o.s(&org.code);
                o.s(process);
                o.date(from + r.int(0, i64::from(to - from)) as i32);
                o.end()?;
            }
        }
    }
    Ok(())
}

fn training(
    o: &mut Csv,
    org: &Org,
    staff: &[Staff],
    from: Day,
    to: Day,
    r: &mut Rand,
) -> Result<(), SynthError> {
    for s in staff.iter().filter(|s| s.board.is_none()) {
        // Non-mandatory training and CPD: about half of staff a year; White staff a
        // little more often (WRES indicator 4 nationally ≈ 1.1).
        let p = match s.bme() {
            Some(false) => 0.16,
            Some(true) => 0.14,
            None => 0.15,
        };
        if r.chance(p) {
            for _ in 0..1 + r.below(2) {
                o.id(&org.code, u64::from(s.id), 7);
                o.s(&org.code);
                o.date(from + r.int(0, i64::from(to - from)) as i32);
                o.end()?;
            }
        }
    }
    Ok(())
}

fn binomial(r: &mut Rand, n: u64, p: f64) -> u64 {
    (0..n).filter(|_| r.chance(p)).count() as u64
}

fn survey(
    o: &mut Csv,
    org: &Org,
    staff: &[Staff],
    year: i32,
    r: &mut Rand,
) -> Result<(), SynthError> {
    let count = |f: &dyn Fn(&Staff) -> bool| staff.iter().filter(|s| f(s)).count() as f64;
    let white = count(&|s| s.bme() == Some(false));
    let bme = count(&|s| s.bme() == Some(true));
    let all = staff.len() as f64;
    // Response rate about 45%; about 24% of respondents say they are disabled (NSS 2023),
    // far more than declare it on ESR.
    let resp = |n: f64, r: &mut Rand| r.round(n * 0.45);
    let groups_eth = [("White", resp(white, r)), ("BME", resp(bme, r))];
    let disabled = resp(all * 0.24, r);
    let non_disabled = resp(all * 0.72, r);
    let groups_dis = [("Disabled", disabled), ("Non-disabled", non_disabled)];
    for (key, gtype, p_first, p_second) in SURVEY {
        let groups = if gtype == "ethnicity" {
            groups_eth
        } else {
            groups_dis
        };
        for (i, (label, n)) in groups.iter().enumerate() {
            let p = if i == 0 { p_first } else { p_second };
            if p < 0.0 {
                continue;
            }
            o.s(&org.code);
            o.int(year as u64);
            o.s(key);
            o.s(gtype);
            o.s(label);
            o.int(*n);
            o.int(binomial(r, *n, p));
            o.end()?;
        }
    }
    Ok(())
}

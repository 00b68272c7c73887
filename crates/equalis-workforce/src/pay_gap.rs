//! Pay gaps: one engine, three reports — gender (statutory), ethnicity and disability.
//!
//! The engine follows the Equality Act 2010 (Specific Duties and Public Authorities)
//! Regulations 2017 (SI 2017/353), Schedule 1:
//! - *Relevant employees* are everyone employed on the snapshot date. Voting non-executive
//!   directors hold office rather than employment and are left out; bank staff are in (the
//!   Act's wide definition of employment), and count for the hourly measures when the caller
//!   supplies their pay for the relevant pay period.
//! - *Full-pay relevant employees* are relevant employees not on reduced or nil pay for leave
//!   in the relevant pay period (`full_pay_relevant = N` excludes). A blank flag is taken as
//!   full pay, since the column is optional, and counted in [`PayCoverage`] so the user sees it.
//!   Employees without ordinary pay, pay period days or weekly hours cannot have an hourly rate
//!   and are excluded from the hourly measures, again counted.
//! - Hourly rate = ordinary pay × 7 / days in the pay period / weekly working hours. The
//!   regulations' steps also add any bonus pay paid in the relevant pay period (pro-rated if
//!   it covers a longer period); the data contract has no column for it, so callers whose
//!   staff were paid a bonus in the relevant pay period include that amount, pro-rated, in
//!   `ordinary_pay` for this purpose. `bonus_pay_12m` feeds the bonus measures only.
//! - Mean and median gaps: `(A − B) / A × 100`, A the reference group's mean (median)
//!   hourly rate, B the group's. Positive: the group is paid less.
//! - Bonus gaps use the bonus pay of relevant employees paid a bonus in the 12 months ending
//!   with the snapshot date (not full-pay only, not pro-rated); the proportion paid a bonus is
//!   those paid one over all relevant employees of the group.
//! - Quartile pay bands: full-pay relevant employees ranked by hourly rate and split into four
//!   sections as equal in size as possible; when `n` is not a multiple of four the lower
//!   sections take the extra employee (sizes differ by at most one). **Ties:** employees on
//!   the same hourly rate that straddle a section boundary are shared between the sections in
//!   proportion to the places each section has for them, each group keeping its share of
//!   the tie in every section (Schedule 1: "the relative proportion of male and female
//!   employees receiving that rate of pay is the same in each of those pay bands"). A section
//!   can therefore hold fractional employees of a group; its total is a whole number.
//!   Hourly rates are compared to a millionth of a pound, so that equal pay computed through
//!   different hours (18.75 against 37.5) is one tie despite floating-point rounding.
//!
//! The engine does not round and computes every measure from exact counts; the guidance
//! publishes them to one decimal place ([`crate::Figure::rounded`]), which the command line
//! does from these exact figures (never from counts rounded for disclosure), withholding a
//! measure only when a group it compares has 1 to 7 people (`docs/WORKFORCE.md`).
//!
//! Ethnicity follows the voluntary ethnicity pay reporting guidance (DBT, April 2023): each
//! ONS Census 2021 high-level group (White British, other White, Mixed, Asian, Black, Other)
//! compared with White British, and a binary White (A–C) / ethnic minority (D–S)
//! comparison; Not stated and Not known reported as their own groups, never merged; groups
//! with fewer relevant employees than [`PayGapOptions::small_group_threshold`] merged into
//! one "smaller groups combined" group, whose figures are withheld if it is still too small.
//! A group below the threshold (Not stated, Not known, a combined group, or a small disability
//! group) has every figure of its own withheld as undefined, with the reason: its gaps, its
//! pay, its bonus proportion and its quartile shares; when its shares are the only ones
//! withheld, the next smallest group's are withheld too, since each quartile's shares add up
//! to 100%. Counts are left to disclosure control at the edge.
//! Disability compares Disabled (and unknown, reported separately) with non-disabled staff.

use equalis_vocab::{BoardMember, Census2021Group, Disability, EthnicCategory, Flag, Sex};
use jiff::civil::Date;

use crate::figure::{mean, median_sorted};
use crate::records::{StaffRecord, Workforce};
use crate::{Figure, Scope, select};

/// Settings for the ethnicity and disability pay gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayGapOptions {
    /// Groups with fewer relevant employees are aggregated (ethnicity) or have every figure of
    /// their own withheld (gaps, pay, bonus proportion, quartile shares). The guidance leaves
    /// the number to the employer; 10 is common practice.
    pub small_group_threshold: u64,
}

impl Default for PayGapOptions {
    fn default() -> Self {
        PayGapOptions {
            small_group_threshold: 10,
        }
    }
}

/// Hourly rate of pay per Schedule 1: `ordinary_pay × 7 / pay_period_days / weekly_hours`.
pub fn hourly_rate(ordinary_pay: f64, pay_period_days: u32, weekly_hours: f64) -> f64 {
    ordinary_pay * 7.0 / f64::from(pay_period_days) / weekly_hours
}

/// One relevant employee as the engine sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PayEmployee<G> {
    /// The group (sex, ethnicity group, disability).
    pub group: G,
    /// Hourly rate, for full-pay relevant employees with pay data; `None` otherwise.
    pub hourly_rate: Option<f64>,
    /// Bonus pay in the 12 months to the snapshot; zero if none.
    pub bonus_pay: f64,
}

/// Who was counted, and who was left out of the hourly measures and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PayCoverage {
    /// Relevant employees.
    pub relevant_employees: u64,
    /// Full-pay relevant employees with an hourly rate.
    pub full_pay_relevant_employees: u64,
    /// Left out of hourly measures: on reduced or nil pay for leave.
    pub excluded_reduced_pay: u64,
    /// Left out of hourly measures: ordinary pay, pay period days or weekly hours blank.
    pub excluded_missing_pay_data: u64,
    /// Counted as full pay although the `full_pay_relevant` flag was blank.
    pub full_pay_flag_not_recorded: u64,
}

/// One group's pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupPay<G> {
    /// The group.
    pub group: G,
    /// Relevant employees in the group.
    pub relevant_employees: u64,
    /// The group's share of all relevant employees, %.
    pub representation_pct: Figure,
    /// Full-pay relevant employees in the group.
    pub full_pay_relevant_employees: u64,
    /// Mean hourly rate.
    pub mean_hourly: Figure,
    /// Median hourly rate.
    pub median_hourly: Figure,
    /// Relevant employees paid a bonus.
    pub paid_bonus: u64,
    /// `paid_bonus / relevant_employees × 100`.
    pub bonus_proportion_pct: Figure,
    /// Mean bonus of those paid one.
    pub mean_bonus: Figure,
    /// Median bonus of those paid one.
    pub median_bonus: Figure,
}

/// The four gaps of one group against the reference group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap<G> {
    /// Reference group (men; White British or White; non-disabled).
    pub reference: G,
    /// The group compared.
    pub group: G,
    /// Mean hourly gap, %.
    pub mean_gap_pct: Figure,
    /// Median hourly gap, %.
    pub median_gap_pct: Figure,
    /// Mean bonus gap, %.
    pub mean_bonus_gap_pct: Figure,
    /// Median bonus gap, %.
    pub median_bonus_gap_pct: Figure,
}

/// A quartile pay band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuartileBand {
    /// Lowest paid quarter.
    Lower,
    /// Lower middle.
    LowerMiddle,
    /// Upper middle.
    UpperMiddle,
    /// Highest paid quarter.
    Upper,
}

impl QuartileBand {
    /// Lowest to highest.
    pub const ALL: [QuartileBand; 4] = [
        QuartileBand::Lower,
        QuartileBand::LowerMiddle,
        QuartileBand::UpperMiddle,
        QuartileBand::Upper,
    ];

    /// The label in the gender pay gap service.
    pub fn label(self) -> &'static str {
        match self {
            QuartileBand::Lower => "Lower",
            QuartileBand::LowerMiddle => "Lower middle",
            QuartileBand::UpperMiddle => "Upper middle",
            QuartileBand::Upper => "Upper",
        }
    }
}

/// One group's place in a quartile pay band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuartileShare<G> {
    /// The group.
    pub group: G,
    /// Employees of the group in the band (fractional where a tie is shared).
    pub employees: f64,
    /// `employees / band size × 100`.
    pub pct: Figure,
}

/// A quartile pay band's composition.
#[derive(Debug, Clone, PartialEq)]
pub struct Quartile<G> {
    /// Which band.
    pub band: QuartileBand,
    /// Full-pay relevant employees in the band.
    pub employees: u64,
    /// Each group's share, in the analysis' group order.
    pub shares: Vec<QuartileShare<G>>,
}

/// The engine's result.
#[derive(Debug, Clone, PartialEq)]
pub struct PayGapAnalysis<G> {
    /// The reference group.
    pub reference: G,
    /// Each group's pay, in the order given.
    pub groups: Vec<GroupPay<G>>,
    /// Each non-reference group's gaps, in the order given.
    pub gaps: Vec<Gap<G>>,
    /// Lower, lower middle, upper middle, upper.
    pub quartiles: Vec<Quartile<G>>,
}

/// Sizes of the four sections of `n` ranked employees: as equal as possible, the lower
/// sections taking the remainder.
pub fn quartile_sizes(n: u64) -> [u64; 4] {
    let (base, rem) = (n / 4, n % 4);
    std::array::from_fn(|q| base + u64::from((q as u64) < rem))
}

/// Hourly rates compared to a millionth of a pound, for ranking and ties.
fn rate_key(rate: f64) -> i64 {
    (rate * 1e6).round() as i64
}

/// Runs the engine over `employees`, reporting `groups` in the order given (employees of
/// groups not listed are ignored) with `reference` as the comparator.
pub fn analyse<G: Copy + PartialEq>(
    employees: &[PayEmployee<G>],
    groups: &[G],
    reference: G,
) -> PayGapAnalysis<G> {
    let index = |g: G| groups.iter().position(|x| *x == g);
    let k = groups.len();
    let mut hourly: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut bonus: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut relevant = vec![0u64; k];
    // (rate key, rate, group index) of every full-pay relevant employee.
    let mut ranked: Vec<(i64, usize)> = Vec::new();
    for e in employees {
        let Some(i) = index(e.group) else { continue };
        relevant[i] += 1;
        if e.bonus_pay > 0.0 {
            bonus[i].push(e.bonus_pay);
        }
        if let Some(r) = e.hourly_rate {
            hourly[i].push(r);
            ranked.push((rate_key(r), i));
        }
    }
    let total_relevant: u64 = relevant.iter().sum();
    let mut pays = Vec::with_capacity(k);
    for i in 0..k {
        hourly[i].sort_by(f64::total_cmp);
        bonus[i].sort_by(f64::total_cmp);
        let no_full = "no full-pay relevant employees in the group";
        let no_bonus = "no one in the group was paid a bonus";
        pays.push(GroupPay {
            group: groups[i],
            relevant_employees: relevant[i],
            representation_pct: Figure::percent(
                relevant[i] as f64,
                total_relevant as f64,
                "no relevant employees",
            ),
            full_pay_relevant_employees: hourly[i].len() as u64,
            mean_hourly: opt(mean(&hourly[i]), no_full),
            median_hourly: opt(median_sorted(&hourly[i]), no_full),
            paid_bonus: bonus[i].len() as u64,
            bonus_proportion_pct: Figure::percent(
                bonus[i].len() as f64,
                relevant[i] as f64,
                "no relevant employees in the group",
            ),
            mean_bonus: opt(mean(&bonus[i]), no_bonus),
            median_bonus: opt(median_sorted(&bonus[i]), no_bonus),
        });
    }
    let reference_pay = index(reference).map(|i| pays[i]);
    let gaps = pays
        .iter()
        .filter(|p| p.group != reference)
        .map(|p| gap_between(reference, reference_pay.as_ref(), p))
        .collect();
    PayGapAnalysis {
        reference,
        quartiles: quartiles(&mut ranked, groups),
        groups: pays,
        gaps,
    }
}

fn opt(v: Option<f64>, reason: &'static str) -> Figure {
    match v {
        Some(x) => Figure::Value(x),
        None => Figure::Undefined { reason },
    }
}

/// `(A − B) / A × 100`.
fn gap(a: Figure, b: Figure, a_missing: &'static str, b_missing: &'static str) -> Figure {
    match (a, b) {
        (Figure::Undefined { .. }, _) => Figure::Undefined { reason: a_missing },
        (_, Figure::Undefined { .. }) => Figure::Undefined { reason: b_missing },
        (Figure::Value(a), Figure::Value(b)) => {
            Figure::percent(a - b, a, "the reference group's pay is zero")
        }
    }
}

fn gap_between<G: Copy>(reference: G, r: Option<&GroupPay<G>>, p: &GroupPay<G>) -> Gap<G> {
    const NO_REF: &str = "no full-pay relevant employees in the reference group";
    const NO_GRP: &str = "no full-pay relevant employees in the group";
    const NO_REF_BONUS: &str = "no one in the reference group was paid a bonus";
    const NO_GRP_BONUS: &str = "no one in the group was paid a bonus";
    let undefined = Figure::Undefined { reason: NO_REF };
    let (rm, rmed, rbm, rbmed) = match r {
        Some(r) => (r.mean_hourly, r.median_hourly, r.mean_bonus, r.median_bonus),
        None => (undefined, undefined, undefined, undefined),
    };
    Gap {
        reference,
        group: p.group,
        mean_gap_pct: gap(rm, p.mean_hourly, NO_REF, NO_GRP),
        median_gap_pct: gap(rmed, p.median_hourly, NO_REF, NO_GRP),
        mean_bonus_gap_pct: gap(rbm, p.mean_bonus, NO_REF_BONUS, NO_GRP_BONUS),
        median_bonus_gap_pct: gap(rbmed, p.median_bonus, NO_REF_BONUS, NO_GRP_BONUS),
    }
}

fn quartiles<G: Copy>(ranked: &mut [(i64, usize)], groups: &[G]) -> Vec<Quartile<G>> {
    ranked.sort_unstable_by_key(|&(key, _)| key);
    let n = ranked.len() as u64;
    let sizes = quartile_sizes(n);
    // Section q holds ranks [bounds[q], bounds[q + 1]).
    let mut bounds = [0u64; 5];
    for q in 0..4 {
        bounds[q + 1] = bounds[q] + sizes[q];
    }
    let mut held = vec![vec![0f64; groups.len()]; 4];
    let mut tie_counts = vec![0u64; groups.len()];
    let mut start = 0usize;
    while start < ranked.len() {
        let key = ranked[start].0;
        let mut end = start;
        tie_counts.iter_mut().for_each(|c| *c = 0);
        while end < ranked.len() && ranked[end].0 == key {
            tie_counts[ranked[end].1] += 1;
            end += 1;
        }
        let tie = (end - start) as f64;
        for q in 0..4 {
            let lo = bounds[q].max(start as u64);
            let hi = bounds[q + 1].min(end as u64);
            if hi > lo {
                // The section takes `places` of this tie; each group fills them in its
                // share of the tie, so the proportions at this rate are the same in every
                // section the tie spans.
                let places = (hi - lo) as f64;
                for (g, &c) in tie_counts.iter().enumerate() {
                    if c > 0 {
                        held[q][g] += places * c as f64 / tie;
                    }
                }
            }
        }
        start = end;
    }
    QuartileBand::ALL
        .into_iter()
        .enumerate()
        .map(|(q, band)| Quartile {
            band,
            employees: sizes[q],
            shares: groups
                .iter()
                .enumerate()
                .map(|(g, &group)| QuartileShare {
                    group,
                    employees: held[q][g],
                    pct: Figure::percent(
                        held[q][g],
                        sizes[q] as f64,
                        "fewer than four full-pay relevant employees",
                    ),
                })
                .collect(),
        })
        .collect()
}

/// Turns the snapshot's staff into engine inputs, with the coverage counts.
fn employees<G>(
    staff: &[&StaffRecord],
    group_of: impl Fn(&StaffRecord) -> G,
) -> (Vec<PayEmployee<G>>, PayCoverage) {
    let mut cov = PayCoverage::default();
    let mut out = Vec::with_capacity(staff.len());
    for s in staff {
        if s.board_member == Some(BoardMember::VotingNonExec) {
            continue;
        }
        cov.relevant_employees += 1;
        let hourly_rate = match s.full_pay_relevant {
            Flag::No => {
                cov.excluded_reduced_pay += 1;
                None
            }
            flag => match (s.ordinary_pay, s.pay_period_days, s.weekly_hours) {
                (Some(p), Some(d), Some(h)) => {
                    cov.full_pay_relevant_employees += 1;
                    if flag == Flag::NotRecorded {
                        cov.full_pay_flag_not_recorded += 1;
                    }
                    Some(hourly_rate(p, d, h))
                }
                _ => {
                    cov.excluded_missing_pay_data += 1;
                    None
                }
            },
        };
        out.push(PayEmployee {
            group: group_of(s),
            hourly_rate,
            bonus_pay: s.bonus_pay_12m.unwrap_or(0.0),
        });
    }
    (out, cov)
}

/// Percentages for men and women.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaleFemale {
    /// Men.
    pub male: Figure,
    /// Women.
    pub female: Figure,
}

/// A quartile pay band of the gender pay gap: % men and % women.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SexQuartile {
    /// Which band.
    pub band: QuartileBand,
    /// Full-pay relevant men and women in the band.
    pub employees: u64,
    /// % men and % women.
    pub pct: MaleFemale,
}

/// The gender pay gap: the six measures of Schedule 1.
#[derive(Debug, Clone, PartialEq)]
pub struct GenderPayGap {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date (31 March for public authorities).
    pub snapshot_date: Date,
    /// Who was counted.
    pub coverage: PayCoverage,
    /// Relevant employees whose stated gender is neither male nor female (indeterminate or
    /// not known): the regulations compare men and women, so they are left out and counted.
    pub excluded_sex_not_male_or_female: u64,
    /// (a) Mean gender pay gap, %.
    pub mean_gap_pct: Figure,
    /// (b) Median gender pay gap, %.
    pub median_gap_pct: Figure,
    /// (c) Mean bonus gap, %.
    pub mean_bonus_gap_pct: Figure,
    /// (d) Median bonus gap, %.
    pub median_bonus_gap_pct: Figure,
    /// (e) Proportion of men and of women paid a bonus, %.
    pub bonus_proportion: MaleFemale,
    /// (f) Quartile pay bands, lower to upper.
    pub quartiles: Vec<SexQuartile>,
    /// Men's pay.
    pub male: GroupPay<Sex>,
    /// Women's pay.
    pub female: GroupPay<Sex>,
}

/// The gender pay gap for one scope and snapshot date.
pub fn gender_pay_gap(data: &Workforce, scope: &Scope, snapshot_date: Date) -> GenderPayGap {
    gender_unchecked(data, scope, snapshot_date)
}

pub(crate) fn gender_unchecked(data: &Workforce, scope: &Scope, date: Date) -> GenderPayGap {
    let snap = select::snapshot(data, scope, date);
    let (emps, cov) = employees(&snap, |s| s.sex);
    let excluded = emps
        .iter()
        .filter(|e| !matches!(e.group, Sex::Male | Sex::Female))
        .count() as u64;
    let a = analyse(&emps, &[Sex::Male, Sex::Female], Sex::Male);
    let (male, female) = (a.groups[0], a.groups[1]);
    let g = a.gaps[0];
    GenderPayGap {
        scope: scope.clone(),
        snapshot_date: date,
        coverage: cov,
        excluded_sex_not_male_or_female: excluded,
        mean_gap_pct: g.mean_gap_pct,
        median_gap_pct: g.median_gap_pct,
        mean_bonus_gap_pct: g.mean_bonus_gap_pct,
        median_bonus_gap_pct: g.median_bonus_gap_pct,
        bonus_proportion: MaleFemale {
            male: male.bonus_proportion_pct,
            female: female.bonus_proportion_pct,
        },
        quartiles: a
            .quartiles
            .iter()
            .map(|q| SexQuartile {
                band: q.band,
                employees: q.employees,
                pct: MaleFemale {
                    male: q.shares[0].pct,
                    female: q.shares[1].pct,
                },
            })
            .collect(),
        male,
        female,
    }
}

/// Ethnic groups of the ethnicity pay gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EthnicityPayGroup {
    /// White British (A): the reference group of the detailed comparison.
    WhiteBritish,
    /// White Irish or any other White background (B, C).
    WhiteOther,
    /// Mixed (D–G).
    Mixed,
    /// Asian or Asian British (H–L, and R Chinese, as in Census 2021).
    Asian,
    /// Black or Black British (M–P).
    Black,
    /// Any other ethnic group (S).
    Other,
    /// Groups too small to report alone, combined.
    SmallerGroupsCombined,
    /// White (A–C): the reference group of the binary comparison.
    White,
    /// Ethnic minority (D–S).
    EthnicMinority,
    /// Not stated (Z): reported separately.
    NotStated,
    /// Not known (99): reported separately.
    NotKnown,
}

impl EthnicityPayGroup {
    /// A readable label.
    pub fn label(self) -> &'static str {
        use EthnicityPayGroup::*;
        match self {
            WhiteBritish => "White British",
            WhiteOther => "White Irish or other White",
            Mixed => "Mixed",
            Asian => "Asian or Asian British",
            Black => "Black or Black British",
            Other => "Other ethnic group",
            SmallerGroupsCombined => "Smaller groups combined",
            White => "White",
            EthnicMinority => "Ethnic minority",
            NotStated => "Not stated",
            NotKnown => "Not known",
        }
    }

    /// The ONS Census 2021 high-level groups the guidance asks for (so Chinese, `R`, is
    /// Asian, not Other as in the NHS 2001-based roll-up), with White split into White British
    /// and the rest because White British is the reference group.
    fn detailed(c: EthnicCategory) -> EthnicityPayGroup {
        use EthnicityPayGroup::*;
        match (c, c.census2021_group()) {
            (EthnicCategory::A, _) => WhiteBritish,
            (_, Some(Census2021Group::White)) => WhiteOther,
            (_, Some(Census2021Group::Mixed)) => Mixed,
            (_, Some(Census2021Group::Asian)) => Asian,
            (_, Some(Census2021Group::Black)) => Black,
            (_, Some(Census2021Group::Other)) => Other,
            (EthnicCategory::Z, None) => NotStated,
            (_, None) => NotKnown,
        }
    }

    fn binary(c: EthnicCategory) -> EthnicityPayGroup {
        match c.is_bme() {
            Some(false) => EthnicityPayGroup::White,
            Some(true) => EthnicityPayGroup::EthnicMinority,
            None if c == EthnicCategory::Z => EthnicityPayGroup::NotStated,
            None => EthnicityPayGroup::NotKnown,
        }
    }
}

/// The ethnicity pay gap.
#[derive(Debug, Clone, PartialEq)]
pub struct EthnicityPayGap {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date.
    pub snapshot_date: Date,
    /// Who was counted.
    pub coverage: PayCoverage,
    /// The small-group threshold applied.
    pub small_group_threshold: u64,
    /// Groups merged into "smaller groups combined" because they were below the threshold.
    pub aggregated: Vec<EthnicityPayGroup>,
    /// Each group against White British.
    pub by_group: PayGapAnalysis<EthnicityPayGroup>,
    /// White against ethnic minority (Not stated and Not known shown separately).
    pub binary: PayGapAnalysis<EthnicityPayGroup>,
}

const TOO_SMALL: &str = "fewer relevant employees than the small-group threshold";
const COMPLEMENT: &str =
    "withheld with a smaller group's share, which would otherwise follow from the others";

/// Withholds every figure of a group below the threshold (its gaps, its own pay and bonus
/// figures, its quartile shares), and every gap when the reference group is below it; their
/// counts stay (disclosure control at the edge decides what is published). A group's mean or
/// median would give its gap back from the reference group's, so neither is published alone.
/// Each quartile's shares add up to 100%, so when exactly one group with full-pay employees
/// has its shares withheld, the next smallest such group's shares are withheld with them.
fn withhold_small<G: Copy + PartialEq>(a: &mut PayGapAnalysis<G>, threshold: u64) {
    let small: Vec<G> = a
        .groups
        .iter()
        .filter(|g| g.relevant_employees < threshold)
        .map(|g| g.group)
        .collect();
    let reference_small = small.contains(&a.reference);
    // An already undefined figure keeps its own, more specific, reason.
    let withhold = |f: &mut Figure, reason: &'static str| {
        if f.value().is_some() {
            *f = Figure::Undefined { reason };
        }
    };
    for gap in &mut a.gaps {
        if reference_small || small.contains(&gap.group) {
            for f in [
                &mut gap.mean_gap_pct,
                &mut gap.median_gap_pct,
                &mut gap.mean_bonus_gap_pct,
                &mut gap.median_bonus_gap_pct,
            ] {
                withhold(f, TOO_SMALL);
            }
        }
    }
    for g in a.groups.iter_mut().filter(|g| small.contains(&g.group)) {
        for f in [
            &mut g.mean_hourly,
            &mut g.median_hourly,
            &mut g.bonus_proportion_pct,
            &mut g.mean_bonus,
            &mut g.median_bonus,
        ] {
            withhold(f, TOO_SMALL);
        }
    }
    let full_pay = |g: G| {
        a.groups
            .iter()
            .find(|x| x.group == g)
            .map_or(0, |x| x.full_pay_relevant_employees)
    };
    let hidden: Vec<G> = small.iter().copied().filter(|&g| full_pay(g) > 0).collect();
    let complement = match hidden.as_slice() {
        [_] => a
            .groups
            .iter()
            .filter(|g| !small.contains(&g.group) && g.full_pay_relevant_employees > 0)
            .min_by_key(|g| g.full_pay_relevant_employees)
            .map(|g| g.group),
        _ => None,
    };
    for q in &mut a.quartiles {
        for share in &mut q.shares {
            if small.contains(&share.group) {
                withhold(&mut share.pct, TOO_SMALL);
            } else if complement == Some(share.group) {
                withhold(&mut share.pct, COMPLEMENT);
            }
        }
    }
}

/// The ethnicity pay gap for one scope and snapshot date.
pub fn ethnicity_pay_gap(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
    options: PayGapOptions,
) -> EthnicityPayGap {
    ethnicity_unchecked(data, scope, snapshot_date, options)
}

pub(crate) fn ethnicity_unchecked(
    data: &Workforce,
    scope: &Scope,
    date: Date,
    options: PayGapOptions,
) -> EthnicityPayGap {
    use EthnicityPayGroup::*;
    let snap = select::snapshot(data, scope, date);
    let (mut detailed, cov) = employees(&snap, |s| EthnicityPayGroup::detailed(s.ethnic_category));
    let mergeable = [WhiteOther, Mixed, Asian, Black, Other];
    let aggregated: Vec<EthnicityPayGroup> = mergeable
        .into_iter()
        .filter(|g| {
            let n = detailed.iter().filter(|e| e.group == *g).count() as u64;
            n > 0 && n < options.small_group_threshold
        })
        .collect();
    for e in &mut detailed {
        if aggregated.contains(&e.group) {
            e.group = SmallerGroupsCombined;
        }
    }
    let mut groups = vec![WhiteBritish];
    groups.extend(mergeable.into_iter().filter(|g| !aggregated.contains(g)));
    if !aggregated.is_empty() {
        groups.push(SmallerGroupsCombined);
    }
    groups.extend([NotStated, NotKnown]);
    let mut by_group = analyse(&detailed, &groups, WhiteBritish);
    withhold_small(&mut by_group, options.small_group_threshold);
    let (binary_emps, _) = employees(&snap, |s| EthnicityPayGroup::binary(s.ethnic_category));
    let mut binary = analyse(
        &binary_emps,
        &[White, EthnicMinority, NotStated, NotKnown],
        White,
    );
    withhold_small(&mut binary, options.small_group_threshold);
    EthnicityPayGap {
        scope: scope.clone(),
        snapshot_date: date,
        coverage: cov,
        small_group_threshold: options.small_group_threshold,
        aggregated,
        by_group,
        binary,
    }
}

/// The disability pay gap: Disabled and unknown against non-disabled.
#[derive(Debug, Clone, PartialEq)]
pub struct DisabilityPayGap {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date.
    pub snapshot_date: Date,
    /// Who was counted.
    pub coverage: PayCoverage,
    /// Non-disabled (reference), Disabled, unknown.
    pub analysis: PayGapAnalysis<Disability>,
}

/// The disability pay gap for one scope and snapshot date.
pub fn disability_pay_gap(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
    options: PayGapOptions,
) -> DisabilityPayGap {
    disability_unchecked(data, scope, snapshot_date, options)
}

pub(crate) fn disability_unchecked(
    data: &Workforce,
    scope: &Scope,
    date: Date,
    options: PayGapOptions,
) -> DisabilityPayGap {
    let snap = select::snapshot(data, scope, date);
    let (emps, cov) = employees(&snap, |s| s.disability);
    let mut analysis = analyse(
        &emps,
        &[
            Disability::NotDisabled,
            Disability::Disabled,
            Disability::Unknown,
        ],
        Disability::NotDisabled,
    );
    withhold_small(&mut analysis, options.small_group_threshold);
    DisabilityPayGap {
        scope: scope.clone(),
        snapshot_date: date,
        coverage: cov,
        analysis,
    }
}

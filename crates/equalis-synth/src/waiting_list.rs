//! Weekly snapshots of the elective (RTT) waiting list, simulated as a queue.
//!
//! Each week new clock starts arrive, each open pathway stops with a weekly chance set by
//! its priority (a few "stuck" pathways stop much more slowly, giving the long tail of
//! 52-week waiters), and every open pathway is written with that week's snapshot date,
//! so a `pathway_id` persists from its clock start until its clock stops. The queue runs
//! for three years before the first snapshot so the list is in steady state when it is
//! first seen. Only open pathways are held in memory; rows stream straight to disk.

use equalis_vocab::TreatmentFunction;

use crate::dates::{Day, age_on};
use crate::ics::{Core20Effect, Ics};
use crate::out::Csv;
use crate::population::{Population, core20, flag};
use crate::rng::{Rand, stream};
use crate::{FIRST_SNAPSHOT, N_SNAPSHOTS, SynthError};

/// Share of the registered population with an open pathway: 7.4 million pathways for
/// 57 million people in England (RTT statistics 2025) is about 13%.
pub const LIST_SHARE: f64 = 0.13;
/// Weeks of simulation before the first snapshot.
const BURN_IN_WEEKS: i32 = 156;
/// Share of pathways that are "stuck" (complex, repeatedly deferred) and their weekly
/// clock-stop chance: they make up most waits over a year.
const STUCK: (f64, f64) = (0.07, 0.03);

/// Priorities with their share of new clock starts and weekly clock-stop chance. Most
/// elective pathways are routine P4 or P3; P1 (within 72 hours) and P2 (within a month)
/// are few and short; about a tenth of lists carry no priority.
const PRIORITIES: [(&str, f64, f64); 5] = [
    ("P1", 0.02, 0.45),
    ("P2", 0.09, 0.18),
    ("P3", 0.22, 0.085),
    ("P4", 0.55, 0.065),
    ("", 0.12, 0.07),
];

/// Common specialties' share of the national RTT list (RTT statistics 2024-25, rounded);
/// every other code in [`TreatmentFunction::all`] shares a small remainder.
const ADULT_TF: [(u16, f64); 17] = [
    (110, 12.0),
    (130, 9.0),
    (120, 6.5),
    (502, 7.0),
    (100, 6.0),
    (301, 5.5),
    (330, 5.0),
    (320, 5.0),
    (101, 5.0),
    (145, 4.0),
    (340, 3.0),
    (400, 3.0),
    (410, 2.5),
    (160, 2.0),
    (430, 1.0),
    (302, 1.5),
    (361, 1.0),
];
/// Children's pathways are mostly paediatric specialties.
const CHILD_TF: [(u16, f64); 9] = [
    (420, 30.0),
    (214, 10.0),
    (215, 12.0),
    (216, 8.0),
    (251, 5.0),
    (258, 4.0),
    (290, 8.0),
    (321, 3.0),
    (217, 5.0),
];

/// An open pathway. The person's fields that each row needs are copied in when the
/// clock starts: reading them from the population on every row would be a cache miss
/// per row (the population is hundreds of megabytes at scale 10), and was most of the
/// run time.
struct Pathway {
    id: u32,
    start: Day,
    dob: Day,
    nhs: [u8; 10],
    tf: u16,
    area: u16,
    provider: u8,
    priority: u8,
    stuck: bool,
    core20: bool,
    ld: bool,
    sex: &'static str,
    eth: &'static str,
}

/// Treatment-function tables: `(code, weight)` for adults and for children.
struct Specialties {
    adult: Vec<(u16, f64)>,
    child: Vec<(u16, f64)>,
}

fn specialties() -> Specialties {
    let mut adult: Vec<(u16, f64)> = ADULT_TF.to_vec();
    let named: f64 = adult.iter().map(|(_, w)| w).sum();
    let others: Vec<u16> = TreatmentFunction::all()
        .map(|t| t.code())
        .filter(|c| !ADULT_TF.iter().any(|(a, _)| a == c) && !(211..300).contains(c))
        .collect();
    // The named specialties are about 74% of the list; the rest share 26%.
    let each = named * 0.35 / others.len() as f64;
    adult.extend(others.iter().map(|&c| (c, each)));
    let mut child: Vec<(u16, f64)> = CHILD_TF.to_vec();
    child.push((120, 8.0));
    child.push((130, 5.0));
    child.push((711, 2.0));
    Specialties { adult, child }
}

/// Who gets referred: people are bucketed by referral weight (age, sex, deprivation),
/// a bucket is drawn by total weight, then a person uniformly within it.
struct Referrals {
    buckets: Vec<Vec<u32>>,
    weights: Vec<f64>,
}

fn referral_weight(age: u8, female: bool, core20: bool) -> (usize, f64) {
    // Referral rates rise with age (HES outpatient first attendances by age) and are
    // higher for women (gynaecology, breast) and in deprived areas (more need).
    let (ai, aw) = match age {
        0..=15 => (0, 0.5),
        16..=39 => (1, 0.7),
        40..=59 => (2, 1.0),
        60..=74 => (3, 1.7),
        _ => (4, 2.0),
    };
    let idx = ai * 4 + usize::from(female) * 2 + usize::from(core20);
    let w = aw * if female { 1.15 } else { 1.0 } * if core20 { 1.15 } else { 1.0 };
    (idx, w)
}

impl Referrals {
    fn new(ics: &Ics, pop: &Population) -> Referrals {
        let mut buckets = vec![Vec::new(); 20];
        let mut weights = vec![0.0; 20];
        for (i, p) in pop.people.iter().enumerate() {
            let (b, w) = referral_weight(p.age, p.sex == 2, core20(ics, p));
            buckets[b].push(i as u32);
            weights[b] = w;
        }
        for (w, b) in weights.iter_mut().zip(&buckets) {
            *w *= b.len() as f64;
        }
        Referrals { buckets, weights }
    }

    fn draw(&self, r: &mut Rand) -> u32 {
        let b = &self.buckets[r.weighted(&self.weights)];
        b[r.below(b.len())]
    }
}

/// The weekly clock-stop multiplier for Core20 patients at a provider in week `w`
/// (`w` = 0 at the first snapshot, negative before).
fn core20_multiplier(effect: Core20Effect, w: i32) -> f64 {
    match effect {
        Core20Effect::None => 1.0,
        Core20Effect::Constant(m) => m,
        Core20Effect::Narrowing { from, to } => {
            let t = (f64::from(w) / f64::from(N_SNAPSHOTS - 1)).clamp(0.0, 1.0);
            from + (to - from) * t
        }
    }
}

/// Mean weeks on the list of a new clock start (ignoring the Core20 effects).
fn mean_duration() -> f64 {
    PRIORITIES
        .iter()
        .map(|&(_, share, h)| share * ((1.0 - STUCK.0) / h + STUCK.0 / STUCK.1))
        .sum()
}

/// The header of `waiting_list.csv`.
pub const HEADER: [&str; 12] = [
    "pathway_id",
    "nhs_number",
    "snapshot_date",
    "provider_code",
    "treatment_function_code",
    "priority",
    "rtt_start_date",
    "age",
    "sex",
    "ethnic_category",
    "lsoa_code",
    "learning_disability",
];

/// Runs the queue and writes every snapshot. `progress(week)` is called after each
/// written snapshot.
pub fn write(
    ics: &Ics,
    pop: &Population,
    seed: u64,
    out: &mut Csv,
    progress: &dyn Fn(u64),
) -> Result<(), SynthError> {
    if pop.people.is_empty() {
        return Ok(());
    }
    let specs = specialties();
    let referrals = Referrals::new(ics, pop);
    let target = pop.people.len() as f64 * LIST_SHARE;
    let arrivals_per_week = target / mean_duration();
    let provider_shares: Vec<f64> = ics.providers.iter().map(|p| p.share).collect();
    let priority_shares: Vec<f64> = PRIORITIES.iter().map(|p| p.1).collect();
    let mut r = stream(seed, "waiting_list", 0);
    let mut open: Vec<Pathway> = Vec::with_capacity((target * 1.2) as usize);
    let mut next_id = 1u32;
    for w in -BURN_IN_WEEKS..N_SNAPSHOTS {
        let week_end = FIRST_SNAPSHOT + 7 * w;
        let mults: Vec<f64> = ics
            .providers
            .iter()
            .map(|p| core20_multiplier(p.core20, w))
            .collect();
        // Clock stops.
        open.retain(|pw| {
            let base = if pw.stuck {
                STUCK.1
            } else {
                PRIORITIES[pw.priority as usize].2
            };
            let m = if pw.core20 {
                mults[pw.provider as usize]
            } else {
                1.0
            };
            !r.chance(base * m)
        });
        // Clock starts during the week ending `week_end`.
        let n_new = r.poisson(arrivals_per_week);
        for _ in 0..n_new {
            let person = referrals.draw(&mut r);
            let p = &pop.people[person as usize];
            let tf = if p.age < 16 && r.chance(0.8) {
                r.pick(&specs.child)
            } else {
                let mut tf = r.pick(&specs.adult);
                // Gynaecology only for women.
                while tf == 502 && p.sex == 1 {
                    tf = r.pick(&specs.adult);
                }
                tf
            };
            open.push(Pathway {
                id: next_id,
                start: week_end - r.int(0, 6) as i32,
                dob: p.dob,
                nhs: p.nhs(),
                tf,
                area: p.area,
                provider: r.weighted(&provider_shares) as u8,
                priority: r.weighted(&priority_shares) as u8,
                stuck: r.chance(STUCK.0),
                core20: core20(ics, p),
                ld: p.has(flag::LD),
                sex: p.sex_code(),
                eth: p.eth.code(),
            });
            next_id += 1;
        }
        if w < 0 {
            continue;
        }
        for pw in &open {
            out.id("PW", u64::from(pw.id), 10);
            out.raw(&pw.nhs);
            out.date(week_end);
            out.s(&ics.providers[pw.provider as usize].code);
            out.int(u64::from(pw.tf));
            out.s(PRIORITIES[pw.priority as usize].0);
            out.date(pw.start);
            out.int(age_on(pw.dob, week_end).max(0) as u64);
            out.s(pw.sex);
            out.s(pw.eth);
            out.s(ics.areas[pw.area as usize].code.as_str());
            out.yn(pw.ld);
            out.end()?;
        }
        progress(w as u64 + 1);
    }
    Ok(())
}

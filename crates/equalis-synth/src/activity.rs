//! Hospital spells (`admissions`) and other Core20PLUS5 events (`events`) over the two
//! financial years 2024/25 and 2025/26.
//!
//! People are processed in blocks of 65,536, each block from its own random streams, so
//! the files are identical however the work is split. Rates are national figures (HES,
//! QOF, CVDPREVENT, NHS Digital) shaped by age and deprivation; the planted effects
//! (COPD admissions and child tooth extractions by deprivation, SMI health checks in the
//! Core20) take their sizes from [`crate::planted`].

use crate::dates::{Day, civil, day};
use crate::ics::Ics;
use crate::out::Csv;
use crate::planted;
use crate::population::{Person, Population, core20, flag, quintile};
use crate::rng::{Rand, stream};
use crate::{ACTIVITY_END, ACTIVITY_START, SynthError};

const BLOCK: usize = 1 << 16;

/// The header of `admissions.csv`.
pub const ADMISSIONS_HEADER: [&str; 7] = [
    "spell_id",
    "nhs_number",
    "admission_date",
    "admission_method",
    "primary_diagnosis",
    "primary_procedure",
    "provider_code",
];

/// The header of `events.csv`.
pub const EVENTS_HEADER: [&str; 4] = ["nhs_number", "event_date", "event_type", "value"];

/// Emergency admission methods: 21 via A&E, 22 via GP, 23 bed bureau, 24 consultant
/// clinic, 28 other (HES 2023-24 shares, rounded).
const EMERGENCY: [(&str, f64); 5] = [
    ("21", 0.72),
    ("22", 0.12),
    ("23", 0.02),
    ("24", 0.06),
    ("28", 0.08),
];
/// Elective: 11 waiting list, 12 booked, 13 planned.
const ELECTIVE: [(&str, f64); 3] = [("11", 0.7), ("12", 0.2), ("13", 0.1)];

/// Elective diagnosis and procedure pairs (common elective spells, HES).
const ELECTIVE_CASES: [(&str, &str, f64); 10] = [
    ("H25.9", "C71.2", 12.0),
    ("M17.1", "W40.1", 6.0),
    ("M16.1", "W37.1", 4.0),
    ("K40.9", "T20.1", 4.0),
    ("K80.2", "J18.3", 4.0),
    ("N81.1", "P23.2", 2.0),
    ("K57.3", "H22.9", 8.0),
    ("D12.6", "H20.1", 6.0),
    ("C50.9", "B28.3", 2.0),
    ("N40.X", "M65.3", 3.0),
];

/// Mean of a Poisson count over the two-year window for an annual rate.
fn two_years(rate: f64) -> f64 {
    rate * 2.0
}

fn random_day(r: &mut Rand) -> Day {
    ACTIVITY_START + r.int(0, i64::from(ACTIVITY_END - ACTIVITY_START)) as i32
}

/// Counters for unique ids across blocks: spell ids are `S` + block + sequence so that
/// blocks never need to know each other's counts.
fn spell_id(block: usize, seq: u32) -> u64 {
    block as u64 * 1_000_000 + u64::from(seq)
}

struct Writer<'a> {
    adm: Option<&'a mut Csv>,
    ev: Option<&'a mut Csv>,
    block: usize,
    seq: u32,
}

impl Writer<'_> {
    fn spell(
        &mut self,
        p: &Person,
        date: Day,
        method: &str,
        dx: &str,
        proc_: &str,
        provider: &str,
    ) -> Result<(), SynthError> {
        let Some(out) = self.adm.as_deref_mut() else {
            return Ok(());
        };
        self.seq += 1;
        out.id("S", spell_id(self.block, self.seq), 11);
        out.raw(&p.nhs());
        out.date(date);
        out.s(method);
        out.s(dx);
        out.s(proc_);
        out.s(provider);
        out.end()
    }

    fn event(&mut self, p: &Person, date: Day, kind: &str, value: &str) -> Result<(), SynthError> {
        let Some(out) = self.ev.as_deref_mut() else {
            return Ok(());
        };
        out.raw(&p.nhs());
        out.date(date);
        out.s(kind);
        out.s(value);
        out.end()
    }
}

/// Writes `admissions.csv` and/or `events.csv` (either may be skipped).
pub fn write(
    ics: &Ics,
    pop: &Population,
    seed: u64,
    adm: Option<&mut Csv>,
    ev: Option<&mut Csv>,
) -> Result<(), SynthError> {
    let provider = ics.providers[0].code.as_str();
    let mut w = Writer {
        adm,
        ev,
        block: 0,
        seq: 0,
    };
    for (block, people) in pop.people.chunks(BLOCK).enumerate() {
        w.block = block;
        w.seq = 0;
        let mut ra = stream(seed, "admissions", block as u64);
        let mut re = stream(seed, "events", block as u64);
        for p in people {
            admissions(ics, p, &mut ra, &mut w, provider)?;
            events(ics, p, &mut re, &mut w)?;
        }
    }
    Ok(())
}

fn admissions(
    ics: &Ics,
    p: &Person,
    r: &mut Rand,
    w: &mut Writer<'_>,
    provider: &str,
) -> Result<(), SynthError> {
    let q = quintile(ics, p);
    let child = p.age < 18;
    // COPD: planted deprivation gradient per register patient (HES: about 0.15 emergency
    // COPD spells per register patient a year nationally).
    if p.has(flag::COPD) {
        let n = r.poisson(two_years(
            planted::COPD_ADMISSION_BASE * planted::COPD_QUINTILE[q - 1],
        ));
        for _ in 0..n {
            let dx = r.pick(&[
                ("J44.1", 0.5),
                ("J44.0", 0.2),
                ("J44.9", 0.15),
                ("J43.9", 0.1),
                ("J42", 0.05),
            ]);
            let d = random_day(r);
            w.spell(p, d, r.pick(&EMERGENCY), dx, "", provider)?;
        }
    }
    // Asthma: about 60,000 emergency spells a year in England (≈1 per 1,000), twice
    // that for children; 1.8× in the most deprived decile (Asthma + Lung UK).
    let dep = [1.8, 1.4, 1.2, 1.05, 1.0][q - 1];
    let asthma = if child { 0.0018 } else { 0.0009 } * dep;
    for _ in 0..r.poisson(two_years(asthma)) {
        let dx = r.pick(&[("J45.9", 0.6), ("J45.0", 0.2), ("J46", 0.2)]);
        let d = random_day(r);
        w.spell(p, d, r.pick(&EMERGENCY), dx, "", provider)?;
    }
    // Diabetes: emergency spells with a diabetes primary diagnosis (DKA, hypoglycaemia)
    // about 3% of register patients a year; children's are mostly type 1 DKA.
    if p.has(flag::DIAB) {
        let rate = if child { 0.08 } else { 0.03 } * dep;
        for _ in 0..r.poisson(two_years(rate)) {
            let dx = if child || r.chance(0.3) {
                r.pick(&[("E10.1", 0.7), ("E10.6", 0.3)])
            } else {
                r.pick(&[
                    ("E11.6", 0.5),
                    ("E11.9", 0.2),
                    ("E14.9", 0.1),
                    ("E11.1", 0.2),
                ])
            };
            let d = random_day(r);
            w.spell(p, d, r.pick(&EMERGENCY), dx, "", provider)?;
        }
    }
    // Epilepsy: about 0.6 emergency spells per 1,000 people a year, more in children,
    // about ten times as many for people with a learning disability.
    let ld = if p.has(flag::LD) { 10.0 } else { 1.0 };
    let epi = if child { 0.001 } else { 0.0006 } * ld * dep;
    for _ in 0..r.poisson(two_years(epi)) {
        let dx = r.pick(&[("G40.9", 0.6), ("G40.3", 0.2), ("G41.9", 0.2)]);
        let d = random_day(r);
        w.spell(p, d, r.pick(&EMERGENCY), dx, "", provider)?;
    }
    // Tooth extractions under 10: planted gradient; elective, diagnosis dental caries.
    if p.age < 12 {
        let rate = planted::DENTAL_BASE * planted::DENTAL_QUINTILE[q - 1];
        for _ in 0..r.poisson(two_years(rate)) {
            let d = random_day(r);
            // Counted only while the child is under 10 on the admission date.
            if p.age_on(d) >= 10 {
                continue;
            }
            let pr = r.pick(&[("F10.4", 0.7), ("F09.1", 0.2), ("F10.1", 0.1)]);
            w.spell(p, d, r.pick(&ELECTIVE), "K02.9", pr, provider)?;
        }
    }
    // Other electives: about 0.08 elective spells per person a year, rising with age.
    let el = match p.age {
        0..=17 => 0.02,
        18..=49 => 0.04,
        50..=69 => 0.10,
        _ => 0.16,
    };
    for _ in 0..r.poisson(two_years(el)) {
        let i = r.weighted(&ELECTIVE_CASES.map(|c| c.2));
        let (dx, pr, _) = ELECTIVE_CASES[i];
        if (dx.starts_with('N') && dx != "N40.X" && p.sex == 1) || (dx == "N40.X" && p.sex == 2) {
            continue;
        }
        let dx = if dx == "N40.X" { "N40" } else { dx };
        let d = random_day(r);
        let prov = ics.providers
            [r.weighted(&ics.providers.iter().map(|p| p.share).collect::<Vec<_>>())]
        .code
        .as_str();
        w.spell(p, d, r.pick(&ELECTIVE), dx, pr, prov)?;
    }
    Ok(())
}

/// The financial years of the window, as `(start, end)`.
fn financial_years() -> [(Day, Day); 2] {
    [
        (ACTIVITY_START, day(2025, 3, 31)),
        (day(2025, 4, 1), ACTIVITY_END),
    ]
}

fn day_in(r: &mut Rand, from: Day, to: Day) -> Day {
    from + r.int(0, i64::from(to - from)) as i32
}

fn events(ics: &Ics, p: &Person, r: &mut Rand, w: &mut Writer<'_>) -> Result<(), SynthError> {
    let c20 = core20(ics, p);
    let q = quintile(ics, p);
    let bme = p.eth_true.is_bme() == Some(true);
    for (fy_start, fy_end) in financial_years() {
        // SMI physical health checks: planted Core20 gap (national ambition 60%).
        if p.has(flag::SMI) {
            let uptake = if c20 {
                planted::SMI_CHECK_UPTAKE.1
            } else {
                planted::SMI_CHECK_UPTAKE.0
            };
            if r.chance(uptake) {
                let d = day_in(r, fy_start, fy_end);
                w.event(p, d, "smi_health_check", "")?;
            }
        }
        // LD annual health checks for 14+: about 75% (NHS Digital 2023-24: 76%).
        if p.has(flag::LD) && p.age >= 14 && r.chance(0.75) {
            let d = day_in(r, fy_start, fy_end);
            w.event(p, d, "ld_health_check", "")?;
        }
        // COPD vaccinations: flu in each autumn campaign (about 78% of at-risk COPD
        // patients, UKHSA; lower in deprived areas), COVID-19 autumn boosters (about 55%),
        // pneumococcal once (most already had it; 12% a year catch-up).
        if p.has(flag::COPD) {
            let (y, _, _) = civil(fy_start);
            let autumn = (day(y, 9, 15), day(y, 12, 31));
            if r.chance([0.70, 0.74, 0.78, 0.81, 0.83][q - 1]) {
                let d = day_in(r, autumn.0, autumn.1);
                w.event(p, d, "flu_vaccination", "")?;
            }
            if r.chance([0.45, 0.50, 0.55, 0.60, 0.63][q - 1]) {
                let d = day_in(r, day(y, 10, 1), day(y, 12, 20));
                w.event(p, d, "covid_vaccination", "")?;
            }
            if r.chance(0.12) {
                let d = day_in(r, fy_start, fy_end);
                w.event(p, d, "pneumococcal_vaccination", "")?;
            }
        }
        // Maternity bookings: about 11 births per 1,000 people a year, so about 6% of
        // women aged 16–45 book each year. Continuity of carer is offered first to BME
        // and Core20 women (the Core20PLUS5 priority), but reaches far fewer than 75%.
        if p.sex == 2 && (16..=45).contains(&p.age) {
            let peak = if (25..=38).contains(&p.age) { 1.4 } else { 0.6 };
            if r.chance(0.062 * peak) {
                let coc = if bme || c20 { 0.35 } else { 0.18 };
                let d = day_in(r, fy_start, fy_end);
                w.event(
                    p,
                    d,
                    "maternity_booking",
                    if r.chance(coc) { "Y" } else { "N" },
                )?;
            }
        }
        // Cancer diagnoses: about 0.6% of people a year (CRUK), mostly 50+. Stage at
        // diagnosis (NDRS 2021): 58% stage 1–2 overall, fewer in the most deprived.
        let inc = match p.age {
            0..=29 => 0.0004,
            30..=49 => 0.002,
            50..=64 => 0.007,
            65..=79 => 0.016,
            _ => 0.022,
        };
        if r.chance(inc) {
            let early = [0.50, 0.54, 0.57, 0.60, 0.62][q - 1];
            let stage = if r.chance(0.1) {
                "X"
            } else if r.chance(early) {
                if r.chance(0.55) { "1" } else { "2" }
            } else if r.chance(0.45) {
                "3"
            } else {
                "4"
            };
            let d = day_in(r, fy_start, fy_end);
            w.event(p, d, "cancer_diagnosis", stage)?;
        }
        // Blood pressure readings for people with hypertension: 1–3 a year (about 90%
        // have one recorded). Controlled patients read below the NICE target (140/90,
        // 150/90 from age 80) most of the time.
        if p.has(flag::HYP) && r.chance(0.9) {
            let n = 1 + r.below(3);
            let target = if p.age >= 80 { 150.0 } else { 140.0 };
            for _ in 0..n {
                let controlled = p.has(flag::BP_CONTROLLED);
                let sys = if controlled {
                    target - 4.0 - 9.0 * r.f64().powf(0.7) * 2.0
                } else {
                    target + 2.0 + 22.0 * r.f64()
                };
                let sys = sys.round().clamp(95.0, 220.0);
                let dia = if controlled {
                    (sys * 0.58 + r.normal() * 3.0).clamp(55.0, 88.0)
                } else {
                    (sys * 0.60 + r.normal() * 5.0).clamp(60.0, 125.0)
                };
                let d = day_in(r, fy_start, fy_end);
                let v = format!("{}/{}", sys as u32, dia.round() as u32);
                w.event(p, d, "bp_reading", &v)?;
            }
        }
        // Children and young people's mental health contacts: about 7% of 0–17s a year
        // (MHSDS), mostly 11+; lower access for Asian children (NHS England CYP access
        // by ethnicity).
        if p.age < 18 {
            let base = if p.age >= 11 { 0.10 } else { 0.03 };
            let asian = matches!(
                p.eth_true,
                equalis_vocab::EthnicCategory::H
                    | equalis_vocab::EthnicCategory::J
                    | equalis_vocab::EthnicCategory::K
                    | equalis_vocab::EthnicCategory::L
            );
            if r.chance(base * if asian { 0.6 } else { 1.0 }) {
                let n = 1 + r.poisson(2.0);
                for _ in 0..n {
                    let d = day_in(r, fy_start, fy_end);
                    w.event(p, d, "cyp_mh_contact", "")?;
                }
            }
        }
    }
    Ok(())
}

//! The registered population: people placed in the ICB's real LSOAs with each LSOA's ONS
//! age structure and Census 2021 ethnic mix, grouped into households, registered with GP
//! practices, and flagged for the PLUS groups and disease registers.
//!
//! Prevalences are national figures (QOF 2023-24 registers; Census 2021; NHS Digital)
//! shaped by age, sex, ethnicity and deprivation the way the published breakdowns are;
//! each function below cites where its numbers come from.

use equalis_vocab::{Census2021Group, EthnicCategory, NhsNumber};

use crate::dates::{Day, age_on, civil, day};
use crate::ics::Ics;
use crate::out::Csv;
use crate::rng::{Rand, stream};
use crate::{EXTRACT, SynthError};

/// Flag bits in [`Person::flags`].
pub mod flag {
    /// Learning disability register.
    pub const LD: u16 = 1 << 0;
    /// Autism.
    pub const AUTISM: u16 = 1 << 1;
    /// Severe mental illness register.
    pub const SMI: u16 = 1 << 2;
    /// COPD register.
    pub const COPD: u16 = 1 << 3;
    /// Hypertension register.
    pub const HYP: u16 = 1 << 4;
    /// Diabetes register.
    pub const DIAB: u16 = 1 << 5;
    /// Experiencing homelessness.
    pub const HOMELESS: u16 = 1 << 6;
    /// Carer.
    pub const CARER: u16 = 1 << 7;
    /// Armed forces veteran.
    pub const ARMED: u16 = 1 << 8;
    /// Refugee or asylum seeker.
    pub const REFUGEE: u16 = 1 << 9;
    /// Gypsy, Roma or Traveller.
    pub const GRT: u16 = 1 << 10;
    /// Sex recorded as not known (`X`).
    pub const SEX_X: u16 = 1 << 11;
    /// Hypertension treated to target (latent; drives BP readings).
    pub const BP_CONTROLLED: u16 = 1 << 12;
    /// Disabled under the Equality Act (latent; used for panel volunteers).
    pub const DISABLED: u16 = 1 << 13;
}

/// The population columns in order, with the flag bit behind each flag column.
pub const FLAG_COLUMNS: [(&str, u16); 11] = [
    ("learning_disability", flag::LD),
    ("autism", flag::AUTISM),
    ("smi", flag::SMI),
    ("copd", flag::COPD),
    ("hypertension", flag::HYP),
    ("diabetes", flag::DIAB),
    ("homeless", flag::HOMELESS),
    ("carer", flag::CARER),
    ("armed_forces", flag::ARMED),
    ("refugee_or_asylum_seeker", flag::REFUGEE),
    ("gypsy_roma_traveller", flag::GRT),
];

/// PLUS flags that GP systems record only sometimes: a person without the flag has `N`
/// or a blank (not recorded). Registers (LD, SMI, COPD, …) are always `Y`/`N`.
const SOMETIMES_RECORDED: u16 =
    flag::HOMELESS | flag::CARER | flag::ARMED | flag::REFUGEE | flag::GRT;

/// One synthetic person (compact: 11 million of them at scale 10).
#[derive(Debug, Clone)]
pub struct Person {
    /// First nine digits of the NHS number.
    pub stem: u32,
    /// Date of birth.
    pub dob: Day,
    /// Registration date with the practice.
    pub registered: Day,
    /// Household number (unique in the ICS).
    pub household: u32,
    /// Index of the LSOA in [`Ics::areas`].
    pub area: u16,
    /// Index of the practice in [`Ics::practices`].
    pub practice: u16,
    /// Flags (see [`flag`]).
    pub flags: u16,
    /// Flags of [`SOMETIMES_RECORDED`] that are blank rather than `N`.
    pub unrecorded: u16,
    /// Age on the extract date.
    pub age: u8,
    /// 1 male, 2 female (recorded sex may be `X`: see [`flag::SEX_X`]).
    pub sex: u8,
    /// Ethnic category as recorded (may be `Z` or `99`).
    pub eth: EthnicCategory,
    /// Ethnic category as the person would self-describe (never missing).
    pub eth_true: EthnicCategory,
}

impl Person {
    /// The NHS number's ten digits.
    pub fn nhs(&self) -> [u8; 10] {
        // Stems are only ever chosen from those with a valid check digit.
        NhsNumber::from_stem(self.stem).map_or(*b"9999999999", |n| n.digits())
    }

    /// Recorded sex code.
    pub fn sex_code(&self) -> &'static str {
        if self.flags & flag::SEX_X != 0 {
            "X"
        } else if self.sex == 1 {
            "1"
        } else {
            "2"
        }
    }

    /// True if the flag bit is set.
    pub fn has(&self, bit: u16) -> bool {
        self.flags & bit != 0
    }

    /// Age on a given day.
    pub fn age_on(&self, d: Day) -> i32 {
        age_on(self.dob, d)
    }
}

/// The generated population.
pub struct Population {
    /// Everyone, grouped by LSOA in code order.
    pub people: Vec<Person>,
    /// `area_start[i]..area_start[i + 1]` are the people of area `i`.
    pub area_start: Vec<usize>,
}

/// Multiplier for IMD decile `d` (1 most deprived) that is `most` in decile 1 and `least`
/// in decile 10, geometric in between.
fn gradient(d: u8, most: f64, least: f64) -> f64 {
    let t = f64::from(d - 1) / 9.0;
    most * (least / most).powf(t)
}

fn is_south_asian(e: EthnicCategory) -> bool {
    matches!(e, EthnicCategory::H | EthnicCategory::J | EthnicCategory::K)
}

fn is_black(e: EthnicCategory) -> bool {
    matches!(e, EthnicCategory::M | EthnicCategory::N | EthnicCategory::P)
}

fn set(r: &mut Rand, f: &mut u16, bit: u16, p: f64) {
    if r.chance(p.min(0.95)) {
        *f |= bit;
    }
}

/// Draws the flags of one person.
fn draw_flags(r: &mut Rand, age: u8, sex: u8, eth: EthnicCategory, decile: u8) -> u16 {
    let a = f64::from(age);
    let male = sex == 1;
    let mut f = 0u16;
    // Learning disability: QOF 2023-24 register 0.58% of all ages; under-recorded in young
    // children; more common in men and in deprived areas (PHE, People with learning
    // disabilities in England 2015).
    let ld_age = if age < 14 {
        0.6
    } else if age < 65 {
        1.2
    } else {
        0.6
    };
    set(
        r,
        &mut f,
        flag::LD,
        0.0058 * ld_age * if male { 1.3 } else { 0.72 } * gradient(decile, 1.4, 0.75),
    );
    // Autism: GP-recorded autism ≈ 1% (NHS Digital Autism Statistics), highest in
    // school-age and young adults, male:female ≈ 3:1 among the recorded.
    let aut = match age {
        0..=4 => 0.004,
        5..=24 => 0.022,
        25..=44 => 0.008,
        _ => 0.002,
    };
    set(r, &mut f, flag::AUTISM, aut * if male { 1.5 } else { 0.55 });
    // Severe mental illness: QOF mental health register 0.95% of all ages, adults only;
    // a steep deprivation gradient and higher rates of psychosis among Black people.
    if age >= 18 {
        let base = if age < 75 { 0.0135 } else { 0.008 };
        let eth_m = if is_black(eth) { 2.0 } else { 1.0 };
        set(
            r,
            &mut f,
            flag::SMI,
            base * eth_m * gradient(decile, 2.2, 0.55),
        );
    }
    // COPD: QOF 1.9% of all ages; rises steeply after 50; about twice as common in the
    // most deprived areas (smoking); lower among South Asian people (QOF by ethnicity).
    let copd = match age {
        0..=34 => 0.0,
        35..=49 => 0.006,
        50..=64 => 0.025,
        65..=74 => 0.055,
        _ => 0.075,
    };
    let eth_c = if is_south_asian(eth) { 0.6 } else { 1.0 };
    set(
        r,
        &mut f,
        flag::COPD,
        copd * eth_c * gradient(decile, 1.9, 0.6),
    );
    // Hypertension: QOF 14.8% of all ages (HSE 2021 age profile); higher in Black and
    // South Asian adults; a mild deprivation gradient.
    let hyp = match age {
        0..=17 => 0.0,
        18..=39 => 0.025,
        40..=49 => 0.09,
        50..=59 => 0.18,
        60..=69 => 0.32,
        70..=79 => 0.46,
        _ => 0.55,
    };
    let eth_h = if is_black(eth) {
        1.35
    } else if is_south_asian(eth) {
        1.1
    } else {
        1.0
    };
    set(
        r,
        &mut f,
        flag::HYP,
        hyp * eth_h * gradient(decile, 1.15, 0.9),
    );
    // Treated to target: about two thirds of diagnosed hypertension (CVDPREVENT 2024:
    // 66% of under-80s); lower in the most deprived areas.
    if f & flag::HYP != 0 && r.chance(gradient(decile, 0.60, 0.70)) {
        f |= flag::BP_CONTROLLED;
    }
    // Diabetes: QOF 7.7% of those 17+ (type 1 ≈ 0.25% of children); twice as common in
    // South Asian and 1.6× in Black adults; more common in deprived areas (NDA).
    let diab = match age {
        0..=16 => 0.0025,
        17..=39 => 0.015,
        40..=49 => 0.06,
        50..=59 => 0.11,
        60..=69 => 0.16,
        70..=79 => 0.20,
        _ => 0.19,
    };
    let eth_d = if is_south_asian(eth) {
        2.0
    } else if is_black(eth) {
        1.6
    } else {
        1.0
    };
    let dep_d = if age < 17 {
        1.0
    } else {
        gradient(decile, 1.4, 0.75)
    };
    set(r, &mut f, flag::DIAB, diab * eth_d * dep_d);
    // Homelessness: about 0.5% of people in England are homeless or in temporary
    // accommodation (Shelter 2023); GP flags catch some; concentrated in deprived areas.
    if (18..65).contains(&age) {
        set(
            r,
            &mut f,
            flag::HOMELESS,
            0.0035 * if male { 1.6 } else { 0.5 } * gradient(decile, 3.0, 0.2),
        );
    }
    // Carers: Census 2021 9% of 5+ give unpaid care; about 3.5% are known to their GP.
    if age >= 16 {
        let peak = if (45..75).contains(&age) { 1.5 } else { 1.0 };
        set(
            r,
            &mut f,
            flag::CARER,
            0.03 * peak * if male { 0.75 } else { 1.25 },
        );
    }
    // Armed forces veterans: Census 2021 3.8% of those 16+, mostly older men; GP coding
    // finds about half.
    if age >= 18 {
        let p = match (male, age) {
            (true, 65..) => 0.10,
            (true, 40..=64) => 0.04,
            (true, _) => 0.01,
            (false, _) => 0.004,
        };
        set(r, &mut f, flag::ARMED, p);
    }
    // Refugees and asylum seekers: about 0.4% of the population (Home Office, UNHCR);
    // among non-White-British adults, more in deprived areas (dispersal accommodation).
    if eth != EthnicCategory::A && (16..65).contains(&age) {
        set(r, &mut f, flag::REFUGEE, 0.008 * gradient(decile, 2.5, 0.3));
    }
    // Gypsy, Roma and Traveller: Census 2021 0.12% of residents; Roma are recorded as
    // White other, Gypsy and Irish Traveller as White British or Irish.
    if matches!(
        eth,
        EthnicCategory::A | EthnicCategory::B | EthnicCategory::C
    ) {
        let p = if eth == EthnicCategory::C {
            0.006
        } else {
            0.0008
        };
        set(r, &mut f, flag::GRT, p);
    }
    // Disability (Equality Act): Census 2021 17.7% of residents, rising with age.
    let dis = (0.05 + 0.004 * a).min(0.6) * gradient(decile, 1.4, 0.8);
    set(r, &mut f, flag::DISABLED, dis);
    f
}

/// Female share by age: about half until 60, rising to two thirds at 90 (ONS MYE).
fn female_share(age: u8) -> f64 {
    if age < 60 {
        0.49
    } else {
        0.49 + (f64::from(age) - 60.0) * 0.006
    }
}

/// Recorded ethnicity: the true category, or Not stated (`Z`) / Not known (`99`).
/// GP records: about 2% Z and 4% 99 overall (NHS England GP ethnicity completeness
/// 2023), more often missing for young adults, men and the "other" categories.
fn record_ethnicity(r: &mut Rand, eth: EthnicCategory, age: u8, sex: u8) -> EthnicCategory {
    let mut m = 1.0;
    if (18..40).contains(&age) {
        m *= 1.8;
    }
    if sex == 1 {
        m *= 1.3;
    }
    if matches!(
        eth,
        EthnicCategory::C | EthnicCategory::S | EthnicCategory::G
    ) {
        m *= 2.0;
    }
    let u = r.f64();
    if u < 0.015 * m {
        EthnicCategory::Z
    } else if u < 0.015 * m + 0.03 * m {
        EthnicCategory::NotKnown
    } else {
        eth
    }
}

/// Generates everyone (sequentially by LSOA, each LSOA from its own random stream).
pub fn generate(ics: &Ics, scale: f64, seed: u64) -> Population {
    let mut people = Vec::new();
    let mut area_start = Vec::with_capacity(ics.areas.len() + 1);
    let mut next_household = 1u32;
    let n_practices = ics.practices.len();
    for (ai, area) in ics.areas.iter().enumerate() {
        area_start.push(people.len());
        let mut r = stream(seed, "population", ai as u64);
        let total: f64 = area.ages.iter().sum();
        let n = r.round(total * scale) as usize;
        let first = people.len();
        for _ in 0..n {
            let age = r.weighted(&area.ages) as u8;
            // The ONS top band is 90+: spread it over 90–100.
            let age = if age == 90 {
                90 + r.int(0, 10) as u8
            } else {
                age
            };
            let sex = if r.chance(female_share(age)) { 2 } else { 1 };
            let group = Ics::census_group(r.weighted(&area.ethnicity));
            let eth_true = r.pick(group.nhs_categories());
            let eth = record_ethnicity(&mut r, eth_true, age, sex);
            let mut flags = draw_flags(&mut r, age, sex, eth_true, area.decile);
            // Sex not known: rare on GP records (about 1 in 1,000).
            if r.chance(0.001) {
                flags |= flag::SEX_X;
            }
            let mut unrecorded = 0u16;
            for (_, bit) in FLAG_COLUMNS {
                if bit & SOMETIMES_RECORDED != 0 && flags & bit == 0 && r.chance(0.45) {
                    unrecorded |= bit;
                }
            }
            // Born on a random day of the year that gives this age on the extract date.
            let (ey, em, ed) = civil(EXTRACT);
            let year_end = day(ey - i32::from(age), em, ed);
            let year_start = day(ey - i32::from(age) - 1, em, ed) + 1;
            let dob = year_start + r.int(0, i64::from(year_end - year_start)) as i32;
            // Registered for a skewed random part of their life, at most 40 years:
            // people move and re-register often.
            let span = (EXTRACT - dob).min(40 * 365);
            let registered = EXTRACT - (r.f64().powi(2) * f64::from(span)) as i32;
            // Some residents are not registered with a GP at all, and so are not on the list
            // this extract is (the GP registration gap LLR works to close): far more often
            // young adults, people in deprived areas, ethnic minority communities, and people
            // who are homeless or from Gypsy, Roma and Traveller communities.
            if r.chance(unregistered_chance(age, area.decile, group, flags)) {
                continue;
            }
            // 85% register with their area's practice, the rest with a neighbour.
            let practice = if r.chance(0.85) {
                area.home_practice as usize
            } else {
                let off = r.int(-3, 3) as isize;
                (area.home_practice as isize + off).clamp(0, n_practices as isize - 1) as usize
            };
            people.push(Person {
                stem: 0,
                dob,
                registered,
                household: 0,
                area: ai as u16,
                practice: practice as u16,
                flags,
                unrecorded,
                age,
                sex,
                eth,
                eth_true,
            });
        }
        form_households(&mut r, &mut people[first..], &mut next_household);
    }
    area_start.push(people.len());
    assign_nhs_numbers(&mut people, seed);
    Population { people, area_start }
}

/// The chance that a resident is not registered with a GP: the planted registration gap
/// (`planted::UNREGISTERED_*`).
fn unregistered_chance(age: u8, decile: u8, group: Census2021Group, flags: u16) -> f64 {
    use crate::planted::{
        UNREGISTERED_AGE, UNREGISTERED_BASE, UNREGISTERED_DEPRIVED, UNREGISTERED_ETHNIC,
        UNREGISTERED_EXCLUDED,
    };
    let by_age = UNREGISTERED_AGE
        .iter()
        .rev()
        .find(|(from, _)| age >= *from)
        .map_or(1.0, |(_, m)| *m);
    let by_area = if decile <= 2 {
        UNREGISTERED_DEPRIVED
    } else {
        1.0
    };
    let by_group = UNREGISTERED_ETHNIC[Census2021Group::ALL
        .iter()
        .position(|g| *g == group)
        .unwrap_or(4)];
    let excluded = if flags & (flag::HOMELESS | flag::GRT) != 0 {
        UNREGISTERED_EXCLUDED
    } else {
        1.0
    };
    (UNREGISTERED_BASE * by_age * by_area * by_group * excluded).min(0.6)
}

/// Groups an LSOA's people into households: 1–4 adults (ONS Families and Households
/// 2023: 30% of households one person, 35% two), with children joining households that
/// have an adult of parenting age; a household never spans LSOAs.
fn form_households(r: &mut Rand, people: &mut [Person], next: &mut u32) {
    let mut adults: Vec<usize> = (0..people.len()).filter(|&i| people[i].age >= 18).collect();
    let mut children: Vec<usize> = (0..people.len()).filter(|&i| people[i].age < 18).collect();
    r.shuffle(&mut adults);
    r.shuffle(&mut children);
    let mut families: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < adults.len() {
        let size = r.pick(&[(1usize, 0.38), (2, 0.47), (3, 0.11), (4, 0.04)]);
        let id = *next;
        *next += 1;
        let mut parent_age = false;
        for &p in adults.iter().skip(i).take(size) {
            people[p].household = id;
            parent_age |= (20..55).contains(&people[p].age);
        }
        if parent_age && size <= 3 {
            families.push(id);
        }
        i += size;
    }
    // Children cluster 1–3 to a family household.
    let mut k = 0;
    while k < children.len() {
        let id = if families.is_empty() {
            let id = *next;
            *next += 1;
            id
        } else {
            families[r.below(families.len())]
        };
        let n = r.pick(&[(1usize, 0.45), (2, 0.4), (3, 0.15)]);
        for &c in children.iter().skip(k).take(n) {
            people[c].household = id;
        }
        k += n;
    }
}

/// Gives everyone a valid NHS number starting with 9 (never issued to English patients,
/// so synthetic numbers cannot collide with a real person's), in a scattered order.
fn assign_nhs_numbers(people: &mut [Person], seed: u64) {
    let mut r = stream(seed, "nhs_numbers", 0);
    // Start at 900 000 000 + up to 1 million, then random gaps: up to 1–8 apart, closer
    // for very large populations, so the stems never run past 999 999 999 (about 1 stem
    // in 11 has no valid check digit and is skipped).
    let mut stem = 900_000_000 + r.int(0, 999_999) as u32;
    let max_gap = (89_000_000 / people.len().max(1) as i64 - 1).clamp(0, 7);
    for p in people.iter_mut() {
        stem += 1 + r.int(0, max_gap) as u32;
        while NhsNumber::from_stem(stem).is_none() {
            stem += 1;
        }
        p.stem = stem;
    }
}

/// Writes `population.csv`.
pub fn write(ics: &Ics, pop: &Population, out: &mut Csv) -> Result<(), SynthError> {
    let hh_prefix = "HH";
    for p in &pop.people {
        let area = &ics.areas[p.area as usize];
        let practice = &ics.practices[p.practice as usize];
        out.raw(&p.nhs());
        out.id(hh_prefix, u64::from(p.household), 9);
        out.date(p.dob);
        out.s(p.sex_code());
        out.s(p.eth.code());
        out.s(area.code.as_str());
        out.s(&practice.code);
        out.s(&ics.pcns[practice.pcn as usize]);
        out.date(p.registered);
        for (_, bit) in FLAG_COLUMNS {
            if p.unrecorded & bit != 0 {
                out.blank();
            } else {
                out.yn(p.has(bit));
            }
        }
        out.date(EXTRACT);
        out.end()?;
    }
    Ok(())
}

/// The population header.
pub fn header() -> Vec<&'static str> {
    let mut h = vec![
        "nhs_number",
        "household_id",
        "date_of_birth",
        "sex",
        "ethnic_category",
        "lsoa_code",
        "gp_practice_code",
        "pcn_code",
        "registration_date",
    ];
    h.extend(FLAG_COLUMNS.iter().map(|(c, _)| *c));
    h.push("extract_date");
    h
}

/// `true` if the person lives in a Core20 LSOA (IMD 2025 national deciles 1–2).
pub fn core20(ics: &Ics, p: &Person) -> bool {
    ics.areas[p.area as usize].decile <= 2
}

/// IMD quintile (1 most deprived) of the person's LSOA.
pub fn quintile(ics: &Ics, p: &Person) -> usize {
    usize::from(ics.areas[p.area as usize].decile.div_ceil(2))
}

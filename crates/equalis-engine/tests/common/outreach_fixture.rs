//! A tiny hand-made ICS for the outreach and registration-gap tests, shared by the engine's
//! tests and the binary's (included with `#[path]`). Every expected figure is worked out by
//! hand in the comments.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Leicester 018D: IMD decile 1, so Core20.
pub const CORE20_LSOA: &str = "E01013748";
/// Oadby and Wigston 010D: IMD decile 10.
pub const AFFLUENT_LSOA: &str = "E01025975";

/// One person: household, age, LSOA, flags set.
pub struct Person {
    pub household: &'static str,
    pub age: u32,
    pub lsoa: &'static str,
    pub flags: &'static [&'static str],
}

/// The people. Expected scores (default weights):
/// - `HH-A` (people 0, 1; Core20): Core20 3 + 2 PLUS members (homeless, carer) × 2 + 2 register
///   conditions (SMI, diabetes) × 1 + 2 emergency admissions in the window × 2 + 1 long waiter
///   × 2 = 15.
/// - person 2 (no household; Core20; COPD): 3 + 1 = 4.
/// - `HH-B` (people 3–5; decile 10; hypertension each): 3.
/// - everyone else: 0, so not in the cohort.
pub fn people() -> Vec<Person> {
    let mut v = vec![
        Person {
            household: "HH-A",
            age: 65,
            lsoa: CORE20_LSOA,
            flags: &["smi", "diabetes", "homeless"],
        },
        Person {
            household: "HH-A",
            age: 36,
            lsoa: CORE20_LSOA,
            flags: &["carer"],
        },
        Person {
            household: "",
            age: 76,
            lsoa: CORE20_LSOA,
            flags: &["copd"],
        },
        Person {
            household: "HH-B",
            age: 56,
            lsoa: AFFLUENT_LSOA,
            flags: &["hypertension"],
        },
        Person {
            household: "HH-B",
            age: 54,
            lsoa: AFFLUENT_LSOA,
            flags: &["hypertension"],
        },
        Person {
            household: "HH-B",
            age: 26,
            lsoa: AFFLUENT_LSOA,
            flags: &["hypertension"],
        },
    ];
    const HOUSEHOLDS: [&str; 20] = [
        "HH-F00", "HH-F01", "HH-F02", "HH-F03", "HH-F04", "HH-F05", "HH-F06", "HH-F07", "HH-F08",
        "HH-F09", "HH-F10", "HH-F11", "HH-F12", "HH-F13", "HH-F14", "HH-F15", "HH-F16", "HH-F17",
        "HH-F18", "HH-F19",
    ];
    for (k, h) in HOUSEHOLDS.iter().enumerate() {
        v.push(Person {
            household: h,
            age: [2, 9, 20, 30, 50, 70, 88, 15, 40, 60][k % 10],
            // Not Core20: living in a Core20 area alone scores 3.
            lsoa: AFFLUENT_LSOA,
            flags: &[],
        });
    }
    v
}

/// Valid NHS numbers (Modulus 11), one per person, from 900 000 000 upwards.
pub fn nhs_numbers(n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut base = 900_000_000u64;
    while out.len() < n {
        let digits: Vec<u64> = format!("{base:09}")
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u64))
            .sum();
        let check = match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            c => Some(c),
        };
        if let Some(c) = check {
            out.push(format!("{base:09}{c}"));
        }
        base += 1;
    }
    out
}

/// The files written.
pub struct Files {
    pub population: PathBuf,
    pub admissions: PathBuf,
    pub waiting_list: PathBuf,
    pub events: PathBuf,
    pub nhs: Vec<String>,
}

/// Writes the three extracts into `dir`.
pub fn write(dir: &Path) -> Files {
    let people = people();
    let nhs = nhs_numbers(people.len());
    let flags: Vec<&str> = equalis_vocab::person_flag_columns().collect();
    let mut pop = format!(
        "nhs_number,household_id,age,sex,ethnic_category,lsoa_code,gp_practice_code,{},extract_date\n",
        flags.join(",")
    );
    for (p, n) in people.iter().zip(&nhs) {
        let set: Vec<&str> = flags
            .iter()
            .map(|f| if p.flags.contains(f) { "Y" } else { "N" })
            .collect();
        pop += &format!(
            "{n},{},{},2,A,{},C82001,{},2026-03-31\n",
            p.household,
            p.age,
            p.lsoa,
            set.join(",")
        );
    }
    // The latest emergency admission is 2026-03-01, so the window is 2025-03-02 to 2026-03-01:
    // person 0 has two in it and one before it; person 1's is elective; person 7's is too old.
    let adm = format!(
        "spell_id,nhs_number,admission_date,admission_method,primary_diagnosis,provider_code\n\
         S1,{0},2026-03-01,21,J44.1,RWE\n\
         S2,{0},2025-06-01,21,J44.1,RWE\n\
         S3,{0},2025-02-01,21,J44.1,RWE\n\
         S4,{1},2025-12-01,11,K40.9,RWE\n\
         S5,{2},2024-01-01,22,J44.1,RWE\n",
        nhs[0], nhs[1], nhs[7]
    );
    // Latest snapshot 2026-03-29: person 1 waits 483 days (over 52 weeks); person 3 exactly
    // 364 days (not over); person 0's long wait is at the earlier snapshot only.
    let wl = format!(
        "pathway_id,nhs_number,snapshot_date,provider_code,treatment_function_code,priority,rtt_start_date\n\
         W1,{1},2026-03-29,RWE,110,P4,2024-12-01\n\
         W2,{0},2026-03-22,RWE,110,P4,2024-01-01\n\
         W3,{0},2026-03-29,RWE,110,P4,2026-01-01\n\
         W4,{2},2026-03-29,RWE,110,P4,2025-03-30\n",
        nhs[0], nhs[1], nhs[3]
    );
    let files = Files {
        population: dir.join("population.csv"),
        admissions: dir.join("admissions.csv"),
        waiting_list: dir.join("waiting_list.csv"),
        events: dir.join("events.csv"),
        nhs,
    };
    std::fs::write(&files.population, pop).unwrap();
    std::fs::write(&files.admissions, adm).unwrap();
    std::fs::write(&files.waiting_list, wl).unwrap();
    // One unremarkable event: the built-in indicators expect the dataset to be there.
    let events = format!(
        "nhs_number,event_date,event_type,value\n{},2026-01-01,bp_reading,120/80\n",
        files.nhs[10]
    );
    std::fs::write(&files.events, events).unwrap();
    files
}

/// Registered people of the fixture in `lsoa` by the engine's bands.
pub fn registered_by_band(lsoa: &str) -> [u64; 7] {
    let lowers = [0u32, 5, 18, 25, 45, 65, 85];
    let mut out = [0u64; 7];
    for p in people().iter().filter(|p| p.lsoa == lsoa) {
        let band = lowers.iter().rposition(|l| *l <= p.age).unwrap();
        out[band] += 1;
    }
    out
}

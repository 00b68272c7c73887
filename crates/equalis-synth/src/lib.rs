//! A realistic synthetic integrated care system, so equalis runs and is tested with no
//! real patient data.
//!
//! [`generate`] writes one CSV per dataset of the data contract (`DATASETS.md`) for any
//! of the 42 ICBs: people placed in the ICB's real LSOAs with each LSOA's ONS age
//! structure and Census 2021 ethnic mix (so the deprivation and ethnicity patterns are
//! the real ones), a weekly waiting list simulated as a queue, hospital spells and
//! Core20PLUS5 events, four organisations' workforce over eight quarters, and a Citizens'
//! Panel pool with quotas. Inequalities are planted with documented sizes
//! ([`planted::effects`], `PLANTED.md`), so analyses can be tested against known answers.
//!
//! **Invariants.** The same ICB, scale and seed give byte-identical files: every part
//! draws from its own named random stream, so the two worker threads can never change the
//! result. Memory is bounded by the population (about 28 bytes a person) and the open
//! waiting list; rows stream to disk in 1 MiB blocks.

#![deny(missing_docs)]

pub mod activity;
pub mod dates;
pub mod directory;
pub mod engage;
pub mod ics;
pub mod out;
pub mod panel;
pub mod planted;
pub mod population;
pub mod rng;
pub mod waiting_list;
pub mod workforce;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(test)]
use crate::dates::day;
use crate::dates::{Day, iso_string};
use crate::ics::Ics;
use crate::out::Csv;

/// The extract date of the population file (end of financial year 2025/26).
pub const EXTRACT: Day = 20_543;
/// The first weekly waiting-list snapshot (a Sunday, week ending 7 April 2024).
pub const FIRST_SNAPSHOT: Day = 19_820;
/// Weekly snapshots: two years.
pub const N_SNAPSHOTS: i32 = 104;
/// First day of the activity window (1 April 2024).
pub const ACTIVITY_START: Day = 19_814;
/// Last day of the activity window (31 March 2026).
pub const ACTIVITY_END: Day = 20_543;
/// Workforce snapshot dates: the eight quarter ends from June 2024 to March 2026.
pub const QUARTER_ENDS: [Day; 8] = [
    19_904, // 2024-06-30
    19_996, // 2024-09-30
    20_088, // 2024-12-31
    20_178, // 2025-03-31
    20_269, // 2025-06-30
    20_361, // 2025-09-30
    20_453, // 2025-12-31
    20_543, // 2026-03-31
];
/// The panel size the quotas are for.
pub const PANEL_SIZE: usize = 40;

/// The contract datasets, in the order they are described.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// `population`
    Population,
    /// `waiting_list`
    WaitingList,
    /// `admissions`
    Admissions,
    /// `events`
    Events,
    /// `staff`
    Staff,
    /// `recruitment`
    Recruitment,
    /// `employee_relations`
    EmployeeRelations,
    /// `training`
    Training,
    /// `staff_survey`
    StaffSurvey,
    /// `volunteers`
    Volunteers,
    /// `quotas`
    Quotas,
}

impl Dataset {
    /// Every dataset.
    pub const ALL: [Dataset; 11] = [
        Dataset::Population,
        Dataset::WaitingList,
        Dataset::Admissions,
        Dataset::Events,
        Dataset::Staff,
        Dataset::Recruitment,
        Dataset::EmployeeRelations,
        Dataset::Training,
        Dataset::StaffSurvey,
        Dataset::Volunteers,
        Dataset::Quotas,
    ];

    /// The contract name, which is also the file stem.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Population => "population",
            Dataset::WaitingList => "waiting_list",
            Dataset::Admissions => "admissions",
            Dataset::Events => "events",
            Dataset::Staff => "staff",
            Dataset::Recruitment => "recruitment",
            Dataset::EmployeeRelations => "employee_relations",
            Dataset::Training => "training",
            Dataset::StaffSurvey => "staff_survey",
            Dataset::Volunteers => "volunteers",
            Dataset::Quotas => "quotas",
        }
    }

    /// The CSV header.
    pub fn header(self) -> Vec<&'static str> {
        match self {
            Dataset::Population => population::header(),
            Dataset::WaitingList => waiting_list::HEADER.to_vec(),
            Dataset::Admissions => activity::ADMISSIONS_HEADER.to_vec(),
            Dataset::Events => activity::EVENTS_HEADER.to_vec(),
            Dataset::Staff => workforce::STAFF_HEADER.to_vec(),
            Dataset::Recruitment => workforce::RECRUITMENT_HEADER.to_vec(),
            Dataset::EmployeeRelations => workforce::ER_HEADER.to_vec(),
            Dataset::Training => workforce::TRAINING_HEADER.to_vec(),
            Dataset::StaffSurvey => workforce::SURVEY_HEADER.to_vec(),
            Dataset::Volunteers => panel::VOLUNTEERS_HEADER.to_vec(),
            Dataset::Quotas => panel::QUOTAS_HEADER.to_vec(),
        }
    }

    fn needs_population(self) -> bool {
        !matches!(
            self,
            Dataset::Staff
                | Dataset::Recruitment
                | Dataset::EmployeeRelations
                | Dataset::Training
                | Dataset::StaffSurvey
        )
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// ICB ODS code (`QK1`) or ONS code (`E54…`).
    pub icb: String,
    /// Population scale: 1.0 is the ICB's real population.
    pub scale: f64,
    /// Random seed.
    pub seed: u64,
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// The datasets to write; all of them when empty.
    pub only: Vec<Dataset>,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The ICB code is not one of the 42.
    #[error(
        "unknown ICB code {code:?}: give an ICB ODS code such as QK1 or its ONS code (E54…); valid ODS codes: {valid}"
    )]
    UnknownIcb {
        /// What was given.
        code: String,
        /// The valid codes with names.
        valid: String,
    },
    /// The ICB has no LSOAs with reference data (should not happen).
    #[error("ICB {0} has no LSOAs with population and deprivation data")]
    NoAreas(String),
    /// The scale is not a positive finite number or is too large.
    #[error("scale must be a number greater than 0 and at most 20, got {0}")]
    BadScale(f64),
    /// Writing a file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl SynthError {
    /// An I/O error on a path.
    pub fn io(path: &Path, source: io::Error) -> SynthError {
        SynthError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Progress reports while generating (called from the worker threads).
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The frame is built: the waiting list will have `weeks` snapshots, and `datasets`
    /// files will be written.
    Started {
        /// Waiting-list snapshots to write (0 when the waiting list is not written).
        weeks: u64,
        /// Files to write.
        datasets: u64,
    },
    /// A waiting-list snapshot was written.
    Week(u64),
    /// A file was finished.
    Finished {
        /// Dataset name.
        dataset: &'a str,
        /// Data rows written.
        rows: u64,
    },
}

/// Rows written per file.
#[derive(Debug, Clone)]
pub struct Summary {
    /// ICB code.
    pub icb: String,
    /// ICB name.
    pub icb_name: String,
    /// `(dataset, rows)` in contract order.
    pub files: Vec<(Dataset, u64)>,
    /// People in the synthetic population.
    pub people: u64,
    /// The organisations in the data (waiting-list providers and employers, the ICB itself
    /// included) with their names: `(ODS code, name)`.
    pub organisations: Vec<(String, String)>,
}

/// Generates the synthetic ICS into `config.out`.
pub fn generate(
    config: &SynthConfig,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<Summary, SynthError> {
    if !(config.scale.is_finite() && config.scale > 0.0 && config.scale <= 20.0) {
        return Err(SynthError::BadScale(config.scale));
    }
    let ics = Ics::build(&config.icb)?;
    std::fs::create_dir_all(&config.out).map_err(|e| SynthError::io(&config.out, e))?;
    let want: Vec<Dataset> = if config.only.is_empty() {
        Dataset::ALL.to_vec()
    } else {
        Dataset::ALL
            .into_iter()
            .filter(|d| config.only.contains(d))
            .collect()
    };
    let wants = |d: Dataset| want.contains(&d);
    let pop = if want.iter().any(|d| d.needs_population()) {
        population::generate(&ics, config.scale, config.seed)
    } else {
        population::Population {
            people: Vec::new(),
            area_start: vec![0; ics.areas.len() + 1],
        }
    };
    progress(Progress::Started {
        weeks: if wants(Dataset::WaitingList) {
            N_SNAPSHOTS as u64
        } else {
            0
        },
        datasets: want.len() as u64,
    });
    let dir = config.out.as_path();
    let seed = config.seed;
    let rows: Vec<(Dataset, AtomicU64)> = want.iter().map(|&d| (d, AtomicU64::new(0))).collect();
    let record = |d: Dataset, n: u64| {
        if let Some((_, a)) = rows.iter().find(|(x, _)| *x == d) {
            a.store(n, Ordering::Relaxed);
        }
        progress(Progress::Finished {
            dataset: d.name(),
            rows: n,
        });
    };
    let open = |d: Dataset| -> Result<Option<Csv>, SynthError> {
        if wants(d) {
            Csv::create(dir, d.name(), &d.header()).map(Some)
        } else {
            Ok(None)
        }
    };
    let finish = |d: Dataset, c: Option<Csv>| -> Result<(), SynthError> {
        if let Some(c) = c {
            let n = c.finish()?;
            record(d, n);
        }
        Ok(())
    };

    // Two workers: the waiting list (by far the largest file) on one, everything else on
    // the other. Each output is generated from its own streams, so the split is free.
    let (a, b) = std::thread::scope(|s| {
        let wl = s.spawn(|| -> Result<(), SynthError> {
            let mut c = open(Dataset::WaitingList)?;
            if let Some(c) = c.as_mut() {
                waiting_list::write(&ics, &pop, seed, c, &|w| progress(Progress::Week(w)))?;
            }
            finish(Dataset::WaitingList, c)
        });
        let rest = (|| -> Result<(), SynthError> {
            let mut c = open(Dataset::Population)?;
            if let Some(c) = c.as_mut() {
                population::write(&ics, &pop, c)?;
            }
            finish(Dataset::Population, c)?;

            let mut adm = open(Dataset::Admissions)?;
            let mut ev = open(Dataset::Events)?;
            if adm.is_some() || ev.is_some() {
                activity::write(&ics, &pop, seed, adm.as_mut(), ev.as_mut())?;
            }
            finish(Dataset::Admissions, adm)?;
            finish(Dataset::Events, ev)?;

            let mut st = open(Dataset::Staff)?;
            let mut rc = open(Dataset::Recruitment)?;
            let mut er = open(Dataset::EmployeeRelations)?;
            let mut tr = open(Dataset::Training)?;
            let mut sv = open(Dataset::StaffSurvey)?;
            let mut ids = workforce::Ids::default();
            for org in &ics.orgs {
                let mut outs = workforce::Outputs {
                    staff: st.as_mut(),
                    recruitment: rc.as_mut(),
                    employee_relations: er.as_mut(),
                    training: tr.as_mut(),
                    staff_survey: sv.as_mut(),
                };
                if outs.staff.is_some()
                    || outs.recruitment.is_some()
                    || outs.employee_relations.is_some()
                    || outs.training.is_some()
                    || outs.staff_survey.is_some()
                {
                    workforce::write_org(org, config.scale, seed, &mut outs, &mut ids)?;
                }
            }
            finish(Dataset::Staff, st)?;
            finish(Dataset::Recruitment, rc)?;
            finish(Dataset::EmployeeRelations, er)?;
            finish(Dataset::Training, tr)?;
            finish(Dataset::StaffSurvey, sv)?;

            let mut vo = open(Dataset::Volunteers)?;
            let mut qu = open(Dataset::Quotas)?;
            if vo.is_some() || qu.is_some() {
                panel::write(&ics, &pop, seed, vo.as_mut(), qu.as_mut())?;
            }
            finish(Dataset::Volunteers, vo)?;
            finish(Dataset::Quotas, qu)
        })();
        (wl.join(), rest)
    });
    match a {
        Ok(r) => r?,
        Err(panic) => std::panic::resume_unwind(panic),
    }
    b?;

    let files: Vec<(Dataset, u64)> = rows
        .iter()
        .map(|(d, a)| (*d, a.load(Ordering::Relaxed)))
        .collect();
    let summary = Summary {
        icb: ics.icb_code.clone(),
        icb_name: ics.icb_name.clone(),
        files,
        people: pop.people.len() as u64,
        organisations: ics.organisations(),
    };
    write_metadata(&ics, config, &summary)?;
    Ok(summary)
}

/// The planted effects for this ICS's organisations.
pub fn planted_effects(ics: &Ics) -> Vec<planted::Effect> {
    planted::effects(
        &ics.providers[0].code,
        &ics.providers[1].code,
        &ics.orgs[0].code,
    )
}

fn write_metadata(ics: &Ics, config: &SynthConfig, summary: &Summary) -> Result<(), SynthError> {
    let dir = &config.out;
    let effects = planted_effects(ics);
    let json = serde_json::json!({
        "icb": ics.icb_code,
        "icb_name": ics.icb_name,
        "scale": config.scale,
        "seed": config.seed,
        "iod_edition": "IoD2025",
        "core20": "IMD 2025 national deciles 1-2",
        "effects": effects,
    });
    let path = dir.join("planted_effects.json");
    let text = serde_json::to_string_pretty(&json).map_err(|e| SynthError::io(&path, e.into()))?;
    std::fs::write(&path, text + "\n").map_err(|e| SynthError::io(&path, e))?;

    let mut md = String::new();
    md.push_str(&format!(
        "# Synthetic ICS: {} ({})\n\nGenerated by `equalis synth --ics {} --scale {} --seed {}`. \
         Every person, pathway and member of staff here is synthetic: no real patient or \
         staff data was used. People live in the ICB's real LSOAs (2021) with each LSOA's \
         ONS age structure and Census 2021 ethnic mix; NHS numbers start with 9, a range \
         never issued to patients in England.\n\n",
        ics.icb_name, ics.icb_code, ics.icb_code, config.scale, config.seed
    ));
    md.push_str(&format!(
        "- Population extract date: {}\n- Waiting list: {} weekly snapshots, week ending {} to {}\n\
         - Admissions and events: {} to {}\n- Workforce: quarter ends {} to {}\n\
         - Deprivation: IoD 2025 (LSOA 2021); Core20 = national deciles 1-2\n\n",
        iso_string(EXTRACT),
        N_SNAPSHOTS,
        iso_string(FIRST_SNAPSHOT),
        iso_string(FIRST_SNAPSHOT + 7 * (N_SNAPSHOTS - 1)),
        iso_string(ACTIVITY_START),
        iso_string(ACTIVITY_END),
        iso_string(QUARTER_ENDS[0]),
        iso_string(QUARTER_ENDS[7]),
    ));
    md.push_str("| file | rows |\n|---|---:|\n");
    for (d, n) in &summary.files {
        md.push_str(&format!("| {}.csv | {} |\n", d.name(), n));
    }
    md.push_str(
        "\n## Planted inequalities\n\nEach is listed with its size in `planted_effects.json`:\n\n",
    );
    for e in &effects {
        md.push_str(&format!(
            "- **{}** ({}): {}. Measure: {}; expected ≈ {:.2} (parity {}).\n",
            e.id, e.dataset, e.description, e.measure, e.expected, e.parity
        ));
    }
    let path = dir.join("README.md");
    std::fs::write(&path, md).map_err(|e| SynthError::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The date constants are what their comments say.
    #[test]
    fn date_constants_are_right() {
        assert_eq!(EXTRACT, day(2026, 3, 31));
        assert_eq!(FIRST_SNAPSHOT, day(2024, 4, 7));
        assert_eq!(ACTIVITY_START, day(2024, 4, 1));
        assert_eq!(ACTIVITY_END, day(2026, 3, 31));
        assert_eq!(
            QUARTER_ENDS,
            [
                day(2024, 6, 30),
                day(2024, 9, 30),
                day(2024, 12, 31),
                day(2025, 3, 31),
                day(2025, 6, 30),
                day(2025, 9, 30),
                day(2025, 12, 31),
                day(2026, 3, 31),
            ]
        );
    }
}

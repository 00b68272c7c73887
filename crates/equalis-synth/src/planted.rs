//! The inequalities deliberately planted in the synthetic ICS, with their sizes.
//!
//! Each constant below is used by the generator; [`effects`] lists every planted effect
//! with the measure an analysis should reproduce and its expected value, and is written
//! to `planted_effects.json` next to the data. `PLANTED.md` in this crate documents the
//! same list for people; a test keeps the two in step.

use serde::Serialize;

/// Weekly clock-stop chance of Core20 patients at the main trust, relative to others.
/// Geometric waits scale by its inverse: Core20 mean wait ≈ 1 / 0.75 = 1.33 × others.
pub const MAIN_TRUST_CORE20_HAZARD: f64 = 0.75;
/// The second trust's Core20 clock-stop multiplier before and at the first snapshot; it
/// rises linearly to 1.0 (parity) by the last snapshot.
pub const NARROWING_FROM: f64 = 0.6;
/// Share of people on the SMI register with a physical health check in a financial year,
/// outside and inside the Core20 (the national ambition is 60%).
pub const SMI_CHECK_UPTAKE: (f64, f64) = (0.62, 0.40);
/// Appointment from shortlisting at the planted trust: White, BME (WRES indicator 2).
pub const APPOINT_PLANTED: (f64, f64) = (0.40, 0.25);
/// Appointment from shortlisting elsewhere: White, BME.
pub const APPOINT_OTHER: (f64, f64) = (0.34, 0.32);
/// Annual chance of entering a formal disciplinary process at the planted trust: White, BME.
pub const DISCIPLINARY_PLANTED: (f64, f64) = (0.010, 0.022);
/// Annual chance of entering a formal disciplinary process elsewhere (any ethnicity).
pub const DISCIPLINARY_OTHER: f64 = 0.012;
/// Emergency COPD admissions per COPD-register patient per year, least deprived quintile.
pub const COPD_ADMISSION_BASE: f64 = 0.12;
/// COPD admission multipliers by IMD quintile 1 (most deprived) to 5.
pub const COPD_QUINTILE: [f64; 5] = [2.0, 1.6, 1.3, 1.15, 1.0];
/// Hospital tooth extractions per child aged 0–9 per year, least deprived quintile.
pub const DENTAL_BASE: f64 = 0.0012;
/// Tooth-extraction multipliers by IMD quintile 1 to 5 (OHID 2024: ≈3.5× most vs least).
pub const DENTAL_QUINTILE: [f64; 5] = [3.5, 2.6, 1.9, 1.4, 1.0];
/// At the planted trust men's pay point within their band is drawn from `u^0.5` rather
/// than `u` (longer service, more men at the top of each band).
pub const MALE_PAY_POINT_EXPONENT: f64 = 0.5;

/// Residents not registered with a GP (left out of the registered population), before the
/// multipliers below: the registration gap.
pub const UNREGISTERED_BASE: f64 = 0.025;
/// Registration-gap multipliers by age, from the first age of each band: babies not yet
/// registered, young adults (students, recent arrivals) far more often, older people rarely.
pub const UNREGISTERED_AGE: [(u8, f64); 6] = [
    (0, 1.2),
    (5, 0.6),
    (18, 3.0),
    (25, 1.8),
    (45, 0.8),
    (65, 0.4),
];
/// Registration-gap multiplier in the most deprived fifth of areas (IMD deciles 1–2).
pub const UNREGISTERED_DEPRIVED: f64 = 1.7;
/// Registration-gap multipliers by Census 2021 group: Asian, Black, Mixed, Other, White.
pub const UNREGISTERED_ETHNIC: [f64; 5] = [1.3, 1.8, 1.4, 2.2, 0.8];
/// Registration-gap multiplier for people experiencing homelessness and Gypsy, Roma and
/// Traveller communities (whom LLR's GP registration officers seek out).
pub const UNREGISTERED_EXCLUDED: f64 = 4.0;

/// One planted effect.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    /// Stable identifier.
    pub id: &'static str,
    /// The dataset(s) it is visible in.
    pub dataset: &'static str,
    /// The organisation it is planted at, if any (`main_trust` etc. are resolved to codes).
    pub org_code: Option<String>,
    /// What was planted.
    pub description: String,
    /// The measure an analysis should compute to see it.
    pub measure: &'static str,
    /// The expected value of that measure.
    pub expected: f64,
    /// The value with no inequality.
    pub parity: f64,
    /// The smallest scale at which the effect is clearly visible (95% intervals of the
    /// measure exclude parity).
    pub detectable_at_scale: f64,
}

/// Every planted effect, with organisation codes for this ICS.
pub fn effects(main_trust: &str, second_trust: &str, workforce_trust: &str) -> Vec<Effect> {
    vec![
        Effect {
            id: "waiting_core20_main_trust",
            dataset: "waiting_list",
            org_code: Some(main_trust.into()),
            description: format!(
                "Core20 patients' weekly chance of a clock stop at {main_trust} is {MAIN_TRUST_CORE20_HAZARD} × others', so they wait longer"
            ),
            measure: "mean weeks waited on open pathways (all snapshots), Core20 ÷ not Core20, provider = main trust",
            expected: 1.33,
            parity: 1.0,
            detectable_at_scale: 0.01,
        },
        Effect {
            id: "waiting_core20_narrowing",
            dataset: "waiting_list",
            org_code: Some(second_trust.into()),
            description: format!(
                "Core20 clock-stop multiplier at {second_trust} rises linearly from {NARROWING_FROM} at the first snapshot to 1.0 at the last: the gap narrows"
            ),
            measure: "mean weeks waited, Core20 ÷ not Core20, provider = second trust: first 13 snapshots ≈ 1.7, last 13 snapshots ≈ 1.15 (the value given is the first-quarter figure)",
            expected: 1.67,
            parity: 1.0,
            detectable_at_scale: 0.05,
        },
        Effect {
            id: "smi_health_check_core20",
            dataset: "population, events",
            org_code: None,
            description: format!(
                "{:.0}% of non-Core20 and {:.0}% of Core20 people on the SMI register have a physical health check in each financial year",
                SMI_CHECK_UPTAKE.0 * 100.0,
                SMI_CHECK_UPTAKE.1 * 100.0
            ),
            measure: "share of SMI register with ≥1 smi_health_check in FY 2025/26, Core20 ÷ not Core20",
            expected: SMI_CHECK_UPTAKE.1 / SMI_CHECK_UPTAKE.0,
            parity: 1.0,
            detectable_at_scale: 0.05,
        },
        Effect {
            id: "recruitment_bme_shortlisted",
            dataset: "recruitment",
            org_code: Some(workforce_trust.into()),
            description: format!(
                "at {workforce_trust} {:.0}% of shortlisted White and {:.0}% of shortlisted BME applicants are appointed; elsewhere {:.0}% and {:.0}%",
                APPOINT_PLANTED.0 * 100.0,
                APPOINT_PLANTED.1 * 100.0,
                APPOINT_OTHER.0 * 100.0,
                APPOINT_OTHER.1 * 100.0
            ),
            measure: "WRES indicator 2: relative likelihood of White vs BME appointment from shortlisting",
            expected: APPOINT_PLANTED.0 / APPOINT_PLANTED.1,
            parity: 1.0,
            detectable_at_scale: 0.05,
        },
        Effect {
            id: "disciplinary_bme",
            dataset: "employee_relations, staff",
            org_code: Some(workforce_trust.into()),
            description: format!(
                "at {workforce_trust} White staff enter a formal disciplinary process at {:.1}% a year and BME staff at {:.1}%; elsewhere everyone at {:.1}%",
                DISCIPLINARY_PLANTED.0 * 100.0,
                DISCIPLINARY_PLANTED.1 * 100.0,
                DISCIPLINARY_OTHER * 100.0
            ),
            measure: "WRES indicator 3: relative likelihood of BME vs White staff entering the formal disciplinary process",
            expected: DISCIPLINARY_PLANTED.1 / DISCIPLINARY_PLANTED.0,
            parity: 1.0,
            detectable_at_scale: 0.25,
        },
        Effect {
            id: "gender_pay_gap",
            dataset: "staff",
            org_code: Some(workforce_trust.into()),
            description: format!(
                "at {workforce_trust} men sit higher within each pay band (pay point u^{MALE_PAY_POINT_EXPONENT}) on top of the usual NHS composition effect (more men among consultants and senior managers, clinical excellence awards)"
            ),
            measure: "mean gender pay gap in hourly pay, full-pay relevant employees (not bank), 31 March 2026 snapshot, percent",
            expected: 24.0,
            parity: 0.0,
            detectable_at_scale: 0.05,
        },
        Effect {
            id: "copd_admissions_deprivation",
            dataset: "population, admissions",
            org_code: None,
            description: format!(
                "emergency COPD admissions (J40–J44) per COPD-register patient per year: {COPD_ADMISSION_BASE} in IMD quintile 5, multiplied by {COPD_QUINTILE:?} in quintiles 1 to 5; prevalence also falls with deprivation"
            ),
            measure: "emergency J40–J44 spells per COPD-register patient, IMD quintile 1 ÷ quintile 5",
            expected: COPD_QUINTILE[0] / COPD_QUINTILE[4],
            parity: 1.0,
            detectable_at_scale: 0.05,
        },
        Effect {
            id: "dental_extractions_deprivation",
            dataset: "population, admissions",
            org_code: None,
            description: format!(
                "hospital tooth extractions (OPCS F09/F10) for children aged 0–9: {DENTAL_BASE} per child per year in IMD quintile 5, multiplied by {DENTAL_QUINTILE:?} in quintiles 1 to 5"
            ),
            measure: "under-10 spells with F09/F10 per child aged 0–9, IMD quintile 1 ÷ quintile 5",
            expected: DENTAL_QUINTILE[0] / DENTAL_QUINTILE[4],
            parity: 1.0,
            detectable_at_scale: 0.5,
        },
        Effect {
            id: "registration_gap_young_adults",
            dataset: "population",
            org_code: None,
            description: format!(
                "{:.1}% of residents are not registered with a GP, × {:?} by age band, × {UNREGISTERED_DEPRIVED} in IMD deciles 1–2, × {UNREGISTERED_ETHNIC:?} for Asian, Black, Mixed, Other and White residents, × {UNREGISTERED_EXCLUDED} for people experiencing homelessness and Gypsy, Roma and Traveller communities; they are left out of the registered population",
                UNREGISTERED_BASE * 100.0,
                UNREGISTERED_AGE
            ),
            measure: "GP registration gap (ONS estimate minus registered, % of the estimate), ages 18–24 ÷ ages 45–64, ICS footprint",
            expected: UNREGISTERED_AGE[2].1 / UNREGISTERED_AGE[4].1,
            parity: 1.0,
            detectable_at_scale: 0.05,
        },
    ]
}

//! The data contract (version 1) as data: every dataset's columns, which are required,
//! and the rule each value must pass. `DATASETS.md` in the repository is the prose form of
//! this file; the two change together.

/// Version of the data contract these specs implement.
pub const CONTRACT_VERSION: u32 = 1;

/// A dataset of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// Registered population (one row per person on the GP list).
    Population,
    /// Open referral-to-treatment pathways at weekly snapshots.
    WaitingList,
    /// Hospital spells.
    Admissions,
    /// Other person-level events for the Core20PLUS5 areas.
    Events,
    /// Workforce snapshot (ESR-style).
    Staff,
    /// One row per applicant per vacancy.
    Recruitment,
    /// Formal disciplinary and capability processes.
    EmployeeRelations,
    /// Non-mandatory training and CPD accessed.
    Training,
    /// NHS Staff Survey results by group.
    StaffSurvey,
    /// Citizens' Panel volunteers.
    Volunteers,
    /// Citizens' Panel quotas.
    Quotas,
}

impl Dataset {
    /// Every dataset, in contract order.
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

    /// The contract name.
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

    /// Parses a contract name.
    pub fn parse(s: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == s)
    }

    /// The dataset's columns.
    pub fn fields(self) -> &'static [Field] {
        use Kind::*;
        match self {
            Dataset::Population => {
                const F: &[Field] = &[
                    f("nhs_number", PersonId)
                        .one_of("person_id")
                        .unique(Unique::PerVersion),
                    f("household_id", Pseudonym("household")).optional(),
                    f("date_of_birth", AgeOrDob).one_of("age"),
                    f("sex", Sex),
                    f("ethnic_category", Ethnic),
                    f("lsoa_code", Lsoa),
                    f("gp_practice_code", Ods),
                    f("pcn_code", Ods).optional(),
                    f("registration_date", Date).optional(),
                    f("learning_disability", Flag).optional(),
                    f("autism", Flag).optional(),
                    f("smi", Flag).optional(),
                    f("copd", Flag).optional(),
                    f("hypertension", Flag).optional(),
                    f("diabetes", Flag).optional(),
                    f("homeless", Flag).optional(),
                    f("carer", Flag).optional(),
                    f("armed_forces", Flag).optional(),
                    f("refugee_or_asylum_seeker", Flag).optional(),
                    f("gypsy_roma_traveller", Flag).optional(),
                    f("extract_date", Date),
                ];
                F
            }
            Dataset::WaitingList => {
                const F: &[Field] = &[
                    f("pathway_id", Text).unique(Unique::PerSnapshot),
                    f("nhs_number", PersonId).one_of("person_id"),
                    f("snapshot_date", Date),
                    f("provider_code", Ods),
                    f("treatment_function_code", TreatmentFunction),
                    f("priority", Priority).optional(),
                    f("rtt_start_date", Date),
                    f("age", Age).optional(),
                    f("sex", Sex).optional(),
                    f("ethnic_category", Ethnic).optional(),
                    f("lsoa_code", Lsoa).optional(),
                    f("learning_disability", Flag).optional(),
                ];
                F
            }
            Dataset::Admissions => {
                const F: &[Field] = &[
                    f("spell_id", Text).unique(Unique::InFile),
                    f("nhs_number", PersonId).one_of("person_id"),
                    f("admission_date", Date),
                    f("admission_method", AdmissionMethod),
                    f("primary_diagnosis", Icd10),
                    f("primary_procedure", Opcs4).optional(),
                    f("provider_code", Ods),
                ];
                F
            }
            Dataset::Events => {
                const F: &[Field] = &[
                    f("nhs_number", PersonId).one_of("person_id"),
                    f("event_date", Date),
                    f("event_type", EventType),
                    f("value", EventValue).optional(),
                ];
                F
            }
            Dataset::Staff => {
                const F: &[Field] = &[
                    f("staff_id", Pseudonym("staff")),
                    f("org_code", Ods),
                    f("snapshot_date", Date),
                    f("staff_group", Text),
                    f("clinical", RequiredFlag),
                    f("pay_band", PayBand),
                    f("ethnic_category", Ethnic),
                    f("disability", Disability),
                    f("sex", Sex),
                    f("age", Age).optional(),
                    f("bank", Flag).optional(),
                    f("fte", Number { min: 0.0, max: 2.0 }).optional(),
                    f("ordinary_pay", Number { min: 0.0, max: 1e7 }).optional(),
                    f("pay_period_days", Int { min: 1, max: 366 }).optional(),
                    f(
                        "weekly_hours",
                        Number {
                            min: 0.0,
                            max: 168.0,
                        },
                    )
                    .optional(),
                    f("bonus_pay_12m", Number { min: 0.0, max: 1e8 }).optional(),
                    f("full_pay_relevant", Flag).optional(),
                    f("board_member", BoardMember).optional(),
                ];
                F
            }
            Dataset::Recruitment => {
                const F: &[Field] = &[
                    f("application_id", Text).unique(Unique::InFile),
                    f("org_code", Ods),
                    f("vacancy_id", Text),
                    f("ethnic_category", Ethnic),
                    f("disability", Disability),
                    f("sex", Sex),
                    f("shortlisted", RequiredFlag),
                    f("appointed", RequiredFlag),
                    f("decision_date", Date),
                ];
                F
            }
            Dataset::EmployeeRelations => {
                const F: &[Field] = &[
                    f("case_id", Text).unique(Unique::InFile),
                    f("staff_id", Pseudonym("staff")),
                    f("org_code", Ods),
                    f("process", Choice(&["disciplinary", "capability"])),
                    f("start_date", Date),
                ];
                F
            }
            Dataset::Training => {
                const F: &[Field] = &[
                    f("staff_id", Pseudonym("staff")),
                    f("org_code", Ods),
                    f("date", Date),
                ];
                F
            }
            Dataset::StaffSurvey => {
                const F: &[Field] = &[
                    f("org_code", Ods),
                    f(
                        "year",
                        Int {
                            min: 2000,
                            max: 2100,
                        },
                    ),
                    f("question", Text),
                    f("group_type", Choice(&["ethnicity", "disability"])),
                    f(
                        "group",
                        Choice(&["White", "BME", "Disabled", "Non-disabled"]),
                    ),
                    f(
                        "respondents",
                        Int {
                            min: 0,
                            max: 10_000_000,
                        },
                    ),
                    f(
                        "positive",
                        Int {
                            min: 0,
                            max: 10_000_000,
                        },
                    ),
                ];
                F
            }
            Dataset::Volunteers => {
                const F: &[Field] = &[
                    f("volunteer_id", Text).unique(Unique::InFile),
                    f("household_id", Pseudonym("household")),
                ];
                F
            }
            Dataset::Quotas => {
                const F: &[Field] = &[
                    f("feature", Text),
                    f("value", Text),
                    f(
                        "min",
                        Int {
                            min: 0,
                            max: 100_000,
                        },
                    ),
                    f(
                        "max",
                        Int {
                            min: 0,
                            max: 100_000,
                        },
                    ),
                ];
                F
            }
        }
    }

    /// Whether columns outside the contract are feature columns to keep (volunteers)
    /// rather than ignored with a warning.
    pub fn keeps_other_columns(self) -> bool {
        self == Dataset::Volunteers
    }
}

/// One contract column.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column name.
    pub name: &'static str,
    /// For "one of" pairs (`nhs_number`/`person_id`, `date_of_birth`/`age`): the other.
    pub alt: Option<&'static str>,
    /// Whether the column must be present in the file.
    pub required: bool,
    /// The value rule.
    pub kind: Kind,
    /// Uniqueness rule for identifier columns.
    pub unique: Unique,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        alt: None,
        required: true,
        kind,
        unique: Unique::No,
    }
}

impl Field {
    const fn optional(mut self) -> Field {
        self.required = false;
        self
    }
    const fn one_of(mut self, alt: &'static str) -> Field {
        self.alt = Some(alt);
        self
    }
    const fn unique(mut self, u: Unique) -> Field {
        self.unique = u;
        self
    }
}

/// Where an identifier must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// No rule.
    No,
    /// Within the file.
    InFile,
    /// Within a `snapshot_date` of the file.
    PerSnapshot,
    /// The person (`nhs_number`, else `person_id`, as pseudonymised) within a dataset
    /// version, across the files of a call and, with `--append`, the version appended to.
    PerVersion,
}

/// The rule a value must pass, and what it becomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `nhs_number` (Modulus 11) or `person_id`: becomes the pseudonym `person_id`.
    PersonId,
    /// An identifier pseudonymised in the named domain (`staff`, `household`).
    Pseudonym(&'static str),
    /// Non-empty text up to 64 characters.
    Text,
    /// A date.
    Date,
    /// `date_of_birth` (needs `extract_date`) or `age`: becomes `age` and `age_band`.
    AgeOrDob,
    /// An age 0–120: becomes `age` and `age_band`.
    Age,
    /// Person stated gender code.
    Sex,
    /// Ethnic category: becomes `ethnic_category` and `ethnic_group`.
    Ethnic,
    /// LSOA code: becomes the geography and deprivation fields.
    Lsoa,
    /// ODS code.
    Ods,
    /// A flag; blank is not recorded (null).
    Flag,
    /// A flag that must be recorded.
    RequiredFlag,
    /// Treatment function code: becomes code and name.
    TreatmentFunction,
    /// Clinical priority P1–P4.
    Priority,
    /// Admission method: becomes code and kind.
    AdmissionMethod,
    /// ICD-10 code.
    Icd10,
    /// OPCS-4 code.
    Opcs4,
    /// Event type.
    EventType,
    /// Event value, checked against the event type.
    EventValue,
    /// Pay band: becomes band and cluster.
    PayBand,
    /// Disability declaration Y/N/U.
    Disability,
    /// Board membership.
    BoardMember,
    /// An integer in a range.
    Int {
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A number in a range.
    Number {
        /// Smallest accepted.
        min: f64,
        /// Largest accepted.
        max: f64,
    },
    /// One of a fixed list of words.
    Choice(&'static [&'static str]),
}

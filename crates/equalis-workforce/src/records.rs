//! Input records: plain Rust mirrors of the workforce datasets of the data contract
//! (`staff`, `recruitment`, `employee_relations`, `training`, `staff_survey`), already
//! parsed and validated column by column at ingest. [`WorkforceData::validate`] checks the
//! cross-field rules the calculations rely on.

use std::collections::{BTreeSet, HashMap};

use equalis_vocab::{BoardMember, Census2021Group, Disability, EthnicCategory, Flag, PayBand, Sex};
use jiff::civil::Date;

use crate::WorkforceError;

/// One row of the `staff` dataset: a person in an organisation's workforce on a snapshot date.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRecord {
    /// Pseudonymised staff id.
    pub staff_id: String,
    /// ODS code of the employing organisation.
    pub org_code: String,
    /// Snapshot date (31 March for WRES, WDES and pay gaps; a quarter end for the dashboard).
    pub snapshot_date: Date,
    /// ESR staff group.
    pub staff_group: String,
    /// Clinical (true) or non-clinical (false), for WRES indicator 1.
    pub clinical: bool,
    /// Pay band.
    pub pay_band: PayBand,
    /// Ethnic category.
    pub ethnic_category: EthnicCategory,
    /// Disability declaration.
    pub disability: Disability,
    /// Stated gender.
    pub sex: Sex,
    /// Age in years.
    pub age: Option<u8>,
    /// Bank staff (excluded from WRES and WDES, as their guidance says).
    pub bank: Flag,
    /// Whole-time equivalent, 0–2.
    pub fte: Option<f64>,
    /// Ordinary pay in the relevant pay period (gross, after salary sacrifice).
    pub ordinary_pay: Option<f64>,
    /// Days in the relevant pay period.
    pub pay_period_days: Option<u32>,
    /// Normal weekly working hours.
    pub weekly_hours: Option<f64>,
    /// Bonus pay in the 12 months ending with the snapshot date.
    pub bonus_pay_12m: Option<f64>,
    /// Not on reduced or nil pay for leave in the pay period.
    pub full_pay_relevant: Flag,
    /// Board membership, if any.
    pub board_member: Option<BoardMember>,
}

impl StaffRecord {
    /// A record with the required columns and every optional column blank (non-clinical,
    /// bank not recorded, no pay data, not a board member).
    pub fn new(
        staff_id: impl Into<String>,
        org_code: impl Into<String>,
        snapshot_date: Date,
        pay_band: PayBand,
        ethnic_category: EthnicCategory,
        disability: Disability,
        sex: Sex,
    ) -> StaffRecord {
        StaffRecord {
            staff_id: staff_id.into(),
            org_code: org_code.into(),
            snapshot_date,
            staff_group: String::new(),
            clinical: false,
            pay_band,
            ethnic_category,
            disability,
            sex,
            age: None,
            bank: Flag::NotRecorded,
            fte: None,
            ordinary_pay: None,
            pay_period_days: None,
            weekly_hours: None,
            bonus_pay_12m: None,
            full_pay_relevant: Flag::NotRecorded,
            board_member: None,
        }
    }

    /// Whether the record counts in the workforce for WRES, WDES and the dashboard.
    ///
    /// Bank staff are excluded (WDES 2023 technical guidance; WRES counts substantive staff).
    /// Voting non-executive directors are board members, not employees: they count for
    /// indicator 9 / metric 10 and board representativeness, never in workforce headcounts.
    pub fn in_workforce(&self) -> bool {
        self.bank != Flag::Yes && self.board_member != Some(BoardMember::VotingNonExec)
    }
}

/// One row of the `recruitment` dataset: one applicant for one vacancy.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Application id.
    pub application_id: String,
    /// Recruiting organisation.
    pub org_code: String,
    /// Vacancy id.
    pub vacancy_id: String,
    /// Applicant's ethnic category.
    pub ethnic_category: EthnicCategory,
    /// Applicant's disability declaration.
    pub disability: Disability,
    /// Applicant's stated gender.
    pub sex: Sex,
    /// Shortlisted (a blank flag is ingested as not shortlisted).
    pub shortlisted: bool,
    /// Appointed (implies shortlisted).
    pub appointed: bool,
    /// Date of the shortlisting or appointment decision; places the application in a year.
    pub decision_date: Date,
}

/// The formal process an employee relations case belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErProcess {
    /// Formal disciplinary process (WRES indicator 3).
    Disciplinary,
    /// Formal capability process on grounds of performance (WDES metric 3).
    Capability,
}

/// One row of the `employee_relations` dataset: a member of staff entering a formal process.
#[derive(Debug, Clone, PartialEq)]
pub struct ErCase {
    /// Case id.
    pub case_id: String,
    /// Pseudonymised staff id (matched to the `staff` snapshot for ethnicity and disability).
    pub staff_id: String,
    /// Organisation.
    pub org_code: String,
    /// Which process.
    pub process: ErProcess,
    /// Date the member of staff entered the formal process.
    pub start_date: Date,
}

/// One row of the `training` dataset: a member of staff accessing non-mandatory training or CPD.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRecord {
    /// Pseudonymised staff id.
    pub staff_id: String,
    /// Organisation.
    pub org_code: String,
    /// Date accessed.
    pub date: Date,
}

/// The group a staff survey result describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SurveyGroup {
    /// White respondents (`group_type` ethnicity).
    White,
    /// BME respondents (`group_type` ethnicity).
    Bme,
    /// Disabled respondents (`group_type` disability).
    Disabled,
    /// Non-disabled respondents (`group_type` disability).
    NonDisabled,
}

impl SurveyGroup {
    /// The label in the contract.
    pub fn label(self) -> &'static str {
        match self {
            SurveyGroup::White => "White",
            SurveyGroup::Bme => "BME",
            SurveyGroup::Disabled => "Disabled",
            SurveyGroup::NonDisabled => "Non-disabled",
        }
    }
}

/// One row of the `staff_survey` dataset: an NHS Staff Survey result for one group.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResult {
    /// Organisation.
    pub org_code: String,
    /// Survey year (the autumn the survey ran).
    pub year: i16,
    /// Indicator key, e.g. `wres5` or `wdes4a_managers`; see [`crate::survey_keys`].
    pub question: String,
    /// Group (the contract's `group_type` follows from it).
    pub group: SurveyGroup,
    /// Respondents in the group.
    pub respondents: u64,
    /// Respondents answering the indicator's way.
    pub positive: u64,
}

/// Everything the workforce calculations read. Records may cover several organisations
/// (ICS-wide) and several snapshot dates (year on year, quarters); each calculation selects
/// its organisation and period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkforceData {
    /// `staff` rows, any number of snapshots.
    pub staff: Vec<StaffRecord>,
    /// `recruitment` rows.
    pub applications: Vec<Application>,
    /// `employee_relations` rows.
    pub er_cases: Vec<ErCase>,
    /// `training` rows.
    pub training: Vec<TrainingRecord>,
    /// `staff_survey` rows.
    pub survey: Vec<SurveyResult>,
    /// Datasets the caller does not have (never ingested), as opposed to supplied with no rows
    /// in the period. The indicators that read one of them are not computed: each is
    /// [`NotSupplied`], saying which dataset to ingest, while every other indicator is
    /// computed as usual. Empty (the default): every dataset is supplied.
    pub not_supplied: Vec<Dataset>,
}

/// A workforce dataset of the data contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// `staff`: the ESR-style snapshot every report reads.
    Staff,
    /// `recruitment`: WRES indicator 2, WDES metric 2.
    Recruitment,
    /// `employee_relations`: WRES indicator 3, WDES metric 3.
    EmployeeRelations,
    /// `training`: WRES indicator 4.
    Training,
    /// `staff_survey`: WRES indicators 5 to 8, WDES metrics 4 to 8.
    StaffSurvey,
}

impl Dataset {
    /// Every workforce dataset, in the order they are usually ingested.
    pub const ALL: [Dataset; 5] = [
        Dataset::Staff,
        Dataset::Recruitment,
        Dataset::EmployeeRelations,
        Dataset::Training,
        Dataset::StaffSurvey,
    ];

    /// The dataset's name in the data contract (`equalis ingest --dataset NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Staff => "staff",
            Dataset::Recruitment => "recruitment",
            Dataset::EmployeeRelations => "employee_relations",
            Dataset::Training => "training",
            Dataset::StaffSurvey => "staff_survey",
        }
    }

    /// The dataset of a contract name.
    pub fn from_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// An indicator that was not computed because the dataset it reads was not supplied
/// ([`WorkforceData::not_supplied`]): an undefined figure that says which dataset to ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSupplied {
    /// The dataset the indicator needs.
    pub dataset: Dataset,
}

impl NotSupplied {
    /// Why the indicator is undefined, with the command that supplies the data.
    pub fn reason(self) -> &'static str {
        match self.dataset {
            Dataset::Staff => "needs the `staff` dataset: `equalis ingest --dataset staff FILE`",
            Dataset::Recruitment => {
                "needs the `recruitment` dataset: `equalis ingest --dataset recruitment FILE`"
            }
            Dataset::EmployeeRelations => {
                "needs the `employee_relations` dataset: `equalis ingest --dataset employee_relations FILE`"
            }
            Dataset::Training => {
                "needs the `training` dataset: `equalis ingest --dataset training FILE`"
            }
            Dataset::StaffSurvey => {
                "needs the `staff_survey` dataset: `equalis ingest --dataset staff_survey FILE`"
            }
        }
    }

    /// The undefined figure standing for any figure of the indicator.
    pub fn figure(self) -> crate::Figure {
        crate::Figure::Undefined {
            reason: self.reason(),
        }
    }
}

impl WorkforceData {
    /// Checks the row rules the calculations rely on: money non-negative and finite, pay
    /// period at least a day, weekly hours positive, FTE within 0–2, appointed implies
    /// shortlisted, survey positives no more than respondents. [`Workforce::new`] calls this
    /// and also rejects a staff id twice in one snapshot of one organisation.
    pub fn validate(&self) -> Result<(), WorkforceError> {
        for s in &self.staff {
            for (field, value) in [
                ("ordinary_pay", s.ordinary_pay),
                ("bonus_pay_12m", s.bonus_pay_12m),
            ] {
                if let Some(v) = value
                    && !(v.is_finite() && v >= 0.0)
                {
                    return Err(WorkforceError::InvalidMoney {
                        staff_id: s.staff_id.clone(),
                        field,
                        value: v,
                    });
                }
            }
            if s.pay_period_days == Some(0) {
                return Err(WorkforceError::ZeroPayPeriod {
                    staff_id: s.staff_id.clone(),
                });
            }
            if let Some(h) = s.weekly_hours
                && !(h.is_finite() && h > 0.0)
            {
                return Err(WorkforceError::InvalidWeeklyHours {
                    staff_id: s.staff_id.clone(),
                    value: h,
                });
            }
            if let Some(f) = s.fte
                && !(f.is_finite() && (0.0..=2.0).contains(&f))
            {
                return Err(WorkforceError::InvalidFte {
                    staff_id: s.staff_id.clone(),
                    value: f,
                });
            }
        }
        if let Some(a) = self
            .applications
            .iter()
            .find(|a| a.appointed && !a.shortlisted)
        {
            return Err(WorkforceError::AppointedNotShortlisted {
                application_id: a.application_id.clone(),
            });
        }
        if let Some(r) = self.survey.iter().find(|r| r.positive > r.respondents) {
            return Err(WorkforceError::SurveyPositiveExceedsRespondents {
                org_code: r.org_code.clone(),
                year: r.year,
                question: r.question.clone(),
                positive: r.positive,
                respondents: r.respondents,
            });
        }
        Ok(())
    }

    /// The distinct snapshot dates in `staff`, ascending.
    pub fn snapshot_dates(&self) -> Vec<Date> {
        let mut d: Vec<Date> = self.staff.iter().map(|s| s.snapshot_date).collect();
        d.sort_unstable();
        d.dedup();
        d
    }
}

/// Workforce data that has passed [`WorkforceData::validate`], indexed: the only input the
/// reports accept, so validation happens once, at the boundary, however many organisations,
/// years and reports are then computed. The index gives every person (organisation and
/// staff id) a number, so matching cases and training to staff is an array look-up.
#[derive(Debug, Clone)]
pub struct Workforce {
    data: WorkforceData,
    /// Indices into `data.staff` grouped by person, each person's by snapshot date.
    by_person: Vec<usize>,
    /// Person `p`'s records are `by_person[person_start[p]..person_start[p + 1]]`.
    person_start: Vec<usize>,
    /// The person of each `er_cases` row, if any staff record matches it.
    case_person: Vec<Option<u32>>,
    /// The person of each `training` row, if any staff record matches it.
    training_person: Vec<Option<u32>>,
    /// Every organisation, then the ICS.
    scopes: Vec<crate::Scope>,
    /// Staff indices by (snapshot date, organisation), sorted, in input order within each.
    snapshots: Vec<(Date, String, Vec<usize>)>,
    /// Organisation codes, sorted: an organisation's number is its index here.
    org_codes: Vec<String>,
    /// The organisation number of each `applications` row.
    application_org: Vec<u32>,
    /// The organisation number of each `er_cases` row.
    case_org: Vec<u32>,
    /// The organisation number of each `training` row.
    training_org: Vec<u32>,
}

/// A scope as organisation numbers: every organisation, or one (`u32::MAX` for a code
/// that is in no record, which matches nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OrgFilter(Option<u32>);

impl OrgFilter {
    pub(crate) fn includes(self, org: u32) -> bool {
        self.0.is_none_or(|o| o == org)
    }
}

impl Workforce {
    /// Validates the data and indexes it.
    pub fn new(data: WorkforceData) -> Result<Workforce, WorkforceError> {
        data.validate()?;
        let staff = &data.staff;
        // Number the people by hashing (a sort of 100,000 records by string keys costs far
        // more in cache misses), then bucket their records by person: a counting sort.
        let mut ids: HashMap<(&str, &str), u32> = HashMap::with_capacity(staff.len());
        let person_of: Vec<u32> = staff
            .iter()
            .map(|s| {
                let next = ids.len() as u32;
                *ids.entry((s.org_code.as_str(), s.staff_id.as_str()))
                    .or_insert(next)
            })
            .collect();
        let people = ids.len();
        let mut person_start = vec![0usize; people + 1];
        for &p in &person_of {
            person_start[p as usize + 1] += 1;
        }
        for p in 0..people {
            person_start[p + 1] += person_start[p];
        }
        let mut fill = person_start.clone();
        let mut by_person = vec![0usize; staff.len()];
        for (i, &p) in person_of.iter().enumerate() {
            by_person[fill[p as usize]] = i;
            fill[p as usize] += 1;
        }
        for p in 0..people {
            let records = &mut by_person[person_start[p]..person_start[p + 1]];
            if records.len() > 1 {
                records.sort_unstable_by_key(|&i| staff[i].snapshot_date);
                if let Some(w) = records
                    .windows(2)
                    .find(|w| staff[w[0]].snapshot_date == staff[w[1]].snapshot_date)
                {
                    let s = &staff[w[1]];
                    return Err(WorkforceError::DuplicateStaff {
                        staff_id: s.staff_id.clone(),
                        org_code: s.org_code.clone(),
                        snapshot_date: s.snapshot_date,
                    });
                }
            }
        }
        let case_person = data
            .er_cases
            .iter()
            .map(|c| {
                ids.get(&(c.org_code.as_str(), c.staff_id.as_str()))
                    .copied()
            })
            .collect();
        let training_person = data
            .training
            .iter()
            .map(|t| {
                ids.get(&(t.org_code.as_str(), t.staff_id.as_str()))
                    .copied()
            })
            .collect();
        // A set of a dozen organisations: a B-tree insert per row costs a few short string
        // comparisons, where collecting and sorting 600,000 codes cost a third of a second.
        let mut orgs: BTreeSet<&str> = BTreeSet::new();
        let mut groups: HashMap<(Date, &str), Vec<usize>> = HashMap::new();
        for (i, s) in staff.iter().enumerate() {
            orgs.insert(&s.org_code);
            groups
                .entry((s.snapshot_date, s.org_code.as_str()))
                .or_default()
                .push(i);
        }
        for a in &data.applications {
            orgs.insert(&a.org_code);
        }
        // Reports are listed for organisations with staff or applications; cases and training
        // of any other organisation still get a number of their own, so they never match a
        // scope by accident.
        let scopes = orgs
            .iter()
            .map(|o| crate::Scope::Organisation(o.to_string()))
            .chain(std::iter::once(crate::Scope::Ics))
            .collect();
        for c in &data.er_cases {
            orgs.insert(&c.org_code);
        }
        for t in &data.training {
            orgs.insert(&t.org_code);
        }
        let org_codes: Vec<&str> = orgs.into_iter().collect();
        // Every row's organisation as a number, so that selecting a scope compares integers
        // rather than strings in the loops over 500,000 applications. Every row's code is in
        // the list, so the `u32::MAX` of an unknown scope matches no row.
        let org_of = |code: &str| {
            org_codes
                .binary_search(&code)
                .map_or(u32::MAX, |i| i as u32)
        };
        let application_org = data
            .applications
            .iter()
            .map(|a| org_of(&a.org_code))
            .collect();
        let case_org = data.er_cases.iter().map(|c| org_of(&c.org_code)).collect();
        let training_org = data.training.iter().map(|t| org_of(&t.org_code)).collect();
        let org_codes: Vec<String> = org_codes.into_iter().map(str::to_string).collect();
        let mut snapshots: Vec<(Date, String, Vec<usize>)> = groups
            .into_iter()
            .map(|((d, o), v)| (d, o.to_string(), v))
            .collect();
        snapshots.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        drop(ids);
        Ok(Workforce {
            by_person,
            person_start,
            case_person,
            training_person,
            scopes,
            snapshots,
            org_codes,
            application_org,
            case_org,
            training_org,
            data,
        })
    }

    /// The validated records.
    pub fn data(&self) -> &WorkforceData {
        &self.data
    }

    /// `Ok` when `dataset` was supplied, else the [`NotSupplied`] its indicators report.
    pub fn require(&self, dataset: Dataset) -> Result<(), NotSupplied> {
        if self.data.not_supplied.contains(&dataset) {
            Err(NotSupplied { dataset })
        } else {
            Ok(())
        }
    }

    /// Computes an indicator that reads `dataset` when it was supplied; `Ok(Err(…))` says it was
    /// not, and an invalid-input error passes through.
    pub(crate) fn when_supplied<T>(
        &self,
        dataset: Dataset,
        compute: impl FnOnce() -> Result<T, WorkforceError>,
    ) -> Result<Result<T, NotSupplied>, WorkforceError> {
        match self.require(dataset) {
            Ok(()) => compute().map(Ok),
            Err(n) => Ok(Err(n)),
        }
    }

    /// Every organisation in the staff and recruitment data (ODS code order), then the ICS.
    pub fn scopes(&self) -> &[crate::Scope] {
        &self.scopes
    }

    /// Person `p`'s record at the latest snapshot on or before `date`. Cases and training of
    /// people who have since left match the last snapshot that held them, when the caller
    /// supplies earlier snapshots.
    pub(crate) fn latest_record(&self, person: u32, date: Date) -> Option<&StaffRecord> {
        let p = person as usize;
        let records = &self.by_person[self.person_start[p]..self.person_start[p + 1]];
        records
            .iter()
            .rev()
            .map(|&i| &self.data.staff[i])
            .find(|s| s.snapshot_date <= date)
    }

    /// The staff records of the scope on the snapshot date, in input order within each
    /// organisation, organisations in code order.
    pub(crate) fn snapshot(&self, scope: &crate::Scope, date: Date) -> Vec<&StaffRecord> {
        let from = self.snapshots.partition_point(|(d, _, _)| *d < date);
        self.snapshots[from..]
            .iter()
            .take_while(|(d, _, _)| *d == date)
            .filter(|(_, org, _)| scope.includes(org))
            .flat_map(|(_, _, v)| v.iter().map(|&i| &self.data.staff[i]))
            .collect()
    }

    /// The scope as an organisation-number filter.
    pub(crate) fn org_filter(&self, scope: &crate::Scope) -> OrgFilter {
        match scope {
            crate::Scope::Ics => OrgFilter(None),
            crate::Scope::Organisation(code) => OrgFilter(Some(
                self.org_codes
                    .binary_search(code)
                    .map_or(u32::MAX, |i| i as u32),
            )),
        }
    }

    /// The organisation number of `applications[i]`.
    pub(crate) fn application_org(&self, i: usize) -> u32 {
        self.application_org[i]
    }

    /// The organisation number of `er_cases[i]`.
    pub(crate) fn case_org(&self, i: usize) -> u32 {
        self.case_org[i]
    }

    /// The organisation number of `training[i]`.
    pub(crate) fn training_org(&self, i: usize) -> u32 {
        self.training_org[i]
    }

    /// The person of `er_cases[i]`.
    pub(crate) fn case_person(&self, i: usize) -> Option<u32> {
        self.case_person[i]
    }

    /// The person of `training[i]`.
    pub(crate) fn training_person(&self, i: usize) -> Option<u32> {
        self.training_person[i]
    }
}

impl std::ops::Deref for Workforce {
    type Target = WorkforceData;

    fn deref(&self) -> &WorkforceData {
        &self.data
    }
}

/// Residents of the ICS footprint by Census 2021 ethnic group (ONS TS021 for the local
/// authorities concerned), supplied by the caller from reference data.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPopulation {
    /// What the population is, e.g. "Census 2021, local authorities of the ICS".
    pub name: String,
    /// Usual residents per group; a group left out counts as zero.
    pub counts: Vec<(Census2021Group, u64)>,
}

impl LocalPopulation {
    /// Residents in one group (summing duplicates, should the caller pass any).
    pub fn count(&self, group: Census2021Group) -> u64 {
        self.counts
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|(_, n)| n)
            .sum()
    }

    /// All residents.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

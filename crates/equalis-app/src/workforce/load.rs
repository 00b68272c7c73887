//! Loading the workforce datasets of a workspace into [`WorkforceData`]: the Parquet parts of
//! the current version of each dataset, read with the Arrow reader and mapped column by column
//! (by name) into the records of `equalis-workforce`; and the local population of the ICS
//! footprint from Census 2021 reference data.

use crate::error::not_found;
use std::collections::{BTreeSet, HashMap};

use anyhow::anyhow;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use equalis_vocab::{BoardMember, Census2021Group, Disability, EthnicCategory, Flag, PayBand, Sex};
use equalis_workforce::{
    Application, Dataset, ErCase, ErProcess, LocalPopulation, StaffRecord, SurveyGroup,
    SurveyResult, TrainingRecord, WorkforceData,
};
use equalis_workspace::Workspace;

use crate::dataset::batches;
use jiff::ToSpan;
use jiff::civil::Date;

/// The five workforce datasets, in the order `equalis ingest` is usually run.
pub const ALL_DATASETS: [&str; 5] = [
    "staff",
    "recruitment",
    "employee_relations",
    "training",
    "staff_survey",
];

/// Reads the datasets named in `needed` (any of [`ALL_DATASETS`]; `staff` is always read, and
/// its absence is an error naming the ingest command). A needed dataset the workspace does not
/// have is listed in [`WorkforceData::not_supplied`]: the indicators that read it say which
/// dataset to ingest, and every other indicator is computed.
pub fn load(ws: &Workspace, needed: &[&str]) -> anyhow::Result<WorkforceData> {
    let mut data = WorkforceData::default();
    for name in ALL_DATASETS {
        if name != "staff" && !needed.contains(&name) {
            continue;
        }
        if name != "staff" && ws.current(name)?.is_none() {
            let dataset = Dataset::from_name(name)
                .ok_or_else(|| anyhow!("bug: `{name}` is not a workforce dataset"))?;
            data.not_supplied.push(dataset);
            continue;
        }
        let batches = batches(ws, name)?;
        for b in &batches {
            let c = Columns {
                batch: b,
                dataset: name,
            };
            match name {
                "staff" => read_staff(&c, &mut data.staff)?,
                "recruitment" => read_recruitment(&c, &mut data.applications)?,
                "employee_relations" => read_cases(&c, &mut data.er_cases)?,
                "training" => read_training(&c, &mut data.training)?,
                _ => read_survey(&c, &mut data.survey)?,
            }
        }
    }
    Ok(data)
}

/// Typed, named access to one batch's columns; every error names the dataset, column and row.
struct Columns<'a> {
    batch: &'a RecordBatch,
    dataset: &'a str,
}

impl Columns<'_> {
    fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    fn column(&self, name: &str) -> anyhow::Result<&ArrayRef> {
        self.batch.column_by_name(name).ok_or_else(|| {
            anyhow!(
                "stored `{}` data has no `{name}` column: re-ingest it with this version of equalis",
                self.dataset
            )
        })
    }

    fn optional(&self, name: &str) -> Option<&ArrayRef> {
        self.batch.column_by_name(name)
    }

    fn wrong_type(&self, name: &str, want: &str) -> anyhow::Error {
        anyhow!(
            "stored `{}` column `{name}` is not {want}: re-ingest the dataset",
            self.dataset
        )
    }

    fn missing(&self, name: &str, row: usize) -> anyhow::Error {
        anyhow!(
            "stored `{}` record {} has no `{name}`: re-ingest the dataset",
            self.dataset,
            row + 1
        )
    }

    /// A string column as optional values.
    fn strs(&self, name: &str, required: bool) -> anyhow::Result<Vec<Option<&str>>> {
        let Some(a) = (if required {
            Some(self.column(name)?)
        } else {
            self.optional(name)
        }) else {
            return Ok(vec![None; self.rows()]);
        };
        let s = a
            .as_string_opt::<i32>()
            .ok_or_else(|| self.wrong_type(name, "text"))?;
        Ok((0..s.len())
            .map(|i| s.is_valid(i).then(|| s.value(i)))
            .collect())
    }

    /// A required string column.
    fn req_strs(&self, name: &str) -> anyhow::Result<Vec<&str>> {
        self.strs(name, true)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| self.missing(name, i)))
            .collect()
    }

    fn dates(&self, name: &str) -> anyhow::Result<Vec<Date>> {
        let a = self.column(name)?;
        let d = a
            .as_primitive_opt::<Date32Type>()
            .ok_or_else(|| self.wrong_type(name, "a date"))?;
        (0..d.len())
            .map(|i| {
                if !d.is_valid(i) {
                    return Err(self.missing(name, i));
                }
                date_from_days(d.value(i)).ok_or_else(|| {
                    anyhow!(
                        "stored `{}` record {} has an out-of-range `{name}`",
                        self.dataset,
                        i + 1
                    )
                })
            })
            .collect()
    }

    fn bools(&self, name: &str) -> anyhow::Result<Vec<Option<bool>>> {
        let Some(a) = self.optional(name) else {
            return Ok(vec![None; self.rows()]);
        };
        let b = a
            .as_boolean_opt()
            .ok_or_else(|| self.wrong_type(name, "a flag"))?;
        Ok((0..b.len())
            .map(|i| b.is_valid(i).then(|| b.value(i)))
            .collect())
    }

    fn floats(&self, name: &str) -> anyhow::Result<Vec<Option<f64>>> {
        let Some(a) = self.optional(name) else {
            return Ok(vec![None; self.rows()]);
        };
        let f = a
            .as_primitive_opt::<Float64Type>()
            .ok_or_else(|| self.wrong_type(name, "a number"))?;
        Ok((0..f.len())
            .map(|i| f.is_valid(i).then(|| f.value(i)))
            .collect())
    }

    /// An integer column, stored as Int64 or Int32.
    fn ints(&self, name: &str) -> anyhow::Result<Vec<Option<i64>>> {
        let Some(a) = self.optional(name) else {
            return Ok(vec![None; self.rows()]);
        };
        if let Some(v) = a.as_primitive_opt::<Int64Type>() {
            return Ok((0..v.len())
                .map(|i| v.is_valid(i).then(|| v.value(i)))
                .collect());
        }
        if let Some(v) = a.as_primitive_opt::<Int32Type>() {
            return Ok((0..v.len())
                .map(|i| v.is_valid(i).then(|| i64::from(v.value(i))))
                .collect());
        }
        Err(self.wrong_type(name, "an integer"))
    }

    fn bad(&self, name: &str, row: usize, err: impl std::fmt::Display) -> anyhow::Error {
        anyhow!(
            "stored `{}` record {} has an invalid `{name}`: {err}",
            self.dataset,
            row + 1
        )
    }
}

fn date_from_days(days: i32) -> Option<Date> {
    Date::new(1970, 1, 1)
        .ok()?
        .checked_add(i64::from(days).days())
        .ok()
}

fn flag(v: Option<bool>) -> Flag {
    match v {
        Some(true) => Flag::Yes,
        Some(false) => Flag::No,
        None => Flag::NotRecorded,
    }
}

fn read_staff(c: &Columns<'_>, out: &mut Vec<StaffRecord>) -> anyhow::Result<()> {
    let ids = c.req_strs("staff_id")?;
    let orgs = c.req_strs("org_code")?;
    let dates = c.dates("snapshot_date")?;
    let groups = c.strs("staff_group", false)?;
    let clinical = c.bools("clinical")?;
    let bands = c.req_strs("pay_band")?;
    let eth = c.req_strs("ethnic_category")?;
    let dis = c.req_strs("disability")?;
    let sex = c.req_strs("sex")?;
    let age = c.ints("age")?;
    let bank = c.bools("bank")?;
    let fte = c.floats("fte")?;
    let pay = c.floats("ordinary_pay")?;
    let days = c.ints("pay_period_days")?;
    let hours = c.floats("weekly_hours")?;
    let bonus = c.floats("bonus_pay_12m")?;
    let fpr = c.bools("full_pay_relevant")?;
    let board = c.strs("board_member", false)?;
    out.reserve(c.rows());
    for i in 0..c.rows() {
        let band = PayBand::parse(bands[i]).map_err(|e| c.bad("pay_band", i, e))?;
        let ethnic = EthnicCategory::parse(eth[i]).map_err(|e| c.bad("ethnic_category", i, e))?;
        let disability = Disability::parse(dis[i]).map_err(|e| c.bad("disability", i, e))?;
        let s = Sex::parse(sex[i]).map_err(|e| c.bad("sex", i, e))?;
        let board_member = match board[i] {
            Some(b) => BoardMember::parse(b).map_err(|e| c.bad("board_member", i, e))?,
            None => None,
        };
        let pay_period_days = match days[i] {
            Some(d) => Some(u32::try_from(d).map_err(|e| c.bad("pay_period_days", i, e))?),
            None => None,
        };
        let mut r = StaffRecord::new(ids[i], orgs[i], dates[i], band, ethnic, disability, s);
        r.staff_group = groups[i].unwrap_or_default().to_string();
        r.clinical = clinical[i].ok_or_else(|| c.missing("clinical", i))?;
        r.age = age[i].and_then(|a| u8::try_from(a).ok());
        r.bank = flag(bank[i]);
        r.fte = fte[i];
        r.ordinary_pay = pay[i];
        r.pay_period_days = pay_period_days;
        r.weekly_hours = hours[i];
        r.bonus_pay_12m = bonus[i];
        r.full_pay_relevant = flag(fpr[i]);
        r.board_member = board_member;
        out.push(r);
    }
    Ok(())
}

fn read_recruitment(c: &Columns<'_>, out: &mut Vec<Application>) -> anyhow::Result<()> {
    let ids = c.req_strs("application_id")?;
    let orgs = c.req_strs("org_code")?;
    let vac = c.req_strs("vacancy_id")?;
    let eth = c.req_strs("ethnic_category")?;
    let dis = c.req_strs("disability")?;
    let sex = c.req_strs("sex")?;
    let short = c.bools("shortlisted")?;
    let appt = c.bools("appointed")?;
    let dates = c.dates("decision_date")?;
    out.reserve(c.rows());
    for i in 0..c.rows() {
        out.push(Application {
            application_id: ids[i].to_string(),
            org_code: orgs[i].to_string(),
            vacancy_id: vac[i].to_string(),
            ethnic_category: EthnicCategory::parse(eth[i])
                .map_err(|e| c.bad("ethnic_category", i, e))?,
            disability: Disability::parse(dis[i]).map_err(|e| c.bad("disability", i, e))?,
            sex: Sex::parse(sex[i]).map_err(|e| c.bad("sex", i, e))?,
            // A blank flag is ingested as not shortlisted / not appointed.
            shortlisted: short[i].unwrap_or(false),
            appointed: appt[i].unwrap_or(false),
            decision_date: dates[i],
        });
    }
    Ok(())
}

fn read_cases(c: &Columns<'_>, out: &mut Vec<ErCase>) -> anyhow::Result<()> {
    let ids = c.req_strs("case_id")?;
    let staff = c.req_strs("staff_id")?;
    let orgs = c.req_strs("org_code")?;
    let process = c.req_strs("process")?;
    let dates = c.dates("start_date")?;
    for i in 0..c.rows() {
        let process = match process[i] {
            "disciplinary" => ErProcess::Disciplinary,
            "capability" => ErProcess::Capability,
            other => return Err(c.bad("process", i, format!("`{other}`"))),
        };
        out.push(ErCase {
            case_id: ids[i].to_string(),
            staff_id: staff[i].to_string(),
            org_code: orgs[i].to_string(),
            process,
            start_date: dates[i],
        });
    }
    Ok(())
}

fn read_training(c: &Columns<'_>, out: &mut Vec<TrainingRecord>) -> anyhow::Result<()> {
    let staff = c.req_strs("staff_id")?;
    let orgs = c.req_strs("org_code")?;
    let dates = c.dates("date")?;
    for i in 0..c.rows() {
        out.push(TrainingRecord {
            staff_id: staff[i].to_string(),
            org_code: orgs[i].to_string(),
            date: dates[i],
        });
    }
    Ok(())
}

/// Survey item keys as the synthetic ICS (and, we expect, some local extracts) write them,
/// mapped to the keys of `equalis_workforce::survey_keys`. The roman numerals of WDES 4a
/// follow the WDES technical guidance: (i) patients/public, (ii) managers, (iii) colleagues.
/// Keys are compared after dropping everything but letters and digits, as the workforce
/// crate does, so `wres_5` already matches `wres5`.
fn survey_key(question: &str) -> String {
    let k: String = question
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match k.as_str() {
        "wdes4ai" => "wdes4a_public".into(),
        "wdes4aii" => "wdes4a_managers".into(),
        "wdes4aiii" => "wdes4a_colleagues".into(),
        _ => question.to_string(),
    }
}

fn read_survey(c: &Columns<'_>, out: &mut Vec<SurveyResult>) -> anyhow::Result<()> {
    let orgs = c.req_strs("org_code")?;
    let years = c.ints("year")?;
    let questions = c.req_strs("question")?;
    let groups = c.req_strs("group")?;
    let resp = c.ints("respondents")?;
    let pos = c.ints("positive")?;
    for i in 0..c.rows() {
        let group = match groups[i] {
            "White" => SurveyGroup::White,
            "BME" => SurveyGroup::Bme,
            "Disabled" => SurveyGroup::Disabled,
            "Non-disabled" => SurveyGroup::NonDisabled,
            other => return Err(c.bad("group", i, format!("`{other}`"))),
        };
        let year = years[i].ok_or_else(|| c.missing("year", i))?;
        let count = |v: Option<i64>, name: &str| -> anyhow::Result<u64> {
            let v = v.ok_or_else(|| c.missing(name, i))?;
            u64::try_from(v).map_err(|e| c.bad(name, i, e))
        };
        out.push(SurveyResult {
            org_code: orgs[i].to_string(),
            year: i16::try_from(year).map_err(|e| c.bad("year", i, e))?,
            question: survey_key(questions[i]),
            group,
            respondents: count(resp[i], "respondents")?,
            positive: count(pos[i], "positive")?,
        });
    }
    Ok(())
}

/// The ICB whose footprint the local population covers: `--ics` if given, else the most
/// common ICB of the `sub_icb_code` column of the workspace's `population` dataset (ties to
/// the lower code). `None` when neither is available.
pub fn choose_icb(ws: &Workspace, flag: Option<&str>) -> crate::Result<Option<String>> {
    choose_icb_any(ws, flag).map_err(crate::Error::from)
}
fn choose_icb_any(ws: &Workspace, flag: Option<&str>) -> anyhow::Result<Option<String>> {
    let refdata = equalis_refdata::RefData::get();
    if let Some(code) = flag {
        let icb = refdata
            .icb(code)
            .ok_or_else(|| not_found!("unknown ICB `{code}`: see `equalis synth --list-icbs`"))?;
        return Ok(Some(icb.code.clone()));
    }
    if ws.current("population")?.is_none() {
        return Ok(None);
    }
    let sub_to_icb: HashMap<&str, &str> = refdata
        .geo2021()
        .values()
        .map(|g| (g.sub_icb_code.as_str(), g.icb_code.as_str()))
        .collect();
    let mut tally: HashMap<String, u64> = HashMap::new();
    for b in batches(ws, "population")? {
        let c = Columns {
            batch: &b,
            dataset: "population",
        };
        for s in c.strs("sub_icb_code", false)?.into_iter().flatten() {
            if let Some(icb) = sub_to_icb.get(s) {
                *tally.entry((*icb).to_string()).or_default() += 1;
            }
        }
    }
    Ok(tally
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k))
}

/// Census 2021 usual residents by ethnic group of the local authorities that make up the
/// ICB's footprint (every LSOA of every local authority with an LSOA in the ICB).
pub fn local_population(icb_code: &str) -> anyhow::Result<LocalPopulation> {
    let refdata = equalis_refdata::RefData::get();
    let icb = refdata
        .icb(icb_code)
        .ok_or_else(|| anyhow!("unknown ICB `{icb_code}`"))?;
    let las: BTreeSet<&str> = refdata
        .lsoas_in_icb(&icb.code)
        .iter()
        .map(|g| g.la_code.as_str())
        .collect();
    let mut groups = [0u64; 5];
    let eth = refdata.ethnicity2021();
    for g in refdata.geo2021().values() {
        if las.contains(g.la_code.as_str())
            && let Some(e) = eth.get(&g.lsoa21)
        {
            for (t, n) in groups.iter_mut().zip(e.groups) {
                *t += u64::from(n);
            }
        }
    }
    Ok(LocalPopulation {
        name: format!(
            "Census 2021, the {} local authorities of {} ({})",
            las.len(),
            icb.name,
            icb.code
        ),
        counts: Census2021Group::ALL.into_iter().zip(groups).collect(),
    })
}

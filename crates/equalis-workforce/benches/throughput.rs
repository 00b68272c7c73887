//! Throughput benchmark: every indicator and measure, for every organisation and the ICS,
//! on 100,000 staff and 500,000 applications generated here. Run with
//! `cargo bench -p equalis-workforce`; the target is under 2 seconds in total, and the
//! figure is recorded in `BENCHMARKS.md`.

use std::time::{Duration, Instant};

use equalis_vocab::{BoardMember, Census2021Group, Disability, EthnicCategory, Flag, PayBand, Sex};
use equalis_workforce::dashboard::EdiSources;
use equalis_workforce::pay_gap::{self, PayGapOptions};
use equalis_workforce::{
    Application, ErCase, ErProcess, LocalPopulation, StaffRecord, SurveyGroup, SurveyResult,
    TrainingRecord, Workforce, WorkforceData, all_scopes, dashboard, wdes, wres,
};
use jiff::civil::Date;

/// A small xorshift generator: the benchmark needs varied data, not statistical quality,
/// and this keeps `rand` out of the crate's dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const ORGS: usize = 10;
const STAFF: usize = 100_000;
const APPLICATIONS: usize = 500_000;

fn generate() -> WorkforceData {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let snapshot = Date::constant(2025, 3, 31);
    let start = Date::constant(2023, 4, 1);
    let day = |rng: &mut Rng| {
        start
            .checked_add(jiff::Span::new().days(rng.below(730) as i64))
            .expect("in range")
    };
    let orgs: Vec<String> = (0..ORGS).map(|i| format!("R{i:02}")).collect();
    let mut data = WorkforceData::default();
    for i in 0..STAFF {
        let band = rng.pick(&PayBand::ALL);
        let mut s = StaffRecord::new(
            format!("S{i:06}"),
            orgs[i % ORGS].clone(),
            snapshot,
            band,
            rng.pick(&EthnicCategory::ALL),
            rng.pick(&[
                Disability::Disabled,
                Disability::NotDisabled,
                Disability::Unknown,
            ]),
            rng.pick(&Sex::ALL),
        );
        s.clinical = rng.below(2) == 0;
        s.bank = if rng.below(20) == 0 {
            Flag::Yes
        } else {
            Flag::No
        };
        s.ordinary_pay = Some(1500.0 + rng.below(8000) as f64);
        s.pay_period_days = Some(31);
        s.weekly_hours = Some(rng.pick(&[18.75, 22.5, 30.0, 37.5]));
        s.bonus_pay_12m = (rng.below(10) == 0).then(|| rng.below(20_000) as f64);
        s.full_pay_relevant = if rng.below(25) == 0 {
            Flag::No
        } else {
            Flag::Yes
        };
        s.board_member = match i % 5000 {
            0 => Some(BoardMember::VotingExec),
            1 => Some(BoardMember::VotingNonExec),
            2 => Some(BoardMember::NonVoting),
            _ => None,
        };
        data.staff.push(s);
    }
    for i in 0..APPLICATIONS {
        let shortlisted = rng.below(3) == 0;
        data.applications.push(Application {
            application_id: format!("A{i:07}"),
            org_code: orgs[i % ORGS].clone(),
            vacancy_id: format!("V{}", i / 40),
            ethnic_category: rng.pick(&EthnicCategory::ALL),
            disability: rng.pick(&[
                Disability::Disabled,
                Disability::NotDisabled,
                Disability::Unknown,
            ]),
            sex: rng.pick(&Sex::ALL),
            shortlisted,
            appointed: shortlisted && rng.below(4) == 0,
            decision_date: day(&mut rng),
        });
    }
    for i in 0..5_000 {
        let staff = rng.below(STAFF as u64) as usize;
        data.er_cases.push(ErCase {
            case_id: format!("C{i:05}"),
            staff_id: format!("S{staff:06}"),
            org_code: orgs[staff % ORGS].clone(),
            process: if i % 2 == 0 {
                ErProcess::Disciplinary
            } else {
                ErProcess::Capability
            },
            start_date: day(&mut rng),
        });
    }
    for _ in 0..200_000 {
        let staff = rng.below(STAFF as u64) as usize;
        data.training.push(TrainingRecord {
            staff_id: format!("S{staff:06}"),
            org_code: orgs[staff % ORGS].clone(),
            date: day(&mut rng),
        });
    }
    let keys = [
        "wres5",
        "wres6",
        "wres7",
        "wres8",
        "wdes4a_public",
        "wdes4a_managers",
        "wdes4a_colleagues",
        "wdes4b",
        "wdes5",
        "wdes6",
        "wdes7",
        "wdes8",
    ];
    for org in &orgs {
        for key in keys {
            for group in [
                SurveyGroup::White,
                SurveyGroup::Bme,
                SurveyGroup::Disabled,
                SurveyGroup::NonDisabled,
            ] {
                let respondents = 200 + rng.below(800);
                data.survey.push(SurveyResult {
                    org_code: org.clone(),
                    year: 2024,
                    question: key.to_string(),
                    group,
                    respondents,
                    positive: rng.below(respondents + 1),
                });
            }
        }
    }
    data
}

/// One run of every indicator and measure, for every organisation and the ICS: the time of
/// each step and the number of results it produced.
fn run(raw: WorkforceData) -> Vec<(&'static str, Duration, usize)> {
    let snapshot = Date::constant(2025, 3, 31);
    let population = LocalPopulation {
        name: "benchmark footprint".into(),
        counts: Census2021Group::ALL.iter().map(|&g| (g, 100_000)).collect(),
    };
    let options = PayGapOptions::default();
    let mut timings: Vec<(&str, Duration, usize)> = Vec::new();
    macro_rules! time {
        ($name:expr, $e:expr) => {{
            let t = Instant::now();
            let r = $e;
            timings.push(($name, t.elapsed(), r.len()));
            r
        }};
    }
    let data = time!(
        "validate and index",
        vec![Workforce::new(raw).expect("valid")]
    );
    let data = &data[0];
    let scopes = all_scopes(data);
    let wres = time!("WRES 1-9", wres::wres_all(data, snapshot).expect("valid"));
    let wdes = time!("WDES 1-10", wdes::wdes_all(data, snapshot).expect("valid"));
    let gender = time!(
        "gender pay gap",
        scopes
            .iter()
            .map(|s| pay_gap::gender_pay_gap(data, s, snapshot))
            .collect::<Vec<_>>()
    );
    let ethnicity = time!(
        "ethnicity pay gap",
        scopes
            .iter()
            .map(|s| pay_gap::ethnicity_pay_gap(data, s, snapshot, options))
            .collect::<Vec<_>>()
    );
    let disability = time!(
        "disability pay gap",
        scopes
            .iter()
            .map(|s| pay_gap::disability_pay_gap(data, s, snapshot, options))
            .collect::<Vec<_>>()
    );
    time!("quarterly dashboard", dashboard::quarterly_dashboard(data));
    time!(
        "representativeness",
        scopes
            .iter()
            .map(|s| dashboard::representativeness(data, s, snapshot, &population))
            .collect::<Vec<_>>()
    );
    time!(
        "parity targets",
        scopes
            .iter()
            .map(|s| dashboard::parity_targets(data, s, snapshot))
            .collect::<Vec<_>>()
    );
    time!(
        "EDI success metrics",
        (0..scopes.len())
            .map(|i| {
                dashboard::edi_success_metrics_from(
                    data,
                    EdiSources {
                        wres: &wres[i],
                        wdes: &wdes[i],
                        gender: &gender[i],
                        ethnicity: &ethnicity[i],
                        disability: &disability[i],
                    },
                )
            })
            .collect::<Vec<_>>()
    );
    timings
}

fn main() {
    let raw = generate();
    // The machine is shared, so one run can be slowed by others' work: run the whole suite
    // three times and report each run's total and the fastest run's breakdown.
    let runs: Vec<_> = (0..3).map(|_| run(raw.clone())).collect();
    let totals: Vec<Duration> = runs.iter().map(|r| r.iter().map(|t| t.1).sum()).collect();
    let best = (0..runs.len()).min_by_key(|&i| totals[i]).unwrap_or(0);
    println!(
        "equalis-workforce: {STAFF} staff, {APPLICATIONS} applications, {ORGS} organisations + ICS"
    );
    println!("fastest of {} runs:", runs.len());
    for (name, d, n) in &runs[best] {
        println!(
            "  {name:<22} {:>8.1} ms  ({n} results)",
            d.as_secs_f64() * 1000.0
        );
    }
    for (i, t) in totals.iter().enumerate() {
        println!(
            "  total, run {}          {:>8.1} ms",
            i + 1,
            t.as_secs_f64() * 1000.0
        );
    }
    if totals[best].as_secs_f64() >= 2.0 {
        println!("  over the 2-second target");
    }
}

//! The demo's assurance (`equalis demo`): three equality objectives for 2024/25 to 2027/28,
//! each with a measure following a figure the demo workspace publishes, and the EDS 2022 of
//! [`demo_year`] (every outcome rated, Domain 1 for three services, and the reporting
//! template's cover, Domain 3's third parties, a completed action and the action plan), so
//! that `/objectives`, `/eds/2025-26`, its report and the annual equality report of the
//! synthetic ICS are whole.
//!
//! The measures are chosen in two steps. [`plan`] (synchronous: it reads the published
//! results and builds the workforce returns) picks each measure's figure from what the
//! workspace publishes, checks it as the measure form does ([`crate::objectives`]), and takes
//! its baseline from the figure's earliest published value; a figure the workspace does not
//! publish leaves its objective without a measure, and [`Plan::missing`] says why. [`seed`]
//! then writes everything through the store's assurance functions, the ones the web forms
//! call, so each write is checked by the same rules and audited.

use equalis_assure::eds::RatingInput;
use equalis_assure::eds::template::{
    CompletedActionInput, CoverInput, DateInput, PlanActionInput, ThirdPartiesInput,
};
use equalis_assure::{FigureRef, FinancialYear, MeasureInput, ObjectiveInput, SeriesPoint};
use equalis_results::{PublishedRow, ResultsError, View, read_results};
use equalis_store::{Actor, Role, Store, StoreError};
use equalis_workspace::Workspace;

use crate::demo::demo_email;

/// The year the demo's EDS 2022 rates: the last financial year of the synthetic data
/// (`equalis_synth`'s activity runs from April 2024 to March 2026).
pub fn demo_year() -> FinancialYear {
    FinancialYear::starting(2025)
}

/// The first year of the demo's objectives (the synthetic data's first).
fn first_year() -> FinancialYear {
    FinancialYear::starting(2024)
}

/// The last year of the demo's objectives: four years, the most the specific duty allows
/// between publications.
fn last_year() -> FinancialYear {
    FinancialYear::starting(2027)
}

/// An objective to seed, with its measure when the workspace publishes the figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedObjective {
    /// The objective as its form would have it.
    pub objective: ObjectiveInput,
    /// Its measure; `None` when the figure is not published (see [`Plan::missing`]).
    pub measure: Option<MeasureInput>,
}

/// What [`seed`] writes: the objectives with the measures found, and the organisation's
/// names for the EDS cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The organisation completing the EDS (the ICB's name).
    pub organisation: String,
    /// The objectives, in order.
    pub objectives: Vec<PlannedObjective>,
    /// Why a measure was left out, one sentence each (empty when every measure was found).
    pub missing: Vec<String>,
}

/// The objectives of the demo for the ICB `organisation`, with measures chosen from what `ws`
/// publishes (none without a workspace).
pub fn plan(ws: Option<&Workspace>, organisation: &str) -> crate::Result<Plan> {
    let mut missing = Vec::new();
    let published: Vec<PublishedRow> = match ws.map(|ws| read_results(ws.root())) {
        Some(Ok(r)) => r.publish(&View::Published).0,
        Some(Err(ResultsError::NoResults(_))) | None => Vec::new(),
        Some(Err(e)) => return Err(anyhow::Error::from(e).into()),
    };
    let workforce = match ws {
        Some(ws) => crate::objectives::workforce_figures(ws)?,
        None => Vec::new(),
    };
    let mut series = ws.map(crate::objectives::WorkforceSeries::new);

    // 1. Core20PLUS5 (adults: severe mental illness): the gap in SMI physical health checks
    //    between the most (IMD quintile 1) and least deprived (5) areas, halved.
    let smi = figure([
        "indicator_gap",
        "smi_health_check",
        "imd_quintile",
        "1",
        "5",
    ]);
    let smi_measure = match crate::objectives::check_published(&published, &smi) {
        Err(e) => {
            missing.push(format!(
                "No measure of the SMI health checks gap: {e} (compute the results with `equalis compute` first)"
            ));
            None
        }
        Ok(()) => {
            let mut why = Vec::new();
            let gap = toward(
                "Gap in SMI physical health checks, most minus least deprived quintile (percentage points)",
                &smi,
                &crate::annual::indicator_series(&published, &smi),
                1,
                |b| b / 2.0,
                &mut why,
            );
            // A small ICS's least deprived quintile may be withheld (1 to 7 people): then the
            // most deprived quintile's own rate, up to the best published quintile's.
            gap.or_else(|| smi_level_up(&published, &mut why))
                .or_else(|| {
                    missing.append(&mut why);
                    None
                })
        }
    };

    // 2. WRES indicator 2: the relative likelihood of White applicants being appointed from
    //    shortlisting compared with BME applicants, to 1.0 (parity).
    let wres = figure(["wres", "2", "relative likelihood", "", ""]);
    let wres_measure = workforce_measure(
        "Relative likelihood of appointment from shortlisting, White compared with BME (WRES 2)",
        &wres,
        &workforce,
        series.as_mut(),
        2,
        |_| 1.0,
        &mut missing,
    )?;

    // 3. The median gender pay gap in hourly pay, halved.
    let pay = figure(["pay_gap", "gender", "median", "", ""]);
    let pay_measure = workforce_measure(
        "Median gender pay gap in hourly pay (%)",
        &pay,
        &workforce,
        series.as_mut(),
        1,
        |b| b / 2.0,
        &mut missing,
    )?;

    let objective = |title: &str, description: &str, owner: &str| ObjectiveInput {
        title: title.into(),
        description: description.into(),
        owner: owner.into(),
        start_year: first_year().to_string(),
        end_year: last_year().to_string(),
    };
    Ok(Plan {
        organisation: organisation.to_string(),
        objectives: vec![
            PlannedObjective {
                objective: objective(
                    "Halve the gap in SMI physical health checks between the most and least deprived areas",
                    "People with severe mental illness in the most deprived fifth of neighbourhoods (Core20) get fewer of their annual physical health checks than those in the least deprived. We will halve the gap by 2027/28, with outreach through primary care networks in Core20 areas.",
                    "Director of Population Health",
                ),
                measure: smi_measure,
            },
            PlannedObjective {
                objective: objective(
                    "Fair recruitment: equal chances of appointment from shortlisting",
                    "White applicants are more likely to be appointed from shortlisting than Black, Asian and minority ethnic applicants (WRES indicator 2). We will bring the relative likelihood to 1.0 by 2027/28 with diverse interview panels and de-biased shortlisting.",
                    "Chief People Officer",
                ),
                measure: wres_measure,
            },
            PlannedObjective {
                objective: objective(
                    "Halve the median gender pay gap",
                    "Women's median hourly pay is below men's across the system's organisations. We will halve the median gender pay gap by 2027/28 through flexible working at senior bands and transparent pay progression.",
                    "Chief People Officer",
                ),
                measure: pay_measure,
            },
        ],
        missing,
    })
}

/// The SMI health checks of the most deprived quintile, from its earliest published value
/// towards the best value another quintile published that year (`None`, saying why in
/// `missing`, when there is none or quintile 1 is already the best).
fn smi_level_up(published: &[PublishedRow], missing: &mut Vec<String>) -> Option<MeasureInput> {
    let q1 = figure(["indicator", "smi_health_check", "imd_quintile", "1", ""]);
    let points = crate::annual::indicator_series(published, &q1);
    let (year, value) = points
        .iter()
        .filter(|p| p.year < last_year())
        .find_map(|p| Some((p.year, p.value?)))?;
    let best = published
        .iter()
        .filter(|r| {
            r.indicator_id == "smi_health_check"
                && r.breakdown == "imd_quintile"
                && r.group != "1"
                && r.period == year.to_string()
        })
        .filter_map(|r| match r.value.get() {
            equalis_disclosure::Cell::Percentage(v) | equalis_disclosure::Cell::Value(v) => {
                Some(*v)
            }
            _ => None,
        })
        .fold(None, |best: Option<f64>, v| {
            Some(best.map_or(v, |b| b.max(v)))
        })?;
    if best <= value {
        missing.push(format!(
            "No measure of SMI physical health checks in the most deprived quintile: its {value:.1}% in {year} is already the best published"
        ));
        return None;
    }
    toward(
        "SMI physical health checks in the most deprived quintile (%)",
        &q1,
        &points,
        1,
        |_| best,
        missing,
    )
}

/// A figure reference from its form's five parts (the demo's own, which are well formed).
fn figure(parts: [&str; 5]) -> FigureRef {
    let [k, n, b, g, r] = parts;
    FigureRef::from_parts(k, n, b, g, r)
        .unwrap_or_else(|e| unreachable!("the demo's figure {parts:?} is well formed: {e}"))
}

/// A workforce measure when the published returns follow its row year on year.
fn workforce_measure(
    name: &str,
    figure: &FigureRef,
    published: &[crate::objectives::FigureChoice],
    series: Option<&mut crate::objectives::WorkforceSeries<'_>>,
    places: i32,
    target: impl Fn(f64) -> f64,
    missing: &mut Vec<String>,
) -> crate::Result<Option<MeasureInput>> {
    if let Err(e) = crate::objectives::check_workforce(published, figure) {
        missing.push(format!(
            "No measure of the {}: {e}",
            figure.to_string().to_lowercase()
        ));
        return Ok(None);
    }
    let points = match series {
        Some(s) => s.series(figure)?,
        None => Vec::new(),
    };
    Ok(toward(name, figure, &points, places, target, missing))
}

/// The measure `name` of `figure` from its earliest published value (rounded to `places`) in
/// a year before the objective's last, towards `target(baseline)` by the last year; the
/// direction is whichever way the target lies. `None`, saying why in `missing`, when no such
/// value is published or the baseline already meets the target.
fn toward(
    name: &str,
    figure: &FigureRef,
    points: &[SeriesPoint],
    places: i32,
    target: impl Fn(f64) -> f64,
    missing: &mut Vec<String>,
) -> Option<MeasureInput> {
    let Some((year, value)) = points
        .iter()
        .filter(|p| p.year < last_year())
        .find_map(|p| Some((p.year, p.value?)))
    else {
        missing.push(format!(
            "No measure of {name}: no value of it is published (withheld or absent) before {}",
            last_year()
        ));
        return None;
    };
    let scale = 10f64.powi(places);
    let round = |v: f64| (v * scale).round() / scale;
    let (baseline, target) = (round(value), round(target(value)));
    if baseline == target {
        missing.push(format!(
            "No measure of {name}: its published value, {baseline}, already meets the target"
        ));
        return None;
    }
    let places = usize::try_from(places).unwrap_or(0);
    Some(MeasureInput {
        name: name.into(),
        figure: figure.parts(),
        direction: if target > baseline { "higher" } else { "lower" }.into(),
        baseline: format!("{baseline:.places$}"),
        baseline_year: year.to_string(),
        target: format!("{target:.places$}"),
        target_year: last_year().to_string(),
    })
}

/// What [`seed`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAssurance {
    /// The objectives made (their ids); empty when the store had objectives.
    pub objectives: Vec<i64>,
    /// How many measures were added to them.
    pub measures: usize,
    /// Whether the EDS 2022 of [`demo_year`] was seeded (`false`: it had ratings or a cover).
    pub eds: bool,
}

/// Domain 1's services, each rated on all four outcomes.
const SERVICES: [&str; 3] = [
    "Maternity services",
    "Community mental health services",
    "Diabetes care",
];

/// The EDS 2022 scores of Domain 1 by service (outcomes 1A to 1D), then of 2A to 2D and 3A
/// to 3C, as the demo's stakeholder panels gave them: a Developing organisation.
const SERVICE_SCORES: [[u8; 4]; 3] = [[2, 1, 2, 1], [1, 1, 2, 2], [1, 2, 1, 1]];
const OTHER_SCORES: [(&str, u8, &str, &str, &str); 7] = [
    (
        "2A",
        1,
        "staff",
        "People directorate, Head of Wellbeing",
        "NHS Staff Survey 2025 (questions on health and wellbeing support); occupational health referrals by condition; staff health and wellbeing panel of 10 February.",
    ),
    (
        "2B",
        1,
        "staff_networks_unions",
        "People directorate, Head of Employee Relations",
        "WRES indicators 5 and 6 and WDES metric 4 (harassment, bullying or abuse), from equalis's published returns; freedom to speak up reports; staff networks' and trade unions' review of 12 February.",
    ),
    (
        "2C",
        2,
        "staff_networks_unions",
        "People directorate, Head of Employee Relations",
        "Employee assistance programme and freedom to speak up guardian in place; staff networks' and trade unions' review of 12 February.",
    ),
    (
        "2D",
        1,
        "staff",
        "People directorate, Head of Organisational Development",
        "NHS Staff Survey 2025, recommending the organisation as a place to work and to be treated, by ethnicity and disability; staff panel of 10 February.",
    ),
    (
        "3A",
        2,
        "independent_peer",
        "Chief Executive's office, Board Secretary",
        "Board development session on health inequalities; board members' equality objectives; reviewed by the EDI lead of a neighbouring ICB.",
    ),
    (
        "3B",
        2,
        "staff_networks_unions",
        "Chief Executive's office, Board Secretary",
        "Board and committee papers with equality and health inequalities impact assessments (equalis decisions); reviewed with staff networks and trade union representatives.",
    ),
    (
        "3C",
        1,
        "staff",
        "People directorate, Chief People Officer",
        "WRES and WDES returns and the gender pay gap report published through equalis; board assurance framework's equality risks.",
    ),
];

/// Per service: the Domain 1 outcomes' evidence and rater group.
const SERVICE_EVIDENCE: [(&str, &str); 4] = [
    (
        "patients_public",
        "Access by deprivation and ethnicity from equalis's published results; Maternity Voices Partnership and patient panel of 3 February.",
    ),
    (
        "community_groups",
        "Healthwatch and voluntary sector review of 5 February; equality and health inequalities impact assessments of the service's changes.",
    ),
    (
        "patients_public",
        "Outcomes by IMD quintile and ethnicity from equalis's published results; patient panel of 3 February.",
    ),
    (
        "community_groups",
        "Patient experience (Friends and Family Test, complaints) by protected characteristic; Healthwatch review of 5 February.",
    ),
];

/// The department or lead who owns each service's outcomes.
const SERVICE_OWNERS: [&str; 3] = [
    "Local Maternity and Neonatal System, Director of Midwifery",
    "Mental health collaborative, Clinical Director",
    "Long-term conditions programme, Diabetes service lead",
];

/// Seeds the demo's objectives (when the store has none) and its EDS 2022 of [`demo_year`]
/// (when that year has no ratings and no cover), written by the demo EDI lead (the ratings
/// recorded by the demo reviewer, who sat with the panels). `None`, making nothing, when
/// either account is missing (the store had accounts of its own). A second run adds nothing.
pub async fn seed(store: &Store, plan: &Plan) -> Result<Option<DemoAssurance>, StoreError> {
    let (Some(lead), Some(reviewer)) = (
        store.find_user(&demo_email(Role::EdiLead)).await?,
        store.find_user(&demo_email(Role::Reviewer)).await?,
    ) else {
        return Ok(None);
    };
    // As the web forms record their account.
    let lead = Actor::User(lead.email);
    let reviewer = Actor::User(reviewer.email);

    let mut made = DemoAssurance {
        objectives: Vec::new(),
        measures: 0,
        eds: false,
    };
    if store.objectives().await?.is_empty() {
        for p in &plan.objectives {
            let o = store.create_objective(&lead, &p.objective).await?;
            if let Some(m) = &p.measure {
                store.add_measure(&lead, o.id, m).await?;
                made.measures += 1;
            }
            made.objectives.push(o.id);
        }
    }

    let year = demo_year();
    if !store.eds_ratings(year).await?.is_empty() || store.eds_cover(year).await?.is_some() {
        return Ok(Some(made));
    }
    for (service, (scores, owner)) in SERVICES
        .iter()
        .zip(SERVICE_SCORES.iter().zip(SERVICE_OWNERS))
    {
        for ((code, score), (group, evidence)) in ["1A", "1B", "1C", "1D"]
            .iter()
            .zip(scores)
            .zip(SERVICE_EVIDENCE)
        {
            let input = RatingInput {
                outcome: (*code).into(),
                service: (*service).into(),
                score: score.to_string(),
                rater_group: group.into(),
                evidence: evidence.into(),
                owner: owner.into(),
            };
            store.rate_eds(&reviewer, year, &input).await?;
        }
    }
    for (code, score, group, owner, evidence) in OTHER_SCORES {
        let input = RatingInput {
            outcome: code.into(),
            service: String::new(),
            score: score.to_string(),
            rater_group: group.into(),
            evidence: evidence.into(),
            owner: owner.into(),
        };
        store.rate_eds(&reviewer, year, &input).await?;
    }

    let day = |d: u8, m: u8, y: u16| DateInput {
        day: d.to_string(),
        month: m.to_string(),
        year: y.to_string(),
    };
    let end = year.end_year();
    store
        .save_eds_cover(
            &lead,
            year,
            &CoverInput {
                organisation: plan.organisation.clone(),
                eds_lead: "Head of Equality, Diversity and Inclusion".into(),
                level: "individual".into(),
                partners: String::new(),
                date_completed: day(20, 2, end),
                month_published: format!("March {end}"),
                board_sponsor: "Chief People Officer".into(),
                ics_name: ics_name(&plan.organisation),
                date_authorised: day(26, 2, end),
                authorised_by: "ICB Board".into(),
                revision_date: day(28, 2, end + 1),
                plan_years: format!("{year} to {}", year.next()),
            },
        )
        .await?;
    store
        .save_eds_third_parties(
            &lead,
            year,
            &ThirdPartiesInput {
                trade_union_reps: "Staff side chair (UNISON)\nRoyal College of Nursing steward"
                    .into(),
                independent_evaluators: "EDI lead of a neighbouring ICB (peer reviewer)".into(),
            },
        )
        .await?;
    store
        .add_eds_completed_action(
            &lead,
            year,
            &CompletedActionInput {
                action: "Reverse mentoring of board members by staff network members".into(),
                objectives: "Fair recruitment: equal chances of appointment from shortlisting"
                    .into(),
            },
        )
        .await?;
    // One row linked to the first objective (the demo's, or one the store had), one typed.
    let linked = match made.objectives.first() {
        Some(id) => Some(*id),
        None => store.objectives().await?.first().map(|o| o.id),
    };
    store
        .add_eds_action(
            &lead,
            year,
            &PlanActionInput {
                outcome: "1A".into(),
                objective_id: linked.map(|id| id.to_string()).unwrap_or_default(),
                objective: if linked.is_some() {
                    String::new()
                } else {
                    "Narrow the gap in SMI physical health checks".into()
                },
                action: "Outreach clinics for SMI physical health checks in Core20 primary care networks".into(),
                completion: day(31, 3, end + 1),
            },
        )
        .await?;
    store
        .add_eds_action(
            &lead,
            year,
            &PlanActionInput {
                outcome: "2B".into(),
                objective_id: String::new(),
                objective: "Staff free from abuse, harassment and bullying".into(),
                action: "Zero-tolerance campaign on abuse of staff, with reporting by ethnicity and disability".into(),
                completion: day(30, 9, end),
            },
        )
        .await?;
    made.eds = true;
    Ok(Some(made))
}

/// The Integrated Care System of an ICB named as the NHS names it ("NHS Leicester,
/// Leicestershire and Rutland Integrated Care Board" is "Leicester, Leicestershire and
/// Rutland Integrated Care System").
fn ics_name(icb: &str) -> String {
    let place = icb.trim().strip_prefix("NHS ").unwrap_or(icb.trim());
    let place = place
        .strip_suffix(" Integrated Care Board")
        .or_else(|| place.strip_suffix(" ICB"))
        .unwrap_or(place);
    format!("{place} Integrated Care System")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ics_is_named_from_its_board() {
        assert_eq!(
            ics_name("NHS Leicester, Leicestershire and Rutland Integrated Care Board"),
            "Leicester, Leicestershire and Rutland Integrated Care System"
        );
        assert_eq!(ics_name("NHS Kent ICB"), "Kent Integrated Care System");
        assert_eq!(ics_name("Somewhere"), "Somewhere Integrated Care System");
    }

    #[test]
    fn a_measure_starts_from_the_earliest_published_value_towards_its_target() {
        let f = figure(["pay_gap", "gender", "median", "", ""]);
        let p = |y: u16, v: Option<f64>| SeriesPoint {
            year: FinancialYear::starting(y),
            value: v,
        };
        let mut missing = Vec::new();
        let m = toward(
            "Median",
            &f,
            &[p(2023, None), p(2024, Some(13.44)), p(2025, Some(12.0))],
            1,
            |b| b / 2.0,
            &mut missing,
        )
        .expect("a measure");
        assert_eq!(m.baseline, "13.4");
        assert_eq!(m.baseline_year, "2024/25");
        assert_eq!(m.target, "6.7");
        assert_eq!(m.direction, "lower");
        assert_eq!(m.target_year, "2027/28");
        assert!(missing.is_empty());
        // A negative gap is narrowed upwards.
        let m = toward(
            "Gap",
            &f,
            &[p(2024, Some(-11.23))],
            1,
            |b| b / 2.0,
            &mut missing,
        )
        .expect("a measure");
        assert_eq!((m.baseline.as_str(), m.target.as_str()), ("-11.2", "-5.6"));
        assert_eq!(m.direction, "higher");
        // WRES 2 towards parity, at two places.
        let m = toward(
            "WRES",
            &f,
            &[p(2024, Some(1.4167))],
            2,
            |_| 1.0,
            &mut missing,
        )
        .expect("a measure");
        assert_eq!((m.baseline.as_str(), m.target.as_str()), ("1.42", "1.00"));
        // Nothing published, or already at the target: no measure, and why.
        assert_eq!(
            toward("None", &f, &[p(2024, None)], 1, |b| b, &mut missing),
            None
        );
        assert_eq!(
            toward(
                "Parity",
                &f,
                &[p(2024, Some(1.0))],
                2,
                |_| 1.0,
                &mut missing
            ),
            None
        );
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert!(missing[0].contains("no value of it is published"));
        assert!(missing[1].contains("already meets the target"));
    }

    /// SMI health checks published by IMD quintile, counts out of 100 in each quintile
    /// (`None`: a count of 1 to 7, withheld).
    fn smi_rows(q1: f64, q5: Option<f64>, q3: f64) -> Vec<PublishedRow> {
        use equalis_results::{ResultRow, Statistic, publish};
        let mut out = Vec::new();
        for period in ["2024/25", "2025/26"] {
            for (g, n) in [("1", q1), ("3", q3), ("5", q5.unwrap_or(5.0))] {
                let mut r = ResultRow::new(
                    "smi_health_check",
                    period,
                    "imd_quintile",
                    g,
                    Statistic::Proportion,
                    100.0,
                );
                r.numerator = Some(n);
                r.denominator = Some(100.0);
                r.value = Some(n);
                out.push(r);
            }
        }
        publish(&View::Published, &out, &[], &[]).0
    }

    /// The SMI objective's measure: the gap between quintiles 1 and 5, halved; with quintile
    /// 5 withheld, quintile 1's rate up to the best other quintile's.
    #[test]
    fn the_smi_measure_is_the_gap_or_the_most_deprived_quintile_levelled_up() {
        let plan_of = |rows: &[PublishedRow]| {
            let mut missing = Vec::new();
            let smi = figure([
                "indicator_gap",
                "smi_health_check",
                "imd_quintile",
                "1",
                "5",
            ]);
            crate::objectives::check_published(rows, &smi).expect("published");
            let gap = toward(
                "Gap",
                &smi,
                &crate::annual::indicator_series(rows, &smi),
                1,
                |b| b / 2.0,
                &mut missing,
            );
            (gap.or_else(|| smi_level_up(rows, &mut missing)), missing)
        };
        let (m, _) = plan_of(&smi_rows(40.0, Some(60.0), 50.0));
        let m = m.expect("a gap measure");
        assert_eq!(m.figure[0], "indicator_gap");
        assert_eq!((m.figure[3].as_str(), m.figure[4].as_str()), ("1", "5"));
        assert_eq!((m.baseline.as_str(), m.target.as_str()), ("-20.0", "-10.0"));
        assert_eq!(m.direction, "higher");
        let (m, _) = plan_of(&smi_rows(40.0, None, 50.0));
        let m = m.expect("a level-up measure");
        assert_eq!(m.figure[0], "indicator");
        assert_eq!(m.figure[4], "");
        assert_eq!((m.baseline.as_str(), m.target.as_str()), ("40.0", "50.0"));
        assert_eq!(m.baseline_year, "2024/25");
        // Quintile 1 already the best, and the gap withheld: no measure, and why.
        let (m, missing) = plan_of(&smi_rows(60.0, None, 50.0));
        assert_eq!(m, None);
        assert!(!missing.is_empty());
    }

    /// With the synthetic ICS's staff but no computed results, the workforce measures are
    /// found in the published returns (their baselines the returns' 2024/25 values) and the
    /// indicator measure is left out, saying why; each measure passes the form's rules.
    #[test]
    fn the_plan_follows_what_the_workspace_publishes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = Workspace::init(&dir.path().join("ws")).expect("workspace");
        crate::testing::ingest_synthetic_staff(&ws, &dir.path().join("scratch")).expect("staff");
        let plan = plan(Some(&ws), "NHS Test ICB").expect("plan");
        assert_eq!(plan.objectives.len(), 3);
        assert_eq!(plan.objectives[0].measure, None);
        // These staff have no shortlisting counts to publish (WRES 2 is withheld each year).
        assert_eq!(plan.objectives[1].measure, None);
        assert_eq!(plan.missing.len(), 2, "{:?}", plan.missing);
        assert!(plan.missing[0].contains("SMI"), "{:?}", plan.missing);
        assert!(
            plan.missing[1].contains("WRES 2") && plan.missing[1].contains("no value"),
            "{:?}",
            plan.missing
        );
        let figures = crate::objectives::workforce_figures(&ws).expect("figures");
        for p in &plan.objectives[2..] {
            let m = p.measure.as_ref().expect("a workforce measure");
            let o = p.objective.validate().expect("objective");
            let measure = m.validate(&o).expect("the form's rules");
            crate::objectives::check_workforce(&figures, &measure.figure).expect("published");
            assert_eq!(m.baseline_year, "2024/25");
            let latest = figures
                .iter()
                .find(|c| c.parts == measure.figure.parts())
                .expect("offered");
            assert!(latest.latest.ends_with("(2026-03-31)"), "{}", latest.latest);
        }

        // Without a workspace: the objectives, no measures, each absence said.
        let bare = super::plan(None, "NHS Test ICB").expect("plan");
        assert!(bare.objectives.iter().all(|p| p.measure.is_none()));
        assert_eq!(bare.missing.len(), 3);
    }
}

//! The elective waiting-list inequalities dashboard.
//!
//! One pass over every open pathway of every snapshot. Each pathway adds its days waited to a
//! histogram for every group it belongs to; the size, the median and 92nd percentile (by
//! linear interpolation between order statistics, from the histogram) and the shares waiting
//! over 18, 52, 65 and 78 weeks all come from those histograms. Every snapshot is broken down
//! by each single breakdown and by provider × Core20, IMD quintile and ethnic group (for the
//! equalisation gaps); the latest snapshot by every pair as well.
//!
//! From the same pass: the case-mix adjusted comparison (indirect standardisation by treatment
//! function × priority), the equalisation gaps between groups per provider over time with SPC,
//! and mutual-aid candidates (one specialty's median wait very different between providers).

use std::collections::BTreeMap;

use datafusion::arrow::array::{Array, Int32Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;
use equalis_results::{IndicatorInfo, InequalityRow, ResultRow, SpcRow, Statistic};
use equalis_stats::ImprovementDirection;
use futures::StreamExt;
use rustc_hash::FxHashMap;

use crate::breakdown::{self, DIMS, Dictionary, Dim, Set};
use crate::periods::{Periods, from_days};
use crate::rows;
use crate::{ComputeOptions, EngineError};

/// The thresholds of the long-wait measures, in weeks.
pub const OVER_WEEKS: [u32; 4] = [18, 52, 65, 78];

/// Pairs computed for every snapshot: the equalisation views of each provider.
const PROVIDER_PAIRS: [&str; 3] = ["core20", "imd_quintile", "ethnic_group"];

/// What each dashboard measure is.
pub fn infos() -> Vec<IndicatorInfo> {
    let area = "Elective waiting list";
    let source = "NHS England statement on information on health inequalities (elective recovery); WLMDS; equalis METHODS.md §3.6";
    let info = |id: &str,
                name: &str,
                description: &str,
                statistic: Statistic,
                unit: &str,
                direction: &str| IndicatorInfo {
        id: id.to_owned(),
        name: name.to_owned(),
        area: area.to_owned(),
        description: description.to_owned(),
        statistic: statistic.as_str().to_owned(),
        unit: unit.to_owned(),
        direction: direction.to_owned(),
        target: None,
        source: source.to_owned(),
    };
    let mut out = vec![
        info(
            "wl_size",
            "Waiting list size",
            "Open referral-to-treatment pathways at the snapshot.",
            Statistic::Count,
            "pathways",
            "none",
        ),
        info(
            "wl_median_weeks",
            "Median wait",
            "Median weeks waited by open pathways at the snapshot (days ÷ 7, interpolated between order statistics).",
            Statistic::Median,
            "weeks",
            "lower_is_better",
        ),
        info(
            "wl_p92_weeks",
            "92nd percentile wait",
            "92nd percentile of weeks waited by open pathways at the snapshot (days ÷ 7, interpolated between order statistics).",
            Statistic::Percentile,
            "weeks",
            "lower_is_better",
        ),
    ];
    for n in OVER_WEEKS {
        out.push(info(
            &format!("wl_over_{n}_weeks"),
            &format!("Waiting over {n} weeks"),
            &format!("Open pathways waiting more than {n} weeks ({} days), as a percentage of open pathways.", 7 * n),
            Statistic::Proportion,
            "%",
            "lower_is_better",
        ));
    }
    for n in [18, 52] {
        out.push(info(
            &format!("wl_casemix_over_{n}_weeks"),
            &format!("Waits over {n} weeks, case-mix adjusted"),
            &format!("Observed pathways waiting more than {n} weeks ÷ those expected at the ICS rate for the same treatment function and priority (indirect standardisation), latest snapshot."),
            Statistic::Ratio,
            "ratio",
            "lower_is_better",
        ));
    }
    out.push(info(
        "wl_gap_core20_over_18_weeks",
        "Core20 gap in waits over 18 weeks",
        "Percentage of Core20 patients' pathways waiting over 18 weeks minus that of other patients, in percentage points (Newcombe limits), per provider and snapshot.",
        Statistic::Gap,
        "percentage points",
        "lower_is_better",
    ));
    out.push(info(
        "wl_gap_imd_q1_q5_over_18_weeks",
        "Most vs least deprived gap in waits over 18 weeks",
        "Percentage of pathways waiting over 18 weeks in IMD quintile 1 (most deprived) minus quintile 5, in percentage points (Newcombe limits), per provider and snapshot.",
        Statistic::Gap,
        "percentage points",
        "lower_is_better",
    ));
    out.push(info(
        "wl_gap_ethnic_over_18_weeks",
        "Ethnic group gap in waits over 18 weeks",
        "Percentage of each ethnic group's pathways waiting over 18 weeks minus that of White patients, in percentage points (Newcombe limits), per provider and snapshot.",
        Statistic::Gap,
        "percentage points",
        "lower_is_better",
    ));
    out.push(info(
        "wl_mutual_aid",
        "Mutual-aid candidates",
        "For each treatment function at the latest snapshot, the longest provider median wait ÷ the shortest (providers with at least 30 pathways); 1.5 or more marks a candidate for mutual aid.",
        Statistic::Gap,
        "ratio",
        "lower_is_better",
    ));
    out
}

/// (snapshot, breakdown, group) → (pathways, over 18 weeks, median weeks).
type ByGroup = BTreeMap<(u16, String, String), (u64, u64, Option<f64>)>;

/// The grouping sets of every snapshot and of the latest one.
struct Plan {
    dims: Vec<&'static Dim>,
    every: Vec<Set>,
    latest: Vec<Set>,
}

fn plan(pairs: bool) -> Plan {
    let dims: Vec<&'static Dim> = DIMS.iter().collect();
    let pos = |name: &str| dims.iter().position(|d| d.name == name);
    let mut every: Vec<Set> = breakdown::sets(&dims, false);
    if let Some(p) = pos("provider") {
        for other in PROVIDER_PAIRS {
            if let Some(o) = pos(other) {
                every.push(if p < o {
                    Set::Pair(p, o)
                } else {
                    Set::Pair(o, p)
                });
            }
        }
    }
    let mut latest = breakdown::sets(&dims, pairs);
    for s in &every {
        if !latest.contains(s) {
            latest.push(*s);
        }
    }
    Plan {
        dims,
        every,
        latest,
    }
}

/// Histograms of days waited, one per (snapshot, set, group).
#[derive(Default)]
struct Acc {
    index: FxHashMap<u64, u32>,
    keys: Vec<(u16, u16, u16, u16)>,
    hists: Vec<Vec<u32>>,
    /// Latest snapshot only: (cell, stratum) → pathways, over 18 weeks, over 52 weeks.
    strata: FxHashMap<(u32, u16), [u64; 3]>,
}

impl Acc {
    fn cell(&mut self, snap: u16, set: u16, a: u16, b: u16) -> u32 {
        let key =
            (u64::from(snap) << 48) | (u64::from(set) << 32) | (u64::from(a) << 16) | u64::from(b);
        if let Some(&c) = self.index.get(&key) {
            return c;
        }
        let c = self.hists.len() as u32;
        self.index.insert(key, c);
        self.keys.push((snap, set, a, b));
        self.hists.push(Vec::new());
        c
    }

    fn add(&mut self, cell: u32, days: usize) {
        let h = &mut self.hists[cell as usize];
        if h.len() <= days {
            h.resize(days + 1, 0);
        }
        h[days] += 1;
    }
}

/// Rows of the dashboard.
#[derive(Debug, Default)]
pub struct Output {
    /// Indicator rows.
    pub rows: Vec<ResultRow>,
    /// SII and RII rows.
    pub inequality: Vec<InequalityRow>,
    /// SPC rows.
    pub spc: Vec<SpcRow>,
}

/// Computes the dashboard.
pub async fn run(
    ctx: &SessionContext,
    periods: &Periods,
    options: &ComputeOptions,
) -> Result<Output, EngineError> {
    let Some(&latest) = periods.snapshots.last() else {
        return Ok(Output::default());
    };
    let plan = plan(options.pairs);
    let snapshot_index: FxHashMap<i32, u16> = periods
        .snapshots
        .iter()
        .enumerate()
        .map(|(i, d)| (days_since_epoch(*d), i as u16))
        .collect();
    let latest_index = (periods.snapshots.len() - 1) as u16;
    let select: Vec<String> = plan
        .dims
        .iter()
        .enumerate()
        .map(|(k, d)| format!("{} AS d{k}", d.sql))
        .collect();
    let sql = format!(
        "SELECT {}, CAST(snapshot_date AS INT) AS _snap, days_waited AS _days, \
         CASE WHEN snapshot_date = DATE '{latest}' THEN coalesce(treatment_function_code, '') || '|' || coalesce(priority, '') END AS _stratum \
         FROM waiting_list",
        select.join(", ")
    );
    let context = "computing the waiting-list dashboard";
    let df = ctx
        .sql(&sql)
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let mut stream = df
        .execute_stream()
        .await
        .map_err(|e| EngineError::engine(context, e))?;
    let n_dims = plan.dims.len();
    let mut codes = Dictionary::new(n_dims);
    let mut strata = Dictionary::new(1);
    let mut acc = Acc::default();
    let mut batch_codes: Vec<Vec<u16>> = vec![Vec::new(); n_dims];
    let mut stratum_codes: Vec<u16> = Vec::new();
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| EngineError::engine(context, e))?;
        for (k, out) in batch_codes.iter_mut().enumerate() {
            codes.column_codes(batch.column(k), k, out)?;
        }
        let snap = cast(batch.column(n_dims), &DataType::Int32)
            .map_err(|e| EngineError::engine(context, e))?;
        let snap = snap
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| EngineError::engine(context, "snapshot dates"))?;
        let days = cast(batch.column(n_dims + 1), &DataType::Int32)
            .map_err(|e| EngineError::engine(context, e))?;
        let days = days
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| EngineError::engine(context, "days waited"))?;
        let stratum_col = batch.column(n_dims + 2);
        let has_strata = stratum_col.null_count() < stratum_col.len();
        if has_strata {
            strata.column_codes(stratum_col, 0, &mut stratum_codes)?;
        }
        for row in 0..batch.num_rows() {
            if snap.is_null(row) || days.is_null(row) {
                continue;
            }
            let Some(&s) = snapshot_index.get(&snap.value(row)) else {
                continue;
            };
            // Days are never negative: ingest rejects a clock start after the snapshot.
            let d = days.value(row).max(0) as usize;
            let is_latest = s == latest_index;
            let sets = if is_latest { &plan.latest } else { &plan.every };
            for set in sets {
                let (a, b) = match *set {
                    Set::All => (0, 0),
                    Set::One(a) => (batch_codes[a][row], 0),
                    Set::Pair(a, b) => (batch_codes[a][row], batch_codes[b][row]),
                };
                let set_id = set_index(&plan, *set);
                let cell = acc.cell(s, set_id, a, b);
                acc.add(cell, d);
                if is_latest
                    && has_strata
                    && !matches!(set, Set::Pair(..))
                    && !stratum_col.is_null(row)
                {
                    let e = acc
                        .strata
                        .entry((cell, stratum_codes[row]))
                        .or_insert([0; 3]);
                    e[0] += 1;
                    e[1] += u64::from(d > 18 * 7);
                    e[2] += u64::from(d > 52 * 7);
                }
            }
        }
    }
    finish(&plan, acc, &codes.labels, periods, latest_index, options)
}

/// A set's stable number: its position in the latest snapshot's list (a superset).
fn set_index(plan: &Plan, set: Set) -> u16 {
    plan.latest.iter().position(|s| *s == set).unwrap_or(0) as u16
}

fn days_since_epoch(d: jiff::civil::Date) -> i32 {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    epoch.until(d).map(|s| s.get_days()).unwrap_or(0)
}

/// The measures of one histogram.
struct Measures {
    n: u64,
    over: [u64; 4],
    /// The median with its distribution-free limits.
    median: equalis_stats::Estimate,
    /// The 92nd percentile with its distribution-free limits.
    p92: equalis_stats::Estimate,
}

fn measures(hist: &[u32]) -> Result<Measures, EngineError> {
    let n: u64 = hist.iter().map(|&c| u64::from(c)).sum();
    let mut over = [0u64; 4];
    for (k, w) in OVER_WEEKS.iter().enumerate() {
        let from = (*w as usize) * 7 + 1;
        over[k] = hist.iter().skip(from).map(|&c| u64::from(c)).sum();
    }
    let values: Vec<(f64, f64)> = hist
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(d, &c)| (d as f64 / 7.0, f64::from(c)))
        .collect();
    let levels = rows::levels();
    let q = |p: f64| {
        equalis_stats::percentile_interval_of_counts(&values, p, &levels)
            .map_err(|e| EngineError::statistic("waiting-list percentile", e))
    };
    Ok(Measures {
        n,
        median: q(0.5)?,
        p92: q(0.92)?,
        over,
    })
}

fn finish(
    plan: &Plan,
    acc: Acc,
    labels: &[Vec<String>],
    periods: &Periods,
    latest_index: u16,
    options: &ComputeOptions,
) -> Result<Output, EngineError> {
    let levels = rows::levels();
    let mut out = Output::default();
    // (snapshot, breakdown, group) → (pathways, over 18 weeks), for gaps and mutual aid.
    let mut by_group: ByGroup = BTreeMap::new();
    let mut order: Vec<u32> = (0..acc.keys.len() as u32).collect();
    order.sort_by_cached_key(|&c| {
        let (snap, set_id, a, b) = acc.keys[c as usize];
        let set = plan.latest[set_id as usize];
        let (_, group) = breakdown::names(&plan.dims, set, labels, (a, b));
        (snap, set_id, breakdown::natural_key(&group))
    });
    let mut all_cell_latest: Option<u32> = None;
    let recorded = breakdown::recorded(&plan.dims, labels);
    for &c in &order {
        let (snap, set_id, a, b) = acc.keys[c as usize];
        let set = plan.latest[set_id as usize];
        if !breakdown::set_recorded(set, &recorded) {
            continue;
        }
        let (breakdown, group) = breakdown::names(&plan.dims, set, labels, (a, b));
        let period = from_days(days_since_epoch(periods.snapshots[snap as usize])).to_string();
        let m = measures(&acc.hists[c as usize])?;
        let n = m.n as f64;
        if snap == latest_index && set == Set::All {
            all_cell_latest = Some(c);
        }
        let mut size = ResultRow::new(
            "wl_size",
            &period,
            &breakdown,
            &group,
            Statistic::Count,
            1.0,
        );
        size.numerator = Some(n);
        size.value = Some(n);
        out.rows.push(size);
        for (id, stat, est) in [
            ("wl_median_weeks", Statistic::Median, &m.median),
            ("wl_p92_weeks", Statistic::Percentile, &m.p92),
        ] {
            let mut r = ResultRow::new(id, &period, &breakdown, &group, stat, 1.0);
            r.denominator = Some(n);
            rows::fill(&mut r, est);
            out.rows.push(r);
        }
        for (k, w) in OVER_WEEKS.iter().enumerate() {
            let mut r = ResultRow::new(
                &format!("wl_over_{w}_weeks"),
                &period,
                &breakdown,
                &group,
                Statistic::Proportion,
                100.0,
            );
            r.numerator = Some(m.over[k] as f64);
            r.denominator = Some(n);
            let est = equalis_stats::proportion(m.over[k] as f64, n, &levels, 100.0)
                .map_err(|e| EngineError::statistic("waiting list over N weeks", e))?;
            rows::fill(&mut r, &est);
            out.rows.push(r);
        }
        by_group.insert(
            (snap, breakdown, group),
            (m.n, m.over[0], m.median.value.ok()),
        );
    }
    rows::compare(&mut out.rows);
    rows::recording(&mut out.rows);

    // SII and RII of each long-wait measure at the latest snapshot.
    let latest_label = periods.snapshots[latest_index as usize].to_string();
    for w in OVER_WEEKS {
        let id = format!("wl_over_{w}_weeks");
        let subset: Vec<ResultRow> = out
            .rows
            .iter()
            .filter(|r| r.indicator_id == id && r.period == latest_label)
            .cloned()
            .collect();
        out.inequality
            .extend(rows::inequality(&subset, options.sii_repetitions));
    }

    casemix(plan, &acc, labels, all_cell_latest, &latest_label, &mut out)?;
    gaps(&by_group, periods, &mut out)?;
    mutual_aid(&by_group, latest_index, &latest_label, &mut out);
    spc_of_all(&mut out)?;
    Ok(out)
}

/// Indirect standardisation by treatment function × priority at the latest snapshot.
fn casemix(
    plan: &Plan,
    acc: &Acc,
    labels: &[Vec<String>],
    all_cell: Option<u32>,
    period: &str,
    out: &mut Output,
) -> Result<(), EngineError> {
    let Some(all_cell) = all_cell else {
        return Ok(());
    };
    // ICS reference: per stratum pathways and long waiters.
    let mut reference: BTreeMap<u16, [u64; 3]> = BTreeMap::new();
    let mut per_cell: BTreeMap<u32, Vec<(u16, [u64; 3])>> = BTreeMap::new();
    for (&(cell, stratum), v) in &acc.strata {
        if cell == all_cell {
            reference.insert(stratum, *v);
        }
        per_cell.entry(cell).or_default().push((stratum, *v));
    }
    let levels = rows::levels();
    let recorded = breakdown::recorded(&plan.dims, labels);
    for (cell, strata) in per_cell {
        let (_, set_id, a, b) = acc.keys[cell as usize];
        let set = plan.latest[set_id as usize];
        if !breakdown::set_recorded(set, &recorded) {
            continue;
        }
        let (breakdown, group) = breakdown::names(&plan.dims, set, labels, (a, b));
        for (k, w) in [(1usize, 18u32), (2, 52)] {
            let mut pops = Vec::new();
            let mut ref_counts = Vec::new();
            let mut ref_pops = Vec::new();
            let mut observed = 0.0;
            for (stratum, v) in &strata {
                let Some(r) = reference.get(stratum) else {
                    continue;
                };
                pops.push(v[0] as f64);
                ref_counts.push(r[k] as f64);
                ref_pops.push(r[0] as f64);
                observed += v[k] as f64;
            }
            let mut row = ResultRow::new(
                &format!("wl_casemix_over_{w}_weeks"),
                period,
                &breakdown,
                &group,
                Statistic::Ratio,
                1.0,
            );
            let expected = equalis_stats::expected_count(&pops, &ref_counts, &ref_pops)
                .map_err(|e| EngineError::statistic("case-mix adjustment", e))?;
            row.numerator = Some(observed);
            row.denominator = Some(expected);
            let est =
                equalis_stats::isr_ratio(observed, &pops, &ref_counts, &ref_pops, &levels, 1.0)
                    .map_err(|e| EngineError::statistic("case-mix adjustment", e))?;
            rows::fill(&mut row, &est);
            out.rows.push(row);
        }
    }
    Ok(())
}

/// The gap rows of one comparison: `a` minus `b` in percentage points.
#[allow(clippy::too_many_arguments)]
fn gap_row(
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
    a: (u64, u64),
    b: (u64, u64),
) -> Result<ResultRow, EngineError> {
    let levels = rows::levels();
    let mut row = ResultRow::new(id, period, breakdown, group, Statistic::Gap, 100.0);
    // Both groups' counts, so that the gap can be published from published counts.
    row.numerator = Some(a.1 as f64);
    row.denominator = Some(a.0 as f64);
    row.comparator_numerator = Some(b.1 as f64);
    row.comparator_denominator = Some(b.0 as f64);
    let gap = equalis_stats::proportion_gap(
        a.1 as f64, a.0 as f64, b.1 as f64, b.0 as f64, &levels, 100.0,
    )
    .map_err(|e| EngineError::statistic(format!("{id} {group}"), e))?;
    rows::fill(&mut row, &gap.absolute);
    Ok(row)
}

/// Equalisation: per provider (and ICS) and snapshot, Core20 vs others, quintile 1 vs 5, each
/// ethnic group vs White; with SPC over the snapshots.
fn gaps(by_group: &ByGroup, periods: &Periods, out: &mut Output) -> Result<(), EngineError> {
    let get = |snap: u16, b: &str, g: &str| {
        by_group
            .get(&(snap, b.to_owned(), g.to_owned()))
            .map(|v| (v.0, v.1))
    };
    let mut providers: Vec<String> = by_group
        .keys()
        .filter(|(_, b, _)| b == "provider")
        .map(|(_, _, g)| g.clone())
        .collect();
    providers.sort();
    providers.dedup();
    let ethnic_groups = [
        "Asian or Asian British",
        "Black or Black British",
        "Mixed",
        "Other",
    ];
    let mut gap_rows = Vec::new();
    for snap in 0..periods.snapshots.len() as u16 {
        let period = periods.snapshots[snap as usize].to_string();
        // The ICS, then each provider.
        let mut scopes: Vec<(String, String)> = vec![("all".into(), "All".into())];
        scopes.extend(providers.iter().map(|p| ("provider".to_owned(), p.clone())));
        for (scope_breakdown, scope_group) in &scopes {
            // The counts of `dim = label` within the scope (the ICS or one provider).
            let within = |dim: &str, label: &str| {
                if scope_breakdown == "all" {
                    get(snap, dim, label)
                } else {
                    let (b, g) = breakdown::pair("provider", scope_group, dim, label);
                    get(snap, &b, &g)
                }
            };
            if let (Some(a), Some(b)) = (within("core20", "Core20"), within("core20", "Not Core20"))
            {
                gap_rows.push(gap_row(
                    "wl_gap_core20_over_18_weeks",
                    &period,
                    scope_breakdown,
                    scope_group,
                    a,
                    b,
                )?);
            }
            if let (Some(a), Some(b)) = (within("imd_quintile", "1"), within("imd_quintile", "5")) {
                gap_rows.push(gap_row(
                    "wl_gap_imd_q1_q5_over_18_weeks",
                    &period,
                    scope_breakdown,
                    scope_group,
                    a,
                    b,
                )?);
            }
            if let Some(white) = within("ethnic_group", "White") {
                for eg in ethnic_groups {
                    if let Some(a) = within("ethnic_group", eg) {
                        let (b, grp) = if scope_breakdown == "all" {
                            ("ethnic_group".to_owned(), eg.to_owned())
                        } else {
                            breakdown::pair("provider", scope_group, "ethnic_group", eg)
                        };
                        gap_rows.push(gap_row(
                            "wl_gap_ethnic_over_18_weeks",
                            &period,
                            &b,
                            &grp,
                            a,
                            white,
                        )?);
                    }
                }
            }
        }
    }
    // Each provider's gap against the ICS gap of the same snapshot.
    rows::compare(&mut gap_rows);
    // SPC of every gap series over the snapshots (a smaller gap is better).
    let mut series: BTreeMap<(String, String, String), Vec<&ResultRow>> = BTreeMap::new();
    for r in &gap_rows {
        series
            .entry((r.indicator_id.clone(), r.breakdown.clone(), r.group.clone()))
            .or_default()
            .push(r);
    }
    for ((id, b, g), points) in series {
        let points: Vec<&ResultRow> = points.into_iter().filter(|r| r.value.is_some()).collect();
        rows::spc_series(
            &id,
            &b,
            &g,
            &points,
            ImprovementDirection::Decrease,
            None,
            &mut out.spc,
        )?;
    }
    out.rows.extend(gap_rows);
    Ok(())
}

/// SPC of each measure's ICS series over the snapshots.
fn spc_of_all(out: &mut Output) -> Result<(), EngineError> {
    let mut series: BTreeMap<String, Vec<ResultRow>> = BTreeMap::new();
    for r in &out.rows {
        if r.breakdown == breakdown::ALL
            && r.value.is_some()
            && !r.indicator_id.starts_with("wl_gap")
            && !r.indicator_id.starts_with("wl_casemix")
            && r.indicator_id != "wl_mutual_aid"
        {
            series
                .entry(r.indicator_id.clone())
                .or_default()
                .push(r.clone());
        }
    }
    for (id, points) in series {
        let improvement = if id == "wl_size" {
            ImprovementDirection::Neutral
        } else {
            ImprovementDirection::Decrease
        };
        let refs: Vec<&ResultRow> = points.iter().collect();
        rows::spc_series(
            &id,
            breakdown::ALL,
            breakdown::ALL_GROUP,
            &refs,
            improvement,
            None,
            &mut out.spc,
        )?;
    }
    Ok(())
}

/// Where one treatment function's median wait differs most between providers.
fn mutual_aid(by_group: &ByGroup, latest: u16, period: &str, out: &mut Output) {
    // treatment function → [(provider, pathways, median)]
    let mut by_tf: BTreeMap<String, Vec<(String, u64, f64)>> = BTreeMap::new();
    for ((snap, b, g), &(n, _, median)) in by_group {
        if *snap != latest || b != "provider x treatment_function" || n < 30 {
            continue;
        }
        let (Some((provider, tf)), Some(median)) = (g.split_once(" x "), median) else {
            continue;
        };
        by_tf
            .entry(tf.to_owned())
            .or_default()
            .push((provider.to_owned(), n, median));
    }
    for (tf, providers) in by_tf {
        if providers.len() < 2 {
            continue;
        }
        let longest = providers.iter().max_by(|a, b| a.2.total_cmp(&b.2));
        let shortest = providers.iter().min_by(|a, b| a.2.total_cmp(&b.2));
        let (Some(longest), Some(shortest)) = (longest, shortest) else {
            continue;
        };
        let mut row = ResultRow::new(
            "wl_mutual_aid",
            period,
            "treatment_function",
            &tf,
            Statistic::Gap,
            1.0,
        );
        row.denominator = Some(longest.1.min(shortest.1) as f64);
        if shortest.2 > 0.0 {
            let ratio = longest.2 / shortest.2;
            row.value = Some(ratio);
            let candidate = if ratio >= 1.5 {
                "candidate for mutual aid: "
            } else {
                ""
            };
            row.note = Some(format!(
                "{candidate}median {:.1} weeks at {} vs {:.1} weeks at {}",
                longest.2, longest.0, shortest.2, shortest.0
            ));
        } else {
            row.note = Some(format!("not calculated: median 0 weeks at {}", shortest.0));
        }
        out.rows.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_from_a_histogram_match_direct_computation() {
        // Days: 0, 7, 7, 14, 21, 21, 21, 400.
        let mut hist = vec![0u32; 401];
        for d in [0usize, 7, 7, 14, 21, 21, 21, 400] {
            hist[d] += 1;
        }
        let m = measures(&hist).unwrap();
        assert_eq!(m.n, 8);
        // Over 18 weeks (126 days): one pathway, 400 days; over 52 (364): the same one.
        assert_eq!(m.over, [1, 1, 0, 0]);
        assert!((m.median.value.unwrap() - 2.5).abs() < 1e-12);
        // NumPy: np.percentile(np.array([0,7,7,14,21,21,21,400])/7, 92)
        assert!((m.p92.value.unwrap() - 26.822857142857167).abs() < 1e-9);
        // Eight values: the 95% limits of the median are the 1st and 8th order statistics
        // (P(B ≤ 0) = 0.0039 ≤ 0.025 < P(B ≤ 1) = 0.035).
        assert_eq!(m.median.interval().lower, Ok(0.0));
        assert_eq!(m.median.interval().upper, Ok(400.0 / 7.0));
    }

    #[test]
    fn exactly_n_weeks_is_not_over_n_weeks() {
        let mut hist = vec![0u32; 128];
        hist[126] = 1; // exactly 18 weeks
        hist[127] = 2; // 18 weeks and a day
        assert_eq!(measures(&hist).unwrap().over[0], 2);
    }

    #[test]
    fn every_snapshot_has_the_provider_pairs_and_the_latest_has_all_pairs() {
        let p = plan(true);
        let names: Vec<String> = p
            .every
            .iter()
            .filter_map(|s| match s {
                Set::Pair(a, b) => Some(format!("{} x {}", p.dims[*a].name, p.dims[*b].name)),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            [
                "provider x core20",
                "provider x imd_quintile",
                "ethnic_group x provider"
            ]
        );
        assert!(p.latest.len() > 200);
        for s in &p.every {
            assert!(p.latest.contains(s));
        }
    }
}

//! Fair distributions over panels by column generation (Flanigan et al., Nature 2021).
//!
//! A distribution is a list of valid panels with probabilities; a volunteer's selection
//! probability is the total probability of the panels that include them. There are far too
//! many panels to list, so each algorithm starts from a few and asks the MIP oracle for the
//! panel that would most improve its objective, until none would.
//!
//! * **maximin** solves the dual of "maximise the minimum probability" (weights `y` on
//!   volunteers, one row per known panel). The oracle's best panel under `y` either cuts off
//!   the current dual point or proves it optimal. Rows are added to the dual incrementally,
//!   so `microlp` re-optimises by dual simplex rather than from scratch.
//! * **leximin** repeats maximin, each time fixing the volunteers whose dual weight is positive
//!   (complementary slackness: they sit at the minimum in every optimum) and raising the rest.
//! * **nash** maximises `Σ log p_i` over known panels with Cover's multiplicative update (the
//!   log-optimal portfolio iteration, monotone and free of step sizes); the oracle with weights
//!   `1/p_i` finds the panel the gradient most favours.
//! * **legacy** is the Sortition Foundation's older greedy draw (fill the most urgent quota
//!   first); its distribution is estimated by running it many times with a fixed seed, so that,
//!   like the others, it is a pure function of the inputs.

use std::collections::BTreeMap;

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOutcome};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::SortitionError;
use crate::model::Instance;
use crate::oracle;

/// Numerical slack when comparing an oracle value with the dual bound.
const EPS: f64 = 1e-7;

/// How to spread selection probability over volunteers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// Maximise the smallest selection probability (the default).
    Maximin,
    /// Maximin, then maximise the next smallest, and so on.
    Leximin,
    /// Maximise the product of selection probabilities.
    Nash,
    /// Greedy "most urgent quota first" draw, for comparison.
    Legacy,
}

impl Algorithm {
    /// The lower-case name used on the command line and in records.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Maximin => "maximin",
            Algorithm::Leximin => "leximin",
            Algorithm::Nash => "nash",
            Algorithm::Legacy => "legacy",
        }
    }
}

/// A probability distribution over valid panels (panels as sorted agent indices).
#[derive(Debug, Clone)]
pub(crate) struct Distribution {
    pub panels: Vec<Vec<usize>>,
    pub weights: Vec<f64>,
}

impl Distribution {
    /// Each agent's selection probability.
    pub fn marginals(&self, n: usize) -> Vec<f64> {
        let mut p = vec![0.0; n];
        for (panel, &w) in self.panels.iter().zip(&self.weights) {
            for &i in panel {
                p[i] += w;
            }
        }
        p
    }

    /// Drops panels of negligible weight and renormalises, so records list what matters.
    fn tidy(mut self) -> Self {
        let keep: Vec<usize> = (0..self.panels.len())
            .filter(|&j| self.weights[j] > 1e-9)
            .collect();
        self.panels = keep.iter().map(|&j| self.panels[j].clone()).collect();
        self.weights = keep.iter().map(|&j| self.weights[j]).collect();
        let total: f64 = self.weights.iter().sum();
        for w in &mut self.weights {
            *w /= total;
        }
        self
    }
}

/// Initial panels covering every agent that any valid panel can include; returns them and
/// which agents are coverable. An oracle call that weights only uncovered agents and still
/// covers none proves the rest can never be selected.
fn cover(
    inst: &Instance,
    first: Vec<usize>,
) -> Result<(Vec<Vec<usize>>, Vec<bool>), SortitionError> {
    let mut covered = vec![false; inst.n];
    for &i in &first {
        covered[i] = true;
    }
    let mut panels = vec![first];
    loop {
        let weights: Vec<f64> = covered.iter().map(|&c| if c { 0.0 } else { 1.0 }).collect();
        let Some((panel, value)) = oracle::best_panel(inst, &weights)? else {
            break;
        };
        if value < 0.5 {
            break;
        }
        for &i in &panel {
            covered[i] = true;
        }
        panels.push(panel);
    }
    Ok((panels, covered))
}

/// Solves the dual of the restricted maximin master; returns the solution and the variable
/// handles (`y` per coverable agent, then `ŷ`).
struct DualMaster {
    /// Map from agent to its dual variable, for coverable agents.
    var_of: Vec<Option<microlp::Variable>>,
    yhat: microlp::Variable,
    solution: Option<microlp::Solution>,
}

impl DualMaster {
    fn new(
        inst: &Instance,
        coverable: &[bool],
        fixed: &[Option<f64>],
        panels: &[Vec<usize>],
    ) -> Result<Self, SortitionError> {
        let mut p = Problem::new(OptimizationDirection::Minimize);
        let var_of: Vec<Option<microlp::Variable>> = (0..inst.n)
            .map(|i| {
                coverable[i].then(|| p.add_var(-fixed[i].unwrap_or(0.0), (0.0, f64::INFINITY)))
            })
            .collect();
        let yhat = p.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        let free: Vec<_> = (0..inst.n)
            .filter(|&i| fixed[i].is_none())
            .filter_map(|i| var_of[i].map(|v| (v, 1.0)))
            .collect();
        p.add_constraint(free, ComparisonOp::Eq, 1.0);
        let mut me = DualMaster {
            var_of,
            yhat,
            solution: None,
        };
        for panel in panels {
            let row = me.row(panel);
            p.add_constraint(row, ComparisonOp::Le, 0.0);
        }
        let sol = into_solution(p.solve())?;
        me.solution = Some(sol);
        Ok(me)
    }

    fn row(&self, panel: &[usize]) -> Vec<(microlp::Variable, f64)> {
        let mut row: Vec<_> = panel
            .iter()
            .filter_map(|&i| self.var_of[i].map(|v| (v, 1.0)))
            .collect();
        row.push((self.yhat, -1.0));
        row
    }

    fn add_panel(&mut self, panel: &[usize]) -> Result<(), SortitionError> {
        let row = self.row(panel);
        let sol = self
            .solution
            .take()
            .ok_or_else(|| SortitionError::Solver("dual master lost its solution".into()))?;
        self.solution = Some(into_solution(sol.add_constraint(
            row,
            ComparisonOp::Le,
            0.0,
        ))?);
        Ok(())
    }

    fn solution(&self) -> Result<&microlp::Solution, SortitionError> {
        self.solution
            .as_ref()
            .ok_or_else(|| SortitionError::Solver("dual master has no solution".into()))
    }

    /// The dual weights per agent (zero for agents never selectable).
    fn weights(&self) -> Result<Vec<f64>, SortitionError> {
        let sol = self.solution()?;
        Ok(self
            .var_of
            .iter()
            .map(|v| v.map_or(0.0, |v| sol.var_value(v).max(0.0)))
            .collect())
    }
}

fn into_solution(
    r: Result<SolveOutcome, microlp::Error>,
) -> Result<microlp::Solution, SortitionError> {
    r.map_err(|e| SortitionError::Solver(e.to_string()))?
        .into_solution()
        .map_err(|_| SortitionError::Solver("the LP stopped early".into()))
}

/// One leximin round (a plain maximin when nothing is fixed): grows `panels` until the
/// restricted optimum is the true one; returns the optimal minimum and the dual weights.
fn maximin_round(
    inst: &Instance,
    coverable: &[bool],
    fixed: &[Option<f64>],
    panels: &mut Vec<Vec<usize>>,
) -> Result<(f64, Vec<f64>), SortitionError> {
    let mut master = DualMaster::new(inst, coverable, fixed, panels)?;
    loop {
        let y = master.weights()?;
        let sol = master.solution()?;
        let yhat = sol.var_value(master.yhat);
        let value = sol.objective();
        let Some((panel, best)) = oracle::best_panel(inst, &y)? else {
            return Err(SortitionError::Solver("the oracle found no panel".into()));
        };
        if best <= yhat + EPS || panels.contains(&panel) {
            return Ok((value, y));
        }
        master.add_panel(&panel)?;
        panels.push(panel);
    }
}

/// The distribution over `panels` maximising the minimum probability of the free agents
/// while keeping each fixed agent at (numerically just under) its fixed probability.
fn primal(
    inst: &Instance,
    coverable: &[bool],
    fixed: &[Option<f64>],
    panels: &[Vec<usize>],
) -> Result<Distribution, SortitionError> {
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let lambda: Vec<_> = panels.iter().map(|_| p.add_var(0.0, (0.0, 1.0))).collect();
    let z = p.add_var(1.0, (0.0, 1.0));
    p.add_constraint(
        lambda.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(),
        ComparisonOp::Eq,
        1.0,
    );
    let mut rows: Vec<Vec<(microlp::Variable, f64)>> = vec![Vec::new(); inst.n];
    for (j, panel) in panels.iter().enumerate() {
        for &i in panel {
            rows[i].push((lambda[j], 1.0));
        }
    }
    for (i, mut row) in rows.into_iter().enumerate() {
        if !coverable[i] {
            continue;
        }
        match fixed[i] {
            Some(f) => p.add_constraint(row, ComparisonOp::Ge, floor(f)),
            None => {
                row.push((z, -1.0));
                p.add_constraint(row, ComparisonOp::Ge, 0.0);
            }
        }
    }
    let sol = into_solution(p.solve())?;
    Ok(Distribution {
        panels: panels.to_vec(),
        weights: lambda.iter().map(|&v| sol.var_value(v).max(0.0)).collect(),
    }
    .tidy())
}

/// Computes the fair distribution for `algorithm`; `first` is any valid panel.
pub(crate) fn distribution(
    inst: &Instance,
    algorithm: Algorithm,
    first: Vec<usize>,
) -> Result<Distribution, SortitionError> {
    if algorithm == Algorithm::Legacy {
        return legacy_distribution(inst);
    }
    let (mut panels, coverable) = cover(inst, first)?;
    match algorithm {
        Algorithm::Maximin => {
            let fixed = vec![None; inst.n];
            maximin_round(inst, &coverable, &fixed, &mut panels)?;
            primal(inst, &coverable, &fixed, &panels)
        }
        Algorithm::Leximin => leximin(inst, &coverable, panels),
        Algorithm::Nash => nash(inst, &coverable, panels),
        Algorithm::Legacy => legacy_distribution(inst),
    }
}

/// A fixed probability a hair under the value found, so that round-off in one round can never
/// make the next round's LP infeasible (which its dual reports as unbounded).
fn floor(value: f64) -> f64 {
    (value - 1e-7).max(0.0)
}

fn leximin(
    inst: &Instance,
    coverable: &[bool],
    mut panels: Vec<Vec<usize>>,
) -> Result<Distribution, SortitionError> {
    let mut fixed: Vec<Option<f64>> = vec![None; inst.n];
    while (0..inst.n).any(|i| coverable[i] && fixed[i].is_none()) {
        let (value, y) = maximin_round(inst, coverable, &fixed, &mut panels)?;
        let mut any = false;
        for i in 0..inst.n {
            if coverable[i] && fixed[i].is_none() && y[i] > EPS {
                fixed[i] = Some(floor(value));
                any = true;
            }
        }
        if !any {
            // Degenerate duals can put no weight on a free agent; then every free agent
            // already reaches `value`, so fixing them all at it loses nothing.
            for i in 0..inst.n {
                if coverable[i] && fixed[i].is_none() {
                    fixed[i] = Some(floor(value));
                }
            }
        }
    }
    primal(inst, coverable, &fixed, &panels)
}

fn nash(
    inst: &Instance,
    coverable: &[bool],
    panels: Vec<Vec<usize>>,
) -> Result<Distribution, SortitionError> {
    let n_eff = coverable.iter().filter(|&&c| c).count() as f64;
    let mut dist = Distribution {
        weights: vec![1.0 / panels.len() as f64; panels.len()],
        panels,
    };
    // Column budget: each column costs one MIP; the objective is flat near the optimum.
    for _ in 0..400 {
        for _ in 0..300 {
            let p = dist.marginals(inst.n);
            for (panel, w) in dist.panels.iter().zip(dist.weights.iter_mut()) {
                let g: f64 = panel.iter().map(|&i| 1.0 / p[i]).sum();
                *w *= g / n_eff;
            }
        }
        let p = dist.marginals(inst.n);
        let grad: Vec<f64> = (0..inst.n)
            .map(|i| if coverable[i] { 1.0 / p[i] } else { 0.0 })
            .collect();
        let Some((panel, best)) = oracle::best_panel(inst, &grad)? else {
            break;
        };
        // Optimality: no panel has gradient above the average n_eff (KKT for the simplex).
        if best <= n_eff * (1.0 + 1e-3) || dist.panels.contains(&panel) {
            break;
        }
        let share = 1.0 / (dist.panels.len() as f64 + 1.0);
        for w in &mut dist.weights {
            *w *= 1.0 - share;
        }
        dist.panels.push(panel);
        dist.weights.push(share);
    }
    Ok(dist.tidy())
}

/// Runs of the greedy draw used to estimate its distribution.
const LEGACY_RUNS: usize = 1000;
/// Seed of those runs: fixed, so the estimate is a pure function of the inputs.
const LEGACY_SEED: u64 = 0x5EED;

fn legacy_distribution(inst: &Instance) -> Result<Distribution, SortitionError> {
    let mut rng = ChaCha20Rng::seed_from_u64(LEGACY_SEED);
    let mut counts: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut total = 0usize;
    for _ in 0..LEGACY_RUNS {
        // Like the original, retry a failed greedy draw a bounded number of times.
        for _ in 0..100 {
            if let Some(panel) = legacy_once(inst, &mut rng) {
                *counts.entry(panel).or_insert(0) += 1;
                total += 1;
                break;
            }
        }
    }
    if total == 0 {
        return Err(SortitionError::Solver(
            "the legacy greedy draw never met the quotas; use maximin".into(),
        ));
    }
    let (panels, weights) = counts
        .into_iter()
        .map(|(p, c)| (p, c as f64 / total as f64))
        .unzip();
    Ok(Distribution { panels, weights })
}

/// One greedy draw: repeatedly take a random volunteer from the category whose unmet minimum
/// is largest relative to the volunteers left in it; drop households and full categories.
fn legacy_once(inst: &Instance, rng: &mut ChaCha20Rng) -> Option<Vec<usize>> {
    let mut available = vec![true; inst.n];
    let mut left: Vec<usize> = inst.cat_members.iter().map(Vec::len).collect();
    let mut count = vec![0u32; inst.quotas.len()];
    let mut homes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..inst.n {
        homes.entry(inst.household_id[i]).or_default().push(i);
    }
    let mut panel = Vec::with_capacity(inst.k as usize);
    let remove = |i: usize, available: &mut Vec<bool>, left: &mut Vec<usize>| {
        if available[i] {
            available[i] = false;
            for &c in &inst.agent_cats[i] {
                left[c] -= 1;
            }
        }
    };
    while panel.len() < inst.k as usize {
        let urgent = (0..inst.quotas.len())
            .filter(|&c| left[c] > 0 && count[c] < inst.quotas[c].min)
            .max_by(|&a, &b| {
                let ra = f64::from(inst.quotas[a].min - count[a]) / left[a] as f64;
                let rb = f64::from(inst.quotas[b].min - count[b]) / left[b] as f64;
                ra.total_cmp(&rb)
            });
        let candidates: Vec<usize> = match urgent {
            Some(c) => inst.cat_members[c]
                .iter()
                .copied()
                .filter(|&i| available[i])
                .collect(),
            None => (0..inst.n).filter(|&i| available[i]).collect(),
        };
        if candidates.is_empty() {
            return None;
        }
        let chosen = candidates[rng.random_range(0..candidates.len())];
        panel.push(chosen);
        for &i in &homes[&inst.household_id[chosen]] {
            remove(i, &mut available, &mut left);
        }
        for &c in &inst.agent_cats[chosen] {
            count[c] += 1;
            if count[c] >= inst.quotas[c].max {
                for &i in &inst.cat_members[c] {
                    remove(i, &mut available, &mut left);
                }
            }
        }
    }
    panel.sort_unstable();
    inst.is_valid_panel(&panel).then_some(panel)
}

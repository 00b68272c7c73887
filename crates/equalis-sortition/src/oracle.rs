//! The MIP oracle of column generation: the valid panel with the largest total weight.
//!
//! Every algorithm asks the same question — "among all panels that meet the quotas and the
//! household rule, which maximises the sum of these per-volunteer weights?" — so the
//! integer program is written once here. The solver is `microlp` (pure Rust): it builds in
//! seconds on this machine where HiGHS takes ten minutes (see MEASUREMENTS.md), and its
//! branch and bound is fast enough on panels of a few hundred seats (see BENCHMARKS.md).

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions};

use crate::error::{Conflict, Relaxation, SortitionError};
use crate::model::Instance;

/// Adds the constraints shared by every oracle problem: size, household rule and, unless
/// `slack` supplies per-quota slack variables, the quotas themselves.
fn add_structure(
    inst: &Instance,
    p: &mut Problem,
    x: &[microlp::Variable],
    slack: Option<&[(microlp::Variable, microlp::Variable)]>,
) {
    p.add_constraint(
        x.iter().map(|&v| (v, 1.0)).collect::<Vec<_>>(),
        ComparisonOp::Eq,
        f64::from(inst.k),
    );
    for (c, q) in inst.quotas.iter().enumerate() {
        let mut lo = LinearExpr::empty();
        let mut hi = LinearExpr::empty();
        for &i in &inst.cat_members[c] {
            lo.add(x[i], 1.0);
            hi.add(x[i], 1.0);
        }
        if let Some(s) = slack {
            lo.add(s[c].0, 1.0);
            hi.add(s[c].1, -1.0);
        }
        // A quota whose bounds are already implied (min 0, max >= pool) needs no row.
        if q.min > 0 || slack.is_some() {
            p.add_constraint(lo, ComparisonOp::Ge, f64::from(q.min));
        }
        if (q.max as usize) < inst.cat_members[c].len() || slack.is_some() {
            p.add_constraint(hi, ComparisonOp::Le, f64::from(q.max));
        }
    }
    for h in &inst.households {
        p.add_constraint(
            h.iter().map(|&i| (x[i], 1.0)).collect::<Vec<_>>(),
            ComparisonOp::Le,
            1.0,
        );
    }
}

fn solver_error(e: microlp::Error) -> SortitionError {
    SortitionError::Solver(e.to_string())
}

/// The valid panel maximising `Σ weights[i]` over its members, or `None` if no valid panel exists.
///
/// Returns the members sorted ascending, and the panel's weight.
///
/// Volunteers alone in their household and alike in every quota category are interchangeable,
/// so the program chooses *how many* of each such type (one integer per type) and takes the
/// heaviest members: the gain from taking `t` of a type is the sum of its `t` largest weights,
/// a concave function written as bounded continuous pieces that the LP fills in weight order.
/// This removes the symmetry that otherwise makes branch and bound revisit equivalent panels
/// (dual weights are mostly zero), and cuts the integer variables from volunteers to types.
pub(crate) fn best_panel(
    inst: &Instance,
    weights: &[f64],
) -> Result<Option<(Vec<usize>, f64)>, SortitionError> {
    let mut p = Problem::new(OptimizationDirection::Maximize);
    // Per category, the expression counting its panel members.
    let mut counts: Vec<LinearExpr> = (0..inst.quotas.len())
        .map(|_| LinearExpr::empty())
        .collect();
    let mut size = LinearExpr::empty();
    let mut type_vars = Vec::with_capacity(inst.types.len());
    let mut sorted_types = Vec::with_capacity(inst.types.len());
    for members in &inst.types {
        let mut sorted = members.clone();
        sorted.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
        let m = i32::try_from(sorted.len()).unwrap_or(i32::MAX);
        let t = if m == 1 {
            p.add_binary_var(weights[sorted[0]])
        } else {
            let t = p.add_integer_var(0.0, (0, m));
            // Runs of equal weight become one piece, so a type of mostly-zero weights costs
            // a couple of variables rather than one per member.
            let mut link = LinearExpr::empty();
            let mut j = 0;
            while j < sorted.len() {
                let w = weights[sorted[j]];
                let run = sorted[j..]
                    .iter()
                    .take_while(|&&i| (weights[i] - w).abs() <= 1e-12)
                    .count();
                link.add(p.add_var(w, (0.0, run as f64)), 1.0);
                j += run;
            }
            link.add(t, -1.0);
            p.add_constraint(link, ComparisonOp::Eq, 0.0);
            t
        };
        for &c in &inst.agent_cats[sorted[0]] {
            counts[c].add(t, 1.0);
        }
        size.add(t, 1.0);
        type_vars.push(t);
        sorted_types.push(sorted);
    }
    let mut sharer_vars = Vec::with_capacity(inst.sharers.len());
    let mut var_of = vec![None; inst.n];
    for &i in &inst.sharers {
        let x = p.add_binary_var(weights[i]);
        for &c in &inst.agent_cats[i] {
            counts[c].add(x, 1.0);
        }
        size.add(x, 1.0);
        sharer_vars.push(x);
        var_of[i] = Some(x);
    }
    p.add_constraint(size, ComparisonOp::Eq, f64::from(inst.k));
    for ((q, expr), members) in inst.quotas.iter().zip(counts).zip(&inst.cat_members) {
        if members.is_empty() {
            continue;
        }
        let (lo, hi) = (f64::from(q.min), f64::from(q.max));
        if q.min > 0 && (q.max as usize) < members.len() {
            p.add_constraint(expr.clone(), ComparisonOp::Ge, lo);
            p.add_constraint(expr, ComparisonOp::Le, hi);
        } else if q.min > 0 {
            p.add_constraint(expr, ComparisonOp::Ge, lo);
        } else if (q.max as usize) < members.len() {
            p.add_constraint(expr, ComparisonOp::Le, hi);
        }
    }
    for (c, q) in inst.quotas.iter().enumerate() {
        // A minimum on an empty category can never be met.
        if q.min > 0 && inst.cat_members[c].is_empty() {
            return Ok(None);
        }
    }
    for h in &inst.households {
        p.add_constraint(
            h.iter()
                .filter_map(|&i| var_of[i].map(|x| (x, 1.0)))
                .collect::<Vec<_>>(),
            ComparisonOp::Le,
            1.0,
        );
    }
    let outcome = match p.solve_with(SolveOptions::default()) {
        Ok(o) => o,
        Err(microlp::Error::Infeasible) => return Ok(None),
        Err(e) => return Err(solver_error(e)),
    };
    let sol = outcome
        .into_solution()
        .map_err(|_| SortitionError::Solver("the oracle stopped without a panel".into()))?;
    let mut panel = Vec::with_capacity(inst.k as usize);
    for (t, sorted) in type_vars.iter().zip(&sorted_types) {
        let take = sol.var_value(*t).round().max(0.0) as usize;
        panel.extend_from_slice(&sorted[..take.min(sorted.len())]);
    }
    for (x, &i) in sharer_vars.iter().zip(&inst.sharers) {
        if sol.var_value(*x) > 0.5 {
            panel.push(i);
        }
    }
    panel.sort_unstable();
    let value = panel.iter().map(|&i| weights[i]).sum();
    if !inst.is_valid_panel(&panel) {
        return Err(SortitionError::Solver(
            "the oracle returned a panel that breaks a quota".into(),
        ));
    }
    Ok(Some((panel, value)))
}

/// The smallest total change to quota bounds that lets some panel exist.
///
/// Called only when the per-feature checks pass but no panel exists, to explain which quotas
/// conflict across features: an elastic MIP with a slack on every bound, minimising total slack.
pub(crate) fn explain_joint(inst: &Instance) -> Result<Conflict, SortitionError> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<_> = (0..inst.n).map(|_| p.add_binary_var(0.0)).collect();
    let k = i32::try_from(inst.k).unwrap_or(i32::MAX);
    let slack: Vec<_> = inst
        .quotas
        .iter()
        .map(|_| {
            (
                p.add_integer_var(1.0, (0, k)),
                p.add_integer_var(1.0, (0, k)),
            )
        })
        .collect();
    add_structure(inst, &mut p, &x, Some(&slack));
    let sol = p
        .solve()
        .map_err(solver_error)?
        .into_solution()
        .map_err(|_| SortitionError::Solver("the relaxation stopped early".into()))?;
    let mut relaxations = Vec::new();
    for (q, &(lo, hi)) in inst.quotas.iter().zip(&slack) {
        let down = sol.var_value(lo).round() as u32;
        let up = sol.var_value(hi).round() as u32;
        if down > 0 {
            relaxations.push(Relaxation {
                feature: q.feature.clone(),
                value: q.value.clone(),
                is_min: true,
                from: q.min,
                to: q.min - down.min(q.min),
            });
        }
        if up > 0 {
            relaxations.push(Relaxation {
                feature: q.feature.clone(),
                value: q.value.clone(),
                is_min: false,
                from: q.max,
                to: q.max + up,
            });
        }
    }
    Ok(Conflict::Joint { relaxations })
}

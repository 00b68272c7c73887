//! The MIP oracle of column generation: the valid panel with the largest total weight.
//!
//! Every algorithm asks the same question — "among all panels that meet the quotas and the
//! household rule, which maximises the sum of these per-seat weights?" — so the integer
//! program is written once here. It answers with a panel *shape* (seats per unit of
//! interchangeable volunteers, see `Instance::units`). The solver is `microlp` (pure Rust): it builds in
//! seconds on this machine where HiGHS takes ten minutes (see MEASUREMENTS.md), and its
//! branch and bound is fast enough on panels of a few hundred seats (see BENCHMARKS.md).

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions};

use crate::error::{Conflict, Relaxation, SortitionError};
use crate::model::{Instance, Shape};

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

/// The valid panel shape maximising `Σ weights[u] · count[u]`, where `weights[u]` is the
/// weight of one seat given to unit `u` (see `Instance::units`), or `None` if no valid panel
/// exists. Returns the shape (units with a positive count, ascending) and its weight.
///
/// `gap` is the relative optimality gap at which branch and bound may stop with a feasible
/// panel: `0.0` proves the optimum (needed wherever the value is a proof); a positive gap
/// may return a panel worth only `1 / (1 + gap)` of the optimum, but never stops on a panel
/// worth zero while a better one may exist (the gap is relative to the panel found).
///
/// Members of a unit are interchangeable under every quota and the household rule, so the
/// program chooses *how many* of each unit (one integer per unit, a binary for a unit of one)
/// rather than which members: this removes the symmetry that otherwise makes branch and bound
/// revisit equivalent panels, and cuts the integer variables from volunteers to units.
pub(crate) fn best_shape(
    inst: &Instance,
    weights: &[f64],
    gap: f64,
) -> Result<Option<(Shape, f64)>, SortitionError> {
    for (c, q) in inst.quotas.iter().enumerate() {
        // A minimum on an empty category can never be met.
        if q.min > 0 && inst.cat_members[c].is_empty() {
            return Ok(None);
        }
    }
    let mut p = Problem::new(OptimizationDirection::Maximize);
    // Per category, the expression counting its panel members.
    let mut counts: Vec<LinearExpr> = (0..inst.quotas.len())
        .map(|_| LinearExpr::empty())
        .collect();
    let mut size = LinearExpr::empty();
    let mut unit_vars = Vec::with_capacity(inst.units.len());
    for (members, &w) in inst.units.iter().zip(weights) {
        let m = i32::try_from(members.len()).unwrap_or(i32::MAX);
        let x = if m == 1 {
            p.add_binary_var(w)
        } else {
            p.add_integer_var(w, (0, m))
        };
        for &c in &inst.agent_cats[members[0]] {
            counts[c].add(x, 1.0);
        }
        size.add(x, 1.0);
        unit_vars.push(x);
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
    // Households of two or more: their members are units of one (sharers).
    for h in &inst.households {
        p.add_constraint(
            h.iter()
                .map(|&i| (unit_vars[inst.unit_of[i]], 1.0))
                .collect::<Vec<_>>(),
            ComparisonOp::Le,
            1.0,
        );
    }
    let mut options = SolveOptions::default();
    options.mip_gap = gap;
    let outcome = match p.solve_with(options) {
        Ok(o) => o,
        Err(microlp::Error::Infeasible) => return Ok(None),
        Err(e) => return Err(solver_error(e)),
    };
    let sol = outcome
        .into_solution()
        .map_err(|_| SortitionError::Solver("the oracle stopped without a panel".into()))?;
    let mut shape = Shape::new();
    let mut value = 0.0;
    for (u, (x, members)) in unit_vars.iter().zip(&inst.units).enumerate() {
        let take = (sol.var_value(*x).round().max(0.0) as usize).min(members.len());
        if take > 0 {
            shape.push((u, take as u32));
            value += weights[u] * take as f64;
        }
    }
    if !inst.is_valid_panel(&inst.canonical(&shape)) {
        return Err(SortitionError::Solver(
            "the oracle returned a panel that breaks a quota".into(),
        ));
    }
    Ok(Some((shape, value)))
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

//! Feasibility first: cheap counting checks that name the quota at fault, then one MIP.
//!
//! The counting checks catch almost every real mistake (a quota the pool cannot fill, minimums
//! that add up to more than the panel) and say by how much. Only when they all pass but the
//! quotas still conflict across features does the elastic MIP in `oracle` explain the conflict.

use crate::error::{Conflict, Infeasibility, SortitionError};
use crate::model::{Instance, Shape};
use crate::oracle;

/// Returns the shape of a valid panel, or every reason why none exists.
pub(crate) fn check(inst: &Instance) -> Result<Shape, SortitionError> {
    let mut conflicts = Vec::new();
    let households = inst.n_households as u32;
    if inst.k > households {
        conflicts.push(Conflict::TooFewHouseholds {
            size: inst.k,
            households,
        });
    }
    for (c, q) in inst.quotas.iter().enumerate() {
        let available = inst.households_among(&inst.cat_members[c]);
        if q.min > available {
            conflicts.push(Conflict::QuotaShort {
                feature: q.feature.clone(),
                value: q.value.clone(),
                min: q.min,
                available,
            });
        }
    }
    for (feature, cats) in &inst.features {
        let sum: u32 = cats.iter().map(|&c| inst.quotas[c].min).sum();
        if sum > inst.k {
            conflicts.push(Conflict::MinimumsTooHigh {
                feature: feature.clone(),
                sum,
                size: inst.k,
            });
        }
        let capacity: u32 = cats
            .iter()
            .map(|&c| {
                inst.quotas[c]
                    .max
                    .min(inst.households_among(&inst.cat_members[c]))
            })
            .sum();
        if capacity < inst.k {
            conflicts.push(Conflict::MaximaTooLow {
                feature: feature.clone(),
                capacity,
                size: inst.k,
            });
        }
    }
    if !conflicts.is_empty() {
        return Err(SortitionError::Infeasible(Infeasibility { conflicts }));
    }
    let zero = vec![0.0; inst.units.len()];
    match oracle::best_shape(inst, &zero, 0.0)? {
        Some((shape, _)) => Ok(shape),
        None => Err(SortitionError::Infeasible(Infeasibility {
            conflicts: vec![oracle::explain_joint(inst)?],
        })),
    }
}

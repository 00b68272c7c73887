//! The lottery: draw one panel from the fair distribution, and record how.
//!
//! The draw turns the seed into a ChaCha20 stream, takes one uniform number in `[0, 1)` and
//! walks the panels in their recorded order until the cumulative probability passes it
//! (inverse-CDF sampling). Each volunteer is therefore selected with exactly their recorded
//! probability, and anyone holding the record can repeat the draw by hand.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::SortitionError;
use crate::fair::{self, Algorithm, Distribution};
use crate::feasibility;
use crate::model::{Instance, Pool, Quota, Quotas, Volunteer};

/// The outcome of a draw, with the full audit record.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Selected volunteer ids, in pool order.
    pub panel: Vec<String>,
    /// Every volunteer's selection probability, in pool order.
    pub probabilities: Vec<(String, f64)>,
    /// The smallest selection probability over the whole pool.
    pub min_probability: f64,
    /// Volunteers no valid panel can include (their probability is zero whatever the algorithm).
    pub never_selectable: Vec<String>,
    /// The algorithm that computed the distribution.
    pub algorithm: Algorithm,
    /// The lottery seed.
    pub seed: u64,
    /// [`Pool::hash`] of the pool the draw was made from.
    pub pool_hash: String,
    /// The quotas the panel meets.
    pub quotas: Vec<Quota>,
    /// Panel size.
    pub size: u32,
    /// The distribution over panels: each panel's member ids (pool order) and probability.
    pub distribution: Vec<(Vec<String>, f64)>,
    /// Index into `distribution` of the panel the lottery drew.
    pub drawn: usize,
    /// For each quota, how many panel members have that value.
    pub counts: Vec<u32>,
}

/// The outcome of replacing drop-outs: the restored panel and how it was drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// Members of the original panel who stay.
    pub kept: Vec<String>,
    /// Members who dropped out.
    pub dropped: Vec<String>,
    /// Newly selected members.
    pub added: Vec<String>,
    /// The full restored panel (kept and added), in pool order.
    pub panel: Vec<String>,
    /// The draw of the added members among the eligible remainder of the pool: its quotas are
    /// the original ones less what the kept members already fill, its size the number dropped.
    pub selection: Selection,
    /// The original quotas, which the restored panel meets.
    pub quotas: Vec<Quota>,
    /// For each original quota, how many members of the restored panel have that value.
    pub counts: Vec<u32>,
}

/// Selects a panel of `size` from `pool` meeting `quotas`, fairly, with lottery `seed`.
///
/// # Errors
/// [`SortitionError::Infeasible`] with every conflict found when no panel can meet the quotas
/// and the household rule; other variants for malformed input.
pub fn select(
    pool: &Pool,
    quotas: &Quotas,
    size: u32,
    algorithm: Algorithm,
    seed: u64,
) -> Result<Selection, SortitionError> {
    let inst = Instance::compile(pool, quotas, size)?;
    let first = feasibility::check(&inst)?;
    let dist = fair::distribution(&inst, algorithm, first)?;
    Ok(record(pool, &inst, &dist, algorithm, seed))
}

/// Draws the index of a panel from a distribution's `weights` with `seed`.
fn draw(weights: &[f64], seed: u64) -> usize {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (j, &w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return j;
        }
    }
    // Rounding can leave the total a hair under 1; the last panel takes the remainder.
    weights.len().saturating_sub(1)
}

impl Selection {
    /// Repeats the lottery on this record's distribution with another seed and returns the
    /// index into [`Selection::distribution`] of the panel drawn.
    ///
    /// `select` draws with exactly this function, so an auditor can confirm a record's
    /// `drawn` panel from its distribution and seed alone.
    pub fn redraw(&self, seed: u64) -> usize {
        let weights: Vec<f64> = self.distribution.iter().map(|(_, w)| *w).collect();
        draw(&weights, seed)
    }
}

fn record(
    pool: &Pool,
    inst: &Instance,
    dist: &Distribution,
    algorithm: Algorithm,
    seed: u64,
) -> Selection {
    let ids = |panel: &[usize]| -> Vec<String> {
        panel
            .iter()
            .map(|&i| pool.volunteers()[i].id.clone())
            .collect()
    };
    let drawn = draw(&dist.weights, seed);
    let panel = &dist.panels[drawn];
    let marginals = dist.marginals(inst.n);
    // Exact zeros and ones read better in the record than 1e-17 or 0.9999999999.
    let clean = |p: f64| {
        if p < 1e-12 {
            0.0
        } else if p > 1.0 - 1e-12 {
            1.0
        } else {
            p
        }
    };
    let probabilities: Vec<(String, f64)> = pool
        .volunteers()
        .iter()
        .zip(&marginals)
        .map(|(v, &p)| (v.id.clone(), clean(p)))
        .collect();
    let min_probability = probabilities.iter().map(|(_, p)| *p).fold(1.0, f64::min);
    let never_selectable = probabilities
        .iter()
        .filter(|(_, p)| *p == 0.0)
        .map(|(id, _)| id.clone())
        .collect();
    let mut counts = vec![0u32; inst.quotas.len()];
    for &i in panel {
        for &c in &inst.agent_cats[i] {
            counts[c] += 1;
        }
    }
    Selection {
        panel: ids(panel),
        probabilities,
        min_probability,
        never_selectable,
        algorithm,
        seed,
        pool_hash: pool.hash(),
        quotas: inst.quotas.clone(),
        size: inst.k,
        distribution: dist
            .panels
            .iter()
            .zip(&dist.weights)
            .map(|(p, &w)| (ids(p), w))
            .collect(),
        drawn,
        counts,
    }
}

/// Replaces the `dropped` members of `panel` (an earlier selection from `pool` under `quotas`)
/// with volunteers from the rest of the pool, restoring every quota, with the same fairness.
///
/// The kept members' households are excluded, as are the dropped members themselves and
/// everyone on the original panel.
///
/// # Errors
/// [`SortitionError::NotSelected`] / [`SortitionError::UnknownVolunteer`] for ids that do not
/// fit, [`SortitionError::Infeasible`] when the remaining pool cannot restore the quotas.
pub fn replace(
    pool: &Pool,
    quotas: &Quotas,
    panel: &[String],
    dropped: &[String],
    algorithm: Algorithm,
    seed: u64,
) -> Result<Replacement, SortitionError> {
    let by_id = |id: &str| pool.volunteers().iter().position(|v| v.id == id);
    for id in panel {
        if by_id(id).is_none() {
            return Err(SortitionError::UnknownVolunteer { id: id.clone() });
        }
    }
    let on_panel: HashSet<&str> = panel.iter().map(String::as_str).collect();
    for id in dropped {
        if !on_panel.contains(id.as_str()) {
            return Err(if by_id(id).is_none() {
                SortitionError::UnknownVolunteer { id: id.clone() }
            } else {
                SortitionError::NotSelected { id: id.clone() }
            });
        }
    }
    let dropped_set: HashSet<&str> = dropped.iter().map(String::as_str).collect();
    let kept: Vec<String> = panel
        .iter()
        .filter(|id| !dropped_set.contains(id.as_str()))
        .cloned()
        .collect();
    // The full-pool instance tells us the kept members' categories and households.
    let full = Instance::compile(pool, quotas, panel.len().max(1) as u32)?;
    let kept_idx: Vec<usize> = kept.iter().filter_map(|id| by_id(id)).collect();
    let mut filled = vec![0u32; full.quotas.len()];
    let mut kept_homes = HashSet::new();
    for &i in &kept_idx {
        kept_homes.insert(full.household_id[i]);
        for &c in &full.agent_cats[i] {
            filled[c] += 1;
        }
    }
    let remainder: Vec<Volunteer> = pool
        .volunteers()
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            !on_panel.contains(v.id.as_str()) && !kept_homes.contains(&full.household_id[*i])
        })
        .map(|(_, v)| v.clone())
        .collect();
    let sub_pool = Pool::new(pool.features().to_vec(), remainder)?;
    let sub_quotas = Quotas::new(
        full.quotas
            .iter()
            .zip(&filled)
            .map(|(q, &f)| Quota {
                feature: q.feature.clone(),
                value: q.value.clone(),
                min: q.min.saturating_sub(f),
                max: q.max.saturating_sub(f),
            })
            .collect(),
    )?;
    let added_sel = if dropped.is_empty() {
        None
    } else {
        Some(select(
            &sub_pool,
            &sub_quotas,
            dropped.len() as u32,
            algorithm,
            seed,
        )?)
    };
    let selection = match added_sel {
        Some(s) => s,
        None => return Err(SortitionError::ZeroPanelSize),
    };
    let added = selection.panel.clone();
    let chosen: HashSet<&str> = kept.iter().chain(&added).map(String::as_str).collect();
    let panel_out: Vec<String> = pool
        .volunteers()
        .iter()
        .filter(|v| chosen.contains(v.id.as_str()))
        .map(|v| v.id.clone())
        .collect();
    let mut counts = filled;
    for (c, n) in selection.counts.iter().enumerate() {
        counts[c] += n;
    }
    Ok(Replacement {
        kept,
        dropped: dropped.to_vec(),
        added,
        panel: panel_out,
        selection,
        quotas: full.quotas,
        counts,
    })
}

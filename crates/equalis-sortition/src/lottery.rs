//! The lottery: draw one panel from the fair distribution, and record how.
//!
//! The distribution is over panel *shapes* (see `fair`): volunteers alike in every quota
//! feature and alone in their household form an interchangeable group, and a shape says how
//! many seats each group gets. The record writes each shape as its *canonical panel* (the first
//! members of each group, in group order) and lists the groups.
//!
//! The draw turns the seed into a ChaCha20 stream and takes one uniform number in `[0, 1)`;
//! walking the shapes in their recorded order until the cumulative probability passes it
//! (inverse-CDF sampling) picks the shape. Then, group by group in recorded order, the same
//! stream draws the group's seats uniformly without replacement among all its members (a
//! partial Fisher–Yates shuffle), in place of the canonical members. Each volunteer is
//! therefore selected with exactly their recorded probability (their group's expected seats
//! over its size), and anyone holding the record can repeat the draw.

use std::collections::{HashMap, HashSet};

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
    /// The distribution over panel shapes: each shape's canonical panel (member ids, pool
    /// order) and probability. A canonical panel holds, of each group in
    /// [`Selection::interchangeable`], the group's first members; the lottery fills those seats
    /// with members drawn uniformly from the whole group (see [`Selection::redraw_panel`]).
    /// Volunteers in no group appear literally. Every canonical panel, and every panel reached
    /// from one by exchanging members within a group, meets the quotas and the household rule.
    pub distribution: Vec<(Vec<String>, f64)>,
    /// Groups of interchangeable volunteers (pool order within a group): alike in every quota
    /// feature and each alone in their household. Empty for the legacy algorithm, whose
    /// distribution is over literal panels.
    pub interchangeable: Vec<Vec<String>>,
    /// Index into `distribution` of the shape the lottery drew; `panel` has this shape.
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

/// Draws the index of a shape from a distribution's `weights` with the stream's first number.
fn pick(weights: &[f64], rng: &mut ChaCha20Rng) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (j, &w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return j;
        }
    }
    // Rounding can leave the total a hair under 1; the last shape takes the remainder.
    weights.len().saturating_sub(1)
}

/// The whole lottery on agent indices: picks a shape by `weights`, then, for each group in
/// order, replaces the canonical panel's members of that group with as many drawn uniformly
/// from the group. Returns the shape's index and the panel, ascending.
fn lottery(
    weights: &[f64],
    canonical: impl Fn(usize) -> Vec<usize>,
    groups: &[Vec<usize>],
    seed: u64,
) -> (usize, Vec<usize>) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let j = pick(weights, &mut rng);
    let mut panel: HashSet<usize> = canonical(j).into_iter().collect();
    for group in groups {
        let seats = group.iter().filter(|i| panel.contains(i)).count();
        // A group with no seats, or all of them, leaves nothing to choose (and draws nothing,
        // so the stream is not consumed needlessly).
        if seats == 0 || seats == group.len() {
            continue;
        }
        let mut order = group.clone();
        for k in 0..seats {
            let r = rng.random_range(k..order.len());
            order.swap(k, r);
        }
        for i in group {
            panel.remove(i);
        }
        panel.extend(&order[..seats]);
    }
    let mut panel: Vec<usize> = panel.into_iter().collect();
    panel.sort_unstable();
    (j, panel)
}

impl Selection {
    /// Repeats the lottery on this record's distribution with another seed and returns the
    /// index into [`Selection::distribution`] of the shape drawn.
    ///
    /// `select` draws with exactly this procedure, so an auditor can confirm a record's
    /// `drawn` shape from its distribution and seed alone.
    pub fn redraw(&self, seed: u64) -> usize {
        let weights: Vec<f64> = self.distribution.iter().map(|(_, w)| *w).collect();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        pick(&weights, &mut rng)
    }

    /// Repeats the whole lottery on this record with another seed and returns the panel drawn
    /// (ids in pool order): the shape as [`Selection::redraw`], then each group's seats filled
    /// uniformly at random among its members.
    ///
    /// `select` draws with exactly this procedure, so `redraw_panel(seed)` on a record gives
    /// back its `panel`.
    pub fn redraw_panel(&self, seed: u64) -> Vec<String> {
        let index: HashMap<&str, usize> = self
            .probabilities
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.as_str(), i))
            .collect();
        let to_idx = |ids: &[String]| -> Vec<usize> {
            ids.iter()
                .filter_map(|id| index.get(id.as_str()).copied())
                .collect()
        };
        let weights: Vec<f64> = self.distribution.iter().map(|(_, w)| *w).collect();
        let groups: Vec<Vec<usize>> = self.interchangeable.iter().map(|g| to_idx(g)).collect();
        let (_, panel) = lottery(&weights, |j| to_idx(&self.distribution[j].0), &groups, seed);
        panel
            .into_iter()
            .map(|i| self.probabilities[i].0.clone())
            .collect()
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
    let groups: Vec<Vec<usize>> = dist.units.iter().filter(|m| m.len() > 1).cloned().collect();
    let (drawn, panel) = lottery(&dist.weights, |j| dist.canonical(j), &groups, seed);
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
    for &i in &panel {
        for &c in &inst.agent_cats[i] {
            counts[c] += 1;
        }
    }
    Selection {
        panel: ids(&panel),
        probabilities,
        min_probability,
        never_selectable,
        algorithm,
        seed,
        pool_hash: pool.hash(),
        quotas: inst.quotas.clone(),
        size: inst.k,
        distribution: (0..dist.shapes.len())
            .map(|j| (ids(&dist.canonical(j)), dist.weights[j]))
            .collect(),
        interchangeable: groups.iter().map(|g| ids(g)).collect(),
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

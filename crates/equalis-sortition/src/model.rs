//! The inputs of a selection, validated once on construction: volunteers, quotas, panel size.
//!
//! `Instance` is the compiled form every algorithm works on: volunteers become indices,
//! feature values become quota-category indices and households become index groups, so the
//! solvers never touch strings.

use std::collections::{HashMap, HashSet};

use crate::error::SortitionError;

/// One person who registered interest in serving on the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volunteer {
    /// Unique identifier (`volunteer_id`).
    pub id: String,
    /// Household identifier; `None` means a household of one.
    pub household: Option<String>,
    /// One value per pool feature, in the order of [`Pool::features`].
    pub values: Vec<String>,
}

/// The volunteers together with the names of the features they were asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    features: Vec<String>,
    volunteers: Vec<Volunteer>,
}

impl Pool {
    /// Validates and builds a pool: identifiers unique and non-empty, one value per feature.
    pub fn new(features: Vec<String>, volunteers: Vec<Volunteer>) -> Result<Self, SortitionError> {
        let mut seen = HashSet::new();
        for (i, v) in volunteers.iter().enumerate() {
            if v.id.is_empty() {
                return Err(SortitionError::EmptyVolunteerId { index: i + 1 });
            }
            if !seen.insert(v.id.as_str()) {
                return Err(SortitionError::DuplicateVolunteer { id: v.id.clone() });
            }
            if v.values.len() != features.len() {
                return Err(SortitionError::WrongValueCount {
                    id: v.id.clone(),
                    expected: features.len(),
                    found: v.values.len(),
                });
            }
        }
        Ok(Pool {
            features,
            volunteers,
        })
    }

    /// Feature names, in column order.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// The volunteers, in input order.
    pub fn volunteers(&self) -> &[Volunteer] {
        &self.volunteers
    }

    /// A BLAKE3 hash of the pool's content (features, then every volunteer in order), hex-encoded.
    ///
    /// Recorded with every draw so an auditor can confirm the draw was made on this pool.
    /// Fields are length-prefixed so no two different pools serialise to the same bytes.
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        let mut put = |s: &str| {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        for f in &self.features {
            put(f);
        }
        for v in &self.volunteers {
            put(&v.id);
            put(v.household.as_deref().unwrap_or(""));
            for x in &v.values {
                put(x);
            }
        }
        h.finalize().to_hex().to_string()
    }
}

/// Minimum and maximum panel members with one value of one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// Feature name (a pool column).
    pub feature: String,
    /// Value matched exactly against volunteers' values.
    pub value: String,
    /// Fewest panel members with this value.
    pub min: u32,
    /// Most panel members with this value.
    pub max: u32,
}

/// A validated set of quotas: no duplicates, every minimum at most its maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotas(Vec<Quota>);

impl Quotas {
    /// Validates and builds the quotas.
    pub fn new(quotas: Vec<Quota>) -> Result<Self, SortitionError> {
        let mut seen = HashSet::new();
        for q in &quotas {
            if q.min > q.max {
                return Err(SortitionError::QuotaMinAboveMax {
                    feature: q.feature.clone(),
                    value: q.value.clone(),
                    min: q.min,
                    max: q.max,
                });
            }
            if !seen.insert((q.feature.as_str(), q.value.as_str())) {
                return Err(SortitionError::DuplicateQuota {
                    feature: q.feature.clone(),
                    value: q.value.clone(),
                });
            }
        }
        Ok(Quotas(quotas))
    }

    /// The quotas, in input order.
    pub fn as_slice(&self) -> &[Quota] {
        &self.0
    }
}

/// A panel up to interchangeable volunteers: `(unit, count)` pairs for the units with a
/// positive count, ascending by unit (see `Instance::units`).
pub(crate) type Shape = Vec<(usize, u32)>;

/// The compiled problem: agents `0..n`, quota categories `0..quotas.len()`.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// Panel size.
    pub k: u32,
    /// Number of volunteers.
    pub n: usize,
    /// The quotas, indexed like categories.
    pub quotas: Vec<Quota>,
    /// Distinct quota features in order of first appearance; `features[f]` lists its categories.
    pub features: Vec<(String, Vec<usize>)>,
    /// For each agent, its category under each quota feature (aligned with `features`).
    pub agent_cats: Vec<Vec<usize>>,
    /// For each category, its agents.
    pub cat_members: Vec<Vec<usize>>,
    /// Households with two or more agents (singletons need no constraint).
    pub households: Vec<Vec<usize>>,
    /// For each agent, the index of its household in `household_of` order (all households).
    pub household_id: Vec<usize>,
    /// Number of households, singletons included.
    pub n_households: usize,
    /// The units the fair algorithms work on, ordered by first member (members in pool
    /// order): agents alone in their household grouped by identical categories (a *type*),
    /// and every agent who shares a household as a unit of one (the household rule tells
    /// them apart). Within a unit, agents are interchangeable for
    /// every quota and household rule, so a panel is described by how many of each unit it
    /// holds (its *shape*); see `fair`.
    pub units: Vec<Vec<usize>>,
    /// For each agent, the index of its unit.
    pub unit_of: Vec<usize>,
}

impl Instance {
    /// Compiles a pool and quotas; fails on unknown features or values.
    pub fn compile(pool: &Pool, quotas: &Quotas, k: u32) -> Result<Self, SortitionError> {
        if k == 0 {
            return Err(SortitionError::ZeroPanelSize);
        }
        let quotas = quotas.as_slice().to_vec();
        let mut features: Vec<(String, Vec<usize>)> = Vec::new();
        for (c, q) in quotas.iter().enumerate() {
            match features.iter_mut().find(|(f, _)| *f == q.feature) {
                Some((_, cats)) => cats.push(c),
                None => features.push((q.feature.clone(), vec![c])),
            }
        }
        let mut columns = Vec::with_capacity(features.len());
        for (f, _) in &features {
            let col = pool.features().iter().position(|p| p == f).ok_or_else(|| {
                SortitionError::QuotaFeatureNotInPool {
                    feature: f.clone(),
                    available: pool.features().join(", "),
                }
            })?;
            columns.push(col);
        }
        let n = pool.volunteers().len();
        let mut agent_cats = Vec::with_capacity(n);
        let mut cat_members = vec![Vec::new(); quotas.len()];
        for (i, v) in pool.volunteers().iter().enumerate() {
            let mut cats = Vec::with_capacity(features.len());
            for ((fname, fcats), &col) in features.iter().zip(&columns) {
                let value = &v.values[col];
                let c = fcats
                    .iter()
                    .copied()
                    .find(|&c| quotas[c].value == *value)
                    .ok_or_else(|| SortitionError::UnknownValue {
                        volunteer: v.id.clone(),
                        feature: fname.clone(),
                        value: value.clone(),
                        known: fcats
                            .iter()
                            .map(|&c| quotas[c].value.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?;
                cats.push(c);
                cat_members[c].push(i);
            }
            agent_cats.push(cats);
        }
        // Households keyed by their text; a missing or empty household is a household of one.
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut household_id = Vec::with_capacity(n);
        for (i, v) in pool.volunteers().iter().enumerate() {
            let h = match v.household.as_deref().filter(|h| !h.is_empty()) {
                Some(key) => *by_key.entry(key).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                }),
                None => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            };
            groups[h].push(i);
            household_id.push(h);
        }
        let n_households = groups.len();
        let households: Vec<Vec<usize>> = groups.into_iter().filter(|g| g.len() > 1).collect();
        let sharers: Vec<usize> = households.iter().flatten().copied().collect();
        let shared: HashSet<usize> = sharers.iter().copied().collect();
        let mut by_cats: HashMap<&[usize], usize> = HashMap::new();
        let mut types: Vec<Vec<usize>> = Vec::new();
        for (i, cats) in agent_cats.iter().enumerate() {
            if shared.contains(&i) {
                continue;
            }
            let t = *by_cats.entry(cats.as_slice()).or_insert_with(|| {
                types.push(Vec::new());
                types.len() - 1
            });
            types[t].push(i);
        }
        let mut units: Vec<Vec<usize>> = types
            .iter()
            .cloned()
            .chain(sharers.iter().map(|&i| vec![i]))
            .collect();
        units.sort_unstable_by_key(|u| u[0]);
        let mut unit_of = vec![0; n];
        for (u, members) in units.iter().enumerate() {
            for &i in members {
                unit_of[i] = u;
            }
        }
        Ok(Instance {
            k,
            n,
            quotas,
            features,
            agent_cats,
            cat_members,
            households,
            household_id,
            n_households,
            units,
            unit_of,
        })
    }

    /// Number of distinct households among the given agents: the most of them one panel can hold.
    pub fn households_among(&self, agents: &[usize]) -> u32 {
        let set: HashSet<usize> = agents.iter().map(|&i| self.household_id[i]).collect();
        set.len() as u32
    }

    /// The same problem with every agent a unit of its own: the column generation then runs
    /// over literal panels, as before aggregation, for tests to compare against.
    #[cfg(test)]
    pub fn without_aggregation(&self) -> Instance {
        Instance {
            units: (0..self.n).map(|i| vec![i]).collect(),
            unit_of: (0..self.n).collect(),
            ..self.clone()
        }
    }

    /// The canonical panel of a shape: the first `count` members (pool order) of each unit,
    /// sorted ascending.
    pub fn canonical(&self, shape: &[(usize, u32)]) -> Vec<usize> {
        let mut panel: Vec<usize> = shape
            .iter()
            .flat_map(|&(u, c)| self.units[u][..c as usize].iter().copied())
            .collect();
        panel.sort_unstable();
        panel
    }

    /// Whether a panel meets every quota, has size `k` and at most one member per household.
    pub fn is_valid_panel(&self, panel: &[usize]) -> bool {
        if panel.len() != self.k as usize {
            return false;
        }
        let mut counts = vec![0u32; self.quotas.len()];
        let mut homes = HashSet::new();
        for &i in panel {
            if i >= self.n || !homes.insert(self.household_id[i]) {
                return false;
            }
            for &c in &self.agent_cats[i] {
                counts[c] += 1;
            }
        }
        counts
            .iter()
            .zip(&self.quotas)
            .all(|(&n, q)| n >= q.min && n <= q.max)
    }
}

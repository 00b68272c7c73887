//! Who is heard in the Citizens' Panel's pool of volunteers: the same table as an engagement
//! project's (`equalis_engage::who_is_heard`: each group's share of the volunteers against its
//! share of the footprint's residents, the representation ratio with Wilson 95% limits, small
//! numbers controlled by `equalis-disclosure`, and the under-heard groups), for every feature of
//! the stored `volunteers` dataset. It says which groups volunteer less than their share, which
//! the fair lottery then makes up for by giving their members a higher chance.
//!
//! A volunteer with an empty value for a feature counts as "not stated" for it. Residents come
//! from the same reference figures as the panel page: age bands as the pool's own bands, places
//! at the level the pool names; features with no shipped population (disability) are counted
//! and not compared.

use anyhow::Context;
use equalis_disclosure::Nhsd2018;
use equalis_engage::heard::{CharacteristicCounts, Population, WhoIsHeard};
use equalis_workspace::Workspace;

use super::page::{feature_label, load, population_with_source};

/// Who is heard in a pool, and against whom.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolHeard {
    /// The name of the footprint's ICB (the workspace's), when one is known.
    pub icb_name: Option<String>,
    /// The published table.
    pub heard: WhoIsHeard,
}

/// Who is heard in the stored pool against the residents of the ICB `icb` (an ODS or ONS code),
/// or without it the ICB of the workspace's population (when it has one), or `None` when the
/// workspace has no `volunteers` or `quotas`.
pub fn pool_heard(ws: &Workspace, icb: Option<&str>) -> crate::Result<Option<PoolHeard>> {
    let icb = crate::workforce::choose_icb(ws, icb)?;
    let heard = pool_heard_any(ws, icb.as_deref()).map_err(crate::Error::from)?;
    Ok(heard.map(|heard| PoolHeard {
        icb_name: icb
            .as_deref()
            .and_then(|c| equalis_refdata::RefData::get().icb(c))
            .map(|i| i.name.clone()),
        heard,
    }))
}

/// Who is heard in the stored pool against the residents of `icb`.
fn pool_heard_any(ws: &Workspace, icb: Option<&str>) -> anyhow::Result<Option<WhoIsHeard>> {
    if ws.current("volunteers")?.is_none() || ws.current("quotas")?.is_none() {
        return Ok(None);
    }
    let (pool, _) = load(ws).context("reading the stored volunteers")?;
    let n = pool.volunteers().len() as u64;
    let counts: Vec<CharacteristicCounts> = pool
        .features()
        .iter()
        .enumerate()
        .map(|(k, feature)| {
            let mut groups: Vec<(String, u64)> = Vec::new();
            let mut not_stated = 0;
            for v in pool.volunteers() {
                let value = v.values[k].trim();
                if value.is_empty() {
                    not_stated += 1;
                } else if let Some(g) = groups.iter_mut().find(|(g, _)| g == value) {
                    g.1 += 1;
                } else {
                    groups.push((value.to_owned(), 1));
                }
            }
            let values: Vec<String> = groups.iter().map(|(g, _)| g.clone()).collect();
            let population = icb
                .and_then(|icb| population_with_source(icb, feature, &values))
                .map(|(groups, source)| Population { groups, source });
            let mut label = feature_label(feature);
            if let Some(first) = label.get(..1) {
                label = first.to_uppercase() + &label[1..];
            }
            CharacteristicCounts {
                key: feature.clone(),
                label,
                groups,
                not_stated,
                population,
            }
        })
        .collect();
    Ok(Some(equalis_engage::who_is_heard(
        &Nhsd2018::default(),
        n,
        &counts,
    )))
}

//! Citizens' Panel volunteers and the quotas for a panel drawn from them.
//!
//! Volunteers come from the synthetic population, skewed the way self-selected pools
//! are (Sortition Foundation experience; Involve): older, White and less deprived people
//! register more often. Some volunteers share a household, so the household rule of the
//! lottery has something to do. Quotas are set from the adult population itself, so a
//! fair lottery must correct the skew.

use equalis_refdata::PanelFeature;
use equalis_vocab::EthnicGroup;

use crate::ics::Ics;
use crate::out::Csv;
use crate::population::{Person, Population, flag, quintile};
use crate::rng::stream;
use crate::{PANEL_SIZE, SynthError};

/// `volunteers.csv` header: the panel features named as `equalis panel quotas` names them.
pub const VOLUNTEERS_HEADER: [&str; 8] = [
    "volunteer_id",
    "household_id",
    PanelFeature::Sex.name(),
    PanelFeature::AgeBand.name(),
    PanelFeature::EthnicGroup.name(),
    PanelFeature::ImdQuintile.name(),
    PanelFeature::Disability.name(),
    PanelFeature::Place.name(),
];
/// `quotas.csv` header.
pub const QUOTAS_HEADER: [&str; 4] = ["feature", "value", "min", "max"];

/// Relative chance of volunteering for an age: the over-65s volunteer about 2.5 times as
/// often as 16–29s.
fn age_weight(age: u8) -> f64 {
    match age {
        0..=15 => 0.0,
        16..=29 => 0.5,
        30..=44 => 0.8,
        45..=64 => 1.1,
        _ => 1.3,
    }
}

fn age_band(age: u8) -> &'static str {
    match age {
        0..=29 => "16-29",
        30..=44 => "30-44",
        45..=64 => "45-64",
        _ => "65+",
    }
}

fn sex_label(p: &Person) -> &'static str {
    if p.sex == 1 { "Male" } else { "Female" }
}

fn ethnicity_label(p: &Person) -> &'static str {
    p.eth_true.group().label()
}

/// The feature values of a person, in quota order (the order of [`PanelFeature::ALL`]). The
/// values are those of the footprint population (`equalis_refdata::Feature`), so quotas from
/// `equalis panel quotas` fit: places are local authority districts.
fn features(ics: &Ics, p: &Person) -> [(&'static str, String); 6] {
    [
        (PanelFeature::Sex.name(), sex_label(p).to_owned()),
        (PanelFeature::AgeBand.name(), age_band(p.age).to_owned()),
        (
            PanelFeature::EthnicGroup.name(),
            ethnicity_label(p).to_owned(),
        ),
        (
            PanelFeature::ImdQuintile.name(),
            quintile(ics, p).to_string(),
        ),
        (
            PanelFeature::Disability.name(),
            if p.has(flag::DISABLED) { "Yes" } else { "No" }.to_owned(),
        ),
        (
            PanelFeature::Place.name(),
            ics.places[ics.areas[p.area as usize].place as usize].clone(),
        ),
    ]
}

/// Writes the volunteers and the quotas. Returns nothing; row counts come from the files.
pub fn write(
    ics: &Ics,
    pop: &Population,
    seed: u64,
    vol: Option<&mut Csv>,
    quotas: Option<&mut Csv>,
) -> Result<(), SynthError> {
    let adults: Vec<u32> = (0..pop.people.len() as u32)
        .filter(|&i| pop.people[i as usize].age >= 16)
        .collect();
    if let Some(o) = vol {
        // Pool: about 0.2% of the population register interest after an invitation
        // mailing, never fewer than 150.
        let n = ((pop.people.len() as f64 * 0.002).round() as usize).max(150);
        let mut r = stream(seed, "volunteers", 0);
        let weights: Vec<f64> = adults
            .iter()
            .map(|&i| {
                let p = &pop.people[i as usize];
                let white = if p.eth_true.group() == EthnicGroup::White {
                    1.5
                } else {
                    1.0
                };
                let dep = [0.6, 0.8, 1.0, 1.3, 1.8][quintile(ics, p) - 1];
                age_weight(p.age) * white * dep
            })
            .collect();
        // Cumulative weights for drawing by binary search.
        let mut cum = Vec::with_capacity(weights.len());
        let mut t = 0.0;
        for w in &weights {
            t += w;
            cum.push(t);
        }
        let mut chosen = std::collections::BTreeSet::new();
        let mut order = Vec::new();
        let mut tries = 0;
        while order.len() < n && !adults.is_empty() && tries < n * 20 {
            tries += 1;
            let x = r.f64() * t;
            let k = cum.partition_point(|&c| c <= x).min(adults.len() - 1);
            let i = adults[k];
            if !chosen.insert(i) {
                continue;
            }
            order.push(i);
            // About one volunteer in eight brings another adult from their household.
            if r.chance(0.12) {
                let p = &pop.people[i as usize];
                let a = p.area as usize;
                let mate = (pop.area_start[a]..pop.area_start[a + 1]).find(|&j| {
                    j as u32 != i
                        && pop.people[j].household == p.household
                        && pop.people[j].age >= 16
                        && !chosen.contains(&(j as u32))
                });
                if let Some(j) = mate {
                    chosen.insert(j as u32);
                    order.push(j as u32);
                }
            }
        }
        for (k, &i) in order.iter().enumerate() {
            let p = &pop.people[i as usize];
            o.id("VOL", k as u64 + 1, 6);
            o.id("HH", u64::from(p.household), 9);
            for (_, v) in features(ics, p) {
                o.text(&v);
            }
            o.end()?;
        }
    }
    if let Some(o) = quotas {
        // Quotas: each value's share of adults × panel size, ± max(1, 15%).
        let mut counts: Vec<(&'static str, Vec<(String, usize)>)> = Vec::new();
        for &i in &adults {
            for (f, v) in features(ics, &pop.people[i as usize]) {
                let pos = match counts.iter().position(|(n, _)| *n == f) {
                    Some(p) => p,
                    None => {
                        counts.push((f, Vec::new()));
                        counts.len() - 1
                    }
                };
                let values = &mut counts[pos].1;
                match values.iter_mut().find(|(x, _)| *x == v) {
                    Some((_, c)) => *c += 1,
                    None => values.push((v, 1)),
                }
            }
        }
        let total = adults.len().max(1) as f64;
        for (feature, mut values) in counts {
            values.sort();
            for (v, c) in values {
                let target = c as f64 / total * PANEL_SIZE as f64;
                let slack = (target * 0.15).max(1.0);
                o.s(feature);
                o.text(&v);
                o.int((target - slack).floor().max(0.0) as u64);
                o.int((target + slack).ceil() as u64);
                o.end()?;
            }
        }
    }
    Ok(())
}

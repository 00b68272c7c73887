//! From an LSOA code of either vintage to everything derived from it.
//!
//! Most codes are the same area in 2011 and 2021. A code that exists only in 2011 (its
//! area was split or redrawn in 2021) is bridged to its best-fit 2021 LSOA: the child with
//! the most Census 2021 residents. A code that exists only in 2021 (made by a merge or a
//! split) is bridged to its best-fit 2011 parent: the one with the largest mid-2020
//! population. Bridging is recorded in [`LsoaFacts::bridged`] so it can be counted.

use equalis_vocab::{Imd, IodEdition, LsoaCode, LsoaVintage};

use crate::RefData;

/// What equalis derives from a person's LSOA.
#[derive(Debug, Clone)]
pub struct LsoaFacts {
    /// The vintage of the code as given.
    pub vintage: LsoaVintage,
    /// The 2021 LSOA (the code itself, or its best fit).
    pub lsoa21: LsoaCode,
    /// Deprivation in the requested edition.
    pub imd: Imd,
    /// True when the IMD came from a best-fit LSOA of the other vintage.
    pub bridged: bool,
    /// Local authority district (2024) code.
    pub la_code: String,
    /// Local authority district (2024) name.
    pub la_name: String,
    /// Sub-ICB location ODS code (the ICS "place").
    pub sub_icb_code: String,
    /// Sub-ICB location name.
    pub sub_icb_name: String,
    /// ICB ODS code.
    pub icb_code: String,
}

/// Why an LSOA could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The code is in neither the 2011 nor the 2021 lookup.
    #[error("LSOA code is in neither the 2011 nor the 2021 ONS lookup for England")]
    UnknownLsoa,
}

pub(crate) fn build(
    data: &RefData,
    edition: IodEdition,
) -> rustc_hash::FxHashMap<LsoaCode, LsoaFacts> {
    let geo = data.geo2021();
    let codes11 = data.lsoa11_codes();
    let map11 = data.lsoa11_to_21();
    let eth = data.ethnicity2021();
    // Needed only to bridge 2021 codes to IoD 2019; loading it is a third of this build.
    let pop = std::cell::OnceCell::new();
    let imd = data.imd_table(edition);

    let residents21 = |c: &LsoaCode| eth.get(c).map_or(0, |e| e.total);
    let population11 = |c: &LsoaCode| {
        pop.get_or_init(|| data.population_2020_syoa())
            .get(c)
            .map_or(0, |a| a.iter().sum::<u32>())
    };
    // Ties broken by code so the choice never depends on hash order.
    let best_child = |c11: &LsoaCode| {
        map11
            .get(c11)?
            .iter()
            .map(|(k, _)| *k)
            .max_by_key(|k| (residents21(k), std::cmp::Reverse(*k)))
    };
    let best_parent = |c21: &LsoaCode| {
        data.lsoa21_parents(*c21)
            .iter()
            .copied()
            .max_by_key(|p| (population11(p), std::cmp::Reverse(*p)))
    };

    let mut out = rustc_hash::FxHashMap::default();
    out.reserve(geo.len() + 2_000);
    let all_codes = geo
        .keys()
        .chain(codes11.keys().filter(|c| !geo.contains_key(c)));
    for &code in all_codes {
        let vintage = if geo.contains_key(&code) {
            LsoaVintage::Lsoa2021
        } else {
            LsoaVintage::Lsoa2011
        };
        let lsoa21 = match vintage {
            LsoaVintage::Lsoa2021 => Some(code),
            LsoaVintage::Lsoa2011 => best_child(&code),
        };
        let Some(lsoa21) = lsoa21 else { continue };
        let imd_lsoa = match edition.vintage() {
            LsoaVintage::Lsoa2021 => Some(lsoa21),
            LsoaVintage::Lsoa2011 if codes11.contains_key(&code) => Some(code),
            LsoaVintage::Lsoa2011 => best_parent(&code),
        };
        let (Some(imd_lsoa), Some(g)) = (imd_lsoa, geo.get(&lsoa21)) else {
            continue;
        };
        let Some(&imd) = imd.get(&imd_lsoa) else {
            continue;
        };
        out.insert(
            code,
            LsoaFacts {
                vintage,
                lsoa21,
                imd,
                bridged: imd_lsoa != code,
                la_code: g.la_code.clone(),
                la_name: g.la_name.clone(),
                sub_icb_code: g.sub_icb_code.clone(),
                sub_icb_name: g.sub_icb_name.clone(),
                icb_code: g.icb_code.clone(),
            },
        );
    }
    out
}

//! The reference data equalis ships: English Indices of Deprivation 2019 and 2025, the
//! European Standard Population 2013, ONS LSOA lookups to local authority, sub-ICB location
//! and ICB (2011 and 2021 boundaries), the LSOA 2011↔2021 lookup, ONS mid-2020 LSOA
//! population by age, Census 2021 ethnicity, and where postcodes are (the ONS Postcode
//! Lookup: every postcode of the LE area, and every UK postcode sector's centre), and the LSOA
//! 2021 of every LE postcode. Provenance and licences are in
//! `data/PROVENANCE.md` (Open Government Licence v3.0: "Contains public sector information
//! licensed under the Open Government Licence v3.0").
//!
//! The files are gzip-compressed CSV compiled into the binary, so an installed `equalis`
//! needs nothing beside it. Each table is parsed on first use and kept for the life of the
//! process ([`RefData::get`]); nothing parses twice.
//!
//! The one question ingest asks per row, "what do we know about this LSOA?", is answered
//! by [`RefData::resolve`] with a single hash lookup in a table prepared per IoD edition.

#![deny(missing_docs)]

mod footprint;
mod load;
mod postcode;
mod resolve;

use std::collections::HashMap;
use std::sync::OnceLock;

use equalis_vocab::{Imd, IodEdition, LsoaCode};

pub use footprint::{Counts, Feature, PanelFeature, PlaceLevel, SEX_CENSUS_2021, age_band_label};
pub use postcode::{
    FULL_POSTCODE_AREAS, PostcodeError, PostcodeLocation, PostcodeLsoaError, PostcodePrecision,
    PostcodeQuery,
};
pub use resolve::{LsoaFacts, ResolveError};

/// Where an LSOA 2021 sits in NHS and local government geography (April 2024).
#[derive(Debug, Clone)]
pub struct Geo2021 {
    /// LSOA 2021 code.
    pub lsoa21: LsoaCode,
    /// LSOA 2021 name.
    pub lsoa21_name: String,
    /// Sub-ICB location ODS code (e.g. `04C`): the "place" in most ICSs.
    pub sub_icb_code: String,
    /// Sub-ICB location name.
    pub sub_icb_name: String,
    /// ICB ODS code (e.g. `QK1`).
    pub icb_code: String,
    /// ICB ONS code (E54…).
    pub icb_ons_code: String,
    /// ICB name.
    pub icb_name: String,
    /// Local authority district (2024) ONS code.
    pub la_code: String,
    /// Local authority district (2024) name.
    pub la_name: String,
}

/// One of the 42 ICBs (2024).
#[derive(Debug, Clone)]
pub struct Icb {
    /// ONS code (E54…).
    pub ons_code: String,
    /// ODS code (e.g. `QK1`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Number of LSOA 2021 in its footprint.
    pub n_lsoa21: usize,
}

/// A change recorded in the ONS LSOA 2011 → 2021 lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LsoaChange {
    /// U: unchanged.
    Unchanged,
    /// S: the 2011 LSOA was split into several 2021 LSOAs.
    Split,
    /// M: several 2011 LSOAs were merged into one 2021 LSOA.
    Merged,
    /// X: a complex redrawing.
    Complex,
}

/// Census 2021 (TS021) usual residents of an LSOA 2021 by the 5 high-level ethnic groups,
/// in [`equalis_vocab::Census2021Group::ALL`] order.
#[derive(Debug, Clone, Copy)]
pub struct Ethnicity2021 {
    /// All usual residents.
    pub total: u32,
    /// Asian, Black, Mixed, Other, White.
    pub groups: [u32; 5],
}

/// Census 2021 residents of a local authority district (2021) by the 19 detailed ethnic
/// groups.
#[derive(Debug, Clone)]
pub struct LadEthnicity {
    /// LAD 2021 code.
    pub code: String,
    /// LAD 2021 name.
    pub name: String,
    /// `(ONS group label, residents)` for the 19 groups.
    pub groups: Vec<(String, u32)>,
}

/// All reference tables, parsed lazily.
pub struct RefData {
    esp2013: OnceLock<[u32; 19]>,
    iod2019: OnceLock<HashMap<LsoaCode, Imd>>,
    iod2025: OnceLock<HashMap<LsoaCode, Imd>>,
    geo2021: OnceLock<HashMap<LsoaCode, Geo2021>>,
    lsoa11_codes: OnceLock<HashMap<LsoaCode, String>>,
    lsoa11_to_21: OnceLock<HashMap<LsoaCode, Vec<(LsoaCode, LsoaChange)>>>,
    lsoa21_to_11: OnceLock<HashMap<LsoaCode, Vec<LsoaCode>>>,
    pop2020_syoa: OnceLock<HashMap<LsoaCode, [u32; 91]>>,
    ethnicity2021: OnceLock<HashMap<LsoaCode, Ethnicity2021>>,
    ethnicity_lad21: OnceLock<Vec<LadEthnicity>>,
    icbs: OnceLock<Vec<Icb>>,
    postcodes: OnceLock<postcode::Postcodes>,
    postcode_lsoa21: OnceLock<HashMap<String, LsoaCode>>,
    resolved: [OnceLock<rustc_hash::FxHashMap<LsoaCode, LsoaFacts>>; 2],
}

impl RefData {
    /// The process-wide reference data.
    pub fn get() -> &'static RefData {
        static DATA: OnceLock<RefData> = OnceLock::new();
        DATA.get_or_init(|| RefData {
            esp2013: OnceLock::new(),
            iod2019: OnceLock::new(),
            iod2025: OnceLock::new(),
            geo2021: OnceLock::new(),
            lsoa11_codes: OnceLock::new(),
            lsoa11_to_21: OnceLock::new(),
            lsoa21_to_11: OnceLock::new(),
            pop2020_syoa: OnceLock::new(),
            ethnicity2021: OnceLock::new(),
            ethnicity_lad21: OnceLock::new(),
            icbs: OnceLock::new(),
            postcodes: OnceLock::new(),
            postcode_lsoa21: OnceLock::new(),
            resolved: [OnceLock::new(), OnceLock::new()],
        })
    }

    /// The European Standard Population 2013 in the 19 OHID bands (0-4, …, 85-89, 90+),
    /// summing to 100,000.
    pub fn esp2013(&self) -> &[u32; 19] {
        self.esp2013.get_or_init(load::esp2013)
    }

    /// IMD of every LSOA in the given edition (IoD 2019 on 2011 LSOAs, IoD 2025 on 2021).
    pub fn imd_table(&self, edition: IodEdition) -> &HashMap<LsoaCode, Imd> {
        match edition {
            IodEdition::Iod2019 => self.iod2019.get_or_init(|| load::iod(IodEdition::Iod2019)),
            IodEdition::Iod2025 => self.iod2025.get_or_init(|| load::iod(IodEdition::Iod2025)),
        }
    }

    /// NHS and local authority geography of every English LSOA 2021 (April 2024 lookup).
    pub fn geo2021(&self) -> &HashMap<LsoaCode, Geo2021> {
        self.geo2021.get_or_init(load::geo2021)
    }

    /// Every English LSOA 2011 code with its name.
    pub fn lsoa11_codes(&self) -> &HashMap<LsoaCode, String> {
        self.lsoa11_codes.get_or_init(load::lsoa11_codes)
    }

    /// The ONS LSOA 2011 → 2021 lookup (England rows): each 2011 LSOA with its 2021
    /// LSOA(s) and the change code.
    pub fn lsoa11_to_21(&self) -> &HashMap<LsoaCode, Vec<(LsoaCode, LsoaChange)>> {
        self.lsoa11_to_21.get_or_init(load::lsoa11_to_21)
    }

    /// ONS mid-2020 population by single year of age (0, 1, …, 89, 90+) per LSOA 2011.
    pub fn population_2020_syoa(&self) -> &HashMap<LsoaCode, [u32; 91]> {
        self.pop2020_syoa.get_or_init(load::pop2020_syoa)
    }

    /// Census 2021 ethnicity (5 groups) per LSOA 2021.
    pub fn ethnicity2021(&self) -> &HashMap<LsoaCode, Ethnicity2021> {
        self.ethnicity2021.get_or_init(load::ethnicity2021)
    }

    /// Census 2021 detailed ethnicity (19 groups) per local authority 2021.
    pub fn ethnicity_lad21_detailed(&self) -> &[LadEthnicity] {
        self.ethnicity_lad21.get_or_init(load::ethnicity_lad21)
    }

    /// Where a postcode (`LE1 1AA`), sector (`LE1 1`) or district (`LE1`) is, from the
    /// ONS Postcode Lookup: the postcode's own point where equalis ships every postcode of
    /// its area ([`FULL_POSTCODE_AREAS`]), else its sector's or district's centre, with the
    /// precision said. A malformed or unknown postcode is an error that says what to type.
    pub fn locate_postcode(&self, input: &str) -> Result<PostcodeLocation, PostcodeError> {
        let query = PostcodeQuery::parse(input)?;
        self.postcodes.get_or_init(load::postcodes).locate(query)
    }

    /// Every postcode shipped with its own point (those of [`FULL_POSTCODE_AREAS`]), as
    /// `(postcode, latitude, longitude)`, sorted by postcode: the real addresses the
    /// synthetic directory of services places its locations at.
    pub fn full_postcodes(&self) -> Vec<(&str, f64, f64)> {
        let mut v: Vec<(&str, f64, f64)> = self
            .postcodes
            .get_or_init(load::postcodes)
            .full
            .iter()
            .map(|(k, &(lat, long))| (k.as_str(), lat, long))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// The LSOA 2021 of a full postcode of [`FULL_POSTCODE_AREAS`], from the lookup derived in
    /// `PROVENANCE.md` section 6 (ONS best-fit postcode → LSOA 2011, carried to 2021; split
    /// LSOAs by point in polygon). The postcode is normalised first (`le11aa` → `LE1 1AA`). A
    /// district or sector is refused (it spans many LSOAs), and so is a postcode the lookup
    /// does not hold (outside the LE area, or new and not placed).
    pub fn postcode_lsoa21(&self, input: &str) -> Result<LsoaCode, PostcodeLsoaError> {
        let query = PostcodeQuery::parse(input).map_err(|_| PostcodeLsoaError::Malformed {
            input: input.trim().to_owned(),
        })?;
        let PostcodeQuery::Full(pc) = query else {
            return Err(PostcodeLsoaError::Partial {
                input: query.as_str().to_owned(),
            });
        };
        self.postcode_lsoa21_table()
            .get(&pc)
            .copied()
            .ok_or(PostcodeLsoaError::NotCovered { postcode: pc })
    }

    /// Every postcode the postcode → LSOA 2021 lookup holds, with its LSOA.
    pub fn postcode_lsoa21_table(&self) -> &HashMap<String, LsoaCode> {
        self.postcode_lsoa21.get_or_init(load::postcode_lsoa21)
    }

    /// The 42 ICBs (2024).
    pub fn icbs(&self) -> &[Icb] {
        self.icbs.get_or_init(load::icbs)
    }

    /// The ICB with this ODS (`QK1`) or ONS (`E54000015`) code.
    pub fn icb(&self, code: &str) -> Option<&Icb> {
        self.icbs()
            .iter()
            .find(|i| i.code.eq_ignore_ascii_case(code) || i.ons_code.eq_ignore_ascii_case(code))
    }

    /// The LSOA 2021 in an ICB's footprint, sorted by code.
    pub fn lsoas_in_icb(&self, icb_code: &str) -> Vec<&Geo2021> {
        let Some(icb) = self.icb(icb_code) else {
            return Vec::new();
        };
        let mut v: Vec<&Geo2021> = self
            .geo2021()
            .values()
            .filter(|g| g.icb_code == icb.code)
            .collect();
        v.sort_by_key(|g| g.lsoa21);
        v
    }

    /// Estimated mid-2020 population of an LSOA 2021 by single year of age (0, …, 89, 90+).
    ///
    /// The ONS estimates are on 2011 boundaries. An unchanged LSOA takes its own row; a
    /// 2021 LSOA made by merging 2011 LSOAs takes their sum; a 2021 LSOA split from a 2011
    /// LSOA takes the parent's ages scaled by its share of the parent's Census 2021
    /// residents. The result is fractional for split areas.
    pub fn population_lsoa21_syoa(&self, lsoa21: LsoaCode) -> Option<[f64; 91]> {
        let parents = self.lsoa21_parents(lsoa21);
        if parents.is_empty() {
            return None;
        }
        let pop = self.population_2020_syoa();
        let eth = self.ethnicity2021();
        let mut out = [0.0; 91];
        let mut found = false;
        for parent in parents {
            let Some(ages) = pop.get(parent) else {
                continue;
            };
            found = true;
            // Share of the parent's 2021 residents living in this 2021 LSOA.
            let children = &self.lsoa11_to_21()[parent];
            let share = if children.len() <= 1 {
                1.0
            } else {
                let residents = |c: &LsoaCode| eth.get(c).map_or(0.0, |e| f64::from(e.total));
                let total: f64 = children.iter().map(|(c, _)| residents(c)).sum();
                if total > 0.0 {
                    residents(&lsoa21) / total
                } else {
                    1.0 / children.len() as f64
                }
            };
            for (o, &a) in out.iter_mut().zip(ages.iter()) {
                *o += f64::from(a) * share;
            }
        }
        found.then_some(out)
    }

    /// The 2011 LSOAs that a 2021 LSOA was made from.
    pub fn lsoa21_parents(&self, lsoa21: LsoaCode) -> &[LsoaCode] {
        self.lsoa21_to_11
            .get_or_init(|| {
                let mut parents: HashMap<LsoaCode, Vec<LsoaCode>> = HashMap::new();
                for (p, kids) in self.lsoa11_to_21() {
                    for (k, _) in kids {
                        parents.entry(*k).or_default().push(*p);
                    }
                }
                for v in parents.values_mut() {
                    v.sort();
                }
                parents
            })
            .get(&lsoa21)
            .map_or(&[], Vec::as_slice)
    }

    /// Resolves an LSOA code of either vintage to everything ingest derives from it, with
    /// deprivation from `edition`. See [`LsoaFacts`] for how codes of the other vintage
    /// are bridged.
    pub fn resolve(&self, lsoa: LsoaCode, edition: IodEdition) -> Result<&LsoaFacts, ResolveError> {
        let idx = match edition {
            IodEdition::Iod2019 => 0,
            IodEdition::Iod2025 => 1,
        };
        self.resolved[idx]
            .get_or_init(|| resolve::build(self, edition))
            .get(&lsoa)
            .ok_or(ResolveError::UnknownLsoa)
    }
}

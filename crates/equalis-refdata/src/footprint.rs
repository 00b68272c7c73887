//! Who lives in an ICB's footprint, by the characteristics a Citizens' Panel is balanced on:
//! the population shares behind `equalis panel quotas` and the report's panel page; and the
//! names of those characteristics ([`PanelFeature`]), one vocabulary for every part of
//! equalis that writes or reads a volunteers or quotas file.
//!
//! Sources, all shipped with equalis: ONS mid-2020 LSOA population by single year of age
//! (age bands, places, and the weights of IMD quintiles), Census 2021 TS021 ethnicity by LSOA
//! 2021, IoD 2025 national deciles, the April 2024 LSOA lookup to local authority and sub-ICB
//! location. Sex has no local source in the shipped data, so it is the Census 2021 share of
//! England and Wales (see [`SEX_CENSUS_2021`]).

use std::collections::BTreeMap;

use equalis_vocab::{Census2021Group, IodEdition};

use crate::RefData;

/// Census 2021 usual residents of England and Wales by sex (ONS, "Population and household
/// estimates, England and Wales: Census 2021", 28 June 2022): 30,420,100 female and
/// 29,177,200 male. Used for every ICB, as equalis ships no local estimates by sex.
pub const SEX_CENSUS_2021: [(&str, f64); 2] = [("Female", 30_420_100.0), ("Male", 29_177_200.0)];

/// A characteristic to count the footprint's residents by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    /// Age bands `(first, last)` in whole years, inclusive; `last` 90 or more means 90+.
    /// Residents outside every band are not counted (a panel of adults starts at 16).
    AgeBand(Vec<(u8, u8)>),
    /// The NHS 5-group ethnic groups (`White`, `Mixed`, `Asian or Asian British`,
    /// `Black or Black British`, `Other`).
    EthnicGroup,
    /// National IMD 2025 quintile of the LSOA, `1` (most deprived) to `5`.
    ImdQuintile,
    /// `Female`, `Male`.
    Sex,
    /// Places by name, at one level of geography; residents aged `min_age` and over (mid-2020).
    Place(PlaceLevel),
}

/// The level of geography a panel's `place` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceLevel {
    /// Local authority districts (April 2024), e.g. `Leicester`, `Rutland`, `Charnwood`: the
    /// places of the synthetic volunteers, and how councils and most engagement teams name them.
    LocalAuthority,
    /// Sub-ICB locations (April 2024), the "place" of the NHS's own data (the `place` column of
    /// ingested datasets).
    SubIcb,
}

impl PlaceLevel {
    /// The name of the place an LSOA is in, at this level.
    fn name_of(self, g: &crate::Geo2021) -> &str {
        match self {
            PlaceLevel::LocalAuthority => &g.la_name,
            PlaceLevel::SubIcb => &g.sub_icb_name,
        }
    }
}

/// The features a Citizens' Panel is balanced on, named once: `equalis panel quotas` writes
/// these names, the synthetic volunteers use them as columns, and `panel select` and the
/// report's panel page read them (with the older names in [`PanelFeature::aliases`]). A
/// volunteers file may have other features too (their quotas are written by hand); these are
/// the ones equalis knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelFeature {
    /// `sex`: `Female`, `Male`.
    Sex,
    /// `age_band`: e.g. `16-29`, `65+`.
    AgeBand,
    /// `ethnic_group`: the NHS 5-group ethnic groups, as the engine's `ethnic_group` breakdown.
    EthnicGroup,
    /// `imd_quintile`: national IMD quintile of the home LSOA, `1` (most deprived) to `5`.
    ImdQuintile,
    /// `disability`: `Yes`, `No` (no population figures are shipped for it).
    Disability,
    /// `place`: the local authority district or sub-ICB location, by name.
    Place,
}

impl PanelFeature {
    /// Every panel feature, in the order quotas are written.
    pub const ALL: [PanelFeature; 6] = [
        PanelFeature::Sex,
        PanelFeature::AgeBand,
        PanelFeature::EthnicGroup,
        PanelFeature::ImdQuintile,
        PanelFeature::Disability,
        PanelFeature::Place,
    ];

    /// The column and quota name.
    pub const fn name(self) -> &'static str {
        match self {
            PanelFeature::Sex => "sex",
            PanelFeature::AgeBand => "age_band",
            PanelFeature::EthnicGroup => "ethnic_group",
            PanelFeature::ImdQuintile => "imd_quintile",
            PanelFeature::Disability => "disability",
            PanelFeature::Place => "place",
        }
    }

    /// Other names read as this feature: names older equalis files used (the synthetic
    /// volunteers had `ethnicity` until the vocabulary was made one).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            PanelFeature::EthnicGroup => &["ethnicity"],
            _ => &[],
        }
    }

    /// The feature a column or quota name means, by its name or an alias, ignoring case.
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|f| {
            f.name().eq_ignore_ascii_case(name)
                || f.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// Whether two names mean the same feature: equal, or both names of one panel feature.
    pub fn same(a: &str, b: &str) -> bool {
        a == b || matches!((Self::parse(a), Self::parse(b)), (Some(x), Some(y)) if x == y)
    }

    /// The footprint population behind the feature, when equalis ships one: age bands need
    /// their `bands`, places their level.
    pub fn population(self, bands: &[(u8, u8)], place: PlaceLevel) -> Option<Feature> {
        match self {
            PanelFeature::Sex => Some(Feature::Sex),
            PanelFeature::AgeBand => Some(Feature::AgeBand(bands.to_vec())),
            PanelFeature::EthnicGroup => Some(Feature::EthnicGroup),
            PanelFeature::ImdQuintile => Some(Feature::ImdQuintile),
            PanelFeature::Place => Some(Feature::Place(place)),
            PanelFeature::Disability => None,
        }
    }
}

/// Residents of a footprint by one feature's values, with where the figures come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// `(value, residents)`, in the feature's natural order; residents may be fractional
    /// (2011 LSOAs split into 2021 LSOAs share their people).
    pub values: Vec<(String, f64)>,
    /// The source, for the record.
    pub source: &'static str,
}

/// The label of an age band: `16-29`, or `65+` for a band running to 90 and over.
pub fn age_band_label((first, last): (u8, u8)) -> String {
    if last >= 90 {
        format!("{first}+")
    } else {
        format!("{first}-{last}")
    }
}

impl RefData {
    /// Residents of the ICB's footprint (ODS or ONS code) by `feature`, or `None` for an
    /// unknown ICB. Age bands, IMD quintiles and places count residents aged `min_age` and over
    /// (mid-2020); ethnicity counts every usual resident (Census 2021 TS021 is not by age).
    pub fn footprint_counts(&self, icb: &str, feature: &Feature, min_age: u8) -> Option<Counts> {
        let lsoas = self.lsoas_in_icb(icb);
        if lsoas.is_empty() {
            return None;
        }
        let adults = |ages: &[f64; 91]| ages[usize::from(min_age.min(90))..].iter().sum::<f64>();
        Some(match feature {
            Feature::AgeBand(bands) => {
                let mut counts = vec![0.0; bands.len()];
                for g in &lsoas {
                    let Some(ages) = self.population_lsoa21_syoa(g.lsoa21) else {
                        continue;
                    };
                    for (age, n) in ages.iter().enumerate().skip(usize::from(min_age)) {
                        let age = age as u8;
                        if let Some(k) = bands
                            .iter()
                            .position(|&(a, b)| age >= a && (age <= b || (b >= 90 && age >= 90)))
                        {
                            counts[k] += n;
                        }
                    }
                }
                Counts {
                    values: bands
                        .iter()
                        .map(|b| age_band_label(*b))
                        .zip(counts)
                        .collect(),
                    source: "ONS mid-2020 LSOA population estimates by single year of age",
                }
            }
            Feature::ImdQuintile => {
                let imd = self.imd_table(IodEdition::Iod2025);
                let mut counts = [0.0; 5];
                for g in &lsoas {
                    let (Some(d), Some(ages)) =
                        (imd.get(&g.lsoa21), self.population_lsoa21_syoa(g.lsoa21))
                    else {
                        continue;
                    };
                    counts[usize::from(d.decile.get().div_ceil(2)) - 1] += adults(&ages);
                }
                Counts {
                    values: (1..=5).map(|q| q.to_string()).zip(counts).collect(),
                    source: "IoD 2025 national quintiles weighted by ONS mid-2020 LSOA population",
                }
            }
            Feature::EthnicGroup => {
                // Each Census group's residents are shared among the NHS groups of its
                // categories: Census 2021 counts Chinese people as Asian, the NHS 5-group
                // roll-up as Other.
                let mut by_group: Vec<(&'static str, f64)> = Vec::new();
                let eth = self.ethnicity2021();
                for g in &lsoas {
                    let Some(e) = eth.get(&g.lsoa21) else {
                        continue;
                    };
                    for (group, n) in Census2021Group::ALL.iter().zip(e.groups) {
                        for (cat, share) in group.nhs_categories() {
                            let label = cat.group().label();
                            let add = f64::from(n) * share;
                            match by_group.iter_mut().find(|(l, _)| *l == label) {
                                Some((_, c)) => *c += add,
                                None => by_group.push((label, add)),
                            }
                        }
                    }
                }
                let order = [
                    "White",
                    "Mixed",
                    "Asian or Asian British",
                    "Black or Black British",
                    "Other",
                ];
                by_group.sort_by_key(|(l, _)| order.iter().position(|o| o == l));
                Counts {
                    values: by_group
                        .into_iter()
                        .map(|(l, n)| (l.to_owned(), n))
                        .collect(),
                    source: "Census 2021 TS021 ethnic group by LSOA 2021 (usual residents)",
                }
            }
            Feature::Place(level) => {
                let mut by_place: BTreeMap<&str, f64> = BTreeMap::new();
                for g in &lsoas {
                    let Some(ages) = self.population_lsoa21_syoa(g.lsoa21) else {
                        continue;
                    };
                    *by_place.entry(level.name_of(g)).or_default() += adults(&ages);
                }
                Counts {
                    values: by_place
                        .into_iter()
                        .map(|(p, n)| (p.to_owned(), n))
                        .collect(),
                    source: match level {
                        PlaceLevel::LocalAuthority => {
                            "ONS mid-2020 LSOA population estimates by local authority district (April 2024)"
                        }
                        PlaceLevel::SubIcb => {
                            "ONS mid-2020 LSOA population estimates by sub-ICB location (April 2024)"
                        }
                    },
                }
            }
            Feature::Sex => Counts {
                values: SEX_CENSUS_2021
                    .iter()
                    .map(|(l, n)| ((*l).to_owned(), *n))
                    .collect(),
                source: "Census 2021, England and Wales (no local split by sex is shipped)",
            },
        })
    }
}

impl RefData {
    /// The level of geography whose place names in the ICB's footprint match the most of
    /// `names` (local authority on a tie), or `None` when none matches: a volunteers file may
    /// name its places either way.
    pub fn place_level(&self, icb: &str, names: &[String]) -> Option<PlaceLevel> {
        let lsoas = self.lsoas_in_icb(icb);
        [PlaceLevel::LocalAuthority, PlaceLevel::SubIcb]
            .into_iter()
            .map(|level| {
                let known: std::collections::HashSet<&str> =
                    lsoas.iter().map(|g| level.name_of(g)).collect();
                let hits = names.iter().filter(|n| known.contains(n.as_str())).count();
                (hits, level)
            })
            .filter(|(hits, _)| *hits > 0)
            // `max_by_key` keeps the last of equals: order the tie-break explicitly.
            .fold(
                None,
                |best: Option<(usize, PlaceLevel)>, (hits, level)| match best {
                    Some((b, _)) if b >= hits => best,
                    _ => Some((hits, level)),
                },
            )
            .map(|(_, level)| level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands() -> Vec<(u8, u8)> {
        vec![(16, 29), (30, 44), (45, 64), (65, 90)]
    }

    #[test]
    fn age_bands_sum_to_the_adult_population_of_the_footprint() {
        let r = RefData::get();
        let c = r
            .footprint_counts("QK1", &Feature::AgeBand(bands()), 16)
            .unwrap();
        let labels: Vec<&str> = c.values.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["16-29", "30-44", "45-64", "65+"]);
        // Independently: every LSOA's ages 16 to 90+ summed.
        let adults: f64 = r
            .lsoas_in_icb("QK1")
            .iter()
            .filter_map(|g| r.population_lsoa21_syoa(g.lsoa21))
            .map(|a| a[16..].iter().sum::<f64>())
            .sum();
        let total: f64 = c.values.iter().map(|(_, n)| n).sum();
        assert!(
            (total - adults).abs() < 1e-6 * adults,
            "{total} vs {adults}"
        );
        // Leicester, Leicestershire and Rutland: about 1.1 million people, 0.9 million adults.
        assert!((800_000.0..1_000_000.0).contains(&total), "{total}");
        let q = r
            .footprint_counts("QK1", &Feature::ImdQuintile, 16)
            .unwrap();
        let qt: f64 = q.values.iter().map(|(_, n)| n).sum();
        assert!((qt - adults).abs() < 1e-6 * adults);
    }

    #[test]
    fn ethnic_groups_keep_every_census_resident() {
        let r = RefData::get();
        let c = r
            .footprint_counts("QK1", &Feature::EthnicGroup, 16)
            .unwrap();
        let residents: f64 = r
            .lsoas_in_icb("QK1")
            .iter()
            .filter_map(|g| r.ethnicity2021().get(&g.lsoa21))
            .map(|e| f64::from(e.total))
            .sum();
        let total: f64 = c.values.iter().map(|(_, n)| n).sum();
        assert!((total - residents).abs() < 1e-6 * residents);
        let share = |l: &str| c.values.iter().find(|(v, _)| v == l).unwrap().1 / total;
        // Leicester, Leicestershire and Rutland: about one resident in six Asian or Asian
        // British (Census 2021; Leicester city alone is over two in five).
        assert!((0.15..0.20).contains(&share("Asian or Asian British")));
        assert!(share("White") > 0.6);
    }

    #[test]
    fn places_share_the_adult_population_of_the_footprint() {
        let r = RefData::get();
        let adults: f64 = r
            .footprint_counts("QK1", &Feature::AgeBand(bands()), 16)
            .unwrap()
            .values
            .iter()
            .map(|(_, n)| n)
            .sum();
        let la = r
            .footprint_counts("QK1", &Feature::Place(PlaceLevel::LocalAuthority), 16)
            .unwrap();
        let names: Vec<&str> = la.values.iter().map(|(p, _)| p.as_str()).collect();
        // Leicester, Rutland and the seven districts of Leicestershire.
        assert_eq!(
            names,
            [
                "Blaby",
                "Charnwood",
                "Harborough",
                "Hinckley and Bosworth",
                "Leicester",
                "Melton",
                "North West Leicestershire",
                "Oadby and Wigston",
                "Rutland"
            ]
        );
        let total: f64 = la.values.iter().map(|(_, n)| n).sum();
        assert!(
            (total - adults).abs() < 1e-6 * adults,
            "{total} vs {adults}"
        );
        // Independently: Rutland's LSOAs, ages 16 and over.
        let rutland: f64 = r
            .lsoas_in_icb("QK1")
            .iter()
            .filter(|g| g.la_name == "Rutland")
            .filter_map(|g| r.population_lsoa21_syoa(g.lsoa21))
            .map(|a| a[16..].iter().sum::<f64>())
            .sum();
        let got = la.values.iter().find(|(p, _)| p == "Rutland").unwrap().1;
        assert!((got - rutland).abs() < 1e-9 * rutland);
        // Rutland is about 4% of the footprint's adults (about 33,000 of 900,000).
        assert!((0.03..0.05).contains(&(got / total)), "{}", got / total);
        let sub = r
            .footprint_counts("QK1", &Feature::Place(PlaceLevel::SubIcb), 16)
            .unwrap();
        let sub_total: f64 = sub.values.iter().map(|(_, n)| n).sum();
        assert!((sub_total - adults).abs() < 1e-6 * adults);
        assert!(sub.values.len() < la.values.len());
    }

    #[test]
    fn the_place_level_is_the_one_the_names_match() {
        let r = RefData::get();
        let la: Vec<String> = ["Leicester", "Rutland", "Nowhere"]
            .map(String::from)
            .to_vec();
        assert_eq!(r.place_level("QK1", &la), Some(PlaceLevel::LocalAuthority));
        let sub: Vec<String> = r
            .footprint_counts("QK1", &Feature::Place(PlaceLevel::SubIcb), 16)
            .unwrap()
            .values
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(r.place_level("QK1", &sub), Some(PlaceLevel::SubIcb));
        assert_eq!(r.place_level("QK1", &["Nowhere".to_owned()]), None);
    }

    #[test]
    fn panel_feature_names_and_aliases() {
        assert_eq!(
            PanelFeature::parse("ethnicity"),
            Some(PanelFeature::EthnicGroup)
        );
        assert_eq!(
            PanelFeature::parse("Ethnic_Group"),
            Some(PanelFeature::EthnicGroup)
        );
        assert_eq!(PanelFeature::parse("employment"), None);
        assert!(PanelFeature::same("ethnicity", "ethnic_group"));
        assert!(PanelFeature::same("employment", "employment"));
        assert!(!PanelFeature::same("sex", "age_band"));
        for f in PanelFeature::ALL {
            assert_eq!(PanelFeature::parse(f.name()), Some(f));
        }
    }

    #[test]
    fn unknown_icbs_and_the_sex_source() {
        let r = RefData::get();
        assert!(r.footprint_counts("ZZZ", &Feature::Sex, 16).is_none());
        let s = r.footprint_counts("QK1", &Feature::Sex, 16).unwrap();
        let f = s.values[0].1 / (s.values[0].1 + s.values[1].1);
        assert!((f - 0.5104).abs() < 1e-4, "{f}");
        assert_eq!(age_band_label((65, 90)), "65+");
        assert_eq!(age_band_label((16, 29)), "16-29");
    }
}

//! The synthetic ICS's fixed frame: its real LSOAs with their deprivation, age structure
//! and ethnic mix; its places; GP practices and PCNs; the providers on its waiting list;
//! and the organisations whose workforce it reports.

use equalis_refdata::RefData;
use equalis_vocab::{Census2021Group, IodEdition, LsoaCode};

use crate::SynthError;

/// One real LSOA 2021 of the ICB.
pub struct Area {
    /// The LSOA code.
    pub code: LsoaCode,
    /// IoD 2025 national decile (1 = most deprived).
    pub decile: u8,
    /// Index into [`Ics::places`].
    pub place: u16,
    /// ONS mid-2020 residents by single year of age 0..89 and 90+.
    pub ages: [f64; 91],
    /// Census 2021 shares by [`Census2021Group::ALL`].
    pub ethnicity: [f64; 5],
    /// The practice most of its residents register with.
    pub home_practice: u16,
}

/// A GP practice.
pub struct Practice {
    /// ODS-style code: a letter and five digits, like real practice codes.
    pub code: String,
    /// Index into [`Ics::pcns`].
    pub pcn: u16,
}

/// How a provider treats Core20 patients on its waiting list: the multiplier on their
/// weekly chance of a clock stop (below 1 means they wait longer).
#[derive(Debug, Clone, Copy)]
pub enum Core20Effect {
    /// No difference.
    None,
    /// The same multiplier throughout.
    Constant(f64),
    /// Linear from `from` at the first snapshot to `to` at the last (constant `from`
    /// before the first snapshot).
    Narrowing {
        /// Multiplier up to the first snapshot.
        from: f64,
        /// Multiplier at the last snapshot.
        to: f64,
    },
}

/// A provider on the ICS's waiting list.
pub struct Provider {
    /// ODS code.
    pub code: String,
    /// Share of the ICS's open pathways.
    pub share: f64,
    /// Planted Core20 effect.
    pub core20: Core20Effect,
}

/// What kind of organisation an employer is (drives its staff-group mix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgKind {
    /// Acute hospital trust.
    Acute,
    /// Mental health and community trust.
    Community,
    /// Ambulance trust.
    Ambulance,
    /// Integrated care board.
    Icb,
}

/// An employer whose workforce is generated.
pub struct Org {
    /// ODS code.
    pub code: String,
    /// Kind.
    pub kind: OrgKind,
    /// Headcount at scale 1.
    pub headcount: f64,
    /// Share of staff from Black and minority ethnic groups before band effects.
    pub bme: f64,
    /// True for the organisation with the planted recruitment and pay effects.
    pub planted: bool,
}

/// The frame every dataset is generated in.
pub struct Ics {
    /// ICB ODS code.
    pub icb_code: String,
    /// ICB name.
    pub icb_name: String,
    /// The ICB's LSOAs, sorted by code.
    pub areas: Vec<Area>,
    /// Local authority names: the "places" of the ICS.
    pub places: Vec<String>,
    /// GP practices.
    pub practices: Vec<Practice>,
    /// PCN codes.
    pub pcns: Vec<String>,
    /// Waiting-list providers.
    pub providers: Vec<Provider>,
    /// Employers.
    pub orgs: Vec<Org>,
}

/// Patients per GP practice: about 6,300 practices serve 63 million registrations in
/// England (NHS Digital, Patients Registered at a GP Practice, 2025), so about 10,000.
const PATIENTS_PER_PRACTICE: f64 = 10_000.0;
/// Practices per PCN: about 1,250 PCNs for 6,300 practices.
const PRACTICES_PER_PCN: usize = 5;

impl Ics {
    /// Builds the frame for an ICB given by ODS (`QK1`) or ONS (`E54…`) code.
    pub fn build(icb: &str) -> Result<Ics, SynthError> {
        let rd = RefData::get();
        let Some(info) = rd.icb(icb) else {
            let mut codes: Vec<String> = rd
                .icbs()
                .iter()
                .map(|i| format!("{} ({})", i.code, i.name))
                .collect();
            codes.sort();
            return Err(SynthError::UnknownIcb {
                code: icb.to_owned(),
                valid: codes.join(", "),
            });
        };
        let eth = rd.ethnicity2021();
        let geos = rd.lsoas_in_icb(&info.code);
        let mut places: Vec<String> = Vec::new();
        let mut areas = Vec::with_capacity(geos.len());
        // Ethnic mix of the whole ICB: the fallback for an LSOA missing from the Census table.
        let mut icb_eth = [0.0; 5];
        for g in &geos {
            if let Some(e) = eth.get(&g.lsoa21) {
                for (a, &n) in icb_eth.iter_mut().zip(e.groups.iter()) {
                    *a += f64::from(n);
                }
            }
        }
        for g in geos {
            let Ok(facts) = rd.resolve(g.lsoa21, IodEdition::Iod2025) else {
                continue;
            };
            let Some(ages) = rd.population_lsoa21_syoa(g.lsoa21) else {
                continue;
            };
            let place = match places.iter().position(|p| *p == g.la_name) {
                Some(i) => i,
                None => {
                    places.push(g.la_name.clone());
                    places.len() - 1
                }
            };
            let mix = eth
                .get(&g.lsoa21)
                .map_or(icb_eth, |e| e.groups.map(f64::from));
            let total: f64 = mix.iter().sum::<f64>().max(1.0);
            areas.push(Area {
                code: g.lsoa21,
                decile: facts.imd.decile.get(),
                place: place as u16,
                ages,
                ethnicity: mix.map(|n| n / total),
                home_practice: 0,
            });
        }
        if areas.is_empty() {
            return Err(SynthError::NoAreas(info.code.clone()));
        }

        // Practices serve contiguous runs of LSOAs in code order (codes are allocated
        // roughly geographically within a local authority), so neighbours share practices.
        let real_pop: f64 = areas.iter().map(|a| a.ages.iter().sum::<f64>()).sum();
        let n_practices = ((real_pop / PATIENTS_PER_PRACTICE).round() as usize).max(3);
        let mut cum = 0.0;
        for a in &mut areas {
            let mid = cum + a.ages.iter().sum::<f64>() / 2.0;
            a.home_practice =
                ((mid / real_pop * n_practices as f64) as usize).min(n_practices - 1) as u16;
            cum += a.ages.iter().sum::<f64>();
        }
        let icb_index = rd
            .icbs()
            .iter()
            .position(|i| i.code == info.code)
            .unwrap_or(0);
        let is_llr = info.code == "QK1";
        // Real LLR practice codes are C82xxx; elsewhere a letter per ICB keeps codes apart.
        let letter = if is_llr {
            'C'
        } else {
            b"ABDFGHJKLMNPY"[icb_index % 13] as char
        };
        let practices: Vec<Practice> = (0..n_practices)
            .map(|i| Practice {
                code: format!("{letter}{:05}", 82_001 + i),
                pcn: (i / PRACTICES_PER_PCN) as u16,
            })
            .collect();
        let n_pcns = n_practices.div_ceil(PRACTICES_PER_PCN);
        let pcns = (0..n_pcns)
            .map(|i| format!("U{:05}", 10_000 + icb_index * 100 + i))
            .collect();

        // LLR: University Hospitals of Leicester (RWE) holds most of the list; George
        // Eliot (RLT) and Northampton General (RNS) take patients from the borders;
        // Ramsay Health Care (NVC) is the main independent-sector provider. Elsewhere the
        // codes are synthetic (X…) so they cannot be mistaken for a real trust.
        let (wl_codes, wf_codes): ([&str; 4], [&str; 3]) = if is_llr {
            (["RWE", "RLT", "RNS", "NVC"], ["RWE", "RT5", "RX9"])
        } else {
            (["XT1", "XT2", "XT3", "XIS"], ["XT1", "XT4", "XT5"])
        };
        let providers = vec![
            Provider {
                code: wl_codes[0].into(),
                share: 0.62,
                core20: Core20Effect::Constant(crate::planted::MAIN_TRUST_CORE20_HAZARD),
            },
            Provider {
                code: wl_codes[1].into(),
                share: 0.12,
                core20: Core20Effect::Narrowing {
                    from: crate::planted::NARROWING_FROM,
                    to: 1.0,
                },
            },
            Provider {
                code: wl_codes[2].into(),
                share: 0.12,
                core20: Core20Effect::None,
            },
            Provider {
                code: wl_codes[3].into(),
                share: 0.14,
                core20: Core20Effect::None,
            },
        ];
        // Headcounts of UHL (~17,500), LPT (~6,800), EMAS (~4,700) and the ICB (~420),
        // NHS Digital workforce statistics 2024; BME shares from their WRES reports.
        let orgs = vec![
            Org {
                code: wf_codes[0].into(),
                kind: OrgKind::Acute,
                headcount: 17_500.0,
                bme: 0.40,
                planted: true,
            },
            Org {
                code: wf_codes[1].into(),
                kind: OrgKind::Community,
                headcount: 6_800.0,
                bme: 0.30,
                planted: false,
            },
            Org {
                code: wf_codes[2].into(),
                kind: OrgKind::Ambulance,
                headcount: 4_700.0,
                bme: 0.10,
                planted: false,
            },
            Org {
                code: info.code.clone(),
                kind: OrgKind::Icb,
                headcount: 420.0,
                bme: 0.25,
                planted: false,
            },
        ];
        Ok(Ics {
            icb_code: info.code.clone(),
            icb_name: info.name.clone(),
            areas,
            places,
            practices,
            pcns,
            providers,
            orgs,
        })
    }

    /// Every organisation in the data with its name, waiting-list providers first: the real
    /// names of LLR's trusts, and "Synthetic …" names for the made-up codes of other ICBs.
    pub fn organisations(&self) -> Vec<(String, String)> {
        let named = |code: &str| -> String {
            match code {
                "RWE" => "University Hospitals of Leicester NHS Trust".to_owned(),
                "RLT" => "George Eliot Hospital NHS Trust".to_owned(),
                "RNS" => "Northampton General Hospital NHS Trust".to_owned(),
                "NVC" => "Ramsay Health Care UK".to_owned(),
                "RT5" => "Leicestershire Partnership NHS Trust".to_owned(),
                "RX9" => "East Midlands Ambulance Service NHS Trust".to_owned(),
                c if c == self.icb_code => self.icb_name.clone(),
                c if c.starts_with("XIS") => "Synthetic independent-sector provider".to_owned(),
                c => format!("Synthetic trust {c}"),
            }
        };
        let mut out: Vec<(String, String)> = Vec::new();
        let codes = self
            .providers
            .iter()
            .map(|p| p.code.as_str())
            .chain(self.orgs.iter().map(|o| o.code.as_str()));
        for code in codes {
            if !out.iter().any(|(c, _)| c == code) {
                out.push((code.to_owned(), named(code)));
            }
        }
        out
    }

    /// The Census 2021 group for index `i` of [`Area::ethnicity`].
    pub fn census_group(i: usize) -> Census2021Group {
        Census2021Group::ALL[i]
    }
}

//! Every embedded table loads, has the published row count, and holds known values.

use equalis_refdata::RefData;
use equalis_vocab::{Census2021Group, IodEdition, LsoaCode, LsoaVintage};

fn lsoa(s: &str) -> LsoaCode {
    LsoaCode::parse(s).unwrap()
}

#[test]
fn row_counts_match_provenance() {
    let d = RefData::get();
    assert_eq!(d.esp2013().iter().sum::<u32>(), 100_000);
    assert_eq!(d.esp2013()[0], 5000);
    assert_eq!(d.esp2013()[18], 1000);
    assert_eq!(d.imd_table(IodEdition::Iod2019).len(), 32_844);
    assert_eq!(d.imd_table(IodEdition::Iod2025).len(), 33_755);
    assert_eq!(d.geo2021().len(), 33_755);
    assert_eq!(d.lsoa11_codes().len(), 32_844);
    assert_eq!(d.population_2020_syoa().len(), 32_844);
    assert_eq!(d.icbs().len(), 42);
    assert_eq!(d.ethnicity_lad21_detailed().len(), 331);
    // TS021 covers England and Wales; only English rows are kept.
    assert_eq!(d.ethnicity2021().len(), 33_755);
}

#[test]
fn known_values() {
    let d = RefData::get();
    // IoD2019 File 7, first row: City of London 001A, score 6.208, rank 29199, decile 9.
    let imd = d.imd_table(IodEdition::Iod2019)[&lsoa("E01000001")];
    assert_eq!((imd.rank, imd.decile.get()), (29_199, 9));
    assert!((imd.score - 6.208).abs() < 1e-12);
    // IoD2025: the same LSOA, score 8.742, rank 26525, decile 8.
    let imd = d.imd_table(IodEdition::Iod2025)[&lsoa("E01000001")];
    assert_eq!((imd.rank, imd.decile.get()), (26_525, 8));
    // Hartlepool 009A, mid-2020: 1,944 people, 20 aged 0 and 7 aged 90+.
    let ages = d.population_2020_syoa()[&lsoa("E01011949")];
    assert_eq!(ages.iter().sum::<u32>(), 1_944);
    assert_eq!((ages[0], ages[90]), (20, 7));
    let llr = d.icb("QK1").unwrap();
    assert_eq!(llr.ons_code, "E54000015");
    assert_eq!(
        llr.name,
        "NHS Leicester, Leicestershire and Rutland Integrated Care Board"
    );
    assert_eq!(d.lsoas_in_icb("QK1").len(), 634);
    assert_eq!(d.lsoas_in_icb("E54000015").len(), 634);
    assert!(d.lsoas_in_icb("XXX").is_empty());
    let e = d.ethnicity2021()[&lsoa("E01000001")];
    assert_eq!(e.groups.iter().sum::<u32>(), e.total);
    assert_eq!(Census2021Group::ALL.len(), e.groups.len());
}

#[test]
fn resolve_native_and_bridged_codes() {
    let d = RefData::get();
    let f = d.resolve(lsoa("E01000001"), IodEdition::Iod2025).unwrap();
    assert_eq!(f.vintage, LsoaVintage::Lsoa2021);
    assert!(!f.bridged);
    assert_eq!(f.imd.decile.get(), 8);
    assert_eq!(f.la_name, "City of London");
    assert_eq!(f.icb_code, "QMF");

    // A 2011 LSOA that was split in 2021 resolves through its largest 2021 child, and
    // keeps its own IoD2019 decile when asked for IoD2019.
    let split = d
        .lsoa11_to_21()
        .iter()
        .find(|(c, kids)| kids.len() > 1 && !d.geo2021().contains_key(*c))
        .map(|(c, _)| *c)
        .unwrap();
    let f = d.resolve(split, IodEdition::Iod2025).unwrap();
    assert_eq!(f.vintage, LsoaVintage::Lsoa2011);
    assert!(f.bridged);
    let f19 = d.resolve(split, IodEdition::Iod2019).unwrap();
    assert!(!f19.bridged);
    assert_eq!(
        f19.imd.decile,
        d.imd_table(IodEdition::Iod2019)[&split].decile
    );

    // Every English code of both vintages resolves in both editions.
    for ed in [IodEdition::Iod2019, IodEdition::Iod2025] {
        for c in d.geo2021().keys().chain(d.lsoa11_codes().keys()) {
            assert!(d.resolve(*c, ed).is_ok(), "{c} {ed:?}");
        }
    }
    assert!(d.resolve(lsoa("E01999999"), IodEdition::Iod2025).is_err());
}

#[test]
fn lsoa21_population_is_apportioned_from_2011() {
    let d = RefData::get();
    // Summed over an ICB's 2021 LSOAs, the apportioned population is close to the sum of
    // the 2011 LSOAs they came from (exact when no boundary crosses the ICB edge).
    let lsoas = d.lsoas_in_icb("QK1");
    let total: f64 = lsoas
        .iter()
        .map(|g| {
            d.population_lsoa21_syoa(g.lsoa21)
                .unwrap()
                .iter()
                .sum::<f64>()
        })
        .sum();
    // LLR's mid-2020 population is about 1.1 million.
    assert!((1_050_000.0..1_200_000.0).contains(&total), "{total}");
}

#[test]
fn postcodes_locate_from_the_ons_postcode_lookup() {
    use equalis_refdata::{PostcodeError, PostcodePrecision};
    let d = RefData::get();
    // Every LE postcode with a grid reference in NSPL May 2025 (PROVENANCE.md).
    assert_eq!(d.full_postcodes().len(), 35_618);
    // Leicester Clock Tower's postcode, its own point, in any spacing and case.
    let loc = d.locate_postcode("le11aa").unwrap();
    assert_eq!(loc.query.as_str(), "LE1 1AA");
    assert_eq!(loc.precision, PostcodePrecision::Postcode);
    assert_eq!((loc.lat, loc.long), (52.63212, -1.12498));
    // Loughborough University and Oakham (Rutland): the other end of the footprint.
    let loc = d.locate_postcode("LE11 3TU").unwrap();
    assert_eq!((loc.lat, loc.long), (52.76484, -1.22951));
    let loc = d.locate_postcode("LE15 6AA").unwrap();
    assert_eq!((loc.lat, loc.long), (52.67076, -0.72960));
    // A sector is the median of its postcodes.
    let loc = d.locate_postcode("LE1 1").unwrap();
    assert_eq!(loc.precision, PostcodePrecision::Sector);
    assert_eq!((loc.lat, loc.long), (52.63416, -1.12730));
    // Outside the shipped areas a full postcode is placed at its sector's centre.
    let loc = d.locate_postcode("SW1A 1AA").unwrap();
    assert_eq!(loc.precision, PostcodePrecision::Sector);
    assert_eq!((loc.lat, loc.long), (51.50549, -0.13954));
    // A district lies among its sectors.
    let loc = d.locate_postcode("LE1").unwrap();
    assert_eq!(loc.precision, PostcodePrecision::District);
    assert!((52.62..52.65).contains(&loc.lat) && (-1.15..-1.11).contains(&loc.long));
    // In a shipped area an unknown postcode is refused, not moved to its sector.
    assert_eq!(
        d.locate_postcode("LE1 9ZZ"),
        Err(PostcodeError::NotFound {
            postcode: "LE1 9ZZ".into(),
            district: "LE1".into()
        })
    );
    assert!(matches!(
        d.locate_postcode("ZZ9 9ZZ"),
        Err(PostcodeError::NotFound { .. })
    ));
    assert!(matches!(
        d.locate_postcode("Leicester"),
        Err(PostcodeError::Malformed { .. })
    ));
}

#[test]
fn postcodes_give_their_lsoa_2021() {
    use equalis_refdata::PostcodeLsoaError;
    let d = RefData::get();
    // Every LE postcode placed (PROVENANCE.md section 6): 35,386 of NSPL's 35,618.
    let table = d.postcode_lsoa21_table();
    assert_eq!(table.len(), 35_386);
    // Every LSOA the lookup gives is an English LSOA 2021 with an IMD 2025 rank.
    let imd = d.imd_table(IodEdition::Iod2025);
    assert!(
        table
            .values()
            .all(|l| imd.contains_key(l) && d.geo2021().contains_key(l))
    );
    let la = |pc: &str| {
        let l = d.postcode_lsoa21(pc).unwrap();
        (l.as_str().to_owned(), d.geo2021()[&l].la_name.clone())
    };
    // The Clock Tower (any spacing and case), Loughborough University, Oakham.
    assert_eq!(la("le11aa"), ("E01032873".into(), "Leicester".into()));
    assert_eq!(la("LE11 3TU"), ("E01025709".into(), "Charnwood".into()));
    assert_eq!(la("LE15 6AA"), ("E01013799".into(), "Rutland".into()));
    // In Leicester 008B (E01013607), which ONS split in 2021: placed by its point in the
    // polygon of Leicester 008H.
    assert_eq!(la("LE1 4AU"), ("E01034012".into(), "Leicester".into()));
    // A district, a stranger and a non-postcode are refused with what to do.
    assert!(matches!(
        d.postcode_lsoa21("LE1"),
        Err(PostcodeLsoaError::Partial { .. })
    ));
    assert!(matches!(
        d.postcode_lsoa21("sw1a1aa"),
        Err(PostcodeLsoaError::NotCovered { postcode }) if postcode == "SW1A 1AA"
    ));
    assert!(matches!(
        d.postcode_lsoa21("Leicester"),
        Err(PostcodeLsoaError::Malformed { .. })
    ));
}

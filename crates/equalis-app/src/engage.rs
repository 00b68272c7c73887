//! Engagement's use cases that need the reference data: where a participant's home area is
//! (its IMD quintile and place), whether a footprint is a known ICB, and **who is heard** — a
//! project's participants by each monitoring characteristic against the footprint's residents,
//! published through `equalis-disclosure` (`equalis_engage::who_is_heard`).
//!
//! The population of each characteristic comes from `equalis-refdata`'s footprint counts:
//! age bands and places (local authority districts) and IMD quintiles count residents aged 16
//! and over (ONS mid-2020, as the monitoring asks people of 16 and over), ethnic groups all usual
//! residents (Census 2021 TS021 is not by age), sex the Census 2021 share of England and Wales.
//! Disability, caring, sexual orientation and the PLUS groups have no shipped population: they
//! are counted, not compared.

use equalis_disclosure::Nhsd2018;
use equalis_engage::MonitoringAnswers;
use equalis_engage::heard::{CharacteristicCounts, Population, WhoIsHeard};
use equalis_engage::monitoring::{AGE_BANDS, tally};
use equalis_refdata::{Feature, PlaceLevel, RefData};
use equalis_vocab::{IodEdition, LsoaCode};

/// The youngest age the monitoring asks about (and the population counts).
const MIN_AGE: u8 = 16;

/// An ICB's ODS code from its ODS or ONS code, or `NotFound` naming a few valid ones.
pub fn footprint(code: &str) -> crate::Result<String> {
    let r = RefData::get();
    r.icb(code.trim()).map(|i| i.code.clone()).ok_or_else(|| {
        let some: Vec<String> = r
            .icbs()
            .iter()
            .take(5)
            .map(|i| format!("{} ({})", i.code, i.name))
            .collect();
        crate::Error::not_found(format!(
            "unknown ICB `{}`: give an ICB's ODS code (such as {}) or ONS code (E54…)",
            code.trim(),
            some.join(", ")
        ))
    })
}

/// The IMD 2025 national quintile (1 = most deprived) and local authority district of an
/// LSOA 2021 code, or `None` when the reference data does not know it.
pub fn resolve_area(lsoa: &str) -> Option<(u8, String)> {
    let code = LsoaCode::parse(lsoa).ok()?;
    let r = RefData::get();
    let geo = r.geo2021().get(&code)?;
    let imd = r.imd_table(IodEdition::Iod2025).get(&code)?;
    Some((imd.decile.get().div_ceil(2), geo.la_name.clone()))
}

/// A home postcode's neighbourhood: its LSOA 2021 code, IMD 2025 quintile (1 = most
/// deprived) and place (local authority district), for the monitoring form. The postcode
/// itself is not kept by anyone: only these three are. An error is a sentence for the
/// postcode field that says what to do instead.
pub fn resolve_postcode(postcode: &str) -> Result<(String, u8, String), String> {
    use equalis_refdata::PostcodeLsoaError as E;
    let instead = "or leave it blank and choose your council area";
    let lsoa = RefData::get()
        .postcode_lsoa21(postcode)
        .map_err(|e| match e {
            E::Malformed { input } => {
                format!("{input} is not a postcode: enter it like LE1 1AA, {instead}")
            }
            E::Partial { input } => {
                format!("{input} is only the first part of a postcode: enter all of it, like LE1 1AA, {instead}")
            }
            E::NotCovered { postcode } => format!(
                "We cannot look up postcode {postcode}: we know those of Leicester, Leicestershire and Rutland (LE). Check it, {instead}"
            ),
        })?;
    let (q, place) = resolve_area(lsoa.as_str())
        .ok_or_else(|| format!("We cannot look up the area of postcode {postcode}, {instead}"))?;
    Ok((lsoa.as_str().to_owned(), q, place))
}

/// The places (local authority districts) of the ICB `icb`, in alphabetical order: what the
/// monitoring form offers those who would rather not give a postcode, or whose postcode
/// equalis cannot place ([`resolve_postcode`] knows the LE area's only).
pub fn places(icb: &str) -> Vec<String> {
    let mut places: Vec<String> = RefData::get()
        .lsoas_in_icb(icb)
        .into_iter()
        .map(|g| g.la_name.clone())
        .collect();
    places.sort();
    places.dedup();
    places
}

/// The footprint's residents by a characteristic, when equalis ships them.
fn population(icb: &str, key: &str) -> Option<Population> {
    let feature = match key {
        "age_band" => Feature::AgeBand(AGE_BANDS.to_vec()),
        "sex" => Feature::Sex,
        "ethnic_group" => Feature::EthnicGroup,
        "imd_quintile" => Feature::ImdQuintile,
        "place" => Feature::Place(PlaceLevel::LocalAuthority),
        _ => return None,
    };
    let counts = RefData::get().footprint_counts(icb, &feature, MIN_AGE)?;
    Some(Population {
        groups: counts.values,
        source: counts.source.to_owned(),
    })
}

/// Who is heard among `participants` people (of whom `answers` gave monitoring answers),
/// against the residents of the ICB `icb`, in the published view.
pub fn who_is_heard(
    icb: &str,
    participants: u64,
    answers: &[MonitoringAnswers],
) -> crate::Result<WhoIsHeard> {
    let icb = footprint(icb)?;
    let mut counts: Vec<CharacteristicCounts> = tally(answers);
    let unanswered = participants.saturating_sub(answers.len() as u64);
    for c in &mut counts {
        c.not_stated += unanswered;
        c.population = population(&icb, &c.key);
    }
    Ok(equalis_engage::who_is_heard(
        &Nhsd2018::default(),
        participants,
        &counts,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use equalis_disclosure::Cell;

    #[test]
    fn areas_resolve_to_quintile_and_place() {
        // An LSOA of the reference data: whichever is first in Leicester's ICB.
        let r = RefData::get();
        let g = r
            .lsoas_in_icb("QK1")
            .into_iter()
            .next()
            .expect("QK1 has LSOAs");
        let (q, place) = resolve_area(g.lsoa21.as_str()).unwrap();
        assert!((1..=5).contains(&q));
        assert_eq!(place, g.la_name);
        assert!(resolve_area("E01999999").is_none());
        // A postcode gives the same as its LSOA; what cannot be placed says what to do.
        let (lsoa, q, place) = resolve_postcode("le1 4au").unwrap();
        assert_eq!((lsoa.as_str(), place.as_str()), ("E01034012", "Leicester"));
        assert_eq!(resolve_area(&lsoa), Some((q, place)));
        for bad in ["SW1A 1AA", "LE1", "hello"] {
            let e = resolve_postcode(bad).unwrap_err();
            assert!(e.contains("choose your council area"), "{e}");
        }
        assert!(resolve_area("nonsense").is_none());
    }

    #[test]
    fn the_footprints_places_are_offered() {
        let p = places("QK1");
        assert!(p.contains(&"Leicester".to_owned()) && p.contains(&"Rutland".to_owned()));
        assert!(p.windows(2).all(|w| w[0] < w[1]), "sorted, once each");
        assert!(places("XYZ").is_empty());
    }

    #[test]
    fn unknown_footprints_are_named() {
        let e = footprint("XYZ").unwrap_err();
        assert!(e.to_string().contains("unknown ICB `XYZ`"), "{e}");
        assert_eq!(footprint("QK1").unwrap(), "QK1");
    }

    #[test]
    fn who_is_heard_compares_with_the_footprint() {
        let a = |band: &str| MonitoringAnswers {
            age_band: Some(band.into()),
            ..Default::default()
        };
        let mut answers: Vec<MonitoringAnswers> = (0..60).map(|_| a("65-74")).collect();
        answers.extend((0..40).map(|_| a("25-34")));
        let h = who_is_heard("QK1", 110, &answers).unwrap();
        let age = &h.characteristics[0];
        assert_eq!(age.key, "age_band");
        assert_eq!(
            age.not_stated.get(),
            &Cell::Count(10),
            "unanswered count as not stated"
        );
        assert_eq!(age.groups.len(), 7);
        // Nobody of 16-24 took part: under-heard; 65-74 at 60% is over-heard.
        assert!(age.groups[0].under_heard);
        assert!(age.groups[5].over_heard);
        assert!(
            h.characteristics
                .iter()
                .find(|c| c.key == "disability")
                .unwrap()
                .source
                .is_none()
        );
    }
}

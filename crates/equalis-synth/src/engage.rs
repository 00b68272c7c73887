//! The demo engagement project's participants: nicknames and equality monitoring answers,
//! drawn seeded and **deliberately skewed** as online engagement usually is — older, more
//! often White British, female and living in less deprived areas than the footprint — so the
//! who-is-heard page of the demo has under-heard groups to show.
//!
//! Answers are [`equalis_engage::MonitoringAnswers`] with the home LSOA only: the caller
//! looks up its IMD quintile and place, as the monitoring form does. Every value is one of
//! the monitoring questions' own options, so the answers pass the form's rules.

use equalis_engage::MonitoringAnswers;
use equalis_engage::monitoring::{PREFER_NOT_TO_SAY, questions};
use equalis_refdata::RefData;
use equalis_vocab::IodEdition;

use crate::rng::{Rand, stream};

/// How many people the demo project has.
pub const PARTICIPANTS: usize = 160;

/// One synthetic participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// Their nickname (unique within the project).
    pub nickname: String,
    /// Their monitoring answers; `None` for the one in ten who never answered.
    pub answers: Option<MonitoringAnswers>,
}

/// Age bands, weighted towards the older (the footprint's adults are about 16% aged 16-24).
const AGE: [(&str, f64); 8] = [
    ("16-24", 0.03),
    ("25-34", 0.08),
    ("35-44", 0.13),
    ("45-54", 0.17),
    ("55-64", 0.22),
    ("65-74", 0.21),
    ("75+", 0.13),
    (PREFER_NOT_TO_SAY, 0.03),
];

const SEX: [(&str, f64); 3] = [("Female", 0.62), ("Male", 0.35), (PREFER_NOT_TO_SAY, 0.03)];

/// NHS ethnic categories, mostly White British: the ethnic minority groups are heard far
/// less than their share of residents.
const ETHNIC: [(&str, f64); 15] = [
    ("A", 0.74),
    ("B", 0.03),
    ("C", 0.04),
    ("D", 0.01),
    ("F", 0.01),
    ("G", 0.01),
    ("H", 0.06),
    ("J", 0.01),
    ("K", 0.01),
    ("L", 0.02),
    ("M", 0.02),
    ("N", 0.01),
    ("R", 0.005),
    ("S", 0.005),
    (PREFER_NOT_TO_SAY, 0.02),
];

const YES_NO_DISABILITY: [(&str, f64); 3] =
    [("Yes", 0.22), ("No", 0.74), (PREFER_NOT_TO_SAY, 0.04)];
const YES_NO_CARER: [(&str, f64); 3] = [("Yes", 0.17), ("No", 0.80), (PREFER_NOT_TO_SAY, 0.03)];
const ORIENTATION: [(&str, f64); 5] = [
    ("Heterosexual or straight", 0.87),
    ("Gay or lesbian", 0.03),
    ("Bisexual", 0.02),
    ("Other sexual orientation", 0.01),
    (PREFER_NOT_TO_SAY, 0.07),
];

const NAMES: [&str; 16] = [
    "Bluebell", "Heron", "Maple", "Kestrel", "Rowan", "Otter", "Willow", "Puffin", "Hazel",
    "Badger", "Juniper", "Wren", "Alder", "Swift", "Clover", "Linnet",
];

fn pick(r: &mut Rand, table: &[(&str, f64)]) -> String {
    let w: Vec<f64> = table.iter().map(|(_, p)| *p).collect();
    table[r.weighted(&w)].0.to_owned()
}

/// The demo project's [`PARTICIPANTS`] people for the ICB `icb` (ODS or ONS code), or `None`
/// when the reference data has no LSOAs for it. The same ICB and seed give the same people.
pub fn participants(icb: &str, seed: u64) -> Option<Vec<Voice>> {
    let r = RefData::get();
    let lsoas = r.lsoas_in_icb(icb);
    if lsoas.is_empty() {
        return None;
    }
    // Home areas weighted by the square of their IMD decile (10 = least deprived): the
    // least deprived tenth is a hundred times likelier per area than the most deprived.
    let imd = r.imd_table(IodEdition::Iod2025);
    let weights: Vec<f64> = lsoas
        .iter()
        .map(|g| {
            imd.get(&g.lsoa21)
                .map_or(0.0, |i| f64::from(i.decile.get()).powi(2))
        })
        .collect();
    if weights.iter().all(|w| *w == 0.0) {
        return None;
    }
    let plus: Vec<String> = questions()
        .into_iter()
        .find(|q| q.id == "plus_groups")
        .map(|q| {
            q.options
                .into_iter()
                .map(|(v, _)| v)
                .filter(|v| v != "none" && v != PREFER_NOT_TO_SAY)
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::with_capacity(PARTICIPANTS);
    for i in 0..PARTICIPANTS {
        let mut rng = stream(seed, "engage.participant", i as u64);
        let nickname = format!("{} {}", NAMES[i % NAMES.len()], 10 + i);
        let answers = (!rng.chance(0.1)).then(|| {
            let plus_groups = if rng.chance(0.06) && !plus.is_empty() {
                vec![plus[rng.below(plus.len())].clone()]
            } else if rng.chance(0.05) {
                vec![PREFER_NOT_TO_SAY.to_owned()]
            } else {
                vec!["none".to_owned()]
            };
            let lsoa = (!rng.chance(0.05))
                .then(|| lsoas[rng.weighted(&weights)].lsoa21.as_str().to_owned());
            MonitoringAnswers {
                age_band: Some(pick(&mut rng, &AGE)),
                sex: Some(pick(&mut rng, &SEX)),
                ethnic_category: Some(pick(&mut rng, &ETHNIC)),
                disability: Some(pick(&mut rng, &YES_NO_DISABILITY)),
                carer: Some(pick(&mut rng, &YES_NO_CARER)),
                sexual_orientation: Some(pick(&mut rng, &ORIENTATION)),
                plus_groups,
                lsoa,
                imd_quintile: None,
                place: None,
            }
        });
        out.push(Voice { nickname, answers });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use equalis_engage::monitoring::MonitoringForm;

    use super::*;

    /// Each answer as the monitoring form would post it.
    fn as_form(a: &MonitoringAnswers) -> MonitoringForm {
        let mut values = Vec::new();
        for (id, v) in [
            ("age_band", &a.age_band),
            ("sex", &a.sex),
            ("ethnic_category", &a.ethnic_category),
            ("disability", &a.disability),
            ("carer", &a.carer),
            ("sexual_orientation", &a.sexual_orientation),
        ] {
            if let Some(v) = v {
                values.push((id.to_owned(), v.clone()));
            }
        }
        for g in &a.plus_groups {
            values.push(("plus_groups".to_owned(), g.clone()));
        }
        MonitoringForm {
            values,
            lsoa: a.lsoa.clone().unwrap_or_default(),
            ..Default::default()
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_people_and_answers_pass_the_form() {
        let a = participants("QK1", 42).expect("QK1 has LSOAs");
        assert_eq!(a, participants("QK1", 42).unwrap());
        assert_ne!(a, participants("QK1", 43).unwrap());
        assert_eq!(a.len(), PARTICIPANTS);
        let mut names: Vec<&str> = a.iter().map(|v| v.nickname.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PARTICIPANTS, "nicknames are unique");
        for v in &a {
            let mut e = equalis_engage::FieldErrors::new();
            equalis_engage::check_nickname(&mut e, "nickname", &v.nickname);
            assert!(e.is_empty(), "{}", v.nickname);
            if let Some(ans) = &v.answers {
                let read = MonitoringAnswers::read(&as_form(ans))
                    .unwrap_or_else(|e| panic!("{ans:?}: {e:?}"));
                assert_eq!(&read, ans);
            }
        }
        assert!(participants("XYZ", 42).is_none());
    }

    #[test]
    fn the_people_are_older_and_less_deprived_than_the_footprint() {
        let a = participants("QK1", 7).unwrap();
        let answered: Vec<&MonitoringAnswers> =
            a.iter().filter_map(|v| v.answers.as_ref()).collect();
        let young = answered
            .iter()
            .filter(|x| x.age_band.as_deref() == Some("16-24"))
            .count();
        // 3% expected against about 16% of the footprint's adults.
        assert!(young * 10 < answered.len(), "{young} of {}", answered.len());
        let imd = RefData::get().imd_table(IodEdition::Iod2025);
        let deciles: Vec<u8> = answered
            .iter()
            .filter_map(|x| x.lsoa.as_deref())
            .map(|l| {
                let code = equalis_vocab::LsoaCode::parse(l).unwrap();
                imd[&code].decile.get()
            })
            .collect();
        let mean = deciles.iter().map(|d| f64::from(*d)).sum::<f64>() / deciles.len() as f64;
        let footprint: Vec<f64> = RefData::get()
            .lsoas_in_icb("QK1")
            .iter()
            .filter_map(|g| imd.get(&g.lsoa21))
            .map(|i| f64::from(i.decile.get()))
            .collect();
        let fmean = footprint.iter().sum::<f64>() / footprint.len() as f64;
        assert!(
            mean > fmean + 1.0,
            "participants' mean decile {mean} vs areas' {fmean}"
        );
    }
}

//! The standard NHS equality monitoring questions, as data: age band, sex, ethnic group
//! (the NHS Data Dictionary's 16 categories), disability, home area (LSOA → IMD quintile and
//! place, looked up by the caller), carer, sexual orientation and the PLUS inclusion groups.
//! Every question is optional and may be answered "Prefer not to say"; answers are given
//! once per participant and kept apart from what they contribute.

use equalis_vocab::{EthnicCategory, InclusionGroup, LsoaCode};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::heard::CharacteristicCounts;

/// The value of "Prefer not to say" in every question.
pub const PREFER_NOT_TO_SAY: &str = "prefer_not_to_say";

/// The age bands asked (16 and over), `(first, last)`; a last of 90 means "and over". The same
/// bands count the footprint's residents, so the two compare like with like.
pub const AGE_BANDS: [(u8, u8); 7] = [
    (16, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, 74),
    (75, 90),
];

/// One monitoring question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringQuestion {
    /// The form field and characteristic key.
    pub id: &'static str,
    /// The question.
    pub label: &'static str,
    /// A hint below it.
    pub hint: &'static str,
    /// Whether several options may be chosen (checkboxes).
    pub multiple: bool,
    /// `(value, label)`, "Prefer not to say" last.
    pub options: Vec<(String, String)>,
}

fn label_of_band((first, last): (u8, u8)) -> String {
    if last >= 90 {
        format!("{first}+")
    } else {
        format!("{first}-{last}")
    }
}

/// Every choice question, in the order of the form (the home area is a text field, `lsoa`).
pub fn questions() -> Vec<MonitoringQuestion> {
    let prefer = || (PREFER_NOT_TO_SAY.to_owned(), "Prefer not to say".to_owned());
    let with_prefer = |mut v: Vec<(String, String)>| {
        v.push(prefer());
        v
    };
    let yes_no = || {
        with_prefer(vec![
            ("Yes".into(), "Yes".into()),
            ("No".into(), "No".into()),
        ])
    };
    vec![
        MonitoringQuestion {
            id: "age_band",
            label: "What is your age?",
            hint: "",
            multiple: false,
            options: with_prefer(
                AGE_BANDS
                    .iter()
                    .map(|b| (label_of_band(*b), label_of_band(*b)))
                    .collect(),
            ),
        },
        MonitoringQuestion {
            id: "sex",
            label: "What is your sex?",
            hint: "As in the 2021 Census.",
            multiple: false,
            options: with_prefer(vec![
                ("Female".into(), "Female".into()),
                ("Male".into(), "Male".into()),
            ]),
        },
        MonitoringQuestion {
            id: "ethnic_category",
            label: "What is your ethnic group?",
            hint: "Choose the one that best describes your ethnic group or background.",
            multiple: false,
            options: with_prefer(
                EthnicCategory::ALL
                    .into_iter()
                    .filter(|c| !matches!(c, EthnicCategory::Z | EthnicCategory::NotKnown))
                    .map(|c| (c.code().to_owned(), c.description().replace(" - ", ": ")))
                    .collect(),
            ),
        },
        MonitoringQuestion {
            id: "disability",
            label: "Do you have a physical or mental health condition or illness lasting or expected to last 12 months or more?",
            hint: "",
            multiple: false,
            options: yes_no(),
        },
        MonitoringQuestion {
            id: "carer",
            label: "Do you look after, or give any help or support to, anyone because of long-term physical or mental health conditions, illness or problems related to old age?",
            hint: "Not paid work.",
            multiple: false,
            options: yes_no(),
        },
        MonitoringQuestion {
            id: "sexual_orientation",
            label: "Which of the following best describes your sexual orientation?",
            hint: "",
            multiple: false,
            options: with_prefer(
                [
                    "Heterosexual or straight",
                    "Gay or lesbian",
                    "Bisexual",
                    "Other sexual orientation",
                ]
                .into_iter()
                .map(|s| (s.to_owned(), s.to_owned()))
                .collect(),
            ),
        },
        MonitoringQuestion {
            id: "plus_groups",
            label: "Do any of these apply to you?",
            hint: "Select all that apply. These are groups the NHS calls inclusion health groups.",
            multiple: true,
            options: with_prefer(
                InclusionGroup::ALL
                    .into_iter()
                    .filter(|g| *g != InclusionGroup::Carer)
                    .map(|g| (g.column().to_owned(), g.label().to_owned()))
                    .chain([("none".to_owned(), "None of these".to_owned())])
                    .collect(),
            ),
        },
    ]
}

/// The form as sent: each question's values by its id, and the home area as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringForm {
    /// `(question id, value)` pairs, as a form posts them (checkboxes repeat the id).
    pub values: Vec<(String, String)>,
    /// The LSOA 2021 code of the person's home, as typed (optional).
    pub lsoa: String,
    /// The place (local authority district) the person chose, for those who do not know
    /// their LSOA code (optional; an LSOA's own place is used when both are given).
    #[serde(default)]
    pub place: String,
    /// The places that may be chosen: the footprint's, from the caller's reference data.
    #[serde(default)]
    pub places: Vec<String>,
}

/// A participant's monitoring answers, checked. `None` is "not answered"; a value of
/// [`PREFER_NOT_TO_SAY`] is that answer. `imd_quintile` and `place` are the caller's lookup
/// of `lsoa` in the reference data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringAnswers {
    /// An age band label, e.g. `25-34`.
    pub age_band: Option<String>,
    /// `Female`, `Male`.
    pub sex: Option<String>,
    /// The NHS ethnic category code, `A` to `S`.
    pub ethnic_category: Option<String>,
    /// `Yes`, `No`.
    pub disability: Option<String>,
    /// `Yes`, `No`.
    pub carer: Option<String>,
    /// One of the options of `sexual_orientation`.
    pub sexual_orientation: Option<String>,
    /// PLUS group columns (`homeless`, …), or `none`, or [`PREFER_NOT_TO_SAY`].
    pub plus_groups: Vec<String>,
    /// The home LSOA 2021 code.
    pub lsoa: Option<String>,
    /// Its national IMD 2025 quintile, 1 (most deprived) to 5.
    pub imd_quintile: Option<u8>,
    /// Its place (local authority district).
    pub place: Option<String>,
}

impl MonitoringAnswers {
    /// Reads the form: each value must be one of its question's options (field errors name
    /// the question), one only unless the question takes several; the area must be an LSOA
    /// code (field `lsoa`).
    pub fn read(form: &MonitoringForm) -> Result<MonitoringAnswers, FieldErrors> {
        let mut e = FieldErrors::new();
        let qs = questions();
        let mut a = MonitoringAnswers::default();
        for (id, _) in &form.values {
            if !qs.iter().any(|q| q.id == id) {
                e.push(id.as_str(), format!("Unknown question \"{id}\""));
            }
        }
        for q in &qs {
            let given: Vec<&str> = form
                .values
                .iter()
                .filter(|(id, v)| id == q.id && !v.is_empty())
                .map(|(_, v)| v.as_str())
                .collect();
            if given.iter().any(|v| !q.options.iter().any(|(o, _)| o == v)) {
                e.push(q.id, "Select from the options given");
                continue;
            }
            if !q.multiple && given.len() > 1 {
                e.push(q.id, "Select one option");
                continue;
            }
            if q.multiple {
                if given.len() > 1
                    && given
                        .iter()
                        .any(|v| *v == PREFER_NOT_TO_SAY || *v == "none")
                {
                    e.push(
                        q.id,
                        "Select \"None of these\" or \"Prefer not to say\" on its own",
                    );
                    continue;
                }
                a.plus_groups = given.iter().map(|s| (*s).to_owned()).collect();
                continue;
            }
            let one = given.first().map(|s| (*s).to_owned());
            match q.id {
                "age_band" => a.age_band = one,
                "sex" => a.sex = one,
                "ethnic_category" => a.ethnic_category = one,
                "disability" => a.disability = one,
                "carer" => a.carer = one,
                "sexual_orientation" => a.sexual_orientation = one,
                _ => {}
            }
        }
        let lsoa = form.lsoa.trim();
        if !lsoa.is_empty() {
            match LsoaCode::parse(lsoa) {
                Ok(code) => a.lsoa = Some(code.as_str().to_owned()),
                Err(_) => e.push(
                    "lsoa",
                    "Enter an area code like E01000001 (the code of your neighbourhood, from your council or ONS), or leave it blank",
                ),
            }
        }
        let place = form.place.trim();
        if !place.is_empty() {
            if form.places.iter().any(|p| p == place) {
                a.place = Some(place.to_owned());
            } else {
                e.push(
                    "place",
                    "Select the area you live in from the list, or leave it blank",
                );
            }
        }
        e.into_result().map(|()| a)
    }

    /// The group a participant is counted in for each characteristic, `None` when not stated.
    /// Ethnic categories are rolled up to the NHS 5 groups, as the footprint's Census figures are.
    pub fn groups(&self) -> Vec<(&'static str, Vec<String>)> {
        let stated = |v: &Option<String>| -> Vec<String> {
            v.iter()
                .filter(|s| *s != PREFER_NOT_TO_SAY)
                .cloned()
                .collect()
        };
        let ethnic = self
            .ethnic_category
            .as_deref()
            .and_then(|c| EthnicCategory::parse(c).ok())
            .filter(|c| !matches!(c, EthnicCategory::Z | EthnicCategory::NotKnown))
            .map(|c| c.group().label().to_owned());
        let plus = self
            .plus_groups
            .iter()
            .filter(|g| *g != PREFER_NOT_TO_SAY)
            .map(|g| {
                InclusionGroup::ALL
                    .into_iter()
                    .find(|x| x.column() == g)
                    .map_or_else(|| "None of these".to_owned(), |x| x.label().to_owned())
            })
            .collect();
        vec![
            ("age_band", stated(&self.age_band)),
            ("sex", stated(&self.sex)),
            ("ethnic_group", ethnic.into_iter().collect()),
            (
                "imd_quintile",
                self.imd_quintile
                    .map(|q| q.to_string())
                    .into_iter()
                    .collect(),
            ),
            ("place", self.place.iter().cloned().collect()),
            ("disability", stated(&self.disability)),
            ("carer", stated(&self.carer)),
            ("sexual_orientation", stated(&self.sexual_orientation)),
            ("plus_groups", plus),
        ]
    }
}

/// The characteristics of who is heard, `(key, heading)`, in the order of the page.
pub const CHARACTERISTICS: [(&str, &str); 9] = [
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("ethnic_group", "Ethnic group"),
    (
        "imd_quintile",
        "Deprivation of home area (IMD quintile, 1 = most deprived)",
    ),
    ("place", "Place"),
    ("disability", "Disability or long-term condition"),
    ("carer", "Carer"),
    ("sexual_orientation", "Sexual orientation"),
    ("plus_groups", "Inclusion health (PLUS) groups"),
];

/// Participants by characteristic and group, with no population yet (the caller adds it).
/// A participant of several PLUS groups is counted in each, so those groups do not add up to
/// the participants.
pub fn tally(all: &[MonitoringAnswers]) -> Vec<CharacteristicCounts> {
    let mut out: Vec<CharacteristicCounts> = CHARACTERISTICS
        .iter()
        .map(|(k, label)| CharacteristicCounts {
            key: (*k).to_owned(),
            label: (*label).to_owned(),
            groups: Vec::new(),
            not_stated: 0,
            population: None,
        })
        .collect();
    for a in all {
        for (key, groups) in a.groups() {
            let Some(slot) = out.iter_mut().find(|c| c.key == key) else {
                continue;
            };
            if groups.is_empty() {
                slot.not_stated += 1;
            }
            for g in groups {
                match slot.groups.iter_mut().find(|(x, _)| *x == g) {
                    Some((_, n)) => *n += 1,
                    None => slot.groups.push((g, 1)),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(values: &[(&str, &str)], lsoa: &str) -> MonitoringForm {
        MonitoringForm {
            values: values
                .iter()
                .map(|(a, b)| ((*a).into(), (*b).into()))
                .collect(),
            lsoa: lsoa.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_place_is_chosen_from_the_footprints() {
        let mut f = form(&[], "");
        f.places = vec!["Charnwood".into(), "Leicester".into()];
        f.place = " Charnwood ".into();
        let a = MonitoringAnswers::read(&f).unwrap();
        assert_eq!(a.place.as_deref(), Some("Charnwood"));
        assert_eq!(
            a.imd_quintile, None,
            "a place alone gives no deprivation quintile"
        );
        assert!(
            a.groups()
                .contains(&("place", vec!["Charnwood".to_owned()]))
        );
        f.place = "Nottingham".into();
        assert_eq!(
            MonitoringAnswers::read(&f).unwrap_err().get("place"),
            Some("Select the area you live in from the list, or leave it blank")
        );
    }

    #[test]
    fn every_question_offers_prefer_not_to_say() {
        let qs = questions();
        assert_eq!(qs.len(), 7);
        for q in &qs {
            assert_eq!(q.options.last().unwrap().0, PREFER_NOT_TO_SAY, "{}", q.id);
        }
        let eth = qs.iter().find(|q| q.id == "ethnic_category").unwrap();
        assert_eq!(eth.options.len(), 17, "16 categories and prefer not to say");
        assert_eq!(qs[0].options[6].0, "75+");
    }

    #[test]
    fn answers_are_read_and_grouped() {
        let a = MonitoringAnswers::read(&form(
            &[
                ("age_band", "25-34"),
                ("ethnic_category", "N"),
                ("sex", PREFER_NOT_TO_SAY),
                ("plus_groups", "homeless"),
                ("plus_groups", "refugee_or_asylum_seeker"),
            ],
            " e01000001 ",
        ))
        .unwrap();
        assert_eq!(a.lsoa.as_deref(), Some("E01000001"));
        let g = a.groups();
        assert_eq!(g[0], ("age_band", vec!["25-34".to_owned()]));
        assert_eq!(g[1], ("sex", vec![]));
        assert_eq!(
            g[2],
            ("ethnic_group", vec!["Black or Black British".to_owned()])
        );
        assert_eq!(
            g[8].1,
            vec!["Experiencing homelessness", "Refugee or asylum seeker"]
        );
    }

    #[test]
    fn bad_answers_name_their_field() {
        let e = MonitoringAnswers::read(&form(
            &[
                ("age_band", "12-15"),
                ("sex", "Female"),
                ("sex", "Male"),
                ("plus_groups", "none"),
                ("plus_groups", "homeless"),
                ("shoe_size", "9"),
            ],
            "SW1A 1AA",
        ))
        .unwrap_err();
        assert_eq!(e.get("age_band"), Some("Select from the options given"));
        assert_eq!(e.get("sex"), Some("Select one option"));
        assert!(e.get("plus_groups").unwrap().contains("on its own"));
        assert!(e.get("lsoa").unwrap().starts_with("Enter an area code"));
        assert_eq!(e.get("shoe_size"), Some("Unknown question \"shoe_size\""));
    }

    #[test]
    fn tally_counts_not_stated() {
        let a = MonitoringAnswers {
            sex: Some("Female".into()),
            ..Default::default()
        };
        let b = MonitoringAnswers {
            sex: Some(PREFER_NOT_TO_SAY.into()),
            ..Default::default()
        };
        let t = tally(&[a.clone(), a, b]);
        let sex = t.iter().find(|c| c.key == "sex").unwrap();
        assert_eq!(sex.groups, vec![("Female".to_owned(), 2)]);
        assert_eq!(sex.not_stated, 1);
    }
}

//! Facts about people: stated gender, age bands, recorded flags, the PLUS inclusion
//! groups, clinical registers and the nine protected characteristics.

use crate::VocabError;

/// NHS Data Dictionary PERSON STATED GENDER CODE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    /// 1: Male
    Male,
    /// 2: Female
    Female,
    /// 9: Indeterminate (unable to be classified as either male or female)
    Indeterminate,
    /// X: Not known (not recorded); also written `0` or left blank
    NotKnown,
}

impl Sex {
    /// Every code, in code order.
    pub const ALL: [Sex; 4] = [Sex::Male, Sex::Female, Sex::Indeterminate, Sex::NotKnown];

    /// Parses `1`, `2`, `9`, `X`; `0` and blank mean not known.
    pub fn parse(s: &str) -> Result<Sex, VocabError> {
        match s.trim() {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "9" => Ok(Sex::Indeterminate),
            "X" | "x" | "0" | "" => Ok(Sex::NotKnown),
            _ => Err(VocabError::new(
                "expected a person stated gender code: 1, 2, 9, X (or 0/blank for not known)",
            )),
        }
    }

    /// The code as stored: `1`, `2`, `9` or `X`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
            Sex::Indeterminate => "9",
            Sex::NotKnown => "X",
        }
    }

    /// The label used in outputs.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "Male",
            Sex::Female => "Female",
            Sex::Indeterminate => "Indeterminate",
            Sex::NotKnown => "Not known",
        }
    }
}

/// One age band: `[lower, upper]` inclusive, or open-ended (`upper = None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgeBand {
    /// First age in the band.
    pub lower: u8,
    /// Last age in the band; `None` for the open final band.
    pub upper: Option<u8>,
}

impl AgeBand {
    /// `"0-4"`, `"85-89"`, `"90+"`.
    pub fn label(&self) -> String {
        match self.upper {
            Some(u) => format!("{}-{}", self.lower, u),
            None => format!("{}+", self.lower),
        }
    }
}

/// A set of contiguous age bands starting at 0 and ending in an open band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBands {
    lowers: Vec<u8>,
}

impl AgeBands {
    /// The 19 bands of the European Standard Population 2013 as used by OHID
    /// (0-4, 5-9, …, 85-89, 90+).
    pub fn esp2013() -> AgeBands {
        AgeBands {
            lowers: (0..=90).step_by(5).collect(),
        }
    }

    /// Custom bands from their lower bounds, which must start at 0 and strictly increase;
    /// the last band is open-ended. For example `[0, 18, 65]` gives 0-17, 18-64, 65+.
    pub fn from_lower_bounds(lowers: &[u8]) -> Result<AgeBands, VocabError> {
        if lowers.first() != Some(&0) {
            return Err(VocabError::new("age bands must start at 0"));
        }
        if lowers.windows(2).any(|w| w[0] >= w[1]) {
            return Err(VocabError::new(
                "age band lower bounds must strictly increase",
            ));
        }
        Ok(AgeBands {
            lowers: lowers.to_vec(),
        })
    }

    /// The number of bands.
    pub fn len(&self) -> usize {
        self.lowers.len()
    }

    /// Always false: a band set has at least one band.
    pub fn is_empty(&self) -> bool {
        self.lowers.is_empty()
    }

    /// The index of the band holding `age`.
    pub fn index_of(&self, age: u8) -> usize {
        self.lowers.partition_point(|&l| l <= age) - 1
    }

    /// The band at `index`.
    pub fn band(&self, index: usize) -> AgeBand {
        AgeBand {
            lower: self.lowers[index],
            upper: self.lowers.get(index + 1).map(|n| n - 1),
        }
    }

    /// The band holding `age`.
    pub fn band_of(&self, age: u8) -> AgeBand {
        self.band(self.index_of(age))
    }

    /// All bands in order.
    pub fn bands(&self) -> impl Iterator<Item = AgeBand> + '_ {
        (0..self.len()).map(|i| self.band(i))
    }
}

/// A recorded yes/no flag. Blank is "not recorded", kept distinct from No.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// Y, 1, true
    Yes,
    /// N, 0, false
    No,
    /// Blank
    NotRecorded,
}

impl Flag {
    /// Parses `Y`/`N`/`1`/`0`/`true`/`false` (any case) or blank.
    pub fn parse(s: &str) -> Result<Flag, VocabError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Flag::NotRecorded);
        }
        // Compared in place, not lower-cased into a new string: this runs once per row.
        let is = |words: [&str; 3]| words.iter().any(|w| w.eq_ignore_ascii_case(s));
        if is(["y", "1", "true"]) {
            Ok(Flag::Yes)
        } else if is(["n", "0", "false"]) {
            Ok(Flag::No)
        } else {
            Err(VocabError::new(
                "expected a flag: Y, N, 1, 0, true, false or blank",
            ))
        }
    }

    /// `Some(true)`, `Some(false)`, or `None` when not recorded.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Flag::Yes => Some(true),
            Flag::No => Some(false),
            Flag::NotRecorded => None,
        }
    }
}

/// The PLUS inclusion groups recorded in the `population` dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InclusionGroup {
    /// People with a learning disability
    LearningDisability,
    /// Autistic people
    Autism,
    /// People with severe mental illness
    Smi,
    /// People experiencing homelessness
    Homeless,
    /// Carers
    Carer,
    /// Armed forces community
    ArmedForces,
    /// Refugees and asylum seekers
    RefugeeOrAsylumSeeker,
    /// Gypsy, Roma and Traveller communities
    GypsyRomaTraveller,
}

/// The person flag columns of the `population` contract: the inclusion groups, then the
/// registers.
pub fn person_flag_columns() -> impl Iterator<Item = &'static str> {
    InclusionGroup::ALL
        .into_iter()
        .map(InclusionGroup::column)
        .chain(Register::ALL.into_iter().map(Register::column))
}

impl InclusionGroup {
    /// Every group.
    pub const ALL: [InclusionGroup; 8] = [
        InclusionGroup::LearningDisability,
        InclusionGroup::Autism,
        InclusionGroup::Smi,
        InclusionGroup::Homeless,
        InclusionGroup::Carer,
        InclusionGroup::ArmedForces,
        InclusionGroup::RefugeeOrAsylumSeeker,
        InclusionGroup::GypsyRomaTraveller,
    ];

    /// The contract column name, also the breakdown name.
    pub fn column(self) -> &'static str {
        match self {
            InclusionGroup::LearningDisability => "learning_disability",
            InclusionGroup::Autism => "autism",
            InclusionGroup::Smi => "smi",
            InclusionGroup::Homeless => "homeless",
            InclusionGroup::Carer => "carer",
            InclusionGroup::ArmedForces => "armed_forces",
            InclusionGroup::RefugeeOrAsylumSeeker => "refugee_or_asylum_seeker",
            InclusionGroup::GypsyRomaTraveller => "gypsy_roma_traveller",
        }
    }

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            InclusionGroup::LearningDisability => "Learning disability",
            InclusionGroup::Autism => "Autism",
            InclusionGroup::Smi => "Severe mental illness",
            InclusionGroup::Homeless => "Experiencing homelessness",
            InclusionGroup::Carer => "Carer",
            InclusionGroup::ArmedForces => "Armed forces",
            InclusionGroup::RefugeeOrAsylumSeeker => "Refugee or asylum seeker",
            InclusionGroup::GypsyRomaTraveller => "Gypsy, Roma and Traveller",
        }
    }
}

/// Clinical registers recorded in the `population` dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Register {
    /// Chronic obstructive pulmonary disease
    Copd,
    /// Hypertension
    Hypertension,
    /// Diabetes
    Diabetes,
}

impl Register {
    /// Every register.
    pub const ALL: [Register; 3] = [Register::Copd, Register::Hypertension, Register::Diabetes];

    /// The contract column name.
    pub fn column(self) -> &'static str {
        match self {
            Register::Copd => "copd",
            Register::Hypertension => "hypertension",
            Register::Diabetes => "diabetes",
        }
    }
}

/// The nine protected characteristics of the Equality Act 2010, s.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtectedCharacteristic {
    /// Age
    Age,
    /// Disability
    Disability,
    /// Gender reassignment
    GenderReassignment,
    /// Marriage and civil partnership
    MarriageAndCivilPartnership,
    /// Pregnancy and maternity
    PregnancyAndMaternity,
    /// Race
    Race,
    /// Religion or belief
    ReligionOrBelief,
    /// Sex
    Sex,
    /// Sexual orientation
    SexualOrientation,
}

impl ProtectedCharacteristic {
    /// All nine, in the order of the Act.
    pub const ALL: [ProtectedCharacteristic; 9] = [
        ProtectedCharacteristic::Age,
        ProtectedCharacteristic::Disability,
        ProtectedCharacteristic::GenderReassignment,
        ProtectedCharacteristic::MarriageAndCivilPartnership,
        ProtectedCharacteristic::PregnancyAndMaternity,
        ProtectedCharacteristic::Race,
        ProtectedCharacteristic::ReligionOrBelief,
        ProtectedCharacteristic::Sex,
        ProtectedCharacteristic::SexualOrientation,
    ];

    /// The wording of the Act.
    pub fn label(self) -> &'static str {
        match self {
            ProtectedCharacteristic::Age => "Age",
            ProtectedCharacteristic::Disability => "Disability",
            ProtectedCharacteristic::GenderReassignment => "Gender reassignment",
            ProtectedCharacteristic::MarriageAndCivilPartnership => {
                "Marriage and civil partnership"
            }
            ProtectedCharacteristic::PregnancyAndMaternity => "Pregnancy and maternity",
            ProtectedCharacteristic::Race => "Race",
            ProtectedCharacteristic::ReligionOrBelief => "Religion or belief",
            ProtectedCharacteristic::Sex => "Sex",
            ProtectedCharacteristic::SexualOrientation => "Sexual orientation",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_flags_are_the_eleven_contract_columns() {
        let flags: Vec<&str> = person_flag_columns().collect();
        assert_eq!(flags.len(), 11);
        for f in [
            "learning_disability",
            "smi",
            "gypsy_roma_traveller",
            "copd",
            "diabetes",
        ] {
            assert!(flags.contains(&f), "{f}");
        }
    }

    #[test]
    fn sex_codes() {
        assert_eq!(Sex::parse("1").unwrap(), Sex::Male);
        assert_eq!(Sex::parse("0").unwrap(), Sex::NotKnown);
        assert_eq!(Sex::parse("").unwrap().code(), "X");
        assert!(Sex::parse("M").is_err());
        assert!(Sex::parse("3").is_err());
    }

    #[test]
    fn esp_bands() {
        let b = AgeBands::esp2013();
        assert_eq!(b.len(), 19);
        assert_eq!(b.band_of(0).label(), "0-4");
        assert_eq!(b.band_of(4).label(), "0-4");
        assert_eq!(b.band_of(5).label(), "5-9");
        assert_eq!(b.band_of(89).label(), "85-89");
        assert_eq!(b.band_of(90).label(), "90+");
        assert_eq!(b.band_of(120).label(), "90+");
    }

    #[test]
    fn custom_bands() {
        let b = AgeBands::from_lower_bounds(&[0, 10, 18, 65]).unwrap();
        let labels: Vec<_> = b.bands().map(|b| b.label()).collect();
        assert_eq!(labels, ["0-9", "10-17", "18-64", "65+"]);
        assert_eq!(b.index_of(9), 0);
        assert_eq!(b.index_of(10), 1);
        assert!(AgeBands::from_lower_bounds(&[5, 10]).is_err());
        assert!(AgeBands::from_lower_bounds(&[0, 10, 10]).is_err());
    }

    #[test]
    fn flags_keep_not_recorded_apart() {
        assert_eq!(Flag::parse("Y").unwrap(), Flag::Yes);
        assert_eq!(Flag::parse("true").unwrap(), Flag::Yes);
        assert_eq!(Flag::parse("0").unwrap(), Flag::No);
        assert_eq!(Flag::parse(" ").unwrap(), Flag::NotRecorded);
        assert_eq!(Flag::parse("").unwrap().as_bool(), None);
        assert!(Flag::parse("maybe").is_err());
    }

    #[test]
    fn nine_characteristics() {
        assert_eq!(ProtectedCharacteristic::ALL.len(), 9);
    }
}

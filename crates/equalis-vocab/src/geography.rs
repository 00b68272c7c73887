//! English small-area geography and deprivation: LSOA codes, IMD deciles tagged with the
//! edition of the English Indices of Deprivation they come from, Core20, ODS codes.

use std::fmt;

use crate::VocabError;

/// A Lower layer Super Output Area code for England: `E01` and six digits.
///
/// The format alone cannot tell 2011 from 2021 codes (most are in both); `equalis-refdata`
/// detects the vintage against the ONS lookups.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LsoaCode([u8; 9]);

impl LsoaCode {
    /// Parses `E01` + 6 digits. Welsh codes (`W01…`) get their own message, since a
    /// border ICB's extract can contain them.
    pub fn parse(s: &str) -> Result<LsoaCode, VocabError> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() == 9 && b[..3].eq_ignore_ascii_case(b"W01") {
            return Err(VocabError::new(
                "Welsh LSOA: equalis covers England (E01 codes) only",
            ));
        }
        if b.len() != 9
            || !b[..3].eq_ignore_ascii_case(b"E01")
            || !b[3..].iter().all(u8::is_ascii_digit)
        {
            return Err(VocabError::new(
                "expected an LSOA code: E01 followed by 6 digits",
            ));
        }
        let mut code = [0u8; 9];
        code.copy_from_slice(b);
        code[0] = b'E';
        Ok(LsoaCode(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("E01??????")
    }
}

impl fmt::Display for LsoaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for LsoaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LsoaCode({})", self.as_str())
    }
}

/// The census boundaries an LSOA code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LsoaVintage {
    /// 2011 Census boundaries (32,844 English LSOAs), used by IoD 2019.
    Lsoa2011,
    /// 2021 Census boundaries (33,755 English LSOAs), used by IoD 2025.
    Lsoa2021,
}

impl LsoaVintage {
    /// `"2011"` or `"2021"`.
    pub fn label(self) -> &'static str {
        match self {
            LsoaVintage::Lsoa2011 => "2011",
            LsoaVintage::Lsoa2021 => "2021",
        }
    }
}

/// An edition of the English Indices of Deprivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IodEdition {
    /// IoD 2019, on 2011 LSOAs.
    Iod2019,
    /// IoD 2025, on 2021 LSOAs.
    Iod2025,
}

impl IodEdition {
    /// The LSOA boundaries the edition is published on.
    pub fn vintage(self) -> LsoaVintage {
        match self {
            IodEdition::Iod2019 => LsoaVintage::Lsoa2011,
            IodEdition::Iod2025 => LsoaVintage::Lsoa2021,
        }
    }

    /// `"IoD2019"` or `"IoD2025"`: the tag every derived deprivation field carries.
    pub fn label(self) -> &'static str {
        match self {
            IodEdition::Iod2019 => "IoD2019",
            IodEdition::Iod2025 => "IoD2025",
        }
    }

    /// Parses `2019`, `2025`, `IoD2019` or `IoD2025` (any case).
    pub fn parse(s: &str) -> Result<IodEdition, VocabError> {
        match s.trim().to_ascii_lowercase().trim_start_matches("iod") {
            "2019" => Ok(IodEdition::Iod2019),
            "2025" => Ok(IodEdition::Iod2025),
            _ => Err(VocabError::new("expected an IoD edition: 2019 or 2025")),
        }
    }
}

/// A national IMD decile, 1 = most deprived 10% of LSOAs in England.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImdDecile(u8);

impl ImdDecile {
    /// A decile from 1 to 10.
    pub fn new(decile: u8) -> Result<ImdDecile, VocabError> {
        if (1..=10).contains(&decile) {
            Ok(ImdDecile(decile))
        } else {
            Err(VocabError::new("expected an IMD decile from 1 to 10"))
        }
    }

    /// 1 to 10.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The national quintile, 1 = most deprived 20%.
    pub fn quintile(self) -> u8 {
        self.0.div_ceil(2)
    }

    /// Core20: the most deprived 20% nationally, i.e. deciles 1 and 2.
    pub fn core20(self) -> Core20 {
        if self.0 <= 2 {
            Core20::Core20
        } else {
            Core20::NotCore20
        }
    }
}

/// A deprivation fact about an LSOA, tagged with the edition it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Imd {
    /// The IoD edition.
    pub edition: IodEdition,
    /// Rank among English LSOAs, 1 = most deprived.
    pub rank: u32,
    /// National decile.
    pub decile: ImdDecile,
    /// IMD score (higher = more deprived).
    pub score: f64,
}

/// Whether a person lives in the Core20: the most deprived 20% of LSOAs nationally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Core20 {
    /// IMD deciles 1–2.
    Core20,
    /// IMD deciles 3–10.
    NotCore20,
}

impl Core20 {
    /// `"Core20"` or `"Not Core20"`.
    pub fn label(self) -> &'static str {
        match self {
            Core20::Core20 => "Core20",
            Core20::NotCore20 => "Not Core20",
        }
    }
}

/// An ODS organisation code (trust, practice, PCN, ICB): 3 to 6 upper-case letters and
/// digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OdsCode(String);

impl OdsCode {
    /// Parses an ODS code. Lower case is rejected rather than silently upper-cased, because
    /// the contract says values are never silently changed.
    pub fn parse(s: &str) -> Result<OdsCode, VocabError> {
        let s = s.trim();
        if (3..=6).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            Ok(OdsCode(s.to_owned()))
        } else {
            Err(VocabError::new(
                "expected an ODS code: 3 to 6 upper-case letters and digits",
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OdsCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsoa_codes() {
        assert_eq!(LsoaCode::parse("E01000001").unwrap().as_str(), "E01000001");
        assert_eq!(LsoaCode::parse("e01000001").unwrap().as_str(), "E01000001");
        assert!(
            LsoaCode::parse("W01000001")
                .unwrap_err()
                .0
                .contains("Welsh")
        );
        assert!(LsoaCode::parse("E02000001").is_err());
        assert!(LsoaCode::parse("E0100001").is_err());
        assert!(LsoaCode::parse("E01A00001").is_err());
    }

    #[test]
    fn deciles_quintiles_core20() {
        let q: Vec<u8> = (1..=10)
            .map(|d| ImdDecile::new(d).unwrap().quintile())
            .collect();
        assert_eq!(q, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(ImdDecile::new(2).unwrap().core20(), Core20::Core20);
        assert_eq!(ImdDecile::new(3).unwrap().core20().label(), "Not Core20");
        assert!(ImdDecile::new(0).is_err());
        assert!(ImdDecile::new(11).is_err());
    }

    #[test]
    fn editions() {
        assert_eq!(IodEdition::parse("2019").unwrap(), IodEdition::Iod2019);
        assert_eq!(
            IodEdition::parse("IoD2025").unwrap().vintage(),
            LsoaVintage::Lsoa2021
        );
        assert!(IodEdition::parse("2015").is_err());
    }

    #[test]
    fn ods_codes() {
        assert!(OdsCode::parse("RWE").is_ok());
        assert!(OdsCode::parse("C82001").is_ok());
        assert!(OdsCode::parse("rwe").is_err());
        assert!(OdsCode::parse("RW").is_err());
        assert!(OdsCode::parse("RWE0000").is_err());
        assert!(OdsCode::parse("RW-E").is_err());
    }
}

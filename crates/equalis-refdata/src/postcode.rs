//! Where a postcode is: the coordinates a directory search measures distance from.
//!
//! Two tables derived from the ONS National Statistics Postcode Lookup (NSPL, May 2025;
//! `data/PROVENANCE.md`) back it: every postcode of the areas in [`FULL_POSTCODE_AREAS`]
//! (the synthetic ICS's footprint) with its own point, and the centre of every postcode
//! sector of the UK (the median of its postcodes' points) for everywhere else. A district
//! (`LE1`) is placed at the postcode-weighted mean of its sectors.
//!
//! Where the full table covers an area, a full postcode that is not in it is refused
//! rather than placed at its sector: in that area it is a mistyped or never-issued
//! postcode, and a search around the wrong place would look like an answer.

use std::collections::HashMap;
use std::fmt;

/// The postcode areas (the letters before the first digit) whose every postcode is
/// shipped with its own coordinates.
pub const FULL_POSTCODE_AREAS: &[&str] = &["LE"];

/// A postcode as typed, normalised: a full postcode (`LE1 1AA`), a sector (`LE1 1`) or a
/// district (`LE1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeQuery {
    /// A full postcode, outward and inward code separated by one space.
    Full(String),
    /// A postcode sector: the outward code and the inward code's digit.
    Sector(String),
    /// A postcode district: the outward code.
    District(String),
}

impl PostcodeQuery {
    /// Reads a postcode, sector or district in any case and spacing (`le11aa`,
    /// `LE1  1AA`, `le1 1`, `LE1`).
    pub fn parse(input: &str) -> Result<PostcodeQuery, PostcodeError> {
        let malformed = || PostcodeError::Malformed {
            input: input.trim().to_owned(),
        };
        let upper = input.trim().to_ascii_uppercase();
        let words: Vec<&str> = upper.split_whitespace().collect();
        match words.as_slice() {
            [one] => {
                if one.len() >= 5 {
                    let (out, inw) = one.split_at(one.len() - 3);
                    if is_outward(out) && is_inward(inw) {
                        return Ok(PostcodeQuery::Full(format!("{out} {inw}")));
                    }
                }
                if is_outward(one) {
                    Ok(PostcodeQuery::District((*one).to_owned()))
                } else {
                    Err(malformed())
                }
            }
            [out, inw] if is_outward(out) && is_inward(inw) => {
                Ok(PostcodeQuery::Full(format!("{out} {inw}")))
            }
            [out, digit] if is_outward(out) && digit.len() == 1 && is_digit_str(digit) => {
                Ok(PostcodeQuery::Sector(format!("{out} {digit}")))
            }
            _ => Err(malformed()),
        }
    }

    /// The normalised text (`LE1 1AA`, `LE1 1`, `LE1`).
    pub fn as_str(&self) -> &str {
        match self {
            PostcodeQuery::Full(s) | PostcodeQuery::Sector(s) | PostcodeQuery::District(s) => s,
        }
    }

    /// The postcode area: the letters before the district's digit (`LE`).
    pub fn area(&self) -> &str {
        let s = self.as_str();
        let end = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
        &s[..end]
    }

    fn outward(&self) -> &str {
        self.as_str().split(' ').next().unwrap_or_default()
    }

    fn sector(&self) -> Option<&str> {
        match self {
            PostcodeQuery::Full(s) => Some(&s[..s.len() - 2]),
            PostcodeQuery::Sector(s) => Some(s),
            PostcodeQuery::District(_) => None,
        }
    }
}

fn is_digit_str(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// An outward code: one or two letters, a digit, then an optional digit or letter
/// (`B1`, `LE11`, `EC1A`, `W1A`).
fn is_outward(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    b[letters].is_ascii_digit() && b[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric())
}

/// An inward code: a digit and two letters.
fn is_inward(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1..].iter().all(|c| c.is_ascii_uppercase())
}

/// How closely a [`PostcodeLocation`] places a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostcodePrecision {
    /// The postcode's own point (within about 100 metres).
    Postcode,
    /// The centre of the postcode sector (within a kilometre or two).
    Sector,
    /// The centre of the postcode district (within a few kilometres).
    District,
}

/// Where a postcode, sector or district is.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeLocation {
    /// The query, normalised (`LE1 1AA`).
    pub query: PostcodeQuery,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Longitude (WGS84).
    pub long: f64,
    /// Whether the point is the postcode's own or its sector's or district's centre.
    pub precision: PostcodePrecision,
}

/// Why a postcode could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Not the shape of a UK postcode, sector or district.
    #[error(
        "`{input}` is not a UK postcode: enter a full postcode such as LE1 1AA, or the first part such as LE1"
    )]
    Malformed {
        /// What was typed.
        input: String,
    },
    /// A well-formed postcode that the ONS lookup does not have.
    #[error(
        "postcode {postcode} was not found: check it, or enter only its first part (such as {district})"
    )]
    NotFound {
        /// The normalised query.
        postcode: String,
        /// Its district, to suggest.
        district: String,
    },
}

/// The parsed postcode tables.
/// Why a postcode gave no LSOA ([`crate::RefData::postcode_lsoa21`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeLsoaError {
    /// Not the shape of a UK postcode.
    #[error("`{input}` is not a UK postcode: enter a full postcode such as LE1 1AA")]
    Malformed {
        /// What was typed, trimmed.
        input: String,
    },
    /// Only a district or sector (`LE1`, `LE1 1`), which spans many neighbourhoods.
    #[error(
        "{input} is only the first part of a postcode: enter the full postcode, such as LE1 1AA"
    )]
    Partial {
        /// The district or sector, normalised.
        input: String,
    },
    /// A full postcode the lookup does not hold: outside the LE area, or not placed.
    #[error(
        "postcode {postcode} is not one equalis can place in a neighbourhood (it knows the LE area's)"
    )]
    NotCovered {
        /// The postcode, normalised.
        postcode: String,
    },
}

pub(crate) struct Postcodes {
    pub(crate) full: HashMap<String, (f64, f64)>,
    pub(crate) sectors: HashMap<String, (f64, f64, u32)>,
    pub(crate) districts: HashMap<String, (f64, f64)>,
}

impl Postcodes {
    pub(crate) fn new(
        full: HashMap<String, (f64, f64)>,
        sectors: HashMap<String, (f64, f64, u32)>,
    ) -> Postcodes {
        let mut sums: HashMap<String, (f64, f64, f64)> = HashMap::new();
        for (sector, &(lat, long, n)) in &sectors {
            let district = sector.split(' ').next().unwrap_or_default().to_owned();
            let e = sums.entry(district).or_default();
            let w = f64::from(n);
            *e = (e.0 + lat * w, e.1 + long * w, e.2 + w);
        }
        let districts = sums
            .into_iter()
            .filter(|(_, (_, _, w))| *w > 0.0)
            .map(|(d, (lat, long, w))| (d, (lat / w, long / w)))
            .collect();
        Postcodes {
            full,
            sectors,
            districts,
        }
    }

    pub(crate) fn locate(&self, query: PostcodeQuery) -> Result<PostcodeLocation, PostcodeError> {
        let not_found = |q: &PostcodeQuery| PostcodeError::NotFound {
            postcode: q.as_str().to_owned(),
            district: q.outward().to_owned(),
        };
        let found = |q: PostcodeQuery, (lat, long): (f64, f64), precision| PostcodeLocation {
            query: q,
            lat,
            long,
            precision,
        };
        if let PostcodeQuery::Full(pc) = &query {
            if let Some(&point) = self.full.get(pc) {
                return Ok(found(query, point, PostcodePrecision::Postcode));
            }
            if FULL_POSTCODE_AREAS.contains(&query.area()) {
                return Err(not_found(&query));
            }
        }
        if let Some(sector) = query.sector() {
            return match self.sectors.get(sector) {
                Some(&(lat, long, _)) => Ok(found(query, (lat, long), PostcodePrecision::Sector)),
                None => Err(not_found(&query)),
            };
        }
        match self.districts.get(query.outward()) {
            Some(&point) => Ok(found(query, point, PostcodePrecision::District)),
            None => Err(not_found(&query)),
        }
    }
}

impl fmt::Display for PostcodePrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PostcodePrecision::Postcode => "postcode",
            PostcodePrecision::Sector => "postcode sector",
            PostcodePrecision::District => "postcode district",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_shape_and_spacing() {
        let full = |s: &str| PostcodeQuery::Full(s.to_owned());
        assert_eq!(PostcodeQuery::parse("le11aa"), Ok(full("LE1 1AA")));
        assert_eq!(PostcodeQuery::parse(" LE1   1AA "), Ok(full("LE1 1AA")));
        assert_eq!(PostcodeQuery::parse("EC1A1BB"), Ok(full("EC1A 1BB")));
        assert_eq!(PostcodeQuery::parse("w1a 0ax"), Ok(full("W1A 0AX")));
        assert_eq!(PostcodeQuery::parse("LE11 3TU"), Ok(full("LE11 3TU")));
        assert_eq!(
            PostcodeQuery::parse("le1 1"),
            Ok(PostcodeQuery::Sector("LE1 1".into()))
        );
        assert_eq!(
            PostcodeQuery::parse("LE11"),
            Ok(PostcodeQuery::District("LE11".into()))
        );
        assert_eq!(PostcodeQuery::parse("LE11 3TU").unwrap().area(), "LE");
    }

    #[test]
    fn refuses_what_is_not_a_postcode() {
        for bad in [
            "",
            "Leicester",
            "1AA",
            "LE1 1A",
            "LE1 AAA",
            "LEE1 1AA",
            "LE1 1AA X",
            "LE",
        ] {
            assert!(
                matches!(
                    PostcodeQuery::parse(bad),
                    Err(PostcodeError::Malformed { .. })
                ),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn a_district_is_the_weighted_mean_of_its_sectors() {
        let sectors = HashMap::from([
            ("AB1 1".to_owned(), (50.0, -1.0, 3)),
            ("AB1 2".to_owned(), (54.0, -3.0, 1)),
        ]);
        let p = Postcodes::new(HashMap::new(), sectors);
        let loc = p.locate(PostcodeQuery::parse("AB1").unwrap()).unwrap();
        assert_eq!(loc.precision, PostcodePrecision::District);
        assert!((loc.lat - 51.0).abs() < 1e-12 && (loc.long + 1.5).abs() < 1e-12);
    }
}

//! Placing a location from its postcode when no coordinates are given: a spreadsheet row or
//! the editor's form with an address but no latitude and longitude is put on the map at its
//! postcode's point, so that it is found by a search by distance.
//!
//! This crate ships no postcodes and does no look-ups itself: the caller gives a
//! [`Gazetteer`] (`equalis-app` gives the ONS Postcode Lookup shipped in `equalis-refdata`).
//! A postcode the gazetteer cannot place is a problem of the row, named by its `postcode`
//! column, never a location silently left off the map.

use std::fmt;

/// Where a postcode was placed, and how closely.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The postcode placed, normalised (`LE1 1AA`).
    pub postcode: String,
    /// WGS 84 latitude, degrees.
    pub latitude: f64,
    /// WGS 84 longitude, degrees.
    pub longitude: f64,
    /// Whether the point is the postcode's own (true) or the centre of its sector (false:
    /// the lookup does not have the postcode itself, only its sector).
    pub exact: bool,
}

impl Placement {
    /// The postcode sector (`LE1 1`): the postcode without its last two letters.
    pub fn sector(&self) -> &str {
        let pc = self.postcode.trim();
        pc.get(..pc.len().saturating_sub(2)).unwrap_or(pc).trim()
    }

    /// Whether `(latitude, longitude)` is this placement's point (as stored and read back:
    /// within a millionth of a degree, about 10 cm), so coordinates a save placed can be
    /// told from coordinates someone typed.
    pub fn is_at(&self, latitude: f64, longitude: f64) -> bool {
        (self.latitude - latitude).abs() < 1e-6 && (self.longitude - longitude).abs() < 1e-6
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exact {
            write!(
                f,
                "placed from postcode {} ({}, {})",
                self.postcode, self.latitude, self.longitude
            )
        } else {
            write!(
                f,
                "placed at the centre of postcode sector {} ({}, {}): postcode {} itself is not in the lookup, so give latitude and longitude for the exact place",
                self.sector(),
                self.latitude,
                self.longitude,
                self.postcode
            )
        }
    }
}

/// A postcode look-up: the point of a normalised UK postcode (`LE1 1AA`), or why it has none
/// (a reason that reads after the column's name: "is not in …").
pub trait Gazetteer {
    /// Places `postcode`.
    fn place(&self, postcode: &str) -> Result<Placement, String>;
}

impl<F: Fn(&str) -> Result<Placement, String>> Gazetteer for F {
    fn place(&self, postcode: &str) -> Result<Placement, String> {
        self(postcode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placement_says_how_close_it_is() {
        let p = Placement {
            postcode: "SW1A 1AA".into(),
            latitude: 51.50549,
            longitude: -0.13954,
            exact: false,
        };
        assert_eq!(p.sector(), "SW1A 1");
        assert_eq!(
            p.to_string(),
            "placed at the centre of postcode sector SW1A 1 (51.50549, -0.13954): postcode SW1A 1AA itself is not in the lookup, so give latitude and longitude for the exact place"
        );
        assert!(p.is_at(51.505490000001, -0.13954));
        assert!(!p.is_at(51.50559, -0.13954));
        let p = Placement {
            postcode: "LE1 1AA".into(),
            latitude: 52.63212,
            longitude: -1.12498,
            exact: true,
        };
        assert_eq!(p.sector(), "LE1 1");
        assert_eq!(
            p.to_string(),
            "placed from postcode LE1 1AA (52.63212, -1.12498)"
        );
    }
}

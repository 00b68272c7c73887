//! Ethnic category (NHS Data Dictionary, 2001 Census based), its 5-group roll-up, and the
//! Census 2021 high-level groups used for population comparisons.

use crate::VocabError;

/// NHS Data Dictionary ETHNIC CATEGORY: the 16 categories plus Not stated (`Z`) and
/// Not known (`99`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EthnicCategory {
    /// A: White – British
    A,
    /// B: White – Irish
    B,
    /// C: White – Any other White background
    C,
    /// D: Mixed – White and Black Caribbean
    D,
    /// E: Mixed – White and Black African
    E,
    /// F: Mixed – White and Asian
    F,
    /// G: Mixed – Any other mixed background
    G,
    /// H: Asian or Asian British – Indian
    H,
    /// J: Asian or Asian British – Pakistani
    J,
    /// K: Asian or Asian British – Bangladeshi
    K,
    /// L: Asian or Asian British – Any other Asian background
    L,
    /// M: Black or Black British – Caribbean
    M,
    /// N: Black or Black British – African
    N,
    /// P: Black or Black British – Any other Black background
    P,
    /// R: Other Ethnic Groups – Chinese
    R,
    /// S: Other Ethnic Groups – Any other ethnic group
    S,
    /// Z: Not stated (asked and declined)
    Z,
    /// 99: Not known (not asked or not recorded)
    NotKnown,
}

impl EthnicCategory {
    /// Every category, in code order.
    pub const ALL: [EthnicCategory; 18] = {
        use EthnicCategory::*;
        [A, B, C, D, E, F, G, H, J, K, L, M, N, P, R, S, Z, NotKnown]
    };

    /// Parses a code; blank means Not known (`99`), per the data contract.
    pub fn parse(s: &str) -> Result<EthnicCategory, VocabError> {
        let s = s.trim();
        if s.is_empty() || s == "99" {
            return Ok(EthnicCategory::NotKnown);
        }
        // Compared in place, not upper-cased into a new string: this runs once per row.
        EthnicCategory::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                VocabError::new(
                    "expected an NHS ethnic category code: A B C D E F G H J K L M N P R S Z or 99",
                )
            })
    }

    /// The Data Dictionary code.
    pub fn code(self) -> &'static str {
        use EthnicCategory::*;
        match self {
            A => "A",
            B => "B",
            C => "C",
            D => "D",
            E => "E",
            F => "F",
            G => "G",
            H => "H",
            J => "J",
            K => "K",
            L => "L",
            M => "M",
            N => "N",
            P => "P",
            R => "R",
            S => "S",
            Z => "Z",
            NotKnown => "99",
        }
    }

    /// The Data Dictionary description.
    pub fn description(self) -> &'static str {
        use EthnicCategory::*;
        match self {
            A => "White - British",
            B => "White - Irish",
            C => "White - Any other White background",
            D => "Mixed - White and Black Caribbean",
            E => "Mixed - White and Black African",
            F => "Mixed - White and Asian",
            G => "Mixed - Any other mixed background",
            H => "Asian or Asian British - Indian",
            J => "Asian or Asian British - Pakistani",
            K => "Asian or Asian British - Bangladeshi",
            L => "Asian or Asian British - Any other Asian background",
            M => "Black or Black British - Caribbean",
            N => "Black or Black British - African",
            P => "Black or Black British - Any other Black background",
            R => "Other Ethnic Groups - Chinese",
            S => "Other Ethnic Groups - Any other ethnic group",
            Z => "Not stated",
            NotKnown => "Not known",
        }
    }

    /// The 5-group roll-up (plus Not stated and Not known).
    pub fn group(self) -> EthnicGroup {
        use EthnicCategory::*;
        match self {
            A | B | C => EthnicGroup::White,
            D | E | F | G => EthnicGroup::Mixed,
            H | J | K | L => EthnicGroup::Asian,
            M | N | P => EthnicGroup::Black,
            R | S => EthnicGroup::Other,
            Z => EthnicGroup::NotStated,
            NotKnown => EthnicGroup::NotKnown,
        }
    }

    /// The Census 2021 high-level group this category is counted in, for comparing a
    /// registered or workforce population with residents. Census 2021 moved Chinese from
    /// "Other" into "Asian", so `R` maps to [`Census2021Group::Asian`] although its 2001
    /// roll-up is Other. Not stated and Not known have no Census group.
    pub fn census2021_group(self) -> Option<Census2021Group> {
        use EthnicCategory::*;
        Some(match self {
            A | B | C => Census2021Group::White,
            D | E | F | G => Census2021Group::Mixed,
            H | J | K | L | R => Census2021Group::Asian,
            M | N | P => Census2021Group::Black,
            S => Census2021Group::Other,
            Z | NotKnown => return None,
        })
    }

    /// WRES convention: White is categories A–C, BME is D–S, and Not stated / Not known
    /// are unknown (`None`) and excluded from relative likelihoods.
    pub fn is_bme(self) -> Option<bool> {
        match self.group() {
            EthnicGroup::White => Some(false),
            EthnicGroup::NotStated | EthnicGroup::NotKnown => None,
            _ => Some(true),
        }
    }
}

/// The 5 ethnic groups of the 2001-based roll-up, plus Not stated and Not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EthnicGroup {
    /// White (A, B, C)
    White,
    /// Mixed (D, E, F, G)
    Mixed,
    /// Asian or Asian British (H, J, K, L)
    Asian,
    /// Black or Black British (M, N, P)
    Black,
    /// Other ethnic groups (R, S)
    Other,
    /// Not stated (Z)
    NotStated,
    /// Not known (99)
    NotKnown,
}

impl EthnicGroup {
    /// Every group, in reporting order.
    pub const ALL: [EthnicGroup; 7] = [
        EthnicGroup::White,
        EthnicGroup::Mixed,
        EthnicGroup::Asian,
        EthnicGroup::Black,
        EthnicGroup::Other,
        EthnicGroup::NotStated,
        EthnicGroup::NotKnown,
    ];

    /// The label used in every equalis output.
    pub fn label(self) -> &'static str {
        match self {
            EthnicGroup::White => "White",
            EthnicGroup::Mixed => "Mixed",
            EthnicGroup::Asian => "Asian or Asian British",
            EthnicGroup::Black => "Black or Black British",
            EthnicGroup::Other => "Other",
            EthnicGroup::NotStated => "Not stated",
            EthnicGroup::NotKnown => "Not known",
        }
    }

    /// Parses a label written by [`EthnicGroup::label`].
    pub fn from_label(s: &str) -> Option<EthnicGroup> {
        EthnicGroup::ALL.into_iter().find(|g| g.label() == s)
    }
}

/// The 5 high-level ethnic groups of Census 2021 (England and Wales), in the order of the
/// ONS TS021 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Census2021Group {
    /// Asian, Asian British or Asian Welsh
    Asian,
    /// Black, Black British, Black Welsh, Caribbean or African
    Black,
    /// Mixed or Multiple ethnic groups
    Mixed,
    /// Other ethnic group
    Other,
    /// White
    White,
}

impl Census2021Group {
    /// Every group, in TS021 order.
    pub const ALL: [Census2021Group; 5] = [
        Census2021Group::Asian,
        Census2021Group::Black,
        Census2021Group::Mixed,
        Census2021Group::Other,
        Census2021Group::White,
    ];

    /// The ONS label.
    pub fn label(self) -> &'static str {
        match self {
            Census2021Group::Asian => "Asian, Asian British or Asian Welsh",
            Census2021Group::Black => "Black, Black British, Black Welsh, Caribbean or African",
            Census2021Group::Mixed => "Mixed or Multiple ethnic groups",
            Census2021Group::Other => "Other ethnic group",
            Census2021Group::White => "White",
        }
    }

    /// The NHS ethnic categories a synthetic person in this Census group is drawn from,
    /// with their approximate shares within the group in England (Census 2021).
    pub fn nhs_categories(self) -> &'static [(EthnicCategory, f64)] {
        use EthnicCategory::*;
        match self {
            Census2021Group::Asian => &[(H, 0.33), (J, 0.29), (K, 0.12), (L, 0.17), (R, 0.09)],
            Census2021Group::Black => &[(M, 0.25), (N, 0.63), (P, 0.12)],
            Census2021Group::Mixed => &[(D, 0.30), (E, 0.14), (F, 0.28), (G, 0.28)],
            Census2021Group::Other => &[(S, 1.0)],
            Census2021Group::White => &[(A, 0.89), (B, 0.02), (C, 0.09)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_roll_up() {
        for c in EthnicCategory::ALL {
            assert_eq!(EthnicCategory::parse(c.code()).unwrap(), c);
        }
        assert_eq!(EthnicCategory::parse("").unwrap(), EthnicCategory::NotKnown);
        assert_eq!(EthnicCategory::parse(" h ").unwrap(), EthnicCategory::H);
        assert!(EthnicCategory::parse("I").is_err());
        assert!(EthnicCategory::parse("O").is_err());
        assert!(EthnicCategory::parse("98").is_err());
        assert_eq!(EthnicCategory::N.group().label(), "Black or Black British");
        assert_eq!(EthnicCategory::Z.group().label(), "Not stated");
        assert_eq!(EthnicCategory::R.group(), EthnicGroup::Other);
        assert_eq!(
            EthnicCategory::R.census2021_group(),
            Some(Census2021Group::Asian)
        );
        assert_eq!(EthnicCategory::C.is_bme(), Some(false));
        assert_eq!(EthnicCategory::D.is_bme(), Some(true));
        assert_eq!(EthnicCategory::NotKnown.is_bme(), None);
    }

    #[test]
    fn labels_are_exactly_the_contract_labels() {
        let labels: Vec<_> = EthnicGroup::ALL.iter().map(|g| g.label()).collect();
        assert_eq!(
            labels,
            [
                "White",
                "Mixed",
                "Asian or Asian British",
                "Black or Black British",
                "Other",
                "Not stated",
                "Not known"
            ]
        );
        for g in EthnicGroup::ALL {
            assert_eq!(EthnicGroup::from_label(g.label()), Some(g));
        }
    }

    #[test]
    fn census_category_shares_sum_to_one_and_map_back() {
        for g in Census2021Group::ALL {
            let total: f64 = g.nhs_categories().iter().map(|(_, p)| p).sum();
            assert!((total - 1.0).abs() < 1e-9, "{g:?}");
            for (c, _) in g.nhs_categories() {
                assert_eq!(c.census2021_group(), Some(g));
            }
        }
    }
}

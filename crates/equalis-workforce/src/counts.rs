//! Headcounts split White / BME / unknown (the WRES convention) and Disabled /
//! non-disabled / unknown (the WDES convention), with their percentages and declaration rates.

use equalis_vocab::{Disability, EthnicCategory};

use crate::Figure;

const NO_STAFF: &str = "no staff in this group";

/// Headcount by WRES ethnicity: White (A–C), BME (D–S), unknown (Z, 99).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EthnicityCounts {
    /// White headcount.
    pub white: u64,
    /// BME headcount.
    pub bme: u64,
    /// Not stated or not known.
    pub unknown: u64,
    /// All.
    pub total: u64,
    /// White as % of all.
    pub white_pct: Figure,
    /// BME as % of all.
    pub bme_pct: Figure,
    /// Unknown as % of all.
    pub unknown_pct: Figure,
    /// BME as % of those whose ethnicity is known (parity comparisons use this).
    pub bme_pct_of_known: Figure,
    /// Known ethnicity as % of all: the declaration rate.
    pub declaration_rate_pct: Figure,
}

impl EthnicityCounts {
    /// Counts the categories given.
    pub fn from_categories(categories: impl IntoIterator<Item = EthnicCategory>) -> Self {
        let (mut white, mut bme, mut unknown) = (0, 0, 0);
        for c in categories {
            match c.is_bme() {
                Some(false) => white += 1,
                Some(true) => bme += 1,
                None => unknown += 1,
            }
        }
        Self::from_counts(white, bme, unknown)
    }

    /// Builds the percentages from the three counts.
    pub fn from_counts(white: u64, bme: u64, unknown: u64) -> Self {
        let total = white + bme + unknown;
        let t = total as f64;
        EthnicityCounts {
            white,
            bme,
            unknown,
            total,
            white_pct: Figure::percent(white as f64, t, NO_STAFF),
            bme_pct: Figure::percent(bme as f64, t, NO_STAFF),
            unknown_pct: Figure::percent(unknown as f64, t, NO_STAFF),
            bme_pct_of_known: Figure::percent(
                bme as f64,
                (white + bme) as f64,
                "no staff with a known ethnicity",
            ),
            declaration_rate_pct: Figure::percent((white + bme) as f64, t, NO_STAFF),
        }
    }
}

/// Headcount by WDES disability declaration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DisabilityCounts {
    /// Declared disabled.
    pub disabled: u64,
    /// Declared not disabled.
    pub non_disabled: u64,
    /// Unknown or prefer not to say.
    pub unknown: u64,
    /// All.
    pub total: u64,
    /// Disabled as % of all.
    pub disabled_pct: Figure,
    /// Non-disabled as % of all.
    pub non_disabled_pct: Figure,
    /// Unknown as % of all.
    pub unknown_pct: Figure,
    /// Disabled as % of those who declared either way.
    pub disabled_pct_of_known: Figure,
    /// Declared either way as % of all: the declaration rate shown beside every WDES metric.
    pub declaration_rate_pct: Figure,
}

impl DisabilityCounts {
    /// Counts the declarations given.
    pub fn from_declarations(d: impl IntoIterator<Item = Disability>) -> Self {
        let (mut dis, mut non, mut unk) = (0, 0, 0);
        for x in d {
            match x {
                Disability::Disabled => dis += 1,
                Disability::NotDisabled => non += 1,
                Disability::Unknown => unk += 1,
            }
        }
        Self::from_counts(dis, non, unk)
    }

    /// Builds the percentages from the three counts.
    pub fn from_counts(disabled: u64, non_disabled: u64, unknown: u64) -> Self {
        let total = disabled + non_disabled + unknown;
        let t = total as f64;
        DisabilityCounts {
            disabled,
            non_disabled,
            unknown,
            total,
            disabled_pct: Figure::percent(disabled as f64, t, NO_STAFF),
            non_disabled_pct: Figure::percent(non_disabled as f64, t, NO_STAFF),
            unknown_pct: Figure::percent(unknown as f64, t, NO_STAFF),
            disabled_pct_of_known: Figure::percent(
                disabled as f64,
                (disabled + non_disabled) as f64,
                "no staff with a known disability status",
            ),
            declaration_rate_pct: Figure::percent((disabled + non_disabled) as f64, t, NO_STAFF),
        }
    }
}

/// Percentage-point differences board − workforce, per ethnicity category (WRES indicator 9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EthnicityDifference {
    /// White % board − White % workforce.
    pub white_pp: Figure,
    /// BME % board − BME % workforce.
    pub bme_pp: Figure,
    /// Unknown % board − unknown % workforce.
    pub unknown_pp: Figure,
}

impl EthnicityDifference {
    /// `board − workforce` for each category.
    pub fn between(board: &EthnicityCounts, workforce: &EthnicityCounts) -> Self {
        EthnicityDifference {
            white_pp: board.white_pct.minus(workforce.white_pct),
            bme_pp: board.bme_pct.minus(workforce.bme_pct),
            unknown_pp: board.unknown_pct.minus(workforce.unknown_pct),
        }
    }
}

/// Percentage-point differences board − workforce, per disability category (WDES metric 10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DisabilityDifference {
    /// Disabled % board − Disabled % workforce.
    pub disabled_pp: Figure,
    /// Non-disabled % board − non-disabled % workforce.
    pub non_disabled_pp: Figure,
    /// Unknown % board − unknown % workforce.
    pub unknown_pp: Figure,
}

impl DisabilityDifference {
    /// `board − workforce` for each category.
    pub fn between(board: &DisabilityCounts, workforce: &DisabilityCounts) -> Self {
        DisabilityDifference {
            disabled_pp: board.disabled_pct.minus(workforce.disabled_pct),
            non_disabled_pp: board.non_disabled_pct.minus(workforce.non_disabled_pct),
            unknown_pp: board.unknown_pct.minus(workforce.unknown_pct),
        }
    }
}

//! The one error type of the crate: every way a selection can be refused.
//!
//! Messages name the volunteer, feature or quota at fault and, where the fix is known,
//! say what to change; they never end with a full stop (house style for one-line errors).

use std::fmt;

/// Why a pool, a set of quotas or a request cannot be turned into a panel.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SortitionError {
    /// Two volunteers share an identifier, so a selection could not say who was chosen.
    #[error("volunteer `{id}` appears more than once; every volunteer_id must be unique")]
    DuplicateVolunteer {
        /// The repeated identifier.
        id: String,
    },
    /// A volunteer has an empty identifier.
    #[error("volunteer number {index} (counting from 1) has an empty volunteer_id")]
    EmptyVolunteerId {
        /// One-based position in the pool.
        index: usize,
    },
    /// A volunteer's feature values do not line up with the pool's feature names.
    #[error("volunteer `{id}` has {found} feature values but the pool has {expected} features")]
    WrongValueCount {
        /// The volunteer.
        id: String,
        /// Number of features in the pool.
        expected: usize,
        /// Number of values the volunteer has.
        found: usize,
    },
    /// The same feature and value appear twice in the quotas.
    #[error("the quota for {feature} = {value} is given twice; keep one row")]
    DuplicateQuota {
        /// Feature name.
        feature: String,
        /// Value.
        value: String,
    },
    /// A quota whose minimum exceeds its maximum.
    #[error("the quota for {feature} = {value} has min {min} above max {max}")]
    QuotaMinAboveMax {
        /// Feature name.
        feature: String,
        /// Value.
        value: String,
        /// The minimum.
        min: u32,
        /// The maximum.
        max: u32,
    },
    /// The quotas name a feature the volunteers were not asked about.
    #[error(
        "the quotas use feature `{feature}` but the pool has no such column (it has: {available})"
    )]
    QuotaFeatureNotInPool {
        /// The missing feature.
        feature: String,
        /// The pool's features, comma-separated.
        available: String,
    },
    /// A volunteer's value for a quota feature has no quota row, so no panel could count them.
    #[error(
        "volunteer `{volunteer}` has {feature} = `{value}`, which has no quota (the quotas for {feature} cover: {known}); add a quota row for it or correct the value"
    )]
    UnknownValue {
        /// The volunteer.
        volunteer: String,
        /// Feature name.
        feature: String,
        /// The unmatched value.
        value: String,
        /// The values that do have quotas, comma-separated.
        known: String,
    },
    /// A panel of no seats was asked for.
    #[error("the panel size must be at least 1")]
    ZeroPanelSize,
    /// No panel satisfies the quotas and the household rule.
    #[error("no panel can meet the quotas: {0}")]
    Infeasible(Infeasibility),
    /// A replacement names someone who was not on the original panel.
    #[error("`{id}` was not on the original panel, so it cannot drop out")]
    NotSelected {
        /// The identifier.
        id: String,
    },
    /// A replacement or record names a volunteer who is not in the pool.
    #[error("`{id}` is not in the volunteer pool")]
    UnknownVolunteer {
        /// The identifier.
        id: String,
    },
    /// The LP/MIP solver failed in a way the input cannot explain.
    #[error(
        "the LP solver failed ({0}); this is a bug in equalis, please report it with the inputs"
    )]
    Solver(String),
}

/// One reason why the quotas cannot all be met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The panel needs more seats than there are households (one per household).
    TooFewHouseholds {
        /// Panel size.
        size: u32,
        /// Households in the pool.
        households: u32,
    },
    /// A quota's minimum exceeds the number of households with a member of that value.
    QuotaShort {
        /// Feature name.
        feature: String,
        /// Value.
        value: String,
        /// Required minimum.
        min: u32,
        /// Volunteers available (at most one per household).
        available: u32,
    },
    /// The minimums of one feature add up to more than the panel size.
    MinimumsTooHigh {
        /// Feature name.
        feature: String,
        /// Sum of minimums.
        sum: u32,
        /// Panel size.
        size: u32,
    },
    /// The maxima (capped by the pool) of one feature add up to less than the panel size.
    MaximaTooLow {
        /// Feature name.
        feature: String,
        /// Most seats the feature's values can fill.
        capacity: u32,
        /// Panel size.
        size: u32,
    },
    /// Each feature is satisfiable alone but not all together; the smallest change that works.
    Joint {
        /// Quotas to relax, each with its current and needed bound.
        relaxations: Vec<Relaxation>,
    },
}

/// A quota bound that must move for some panel to exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relaxation {
    /// Feature name.
    pub feature: String,
    /// Value.
    pub value: String,
    /// Whether the minimum (true) or the maximum (false) must move.
    pub is_min: bool,
    /// Current bound.
    pub from: u32,
    /// Bound that would allow a panel.
    pub to: u32,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::TooFewHouseholds { size, households } => write!(
                f,
                "the panel needs {size} members but the pool has only {households} households (at most one member each)"
            ),
            Conflict::QuotaShort {
                feature,
                value,
                min,
                available,
            } => write!(
                f,
                "{feature} = {value} needs at least {min} but the pool has {available}"
            ),
            Conflict::MinimumsTooHigh { feature, sum, size } => write!(
                f,
                "the minimums for {feature} add up to {sum}, more than the {size} seats, by {}",
                sum - size
            ),
            Conflict::MaximaTooLow {
                feature,
                capacity,
                size,
            } => write!(
                f,
                "{feature} can fill at most {capacity} of the {size} seats (maxima and pool counts), short by {}",
                size - capacity
            ),
            Conflict::Joint { relaxations } => {
                write!(
                    f,
                    "each feature's quotas can be met alone but not together; the smallest change that allows a panel:"
                )?;
                for (i, r) in relaxations.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    let bound = if r.is_min { "min" } else { "max" };
                    write!(
                        f,
                        "{sep}{} = {} {bound} {} -> {}",
                        r.feature, r.value, r.from, r.to
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// All the reasons found why no panel exists, in the order they were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Infeasibility {
    /// The conflicts; never empty.
    pub conflicts: Vec<Conflict>,
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.conflicts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

//! Citizens' Panel lottery: quota-constrained, maximally fair, reproducible selection.
//!
//! A pure crate: a volunteer [`Pool`], [`Quotas`], a panel size and a seed go in; a
//! [`Selection`] comes out, carrying everything an auditor needs to re-check the draw (pool
//! hash, quotas, algorithm, seed, the distribution over panels and every volunteer's
//! probability). No file, clock or network is touched, so the same inputs always give the same
//! panel.
//!
//! The pipeline follows the Sortition Foundation and Flanigan et al. (Nature 2021, "Fair
//! algorithms for selecting citizens' assemblies"):
//!
//! 1. **feasibility first** — counting checks that name the quota at fault and by how much,
//!    then an exact check that some valid panel exists (module `feasibility`);
//! 2. **a fair distribution over valid panels** by column generation — maximin, leximin, nash,
//!    or the greedy legacy method for comparison (module `fair`);
//! 3. **the lottery** — one panel drawn from that distribution with a seeded ChaCha20
//!    generator (module `lottery`).
//!
//! A valid panel has exactly the requested size, meets every quota's minimum and maximum, and
//! has at most one member from any household.
//!
//! **Architecture invariant:** a draw is a pure function of (pool, quotas, size, algorithm, seed).
#![deny(missing_docs)]

mod error;
mod fair;
mod feasibility;
mod lottery;
mod model;
mod oracle;

pub use error::{Conflict, Infeasibility, Relaxation, SortitionError};
pub use fair::Algorithm;
pub use lottery::{Replacement, Selection, replace, select};
pub use model::{Pool, Quota, Quotas, Volunteer};

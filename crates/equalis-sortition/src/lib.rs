//! Citizens' Panel lottery: quota-constrained, maximally fair, reproducible selection.
//!
//! A pure crate: a volunteer [`Pool`], [`Quotas`], a panel size and a seed go in; a
//! [`Selection`] comes out, carrying everything an auditor needs to re-check the draw (pool
//! hash, quotas, algorithm, seed, the distribution over panel shapes, the groups of
//! interchangeable volunteers and every volunteer's probability). No file, clock or network is touched, so the same inputs always give the same
//! panel.
//!
//! The pipeline follows the Sortition Foundation and Flanigan et al. (Nature 2021, "Fair
//! algorithms for selecting citizens' assemblies"):
//!
//! 1. **feasibility first** — counting checks that name the quota at fault and by how much,
//!    then an exact check that some valid panel exists (module `feasibility`);
//! 2. **a fair distribution over valid panels** by column generation — maximin, leximin, nash,
//!    or the greedy legacy method for comparison (module `fair`). Volunteers alike in every
//!    quota feature and alone in their household are interchangeable, so the distribution is
//!    over panel *shapes* (how many seats each such group gets), which loses no fairness and
//!    keeps the problems small;
//! 3. **the lottery** — one shape drawn from that distribution with a seeded ChaCha20
//!    generator, then each group's seats filled uniformly at random from the group by the same
//!    stream (module `lottery`).
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

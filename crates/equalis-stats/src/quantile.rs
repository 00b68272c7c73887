//! Assigning areas to quantiles, the OHID "Assigning Deprivation Categories" method.

use crate::{Reason, StatsError};

/// Assigns each value to one of `quantiles` groups by the OHID method, as in PHEindicatormethods
/// `phe_quantile`.
///
/// With `N` non-missing values ranked ascending with ties taking the minimum rank (the rank of
/// `−value` when `invert`), `q = ⌊(nq + 1) − ⌈((N + 1) − rank)/(N/nq)⌉⌋`, and 0 becomes 1.
/// Without `invert` the highest value is in quantile `nq`; with `invert` it is in quantile 1
/// (so IMD score, where high means deprived, puts the most deprived in 1).
///
/// Missing values get [`Reason::MissingValue`]; if `N < nq` every value gets
/// [`Reason::FewerAreasThanQuantiles`]. Tied values always share a quantile, so where ties
/// straddle a boundary the groups are unequal (OHID advise a manual review).
pub fn assign_quantiles(
    values: &[Option<f64>],
    quantiles: u32,
    invert: bool,
) -> Result<Vec<Result<u32, Reason>>, StatsError> {
    if quantiles == 0 {
        return Err(StatsError::InvalidArgument(
            "number of quantiles must be at least 1".into(),
        ));
    }
    let mut present: Vec<(usize, f64)> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = *v {
            if !v.is_finite() {
                return Err(StatsError::NotFinite {
                    what: "value",
                    value: v,
                });
            }
            present.push((i, if invert { -v } else { v }));
        }
    }
    let n = present.len();
    let mut out = vec![Err(Reason::MissingValue); values.len()];
    if n < quantiles as usize {
        let reason = Reason::FewerAreasThanQuantiles {
            areas: n,
            quantiles,
        };
        for &(i, _) in &present {
            out[i] = Err(reason);
        }
        return Ok(out);
    }
    present.sort_by(|a, b| a.1.total_cmp(&b.1));
    let nq = f64::from(quantiles);
    let width = n as f64 / nq;
    let mut rank = 1usize;
    for (position, &(i, key)) in present.iter().enumerate() {
        // Ties take the minimum rank: the rank only advances when the key changes.
        if position > 0 && key != present[position - 1].1 {
            rank = position + 1;
        }
        let q = ((nq + 1.0) - (((n + 1 - rank) as f64) / width).ceil()).floor();
        out[i] = Ok(if q < 1.0 { 1 } else { q as u32 });
    }
    Ok(out)
}

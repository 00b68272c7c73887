//! Independent, named random streams and the few distributions the generator needs.
//!
//! Every part of the synthetic ICS draws from its own ChaCha8 stream, seeded from the run
//! seed, a stream name and an index (an LSOA, a block of people, an organisation). So the
//! output never depends on the order in which parts are generated or on how many threads
//! generate them: reordering or parallelising the work leaves every file byte-identical.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// The random stream for `name` and `index` under the run seed.
pub fn stream(seed: u64, name: &str, index: u64) -> Rand {
    // FNV-1a of the name, then SplitMix64 finalisers to spread seed, name and index.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let key = mix(mix(seed ^ mix(h)) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    Rand(ChaCha8Rng::seed_from_u64(key))
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A seeded random stream with the draws the generator uses.
pub struct Rand(ChaCha8Rng);

impl Rand {
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo + 1) as u64;
        lo + ((u128::from(self.0.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// Uniform index in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.0.next_u64()) * n as u128) >> 64) as usize
    }

    /// Index drawn with probability proportional to `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// The item of `(item, weight)` pairs drawn with probability proportional to weight.
    pub fn pick<T: Copy>(&mut self, table: &[(T, f64)]) -> T {
        let total: f64 = table.iter().map(|(_, w)| w).sum();
        let mut x = self.f64() * total;
        for &(t, w) in table {
            if x < w {
                return t;
            }
            x -= w;
        }
        table[table.len() - 1].0
    }

    /// Poisson count with mean `lambda` (inversion; the means used here are small).
    pub fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            // Normal approximation for the rare large mean.
            let v = lambda + lambda.sqrt() * self.normal();
            return v.round().max(0.0) as u32;
        }
        let mut p = (-lambda).exp();
        let mut cdf = p;
        let u = self.f64();
        let mut k = 0u32;
        while u > cdf && k < 200 {
            k += 1;
            p *= lambda / f64::from(k);
            cdf += p;
        }
        k
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-300);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Rounds `x` up or down at random so that the expected value is `x`: scaled counts
    /// stay unbiased however small the scale.
    pub fn round(&mut self, x: f64) -> u64 {
        let f = x.floor();
        f as u64 + u64::from(self.chance(x - f))
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| stream(42, "x", 1).int(0, 1000) as u64)
            .collect();
        let mut s = stream(42, "x", 1);
        let b = s.int(0, 1000) as u64;
        assert_eq!(a[0], b);
        let mut t = stream(42, "x", 2);
        let mut u = stream(43, "x", 1);
        let draws = |r: &mut Rand| (0..8).map(|_| r.int(0, 1 << 40)).collect::<Vec<_>>();
        let (x, y, z) = (draws(&mut stream(42, "x", 1)), draws(&mut t), draws(&mut u));
        assert_ne!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn poisson_mean_is_right() {
        let mut r = stream(1, "p", 0);
        let n = 20_000;
        let mean = (0..n).map(|_| f64::from(r.poisson(2.5))).sum::<f64>() / f64::from(n);
        assert!((mean - 2.5).abs() < 0.06, "{mean}");
    }
}

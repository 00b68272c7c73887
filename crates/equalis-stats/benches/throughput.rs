//! Throughput benchmarks (no criterion): DSR, proportions and SII at the sizes issue 3 names.
//!
//! Run with `cargo bench -p equalis-stats`. SII at 100,000 repetitions costs tens of
//! milliseconds per area set, so by default it times 200 of the 10,000 area sets and reports the
//! time per area set; set `EQUALIS_BENCH_SII_AREAS=10000` to time them all.

use std::hint::black_box;
use std::time::Instant;

use equalis_stats::{ESP2013, Levels, SiiOptions, StandardErrors, dsr, proportion, sii};

/// A small deterministic generator so the benchmark needs no RNG crate setup.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let levels = Levels::default();
    let mut rng = Lcg(2026);

    // DSR: 1 million groups × 19 age bands.
    let groups = 1_000_000;
    let bands = ESP2013.len();
    let counts: Vec<f64> = (0..groups * bands)
        .map(|_| (rng.next() * 40.0).floor())
        .collect();
    let pops: Vec<f64> = (0..groups * bands)
        .map(|_| 1000.0 + (rng.next() * 9000.0).floor())
        .collect();
    let start = Instant::now();
    let mut sum = 0.0;
    for g in 0..groups {
        let range = g * bands..(g + 1) * bands;
        let e = dsr(
            &counts[range.clone()],
            &pops[range],
            &ESP2013,
            &levels,
            100_000.0,
        )
        .expect("valid");
        sum += e.value.unwrap_or(0.0);
    }
    black_box(sum);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "dsr: {groups} groups x {bands} bands in {secs:.3} s = {:.1} M age-band rows/s ({:.2} M groups/s)",
        (groups * bands) as f64 / secs / 1e6,
        groups as f64 / secs / 1e6
    );

    // Proportions: 10 million groups.
    let n_groups = 10_000_000;
    let denominators: Vec<f64> = (0..n_groups)
        .map(|_| 10.0 + (rng.next() * 5000.0).floor())
        .collect();
    let numerators: Vec<f64> = denominators
        .iter()
        .map(|&n| (rng.next() * n).floor())
        .collect();
    let start = Instant::now();
    let mut sum = 0.0;
    for (&x, &n) in numerators.iter().zip(&denominators) {
        let e = proportion(x, n, &levels, 100.0).expect("valid");
        sum += e.interval().upper.unwrap_or(0.0);
    }
    black_box(sum);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "proportion: {n_groups} groups in {secs:.3} s = {:.1} M groups/s",
        n_groups as f64 / secs / 1e6
    );

    // SII: 10 deciles, 100,000 repetitions per area set.
    let areas: usize = std::env::var("EQUALIS_BENCH_SII_AREAS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let options = SiiOptions {
        seed: 7,
        ..SiiOptions::default()
    };
    let start = Instant::now();
    let mut sum = 0.0;
    for _ in 0..areas {
        let pops: Vec<f64> = (0..10).map(|_| 5000.0 + rng.next() * 3000.0).collect();
        let values: Vec<f64> = (0..10)
            .map(|i| 90.0 - 4.0 * i as f64 + rng.next() * 3.0)
            .collect();
        let se: Vec<f64> = (0..10).map(|_| 3.0 + rng.next()).collect();
        let r = sii(&pops, &values, StandardErrors::Se(&se), &options).expect("valid");
        sum += r.sii.interval().lower.unwrap_or(0.0);
    }
    black_box(sum);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "sii: {areas} area sets x 10 deciles x {} repetitions in {secs:.3} s = {:.1} ms per area set \
         (10,000 area sets: {:.0} s extrapolated)",
        options.repetitions,
        secs / areas as f64 * 1e3,
        secs / areas as f64 * 10_000.0
    );
}

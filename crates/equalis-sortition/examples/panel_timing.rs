//! Times one selection on a volunteers/quotas CSV pair without building the whole `equalis`
//! binary: `cargo run --release -p equalis-sortition --example panel_timing -- VOLUNTEERS QUOTAS SIZE [ALGORITHM]`.
//!
//! The files must be plain comma-separated with no quoting (as `bench/compare.py` writes them);
//! the real reader with full error reporting lives in `equalis panel`.

use std::time::Instant;

use equalis_sortition::{Algorithm, Pool, Quota, Quotas, Volunteer, select};

fn rows(path: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: timing VOLUNTEERS QUOTAS SIZE [maximin|leximin|nash|legacy]");
        std::process::exit(2);
    }
    let v = rows(&args[1]);
    let features = v[0][2..].to_vec();
    let volunteers = v[1..]
        .iter()
        .map(|r| Volunteer {
            id: r[0].clone(),
            household: Some(r[1].clone()),
            values: r[2..].to_vec(),
        })
        .collect();
    let pool = Pool::new(features, volunteers).expect("pool");
    let quotas = Quotas::new(
        rows(&args[2])[1..]
            .iter()
            .map(|r| Quota {
                feature: r[0].clone(),
                value: r[1].clone(),
                min: r[2].parse().expect("min"),
                max: r[3].parse().expect("max"),
            })
            .collect(),
    )
    .expect("quotas");
    let algorithm = match args.get(4).map(String::as_str) {
        Some("leximin") => Algorithm::Leximin,
        Some("nash") => Algorithm::Nash,
        Some("legacy") => Algorithm::Legacy,
        _ => Algorithm::Maximin,
    };
    let start = Instant::now();
    let s = select(&pool, &quotas, args[3].parse().expect("size"), algorithm, 1).expect("select");
    println!(
        "min_probability {:.6} panels {} seconds {:.3}",
        s.min_probability,
        s.distribution.len(),
        start.elapsed().as_secs_f64()
    );
}

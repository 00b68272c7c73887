//! Times one ingest into a fresh workspace without building the whole `equalis` binary (which
//! links the analytics engine): `cargo run --release -p equalis-ingest --example ingest_timing --
//! DATASET FILE [WORKSPACE]`. The benchmark of record is `scripts/bench-ingest.sh`, which runs
//! the real binary; this is for profiling the ingest crate on its own. It also times the
//! verification of the committed parts' checksums, which every reader of the dataset does.

use std::path::PathBuf;
use std::time::Instant;

use equalis_ingest::{Dataset, Options, ingest};
use equalis_workspace::Workspace;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: timing DATASET FILE [WORKSPACE]");
        std::process::exit(2);
    }
    let dataset = Dataset::parse(&args[1]).expect("a contract dataset name");
    let file = PathBuf::from(&args[2]);
    let dir = args.get(3).map_or_else(
        || std::env::temp_dir().join("equalis-ingest-timing"),
        PathBuf::from,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let ws = Workspace::init(&dir).expect("a new workspace");
    let started = Instant::now();
    let report = ingest(&ws, dataset, &[file], &Options::default(), &|_| {}).expect("ingest");
    let secs = started.elapsed().as_secs_f64();
    let read: u64 = report.files.iter().map(|f| f.read).sum();
    println!(
        "{read} rows ({} rejected) in {secs:.2} s: {:.3} million rows/s",
        report.rejected(),
        read as f64 / secs / 1e6
    );
    let version = report.version.expect("a committed version");
    let bytes: u64 = version
        .part_paths()
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let started = Instant::now();
    version.verify_parts().expect("the parts as committed");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "verified {:.0} MiB of Parquet in {secs:.2} s: {:.0} MiB/s",
        bytes as f64 / 1_048_576.0,
        bytes as f64 / 1_048_576.0 / secs
    );
}

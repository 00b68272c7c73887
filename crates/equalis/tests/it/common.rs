//! Fixtures shared by the suites: the tiny demo ICS is built once per test run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The output of `equalis demo --scale 0.004 --no-serve` and the directory it made, built once
/// for every suite that reads it (it is the slowest fixture: generate, ingest, compute,
/// report).
pub fn demo() -> (&'static Output, &'static Path) {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf, Output)> = OnceLock::new();
    let (_, dir, output) = DEMO.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("demo");
        let output = Command::new(env!("CARGO_BIN_EXE_equalis"))
            .args([
                "demo",
                "--dir",
                dir.to_str().unwrap(),
                "--scale",
                "0.004",
                "--no-serve",
            ])
            .output()
            .unwrap();
        (tmp, dir, output)
    });
    (output, dir)
}

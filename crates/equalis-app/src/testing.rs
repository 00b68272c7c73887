//! Fixtures that the tests of equalis-app and equalis-web share (feature `testing`, as
//! `equalis_store::testing` is the store's): a small synthetic ICS's staff, made and ingested
//! exactly as a user's extract would be, so that both crates test the returns on the same data.

use std::path::Path;

use anyhow::Context;
use equalis_workspace::Workspace;

/// The synthetic ICS of the tests: Leicester, Leicestershire and Rutland's ICB.
pub const ICB: &str = "QK1";
/// Its scale (a twentieth of the real ICS: enough staff for every return, quick to make).
pub const SCALE: f64 = 0.05;
/// Its seed: the same staff on every run.
pub const SEED: u64 = 42;

/// Synthesises the [`ICB`]'s staff at [`SCALE`] and [`SEED`] as CSV into `scratch` (created if
/// absent), and ingests that file into `ws` through the real ingest.
pub fn ingest_synthetic_staff(ws: &Workspace, scratch: &Path) -> crate::Result<()> {
    ingest_staff_seeded(ws, scratch, SEED)
}

/// The same staff extract drawn with another `seed`: a later extract with other figures, for
/// tests of what happens when new data arrives.
pub fn ingest_staff_seeded(ws: &Workspace, scratch: &Path, seed: u64) -> crate::Result<()> {
    let ingest = || -> anyhow::Result<()> {
        let config = equalis_synth::SynthConfig {
            icb: ICB.to_owned(),
            scale: SCALE,
            seed,
            out: scratch.to_path_buf(),
            only: vec![equalis_synth::Dataset::Staff],
        };
        equalis_synth::generate(&config, &|_| {}).context("synthesising the staff")?;
        equalis_ingest::ingest(
            ws,
            equalis_ingest::Dataset::Staff,
            &[scratch.join("staff.csv")],
            &equalis_ingest::Options::default(),
            &|_| {},
        )
        .context("ingesting the synthetic staff")?;
        Ok(())
    };
    ingest().map_err(crate::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_are_ingested_and_the_same_on_every_run() {
        let dir = tempfile::tempdir().expect("temp dir");
        let orgs = |name: &str| {
            let ws = Workspace::init(&dir.path().join(name)).expect("init");
            ingest_synthetic_staff(&ws, &dir.path().join(format!("{name}-csv"))).expect("staff");
            crate::workforce::organisations(&ws)
                .expect("organisations")
                .expect("staff data")
        };
        let first = orgs("one");
        assert!(!first.is_empty());
        assert_eq!(first, orgs("two"));
    }
}

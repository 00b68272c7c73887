//! Fixtures that the tests of equalis-app and equalis-web share (feature `testing`, as
//! `equalis_store::testing` is the store's): a small synthetic ICS's staff, made and ingested
//! exactly as a user's extract would be, so that both crates test the returns on the same data.

use std::path::Path;

use anyhow::Context;
use equalis_synth::Dataset as Synth;
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
    ingest_synthetic(ws, scratch, seed, &[Synth::Staff])
}

/// Synthesises the [`ICB`]'s Citizens' Panel volunteers and quotas at [`SCALE`] and [`SEED`]
/// into `scratch`, and ingests both into `ws` through the real ingest.
pub fn ingest_synthetic_panel(ws: &Workspace, scratch: &Path) -> crate::Result<()> {
    ingest_synthetic(ws, scratch, SEED, &[Synth::Volunteers, Synth::Quotas])
}

/// Synthesises `datasets` of the [`ICB`] at [`SCALE`] and `seed` as CSV into `scratch` and
/// ingests each file into `ws` through the real ingest.
fn ingest_synthetic(
    ws: &Workspace,
    scratch: &Path,
    seed: u64,
    datasets: &[Synth],
) -> crate::Result<()> {
    let ingest = || -> anyhow::Result<()> {
        let config = equalis_synth::SynthConfig {
            icb: ICB.to_owned(),
            scale: SCALE,
            seed,
            out: scratch.to_path_buf(),
            only: datasets.to_vec(),
        };
        equalis_synth::generate(&config, &|_| {}).context("synthesising the data")?;
        for dataset in datasets {
            let (target, file) = match dataset {
                Synth::Staff => (equalis_ingest::Dataset::Staff, "staff.csv"),
                Synth::Volunteers => (equalis_ingest::Dataset::Volunteers, "volunteers.csv"),
                Synth::Quotas => (equalis_ingest::Dataset::Quotas, "quotas.csv"),
                other => anyhow::bail!("the test fixture does not ingest {other:?}"),
            };
            equalis_ingest::ingest(
                ws,
                target,
                &[scratch.join(file)],
                &equalis_ingest::Options::default(),
                &|_| {},
            )
            .with_context(|| format!("ingesting the synthetic {file}"))?;
        }
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

//! Reading a workspace dataset's current version back: every Parquet part as Arrow batches.

use crate::error::not_found;
use std::fs::File;
use std::path::Path;

use anyhow::Context;
use arrow_array::RecordBatch;
use equalis_workspace::Workspace;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Every record batch of the current version of `dataset`, or an error naming the ingest
/// command that would create it.
pub fn batches(ws: &Workspace, dataset: &str) -> anyhow::Result<Vec<RecordBatch>> {
    let Some(version) = ws.current(dataset)? else {
        return Err(not_found!(
            "the workspace {} has no `{dataset}` dataset: run `equalis ingest --workspace {} --dataset {dataset} FILE` first",
            ws.root().display(),
            ws.root().display()
        ));
    };
    // Exactly the bytes that were committed, or an error naming the part that changed.
    version.verify_parts()?;
    let mut out = Vec::new();
    for path in version.part_paths() {
        out.extend(read_parquet(&path)?);
    }
    Ok(out)
}

fn read_parquet(path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("reading {}", path.display()))?
        .build()
        .with_context(|| format!("reading {}", path.display()))?;
    reader
        .map(|b| b.with_context(|| format!("reading {}", path.display())))
        .collect()
}

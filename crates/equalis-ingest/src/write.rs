//! Accepted rows to Arrow record batches to Parquet parts.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, Int64Builder,
    StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use crate::convert::{OutCol, Val};

/// The Arrow schema of a stored dataset. Every column is nullable: optional contract
/// columns are null where the extract did not have them.
pub fn schema(columns: &[OutCol]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(&c.name, c.ty.clone(), true))
            .collect::<Vec<_>>(),
    ))
}

enum Builder {
    Utf8(StringBuilder),
    I32(Int32Builder),
    I64(Int64Builder),
    F64(Float64Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
}

impl Builder {
    /// An empty builder of the same type, sized for `rows` rows and (for text) as many bytes
    /// as this one holds: the next batch is about as big, and growing the buffers step by
    /// step would copy them several times per batch.
    fn sized_like(&self, rows: usize) -> Builder {
        match self {
            Builder::Utf8(b) => {
                Builder::Utf8(StringBuilder::with_capacity(rows, b.values_slice().len()))
            }
            Builder::I32(_) => Builder::I32(Int32Builder::with_capacity(rows)),
            Builder::I64(_) => Builder::I64(Int64Builder::with_capacity(rows)),
            Builder::F64(_) => Builder::F64(Float64Builder::with_capacity(rows)),
            Builder::Date(_) => Builder::Date(Date32Builder::with_capacity(rows)),
            Builder::Bool(_) => Builder::Bool(BooleanBuilder::with_capacity(rows)),
        }
    }
}

/// Collects rows column by column.
pub(crate) struct Batcher {
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
}

impl Batcher {
    pub fn new(schema: SchemaRef) -> Batcher {
        let builders = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Int32 => Builder::I32(Int32Builder::new()),
                DataType::Int64 => Builder::I64(Int64Builder::new()),
                DataType::Float64 => Builder::F64(Float64Builder::new()),
                DataType::Date32 => Builder::Date(Date32Builder::new()),
                DataType::Boolean => Builder::Bool(BooleanBuilder::new()),
                _ => Builder::Utf8(StringBuilder::new()),
            })
            .collect();
        Batcher {
            schema,
            builders,
            rows: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row; `scratch` holds its string values.
    pub fn push(&mut self, vals: &[Val], scratch: &str) {
        for (b, v) in self.builders.iter_mut().zip(vals) {
            // The converter writes each column's own type by construction; a mismatch is a
            // bug in equalis, caught here in tests rather than stored as a silent null.
            debug_assert!(
                matches!(
                    (&*b, v),
                    (_, Val::Null)
                        | (Builder::Utf8(_), Val::Str(..) | Val::Ref(_))
                        | (Builder::I32(_), Val::I32(_))
                        | (Builder::I64(_), Val::I64(_))
                        | (Builder::F64(_), Val::F64(_))
                        | (Builder::Date(_), Val::Date(_))
                        | (Builder::Bool(_), Val::Bool(_))
                ),
                "value {v:?} does not match its column's type"
            );
            match (b, *v) {
                (Builder::Utf8(b), Val::Str(s, e)) => {
                    b.append_value(&scratch[s as usize..e as usize])
                }
                (Builder::Utf8(b), Val::Ref(s)) => b.append_value(s),
                (Builder::I32(b), Val::I32(x)) => b.append_value(x),
                (Builder::I64(b), Val::I64(x)) => b.append_value(x),
                (Builder::F64(b), Val::F64(x)) => b.append_value(x),
                (Builder::Date(b), Val::Date(x)) => b.append_value(x),
                (Builder::Bool(b), Val::Bool(x)) => b.append_value(x),
                // Null (a mismatched type is ruled out by the assertion above).
                (Builder::Utf8(b), _) => b.append_null(),
                (Builder::I32(b), _) => b.append_null(),
                (Builder::I64(b), _) => b.append_null(),
                (Builder::F64(b), _) => b.append_null(),
                (Builder::Date(b), _) => b.append_null(),
                (Builder::Bool(b), _) => b.append_null(),
            }
        }
        self.rows += 1;
    }

    /// Takes the rows collected so far as a batch.
    pub fn finish(&mut self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let rows = self.rows;
        let cols: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| {
                let fresh = b.sized_like(rows);
                std::mem::replace(b, fresh)
            })
            .map(|mut b| match &mut b {
                Builder::Utf8(b) => ArrayBuilder::finish(b),
                Builder::I32(b) => ArrayBuilder::finish(b),
                Builder::I64(b) => ArrayBuilder::finish(b),
                Builder::F64(b) => ArrayBuilder::finish(b),
                Builder::Date(b) => ArrayBuilder::finish(b),
                Builder::Bool(b) => ArrayBuilder::finish(b),
            })
            .collect();
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), cols)
    }
}

/// A file being written, with the BLAKE3 checksum of every byte that reached it (recorded in
/// the manifest and checked whenever the part is read) and the first I/O error it met, so a
/// full disk is reported as such rather than as whatever the Parquet writer made of it.
pub(crate) struct Checksummed {
    file: File,
    hasher: blake3::Hasher,
    /// The first write error, as the operating system gave it.
    pub failure: Option<std::io::Error>,
    /// Fault injection for the tests: fail as a full disk does once this many bytes are in.
    full_after: Option<u64>,
    written: u64,
}

impl Checksummed {
    pub fn new(file: File) -> Checksummed {
        Checksummed {
            file,
            hasher: blake3::Hasher::new(),
            failure: None,
            full_after: std::env::var("EQUALIS_FAULT_DISK_FULL_AFTER_BYTES")
                .ok()
                .and_then(|v| v.parse().ok()),
            written: 0,
        }
    }

    /// The checksum of everything written, as 64 hex characters, once it is all in the file.
    pub fn finish(mut self) -> std::io::Result<String> {
        use std::io::Write;
        self.file.flush()?;
        Ok(self.hasher.finalize().to_hex().to_string())
    }
}

impl std::io::Write for Checksummed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = match self.full_after {
            Some(limit) if self.written + buf.len() as u64 > limit => {
                Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
            }
            _ => self.file.write(buf),
        };
        match result {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                self.written += n as u64;
                Ok(n)
            }
            Err(e) => {
                // The writer above sees a copy; the original kind is kept for the message.
                let copy = std::io::Error::new(e.kind(), e.to_string());
                self.failure.get_or_insert(e);
                Err(copy)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Opens a Parquet part for writing; `pseudonyms` names the columns of keyed hashes.
///
/// Compression: Snappy (fast, and read by every engine) only where it pays. In the waiting
/// list it shrank `pathway_id` to a third and the flags to a sixth, but dictionary pages of
/// codes and names (already packed indices) by under 1% and pseudonyms (random hex) by 10%,
/// for 6% of ingest's time.
pub(crate) fn parquet_writer(
    path: &Path,
    schema: SchemaRef,
    pseudonyms: &[&str],
) -> Result<ArrowWriter<Checksummed>, std::io::Error> {
    let file = Checksummed::new(File::create(path)?);
    let mut props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .set_max_row_group_row_count(Some(1 << 20));
    for f in schema.fields() {
        let name = f.name().as_str();
        let (identifier, pseudonym) = (name.ends_with("_id"), pseudonyms.contains(&name));
        // Identifiers are nearly all distinct: a dictionary would only be built to be thrown
        // away. Every other text column (codes, names, bands) is low-cardinality and gains.
        if identifier || pseudonym {
            props = props.set_column_dictionary_enabled(name.into(), false);
        }
        if (identifier && !pseudonym) || f.data_type() == &DataType::Boolean {
            props = props.set_column_compression(name.into(), Compression::SNAPPY);
        }
        // Rows are stored in file order, which no text column is sorted by, so a text
        // column's minimum and maximum span nearly all its values and would let no query
        // skip a page; finding them costs two comparisons per value. Dates and numbers keep
        // theirs (an extract is in snapshot or date order, so those do prune).
        if f.data_type() == &DataType::Utf8 {
            props = props.set_column_statistics_enabled(name.into(), EnabledStatistics::None);
        }
    }
    let props = props.build();
    ArrowWriter::try_new(file, schema, Some(props)).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_checksum_is_of_the_bytes_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("part.parquet");
        let mut w = Checksummed::new(File::create(&p).unwrap());
        w.write_all(b"some bytes").unwrap();
        w.write_all(b" and more").unwrap();
        let sum = w.finish().unwrap();
        assert_eq!(sum, equalis_workspace::checksum_file(&p).unwrap());
        assert_eq!(
            sum,
            blake3::hash(b"some bytes and more").to_hex().to_string()
        );
    }

    /// Linux's /dev/full fails every write with ENOSPC, as a full disk does.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_kept_as_the_operating_system_said_it() {
        let mut w = Checksummed::new(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        // Small writes may sit in no buffer here: the file is unbuffered.
        let err = w.write_all(&[0u8; 4096]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        let kept = w.failure.as_ref().unwrap();
        assert_eq!(kept.raw_os_error(), Some(28));
        assert_eq!(
            equalis_workspace::write_failure(kept),
            Some("the disk is full")
        );
    }
}

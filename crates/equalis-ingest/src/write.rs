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
use parquet::file::properties::WriterProperties;

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
                        | (Builder::Utf8(_), Val::Str(..))
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
        let cols: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| match b {
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

/// Opens a Parquet part for writing. Snappy: fast to write and read, and what the
/// analytics engines expect by default.
pub(crate) fn parquet_writer(path: &Path, schema: SchemaRef) -> Result<ArrowWriter<File>, String> {
    let file =
        File::create(path).map_err(|e| format!("cannot create `{}`: {e}", path.display()))?;
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1 << 20));
    // Identifiers are nearly all distinct: a dictionary would only be built to be thrown
    // away. Every other text column (codes, names, bands) is low-cardinality and gains.
    for f in schema.fields() {
        if f.name().ends_with("_id") {
            props = props.set_column_dictionary_enabled(f.name().as_str().into(), false);
        }
    }
    let props = props.build();
    ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| e.to_string())
}

//! Input files as a stream of `(row number, record)`, whatever their format.
//!
//! Row numbers are what a person fixing the file needs: for CSV the line number in the
//! file (the header is line 1; blank lines and quoted line breaks are counted), for Excel
//! the sheet row, for Parquet the 1-based record number.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::RecordBatch;
use csv::ByteRecord;

/// A file-level problem: nothing from the file can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

/// The formats equalis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8, header row.
    Csv,
    /// Excel workbook (first sheet unless one is named).
    Xlsx,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format from the file name's extension (CSV unless it says otherwise).
    pub fn of(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx") | Some("xlsm") => Format::Xlsx,
            Some("parquet") | Some("pq") => Format::Parquet,
            _ => Format::Csv,
        }
    }
}

/// An open input file.
pub(crate) struct Source {
    pub headers: Vec<String>,
    pub total_bytes: u64,
    /// Bytes consumed so far (for progress), shared with the reading thread.
    pub bytes_read: Arc<AtomicU64>,
    inner: Inner,
}

enum Inner {
    Csv {
        reader: csv::Reader<LineTracker<BufReader<File>>>,
    },
    Rows(std::vec::IntoIter<(u64, ByteRecord)>),
    Parquet {
        reader: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
        next_row: u64,
    },
}

impl Source {
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Source, SourceError> {
        let meta = std::fs::metadata(path)
            .map_err(|e| SourceError(format!("cannot read the file: {e}")))?;
        if meta.is_dir() {
            return Err(SourceError("is a directory, not a file".into()));
        }
        match Format::of(path) {
            Format::Csv => open_csv(path, meta.len()),
            Format::Xlsx => open_xlsx(path, sheet, meta.len()),
            Format::Parquet => open_parquet(path, meta.len()),
        }
    }

    /// Reads up to `max` records into `out` (cleared first); false at the end.
    pub fn next_chunk(
        &mut self,
        out: &mut Vec<(u64, ByteRecord)>,
        max: usize,
    ) -> Result<bool, SourceError> {
        match &mut self.inner {
            Inner::Csv { reader } => {
                // Records of a recycled chunk are read into in place: no allocation or
                // copy per row once the pipeline is warm.
                let mut n = 0;
                while n < max {
                    if n == out.len() {
                        out.push((0, ByteRecord::new()));
                    }
                    let slot = &mut out[n];
                    match reader.read_byte_record(&mut slot.1) {
                        Ok(true) => {
                            let end = reader.position().byte();
                            let inner_breaks =
                                slot.1.as_slice().iter().filter(|&&b| b == b'\n').count();
                            // Only the newline index is touched, never the stream.
                            slot.0 = reader
                                .get_mut()
                                .index
                                .first_line_of_record(end, inner_breaks as u64);
                            self.bytes_read.store(end, Ordering::Relaxed);
                            n += 1;
                        }
                        Ok(false) => break,
                        Err(e) => return Err(SourceError(format!("cannot read the file: {e}"))),
                    }
                }
                out.truncate(n);
            }
            Inner::Rows(rows) => {
                out.clear();
                out.extend(rows.by_ref().take(max));
            }
            Inner::Parquet { reader, next_row } => {
                out.clear();
                while out.len() < max {
                    match reader.next() {
                        Some(Ok(batch)) => {
                            batch_to_records(&batch, *next_row, out)?;
                            *next_row += batch.num_rows() as u64;
                        }
                        Some(Err(e)) => {
                            return Err(SourceError(format!("cannot read the Parquet file: {e}")));
                        }
                        None => break,
                    }
                }
            }
        }
        Ok(!out.is_empty())
    }
}

fn open_csv(path: &Path, len: u64) -> Result<Source, SourceError> {
    if len == 0 {
        return Err(SourceError(
            "the file is empty: expected a header row".into(),
        ));
    }
    let file = File::open(path).map_err(|e| SourceError(format!("cannot open the file: {e}")))?;
    let tracker = LineTracker {
        inner: BufReader::with_capacity(1 << 20, file),
        offset: 0,
        index: NewlineIndex::default(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(tracker);
    let headers = reader
        .byte_headers()
        .map_err(|e| SourceError(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| {
            std::str::from_utf8(h)
                .map(|s| s.trim().to_owned())
                .map_err(|_| {
                    SourceError("the header row is not valid UTF-8: save the file as UTF-8".into())
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if headers.iter().all(String::is_empty) {
        return Err(SourceError(
            "the first line is blank: expected a header row".into(),
        ));
    }
    Ok(Source {
        headers,
        total_bytes: len,
        bytes_read: Arc::new(AtomicU64::new(0)),
        inner: Inner::Csv { reader },
    })
}

/// Passes bytes through to the CSV parser, remembering where the newlines were so a
/// record's byte offset can be turned into a line number. Only newlines the parser has
/// not yet passed are kept, so memory stays bounded by its read-ahead.
struct LineTracker<R> {
    inner: R,
    offset: u64,
    index: NewlineIndex,
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let offset = self.offset;
        self.index
            .pending
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| offset + i as u64));
        self.offset += n as u64;
        Ok(n)
    }
}

#[derive(Default)]
struct NewlineIndex {
    /// Newline offsets the parser has not yet passed.
    pending: VecDeque<u64>,
    /// Newlines already passed.
    passed: u64,
    /// Offset of the last newline passed.
    last: Option<u64>,
}

impl NewlineIndex {
    /// The line a record starts on, given the parser's offset just after it and the
    /// number of line breaks inside its (quoted) fields.
    fn first_line_of_record(&mut self, end: u64, inner_breaks: u64) -> u64 {
        while let Some(&o) = self.pending.front() {
            if o < end {
                self.passed += 1;
                self.last = Some(o);
                self.pending.pop_front();
            } else {
                break;
            }
        }
        // If the record ended with a newline, its last line is the one that newline ends;
        // otherwise (last line of a file without a final newline) the next one.
        let ended_with_newline = self.last == Some(end.saturating_sub(1));
        let last_line = if ended_with_newline {
            self.passed
        } else {
            self.passed + 1
        };
        last_line - inner_breaks
    }
}

fn open_xlsx(path: &Path, sheet: Option<&str>, len: u64) -> Result<Source, SourceError> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> =
        open_workbook(path).map_err(|e| SourceError(format!("cannot open the workbook: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                SourceError(format!(
                    "no sheet named `{s}` (sheets: {})",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| SourceError("the workbook has no sheets".into()))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| SourceError(format!("cannot read sheet `{name}`: {e}")))?;
    let start_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows = range.rows();
    let headers: Vec<String> = match rows.next() {
        Some(h) => h.iter().map(|c| cell_text(c).trim().to_owned()).collect(),
        None => {
            return Err(SourceError(format!(
                "sheet `{name}` is empty: expected a header row"
            )));
        }
    };
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue; // A blank sheet row is not a record, as a blank CSV line is not.
        }
        let rec: ByteRecord = row
            .iter()
            .map(cell_text)
            .collect::<Vec<_>>()
            .iter()
            .collect();
        // Sheet rows are 1-based and the header is the first used row.
        out.push((start_row + i as u64 + 2, rec));
    }
    Ok(Source {
        headers,
        total_bytes: len,
        bytes_read: Arc::new(AtomicU64::new(len)),
        inner: Inner::Rows(out.into_iter()),
    })
}

/// A cell as the text a CSV export would hold. Excel stores dates as serial day numbers
/// (day 1 = 1900-01-01, with the 1900 leap-year bug, so serial 60 is skipped): those
/// become ISO dates.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "true" } else { "false" }.into(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64().floor() as i64;
            jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(serial))
                .map(|d| d.to_string())
                .unwrap_or_else(|_| dt.as_f64().to_string())
        }
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

fn open_parquet(path: &Path, len: u64) -> Result<Source, SourceError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = File::open(path).map_err(|e| SourceError(format!("cannot open the file: {e}")))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| SourceError(format!("not a readable Parquet file: {e}")))?;
    let headers = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let reader = builder
        .with_batch_size(16_384)
        .build()
        .map_err(|e| SourceError(format!("not a readable Parquet file: {e}")))?;
    Ok(Source {
        headers,
        total_bytes: len,
        bytes_read: Arc::new(AtomicU64::new(len)),
        inner: Inner::Parquet {
            reader,
            next_row: 1,
        },
    })
}

/// Renders each row of a batch as text fields, as a CSV export of the same data would.
fn batch_to_records(
    batch: &RecordBatch,
    first_row: u64,
    out: &mut Vec<(u64, ByteRecord)>,
) -> Result<(), SourceError> {
    use arrow_cast::display::{ArrayFormatter, FormatOptions};
    let opts = FormatOptions::default().with_null("");
    let formatters = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SourceError(format!("unsupported Parquet column type: {e}")))?;
    let mut field = String::new();
    for row in 0..batch.num_rows() {
        let mut rec = ByteRecord::new();
        for fmt in &formatters {
            field.clear();
            use std::fmt::Write;
            let _ = write!(field, "{}", fmt.value(row));
            rec.push_field(field.as_bytes());
        }
        out.push((first_row + row as u64, rec));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8]) -> Vec<(String, u64)> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, data).unwrap();
        let mut s = Source::open(&p, None).unwrap();
        let mut chunk = Vec::new();
        let mut out = Vec::new();
        while s.next_chunk(&mut chunk, 2).unwrap() {
            for (l, r) in &chunk {
                out.push((String::from_utf8_lossy(&r[0]).into_owned(), *l));
            }
        }
        out
    }

    #[test]
    fn line_numbers_survive_blank_lines_crlf_quotes_and_no_final_newline() {
        let want = vec![
            ("1".to_string(), 2),
            ("3".to_string(), 4),
            ("5".to_string(), 6),
        ];
        assert_eq!(lines(b"a,b\n1,2\n\n3,4\n\n5"), want);
        assert_eq!(lines(b"a,b\r\n1,2\r\n\r\n3,4\r\n\r\n5\r\n"), want);
        assert_eq!(lines(b"\xEF\xBB\xBFa,b\n1,2\n\n3,4\n\n5\n"), want);
        assert_eq!(
            lines(b"a,b\n\"x\ny\",2\n3,4\n"),
            vec![("x\ny".to_string(), 2), ("3".to_string(), 4)]
        );
    }

    #[test]
    fn empty_and_headerless_files_are_file_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("empty.csv");
        std::fs::write(&p, b"").unwrap();
        assert!(Source::open(&p, None).err().unwrap().0.contains("empty"));
        std::fs::write(&p, b"\n\n").unwrap();
        assert!(Source::open(&p, None).is_err());
    }
}

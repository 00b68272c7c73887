//! Input files as a stream of `(row number, record)`, whatever their format.
//!
//! Row numbers are what a person fixing the file needs: for CSV the line number in the
//! file as a text editor shows it (the header is line 1; blank lines and quoted line breaks
//! are counted; a line ends at `\n`, `\r\n` or a lone `\r`), for Excel the sheet row, for
//! Parquet the 1-based record number.
//!
//! A CSV double quote that is never closed makes the parser read the rest of the file as one
//! field; it is caught here as a file-level error naming the line it opened on (see
//! [`MAX_BREAKS_IN_FIELD`]), never shown (the swallowed text may hold NHS numbers).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
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
        // Boxed so tests can feed the parser in any size of read; one call per 64 KiB.
        reader: csv::Reader<LineTracker<Box<dyn BufRead + Send>>>,
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
                    let read = reader.read_byte_record(&mut slot.1);
                    // The tracker reads ahead of the parser, so an unbalanced quote is known
                    // by the time the parser would hand over the record that swallowed rows.
                    if let Some(problem) = &reader.get_ref().problem {
                        return Err(SourceError(problem.clone()));
                    }
                    match read {
                        Ok(true) => {
                            let end = reader.position().byte();
                            let inner_breaks = record_breaks(&slot.1);
                            // Only the newline index is touched, never the stream.
                            slot.0 = reader
                                .get_mut()
                                .index
                                .first_line_of_record(end, inner_breaks);
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
    csv_source(Box::new(BufReader::with_capacity(1 << 20, file)), len)
}

fn csv_source(input: Box<dyn BufRead + Send>, len: u64) -> Result<Source, SourceError> {
    let tracker = LineTracker::new(input);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(tracker);
    let header = reader.byte_headers().cloned();
    if let Some(problem) = &reader.get_ref().problem {
        return Err(SourceError(problem.clone()));
    }
    let headers = header
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

/// The most line breaks a quoted field may hold. No value of the data contract is more than
/// a short line or two (identifiers, codes, dates, names of up to 64 characters), so a quoted
/// field running over more is a double quote left open that has swallowed the rows after it;
/// left to the parser, every following row would vanish into one field.
pub(crate) const MAX_BREAKS_IN_FIELD: u64 = 3;

/// Passes bytes through to the CSV parser, remembering where lines end so a record's byte
/// offset can be turned into a line number, and following the parser's quoting so that a
/// quote left open is caught (`problem`). Only line ends the parser has not yet passed are
/// kept, so memory stays bounded by its read-ahead.
struct LineTracker<R> {
    inner: R,
    offset: u64,
    index: NewlineIndex,
    /// Line breaks in everything read so far.
    breaks: u64,
    /// The byte before the current read (`None` at the start of the file).
    prev: Option<u8>,
    /// Offset of the first byte after a UTF-8 byte order mark (the parser skips it).
    content_start: u64,
    /// The open quoted field, if any: the line its quote is on and the line breaks before it.
    open: Option<(u64, u64)>,
    /// Offset of the second quote of an escaped `""` (it may come in the next read).
    escaped: Option<u64>,
    /// An unbalanced quote: the file-level error, once found.
    problem: Option<String>,
}

impl<R: BufRead> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker {
            inner,
            offset: 0,
            index: NewlineIndex::default(),
            breaks: 0,
            prev: None,
            content_start: 0,
            open: None,
            escaped: None,
            problem: None,
        }
    }

    /// Follows the parser's quoting through one read (`chunk`, starting at `base`), whose
    /// line breaks are the last `new_breaks` entries of the index. The rules are csv-core's:
    /// a quote opens a field only at the start of one (after `,`, a line end, or the start of
    /// the file); inside, `""` is a quote and a lone `"` closes it; elsewhere a quote is text.
    fn follow_quotes(&mut self, chunk: &[u8], base: u64, new_breaks: usize) -> std::io::Result<()> {
        let first_new = self.index.pending.len() - new_breaks;
        // Line breaks before the quote being looked at: those of earlier reads, then this
        // read's, counted with a cursor as the quotes come in file order.
        let mut breaks = self.breaks - new_breaks as u64;
        let mut cursor = self.index.pending.range(first_new..).peekable();
        for i in memchr::memchr_iter(b'"', chunk) {
            let at = base + i as u64;
            if self.escaped.take() == Some(at) {
                continue; // The second quote of an escaped `""`.
            }
            while cursor.next_if(|&&o| o < at).is_some() {
                breaks += 1;
            }
            match self.open {
                None => {
                    let prev = if i > 0 { Some(chunk[i - 1]) } else { self.prev };
                    let field_start = at == self.content_start
                        || matches!(prev, None | Some(b',' | b'\n' | b'\r'));
                    if field_start {
                        self.open = Some((breaks + 1, breaks));
                    }
                }
                Some((line, at_open)) => {
                    let next = match chunk.get(i + 1) {
                        Some(&b) => Some(b),
                        None => self.inner.fill_buf()?.first().copied(),
                    };
                    if next == Some(b'"') {
                        self.escaped = Some(at + 1);
                        continue;
                    }
                    self.open = None;
                    if breaks - at_open > MAX_BREAKS_IN_FIELD {
                        unbalanced(&mut self.problem, line, LONG);
                    }
                }
            }
        }
        if let Some((line, at_open)) = self.open
            && self.breaks - at_open > MAX_BREAKS_IN_FIELD
        {
            unbalanced(&mut self.problem, line, LONG);
        }
        Ok(())
    }
}

const LONG: &str = "runs over more line breaks than any value could hold";

/// Records the first unbalanced quote found.
fn unbalanced(problem: &mut Option<String>, line: u64, how: &str) {
    if problem.is_none() {
        *problem = Some(format!(
            "an unbalanced double quote: the quoted field that opens on line {line} {how}, so \
             the rows after it would be read as part of one value. Close the quote on line \
             {line}, or write a double quote inside a value as two (\"\")"
        ));
    }
}

impl<R: BufRead> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            if let Some((line, _)) = self.open {
                unbalanced(
                    &mut self.problem,
                    line,
                    "is not closed before the end of the file",
                );
            }
            return Ok(0);
        }
        let (chunk, base) = (&buf[..n], self.offset);
        if base == 0 && chunk.starts_with(b"\xEF\xBB\xBF") {
            self.content_start = 3;
        }
        // A line ends at `\n`, and at a `\r` not followed by `\n` (`\r\n` is one break,
        // at its `\n`); a `\r` at the end of the read is settled by peeking at the next byte.
        let mut new_breaks = 0;
        for i in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            if chunk[i] == b'\r' {
                let next = match chunk.get(i + 1) {
                    Some(&b) => Some(b),
                    None => self.inner.fill_buf()?.first().copied(),
                };
                if next == Some(b'\n') {
                    continue;
                }
            }
            self.index.pending.push_back(base + i as u64);
            new_breaks += 1;
        }
        self.breaks += new_breaks as u64;
        if self.open.is_some() || memchr::memchr(b'"', chunk).is_some() {
            self.follow_quotes(chunk, base, new_breaks)?;
        }
        self.prev = Some(buf[n - 1]);
        self.offset += n as u64;
        Ok(n)
    }
}

/// Line breaks inside a record's fields (only quoted fields can hold them), counted as the
/// index counts them: `\n`, `\r\n` and a lone `\r` are one each.
fn record_breaks(rec: &ByteRecord) -> u64 {
    if memchr::memchr2(b'\n', b'\r', rec.as_slice()).is_none() {
        return 0;
    }
    rec.iter().map(field_breaks).sum()
}

/// Line breaks in one field's bytes.
pub(crate) fn field_breaks(field: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', field)
        .filter(|&i| field[i] == b'\n' || field.get(i + 1) != Some(&b'\n'))
        .count() as u64
}

#[derive(Default)]
struct NewlineIndex {
    /// Offsets of the line ends the parser has not yet passed (a `\r\n` at its `\n`).
    pending: VecDeque<u64>,
    /// Line ends already passed.
    passed: u64,
    /// Offset of the last line end passed.
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
        last_line.saturating_sub(inner_breaks)
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

    /// Hands out one byte per read, so that every byte is the last of a read and the first
    /// of the next: every look-ahead across reads is exercised.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.get(self.1), buf.first_mut()) {
                (Some(&b), Some(slot)) => {
                    *slot = b;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// The first field and line number of every record, read from a file and read a byte at a
    /// time; the two must agree.
    fn read_both(data: &[u8]) -> Result<Vec<(String, u64)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, data).unwrap();
        let from_file = Source::open(&p, None).and_then(drain);
        let input = Box::new(BufReader::with_capacity(1, Trickle(data.to_vec(), 0)));
        let trickled = csv_source(input, data.len() as u64).and_then(drain);
        assert_eq!(from_file, trickled, "{:?}", String::from_utf8_lossy(data));
        from_file.map_err(|e| e.0)
    }

    fn drain(mut s: Source) -> Result<Vec<(String, u64)>, SourceError> {
        let mut chunk = Vec::new();
        let mut out = Vec::new();
        while s.next_chunk(&mut chunk, 2)? {
            for (l, r) in &chunk {
                out.push((String::from_utf8_lossy(&r[0]).into_owned(), *l));
            }
        }
        Ok(out)
    }

    fn lines(data: &[u8]) -> Vec<(String, u64)> {
        read_both(data).unwrap()
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
    fn lone_carriage_returns_end_lines_as_an_editor_shows_them() {
        let want = vec![
            ("1".to_string(), 2),
            ("3".to_string(), 4),
            ("5".to_string(), 6),
        ];
        // Classic Mac OS line ends, with and without a final one, and mixed with the others.
        assert_eq!(lines(b"a,b\r1,2\r\r3,4\r\r5"), want);
        assert_eq!(lines(b"a,b\r1,2\r\r3,4\r\r5\r"), want);
        assert_eq!(lines(b"a,b\r\n1,2\r\n\r3,4\n\r\n5\r"), want);
        assert_eq!(
            lines(b"a,b\r\"x\ry\",2\r3,4\r"),
            vec![("x\ry".to_string(), 2), ("3".to_string(), 4)]
        );
        assert_eq!(
            lines(b"a,b\r\n\"x\r\ny\",2\r\n3,4\r\n"),
            vec![("x\r\ny".to_string(), 2), ("3".to_string(), 4)]
        );
        // A `\r` that ends one read of the file and a `\n` that starts the next are one line
        // end: rows long enough to cross the reader's buffer at every offset.
        let long = "x".repeat(70_000);
        let text = format!("a,b\r\n{long},1\r\n{long},2\r\n\r\n{long},3\r\n");
        let got: Vec<u64> = lines(text.as_bytes()).into_iter().map(|(_, l)| l).collect();
        assert_eq!(got, [2, 3, 5]);
    }

    fn open_error(data: &[u8]) -> String {
        read_both(data).unwrap_err()
    }

    #[test]
    fn an_unbalanced_quote_is_a_file_error_naming_its_line() {
        let mut rows = String::from("id,nhs,x\n1,9434765919,a\n2,9434765919,a\n");
        rows.push_str("3,\"9434765919,a\n");
        for i in 4..200 {
            rows.push_str(&format!("{i},9434765919,a\n"));
        }
        let err = open_error(rows.as_bytes());
        assert!(err.contains("unbalanced double quote"), "{err}");
        assert!(
            err.contains("opens on line 4 runs over more line breaks"),
            "{err}"
        );
        assert!(
            !err.contains("9434765919"),
            "the swallowed text is never shown: {err}"
        );
        // Near the end: the quote reaches the end of the file.
        let err = open_error(b"id,x\r\n1,a\r\n2,\"a\r\n3,b\r\n");
        assert!(
            err.contains("opens on line 3 is not closed before the end of the file"),
            "{err}"
        );
        let err = open_error(b"id,x\n1,\"a");
        assert!(err.contains("opens on line 2 is not closed"), "{err}");
        // In the header, after a byte order mark, and with CR-only line ends.
        // (From a file only: csv-core strips a byte order mark only when it comes in one read.)
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bom.csv");
        std::fs::write(&p, b"\xEF\xBB\xBF\"id,x\n1,a\n").unwrap();
        let err = Source::open(&p, None).err().unwrap().0;
        assert!(err.contains("opens on line 1 is not closed"), "{err}");
        let mut cr = String::from("id,x\r1,a\r2,\"b\r");
        for i in 3..10 {
            cr.push_str(&format!("{i},c\r"));
        }
        cr.push_str("10,\"d\"\r");
        let err = open_error(cr.as_bytes());
        assert!(err.contains("opens on line 3 runs over"), "{err}");
    }

    #[test]
    fn balanced_quotes_of_every_kind_are_read() {
        // Quotes inside quoted fields (doubled), quotes inside unquoted fields (text), empty
        // quoted fields, a field of a few lines, every field quoted.
        let data = b"a,b\n\"x \"\"y\"\"\",2\n5\" screen,\"\"\n\"l1\nl2\nl3\",4\n\"q\",\"r\"\n";
        assert_eq!(
            lines(data),
            vec![
                ("x \"y\"".to_string(), 2),
                ("5\" screen".to_string(), 3),
                ("l1\nl2\nl3".to_string(), 4),
                ("q".to_string(), 7),
            ]
        );
        // Exactly the limit of line breaks in one field is still a value.
        let limit = format!(
            "a,b\n\"{}\",2\n",
            vec!["l"; MAX_BREAKS_IN_FIELD as usize + 1].join("\n")
        );
        assert_eq!(lines(limit.as_bytes()).len(), 1);
        // A quote doubled across the boundary of the reader's buffer.
        let long = "x".repeat(65_534);
        let text = format!("a,b\n\"{long}\"\"\",2\n3,4\n");
        assert_eq!(lines(text.as_bytes()).len(), 2);
    }

    proptest::proptest! {
        /// On any text of commas, quotes and line ends: reading the file whole and a byte at a
        /// time agree (records, line numbers, errors), and a file that reads without error
        /// has no field over the limit of line breaks.
        #[test]
        fn quoting_and_line_ends_agree_with_the_parser(
            body in proptest::collection::vec(
                proptest::sample::select(vec!["a", ",", "\"", "\"\"", "\n", "\r", "\r\n"]),
                0..60,
            )
        ) {
            let data = format!("h,i\n{}", body.concat());
            if let Ok(rows) = read_both(data.as_bytes()) {
                let mut r = csv::ReaderBuilder::new()
                    .flexible(true)
                    .has_headers(true)
                    .from_reader(data.as_bytes());
                let mut n = 0;
                for rec in r.byte_records() {
                    let rec = rec.unwrap();
                    for f in rec.iter() {
                        proptest::prop_assert!(field_breaks(f) <= MAX_BREAKS_IN_FIELD);
                    }
                    n += 1;
                }
                proptest::prop_assert_eq!(n, rows.len());
            }
        }
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

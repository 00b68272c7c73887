//! A small, fast CSV writer for the generator's own rows.
//!
//! Every value the generator writes is a code, a number or a date, except a few names
//! (local authorities such as "Bristol, City of"), which [`Csv::text`] quotes. Rows are
//! formatted into one reusable buffer and written in 1 MiB blocks, so memory stays
//! bounded however many rows a file gets.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::SynthError;
use crate::dates::{Day, iso};

const BLOCK: usize = 1 << 20;

/// One output CSV file.
pub struct Csv {
    path: PathBuf,
    file: File,
    buf: Vec<u8>,
    first: bool,
    rows: u64,
}

impl Csv {
    /// Creates `dir/<name>.csv` and writes the header.
    pub fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Csv, SynthError> {
        let path = dir.join(format!("{name}.csv"));
        let file = File::create(&path).map_err(|e| SynthError::io(&path, e))?;
        let mut csv = Csv {
            path,
            file,
            buf: Vec::with_capacity(BLOCK + 4096),
            first: true,
            rows: 0,
        };
        for h in header {
            csv.raw(h.as_bytes());
        }
        csv.buf.push(b'\n');
        csv.first = true;
        Ok(csv)
    }

    fn sep(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }

    /// A field known to hold no comma, quote or newline.
    pub fn raw(&mut self, v: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(v);
    }

    /// A plain string field (codes).
    pub fn s(&mut self, v: &str) {
        self.raw(v.as_bytes());
    }

    /// A free-text field, quoted when it needs to be.
    pub fn text(&mut self, v: &str) {
        if v.contains([',', '"', '\n', '\r']) {
            self.sep();
            self.buf.push(b'"');
            self.buf
                .extend_from_slice(v.replace('"', "\"\"").as_bytes());
            self.buf.push(b'"');
        } else {
            self.s(v);
        }
    }

    /// An empty field.
    pub fn blank(&mut self) {
        self.sep();
    }

    /// An unsigned integer.
    pub fn int(&mut self, mut v: u64) {
        self.sep();
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }

    /// An integer with a fixed-width zero-padded suffix after a prefix, e.g. `P000012345`.
    pub fn id(&mut self, prefix: &str, mut v: u64, width: usize) {
        self.sep();
        self.buf.extend_from_slice(prefix.as_bytes());
        let mut tmp = [b'0'; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let start = i.min(tmp.len().saturating_sub(width));
        self.buf.extend_from_slice(&tmp[start..]);
    }

    /// A money amount or other decimal with two places.
    pub fn money(&mut self, v: f64) {
        self.sep();
        let pence = (v * 100.0).round().max(0.0) as u64;
        let mut s = (pence / 100).to_string();
        s.push('.');
        s.push_str(&format!("{:02}", pence % 100));
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A decimal with the given number of places.
    pub fn dec(&mut self, v: f64, places: usize) {
        self.sep();
        self.buf
            .extend_from_slice(format!("{v:.places$}").as_bytes());
    }

    /// An ISO date.
    pub fn date(&mut self, d: Day) {
        self.raw(&iso(d));
    }

    /// A `Y`/`N` flag.
    pub fn yn(&mut self, v: bool) {
        self.raw(if v { b"Y" } else { b"N" });
    }

    /// Ends the row.
    pub fn end(&mut self) -> Result<(), SynthError> {
        self.buf.push(b'\n');
        self.first = true;
        self.rows += 1;
        if self.buf.len() >= BLOCK {
            self.flush_block()?;
        }
        Ok(())
    }

    fn flush_block(&mut self) -> Result<(), SynthError> {
        let r: io::Result<()> = self.file.write_all(&self.buf);
        r.map_err(|e| SynthError::io(&self.path, e))?;
        self.buf.clear();
        Ok(())
    }

    /// Writes what is left and returns the number of data rows.
    pub fn finish(mut self) -> Result<u64, SynthError> {
        self.flush_block()?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_formatted_exactly() {
        let dir = std::env::temp_dir().join(format!("equalis-synth-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut c = Csv::create(&dir, "t", &["a", "b", "c", "d", "e", "f", "g"]).expect("create");
        c.id("PW", 123, 6);
        c.int(0);
        c.money(1234.5);
        c.text("Bristol, City of");
        c.blank();
        c.date(crate::dates::day(2026, 3, 31));
        c.yn(true);
        c.end().expect("row");
        assert_eq!(c.finish().expect("finish"), 1);
        let text = std::fs::read_to_string(dir.join("t.csv")).expect("read");
        assert_eq!(
            text,
            "a,b,c,d,e,f,g\nPW000123,0,1234.50,\"Bristol, City of\",,2026-03-31,Y\n"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}

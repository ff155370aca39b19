//! The streaming CSV row source: raw bytes → progress counter → UTF-8
//! decoder → `csv` parser, one record at a time.
//!
//! Holds one record in memory at a time (plus the parser's buffer); it never
//! collects the file. It yields raw cells with their line numbers and leaves
//! all interpretation to `record`.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, PoisonError};

use crate::decode::DecodingReader;
use crate::detect::{Delimiter, Encoding};
use crate::ImportError;

/// One row as read from the file: 1-based line and the cells.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Where lines start in the decoded stream. The `csv` crate miscounts lines
/// with CRLF endings, so line numbers for the report are tracked here: every
/// line start seen by the parser is queued, and dropped once a record starts
/// after it. The queue only spans the parser's read-ahead buffer.
#[derive(Default)]
struct LineTracker {
    offset: u64,
    pending_cr: bool,
    starts: VecDeque<u64>,
    passed: u64,
}

impl LineTracker {
    fn feed(&mut self, buf: &[u8]) {
        for (i, b) in buf.iter().enumerate() {
            let pos = self.offset + i as u64;
            if self.pending_cr {
                self.pending_cr = false;
                // A lone CR ends a line too (old Mac "CSV (Macintosh)").
                if *b != b'\n' {
                    self.starts.push_back(pos);
                }
            }
            match b {
                b'\n' => self.starts.push_back(pos + 1),
                b'\r' => self.pending_cr = true,
                _ => {}
            }
        }
        self.offset += buf.len() as u64;
    }

    /// 1-based line of a byte offset; offsets must be asked in non-decreasing order.
    fn line_at(&mut self, byte: u64) -> usize {
        while self.starts.front().is_some_and(|s| *s <= byte) {
            self.starts.pop_front();
            self.passed += 1;
        }
        usize::try_from(self.passed + 1).unwrap_or(usize::MAX)
    }
}

/// Feeds everything the parser reads into the shared [`LineTracker`].
struct LineCounting<R> {
    inner: R,
    lines: Arc<Mutex<LineTracker>>,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .feed(&buf[..n]);
        Ok(n)
    }
}

pub(crate) struct CsvSource {
    reader: csv::Reader<LineCounting<DecodingReader<Box<dyn Read + Send>>>>,
    record: csv::ByteRecord,
    lines: Arc<Mutex<LineTracker>>,
}

impl CsvSource {
    pub(crate) fn new(
        stream: Box<dyn Read + Send>,
        encoding: Encoding,
        delimiter: Delimiter,
    ) -> Self {
        let lines = Arc::new(Mutex::new(LineTracker::default()));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Exports often have ragged rows (trailing empty cells trimmed).
            .flexible(true)
            .delimiter(delimiter.as_byte())
            .buffer_capacity(64 * 1024)
            .from_reader(LineCounting {
                inner: DecodingReader::new(stream, encoding),
                lines: Arc::clone(&lines),
            });
        Self {
            reader,
            record: csv::ByteRecord::new(),
            lines,
        }
    }

    pub(crate) fn next_row(&mut self) -> Option<Result<RawRow, ImportError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                // `csv` reports record *starts* inaccurately after CRLF and
                // skipped blank lines, but its position after a read (just past
                // the record's terminator) is exact: take the line of the
                // record's last byte and step back over quoted line breaks.
                let end = self.reader.position().byte().saturating_sub(1);
                let last_line = self
                    .lines
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .line_at(end);
                let inner: usize = self.record.iter().map(line_breaks).sum();
                let line = last_line.saturating_sub(inner).max(1);
                // The decoder emits UTF-8, so the lossy conversion never loses anything.
                let cells = self
                    .record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                Some(Ok(RawRow { line, cells }))
            }
            Err(e) => Some(Err(csv_error(e))),
        }
    }
}

/// Line breaks inside a field (CRLF counts once).
fn line_breaks(field: &[u8]) -> usize {
    let crlf = field.windows(2).filter(|w| w == b"\r\n").count();
    field
        .iter()
        .filter(|b| **b == b'\n' || **b == b'\r')
        .count()
        - crlf
}

fn csv_error(e: csv::Error) -> ImportError {
    let line = e
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::Io(io),
        other => ImportError::MalformedCsv {
            line,
            message: format!("{other:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<usize> {
        let mut src = CsvSource::new(
            Box::new(io::Cursor::new(text.as_bytes().to_vec())),
            Encoding::Utf8,
            Delimiter::Semicolon,
        );
        std::iter::from_fn(|| src.next_row())
            .map(|r| r.map(|r| r.line).unwrap_or(0))
            .collect()
    }

    #[test]
    fn line_numbers_count_lf_crlf_and_lone_cr() {
        assert_eq!(lines_of("a;b\nc;d\ne;f\n"), vec![1, 2, 3]);
        assert_eq!(
            lines_of("a;b\r\nc;d\r\ne;f\r\n"),
            vec![1, 2, 3],
            "CRLF is one line break"
        );
        assert_eq!(
            lines_of("a;b\rc;d\re;f\r"),
            vec![1, 2, 3],
            "old Mac files end lines with CR"
        );
        assert_eq!(
            lines_of("a;\"x\r\ny\"\r\n\r\nc;d\r\n"),
            vec![1, 4],
            "quoted breaks and blank lines count"
        );
        assert_eq!(
            lines_of("a;b\n\n\nc;\"1\n2\n3\"\ne;f"),
            vec![1, 4, 7],
            "last record without a final newline"
        );
    }
}

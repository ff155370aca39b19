//! Opening a file: decide CSV or XLSX, detect encoding / delimiter / header /
//! format / mapping, check that at least one data row exists, then hand out
//! the record stream.
//!
//! This is the only module that touches the file system. It keeps a CSV open
//! as a stream (never reads it whole); the interpretation of rows is left to
//! `record`.

use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::columns::Classified;
use crate::csv_source::{CsvSource, RawRow};
use crate::dates::current_year;
use crate::decode::{decode_sample, CountingReader};
use crate::detect::{
    self, choose_csv_layout, find_header_row, sniff_encoding, sniff_kind, FileKind, SNIFF_BYTES,
};
use crate::formats::{adjust_mapping, detect_format};
use crate::normalize::{clean_cell, is_blank};
use crate::record::RowBuilder;
use crate::xlsx_source::{open_xlsx, XlsxSheet};
use crate::{ColumnMapping, Detected, ImportError, Row, MAX_XLSX_BYTES};

/// A shared, cheap-to-clone view of how far the reader has got, for a
/// progress bar. Take it with [`Reader::progress`] before calling
/// [`Reader::rows`], then poll it from the UI thread.
#[derive(Debug, Clone)]
pub struct Progress {
    read: Arc<AtomicU64>,
    total: u64,
}

impl Progress {
    fn new(total: u64) -> Self {
        Self {
            read: Arc::new(AtomicU64::new(0)),
            total,
        }
    }

    /// Bytes of the file consumed so far (estimated from rows for XLSX).
    pub fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed).min(self.total)
    }

    /// Size of the file in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// 0.0 ..= 1.0.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.bytes_read() as f64 / self.total as f64
        }
    }
}

enum Source {
    // Boxed: the CSV parser state is large, the XLSX cursor small.
    Csv {
        csv: Box<CsvSource>,
        first: Option<RawRow>,
    },
    Xlsx(XlsxSheet),
}

impl Source {
    fn next_row(&mut self) -> Option<Result<RawRow, ImportError>> {
        match self {
            Source::Csv { csv, first } => match first.take() {
                Some(row) => Some(Ok(row)),
                None => csv.next_row(),
            },
            Source::Xlsx(sheet) => sheet.next_row().map(Ok),
        }
    }
}

/// An opened, detected file, ready to stream its records.
pub struct Reader {
    detected: Detected,
    source_name: String,
    progress: Progress,
    source: Source,
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("source_name", &self.source_name)
            .field("detected", &self.detected)
            .finish_non_exhaustive()
    }
}

/// Opens a CSV or XLSX file from disk.
pub fn open_path(path: &Path) -> Result<Reader, ImportError> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    open_stream(Box::new(file), size, name)
}

/// Opens a CSV or XLSX file already in memory (drag-and-drop, tests).
pub fn open_bytes(bytes: Vec<u8>, file_name: &str) -> Result<Reader, ImportError> {
    let size = bytes.len() as u64;
    if sniff_kind(&bytes) == FileKind::Zip {
        // Already in memory: no need to copy it through a stream.
        return open_xlsx_bytes(bytes, size, file_name.to_string());
    }
    open_stream(Box::new(Cursor::new(bytes)), size, file_name.to_string())
}

fn open_stream(
    mut stream: Box<dyn Read + Send>,
    size: u64,
    name: String,
) -> Result<Reader, ImportError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut stream)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if head.is_empty() {
        return Err(ImportError::Empty);
    }
    match sniff_kind(&head) {
        FileKind::Binary => Err(ImportError::NotASpreadsheet),
        FileKind::Zip => {
            if size > MAX_XLSX_BYTES {
                return Err(ImportError::TooLarge {
                    size,
                    limit: MAX_XLSX_BYTES,
                });
            }
            // `take` keeps the cap even if the file grows while being read.
            stream
                .take(MAX_XLSX_BYTES + 1 - head.len() as u64)
                .read_to_end(&mut head)?;
            let actual = head.len() as u64;
            if actual > MAX_XLSX_BYTES {
                return Err(ImportError::TooLarge {
                    size: actual,
                    limit: MAX_XLSX_BYTES,
                });
            }
            open_xlsx_bytes(head, size.max(actual), name)
        }
        FileKind::Text => open_csv(head, stream, size, name),
    }
}

fn open_csv(
    head: Vec<u8>,
    rest: Box<dyn Read + Send>,
    size: u64,
    name: String,
) -> Result<Reader, ImportError> {
    let complete = head.len() < SNIFF_BYTES;
    let encoding = sniff_encoding(&head, complete);
    let sample = decode_sample(&head, encoding, complete);
    if is_blank(&sample) {
        return Err(ImportError::Empty);
    }
    if !detect::looks_like_text(&sample) {
        return Err(ImportError::NotASpreadsheet);
    }
    let layout = choose_csv_layout(&sample)?;

    let progress = Progress::new(size);
    let counted = CountingReader::new(Cursor::new(head).chain(rest), Arc::clone(&progress.read));
    let mut csv = CsvSource::new(Box::new(counted), encoding, layout.delimiter);
    for _ in 0..layout.header_row {
        csv.next_row().transpose()?;
    }
    let header = csv.next_row().transpose()?.ok_or(ImportError::NoHeader)?;
    // Skip blank rows up to the first data row; none at all means header only.
    let first = loop {
        match csv.next_row().transpose()? {
            None => return Err(ImportError::HeaderOnly),
            Some(row) if row.cells.iter().all(|c| is_blank(c)) => continue,
            Some(row) => break row,
        }
    };
    let detected = detect_columns(
        header.cells,
        layout.header_row,
        Some(encoding),
        Some(layout.delimiter),
    );
    Ok(Reader {
        detected,
        source_name: name,
        progress,
        source: Source::Csv {
            csv: Box::new(csv),
            first: Some(first),
        },
    })
}

fn open_xlsx_bytes(bytes: Vec<u8>, size: u64, name: String) -> Result<Reader, ImportError> {
    if size > MAX_XLSX_BYTES {
        return Err(ImportError::TooLarge {
            size,
            limit: MAX_XLSX_BYTES,
        });
    }
    let mut sheet = open_xlsx(bytes)?;
    let scan: Vec<Vec<String>> = (0..sheet.len().min(detect::HEADER_SCAN_ROWS))
        .filter_map(|i| sheet.row(i))
        .map(|r| r.cells)
        .collect();
    let (header_idx, _) = find_header_row(&scan).ok_or(ImportError::NoHeader)?;
    let header = sheet.row(header_idx).ok_or(ImportError::NoHeader)?;
    // Only non-empty rows are stored, but a row of spaces still counts as blank.
    let first_data = (header_idx + 1..sheet.len()).find(|i| {
        sheet
            .row(*i)
            .is_some_and(|r| !r.cells.iter().all(|c| is_blank(c)))
    });
    let first_data = first_data.ok_or(ImportError::HeaderOnly)?;
    sheet.seek(first_data);
    let header_row = header.line.saturating_sub(1);
    let detected = detect_columns(header.cells, header_row, None, None);
    Ok(Reader {
        detected,
        source_name: name,
        progress: Progress::new(size),
        source: Source::Xlsx(sheet),
    })
}

/// Headers → format → mapping.
fn detect_columns(
    raw_headers: Vec<String>,
    header_row: usize,
    encoding: Option<detect::Encoding>,
    delimiter: Option<detect::Delimiter>,
) -> Detected {
    let headers: Vec<String> = raw_headers.iter().map(|h| clean_cell(h)).collect();
    let classified = Classified::new(&headers);
    let format = detect_format(&classified.folded);
    let mut mapping = classified.mapping();
    adjust_mapping(format, &classified, &raw_headers, &mut mapping);
    Detected {
        format,
        encoding,
        delimiter,
        header_row,
        headers,
        mapping,
    }
}

fn has_name(m: &ColumnMapping) -> bool {
    [
        m.get("first_name"),
        m.get("last_name"),
        m.full_name,
        m.payer_first_name,
        m.payer_last_name,
        m.payer_full_name,
    ]
    .iter()
    .any(Option::is_some)
}

impl Reader {
    /// What was detected (format, encoding, delimiter, header, mapping).
    pub fn detected(&self) -> &Detected {
        &self.detected
    }

    /// The file name the reader was opened with.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// A handle to follow the reading progress (see [`Progress`]).
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }

    /// Replaces the detected mapping with the user's.
    ///
    /// Fails with [`ImportError::BadMapping`] when an index is not a column
    /// of the file, and [`ImportError::NoNameColumn`] when no column gives a
    /// name (participant's or payer's).
    pub fn with_mapping(mut self, mapping: ColumnMapping) -> Result<Reader, ImportError> {
        validate_mapping(&mapping, self.detected.headers.len())?;
        self.detected.mapping = mapping;
        Ok(self)
    }

    /// The record stream. Blank rows before the first data row are not
    /// reported; after it, every row gives a `Row`. If the mapping has no name
    /// column, the stream's only item is [`ImportError::NoNameColumn`]. The
    /// stream ends after the first error.
    pub fn rows(self) -> Rows {
        let pending_error =
            (!has_name(&self.detected.mapping)).then_some(ImportError::NoNameColumn);
        let numeric_dates = matches!(self.source, Source::Xlsx(_));
        let builder = RowBuilder::new(
            self.detected.headers.clone(),
            self.detected.mapping.clone(),
            self.detected.format,
            numeric_dates,
            current_year(),
        );
        Rows {
            source: self.source,
            builder,
            progress: self.progress,
            pending_error,
            finished: false,
        }
    }
}

fn validate_mapping(m: &ColumnMapping, width: usize) -> Result<(), ImportError> {
    if let Some(bad) = m.columns().find(|i| *i >= width) {
        return Err(ImportError::BadMapping(bad));
    }
    if let Some(name) = m.unknown_field() {
        return Err(ImportError::UnknownField(name.chars().take(60).collect()));
    }
    if !has_name(m) {
        return Err(ImportError::NoNameColumn);
    }
    Ok(())
}

/// The stream of rows of an opened file (see [`Reader::rows`]).
pub struct Rows {
    source: Source,
    builder: RowBuilder,
    progress: Progress,
    pending_error: Option<ImportError>,
    finished: bool,
}

impl Iterator for Rows {
    type Item = Result<Row, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        if let Some(e) = self.pending_error.take() {
            self.finished = true;
            return Some(Err(e));
        }
        let item = self.source.next_row();
        if let Source::Xlsx(sheet) = &self.source {
            // XLSX is already in memory: report progress by rows instead of bytes.
            let done = sheet.position() as u64;
            let estimate = self.progress.total.saturating_mul(done) / (sheet.len().max(1) as u64);
            self.progress.read.store(estimate, Ordering::Relaxed);
        }
        match item {
            None => {
                self.finished = true;
                self.progress
                    .read
                    .store(self.progress.total, Ordering::Relaxed);
                None
            }
            Some(Err(e)) => {
                self.finished = true;
                Some(Err(e))
            }
            Some(Ok(raw)) => Some(Ok(self.builder.build(raw.line, &raw.cells))),
        }
    }
}

// The desktop shell reads files on a worker thread: the reader and its stream
// must be movable across threads.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<Reader>();
    assert_send::<Rows>();
    assert_send::<Progress>();
};

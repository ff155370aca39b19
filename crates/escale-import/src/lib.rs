//! Readers for the registration exports French associations really have.
//!
//! This crate turns a file (CSV or XLSX) into a stream of [`Row`]s (an
//! [`ImportRecord`] or a [`Skipped`] row with its reason) plus a [`Detected`]
//! saying what was detected (format, encoding, delimiter, header row, column
//! mapping). It knows
//! nothing about the Escale store: matching against existing visitors, the dry
//! run and the single-transaction commit live in `escale-core::import`.
//!
//! It must never panic on hostile input and must read large files in bounded
//! memory (CSV is streamed row by row; XLSX is bounded by the file-size cap).
//!
//! Main types: [`Reader`] (open + detect), [`Rows`] (the stream), [`Progress`],
//! [`Detected`], [`ColumnMapping`], [`ImportRecord`], [`SkipReason`],
//! [`ImportError`].
//!
//! ```no_run
//! # fn main() -> Result<(), escale_import::ImportError> {
//! let reader = escale_import::open_path(std::path::Path::new("inscriptions.csv"))?;
//! println!("{:?}", reader.detected().format);
//! let progress = reader.progress(); // poll from the UI while reading
//! for row in reader.rows() {
//!     match row? {
//!         escale_import::Row::Record(r) => {
//!             println!("{} {}", r.field("first_name"), r.field("last_name"))
//!         }
//!         escale_import::Row::Skipped(s) => println!("line {}: {:?}", s.line, s.reason),
//!     }
//! }
//! # let _ = progress;
//! # Ok(()) }
//! ```

// NOTE: this file is the interface contract; the implementation lives in the
// submodules declared below.

mod columns;
mod csv_source;
mod dates;
mod decode;
mod detect;
mod formats;
mod gender;
mod keys;
mod names;
mod normalize;
mod reader;
mod record;
mod situation;
mod xlsx_source;
mod zipcheck;

pub use detect::{Delimiter, Encoding};
pub use formats::SourceFormat;
pub use normalize::fold_header;
pub use reader::{open_bytes, open_path, Progress, Reader, Rows};

use escale_protocol::catalogue::{m, Describe, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the reader detected about a file, shown in the import preview.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detected {
    pub format: SourceFormat,
    /// `None` for XLSX.
    pub encoding: Option<Encoding>,
    /// `None` for XLSX.
    pub delimiter: Option<Delimiter>,
    /// 0-based index of the header row in the file (rows above it are titles /
    /// notes): the CSV record index (blank lines not counted), or the XLSX row
    /// index (row 1 is 0).
    pub header_row: usize,
    /// The header cells as found in the file.
    pub headers: Vec<String>,
    pub mapping: ColumnMapping,
}

/// Which column (0-based index into `headers`) feeds which field. Editable by
/// the user in the import wizard and passed back to [`Reader::with_mapping`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnMapping {
    /// Columns feeding a visitor's fields, by registry name (`first_name`,
    /// `email`, `postcode`…: see `escale_protocol::fields`).
    pub fields: BTreeMap<String, usize>,
    /// A single "Nom complet" / "Name" column, split when first/last are absent.
    pub full_name: Option<usize>,
    /// A full birth date column (year is extracted).
    pub birth_date: Option<usize>,
    /// Ticket / order / response id: the stable key of a row within its source.
    pub source_key: Option<usize>,
    /// A second key column that makes `source_key` unique per ticket (e.g. a ticket line number).
    pub source_key_extra: Option<usize>,
    /// Barcode / QR / ticket secret that a scanner types at the desk.
    pub ticket_code: Option<usize>,
    /// Order / payment / response status ("Validé", "Remboursé", "Cancelled", "p", "n"...).
    pub status: Option<usize>,
    /// Payer's names and email (HelloAsso / Eventbrite / pretix distinguish payer from participant).
    pub payer_first_name: Option<usize>,
    pub payer_last_name: Option<usize>,
    pub payer_email: Option<usize>,
    /// A single payer name column (pretix "Invoice address name"), split like `full_name`.
    pub payer_full_name: Option<usize>,
    /// Registration date as written in the file (kept as text).
    pub registered_at: Option<usize>,
}

impl ColumnMapping {
    /// The column feeding a visitor field (registry name).
    pub fn get(&self, field: &str) -> Option<usize> {
        self.fields.get(field).copied()
    }

    /// Sets (or with `None` removes) the column feeding a visitor field.
    pub fn set(&mut self, field: &str, column: Option<usize>) {
        match column {
            Some(c) => {
                self.fields.insert(field.to_string(), c);
            }
            None => {
                self.fields.remove(field);
            }
        }
    }

    /// Every column index the mapping uses (one list, so a new field cannot
    /// be validated in one place and forgotten in another).
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.fields.values().copied().chain(
            [
                self.full_name,
                self.birth_date,
                self.source_key,
                self.source_key_extra,
                self.ticket_code,
                self.status,
                self.payer_first_name,
                self.payer_last_name,
                self.payer_full_name,
                self.payer_email,
                self.registered_at,
            ]
            .into_iter()
            .flatten(),
        )
    }

    /// A visitor field the mapping names that is not one an import feeds.
    pub fn unknown_field(&self) -> Option<&str> {
        self.fields
            .keys()
            .find(|name| !importable(name))
            .map(String::as_str)
    }
}

/// Whether a visitor field (registry name) can be fed by an import column.
pub fn importable(name: &str) -> bool {
    escale_protocol::fields::visitor(name).is_some_and(|f| f.max > 0)
}

/// Professional situation as understood by Escale (the vocabulary's own enum).
pub use escale_protocol::model::Situation;

/// One participant (one ticket) read from a file. Strings are trimmed,
/// NFC-normalised, stripped of control characters and capped in length; no
/// validation of email/phone beyond that happens here (the core validates and
/// warns, as for what is typed at the desk).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// 1-based line (CSV) or row (XLSX) number in the file, for the report.
    pub line: usize,
    /// A visitor's fields by registry name, as read: names (split from a
    /// full name, or the payer's when the participant's are empty), the
    /// birth year as digits (from a year or a date column), the situation
    /// as its value (`job_seeker`…), every other mapped field as its cell.
    /// Empty cells are left out.
    pub fields: BTreeMap<String, String>,
    /// The raw situation text when it could not be mapped (kept for the report).
    pub situation_raw: String,
    /// Stable per-ticket key within the source (never empty: falls back to a
    /// hash of the row's identifying cells when the file has no id column).
    pub source_key: String,
    pub ticket_code: String,
    /// Registration date as written in the file.
    pub registered_at: String,
    /// Set when the participant's names were empty and the payer's were used.
    pub from_payer: bool,
}

impl ImportRecord {
    /// A field's text ("" when the file had none).
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// The birth year found (from a year or a date column).
    pub fn birth_year(&self) -> Option<i32> {
        self.field("birth_year").parse().ok()
    }

    /// The situation, when the cell could be mapped to one.
    pub fn situation(&self) -> Option<Situation> {
        self.field("situation").parse().ok()
    }
}

/// Why a row was not turned into a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// Status says cancelled / annulé.
    Cancelled { status: String },
    /// Status says refunded / remboursé.
    Refunded { status: String },
    /// Draft / pending / unpaid / expired ("Brouillon", "En attente", pretix "n"/"e").
    Draft { status: String },
    /// Every cell is blank.
    Empty,
    /// Neither a first nor a last name (nor a payer name to fall back on).
    NoName,
    /// A cell longer than the cap (the row is kept out rather than truncated silently).
    FieldTooLong { column: String, length: usize },
    /// A totals / summary line at the bottom of an export.
    Summary,
}

/// A skipped row, for the per-row report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub line: usize,
    pub reason: SkipReason,
}

/// Errors that stop the whole read. Each has a stable `code()` that the core
/// translates for the user.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a spreadsheet (CSV or XLSX)")]
    NotASpreadsheet,
    #[error("the spreadsheet is damaged or truncated: {0}")]
    CorruptXlsx(String),
    #[error("no header row with recognisable columns was found")]
    NoHeader,
    #[error("the file has a header but no data rows")]
    HeaderOnly,
    #[error("no name column could be found (need a first name, last name or full name column)")]
    NoNameColumn,
    #[error("file too large: {size} bytes (limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("malformed CSV at line {line}: {message}")]
    MalformedCsv { line: usize, message: String },
    #[error("column index {0} is out of range for this file")]
    BadMapping(usize),
    #[error("no visitor field is named {0:?}")]
    UnknownField(String),
}

impl ImportError {
    /// Stable machine code, e.g. `import.not_a_spreadsheet`.
    pub fn code(&self) -> &'static str {
        self.describe().code().as_str()
    }
}

impl Describe for ImportError {
    /// This error as a message of the catalogue, saying what to do.
    fn describe(&self) -> Problem {
        use std::io::ErrorKind;
        let p = |msg: &'static escale_protocol::catalogue::Msg| Problem::new(msg);
        match self {
            ImportError::Io(err) => match err.kind() {
                ErrorKind::NotFound => p(&m::IMPORT_IO_NOT_FOUND),
                ErrorKind::PermissionDenied => p(&m::IMPORT_IO_DENIED),
                ErrorKind::IsADirectory => p(&m::IMPORT_IO_DIRECTORY),
                kind => p(&m::IMPORT_IO).arg("detail", kind),
            },
            ImportError::Empty => p(&m::IMPORT_EMPTY),
            ImportError::NotASpreadsheet => p(&m::IMPORT_NOT_A_SPREADSHEET),
            ImportError::CorruptXlsx(d) => p(&m::IMPORT_CORRUPT_XLSX).arg("detail", d),
            ImportError::NoHeader => p(&m::IMPORT_NO_HEADER),
            ImportError::HeaderOnly => p(&m::IMPORT_HEADER_ONLY),
            ImportError::NoNameColumn => p(&m::IMPORT_NO_NAME_COLUMN),
            ImportError::TooLarge { size, limit } => p(&m::IMPORT_TOO_LARGE)
                .arg("size", size / 1_048_576)
                .arg("limit", limit / 1_048_576),
            ImportError::MalformedCsv { line, message } => p(&m::IMPORT_MALFORMED_CSV)
                .arg("line", line)
                .arg("detail", message),
            ImportError::BadMapping(i) => p(&m::IMPORT_BAD_MAPPING).arg("column", i + 1),
            ImportError::UnknownField(name) => p(&m::IMPORT_UNKNOWN_FIELD).arg("name", name),
        }
    }
}

/// One item of the record stream.
// Rows are produced and consumed one at a time, so the size gap between the
// variants costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Record(ImportRecord),
    Skipped(Skipped),
}

/// Hard limits. Cells longer than `MAX_CELL_CHARS` make the row skipped.
pub const MAX_CELL_CHARS: usize = 1_000;
/// CSV files are streamed; this only caps XLSX (which must be unzipped in memory).
pub const MAX_XLSX_BYTES: u64 = 50 * 1024 * 1024;

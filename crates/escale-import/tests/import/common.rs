//! Shared helpers: fixture paths, reading a whole file into records and
//! skipped rows, and small generators for XLSX and ZIP bytes.

use std::path::{Path, PathBuf};

use escale_import::{open_bytes, open_path, ImportRecord, Reader, Row, SkipReason, Skipped};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn open_fixture(name: &str) -> Reader {
    open_path(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name} must open: {e}"))
}

/// Everything a file produced.
#[derive(Debug)]
pub struct ReadAll {
    pub records: Vec<ImportRecord>,
    pub skipped: Vec<Skipped>,
}

impl ReadAll {
    /// The record whose last name is `last` (exactly one expected).
    pub fn person(&self, last: &str) -> &ImportRecord {
        let found: Vec<&ImportRecord> = self
            .records
            .iter()
            .filter(|r| r.field("last_name") == last)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one record for {last:?}, got {:#?}",
            self.records
        );
        found[0]
    }

    pub fn reasons(&self) -> Vec<SkipReason> {
        self.skipped.iter().map(|s| s.reason.clone()).collect()
    }

    pub fn keys(&self) -> Vec<String> {
        self.records.iter().map(|r| r.source_key.clone()).collect()
    }
}

pub fn read_all(reader: Reader) -> ReadAll {
    let mut out = ReadAll {
        records: Vec::new(),
        skipped: Vec::new(),
    };
    for row in reader.rows() {
        match row.unwrap_or_else(|e| panic!("reading must not fail: {e}")) {
            Row::Record(r) => out.records.push(r),
            Row::Skipped(s) => out.skipped.push(s),
        }
    }
    out
}

pub fn read_bytes(bytes: &[u8], name: &str) -> ReadAll {
    read_all(open_bytes(bytes.to_vec(), name).unwrap_or_else(|e| panic!("{name} must open: {e}")))
}

pub fn read_fixture(name: &str) -> ReadAll {
    read_all(open_fixture(name))
}

/// Asserts keys are unique within the file.
pub fn assert_unique_keys(read: &ReadAll) {
    let mut keys = read.keys();
    keys.sort();
    let before = keys.len();
    keys.dedup();
    assert_eq!(
        before,
        keys.len(),
        "each ticket needs its own key, got duplicates in {:?}",
        read.keys()
    );
    assert!(
        read.keys().iter().all(|k| !k.is_empty()),
        "a key is never empty"
    );
}

/// One cell of a generated sheet.
#[derive(Clone, Copy)]
pub enum Cell<'a> {
    S(&'a str),
    N(f64),
    /// A real Excel date cell (year, month, day).
    D(u16, u8, u8),
    Blank,
}

/// Builds an XLSX (one sheet) in memory.
pub fn xlsx_bytes(rows: &[Vec<Cell<'_>>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match *cell {
                Cell::S(s) => {
                    sheet.write_string(r, c, s).expect("write string");
                }
                Cell::N(n) => {
                    sheet.write_number(r, c, n).expect("write number");
                }
                Cell::D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(y, m, d).expect("valid date");
                    sheet
                        .write_datetime_with_format(r, c, &dt, &date_format)
                        .expect("write date");
                }
                Cell::Blank => {}
            }
        }
    }
    workbook.save_to_buffer().expect("xlsx generation")
}

/// A ZIP with stored (uncompressed) entries; `declared_size` overrides the
/// uncompressed size written in the central directory (zip-bomb tests).
pub fn stored_zip(entries: &[(&str, &[u8])], declared_size: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let size = data.len() as u32;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method, time, date
        out.extend_from_slice(&0u32.to_le_bytes()); // crc (not checked before rejection)
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // made by, needed, flags, method, time, date
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&declared_size.unwrap_or(size).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, internal attrs, external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

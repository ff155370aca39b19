//! The XLSX row source: checks the ZIP container (is it an XLSX at all, is it
//! truncated, does it unpack to something sane), loads the first non-empty
//! sheet with calamine, and hands out its rows as text cells.
//!
//! The sheet is read cell by cell and kept sparse; memory is bounded by the
//! file-size cap ([`MAX_XLSX_BYTES`]) and the unpacked-size cap below.

use std::io::Cursor;

use calamine::{DataRef, Reader as _, Xlsx};

use crate::csv_source::RawRow;
use crate::zipcheck;
use crate::{ImportError, MAX_XLSX_BYTES};

/// Refuse archives that declare more than this once unpacked (zip bombs).
pub(crate) const MAX_XLSX_UNPACKED_BYTES: u64 = 10 * MAX_XLSX_BYTES;
/// Excel's own column limit; a cell beyond it is ignored.
const MAX_COLUMNS: u32 = 16_384;

/// One non-empty row: absolute 0-based row index and its non-empty cells.
struct SparseRow {
    row: u32,
    cells: Vec<(u32, String)>,
}

/// A sheet kept sparse: only cells that hold something are stored, so a
/// stray cell at XFD1048576 costs one entry, not a billion (calamine's
/// `Range` would allocate the whole rectangle).
pub(crate) struct XlsxSheet {
    rows: Vec<SparseRow>,
    next: usize,
}

/// Validates the container and loads the first sheet that has cells.
pub(crate) fn open_xlsx(bytes: Vec<u8>) -> Result<XlsxSheet, ImportError> {
    match zipcheck::list(&bytes) {
        None if zipcheck::local_headers_look_like_xlsx(&bytes) => {
            return Err(ImportError::CorruptXlsx(
                "the file is cut short (no ZIP directory)".into(),
            ));
        }
        None => return Err(ImportError::NotASpreadsheet),
        Some(listing) => {
            let is_xlsx =
                listing.names.is_empty() || listing.names.iter().any(|n| n.starts_with("xl/"));
            if !is_xlsx || zipcheck::is_opendocument(&listing, &bytes) {
                // ODS, DOCX, a plain ZIP of something else.
                return Err(ImportError::NotASpreadsheet);
            }
            if let Some(total) = listing.uncompressed_total {
                if total > MAX_XLSX_UNPACKED_BYTES {
                    return Err(ImportError::TooLarge {
                        size: total,
                        limit: MAX_XLSX_UNPACKED_BYTES,
                    });
                }
            }
        }
    }
    let corrupt = |e: calamine::XlsxError| ImportError::CorruptXlsx(e.to_string());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    for name in workbook.sheet_names() {
        let mut reader = workbook.worksheet_cells_reader(&name).map_err(corrupt)?;
        let mut rows: Vec<SparseRow> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(corrupt)? {
            let (row, col) = cell.get_position();
            if col >= MAX_COLUMNS {
                continue;
            }
            let text = cell_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            match rows.last_mut() {
                Some(last) if last.row == row => last.cells.push((col, text)),
                _ => rows.push(SparseRow {
                    row,
                    cells: vec![(col, text)],
                }),
            }
        }
        if !rows.is_empty() {
            // Cells come in sheet order in practice; sorting makes odd writers harmless.
            rows.sort_by_key(|r| r.row);
            return Ok(XlsxSheet { rows, next: 0 });
        }
    }
    Err(ImportError::Empty)
}

impl XlsxSheet {
    /// Number of non-empty rows.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The row at `idx` (among non-empty rows), cells from column A.
    pub(crate) fn row(&self, idx: usize) -> Option<RawRow> {
        let sparse = self.rows.get(idx)?;
        let width = sparse
            .cells
            .iter()
            .map(|(c, _)| *c as usize + 1)
            .max()
            .unwrap_or(0);
        let mut cells = vec![String::new(); width];
        for (c, text) in &sparse.cells {
            if let Some(slot) = cells.get_mut(*c as usize) {
                slot.clone_from(text);
            }
        }
        Some(RawRow {
            line: sparse.row as usize + 1,
            cells,
        })
    }

    /// Moves the cursor to the row at `idx` (among non-empty rows).
    pub(crate) fn seek(&mut self, idx: usize) {
        self.next = idx;
    }

    pub(crate) fn position(&self) -> usize {
        self.next
    }

    pub(crate) fn next_row(&mut self) -> Option<RawRow> {
        let row = self.row(self.next)?;
        self.next += 1;
        Some(row)
    }
}

/// Text of a cell as a person reading the sheet would see it. Dates become
/// ISO `yyyy-mm-dd` so that birth dates parse without locale guessing.
fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTime(dt) => float_text(dt.as_f64()),
    }
}

/// Integral floats print without ".0" (ids and phone numbers are stored as numbers).
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::float_text;

    #[test]
    fn integral_numbers_print_like_ids() {
        assert_eq!(
            float_text(612_345_678.0),
            "612345678",
            "a phone stored as a number must not read 6.12e8"
        );
        assert_eq!(float_text(12.5), "12.5");
    }
}

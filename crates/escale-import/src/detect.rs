//! Sniffing a file before reading it: what kind of file it is (XLSX, text,
//! something else), which text encoding and CSV delimiter it uses, and which
//! row is the real header (exports often put a title or notes above it).
//!
//! Works on a bounded sample (the first [`SNIFF_BYTES`] of the file, or the
//! first rows of a sheet); it never reads the rest of a file.

use serde::{Deserialize, Serialize};

use crate::columns;
use crate::ImportError;

/// How much of a text file is examined before streaming starts.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;
/// How many rows are examined to find the header.
pub(crate) const HEADER_SCAN_ROWS: usize = 30;

/// Text encoding of a CSV file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 without a byte-order mark (Google Sheets, most web exports).
    Utf8,
    /// UTF-8 with a byte-order mark ("CSV UTF-8" in Excel, HelloAsso).
    Utf8Bom,
    /// What French Excel writes for plain "CSV (séparateur: point-virgule)".
    Windows1252,
    /// Excel's "Texte Unicode" export.
    Utf16Le,
    Utf16Be,
}

/// CSV field delimiter.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// French Excel's default.
    Semicolon,
    Comma,
    Tab,
    Pipe,
}

impl Delimiter {
    pub const ALL: [Delimiter; 4] = [
        Delimiter::Semicolon,
        Delimiter::Comma,
        Delimiter::Tab,
        Delimiter::Pipe,
    ];

    pub fn as_byte(self) -> u8 {
        match self {
            Delimiter::Semicolon => b';',
            Delimiter::Comma => b',',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }
}

/// What the first bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A ZIP container (XLSX, but also ODS, DOCX...).
    Zip,
    /// Known binary formats and anything full of control bytes.
    Binary,
    /// Possibly a CSV (confirmed later by finding a header).
    Text,
}

/// Magic numbers of files people pick by mistake (or that are spreadsheets we
/// do not read, like XLS-97).
const BINARY_MAGIC: &[&[u8]] = &[
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xFF\xD8\xFF",
    b"\xD0\xCF\x11\xE0", // OLE2: XLS-97, DOC
    b"\x1F\x8B",         // gzip
    b"Rar!",
    b"7z\xBC\xAF",
    b"BZh",
    b"\x7FELF",
    b"MZ",
    b"RIFF",
    b"OggS",
    b"\x00\x00\x01\x00",
    b"PK\x05\x06", // empty ZIP
    b"PK\x07\x08", // spanned ZIP
    b"{\\rtf",
];

pub(crate) fn sniff_kind(head: &[u8]) -> FileKind {
    if head.starts_with(b"PK\x03\x04") {
        return FileKind::Zip;
    }
    if BINARY_MAGIC.iter().any(|m| head.starts_with(m)) {
        return FileKind::Binary;
    }
    FileKind::Text
}

/// Guesses the encoding from the first bytes. `complete` is true when `head`
/// is the whole file (otherwise a multi-byte character may be cut at its end).
pub(crate) fn sniff_encoding(head: &[u8], complete: bool) -> Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8Bom;
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    if let Some(utf16) = sniff_bomless_utf16(head) {
        return utf16;
    }
    let stats = utf8_stats(head, complete);
    if stats.invalid == 0 {
        Encoding::Utf8
    } else if stats.multibyte > stats.invalid {
        // Mostly UTF-8 with a few stray bytes (two exports pasted together):
        // the lenient UTF-8 decoder reads the strays as Windows-1252.
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    }
}

struct Utf8Stats {
    /// Valid non-ASCII characters.
    multibyte: usize,
    /// Bytes that are not valid UTF-8.
    invalid: usize,
}

fn utf8_stats(bytes: &[u8], complete: bool) -> Utf8Stats {
    let non_ascii = |b: &[u8]| {
        std::str::from_utf8(b).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count())
    };
    let mut stats = Utf8Stats {
        multibyte: 0,
        invalid: 0,
    };
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                stats.multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                return stats;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                stats.multibyte += non_ascii(&rest[..valid]);
                match e.error_len() {
                    Some(_) => {
                        stats.invalid += 1;
                        rest = &rest[valid + 1..];
                    }
                    // An incomplete sequence at the very end of a partial
                    // sample is a character cut by the sniff boundary.
                    None => {
                        if complete {
                            stats.invalid += 1;
                        }
                        return stats;
                    }
                }
            }
        }
    }
}

/// UTF-16 without BOM shows as text with a NUL in every other byte.
fn sniff_bomless_utf16(head: &[u8]) -> Option<Encoding> {
    let sample = head.get(..head.len().min(512))?;
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd_nul * 10 >= pairs * 9 && even_nul * 10 <= pairs {
        Some(Encoding::Utf16Le)
    } else if even_nul * 10 >= pairs * 9 && odd_nul * 10 <= pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Whether decoded text can be a spreadsheet export: few control characters
/// (NUL included), not an obvious document (HTML, XML, JSON).
pub(crate) fn looks_like_text(sample: &str) -> bool {
    let trimmed = sample.trim_start_matches('\u{FEFF}').trim_start();
    let lower: String = trimmed
        .chars()
        .take(15)
        .flat_map(char::to_lowercase)
        .collect();
    if ["<!doctype", "<html", "<?xml", "{\"", "[{"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return false;
    }
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in sample.chars() {
        total += 1;
        let control = matches!(c, '\u{0000}'..='\u{0008}' | '\u{000E}'..='\u{001F}' | '\u{007F}'..='\u{009F}' | '\u{FFFD}');
        if control {
            controls += 1;
        }
    }
    // Real exports have none or a handful (a stray control char in a cell);
    // binary data decoded as Windows-1252 has about one in eight.
    controls <= 16 || controls * 100 <= total
}

/// Picks the header row among the first rows: the row naming the most known
/// columns (earliest on ties). Returns `(row index, score)`.
///
/// A row needs two recognised columns, or a single recognised name column if
/// it is the first non-blank row (a one-column "Nom complet" list).
pub(crate) fn find_header_row(rows: &[Vec<String>]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut first_non_blank = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        first_non_blank.get_or_insert(i);
        let score = columns::header_score(row);
        let better = match best {
            None => true,
            Some((_, s)) => score > s,
        };
        if better {
            best = Some((i, score));
        }
    }
    match best {
        Some((i, score)) if score >= 2 => Some((i, score)),
        Some((i, 1)) if Some(i) == first_non_blank && columns::has_name_column(&rows[i]) => {
            Some((i, 1))
        }
        _ => None,
    }
}

/// The CSV layout chosen from a text sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CsvLayout {
    pub delimiter: Delimiter,
    /// Record index (0-based, blank lines not counted) of the header.
    pub header_row: usize,
}

/// Parses the sample with each delimiter and keeps the one under which a
/// header is recognised best and the rows below it are most regular.
pub(crate) fn choose_csv_layout(sample: &str) -> Result<CsvLayout, ImportError> {
    let mut best: Option<((usize, usize, usize), CsvLayout)> = None;
    for delimiter in Delimiter::ALL {
        let rows = sample_rows(sample, delimiter, HEADER_SCAN_ROWS * 2);
        let Some((header_row, score)) = find_header_row(&rows) else {
            continue;
        };
        let width = rows.get(header_row).map_or(0, Vec::len);
        let regular = rows
            .iter()
            .skip(header_row + 1)
            .filter(|r| r.len() == width)
            .count();
        let rank = (score, regular, width);
        let better = match &best {
            None => true,
            Some((r, _)) => rank > *r,
        };
        if better {
            best = Some((
                rank,
                CsvLayout {
                    delimiter,
                    header_row,
                },
            ));
        }
    }
    best.map(|(_, layout)| layout).ok_or(ImportError::NoHeader)
}

/// The first `limit` records of a sample, as strings.
pub(crate) fn sample_rows(sample: &str, delimiter: Delimiter, limit: usize) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.as_byte())
        .from_reader(sample.as_bytes());
    let mut rows = Vec::new();
    for record in reader.byte_records().take(limit) {
        match record {
            Ok(r) => rows.push(
                r.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ),
            Err(_) => break,
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_sniffing() {
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFNom", true), Encoding::Utf8Bom);
        assert_eq!(
            sniff_encoding("Prénom;Nom".as_bytes(), true),
            Encoding::Utf8
        );
        assert_eq!(
            sniff_encoding(b"Pr\xE9nom;Nom", true),
            Encoding::Windows1252
        );
    }

    #[test]
    fn mostly_utf8_with_a_stray_byte_stays_utf8() {
        let mixed = "Prénom;Nom\nÉloïse;Nguyễn\nChlo"
            .bytes()
            .chain(*b"\xE9;Martin\n")
            .collect::<Vec<u8>>();
        assert_eq!(
            sniff_encoding(&mixed, true),
            Encoding::Utf8,
            "decoding it all as Windows-1252 would garble the UTF-8 names"
        );
    }

    #[test]
    fn multibyte_char_cut_at_sniff_boundary_is_still_utf8() {
        let text = "Nom;Prénom\nMartin;Chloé".as_bytes();
        let cut = &text[..text.len() - 1]; // cuts "é" in half
        assert_eq!(
            sniff_encoding(cut, false),
            Encoding::Utf8,
            "a partial sample may end mid-character"
        );
        assert_eq!(
            sniff_encoding(cut, true),
            Encoding::Windows1252,
            "a whole file may not"
        );
    }

    #[test]
    fn file_kind_by_magic() {
        assert_eq!(sniff_kind(b"%PDF-1.7"), FileKind::Binary);
        assert_eq!(sniff_kind(b"\x89PNG\r\n\x1a\n"), FileKind::Binary);
        assert_eq!(
            sniff_kind(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            FileKind::Binary,
            "XLS-97 is not read"
        );
        assert_eq!(sniff_kind(b"PK\x03\x04rest"), FileKind::Zip);
        assert_eq!(sniff_kind(b"Nom;Prenom"), FileKind::Text);
    }

    #[test]
    fn delimiter_and_header_row_are_found_under_title_rows() {
        let sample = "Salon de l'emploi 2025\n\nExport du 12/03\nNom;Prénom;Email\nMartin;Chloé;c@example.org\nNowak;Łukasz;l@example.org\n";
        let layout = choose_csv_layout(sample).expect("a header is present");
        assert_eq!(layout.delimiter, Delimiter::Semicolon);
        assert_eq!(
            layout.header_row, 2,
            "blank lines are not records, so the header is record 2"
        );
    }

    #[test]
    fn comma_in_amounts_does_not_fool_semicolon_detection() {
        let sample = "Nom;Prénom;Montant\nMartin;Chloé;12,50\nNowak;Łukasz;8,00\n";
        assert_eq!(
            choose_csv_layout(sample).map(|l| l.delimiter).ok(),
            Some(Delimiter::Semicolon)
        );
    }

    #[test]
    fn text_without_known_columns_has_no_header() {
        assert!(matches!(
            choose_csv_layout("foo,bar\n1,2\n"),
            Err(ImportError::NoHeader)
        ));
    }

    #[test]
    fn binary_text_is_rejected() {
        let garbage: String = (0u8..=255).map(char::from).collect();
        assert!(!looks_like_text(&garbage));
        assert!(looks_like_text("Nom;Prénom\nMartin;Chloé\n"));
        assert!(!looks_like_text("<!DOCTYPE html><html>"));
    }
}

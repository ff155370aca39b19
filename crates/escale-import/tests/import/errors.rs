//! Files that must be refused with a specific error rather than read:
//! empty, header only, not a spreadsheet at all (PNG, PDF, XLS-97, random
//! bytes, HTML), no recognisable header. Each error keeps its stable code.

use escale_import::{open_bytes, open_path, ImportError};

fn open_err(bytes: &[u8], name: &str) -> ImportError {
    match open_bytes(bytes.to_vec(), name) {
        Ok(reader) => panic!(
            "{name} must be refused, but opened as {:?}",
            reader.detected()
        ),
        Err(e) => e,
    }
}

#[test]
fn empty_and_blank_files_are_empty() {
    for (bytes, why) in [
        (&b""[..], "no byte"),
        (b"\xEF\xBB\xBF", "only a BOM"),
        (b"  \r\n\r\n\t", "only whitespace"),
    ] {
        let err = open_err(bytes, "vide.csv");
        assert!(matches!(err, ImportError::Empty), "{why}: got {err:?}");
        assert_eq!(err.code(), "import.empty");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("vide.csv");
    std::fs::write(&path, b"").expect("write");
    assert!(
        matches!(open_path(&path), Err(ImportError::Empty)),
        "an empty file on disk too"
    );
}

#[test]
fn header_without_data_rows_is_header_only() {
    for text in [
        "Nom;Prénom;Email\n",
        "Nom;Prénom;Email",
        "Nom;Prénom;Email\r\n;;\r\n\r\n;;\r\n",
    ] {
        let err = open_err(text.as_bytes(), "entete.csv");
        assert!(
            matches!(err, ImportError::HeaderOnly),
            "{text:?}: got {err:?}"
        );
        assert_eq!(err.code(), "import.header_only");
    }
}

#[test]
fn images_documents_and_old_excel_are_not_spreadsheets() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
            "image.png",
        ),
        (
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "scan.pdf",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00\x00\x00\x00\x00",
            "ancien.xls",
        ),
        (
            b"<!DOCTYPE html><html><body><table><tr><td>Nom</td></tr></table></body></html>",
            "export.xls",
        ),
        (
            b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            "programme",
        ),
    ];
    for (bytes, name) in cases {
        let err = open_err(bytes, name);
        assert!(
            matches!(err, ImportError::NotASpreadsheet),
            "{name}: got {err:?}"
        );
        assert_eq!(err.code(), "import.not_a_spreadsheet");
    }
}

#[test]
fn random_binary_bytes_are_not_a_spreadsheet() {
    // Deterministic pseudo-random bytes (xorshift), 4 KiB.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let err = open_err(&bytes, "bruit.csv");
    assert!(
        matches!(err, ImportError::NotASpreadsheet),
        "binary noise decoded as text is mostly control characters, got {err:?}"
    );
}

#[test]
fn text_without_recognisable_header_is_no_header() {
    let err = open_err(b"lorem,ipsum\n1,2\n3,4\n", "notes.csv");
    assert!(matches!(err, ImportError::NoHeader), "got {err:?}");
    assert_eq!(err.code(), "import.no_header");
}

#[test]
fn missing_file_is_an_io_error() {
    let err = open_path(std::path::Path::new("/nonexistent/escale/inscrits.csv"))
        .expect_err("no such file");
    assert!(matches!(err, ImportError::Io(_)), "got {err:?}");
    assert_eq!(err.code(), "import.io");
}

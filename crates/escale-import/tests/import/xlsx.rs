//! XLSX files: the Hi.Events attendee export and a generic sheet with title
//! rows, Excel dates and numbers; damaged, disguised and oversized archives.

use escale_import::{
    open_bytes, open_path, ImportError, Situation, SkipReason, SourceFormat, MAX_XLSX_BYTES,
};

use crate::common::{
    assert_unique_keys, read_all, read_bytes, stored_zip, xlsx_bytes, Cell, Cell::*,
};

fn hi_events_rows() -> Vec<Vec<Cell<'static>>> {
    let header = [
        "ID",
        "First Name",
        "Last Name",
        "Email",
        "Status",
        "Is Checked In",
        "Checked In At",
        "Product ID",
        "Product Name",
        "Event ID",
        "Public ID",
        "Short ID",
        "Created Date",
        "Last Updated Date",
        "Notes",
        "Date de naissance",
    ];
    let person = |id: f64,
                  first: &'static str,
                  last: &'static str,
                  email: &'static str,
                  status: &'static str,
                  public: &'static str,
                  birth: Cell<'static>| {
        vec![
            N(id),
            S(first),
            S(last),
            S(email),
            S(status),
            S("No"),
            Blank,
            N(7.0),
            S("Entrée salon"),
            N(3.0),
            S(public),
            S(&public[2..]),
            S("2025-03-01 10:02:11"),
            S("2025-03-01 10:02:11"),
            Blank,
            birth,
        ]
    };
    vec![
        header.iter().map(|h| S(h)).collect(),
        person(
            101.0,
            "Éloïse",
            "N'Diaye-Lefèvre",
            "eloise.ndiaye@example.org",
            "ACTIVE",
            "A-7XKQ2A9P",
            D(1991, 2, 14),
        ),
        person(
            102.0,
            "Ömer",
            "Yılmaz",
            "omer.yilmaz@example.org",
            "ACTIVE",
            "A-8YLR3B0Q",
            N(29_221.0),
        ),
        person(
            103.0,
            "Inès",
            "Dupont-Saïdi",
            "ines.ds@example.org",
            "CANCELLED",
            "A-9ZMS4C1R",
            Blank,
        ),
        person(
            104.0,
            "Chidi",
            "Okafor",
            "chidi.okafor@example.org",
            "AWAITING_PAYMENT",
            "A-1ANT5D2S",
            Blank,
        ),
    ]
}

#[test]
fn hi_events_attendee_export_is_detected_and_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hi_events_attendees.xlsx");
    std::fs::write(&path, xlsx_bytes(&hi_events_rows())).expect("write fixture");

    let reader = open_path(&path).expect("a valid XLSX opens");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::HiEvents);
    assert_eq!(
        (d.encoding, d.delimiter),
        (None, None),
        "encoding and delimiter mean nothing for XLSX"
    );
    assert_eq!(
        d.mapping.source_key,
        Some(0),
        "the attendee 'ID', not 'Product ID' (a ticket type)"
    );
    assert_eq!(
        d.mapping.ticket_code,
        Some(10),
        "'Public ID' is on the ticket"
    );
    assert_eq!(reader.source_name(), "hi_events_attendees.xlsx");

    let read = read_all(reader);
    assert_eq!(read.records.len(), 2);
    let eloise = read.person("N'Diaye-Lefèvre");
    assert_eq!(eloise.field("first_name"), "Éloïse");
    assert_eq!(eloise.source_key, "101", "numeric ids print without '.0'");
    assert_eq!(eloise.ticket_code, "A-7XKQ2A9P");
    assert_eq!(eloise.birth_year(), Some(1991), "a real Excel date cell");
    assert_eq!(eloise.line, 2, "XLSX lines are sheet row numbers");
    assert_eq!(
        read.person("Yılmaz").birth_year(),
        Some(1980),
        "a serial number in a date column is an Excel date"
    );
    assert_eq!(
        read.reasons(),
        vec![
            SkipReason::Cancelled {
                status: "CANCELLED".into()
            },
            SkipReason::Draft {
                status: "AWAITING_PAYMENT".into()
            }
        ]
    );
    assert_unique_keys(&read);
}

fn generic_rows() -> Vec<Vec<Cell<'static>>> {
    vec![
        vec![S("Salon de l'emploi — Villeurbanne")],
        vec![],
        vec![
            S("Liste des inscrits au 10/03/2025"),
            Blank,
            S("(document interne)"),
        ],
        [
            "Nom complet",
            "Courriel",
            "Tél.",
            "CP",
            "Date de naissance",
            "Situation",
            "N° Pôle emploi",
            "Commentaires",
        ]
        .iter()
        .map(|h| S(h))
        .collect(),
        vec![
            S("N'DIAYE-LEFÈVRE Éloïse"),
            S("Eloise.NDiaye@Example.org"),
            N(612_345_678.0),
            N(75_011.0),
            D(1991, 2, 14),
            S("Demandeuse d'emploi"),
            S("1234567A"),
            Blank,
        ],
        vec![
            S("Chloé Martin"),
            S("chloe.martin@example.org"),
            Blank,
            S("69003"),
            S("02/04/1999"),
            S("Étudiante"),
            Blank,
            S("Vient avec sa sœur"),
        ],
        vec![],
        vec![
            S("Łukasz Nowak"),
            Blank,
            Blank,
            Blank,
            Blank,
            S("Micro-entrepreneur"),
            Blank,
            Blank,
        ],
        vec![S("Total"), N(3.0)],
    ]
}

#[test]
fn generic_xlsx_finds_header_below_titles_and_splits_full_names() {
    let bytes = xlsx_bytes(&generic_rows());
    let reader = open_bytes(bytes.clone(), "inscrits.xlsx").expect("opens");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::Generic);
    assert_eq!(
        d.header_row, 3,
        "three title/blank rows sit above the header"
    );
    assert_eq!(d.mapping.full_name, Some(0));
    assert_eq!(d.mapping.get("employment_id"), Some(6));

    let read = read_all(reader);
    assert_eq!(read.records.len(), 3);
    let eloise = read.person("N'DIAYE-LEFÈVRE");
    assert_eq!(
        eloise.field("first_name"),
        "Éloïse",
        "'NOM Prénom': the upper-case part is the last name"
    );
    assert_eq!(
        eloise.field("email"),
        "eloise.ndiaye@example.org",
        "emails are lower-cased"
    );
    assert_eq!(eloise.field("phone"), "612345678");
    assert_eq!(eloise.field("postcode"), "75011");
    assert_eq!(eloise.birth_year(), Some(1991));
    assert_eq!(eloise.field("employment_id"), "1234567A");
    assert_eq!(eloise.line, 5);
    let chloe = read.person("Martin");
    assert_eq!(
        (chloe.field("first_name"), chloe.birth_year()),
        ("Chloé", Some(1999))
    );
    assert_eq!(chloe.field("notes"), "Vient avec sa sœur");
    assert_eq!(
        read.person("Nowak").situation(),
        Some(Situation::SelfEmployed)
    );
    assert_eq!(
        read.reasons(),
        vec![SkipReason::Summary],
        "the blank row is not stored by Excel; the total is skipped"
    );

    let again = read_bytes(&bytes, "inscrits.xlsx");
    assert_eq!(
        read.keys(),
        again.keys(),
        "hash keys are stable across reads"
    );
    assert_unique_keys(&read);
}

#[test]
fn truncated_xlsx_is_reported_as_corrupt() {
    let bytes = xlsx_bytes(&hi_events_rows());
    let half = bytes[..bytes.len() / 2].to_vec();
    let err = open_bytes(half, "coupé.xlsx").expect_err("half an XLSX cannot be read");
    assert!(
        matches!(err, ImportError::CorruptXlsx(_)),
        "a cut download is a damaged spreadsheet, got {err:?}"
    );
    assert_eq!(err.code(), "import.corrupt_xlsx");

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("coupé.xlsx");
    std::fs::write(&path, &bytes[..bytes.len() - 100]).expect("write");
    let err = open_path(&path).expect_err("missing central directory");
    assert!(matches!(err, ImportError::CorruptXlsx(_)), "got {err:?}");
}

#[test]
fn xlsx_with_header_only_is_header_only() {
    let bytes = xlsx_bytes(&[
        vec![S("Nom"), S("Prénom"), S("Email")],
        vec![],
        vec![S("   ")],
    ]);
    let err = open_bytes(bytes, "vide.xlsx").expect_err("no data row");
    assert!(matches!(err, ImportError::HeaderOnly), "got {err:?}");
}

#[test]
fn empty_xlsx_is_empty() {
    let err = open_bytes(xlsx_bytes(&[]), "vide.xlsx").expect_err("no cells at all");
    assert!(matches!(err, ImportError::Empty), "got {err:?}");
}

#[test]
fn ods_and_other_zips_are_not_spreadsheets_we_read() {
    let ods = stored_zip(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<office:document-content/>"),
        ],
        None,
    );
    let err = open_bytes(ods, "inscrits.ods").expect_err("ODS is not supported");
    assert!(
        matches!(err, ImportError::NotASpreadsheet),
        "an ODS must be re-saved as XLSX or CSV, got {err:?}"
    );

    let docx = stored_zip(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ],
        None,
    );
    assert!(matches!(
        open_bytes(docx, "lettre.docx"),
        Err(ImportError::NotASpreadsheet)
    ));
}

#[test]
fn zip_bomb_is_refused_before_unpacking() {
    let bomb = stored_zip(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/worksheets/sheet1.xml", b"<x/>"),
        ],
        Some(u32::MAX),
    );
    let err = open_bytes(bomb, "bombe.xlsx").expect_err("declares ~8 GB unpacked");
    assert!(matches!(err, ImportError::TooLarge { .. }), "got {err:?}");
}

#[test]
fn xlsx_over_the_size_cap_is_too_large() {
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(MAX_XLSX_BYTES as usize + 1, 0);
    let err = open_bytes(big, "énorme.xlsx").expect_err("over the cap");
    assert!(
        matches!(err, ImportError::TooLarge { size, limit } if size == MAX_XLSX_BYTES + 1 && limit == MAX_XLSX_BYTES),
        "got {err:?}"
    );
}

//! The user's mapping from the import wizard: validated against the file,
//! and it really changes what is read. Files without a name column open (so
//! the user can map one) but refuse to stream records.

use escale_import::{open_bytes, ColumnMapping, ImportError, Row};

use crate::common::read_all;

const CSV: &str = "Colonne A;Colonne B;Courriel;Téléphone\nChloé;Martin;c@example.org;0600000000\nŁukasz;Nowak;l@example.org;\n";

#[test]
fn file_without_name_column_opens_but_rows_refuse() {
    let reader = open_bytes(CSV.as_bytes().to_vec(), "a.csv")
        .expect("email and phone columns make a header");
    let d = reader.detected().clone();
    assert_eq!(
        (
            d.mapping.get("first_name"),
            d.mapping.get("last_name"),
            d.mapping.full_name
        ),
        (None, None, None)
    );
    let items: Vec<_> = reader.rows().collect();
    assert_eq!(items.len(), 1, "the stream stops at the error");
    assert!(
        matches!(items[0], Err(ImportError::NoNameColumn)),
        "got {:?}",
        items[0]
    );
}

#[test]
fn user_mapping_is_applied() {
    let reader = open_bytes(CSV.as_bytes().to_vec(), "a.csv").expect("opens");
    let mapping = {
        let mut m = ColumnMapping {
            ..reader.detected().mapping.clone()
        };
        m.set("first_name", Some(0));
        m.set("last_name", Some(1));
        m.set("email", Some(2));
        m
    };
    let reader = reader.with_mapping(mapping.clone()).expect("valid mapping");
    assert_eq!(
        reader.detected().mapping,
        mapping,
        "the detected view reflects the user's choice"
    );
    let read = read_all(reader);
    assert_eq!(read.person("Nowak").field("first_name"), "Łukasz");
    assert_eq!(read.person("Martin").field("email"), "c@example.org");
}

#[test]
fn out_of_range_column_is_a_bad_mapping() {
    let reader = open_bytes(CSV.as_bytes().to_vec(), "a.csv").expect("opens");
    let err = reader
        .with_mapping({
            let mut m = ColumnMapping {
                ..Default::default()
            };
            m.set("first_name", Some(0));
            m.set("phone", Some(99));
            m
        })
        .expect_err("no column 99");
    assert!(matches!(err, ImportError::BadMapping(99)), "got {err:?}");
    assert_eq!(err.code(), "import.bad_mapping");
}

#[test]
fn mapping_without_any_name_is_refused() {
    let reader = open_bytes(CSV.as_bytes().to_vec(), "a.csv").expect("opens");
    let err = reader
        .with_mapping({
            let mut m = ColumnMapping {
                ..Default::default()
            };
            m.set("email", Some(2));
            m
        })
        .expect_err("no name");
    assert!(matches!(err, ImportError::NoNameColumn), "got {err:?}");
}

#[test]
fn mapping_roundtrips_through_json_and_tolerates_missing_fields() {
    let m = {
        let mut m = ColumnMapping {
            payer_full_name: Some(4),
            ..Default::default()
        };
        m.set("first_name", Some(1));
        m
    };
    let json = serde_json::to_string(&m).expect("serialise");
    assert_eq!(
        serde_json::from_str::<ColumnMapping>(&json).expect("parse"),
        m
    );
    let partial: ColumnMapping = serde_json::from_str(r#"{"fields": {"last_name": 2}}"#)
        .expect("older UIs send fewer fields");
    assert_eq!(partial.get("last_name"), Some(2));
}

#[test]
fn swapped_first_and_last_name_by_the_user() {
    let text = "Nom;Prénom\nChloé;Martin\n";
    let reader = open_bytes(text.as_bytes().to_vec(), "inverse.csv").expect("opens");
    let detected = reader.detected().mapping.clone();
    let swapped = {
        let mut m = detected.clone();
        m.set("first_name", detected.get("last_name"));
        m.set("last_name", detected.get("first_name"));
        m
    };
    let rows: Vec<Row> = reader
        .with_mapping(swapped)
        .expect("valid")
        .rows()
        .map(|r| r.expect("no error"))
        .collect();
    match &rows[..] {
        [Row::Record(r)] => assert_eq!(
            (r.field("first_name"), r.field("last_name")),
            ("Chloé", "Martin")
        ),
        other => panic!("expected one record, got {other:?}"),
    }
}

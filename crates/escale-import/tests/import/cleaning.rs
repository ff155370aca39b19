//! Cell cleaning on real rows: control characters, NUL bytes, NFD input,
//! whitespace, over-long cells, rows without a name, full-name splitting.

use escale_import::{open_bytes, SkipReason, MAX_CELL_CHARS};

use crate::common::read_bytes;

#[test]
fn control_characters_are_stripped_from_cells() {
    let text =
        "Nom;Prénom;Email\nMar\u{0007}tin ;  Chlo\u{0000}é\u{009B} ; C@Example.org\u{007F}\n";
    let read = read_bytes(text.as_bytes(), "ctrl.csv");
    let chloe = read.person("Martin");
    assert_eq!(
        chloe.field("first_name"),
        "Chloé",
        "BEL, NUL and C1 controls never reach the store"
    );
    assert_eq!(chloe.field("email"), "c@example.org");
}

#[test]
fn decomposed_accents_are_stored_composed_and_spaces_collapsed() {
    let text = "Nom;Prénom\nN'Diaye-Lefe\u{0300}vre;E\u{0301}loi\u{0308}se  Marie\n";
    let read = read_bytes(text.as_bytes(), "nfd.csv");
    let r = &read.records[0];
    assert_eq!(
        r.field("last_name"),
        "N'Diaye-Lefèvre",
        "macOS-style NFD input is NFC-normalised"
    );
    assert_eq!(
        r.field("first_name"),
        "Éloïse Marie",
        "inner double spaces collapse"
    );
    assert_eq!(r.field("first_name").chars().count(), 12);
}

#[test]
fn ten_thousand_character_cell_skips_the_row_as_field_too_long() {
    let long = "a".repeat(10_000);
    let text = format!("Nom;Prénom;Commentaire\nMartin;Chloé;{long}\nNowak;Łukasz;court\n");
    let read = read_bytes(text.as_bytes(), "long.csv");
    assert_eq!(read.records.len(), 1, "the other row is still read");
    assert_eq!(
        read.reasons(),
        vec![SkipReason::FieldTooLong {
            column: "Commentaire".into(),
            length: 10_000
        }],
        "a cell over {MAX_CELL_CHARS} characters is reported rather than silently truncated"
    );
}

#[test]
fn long_cell_in_an_unmapped_column_does_not_skip_the_row() {
    let long = "b".repeat(5_000);
    let text = format!("Nom;Prénom;Motivation détaillée du projet\nMartin;Chloé;{long}\n");
    let read = read_bytes(text.as_bytes(), "long.csv");
    assert_eq!(
        read.records.len(),
        1,
        "only the columns Escale keeps are capped"
    );
}

#[test]
fn row_without_any_name_is_no_name() {
    let text = "Nom;Prénom;Email\n;;orphan@example.org\nMartin;Chloé;c@example.org\n";
    let read = read_bytes(text.as_bytes(), "noname.csv");
    assert_eq!(read.reasons(), vec![SkipReason::NoName]);
    assert_eq!(read.skipped[0].line, 2);
}

#[test]
fn totals_line_at_the_bottom_is_a_summary() {
    let text = "Nom;Prénom;Montant\nMartin;Chloé;5\nTOTAL;;5\n";
    let read = read_bytes(text.as_bytes(), "total.csv");
    assert_eq!(read.reasons(), vec![SkipReason::Summary]);
}

#[test]
fn full_name_column_is_split_on_the_last_word_or_capitals() {
    let text = "Nom complet;Email\nChloé Martin;c@example.org\nYILMAZ Ömer;o@example.org\nJean de La Fontaine;j@example.org\n";
    let reader = open_bytes(text.as_bytes().to_vec(), "noms.csv").expect("opens");
    let read = crate::common::read_all(reader);
    assert_eq!(read.person("Martin").field("first_name"), "Chloé");
    assert_eq!(read.person("YILMAZ").field("first_name"), "Ömer");
    assert_eq!(
        read.person("de La Fontaine").field("first_name"),
        "Jean",
        "particles stay with the family name"
    );
}

#[test]
fn gender_cells_become_the_registrys_codes_and_other_words_stay_for_validation() {
    let csv = "Prénom;Nom;Genre\nChloé;Martin;Femme\nLéo;Petit;M.\nSam;Roux;Ne souhaite pas répondre\nAnn;Lee;Mardi\n";
    let read = crate::common::read_bytes(csv.as_bytes(), "genre.csv");
    let gender = |last: &str| read.person(last).field("gender").to_string();
    assert_eq!(gender("Martin"), "female");
    assert_eq!(gender("Petit"), "male");
    assert_eq!(gender("Roux"), "undisclosed");
    assert_eq!(
        gender("Lee"),
        "Mardi",
        "not a gender: kept, for the import's validation to report"
    );
}

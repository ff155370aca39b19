//! CSV layout detection: the four delimiters, title and note rows above the
//! header, blank and ragged rows, quoted fields, line endings.

use escale_import::{open_bytes, Delimiter, SkipReason};

use crate::common::{read_all, read_bytes};

fn sample(delim: char) -> String {
    let rows = [
        ["Nom", "Prénom", "Email", "Code postal"],
        ["N'Diaye-Lefèvre", "Éloïse", "e@example.org", "75011"],
        ["Yılmaz", "Ömer", "o@example.org", "13001"],
    ];
    rows.iter()
        .map(|r| r.join(&delim.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn each_delimiter_is_detected_and_gives_the_same_records() {
    let mut all = Vec::new();
    for (c, expected) in [
        (';', Delimiter::Semicolon),
        (',', Delimiter::Comma),
        ('\t', Delimiter::Tab),
        ('|', Delimiter::Pipe),
    ] {
        let reader = open_bytes(sample(c).into_bytes(), "x.csv").expect("opens");
        assert_eq!(
            reader.detected().delimiter,
            Some(expected),
            "delimiter {c:?}"
        );
        all.push(read_all(reader).records);
    }
    assert!(
        all.windows(2).all(|w| w[0] == w[1]),
        "the delimiter must not change what is read"
    );
    assert_eq!(all[0].len(), 2);
}

#[test]
fn title_and_note_rows_above_the_header_are_skipped() {
    let text = "Salon de l'emploi 2025 - liste des inscrits;;;\nExporté le 12/03/2025;;;\n;;;\nNom;Prénom;Email;Téléphone\nMartin;Chloé;c@example.org;0600000000\n";
    let reader = open_bytes(text.as_bytes().to_vec(), "titres.csv").expect("opens");
    assert_eq!(
        reader.detected().header_row,
        3,
        "two title rows and a row of empty cells precede the header"
    );
    assert_eq!(
        reader.detected().headers,
        vec!["Nom", "Prénom", "Email", "Téléphone"]
    );
    let read = read_all(reader);
    let chloe = read.person("Martin");
    assert_eq!((chloe.field("first_name"), chloe.line), ("Chloé", 5));
}

#[test]
fn blank_rows_inside_data_are_reported_empty_and_ragged_rows_are_read() {
    let text = "Nom;Prénom;Email\nMartin;Chloé\n;;\nNowak;Łukasz;l@example.org;extra;cells\n";
    let read = read_bytes(text.as_bytes(), "trous.csv");
    assert_eq!(
        read.records.len(),
        2,
        "a short row and a long row are still people"
    );
    assert_eq!(
        read.person("Martin").field("email"),
        "",
        "a missing trailing cell is empty"
    );
    assert_eq!(read.person("Nowak").field("email"), "l@example.org");
    assert_eq!(read.reasons(), vec![SkipReason::Empty]);
}

#[test]
fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
    let text = "Nom,Prénom,Commentaire\r\n\"Martin, épouse Nowak\",Chloé,\"Dit \"\"bonjour\"\"\r\nsur deux lignes\"\r\nYılmaz,Ömer,\r\n";
    let read = read_bytes(text.as_bytes(), "quotes.csv");
    let chloe = read.person("Martin, épouse Nowak");
    assert_eq!(chloe.field("notes"), "Dit \"bonjour\" sur deux lignes");
    assert_eq!(
        read.person("Yılmaz").line,
        4,
        "a quoted line break makes the next record start on line 4"
    );
}

#[test]
fn single_name_column_file_is_accepted() {
    let read = read_bytes(
        "Nom complet\nChloé Martin\nŁukasz Nowak\n".as_bytes(),
        "liste.csv",
    );
    assert_eq!(read.records.len(), 2);
    assert_eq!(read.person("Nowak").field("first_name"), "Łukasz");
}

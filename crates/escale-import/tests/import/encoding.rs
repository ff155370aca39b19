//! Text encodings: UTF-8 with and without BOM, Windows-1252 (French Excel),
//! UTF-16 ("Texte Unicode"), a character cut at the sniffing boundary, and a
//! mostly-UTF-8 file with stray Windows-1252 bytes.

use escale_import::{open_bytes, Delimiter, Encoding, Situation};

use crate::common::{open_fixture, read_all, read_bytes, read_fixture};

const UTF8_CSV: &str =
    "Nom;Prénom;Email\nN'Diaye-Lefèvre;Éloïse;e@example.org\nNguyễn;Văn An;a@example.org\n";

#[test]
fn utf8_with_and_without_bom_read_the_same() {
    let plain = open_bytes(UTF8_CSV.as_bytes().to_vec(), "a.csv").expect("opens");
    assert_eq!(plain.detected().encoding, Some(Encoding::Utf8));
    let with_bom: Vec<u8> = b"\xEF\xBB\xBF"
        .iter()
        .copied()
        .chain(UTF8_CSV.bytes())
        .collect();
    let bom = open_bytes(with_bom, "b.csv").expect("opens");
    assert_eq!(bom.detected().encoding, Some(Encoding::Utf8Bom));
    assert_eq!(
        bom.detected().headers,
        plain.detected().headers,
        "the BOM is not part of the first header"
    );
    assert_eq!(read_all(bom).records, read_all(plain).records);
}

#[test]
fn windows_1252_from_french_excel_is_decoded() {
    let reader = open_fixture("excel_fr_windows1252.csv");
    assert_eq!(reader.detected().encoding, Some(Encoding::Windows1252));
    assert_eq!(reader.detected().delimiter, Some(Delimiter::Semicolon));
    assert_eq!(reader.detected().headers[1], "Prénom");
    let read = read_all(reader);
    assert_eq!(read.records.len(), 3);
    let eloise = read.person("N'DIAYE-LEFÈVRE");
    assert_eq!(
        eloise.field("first_name"),
        "Éloïse",
        "0xC9 0x6C 0x6F 0xEF... must decode to É and ï"
    );
    assert_eq!(
        eloise.field("notes"),
        "Café à 10h, coût 2 €",
        "0x80 is the euro sign in Windows-1252"
    );
    assert_eq!(eloise.situation(), Some(Situation::Employed));
    let gaelle = read.person("Dubœuf");
    assert_eq!(
        (gaelle.field("first_name"), gaelle.field("postcode")),
        ("Gaëlle", "01000"),
        "leading zero kept in text"
    );
    assert_eq!(read.person("Müller").field("first_name"), "Jürgen");
}

#[test]
fn utf16le_with_bom_is_decoded() {
    let text = "Nom\tPrénom\r\nNowak\tŁukasz\r\n";
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let reader = open_bytes(bytes, "unicode.txt").expect("Excel 'Texte Unicode' opens");
    assert_eq!(reader.detected().encoding, Some(Encoding::Utf16Le));
    assert_eq!(reader.detected().delimiter, Some(Delimiter::Tab));
    let read = read_all(reader);
    assert_eq!(read.person("Nowak").field("first_name"), "Łukasz");
}

#[test]
fn multibyte_character_cut_at_the_sniff_boundary_stays_utf8() {
    // Pad the first data rows so that "ễ" (3 bytes) straddles byte 65 536.
    let mut text = String::from("Nom;Prénom;Commentaire\n");
    while text.len() < 65_536 - 40 {
        text.push_str("Martin;Chloé;rien à signaler\n");
    }
    // A filler row "xxx;Y\n" ends so that "Nguy" starts at byte 65 531 and "ễ"
    // occupies bytes 65 535..65 538.
    let pad = 65_531 - ";Y\n".len() - text.len();
    text.push_str(&"x".repeat(pad));
    text.push_str(";Y\nNguyễn;Văn An;fin\n");
    let cut = text.find("ễ").expect("present");
    assert!(
        cut < 65_536 && cut + 3 > 65_536,
        "test setup: the character must straddle the boundary (at {cut})"
    );

    let reader = open_bytes(text.into_bytes(), "long.csv").expect("opens");
    assert_eq!(
        reader.detected().encoding,
        Some(Encoding::Utf8),
        "a cut character is not an encoding error"
    );
    let read = read_all(reader);
    assert_eq!(
        read.person("Nguyễn").field("first_name"),
        "Văn An",
        "the character at the boundary is intact"
    );
}

#[test]
fn stray_windows_1252_byte_in_utf8_file_is_repaired() {
    let mut bytes = "Nom;Prénom\nN'Diaye-Lefèvre;Éloïse\nMartin;Chlo"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xE9\nNowak;\xC5\x81ukasz\n");
    let read = read_bytes(&bytes, "mixte.csv");
    assert_eq!(
        read.person("Martin").field("first_name"),
        "Chloé",
        "the stray 0xE9 is read as Windows-1252 'é'"
    );
    assert_eq!(
        read.person("Nowak").field("first_name"),
        "Łukasz",
        "the UTF-8 rows are not garbled"
    );
    assert_eq!(read.person("N'Diaye-Lefèvre").field("first_name"), "Éloïse");
}

#[test]
fn fixtures_in_utf8_keep_every_script() {
    let read = read_fixture("helloasso_billetterie.csv");
    let names: Vec<String> = read
        .records
        .iter()
        .map(|r| format!("{} {}", r.field("first_name"), r.field("last_name")))
        .collect();
    for expected in ["Éloïse N'Diaye-Lefèvre", "Łukasz Nowak", "Văn An Nguyễn"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} must survive decoding, got {names:?}"
        );
    }
}

#[test]
fn windows_1252_accents_after_the_sniffed_head_are_still_decoded() {
    // 70 KB of pure ASCII rows, then Windows-1252 bytes: the head sniffs as
    // UTF-8, and the lenient decoder must still read 0xC9 as 'É'.
    let mut bytes = b"Nom;Prenom;Email\n".to_vec();
    while bytes.len() < 70_000 {
        bytes.extend_from_slice(b"Martin;Paul;paul@example.org\n");
    }
    bytes.extend_from_slice(b"N'Diaye-Lef\xE8vre;\xC9lo\xEFse;e@example.org\n");
    let reader = open_bytes(bytes, "tardif.csv").expect("opens");
    assert_eq!(reader.detected().encoding, Some(Encoding::Utf8));
    let read = read_all(reader);
    assert_eq!(
        read.person("N'Diaye-Lefèvre").field("first_name"),
        "Éloïse",
        "late Windows-1252 bytes are not replaced by U+FFFD"
    );
}

//! One test group per export tool: the format is recognised, participants
//! come out with accents intact, payer fallback works, cancelled / refunded /
//! unpaid tickets are skipped with their status, one record per ticket, and
//! keys are unique and stable across two reads.

use escale_import::{Delimiter, Encoding, Situation, SkipReason, SourceFormat};

use crate::common::{assert_unique_keys, open_fixture, read_fixture};

fn assert_stable_keys(name: &str) {
    let first = read_fixture(name).keys();
    let second = read_fixture(name).keys();
    assert_eq!(
        first, second,
        "{name}: importing the same file twice must give the same keys"
    );
}

#[test]
fn helloasso_billetterie_is_detected_with_bom_and_semicolon() {
    let reader = open_fixture("helloasso_billetterie.csv");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::HelloAsso);
    assert_eq!(d.encoding, Some(Encoding::Utf8Bom));
    assert_eq!(
        d.delimiter,
        Some(Delimiter::Semicolon),
        "HelloAsso exports use ';'"
    );
    assert_eq!(d.header_row, 0);
    assert_eq!(
        d.headers[0], "Référence commande",
        "the BOM must not stick to the first header"
    );
    assert_eq!(
        d.mapping.source_key,
        Some(11),
        "the ticket number, not the shared order reference, is the key"
    );
    assert_eq!(d.mapping.ticket_code, Some(11));
    assert_eq!(
        d.mapping.get("first_name"),
        Some(4),
        "participant first name, not the payer's"
    );
}

#[test]
fn helloasso_billetterie_gives_one_record_per_ticket() {
    let read = read_fixture("helloasso_billetterie.csv");
    assert_eq!(
        read.records.len(),
        4,
        "two tickets of order 100101, 100102 and 100106: {:#?}",
        read.records
    );

    let eloise = read.person("N'Diaye-Lefèvre");
    assert_eq!(eloise.field("first_name"), "Éloïse");
    assert_eq!(
        eloise.field("email"),
        "eloise.ndiaye@example.org",
        "she paid for herself, so the payer email is hers"
    );
    assert_eq!(eloise.birth_year(), Some(1991));
    assert_eq!(eloise.situation(), Some(Situation::JobSeeker));
    assert_eq!(
        (eloise.source_key.as_str(), eloise.ticket_code.as_str()),
        ("500101", "500101")
    );
    assert_eq!(eloise.registered_at, "03/03/2025 10:12");
    assert_eq!(eloise.line, 2);
    assert!(!eloise.from_payer);

    let lukasz = read.person("Nowak");
    assert_eq!(lukasz.field("first_name"), "Łukasz");
    assert_eq!(lukasz.field("email"), "lukasz.nowak@example.org");
    assert_eq!(lukasz.situation(), Some(Situation::Employed));
    assert_eq!(lukasz.birth_year(), Some(1987), "ISO dates are read too");
    assert_eq!(
        lukasz.source_key, "500102",
        "same order, different ticket, different key"
    );

    let an = read.person("Nguyễn");
    assert_eq!(an.field("first_name"), "Văn An");
    assert_eq!(an.situation(), Some(Situation::CompanyFounder));
    assert_eq!(an.field("phone"), "0612345678");
}

#[test]
fn helloasso_empty_participant_falls_back_to_payer() {
    let read = read_fixture("helloasso_billetterie.csv");
    let chloe = read.person("Martin");
    assert_eq!(chloe.field("first_name"), "Chloé");
    assert!(
        chloe.from_payer,
        "participant names were empty: the payer's names were used and flagged"
    );
    assert_eq!(chloe.field("email"), "chloe.martin@example.org");
    assert_eq!(chloe.situation(), Some(Situation::Student));
}

#[test]
fn helloasso_skipped_statuses_keep_their_text() {
    let read = read_fixture("helloasso_billetterie.csv");
    let lines: Vec<(usize, SkipReason)> = read
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.clone()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                5,
                SkipReason::Refunded {
                    status: "Remboursé".into()
                }
            ),
            (
                6,
                SkipReason::Cancelled {
                    status: "Annulé".into()
                }
            ),
            (
                7,
                SkipReason::Draft {
                    status: "En attente".into()
                }
            ),
            (9, SkipReason::Summary),
        ],
        "refunded, cancelled and pending tickets and the totals line are reported, with file lines"
    );
    assert_unique_keys(&read);
    assert_stable_keys("helloasso_billetterie.csv");
}

#[test]
fn helloasso_adhesions_use_member_columns_and_order_reference() {
    let reader = open_fixture("helloasso_adhesions.csv");
    assert_eq!(reader.detected().format, SourceFormat::HelloAsso);
    assert_eq!(reader.detected().encoding, Some(Encoding::Utf8));
    let read = crate::common::read_all(reader);
    assert_eq!(read.records.len(), 3);
    let omer = read.person("Yılmaz");
    assert_eq!(omer.field("first_name"), "Ömer");
    assert_eq!(omer.situation(), Some(Situation::SelfEmployed));
    assert_eq!(omer.birth_year(), Some(1979));
    assert_eq!(omer.field("notes"), "Intéressé par les ateliers numériques");
    assert_eq!(
        omer.source_key, "200301",
        "no ticket number: the order reference is the key"
    );
    assert_eq!(omer.field("email"), "omer.yilmaz@example.org");

    let lucas = read
        .records
        .iter()
        .find(|r| r.field("first_name") == "Lucas")
        .expect("Lucas is a member");
    assert_eq!(
        lucas.field("email"),
        "",
        "Chloé paid for Lucas: her email must not become his"
    );
    assert!(!lucas.from_payer);
    assert_eq!(lucas.situation(), Some(Situation::Student));
    assert_eq!(
        read.reasons(),
        vec![SkipReason::Refunded {
            status: "Remboursé".into()
        }]
    );
    assert_unique_keys(&read);
    assert_stable_keys("helloasso_adhesions.csv");
}

#[test]
fn google_forms_responses_are_read_with_question_headers() {
    let reader = open_fixture("google_forms.csv");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::GoogleForms);
    assert_eq!(d.delimiter, Some(Delimiter::Comma));
    assert_eq!(d.encoding, Some(Encoding::Utf8));
    assert_eq!(
        d.mapping.get("phone"),
        Some(4),
        "'Quel est votre numéro de téléphone ?' is the phone"
    );
    assert_eq!(d.mapping.get("employment_id"), Some(8));
    assert_eq!(d.mapping.get("notes"), Some(9));
    assert_eq!(
        d.mapping.source_key, None,
        "Google Forms has no response id column"
    );

    let read = crate::common::read_all(reader);
    assert_eq!(
        read.records.len(),
        4,
        "the duplicate submission is still a row: {:#?}",
        read.records
    );
    let eloise = read.person("N'Diaye-Lefèvre");
    assert_eq!(eloise.field("employment_id"), "1234567A");
    assert_eq!(eloise.situation(), Some(Situation::JobSeeker));
    assert_eq!(
        eloise.field("notes"),
        "Besoin d'aide pour le CV, et la lettre",
        "quoted commas stay in the cell"
    );
    assert_eq!(eloise.registered_at, "2025/03/10 9:14:02 AM UTC+1");

    let an = read.person("Nguyễn");
    assert_eq!(
        an.birth_year(),
        None,
        "1850 is outside 1900..=now and must be left empty"
    );
    assert_eq!(an.situation(), Some(Situation::Other));
    assert_eq!(
        an.situation_raw, "Retraité",
        "unmapped situations are kept for the report"
    );
    assert!(
        eloise.situation_raw.is_empty(),
        "mapped situations need no raw text"
    );
}

#[test]
fn google_forms_identical_rows_get_distinct_hash_keys() {
    let read = read_fixture("google_forms.csv");
    let omer: Vec<_> = read
        .records
        .iter()
        .filter(|r| r.field("last_name") == "Yılmaz")
        .collect();
    assert_eq!(omer.len(), 2);
    assert_eq!(
        omer[0].field("notes"),
        "Je viendrai l'après-midi",
        "a line break inside a cell becomes a space"
    );
    assert!(
        omer[0].source_key.starts_with("h:"),
        "no id column: the key is a hash of the identifying cells"
    );
    assert_ne!(
        omer[0].source_key, omer[1].source_key,
        "two identical rows are still two registrations"
    );
    assert_eq!(omer[1].source_key, format!("{}#2", omer[0].source_key));
    assert_unique_keys(&read);
    assert_stable_keys("google_forms.csv");
}

#[test]
fn framaforms_export_skips_its_title_rows_and_drafts() {
    let reader = open_fixture("framaforms.csv");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::Framaforms);
    assert_eq!(
        d.header_row, 2,
        "Webform writes the form title and 'Submission Details' above the header"
    );
    assert_eq!(d.headers[1], "SID");
    assert_eq!(
        d.mapping.get("situation"),
        Some(10),
        "a 'Statut' question in a form is the professional status"
    );

    let read = crate::common::read_all(reader);
    assert_eq!(read.records.len(), 3);
    let chloe = read.person("Martin");
    assert_eq!(
        chloe.source_key, "3041",
        "the submission id (SID) is the key"
    );
    assert_eq!(chloe.situation(), Some(Situation::Student));
    assert_eq!(chloe.registered_at, "10/03/2025 - 09:12");
    assert_eq!(
        read.person("N'Diaye-Lefèvre").situation(),
        Some(Situation::CompanyFounder)
    );
    assert_eq!(
        read.reasons(),
        vec![SkipReason::Draft { status: "1".into() }],
        "unfinished submissions are drafts"
    );
    assert_unique_keys(&read);
    assert_stable_keys("framaforms.csv");
}

#[test]
fn eventbrite_attendee_report_keys_on_attendee_number() {
    let reader = open_fixture("eventbrite_attendees.csv");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::Eventbrite);
    assert_eq!(
        d.mapping.source_key,
        Some(8),
        "'Attendee #' identifies the ticket"
    );
    assert_eq!(
        d.mapping.full_name, None,
        "'Attendee #' is not a name column"
    );
    assert_eq!(
        d.mapping.ticket_code,
        Some(17),
        "'Barcode #' is what the scanner types"
    );

    let read = crate::common::read_all(reader);
    assert_eq!(
        read.records.len(),
        3,
        "one row per attendee, two of them in one order"
    );
    let omer = read.person("Yılmaz");
    assert_eq!(omer.source_key, "1122334402");
    assert_eq!(omer.ticket_code, "987654321011223344020001");
    assert_eq!(
        omer.field("email"),
        "omer.yilmaz@example.org",
        "the attendee's email, not the buyer's"
    );
    assert!(!omer.from_payer);
    let eloise = read.person("N'Diaye-Lefèvre");
    assert_eq!(
        (eloise.field("phone"), eloise.field("postcode")),
        ("+33 6 11 22 33 44", "75011")
    );
    assert_eq!(
        read.reasons(),
        vec![SkipReason::Cancelled {
            status: "Not Attending".into()
        }]
    );
    assert_unique_keys(&read);
    assert_stable_keys("eventbrite_attendees.csv");
}

#[test]
fn pretix_positions_key_on_order_code_and_position() {
    let reader = open_fixture("pretix_orders.csv");
    let d = reader.detected();
    assert_eq!(d.format, SourceFormat::Pretix);
    assert_eq!(
        (d.mapping.source_key, d.mapping.source_key_extra),
        (Some(1), Some(2))
    );
    assert_eq!(
        d.mapping.get("email"),
        Some(17),
        "'Attendee email' is the participant's"
    );
    assert_eq!(
        d.mapping.payer_email,
        Some(4),
        "the order 'Email' is the buyer's"
    );

    let read = crate::common::read_all(reader);
    assert_eq!(read.records.len(), 3);
    let eloise = read.person("N'Diaye-Lefèvre");
    assert_eq!(eloise.source_key, "ABC12-1");
    assert_eq!(
        eloise.ticket_code, "hd8x7kq2mz4nq9c3b5v7tpw2",
        "the ticket secret is in the QR code"
    );
    assert_eq!(eloise.birth_year(), Some(1991));
    assert_eq!(
        eloise.field("email"),
        "eloise.ndiaye@example.org",
        "she is the buyer, so the order email is hers"
    );
    let lukasz = read.person("Nowak");
    assert_eq!(
        (lukasz.field("first_name"), lukasz.source_key.as_str()),
        ("Łukasz", "ABC12-2")
    );
    assert_eq!(lukasz.field("email"), "lukasz.nowak@example.org");
}

#[test]
fn pretix_without_attendee_name_uses_invoice_name_and_skips_unpaid() {
    let read = read_fixture("pretix_orders.csv");
    let chloe = read.person("Martin");
    assert_eq!(chloe.field("first_name"), "Chloé");
    assert!(
        chloe.from_payer,
        "no attendee name: the invoice address name stands in"
    );
    assert_eq!(chloe.field("email"), "chloe.martin@example.org");
    assert_eq!(chloe.field("notes"), "Arrivera vers 14h");
    assert_eq!(
        read.reasons(),
        vec![
            SkipReason::Draft {
                status: "Pending".into()
            },
            SkipReason::Cancelled {
                status: "Canceled".into()
            },
            SkipReason::Draft {
                status: "Expired".into()
            },
            SkipReason::Cancelled { status: "c".into() },
        ],
        "pending/expired orders are not registrations yet, cancelled ones no more"
    );
    assert_unique_keys(&read);
    assert_stable_keys("pretix_orders.csv");
}

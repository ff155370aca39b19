//! A large generated CSV is streamed to the end (every row, unique keys,
//! progress reaching 100 %). Memory bounding itself is measured separately.

use std::collections::HashSet;
use std::io::{BufWriter, Write};

use escale_import::{open_path, Row};

const ROWS: usize = 300_000;

#[test]
fn large_csv_streams_every_row_with_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gros.csv");
    {
        let file = std::fs::File::create(&path).expect("create");
        let mut w = BufWriter::new(file);
        writeln!(
            w,
            "Numéro;Nom;Prénom;Email;Code postal;Situation;Commentaire"
        )
        .expect("write");
        for i in 0..ROWS {
            writeln!(
                w,
                "{i};Nguyễn-{i};Éloïse;person{i}@example.org;{:05};Demandeur d'emploi;Inscription numéro {i} au salon",
                i % 100_000
            )
            .expect("write");
        }
    }
    let size = std::fs::metadata(&path).expect("metadata").len();
    assert!(
        size > 25_000_000,
        "test setup: the file should be tens of MB, is {size}"
    );

    let reader = open_path(&path).expect("opens");
    let progress = reader.progress();
    assert_eq!(progress.total_bytes(), size);
    assert!(
        progress.bytes_read() < size / 10,
        "opening reads only the head of the file"
    );

    let mut records = 0usize;
    let mut keys = HashSet::with_capacity(ROWS);
    let mut mid_progress = None;
    for row in reader.rows() {
        match row.expect("no read error") {
            Row::Record(r) => {
                records += 1;
                keys.insert(r.source_key);
            }
            Row::Skipped(s) => panic!(
                "no row should be skipped, line {} was: {:?}",
                s.line, s.reason
            ),
        }
        if records == ROWS / 2 {
            mid_progress = Some(progress.bytes_read());
        }
    }
    assert_eq!(records, ROWS, "every data row is yielded");
    assert_eq!(
        keys.len(),
        ROWS,
        "the 'Numéro' column gives every row its own key"
    );
    let mid = mid_progress.expect("reached the middle");
    assert!(
        mid > size / 4 && mid < size,
        "progress moves with the stream: {mid} of {size} at half-way"
    );
    assert_eq!(progress.bytes_read(), size, "progress ends at 100 %");
    assert!((progress.fraction() - 1.0).abs() < f64::EPSILON);
}

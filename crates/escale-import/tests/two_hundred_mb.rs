//! A 200 MB export is streamed in bounded memory.
//!
//! Its own test binary (so its own process): the peak resident memory it
//! reads from /proc is then this test's alone. The file is generated on the
//! fly into a temp dir (synthetic people) and deleted afterwards.

use std::io::{BufWriter, Write};

/// Peak resident set size of this process, in MB (Linux).
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc is available");
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb / 1024)
        .expect("VmHWM is reported")
}

#[test]
fn a_200_mb_csv_is_read_to_the_end_without_loading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("export-200mo.csv");
    {
        let mut w = BufWriter::new(std::fs::File::create(&path).expect("create"));
        w.write_all(
            "\u{feff}Numéro;Nom;Prénom;E-mail;Téléphone;Code postal;Commentaire\r\n".as_bytes(),
        )
        .unwrap();
        let mut i = 0_u64;
        let filler = "x".repeat(40);
        while w.get_ref().metadata().map(|m| m.len()).unwrap_or(0) < 200 * 1024 * 1024 {
            for _ in 0..10_000 {
                writeln!(
                    w,
                    "{i};Lefèvre-{i};Éloïse;p{i}@example.org;06 99 00 {:02} {:02};{:05};{filler}\r",
                    i % 100,
                    (i / 100) % 100,
                    i % 100_000
                )
                .unwrap();
                i += 1;
            }
            w.flush().unwrap();
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(
        size >= 200 * 1024 * 1024,
        "the test file is 200 MB ({size} bytes)"
    );
    let before = peak_rss_mb();
    let reader = escale_import::open_path(&path).expect("a large CSV opens");
    let progress = reader.progress();
    let mut records = 0_u64;
    for row in reader.rows() {
        if let escale_import::Row::Record(_) = row.expect("every row reads") {
            records += 1;
        }
    }
    let grew = peak_rss_mb().saturating_sub(before);
    assert!(records > 1_500_000, "every row is read: {records}");
    assert_eq!(progress.fraction(), 1.0, "progress reaches 100 %");
    assert!(
        grew < 120,
        "reading 200 MB must not load it: peak memory grew by {grew} MB"
    );
}

//! Hostile input must never panic: random bytes, random bytes behind valid
//! prefixes (BOM, header, ZIP magic), and byte-level mutations of every
//! fixture and of a generated XLSX. Each input is opened and its rows drained.

use escale_import::{open_bytes, ImportError};

use crate::common::{fixture, xlsx_bytes, Cell::*};

/// Small deterministic PRNG (xorshift64*): reproducible failures.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Opens and drains; returns whether it opened. Panics propagate as test failures.
fn drain(bytes: Vec<u8>) -> Result<usize, ImportError> {
    let reader = open_bytes(bytes, "fuzz")?;
    let mut n = 0;
    for row in reader.rows().take(100_000) {
        row?;
        n += 1;
    }
    Ok(n)
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5EED_0001);
    let prefixes: [&[u8]; 6] = [
        b"",
        b"\xEF\xBB\xBF",
        b"Nom;Pr\xC3\xA9nom;Email\n",
        b"PK\x03\x04",
        b"\xFF\xFE",
        b"Nom,Prenom\n\"unterminated",
    ];
    for i in 0..600 {
        let mut input = prefixes[i % prefixes.len()].to_vec();
        let len = rng.below(3_000);
        input.extend(rng.bytes(len));
        let _ = drain(input);
    }
}

#[test]
fn text_like_random_rows_never_panic_and_mostly_open() {
    let mut rng = Rng(0x5EED_0002);
    let alphabet: Vec<char> = "ab;,\t|\"\r\n éÉïŁłễ\u{FEFF}0123456789-/'"
        .chars()
        .collect();
    let controls = ['\u{0000}', '\u{0007}', '\u{0085}', '\u{001B}'];
    let mut opened = 0;
    for _ in 0..400 {
        let mut text = String::from("Nom;Prénom;Email;Date de naissance;Statut\n");
        for _ in 0..rng.below(2_000) {
            // Control characters are rare in real files; too many mean binary.
            if rng.below(300) == 0 {
                text.push(controls[rng.below(controls.len())]);
            }
            text.push(alphabet[rng.below(alphabet.len())]);
        }
        if drain(text.into_bytes()).is_ok() {
            opened += 1;
        }
    }
    assert!(
        opened > 100,
        "a valid header followed by noise should usually open ({opened}/400 did)"
    );
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = Rng(0x5EED_0003);
    let mut corpus: Vec<Vec<u8>> = [
        "helloasso_billetterie.csv",
        "helloasso_adhesions.csv",
        "google_forms.csv",
        "framaforms.csv",
        "eventbrite_attendees.csv",
        "pretix_orders.csv",
        "excel_fr_windows1252.csv",
    ]
    .iter()
    .map(|name| std::fs::read(fixture(name)).expect("fixture"))
    .collect();
    corpus.push(xlsx_bytes(&[
        vec![S("Nom"), S("Prénom"), S("Date de naissance")],
        vec![S("Martin"), S("Chloé"), D(1999, 4, 2)],
        vec![S("Nowak"), S("Łukasz"), N(1e308)],
    ]));
    for original in &corpus {
        assert!(
            drain(original.clone()).is_ok(),
            "unmutated fixtures read fine"
        );
        for _ in 0..60 {
            let mut m = original.clone();
            match rng.below(3) {
                0 => {
                    for _ in 0..1 + rng.below(8) {
                        let at = rng.below(m.len());
                        m[at] = rng.next() as u8;
                    }
                }
                1 => m.truncate(rng.below(m.len())),
                _ => {
                    let at = rng.below(m.len());
                    let len = 1 + rng.below(64);
                    let junk = rng.bytes(len);
                    m.splice(at..at, junk);
                }
            }
            let _ = drain(m);
        }
    }
}

//! Reads an export file and prints what was detected and how many rows were
//! kept or skipped (by reason). A manual tool for trying real exports and for
//! measuring time and memory on large files:
//!
//! `cargo run -p escale-import --example import_scan -- inscriptions.csv`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use escale_import::{open_path, Row};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: import_scan FILE");
        return ExitCode::from(2);
    };
    let reader = match open_path(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            return ExitCode::FAILURE;
        }
    };
    let d = reader.detected();
    println!(
        "format: {:?}, encoding: {:?}, delimiter: {:?}, header row: {}",
        d.format, d.encoding, d.delimiter, d.header_row
    );
    println!("headers: {:?}", d.headers);
    println!("mapping: {:?}", d.mapping);
    let mut records = 0usize;
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for row in reader.rows() {
        match row {
            Ok(Row::Record(_)) => records += 1,
            Ok(Row::Skipped(s)) => *skipped.entry(format!("{:?}", s.reason)).or_default() += 1,
            Err(e) => {
                eprintln!("{}: {e}", e.code());
                return ExitCode::FAILURE;
            }
        }
    }
    println!("records: {records}");
    for (reason, n) in skipped {
        println!("skipped {n}: {reason}");
    }
    ExitCode::SUCCESS
}

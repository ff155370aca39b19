//! Certificates for 1,000 people: into one PDF, and as 1,000 files — time
//! and size (targets: ≥ 500 per second, ≤ 60 KB each). Baseline in the same
//! run: what a coordinator does today, one document per person converted
//! by LibreOffice (`soffice --headless --convert-to pdf`, all files in one
//! process, as a mail merge's output would be) — measured on a sample and
//! given per document. Then the time from "Imprimer" to the job accepted and
//! completed by CUPS, when a `PDF` queue exists (`make cups`).
//!
//! `cargo bench -p escale-print --bench certificates`

use escale_print::certificate::{render, sample};

use escale_protocol::certificate::SigningKey;
use escale_protocol::Lang;
use escale_testkit::bench::record;
use std::process::Command;
use std::time::{Duration, Instant};

const PEOPLE: usize = 1_000;
const BASELINE_DOCS: usize = 20;

fn names() -> Vec<String> {
    let first = [
        "Łukasz",
        "Anne-Maëlle",
        "Zoë",
        "Þórunn",
        "Nguyễn",
        "Çağla",
        "Ørjan",
        "Élise",
    ];
    let last = [
        "Nguyễn-Öztürk",
        "D'Aubigné",
        "Ørsted",
        "Ðặng",
        "Martin",
        "Le Goff",
        "Kowalczyk",
    ];
    (0..PEOPLE)
        .map(|i| format!("{} {} {}", first[i % first.len()], last[i % last.len()], i))
        .collect()
}

/// A flat ODT of one person's certificate (what a mail merge produces).
fn fodt(name: &str) -> String {
    let p = |t: &str| format!("<text:p>{t}</text:p>");
    let body = [
        p("Association Escale Numérique — 12 rue de l'Église, 93100 Montreuil — SIRET 123 456 789 00012"),
        p("ATTESTATION DE PRÉSENCE"),
        p("Je soussignée Camille Durand, coordinatrice, atteste que"),
        p(name),
        p("a participé au Forum de l'emploi de Montreuil, le 1er décembre 2026, de 09:05 à 11:40 et de 14:00 à 15:30."),
        p("Durée totale de présence : 4 h 05"),
        p("Fait à Montreuil, le 1er décembre 2026."),
    ]
    .join("");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>{body}</office:text></office:body></office:document>"#
    )
}

fn main() {
    let key = SigningKey::from_sync_key(&[7; 32]);
    let views: Vec<_> = names().iter().map(|n| sample(n, false, &key)).collect();
    // Warm-up: fonts parsed once per process.
    let _ = render(&views[..1], Lang::Fr);

    let t = Instant::now();
    let one = render(&views, Lang::Fr);
    let one_s = t.elapsed().as_secs_f64();
    // One file per person, as `escale certificate issue --split` and the
    // app's "one file per person" write them (on every core).
    let out = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let files = escale_print::certificate::save(&views, Lang::Fr, out.path(), true).expect("saved");
    let files_s = t.elapsed().as_secs_f64();
    let sizes: Vec<usize> = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len() as usize).unwrap_or(0))
        .collect();
    let max_kb = *sizes.iter().max().unwrap_or(&0) as f64 / 1024.0;
    let avg_kb = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64 / 1024.0;
    println!(
        "one PDF of {PEOPLE}: {one_s:.2} s ({:.0}/s), {:.1} MB ({:.1} KB per page)",
        PEOPLE as f64 / one_s,
        one.len() as f64 / 1e6,
        one.len() as f64 / 1024.0 / PEOPLE as f64
    );
    println!(
        "{PEOPLE} files: {files_s:.2} s ({:.0}/s), {avg_kb:.1} KB on average, {max_kb:.1} KB at most",
        PEOPLE as f64 / files_s
    );
    record(
        "certificates",
        "escale, one PDF",
        "people",
        PEOPLE as u64,
        "per s",
        PEOPLE as f64 / one_s,
    );
    record(
        "certificates",
        "escale, one file each",
        "people",
        PEOPLE as u64,
        "per s",
        PEOPLE as f64 / files_s,
    );
    record(
        "certificate-size",
        "escale, one file each (max)",
        "people",
        PEOPLE as u64,
        "KB",
        max_kb,
    );

    // Baseline: LibreOffice converting one document per person.
    if Command::new("soffice").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<String> = names()[..BASELINE_DOCS]
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let path = dir.path().join(format!("p{i}.fodt"));
                std::fs::write(&path, fodt(n)).expect("write");
                path.display().to_string()
            })
            .collect();
        let profile = format!("-env:UserInstallation=file://{}/lo", dir.path().display());
        // One conversion first: LibreOffice's first start builds its profile.
        let _ = Command::new("soffice")
            .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path().join("warm"))
            .arg(&files[0])
            .output();
        let t = Instant::now();
        let out = Command::new("soffice")
            .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path().join("out"))
            .args(&files)
            .output()
            .expect("soffice runs");
        let s = t.elapsed().as_secs_f64();
        let made = std::fs::read_dir(dir.path().join("out"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(
            made,
            BASELINE_DOCS,
            "soffice: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rate = BASELINE_DOCS as f64 / s;
        println!(
            "baseline, soffice --convert-to pdf, {BASELINE_DOCS} documents: {s:.2} s ({rate:.1}/s); escale is {:.0}× faster (one file each)",
            (PEOPLE as f64 / files_s) / rate
        );
        record(
            "certificates",
            "LibreOffice, one document each",
            "people",
            BASELINE_DOCS as u64,
            "per s",
            rate,
        );
    } else {
        println!("baseline: soffice is not installed (apt-get install libreoffice-writer-nogui)");
    }

    // From "Imprimer" to the job accepted and printed by CUPS.
    let queue = escale_print::printer::printers()
        .ok()
        .and_then(|l| l.into_iter().find(|p| p.name == "PDF"));
    if queue.is_some() {
        let mut accepted = vec![];
        for v in views.iter().take(10) {
            let t = Instant::now();
            let pdf = render(std::slice::from_ref(v), Lang::Fr);
            let job =
                escale_print::printer::print("PDF", &pdf, 1, "bench", Duration::from_secs(30))
                    .expect("prints");
            assert!(job.completed, "{job:?}");
            accepted.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        accepted.sort_by(f64::total_cmp);
        let median = accepted[accepted.len() / 2];
        println!("Imprimer → job completed by CUPS (cups-pdf): median {median:.0} ms over 10");
        record(
            "print-latency",
            "escale → CUPS (cups-pdf)",
            "jobs",
            10,
            "ms",
            median,
        );
    } else {
        println!("print latency: no CUPS queue named PDF (make cups)");
    }
}

//! Render-and-read: certificates and badges for names with every hard
//! letter and a 120-character name; `pdftotext` finds each name exactly,
//! `pdffonts` shows embedded subset fonts, `zbarimg` decodes the QR code on
//! the `pdftoppm` rendering and it verifies; one certificate ≤ 60 KB.

use escale_core::app::BadgeData;
use escale_core::app::CertificateView;
use escale_print::badge::{self, BadgeSize};
use escale_print::certificate;
use escale_protocol::certificate::{Payload, SigningKey};
use escale_protocol::Lang;
use std::path::Path;
use std::process::Command;

/// Tools from poppler-utils and zbar-tools (the Makefile installs them):
/// missing, the test fails (it never skips silently).
fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (make deps installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const HARD_NAMES: &[&str] = &[
    "Łukasz Nguyễn-Öztürk",
    "Anne-Maëlle D'Aubigné",
    "Zoë Ørsted Çelik",
    "Þórunn Ðặng ßchmidt",
];

fn long_name() -> String {
    let n = "Marie-Françoise Élisabeth Gwenaëlle de La Tour d'Auvergne-Lauraguais Saint-Exupéry Ollivier-Baptistine Ngô";
    let mut s = n.to_string();
    while s.chars().count() < 120 {
        s.push_str(" Ŀéa");
    }
    s.chars().take(120).collect::<String>().trim().to_string()
}

fn key() -> SigningKey {
    SigningKey::from_sync_key(&[42; 32])
}

fn view(name: &str, series: bool) -> CertificateView {
    certificate::sample(name, series, &key())
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// The QR codes on the first page, as zbarimg reads them.
fn qr_codes(pdf: &Path, dir: &Path) -> Vec<String> {
    let png = dir.join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let out = tool(
        "zbarimg",
        &["--quiet", "--raw", dir.join("page.png").to_str().unwrap()],
    );
    out.lines().map(str::to_string).collect()
}

#[test]
fn certificates_print_every_name_exactly_with_subset_fonts_and_a_qr_code_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = HARD_NAMES.iter().map(|s| s.to_string()).collect();
    names.push(long_name());
    for (i, name) in names.iter().enumerate() {
        for (lang, series) in [(Lang::Fr, false), (Lang::En, false), (Lang::Fr, true)] {
            let v = view(name, series);
            let bytes = certificate::render(std::slice::from_ref(&v), lang);
            assert!(bytes.len() <= 60_000, "{} bytes for {name}", bytes.len());
            let pdf = dir.path().join(format!("c{i}-{lang:?}-{series}.pdf"));
            std::fs::write(&pdf, &bytes).unwrap();
            if let Ok(keep) = std::env::var("ESCALE_KEEP") {
                std::fs::copy(&pdf, Path::new(&keep).join(pdf.file_name().unwrap())).unwrap();
            }
            let text = text_of(&pdf);
            // The name may be wrapped: compare word by word, in order.
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(name.as_str()), "{name} not found in:\n{text}");
            assert!(flat.contains("N° 7KQ2-M9X4-TPB1"), "{text}");
            let expect = match (lang, series) {
                (Lang::Fr, false) => "ATTESTATION DE PRÉSENCE",
                (Lang::En, false) => "CERTIFICATE OF ATTENDANCE",
                _ => "ATTESTATION D'ASSIDUITÉ",
            };
            assert!(flat.contains(expect), "{text}");
            if !series {
                assert!(flat.contains("09:05 – 11:40"), "{text}");
            } else {
                assert!(flat.contains("10 h 00"), "total of four mornings: {text}");
            }
            let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
            let rows: Vec<&str> = fonts.lines().skip(2).collect();
            assert!(!rows.is_empty(), "{fonts}");
            for r in rows {
                // name+subset prefix, "emb yes sub yes"
                assert!(r.contains("DejaVu"), "{fonts}");
                assert!(
                    r.split_whitespace().filter(|w| *w == "yes").count() >= 2,
                    "embedded and subset: {fonts}"
                );
            }
        }
    }
    // The QR code decodes from a 200-dpi rendering, and verifies.
    let v = view(HARD_NAMES[0], false);
    let pdf = dir.path().join("qr.pdf");
    std::fs::write(
        &pdf,
        certificate::render(std::slice::from_ref(&v), Lang::Fr),
    )
    .unwrap();
    let codes = qr_codes(&pdf, dir.path());
    assert_eq!(codes, vec![v.qr.clone()]);
    let payload = Payload::parse(&codes[0]).unwrap();
    assert_eq!(payload.verify(&key().public()).unwrap().minutes, 245);
    assert!(
        escale_print::qr_version(&v.qr).unwrap() <= 10,
        "QR version {:?}",
        escale_print::qr_version(&v.qr)
    );
}

#[test]
fn a_batch_stopped_halfway_leaves_no_file_and_one_run_to_the_end_keeps_the_order() {
    let names: Vec<String> = (0..24).map(|i| format!("Personne {i:02} Łódź")).collect();
    let views: Vec<CertificateView> = names.iter().map(|n| view(n, false)).collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("attestations");
    let drawn = std::sync::atomic::AtomicUsize::new(0);
    let stop_after_five = || drawn.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 < 5;
    let stopped = certificate::save_until(&views, Lang::Fr, &out, true, &stop_after_five).unwrap();
    assert!(stopped.is_none(), "the tick said stop");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "what the batch wrote is removed"
    );
    assert!(certificate::render_until(&views, Lang::Fr, &|| false).is_none());

    let files = certificate::save(&views, Lang::Fr, &out, true).unwrap();
    assert_eq!(files.len(), views.len());
    for (file, v) in files.iter().zip(&views) {
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            name.ends_with(&format!("{}.pdf", v.number)),
            "{name} is {}'s",
            v.name
        );
    }
    // One PDF drawn on every core: the pages in the batch's order.
    let one = dir.path().join("toutes.pdf");
    std::fs::write(&one, certificate::render(&views, Lang::Fr)).unwrap();
    let text = text_of(&one);
    let at = |n: &str| text.find(n).unwrap_or_else(|| panic!("{n} missing"));
    assert!(
        names.windows(2).all(|w| at(&w[0]) < at(&w[1])),
        "pages out of order"
    );
}

#[test]
fn badges_fit_every_size_and_their_codes_scan() {
    let dir = tempfile::tempdir().unwrap();
    let badges: Vec<BadgeData> = HARD_NAMES
        .iter()
        .map(|s| s.to_string())
        .chain([long_name()])
        .enumerate()
        .map(|(i, name)| BadgeData {
            visitor_id: uuid::Uuid::from_u128(i as u128),
            name,
            event: "Forum de l'emploi de Montreuil".into(),
            code: format!("ESC-{i}K7Q2M"),
        })
        .collect();
    let org = "Association Escale Numérique";
    for size in BadgeSize::ALL {
        let bytes = badge::render(&badges, org, size, 0);
        let pdf = dir.path().join(format!("{}.pdf", size.name()));
        std::fs::write(&pdf, &bytes).unwrap();
        // Reading order (no -layout): each label's text is one block.
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for b in &badges {
            assert!(
                flat.contains(&b.name),
                "{} on {}: {text}",
                b.name,
                size.name()
            );
        }
        let pages = tool("pdfinfo", &[pdf.to_str().unwrap()]);
        let n: usize = pages
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(n, badges.len().div_ceil(size.per_page()), "{}", size.name());
        if let Ok(keep) = std::env::var("ESCALE_KEEP") {
            std::fs::copy(&pdf, Path::new(&keep).join(pdf.file_name().unwrap())).unwrap();
        }
        let codes = qr_codes(&pdf, dir.path());
        let expected: Vec<&str> = badges[..size.per_page().min(badges.len())]
            .iter()
            .map(|b| b.code.as_str())
            .collect();
        let mut got: Vec<String> = codes;
        got.sort();
        assert_eq!(got, expected, "{}", size.name());
    }
    // A half-used sheet: starting at label 7 of 8, five badges take two pages.
    let pdf = dir.path().join("start.pdf");
    std::fs::write(&pdf, badge::render(&badges, org, BadgeSize::A4x8, 6)).unwrap();
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Pages:           2"), "{info}");
}

/// The pictures of `docs/screenshots/`: every template and badge size,
/// rendered at 1280 px wide from invented people. Run by hand after a
/// layout change: `cargo test -p escale-print --test render -- --ignored`.
#[test]
#[ignore]
fn docs_pictures() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    let dir = tempfile::tempdir().unwrap();
    let png = |pdf: &Path, name: &str, width: u32| {
        let target = out.join(name);
        tool(
            "pdftoppm",
            &[
                "-png",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to-x",
                &width.to_string(),
                "-scale-to-y",
                "-1",
                pdf.to_str().unwrap(),
                target.to_str().unwrap(),
            ],
        );
    };
    for (name, series, lang) in [
        ("certificate-presence-fr", false, Lang::Fr),
        ("certificate-presence-en", false, Lang::En),
        ("certificate-assiduity-fr", true, Lang::Fr),
    ] {
        let pdf = dir.path().join(format!("{name}.pdf"));
        std::fs::write(
            &pdf,
            certificate::render(&[view(HARD_NAMES[0], series)], lang),
        )
        .unwrap();
        png(&pdf, name, 1280);
    }
    let pdf = dir.path().join("long.pdf");
    std::fs::write(
        &pdf,
        certificate::render(&[view(&long_name(), false)], Lang::Fr),
    )
    .unwrap();
    png(&pdf, "certificate-long-name-fr", 1280);
    let badges: Vec<BadgeData> = HARD_NAMES
        .iter()
        .map(|s| s.to_string())
        .chain([long_name()])
        .enumerate()
        .map(|(i, name)| BadgeData {
            visitor_id: uuid::Uuid::from_u128(i as u128),
            name,
            event: "Forum de l'emploi de Montreuil".into(),
            code: format!("E{i}K7Q2MX"),
        })
        .collect();
    for size in BadgeSize::ALL {
        let pdf = dir.path().join(format!("{}.pdf", size.name()));
        std::fs::write(
            &pdf,
            badge::render(&badges, "Association Escale Numérique", size, 0),
        )
        .unwrap();
        let width = if size.per_page() > 1 { 1280 } else { 800 };
        png(&pdf, &format!("badge-{}", size.name()), width);
    }
}

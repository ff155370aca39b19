//! Certificates and badges end to end: printed through a real spooler
//! (CUPS with a cups-pdf queue, read back with `pdftotext`), a stopped
//! queue that loses nothing, and the hub's verification page checked in a
//! real browser engine (WebKit's MiniBrowser through WebKitWebDriver).

use escale_tests::browser::Browser;
use escale_tests::cli::Cli;
use escale_tests::cups;
use escale_tests::hub::Hub;
use std::process::Command;
use std::time::Duration;

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A laptop with an event, `n` walk-ins checked in and out; returns (event, ids).
fn laptop_with_visitors(cli: &Cli, names: &[(&str, &str)]) -> (String, Vec<String>) {
    let ev = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum de l'emploi",
        "--place",
        "Montreuil",
        "--start",
        "2026-11-24 09:00",
        "--end",
        "2026-11-24 17:00",
    ]);
    let event = ev["id"].as_str().unwrap().to_string();
    let mut ids = vec![];
    for (first, last) in names {
        let v = cli.ok(&[
            "visitor", "add", "--event", &event, "--first", first, "--last", last,
        ]);
        let id = v["visitor"]["id"].as_str().unwrap().to_string();
        cli.ok(&["checkin", "--event", &event, &id]);
        cli.ok(&["checkout", "--event", &event, &id]);
        ids.push(id);
    }
    (event, ids)
}

#[test]
fn a_certificate_and_twenty_badges_print_through_cups_and_a_stopped_queue_loses_nothing() {
    if !cups::ready("printing through CUPS") {
        return;
    }
    let _queue = cups::turn();
    let cli = Cli::initialised();
    // Letters of Windows-1252 only: CUPS hands cups-pdf PostScript whose
    // fonts keep the glyphs of Ł or ễ but not their text (the render tests
    // read those from Escale's own PDF). The QR code is checked too.
    let mut names: Vec<(String, String)> = vec![("Anne-Maëlle".into(), "D'Aubigné-Öztürk".into())];
    for i in 0..19 {
        names.push((format!("Prénom{i}"), format!("Badge-Numéro{i}")));
    }
    let refs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (event, ids) = laptop_with_visitors(&cli, &refs);

    let printers = cli.ok(&["printer", "list"]);
    assert!(
        printers
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == cups::QUEUE),
        "{printers}"
    );

    // One certificate, printed: the job is accepted and cups-pdf writes it.
    let printed = cli.ok(&[
        "certificate",
        "print",
        "--event",
        &event,
        "--visitor",
        &ids[0],
        "--printer",
        cups::QUEUE,
    ]);
    assert_eq!(printed["job"]["completed"], true, "{printed}");
    let number = printed["certificates"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let file = cups::wait_for_job(&number, Duration::from_secs(30)).unwrap();
    let text = pdftotext(&file);
    assert!(text.contains("Anne-Maëlle D'Aubigné-Öztürk"), "{text}");
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("ATTESTATION DE PRÉSENCE"), "{text}");
    // The QR code on what the spooler wrote decodes to the signed payload.
    let payload = printed["certificates"][0]["payload"].as_str().unwrap();
    let png = cli.root().join("printed");
    let ok = Command::new("pdftoppm")
        .args(["-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile"])
        .arg(&file)
        .arg(&png)
        .status()
        .unwrap();
    assert!(ok.success());
    let qr = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png.with_extension("png"))
        .output()
        .expect("zbarimg (zbar-tools) runs");
    assert_eq!(String::from_utf8_lossy(&qr.stdout).trim(), payload);

    // Twenty badges on A4 sheets of ten: two pages, every name.
    let badges = cli.ok(&[
        "badge",
        "print",
        "--event",
        &event,
        "--size",
        "a4x10",
        "--printer",
        cups::QUEUE,
    ]);
    assert_eq!(badges["badges"], 20, "{badges}");
    let job = badges["job"]["job"].as_str().unwrap().to_string();
    let id = job.rsplit('-').next().unwrap().to_string();
    let file = cups::wait_for_job(&format!("job_{id}"), Duration::from_secs(30)).unwrap();
    let text = pdftotext(&file);
    for (first, last) in &names {
        assert!(
            text.contains(&format!("{first} {last}")),
            "{first} {last} in {text}"
        );
    }

    // A stopped queue: the job waits, the person is told, nothing is lost.
    assert!(Command::new("cupsdisable")
        .arg(cups::QUEUE)
        .status()
        .unwrap()
        .success());
    let run = cli.run(&[
        "--json",
        "certificate",
        "print",
        "--event",
        &event,
        "--visitor",
        &ids[1],
        "--printer",
        cups::QUEUE,
    ]);
    let _enable = Reenable;
    let doc = run.data();
    assert_eq!(doc["job"]["completed"], false, "{doc}");
    assert!(
        doc["job"]["waiting"].as_str().unwrap().contains("stopped"),
        "CUPS's reason is said: {doc}"
    );
    let plain = cli.run(&[
        "certificate",
        "print",
        "--event",
        &event,
        "--visitor",
        &ids[1],
        "--printer",
        cups::QUEUE,
    ]);
    assert!(
        plain.stdout.contains("attend dans la file"),
        "{}",
        plain.stdout
    );
    let second = doc["certificates"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        cups::jobs_named(&second).is_empty(),
        "a stopped queue prints nothing yet"
    );
    assert!(Command::new("cupsenable")
        .arg(cups::QUEUE)
        .status()
        .unwrap()
        .success());
    let file = cups::wait_for_job(&second, Duration::from_secs(30)).unwrap();
    assert!(pdftotext(&file).contains("Badge-Numéro0"));

    // An unknown printer is a clear refusal.
    let bad = cli.run(&[
        "--json",
        "certificate",
        "print",
        "--event",
        &event,
        "--visitor",
        &ids[0],
        "--printer",
        "Nulle-part",
    ]);
    assert_eq!(bad.error_code(), "printer.not_found");
}

/// Re-enables the queue whatever happens (other tests print to it).
struct Reenable;
impl Drop for Reenable {
    fn drop(&mut self) {
        let _ = Command::new("cupsenable").arg(cups::QUEUE).status();
    }
}

#[test]
fn the_hub_page_verifies_a_certificate_in_a_browser_and_refuses_a_tampered_or_revoked_one() {
    if !Browser::available("hub verification page") {
        return;
    }
    let hub = Hub::create("Passerelle Numérique");
    let _running = hub.start();
    let cli = Cli::initialised();
    cli.ok(&["sync", "enroll", &hub.url(), &hub.enrolment_code()]);
    cli.ok(&["org", "set", "--verify-url", &format!("{}/v", hub.url())]);
    let (event, ids) = laptop_with_visitors(&cli, &[("Zoë", "Ørsted Çelik"), ("Anne", "Révoquée")]);
    let out = cli.root().join("a.pdf");
    let first = cli.ok(&[
        "certificate",
        "issue",
        "--event",
        &event,
        "--visitor",
        &ids[0],
        "--out",
        out.to_str().unwrap(),
    ]);
    let payload = first["certificates"][0]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let out2 = cli.root().join("b.pdf");
    let second = cli.ok(&[
        "certificate",
        "issue",
        "--event",
        &event,
        "--visitor",
        &ids[1],
        "--out",
        out2.to_str().unwrap(),
    ]);
    let revoked = second["certificates"][0]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked_number = second["certificates"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    cli.ok(&[
        "certificate",
        "revoke",
        &revoked_number,
        "--reason",
        "délivrée par erreur",
    ]);
    cli.ok(&["sync", "now"]);

    // The CLI verifies the PDF file itself.
    let v = cli.ok(&["certificate", "verify", out.to_str().unwrap()]);
    assert_eq!(v[0]["name"], "Zoë Ørsted Çelik");

    let browser = Browser::start("en-GB").unwrap();
    let s = &browser.session;
    let verdict = |url: &str| -> (String, String) {
        // A fresh page each time (a new fragment alone would not reload it).
        s.navigate("about:blank").unwrap();
        s.navigate(url).unwrap();
        let text = escale_tests::wait_until(Duration::from_secs(20), || {
            let el = s.by_test_id("verdict")?;
            let state = el.attribute("data-state")?.unwrap_or_default();
            Ok((state == "ok" || state == "bad").then(|| (state, el.text().unwrap_or_default())))
        })
        .unwrap();
        text
    };
    let (state, text) = verdict(&format!("{}/v#{payload}", hub.url()));
    assert_eq!(state, "ok", "{text}");
    assert_eq!(text, "Certificate VALID");
    assert_eq!(s.text_of("name").unwrap(), "ZOE ORSTED CELIK");
    assert_eq!(s.text_of("status").unwrap(), "known to the hub");
    let engine = || {
        s.by_test_id("verdict")
            .unwrap()
            .attribute("data-engine")
            .unwrap()
    };
    assert_eq!(engine().as_deref(), Some("webcrypto"));

    // One changed minute: refused.
    let mut parts: Vec<String> = payload.split('.').map(str::to_string).collect();
    parts[4] = (parts[4].parse::<u32>().unwrap() + 60).to_string();
    let tampered = parts.join(".");
    let (state, text) = verdict(&format!("{}/v#{tampered}", hub.url()));
    assert_eq!(state, "bad");
    assert!(
        text.contains("NOT VALID") && text.contains("signature"),
        "{text}"
    );

    // An engine without WebCrypto's Ed25519 — or the page served over plain
    // http:// to another machine, where `crypto.subtle` does not exist: the
    // vendored TweetNaCl the hub serves checks instead, with the same verdicts.
    let without_webcrypto = |fragment: &str| -> (String, String) {
        s.execute(
            "Object.defineProperty(window.crypto, 'subtle', { get: () => undefined, configurable: true });\
             document.getElementById('verdict').dataset.state = '';\
             location.hash = arguments[0];",
            serde_json::json!([fragment]),
        )
        .unwrap();
        escale_tests::wait_until(Duration::from_secs(20), || {
            let el = s.by_test_id("verdict")?;
            let state = el.attribute("data-state")?.unwrap_or_default();
            Ok((state == "ok" || state == "bad").then(|| (state, el.text().unwrap_or_default())))
        })
        .unwrap()
    };
    s.navigate(&format!("{}/v", hub.url())).unwrap();
    let (state, text) = without_webcrypto(&tampered);
    assert_eq!(
        (state.as_str(), engine().as_deref()),
        ("bad", Some("tweetnacl")),
        "{text}"
    );
    assert!(text.contains("signature"), "{text}");
    let (state, text) = without_webcrypto(&payload);
    assert_eq!(
        (state.as_str(), engine().as_deref()),
        ("ok", Some("tweetnacl")),
        "{text}"
    );
    assert_eq!(s.text_of("name").unwrap(), "ZOE ORSTED CELIK");

    // Revoked at the laptop, synced: the page says so, with the reason.
    let (state, text) = verdict(&format!("{}/v#{revoked}", hub.url()));
    assert_eq!(state, "bad");
    assert!(
        text.contains("REVOKED") && text.contains("délivrée par erreur"),
        "{text}"
    );

    // Another organisation's certificate (not enrolled here): refused.
    let other = Cli::initialised();
    let (oev, oids) = laptop_with_visitors(&other, &[("Autre", "Organisation")]);
    let o = other.ok(&[
        "certificate",
        "issue",
        "--event",
        &oev,
        "--visitor",
        &oids[0],
        "--out",
        other.root().join("o.pdf").to_str().unwrap(),
    ]);
    let foreign = o["certificates"][0]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let (state, text) = verdict(&format!("{}/v#{foreign}", hub.url()));
    assert_eq!(state, "bad");
    assert!(text.contains("organisation"), "{text}");

    // A number typed on the page: known to the hub.
    s.navigate(&format!("{}/v", hub.url())).unwrap();
    let number = first["certificates"][0]["number"].as_str().unwrap();
    s.by_test_id("code").unwrap().send_keys(number).unwrap();
    s.by_test_id("check").unwrap().click().unwrap();
    escale_tests::wait_until(Duration::from_secs(20), || {
        let t = s.text_of("verdict")?;
        Ok(t.contains(number).then_some(()))
    })
    .unwrap();
}

/// Must match ui/src/lib/testIds.ts (checked below).
mod id {
    pub const EVENTS_SCREEN: &str = "events-screen";
    pub const EVENT_OPEN: &str = "event-open";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const NAV_REGISTRATIONS: &str = "nav-registrations";
    pub const REGISTRATIONS_CERTIFICATES: &str = "registrations-certificates";
    pub const REGISTRATIONS_BADGES: &str = "registrations-badges";
    pub const CERTIFICATE_DIALOG: &str = "certificate-dialog";
    pub const CERTIFICATE_PRINTER: &str = "certificate-printer";
    pub const CERTIFICATE_PRINT: &str = "certificate-print";
    pub const CERTIFICATE_RESULT: &str = "certificate-result";
    pub const CERTIFICATE_CLOSE: &str = "certificate-close";
    pub const BADGE_DIALOG: &str = "badge-dialog";
    pub const BADGE_SIZE: &str = "badge-size";
    pub const BADGE_PRINTER: &str = "badge-printer";
    pub const BADGE_PRINT: &str = "badge-print";
    pub const BADGE_RESULT: &str = "badge-result";
    pub const ALL: &[&str] = &[
        EVENTS_SCREEN,
        EVENT_OPEN,
        DESK_SEARCH,
        NAV_REGISTRATIONS,
        REGISTRATIONS_CERTIFICATES,
        REGISTRATIONS_BADGES,
        CERTIFICATE_DIALOG,
        CERTIFICATE_PRINTER,
        CERTIFICATE_PRINT,
        CERTIFICATE_RESULT,
        CERTIFICATE_CLOSE,
        BADGE_DIALOG,
        BADGE_SIZE,
        BADGE_PRINTER,
        BADGE_PRINT,
        BADGE_RESULT,
    ];
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(id::ALL);
}

/// The cups-pdf files that appeared since `before` whose name contains `needle`.
fn new_job(before: &[std::path::PathBuf], needle: &str) -> std::path::PathBuf {
    let mut found = None;
    escale_tests::wait_until(Duration::from_secs(40), || {
        let now: Vec<_> = cups::jobs_named(needle)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        Ok(now.into_iter().next())
    })
    .map(|p| found = Some(p))
    .unwrap_or_else(|e| panic!("a new *{needle}* job file: {e}"));
    let path = found.unwrap();
    // Written whole: its size stops changing.
    cups::wait_for_job(
        &path.file_name().unwrap().to_string_lossy(),
        Duration::from_secs(30),
    )
    .unwrap()
}

fn pages(path: &std::path::Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn the_app_prints_the_certificates_of_everyone_who_came_and_twenty_badges_through_cups() {
    use escale_tests::desktop::Desktop;
    use escale_tests::ui::{click, set_value, LOAD, REACT};
    if !cups::ready("printing from the app") || !Desktop::available("printing from the app") {
        return;
    }
    let _queue = cups::turn();
    let cli = Cli::initialised();
    let names: Vec<(String, String)> = (0..20)
        .map(|i| (format!("Prénom{i:02}"), format!("Présent-Numéro{i:02}")))
        .collect();
    let refs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    laptop_with_visitors(&cli, &refs);

    let desktop = Desktop::start().expect("Xvfb and tauri-driver start");
    let app = desktop.open(&cli.data_dir()).expect("the app starts");
    app.wait_for(id::EVENTS_SCREEN, LOAD)
        .expect("the events list");
    click(&app, id::EVENT_OPEN);
    app.wait_for(id::DESK_SEARCH, LOAD).expect("the desk");
    click(&app, id::NAV_REGISTRATIONS);

    // Everyone who came: one job of twenty pages.
    click(&app, id::REGISTRATIONS_CERTIFICATES);
    app.wait_for(id::CERTIFICATE_DIALOG, REACT)
        .expect("the dialog opens");
    app.wait_for_text(id::CERTIFICATE_PRINTER, LOAD, |t| t.contains(cups::QUEUE))
        .expect("the CUPS queue is offered");
    set_value(&app, id::CERTIFICATE_PRINTER, cups::QUEUE);
    let before = cups::jobs_named("ttestations");
    click(&app, id::CERTIFICATE_PRINT);
    app.wait_for_text(id::CERTIFICATE_RESULT, LOAD, |t| {
        t.contains("20 attestation(s) imprimée(s) sur PDF")
    })
    .expect("the job is accepted and printed");
    let file = new_job(&before, "ttestations");
    assert_eq!(pages(&file), 20);
    let text = pdftotext(&file);
    for (first, last) in &names {
        assert!(text.contains(&format!("{first} {last}")), "{first} {last}");
    }
    click(&app, id::CERTIFICATE_CLOSE);

    // Twenty badges on A4 sheets of ten.
    click(&app, id::REGISTRATIONS_BADGES);
    app.wait_for(id::BADGE_DIALOG, REACT)
        .expect("the badge dialog opens");
    set_value(&app, id::BADGE_SIZE, "a4x10");
    app.wait_for_text(id::BADGE_PRINTER, LOAD, |t| t.contains(cups::QUEUE))
        .expect("the CUPS queue is offered");
    set_value(&app, id::BADGE_PRINTER, cups::QUEUE);
    let before = cups::jobs_named("Badges");
    click(&app, id::BADGE_PRINT);
    app.wait_for_text(id::BADGE_RESULT, LOAD, |t| {
        t.contains("20 badge(s) imprimé(s) sur PDF")
    })
    .expect("the badges are printed");
    let file = new_job(&before, "Badges");
    assert_eq!(pages(&file), 2);
    let text = pdftotext(&file);
    for (first, last) in &names {
        assert!(
            text.contains(first) && text.contains(last),
            "{first} {last}: {text}"
        );
    }
}

/// A person's own PDF printed through Escale: its pages times the copies
/// count against their daily quota; a print that would go over it is
/// refused before anything is sent; a file that is not a PDF is refused
/// with a translated message.
#[test]
fn a_visitors_own_document_prints_through_cups_within_their_quota() {
    if !cups::ready("printing a document through CUPS") {
        return;
    }
    let _queue = cups::turn();
    let cli = Cli::initialised();
    let (event, ids) = laptop_with_visitors(&cli, &[("Zoé", "Lambert")]);
    let zoe = &ids[0];
    // A multi-page PDF: the event's partner report.
    let doc = cli.root().join("cv-zoe-lambert.pdf");
    cli.ok(&[
        "report",
        "--event",
        &event,
        "--format",
        "pdf",
        "--output",
        doc.to_str().unwrap(),
    ]);
    let pages = pages(&doc) as u32;
    assert!(pages >= 2, "a document of several pages ({pages})");

    let before = cups::jobs_named("cv-zoe-lambert");
    let done = cli.ok(&[
        "print",
        "file",
        zoe,
        doc.to_str().unwrap(),
        "--printer",
        cups::QUEUE,
        "--copies",
        "2",
    ]);
    assert_eq!(done["pages"], pages);
    assert_eq!(done["counted"], pages * 2, "pages times copies");
    assert_eq!(done["quota"]["printed"], pages * 2);
    let file = new_job(&before, "cv-zoe-lambert");
    assert!(
        pdftotext(&file).contains("Bilan"),
        "the document itself was printed"
    );

    // Over the quota: refused before anything is sent.
    let jobs_before = cups::jobs_named("cv-zoe-lambert").len();
    let many = cli.run(&[
        "--json",
        "--lang",
        "fr",
        "print",
        "file",
        zoe,
        doc.to_str().unwrap(),
        "--printer",
        cups::QUEUE,
        "--copies",
        "20",
    ]);
    assert_eq!(many.error_code(), "print.quota_exceeded");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(cups::jobs_named("cv-zoe-lambert").len(), jobs_before);
    assert_eq!(
        cli.ok(&["print", "quota", zoe])["printed"],
        pages * 2,
        "nothing counted"
    );

    // Not a PDF.
    let fake = cli.root().join("lettre.pdf");
    std::fs::write(&fake, "Madame, Monsieur,").unwrap();
    let bad = cli.run(&[
        "--json",
        "--lang",
        "en",
        "print",
        "file",
        zoe,
        fake.to_str().unwrap(),
        "--printer",
        cups::QUEUE,
    ]);
    assert_eq!(bad.error_code(), "print.not_a_pdf");
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not a readable PDF"),
        "{}",
        bad.json()
    );
}

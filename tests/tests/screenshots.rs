//! Screenshots of every screen of the real app, in French and in English, at
//! 1280×800 with the status bar, for `docs/screenshots/`. Not a test of
//! behaviour (tests/tests/desk.rs is): it is ignored by default and re-run by
//! hand after a visible change, then the PNGs are looked at and committed:
//!
//! ```text
//! npm --prefix ui run build && cargo build -p escale-desktop -p escale-cli
//! cargo test -p escale-tests --test screenshots -- --ignored --nocapture
//! ```
//!
//! `ESCALE_SCREENSHOTS=sync,duplicates` writes only the shots whose name
//! starts with one of those (the tour still runs through every screen), so
//! that unchanged screens are not rewritten.
//!
//! The data are made up: a job fair today with two sessions and forty
//! pre-registered people (names from several scripts), some already arrived.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use escale_tests::cli::Cli;
use escale_tests::desktop::Desktop;
use escale_tests::paths;
use escale_tests::ui::{click, click_label, set_value, type_into, wait_count, LOAD, REACT};
use escale_tests::webdriver::{keys, Session};
/// Lets the feedback panel's short "flash" animation finish before a shot.
const SETTLE: Duration = Duration::from_millis(600);

const FIRST_NAMES: [&str; 20] = [
    "Marie",
    "Jean-Pierre",
    "Łukasz",
    "Thi Mai",
    "Ömer",
    "Fatoumata",
    "Kévin",
    "Chloé",
    "Mohamed",
    "Anaïs",
    "Björn",
    "Inès",
    "Grégoire",
    "Aïcha",
    "Nicolas",
    "Zoé",
    "Mamadou",
    "Élodie",
    "Hugo",
    "Sofía",
];
const LAST_NAMES: [&str; 20] = [
    "Dupont",
    "Martin",
    "Nowak",
    "Nguyễn",
    "Yılmaz",
    "Diallo",
    "Lefèvre",
    "Morel",
    "Benali",
    "Marchand",
    "Andersson",
    "Haddad",
    "de La Fontaine-Marchal",
    "Traoré",
    "Leroy",
    "Garnier",
    "Camara",
    "Lemoine",
    "Marechal",
    "García",
];

#[test]
#[ignore = "writes docs/screenshots/*.png; run by hand with --ignored"]
fn screenshots_of_every_screen_in_french_and_english() {
    if !Desktop::available("screenshots") {
        return;
    }
    let out = paths::workspace_root().join("docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots/ can be created");
    // The stand syncs by itself (a second laptop runs `escale peer live`).
    let desktop =
        Desktop::start_with_env(&[("ESCALE_STAND", "on")]).expect("Xvfb and tauri-driver start");
    for lang in ["fr", "en"] {
        tour(&desktop, lang, &out);
    }
    let mut written: Vec<(String, u64)> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect();
    written.sort();
    for (name, size) in &written {
        println!("{name:32} {:>4} KB", size / 1024);
        assert!(
            *size < 250 * 1024,
            "{name} should stay small ({size} bytes)"
        );
    }
}

/// One pass through every screen in `lang`, on a new laptop.
fn tour(desktop: &Desktop, lang: &str, out: &Path) {
    let cli = Cli::new();
    let files = tempfile::tempdir().unwrap();
    let app = desktop.open(&cli.data_dir()).expect("the app starts");
    app.set_window_size(1280, 800)
        .expect("the window can be resized");
    let only = std::env::var("ESCALE_SCREENSHOTS")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let shot = |name: &str| {
        if let Some(only) = &only {
            if !only.split(',').any(|p| name.starts_with(p.trim())) {
                return;
            }
        }
        std::thread::sleep(SETTLE);
        let png = app.screenshot().expect("a screenshot");
        std::fs::write(out.join(format!("{name}-{lang}.png")), png).expect("the PNG is written");
    };

    // First run.
    app.wait_for("first-run-form", LOAD)
        .expect("first-run form");
    if lang == "en" {
        click_label(&app, "first-run-lang-en");
    }
    type_into(&app, "first-run-org", "Passerelle Numérique");
    type_into(&app, "first-run-device", "Portable accueil 1");
    shot("first-run");
    click(&app, "first-run-submit");
    // The coordinator's account, before anything else.
    app.wait_for("first-account-form", LOAD)
        .expect("first-account form");
    type_into(&app, "first-account-name", "Camille");
    shot("first-account");
    escale_tests::desktop::create_first_account(&app, &cli.data_dir())
        .expect("the first account is created");
    app.wait_for("events-screen", LOAD).expect("events screen");

    // The stand's data, made with the CLI while the app runs.
    let today = today_in_paris();
    let event = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum emploi de Villeneuve",
        "--place",
        "Salle des fêtes, 2 place de la Mairie, Villeneuve",
        "--start",
        &format!("{today} 09:00"),
        "--end",
        &format!("{today} 17:00"),
    ]);
    let event_id = event["id"].as_str().unwrap().to_owned();
    let workshop = cli.ok(&[
        "session",
        "add",
        "--event",
        &event_id,
        "--title",
        "Atelier CV et lettre de motivation",
        "--room",
        "Salle B",
        "--start",
        "10:00",
        "--end",
        "11:30",
        "--capacity",
        "12",
        "--themes",
        "job_integration,office",
    ]);
    cli.ok(&[
        "session",
        "add",
        "--event",
        &event_id,
        "--title",
        "Conférence : les métiers qui recrutent",
        "--room",
        "Amphithéâtre",
        "--start",
        "14:00",
        "--end",
        "15:30",
    ]);
    let csv = files.path().join("inscrits.csv");
    std::fs::write(&csv, people_csv(0..40)).unwrap();
    cli.ok(&["import", "--event", &event_id, &csv.display().to_string()]);
    for last in [
        "Dupont", "Nowak", "Diallo", "Morel", "Haddad", "Traoré", "Garnier", "Camara",
    ] {
        let hit = &cli.ok(&["search", "--event", &event_id, last])[0];
        cli.ok(&[
            "checkin",
            "--event",
            &event_id,
            hit["visitor"]["id"].as_str().unwrap(),
        ]);
    }
    cli.ok(&["demo", "--visitors", "0"]);
    // What certificates print: the organisation's identity, the event's partner.
    cli.ok(&[
        "org",
        "set",
        "--address",
        "12 rue de la Paix, 93100 Montreuil",
        "--siret",
        "123 456 789 00012",
        "--signatory",
        "Camille Durand",
        "--role",
        if lang == "fr" {
            "coordinatrice"
        } else {
            "coordinator"
        },
        "--issue-place",
        "Montreuil",
        "--verify-url",
        "https://hub.passerelle.example/v",
    ]);
    cli.ok(&[
        "event",
        "edit",
        &event_id,
        "--partner",
        "France Travail Villeneuve",
    ]);

    // Events: the list (reloaded by opening and closing the form), an event with its sessions.
    click(&app, "event-new");
    click(&app, "event-close");
    wait_count(&app, "event-item", 2, "the tour");
    shot("events");
    let titles = app.texts("event-item-title").unwrap();
    let index = titles
        .iter()
        .position(|t| t == "Forum emploi de Villeneuve")
        .expect("the fair is listed");
    app.all_by_test_id("event-edit").unwrap()[index]
        .click()
        .unwrap();
    wait_count(&app, "session-item", 2, "the tour");
    shot("event-edit");
    click(&app, "event-close");
    app.wait_for("event-open", REACT).unwrap();
    app.all_by_test_id("event-open").unwrap()[index]
        .click()
        .unwrap();

    // The desk: idle, results, welcome, already arrived, unknown.
    app.wait_for_text("counter-expected", LOAD, |t| t == "40")
        .expect("desk counters");
    shot("desk");
    type_into(&app, "desk-search", "mar");
    wait_results(&app);
    shot("desk-results");
    type_into(&app, "desk-search", keys::ESCAPE);

    // The walk-in form: its messages on an empty submit, then filled in.
    click(&app, "desk-walk-in");
    app.wait_for("walk-in-form", REACT).unwrap();
    click(&app, "walk-in-submit");
    app.wait_for("walk-in-form-error", REACT).unwrap();
    shot("walk-in-errors");
    click(&app, "walk-in-cancel");
    app.wait_gone("walk-in-form", REACT).unwrap();
    click(&app, "desk-walk-in");
    app.wait_for("walk-in-form", REACT).unwrap();
    type_into(&app, "walk-in-first-name", "Éloïse");
    type_into(&app, "walk-in-last-name", "N'Diaye-Lefèvre");
    type_into(&app, "walk-in-email", "eloise.ndiaye@example.org");
    type_into(&app, "walk-in-postcode", "93100");
    type_into(&app, "walk-in-commune", "mont");
    app.wait_for("walk-in-commune-suggestions", REACT).unwrap();
    shot("walk-in-commune");
    type_into(&app, "walk-in-commune", keys::ARROW_DOWN);
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_gone("walk-in-commune-suggestions", REACT).unwrap();
    set_value(&app, "walk-in-situation", "job_seeker");
    click(&app, "walk-in-consent");
    shot("walk-in");
    click(&app, "walk-in-submit");
    wait_feedback(&app, "welcome");
    shot("desk-welcome");

    // The help given to her, recorded at once (F6, a theme, Enter).
    type_into(&app, "desk-search", keys::F6);
    app.wait_for("mediation-dialog", REACT).unwrap();
    app.focused().and_then(|e| e.send_keys("1")).unwrap();
    shot("mediation");
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for("desk-help-saved", REACT).unwrap();

    type_into(&app, "desk-search", "ndiaye");
    wait_results(&app);
    type_into(&app, "desk-search", keys::ENTER);
    wait_feedback(&app, "already");
    shot("desk-already");

    type_into(&app, "desk-search", "Kowalczyk");
    std::thread::sleep(Duration::from_millis(300));
    type_into(&app, "desk-search", keys::ENTER);
    wait_feedback(&app, "unknown");
    shot("desk-unknown");
    type_into(&app, "desk-search", keys::ESCAPE);

    // Departures, and the certificate printed right after one (F4).
    click_label(&app, "desk-mode-out");
    type_into(&app, "desk-search", "ndiaye");
    wait_results(&app);
    type_into(&app, "desk-search", keys::ENTER);
    wait_feedback(&app, "out");
    shot("desk-departure");
    type_into(&app, "desk-search", keys::F4);
    app.wait_for("certificate-number", LOAD).unwrap();
    std::thread::sleep(SETTLE);
    shot("certificate");
    click(&app, "certificate-close");
    click_label(&app, "desk-mode-in");

    // Sessions: two people into the workshop.
    click(&app, "nav-sessions");
    set_value(&app, "session-picker", workshop["id"].as_str().unwrap());
    for name in ["eloise", "dupont"] {
        type_into(&app, "desk-search", name);
        wait_results(&app);
        type_into(&app, "desk-search", keys::ENTER);
        std::thread::sleep(Duration::from_millis(400));
    }
    wait_feedback(&app, "welcome");
    shot("sessions");

    // Registrations and a visitor's record.
    click(&app, "nav-registrations");
    app.wait_for("regs-row", LOAD).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    shot("registrations");
    let rows = app.texts("regs-row").unwrap();
    let eloise = rows
        .iter()
        .position(|r| r.contains("Éloïse"))
        .unwrap_or_else(|| panic!("Éloïse is on the first page: {rows:?}"));
    app.all_by_test_id("regs-row-open").unwrap()[eloise]
        .click()
        .unwrap();
    app.wait_for("visitor-history", LOAD).unwrap();
    shot("visitor");
    // The person's rights: consents, right of access, anonymise, erase.
    app.wait_for("visitor-anonymise", REACT)
        .unwrap()
        .scroll_into_view()
        .unwrap();
    shot("visitor-privacy");
    click(&app, "visitor-close");
    click(&app, "registrations-badges");
    app.wait_for("badge-dialog", REACT).unwrap();
    std::thread::sleep(SETTLE);
    shot("badges");
    click(&app, "badge-close");

    // Import: five new people, three already known, one row without a name.
    let more = files.path().join("inscrits-semaine-2.csv");
    let mut text = people_csv(37..45);
    text.push_str(";;sans.nom@example.org;;\r\n");
    std::fs::write(&more, text).unwrap();
    click(&app, "nav-import");
    type_into(&app, "import-path", &more.display().to_string());
    click(&app, "import-analyse");
    app.wait_for("import-commit", LOAD).unwrap();
    shot("import-preview");
    click(&app, "import-commit");
    app.wait_for("import-report", LOAD).unwrap();
    shot("import-done");

    // Export.
    click(&app, "nav-export");
    type_into(
        &app,
        "export-path",
        &files
            .path()
            .join("forum-villeneuve.csv")
            .display()
            .to_string(),
    );
    click(&app, "export-submit");
    app.wait_for("export-result", LOAD).unwrap();
    shot("export");

    // The month's report, with the help the other mediators recorded.
    for (i, (themes, minutes, autonomy)) in [
        ("job_integration,email", "45", "partly"),
        ("procedures", "20", "accompanied"),
        ("office,job_integration", "60", "autonomous"),
        ("admin_work_training", "30", "partly"),
        ("navigation,email", "15", "autonomous"),
        ("job_integration", "30", "partly"),
        ("procedures,admin_social_health", "45", "accompanied"),
    ]
    .iter()
    .cycle()
    .take(21)
    .enumerate()
    {
        let mut args = vec![
            "mediation",
            "add",
            "--event",
            &event_id,
            "--themes",
            themes,
            "--minutes",
            minutes,
            "--autonomy",
            autonomy,
        ];
        if i % 5 == 0 {
            args.extend(["--referral", "france_travail"]);
        }
        cli.ok(&args);
    }
    click(&app, "nav-reports");
    app.wait_for("reports-figures", LOAD).unwrap();
    std::thread::sleep(SETTLE);
    shot("reports");
    let themes = app
        .all_by_test_id("reports-table")
        .unwrap()
        .into_iter()
        .find(|t| t.attribute("data-key").ok().flatten().as_deref() == Some("themes"))
        .expect("a themes chart");
    themes.scroll_into_view().unwrap();
    shot("reports-charts");

    // Public computers: six stations (one at the third place with the
    // printer, one out of order), three in use (one in its last five
    // minutes), a waiting list with one person called; then a person
    // checked in at the desk given one with F3.
    for (name, place, offers) in [
        ("Poste 1", "stand", "headset"),
        ("Poste 2", "stand", "webcam,headset"),
        ("Poste 3", "stand", ""),
        ("Poste 4", "stand", "accessibility"),
        ("PC fenêtre", "third_place", "printer,webcam"),
        ("Poste 5", "stand", ""),
    ] {
        let mut args = vec!["station", "add", name, "--place", place];
        if !offers.is_empty() {
            args.extend(["--offers", offers]);
        }
        cli.ok(&args);
    }
    cli.ok(&["station", "out", "Poste 5"]);
    let person = |last: &str| -> String {
        cli.ok(&["search", "--event", &event_id, last])[0]["visitor"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (last, station, purpose, minutes) in [
        ("Nowak", "Poste 1", "cv_letter", "45"),
        ("Diallo", "Poste 2", "procedure", "5"),
        ("Haddad", "PC fenêtre", "job_search", "120"),
    ] {
        cli.ok(&[
            "station",
            "assign",
            "--visitor",
            &person(last),
            "--station",
            station,
            "--purpose",
            purpose,
            "--minutes",
            minutes,
            "--event",
            &event_id,
        ]);
    }
    for (last, purpose) in [
        ("Traoré", "job_search"),
        ("Camara", "free"),
        ("Morel", "training"),
    ] {
        cli.ok(&[
            "station",
            "queue",
            "join",
            "--visitor",
            &person(last),
            "--purpose",
            purpose,
        ]);
    }
    cli.ok(&["station", "queue", "call"]);
    click(&app, "nav-desk");
    type_into(&app, "desk-search", "hugo lefe");
    wait_results(&app);
    type_into(&app, "desk-search", keys::ENTER);
    wait_feedback(&app, "welcome");
    type_into(&app, "desk-search", keys::F3);
    app.wait_for_text("assign-stations", REACT, |t| t.contains("Poste 3"))
        .unwrap();
    app.focused().and_then(|e| e.send_keys("2")).unwrap();
    shot("stations-assign");
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for("desk-station-saved", REACT).unwrap();
    shot("stations-desk");
    click(&app, "nav-stations");
    app.wait_for_text("stations-busy", LOAD, |t| t == "4")
        .unwrap();
    wait_count(&app, "queue-ticket", 2, "the tour");
    shot("stations");
    click(&app, "stations-display");
    app.wait_for("next-in-line", REACT).unwrap();
    shot("stations-display");
    app.focused()
        .and_then(|e| e.send_keys(keys::ESCAPE))
        .unwrap();
    app.wait_gone("next-in-line", REACT).unwrap();
    click(&app, "stations-manage-open");
    app.wait_for("manage-cowork-seats", REACT).unwrap();
    shot("stations-manage");
    click(&app, "manage-close");

    // Duplicates, as two laptops make them while offline: Jean-Pierre Morel
    // registered again with his phone (the CLI), Marie Dupont with her email
    // (the walk-in form, after which the app counts the pairs).
    cli.ok(&[
        "visitor",
        "add",
        "--event",
        &event_id,
        "--first",
        "Jean Pierre",
        "--last",
        "MOREL",
        "--phone",
        "0611132931",
        "--postcode",
        "93100",
    ]);
    click(&app, "nav-desk");
    click(&app, "desk-walk-in");
    app.wait_for("walk-in-form", REACT).unwrap();
    type_into(&app, "walk-in-first-name", "Marie");
    type_into(&app, "walk-in-last-name", "DUPONT");
    type_into(&app, "walk-in-email", "mariedupont0@example.org");
    type_into(&app, "walk-in-phone", "07 61 20 30 40");
    click(&app, "walk-in-consent");
    click(&app, "walk-in-submit");
    wait_feedback(&app, "welcome");
    app.wait_for_text("status-duplicates", LOAD, |t| t.starts_with('2'))
        .expect("the status bar counts two possible duplicates");
    click(&app, "status-duplicates");
    wait_count(&app, "dup-pair", 2, "the tour");
    shot("duplicates");

    // The sync screen from the top (a laptop working alone, the stand
    // exchange and the duplicates below), with a second laptop of the stand
    // syncing by itself; then its card.
    let _other = StandLaptop::start(&cli);
    app.wait_for_text("status-stand", LOAD, |t| t.contains('1'))
        .expect("the status bar shows the other laptop");
    click(&app, "nav-desk");
    app.wait_for("desk-search", REACT).unwrap();
    click(&app, "nav-sync");
    app.wait_for("sync-enroll", REACT).unwrap();
    shot("sync");
    app.wait_for("stand-peers", LOAD)
        .unwrap()
        .scroll_into_view()
        .unwrap();
    shot("sync-stand");

    // What certificates print.
    click(&app, "nav-org");
    app.wait_for("org-screen", REACT).unwrap();
    std::thread::sleep(SETTLE);
    shot("org");
    app.wait_for("retention-section", LOAD)
        .unwrap()
        .scroll_into_view()
        .unwrap();
    shot("org-retention");

    // The access log (the tour's coordinator viewed records above).
    click(&app, "nav-audit");
    app.wait_for("audit-row", LOAD)
        .expect("the access log lists the tour's views");
    shot("audit");

    // Locked (the status bar's button): the staff names, nothing else.
    click(&app, "status-lock");
    app.wait_for("lock-name", LOAD)
        .expect("the lock screen's names");
    shot("lock");
}

/// A second laptop of the stand, "Portable accueil 2": paired once with a
/// code (`escale peer share --once` on the tour's data directory, `peer
/// join` on its own), then `escale peer live` until dropped.
struct StandLaptop {
    _cli: Cli,
    child: std::process::Child,
}

impl StandLaptop {
    fn start(tour: &Cli) -> StandLaptop {
        use std::io::BufRead;
        let other = Cli::new();
        let bin = paths::binary("escale");
        let mut share = Command::new(&bin)
            .args(["--json", "--data-dir"])
            .arg(tour.data_dir())
            .args([
                "peer",
                "share",
                "--once",
                "--no-mdns",
                "--bind",
                "127.0.0.1",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("peer share starts");
        let mut first = String::new();
        std::io::BufReader::new(share.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&first).expect("the code line");
        let (code, port) = (
            doc["data"]["code"].as_str().unwrap().to_string(),
            doc["data"]["port"].as_u64().unwrap(),
        );
        other.ok(&[
            "peer",
            "join",
            &code,
            "--address",
            &format!("127.0.0.1:{port}"),
            "--name",
            "Portable accueil 2",
        ]);
        let _ = share.wait();
        let child = Command::new(&bin)
            .arg("--data-dir")
            .arg(other.data_dir())
            .args(["peer", "live", "--bind", "127.0.0.1"])
            .env("ESCALE_MDNS_INTERFACE", "lo")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("peer live starts");
        StandLaptop { _cli: other, child }
    }
}

impl Drop for StandLaptop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count` people as French Excel saves a sign-up sheet (BOM, `;`, CRLF).
fn people_csv(range: std::ops::Range<usize>) -> String {
    let mut csv = String::from("\u{feff}Prénom;Nom;E-mail;Téléphone;Code postal\r\n");
    for n in range {
        let first = FIRST_NAMES[n % FIRST_NAMES.len()];
        let last = LAST_NAMES[(n * 7 + n / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let mail: String = format!("{first}.{last}{n}")
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        csv.push_str(&format!(
            "{first};{last};{mail}@example.org;06 {:02} {:02} {:02} {:02};{}\r\n",
            10 + n % 80,
            (n * 13) % 100,
            (n * 29) % 100,
            (n * 31) % 100,
            ["75011", "93100", "94200", "92000", "95100"][n % 5]
        ));
    }
    csv
}

fn today_in_paris() -> String {
    let out = Command::new("date")
        .arg("+%F")
        .env("TZ", "Europe/Paris")
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn wait_results(app: &Session) {
    app.wait_for("desk-result", REACT).expect("results");
}

fn wait_feedback(app: &Session, kind: &str) {
    escale_tests::wait_until(REACT, || {
        let panel = app.by_test_id("desk-feedback")?;
        let shown = panel.attribute("data-kind")?;
        if shown.as_deref() == Some(kind) {
            Ok(Some(()))
        } else {
            Err(format!("{shown:?}: {:?}", panel.text()?))
        }
    })
    .unwrap_or_else(|e| panic!("a {kind} feedback: {e}"));
}

//! The mediation log and a partner report end to end in the real app
//! (built `escale-desktop` on Xvfb, driven through tauri-driver by test
//! ids): a person checked in at the desk, the help given recorded with F6,
//! a theme key and Enter; the Reports screen counting it; its PDF saved and
//! read back with `pdftotext`; the screen in English. What the app wrote is
//! checked with the real `escale` CLI on the same data directory.

use std::process::Command;

use escale_tests::cli::Cli;
use escale_tests::desktop::Desktop;
use escale_tests::ui::{click, type_into, LOAD, REACT};
use escale_tests::webdriver::keys;

/// Must match ui/src/lib/testIds.ts (checked below).
mod id {
    pub const EVENTS_SCREEN: &str = "events-screen";
    pub const EVENT_OPEN: &str = "event-open";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const DESK_RESULT: &str = "desk-result";
    pub const DESK_FEEDBACK: &str = "desk-feedback";
    pub const DESK_HELP_SAVED: &str = "desk-help-saved";
    pub const MEDIATION_DIALOG: &str = "mediation-dialog";
    pub const MEDIATION_WHO: &str = "mediation-who";
    pub const NAV_REPORTS: &str = "nav-reports";
    pub const REPORTS_FIGURES: &str = "reports-figures";
    pub const REPORTS_FIGURE: &str = "reports-figure";
    pub const REPORTS_TABLE: &str = "reports-table";
    pub const REPORTS_PATH: &str = "reports-path";
    pub const REPORTS_SAVE: &str = "reports-save";
    pub const REPORTS_SAVED: &str = "reports-saved";
    pub const LANGUAGE_TOGGLE: &str = "language-toggle";
    pub const ALL: [&str; 16] = [
        EVENTS_SCREEN,
        EVENT_OPEN,
        DESK_SEARCH,
        DESK_RESULT,
        DESK_FEEDBACK,
        DESK_HELP_SAVED,
        MEDIATION_DIALOG,
        MEDIATION_WHO,
        NAV_REPORTS,
        REPORTS_FIGURES,
        REPORTS_FIGURE,
        REPORTS_TABLE,
        REPORTS_PATH,
        REPORTS_SAVE,
        REPORTS_SAVED,
        LANGUAGE_TOGGLE,
    ];
}

fn today_in_paris() -> String {
    let out = Command::new("date")
        .arg("+%F")
        .env("TZ", "Europe/Paris")
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The number on a key figure's card (`visitors`, `help_entries`…): the
/// first word of its text (the value, then its name and the comparison).
fn figure(app: &escale_tests::webdriver::Session, key: &str) -> Result<Option<String>, String> {
    for card in app.all_by_test_id(id::REPORTS_FIGURE)? {
        if card.attribute("data-key")?.as_deref() == Some(key) {
            let text = card.text()?;
            return Ok(text.split_whitespace().next().map(str::to_owned));
        }
    }
    Ok(None)
}

#[test]
fn help_recorded_at_the_desk_is_counted_in_the_report_and_its_pdf() {
    if !Desktop::available("mediation log and reports") {
        return;
    }
    let desktop = Desktop::start().expect("Xvfb and tauri-driver start");
    let cli = Cli::new();
    cli.ok(&[
        "init",
        "--org",
        "Passerelle Numérique",
        "--device",
        "Portable accueil 1",
    ]);
    let today = today_in_paris();
    let event = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum emploi de Villeneuve",
        "--start",
        &format!("{today} 09:00"),
        "--end",
        &format!("{today} 17:00"),
    ]);
    let event_id = event["id"].as_str().unwrap().to_owned();
    for (first, last) in [
        ("Éloïse", "N'Diaye-Lefèvre"),
        ("Łukasz", "Kowalski"),
        ("Ömer", "Yılmaz"),
    ] {
        cli.ok(&[
            "visitor", "add", "--event", &event_id, "--first", first, "--last", last,
        ]);
    }
    // Help recorded by another mediator for someone who did not register.
    cli.ok(&[
        "mediation",
        "add",
        "--event",
        &event_id,
        "--themes",
        "procedures",
        "--minutes",
        "20",
    ]);

    let app = desktop.open(&cli.data_dir()).expect("the app starts");
    app.wait_for(id::EVENT_OPEN, LOAD)
        .expect("the event is listed");
    click(&app, id::EVENT_OPEN);
    app.wait_for(id::DESK_SEARCH, LOAD).expect("the desk");

    // Checked in, then F6, "1" (finding work), Enter.
    type_into(&app, id::DESK_SEARCH, "kowalski");
    app.wait_for(id::DESK_RESULT, REACT)
        .expect("Łukasz is found");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    app.wait_for_text(id::DESK_FEEDBACK, REACT, |t| t.contains("Bienvenue"))
        .expect("he is welcomed");
    type_into(&app, id::DESK_SEARCH, keys::F6);
    app.wait_for(id::MEDIATION_DIALOG, REACT)
        .expect("F6 opens the help entry for the person just served");
    assert_eq!(app.text_of(id::MEDIATION_WHO).unwrap(), "À Łukasz Kowalski");
    app.focused().and_then(|e| e.send_keys("1")).unwrap();
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for_text(id::DESK_HELP_SAVED, REACT, |t| {
        t.contains("Łukasz Kowalski")
    })
    .expect("the desk says the help was recorded");
    let logged = cli.ok(&["mediation", "list", "--event", &event_id]);
    let entries = logged.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{logged}");
    assert!(
        entries
            .iter()
            .any(|m| m["visitor_name"] == "Łukasz Kowalski"
                && m["themes"] == serde_json::json!(["job_integration"])
                && m["minutes"] == 30),
        "the entry made at the desk: {logged}"
    );

    // The month's report counts him and both helps; its PDF says so.
    click(&app, id::NAV_REPORTS);
    app.wait_for(id::REPORTS_FIGURES, LOAD)
        .expect("the report is computed");
    escale_tests::wait_until(LOAD, || {
        let (v, h) = (figure(&app, "visitors")?, figure(&app, "help_entries")?);
        if v.as_deref() == Some("1") && h.as_deref() == Some("2") {
            Ok(Some(()))
        } else {
            Err(format!("visitors {v:?}, help {h:?}"))
        }
    })
    .expect("one visitor, two helps this month");
    let tables = app.all_by_test_id(id::REPORTS_TABLE).unwrap();
    assert!(
        tables
            .iter()
            .any(|t| t.attribute("data-key").ok().flatten().as_deref() == Some("themes")),
        "a chart of the themes"
    );
    let pdf = cli.root().join("bilan.pdf");
    type_into(&app, id::REPORTS_PATH, &pdf.display().to_string());
    click(&app, id::REPORTS_SAVE);
    app.wait_for_text(id::REPORTS_SAVED, LOAD, |t| t.contains("bilan.pdf"))
        .expect("the PDF is saved");
    let text = Command::new("pdftotext")
        .args(["-layout", &pdf.display().to_string(), "-"])
        .output()
        .expect("pdftotext runs (make deps installs poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Bilan d’activité",
        "Passerelle Numérique",
        "Insertion professionnelle",
        "Secret statistique",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} in the saved PDF:\n{text}"
        );
    }
    assert!(!text.contains("Kowalski"), "no name in a partner report");

    // In English.
    click(&app, id::LANGUAGE_TOGGLE);
    app.wait_for_text(id::REPORTS_FIGURES, REACT, |t| {
        t.contains("Individual help")
    })
    .expect("the figures are named in English");
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(&id::ALL);
}

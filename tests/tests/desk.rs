//! End-to-end tests of the check-in desk in the real app: the built
//! `escale-desktop` on a private Xvfb display, driven through tauri-driver
//! (WebKitWebDriver underneath) exactly as staff use it — typing, Enter,
//! a scanner's burst of characters — with elements found only by their
//! `data-testid` (ui/src/lib/testIds.ts). What the app wrote is checked with
//! the real `escale` CLI on the same data directory.
//!
//! Each test starts the app once or twice (a start costs seconds), so one
//! test walks through a whole scenario; its name says the behaviour and each
//! assertion message says which step failed and why it should hold.
//!
//! Needs: `npm --prefix ui run build && cargo build -p escale-desktop -p escale-cli`
//! beforehand (`make test` does it), and Xvfb, tauri-driver and
//! WebKitWebDriver on PATH (`make deps`); with CI=true their absence fails.

use std::path::{Path, PathBuf};

use escale_tests::cli::Cli;
use escale_tests::desktop::Desktop;
use escale_tests::paths;
use escale_tests::ui::{
    click, click_label, set_value, type_into, wait_count, wait_counter, LOAD, REACT,
};
use escale_tests::webdriver::{keys, Session};
use serde_json::Value;

/// Must match ui/src/lib/testIds.ts (checked by the last test).
mod id {
    pub const FIRST_RUN_FORM: &str = "first-run-form";
    pub const FIRST_RUN_ORG: &str = "first-run-org";
    pub const FIRST_RUN_DEVICE: &str = "first-run-device";
    pub const FIRST_RUN_LANG_FR: &str = "first-run-lang-fr";
    pub const FIRST_RUN_LANG_EN: &str = "first-run-lang-en";
    pub const FIRST_RUN_SUBMIT: &str = "first-run-submit";
    pub const STATUS_DEVICE: &str = "status-device";
    pub const STATUS_UNSYNCED: &str = "status-unsynced";
    pub const LANGUAGE_TOGGLE: &str = "language-toggle";
    pub const APP_SUBTITLE: &str = "app-subtitle";
    pub const NAV_DESK: &str = "nav-desk";
    pub const NAV_SESSIONS: &str = "nav-sessions";
    pub const NAV_REGISTRATIONS: &str = "nav-registrations";
    pub const NAV_IMPORT: &str = "nav-import";
    pub const NAV_EVENTS: &str = "nav-events";
    pub const EVENTS_SCREEN: &str = "events-screen";
    pub const EVENT_ITEM_TITLE: &str = "event-item-title";
    pub const EVENT_OPEN: &str = "event-open";
    pub const EVENT_NEW: &str = "event-new";
    pub const EVENT_TITLE: &str = "event-title";
    pub const EVENT_PLACE: &str = "event-place";
    pub const EVENT_START: &str = "event-start";
    pub const EVENT_SAVE: &str = "event-save";
    pub const EVENT_CLOSE: &str = "event-close";
    pub const EVENT_FORM_SAVED: &str = "event-form-saved";
    pub const SESSION_ITEM: &str = "session-item";
    pub const SESSION_NEW: &str = "session-new";
    pub const SESSION_TITLE: &str = "session-title";
    pub const SESSION_ROOM: &str = "session-room";
    pub const SESSION_START: &str = "session-start";
    pub const SESSION_END: &str = "session-end";
    pub const SESSION_CAPACITY: &str = "session-capacity";
    pub const SESSION_SAVE: &str = "session-save";
    pub const DESK_SCREEN: &str = "desk-screen";
    pub const DESK_EVENT_TITLE: &str = "desk-event-title";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const DESK_RESULT: &str = "desk-result";
    pub const DESK_FEEDBACK: &str = "desk-feedback";
    pub const DESK_FEEDBACK_TITLE: &str = "desk-feedback-title";
    pub const DESK_UNDO: &str = "desk-undo";
    pub const DESK_WALK_IN: &str = "desk-walk-in";
    pub const COUNTER_ARRIVED: &str = "counter-arrived";
    pub const COUNTER_EXPECTED: &str = "counter-expected";
    pub const COUNTER_WALK_INS: &str = "counter-walk-ins";
    pub const SESSIONS_SCREEN: &str = "sessions-screen";
    pub const SESSION_PICKER: &str = "session-picker";
    pub const SESSION_MODE_OUT: &str = "session-mode-out";
    pub const SESSION_INSIDE: &str = "session-inside";
    pub const SESSION_FULL: &str = "session-full";
    pub const WALK_IN_FORM: &str = "walk-in-form";
    pub const WALK_IN_FIRST_NAME: &str = "walk-in-first-name";
    pub const WALK_IN_LAST_NAME: &str = "walk-in-last-name";
    pub const WALK_IN_EMAIL: &str = "walk-in-email";
    pub const WALK_IN_POSTCODE: &str = "walk-in-postcode";
    pub const WALK_IN_COMMUNE: &str = "walk-in-commune";
    pub const WALK_IN_COMMUNE_SUGGESTIONS: &str = "walk-in-commune-suggestions";
    pub const WALK_IN_CONSENT: &str = "walk-in-consent";
    pub const WALK_IN_CONSENT_TEXT: &str = "walk-in-consent-text";
    pub const WALK_IN_SUBMIT: &str = "walk-in-submit";
    pub const WALK_IN_FORM_ERROR: &str = "walk-in-form-error";
    pub const WALK_IN_WARNINGS: &str = "walk-in-warnings";
    pub const WALK_IN_FIX: &str = "walk-in-fix";
    pub const REGS_ROW: &str = "regs-row";
    pub const IMPORT_PATH: &str = "import-path";
    pub const IMPORT_ANALYSE: &str = "import-analyse";
    pub const IMPORT_ERROR: &str = "import-error";
    pub const IMPORT_FORMAT: &str = "import-format";
    pub const IMPORT_ENCODING: &str = "import-encoding";
    pub const IMPORT_DELIMITER: &str = "import-delimiter";
    pub const IMPORT_ROWS: &str = "import-rows";
    pub const IMPORT_NEW: &str = "import-new";
    pub const IMPORT_SKIPPED: &str = "import-skipped";
    pub const IMPORT_COMMIT: &str = "import-commit";
    pub const IMPORT_REPORT: &str = "import-report";
    /// Per-field messages are `field-error-<field>` (fieldErrorId in testIds.ts).
    pub const FIELD_ERROR_FIRST_NAME: &str = "field-error-first_name";
    pub const FIELD_ERROR_EMAIL: &str = "field-error-email";
    pub const FIELD_ERROR_CONSENT: &str = "field-error-consent";

    /// Every plain id above (the `field-error-*` ones are built by a function).
    pub const ALL: &[&str] = &[
        FIRST_RUN_FORM,
        FIRST_RUN_ORG,
        FIRST_RUN_DEVICE,
        FIRST_RUN_LANG_FR,
        FIRST_RUN_LANG_EN,
        FIRST_RUN_SUBMIT,
        STATUS_DEVICE,
        STATUS_UNSYNCED,
        LANGUAGE_TOGGLE,
        APP_SUBTITLE,
        NAV_DESK,
        NAV_SESSIONS,
        NAV_REGISTRATIONS,
        NAV_IMPORT,
        NAV_EVENTS,
        EVENTS_SCREEN,
        EVENT_ITEM_TITLE,
        EVENT_OPEN,
        EVENT_NEW,
        EVENT_TITLE,
        EVENT_PLACE,
        EVENT_START,
        EVENT_SAVE,
        EVENT_CLOSE,
        EVENT_FORM_SAVED,
        SESSION_ITEM,
        SESSION_NEW,
        SESSION_TITLE,
        SESSION_ROOM,
        SESSION_START,
        SESSION_END,
        SESSION_CAPACITY,
        SESSION_SAVE,
        DESK_SCREEN,
        DESK_EVENT_TITLE,
        DESK_SEARCH,
        DESK_RESULT,
        DESK_FEEDBACK,
        DESK_FEEDBACK_TITLE,
        DESK_UNDO,
        DESK_WALK_IN,
        COUNTER_ARRIVED,
        COUNTER_EXPECTED,
        COUNTER_WALK_INS,
        SESSIONS_SCREEN,
        SESSION_PICKER,
        SESSION_MODE_OUT,
        SESSION_INSIDE,
        SESSION_FULL,
        WALK_IN_FORM,
        WALK_IN_FIRST_NAME,
        WALK_IN_LAST_NAME,
        WALK_IN_EMAIL,
        WALK_IN_POSTCODE,
        WALK_IN_COMMUNE,
        WALK_IN_COMMUNE_SUGGESTIONS,
        WALK_IN_CONSENT,
        WALK_IN_CONSENT_TEXT,
        WALK_IN_SUBMIT,
        WALK_IN_FORM_ERROR,
        WALK_IN_WARNINGS,
        WALK_IN_FIX,
        REGS_ROW,
        IMPORT_PATH,
        IMPORT_ANALYSE,
        IMPORT_ERROR,
        IMPORT_FORMAT,
        IMPORT_ENCODING,
        IMPORT_DELIMITER,
        IMPORT_ROWS,
        IMPORT_NEW,
        IMPORT_SKIPPED,
        IMPORT_COMMIT,
        IMPORT_REPORT,
    ];
}

const ELOISE: &str = "Éloïse N'Diaye-Lefèvre";

/// Three pre-registrations as French Excel saves them: UTF-8 with a BOM,
/// `;` between fields, CRLF, a phone with spaces, a Polish first name.
const PRE_REGISTRATIONS_CSV: &str = "\u{feff}Prénom;Nom;E-mail;Téléphone;Code postal\r\n\
    Marie;Dupont;marie.dupont@example.org;06 12 34 56 78;75011\r\n\
    Jean-Pierre;Martin;jp.martin@example.org;;93100\r\n\
    Łukasz;Nowak;lukasz@example.org;;\r\n";

/// A real 1×1 PNG: what a person picks by mistake instead of the spreadsheet.
const PNG_BYTES: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

// ---------------------------------------------------------------- the tests

#[test]
fn first_run_names_the_laptop_then_an_event_gets_two_sessions_and_a_semicolon_csv_is_imported() {
    let Some(desktop) = start_desktop("first run, event, import") else {
        return;
    };
    let cli = Cli::new();
    let app = desktop
        .open(&cli.data_dir())
        .expect("the app starts on a new data directory");

    // First run: language, organisation, this laptop.
    app.wait_for(id::FIRST_RUN_FORM, LOAD)
        .expect("a new laptop opens on the first-run form");
    let submit_label = |app: &Session| app.text_of(id::FIRST_RUN_SUBMIT).unwrap();
    let french_label = submit_label(&app);
    click_label(&app, id::FIRST_RUN_LANG_EN);
    let english_label = app
        .wait_for_text(id::FIRST_RUN_SUBMIT, REACT, |t| t != french_label)
        .expect("choosing English in the first run translates the form at once");
    click_label(&app, id::FIRST_RUN_LANG_FR);
    app.wait_for_text(id::FIRST_RUN_SUBMIT, REACT, |t| t == french_label)
        .expect("and French brings the French labels back");
    assert_ne!(english_label, french_label);
    type_into(&app, id::FIRST_RUN_ORG, "Passerelle Numérique");
    type_into(&app, id::FIRST_RUN_DEVICE, "Portable accueil 1");
    click(&app, id::FIRST_RUN_SUBMIT);
    // Then the coordinator's account, before anything else.
    escale_tests::desktop::create_first_account(&app, &cli.data_dir())
        .expect("the first account is created");
    app.wait_for(id::EVENTS_SCREEN, LOAD)
        .expect("after the first run, without the demo, the app asks for an event");
    let info = cli.ok(&["info"]);
    assert_eq!(
        (info["org_name"].as_str(), info["device_name"].as_str()),
        (Some("Passerelle Numérique"), Some("Portable accueil 1")),
        "the first run writes the names the person typed into the store the CLI reads"
    );
    app.wait_for_text(id::STATUS_DEVICE, REACT, |t| {
        t.contains("Portable accueil 1")
    })
    .expect("the status bar names this laptop");

    // An event and two sessions.
    click(&app, id::EVENT_NEW);
    app.wait_for(id::EVENT_TITLE, REACT)
        .expect("the new-event form opens");
    type_into(&app, id::EVENT_TITLE, "Forum emploi de Villeneuve");
    type_into(&app, id::EVENT_PLACE, "Salle des fêtes");
    click(&app, id::EVENT_SAVE);
    app.wait_for(id::EVENT_FORM_SAVED, REACT)
        .expect("saving the event says it was saved");
    // The start's wall time, "YYYY-MM-DD HH:MM", as the date-time field binds it.
    let start = app
        .by_test_id(id::EVENT_START)
        .unwrap()
        .attribute("data-value")
        .unwrap()
        .expect("the start field carries its value");
    let day = start[..10].to_owned();

    click(&app, id::SESSION_NEW);
    app.wait_for(id::SESSION_TITLE, REACT)
        .expect("the new-session form opens below the event");
    type_into(&app, id::SESSION_TITLE, "Atelier CV");
    type_into(&app, id::SESSION_ROOM, "Salle B");
    type_into(&app, id::SESSION_CAPACITY, "2");
    click(&app, id::SESSION_SAVE);
    wait_count(
        &app,
        id::SESSION_ITEM,
        1,
        "the first session is listed once saved",
    );

    click(&app, id::SESSION_NEW);
    app.wait_for(id::SESSION_TITLE, REACT)
        .expect("a second session can be added");
    type_into(
        &app,
        id::SESSION_TITLE,
        "Conférence : les métiers du numérique",
    );
    // The times typed as staff type them (the day stays the event's).
    for (field, time) in [(id::SESSION_START, "14:00"), (id::SESSION_END, "15:30")] {
        let part = date_time_part(field, "time");
        app.wait_for(&part, REACT)
            .and_then(|e| e.clear())
            .unwrap_or_else(|e| panic!("cannot clear {part}: {e}"));
        type_into(&app, &part, time);
    }
    click(&app, id::SESSION_SAVE);
    wait_count(&app, id::SESSION_ITEM, 2, "both sessions are listed");
    let sessions = app.texts(id::SESSION_ITEM).unwrap();
    assert!(
        sessions[0].contains("Atelier CV")
            && sessions[0].contains("10:00 – 11:00")
            && sessions[0].contains("Salle B"),
        "the workshop shows its default times and its room: {sessions:?}"
    );
    assert!(
        sessions[1].contains("Conférence : les métiers du numérique")
            && sessions[1].contains("14:00 – 15:30"),
        "the conference shows the times that were chosen: {sessions:?}"
    );

    let event_id = only_event(&cli);
    let shown = cli.ok(&["event", "show", &event_id]);
    assert_eq!(shown["event"]["title"], "Forum emploi de Villeneuve");
    assert_eq!(shown["event"]["place"], "Salle des fêtes");
    let stored: Vec<(String, Value, String)> = shown["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap_or_default().to_owned(),
                s["capacity"].clone(),
                s["starts_local"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        stored,
        vec![
            (
                "Atelier CV".to_owned(),
                Value::from(2),
                format!("{day} 10:00")
            ),
            (
                "Conférence : les métiers du numérique".to_owned(),
                Value::Null,
                format!("{day} 14:00")
            ),
        ],
        "the two sessions are stored with their capacity (none = unlimited) and start times"
    );

    // Back to the list, open the event: the desk.
    click(&app, id::EVENT_CLOSE);
    app.wait_for_text(id::EVENT_ITEM_TITLE, REACT, |t| {
        t == "Forum emploi de Villeneuve"
    })
    .expect("the list shows the new event");
    click(&app, id::EVENT_OPEN);
    app.wait_for_text(id::DESK_EVENT_TITLE, LOAD, |t| {
        t == "Forum emploi de Villeneuve"
    })
    .expect("opening the event shows its desk");

    // Import a semicolon CSV with a BOM, typed as a path (file dialogs cannot be driven).
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "inscrits-helloasso.csv",
        PRE_REGISTRATIONS_CSV.as_bytes(),
    );
    click(&app, id::NAV_IMPORT);
    type_into(&app, id::IMPORT_PATH, &csv.display().to_string());
    click(&app, id::IMPORT_ANALYSE);
    app.wait_for(id::IMPORT_COMMIT, LOAD)
        .expect("analysing the file shows the preview");
    let detected = [
        app.text_of(id::IMPORT_ENCODING).unwrap(),
        app.text_of(id::IMPORT_DELIMITER).unwrap(),
        app.text_of(id::IMPORT_ROWS).unwrap(),
        app.text_of(id::IMPORT_NEW).unwrap(),
        app.text_of(id::IMPORT_SKIPPED).unwrap(),
    ];
    assert!(
        detected[0].contains("UTF-8") && detected[0].contains("BOM"),
        "the wizard says the file is UTF-8 with a BOM: {detected:?}"
    );
    assert!(
        detected[1].contains(';'),
        "the wizard found the semicolon: {detected:?}"
    );
    assert_eq!(
        detected[2..],
        ["3", "3", "0"],
        "three rows, three new people, none skipped"
    );
    assert_eq!(
        cli.ok(&["stats", "--event", &event_id])["registered"],
        0,
        "the preview is a dry run: nothing is registered before the commit"
    );
    click(&app, id::IMPORT_COMMIT);
    app.wait_for(id::IMPORT_REPORT, LOAD)
        .expect("the commit ends with its report");
    let stats = cli.ok(&["stats", "--event", &event_id]);
    assert_eq!(
        stats["pre_registered"], 3,
        "the three rows are pre-registrations now: {stats}"
    );
    let marie = search(&cli, &event_id, "dupont");
    assert_eq!(
        marie[0]["visitor"]["phone"], "+33612345678",
        "the phone with spaces is stored in its canonical form"
    );
    click(&app, id::NAV_DESK);
    app.wait_for_text(id::COUNTER_EXPECTED, REACT, |t| t == "3")
        .expect("the desk expects the three imported people");
}

#[test]
fn a_walk_in_is_found_by_any_part_of_her_name_checked_in_once_scanned_and_undone() {
    let Some(desktop) = start_desktop("walk-in, search, check-in, scan, undo") else {
        return;
    };
    let stand = Stand::prepared();
    let app = desktop.open(&stand.cli.data_dir()).expect("the app starts");
    stand.open_event(&app);
    wait_counter(&app, id::COUNTER_EXPECTED, "3", "three people are expected");
    wait_counter(&app, id::COUNTER_ARRIVED, "0", "nobody has arrived yet");
    let ops_before = stand.cli.op_count();

    // Walk-in registration with consent: registered and checked in at once.
    click(&app, id::DESK_WALK_IN);
    app.wait_for(id::WALK_IN_FORM, REACT)
        .expect("the walk-in form opens");
    type_into(&app, id::WALK_IN_FIRST_NAME, "Éloïse");
    type_into(&app, id::WALK_IN_LAST_NAME, "N'Diaye-Lefèvre");
    type_into(&app, id::WALK_IN_EMAIL, "eloise@example.org");
    // Her commune, picked from what her postcode offers: the official
    // name and its INSEE code, not what the keyboard made of it.
    type_into(&app, id::WALK_IN_POSTCODE, "93100");
    type_into(&app, id::WALK_IN_COMMUNE, "mont");
    let offered = app
        .wait_for_text(id::WALK_IN_COMMUNE_SUGGESTIONS, REACT, |t| {
            t.contains("Montreuil")
        })
        .expect("the postcode's commune is offered");
    assert!(
        offered.starts_with("Montreuil (93100)"),
        "the commune of her postcode comes first, with the postcode: {offered:?}"
    );
    type_into(&app, id::WALK_IN_COMMUNE, keys::ARROW_DOWN);
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .expect("Enter picks the focused suggestion");
    app.wait_gone(id::WALK_IN_COMMUNE_SUGGESTIONS, REACT)
        .expect("picking closes the list");
    assert_eq!(
        app.by_test_id(id::WALK_IN_COMMUNE)
            .unwrap()
            .value()
            .unwrap(),
        "Montreuil",
        "the official spelling replaces what was typed"
    );
    let consent = app.text_of(id::WALK_IN_CONSENT_TEXT).unwrap();
    assert!(
        consent.contains("Passerelle Numérique"),
        "the consent wording names the organisation: {consent}"
    );
    click(&app, id::WALK_IN_CONSENT);
    // Enter in a field submits the form, as staff do.
    type_into(&app, id::WALK_IN_EMAIL, keys::ENTER);
    app.wait_gone(id::WALK_IN_FORM, REACT)
        .expect("a valid walk-in closes the form");
    wait_feedback(&app, "welcome", ELOISE, "the walk-in is welcomed by name");
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "1",
        "the walk-in counts as arrived",
    );
    wait_counter(&app, id::COUNTER_WALK_INS, "1", "and as a walk-in");
    wait_counter(
        &app,
        id::COUNTER_EXPECTED,
        "3",
        "the expected count is pre-registrations only",
    );
    assert!(
        stand.cli.op_count() > ops_before,
        "the walk-in is written to the operation log"
    );
    let found = search(&stand.cli, &stand.event_id, "eloise");
    assert_eq!(
        found[0]["visitor"]["last_name"], "N'Diaye-Lefèvre",
        "the CLI finds her too"
    );
    assert!(
        found[0]["arrived_at"].is_string(),
        "and sees her arrived: {found:?}"
    );
    assert_eq!(
        (
            &found[0]["visitor"]["commune"],
            &found[0]["visitor"]["commune_code"]
        ),
        (&Value::from("Montreuil"), &Value::from("93048")),
        "the picked commune is saved with its code"
    );
    let badge = found[0]["visitor"]["badge_code"]
        .as_str()
        .expect("a walk-in gets a badge code")
        .to_owned();

    // Found by any part of her name, without accents or punctuation.
    for typed in ["eloise", "ndiaye", "lefevre"] {
        let first = type_and_wait_results(&app, typed);
        assert!(
            first.starts_with(ELOISE),
            "typing {typed:?} finds her first: {first:?}"
        );
        type_into(&app, id::DESK_SEARCH, keys::ESCAPE);
        wait_count(&app, id::DESK_RESULT, 0, "Escape clears the results");
    }

    // Undo her walk-in check-in (Ctrl+Z): the counter goes back.
    type_into(&app, id::DESK_SEARCH, &format!("{}z", keys::CONTROL));
    wait_feedback(
        &app,
        "undone",
        ELOISE,
        "Ctrl+Z undoes the last check-in and names the person",
    );
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "0",
        "an undone check-in is not counted",
    );

    // Check in with Enter on the results.
    type_and_wait_results(&app, "eloise");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    wait_feedback(&app, "welcome", ELOISE, "Enter checks the first result in");
    wait_counter(&app, id::COUNTER_ARRIVED, "1", "she counts once");
    assert_eq!(
        app.by_test_id(id::DESK_SEARCH).unwrap().value().unwrap(),
        "",
        "the box is empty for the next person"
    );
    assert_eq!(
        app.focused_test_id().unwrap().as_deref(),
        Some(id::DESK_SEARCH),
        "the search box keeps the focus"
    );

    // Again: "already arrived", never counted twice.
    type_and_wait_results(&app, "ndiaye");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    let title = wait_feedback(
        &app,
        "already",
        "",
        "a second check-in says she is already there",
    );
    assert!(
        title.starts_with("Déjà arrivé·e à ") && title.len() > "Déjà arrivé·e à ".len(),
        "the feedback gives the time of her first arrival: {title:?}"
    );
    let detail = app.text_of(id::DESK_FEEDBACK).unwrap();
    assert!(detail.contains(ELOISE), "and her name: {detail:?}");
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "1",
        "a second check-in is never counted twice",
    );

    // A scanner: the badge code's characters in a burst, then Enter.
    type_into(&app, id::DESK_SEARCH, &format!("{badge}{}", keys::ENTER));
    wait_feedback(&app, "already", "", "her scanned badge finds her at once");
    assert!(app.text_of(id::DESK_FEEDBACK).unwrap().contains(ELOISE));
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "1",
        "a scan of an arrived person changes nothing",
    );

    // An unknown badge, then a real one: the second scan must not be spoilt
    // by what the first left in the box.
    type_into(&app, id::DESK_SEARCH, &format!("ZZ99ZZ99{}", keys::ENTER));
    wait_feedback(&app, "unknown", "", "an unknown badge says so");
    let marie_badge = search(&stand.cli, &stand.event_id, "dupont")[0]["visitor"]["badge_code"]
        .as_str()
        .expect("imported people get a badge code")
        .to_owned();
    type_into(
        &app,
        id::DESK_SEARCH,
        &format!("{marie_badge}{}", keys::ENTER),
    );
    wait_feedback(
        &app,
        "welcome",
        "Marie Dupont",
        "the scan right after an unknown badge checks the next person in",
    );
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "2",
        "Marie is the second arrival",
    );

    // Undo with the button: Marie is no longer counted; Éloïse still is.
    click(&app, id::DESK_UNDO);
    wait_feedback(
        &app,
        "undone",
        "Marie Dupont",
        "the undo names the person it concerned",
    );
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "1",
        "the undone check-in is not counted",
    );
    let stats = stand.cli.ok(&["stats", "--event", &stand.event_id]);
    assert_eq!(
        (stats["arrived"].as_i64(), stats["walk_ins"].as_i64()),
        (Some(1), Some(1)),
        "the store agrees with the desk: one arrival, the walk-in: {stats}"
    );
    assert!(
        search(&stand.cli, &stand.event_id, "dupont")[0]["arrived_at"].is_null(),
        "Marie's undone check-in is void in the store"
    );
}

#[test]
fn session_check_in_and_out_count_who_is_inside_and_a_restart_finds_everything_then_english() {
    let Some(desktop) = start_desktop("sessions, restart, English") else {
        return;
    };
    let stand = Stand::prepared();
    stand.cli.ok(&[
        "visitor",
        "add",
        "--event",
        &stand.event_id,
        "--first",
        "Éloïse",
        "--last",
        "N'Diaye-Lefèvre",
        "--email",
        "eloise@example.org",
        "--checkin",
    ]);
    let app = desktop.open(&stand.cli.data_dir()).expect("the app starts");
    stand.open_event(&app);
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        "1",
        "the CLI's check-in is on the desk",
    );

    // Session desk: the workshop, capacity 2.
    click(&app, id::NAV_SESSIONS);
    app.wait_for(id::SESSIONS_SCREEN, REACT)
        .expect("the sessions screen opens");
    set_value(&app, id::SESSION_PICKER, &stand.workshop_id);
    app.wait_for_text(id::DESK_EVENT_TITLE, REACT, |t| t == "Atelier CV")
        .expect("the session desk is titled with the chosen session");
    app.wait_for_text(id::SESSION_INSIDE, REACT, |t| t == "0 / 2")
        .expect("nobody is inside, two places");

    type_and_wait_results(&app, "eloise");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    wait_feedback(&app, "welcome", ELOISE, "checked into the session");
    app.wait_for_text(id::SESSION_INSIDE, REACT, |t| t == "1 / 2")
        .expect("one person inside");
    type_and_wait_results(&app, "dupont");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    wait_feedback(
        &app,
        "welcome",
        "Marie Dupont",
        "a pre-registered person enters the session too",
    );
    app.wait_for_text(id::SESSION_INSIDE, REACT, |t| t == "2 / 2")
        .expect("two inside");
    app.wait_for(id::SESSION_FULL, REACT)
        .expect("a full session warns before letting anyone else in");

    // Check-out.
    click_label(&app, id::SESSION_MODE_OUT);
    type_and_wait_results(&app, "eloise");
    type_into(&app, id::DESK_SEARCH, keys::ENTER);
    wait_feedback(&app, "out", ELOISE, "the check-out says goodbye by name");
    app.wait_for_text(id::SESSION_INSIDE, REACT, |t| t == "1 / 2")
        .expect("she is no longer inside");
    app.wait_gone(id::SESSION_FULL, REACT)
        .expect("with a place free again, no warning");
    let workshop = workshop_stats(&stand);
    assert_eq!(
        (workshop["inside"].as_i64(), workshop["attended"].as_i64()),
        (Some(1), Some(2)),
        "the store: one inside, two attended (hours can be computed): {workshop}"
    );
    let stats_before = stand.cli.ok(&["stats", "--event", &stand.event_id]);
    let counters_before = [
        stats_before["arrived"].to_string(),
        stats_before["walk_ins"].to_string(),
    ];
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        &counters_before[0],
        "the session desk's arrivals agree with the store",
    );
    let unsynced_before = app.text_of(id::STATUS_UNSYNCED).unwrap();

    // Quit, start again on the same data directory.
    drop(app);
    let app = desktop
        .open(&stand.cli.data_dir())
        .expect("the app starts again");
    app.wait_for(id::DESK_SCREEN, LOAD)
        .expect("the app reopens on the desk of the event chosen last time");
    wait_counter(
        &app,
        id::COUNTER_ARRIVED,
        &counters_before[0],
        "the arrivals survive a restart",
    );
    wait_counter(
        &app,
        id::COUNTER_WALK_INS,
        &counters_before[1],
        "the walk-in survives a restart",
    );
    wait_counter(
        &app,
        id::COUNTER_EXPECTED,
        "3",
        "the pre-registrations survive a restart",
    );
    let first = type_and_wait_results(&app, "lefevre");
    assert!(
        first.starts_with(ELOISE) && first.contains("Arrivé·e"),
        "she is still found, and shown as arrived: {first:?}"
    );
    type_into(&app, id::DESK_SEARCH, keys::ESCAPE);
    app.wait_for_text(id::STATUS_UNSYNCED, REACT, |t| t == unsynced_before)
        .expect("the count of operations to sync is the same after a restart");
    click(&app, id::NAV_SESSIONS);
    set_value(&app, id::SESSION_PICKER, &stand.workshop_id);
    app.wait_for_text(id::SESSION_INSIDE, REACT, |t| t == "1 / 2")
        .expect("who is inside the session survives a restart");
    assert_eq!(
        stand.cli.ok(&["stats", "--event", &stand.event_id]),
        stats_before,
        "a restart changes no figure"
    );

    // English.
    click(&app, id::LANGUAGE_TOGGLE);
    app.wait_for_text(id::APP_SUBTITLE, REACT, |t| {
        t == "Itinerant digital-centre front desk"
    })
    .expect("the toggle switches the UI to English");
    for (nav, english) in [
        (id::NAV_DESK, "Desk"),
        (id::NAV_SESSIONS, "Sessions"),
        (id::NAV_REGISTRATIONS, "Registrations"),
        (id::NAV_EVENTS, "Events"),
    ] {
        let text = app.text_of(nav).unwrap();
        assert!(
            text.starts_with(english),
            "{nav} reads {english:?} in English, not {text:?}"
        );
    }
    app.wait_for_text(id::STATUS_DEVICE, REACT, |t| t.starts_with("Laptop"))
        .expect("the status bar is in English");
    // Rust's own messages follow the UI's language.
    click(&app, id::NAV_IMPORT);
    type_into(&app, id::IMPORT_PATH, "/nonexistent/registrations.csv");
    click(&app, id::IMPORT_ANALYSE);
    let error = app
        .wait_for_text(id::IMPORT_ERROR, REACT, |t| !t.is_empty())
        .expect("a missing file is reported");
    assert!(
        error.to_lowercase().contains("not found") || error.to_lowercase().contains("no such"),
        "the Rust error message arrives in English: {error:?}"
    );
}

#[test]
fn bad_input_gets_a_specific_message_and_nothing_is_half_saved() {
    let Some(desktop) = start_desktop("bad input") else {
        return;
    };
    let stand = Stand::prepared();
    let app = desktop.open(&stand.cli.data_dir()).expect("the app starts");
    stand.open_event(&app);
    let ops = stand.cli.op_count();

    // An empty walk-in form.
    click(&app, id::DESK_WALK_IN);
    app.wait_for(id::WALK_IN_FORM, REACT)
        .expect("the walk-in form opens");
    click(&app, id::WALK_IN_SUBMIT);
    app.wait_for_text(id::WALK_IN_FORM_ERROR, REACT, |t| {
        t == "Corrigez les champs signalés en rouge."
    })
    .expect("an empty form says to fix the fields in red");
    assert_eq!(
        app.text_of(id::FIELD_ERROR_FIRST_NAME).unwrap(),
        "Indiquez au moins un prénom ou un nom.",
        "the name field says what is missing"
    );
    assert!(
        app.text_of(id::FIELD_ERROR_CONSENT)
            .unwrap()
            .starts_with("Sans cet accord"),
        "the consent says why it is needed"
    );
    assert_eq!(
        app.focused_test_id().unwrap().as_deref(),
        Some(id::WALK_IN_FIRST_NAME),
        "the focus goes to the first field to fix"
    );
    assert_eq!(stand.cli.op_count(), ops, "an empty form writes nothing");

    // A 10,000-character name (set at once: typing it would take minutes).
    set_value(&app, id::WALK_IN_FIRST_NAME, &"A".repeat(10_000));
    click(&app, id::WALK_IN_CONSENT);
    click(&app, id::WALK_IN_SUBMIT);
    let message = app
        .wait_for_text(id::FIELD_ERROR_FIRST_NAME, REACT, |t| {
            t.starts_with("Trop long")
        })
        .expect("a 10,000-character name is refused");
    assert!(
        message.contains("100 au maximum"),
        "the message gives the limit: {message:?}"
    );
    assert!(
        app.try_by_test_id(id::FIELD_ERROR_CONSENT)
            .unwrap()
            .is_none(),
        "consent was given"
    );
    assert_eq!(stand.cli.op_count(), ops, "a refused form writes nothing");

    // An invalid email: the person is registered without it, and told so.
    set_value(&app, id::WALK_IN_FIRST_NAME, "Ömer");
    type_into(&app, id::WALK_IN_LAST_NAME, "Yılmaz");
    type_into(&app, id::WALK_IN_EMAIL, "omer.yilmaz-at-example.org");
    click(&app, id::WALK_IN_SUBMIT);
    let warning = app
        .wait_for_text(id::FIELD_ERROR_EMAIL, REACT, |t| !t.is_empty())
        .expect("an invalid email is pointed at");
    assert!(
        warning.contains("omer.yilmaz-at-example.org") && warning.contains("invalide"),
        "the message quotes the bad value and says it is invalid: {warning:?}"
    );
    assert!(
        app.text_of(id::WALK_IN_WARNINGS)
            .unwrap()
            .contains("Ömer Yılmaz"),
        "the form says who was registered despite it"
    );
    let omer = search(&stand.cli, &stand.event_id, "yilmaz");
    assert_eq!(omer.len(), 1, "Ömer is registered once");
    assert!(
        omer[0]["visitor"]["email"].is_null(),
        "the invalid email is never stored: {}",
        omer[0]
    );
    assert!(
        omer[0]["arrived_at"].is_string(),
        "and checked in as a walk-in"
    );
    // Corrected in place.
    let email = app.by_test_id(id::WALK_IN_EMAIL).unwrap();
    email.clear().unwrap();
    email.send_keys("omer.yilmaz@example.org").unwrap();
    click(&app, id::WALK_IN_FIX);
    app.wait_gone(id::WALK_IN_FORM, REACT)
        .expect("a corrected form closes");
    let omer = search(&stand.cli, &stand.event_id, "yilmaz");
    assert_eq!(
        omer[0]["visitor"]["email"], "omer.yilmaz@example.org",
        "the correction is saved on the same record"
    );
    assert_eq!(
        search(&stand.cli, &stand.event_id, "omer").len(),
        1,
        "the correction creates no second person"
    );

    // A file that is not a spreadsheet, whatever its name.
    let ops = stand.cli.op_count();
    let registered = stand.cli.ok(&["stats", "--event", &stand.event_id])["registered"].clone();
    let dir = tempfile::tempdir().unwrap();
    click(&app, id::NAV_IMPORT);
    for name in ["photo.png", "inscrits.csv"] {
        let path = write(dir.path(), name, PNG_BYTES);
        let field = app.by_test_id(id::IMPORT_PATH).unwrap();
        field.clear().unwrap();
        field.send_keys(&path.display().to_string()).unwrap();
        click(&app, id::IMPORT_ANALYSE);
        let error = app
            .wait_for_text(id::IMPORT_ERROR, REACT, |t| !t.is_empty())
            .unwrap_or_else(|e| panic!("importing PNG bytes named {name} is refused: {e}"));
        assert_eq!(
            error,
            "Ce fichier n'est pas un tableur : enregistrez-le en CSV ou en XLSX (Excel) puis recommencez.",
            "the message for {name} says what to do"
        );
        assert!(
            app.try_by_test_id(id::IMPORT_COMMIT).unwrap().is_none(),
            "no commit is offered for {name}"
        );
    }
    assert_eq!(stand.cli.op_count(), ops, "a refused import writes nothing");
    assert_eq!(
        stand.cli.ok(&["stats", "--event", &stand.event_id])["registered"],
        registered,
        "and registers nobody"
    );
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(id::ALL);
    let list =
        std::fs::read_to_string(paths::workspace_root().join("ui/src/lib/testIds.ts")).unwrap();
    assert!(
        list.contains("`field-error-${field}`"),
        "per-field messages are still named field-error-<field>"
    );
    assert!(
        list.contains("`${testId}-${part}`"),
        "the date and time boxes are still named <field>-date and <field>-time"
    );
}

// ---------------------------------------------------------------- helpers

/// The date or the time box of a date-time field (dateTimePartId in testIds.ts).
fn date_time_part(field: &str, part: &str) -> String {
    format!("{field}-{part}")
}

/// Xvfb + tauri-driver, or `None` (with a loud note) when they are missing
/// outside CI.
fn start_desktop(what: &str) -> Option<Desktop> {
    if !Desktop::available(what) {
        return None;
    }
    Some(Desktop::start().expect("Xvfb and tauri-driver start"))
}

/// A laptop set up with the CLI: named, one event with two sessions (the
/// workshop holds two people), three imported pre-registrations.
struct Stand {
    cli: Cli,
    event_id: String,
    workshop_id: String,
    _files: tempfile::TempDir,
}

impl Stand {
    fn prepared() -> Stand {
        let cli = Cli::new();
        cli.ok(&[
            "init",
            "--org",
            "Passerelle Numérique",
            "--device",
            "Portable accueil 1",
        ]);
        let event = cli.ok(&[
            "event",
            "create",
            "--title",
            "Forum emploi de Villeneuve",
            "--place",
            "Salle des fêtes",
            "--start",
            "2030-03-14 09:00",
            "--end",
            "2030-03-14 17:00",
        ]);
        let event_id = event["id"].as_str().expect("event id").to_owned();
        let workshop = cli.ok(&[
            "session",
            "add",
            "--event",
            &event_id,
            "--title",
            "Atelier CV",
            "--room",
            "Salle B",
            "--start",
            "10:00",
            "--end",
            "11:00",
            "--capacity",
            "2",
        ]);
        cli.ok(&[
            "session",
            "add",
            "--event",
            &event_id,
            "--title",
            "Conférence : les métiers du numérique",
            "--start",
            "14:00",
            "--end",
            "15:30",
        ]);
        let files = tempfile::tempdir().unwrap();
        let csv = write(
            files.path(),
            "inscrits.csv",
            PRE_REGISTRATIONS_CSV.as_bytes(),
        );
        cli.ok(&["import", "--event", &event_id, &csv.display().to_string()]);
        Stand {
            cli,
            event_id,
            workshop_id: workshop["id"].as_str().expect("session id").to_owned(),
            _files: files,
        }
    }

    /// From the events list (where a new WebKit profile starts) to the desk.
    fn open_event(&self, app: &Session) {
        app.wait_for(id::EVENTS_SCREEN, LOAD)
            .expect("the app opens on the events list");
        app.wait_for(id::EVENT_OPEN, LOAD)
            .expect("the event is listed");
        click(app, id::EVENT_OPEN);
        app.wait_for(id::DESK_SEARCH, LOAD)
            .expect("opening the event shows the desk");
    }
}

/// Types in the desk's search box like a person (then waits for the
/// results, as a person looks before pressing Enter); returns the first
/// result's text.
fn type_and_wait_results(app: &Session, text: &str) -> String {
    type_into(app, id::DESK_SEARCH, text);
    escale_tests::wait_until(REACT, || Ok(app.texts(id::DESK_RESULT)?.into_iter().next()))
        .unwrap_or_else(|e| panic!("typing {text:?} shows results: {e}"))
}

/// Waits for the feedback panel of `kind` (welcome, already, out, unknown,
/// undone, error) whose text contains `name`; returns its title.
fn wait_feedback(app: &Session, kind: &str, name: &str, why: &str) -> String {
    escale_tests::wait_until(REACT, || {
        let panel = app.by_test_id(id::DESK_FEEDBACK)?;
        let shown = panel.attribute("data-kind")?.unwrap_or_default();
        let text = panel.text()?;
        if shown == kind && text.contains(name) {
            Ok(Some(app.text_of(id::DESK_FEEDBACK_TITLE)?))
        } else {
            Err(format!("feedback is {shown}: {text:?}"))
        }
    })
    .unwrap_or_else(|e| panic!("{why}: expected a {kind} feedback with {name:?}: {e}"))
}

fn only_event(cli: &Cli) -> String {
    let events = cli.ok(&["event", "list"]);
    assert_eq!(
        events.as_array().map(Vec::len),
        Some(1),
        "one event: {events}"
    );
    events[0]["id"].as_str().expect("event id").to_owned()
}

fn search(cli: &Cli, event_id: &str, query: &str) -> Vec<Value> {
    cli.ok(&["search", "--event", event_id, query])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn workshop_stats(stand: &Stand) -> Value {
    let stats = stand.cli.ok(&["stats", "--event", &stand.event_id]);
    stats["sessions"]
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|s| s["session_id"] == stand.workshop_id.as_str())
        })
        .cloned()
        .unwrap_or_else(|| panic!("the workshop is in the stats: {stats}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a test file");
    path
}

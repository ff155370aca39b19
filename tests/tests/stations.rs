//! Public computers and the waiting list end to end in the real app (built
//! `escale-desktop` on Xvfb, driven through tauri-driver by test ids): two
//! stations added from the board's dialog; a person checked in at the desk
//! given one with F3, a purpose key and Enter, the board showing their
//! first name only; every station taken, the next person gets a ticket from
//! the same dialog; the board calls the next person (F8), an absent one
//! keeps their place once; the "next in line" display shows numbers and
//! first names; ending a session opens the help entry pre-filled. What the
//! app wrote is checked with the real `escale` CLI on the same data
//! directory.

use std::process::Command;

use escale_tests::cli::Cli;
use escale_tests::desktop::Desktop;
use escale_tests::ui::{assert_accessible, click, type_into, wait_count, LOAD, REACT};
use escale_tests::webdriver::{keys, Session};

/// Must match ui/src/lib/testIds.ts (checked below).
mod id {
    pub const EVENT_OPEN: &str = "event-open";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const DESK_RESULT: &str = "desk-result";
    pub const DESK_FEEDBACK: &str = "desk-feedback";
    pub const DESK_STATION: &str = "desk-station";
    pub const DESK_STATION_SAVED: &str = "desk-station-saved";
    pub const DESK_PRINT_QUOTA: &str = "desk-print-quota";
    pub const NAV_DESK: &str = "nav-desk";
    pub const NAV_STATIONS: &str = "nav-stations";
    pub const STATIONS_SCREEN: &str = "stations-screen";
    pub const STATIONS_EMPTY: &str = "stations-empty";
    pub const STATIONS_MANAGE_OPEN: &str = "stations-manage-open";
    pub const STATIONS_MANAGE: &str = "stations-manage";
    pub const MANAGE_NEW_NAME: &str = "manage-new-name";
    pub const MANAGE_ADD: &str = "manage-add";
    pub const MANAGE_ROW: &str = "manage-row";
    pub const MANAGE_CLOSE: &str = "manage-close";
    pub const STATION_CARD: &str = "station-card";
    pub const STATION_END: &str = "station-end";
    pub const STATIONS_FREE: &str = "stations-free";
    pub const STATIONS_BUSY: &str = "stations-busy";
    pub const STATIONS_DISPLAY: &str = "stations-display";
    pub const ASSIGN_DIALOG: &str = "assign-dialog";
    pub const ASSIGN_WHO: &str = "assign-who";
    pub const ASSIGN_STATIONS: &str = "assign-stations";
    pub const ASSIGN_FULL: &str = "assign-full";
    pub const ASSIGN_TICKET: &str = "assign-ticket";
    pub const QUEUE_TICKET: &str = "queue-ticket";
    pub const QUEUE_CALLED_NUMBER: &str = "queue-called-number";
    pub const QUEUE_CALLED_NAME: &str = "queue-called-name";
    pub const QUEUE_SKIP: &str = "queue-skip";
    pub const QUEUE_NOTICE: &str = "queue-notice";
    pub const NEXT_IN_LINE: &str = "next-in-line";
    pub const NEXT_CALLED_NUMBER: &str = "next-called-number";
    pub const NEXT_CALLED_NAME: &str = "next-called-name";
    pub const NEXT_WAITING: &str = "next-waiting";
    pub const MEDIATION_DIALOG: &str = "mediation-dialog";
    pub const MEDIATION_WHO: &str = "mediation-who";
    pub const MEDIATION_MINUTES: &str = "mediation-minutes";
    pub const MEDIATION_CANCEL: &str = "mediation-cancel";
    pub const ALL: [&str; 40] = [
        EVENT_OPEN,
        DESK_SEARCH,
        DESK_RESULT,
        DESK_FEEDBACK,
        DESK_STATION,
        DESK_STATION_SAVED,
        DESK_PRINT_QUOTA,
        NAV_DESK,
        NAV_STATIONS,
        STATIONS_SCREEN,
        STATIONS_EMPTY,
        STATIONS_MANAGE_OPEN,
        STATIONS_MANAGE,
        MANAGE_NEW_NAME,
        MANAGE_ADD,
        MANAGE_ROW,
        MANAGE_CLOSE,
        STATION_CARD,
        STATION_END,
        STATIONS_FREE,
        STATIONS_BUSY,
        STATIONS_DISPLAY,
        ASSIGN_DIALOG,
        ASSIGN_WHO,
        ASSIGN_STATIONS,
        ASSIGN_FULL,
        ASSIGN_TICKET,
        QUEUE_TICKET,
        QUEUE_CALLED_NUMBER,
        QUEUE_CALLED_NAME,
        QUEUE_SKIP,
        QUEUE_NOTICE,
        NEXT_IN_LINE,
        NEXT_CALLED_NUMBER,
        NEXT_CALLED_NAME,
        NEXT_WAITING,
        MEDIATION_DIALOG,
        MEDIATION_WHO,
        MEDIATION_MINUTES,
        MEDIATION_CANCEL,
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

/// Checks a person in at the desk by typing part of their name and Enter,
/// and waits until the desk welcomes them (not the person before).
fn check_in(app: &Session, query: &str, name: &str) {
    type_into(app, id::DESK_SEARCH, query);
    app.wait_for(id::DESK_RESULT, REACT)
        .unwrap_or_else(|e| panic!("{query} is found: {e}"));
    type_into(app, id::DESK_SEARCH, keys::ENTER);
    app.wait_for_text(id::DESK_FEEDBACK, REACT, |t| {
        t.contains(&format!("Bienvenue, {name}"))
    })
    .unwrap_or_else(|e| panic!("{name} is welcomed: {e}"));
}

/// F3 from the desk, then `keys` in the dialog.
fn give_station(app: &Session, keys_in_dialog: &[&str]) {
    type_into(app, id::DESK_SEARCH, keys::F3);
    app.wait_for(id::ASSIGN_DIALOG, REACT)
        .expect("F3 opens the station dialog for the person just checked in");
    for k in keys_in_dialog {
        app.focused().and_then(|e| e.send_keys(k)).unwrap();
    }
}

/// The text of the board's card for a station.
fn card_text(app: &Session, station: &str) -> Result<String, String> {
    for card in app.all_by_test_id(id::STATION_CARD)? {
        if card.attribute("data-station")?.as_deref() == Some(station) {
            return card.text();
        }
    }
    Err(format!("no card for {station}"))
}

#[test]
fn stations_are_given_from_the_desk_then_the_queue_is_called_and_shown_on_the_display() {
    if !Desktop::available("stations and the waiting list") {
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
        &format!("{today} 00:01"),
        "--end",
        &format!("{today} 23:59"),
    ]);
    let event_id = event["id"].as_str().unwrap().to_owned();
    let mut ids = vec![];
    for (first, last) in [
        ("Éloïse", "N'Diaye-Lefèvre"),
        ("Łukasz", "Kowalski"),
        ("Ömer", "Yılmaz"),
        ("Aïcha", "Benali"),
    ] {
        let v = cli.ok(&[
            "visitor", "add", "--event", &event_id, "--first", first, "--last", last,
        ]);
        ids.push(v["visitor"]["id"].as_str().unwrap().to_owned());
    }

    let app = desktop.open(&cli.data_dir()).expect("the app starts");
    app.wait_for(id::EVENT_OPEN, LOAD)
        .expect("the event is listed");
    click(&app, id::EVENT_OPEN);
    app.wait_for(id::DESK_SEARCH, LOAD).expect("the desk");

    // Two stations, added from the board's dialog.
    click(&app, id::NAV_STATIONS);
    app.wait_for(id::STATIONS_EMPTY, LOAD)
        .expect("the board says there is no station yet");
    click(&app, id::STATIONS_MANAGE_OPEN);
    app.wait_for(id::STATIONS_MANAGE, REACT).unwrap();
    for (n, name) in ["Poste 1", "Poste 2"].iter().enumerate() {
        type_into(&app, id::MANAGE_NEW_NAME, name);
        click(&app, id::MANAGE_ADD);
        wait_count(&app, id::MANAGE_ROW, n + 1, "a station is added");
    }
    assert_accessible(&app, "the stations and settings dialog");
    click(&app, id::MANAGE_CLOSE);
    wait_count(&app, id::STATION_CARD, 2, "both stations on the board");
    app.wait_for_text(id::STATIONS_FREE, REACT, |t| t == "2")
        .expect("two free stations");

    // At the desk: Łukasz checked in, F3, "2" (CV, cover letter), Enter.
    click(&app, id::NAV_DESK);
    app.wait_for(id::DESK_SEARCH, LOAD).unwrap();
    check_in(&app, "kowalski", "Łukasz Kowalski");
    app.wait_for_text(id::DESK_STATION, REACT, |t| {
        t.contains("Attribuer un poste")
    })
    .expect("the feedback offers a station");
    app.wait_for_text(id::DESK_PRINT_QUOTA, REACT, |t| t == "Impressions : 0 / 15")
        .expect("the person's print quota is shown");
    give_station(&app, &[]);
    assert_eq!(app.text_of(id::ASSIGN_WHO).unwrap(), "À Łukasz Kowalski");
    app.wait_for_text(id::ASSIGN_STATIONS, REACT, |t| t.contains("Poste 1"))
        .expect("the free stations are offered");
    assert_accessible(&app, "the station dialog at the desk");
    app.focused().and_then(|e| e.send_keys("2")).unwrap();
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for_text(id::DESK_STATION_SAVED, REACT, |t| {
        t.contains("Łukasz installé·e : Poste 1")
    })
    .expect("F3, 2, Enter gives him Poste 1");

    // Éloïse takes the other one with the default purpose: F3, Enter.
    check_in(&app, "ndiaye", "Éloïse N'Diaye-Lefèvre");
    give_station(&app, &[]);
    app.wait_for_text(id::ASSIGN_STATIONS, REACT, |t| t.contains("Poste 2"))
        .unwrap();
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for_text(id::DESK_STATION_SAVED, REACT, |t| {
        t.contains("Éloïse installé·e : Poste 2")
    })
    .expect("F3, Enter gives her Poste 2");

    // Every station taken: Ömer gets ticket 1 from the same dialog.
    check_in(&app, "yilmaz", "Ömer Yılmaz");
    give_station(&app, &[]);
    app.wait_for(id::ASSIGN_FULL, REACT)
        .expect("the dialog says every station is taken");
    assert_accessible(&app, "the station dialog offering the waiting list");
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for_text(id::ASSIGN_TICKET, REACT, |t| {
        t.contains("Ticket n° 1") && t.contains("Attente estimée : 45 min")
    })
    .expect("a ticket with the estimated wait");
    app.focused()
        .and_then(|e| e.send_keys(keys::ENTER))
        .unwrap();
    app.wait_for_text(id::DESK_STATION_SAVED, REACT, |t| {
        t.contains("Ticket n° 1 pour Ömer")
    })
    .expect("the desk says the ticket");

    let board = cli.ok(&["station", "list"]);
    let text = board.to_string();
    assert!(
        text.contains("Łukasz") && text.contains("cv_letter") && text.contains("Éloïse"),
        "the CLI sees both sessions: {board}"
    );
    // Aïcha joins the list from another desk (the CLI).
    cli.ok(&["station", "queue", "join", "--visitor", &ids[3]]);

    // The board: first names only, the list, F8 calls the next person.
    click(&app, id::NAV_STATIONS);
    app.wait_for(id::STATIONS_SCREEN, LOAD).unwrap();
    app.wait_for_text(id::STATIONS_BUSY, REACT, |t| t == "2")
        .expect("two stations in use");
    let poste1 = card_text(&app, "Poste 1").unwrap();
    assert!(
        poste1.contains("Łukasz") && poste1.contains("CV, lettre de motivation"),
        "Poste 1: {poste1}"
    );
    assert!(!poste1.contains("Kowalski"), "first name only: {poste1}");
    assert!(poste1.contains("45 min restantes"), "time left: {poste1}");
    wait_count(&app, id::QUEUE_TICKET, 2, "Ömer and Aïcha wait");
    app.focused().and_then(|e| e.send_keys(keys::F8)).unwrap();
    app.wait_for_text(id::QUEUE_CALLED_NAME, REACT, |t| t == "Ömer")
        .expect("F8 calls Ömer");
    assert_eq!(app.text_of(id::QUEUE_CALLED_NUMBER).unwrap(), "1");

    // Absent once: he keeps his place and Aïcha is called.
    click(&app, id::QUEUE_SKIP);
    app.wait_for_text(id::QUEUE_CALLED_NAME, REACT, |t| t == "Aïcha")
        .expect("the next person is called");
    app.wait_for_text(id::QUEUE_NOTICE, REACT, |t| {
        t.contains("garde sa place une fois")
    })
    .expect("the board says he keeps his place");
    assert_accessible(&app, "the station board and its waiting list");
    wait_count(
        &app,
        id::QUEUE_TICKET,
        1,
        "Ömer stays on the list under Aïcha, who is called",
    );

    // The "next in line" display: Aïcha called, Ömer next; no surname.
    click(&app, id::STATIONS_DISPLAY);
    app.wait_for(id::NEXT_IN_LINE, REACT).unwrap();
    assert_eq!(app.text_of(id::NEXT_CALLED_NUMBER).unwrap(), "2");
    assert_eq!(app.text_of(id::NEXT_CALLED_NAME).unwrap(), "Aïcha");
    let next = app.texts(id::NEXT_WAITING).unwrap();
    assert_eq!(next.len(), 1, "{next:?}");
    assert!(
        next[0].contains('1') && next[0].contains("Ömer"),
        "{next:?}"
    );
    assert_accessible(&app, "the next-in-line display");
    let shown = app.text_of(id::NEXT_IN_LINE).unwrap();
    for surname in ["Benali", "Yılmaz", "Kowalski"] {
        assert!(
            !shown.contains(surname),
            "no surname on the public screen: {shown}"
        );
    }
    app.focused()
        .and_then(|e| e.send_keys(keys::ESCAPE))
        .unwrap();
    app.wait_gone(id::NEXT_IN_LINE, REACT)
        .expect("Esc leaves the display");

    // Ending Łukasz's session opens the help entry, pre-filled.
    let ends = app.all_by_test_id(id::STATION_END).unwrap();
    ends[0].click().unwrap();
    app.wait_for(id::MEDIATION_DIALOG, REACT)
        .expect("ending offers the help entry");
    assert_eq!(app.text_of(id::MEDIATION_WHO).unwrap(), "À Łukasz");
    let minutes = app
        .by_test_id(id::MEDIATION_MINUTES)
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(minutes, "1", "the minutes used (at least one)");
    click(&app, id::MEDIATION_CANCEL);
    app.wait_gone(id::MEDIATION_DIALOG, REACT).unwrap();
    app.wait_for_text(id::STATIONS_FREE, REACT, |t| t == "1")
        .expect("Poste 1 is free again");
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(&id::ALL);
}

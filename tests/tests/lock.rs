//! Staff accounts and the lock on the real desktop app (WebDriver): a laptop
//! with accounts opens on the lock screen with nothing personal in the page
//! and refuses its commands over IPC; unlocked, the desk shows people; the
//! status bar's button and Ctrl+L lock again at once (the desk leaves the
//! page, the commands are refused again); a volunteer sees no list; and the
//! app locks itself after the idle delay.
//!
//! The accounts are made with the `escale` CLI, as a coordinator would on a
//! laptop prepared at the office. The idle delay is shortened for the test
//! with `ESCALE_IDLE_LOCK_SECONDS` (tests only: the UI never locks later
//! than the organisation's minutes, see docs/lock-screen.md).

use std::time::{Duration, Instant};

use escale_tests::cli::Cli;
use escale_tests::desktop::{self, Desktop};
use escale_tests::ui::{click, type_into, LOAD, REACT};
use escale_tests::webdriver::{keys, Session};
use serde_json::{json, Value};

/// Must match ui/src/lib/testIds.ts.
mod id {
    pub const LOCK_SCREEN: &str = "lock-screen";
    pub const LOCK_NAME: &str = "lock-name";
    pub const LOCK_PIN: &str = "lock-pin";
    pub const LOCK_ERROR: &str = "lock-error";
    pub const STATUS_LOCK: &str = "status-lock";
    pub const STATUS_SIGNED_IN: &str = "status-signed-in";
    pub const EVENTS_SCREEN: &str = "events-screen";
    pub const EVENT_OPEN: &str = "event-open";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const DESK_RESULT: &str = "desk-result";
    pub const NAV_DESK: &str = "nav-desk";
    pub const NAV_REGISTRATIONS: &str = "nav-registrations";
    pub const NAV_EXPORT: &str = "nav-export";
    pub const NAV_ORG: &str = "nav-org";
    pub const ALL: [&str; 14] = [
        LOCK_SCREEN,
        LOCK_NAME,
        LOCK_PIN,
        LOCK_ERROR,
        STATUS_LOCK,
        STATUS_SIGNED_IN,
        EVENTS_SCREEN,
        EVENT_OPEN,
        DESK_SEARCH,
        DESK_RESULT,
        NAV_DESK,
        NAV_REGISTRATIONS,
        NAV_EXPORT,
        NAV_ORG,
    ];
}

/// The people of the stand: names found nowhere else in the app's page.
const PEOPLE: [(&str, &str); 2] = [("Rosalind", "Quimperlé"), ("Ysolde", "Kerhervé")];

const VOLUNTEER: (&str, &str) = ("Vera", "2468");

/// A laptop set up with the CLI: one event, two walk-ins, then the staff
/// accounts — Camille, the coordinator (the harness's), and Vera, a
/// volunteer — as a coordinator makes them. Returns the CLI and the event.
fn laptop_with_accounts() -> (Cli, String) {
    let cli = Cli::initialised();
    let event = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum emploi de Quimper",
        "--start",
        "2030-03-14 09:00",
        "--end",
        "2030-03-14 17:00",
    ]);
    let event_id = event["id"].as_str().expect("event id").to_owned();
    for (first, last) in PEOPLE {
        cli.ok(&[
            "visitor", "add", "--event", &event_id, "--first", first, "--last", last,
        ]);
    }
    let (name, pin) = desktop::COORDINATOR;
    let run = cli.run_with(
        &["--json", "staff", "add", name, "--role", "coordinator"],
        &[("ESCALE_NEW_PIN", pin)],
    );
    assert_eq!(run.code, 0, "the first account: {}", run.stdout);
    let run = cli.run_with(
        &["--json", "staff", "add", VOLUNTEER.0, "--role", "volunteer"],
        &[
            ("ESCALE_AS", name),
            ("ESCALE_PIN", pin),
            ("ESCALE_NEW_PIN", VOLUNTEER.1),
        ],
    );
    assert_eq!(
        run.code, 0,
        "a coordinator adds a volunteer: {}",
        run.stdout
    );
    let run = cli.run(&["--json", "event", "list"]);
    assert_eq!(
        run.error_code(),
        "auth.locked",
        "from now on the CLI too needs someone signed in"
    );
    (cli, event_id)
}

/// The people's names found in the page's markup.
fn people_in_page(app: &Session) -> Vec<&'static str> {
    let page = app.page_source().expect("the page source");
    PEOPLE
        .iter()
        .flat_map(|(first, last)| [*first, *last])
        .filter(|n| page.contains(n))
        .collect()
}

/// A command through the app's IPC, as the UI sends it: `Err(code)` when refused.
fn invoke(app: &Session, command: &str, args: Value) -> Result<Value, String> {
    app.invoke(command, args)
        .expect("the IPC answers")
        .map_err(|e| e["code"].as_str().unwrap_or_default().to_owned())
}

fn search_args(event: &str, query: &str) -> Value {
    json!({"eventId": event, "query": query, "limit": 5, "sessionId": null})
}

/// Types in the desk's search box and returns the results' text.
fn search(app: &Session, query: &str) -> Vec<String> {
    let search_box = app
        .wait_for(id::DESK_SEARCH, REACT)
        .expect("the search box");
    search_box.clear().expect("the box empties");
    type_into(app, id::DESK_SEARCH, query);
    escale_tests::wait_until(REACT, || {
        let found = app.texts(id::DESK_RESULT)?;
        Ok((!found.is_empty()).then_some(found))
    })
    .unwrap_or_else(|e| panic!("typing {query:?} shows results: {e}"))
}

fn start_desktop(what: &str, env: &[(&str, &str)]) -> Option<Desktop> {
    if !Desktop::available(what) {
        return None;
    }
    Some(Desktop::start_with_env(env).expect("Xvfb and tauri-driver start"))
}

#[test]
fn a_laptop_with_accounts_opens_locked_and_locks_again_with_nothing_personal_in_the_page() {
    let Some(desktop) = start_desktop("the lock screen", &[]) else {
        return;
    };
    let (cli, event) = laptop_with_accounts();
    let app = desktop
        .open_locked(&cli.data_dir())
        .expect("the app starts");

    // Locked: the staff names, no visitor, and the commands refused.
    assert_eq!(
        desktop::wait_started(&app).expect("the app loads"),
        id::LOCK_SCREEN,
        "a laptop with staff accounts opens on the lock screen"
    );
    let names = escale_tests::wait_until(REACT, || {
        let n = app
            .all_by_test_id(id::LOCK_NAME)?
            .iter()
            .map(|b| b.attribute("data-name").map(Option::unwrap_or_default))
            .collect::<Result<Vec<String>, String>>()?;
        Ok((n.len() == 2).then_some(n))
    })
    .expect("the lock screen lists the staff");
    assert_eq!(names, vec!["Camille", "Vera"]);
    assert_eq!(
        people_in_page(&app),
        Vec::<&str>::new(),
        "nothing personal in the page"
    );
    assert_eq!(
        invoke(&app, "list_events", json!({})),
        Err("auth.locked".into())
    );
    assert_eq!(
        invoke(&app, "search", search_args(&event, "quimperle")),
        Err("auth.locked".into()),
        "nothing personal through IPC either"
    );

    // A wrong PIN, then the right one.
    click(&app, id::LOCK_NAME);
    type_into(&app, id::LOCK_PIN, &format!("0000{}", keys::ENTER));
    app.wait_for_text(id::LOCK_ERROR, REACT, |t| t == "Nom ou code PIN incorrect.")
        .expect("a wrong PIN is said so");
    type_into(
        &app,
        id::LOCK_PIN,
        &format!("{}{}", desktop::COORDINATOR.1, keys::ENTER),
    );
    app.wait_gone(id::LOCK_SCREEN, LOAD)
        .expect("the right PIN unlocks");
    app.wait_for_text(id::STATUS_SIGNED_IN, REACT, |t| {
        t.contains("Camille") && t.contains("Coordination")
    })
    .expect("the status bar says who is signed in");
    click(&app, id::EVENT_OPEN);
    let found = search(&app, "quimperle");
    assert!(found[0].contains("Rosalind Quimperlé"), "{found:?}");
    assert!(app.page_source().unwrap().contains("Quimperlé"));

    // The status bar's button locks at once: the desk leaves the page.
    let started = Instant::now();
    click(&app, id::STATUS_LOCK);
    app.wait_for(id::LOCK_SCREEN, REACT)
        .expect("the lock screen");
    assert_eq!(
        people_in_page(&app),
        Vec::<&str>::new(),
        "the desk is gone, not hidden"
    );
    assert_eq!(
        invoke(&app, "search", search_args(&event, "quimperle")),
        Err("auth.locked".into()),
        "the app is locked, not only its window"
    );

    // Switching user takes two seconds: Vera, a volunteer.
    desktop::unlock_as(&app, VOLUNTEER.0, VOLUNTEER.1).expect("Vera unlocks");
    let switched = started.elapsed();
    assert!(
        switched < Duration::from_secs(10),
        "switching user took {switched:?}"
    );
    app.wait_for_text(id::STATUS_SIGNED_IN, REACT, |t| {
        t.contains("Vera") && t.contains("Bénévole")
    })
    .expect("the status bar names her and her role");
    app.wait_for(id::DESK_SEARCH, LOAD)
        .expect("she is back on the desk");
    for hidden in [id::NAV_REGISTRATIONS, id::NAV_EXPORT, id::NAV_ORG] {
        assert!(
            app.try_by_test_id(hidden).unwrap().is_none(),
            "a volunteer is not offered {hidden}"
        );
    }
    assert!(app.try_by_test_id(id::NAV_DESK).unwrap().is_some());
    let found = search(&app, "kerherve");
    assert!(
        found[0].contains("Ysolde Kerhervé"),
        "she searches the event: {found:?}"
    );
    let filter = json!({"show": "all", "session_id": null, "query": "", "sort": "name", "offset": 0, "limit": 10});
    assert_eq!(
        invoke(
            &app,
            "registrations",
            json!({"eventId": event, "filter": filter})
        ),
        Err("auth.forbidden".into()),
        "the core refuses her the list, whatever the page shows"
    );

    // Ctrl+L locks from the keyboard.
    type_into(&app, id::DESK_SEARCH, &format!("{}l", keys::CONTROL));
    app.wait_for(id::LOCK_SCREEN, REACT).expect("Ctrl+L locks");
    assert_eq!(people_in_page(&app), Vec::<&str>::new());
    assert_eq!(
        invoke(&app, "list_events", json!({})),
        Err("auth.locked".into())
    );
}

#[test]
fn the_app_locks_itself_after_the_idle_delay() {
    let Some(desktop) = start_desktop("the idle lock", &[("ESCALE_IDLE_LOCK_SECONDS", "6")]) else {
        return;
    };
    let (cli, _event) = laptop_with_accounts();
    // The organisation's delay is a minute; the test's, six seconds.
    let run = cli.run_with(
        &["--json", "staff", "lock-minutes", "1"],
        &[
            ("ESCALE_AS", desktop::COORDINATOR.0),
            ("ESCALE_PIN", desktop::COORDINATOR.1),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let app = desktop
        .open(&cli.data_dir())
        .expect("the app starts, unlocked");
    click(&app, id::EVENT_OPEN);
    search(&app, "quimperle");
    let idle_from = Instant::now();
    app.wait_for(id::LOCK_SCREEN, Duration::from_secs(20))
        .expect("the app locks itself when nobody uses it");
    let after = idle_from.elapsed();
    assert!(
        after >= Duration::from_secs(4),
        "not before the delay: {after:?}"
    );
    assert_eq!(people_in_page(&app), Vec::<&str>::new());
    assert_eq!(
        invoke(&app, "list_events", json!({})),
        Err("auth.locked".into()),
        "the UI locked the app, not only the screen"
    );
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(&id::ALL);
    escale_tests::ui::assert_test_ids_exist(&[
        "lock-screen",
        "lock-name",
        "lock-pin",
        "first-run-form",
        "first-account-form",
        "first-account-name",
        "first-account-pin",
        "first-account-pin2",
    ]);
}

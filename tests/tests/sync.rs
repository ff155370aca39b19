//! End-to-end tests of sync in the real app: two `escale-desktop`
//! instances side by side (separate data directories, separate WebKit
//! storage, one Xvfb display), each working while it cannot reach the
//! other, then converging — through a real `escale hub serve` that was
//! down and comes back, and through a stand peer with no hub at all.
//! Elements are found only by `data-testid`; what each laptop stored is
//! checked with the real `escale` CLI on its data directory.
//!
//! Needs what tests/tests/desk.rs needs (Xvfb, tauri-driver,
//! WebKitWebDriver, the built binaries); with CI=true their absence fails.

use std::time::Duration;

use escale_tests::cli::Cli;
use escale_tests::desktop::Desktop;
use escale_tests::hub::Hub;
use escale_tests::paths;
use escale_tests::ui::{click, set_value, type_into, wait_counter, wait_counter_for, LOAD, REACT};
use escale_tests::webdriver::{keys, Session};
use serde_json::Value;

/// Must match ui/src/lib/testIds.ts (checked by the last test).
mod id {
    pub const NAV_SYNC: &str = "nav-sync";
    pub const SYNC_URL: &str = "sync-url";
    pub const SYNC_CODE: &str = "sync-code";
    pub const SYNC_ENROLL: &str = "sync-enroll";
    pub const SYNC_STATE: &str = "sync-state";
    pub const PEER_SHARE: &str = "peer-share";
    pub const PEER_CODE: &str = "peer-code";
    pub const PEER_JOIN_CODE: &str = "peer-join-code";
    pub const PEER_JOIN: &str = "peer-join";
    pub const PEER_RESULT: &str = "peer-result";
    pub const STATUS_ONLINE: &str = "status-online";
    pub const STATUS_UNSYNCED: &str = "status-unsynced";
    pub const NAV_DESK: &str = "nav-desk";
    pub const NAV_EVENTS: &str = "nav-events";
    pub const EVENTS_SCREEN: &str = "events-screen";
    pub const EVENT_OPEN: &str = "event-open";
    pub const DESK_SEARCH: &str = "desk-search";
    pub const DESK_RESULT: &str = "desk-result";
    pub const DESK_FEEDBACK: &str = "desk-feedback";
    pub const DESK_WALK_IN: &str = "desk-walk-in";
    pub const COUNTER_ARRIVED: &str = "counter-arrived";
    pub const COUNTER_EXPECTED: &str = "counter-expected";
    pub const COUNTER_WALK_INS: &str = "counter-walk-ins";
    pub const WALK_IN_FORM: &str = "walk-in-form";
    pub const WALK_IN_FIRST_NAME: &str = "walk-in-first-name";
    pub const WALK_IN_LAST_NAME: &str = "walk-in-last-name";
    pub const WALK_IN_EMAIL: &str = "walk-in-email";
    pub const WALK_IN_CONSENT: &str = "walk-in-consent";

    pub const ALL: &[&str] = &[
        NAV_SYNC,
        SYNC_URL,
        SYNC_CODE,
        SYNC_ENROLL,
        SYNC_STATE,
        PEER_SHARE,
        PEER_CODE,
        PEER_JOIN_CODE,
        PEER_JOIN,
        PEER_RESULT,
        STATUS_ONLINE,
        STATUS_UNSYNCED,
        NAV_DESK,
        NAV_EVENTS,
        EVENTS_SCREEN,
        EVENT_OPEN,
        DESK_SEARCH,
        DESK_RESULT,
        DESK_FEEDBACK,
        DESK_WALK_IN,
        COUNTER_ARRIVED,
        COUNTER_EXPECTED,
        COUNTER_WALK_INS,
        WALK_IN_FORM,
        WALK_IN_FIRST_NAME,
        WALK_IN_LAST_NAME,
        WALK_IN_EMAIL,
        WALK_IN_CONSENT,
    ];
}

/// How long a laptop may take to notice the hub is back: its background
/// task retries with backoff (capped short for the test by the env below).
const CONVERGE: Duration = Duration::from_secs(60);

/// The app's background sync, made brisk for the test: a pull every
/// second and a short backoff cap, so "the hub comes back" is seen quickly.
const SYNC_ENV: &[(&str, &str)] = &[
    ("ESCALE_SYNC_INTERVAL_MS", "1000"),
    ("ESCALE_SYNC_MAX_BACKOFF_MS", "2000"),
    // Stand peers find each other by mDNS on loopback only.
    ("ESCALE_MDNS_INTERFACE", "lo"),
];

/// Three pre-registrations as French Excel saves them.
const PRE_REGISTRATIONS_CSV: &str = "\u{feff}Prénom;Nom;E-mail\r\n\
    Marie;Dupont;marie.dupont@example.org\r\n\
    Jean-Pierre;Martin;jp.martin@example.org\r\n\
    Łukasz;Nowak;lukasz@example.org\r\n";

// ---------------------------------------------------------------- the tests

#[test]
fn two_laptops_work_while_the_hub_is_down_and_show_the_same_counts_when_it_returns() {
    let Some(desktop) = start_desktop("two laptops and a hub") else {
        return;
    };
    let hub = Hub::create("Passerelle Numérique");
    let running = hub.start();

    // Laptop A was prepared at the office: the event, its registrations,
    // enrolled with the hub and synced (so the hub has the event).
    let a = prepared_laptop("Portable accueil A");
    a.ok(&["sync", "enroll", &hub.url(), &hub.enrolment_code()]);
    a.ok(&["sync", "now"]);
    // Laptop B is new: named, then enrolled from the app's sync screen.
    let b = Cli::new();
    b.ok(&[
        "init",
        "--org",
        "Passerelle Numérique",
        "--device",
        "Portable accueil B",
    ]);

    let app_a = desktop.open(&a.data_dir()).expect("laptop A's app starts");
    let second = desktop.another().expect("a second driver starts");
    let app_b = second.open(&b.data_dir()).expect("laptop B's app starts");
    wait_online(&app_a, true, "A is enrolled and the hub is up");

    click(&app_b, id::NAV_SYNC);
    set_value(&app_b, id::SYNC_URL, &hub.url());
    set_value(&app_b, id::SYNC_CODE, &hub.enrolment_code());
    click(&app_b, id::SYNC_ENROLL);
    wait_online(&app_b, true, "B enrolled from the sync screen");
    assert_eq!(
        b.ok(&["event", "list"]).as_array().map(Vec::len),
        Some(1),
        "B pulled A's event right after enrolling"
    );

    // No event chosen yet on B: the events list, where A's event now is.
    click(&app_b, id::NAV_EVENTS);
    open_only_event(&app_a);
    open_only_event(&app_b);
    for app in [&app_a, &app_b] {
        wait_counter(
            app,
            id::COUNTER_EXPECTED,
            "3",
            "both laptops expect the three pre-registered",
        );
        wait_counter(app, id::COUNTER_ARRIVED, "0", "nobody has arrived yet");
    }

    // The hub goes down; the desks carry on.
    drop(running);
    wait_online(&app_a, false, "A notices the hub is gone");
    wait_online(&app_b, false, "B notices the hub is gone");

    walk_in(&app_a, "Éloïse", "N'Diaye-Lefèvre", "eloise@example.org");
    check_in(&app_a, "marie dup", "Marie Dupont");
    wait_counter(&app_a, id::COUNTER_ARRIVED, "2", "A: the walk-in and Marie");

    walk_in(&app_b, "Yasmine", "Haddad", "yasmine.h@example.org");
    // Marie is scanned on B too: one person, one arrival once merged.
    check_in(&app_b, "marie dup", "Marie Dupont");
    check_in(&app_b, "jean-pierre", "Jean-Pierre Martin");
    wait_counter(
        &app_b,
        id::COUNTER_ARRIVED,
        "3",
        "B: its walk-in, Marie and Jean-Pierre",
    );
    for app in [&app_a, &app_b] {
        let unsynced = app.text_of(id::STATUS_UNSYNCED).expect("the status bar");
        assert!(
            unsynced.contains("à synchroniser"),
            "while the hub is down, the status bar counts what is waiting: {unsynced:?}"
        );
    }

    // The hub comes back on the same address: both laptops catch up by themselves.
    let _running = hub.start();
    for (app, name) in [(&app_a, "A"), (&app_b, "B")] {
        wait_counter_for(
            app,
            id::COUNTER_ARRIVED,
            "4",
            CONVERGE,
            &format!("{name} shows every arrival, Marie once"),
        );
        wait_counter_for(
            app,
            id::COUNTER_WALK_INS,
            "2",
            CONVERGE,
            &format!("{name} shows both walk-ins"),
        );
        wait_counter(
            app,
            id::COUNTER_EXPECTED,
            "3",
            "the pre-registered count is unchanged",
        );
        wait_online(app, true, &format!("{name} is back online"));
        app.wait_for_text(id::STATUS_UNSYNCED, CONVERGE, |t| {
            t == "Tout est synchronisé"
        })
        .unwrap_or_else(|e| panic!("{name} has nothing left to send: {e}"));
    }

    // What the two laptops stored is the same, as the CLI reads it.
    let event = only_event(&a);
    let (sa, sb) = (stats(&a, &event), stats(&b, &event));
    assert_eq!(sa["arrived"], 4, "A's store: {sa}");
    assert_eq!(sa, sb, "both laptops' stores give the same figures");
}

#[test]
fn two_stand_peers_without_a_hub_exchange_what_each_did_and_show_the_same_counts() {
    let Some(desktop) = start_desktop("two stand peers") else {
        return;
    };
    if !escale_tests::tools::loopback_multicast("two stand peers") {
        return;
    }
    // A holds the event; B joined A's organisation on the stand this
    // morning (CLI: `peer share` on A, `peer join` on B), then they worked apart.
    let a = prepared_laptop("Portable accueil A");
    let b = Cli::new();
    first_pairing(&a, &b);
    let event = only_event(&b);

    let app_a = desktop.open(&a.data_dir()).expect("laptop A's app starts");
    let second = desktop.another().expect("a second driver starts");
    let app_b = second.open(&b.data_dir()).expect("laptop B's app starts");
    open_only_event(&app_a);
    open_only_event(&app_b);

    walk_in(&app_a, "Éloïse", "N'Diaye-Lefèvre", "eloise@example.org");
    check_in(&app_a, "marie dup", "Marie Dupont");
    walk_in(&app_b, "Yasmine", "Haddad", "yasmine.h@example.org");
    check_in(&app_b, "marie dup", "Marie Dupont");
    check_in(&app_b, "jean-pierre", "Jean-Pierre Martin");
    wait_counter(&app_a, id::COUNTER_ARRIVED, "2", "A before the exchange");
    wait_counter(&app_b, id::COUNTER_ARRIVED, "3", "B before the exchange");

    // A shares from its sync screen; B types the code A shows.
    click(&app_a, id::NAV_SYNC);
    click(&app_a, id::PEER_SHARE);
    let code = app_a
        .wait_for_text(id::PEER_CODE, LOAD, |t| {
            t.chars().filter(char::is_ascii_digit).count() >= 6
        })
        .expect("A shows a pairing code");
    click(&app_b, id::NAV_SYNC);
    set_value(&app_b, id::PEER_JOIN_CODE, &code);
    click(&app_b, id::PEER_JOIN);
    app_b
        .wait_for(id::PEER_RESULT, CONVERGE)
        .expect("B reports the exchange with A");

    click(&app_a, id::NAV_DESK);
    click(&app_b, id::NAV_DESK);
    for (app, name) in [(&app_a, "A"), (&app_b, "B")] {
        wait_counter_for(
            app,
            id::COUNTER_ARRIVED,
            "4",
            CONVERGE,
            &format!("{name} shows every arrival, Marie once"),
        );
        wait_counter(
            app,
            id::COUNTER_WALK_INS,
            "2",
            &format!("{name} shows both walk-ins"),
        );
    }
    let (sa, sb) = (stats(&a, &event), stats(&b, &event));
    assert_eq!(sa["arrived"], 4, "A's store: {sa}");
    assert_eq!(sa, sb, "both peers' stores give the same figures");
    assert_eq!(
        a.op_count(),
        b.op_count(),
        "both peers hold the same operations"
    );
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    escale_tests::ui::assert_test_ids_exist(id::ALL);
}

// ---------------------------------------------------------------- helpers

fn start_desktop(what: &str) -> Option<Desktop> {
    if !Desktop::available(what) {
        return None;
    }
    Some(Desktop::start_with_env(SYNC_ENV).expect("Xvfb and tauri-driver start"))
}

/// A laptop with one event and three imported pre-registrations.
fn prepared_laptop(device: &str) -> Cli {
    let cli = Cli::new();
    cli.ok(&["init", "--org", "Passerelle Numérique", "--device", device]);
    let event = cli.ok(&[
        "event",
        "create",
        "--title",
        "Forum emploi de Villeneuve",
        "--start",
        "2030-03-14 09:00",
        "--end",
        "2030-03-14 17:00",
    ]);
    let event_id = event["id"].as_str().expect("event id").to_owned();
    let csv = cli.root().join("inscrits.csv");
    std::fs::write(&csv, PRE_REGISTRATIONS_CSV).unwrap();
    cli.ok(&["import", "--event", &event_id, &csv.display().to_string()]);
    cli
}

/// `peer share --once` on `a`, `peer join CODE` on the empty `b`.
fn first_pairing(a: &Cli, b: &Cli) {
    use std::io::{BufRead, BufReader};
    let mut share = std::process::Command::new(paths::binary("escale"))
        .args(["--json", "--data-dir"])
        .arg(a.data_dir())
        .args(["peer", "share", "--once", "--no-mdns", "--timeout", "60"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("escale peer share starts");
    let mut first = String::new();
    BufReader::new(share.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let shared: Value =
        serde_json::from_str(&first).expect("peer share prints its code as JSON first");
    let code = shared["data"]["code"]
        .as_str()
        .expect("a pairing code")
        .to_owned();
    let port = shared["data"]["port"].as_u64().expect("the sharing port");
    let addr = format!("127.0.0.1:{port}");
    b.ok(&[
        "peer",
        "join",
        &code,
        "--address",
        &addr,
        "--name",
        "Portable accueil B",
    ]);
    assert!(
        share.wait().unwrap().success(),
        "peer share --once ends after one exchange"
    );
}

fn wait_online(app: &Session, online: bool, why: &str) {
    let want = if online { "En ligne" } else { "Hors ligne" };
    app.wait_for_text(id::STATUS_ONLINE, CONVERGE, |t| t.contains(want))
        .unwrap_or_else(|e| panic!("{why}: the status bar should say {want:?}: {e}"));
}

fn open_only_event(app: &Session) {
    app.wait_for(id::EVENTS_SCREEN, LOAD)
        .expect("the app shows the events list");
    click(app, id::EVENT_OPEN);
    app.wait_for(id::DESK_SEARCH, LOAD)
        .expect("opening the event shows the desk");
}

fn walk_in(app: &Session, first: &str, last: &str, email: &str) {
    click(app, id::DESK_WALK_IN);
    app.wait_for(id::WALK_IN_FORM, REACT)
        .expect("the walk-in form opens");
    type_into(app, id::WALK_IN_FIRST_NAME, first);
    type_into(app, id::WALK_IN_LAST_NAME, last);
    type_into(app, id::WALK_IN_EMAIL, email);
    click(app, id::WALK_IN_CONSENT);
    type_into(app, id::WALK_IN_EMAIL, keys::ENTER);
    app.wait_gone(id::WALK_IN_FORM, REACT)
        .expect("a valid walk-in closes the form");
    wait_feedback(app, "welcome", first);
}

/// Types `query`, waits for `name` as the first result, Enter.
fn check_in(app: &Session, query: &str, name: &str) {
    type_into(app, id::DESK_SEARCH, query);
    app.wait_for_text(id::DESK_RESULT, REACT, |t| t.starts_with(name))
        .unwrap_or_else(|e| panic!("typing {query:?} finds {name} first: {e}"));
    type_into(app, id::DESK_SEARCH, keys::ENTER);
    wait_feedback(app, "welcome", name);
}

fn wait_feedback(app: &Session, kind: &str, name: &str) {
    escale_tests::wait_until(REACT, || {
        let panel = app.by_test_id(id::DESK_FEEDBACK)?;
        let shown = panel.attribute("data-kind")?.unwrap_or_default();
        let text = panel.text()?;
        Ok((shown == kind && text.contains(name)).then_some(()))
    })
    .unwrap_or_else(|e| panic!("expected a {kind} feedback with {name:?}: {e}"));
}

fn only_event(cli: &Cli) -> String {
    let events = cli.ok(&["event", "list"]);
    events[0]["id"].as_str().expect("one event").to_owned()
}

fn stats(cli: &Cli, event: &str) -> Value {
    cli.ok(&["stats", "--event", event])
}

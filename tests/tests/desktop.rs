//! Smoke test of the real desktop app: the built `escale-desktop` binary runs
//! on a private Xvfb display and is driven through `tauri-driver`
//! (WebKitWebDriver underneath), exactly as a person would see it.
//!
//! Needs: `cargo build -p escale-desktop` beforehand (`make test` does it),
//! and Xvfb, tauri-driver and WebKitWebDriver on PATH (`make deps`).

use std::process::{Command, Stdio};
use std::time::Duration;

use escale_tests::display::VirtualDisplay;
use escale_tests::process::{free_port, wait_for_port, ChildGuard};
use escale_tests::webdriver::Session;
use escale_tests::{paths, tools};

/// Must match ui/src/lib/testIds.ts.
mod test_id {
    pub const VERSION: &str = "app-version";
    pub const DATA_DIR: &str = "app-data-dir";
    pub const SUBTITLE: &str = "app-subtitle";
    pub const LANGUAGE_TOGGLE: &str = "language-toggle";
    pub const STORE: &str = "app-store";
    pub const ALL: [&str; 5] = [VERSION, DATA_DIR, SUBTITLE, LANGUAGE_TOGGLE, STORE];
}

const SUBTITLE_FR: &str = "Accueil du point numérique itinérant";
const SUBTITLE_EN: &str = "Itinerant digital-centre front desk";
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn the_window_shows_version_and_data_dir_and_switches_to_english() {
    if !tools::require(
        "desktop smoke test",
        &["Xvfb", "tauri-driver", "WebKitWebDriver"],
        "make deps (Debian: xvfb, webkit2gtk-driver; cargo install tauri-driver)",
    ) {
        return;
    }
    let app = paths::binary("escale-desktop");
    assert!(
        app.is_file(),
        "{} is missing: build the shell first with `cargo build -p escale-desktop` (make test does)",
        app.display()
    );

    let data_dir = tempfile::tempdir().expect("a temp dir for the app's data");
    // The CLI sets the laptop up in the same directory: the app must find
    // the same embedded store.
    let cli = Command::new(paths::binary("escale"))
        .args([
            "--data-dir",
            &data_dir.path().display().to_string(),
            "init",
            "--org",
            "Passerelle Numérique",
            "--device",
            "Portable 1",
        ])
        .output()
        .expect("the escale CLI runs");
    assert!(
        cli.status.success(),
        "escale init: {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    // Staff accounts: the coordinator's, so the app opens on the lock screen
    // (the shared harness's one place, escale_tests::desktop).
    escale_tests::desktop::prepare_staff(data_dir.path()).expect("the coordinator's account");
    let display = VirtualDisplay::start(1280, 800).expect("Xvfb starts on a free display");
    let port = free_port();
    let native_port = std::iter::repeat_with(free_port)
        .find(|&p| p != port)
        .expect("a second port");
    let mut driver = ChildGuard::spawn_group(
        "tauri-driver",
        Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", display.display())
            // No accessibility bus under Xvfb; without this WebKit waits for it.
            .env("NO_AT_BRIDGE", "1")
            .env("ESCALE_DATA_DIR", data_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
    )
    .expect("tauri-driver starts");
    wait_for_port(port, &mut driver, WAIT).expect("tauri-driver listens");
    // tauri-driver accepts connections before WebKitWebDriver is up; a session
    // requested in between is dropped.
    wait_for_port(native_port, &mut driver, WAIT).expect("WebKitWebDriver listens");

    let session = Session::tauri(port, &app).expect("tauri-driver launches the app");
    escale_tests::desktop::unlock(&session).expect("the lock screen lets the coordinator in");

    let version = session
        .wait_for_text(test_id::VERSION, WAIT, |text| !text.is_empty())
        .expect("the version appears once app_info answered");
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "the UI shows the version the Rust side reports"
    );

    let shown_dir = session
        .wait_for_text(test_id::DATA_DIR, WAIT, |text| !text.is_empty())
        .expect("the data directory appears");
    assert_eq!(
        shown_dir,
        data_dir.path().display().to_string(),
        "ESCALE_DATA_DIR given to the app is the directory it reports"
    );
    assert!(data_dir.path().is_dir(), "the app keeps its data directory");
    let store = session
        .wait_for_text(test_id::STORE, WAIT, |text| !text.is_empty())
        .expect("the store summary appears");
    assert_eq!(
        store, "Passerelle Numérique · Portable 1 — 3 opérations enregistrées",
        "the app reads the SQLite store the CLI initialised (and gave the coordinator's account)"
    );

    let subtitle = session
        .by_test_id(test_id::SUBTITLE)
        .and_then(|e| e.text())
        .expect("subtitle");
    assert_eq!(subtitle, SUBTITLE_FR, "the app starts in French");

    session
        .by_test_id(test_id::LANGUAGE_TOGGLE)
        .and_then(|e| e.click())
        .expect("the toggle clicks");
    session
        .wait_for_text(test_id::SUBTITLE, Duration::from_secs(5), |text| {
            text == SUBTITLE_EN
        })
        .expect("the toggle switches the page to English");

    // Close the app before the driver and the display go away (reverse order of drops).
    drop(session);
}

#[test]
fn the_test_ids_used_here_exist_in_the_ui_list() {
    let path = paths::workspace_root().join("ui/src/lib/testIds.ts");
    let list = std::fs::read_to_string(&path).expect("ui/src/lib/testIds.ts is readable");
    for id in test_id::ALL {
        assert!(
            list.contains(&format!("'{id}'")),
            "{id} is not in {}: the UI renamed a test id this test relies on",
            path.display()
        );
    }
}

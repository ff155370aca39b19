//! A real browser engine for the hub's web pages: WebKit's MiniBrowser,
//! driven through WebKitWebDriver on a private Xvfb display.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::display::VirtualDisplay;
use crate::process::{free_port, wait_for_port, ChildGuard};
use crate::webdriver::Session;

/// Where Debian's libwebkit2gtk-4.1 puts MiniBrowser.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// Xvfb, WebKitWebDriver and one MiniBrowser session; all stopped on drop
/// (the session first).
pub struct Browser {
    pub session: Session,
    _driver: ChildGuard,
    _display: VirtualDisplay,
    _home: tempfile::TempDir,
}

impl Browser {
    /// `true` when Xvfb, WebKitWebDriver and MiniBrowser are installed (on
    /// CI, a missing one fails the test).
    pub fn available(test: &str) -> bool {
        let tools = crate::tools::require(
            test,
            &["Xvfb", "WebKitWebDriver"],
            "make deps (xvfb, webkit2gtk-driver)",
        );
        if tools && !std::path::Path::new(MINIBROWSER).exists() {
            let msg = format!("{test}: {MINIBROWSER} is missing (libwebkit2gtk-4.1-0)");
            assert!(!crate::tools::on_ci(), "{msg}");
            eprintln!("NOT RUN: {msg}");
            return false;
        }
        tools
    }

    /// A browser whose `navigator.language` is `lang` (`fr-FR`, `en-GB`).
    pub fn start(lang: &str) -> Result<Browser, String> {
        let display = VirtualDisplay::start(1280, 800)?;
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port();
        let mut command = Command::new("WebKitWebDriver");
        command
            .arg(format!("--port={port}"))
            .env("DISPLAY", display.display())
            .env("NO_AT_BRIDGE", "1")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("LANG", format!("{}.UTF-8", lang.replace('-', "_")))
            .env("LANGUAGE", lang.replace('-', "_"))
            .env_remove("LC_ALL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut driver = ChildGuard::spawn_group("WebKitWebDriver", &mut command)?;
        wait_for_port(port, &mut driver, Duration::from_secs(30))?;
        let session = Session::new(
            &format!("http://127.0.0.1:{port}"),
            json!({ "capabilities": { "alwaysMatch": {
                "webkitgtk:browserOptions": { "binary": MINIBROWSER, "args": ["--automation"] }
            } } }),
        )?;
        Ok(Browser {
            session,
            _driver: driver,
            _display: display,
            _home: home,
        })
    }
}

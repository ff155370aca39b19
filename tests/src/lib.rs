//! Helpers shared by the end-to-end tests of the real Escale binaries.
//!
//! Each helper owns what it starts and stops it on `Drop`, so a failing
//! assertion never leaves an X server, a driver or the app running.
//!
//! - [`paths`]: where the built binaries are.
//! - [`cli`]: the real `escale` binary run against a private data directory.
//! - [`process`]: a child-process guard, free ports, waiting for a port.
//! - [`display`]: a private Xvfb display for GUI tests.
//! - [`webdriver`]: a tiny blocking W3C WebDriver client (enough for tauri-driver).
//! - [`tools`]: what to do when a system tool is missing (fail on CI, say so loudly elsewhere).
//! - [`desktop`]: the real app on its own display, through tauri-driver, one at a time.
//! - [`ui`]: test steps a person does in the app (click, type, wait for a text).
//! - [`hub`]: a real `escale hub serve` on loopback, stopped and restarted on its port.
//! - [`browser`]: WebKit's MiniBrowser through WebKitWebDriver, for the hub's web pages.
//! - [`cups`]: the CUPS scheduler and a `cups-pdf` queue whose jobs land as files.

pub mod browser;
pub mod cli;
pub mod cups;
pub mod desktop;
pub mod display;
pub mod hub;
pub mod paths;
pub mod process;
pub mod tools;
pub mod ui;
pub mod webdriver;

use std::time::{Duration, Instant};

/// Polls `probe` until it returns `Some`, or returns the last error message after `timeout`.
pub fn wait_until<T>(
    timeout: Duration,
    probe: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    wait_until_every(timeout, Duration::from_millis(100), probe)
}

/// [`wait_until`], looking again every `interval`.
pub fn wait_until_every<T>(
    timeout: Duration,
    interval: Duration,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match probe() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => String::from("condition not met yet"),
            Err(error) => error,
        };
        if Instant::now() >= deadline {
            return Err(format!("gave up after {timeout:?}: {last}"));
        }
        std::thread::sleep(interval);
    }
}

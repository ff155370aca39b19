//! Entry point of the desktop app: everything lives in the library so that it
//! can be tested; this file only hands over to [`escale_desktop::run`].

// Hide the console window of release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    escale_desktop::run();
}

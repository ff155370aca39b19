//! The Escale desktop shell: a Tauri window on the web UI of `ui/` plus thin
//! commands.
//!
//! This crate is an adapter. It owns the window, the launch options
//! ([`launch`]) and the state built once at start-up ([`state::AppState`]);
//! commands ([`commands`], one file per domain) take that state, call into it
//! and convert the result for the wire; errors cross as [`error::ErrorBody`];
//! [`bindings`] generates the TypeScript wire types the UI compiles against;
//! [`sync`] runs the background sync and the store's watcher; [`logging`]
//! sends `tracing` events to stderr.
//! It must not hold business rules: those belong to the core crates, which
//! never depend on Tauri.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod launch;
pub mod logging;
pub mod state;
pub mod sync;

use tauri::{Emitter, Manager};

/// Starts the desktop app and blocks until its last window closes.
///
/// Launch options come from the command line (`--data-dir PATH`) and the
/// environment (`ESCALE_DATA_DIR`); bad options print a message and exit with
/// status 2 before any window opens.
pub fn run() {
    logging::init();
    let options = match launch::LaunchOptions::from_env() {
        Ok(launch::Launch::Run(options)) => options,
        Ok(launch::Launch::Help) => {
            println!("{}", launch::USAGE);
            return;
        }
        Err(error) => {
            tracing::error!("{error}");
            // The usage is the program's answer to a person at a terminal,
            // not a log line (like `--help` on stdout).
            eprintln!("\n{}", launch::USAGE);
            std::process::exit(2);
        }
    };

    tauri::Builder::default()
        // Native Open/Save dialogs for the import and export screens.
        .plugin(tauri_plugin_dialog::init())
        // State is built once, here, and handed to commands through
        // `tauri::State`; nothing is global.
        .setup(move |app| {
            let state = tauri::async_runtime::block_on(state::AppState::init(options))?;
            app.manage(state);
            // Build the search index while the window opens, not on the first
            // keystroke (seconds at a 100,000-person event).
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<state::AppState>();
                if let Err(e) = state.escale.warm_search().await {
                    tracing::warn!("search index not built at start-up: {e}");
                }
            });
            // The app syncs by itself with the hub, once enrolled.
            sync::spawn(app.handle().clone());
            Ok(())
        })
        // Closing with operations the hub does not have yet asks first: the
        // UI shows "sync now / quit anyway / cancel" and calls `quit_app`.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let state = window.state::<state::AppState>();
                if let Some(unsynced_ops) = state.sync.close_warning() {
                    let ask = commands::sync::CloseRequest { unsynced_ops };
                    match window.emit(commands::sync::CLOSE_EVENT, ask) {
                        Ok(()) => api.prevent_close(),
                        Err(e) => {
                            tracing::warn!("cannot ask before closing ({e}); closing")
                        }
                    }
                }
            }
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Escale could not start its window");
}

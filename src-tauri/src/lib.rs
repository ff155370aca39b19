//! The Escale desktop shell: a Tauri window on the web UI of `ui/` plus thin
//! commands.
//!
//! This crate is an adapter. It owns the window, the launch options
//! ([`launch`]) and the state built once at start-up ([`state::AppState`]);
//! commands ([`commands`], one file per domain) take that state, call into it
//! and convert the result for the wire; errors cross as [`error::ErrorBody`];
//! [`bindings`] generates the TypeScript wire types the UI compiles against;
//! [`sync`] runs the background sync and the store's watcher; [`jobs`]
//! follows the long batches the UI may cancel; [`logging`]
//! sends `tracing` events to stderr.
//! It must not hold business rules: those belong to the core crates, which
//! never depend on Tauri.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod jobs;
pub mod launch;
pub mod logging;
pub mod state;
pub mod sync;

use tauri::{AppHandle, Emitter, Manager, Runtime};

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
        .setup(move |app| Ok(start(app.handle(), options)?))
        // Closing with operations the hub does not have yet asks first: the
        // UI shows "sync now / quit anyway / cancel" and calls `quit_app`.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if ask_before_closing(window.app_handle()) {
                    api.prevent_close();
                }
            }
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Escale could not start its window");
}

/// Builds the state on `options`, hands it to Tauri, and starts what runs
/// beside the commands: the search index's warm-up and the background sync.
/// The app calls it from Tauri's setup hook; the UI's test bridge
/// (`src/bin/escale-ui-bridge.rs`) on its mock app, so both are one app.
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    options: launch::LaunchOptions,
) -> Result<(), state::InitError> {
    let state = tauri::async_runtime::block_on(state::AppState::init(options))?;
    app.manage(state);
    // Build the search index while the window opens, not on the first
    // keystroke (seconds at a 100,000-person event).
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = handle.state::<state::AppState>();
        if let Err(e) = state.escale.warm_search().await {
            tracing::warn!("search index not built at start-up: {e}");
        }
    });
    // The app's own upkeep (audit entries past their retention go, people
    // past theirs are anonymised), at
    // start-up and then every day.
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let state = handle.state::<state::AppState>();
            match state.escale.upkeep().await {
                Ok(u) if u == Default::default() => {}
                Ok(u) => tracing::info!(
                    "upkeep: {} old audit entries removed, {} people anonymised",
                    u.audit_purged,
                    u.anonymised
                ),
                Err(e) => tracing::warn!("upkeep failed: {e}"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
        }
    });
    // The app syncs by itself with the hub, once enrolled.
    sync::spawn(app.clone());
    Ok(())
}

/// The window was asked to close: true when it must stay open because
/// operations wait for the hub; the UI is then sent
/// [`commands::sync::CLOSE_EVENT`] and asks the person.
pub fn ask_before_closing<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<state::AppState>();
    let Some(unsynced_ops) = state.sync.close_warning() else {
        return false;
    };
    let ask = commands::sync::CloseRequest { unsynced_ops };
    match app.emit(commands::sync::CLOSE_EVENT, ask) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("cannot ask before closing ({e}); closing");
            false
        }
    }
}

/// How `quit_app` ends the app when something other than Tauri's event
/// loop must (the UI's test bridge runs on Tauri's mock runtime, which
/// cannot exit, and tells its test instead). The desktop app never manages
/// one: it exits through Tauri.
pub struct ExitHandler(pub Box<dyn Fn(i32) + Send + Sync>);

/// Ends the app with `code` (see [`ExitHandler`]).
pub fn exit<R: Runtime>(app: &AppHandle<R>, code: i32) {
    match app.try_state::<ExitHandler>() {
        Some(handler) => (handler.0)(code),
        None => app.exit(code),
    }
}

//! The background sync task in the app: [`spawn`] runs
//! `escale_sync::schedule::run_loop` on Tauri's runtime with a driver whose
//! one attempt is [`sync_once`] (sync with the hub if enrolled, then publish
//! what came of it), and starts the store's watcher (`super::watch`). The
//! schedule decides when; this module only does the attempt and tells the UI.

use escale_core::hlc::now_ms;
use escale_sync::hub::{self as http, SyncError, SyncOptions};
use escale_sync::schedule::{run_loop, Driver, Outcome};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::{watch, DATA_CHANGED_EVENT, PAGE, STATUS_EVENT};
use crate::state::AppState;

/// Starts the background task, the stand's supervisor and the store's
/// watcher on Tauri's runtime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let app_for_watch = app.clone();
    tauri::async_runtime::spawn(async move {
        let timing = app.state::<AppState>().sync.timing();
        let mut driver = AppDriver { app: app.clone() };
        let state = app.state::<AppState>();
        if state.sync.recount_duplicates(&state.escale).await {
            publish(&app);
        }
        run_loop(state.sync.signals(), timing, &mut driver).await;
    });
    super::stand::spawn(app_for_watch.clone());
    watch::spawn(app_for_watch, watch::WATCH_EVERY);
}

struct AppDriver<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> Driver for AppDriver<R> {
    async fn sync(&mut self) -> Outcome {
        sync_once(&self.app).await
    }

    async fn wrote(&mut self) {
        // Nothing to do before the push: the watcher that nudged the task
        // has already refreshed and published the view.
    }
}

/// Sends the current view to the UI.
pub fn publish<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if let Err(e) = app.emit(STATUS_EVENT, state.sync.view(state.lang())) {
        tracing::warn!("cannot emit {STATUS_EVENT}: {e}");
    }
}

/// One attempt: sync with the hub if enrolled, and publish what came of it.
pub async fn sync_once<R: Runtime>(app: &AppHandle<R>) -> Outcome {
    let state = app.state::<AppState>();
    let store = state.escale.store();
    let sync = &state.sync;
    let binding = match http::load_binding(store).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!("cannot read the hub binding: {e}");
            None
        }
    };
    let Some(binding) = binding else {
        sync.update(|l| {
            l.runs_started += 1;
            l.runs_finished += 1;
            l.enrolled = false;
            l.online = false;
            l.set_error(None);
        });
        return Outcome::Idle;
    };
    sync.update(|l| {
        l.runs_started += 1;
        l.syncing = true;
        l.enrolled = true;
        l.hub_url = Some(binding.url.clone());
        l.org_name = Some(binding.org_name.clone());
    });
    publish(app);

    // One try per call: the loop's own backoff handles an absent hub, and
    // "sync now" answers in a second instead of after the client's retries.
    let result = http::sync_now(
        store,
        SyncOptions {
            page: PAGE,
            attempts: 1,
            ..SyncOptions::default()
        },
    )
    .await;
    let after = http::status(store, false).await;
    if result.as_ref().is_ok_and(|r| r.pulled > 0) {
        // Duplicates met through the sync (or merged on another laptop).
        sync.recount_duplicates_if_others_wrote(&state.escale).await;
    }
    let outcome = match &result {
        Ok(_) => Outcome::Synced,
        Err(_) => Outcome::Failed,
    };
    if let Err(e) = &result {
        if !matches!(e, SyncError::Hub(h) if h.is_transient()) {
            tracing::warn!(code = e.code(), "sync failed: {e}");
        }
    }
    sync.update(|l| {
        if let Ok(s) = &after {
            l.absorb(s);
        }
        match &result {
            Ok(r) => {
                l.online = true;
                l.unsynced_ops = r.unsynced;
                l.skew_ms = Some(r.skew_ms);
                l.set_error(None);
            }
            Err(e) => {
                l.online = match e {
                    // The hub answered, and refused: it is there.
                    SyncError::Hub(h) => !h.is_transient(),
                    // This laptop's disk: says nothing about the hub.
                    SyncError::Store(_) => l.online,
                    _ => false,
                };
                l.set_error(Some(e));
            }
        }
        l.last_attempt_ms = Some(now_ms());
        l.syncing = false;
        l.runs_finished += 1;
    });
    publish(app);
    if result.as_ref().is_ok_and(|r| r.pulled > 0) {
        if let Err(e) = app.emit(DATA_CHANGED_EVENT, ()) {
            tracing::warn!("cannot emit {DATA_CHANGED_EVENT}: {e}");
        }
    }
    outcome
}

//! Live stand sync in the app: while it runs, this laptop exchanges by
//! itself with the organisation's other laptops on the local network
//! (`escale_sync::peer::live`), every few seconds and soon after each local
//! write (the store's watcher calls [`nudge`]).
//!
//! A supervisor checks every [`CHECK_EVERY`] whether it should run — the
//! laptop belongs to an organisation, the person has not turned it off on
//! the sync screen (`stand/live` in the `local` table), and
//! [`STAND_ENV`] is not `off` — and with which key: enrolling at a hub
//! replaces the organisation key, and the stand restarts under the new one.
//! What the stand looks like goes into the live sync view ([`super::Live`]
//! `stand`), so the status bar can say "Sur le stand : 2 autres ordinateurs"
//! and the sync screen list them; operations that arrive are seen by the
//! watcher like any write ([`super::DATA_CHANGED_EVENT`]).

use std::time::Duration;

use escale_sync::peer::{self, pairing, LiveOptions, LiveStand};
use tauri::{AppHandle, Manager, Runtime};

use super::publish;
use crate::state::AppState;

/// How often the supervisor checks whether the stand sync should run.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);
/// `off` keeps the app from ever syncing with the stand by itself (a kiosk
/// that must not, the UI's tests).
pub const STAND_ENV: &str = "ESCALE_STAND";
/// The `local` setting the sync screen's switch writes (`on` / `off`).
const SETTING: &str = "stand/live";

/// The running stand sync and the key it runs under.
pub struct Running {
    live: LiveStand,
    tag: String,
    forward: tauri::async_runtime::JoinHandle<()>,
}

/// Turned off by [`STAND_ENV`] for this whole run of the app.
pub fn disabled_by_env() -> bool {
    std::env::var(STAND_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("off"))
}

/// Whether the person wants the stand sync (on unless turned off).
pub async fn wanted(store: &escale_core::store::Store) -> bool {
    !matches!(store.local_text(SETTING).await, Ok(Some(v)) if v == "off")
}

/// Saves the sync screen's switch; the supervisor acts on it at once.
pub async fn set_wanted<R: Runtime>(
    app: &AppHandle<R>,
    on: bool,
) -> Result<(), escale_core::Error> {
    let state = app.state::<AppState>();
    state
        .escale
        .store()
        .set_local_text(SETTING, if on { "on" } else { "off" })
        .await?;
    supervise_once(app).await;
    Ok(())
}

/// Something was written here: exchange with the stand now.
pub async fn nudge<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let running = state.stand.lock().await;
    if let Some(r) = running.as_ref() {
        r.live.nudge();
    }
}

/// Starts the supervisor on Tauri's runtime; it runs as long as the app.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(CHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            supervise_once(&app).await;
        }
    });
}

/// Starts, restarts or stops the stand sync as the settings say.
async fn supervise_once<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let store = state.escale.store();
    let enabled = !disabled_by_env() && wanted(store).await;
    let ident = store.identity().await.ok().flatten();
    let tag = match ident {
        Some(_) if enabled => store.sync_key().await.ok().map(|k| pairing::stand_tag(&k)),
        _ => None,
    };
    let mut slot = state.stand.lock().await;
    if slot.as_ref().map(|r| &r.tag) == tag.as_ref() {
        if state.sync.update(|l| l.stand_enabled = enabled) {
            publish(app);
        }
        return;
    }
    if let Some(old) = slot.take() {
        old.forward.abort();
        old.live.stop().await;
    }
    let started = match tag {
        None => None,
        Some(tag) => {
            let name = state
                .escale
                .info()
                .await
                .map(|i| i.device_name)
                .unwrap_or_else(|_| "Escale".into());
            match peer::live(store.clone(), name, LiveOptions::default()).await {
                Ok(live) => Some((live, tag)),
                Err(e) => {
                    tracing::warn!("stand sync not started: {e}");
                    None
                }
            }
        }
    };
    let view = started.as_ref().map(|(l, _)| l.view()).unwrap_or_default();
    if let Some((live, tag)) = started {
        let forward = forward(app.clone(), live.subscribe());
        *slot = Some(Running { live, tag, forward });
    }
    drop(slot);
    if state.sync.update(|l| {
        l.stand_enabled = enabled;
        l.stand = view;
    }) {
        publish(app);
    }
}

/// Copies each change of the stand into the live sync view.
fn forward<R: Runtime>(
    app: AppHandle<R>,
    mut views: tokio::sync::watch::Receiver<peer::StandView>,
) -> tauri::async_runtime::JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        while views.changed().await.is_ok() {
            let view = views.borrow_and_update().clone();
            let state = app.state::<AppState>();
            if state.sync.update(|l| l.stand = view) {
                publish(&app);
            }
        }
    })
}

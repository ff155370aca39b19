//! The store's watcher: every [`WATCH_EVERY`] it reads the store's change
//! counter (`Store::rev()`, one indexed read of the `local` table, bumped by
//! every write transaction of any process on the data directory). When the
//! counter moved — a command of this app, `escale` run on the same data
//! directory, a stand peer, a pulled page — it refreshes the live sync view,
//! tells the UI ([`DATA_CHANGED_EVENT`], so the status bar, the About panel,
//! the desk's counters and the lists reload), when the hub lacks
//! operations nudges the sync task to push them soon, and nudges the live
//! stand sync (`super::stand`).
//!
//! It only reads. While a sync runs it waits for the end of it: the pages a
//! sync pulls are not writes to push, and the hub's vector that says what it
//! lacks is only known once the sync is over.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::{publish, DATA_CHANGED_EVENT, STATIONS_MOVED_EVENT};
use crate::state::AppState;

/// How often the counter is read.
pub const WATCH_EVERY: Duration = Duration::from_millis(500);

/// The counter as last seen, and whether a new reading means a change.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seen(Option<i64>);

impl Seen {
    /// Records `rev`; true when it differs from the previous reading (the
    /// first reading is the starting point, not a change).
    pub fn moved(&mut self, rev: i64) -> bool {
        let before = self.0.replace(rev);
        before.is_some_and(|b| b != rev)
    }
}

/// Starts the watcher on Tauri's runtime; it runs as long as the app.
pub fn spawn<R: Runtime>(app: AppHandle<R>, every: Duration) {
    tauri::async_runtime::spawn(async move {
        let mut seen = Seen::default();
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let state = app.state::<AppState>();
            if state.sync.is_syncing() {
                continue;
            }
            match state.escale.store().rev().await {
                Ok(rev) if seen.moved(rev) => changed(&app).await,
                Ok(_) => {}
                Err(e) => tracing::warn!("cannot read the store's change counter: {e}"),
            }
        }
    });
}

/// The store changed: refresh what the status bar shows, tell the UI, and
/// have the task push what the hub lacks.
async fn changed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    // Another laptop may have given a station first that this one gave
    // too: this laptop moves its own displaced sessions and says so.
    settle_stations(app).await;
    // A stand peer, a bundle or a merge may have changed the duplicates.
    state
        .sync
        .recount_duplicates_if_others_wrote(&state.escale)
        .await;
    match state.sync.refresh(state.escale.store()).await {
        Ok(()) => publish(app),
        Err(e) => tracing::warn!("cannot count the operations to sync: {e}"),
    }
    if let Err(e) = app.emit(DATA_CHANGED_EVENT, ()) {
        tracing::warn!("cannot emit {DATA_CHANGED_EVENT}: {e}");
    }
    if state.sync.hub_lacks_ops() {
        state.sync.wrote();
    }
    // The stand's other laptops get it within a second or two (what came
    // from one of them goes on to the others the same way).
    super::stand::nudge(app).await;
}

/// Moves the sessions this laptop gave that lost their station to an
/// earlier assignment from another laptop ([`escale_core::Escale::settle_stations`])
/// and tells the UI who moved where ([`STATIONS_MOVED_EVENT`]).
async fn settle_stations<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if !matches!(state.escale.store().identity().await, Ok(Some(_))) {
        return;
    }
    // A use case of the core: refused while the app is locked (the next
    // change after an unlock settles what is left).
    if state.is_locked().await {
        return;
    }
    match state.escale.settle_stations().await {
        Ok(moved) if moved.is_empty() => {}
        Ok(moved) => {
            if let Err(e) = app.emit(STATIONS_MOVED_EVENT, &moved) {
                tracing::warn!("cannot emit {STATIONS_MOVED_EVENT}: {e}");
            }
        }
        Err(e) => tracing::warn!("cannot settle the stations: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reading_is_a_start_and_only_a_different_one_is_a_change() {
        let mut seen = Seen::default();
        assert!(!seen.moved(7), "nothing to compare with yet");
        assert!(!seen.moved(7), "the same counter: nobody wrote");
        assert!(seen.moved(8), "a write transaction bumped it");
        assert!(
            seen.moved(3),
            "any difference counts (a data directory restored from a snapshot)"
        );
    }
}

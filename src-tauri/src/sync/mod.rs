//! The app syncs by itself: a background task (tokio, on Tauri's runtime)
//! that talks to the organisation's hub through `escale_sync::hub`, and a
//! watcher of the store's change counter that tells it and the UI when the
//! data changed — whoever wrote it (a command, the CLI on the same data
//! directory, a stand peer, a sync).
//!
//! - `task` ([`spawn`], [`sync_once`]): syncs once at start-up, then pulls
//!   every `Timing::interval` (30 s; `ESCALE_SYNC_INTERVAL_MS`), and pushes
//!   soon after local writes: the task syncs once the desk has been quiet
//!   for `Timing::debounce` (2 s), or at the latest `Timing::max_debounce`
//!   after the first unsent write. When the hub cannot be reached it retries
//!   with exponential backoff and jitter, up to `Timing::max_backoff` (60 s;
//!   `ESCALE_SYNC_MAX_BACKOFF_MS`). "Sync now"
//!   ([`SyncControl::request_now`]) runs at once, backoff or not. It never
//!   blocks the desk: the core commits a pulled page at a time, and nothing
//!   here holds a lock across a network call.
//! - `watch` ([`watch::WATCH_EVERY`]): one indexed read of `Store::rev()`
//!   twice a second; when it moves, the live view is refreshed, the UI gets
//!   [`DATA_CHANGED_EVENT`], and the task is nudged if the hub lacks
//!   operations. Commands therefore do not signal their writes.
//! - `stand` ([`stand::spawn`]): live sync with the organisation's other
//!   laptops on the local network, without the hub, every few seconds and
//!   soon after each write (the watcher nudges it); what the stand looks
//!   like is part of the live view.
//! - `view` ([`Live`], [`SyncView`]): what the status bar shows, published
//!   in the shared `control` ([`SyncControl`]), with [`STATUS_EVENT`] when
//!   it changes.
//!
//! The schedule (`escale_sync::schedule::Schedule`) and the loop
//! (`run_loop`) are pure of Tauri and of the network, so their timing is
//! tested with paused time. Nothing here writes to the store but the sync
//! itself.

mod control;
pub mod stand;
mod task;
mod view;
pub mod watch;

pub use self::control::SyncControl;
pub use self::task::{publish, spawn, sync_once};
pub use self::view::{Live, SyncView, DUPLICATES_MAX, SKEW_WARN_MS};

/// Emitted with a [`SyncView`] whenever the sync state changes.
pub const STATUS_EVENT: &str = "sync-status";
/// Emitted (no payload) when the store changed: the watcher saw its change
/// counter move, a sync stored other laptops' operations, a stand peer
/// brought some. The UI reloads what it shows.
pub const DATA_CHANGED_EVENT: &str = "data-changed";
/// Sessions on public computers this laptop moved because another laptop
/// had given their station first (a list of `Moved`).
pub const STATIONS_MOVED_EVENT: &str = "stations-moved";
/// Ops per pulled page: each page is one write transaction, so this bounds
/// how long a check-in can wait behind a sync (smaller than the CLI's 2,000:
/// the desk is in use while the task pulls).
pub const PAGE: usize = 500;

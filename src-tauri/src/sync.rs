//! The app syncs by itself: a background task (tokio, on Tauri's runtime)
//! that talks to the organisation's hub through the core
//! (`escale_sync::hub`).
//!
//! - It syncs once at start-up, then pulls every [`Timing::interval`]
//!   (30 s; `ESCALE_SYNC_INTERVAL_MS`), and pushes soon after local writes:
//!   the commands that write call [`SyncControl::wrote`], and the task syncs
//!   once the desk has been quiet for [`Timing::debounce`] (2 s), or at the
//!   latest [`Timing::max_debounce`] after the first unsent write.
//! - When the hub cannot be reached it retries with exponential backoff and
//!   jitter, up to [`Timing::max_backoff`] (60 s;
//!   `ESCALE_SYNC_MAX_BACKOFF_MS`). "Sync now" ([`SyncControl::request_now`])
//!   runs at once, backoff or not.
//! - It never blocks the desk: the core commits a pulled page at a time, and
//!   nothing here holds a lock across a network call.
//! - It publishes what the status bar shows ([`SyncView`]) in the shared
//!   [`SyncControl`] and emits [`STATUS_EVENT`] when that changes, and
//!   [`DATA_CHANGED_EVENT`] when a sync brought other laptops' operations
//!   (the desk refreshes its counters and lists).
//!
//! The schedule ([`Schedule`]) and the loop ([`run_loop`]) are pure of
//! Tauri and of the network, so their timing is tested with paused time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use escale_core::hlc::now_ms;
use escale_core::sync::VersionVector;
use escale_core::{Escale, Lang};
use escale_sync::hub::{self as http, SyncError, SyncOptions};
use escale_sync::schedule::{run_loop, Driver, Outcome, Signals, Timing};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;

/// Emitted with a [`SyncView`] whenever the sync state changes.
pub const STATUS_EVENT: &str = "sync-status";
/// Emitted (no payload) after a sync that stored other laptops' operations.
pub const DATA_CHANGED_EVENT: &str = "data-changed";
/// Ops per pulled page: each page is one write transaction, so this bounds
/// how long a check-in can wait behind a sync (smaller than the CLI's 2,000:
/// the desk is in use while the task pulls).
pub const PAGE: usize = 500;
/// A clock further off the hub's than this gets a warning (times of
/// check-ins are this laptop's).
pub const SKEW_WARN_MS: i64 = 5 * 60 * 1000;
/// Duplicate pairs counted at most (the review shows them most certain first).
pub const DUPLICATES_MAX: usize = 1_000;

// ---------------------------------------------------------------------------
// The shared state.

/// What the status bar and the sync screen show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    /// Enrolled with a hub (else the app works alone, which is fine).
    pub enrolled: bool,
    pub hub_url: Option<String>,
    /// The organisation's name on the hub.
    pub org_name: Option<String>,
    /// The hub answered the latest attempt.
    pub online: bool,
    /// A sync is running now.
    pub syncing: bool,
    /// Milliseconds since the epoch of the last successful sync.
    pub last_success_ms: Option<i64>,
    /// Milliseconds since the epoch of the latest attempt.
    pub last_attempt_ms: Option<i64>,
    /// Operations this laptop holds that the hub does not have yet.
    pub unsynced_ops: i64,
    /// The hub's clock minus this laptop's (ms), at the last sync.
    pub skew_ms: Option<i64>,
    /// |skew| is above [`SKEW_WARN_MS`]: the UI warns.
    pub clock_off: bool,
    /// Why the latest attempt failed, in the UI's language.
    pub error: Option<ErrorBody>,
    /// Pairs of records that are probably one person (typically registered
    /// on two laptops), waiting for staff to merge or dismiss them; counted
    /// again after a merge, a dismissal, a walk-in or other laptops'
    /// operations (at most [`DUPLICATES_MAX`]).
    pub duplicates: i64,
}

/// A failed attempt, kept in both languages so that switching the UI's
/// language translates it too.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    fr: ErrorBody,
    en: ErrorBody,
}

/// The live sync state (one per app).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Live {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub org_name: Option<String>,
    pub online: bool,
    pub syncing: bool,
    pub last_success_ms: Option<i64>,
    pub last_attempt_ms: Option<i64>,
    pub unsynced_ops: i64,
    pub skew_ms: Option<i64>,
    /// Duplicate pairs waiting for review ([`SyncControl::recount_duplicates`]).
    pub duplicates: i64,
    problem: Option<Problem>,
    /// Attempts started and finished (a "sync now" waits for the next one).
    pub runs_started: u64,
    pub runs_finished: u64,
}

impl Live {
    pub fn view(&self, lang: Lang) -> SyncView {
        SyncView {
            enrolled: self.enrolled,
            hub_url: self.hub_url.clone(),
            org_name: self.org_name.clone(),
            online: self.online,
            syncing: self.syncing,
            last_success_ms: self.last_success_ms,
            last_attempt_ms: self.last_attempt_ms,
            unsynced_ops: self.unsynced_ops,
            skew_ms: self.skew_ms,
            clock_off: self.skew_ms.is_some_and(|s| s.abs() > SKEW_WARN_MS),
            error: self.problem.as_ref().map(|p| {
                if lang == Lang::Fr {
                    p.fr.clone()
                } else {
                    p.en.clone()
                }
            }),
            duplicates: self.duplicates,
        }
    }

    /// The error of a failed attempt (`None` clears it).
    pub fn set_error(&mut self, error: Option<&SyncError>) {
        self.problem = error.map(|e| Problem {
            fr: ErrorBody::of_sync(e, Lang::Fr),
            en: ErrorBody::of_sync(e, Lang::En),
        });
    }

    /// What the store says (binding, last sync, unsynced count), without
    /// asking the hub.
    fn absorb(&mut self, s: &http::SyncStatus) {
        self.enrolled = s.enrolled;
        self.hub_url = s.hub_url.clone();
        self.org_name = s.org_name.clone();
        self.last_success_ms = s.last_success_ms;
        self.skew_ms = s.skew_ms;
        if s.enrolled {
            self.unsynced_ops = s.unsynced_ops;
        } else {
            self.unsynced_ops = 0;
            self.online = false;
            self.problem = None;
        }
    }
}

/// The task's controls and its published state, shared by the commands.
#[derive(Debug)]
pub struct SyncControl {
    signals: Signals,
    live: watch::Sender<Live>,
    timing: Timing,
    /// `quit_app` was called: the window closes without asking.
    quitting: AtomicBool,
    /// Held while duplicates are counted (so that counts end in the order
    /// they started); other laptops' part of the version vector at the last
    /// count.
    counted: tokio::sync::Mutex<Option<VersionVector>>,
}

impl SyncControl {
    pub fn new(live: Live, timing: Timing) -> SyncControl {
        SyncControl {
            signals: Signals::default(),
            live: watch::Sender::new(live),
            timing,
            quitting: AtomicBool::new(false),
            counted: tokio::sync::Mutex::new(None),
        }
    }

    /// Reads the store's sync state (no network).
    pub async fn load(store: &escale_core::store::Store, timing: Timing) -> SyncControl {
        let mut live = Live::default();
        match http::status(store, false).await {
            Ok(s) => live.absorb(&s),
            Err(e) => eprintln!("escale-desktop: cannot read the sync state: {e}"),
        }
        SyncControl::new(live, timing)
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    pub fn signals(&self) -> &Signals {
        &self.signals
    }

    /// A command wrote to the log: push it soon.
    pub fn wrote(&self) {
        self.signals.write.notify_one();
    }

    /// Sync at once (the task must be running: [`spawn`]).
    pub fn request_now(&self) {
        self.signals.now.notify_one();
    }

    pub fn live(&self) -> Live {
        self.live.borrow().clone()
    }

    pub fn view(&self, lang: Lang) -> SyncView {
        self.live.borrow().view(lang)
    }

    pub fn subscribe(&self) -> watch::Receiver<Live> {
        self.live.subscribe()
    }

    /// Changes the live state; true when it changed.
    pub fn update(&self, change: impl FnOnce(&mut Live)) -> bool {
        self.live.send_if_modified(|l| {
            let before = l.clone();
            change(l);
            *l != before
        })
    }

    /// Re-reads what the store says (after enrolment, after a write).
    pub async fn refresh(&self, store: &escale_core::store::Store) -> Result<(), SyncError> {
        let s = http::status(store, false).await?;
        self.update(|l| l.absorb(&s));
        Ok(())
    }

    /// Counts the duplicate pairs waiting for review, for the whole
    /// organisation (about a second for 100,000 people: after a merge, a
    /// dismissal, a walk-in or other laptops' operations, never after each
    /// check-in); true when the count changed.
    pub async fn recount_duplicates(&self, escale: &Escale) -> bool {
        let mut counted = self.counted.lock().await;
        self.count_locked(escale, &mut counted).await
    }

    /// Counts the duplicate pairs again if other laptops' operations arrived
    /// since the last count (a sync, a stand peer, a USB bundle): cheap
    /// otherwise (one read of the version vector).
    pub async fn recount_duplicates_if_others_wrote(&self, escale: &Escale) -> bool {
        let mut counted = self.counted.lock().await;
        match others_vector(escale).await {
            Ok(now) if counted.as_ref() == Some(&now) => false,
            _ => self.count_locked(escale, &mut counted).await,
        }
    }

    async fn count_locked(&self, escale: &Escale, counted: &mut Option<VersionVector>) -> bool {
        if !matches!(escale.store().identity().await, Ok(Some(_))) {
            return self.update(|l| l.duplicates = 0);
        }
        let seen = others_vector(escale).await.ok();
        match escale.duplicate_candidates(None, DUPLICATES_MAX).await {
            Ok(pairs) => {
                *counted = seen;
                self.update(|l| l.duplicates = pairs.len() as i64)
            }
            Err(e) => {
                eprintln!("escale-desktop: cannot count the possible duplicates: {e}");
                false
            }
        }
    }

    /// Asks for a sync and waits until one that started after the request
    /// has finished (or `timeout`).
    pub async fn sync_and_wait(&self, timeout: Duration) -> Live {
        let mut rx = self.live.subscribe();
        let want = rx.borrow().runs_started + 1;
        self.request_now();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|l| l.runs_finished >= want)).await;
        self.live()
    }

    /// The person chose to quit: closing no longer asks.
    pub fn set_quitting(&self) {
        self.quitting.store(true, Ordering::SeqCst);
    }

    /// Unsynced operations to warn about when the window is asked to close:
    /// enrolled laptops only (a laptop working alone always has some), and
    /// not once the person chose to quit.
    pub fn close_warning(&self) -> Option<i64> {
        if self.quitting.load(Ordering::SeqCst) {
            return None;
        }
        let l = self.live.borrow();
        (l.enrolled && l.unsynced_ops > 0).then_some(l.unsynced_ops)
    }
}

// ---------------------------------------------------------------------------
// The task in the app.

/// Other laptops' part of the version vector: it changes when their
/// operations arrive, not with this laptop's own writes.
async fn others_vector(escale: &Escale) -> escale_core::Result<VersionVector> {
    let mut v = escale.store().vector().await?;
    if let Some(me) = escale.store().identity().await? {
        v.remove(&me.device_id);
    }
    Ok(v)
}

/// Starts the background task on Tauri's runtime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let timing = app.state::<AppState>().sync.timing();
        let mut driver = AppDriver { app: app.clone() };
        let state = app.state::<AppState>();
        if state.sync.recount_duplicates(&state.escale).await {
            publish(&app);
        }
        run_loop(state.sync.signals(), timing, &mut driver).await;
    });
}

struct AppDriver<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> Driver for AppDriver<R> {
    async fn sync(&mut self) -> Outcome {
        sync_once(&self.app).await
    }

    async fn wrote(&mut self) {
        let state = self.app.state::<AppState>();
        // A stand peer or a bundle may have brought other laptops' records.
        state
            .sync
            .recount_duplicates_if_others_wrote(&state.escale)
            .await;
        match state.sync.refresh(state.escale.store()).await {
            Ok(()) => publish(&self.app),
            Err(e) => eprintln!("escale-desktop: cannot count the operations to sync: {e}"),
        }
    }
}

/// Sends the current view to the UI.
pub fn publish<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if let Err(e) = app.emit(STATUS_EVENT, state.sync.view(state.lang())) {
        eprintln!("escale-desktop: cannot emit {STATUS_EVENT}: {e}");
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
            eprintln!("escale-desktop: cannot read the hub binding: {e}");
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
            eprintln!("escale-desktop: sync failed: {e}");
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
            eprintln!("escale-desktop: cannot emit {DATA_CHANGED_EVENT}: {e}");
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timing = Timing {
        interval: Duration::from_secs(30),
        debounce: Duration::from_secs(2),
        max_debounce: Duration::from_secs(10),
        first_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(60),
    };

    #[test]
    fn a_view_translates_the_error_and_flags_a_clock_far_off() {
        let mut live = Live {
            enrolled: true,
            skew_ms: Some(3 * 3600 * 1000),
            ..Live::default()
        };
        live.set_error(Some(&SyncError::NotEnrolled));
        let fr = live.view(Lang::Fr);
        let en = live.view(Lang::En);
        assert!(fr.clock_off, "3 hours off is worth a warning");
        assert_ne!(
            fr.error.as_ref().unwrap().message,
            en.error.as_ref().unwrap().message
        );
        assert_eq!(
            fr.error.unwrap().code,
            crate::error::ErrorCode::SyncNotEnrolled
        );
        live.skew_ms = Some(-SKEW_WARN_MS);
        assert!(
            !live.view(Lang::Fr).clock_off,
            "5 minutes exactly is tolerated"
        );
    }

    #[test]
    fn closing_warns_only_an_enrolled_laptop_with_operations_to_send_until_it_chooses_to_quit() {
        let control = |enrolled, unsynced_ops| {
            SyncControl::new(
                Live {
                    enrolled,
                    unsynced_ops,
                    ..Live::default()
                },
                T,
            )
        };
        assert_eq!(
            control(false, 12).close_warning(),
            None,
            "a laptop working alone always has some"
        );
        assert_eq!(
            control(true, 0).close_warning(),
            None,
            "everything is on the hub"
        );
        let c = control(true, 3);
        assert_eq!(c.close_warning(), Some(3));
        c.set_quitting();
        assert_eq!(c.close_warning(), None, "quit anyway");
    }
}

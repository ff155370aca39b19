//! The task's controls and its published state, shared by the commands, the
//! task and the watcher ([`SyncControl`]): the signals that wake the task,
//! the live state and its subscribers, the duplicate count, and whether
//! closing the window should ask first. It reads the store; it never writes
//! to it and never talks to the hub itself.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use escale_core::sync::VersionVector;
use escale_core::{Escale, Lang};
use escale_sync::hub::{self as http, SyncError};
use escale_sync::schedule::{Signals, Timing};
use tokio::sync::watch;

use super::view::{Live, SyncView};

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
            Err(e) => tracing::warn!("cannot read the sync state: {e}"),
        }
        SyncControl::new(live, timing)
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    pub fn signals(&self) -> &Signals {
        &self.signals
    }

    /// The store changed and the hub lacks operations: push them soon (the
    /// watcher calls this; commands do not).
    pub fn wrote(&self) {
        self.signals.write.notify_one();
    }

    /// A sync is running now.
    pub fn is_syncing(&self) -> bool {
        self.live.borrow().syncing
    }

    /// Enrolled, and operations wait for the hub.
    pub fn hub_lacks_ops(&self) -> bool {
        let l = self.live.borrow();
        l.enrolled && l.unsynced_ops > 0
    }

    /// Sync at once (the task must be running: [`super::spawn`]).
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
            let changed = *l != before;
            if changed {
                l.revision += 1;
            }
            changed
        })
    }

    /// Re-reads what the store says (after enrolment, after a write).
    pub async fn refresh(&self, store: &escale_core::store::Store) -> Result<(), SyncError> {
        let s = http::status(store, false).await?;
        self.update(|l| l.absorb(&s));
        Ok(())
    }

    /// Counts the duplicate pairs waiting for review, for the whole
    /// organisation (`Escale::duplicate_count`: a read, no record loaded in
    /// full; after a merge, a dismissal, a walk-in or other laptops'
    /// operations, never after each check-in, and in the background of the
    /// commands that ask for it); true when the count changed.
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
        // Counting is a use case of the core, refused while the app is
        // locked: the count shown stays until someone unlocks and data moves.
        if escale.current_session().is_none() && escale.has_staff().await.unwrap_or(false) {
            return false;
        }
        let seen = others_vector(escale).await.ok();
        match escale.duplicate_count(None).await {
            Ok(n) => {
                *counted = seen;
                self.update(|l| l.duplicates = n as i64)
            }
            Err(e) => {
                tracing::warn!("cannot count the possible duplicates: {e}");
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
        self.hub_lacks_ops()
            .then(|| self.live.borrow().unsynced_ops)
    }
}

/// Other laptops' part of the version vector: it changes when their
/// operations arrive, not with this laptop's own writes.
async fn others_vector(escale: &Escale) -> escale_core::Result<VersionVector> {
    let mut v = escale.store().vector().await?;
    if let Some(me) = escale.store().identity().await? {
        v.remove(&me.device_id);
    }
    Ok(v)
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

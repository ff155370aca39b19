//! Long batches the UI shows with a progress bar and may cancel (printing
//! or saving the certificates of everyone who came): each runs under an id
//! the UI chose, reports [`PROGRESS_EVENT`] as it goes, and stops at the
//! next step once [`Jobs::cancel`] was called with its id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

/// The event a batch emits as it goes, with a [`JobProgress`].
pub const PROGRESS_EVENT: &str = "job-progress";

/// Progress events at most this often (the last one always goes).
const EVERY: Duration = Duration::from_millis(50);

/// Where a batch stands.
#[derive(Debug, Clone, Serialize, TS)]
pub struct JobProgress {
    /// The id the UI gave the batch.
    pub job: String,
    /// `issue` (numbering the certificates), `render` (drawing them), then
    /// `print` (handing the job to the printer: no cancel from there on).
    pub stage: String,
    /// Items done in this stage.
    pub done: u32,
    /// Items in this stage (0: not counted).
    pub total: u32,
}

type Running = Arc<Mutex<HashMap<String, Arc<AtomicBool>>>>;

/// The batches running now, by id.
#[derive(Default)]
pub struct Jobs(Running);

impl Jobs {
    /// Starts following the batch `id`; it stops being followed when the
    /// returned job is dropped.
    pub fn start<R: Runtime>(&self, app: &AppHandle<R>, id: Option<String>) -> Job<R> {
        let id = id.unwrap_or_default();
        let stop = Arc::new(AtomicBool::new(false));
        if !id.is_empty() {
            lock(&self.0).insert(id.clone(), stop.clone());
        }
        Job {
            running: self.0.clone(),
            app: app.clone(),
            id,
            stop,
            last: Mutex::new(None),
        }
    }

    /// Asks the batch `id` to stop; false when no such batch runs (it
    /// ended already).
    pub fn cancel(&self, id: &str) -> bool {
        match lock(&self.0).get(id) {
            Some(stop) => {
                stop.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

fn lock(running: &Running) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
    running.lock().unwrap_or_else(|p| p.into_inner())
}

/// One batch being followed.
pub struct Job<R: Runtime> {
    running: Running,
    app: AppHandle<R>,
    id: String,
    stop: Arc<AtomicBool>,
    /// When the last event went, and for which stage.
    last: Mutex<Option<(Instant, String)>>,
}

impl<R: Runtime> Job<R> {
    /// Cancel was asked.
    pub fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Says where the batch stands: always at a new stage and at its end,
    /// else at most every [`EVERY`]. No event for a batch without an id.
    pub fn report(&self, stage: &str, done: u32, total: u32) {
        if self.id.is_empty() {
            return;
        }
        {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let due = match last.as_ref() {
                Some((at, s)) => s != stage || done >= total || at.elapsed() >= EVERY,
                None => true,
            };
            if !due {
                return;
            }
            *last = Some((Instant::now(), stage.to_string()));
        }
        let progress = JobProgress {
            job: self.id.clone(),
            stage: stage.into(),
            done,
            total,
        };
        // A lost progress event only delays the bar; the batch goes on.
        if let Err(e) = self.app.emit(PROGRESS_EVENT, progress) {
            tracing::warn!("cannot emit {PROGRESS_EVENT}: {e}");
        }
    }

    /// A pulse for a stage of `total` items, counting each call: reports,
    /// and answers whether to go on.
    pub fn ticker(&self, stage: &'static str, total: u32) -> impl Fn() -> bool + Sync + '_ {
        let done = std::sync::atomic::AtomicU32::new(0);
        move || {
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            self.report(stage, n, total);
            !self.cancelled()
        }
    }
}

impl<R: Runtime> Drop for Job<R> {
    fn drop(&mut self) {
        if !self.id.is_empty() {
            lock(&self.running).remove(&self.id);
        }
    }
}

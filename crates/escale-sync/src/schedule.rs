//! When the background sync runs: a pure schedule ([`Schedule`]) and the
//! loop that follows it ([`run_loop`]) over a [`Driver`] that does one sync.
//!
//! Knows neither the network nor any UI framework: the desktop drives it
//! with the hub client, and its timing is tested with paused time.
//!
//! - Sync once at start-up, then every [`Timing::interval`] (30 s;
//!   [`INTERVAL_ENV`]); push soon after local writes: once the desk has been
//!   quiet for [`Timing::debounce`] (2 s), or at the latest
//!   [`Timing::max_debounce`] after the first unsent write.
//! - After a failure, back off exponentially with jitter up to
//!   [`Timing::max_backoff`] (60 s; [`MAX_BACKOFF_ENV`]); "sync now" runs at
//!   once, backoff or not.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// Milliseconds between two pulls when nothing happens (default 30 s).
pub const INTERVAL_ENV: &str = "ESCALE_SYNC_INTERVAL_MS";
/// Longest wait between two attempts while the hub is unreachable (default 60 s).
pub const MAX_BACKOFF_ENV: &str = "ESCALE_SYNC_MAX_BACKOFF_MS";

/// How often and how soon the task syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Between two syncs when nothing happens (the periodic pull).
    pub interval: Duration,
    /// Quiet time after a local write before pushing it.
    pub debounce: Duration,
    /// Longest wait after the first unsent write, however busy the desk.
    pub max_debounce: Duration,
    /// First wait after a failed attempt; doubles at each failure...
    pub first_backoff: Duration,
    /// ...up to this.
    pub max_backoff: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            interval: Duration::from_secs(30),
            debounce: Duration::from_secs(2),
            max_debounce: Duration::from_secs(10),
            first_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl Timing {
    /// The defaults, with [`INTERVAL_ENV`] and [`MAX_BACKOFF_ENV`] applied.
    pub fn from_env() -> Timing {
        Timing::with(
            std::env::var(INTERVAL_ENV).ok().as_deref(),
            std::env::var(MAX_BACKOFF_ENV).ok().as_deref(),
        )
    }

    /// The defaults with an interval and a backoff cap given as text (ms);
    /// values that are not a number of milliseconds ≥ 100 are ignored.
    pub fn with(interval_ms: Option<&str>, max_backoff_ms: Option<&str>) -> Timing {
        let ms = |v: Option<&str>| {
            v.and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|n| *n >= 100)
                .map(Duration::from_millis)
        };
        let mut t = Timing::default();
        if let Some(i) = ms(interval_ms) {
            t.interval = i;
            // A short interval (tests) makes everything brisk.
            t.debounce = t.debounce.min(i);
            t.max_debounce = t.max_debounce.min(i * 5);
        }
        if let Some(b) = ms(max_backoff_ms) {
            t.max_backoff = b;
            t.first_backoff = t.first_backoff.min(b);
        }
        t
    }

    /// The wait after `failures` failed attempts in a row (≥ 1), before
    /// jitter: first_backoff × 2^(failures-1), capped.
    pub fn backoff(&self, failures: u32) -> Duration {
        let doubling = 2u32.saturating_pow(failures.saturating_sub(1).min(20));
        self.first_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff)
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The hub took and gave everything.
    Synced,
    /// The hub could not be reached, or refused: back off.
    Failed,
    /// Not enrolled: nothing to do until enrolment (no backoff).
    Idle,
}

/// When the next sync starts, from what happened so far. Pure: every
/// method takes the current instant.
#[derive(Debug, Clone)]
pub struct Schedule {
    timing: Timing,
    /// Run as soon as possible (start-up, "sync now").
    forced: bool,
    /// When the last attempt ended.
    last_run: Option<Instant>,
    /// Failed attempts in a row, and when the next one may start.
    failures: u32,
    retry_at: Option<Instant>,
    /// The first and the latest local write not yet covered by a sync.
    dirty_since: Option<Instant>,
    last_write: Option<Instant>,
}

impl Schedule {
    /// A schedule whose first sync is due at once.
    pub fn new(timing: Timing) -> Schedule {
        Schedule {
            timing,
            forced: true,
            last_run: None,
            failures: 0,
            retry_at: None,
            dirty_since: None,
            last_write: None,
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A local write happened at `now`.
    pub fn wrote(&mut self, now: Instant) {
        self.dirty_since.get_or_insert(now);
        self.last_write = Some(now);
    }

    /// "Sync now": the next run is due at once, backoff or not.
    pub fn force(&mut self) {
        self.forced = true;
    }

    /// When the next sync should start (`now` when it is due already).
    pub fn next_run(&self, now: Instant) -> Instant {
        if self.forced {
            return now;
        }
        if let Some(at) = self.retry_at {
            // Offline: writes wait for the hub like everything else.
            return at.max(now);
        }
        let periodic = self.last_run.map_or(now, |t| t + self.timing.interval);
        let pushed = match (self.dirty_since, self.last_write) {
            (Some(first), Some(last)) => {
                (last + self.timing.debounce).min(first + self.timing.max_debounce)
            }
            _ => periodic,
        };
        periodic.min(pushed).max(now)
    }

    /// An attempt that started at `started` ended at `ended` with `outcome`;
    /// `jitter` (0 ≤ jitter < 1) shortens a backoff by up to a quarter so
    /// that laptops cut off together do not all come back at once.
    pub fn ran(&mut self, started: Instant, ended: Instant, outcome: Outcome, jitter: f64) {
        self.forced = false;
        self.last_run = Some(ended);
        match outcome {
            Outcome::Synced | Outcome::Idle => {
                self.failures = 0;
                self.retry_at = None;
                // Writes made while the sync ran may have missed its push.
                match self.last_write {
                    Some(w) if w >= started && outcome == Outcome::Synced => {
                        self.dirty_since = Some(w)
                    }
                    _ => {
                        self.dirty_since = None;
                        self.last_write = None;
                    }
                }
            }
            Outcome::Failed => {
                self.failures = self.failures.saturating_add(1);
                let wait = self
                    .timing
                    .backoff(self.failures)
                    .mul_f64(1.0 - 0.25 * jitter.clamp(0.0, 1.0));
                self.retry_at = Some(ended + wait);
            }
        }
    }
}

/// What the loop drives: one sync, and what to do right after a local write.
pub trait Driver: Send {
    fn sync(&mut self) -> impl Future<Output = Outcome> + Send;
    fn wrote(&mut self) -> impl Future<Output = ()> + Send;
}

/// What wakes the task up.
#[derive(Debug, Default)]
pub struct Signals {
    /// A command wrote to the log.
    pub write: Notify,
    /// "Sync now" (a button, enrolment, the quit dialog).
    pub now: Notify,
}

/// The task's loop: waits for the schedule's next run, a local write or a
/// "sync now", syncs, and records the outcome. Never returns.
pub async fn run_loop<D: Driver>(signals: &Signals, timing: Timing, driver: &mut D) {
    let mut schedule = Schedule::new(timing);
    let mut jitter = Jitter::seeded();
    loop {
        let at = schedule.next_run(Instant::now());
        tokio::select! {
            biased;
            () = signals.now.notified() => schedule.force(),
            () = signals.write.notified() => {
                schedule.wrote(Instant::now());
                driver.wrote().await;
                continue;
            }
            () = tokio::time::sleep_until(at) => {}
        }
        let started = Instant::now();
        let outcome = driver.sync().await;
        schedule.ran(started, Instant::now(), outcome, jitter.next());
    }
}

/// A small xorshift generator for backoff jitter (no need for a CSPRNG).
struct Jitter(u64);

impl Jitter {
    fn seeded() -> Jitter {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Jitter((nanos ^ u64::from(std::process::id()).rotate_left(32)) | 1)
    }

    /// In [0, 1).
    fn next(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    const T: Timing = Timing {
        interval: Duration::from_secs(30),
        debounce: Duration::from_secs(2),
        max_debounce: Duration::from_secs(10),
        first_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(60),
    };

    #[test]
    fn the_environment_makes_the_task_brisk_for_tests_and_ignores_nonsense() {
        assert_eq!(Timing::with(None, None), Timing::default());
        let t = Timing::with(Some("1000"), Some("2000"));
        assert_eq!(
            (t.interval, t.debounce, t.max_backoff),
            (
                Duration::from_secs(1),
                Duration::from_secs(1),
                Duration::from_secs(2)
            )
        );
        assert_eq!(t.first_backoff, Duration::from_secs(2));
        assert_eq!(
            Timing::with(Some("soon"), Some("0")),
            Timing::default(),
            "not a duration: the defaults stay"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_only_shortens_it() {
        let waits: Vec<u64> = (1..=8).map(|n| T.backoff(n).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(
            T.backoff(u32::MAX),
            T.max_backoff,
            "no overflow after a week offline"
        );

        let t0 = Instant::now();
        let mut s = Schedule::new(T);
        s.ran(t0, t0, Outcome::Failed, 0.0);
        assert_eq!(s.next_run(t0), t0 + Duration::from_secs(2));
        s.ran(t0, t0, Outcome::Failed, 0.999);
        let at = s.next_run(t0) - t0;
        assert!(
            at > Duration::from_secs(3) && at <= Duration::from_secs(4),
            "{at:?}: 4 s minus up to a quarter"
        );
    }

    #[test]
    fn writes_are_pushed_after_a_quiet_moment_but_never_later_than_the_cap() {
        let t0 = Instant::now();
        let mut s = Schedule::new(T);
        assert_eq!(s.next_run(t0), t0, "the first sync is at start-up");
        s.ran(t0, t0, Outcome::Synced, 0.5);
        assert_eq!(
            s.next_run(t0),
            t0 + T.interval,
            "then a pull every interval"
        );

        let w = t0 + Duration::from_secs(5);
        s.wrote(w);
        assert_eq!(s.next_run(w), w + T.debounce);
        // A busy desk: a write every second keeps postponing, up to the cap.
        for i in 1..20 {
            s.wrote(w + Duration::from_secs(i));
        }
        assert_eq!(
            s.next_run(w + Duration::from_secs(19)),
            w + Duration::from_secs(19),
            "overdue: now"
        );
        assert_eq!(s.clone().next_run(w), w + T.max_debounce);

        // A write during a sync is not taken as pushed.
        let started = w + Duration::from_secs(20);
        s.wrote(started + Duration::from_millis(10));
        s.ran(
            started,
            started + Duration::from_secs(1),
            Outcome::Synced,
            0.0,
        );
        assert_eq!(
            s.next_run(started + Duration::from_secs(1)),
            started + Duration::from_millis(10) + T.debounce
        );
    }

    #[test]
    fn offline_writes_wait_for_the_backoff_and_sync_now_does_not() {
        let t0 = Instant::now();
        let mut s = Schedule::new(T);
        s.ran(t0, t0, Outcome::Failed, 0.0);
        s.ran(t0, t0 + Duration::from_secs(2), Outcome::Failed, 0.0);
        let retry = t0 + Duration::from_secs(6);
        s.wrote(t0 + Duration::from_secs(3));
        assert_eq!(
            s.next_run(t0 + Duration::from_secs(3)),
            retry,
            "a write does not hammer an absent hub"
        );
        s.force();
        assert_eq!(
            s.next_run(t0 + Duration::from_secs(3)),
            t0 + Duration::from_secs(3)
        );
        s.ran(retry, retry, Outcome::Synced, 0.0);
        assert_eq!(s.failures(), 0);
        assert_eq!(
            s.next_run(retry),
            retry + T.interval,
            "back to the periodic pull"
        );
        s.ran(retry, retry, Outcome::Idle, 0.0);
        assert_eq!(
            s.next_run(retry),
            retry + T.interval,
            "not enrolled: no backoff, a look now and then"
        );
    }

    /// A driver that answers from a script and records when it was called.
    struct Fake {
        origin: Instant,
        script: Vec<Outcome>,
        runs: Arc<Mutex<Vec<u64>>>,
    }

    impl Driver for Fake {
        async fn sync(&mut self) -> Outcome {
            self.runs
                .lock()
                .unwrap()
                .push((Instant::now() - self.origin).as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(100)).await;
            if self.script.is_empty() {
                Outcome::Synced
            } else {
                self.script.remove(0)
            }
        }

        async fn wrote(&mut self) {}
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_retries_while_offline_then_pushes_writes_and_pulls_periodically() {
        let signals = Arc::new(Signals::default());
        let runs = Arc::new(Mutex::new(vec![]));
        let timing = Timing {
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(4),
            ..T
        };
        let origin = Instant::now();
        let ms = move |i: Instant| (i - origin).as_millis() as u64;
        let mut fake = Fake {
            origin,
            script: vec![Outcome::Failed; 4],
            runs: runs.clone(),
        };
        let sig = signals.clone();
        let task = tokio::spawn(async move { run_loop(&sig, timing, &mut fake).await });

        // Start-up, then retries after ~1, ~2, ~4, ~4 s (each run takes 0.1 s).
        tokio::time::sleep(Duration::from_secs(12)).await;
        let seen = runs.lock().unwrap().clone();
        assert_eq!(seen.len(), 5, "{seen:?}");
        assert_eq!(seen[0], 0, "the first sync is at start-up");
        let gaps: Vec<u64> = seen.windows(2).map(|w| w[1] - w[0] - 100).collect();
        for (gap, full) in gaps.iter().zip([1000, 2000, 4000, 4000]) {
            assert!(
                *gap <= full && *gap >= full * 3 / 4,
                "backoff with jitter: {gaps:?}"
            );
        }

        // The fifth run synced: a write is pushed 2 s after it...
        signals.write.notify_one();
        let wrote_at = ms(Instant::now());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let seen = runs.lock().unwrap().clone();
        assert_eq!(seen.len(), 6, "{seen:?}");
        assert_eq!(
            seen[5] - wrote_at,
            2000,
            "pushed once the desk was quiet for 2 s"
        );

        // ...sync now runs at once...
        signals.now.notify_one();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(runs.lock().unwrap().len(), 7, "sync now runs at once");

        // ...and otherwise one pull per interval.
        tokio::time::sleep(Duration::from_secs(31)).await;
        let seen = runs.lock().unwrap().clone();
        assert_eq!(seen.len(), 8, "{seen:?}");
        assert_eq!(
            seen[7] - seen[6],
            30_100,
            "30 s after the previous run ended"
        );
        task.abort();
    }
}

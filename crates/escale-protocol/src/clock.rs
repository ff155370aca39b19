//! The wall clock, read in one place. Every "now" of the laptop's core, its
//! transports and the hub — operation stamps, the demo's "today", the birth
//! years that cannot be yet, the events list's "past or upcoming" — comes
//! from [`now_utc`] or [`now_ms`]; nothing else reads the system clock for
//! the time of day (durations and timeouts use monotonic clocks).
//!
//! With the cargo feature `test-clock`, [`test_clock`] lets a test harness
//! freeze or shift this clock for the whole process (the UI's bridge,
//! `src-tauri/src/bin/escale-ui-bridge.rs`, runs the component tests on a
//! fixed day this way). No shipped binary enables the feature, and nothing
//! but code calling [`test_clock`] can change the time: there is no
//! environment variable and no command.

use chrono::{DateTime, Utc};

/// Now, in UTC.
pub fn now_utc() -> DateTime<Utc> {
    #[cfg(feature = "test-clock")]
    if let Some(now) = test_clock::now() {
        return now;
    }
    Utc::now()
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    now_utc().timestamp_millis()
}

/// A process-wide setting of [`now_utc`], for test harnesses only.
#[cfg(feature = "test-clock")]
pub mod test_clock {
    use chrono::{DateTime, Utc};
    use std::sync::RwLock;

    #[derive(Debug, Clone, Copy)]
    enum Setting {
        /// Time stands still at this instant (Unix ms).
        Frozen(i64),
        /// The system clock plus this many ms: time runs, shifted.
        Shifted(i64),
    }

    static SETTING: RwLock<Option<Setting>> = RwLock::new(None);

    fn set(setting: Option<Setting>) {
        *SETTING.write().unwrap_or_else(|p| p.into_inner()) = setting;
    }

    fn setting() -> Option<Setting> {
        *SETTING.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn now() -> Option<DateTime<Utc>> {
        let ms = match setting()? {
            Setting::Frozen(ms) => ms,
            Setting::Shifted(by) => Utc::now().timestamp_millis().saturating_add(by),
        };
        DateTime::<Utc>::from_timestamp_millis(ms)
    }

    /// Stops the clock at `ms` (Unix milliseconds) until told otherwise.
    pub fn freeze_at(ms: i64) {
        set(Some(Setting::Frozen(ms)));
    }

    /// Lets the clock run, `by_ms` ahead of the system's (behind if negative).
    pub fn shift_by(by_ms: i64) {
        set(Some(Setting::Shifted(by_ms)));
    }

    /// Moves the clock `ms` forward (backward if negative), frozen or running.
    pub fn advance(ms: i64) {
        let next = match setting() {
            Some(Setting::Frozen(at)) => Setting::Frozen(at.saturating_add(ms)),
            Some(Setting::Shifted(by)) => Setting::Shifted(by.saturating_add(ms)),
            None => Setting::Shifted(ms),
        };
        set(Some(next));
    }

    /// Back to the system clock.
    pub fn reset() {
        set(None);
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::TimeDelta;

        #[test]
        fn a_frozen_clock_stands_still_and_moves_only_when_advanced() {
            // Near the real time: other tests of this process read the clock
            // meanwhile (the year of a birth year, for one).
            let at = Utc::now().timestamp_millis();
            freeze_at(at);
            assert_eq!(super::super::now_ms(), at);
            assert_eq!(super::super::now_ms(), at, "frozen");
            advance(60_000);
            assert_eq!(super::super::now_ms(), at + 60_000);
            shift_by(-60_000);
            let behind = Utc::now() - super::super::now_utc();
            assert!(
                (behind - TimeDelta::minutes(1)).num_milliseconds().abs() < 1_000,
                "shifted a minute back, and running: {behind}"
            );
            reset();
            assert!(setting().is_none(), "back to the system clock");
        }
    }
}

//! Enrolment attempts are rate-limited per client address and globally, in
//! fixed one-minute windows: guessing an 80-bit code is hopeless, and a
//! noisy client cannot lock everybody else out for more than a minute.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    per_ip: u32,
    global: u32,
    window: Duration,
    state: Mutex<Windows>,
}

#[derive(Debug)]
struct Windows {
    started: Instant,
    global: u32,
    per_ip: HashMap<Option<IpAddr>, u32>,
}

impl RateLimiter {
    pub fn new(per_ip: u32, global: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            per_ip,
            global,
            window,
            state: Mutex::new(Windows {
                started: Instant::now(),
                global: 0,
                per_ip: HashMap::new(),
            }),
        }
    }

    /// Counts one attempt; `Err(seconds to wait)` when over a limit.
    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), u64> {
        let Ok(mut w) = self.state.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if now.duration_since(w.started) >= self.window {
            w.started = now;
            w.global = 0;
            w.per_ip.clear();
        }
        let wait = (self.window.saturating_sub(now.duration_since(w.started)))
            .as_secs()
            .max(1);
        if w.global >= self.global {
            return Err(wait);
        }
        let n = w.per_ip.entry(ip).or_default();
        if *n >= self.per_ip {
            return Err(wait);
        }
        *n += 1;
        w.global += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_is_stopped_without_stopping_the_others_until_the_global_cap() {
        let l = RateLimiter::new(2, 3, Duration::from_secs(60));
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        assert!(l.check(a).is_ok());
        assert!(l.check(a).is_ok());
        assert!(
            l.check(a).is_err(),
            "a third try from the same address waits"
        );
        assert!(l.check(b).is_ok(), "another address still gets through");
        assert!(l.check(b).is_err(), "the global cap (3) is reached");
    }
}

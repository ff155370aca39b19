//! Hybrid logical clock and the (HLC, origin) stamp that orders writes.
//!
//! An [`Hlc`] packs wall-clock milliseconds (high 48 bits) and a counter (low
//! 16 bits) into one `i64`, so it sorts as a number and fits an SQL INTEGER.
//! A [`Stamp`] adds the device id as the final tie-break: two different ops
//! never have equal stamps, which makes last-writer-wins deterministic.
//!
//! Laptop clocks are wrong. [`Clock::observe`] keeps the clock monotonic
//! across everything seen, but refuses to be dragged forward by a timestamp
//! more than [`MAX_FORWARD_MS`] ahead of local time (the data is still stored;
//! only our own clock does not follow it).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use uuid::Uuid;

const COUNTER_BITS: u32 = 16;
const COUNTER_MASK: i64 = (1 << COUNTER_BITS) - 1;

/// How far ahead of the local wall clock a remote timestamp may pull our clock.
pub const MAX_FORWARD_MS: i64 = 5 * 60 * 1000;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hlc(pub i64);

impl Hlc {
    pub fn new(ms: i64, counter: i64) -> Hlc {
        Hlc((ms << COUNTER_BITS) | (counter & COUNTER_MASK))
    }
    /// Wall-clock part, in Unix milliseconds.
    pub fn ms(self) -> i64 {
        self.0 >> COUNTER_BITS
    }
    pub fn counter(self) -> i64 {
        self.0 & COUNTER_MASK
    }
}

/// The local clock state, persisted in the store between writes.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub last: Hlc,
}

impl Clock {
    /// The next timestamp for a local op: after everything seen, and at least now.
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        let next = if now_ms > self.last.ms() {
            Hlc::new(now_ms, 0)
        } else if self.last.counter() < COUNTER_MASK {
            Hlc::new(self.last.ms(), self.last.counter() + 1)
        } else {
            // Counter exhausted within one millisecond: borrow the next one.
            Hlc::new(self.last.ms() + 1, 0)
        };
        self.last = next;
        next
    }

    /// Takes a remote timestamp into account without letting a far-future
    /// one drag the clock. Returns whether it was adopted.
    pub fn observe(&mut self, remote: Hlc, now_ms: i64) -> bool {
        if remote.ms() > now_ms + MAX_FORWARD_MS {
            return false;
        }
        if remote > self.last {
            self.last = remote;
        }
        true
    }
}

/// (HLC, origin): the total order of writes used by last-writer-wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub hlc: Hlc,
    pub origin: Uuid,
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Fixed-width hex so that the text sorts like the tuple.
        write!(f, "{:016x}/{}", self.hlc.0, self.origin)
    }
}

impl std::str::FromStr for Stamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (h, o) = s
            .split_once('/')
            .ok_or_else(|| format!("bad stamp {s:?}"))?;
        let hlc = i64::from_str_radix(h, 16).map_err(|e| e.to_string())?;
        let origin = Uuid::parse_str(o).map_err(|e| e.to_string())?;
        Ok(Stamp {
            hlc: Hlc(hlc),
            origin,
        })
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Unix milliseconds now (the one wall clock: [`crate::clock`]).
pub use crate::clock::now_ms;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_strictly_monotonic_even_when_the_wall_clock_goes_back() {
        let mut c = Clock {
            last: Hlc::default(),
        };
        let a = c.tick(1_000);
        let b = c.tick(900); // clock jumped back
        let d = c.tick(900);
        assert!(
            a < b && b < d,
            "each local op must sort after the previous one"
        );
        assert_eq!(b.ms(), 1_000, "the clock never goes back");
    }

    #[test]
    fn a_far_future_timestamp_is_not_adopted() {
        let mut c = Clock {
            last: Hlc::new(1_000, 0),
        };
        let future = Hlc::new(1_000 + 10 * 3_600_000, 0);
        assert!(!c.observe(future, 1_000));
        assert_eq!(
            c.last,
            Hlc::new(1_000, 0),
            "a skewed laptop must not drag our clock hours ahead"
        );
        assert!(c.observe(Hlc::new(2_000, 3), 1_500));
        assert_eq!(c.last, Hlc::new(2_000, 3));
    }

    #[test]
    fn stamp_text_sorts_like_the_tuple() {
        let o1 = Uuid::from_u128(1);
        let o2 = Uuid::from_u128(2);
        let mut stamps = vec![
            Stamp {
                hlc: Hlc::new(5, 0),
                origin: o2,
            },
            Stamp {
                hlc: Hlc::new(5, 0),
                origin: o1,
            },
            Stamp {
                hlc: Hlc::new(4, 9),
                origin: o2,
            },
            Stamp {
                hlc: Hlc::new(400, 0),
                origin: o1,
            },
        ];
        let mut texts: Vec<String> = stamps.iter().map(|s| s.to_string()).collect();
        stamps.sort();
        texts.sort();
        let back: Vec<Stamp> = texts.iter().map(|t| t.parse().unwrap()).collect();
        assert_eq!(back, stamps);
    }
}

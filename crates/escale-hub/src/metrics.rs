//! Prometheus metrics, written by hand in the text exposition format:
//! requests by route and status, ops stored, and a push latency histogram.
//! Process-local (one hub process); the database-wide figures (orgs,
//! devices) are read when `/metrics` is scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the push latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    ops_stored: AtomicU64,
    ops_duplicate: AtomicU64,
    ops_quarantined: AtomicU64,
    push: Mutex<Histogram>,
}

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_string(), status)).or_default() += 1;
        }
    }

    pub fn pushed(&self, stored: usize, duplicates: usize, quarantined: usize, took: Duration) {
        self.ops_stored.fetch_add(stored as u64, Ordering::Relaxed);
        self.ops_duplicate
            .fetch_add(duplicates as u64, Ordering::Relaxed);
        self.ops_quarantined
            .fetch_add(quarantined as u64, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        if let Ok(mut h) = self.push.lock() {
            for (i, le) in BUCKETS.iter().enumerate() {
                if secs <= *le {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    /// The exposition text. `gauges` are extra name/help/value triples.
    pub fn render(&self, gauges: &[(&str, &str, i64)]) -> String {
        let mut out = String::new();
        out += "# HELP escale_hub_requests_total HTTP requests answered, by route and status.\n";
        out += "# TYPE escale_hub_requests_total counter\n";
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "escale_hub_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        for (name, help, v) in [
            (
                "escale_hub_ops_stored_total",
                "Operations stored for the first time (quarantined included).",
                &self.ops_stored,
            ),
            (
                "escale_hub_ops_duplicate_total",
                "Operations received again and ignored (idempotent replays).",
                &self.ops_duplicate,
            ),
            (
                "escale_hub_ops_quarantined_total",
                "Operations stored but quarantined (invalid body).",
                &self.ops_quarantined,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        out += "# HELP escale_hub_push_duration_seconds Time to store one push, from parsed request to commit.\n";
        out += "# TYPE escale_hub_push_duration_seconds histogram\n";
        if let Ok(h) = self.push.lock() {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "escale_hub_push_duration_seconds_bucket{{le=\"{le}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "escale_hub_push_duration_seconds_bucket{{le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "escale_hub_push_duration_seconds_sum {}", h.sum);
            let _ = writeln!(out, "escale_hub_push_duration_seconds_count {}", h.count);
        }
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_as_prometheus_expects() {
        let m = Metrics::default();
        m.pushed(3, 0, 0, Duration::from_millis(3));
        m.pushed(1, 1, 0, Duration::from_secs(20));
        let text = m.render(&[]);
        assert!(
            text.contains("escale_hub_push_duration_seconds_bucket{le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("escale_hub_push_duration_seconds_bucket{le=\"10\"} 1"),
            "20 s is above the last bound: {text}"
        );
        assert!(
            text.contains("escale_hub_push_duration_seconds_bucket{le=\"+Inf\"} 2"),
            "{text}"
        );
        assert!(text.contains("escale_hub_ops_stored_total 4"), "{text}");
    }
}

//! The hub's state, built once at start-up and handed to the router: the
//! database, the limits, the metrics and the enrolment rate limiter.

use crate::db::Db;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use escale_protocol::wire::MAX_BODY_BYTES;
use std::sync::Arc;
use std::time::Duration;

/// Test-only: when set to 1, the hub stops right after committing a push
/// and before answering (the failpoint [`FAILPOINT_AFTER_COMMIT`]: it says
/// so on stderr and waits to be killed), to prove a lost answer loses nothing.
pub const CRASH_AFTER_COMMIT_ENV: &str = "ESCALE_HUB_CRASH_AFTER_COMMIT";
/// The hub's failpoint: a push committed, not answered.
pub const FAILPOINT_AFTER_COMMIT: &str = "hub_after_commit";

#[derive(Debug, Clone)]
pub struct HubConfig {
    pub enroll_per_ip_per_minute: u32,
    pub enroll_global_per_minute: u32,
    pub max_body_bytes: usize,
    /// Longest a request may take, body upload included: a client that
    /// trickles its body (or a stuck query) gets 503 `hub.timeout` and its
    /// transaction is rolled back, instead of holding a connection forever.
    pub request_timeout: std::time::Duration,
    /// See [`CRASH_AFTER_COMMIT_ENV`].
    pub crash_after_commit: bool,
}

impl Default for HubConfig {
    fn default() -> Self {
        HubConfig {
            enroll_per_ip_per_minute: 10,
            enroll_global_per_minute: 60,
            max_body_bytes: MAX_BODY_BYTES,
            request_timeout: std::time::Duration::from_secs(60),
            crash_after_commit: false,
        }
    }
}

impl HubConfig {
    /// The defaults, plus the crash switch from the environment.
    pub fn from_env() -> HubConfig {
        HubConfig {
            crash_after_commit: std::env::var(CRASH_AFTER_COMMIT_ENV).is_ok_and(|v| v == "1"),
            ..HubConfig::default()
        }
    }
}

#[derive(Debug)]
pub struct Inner {
    pub db: Db,
    pub config: HubConfig,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
}

/// Cheap to clone: every handler gets one.
#[derive(Debug, Clone)]
pub struct HubState(Arc<Inner>);

impl HubState {
    pub fn new(db: Db, config: HubConfig) -> HubState {
        let limiter = RateLimiter::new(
            config.enroll_per_ip_per_minute,
            config.enroll_global_per_minute,
            Duration::from_secs(60),
        );
        HubState(Arc::new(Inner {
            db,
            config,
            metrics: Metrics::default(),
            limiter,
        }))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn config(&self) -> &HubConfig {
        &self.0.config
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }
}

//! One sync with the hub ([`sync_now`]): pull every page the laptop lacks,
//! then push every page the hub lacks, through the node API
//! (`escale_core::sync::node::exchange`, the one write path), and record
//! the outcome for the status bar. Each page commits on its own; this module
//! holds no lock across the network.

use super::binding::{last_sync, load_binding, save_last, HubBinding};
use super::client::{HubCallError, HubClient, Retry};
use super::SyncError;
use escale_core::store::Store;
use escale_core::sync::node::{exchange, lacking, Remote, Window};
use escale_protocol::catalogue::Describe;
use escale_protocol::failpoint::wait_to_be_killed;
use escale_protocol::hlc::now_ms;
use escale_protocol::wire::{
    PullResponse, PushResponse, VersionVector, WireErrorBody, WireOp, MAX_PAGE_OPS,
};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use uuid::Uuid;

/// The peer name the hub's vector is remembered under (`Store::remember_peer`).
pub const HUB_PEER: &str = "hub";

/// Test-only: when set to 1, `escale sync now` stops at the failpoint
/// [`FAILPOINT_BEFORE_COMMIT`] — the hub answered a pull, the laptop has
/// committed nothing of it — and waits there to be killed.
pub const CRASH_BEFORE_COMMIT_ENV: &str = "ESCALE_SYNC_CRASH_BEFORE_COMMIT";
/// The laptop's failpoint: a pulled page received, not committed.
pub const FAILPOINT_BEFORE_COMMIT: &str = "sync_before_commit";

/// Knobs of [`sync_now`].
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Ops per push or pull page.
    pub page: usize,
    /// See [`CRASH_BEFORE_COMMIT_ENV`].
    pub crash_before_commit: bool,
    /// Tries per call when the network fails ([`Retry::attempts`]): a
    /// person's `sync now` waits a little for a flaky link; a background
    /// task that has its own backoff asks once.
    pub attempts: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            page: 2_000,
            crash_before_commit: false,
            attempts: Retry::default().attempts,
        }
    }
}

impl SyncOptions {
    pub fn from_env() -> SyncOptions {
        SyncOptions {
            crash_before_commit: std::env::var(CRASH_BEFORE_COMMIT_ENV).is_ok_and(|v| v == "1"),
            ..SyncOptions::default()
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    pub hub_url: String,
    /// Ops the hub stored for the first time.
    pub pushed: usize,
    /// Ops this laptop stored for the first time.
    pub pulled: usize,
    /// Ops either side already had (replays after a lost answer).
    pub duplicates: usize,
    pub quarantined: usize,
    pub push_requests: usize,
    pub pull_requests: usize,
    /// Ops this laptop holds that the hub lacks, after the sync (0 unless
    /// another device wrote meanwhile... on this side).
    pub unsynced: i64,
    /// Hub clock minus ours (ms), from `/v1/time`.
    pub skew_ms: i64,
    pub took_ms: u64,
    /// Possible duplicates to check (`Escale::duplicate_candidates`) that
    /// involve at least one visitor this sync brought or changed.
    #[serde(default)]
    pub duplicates_proposed: usize,
    /// Transfers that failed and were tried again, smaller.
    #[serde(default)]
    pub retries: usize,
    /// What one request carries now, learnt from the link
    /// ([`Window`]): small after drops.
    #[serde(default)]
    pub window_bytes: usize,
}

/// One sync with the hub: pull every page we lack, then push every page
/// the hub lacks. Each page commits on its own, so an interrupted sync
/// keeps what it got and the next one resumes; replays change nothing.
pub async fn sync_now(store: &Store, opts: SyncOptions) -> Result<SyncReport, SyncError> {
    let binding = load_binding(store).await?.ok_or(SyncError::NotEnrolled)?;
    let mut last = last_sync(store).await?;
    last.last_attempt_ms = Some(now_ms());
    let mut window = Window::new(last.window_bytes.unwrap_or(Window::START));
    let outcome = run_sync(store, &binding, opts, &mut window).await;
    last.window_bytes = Some(window.bytes);
    match &outcome {
        Ok(r) => {
            last.last_success_ms = Some(now_ms());
            last.last_error = None;
            last.skew_ms = Some(r.skew_ms);
        }
        Err(e) => {
            last.last_error = Some(WireErrorBody::of(&e.describe()));
        }
    }
    save_last(store, &last).await?;
    outcome
}

async fn run_sync(
    store: &Store,
    b: &HubBinding,
    opts: SyncOptions,
    window: &mut Window,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut client = b.client()?;
    client.retry.attempts = opts.attempts.max(1);
    // A lost transfer is tried again by the exchange, smaller.
    client.retry.resend_lost = false;
    let page = opts.page.clamp(1, MAX_PAGE_OPS);
    let mut r = SyncReport {
        hub_url: b.url.clone(),
        pushed: 0,
        pulled: 0,
        duplicates: 0,
        quarantined: 0,
        push_requests: 0,
        pull_requests: 0,
        unsynced: 0,
        skew_ms: 0,
        took_ms: 0,
        duplicates_proposed: 0,
        retries: 0,
        window_bytes: 0,
    };
    // Visitors written from here on (`visitor.rev`) came with this sync.
    let rev_before = store.rev().await?;
    r.skew_ms = client.skew_ms().await?;

    let mut remote = HubRemote {
        client: &client,
        device_id: b.device_id,
        crash_before_commit: opts.crash_before_commit,
    };
    let x = exchange(store, &mut remote, page, window).await?;
    (r.pulled, r.pushed, r.duplicates, r.quarantined) =
        (x.pulled, x.pushed, x.duplicates, x.quarantined);
    (r.retries, r.window_bytes) = (x.retries, window.bytes);
    (r.pull_requests, r.push_requests) = (x.pull_requests, x.push_requests);
    let hub_vector = x.their_vector;
    store.remember_peer(HUB_PEER, &hub_vector).await?;
    r.unsynced = lacking(&store.vector().await?, &hub_vector);
    if r.pulled > 0 {
        // Advice only: the sync itself succeeded whatever happens here.
        r.duplicates_proposed = escale_core::app::proposed_since(store, rev_before)
            .await
            .unwrap_or(0);
    }
    r.took_ms = started.elapsed().as_millis() as u64;
    Ok(r)
}

/// The hub, as [`exchange`] drives it.
struct HubRemote<'a> {
    client: &'a HubClient,
    device_id: Uuid,
    crash_before_commit: bool,
}

impl Remote for HubRemote<'_> {
    type Error = SyncError;

    async fn pull(
        &mut self,
        vector: VersionVector,
        limit: usize,
        max_bytes: usize,
    ) -> Result<PullResponse, SyncError> {
        Ok(self.client.pull(&vector, limit, Some(max_bytes)).await?)
    }

    async fn push(&mut self, ops: Vec<WireOp>) -> Result<PushResponse, SyncError> {
        Ok(self.client.push(self.device_id, ops).await?)
    }

    async fn before_commit(&mut self) {
        if self.crash_before_commit {
            // The page is here, nothing of it is committed.
            wait_to_be_killed(FAILPOINT_BEFORE_COMMIT).await;
        }
    }

    /// The link dropped or timed out, the hub failed or found the page too
    /// large: try again, smaller. A hub out of reach (nothing connected) is
    /// not: the client already retried it, and the schedule's backoff
    /// takes over.
    fn is_transient(e: &SyncError) -> bool {
        match e {
            SyncError::Hub(h) => {
                (h.is_transient() && !h.never_handled())
                    || matches!(h, HubCallError::Refused { status: 413, .. })
            }
            _ => false,
        }
    }

    async fn pause(&mut self, failures: u32) {
        // A link that drops is back at once; a hub in trouble gets longer.
        let ms = (50u64 << failures.saturating_sub(1).min(6)).min(2_000);
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

//! The laptop's side of the hub's HTTP API:
//!
//! - `client`: [`HubClient`], a small reqwest client (rustls with ring, no
//!   OpenSSL) that retries network failures with exponential backoff, and
//!   [`HubCallError`];
//! - the laptop's use of it: `binding` (the [`HubBinding`] kept in the
//!   store's `local` table), `enroll` ([`enroll`]), `run` ([`sync_now`]: pull
//!   pages until `more` is false, then push what the hub lacks), `status`
//!   ([`status`]), and `error` ([`SyncError`], why any of it failed).
//!
//! Every call is safe to retry: a push is idempotent on the hub and a pull
//! page is idempotent on the laptop, so a lost response costs a resend,
//! never a lost or doubled op. What to push and how to apply a page is the
//! node API's business (`sync::node`: `ops_for`, `apply_pull`), which goes
//! through the one write path.

mod binding;
mod client;
mod enroll;
mod error;
mod run;
mod status;

pub use self::binding::{last_sync, load_binding, save_binding, HubBinding, LastSync};
pub use self::client::{HubCallError, HubClient, Retry};
pub use self::enroll::enroll;
pub use self::error::SyncError;
pub use self::run::{
    sync_now, SyncOptions, SyncReport, CRASH_BEFORE_COMMIT_ENV, FAILPOINT_BEFORE_COMMIT, HUB_PEER,
};
pub use self::status::{status, SyncStatus};

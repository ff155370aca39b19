//! The laptop's sync transports, over the node API of `escale-core`
//! (`escale_core::sync::node`: what a store serves and applies):
//!
//! - [`hub`]: the HTTP client to the organisation's hub — enrolment,
//!   `sync_now` (pull pages, then push), status;
//! - [`peer`]: two laptops of a stand without a hub — pairing code,
//!   encrypted channel, mDNS discovery;
//! - [`schedule`]: when the background sync runs (pure, tested with paused
//!   time).
//!
//! The wire types are `escale_protocol::wire`. The hub (`escale-hub`) never
//! compiles this crate: it shares only the protocol.

pub mod hub;
pub mod peer;
pub mod schedule;

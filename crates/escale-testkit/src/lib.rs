//! Test set-up shared by the workspace's test suites. Only ever a
//! dev-dependency.
//!
//! - [`desk`]: a fresh initialised store with an event, and small builders
//!   (a person, a walk-in);
//! - [`nodes`]: several devices of one organisation and the exchanges
//!   between them through the node API (partial, shuffled, duplicated
//!   deliveries);
//! - [`net`]: what network tests need of the machine (multicast on `lo`);
//! - [`badlink`]: a TCP proxy that cuts, delays and throttles connections
//!   (sync over a bad Wi-Fi), deterministic by seed;
//! - [`bench`]: benchmark results as data points, for the scaling charts.

pub mod badlink;
pub mod bench;
pub mod desk;
pub mod net;
pub mod nodes;

/// Whether the field registry has this visitor field (for end-to-end tests
/// that name a field's input).
pub fn registry_has_visitor_field(name: &str) -> bool {
    escale_core::fields::visitor(name).is_some()
}

//! Stand peers: two laptops sync on the local network, without a hub and
//! without internet. One **shares** ([`share`]): it listens on TCP, shows a
//! short pairing code and advertises itself by mDNS (`_escale._tcp`); the
//! other **joins** ([`join`]) with that code, and the two run the usual
//! exchange — the joiner pulls every page it lacks, then pushes every page
//! the sharer lacks — over a channel encrypted and mutually authenticated
//! by the code and the organisation's sync key.
//!
//! - [`pairing`]: the code, SPAKE2, HKDF, key confirmation, org proofs;
//! - [`channel`]: length-prefixed frames, ChaCha20-Poly1305 per direction
//!   with counter nonces, size caps and deadlines;
//! - [`discovery`]: a minimal mDNS responder and browser, restricted to the
//!   interface named by `ESCALE_MDNS_INTERFACE` when it is set;
//! - `live` ([`live`]): laptops that already belong to the organisation
//!   find each other and run the same exchange every few seconds by
//!   themselves, paired by the organisation's key instead of a code.
//!
//! A session, joiner → sharer (the full description, with the threat model,
//! is in `docs/sync-protocol.md`, "Stand peers"):
//!
//! ```text
//! plain   J→S  pair {magic, protocol, pake}       S→J  pair_reply {protocol, pake} | error
//! plain   J→S  confirm {mac}                      S→J  confirm {mac} | error (wrong code, burned)
//! sealed (code keys)
//!         J→S  hello                              S→J  hello
//!         J initialised:  J→S org_proof           S→J  org_proof | error (other org)
//!         J empty:                                S→J  welcome {org_id, sync_key}
//! sealed (code + org keys)
//!         J→S  pull … (until `more` is false)     S→J  pulled …
//!         J→S  push … (while the sharer lacks)    S→J  pushed …
//!         J→S  bye {device_id, vector, …}         S→J  bye {…}
//! ```
//!
//! Every step before the data is checked before anything is written: a
//! wrong code, another organisation or another protocol version leaves both
//! stores untouched. Each page is then applied like a hub page (its own
//! transaction, idempotent), so a session cut midway keeps what it got and
//! the next one resumes.
//!
//! Files: `error` (`PeerError`), `session` (the messages both sides
//! speak), `share` (the sharer), `join` (the joiner), `live` (the stand).

pub mod channel;
pub mod discovery;
mod error;
mod join;
mod live;
pub mod pairing;
mod session;
mod share;

use std::time::Duration;

pub use self::discovery::{browse, Found, INTERFACE_ENV, SERVICE};
pub use self::error::PeerError;
pub use self::join::{join, JoinOptions, PeerReport};
pub use self::live::{live, LiveOptions, LiveStand, StandPeer, StandView};
pub use self::pairing::PairingCode;
pub use self::share::{share, PeerEvent, PeerShare, ShareOptions};

/// How long a sharer's code stays valid by default.
pub const CODE_TTL: Duration = Duration::from_secs(10 * 60);
/// Wrong codes a sharer accepts before it burns its code.
pub const MAX_FAILURES: u32 = 3;
/// Deadline of every read and write.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a joiner listens for sharers when no address is given.
pub const BROWSE_WINDOW: Duration = Duration::from_secs(3);
/// The prefix of the peer names under which vectors are remembered
/// (`Store::remember_peer("peer:<device id>", …)`).
pub const PEER_PREFIX: &str = "peer:";

/// A sharer found by mDNS, for the tests of picking and of messages.
#[cfg(test)]
pub(crate) fn found(name: &str, org: u128, port: u16) -> Found {
    use uuid::Uuid;
    Found {
        name: name.into(),
        org_id: Some(Uuid::from_u128(org)),
        device_id: Some(Uuid::from_u128(port as u128)),
        protocol: Some(escale_protocol::wire::PROTOCOL_VERSION),
        stand: None,
        addr: std::net::SocketAddr::from(([192, 168, 1, 10], port)),
    }
}

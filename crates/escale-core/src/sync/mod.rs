//! Offline sync: the protocol shared by every transport (hub, LAN peers, USB
//! bundles) and the node-side operations that serve and apply it.
//!
//! - [`protocol`]: wire types (`WireOp`, push/pull messages, version vectors);
//! - [`node`]: what a node serves and applies — `Store::vector`,
//!   `Store::ops_for`, `Store::apply_push`, `Store::apply_pull`, clone
//!   detection, clock skew — all through `WriteTx::ingest`, the one write path;
//! - [`snapshot`]: a new device starts from a copy of the state and the log;
//! - [`bundle`]: one encrypted file carrying ops to any device of the
//!   organisation;
//! - [`peer`]: two laptops on a LAN, without a hub (pairing code, encrypted
//!   channel, mDNS discovery).
//!
//! The node API opens no socket: the transports (`http` to a hub, `peer`
//! on a LAN, `bundle` through a file) only move its types around. The rules are in `docs/sync-protocol.md`.

pub mod bundle;
pub mod http;
pub mod node;
pub mod peer;
pub mod protocol;
pub mod snapshot;

pub use bundle::{BundleExport, BundleImport};
pub use node::{ClockSkew, PeerState, QuarantinedOp};
pub use protocol::VersionVector;
pub use snapshot::SnapshotInfo;

use crate::error::{Error, Result};

/// The organisation's sync key: 32 random bytes made at `init`, held only
/// by the organisation's devices, that encrypts and authenticates USB
/// bundles (and LAN sessions). Stored hex-encoded in the `local` table.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncKey(pub [u8; 32]);

impl SyncKey {
    pub fn random() -> SyncKey {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        SyncKey(k)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Result<SyncKey> {
        let bytes =
            hex::decode(s.trim()).map_err(|_| Error::Corrupt("sync key is not hex".into()))?;
        let k: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::Corrupt("sync key must be 32 bytes".into()))?;
        Ok(SyncKey(k))
    }
}

impl std::fmt::Debug for SyncKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never in logs.
        f.write_str("SyncKey(…)")
    }
}

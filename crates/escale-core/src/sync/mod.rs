//! Offline sync, the node's side: what a store serves and applies, whatever
//! the transport. The wire types are `escale_protocol::wire`; the network
//! transports (the hub client, stand peers) are the `escale-sync` crate.
//!
//! - [`node`]: what a node serves and applies — `Store::vector`,
//!   `Store::ops_for`, `Store::apply_push`, `Store::apply_pull`, clone
//!   detection, clock skew — all through `WriteTx::ingest`, the one write path;
//! - [`snapshot`]: a new device starts from a copy of the state and the log;
//! - [`bundle`]: one encrypted file carrying ops to any device of the
//!   organisation;
//!
//! The node API opens no socket: the transports (`escale_sync::hub`,
//! `escale_sync::peer`, [`bundle`] through a file) only move its types
//! around. The rules are in `docs/sync-protocol.md`.

pub mod bundle;
pub mod node;
pub mod snapshot;

pub use bundle::{BundleExport, BundleImport};
pub use escale_protocol::wire::VersionVector;
pub use node::{ClockSkew, PeerState, QuarantinedOp};
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

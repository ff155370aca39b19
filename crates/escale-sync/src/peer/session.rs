//! What the sharer and the joiner share: the messages of a session (plain
//! before any key exists, sealed after), and the ways to end a session by
//! telling the other laptop why. The order of the messages is each side's
//! business ([`super::share`], [`super::join`]); this module must not drive
//! a session.

use super::channel::Channel;
use super::error::PeerError;
use escale_core::error::Error;
use escale_protocol::wire::{PullRequest, PullResponse, PushRequest, PushResponse, VersionVector};
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use uuid::Uuid;

/// First field of the first message: "this is an Escale peer".
pub(super) const MAGIC: &str = "escale-peer";

/// Handshake messages, before any key exists.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum Plain {
    Pair {
        magic: String,
        protocol: u32,
        pake: String,
        /// A stand laptop pairing with the organisation's key
        /// (`Secret::Stand`), not a person with a code.
        #[serde(default)]
        stand: bool,
    },
    PairReply {
        protocol: u32,
        pake: String,
    },
    Confirm {
        mac: String,
    },
    Error {
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<u32>,
    },
}

/// Who is on the other end (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Hello {
    pub(super) protocol: u32,
    pub(super) app_version: String,
    /// Absent for an empty data directory.
    pub(super) org_id: Option<Uuid>,
    pub(super) device_id: Option<Uuid>,
    pub(super) device_name: String,
    pub(super) initialised: bool,
    /// A stand laptop's own port (`super::live`): the one it answers may
    /// reach it back there, even when mDNS did not show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) stand_port: Option<u16>,
}

/// Sealed messages.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum Msg {
    Hello(Hello),
    OrgProof {
        mac: String,
    },
    Welcome {
        org_id: Uuid,
        sync_key: String,
    },
    Pull(PullRequest),
    Pulled(PullResponse),
    Push(PushRequest),
    Pushed(PushResponse),
    Bye {
        device_id: Uuid,
        vector: VersionVector,
        pulled: usize,
        pushed: usize,
    },
    Error {
        code: String,
        message: String,
    },
}

/// Tells the peer why we stop (best effort), before keys exist.
pub(super) async fn refuse_plain(
    chan: &mut Channel<TcpStream>,
    e: &PeerError,
    protocol: Option<u32>,
) {
    if let Some((code, message)) = e.for_peer() {
        let _ = chan
            .send(&Plain::Error {
                code,
                message,
                protocol,
            })
            .await;
    }
}

/// Tells the peer why we stop (best effort), on the sealed channel.
pub(super) async fn refuse<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    chan: &mut Channel<S>,
    e: &PeerError,
) {
    if let Some((code, message)) = e.for_peer() {
        let _ = chan.send(&Msg::Error { code, message }).await;
    }
}

pub(super) async fn refused(chan: &mut Channel<TcpStream>, e: Error) -> PeerError {
    let e = PeerError::Store(e);
    refuse(chan, &e).await;
    e
}

pub(super) fn unexpected(m: &Msg) -> PeerError {
    let name = serde_json::to_value(m)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default();
    PeerError::Protocol(format!("unexpected {name:?}"))
}

/// A sealed message; the peer's error message becomes our error.
pub(super) async fn recv_msg(chan: &mut Channel<TcpStream>, ours: u32) -> Result<Msg, PeerError> {
    match chan.recv::<Msg>().await? {
        Msg::Error { code, message } => Err(PeerError::from_peer(&code, &message, ours, None)),
        m => Ok(m),
    }
}

//! The sync protocol's wire types, shared by every transport: laptop → hub,
//! hub → laptop, laptop ↔ laptop on a LAN, and USB bundles.
//!
//! One exchange, whatever the transport: each side says what it has (a
//! [`VersionVector`]), and the other sends the ops it lacks — every op with
//! `seq > vector[origin]`, in (origin, seq) order, in bounded pages. Relays
//! keep the original origin and seq. Applying a page is idempotent, so a
//! replayed page (lost response, retry, duplicate delivery) changes nothing.
//!
//! This module only defines shapes and their validation; it does no I/O.

use crate::hlc::Hlc;
use crate::op::{Op, OpBody};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Bumped on any incompatible change. A peer speaking another version gets
/// `sync.protocol_too_old` / `sync.protocol_too_new`, never corrupt data.
pub const PROTOCOL_VERSION: u32 = 1;

/// Most ops in one push or pull page.
pub const MAX_PAGE_OPS: usize = 5_000;
/// Largest request body a hub or peer accepts (bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// About the bytes `op` takes in a page's JSON (its body's text plus the
/// envelope), to cut pages by size.
pub fn wire_size(op: &WireOp) -> usize {
    const ENVELOPE: usize = 200;
    ENVELOPE
        + op.kind.len()
        + op.body
            .as_ref()
            .map_or(0, |b| serde_json::to_string(b).map_or(0, |t| t.len()))
}

/// The ops of a page that fit in `max_bytes` (at least the first one): how
/// many to keep.
pub fn fitting(ops: &[WireOp], max_bytes: usize) -> usize {
    let mut used = 0;
    for (i, op) in ops.iter().enumerate() {
        used += wire_size(op);
        if used > max_bytes && i > 0 {
            return i;
        }
    }
    ops.len()
}

/// How many bytes one request carries, adapted to the link like TCP's
/// congestion window: it starts moderate, halves after a failed transfer
/// (down to a floor of a few ops; one op always goes, whatever its size),
/// and grows again after each success. Pages committed before a failure
/// are kept: each is progress that is never redone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub bytes: usize,
}

impl Window {
    /// A few ops.
    pub const FLOOR: usize = 4 * 1024;
    pub const START: usize = 512 * 1024;
    pub const CEILING: usize = MAX_BODY_BYTES / 2;
    /// Below this, the link is said to be unstable ("small batches").
    pub const UNSTABLE_BELOW: usize = 128 * 1024;

    pub fn new(bytes: usize) -> Window {
        Window {
            bytes: bytes.clamp(Self::FLOOR, Self::CEILING),
        }
    }

    /// A transfer failed: half as much next time.
    pub fn shrink(&mut self) {
        self.bytes = (self.bytes / 2).max(Self::FLOOR);
    }

    /// A transfer got through: a quarter more next time.
    pub fn grow(&mut self) {
        self.bytes = (self.bytes + self.bytes / 4).min(Self::CEILING);
    }

    /// A whole exchange got through without a retry: back towards the
    /// starting size (doubling, never past it), so that a link that got
    /// better stops being called unstable after a few quiet syncs.
    pub fn recover(&mut self) {
        if self.bytes < Self::START {
            self.bytes = (self.bytes * 2).min(Self::START);
        }
    }

    /// `ops` use at least half the window: a page that got through with
    /// them says the link can carry more (small pages, such as the last
    /// empty pull, say nothing). Stops counting once it knows.
    pub fn half_used_by(&self, ops: &[WireOp]) -> bool {
        let mut used = 0;
        ops.iter().any(|op| {
            used += wire_size(op);
            used * 2 >= self.bytes
        })
    }

    /// The link dropped often enough to bring the window down.
    pub fn unstable(&self) -> bool {
        self.bytes < Self::UNSTABLE_BELOW
    }
}

impl Default for Window {
    fn default() -> Self {
        Window::new(Self::START)
    }
}

/// For each origin, the highest contiguous seq held.
pub type VersionVector = BTreeMap<Uuid, i64>;

/// An op as it travels. `body` is absent for an op redacted by an erasure
/// (then `kind` and `subject` still travel, so seqs stay dense).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireOp {
    pub id: Uuid,
    pub origin: Uuid,
    pub seq: i64,
    pub hlc: i64,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

impl From<&Op> for WireOp {
    fn from(op: &Op) -> Self {
        let body = match &op.body {
            OpBody::Redacted { .. } => None,
            // Relayed as received, so a newer node can still read it.
            OpBody::Undecodable { body, .. } => serde_json::from_str(body).ok(),
            b => serde_json::to_value(b).ok(),
        };
        WireOp {
            id: op.id,
            origin: op.origin,
            seq: op.seq,
            hlc: op.hlc.0,
            kind: op.body.kind(),
            subject: op.body.subject(),
            body,
        }
    }
}

/// Why a wire op cannot even be stored (as opposed to an op that is stored
/// and quarantined because its body does not validate).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("seq must be ≥ 1, got {0}")]
    BadSeq(i64),
    #[error("hlc must be ≥ 0, got {0}")]
    BadHlc(i64),
    #[error("kind is empty or too long")]
    BadKind,
}

impl WireOp {
    /// Turns a wire op into an `Op`. A body that does not decode (unknown
    /// kind, wrong types) becomes [`OpBody::Undecodable`] (its reason is also
    /// returned): the store keeps it word for word and quarantines it, so one
    /// bad op never blocks a device. Only an impossible envelope is an error.
    pub fn into_op(self) -> Result<(Op, Option<String>), WireError> {
        if self.seq < 1 {
            return Err(WireError::BadSeq(self.seq));
        }
        if self.hlc < 0 {
            return Err(WireError::BadHlc(self.hlc));
        }
        if self.kind.is_empty() || self.kind.len() > 64 {
            return Err(WireError::BadKind);
        }
        let (body, problem) = match self.body {
            None => (
                OpBody::Redacted {
                    kind: OpBody::normalise_kind(self.kind),
                    subject: self.subject,
                },
                None,
            ),
            Some(v) => match OpBody::decode(&self.kind, self.subject, v) {
                OpBody::Undecodable {
                    kind,
                    subject,
                    body,
                    reason,
                } => (
                    OpBody::Undecodable {
                        kind,
                        subject,
                        body,
                        reason: reason.clone(),
                    },
                    Some(reason),
                ),
                b => (b, None),
            },
        };
        Ok((
            Op {
                id: self.id,
                origin: self.origin,
                seq: self.seq,
                hlc: Hlc(self.hlc),
                body,
            },
            problem,
        ))
    }
}

/// First message of any exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub app_version: String,
    pub org_id: Uuid,
    pub device_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub device_id: Uuid,
    pub ops: Vec<WireOp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Ops stored for the first time.
    pub applied: usize,
    /// Ops the receiver already had.
    pub duplicates: usize,
    /// Ops stored but quarantined (invalid), acknowledged all the same.
    pub quarantined: usize,
    /// The receiver's vector after the push.
    pub vector: VersionVector,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u32,
    /// What the caller already holds.
    pub vector: VersionVector,
    /// At most this many ops (capped at [`MAX_PAGE_OPS`]).
    pub limit: usize,
    /// At most about this many bytes of ops ([`wire_size`]), at least one
    /// op; absent: by count alone (a hub still caps a page at
    /// [`MAX_BODY_BYTES`]). A laptop on a link that drops asks for less
    /// ([`Window`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub ops: Vec<WireOp>,
    /// More ops are waiting: pull again with the updated vector.
    pub more: bool,
    /// The sender's vector (for "ops not yet synced" on the caller's side).
    pub vector: VersionVector,
}

/// `GET /v1/time`: the hub's clock, so a laptop can show its skew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTime {
    pub now_ms: i64,
}

/// Errors over the wire: a stable code, a message (English) and the values
/// the message names, so the receiver can say it in its own language from
/// the catalogue (`catalogue::Problem::from_wire`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

impl WireErrorBody {
    /// A problem as it travels: English text, and its arguments.
    pub fn of(problem: &crate::catalogue::Problem) -> WireErrorBody {
        WireErrorBody {
            code: problem.code().as_str().to_string(),
            message: problem.message(crate::Lang::En),
            args: problem.wire_args(),
        }
    }
}

// --- the hub's HTTP API (laptop <-> hub only) -------------------------------

/// Every call carries the protocol it speaks in this header (push and pull
/// also in their body's `protocol`).
pub const PROTOCOL_HEADER: &str = "escale-protocol";
/// The organisation the laptop believes it syncs; a token of another
/// organisation is refused (403 `auth.wrong_org`).
pub const ORG_HEADER: &str = "escale-org";

/// `POST /v1/enroll`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub protocol: u32,
    /// The one-time code the administrator printed (dashes and case ignored).
    pub code: String,
    pub device_name: String,
    /// The laptop's own device id (the `origin` of its ops); the hub
    /// generates one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    /// Shown once; the hub keeps only its SHA-256.
    pub token: String,
    /// The organisation's shared key (hex, 32 bytes: `SyncKey::from_hex`) for LAN sync and
    /// USB bundles, which only enrolled devices hold.
    pub org_key: String,
}

/// `GET /v1/snapshot?after=ORIGIN:SEQ&limit=N`: every op the hub serves, in
/// (origin, seq) order; `next` is the cursor of the following page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotPage {
    pub ops: Vec<WireOp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    pub vector: VersionVector,
}

/// Checks a peer's protocol version against ours.
pub fn check_protocol(theirs: u32) -> Result<(), &'static str> {
    match theirs.cmp(&PROTOCOL_VERSION) {
        std::cmp::Ordering::Less => Err("sync.protocol_too_old"),
        std::cmp::Ordering::Greater => Err("sync.protocol_too_new"),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    #[test]
    fn the_window_halves_on_failure_to_a_floor_and_grows_back_to_a_ceiling() {
        let mut w = Window::default();
        assert!(!w.unstable());
        for _ in 0..20 {
            w.shrink();
        }
        assert_eq!(w.bytes, Window::FLOOR);
        assert!(w.unstable(), "a link that failed this often is unstable");
        for _ in 0..100 {
            w.grow();
        }
        assert_eq!(w.bytes, Window::CEILING);
        assert_eq!(Window::new(1).bytes, Window::FLOOR);
    }

    #[test]
    fn quiet_exchanges_bring_a_small_window_back_to_the_start_and_no_further() {
        let mut w = Window::new(Window::FLOOR);
        let mut quiet = 0;
        while w.unstable() {
            w.recover();
            quiet += 1;
            assert!(quiet < 10, "a link that got better is stable again soon");
        }
        assert_eq!(quiet, 5, "4 KiB doubled five times is 128 KiB");
        for _ in 0..10 {
            w.recover();
        }
        assert_eq!(w.bytes, Window::START, "never past the start");
        let mut big = Window::new(Window::CEILING);
        big.recover();
        assert_eq!(
            big.bytes,
            Window::CEILING,
            "a window that grew keeps its size"
        );
    }

    #[test]
    fn a_page_is_cut_by_size_but_always_carries_one_op() {
        let op = |text: &str| WireOp {
            id: Uuid::now_v7(),
            origin: Uuid::nil(),
            seq: 1,
            hlc: 0,
            kind: "visitor_registered".into(),
            subject: None,
            body: Some(serde_json::json!({ "text": text })),
        };
        let big = "x".repeat(50_000);
        assert_eq!(
            fitting(&[op(&big), op("a")], 1_000),
            1,
            "one op, however large"
        );
        let small: Vec<WireOp> = (0..100).map(|_| op("abc")).collect();
        let one = wire_size(&small[0]);
        assert_eq!(fitting(&small, one * 10), 10);
        assert_eq!(fitting(&small, usize::MAX), 100);
        let on_wire = serde_json::to_string(&small[0]).unwrap().len();
        assert!(
            one >= on_wire && one < on_wire + 200,
            "{one} estimates {on_wire}"
        );
    }

    #[test]
    fn an_op_survives_the_wire_unchanged() {
        let mut fields = crate::op::Fields::new();
        fields.insert(
            "first_name".into(),
            serde_json::Value::String("Éloïse".into()),
        );
        let op = Op {
            id: Uuid::now_v7(),
            origin: Uuid::now_v7(),
            seq: 3,
            hlc: Hlc::new(1_700_000_000_000, 2),
            body: OpBody::Set {
                entity: Entity::Visitor,
                id: Uuid::now_v7(),
                fields,
            },
        };
        let json = serde_json::to_string(&WireOp::from(&op)).unwrap();
        let (back, problem) = serde_json::from_str::<WireOp>(&json)
            .unwrap()
            .into_op()
            .unwrap();
        assert_eq!(back, op);
        assert!(problem.is_none());
    }

    #[test]
    fn an_unknown_kind_is_stored_for_quarantine_not_rejected() {
        let w = WireOp {
            id: Uuid::now_v7(),
            origin: Uuid::now_v7(),
            seq: 1,
            hlc: 5,
            kind: "teleport".into(),
            subject: None,
            body: Some(serde_json::json!({"kind": "teleport"})),
        };
        let (op, problem) = w.into_op().unwrap();
        assert!(
            problem.is_some(),
            "the decode problem is reported for the quarantine"
        );
        assert!(
            matches!(op.body, OpBody::Undecodable { .. }),
            "kept word for word, to be quarantined"
        );
        let bad = WireOp {
            id: Uuid::now_v7(),
            origin: Uuid::now_v7(),
            seq: 0,
            hlc: 5,
            kind: "x".into(),
            subject: None,
            body: None,
        };
        assert_eq!(bad.into_op().unwrap_err(), WireError::BadSeq(0));
    }

    #[test]
    fn protocol_versions_are_checked_both_ways() {
        assert_eq!(check_protocol(PROTOCOL_VERSION), Ok(()));
        assert_eq!(
            check_protocol(PROTOCOL_VERSION + 1),
            Err("sync.protocol_too_new")
        );
        assert_eq!(check_protocol(0), Err("sync.protocol_too_old"));
    }
}

//! The node side of sync: what a store serves to a peer and how it applies
//! what a peer sends. Pure core: no network, no clock other than `now_ms`.
//!
//! Serving: [`Store::vector`] says what we hold; [`Store::ops_for`] answers
//! "give me what I lack" for a peer's vector — every op with
//! `peer[origin] < seq <= ours[origin]`, origin by origin in (origin, seq)
//! order, read by keyset on the `UNIQUE(origin, seq)` index, in bounded
//! pages. We only serve up to our own contiguous vector, so every page a peer
//! receives starts right after its own vector and always advances it: paging
//! by vector can never loop.
//!
//! Applying: [`Store::apply_push`], [`Store::apply_pull`] and bundle imports
//! all go through [`ingest_ops`]: ops are checked (an impossible envelope is
//! refused before anything is written), then stored, folded and the vector
//! advanced in ONE `WriteTx` (`WriteTx::ingest`, the only write path). A
//! replayed page changes nothing; an undecodable body is stored word for word
//! and quarantined; a second, different op at an existing (origin, seq), or
//! an op claiming to come from this very device that we never made, is a
//! cloned device (`sync.clone_detected`) and rolls the whole batch back.
//!
//! Clocks: `WriteTx::ingest` lets remote HLCs advance our clock except
//! far-future ones (`hlc::MAX_FORWARD_MS`), and the clock is persisted at
//! commit. We also remember, per origin, the most its clock was seen ahead
//! of ours ([`Store::clock_skew`]) for the status bar.

use crate::error::{Error, Result};
use crate::hlc::now_ms;
use crate::op::Op;
use crate::store::{BatchReport, Store, WriteTx};
pub use escale_protocol::wire::Window;
use escale_protocol::wire::{
    check_protocol, fitting, PullRequest, PullResponse, PushRequest, PushResponse, VersionVector,
    WireOp, MAX_PAGE_OPS, PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Ops folded per `WriteTx::ingest` call inside one transaction (bounds the
/// partial state the fold loads).
pub const INGEST_CHUNK: usize = 5_000;

/// How far ahead of ours a device's clock was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSkew {
    pub origin: Uuid,
    /// Largest (op HLC − our wall clock) seen on receipt, in ms (> 0: ahead).
    pub ahead_ms: i64,
    /// When we saw it (Unix ms).
    pub seen_at_ms: i64,
}

/// An op stored but never applied because it is invalid, for an administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedOp {
    pub id: Uuid,
    pub origin: Uuid,
    pub seq: i64,
    pub hlc: i64,
    pub kind: String,
    pub reason: String,
    /// The body exactly as received (JSON text).
    pub body: Option<String>,
}

/// What we last learnt about a peer (the hub, a LAN peer): its vector and
/// when. Lets the status bar count unsynced ops while offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerState {
    pub vector: VersionVector,
    pub synced_at_ms: i64,
}

impl Store {
    /// This node's version vector: per origin, the highest contiguous seq held.
    pub async fn vector(&self) -> Result<VersionVector> {
        let mut conn = self.pool().acquire().await?;
        read_vector(&mut conn).await
    }

    /// One page of the ops `peer` lacks, in (origin, seq) order, at most
    /// `limit` (1..=[`MAX_PAGE_OPS`]); `more` says another page is waiting
    /// (ask again with the vector advanced by this page).
    pub async fn ops_for(&self, peer: &VersionVector, limit: usize) -> Result<(Vec<WireOp>, bool)> {
        self.ops_within(peer, limit, None).await
    }

    /// [`Store::ops_for`], the page cut at about `max_bytes` ([`fitting`]).
    pub async fn ops_within(
        &self,
        peer: &VersionVector,
        limit: usize,
        max_bytes: Option<usize>,
    ) -> Result<(Vec<WireOp>, bool)> {
        // One read transaction: the vector and the ops it covers agree.
        let mut tx = self.pool().begin().await?;
        let mine = read_vector(&mut tx).await?;
        let page = page_for(&mut tx, &mine, peer, limit, max_bytes).await?;
        tx.rollback().await?;
        Ok(page)
    }

    /// Serves a pull: checks the protocol version, then one page.
    pub async fn serve_pull(&self, req: &PullRequest) -> Result<PullResponse> {
        protocol(req.protocol)?;
        let mut tx = self.pool().begin().await?;
        let mine = read_vector(&mut tx).await?;
        let (ops, more) = page_for(&mut tx, &mine, &req.vector, req.limit, req.max_bytes).await?;
        tx.rollback().await?;
        Ok(PullResponse {
            ops,
            more,
            vector: mine,
        })
    }

    /// Applies a peer's push. Idempotent; answers with our vector after it.
    pub async fn apply_push(&self, req: PushRequest) -> Result<PushResponse> {
        protocol(req.protocol)?;
        let me = self.identity().await?.ok_or(Error::NotInitialised)?;
        if req.device_id == me.device_id {
            // Another machine presents itself with our device id.
            return Err(Error::CloneDetected {
                origin: req.device_id,
                seq: 0,
            });
        }
        self.ingest_wire(req.ops).await
    }

    /// Applies a page we pulled. Idempotent; answers with our vector after it.
    pub async fn apply_pull(&self, resp: PullResponse) -> Result<PushResponse> {
        self.ingest_wire(resp.ops).await
    }

    /// Stores, folds and acknowledges wire ops in one transaction.
    pub async fn ingest_wire(&self, ops: Vec<WireOp>) -> Result<PushResponse> {
        let ops = decode_all(ops)?;
        let mut tx = self.write().await?;
        let report = ingest_ops(&mut tx, &ops).await?;
        let vector = read_vector(tx.conn()).await?;
        tx.commit().await?;
        Ok(response(&report, vector))
    }

    /// How many ops we hold that a peer with `peer` lacks (status bar).
    pub async fn unsynced_count(&self, peer: &VersionVector) -> Result<i64> {
        Ok(lacking(&self.vector().await?, peer))
    }

    /// Per origin, the most its clock was seen ahead of ours (largest first).
    pub async fn clock_skew(&self) -> Result<Vec<ClockSkew>> {
        let rows =
            sqlx::query("SELECT text_value FROM local WHERE key >= 'skew/' AND key < 'skew0'")
                .fetch_all(self.pool())
                .await?;
        let mut out: Vec<ClockSkew> = rows
            .iter()
            .filter_map(|r| r.try_get::<Option<String>, _>("text_value").ok().flatten())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect();
        out.sort_by(|a: &ClockSkew, b| b.ahead_ms.cmp(&a.ahead_ms).then(a.origin.cmp(&b.origin)));
        Ok(out)
    }

    /// Quarantined ops, newest first (at most `limit`).
    pub async fn quarantined(&self, limit: usize) -> Result<Vec<QuarantinedOp>> {
        let rows = sqlx::query(
            "SELECT o.id, o.origin, o.seq, o.hlc, o.kind, q.reason, o.body
             FROM quarantine q JOIN op o ON o.id = q.op_id ORDER BY o.hlc DESC, o.id LIMIT ?",
        )
        .bind(limit as i64)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let body: Option<Vec<u8>> = r.try_get("body")?;
                Ok(QuarantinedOp {
                    id: r.try_get("id")?,
                    origin: r.try_get("origin")?,
                    seq: r.try_get("seq")?,
                    hlc: r.try_get("hlc")?,
                    kind: r.try_get("kind")?,
                    reason: r.try_get("reason")?,
                    body: body
                        .as_deref()
                        .map(crate::store::codec::decode_body)
                        .transpose()?,
                })
            })
            .collect()
    }

    /// Remembers a peer's vector after a successful exchange.
    pub async fn remember_peer(&self, peer: &str, vector: &VersionVector) -> Result<()> {
        let state = PeerState {
            vector: vector.clone(),
            synced_at_ms: now_ms(),
        };
        sqlx::query(
            "INSERT INTO local (key, text_value) VALUES (?, ?)
             ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
        )
        .bind(format!("peer/{peer}"))
        .bind(serde_json::to_string(&state)?)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// What [`Store::remember_peer`] last stored for `peer`.
    pub async fn peer_state(&self, peer: &str) -> Result<Option<PeerState>> {
        let text: Option<Option<String>> =
            sqlx::query_scalar("SELECT text_value FROM local WHERE key = ?")
                .bind(format!("peer/{peer}"))
                .fetch_optional(self.pool())
                .await?;
        Ok(text.flatten().and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The organisation's sync key. A store initialised before keys existed
    /// gets one now.
    pub async fn sync_key(&self) -> Result<super::SyncKey> {
        sqlx::query("INSERT OR IGNORE INTO local (key, text_value) VALUES ('sync_key', ?)")
            .bind(super::SyncKey::random().to_hex())
            .execute(self.pool())
            .await?;
        let hex: Option<String> =
            sqlx::query_scalar("SELECT text_value FROM local WHERE key = 'sync_key'")
                .fetch_one(self.pool())
                .await?;
        super::SyncKey::from_hex(&hex.unwrap_or_default())
    }

    /// Replaces the sync key with the organisation's (enrolment, pairing).
    pub async fn set_sync_key(&self, key: &super::SyncKey) -> Result<()> {
        sqlx::query(
            "INSERT INTO local (key, text_value) VALUES ('sync_key', ?)
             ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
        )
        .bind(key.to_hex())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Makes an empty store a new device of an existing organisation: its
    /// identity, the organisation's sync key, and the op naming the device,
    /// in one transaction. The organisation's data then arrives by sync.
    pub async fn join_org(
        &self,
        org_id: Uuid,
        device_id: Uuid,
        sync_key: &super::SyncKey,
        device_name: &str,
    ) -> Result<crate::store::Identity> {
        let name = crate::validate::text("device", device_name, crate::validate::MAX_SHORT)?
            .ok_or(Error::Required { field: "device" })?;
        let mut tx = self.init_identity(org_id, device_id).await?;
        sqlx::query("UPDATE local SET text_value = ? WHERE key = 'sync_key'")
            .bind(sync_key.to_hex())
            .execute(tx.conn())
            .await?;
        let ident = tx.identity();
        let mut fields = crate::op::Fields::new();
        fields.insert("name".into(), crate::op::Value::String(name));
        tx.append(vec![crate::op::OpBody::Set {
            entity: crate::model::Entity::Device,
            id: device_id,
            fields,
        }])
        .await?;
        tx.commit().await?;
        Ok(ident)
    }
}

fn protocol(theirs: u32) -> Result<()> {
    check_protocol(theirs).map_err(|_| Error::ProtocolMismatch {
        theirs,
        ours: PROTOCOL_VERSION,
    })
}

pub(crate) fn response(report: &BatchReport, vector: VersionVector) -> PushResponse {
    PushResponse {
        // Discarded ops (about erased people) are stored too, redacted.
        applied: report.applied + report.discarded,
        duplicates: report.duplicates,
        quarantined: report.quarantined,
        vector,
    }
}

/// The other side of an exchange, as the laptop that drives it sees it:
/// the hub over HTTP (`sync::http`), a stand peer over the LAN
/// (`sync::peer`). [`exchange`] runs the same pull-then-push over either.
/// The futures are `Send` so that an exchange runs on any runtime thread
/// (the desktop's background task).
pub trait Remote: Send {
    type Error: From<Error> + Send;
    /// "Give me what I lack": one page after `vector`, at most `limit` ops
    /// and about `max_bytes`.
    fn pull(
        &mut self,
        vector: VersionVector,
        limit: usize,
        max_bytes: usize,
    ) -> impl std::future::Future<Output = std::result::Result<PullResponse, Self::Error>> + Send;
    /// Our ops it lacks; the answer carries its new vector.
    fn push(
        &mut self,
        ops: Vec<WireOp>,
    ) -> impl std::future::Future<Output = std::result::Result<PushResponse, Self::Error>> + Send;
    /// Called with a pulled page in hand, before it is committed (a test
    /// switch stops the process here).
    fn before_commit(&mut self) -> impl std::future::Future<Output = ()> + Send {
        async {}
    }
    /// A failure worth trying again with a smaller page (the link dropped,
    /// timed out, or the other side was briefly unavailable). An exchange
    /// that cannot go on after a failure (a stand peer's session) says no.
    fn is_transient(_error: &Self::Error) -> bool {
        false
    }
    /// Waits before the `failures`-th retry in a row (backoff).
    fn pause(&mut self, _failures: u32) -> impl std::future::Future<Output = ()> + Send {
        async {}
    }
}

/// Failures in a row, without a page getting through, after which an
/// exchange gives up (the next sync starts again where this one stopped).
pub const MAX_FAILURES_IN_A_ROW: u32 = 12;

/// What one [`exchange`] moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exchanged {
    /// Ops this store kept for the first time (quarantined included).
    pub pulled: usize,
    /// Ops the remote kept for the first time (quarantined included).
    pub pushed: usize,
    /// Ops either side already had (replays after a lost answer).
    pub duplicates: usize,
    pub quarantined: usize,
    pub pull_requests: usize,
    pub push_requests: usize,
    /// The remote's vector after the last answer.
    pub their_vector: VersionVector,
    /// Transfers that failed and were tried again, smaller.
    pub retries: usize,
}

/// Pulls every page the remote has for us (each committed on its own, so
/// an interrupted exchange keeps what it got), then pushes, page by page,
/// what the remote lacks. Replays change nothing on either side.
///
/// Pages are cut to the `window` ([`Window`]): a transient failure halves
/// it and the same step is tried again, smaller, after the remote's pause;
/// a page that gets through grows it. After [`MAX_FAILURES_IN_A_ROW`]
/// failures without progress, the last error ends the exchange.
pub async fn exchange<R: Remote>(
    store: &Store,
    remote: &mut R,
    page: usize,
    window: &mut Window,
) -> std::result::Result<Exchanged, R::Error> {
    let page = page.clamp(1, MAX_PAGE_OPS);
    let mut x = Exchanged::default();
    let mut failures = 0u32;
    // A transient failure: shrink and try the step again, or give up.
    macro_rules! retry_or_fail {
        ($error:expr) => {{
            let e = $error;
            failures += 1;
            if !R::is_transient(&e) || failures >= MAX_FAILURES_IN_A_ROW {
                return Err(e);
            }
            window.shrink();
            x.retries += 1;
            remote.pause(failures).await;
            continue;
        }};
    }
    loop {
        let resp = match remote.pull(store.vector().await?, page, window.bytes).await {
            Ok(resp) => resp,
            Err(e) => retry_or_fail!(e),
        };
        failures = 0;
        if window.half_used_by(&resp.ops) {
            window.grow();
        }
        x.pull_requests += 1;
        x.their_vector = resp.vector.clone();
        let (n, more) = (resp.ops.len(), resp.more);
        if n > 0 {
            remote.before_commit().await;
            let applied = store.apply_pull(resp).await?;
            x.pulled += applied.applied + applied.quarantined;
            x.duplicates += applied.duplicates;
            x.quarantined += applied.quarantined;
        }
        // A page that does not advance us would loop forever: stop.
        if !more || n == 0 {
            break;
        }
    }
    loop {
        let (ops, _) = store
            .ops_within(&x.their_vector, page, Some(window.bytes))
            .await?;
        if ops.is_empty() {
            break;
        }
        let half_used = window.half_used_by(&ops);
        let resp = match remote.push(ops).await {
            Ok(resp) => resp,
            Err(e) => retry_or_fail!(e),
        };
        failures = 0;
        if half_used {
            window.grow();
        }
        x.push_requests += 1;
        x.pushed += resp.applied + resp.quarantined;
        x.duplicates += resp.duplicates;
        x.quarantined += resp.quarantined;
        let progressed = lacking(&resp.vector, &x.their_vector) > 0;
        x.their_vector = resp.vector;
        if !progressed {
            // It stored nothing new: it cannot take these ops (a hole in
            // what we relay); stop rather than resend forever.
            break;
        }
    }
    if x.retries == 0 {
        // Everything got through at the first try: the link may be well
        // again (small exchanges never fill the window to grow it).
        window.recover();
    }
    Ok(x)
}

/// Ops held by `mine` and lacking from `peer` (both contiguous vectors).
pub fn lacking(mine: &VersionVector, peer: &VersionVector) -> i64 {
    mine.iter()
        .map(|(o, top)| (top - peer.get(o).copied().unwrap_or(0).max(0)).max(0))
        .sum()
}

/// Decodes wire ops; an impossible envelope refuses the whole batch before
/// anything is written.
pub fn decode_all(ops: Vec<WireOp>) -> Result<Vec<Op>> {
    ops.into_iter().map(decode_one).collect()
}

pub(crate) fn decode_one(w: WireOp) -> Result<Op> {
    let (id, origin, seq) = (w.id, w.origin, w.seq);
    if id.is_nil() || origin.is_nil() {
        return Err(Error::BadOp(format!("op {id} from {origin}: nil id")));
    }
    w.into_op()
        .map(|(op, _problem)| op)
        .map_err(|e| Error::BadOp(format!("op {id} ({origin} #{seq}): {e}")))
}

/// The one way remote ops enter a store: clone checks, then
/// `WriteTx::ingest` in chunks, then the per-origin clock skew — all in the
/// caller's transaction.
pub(crate) async fn ingest_ops(tx: &mut WriteTx, ops: &[Op]) -> Result<BatchReport> {
    refuse_our_clones(tx, ops).await?;
    let mut report = BatchReport::default();
    for chunk in ops.chunks(INGEST_CHUNK) {
        report.absorb(tx.ingest(chunk).await?);
    }
    note_skew(tx.conn(), ops).await?;
    Ok(report)
}

/// An op claiming our own device as origin that we do not hold was made by
/// another machine using our id: refuse it, whatever its seq.
async fn refuse_our_clones(tx: &mut WriteTx, ops: &[Op]) -> Result<()> {
    let me = tx.identity().device_id;
    let ours: Vec<&Op> = ops.iter().filter(|o| o.origin == me).collect();
    for chunk in ours.chunks(300) {
        let sql = format!(
            "SELECT id FROM op WHERE origin = ? AND seq IN ({})",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query_scalar::<_, Uuid>(&sql).bind(me);
        for o in chunk {
            q = q.bind(o.seq);
        }
        let held: BTreeSet<Uuid> = q.fetch_all(tx.conn()).await?.into_iter().collect();
        if let Some(o) = chunk.iter().find(|o| !held.contains(&o.id)) {
            return Err(Error::CloneDetected {
                origin: me,
                seq: o.seq,
            });
        }
    }
    Ok(())
}

/// Remembers, per origin, the most its HLC was ahead of our wall clock.
async fn note_skew(conn: &mut SqliteConnection, ops: &[Op]) -> Result<()> {
    let now = now_ms();
    let mut ahead: BTreeMap<Uuid, i64> = BTreeMap::new();
    for op in ops {
        let a = op.hlc.ms() - now;
        if a > 0 {
            let e = ahead.entry(op.origin).or_insert(a);
            *e = (*e).max(a);
        }
    }
    for (origin, a) in ahead {
        let key = format!("skew/{origin}");
        let old: Option<Option<String>> =
            sqlx::query_scalar("SELECT text_value FROM local WHERE key = ?")
                .bind(&key)
                .fetch_optional(&mut *conn)
                .await?;
        let old: Option<ClockSkew> = old.flatten().and_then(|t| serde_json::from_str(&t).ok());
        if old.as_ref().is_some_and(|o| o.ahead_ms >= a) {
            continue;
        }
        let v = ClockSkew {
            origin,
            ahead_ms: a,
            seen_at_ms: now,
        };
        sqlx::query(
            "INSERT INTO local (key, text_value) VALUES (?, ?)
             ON CONFLICT(key) DO UPDATE SET text_value = excluded.text_value",
        )
        .bind(&key)
        .bind(serde_json::to_string(&v)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn read_vector(conn: &mut SqliteConnection) -> Result<VersionVector> {
    let rows = sqlx::query("SELECT origin, seq FROM version_vector WHERE seq > 0 ORDER BY origin")
        .fetch_all(&mut *conn)
        .await?;
    let mut v = VersionVector::new();
    for r in rows {
        v.insert(r.try_get::<Uuid, _>("origin")?, r.try_get("seq")?);
    }
    Ok(v)
}

/// One page of what `peer` lacks from `mine`, keyset per origin, cut at
/// about `max_bytes` when given (at least one op).
pub(crate) async fn page_for(
    conn: &mut SqliteConnection,
    mine: &VersionVector,
    peer: &VersionVector,
    limit: usize,
    max_bytes: Option<usize>,
) -> Result<(Vec<WireOp>, bool)> {
    let (mut ops, more) = page_by_count(conn, mine, peer, limit).await?;
    // Sized only when asked (a caller with a window): a page by count
    // alone costs no serialisation.
    let Some(max_bytes) = max_bytes else {
        return Ok((ops, more));
    };
    let keep = fitting(&ops, max_bytes);
    if keep < ops.len() {
        // Cut at the end: each origin's ops stay contiguous.
        ops.truncate(keep);
        return Ok((ops, true));
    }
    Ok((ops, more))
}

async fn page_by_count(
    conn: &mut SqliteConnection,
    mine: &VersionVector,
    peer: &VersionVector,
    limit: usize,
) -> Result<(Vec<WireOp>, bool)> {
    let limit = limit.clamp(1, MAX_PAGE_OPS);
    let mut out = Vec::new();
    for (origin, &top) in mine {
        let from = peer.get(origin).copied().unwrap_or(0).max(0);
        if top <= from {
            continue;
        }
        if out.len() >= limit {
            return Ok((out, true));
        }
        let room = limit - out.len();
        let rows = origin_range(conn, *origin, from, top, room).await?;
        let got = rows.len() as i64;
        out.extend(rows);
        if got < top - from {
            return Ok((out, true));
        }
    }
    Ok((out, false))
}

/// Ops of `origin` with `from < seq <= to`, at most `n`, by the unique index.
pub(crate) async fn origin_range(
    conn: &mut SqliteConnection,
    origin: Uuid,
    from: i64,
    to: i64,
    n: usize,
) -> Result<Vec<WireOp>> {
    let rows = sqlx::query(
        "SELECT id, origin, seq, hlc, kind, subject, body FROM op
         WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
    )
    .bind(origin)
    .bind(from)
    .bind(to)
    .bind(n as i64)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(wire_from_row).collect()
}

/// A log row as it travels: the stored body text, not re-encoded, so an op
/// this version cannot read is relayed unchanged.
fn wire_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<WireOp> {
    let body: Option<Vec<u8>> = r.try_get("body")?;
    let body = body
        .as_deref()
        .map(crate::store::codec::decode_body)
        .transpose()?;
    Ok(WireOp {
        id: r.try_get("id")?,
        origin: r.try_get("origin")?,
        seq: r.try_get("seq")?,
        hlc: r.try_get("hlc")?,
        kind: r.try_get("kind")?,
        subject: r.try_get("subject")?,
        body: body
            .map(|t| serde_json::from_str(&t).map_err(|e| Error::Corrupt(format!("op body: {e}"))))
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lacking_counts_only_what_the_peer_has_not() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mine = VersionVector::from([(a, 10), (b, 3)]);
        let peer = VersionVector::from([(a, 4), (b, 9)]);
        assert_eq!(
            lacking(&mine, &peer),
            6,
            "a peer ahead on one origin does not offset another"
        );
        assert_eq!(
            lacking(&mine, &VersionVector::new()),
            13,
            "a new peer lacks everything"
        );
    }
}

//! A push, from wire ops to one committed transaction.
//!
//! [`prepare`] is pure: it decodes each [`WireOp`] with the core's own
//! decoder, classifies it (stored, quarantined — an undecodable or invalid
//! body, acknowledged all the same — or already redacted), and collects the
//! merge edges and erase requests the batch carries. An op that cannot even
//! be stored (seq < 1, empty kind...) refuses the whole batch, before
//! anything is written.
//!
//! [`store`] then writes it in one transaction (written once, for both
//! backends, against [`OpsTx`]): lock, update the erasure graph and compute
//! the erased closure exactly as `fold::erased_closure` does, store the ops
//! (redacted when about an erased person), purge the bodies of everyone
//! newly erased, advance the vector, commit. The hub does not materialise
//! state: the laptops do; the hub only keeps the log and makes sure it never
//! serves an erased person's data again. Anonymisation is kept the same
//! way (its own requests and closure); the bodies of the ops about an
//! anonymised person are rewritten as every laptop rewrites them
//! (`OpBody::anonymised_text`), whichever arrives first.

use crate::db::{Db, Edge, LoggedBody, NewOp, OpsTx, Verdict, QUARANTINED, REDACTED, STORED};
use crate::error::{HubError, Result};
use escale_protocol::fold::{erased_closure, validate};
use escale_protocol::op::OpBody;
use escale_protocol::wire::{PushResponse, WireOp};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A push request as the hub reads it: `escale_protocol::wire::PushRequest`
/// with each op's body left as the JSON text the device sent, borrowed from
/// the request (no tree of it is built, then dropped, 500 times a page).
/// It accepts exactly what `PushRequest` accepts; anything it refuses is
/// parsed again as a `PushRequest` to word the refusal (`crate::routes`).
#[derive(Debug, Deserialize)]
pub struct RawPush<'a> {
    pub protocol: u32,
    pub device_id: Uuid,
    #[serde(borrow)]
    pub ops: Vec<RawOp<'a>>,
}

/// `WireOp` with its body as sent.
#[derive(Debug, Deserialize)]
pub struct RawOp<'a> {
    pub id: Uuid,
    pub origin: Uuid,
    pub seq: i64,
    pub hlc: i64,
    pub kind: String,
    #[serde(default)]
    pub subject: Option<Uuid>,
    #[serde(default, borrow)]
    pub body: Option<&'a RawValue>,
}

impl RawOp<'_> {
    /// What `WireOp::into_op` makes of this op, with the same refusals and
    /// the same reasons. A body that decodes is decoded from its text
    /// directly; one that does not goes the `WireOp` way, through a JSON
    /// tree, so its quarantine reason is worded as on every other node.
    fn into_op(self) -> std::result::Result<(escale_protocol::op::Op, Option<String>), String> {
        let wire = |body| WireOp {
            id: self.id,
            origin: self.origin,
            seq: self.seq,
            hlc: self.hlc,
            kind: self.kind.clone(),
            subject: self.subject,
            body,
        };
        let decoded = self
            .body
            .map(|raw| serde_json::from_str::<OpBody>(raw.get()));
        match (self.body, decoded) {
            (Some(_), Some(Ok(body))) => {
                // The envelope's checks (seq, hlc, kind), then the body.
                let (mut op, _) = wire(None).into_op().map_err(|e| e.to_string())?;
                op.body = body;
                Ok((op, None))
            }
            (Some(raw), _) => {
                let tree = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                wire(Some(tree)).into_op().map_err(|e| e.to_string())
            }
            (None, _) => wire(None).into_op().map_err(|e| e.to_string()),
        }
    }
}

/// A batch ready to store.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub ops: Vec<NewOp>,
    pub edges: Vec<Edge>,
    /// Erase and anonymise requests.
    pub requests: Vec<(Verdict, Uuid)>,
    pub origins: BTreeSet<Uuid>,
    /// Ops in the request, duplicates within it included.
    pub received: usize,
}

impl Prepared {
    /// Whether the batch changes who is erased or anonymised.
    pub fn touches_graph(&self) -> bool {
        !self.edges.is_empty() || !self.requests.is_empty()
    }
}

/// Decodes and classifies a batch; refuses it whole if one op cannot be
/// stored or two different ops claim the same (origin, seq).
pub fn prepare(wire: Vec<RawOp<'_>>) -> Result<Prepared> {
    let mut p = Prepared {
        received: wire.len(),
        ..Prepared::default()
    };
    let mut ids = BTreeSet::new();
    let mut places: BTreeMap<(Uuid, i64), Uuid> = BTreeMap::new();
    for (index, w) in wire.into_iter().enumerate() {
        if !ids.insert(w.id) {
            continue; // the same op twice in one batch: one is enough
        }
        if let Some(other) = places.insert((w.origin, w.seq), w.id) {
            if other != w.id {
                return Err(HubError::CloneDetected {
                    origin: w.origin,
                    seq: w.seq,
                });
            }
        }
        // Stored as sent (compact JSON from every Escale node).
        let raw_body = w.body.map(|b| b.get().to_owned());
        let claimed_subject = w.subject;
        let (op, problem) = w
            .into_op()
            .map_err(|reason| HubError::BadOp { index, reason })?;
        let mut new = NewOp {
            id: op.id,
            origin: op.origin,
            seq: op.seq,
            hlc: op.hlc.0,
            // As sent, but in today's spelling (`checkin` from an older app
            // is `check_in`).
            kind: op.body.kind(),
            subject: claimed_subject,
            body: raw_body,
            status: STORED,
            reason: None,
        };
        match (problem, &op.body) {
            // Undecodable (an unknown kind from a newer app, wrong types):
            // kept as sent, so a newer node can still use it.
            (Some(reason), _) => {
                new.status = QUARANTINED;
                new.reason = Some(reason);
            }
            (None, OpBody::Redacted { .. }) => {
                new.status = REDACTED;
                new.body = None;
            }
            (None, body) => {
                new.kind = body.kind();
                new.subject = body.subject();
                if let Err(reason) = validate(body) {
                    new.status = QUARANTINED;
                    new.reason = Some(reason);
                } else {
                    match body {
                        OpBody::Merge { loser, winner } => p.edges.push(Edge {
                            op_id: op.id,
                            loser: *loser,
                            winner: *winner,
                            hlc: op.hlc.0,
                            origin: op.origin,
                        }),
                        OpBody::Erase { visitor_id } => {
                            p.requests.push((Verdict::Erase, *visitor_id))
                        }
                        OpBody::Anonymise { visitor_id } => {
                            p.requests.push((Verdict::Anonymise, *visitor_id))
                        }
                        _ => {}
                    }
                }
            }
        }
        p.origins.insert(new.origin);
        p.ops.push(new);
    }
    Ok(p)
}

/// Stores a prepared batch for `org` in one transaction.
pub async fn store(db: &Db, org: Uuid, p: Prepared, now: i64) -> Result<PushResponse> {
    if p.ops.is_empty() {
        return Ok(PushResponse {
            applied: 0,
            duplicates: p.received,
            quarantined: 0,
            vector: db.vector(org).await?,
        });
    }
    let outcome = match db {
        Db::Pg(d) => run(d.begin().await?, org, &p, now).await,
        Db::Lite(d) => run(d.begin().await?, org, &p, now).await,
    };
    if outcome.is_ok() && !p.requests.is_empty() {
        db.scrub().await?;
    }
    match outcome {
        Err(HubError::CloneDetected { origin, .. }) if origin.is_nil() => {
            // The transaction is gone; name the culprit from committed data.
            let (origin, seq) = db
                .find_clone(org, &p.ops)
                .await?
                .unwrap_or((p.ops[0].origin, p.ops[0].seq));
            Err(HubError::CloneDetected { origin, seq })
        }
        other => other,
    }
}

async fn run<T: OpsTx>(mut tx: T, org: Uuid, p: &Prepared, now: i64) -> Result<PushResponse> {
    let graph = p.touches_graph();
    tx.lock(org, &p.origins, graph).await?;
    // Per verdict: who is in its closure now, and who newly.
    let mut closures: BTreeMap<Verdict, (BTreeSet<Uuid>, Vec<Uuid>)> = BTreeMap::new();
    if graph {
        tx.add_graph(org, &p.edges, &p.requests).await?;
        let edges = tx.load_graph(org).await?;
        for v in Verdict::ALL {
            let requests = tx.requests(org, v).await?;
            let closure = erased_closure(&requests, edges.iter());
            let before = tx.all_in(org, v).await?;
            let newly: Vec<Uuid> = closure.difference(&before).copied().collect();
            tx.mark(org, v, &newly, now).await?;
            closures.insert(v, (closure, newly));
        }
    } else {
        let subjects: Vec<Uuid> = p
            .ops
            .iter()
            .filter_map(|o| o.subject)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for v in Verdict::ALL {
            closures.insert(v, (tx.among(org, v, &subjects).await?, vec![]));
        }
    }
    let (erased, newly_erased) = &closures[&Verdict::Erase];
    let (anonymised, newly_anonymised) = &closures[&Verdict::Anonymise];
    // Erasure wins, in any order: an op about an erased person is stored
    // without its body, whatever else is wrong with it. One about an
    // anonymised person is stored anonymised.
    let ops: Vec<NewOp> = p
        .ops
        .iter()
        .map(|o| {
            let mut o = o.clone();
            let verdict = o.kind == "erase" || o.kind == "anonymise";
            if o.kind != "erase" && o.subject.is_some_and(|s| erased.contains(&s)) {
                o.body = None;
                o.status = REDACTED;
                o.reason = None;
            } else if !verdict && o.subject.is_some_and(|s| anonymised.contains(&s)) {
                let mut logged = logged(&o);
                anonymise(&mut logged);
                (o.body, o.status) = (logged.body, logged.status);
                if o.status == REDACTED {
                    o.reason = None;
                }
            }
            o
        })
        .collect();
    let inserted = tx.insert_ops(org, &ops, now).await?;
    // A known id must sit where it was: the same op id at another place is
    // a clone replaying its own history differently.
    let known: Vec<&NewOp> = ops.iter().filter(|o| !inserted.contains(&o.id)).collect();
    if !known.is_empty() {
        let ids: Vec<Uuid> = known.iter().map(|o| o.id).collect();
        let held: BTreeMap<Uuid, (Uuid, i64)> = tx
            .places(org, &ids)
            .await?
            .into_iter()
            .map(|(i, o, s)| (i, (o, s)))
            .collect();
        if let Some(o) = known
            .iter()
            .find(|o| held.get(&o.id).is_some_and(|p| *p != (o.origin, o.seq)))
        {
            return Err(HubError::CloneDetected {
                origin: o.origin,
                seq: o.seq,
            });
        }
    }
    tx.redact_subjects(org, newly_erased).await?;
    let newly_anonymised: Vec<Uuid> = newly_anonymised
        .iter()
        .filter(|id| !erased.contains(id))
        .copied()
        .collect();
    let mut about = tx.bodies_about(org, &newly_anonymised).await?;
    about.retain_mut(|b| {
        let before = (b.body.clone(), b.status);
        anonymise(b);
        (b.body.clone(), b.status) != before
    });
    tx.set_bodies(org, &about).await?;
    let vector = tx.advance_vectors(org, &p.origins).await?;
    tx.commit().await?;
    let quarantined = ops
        .iter()
        .filter(|o| inserted.contains(&o.id) && o.status == QUARANTINED)
        .count();
    Ok(PushResponse {
        applied: inserted.len() - quarantined,
        duplicates: p.received - inserted.len(),
        quarantined,
        vector,
    })
}

fn logged(o: &NewOp) -> LoggedBody {
    LoggedBody {
        id: o.id,
        kind: o.kind.clone(),
        subject: o.subject,
        body: o.body.clone(),
        status: o.status,
    }
}

/// A logged op about an anonymised person, as every node keeps it: its
/// body anonymised, or gone (redacted) when it cannot be read here.
fn anonymise(b: &mut LoggedBody) {
    let Some(text) = &b.body else {
        return;
    };
    let kept = match b.status {
        QUARANTINED => None,
        _ => OpBody::anonymised_text(&b.kind, b.subject, text),
    };
    match kept {
        Some(t) => b.body = Some(t),
        None => {
            b.body = None;
            b.status = REDACTED;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `prepare` of these ops as a device sends them (JSON text).
    fn prep(ops: Vec<WireOp>) -> Result<Prepared> {
        let text = serde_json::to_string(&ops).unwrap();
        let raw: Vec<RawOp> = serde_json::from_str(&text).unwrap();
        prepare(raw)
    }

    fn wire(seq: i64, kind: &str, body: serde_json::Value) -> WireOp {
        WireOp {
            id: Uuid::now_v7(),
            origin: Uuid::from_u128(1),
            seq,
            hlc: 10,
            kind: kind.into(),
            subject: None,
            body: Some(body),
        }
    }

    #[test]
    fn an_unknown_kind_is_kept_as_sent_and_quarantined() {
        let p = prep(vec![wire(
            1,
            "teleport",
            json!({"kind": "teleport", "to": "mars"}),
        )])
        .unwrap();
        assert_eq!(p.ops[0].status, QUARANTINED);
        assert_eq!(p.ops[0].kind, "teleport");
        assert!(
            p.ops[0].body.as_deref().unwrap().contains("mars"),
            "a newer node may still understand it"
        );
    }

    #[test]
    fn a_merge_into_itself_is_quarantined_and_adds_no_edge() {
        let v = Uuid::now_v7();
        let p = prep(vec![wire(
            1,
            "merge",
            json!({"kind": "merge", "loser": v, "winner": v}),
        )])
        .unwrap();
        assert_eq!(p.ops[0].status, QUARANTINED, "validated as every node does");
        assert!(
            p.edges.is_empty(),
            "an invalid merge must not erase anybody"
        );
    }

    #[test]
    fn two_different_ops_at_one_place_refuse_the_batch() {
        let a = wire(
            1,
            "erase",
            json!({"kind": "erase", "visitor_id": Uuid::now_v7()}),
        );
        let b = wire(
            1,
            "erase",
            json!({"kind": "erase", "visitor_id": Uuid::now_v7()}),
        );
        assert!(matches!(
            prep(vec![a, b]),
            Err(HubError::CloneDetected { seq: 1, .. })
        ));
    }

    #[test]
    fn an_op_that_cannot_be_stored_names_its_index() {
        let bad = wire(0, "erase", json!({}));
        match prep(vec![wire(1, "x", json!({})), bad]) {
            Err(HubError::BadOp { index, .. }) => assert_eq!(index, 1),
            other => panic!("seq 0 cannot be stored: {other:?}"),
        }
    }

    #[test]
    fn the_text_path_decodes_as_the_wire_path_does() {
        let v = Uuid::now_v7();
        let bodies = [
            json!({"kind": "set", "entity": "visitor", "id": v, "fields": {"first_name": "Zoé", "email": "zoe@example.org"}}),
            json!({"kind": "check_in", "event_id": v, "visitor_id": v, "direction": "in", "method": "scan", "code": "E1234567"}),
            json!({"kind": "checkin", "event_id": v, "visitor_id": v, "direction": "in", "method": "scan"}),
            json!({"kind": "merge", "loser": v, "winner": Uuid::now_v7()}),
            json!({"kind": "erase", "visitor_id": v}),
            json!({"kind": "consent", "visitor_id": v, "purpose": "processing", "granted": true, "wording_version": "1"}),
            json!({"kind": "teleport", "to": "mars"}),
            json!({"kind": "set", "entity": "visitor", "id": "not-a-uuid", "fields": {}}),
            json!({"kind": "check_in", "event_id": v}),
            json!([1, 2]),
            json!(null),
        ];
        for (i, body) in bodies.into_iter().enumerate() {
            let kind = body["kind"].as_str().unwrap_or("set").to_string();
            let mut w = wire(i as i64 + 1, &kind, body);
            w.subject = Some(v);
            if w.body == Some(serde_json::Value::Null) {
                w.body = None;
            }
            let text = serde_json::to_string(&w).unwrap();
            let raw: RawOp = serde_json::from_str(&text).unwrap();
            let (op, problem) = raw.into_op().unwrap();
            let (want, want_problem) = w.clone().into_op().unwrap();
            assert_eq!((op, problem), (want, want_problem), "{text}");
        }
        let mut bad = wire(0, "erase", json!({"kind": "erase", "visitor_id": v}));
        let text = serde_json::to_string(&bad).unwrap();
        let raw: RawOp = serde_json::from_str(&text).unwrap();
        assert_eq!(
            raw.into_op().unwrap_err(),
            bad.clone().into_op().unwrap_err().to_string()
        );
        bad.seq = 1;
        bad.kind = String::new();
        let text = serde_json::to_string(&bad).unwrap();
        let raw: RawOp = serde_json::from_str(&text).unwrap();
        assert_eq!(
            raw.into_op().unwrap_err(),
            bad.into_op().unwrap_err().to_string()
        );
    }
}

//! Property-based convergence of sync.
//!
//! 1. In memory, thousands of cases: three devices make ops (sets, check-ins,
//!    voids, merges, erasures, malformed and undecodable ops; one device's
//!    clock hours ahead), exchange pages computed by the protocol's rule
//!    (serve `peer[origin] < seq <= ours[origin]`) with random limits,
//!    delivered shuffled, duplicated or lost, through the real wire encoding
//!    and the real fold. After a final full sync every device holds the same
//!    op set and the same state — the fold of everything ever made.
//! 2. Through real SQLite stores, tens of cases: three laptops of one
//!    organisation use the real use cases (walk-ins, edits of the same
//!    fields, check-ins of the same people on several laptops, undo, merge,
//!    erase), receive ops from a newer or skewed device, and sync pairwise
//!    with partial, shuffled, duplicated and lost pages, by pull or by push.
//!    After a final full sync: the same state hash and op set everywhere, the
//!    log rebuilds to the same state, arrivals count people once, erased
//!    people left nothing behind, and anonymised people (anonymisations race
//!    edits made offline) have no identity field left, in the state or the log.

use super::support::{person, walk_in};
use super::sync_net::{deliver, full_sync, org, pages_ahead, Node};
use escale_core::app::{CheckInTarget, VisitorInput};
use escale_core::fold::{Changes, State};
use escale_core::hlc::{now_ms, Hlc};
use escale_core::model::{Direction, Entity, Method};
use escale_core::op::{Fields, Op, OpBody, Value};
use escale_core::sync::node::lacking;
use escale_core::sync::VersionVector;
use escale_protocol::wire::{PushRequest, WireOp, PROTOCOL_VERSION};
use proptest::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

const NODES: usize = 3;
const VISITORS: u128 = 4;

fn visitor(i: u128) -> Uuid {
    Uuid::from_u128(0xB000 + i)
}
fn event() -> Uuid {
    Uuid::from_u128(0xE000)
}

// ---------------------------------------------------------------- in memory

/// A device as the protocol sees it: a log keyed by (origin, seq).
#[derive(Default)]
struct Mem {
    origin: Uuid,
    seq: i64,
    log: BTreeMap<(Uuid, i64), Op>,
}

impl Mem {
    fn vector(&self) -> VersionVector {
        let mut v = VersionVector::new();
        for (origin, seq) in self.log.keys() {
            let e = v.entry(*origin).or_insert(0);
            if *seq == *e + 1 {
                *e = *seq;
            }
        }
        v.retain(|_, s| *s > 0);
        v
    }

    /// The store's rule, on the model.
    fn ops_for(&self, peer: &VersionVector, limit: usize) -> (Vec<WireOp>, bool) {
        let mut out = Vec::new();
        for (origin, top) in self.vector() {
            let from = peer.get(&origin).copied().unwrap_or(0);
            for seq in from + 1..=top {
                if out.len() == limit {
                    return (out, true);
                }
                out.push(WireOp::from(&self.log[&(origin, seq)]));
            }
        }
        (out, false)
    }

    fn apply(&mut self, ops: &[WireOp]) {
        for w in ops {
            let wire_json = serde_json::to_string(w).unwrap();
            let w: WireOp = serde_json::from_str(&wire_json).unwrap();
            let (op, _) = w.into_op().expect("valid envelopes");
            let key = (op.origin, op.seq);
            if let Some(old) = self.log.get(&key) {
                assert_eq!(old.id, op.id, "no clones in this model");
                continue;
            }
            self.log.insert(key, op);
        }
    }

    fn state(&self) -> State {
        let mut s = State::default();
        let mut ch = Changes::default();
        for op in self.log.values() {
            s.apply(op, &mut ch);
        }
        s
    }
}

#[derive(Debug, Clone)]
enum Gen {
    SetVisitor { v: u128, field: u8, value: u8 },
    CheckIn { v: u128, out: bool },
    Void { target: usize },
    Merge { loser: u128, winner: u128 },
    Erase { v: u128 },
    Malformed,
    Undecodable { v: u128 },
}

fn gen_op() -> impl Strategy<Value = Gen> {
    prop_oneof![
        5 => (0..VISITORS, 0u8..3, 0u8..4).prop_map(|(v, field, value)| Gen::SetVisitor { v, field, value }),
        4 => (0..VISITORS, any::<bool>()).prop_map(|(v, out)| Gen::CheckIn { v, out }),
        1 => any::<usize>().prop_map(|target| Gen::Void { target }),
        2 => (0..VISITORS, 0..VISITORS).prop_map(|(loser, winner)| Gen::Merge { loser, winner }),
        1 => (0..VISITORS).prop_map(|v| Gen::Erase { v }),
        1 => Just(Gen::Malformed),
        1 => (0..VISITORS).prop_map(|v| Gen::Undecodable { v }),
    ]
}

#[derive(Debug, Clone)]
enum Act {
    Make {
        node: usize,
        gen: Gen,
        dt: i64,
    },
    Sync {
        from: usize,
        to: usize,
        limit: usize,
        max_pages: usize,
        order: Vec<usize>,
    },
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => (0..NODES, gen_op(), 0i64..4).prop_map(|(node, gen, dt)| Act::Make { node, gen, dt }),
        2 => (0..NODES, 0..NODES, 1usize..6, 1usize..5, prop::collection::vec(0usize..8, 0..8))
            .prop_map(|(from, to, limit, max_pages, order)| Act::Sync { from, to, limit, max_pages, order }),
    ]
}

fn make(node: &mut Mem, g: &Gen, t: i64, checkins: &[Uuid]) -> Op {
    node.seq += 1;
    // Device 2's clock is six hours ahead: its ops must converge all the same.
    let skew = if node.origin == Uuid::from_u128(0xA002) {
        6 * 3_600_000
    } else {
        0
    };
    let hlc = Hlc::new(1_000 + t + skew, node.seq % 3);
    let body = match g {
        Gen::SetVisitor { v, field, value } => {
            let name = ["first_name", "last_name", "notes"][*field as usize];
            let mut f = Fields::new();
            f.insert(
                name.into(),
                if *value == 0 {
                    Value::Null
                } else {
                    Value::String(format!("{name}-{value}"))
                },
            );
            OpBody::Set {
                entity: Entity::Visitor,
                id: visitor(*v),
                fields: f,
            }
        }
        Gen::CheckIn { v, out } => OpBody::CheckIn {
            event_id: event(),
            session_id: None,
            visitor_id: visitor(*v),
            direction: if *out { Direction::Out } else { Direction::In },
            method: Method::Scan,
            code: None,
        },
        Gen::Void { target } => OpBody::VoidCheckIn {
            checkin_id: checkins
                .get(target % checkins.len().max(1))
                .copied()
                .unwrap_or(Uuid::from_u128(0xF00D)),
        },
        Gen::Merge { loser, winner } => OpBody::Merge {
            loser: visitor(*loser),
            winner: visitor(*winner),
        },
        Gen::Erase { v } => OpBody::Erase {
            visitor_id: visitor(*v),
        },
        Gen::Malformed => OpBody::Set {
            entity: Entity::Visitor,
            id: visitor(0),
            fields: Fields::new(),
        },
        Gen::Undecodable { v } => {
            let w = WireOp {
                id: Uuid::nil(),
                origin: node.origin,
                seq: node.seq,
                hlc: hlc.0,
                kind: "badge_print".into(),
                subject: Some(visitor(*v)),
                body: Some(serde_json::json!({"kind": "badge_print", "visitor_id": visitor(*v)})),
            };
            w.into_op().unwrap().0.body
        }
    };
    let op = Op {
        id: Uuid::now_v7(),
        origin: node.origin,
        seq: node.seq,
        hlc,
        body,
    };
    node.log.insert((op.origin, op.seq), op.clone());
    op
}

fn run_in_memory(acts: &[Act]) -> Result<(), TestCaseError> {
    let mut nodes: Vec<Mem> = (0..NODES)
        .map(|i| Mem {
            origin: Uuid::from_u128(0xA000 + i as u128),
            ..Default::default()
        })
        .collect();
    let mut made: Vec<Op> = Vec::new();
    let mut t = 0;
    for a in acts {
        match a {
            Act::Make { node, gen, dt } => {
                t += dt;
                let checkins: Vec<Uuid> = made
                    .iter()
                    .filter(|o| matches!(o.body, OpBody::CheckIn { .. }))
                    .map(|o| o.id)
                    .collect();
                let op = make(&mut nodes[*node], gen, t, &checkins);
                made.push(op);
            }
            Act::Sync {
                from,
                to,
                limit,
                max_pages,
                order,
            } => {
                if from == to {
                    continue;
                }
                let mut v = nodes[*to].vector();
                let mut pages = Vec::new();
                while pages.len() < *max_pages {
                    let (ops, more) = nodes[*from].ops_for(&v, *limit);
                    prop_assert!(ops.len() <= *limit);
                    for op in &ops {
                        let e = v.entry(op.origin).or_insert(0);
                        prop_assert_eq!(op.seq, *e + 1, "pages continue right after the vector");
                        *e = op.seq;
                    }
                    pages.push(ops);
                    if !more {
                        break;
                    }
                }
                for i in order {
                    let page = pages[i % pages.len()].clone();
                    nodes[*to].apply(&page);
                }
            }
        }
    }
    // Final full sync, bounded: every pull page must advance the vector.
    for _round in 0..2 {
        for to in 0..NODES {
            for from in 0..NODES {
                if from == to {
                    continue;
                }
                let mut requests = 0;
                loop {
                    let v = nodes[to].vector();
                    let lack = lacking(&nodes[from].vector(), &v);
                    let (ops, more) = nodes[from].ops_for(&v, 3);
                    prop_assert_eq!(
                        ops.len() as i64,
                        lack.min(3),
                        "a page serves what is lacking"
                    );
                    nodes[to].apply(&ops);
                    requests += 1;
                    prop_assert!(requests <= made.len() + 2, "paging by vector never loops");
                    if !more {
                        break;
                    }
                }
            }
        }
    }
    let mut reference = Mem::default();
    for op in &made {
        reference.log.insert((op.origin, op.seq), op.clone());
    }
    let want = reference.state();
    let keys: Vec<_> = reference.log.keys().copied().collect();
    for n in &nodes {
        prop_assert_eq!(
            n.log.keys().copied().collect::<Vec<_>>(),
            keys.clone(),
            "every device holds every op"
        );
        prop_assert_eq!(n.vector(), reference.vector());
        prop_assert_eq!(
            &n.state(),
            &want,
            "and the same state, whatever the deliveries"
        );
    }
    for id in &want.erased {
        prop_assert!(
            !want.records.contains_key(&(Entity::Visitor, *id)),
            "an erased person keeps no record"
        );
        prop_assert!(want.checkins.values().all(|c| c.visitor_id != *id));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn devices_converge_in_memory_whatever_the_pages_and_deliveries(acts in prop::collection::vec(act(), 1..60)) {
        run_in_memory(&acts)?;
    }
}

// ------------------------------------------------------ through SQLite stores

#[derive(Debug, Clone)]
enum Step {
    WalkIn {
        node: usize,
        name: u8,
        check_in: bool,
    },
    Edit {
        node: usize,
        pick: usize,
        field: u8,
        value: u8,
    },
    CheckIn {
        node: usize,
        pick: usize,
    },
    Undo {
        node: usize,
    },
    Merge {
        node: usize,
        loser: usize,
        winner: usize,
    },
    Erase {
        node: usize,
        pick: usize,
    },
    /// The retention period of someone passed on that laptop.
    Anonymise {
        node: usize,
        pick: usize,
    },
    /// An op from a device running a newer app (undecodable) or six hours ahead.
    Foreign {
        node: usize,
        pick: usize,
        newer: bool,
    },
    Sync {
        from: usize,
        to: usize,
        limit: usize,
        max_pages: usize,
        order: Vec<usize>,
        via_push: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..NODES, 0u8..6, any::<bool>()).prop_map(|(node, name, check_in)| Step::WalkIn { node, name, check_in }),
        3 => (0..NODES, any::<usize>(), 0u8..3, 0u8..3).prop_map(|(node, pick, field, value)| Step::Edit { node, pick, field, value }),
        3 => (0..NODES, any::<usize>()).prop_map(|(node, pick)| Step::CheckIn { node, pick }),
        1 => (0..NODES).prop_map(|node| Step::Undo { node }),
        1 => (0..NODES, any::<usize>(), any::<usize>()).prop_map(|(node, loser, winner)| Step::Merge { node, loser, winner }),
        1 => (0..NODES, any::<usize>()).prop_map(|(node, pick)| Step::Erase { node, pick }),
        1 => (0..NODES, any::<usize>()).prop_map(|(node, pick)| Step::Anonymise { node, pick }),
        1 => (0..NODES, any::<usize>(), any::<bool>()).prop_map(|(node, pick, newer)| Step::Foreign { node, pick, newer }),
        4 => (0..NODES, 0..NODES, 1usize..6, 1usize..5, prop::collection::vec(0usize..6, 0..7), any::<bool>())
            .prop_map(|(from, to, limit, max_pages, order, via_push)| Step::Sync { from, to, limit, max_pages, order, via_push }),
    ]
}

/// Refusals a desk may legitimately meet mid-scenario (the person was erased
/// or merged meanwhile, nothing to undo…); anything else fails the test.
/// Refusals a real desk can meet in these random histories. `name_required`:
/// a foreign device's op may create a record with only a note or clear both
/// names; editing it at the desk then rightly asks for a name first.
fn expected_refusal(e: &escale_core::Error) -> bool {
    matches!(
        e.code(),
        "visitor.erased"
            | "visitor.not_found"
            | "merge.same_visitor"
            | "checkin.nothing_to_undo"
            | "checkin.unknown_code"
            | "visitor.name_required"
    )
}

async fn pick(n: &Node, i: usize) -> Option<String> {
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM visitor ORDER BY id")
        .fetch_all(n.store().pool())
        .await
        .unwrap();
    (!ids.is_empty()).then(|| ids[i % ids.len()].to_string())
}

async fn run_stores(steps: Vec<Step>) {
    let (nodes, ev) = org(NODES).await;
    let foreign = Uuid::now_v7();
    let mut foreign_seq = 0;
    let mut foreign_log: Vec<WireOp> = Vec::new();
    let names = [
        "Éloïse",
        "Łukasz",
        "Nguyễn",
        "Ömer",
        "Aïcha",
        "Jean-Baptiste",
    ];
    for s in steps {
        let r: escale_core::Result<()> = match s {
            Step::WalkIn {
                node,
                name,
                check_in,
            } => {
                let p = person(names[name as usize], "Dupont");
                nodes[node]
                    .app
                    .register_walk_in(&walk_in(&ev, p, check_in))
                    .await
                    .map(|_| ())
            }
            Step::Edit {
                node,
                pick: i,
                field,
                value,
            } => match pick(&nodes[node], i).await {
                None => Ok(()),
                Some(id) => match nodes[node].app.visitor(&id).await {
                    Err(e) => Err(e),
                    Ok(v) => {
                        let mut input = VisitorInput::new()
                            .with("first_name", v.first_name())
                            .with("last_name", v.last_name())
                            .with("postcode", v.text("postcode").unwrap_or_default())
                            .with("notes", v.text("notes").unwrap_or_default())
                            .with("email", v.text("email").unwrap_or_default());
                        match field {
                            0 => input.set("postcode", format!("7501{value}")),
                            1 => input.set("notes", format!("note {value}")),
                            _ => input.set("email", format!("p{value}@example.org")),
                        }
                        nodes[node]
                            .app
                            .update_visitor(&id, &input)
                            .await
                            .map(|_| ())
                    }
                },
            },
            Step::CheckIn { node, pick: i } => match pick(&nodes[node], i).await {
                None => Ok(()),
                Some(id) => nodes[node]
                    .app
                    .check_in(&ev, CheckInTarget::Visitor(id), None, Method::Search)
                    .await
                    .map(|_| ()),
            },
            Step::Undo { node } => nodes[node]
                .app
                .undo_last_check_in(&ev, None)
                .await
                .map(|_| ()),
            Step::Merge {
                node,
                loser,
                winner,
            } => {
                match (
                    pick(&nodes[node], loser).await,
                    pick(&nodes[node], winner).await,
                ) {
                    (Some(l), Some(w)) => nodes[node].app.merge(&l, &w).await.map(|_| ()),
                    _ => Ok(()),
                }
            }
            Step::Erase { node, pick: i } => match pick(&nodes[node], i).await {
                None => Ok(()),
                Some(id) => nodes[node].app.erase(&id).await.map(|_| ()),
            },
            Step::Anonymise { node, pick: i } => match pick(&nodes[node], i).await {
                None => Ok(()),
                Some(id) => {
                    let visitor_id = Uuid::parse_str(&id).unwrap();
                    let mut tx = nodes[node].store().write().await.unwrap();
                    tx.append(vec![OpBody::Anonymise { visitor_id }])
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    Ok(())
                }
            },
            Step::Foreign {
                node,
                pick: i,
                newer,
            } => match pick(&nodes[node], i).await {
                None => Ok(()),
                Some(id) => {
                    // The foreign device reaches one laptop at a time and
                    // pushes what that laptop lacks of its log; the others
                    // get its ops by relay.
                    foreign_seq += 1;
                    let vid = Uuid::parse_str(&id).unwrap();
                    let (hlc, body) = if newer {
                        (
                            Hlc::new(now_ms(), 0),
                            serde_json::json!({"kind": "badge_print", "visitor_id": vid}),
                        )
                    } else {
                        (
                            Hlc::new(now_ms() + 6 * 3_600_000, 0),
                            serde_json::json!({"kind": "set", "entity": "visitor", "id": vid, "fields": {"notes": format!("en avance {foreign_seq}")}}),
                        )
                    };
                    let kind = body["kind"].as_str().unwrap().to_string();
                    foreign_log.push(WireOp {
                        id: Uuid::now_v7(),
                        origin: foreign,
                        seq: foreign_seq,
                        hlc: hlc.0,
                        kind,
                        subject: Some(vid),
                        body: Some(body),
                    });
                    let has = nodes[node]
                        .store()
                        .vector()
                        .await
                        .unwrap()
                        .get(&foreign)
                        .copied()
                        .unwrap_or(0);
                    let ops: Vec<WireOp> = foreign_log
                        .iter()
                        .filter(|w| w.seq > has)
                        .cloned()
                        .collect();
                    nodes[node]
                        .store()
                        .apply_push(PushRequest {
                            protocol: PROTOCOL_VERSION,
                            device_id: foreign,
                            ops,
                        })
                        .await
                        .map(|_| ())
                }
            },
            Step::Sync {
                from,
                to,
                limit,
                max_pages,
                order,
                via_push,
            } => {
                if from != to {
                    let pages = pages_ahead(&nodes[from], &nodes[to], limit, max_pages).await;
                    let sender = nodes[from].device().await;
                    deliver(&nodes[to], &pages, &order, sender, via_push).await;
                }
                Ok(())
            }
        };
        if let Err(e) = r {
            assert!(expected_refusal(&e), "unexpected error {}: {e}", e.code());
        }
    }
    full_sync(&nodes, 50).await;

    let hash = nodes[0].hash().await;
    let ids = nodes[0].op_ids().await;
    let stats = nodes[0].app.stats(&ev).await.unwrap();
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n.hash().await, hash, "node {i}: same canonical state");
        assert_eq!(n.op_ids().await, ids, "node {i}: same op set");
        assert_eq!(
            n.app.stats(&ev).await.unwrap(),
            stats,
            "node {i}: same figures"
        );
    }
    // Arrivals are people (merge roots), counted once however many laptops scanned them.
    let pool = nodes[0].store().pool();
    let people: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT coalesce(a.root, c.visitor_id)) FROM checkin c LEFT JOIN alias a ON a.id = c.visitor_id
         WHERE c.event_id = ? AND c.session_id IS NULL AND c.direction = 'in' AND c.voided = 0",
    )
    .bind(uuid::Uuid::parse_str(&ev).unwrap())
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stats.arrived, people, "one arrival per person");
    let leaks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM op WHERE subject IN (SELECT visitor_id FROM erased) AND kind <> 'erase' AND body IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(leaks, 0, "erased people left no op body behind");
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM visitor WHERE id IN (SELECT visitor_id FROM erased)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(live, 0, "nothing resurrects an erased person");
    let named: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM visitor WHERE id IN (SELECT visitor_id FROM anonymised)
         AND (first_name IS NOT NULL OR last_name IS NOT NULL OR email IS NOT NULL OR postcode IS NOT NULL OR notes IS NOT NULL)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        named, 0,
        "no identity field comes back to an anonymised person, whatever raced it"
    );
    for (subject, kind, body) in sqlx::query_as::<_, (Uuid, String, Vec<u8>)>(
        "SELECT subject, kind, body FROM op WHERE subject IN (SELECT visitor_id FROM anonymised)
         AND body IS NOT NULL AND kind NOT IN ('erase', 'anonymise')",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        let text = escale_core::store::codec::decode_body(&body).unwrap();
        assert_eq!(
            OpBody::anonymised_text(&kind, Some(subject), &text).as_deref(),
            Some(text.as_str()),
            "every op about an anonymised person is logged anonymised"
        );
    }
    assert!(
        nodes[2].app.verify().await.unwrap().equal,
        "the log rebuilds to the same state"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn laptops_converge_through_real_stores(steps in prop::collection::vec(step(), 1..30)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run_stores(steps));
    }
}

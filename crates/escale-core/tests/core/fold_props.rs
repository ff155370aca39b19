//! Property tests: the fold is idempotent and order-independent, on the pure
//! in-memory state and through the SQLite store with arbitrary batching.

use escale_core::fold::{Changes, State};
use escale_core::hlc::Hlc;
use escale_core::model::{Direction, Entity, Method};
use escale_core::op::{Fields, Op, OpBody, Value};
use escale_core::store::{OpenOptions, Store};
use proptest::prelude::*;
use uuid::Uuid;

const ORIGINS: u128 = 3;
const VISITORS: u128 = 4;

fn origin(i: u128) -> Uuid {
    Uuid::from_u128(0xA000 + i)
}
fn visitor(i: u128) -> Uuid {
    Uuid::from_u128(0xB000 + i)
}
fn event() -> Uuid {
    Uuid::from_u128(0xE000)
}

#[derive(Debug, Clone)]
enum Gen {
    SetVisitor { v: u128, field: u8, value: u8 },
    SetRegistration { r: u128, v: u128, status: bool },
    CheckIn { v: u128, session: bool, out: bool },
    Void { target: usize },
    Consent { v: u128, granted: bool },
    Merge { loser: u128, winner: u128 },
    Erase { v: u128 },
    NotDuplicate { a: u128, b: u128 },
    Junk,
}

fn gen_op() -> impl Strategy<Value = Gen> {
    prop_oneof![
        4 => (0..VISITORS, 0u8..3, 0u8..4).prop_map(|(v, field, value)| Gen::SetVisitor { v, field, value }),
        2 => (0u128..3, 0..VISITORS, any::<bool>()).prop_map(|(r, v, status)| Gen::SetRegistration { r, v, status }),
        4 => (0..VISITORS, any::<bool>(), any::<bool>()).prop_map(|(v, session, out)| Gen::CheckIn { v, session, out }),
        2 => any::<usize>().prop_map(|target| Gen::Void { target }),
        1 => (0..VISITORS, any::<bool>()).prop_map(|(v, granted)| Gen::Consent { v, granted }),
        2 => (0..VISITORS, 0..VISITORS).prop_map(|(loser, winner)| Gen::Merge { loser, winner }),
        1 => (0..VISITORS).prop_map(|v| Gen::Erase { v }),
        1 => (0..VISITORS, 0..VISITORS).prop_map(|(a, b)| Gen::NotDuplicate { a, b }),
        1 => Just(Gen::Junk),
    ]
}

/// Turns generated intents into ops with dense per-origin seqs and HLCs that
/// often tie across origins (the origin must break the tie).
fn build(gens: &[(Gen, u128, i64)]) -> Vec<Op> {
    let mut seqs = [0i64; ORIGINS as usize];
    let mut ops: Vec<Op> = Vec::new();
    for (i, (g, o, t)) in gens.iter().enumerate() {
        seqs[*o as usize] += 1;
        let body = match g {
            Gen::SetVisitor { v, field, value } => {
                let name = ["first_name", "last_name", "email"][*field as usize];
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
            Gen::SetRegistration { r, v, status } => {
                let mut f = Fields::new();
                f.insert("event_id".into(), Value::String(event().to_string()));
                f.insert("visitor_id".into(), Value::String(visitor(*v).to_string()));
                f.insert(
                    "status".into(),
                    Value::String(if *status { "active" } else { "cancelled" }.into()),
                );
                OpBody::Set {
                    entity: Entity::Registration,
                    id: Uuid::from_u128(0xC000 + r * 16 + v),
                    fields: f,
                }
            }
            Gen::CheckIn { v, session, out } => OpBody::CheckIn {
                event_id: event(),
                session_id: session.then(|| Uuid::from_u128(0xD000)),
                visitor_id: visitor(*v),
                direction: if *out { Direction::Out } else { Direction::In },
                method: Method::Scan,
                code: None,
            },
            Gen::Void { target } => {
                let checkins: Vec<Uuid> = ops
                    .iter()
                    .filter(|o| matches!(o.body, OpBody::CheckIn { .. }))
                    .map(|o| o.id)
                    .collect();
                match checkins.get(target % checkins.len().max(1)) {
                    Some(id) => OpBody::VoidCheckIn { checkin_id: *id },
                    None => OpBody::VoidCheckIn {
                        checkin_id: Uuid::from_u128(0xF00D),
                    },
                }
            }
            Gen::Consent { v, granted } => OpBody::Consent {
                visitor_id: visitor(*v),
                purpose: "processing".into(),
                granted: *granted,
                wording_version: "t".into(),
            },
            Gen::Merge { loser, winner } => OpBody::Merge {
                loser: visitor(*loser),
                winner: visitor(*winner),
            },
            Gen::Erase { v } => OpBody::Erase {
                visitor_id: visitor(*v),
            },
            Gen::NotDuplicate { a, b } => OpBody::NotDuplicate {
                a: visitor(*a),
                b: visitor(*b),
            },
            Gen::Junk => OpBody::Set {
                entity: Entity::Visitor,
                id: visitor(0),
                fields: Fields::new(),
            },
        };
        ops.push(Op {
            id: Uuid::from_u128(0x1_0000 + i as u128),
            origin: origin(*o),
            seq: seqs[*o as usize],
            hlc: Hlc::new(1_000 + t, seqs[*o as usize]),
            body,
        });
    }
    ops
}

fn fold(ops: &[Op]) -> State {
    let mut s = State::default();
    let mut ch = Changes::default();
    for op in ops {
        s.apply(op, &mut ch);
    }
    s
}

fn scenario() -> impl Strategy<Value = (Vec<Op>, Vec<usize>, Vec<usize>)> {
    prop::collection::vec((gen_op(), 0..ORIGINS, 0i64..6), 1..40).prop_flat_map(|gens| {
        let ops = build(&gens);
        let n = ops.len();
        (
            Just(ops),
            Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            prop::collection::vec(0..n, 0..n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn pure_fold_is_order_independent_and_idempotent((ops, order, dups) in scenario()) {
        let reference = fold(&ops);
        let mut shuffled: Vec<Op> = order.iter().map(|i| ops[*i].clone()).collect();
        for d in &dups {
            shuffled.push(ops[*d].clone());
        }
        let other = fold(&shuffled);
        prop_assert_eq!(&reference, &other, "any order, with duplicates, must give the same state");
        for id in &reference.erased {
            prop_assert!(!reference.records.contains_key(&(Entity::Visitor, *id)), "an erased person keeps no record");
            prop_assert!(reference.checkins.values().all(|c| c.visitor_id != *id), "nor any check-in");
        }
        for (x, y) in &reference.not_duplicates {
            prop_assert!(x < y, "a dismissed pair is unordered: stored smaller id first, never with itself");
        }
    }
}

async fn fold_in_store(ops: &[Op], batches: &[usize]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path(),
        &OpenOptions {
            relaxed_durability: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    store
        .init_identity(Uuid::from_u128(1), Uuid::from_u128(2))
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    let mut rest = ops;
    let mut i = 0;
    while !rest.is_empty() {
        let n = batches
            .get(i)
            .copied()
            .unwrap_or(rest.len())
            .clamp(1, rest.len());
        let mut tx = store.write().await.unwrap();
        tx.ingest(&rest[..n]).await.unwrap();
        tx.commit().await.unwrap();
        rest = &rest[n..];
        i += 1;
    }
    let mut conn = store.pool().acquire().await.unwrap();
    escale_core::store::canonical::state_hash(&mut conn)
        .await
        .unwrap()
        .total
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn store_fold_gives_the_same_state_hash_for_any_order_and_batching(
        (ops, order, dups) in scenario(),
        batches in prop::collection::vec(1usize..8, 0..20),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reference = rt.block_on(fold_in_store(&ops, &[]));
        let mut shuffled: Vec<Op> = order.iter().map(|i| ops[*i].clone()).collect();
        for d in &dups {
            shuffled.push(ops[*d].clone());
        }
        let other = rt.block_on(fold_in_store(&shuffled, &batches));
        prop_assert_eq!(reference, other, "the SQLite state must not depend on arrival order or batch boundaries");
    }
}

//! Property tests: the fold is idempotent and order-independent, on the pure
//! in-memory state and through the SQLite store with arbitrary batching.

use escale_core::fold::{Changes, Outcome, State, Vocabulary};
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
    SetVisitor {
        v: u128,
        field: u8,
        value: u8,
    },
    /// A town, with or without a name in the same op: what a version
    /// without the `commune` field must apply in part.
    SetTown {
        v: u128,
        value: u8,
        with_name: bool,
    },
    SetRegistration {
        r: u128,
        v: u128,
        status: bool,
    },
    CheckIn {
        v: u128,
        session: bool,
        out: bool,
    },
    Void {
        target: usize,
    },
    Consent {
        v: u128,
        granted: bool,
    },
    Merge {
        loser: u128,
        winner: u128,
    },
    Erase {
        v: u128,
    },
    Anonymise {
        v: u128,
    },
    NotDuplicate {
        a: u128,
        b: u128,
    },
    /// A piece of an image (two ops may claim the same piece).
    Asset {
        asset: u128,
        index: u32,
        data: u8,
    },
    /// A certificate issued (or printed again with other hours), or revoked.
    Certificate {
        v: u128,
        minutes: u8,
        revoke: bool,
    },
    /// A mediation entry's facts, or who it was about and the note (the
    /// part an erasure drops). Who an entry is about is set once, like a
    /// registration's person: entry `m` is always about visitor `m`.
    Mediation {
        m: u128,
        person: bool,
        minutes: u8,
    },
    Junk,
}

fn gen_op() -> impl Strategy<Value = Gen> {
    prop_oneof![
        4 => (0..VISITORS, 0u8..3, 0u8..4).prop_map(|(v, field, value)| Gen::SetVisitor { v, field, value }),
        2 => (0..VISITORS, 0u8..3, any::<bool>()).prop_map(|(v, value, with_name)| Gen::SetTown { v, value, with_name }),
        2 => (0u128..3, 0..VISITORS, any::<bool>()).prop_map(|(r, v, status)| Gen::SetRegistration { r, v, status }),
        4 => (0..VISITORS, any::<bool>(), any::<bool>()).prop_map(|(v, session, out)| Gen::CheckIn { v, session, out }),
        2 => any::<usize>().prop_map(|target| Gen::Void { target }),
        1 => (0..VISITORS, any::<bool>()).prop_map(|(v, granted)| Gen::Consent { v, granted }),
        2 => (0..VISITORS, 0..VISITORS).prop_map(|(loser, winner)| Gen::Merge { loser, winner }),
        1 => (0..VISITORS).prop_map(|v| Gen::Erase { v }),
        1 => (0..VISITORS).prop_map(|v| Gen::Anonymise { v }),
        1 => (0..VISITORS, 0..VISITORS).prop_map(|(a, b)| Gen::NotDuplicate { a, b }),
        2 => (0..VISITORS, 0u8..4, any::<bool>()).prop_map(|(v, minutes, revoke)| Gen::Certificate { v, minutes, revoke }),
        1 => (0u128..2, 0u32..2, 0u8..3).prop_map(|(asset, index, data)| Gen::Asset { asset, index, data }),
        2 => (0u128..3, any::<bool>(), 0u8..4).prop_map(|(m, person, minutes)| Gen::Mediation { m, person, minutes }),
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
            Gen::SetTown {
                v,
                value,
                with_name,
            } => {
                let mut f = Fields::new();
                let (town, code) =
                    [("Montreuil", "93048"), ("Paris", "75056"), ("Genève", "")][*value as usize];
                f.insert("commune".into(), Value::String(town.into()));
                f.insert(
                    "commune_code".into(),
                    if code.is_empty() {
                        Value::Null
                    } else {
                        Value::String(code.into())
                    },
                );
                if *with_name {
                    f.insert("last_name".into(), Value::String(format!("Ville-{value}")));
                }
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
                if *status {
                    f.insert("ticket_code".into(), Value::String(format!("T-{r}-{v}")));
                }
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
                code: session.then(|| format!("ESC-{v}")),
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
            Gen::Anonymise { v } => OpBody::Anonymise {
                visitor_id: visitor(*v),
            },
            Gen::NotDuplicate { a, b } => OpBody::NotDuplicate {
                a: visitor(*a),
                b: visitor(*b),
            },
            Gen::Asset { asset, index, data } => OpBody::AssetChunk {
                asset_id: Uuid::from_u128(0xA55E7 + asset),
                index: *index,
                count: 2,
                mime: "image/png".into(),
                data: ["QUJD", "REVG", "R0hJ"][*data as usize].into(),
            },
            Gen::Certificate { v, minutes, revoke } => {
                let number = escale_protocol::certificate::number(
                    Uuid::from_u128(0xA),
                    "presence",
                    &escale_protocol::certificate::Scope::Event(event()),
                    visitor(*v),
                );
                if *revoke {
                    OpBody::CertificateRevoked {
                        number,
                        visitor_id: visitor(*v),
                        reason: "erreur".into(),
                    }
                } else {
                    OpBody::CertificateIssued {
                        number,
                        visitor_id: visitor(*v),
                        event_id: Some(event()),
                        series: None,
                        template: "presence".into(),
                        period_from: "2026-12-03".into(),
                        period_to: "2026-12-03".into(),
                        minutes: i64::from(*minutes) * 30,
                        spans: format!("2026-12-03 09:00-{:02}:00", 9 + minutes),
                        name: format!("Personne {v}"),
                        key_id: "K".into(),
                    }
                }
            }
            Gen::Mediation { m, person, minutes } => {
                let mut f = Fields::new();
                match person {
                    true => {
                        f.insert(
                            "visitor_id".into(),
                            Value::String(visitor(*m % VISITORS).to_string()),
                        );
                        f.insert("note".into(), Value::String(format!("note {minutes}")));
                    }
                    false => {
                        f.insert("minutes".into(), Value::from(i64::from(*minutes) * 15));
                        f.insert(
                            "themes".into(),
                            Value::String("email,job_integration".into()),
                        );
                    }
                }
                OpBody::Set {
                    entity: Entity::Mediation,
                    id: Uuid::from_u128(0xE000 + m),
                    fields: f,
                }
            }
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
            prop_assert!(
                reference.records.iter().all(|((e, _), r)| *e != Entity::Mediation || (r.uuid("visitor_id") != Some(*id) && r.text("note").is_none_or(|_| r.uuid("visitor_id").is_some()))),
                "a mediation entry keeps its facts but not the erased person nor the note"
            );
        }
        for id in reference.anonymised.difference(&reference.erased) {
            for ((entity, rid), rec) in &reference.records {
                let theirs = if *entity == Entity::Visitor { rid == id } else { rec.uuid("visitor_id") == Some(*id) };
                if !theirs {
                    continue;
                }
                for (name, (value, _)) in &rec.fields {
                    if let Some(anon) = escale_core::fields::anonymised_value(*entity, name) {
                        prop_assert_eq!(value, &anon, "{:?}.{} of an anonymised person keeps an identity value", entity, name);
                    }
                }
            }
            prop_assert!(reference.checkins.values().all(|c| c.visitor_id != *id || c.code.is_none()), "no scanned code of an anonymised person");
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

/// What "version N" knew: no town field, no `not_duplicate` op.
fn older_vocabulary() -> Vocabulary {
    Vocabulary::without(&[
        (Entity::Visitor, "commune"),
        (Entity::Visitor, "commune_code"),
    ])
    .without_kinds(&["not_duplicate"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// A log written by version N+1 (ops naming a field and an op kind N
    /// does not know), folded by N, then folded again by N+1 after the
    /// upgrade — the ops N set aside only — gives the state N+1 had all along.
    #[test]
    fn a_newer_versions_log_folded_before_and_after_an_upgrade_gives_the_same_state(
        (ops, order, dups) in scenario(),
    ) {
        let mut all_along = fold(&ops);
        all_along.vocabulary = Vocabulary::current();
        let mut old = State { vocabulary: older_vocabulary(), ..State::default() };
        let mut ch = Changes::default();
        let mut set_aside = vec![];
        let mut shuffled: Vec<Op> = order.iter().map(|i| ops[*i].clone()).collect();
        for d in &dups {
            shuffled.push(ops[*d].clone());
        }
        for op in &shuffled {
            let outcome = old.apply(op, &mut ch);
            let unknown = !old.vocabulary.unknown_fields(&op.body).is_empty();
            if matches!(outcome, Outcome::Invalid(_)) || (outcome == Outcome::Applied && unknown) {
                set_aside.push(op.clone());
            }
        }
        old.vocabulary = Vocabulary::current();
        for op in &set_aside {
            old.apply(op, &mut ch);
        }
        prop_assert_eq!(&old, &all_along, "after the upgrade, as if N+1 had folded everything");
    }
}

async fn store_with(dir: &std::path::Path, vocabulary: Vocabulary) -> Store {
    let store = Store::open(
        dir,
        &OpenOptions {
            relaxed_durability: true,
            vocabulary,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if store.identity().await.unwrap().is_none() {
        store
            .init_identity(Uuid::from_u128(1), Uuid::from_u128(2))
            .await
            .unwrap()
            .commit()
            .await
            .unwrap();
    }
    store
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The same through the store: version N quarantines what it cannot
    /// read and keeps the fields it cannot apply aside (`op_pending`);
    /// opened by N+1 it folds them again and clears those rows, so its
    /// state hash — quarantine and pending rows included — is N+1's.
    #[test]
    fn a_store_folded_by_an_older_version_refolds_on_upgrade_to_the_newer_state(
        (ops, order, _dups) in scenario(),
        batches in prop::collection::vec(1usize..8, 0..20),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reference = rt.block_on(fold_in_store(&ops, &[]));
        let upgraded = rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let shuffled: Vec<Op> = order.iter().map(|i| ops[*i].clone()).collect();
            {
                let old = store_with(dir.path(), older_vocabulary()).await;
                let mut rest = &shuffled[..];
                let mut i = 0;
                while !rest.is_empty() {
                    let n = batches.get(i).copied().unwrap_or(rest.len()).clamp(1, rest.len());
                    let mut tx = old.write().await.unwrap();
                    tx.ingest(&rest[..n]).await.unwrap();
                    tx.commit().await.unwrap();
                    rest = &rest[n..];
                    i += 1;
                }
                old.close().await;
            }
            let new = store_with(dir.path(), Vocabulary::current()).await;
            new.state_hash().await.unwrap().total
        });
        prop_assert_eq!(reference, upgraded, "the upgraded store holds what N+1 would have");
    }
}

//! The op decoder under random input: whatever JSON arrives at the push
//! endpoint — random documents, or a valid push with one field replaced by
//! a random value — the hub answers 2xx or 4xx, never 500, never panics,
//! and a refused push writes nothing.

use crate::support::{ops, Backend, TestHub};
use axum::http::StatusCode;
use escale_protocol::wire::PROTOCOL_VERSION;
use proptest::prelude::*;
use serde_json::{json, Value};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-z_.]{0,12}".prop_map(Value::String),
        "\\PC{0,20}".prop_map(Value::String),
        Just(json!(uuid::Uuid::now_v7())),
        Just(json!("set")),
        Just(json!("check_in")),
        Just(json!("erase")),
        Just(json!(PROTOCOL_VERSION)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Paths into a valid push where a random value is put.
const FIELDS: &[&[&str]] = &[
    &["protocol"],
    &["device_id"],
    &["ops"],
    &["ops", "0"],
    &["ops", "0", "id"],
    &["ops", "0", "seq"],
    &["ops", "0", "hlc"],
    &["ops", "0", "kind"],
    &["ops", "0", "subject"],
    &["ops", "0", "body"],
    &["ops", "0", "body", "kind"],
    &["ops", "0", "body", "id"],
    &["ops", "0", "body", "entity"],
    &["ops", "0", "body", "fields"],
    &["ops", "0", "body", "fields", "first_name"],
    &["ops", "1", "body", "visitor_id"],
    &["ops", "1", "body", "direction"],
];

fn set_path(v: &mut Value, path: &[&str], x: Value) {
    let mut node = v;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let next = match node {
            Value::Object(m) => {
                if last {
                    m.insert(seg.to_string(), x);
                    return;
                }
                m.get_mut(*seg)
            }
            Value::Array(a) => {
                let idx: usize = seg.parse().unwrap();
                if last {
                    if idx < a.len() {
                        a[idx] = x;
                    }
                    return;
                }
                a.get_mut(idx)
            }
            _ => return,
        };
        match next {
            Some(n) => node = n,
            None => return,
        }
    }
}

#[test]
fn random_json_at_the_push_endpoint_never_makes_a_500() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = rt
        .block_on(TestHub::new(Backend::Sqlite, Default::default()))
        .unwrap();
    let seq = std::sync::atomic::AtomicI64::new(0);
    let cfg = ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(doc in any_json(), field in 0..FIELDS.len(), replacement in any_json(), whole in any::<bool>())| {
        let seq = seq.fetch_add(2, std::sync::atomic::Ordering::Relaxed) + 2;
        let event = uuid::Uuid::now_v7();
        let visitor = uuid::Uuid::now_v7();
        let body = if whole {
            doc
        } else {
            let mut v = json!({
                "protocol": PROTOCOL_VERSION,
                "device_id": h.device,
                "ops": [ops::visitor(h.device, seq - 1, visitor, "Zoé"), ops::checkin(h.device, seq, event, visitor)],
            });
            set_path(&mut v, FIELDS[field], replacement);
            v
        };
        let before = rt.block_on(h.op_count());
        let (status, resp) = rt.block_on(h.post("/v1/push", Some(&h.token), body.clone()));
        prop_assert!(status != StatusCode::INTERNAL_SERVER_ERROR, "500 for {body}: {resp}");
        prop_assert!(status.is_success() || status.is_client_error(), "{status} for {body}");
        if status.is_client_error() {
            prop_assert!(resp["code"].is_string(), "every refusal has a code: {resp}");
            prop_assert_eq!(rt.block_on(h.op_count()), before, "a refused push writes nothing");
        }
    });
    rt.block_on(h.finish());
}

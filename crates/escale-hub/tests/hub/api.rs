//! Push, pull and snapshot through the router, on both backends: replays
//! change nothing, pages cover everything once, bad input is refused whole
//! with a clear code, invalid ops are quarantined and acknowledged.

use crate::both_backends;
use crate::support::{ops, Backend, TestHub};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use escale_hub::HubConfig;
use escale_protocol::wire::{WireOp, MAX_PAGE_OPS, PROTOCOL_VERSION};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use uuid::Uuid;

both_backends!(replaying_a_push_changes_nothing, |h| async {
    let batch = ops::many(h.device, 1, 50);
    let (status, first) = h.push(&batch).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["applied"].as_u64(), first["duplicates"].as_u64()),
        (Some(50), Some(0))
    );
    assert_eq!(first["vector"][h.device.to_string()], 50);
    let (status, again) = h.push(&batch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (again["applied"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(50)),
        "a lost answer, resent: {again}"
    );
    assert_eq!(again["vector"], first["vector"], "the vector did not move");
    // Half old, half new, and one op twice in the same batch.
    let mut mixed = batch[25..].to_vec();
    mixed.extend(ops::many(h.device, 51, 10));
    mixed.push(mixed[0].clone());
    let (_, third) = h.push(&mixed).await;
    assert_eq!(
        (third["applied"].as_u64(), third["duplicates"].as_u64()),
        (Some(10), Some(26)),
        "{third}"
    );
    assert_eq!(h.op_count().await, 60, "every op exactly once");
});

both_backends!(
    pulling_pages_by_vector_returns_everything_once_in_order,
    |h| async {
        // One laptop relays ops of three origins (its own and two others').
        let origins: Vec<Uuid> = vec![h.device, Uuid::now_v7(), Uuid::now_v7()];
        let mut all: Vec<WireOp> = Vec::new();
        for (i, o) in origins.iter().enumerate() {
            all.extend(ops::many(*o, 1, 7 + i * 3));
        }
        let (status, resp) = h.push(&all).await;
        assert_eq!(status, StatusCode::OK, "{resp}");
        let mut vector = json!({});
        let mut seen: Vec<(String, i64)> = Vec::new();
        let mut pages = 0;
        loop {
            let (status, page) = h.pull(&vector, 4).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            let list = page["ops"].as_array().unwrap();
            assert!(list.len() <= 4, "a page never exceeds the limit");
            for op in list {
                let (o, s) = (
                    op["origin"].as_str().unwrap().to_string(),
                    op["seq"].as_i64().unwrap(),
                );
                // A laptop advances its vector by what it applied.
                vector[&o] = json!(s);
                seen.push((o, s));
            }
            if !page["more"].as_bool().unwrap() {
                assert_eq!(
                    page["vector"], resp["vector"],
                    "the last page carries the hub's vector"
                );
                break;
            }
            assert!(pages < 50, "paging must end");
        }
        assert_eq!(seen.len(), all.len(), "every op once");
        let unique: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), all.len(), "no op twice");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "served in (origin, seq) order (keyset)");
        let (_, nothing) = h.pull(&vector, 100).await;
        assert_eq!(
            (
                nothing["ops"].as_array().unwrap().len(),
                nothing["more"].as_bool()
            ),
            (0, Some(false)),
            "an up-to-date laptop gets nothing"
        );
    }
);

both_backends!(a_hole_in_a_relayed_sequence_is_not_served_past, |h| async {
    let other = Uuid::now_v7();
    let mut batch = ops::many(other, 1, 3);
    batch.extend(ops::many(other, 5, 2)); // seq 4 missing
    let (_, resp) = h.push(&batch).await;
    assert_eq!(
        resp["vector"][other.to_string()],
        3,
        "the vector stops at the hole: {resp}"
    );
    let (_, page) = h.pull(&json!({}), 100).await;
    assert_eq!(
        page["ops"].as_array().unwrap().len(),
        3,
        "ops above a hole wait for it"
    );
    let (_, resp) = h.push(&ops::many(other, 4, 1)).await;
    assert_eq!(
        resp["vector"][other.to_string()],
        6,
        "the hole filled, the vector jumps: {resp}"
    );
});

both_backends!(
    an_unknown_kind_is_quarantined_acknowledged_and_relayed_as_sent,
    |h| async {
        let mut strange = ops::op(h.device, 1, json!({"kind": "teleport", "to": "Mars"}));
        strange.kind = "teleport".into();
        let good = ops::visitor(h.device, 2, Uuid::now_v7(), "Ömer");
        let (status, resp) = h.push(&[strange.clone(), good]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "one bad op never blocks a device: {resp}"
        );
        assert_eq!(
            (resp["applied"].as_u64(), resp["quarantined"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(
            resp["vector"][h.device.to_string()],
            2,
            "the quarantined op counts in the vector"
        );
        let (_, page) = h.pull(&json!({}), 10).await;
        assert_eq!(
            page["ops"][0]["body"],
            json!({"kind": "teleport", "to": "Mars"}),
            "kept as sent for newer nodes"
        );
    }
);

both_backends!(
    oversized_batches_are_refused_with_413_and_nothing_written,
    |h| async {
        let batch = ops::many(h.device, 1, MAX_PAGE_OPS + 1);
        let (status, body) = h.push(&batch).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("sync.batch_too_large")),
            "{body}"
        );
        assert_eq!(h.op_count().await, 0);
    }
);

#[tokio::test]
async fn a_body_over_the_byte_limit_is_refused_with_413() {
    let h = TestHub::new(
        Backend::Sqlite,
        HubConfig {
            max_body_bytes: 64 * 1024,
            ..HubConfig::default()
        },
    )
    .await
    .unwrap();
    let (status, body) = h.push(&ops::many(h.device, 1, 1_000)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("request.too_large")),
        "{body}"
    );
    assert_eq!(h.op_count().await, 0);
    h.finish().await;
}

both_backends!(another_protocol_version_gets_426, |h| async {
    let batch = ops::many(h.device, 1, 1);
    for (v, code) in [
        (PROTOCOL_VERSION + 1, "sync.protocol_too_new"),
        (0, "sync.protocol_too_old"),
    ] {
        let (status, body) = h
            .post(
                "/v1/push",
                Some(&h.token),
                json!({"protocol": v, "device_id": h.device, "ops": batch}),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UPGRADE_REQUIRED, Some(code)),
            "{body}"
        );
        // A future app may send a shape we do not know: still 426, not 400.
        let (status, _) = h
            .post(
                "/v1/pull",
                Some(&h.token),
                json!({"protocol": v, "wanted": "everything"}),
            )
            .await;
        assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
        let req = Request::get("/v1/time")
            .header("escale-protocol", v.to_string())
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            h.request(req).await.0,
            StatusCode::UPGRADE_REQUIRED,
            "the header is checked too"
        );
    }
    assert_eq!(h.op_count().await, 0);
});

both_backends!(
    malformed_payloads_get_400_with_a_clear_code_and_write_nothing,
    |h| async {
        let good = serde_json::to_value(ops::many(h.device, 1, 3)).unwrap();
        let full =
            json!({"protocol": PROTOCOL_VERSION, "device_id": h.device, "ops": good}).to_string();
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "truncated",
                full[..full.len() / 2].to_string(),
                "request.malformed_json",
            ),
            (
                "not json",
                "ceci n'est pas du JSON".into(),
                "request.malformed_json",
            ),
            ("empty", String::new(), "request.malformed_json"),
            (
                "no protocol",
                json!({"device_id": h.device, "ops": []}).to_string(),
                "sync.protocol_missing",
            ),
            (
                "protocol as text",
                json!({"protocol": "1", "device_id": h.device, "ops": []}).to_string(),
                "sync.protocol_missing",
            ),
            (
                "seq as text",
                {
                    let mut v: Value = serde_json::from_str(&full).unwrap();
                    v["ops"][2]["seq"] = json!("three");
                    v.to_string()
                },
                "request.invalid",
            ),
            (
                "ops not a list",
                json!({"protocol": PROTOCOL_VERSION, "device_id": h.device, "ops": {"a": 1}})
                    .to_string(),
                "request.invalid",
            ),
            (
                "missing id",
                {
                    let mut v: Value = serde_json::from_str(&full).unwrap();
                    v["ops"][1].as_object_mut().unwrap().remove("id");
                    v.to_string()
                },
                "request.invalid",
            ),
            (
                "seq zero",
                {
                    let mut v: Value = serde_json::from_str(&full).unwrap();
                    v["ops"][2]["seq"] = json!(0);
                    v.to_string()
                },
                "sync.bad_op",
            ),
            (
                "empty kind",
                {
                    let mut v: Value = serde_json::from_str(&full).unwrap();
                    v["ops"][0]["kind"] = json!("");
                    v.to_string()
                },
                "sync.bad_op",
            ),
        ];
        for (what, body, code) in cases {
            let (status, resp) = h.post_raw("/v1/push", Some(&h.token), body).await;
            assert_eq!(
                (status, resp["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some(code)),
                "{what}: {resp}"
            );
            assert!(
                !resp["message"].as_str().unwrap().is_empty(),
                "{what}: the message says what is wrong"
            );
        }
        let (_, resp) = h
            .post_raw("/v1/push", Some(&h.token), {
                let mut v: Value = serde_json::from_str(&full).unwrap();
                v["ops"][2]["seq"] = json!("three");
                v.to_string()
            })
            .await;
        assert!(
            resp["message"].as_str().unwrap().contains("ops[2].seq"),
            "the message names the field: {resp}"
        );
        assert_eq!(h.op_count().await, 0, "nothing half-written");
    }
);

both_backends!(
    a_different_op_at_a_known_place_is_a_cloned_device,
    |h| async {
        let (status, _) = h.push(&ops::many(h.device, 1, 2)).await;
        assert_eq!(status, StatusCode::OK);
        // The clone made its own seq 2 and 3.
        let clone = ops::many(h.device, 2, 2);
        let (status, body) = h.push(&clone).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("sync.clone_detected")),
            "{body}"
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&h.device.to_string()),
            "names the device: {body}"
        );
        assert_eq!(
            h.op_count().await,
            2,
            "the whole batch rolled back (seq 3 too)"
        );
        // A known op id replayed at another place is a clone too.
        let mut moved = ops::many(h.device, 1, 1)[0].clone();
        let (_, page) = h.pull(&json!({}), 10).await;
        moved.id = page["ops"][0]["id"].as_str().unwrap().parse().unwrap();
        moved.seq = 7;
        let (status, body) = h.push(&[moved]).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("sync.clone_detected")),
            "{body}"
        );
        let (_, v) = h.pull(&json!({}), 10).await;
        assert_eq!(v["vector"][h.device.to_string()], 2);
    }
);

both_backends!(time_health_and_metrics_answer, |h| async {
    let (status, t) = h.get("/v1/time", None).await;
    assert_eq!(status, StatusCode::OK);
    let skew = t["now_ms"].as_i64().unwrap() - escale_core::hlc::now_ms();
    assert!(skew.abs() < 5_000, "the hub's clock is this machine's: {t}");
    let (status, health) = h.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        health["backend"],
        match h.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    );
    h.push(&ops::many(h.device, 1, 5)).await;
    let (status, bytes) = h
        .request(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains(r#"escale_hub_requests_total{route="/v1/push",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("escale_hub_ops_stored_total 5"), "{text}");
    assert!(
        text.contains("escale_hub_push_duration_seconds_count 1"),
        "{text}"
    );
    assert!(text.contains("escale_hub_devices 1"), "{text}");
    let (status, nf) = h.get("/v2/nothing", None).await;
    assert_eq!(
        (status, nf["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("request.not_found"))
    );
});

both_backends!(the_snapshot_pages_through_everything, |h| async {
    let other = Uuid::now_v7();
    let mut batch = ops::many(h.device, 1, 6);
    batch.extend(ops::many(other, 1, 5));
    h.push(&batch).await;
    let mut after: Option<String> = None;
    let mut got = 0;
    for _ in 0..10 {
        let path = match &after {
            Some(a) => format!("/v1/snapshot?limit=4&after={a}"),
            None => "/v1/snapshot?limit=4".into(),
        };
        let (status, page) = h.get(&path, Some(&h.token)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        got += page["ops"].as_array().unwrap().len();
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(got, 11, "every op once");
    // A window of 1 byte: one op a page, every op still once.
    let (mut after, mut pages, mut got) = (None::<String>, 0, 0);
    loop {
        let path = match &after {
            Some(a) => format!("/v1/snapshot?max_bytes=1&after={a}"),
            None => "/v1/snapshot?max_bytes=1".into(),
        };
        let (status, page) = h.get(&path, Some(&h.token)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page["ops"].as_array().unwrap().len() <= 1, "{page}");
        got += page["ops"].as_array().unwrap().len();
        pages += 1;
        assert!(pages <= 12, "no page is sent twice");
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(got, 11, "byte-sized pages: every op once");
    let (status, bad) = h.get("/v1/snapshot?max_bytes=lots", Some(&h.token)).await;
    assert_eq!(
        (status, bad["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("request.invalid"))
    );
    let req = Request::get("/v1/snapshot")
        .header("authorization", format!("Bearer {}", h.token))
        .body(Body::empty())
        .unwrap();
    let (status, _) = h.request(req).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the snapshot needs the protocol header"
    );
});

/// A client that sends its headers and then trickles (here: stops sending)
/// its body does not hold a connection and a transaction forever: after
/// `request_timeout` it gets 503 `hub.timeout` (which laptops retry) and
/// nothing of the request is stored.
#[tokio::test]
async fn a_body_that_never_finishes_arriving_gets_503_after_the_request_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let h = TestHub::new(
        Backend::Sqlite,
        HubConfig {
            request_timeout: std::time::Duration::from_millis(300),
            ..HubConfig::default()
        },
    )
    .await
    .unwrap();
    let listener = escale_hub::serve::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(escale_hub::serve::run(
        listener,
        h.state.clone(),
        None,
        async {
            let _ = stop_rx.await;
        },
    ));

    let body = serde_json::to_string(&json!({
        "protocol": PROTOCOL_VERSION, "device_id": h.device, "ops": ops::many(h.device, 1, 10)
    }))
    .unwrap();
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/push HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\nescale-protocol: {PROTOCOL_VERSION}\r\n\
         content-length: {}\r\n\r\n",
        h.token,
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    // Half the body, then silence.
    conn.write_all(&body.as_bytes()[..body.len() / 2])
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = conn.read(&mut buf).await.unwrap_or(0);
            answer.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&answer);
            if n == 0 || text.contains("hub.timeout") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the hub answers instead of waiting forever");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 503"),
        "503, which a laptop retries: {text}"
    );
    assert!(
        text.contains("hub.timeout"),
        "with a code that says why: {text}"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250),
        "not before the timeout"
    );
    assert_eq!(
        h.op_count().await,
        0,
        "nothing of the abandoned push is stored"
    );
    let _ = stop_tx.send(());
    let _ = server.await;
    h.finish().await;
}

both_backends!(
    a_pull_cut_by_bytes_gets_every_op_once_in_small_pages,
    |h| async {
        let origins = [h.device, uuid::Uuid::now_v7()];
        let mut all: Vec<WireOp> = Vec::new();
        for o in origins {
            all.extend(ops::many(o, 1, 30));
        }
        let (status, resp) = h.push(&all).await;
        assert_eq!(status, StatusCode::OK, "{resp}");
        let one = escale_protocol::wire::wire_size(&all[0]);
        let budget = one * 7 + one / 2;
        let mut vector = json!({});
        let mut seen = 0;
        let mut pages = 0;
        loop {
            let (status, page) = h
                .post(
                    "/v1/pull",
                    Some(&h.token),
                    json!({"protocol": PROTOCOL_VERSION, "vector": vector, "limit": 5000, "max_bytes": budget}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            let list = page["ops"].as_array().unwrap();
            assert!(
                !list.is_empty() && list.len() <= 7,
                "{} ops in {budget} bytes",
                list.len()
            );
            for op in list {
                vector[op["origin"].as_str().unwrap()] = op["seq"].clone();
                seen += 1;
            }
            if !page["more"].as_bool().unwrap() {
                break;
            }
            assert!(pages < 100, "paging must end");
        }
        assert_eq!(seen, all.len(), "every op once");
        assert!(pages >= all.len() / 7, "{pages} pages");

        // One op larger than the budget still comes, alone.
        let (_, page) = h
            .post(
                "/v1/pull",
                Some(&h.token),
                json!({"protocol": PROTOCOL_VERSION, "vector": {}, "limit": 5000, "max_bytes": 1}),
            )
            .await;
        assert_eq!(page["ops"].as_array().unwrap().len(), 1);
        assert_eq!(page["more"], true);
    }
);

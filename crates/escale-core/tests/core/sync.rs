//! Sync scenarios through real stores: paging, replay, refused envelopes,
//! quarantine, cloned devices, erasure racing an edit, clock skew, a device
//! offline for months, snapshots, USB bundles — and a real `escale` process
//! killed in the middle of a bundle import.

use super::support::{person, walk_in};
use super::sync_net::{founder, full_sync, joiner, org, pull, push, Node};
use escale_core::app::CheckInTarget;
use escale_core::hlc::{now_ms, Hlc};
use escale_core::model::Method;
use escale_core::store::Store;
use escale_core::sync::VersionVector;
use escale_protocol::wire::{PullRequest, PullResponse, PushRequest, WireOp, PROTOCOL_VERSION};
use serde_json::json;
use uuid::Uuid;

fn wire(origin: Uuid, seq: i64, hlc: Hlc, body: serde_json::Value) -> WireOp {
    let kind = body
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("x")
        .to_string();
    WireOp {
        id: Uuid::now_v7(),
        origin,
        seq,
        hlc: hlc.0,
        kind,
        subject: None,
        body: Some(body),
    }
}

fn set_notes(visitor: Uuid, notes: &str) -> serde_json::Value {
    json!({"kind": "set", "entity": "visitor", "id": visitor, "fields": {"notes": notes}})
}

async fn push_ops(
    to: &Node,
    from_device: Uuid,
    ops: Vec<WireOp>,
) -> escale_core::Result<escale_protocol::wire::PushResponse> {
    to.store()
        .apply_push(PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id: from_device,
            ops,
        })
        .await
}

#[tokio::test]
async fn a_person_checked_in_on_two_laptops_counts_once_after_sync() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Éloïse", "N'Diaye-Lefèvre"), false))
        .await
        .unwrap();
    full_sync(&nodes, 3).await;
    let id = x.visitor.id.to_string();
    a.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(id.clone()),
            None,
            Method::Search,
        )
        .await
        .unwrap();
    b.app
        .check_in(&ev, CheckInTarget::Visitor(id.clone()), None, Method::Scan)
        .await
        .unwrap();
    full_sync(&nodes, 2).await;
    for n in &nodes {
        let s = n.app.stats(&ev).await.unwrap();
        assert_eq!(s.arrived, 1, "two scans on two laptops are one arrival");
    }
    assert_eq!(
        a.hash().await,
        b.hash().await,
        "both laptops hold the same state"
    );
    assert_eq!(a.op_ids().await, b.op_ids().await, "and the same op set");
    let checkins: i64 = sqlx::query_scalar("SELECT count(*) FROM checkin")
        .fetch_one(a.store().pool())
        .await
        .unwrap();
    assert_eq!(checkins, 2, "both scans are kept as facts");
}

#[tokio::test]
async fn pages_follow_the_vector_for_every_origin_including_unknown_ones() {
    let (nodes, ev) = org(3).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    for i in 0..7 {
        a.app
            .register_walk_in(&walk_in(&ev, person("Ana", &format!("A{i}")), true))
            .await
            .unwrap();
        b.app
            .register_walk_in(&walk_in(&ev, person("Bea", &format!("B{i}")), false))
            .await
            .unwrap();
    }
    // C has never seen B's device: B's ops reach it through A.
    pull(b, a, 4).await;
    let lacking = a
        .store()
        .unsynced_count(&c.store().vector().await.unwrap())
        .await
        .unwrap();
    assert!(lacking > 20, "C lacks the ops of two origins: {lacking}");
    let mut served = 0;
    let pages = loop {
        let (ops, more) = a
            .store()
            .ops_for(&c.store().vector().await.unwrap(), 5)
            .await
            .unwrap();
        assert!(ops.len() <= 5, "a page never exceeds the limit");
        let mut sorted = ops.clone();
        sorted.sort_by_key(|o| (o.origin, o.seq));
        assert_eq!(sorted, ops, "ops come in (origin, seq) order");
        served += ops.len();
        c.store()
            .apply_pull(PullResponse {
                ops,
                more,
                vector: VersionVector::new(),
            })
            .await
            .unwrap();
        if !more {
            break served.div_ceil(5);
        }
    };
    assert_eq!(served as i64, lacking, "exactly what C lacked was served");
    assert!(pages >= 5);
    assert_eq!(
        a.store()
            .unsynced_count(&c.store().vector().await.unwrap())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        c.store().vector().await.unwrap(),
        a.store().vector().await.unwrap()
    );
    let (ops, more) = a
        .store()
        .ops_for(&c.store().vector().await.unwrap(), 5)
        .await
        .unwrap();
    assert!(ops.is_empty() && !more, "nothing new means an empty page");
}

#[tokio::test]
async fn replaying_a_page_changes_nothing() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    for i in 0..3 {
        a.app
            .register_walk_in(&walk_in(&ev, person("Léa", &format!("L{i}")), true))
            .await
            .unwrap();
    }
    let req = PullRequest {
        protocol: PROTOCOL_VERSION,
        vector: b.store().vector().await.unwrap(),
        limit: 100,
        max_bytes: None,
    };
    let page = a.store().serve_pull(&req).await.unwrap();
    let first = b.store().apply_pull(page.clone()).await.unwrap();
    let hash = b.hash().await;
    let again = b.store().apply_pull(page.clone()).await.unwrap();
    assert!(first.applied > 0);
    assert_eq!(
        (again.applied, again.duplicates),
        (0, page.ops.len()),
        "a replayed page is all duplicates"
    );
    assert_eq!(b.hash().await, hash, "and changes nothing");
    let pushed = push_ops(b, a.device().await, page.ops.clone())
        .await
        .unwrap();
    assert_eq!(
        pushed.duplicates,
        page.ops.len(),
        "a retried push is acknowledged as duplicates"
    );
    assert_eq!(b.hash().await, hash);
}

#[tokio::test]
async fn an_impossible_envelope_is_refused_and_nothing_is_written() {
    let a = founder().await;
    let x = Uuid::now_v7();
    let other = Uuid::now_v7();
    let count = a.store().op_count().await.unwrap();
    let hash = a.hash().await;
    let now = Hlc::new(now_ms(), 0);
    let good = wire(other, 1, now, set_notes(x, "ok"));
    for bad in [
        wire(other, 0, now, set_notes(x, "seq zero")),
        wire(other, 2, Hlc(-5), set_notes(x, "negative clock")),
        WireOp {
            kind: String::new(),
            ..wire(other, 2, now, set_notes(x, "no kind"))
        },
        WireOp {
            id: Uuid::nil(),
            ..wire(other, 2, now, set_notes(x, "nil id"))
        },
    ] {
        let err = push_ops(&a, other, vec![good.clone(), bad])
            .await
            .unwrap_err();
        assert_eq!(err.code(), "sync.bad_op", "{err}");
    }
    assert_eq!(
        a.store().op_count().await.unwrap(),
        count,
        "not even the good op of a refused batch is kept"
    );
    assert_eq!(a.hash().await, hash);

    let err = a
        .store()
        .apply_push(PushRequest {
            protocol: PROTOCOL_VERSION + 1,
            device_id: other,
            ops: vec![good.clone()],
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sync.protocol_too_new");
    let err = a
        .store()
        .serve_pull(&PullRequest {
            protocol: 0,
            vector: VersionVector::new(),
            limit: 10,
            max_bytes: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sync.protocol_too_old");
    assert_eq!(a.store().op_count().await.unwrap(), count);
}

#[tokio::test]
async fn an_undecodable_op_is_quarantined_acknowledged_relayed_and_does_not_block_its_device() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Ömer", "Yılmaz"), false))
        .await
        .unwrap()
        .visitor
        .id;
    full_sync(&nodes, 10).await;
    // A device running a newer app, with an op kind this version does not know.
    let newer = Uuid::now_v7();
    let now = Hlc::new(now_ms(), 0);
    let unknown =
        json!({"kind": "badge_print", "visitor_id": x, "printer": "Zebra GK420d", "copies": 2});
    let ops = vec![
        WireOp {
            subject: Some(x),
            ..wire(newer, 1, now, unknown.clone())
        },
        wire(
            newer,
            2,
            Hlc(now.0 + 1),
            json!({"kind": "check_in", "event_id": "not-a-uuid", "visitor_id": x, "direction": "in", "method": "scan"}),
        ),
        wire(
            newer,
            3,
            Hlc(now.0 + 2),
            set_notes(x, "vu par le nouveau portable"),
        ),
    ];
    let resp = push_ops(a, newer, ops.clone()).await.unwrap();
    assert_eq!(
        (resp.applied, resp.quarantined, resp.duplicates),
        (1, 2, 0),
        "bad ops are stored and acknowledged, the good one applied"
    );
    assert_eq!(
        resp.vector.get(&newer),
        Some(&3),
        "the quarantined ops do not leave a hole in the vector"
    );
    assert_eq!(
        a.app.visitor(&x.to_string()).await.unwrap().text("notes"),
        Some("vu par le nouveau portable")
    );

    let q = a.store().quarantined(10).await.unwrap();
    assert_eq!(q.len(), 2, "visible to an administrator: {q:?}");
    let badge = q.iter().find(|o| o.seq == 1).unwrap();
    assert_eq!(badge.kind, "badge_print");
    assert!(
        badge.reason.contains("badge_print"),
        "the reason names the problem: {}",
        badge.reason
    );
    let kept: serde_json::Value = serde_json::from_str(badge.body.as_deref().unwrap()).unwrap();
    assert_eq!(kept, unknown, "the body is kept word for word");

    // Relayed unchanged; the next node quarantines it the same way.
    pull(a, b, 2).await;
    assert_eq!(
        a.hash().await,
        b.hash().await,
        "quarantine is deterministic"
    );
    assert_eq!(b.store().quarantined(10).await.unwrap(), q);
    for n in &nodes {
        assert!(
            n.app.verify().await.unwrap().equal,
            "the log rebuilds to the same state, quarantine included"
        );
    }
    // Later ops from that device still flow.
    let later = push_ops(
        b,
        newer,
        vec![wire(newer, 4, Hlc(now.0 + 3), set_notes(x, "encore"))],
    )
    .await
    .unwrap();
    assert_eq!(later.applied, 1);
    assert_eq!(later.vector.get(&newer), Some(&4));
    // Erasing the person redacts the quarantined op about them too.
    b.app.erase(&x.to_string()).await.unwrap();
    assert!(
        b.store()
            .quarantined(10)
            .await
            .unwrap()
            .iter()
            .all(|o| o.seq != 1),
        "no personal data stays in quarantine"
    );
    full_sync(&nodes, 3).await;
    assert_eq!(a.hash().await, b.hash().await);
}

#[tokio::test]
async fn two_laptops_with_the_same_device_id_are_detected() {
    let (mut nodes, ev) = org(2).await;
    let b = nodes.pop().unwrap();
    let a = nodes.pop().unwrap();
    // Clone A's disk, as an imaging tool would.
    a.store().close().await;
    let clone_dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(a.dir.path()).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            // A file renamed away meanwhile (the search index's temporary
            // file, written in the background) is not part of the image.
            match std::fs::copy(f.path(), clone_dir.path().join(f.file_name())) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                r => {
                    r.unwrap();
                }
            }
        }
    }
    let a = Node {
        app: escale_core::Escale::open_with(a.dir.path(), &super::sync_net::opts())
            .await
            .unwrap(),
        dir: a.dir,
    };
    let a2 = Node {
        app: escale_core::Escale::open_with(clone_dir.path(), &super::sync_net::opts())
            .await
            .unwrap(),
        dir: clone_dir,
    };
    assert_eq!(a.device().await, a2.device().await);
    a.app
        .register_walk_in(&walk_in(&ev, person("Karim", "Haddad"), true))
        .await
        .unwrap();
    a2.app
        .register_walk_in(&walk_in(&ev, person("Zoé", "Martin"), true))
        .await
        .unwrap();

    pull(&a, &b, 100).await;
    let count = b.store().op_count().await.unwrap();
    let hash = b.hash().await;
    let req = PullRequest {
        protocol: PROTOCOL_VERSION,
        vector: VersionVector::new(),
        limit: 1000,
        max_bytes: None,
    };
    let page = a2.store().serve_pull(&req).await.unwrap();
    let err = b.store().apply_pull(page.clone()).await.unwrap_err();
    assert_eq!(err.code(), "sync.clone_detected", "{err}");
    assert_eq!(
        b.store().op_count().await.unwrap(),
        count,
        "the conflicting batch is rolled back whole"
    );
    assert_eq!(b.hash().await, hash);

    // The clone's ops claim A's id: A never made them.
    let err = a.store().apply_pull(page).await.unwrap_err();
    assert_eq!(err.code(), "sync.clone_detected");
    // A peer presenting A's own id is refused outright.
    let err = push_ops(&a, a.device().await, vec![]).await.unwrap_err();
    assert_eq!(err.code(), "sync.clone_detected");
    // An op id reused at another place in the sequence is a clone too.
    let op = a.store().all_ops().await.unwrap().pop().unwrap();
    let mut moved = WireOp::from(&op);
    moved.seq += 1000;
    let err = push_ops(&b, Uuid::now_v7(), vec![moved]).await.unwrap_err();
    assert_eq!(err.code(), "sync.clone_detected");
}

#[tokio::test]
async fn an_erasure_racing_an_offline_edit_relayed_through_a_third_laptop_never_resurrects() {
    let (nodes, ev) = org(3).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Fatoumata", "Diallo"), true))
        .await
        .unwrap()
        .visitor
        .id;
    let keep = a
        .app
        .register_walk_in(&walk_in(&ev, person("Piotr", "Nowak"), true))
        .await
        .unwrap()
        .visitor
        .id;
    full_sync(&nodes, 4).await;
    // Offline: A erases X; B edits X and checks them in again.
    a.app.erase(&x.to_string()).await.unwrap();
    let mut input = person("Fatoumata", "Diallo");
    input.set("notes", "a demandé un atelier CV");
    input.set("email", "fatou.diallo@example.org");
    b.app.update_visitor(&x.to_string(), &input).await.unwrap();
    b.app
        .check_in(
            &ev,
            CheckInTarget::Visitor(x.to_string()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
    // B's edit reaches A only through C.
    pull(b, c, 2).await;
    assert!(c.app.visitor(&x.to_string()).await.is_ok());
    pull(c, a, 3).await;
    pull(a, c, 3).await;
    full_sync(&nodes, 5).await;
    for n in &nodes {
        let err = n.app.visitor(&x.to_string()).await.unwrap_err();
        assert_eq!(err.code(), "visitor.erased", "erasure wins on every node");
        let leaks = bodies_mentioning(n.store(), &["Diallo", "fatou.diallo"]).await;
        assert_eq!(leaks, 0, "no op keeps the erased person's data");
        let s = n.app.stats(&ev).await.unwrap();
        assert_eq!(s.arrived, 1, "only the other person still counts");
        assert!(n.app.visitor(&keep.to_string()).await.is_ok());
    }
    assert_eq!(a.hash().await, b.hash().await);
    assert_eq!(a.hash().await, c.hash().await);
}

#[tokio::test]
async fn a_laptop_hours_ahead_is_stored_but_does_not_drag_the_clocks() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Minh", "Trần"), false))
        .await
        .unwrap()
        .visitor
        .id;
    full_sync(&nodes, 10).await;
    let skewed = Uuid::now_v7();
    let hours = 6 * 3_600_000;
    let future = Hlc::new(now_ms() + hours, 0);
    let resp = push_ops(
        a,
        skewed,
        vec![wire(
            skewed,
            1,
            future,
            set_notes(x, "écrit par un portable en avance"),
        )],
    )
    .await
    .unwrap();
    assert_eq!(resp.applied, 1, "skew never rejects data");

    let skew = a.store().clock_skew().await.unwrap();
    assert_eq!(skew.len(), 1);
    assert_eq!(skew[0].origin, skewed);
    assert!(
        skew[0].ahead_ms > hours - 60_000,
        "the skew is remembered for the status bar: {skew:?}"
    );

    // A's own next op is stamped at A's time, not six hours ahead.
    a.app
        .register_walk_in(&walk_in(&ev, person("Thanh", "Lê"), false))
        .await
        .unwrap();
    pull(a, b, 2).await;
    b.app
        .register_walk_in(&walk_in(&ev, person("Mai", "Phạm"), false))
        .await
        .unwrap();
    let limit = now_ms() + escale_core::hlc::MAX_FORWARD_MS;
    for n in [a, b] {
        let me = n.device().await;
        let last = n
            .store()
            .all_ops()
            .await
            .unwrap()
            .into_iter()
            .filter(|o| o.origin == me)
            .max_by_key(|o| o.seq)
            .unwrap();
        assert!(
            last.hlc.ms() <= limit,
            "{me}'s clock was dragged to {}",
            last.hlc.ms()
        );
    }
    // A timestamp a little ahead (within tolerance) is adopted: the clock stays monotonic.
    let near = Hlc::new(now_ms() + 60_000, 7);
    push_ops(
        a,
        skewed,
        vec![wire(skewed, 2, near, set_notes(x, "proche"))],
    )
    .await
    .unwrap();
    a.app
        .register_walk_in(&walk_in(&ev, person("Noël", "Cœur"), false))
        .await
        .unwrap();
    let me = a.device().await;
    let last = a
        .store()
        .all_ops()
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.origin == me)
        .max_by_key(|o| o.seq)
        .unwrap();
    assert!(
        last.hlc > near,
        "a local op sorts after everything seen within tolerance"
    );
    full_sync(&nodes, 3).await;
    assert_eq!(a.hash().await, b.hash().await);
}

#[tokio::test]
async fn a_laptop_offline_for_ninety_days_catches_up_by_pages() {
    let (nodes, ev) = org(3).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    // C stays in a cupboard while A and B run weeks of events.
    a.app.demo(1_000, 0.6, 7).await.unwrap();
    for i in 0..40 {
        b.app
            .register_walk_in(&walk_in(&ev, person("Sylvie", &format!("Roux {i}")), true))
            .await
            .unwrap();
    }
    pull(b, a, 500).await;
    pull(a, b, 500).await;
    let behind = a
        .store()
        .unsynced_count(&c.store().vector().await.unwrap())
        .await
        .unwrap();
    assert!(behind > 3_000, "C is thousands of ops behind: {behind}");
    let started = std::time::Instant::now();
    let pages = pull(a, c, 500).await;
    assert_eq!(
        pages as i64,
        (behind + 499) / 500,
        "pages of 500 until done, no empty last page"
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "catching up stays quick: {:?}",
        started.elapsed()
    );
    pull(c, a, 500).await;
    full_sync(&nodes, 500).await;
    assert_eq!(a.hash().await, c.hash().await);
    assert_eq!(b.hash().await, c.hash().await);
    assert!(c.app.verify().await.unwrap().equal);
}

#[tokio::test]
async fn a_new_laptop_starts_from_a_snapshot_and_then_syncs_normally() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app.demo(200, 0.5, 3).await.unwrap();
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Agnieszka", "Wiśniewski"), true))
        .await
        .unwrap()
        .visitor
        .id;
    a.app.erase(&x.to_string()).await.unwrap();
    let file = a.dir.path().join("new-laptop.snapshot");
    let info = a.store().export_snapshot(&file).await.unwrap();
    assert_eq!(info.ops, a.store().op_count().await.unwrap());
    assert_eq!(info.vector, a.store().vector().await.unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(a.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");

    let dir = tempfile::tempdir().unwrap();
    let store = Store::import_snapshot(dir.path(), &file, "Portable 3", &super::sync_net::opts())
        .await
        .unwrap();
    store.close().await;
    let d = Node {
        app: escale_core::Escale::open_with(dir.path(), &super::sync_net::opts())
            .await
            .unwrap(),
        dir,
    };
    let (ia, id) = (
        a.app.identity().await.unwrap(),
        d.app.identity().await.unwrap(),
    );
    assert_eq!(ia.org_id, id.org_id, "same organisation");
    assert_ne!(
        ia.device_id, id.device_id,
        "a new device, never a clone of the exporter"
    );
    assert_eq!(
        d.store().sync_key().await.unwrap(),
        a.store().sync_key().await.unwrap()
    );
    assert_eq!(
        d.store().op_count().await.unwrap(),
        info.ops + 1,
        "the log came along, plus the op naming the new device"
    );
    assert!(
        d.app.verify().await.unwrap().equal,
        "the copied state is exactly what the copied log says"
    );
    assert_eq!(
        d.app.stats(&ev).await.unwrap(),
        a.app.stats(&ev).await.unwrap()
    );
    assert!(
        !d.app.search(None, "mar", 5).await.unwrap().is_empty(),
        "the desk can search right away"
    );

    d.app
        .register_walk_in(&walk_in(&ev, person("Hugo", "Petit"), true))
        .await
        .unwrap();
    let ops = d.store().all_ops().await.unwrap();
    let mine: Vec<i64> = ops
        .iter()
        .filter(|o| o.origin == id.device_id)
        .map(|o| o.seq)
        .collect();
    assert_eq!(
        mine.first(),
        Some(&1),
        "the new device's own sequence starts at 1"
    );
    pull(&d, a, 100).await;
    pull(a, &d, 100).await;
    pull(a, b, 100).await;
    assert_eq!(d.hash().await, a.hash().await);
    assert_eq!(a.hash().await, b.hash().await);

    // A downloaded snapshot can be taken over instead of copied.
    let downloaded = tempfile::tempdir().unwrap();
    let copy = downloaded.path().join("dl.snapshot");
    std::fs::copy(&file, &copy).unwrap();
    let third = tempfile::tempdir().unwrap();
    let s3 = Store::adopt_snapshot(
        &third.path().join("data"),
        &copy,
        "Portable 4",
        &super::sync_net::opts(),
    )
    .await
    .unwrap();
    assert_eq!(s3.op_count().await.unwrap(), info.ops + 1);
    assert!(!copy.exists(), "the downloaded file was moved into place");
    s3.close().await;

    // Refusals leave nothing behind.
    let err = Store::import_snapshot(d.dir.path(), &file, "x", &super::sync_net::opts())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "store.already_initialised");
    let junk = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(junk.path(), b"not a database at all, just text").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let err = Store::import_snapshot(empty.path(), junk.path(), "x", &super::sync_net::opts())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "snapshot.invalid", "{err}");
    assert_eq!(
        std::fs::read_dir(empty.path()).unwrap().count(),
        0,
        "nothing is left in the directory"
    );
}

#[tokio::test]
async fn a_bundle_carries_everything_and_replaying_it_changes_nothing() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app.demo(60, 0.5, 11).await.unwrap();
    let x = a
        .app
        .register_walk_in(&walk_in(&ev, person("Łukasz", "Kowalski"), true))
        .await
        .unwrap()
        .visitor
        .id;
    a.app.erase(&x.to_string()).await.unwrap();
    let usb = tempfile::tempdir().unwrap();
    let file = usb.path().join("stand-1.escale");
    let out = a.store().export_bundle(&file, None).await.unwrap();
    assert_eq!(out.ops as i64, a.store().op_count().await.unwrap());
    assert_eq!(
        std::fs::read_dir(usb.path()).unwrap().count(),
        1,
        "only the bundle, no temporary file"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..8], b"ESCALEB1");
    assert!(
        !String::from_utf8_lossy(&bytes).contains("Kowalski"),
        "nothing readable in the file"
    );

    let r = b.store().import_bundle(&file).await.unwrap();
    assert_eq!(r.ops, out.ops);
    assert_eq!(r.exporter, a.device().await);
    let hash = b.hash().await;
    let again = b.store().import_bundle(&file).await.unwrap();
    assert_eq!(
        (again.result.applied, again.result.duplicates),
        (0, out.ops as usize),
        "replaying a bundle is all duplicates"
    );
    assert_eq!(b.hash().await, hash, "and changes nothing");
    assert_eq!(
        b.app.stats(&ev).await.unwrap(),
        a.app.stats(&ev).await.unwrap()
    );

    // The way back, with only what A lacks.
    b.app
        .register_walk_in(&walk_in(&ev, person("Inès", "Benali"), true))
        .await
        .unwrap();
    let back = usb.path().join("retour.escale");
    let since = a.store().vector().await.unwrap();
    let out = b.store().export_bundle(&back, Some(&since)).await.unwrap();
    assert_eq!(
        out.ops as i64,
        b.store().unsynced_count(&since).await.unwrap()
    );
    assert!(out.ops < 10, "only the new ops travel: {}", out.ops);
    a.store().import_bundle(&back).await.unwrap();
    assert_eq!(
        a.hash().await,
        b.hash().await,
        "both laptops converge through the stick"
    );
    assert!(b.app.verify().await.unwrap().equal);
}

#[tokio::test]
async fn a_tampered_foreign_or_foreign_looking_bundle_is_refused_and_nothing_is_written() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app
        .register_walk_in(&walk_in(&ev, person("Jade", "Faure"), true))
        .await
        .unwrap();
    let usb = tempfile::tempdir().unwrap();
    let file = usb.path().join("b.escale");
    a.store().export_bundle(&file, None).await.unwrap();
    let good = std::fs::read(&file).unwrap();
    let count = b.store().op_count().await.unwrap();
    let hash = b.hash().await;
    let try_import = |bytes: Vec<u8>, name: &str| {
        let p = usb.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let mut cases: Vec<(Vec<u8>, &str)> = vec![];
    for at in [good.len() - 1, good.len() / 2, 40, 30] {
        let mut t = good.clone();
        t[at] ^= 0x01;
        cases.push((t, "bundle.tampered")); // ciphertext, tag, nonce
    }
    let mut v = good.clone();
    v[9] = 0;
    cases.push((v, "bundle.not_a_bundle")); // format version 0 does not exist
    let mut v = good.clone();
    v[9] = 9;
    cases.push((v, "bundle.too_new"));
    cases.push((good[..good.len() - 20].to_vec(), "bundle.tampered")); // copy interrupted
    cases.push((good[..20].to_vec(), "bundle.tampered"));
    cases.push((
        "Nom;Prénom\nDupont;Marie\n".as_bytes().to_vec(),
        "bundle.not_a_bundle",
    ));
    cases.push((vec![], "bundle.not_a_bundle"));
    let mut o = good.clone();
    o[12] ^= 0x40; // the organisation id
    cases.push((o, "bundle.wrong_org"));
    for (i, (bytes, code)) in cases.into_iter().enumerate() {
        let p = try_import(bytes, &format!("case-{i}.escale"));
        let err = b.store().import_bundle(&p).await.unwrap_err();
        assert_eq!(err.code(), code, "case {i}: {err}");
        assert_ne!(
            err.message(escale_core::Lang::Fr),
            err.message(escale_core::Lang::En)
        );
    }
    let err = b
        .store()
        .import_bundle(&usb.path().join("absent.escale"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "bundle.not_a_bundle");

    // The same organisation name elsewhere is another organisation.
    let stranger = founder().await;
    let err = stranger.store().import_bundle(&file).await.unwrap_err();
    assert_eq!(err.code(), "bundle.wrong_org");
    // A device of the organisation with the wrong key cannot read it either.
    let wrong_key = joiner(a, "Portable 9").await;
    wrong_key
        .store()
        .set_sync_key(&escale_core::sync::SyncKey::random())
        .await
        .unwrap();
    assert_eq!(
        wrong_key
            .store()
            .import_bundle(&file)
            .await
            .unwrap_err()
            .code(),
        "bundle.tampered"
    );

    assert_eq!(
        b.store().op_count().await.unwrap(),
        count,
        "nothing was written"
    );
    assert_eq!(b.hash().await, hash);
    b.store().import_bundle(&file).await.unwrap();
    assert!(
        b.store().op_count().await.unwrap() > count,
        "the intact bundle still imports"
    );
}

#[tokio::test]
async fn pushing_and_pulling_converge_the_same_way() {
    let (nodes, ev) = org(3).await;
    for (i, n) in nodes.iter().enumerate() {
        for j in 0..4 {
            n.app
                .register_walk_in(&walk_in(
                    &ev,
                    person("Nour", &format!("N{i}-{j}")),
                    j % 2 == 0,
                ))
                .await
                .unwrap();
        }
    }
    push(&nodes[1], &nodes[0], 3).await;
    push(&nodes[2], &nodes[0], 1).await;
    push(&nodes[0], &nodes[1], 4).await;
    push(&nodes[0], &nodes[2], 5).await;
    let h = nodes[0].hash().await;
    for n in &nodes {
        assert_eq!(n.hash().await, h);
        assert_eq!(n.app.stats(&ev).await.unwrap().arrived, 6);
    }
}

/// `escale bundle import` is killed with SIGKILL in the middle: afterwards
/// the store holds whole slices of the bundle and `ops verify` agrees with
/// it; importing the bundle again adds the rest.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_import_killed_half_way_keeps_whole_slices_and_a_second_import_completes_it() {
    let Some(bin) = escale_binary() else { return };
    let t0 = std::time::Instant::now();
    let source = founder().await;
    let fake = Uuid::now_v7();
    let ev = Uuid::now_v7();
    const N: i64 = 30_000;
    let base = now_ms() - 3_600_000;
    for chunk in (1..=N).collect::<Vec<_>>().chunks(5_000) {
        let ops: Vec<WireOp> = chunk
            .iter()
            .map(|&s| {
                wire(fake, s, Hlc::new(base + s, 0), json!({"kind": "check_in", "event_id": ev, "visitor_id": Uuid::from_u128(s as u128 % 7_000 + 1), "direction": "in", "method": "scan"}))
            })
            .collect();
        push_ops(&source, fake, ops).await.unwrap();
    }
    let usb = tempfile::tempdir().unwrap();
    let file = usb.path().join("big.escale");
    let total = source.store().export_bundle(&file, None).await.unwrap().ops as i64;
    eprintln!(
        "crash test: bundle of {total} ops ready after {:?}",
        t0.elapsed()
    );

    let template = joiner(&source, "Portable 2").await;
    let before = template.store().op_count().await.unwrap();
    template.store().close().await;

    let mut outcomes = Vec::new();
    for attempt in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        for f in std::fs::read_dir(template.dir.path()).unwrap() {
            let f = f.unwrap();
            if f.file_type().is_ok_and(|t| t.is_file()) {
                // The closed store may remove its WAL and shared-memory
                // files while we list them: one gone meanwhile is not copied.
                match std::fs::copy(f.path(), dir.path().join(f.file_name())) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => panic!("copying {}: {e}", f.path().display()),
                }
            }
        }
        let wal = dir.path().join("escale.db-wal");
        let wal_size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let start_wal = wal_size();
        let mut child = std::process::Command::new(&bin)
            .args(["--json", "--lang", "en", "--data-dir"])
            .arg(dir.path())
            .args(["bundle", "import"])
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        // Attempt 0 and 1: kill once the transaction has written pages
        // (the WAL grows before the commit); attempt 2: let it finish.
        let mut killed = false;
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let grown = wal_size() > start_wal + (256 << 10) * (attempt + 1);
            if attempt < 2 && (grown || started.elapsed().as_secs() > 60) {
                child.kill().unwrap(); // SIGKILL
                killed = true;
                break;
            }
            assert!(started.elapsed().as_secs() < 300, "the import must end");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let status = child.wait().unwrap();
        // Killed means died of SIGKILL (not finished just before the signal).
        let killed = killed && std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
        let app = escale_core::Escale::open(dir.path()).await.unwrap();
        let count = app.store().op_count().await.unwrap();
        assert!(
            (before..=before + total).contains(&count),
            "attempt {attempt}: {count} ops, not between {before} and {}",
            before + total
        );
        assert!(
            app.verify().await.unwrap().equal,
            "attempt {attempt}: the state agrees with the log"
        );
        if !killed {
            assert!(
                status.success(),
                "attempt {attempt}: the uninterrupted import succeeds"
            );
            assert_eq!(count, before + total);
        }
        // Whatever happened, importing again completes it exactly once.
        app.store().import_bundle(&file).await.unwrap();
        assert_eq!(app.store().op_count().await.unwrap(), before + total);
        app.store().close().await;
        eprintln!("crash test attempt {attempt}: killed={killed} after {:?}, ops {count} (before {before}, bundle {total})", started.elapsed());
        outcomes.push((killed, count < before + total));
    }
    assert!(
        outcomes
            .iter()
            .any(|(killed, unfinished)| *killed && *unfinished),
        "at least one kill landed before the end: {outcomes:?}"
    );
}

/// The `escale` binary of this build: next to the test executable's
/// profile directory (`<target>/<profile>/escale`), or `ESCALE_BIN`. The
/// workspace's `make test` builds it first; alone, `cargo test -p
/// escale-core` may not have — then the test says so (and fails under CI).
pub(crate) fn escale_binary() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("ESCALE_BIN") {
        return Some(p.into());
    }
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|p| p.parent()).unwrap().to_path_buf();
    let bin = profile.join(format!("escale{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        return Some(bin);
    }
    let msg = format!(
        "{} is missing: build it with `cargo build -p escale-cli`",
        bin.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("note: skipping the crash test: {msg}");
    None
}

/// How many op bodies of the log (as stored, unpacked) mention any of `words`.
pub(crate) async fn bodies_mentioning(store: &escale_core::store::Store, words: &[&str]) -> usize {
    store
        .all_ops()
        .await
        .unwrap()
        .iter()
        .filter(|o| {
            o.body_json()
                .is_some_and(|b| words.iter().any(|w| b.contains(w)))
        })
        .count()
}

//! Stand peers on loopback: two laptops sync with a pairing code, no hub.
//!
//! Real stores, a real sharer (`sync::peer::share`, TCP on 127.0.0.1) and a
//! real joiner (`sync::peer::join`); faults come from a relay that alters,
//! replays or drops the frames it carries, or from a raw socket. Discovery
//! runs mDNS on the loopback interface only (`ESCALE_MDNS_INTERFACE=lo`,
//! set by every test here).

use escale_core::app::CheckInTarget;
use escale_core::model::Method;
use escale_core::sync::VersionVector;
use escale_core::Escale;
use escale_protocol::wire::PROTOCOL_VERSION;
use escale_sync::peer::{
    self, JoinOptions, PeerError, PeerEvent, PeerReport, PeerShare, ShareOptions,
};
use escale_testkit::desk::{person, walk_in};
use escale_testkit::net::loopback_multicast;
use escale_testkit::nodes::{founder, full_sync, joiner, opts, org, Node};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

/// mDNS stays on loopback in every test of this file.
fn lo_only() {
    std::env::set_var(peer::INTERFACE_ENV, "lo");
}

fn local() -> ShareOptions {
    lo_only();
    ShareOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        advertise: false,
        io_timeout: Duration::from_secs(10),
        ..ShareOptions::default()
    }
}

async fn start(node: &Node, opts: ShareOptions) -> PeerShare {
    let name = node.app.info().await.unwrap().device_name;
    peer::share(node.store().clone(), name, opts).await.unwrap()
}

async fn join_at(node: &Node, code: &str, addr: SocketAddr) -> Result<PeerReport, PeerError> {
    let name = match node.app.identity().await {
        Ok(_) => node.app.info().await.unwrap().device_name,
        Err(_) => "Portable 9".into(),
    };
    peer::join(
        node.store(),
        code,
        Some(addr),
        &name,
        JoinOptions::default(),
    )
    .await
}

async fn event(s: &mut PeerShare) -> PeerEvent {
    tokio::time::timeout(Duration::from_secs(20), s.next_event())
        .await
        .expect("the sharer reports within 20 s")
        .expect("the sharer is still running")
}

/// What must not change when a session is refused.
async fn footprint(n: &Node) -> (Vec<Uuid>, VersionVector, String) {
    (
        n.op_ids().await,
        n.store().vector().await.unwrap(),
        n.hash().await,
    )
}

fn wrong(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let last = c.len() - 1;
    c[last] = char::from(b'0' + (c[last] as u8 - b'0' + 1) % 10);
    c.into_iter().collect()
}

async fn empty_node() -> Node {
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open_with(dir.path(), &opts()).await.unwrap();
    Node { app, dir }
}

#[tokio::test]
async fn two_stands_work_apart_then_converge_over_the_lan() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    // Someone registered before the stands split up...
    let p = a
        .app
        .register_walk_in(&walk_in(&ev, person("Éloïse", "N'Diaye-Lefèvre"), false))
        .await
        .unwrap();
    full_sync(&nodes, 50).await;
    // ...is scanned at both stands; each stand also registers walk-ins.
    let id = p.visitor.id.to_string();
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
    for i in 0..5 {
        a.app
            .register_walk_in(&walk_in(&ev, person("Ana", &format!("Martin{i}")), true))
            .await
            .unwrap();
        b.app
            .register_walk_in(&walk_in(
                &ev,
                person("Bao", &format!("Nguyen{i}")),
                i % 2 == 0,
            ))
            .await
            .unwrap();
    }
    // One person registered at both stands while apart: a duplicate to check.
    let elodie = || person("Élodie", "Martin").with("email", "elodie.martin@example.org");
    a.app
        .register_walk_in(&walk_in(&ev, elodie(), false))
        .await
        .unwrap();
    b.app
        .register_walk_in(&walk_in(&ev, elodie(), false))
        .await
        .unwrap();
    assert_ne!(a.hash().await, b.hash().await);
    let (a_ops, b_ops) = (a.op_ids().await.len(), b.op_ids().await.len());

    let mut s = start(a, local()).await;
    let r = join_at(b, &s.code(), s.addr())
        .await
        .expect("the exchange succeeds");
    assert!(!r.joined_org);
    assert_eq!(r.peer_device_id, a.device().await);
    assert_eq!(r.peer_device_name, "Portable 1");
    let all = a.op_ids().await.len();
    assert_eq!(r.pulled, all - b_ops, "B received exactly what it lacked");
    assert_eq!(r.pushed, all - a_ops, "A received exactly what it lacked");
    assert_eq!(
        r.duplicates_proposed, 1,
        "Élodie registered twice is proposed on B"
    );
    match event(&mut s).await {
        PeerEvent::Joined {
            device_id,
            received,
            sent,
            new_device,
            duplicates_proposed,
            ..
        } => {
            assert_eq!(device_id, b.device().await);
            assert_eq!(
                (received, sent, new_device),
                (r.pushed, r.pulled, false),
                "both sides count the same"
            );
            assert_eq!(duplicates_proposed, 1, "and on A");
        }
        other => panic!("expected a join, got {other:?}"),
    }

    assert_eq!(a.op_ids().await, b.op_ids().await, "the same op set");
    assert_eq!(a.hash().await, b.hash().await, "the same state");
    let (sa, sb) = (
        a.app.stats(&ev).await.unwrap(),
        b.app.stats(&ev).await.unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&sa).unwrap(),
        serde_json::to_value(&sb).unwrap(),
        "the same figures"
    );
    assert_eq!(sa.registered, 13);
    assert_eq!(
        sa.arrived,
        1 + 5 + 3,
        "the person scanned at both stands arrived once"
    );
    // Each remembers the other's vector (ops not yet synced with it: 0).
    let va = a.store().vector().await.unwrap();
    let seen_by_a = a
        .store()
        .peer_state(&format!("peer:{}", b.device().await))
        .await
        .unwrap()
        .unwrap();
    let seen_by_b = b
        .store()
        .peer_state(&format!("peer:{}", a.device().await))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((&seen_by_a.vector, &seen_by_b.vector), (&va, &va));

    // The same code again, at once: nothing new either way.
    let again = join_at(b, &s.code(), s.addr()).await.unwrap();
    assert_eq!(
        (again.pulled, again.pushed),
        (0, 0),
        "a repeated exchange changes nothing"
    );
    s.stop().await;
}

#[tokio::test]
async fn an_empty_laptop_joins_the_organisation_and_gets_everything() {
    let (nodes, ev) = org(1).await;
    let a = &nodes[0];
    let mut waiting = None;
    for i in 0..30 {
        let w = a
            .app
            .register_walk_in(&walk_in(
                &ev,
                person("Chloé", &format!("Durand{i}")),
                i % 3 == 0,
            ))
            .await
            .unwrap();
        waiting = Some(w.visitor.id.to_string());
    }
    let new = empty_node().await;
    let mut s = start(a, local()).await;
    let r = join_at(&new, &s.code(), s.addr())
        .await
        .expect("a new laptop joins");
    assert!(r.joined_org, "it became a device of the organisation");
    let ident = new.app.identity().await.expect("it is initialised now");
    let theirs = a.app.identity().await.unwrap();
    assert_eq!(ident.org_id, theirs.org_id, "the organisation's id");
    assert_ne!(ident.device_id, theirs.device_id, "a device of its own");
    assert!(
        new.store().sync_key().await.unwrap() == a.store().sync_key().await.unwrap(),
        "it holds the organisation's key (bundles between them work)"
    );
    assert_eq!(a.op_ids().await, new.op_ids().await);
    assert_eq!(a.hash().await, new.hash().await);
    assert_eq!(new.app.stats(&ev).await.unwrap().registered, 30);
    assert_eq!(new.app.info().await.unwrap().device_name, "Portable 9");
    assert!(matches!(
        event(&mut s).await,
        PeerEvent::Joined {
            new_device: true,
            ..
        }
    ));

    // It works at once like any device, and syncs again as a member.
    let waiting = waiting.unwrap(); // Durand29: not arrived yet
    new.app
        .check_in(&ev, CheckInTarget::Visitor(waiting), None, Method::Scan)
        .await
        .unwrap();
    let r = join_at(&new, &s.code(), s.addr()).await.unwrap();
    assert!(!r.joined_org);
    assert_eq!(r.pushed, 1, "its check-in went across");
    assert_eq!(a.hash().await, new.hash().await);
    s.stop().await;
}

#[tokio::test]
async fn a_wrong_code_is_refused_on_both_sides_and_burned_after_three() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    b.app
        .register_walk_in(&walk_in(&ev, person("Inès", "Haddad"), true))
        .await
        .unwrap();
    let new = empty_node().await;
    let before = (footprint(a).await, footprint(b).await);
    let mut s = start(a, local()).await;
    let bad = wrong(&s.code());

    let e = join_at(b, &bad, s.addr()).await.unwrap_err();
    assert!(matches!(e, PeerError::WrongCode), "{e:?}");
    assert_eq!(e.code(), "peer.wrong_code");
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.wrong_code")
    );
    let e = join_at(&new, &bad, s.addr()).await.unwrap_err();
    assert!(
        matches!(e, PeerError::WrongCode),
        "an empty laptop gets nothing either: {e:?}"
    );
    assert!(
        new.app.identity().await.is_err(),
        "the empty laptop is still empty"
    );
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.wrong_code")
    );

    // The third wrong code burns it: even the right code no longer works.
    let e = join_at(b, &bad, s.addr()).await.unwrap_err();
    assert!(matches!(e, PeerError::CodeBurned), "{e:?}");
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.wrong_code")
    );
    assert!(
        matches!(event(&mut s).await, PeerEvent::Closed { ref reason } if reason == "code_burned")
    );
    let e = join_at(b, &s.code(), s.addr()).await.unwrap_err();
    assert!(
        matches!(
            e,
            PeerError::NotFound | PeerError::CodeBurned | PeerError::Network(_)
        ),
        "{e:?}"
    );

    assert_eq!(
        (footprint(a).await, footprint(b).await),
        before,
        "nothing was written on either side"
    );
    assert!(a
        .store()
        .peer_state(&format!("peer:{}", b.device().await))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_laptop_of_another_organisation_is_refused() {
    let (nodes, _) = org(1).await;
    let a = &nodes[0];
    let stranger = founder().await;
    let before = (footprint(a).await, footprint(&stranger).await);
    let mut s = start(a, local()).await;
    let e = join_at(&stranger, &s.code(), s.addr()).await.unwrap_err();
    assert!(matches!(e, PeerError::OtherOrg), "{e:?}");
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.other_org")
    );
    assert_eq!(
        (footprint(a).await, footprint(&stranger).await),
        before,
        "nothing exchanged"
    );

    // Two laptops set up apart then enrolled with the same hub hold the
    // hub organisation's key: for peers that is the same organisation.
    stranger
        .store()
        .set_sync_key(&a.store().sync_key().await.unwrap())
        .await
        .unwrap();
    let r = join_at(&stranger, &s.code(), s.addr())
        .await
        .expect("same key, same organisation");
    assert!(r.pulled > 0 && r.pushed > 0);
    assert_eq!(a.op_ids().await, stranger.op_ids().await);
    s.stop().await;
}

#[tokio::test]
async fn another_protocol_version_is_refused_before_pairing_and_costs_no_attempt() {
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let before = footprint(b).await;
    let mut s = start(
        a,
        ShareOptions {
            max_failures: 1,
            ..local()
        },
    )
    .await;
    let newer = JoinOptions {
        protocol: PROTOCOL_VERSION + 1,
        ..JoinOptions::default()
    };
    let e = peer::join(b.store(), &s.code(), Some(s.addr()), "Portable 2", newer)
        .await
        .unwrap_err();
    assert!(
        matches!(e, PeerError::Version { ours, theirs } if ours == PROTOCOL_VERSION + 1 && theirs == PROTOCOL_VERSION),
        "{e:?}"
    );
    assert_eq!(e.code(), "peer.version_mismatch");
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.version_mismatch")
    );
    assert_eq!(footprint(b).await, before);
    // Even with a single attempt allowed, the code still works.
    join_at(b, &s.code(), s.addr())
        .await
        .expect("the right version then pairs");

    // An older sharer, this time.
    let mut s = start(
        a,
        ShareOptions {
            protocol: PROTOCOL_VERSION + 1,
            ..local()
        },
    )
    .await;
    let e = join_at(b, &s.code(), s.addr()).await.unwrap_err();
    assert!(
        matches!(e, PeerError::Version { ours, theirs } if ours == PROTOCOL_VERSION && theirs == PROTOCOL_VERSION + 1),
        "{e:?}"
    );
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.version_mismatch")
    );
}

/// What the relay does to the frames it carries.
#[derive(Clone, Copy)]
enum Fault {
    /// Flip one bit of frame `n` (counted from 0) going sharer → joiner.
    FlipToJoiner(usize),
    /// Flip one bit of frame `n` going joiner → sharer.
    FlipToSharer(usize),
    /// Send frame `n` (sharer → joiner) twice.
    ReplayToJoiner(usize),
}

/// A TCP relay to `to` for one connection, applying `fault`.
async fn relay(to: SocketAddr, fault: Fault) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let (joiner, _) = l.accept().await.unwrap();
        let sharer = TcpStream::connect(to).await.unwrap();
        let (jr, jw) = joiner.into_split();
        let (sr, sw) = sharer.into_split();
        let (to_sharer, to_joiner) = match fault {
            Fault::FlipToSharer(n) => (Some((n, false)), None),
            Fault::FlipToJoiner(n) => (None, Some((n, false))),
            Fault::ReplayToJoiner(n) => (None, Some((n, true))),
        };
        tokio::join!(pump(jr, sw, to_sharer), pump(sr, jw, to_joiner));
    });
    addr
}

async fn pump(
    mut r: tokio::net::tcp::OwnedReadHalf,
    mut w: tokio::net::tcp::OwnedWriteHalf,
    fault: Option<(usize, bool)>,
) {
    let mut n = 0;
    loop {
        let mut len = [0u8; 4];
        if r.read_exact(&mut len).await.is_err() {
            break;
        }
        let mut buf = vec![0u8; u32::from_be_bytes(len) as usize];
        if r.read_exact(&mut buf).await.is_err() {
            break;
        }
        let mut copies = 1;
        if let Some((at, replay)) = fault {
            if at == n {
                if replay {
                    copies = 2;
                } else {
                    let mid = buf.len() / 2;
                    buf[mid] ^= 0x01;
                }
            }
        }
        for _ in 0..copies {
            if w.write_all(&len).await.is_err() || w.write_all(&buf).await.is_err() {
                return;
            }
        }
        n += 1;
    }
    let _ = w.shutdown().await;
}

#[tokio::test]
async fn altered_or_replayed_frames_stop_the_session_and_nothing_is_applied() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    for i in 0..4 {
        a.app
            .register_walk_in(&walk_in(&ev, person("Lucas", &format!("Petit{i}")), true))
            .await
            .unwrap();
    }
    let before = (footprint(a).await, footprint(b).await);
    let mut s = start(a, local()).await;
    // Sharer → joiner frames: 0 pair_reply, 1 confirm, 2 hello, 3 org_proof,
    // 4 the first page of ops. Joiner → sharer: 0 pair, 1 confirm, 2 hello,
    // 3 org_proof, 4 the first pull.
    for fault in [
        Fault::FlipToJoiner(2),
        Fault::FlipToJoiner(4),
        Fault::ReplayToJoiner(2),
    ] {
        let via = relay(s.addr(), fault).await;
        let e = join_at(b, &s.code(), via).await.unwrap_err();
        assert!(matches!(e, PeerError::Tampered), "{e:?}");
        assert_eq!(e.code(), "peer.tampered");
        assert!(matches!(event(&mut s).await, PeerEvent::Failed { .. }));
    }
    let via = relay(s.addr(), Fault::FlipToSharer(3)).await;
    assert!(join_at(b, &s.code(), via).await.is_err());
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.tampered")
    );
    // A flipped handshake frame is a failed pairing, not a silent success.
    let via = relay(s.addr(), Fault::FlipToSharer(1)).await;
    assert!(join_at(b, &s.code(), via).await.is_err());
    assert!(matches!(event(&mut s).await, PeerEvent::Failed { .. }));
    assert_eq!(
        (footprint(a).await, footprint(b).await),
        before,
        "no page was applied"
    );
    // The direct way still works (the flipped confirmation burned one try of three).
    join_at(b, &s.code(), s.addr())
        .await
        .expect("an intact session succeeds");
    assert_eq!(a.op_ids().await, b.op_ids().await);
}

#[tokio::test]
async fn an_oversized_frame_or_a_silent_peer_is_dropped_and_sharing_goes_on() {
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let mut s = start(
        a,
        ShareOptions {
            io_timeout: Duration::from_secs(4),
            ..local()
        },
    )
    .await;

    // 4 GiB announced before pairing: refused at once, nothing allocated.
    let mut raw = TcpStream::connect(s.addr()).await.unwrap();
    raw.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
    let t = std::time::Instant::now();
    assert!(
        matches!(event(&mut s).await, PeerEvent::Failed { ref code, .. } if code == "peer.too_large")
    );
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "not after the 4 s timeout: {:?}",
        t.elapsed()
    );

    // A connection that never speaks does not hold the code: someone else
    // pairs meanwhile, and the silent one times out.
    let _silent = TcpStream::connect(s.addr()).await.unwrap();
    join_at(b, &s.code(), s.addr())
        .await
        .expect("pairs while another connection is silent");
    let mut codes = Vec::new();
    for _ in 0..2 {
        match event(&mut s).await {
            PeerEvent::Joined { .. } => codes.push("joined".to_string()),
            PeerEvent::Failed { code, .. } => codes.push(code),
            other => panic!("{other:?}"),
        }
    }
    codes.sort();
    assert_eq!(codes, ["joined", "peer.timeout"]);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let mut s = start(
        a,
        ShareOptions {
            code_ttl: Duration::from_millis(300),
            ..local()
        },
    )
    .await;
    assert!(
        matches!(event(&mut s).await, PeerEvent::Closed { ref reason } if reason == "code_expired")
    );
    let e = join_at(b, &s.code(), s.addr()).await.unwrap_err();
    assert!(
        matches!(e, PeerError::NotFound),
        "the sharer stopped listening: {e:?}"
    );
}

#[tokio::test]
async fn a_sharer_is_found_by_mdns_on_loopback_and_joined_without_an_address() {
    lo_only();
    if !loopback_multicast(module_path!()) {
        return;
    }
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app
        .register_walk_in(&walk_in(&ev, person("Zoé", "Moreau"), true))
        .await
        .unwrap();
    let s = start(
        a,
        ShareOptions {
            advertise: true,
            ..local()
        },
    )
    .await;
    assert_eq!(s.discovery_error(), None, "advertising on lo works");
    let found = peer::browse(Duration::from_secs(2)).await.unwrap();
    let device = a.device().await;
    let me = found
        .iter()
        .find(|f| f.device_id == Some(device))
        .unwrap_or_else(|| panic!("the sharer is found: {found:?}"));
    assert_eq!(me.name, "Portable 1");
    assert_eq!(me.org_id, Some(a.app.identity().await.unwrap().org_id));
    assert_eq!(me.protocol, Some(PROTOCOL_VERSION));
    assert_eq!(me.addr, s.addr(), "reachable where it listens");

    let r = peer::join(
        b.store(),
        &s.code(),
        None,
        "Portable 2",
        JoinOptions::default(),
    )
    .await
    .expect("joins the one sharer of its organisation found on the network");
    assert_eq!(r.peer_addr, s.addr());
    assert_eq!(a.op_ids().await, b.op_ids().await);

    // Stopped: it says goodbye and is no longer found.
    s.stop().await;
    let found = peer::browse(Duration::from_millis(1500)).await.unwrap();
    assert!(
        found.iter().all(|f| f.device_id != Some(device)),
        "withdrawn: {found:?}"
    );
}

#[tokio::test]
async fn joining_by_mdns_with_nobody_sharing_says_so() {
    lo_only();
    if !loopback_multicast(module_path!()) {
        return;
    }
    let (nodes, _) = org(1).await;
    let lonely = joiner(&nodes[0], "Portable 2").await;
    let opts = JoinOptions {
        browse: Duration::from_millis(1200),
        peer_name: Some("Nobody by this name".into()),
        ..JoinOptions::default()
    };
    let e = peer::join(lonely.store(), "1234-5678", None, "Portable 2", opts)
        .await
        .unwrap_err();
    assert!(matches!(e, PeerError::NotFound), "{e:?}");
    let e = peer::join(
        lonely.store(),
        "1234-567",
        None,
        "Portable 2",
        JoinOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, PeerError::BadCode),
        "a malformed code is refused before any network: {e:?}"
    );
}

/// Stand peers through the project's bad-link proxy: every session is cut
/// after about 100 KB in some direction. A cut ends the session (its frames
/// are numbered); what it committed stays, the next join starts with half
/// the window, and joining again until done converges — with the pairing
/// code still valid (a cut is not a wrong code).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stand_peers_converge_through_a_link_that_drops_every_100_kb() {
    use escale_testkit::badlink::{BadLink, Faults};
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app.demo(400, 0.3, 1).await.unwrap();
    b.app.demo(150, 0.3, 2).await.unwrap();
    let s = start(a, local()).await;
    let link = BadLink::start(s.addr(), Faults::drops(100_000, 5)).await;
    let mut sessions = 0;
    let mut failed = 0;
    loop {
        sessions += 1;
        assert!(
            sessions <= 60,
            "no convergence after 60 sessions ({failed} cut)"
        );
        match join_at(b, &s.code(), link.addr()).await {
            Ok(_) => {}
            Err(PeerError::Network(_)) | Err(PeerError::Timeout) => failed += 1,
            Err(e) => panic!("session {sessions}: {e:?}"),
        }
        if footprint(a).await == footprint(b).await {
            break;
        }
    }
    assert!(failed > 0, "the link did cut sessions");
    eprintln!("stand peers, 100 KB: converged after {sessions} session(s), {failed} cut");
}

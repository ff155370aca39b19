//! Live stand sync on loopback: three laptops of one organisation find each
//! other by mDNS (on `lo` only) and agree by themselves within a bounded
//! time after each change; a laptop that stops drops off the others' view
//! and comes back when it starts again; another organisation's laptop is
//! never exchanged with; a stand laptop at a code sharer's port costs the
//! code no guess; and two laptops converge through a link that drops every
//! 200 KB, or every 20 KB, on average.

use escale_core::app::CheckInTarget;
use escale_core::model::Method;
use escale_sync::peer::{self, LiveOptions, LiveStand, ShareOptions, StandView};
use escale_testkit::desk::{person, walk_in};
use escale_testkit::net::loopback_multicast;
use escale_testkit::nodes::{founder, org, Node};
use std::future::Future;
use std::time::{Duration, Instant};

fn lo_only() {
    std::env::set_var(peer::INTERFACE_ENV, "lo");
}

/// Quick rounds so that the test is short; the app's defaults are 3 s,
/// 5 s and 15 s.
fn quick() -> LiveOptions {
    LiveOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        interval: Duration::from_millis(700),
        browse_every: Duration::from_secs(1),
        browse_window: Duration::from_millis(800),
        gone_after: Duration::from_secs(4),
        io_timeout: Duration::from_secs(5),
        ..LiveOptions::default()
    }
}

async fn start(n: &Node, opts: LiveOptions) -> LiveStand {
    let name = n.app.info().await.unwrap().device_name;
    peer::live(n.store().clone(), name, opts).await.unwrap()
}

/// Waits until `done` holds, at most `bound`; returns the time it took.
async fn within<F, Fut>(bound: Duration, what: &str, mut done: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let t = Instant::now();
    loop {
        if done().await {
            return t.elapsed();
        }
        assert!(t.elapsed() < bound, "{what}: not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn agree(nodes: &[&Node]) -> bool {
    let first = nodes[0].op_ids().await;
    for n in &nodes[1..] {
        if n.op_ids().await != first {
            return false;
        }
    }
    let h = nodes[0].hash().await;
    for n in &nodes[1..] {
        if n.hash().await != h {
            return false;
        }
    }
    true
}

fn names(v: &StandView) -> Vec<String> {
    v.peers
        .iter()
        .filter(|p| p.present)
        .map(|p| p.device_name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_stand_laptops_find_each_other_and_agree_within_seconds_of_each_change() {
    lo_only();
    if !loopback_multicast(module_path!()) {
        return;
    }
    let (nodes, ev) = org(3).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let la = start(a, quick()).await;
    let lb = start(b, quick()).await;
    let lc = start(c, quick()).await;
    for (l, others) in [
        (&la, ["Portable 2", "Portable 3"]),
        (&lb, ["Portable 1", "Portable 3"]),
        (&lc, ["Portable 1", "Portable 2"]),
    ] {
        within(
            Duration::from_secs(20),
            "each sees the two others",
            || async { names(&l.view()) == others },
        )
        .await;
        assert_eq!(l.view().network_error, None);
    }

    // A walk-in checked in on A, announced: on B and C within seconds.
    // Registered now, checked in on C below.
    let id = a
        .app
        .register_walk_in(&walk_in(&ev, person("Inès", "Benali-Durand"), false))
        .await
        .unwrap()
        .visitor
        .id
        .to_string();
    la.nudge();
    within(
        Duration::from_secs(10),
        "A's walk-in reaches B and C",
        || async { agree(&[a, b, c]).await },
    )
    .await;
    assert_eq!(
        c.app.visitor(&id).await.unwrap().first_name(),
        "Inès",
        "the person is on C"
    );

    // A change on C that nobody announces: the periodic exchange carries it.
    c.app
        .check_in(&ev, CheckInTarget::Visitor(id.clone()), None, Method::Scan)
        .await
        .unwrap();
    within(
        Duration::from_secs(10),
        "C's change reaches A and B",
        || async { agree(&[a, b, c]).await },
    )
    .await;
    let stats = b.app.stats(&ev).await.unwrap();
    assert_eq!(
        (stats.registered, stats.arrived),
        (1, 1),
        "B counts her once: {stats:?}"
    );

    // B stops: A and C drop it, and go on between themselves.
    lb.stop().await;
    within(Duration::from_secs(15), "B drops off A's view", || async {
        names(&la.view()) == ["Portable 3"]
    })
    .await;
    a.app
        .register_walk_in(&walk_in(&ev, person("Jules", "Martin"), false))
        .await
        .unwrap();
    la.nudge();
    within(
        Duration::from_secs(10),
        "A and C agree without B",
        || async { agree(&[a, c]).await },
    )
    .await;
    assert!(!agree(&[a, b]).await, "B, stopped, got nothing");

    // B comes back and catches up by itself.
    let lb = start(b, quick()).await;
    within(
        Duration::from_secs(20),
        "B is back and caught up",
        || async { names(&lb.view()) == ["Portable 1", "Portable 3"] && agree(&[a, b, c]).await },
    )
    .await;
    for l in [la, lb, lc] {
        l.stop().await;
    }
}

#[tokio::test]
async fn another_organisation_on_the_same_network_is_neither_found_nor_exchanged_with() {
    lo_only();
    if !loopback_multicast(module_path!()) {
        return;
    }
    let (nodes, _) = org(2).await;
    let stranger = founder().await;
    let before = (stranger.op_ids().await, nodes[0].op_ids().await);
    let ours = start(&nodes[0], quick()).await;
    let _ours_too = start(&nodes[1], quick()).await;
    // The stranger is told our address, and also browses by mDNS.
    let theirs = start(
        &stranger,
        LiveOptions {
            peers: vec![format!("127.0.0.1:{}", ours.port()).parse().unwrap()],
            ..quick()
        },
    )
    .await;
    within(
        Duration::from_secs(15),
        "the stranger is refused",
        || async {
            theirs
                .view()
                .peers
                .iter()
                .any(|p| p.error.as_deref() == Some("peer.other_org"))
        },
    )
    .await;
    within(
        Duration::from_secs(15),
        "our laptops see each other",
        || async { names(&ours.view()) == ["Portable 2"] },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let v = theirs.view();
    assert_eq!(v.present(), 0, "nobody on the stranger's stand: {v:?}");
    assert_eq!(
        v.peers.len(),
        1,
        "only the address it was given, not ours found by mDNS: {v:?}"
    );
    assert_eq!(
        names(&ours.view()),
        ["Portable 2"],
        "the stranger is not on ours"
    );
    assert_eq!(
        (stranger.op_ids().await, nodes[0].op_ids().await),
        before,
        "nothing crossed"
    );
}

#[tokio::test]
async fn a_stand_laptop_at_a_sharing_laptops_port_costs_no_guess_of_its_code() {
    lo_only();
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    // One wrong code burns this code.
    let s = peer::share(
        a.store().clone(),
        "Portable 1".into(),
        ShareOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            advertise: false,
            max_failures: 1,
            ..ShareOptions::default()
        },
    )
    .await
    .unwrap();
    let stray = start(
        b,
        LiveOptions {
            mdns: false,
            peers: vec![s.addr()],
            ..quick()
        },
    )
    .await;
    within(
        Duration::from_secs(10),
        "the stand laptop is refused",
        || async { stray.view().peers.iter().any(|p| p.error.is_some()) },
    )
    .await;
    stray.stop().await;
    peer::join(
        b.store(),
        &s.code(),
        Some(s.addr()),
        "Portable 2",
        peer::JoinOptions::default(),
    )
    .await
    .expect("the code still works: the stand laptop made no guess");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stand_laptops_converge_through_a_link_that_drops_every_200_kb() {
    through_a_bad_link(200_000, 11).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stand_laptops_converge_through_a_link_that_drops_every_20_kb() {
    through_a_bad_link(20_000, 5).await;
}

async fn through_a_bad_link(mean: u64, seed: u64) {
    use escale_testkit::badlink::{BadLink, Faults};
    let (nodes, _) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.app.demo(400, 0.3, 1).await.unwrap();
    b.app.demo(150, 0.3, 2).await.unwrap();
    // B only answers; A reaches it through the bad link only.
    let lb = start(
        b,
        LiveOptions {
            mdns: false,
            ..quick()
        },
    )
    .await;
    let link = BadLink::start(
        format!("127.0.0.1:{}", lb.port()).parse().unwrap(),
        Faults::drops(mean, seed),
    )
    .await;
    let la = start(
        a,
        LiveOptions {
            mdns: false,
            peers: vec![link.addr()],
            ..quick()
        },
    )
    .await;
    within(
        Duration::from_secs(180),
        "A and B converge through the bad link",
        || async { agree(&[a, b]).await },
    )
    .await;
    assert!(
        link.counters.cuts.load(std::sync::atomic::Ordering::SeqCst) > 0,
        "the link did drop connections"
    );
    within(Duration::from_secs(15), "each sees the other", || async {
        names(&la.view()) == ["Portable 2"] && names(&lb.view()) == ["Portable 1"]
    })
    .await;
    for n in [a, b] {
        let report = n.app.verify().await.unwrap();
        assert!(report.equal, "ops verify passes: {report:?}");
    }
}

#[tokio::test]
async fn a_laptop_reached_by_another_reaches_it_back_without_mdns() {
    let (nodes, ev) = org(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let alone = LiveOptions {
        mdns: false,
        ..quick()
    };
    // A knows nobody; B is told A's address.
    let la = start(a, alone.clone()).await;
    let lb = start(
        b,
        LiveOptions {
            peers: vec![format!("127.0.0.1:{}", la.port()).parse().unwrap()],
            ..alone
        },
    )
    .await;
    within(
        Duration::from_secs(10),
        "A learns where B listens",
        || async {
            la.view()
                .peers
                .iter()
                .any(|p| p.present && p.addr == Some(format!("127.0.0.1:{}", lb.port())))
        },
    )
    .await;
    // From now on A sends its own writes at once (B's rounds are slow here).
    a.app
        .register_walk_in(&walk_in(&ev, person("Nadia", "Haddad"), true))
        .await
        .unwrap();
    la.nudge();
    within(Duration::from_secs(5), "A's walk-in reaches B", || async {
        agree(&[a, b]).await
    })
    .await;
}

//! Live stand sync, measured: three laptops of one organisation on loopback
//! (mDNS on `lo`), the first with a 100,000-person demo.
//!
//! 1. How long the two others take to get everything by live sync alone,
//!    against one `peer join` with a code bringing the same to a fourth
//!    laptop (the baseline, same run).
//! 2. How long a check-in on one laptop takes to be on the two others:
//!    announced (`LiveStand::nudge`, what the app's store watcher does after
//!    each write) and not announced (the periodic exchange alone), each at
//!    a random moment of the laptops' rounds, against one `peer join`
//!    carrying that check-in (same run).
//!
//! `cargo bench -p escale-sync --bench stand [-- PEOPLE]`.

use escale_core::app::{CheckInTarget, RegistrationFilter, RegistrationShow};
use escale_core::model::Method;
use escale_sync::peer::{self, JoinOptions, LiveOptions, LiveStand, ShareOptions};
use escale_testkit::bench::record;
use escale_testkit::nodes::{joiner, org, Node};
use rand::Rng;
use std::time::{Duration, Instant};

fn main() {
    std::env::set_var(peer::INTERFACE_ENV, "lo");
    let people: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(run(people));
}

fn local() -> LiveOptions {
    LiveOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..LiveOptions::default()
    }
}

async fn start(n: &Node) -> LiveStand {
    let name = n.app.info().await.unwrap().device_name;
    peer::live(n.store().clone(), name, local()).await.unwrap()
}

/// Everything of `from` is on `to` (version vectors).
async fn has_all(from: &Node, to: &Node) -> bool {
    let (f, t) = (
        from.store().vector().await.unwrap(),
        to.store().vector().await.unwrap(),
    );
    f.iter().all(|(d, s)| t.get(d).copied().unwrap_or(0) >= *s)
}

/// One `peer join` with a code from `to` to `from`; its time.
async fn one_join(from: &Node, to: &Node) -> Duration {
    let s = peer::share(
        from.store().clone(),
        "Portable 1".into(),
        ShareOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            advertise: false,
            ..ShareOptions::default()
        },
    )
    .await
    .unwrap();
    let name = to.app.info().await.unwrap().device_name;
    let t = Instant::now();
    peer::join(
        to.store(),
        &s.code(),
        Some(s.addr()),
        &name,
        JoinOptions::default(),
    )
    .await
    .unwrap();
    let took = t.elapsed();
    s.stop().await;
    took
}

async fn wait_for(from: &Node, to: &[&Node], bound: Duration) -> Duration {
    let t = Instant::now();
    loop {
        let mut all = true;
        for n in to {
            all &= has_all(from, n).await;
        }
        if all {
            return t.elapsed();
        }
        assert!(t.elapsed() < bound, "not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Checks `visitor` in at `event` on `n` (scanned).
async fn check_in(n: &Node, event: &str, visitor: &str) {
    n.app
        .check_in(
            event,
            CheckInTarget::Visitor(visitor.to_string()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn run(people: usize) {
    let (nodes, ev) = org(3).await;
    let baseline_node = joiner(&nodes[0], "Portable 4").await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let demo = a.app.demo(people, 0.3, 1).await.unwrap();
    let ops = a.store().op_count().await.unwrap();
    println!("demo: {people} people, {ops} ops on A ({demo:?})");

    // 1. Catching up.
    let join_first = one_join(a, &baseline_node).await;
    let (la, lb, lc) = (start(a).await, start(b).await, start(c).await);
    let caught_up = wait_for(a, &[b, c], Duration::from_secs(1_800)).await;
    println!(
        "| stand catch-up, {people} people ({ops} ops), 2 laptops | {:.1} s (from start, discovery included) | one `peer join` with a code: {:.1} s | {:.2}× |",
        caught_up.as_secs_f64(),
        join_first.as_secs_f64(),
        caught_up.as_secs_f64() / join_first.as_secs_f64()
    );
    record(
        "stand-catch-up",
        "live stand sync (2 laptops)",
        "people",
        people as u64,
        "s",
        caught_up.as_secs_f64(),
    );
    record(
        "stand-catch-up",
        "one peer join with a code (baseline)",
        "people",
        people as u64,
        "s",
        join_first.as_secs_f64(),
    );
    // Settled: every laptop sees the two others.
    let settle = Instant::now();
    while [&la, &lb, &lc].iter().any(|l| l.view().present() < 2) {
        assert!(
            settle.elapsed() < Duration::from_secs(60),
            "stand not settled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 2. One check-in at a time, on each laptop in turn.
    // People of the demo who have not arrived yet.
    let demo_event = demo.event.id.to_string();
    let _ = ev;
    let page = a
        .app
        .registrations(
            &demo_event,
            &RegistrationFilter {
                show: RegistrationShow::NotArrived,
                limit: 100,
                ..RegistrationFilter::default()
            },
        )
        .await
        .unwrap();
    let ids: Vec<String> = page.rows.iter().map(|r| r.visitor.id.to_string()).collect();
    assert!(ids.len() >= 35, "enough people to check in");
    let laptops = [(a, &la), (b, &lb), (c, &lc)];
    let mut nudged = Vec::new();
    let mut periodic = Vec::new();
    let mut direct = Vec::new();
    let mut rng = {
        use rand::SeedableRng;
        rand::rngs::StdRng::seed_from_u64(7)
    };
    for (i, id) in ids.iter().take(30).enumerate() {
        let (here, live) = laptops[i % 3];
        let others: Vec<&Node> = laptops
            .iter()
            .filter(|(n, _)| !std::ptr::eq(*n, here))
            .map(|(n, _)| *n)
            .collect();
        let announce = i % 2 == 0;
        // At a random moment of the laptops' rounds (not right after the
        // exchange that ended the previous wait).
        let pause = rng.gen_range(0..3_000);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        check_in(here, &demo_event, id).await;
        if announce {
            live.nudge();
        }
        // From the commit of the check-in to both other stores.
        let took = wait_for(here, &others, Duration::from_secs(60)).await;
        if announce {
            nudged.push(took.as_secs_f64() * 1000.0);
        } else {
            periodic.push(took.as_secs_f64() * 1000.0);
        }
    }
    for l in [la, lb, lc] {
        l.stop().await;
    }
    // Baseline: one `peer join` carrying one check-in.
    for id in ids.iter().skip(30).take(5) {
        check_in(a, &demo_event, id).await;
        direct.push(one_join(a, b).await.as_secs_f64() * 1000.0);
    }
    let (n, p, d) = (
        median(&mut nudged),
        median(&mut periodic),
        median(&mut direct),
    );
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    println!(
        "| check-in → on the 2 other laptops, announced ({} check-ins) | median {n:.0} ms, max {:.0} ms | one `peer join` carrying it: median {d:.0} ms | {:.2}× |",
        nudged.len(),
        max(&nudged),
        n / d
    );
    println!(
        "| check-in → on the 2 other laptops, not announced (periodic, every 3 s) | median {p:.0} ms, max {:.0} ms | same | {:.1}× |",
        max(&periodic),
        p / d
    );
    record(
        "stand-propagation",
        "announced",
        "people",
        people as u64,
        "ms",
        n,
    );
    record(
        "stand-propagation",
        "periodic only",
        "people",
        people as u64,
        "ms",
        p,
    );
    record(
        "stand-propagation",
        "one peer join (baseline)",
        "people",
        people as u64,
        "ms",
        d,
    );
}

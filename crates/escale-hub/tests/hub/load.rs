//! Load on loopback, bounded in count and time: 50 simulated devices push
//! 2,000 ops each, at once, to a real hub on 127.0.0.1 (random port, in
//! this process) through the laptop's HTTP client; then every op is present
//! exactly once (count and per-origin vector). Prints throughput and p99
//! push latency.

use crate::support::{ops, Backend, TestHub};
use escale_hub::HubConfig;
use escale_sync::hub::HubClient;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const DEVICES: usize = 50;
pub const OPS_PER_DEVICE: usize = 2_000;
pub const PAGE: usize = 500;

/// Enrols `n` devices, serves the hub on a random port, pushes, checks.
async fn fifty_devices(backend: Backend) {
    let config = HubConfig {
        enroll_per_ip_per_minute: 1_000,
        enroll_global_per_minute: 1_000,
        ..HubConfig::default()
    };
    let Some(h) = TestHub::new(backend, config).await else {
        return;
    };
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        devices.push(h.enroll(h.org, &format!("Portable {i}")).await);
    }
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

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (device, token) in devices.clone() {
        let client = HubClient::new(&format!("http://{addr}"), None)
            .unwrap()
            .with_token(&token, h.org);
        tasks.push(tokio::spawn(async move {
            let all = ops::many(device, 1, OPS_PER_DEVICE);
            let mut latencies = Vec::new();
            for page in all.chunks(PAGE) {
                let t = Instant::now();
                let resp = client
                    .push(device, page.to_vec())
                    .await
                    .expect("push over loopback");
                latencies.push(t.elapsed());
                assert_eq!(resp.applied, page.len(), "a fresh page is stored whole");
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let all_done = async {
        for t in tasks {
            latencies.extend(t.await.expect("device task"));
        }
    };
    tokio::time::timeout(Duration::from_secs(300), all_done)
        .await
        .expect("the load finishes within 5 minutes");
    let took = started.elapsed();
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let total = DEVICES * OPS_PER_DEVICE;
    println!(
        "LOAD {backend:?}: {DEVICES} devices × {OPS_PER_DEVICE} ops in pages of {PAGE}: {total} ops in {:.2} s = {:.0} ops/s; \
         push latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64(),
        p(0.50).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        p(1.0).as_secs_f64() * 1e3,
    );

    assert_eq!(
        h.op_count().await,
        total as i64,
        "every op present exactly once"
    );
    let vector = h.db.vector(h.org).await.unwrap();
    for (device, _) in &devices {
        assert_eq!(
            vector.get(device),
            Some(&(OPS_PER_DEVICE as i64)),
            "device {device}: max contiguous seq"
        );
    }
    assert_eq!(vector.len(), DEVICES, "no stray origin");
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), server).await;
    let _: Uuid = h.org;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_push_at_once_and_nothing_is_lost_or_doubled_postgres() {
    fifty_devices(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_push_at_once_and_nothing_is_lost_or_doubled_sqlite() {
    fifty_devices(Backend::Sqlite).await;
}

//! The station board across a stand, measured: from "Attribuer un poste" on
//! one laptop to the board updated on another — by live stand sync
//! (announced, as the app's store watcher does after each write), against
//! the hub round trip in the same run (the giving laptop syncs with the
//! hub, then the other does). Two laptops of one organisation enrolled at a
//! hub (SQLite, this process), on loopback; the first holds the demo
//! (`people` people, its five stations) and ten more stations.
//!
//! `cargo bench -p escale-cli --bench station_board [-- PEOPLE]`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Hub;
use escale_core::app::{AssignInput, RegistrationFilter, RegistrationShow, StationInput};
use escale_core::Escale;
use escale_sync::hub::{self, SyncOptions};
use escale_sync::peer::{self, LiveOptions, LiveStand};
use escale_testkit::bench::record;
use std::time::{Duration, Instant};
use uuid::Uuid;

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

async fn live(app: &Escale) -> LiveStand {
    let name = app.info().await.unwrap().device_name;
    peer::live(
        app.store().clone(),
        name,
        LiveOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..LiveOptions::default()
        },
    )
    .await
    .unwrap()
}

/// The time until `app`'s board shows session `id` (running, or ended).
async fn until_on_board(app: &Escale, id: Uuid, running: bool, bound: Duration) -> Duration {
    let t = Instant::now();
    loop {
        let board = app.board().await.unwrap();
        let there = board
            .stations
            .iter()
            .any(|c| c.current.as_ref().is_some_and(|u| u.id == id));
        if there == running {
            return t.elapsed();
        }
        assert!(t.elapsed() < bound, "not on the board within {bound:?}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

async fn run(people: usize) {
    let hub = Hub::start().await;
    let url = format!("http://{}", hub.addr);
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Escale::open(da.path()).await.unwrap();
    common::enrol(&a, &url, &hub.code().await, "Accueil A").await;
    let demo = a.demo(people, 0.3, 1).await.unwrap();
    for i in 1..=10 {
        a.add_station(&StationInput {
            name: format!("Banc {i}"),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    hub::sync_now(a.store(), SyncOptions::default())
        .await
        .unwrap();
    let b = Escale::open(db.path()).await.unwrap();
    common::enrol(&b, &url, &hub.code().await, "Accueil B").await;
    hub::sync_now(b.store(), SyncOptions::default())
        .await
        .unwrap();
    println!(
        "demo: {people} people, {} ops on each laptop",
        b.store().op_count().await.unwrap()
    );
    // People who have not arrived yet: each gets a station once.
    let page = a
        .registrations(
            &demo.event.id.to_string(),
            &RegistrationFilter {
                show: RegistrationShow::NotArrived,
                limit: 100,
                ..RegistrationFilter::default()
            },
        )
        .await
        .unwrap();
    let mut who = page.rows.iter().map(|r| r.visitor.id.to_string());
    let assign = |v: String| AssignInput {
        visitor_id: v,
        station: Some("Banc 1".into()),
        purpose: Some("job_search".into()),
        ..Default::default()
    };
    const TRIALS: usize = 15;

    // Live stand sync.
    let (la, lb) = (live(&a).await, live(&b).await);
    let settle = Instant::now();
    while la.view().present() < 1 || lb.view().present() < 1 {
        assert!(settle.elapsed() < Duration::from_secs(60), "no stand");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut by_live = vec![];
    for _ in 0..TRIALS {
        let t = Instant::now();
        let u = a
            .assign_station(&assign(who.next().unwrap()))
            .await
            .unwrap();
        la.nudge();
        until_on_board(&b, u.id, true, Duration::from_secs(30)).await;
        by_live.push(t.elapsed().as_secs_f64() * 1000.0);
        a.end_station_use(&u.id.to_string()).await.unwrap();
        la.nudge();
        until_on_board(&b, u.id, false, Duration::from_secs(30)).await;
    }
    la.stop().await;
    lb.stop().await;

    // The hub round trip.
    let mut by_hub = vec![];
    for _ in 0..TRIALS {
        let t = Instant::now();
        let u = a
            .assign_station(&assign(who.next().unwrap()))
            .await
            .unwrap();
        hub::sync_now(a.store(), SyncOptions::default())
            .await
            .unwrap();
        hub::sync_now(b.store(), SyncOptions::default())
            .await
            .unwrap();
        until_on_board(&b, u.id, true, Duration::from_secs(1)).await;
        by_hub.push(t.elapsed().as_secs_f64() * 1000.0);
        a.end_station_use(&u.id.to_string()).await.unwrap();
        hub::sync_now(a.store(), SyncOptions::default())
            .await
            .unwrap();
        hub::sync_now(b.store(), SyncOptions::default())
            .await
            .unwrap();
    }
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let (l, h) = (median(&mut by_live), median(&mut by_hub));
    println!(
        "| \"Attribuer un poste\" → board updated on the other laptop, live stand sync ({TRIALS} assignments) | median {l:.0} ms, max {:.0} ms | hub round trip (A syncs, then B): median {h:.0} ms, max {:.0} ms | {:.2}× |",
        max(&by_live),
        max(&by_hub),
        l / h
    );
    record(
        "station-board",
        "live stand sync",
        "people",
        people as u64,
        "ms",
        l,
    );
    record(
        "station-board",
        "hub round trip (baseline)",
        "people",
        people as u64,
        "ms",
        h,
    );
}

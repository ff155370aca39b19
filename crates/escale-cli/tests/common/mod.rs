//! Two laptops and a hub (SQLite, in this process) with the project's
//! bad-link proxy between the laptops and the hub: what the bad-link tests
//! (`tests/bad_link.rs`) and benchmark (`benches/bad_link.rs`) share.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use escale_core::Escale;
use escale_hub::{admin, Db, HubConfig, HubState};
use escale_sync::hub::{self, SyncOptions};
use escale_testkit::badlink::{BadLink, Faults};
use uuid::Uuid;

/// A hub on a loopback port, stopped when dropped.
pub struct Hub {
    pub db: Db,
    pub org: Uuid,
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Hub {
    pub async fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hub.db").display());
        let db = Db::open(&url).await.unwrap();
        let org = admin::create_org(&db, "Passerelle Numérique")
            .await
            .unwrap()
            .id;
        let listener = escale_hub::serve::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = HubState::new(db.clone(), HubConfig::default());
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            escale_hub::serve::run(listener, state, None, shutdown)
                .await
                .unwrap();
        });
        Hub {
            db,
            org,
            addr,
            stop: Some(tx),
            _dir: dir,
        }
    }

    pub async fn code(&self) -> String {
        admin::create_enrol_code(&self.db, self.org, Duration::from_secs(900))
            .await
            .unwrap()
            .code
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// A laptop with a demo event of `visitors` people, a third of them in.
pub async fn laptop(dir: &std::path::Path, name: &str, visitors: usize, seed: u64) -> Escale {
    let app = Escale::open(dir).await.unwrap();
    app.init("Passerelle Numérique", name).await.unwrap();
    app.demo(visitors, 0.3, seed).await.unwrap();
    app
}

/// Enrols through `url`, however often the link cuts the call.
pub async fn enrol(app: &Escale, url: &str, code: &str, name: &str) {
    let mut last = None;
    for _ in 0..20 {
        match hub::enroll(app.store(), url, code, name, None).await {
            Ok(_) => return,
            Err(e) => last = Some(e),
        }
    }
    panic!("enrolment never got through: {last:?}");
}

/// How a scenario went.
pub struct Outcome {
    pub rounds: usize,
    pub seconds: f64,
    pub bytes: u64,
    pub ops: i64,
    pub retries: usize,
    /// `sync status` on the first laptop calls the link unstable.
    pub unstable: bool,
}

/// Two laptops sync through `faults` until they hold the same ops and
/// state as each other and the hub (at most `max_rounds` rounds).
pub async fn converge(faults: Faults, people: (usize, usize), max_rounds: usize) -> Outcome {
    let hub = Hub::start().await;
    let link = BadLink::start(hub.addr, faults).await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = laptop(da.path(), "Portable A", people.0, 1).await;
    let b = laptop(db.path(), "Portable B", people.1, 2).await;
    enrol(&a, &link.url(), &hub.code().await, "Portable A").await;
    enrol(&b, &link.url(), &hub.code().await, "Portable B").await;
    let total = a.store().op_count().await.unwrap() + b.store().op_count().await.unwrap();

    let started = Instant::now();
    let before = link.counters.bytes();
    let mut retries = 0;
    for round in 1..=max_rounds {
        for app in [&a, &b] {
            // A sync cut too often gives up; the next round resumes.
            if let Ok(r) = hub::sync_now(app.store(), SyncOptions::default()).await {
                retries += r.retries;
            }
        }
        let (va, vb) = (
            a.store().vector().await.unwrap(),
            b.store().vector().await.unwrap(),
        );
        let hub_ops = hub.db.op_count(hub.org).await.unwrap();
        if va == vb && hub_ops == total {
            assert_eq!(
                a.store().state_hash().await.unwrap(),
                b.store().state_hash().await.unwrap(),
                "same ops, same state"
            );
            assert_eq!(
                a.store().op_count().await.unwrap(),
                total,
                "nothing lost or doubled"
            );
            for app in [&a, &b] {
                let v = app.verify().await.unwrap();
                assert!(v.equal, "ops verify: {:?}", v.differing);
            }
            return Outcome {
                rounds: round,
                seconds: started.elapsed().as_secs_f64(),
                bytes: link.counters.bytes() - before,
                ops: total,
                retries,
                unstable: hub::status(a.store(), false).await.unwrap().unstable_link,
            };
        }
    }
    panic!(
        "no convergence after {max_rounds} rounds: A holds {} ops, B {}, the hub {} of {total} ({} cuts)",
        a.store().op_count().await.unwrap(),
        b.store().op_count().await.unwrap(),
        hub.db.op_count(hub.org).await.unwrap(),
        link.counters.cuts.load(std::sync::atomic::Ordering::SeqCst),
    );
}

/// One line for a scenario.
pub fn report(name: &str, o: &Outcome) -> String {
    format!(
        "{name}: converged in {} round(s), {:.1} s, {} bytes for {} ops ({:.0} bytes/op), {} smaller retries",
        o.rounds,
        o.seconds,
        o.bytes,
        o.ops,
        o.bytes as f64 / o.ops as f64,
        o.retries
    )
}

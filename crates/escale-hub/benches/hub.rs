//! Hub figures for docs/benchmarks.md, measured on loopback with the real
//! server (axum, in this process) and the laptop's real HTTP client:
//!
//! 1. push of 10,000 ops from one device (two pages of 5,000);
//! 2. a sync with nothing new: one `pull` round trip, and a full
//!    `sync_now` of an up-to-date laptop store (time + pull + local diff);
//! 3. 50 devices pushing 2,000 ops each at once: throughput, p50/p99 push;
//! 4. baseline: PostgreSQL `COPY` of the same 100,000 rows into the same
//!    `ops` table (same indexes), and the hub's ratio to it.
//!
//! On PostgreSQL (127.0.0.1:5432, `ESCALE_TEST_PG_URL` overrides; a fresh
//! database dropped afterwards) and on SQLite (a temporary file).
//! `cargo bench -p escale-hub` prints a Markdown table.

use escale_hub::{admin, Db, HubConfig, HubState};
use escale_protocol::wire::{VersionVector, WireOp};
use escale_sync::hub::{self, HubClient, SyncOptions};
use serde_json::json;
use sqlx::Connection;
use std::time::{Duration, Instant};
use uuid::Uuid;

const DEVICES: usize = 50;
const PER_DEVICE: usize = 2_000;
const PAGE: usize = 500;

fn ops(origin: Uuid, from: i64, n: usize) -> Vec<WireOp> {
    (0..n as i64)
        .map(|i| {
            let seq = from + i;
            let body = json!({"kind": "set", "entity": "visitor", "id": Uuid::now_v7(),
                "fields": {"first_name": format!("Zoé {seq}"), "last_name": "N'Diaye-Lefèvre", "email": format!("zoe.{seq}@example.org")}});
            WireOp { id: Uuid::now_v7(), origin, seq, hlc: (1_790_000_000_000 + seq) << 16, kind: "set.visitor".into(), subject: None, body: Some(body) }
        })
        .collect()
}

struct Server {
    url: String,
    state: HubState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<escale_hub::Result<()>>,
}

impl Server {
    async fn start(db: Db) -> Server {
        let config = HubConfig {
            enroll_per_ip_per_minute: 10_000,
            enroll_global_per_minute: 10_000,
            ..HubConfig::default()
        };
        let state = HubState::new(db, config);
        let listener = escale_hub::serve::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(escale_hub::serve::run(
            listener,
            state.clone(),
            None,
            async {
                let _ = rx.await;
            },
        ));
        Server {
            url,
            state,
            stop: Some(tx),
            task,
        }
    }

    async fn enroll(&self, org: Uuid, name: &str) -> (Uuid, HubClient) {
        let code = admin::create_enrol_code(self.state.db(), org, Duration::from_secs(600))
            .await
            .unwrap()
            .code;
        let c = HubClient::new(&self.url, None).unwrap();
        let r = c.enroll(&code, name, None).await.unwrap();
        (r.device_id, c.with_token(&r.token, org))
    }

    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(15), self.task).await;
    }
}

fn pct(sorted: &[Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q).ceil() as usize)
        .saturating_sub(1)
        .min(sorted.len() - 1)]
    .as_secs_f64()
        * 1e3
}

#[derive(Default)]
struct Figures {
    push10k_s: f64,
    pull_noop_ms: (f64, f64),
    sync_noop_ms: (f64, f64),
    load_s: f64,
    load_p50_ms: f64,
    load_p99_ms: f64,
}

async fn measure(db: Db) -> Figures {
    let mut f = Figures::default();
    let org = admin::create_org(&db, "Bench").await.unwrap().id;
    let server = Server::start(db.clone()).await;

    // 1. push of 10,000 ops.
    let (dev, client) = server.enroll(org, "bench-push").await;
    let batch = ops(dev, 1, 10_000);
    let t = Instant::now();
    for page in batch.chunks(5_000) {
        client.push(dev, page.to_vec()).await.unwrap();
    }
    f.push10k_s = t.elapsed().as_secs_f64();

    // 2. a sync with nothing new.
    let vector: VersionVector = client.pull(&VersionVector::new(), 1).await.unwrap().vector;
    let mut lat = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let r = client.pull(&vector, 5_000).await.unwrap();
        lat.push(t.elapsed());
        assert!(r.ops.is_empty());
    }
    lat.sort();
    f.pull_noop_ms = (pct(&lat, 0.5), pct(&lat, 0.99));
    let dir = tempfile::tempdir().unwrap();
    let store = escale_core::store::Store::open(dir.path(), &Default::default())
        .await
        .unwrap();
    let code = admin::create_enrol_code(&db, org, Duration::from_secs(600))
        .await
        .unwrap()
        .code;
    hub::enroll(&store, &server.url, &code, "bench-laptop", None)
        .await
        .unwrap();
    hub::sync_now(
        &store,
        SyncOptions {
            page: 5_000,
            ..SyncOptions::default()
        },
    )
    .await
    .unwrap();
    let mut lat = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let r = hub::sync_now(&store, SyncOptions::default()).await.unwrap();
        lat.push(t.elapsed());
        assert_eq!((r.pulled, r.pushed), (0, 0));
    }
    lat.sort();
    f.sync_noop_ms = (pct(&lat, 0.5), pct(&lat, 0.99));
    store.close().await;

    // 3. 50 devices at once.
    let org2 = admin::create_org(&db, "Bench load").await.unwrap().id;
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        devices.push(server.enroll(org2, &format!("dev {i}")).await);
    }
    let payloads: Vec<(Uuid, HubClient, Vec<WireOp>)> = devices
        .into_iter()
        .map(|(d, c)| (d, c, ops(d, 1, PER_DEVICE)))
        .collect();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (d, c, all) in payloads {
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for page in all.chunks(PAGE) {
                let t = Instant::now();
                c.push(d, page.to_vec()).await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for task in tasks {
        lat.extend(task.await.unwrap());
    }
    f.load_s = t.elapsed().as_secs_f64();
    lat.sort();
    f.load_p50_ms = pct(&lat, 0.5);
    f.load_p99_ms = pct(&lat, 0.99);
    assert_eq!(
        db.op_count(org2).await.unwrap(),
        (DEVICES * PER_DEVICE) as i64
    );
    server.stop().await;
    f
}

/// `COPY` of the same 100,000 rows into the `ops` table (fresh org).
async fn copy_baseline(db: &Db) -> f64 {
    let Db::Pg(pg) = db else { unreachable!() };
    let org = admin::create_org(db, "Bench COPY").await.unwrap().id;
    let mut text = String::with_capacity(DEVICES * PER_DEVICE * 260);
    for _ in 0..DEVICES {
        let origin = Uuid::now_v7();
        for op in ops(origin, 1, PER_DEVICE) {
            let body = serde_json::to_string(op.body.as_ref().unwrap())
                .unwrap()
                .replace('\\', "\\\\");
            text += &format!(
                "{org}\t{}\t{}\t{}\t{}\t{}\t\\N\t{body}\t0\t\\N\t0\n",
                op.id, op.origin, op.seq, op.hlc, op.kind
            );
        }
    }
    let mut conn = pg.pool().acquire().await.unwrap();
    let t = Instant::now();
    let mut copy = conn
        .copy_in_raw("COPY ops (org_id, id, origin, seq, hlc, kind, subject, body, status, reason, received_ms) FROM STDIN")
        .await
        .unwrap();
    copy.send(text.as_bytes()).await.unwrap();
    let rows = copy.finish().await.unwrap();
    assert_eq!(rows as usize, DEVICES * PER_DEVICE);
    t.elapsed().as_secs_f64()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let total = (DEVICES * PER_DEVICE) as f64;
        println!("| hub figure (loopback, real HTTP client) | PostgreSQL | SQLite |");
        println!("|---|---|---|");
        // PostgreSQL: a throwaway database.
        let admin_url = std::env::var("ESCALE_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("escale_bench_{}", Uuid::new_v4().simple());
        let mut c = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("PostgreSQL for the benchmark");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .unwrap();
        let pg_url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
        let pg = Db::open(&pg_url).await.unwrap();
        let fp = measure(pg.clone()).await;
        let copy_s = copy_baseline(&pg).await;
        pg.close().await;
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut c)
            .await;
        // SQLite: a temporary file.
        let dir = tempfile::tempdir().unwrap();
        let lite = Db::open(&format!("sqlite://{}", dir.path().join("hub.db").display()))
            .await
            .unwrap();
        let fs = measure(lite.clone()).await;
        lite.close().await;

        let row = |what: &str, p: String, s: String| println!("| {what} | {p} | {s} |");
        row(
            "push 10,000 ops (2 pages of 5,000)",
            format!(
                "{:.2} s ({:.0} ops/s)",
                fp.push10k_s,
                10_000.0 / fp.push10k_s
            ),
            format!(
                "{:.2} s ({:.0} ops/s)",
                fs.push10k_s,
                10_000.0 / fs.push10k_s
            ),
        );
        row(
            "no-op pull round trip, p50 / p99",
            format!("{:.2} / {:.2} ms", fp.pull_noop_ms.0, fp.pull_noop_ms.1),
            format!("{:.2} / {:.2} ms", fs.pull_noop_ms.0, fs.pull_noop_ms.1),
        );
        row(
            "no-op `sync_now` (time + pull + local diff), p50 / p99",
            format!("{:.2} / {:.2} ms", fp.sync_noop_ms.0, fp.sync_noop_ms.1),
            format!("{:.2} / {:.2} ms", fs.sync_noop_ms.0, fs.sync_noop_ms.1),
        );
        row(
            "50 devices × 2,000 ops at once (pages of 500): throughput",
            format!("{:.0} ops/s ({:.2} s)", total / fp.load_s, fp.load_s),
            format!("{:.0} ops/s ({:.2} s)", total / fs.load_s, fs.load_s),
        );
        row(
            "— push latency p50 / p99",
            format!("{:.0} / {:.0} ms", fp.load_p50_ms, fp.load_p99_ms),
            format!("{:.0} / {:.0} ms", fs.load_p50_ms, fs.load_p99_ms),
        );
        row(
            "baseline: PostgreSQL COPY of the same 100,000 rows",
            format!("{:.0} rows/s ({:.2} s)", total / copy_s, copy_s),
            "—".into(),
        );
        row(
            "hub (50 devices) / COPY",
            format!("{:.0} %", 100.0 * (total / fp.load_s) / (total / copy_s)),
            format!(
                "{:.0} % (of PostgreSQL COPY)",
                100.0 * (total / fs.load_s) / (total / copy_s)
            ),
        );
    });
}

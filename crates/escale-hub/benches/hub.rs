//! Hub figures for docs/benchmarks.md, measured on loopback with the real
//! server (axum, in this process) and the laptop's real HTTP client:
//!
//! 1. push of 10,000 ops from one device (two pages of 5,000);
//! 2. a sync with nothing new: one `pull` round trip, and a full
//!    `sync_now` of an up-to-date laptop store (time + pull + local diff);
//! 3. 1, 10 and 50 devices pushing 2,000 ops each at once (pages of 500):
//!    throughput, p50/p99 push;
//! 4. baseline, right after each load: PostgreSQL `COPY` of as many rows
//!    into the same `ops` table (same indexes, same database), and the
//!    hub's ratio to it.
//!
//! On PostgreSQL (127.0.0.1:5432, `ESCALE_TEST_PG_URL` overrides; a fresh
//! database dropped afterwards) and on SQLite (a temporary file).
//! `cargo bench -p escale-hub` prints a Markdown table and records the
//! points of the load (`escale_testkit::bench`: scenarios `hub-push` and
//! `hub-push-p99`, series `escale-postgres`, `escale-sqlite`,
//! `copy-baseline`). Arguments narrow a run: device counts (`-- 50`),
//! `postgres` or `sqlite`, `load` (only the load and its baseline);
//! `ESCALE_BENCH_RUNS=N` repeats each load N times (medians are kept).

use escale_hub::{admin, Db, HubConfig, HubState};
use escale_protocol::wire::{VersionVector, WireOp};
use escale_sync::hub::{self, HubClient, SyncOptions};
use escale_testkit::bench::record;
use serde_json::json;
use sqlx::Connection;
use std::time::{Duration, Instant};
use uuid::Uuid;

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

/// One load: `devices` pushing `PER_DEVICE` ops each, at once.
#[derive(Debug, Clone, Copy, Default)]
struct Load {
    devices: usize,
    secs: f64,
    p50_ms: f64,
    p99_ms: f64,
}

impl Load {
    fn ops_per_s(&self) -> f64 {
        (self.devices * PER_DEVICE) as f64 / self.secs
    }
}

#[derive(Default)]
struct Figures {
    push10k_s: f64,
    pull_noop_ms: (f64, f64),
    sync_noop_ms: (f64, f64),
    /// Per device count: the hub's load and, on PostgreSQL, the `COPY` of
    /// as many rows right after it (seconds).
    loads: Vec<(Load, Option<f64>)>,
}

/// What a run measures (from the command line).
struct Plan {
    devices: Vec<usize>,
    postgres: bool,
    sqlite: bool,
    only_load: bool,
    runs: usize,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .collect();
        let mut devices: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        if devices.is_empty() {
            devices = vec![1, 10, 50];
        }
        let named = |b: &str| args.iter().any(|a| a == b);
        let (postgres, sqlite) = match (named("postgres"), named("sqlite")) {
            (false, false) => (true, true),
            other => other,
        };
        Plan {
            devices,
            postgres,
            sqlite,
            only_load: named("load"),
            runs: std::env::var("ESCALE_BENCH_RUNS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(1),
        }
    }
}

async fn measure(db: Db, plan: &Plan) -> Figures {
    let mut f = Figures::default();
    let server = Server::start(db.clone()).await;
    if !plan.only_load {
        single_device(&db, &server, &mut f).await;
    }
    for &n in &plan.devices {
        let mut runs = Vec::new();
        for _ in 0..plan.runs {
            let load = load(&db, &server, n).await;
            let copy = match &db {
                Db::Pg(_) => Some(copy_baseline(&db, n).await),
                Db::Lite(_) => None,
            };
            runs.push((load, copy));
        }
        // The median run by throughput; its own COPY alongside.
        runs.sort_by(|a, b| a.0.secs.total_cmp(&b.0.secs));
        let mut mid = runs[runs.len() / 2];
        if plan.runs > 1 {
            let mut copies: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
            copies.sort_by(f64::total_cmp);
            mid.1 = copies.get(copies.len() / 2).copied();
        }
        f.loads.push(mid);
    }
    server.stop().await;
    f
}

/// Push of 10,000 ops, then syncs with nothing new.
async fn single_device(db: &Db, server: &Server, f: &mut Figures) {
    let org = admin::create_org(db, "Bench").await.unwrap().id;
    // 1. push of 10,000 ops.
    let (dev, client) = server.enroll(org, "bench-push").await;
    let batch = ops(dev, 1, 10_000);
    let t = Instant::now();
    for page in batch.chunks(5_000) {
        client.push(dev, page.to_vec()).await.unwrap();
    }
    f.push10k_s = t.elapsed().as_secs_f64();

    // 2. a sync with nothing new.
    let vector: VersionVector = client
        .pull(&VersionVector::new(), 1, None)
        .await
        .unwrap()
        .vector;
    let mut lat = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let r = client.pull(&vector, 5_000, None).await.unwrap();
        lat.push(t.elapsed());
        assert!(r.ops.is_empty());
    }
    lat.sort();
    f.pull_noop_ms = (pct(&lat, 0.5), pct(&lat, 0.99));
    let dir = tempfile::tempdir().unwrap();
    let store = escale_core::store::Store::open(dir.path(), &Default::default())
        .await
        .unwrap();
    let code = admin::create_enrol_code(db, org, Duration::from_secs(600))
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
}

/// The load (3.): `n` devices of a fresh organisation pushing at once.
async fn load(db: &Db, server: &Server, n: usize) -> Load {
    let org = admin::create_org(db, &format!("Bench load {n}"))
        .await
        .unwrap()
        .id;
    let mut devices = Vec::new();
    for i in 0..n {
        devices.push(server.enroll(org, &format!("dev {i}")).await);
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
    let secs = t.elapsed().as_secs_f64();
    lat.sort();
    assert_eq!(db.op_count(org).await.unwrap(), (n * PER_DEVICE) as i64);
    Load {
        devices: n,
        secs,
        p50_ms: pct(&lat, 0.5),
        p99_ms: pct(&lat, 0.99),
    }
}

/// The baseline (4.): `COPY` of as many rows as `devices` push into the
/// `ops` table (a fresh organisation, same table, same indexes), in seconds.
async fn copy_baseline(db: &Db, devices: usize) -> f64 {
    let Db::Pg(pg) = db else { unreachable!() };
    let org = admin::create_org(db, "Bench COPY").await.unwrap().id;
    let mut text = String::with_capacity(devices * PER_DEVICE * 260);
    for _ in 0..devices {
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
    assert_eq!(rows as usize, devices * PER_DEVICE);
    t.elapsed().as_secs_f64()
}

fn main() {
    let plan = Plan::from_args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut fp = None;
        if plan.postgres {
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
            fp = Some(measure(pg.clone(), &plan).await);
            pg.close().await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .await;
        }
        let mut fs = None;
        if plan.sqlite {
            // SQLite: a temporary file.
            let dir = tempfile::tempdir().unwrap();
            let lite = Db::open(&format!("sqlite://{}", dir.path().join("hub.db").display()))
                .await
                .unwrap();
            fs = Some(measure(lite.clone(), &plan).await);
            lite.close().await;
        }
        report(&plan, fp.as_ref(), fs.as_ref());
    });
}

/// Prints the table and records the load's points.
fn report(plan: &Plan, fp: Option<&Figures>, fs: Option<&Figures>) {
    for (f, series) in [(fp, "escale-postgres"), (fs, "escale-sqlite")] {
        for (l, copy) in f.map(|f| f.loads.as_slice()).unwrap_or_default() {
            let n = l.devices as u64;
            record("hub-push", series, "devices", n, "ops/s", l.ops_per_s());
            record("hub-push-p99", series, "devices", n, "ms", l.p99_ms);
            if let Some(c) = copy {
                let rows = (l.devices * PER_DEVICE) as f64;
                record("hub-push", "copy-baseline", "devices", n, "ops/s", rows / c);
            }
        }
    }
    let cell = |f: Option<&Figures>, show: &dyn Fn(&Figures) -> String| {
        f.map(show).unwrap_or_else(|| "—".into())
    };
    let row = |what: &str, show: &dyn Fn(&Figures) -> String| {
        println!("| {what} | {} | {} |", cell(fp, show), cell(fs, show))
    };
    println!("| hub figure (loopback, real HTTP client) | PostgreSQL | SQLite |");
    println!("|---|---|---|");
    if !plan.only_load {
        row("push 10,000 ops (2 pages of 5,000)", &|f| {
            format!("{:.2} s ({:.0} ops/s)", f.push10k_s, 10_000.0 / f.push10k_s)
        });
        row("no-op pull round trip, p50 / p99", &|f| {
            format!("{:.2} / {:.2} ms", f.pull_noop_ms.0, f.pull_noop_ms.1)
        });
        row(
            "no-op `sync_now` (time + pull + local diff), p50 / p99",
            &|f| format!("{:.2} / {:.2} ms", f.sync_noop_ms.0, f.sync_noop_ms.1),
        );
    }
    // The PostgreSQL COPY of each size, for both columns' ratios.
    let copies: Vec<(usize, f64)> = fp
        .map(|f| {
            f.loads
                .iter()
                .filter_map(|(l, c)| Some((l.devices, (*c)?)))
                .collect()
        })
        .unwrap_or_default();
    for (i, &n) in plan.devices.iter().enumerate() {
        let rows = (n * PER_DEVICE) as f64;
        let load = |f: &Figures| f.loads[i].0;
        row(
            &format!("{n} device(s) × {PER_DEVICE} ops at once (pages of {PAGE}): throughput"),
            &|f| format!("{:.0} ops/s ({:.2} s)", load(f).ops_per_s(), load(f).secs),
        );
        row("— push latency p50 / p99", &|f| {
            format!("{:.0} / {:.0} ms", load(f).p50_ms, load(f).p99_ms)
        });
        let copy = copies.iter().find(|c| c.0 == n).map(|c| c.1);
        if let Some(c) = copy {
            println!(
                "| baseline: PostgreSQL COPY of the same {rows:.0} rows | {:.0} rows/s ({c:.2} s) | — |",
                rows / c
            );
            row("hub / COPY", &|f| {
                format!("{:.0} %", 100.0 * load(f).ops_per_s() * c / rows)
            });
        }
    }
}

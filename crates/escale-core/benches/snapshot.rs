//! Sync benchmarks of the core (no network), each with its baseline measured
//! in the same run.
//!
//! `cargo bench -p escale-core --bench snapshot -- [visitors] [checkins]`
//! (default 100,000 visitors and 1,000,000 check-ins):
//!
//! 1. **ingest** — the organisation's log arrives in pull pages of 5,000 ops
//!    into an empty laptop (`Store::ingest_wire`, one transaction per page,
//!    full durability): ops/s, against a raw bulk insert of the same op rows
//!    into the `op` table of another empty store (one transaction, 100 rows
//!    per statement, `synchronous = NORMAL`, rows rendered beforehand: the
//!    core bench's `rebuild` baseline). This is also the baseline of 2:
//!    starting a laptop by replaying the log.
//! 2. **snapshot** — `export_snapshot` on the full laptop, then
//!    `import_snapshot` into an empty directory (a new device), against a
//!    plain file copy of the database as the lower bound.
//! 3. **bundle** — export every op to one encrypted bundle, and its size.
//!
//! `ESCALE_BENCH_ONLY=ingest` stops after 1 (to iterate on the ingest path
//! at a smaller size, e.g. `-- 20000 140000` for 200,000 ops).
//!
//! Results are printed as Markdown rows for docs/benchmarks.md.

use escale_core::hlc::{now_ms, Hlc};
use escale_core::store::{OpenOptions, Store};
use escale_core::Escale;
use escale_protocol::wire::WireOp;
use serde_json::json;
use std::time::Instant;
use uuid::Uuid;

const PAGE: usize = 5_000;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let visitors: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let checkins: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(visitors, checkins));
}

/// The organisation's log, as pages a hub would serve: visitors, their
/// registrations and processing consents, then check-ins spread over ten
/// events.
fn pages(origin: Uuid, visitors: u64, checkins: u64) -> impl Iterator<Item = Vec<WireOp>> {
    let events: Vec<Uuid> = (0..10).map(|i| Uuid::from_u128(0xE000 + i)).collect();
    let base = now_ms() - 30 * 86_400_000;
    let total = visitors * 3 + checkins;
    let vid = |i: u64| Uuid::from_u128(0x1_0000_0000 + i as u128);
    let op = move |seq: u64| -> WireOp {
        let (kind, subject, body) = if seq <= visitors * 3 {
            let i = (seq - 1) / 3;
            let v = vid(i);
            match (seq - 1) % 3 {
                0 => (
                    "set.visitor",
                    v,
                    json!({"kind": "set", "entity": "visitor", "id": v, "fields": {
                    "first_name": format!("Prénom{i}"), "last_name": format!("Nom-{}", i % 5000),
                    "email": format!("p{i}@example.org"), "postcode": format!("75{:03}", i % 1000),
                    "situation": "job_seeker", "badge_code": format!("E{:07}", i)}}),
                ),
                1 => (
                    "set.registration",
                    v,
                    json!({"kind": "set", "entity": "registration", "id": Uuid::from_u128(0x2_0000_0000 + i as u128), "fields": {
                    "event_id": events[(i % 10) as usize], "visitor_id": v, "kind": "pre", "source": "helloasso", "status": "active"}}),
                ),
                _ => (
                    "consent",
                    v,
                    json!({"kind": "consent", "visitor_id": v, "purpose": "processing", "granted": true, "wording_version": "2026-01"}),
                ),
            }
        } else {
            let j = seq - visitors * 3;
            let v = vid(j % visitors.max(1));
            (
                "checkin",
                v,
                json!({"kind": "check_in", "event_id": events[(j % 10) as usize], "visitor_id": v, "direction": "in", "method": "scan"}),
            )
        };
        WireOp {
            id: Uuid::now_v7(),
            origin,
            seq: seq as i64,
            hlc: Hlc::new(base + seq as i64, 0).0,
            kind: kind.into(),
            subject: Some(subject),
            body: Some(body),
        }
    };
    (0..total.div_ceil(PAGE as u64)).map(move |p| {
        let from = p * PAGE as u64 + 1;
        let to = ((p + 1) * PAGE as u64).min(total);
        (from..=to).map(&op).collect()
    })
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The baseline of 1: the same op rows, rendered beforehand, bulk-inserted
/// raw into the log table of an empty store (no dedupe, fold nor state).
async fn raw_insert(root: &std::path::Path, visitors: u64, checkins: u64) -> f64 {
    // As schema 2 stores them: 16-byte ids; bodies as plain JSON bytes
    // (the store compresses them: the baseline skips that work).
    type Row = (Uuid, i64, Uuid, i64, String, Option<Uuid>, Option<Vec<u8>>);
    let rows: Vec<Row> = pages(Uuid::now_v7(), visitors, checkins)
        .flatten()
        .map(|w| {
            let body = w.body.map(|b| b.to_string().into_bytes());
            (w.origin, w.seq, w.id, w.hlc, w.kind, w.subject, body)
        })
        .collect();
    let raw = Escale::open_with(
        &root.join("raw"),
        &OpenOptions {
            relaxed_durability: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let pool = raw.store().pool();
    let t = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    for chunk in rows.chunks(100) {
        let sql = format!(
            "INSERT INTO op (origin, seq, id, hlc, kind, subject, body) VALUES {}",
            vec!["(?,?,?,?,?,?,?)"; chunk.len()].join(",")
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.0)
                .bind(r.1)
                .bind(r.2)
                .bind(r.3)
                .bind(&r.4)
                .bind(r.5)
                .bind(&r.6);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let took = t.elapsed().as_secs_f64();
    raw.store().close().await;
    took
}

async fn run(visitors: u64, checkins: u64) {
    let root =
        tempfile::tempdir_in(std::env::var_os("ESCALE_BENCH_DIR").unwrap_or_else(|| ".".into()))
            .unwrap();
    let src_dir = root.path().join("laptop");
    let app = Escale::open_with(&src_dir, &OpenOptions::default())
        .await
        .unwrap();
    app.init("Bench", "Portable 1").await.unwrap();
    let store = app.store();
    let hub = Uuid::now_v7();

    // 1. ingest, page by page, full durability.
    let started = Instant::now();
    let mut ops = 0u64;
    let mut in_store = 0.0;
    for page in pages(hub, visitors, checkins) {
        ops += page.len() as u64;
        let t = Instant::now();
        store.ingest_wire(page).await.unwrap();
        in_store += t.elapsed().as_secs_f64();
    }
    let ingest = started.elapsed().as_secs_f64();
    let db_bytes = dir_size(&src_dir);
    println!(
        "| ingest {ops} ops in pages of {PAGE} (empty laptop, full durability) | {ingest:.1} s | {:.0} ops/s | in `ingest_wire` alone (without making the pages): {in_store:.1} s, {:.0} ops/s |",
        ops as f64 / ingest,
        ops as f64 / in_store
    );
    let raw = raw_insert(root.path(), visitors, checkins).await;
    println!(
        "| baseline: raw bulk insert of the same {ops} op rows (one transaction, synchronous NORMAL) | {raw:.1} s | {:.0} ops/s | ingest ÷ raw: {:.0} % |",
        ops as f64 / raw,
        100.0 * raw / ingest
    );
    escale_testkit::bench::record(
        "ingest",
        "escale, pages of 5,000, synchronous FULL",
        "ops",
        ops,
        "s",
        ingest,
    );
    escale_testkit::bench::record(
        "ingest",
        "raw insert into op, synchronous NORMAL",
        "ops",
        ops,
        "s",
        raw,
    );
    if std::env::var("ESCALE_BENCH_ONLY").is_ok_and(|v| v == "ingest") {
        store.close().await;
        return;
    }

    // 2. snapshot export + import, against a plain copy.
    let file = root.path().join("org.snapshot");
    let t = Instant::now();
    let info = store.export_snapshot(&file).await.unwrap();
    let export = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let new_dir = root.path().join("new-laptop");
    let new = Store::import_snapshot(&new_dir, &file, "Portable 2", &OpenOptions::default())
        .await
        .unwrap();
    let import = t.elapsed().as_secs_f64();
    assert_eq!(new.op_count().await.unwrap(), info.ops + 1);
    new.close().await;
    let t = Instant::now();
    let downloaded = root.path().join("downloaded.snapshot");
    std::fs::copy(&file, &downloaded).unwrap();
    let copy = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let adopted = Store::adopt_snapshot(
        &root.path().join("new-laptop-2"),
        &downloaded,
        "Portable 3",
        &OpenOptions::default(),
    )
    .await
    .unwrap();
    let adopt = t.elapsed().as_secs_f64();
    adopted.close().await;
    println!(
        "| snapshot start: export {export:.1} s; import (copy) {import:.1} s, adopt (move a downloaded file) {adopt:.1} s ({} MB; database {} MB) | baseline: replaying the log {ingest:.1} s; plain file copy {copy:.2} s |",
        info.bytes / 1_000_000,
        db_bytes / 1_000_000
    );

    // 3. one bundle with everything.
    let t = Instant::now();
    let b = store
        .export_bundle(&root.path().join("all.escale"), None)
        .await
        .unwrap();
    let bexport = t.elapsed().as_secs_f64();
    println!(
        "| bundle export of {} ops | {bexport:.1} s | {} MB encrypted |",
        b.ops,
        b.bytes / 1_000_000
    );
    store.close().await;
}

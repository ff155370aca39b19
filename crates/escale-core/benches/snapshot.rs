//! Sync benchmarks of the core (no network), each with its baseline measured
//! in the same run.
//!
//! `cargo bench -p escale-core --bench snapshot -- [visitors] [checkins]`
//! (default 100,000 visitors and 1,000,000 check-ins):
//!
//! 1. **ingest** — the organisation's log arrives in pull pages of 5,000 ops
//!    into an empty laptop (`Store::ingest_wire`, one transaction per page,
//!    full durability): ops/s. This is also the baseline of 2: starting a
//!    laptop by replaying the log.
//! 2. **snapshot** — `export_snapshot` on the full laptop, then
//!    `import_snapshot` into an empty directory (a new device), against a
//!    plain file copy of the database as the lower bound.
//! 3. **bundle** — export every op to one encrypted bundle, and its size.
//!
//! Results are printed as Markdown rows for docs/benchmarks.md.

use escale_core::hlc::{now_ms, Hlc};
use escale_core::store::{OpenOptions, Store};
use escale_core::sync::protocol::WireOp;
use escale_core::Escale;
use serde_json::json;
use std::time::Instant;
use uuid::Uuid;

const PAGE: usize = 5_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let visitors: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let checkins: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
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
                0 => ("set.visitor", v, json!({"kind": "set", "entity": "visitor", "id": v, "fields": {
                    "first_name": format!("Prénom{i}"), "last_name": format!("Nom-{}", i % 5000),
                    "email": format!("p{i}@example.org"), "postcode": format!("75{:03}", i % 1000),
                    "situation": "job_seeker", "badge_code": format!("E{:07}", i)}})),
                1 => ("set.registration", v, json!({"kind": "set", "entity": "registration", "id": Uuid::from_u128(0x2_0000_0000 + i as u128), "fields": {
                    "event_id": events[(i % 10) as usize], "visitor_id": v, "kind": "pre", "source": "helloasso", "status": "active"}})),
                _ => ("consent", v, json!({"kind": "consent", "visitor_id": v, "purpose": "processing", "granted": true, "wording_version": "2026-01"})),
            }
        } else {
            let j = seq - visitors * 3;
            let v = vid(j % visitors.max(1));
            ("checkin", v, json!({"kind": "check_in", "event_id": events[(j % 10) as usize], "visitor_id": v, "direction": "in", "method": "scan"}))
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
    std::fs::read_dir(p).map(|d| d.filter_map(|e| e.ok()).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
}

async fn run(visitors: u64, checkins: u64) {
    let root = tempfile::tempdir_in(std::env::var_os("ESCALE_BENCH_DIR").unwrap_or_else(|| ".".into())).unwrap();
    let src_dir = root.path().join("laptop");
    let app = Escale::open_with(&src_dir, &OpenOptions::default()).await.unwrap();
    app.init("Bench", "Portable 1").await.unwrap();
    let store = app.store();
    let hub = Uuid::now_v7();

    // 1. ingest, page by page, full durability.
    let started = Instant::now();
    let mut ops = 0u64;
    for page in pages(hub, visitors, checkins) {
        ops += page.len() as u64;
        store.ingest_wire(page).await.unwrap();
    }
    let ingest = started.elapsed().as_secs_f64();
    let db_bytes = dir_size(&src_dir);
    println!("| ingest {ops} ops in pages of {PAGE} (empty laptop, full durability) | {ingest:.1} s | {:.0} ops/s |", ops as f64 / ingest);

    // 2. snapshot export + import, against a plain copy.
    let file = root.path().join("org.snapshot");
    let t = Instant::now();
    let info = store.export_snapshot(&file).await.unwrap();
    let export = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let new_dir = root.path().join("new-laptop");
    let new = Store::import_snapshot(&new_dir, &file, "Portable 2", &OpenOptions::default()).await.unwrap();
    let import = t.elapsed().as_secs_f64();
    assert_eq!(new.op_count().await.unwrap(), info.ops + 1);
    new.close().await;
    let t = Instant::now();
    let downloaded = root.path().join("downloaded.snapshot");
    std::fs::copy(&file, &downloaded).unwrap();
    let copy = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let adopted = Store::adopt_snapshot(&root.path().join("new-laptop-2"), &downloaded, "Portable 3", &OpenOptions::default()).await.unwrap();
    let adopt = t.elapsed().as_secs_f64();
    adopted.close().await;
    println!(
        "| snapshot start: export {export:.1} s; import (copy) {import:.1} s, adopt (move a downloaded file) {adopt:.1} s ({} MB; database {} MB) | baseline: replaying the log {ingest:.1} s; plain file copy {copy:.2} s |",
        info.bytes / 1_000_000,
        db_bytes / 1_000_000
    );

    // 3. one bundle with everything.
    let t = Instant::now();
    let b = store.export_bundle(&root.path().join("all.escale"), None).await.unwrap();
    let bexport = t.elapsed().as_secs_f64();
    println!("| bundle export of {} ops | {bexport:.1} s | {} MB encrypted |", b.ops, b.bytes / 1_000_000);
    store.close().await;
}

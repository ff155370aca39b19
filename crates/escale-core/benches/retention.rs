//! What retention costs at 100,000 people, each against a baseline
//! measured in the same run (`docs/benchmarks.md`, "Retention").
//!
//! `cargo bench -p escale-core --bench retention -- [people] [anonymised]`
//! (defaults 100000 and 10000). A demo store of that many people (30 %
//! arrived) is made once; then:
//!
//! - `retention-preview`: who is due and when (the newest op about each
//!   person, merges followed), against the raw `GROUP BY subject` over the
//!   log it rests on;
//! - `anonymise`: anonymising that many people as the daily upkeep does
//!   (one `anonymise` op each, 2,000 per transaction, every op about them
//!   rewritten, then a TRUNCATE checkpoint), against a raw `UPDATE` setting
//!   the same people's identity columns to NULL in one transaction (which
//!   leaves the log untouched: a lower bound, not the same work);
//! - `anonymise-longest-commit`: the longest of those transactions — how
//!   long a check-in at the desk may wait behind the upkeep — against one
//!   durable check-in.

use escale_core::app::CheckInTarget;
use escale_core::model::Method;
use escale_core::op::OpBody;
use escale_core::Escale;
use escale_testkit::bench::record;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn main() {
    let mut nums = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .filter_map(|a| a.parse::<usize>().ok());
    let people = nums.next().unwrap_or(100_000);
    let anonymised = nums.next().unwrap_or(10_000).min(people);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("Anonymising {anonymised} of them:\n");
    println!("| people | scenario | escale | baseline | ratio |");
    println!("|---|---|---|---|---|");
    rt.block_on(run(people, anonymised));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn row(people: usize, scenario: &str, baseline: &str, e: f64, b: f64) {
    println!(
        "| {people} | {scenario} | {e:.1} ms | {b:.1} ms ({baseline}) | {:.2}× |",
        e / b.max(1e-9)
    );
    record(scenario, "escale", "people", people as u64, "ms", e);
    record(scenario, baseline, "people", people as u64, "ms", b);
}

async fn run(people: usize, n: usize) {
    let root = tempfile::tempdir().unwrap();
    let app = Escale::open(root.path()).await.unwrap();
    app.init("Bench", "Portable").await.unwrap();
    app.demo(people, 0.3, 42).await.unwrap();
    let pool = app.store().pool().clone();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .unwrap();

    // Preview, 5 times each, median.
    let (mut e, mut b) = (vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(app.retention_preview().await.unwrap());
        e.push(t.elapsed());
        let t = Instant::now();
        let rows: Vec<(Option<Uuid>, i64)> = sqlx::query_as(
            "SELECT subject, MAX(hlc) FROM op WHERE subject IS NOT NULL GROUP BY subject",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        std::hint::black_box(rows);
        b.push(t.elapsed());
    }
    e.sort();
    b.sort();
    row(
        people,
        "retention-preview",
        "raw GROUP BY subject",
        ms(e[2]),
        ms(b[2]),
    );

    // The people anonymised: the first n by id, roots.
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "SELECT id FROM visitor WHERE id NOT IN (SELECT id FROM alias) ORDER BY id LIMIT {n}"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    // Baseline first, on a copy of the store.
    let copy = root.path().join("copy.db");
    sqlx::query("VACUUM INTO ?")
        .bind(copy.to_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let t = Instant::now();
    let mut tx = raw.begin().await.unwrap();
    for chunk in ids.chunks(8_000) {
        let ph = vec!["?"; chunk.len()].join(",");
        let sql = format!(
            "UPDATE visitor SET first_name = NULL, last_name = NULL, email = NULL, phone = NULL,
             postcode = NULL, notes = NULL, employment_id = NULL, badge_code = NULL WHERE id IN ({ph})"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let baseline = t.elapsed();
    raw.close().await;

    let mut longest = Duration::ZERO;
    let t = Instant::now();
    for chunk in ids.chunks(2_000) {
        let c = Instant::now();
        let mut tx = app.store().write().await.unwrap();
        tx.append(
            chunk
                .iter()
                .map(|id| OpBody::Anonymise { visitor_id: *id })
                .collect(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        longest = longest.max(c.elapsed());
    }
    app.store().scrub().await.unwrap();
    let whole = t.elapsed();
    row(
        people,
        "anonymise",
        &format!("raw UPDATE of the identity columns ({n} people)"),
        ms(whole),
        ms(baseline),
    );

    // One durable check-in, the desk's unit of waiting.
    let ev: Uuid = sqlx::query_scalar("SELECT id FROM event LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let someone: Vec<Uuid> = sqlx::query_scalar(
        "SELECT r.visitor_id FROM registration r WHERE r.event_id = ?
         AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.visitor_id = r.visitor_id)
         ORDER BY r.visitor_id DESC LIMIT 21",
    )
    .bind(ev)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut checkins = vec![];
    for v in &someone {
        let t = Instant::now();
        app.check_in(
            &ev.to_string(),
            CheckInTarget::Visitor(v.to_string()),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
        checkins.push(t.elapsed());
    }
    checkins.sort();
    row(
        people,
        "anonymise-longest-commit",
        "one durable check-in",
        ms(longest),
        ms(checkins[checkins.len() / 2]),
    );
    let verify = app.verify().await.unwrap();
    assert!(verify.equal, "the log still folds to the same state");
}

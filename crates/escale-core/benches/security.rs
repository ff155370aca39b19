//! What staff accounts and encryption at rest cost, each against a
//! baseline measured in the same run (`docs/benchmarks.md`, "Security").
//!
//! `cargo bench -p escale-core --bench security -- [people]` (default
//! 100000). A demo store of that many people (30 % arrived) is made once,
//! plain; a copy is converted to an encrypted store (the conversion is
//! timed). Then, encrypted against plain, on the same data:
//!
//! - `unlock`: signing in with a name and a PIN (Argon2id, 19 MiB, t = 2),
//!   against the raw Argon2id hash of the same PIN with the same parameters
//!   (target: ≤ 1 s);
//! - `store-open`: opening the store and answering the first query;
//! - `checkin-encrypted`: 2,000 durable check-ins in a row (full
//!   synchronous), median per check-in (target: ≤ 15 % over plain);
//! - `search-build-encrypted`: the desk's index built from the store
//!   (no index file), and `search-encrypted`: the p99 of 500 searches
//!   (target: ≤ 15 % over plain);
//! - `encrypt-convert`: converting the plain store in place, against
//!   `VACUUM INTO` of the same store (a plain copy of every page).

use escale_core::app::{CheckInTarget, StaffInput};
use escale_core::model::Method;
use escale_core::roles::Role;
use escale_core::store::key::StoreKey;
use escale_core::store::OpenOptions;
use escale_core::Escale;
use escale_testkit::bench::record;
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn main() {
    let people: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("| people | scenario | escale | baseline | ratio | target |");
    println!("|---|---|---|---|---|---|");
    rt.block_on(run(people));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn row(people: usize, scenario: &str, baseline: &str, e: f64, b: f64, target: &str) {
    println!(
        "| {people} | {scenario} | {e:.3} ms | {b:.3} ms ({baseline}) | {:.2}× | {target} |",
        e / b.max(1e-9)
    );
    record(scenario, "escale", "people", people as u64, "ms", e);
    record(scenario, baseline, "people", people as u64, "ms", b);
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 99 / 100).min(v.len() - 1)]
}

fn keyed(key: Option<&StoreKey>) -> OpenOptions {
    OpenOptions {
        key: key.cloned(),
        ..Default::default()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        // The index file is each store's own (plain or sealed).
        if e.path().is_file() && !name.ends_with("-search") {
            std::fs::copy(e.path(), to.join(&*name)).unwrap();
        }
    }
}

async fn run(people: usize) {
    let root = tempfile::tempdir().unwrap();
    let plain_dir = root.path().join("plain");
    let app = Escale::open(&plain_dir).await.unwrap();
    app.init("Bench", "Portable").await.unwrap();
    app.demo(people, 0.3, 42).await.unwrap();
    let ev: Uuid = sqlx::query_scalar("SELECT id FROM event LIMIT 1")
        .fetch_one(app.store().pool())
        .await
        .unwrap();
    // The people checked in below: not arrived yet, the same on both stores.
    let waiting: Vec<Uuid> = sqlx::query_scalar(
        "SELECT r.visitor_id FROM registration r WHERE r.event_id = ?
         AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.visitor_id = r.visitor_id)
         ORDER BY r.visitor_id LIMIT 2000",
    )
    .bind(ev)
    .fetch_all(app.store().pool())
    .await
    .unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(app.store().pool())
        .await
        .unwrap();

    // Unlock: a store with one account.
    app.add_staff(&StaffInput {
        name: "Camille".into(),
        role: Role::Coordinator,
        pin: "4821".into(),
        badge: None,
    })
    .await
    .unwrap();
    app.lock();
    let mut unlocks = vec![];
    for _ in 0..15 {
        let t = Instant::now();
        app.unlock("Camille", "4821").await.unwrap();
        unlocks.push(t.elapsed());
        app.lock();
    }
    let mut raw = vec![];
    for _ in 0..15 {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap();
        let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let t = Instant::now();
        std::hint::black_box(a.hash_password(b"4821", &salt).unwrap());
        raw.push(t.elapsed());
    }
    row(
        people,
        "unlock",
        "raw Argon2id hash",
        ms(median(unlocks)),
        ms(median(raw)),
        "≤ 1,000 ms",
    );
    // The benchmark's stores have no account (open): measured as before.
    sqlx::query("DELETE FROM staff")
        .execute(app.store().pool())
        .await
        .unwrap();
    app.lock();
    app.store().close().await;
    drop(app);

    // Conversion, against a plain copy of every page.
    let enc_dir = root.path().join("encrypted");
    copy_dir(&plain_dir, &enc_dir);
    let key = StoreKey::random();
    let t = Instant::now();
    let enc = Escale::open_with(&enc_dir, &keyed(Some(&key)))
        .await
        .unwrap();
    let convert = t.elapsed();
    enc.store().close().await;
    drop(enc);
    let vac_target = root.path().join("vacuum.db");
    let plain = Escale::open(&plain_dir).await.unwrap();
    let t = Instant::now();
    sqlx::query("VACUUM INTO ?")
        .bind(vac_target.to_str().unwrap())
        .execute(plain.store().pool())
        .await
        .unwrap();
    let vacuum = t.elapsed();
    plain.store().close().await;
    drop(plain);
    row(
        people,
        "encrypt-convert",
        "VACUUM INTO (plain copy)",
        ms(convert),
        ms(vacuum),
        "once per laptop",
    );

    // Open + first query, 5 times each.
    let mut open = [vec![], vec![]];
    for _ in 0..5 {
        for (i, (dir, k)) in [(&plain_dir, None), (&enc_dir, Some(&key))]
            .into_iter()
            .enumerate()
        {
            let t = Instant::now();
            let a = Escale::open_with(dir, &keyed(k)).await.unwrap();
            a.events().await.unwrap();
            open[i].push(t.elapsed());
            a.store().close().await;
        }
    }
    let [op, oe] = open;
    row(
        people,
        "store-open-encrypted",
        "plain store",
        ms(median(oe)),
        ms(median(op)),
        "—",
    );

    // Search: the index built from the store, then 500 queries.
    let queries: Vec<String> = {
        let a = Escale::open(&plain_dir).await.unwrap();
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT last_name FROM visitor WHERE last_name IS NOT NULL ORDER BY id LIMIT 500",
        )
        .fetch_all(a.store().pool())
        .await
        .unwrap();
        a.store().close().await;
        names
            .into_iter()
            .enumerate()
            .map(|(i, n)| n.chars().take(3 + i % 4).collect())
            .collect()
    };
    let mut build = [Duration::ZERO; 2];
    let mut search = [vec![], vec![]];
    let mut checkin = [vec![], vec![]];
    for (i, (dir, k)) in [(&plain_dir, None), (&enc_dir, Some(&key))]
        .into_iter()
        .enumerate()
    {
        let _ = std::fs::remove_file(escale_core::search::cache_path(
            &dir.join(escale_core::store::DB_FILE),
        ));
        let a = Escale::open_with(dir, &keyed(k)).await.unwrap();
        let t = Instant::now();
        a.warm_search().await.unwrap();
        build[i] = t.elapsed();
        let evs = ev.to_string();
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(a.search(Some(evs.as_str()), q, 10).await.unwrap());
            search[i].push(t.elapsed());
        }
        for v in &waiting {
            let t = Instant::now();
            a.check_in(
                &evs,
                CheckInTarget::Visitor(v.to_string()),
                None,
                Method::Search,
            )
            .await
            .unwrap();
            checkin[i].push(t.elapsed());
        }
        a.store().close().await;
    }
    row(
        people,
        "search-build-encrypted",
        "plain store",
        ms(build[1]),
        ms(build[0]),
        "≤ 1.15×",
    );
    let [sp, se] = search;
    row(
        people,
        "search-encrypted",
        "plain store (p99)",
        ms(p99(se)),
        ms(p99(sp)),
        "≤ 1.15×",
    );
    let [cp, ce] = checkin;
    row(
        people,
        "checkin-encrypted",
        "plain store (median)",
        ms(median(ce)),
        ms(median(cp)),
        "≤ 1.15×",
    );
}

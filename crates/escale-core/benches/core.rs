//! Benchmarks of the core, each against a baseline measured in the same run.
//!
//! `cargo bench -p escale-core --bench core -- <scenario> [size]` where
//! scenario is one of
//!
//! - `search [people]`: desk searches against a naive `LIKE`;
//! - `checkin [people]`: sequential durable check-ins by badge code among
//!   that many registered people, against a bare one-row transaction;
//! - `import [rows]`: a CSV import, against parsing the file and inserting
//!   its cells raw into schema 2's `visitor` table;
//! - `import-checkin [rows]`: check-ins at the desk while that import runs,
//!   against the same check-ins on an idle store;
//! - `rebuild [ops]`: the state refolded from the log, against a raw insert
//!   of the same op rows into schema 2's `op` table;
//! - `size [people]`: the store's files after a demo, against the same
//!   people, registrations and arrivals as CSV text;
//! - `convert [people]`: the in-place conversion of a schema-1 store written
//!   by version 0.1.0 (`ESCALE_SCHEMA1_BIN`: its `escale`; the Makefile
//!   builds it), against `VACUUM INTO` of the same file.
//!
//! Each runs in its own process (the Makefile's `bench` target runs them one
//! by one), so the peak-memory figure (VmHWM) belongs to that scenario
//! alone. Results are printed as Markdown rows for docs/benchmarks.md and
//! recorded as points for the scaling charts (`escale_testkit::bench`).

use escale_core::app::CheckInTarget;
use escale_core::import::ImportOptions;
use escale_core::model::Method;
use escale_core::store::OpenOptions;
use escale_core::Escale;
use escale_testkit::bench::record;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let scenario = args.first().map(String::as_str).unwrap_or("help");
    let size: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    match scenario {
        "search" => rt.block_on(search(size)),
        "checkin" => rt.block_on(checkin(size)),
        "import" => rt.block_on(import(size)),
        "import-checkin" => rt.block_on(import_checkin(size)),
        "rebuild" => rt.block_on(rebuild(size)),
        "size" => rt.block_on(store_size(size)),
        "convert" => rt.block_on(convert(size)),
        _ => eprintln!("usage: cargo bench -p escale-core --bench core -- search|checkin|import|import-checkin|rebuild|size|convert [size]"),
    }
}

fn pct(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1e3
}

/// Peak RSS of this process (MB).
fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A memory figure of `/proc/self/status`, in MB.
fn status_mb(key: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// CPU seconds this process has used (all threads, user + system): on a
/// shared machine, less sensitive to other processes than wall time.
fn cpu_s() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The machine's load when a scenario starts, printed with its figures.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

async fn fresh(dir: &std::path::Path) -> Escale {
    let app = Escale::open(dir).await.unwrap();
    app.init("Bench", "bench").await.unwrap();
    app
}

/// Queries typed at a desk: 3-letter prefixes, full names, accent-less
/// spellings of accented names, one typo.
fn queries(rng: &mut StdRng, n: usize) -> Vec<(&'static str, String)> {
    let pick = |rng: &mut StdRng, l: &[&str]| l[rng.gen_range(0..l.len())].to_string();
    let mut out = vec![];
    for _ in 0..n {
        let first = pick(rng, escale_core::demo::FIRST_NAMES);
        let last = pick(rng, escale_core::demo::LAST_NAMES);
        let folded_last = escale_core::text::tokens(&last).join(" ");
        out.push(("3-letter prefix", folded_last.chars().take(3).collect()));
        out.push(("full name", format!("{first} {last}")));
        out.push((
            "accent-less",
            escale_core::text::fold(&format!("{first} {last}")),
        ));
        let mut chars: Vec<char> = folded_last.chars().collect();
        if chars.len() >= 4 {
            let i = rng.gen_range(1..chars.len());
            chars.swap(i - 1, i);
        }
        out.push(("one typo", chars.into_iter().collect()));
    }
    out
}

/// RSS of this process now (MB).
fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// Desk search at `size` people. The store is the demo's (everyone
/// registered for the event); with `ESCALE_BENCH_SEARCH_DIR` set it is kept
/// there and reused by the next run of the same size (filling 1,000,000
/// people takes minutes). Measures, each against its same-run baseline:
/// the queries (p50/p99; baselines: the naive `LIKE` and the index ranking
/// every candidate, as before the compact base), the desk's start (open
/// the store, ready the index, answer a first search: from the index's
/// file vs a full build), a one-shot process (`escale search`: open, one
/// search, close) and the index's memory.
async fn search(size: usize) {
    use escale_core::search::{cache_path, SearchIndex};
    use escale_testkit::bench::record;
    let tmp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("ESCALE_BENCH_SEARCH_DIR") {
        Some(d) => std::path::PathBuf::from(d).join(size.to_string()),
        None => tmp.path().join("data"),
    };
    let marker = dir.join("bench-event");
    let t = Instant::now();
    let ev = match std::fs::read_to_string(&marker) {
        Ok(ev) => ev,
        Err(_) => {
            let _ = std::fs::remove_dir_all(&dir);
            let app = fresh(&dir).await;
            let demo = app.demo(size, 0.0, 42).await.unwrap();
            app.store().close().await;
            std::fs::write(&marker, demo.event.id.to_string()).unwrap();
            demo.event.id.to_string()
        }
    };
    let fill = t.elapsed();
    let cache = cache_path(&dir.join(escale_core::store::DB_FILE));
    let people = size as u64;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    // Start-up, baseline first: no index file, a full build (which writes it).
    let _ = std::fs::remove_file(&cache);
    let t = Instant::now();
    let app = Escale::open(&dir).await.unwrap();
    app.warm_search().await.unwrap();
    app.search(Some(&ev), "mar", 10).await.unwrap();
    let start_build = t.elapsed();
    app.store().close().await;
    drop(app);
    assert!(cache.exists(), "a full build writes the index's file");
    let file_mb = std::fs::metadata(&cache).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
    let rss0 = rss_mb();
    let t = Instant::now();
    let app = Escale::open(&dir).await.unwrap();
    app.warm_search().await.unwrap();
    app.search(Some(&ev), "mar", 10).await.unwrap();
    let start_file = t.elapsed();
    let rss_index = rss_mb() - rss0;

    // Queries on the desk's index (read from the file, as after a start).
    let mut rng = StdRng::seed_from_u64(7);
    let qs = queries(&mut rng, 250);
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    for (kind, q) in &qs {
        let t = Instant::now();
        let hits = app.search(Some(&ev), q, 10).await.unwrap();
        by_kind.entry(kind).or_default().push(t.elapsed());
        std::hint::black_box(hits);
    }
    // Baseline 1: what a naive implementation does, over the same table.
    let pool = app.store().pool();
    let mut base: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    for (kind, q) in qs.iter().take(200) {
        let t = Instant::now();
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT hex(id) FROM visitor WHERE (first_name || ' ' || last_name) LIKE ?1 OR email LIKE ?1 LIMIT 10",
        )
        .bind(format!("%{q}%"))
        .fetch_all(pool)
        .await
        .unwrap();
        base.entry(kind).or_default().push(t.elapsed());
        std::hint::black_box(rows);
    }
    // Baseline 2: the index alone, ranking every candidate (before) vs the
    // compact base's early exit (after); index time only, no SQL.
    let ev_id = uuid::Uuid::parse_str(&ev).unwrap();
    let rss1 = rss_mb();
    let mut before = SearchIndex::build_uncompacted(pool).await.unwrap();
    let rss_before = rss_mb() - rss1;
    let mut after = SearchIndex::new();
    after.refresh_with(pool, Some(&cache)).await.unwrap();
    let (heap, delta) = after.footprint();
    assert_eq!(delta, 0);
    let mut ix_before = vec![];
    let mut ix_after = vec![];
    for (_, q) in &qs {
        let t = Instant::now();
        let a = before.search(q, Some(ev_id), 10);
        ix_before.push(t.elapsed());
        let t = Instant::now();
        let b = after.search(q, Some(ev_id), 10);
        ix_after.push(t.elapsed());
        assert_eq!(a, b, "same answer for {q:?}");
    }
    drop(before);
    app.store().close().await;
    drop(app);

    // One-shot processes: open, one search, close (what `escale search` does).
    let one_shot = |keep: bool| {
        let dir = dir.clone();
        let cache = cache.clone();
        let ev = ev.clone();
        async move {
            let mut runs = vec![];
            for q in ["mar", "dubois", "eloise martin"] {
                if !keep {
                    let _ = std::fs::remove_file(&cache);
                }
                let t = Instant::now();
                let app = Escale::open(&dir).await.unwrap();
                std::hint::black_box(app.search(Some(&ev), q, 10).await.unwrap());
                app.store().close().await;
                runs.push(t.elapsed());
            }
            runs
        }
    };
    let mut shot_file = one_shot(true).await;
    let mut shot_build = if size <= 100_000 {
        one_shot(false).await
    } else {
        vec![start_build]
    };

    println!(
        "search over {size} visitors (filled in {:.1} s, peak RSS {:.0} MB, load average {})",
        fill.as_secs_f64(),
        peak_rss_mb(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("| query | escale p50 (ms) | escale p99 (ms) | LIKE p50 (ms) | LIKE p99 (ms) | speed-up at p50 |");
    println!("|---|---|---|---|---|---|");
    let mut all = vec![];
    let mut all_base = vec![];
    for (kind, mut s) in by_kind {
        let mut b = base.remove(kind).unwrap_or_default();
        all.extend(s.iter().copied());
        all_base.extend(b.iter().copied());
        let (p50, p99) = (pct(&mut s, 0.5), pct(&mut s, 0.99));
        let (b50, b99) = (pct(&mut b, 0.5), pct(&mut b, 0.99));
        println!(
            "| {kind} | {p50:.2} | {p99:.2} | {b50:.1} | {b99:.1} | {:.0}× |",
            b50 / p50
        );
    }
    let (p50, p99) = (pct(&mut all, 0.5), pct(&mut all, 0.99));
    let (b50, b99) = (pct(&mut all_base, 0.5), pct(&mut all_base, 0.99));
    println!(
        "| **all** | {p50:.2} | {p99:.2} | {b50:.1} | {b99:.1} | {:.0}× |",
        b50 / p50
    );
    let (i50, i99) = (pct(&mut ix_after, 0.5), pct(&mut ix_after, 0.99));
    let (o50, o99) = (pct(&mut ix_before, 0.5), pct(&mut ix_before, 0.99));
    println!("| index alone: compact base (after) | {i50:.3} | {i99:.3} | ranking every candidate (before): {o50:.3} | {o99:.3} | {:.0}× at p99 |", o99 / i99);
    let (s_file, s_build) = (pct(&mut shot_file, 0.5), pct(&mut shot_build, 0.5));
    println!("| | escale | baseline |");
    println!("|---|---|---|");
    println!(
        "| desk start: open + index ready + first search | {:.0} ms (index file) | {:.0} ms (full build, writes the file) |",
        ms(start_file),
        ms(start_build)
    );
    println!("| one-shot `escale search` (open, search, close), median | {s_file:.0} ms (index file) | {s_build:.0} ms (full build) |");
    println!(
        "| index memory | {:.1} MB heap (compact base), RSS +{rss_index:.0} MB; file {file_mb:.1} MB | RSS +{rss_before:.0} MB (before: every person in the dynamic structure) |",
        heap as f64 / 1048576.0
    );
    record("search-p99", "escale", "people", people, "ms", p99);
    record(
        "search-p99",
        "baseline: LIKE '%q%' LIMIT 10",
        "people",
        people,
        "ms",
        b99,
    );
    record("search-p50", "escale", "people", people, "ms", p50);
    record(
        "search-p50",
        "baseline: LIKE '%q%' LIMIT 10",
        "people",
        people,
        "ms",
        b50,
    );
    record(
        "search-index-p99",
        "escale (compact base, early exit)",
        "people",
        people,
        "ms",
        i99,
    );
    record(
        "search-index-p99",
        "baseline: ranking every candidate",
        "people",
        people,
        "ms",
        o99,
    );
    record(
        "search-start",
        "escale (index file)",
        "people",
        people,
        "s",
        start_file.as_secs_f64(),
    );
    record(
        "search-start",
        "baseline: full build",
        "people",
        people,
        "s",
        start_build.as_secs_f64(),
    );
    record(
        "search-one-shot",
        "escale (index file)",
        "people",
        people,
        "ms",
        s_file,
    );
    record(
        "search-one-shot",
        "baseline: full build",
        "people",
        people,
        "ms",
        s_build,
    );
    record(
        "search-memory",
        "escale (compact base, heap)",
        "people",
        people,
        "MB",
        heap as f64 / 1048576.0,
    );
    record(
        "search-memory",
        "baseline: dynamic structure (RSS growth)",
        "people",
        people,
        "MB",
        rss_before,
    );
}

/// Sequential durable check-ins by badge code, among `people` registered.
async fn checkin(people: usize) {
    let dir = tempfile::tempdir().unwrap();
    let app = fresh(dir.path()).await;
    let demo = app.demo(people, 0.0, 3).await.unwrap();
    let ev = demo.event.id.to_string();
    let n = 2_000.min(people);
    let step = people / n;
    let codes: Vec<String> = (0..n).map(|i| format!("DEMO-{:07}", i * step)).collect();
    let mut lat = vec![];
    let t0 = Instant::now();
    for c in &codes {
        let t = Instant::now();
        app.check_in(&ev, CheckInTarget::Code(c.clone()), None, Method::Scan)
            .await
            .unwrap();
        lat.push(t.elapsed());
    }
    let total = t0.elapsed();
    // Baseline: a bare single-row insert transaction on the same durable store.
    let pool = app.store().pool();
    sqlx::query("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, v TEXT)")
        .execute(pool)
        .await
        .unwrap();
    let mut base = vec![];
    let b0 = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("INSERT INTO bench_bare (v) VALUES (?)")
            .bind(i.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        base.push(t.elapsed());
    }
    let btotal = b0.elapsed();
    let rate = n as f64 / total.as_secs_f64();
    let brate = n as f64 / btotal.as_secs_f64();
    let (p50, p99) = (pct(&mut lat, 0.5), pct(&mut lat, 0.99));
    let (b50, b99) = (pct(&mut base, 0.5), pct(&mut base, 0.99));
    println!(
        "check-in by scanned code, synchronous=FULL, {people} registered, {n} sequential scans (load {})", load()
    );
    println!("| | p50 (ms) | p99 (ms) | sustained (per s) |");
    println!("|---|---|---|---|");
    println!(
        "| escale check-in (resolve code, op, fold, commit) | {p50:.2} | {p99:.2} | {rate:.0} |"
    );
    println!("| baseline: bare 1-row insert transaction | {b50:.2} | {b99:.2} | {brate:.0} |");
    record(
        "checkin-rate",
        "escale",
        "people",
        people as u64,
        "check-ins/s",
        rate,
    );
    record(
        "checkin-rate",
        "bare 1-row transaction",
        "people",
        people as u64,
        "check-ins/s",
        brate,
    );
    record("checkin-p99", "escale", "people", people as u64, "ms", p99);
    record(
        "checkin-p99",
        "bare 1-row transaction",
        "people",
        people as u64,
        "ms",
        b99,
    );
}

/// A registration export of `rows` people, as the import reads it.
fn write_csv(path: &Path, rows: usize, seed: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(b"\xEF\xBB\xBFNum\xC3\xA9ro;Nom;Pr\xC3\xA9nom;E-mail;T\xC3\xA9l\xC3\xA9phone;Code postal;Statut\r\n").unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    for n in 0..rows {
        let (first, last, email, phone, _) = escale_core::demo::person(&mut rng, n);
        writeln!(
            f,
            "{n};{last};{first};{email};{phone};750{:02};Validé\r",
            n % 20
        )
        .unwrap();
    }
}

async fn import(rows: usize) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inscriptions.csv");
    write_csv(&csv, rows, 11);
    let size_mb = std::fs::metadata(&csv).unwrap().len() as f64 / 1_048_576.0;
    let data = dir.path().join("data");
    let app = fresh(&data).await;
    let ev = app.demo(0, 0.0, 1).await.unwrap().event.id.to_string();
    let rss_before = peak_rss_mb();
    let (t, c) = (Instant::now(), cpu_s());
    let r = app
        .import_file(&ev, &csv, &ImportOptions::default(), &|_| {})
        .await
        .unwrap();
    let took = t.elapsed();
    let cpu = cpu_s() - c;
    assert_eq!(
        r.new_visitors + r.known_visitors,
        rows,
        "every row is a person: {r:?}"
    );
    app.store().close().await;
    // Baseline: the same file parsed and its cells bulk-inserted raw into
    // schema 2's own `visitor` table (16-byte ids, no stamps), one
    // transaction, no detection, matching, ops or fold.
    let raw = Escale::open_with(
        &dir.path().join("raw"),
        &OpenOptions {
            relaxed_durability: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let pool = raw.store().pool();
    let t = Instant::now();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(&csv)
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let recs: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    for chunk in recs.chunks(100) {
        let sql = format!(
            "INSERT INTO visitor (id, badge_code, last_name, first_name, email, phone, postcode, notes, stamps) VALUES {}",
            vec!["(?,?,?,?,?,?,?,?,x'')"; chunk.len()].join(",")
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q.bind(uuid::Uuid::now_v7());
            for c in r.iter() {
                q = q.bind(c.to_string());
            }
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let raw_t = t.elapsed();
    raw.store().close().await;
    println!(
        "import of a {rows}-row CSV ({size_mb:.1} MB; load {})",
        load()
    );
    println!("| | time (s) | CPU (s) | rows/s | peak RSS (MB) |");
    println!("|---|---|---|---|---|");
    println!("| escale import (detect, validate, match, {} ops, slices of ~40 ms) | {:.2} | {cpu:.2} | {:.0} | {:.0} (before: {:.0}) |", rows * 3, took.as_secs_f64(), rows as f64 / took.as_secs_f64(), peak_rss_mb(), rss_before);
    println!(
        "| baseline: raw CSV parse + bulk insert into `visitor`, no fold | {:.2} | — | {:.0} | — |",
        raw_t.as_secs_f64(),
        rows as f64 / raw_t.as_secs_f64()
    );
    record(
        "import",
        "escale",
        "rows",
        rows as u64,
        "s",
        took.as_secs_f64(),
    );
    record(
        "import",
        "raw parse + insert into visitor",
        "rows",
        rows as u64,
        "s",
        raw_t.as_secs_f64(),
    );
}

/// Check-ins one after the other (20 ms apart, as at a busy desk) until
/// `until` says stop; their latencies.
async fn desk(app: &Escale, ev: &str, from: usize, until: impl Fn(usize) -> bool) -> Vec<Duration> {
    let mut lat = vec![];
    let mut i = from;
    while !until(lat.len()) {
        let t = Instant::now();
        app.check_in(
            ev,
            CheckInTarget::Code(format!("DEMO-{i:07}")),
            None,
            Method::Scan,
        )
        .await
        .unwrap();
        lat.push(t.elapsed());
        i += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    lat
}

/// Check-ins at the desk while a `rows`-row import runs on the same laptop.
async fn import_checkin(rows: usize) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inscriptions.csv");
    write_csv(&csv, rows, 12);
    let app = Arc::new(fresh(&dir.path().join("data")).await);
    let demo = app.demo(5_000, 0.0, 9).await.unwrap();
    let ev = demo.event.id.to_string();
    // Baseline: the same desk on the idle store.
    let mut idle = desk(&app, &ev, 0, |n| n >= 200).await;
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importer = {
        let (app, ev, csv, done) = (app.clone(), ev.clone(), csv.clone(), done.clone());
        tokio::spawn(async move {
            let t = Instant::now();
            app.import_file(&ev, &csv, &ImportOptions::default(), &|_| {})
                .await
                .unwrap();
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            t.elapsed()
        })
    };
    let mut busy = desk(&app, &ev, 1_000, |_| {
        done.load(std::sync::atomic::Ordering::SeqCst)
    })
    .await;
    let took = importer.await.unwrap();
    let max = |v: &[Duration]| v.iter().max().unwrap().as_secs_f64() * 1e3;
    let (bmax, imax) = (max(&busy), max(&idle));
    let (b50, b99) = (pct(&mut busy, 0.5), pct(&mut busy, 0.99));
    let (i50, i99) = (pct(&mut idle, 0.5), pct(&mut idle, 0.99));
    println!(
        "check-ins during a {rows}-row import ({:.1} s; {} check-ins meanwhile; load {})",
        took.as_secs_f64(),
        busy.len(),
        load()
    );
    println!("| | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---|---|---|");
    println!("| check-in while the import runs | {b50:.1} | {b99:.1} | {bmax:.1} |");
    println!("| baseline: the same check-ins, store idle | {i50:.1} | {i99:.1} | {imax:.1} |");
    record(
        "checkin-during-import",
        "escale, max",
        "rows",
        rows as u64,
        "ms",
        bmax,
    );
    record(
        "checkin-during-import",
        "escale, p99",
        "rows",
        rows as u64,
        "ms",
        b99,
    );
    record(
        "checkin-during-import",
        "idle store, max",
        "rows",
        rows as u64,
        "ms",
        imax,
    );
}

/// One op row of schema 2's `op` table, as stored.
type OpRow = (
    Vec<u8>,
    i64,
    Vec<u8>,
    i64,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

async fn rebuild(ops_target: usize) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = Escale::open_with(&data, &OpenOptions::default())
        .await
        .unwrap();
    app.init("Bench", "bench").await.unwrap();
    // ~3.5 ops per demo visitor (visitor, consent, registration, half a check-in)
    let visitors = ops_target * 2 / 7;
    let t = Instant::now();
    app.demo(visitors, 0.5, 5).await.unwrap();
    let fill = t.elapsed();
    let ops = app.store().op_count().await.unwrap();
    let (t, c) = (Instant::now(), cpu_s());
    let (n, rebuilt) = app.rebuild_into(&dir.path().join("rebuilt")).await.unwrap();
    rebuilt.close().await;
    let took = t.elapsed();
    let cpu = cpu_s() - c;
    assert_eq!(n, ops);
    // Baseline: the same op rows, as stored (compressed bodies), bulk
    // inserted raw into schema 2's `op` table of a fresh store.
    let rows: Vec<OpRow> = sqlx::query_as(
        "SELECT origin, seq, id, hlc, kind, subject, body FROM op ORDER BY origin, seq",
    )
    .fetch_all(app.store().pool())
    .await
    .unwrap();
    app.store().close().await;
    let raw_dir = dir.path().join("raw");
    let raw = Escale::open_with(
        &raw_dir,
        &OpenOptions {
            relaxed_durability: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (t, c) = (Instant::now(), cpu_s());
    let mut tx = raw.store().pool().begin().await.unwrap();
    for chunk in rows.chunks(100) {
        let sql = format!(
            "INSERT INTO op (origin, seq, id, hlc, kind, subject, body) VALUES {}",
            vec!["(?,?,?,?,?,?,?)"; chunk.len()].join(",")
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.0)
                .bind(r.1)
                .bind(&r.2)
                .bind(r.3)
                .bind(&r.4)
                .bind(&r.5)
                .bind(&r.6);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let raw_t = t.elapsed();
    let raw_cpu = cpu_s() - c;
    raw.store().close().await;
    let rate = ops as f64 / took.as_secs_f64();
    let raw_rate = ops as f64 / raw_t.as_secs_f64();
    println!(
        "rebuild of the state from {ops} operations ({visitors} visitors; log written in {:.1} s; load {})",
        fill.as_secs_f64(),
        load()
    );
    println!("| | time (s) | CPU (s) | ops/s |");
    println!("|---|---|---|---|");
    println!(
        "| escale rebuild (decode + fold + write state) | {:.1} | {cpu:.1} | {rate:.0} |",
        took.as_secs_f64()
    );
    println!(
        "| baseline: raw bulk insert of the op rows into `op` | {:.1} | {raw_cpu:.1} | {raw_rate:.0} |",
        raw_t.as_secs_f64()
    );
    record(
        "rebuild",
        "escale",
        "ops",
        ops as u64,
        "s",
        took.as_secs_f64(),
    );
    record(
        "rebuild",
        "raw insert into op",
        "ops",
        ops as u64,
        "s",
        raw_t.as_secs_f64(),
    );
}

/// Bytes of a data directory's files.
fn dir_bytes(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The store's size on disk after a demo of `people` (30 % arrived, as
/// `escale demo` does by default), once closed, against the same people,
/// registrations and arrivals as CSV.
async fn store_size(people: usize) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = fresh(&data).await;
    app.demo(people, 0.3, 42).await.unwrap();
    let pool = app.store().pool();
    let mut csv = Vec::new();
    for sql in [
        "SELECT hex(id), first_name, last_name, email, phone, postcode, commune, commune_code, birth_year, situation, badge_code FROM visitor",
        "SELECT hex(id), hex(event_id), hex(visitor_id), kind, source, status, registered_at FROM registration",
        "SELECT hex(id), hex(event_id), hex(visitor_id), direction, at_ms, method, code FROM checkin",
    ] {
        let rows: Vec<sqlx::sqlite::SqliteRow> = sqlx::query(sql).fetch_all(pool).await.unwrap();
        let mut w = csv::Writer::from_writer(&mut csv);
        for r in &rows {
            use sqlx::Row;
            let cells: Vec<String> = (0..sqlx::Row::len(r))
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .or_else(|| r.try_get::<Option<i64>, _>(i).ok().flatten().map(|n| n.to_string()))
                        .unwrap_or_default()
                })
                .collect();
            w.write_record(&cells).unwrap();
        }
        w.flush().unwrap();
    }
    let ops = app.store().op_count().await.unwrap();
    app.store().close().await;
    let mb = |b: u64| b as f64 / 1e6;
    let (store, text) = (mb(dir_bytes(&data)), mb(csv.len() as u64));
    println!("store size after a demo of {people} people ({ops} ops), closed");
    println!("| | MB |");
    println!("|---|---|");
    println!("| escale store (database + WAL left) | {store:.1} |");
    println!("| baseline: the same people, registrations and arrivals as CSV | {text:.1} |");
    record("store-size", "escale", "people", people as u64, "MB", store);
    record(
        "store-size",
        "the same data as CSV",
        "people",
        people as u64,
        "MB",
        text,
    );
}

/// The in-place conversion of a schema-1 store holding a demo of `people`
/// written by version 0.1.0, at open.
async fn convert(people: usize) {
    let Some(bin) = std::env::var_os("ESCALE_SCHEMA1_BIN") else {
        eprintln!("convert: set ESCALE_SCHEMA1_BIN to an `escale` built from commit 128d995 (version 0.1.0, schema 1); `make bench` builds it");
        std::process::exit(2);
    };
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let out = std::process::Command::new(&bin)
        .arg("--data-dir")
        .arg(&old)
        .args(["init", "--org", "Bench", "--device", "bench"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let t = Instant::now();
    let out = std::process::Command::new(&bin)
        .arg("--data-dir")
        .arg(&old)
        .args([
            "--json",
            "demo",
            "--visitors",
            &people.to_string(),
            "--arrived",
            "0.5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fill = t.elapsed();
    let db = old.join(escale_core::store::DB_FILE);
    let before = dir_bytes(&old);
    // Baseline: rewriting the same file page by page (`VACUUM INTO`).
    let base_file = dir.path().join("vacuumed.db");
    let t = Instant::now();
    {
        use sqlx::Connection;
        let mut conn = sqlx::sqlite::SqliteConnection::connect_with(
            &sqlx::sqlite::SqliteConnectOptions::new().filename(&db),
        )
        .await
        .unwrap();
        sqlx::query("VACUUM INTO ?")
            .bind(base_file.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let vacuum = t.elapsed();
    let steps = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = steps.clone();
    let opts = OpenOptions {
        progress: Some(escale_core::store::Progress(Arc::new(move |_p| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }))),
        ..Default::default()
    };
    let t = Instant::now();
    let app = Escale::open_with(&old, &opts).await.unwrap();
    let took = t.elapsed();
    let ops = app.store().op_count().await.unwrap();
    app.store().close().await;
    let after = dir_bytes(&old);
    println!(
        "in-place conversion of a schema-1 store: {people} people, {ops} ops (written by 0.1.0 in {:.1} s)",
        fill.as_secs_f64()
    );
    println!("| | time (s) | size before → after (MB) |");
    println!("|---|---|---|");
    println!(
        "| escale open: convert to schema 2, vacuum ({} progress reports) | {:.1} | {:.0} → {:.0} |",
        steps.load(std::sync::atomic::Ordering::Relaxed),
        took.as_secs_f64(),
        before as f64 / 1e6,
        after as f64 / 1e6
    );
    println!(
        "| baseline: `VACUUM INTO` of the schema-1 file | {:.1} | — |",
        vacuum.as_secs_f64()
    );
    record(
        "convert",
        "escale",
        "ops",
        ops as u64,
        "s",
        took.as_secs_f64(),
    );
    record(
        "convert",
        "VACUUM INTO of the schema-1 file",
        "ops",
        ops as u64,
        "s",
        vacuum.as_secs_f64(),
    );
}

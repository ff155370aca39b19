//! Lists, exports, figures and duplicates at scale, each against a baseline
//! measured in the same run, so that a query that grows worse than linearly
//! shows on the charts (`docs/benchmarks/export-csv.svg`, …).
//!
//! `cargo bench -p escale-core --bench lists -- [size …]` (default: 10000
//! 100000). For each size: a fresh store filled by `Escale::demo` (30 % of
//! the people arrived), 1 % of them checked into a session (at most 2,000)
//! and 100 merges, so that every query goes through merge roots. Then:
//!
//! - `export-csv`, `export-xlsx`: `Escale::export` of the event, against a
//!   raw `SELECT` of the visitor table written to a CSV (like `sqlite3 -csv`)
//!   or an XLSX file by the same writers;
//! - `stats`: `Escale::stats` (the desk's counters and the figures), against
//!   raw counts of the event's registrations and check-ins (no merge roots);
//! - `registrations-first-page`: the first page (100) in name order, against
//!   a raw read of 100 visitors on the name index;
//! - `registrations-sorted-page`: "arrived, latest first" and a text filter
//!   ("mar"), against the same baseline;
//! - `duplicates-count`: `Escale::duplicate_count` (the status bar's figure),
//!   against a raw count of the name keys held by more than one person; and
//!   `duplicates-page`, the review's first page (20 pairs).
//!
//! Results are printed as Markdown rows for docs/benchmarks.md and recorded
//! with `escale_testkit::bench::record`.

use escale_core::app::{CheckInTarget, RegistrationFilter, RegistrationShow, RegistrationSort};
use escale_core::export::ExportFormat;
use escale_core::model::Method;
use escale_core::{Escale, Lang};
use escale_testkit::bench::record;
use sqlx::Row;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000];
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "| people | scenario | escale (wall, CPU) | baseline (wall, CPU) | ratio (wall) | target |"
    );
    println!("|---|---|---|---|---|---|");
    for size in sizes {
        rt.block_on(run(size));
    }
}

/// CPU time of this process so far (all threads: the runtime's and
/// SQLite's), from /proc: on a shared machine the wall time depends on the
/// load, this does not.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime and stime: fields 14 and 15 of the line, 12th and 13th after the name.
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// A measure: the median wall time and the median CPU time of the runs.
#[derive(Clone, Copy)]
struct M {
    wall: Duration,
    cpu: Duration,
}

impl std::ops::Div<u32> for M {
    type Output = M;
    fn div(self, n: u32) -> M {
        M {
            wall: self.wall / n,
            cpu: self.cpu / n,
        }
    }
}

/// The median of `runs` timings of `f` (wall), and the median CPU time.
async fn median<F, Fut, T>(runs: usize, mut f: F) -> M
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = vec![];
    let mut cpus = vec![];
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu());
        std::hint::black_box(f().await);
        times.push(t.elapsed());
        cpus.push(cpu().saturating_sub(c));
    }
    times.sort();
    cpus.sort();
    M {
        wall: times[times.len() / 2],
        cpu: cpus[cpus.len() / 2],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Prints a row and records the points: wall times (what a person waits
/// for, on this machine at its load) and CPU times (the work, whatever the
/// load), of Escale and of the baseline.
#[allow(clippy::too_many_arguments)]
fn report(size: usize, scenario: &str, baseline: &str, unit: &str, e: M, b: M, target: &str) {
    let v = |d: Duration| match unit {
        "s" => d.as_secs_f64(),
        _ => ms(d),
    };
    println!(
        "| {size} | {scenario} | {:.3} {unit} (CPU {:.3}) | {:.3} {unit} (CPU {:.3}; {baseline}) | {:.1}× | {target} |",
        v(e.wall),
        v(e.cpu),
        v(b.wall),
        v(b.cpu),
        v(e.wall) / v(b.wall).max(1e-9)
    );
    record(scenario, "escale", "people", size as u64, unit, v(e.wall));
    record(scenario, baseline, "people", size as u64, unit, v(b.wall));
    record(
        scenario,
        "escale, CPU time",
        "people",
        size as u64,
        unit,
        v(e.cpu),
    );
    record(
        scenario,
        &format!("{baseline}, CPU time"),
        "people",
        size as u64,
        unit,
        v(b.cpu),
    );
}

async fn run(size: usize) {
    // `ESCALE_BENCH_REUSE=DIR`: the data of a run kept with
    // `ESCALE_BENCH_KEEP` (same size), not filled again (to iterate on a query).
    let reuse = std::env::var_os("ESCALE_BENCH_REUSE").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(reuse.as_deref().unwrap_or(dir.path()))
        .await
        .unwrap();
    let ev = if reuse.is_some() {
        app.events().await.unwrap()[0].id.to_string()
    } else {
        app.init("Bench", "bench").await.unwrap();
        fill(&app, size).await
    };
    let pool = app.store().pool().clone();
    if std::env::var_os("ESCALE_BENCH_KEEP").is_some() {
        eprintln!("{size} people: data kept in {}", dir.path().display());
    }
    let runs = if size >= 1_000_000 { 1 } else { 3 };
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();

    // Exports.
    let (e_csv, r_csv, e_xlsx, r_xlsx) = (
        out.join("e.csv"),
        out.join("raw.csv"),
        out.join("e.xlsx"),
        out.join("raw.xlsx"),
    );
    let table = median(runs, || app.export_table(&ev, Lang::Fr)).await;
    eprintln!(
        "{size} people: the export's table alone in {:.3} s (CPU {:.3} s)",
        table.wall.as_secs_f64(),
        table.cpu.as_secs_f64()
    );
    let csv = median(runs, || {
        app.export(&ev, ExportFormat::Csv, &e_csv, Lang::Fr)
    })
    .await;
    let raw_csv = median(runs, || raw_export(&pool, &r_csv, false)).await;
    report(
        size,
        "export-csv",
        "raw SELECT → CSV",
        "s",
        csv,
        raw_csv,
        "≤ 2 s at 100k, linear",
    );
    let xlsx = median(runs, || {
        app.export(&ev, ExportFormat::Xlsx, &e_xlsx, Lang::Fr)
    })
    .await;
    let raw_xlsx = median(runs, || raw_export(&pool, &r_xlsx, true)).await;
    report(
        size,
        "export-xlsx",
        "raw SELECT → XLSX",
        "s",
        xlsx,
        raw_xlsx,
        "≤ 2 s at 100k, linear",
    );

    // Figures.
    let runs = runs * 3;
    let stats = median(runs, || app.stats(&ev)).await;
    let raw_stats = median(runs, || async {
        let e = Uuid::parse_str(&ev).unwrap();
        let r: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM registration WHERE event_id = ? AND status = 'active'",
        )
        .bind(e)
        .fetch_one(&pool)
        .await
        .unwrap();
        let c: i64 = sqlx::query_scalar(
            "SELECT count(DISTINCT visitor_id) FROM checkin WHERE event_id = ? AND session_id IS NULL AND direction = 'in' AND voided = 0",
        )
        .bind(e)
        .fetch_one(&pool)
        .await
        .unwrap();
        r + c
    })
    .await;
    report(
        size,
        "stats",
        "raw counts",
        "ms",
        stats,
        raw_stats,
        "linear; ≤ 200 ms at 100k",
    );

    // The registrations list.
    let raw_page = median(runs, || async {
        sqlx::query(
            "SELECT * FROM visitor v ORDER BY v.last_name COLLATE NOCASE, v.first_name COLLATE NOCASE, v.rowid LIMIT 100",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .len()
    })
    .await;
    let default = RegistrationFilter::default();
    let first = median(runs, || app.registrations(&ev, &default)).await;
    report(
        size,
        "registrations-first-page",
        "raw page of visitors",
        "ms",
        first,
        raw_page,
        "≤ 50 ms",
    );
    let arrived = RegistrationFilter {
        show: RegistrationShow::Arrived,
        sort: RegistrationSort::Arrival,
        ..Default::default()
    };
    let filtered = RegistrationFilter {
        query: "mar".into(),
        ..Default::default()
    };
    let sorted = median(runs, || async {
        (
            app.registrations(&ev, &arrived).await.unwrap().total,
            app.registrations(&ev, &filtered).await.unwrap().total,
        )
    })
    .await
        / 2;
    report(
        size,
        "registrations-sorted-page",
        "raw page of visitors",
        "ms",
        sorted,
        raw_page,
        "≤ 200 ms",
    );

    // Duplicates.
    let raw_dups = median(runs, || async {
        sqlx::query(
            "SELECT count(*) AS n FROM (SELECT name_key FROM visitor WHERE name_key <> '' GROUP BY name_key HAVING count(*) > 1)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
        .get::<i64, _>("n")
    })
    .await;
    let dups = median(runs, || app.duplicate_count(None)).await;
    let count = app.duplicate_count(None).await.unwrap();
    eprintln!("{size} people: {count} duplicate pairs proposed");
    report(
        size,
        "duplicates-count",
        "raw count of shared names",
        "ms",
        dups,
        raw_dups,
        "off the desk's path",
    );
    let page = median(runs, || app.duplicate_page(None, 0, 20)).await;
    report(
        size,
        "duplicates-page",
        "raw count of shared names",
        "ms",
        page,
        raw_dups,
        "≤ 1 s",
    );
    if std::env::var_os("ESCALE_BENCH_KEEP").is_some() {
        drop(app);
        let _ = dir.keep();
    }
}

/// The demo event of `size` people, 1 % of them checked into a session, 100 merges.
async fn fill(app: &Escale, size: usize) -> String {
    let t = Instant::now();
    let demo = app.demo(size, 0.3, 42).await.unwrap();
    let ev = demo.event.id.to_string();
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM visitor ORDER BY rowid")
        .fetch_all(app.store().pool())
        .await
        .unwrap();
    let session = app.sessions(&ev).await.unwrap()[0].id.to_string();
    for id in ids.iter().step_by(100).take(2_000) {
        app.check_in(
            &ev,
            CheckInTarget::Visitor(id.to_string()),
            Some(&session),
            Method::Cli,
        )
        .await
        .unwrap();
    }
    for pair in ids.chunks(2).skip(7).step_by(ids.len() / 200).take(100) {
        app.merge(&pair[1].to_string(), &pair[0].to_string())
            .await
            .unwrap();
    }
    eprintln!(
        "{size} people: filled in {:.1} s ({} ops)",
        t.elapsed().as_secs_f64(),
        demo.ops
    );
    ev
}

/// The baseline: every visitor row as `sqlite3 -csv` would print it (each
/// registry column as text, the id in hex), or the same cells in an XLSX
/// sheet by the same writer.
async fn raw_export(pool: &sqlx::SqlitePool, path: &std::path::Path, xlsx: bool) {
    let cols: Vec<String> = escale_core::model::Entity::Visitor
        .fields()
        .iter()
        .map(|f| format!("CAST({} AS TEXT)", f.name))
        .collect();
    let sql = format!("SELECT hex(id), {} FROM visitor", cols.join(", "));
    let rows = sqlx::query(&sql).fetch_all(pool).await.unwrap();
    let cells = |r: &sqlx::sqlite::SqliteRow| -> Vec<String> {
        (0..r.len())
            .map(|i| r.get::<Option<String>, _>(i).unwrap_or_default())
            .collect()
    };
    if xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in cells(r).iter().enumerate() {
                ws.write_string(i as u32, c as u16, v).unwrap();
            }
        }
        wb.save(path).unwrap();
    } else {
        let mut w = csv::Writer::from_path(path).unwrap();
        for r in &rows {
            w.write_record(cells(r)).unwrap();
        }
        w.flush().unwrap();
    }
}

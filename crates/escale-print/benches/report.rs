//! Partner reports at scale, each against a baseline measured in the same
//! run, so that a report that grows worse than linearly shows on the charts
//! (`docs/benchmarks/report-*.svg`).
//!
//! `cargo bench -p escale-print --bench report -- [size …]` (default: 10000
//! 100000). For each size N, a year of a stand's activity: N people made by
//! `Escale::demo` (30 % of them arrived at today's demo event, 60 % of those
//! helped), then 48 weekly job-search days of this year received as another
//! laptop's log (`Store::ingest_wire`, check-ins stamped on their day) up to
//! 3 N visits in all, and help entries up to 2 N (70 % about a person, the
//! rest anonymous), then 100 merges so that the figures go through merge
//! roots — at 100,000 people: 300,000 visits and 200,000 help entries, the
//! issue's yearly report. Then, for the demo event and for the whole year:
//!
//! - `report-compute`: `Escale::report` (every figure and breakdown), against
//!   the raw reads a hand-written report would make: the event's arrivals,
//!   the arrived people's situation, birth year and commune counted by
//!   `GROUP BY`, the help entries counted by theme — no merge roots, no
//!   age bands, no previous period;
//! - `report-pdf`, `report-xlsx`, `report-csv`: the partner file written by
//!   `escale_print::report::write` (compute, suppress small counts, render,
//!   save atomically), against `report-compute` in the same run: the ratio is
//!   what writing the file adds;
//! - `report-coop`: la Coop's activity file (one row per activity), against
//!   a raw `SELECT` of the mediation table written as CSV.
//!
//! Targets (issue 12): a report's figures in ≤ 1 s and its PDF in ≤ 3 s at
//! 100,000 people. Results are printed as Markdown rows for
//! docs/benchmarks.md and recorded with `escale_testkit::bench::record`.

use chrono::{Datelike, NaiveDate};
use escale_core::app::EventInput;
use escale_core::hlc::Hlc;
use escale_core::model::EventKind;
use escale_core::report::export::ReportFormat;
use escale_core::report::ReportQuery;
use escale_core::{Escale, Lang};
use escale_protocol::wire::WireOp;
use escale_testkit::bench::record;
use serde_json::json;
use sqlx::Row;
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Ops received per page at least (a day's ops are received together).
const PAGE: usize = 5_000;

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
    println!("| people | scope | scenario | escale | baseline | ratio | target |");
    println!("|---|---|---|---|---|---|---|");
    for size in sizes {
        rt.block_on(run(size));
    }
}

/// The median wall time of `runs` runs of `f`.
async fn median<F, Fut, T>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f().await);
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// Prints a row and records the two points (milliseconds).
fn report(
    size: usize,
    scope: &str,
    scenario: &str,
    baseline: &str,
    e: Duration,
    b: Duration,
    target: &str,
) {
    let (e, b) = (e.as_secs_f64() * 1e3, b.as_secs_f64() * 1e3);
    println!(
        "| {size} | {scope} | {scenario} | {e:.0} ms | {b:.0} ms ({baseline}) | {:.1}× | {target} |",
        e / b.max(1e-6)
    );
    let name = format!("{scenario}-{scope}");
    record(&name, "escale", "people", size as u64, "ms", e);
    record(&name, baseline, "people", size as u64, "ms", b);
}

async fn run(size: usize) {
    // `ESCALE_BENCH_KEEP=1` keeps the store filled; `ESCALE_BENCH_REUSE=DIR`
    // measures again on a kept one (same size) without filling it.
    let reuse = std::env::var_os("ESCALE_BENCH_REUSE").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let app = Escale::open(reuse.as_deref().unwrap_or(dir.path()))
        .await
        .unwrap();
    let ev = if reuse.is_some() {
        let demo = app.events().await.unwrap();
        let demo = demo.iter().find(|e| e.series.as_deref() == Some("demo"));
        demo.unwrap().id.to_string()
    } else {
        app.init("Bench", "bench").await.unwrap();
        fill(&app, size).await
    };
    if std::env::var_os("ESCALE_BENCH_KEEP").is_some() {
        eprintln!("{size} people: data kept in {}", dir.path().display());
    }
    let pool = app.store().pool().clone();
    let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM mediation")
        .fetch_one(&pool)
        .await
        .unwrap();
    eprintln!("{size} people: {entries} help entries");
    let year = chrono::Local::now().format("%Y").to_string();
    let runs = 3;
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();

    for (scope, query) in [
        (
            "event",
            ReportQuery {
                event_id: Some(ev.clone()),
                ..Default::default()
            },
        ),
        (
            "year",
            ReportQuery {
                from: Some(format!("{year}-01-01")),
                to: Some(format!("{year}-12-31")),
                ..Default::default()
            },
        ),
    ] {
        let compute = median(runs, || app.report(&query)).await;
        let raw = median(runs, || raw_report(&pool, &ev)).await;
        report(
            size,
            scope,
            "report-compute",
            "raw GROUP BYs",
            compute,
            raw,
            "≤ 1 s at 100k",
        );
        for (format, name, target) in [
            (ReportFormat::Pdf, "report-pdf", "≤ 3 s at 100k"),
            (ReportFormat::Xlsx, "report-xlsx", "≤ 3 s at 100k"),
            (ReportFormat::Csv, "report-csv", "≤ 3 s at 100k"),
        ] {
            let dest = out.join(format!("{name}-{scope}"));
            let t = median(runs, || {
                escale_print::report::write(&app, &query, format, &dest, Lang::Fr)
            })
            .await;
            report(size, scope, name, "its figures alone", t, compute, target);
        }
        let dest = out.join(format!("coop-{scope}.csv"));
        let coop = median(runs, || {
            escale_print::report::write(&app, &query, ReportFormat::Coop, &dest, Lang::Fr)
        })
        .await;
        let raw_dest = out.join("raw-coop.csv");
        let raw_coop = median(runs, || raw_coop(&pool, &raw_dest)).await;
        report(
            size,
            scope,
            "report-coop",
            "raw SELECT → CSV",
            coop,
            raw_coop,
            "linear",
        );
    }
    let pdf = std::fs::metadata(out.join("report-pdf-year"))
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!("{size} people: the year's PDF is {} KB", pdf / 1024);
    if std::env::var_os("ESCALE_BENCH_KEEP").is_some() {
        drop(app);
        let _ = dir.keep();
    }
}

/// A year of activity for `size` people (module doc); the demo event's id.
async fn fill(app: &Escale, size: usize) -> String {
    let t = Instant::now();
    let demo = app.demo(size, 0.3, 42).await.unwrap();
    let pool = app.store().pool().clone();
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM visitor ORDER BY rowid")
        .fetch_all(&pool)
        .await
        .unwrap();
    // 48 weekly days of this year, Tuesdays from the first one.
    let year: i32 = chrono::Local::now()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap();
    let first = (1..=7)
        .map(|d| NaiveDate::from_ymd_opt(year, 1, d).unwrap())
        .find(|d| d.weekday() == chrono::Weekday::Tue)
        .unwrap();
    let mut days = vec![];
    for w in 0..48 {
        let day = first + chrono::Days::new(7 * w);
        let ev = app
            .create_event(&EventInput {
                kind: Some(EventKind::Workshop),
                title: format!("Atelier recherche d’emploi n° {}", w + 1),
                place: "Médiathèque".into(),
                timezone: None,
                starts_at: format!("{day} 09:00"),
                ends_at: format!("{day} 17:00"),
                series: Some("ateliers".into()),
                coworking: None,
            })
            .await
            .unwrap();
        days.push((ev.id, day));
    }
    let arrived: i64 = sqlx::query_scalar("SELECT count(*) FROM checkin")
        .fetch_one(&pool)
        .await
        .unwrap();
    let helped: i64 = sqlx::query_scalar("SELECT count(*) FROM mediation")
        .fetch_one(&pool)
        .await
        .unwrap();
    let visits = (3 * size).saturating_sub(arrived as usize);
    let entries = (2 * size).saturating_sub(helped as usize);

    // Another laptop's log: for each day, its check-ins then its help, each
    // op one millisecond after the last from 09:00 UTC that day. Visit j is
    // person 7919 j mod N at day j mod 48: no pair comes twice below 3 N.
    let origin = Uuid::now_v7();
    let mut page = Vec::with_capacity(PAGE);
    let mut seq = 0i64;
    let mediator = "Portable atelier";
    for (d, (ev, day)) in days.iter().enumerate() {
        let mut ms = day
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let mut push = |kind: &str, subject: Uuid, body: serde_json::Value| {
            seq += 1;
            ms += 1;
            page.push(WireOp {
                id: Uuid::now_v7(),
                origin,
                seq,
                hlc: Hlc::new(ms, 0).0,
                kind: kind.into(),
                subject: Some(subject),
                body: Some(body),
            });
        };
        for j in (d..visits).step_by(days.len()) {
            let v = ids[(7919 * j) % ids.len()];
            push(
                "checkin",
                v,
                json!({"kind": "check_in", "event_id": ev, "visitor_id": v, "direction": "in", "method": "scan"}),
            );
        }
        for k in (d..entries).step_by(days.len()) {
            let id = Uuid::now_v7();
            let at = format!("{day}T{:02}:{:02}:00+01:00", 9 + k % 8, k % 60);
            let themes = [
                "job_integration",
                "procedures",
                "email",
                "office",
                "navigation",
            ][k % 5];
            let minutes = [15, 30, 30, 45, 60, 90][k % 6];
            let autonomy = ["accompanied", "partly", "autonomous"][k % 3];
            push(
                "set.mediation",
                id,
                json!({"kind": "set", "entity": "mediation", "id": id, "fields": {
                    "at": at, "minutes": minutes, "themes": themes, "autonomy": autonomy,
                    "equipment": "computer", "place_kind": "site", "event_id": ev, "mediator": mediator}}),
            );
            if k % 10 < 7 {
                let v = ids[(7919 * k) % ids.len()];
                push(
                    "set.mediation",
                    v,
                    json!({"kind": "set", "entity": "mediation", "id": id, "fields": {"visitor_id": v, "note": null}}),
                );
            }
        }
        if page.len() >= PAGE || d == days.len() - 1 {
            app.store()
                .ingest_wire(std::mem::take(&mut page))
                .await
                .unwrap();
        }
    }
    for pair in ids.chunks(2).skip(7).step_by(ids.len() / 200).take(100) {
        app.merge(&pair[1].to_string(), &pair[0].to_string())
            .await
            .unwrap();
    }
    eprintln!(
        "{size} people: filled in {:.1} s ({} demo ops, {seq} ops received)",
        t.elapsed().as_secs_f64(),
        demo.ops
    );
    demo.event.id.to_string()
}

/// What a report written by hand in SQL reads: the event's arrivals, the
/// arrived people counted by situation, birth year and commune, the help
/// entries counted by theme with their minutes.
async fn raw_report(pool: &sqlx::SqlitePool, ev: &str) -> usize {
    let e = Uuid::parse_str(ev).unwrap();
    let arrived = "SELECT visitor_id FROM checkin WHERE event_id = ? AND session_id IS NULL AND direction = 'in' AND voided = 0";
    let mut n = sqlx::query(arrived)
        .bind(e)
        .fetch_all(pool)
        .await
        .unwrap()
        .len();
    for column in ["situation", "birth_year", "commune_code"] {
        let sql = format!(
            "SELECT {column}, count(*) FROM visitor WHERE id IN ({arrived}) GROUP BY {column}"
        );
        n += sqlx::query(&sql)
            .bind(e)
            .fetch_all(pool)
            .await
            .unwrap()
            .len();
    }
    n + sqlx::query(
        "SELECT themes, count(*), sum(minutes) FROM mediation WHERE COALESCE(deleted, 0) = 0 GROUP BY themes",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .len()
}

/// The baseline of la Coop's file: every mediation row as text, as CSV.
async fn raw_coop(pool: &sqlx::SqlitePool, path: &Path) {
    let rows = sqlx::query(
        "SELECT at, minutes, themes, autonomy, referral, equipment, place_kind, commune_code FROM mediation WHERE COALESCE(deleted, 0) = 0",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in &rows {
        let cells: Vec<String> = (0..r.len())
            .map(|i| {
                r.try_get::<Option<String>, _>(i)
                    .ok()
                    .flatten()
                    .or_else(|| {
                        r.try_get::<Option<i64>, _>(i)
                            .ok()
                            .flatten()
                            .map(|n| n.to_string())
                    })
                    .unwrap_or_default()
            })
            .collect();
        w.write_record(cells).unwrap();
    }
    w.flush().unwrap();
}

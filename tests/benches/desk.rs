//! WebDriver benchmarks of the real desktop app: the built `escale-desktop`
//! on a private Xvfb display, driven through tauri-driver as in
//! tests/tests/desk.rs, on an event with 100,000 visitors and, as a baseline
//! in the same run, on an empty event.
//!
//! ```text
//! npm --prefix ui run build && cargo build -p escale-desktop -p escale-cli
//! cargo bench -p escale-tests --bench desk
//! ```
//!
//! It measures what staff feel:
//!
//! - **cold start**: from asking tauri-driver for a session (which spawns the
//!   app) to the desk's search box being present and enabled, on the event
//!   chosen last time (median of 3 starts, and the first one);
//! - **first search**: the first query after the start, timed apart, since
//!   the core builds its in-memory search index then;
//! - **keystroke to results**: a three-letter prefix typed in the search box,
//!   from the last key's `keydown` to the animation frame that paints the
//!   updated results list (50 prefixes; includes the desk's 30 ms debounce);
//! - **scanner code to feedback**: a badge code typed in a burst then Enter,
//!   from Enter's `keydown` to the frame that paints the feedback panel with
//!   the name (50 people, each a first check-in: a write);
//! - **resident memory** of the app's process tree (escale-desktop and the
//!   WebKit web and network processes it starts), `VmRSS` summed, after the
//!   measurements; `Pss` too, which splits shared library pages fairly.
//!
//! Times inside the page are taken by the page itself (`performance.now()`
//! in a `keydown` listener and a `MutationObserver` + `requestAnimationFrame`),
//! so WebDriver's own round trips are not counted. On the empty event the
//! searches find nobody (time to the "no results" message) and the scans are
//! unknown codes (time to the "unknown" panel): the same paths, without data.
//!
//! The binaries measured are the debug builds `make run` starts
//! (`target/debug/`); set `ESCALE_DESKTOP_BIN` and `ESCALE_BIN` to measure
//! others, e.g. release builds. Prints Markdown rows for docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use escale_tests::desktop::Desktop;
use escale_tests::paths;
use escale_tests::webdriver::{keys, Session};
use serde_json::{json, Value};

const VISITORS: usize = 100_000;
const STARTS: usize = 3;
const QUERIES: usize = 50;
const SCANS: usize = 50;
const LOAD: Duration = Duration::from_secs(60);

/// Three-letter prefixes of the demo's first and last names (core demo.rs).
const PREFIXES: [&str; QUERIES] = [
    "elo", "chl", "lea", "man", "cam", "ine", "jad", "lou", "zoe", "len", "mae", "ana", "oce",
    "hel", "fra", "aic", "fat", "yas", "nou", "ame", "sof", "agn", "thu", "nat", "syl", "isa",
    "aur", "emi", "luc", "hug", "the", "enz", "gab", "rap", "jer", "kar", "you", "mou", "ibr",
    "luk", "pio", "ome", "ber", "dub", "rob", "ric", "pet", "dur", "ler", "sim",
];

/// The page-side stopwatch: the latest `keydown`, then the first DOM change
/// for which `want()` holds and the animation frame after it.
const INSTRUMENT: &str = r#"
const s = (window.__bench = window.__bench || { key: 0, hit: 0, frame: 0, want: null, prev: null });
if (!s.installed) {
  s.installed = true;
  document.addEventListener('keydown', () => { s.key = performance.now(); s.hit = 0; s.frame = 0; }, true);
  new MutationObserver(() => {
    if (!s.want || s.hit) return;
    if (s.want()) {
      s.hit = performance.now();
      requestAnimationFrame(() => { s.frame = performance.now(); });
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}
"#;

struct Scenario {
    name: &'static str,
    visitors: usize,
    dir: PathBuf,
}

#[derive(Default)]
struct Figures {
    starts_ms: Vec<f64>,
    stats_ms: Vec<f64>,
    /// The first search after the start (the core builds its index then).
    first_search_ms: f64,
    search_ms: Vec<f64>,
    scan_ms: Vec<f64>,
    /// (process, VmRSS KiB, Pss KiB), after the start and after the work.
    memory_at_start_kib: Vec<(String, u64, u64)>,
    memory_kib: Vec<(String, u64, u64)>,
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported.
    if !Desktop::available("desk benchmarks") {
        return;
    }
    let app = binary("escale-desktop");
    let cli = binary("escale");
    for b in [&app, &cli] {
        assert!(
            b.is_file(),
            "{} is missing: npm --prefix ui run build && cargo build -p escale-desktop -p escale-cli",
            b.display()
        );
    }
    let load_before = load_average();
    let work = tempfile::tempdir().expect("a temporary directory");
    let scenarios = [
        Scenario {
            name: "empty event",
            visitors: 0,
            dir: work.path().join("empty"),
        },
        Scenario {
            name: "100,000 visitors",
            visitors: VISITORS,
            dir: work.path().join("big"),
        },
    ];
    let mut events = vec![];
    for s in &scenarios {
        let started = Instant::now();
        events.push(prepare(&cli, s));
        eprintln!(
            "prepared {} with the CLI in {:.1} s",
            s.name,
            started.elapsed().as_secs_f64()
        );
    }
    // Badge codes of 50 different people of the big event (first check-ins).
    let codes = badge_codes(&cli, &scenarios[1].dir, &events[1]);

    let desktop = Desktop::start_app(app.clone()).expect("Xvfb and tauri-driver start");
    let mut all = vec![];
    for s in &scenarios {
        eprintln!("measuring {}…", s.name);
        all.push(measure(&desktop, s, &codes));
    }
    drop(desktop);
    let load_after = load_average();

    println!();
    println!(
        "Desk benchmarks through WebDriver — {} ({}), {} CPUs, load average {} before / {} after",
        app.display(),
        if app.to_string_lossy().contains("/release/") {
            "release build"
        } else {
            "debug build"
        },
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        load_before,
        load_after
    );
    println!();
    println!(
        "| measure (desk app, WebDriver) | target | {} | {} |",
        scenarios[0].name, scenarios[1].name
    );
    println!("|---|---|---|---|");
    let row = |what: &str, target: &str, f: &dyn Fn(&Figures) -> String| {
        println!("| {what} | {target} | {} | {} |", f(&all[0]), f(&all[1]));
    };
    row(
        "cold start to a usable desk (median of 3; first)",
        "≤ 2 s",
        &|f| {
            format!(
                "{:.2} s; {:.2} s",
                median(&f.starts_ms) / 1000.0,
                f.starts_ms[0] / 1000.0
            )
        },
    );
    row("cold start to the counters filled (median)", "—", &|f| {
        format!("{:.2} s", median(&f.stats_ms) / 1000.0)
    });
    row(
        "first search after the start (the search index is built)",
        "—",
        &|f| format!("{:.0} ms", f.first_search_ms),
    );
    row(
        "keystroke to results, 3-letter prefix (p50 / p99 / max, 50 queries)",
        "≤ 100 ms",
        &|f| spread(&f.search_ms),
    );
    row(
        "scanner code + Enter to feedback (p50 / p99 / max, 50 scans)",
        "≤ 150 ms",
        &|f| spread(&f.scan_ms),
    );
    row(
        "resident memory of the app's process tree after the work (VmRSS sum)",
        "≤ 300 MB",
        &|f| memory_cell(&f.memory_kib, |(_, rss, _)| *rss),
    );
    row(
        "same, proportional set size (Pss sum: shared pages split)",
        "—",
        &|f| memory_cell(&f.memory_kib, |(_, _, pss)| *pss),
    );
    row(
        "VmRSS right after the start, before any search",
        "—",
        &|f| memory_cell(&f.memory_at_start_kib, |(_, rss, _)| *rss),
    );
}

/// Initialises a laptop in `s.dir` and creates the demo event; returns its id.
fn prepare(cli: &Path, s: &Scenario) -> String {
    run(
        cli,
        &s.dir,
        &[
            "init",
            "--org",
            "Association Escale",
            "--device",
            "Banc d'essai",
        ],
    );
    let demo = run(
        cli,
        &s.dir,
        &[
            "demo",
            "--visitors",
            &s.visitors.to_string(),
            "--arrived",
            "0",
        ],
    );
    demo["event"]["id"]
        .as_str()
        .expect("demo event id")
        .to_owned()
}

fn badge_codes(cli: &Path, dir: &Path, event_id: &str) -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> = vec![];
    for prefix in PREFIXES {
        let hits = run(
            cli,
            dir,
            &["search", "--event", event_id, prefix, "--limit", "3"],
        );
        for hit in hits.as_array().into_iter().flatten() {
            let v = &hit["visitor"];
            let code = v["badge_code"].as_str().unwrap_or_default().to_owned();
            let name = format!(
                "{} {}",
                v["first_name"].as_str().unwrap_or_default(),
                v["last_name"].as_str().unwrap_or_default()
            );
            if !code.is_empty() && !codes.iter().any(|(c, _)| *c == code) {
                codes.push((code, name));
                break;
            }
        }
    }
    assert!(
        codes.len() >= SCANS,
        "50 badge codes from the demo: got {}",
        codes.len()
    );
    codes.truncate(SCANS);
    codes
}

fn measure(desktop: &Desktop, s: &Scenario, codes: &[(String, String)]) -> Figures {
    let mut figures = Figures::default();

    // Warm-up start: choose the event, so that the next starts open its desk.
    {
        let session = desktop.open(&s.dir).expect("the app starts");
        session
            .wait_for("event-open", LOAD)
            .expect("the demo event is listed");
        session.by_test_id("event-open").unwrap().click().unwrap();
        session
            .wait_for("desk-search", LOAD)
            .expect("the desk opens");
    }
    let mut session = None;
    for _ in 0..STARTS {
        drop(session.take());
        // Let the previous app exit completely before timing the next.
        std::thread::sleep(Duration::from_millis(500));
        let started = Instant::now();
        let app_session: Session = desktop.open(&s.dir).expect("the app starts");
        escale_tests::wait_until_every(LOAD, Duration::from_millis(5), || {
            Ok(match app_session.try_by_test_id("desk-search")? {
                Some(e) if e.is_enabled()? => Some(()),
                _ => None,
            })
        })
        .expect("the desk's search box appears");
        figures
            .starts_ms
            .push(started.elapsed().as_secs_f64() * 1000.0);
        app_session
            .wait_for_text("counter-expected", LOAD, |t| t != "—" && !t.is_empty())
            .expect("the counters fill in");
        figures
            .stats_ms
            .push(started.elapsed().as_secs_f64() * 1000.0);
        session = Some(app_session);
    }
    let session = session.expect("a session is open");
    std::thread::sleep(Duration::from_millis(500));
    figures.memory_at_start_kib = memory(desktop);
    session
        .execute(INSTRUMENT, json!([]))
        .expect("the stopwatch installs");
    let search_box = || session.by_test_id("desk-search").expect("the search box");

    // Keystroke to results: a first, untimed-by-the-percentiles search
    // ("zzz", in neither list), then the 50 prefixes.
    for (i, prefix) in std::iter::once("zzq").chain(PREFIXES).enumerate() {
        search_box().send_keys(keys::ESCAPE).unwrap();
        escale_tests::wait_until_every(LOAD, Duration::from_millis(5), || {
            Ok((session.try_by_test_id("desk-result")?.is_none()
                && session.try_by_test_id("desk-no-results")?.is_none())
            .then_some(()))
        })
        .expect("Escape clears the results");
        session
            .execute(
                "const s = window.__bench; s.hit = 0; s.frame = 0;
                 s.want = () => document.querySelector('[data-testid=\"desk-result\"]')
                   || document.querySelector('[data-testid=\"desk-no-results\"]');",
                json!([]),
            )
            .unwrap();
        search_box().send_keys(prefix).unwrap();
        let ms = stopwatch(&session);
        if i == 0 {
            figures.first_search_ms = ms;
            continue;
        }
        if ms > 100.0 {
            eprintln!("  slow search {prefix:?}: {ms:.0} ms");
        }
        figures.search_ms.push(ms);
        if s.visitors > 0 {
            assert!(
                session.try_by_test_id("desk-result").unwrap().is_some(),
                "{prefix:?} finds people in the demo event"
            );
        }
    }
    search_box().send_keys(keys::ESCAPE).unwrap();

    // Scanner code + Enter to feedback.
    for (code, name) in codes {
        session
            .execute(
                "const s = window.__bench; s.hit = 0; s.frame = 0;
                 s.prev = document.querySelector('[data-testid=\"desk-feedback\"]');
                 s.want = () => { const p = document.querySelector('[data-testid=\"desk-feedback\"]');
                   return p && p !== s.prev && p.dataset.kind !== 'idle'; };",
                json!([]),
            )
            .unwrap();
        search_box()
            .send_keys(&format!("{code}{}", keys::ENTER))
            .unwrap();
        let ms = stopwatch(&session);
        if ms > 150.0 {
            eprintln!("  slow scan {code}: {ms:.0} ms");
        }
        figures.scan_ms.push(ms);
        let panel = session.by_test_id("desk-feedback").unwrap();
        let kind = panel.attribute("data-kind").unwrap().unwrap_or_default();
        let text = panel.text().unwrap();
        if s.visitors > 0 {
            assert!(
                kind == "welcome" && text.contains(name.as_str()),
                "scanning {code} welcomes {name}: {kind} {text:?}"
            );
        } else {
            assert_eq!(
                kind, "unknown",
                "in the empty event {code} is unknown: {text:?}"
            );
        }
    }

    // Memory after the work.
    std::thread::sleep(Duration::from_millis(500));
    figures.memory_kib = memory(desktop);
    drop(session);
    figures
}

/// Waits for the page's stopwatch to stop; milliseconds from the last
/// keydown to the frame that paints the change.
fn stopwatch(session: &Session) -> f64 {
    escale_tests::wait_until_every(LOAD, Duration::from_millis(5), || {
        let v = session.execute(
            "const s = window.__bench; return s.frame ? [s.key, s.hit, s.frame] : null;",
            json!([]),
        )?;
        Ok(v.as_array()
            .map(|a| a[2].as_f64().unwrap_or(0.0) - a[0].as_f64().unwrap_or(0.0)))
    })
    .expect("the page reacts")
}

fn run(cli: &Path, dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(cli)
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", cli.display()));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "escale {args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(doc["ok"], true, "escale {args:?} failed: {doc}");
    doc["data"].clone()
}

/// `<NAME>_BIN` when set, else the debug build in the same target directory.
fn binary(name: &str) -> PathBuf {
    let var = format!("{}_BIN", name.replace('-', "_").to_uppercase());
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let profile = paths::profile_dir();
    profile
        .parent()
        .map(|target| target.join("debug"))
        .unwrap_or(profile)
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn memory(desktop: &Desktop) -> Vec<(String, u64, u64)> {
    desktop
        .app_processes()
        .into_iter()
        .map(|(pid, name, rss)| (name, rss, pss_kib(pid)))
        .collect()
}

/// `Pss` of a process from /proc/PID/smaps_rollup, in KiB (0 when unknown).
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split(' ').next().map(str::to_owned))
        .unwrap_or_else(|| String::from("?"))
}

/// "total MB (process MB + …)".
fn memory_cell(
    processes: &[(String, u64, u64)],
    kib: impl Fn(&(String, u64, u64)) -> u64,
) -> String {
    let total: u64 = processes.iter().map(&kib).sum();
    let parts: Vec<String> = processes
        .iter()
        .map(|p| format!("{} {}", p.0, kib(p) / 1024))
        .collect();
    format!("{} MB ({})", total / 1024, parts.join(" + "))
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 50.0)
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn spread(v: &[f64]) -> String {
    format!(
        "{:.0} / {:.0} / {:.0} ms",
        percentile(v, 50.0),
        percentile(v, 99.0),
        v.iter().copied().fold(f64::NAN, f64::max)
    )
}

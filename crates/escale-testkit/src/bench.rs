//! Benchmark results as data, so that `make bench` can draw how each cost
//! grows with size (`docs/benchmarks/*.svg`, drawn by the `bench-charts`
//! binary of this crate).
//!
//! A benchmark calls [`record`] once per measured point: a scenario (one
//! chart), a series (one line: `escale`, or the baseline measured in the
//! same run), the size it was measured at and the value. Points go to
//! `docs/benchmarks/data/<scenario>.jsonl` (or `$ESCALE_BENCH_DATA`), one
//! JSON object per line; a point measured again replaces the previous one
//! of the same series and size, so the file holds the latest run of each.

use std::io::Write;
use std::path::PathBuf;

/// One measured point.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// The chart it belongs to, e.g. `import`, `search-p99`.
    pub scenario: String,
    /// The line on the chart: `escale`, or what the baseline is.
    pub series: String,
    /// What the size counts (`people`, `ops`, `rows`, `devices`).
    pub size_unit: String,
    pub size: u64,
    /// What the value measures (`s`, `ms`, `ops/s`, `MB`).
    pub unit: String,
    pub value: f64,
    /// When and where (filled in by [`record`]).
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub machine: String,
}

/// Where the points are kept.
pub fn data_dir() -> PathBuf {
    std::env::var_os("ESCALE_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/benchmarks/data")
        })
}

/// Records one point (see the module's documentation). A failure to write
/// is reported on stderr, never fatal: the figure is printed anyway.
pub fn record(scenario: &str, series: &str, size_unit: &str, size: u64, unit: &str, value: f64) {
    let point = Point {
        scenario: scenario.into(),
        series: series.into(),
        size_unit: size_unit.into(),
        size,
        unit: unit.into(),
        value,
        date: today(),
        machine: machine(),
    };
    if let Err(e) = write(&point) {
        eprintln!("bench: cannot record {scenario}/{series}/{size}: {e}");
    }
}

/// Every point of a scenario.
pub fn load(scenario: &str) -> std::io::Result<Vec<Point>> {
    let path = data_dir().join(format!("{scenario}.jsonl"));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

fn write(point: &Point) -> std::io::Result<()> {
    let dir = data_dir();
    std::fs::create_dir_all(&dir)?;
    let mut points = load(&point.scenario)?;
    points.retain(|p| !(p.series == point.series && p.size == point.size));
    points.push(point.clone());
    points.sort_by(|a, b| (&a.series, a.size).cmp(&(&b.series, b.size)));
    let path = dir.join(format!("{}.jsonl", point.scenario));
    let tmp = path.with_extension("jsonl.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    for p in &points {
        serde_json::to_writer(&mut f, p)?;
        f.write_all(b"\n")?;
    }
    f.sync_all()?;
    std::fs::rename(tmp, path)
}

fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// "2 vCPU AMD EPYC …, 24 GiB": what a reader needs to compare figures.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown CPU");
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    format!(
        "{cpus} vCPU {model}, {} GiB",
        (mem_kb as f64 / 1024.0 / 1024.0).round()
    )
}

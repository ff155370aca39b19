//! Draws one SVG chart per benchmark scenario from the points recorded by
//! [`escale_testkit::bench::record`]: cost against size on logarithmic
//! axes, one line per series (Escale and its same-run baseline), and for
//! costs (time, memory, size) a dashed line growing linearly from Escale's
//! smallest point — a line steeper than it grows worse than linearly.
//!
//! `cargo run -p escale-testkit --bin bench-charts` (run by `make bench`):
//! reads `docs/benchmarks/data/*.jsonl`, writes `docs/benchmarks/<scenario>.svg`.

use escale_testkit::bench::{data_dir, load, Point};
use std::collections::BTreeMap;
use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 400.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 52.0;
const COLOURS: [&str; 6] = [
    "#0b6e72", "#c8553d", "#6b4e9b", "#8a8a2e", "#2f6fb0", "#a33b6b",
];

fn main() {
    let dir = data_dir();
    let out = dir.parent().map(|p| p.to_path_buf()).unwrap_or(dir.clone());
    let mut scenarios: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".jsonl").map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    scenarios.sort();
    for scenario in scenarios {
        let points = match load(&scenario) {
            Ok(p) if !p.is_empty() => p,
            Ok(_) => continue,
            Err(e) => {
                eprintln!("{scenario}: {e}");
                continue;
            }
        };
        let svg = chart(&scenario, &points);
        let path = out.join(format!("{scenario}.svg"));
        match std::fs::write(&path, svg) {
            Ok(()) => println!("{}", path.display()),
            Err(e) => eprintln!("{}: {e}", path.display()),
        }
    }
}

fn is_cost(unit: &str) -> bool {
    matches!(unit, "s" | "ms" | "µs" | "MB" | "KB" | "GB")
}

/// Nice tick values (1, 2, 5 × 10^k) covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = vec![];
    let mut k = lo.log10().floor() as i32 - 1;
    while 10f64.powi(k) <= hi * 1.0001 {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(k);
            if v >= lo * 0.9999 && v <= hi * 1.0001 {
                out.push(v);
            }
        }
        k += 1;
    }
    if out.len() > 8 {
        out.retain(|v| {
            let m = v / 10f64.powf(v.log10().floor());
            (m - 1.0).abs() < 1e-9
        });
    }
    out
}

fn label(v: f64) -> String {
    if v >= 1e6 && (v / 1e6).fract() == 0.0 {
        format!("{}M", v / 1e6)
    } else if v >= 1e3 && (v / 1e3).fract() == 0.0 {
        format!("{}k", v / 1e3)
    } else if v >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

fn chart(scenario: &str, points: &[Point]) -> String {
    let unit = points[0].unit.clone();
    let size_unit = points[0].size_unit.clone();
    let mut series: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for p in points.iter().filter(|p| p.value > 0.0 && p.size > 0) {
        series
            .entry(p.series.as_str())
            .or_default()
            .push((p.size as f64, p.value));
    }
    for line in series.values_mut() {
        line.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    // Escale first, then the baselines, in name order.
    let mut names: Vec<&str> = series.keys().copied().collect();
    names.sort_by_key(|n| (*n != "escale", *n));
    let xs = series.values().flatten().map(|p| p.0);
    let ys = series.values().flatten().map(|p| p.1);
    let (mut x0, mut x1) = (f64::MAX, f64::MIN);
    for x in xs {
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    let (mut y0, mut y1) = (f64::MAX, f64::MIN);
    for y in ys {
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    // The linear reference from Escale's smallest point.
    let reference = series
        .get("escale")
        .filter(|_| is_cost(&unit))
        .and_then(|l| l.first().copied());
    if let Some((sx, sy)) = reference {
        y1 = y1.max(sy * x1 / sx);
        y0 = y0.min(sy);
    }
    if x0 == x1 {
        x0 /= 2.0;
        x1 *= 2.0;
    }
    let y0 = 10f64.powf(y0.log10().floor());
    let y1 = 10f64.powf(y1.log10().ceil()).max(y0 * 10.0);
    let x0 = 10f64.powf(x0.log10().floor() - 0.0).min(x0) / 1.5;
    let x1 = x1 * 1.5;
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let px = |x: f64| LEFT + (x.log10() - x0.log10()) / (x1.log10() - x0.log10()) * pw;
    let py = |y: f64| TOP + ph - (y.log10() - y0.log10()) / (y1.log10() - y0.log10()) * ph;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="DejaVu Sans, sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r##"<rect width="{W}" height="{H}" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="22" font-size="15" font-weight="bold" fill="#1d2b2c">{}</text>"##,
        esc(scenario)
    );
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="37" fill="#555">{} against {} (log–log)</text>"##,
        esc(&unit),
        esc(&size_unit)
    );
    for t in ticks(y0, y1) {
        let y = py(t);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e4e8e8"/><text x="{}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            label(t)
        );
    }
    for t in ticks(x0, x1) {
        let x = px(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{}" stroke="#e4e8e8"/><text x="{x:.1}" y="{}" text-anchor="middle" fill="#444">{}</text>"##,
            TOP + ph,
            TOP + ph + 16.0,
            label(t)
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle" fill="#333">{}</text>"##,
        LEFT + pw / 2.0,
        H - 12.0,
        esc(&size_unit)
    );
    let _ = writeln!(
        s,
        r##"<text transform="translate(16 {}) rotate(-90)" text-anchor="middle" fill="#333">{}</text>"##,
        TOP + ph / 2.0,
        esc(&unit)
    );
    let mut legend_y = TOP + 8.0;
    if let Some((sx, sy)) = reference {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999" stroke-dasharray="5 4"/>"##,
            px(sx),
            py(sy),
            px(x1 / 1.5),
            py(sy * (x1 / 1.5) / sx)
        );
        legend(&mut s, &mut legend_y, "#999", true, "linear growth");
    }
    for (i, name) in names.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let line = &series[name];
        let path: Vec<String> = line
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.2"/>"#,
            path.join(" ")
        );
        for (x, y) in line {
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>{}: {} {} at {} {}</title></circle>"#,
                px(*x),
                py(*y),
                esc(name),
                label_value(*y),
                esc(&unit),
                label(*x),
                esc(&size_unit)
            );
        }
        legend(&mut s, &mut legend_y, colour, false, name);
    }
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" fill="#777" font-size="10">{}</text>"##,
        LEFT + pw + 12.0,
        H - 12.0,
        esc(&points[0].date)
    );
    s.push_str("</svg>\n");
    s
}

fn label_value(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn legend(s: &mut String, y: &mut f64, colour: &str, dashed: bool, name: &str) {
    let x = W - RIGHT + 12.0;
    let dash = if dashed {
        r#" stroke-dasharray="5 4""#
    } else {
        ""
    };
    let _ = writeln!(
        s,
        r##"<line x1="{x}" x2="{}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2.2"{dash}/><text x="{}" y="{}" fill="#222">{}</text>"##,
        x + 22.0,
        x + 28.0,
        *y + 4.0,
        esc(name)
    );
    *y += 18.0;
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

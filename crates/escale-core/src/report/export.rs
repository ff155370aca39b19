//! A [`Report`] as partners receive it: every count table suppressed
//! ([`super::suppress`]), in one language, as CSV for French Excel or as
//! XLSX (a summary sheet, then one sheet per breakdown). The PDF is drawn
//! from the same [`Published`] by `escale-print`.
//!
//! Also la Coop de la médiation numérique's activity file
//! ([`Escale::coop_activities`]): one row per activity, for the
//! association's own Coop account — no names, and not suppressed (it is
//! not a partner report).
//!
//! Files are written next to their destination and renamed into place; a
//! file's dates come from the data ([`Report::as_of_ms`]), never the clock,
//! so two laptops holding the same data write the same bytes.

use super::compute::{Report, ScopeKind, Table};
use super::suppress::{notice, suppress, Cell, DEFAULT_THRESHOLD};
use crate::error::{Error, Result};
use crate::export::defuse;
use crate::Lang;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// A report's file formats.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Pdf,
    Csv,
    Xlsx,
    /// La Coop de la médiation numérique's activity file (CSV).
    Coop,
}

impl std::str::FromStr for ReportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "pdf" => Ok(ReportFormat::Pdf),
            "csv" => Ok(ReportFormat::Csv),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "coop" => Ok(ReportFormat::Coop),
            other => Err(Error::Invalid {
                field: "format",
                value: other.chars().take(20).collect(),
            }),
        }
    }
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Csv | ReportFormat::Coop => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
    }
}

/// One published entry: what is printed, and the number behind it when it
/// may be shown (a chart draws only those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shown {
    pub text: String,
    pub value: Option<u64>,
}

impl Shown {
    fn of(cell: Cell, threshold: u64) -> Shown {
        Shown {
            text: cell.text(threshold),
            value: match cell {
                Cell::Shown(n) => Some(n),
                _ => None,
            },
        }
    }
}

/// A table as published, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedTable {
    pub key: &'static str,
    pub title: String,
    /// The row label's header, then the count columns (a "Total" column
    /// when a partition table has several), then "Capacity" for sessions.
    pub headers: Vec<String>,
    pub rows: Vec<PublishedRow>,
    /// The totals line of a partition table.
    pub total: Option<Vec<Shown>>,
    pub chart: super::Chart,
    /// Count columns (the first `counts` cells of each row).
    pub counts: usize,
    /// The last cell of each row is a session's capacity.
    pub capacity: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedRow {
    pub label: String,
    pub cells: Vec<Shown>,
}

/// A report as partners receive it, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub lang: Lang,
    pub title: String,
    pub scope_label: String,
    /// "du 1 janvier au 31 décembre 2026" as the report says it.
    pub period: String,
    pub org_name: String,
    /// (label, value) of the main figures.
    pub headline: Vec<(String, Shown)>,
    /// The previous period's figures next to them (period reports).
    pub previous: Option<(String, Vec<Shown>)>,
    pub tables: Vec<PublishedTable>,
    pub notice: String,
    pub threshold: u64,
    /// "Données au 3 décembre 2026" — from the data.
    pub as_of: String,
    pub as_of_ms: i64,
}

fn lang_pick(lang: Lang, fr: &str, en: &str) -> String {
    match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A duration as people read it: "12 h 30", "45 min".
pub fn hours(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// What a headline figure is: people or help (suppressed when small),
/// events (not about people), or minutes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Figure {
    People,
    Events,
    Minutes,
}

/// Which optional parts of the main figures a report prints: the public
/// computers' and the coworking space's, once there is something to count
/// (a previous period is printed with the current one's parts).
#[derive(Clone, Copy)]
struct Parts {
    stations: bool,
    /// Someone on a waiting list was called: there are waits to tell.
    waits: bool,
    cowork: bool,
}

impl Parts {
    fn of(h: &super::Headline) -> Parts {
        Parts {
            stations: h.station_sessions + h.queue_tickets + h.pages_printed > 0,
            waits: h.queue_called > 0,
            cowork: h.cowork_presences > 0,
        }
    }
}

/// The main figures in the order reports print them.
fn headline_rows(h: &super::Headline, lang: Lang, parts: Parts) -> Vec<(String, u64, Figure)> {
    let l = |fr: &str, en: &str| lang_pick(lang, fr, en);
    let mut rows = vec![
        (l("Événements", "Events"), h.events, Figure::Events),
        (
            l("Personnes venues", "Visitors"),
            h.visitors,
            Figure::People,
        ),
        (l("Passages", "Visits"), h.visits, Figure::People),
        (
            l("dont première venue", "of whom first visit"),
            h.new_visitors,
            Figure::People,
        ),
        (l("Inscrits", "Registered"), h.registered, Figure::People),
        (
            l("Pré-inscrits", "Pre-registered"),
            h.pre_registered,
            Figure::People,
        ),
        (
            l("Inscrits sur place", "Walk-ins"),
            h.walk_ins,
            Figure::People,
        ),
        (
            l("Pré-inscrits absents", "No-shows"),
            h.no_shows,
            Figure::People,
        ),
        (
            l("Accompagnements individuels", "Individual help"),
            h.help_entries,
            Figure::People,
        ),
        (
            l("dont sans inscription", "of which anonymous"),
            h.anonymous_help,
            Figure::People,
        ),
        (
            l("Personnes accompagnées", "People helped"),
            h.people_helped,
            Figure::People,
        ),
        (
            l("Temps d’accompagnement", "Time spent helping"),
            h.help_minutes,
            Figure::Minutes,
        ),
        (
            l("Participants aux ateliers", "Workshop participants"),
            h.workshop_participants,
            Figure::People,
        ),
    ];
    if parts.stations {
        rows.extend([
            (
                l("Sessions sur les postes", "Sessions on the computers"),
                h.station_sessions,
                Figure::People,
            ),
            (
                l("Personnes sur les postes", "People on the computers"),
                h.station_people,
                Figure::People,
            ),
            (
                l("Temps sur les postes", "Time on the computers"),
                h.station_minutes,
                Figure::Minutes,
            ),
            (
                l("Tickets d’attente", "Waiting-list tickets"),
                h.queue_tickets,
                Figure::People,
            ),
            (
                l("Partis sans poste", "Left without a computer"),
                h.queue_left,
                Figure::People,
            ),
            (
                l("Pages imprimées", "Pages printed"),
                h.pages_printed,
                Figure::Events,
            ),
        ]);
    }
    if parts.stations && parts.waits {
        rows.extend([
            (
                l("Attente médiane", "Median wait"),
                h.wait_median_minutes,
                Figure::Minutes,
            ),
            (
                l("Attente (90e centile)", "Wait (90th percentile)"),
                h.wait_p90_minutes,
                Figure::Minutes,
            ),
        ]);
    }
    if parts.cowork {
        rows.extend([
            (
                l("Présences au coworking", "Coworking presence"),
                h.cowork_presences,
                Figure::People,
            ),
            (l("Coworkers", "Coworkers"), h.coworkers, Figure::People),
            (
                l(
                    "Coworkers au plus un même jour",
                    "Most coworkers on one day",
                ),
                h.cowork_peak,
                Figure::People,
            ),
        ]);
    }
    rows
}

/// The main figures as printed, counts below `threshold` hidden (0: none).
pub fn headline_texts(h: &super::Headline, lang: Lang, threshold: u64) -> Vec<(String, Shown)> {
    headline_rows(h, lang, Parts::of(h))
        .into_iter()
        .map(|(l, n, figure)| (l, headline_cell(n, figure, threshold)))
        .collect()
}

/// A headline figure: a count is hidden when small; a duration is shown.
fn headline_cell(n: u64, figure: Figure, threshold: u64) -> Shown {
    match figure {
        Figure::People => primary(n, threshold),
        Figure::Events => Shown {
            text: n.to_string(),
            value: Some(n),
        },
        Figure::Minutes => Shown {
            text: hours(n),
            value: None,
        },
    }
}

/// A count alone (a headline figure): hidden when small.
fn primary(n: u64, threshold: u64) -> Shown {
    let cell = if n > 0 && n < threshold {
        Cell::Small
    } else {
        Cell::Shown(n)
    };
    Shown::of(cell, threshold)
}

/// "janvier" / "January" (1 to 12).
pub fn month_name(m: u32, lang: Lang) -> &'static str {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = (m.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Fr => FR[i],
        Lang::En => EN[i],
    }
}

/// `2026-12-03` → "3 décembre 2026" / "3 December 2026".
pub fn long_date(iso: &str, lang: Lang) -> String {
    use chrono::Datelike;
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => {
            let day = if lang == Lang::Fr && d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!("{day} {} {}", month_name(d.month(), lang), d.year())
        }
        Err(_) => iso.to_string(),
    }
}

fn period_text(from: &str, to: &str, lang: Lang) -> String {
    if from == to {
        return match lang {
            Lang::Fr => format!("le {}", long_date(from, lang)),
            Lang::En => format!("on {}", long_date(from, lang)),
        };
    }
    match lang {
        Lang::Fr => format!("du {} au {}", long_date(from, lang), long_date(to, lang)),
        Lang::En => format!("from {} to {}", long_date(from, lang), long_date(to, lang)),
    }
}

/// A period as a report names it: "Décembre 2026", "2e trimestre 2026",
/// "Année 2026", else "Du 3 au 17 novembre 2026"-style dates.
pub fn period_name(from: &str, to: &str, lang: Lang) -> String {
    use chrono::Datelike;
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (Some(f), Some(t)) = (parse(from), parse(to)) else {
        return format!("{from} – {to}");
    };
    let month_end = |d: chrono::NaiveDate| d.succ_opt().is_none_or(|n| n.day() == 1);
    if f.day() == 1 && month_end(t) && f.year() == t.year() {
        let months = t.month() - f.month() + 1;
        if months == 12 {
            return match lang {
                Lang::Fr => format!("Année {}", f.year()),
                Lang::En => format!("Year {}", f.year()),
            };
        }
        if months == 3 && (f.month() - 1) % 3 == 0 {
            let q = (f.month() - 1) / 3 + 1;
            return match lang {
                Lang::Fr => format!(
                    "{q}{} trimestre {}",
                    if q == 1 { "er" } else { "e" },
                    f.year()
                ),
                Lang::En => format!("Q{q} {}", f.year()),
            };
        }
        if months == 1 {
            let name = month_name(f.month(), lang);
            let mut c = name.chars();
            let cap: String = c
                .next()
                .map(|x| x.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            return format!("{cap} {}", f.year());
        }
    }
    let text = period_text(from, to, lang);
    let mut c = text.chars();
    c.next()
        .map(|x| x.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Suppresses and lays out one table.
fn publish_table(t: &Table, lang: Lang, threshold: u64) -> PublishedTable {
    let counts = t.columns.len();
    let with_capacity = t.rows.iter().any(|r| r.capacity.is_some());
    let row_totals = t.partition && counts > 1;
    let mut headers = vec![t.title.get(lang).to_string()];
    headers.extend(t.columns.iter().map(|c| c.get(lang).to_string()));
    if row_totals {
        headers.push(lang_pick(lang, "Total", "Total"));
    }
    if with_capacity {
        headers.push(lang_pick(lang, "Capacité", "Capacity"));
    }
    let matrix: Vec<Vec<u64>> = t.rows.iter().map(|r| r.counts.clone()).collect();
    let (cells, rtot, ctot, total) = if t.partition {
        let p = suppress(&matrix, threshold);
        (
            p.cells,
            Some(p.row_totals),
            Some(p.col_totals),
            Some(p.total),
        )
    } else {
        let cells = matrix
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&n| {
                        if n > 0 && n < threshold {
                            Cell::Small
                        } else {
                            Cell::Shown(n)
                        }
                    })
                    .collect()
            })
            .collect();
        (cells, None, None, None)
    };
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut out: Vec<Shown> = cells[i].iter().map(|c| Shown::of(*c, threshold)).collect();
            if row_totals {
                if let Some(rt) = &rtot {
                    out.push(Shown::of(rt[i], threshold));
                }
            }
            if with_capacity {
                out.push(Shown {
                    text: r.capacity.map(|c| c.to_string()).unwrap_or_default(),
                    value: None,
                });
            }
            PublishedRow {
                label: r.label.get(lang).to_string(),
                cells: out,
            }
        })
        .collect();
    let total = match (ctot, total) {
        (Some(ct), Some(total)) if !t.rows.is_empty() => {
            let mut line: Vec<Shown> = ct.iter().map(|c| Shown::of(*c, threshold)).collect();
            if row_totals {
                line.push(Shown::of(total, threshold));
            }
            Some(line)
        }
        _ => None,
    };
    PublishedTable {
        key: t.key,
        title: t.title.get(lang).to_string(),
        headers,
        rows,
        total,
        chart: t.chart,
        counts,
        capacity: with_capacity,
    }
}

/// The report as partners receive it: every count below `threshold`
/// hidden, with secondary suppression in every table that adds up.
pub fn publish(report: &Report, org_name: &str, lang: Lang, threshold: u64) -> Published {
    let threshold = threshold.max(2);
    let kind = match (report.scope.kind, lang) {
        (ScopeKind::Event, Lang::Fr) => "Bilan de l’événement",
        (ScopeKind::Event, Lang::En) => "Event report",
        (ScopeKind::Series, Lang::Fr) => "Bilan de la série",
        (ScopeKind::Series, Lang::En) => "Series report",
        (ScopeKind::Period, Lang::Fr) => "Bilan d’activité",
        (ScopeKind::Period, Lang::En) => "Activity report",
    };
    let headline = headline_texts(&report.headline, lang, threshold);
    let previous = report.previous.as_ref().map(|p| {
        let label = match (&report.previous_from, &report.previous_to) {
            (Some(f), Some(t)) => period_name(f, t, lang),
            _ => String::new(),
        };
        (
            label,
            headline_rows(p, lang, Parts::of(&report.headline))
                .into_iter()
                .map(|(_, n, count)| headline_cell(n, count, threshold))
                .collect(),
        )
    });
    let as_of_day = chrono::DateTime::from_timestamp_millis(report.as_of_ms)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default();
    Published {
        lang,
        title: kind.to_string(),
        scope_label: if report.scope.kind == ScopeKind::Period {
            period_name(&report.scope.from, &report.scope.to, lang)
        } else {
            report.scope.label.clone()
        },
        period: period_text(&report.scope.from, &report.scope.to, lang),
        org_name: org_name.to_string(),
        headline,
        previous,
        tables: report
            .tables
            .iter()
            .filter(|t| !t.rows.is_empty())
            .map(|t| publish_table(t, lang, threshold))
            .collect(),
        notice: notice(lang, threshold),
        threshold,
        as_of: if report.as_of_ms > 0 {
            match lang {
                Lang::Fr => format!("Données au {}", long_date(&as_of_day, lang)),
                Lang::En => format!("Data as of {}", long_date(&as_of_day, lang)),
            }
        } else {
            lang_pick(lang, "Aucune donnée", "No data")
        },
        as_of_ms: report.as_of_ms,
    }
}

/// The text lines of a published report, as CSV and the summary sheet lay them out.
fn csv_lines(p: &Published) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = vec![
        vec![p.title.clone(), p.scope_label.clone()],
        vec![p.org_name.clone(), p.period.clone()],
        vec![p.as_of.clone()],
        vec![p.notice.clone()],
        vec![],
    ];
    let mut head = vec![
        lang_pick(p.lang, "Chiffres clés", "Key figures"),
        String::new(),
    ];
    if let Some((label, _)) = &p.previous {
        head.push(label.clone());
    }
    lines.push(head);
    for (i, (label, v)) in p.headline.iter().enumerate() {
        let mut line = vec![label.clone(), v.text.clone()];
        if let Some((_, prev)) = &p.previous {
            line.push(prev[i].text.clone());
        }
        lines.push(line);
    }
    for t in &p.tables {
        lines.push(vec![]);
        lines.push(t.headers.clone());
        for r in &t.rows {
            let mut line = vec![r.label.clone()];
            line.extend(r.cells.iter().map(|c| c.text.clone()));
            lines.push(line);
        }
        if let Some(total) = &t.total {
            let mut line = vec![lang_pick(p.lang, "Total", "Total")];
            line.extend(total.iter().map(|c| c.text.clone()));
            lines.push(line);
        }
    }
    lines
}

/// CSV for French Excel: UTF-8 with BOM, `;`, CRLF, formulas defused; a
/// blank line between blocks. Lines may have different lengths.
pub fn write_csv(lines: &[Vec<String>], path: &Path) -> Result<()> {
    let mut out = String::from("\u{feff}");
    for line in lines {
        let cells: Vec<String> = line.iter().map(|c| csv_cell(&defuse(c))).collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    let mut file = std::fs::File::create(path)?;
    file.write_all(out.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// A cell quoted when it holds the separator, a quote or a line break.
fn csv_cell(cell: &str) -> String {
    if cell.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// unique in the workbook.
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let base: String = clean.trim().chars().take(28).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// XLSX: a summary sheet (the key figures, the period, the notice), then
/// one sheet per breakdown; shown counts are numbers, hidden ones text.
pub fn write_xlsx(p: &Published, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(e.to_string());
    let mut wb = Workbook::new();
    // The file's dates from the data: the same data, the same bytes.
    let secs = p.as_of_ms.max(0) / 1000;
    let created = ExcelDateTime::from_timestamp(secs).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — {}", p.title, p.scope_label))
            .set_author(&p.org_name)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let mut taken = vec![];
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(
            &lang_pick(p.lang, "Synthèse", "Summary"),
            &mut taken,
        ))
        .map_err(err)?;
        ws.set_column_width(0, 38).map_err(err)?;
        ws.set_column_width(1, 14).map_err(err)?;
        ws.set_column_width(2, 30).map_err(err)?;
        ws.write_string_with_format(0, 0, format!("{} — {}", p.title, p.scope_label), &title)
            .map_err(err)?;
        ws.write_string(1, 0, &p.org_name).map_err(err)?;
        ws.write_string(2, 0, &p.period).map_err(err)?;
        ws.write_string(3, 0, &p.as_of).map_err(err)?;
        ws.merge_range(4, 0, 4, 2, &p.notice, &wrap).map_err(err)?;
        ws.set_row_height(4, 45).map_err(err)?;
        ws.write_string_with_format(
            6,
            0,
            lang_pick(p.lang, "Chiffres clés", "Key figures"),
            &bold,
        )
        .map_err(err)?;
        if let Some((label, _)) = &p.previous {
            ws.write_string_with_format(6, 2, label, &bold)
                .map_err(err)?;
        }
        for (i, (label, v)) in p.headline.iter().enumerate() {
            let r = 7 + i as u32;
            ws.write_string(r, 0, label).map_err(err)?;
            write_shown(ws, r, 1, v).map_err(err)?;
            if let Some((_, prev)) = &p.previous {
                write_shown(ws, r, 2, &prev[i]).map_err(err)?;
            }
        }
    }
    for t in &p.tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title, &mut taken)).map_err(err)?;
        let label_width = t
            .rows
            .iter()
            .map(|r| r.label.chars().count())
            .chain(std::iter::once(t.title.chars().count()))
            .max()
            .unwrap_or(10);
        ws.set_column_width(0, (label_width as f64 * 1.1 + 2.0).clamp(12.0, 60.0))
            .map_err(err)?;
        for (c, h) in t.headers.iter().enumerate() {
            if c > 0 {
                ws.set_column_width(
                    c as u16,
                    (h.chars().count() as f64 * 1.1 + 2.0).clamp(10.0, 34.0),
                )
                .map_err(err)?;
            }
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
        }
        ws.set_freeze_panes(1, 1).map_err(err)?;
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, &r.label).map_err(err)?;
            for (c, v) in r.cells.iter().enumerate() {
                write_shown(ws, row, c as u16 + 1, v).map_err(err)?;
            }
        }
        if let Some(total) = &t.total {
            let row = t.rows.len() as u32 + 1;
            ws.write_string_with_format(row, 0, lang_pick(p.lang, "Total", "Total"), &bold)
                .map_err(err)?;
            for (c, v) in total.iter().enumerate() {
                write_shown(ws, row, c as u16 + 1, v).map_err(err)?;
            }
        }
    }
    wb.save(path).map_err(err)?;
    Ok(())
}

fn write_shown(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    v: &Shown,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    match v.value {
        Some(n) if v.text == n.to_string() => {
            ws.write_number(row, col, n as f64)?;
        }
        _ if v.text.is_empty() => {}
        _ => {
            ws.write_string(row, col, &v.text)?;
        }
    }
    Ok(())
}

/// Writes `bytes` (or what `write` makes) at `dest` through a temporary
/// file renamed into place: an error leaves nothing behind.
pub fn write_atomically(dest: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = dest.with_extension(format!("partial-{}", uuid::Uuid::now_v7().simple()));
    let done = write(&tmp).and_then(|_| std::fs::rename(&tmp, dest).map_err(Error::from));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(match e {
            Error::Internal(d) => Error::Export(d),
            other => other,
        });
    }
    Ok(())
}

/// Writes a published report as CSV or XLSX (the PDF is `escale-print`'s).
pub fn save(p: &Published, format: ReportFormat, dest: &Path) -> Result<()> {
    match format {
        ReportFormat::Csv => write_atomically(dest, |tmp| write_csv(&csv_lines(p), tmp)),
        ReportFormat::Xlsx => write_atomically(dest, |tmp| write_xlsx(p, tmp)),
        ReportFormat::Pdf | ReportFormat::Coop => Err(Error::Internal(format!(
            "{format:?} is not written by report::export::save"
        ))),
    }
}

/// The suppression threshold of exported reports.
pub const THRESHOLD: u64 = DEFAULT_THRESHOLD;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_as_people_say_them() {
        assert_eq!(
            period_name("2026-12-01", "2026-12-31", Lang::Fr),
            "Décembre 2026"
        );
        assert_eq!(
            period_name("2026-12-01", "2026-12-31", Lang::En),
            "December 2026"
        );
        assert_eq!(
            period_name("2026-04-01", "2026-06-30", Lang::Fr),
            "2e trimestre 2026"
        );
        assert_eq!(
            period_name("2026-01-01", "2026-03-31", Lang::Fr),
            "1er trimestre 2026"
        );
        assert_eq!(
            period_name("2026-01-01", "2026-12-31", Lang::En),
            "Year 2026"
        );
        assert_eq!(
            period_name("2026-11-03", "2026-11-17", Lang::Fr),
            "Du 3 novembre 2026 au 17 novembre 2026"
        );
        assert_eq!(long_date("2026-12-01", Lang::Fr), "1er décembre 2026");
        assert_eq!(hours(170), "2 h 50");
        assert_eq!(hours(45), "45 min");
        assert_eq!(hours(120), "2 h");
    }

    #[test]
    fn csv_cells_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_cell("Montreuil"), "Montreuil");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("dit \"Max\""), "\"dit \"\"Max\"\"\"");
        assert_eq!(csv_cell("deux\nlignes"), "\"deux\nlignes\"");
    }
}

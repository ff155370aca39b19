//! A partner report as a PDF: A4 portrait, the organisation and the period
//! at the top, the key figures (with the previous period's beside them),
//! then each breakdown as a chart drawn in vectors and its table, with the
//! suppression notice at the foot of every page. Drawn from the
//! [`Published`] report (counts already suppressed: a hidden count is never
//! drawn as a bar). The same report gives the same bytes: fonts under fixed
//! names, the file's dates and identifier from the data.

use crate::canvas::{save, width, Align, Face, Flow, Fonts, Page};
use escale_core::report::export::{Published, PublishedTable, Shown};
use escale_core::report::Chart;
use escale_core::Lang;
use printpdf::{Mm, PdfDocument, PdfPage};

const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;
const LEFT: f32 = 18.0;
const RIGHT: f32 = A4_W - 18.0;
const TOP: f32 = 20.0;
/// Where the body stops: the notice and page number go below.
const BOTTOM: f32 = A4_H - 26.0;

/// Series colours (accessible on white, distinct in greyscale).
const COLOURS: [(f32, f32, f32); 4] = [
    (0.05, 0.42, 0.51),
    (0.89, 0.53, 0.13),
    (0.45, 0.32, 0.62),
    (0.55, 0.55, 0.55),
];
const GREY: (f32, f32, f32) = (0.42, 0.42, 0.42);

fn mm(face: Face, size: f32, text: &str) -> f32 {
    width(face, size, text) * 25.4 / 72.0
}

/// `text` cut with "…" to fit `max` mm.
fn fit(face: Face, size: f32, text: &str, max: f32) -> String {
    if mm(face, size, text) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && mm(face, size, &format!("{out}…")) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// The report's PDF.
pub fn render(p: &Published) -> Vec<u8> {
    let lang = p.lang;
    let title = format!("{} — {}", p.title, p.scope_label);
    let mut doc = PdfDocument::new(&title);
    doc.metadata.info.creator = "Escale".into();
    doc.metadata.info.producer = "Escale".into();
    doc.metadata.info.author = p.org_name.clone();
    doc.metadata.info.subject = p.period.clone();
    // The file's dates from the data, not the clock.
    if let Ok(t) = printpdf::OffsetDateTime::from_unix_timestamp(p.as_of_ms.max(0) / 1000) {
        doc.metadata.info.creation_date = t;
        doc.metadata.info.modification_date = t;
        doc.metadata.info.metadata_date = t;
    }
    let fonts = Fonts::add_to(&mut doc);
    let mut l = Flow::new(&fonts, A4_H, TOP, BOTTOM);
    header(&mut l, p);
    key_figures(&mut l, p, lang);
    for t in &p.tables {
        table_block(&mut l, t, p, lang);
    }
    let count = l.pages.len();
    for (i, page) in l.pages.iter_mut().enumerate() {
        footer(page, p, i + 1, count, lang);
    }
    let pages: Vec<PdfPage> = l
        .pages
        .into_iter()
        .map(|pg| PdfPage::new(Mm(A4_W), Mm(A4_H), pg.ops))
        .collect();
    doc.with_pages(pages);
    save(&doc)
}

fn header(l: &mut Flow<'_>, p: &Published) {
    let y = l.y;
    l.colour(GREY);
    l.page()
        .text(Face::Bold, 10.0, LEFT, y, Align::Left, &p.org_name);
    l.page()
        .text(Face::Regular, 9.0, RIGHT, y, Align::Right, &p.as_of);
    l.colour((0.0, 0.0, 0.0));
    l.page()
        .text(Face::Bold, 22.0, LEFT, y + 12.0, Align::Left, &p.title);
    let scope = fit(Face::Bold, 14.0, &p.scope_label, RIGHT - LEFT);
    l.page()
        .text(Face::Bold, 14.0, LEFT, y + 20.0, Align::Left, &scope);
    l.page()
        .text(Face::Regular, 11.0, LEFT, y + 26.5, Align::Left, &p.period);
    l.colour(COLOURS[0]);
    l.page().rect(LEFT, y + 30.0, RIGHT - LEFT, 0.8);
    l.y = y + 38.0;
}

fn key_figures(l: &mut Flow<'_>, p: &Published, lang: Lang) {
    let y = l.y;
    l.colour((0.0, 0.0, 0.0));
    let heading = match lang {
        Lang::Fr => "Chiffres clés",
        Lang::En => "Key figures",
    };
    l.page()
        .text(Face::Bold, 13.0, LEFT, y, Align::Left, heading);
    let value_x = LEFT + 120.0;
    let prev_x = RIGHT;
    let mut row = y + 7.0;
    if let Some((label, _)) = &p.previous {
        l.colour(GREY);
        let this = match lang {
            Lang::Fr => "Cette période",
            Lang::En => "This period",
        };
        l.page()
            .text(Face::Regular, 8.0, value_x, row, Align::Right, this);
        let prev = fit(Face::Regular, 8.0, label, 48.0);
        l.page()
            .text(Face::Regular, 8.0, prev_x, row, Align::Right, &prev);
        row += 5.0;
    }
    for (i, (label, value)) in p.headline.iter().enumerate() {
        if i % 2 == 0 {
            l.colour((0.94, 0.96, 0.97));
            l.page().rect(LEFT, row - 4.0, RIGHT - LEFT, 5.6);
        }
        let sub = label.starts_with("dont ") || label.starts_with("of ");
        l.colour(if value.value.is_none() && value.text.starts_with('<') {
            GREY
        } else {
            (0.0, 0.0, 0.0)
        });
        let x = if sub { LEFT + 6.0 } else { LEFT + 2.0 };
        l.page()
            .text(Face::Regular, 10.0, x, row, Align::Left, label);
        l.page()
            .text(Face::Bold, 10.0, value_x, row, Align::Right, &value.text);
        if let Some((_, prev)) = &p.previous {
            l.colour(GREY);
            l.page().text(
                Face::Regular,
                10.0,
                prev_x,
                row,
                Align::Right,
                &prev[i].text,
            );
        }
        row += 5.6;
    }
    l.colour((0.0, 0.0, 0.0));
    l.y = row + 6.0;
}

fn footer(page: &mut Page<'_>, p: &Published, n: usize, count: usize, lang: Lang) {
    page.fill_color(GREY.0, GREY.1, GREY.2);
    page.rule(LEFT, RIGHT, BOTTOM + 4.0, 0.3);
    page.paragraph(
        Face::Regular,
        7.5,
        LEFT,
        BOTTOM + 8.5,
        RIGHT - LEFT - 25.0,
        Align::Left,
        &p.notice,
    );
    let num = match lang {
        Lang::Fr => format!("page {n} / {count}"),
        Lang::En => format!("page {n} of {count}"),
    };
    page.text(Face::Regular, 8.0, RIGHT, BOTTOM + 8.5, Align::Right, &num);
}

/// The numbers of a row that may be drawn (the count columns only).
fn values(cells: &[Shown], counts: usize) -> Vec<Option<u64>> {
    cells.iter().take(counts).map(|c| c.value).collect()
}

fn table_block(l: &mut Flow<'_>, t: &PublishedTable, p: &Published, lang: Lang) {
    let chart_h = chart_height(t);
    // The title, the chart and the first rows stay together.
    l.room(10.0 + chart_h + 18.0);
    let y = l.y;
    l.colour((0.0, 0.0, 0.0));
    l.page()
        .text(Face::Bold, 12.0, LEFT, y, Align::Left, &t.title);
    l.y = y + 5.0;
    if t.counts > 1 {
        legend(l, t);
    }
    match t.chart {
        Chart::Line if t.rows.len() > 2 => line_chart(l, t, chart_h),
        _ => bar_chart(l, t, chart_h),
    }
    rows_table(l, t, p, lang);
    l.y += 7.0;
}

fn chart_height(t: &PublishedTable) -> f32 {
    match t.chart {
        Chart::Line if t.rows.len() > 2 => 45.0,
        _ => (t.rows.len() as f32 * 5.0).min(90.0),
    }
}

fn legend(l: &mut Flow<'_>, t: &PublishedTable) {
    let mut x = LEFT;
    let y = l.y + 3.0;
    for (i, name) in t.headers.iter().skip(1).take(t.counts).enumerate() {
        l.colour(COLOURS[i % COLOURS.len()]);
        l.page().rect(x, y - 2.6, 3.0, 3.0);
        l.colour((0.0, 0.0, 0.0));
        l.page()
            .text(Face::Regular, 8.0, x + 4.5, y, Align::Left, name);
        x += 4.5 + mm(Face::Regular, 8.0, name) + 6.0;
    }
    l.y += 6.0;
}

/// Horizontal bars (stacked when there are several count columns); a
/// hidden count is not drawn, its mark ("< 5", "s") is written instead.
fn bar_chart(l: &mut Flow<'_>, t: &PublishedTable, height: f32) {
    let rows: Vec<_> = t.rows.iter().take((height / 5.0) as usize).collect();
    let label_w = 62.0;
    let bar_x = LEFT + label_w + 2.0;
    let bar_w = RIGHT - bar_x - 22.0;
    let sum = |r: &&escale_core::report::export::PublishedRow| -> u64 {
        values(&r.cells, t.counts).iter().flatten().sum()
    };
    let capacity = |r: &escale_core::report::export::PublishedRow| -> Option<u64> {
        t.capacity
            .then(|| r.cells.last())
            .flatten()
            .and_then(|c| c.text.parse().ok())
    };
    let max = rows
        .iter()
        .map(|r| sum(r).max(capacity(r).unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let mut y = l.y;
    for r in &rows {
        l.colour((0.0, 0.0, 0.0));
        let label = fit(Face::Regular, 8.0, &r.label, label_w);
        l.page().text(
            Face::Regular,
            8.0,
            LEFT + label_w,
            y + 3.3,
            Align::Right,
            &label,
        );
        let mut x = bar_x;
        let mut hidden = vec![];
        for (i, v) in values(&r.cells, t.counts).iter().enumerate() {
            match v {
                Some(n) => {
                    let w = *n as f32 / max * bar_w;
                    l.colour(COLOURS[i % COLOURS.len()]);
                    l.page().rect(x, y + 0.6, w, 3.6);
                    x += w;
                }
                None => hidden.push(r.cells[i].text.clone()),
            }
        }
        if let Some(c) = capacity(r) {
            let cx = bar_x + c as f32 / max * bar_w;
            l.colour((0.8, 0.1, 0.1));
            l.page().rect(cx - 0.3, y, 0.6, 4.8);
        }
        l.colour(if hidden.is_empty() {
            (0.0, 0.0, 0.0)
        } else {
            GREY
        });
        let total = if hidden.is_empty() {
            sum(r).to_string()
        } else if t.counts == 1 {
            hidden.join(" ")
        } else {
            format!("{} + {}", sum(r), hidden.join(" + "))
        };
        l.page()
            .text(Face::Regular, 8.0, x + 1.5, y + 3.3, Align::Left, &total);
        y += 5.0;
    }
    l.y = y + 3.0;
}

/// A line over the rows in order (days, months); a hidden count breaks it.
fn line_chart(l: &mut Flow<'_>, t: &PublishedTable, height: f32) {
    let x0 = LEFT + 12.0;
    let x1 = RIGHT - 4.0;
    let top = l.y + 2.0;
    let bottom = top + height - 10.0;
    let vals: Vec<Option<u64>> = t.rows.iter().map(|r| r.cells[0].value).collect();
    let max = vals.iter().flatten().max().copied().unwrap_or(0).max(1);
    // A round top for the axis: 1, 2 or 5 times a power of ten.
    let mut step = 1u64;
    while step * 10 < max {
        step *= 10;
    }
    let top_value = [1, 2, 5, 10]
        .iter()
        .map(|m| m * step)
        .find(|v| *v >= max)
        .unwrap_or(max);
    l.colour(GREY);
    for k in 0..=2 {
        let v = top_value * k / 2;
        let yy = bottom - (v as f32 / top_value as f32) * (bottom - top);
        l.page().rule(x0, x1, yy, 0.2);
        l.page().text(
            Face::Regular,
            7.0,
            x0 - 1.5,
            yy + 1.0,
            Align::Right,
            &v.to_string(),
        );
    }
    let n = vals.len();
    let x_at = |i: usize| x0 + (x1 - x0) * i as f32 / (n.max(2) - 1) as f32;
    let mut run: Vec<(f32, f32)> = vec![];
    for (i, v) in vals.iter().enumerate() {
        match v {
            Some(v) => run.push((
                x_at(i),
                bottom - (*v as f32 / top_value as f32) * (bottom - top),
            )),
            None => {
                l.page().polyline(&run, 1.4, COLOURS[0]);
                run.clear();
            }
        }
    }
    l.page().polyline(&run, 1.4, COLOURS[0]);
    // Dots, so a single day between two hidden ones still shows.
    l.colour(COLOURS[0]);
    for (i, v) in vals.iter().enumerate() {
        if let Some(v) = v {
            let yy = bottom - (*v as f32 / top_value as f32) * (bottom - top);
            l.page().rect(x_at(i) - 0.6, yy - 0.6, 1.2, 1.2);
        }
    }
    // The first, middle and last labels under the axis.
    l.colour(GREY);
    let picks = [0, n / 2, n - 1];
    for (k, i) in picks.iter().enumerate() {
        if k > 0 && *i == picks[k - 1] {
            continue;
        }
        let align = match k {
            0 => Align::Left,
            1 => Align::Center,
            _ => Align::Right,
        };
        l.page().text(
            Face::Regular,
            7.0,
            x_at(*i),
            bottom + 4.5,
            align,
            &t.rows[*i].label,
        );
    }
    l.y = bottom + 9.0;
}

/// The table under the chart; a long one-column table goes in three
/// side-by-side blocks.
fn rows_table(l: &mut Flow<'_>, t: &PublishedTable, p: &Published, lang: Lang) {
    let total_label = match lang {
        Lang::Fr => "Total",
        Lang::En => "Total",
    };
    let mut lines: Vec<(String, Vec<String>, bool)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.label.clone(),
                r.cells.iter().map(|c| c.text.clone()).collect(),
                false,
            )
        })
        .collect();
    if let Some(total) = &t.total {
        lines.push((
            total_label.to_string(),
            total.iter().map(|c| c.text.clone()).collect(),
            true,
        ));
    }
    let _ = p;
    let columns = t.headers.len() - 1;
    let blocks = if columns == 1 && lines.len() > 16 {
        3
    } else {
        1
    };
    let per_block = lines.len().div_ceil(blocks);
    let block_w = (RIGHT - LEFT - (blocks as f32 - 1.0) * 6.0) / blocks as f32;
    let value_w = if blocks > 1 { 16.0 } else { 26.0 };
    let label_w = block_w - value_w * columns as f32;
    let row_h = 4.6;
    let mut start = 0;
    while start < per_block {
        // As many lines as fit on this page (at least the header and two rows).
        l.room(row_h * 3.0 + 2.0);
        let fit_rows = (((BOTTOM - l.y) / row_h) as usize).saturating_sub(1).max(2);
        let take = fit_rows.min(per_block - start);
        let y0 = l.y;
        for b in 0..blocks {
            let x = LEFT + b as f32 * (block_w + 6.0);
            let from = b * per_block + start;
            let to = (from + take)
                .min(b * per_block + per_block)
                .min(lines.len());
            if from >= to {
                continue;
            }
            l.colour((0.0, 0.0, 0.0));
            let head = fit(Face::Bold, 8.0, &t.headers[0], label_w - 1.0);
            l.page()
                .text(Face::Bold, 8.0, x, y0 + 3.2, Align::Left, &head);
            for (c, h) in t.headers.iter().skip(1).enumerate() {
                let h = fit(Face::Bold, 7.0, h, value_w - 1.0);
                let right = x + label_w + value_w * (c as f32 + 1.0);
                l.page()
                    .text(Face::Bold, 7.0, right, y0 + 3.2, Align::Right, &h);
            }
            l.page().rule(x, x + block_w, y0 + 4.4, 0.4);
            let mut y = y0 + 4.4;
            for (label, cells, bold) in &lines[from..to] {
                let face = if *bold { Face::Bold } else { Face::Regular };
                l.colour((0.0, 0.0, 0.0));
                let label = fit(face, 8.0, label, label_w - 1.0);
                l.page().text(face, 8.0, x, y + 3.4, Align::Left, &label);
                for (c, v) in cells.iter().enumerate() {
                    let hidden = v.starts_with('<') || v == "s";
                    l.colour(if hidden { GREY } else { (0.0, 0.0, 0.0) });
                    let right = x + label_w + value_w * (c as f32 + 1.0);
                    l.page().text(face, 8.0, right, y + 3.4, Align::Right, v);
                }
                y += row_h;
            }
        }
        l.y = y0 + 4.4 + row_h * take as f32 + 1.0;
        start += take;
    }
}

/// What writing a report file did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    pub path: String,
    pub format: escale_core::report::export::ReportFormat,
    /// Counts withheld (partner reports; 0 for la Coop's file).
    pub withheld: u32,
    /// Activities (la Coop's file) or breakdowns (a report) written.
    pub rows: u32,
}

/// Computes the report of `query` and writes it at `dest` in `format`, in
/// `lang`: the one way the app and the CLI write report files.
pub async fn write(
    app: &escale_core::Escale,
    query: &escale_core::report::ReportQuery,
    format: escale_core::report::export::ReportFormat,
    dest: &std::path::Path,
    lang: Lang,
) -> Result<Written, escale_core::Error> {
    use escale_core::report::export::{
        publish, save, write_atomically, write_csv, ReportFormat, THRESHOLD,
    };
    let path = dest.display().to_string();
    if format == ReportFormat::Coop {
        let file = app.coop_activities(query, lang).await?;
        write_atomically(dest, |tmp| write_csv(&file.lines, tmp))?;
        return Ok(Written {
            path,
            format,
            withheld: 0,
            rows: file.activities as u32,
        });
    }
    let org = app.info().await?.org_name;
    let report = app.report(query).await?;
    let published = publish(&report, &org, lang, THRESHOLD);
    match format {
        ReportFormat::Pdf => {
            let bytes = render(&published);
            crate::write_pdf(dest, &bytes).map_err(escale_core::Error::Export)?;
        }
        other => save(&published, other, dest)?,
    }
    let withheld = published
        .tables
        .iter()
        .flat_map(|t| {
            t.rows
                .iter()
                .flat_map(|r| r.cells.iter())
                .chain(t.total.iter().flatten())
        })
        .chain(published.headline.iter().map(|(_, v)| v))
        .filter(|c| c.value.is_none() && (c.text.starts_with('<') || c.text == "s"))
        .count();
    Ok(Written {
        path,
        format,
        withheld: withheld as u32,
        rows: published.tables.len() as u32,
    })
}

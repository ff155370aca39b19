//! The right-of-access document: everything Escale holds on a person, as
//! an A4 PDF handed to them (the same sections as the JSON file of
//! `escale_core::app::access`). Every value is printed whole — cells wrap,
//! they are never cut — and an empty section says so.

use crate::canvas::{save, width, wrap, Align, Face, Flow, Fonts};
use escale_core::app::{AccessReport, AccessSection};
use escale_core::Lang;
use printpdf::{Mm, PdfDocument, PdfPage};
use std::ops::Add;

const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;
const LEFT: f32 = 18.0;
const RIGHT: f32 = A4_W - 18.0;
const TOP: f32 = 20.0;
const BOTTOM: f32 = A4_H - 20.0;
const SIZE: f32 = 8.5;
const LEADING: f32 = 3.6;
const TEAL: (f32, f32, f32) = (0.05, 0.42, 0.51);
const GREY: (f32, f32, f32) = (0.42, 0.42, 0.42);

fn mm(face: Face, text: &str) -> f32 {
    width(face, SIZE, text) * 25.4 / 72.0
}

/// Writes the report to `dest`: the JSON file when its name ends in
/// `.json`, else the PDF in `lang` — whole or not at all.
pub fn save_as(r: &AccessReport, dest: &std::path::Path, lang: Lang) -> Result<(), String> {
    let json = dest
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !json {
        return crate::write_pdf(dest, &render(r, lang));
    }
    let text = serde_json::to_string_pretty(r).map_err(|e| e.to_string())?;
    let tmp = dest.with_extension("json.part");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, dest))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: {e}", dest.display())
        })
}

/// The document, in `lang`.
pub fn render(r: &AccessReport, lang: Lang) -> Vec<u8> {
    let fr = lang == Lang::Fr;
    let title = if fr {
        "Vos données personnelles"
    } else {
        "Your personal data"
    };
    let mut doc = PdfDocument::new(&format!("{title} — {}", r.name));
    doc.metadata.info.creator = "Escale".into();
    doc.metadata.info.producer = "Escale".into();
    doc.metadata.info.author = r.organisation.clone();
    let fonts = Fonts::add_to(&mut doc);
    let mut l = Flow::new(&fonts, A4_H, TOP, BOTTOM);
    let y = l.y;
    l.colour(GREY);
    l.page()
        .text(Face::Bold, 10.0, LEFT, y, Align::Left, &r.organisation);
    l.page().text(
        Face::Regular,
        9.0,
        RIGHT,
        y,
        Align::Right,
        &r.made_at.replace('T', " ").replace('Z', " UTC"),
    );
    l.colour((0.0, 0.0, 0.0));
    l.page()
        .text(Face::Bold, 20.0, LEFT, y + 12.0, Align::Left, title);
    l.page()
        .text(Face::Bold, 13.0, LEFT, y + 20.0, Align::Left, &r.name);
    let intro = if fr {
        "Ce document contient tout ce qu'Escale conserve sur vous (article 15 du RGPD), y compris les fiches fusionnées avec la vôtre et la liste des personnes de l'équipe qui ont consulté vos données. Pour corriger ou effacer ces données, ou retirer un consentement, adressez-vous à l'accueil."
    } else {
        "This document holds everything Escale keeps about you (GDPR article 15), including records merged into yours and who in the team accessed your data. To correct or erase these data, or withdraw a consent, ask at the desk."
    };
    l.colour(GREY);
    let next = l.page().paragraph(
        Face::Regular,
        9.0,
        LEFT,
        y + 27.0,
        RIGHT - LEFT,
        Align::Left,
        intro,
    );
    l.y = next + 2.0;
    if !r.merged_ids.is_empty() {
        let merged = format!(
            "{} {}",
            if fr {
                "Fiches fusionnées :"
            } else {
                "Merged records:"
            },
            r.merged_ids
                .iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let top = l.y;
        let next = l.page().paragraph(
            Face::Regular,
            8.0,
            LEFT,
            top,
            RIGHT - LEFT,
            Align::Left,
            &merged,
        );
        l.y = next + 2.0;
    }
    l.colour((0.0, 0.0, 0.0));
    for s in &r.sections {
        section(&mut l, s, lang);
    }
    let count = l.pages.len();
    for (i, page) in l.pages.iter_mut().enumerate() {
        page.fill_color(GREY.0, GREY.1, GREY.2);
        page.text(
            Face::Regular,
            8.0,
            RIGHT,
            A4_H - 10.0,
            Align::Right,
            &format!("{} / {count}", i + 1),
        );
    }
    let pages: Vec<PdfPage> = l
        .pages
        .into_iter()
        .map(|pg| PdfPage::new(Mm(A4_W), Mm(A4_H), pg.ops))
        .collect();
    doc.with_pages(pages);
    save(&doc)
}

fn section(l: &mut Flow<'_>, s: &AccessSection, lang: Lang) {
    l.room(16.0);
    l.y += 5.0;
    let y = l.y;
    l.colour(TEAL);
    l.page()
        .text(Face::Bold, 12.0, LEFT, y, Align::Left, s.title.get(lang));
    l.page().rect(LEFT, y + 1.8, RIGHT - LEFT, 0.4);
    l.colour((0.0, 0.0, 0.0));
    l.y = y + 6.5;
    if s.rows.is_empty() {
        l.colour(GREY);
        let none = match lang {
            Lang::Fr => "Rien.",
            Lang::En => "Nothing.",
        };
        let y = l.y;
        l.page()
            .text(Face::Regular, SIZE, LEFT, y, Align::Left, none);
        l.colour((0.0, 0.0, 0.0));
        l.y += LEADING + 1.0;
        return;
    }
    let headers: Vec<&str> = s.columns.iter().map(|c| c.get(lang)).collect();
    let widths = column_widths(&headers, &s.rows);
    row(l, &headers, &widths, Face::Bold);
    for r in &s.rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        row(l, &cells, &widths, Face::Regular);
    }
}

/// Each column as wide as its longest value (header included), shrunk in
/// proportion when the page is too narrow (values then wrap).
fn column_widths(headers: &[&str], rows: &[Vec<String>]) -> Vec<f32> {
    const GAP: f32 = 3.0;
    let total = RIGHT - LEFT - GAP * (headers.len().saturating_sub(1)) as f32;
    let natural: Vec<f32> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|v| mm(Face::Regular, v))
                .fold(mm(Face::Bold, h), f32::max)
                // A little slack: a value exactly as wide as its column
                // would wrap on rounding.
                .add(1.0)
                .clamp(12.0, total)
        })
        .collect();
    // Narrow columns (a date, a code) keep their width; the wide ones
    // share what is left, and wrap.
    const NARROW: f32 = 30.0;
    let sum: f32 = natural.iter().sum();
    if sum <= total {
        return natural;
    }
    let narrow: f32 = natural.iter().filter(|w| **w <= NARROW).sum();
    let wide: f32 = sum - narrow;
    let scale = ((total - narrow) / wide).max(0.1);
    natural
        .iter()
        .map(|w| {
            if *w <= NARROW {
                *w
            } else {
                (w * scale).max(NARROW)
            }
        })
        .collect()
}

fn row(l: &mut Flow<'_>, cells: &[&str], widths: &[f32], face: Face) {
    const GAP: f32 = 3.0;
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .map(|(c, w)| {
            let lines = wrap(face, SIZE, c, w * 72.0 / 25.4);
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            }
        })
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * LEADING + 1.2;
    l.room(height);
    let mut x = LEFT;
    let y = l.y;
    for (lines, w) in wrapped.iter().zip(widths) {
        l.page()
            .lines(face, SIZE, x, y, LEADING, Align::Left, lines);
        x += w + GAP;
    }
    l.y += height;
}

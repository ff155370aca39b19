//! Name badges: the name large, the organisation and the event, and the
//! badge code as a QR code the desk's scanner checks in.
//!
//! Sizes people actually use: Brother QL 62 mm continuous (cut at 62×90)
//! and 62×100 mm (DK-11202), Dymo 54×101 mm, A6, and A4 sheets of 8
//! (2×4, 60×90 mm) or 10 (2×5, 54×90 mm) with a starting position, so a
//! half-used sheet is used up. A name that does not fit shrinks, then wraps.

use crate::canvas::{fit, Align, Face, Fonts, Page};
use escale_core::app::BadgeData;
use printpdf::{Mm, PdfDocument, PdfPage};
use serde::Serialize;

/// A label or sheet format.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum BadgeSize {
    /// Brother QL, 62 mm continuous roll, cut at 90 mm.
    #[serde(rename = "brother-62")]
    Brother62,
    /// Brother QL, DK-11202, 62×100 mm.
    #[serde(rename = "brother-62x100")]
    Brother62x100,
    /// Dymo LabelWriter, 54×101 mm.
    #[serde(rename = "dymo-54x101")]
    Dymo54x101,
    /// A6 card, 105×148 mm.
    #[serde(rename = "a6")]
    A6,
    /// A4 sheet of 8 labels, 2×4, 60×90 mm.
    #[serde(rename = "a4x8")]
    A4x8,
    /// A4 sheet of 10 labels, 2×5, 54×90 mm.
    #[serde(rename = "a4x10")]
    A4x10,
}

impl BadgeSize {
    pub const ALL: [BadgeSize; 6] = [
        BadgeSize::Brother62,
        BadgeSize::Brother62x100,
        BadgeSize::Dymo54x101,
        BadgeSize::A6,
        BadgeSize::A4x8,
        BadgeSize::A4x10,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BadgeSize::Brother62 => "brother-62",
            BadgeSize::Brother62x100 => "brother-62x100",
            BadgeSize::Dymo54x101 => "dymo-54x101",
            BadgeSize::A6 => "a6",
            BadgeSize::A4x8 => "a4x8",
            BadgeSize::A4x10 => "a4x10",
        }
    }

    pub fn parse(s: &str) -> Option<BadgeSize> {
        BadgeSize::ALL
            .into_iter()
            .find(|b| b.name() == s.trim().to_lowercase())
    }

    /// (label width, label height) in mm, landscape for labels.
    fn label(self) -> (f32, f32) {
        match self {
            BadgeSize::Brother62 => (90.0, 62.0),
            BadgeSize::Brother62x100 => (100.0, 62.0),
            BadgeSize::Dymo54x101 => (101.0, 54.0),
            BadgeSize::A6 => (148.0, 105.0),
            BadgeSize::A4x8 => (90.0, 60.0),
            BadgeSize::A4x10 => (90.0, 54.0),
        }
    }

    /// (columns, rows) of labels on a sheet; (1, 1) for a label printer.
    fn grid(self) -> (usize, usize) {
        match self {
            BadgeSize::A4x8 => (2, 4),
            BadgeSize::A4x10 => (2, 5),
            _ => (1, 1),
        }
    }

    /// Labels per page.
    pub fn per_page(self) -> usize {
        let (c, r) = self.grid();
        c * r
    }
}

/// One PDF of badges of the organisation `org`; `start` (0-based) skips
/// the labels already used on the first sheet.
pub fn render(badges: &[BadgeData], org: &str, size: BadgeSize, start: usize) -> Vec<u8> {
    let mut doc = PdfDocument::new("Badges");
    doc.metadata.info.creator = "Escale".into();
    let fonts = Fonts::add_to(&mut doc);
    let (lw, lh) = size.label();
    let (cols, rows) = size.grid();
    let per = cols * rows;
    let (pw, ph) = if per == 1 { (lw, lh) } else { (210.0, 297.0) };
    let (mx, my) = ((pw - cols as f32 * lw) / 2.0, (ph - rows as f32 * lh) / 2.0);
    let start = start % per;
    let mut pages = vec![];
    let mut slot = start;
    let mut page = Page::new(&fonts, ph);
    for (i, b) in badges.iter().enumerate() {
        let (col, row) = (slot % cols, slot / cols);
        draw(
            &mut page,
            b,
            org,
            mx + col as f32 * lw,
            my + row as f32 * lh,
            lw,
            lh,
        );
        slot += 1;
        if slot == per || i + 1 == badges.len() {
            pages.push(PdfPage::new(Mm(pw), Mm(ph), page.take_ops()));
            slot = 0;
        }
    }
    if pages.is_empty() {
        pages.push(PdfPage::new(Mm(pw), Mm(ph), vec![]));
    }
    doc.with_pages(pages);
    crate::canvas::save(&doc)
}

#[allow(clippy::too_many_arguments)]
fn draw(p: &mut Page<'_>, b: &BadgeData, org: &str, x: f32, top: f32, w: f32, h: f32) {
    let pad = (h * 0.08).max(3.0);
    let qr = (h * 0.42).clamp(20.0, 40.0);
    let text_w = w - 2.0 * pad - qr - 2.0;
    let pt = |mm: f32| mm * 72.0 / 25.4;
    p.fill_color(0.1, 0.2, 0.35);
    let org_size = (h * 0.16).clamp(7.0, 11.0);
    let (os, ol) = fit(Face::Bold, org_size, 6.0, org, pt(w - 2.0 * pad));
    p.lines(
        Face::Bold,
        os,
        x + pad,
        top + pad + os * 0.35,
        os * 0.42,
        Align::Left,
        &ol[..1],
    );
    p.fill_color(0.0, 0.0, 0.0);
    let name_max = (h * 0.40).clamp(14.0, 30.0);
    // Shrink, then wrap — smaller until every line fits: never cut.
    let name_top = top + h * 0.42;
    let room = (top + h - pad - 6.0) - name_top;
    let mut ns = name_max;
    let mut nl = vec![b.name.clone()];
    while ns >= 5.0 {
        nl = crate::canvas::wrap(Face::Bold, ns, &b.name, pt(text_w));
        let fits_line = nl.len() == 1 || ns <= (name_max * 0.6).max(9.0);
        if fits_line && (nl.len() as f32 - 1.0) * ns * 0.42 <= room {
            break;
        }
        ns -= 0.5;
    }
    let y = p.lines(
        Face::Bold,
        ns,
        x + pad,
        name_top,
        ns * 0.42,
        Align::Left,
        &nl,
    );
    p.fill_color(0.3, 0.3, 0.3);
    let ev_size = (h * 0.13).clamp(6.5, 10.0);
    let (es, el) = fit(Face::Regular, ev_size, 6.0, &b.event, pt(text_w));
    p.lines(
        Face::Regular,
        es,
        x + pad,
        y.max(top + h - pad - 2.0),
        es * 0.42,
        Align::Left,
        &el[..1],
    );
    p.qr(
        &b.code,
        x + w - pad - qr + 2.0,
        top + h - pad - qr + 2.0,
        qr,
    );
}

//! Drawing on a page: text measured with the embedded font, wrapped or
//! shrunk to fit, lines, and QR codes as filled squares.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};
use qrcode::{EcLevel, QrCode};
use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The two faces, parsed once per process.
fn parsed() -> &'static (ParsedFont, ParsedFont) {
    static FONTS: OnceLock<(ParsedFont, ParsedFont)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let load =
            |b: &[u8]| ParsedFont::from_bytes(b, 0, &mut Vec::new()).expect("embedded font parses");
        (load(REGULAR_TTF), load(BOLD_TTF))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// The fonts of one document.
pub struct Fonts {
    regular: FontId,
    bold: FontId,
}

impl Fonts {
    /// Adds the two faces under fixed names (printpdf would draw random
    /// ones), so the same document is the same bytes every time.
    pub fn add_to(doc: &mut PdfDocument) -> Fonts {
        let (r, b) = parsed();
        let mut add = |name: &str, font: &printpdf::ParsedFont| {
            let id = FontId(name.to_string());
            doc.resources
                .fonts
                .map
                .insert(id.clone(), printpdf::PdfFont::new(font.clone()));
            id
        };
        Fonts {
            regular: add("EscaleRegular", r),
            bold: add("EscaleBold", b),
        }
    }
}

/// Width of `text` in points at `size`.
pub fn width(face: Face, size: f32, text: &str) -> f32 {
    let (r, b) = parsed();
    let font = match face {
        Face::Regular => r,
        Face::Bold => b,
    }
    .as_azul();
    let upm = f32::from(font.pdf_font_metrics.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .map_or(upm as u32 / 2, |g| {
                    u32::from(font.get_horizontal_advance(g))
                })
        })
        .sum();
    units as f32 * size / upm
}

/// Breaks `text` into lines no wider than `max` points; a word longer than
/// a line is broken between letters (never cut off).
pub fn wrap(face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = vec![];
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(face, size, &candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone, broken where it must be.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if !line.is_empty() && width(face, size, &next) > max {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// The largest size from `size` down to `min` at which `text` fits on one
/// line of `max` points; else `min` with the text wrapped.
pub fn fit(face: Face, size: f32, min: f32, text: &str, max: f32) -> (f32, Vec<String>) {
    let mut s = size;
    while s > min {
        if width(face, s, text) <= max {
            return (s, vec![text.to_string()]);
        }
        s -= 0.5;
    }
    (min, wrap(face, min, text, max))
}

/// An image added to a document once, drawn on any of its pages.
pub struct Image {
    pub id: printpdf::XObjectId,
    pub width: usize,
    pub height: usize,
    /// The PNG itself (the SVG preview embeds it).
    pub png: Vec<u8>,
}

impl Image {
    /// Decodes a PNG and adds it to `doc`; `None` when it does not decode.
    pub fn add_to(doc: &mut PdfDocument, png: &[u8]) -> Option<Image> {
        let raw = decoded(png)?;
        Some(Image {
            width: raw.width,
            height: raw.height,
            id: doc.add_image(&raw),
            png: png.to_vec(),
        })
    }
}

/// The PNG's pixels, decoded once per process for the last few images
/// seen (a batch of one file per person prints the same logo and
/// signature on each).
fn decoded(png: &[u8]) -> Option<std::sync::Arc<printpdf::RawImage>> {
    use std::hash::{Hash, Hasher};
    use std::sync::{Arc, Mutex};
    type Seen = Vec<(u64, usize, Arc<printpdf::RawImage>)>;
    static SEEN: Mutex<Seen> = Mutex::new(Vec::new());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    png.hash(&mut h);
    let key = (h.finish(), png.len());
    if let Some((_, _, raw)) = SEEN.lock().ok()?.iter().find(|(k, n, _)| (*k, *n) == key) {
        return Some(raw.clone());
    }
    let raw = Arc::new(printpdf::RawImage::decode_from_bytes(png, &mut Vec::new()).ok()?);
    let mut seen = SEEN.lock().ok()?;
    if seen.len() >= 4 {
        seen.remove(0);
    }
    seen.push((key.0, key.1, raw.clone()));
    Some(raw)
}

/// How text is placed on its line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// The operations of one page, in millimetres from the top-left corner,
/// and, for the app's preview of the page, the same drawing as SVG elements.
pub struct Page<'f> {
    pub ops: Vec<Op>,
    fonts: &'f Fonts,
    pub height_mm: f32,
    /// Only when previewing ([`Page::previewed`]): a batch of PDFs does not
    /// pay for an SVG nobody sees.
    svg: Option<Vec<String>>,
    fill: String,
}

/// Text as SVG and XML want it.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl<'f> Page<'f> {
    pub fn new(fonts: &'f Fonts, height_mm: f32) -> Page<'f> {
        Page {
            ops: vec![],
            fonts,
            height_mm,
            svg: None,
            fill: "#000000".into(),
        }
    }

    /// A page that also records its drawing as SVG ([`Page::svg`]).
    pub fn previewed(fonts: &'f Fonts, height_mm: f32) -> Page<'f> {
        Page {
            svg: Some(vec![]),
            ..Page::new(fonts, height_mm)
        }
    }

    /// Records an SVG element when previewing (`element` runs only then).
    fn draw_svg(&mut self, element: impl FnOnce(&Self) -> String) {
        if self.svg.is_some() {
            let e = element(self);
            if let Some(svg) = &mut self.svg {
                svg.push(e);
            }
        }
    }

    /// The page as an SVG document, `width_mm` wide (units: millimetres).
    pub fn svg(&self, width_mm: f32) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width_mm} {h}\" width=\"{width_mm}mm\" height=\"{h}mm\" font-family=\"DejaVu Sans, Verdana, sans-serif\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>{}</svg>",
            self.svg.as_deref().unwrap_or_default().concat(),
            h = self.height_mm
        )
    }

    /// Starts a new page of the same size (labels on sheets reuse one Page).
    pub fn take_ops(&mut self) -> Vec<Op> {
        if let Some(svg) = &mut self.svg {
            svg.clear();
        }
        std::mem::take(&mut self.ops)
    }

    fn y(&self, top_mm: f32) -> Mm {
        Mm(self.height_mm - top_mm)
    }

    /// One line of text whose baseline is `top` mm from the top.
    pub fn text(&mut self, face: Face, size: f32, x: f32, top: f32, align: Align, text: &str) {
        let w_mm = width(face, size, text) * 25.4 / 72.0;
        let anchor = match align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        self.draw_svg(|p| format!(
            "<text x=\"{x:.2}\" y=\"{top:.2}\" font-size=\"{:.2}\" font-weight=\"{}\" fill=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            size * 25.4 / 72.0,
            if face == Face::Bold { "bold" } else { "normal" },
            p.fill,
            escape(text)
        ));
        let x = match align {
            Align::Left => x,
            Align::Center => x - w_mm / 2.0,
            Align::Right => x - w_mm,
        };
        let font = match face {
            Face::Regular => self.fonts.regular.clone(),
            Face::Bold => self.fonts.bold.clone(),
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), self.y(top)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Lines of text from `top`, `leading` mm apart; returns the top of the
    /// line after the last.
    #[allow(clippy::too_many_arguments)]
    pub fn lines(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        top: f32,
        leading: f32,
        align: Align,
        lines: &[String],
    ) -> f32 {
        let mut y = top;
        for l in lines {
            self.text(face, size, x, y, align, l);
            y += leading;
        }
        y
    }

    /// Text wrapped to `max_mm`; returns the top of the line after the last.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        top: f32,
        max_mm: f32,
        align: Align,
        text: &str,
    ) -> f32 {
        let lines = wrap(face, size, text, max_mm * 72.0 / 25.4);
        self.lines(face, size, x, top, size * 0.5, align, &lines)
    }

    pub fn fill_color(&mut self, r: f32, g: f32, b: f32) {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        self.fill = format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b));
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r,
                g,
                b,
                icc_profile: None,
            }),
        });
    }

    /// An image placed in a box of `max_w` × `max_h` mm whose top-right
    /// corner is (`right`, `top`), keeping its proportions.
    pub fn image(
        &mut self,
        img: &Image,
        right: f32,
        top: f32,
        max_w: f32,
        max_h: f32,
    ) -> (f32, f32) {
        let (pw, ph) = (img.width as f32, img.height as f32);
        let scale = (max_w / pw).min(max_h / ph);
        let (w, h) = (pw * scale, ph * scale);
        let x = right - w;
        self.ops.push(Op::UseXobject {
            id: img.id.clone(),
            transform: printpdf::XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(self.y(top + h).into()),
                dpi: Some(pw * 25.4 / w),
                ..Default::default()
            },
        });
        use base64::Engine as _;
        self.draw_svg(|_| format!(
            "<image x=\"{x:.2}\" y=\"{top:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" href=\"data:image/png;base64,{}\"/>",
            base64::engine::general_purpose::STANDARD.encode(&img.png)
        ));
        (w, h)
    }

    /// A rectangle filled with the current fill colour, its top-left
    /// corner at (`x`, `top`).
    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32) {
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        self.draw_svg(|p| {
            format!(
                "<rect x=\"{x:.2}\" y=\"{top:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{}\"/>",
                p.fill
            )
        });
        let pt = |x: f32, t: f32| LinePoint {
            p: Point::new(Mm(x), self.y(t)),
            bezier: false,
        };
        let ring = PolygonRing {
            points: vec![
                pt(x, top),
                pt(x + w, top),
                pt(x + w, top + h),
                pt(x, top + h),
            ],
        };
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// A line through `points` (x, top), `thickness_pt` wide, in (r, g, b).
    pub fn polyline(&mut self, points: &[(f32, f32)], thickness_pt: f32, rgb: (f32, f32, f32)) {
        if points.len() < 2 {
            return;
        }
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        let stroke = format!("#{:02x}{:02x}{:02x}", c(rgb.0), c(rgb.1), c(rgb.2));
        self.draw_svg(|_| {
            let pts: Vec<String> = points.iter().map(|(x, t)| format!("{x:.2},{t:.2}")).collect();
            format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{:.3}\"/>",
                pts.join(" "),
                thickness_pt * 25.4 / 72.0
            )
        });
        self.ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: rgb.0,
                g: rgb.1,
                b: rgb.2,
                icc_profile: None,
            }),
        });
        self.ops.push(Op::SetOutlineThickness {
            pt: Pt(thickness_pt),
        });
        let line = Line {
            points: points
                .iter()
                .map(|(x, t)| LinePoint {
                    p: Point::new(Mm(*x), self.y(*t)),
                    bezier: false,
                })
                .collect(),
            is_closed: false,
        };
        self.ops.push(Op::DrawLine { line });
        // Rules drawn after this are black again.
        self.ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                icc_profile: None,
            }),
        });
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x1: f32, x2: f32, top: f32, thickness_pt: f32) {
        self.draw_svg(|_| format!(
            "<line x1=\"{x1:.2}\" y1=\"{top:.2}\" x2=\"{x2:.2}\" y2=\"{top:.2}\" stroke=\"#000\" stroke-width=\"{:.3}\"/>",
            thickness_pt * 25.4 / 72.0
        ));
        self.ops.push(Op::SetOutlineThickness {
            pt: Pt(thickness_pt),
        });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point::new(Mm(x1), self.y(top)),
                        bezier: false,
                    },
                    LinePoint {
                        p: Point::new(Mm(x2), self.y(top)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A QR code of `text` (error correction M, byte mode), `size` mm
    /// square with its top-left corner at (`x`, `top`), quiet zone
    /// included. Dark runs of each row are one rectangle each.
    pub fn qr(&mut self, text: &str, x: f32, top: f32, size: f32) {
        let Some((n, colors)) = qr_modules(text) else {
            return;
        };
        let quiet = 4;
        let module = size / (n + 2 * quiet) as f32;
        let mut rings = vec![];
        let mut path = String::new();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let x0 = x + (quiet + start) as f32 * module;
                let x1 = x + (quiet + col) as f32 * module;
                let t0 = top + (quiet + row) as f32 * module;
                // A hair taller than a module: no seam between rows once rasterised.
                let t1 = t0 + module * 1.04;
                if self.svg.is_some() {
                    path.push_str(&format!("M{x0:.2} {t0:.2}H{x1:.2}V{t1:.2}H{x0:.2}Z"));
                }
                let pt = |x: f32, t: f32| LinePoint {
                    p: Point::new(Mm(x), self.y(t)),
                    bezier: false,
                };
                rings.push(PolygonRing {
                    points: vec![pt(x0, t0), pt(x1, t0), pt(x1, t1), pt(x0, t1)],
                });
            }
        }
        self.fill_color(0.0, 0.0, 0.0);
        self.draw_svg(|_| format!("<path d=\"{path}\" fill=\"#000\"/>"));
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// The modules of `text`'s QR code (error correction M, the smallest
/// version), row by row, and its width. One fixed mask (checkerboard) rather
/// than the best of eight: every mask is valid and scanners read them all;
/// scoring the eight was a sixth of a certificate's drawing time.
fn qr_modules(text: &str) -> Option<(usize, Vec<qrcode::Color>)> {
    use qrcode::canvas::{Canvas, MaskPattern};
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).ok()?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Some((usize::try_from(version.width()).ok()?, canvas.into_colors()))
}

/// The QR version `text` needs at error correction M (the certificate's
/// code must fit version 10 to stay readable at 25 mm).
pub fn qr_version(text: &str) -> Option<i16> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    match code.version() {
        qrcode::Version::Normal(v) => Some(v),
        qrcode::Version::Micro(v) => Some(v),
    }
}

/// The PDF's bytes: fonts subset, every stream compressed at zlib's default
/// level (printpdf's `optimize` uses the best level: three times the time
/// for a few per cent of size).
pub fn save(doc: &PdfDocument) -> Vec<u8> {
    use std::io::Write;
    let opts = printpdf::PdfSaveOptions {
        optimize: false,
        ..Default::default()
    };
    let mut pdf = printpdf::serialize::to_lopdf_doc(doc, &opts, &mut Vec::new());
    let streams: Vec<&mut lopdf::Stream> = pdf
        .objects
        .values_mut()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream)
                if stream.dict.get(b"Filter").is_err() && stream.content.len() >= 64 =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    // A batch's thousand pages are compressed on every core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let compress = |part: &mut [&mut lopdf::Stream]| {
        for stream in part {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            if z.write_all(&stream.content).is_ok() {
                if let Ok(packed) = z.finish() {
                    if packed.len() < stream.content.len() {
                        stream.dict.set("Filter", "FlateDecode");
                        stream.set_content(packed);
                    }
                }
            }
        }
    };
    let mut streams = streams;
    if threads == 1 || streams.len() < 16 {
        compress(&mut streams);
    } else {
        let chunk = streams.len().div_ceil(threads);
        std::thread::scope(|scope| {
            for part in streams.chunks_mut(chunk) {
                scope.spawn(|| compress(part));
            }
        });
    }
    // The file identifier from the content, not printpdf's random one:
    // the same document, the same bytes.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    {
        use std::hash::{Hash, Hasher};
        for object in pdf.objects.values() {
            if let lopdf::Object::Stream(stream) = object {
                stream.content.hash(&mut h);
            }
        }
        let id = format!("{:016x}{:016x}", h.finish(), pdf.objects.len());
        pdf.trailer.set(
            "ID",
            lopdf::Object::Array(vec![
                lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Literal),
                lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Literal),
            ]),
        );
    }
    let mut out = Vec::new();
    let _ = pdf.save_to(&mut out);
    out
}

/// Pages filled from top to bottom (a report, a right-of-access document):
/// the current page, where the next block goes, and a new page when a
/// block would cross the bottom margin.
pub(crate) struct Flow<'f> {
    pub fonts: &'f Fonts,
    pub pages: Vec<Page<'f>>,
    /// Where the next block goes, mm from the top.
    pub y: f32,
    height: f32,
    top: f32,
    bottom: f32,
}

impl<'f> Flow<'f> {
    /// A flow with its first page: `height` mm tall, blocks between `top`
    /// and `bottom` mm from the top.
    pub fn new(fonts: &'f Fonts, height: f32, top: f32, bottom: f32) -> Flow<'f> {
        let mut f = Flow {
            fonts,
            pages: vec![],
            y: top,
            height,
            top,
            bottom,
        };
        f.new_page();
        f
    }

    pub fn page(&mut self) -> &mut Page<'f> {
        self.pages.last_mut().expect("a flow has a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::new(self.fonts, self.height));
        self.y = self.top;
    }

    /// Starts a new page unless `height` mm still fit on this one.
    pub fn room(&mut self, height: f32) {
        if self.y + height > self.bottom {
            self.new_page();
        }
    }

    pub fn colour(&mut self, c: (f32, f32, f32)) {
        self.page().fill_color(c.0, c.1, c.2);
    }
}

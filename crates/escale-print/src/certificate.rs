//! The A4 attendance certificate.
//!
//! Named parts, top to bottom: the organisation's identity (name, address,
//! SIRET); the title (the template's name); who attests; the person's name,
//! large, shrunk then wrapped — never cut; what was attended (event, place,
//! partner, date — or the series and its period); the table of days with
//! arrival and departure times and durations; the total; the event's own
//! text; place and date of issue and the signatory; the QR code with the
//! number and how to verify it.

use crate::canvas::{fit, Align, Face, Fonts, Image, Page};
use escale_core::app::certificates::ASSIDUITY;
use escale_core::app::{CertificateView, Span};
use escale_protocol::Lang;
use printpdf::{Mm, PdfDocument, PdfPage};

const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;
const MARGIN: f32 = 20.0;

/// `1er décembre 2026` / `1 December 2026`.
pub fn long_date(iso: &str, lang: Lang) -> String {
    let Ok(d) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") else {
        return iso.to_string();
    };
    use chrono::Datelike;
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
    let m = d.month0() as usize;
    match lang {
        Lang::Fr if d.day() == 1 => format!("1er {} {}", FR[m], d.year()),
        Lang::Fr => format!("{} {} {}", d.day(), FR[m], d.year()),
        Lang::En => format!("{} {} {}", d.day(), EN[m], d.year()),
    }
}

/// `2 h 05` (fr), `2 h 05 min` (en).
pub fn duration(minutes: i64, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h) {
        (Lang::Fr, 0) => format!("{m} min"),
        (Lang::Fr, _) => format!("{h} h {m:02}"),
        (Lang::En, 0) => format!("{m} min"),
        (Lang::En, _) => format!("{h} h {m:02} min"),
    }
}

fn span_text(s: &Span, lang: Lang) -> String {
    match (&s.end, lang) {
        (Some(e), _) => format!("{} – {}", s.start, e),
        (None, Lang::Fr) => format!("arrivée {} — départ non enregistré", s.start),
        (None, Lang::En) => format!("arrived {} — departure not recorded", s.start),
    }
}

fn tr(lang: Lang, fr: &str, en: &str) -> String {
    match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A print job's title: the number of one certificate, or how many.
pub fn job_title(certs: &[CertificateView]) -> String {
    match certs {
        [one] => format!("Attestation {}", one.number),
        _ => format!("Attestations ({})", certs.len()),
    }
}

/// A long batch's pulse: called once per certificate drawn, from any
/// thread; `false` stops the batch (cancelled).
pub type Tick<'a> = &'a (dyn Fn() -> bool + Sync);

/// One PDF with one page per certificate.
pub fn render(certs: &[CertificateView], lang: Lang) -> Vec<u8> {
    render_until(certs, lang, &|| true).expect("a batch that is never stopped ends")
}

/// [`render`], telling `tick` of each page drawn; `None` when `tick` said
/// stop. The pages are drawn on every core.
pub fn render_until(certs: &[CertificateView], lang: Lang, tick: Tick<'_>) -> Option<Vec<u8>> {
    let title = match certs {
        [one] => format!("{} — {}", tr(lang, "Attestation", "Certificate"), one.name),
        _ => tr(lang, "Attestations", "Certificates"),
    };
    let mut doc = PdfDocument::new(&title);
    doc.metadata.info.creator = "Escale".into();
    doc.metadata.info.producer = "Escale".into();
    // The signed payloads, for `escale certificate verify FILE.pdf`.
    doc.metadata.info.subject = certs
        .iter()
        .map(|c| c.payload.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    doc.metadata.info.author = certs
        .first()
        .map(|c| c.org.name.clone())
        .unwrap_or_default();
    let fonts = Fonts::add_to(&mut doc);
    // The organisation's images, once for every page.
    let images = Images::add_to(&mut doc, certs.first());
    let draw_part = |part: &[CertificateView]| -> Option<Vec<PdfPage>> {
        part.iter()
            .map(|c| {
                let mut p = Page::new(&fonts, A4_H);
                draw(&mut p, c, lang, &images);
                tick().then(|| PdfPage::new(Mm(A4_W), Mm(A4_H), p.ops))
            })
            .collect()
    };
    let pages = on_every_core(certs, draw_part)?;
    doc.with_pages(pages);
    Some(crate::canvas::save(&doc))
}

/// `work` on as many slices of `items` as there are cores, the results
/// joined in order; `None` as soon as one part gives `None`.
fn on_every_core<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&[T]) -> Option<Vec<R>> + Sync,
) -> Option<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 8 {
        return work(items);
    }
    let chunk = items.len().div_ceil(threads);
    let parts: Vec<Option<Vec<R>>> = std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || work(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a drawing thread panicked"))
            .collect()
    });
    let mut all = Vec::with_capacity(items.len());
    for part in parts {
        all.extend(part?);
    }
    Some(all)
}

/// The certificate's page as SVG: the same drawing as the PDF, for the
/// app's preview before printing.
pub fn preview_svg(c: &CertificateView, lang: Lang) -> String {
    let mut doc = PdfDocument::new("");
    let fonts = Fonts::add_to(&mut doc);
    let images = Images::add_to(&mut doc, Some(c));
    let mut p = Page::previewed(&fonts, A4_H);
    draw(&mut p, c, lang, &images);
    p.svg(A4_W)
}

/// The organisation's logo and signature, when it has them.
struct Images {
    logo: Option<Image>,
    signature: Option<Image>,
}

impl Images {
    fn add_to(doc: &mut PdfDocument, c: Option<&CertificateView>) -> Images {
        let mut add = |png: Option<&Vec<u8>>| png.and_then(|b| Image::add_to(doc, b));
        Images {
            logo: add(c.and_then(|c| c.org.logo.as_ref())),
            signature: add(c.and_then(|c| c.org.signature.as_ref())),
        }
    }
}

fn draw(p: &mut Page<'_>, c: &CertificateView, lang: Lang, images: &Images) {
    let width = A4_W - 2.0 * MARGIN;
    let mid = A4_W / 2.0;
    let pt = |mm: f32| mm * 72.0 / 25.4;

    // The organisation, its logo at the right.
    let mut head_w = width;
    if let Some(logo) = &images.logo {
        let (w, _) = p.image(logo, A4_W - MARGIN, MARGIN, 34.0, 18.0);
        head_w = width - w - 6.0;
    }
    p.fill_color(0.1, 0.2, 0.35);
    let mut y = MARGIN + 5.0;
    y = p.paragraph(
        Face::Bold,
        13.0,
        MARGIN,
        y,
        head_w,
        Align::Left,
        &c.org.name,
    );
    p.fill_color(0.25, 0.25, 0.25);
    if let Some(a) = &c.org.address {
        y = p.paragraph(Face::Regular, 9.0, MARGIN, y, head_w, Align::Left, a);
    }
    if let Some(s) = &c.org.siret {
        p.text(
            Face::Regular,
            9.0,
            MARGIN,
            y,
            Align::Left,
            &format!("SIRET {s}"),
        );
        y += 4.5;
    }
    p.rule(MARGIN, A4_W - MARGIN, y, 0.6);

    // The title.
    let assiduity = c.template == ASSIDUITY;
    let heading = match (assiduity, lang) {
        (false, Lang::Fr) => "ATTESTATION DE PRÉSENCE",
        (true, Lang::Fr) => "ATTESTATION D'ASSIDUITÉ",
        (false, Lang::En) => "CERTIFICATE OF ATTENDANCE",
        (true, Lang::En) => "CERTIFICATE OF REGULAR ATTENDANCE",
    };
    p.fill_color(0.1, 0.2, 0.35);
    let (hs, hl) = fit(Face::Bold, 22.0, 14.0, heading, pt(width));
    y = p.lines(Face::Bold, hs, mid, y + 16.0, hs * 0.45, Align::Center, &hl);

    // Who attests.
    p.fill_color(0.0, 0.0, 0.0);
    let attests = match (&c.org.signatory_name, &c.org.signatory_role, lang) {
        (Some(n), Some(r), Lang::Fr) => {
            format!("Je soussigné(e) {n}, {r}, pour {}, atteste que", c.org.name)
        }
        (Some(n), None, Lang::Fr) => {
            format!("Je soussigné(e) {n}, pour {}, atteste que", c.org.name)
        }
        (None, _, Lang::Fr) => format!("{} atteste que", c.org.name),
        (Some(n), Some(r), Lang::En) => format!(
            "I, the undersigned {n}, {r} of {}, certify that",
            c.org.name
        ),
        (Some(n), None, Lang::En) => {
            format!("I, the undersigned {n}, for {}, certify that", c.org.name)
        }
        (None, _, Lang::En) => format!("{} certifies that", c.org.name),
    };
    y = p.paragraph(
        Face::Regular,
        11.0,
        mid,
        y + 8.0,
        width,
        Align::Center,
        &attests,
    );

    // The name: large, shrunk to fit, then wrapped; never cut.
    let (ns, nl) = fit(Face::Bold, 24.0, 15.0, &c.name, pt(width));
    y = p.lines(
        Face::Bold,
        ns,
        mid,
        y + 6.0 + ns * 0.2,
        ns * 0.45,
        Align::Center,
        &nl,
    );

    // What was attended.
    let mut what = match (assiduity, lang) {
        (false, Lang::Fr) => format!("a participé à « {} »", c.title),
        (true, Lang::Fr) => format!(
            "a participé aux séances de « {} » du {} au {}",
            c.title,
            long_date(&c.period_from, lang),
            long_date(&c.period_to, lang)
        ),
        (false, Lang::En) => format!("attended “{}”", c.title),
        (true, Lang::En) => format!(
            "attended the sessions of “{}” from {} to {}",
            c.title,
            long_date(&c.period_from, lang),
            long_date(&c.period_to, lang)
        ),
    };
    if !c.place.is_empty() && !assiduity {
        what.push_str(&format!(" — {}", c.place));
    }
    if let Some(partner) = &c.partner {
        what.push_str(&tr(
            lang,
            &format!(", en partenariat avec {partner}"),
            &format!(", in partnership with {partner}"),
        ));
    }
    if !assiduity {
        what.push_str(&tr(
            lang,
            &format!(", le {}", long_date(&c.period_from, lang)),
            &format!(", on {}", long_date(&c.period_from, lang)),
        ));
    }
    what.push_str(if assiduity { " :" } else { "." });
    if lang == Lang::En && assiduity {
        what.pop();
        what.pop();
        what.push(':');
    }
    y = p.paragraph(
        Face::Regular,
        11.0,
        mid,
        y + 4.0,
        width,
        Align::Center,
        &what,
    );

    // The days.
    y += 5.0;
    let (c1, c2, c3) = (MARGIN + 4.0, MARGIN + 60.0, A4_W - MARGIN - 4.0);
    p.fill_color(0.35, 0.35, 0.35);
    p.text(
        Face::Bold,
        9.0,
        c1,
        y,
        Align::Left,
        &tr(lang, "Date", "Date"),
    );
    p.text(
        Face::Bold,
        9.0,
        c2,
        y,
        Align::Left,
        &tr(lang, "Arrivée – départ", "Arrival – departure"),
    );
    p.text(
        Face::Bold,
        9.0,
        c3,
        y,
        Align::Right,
        &tr(lang, "Durée", "Time"),
    );
    p.rule(MARGIN, A4_W - MARGIN, y + 1.8, 0.4);
    y += 6.5;
    p.fill_color(0.0, 0.0, 0.0);
    // A long series: the table keeps to its space, rows get smaller.
    let rows = c.days.len().max(1) as f32;
    let row_h = (90.0 / rows).clamp(3.6, 6.0);
    let size = (row_h * 1.75).clamp(6.5, 10.5);
    for d in &c.days {
        p.text(
            Face::Regular,
            size,
            c1,
            y,
            Align::Left,
            &long_date(&d.date, lang),
        );
        let spans: Vec<String> = d.spans.iter().map(|s| span_text(s, lang)).collect();
        p.text(Face::Regular, size, c2, y, Align::Left, &spans.join(", "));
        p.text(
            Face::Regular,
            size,
            c3,
            y,
            Align::Right,
            &duration(d.minutes, lang),
        );
        y += row_h;
    }
    p.rule(MARGIN, A4_W - MARGIN, y - row_h + 1.8, 0.4);
    y += 2.0;
    let total = tr(
        lang,
        &format!("Durée totale de présence : {}", duration(c.minutes, lang)),
        &format!("Total time attended: {}", duration(c.minutes, lang)),
    );
    p.text(Face::Bold, 11.0, c3, y, Align::Right, &total);
    y += 8.0;

    // The event's own text.
    if let Some(t) = &c.text {
        y = p.paragraph(Face::Regular, 10.0, MARGIN, y, width, Align::Left, t) + 2.0;
    }

    // Place and date of issue, signatory.
    let issued = match (&c.org.issue_place, lang) {
        (Some(pl), Lang::Fr) => format!("Fait à {pl}, le {}.", long_date(&c.issued_on, lang)),
        (None, Lang::Fr) => format!("Fait le {}.", long_date(&c.issued_on, lang)),
        (Some(pl), Lang::En) => format!("Issued in {pl} on {}.", long_date(&c.issued_on, lang)),
        (None, Lang::En) => format!("Issued on {}.", long_date(&c.issued_on, lang)),
    };
    y = y.max(200.0);
    p.text(Face::Regular, 10.5, MARGIN, y, Align::Left, &issued);
    let right = A4_W - MARGIN;
    // The signature above the signatory's name.
    let name_y = match &images.signature {
        Some(sig) => {
            let (_, h) = p.image(sig, right, y + 3.0, 48.0, 18.0);
            y + 3.0 + h + 5.0
        }
        None => y + 8.0,
    };
    if let Some(n) = &c.org.signatory_name {
        p.text(Face::Bold, 10.5, right, name_y, Align::Right, n);
    }
    if let Some(r) = &c.org.signatory_role {
        p.text(Face::Regular, 9.5, right, name_y + 5.0, Align::Right, r);
    }

    // Revoked: said across the page.
    if let Some(r) = &c.revoked {
        p.fill_color(0.75, 0.05, 0.05);
        let msg = tr(
            lang,
            &format!("RÉVOQUÉE le {} : {}", long_date(&r.on, lang), r.reason),
            &format!("REVOKED on {}: {}", long_date(&r.on, lang), r.reason),
        );
        p.paragraph(Face::Bold, 12.0, mid, 190.0, width, Align::Center, &msg);
    }

    // The QR code, the number, how to verify.
    let qr_top = A4_H - MARGIN - 32.0;
    p.qr(&c.qr, MARGIN - 3.0, qr_top, 34.0);
    p.fill_color(0.0, 0.0, 0.0);
    let tx = MARGIN + 35.0;
    let tw = A4_W - MARGIN - tx;
    p.text(
        Face::Bold,
        11.0,
        tx,
        qr_top + 9.0,
        Align::Left,
        &format!("N° {}", c.number),
    );
    p.fill_color(0.3, 0.3, 0.3);
    let how = match (&c.org.verify_url, lang) {
        (Some(u), Lang::Fr) => format!(
            "Pour vérifier cette attestation, scannez le QR code ou saisissez son numéro sur {u}. Toute modification du nom, de la date ou de la durée la rend non valide."
        ),
        (None, Lang::Fr) => "Pour vérifier cette attestation, scannez le QR code : sa signature électronique atteste le nom, la date et la durée. Toute modification la rend non valide.".to_string(),
        (Some(u), Lang::En) => format!(
            "To verify this certificate, scan the QR code or type its number at {u}. Any change to the name, date or time makes it invalid."
        ),
        (None, Lang::En) => "To verify this certificate, scan the QR code: its electronic signature attests the name, date and time. Any change makes it invalid.".to_string(),
    };
    p.paragraph(Face::Regular, 8.5, tx, qr_top + 15.0, tw, Align::Left, &how);
}

/// A certificate of invented data (a preview of the layout, the tests, the
/// benchmark): a presence at a fair, or four JobCamp mornings.
pub fn sample(
    name: &str,
    series: bool,
    key: &escale_protocol::certificate::SigningKey,
) -> CertificateView {
    use escale_core::app::{Day, OrgIdentity};
    use escale_protocol::certificate::{sign, Claim};
    let number = "7KQ2-M9X4-TPB1".to_string();
    let minutes = if series { 600 } else { 245 };
    let claim = Claim::new(
        &number,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
        minutes,
        name,
    );
    let payload = sign(key, &claim);
    let span = |start: &str, end: &str| Span {
        start: start.into(),
        end: Some(end.into()),
    };
    let days = if series {
        (0..4)
            .map(|w| Day {
                date: format!("2026-11-{:02}", 3 + 7 * w),
                spans: vec![span("09:30", "12:00")],
                minutes: 150,
            })
            .collect()
    } else {
        vec![Day {
            date: "2026-12-01".into(),
            spans: vec![span("09:05", "11:40"), span("14:00", "15:30")],
            minutes: 245,
        }]
    };
    let title = if series {
        "JobCamp Montreuil"
    } else {
        "Forum de l'emploi de Montreuil"
    };
    CertificateView {
        number,
        template: if series { ASSIDUITY } else { "presence" }.into(),
        visitor_id: uuid_of(name),
        name: name.to_string(),
        event_id: None,
        series: series.then(|| title.to_string()),
        title: title.into(),
        place: "Halle Marcel-Dufriche, Montreuil".into(),
        partner: Some("France Travail Montreuil".into()),
        text: Some(
            "Atelier de recherche d'emploi : CV, lettre de motivation, candidatures en ligne."
                .into(),
        ),
        days,
        minutes: minutes.into(),
        period_from: if series { "2026-11-03" } else { "2026-12-01" }.into(),
        period_to: if series { "2026-11-24" } else { "2026-12-01" }.into(),
        issued_on: "2026-12-01".into(),
        org: OrgIdentity {
            name: "Association Escale Numérique".into(),
            address: Some("12 rue de l'Église, 93100 Montreuil".into()),
            siret: Some("123 456 789 00012".into()),
            signatory_name: Some("Camille Durand".into()),
            signatory_role: Some("coordinatrice".into()),
            issue_place: Some("Montreuil".into()),
            verify_url: Some("https://hub.escale.example/v".into()),
            logo: Some(crate::images::sample_logo()),
            signature: Some(crate::images::sample_signature()),
            has_logo: true,
            has_signature: true,
        },
        qr: format!("https://hub.escale.example/v#{payload}"),
        payload,
        revoked: None,
        reprint: false,
    }
}

fn uuid_of(name: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes())
}

/// A file name from a person's name: letters, digits and hyphens.
pub fn file_stem(name: &str) -> String {
    let folded = escale_protocol::text::fold(name);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let s: String = words.join("-").chars().take(80).collect();
    if s.is_empty() {
        "attestation".into()
    } else {
        s
    }
}

/// Writes certificates as PDF: one file at `out`, or with `split` one file
/// per person in the folder `out` (`nom-prenom-NUMBER.pdf`). Each file is
/// written whole under a temporary name, then renamed: a full disk leaves
/// nothing half-written. The error says which file and why.
pub fn save(
    certs: &[CertificateView],
    lang: Lang,
    out: &std::path::Path,
    split: bool,
) -> Result<Vec<std::path::PathBuf>, String> {
    save_until(certs, lang, out, split, &|| true)
        .map(|files| files.expect("a batch that is never stopped ends"))
}

/// [`save`], telling `tick` of each certificate drawn; `Ok(None)` when
/// `tick` said stop — then no file of the batch is left behind.
pub fn save_until(
    certs: &[CertificateView],
    lang: Lang,
    out: &std::path::Path,
    split: bool,
    tick: Tick<'_>,
) -> Result<Option<Vec<std::path::PathBuf>>, String> {
    let save_one = crate::write_pdf;
    if !split {
        let Some(pdf) = render_until(certs, lang, tick) else {
            return Ok(None);
        };
        save_one(out, &pdf)?;
        return Ok(Some(vec![out.to_path_buf()]));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    // One file per person: rendered on every core. A failure or a stop
    // ends every part; what this batch wrote is then removed.
    let failed = std::sync::Mutex::new(None::<String>);
    let written = std::sync::Mutex::new(Vec::<std::path::PathBuf>::new());
    let files = on_every_core(certs, |part| {
        let mut files = Vec::with_capacity(part.len());
        for c in part {
            if failed.lock().expect("not poisoned").is_some() {
                return None;
            }
            let path = out.join(format!("{}-{}.pdf", file_stem(&c.name), c.number));
            let pdf = render(std::slice::from_ref(c), lang);
            if let Err(e) = save_one(&path, &pdf) {
                failed.lock().expect("not poisoned").get_or_insert(e);
                return None;
            }
            written.lock().expect("not poisoned").push(path.clone());
            files.push(path);
            if !tick() {
                return None;
            }
        }
        Some(files)
    });
    if files.is_some() {
        return Ok(files);
    }
    let written = written.into_inner().expect("not poisoned");
    for f in &written {
        let _ = std::fs::remove_file(f);
    }
    match failed.into_inner().expect("not poisoned") {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

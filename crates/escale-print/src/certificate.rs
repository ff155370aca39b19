//! The A4 attendance certificate.
//!
//! Named parts, top to bottom: the organisation's identity (name, address,
//! SIRET); the title (the template's name); who attests; the person's name,
//! large, shrunk then wrapped — never cut; what was attended (event, place,
//! partner, date — or the series and its period); the table of days with
//! arrival and departure times and durations; the total; the event's own
//! text; place and date of issue and the signatory; the QR code with the
//! number and how to verify it.

use crate::canvas::{fit, Align, Face, Fonts, Page};
use escale_core::app::certificates::ASSIDUITY;
use escale_core::app::{CertificateView, Span};
use escale_protocol::Lang;
use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

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

/// One PDF with one page per certificate.
pub fn render(certs: &[CertificateView], lang: Lang) -> Vec<u8> {
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
    let pages: Vec<PdfPage> = certs
        .iter()
        .map(|c| PdfPage::new(Mm(A4_W), Mm(A4_H), page(&fonts, c, lang)))
        .collect();
    doc.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn page(fonts: &Fonts, c: &CertificateView, lang: Lang) -> Vec<printpdf::Op> {
    let mut p = Page::new(fonts, A4_H);
    let width = A4_W - 2.0 * MARGIN;
    let mid = A4_W / 2.0;
    let pt = |mm: f32| mm * 72.0 / 25.4;

    // The organisation.
    p.fill_color(0.1, 0.2, 0.35);
    let mut y = MARGIN + 5.0;
    y = p.paragraph(Face::Bold, 13.0, MARGIN, y, width, Align::Left, &c.org.name);
    p.fill_color(0.25, 0.25, 0.25);
    if let Some(a) = &c.org.address {
        y = p.paragraph(Face::Regular, 9.0, MARGIN, y, width, Align::Left, a);
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
    if let Some(n) = &c.org.signatory_name {
        p.text(Face::Bold, 10.5, right, y + 8.0, Align::Right, n);
    }
    if let Some(r) = &c.org.signatory_role {
        p.text(Face::Regular, 9.5, right, y + 13.0, Align::Right, r);
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
    p.ops
}

//! `escale certificate|badge|printer|org`: certificates and badges as PDF
//! (`escale-print`), printed through the system's printers, verified.

use crate::args::{
    BadgeCommand, BadgePrintArgs, CertificateCommand, CertificateSelect, LangArg, OrgCommand,
    OrgImageArgs, OrgSetArgs, PrinterArgs, PrinterCommand,
};
use crate::output::{fields, or_dash, table, Failure, Reply, Ui};
use escale_core::app::{CertificateView, OrgIdentity, OrgImage};
use escale_core::{Error, Escale};
use escale_print::badge::{self, BadgeSize};
use escale_print::printer::{self, PrintError};
use escale_protocol::catalogue::{m, Problem};
use escale_protocol::certificate::name_hash;
use escale_protocol::Lang;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub async fn run(app: &Escale, c: CertificateCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        CertificateCommand::Issue(a) => {
            let certs = select(app, &a.select).await?;
            let lang = doc_lang(a.select.doc_lang);
            let files = write(&certs, lang, &a.out, a.split)?;
            let text = format!(
                "{} {}\n{}",
                certs.len(),
                ui.t("attestation(s) :", "certificate(s):"),
                files
                    .iter()
                    .map(|f| format!("  {}\n", f.display()))
                    .collect::<String>()
            );
            Reply::new(
                &json!({ "certificates": summary(&certs), "files": files }),
                text,
            )
        }
        CertificateCommand::Print(a) => {
            let certs = select(app, &a.select).await?;
            let pdf = escale_print::certificate::render(&certs, doc_lang(a.select.doc_lang));
            let title = escale_print::certificate::job_title(&certs);
            let outcome = send(&a.printer, &pdf, &title, ui)?;
            Reply::new(
                &json!({ "certificates": summary(&certs), "job": outcome.0 }),
                format!(
                    "{} {}\n{}",
                    certs.len(),
                    ui.t("attestation(s) envoyée(s).", "certificate(s) sent."),
                    outcome.1
                ),
            )
        }
        CertificateCommand::Verify(a) => verify(app, &a.code, ui).await,
        CertificateCommand::List(a) => {
            let rows = app
                .certificates(a.event.as_deref(), a.visitor.as_deref())
                .await?;
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.number.clone(),
                        r.name.clone(),
                        if r.period_from == r.period_to {
                            r.period_from.clone()
                        } else {
                            format!("{} → {}", r.period_from, r.period_to)
                        },
                        escale_print::certificate::duration(r.minutes, ui.lang),
                        if r.revoked {
                            ui.t("révoquée", "revoked").to_string()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            let text = table(
                &[
                    ui.t("Numéro", "Number"),
                    ui.t("Nom", "Name"),
                    ui.t("Date", "Date"),
                    ui.t("Durée", "Time"),
                    "",
                ],
                &lines,
            );
            Reply::new(&rows, text)
        }
        CertificateCommand::Revoke(a) => {
            let row = app.revoke_certificate(&a.number, &a.reason).await?;
            Reply::new(
                &row,
                format!(
                    "{} {} {}\n",
                    ui.t("Attestation", "Certificate"),
                    row.number,
                    ui.t("révoquée.", "revoked.")
                ),
            )
        }
    }
}

fn doc_lang(l: LangArg) -> Lang {
    match l {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    }
}

fn summary(certs: &[CertificateView]) -> serde_json::Value {
    json!(certs
        .iter()
        .map(|c| json!({
            "number": c.number,
            "name": c.name,
            "minutes": c.minutes,
            "reprint": c.reprint,
            "payload": c.payload,
        }))
        .collect::<Vec<_>>())
}

async fn select(app: &Escale, s: &CertificateSelect) -> Result<Vec<CertificateView>, Failure> {
    if let Some(n) = &s.number {
        return Ok(vec![app.certificate(n).await?]);
    }
    if let Some(series) = &s.series {
        let (Some(from), Some(to), Some(v)) = (&s.from, &s.to, &s.visitor) else {
            return Err(Error::Required { field: "from" }.into());
        };
        return Ok(vec![
            app.issue_series_certificate(v, series, from, to).await?,
        ]);
    }
    let event = s
        .event
        .as_deref()
        .ok_or(Error::Required { field: "event" })?;
    Ok(match &s.visitor {
        Some(v) => vec![app.issue_certificate(v, event).await?],
        None => app.issue_event_certificates(event).await?,
    })
}

/// Writes the PDF(s) (see `escale_print::certificate::save`).
fn write(
    certs: &[CertificateView],
    lang: Lang,
    out: &Path,
    split: bool,
) -> Result<Vec<PathBuf>, Failure> {
    escale_print::certificate::save(certs, lang, out, split).map_err(|e| {
        Failure::Core(Error::Invalid {
            field: "out",
            value: e,
        })
    })
}

fn print_failure(e: PrintError) -> Failure {
    Failure::of(&e)
}

/// Sends a PDF; returns the job as JSON and a sentence.
fn send(
    p: &PrinterArgs,
    pdf: &[u8],
    title: &str,
    ui: Ui,
) -> Result<(serde_json::Value, String), Failure> {
    let name = match &p.printer {
        Some(n) => n.clone(),
        None => printer::printers()
            .map_err(print_failure)?
            .into_iter()
            .find(|q| q.is_default)
            .map(|q| q.name)
            .ok_or_else(|| print_failure(PrintError::NotFound("(default)".into())))?,
    };
    let job = printer::print(&name, pdf, p.copies, title, Duration::from_secs(20))
        .map_err(print_failure)?;
    let text = match &job.waiting {
        None => format!(
            "{} {} ({}).\n",
            ui.t(
                "Travail accepté par l'imprimante",
                "Job accepted by printer"
            ),
            job.printer,
            job.job
        ),
        Some(why) => format!(
            "{} {} ({}) : {why}. {}\n",
            ui.t(
                "Le travail attend dans la file de",
                "The job is waiting in the queue of"
            ),
            job.printer,
            job.job,
            ui.t(
                "Il partira quand l'imprimante sera prête ; rien n'est perdu.",
                "It will print once the printer is ready; nothing is lost."
            )
        ),
    };
    Ok((serde_json::to_value(&job).unwrap_or_default(), text))
}

/// The payloads and the title a certificate PDF carries in its metadata.
fn pdf_metadata(bytes: &[u8]) -> (Vec<String>, Option<String>) {
    let text = String::from_utf8_lossy(bytes);
    let field = |key: &str| -> Option<String> {
        let at = text.find(&format!("/{key}"))? + key.len() + 1;
        let rest = text[at..].trim_start();
        if let Some(hex) = rest.strip_prefix('<') {
            let hex = &hex[..hex.find('>')?];
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                .collect();
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            let s = String::from_utf16_lossy(&units);
            Some(s.trim_start_matches('\u{feff}').to_string())
        } else if let Some(lit) = rest.strip_prefix('(') {
            Some(lit[..lit.find(')')?].to_string())
        } else {
            None
        }
    };
    let payloads = field("Subject")
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    (payloads, field("Title"))
}

async fn verify(app: &Escale, code: &str, ui: Ui) -> Result<Reply, Failure> {
    let path = Path::new(code);
    let (codes, title) = if code.to_lowercase().ends_with(".pdf") || path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| {
            Failure::Core(Error::Invalid {
                field: "file",
                value: format!("{code}: {e}"),
            })
        })?;
        let (p, t) = pdf_metadata(&bytes);
        if p.is_empty() {
            return Err(Error::CertificateMalformed.into());
        }
        (p, t)
    } else {
        (vec![code.to_string()], None)
    };
    let mut results = vec![];
    let mut text = String::new();
    for c in &codes {
        let v = app.verify_certificate(c).await?;
        // A PDF of one certificate: the name in its title must be the one signed.
        if let (Some(t), [_]) = (&title, &codes[..]) {
            if let Some((_, name)) = t.split_once(" — ") {
                let signed = c.rsplit('.').nth(1).unwrap_or_default();
                if name_hash(name) != signed {
                    return Err(Failure::Problem(Problem::new(&m::CERTIFICATE_TAMPERED)));
                }
            }
        }
        text += &format!(
            "{}\n{}",
            ui.t("Attestation VALIDE.", "Certificate VALID."),
            fields(
                ui,
                &[
                    (ui.t("Numéro", "Number"), v.number.clone()),
                    (ui.t("Nom", "Name"), v.name.clone()),
                    (ui.t("Date", "Date"), v.date.clone()),
                    (
                        ui.t("Durée", "Time"),
                        escale_print::certificate::duration(v.minutes, ui.lang)
                    ),
                    (
                        ui.t("Connue ici", "Known here"),
                        or_dash(Some(if v.known {
                            ui.t("oui", "yes")
                        } else {
                            ui.t("non (pas encore synchronisée)", "no (not synced yet)")
                        }))
                    ),
                ],
            )
        );
        if v.superseded {
            text += ui.t(
                "Une réimpression plus récente indique une autre durée.\n",
                "A later reprint states another time.\n",
            );
        }
        results.push(v);
    }
    Reply::new(&results, text)
}

pub async fn badge(app: &Escale, c: BadgeCommand, ui: Ui) -> Result<Reply, Failure> {
    let BadgeCommand::Print(a) = c;
    badge_print(app, &a, ui).await
}

async fn badge_print(app: &Escale, a: &BadgePrintArgs, ui: Ui) -> Result<Reply, Failure> {
    let size = BadgeSize::parse(&a.size).ok_or_else(|| Error::Invalid {
        field: "size",
        value: a.size.clone(),
    })?;
    let org = app.org_identity().await?;
    let badges = app.badges(&a.event.event, &a.visitors).await?;
    let pdf = badge::render(&badges, &org.name, size, a.start.saturating_sub(1));
    if let Some(out) = &a.out {
        let files = write_file(out, &pdf)?;
        return Reply::new(
            &json!({ "badges": badges.len(), "file": files }),
            format!("{} badge(s) : {}\n", badges.len(), out.display()),
        );
    }
    let (job, text) = send(&a.printer, &pdf, &format!("Badges ({})", badges.len()), ui)?;
    Reply::new(
        &json!({ "badges": badges.len(), "job": job }),
        format!("{} badge(s). {text}", badges.len()),
    )
}

fn write_file(out: &Path, bytes: &[u8]) -> Result<PathBuf, Failure> {
    escale_print::write_pdf(out, bytes).map_err(|e| {
        Failure::Core(Error::Invalid {
            field: "out",
            value: e,
        })
    })?;
    Ok(out.to_path_buf())
}

pub fn printer(c: PrinterCommand, ui: Ui) -> Result<Reply, Failure> {
    let PrinterCommand::List = c;
    let list = printer::printers().map_err(print_failure)?;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            vec![
                format!("{}{}", p.name, if p.is_default { " *" } else { "" }),
                if p.enabled {
                    ui.t("prête", "ready").to_string()
                } else {
                    ui.t("arrêtée", "stopped").to_string()
                },
                p.state.clone(),
            ]
        })
        .collect();
    let text = if rows.is_empty() {
        ui.t("Aucune imprimante.\n", "No printer.\n").to_string()
    } else {
        table(
            &[ui.t("Imprimante", "Printer"), ui.t("État", "State"), ""],
            &rows,
        )
    };
    Reply::new(&list, text)
}

pub async fn org(app: &Escale, c: OrgCommand, ui: Ui) -> Result<Reply, Failure> {
    let id = match c {
        OrgCommand::Show => app.org_identity().await?,
        OrgCommand::Set(a) => {
            app.set_org_identity(&merge(app.org_identity().await?, a))
                .await?
        }
        OrgCommand::Logo(a) => set_image(app, OrgImage::Logo, a).await?,
        OrgCommand::Signature(a) => set_image(app, OrgImage::Signature, a).await?,
    };
    let text = fields(
        ui,
        &[
            (ui.t("Organisation", "Organisation"), id.name.clone()),
            (
                ui.t("Adresse", "Address"),
                or_dash(id.address.as_deref()).replace('\n', ", "),
            ),
            ("SIRET", or_dash(id.siret.as_deref())),
            (
                ui.t("Signataire", "Signatory"),
                or_dash(id.signatory_name.as_deref()),
            ),
            (
                ui.t("Fonction", "Role"),
                or_dash(id.signatory_role.as_deref()),
            ),
            (
                ui.t("Lieu de délivrance", "Place of issue"),
                or_dash(id.issue_place.as_deref()),
            ),
            (
                ui.t("Page de vérification", "Verification page"),
                or_dash(id.verify_url.as_deref()),
            ),
            (ui.t("Logo", "Logo"), yes_no(id.has_logo, ui)),
            (ui.t("Signature", "Signature"), yes_no(id.has_signature, ui)),
        ],
    );
    Reply::new(&id, text)
}

fn yes_no(b: bool, ui: Ui) -> String {
    if b {
        ui.t("oui", "yes")
    } else {
        ui.t("non", "no")
    }
    .to_string()
}

/// Reads an image file, makes it small (PNG) and sets it.
async fn set_image(app: &Escale, which: OrgImage, a: OrgImageArgs) -> Result<OrgIdentity, Failure> {
    let png = match &a.file {
        None => None,
        Some(path) => {
            let max = match which {
                OrgImage::Logo => escale_print::images::LOGO_MAX,
                OrgImage::Signature => escale_print::images::SIGNATURE_MAX,
            };
            Some(escale_print::images::prepare_file(path, max).map_err(|e| Failure::of(&e))?)
        }
    };
    app.set_org_image(which, png.as_deref()).await?;
    Ok(app.org_identity().await?)
}

fn merge(mut id: OrgIdentity, a: OrgSetArgs) -> OrgIdentity {
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if let Some(v) = v {
            *slot = Some(v.replace("\\n", "\n")).filter(|s| !s.trim().is_empty());
        }
    };
    if let Some(n) = a.name {
        id.name = n;
    }
    set(&mut id.address, a.address);
    set(&mut id.siret, a.siret);
    set(&mut id.signatory_name, a.signatory);
    set(&mut id.signatory_role, a.role);
    set(&mut id.issue_place, a.issue_place);
    set(&mut id.verify_url, a.verify_url);
    id
}

//! Attendance certificates and name badges from the desk: a preview (the
//! page as SVG, drawn like the PDF), printing through the system's printers,
//! saving as PDF, and the organisation's identity certificates print.

use escale_core::app::{CertificateView, OrgIdentity, OrgImage};
use escale_core::Lang;
use escale_print::badge::BadgeSize;
use escale_print::printer::{JobOutcome, PrintError, Printer};
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;

/// A certificate and its first page, drawn as SVG.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CertificatePreview {
    pub certificate: CertificateView,
    pub svg: String,
}

/// What printing or saving certificates did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CertificatesReport {
    /// Certificates in the job or the files.
    pub count: u32,
    /// Of them, printed before with the same content.
    pub reprints: u32,
    /// The print job (when printed).
    pub job: Option<JobOutcome>,
    /// The files written (when saved).
    pub files: Vec<String>,
    /// Cancelled before anything was printed or saved (the certificates
    /// keep their numbers: printing them later gives the same ones).
    pub cancelled: bool,
}

fn print_error(e: PrintError, lang: Lang) -> ErrorBody {
    ErrorBody::of_problem(
        &escale_protocol::catalogue::Describe::describe(&e),
        Some("printer"),
        lang,
    )
}

/// The certificate of one person at an event, not yet issued.
#[tauri::command]
pub async fn certificate_preview(
    state: State<'_, AppState>,
    visitor_id: String,
    event_id: String,
    lang: Lang,
) -> Result<CertificatePreview, ErrorBody> {
    let certificate = state
        .escale
        .preview_certificate(&visitor_id, &event_id)
        .await
        .map_err(|e| state.error(e))?;
    let svg = escale_print::certificate::preview_svg(&certificate, lang);
    Ok(CertificatePreview { certificate, svg })
}

/// Issues the certificates of some people at an event (everyone who
/// arrived when `visitor_ids` is null).
async fn issue(
    state: &AppState,
    event_id: &str,
    visitor_ids: Option<Vec<String>>,
) -> Result<Vec<CertificateView>, ErrorBody> {
    match visitor_ids {
        Some(ids) if ids.len() == 1 => state
            .escale
            .issue_certificate(&ids[0], event_id)
            .await
            .map(|c| vec![c]),
        Some(ids) => state.escale.issue_certificates_for(event_id, &ids).await,
        None => state.escale.issue_event_certificates(event_id).await,
    }
    .map_err(|e| state.error(e))
}

/// Runs `f` (rendering, the print spooler, files) off the async threads.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ErrorBody> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| state.error(escale_core::Error::Internal(e.to_string())))
}

impl CertificatesReport {
    /// How many certificates, and how many were printed before.
    fn of(certs: &[CertificateView]) -> CertificatesReport {
        CertificatesReport {
            count: certs.len() as u32,
            reprints: certs.iter().filter(|c| c.reprint).count() as u32,
            job: None,
            files: vec![],
            cancelled: false,
        }
    }

    fn cancelled(self) -> CertificatesReport {
        CertificatesReport {
            cancelled: true,
            ..self
        }
    }
}

/// Issues and prints certificates: one job, `copies` of each page. With a
/// `job` id, reports [`crate::jobs::PROGRESS_EVENT`] and may be cancelled
/// ([`cancel_job`]) until the job goes to the printer.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn print_certificates<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    event_id: String,
    visitor_ids: Option<Vec<String>>,
    printer: String,
    copies: u32,
    lang: Lang,
    job: Option<String>,
) -> Result<CertificatesReport, ErrorBody> {
    let job = state.jobs.start(&app, job);
    job.report("issue", 0, 0);
    let certs = issue(&state, &event_id, visitor_ids).await?;
    let report = CertificatesReport::of(&certs);
    let ui_lang = state.lang();
    let outcome = blocking(&state, move || {
        let total = certs.len() as u32;
        let Some(pdf) =
            escale_print::certificate::render_until(&certs, lang, &job.ticker("render", total))
        else {
            return Ok(None);
        };
        if job.cancelled() {
            return Ok(None);
        }
        job.report("print", 0, 1);
        let title = escale_print::certificate::job_title(&certs);
        escale_print::printer::print(&printer, &pdf, copies, &title, Duration::from_secs(10))
            .map(Some)
    })
    .await?;
    match outcome {
        Err(e) => Err(print_error(e, ui_lang)),
        Ok(None) => Ok(report.cancelled()),
        Ok(Some(printed)) => Ok(CertificatesReport {
            job: Some(printed),
            ..report
        }),
    }
}

/// Issues certificates and saves them as PDF: one file at `path`, or with
/// `split`, one file per person (named after them) in the folder `path`.
/// With a `job` id, reports progress and may be cancelled: then no file of
/// the batch is left.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn save_certificates<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    event_id: String,
    visitor_ids: Option<Vec<String>>,
    path: String,
    split: bool,
    lang: Lang,
    job: Option<String>,
) -> Result<CertificatesReport, ErrorBody> {
    let job = state.jobs.start(&app, job);
    job.report("issue", 0, 0);
    let certs = issue(&state, &event_id, visitor_ids).await?;
    let report = CertificatesReport::of(&certs);
    let saved = blocking(&state, move || {
        let tick = job.ticker("render", certs.len() as u32);
        escale_print::certificate::save_until(
            &certs,
            lang,
            std::path::Path::new(&path),
            split,
            &tick,
        )
    })
    .await?
    .map_err(|e| {
        state.error(escale_core::Error::Invalid {
            field: "path",
            value: e,
        })
    })?;
    Ok(match saved {
        None => report.cancelled(),
        Some(files) => CertificatesReport {
            files: files.iter().map(|f| f.display().to_string()).collect(),
            ..report
        },
    })
}

/// Asks the batch the UI started under `job` to stop; false when it ended
/// already.
#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job: String) -> bool {
    state.jobs.cancel(&job)
}

/// The system's printers, the default first.
#[tauri::command]
pub async fn list_printers(state: State<'_, AppState>) -> Result<Vec<Printer>, ErrorBody> {
    let lang = state.lang();
    blocking(&state, escale_print::printer::printers)
        .await?
        .map_err(|e| print_error(e, lang))
}

/// The organisation's identity as certificates print it.
#[tauri::command]
pub async fn org_identity(state: State<'_, AppState>) -> Result<OrgIdentity, ErrorBody> {
    state
        .escale
        .org_identity()
        .await
        .map_err(|e| state.error(e))
}

/// Sets it (one op, synced to every laptop).
#[tauri::command]
pub async fn set_org_identity(
    state: State<'_, AppState>,
    identity: OrgIdentity,
) -> Result<OrgIdentity, ErrorBody> {
    state
        .escale
        .set_org_identity(&identity)
        .await
        .map_err(|e| state.error(e))
}

/// What printing or saving badges did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BadgesReport {
    pub count: u32,
    /// The print job (when printed).
    pub job: Option<JobOutcome>,
    /// The file written (when saved).
    pub file: Option<String>,
}

/// The badges' PDF of some people registered at an event (all when null).
async fn badges_pdf(
    state: &AppState,
    event_id: &str,
    visitor_ids: Option<Vec<String>>,
    size: BadgeSize,
    start: u32,
) -> Result<(u32, Vec<u8>), ErrorBody> {
    let org = state
        .escale
        .org_identity()
        .await
        .map_err(|e| state.error(e))?;
    let badges = state
        .escale
        .badges(event_id, &visitor_ids.unwrap_or_default())
        .await
        .map_err(|e| state.error(e))?;
    let count = badges.len() as u32;
    let pdf = blocking(state, move || {
        escale_print::badge::render(&badges, &org.name, size, start.saturating_sub(1) as usize)
    })
    .await?;
    Ok((count, pdf))
}

/// Prints name badges; `start` is the first free label of a sheet (1: top left).
#[tauri::command]
pub async fn print_badges(
    state: State<'_, AppState>,
    event_id: String,
    visitor_ids: Option<Vec<String>>,
    size: BadgeSize,
    start: u32,
    printer: String,
    copies: u32,
) -> Result<BadgesReport, ErrorBody> {
    let (count, pdf) = badges_pdf(&state, &event_id, visitor_ids, size, start).await?;
    let lang = state.lang();
    let job = blocking(&state, move || {
        let title = format!("Badges ({count})");
        escale_print::printer::print(&printer, &pdf, copies, &title, Duration::from_secs(10))
    })
    .await?
    .map_err(|e| print_error(e, lang))?;
    Ok(BadgesReport {
        count,
        job: Some(job),
        file: None,
    })
}

/// Saves name badges as one PDF at `path`.
#[tauri::command]
pub async fn save_badges(
    state: State<'_, AppState>,
    event_id: String,
    visitor_ids: Option<Vec<String>>,
    size: BadgeSize,
    start: u32,
    path: String,
) -> Result<BadgesReport, ErrorBody> {
    let (count, pdf) = badges_pdf(&state, &event_id, visitor_ids, size, start).await?;
    escale_print::write_pdf(std::path::Path::new(&path), &pdf).map_err(|e| {
        state.error(escale_core::Error::Invalid {
            field: "path",
            value: e,
        })
    })?;
    Ok(BadgesReport {
        count,
        job: None,
        file: Some(path),
    })
}

/// Sets the organisation's logo or signature from an image file (PNG or
/// JPEG, made small), or removes it (`path` null).
#[tauri::command]
pub async fn set_org_image(
    state: State<'_, AppState>,
    which: OrgImage,
    path: Option<String>,
) -> Result<OrgIdentity, ErrorBody> {
    let png = match path {
        None => None,
        Some(path) => {
            let max = match which {
                OrgImage::Logo => escale_print::images::LOGO_MAX,
                OrgImage::Signature => escale_print::images::SIGNATURE_MAX,
            };
            let lang = state.lang();
            let made = blocking(&state, move || {
                escale_print::images::prepare_file(std::path::Path::new(&path), max)
            })
            .await?;
            Some(made.map_err(|e| {
                ErrorBody::of_problem(
                    &escale_protocol::catalogue::Describe::describe(&e),
                    Some("path"),
                    lang,
                )
            })?)
        }
    };
    state
        .escale
        .set_org_image(which, png.as_deref())
        .await
        .map_err(|e| state.error(e))?;
    state
        .escale
        .org_identity()
        .await
        .map_err(|e| state.error(e))
}

/// An event's partner and the text its certificates print (`None` leaves
/// one as it is, an empty text removes it).
#[tauri::command]
pub async fn set_event_certificate(
    state: State<'_, AppState>,
    event_id: String,
    partner: Option<String>,
    text: Option<String>,
) -> Result<(), ErrorBody> {
    state
        .escale
        .set_event_certificate(&event_id, partner.as_deref(), text.as_deref())
        .await
        .map_err(|e| state.error(e))
}

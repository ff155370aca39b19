//! A person's own document printed through Escale (a CV, a form filled in
//! on a public computer): its pages, times the copies, count against the
//! person's daily print quota (`escale_core::app::prints`). The quota is
//! checked before anything is sent; the pages are counted once the
//! printer has accepted the job.

use crate::printer::{self, JobOutcome, PrintError};
use escale_core::app::PrintQuota;
use escale_core::Escale;
use escale_protocol::catalogue::{m, Describe, Problem};
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// The largest document accepted.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Core(#[from] escale_core::Error),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("{file} is not a readable PDF: {detail}")]
    NotAPdf { file: String, detail: String },
}

impl Describe for DocumentError {
    fn describe(&self) -> Problem {
        match self {
            DocumentError::Core(e) => e.describe(),
            DocumentError::Print(e) => e.describe(),
            DocumentError::NotAPdf { file, detail } => Problem::new(&m::PRINT_NOT_A_PDF)
                .arg("file", file)
                .arg("detail", detail),
        }
    }
}

/// What printing a document did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct DocumentPrinted {
    pub job: JobOutcome,
    /// Pages of the document, and pages counted (times the copies).
    pub pages: u32,
    pub counted: u32,
    pub quota: PrintQuota,
}

/// The pages of a PDF (a damaged or encrypted one is refused).
pub fn pages(pdf: &[u8], file: &str) -> Result<u32, DocumentError> {
    let not = |detail: String| DocumentError::NotAPdf {
        file: file.to_string(),
        detail,
    };
    if !pdf.starts_with(b"%PDF-") {
        return Err(not("%PDF".into()));
    }
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| not(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(not("encrypted".into()));
    }
    match doc.get_pages().len() {
        0 => Err(not("0 page".into())),
        n => Ok(n as u32),
    }
}

/// Prints `path` for `visitor` on `printer`, `copies` times, within their
/// quota.
pub async fn print_for(
    app: &Escale,
    visitor: &str,
    path: &Path,
    printer_name: &str,
    copies: u32,
) -> Result<DocumentPrinted, DocumentError> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let not = |detail: String| DocumentError::NotAPdf {
        file: file.clone(),
        detail,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| not(e.to_string()))?
        .len();
    if size > MAX_BYTES {
        return Err(not(format!("{} MB", size / 1_000_000)));
    }
    let pdf = std::fs::read(path).map_err(|e| not(e.to_string()))?;
    let pages = pages(&pdf, &file)?;
    let copies = copies.clamp(1, 99);
    let counted = pages * copies;
    // Refused before anything is sent when it would go over the quota.
    app.check_print(visitor, counted as i64).await?;
    let job = printer::print(printer_name, &pdf, copies, &file, Duration::from_secs(20))?;
    let quota = app.count_printed(visitor, counted as i64).await?;
    Ok(DocumentPrinted {
        job,
        pages,
        counted,
        quota,
    })
}

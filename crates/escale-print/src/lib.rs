//! Escale's printed documents and printing.
//!
//! - [`certificate`]: the A4 attendance certificate (templates "attestation
//!   de présence" and "attestation d'assiduité"), French or English;
//! - [`badge`]: name badges on the label and sheet sizes people use;
//! - [`printer`]: the operating system's printers (CUPS: `lpstat`, `lp`);
//! - [`images`]: the organisation's logo and signature, made small PNGs.
//!
//! Documents are drawn with `printpdf` — no HTML engine, no browser — in
//! DejaVu Sans, embedded and subset (`fonts/`, with its licence): the
//! built-in PDF fonts know only Windows-1252, and names carry Ł, ễ or Ö.
//! The layout is code with named parts (`canvas`), not a free-form editor.

pub mod access;
pub mod badge;
mod canvas;
pub mod certificate;
pub mod document;
pub mod images;
pub mod printer;
pub mod report;

pub use canvas::qr_version;

/// Writes a PDF whole under a temporary name, then renames it: a full disk
/// or a crash leaves nothing half-written. The error names the file.
pub fn write_pdf(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("pdf.part");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: {e}", path.display())
        })
}

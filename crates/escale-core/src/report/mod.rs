//! Partner reports: the figures ([`compute`], the one place they are
//! computed), small-count suppression ([`suppress`], applied to every
//! exported partner report) and the exports (CSV, XLSX, la Coop's activity
//! file; the PDF is drawn by `escale-print`).

pub mod compute;
pub mod coop;
pub mod export;
mod read;
pub mod suppress;

pub use compute::{Chart, Headline, Report, ReportQuery, Scope, ScopeKind, Table, TableRow, Text};

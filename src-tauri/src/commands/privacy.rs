//! Privacy, for coordinators: the audit log of access to personal data,
//! the right of access, consents, anonymisation and erasure, and the
//! retention periods. Each command's role check is the core's.

use std::path::PathBuf;

use escale_core::app::retention::{Retention, RetentionPreview};
use escale_core::app::{AuditEntry, AuditFilter, ConsentInput};
use tauri::State;
use uuid::Uuid;

use crate::error::ErrorBody;
use crate::state::AppState;

/// The audit log, newest first (coordinators only), each detail worded in
/// the UI's language.
#[tauri::command]
pub async fn audit_log(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, ErrorBody> {
    let lang = state.lang();
    let mut entries = state
        .escale
        .audit_log(&filter)
        .await
        .map_err(|e| state.error(e))?;
    for e in &mut entries {
        e.detail = escale_core::app::audit::detail_text(&e.action, &e.detail, lang);
    }
    Ok(entries)
}

/// Writes the entries `filter` selects to `path` as CSV (French Excel);
/// returns how many.
#[tauri::command]
pub async fn export_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
    path: String,
) -> Result<usize, ErrorBody> {
    let lang = state.lang();
    state
        .escale
        .export_audit(&filter, &PathBuf::from(path), lang)
        .await
        .map_err(|e| state.error(e))
}

/// Days the audit log keeps its entries.
#[tauri::command]
pub async fn audit_retention_days(state: State<'_, AppState>) -> Result<i64, ErrorBody> {
    state
        .escale
        .audit_retention_days()
        .await
        .map_err(|e| state.error(e))
}

/// Sets how long the audit log keeps its entries (30 to 3650 days).
#[tauri::command]
pub async fn set_audit_retention_days(
    state: State<'_, AppState>,
    days: i64,
) -> Result<i64, ErrorBody> {
    state
        .escale
        .set_audit_retention_days(days)
        .await
        .map_err(|e| state.error(e))
}

/// Everything Escale holds on a person (right of access), written to
/// `path`: JSON when it ends in `.json`, else a PDF in the UI's language.
/// Returns the number of rows handed over.
#[tauri::command]
pub async fn export_visitor_data(
    state: State<'_, AppState>,
    visitor_id: String,
    path: String,
) -> Result<usize, ErrorBody> {
    let lang = state.lang();
    let report = state
        .escale
        .access_report(&visitor_id)
        .await
        .map_err(|e| state.error(e))?;
    escale_print::access::save_as(&report, &PathBuf::from(path), lang)
        .map_err(|e| state.error(escale_core::Error::Export(e)))?;
    Ok(report.sections.iter().map(|s| s.rows.len()).sum())
}

/// Records a person's answer for one consent purpose (withdrawn or given).
#[tauri::command]
pub async fn set_consent(
    state: State<'_, AppState>,
    visitor_id: String,
    consent: ConsentInput,
) -> Result<(), ErrorBody> {
    state
        .escale
        .set_consent(&visitor_id, &consent)
        .await
        .map_err(|e| state.error(e))
}

/// Erases a person and every record merged into them, for good.
#[tauri::command]
pub async fn erase_visitor(
    state: State<'_, AppState>,
    visitor_id: String,
) -> Result<Vec<Uuid>, ErrorBody> {
    state
        .escale
        .erase(&visitor_id)
        .await
        .map_err(|e| state.error(e))
}

/// Anonymises a person now: who they were goes, the figures stay.
#[tauri::command]
pub async fn anonymise_visitor(
    state: State<'_, AppState>,
    visitor_id: String,
) -> Result<Uuid, ErrorBody> {
    state
        .escale
        .anonymise(&visitor_id)
        .await
        .map_err(|e| state.error(e))
}

/// Who retention will anonymise, and when.
#[tauri::command]
pub async fn retention_preview(state: State<'_, AppState>) -> Result<RetentionPreview, ErrorBody> {
    state
        .escale
        .retention_preview()
        .await
        .map_err(|e| state.error(e))
}

/// Sets the retention periods (months after the last visit; the shorter
/// one for name-only walk-ins).
#[tauri::command]
pub async fn set_retention(
    state: State<'_, AppState>,
    months: i64,
    walkin_months: i64,
) -> Result<Retention, ErrorBody> {
    state
        .escale
        .set_retention(months, walkin_months)
        .await
        .map_err(|e| state.error(e))
}

/// Anonymises now everyone whose period has passed; returns how many.
#[tauri::command]
pub async fn anonymise_due(state: State<'_, AppState>) -> Result<usize, ErrorBody> {
    state
        .escale
        .anonymise_due()
        .await
        .map_err(|e| state.error(e))
}

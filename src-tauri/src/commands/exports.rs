//! Export of an event to a file the person chose (CSV for French Excel, or XLSX).

use std::path::PathBuf;

use escale_core::export::{ExportFormat, ExportReport};
use tauri::State;

use crate::error::ErrorBody;
use crate::state::AppState;

/// Writes the event's people to `path` atomically; headers in the UI's language.
#[tauri::command]
pub async fn export_event(
    state: State<'_, AppState>,
    event_id: String,
    format: ExportFormat,
    path: String,
) -> Result<ExportReport, ErrorBody> {
    let lang = state.lang();
    state
        .escale
        .export(&event_id, format, &PathBuf::from(path), lang)
        .await
        .map_err(|e| state.error(e))
}

//! The mediation log and partner reports: record and list help, compute a
//! report (exact figures, for the screen), and write its files through
//! `escale_print::report::write` (the one way the CLI writes them too).

use std::path::PathBuf;

use escale_core::app::{MediationFilter, MediationInput, MediationView};
use escale_core::report::export::ReportFormat;
use escale_core::report::{Report, ReportQuery};
use escale_print::report::Written;
use tauri::State;

use crate::error::ErrorBody;
use crate::state::AppState;

#[tauri::command]
pub async fn add_mediation(
    state: State<'_, AppState>,
    input: MediationInput,
) -> Result<MediationView, ErrorBody> {
    state
        .escale
        .add_mediation(&input)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn list_mediations(
    state: State<'_, AppState>,
    filter: MediationFilter,
) -> Result<Vec<MediationView>, ErrorBody> {
    state
        .escale
        .mediations(&filter)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn delete_mediation(state: State<'_, AppState>, id: String) -> Result<(), ErrorBody> {
    state
        .escale
        .delete_mediation(&id)
        .await
        .map_err(|e| state.error(e))
}

/// The report of an event, a series or a period, with every figure exact
/// (the screen is the coordinator's; files are suppressed).
#[tauri::command]
pub async fn report(state: State<'_, AppState>, query: ReportQuery) -> Result<Report, ErrorBody> {
    state
        .escale
        .report(&query)
        .await
        .map_err(|e| state.error(e))
}

/// Writes the report as PDF, CSV or XLSX (small counts hidden), or la
/// Coop's activity file, at `path`, in the UI's language.
#[tauri::command]
pub async fn save_report(
    state: State<'_, AppState>,
    query: ReportQuery,
    format: ReportFormat,
    path: String,
) -> Result<Written, ErrorBody> {
    let lang = state.lang();
    escale_print::report::write(&state.escale, &query, format, &PathBuf::from(path), lang)
        .await
        .map_err(|e| state.error(e))
}

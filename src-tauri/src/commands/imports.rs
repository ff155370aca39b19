//! The import wizard: preview (a dry run plus the first records) and commit,
//! with progress events for large files.

use std::path::PathBuf;

use escale_core::import::{ImportOptions, ImportPreview, ImportProgress, ImportReport};
use escale_import::ColumnMapping;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::ErrorBody;
use crate::state::AppState;

/// The event `import_commit` emits while it reads, with an [`ImportProgress`].
pub const PROGRESS_EVENT: &str = "import-progress";

/// What importing `path` would do, without writing anything.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    event_id: String,
    path: String,
    mapping: Option<ColumnMapping>,
) -> Result<ImportPreview, ErrorBody> {
    state
        .escale
        .import_preview(&event_id, &PathBuf::from(path), mapping)
        .await
        .map_err(|e| state.error(e))
}

/// Imports `path` into the event, all or nothing, emitting
/// [`PROGRESS_EVENT`] as it reads.
#[tauri::command]
pub async fn import_commit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    event_id: String,
    path: String,
    mapping: Option<ColumnMapping>,
) -> Result<ImportReport, ErrorBody> {
    let opts = ImportOptions {
        dry_run: false,
        mapping,
    };
    let after = app.clone();
    let progress = move |p: ImportProgress| {
        // A lost progress event only delays the bar; the import goes on.
        if let Err(e) = app.emit(PROGRESS_EVENT, p) {
            tracing::warn!("cannot emit {PROGRESS_EVENT}: {e}");
        }
    };
    state
        .escale
        .import_file(&event_id, &PathBuf::from(path), &opts, &progress)
        .await
        .inspect(|_| {
            // An import can bring people already registered by hand, or on
            // another laptop: the duplicates waiting for review change.
            super::visitors::recount_later(after);
        })
        .map_err(|e| state.error(e))
}

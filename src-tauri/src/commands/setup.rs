//! First run, the demo event, and archiving an event (how the demo is deleted).

use escale_core::demo::DemoReport;
use escale_core::{Error, Lang};
use tauri::State;

use super::app::AppStatus;
use crate::error::ErrorBody;
use crate::state::AppState;

/// The demo's people are the same on every laptop and every run.
const DEMO_SEED: u64 = 2026;
/// Enough for the benchmarks; more would only fill the disk.
const DEMO_MAX_VISITORS: u32 = 200_000;

/// Names the organisation and this laptop, and sets the language.
#[tauri::command]
pub async fn first_run(
    state: State<'_, AppState>,
    org_name: String,
    device_name: String,
    lang: Lang,
) -> Result<AppStatus, ErrorBody> {
    state.set_lang(lang);
    state
        .escale
        .init(&org_name, &device_name)
        .await
        .map_err(|e| state.error(e))?;
    AppStatus::of(&state).await.map_err(|e| state.error(e))
}

/// Creates the "[DÉMO]" event with `visitors` synthetic people, none arrived
/// yet, so the desk starts empty.
#[tauri::command]
pub async fn load_demo(state: State<'_, AppState>, visitors: u32) -> Result<DemoReport, ErrorBody> {
    if visitors > DEMO_MAX_VISITORS {
        return Err(state.error(Error::Invalid {
            field: "visitors",
            value: visitors.to_string(),
        }));
    }
    state
        .escale
        .demo(visitors as usize, 0.0, DEMO_SEED)
        .await
        .map_err(|e| state.error(e))
}

/// Hides an event from the list; its data stays in the log.
#[tauri::command]
pub async fn archive_event(state: State<'_, AppState>, event_id: String) -> Result<(), ErrorBody> {
    state
        .escale
        .archive_event(&event_id)
        .await
        .map(|_| ())
        .map_err(|e| state.error(e))
}

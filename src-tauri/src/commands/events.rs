//! Events and their sessions.

use escale_core::app::{EventInput, EventView, SessionInput, SessionView};
use tauri::State;

use crate::error::ErrorBody;
use crate::state::AppState;

/// Events not archived: upcoming and current first, then past ones.
#[tauri::command]
pub async fn list_events(state: State<'_, AppState>) -> Result<Vec<EventView>, ErrorBody> {
    state.escale.events().await.map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn get_event(state: State<'_, AppState>, id: String) -> Result<EventView, ErrorBody> {
    state.escale.event(&id).await.map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn create_event(
    state: State<'_, AppState>,
    input: EventInput,
) -> Result<EventView, ErrorBody> {
    state
        .escale
        .create_event(&input)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn update_event(
    state: State<'_, AppState>,
    id: String,
    input: EventInput,
) -> Result<EventView, ErrorBody> {
    state
        .escale
        .update_event(&id, &input)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn list_sessions(
    state: State<'_, AppState>,
    event_id: String,
) -> Result<Vec<SessionView>, ErrorBody> {
    state
        .escale
        .sessions(&event_id)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn add_session(
    state: State<'_, AppState>,
    event_id: String,
    input: SessionInput,
) -> Result<SessionView, ErrorBody> {
    state
        .escale
        .add_session(&event_id, &input)
        .await
        .map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn update_session(
    state: State<'_, AppState>,
    id: String,
    input: SessionInput,
) -> Result<SessionView, ErrorBody> {
    state
        .escale
        .update_session(&id, &input)
        .await
        .map_err(|e| state.error(e))
}

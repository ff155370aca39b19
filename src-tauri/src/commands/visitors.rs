//! People: walk-in registration, look-alikes, details, edits, merge, and the
//! registrations list.

use escale_core::app::{
    MergeResult, RegistrationFilter, RegistrationPage, Similar, VisitorDetail, VisitorInput, VisitorView, WalkIn,
    WalkInResult,
};
use escale_core::validate::Warning;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::ErrorBody;
use crate::state::AppState;

/// The edited record, and the values left out of it (invalid email…).
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpdateVisitorResult {
    pub visitor: VisitorView,
    pub warnings: Vec<Warning>,
}

/// Visitor, registration and consents (and the check-in) in one transaction.
#[tauri::command]
pub async fn register_walk_in(state: State<'_, AppState>, walk_in: WalkIn) -> Result<WalkInResult, ErrorBody> {
    state.escale.register_walk_in(&walk_in).await.inspect(|_| state.wrote()).map_err(|e| state.error(e))
}

/// Live records that look like the person being typed ("use this record instead?").
#[tauri::command]
pub async fn similar(state: State<'_, AppState>, input: VisitorInput) -> Result<Vec<Similar>, ErrorBody> {
    state.escale.similar(&input).await.map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn visitor_detail(state: State<'_, AppState>, id: String) -> Result<VisitorDetail, ErrorBody> {
    state.escale.visitor_detail(&id).await.map_err(|e| state.error(e))
}

#[tauri::command]
pub async fn update_visitor(
    state: State<'_, AppState>,
    id: String,
    input: VisitorInput,
) -> Result<UpdateVisitorResult, ErrorBody> {
    let (visitor, warnings) = state.escale.update_visitor(&id, &input).await.map_err(|e| state.error(e))?;
    state.wrote();
    Ok(UpdateVisitorResult { visitor, warnings })
}

#[tauri::command]
pub async fn merge_visitors(state: State<'_, AppState>, loser: String, winner: String) -> Result<MergeResult, ErrorBody> {
    state.escale.merge(&loser, &winner).await.inspect(|_| state.wrote()).map_err(|e| state.error(e))
}

/// One page of the event's people, filtered and sorted.
#[tauri::command]
pub async fn registrations(
    state: State<'_, AppState>,
    event_id: String,
    filter: RegistrationFilter,
) -> Result<RegistrationPage, ErrorBody> {
    state.escale.registrations(&event_id, &filter).await.map_err(|e| state.error(e))
}
